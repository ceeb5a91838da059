/* ofp-json-parse: Ryu ofctl_v1_3 request bodies into OpenFlow 1.3 structs
 * (see the parsing section of ofp-json.h).
 *
 * The input side of ofp-json: the REST API hands it the JSON bodies of
 * ofctl_rest's flow, group, meter, port and flow-stats requests, and gets
 * back the host-order structs ofp_msg_encode() writes.  Like the rest of
 * the codec it does no I/O and keeps no state; everything variable comes
 * from the caller's arena.  Every failure names the offending field by its
 * path in the body, built as the parser descends.
 */
#include <config.h>
#include "ofproto/ofp-json.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define ONF_EXPERIMENTER_ID 0x4f4e4600u /* "ONF\0" */
#define ONF_ET_PBB_UCA_OLD 2560         /* Ryu's pre-EXT-256 pbb_uca */
#define OXM_EXPERIMENTER_ID_LEN 4
#define OXM_MAX_PAYLOAD 255
#define MSG_MAX_LEN 65535

/* ---- the parse context: arena, error buffer, path ---- */

struct jp {
    struct ofp_arena *arena;
    char *err;
    size_t errlen;
    char path[192]; /* "actions[2].actions[0].port" */
    size_t path_len;
};

static void
jp_init(struct jp *jp, struct ofp_arena *arena, char *err, size_t errlen,
        const char *root)
{
    jp->arena = arena;
    jp->err = err;
    jp->errlen = errlen;
    jp->path_len = 0;
    jp->path[0] = '\0';
    if (err && errlen) {
        err[0] = '\0';
    }
    if (root) {
        int n = snprintf(jp->path, sizeof jp->path, "%s", root);
        jp->path_len = n > 0 && (size_t) n < sizeof jp->path ? (size_t) n : 0;
    }
}

/* Appends ".key" (or "key" at the root) to the path and returns the length
 * to restore with jp_pop(). */
static size_t
jp_key(struct jp *jp, const char *key)
{
    size_t mark = jp->path_len;
    size_t room = sizeof jp->path - jp->path_len;
    int n = snprintf(jp->path + jp->path_len, room, "%s%s",
                     jp->path_len ? "." : "", key);
    if (n > 0 && (size_t) n < room) {
        jp->path_len += (size_t) n;
    } else {
        jp->path[mark] = '\0'; /* too deep to name: keep the prefix */
    }
    return mark;
}

/* Appends "[i]" to the path; see jp_key(). */
static size_t
jp_index(struct jp *jp, size_t i)
{
    size_t mark = jp->path_len;
    size_t room = sizeof jp->path - jp->path_len;
    int n = snprintf(jp->path + jp->path_len, room, "[%zu]", i);
    if (n > 0 && (size_t) n < room) {
        jp->path_len += (size_t) n;
    } else {
        jp->path[mark] = '\0';
    }
    return mark;
}

static void
jp_pop(struct jp *jp, size_t mark)
{
    jp->path_len = mark;
    jp->path[mark] = '\0';
}

/* Writes "<path>: <message>" into the error buffer; returns EINVAL. */
static int __attribute__((format(printf, 2, 3)))
jp_fail(struct jp *jp, const char *fmt, ...)
{
    if (jp->err && jp->errlen) {
        int n = snprintf(jp->err, jp->errlen,
                         "%s: ", jp->path_len ? jp->path : "body");
        if (n >= 0 && (size_t) n < jp->errlen) {
            va_list args;
            va_start(args, fmt);
            vsnprintf(jp->err + n, jp->errlen - (size_t) n, fmt, args);
            va_end(args);
        }
    }
    return EINVAL;
}

static int
jp_nomem(struct jp *jp)
{
    if (jp->err && jp->errlen) {
        snprintf(jp->err, jp->errlen, "%s: out of memory",
                 jp->path_len ? jp->path : "body");
    }
    return ENOMEM;
}

/* Writes a short rendering of 'v' for a message ("\"zz:00\"", "-1",
 * "an object"), cut at 48 bytes. */
static const char *
jp_show(const json_t *v, char *buf, size_t size)
{
    if (json_is_object(v)) {
        return "an object";
    } else if (json_is_array(v)) {
        return "an array";
    }
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!s) {
        return "a value";
    }
    if (strlen(s) > 48) {
        snprintf(buf, size, "%.44s...", s);
    } else {
        snprintf(buf, size, "%s", s);
    }
    free(s);
    return buf;
}

#define SHOW(V) jp_show(V, (char[64]){0}, 64)

static void *
jp_alloc(struct jp *jp, size_t n, size_t size)
{
    return ofp_arena_calloc(jp->arena, n ? n : 1, size);
}

/* Checks that 'v' is an array of at most OFP_JSON_PARSE_MAX_LIST entries. */
static int
jp_array(struct jp *jp, const json_t *v)
{
    if (!json_is_array(v)) {
        return jp_fail(jp, "%s is not a list", SHOW(v));
    }
    if (json_array_size(v) > OFP_JSON_PARSE_MAX_LIST) {
        return jp_fail(jp, "%zu entries, at most %d are accepted",
                       json_array_size(v), OFP_JSON_PARSE_MAX_LIST);
    }
    return 0;
}

static int
jp_object(struct jp *jp, const json_t *v)
{
    return json_is_object(v) ? 0 : jp_fail(jp, "%s is not an object", SHOW(v));
}

/* ---- integers ---- */

/* Parses 's' as Python's int(s, 0) does, for non-negative results: blanks
 * around, optional sign, 0x/0o/0b prefixes, no leading zero on a decimal.
 * Returns 0, ERANGE (above UINT64_MAX), EDOM (negative) or EINVAL. */
static int
parse_int_text(const char *s, uint64_t *out)
{
    const char *p = s;
    bool neg = false;
    unsigned int base = 10;

    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        p++;
    }
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
        base = 8;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
        base = 2;
        p += 2;
    }

    const char *digits = p;
    uint64_t v = 0;
    bool overflow = false;
    for (;; p++) {
        unsigned int d;
        if (*p >= '0' && *p <= '9') {
            d = (unsigned int) (*p - '0');
        } else if (*p >= 'a' && *p <= 'f') {
            d = (unsigned int) (*p - 'a' + 10);
        } else if (*p >= 'A' && *p <= 'F') {
            d = (unsigned int) (*p - 'A' + 10);
        } else {
            break;
        }
        if (d >= base) {
            return EINVAL;
        }
        if (v > (UINT64_MAX - d) / base) {
            overflow = true;
        }
        v = v * base + d;
    }
    if (p == digits) {
        return EINVAL;
    }
    if (base == 10 && digits[0] == '0') {
        for (const char *q = digits; q < p; q++) {
            if (*q != '0') {
                return EINVAL; /* "010": Python refuses it */
            }
        }
    }
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
        p++;
    }
    if (*p) {
        return EINVAL;
    }
    if (neg && (v || overflow)) {
        return EDOM;
    }
    if (overflow) {
        return ERANGE;
    }
    *out = v;
    return 0;
}

/* Reads 'v' as str_to_int(): a JSON integer or an integer string, within
 * 0..'max'. */
static int
jp_uint(struct jp *jp, const json_t *v, uint64_t max, uint64_t *out)
{
    uint64_t x;

    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0) {
            return jp_fail(jp, "%s is negative", SHOW(v));
        }
        x = (uint64_t) i;
    } else if (json_is_string(v)) {
        int e = parse_int_text(json_string_value(v), &x);
        if (e == EDOM) {
            return jp_fail(jp, "%s is negative", SHOW(v));
        } else if (e == ERANGE) {
            return jp_fail(jp, "%s is out of range (0..%" PRIu64 ")", SHOW(v),
                           max);
        } else if (e) {
            return jp_fail(jp, "%s is not an integer", SHOW(v));
        }
    } else {
        return jp_fail(jp, "%s is not an integer", SHOW(v));
    }
    if (x > max) {
        return jp_fail(jp, "%s is out of range (0..%" PRIu64 ")", SHOW(v),
                       max);
    }
    *out = x;
    return 0;
}

/* A reserved number and Ryu's name for it (ofctl_utils.OFCtlUtil). */
struct reserved {
    uint32_t value;
    const char *name;
};

struct reserved_kind {
    const char *what;   /* "port", for messages */
    const char *prefix; /* "OFPP_" */
    uint64_t max;
    struct reserved names[12];
};

static const struct reserved_kind port_kind = {
    "port",
    "OFPP_",
    UINT32_MAX,
    {{OFPP_MAX, "MAX"},
     {OFPP_IN_PORT, "IN_PORT"},
     {OFPP_TABLE, "TABLE"},
     {OFPP_NORMAL, "NORMAL"},
     {OFPP_FLOOD, "FLOOD"},
     {OFPP_ALL, "ALL"},
     {OFPP_CONTROLLER, "CONTROLLER"},
     {OFPP_LOCAL, "LOCAL"},
     {OFPP_ANY, "ANY"},
     {0, NULL}},
};

