/* ofp-json: the JSON form of decoded OpenFlow 1.3 messages (see
 * ofp-json.h for the form itself).
 *
 * The top of the codec: it reads the host-order structs that ofp-msgs,
 * ofp-multipart, ofp-types, ofp-actions and ofp-match decode and builds
 * jansson values.  Names of types come from the modules that own them
 * (ofp_type_name(), ofp_action_type_name() ...); the only tables here are
 * Ryu's names for reserved numbers and flag bits.
 *
 * Out of memory.  Builders chain put()/push(), which release everything and
 * yield NULL once any allocation failed, so one NULL test at the end of a
 * chain is enough and nothing leaks.
 */
#include <config.h>
#include "ofproto/ofp-json.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ONF_EXPERIMENTER_ID 0x4f4e4600u /* "ONF\0" */
#define NX_EXPERIMENTER_ID 0x00002320u  /* Nicira */
#define ONF_ET_PBB_UCA_OLD 2560         /* Ryu's pre-EXT-256 pbb_uca */
#define OXM_HEADER_LEN 4
#define OXM_EXPERIMENTER_ID_LEN 4

/* ---- sticky builders ---- */

/* Sets 'obj'['key'] to 'v' and returns 'obj'.  Always takes 'v'.  If 'obj'
 * or 'v' is NULL (an earlier allocation failed) or the set fails, releases
 * both and returns NULL. */
static json_t *
put(json_t *obj, const char *key, json_t *v)
{
    if (!obj || !v) {
        json_decref(v);
        json_decref(obj);
        return NULL;
    }
    if (json_object_set_new(obj, key, v)) { /* released 'v' */
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* Appends 'v' to array 'arr', with put()'s rules. */
static json_t *
push(json_t *arr, json_t *v)
{
    if (!arr || !v) {
        json_decref(v);
        json_decref(arr);
        return NULL;
    }
    if (json_array_append_new(arr, v)) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static json_t *
put_int(json_t *obj, const char *key, json_int_t v)
{
    return put(obj, key, json_integer(v));
}

static json_t *
put_u64(json_t *obj, const char *key, uint64_t v)
{
    return put(obj, key, ofp_json_u64(v));
}

static json_t *
put_str(json_t *obj, const char *key, const char *s)
{
    return put(obj, key, json_string(s));
}

/* Adds "data" (base64 of 'n' bytes at 'data') and "data_type". */
static json_t *
put_data(json_t *obj, const void *data, size_t n)
{
    obj = put(obj, "data", ofp_json_base64(data, n));
    return put_str(obj, "data_type", "base64");
}

/* Returns 'name' as a string, or 'v' when 'name' is NULL. */
static json_t *
name_or_int(const char *name, json_int_t v)
{
    return name ? json_string(name) : json_integer(v);
}

/* Returns a JSON string formatted as printf() would. */
static json_t *__attribute__((format(printf, 1, 2)))
fmt_str(const char *fmt, ...)
{
    char small[256];
    va_list args;

    va_start(args, fmt);
    int n = vsnprintf(small, sizeof small, fmt, args);
    va_end(args);
    if (n < 0) {
        return NULL;
    }
    if ((size_t) n < sizeof small) {
        return json_stringn(small, n);
    }

    char *big = malloc((size_t) n + 1);
    if (!big) {
        return NULL;
    }
    va_start(args, fmt);
    vsnprintf(big, (size_t) n + 1, fmt, args);
    va_end(args);
    json_t *s = json_stringn(big, n);
    free(big);
    return s;
}

/* Moves every member of 'src' into 'dst' and releases 'src'; put()'s
 * rules. */
static json_t *
merge(json_t *dst, json_t *src)
{
    if (!dst || !src || json_object_update(dst, src)) {
        json_decref(src);
        json_decref(dst);
        return NULL;
    }
    json_decref(src);
    return dst;
}

/* ---- values ---- */

json_t *
ofp_json_u64(uint64_t v)
{
    if (v <= INT64_MAX) {
        return json_integer((json_int_t) v);
    }
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%" PRIu64, v);
    return json_stringn(buf, (size_t) n);
}

static const char base64_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Returns a malloc'd, NUL-terminated base64 text of 'n' bytes at 'data'
 * ('*lenp' gets its length), or NULL when memory runs out. */
static char *
base64_alloc(const uint8_t *data, size_t n, size_t *lenp)
{
    size_t len = (n + 2) / 3 * 4;
    char *out = malloc(len + 1);
    if (!out) {
        return NULL;
    }

    char *p = out;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t) data[i] << 16 | data[i + 1] << 8 | data[i + 2];
        *p++ = base64_digits[v >> 18];
        *p++ = base64_digits[(v >> 12) & 63];
        *p++ = base64_digits[(v >> 6) & 63];
        *p++ = base64_digits[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t) data[i] << 16;
        if (i + 1 < n) {
            v |= data[i + 1] << 8;
        }
        *p++ = base64_digits[v >> 18];
        *p++ = base64_digits[(v >> 12) & 63];
        *p++ = i + 1 < n ? base64_digits[(v >> 6) & 63] : '=';
        *p++ = '=';
    }
    *p = '\0';
    *lenp = len;
    return out;
}

json_t *
ofp_json_base64(const void *data, size_t n)
{
    size_t len;
    char *text = base64_alloc(data, n, &len);
    if (!text) {
        return NULL;
    }
    json_t *s = json_stringn_nocheck(text, len);
    free(text);
    return s;
}

/* Returns the length of the well-formed UTF-8 sequence at 'p' ('n' > 0
 * bytes available) and sets '*valid', or, if there is none, the length of
 * its longest valid prefix (at least 1) with '*valid' false: the unit that
 * one U+FFFD replaces (Unicode 3-7, as Python and WHATWG do). */
static size_t
utf8_unit(const uint8_t *p, size_t n, bool *valid)
{
    uint8_t c = p[0];
    uint8_t lo = 0x80, hi = 0xbf;
    size_t need;

    *valid = false;
    if (c < 0x80) {
        *valid = true;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 1;
    }

    for (size_t i = 1; i <= need; i++) {
        if (i >= n) {
            return i;
        }
        uint8_t b = p[i];
        if (i == 1 ? b < lo || b > hi : b < 0x80 || b > 0xbf) {
            return i;
        }
    }
    *valid = true;
    return need + 1;
}

json_t *
ofp_json_text(const char *s, size_t max)
{
    const uint8_t *p = (const uint8_t *) s;
    size_t n = strnlen(s, max);
    size_t i;
    bool valid = true;

    for (i = 0; i < n && valid;) {
        i += utf8_unit(p + i, n - i, &valid);
    }
    if (valid) {
        return json_stringn(s, n);
    }

    /* Each invalid unit (one byte at least) becomes 3 bytes. */
    char *out = malloc(3 * n + 1);
    if (!out) {
        return NULL;
    }
    size_t len = 0;
    for (i = 0; i < n;) {
        size_t unit = utf8_unit(p + i, n - i, &valid);
        if (valid) {
            memcpy(out + len, p + i, unit);
            len += unit;
        } else {
            memcpy(out + len, "\xef\xbf\xbd", 3);
            len += 3;
        }
        i += unit;
    }
    json_t *str = json_stringn(out, len);
    free(out);
    return str;
}

/* A reserved number and Ryu's name for it (ofctl_utils.OFCtlUtil). */
struct reserved {
    uint32_t value;
    const char *name;
};

static const struct reserved reserved_ports[] = {
    {OFPP_MAX, "MAX"},
    {OFPP_IN_PORT, "IN_PORT"},
    {OFPP_TABLE, "TABLE"},
    {OFPP_NORMAL, "NORMAL"},
    {OFPP_FLOOD, "FLOOD"},
    {OFPP_ALL, "ALL"},
    {OFPP_CONTROLLER, "CONTROLLER"},
    {OFPP_LOCAL, "LOCAL"},
    {OFPP_ANY, "ANY"},
    {0, NULL},
};

static const struct reserved reserved_tables[] = {
    {OFPTT_MAX, "MAX"},
    {OFPTT_ALL, "ALL"},
    {0, NULL},
};

static const struct reserved reserved_groups[] = {
    {OFPG_MAX, "MAX"},
    {OFPG_ALL, "ALL"},
    {OFPG_ANY, "ANY"},
    {0, NULL},
};

static const struct reserved reserved_meters[] = {
    {OFPM_MAX, "MAX"},
    {OFPM_SLOWPATH, "SLOWPATH"},
    {OFPM_CONTROLLER, "CONTROLLER"},
    {OFPM_ALL, "ALL"},
    {0, NULL},
};

static const struct reserved reserved_queues[] = {
    {OFPQ_ALL, "ALL"},
    {0, NULL},
};

static const struct reserved reserved_roles[] = {
    {OFPCR_ROLE_NOCHANGE, "NOCHANGE"},
    {OFPCR_ROLE_EQUAL, "EQUAL"},
    {OFPCR_ROLE_MASTER, "MASTER"},
    {OFPCR_ROLE_SLAVE, "SLAVE"},
    {0, NULL},
};

static const char *
reserved_name(const struct reserved *table, uint32_t v)
{
    for (; table->name; table++) {
        if (table->value == v) {
            return table->name;
        }
    }
    return NULL;
}

/* Returns Ryu's _reserved_num_to_user() of 'v': a name or the number. */
static json_t *
reserved_json(const struct reserved *table, uint32_t v)
{
    return name_or_int(reserved_name(table, v), v);
}

/* Writes the same as text ("CONTROLLER" or "7") into 'buf'. */
static const char *
reserved_text(const struct reserved *table, uint32_t v, char *buf, size_t size)
{
    const char *name = reserved_name(table, v);
    if (name) {
        return name;
    }
    snprintf(buf, size, "%" PRIu32, v);
    return buf;
}

json_t *
ofp_json_port_no(uint32_t port)
{
    return reserved_json(reserved_ports, port);
}

/* Returns the set bits of 'bits' as an array, lowest first: 'names'[i]
 * for bit i when it has a name; else the bit's value (1 << i), or i itself
 * when 'by_index' (bitmaps of types, such as "1 << OFPAT_*"). */
static json_t *
bit_list(uint32_t bits, const char *const *names, size_t n_names,
         bool by_index)
{
    json_t *arr = json_array();
    for (unsigned int i = 0; i < 32; i++) {
        if (bits & (UINT32_C(1) << i)) {
            const char *name = i < n_names ? names[i] : NULL;
            arr = push(
                arr,
                name_or_int(name, by_index ? (json_int_t) i
                                           : (json_int_t) (UINT32_C(1) << i)));
        }
    }
    return arr;
}

static const char *const meter_flag_names[] = {
    "KBPS",
    "PKTPS",
    "BURST",
    "STATS",
};

static const char *const group_type_names[] = {
    "ALL",
    "SELECT",
    "INDIRECT",
    "FF",
};

static const char *const group_capability_names[] = {
    "SELECT_WEIGHT",
    "SELECT_LIVENESS",
    "CHAINING",
    "CHAINING_CHECKS",
};

/* Indexed by OFPMBT_* (bit positions in meter features band_types). */
static const char *const band_type_bit_names[] = {
    NULL,
    "DROP",
    "DSCP_REMARK",
};

#define ARRAY_SIZE(A) (sizeof(A) / sizeof(A)[0])

static const char *
group_type_name(uint8_t type)
{
    return type < ARRAY_SIZE(group_type_names) ? group_type_names[type] : NULL;
}

static const char *
band_type_name(uint16_t type)
{
    switch (type) {
    case OFPMBT_DROP:
        return "DROP";
    case OFPMBT_DSCP_REMARK:
        return "DSCP_REMARK";
    case OFPMBT_EXPERIMENTER:
        return "EXPERIMENTER";
    default:
        return NULL;
    }
}

static const char *
queue_prop_name(uint16_t property)
{
    switch (property) {
    case OFPQT_MIN_RATE:
        return "MIN_RATE";
    case OFPQT_MAX_RATE:
        return "MAX_RATE";
    case OFPQT_EXPERIMENTER:
        return "EXPERIMENTER";
    default:
        return NULL;
    }
}

static void
mac_text(const uint8_t mac[6], char *buf, size_t size)
{
    snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
             mac[2], mac[3], mac[4], mac[5]);
}

