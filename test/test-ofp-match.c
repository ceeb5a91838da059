/* Unit tests of ofp-match: every OpenFlow-basic OXM field both ways, opaque
 * OXM classes, the ofp_match framing, every rule of ofp_match_check(), and
 * the LoxiGen OXM and match fragments of the corpus. */
#include <config.h>
#include "ofproto/ofp-match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test/test-util.h"

/* ---- helpers ---- */

/* Asserts that 'w' holds exactly 'n' bytes equal to 'expect'. */
static void
assert_bytes(const struct ofp_wbuf *w, const uint8_t *expect, size_t n)
{
    ck_assert(!w->overflow);
    test_assert_bytes(w->data, w->len, expect, n);
}

/* Decodes one OXM from 'hex' into 'oxm' and returns the error.  The input
 * is freed: only for checking errors and known fields. */
static enum ofperr
decode_oxm_hex(const char *hex, struct ofp_oxm *oxm)
{
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_rd rd;
    ofp_rd_init(&rd, in, n);
    enum ofperr error = ofp_oxm_decode(&rd, oxm);
    free(in);
    return error;
}

/* Decodes a match from 'hex' with a throwaway arena. */
static enum ofperr
decode_match_hex(const char *hex)
{
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_arena arena;
    struct ofp_match match;
    struct ofp_rd rd;
    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, n);
    enum ofperr error = ofp_match_decode(&rd, &match, &arena);
    ofp_arena_uninit(&arena);
    free(in);
    return error;
}

/* Returns the integer in 'v' for field 'fi' (not MAC/IPv6). */
static uint64_t
value_int(const struct ofp_oxm_field_info *fi, const union ofp_oxm_value *v)
{
    switch (fi->kind) {
    case OFP_OXM_U8:
        return v->u8;
    case OFP_OXM_U16:
        return v->u16;
    case OFP_OXM_U24:
    case OFP_OXM_U32:
        return v->u32;
    case OFP_OXM_U64:
        return v->u64;
    default:
        ck_abort_msg("not an integer field");
    }
    return 0;
}

/* Sets integer 'x' into 'v' for field 'fi'. */
static void
set_int(const struct ofp_oxm_field_info *fi, union ofp_oxm_value *v,
        uint64_t x)
{
    switch (fi->kind) {
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
        memset(v->mac, (int) (x & 0xff), sizeof v->mac);
        break;
    case OFP_OXM_IPV6:
        memset(v->ipv6, (int) (x & 0xff), sizeof v->ipv6);
        break;
    }
}

/* Returns a known basic OXM for 'field' = 'value' (MAC/IPv6: every byte
 * is the low byte of 'value'). */
static struct ofp_oxm
oxm_exact(uint8_t field, uint64_t value)
{
    struct ofp_oxm oxm;
    ck_assert(ofp_oxm_init_basic(&oxm, field));
    set_int(ofp_oxm_field_info(field), &oxm.value, value);
    return oxm;
}

/* Returns a masked known basic OXM. */
static struct ofp_oxm
oxm_masked(uint8_t field, uint64_t value, uint64_t mask)
{
    struct ofp_oxm oxm = oxm_exact(field, value);
    oxm.has_mask = true;
    set_int(ofp_oxm_field_info(field), &oxm.mask, mask);
    return oxm;
}

/* Runs ofp_match_check() on 'n' OXMs. */
static enum ofperr
check_oxms(struct ofp_oxm *oxms, size_t n)
{
    struct ofp_match match = {OFPMT_OXM, (uint16_t) n, oxms};
    return ofp_match_check(&match);
}

#define CHECK(...)                                                            \
    check_oxms((struct ofp_oxm[]){__VA_ARGS__},                               \
               sizeof(struct ofp_oxm[]){__VA_ARGS__} /                        \
                   sizeof(struct ofp_oxm))

/* Asserts ofp_match_check() gives 'expect', naming both on failure. */
#define ASSERT_CHECK(EXPECT, ...)                                             \
    do {                                                                      \
        enum ofperr got_ = CHECK(__VA_ARGS__);                                \
        ck_assert_msg(got_ == (EXPECT), "line %d: got %s, want %s", __LINE__, \
                      ofperr_name(got_), ofperr_name(EXPECT));                \
    } while (0)

#define ETH_TYPE(V) oxm_exact(OFPXMT_OFB_ETH_TYPE, V)
#define IP_PROTO(V) oxm_exact(OFPXMT_OFB_IP_PROTO, V)

/* ---- the field table ---- */

static const char *const field_names[OFPXMT_OFB_MAX + 1] = {
    "in_port",     "in_phy_port", "metadata",    "eth_dst",
    "eth_src",     "eth_type",    "vlan_vid",    "vlan_pcp",
    "ip_dscp",     "ip_ecn",      "ip_proto",    "ipv4_src",
    "ipv4_dst",    "tcp_src",     "tcp_dst",     "udp_src",
    "udp_dst",     "sctp_src",    "sctp_dst",    "icmpv4_type",
    "icmpv4_code", "arp_op",      "arp_spa",     "arp_tpa",
    "arp_sha",     "arp_tha",     "ipv6_src",    "ipv6_dst",
    "ipv6_flabel", "icmpv6_type", "icmpv6_code", "ipv6_nd_target",
    "ipv6_nd_sll", "ipv6_nd_tll", "mpls_label",  "mpls_tc",
    "mpls_bos",    "pbb_isid",    "tunnel_id",   "ipv6_exthdr",
    NULL,          "pbb_uca",     "tcp_flags",   "actset_output",
};

START_TEST(test_field_table_names)
{
    for (unsigned f = 0; f <= OFPXMT_OFB_MAX; f++) {
        const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(f);
        if (!field_names[f]) {
            ck_assert_ptr_null(fi);
            continue;
        }
        ck_assert_ptr_nonnull(fi);
        ck_assert_uint_eq(fi->field, f);
        ck_assert_str_eq(fi->name, field_names[f]);
        ck_assert_ptr_eq(ofp_oxm_field_by_name(field_names[f]), fi);
    }
    ck_assert_ptr_null(ofp_oxm_field_info(40));
    ck_assert_ptr_null(ofp_oxm_field_info(44));
    ck_assert_ptr_null(ofp_oxm_field_info(127));
    ck_assert_ptr_null(ofp_oxm_field_by_name("dl_dst"));
    ck_assert_ptr_null(ofp_oxm_field_by_name(""));
}
END_TEST

START_TEST(test_field_table_maskable_per_spec)
{
    /* OpenFlow 1.3.5 table 12 (+ 1.4 pbb_uca, 1.5 tcp_flags). */
    static const uint8_t maskable[] = {
        OFPXMT_OFB_METADATA,    OFPXMT_OFB_ETH_DST,   OFPXMT_OFB_ETH_SRC,
        OFPXMT_OFB_VLAN_VID,    OFPXMT_OFB_IPV4_SRC,  OFPXMT_OFB_IPV4_DST,
        OFPXMT_OFB_ARP_SPA,     OFPXMT_OFB_ARP_TPA,   OFPXMT_OFB_ARP_SHA,
        OFPXMT_OFB_ARP_THA,     OFPXMT_OFB_IPV6_SRC,  OFPXMT_OFB_IPV6_DST,
        OFPXMT_OFB_IPV6_FLABEL, OFPXMT_OFB_PBB_ISID,  OFPXMT_OFB_TUNNEL_ID,
        OFPXMT_OFB_IPV6_EXTHDR, OFPXMT_OFB_TCP_FLAGS,
    };
    bool want[OFPXMT_OFB_MAX + 1] = {false};
    for (size_t i = 0; i < sizeof maskable; i++) {
        want[maskable[i]] = true;
    }
    for (unsigned f = 0; f <= OFPXMT_OFB_MAX; f++) {
        const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(f);
        if (fi) {
            ck_assert_msg(fi->maskable == want[f], "%s", fi->name);
        }
    }
}
END_TEST

START_TEST(test_field_table_valid_bits)
{
    static const struct {
        const char *name;
        uint64_t bits;
        uint8_t width;
    } facts[] = {
        {"vlan_vid", 0x1fff, 2},
        {"vlan_pcp", 0x7, 1},
        {"ip_dscp", 0x3f, 1},
        {"ip_ecn", 0x3, 1},
        {"ipv6_flabel", 0xfffff, 4},
        {"mpls_label", 0xfffff, 4},
        {"mpls_tc", 0x7, 1},
        {"mpls_bos", 0x1, 1},
        {"pbb_isid", 0xffffff, 3},
        {"ipv6_exthdr", 0x1ff, 2},
        {"pbb_uca", 0x1, 1},
        {"in_port", 0xffffffff, 4},
        {"metadata", UINT64_MAX, 8},
        {"eth_dst", UINT64_MAX, 6},
        {"ipv6_src", UINT64_MAX, 16},
        {"tcp_flags", 0xffff, 2},
        {"actset_output", 0xffffffff, 4},
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        const struct ofp_oxm_field_info *fi =
            ofp_oxm_field_by_name(facts[i].name);
        ck_assert_ptr_nonnull(fi);
        ck_assert_msg(fi->valid_bits == facts[i].bits, "%s", facts[i].name);
        ck_assert_uint_eq(fi->width, facts[i].width);
    }
    ck_assert_int_eq(ofp_oxm_field_by_name("pbb_isid")->kind, OFP_OXM_U24);
    ck_assert_int_eq(ofp_oxm_field_by_name("arp_tha")->kind, OFP_OXM_MAC);
    ck_assert_int_eq(ofp_oxm_field_by_name("ipv6_nd_target")->kind,
                     OFP_OXM_IPV6);
    ck_assert_int_eq(ofp_oxm_field_by_name("ipv4_dst")->kind, OFP_OXM_U32);
}
END_TEST

/* ---- every basic field, both directions ---- */

/* One known basic OXM on the wire.  For integer fields 'value'/'mask' are
 * the decoded host values; for MAC/IPv6 fields they are unused and the
 * bytes after the header are the value (then the mask). */