static const struct reserved_kind table_kind = {
    "table",
    "OFPTT_",
    UINT8_MAX,
    {{OFPTT_MAX, "MAX"}, {OFPTT_ALL, "ALL"}, {0, NULL}},
};

static const struct reserved_kind group_kind = {
    "group",
    "OFPG_",
    UINT32_MAX,
    {{OFPG_MAX, "MAX"}, {OFPG_ALL, "ALL"}, {OFPG_ANY, "ANY"}, {0, NULL}},
};

static const struct reserved_kind meter_kind = {
    "meter",
    "OFPM_",
    UINT32_MAX,
    {{OFPM_MAX, "MAX"},
     {OFPM_SLOWPATH, "SLOWPATH"},
     {OFPM_CONTROLLER, "CONTROLLER"},
     {OFPM_ALL, "ALL"},
     {0, NULL}},
};

static const struct reserved_kind queue_kind = {
    "queue",
    "OFPQ_",
    UINT32_MAX,
    {{OFPQ_ALL, "ALL"}, {0, NULL}},
};

static const struct reserved_kind cml_kind = {
    "max_len",
    "OFPCML_",
    UINT16_MAX,
    {{OFPCML_MAX, "MAX"}, {OFPCML_NO_BUFFER, "NO_BUFFER"}, {0, NULL}},
};

static const struct reserved_kind buffer_kind = {
    "buffer",
    "OFP_",
    UINT32_MAX,
    {{OFP_NO_BUFFER, "NO_BUFFER"}, {0, NULL}},
};

/* Looks 'name' up in 'kind', case-insensitive, with or without the
 * prefix. */
static bool
reserved_lookup(const struct reserved_kind *kind, const char *name,
                uint32_t *out)
{
    size_t plen = strlen(kind->prefix);
    if (!strncasecmp(name, kind->prefix, plen)) {
        name += plen;
    }
    for (const struct reserved *r = kind->names; r->name; r++) {
        if (!strcasecmp(r->name, name)) {
            *out = r->value;
            return true;
        }
    }
    return false;
}

/* Reads 'v' as a number or one of the reserved names of 'kind'. */
static int
jp_reserved(struct jp *jp, const json_t *v, const struct reserved_kind *kind,
            uint64_t *out)
{
    uint64_t x;
    uint32_t r;

    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        int e = parse_int_text(s, &x);
        if (e == EINVAL) {
            if (!reserved_lookup(kind, s, &r)) {
                return jp_fail(jp, "unknown %s name %s", kind->what, SHOW(v));
            }
            *out = r;
            return 0;
        }
    }
    return jp_uint(jp, v, kind->max, out);
}

/* Reads optional key 'key' of object 'obj' as jp_uint() (or, with 'kind',
 * jp_reserved()); 'dflt' when absent.  With 'required', absence is an
 * error. */
static int
jp_get(struct jp *jp, const json_t *obj, const char *key, uint64_t max,
       const struct reserved_kind *kind, bool required, uint64_t dflt,
       uint64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    size_t mark = jp_key(jp, key);
    int e = 0;

    if (!v) {
        if (required) {
            e = jp_fail(jp, "missing");
        } else {
            *out = dflt;
        }
    } else if (kind) {
        e = jp_reserved(jp, v, kind, out);
        if (!e && *out > max) {
            e = jp_fail(jp, "%s is out of range (0..%" PRIu64 ")", SHOW(v),
                        max);
        }
    } else {
        e = jp_uint(jp, v, max, out);
    }
    jp_pop(jp, mark);
    return e;
}

#define GET_INT(JP, OBJ, KEY, MAX, DFLT, OUT)                                 \
    jp_get(JP, OBJ, KEY, MAX, NULL, false, DFLT, OUT)
#define NEED_INT(JP, OBJ, KEY, MAX, OUT)                                      \
    jp_get(JP, OBJ, KEY, MAX, NULL, true, 0, OUT)
#define GET_RES(JP, OBJ, KEY, KIND, DFLT, OUT)                                \
    jp_get(JP, OBJ, KEY, (KIND)->max, KIND, false, DFLT, OUT)
#define NEED_RES(JP, OBJ, KEY, KIND, OUT)                                     \
    jp_get(JP, OBJ, KEY, (KIND)->max, KIND, true, 0, OUT)

/* ---- bytes ---- */

static int
base64_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    } else if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    } else if (c == '+') {
        return 62;
    } else if (c == '/') {
        return 63;
    }
    return -1;
}

/* Decodes 'n' characters of base64 at 's' into 'out' (room for n / 4 * 3
 * bytes); returns the byte count or -1 if 's' is not strict base64. */
static long
base64_decode(const char *s, size_t n, uint8_t *out)
{
    size_t len = 0;

    if (n % 4) {
        return -1;
    }
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            char c = s[i + (size_t) k];
            if (c == '=' && i + 4 == n && k >= 2) {
                v[k] = 0;
                pad++;
            } else if (pad || (v[k] = base64_value(c)) < 0) {
                return -1;
            }
        }
        uint32_t w = (uint32_t) v[0] << 18 | (uint32_t) v[1] << 12 |
                     (uint32_t) v[2] << 6 | (uint32_t) v[3];
        out[len++] = (uint8_t) (w >> 16);
        if (pad < 2) {
            out[len++] = (uint8_t) (w >> 8);
        }
        if (pad < 1) {
            out[len++] = (uint8_t) w;
        }
    }
    return (long) len;
}

/* Reads "data" and "data_type" of 'obj' (absent: no bytes) into arena
 * bytes, at most 'max' of them. */