static json_t *
mac_json(const uint8_t mac[6])
{
    char buf[18];
    mac_text(mac, buf, sizeof buf);
    return json_string(buf);
}

/* ---- OXMs ---- */

/* A known field's value, whether it came as an OpenFlow-basic OXM or as one
 * of the ONF experimenter OXMs Ryu names. */
struct oxm_view {
    uint8_t field; /* OFPXMT_OFB_* */
    const char *name;
    enum ofp_oxm_kind kind;
    bool has_mask;
    union ofp_oxm_value value;
    union ofp_oxm_value mask;
};

/* Reads a value of 'kind' ('width' bytes, big-endian, at 'p') into 'v'. */
static void
read_value(const uint8_t *p, enum ofp_oxm_kind kind, size_t width,
           union ofp_oxm_value *v)
{
    uint64_t x = 0;

    memset(v, 0, sizeof *v);
    if (kind == OFP_OXM_MAC) {
        memcpy(v->mac, p, sizeof v->mac);
        return;
    } else if (kind == OFP_OXM_IPV6) {
        memcpy(v->ipv6, p, sizeof v->ipv6);
        return;
    }
    for (size_t i = 0; i < width; i++) {
        x = x << 8 | p[i];
    }
    if (kind == OFP_OXM_U8) {
        v->u8 = (uint8_t) x;
    } else if (kind == OFP_OXM_U16) {
        v->u16 = (uint16_t) x;
    } else if (kind == OFP_OXM_U64) {
        v->u64 = x;
    } else {
        v->u32 = (uint32_t) x; /* U24, U32 */
    }
}

/* Fills 'ov' if 'oxm' is a field this module names; false for an opaque
 * OXM. */
static bool
oxm_view_init(const struct ofp_oxm *oxm, struct oxm_view *ov)
{
    const struct ofp_oxm_field_info *info;

    if (ofp_oxm_is_known(oxm)) {
        info = ofp_oxm_field_info(oxm->field);
        if (!info) {
            return false;
        }
        ov->field = info->field;
        ov->name = info->name;
        ov->kind = info->kind;
        ov->has_mask = oxm->has_mask;
        ov->value = oxm->value;
        ov->mask = oxm->mask;
        return true;
    }

    if (oxm->cls != OFPXMC_EXPERIMENTER ||
        oxm->experimenter != ONF_EXPERIMENTER_ID || !oxm->payload ||
        oxm->length < OXM_EXPERIMENTER_ID_LEN) {
        return false;
    }
    const uint8_t *p = oxm->payload;
    size_t n = oxm->length - OXM_EXPERIMENTER_ID_LEN;
    uint8_t field = oxm->field;
    if (field == 0 && n >= 2 && (p[0] << 8 | p[1]) == ONF_ET_PBB_UCA_OLD) {
        field = OFPXMT_OFB_PBB_UCA;
        p += 2;
        n -= 2;
    } else if (field != OFPXMT_OFB_PBB_UCA && field != OFPXMT_OFB_TCP_FLAGS &&
               field != OFPXMT_OFB_ACTSET_OUTPUT) {
        return false;
    }
    info = ofp_oxm_field_info(field);
    if (!info || n != (size_t) info->width * (oxm->has_mask ? 2 : 1)) {
        return false;
    }
    ov->field = field;
    ov->name = info->name;
    ov->kind = info->kind;
    ov->has_mask = oxm->has_mask;
    read_value(p, info->kind, info->width, &ov->value);
    if (oxm->has_mask) {
        read_value(p + info->width, info->kind, info->width, &ov->mask);
    } else {
        memset(&ov->mask, 0, sizeof ov->mask);
    }
    return true;
}

static bool
field_is_ipv4(uint8_t field)
{
    return (field == OFPXMT_OFB_IPV4_SRC || field == OFPXMT_OFB_IPV4_DST ||
            field == OFPXMT_OFB_ARP_SPA || field == OFPXMT_OFB_ARP_TPA);
}

/* True if values of 'ov' are JSON numbers (not text). */
static bool
view_is_number(const struct oxm_view *ov)
{
    return (ov->kind != OFP_OXM_MAC && ov->kind != OFP_OXM_IPV6 &&
            !field_is_ipv4(ov->field));
}

