/* interop-gen: OpenFlow 1.3 messages with random field values, written by
 * our encoder, for the interop tests against independent implementations
 * (test/osken_interop.py with os-ken, test/test-tshark.sh with Wireshark).
 *
 *   interop-gen [-n ROUNDS] SEED
 *       Each round writes one message of every kind (see ig_all_kinds():
 *       every message type, every multipart kind as request and reply), one
 *       line
 *       each: the message in hex, a space, and a JSON object describing the
 *       values that were set.  That JSON is this program's own description,
 *       built beside the structs it fills, not ofp-json's form: a test that
 *       compares it with what another decoder read depends only on our
 *       encoder.  The same SEED gives the same lines.
 *
 *   interop-gen --all-types DIR
 *       Writes one message of every kind as DIR/<KIND>.bin (FLOW_MOD,
 *       MULTIPART_REPLY_FLOW ...), for the tshark test: every list is
 *       non-empty, matches hold all 40 basic fields, action lists every
 *       action type, FLOW_MODs every instruction, table features every
 *       property type, and packet data is a well-formed ARP frame.
 *
 * JSON conventions: integers are numbers (unsigned, full 64 bits), MAC
 * addresses "aa:bb:cc:dd:ee:ff", IPv4 dotted quads, IPv6 addresses as eight
 * groups of four hex digits, byte strings lowercase hex.  Matches are lists
 * of {"field", "value"[, "mask"]} in wire order with os-ken's field names;
 * actions and instructions are lists of {"type": NAME, ...}, a set-field
 * action's OXM is such an object under "field".
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-match.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-multipart.h"
#include "ofproto/ofp-types.h"
#include "ofproto/openflow13.h"

/* ---- random numbers (splitmix64: fixed sequence for a seed) ---- */

static uint64_t ig_rng;

static uint64_t
ig_rand(void)
{
    uint64_t z = (ig_rng += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Returns a number in [0, n). */
static uint32_t
ig_below(uint32_t n)
{
    return n ? (uint32_t) (ig_rand() % n) : 0;
}

static bool
ig_coin(void)
{
    return ig_rand() & 1;
}

/* Returns a value of the bits in 'bits', biased towards the edges (zero,
 * all ones, small numbers) that catch sign and width mistakes. */
static uint64_t
ig_val(uint64_t bits)
{
    switch (ig_below(8)) {
    case 0:
        return 0;
    case 1:
        return bits;
    case 2:
        return ig_below(16) & bits;
    default:
        return ig_rand() & bits;
    }
}

static uint8_t
ig_u8(void)
{
    return (uint8_t) ig_val(UINT8_MAX);
}

static uint16_t
ig_u16(void)
{
    return (uint16_t) ig_val(UINT16_MAX);
}

static uint32_t
ig_u32(void)
{
    return (uint32_t) ig_val(UINT32_MAX);
}

static uint64_t
ig_u64(void)
{
    return ig_val(UINT64_MAX);
}

static void
ig_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t) ig_rand();
    }
}