static int
jp_data(struct jp *jp, const json_t *obj, size_t max, const uint8_t **data,
        size_t *len)
{
    const json_t *type = json_object_get(obj, "data_type");
    const json_t *v = json_object_get(obj, "data");
    bool b64 = false;
    size_t mark;

    *data = NULL;
    *len = 0;
    if (type) {
        mark = jp_key(jp, "data_type");
        const char *t = json_string_value(type);
        if (!t || (strcmp(t, "ascii") && strcmp(t, "base64"))) {
            return jp_fail(jp, "%s is not \"ascii\" or \"base64\"",
                           SHOW(type));
        }
        b64 = !strcmp(t, "base64");
        jp_pop(jp, mark);
    }
    if (!v) {
        return 0;
    }
    mark = jp_key(jp, "data");
    if (!json_is_string(v)) {
        return jp_fail(jp, "%s is not a string", SHOW(v));
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    uint8_t *buf = ofp_arena_alloc(jp->arena, n ? n : 1);
    if (!buf) {
        return jp_nomem(jp);
    }
    if (b64) {
        long got = base64_decode(s, n, buf);
        if (got < 0) {
            return jp_fail(jp, "%s is not base64", SHOW(v));
        }
        n = (size_t) got;
    } else {
        memcpy(buf, s, n);
    }
    if (n > max) {
        return jp_fail(jp, "%zu bytes, at most %zu fit", n, max);
    }
    *data = buf;
    *len = n;
    jp_pop(jp, mark);
    return 0;
}

/* ---- addresses ---- */

/* Parses "f2:0b:a4:7d:f8:ea" (groups of one or two hex digits, ':' or
 * '-'); 'n' characters at 's'. */
static bool
parse_mac(const char *s, size_t n, uint8_t mac[6])
{
    size_t i = 0;
    char sep = 0;

    for (int g = 0; g < 6; g++) {
        unsigned int v = 0;
        size_t digits = 0;
        while (i < n && digits < 3) {
            char c = s[i];
            if (c >= '0' && c <= '9') {
                v = v * 16 + (unsigned int) (c - '0');
            } else if (c >= 'a' && c <= 'f') {
                v = v * 16 + (unsigned int) (c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                v = v * 16 + (unsigned int) (c - 'A' + 10);
            } else {
                break;
            }
            digits++;
            i++;
        }
        if (digits < 1 || digits > 2) {
            return false;
        }
        mac[g] = (uint8_t) v;
        if (g < 5) {
            if (i >= n || (s[i] != ':' && s[i] != '-') ||
                (sep && s[i] != sep)) {
                return false;
            }
            sep = s[i++];
        }
    }
    return i == n;
}

/* Copies 'n' characters at 's' into 'buf' (NUL-terminated) if they fit. */
static bool
copy_text(const char *s, size_t n, char *buf, size_t size)
{
    if (n >= size || memchr(s, '\0', n)) {
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    return true;
}

/* Parses an IPv4 (af AF_INET, 4 bytes) or IPv6 (16 bytes) address. */
static bool
parse_ip(int af, const char *s, size_t n, uint8_t *out)
{
    char buf[64];
    return copy_text(s, n, buf, sizeof buf) && inet_pton(af, buf, out) == 1;
}

/* Parses a prefix length "24" (digits only, as Ryu's isdigit()) into a
 * mask of 'bytes' bytes. */
static bool
parse_prefix(const char *s, size_t n, size_t bytes, uint8_t *mask)
{
    unsigned int len = 0;

    if (!n || n > 3) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        len = len * 10 + (unsigned int) (s[i] - '0');
    }
    if (len > bytes * 8) {
        return false;
    }
    for (size_t i = 0; i < bytes; i++) {
        unsigned int bits = len >= 8 ? 8 : len;
        mask[i] = (uint8_t) (0xff00u >> bits);
        len -= bits;
    }
    return true;
}

static bool
is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return n > 0;
}

/* ---- OXM values ---- */

static bool
field_is_ipv4(uint8_t field)
{
    return (field == OFPXMT_OFB_IPV4_SRC || field == OFPXMT_OFB_IPV4_DST ||
            field == OFPXMT_OFB_ARP_SPA || field == OFPXMT_OFB_ARP_TPA);
}

/* True for the fields Ryu's OpenFlow 1.3 encodes as ONF experimenter
 * OXMs. */
static bool
field_is_onf(uint8_t field)
{
    return (field == OFPXMT_OFB_PBB_UCA || field == OFPXMT_OFB_TCP_FLAGS ||
            field == OFPXMT_OFB_ACTSET_OUTPUT);
}

static void
store_int(union ofp_oxm_value *v, enum ofp_oxm_kind kind, uint64_t x)
{
    memset(v, 0, sizeof *v);
    switch (kind) {
    case OFP_OXM_U8:
        v->u8 = (uint8_t) x;
        break;
    case OFP_OXM_U16:
        v->u16 = (uint16_t) x;
        break;
    case OFP_OXM_U24:
    case OFP_OXM_U32:
        v->u32 = (uint32_t) x;
        break;
    case OFP_OXM_U64:
        v->u64 = x;
        break;
    case OFP_OXM_MAC:
    case OFP_OXM_IPV6:
    default:
        break;
    }
}

/* Parses one side ('n' characters at 's', or the JSON 'v' itself when 's'
 * is NULL) of a value of field 'fi' into 'out'; 'is_mask' says which side,
 * for messages. */
static int
jp_field_part(struct jp *jp, const struct ofp_oxm_field_info *fi,
              const json_t *v, const char *s, size_t n, bool is_mask,
              union ofp_oxm_value *out)
{
    const char *what = is_mask ? "mask" : "value";
    char shown[64];

    memset(out, 0, sizeof *out);
    if (s) {
        snprintf(shown, sizeof shown, "\"%.*s\"%s", n > 40 ? 40 : (int) n, s,
                 n > 40 ? "..." : "");
    }

    if (fi->kind == OFP_OXM_MAC) {
        if (!s) {
            return jp_fail(jp, "%s is not a MAC address", SHOW(v));
        }
        if (!parse_mac(s, n, out->mac)) {
            return jp_fail(jp, "%s is not a MAC address%s", shown,
                           is_mask ? " (mask)" : "");
        }
        return 0;
    }
    if (fi->kind == OFP_OXM_IPV6 || field_is_ipv4(fi->field)) {
        bool v6 = fi->kind == OFP_OXM_IPV6;
        if (!s) {
            return jp_fail(jp, "%s is not an IPv%d address", SHOW(v),
                           v6 ? 6 : 4);
        }
        uint8_t a[16];
        if (!parse_ip(v6 ? AF_INET6 : AF_INET, s, n, a)) {
            return jp_fail(jp, "%s is not an IPv%d address%s", shown,
                           v6 ? 6 : 4, is_mask ? " or prefix length" : "");
        }
        if (v6) {
            memcpy(out->ipv6, a, 16);
        } else {
            out->u32 = ofp_load_be32(a);
        }
        return 0;
    }

    /* A number. */
    uint64_t x;
    if (s) {
        char buf[32];
        if (!copy_text(s, n, buf, sizeof buf)) {
            return jp_fail(jp, "%s is not an integer (%s)", shown, what);
        }
        int e = parse_int_text(buf, &x);
        if (e == EDOM) {
            return jp_fail(jp, "%s is negative", shown);
        } else if (e) {
            return jp_fail(jp, "%s is not an integer (%s)", shown, what);
        }
    } else {
        int e = (fi->field == OFPXMT_OFB_ACTSET_OUTPUT
                     ? jp_reserved(jp, v, &port_kind, &x)
                     : jp_uint(jp, v, UINT64_MAX, &x));
        if (e) {
            return e;
        }
        snprintf(shown, sizeof shown, "%s", SHOW(v));
    }
    if (x & ~fi->valid_bits) {
        return jp_fail(jp, "%s is out of range (0..%" PRIu64 ")", shown,
                       fi->valid_bits);
    }
    store_int(out, fi->kind, x);
    return 0;
}

/* Parses the value 'v' of field 'fi': "value" or, if 'allow_mask' and the
 * field is maskable, "value/mask". */
static int
jp_field_value(struct jp *jp, const struct ofp_oxm_field_info *fi,
               const json_t *v, bool allow_mask, struct ofp_oxm *oxm)
{
    bool text = fi->kind == OFP_OXM_MAC || fi->kind == OFP_OXM_IPV6 ||
                field_is_ipv4(fi->field);

    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        const char *slash = memchr(s, '/', n);
        if (!slash && !text) {
            return jp_field_part(jp, fi, v, NULL, 0, false, &oxm->value);
        }
        if (!slash) {
            return jp_field_part(jp, fi, v, s, n, false, &oxm->value);
        }
        if (!allow_mask) {
            return jp_fail(jp, "%s: a mask is not allowed here", SHOW(v));
        }
        if (!fi->maskable) {
            return jp_fail(jp, "%s: %s cannot be masked", SHOW(v), fi->name);
        }
        size_t vn = (size_t) (slash - s);
        const char *m = slash + 1;
        size_t mn = n - vn - 1;
        int e = jp_field_part(jp, fi, v, s, vn, false, &oxm->value);
        if (e) {
            return e;
        }
        bool is_ip = fi->kind == OFP_OXM_IPV6 || field_is_ipv4(fi->field);
        if (is_ip && is_digits(m, mn)) {
            uint8_t mask[16];
            size_t bytes = fi->kind == OFP_OXM_IPV6 ? 16 : 4;
            if (!parse_prefix(m, mn, bytes, mask)) {
                return jp_fail(jp, "%s: prefix length above %zu", SHOW(v),
                               bytes * 8);
            }
            if (bytes == 16) {
                memcpy(oxm->mask.ipv6, mask, 16);
            } else {
                oxm->mask.u32 = ofp_load_be32(mask);
            }
        } else {
            e = jp_field_part(jp, fi, v, m, mn, true, &oxm->mask);
            if (e) {
                return e;
            }
        }
        oxm->has_mask = true;
        return 0;
    }
    return jp_field_part(jp, fi, v, NULL, 0, false, &oxm->value);
}

/* Reads vlan_vid as Ryu's to_match_vid(). */
static int
jp_vlan_vid(struct jp *jp, const struct ofp_oxm_field_info *fi,
            const json_t *v, struct ofp_oxm *oxm)
{
    uint64_t x;

    if (json_is_integer(v) ||
        (json_is_string(v) &&
         is_digits(json_string_value(v), json_string_length(v)))) {
        /* A VLAN id: OFPVID_PRESENT is added. */
        int e = jp_uint(jp, v, UINT64_MAX, &x);
        if (e) {
            return e;
        }
        if (x > 0xfff) {
            return jp_fail(jp, "%s is not a VLAN id (0..4095)", SHOW(v));
        }
        oxm->value.u16 = (uint16_t) (x | OFPVID_PRESENT);
        return 0;
    }
    if (!json_is_string(v)) {
        return jp_fail(jp, "%s is not a VLAN id", SHOW(v));
    }
    /* Any other string is the raw OXM value, as int(s, 0). */
    return jp_field_value(jp, fi, v, true, oxm);
}

/* Makes 'oxm' the ONF experimenter OXM that Ryu's OpenFlow 1.3 sends for
 * field 'fi' (pbb_uca, tcp_flags, actset_output) from the basic-field
 * value already in 'oxm'. */
static int
make_onf_oxm(struct jp *jp, const struct ofp_oxm_field_info *fi,
             struct ofp_oxm *oxm)
{
    uint8_t buf[16];
    size_t n = 0;