struct oxm_fixture {
    uint8_t field;
    bool has_mask;
    uint64_t value;
    uint64_t mask;
    const char *hex;
};

static const struct oxm_fixture oxm_fixtures[] = {
    {0, false, 0x5, 0x0, /* in_port */
     "8000 0004 00000005"},
    {0, true, 0x0, 0xffff0000, /* in_port masked */
     "8000 0108 00000000 ffff0000"},
    {1, false, 0x7, 0x0, /* in_phy_port */
     "8000 0204 00000007"},
    {1, true, 0x7, 0xffff, /* in_phy_port masked */
     "8000 0308 00000007 0000ffff"},
    {2, false, 0x123456789abcdef, 0x0, /* metadata */
     "8000 0408 0123456789abcdef"},
    {2, true, 0x123456700000000, 0xffffffff00000000, /* metadata masked */
     "8000 0510 0123456700000000 ffffffff00000000"},
    {3, false, 0, 0, /* eth_dst */
     "8000 0606 0a0b0c0d0e0f"},
    {3, true, 0, 0, /* eth_dst masked */
     "8000 070c 0a0b0c0d0e00 ffffffffff00"},
    {4, false, 0, 0, /* eth_src */
     "8000 0806 00163e112233"},
    {4, true, 0, 0, /* eth_src masked */
     "8000 090c 000000000000 010000000000"},
    {5, false, 0x800, 0x0, /* eth_type */
     "8000 0a02 0800"},
    {5, true, 0x800, 0xff00, /* eth_type masked */
     "8000 0b04 0800 ff00"},
    {6, false, 0x1064, 0x0, /* vlan_vid */
     "8000 0c02 1064"},
    {6, true, 0x1000, 0x1000, /* vlan_vid masked */
     "8000 0d04 1000 1000"},
    {7, false, 0x5, 0x0, /* vlan_pcp */
     "8000 0e01 05"},
    {7, true, 0x4, 0x4, /* vlan_pcp masked */
     "8000 0f02 04 04"},
    {8, false, 0x2e, 0x0, /* ip_dscp */
     "8000 1001 2e"},
    {8, true, 0x2c, 0x3c, /* ip_dscp masked */
     "8000 1102 2c 3c"},
    {9, false, 0x2, 0x0, /* ip_ecn */
     "8000 1201 02"},
    {9, true, 0x2, 0x2, /* ip_ecn masked */
     "8000 1302 02 02"},
    {10, false, 0x6, 0x0, /* ip_proto */
     "8000 1401 06"},
    {10, true, 0x6, 0xfe, /* ip_proto masked */
     "8000 1502 06 fe"},
    {11, false, 0xc0a80001, 0x0, /* ipv4_src */
     "8000 1604 c0a80001"},
    {11, true, 0xc0a80000, 0xffffff00, /* ipv4_src masked */
     "8000 1708 c0a80000 ffffff00"},
    {12, false, 0xa000002, 0x0, /* ipv4_dst */
     "8000 1804 0a000002"},
    {12, true, 0xa000000, 0xff000000, /* ipv4_dst masked */
     "8000 1908 0a000000 ff000000"},
    {13, false, 0x1f90, 0x0, /* tcp_src */
     "8000 1a02 1f90"},
    {13, true, 0x1f00, 0xff00, /* tcp_src masked */
     "8000 1b04 1f00 ff00"},
    {14, false, 0x50, 0x0, /* tcp_dst */
     "8000 1c02 0050"},
    {14, true, 0x50, 0xfff0, /* tcp_dst masked */
     "8000 1d04 0050 fff0"},
    {15, false, 0x35, 0x0, /* udp_src */
     "8000 1e02 0035"},
    {15, true, 0x35, 0xffff, /* udp_src masked */
     "8000 1f04 0035 ffff"},
    {16, false, 0x44, 0x0, /* udp_dst */
     "8000 2002 0044"},
    {16, true, 0x44, 0xff, /* udp_dst masked */
     "8000 2104 0044 00ff"},
    {17, false, 0xb59, 0x0, /* sctp_src */
     "8000 2202 0b59"},
    {17, true, 0xb00, 0xf00, /* sctp_src masked */
     "8000 2304 0b00 0f00"},
    {18, false, 0xb5a, 0x0, /* sctp_dst */
     "8000 2402 0b5a"},
    {18, true, 0x0, 0xf000, /* sctp_dst masked */
     "8000 2504 0000 f000"},
    {19, false, 0x8, 0x0, /* icmpv4_type */
     "8000 2601 08"},
    {19, true, 0x8, 0xf, /* icmpv4_type masked */
     "8000 2702 08 0f"},
    {20, false, 0x3, 0x0, /* icmpv4_code */
     "8000 2801 03"},
    {20, true, 0x0, 0xf0, /* icmpv4_code masked */
     "8000 2902 00 f0"},
    {21, false, 0x1, 0x0, /* arp_op */
     "8000 2a02 0001"},
    {21, true, 0x1, 0xff, /* arp_op masked */
     "8000 2b04 0001 00ff"},
    {22, false, 0xa000001, 0x0, /* arp_spa */
     "8000 2c04 0a000001"},
    {22, true, 0xa000000, 0xffff0000, /* arp_spa masked */
     "8000 2d08 0a000000 ffff0000"},
    {23, false, 0xa0000fe, 0x0, /* arp_tpa */
     "8000 2e04 0a0000fe"},
    {23, true, 0xa000000, 0xffffff00, /* arp_tpa masked */
     "8000 2f08 0a000000 ffffff00"},
    {24, false, 0, 0, /* arp_sha */
     "8000 3006 020000000001"},
    {24, true, 0, 0, /* arp_sha masked */
     "8000 310c 020000000000 ffffff000000"},
    {25, false, 0, 0, /* arp_tha */
     "8000 3206 ffffffffffff"},
    {25, true, 0, 0, /* arp_tha masked */
     "8000 330c ffffffffffff ffffffffffff"},
    {26, false, 0, 0, /* ipv6_src */
     "8000 3410 20010db8000000000000000000000001"},
    {26, true, 0, 0, /* ipv6_src masked */
     "8000 3520 20010db8000000000000000000000000"
     " ffffffffffffffff0000000000000000"},
    {27, false, 0, 0, /* ipv6_dst */
     "8000 3610 fe800000000000000202b3fffe1e8329"},
    {27, true, 0, 0, /* ipv6_dst masked */
     "8000 3720 fe800000000000000000000000000000"
     " ffc00000000000000000000000000000"},
    {28, false, 0xabcde, 0x0, /* ipv6_flabel */
     "8000 3804 000abcde"},
    {28, true, 0xab000, 0xff000, /* ipv6_flabel masked */
     "8000 3908 000ab000 000ff000"},
    {29, false, 0x87, 0x0, /* icmpv6_type */
     "8000 3a01 87"},
    {29, true, 0x87, 0xff, /* icmpv6_type masked */
     "8000 3b02 87 ff"},
    {30, false, 0x0, 0x0, /* icmpv6_code */
     "8000 3c01 00"},
    {30, true, 0x0, 0xf, /* icmpv6_code masked */
     "8000 3d02 00 0f"},
    {31, false, 0, 0, /* ipv6_nd_target */
     "8000 3e10 20010db80001000000000000000000aa"},
    {31, true, 0, 0, /* ipv6_nd_target masked */
     "8000 3f20 20010db80001000000000000000000aa"
     " ffffffffffffffffffffffffffffffff"},
    {32, false, 0, 0, /* ipv6_nd_sll */
     "8000 4006 00005e005301"},
    {32, true, 0, 0, /* ipv6_nd_sll masked */
     "8000 410c 00005e005301 ffffffffffff"},
    {33, false, 0, 0, /* ipv6_nd_tll */
     "8000 4206 00005e005302"},
    {33, true, 0, 0, /* ipv6_nd_tll masked */
     "8000 430c 00005e000000 ffffff000000"},
    {34, false, 0xfedcb, 0x0, /* mpls_label */
     "8000 4404 000fedcb"},
    {34, true, 0xfe000, 0xff000, /* mpls_label masked */
     "8000 4508 000fe000 000ff000"},
    {35, false, 0x6, 0x0, /* mpls_tc */
     "8000 4601 06"},
    {35, true, 0x6, 0x6, /* mpls_tc masked */
     "8000 4702 06 06"},
    {36, false, 0x1, 0x0, /* mpls_bos */
     "8000 4801 01"},
    {36, true, 0x1, 0x1, /* mpls_bos masked */
     "8000 4902 01 01"},
    {37, false, 0xabcdef, 0x0, /* pbb_isid */
     "8000 4a03 abcdef"},
    {37, true, 0xab0000, 0xff0000, /* pbb_isid masked */
     "8000 4b06 ab0000 ff0000"},
    {38, false, 0xdeadbeef, 0x0, /* tunnel_id */
     "8000 4c08 00000000deadbeef"},
    {38, true, 0xdeadbeef, 0xffffffff, /* tunnel_id masked */
     "8000 4d10 00000000deadbeef 00000000ffffffff"},
    {39, false, 0x104, 0x0, /* ipv6_exthdr */
     "8000 4e02 0104"},
    {39, true, 0x104, 0x1ff, /* ipv6_exthdr masked */
     "8000 4f04 0104 01ff"},
    {41, false, 0x1, 0x0, /* pbb_uca */
     "8000 5201 01"},
    {41, true, 0x1, 0x1, /* pbb_uca masked */
     "8000 5302 01 01"},
    {42, false, 0x12, 0x0, /* tcp_flags */
     "8000 5402 0012"},
    {42, true, 0x12, 0xfff, /* tcp_flags masked */
     "8000 5504 0012 0fff"},
    {43, false, 0xfffffffd, 0x0, /* actset_output */
     "8000 5604 fffffffd"},
    {43, true, 0xffffff00, 0xffffff00, /* actset_output masked */
     "8000 5708 ffffff00 ffffff00"},
};