/* Shuffles the 'n' indexes in 'v'. */
static void
ig_shuffle(size_t *v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = ig_below((uint32_t) i);
        size_t t = v[i - 1];

        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* True in --all-types mode: every list is non-empty and the lists of
 * kinds (match fields, actions, instructions, table-feature properties)
 * hold every kind, so a dissector sees all of them; packet data is a
 * well-formed frame. */
static bool ig_wellformed;

/* A list length: 0..max, or 1..max in --all-types mode. */
static size_t
ig_count(size_t max)
{
    return ig_wellformed ? 1 + ig_below((uint32_t) max)
                         : ig_below((uint32_t) max + 1);
}

/* An experimenter id that os-ken and Wireshark do not interpret (not
 * Nicira's 0x2320, not ONF's 0x4f4e4600), so its body stays opaque. */
static uint32_t
ig_experimenter_id(void)
{
    uint32_t id = (uint32_t) ig_rand();

    if (id == 0x2320 || id == 0x4f4e4600 || id == 0x00d0f0) {
        id++;
    }
    return id;
}

/* ---- JSON text (this program's own, see the file comment) ---- */

struct ig_json {
    char *buf;
    size_t len;
    size_t cap;
    bool first; /* no comma before the next element */
};

static struct ig_json jb;

static void
ig_oom(void)
{
    fprintf(stderr, "interop-gen: out of memory\n");
    exit(EXIT_FAILURE);
}

static void ig_printf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void
ig_printf(const char *fmt, ...)
{
    for (;;) {
        size_t room = jb.cap - jb.len;
        va_list args;
        int n;

        va_start(args, fmt);
        n = vsnprintf(jb.buf + jb.len, room, fmt, args);
        va_end(args);
        if (n < 0) {
            ig_oom();
        }
        if ((size_t) n < room) {
            jb.len += (size_t) n;
            return;
        }
        jb.cap = jb.cap * 2 + (size_t) n + 64;
        jb.buf = realloc(jb.buf, jb.cap);
        if (!jb.buf) {
            ig_oom();
        }
    }
}

/* Starts an element: a comma unless first, then "key": when 'key'. */
static void
ig_elem(const char *key)
{
    if (!jb.first) {
        ig_printf(",");
    }
    jb.first = false;
    if (key) {
        ig_printf("\"%s\":", key);
        jb.first = true; /* the value needs no comma */
    }
}

static void
ig_obj(const char *key)
{
    ig_elem(key);
    ig_printf("{");
    jb.first = true;
}

static void
ig_obj_end(void)
{
    ig_printf("}");
    jb.first = false;
}

static void
ig_arr(const char *key)
{
    ig_elem(key);
    ig_printf("[");
    jb.first = true;
}

static void
ig_arr_end(void)
{
    ig_printf("]");
    jb.first = false;
}

static void
ig_num(const char *key, uint64_t v)
{
    ig_elem(key);
    ig_printf("%" PRIu64, v);
    jb.first = false;
}

static void
ig_bool(const char *key, bool v)
{
    ig_elem(key);
    ig_printf("%s", v ? "true" : "false");
    jb.first = false;
}

/* Writes 's' as a JSON string; characters outside printable ASCII are
 * written as \u escapes (the generator only makes printable ones). */
static void
ig_str(const char *key, const char *s)
{
    ig_elem(key);
    ig_printf("\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;

        if (c == '"' || c == '\\') {
            ig_printf("\\%c", c);
        } else if (c < 0x20 || c > 0x7e) {
            ig_printf("\\u%04x", c);
        } else {
            ig_printf("%c", c);
        }
    }
    ig_printf("\"");
    jb.first = false;
}

static void
ig_hex(const char *key, const uint8_t *p, size_t n)
{
    ig_elem(key);
    ig_printf("\"");
    for (size_t i = 0; i < n; i++) {
        ig_printf("%02x", p[i]);
    }
    ig_printf("\"");
    jb.first = false;
}

static void
ig_mac(const char *key, const uint8_t *m)
{
    ig_elem(key);
    ig_printf("\"%02x:%02x:%02x:%02x:%02x:%02x\"", m[0], m[1], m[2], m[3],
              m[4], m[5]);
    jb.first = false;
}

static void
ig_ipv4(const char *key, uint32_t a)
{
    ig_elem(key);
    ig_printf("\"%u.%u.%u.%u\"", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
              a & 0xff);
    jb.first = false;
}

static void
ig_ipv6(const char *key, const uint8_t *a)
{
    ig_elem(key);
    ig_printf("\"");
    for (int i = 0; i < 16; i += 2) {
        ig_printf("%s%02x%02x", i ? ":" : "", a[i], a[i + 1]);
    }
    ig_printf("\"");
    jb.first = false;
}

/* ---- memory for the structs of one message ---- */

static struct ofp_arena ig_arena;

static void *
ig_alloc(size_t n, size_t size)
{
    void *p = ofp_arena_calloc(&ig_arena, n, size);

    if (!p) {
        ig_oom();
    }
    return p;
}

/* Random bytes of random length below 'max' (arena-owned); JSON "key". */
static const uint8_t *
ig_blob(const char *key, size_t max, size_t multiple, size_t *lenp)
{
    size_t len = ig_below((uint32_t) max + 1);
    uint8_t *p;

    len -= len % multiple;
    p = ig_alloc(len ? len : 1, 1);
    ig_bytes(p, len);
    ig_hex(key, p, len);
    *lenp = len;
    return p;
}

/* ---- OXM fields (our own table, from the OpenFlow 1.3.5 spec) ---- */

enum ig_fkind { IG_INT, IG_MAC, IG_IPV4, IG_IPV6 };

struct ig_field {
    uint8_t id;
    const char *name; /* os-ken's name */
    enum ig_fkind kind;
    uint8_t width; /* value bytes on the wire */
    bool maskable;
    uint64_t bits; /* valid value bits for IG_INT/IG_IPV4 */
};

static const struct ig_field ig_fields[] = {
    {OFPXMT_OFB_IN_PORT, "in_port", IG_INT, 4, false, UINT32_MAX},
    {OFPXMT_OFB_IN_PHY_PORT, "in_phy_port", IG_INT, 4, false, UINT32_MAX},
    {OFPXMT_OFB_METADATA, "metadata", IG_INT, 8, true, UINT64_MAX},
    {OFPXMT_OFB_ETH_DST, "eth_dst", IG_MAC, 6, true, 0},
    {OFPXMT_OFB_ETH_SRC, "eth_src", IG_MAC, 6, true, 0},
    {OFPXMT_OFB_ETH_TYPE, "eth_type", IG_INT, 2, false, 0xffff},
    {OFPXMT_OFB_VLAN_VID, "vlan_vid", IG_INT, 2, true, 0x1fff},
    {OFPXMT_OFB_VLAN_PCP, "vlan_pcp", IG_INT, 1, false, 0x7},
    {OFPXMT_OFB_IP_DSCP, "ip_dscp", IG_INT, 1, false, 0x3f},
    {OFPXMT_OFB_IP_ECN, "ip_ecn", IG_INT, 1, false, 0x3},
    {OFPXMT_OFB_IP_PROTO, "ip_proto", IG_INT, 1, false, 0xff},
    {OFPXMT_OFB_IPV4_SRC, "ipv4_src", IG_IPV4, 4, true, UINT32_MAX},
    {OFPXMT_OFB_IPV4_DST, "ipv4_dst", IG_IPV4, 4, true, UINT32_MAX},
    {OFPXMT_OFB_TCP_SRC, "tcp_src", IG_INT, 2, false, 0xffff},
    {OFPXMT_OFB_TCP_DST, "tcp_dst", IG_INT, 2, false, 0xffff},
    {OFPXMT_OFB_UDP_SRC, "udp_src", IG_INT, 2, false, 0xffff},
    {OFPXMT_OFB_UDP_DST, "udp_dst", IG_INT, 2, false, 0xffff},
    {OFPXMT_OFB_SCTP_SRC, "sctp_src", IG_INT, 2, false, 0xffff},
    {OFPXMT_OFB_SCTP_DST, "sctp_dst", IG_INT, 2, false, 0xffff},
    {OFPXMT_OFB_ICMPV4_TYPE, "icmpv4_type", IG_INT, 1, false, 0xff},
    {OFPXMT_OFB_ICMPV4_CODE, "icmpv4_code", IG_INT, 1, false, 0xff},
    {OFPXMT_OFB_ARP_OP, "arp_op", IG_INT, 2, false, 0xffff},
    {OFPXMT_OFB_ARP_SPA, "arp_spa", IG_IPV4, 4, true, UINT32_MAX},
    {OFPXMT_OFB_ARP_TPA, "arp_tpa", IG_IPV4, 4, true, UINT32_MAX},
    {OFPXMT_OFB_ARP_SHA, "arp_sha", IG_MAC, 6, true, 0},
    {OFPXMT_OFB_ARP_THA, "arp_tha", IG_MAC, 6, true, 0},
    {OFPXMT_OFB_IPV6_SRC, "ipv6_src", IG_IPV6, 16, true, 0},
    {OFPXMT_OFB_IPV6_DST, "ipv6_dst", IG_IPV6, 16, true, 0},
    {OFPXMT_OFB_IPV6_FLABEL, "ipv6_flabel", IG_INT, 4, true, 0xfffff},
    {OFPXMT_OFB_ICMPV6_TYPE, "icmpv6_type", IG_INT, 1, false, 0xff},
    {OFPXMT_OFB_ICMPV6_CODE, "icmpv6_code", IG_INT, 1, false, 0xff},
    {OFPXMT_OFB_IPV6_ND_TARGET, "ipv6_nd_target", IG_IPV6, 16, false, 0},
    {OFPXMT_OFB_IPV6_ND_SLL, "ipv6_nd_sll", IG_MAC, 6, false, 0},
    {OFPXMT_OFB_IPV6_ND_TLL, "ipv6_nd_tll", IG_MAC, 6, false, 0},
    {OFPXMT_OFB_MPLS_LABEL, "mpls_label", IG_INT, 4, false, 0xfffff},
    {OFPXMT_OFB_MPLS_TC, "mpls_tc", IG_INT, 1, false, 0x7},
    {OFPXMT_OFB_MPLS_BOS, "mpls_bos", IG_INT, 1, false, 0x1},
    {OFPXMT_OFB_PBB_ISID, "pbb_isid", IG_INT, 3, true, 0xffffff},
    {OFPXMT_OFB_TUNNEL_ID, "tunnel_id", IG_INT, 8, true, UINT64_MAX},
    {OFPXMT_OFB_IPV6_EXTHDR, "ipv6_exthdr", IG_INT, 2, true, 0x1ff},
};
#define IG_N_FIELDS (sizeof ig_fields / sizeof ig_fields[0])

/* Stores integer 'v' of field 'f' into 'val' as ofp-match keeps it. */
static void
ig_set_int(union ofp_oxm_value *val, const struct ig_field *f, uint64_t v)
{
    switch (f->width) {
    case 1:
        val->u8 = (uint8_t) v;
        break;
    case 2:
        val->u16 = (uint16_t) v;
        break;
    case 8:
        val->u64 = v;
        break;
    default:
        val->u32 = (uint32_t) v;
        break;
    }
}

/* Writes a JSON value of field 'f' from 'val' under 'key'. */
static void
ig_field_json(const char *key, const struct ig_field *f,
              const union ofp_oxm_value *val)
{
    switch (f->kind) {
    case IG_MAC:
        ig_mac(key, val->mac);
        break;
    case IG_IPV4:
        ig_ipv4(key, val->u32);
        break;
    case IG_IPV6:
        ig_ipv6(key, val->ipv6);
        break;
    case IG_INT:
    default:
        ig_num(key, f->width == 1   ? val->u8
                    : f->width == 2 ? val->u16
                    : f->width == 8 ? val->u64
                                    : val->u32);
        break;
    }
}

/* Fills 'oxm' with field 'f', a random value, and (if 'masked') a random
 * mask that covers every value bit; writes the JSON object. */
static void
ig_rand_oxm(struct ofp_oxm *oxm, const struct ig_field *f, bool masked)
{
    memset(oxm, 0, sizeof *oxm);
    oxm->cls = OFPXMC_OPENFLOW_BASIC;
    oxm->field = f->id;
    oxm->has_mask = masked;
    oxm->length = (uint8_t) (masked ? 2 * f->width : f->width);

    if (f->kind == IG_MAC || f->kind == IG_IPV6) {
        uint8_t *v = f->kind == IG_MAC ? oxm->value.mac : oxm->value.ipv6;
        uint8_t *m = f->kind == IG_MAC ? oxm->mask.mac : oxm->mask.ipv6;

        ig_bytes(v, f->width);
        if (masked) {
            ig_bytes(m, f->width);
            for (size_t i = 0; i < f->width; i++) {
                v[i] &= m[i];
            }
        }
    } else {
        uint64_t v = ig_val(f->bits);

        if (masked) {
            uint64_t m = ig_val(f->bits);

            v &= m;
            ig_set_int(&oxm->mask, f, m);
        }
        ig_set_int(&oxm->value, f, v);
    }

    ig_obj(NULL);
    ig_str("field", f->name);
    ig_field_json("value", f, &oxm->value);
    if (masked) {
        ig_field_json("mask", f, &oxm->mask);
    }
    ig_obj_end();
}

/* Fills 'match' with up to 'max' distinct random fields in random order,
 * masked at random where the spec allows; writes the JSON list "match". */
static void
ig_rand_match(struct ofp_match *match, size_t max)
{
    size_t order[IG_N_FIELDS];
    size_t n = ig_wellformed ? IG_N_FIELDS : ig_below((uint32_t) max + 1);

    for (size_t i = 0; i < IG_N_FIELDS; i++) {
        order[i] = i;
    }
    if (!ig_wellformed) {
        ig_shuffle(order, IG_N_FIELDS);
    }

    match->type = OFPMT_OXM;
    match->n_oxms = (uint16_t) n;
    match->oxms = ig_alloc(n, sizeof *match->oxms);
    ig_arr("match");
    for (size_t i = 0; i < n; i++) {
        const struct ig_field *f = &ig_fields[order[i]];

        ig_rand_oxm(&match->oxms[i], f, f->maskable && ig_coin());
    }
    ig_arr_end();
}

/* ---- actions and instructions ---- */

static const char *
ig_action_name(uint16_t type)
{
    switch (type) {
    case OFPAT_OUTPUT:
        return "OUTPUT";
    case OFPAT_COPY_TTL_OUT:
        return "COPY_TTL_OUT";
    case OFPAT_COPY_TTL_IN:
        return "COPY_TTL_IN";
    case OFPAT_SET_MPLS_TTL:
        return "SET_MPLS_TTL";
    case OFPAT_DEC_MPLS_TTL:
        return "DEC_MPLS_TTL";
    case OFPAT_PUSH_VLAN:
        return "PUSH_VLAN";
    case OFPAT_POP_VLAN:
        return "POP_VLAN";
    case OFPAT_PUSH_MPLS:
        return "PUSH_MPLS";
    case OFPAT_POP_MPLS:
        return "POP_MPLS";
    case OFPAT_SET_QUEUE:
        return "SET_QUEUE";
    case OFPAT_GROUP:
        return "GROUP";
    case OFPAT_SET_NW_TTL:
        return "SET_NW_TTL";
    case OFPAT_DEC_NW_TTL:
        return "DEC_NW_TTL";
    case OFPAT_SET_FIELD:
        return "SET_FIELD";
    case OFPAT_PUSH_PBB:
        return "PUSH_PBB";
    case OFPAT_POP_PBB:
        return "POP_PBB";
    case OFPAT_EXPERIMENTER:
        return "EXPERIMENTER";
    default:
        return "?";
    }
}

/* Every action type; the brief's favourites appear twice. */
static const uint16_t ig_action_types[] = {
    OFPAT_OUTPUT,      OFPAT_OUTPUT,       OFPAT_COPY_TTL_OUT,
    OFPAT_COPY_TTL_IN, OFPAT_SET_MPLS_TTL, OFPAT_DEC_MPLS_TTL,
    OFPAT_PUSH_VLAN,   OFPAT_PUSH_VLAN,    OFPAT_POP_VLAN,
    OFPAT_PUSH_MPLS,   OFPAT_POP_MPLS,     OFPAT_SET_QUEUE,
    OFPAT_SET_QUEUE,   OFPAT_GROUP,        OFPAT_GROUP,
    OFPAT_SET_NW_TTL,  OFPAT_DEC_NW_TTL,   OFPAT_SET_FIELD,
    OFPAT_SET_FIELD,   OFPAT_SET_FIELD,    OFPAT_PUSH_PBB,
    OFPAT_POP_PBB,     OFPAT_EXPERIMENTER,
};

/* Fills 'a' with a random action of 'type'. */
static void
ig_rand_action(struct ofp_action *a, uint16_t type)
{
    static const uint16_t vlan_types[] = {0x8100, 0x88a8};
    static const uint16_t mpls_types[] = {0x8847, 0x8848};
    static const uint16_t pop_mpls_types[] = {0x0800, 0x86dd, 0x8847};

    memset(a, 0, sizeof *a);
    a->type = type;
    ig_obj(NULL);
    ig_str("type", ig_action_name(type));
    switch (type) {
    case OFPAT_OUTPUT:
        a->output.port = ig_coin() ? ig_below(64) + 1 : ig_u32();
        a->output.max_len = ig_u16();
        ig_num("port", a->output.port);
        ig_num("max_len", a->output.max_len);
        break;
    case OFPAT_SET_MPLS_TTL:
        a->mpls_ttl = ig_u8();
        ig_num("mpls_ttl", a->mpls_ttl);
        break;
    case OFPAT_SET_NW_TTL:
        a->nw_ttl = ig_u8();
        ig_num("nw_ttl", a->nw_ttl);
        break;
    case OFPAT_PUSH_VLAN:
        a->ethertype = vlan_types[ig_below(2)];
        ig_num("ethertype", a->ethertype);
        break;
    case OFPAT_PUSH_MPLS:
        a->ethertype = mpls_types[ig_below(2)];
        ig_num("ethertype", a->ethertype);
        break;
    case OFPAT_POP_MPLS:
        a->ethertype = pop_mpls_types[ig_below(3)];
        ig_num("ethertype", a->ethertype);
        break;
    case OFPAT_PUSH_PBB:
        a->ethertype = 0x88e7;
        ig_num("ethertype", a->ethertype);
        break;
    case OFPAT_SET_QUEUE:
        a->queue_id = ig_u32();
        ig_num("queue_id", a->queue_id);
        break;
    case OFPAT_GROUP:
        a->group_id = ig_u32();
        ig_num("group_id", a->group_id);
        break;
    case OFPAT_SET_FIELD: {
        /* Not in_port, in_phy_port or metadata (the first three): OpenFlow
         * 1.3.5's Set-Field action says they are not header fields. */
        const struct ig_field *f = &ig_fields[3 + ig_below(IG_N_FIELDS - 3)];

        ig_elem("field");
        ig_rand_oxm(&a->set_field, f, false);
        break;
    }
    case OFPAT_EXPERIMENTER:
        a->experimenter.experimenter = ig_experimenter_id();
        ig_num("experimenter", a->experimenter.experimenter);
        a->experimenter.data = ig_blob("data", 16, 8, &a->experimenter.len);
        break;
    default:
        break;
    }
    ig_obj_end();
}

/* Every action type once, in --all-types mode. */
static const uint16_t ig_every_action[] = {
    OFPAT_OUTPUT,       OFPAT_COPY_TTL_OUT, OFPAT_COPY_TTL_IN,
    OFPAT_SET_MPLS_TTL, OFPAT_DEC_MPLS_TTL, OFPAT_PUSH_VLAN,
    OFPAT_POP_VLAN,     OFPAT_PUSH_MPLS,    OFPAT_POP_MPLS,
    OFPAT_SET_QUEUE,    OFPAT_GROUP,        OFPAT_SET_NW_TTL,
    OFPAT_DEC_NW_TTL,   OFPAT_SET_FIELD,    OFPAT_PUSH_PBB,
    OFPAT_POP_PBB,      OFPAT_EXPERIMENTER,
};
#define IG_N_EVERY_ACTION (sizeof ig_every_action / sizeof ig_every_action[0])

/* Fills 'list' with up to 'max' random actions (every type once in
 * --all-types mode); JSON list "actions". */
static void
ig_rand_actions(struct ofp_action_list *list, size_t max)
{
    list->n = ig_wellformed ? IG_N_EVERY_ACTION : ig_below((uint32_t) max + 1);
    list->actions = ig_alloc(list->n, sizeof *list->actions);
    ig_arr("actions");
    for (size_t i = 0; i < list->n; i++) {
        uint16_t type =
            ig_wellformed
                ? ig_every_action[i]
                : ig_action_types[ig_below(sizeof ig_action_types /
                                           sizeof ig_action_types[0])];

        ig_rand_action(&list->actions[i], type);
    }
    ig_arr_end();
}

static const char *
ig_instruction_name(uint16_t type)
{
    switch (type) {
    case OFPIT_GOTO_TABLE:
        return "GOTO_TABLE";
    case OFPIT_WRITE_METADATA:
        return "WRITE_METADATA";
    case OFPIT_WRITE_ACTIONS:
        return "WRITE_ACTIONS";
    case OFPIT_APPLY_ACTIONS:
        return "APPLY_ACTIONS";
    case OFPIT_CLEAR_ACTIONS:
        return "CLEAR_ACTIONS";
    case OFPIT_METER:
        return "METER";
    default:
        return "?";
    }
}

/* Fills 'list' with a random subset of the instruction types (each at most
 * once, as the spec requires) in random order; JSON "instructions". */
static void
ig_rand_instructions(struct ofp_instruction_list *list)
{
    size_t order[6] = {0, 1, 2, 3, 4, 5};
    size_t n = 0;

    ig_shuffle(order, 6);
    list->instructions = ig_alloc(6, sizeof *list->instructions);
    ig_arr("instructions");
    for (size_t i = 0; i < 6; i++) {
        struct ofp_instruction *inst = &list->instructions[n];
        uint16_t type = (uint16_t) (order[i] + OFPIT_GOTO_TABLE);

        if (!ig_wellformed && !ig_coin()) {
            continue;
        }
        n++;
        inst->type = type;
        ig_obj(NULL);
        ig_str("type", ig_instruction_name(type));
        switch (type) {
        case OFPIT_GOTO_TABLE:
            inst->table_id = (uint8_t) ig_below(OFPTT_MAX + 1);
            ig_num("table_id", inst->table_id);
            break;
        case OFPIT_WRITE_METADATA:
            inst->write_metadata.metadata = ig_u64();
            inst->write_metadata.mask = ig_u64();
            ig_num("metadata", inst->write_metadata.metadata);
            ig_num("metadata_mask", inst->write_metadata.mask);
            break;
        case OFPIT_WRITE_ACTIONS:
        case OFPIT_APPLY_ACTIONS:
            ig_rand_actions(&inst->actions, 4);
            break;
        case OFPIT_CLEAR_ACTIONS:
            inst->actions.n = 0;
            inst->actions.actions = NULL;
            break;
        case OFPIT_METER:
            inst->meter_id = ig_coin() ? ig_below(100) + 1 : ig_u32();
            ig_num("meter_id", inst->meter_id);
            break;
        default:
            break;
        }
        ig_obj_end();
    }
    ig_arr_end();
    list->n = n;
}

/* ---- shared structures ---- */

static const char ig_charset[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_. ";

/* Fills 'dst' ('cap' bytes, all zeroed first) with a random printable
 * string shorter than 'cap', sometimes as long as the field allows. */
static void
ig_rand_str(const char *key, char *dst, size_t cap, size_t wire)
{
    size_t len = ig_below(6) == 0 ? wire - 1 : ig_below(24);

    memset(dst, 0, cap);
    if (len > wire - 1) {
        len = wire - 1;
    }
    for (size_t i = 0; i < len; i++) {
        dst[i] = ig_charset[ig_below(sizeof ig_charset - 2)];
    }
    ig_str(key, dst);
}

static void
ig_rand_port(struct ofp_port *p)
{
    memset(p, 0, sizeof *p);
    p->port_no = ig_coin() ? ig_below(1000) + 1 : ig_u32();
    ig_bytes(p->hw_addr, OFP_ETH_ALEN);
    p->config = ig_u32() & 0x65;
    p->state = ig_u32() & 0x7;
    p->curr = ig_u32() & 0xffff;
    p->advertised = ig_u32() & 0xffff;
    p->supported = ig_u32() & 0xffff;
    p->peer = ig_u32() & 0xffff;
    p->curr_speed = ig_u32();
    p->max_speed = ig_u32();

    ig_obj(NULL);
    ig_num("port_no", p->port_no);
    ig_mac("hw_addr", p->hw_addr);
    ig_rand_str("name", p->name, sizeof p->name, OFP_MAX_PORT_NAME_LEN);
    ig_num("config", p->config);
    ig_num("state", p->state);
    ig_num("curr", p->curr);
    ig_num("advertised", p->advertised);
    ig_num("supported", p->supported);
    ig_num("peer", p->peer);
    ig_num("curr_speed", p->curr_speed);
    ig_num("max_speed", p->max_speed);
    ig_obj_end();
}

static void
ig_rand_buckets(struct ofp_bucket_list *list, size_t max)
{
    list->n = ig_count(max);
    list->buckets = ig_alloc(list->n, sizeof *list->buckets);
    ig_arr("buckets");
    for (size_t i = 0; i < list->n; i++) {
        struct ofp_bucket *b = &list->buckets[i];

        b->weight = ig_u16();
        b->watch_port = ig_u32();
        b->watch_group = ig_u32();
        ig_obj(NULL);
        ig_num("weight", b->weight);
        ig_num("watch_port", b->watch_port);
        ig_num("watch_group", b->watch_group);
        ig_rand_actions(&b->actions, 3);
        ig_obj_end();
    }
    ig_arr_end();
}

/* Fills 'list' with up to 'max' random bands; JSON "bands".  In
 * --all-types mode: one of each type, the experimenter band only when
 * 'exp_band' (Wireshark 4.0 overruns any experimenter band it meets, so
 * the tshark test allows it only at the very end of a METER_MOD). */
static void
ig_rand_bands(struct ofp_meter_band_list *list, size_t max, bool exp_band)
{
    static const uint16_t types[] = {
        OFPMBT_DROP,        OFPMBT_DROP,         OFPMBT_DSCP_REMARK,
        OFPMBT_DSCP_REMARK, OFPMBT_EXPERIMENTER,
    };

    list->n =
        ig_wellformed ? (exp_band ? 3 : 2) : ig_below((uint32_t) max + 1);
    list->bands = ig_alloc(list->n, sizeof *list->bands);
    ig_arr("bands");
    for (size_t i = 0; i < list->n; i++) {
        struct ofp_meter_band *b = &list->bands[i];

        b->type = ig_wellformed ? types[i * 2] : types[ig_below(5)];
        b->rate = ig_u32();
        b->burst_size = ig_u32();
        ig_obj(NULL);
        ig_num("type", b->type);
        ig_num("rate", b->rate);
        ig_num("burst_size", b->burst_size);
        if (b->type == OFPMBT_DSCP_REMARK) {
            b->prec_level = ig_u8();
            ig_num("prec_level", b->prec_level);
        } else if (b->type == OFPMBT_EXPERIMENTER) {
            b->experimenter.experimenter = ig_experimenter_id();
            ig_num("experimenter", b->experimenter.experimenter);
        }
        ig_obj_end();
    }
    ig_arr_end();
}

static void
ig_rand_queues(struct ofp_packet_queue_list *list, uint32_t port)
{
    list->n = ig_count(3);
    list->queues = ig_alloc(list->n, sizeof *list->queues);
    ig_arr("queues");
    for (size_t i = 0; i < list->n; i++) {
        struct ofp_packet_queue *q = &list->queues[i];

        q->queue_id = ig_u32();
        q->port = port;
        q->n_props = ig_wellformed ? 3 : ig_below(4);
        q->props = ig_alloc(q->n_props, sizeof *q->props);
        ig_obj(NULL);
        ig_num("queue_id", q->queue_id);
        ig_num("port", q->port);
        ig_arr("properties");
        for (size_t j = 0; j < q->n_props; j++) {
            struct ofp_queue_prop *prop = &q->props[j];
            static const uint16_t kinds[] = {
                OFPQT_MIN_RATE,
                OFPQT_MAX_RATE,
                OFPQT_EXPERIMENTER,
            };

            prop->property = ig_wellformed ? kinds[j] : kinds[ig_below(3)];
            ig_obj(NULL);
            ig_num("property", prop->property);
            if (prop->property == OFPQT_EXPERIMENTER) {
                prop->experimenter.experimenter = ig_experimenter_id();
                ig_num("experimenter", prop->experimenter.experimenter);
                prop->experimenter.data =
                    ig_blob("data", 16, 8, &prop->experimenter.len);
            } else {
                prop->rate = ig_coin() ? (uint16_t) ig_below(1001) : ig_u16();
                ig_num("rate", prop->rate);
            }
            ig_obj_end();
        }
        ig_arr_end();
        ig_obj_end();
    }
    ig_arr_end();
}

/* ---- table features ---- */

static const uint16_t ig_tf_props[] = {
    OFPTFPT_INSTRUCTIONS,   OFPTFPT_INSTRUCTIONS_MISS,
    OFPTFPT_NEXT_TABLES,    OFPTFPT_NEXT_TABLES_MISS,
    OFPTFPT_WRITE_ACTIONS,  OFPTFPT_WRITE_ACTIONS_MISS,
    OFPTFPT_APPLY_ACTIONS,  OFPTFPT_APPLY_ACTIONS_MISS,
    OFPTFPT_MATCH,          OFPTFPT_WILDCARDS,
    OFPTFPT_WRITE_SETFIELD, OFPTFPT_WRITE_SETFIELD_MISS,
    OFPTFPT_APPLY_SETFIELD, OFPTFPT_APPLY_SETFIELD_MISS,
    OFPTFPT_EXPERIMENTER,   OFPTFPT_EXPERIMENTER_MISS,
};
#define IG_N_TF_PROPS (sizeof ig_tf_props / sizeof ig_tf_props[0])

static void
ig_rand_tf_prop(struct ofp_table_feature_prop *prop, uint16_t type)
{
    static const uint16_t actions[] = {
        OFPAT_OUTPUT,       OFPAT_COPY_TTL_OUT, OFPAT_COPY_TTL_IN,
        OFPAT_SET_MPLS_TTL, OFPAT_DEC_MPLS_TTL, OFPAT_PUSH_VLAN,
        OFPAT_POP_VLAN,     OFPAT_PUSH_MPLS,    OFPAT_POP_MPLS,
        OFPAT_SET_QUEUE,    OFPAT_GROUP,        OFPAT_SET_NW_TTL,
        OFPAT_DEC_NW_TTL,   OFPAT_SET_FIELD,    OFPAT_PUSH_PBB,
        OFPAT_POP_PBB,
    };
    size_t n;

    prop->type = type;
    ig_obj(NULL);
    ig_num("type", type);
    switch (type) {
    case OFPTFPT_INSTRUCTIONS:
    case OFPTFPT_INSTRUCTIONS_MISS:
        n = ig_count(6);
        prop->instructions.n = n;
        prop->instructions.ids =
            ig_alloc(n, sizeof(struct ofp_instruction_id));
        ig_arr("instruction_ids");
        for (size_t i = 0; i < n; i++) {
            prop->instructions.ids[i].type =
                (uint16_t) (OFPIT_GOTO_TABLE + ig_below(6));
            ig_num(NULL, prop->instructions.ids[i].type);
        }
        ig_arr_end();
        break;
    case OFPTFPT_NEXT_TABLES:
    case OFPTFPT_NEXT_TABLES_MISS:
        n = ig_count(8);
        prop->next_tables.n = n;
        prop->next_tables.table_ids = ig_alloc(n, 1);
        ig_arr("table_ids");
        for (size_t i = 0; i < n; i++) {
            prop->next_tables.table_ids[i] = (uint8_t) ig_below(OFPTT_MAX);
            ig_num(NULL, prop->next_tables.table_ids[i]);
        }
        ig_arr_end();
        break;
    case OFPTFPT_WRITE_ACTIONS:
    case OFPTFPT_WRITE_ACTIONS_MISS:
    case OFPTFPT_APPLY_ACTIONS:
    case OFPTFPT_APPLY_ACTIONS_MISS:
        n = ig_count(7);
        prop->actions.n = n;
        prop->actions.ids = ig_alloc(n, sizeof(struct ofp_instruction_id));
        ig_arr("action_ids");
        for (size_t i = 0; i < n; i++) {
            prop->actions.ids[i].type =
                actions[ig_below(sizeof actions / sizeof actions[0])];
            ig_num(NULL, prop->actions.ids[i].type);
        }
        ig_arr_end();
        break;
    case OFPTFPT_EXPERIMENTER:
    case OFPTFPT_EXPERIMENTER_MISS:
        prop->experimenter.experimenter = ig_experimenter_id();
        prop->experimenter.exp_type = ig_u32();
        ig_num("experimenter", prop->experimenter.experimenter);
        ig_num("exp_type", prop->experimenter.exp_type);
        prop->experimenter.data =
            ig_blob("data", 12, 4, &prop->experimenter.len);
        break;
    default: /* the OXM lists */
        n = ig_count(7);
        prop->oxms.n = n;
        prop->oxms.ids = ig_alloc(n, sizeof(struct ofp_oxm_id));
        ig_arr("oxm_ids");
        for (size_t i = 0; i < n; i++) {
            const struct ig_field *f = &ig_fields[ig_below(IG_N_FIELDS)];
            bool hasmask = f->maskable && ig_coin();
            uint32_t len = hasmask ? 2u * f->width : f->width;

            prop->oxms.ids[i].header =
                ((uint32_t) OFPXMC_OPENFLOW_BASIC << 16) |
                ((uint32_t) f->id << 9) | ((uint32_t) hasmask << 8) | len;
            ig_obj(NULL);
            ig_str("field", f->name);
            ig_bool("hasmask", hasmask);
            ig_num("length", len);
            ig_obj_end();
        }
        ig_arr_end();
        break;
    }
    ig_obj_end();
}

static void
ig_rand_table_features(struct ofp_table_features *tf)
{
    size_t order[IG_N_TF_PROPS];
    size_t n = ig_wellformed ? IG_N_TF_PROPS : 1 + ig_below(6);

    memset(tf, 0, sizeof *tf);
    tf->table_id = (uint8_t) ig_below(OFPTT_MAX + 1);
    tf->metadata_match = ig_u64();
    tf->metadata_write = ig_u64();
    tf->config = ig_u32() & OFPTC_DEPRECATED_MASK;
    tf->max_entries = ig_u32();
    ig_obj(NULL);
    ig_num("table_id", tf->table_id);
    ig_rand_str("name", tf->name, sizeof tf->name, OFP_MAX_TABLE_NAME_LEN);
    ig_num("metadata_match", tf->metadata_match);
    ig_num("metadata_write", tf->metadata_write);
    ig_num("config", tf->config);
    ig_num("max_entries", tf->max_entries);

    for (size_t i = 0; i < IG_N_TF_PROPS; i++) {
        order[i] = i;
    }
    if (!ig_wellformed) {
        ig_shuffle(order, IG_N_TF_PROPS);
    }
    tf->n_props = n;
    tf->props = ig_alloc(n, sizeof *tf->props);
    ig_arr("properties");
    for (size_t i = 0; i < n; i++) {
        ig_rand_tf_prop(&tf->props[i], ig_tf_props[order[i]]);
    }
    ig_arr_end();
    ig_obj_end();
}

static void
ig_rand_table_features_list(size_t *np, struct ofp_table_features **tfp,
                            size_t max)
{
    size_t n = ig_count(max);
    struct ofp_table_features *tf = ig_alloc(n, sizeof *tf);

    ig_arr("body");
    for (size_t i = 0; i < n; i++) {
        ig_rand_table_features(&tf[i]);
    }
    ig_arr_end();
    *np = n;
    *tfp = tf;
}

/* ---- packet data ---- */

/* A well-formed ARP request frame, for dissectors that look inside. */
static const uint8_t ig_arp_frame[42] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02,
};

/* Packet data: random bytes, or the ARP frame in --all-types mode. */
static const uint8_t *
ig_packet(const char *key, size_t *lenp)
{
    if (ig_wellformed) {
        *lenp = sizeof ig_arp_frame;
        ig_hex(key, ig_arp_frame, sizeof ig_arp_frame);
        return ig_arp_frame;
    }
    return ig_blob(key, 96, 1, lenp);
}

/* ---- messages ---- */

static const char *const ig_type_names[] = {
    "HELLO",
    "ERROR",
    "ECHO_REQUEST",
    "ECHO_REPLY",
    "EXPERIMENTER",
    "FEATURES_REQUEST",
    "FEATURES_REPLY",
    "GET_CONFIG_REQUEST",
    "GET_CONFIG_REPLY",
    "SET_CONFIG",
    "PACKET_IN",
    "FLOW_REMOVED",
    "PORT_STATUS",
    "PACKET_OUT",
    "FLOW_MOD",
    "GROUP_MOD",
    "PORT_MOD",
    "TABLE_MOD",
    "MULTIPART_REQUEST",
    "MULTIPART_REPLY",
    "BARRIER_REQUEST",
    "BARRIER_REPLY",
    "QUEUE_GET_CONFIG_REQUEST",
    "QUEUE_GET_CONFIG_REPLY",
    "ROLE_REQUEST",
    "ROLE_REPLY",
    "GET_ASYNC_REQUEST",
    "GET_ASYNC_REPLY",
    "SET_ASYNC",
    "METER_MOD",
};

static const char *const ig_mp_names[] = {
    "DESC",           "FLOW",      "AGGREGATE",    "TABLE",
    "PORT_STATS",     "QUEUE",     "GROUP",        "GROUP_DESC",
    "GROUP_FEATURES", "METER",     "METER_CONFIG", "METER_FEATURES",
    "TABLE_FEATURES", "PORT_DESC",
};

static const char *
ig_mp_name(uint16_t type)
{
    return type < sizeof ig_mp_names / sizeof ig_mp_names[0]
               ? ig_mp_names[type]
               : "EXPERIMENTER";
}

/* One kind of message: a message type, for multipart a kind as well. */
struct ig_kind {
    uint8_t type;
    uint16_t mp_type; /* MULTIPART_REQUEST/REPLY only */
};

/* Starts message 'msg' of kind 'k': header fields, JSON opening. */
static void
ig_start(struct ofp_msg *msg, const struct ig_kind *k)
{
    uint32_t xid = ig_u32();

    ofp_msg_init(msg, k->type, xid);
    ig_obj(NULL);
    ig_str("type", ig_type_names[k->type]);
    ig_num("xid", xid);
}

static void
ig_gen_hello(struct ofp_msg *msg)
{
    struct ofp_hello *h = &msg->hello;

    h->n_elems = ig_count(1);
    h->elems = ig_alloc(h->n_elems, sizeof *h->elems);
    ig_arr("elements");
    for (size_t i = 0; i < h->n_elems; i++) {
        struct ofp_hello_elem *e = &h->elems[i];

        e->type = OFPHET_VERSIONBITMAP;
        e->n_bitmaps = 1 + ig_below(2);
        e->bitmaps = ig_alloc(e->n_bitmaps, sizeof *e->bitmaps);
        e->bitmaps[0] = (1u << OFP13_VERSION) | ((uint32_t) ig_rand() & 0x3e);
        for (size_t j = 1; j < e->n_bitmaps; j++) {
            e->bitmaps[j] = (uint32_t) ig_rand();
        }
        ig_obj(NULL);
        ig_num("type", e->type);
        ig_arr("bitmaps");
        for (size_t j = 0; j < e->n_bitmaps; j++) {
            ig_num(NULL, e->bitmaps[j]);
        }
        ig_arr_end();
        ig_obj_end();
    }
    ig_arr_end();
}

static void
ig_gen_error(struct ofp_msg *msg)
{
    /* The 8-byte BARRIER_REQUEST that "failed": a whole message. */
    static const uint8_t failed[8] = {0x04, 0x14, 0x00, 0x08,
                                      0x00, 0x00, 0x00, 0x2a};
    struct ofp_error_msg *e = &msg->error;

    if (!ig_wellformed && ig_below(3) == 0) {
        e->type = OFPET_EXPERIMENTER;
        e->code = ig_u16();
        e->experimenter = ig_experimenter_id();
        ig_num("err_type", e->type);
        ig_num("exp_type", e->code);
        ig_num("experimenter", e->experimenter);
    } else {
        e->type = (uint16_t) ig_below(OFPET_TABLE_FEATURES_FAILED + 1);
        e->code = (uint16_t) ig_below(16);
        if (ig_wellformed) {
            e->type = OFPET_BAD_REQUEST;
            e->code = 1;
        }
        ig_num("err_type", e->type);
        ig_num("code", e->code);
    }
    if (ig_wellformed) {
        e->data = failed;
        e->len = sizeof failed;
        ig_hex("data", failed, sizeof failed);
    } else {
        e->data = ig_blob("data", 64, 1, &e->len);
    }
}

static void
ig_gen_echo(struct ofp_msg *msg)
{
    msg->echo.data = ig_blob("data", 32, 1, &msg->echo.len);
}

static void
ig_gen_experimenter(struct ofp_msg *msg)
{
    struct ofp_experimenter_msg *x = &msg->experimenter;

    x->experimenter = ig_experimenter_id();
    x->exp_type = ig_u32();
    ig_num("experimenter", x->experimenter);
    ig_num("exp_type", x->exp_type);
    x->data = ig_blob("data", 24, 1, &x->len);
}

static void
ig_gen_features_reply(struct ofp_msg *msg)
{
    struct ofp_switch_features *f = &msg->features;

    f->datapath_id = ig_u64();
    f->n_buffers = ig_u32();
    f->n_tables = ig_u8();
    f->auxiliary_id = ig_u8();
    f->capabilities = ig_u32() & 0x16f;
    f->reserved = 0;
    ig_num("datapath_id", f->datapath_id);
    ig_num("n_buffers", f->n_buffers);
    ig_num("n_tables", f->n_tables);
    ig_num("auxiliary_id", f->auxiliary_id);
    ig_num("capabilities", f->capabilities);
}

static void
ig_gen_config(struct ofp_msg *msg)
{
    msg->config.flags = (uint16_t) ig_below(4);
    msg->config.miss_send_len = ig_u16();
    ig_num("flags", msg->config.flags);
    ig_num("miss_send_len", msg->config.miss_send_len);
}

static void
ig_gen_packet_in(struct ofp_msg *msg)
{
    struct ofp_packet_in *pi = &msg->packet_in;

    pi->buffer_id = ig_coin() ? OFP_NO_BUFFER : ig_u32();
    pi->reason = (uint8_t) ig_below(3);
    pi->table_id = ig_u8();
    pi->cookie = ig_u64();
    ig_num("buffer_id", pi->buffer_id);
    ig_num("reason", pi->reason);
    ig_num("table_id", pi->table_id);
    ig_num("cookie", pi->cookie);
    ig_rand_match(&pi->match, 8);
    pi->data = ig_packet("data", &pi->len);
    pi->total_len = (uint16_t) (pi->len + ig_below(3) * ig_below(1500));
    ig_num("total_len", pi->total_len);
}

static void
ig_gen_flow_removed(struct ofp_msg *msg)
{
    struct ofp_flow_removed *fr = &msg->flow_removed;

    fr->cookie = ig_u64();
    fr->priority = ig_u16();
    fr->reason = (uint8_t) ig_below(4);
    fr->table_id = ig_u8();
    fr->duration_sec = ig_u32();
    fr->duration_nsec = ig_u32();
    fr->idle_timeout = ig_u16();
    fr->hard_timeout = ig_u16();
    fr->packet_count = ig_u64();
    fr->byte_count = ig_u64();
    ig_num("cookie", fr->cookie);
    ig_num("priority", fr->priority);
    ig_num("reason", fr->reason);
    ig_num("table_id", fr->table_id);
    ig_num("duration_sec", fr->duration_sec);
    ig_num("duration_nsec", fr->duration_nsec);
    ig_num("idle_timeout", fr->idle_timeout);
    ig_num("hard_timeout", fr->hard_timeout);
    ig_num("packet_count", fr->packet_count);
    ig_num("byte_count", fr->byte_count);
    ig_rand_match(&fr->match, 8);
}

static void
ig_gen_port_status(struct ofp_msg *msg)
{
    msg->port_status.reason = (uint8_t) ig_below(3);
    ig_num("reason", msg->port_status.reason);
    ig_elem("desc");
    ig_rand_port(&msg->port_status.desc);
}

static void
ig_gen_packet_out(struct ofp_msg *msg)
{
    struct ofp_packet_out *po = &msg->packet_out;

    po->buffer_id = ig_coin() ? OFP_NO_BUFFER : ig_u32();
    po->in_port = ig_coin() ? OFPP_CONTROLLER : ig_u32();
    ig_num("buffer_id", po->buffer_id);
    ig_num("in_port", po->in_port);
    ig_rand_actions(&po->actions, 4);
    if (po->buffer_id == OFP_NO_BUFFER) {
        po->data = ig_packet("data", &po->len);
    } else {
        ig_hex("data", NULL, 0);
    }
}

static void
ig_gen_flow_mod(struct ofp_msg *msg)
{
    struct ofp_flow_mod *fm = &msg->flow_mod;

    fm->cookie = ig_u64();
    fm->cookie_mask = ig_u64();
    fm->table_id = ig_u8();
    fm->command = (uint8_t) ig_below(OFPFC_DELETE_STRICT + 1);
    fm->idle_timeout = ig_u16();
    fm->hard_timeout = ig_u16();
    fm->priority = ig_u16();
    fm->buffer_id = ig_coin() ? OFP_NO_BUFFER : ig_u32();
    fm->out_port = ig_coin() ? OFPP_ANY : ig_u32();
    fm->out_group = ig_coin() ? OFPG_ANY : ig_u32();
    fm->flags = ig_u16() & 0x1f;
    ig_num("cookie", fm->cookie);
    ig_num("cookie_mask", fm->cookie_mask);
    ig_num("table_id", fm->table_id);
    ig_num("command", fm->command);
    ig_num("idle_timeout", fm->idle_timeout);
    ig_num("hard_timeout", fm->hard_timeout);
    ig_num("priority", fm->priority);
    ig_num("buffer_id", fm->buffer_id);
    ig_num("out_port", fm->out_port);
    ig_num("out_group", fm->out_group);
    ig_num("flags", fm->flags);
    ig_rand_match(&fm->match, 8);
    ig_rand_instructions(&fm->instructions);
}

static void
ig_gen_group_mod(struct ofp_msg *msg)
{
    struct ofp_group_mod *gm = &msg->group_mod;

    gm->command = (uint16_t) ig_below(3);
    gm->type = (uint8_t) ig_below(4);
    gm->group_id = ig_u32();
    ig_num("command", gm->command);
    ig_num("group_type", gm->type);
    ig_num("group_id", gm->group_id);
    ig_rand_buckets(&gm->buckets, 3);
}

static void
ig_gen_port_mod(struct ofp_msg *msg)
{
    struct ofp_port_mod *pm = &msg->port_mod;

    pm->port_no = ig_u32();
    ig_bytes(pm->hw_addr, OFP_ETH_ALEN);
    pm->config = ig_u32() & 0x65;
    pm->mask = ig_u32() & 0x65;
    pm->advertise = ig_u32() & 0xffff;
    ig_num("port_no", pm->port_no);
    ig_mac("hw_addr", pm->hw_addr);
    ig_num("config", pm->config);
    ig_num("mask", pm->mask);
    ig_num("advertise", pm->advertise);
}

static void
ig_gen_table_mod(struct ofp_msg *msg)
{
    msg->table_mod.table_id = ig_u8();
    msg->table_mod.config = ig_u32() & OFPTC_DEPRECATED_MASK;
    ig_num("table_id", msg->table_mod.table_id);
    ig_num("config", msg->table_mod.config);
}

static void
ig_gen_flow_stats_request(struct ofp_flow_stats_request *r)
{
    r->table_id = ig_coin() ? OFPTT_ALL : ig_u8();
    r->out_port = ig_coin() ? OFPP_ANY : ig_u32();
    r->out_group = ig_coin() ? OFPG_ANY : ig_u32();
    r->cookie = ig_u64();
    r->cookie_mask = ig_u64();
    ig_obj("body");
    ig_num("table_id", r->table_id);
    ig_num("out_port", r->out_port);
    ig_num("out_group", r->out_group);
    ig_num("cookie", r->cookie);
    ig_num("cookie_mask", r->cookie_mask);
    ig_rand_match(&r->match, 6);
    ig_obj_end();
}

static void
ig_gen_mp_request(struct ofp_msg *msg, uint16_t mp_type)
{
    struct ofp_multipart_request *rq = &msg->mp_request;

    rq->type = mp_type;
    rq->flags = mp_type == OFPMP_TABLE_FEATURES ? (uint16_t) ig_below(2) : 0;
    ig_str("mp_type", ig_mp_name(mp_type));
    ig_num("flags", rq->flags);
    switch (mp_type) {
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE:
        ig_gen_flow_stats_request(&rq->flow);
        break;
    case OFPMP_PORT_STATS:
        rq->port_no = ig_coin() ? OFPP_ANY : ig_u32();
        ig_obj("body");
        ig_num("port_no", rq->port_no);
        ig_obj_end();
        break;
    case OFPMP_QUEUE:
        rq->queue.port_no = ig_coin() ? OFPP_ANY : ig_u32();
        rq->queue.queue_id = ig_coin() ? OFPQ_ALL : ig_u32();
        ig_obj("body");
        ig_num("port_no", rq->queue.port_no);
        ig_num("queue_id", rq->queue.queue_id);
        ig_obj_end();
        break;
    case OFPMP_GROUP:
        rq->group_id = ig_coin() ? OFPG_ALL : ig_u32();
        ig_obj("body");
        ig_num("group_id", rq->group_id);
        ig_obj_end();
        break;
    case OFPMP_METER:
    case OFPMP_METER_CONFIG:
        rq->meter_id = ig_coin() ? OFPM_ALL : ig_u32();
        ig_obj("body");
        ig_num("meter_id", rq->meter_id);
        ig_obj_end();
        break;
    case OFPMP_TABLE_FEATURES:
        ig_rand_table_features_list(&rq->table_features.n,
                                    &rq->table_features.tables, 2);
        break;
    case OFPMP_EXPERIMENTER:
        rq->experimenter.experimenter = ig_experimenter_id();
        rq->experimenter.exp_type = ig_u32();
        ig_obj("body");
        ig_num("experimenter", rq->experimenter.experimenter);
        ig_num("exp_type", rq->experimenter.exp_type);
        rq->experimenter.data = ig_blob("data", 24, 1, &rq->experimenter.len);
        ig_obj_end();
        break;
    default: /* no body */
        break;
    }
}

static void
ig_gen_flow_stats(struct ofp_flow_stats *fs)
{
    fs->table_id = ig_u8();
    fs->duration_sec = ig_u32();
    fs->duration_nsec = ig_u32();
    fs->priority = ig_u16();
    fs->idle_timeout = ig_u16();
    fs->hard_timeout = ig_u16();
    fs->flags = ig_u16() & 0x1f;
    fs->cookie = ig_u64();
    fs->packet_count = ig_u64();
    fs->byte_count = ig_u64();
    ig_obj(NULL);
    ig_num("table_id", fs->table_id);
    ig_num("duration_sec", fs->duration_sec);
    ig_num("duration_nsec", fs->duration_nsec);
    ig_num("priority", fs->priority);
    ig_num("idle_timeout", fs->idle_timeout);
    ig_num("hard_timeout", fs->hard_timeout);
    ig_num("flags", fs->flags);
    ig_num("cookie", fs->cookie);
    ig_num("packet_count", fs->packet_count);
    ig_num("byte_count", fs->byte_count);
    ig_rand_match(&fs->match, 6);
    ig_rand_instructions(&fs->instructions);
    ig_obj_end();
}

static void
ig_gen_port_stats(struct ofp_port_stats *ps)
{
    ps->port_no = ig_u32();
    ps->rx_packets = ig_u64();
    ps->tx_packets = ig_u64();
    ps->rx_bytes = ig_u64();
    ps->tx_bytes = ig_u64();
    ps->rx_dropped = ig_u64();
    ps->tx_dropped = ig_u64();
    ps->rx_errors = ig_u64();
    ps->tx_errors = ig_u64();
    ps->rx_frame_err = ig_u64();
    ps->rx_over_err = ig_u64();
    ps->rx_crc_err = ig_u64();
    ps->collisions = ig_u64();
    ps->duration_sec = ig_u32();
    ps->duration_nsec = ig_u32();
    ig_obj(NULL);
    ig_num("port_no", ps->port_no);
    ig_num("rx_packets", ps->rx_packets);
    ig_num("tx_packets", ps->tx_packets);
    ig_num("rx_bytes", ps->rx_bytes);
    ig_num("tx_bytes", ps->tx_bytes);
    ig_num("rx_dropped", ps->rx_dropped);
    ig_num("tx_dropped", ps->tx_dropped);
    ig_num("rx_errors", ps->rx_errors);
    ig_num("tx_errors", ps->tx_errors);
    ig_num("rx_frame_err", ps->rx_frame_err);
    ig_num("rx_over_err", ps->rx_over_err);
    ig_num("rx_crc_err", ps->rx_crc_err);
    ig_num("collisions", ps->collisions);
    ig_num("duration_sec", ps->duration_sec);
    ig_num("duration_nsec", ps->duration_nsec);
    ig_obj_end();
}

static void
ig_gen_queue_stats(struct ofp_queue_stats *qs)
{
    qs->port_no = ig_u32();
    qs->queue_id = ig_u32();
    qs->tx_bytes = ig_u64();
    qs->tx_packets = ig_u64();
    qs->tx_errors = ig_u64();
    qs->duration_sec = ig_u32();
    qs->duration_nsec = ig_u32();
    ig_obj(NULL);
    ig_num("port_no", qs->port_no);
    ig_num("queue_id", qs->queue_id);
    ig_num("tx_bytes", qs->tx_bytes);
    ig_num("tx_packets", qs->tx_packets);
    ig_num("tx_errors", qs->tx_errors);
    ig_num("duration_sec", qs->duration_sec);
    ig_num("duration_nsec", qs->duration_nsec);
    ig_obj_end();
}

static void
ig_gen_group_stats(struct ofp_group_stats *gs)
{
    gs->group_id = ig_u32();
    gs->ref_count = ig_u32();
    gs->packet_count = ig_u64();
    gs->byte_count = ig_u64();
    gs->duration_sec = ig_u32();
    gs->duration_nsec = ig_u32();
    gs->n_buckets = ig_count(3);
    gs->bucket_stats = ig_alloc(gs->n_buckets, sizeof *gs->bucket_stats);
    ig_obj(NULL);
    ig_num("group_id", gs->group_id);
    ig_num("ref_count", gs->ref_count);
    ig_num("packet_count", gs->packet_count);
    ig_num("byte_count", gs->byte_count);
    ig_num("duration_sec", gs->duration_sec);
    ig_num("duration_nsec", gs->duration_nsec);
    ig_arr("bucket_stats");
    for (size_t i = 0; i < gs->n_buckets; i++) {
        gs->bucket_stats[i].packet_count = ig_u64();
        gs->bucket_stats[i].byte_count = ig_u64();
        ig_obj(NULL);
        ig_num("packet_count", gs->bucket_stats[i].packet_count);
        ig_num("byte_count", gs->bucket_stats[i].byte_count);
        ig_obj_end();
    }
    ig_arr_end();
    ig_obj_end();
}

static void
ig_gen_meter_stats(struct ofp_meter_stats *ms)
{
    ms->meter_id = ig_u32();
    ms->flow_count = ig_u32();
    ms->packet_in_count = ig_u64();
    ms->byte_in_count = ig_u64();
    ms->duration_sec = ig_u32();
    ms->duration_nsec = ig_u32();
    ms->n_bands = ig_count(3);
    ms->band_stats = ig_alloc(ms->n_bands, sizeof *ms->band_stats);
    ig_obj(NULL);
    ig_num("meter_id", ms->meter_id);
    ig_num("flow_count", ms->flow_count);
    ig_num("packet_in_count", ms->packet_in_count);
    ig_num("byte_in_count", ms->byte_in_count);
    ig_num("duration_sec", ms->duration_sec);
    ig_num("duration_nsec", ms->duration_nsec);
    ig_arr("band_stats");
    for (size_t i = 0; i < ms->n_bands; i++) {
        ms->band_stats[i].packet_band_count = ig_u64();
        ms->band_stats[i].byte_band_count = ig_u64();
        ig_obj(NULL);
        ig_num("packet_band_count", ms->band_stats[i].packet_band_count);
        ig_num("byte_band_count", ms->band_stats[i].byte_band_count);
        ig_obj_end();
    }
    ig_arr_end();
    ig_obj_end();
}

/* Allocates 'n' random-count entries of 'size' bytes for a list reply. */
static void *
ig_list(size_t *np, size_t max, size_t size)
{
    *np = ig_count(max);
    return ig_alloc(*np, size);
}

static void
ig_gen_mp_reply(struct ofp_msg *msg, uint16_t mp_type)
{
    struct ofp_multipart_reply *rp = &msg->mp_reply;

    rp->type = mp_type;
    rp->flags = (uint16_t) ig_below(2);
    ig_str("mp_type", ig_mp_name(mp_type));
    ig_num("flags", rp->flags);
    switch (mp_type) {
    case OFPMP_DESC: {
        struct ofp_desc *d = ig_alloc(1, sizeof *d);

        rp->desc = d;
        ig_obj("body");
        ig_rand_str("mfr_desc", d->mfr_desc, sizeof d->mfr_desc, DESC_STR_LEN);
        ig_rand_str("hw_desc", d->hw_desc, sizeof d->hw_desc, DESC_STR_LEN);
        ig_rand_str("sw_desc", d->sw_desc, sizeof d->sw_desc, DESC_STR_LEN);
        ig_rand_str("serial_num", d->serial_num, sizeof d->serial_num,
                    SERIAL_NUM_LEN);
        ig_rand_str("dp_desc", d->dp_desc, sizeof d->dp_desc, DESC_STR_LEN);
        ig_obj_end();
        break;
    }
    case OFPMP_FLOW:
        rp->flow.stats = ig_list(&rp->flow.n, 3, sizeof *rp->flow.stats);
        ig_arr("body");
        for (size_t i = 0; i < rp->flow.n; i++) {
            ig_gen_flow_stats(&rp->flow.stats[i]);
        }
        ig_arr_end();
        break;
    case OFPMP_AGGREGATE:
        rp->aggregate.packet_count = ig_u64();
        rp->aggregate.byte_count = ig_u64();
        rp->aggregate.flow_count = ig_u32();
        ig_obj("body");
        ig_num("packet_count", rp->aggregate.packet_count);
        ig_num("byte_count", rp->aggregate.byte_count);
        ig_num("flow_count", rp->aggregate.flow_count);
        ig_obj_end();
        break;
    case OFPMP_TABLE:
        rp->table.stats = ig_list(&rp->table.n, 4, sizeof *rp->table.stats);
        ig_arr("body");
        for (size_t i = 0; i < rp->table.n; i++) {
            struct ofp_table_stats *ts = &rp->table.stats[i];

            ts->table_id = ig_u8();
            ts->active_count = ig_u32();
            ts->lookup_count = ig_u64();
            ts->matched_count = ig_u64();
            ig_obj(NULL);
            ig_num("table_id", ts->table_id);
            ig_num("active_count", ts->active_count);
            ig_num("lookup_count", ts->lookup_count);
            ig_num("matched_count", ts->matched_count);
            ig_obj_end();
        }
        ig_arr_end();
        break;
    case OFPMP_PORT_STATS:
        rp->port_stats.stats =
            ig_list(&rp->port_stats.n, 3, sizeof *rp->port_stats.stats);
        ig_arr("body");
        for (size_t i = 0; i < rp->port_stats.n; i++) {
            ig_gen_port_stats(&rp->port_stats.stats[i]);
        }
        ig_arr_end();
        break;
    case OFPMP_QUEUE:
        rp->queue.stats = ig_list(&rp->queue.n, 3, sizeof *rp->queue.stats);
        ig_arr("body");
        for (size_t i = 0; i < rp->queue.n; i++) {
            ig_gen_queue_stats(&rp->queue.stats[i]);
        }
        ig_arr_end();
        break;
    case OFPMP_GROUP:
        rp->group.stats = ig_list(&rp->group.n, 3, sizeof *rp->group.stats);
        ig_arr("body");
        for (size_t i = 0; i < rp->group.n; i++) {
            ig_gen_group_stats(&rp->group.stats[i]);
        }
        ig_arr_end();
        break;
    case OFPMP_GROUP_DESC:
        rp->group_desc.descs =
            ig_list(&rp->group_desc.n, 3, sizeof *rp->group_desc.descs);
        ig_arr("body");
        for (size_t i = 0; i < rp->group_desc.n; i++) {
            struct ofp_group_desc *gd = &rp->group_desc.descs[i];

            gd->type = (uint8_t) ig_below(4);
            gd->group_id = ig_u32();
            ig_obj(NULL);
            ig_num("group_type", gd->type);
            ig_num("group_id", gd->group_id);
            ig_rand_buckets(&gd->buckets, 3);
            ig_obj_end();
        }
        ig_arr_end();
        break;
    case OFPMP_GROUP_FEATURES: {
        struct ofp_group_features *gf = &rp->group_features;

        gf->types = ig_u32() & 0xf;
        gf->capabilities = ig_u32() & 0xf;
        ig_obj("body");
        ig_num("types", gf->types);
        ig_num("capabilities", gf->capabilities);
        ig_arr("max_groups");
        for (int i = 0; i < 4; i++) {
            gf->max_groups[i] = ig_u32();
            ig_num(NULL, gf->max_groups[i]);
        }
        ig_arr_end();
        ig_arr("actions");
        for (int i = 0; i < 4; i++) {
            gf->actions[i] = ig_u32();
            ig_num(NULL, gf->actions[i]);
        }
        ig_arr_end();
        ig_obj_end();
        break;
    }
    case OFPMP_METER:
        rp->meter.stats = ig_list(&rp->meter.n, 3, sizeof *rp->meter.stats);
        ig_arr("body");
        for (size_t i = 0; i < rp->meter.n; i++) {
            ig_gen_meter_stats(&rp->meter.stats[i]);
        }
        ig_arr_end();
        break;
    case OFPMP_METER_CONFIG:
        rp->meter_config.configs =
            ig_list(&rp->meter_config.n, 3, sizeof *rp->meter_config.configs);
        ig_arr("body");
        for (size_t i = 0; i < rp->meter_config.n; i++) {
            struct ofp_meter_config *mc = &rp->meter_config.configs[i];

            mc->flags = ig_u16() & 0xf;
            mc->meter_id = ig_u32();
            ig_obj(NULL);
            ig_num("flags", mc->flags);
            ig_num("meter_id", mc->meter_id);
            ig_rand_bands(&mc->bands, 3, false);
            ig_obj_end();
        }
        ig_arr_end();
        break;
    case OFPMP_METER_FEATURES: {
        struct ofp_meter_features *mf = &rp->meter_features;

        mf->max_meter = ig_u32();
        mf->band_types = ig_u32() & 0x6;
        mf->capabilities = ig_u32() & 0xf;
        mf->max_bands = ig_u8();
        mf->max_color = ig_u8();
        ig_obj("body");
        ig_num("max_meter", mf->max_meter);
        ig_num("band_types", mf->band_types);
        ig_num("capabilities", mf->capabilities);
        ig_num("max_bands", mf->max_bands);
        ig_num("max_color", mf->max_color);
        ig_obj_end();
        break;
    }
    case OFPMP_TABLE_FEATURES:
        ig_rand_table_features_list(&rp->table_features.n,
                                    &rp->table_features.tables, 2);
        break;
    case OFPMP_PORT_DESC:
        rp->port_desc.ports =
            ig_list(&rp->port_desc.n, 4, sizeof *rp->port_desc.ports);
        ig_arr("body");
        for (size_t i = 0; i < rp->port_desc.n; i++) {
            ig_rand_port(&rp->port_desc.ports[i]);
        }
        ig_arr_end();
        break;
    case OFPMP_EXPERIMENTER:
    default:
        rp->experimenter.experimenter = ig_experimenter_id();
        rp->experimenter.exp_type = ig_u32();
        ig_obj("body");
        ig_num("experimenter", rp->experimenter.experimenter);
        ig_num("exp_type", rp->experimenter.exp_type);
        rp->experimenter.data = ig_blob("data", 24, 1, &rp->experimenter.len);
        ig_obj_end();
        break;
    }
}

static void
ig_gen_queue_get_config_request(struct ofp_msg *msg)
{
    msg->queue_get_config_request.port = ig_coin() ? OFPP_ANY : ig_u32();
    ig_num("port", msg->queue_get_config_request.port);
}

static void
ig_gen_queue_get_config_reply(struct ofp_msg *msg)
{
    struct ofp_queue_get_config_reply *r = &msg->queue_get_config_reply;

    r->port = ig_u32();
    ig_num("port", r->port);
    ig_rand_queues(&r->queues, r->port);
}

static void
ig_gen_role(struct ofp_msg *msg)
{
    msg->role.role = ig_below(4);
    msg->role.generation_id = ig_u64();
    ig_num("role", msg->role.role);
    ig_num("generation_id", msg->role.generation_id);
}

static void
ig_gen_async(struct ofp_msg *msg)
{
    struct ofp_async_config *a = &msg->async;

    for (int i = 0; i < 2; i++) {
        a->packet_in_mask[i] = ig_u32() & 0x7;
        a->port_status_mask[i] = ig_u32() & 0x7;
        a->flow_removed_mask[i] = ig_u32() & 0xf;
    }
    ig_arr("packet_in_mask");
    ig_num(NULL, a->packet_in_mask[0]);
    ig_num(NULL, a->packet_in_mask[1]);
    ig_arr_end();
    ig_arr("port_status_mask");
    ig_num(NULL, a->port_status_mask[0]);
    ig_num(NULL, a->port_status_mask[1]);
    ig_arr_end();
    ig_arr("flow_removed_mask");
    ig_num(NULL, a->flow_removed_mask[0]);
    ig_num(NULL, a->flow_removed_mask[1]);
    ig_arr_end();
}

static void
ig_gen_meter_mod(struct ofp_msg *msg)
{
    struct ofp_meter_mod *mm = &msg->meter_mod;

    mm->command = (uint16_t) ig_below(3);
    mm->flags = ig_u16() & 0xf;
    mm->meter_id = ig_coin() ? ig_below(100) + 1 : ig_u32();
    ig_num("command", mm->command);
    ig_num("flags", mm->flags);
    ig_num("meter_id", mm->meter_id);
    ig_rand_bands(&mm->bands, 3, true);
}

/* Fills 'msg' for kind 'k' and writes its JSON description. */
static void
ig_gen(struct ofp_msg *msg, const struct ig_kind *k)
{
    ig_start(msg, k);
    switch (k->type) {
    case OFPT_HELLO:
        ig_gen_hello(msg);
        break;
    case OFPT_ERROR:
        ig_gen_error(msg);
        break;
    case OFPT_ECHO_REQUEST:
    case OFPT_ECHO_REPLY:
        ig_gen_echo(msg);
        break;
    case OFPT_EXPERIMENTER:
        ig_gen_experimenter(msg);
        break;
    case OFPT_FEATURES_REPLY:
        ig_gen_features_reply(msg);
        break;
    case OFPT_GET_CONFIG_REPLY:
    case OFPT_SET_CONFIG:
        ig_gen_config(msg);
        break;
    case OFPT_PACKET_IN:
        ig_gen_packet_in(msg);
        break;
    case OFPT_FLOW_REMOVED:
        ig_gen_flow_removed(msg);
        break;
    case OFPT_PORT_STATUS:
        ig_gen_port_status(msg);
        break;
    case OFPT_PACKET_OUT:
        ig_gen_packet_out(msg);
        break;
    case OFPT_FLOW_MOD:
        ig_gen_flow_mod(msg);
        break;
    case OFPT_GROUP_MOD:
        ig_gen_group_mod(msg);
        break;
    case OFPT_PORT_MOD:
        ig_gen_port_mod(msg);
        break;
    case OFPT_TABLE_MOD:
        ig_gen_table_mod(msg);
        break;
    case OFPT_MULTIPART_REQUEST:
        ig_gen_mp_request(msg, k->mp_type);
        break;
    case OFPT_MULTIPART_REPLY:
        ig_gen_mp_reply(msg, k->mp_type);
        break;
    case OFPT_QUEUE_GET_CONFIG_REQUEST:
        ig_gen_queue_get_config_request(msg);
        break;
    case OFPT_QUEUE_GET_CONFIG_REPLY:
        ig_gen_queue_get_config_reply(msg);
        break;
    case OFPT_ROLE_REQUEST:
    case OFPT_ROLE_REPLY:
        ig_gen_role(msg);
        break;
    case OFPT_GET_ASYNC_REPLY:
    case OFPT_SET_ASYNC:
        ig_gen_async(msg);
        break;
    case OFPT_METER_MOD:
        ig_gen_meter_mod(msg);
        break;
    default: /* header only */
        break;
    }
    ig_obj_end();
}

/* Every kind: the 28 message types other than multipart, then each
 * multipart kind (0..13 and experimenter) as request and as reply. */
static size_t
ig_all_kinds(struct ig_kind *kinds)
{
    static const uint16_t mp[] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, OFPMP_EXPERIMENTER,
    };
    size_t n = 0;

    for (uint8_t t = 0; t <= OFPT_MAX; t++) {
        if (t == OFPT_MULTIPART_REQUEST || t == OFPT_MULTIPART_REPLY) {
            for (size_t i = 0; i < sizeof mp / sizeof mp[0]; i++) {
                kinds[n].type = t;
                kinds[n++].mp_type = mp[i];
            }
        } else {
            kinds[n].type = t;
            kinds[n++].mp_type = 0;
        }
    }
    return n;
}
#define IG_MAX_KINDS 64