static uint64_t
view_int(enum ofp_oxm_kind kind, const union ofp_oxm_value *v)
{
    switch (kind) {
    case OFP_OXM_U8:
        return v->u8;
    case OFP_OXM_U16:
        return v->u16;
    case OFP_OXM_U24:
    case OFP_OXM_U32:
        return v->u32;
    case OFP_OXM_U64:
        return v->u64;
    case OFP_OXM_MAC:
    case OFP_OXM_IPV6:
    default:
        return 0;
    }
}

/* Writes value 'v' of 'ov' as Ryu's text (numbers in decimal) into 'buf'
 * (64 bytes are enough). */
static void
value_text(const struct oxm_view *ov, const union ofp_oxm_value *v, char *buf,
           size_t size)
{
    if (ov->kind == OFP_OXM_MAC) {
        mac_text(v->mac, buf, size);
    } else if (ov->kind == OFP_OXM_IPV6) {
        if (!inet_ntop(AF_INET6, v->ipv6, buf, (socklen_t) size)) {
            snprintf(buf, size, "::");
        }
    } else if (field_is_ipv4(ov->field)) {
        uint32_t a = v->u32;
        snprintf(buf, size, "%u.%u.%u.%u", (unsigned int) (a >> 24),
                 (unsigned int) (a >> 16) & 0xff,
                 (unsigned int) (a >> 8) & 0xff, (unsigned int) a & 0xff);
    } else {
        snprintf(buf, size, "%" PRIu64, view_int(ov->kind, v));
    }
}

/* Returns a value of 'ov' as Ryu's OXM to_user value: a number or text. */
static json_t *
value_json(const struct oxm_view *ov, const union ofp_oxm_value *v)
{
    if (view_is_number(ov)) {
        return ofp_json_u64(view_int(ov->kind, v));
    }
    char buf[64];
    value_text(ov, v, buf, sizeof buf);
    return json_string(buf);
}

/* Returns the value of 'ov' in a match, as match_to_str() renders it. */
static json_t *
match_value_json(const struct oxm_view *ov)
{
    char v[64], m[64];

    if (ov->field == OFPXMT_OFB_VLAN_VID) {
        uint16_t vid = ov->value.u16;
        if (ov->has_mask) {
            return fmt_str("0x%04x/0x%04x", vid, ov->mask.u16);
        } else if (vid & OFPVID_PRESENT) {
            return fmt_str("%u", (unsigned int) (vid & ~OFPVID_PRESENT));
        }
        return fmt_str("0x%04x", vid);
    }
    if (!ov->has_mask) {
        if (ov->field == OFPXMT_OFB_IN_PORT) {
            return ofp_json_port_no(ov->value.u32);
        }
        return value_json(ov, &ov->value);
    }
    value_text(ov, &ov->value, v, sizeof v);
    value_text(ov, &ov->mask, m, sizeof m);
    return fmt_str("%s/%s", v, m);
}

json_t *
ofp_json_oxm_opaque(const struct ofp_oxm *oxm)
{
    uint8_t buf[OXM_HEADER_LEN + 256];
    const uint8_t *data;
    size_t len;
    size_t skip =
        (oxm->cls == OFPXMC_EXPERIMENTER ? OXM_EXPERIMENTER_ID_LEN : 0);

    if (oxm->payload) {
        data = oxm->payload;
        len = oxm->length > skip ? oxm->length - skip : 0;
    } else {
        /* A decoded field: its wire payload, from the OXM encoder. */
        struct ofp_wbuf wb;
        ofp_wbuf_use_fixed(&wb, buf, sizeof buf);
        ofp_oxm_encode(&wb, oxm);
        skip += OXM_HEADER_LEN;
        data = buf + skip;
        len = !wb.overflow && wb.len > skip ? wb.len - skip : 0;
    }

    json_t *o = put_int(json_object(), "oxm_class", oxm->cls);
    o = put_int(o, "field", oxm->field);
    o = put(o, "hasmask", json_boolean(oxm->has_mask));
    if (oxm->cls == OFPXMC_EXPERIMENTER) {
        o = put_int(o, "experimenter", oxm->experimenter);
    }
    return put_data(o, data, len);
}

/* Ryu's OpenFlow 1.0 names for match_to_str(), by OXM field. */
static const char *
legacy_name(uint8_t field)
{
    switch (field) {
    case OFPXMT_OFB_ETH_SRC:
        return "dl_src";
    case OFPXMT_OFB_ETH_DST:
        return "dl_dst";
    case OFPXMT_OFB_ETH_TYPE:
        return "dl_type";
    case OFPXMT_OFB_VLAN_VID:
        return "dl_vlan";
    case OFPXMT_OFB_IPV4_SRC:
        return "nw_src";
    case OFPXMT_OFB_IPV4_DST:
        return "nw_dst";
    case OFPXMT_OFB_IP_PROTO:
        return "nw_proto";
    case OFPXMT_OFB_TCP_SRC:
    case OFPXMT_OFB_UDP_SRC:
        return "tp_src";
    case OFPXMT_OFB_TCP_DST:
    case OFPXMT_OFB_UDP_DST:
        return "tp_dst";
    default:
        return NULL;
    }
}

static json_t *
match_json(const struct ofp_match *match, bool legacy)
{
    json_t *o = json_object();
    json_t *opaque = json_array();

    for (size_t i = 0; i < match->n_oxms && o; i++) {
        const struct ofp_oxm *oxm = &match->oxms[i];
        struct oxm_view ov;

        if (oxm_view_init(oxm, &ov)) {
            const char *key = legacy ? legacy_name(ov.field) : NULL;
            if (!key) {
                key = ov.name;
            }
            if (!json_object_get(o, key)) {
                o = put(o, key, match_value_json(&ov));
            }
        } else {
            opaque = push(opaque, ofp_json_oxm_opaque(oxm));
        }
    }
    if (opaque && !json_array_size(opaque)) {
        json_decref(opaque);
        return o;
    }
    return put(o, "oxm_opaque", opaque);
}

json_t *
ofp_json_match(const struct ofp_match *match)
{
    return match_json(match, false);
}

json_t *
ofp_json_match_ryu(const struct ofp_match *match)
{
    return match_json(match, true);
}

/* ---- actions ---- */

/* Adds "field", "value" (and "mask") of a set-field OXM to dict 'o', or
 * "oxm" for an opaque one. */
static json_t *
put_set_field(json_t *o, const struct ofp_oxm *oxm)
{
    struct oxm_view ov;

    if (!oxm_view_init(oxm, &ov)) {
        return put(o, "oxm", ofp_json_oxm_opaque(oxm));
    }
    o = put_str(o, "field", ov.name);
    o = put(o, "value", value_json(&ov, &ov.value));
    if (ov.has_mask) {
        o = put(o, "mask", value_json(&ov, &ov.mask));
    }
    return o;
}

json_t *
ofp_json_action(const struct ofp_action *a)
{
    json_t *o = json_object();

    o = put(o, "type", name_or_int(ofp_action_type_name(a->type), a->type));
    switch (a->type) {
    case OFPAT_OUTPUT:
        o = put_int(o, "port", a->output.port);
        o = put_int(o, "max_len", a->output.max_len);
        break;
    case OFPAT_SET_MPLS_TTL:
        o = put_int(o, "mpls_ttl", a->mpls_ttl);
        break;
    case OFPAT_SET_NW_TTL:
        o = put_int(o, "nw_ttl", a->nw_ttl);
        break;
    case OFPAT_PUSH_VLAN:
    case OFPAT_PUSH_MPLS:
    case OFPAT_POP_MPLS:
    case OFPAT_PUSH_PBB:
        o = put_int(o, "ethertype", a->ethertype);
        break;
    case OFPAT_SET_QUEUE:
        o = put_int(o, "queue_id", a->queue_id);
        break;
    case OFPAT_GROUP:
        o = put_int(o, "group_id", a->group_id);
        break;
    case OFPAT_SET_FIELD:
        o = put_set_field(o, &a->set_field);
        break;
    case OFPAT_EXPERIMENTER:
        o = put_int(o, "experimenter", a->experimenter.experimenter);
        o = put_data(o, a->experimenter.data, a->experimenter.len);
        break;
    default:
        break;
    }
    return o;
}

json_t *
ofp_json_actions(const struct ofp_action_list *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < list->n; i++) {
        arr = push(arr, ofp_json_action(&list->actions[i]));
    }
    return arr;
}

/* Returns "<prefix> {experimenter:E, data:BASE64}" or, for a Nicira body,
 * "NX_UNKNOWN: {subtype: S, data: BASE64}" when 'nx'. */