#define N_OXM_FIXTURES (sizeof oxm_fixtures / sizeof oxm_fixtures[0])

START_TEST(test_oxm_every_field_decodes)
{
    size_t n_fields = 0;
    for (size_t i = 0; i < N_OXM_FIXTURES; i++) {
        const struct oxm_fixture *fx = &oxm_fixtures[i];
        const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(fx->field);
        size_t n;
        uint8_t *in = test_hex_fixture(fx->hex, &n);
        struct ofp_rd rd;
        struct ofp_oxm oxm;

        ck_assert_ptr_nonnull(fi);
        ofp_rd_init(&rd, in, n);
        ck_assert_int_eq(ofp_oxm_decode(&rd, &oxm), 0);
        ck_assert_uint_eq(rd.left, 0);
        ck_assert_uint_eq(oxm.cls, OFPXMC_OPENFLOW_BASIC);
        ck_assert_uint_eq(oxm.field, fx->field);
        ck_assert(oxm.has_mask == fx->has_mask);
        ck_assert_uint_eq(oxm.length, fi->width * (fx->has_mask ? 2 : 1));
        ck_assert(ofp_oxm_is_known(&oxm));
        ck_assert_ptr_null(oxm.payload);
        if (fi->kind == OFP_OXM_MAC || fi->kind == OFP_OXM_IPV6) {
            const uint8_t *v =
                (fi->kind == OFP_OXM_MAC ? oxm.value.mac : oxm.value.ipv6);
            const uint8_t *m =
                (fi->kind == OFP_OXM_MAC ? oxm.mask.mac : oxm.mask.ipv6);
            ck_assert(!memcmp(v, in + 4, fi->width));
            if (fx->has_mask) {
                ck_assert(!memcmp(m, in + 4 + fi->width, fi->width));
            }
        } else {
            ck_assert_msg(value_int(fi, &oxm.value) == fx->value, "%s",
                          fi->name);
            if (fx->has_mask) {
                ck_assert_msg(value_int(fi, &oxm.mask) == fx->mask, "%s",
                              fi->name);
            }
        }
        ck_assert_uint_eq(ofp_oxm_wire_len(&oxm), n);

        struct ofp_wbuf w;
        ofp_wbuf_init(&w);
        ofp_oxm_encode(&w, &oxm);
        assert_bytes(&w, in, n);
        ofp_wbuf_uninit(&w);
        free(in);
        n_fields += !fx->has_mask;
    }
    /* 0..39 and 41..43, each masked and unmasked. */
    ck_assert_uint_eq(n_fields, 43);
    ck_assert_uint_eq(N_OXM_FIXTURES, 86);
}
END_TEST

START_TEST(test_oxm_every_field_encodes_from_values)
{
    for (size_t i = 0; i < N_OXM_FIXTURES; i++) {
        const struct oxm_fixture *fx = &oxm_fixtures[i];
        const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(fx->field);
        size_t n;
        uint8_t *in = test_hex_fixture(fx->hex, &n);
        struct ofp_oxm oxm;

        ck_assert(ofp_oxm_init_basic(&oxm, fx->field));
        ck_assert_uint_eq(oxm.length, fi->width);
        oxm.has_mask = fx->has_mask;
        if (fi->kind == OFP_OXM_MAC) {
            memcpy(oxm.value.mac, in + 4, 6);
            memcpy(oxm.mask.mac, in + 10, fx->has_mask ? 6 : 0);
        } else if (fi->kind == OFP_OXM_IPV6) {
            memcpy(oxm.value.ipv6, in + 4, 16);
            memcpy(oxm.mask.ipv6, in + 20, fx->has_mask ? 16 : 0);
        } else {
            set_int(fi, &oxm.value, fx->value);
            set_int(fi, &oxm.mask, fx->mask);
        }

        struct ofp_wbuf w;
        ofp_wbuf_init(&w);
        ofp_oxm_encode(&w, &oxm);
        assert_bytes(&w, in, n);
        ck_assert_uint_eq(ofp_oxm_wire_len(&oxm), n);
        ofp_wbuf_uninit(&w);
        free(in);
    }
}
END_TEST

START_TEST(test_oxm_init_basic_rejects_unknown_field)
{
    struct ofp_oxm oxm;
    ck_assert(!ofp_oxm_init_basic(&oxm, 40));
    ck_assert(!ofp_oxm_init_basic(&oxm, 44));
    ck_assert(!ofp_oxm_init_basic(&oxm, 127));
    ck_assert(ofp_oxm_init_basic(&oxm, OFPXMT_OFB_TUNNEL_ID));
    ck_assert_uint_eq(oxm.cls, OFPXMC_OPENFLOW_BASIC);
    ck_assert_uint_eq(oxm.length, 8);
    ck_assert(!oxm.has_mask);
    ck_assert_uint_eq(oxm.value.u64, 0);
}
END_TEST

START_TEST(test_oxm_known_field_wrong_length)
{
    struct ofp_oxm oxm;
    /* eth_type is 2 bytes: 3, 1 and 0 are wrong. */
    ck_assert_int_eq(decode_oxm_hex("8000 0a03 080000", &oxm),
                     OFPERR_OFPBMC_BAD_LEN);
    ck_assert_int_eq(decode_oxm_hex("8000 0a01 08", &oxm),
                     OFPERR_OFPBMC_BAD_LEN);
    ck_assert_int_eq(decode_oxm_hex("8000 0a00", &oxm), OFPERR_OFPBMC_BAD_LEN);
    /* Masked in_port needs 8 bytes, not 4. */
    ck_assert_int_eq(decode_oxm_hex("8000 0104 00000001", &oxm),
                     OFPERR_OFPBMC_BAD_LEN);
    /* Unmasked ipv6_src with a masked length. */
    ck_assert_int_eq(decode_oxm_hex("8000 3420"
                                    "0000000000000000 0000000000000000"
                                    "0000000000000000 0000000000000000",
                                    &oxm),
                     OFPERR_OFPBMC_BAD_LEN);
    /* pbb_isid is 3 bytes, not 4. */
    ck_assert_int_eq(decode_oxm_hex("8000 4a04 00abcdef", &oxm),
                     OFPERR_OFPBMC_BAD_LEN);
}
END_TEST

START_TEST(test_oxm_truncated)
{
    static const char full[] = "8000 0606 0a0b0c0d0e0f";
    size_t n;
    uint8_t *in = test_hex_fixture(full, &n);
    for (size_t len = 0; len < n; len++) {
        struct ofp_rd rd;
        struct ofp_oxm oxm;
        ofp_rd_init(&rd, in, len);
        ck_assert_int_eq(ofp_oxm_decode(&rd, &oxm), OFPERR_OFPBMC_BAD_LEN);
    }
    free(in);
}
END_TEST

START_TEST(test_oxm_nxm_classes_are_opaque)
{
    /* NXM_NX_REG0 (class 0x0001, field 0, 4 bytes) and NXM_OF_IN_PORT
     * (class 0x0000, field 0, 2 bytes), as ovs-ofctl writes them. */
    static const char hex[] = "0001 0004 12345678  0000 0002 0007";
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_rd rd;
    struct ofp_oxm a, b;

    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_oxm_decode(&rd, &a), 0);
    ck_assert_int_eq(ofp_oxm_decode(&rd, &b), 0);
    ck_assert_uint_eq(rd.left, 0);
    ck_assert_uint_eq(a.cls, OFPXMC_NXM_1);
    ck_assert_uint_eq(a.field, 0);
    ck_assert_uint_eq(a.length, 4);
    ck_assert(!ofp_oxm_is_known(&a));
    ck_assert_ptr_eq(a.payload, in + 4); /* borrowed, not copied */
    ck_assert_uint_eq(b.cls, OFPXMC_NXM_0);
    ck_assert_uint_eq(b.length, 2);
    ck_assert_ptr_eq(b.payload, in + 12);
    ck_assert_uint_eq(ofp_oxm_wire_len(&a), 8);
    ck_assert_uint_eq(ofp_oxm_wire_len(&b), 6);

    struct ofp_wbuf w;
    ofp_wbuf_init(&w);
    ofp_oxm_encode(&w, &a);
    ofp_oxm_encode(&w, &b);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    free(in);
}
END_TEST

START_TEST(test_oxm_experimenter_class_is_opaque)
{
    /* Class 0xffff, field 5, masked, 4-byte experimenter id then 2 bytes
     * of value and 2 of mask. */
    static const char hex[] = "ffff 0b08 4f4e4600 aabb ccdd";
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_rd rd;
    struct ofp_oxm oxm;

    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_oxm_decode(&rd, &oxm), 0);
    ck_assert_uint_eq(oxm.cls, OFPXMC_EXPERIMENTER);
    ck_assert_uint_eq(oxm.field, 5);
    ck_assert(oxm.has_mask);
    ck_assert_uint_eq(oxm.length, 8);
    ck_assert_uint_eq(oxm.experimenter, 0x4f4e4600);
    ck_assert_ptr_eq(oxm.payload, in + 8);
    ck_assert_uint_eq(oxm.payload[0], 0xaa);
    ck_assert_uint_eq(ofp_oxm_wire_len(&oxm), n);

    struct ofp_wbuf w;
    ofp_wbuf_init(&w);
    ofp_oxm_encode(&w, &oxm);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    free(in);
}
END_TEST

START_TEST(test_oxm_experimenter_class_without_id)
{
    struct ofp_oxm oxm;
    ck_assert_int_eq(decode_oxm_hex("ffff 0203 aabbcc", &oxm),
                     OFPERR_OFPBMC_BAD_LEN);
    ck_assert_int_eq(decode_oxm_hex("ffff 0200", &oxm), OFPERR_OFPBMC_BAD_LEN);
}
END_TEST