    if (fi->field == OFPXMT_OFB_PBB_UCA) {
        /* OldONFExperimenter: field 0, exp_type 2560, then the value. */
        buf[n++] = ONF_ET_PBB_UCA_OLD >> 8;
        buf[n++] = ONF_ET_PBB_UCA_OLD & 0xff;
        buf[n++] = oxm->value.u8;
        oxm->field = 0;
    } else if (fi->field == OFPXMT_OFB_TCP_FLAGS) {
        ofp_store_be16(buf, oxm->value.u16);
        n = 2;
        if (oxm->has_mask) {
            ofp_store_be16(buf + 2, oxm->mask.u16);
            n = 4;
        }
        oxm->field = fi->field;
    } else {
        ofp_store_be32(buf, oxm->value.u32);
        n = 4;
        oxm->field = fi->field;
    }
    const uint8_t *payload = ofp_arena_dup(jp->arena, buf, n);
    if (!payload) {
        return jp_nomem(jp);
    }
    oxm->cls = OFPXMC_EXPERIMENTER;
    oxm->experimenter = ONF_EXPERIMENTER_ID;
    oxm->payload = payload;
    oxm->length = (uint8_t) (OXM_EXPERIMENTER_ID_LEN + n);
    memset(&oxm->value, 0, sizeof oxm->value);
    memset(&oxm->mask, 0, sizeof oxm->mask);
    return 0;
}

/* Parses an opaque OXM description (ofp_json_oxm_opaque()'s form). */
static int
jp_oxm_opaque(struct jp *jp, const json_t *obj, struct ofp_oxm *oxm)
{
    uint64_t cls, field, exp = 0;
    int e;

    memset(oxm, 0, sizeof *oxm);
    if ((e = jp_object(jp, obj)) ||
        (e = NEED_INT(jp, obj, "oxm_class", UINT16_MAX, &cls)) ||
        (e = NEED_INT(jp, obj, "field", 0x7f, &field))) {
        return e;
    }
    const json_t *hm = json_object_get(obj, "hasmask");
    if (hm && !json_is_boolean(hm)) {
        size_t mark = jp_key(jp, "hasmask");
        e = jp_fail(jp, "%s is not true or false", SHOW(hm));
        jp_pop(jp, mark);
        return e;
    }
    if (cls == OFPXMC_OPENFLOW_BASIC && ofp_oxm_field_info((uint8_t) field)) {
        size_t mark = jp_key(jp, "field");
        e = jp_fail(jp, "basic field %" PRIu64 " is %s: give it by name",
                    field, ofp_oxm_field_info((uint8_t) field)->name);
        jp_pop(jp, mark);
        return e;
    }
    size_t skip = 0;
    if (cls == OFPXMC_EXPERIMENTER) {
        if ((e = NEED_INT(jp, obj, "experimenter", UINT32_MAX, &exp))) {
            return e;
        }
        skip = OXM_EXPERIMENTER_ID_LEN;
    }
    const uint8_t *data;
    size_t len;
    if ((e = jp_data(jp, obj, OXM_MAX_PAYLOAD - skip, &data, &len))) {
        return e;
    }
    oxm->cls = (uint16_t) cls;
    oxm->field = (uint8_t) field;
    oxm->has_mask = hm && json_is_true(hm);
    oxm->experimenter = (uint32_t) exp;
    oxm->length = (uint8_t) (len + skip);
    oxm->payload = data ? data : (const uint8_t *) "";
    return 0;
}

/* ---- match ---- */

/* Ryu's OpenFlow 1.0 names and what they stand for. */
static const struct {
    const char *alias;
    const char *name;
} match_aliases[] = {
    {"dl_dst", "eth_dst"},    {"dl_src", "eth_src"},  {"dl_type", "eth_type"},
    {"dl_vlan", "vlan_vid"},  {"nw_src", "ipv4_src"}, {"nw_dst", "ipv4_dst"},
    {"nw_proto", "ip_proto"},
};

/* Reads the number under 'key' of 'obj' without complaint; false if it is
 * absent or not a number. */
static bool
peek_int(const json_t *obj, const char *key, uint64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t) json_integer_value(v);
        return true;
    }
    return json_is_string(v) && !parse_int_text(json_string_value(v), out);
}

/* Resolves match key 'key' to an OXM field name, as to_match() does, or
 * returns an error. */
static int
match_key_name(struct jp *jp, const json_t *obj, const char *key,
               const char **name)
{
    uint64_t x;

    *name = key;
    if (!strcmp(key, "nw_src") || !strcmp(key, "nw_dst")) {
        bool arp = ((peek_int(obj, "dl_type", &x) && x == 0x0806) ||
                    (peek_int(obj, "eth_type", &x) && x == 0x0806));
        const char *arp_name = key[3] == 's' ? "arp_spa" : "arp_tpa";
        if (arp && !json_object_get(obj, arp_name)) {
            *name = arp_name;
            return 0;
        }
    }
    if (!strcmp(key, "tp_src") || !strcmp(key, "tp_dst")) {
        uint64_t proto = 0;
        if (json_object_get(obj, "nw_proto")) {
            peek_int(obj, "nw_proto", &proto);
        } else {
            peek_int(obj, "ip_proto", &proto);
        }
        bool src = key[3] == 's';
        if (proto == 6) {
            *name = src ? "tcp_src" : "tcp_dst";
        } else if (proto == 17) {
            *name = src ? "udp_src" : "udp_dst";
        } else {
            return jp_fail(jp, "needs nw_proto or ip_proto 6 (TCP) or 17 "
                               "(UDP)");
        }
        return 0;
    }
    for (size_t i = 0; i < sizeof match_aliases / sizeof match_aliases[0];
         i++) {
        if (!strcmp(key, match_aliases[i].alias)) {
            *name = match_aliases[i].name;
            break;
        }
    }
    return 0;
}

/* Order of Ryu's OFPMatch: basic fields by number, then the rest as
 * given. */
static unsigned int
oxm_rank(const struct ofp_oxm *oxm, size_t i)
{
    return (oxm->cls == OFPXMC_OPENFLOW_BASIC && !oxm->payload
                ? oxm->field
                : 0x100u + (unsigned int) i);
}

static int
jp_match(struct jp *jp, const json_t *obj, struct ofp_match *match)
{
    const char *key;
    const json_t *v;
    size_t n = 0;
    uint64_t seen = 0;
    const char *seen_as[64] = {NULL};
    int e;

    memset(match, 0, sizeof *match);
    match->type = OFPMT_OXM;
    if (!obj) {
        return 0;
    }
    if ((e = jp_object(jp, obj))) {
        return e;
    }

    const json_t *opaque = json_object_get(obj, "oxm_opaque");
    size_t n_opaque = 0;
    if (opaque) {
        size_t mark = jp_key(jp, "oxm_opaque");
        if ((e = jp_array(jp, opaque))) {
            return e;
        }
        n_opaque = json_array_size(opaque);
        jp_pop(jp, mark);
    }
    size_t cap = json_object_size(obj) + n_opaque;
    if (cap > UINT16_MAX) {
        return jp_fail(jp, "%zu fields, more than a match can hold", cap);
    }
    struct ofp_oxm *oxms = jp_alloc(jp, cap, sizeof *oxms);
    unsigned int *rank = jp_alloc(jp, cap, sizeof *rank);
    if (!oxms || !rank) {
        return jp_nomem(jp);
    }

    json_object_foreach((json_t *) obj, key, v)
    {
        if (!strcmp(key, "oxm_opaque")) {
            continue;
        }
        size_t mark = jp_key(jp, key);
        const char *name;
        if ((e = match_key_name(jp, obj, key, &name))) {
            return e;
        }
        const struct ofp_oxm_field_info *fi = ofp_oxm_field_by_name(name);
        if (!fi) {
            return jp_fail(jp, "unknown match field \"%s\"", key);
        }
        if (seen & (UINT64_C(1) << fi->field)) {
            return jp_fail(jp, "%s is given twice (also as %s)", fi->name,
                           seen_as[fi->field]);
        }
        seen |= UINT64_C(1) << fi->field;
        seen_as[fi->field] = key;

        struct ofp_oxm *oxm = &oxms[n];
        ofp_oxm_init_basic(oxm, fi->field);
        if (fi->field == OFPXMT_OFB_VLAN_VID) {
            e = jp_vlan_vid(jp, fi, v, oxm);
        } else if (fi->field == OFPXMT_OFB_IN_PORT ||
                   fi->field == OFPXMT_OFB_IN_PHY_PORT) {
            uint64_t port;
            e = jp_reserved(jp, v, &port_kind, &port);
            oxm->value.u32 = (uint32_t) port;
        } else {
            e = jp_field_value(jp, fi, v, true, oxm);
        }
        if (!e && field_is_onf(fi->field)) {
            e = make_onf_oxm(jp, fi, oxm);
        }
        if (e) {
            return e;
        }
        rank[n] = oxm_rank(oxm, n);
        n++;
        jp_pop(jp, mark);
    }

    for (size_t i = 0; i < n_opaque; i++) {
        size_t mark = jp_key(jp, "oxm_opaque");
        jp_index(jp, i);
        if ((e = jp_oxm_opaque(jp, json_array_get(opaque, i), &oxms[n]))) {
            return e;
        }
        rank[n] = oxm_rank(&oxms[n], n);
        n++;
        jp_pop(jp, mark);
    }

    /* Stable insertion sort by rank (a match has a few dozen fields). */
    for (size_t i = 1; i < n; i++) {
        struct ofp_oxm o = oxms[i];
        unsigned int r = rank[i];
        size_t j = i;
        while (j > 0 && rank[j - 1] > r) {
            oxms[j] = oxms[j - 1];
            rank[j] = rank[j - 1];
            j--;
        }
        oxms[j] = o;
        rank[j] = r;
    }
    match->n_oxms = (uint16_t) n;
    match->oxms = oxms;
    return 0;
}