static json_t *
experimenter_str(const char *prefix, const struct ofp_exp_body *exp, bool nx)
{
    const uint8_t *data = exp->data;
    size_t len = exp->len, b64_len;
    json_t *s;

    if (nx && exp->experimenter == NX_EXPERIMENTER_ID && len >= 2) {
        char *b64 = base64_alloc(data + 2, len - 2, &b64_len);
        if (!b64) {
            return NULL;
        }
        s = fmt_str("NX_UNKNOWN: {subtype: %u, data: %s}",
                    (unsigned int) (data[0] << 8 | data[1]), b64);
        free(b64);
        return s;
    }
    char *b64 = base64_alloc(data, len, &b64_len);
    if (!b64) {
        return NULL;
    }
    s = fmt_str("%s {experimenter:%" PRIu32 ", data:%s}", prefix,
                exp->experimenter, b64);
    free(b64);
    return s;
}

/* Returns "SET_FIELD: {oxm_class:C, field:F, hasmask:0|1[, experimenter:E],
 * data:BASE64}" for a set-field of an opaque OXM. */
static json_t *
opaque_set_field_str(const struct ofp_oxm *oxm)
{
    json_t *desc = ofp_json_oxm_opaque(oxm);
    const char *b64 = json_string_value(json_object_get(desc, "data"));
    char exp[32] = "";
    json_t *s = NULL;

    if (oxm->cls == OFPXMC_EXPERIMENTER) {
        snprintf(exp, sizeof exp, ", experimenter:%" PRIu32,
                 oxm->experimenter);
    }
    if (b64) {
        s = fmt_str("SET_FIELD: {oxm_class:%u, field:%u, hasmask:%d%s, "
                    "data:%s}",
                    (unsigned int) oxm->cls, (unsigned int) oxm->field,
                    oxm->has_mask ? 1 : 0, exp, b64);
    }
    json_decref(desc);
    return s;
}

json_t *
ofp_json_action_str(const struct ofp_action *a)
{
    const char *name = ofp_action_type_name(a->type);
    char buf[16];

    switch (a->type) {
    case OFPAT_OUTPUT:
        return fmt_str(
            "OUTPUT:%s",
            reserved_text(reserved_ports, a->output.port, buf, sizeof buf));
    case OFPAT_SET_MPLS_TTL:
        return fmt_str("SET_MPLS_TTL:%u", (unsigned int) a->mpls_ttl);
    case OFPAT_SET_NW_TTL:
        return fmt_str("SET_NW_TTL:%u", (unsigned int) a->nw_ttl);
    case OFPAT_PUSH_VLAN:
    case OFPAT_PUSH_MPLS:
    case OFPAT_POP_MPLS:
    case OFPAT_PUSH_PBB:
        return fmt_str("%s:%u", name, (unsigned int) a->ethertype);
    case OFPAT_SET_QUEUE:
        return fmt_str(
            "SET_QUEUE:%s",
            reserved_text(reserved_queues, a->queue_id, buf, sizeof buf));
    case OFPAT_GROUP:
        return fmt_str("GROUP:%s", reserved_text(reserved_groups, a->group_id,
                                                 buf, sizeof buf));
    case OFPAT_SET_FIELD: {
        struct oxm_view ov;
        char v[64], m[64];

        if (!oxm_view_init(&a->set_field, &ov)) {
            return opaque_set_field_str(&a->set_field);
        }
        value_text(&ov, &ov.value, v, sizeof v);
        if (ov.has_mask) {
            value_text(&ov, &ov.mask, m, sizeof m);
            return fmt_str("SET_FIELD: {%s:%s/%s}", ov.name, v, m);
        }
        return fmt_str("SET_FIELD: {%s:%s}", ov.name, v);
    }
    case OFPAT_EXPERIMENTER:
        return experimenter_str("EXPERIMENTER:", &a->experimenter, true);
    case OFPAT_COPY_TTL_OUT:
    case OFPAT_COPY_TTL_IN:
    case OFPAT_DEC_MPLS_TTL:
    case OFPAT_POP_VLAN:
    case OFPAT_DEC_NW_TTL:
    case OFPAT_POP_PBB:
        return json_string(name ? name : "UNKNOWN");
    default:
        return json_string("UNKNOWN");
    }
}

json_t *
ofp_json_actions_str(const struct ofp_action_list *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < list->n; i++) {
        arr = push(arr, ofp_json_action_str(&list->actions[i]));
    }
    return arr;
}

/* ---- instructions ---- */

json_t *
ofp_json_instruction(const struct ofp_instruction *inst)
{
    json_t *o = json_object();

    o = put(o, "type",
            name_or_int(ofp_instruction_type_name(inst->type), inst->type));
    switch (inst->type) {
    case OFPIT_GOTO_TABLE:
        o = put_int(o, "table_id", inst->table_id);
        break;
    case OFPIT_WRITE_METADATA:
        o = put_u64(o, "metadata", inst->write_metadata.metadata);
        o = put_u64(o, "metadata_mask", inst->write_metadata.mask);
        break;
    case OFPIT_WRITE_ACTIONS:
    case OFPIT_APPLY_ACTIONS:
        o = put(o, "actions", ofp_json_actions(&inst->actions));
        break;
    case OFPIT_CLEAR_ACTIONS:
        if (inst->actions.n) {
            o = put(o, "actions", ofp_json_actions(&inst->actions));
        }
        break;
    case OFPIT_METER:
        o = put_int(o, "meter_id", inst->meter_id);
        break;
    case OFPIT_EXPERIMENTER:
        o = put_int(o, "experimenter", inst->experimenter.experimenter);
        o = put_data(o, inst->experimenter.data, inst->experimenter.len);
        break;
    default:
        break;
    }
    return o;
}

json_t *
ofp_json_instructions(const struct ofp_instruction_list *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < list->n; i++) {
        arr = push(arr, ofp_json_instruction(&list->instructions[i]));
    }
    return arr;
}

json_t *
ofp_json_instructions_ryu(const struct ofp_instruction_list *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < list->n; i++) {
        const struct ofp_instruction *inst = &list->instructions[i];
        if (inst->type == OFPIT_APPLY_ACTIONS) {
            for (size_t j = 0; j < inst->actions.n; j++) {
                arr = push(arr, ofp_json_action(&inst->actions.actions[j]));
            }
        } else {
            arr = push(arr, ofp_json_instruction(inst));
        }
    }
    return arr;
}

/* Returns Ryu's string for one instruction that is not an action list. */
static json_t *
instruction_str(const struct ofp_instruction *inst)
{
    char buf[16];

    switch (inst->type) {
    case OFPIT_GOTO_TABLE:
        return fmt_str(
            "GOTO_TABLE:%s",
            reserved_text(reserved_tables, inst->table_id, buf, sizeof buf));
    case OFPIT_WRITE_METADATA:
        if (inst->write_metadata.mask) {
            return fmt_str("WRITE_METADATA:0x%" PRIx64 "/0x%" PRIx64,
                           inst->write_metadata.metadata,
                           inst->write_metadata.mask);
        }
        return fmt_str("WRITE_METADATA:0x%" PRIx64,
                       inst->write_metadata.metadata);
    case OFPIT_METER:
        return fmt_str(
            "METER:%s",
            reserved_text(reserved_meters, inst->meter_id, buf, sizeof buf));
    case OFPIT_CLEAR_ACTIONS:
        return json_string("CLEAR_ACTIONS");
    case OFPIT_EXPERIMENTER:
        return experimenter_str(
            "EXPERIMENTER_INSTRUCTION:", &inst->experimenter, false);
    default:
        return json_string("UNKNOWN");
    }
}

json_t *
ofp_json_instructions_str(const struct ofp_instruction_list *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < list->n; i++) {
        const struct ofp_instruction *inst = &list->instructions[i];
        if (inst->type == OFPIT_APPLY_ACTIONS) {
            for (size_t j = 0; j < inst->actions.n; j++) {
                arr =
                    push(arr, ofp_json_action_str(&inst->actions.actions[j]));
            }
        } else if (inst->type == OFPIT_WRITE_ACTIONS) {
            if (inst->actions.n) {
                json_t *w = put(json_object(), "WRITE_ACTIONS",
                                ofp_json_actions_str(&inst->actions));
                arr = push(arr, w);
            }
        } else {
            arr = push(arr, instruction_str(inst));
        }
    }
    return arr;
}