START_TEST(test_oxm_unknown_basic_fields_are_opaque)
{
    /* Field 40 (unassigned in 1.3), 44 (OF1.5 packet_type) and 127. */
    static const char hex[] = "8000 5002 abcd  8000 5804 00000000"
                              "8000 ff03 010203";
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_rd rd;
    struct ofp_oxm oxm[3];
    struct ofp_wbuf w;

    ofp_rd_init(&rd, in, n);
    ofp_wbuf_init(&w);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(ofp_oxm_decode(&rd, &oxm[i]), 0);
        ck_assert(!ofp_oxm_is_known(&oxm[i]));
        ck_assert_uint_eq(oxm[i].cls, OFPXMC_OPENFLOW_BASIC);
        ofp_oxm_encode(&w, &oxm[i]);
    }
    ck_assert_uint_eq(oxm[0].field, 40);
    ck_assert_uint_eq(oxm[1].field, 44);
    ck_assert_uint_eq(oxm[2].field, 127);
    ck_assert(oxm[2].has_mask);
    ck_assert_uint_eq(oxm[2].payload[2], 3);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    free(in);
}
END_TEST

START_TEST(test_oxm_zero_length_opaque)
{
    static const char hex[] = "0003 1000";
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_rd rd;
    struct ofp_oxm oxm;
    struct ofp_wbuf w;

    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_oxm_decode(&rd, &oxm), 0);
    ck_assert(!ofp_oxm_is_known(&oxm));
    ck_assert_ptr_nonnull(oxm.payload);
    ck_assert_uint_eq(oxm.length, 0);
    ofp_wbuf_init(&w);
    ofp_oxm_encode(&w, &oxm);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    free(in);
}
END_TEST

START_TEST(test_oxm_equal)
{
    struct ofp_oxm a = oxm_exact(OFPXMT_OFB_TCP_DST, 80);
    struct ofp_oxm b = oxm_exact(OFPXMT_OFB_TCP_DST, 80);
    ck_assert(ofp_oxm_equal(&a, &b));
    b.value.u16 = 81;
    ck_assert(!ofp_oxm_equal(&a, &b));
    b = oxm_exact(OFPXMT_OFB_TCP_SRC, 80);
    ck_assert(!ofp_oxm_equal(&a, &b));

    struct ofp_oxm m1 =
        oxm_masked(OFPXMT_OFB_IPV4_SRC, 0x0a000000, 0xff000000);
    struct ofp_oxm m2 =
        oxm_masked(OFPXMT_OFB_IPV4_SRC, 0x0a000000, 0xffff0000);
    ck_assert(!ofp_oxm_equal(&m1, &m2));
    m2.mask.u32 = 0xff000000;
    ck_assert(ofp_oxm_equal(&m1, &m2));
    m2.has_mask = false;
    ck_assert(!ofp_oxm_equal(&m1, &m2));

    struct ofp_oxm e1 = oxm_exact(OFPXMT_OFB_ETH_DST, 0xaa);
    struct ofp_oxm e2 = oxm_exact(OFPXMT_OFB_ETH_DST, 0xaa);
    ck_assert(ofp_oxm_equal(&e1, &e2));
    e2.value.mac[5] = 0xab;
    ck_assert(!ofp_oxm_equal(&e1, &e2));

    static const uint8_t p1[] = {1, 2, 3, 4}, p2[] = {1, 2, 3, 5};
    struct ofp_oxm o1 = {
        .cls = OFPXMC_NXM_1, .field = 3, .length = 4, .payload = p1};
    struct ofp_oxm o2 = o1;
    ck_assert(ofp_oxm_equal(&o1, &o2));
    o2.payload = p2;
    ck_assert(!ofp_oxm_equal(&o1, &o2));
    ck_assert(!ofp_oxm_equal(&o1, &a));
}
END_TEST

/* ---- match framing ---- */

START_TEST(test_match_empty)
{
    static const uint8_t in[] = {0x00, 0x01, 0x00, 0x04, 0, 0, 0, 0, 0xee};
    struct ofp_arena arena;
    struct ofp_match match;
    struct ofp_rd rd;
    struct ofp_wbuf w;

    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, sizeof in);
    ck_assert_int_eq(ofp_match_decode(&rd, &match, &arena), 0);
    ck_assert_uint_eq(match.type, OFPMT_OXM);
    ck_assert_uint_eq(match.n_oxms, 0);
    ck_assert_uint_eq(rd.left, 1); /* padding consumed, no more */
    ck_assert_uint_eq(ofp_match_wire_len(&match), 8);
    ck_assert_int_eq(ofp_match_check(&match), 0);
    ofp_wbuf_init(&w);
    ofp_match_encode(&w, &match);
    assert_bytes(&w, in, 8);
    ofp_wbuf_uninit(&w);
    ofp_arena_uninit(&arena);
}
END_TEST

/* in_port=1, eth_type=0x0800, ipv4_dst=10.0.0.0/8, an NXM register and
 * tcp_dst=22 with ip_proto=6: 4 + 8 + 6 + 12 + 8 + 5 + 6 = 49 -> 56. */
static const char match_hex[] = "0001 0031"
                                "8000 0004 00000001"
                                "8000 0a02 0800"
                                "8000 1908 0a000000 ff000000"
                                "0001 0204 cafef00d"
                                "8000 1401 06"
                                "8000 1c02 0016"
                                "00 00 00 00 00 00 00";

START_TEST(test_match_decode_values_and_reencode)
{
    size_t n;
    uint8_t *in = test_hex_fixture(match_hex, &n);
    struct ofp_arena arena;
    struct ofp_match match;
    struct ofp_rd rd;
    struct ofp_wbuf w;

    ck_assert_uint_eq(n, 56);
    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_match_decode(&rd, &match, &arena), 0);
    ck_assert_uint_eq(rd.left, 0);
    ck_assert_uint_eq(match.n_oxms, 6);
    ck_assert_uint_eq(match.oxms[0].value.u32, 1);
    ck_assert_uint_eq(match.oxms[1].value.u16, 0x0800);
    ck_assert(match.oxms[2].has_mask);
    ck_assert_uint_eq(match.oxms[2].value.u32, 0x0a000000);
    ck_assert_uint_eq(match.oxms[2].mask.u32, 0xff000000);
    ck_assert_uint_eq(match.oxms[3].cls, OFPXMC_NXM_1);
    ck_assert_ptr_eq(match.oxms[3].payload, in + 34);
    ck_assert_uint_eq(match.oxms[4].value.u8, 6);
    ck_assert_uint_eq(match.oxms[5].value.u16, 22);

    ck_assert_ptr_eq(ofp_match_find(&match, OFPXMT_OFB_TCP_DST),
                     &match.oxms[5]);
    ck_assert_ptr_null(ofp_match_find(&match, OFPXMT_OFB_UDP_DST));
    /* The NXM register (class 1, field 1) is not basic field 1. */
    ck_assert_ptr_null(ofp_match_find(&match, OFPXMT_OFB_IN_PHY_PORT));
    ck_assert_int_eq(ofp_match_check(&match), 0);

    ck_assert_uint_eq(ofp_match_wire_len(&match), 56);
    ofp_wbuf_init(&w);
    ofp_match_encode(&w, &match);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    ofp_arena_uninit(&arena);
    free(in);
}
END_TEST

START_TEST(test_match_encode_from_struct)
{
    struct ofp_oxm oxms[] = {
        oxm_exact(OFPXMT_OFB_ETH_TYPE, 0x86dd),
        oxm_masked(OFPXMT_OFB_IPV6_DST, 0, 0),
    };
    static const uint8_t dst[16] = {0xff, 0x02};
    static const uint8_t msk[16] = {0xff, 0xff};
    memcpy(oxms[1].value.ipv6, dst, 16);
    memcpy(oxms[1].mask.ipv6, msk, 16);
    struct ofp_match match = {OFPMT_OXM, 2, oxms};

    size_t n;
    uint8_t *expect =
        test_hex_fixture("0001 002e 8000 0a02 86dd"
                         "8000 3720 ff020000000000000000000000000000"
                         "ffff0000000000000000000000000000 0000",
                         &n);
    struct ofp_wbuf w;
    ofp_wbuf_init(&w);
    ofp_match_encode(&w, &match);
    assert_bytes(&w, expect, n);
    ck_assert_uint_eq(ofp_match_wire_len(&match), 48);
    ck_assert_int_eq(ofp_match_check(&match), 0);
    ofp_wbuf_uninit(&w);
    free(expect);
}
END_TEST

START_TEST(test_match_length_multiple_of_8_has_no_padding)
{
    /* 4 + 6 + 6 = 16: no padding follows. */
    static const char hex[] = "0001 0010 8000 0a02 0806 8000 2a02 0001 ff";
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_arena arena;
    struct ofp_match match;
    struct ofp_rd rd;

    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_match_decode(&rd, &match, &arena), 0);
    ck_assert_uint_eq(match.n_oxms, 2);
    ck_assert_uint_eq(match.oxms[1].value.u16, 1); /* arp_op */
    ck_assert_uint_eq(rd.left, 1);
    ck_assert_uint_eq(ofp_match_wire_len(&match), 16);
    ck_assert_int_eq(ofp_match_check(&match), 0);
    ofp_arena_uninit(&arena);
    free(in);
}
END_TEST

START_TEST(test_match_bad_type)
{
    /* OFPMT_STANDARD (the OpenFlow 1.1 match) and an unknown type. */
    ck_assert_int_eq(decode_match_hex("0000 0004 00000000"),
                     OFPERR_OFPBMC_BAD_TYPE);
    ck_assert_int_eq(decode_match_hex("0002 0004 00000000"),
                     OFPERR_OFPBMC_BAD_TYPE);
}
END_TEST

START_TEST(test_match_length_below_header)
{
    ck_assert_int_eq(decode_match_hex("0001 0000 00000000"),
                     OFPERR_OFPBMC_BAD_LEN);
    ck_assert_int_eq(decode_match_hex("0001 0003 00000000"),
                     OFPERR_OFPBMC_BAD_LEN);
}
END_TEST