/* ---- actions ---- */

enum act_param {
    P_NONE,
    P_OUTPUT,
    P_MPLS_TTL,
    P_NW_TTL,
    P_ETHERTYPE,
    P_QUEUE,
    P_GROUP,
    P_SET_FIELD,
    P_EXPERIMENTER,
};

static const struct {
    const char *name;
    uint16_t type;
    enum act_param param;
} action_types[] = {
    {"OUTPUT", OFPAT_OUTPUT, P_OUTPUT},
    {"COPY_TTL_OUT", OFPAT_COPY_TTL_OUT, P_NONE},
    {"COPY_TTL_IN", OFPAT_COPY_TTL_IN, P_NONE},
    {"SET_MPLS_TTL", OFPAT_SET_MPLS_TTL, P_MPLS_TTL},
    {"DEC_MPLS_TTL", OFPAT_DEC_MPLS_TTL, P_NONE},
    {"PUSH_VLAN", OFPAT_PUSH_VLAN, P_ETHERTYPE},
    {"POP_VLAN", OFPAT_POP_VLAN, P_NONE},
    {"PUSH_MPLS", OFPAT_PUSH_MPLS, P_ETHERTYPE},
    {"POP_MPLS", OFPAT_POP_MPLS, P_ETHERTYPE},
    {"SET_QUEUE", OFPAT_SET_QUEUE, P_QUEUE},
    {"GROUP", OFPAT_GROUP, P_GROUP},
    {"SET_NW_TTL", OFPAT_SET_NW_TTL, P_NW_TTL},
    {"DEC_NW_TTL", OFPAT_DEC_NW_TTL, P_NONE},
    {"SET_FIELD", OFPAT_SET_FIELD, P_SET_FIELD},
    {"PUSH_PBB", OFPAT_PUSH_PBB, P_ETHERTYPE},
    {"POP_PBB", OFPAT_POP_PBB, P_NONE},
    {"EXPERIMENTER", OFPAT_EXPERIMENTER, P_EXPERIMENTER},
};

static const struct {
    const char *name;
    uint16_t type;
} instruction_types[] = {
    {"GOTO_TABLE", OFPIT_GOTO_TABLE},
    {"WRITE_METADATA", OFPIT_WRITE_METADATA},
    {"WRITE_ACTIONS", OFPIT_WRITE_ACTIONS},
    {"APPLY_ACTIONS", OFPIT_APPLY_ACTIONS},
    {"CLEAR_ACTIONS", OFPIT_CLEAR_ACTIONS},
    {"METER", OFPIT_METER},
};

#define N_ACTION_TYPES (sizeof action_types / sizeof action_types[0])
#define N_INSTRUCTION_TYPES                                                   \
    (sizeof instruction_types / sizeof instruction_types[0])

/* Returns the index of action 'name' in action_types[], or -1. */
static int
action_index(const char *name)
{
    for (size_t i = 0; i < N_ACTION_TYPES; i++) {
        if (!strcmp(action_types[i].name, name)) {
            return (int) i;
        }
    }
    return -1;
}

static int
instruction_index(const char *name)
{
    for (size_t i = 0; i < N_INSTRUCTION_TYPES; i++) {
        if (!strcmp(instruction_types[i].name, name)) {
            return (int) i;
        }
    }
    return -1;
}

/* Reads "type" of dict 'obj' into '*name'. */
static int
jp_type(struct jp *jp, const json_t *obj, const char **name)
{
    int e = jp_object(jp, obj);
    if (e) {
        return e;
    }
    const json_t *t = json_object_get(obj, "type");
    size_t mark = jp_key(jp, "type");
    if (!t) {
        return jp_fail(jp, "missing");
    }
    if (!json_is_string(t)) {
        return jp_fail(jp, "%s is not a type name", SHOW(t));
    }
    *name = json_string_value(t);
    jp_pop(jp, mark);
    return 0;
}

static int
jp_set_field(struct jp *jp, const json_t *obj, struct ofp_oxm *oxm)
{
    const json_t *opaque = json_object_get(obj, "oxm");
    const json_t *f = json_object_get(obj, "field");
    int e;

    if (opaque && !f) {
        size_t mark = jp_key(jp, "oxm");
        e = jp_oxm_opaque(jp, opaque, oxm);
        jp_pop(jp, mark);
        return e;
    }
    size_t mark = jp_key(jp, "field");
    if (!f) {
        return jp_fail(jp, "missing");
    }
    if (!json_is_string(f)) {
        return jp_fail(jp, "%s is not a field name", SHOW(f));
    }
    const struct ofp_oxm_field_info *fi =
        ofp_oxm_field_by_name(json_string_value(f));
    if (!fi) {
        return jp_fail(jp, "unknown field %s", SHOW(f));
    }
    if (fi->field == OFPXMT_OFB_IN_PORT ||
        fi->field == OFPXMT_OFB_IN_PHY_PORT ||
        fi->field == OFPXMT_OFB_METADATA) {
        return jp_fail(jp, "%s is not a header field: it cannot be set",
                       fi->name);
    }
    jp_pop(jp, mark);

    if (json_object_get(obj, "mask")) {
        mark = jp_key(jp, "mask");
        return jp_fail(jp, "OpenFlow 1.3 set-field takes no mask");
    }
    const json_t *v = json_object_get(obj, "value");
    mark = jp_key(jp, "value");
    if (!v) {
        return jp_fail(jp, "missing");
    }
    ofp_oxm_init_basic(oxm, fi->field);
    if ((e = jp_field_value(jp, fi, v, false, oxm))) {
        return e;
    }
    if (field_is_onf(fi->field) && (e = make_onf_oxm(jp, fi, oxm))) {
        return e;
    }
    jp_pop(jp, mark);
    return 0;
}

/* Parses the action at index 'idx' of action_types[] from 'obj'. */
static int
jp_action_body(struct jp *jp, const json_t *obj, int idx, struct ofp_action *a)
{
    uint64_t x, y;
    int e = 0;

    memset(a, 0, sizeof *a);
    a->type = action_types[idx].type;
    switch (action_types[idx].param) {
    case P_NONE:
        break;
    case P_OUTPUT:
        if (!(e = GET_RES(jp, obj, "port", &port_kind, OFPP_ANY, &x)) &&
            !(e = GET_RES(jp, obj, "max_len", &cml_kind, OFPCML_MAX, &y))) {
            a->output.port = (uint32_t) x;
            a->output.max_len = (uint16_t) y;
        }
        break;
    case P_MPLS_TTL:
        if (!(e = NEED_INT(jp, obj, "mpls_ttl", UINT8_MAX, &x))) {
            a->mpls_ttl = (uint8_t) x;
        }
        break;
    case P_NW_TTL:
        if (!(e = NEED_INT(jp, obj, "nw_ttl", UINT8_MAX, &x))) {
            a->nw_ttl = (uint8_t) x;
        }
        break;
    case P_ETHERTYPE:
        if (!(e = NEED_INT(jp, obj, "ethertype", UINT16_MAX, &x))) {
            a->ethertype = (uint16_t) x;
        }
        break;
    case P_QUEUE:
        if (!(e = NEED_RES(jp, obj, "queue_id", &queue_kind, &x))) {
            a->queue_id = (uint32_t) x;
        }
        break;
    case P_GROUP:
        if (!(e = NEED_RES(jp, obj, "group_id", &group_kind, &x))) {
            a->group_id = (uint32_t) x;
        }
        break;
    case P_SET_FIELD:
        e = jp_set_field(jp, obj, &a->set_field);
        break;
    case P_EXPERIMENTER:
        if (!(e = NEED_INT(jp, obj, "experimenter", UINT32_MAX, &x))) {
            a->experimenter.experimenter = (uint32_t) x;
            e = jp_data(jp, obj, MSG_MAX_LEN, &a->experimenter.data,
                        &a->experimenter.len);
        }
        break;
    }
    return e;
}