/* ---- shared structures ---- */

json_t *
ofp_json_port(const struct ofp_port *port)
{
    json_t *o = json_object();
    o = put(o, "port_no", ofp_json_port_no(port->port_no));
    o = put(o, "hw_addr", mac_json(port->hw_addr));
    o = put(o, "name", ofp_json_text(port->name, OFP_MAX_PORT_NAME_LEN));
    o = put_int(o, "config", port->config);
    o = put_int(o, "state", port->state);
    o = put_int(o, "curr", port->curr);
    o = put_int(o, "advertised", port->advertised);
    o = put_int(o, "supported", port->supported);
    o = put_int(o, "peer", port->peer);
    o = put_int(o, "curr_speed", port->curr_speed);
    o = put_int(o, "max_speed", port->max_speed);
    return o;
}

/* One bucket; 'strings' selects Ryu's string form of its actions (group
 * desc, with the bucket's "len") over the dict form (group mod). */
static json_t *
bucket_json(const struct ofp_bucket *b, bool strings)
{
    json_t *o = json_object();
    o = put_int(o, "weight", b->weight);
    o = put_int(o, "watch_port", b->watch_port);
    o = put_int(o, "watch_group", b->watch_group);
    if (strings) {
        o = put(o, "actions", ofp_json_actions_str(&b->actions));
        o = put_int(
            o, "len",
            (json_int_t) (OFP_BUCKET_LEN + ofp_actions_wire_len(&b->actions)));
    } else {
        o = put(o, "actions", ofp_json_actions(&b->actions));
    }
    return o;
}

json_t *
ofp_json_buckets(const struct ofp_bucket_list *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < list->n; i++) {
        arr = push(arr, bucket_json(&list->buckets[i], false));
    }
    return arr;
}

json_t *
ofp_json_meter_bands(const struct ofp_meter_band_list *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < list->n; i++) {
        const struct ofp_meter_band *b = &list->bands[i];
        json_t *o = json_object();
        o = put(o, "type", name_or_int(band_type_name(b->type), b->type));
        o = put_int(o, "rate", b->rate);
        o = put_int(o, "burst_size", b->burst_size);
        if (b->type == OFPMBT_DSCP_REMARK) {
            o = put_int(o, "prec_level", b->prec_level);
        } else if (b->type == OFPMBT_EXPERIMENTER) {
            o = put_int(o, "experimenter", b->experimenter.experimenter);
            if (b->experimenter.len) {
                o = put_data(o, b->experimenter.data, b->experimenter.len);
            }
        }
        arr = push(arr, o);
    }
    return arr;
}

/* Meter flags as Ryu's list of names. */
static json_t *
meter_flags_json(uint32_t flags)
{
    return bit_list(flags, meter_flag_names, ARRAY_SIZE(meter_flag_names),
                    false);
}

/* ---- table features ---- */

/* An instruction or action id: {"len": 4 + body, "type": T} (+ the
 * experimenter id and data of an experimenter id). */
static json_t *
feature_id_json(const struct ofp_instruction_id *id)
{
    json_t *o = json_object();
    o = put_int(o, "len", (json_int_t) (4 + id->len));
    o = put_int(o, "type", id->type);
    if (id->len >= 4 && id->type == 0xffff) {
        const uint8_t *p = id->data;
        o = put_int(o, "experimenter",
                    (json_int_t) ((uint32_t) p[0] << 24 | p[1] << 16 |
                                  p[2] << 8 | p[3]));
        if (id->len > 4) {
            o = put_data(o, p + 4, id->len - 4);
        }
    } else if (id->len) {
        o = put_data(o, id->data, id->len);
    }
    return o;
}

static json_t *
feature_ids_json(size_t n, const struct ofp_instruction_id *ids)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        arr = push(arr, feature_id_json(&ids[i]));
    }
    return arr;
}

/* An OXM id: {"hasmask": 0|1, "length": L, "type": name} as Ryu; an id
 * without a name has "type": "UNKNOWN" and its class and field. */
static json_t *
oxm_id_json(const struct ofp_oxm_id *id)
{
    uint16_t cls = id->header >> 16;
    uint8_t field = (id->header >> 9) & 0x7f;
    const struct ofp_oxm_field_info *info = NULL;
    json_t *o = json_object();

    if (cls == OFPXMC_OPENFLOW_BASIC ||
        (cls == OFPXMC_EXPERIMENTER &&
         id->experimenter == ONF_EXPERIMENTER_ID &&
         (field == OFPXMT_OFB_PBB_UCA || field == OFPXMT_OFB_TCP_FLAGS ||
          field == OFPXMT_OFB_ACTSET_OUTPUT))) {
        info = ofp_oxm_field_info(field);
    }
    o = put_int(o, "hasmask", (id->header >> 8) & 1);
    o = put_int(o, "length", id->header & 0xff);
    o = put_str(o, "type", info ? info->name : "UNKNOWN");
    if (!info) {
        o = put_int(o, "oxm_class", cls);
        o = put_int(o, "field", field);
    }
    if (cls == OFPXMC_EXPERIMENTER) {
        o = put_int(o, "experimenter", id->experimenter);
    }
    return o;
}

static json_t *
table_feature_prop_json(const struct ofp_table_feature_prop *prop)
{
    json_t *o = json_object();
    json_t *arr;

    o = put(o, "type",
            name_or_int(ofp_table_feature_prop_name(prop->type), prop->type));
    switch (ofp_table_feature_prop_kind(prop->type)) {
    case OFP_TFP_INSTRUCTIONS:
        o = put(
            o, "instruction_ids",
            feature_ids_json(prop->instructions.n, prop->instructions.ids));
        break;
    case OFP_TFP_NEXT_TABLES:
        arr = json_array();
        for (size_t i = 0; i < prop->next_tables.n; i++) {
            arr = push(arr, json_integer(prop->next_tables.table_ids[i]));
        }
        o = put(o, "table_ids", arr);
        break;
    case OFP_TFP_ACTIONS:
        o = put(o, "action_ids",
                feature_ids_json(prop->actions.n, prop->actions.ids));
        break;
    case OFP_TFP_OXMS:
        arr = json_array();
        for (size_t i = 0; i < prop->oxms.n; i++) {
            arr = push(arr, oxm_id_json(&prop->oxms.ids[i]));
        }
        o = put(o, "oxm_ids", arr);
        break;
    case OFP_TFP_EXPERIMENTER:
        o = put_int(o, "experimenter", prop->experimenter.experimenter);
        o = put_int(o, "exp_type", prop->experimenter.exp_type);
        o = put_data(o, prop->experimenter.data, prop->experimenter.len);
        break;
    case OFP_TFP_UNKNOWN:
    default:
        o = put_data(o, prop->unknown.data, prop->unknown.len);
        break;
    }
    return o;
}

json_t *
ofp_json_table_features(const struct ofp_table_features *tf)
{
    json_t *o = json_object();
    json_t *props = json_array();

    o = put(o, "table_id", reserved_json(reserved_tables, tf->table_id));
    o = put(o, "name", ofp_json_text(tf->name, OFP_MAX_TABLE_NAME_LEN));
    o = put_u64(o, "metadata_match", tf->metadata_match);
    o = put_u64(o, "metadata_write", tf->metadata_write);
    o = put_int(o, "config", tf->config);
    o = put_int(o, "max_entries", tf->max_entries);
    for (size_t i = 0; i < tf->n_props; i++) {
        props = push(props, table_feature_prop_json(&tf->props[i]));
    }
    return put(o, "properties", props);
}

static json_t *
table_features_list(size_t n, const struct ofp_table_features *tables)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        arr = push(arr, ofp_json_table_features(&tables[i]));
    }
    return arr;
}

/* ---- multipart ---- */

static json_t *
mp_experimenter_json(const struct ofp_mp_experimenter *exp)
{
    json_t *o = json_object();
    o = put_int(o, "experimenter", exp->experimenter);
    o = put_int(o, "exp_type", exp->exp_type);
    return put_data(o, exp->data, exp->len);
}

/* Adds "multipart_type" and "flags". */
static json_t *
mp_header(uint16_t type, uint16_t flags)
{
    json_t *o = json_object();
    o = put(o, "multipart_type", name_or_int(ofp_mp_type_name(type), type));
    return put_int(o, "flags", flags);
}