START_TEST(test_match_length_beyond_input)
{
    ck_assert_int_eq(decode_match_hex("0001 0010 8000 0a02 0800 0000"),
                     OFPERR_OFPBMC_BAD_LEN);
    ck_assert_int_eq(decode_match_hex("0001 ffff 8000 0a02 0800 0000"),
                     OFPERR_OFPBMC_BAD_LEN);
}
END_TEST

START_TEST(test_match_missing_padding)
{
    /* Length 10 needs 6 bytes of padding; only 5 present. */
    ck_assert_int_eq(decode_match_hex("0001 000a 8000 0a02 0800"
                                      "00 00 00 00 00"),
                     OFPERR_OFPBMC_BAD_LEN);
    ck_assert_int_eq(decode_match_hex("0001 000a 8000 0a02 0800"
                                      "00 00 00 00 00 00"),
                     0);
}
END_TEST

START_TEST(test_match_oxm_overruns_length)
{
    /* The OXM claims 4 bytes but the match ends after 2. */
    ck_assert_int_eq(decode_match_hex("0001 000a 8000 0004 0000 0000 0000"),
                     OFPERR_OFPBMC_BAD_LEN);
    /* Two stray bytes after the last OXM: not a whole OXM header. */
    ck_assert_int_eq(decode_match_hex("0001 000c 8000 0a02 0800 0000"
                                      "0000 0000"),
                     OFPERR_OFPBMC_BAD_LEN);
}
END_TEST

START_TEST(test_match_known_field_bad_len_inside)
{
    ck_assert_int_eq(decode_match_hex("0001 000b 8000 0a03 080000 00000000"
                                      "00"),
                     OFPERR_OFPBMC_BAD_LEN);
}
END_TEST

START_TEST(test_match_every_truncation_fails)
{
    size_t n;
    uint8_t *in = test_hex_fixture(match_hex, &n);
    struct ofp_arena arena;
    ofp_arena_init(&arena);
    for (size_t len = 0; len < n; len++) {
        /* A fresh copy of exactly 'len' bytes, so ASan sees any
         * overread. */
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, in, len);
        struct ofp_rd rd;
        struct ofp_match match;
        ofp_rd_init(&rd, copy, len);
        ck_assert_int_eq(ofp_match_decode(&rd, &match, &arena),
                         OFPERR_OFPBMC_BAD_LEN);
        free(copy);
        ofp_arena_reset(&arena);
    }
    ofp_arena_uninit(&arena);
    free(in);
}
END_TEST

/* The match decoder walks its OXMs itself and leaves the arena's bytes for
 * the OXM decoder to fill.  Over random matches (known fields of the right
 * and wrong lengths, opaque and experimenter OXMs, bad framing), decoding
 * into a dirty arena must give, byte for byte, the OXMs that
 * ofp_oxm_decode() gives TLV by TLV, the same error and the same cursor. */
START_TEST(test_match_decode_equals_oxm_by_oxm)
{
    static uint8_t in[600];
    struct ofp_arena arena;
    uint64_t rng = 0x2545f4914f6cdd1dull;

    ofp_arena_init(&arena);
    for (int round = 0; round < 20000; round++) {
#define RNG()                                                                 \
    (rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17,                     \
     (uint32_t) (rng >> 11))
        /* A match of 0..6 OXMs, then its padding and a few bytes more. */
        size_t n = 4;
        for (uint32_t k = RNG() % 7; k > 0; k--) {
            uint32_t kind = RNG() % 8;
            uint16_t cls = (kind == 0   ? OFPXMC_NXM_0
                            : kind == 1 ? OFPXMC_EXPERIMENTER
                                        : OFPXMC_OPENFLOW_BASIC);
            uint8_t field = (uint8_t) (RNG() % (kind < 2 ? 128 : 48));
            bool has_mask = RNG() % 4 == 0;
            const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(field);
            uint8_t len = (cls == OFPXMC_OPENFLOW_BASIC && fi && RNG() % 8
                               ? (uint8_t) (fi->width << has_mask)
                               : (uint8_t) (RNG() % 20));
            ofp_store_be16(in + n, cls);
            in[n + 2] = (uint8_t) (field << 1 | has_mask);
            in[n + 3] = len;
            for (size_t i = 0; i < len; i++) {
                in[n + 4 + i] = (uint8_t) RNG();
            }
            n += 4u + len;
        }
        size_t length = n;
        while (n % 8) {
            in[n++] = (uint8_t) RNG();
        }
        for (uint32_t k = RNG() % 4; k > 0; k--) {
            in[n++] = (uint8_t) RNG();
        }
        ofp_store_be16(in, RNG() % 16 ? OFPMT_OXM : OFPMT_STANDARD);
        ofp_store_be16(in + 2, (uint16_t) length);
        if (RNG() % 8 == 0) {
            /* A length field off by a little. */
            ofp_store_be16(in + 2, (uint16_t) (length + RNG() % 9 - 4));
        }
        if (RNG() % 8 == 0) {
            n = RNG() % (n + 1);
        }
        uint8_t *exact = malloc(n ? n : 1);
        if (!exact) {
            ck_abort_msg("out of memory");
        }
        memcpy(exact, in, n);

        /* The reference: framing as documented, then OXM by OXM. */
        struct ofp_oxm want[160];
        size_t n_want = 0;
        enum ofperr want_error = 0;
        uint16_t mlen = n >= 4 ? ofp_load_be16(exact + 2) : 0;
        if (n < 4) {
            want_error = OFPERR_OFPBMC_BAD_LEN;
        } else if (ofp_load_be16(exact) != OFPMT_OXM) {
            want_error = OFPERR_OFPBMC_BAD_TYPE;
        } else if (mlen < 4 || ofp_round8(mlen) > n) {
            want_error = OFPERR_OFPBMC_BAD_LEN;
        } else {
            struct ofp_rd oxms;
            ofp_rd_init(&oxms, exact + 4, mlen - 4u);
            while (oxms.left && !want_error) {
                if (n_want == sizeof want / sizeof want[0]) {
                    ck_abort_msg("too many OXMs");
                }
                want_error = ofp_oxm_decode(&oxms, &want[n_want++]);
            }
        }

        /* Decode into garbage. */
        ofp_arena_reset(&arena);
        void *dirt = ofp_arena_alloc(&arena, 16384);
        if (!dirt) {
            ck_abort_msg("out of memory");
        }
        memset(dirt, 0xa5, 16384);
        ofp_arena_reset(&arena);
        struct ofp_match got;
        struct ofp_rd rd;
        ofp_rd_init(&rd, exact, n);
        enum ofperr got_error = ofp_match_decode(&rd, &got, &arena);

        /* No ck_assert on success: libcheck records each one with a
         * write(2), and this runs 20000 times. */
        bool same = got_error == want_error;
        if (same && n >= 4) {
            size_t used = (got_error == OFPERR_OFPBMC_BAD_TYPE || mlen < 4 ||
                                   ofp_round8(mlen) > n
                               ? 4
                               : ofp_round8(mlen));
            same = rd.p == exact + used && rd.left == n - used && rd.ok;
        }
        if (same && !got_error) {
            same =
                (got.type == OFPMT_OXM && got.n_oxms == n_want &&
                 (!n_want || !memcmp(got.oxms, want, n_want * sizeof *want)));
        } else if (same) {
            same = !got.n_oxms && !got.oxms;
        }
        if (!same) {
            ck_abort_msg("%s: got %s, want %s, or the OXMs or cursor differ",
                         test_hex(exact, n), ofperr_name(got_error),
                         ofperr_name(want_error));
        }
        free(exact);
#undef RNG
    }
    ofp_arena_uninit(&arena);
}
END_TEST

START_TEST(test_match_every_length_field_value)
{
    /* Whatever the length field says, decoding never reads outside the
     * buffer and either succeeds or reports a match error. */
    size_t n;
    uint8_t *in = test_hex_fixture(match_hex, &n);
    struct ofp_arena arena;
    ofp_arena_init(&arena);
    size_t ok = 0;
    for (unsigned len = 0; len <= 0xffff; len++) {
        uint8_t *copy = malloc(n);
        memcpy(copy, in, n);
        copy[2] = len >> 8;
        copy[3] = len & 0xff;
        struct ofp_rd rd;
        struct ofp_match match;
        ofp_rd_init(&rd, copy, n);
        enum ofperr error = ofp_match_decode(&rd, &match, &arena);
        ck_assert(error == 0 || error == OFPERR_OFPBMC_BAD_LEN);
        ok += !error;
        free(copy);
        ofp_arena_reset(&arena);
    }
    /* Only lengths ending on an OXM boundary: 4, 12, 18, 30, 38, 43, 49,
     * and 53, where the zero padding reads as an empty NXM_0 OXM. */
    ck_assert_uint_eq(ok, 8);
    ofp_arena_uninit(&arena);
    free(in);
}
END_TEST

/* ---- ofp_match_check ---- */

START_TEST(test_check_fields_without_prereqs)
{
    static const uint8_t free_fields[] = {
        OFPXMT_OFB_IN_PORT,   OFPXMT_OFB_METADATA,      OFPXMT_OFB_ETH_DST,
        OFPXMT_OFB_ETH_SRC,   OFPXMT_OFB_ETH_TYPE,      OFPXMT_OFB_VLAN_VID,
        OFPXMT_OFB_TUNNEL_ID, OFPXMT_OFB_ACTSET_OUTPUT,
    };
    for (size_t i = 0; i < sizeof free_fields; i++) {
        ASSERT_CHECK(0, oxm_exact(free_fields[i], 1));
    }
}
END_TEST

/* One prerequisite case: 'field' (valid value 1, or all-ones bytes) with
 * eth_type 'eth' (0 = absent), ip_proto 'proto' and icmpv6_type 'icmp6'
 * (-1 = absent) must give 'expect'. */
struct prereq_case {
    uint8_t field;
    uint16_t eth;
    int proto;
    int icmp6;
    enum ofperr expect;
};