/* Parses one action dict; instruction types are errors. */
static int
jp_action(struct jp *jp, const json_t *obj, struct ofp_action *a)
{
    const char *name;
    int e = jp_type(jp, obj, &name);
    if (e) {
        return e;
    }
    int idx = action_index(name);
    if (idx < 0) {
        size_t mark = jp_key(jp, "type");
        if (instruction_index(name) >= 0) {
            e = jp_fail(jp, "%s is an instruction, not an action", name);
        } else {
            e = jp_fail(jp, "unknown action \"%s\"", name);
        }
        jp_pop(jp, mark);
        return e;
    }
    return jp_action_body(jp, obj, idx, a);
}

static int
jp_actions(struct jp *jp, const json_t *array, struct ofp_action_list *list)
{
    int e;

    list->n = 0;
    list->actions = NULL;
    if ((e = jp_array(jp, array))) {
        return e;
    }
    size_t n = json_array_size(array);
    list->actions = jp_alloc(jp, n, sizeof *list->actions);
    if (!list->actions) {
        return jp_nomem(jp);
    }
    for (size_t i = 0; i < n; i++) {
        size_t mark = jp_index(jp, i);
        if ((e = jp_action(jp, json_array_get(array, i), &list->actions[i]))) {
            return e;
        }
        jp_pop(jp, mark);
    }
    list->n = n;
    return 0;
}

/* Parses "actions" of 'obj' (required unless 'optional') as an action
 * list. */
static int
jp_actions_key(struct jp *jp, const json_t *obj, bool optional,
               struct ofp_action_list *list)
{
    const json_t *v = json_object_get(obj, "actions");
    size_t mark = jp_key(jp, "actions");
    int e;

    list->n = 0;
    list->actions = NULL;
    if (!v) {
        e = optional ? 0 : jp_fail(jp, "missing");
    } else {
        e = jp_actions(jp, v, list);
    }
    if (!e) {
        jp_pop(jp, mark);
    }
    return e;
}

/* ---- instructions ---- */

static int
jp_instruction(struct jp *jp, const json_t *obj, uint16_t type,
               struct ofp_instruction *inst)
{
    uint64_t x, y;
    int e = 0;

    memset(inst, 0, sizeof *inst);
    inst->type = type;
    switch (type) {
    case OFPIT_GOTO_TABLE:
        if (!(e = NEED_RES(jp, obj, "table_id", &table_kind, &x))) {
            inst->table_id = (uint8_t) x;
        }
        break;
    case OFPIT_WRITE_METADATA:
        if (!(e = NEED_INT(jp, obj, "metadata", UINT64_MAX, &x)) &&
            !(e = GET_INT(jp, obj, "metadata_mask", UINT64_MAX, UINT64_MAX,
                          &y))) {
            inst->write_metadata.metadata = x;
            inst->write_metadata.mask = y;
        }
        break;
    case OFPIT_WRITE_ACTIONS:
    case OFPIT_APPLY_ACTIONS:
        e = jp_actions_key(jp, obj, false, &inst->actions);
        break;
    case OFPIT_CLEAR_ACTIONS: {
        const json_t *v = json_object_get(obj, "actions");
        if (v && (!json_is_array(v) || json_array_size(v))) {
            size_t mark = jp_key(jp, "actions");
            e = jp_fail(jp, "CLEAR_ACTIONS takes no actions");
            jp_pop(jp, mark);
        }
        break;
    }
    case OFPIT_METER:
        if (!(e = NEED_RES(jp, obj, "meter_id", &meter_kind, &x))) {
            inst->meter_id = (uint32_t) x;
        }
        break;
    default:
        break;
    }
    return e;
}

static int
jp_instructions(struct jp *jp, const json_t *array,
                struct ofp_instruction_list *list)
{
    int e;

    list->n = 0;
    list->instructions = NULL;
    if (!array) {
        return 0;
    }
    if ((e = jp_array(jp, array))) {
        return e;
    }
    size_t n = json_array_size(array);
    struct ofp_instruction *insts = jp_alloc(jp, n + 1, sizeof *insts);
    struct ofp_action *apply = jp_alloc(jp, n, sizeof *apply);
    if (!insts || !apply) {
        return jp_nomem(jp);
    }
    size_t n_insts = 0, n_apply = 0;
    long explicit_apply = -1; /* index of an APPLY_ACTIONS dict */
    long first_loose = -1;    /* index of the first plain action */
    uint32_t types_seen = 0;

    for (size_t i = 0; i < n; i++) {
        const json_t *obj = json_array_get(array, i);
        const char *name;
        size_t mark = jp_index(jp, i);

        if ((e = jp_type(jp, obj, &name))) {
            return e;
        }
        int idx = action_index(name);
        if (idx >= 0) {
            if ((e = jp_action_body(jp, obj, idx, &apply[n_apply]))) {
                return e;
            }
            if (first_loose < 0) {
                first_loose = (long) i;
            }
            n_apply++;
        } else if ((idx = instruction_index(name)) >= 0) {
            uint16_t type = instruction_types[idx].type;
            if (types_seen & (UINT32_C(1) << type)) {
                return jp_fail(jp, "a second %s instruction", name);
            }
            types_seen |= UINT32_C(1) << type;
            struct ofp_instruction *inst = &insts[n_insts];
            if ((e = jp_instruction(jp, obj, type, inst))) {
                return e;
            }
            if (type == OFPIT_APPLY_ACTIONS) {
                explicit_apply = (long) i;
            }
            /* Ryu leaves an empty WRITE_ACTIONS out. */
            if (type != OFPIT_WRITE_ACTIONS || inst->actions.n) {
                n_insts++;
            }
        } else {
            size_t tmark = jp_key(jp, "type");
            e = jp_fail(jp, "unknown action \"%s\"", name);
            jp_pop(jp, tmark);
            return e;
        }
        jp_pop(jp, mark);
    }
    if (n_apply && explicit_apply >= 0) {
        size_t mark = jp_index(jp, (size_t) explicit_apply);
        e = jp_fail(jp,
                    "APPLY_ACTIONS given both as a dict and as plain "
                    "actions (actions[%ld])",
                    first_loose);
        jp_pop(jp, mark);
        return e;
    }
    if (n_apply) {
        struct ofp_instruction *inst = &insts[n_insts++];
        memset(inst, 0, sizeof *inst);
        inst->type = OFPIT_APPLY_ACTIONS;
        inst->actions.n = n_apply;
        inst->actions.actions = apply;
    }
    list->n = n_insts;
    list->instructions = insts;
    return 0;
}

/* ---- messages ---- */

/* Fails naming 'key' if a message of 'len' bytes does not fit. */
static int
jp_check_len(struct jp *jp, size_t len, const char *key)
{
    if (len <= MSG_MAX_LEN) {
        return 0;
    }
    size_t mark = jp_key(jp, key);
    int e = jp_fail(jp, "the message would be %zu bytes, over %d", len,
                    MSG_MAX_LEN);
    jp_pop(jp, mark);
    return e;
}

static int
jp_body(struct jp *jp, const json_t *body)
{
    return body ? jp_object(jp, body) : jp_fail(jp, "no body");
}

/* Parses "match" of 'obj' into 'match'. */
static int
jp_match_key(struct jp *jp, const json_t *obj, struct ofp_match *match)
{
    const json_t *v = json_object_get(obj, "match");
    size_t mark = jp_key(jp, "match");
    int e = jp_match(jp, v, match);
    if (!e) {
        jp_pop(jp, mark);
    }
    return e;
}

int
ofp_json_parse_dpid(const json_t *body, uint64_t *dpid, char *err,
                    size_t errlen)
{
    struct jp jp;
    int e;

    jp_init(&jp, NULL, err, errlen, NULL);
    if ((e = jp_body(&jp, body))) {
        return e;
    }
    const json_t *v = json_object_get(body, "dpid");
    if (!v || json_is_null(v)) {
        return ENOENT;
    }
    jp_key(&jp, "dpid");
    return jp_uint(&jp, v, UINT64_MAX, dpid);
}

int
ofp_json_parse_match(const json_t *obj, struct ofp_match *match,
                     struct ofp_arena *arena, char *err, size_t errlen)
{
    struct jp jp;
    jp_init(&jp, arena, err, errlen, "match");
    return jp_match(&jp, obj, match);
}

int
ofp_json_parse_action(const json_t *obj, struct ofp_action *action,
                      struct ofp_arena *arena, char *err, size_t errlen)
{
    struct jp jp;
    jp_init(&jp, arena, err, errlen, "action");
    return jp_action(&jp, obj, action);
}