json_t *
ofp_json_mp_request(const struct ofp_multipart_request *req)
{
    json_t *o = mp_header(req->type, req->flags);
    json_t *body = NULL;

    switch (req->type) {
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE: {
        const struct ofp_flow_stats_request *f = &req->flow;
        body = json_object();
        body = put_int(body, "table_id", f->table_id);
        body = put_int(body, "out_port", f->out_port);
        body = put_int(body, "out_group", f->out_group);
        body = put_u64(body, "cookie", f->cookie);
        body = put_u64(body, "cookie_mask", f->cookie_mask);
        body = put(body, "match", ofp_json_match(&f->match));
        break;
    }
    case OFPMP_PORT_STATS:
        body = put_int(json_object(), "port_no", req->port_no);
        break;
    case OFPMP_QUEUE:
        body = put_int(json_object(), "port_no", req->queue.port_no);
        body = put_int(body, "queue_id", req->queue.queue_id);
        break;
    case OFPMP_GROUP:
        body = put_int(json_object(), "group_id", req->group_id);
        break;
    case OFPMP_METER:
    case OFPMP_METER_CONFIG:
        body = put_int(json_object(), "meter_id", req->meter_id);
        break;
    case OFPMP_TABLE_FEATURES:
        body = table_features_list(req->table_features.n,
                                   req->table_features.tables);
        break;
    case OFPMP_EXPERIMENTER:
        body = mp_experimenter_json(&req->experimenter);
        break;
    default:
        return o;
    }
    return put(o, "body", body);
}

static json_t *
desc_json(const struct ofp_desc *d)
{
    json_t *o = json_object();
    o = put(o, "mfr_desc", ofp_json_text(d->mfr_desc, DESC_STR_LEN));
    o = put(o, "hw_desc", ofp_json_text(d->hw_desc, DESC_STR_LEN));
    o = put(o, "sw_desc", ofp_json_text(d->sw_desc, DESC_STR_LEN));
    o = put(o, "serial_num", ofp_json_text(d->serial_num, SERIAL_NUM_LEN));
    o = put(o, "dp_desc", ofp_json_text(d->dp_desc, DESC_STR_LEN));
    return o;
}

/* As get_flow_stats(to_user=True). */
static json_t *
flow_stats_json(const struct ofp_flow_stats *fs)
{
    size_t length = (OFP_FLOW_STATS_LEN - OFP_MATCH_MIN_LEN +
                     ofp_match_wire_len(&fs->match) +
                     ofp_instructions_wire_len(&fs->instructions));
    json_t *o = json_object();
    o = put_int(o, "priority", fs->priority);
    o = put_u64(o, "cookie", fs->cookie);
    o = put_int(o, "idle_timeout", fs->idle_timeout);
    o = put_int(o, "hard_timeout", fs->hard_timeout);
    o = put_u64(o, "byte_count", fs->byte_count);
    o = put_int(o, "duration_sec", fs->duration_sec);
    o = put_int(o, "duration_nsec", fs->duration_nsec);
    o = put_u64(o, "packet_count", fs->packet_count);
    o = put_int(o, "length", (json_int_t) length);
    o = put_int(o, "flags", fs->flags);
    o = put(o, "actions", ofp_json_instructions_str(&fs->instructions));
    o = put(o, "match", ofp_json_match_ryu(&fs->match));
    o = put(o, "table_id", reserved_json(reserved_tables, fs->table_id));
    return o;
}

static json_t *
aggregate_json(const struct ofp_aggregate_stats *a)
{
    json_t *o = json_object();
    o = put_u64(o, "packet_count", a->packet_count);
    o = put_u64(o, "byte_count", a->byte_count);
    o = put_int(o, "flow_count", a->flow_count);
    return o;
}

static json_t *
table_stats_json(const struct ofp_table_stats *t)
{
    json_t *o = json_object();
    o = put_int(o, "active_count", t->active_count);
    o = put_u64(o, "lookup_count", t->lookup_count);
    o = put_u64(o, "matched_count", t->matched_count);
    o = put(o, "table_id", reserved_json(reserved_tables, t->table_id));
    return o;
}

static json_t *
port_stats_json(const struct ofp_port_stats *p)
{
    json_t *o = json_object();
    o = put_u64(o, "rx_packets", p->rx_packets);
    o = put_u64(o, "tx_packets", p->tx_packets);
    o = put_u64(o, "rx_bytes", p->rx_bytes);
    o = put_u64(o, "tx_bytes", p->tx_bytes);
    o = put_u64(o, "rx_dropped", p->rx_dropped);
    o = put_u64(o, "tx_dropped", p->tx_dropped);
    o = put_u64(o, "rx_errors", p->rx_errors);
    o = put_u64(o, "tx_errors", p->tx_errors);
    o = put_u64(o, "rx_frame_err", p->rx_frame_err);
    o = put_u64(o, "rx_over_err", p->rx_over_err);
    o = put_u64(o, "rx_crc_err", p->rx_crc_err);
    o = put_u64(o, "collisions", p->collisions);
    o = put_int(o, "duration_sec", p->duration_sec);
    o = put_int(o, "duration_nsec", p->duration_nsec);
    o = put(o, "port_no", ofp_json_port_no(p->port_no));
    return o;
}

/* As get_queue_stats(): numbers, not Ryu's names. */
static json_t *
queue_stats_json(const struct ofp_queue_stats *q)
{
    json_t *o = json_object();
    o = put_int(o, "duration_nsec", q->duration_nsec);
    o = put_int(o, "duration_sec", q->duration_sec);
    o = put_int(o, "port_no", q->port_no);
    o = put_int(o, "queue_id", q->queue_id);
    o = put_u64(o, "tx_bytes", q->tx_bytes);
    o = put_u64(o, "tx_errors", q->tx_errors);
    o = put_u64(o, "tx_packets", q->tx_packets);
    return o;
}

static json_t *
group_stats_json(const struct ofp_group_stats *g)
{
    json_t *o = json_object();
    json_t *buckets = json_array();

    o = put_int(o, "length",
                (json_int_t) (OFP_GROUP_STATS_LEN +
                              OFP_BUCKET_COUNTER_LEN * g->n_buckets));
    o = put_int(o, "ref_count", g->ref_count);
    o = put_u64(o, "packet_count", g->packet_count);
    o = put_u64(o, "byte_count", g->byte_count);
    o = put_int(o, "duration_sec", g->duration_sec);
    o = put_int(o, "duration_nsec", g->duration_nsec);
    for (size_t i = 0; i < g->n_buckets; i++) {
        json_t *c = json_object();
        c = put_u64(c, "packet_count", g->bucket_stats[i].packet_count);
        c = put_u64(c, "byte_count", g->bucket_stats[i].byte_count);
        buckets = push(buckets, c);
    }
    o = put(o, "bucket_stats", buckets);
    o = put(o, "group_id", reserved_json(reserved_groups, g->group_id));
    return o;
}

static json_t *
group_desc_json(const struct ofp_group_desc *d)
{
    json_t *o = json_object();
    json_t *buckets = json_array();
    size_t length = OFP_GROUP_DESC_LEN;

    for (size_t i = 0; i < d->buckets.n; i++) {
        const struct ofp_bucket *b = &d->buckets.buckets[i];
        length += OFP_BUCKET_LEN + ofp_actions_wire_len(&b->actions);
        buckets = push(buckets, bucket_json(b, true));
    }
    o = put(o, "buckets", buckets);
    o = put(o, "group_id", reserved_json(reserved_groups, d->group_id));
    o = put(o, "type", name_or_int(group_type_name(d->type), d->type));
    o = put_int(o, "length", (json_int_t) length);
    return o;
}

static json_t *
group_features_json(const struct ofp_group_features *f)
{
    json_t *o = json_object();
    json_t *max_groups = json_array();
    json_t *actions = json_array();

    o = put(o, "types",
            bit_list(f->types, group_type_names, ARRAY_SIZE(group_type_names),
                     true));
    o = put(o, "capabilities",
            bit_list(f->capabilities, group_capability_names,
                     ARRAY_SIZE(group_capability_names), false));
    for (size_t t = 0; t < 4; t++) {
        const char *name = group_type_names[t];
        json_t *acts = json_array();

        max_groups =
            push(max_groups, put_int(json_object(), name, f->max_groups[t]));
        for (unsigned int i = 0; i < 32; i++) {
            if (f->actions[t] & (UINT32_C(1) << i)) {
                acts = push(acts, name_or_int(ofp_action_type_name(i), i));
            }
        }
        actions = push(actions, put(json_object(), name, acts));
    }
    o = put(o, "max_groups", max_groups);
    return put(o, "actions", actions);
}