/* The file name of kind 'k': TYPE or MULTIPART_{REQUEST,REPLY}_KIND. */
static void
ig_kind_name(const struct ig_kind *k, char *buf, size_t size)
{
    if (k->type == OFPT_MULTIPART_REQUEST || k->type == OFPT_MULTIPART_REPLY) {
        snprintf(buf, size, "%s_%s", ig_type_names[k->type],
                 ig_mp_name(k->mp_type));
    } else {
        snprintf(buf, size, "%s", ig_type_names[k->type]);
    }
}

/* Generates and encodes kind 'k' into 'out' (cleared first); the JSON is
 * left in 'jb'.  Exits on an encoder error, naming the kind. */
static void
ig_make(const struct ig_kind *k, struct ofp_wbuf *out)
{
    struct ofp_msg msg;
    enum ofperr error;
    char name[64];

    ofp_arena_reset(&ig_arena);
    ofp_wbuf_clear(out);
    jb.len = 0;
    jb.first = true;
    if (jb.buf) {
        jb.buf[0] = '\0';
    }
    ig_gen(&msg, k);
    error = ofp_msg_encode(out, &msg);
    if (error || out->overflow) {
        ig_kind_name(k, name, sizeof name);
        fprintf(stderr, "interop-gen: encoding %s failed (error %d)\n", name,
                (int) error);
        exit(EXIT_FAILURE);
    }
}