int
ofp_json_parse_actions(const json_t *array, struct ofp_action_list *list,
                       struct ofp_arena *arena, char *err, size_t errlen)
{
    struct jp jp;
    jp_init(&jp, arena, err, errlen, "actions");
    int e = jp_actions(&jp, array, list);
    if (!e &&
        OFP_ACTION_HEADER_LEN + ofp_actions_wire_len(list) > MSG_MAX_LEN) {
        e = jp_fail(&jp, "%zu bytes of actions do not fit a message",
                    ofp_actions_wire_len(list));
    }
    return e;
}

int
ofp_json_parse_instructions(const json_t *array,
                            struct ofp_instruction_list *list,
                            struct ofp_arena *arena, char *err, size_t errlen)
{
    struct jp jp;
    jp_init(&jp, arena, err, errlen, "actions");
    int e = jp_instructions(&jp, array, list);
    if (!e && ofp_instructions_wire_len(list) > MSG_MAX_LEN) {
        e = jp_fail(&jp, "%zu bytes of instructions do not fit a message",
                    ofp_instructions_wire_len(list));
    }
    return e;
}

int
ofp_json_parse_flow_mod(const json_t *body, uint8_t command,
                        struct ofp_msg *msg, struct ofp_arena *arena,
                        char *err, size_t errlen)
{
    struct ofp_flow_mod *fm = &msg->flow_mod;
    uint64_t cookie, cookie_mask, table, idle, hard, prio, buffer, out_port,
        out_group, flags;
    struct jp jp;
    int e;

    ofp_msg_init(msg, OFPT_FLOW_MOD, 0);
    jp_init(&jp, arena, err, errlen, NULL);
    if ((e = jp_body(&jp, body)) ||
        (e = GET_INT(&jp, body, "cookie", UINT64_MAX, 0, &cookie)) ||
        (e = GET_INT(&jp, body, "cookie_mask", UINT64_MAX, 0, &cookie_mask)) ||
        (e = GET_RES(&jp, body, "table_id", &table_kind, 0, &table)) ||
        (e = GET_INT(&jp, body, "idle_timeout", UINT16_MAX, 0, &idle)) ||
        (e = GET_INT(&jp, body, "hard_timeout", UINT16_MAX, 0, &hard)) ||
        (e = GET_INT(&jp, body, "priority", UINT16_MAX, 0, &prio)) ||
        (e = GET_RES(&jp, body, "buffer_id", &buffer_kind, OFP_NO_BUFFER,
                     &buffer)) ||
        (e = GET_RES(&jp, body, "out_port", &port_kind, OFPP_ANY,
                     &out_port)) ||
        (e = GET_RES(&jp, body, "out_group", &group_kind, OFPG_ANY,
                     &out_group)) ||
        (e = GET_INT(&jp, body, "flags", UINT16_MAX, 0, &flags)) ||
        (e = jp_match_key(&jp, body, &fm->match))) {
        return e;
    }
    size_t mark = jp_key(&jp, "actions");
    if ((e = jp_instructions(&jp, json_object_get(body, "actions"),
                             &fm->instructions))) {
        return e;
    }
    jp_pop(&jp, mark);

    fm->cookie = cookie;
    fm->cookie_mask = cookie_mask;
    fm->table_id = (uint8_t) table;
    fm->command = command;
    fm->idle_timeout = (uint16_t) idle;
    fm->hard_timeout = (uint16_t) hard;
    fm->priority = (uint16_t) prio;
    fm->buffer_id = (uint32_t) buffer;
    fm->out_port = (uint32_t) out_port;
    fm->out_group = (uint32_t) out_group;
    fm->flags = (uint16_t) flags;
    return jp_check_len(&jp,
                        OFP_FLOW_MOD_LEN - OFP_MATCH_MIN_LEN +
                            ofp_match_wire_len(&fm->match) +
                            ofp_instructions_wire_len(&fm->instructions),
                        "actions");
}

static const struct {
    const char *name;
    uint8_t type;
} group_types[] = {
    {"ALL", OFPGT_ALL},
    {"SELECT", OFPGT_SELECT},
    {"INDIRECT", OFPGT_INDIRECT},
    {"FF", OFPGT_FF},
};

static int
jp_group_type(struct jp *jp, const json_t *body, uint8_t *type)
{
    const json_t *v = json_object_get(body, "type");
    size_t mark = jp_key(jp, "type");
    uint64_t x;

    *type = OFPGT_ALL;
    if (v && json_is_string(v) &&
        parse_int_text(json_string_value(v), &x) == EINVAL) {
        const char *s = json_string_value(v);
        if (!strncasecmp(s, "OFPGT_", 6)) {
            s += 6;
        }
        for (size_t i = 0; i < sizeof group_types / sizeof group_types[0];
             i++) {
            if (!strcasecmp(s, group_types[i].name)) {
                *type = group_types[i].type;
                jp_pop(jp, mark);
                return 0;
            }
        }
        return jp_fail(jp, "unknown group type %s", SHOW(v));
    } else if (v) {
        int e = jp_uint(jp, v, UINT8_MAX, &x);
        if (e) {
            return e;
        }
        *type = (uint8_t) x;
    }
    jp_pop(jp, mark);
    return 0;
}

int
ofp_json_parse_group_mod(const json_t *body, uint16_t command,
                         struct ofp_msg *msg, struct ofp_arena *arena,
                         char *err, size_t errlen)
{
    struct ofp_group_mod *gm = &msg->group_mod;
    struct jp jp;
    uint64_t group_id;
    int e;

    ofp_msg_init(msg, OFPT_GROUP_MOD, 0);
    jp_init(&jp, arena, err, errlen, NULL);
    if ((e = jp_body(&jp, body)) ||
        (e = jp_group_type(&jp, body, &gm->type)) ||
        (e = GET_RES(&jp, body, "group_id", &group_kind, 0, &group_id))) {
        return e;
    }
    gm->command = command;
    gm->group_id = (uint32_t) group_id;

    const json_t *buckets = json_object_get(body, "buckets");
    if (!buckets) {
        return 0;
    }
    size_t mark = jp_key(&jp, "buckets");
    if ((e = jp_array(&jp, buckets))) {
        return e;
    }
    size_t n = json_array_size(buckets);
    gm->buckets.buckets = jp_alloc(&jp, n, sizeof *gm->buckets.buckets);
    if (!gm->buckets.buckets) {
        return jp_nomem(&jp);
    }
    size_t len = OFP_GROUP_MOD_LEN;
    for (size_t i = 0; i < n; i++) {
        const json_t *obj = json_array_get(buckets, i);
        struct ofp_bucket *b = &gm->buckets.buckets[i];
        uint64_t weight, port, group;
        size_t imark = jp_index(&jp, i);

        if ((e = jp_object(&jp, obj)) ||
            (e = GET_INT(&jp, obj, "weight", UINT16_MAX, 0, &weight)) ||
            (e = GET_RES(&jp, obj, "watch_port", &port_kind, OFPP_ANY,
                         &port)) ||
            (e = GET_RES(&jp, obj, "watch_group", &group_kind, OFPG_ANY,
                         &group)) ||
            (e = jp_actions_key(&jp, obj, true, &b->actions))) {
            return e;
        }
        b->weight = (uint16_t) weight;
        b->watch_port = (uint32_t) port;
        b->watch_group = (uint32_t) group;
        len += OFP_BUCKET_LEN + ofp_actions_wire_len(&b->actions);
        if (len > MSG_MAX_LEN) {
            return jp_fail(&jp, "the message would be over %d bytes",
                           MSG_MAX_LEN);
        }
        jp_pop(&jp, imark);
    }
    gm->buckets.n = n;
    jp_pop(&jp, mark);
    return 0;
}

static const struct {
    const char *name;
    uint16_t value;
} meter_flags[] = {
    {"KBPS", OFPMF_KBPS},
    {"PKTPS", OFPMF_PKTPS},
    {"BURST", OFPMF_BURST},
    {"STATS", OFPMF_STATS},
};

static const struct {
    const char *name;
    uint16_t type;
} band_types[] = {
    {"DROP", OFPMBT_DROP},
    {"DSCP_REMARK", OFPMBT_DSCP_REMARK},
    {"EXPERIMENTER", OFPMBT_EXPERIMENTER},
};

/* Reads one meter flag: a name (optionally OFPMF_-prefixed) or a number. */
static int
jp_meter_flag(struct jp *jp, const json_t *v, uint16_t *flag)
{
    uint64_t x;

    if (json_is_string(v) &&
        parse_int_text(json_string_value(v), &x) == EINVAL) {
        const char *s = json_string_value(v);
        if (!strncasecmp(s, "OFPMF_", 6)) {
            s += 6;
        }
        for (size_t i = 0; i < sizeof meter_flags / sizeof meter_flags[0];
             i++) {
            if (!strcasecmp(s, meter_flags[i].name)) {
                *flag = meter_flags[i].value;
                return 0;
            }
        }
        return jp_fail(jp, "unknown meter flag %s", SHOW(v));
    }
    int e = jp_uint(jp, v, UINT16_MAX, &x);
    *flag = (uint16_t) x;
    return e;
}