#define OK 0
#define PRE OFPERR_OFPBMC_BAD_PREREQ
#define IP4 0x0800
#define IP6 0x86dd
#define ARP 0x0806
#define F(NAME) OFPXMT_OFB_##NAME
static const struct prereq_case prereq_cases[] = {
    /* IP fields: IPv4 or IPv6. */
    {F(IP_DSCP), IP4, -1, -1, OK},
    {F(IP_DSCP), IP6, -1, -1, OK},
    {F(IP_DSCP), ARP, -1, -1, PRE},
    {F(IP_DSCP), 0, -1, -1, PRE},
    {F(IP_ECN), IP4, -1, -1, OK},
    {F(IP_ECN), IP6, -1, -1, OK},
    {F(IP_ECN), ARP, -1, -1, PRE},
    {F(IP_ECN), 0, -1, -1, PRE},
    {F(IP_PROTO), IP4, -1, -1, OK},
    {F(IP_PROTO), IP6, -1, -1, OK},
    {F(IP_PROTO), 0x8847, -1, -1, PRE},
    {F(IP_PROTO), 0, -1, -1, PRE},
    /* IPv4 only. */
    {F(IPV4_SRC), IP4, -1, -1, OK},
    {F(IPV4_SRC), IP6, -1, -1, PRE},
    {F(IPV4_SRC), 0, -1, -1, PRE},
    {F(IPV4_DST), IP4, -1, -1, OK},
    {F(IPV4_DST), ARP, -1, -1, PRE},
    {F(IPV4_DST), 0, -1, -1, PRE},
    /* Transport ports: the protocol, itself needing an IP eth_type. */
    {F(TCP_SRC), IP4, 6, -1, OK},
    {F(TCP_SRC), IP6, 6, -1, OK},
    {F(TCP_SRC), IP4, 17, -1, PRE},
    {F(TCP_SRC), IP4, -1, -1, PRE},
    {F(TCP_SRC), 0, 6, -1, PRE},
    {F(TCP_SRC), ARP, 6, -1, PRE},
    {F(TCP_DST), IP4, 6, -1, OK},
    {F(TCP_DST), IP6, 132, -1, PRE},
    {F(TCP_DST), 0, -1, -1, PRE},
    {F(UDP_SRC), IP4, 17, -1, OK},
    {F(UDP_SRC), IP6, 17, -1, OK},
    {F(UDP_SRC), IP4, 6, -1, PRE},
    {F(UDP_SRC), 0, 17, -1, PRE},
    {F(UDP_DST), IP6, 17, -1, OK},
    {F(UDP_DST), IP6, -1, -1, PRE},
    {F(SCTP_SRC), IP4, 132, -1, OK},
    {F(SCTP_SRC), IP4, 6, -1, PRE},
    {F(SCTP_DST), IP6, 132, -1, OK},
    {F(SCTP_DST), IP6, 17, -1, PRE},
    {F(SCTP_DST), 0, 132, -1, PRE},
    {F(TCP_FLAGS), IP4, 6, -1, OK},
    {F(TCP_FLAGS), IP4, 17, -1, PRE},
    /* ICMPv4: protocol 1 over IPv4 only. */
    {F(ICMPV4_TYPE), IP4, 1, -1, OK},
    {F(ICMPV4_TYPE), IP6, 1, -1, PRE},
    {F(ICMPV4_TYPE), IP4, 58, -1, PRE},
    {F(ICMPV4_TYPE), IP4, -1, -1, PRE},
    {F(ICMPV4_CODE), IP4, 1, -1, OK},
    {F(ICMPV4_CODE), IP6, 1, -1, PRE},
    {F(ICMPV4_CODE), 0, 1, -1, PRE},
    /* ARP. */
    {F(ARP_OP), ARP, -1, -1, OK},
    {F(ARP_OP), IP4, -1, -1, PRE},
    {F(ARP_SPA), ARP, -1, -1, OK},
    {F(ARP_SPA), 0, -1, -1, PRE},
    {F(ARP_TPA), ARP, -1, -1, OK},
    {F(ARP_TPA), IP6, -1, -1, PRE},
    {F(ARP_SHA), ARP, -1, -1, OK},
    {F(ARP_SHA), 0x8035, -1, -1, PRE},
    {F(ARP_THA), ARP, -1, -1, OK},
    {F(ARP_THA), 0, -1, -1, PRE},
    /* IPv6. */
    {F(IPV6_SRC), IP6, -1, -1, OK},
    {F(IPV6_SRC), IP4, -1, -1, PRE},
    {F(IPV6_DST), IP6, -1, -1, OK},
    {F(IPV6_DST), 0, -1, -1, PRE},
    {F(IPV6_FLABEL), IP6, -1, -1, OK},
    {F(IPV6_FLABEL), IP4, -1, -1, PRE},
    {F(IPV6_EXTHDR), IP6, -1, -1, OK},
    {F(IPV6_EXTHDR), IP4, -1, -1, PRE},
    {F(IPV6_EXTHDR), 0, -1, -1, PRE},
    /* ICMPv6: protocol 58 over IPv6 only. */
    {F(ICMPV6_TYPE), IP6, 58, -1, OK},
    {F(ICMPV6_TYPE), IP4, 58, -1, PRE},
    {F(ICMPV6_TYPE), IP6, 1, -1, PRE},
    {F(ICMPV6_CODE), IP6, 58, -1, OK},
    {F(ICMPV6_CODE), IP6, -1, -1, PRE},
    /* Neighbour discovery. */
    {F(IPV6_ND_TARGET), IP6, 58, 135, OK},
    {F(IPV6_ND_TARGET), IP6, 58, 136, OK},
    {F(IPV6_ND_TARGET), IP6, 58, 128, PRE},
    {F(IPV6_ND_TARGET), IP6, 58, -1, PRE},
    {F(IPV6_ND_TARGET), IP6, -1, -1, PRE},
    {F(IPV6_ND_SLL), IP6, 58, 135, OK},
    {F(IPV6_ND_SLL), IP6, 58, 136, PRE},
    {F(IPV6_ND_SLL), IP6, 58, -1, PRE},
    {F(IPV6_ND_TLL), IP6, 58, 136, OK},
    {F(IPV6_ND_TLL), IP6, 58, 135, PRE},
    {F(IPV6_ND_TLL), 0, -1, -1, PRE},
    /* The ICMPv6 type carrying the ND fields needs its own chain. */
    {F(IPV6_ND_TLL), IP4, 58, 136, PRE},
    /* MPLS. */
    {F(MPLS_LABEL), 0x8847, -1, -1, OK},
    {F(MPLS_LABEL), 0x8848, -1, -1, OK},
    {F(MPLS_LABEL), IP4, -1, -1, PRE},
    {F(MPLS_LABEL), 0, -1, -1, PRE},
    {F(MPLS_TC), 0x8847, -1, -1, OK},
    {F(MPLS_TC), 0x8848, -1, -1, OK},
    {F(MPLS_TC), 0x88e7, -1, -1, PRE},
    {F(MPLS_BOS), 0x8848, -1, -1, OK},
    {F(MPLS_BOS), 0, -1, -1, PRE},
    /* PBB. */
    {F(PBB_ISID), 0x88e7, -1, -1, OK},
    {F(PBB_ISID), 0x8847, -1, -1, PRE},
    {F(PBB_ISID), 0, -1, -1, PRE},
    {F(PBB_UCA), 0x88e7, -1, -1, OK},
    {F(PBB_UCA), 0, -1, -1, PRE},
};
#undef F

START_TEST(test_check_prerequisites)
{
    size_t covered = 0;
    for (size_t i = 0; i < sizeof prereq_cases / sizeof prereq_cases[0]; i++) {
        const struct prereq_case *c = &prereq_cases[i];
        struct ofp_oxm oxms[4];
        size_t n = 0;
        if (c->eth) {
            oxms[n++] = ETH_TYPE(c->eth);
        }
        if (c->proto >= 0) {
            oxms[n++] = IP_PROTO((uint64_t) c->proto);
        }
        if (c->icmp6 >= 0) {
            oxms[n++] = oxm_exact(OFPXMT_OFB_ICMPV6_TYPE, (uint64_t) c->icmp6);
        }
        oxms[n++] = oxm_exact(c->field, 1);
        enum ofperr got = check_oxms(oxms, n);
        ck_assert_msg(got == c->expect, "case %zu (%s): got %s", i,
                      ofp_oxm_field_info(c->field)->name, ofperr_name(got));
        covered += c->expect == OK;
    }
    /* Every field with a value prerequisite has at least one good case. */
    ck_assert_uint_ge(covered, 33);
}
END_TEST

START_TEST(test_check_prerequisite_order_does_not_matter)
{
    /* The prerequisite may come after the field that needs it. */
    ASSERT_CHECK(0, oxm_exact(OFPXMT_OFB_TCP_DST, 80), IP_PROTO(6),
                 ETH_TYPE(0x0800));
    ASSERT_CHECK(PRE, oxm_exact(OFPXMT_OFB_TCP_DST, 80), IP_PROTO(17),
                 ETH_TYPE(0x0800));
}
END_TEST

START_TEST(test_check_prerequisite_must_be_exact)
{
    /* A masked eth_type is no prerequisite (and no legal field). */
    ck_assert_int_ne(CHECK(oxm_masked(OFPXMT_OFB_ETH_TYPE, 0x0800, 0xffff),
                           oxm_exact(OFPXMT_OFB_IPV4_SRC, 1)),
                     0);
    ASSERT_CHECK(PRE, oxm_exact(OFPXMT_OFB_IPV4_SRC, 1));
}
END_TEST

START_TEST(test_check_in_phy_port_needs_in_port)
{
    ASSERT_CHECK(0, oxm_exact(OFPXMT_OFB_IN_PORT, 1),
                 oxm_exact(OFPXMT_OFB_IN_PHY_PORT, 2));
    ASSERT_CHECK(PRE, oxm_exact(OFPXMT_OFB_IN_PHY_PORT, 2));
}
END_TEST