static json_t *
meter_stats_json(const struct ofp_meter_stats *m)
{
    json_t *o = json_object();
    json_t *bands = json_array();

    for (size_t i = 0; i < m->n_bands; i++) {
        json_t *b = json_object();
        b = put_u64(b, "packet_band_count",
                    m->band_stats[i].packet_band_count);
        b = put_u64(b, "byte_band_count", m->band_stats[i].byte_band_count);
        bands = push(bands, b);
    }
    o = put_int(o, "len",
                (json_int_t) (OFP_METER_STATS_LEN +
                              OFP_METER_BAND_STATS_LEN * m->n_bands));
    o = put_int(o, "flow_count", m->flow_count);
    o = put_u64(o, "packet_in_count", m->packet_in_count);
    o = put_u64(o, "byte_in_count", m->byte_in_count);
    o = put_int(o, "duration_sec", m->duration_sec);
    o = put_int(o, "duration_nsec", m->duration_nsec);
    o = put(o, "band_stats", bands);
    o = put(o, "meter_id", reserved_json(reserved_meters, m->meter_id));
    return o;
}

static json_t *
meter_config_json(const struct ofp_meter_config *c)
{
    json_t *o = json_object();
    o = put(o, "flags", meter_flags_json(c->flags));
    o = put(o, "bands", ofp_json_meter_bands(&c->bands));
    o = put(o, "meter_id", reserved_json(reserved_meters, c->meter_id));
    return o;
}

static json_t *
meter_features_json(const struct ofp_meter_features *f)
{
    json_t *o = json_object();
    o = put_int(o, "max_meter", f->max_meter);
    o = put(o, "band_types",
            bit_list(f->band_types, band_type_bit_names,
                     ARRAY_SIZE(band_type_bit_names), true));
    o = put(o, "capabilities", meter_flags_json(f->capabilities));
    o = put_int(o, "max_bands", f->max_bands);
    o = put_int(o, "max_color", f->max_color);
    return o;
}

/* Maps 'n' entries of 'size' bytes at 'entries' through 'fn' into an
 * array. */
static json_t *
entries_json(const void *entries, size_t n, size_t size,
             json_t *(*fn)(const void *) )
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        arr = push(arr, fn((const uint8_t *) entries + i * size));
    }
    return arr;
}

/* Adapters from entries_json()'s 'const void *' to each entry type. */
#define ENTRY_FN(NAME, TYPE, FN)                                              \
    static json_t *NAME(const void *p)                                        \
    {                                                                         \
        return FN((const TYPE *) p);                                          \
    }
ENTRY_FN(flow_stats_entry, struct ofp_flow_stats, flow_stats_json)
ENTRY_FN(table_stats_entry, struct ofp_table_stats, table_stats_json)
ENTRY_FN(port_stats_entry, struct ofp_port_stats, port_stats_json)
ENTRY_FN(queue_stats_entry, struct ofp_queue_stats, queue_stats_json)
ENTRY_FN(group_stats_entry, struct ofp_group_stats, group_stats_json)
ENTRY_FN(group_desc_entry, struct ofp_group_desc, group_desc_json)
ENTRY_FN(meter_stats_entry, struct ofp_meter_stats, meter_stats_json)
ENTRY_FN(meter_config_entry, struct ofp_meter_config, meter_config_json)
ENTRY_FN(port_entry, struct ofp_port, ofp_json_port)
#undef ENTRY_FN

#define ENTRIES(LIST, MEMBER, FN)                                             \
    entries_json((LIST).MEMBER, (LIST).n, sizeof *(LIST).MEMBER, FN)

json_t *
ofp_json_mp_reply(const struct ofp_multipart_reply *r)
{
    json_t *o = mp_header(r->type, r->flags);
    json_t *body;

    switch (r->type) {
    case OFPMP_DESC:
        body = r->desc ? desc_json(r->desc) : json_object();
        break;
    case OFPMP_FLOW:
        body = ENTRIES(r->flow, stats, flow_stats_entry);
        break;
    case OFPMP_AGGREGATE:
        body = aggregate_json(&r->aggregate);
        break;
    case OFPMP_TABLE:
        body = ENTRIES(r->table, stats, table_stats_entry);
        break;
    case OFPMP_PORT_STATS:
        body = ENTRIES(r->port_stats, stats, port_stats_entry);
        break;
    case OFPMP_QUEUE:
        body = ENTRIES(r->queue, stats, queue_stats_entry);
        break;
    case OFPMP_GROUP:
        body = ENTRIES(r->group, stats, group_stats_entry);
        break;
    case OFPMP_GROUP_DESC:
        body = ENTRIES(r->group_desc, descs, group_desc_entry);
        break;
    case OFPMP_GROUP_FEATURES:
        body = group_features_json(&r->group_features);
        break;
    case OFPMP_METER:
        body = ENTRIES(r->meter, stats, meter_stats_entry);
        break;
    case OFPMP_METER_CONFIG:
        body = ENTRIES(r->meter_config, configs, meter_config_entry);
        break;
    case OFPMP_METER_FEATURES:
        body = meter_features_json(&r->meter_features);
        break;
    case OFPMP_TABLE_FEATURES:
        body =
            table_features_list(r->table_features.n, r->table_features.tables);
        break;
    case OFPMP_PORT_DESC:
        body = ENTRIES(r->port_desc, ports, port_entry);
        break;
    case OFPMP_EXPERIMENTER:
        body = mp_experimenter_json(&r->experimenter);
        break;
    default:
        return o;
    }
    return put(o, "body", body);
}

#undef ENTRIES

/* ---- messages ---- */

static json_t *
hello_json(json_t *o, const struct ofp_hello *h)
{
    json_t *elems = json_array();

    for (size_t i = 0; i < h->n_elems; i++) {
        const struct ofp_hello_elem *e = &h->elems[i];
        json_t *eo = json_object();

        if (e->type == OFPHET_VERSIONBITMAP) {
            json_t *bitmaps = json_array();
            json_t *versions = json_array();
            for (size_t j = 0; j < e->n_bitmaps; j++) {
                bitmaps = push(bitmaps, json_integer(e->bitmaps[j]));
                for (unsigned int b = 0; b < 32; b++) {
                    if (e->bitmaps[j] & (UINT32_C(1) << b)) {
                        versions = push(versions,
                                        json_integer(32 * (json_int_t) j + b));
                    }
                }
            }
            eo = put_str(eo, "type", "VERSIONBITMAP");
            eo = put(eo, "bitmaps", bitmaps);
            eo = put(eo, "versions", versions);
        } else {
            eo = put_int(eo, "type", e->type);
            eo = put_data(eo, e->data, e->len);
        }
        elems = push(elems, eo);
    }
    return put(o, "elements", elems);
}

static json_t *
error_json(json_t *o, const struct ofp_error_msg *e)
{
    o = put_int(o, "err_type", e->type);
    if (e->type == OFPET_EXPERIMENTER) {
        o = put_int(o, "exp_type", e->code);
        o = put_int(o, "experimenter", e->experimenter);
    } else {
        const char *type_name = ofperr_type_name(e->type);
        const char *code_name = ofperr_code_name(e->type, e->code);
        o = put_int(o, "code", e->code);
        if (type_name) {
            o = put_str(o, "err_type_name", type_name);
        }
        if (code_name) {
            o = put_str(o, "code_name", code_name);
        }
    }
    return put_data(o, e->data, e->len);
}

static json_t *
packet_in_json(json_t *o, const struct ofp_packet_in *pi)
{
    o = put_int(o, "buffer_id", pi->buffer_id);
    o = put_int(o, "total_len", pi->total_len);
    o = put_int(o, "reason", pi->reason);
    o = put_int(o, "table_id", pi->table_id);
    o = put_u64(o, "cookie", pi->cookie);
    o = put(o, "match", ofp_json_match(&pi->match));
    return put_data(o, pi->data, pi->len);
}