static int
jp_meter_flags(struct jp *jp, const json_t *body, uint16_t *flags)
{
    const json_t *v = json_object_get(body, "flags");
    size_t mark = jp_key(jp, "flags");
    uint16_t f;
    int e;

    *flags = 0;
    if (!v) {
        jp_pop(jp, mark);
        return 0;
    }
    if (!json_is_array(v)) {
        if ((e = jp_meter_flag(jp, v, &f))) {
            return e;
        }
        *flags = f;
        jp_pop(jp, mark);
        return 0;
    }
    if ((e = jp_array(jp, v))) {
        return e;
    }
    for (size_t i = 0; i < json_array_size(v); i++) {
        size_t imark = jp_index(jp, i);
        if ((e = jp_meter_flag(jp, json_array_get(v, i), &f))) {
            return e;
        }
        *flags |= f;
        jp_pop(jp, imark);
    }
    jp_pop(jp, mark);
    return 0;
}

static int
jp_band(struct jp *jp, const json_t *obj, struct ofp_meter_band *band)
{
    const char *name;
    uint64_t rate, burst, x;
    int e;

    memset(band, 0, sizeof *band);
    if ((e = jp_type(jp, obj, &name))) {
        return e;
    }
    size_t i;
    for (i = 0; i < sizeof band_types / sizeof band_types[0]; i++) {
        if (!strcmp(name, band_types[i].name)) {
            break;
        }
    }
    if (i == sizeof band_types / sizeof band_types[0]) {
        size_t mark = jp_key(jp, "type");
        e = jp_fail(jp, "unknown band type \"%s\"", name);
        jp_pop(jp, mark);
        return e;
    }
    band->type = band_types[i].type;
    if ((e = GET_INT(jp, obj, "rate", UINT32_MAX, 0, &rate)) ||
        (e = GET_INT(jp, obj, "burst_size", UINT32_MAX, 0, &burst))) {
        return e;
    }
    band->rate = (uint32_t) rate;
    band->burst_size = (uint32_t) burst;
    if (band->type == OFPMBT_DSCP_REMARK) {
        if ((e = GET_INT(jp, obj, "prec_level", UINT8_MAX, 0, &x))) {
            return e;
        }
        band->prec_level = (uint8_t) x;
    } else if (band->type == OFPMBT_EXPERIMENTER) {
        if ((e = GET_INT(jp, obj, "experimenter", UINT32_MAX, 0, &x)) ||
            (e = jp_data(jp, obj, MSG_MAX_LEN, &band->experimenter.data,
                         &band->experimenter.len))) {
            return e;
        }
        band->experimenter.experimenter = (uint32_t) x;
    }
    return 0;
}

int
ofp_json_parse_meter_mod(const json_t *body, uint16_t command,
                         struct ofp_msg *msg, struct ofp_arena *arena,
                         char *err, size_t errlen)
{
    struct ofp_meter_mod *mm = &msg->meter_mod;
    struct jp jp;
    uint64_t meter_id;
    int e;

    ofp_msg_init(msg, OFPT_METER_MOD, 0);
    jp_init(&jp, arena, err, errlen, NULL);
    if ((e = jp_body(&jp, body)) ||
        (e = jp_meter_flags(&jp, body, &mm->flags)) ||
        (e = GET_RES(&jp, body, "meter_id", &meter_kind, 0, &meter_id))) {
        return e;
    }
    mm->command = command;
    mm->meter_id = (uint32_t) meter_id;

    const json_t *bands = json_object_get(body, "bands");
    if (!bands) {
        return 0;
    }
    size_t mark = jp_key(&jp, "bands");
    if ((e = jp_array(&jp, bands))) {
        return e;
    }
    size_t n = json_array_size(bands);
    mm->bands.bands = jp_alloc(&jp, n, sizeof *mm->bands.bands);
    if (!mm->bands.bands) {
        return jp_nomem(&jp);
    }
    size_t len = OFP_METER_MOD_LEN;
    for (size_t i = 0; i < n; i++) {
        size_t imark = jp_index(&jp, i);
        struct ofp_meter_band *band = &mm->bands.bands[i];
        if ((e = jp_band(&jp, json_array_get(bands, i), band))) {
            return e;
        }
        len += OFP_METER_BAND_LEN + band->experimenter.len;
        if (len > MSG_MAX_LEN) {
            return jp_fail(&jp, "the message would be over %d bytes",
                           MSG_MAX_LEN);
        }
        jp_pop(&jp, imark);
    }
    mm->bands.n = n;
    jp_pop(&jp, mark);
    return 0;
}

int
ofp_json_parse_port_mod(const json_t *body, struct ofp_msg *msg, char *err,
                        size_t errlen)
{
    struct ofp_port_mod *pm = &msg->port_mod;
    uint64_t port_no, config, mask, advertise;
    struct jp jp;
    int e;

    ofp_msg_init(msg, OFPT_PORT_MOD, 0);
    jp_init(&jp, NULL, err, errlen, NULL);
    if ((e = jp_body(&jp, body)) ||
        (e = GET_RES(&jp, body, "port_no", &port_kind, 0, &port_no))) {
        return e;
    }
    const json_t *hw = json_object_get(body, "hw_addr");
    size_t mark = jp_key(&jp, "hw_addr");
    if (!hw) {
        return jp_fail(&jp, "missing");
    }
    if (!json_is_string(hw) ||
        !parse_mac(json_string_value(hw), json_string_length(hw),
                   pm->hw_addr)) {
        return jp_fail(&jp, "%s is not a MAC address", SHOW(hw));
    }
    jp_pop(&jp, mark);
    if ((e = GET_INT(&jp, body, "config", UINT32_MAX, 0, &config)) ||
        (e = GET_INT(&jp, body, "mask", UINT32_MAX, 0, &mask)) ||
        (e = NEED_INT(&jp, body, "advertise", UINT32_MAX, &advertise))) {
        return e;
    }
    pm->port_no = (uint32_t) port_no;
    pm->config = (uint32_t) config;
    pm->mask = (uint32_t) mask;
    pm->advertise = (uint32_t) advertise;
    return 0;
}

int
ofp_json_parse_flow_stats_request(const json_t *body, bool aggregate,
                                  struct ofp_msg *msg, int32_t *priority,
                                  struct ofp_arena *arena, char *err,
                                  size_t errlen)
{
    struct ofp_multipart_request *req = &msg->mp_request;
    struct ofp_flow_stats_request *fs = &req->flow;
    uint64_t table, flags, out_port, out_group, cookie, cookie_mask, prio;
    struct jp jp;
    int e;

    ofp_msg_init(msg, OFPT_MULTIPART_REQUEST, 0);
    req->type = aggregate ? OFPMP_AGGREGATE : OFPMP_FLOW;
    fs->match.type = OFPMT_OXM;
    if (priority) {
        *priority = -1;
    }
    jp_init(&jp, arena, err, errlen, NULL);
    if (!body || json_is_null(body)) {
        fs->table_id = OFPTT_ALL;
        fs->out_port = OFPP_ANY;
        fs->out_group = OFPG_ANY;
        return 0;
    }
    if ((e = jp_object(&jp, body)) ||
        (e = GET_RES(&jp, body, "table_id", &table_kind, OFPTT_ALL, &table)) ||
        (e = GET_INT(&jp, body, "flags", UINT16_MAX, 0, &flags)) ||
        (e = GET_RES(&jp, body, "out_port", &port_kind, OFPP_ANY,
                     &out_port)) ||
        (e = GET_RES(&jp, body, "out_group", &group_kind, OFPG_ANY,
                     &out_group)) ||
        (e = GET_INT(&jp, body, "cookie", UINT64_MAX, 0, &cookie)) ||
        (e = GET_INT(&jp, body, "cookie_mask", UINT64_MAX, 0, &cookie_mask)) ||
        (e = GET_INT(&jp, body, "priority", UINT16_MAX, UINT64_MAX, &prio)) ||
        (e = jp_match_key(&jp, body, &fs->match))) {
        return e;
    }
    req->flags = (uint16_t) flags;
    fs->table_id = (uint8_t) table;
    fs->out_port = (uint32_t) out_port;
    fs->out_group = (uint32_t) out_group;
    fs->cookie = cookie;
    fs->cookie_mask = cookie_mask;
    if (priority) {
        *priority = prio == UINT64_MAX ? -1 : (int32_t) prio;
    }
    return 0;
}