START_TEST(test_check_vlan_pcp_needs_a_vlan)
{
    ASSERT_CHECK(0, oxm_exact(OFPXMT_OFB_VLAN_VID, OFPVID_PRESENT | 10),
                 oxm_exact(OFPXMT_OFB_VLAN_PCP, 3));
    /* "Any VLAN" (present bit only, masked) still requires a tag. */
    ASSERT_CHECK(
        0, oxm_masked(OFPXMT_OFB_VLAN_VID, OFPVID_PRESENT, OFPVID_PRESENT),
        oxm_exact(OFPXMT_OFB_VLAN_PCP, 3));
    ASSERT_CHECK(PRE, oxm_exact(OFPXMT_OFB_VLAN_PCP, 3));
    ASSERT_CHECK(PRE, oxm_exact(OFPXMT_OFB_VLAN_VID, OFPVID_NONE),
                 oxm_exact(OFPXMT_OFB_VLAN_PCP, 3));
    /* A VID matched without its present bit does not imply a tag. */
    ASSERT_CHECK(PRE, oxm_masked(OFPXMT_OFB_VLAN_VID, 0, 0),
                 oxm_exact(OFPXMT_OFB_VLAN_PCP, 3));
}
END_TEST

START_TEST(test_check_duplicate_field)
{
    ASSERT_CHECK(OFPERR_OFPBMC_DUP_FIELD, ETH_TYPE(0x0800), ETH_TYPE(0x0800));
    ASSERT_CHECK(OFPERR_OFPBMC_DUP_FIELD, oxm_exact(OFPXMT_OFB_IN_PORT, 1),
                 oxm_exact(OFPXMT_OFB_METADATA, 1),
                 oxm_exact(OFPXMT_OFB_IN_PORT, 2));
    ASSERT_CHECK(OFPERR_OFPBMC_DUP_FIELD, oxm_exact(OFPXMT_OFB_ETH_DST, 1),
                 oxm_masked(OFPXMT_OFB_ETH_DST, 0, 0));
    /* Distinct fields and opaque OXMs are not duplicates. */
    static const uint8_t reg[4];
    struct ofp_oxm nx = {
        .cls = OFPXMC_NXM_1, .field = 0, .length = 4, .payload = reg};
    ASSERT_CHECK(0, oxm_exact(OFPXMT_OFB_ETH_DST, 1),
                 oxm_exact(OFPXMT_OFB_ETH_SRC, 1), nx, nx);
}
END_TEST

START_TEST(test_check_mask_on_non_maskable_field)
{
    size_t n_bad = 0;
    for (unsigned f = 0; f <= OFPXMT_OFB_MAX; f++) {
        const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(f);
        if (!fi) {
            continue;
        }
        enum ofperr got = CHECK(oxm_masked(f, 0, UINT64_MAX));
        if (fi->maskable) {
            ck_assert_msg(got != OFPERR_OFPBMC_BAD_MASK, "%s", fi->name);
        } else {
            ck_assert_msg(got == OFPERR_OFPBMC_BAD_MASK, "%s", fi->name);
            n_bad++;
        }
    }
    ck_assert_uint_eq(n_bad, 43 - 17);
    /* Allowed mask, prerequisites met. */
    ASSERT_CHECK(0, ETH_TYPE(0x0800),
                 oxm_masked(OFPXMT_OFB_IPV4_SRC, 0x0a000000, 0xff000000));
}
END_TEST

START_TEST(test_check_value_outside_field)
{
    static const struct {
        uint8_t field;
        uint16_t eth;
        uint64_t bad, good;
    } cases[] = {
        {OFPXMT_OFB_VLAN_VID, 0, 0x2000, 0x1fff},
        {OFPXMT_OFB_IP_DSCP, 0x0800, 0x40, 0x3f},
        {OFPXMT_OFB_IP_ECN, 0x0800, 0x04, 0x03},
        {OFPXMT_OFB_IPV6_FLABEL, 0x86dd, 0x100000, 0xfffff},
        {OFPXMT_OFB_MPLS_LABEL, 0x8847, 0x100000, 0xfffff},
        {OFPXMT_OFB_MPLS_TC, 0x8847, 0x08, 0x07},
        {OFPXMT_OFB_MPLS_BOS, 0x8847, 0x02, 0x01},
        {OFPXMT_OFB_PBB_ISID, 0x88e7, 0x1000000, 0xffffff},
        {OFPXMT_OFB_IPV6_EXTHDR, 0x86dd, 0x200, 0x1ff},
        {OFPXMT_OFB_PBB_UCA, 0x88e7, 0x02, 0x01},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ofp_oxm oxms[2];
        size_t n = 0;
        if (cases[i].eth) {
            oxms[n++] = ETH_TYPE(cases[i].eth);
        }
        oxms[n] = oxm_exact(cases[i].field, cases[i].good);
        ck_assert_int_eq(check_oxms(oxms, n + 1), 0);
        oxms[n] = oxm_exact(cases[i].field, cases[i].bad);
        ck_assert_msg(check_oxms(oxms, n + 1) == OFPERR_OFPBMC_BAD_VALUE, "%s",
                      ofp_oxm_field_info(cases[i].field)->name);
    }
    /* vlan_pcp 8 with a VLAN. */
    ASSERT_CHECK(OFPERR_OFPBMC_BAD_VALUE,
                 oxm_exact(OFPXMT_OFB_VLAN_VID, 0x1001),
                 oxm_exact(OFPXMT_OFB_VLAN_PCP, 8));
}
END_TEST

START_TEST(test_check_value_outside_mask)
{
    ASSERT_CHECK(OFPERR_OFPBMC_BAD_WILDCARDS, ETH_TYPE(0x0800),
                 oxm_masked(OFPXMT_OFB_IPV4_DST, 0x0a000001, 0xffffff00));
    ASSERT_CHECK(OFPERR_OFPBMC_BAD_WILDCARDS,
                 oxm_masked(OFPXMT_OFB_METADATA, 0x10, 0x0f));
    ASSERT_CHECK(OFPERR_OFPBMC_BAD_WILDCARDS,
                 oxm_masked(OFPXMT_OFB_VLAN_VID, 0x1001, 0x1000));
    ASSERT_CHECK(0, oxm_masked(OFPXMT_OFB_VLAN_VID, 0x1000, 0x1000));

    struct ofp_oxm mac = oxm_masked(OFPXMT_OFB_ETH_DST, 0, 0);
    mac.value.mac[0] = 0x01;
    mac.mask.mac[0] = 0x01;
    ASSERT_CHECK(0, mac);
    mac.value.mac[5] = 0x01;
    ASSERT_CHECK(OFPERR_OFPBMC_BAD_WILDCARDS, mac);

    struct ofp_oxm v6 = oxm_masked(OFPXMT_OFB_IPV6_SRC, 0, 0);
    memset(v6.mask.ipv6, 0xff, 8);
    v6.value.ipv6[0] = 0x20;
    ASSERT_CHECK(0, ETH_TYPE(0x86dd), v6);
    v6.value.ipv6[15] = 1;
    ASSERT_CHECK(OFPERR_OFPBMC_BAD_WILDCARDS, ETH_TYPE(0x86dd), v6);
}
END_TEST

START_TEST(test_check_ignores_opaque_oxms)
{
    static const uint8_t body[8] = {0xff};
    struct ofp_oxm exp = {.cls = OFPXMC_EXPERIMENTER,
                          .field = 1,
                          .has_mask = true,
                          .length = 12,
                          .experimenter = 0x005c16c7,
                          .payload = body};
    struct ofp_oxm unknown = {.cls = OFPXMC_OPENFLOW_BASIC,
                              .field = 40,
                              .length = 8,
                              .payload = body};
    ASSERT_CHECK(0, exp, unknown, oxm_exact(OFPXMT_OFB_IN_PORT, 1));
}
END_TEST

START_TEST(test_check_a_full_tcp_match)
{
    struct ofp_oxm src = oxm_exact(OFPXMT_OFB_ETH_SRC, 0);
    static const uint8_t mac[6] = {0x00, 0x16, 0x3e, 0x11, 0x22, 0x33};
    memcpy(src.value.mac, mac, 6);
    ASSERT_CHECK(0, oxm_exact(OFPXMT_OFB_IN_PORT, 3), src,
                 oxm_exact(OFPXMT_OFB_VLAN_VID, 0x1064),
                 oxm_exact(OFPXMT_OFB_VLAN_PCP, 5), ETH_TYPE(0x0800),
                 oxm_exact(OFPXMT_OFB_IP_DSCP, 46),
                 oxm_exact(OFPXMT_OFB_IP_ECN, 1), IP_PROTO(6),
                 oxm_masked(OFPXMT_OFB_IPV4_SRC, 0xc0a80000, 0xffff0000),
                 oxm_exact(OFPXMT_OFB_IPV4_DST, 0x0a000001),
                 oxm_exact(OFPXMT_OFB_TCP_SRC, 1024),
                 oxm_exact(OFPXMT_OFB_TCP_DST, 443),
                 oxm_masked(OFPXMT_OFB_TCP_FLAGS, 0x002, 0x012),
                 oxm_exact(OFPXMT_OFB_TUNNEL_ID, 99));
}
END_TEST

/* ---- the LoxiGen corpus fragments ---- */

/* Reads corpus file loxigen-of13/bin/'name'.bin, or returns NULL (after
 * saying so) when the corpus is absent. */
/* Decodes corpus OXM fragment 'name' into 'oxm' and checks it re-encodes
 * byte-identically.  Returns the input (caller frees) or NULL if absent. */