static json_t *
flow_removed_json(json_t *o, const struct ofp_flow_removed *fr)
{
    o = put_u64(o, "cookie", fr->cookie);
    o = put_int(o, "priority", fr->priority);
    o = put_int(o, "reason", fr->reason);
    o = put_int(o, "table_id", fr->table_id);
    o = put_int(o, "duration_sec", fr->duration_sec);
    o = put_int(o, "duration_nsec", fr->duration_nsec);
    o = put_int(o, "idle_timeout", fr->idle_timeout);
    o = put_int(o, "hard_timeout", fr->hard_timeout);
    o = put_u64(o, "packet_count", fr->packet_count);
    o = put_u64(o, "byte_count", fr->byte_count);
    return put(o, "match", ofp_json_match(&fr->match));
}

static json_t *
flow_mod_json(json_t *o, const struct ofp_flow_mod *fm)
{
    o = put_u64(o, "cookie", fm->cookie);
    o = put_u64(o, "cookie_mask", fm->cookie_mask);
    o = put_int(o, "table_id", fm->table_id);
    o = put_int(o, "command", fm->command);
    o = put_int(o, "idle_timeout", fm->idle_timeout);
    o = put_int(o, "hard_timeout", fm->hard_timeout);
    o = put_int(o, "priority", fm->priority);
    o = put_int(o, "buffer_id", fm->buffer_id);
    o = put_int(o, "out_port", fm->out_port);
    o = put_int(o, "out_group", fm->out_group);
    o = put_int(o, "flags", fm->flags);
    o = put(o, "match", ofp_json_match(&fm->match));
    o = put(o, "instructions", ofp_json_instructions(&fm->instructions));
    return put(o, "actions", ofp_json_instructions_ryu(&fm->instructions));
}

/* As get_queue_config(to_user=True). */
static json_t *
queues_json(const struct ofp_packet_queue_list *list)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < list->n; i++) {
        const struct ofp_packet_queue *q = &list->queues[i];
        json_t *props = json_array();

        for (size_t j = 0; j < q->n_props; j++) {
            const struct ofp_queue_prop *p = &q->props[j];
            json_t *po = json_object();
            po = put(po, "property",
                     name_or_int(queue_prop_name(p->property), p->property));
            if (p->property == OFPQT_MIN_RATE ||
                p->property == OFPQT_MAX_RATE) {
                po = put_int(po, "rate", p->rate);
            } else {
                if (p->property == OFPQT_EXPERIMENTER) {
                    po = put_int(po, "experimenter",
                                 p->experimenter.experimenter);
                }
                po = put_data(po, p->experimenter.data, p->experimenter.len);
            }
            props = push(props, po);
        }
        json_t *qo = json_object();
        qo = put(qo, "properties", props);
        qo = put(qo, "port", ofp_json_port_no(q->port));
        qo = put(qo, "queue_id", reserved_json(reserved_queues, q->queue_id));
        arr = push(arr, qo);
    }
    return arr;
}

static json_t *
async_json(json_t *o, const struct ofp_async_config *a)
{
    static const char *const keys[3] = {
        "packet_in_mask",
        "port_status_mask",
        "flow_removed_mask",
    };
    const uint32_t *masks[3] = {
        a->packet_in_mask,
        a->port_status_mask,
        a->flow_removed_mask,
    };

    for (size_t i = 0; i < 3; i++) {
        json_t *pair = json_array();
        pair = push(pair, json_integer(masks[i][0]));
        pair = push(pair, json_integer(masks[i][1]));
        o = put(o, keys[i], pair);
    }
    return o;
}

json_t *
ofp_json_msg(const struct ofp_msg *msg)
{
    json_t *o = json_object();

    o = put(o, "type", name_or_int(ofp_type_name(msg->type), msg->type));
    o = put_int(o, "xid", msg->xid);
    o = put_int(o, "version", msg->version);

    switch (msg->type) {
    case OFPT_HELLO:
        return hello_json(o, &msg->hello);
    case OFPT_ERROR:
        return error_json(o, &msg->error);
    case OFPT_ECHO_REQUEST:
    case OFPT_ECHO_REPLY:
        return put_data(o, msg->echo.data, msg->echo.len);
    case OFPT_EXPERIMENTER:
        o = put_int(o, "experimenter", msg->experimenter.experimenter);
        o = put_int(o, "exp_type", msg->experimenter.exp_type);
        return put_data(o, msg->experimenter.data, msg->experimenter.len);
    case OFPT_FEATURES_REPLY: {
        const struct ofp_switch_features *f = &msg->features;
        o = put_u64(o, "datapath_id", f->datapath_id);
        o = put_int(o, "n_buffers", f->n_buffers);
        o = put_int(o, "n_tables", f->n_tables);
        o = put_int(o, "auxiliary_id", f->auxiliary_id);
        o = put_int(o, "capabilities", f->capabilities);
        return put_int(o, "reserved", f->reserved);
    }
    case OFPT_GET_CONFIG_REPLY:
    case OFPT_SET_CONFIG:
        o = put_int(o, "flags", msg->config.flags);
        return put_int(o, "miss_send_len", msg->config.miss_send_len);
    case OFPT_PACKET_IN:
        return packet_in_json(o, &msg->packet_in);
    case OFPT_FLOW_REMOVED:
        return flow_removed_json(o, &msg->flow_removed);
    case OFPT_PORT_STATUS:
        o = put_int(o, "reason", msg->port_status.reason);
        return put(o, "desc", ofp_json_port(&msg->port_status.desc));
    case OFPT_PACKET_OUT: {
        const struct ofp_packet_out *po = &msg->packet_out;
        o = put_int(o, "buffer_id", po->buffer_id);
        o = put_int(o, "in_port", po->in_port);
        o = put(o, "actions", ofp_json_actions(&po->actions));
        return put_data(o, po->data, po->len);
    }
    case OFPT_FLOW_MOD:
        return flow_mod_json(o, &msg->flow_mod);
    case OFPT_GROUP_MOD: {
        const struct ofp_group_mod *gm = &msg->group_mod;
        o = put_int(o, "command", gm->command);
        o = put(o, "group_type",
                name_or_int(group_type_name(gm->type), gm->type));
        o = put_int(o, "group_id", gm->group_id);
        return put(o, "buckets", ofp_json_buckets(&gm->buckets));
    }
    case OFPT_PORT_MOD: {
        const struct ofp_port_mod *pm = &msg->port_mod;
        o = put_int(o, "port_no", pm->port_no);
        o = put(o, "hw_addr", mac_json(pm->hw_addr));
        o = put_int(o, "config", pm->config);
        o = put_int(o, "mask", pm->mask);
        return put_int(o, "advertise", pm->advertise);
    }
    case OFPT_TABLE_MOD:
        o = put_int(o, "table_id", msg->table_mod.table_id);
        return put_int(o, "config", msg->table_mod.config);
    case OFPT_MULTIPART_REQUEST:
        return merge(o, ofp_json_mp_request(&msg->mp_request));
    case OFPT_MULTIPART_REPLY:
        return merge(o, ofp_json_mp_reply(&msg->mp_reply));
    case OFPT_QUEUE_GET_CONFIG_REQUEST:
        return put_int(o, "port", msg->queue_get_config_request.port);
    case OFPT_QUEUE_GET_CONFIG_REPLY: {
        const struct ofp_queue_get_config_reply *r =
            &msg->queue_get_config_reply;
        o = put(o, "port", ofp_json_port_no(r->port));
        return put(o, "queues", queues_json(&r->queues));
    }
    case OFPT_ROLE_REQUEST:
    case OFPT_ROLE_REPLY:
        o = put(o, "role", reserved_json(reserved_roles, msg->role.role));
        return put_u64(o, "generation_id", msg->role.generation_id);
    case OFPT_GET_ASYNC_REPLY:
    case OFPT_SET_ASYNC:
        return async_json(o, &msg->async);
    case OFPT_METER_MOD: {
        const struct ofp_meter_mod *mm = &msg->meter_mod;
        o = put_int(o, "command", mm->command);
        o = put(o, "flags", meter_flags_json(mm->flags));
        o = put_int(o, "meter_id", mm->meter_id);
        return put(o, "bands", ofp_json_meter_bands(&mm->bands));
    }
    case OFPT_FEATURES_REQUEST:
    case OFPT_GET_CONFIG_REQUEST:
    case OFPT_BARRIER_REQUEST:
    case OFPT_BARRIER_REPLY:
    case OFPT_GET_ASYNC_REQUEST:
    default:
        return o;
    }
}