static int
ig_all_types(const char *dir)
{
    struct ig_kind kinds[IG_MAX_KINDS];
    size_t n = ig_all_kinds(kinds);
    struct ofp_wbuf out;

    if (mkdir(dir, 0777) && errno != EEXIST) {
        fprintf(stderr, "interop-gen: %s: %s\n", dir, strerror(errno));
        return EXIT_FAILURE;
    }
    ig_wellformed = true;
    ig_rng = 1;
    ofp_wbuf_init(&out);
    for (size_t i = 0; i < n; i++) {
        char name[64];
        char path[4096];
        FILE *f;

        ig_make(&kinds[i], &out);
        ig_kind_name(&kinds[i], name, sizeof name);
        snprintf(path, sizeof path, "%s/%s.bin", dir, name);
        f = fopen(path, "wb");
        if (!f || fwrite(out.data, 1, out.len, f) != out.len || fclose(f)) {
            fprintf(stderr, "interop-gen: %s: %s\n", path, strerror(errno));
            return EXIT_FAILURE;
        }
    }
    ofp_wbuf_uninit(&out);
    return EXIT_SUCCESS;
}

static int
ig_random(uint64_t seed, unsigned long rounds)
{
    struct ig_kind kinds[IG_MAX_KINDS];
    size_t n = ig_all_kinds(kinds);
    struct ofp_wbuf out;

    ig_rng = seed;
    ofp_wbuf_init(&out);
    for (unsigned long r = 0; r < rounds; r++) {
        for (size_t i = 0; i < n; i++) {
            ig_make(&kinds[i], &out);
            for (size_t j = 0; j < out.len; j++) {
                printf("%02x", out.data[j]);
            }
            printf(" %.*s\n", (int) jb.len, jb.buf);
        }
    }
    ofp_wbuf_uninit(&out);
    return fflush(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}

static void
ig_usage(void)
{
    fprintf(stderr, "usage: interop-gen [-n ROUNDS] SEED\n"
                    "       interop-gen --all-types DIR\n");
    exit(EXIT_FAILURE);
}

int
main(int argc, char *argv[])
{
    unsigned long rounds = 1;
    int status;
    char *end;
    uint64_t seed;
    int i = 1;

    ofp_arena_init(&ig_arena);
    if (argc == 3 && !strcmp(argv[1], "--all-types")) {
        status = ig_all_types(argv[2]);
    } else {
        if (argc == 4 && !strcmp(argv[1], "-n")) {
            rounds = strtoul(argv[2], &end, 10);
            if (*end || !rounds) {
                ig_usage();
            }
            i = 3;
        }
        if (argc != i + 1) {
            ig_usage();
        }
        seed = strtoull(argv[i], &end, 0);
        if (*end || !*argv[i]) {
            ig_usage();
        }
        status = ig_random(seed, rounds);
    }
    ofp_arena_uninit(&ig_arena);
    free(jb.buf);
    return status;
}