static uint8_t *
lox_oxm_roundtrip(const char *name, struct ofp_oxm *oxm)
{
    size_t n;
    uint8_t *in = test_read_corpus(&n, "loxigen-of13/bin/%s.bin", name);
    if (!in) {
        return NULL;
    }
    struct ofp_rd rd;
    ofp_rd_init(&rd, in, n);
    ck_assert_msg(ofp_oxm_decode(&rd, oxm) == 0, "%s", name);
    ck_assert_uint_eq(rd.left, 0);
    ck_assert_uint_eq(ofp_oxm_wire_len(oxm), n);

    struct ofp_wbuf w;
    ofp_wbuf_init(&w);
    ofp_oxm_encode(&w, oxm);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    return in;
}

static void
count_oxm_file(const char *path, const char *name, void *aux)
{
    size_t *count = aux;
    size_t n;
    if (strncmp(name, "oxm_", 4)) {
        return;
    }
    uint8_t *in = test_read_file(path, &n);
    ck_assert_ptr_nonnull(in);
    struct ofp_rd rd;
    struct ofp_oxm oxm;
    struct ofp_wbuf w;
    ofp_rd_init(&rd, in, n);
    ck_assert_msg(ofp_oxm_decode(&rd, &oxm) == 0, "%s", name);
    ck_assert_msg(rd.left == 0, "%s: trailing bytes", name);
    ofp_wbuf_init(&w);
    ofp_oxm_encode(&w, &oxm);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    free(in);
    ++*count;
}

START_TEST(test_corpus_every_oxm_fragment_roundtrips)
{
    const char *dir = test_corpus_dir();
    if (!dir) {
        printf("# SKIP corpus absent: loxigen oxm_* not checked\n");
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/loxigen-of13/bin", dir);
    size_t count = 0;
    test_for_each_file(path, ".bin", count_oxm_file, &count);
    printf("# %zu loxigen oxm_* fragments round-tripped\n", count);
    ck_assert_uint_ge(count, 9);
}
END_TEST

START_TEST(test_corpus_oxm_values)
{
    struct ofp_oxm oxm;
    uint8_t *in;

    if ((in = lox_oxm_roundtrip("oxm_in_phy_port", &oxm))) {
        ck_assert(ofp_oxm_is_known(&oxm));
        ck_assert_uint_eq(oxm.field, OFPXMT_OFB_IN_PHY_PORT);
        ck_assert_uint_eq(oxm.value.u32, 42);
        free(in);
    }
    if ((in = lox_oxm_roundtrip("oxm_in_phy_port_masked", &oxm))) {
        /* Decoded although the spec does not allow this mask; the check
         * says so. */
        ck_assert(oxm.has_mask);
        ck_assert_uint_eq(oxm.value.u32, 42);
        ck_assert_uint_eq(oxm.mask.u32, 0xaabbccdd);
        struct ofp_match m = {OFPMT_OXM, 1, &oxm};
        ck_assert_int_eq(ofp_match_check(&m), OFPERR_OFPBMC_BAD_MASK);
        free(in);
    }
    if ((in = lox_oxm_roundtrip("oxm_ipv6_dst", &oxm))) {
        ck_assert_uint_eq(oxm.field, OFPXMT_OFB_IPV6_DST);
        for (int i = 0; i < 16; i++) {
            ck_assert_uint_eq(oxm.value.ipv6[i], i);
        }
        free(in);
    }
    if ((in = lox_oxm_roundtrip("oxm_mpls_bos", &oxm))) {
        ck_assert_uint_eq(oxm.field, OFPXMT_OFB_MPLS_BOS);
        ck_assert_uint_eq(oxm.value.u8, 1);
        free(in);
    }
    /* Big Switch OXMs use class 0x0003: opaque. */
    if ((in = lox_oxm_roundtrip("oxm_bsn_lag_id", &oxm))) {
        ck_assert_uint_eq(oxm.cls, 0x0003);
        ck_assert_uint_eq(oxm.field, 1);
        ck_assert_uint_eq(oxm.length, 4);
        ck_assert(!ofp_oxm_is_known(&oxm));
        ck_assert_uint_eq(oxm.payload[0], 0x12);
        ck_assert_uint_eq(oxm.payload[3], 0x78);
        free(in);
    }
    if ((in = lox_oxm_roundtrip("oxm_bsn_global_vrf_allowed", &oxm))) {
        ck_assert_uint_eq(oxm.field, 3);
        ck_assert_uint_eq(oxm.length, 1);
        ck_assert_uint_eq(oxm.payload[0], 1);
        free(in);
    }
    if ((in = lox_oxm_roundtrip("oxm_bsn_in_ports_masked_128", &oxm))) {
        ck_assert(oxm.has_mask);
        ck_assert_uint_eq(oxm.length, 32);
        ck_assert_uint_eq(oxm.payload[16 + 3], 0xfe); /* port 0 */
        free(in);
    }
    if ((in = lox_oxm_roundtrip("oxm_bsn_in_ports_masked_512", &oxm))) {
        ck_assert_uint_eq(oxm.field, 0x27 >> 1);
        ck_assert_uint_eq(oxm.length, 128);
        ck_assert_uint_eq(oxm.payload[64], 0x7f); /* port 511 */
        free(in);
    }
}
END_TEST

START_TEST(test_corpus_match_v3)
{
    size_t n;
    uint8_t *in = test_read_corpus(&n, "loxigen-of13/bin/%s.bin", "match_v3");
    if (!in) {
        return;
    }
    struct ofp_arena arena;
    struct ofp_match match;
    struct ofp_rd rd;
    struct ofp_wbuf w;

    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_match_decode(&rd, &match, &arena), 0);
    ck_assert_uint_eq(rd.left, 0);
    ck_assert_uint_eq(match.n_oxms, 4);
    const struct ofp_oxm *md = ofp_match_find(&match, OFPXMT_OFB_METADATA);
    ck_assert_ptr_eq(md, &match.oxms[0]);
    ck_assert(md->has_mask);
    ck_assert_uint_eq(md->value.u64, 0xfedcba9812141210ull);
    ck_assert_uint_eq(md->mask.u64, 0xffffffff12345678ull);
    static const uint8_t src[6] = {1, 2, 3, 4, 5, 6};
    ck_assert(!memcmp(match.oxms[1].value.mac, src, 6));
    ck_assert_uint_eq(match.oxms[2].field, OFPXMT_OFB_UDP_DST);
    ck_assert_uint_eq(match.oxms[2].value.u16, 53);
    ck_assert_uint_eq(match.oxms[3].value.ipv6[15], 0x12);
    /* LoxiGen's sample is framing only: udp_dst and ipv6_dst come without
     * their prerequisites. */
    ck_assert_int_eq(ofp_match_check(&match), OFPERR_OFPBMC_BAD_PREREQ);

    ofp_wbuf_init(&w);
    ofp_match_encode(&w, &match);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    ofp_arena_uninit(&arena);
    free(in);
}
END_TEST

static Suite *
match_suite(void)
{
    Suite *s = suite_create("ofp-match");

    TCase *tc = tcase_create("fields");
    tcase_add_test(tc, test_field_table_names);
    tcase_add_test(tc, test_field_table_maskable_per_spec);
    tcase_add_test(tc, test_field_table_valid_bits);
    suite_add_tcase(s, tc);

    tc = tcase_create("oxm");
    tcase_add_test(tc, test_oxm_every_field_decodes);
    tcase_add_test(tc, test_oxm_every_field_encodes_from_values);
    tcase_add_test(tc, test_oxm_init_basic_rejects_unknown_field);
    tcase_add_test(tc, test_oxm_known_field_wrong_length);
    tcase_add_test(tc, test_oxm_truncated);
    tcase_add_test(tc, test_oxm_nxm_classes_are_opaque);
    tcase_add_test(tc, test_oxm_experimenter_class_is_opaque);
    tcase_add_test(tc, test_oxm_experimenter_class_without_id);
    tcase_add_test(tc, test_oxm_unknown_basic_fields_are_opaque);
    tcase_add_test(tc, test_oxm_zero_length_opaque);
    tcase_add_test(tc, test_oxm_equal);
    suite_add_tcase(s, tc);

    tc = tcase_create("match");
    tcase_add_test(tc, test_match_empty);
    tcase_add_test(tc, test_match_decode_values_and_reencode);
    tcase_add_test(tc, test_match_encode_from_struct);
    tcase_add_test(tc, test_match_length_multiple_of_8_has_no_padding);
    tcase_add_test(tc, test_match_bad_type);
    tcase_add_test(tc, test_match_length_below_header);
    tcase_add_test(tc, test_match_length_beyond_input);
    tcase_add_test(tc, test_match_missing_padding);
    tcase_add_test(tc, test_match_oxm_overruns_length);
    tcase_add_test(tc, test_match_known_field_bad_len_inside);
    tcase_add_test(tc, test_match_every_truncation_fails);
    tcase_add_test(tc, test_match_every_length_field_value);
    tcase_add_test(tc, test_match_decode_equals_oxm_by_oxm);
    suite_add_tcase(s, tc);

    tc = tcase_create("check");
    tcase_add_test(tc, test_check_fields_without_prereqs);
    tcase_add_test(tc, test_check_prerequisites);
    tcase_add_test(tc, test_check_prerequisite_order_does_not_matter);
    tcase_add_test(tc, test_check_prerequisite_must_be_exact);
    tcase_add_test(tc, test_check_in_phy_port_needs_in_port);
    tcase_add_test(tc, test_check_vlan_pcp_needs_a_vlan);
    tcase_add_test(tc, test_check_duplicate_field);
    tcase_add_test(tc, test_check_mask_on_non_maskable_field);
    tcase_add_test(tc, test_check_value_outside_field);
    tcase_add_test(tc, test_check_value_outside_mask);
    tcase_add_test(tc, test_check_ignores_opaque_oxms);
    tcase_add_test(tc, test_check_a_full_tcp_match);
    suite_add_tcase(s, tc);

    tc = tcase_create("corpus");
    tcase_add_test(tc, test_corpus_every_oxm_fragment_roundtrips);
    tcase_add_test(tc, test_corpus_oxm_values);
    tcase_add_test(tc, test_corpus_match_v3);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(match_suite());
}
