/* Unit tests of ofp-actions: every OpenFlow 1.3 action and instruction both
 * ways from hex written from the specification, every framing error, and
 * the LoxiGen action/instruction fragments and the ovs-ofctl flow_mods of
 * the corpus (Nicira experimenter actions carried opaque). */
#include <config.h>
#include "ofproto/ofp-actions.h"

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

/* Decodes 'hex' as one action; returns the error.  The input is freed:
 * only for error cases. */
static enum ofperr
decode_action_hex(const char *hex)
{
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_rd rd;
    struct ofp_action a;
    ofp_rd_init(&rd, in, n);
    enum ofperr error = ofp_action_decode(&rd, &a);
    free(in);
    return error;
}

/* Decodes 'hex' as an action list; returns the error. */
static enum ofperr
decode_actions_hex(const char *hex)
{
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_arena arena;
    struct ofp_action_list list;
    struct ofp_rd rd;
    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, n);
    enum ofperr error = ofp_actions_decode(&rd, &list, &arena);
    ofp_arena_uninit(&arena);
    free(in);
    return error;
}

/* Decodes 'hex' as an instruction list; returns the error. */
static enum ofperr
decode_instructions_hex(const char *hex)
{
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_arena arena;
    struct ofp_instruction_list list;
    struct ofp_rd rd;
    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, n);
    enum ofperr error = ofp_instructions_decode(&rd, &list, &arena);
    ofp_arena_uninit(&arena);
    free(in);
    return error;
}

#define ASSERT_ERR(CALL, EXPECT)                                              \
    do {                                                                      \
        enum ofperr got_ = (CALL);                                            \
        ck_assert_msg(got_ == (EXPECT), "line %d: got %s, want %s", __LINE__, \
                      ofperr_name(got_), ofperr_name(EXPECT));                \
    } while (0)

/* ---- every action type ---- */

/* One action: its wire form and what it decodes to ('a'/'b' are the
 * type's arguments: port/max_len, ttl, ethertype, queue, group,
 * set-field field/value, experimenter id/body length). */
struct action_fixture {
    uint16_t type;
    uint64_t a, b;
    const char *hex;
};

static const struct action_fixture action_fixtures[] = {
    {OFPAT_OUTPUT, 0xfffffffd, 0xffe5, "0000 0010 fffffffd ffe5 000000000000"},
    {OFPAT_COPY_TTL_OUT, 0, 0, "000b 0008 00000000"},
    {OFPAT_COPY_TTL_IN, 0, 0, "000c 0008 00000000"},
    {OFPAT_SET_MPLS_TTL, 64, 0, "000f 0008 40 000000"},
    {OFPAT_DEC_MPLS_TTL, 0, 0, "0010 0008 00000000"},
    {OFPAT_PUSH_VLAN, 0x88a8, 0, "0011 0008 88a8 0000"},
    {OFPAT_POP_VLAN, 0, 0, "0012 0008 00000000"},
    {OFPAT_PUSH_MPLS, 0x8847, 0, "0013 0008 8847 0000"},
    {OFPAT_POP_MPLS, 0x0800, 0, "0014 0008 0800 0000"},
    {OFPAT_SET_QUEUE, 7, 0, "0015 0008 00000007"},
    {OFPAT_GROUP, 0xffffff00, 0, "0016 0008 ffffff00"},
    {OFPAT_SET_NW_TTL, 63, 0, "0017 0008 3f 000000"},
    {OFPAT_DEC_NW_TTL, 0, 0, "0018 0008 00000000"},
    {OFPAT_SET_FIELD, OFPXMT_OFB_VLAN_VID, 0x1064,
     "0019 0010 8000 0c02 1064 000000000000"},
    {OFPAT_PUSH_PBB, 0x88e7, 0, "001a 0008 88e7 0000"},
    {OFPAT_POP_PBB, 0, 0, "001b 0008 00000000"},
    /* Nicira NXAST_RESUBMIT (subtype 1), body after the id: 8 bytes. */
    {OFPAT_EXPERIMENTER, 0x00002320, 8,
     "ffff 0010 00002320 0001 0005 00000000"},
};
#define N_ACTION_FIXTURES (sizeof action_fixtures / sizeof action_fixtures[0])

/* Asserts that 'a' carries the arguments of 'fx'. */
static void
assert_action_args(const struct ofp_action *a, const struct action_fixture *fx)
{
    ck_assert_uint_eq(a->type, fx->type);
    switch (fx->type) {
    case OFPAT_OUTPUT:
        ck_assert_uint_eq(a->output.port, fx->a);
        ck_assert_uint_eq(a->output.max_len, fx->b);
        break;
    case OFPAT_SET_MPLS_TTL:
        ck_assert_uint_eq(a->mpls_ttl, fx->a);
        break;
    case OFPAT_SET_NW_TTL:
        ck_assert_uint_eq(a->nw_ttl, fx->a);
        break;
    case OFPAT_PUSH_VLAN:
    case OFPAT_PUSH_MPLS:
    case OFPAT_PUSH_PBB:
    case OFPAT_POP_MPLS:
        ck_assert_uint_eq(a->ethertype, fx->a);
        break;
    case OFPAT_SET_QUEUE:
        ck_assert_uint_eq(a->queue_id, fx->a);
        break;
    case OFPAT_GROUP:
        ck_assert_uint_eq(a->group_id, fx->a);
        break;
    case OFPAT_SET_FIELD:
        ck_assert(ofp_oxm_is_known(&a->set_field));
        ck_assert_uint_eq(a->set_field.field, fx->a);
        ck_assert_uint_eq(a->set_field.value.u16, fx->b);
        break;
    case OFPAT_EXPERIMENTER:
        ck_assert_uint_eq(a->experimenter.experimenter, fx->a);
        ck_assert_uint_eq(a->experimenter.len, fx->b);
        break;
    default:
        break;
    }
}

/* Builds the action 'fx' describes. */
static struct ofp_action
action_from_fixture(const struct action_fixture *fx, const uint8_t *body)
{
    struct ofp_action a;
    memset(&a, 0, sizeof a);
    a.type = fx->type;
    switch (fx->type) {
    case OFPAT_OUTPUT:
        a.output.port = (uint32_t) fx->a;
        a.output.max_len = (uint16_t) fx->b;
        break;
    case OFPAT_SET_MPLS_TTL:
        a.mpls_ttl = (uint8_t) fx->a;
        break;
    case OFPAT_SET_NW_TTL:
        a.nw_ttl = (uint8_t) fx->a;
        break;
    case OFPAT_PUSH_VLAN:
    case OFPAT_PUSH_MPLS:
    case OFPAT_PUSH_PBB:
    case OFPAT_POP_MPLS:
        a.ethertype = (uint16_t) fx->a;
        break;
    case OFPAT_SET_QUEUE:
        a.queue_id = (uint32_t) fx->a;
        break;
    case OFPAT_GROUP:
        a.group_id = (uint32_t) fx->a;
        break;
    case OFPAT_SET_FIELD:
        ck_assert(ofp_oxm_init_basic(&a.set_field, (uint8_t) fx->a));
        a.set_field.value.u16 = (uint16_t) fx->b;
        break;
    case OFPAT_EXPERIMENTER:
        a.experimenter.experimenter = (uint32_t) fx->a;
        a.experimenter.len = (size_t) fx->b;
        a.experimenter.data = body;
        break;
    default:
        break;
    }
    return a;
}

START_TEST(test_action_every_type_decodes)
{
    for (size_t i = 0; i < N_ACTION_FIXTURES; i++) {
        const struct action_fixture *fx = &action_fixtures[i];
        size_t n;
        uint8_t *in = test_hex_fixture(fx->hex, &n);
        struct ofp_rd rd;
        struct ofp_action a;
        struct ofp_wbuf w;

        ofp_rd_init(&rd, in, n);
        ck_assert_msg(ofp_action_decode(&rd, &a) == 0, "%s", fx->hex);
        ck_assert_uint_eq(rd.left, 0);
        assert_action_args(&a, fx);
        if (fx->type == OFPAT_EXPERIMENTER) {
            ck_assert_ptr_eq(a.experimenter.data, in + 8); /* borrowed */
        }
        ck_assert_uint_eq(ofp_action_wire_len(&a), n);
        ofp_wbuf_init(&w);
        ofp_action_encode(&w, &a);
        assert_bytes(&w, in, n);
        ofp_wbuf_uninit(&w);
        free(in);
    }
    /* Every OpenFlow 1.3 action type: 16 + experimenter. */
    ck_assert_uint_eq(N_ACTION_FIXTURES, 17);
}
END_TEST

START_TEST(test_action_every_type_encodes_from_values)
{
    for (size_t i = 0; i < N_ACTION_FIXTURES; i++) {
        const struct action_fixture *fx = &action_fixtures[i];
        size_t n;
        uint8_t *in = test_hex_fixture(fx->hex, &n);
        struct ofp_action a = action_from_fixture(fx, in + 8);
        struct ofp_wbuf w;

        ofp_wbuf_init(&w);
        ofp_action_encode(&w, &a);
        assert_bytes(&w, in, n);
        ofp_wbuf_uninit(&w);
        free(in);
    }
}
END_TEST

START_TEST(test_action_names)
{
    static const struct {
        uint16_t type;
        const char *name;
    } names[] = {
        {OFPAT_OUTPUT, "OUTPUT"},
        {OFPAT_COPY_TTL_OUT, "COPY_TTL_OUT"},
        {OFPAT_COPY_TTL_IN, "COPY_TTL_IN"},
        {OFPAT_SET_MPLS_TTL, "SET_MPLS_TTL"},
        {OFPAT_DEC_MPLS_TTL, "DEC_MPLS_TTL"},
        {OFPAT_PUSH_VLAN, "PUSH_VLAN"},
        {OFPAT_POP_VLAN, "POP_VLAN"},
        {OFPAT_PUSH_MPLS, "PUSH_MPLS"},
        {OFPAT_POP_MPLS, "POP_MPLS"},
        {OFPAT_SET_QUEUE, "SET_QUEUE"},
        {OFPAT_GROUP, "GROUP"},
        {OFPAT_SET_NW_TTL, "SET_NW_TTL"},
        {OFPAT_DEC_NW_TTL, "DEC_NW_TTL"},
        {OFPAT_SET_FIELD, "SET_FIELD"},
        {OFPAT_PUSH_PBB, "PUSH_PBB"},
        {OFPAT_POP_PBB, "POP_PBB"},
        {OFPAT_EXPERIMENTER, "EXPERIMENTER"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        ck_assert_str_eq(ofp_action_type_name(names[i].type), names[i].name);
    }
    /* OpenFlow 1.0/1.1 types removed in 1.3, and beyond the list. */
    static const uint16_t unknown[] = {1, 2, 10, 13, 14, 28, 100, 0xfffe};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        ck_assert_ptr_null(ofp_action_type_name(unknown[i]));
    }
}
END_TEST

START_TEST(test_action_list_roundtrip)
{
    static const char hex[] =
        "0011 0008 8100 0000"                   /* push_vlan */
        "0019 0010 8000 0c02 1005 000000000000" /* vlan_vid */
        "0019 0010 8000 0606 000102030405 0000" /* eth_dst */
        "ffff 0018 00002320 0026 0000 00000000 00000000 00000000"
        "0000 0010 00000002 0000 000000000000"; /* output:2 */
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_arena arena;
    struct ofp_action_list list;
    struct ofp_rd rd;
    struct ofp_wbuf w;

    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_actions_decode(&rd, &list, &arena), 0);
    ck_assert_uint_eq(rd.left, 0);
    ck_assert_uint_eq(list.n, 5);
    ck_assert_uint_eq(list.actions[0].ethertype, 0x8100);
    ck_assert_uint_eq(list.actions[1].set_field.value.u16, 0x1005);
    ck_assert_uint_eq(list.actions[2].set_field.value.mac[5], 5);
    ck_assert_uint_eq(list.actions[3].experimenter.len, 16);
    ck_assert_uint_eq(list.actions[4].output.port, 2);
    ck_assert_uint_eq(ofp_actions_wire_len(&list), n);
    ofp_wbuf_init(&w);
    ofp_actions_encode(&w, &list);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    ofp_arena_uninit(&arena);
    free(in);
}
END_TEST

START_TEST(test_action_list_empty)
{
    struct ofp_arena arena;
    struct ofp_action_list list;
    struct ofp_rd rd;
    ofp_arena_init(&arena);
    ofp_rd_init(&rd, "", 0);
    ck_assert_int_eq(ofp_actions_decode(&rd, &list, &arena), 0);
    ck_assert_uint_eq(list.n, 0);
    ck_assert_uint_eq(ofp_actions_wire_len(&list), 0);
    ofp_arena_uninit(&arena);
}
END_TEST

START_TEST(test_action_experimenter_body_padded_on_encode)
{
    /* A body that is not a multiple of 8 is padded with zeroes and the
     * length covers the padding. */
    static const uint8_t body[3] = {0xaa, 0xbb, 0xcc};
    struct ofp_action a = {.type = OFPAT_EXPERIMENTER};
    a.experimenter.experimenter = 0x005c16c7;
    a.experimenter.len = sizeof body;
    a.experimenter.data = body;
    size_t n;
    uint8_t *expect =
        test_hex_fixture("ffff 0010 005c16c7 aabbcc 0000000000", &n);
    struct ofp_wbuf w;
    ofp_wbuf_init(&w);
    ofp_action_encode(&w, &a);
    assert_bytes(&w, expect, n);
    ck_assert_uint_eq(ofp_action_wire_len(&a), 16);
    ofp_wbuf_uninit(&w);
    free(expect);
}
END_TEST

START_TEST(test_action_experimenter_without_body)
{
    size_t n;
    uint8_t *in = test_hex_fixture("ffff 0008 00002320", &n);
    struct ofp_rd rd;
    struct ofp_action a;
    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_action_decode(&rd, &a), 0);
    ck_assert_uint_eq(a.experimenter.experimenter, 0x2320);
    ck_assert_uint_eq(a.experimenter.len, 0);
    ck_assert_uint_eq(ofp_action_wire_len(&a), 8);
    free(in);
}
END_TEST

/* ---- malformed actions ---- */

START_TEST(test_action_truncated)
{
    for (size_t i = 0; i < N_ACTION_FIXTURES; i++) {
        size_t n;
        uint8_t *in = test_hex_fixture(action_fixtures[i].hex, &n);
        for (size_t len = 0; len < n; len++) {
            uint8_t *copy = malloc(len ? len : 1);
            memcpy(copy, in, len);
            struct ofp_rd rd;
            struct ofp_action a;
            ofp_rd_init(&rd, copy, len);
            ASSERT_ERR(ofp_action_decode(&rd, &a), OFPERR_OFPBAC_BAD_LEN);
            free(copy);
        }
        free(in);
    }
}
END_TEST

START_TEST(test_action_length_zero)
{
    ASSERT_ERR(decode_action_hex("0000 0000 00000001 ffff 000000000000"),
               OFPERR_OFPBAC_BAD_LEN);
    /* A list must not loop on it either. */
    ASSERT_ERR(decode_actions_hex("0012 0008 00000000 0012 0000 00000000"),
               OFPERR_OFPBAC_BAD_LEN);
}
END_TEST

START_TEST(test_action_length_not_multiple_of_8)
{
    ASSERT_ERR(decode_action_hex("0000 0012 00000001 ffff 000000000000 0000"),
               OFPERR_OFPBAC_BAD_LEN);
    ASSERT_ERR(decode_action_hex("0012 0004 00000000"), OFPERR_OFPBAC_BAD_LEN);
    ASSERT_ERR(decode_action_hex("ffff 000c 00002320 00000000"),
               OFPERR_OFPBAC_BAD_LEN);
    ASSERT_ERR(decode_action_hex("0019 000e 8000 0c02 1064 0000"),
               OFPERR_OFPBAC_BAD_LEN);
}
END_TEST

START_TEST(test_action_wrong_fixed_length)
{
    /* output is 16 bytes; everything else fixed is 8. */
    ASSERT_ERR(decode_action_hex("0000 0008 00000001"), OFPERR_OFPBAC_BAD_LEN);
    ASSERT_ERR(decode_action_hex("0000 0018 00000001 ffff 000000000000"
                                 "0000000000000000"),
               OFPERR_OFPBAC_BAD_LEN);
    static const uint16_t fixed8[] = {
        OFPAT_COPY_TTL_OUT, OFPAT_COPY_TTL_IN, OFPAT_SET_MPLS_TTL,
        OFPAT_DEC_MPLS_TTL, OFPAT_PUSH_VLAN,   OFPAT_POP_VLAN,
        OFPAT_PUSH_MPLS,    OFPAT_POP_MPLS,    OFPAT_SET_QUEUE,
        OFPAT_GROUP,        OFPAT_SET_NW_TTL,  OFPAT_DEC_NW_TTL,
        OFPAT_PUSH_PBB,     OFPAT_POP_PBB,
    };
    for (size_t i = 0; i < sizeof fixed8 / sizeof fixed8[0]; i++) {
        uint8_t in[16] = {fixed8[i] >> 8, fixed8[i] & 0xff, 0, 16};
        struct ofp_rd rd;
        struct ofp_action a;
        ofp_rd_init(&rd, in, sizeof in);
        ASSERT_ERR(ofp_action_decode(&rd, &a), OFPERR_OFPBAC_BAD_LEN);
        in[3] = 8;
        ofp_rd_init(&rd, in, sizeof in);
        ASSERT_ERR(ofp_action_decode(&rd, &a), 0);
        ck_assert_uint_eq(rd.left, 8);
    }
}
END_TEST

START_TEST(test_action_length_beyond_input)
{
    ASSERT_ERR(decode_action_hex("0000 0018 00000001 ffff 000000000000"),
               OFPERR_OFPBAC_BAD_LEN);
    ASSERT_ERR(decode_action_hex("ffff fff8 00002320 00000000"),
               OFPERR_OFPBAC_BAD_LEN);
    ASSERT_ERR(decode_actions_hex("0012 0008 00000000 0012 0010 00000000"),
               OFPERR_OFPBAC_BAD_LEN);
}
END_TEST

START_TEST(test_action_trailing_bytes_in_list)
{
    ASSERT_ERR(decode_actions_hex("0012 0008 00000000 0012"),
               OFPERR_OFPBAC_BAD_LEN);
    ASSERT_ERR(decode_actions_hex("0012 0008 00000000 00120008"),
               OFPERR_OFPBAC_BAD_LEN);
}
END_TEST

START_TEST(test_action_unknown_type)
{
    ASSERT_ERR(decode_action_hex("0001 0008 00000000"),
               OFPERR_OFPBAC_BAD_TYPE);
    ASSERT_ERR(decode_action_hex("001c 0008 00000000"),
               OFPERR_OFPBAC_BAD_TYPE);
    ASSERT_ERR(decode_action_hex("fffe 0010 00000000 00000000 00000000"),
               OFPERR_OFPBAC_BAD_TYPE);
    ASSERT_ERR(decode_actions_hex("0012 0008 00000000 000d 0008 00000000"),
               OFPERR_OFPBAC_BAD_TYPE);
}
END_TEST

START_TEST(test_action_set_field_bad_oxm)
{
    /* OXM length (6) runs past the action (room for 4). */
    ASSERT_ERR(decode_action_hex("0019 0008 8000 0606"),
               OFPERR_OFPBAC_BAD_SET_LEN);
    /* Known field with the wrong length: eth_type of 4 bytes. */
    ASSERT_ERR(decode_action_hex("0019 0010 8000 0a04 08000000 00000000"),
               OFPERR_OFPBAC_BAD_SET_LEN);
    /* No room even for the OXM header. */
    ASSERT_ERR(decode_action_hex("0019 0008 8000 0a00"),
               OFPERR_OFPBAC_BAD_SET_LEN);
    /* More padding than needed to reach 8 bytes. */
    ASSERT_ERR(decode_action_hex("0019 0018 8000 0c02 1064 000000000000"
                                 "0000000000000000"),
               OFPERR_OFPBAC_BAD_SET_LEN);
    /* Experimenter-class OXM too short for its experimenter id. */
    ASSERT_ERR(decode_action_hex("0019 0008 ffff 0200"),
               OFPERR_OFPBAC_BAD_SET_LEN);
}
END_TEST

/* Decodes 'hex' as one action, which must decode, and returns what
 * ofp_action_check() says of it. */
static enum ofperr
check_action_hex(const char *hex)
{
    size_t n;
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_rd rd;
    struct ofp_action a;
    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_action_decode(&rd, &a), 0);
    enum ofperr error = ofp_action_check(&a);
    free(in);
    return error;
}

START_TEST(test_action_set_field_semantics)
{
    /* These decode (framing is fine) but break the specification's rules,
     * which ofp_action_check() reports. */
    /* OpenFlow 1.3 set-field has no mask. */
    ASSERT_ERR(check_action_hex("0019 0010 8000 1708 0a000000 ff000000"),
               OFPERR_OFPBAC_BAD_SET_ARGUMENT);
    /* in_port, in_phy_port and metadata are not header fields. */
    ASSERT_ERR(check_action_hex("0019 0010 8000 0004 00000001 00000000"),
               OFPERR_OFPBAC_BAD_SET_TYPE);
    ASSERT_ERR(check_action_hex("0019 0010 8000 0204 00000001 00000000"),
               OFPERR_OFPBAC_BAD_SET_TYPE);
    ASSERT_ERR(check_action_hex("0019 0010 8000 0408 0000000000000001"),
               OFPERR_OFPBAC_BAD_SET_TYPE);
    /* A settable field, an opaque OXM and a non-set-field action pass. */
    ASSERT_ERR(check_action_hex("0019 0010 8000 0a02 0800 000000000000"), 0);
    ASSERT_ERR(check_action_hex("0019 0010 0001 0004 deadbeef 00000000"), 0);
    ASSERT_ERR(check_action_hex("0000 0010 00000001 ffff 000000000000"), 0);
}
END_TEST

START_TEST(test_instructions_check_nested)
{
    /* apply_actions [output:1, set_field in_port=1]: the second fails. */
    size_t n;
    uint8_t *in = test_hex_fixture("0004 0028 00000000"
                                   "0000 0010 00000001 ffff 000000000000"
                                   "0019 0010 8000 0004 00000001 00000000",
                                   &n);
    struct ofp_rd rd;
    struct ofp_arena arena;
    struct ofp_instruction_list list;
    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_instructions_decode(&rd, &list, &arena), 0);
    ck_assert_int_eq(ofp_instructions_check(&list),
                     OFPERR_OFPBAC_BAD_SET_TYPE);
    list.instructions[0].actions.n = 1;
    ck_assert_int_eq(ofp_instructions_check(&list), 0);
    ofp_arena_uninit(&arena);
    free(in);
}
END_TEST

START_TEST(test_action_set_field_opaque_oxm)
{
    /* An NXM register load via set-field: kept as is. */
    size_t n;
    uint8_t *in =
        test_hex_fixture("0019 0010 0001 0004 deadbeef 00000000", &n);
    struct ofp_rd rd;
    struct ofp_action a;
    struct ofp_wbuf w;
    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_action_decode(&rd, &a), 0);
    ck_assert(!ofp_oxm_is_known(&a.set_field));
    ck_assert_uint_eq(a.set_field.cls, OFPXMC_NXM_1);
    ck_assert_ptr_eq(a.set_field.payload, in + 8);
    ofp_wbuf_init(&w);
    ofp_action_encode(&w, &a);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    free(in);
}
END_TEST

START_TEST(test_action_every_length_field_value)
{
    /* Whatever the length of the second action says, decoding stays in
     * bounds and fails cleanly unless the list still parses. */
    size_t n;
    uint8_t *in = test_hex_fixture("0012 0008 00000000"
                                   "0019 0010 8000 0c02 1064 000000000000"
                                   "0000 0010 00000002 0000 000000000000",
                                   &n);
    struct ofp_arena arena;
    size_t ok = 0;
    ofp_arena_init(&arena);
    for (unsigned len = 0; len <= 0xffff; len++) {
        uint8_t *copy = malloc(n);
        memcpy(copy, in, n);
        copy[10] = len >> 8;
        copy[11] = len & 0xff;
        struct ofp_rd rd;
        struct ofp_action_list list;
        ofp_rd_init(&rd, copy, n);
        enum ofperr error = ofp_actions_decode(&rd, &list, &arena);
        ck_assert(error == 0 || ofperr_type(error) == OFPET_BAD_ACTION);
        ok += !error;
        free(copy);
        ofp_arena_reset(&arena);
    }
    ck_assert_uint_eq(ok, 1);
    ofp_arena_uninit(&arena);
    free(in);
}
END_TEST

/* ---- every instruction type ---- */

struct inst_fixture {
    uint16_t type;
    uint64_t a, b; /* table, metadata/mask, n actions, meter,
                    * experimenter id/body length */
    const char *hex;
};

static const struct inst_fixture inst_fixtures[] = {
    {OFPIT_GOTO_TABLE, 5, 0, "0001 0008 05 000000"},
    {OFPIT_WRITE_METADATA, 0x0123456789abcdefull, 0xffffffff00000000ull,
     "0002 0018 00000000 0123456789abcdef ffffffff00000000"},
    {OFPIT_WRITE_ACTIONS, 1, 0, "0003 0010 00000000 0016 0008 00000001"},
    {OFPIT_APPLY_ACTIONS, 2, 0,
     "0004 0028 00000000"
     "0019 0010 8000 0c02 1064 000000000000"
     "0000 0010 fffffffd ffff 000000000000"},
    {OFPIT_CLEAR_ACTIONS, 0, 0, "0005 0008 00000000"},
    {OFPIT_METER, 0xffff0000, 0, "0006 0008 ffff0000"},
    {OFPIT_EXPERIMENTER, 0x005c16c7, 8,
     "ffff 0010 005c16c7 00000000 00000000"},
};
#define N_INST_FIXTURES (sizeof inst_fixtures / sizeof inst_fixtures[0])

START_TEST(test_instruction_every_type_both_ways)
{
    for (size_t i = 0; i < N_INST_FIXTURES; i++) {
        const struct inst_fixture *fx = &inst_fixtures[i];
        size_t n;
        uint8_t *in = test_hex_fixture(fx->hex, &n);
        struct ofp_arena arena;
        struct ofp_rd rd;
        struct ofp_instruction inst;
        struct ofp_wbuf w;

        ofp_arena_init(&arena);
        ofp_rd_init(&rd, in, n);
        ck_assert_msg(ofp_instruction_decode(&rd, &inst, &arena) == 0, "%s",
                      fx->hex);
        ck_assert_uint_eq(rd.left, 0);
        ck_assert_uint_eq(inst.type, fx->type);
        switch (fx->type) {
        case OFPIT_GOTO_TABLE:
            ck_assert_uint_eq(inst.table_id, fx->a);
            break;
        case OFPIT_WRITE_METADATA:
            ck_assert_uint_eq(inst.write_metadata.metadata, fx->a);
            ck_assert_uint_eq(inst.write_metadata.mask, fx->b);
            break;
        case OFPIT_WRITE_ACTIONS:
        case OFPIT_APPLY_ACTIONS:
        case OFPIT_CLEAR_ACTIONS:
            ck_assert_uint_eq(inst.actions.n, fx->a);
            break;
        case OFPIT_METER:
            ck_assert_uint_eq(inst.meter_id, fx->a);
            break;
        case OFPIT_EXPERIMENTER:
            ck_assert_uint_eq(inst.experimenter.experimenter, fx->a);
            ck_assert_uint_eq(inst.experimenter.len, fx->b);
            ck_assert_ptr_eq(inst.experimenter.data, in + 8);
            break;
        }
        ck_assert_uint_eq(ofp_instruction_wire_len(&inst), n);
        ofp_wbuf_init(&w);
        ofp_instruction_encode(&w, &inst);
        assert_bytes(&w, in, n);
        ofp_wbuf_uninit(&w);
        ofp_arena_uninit(&arena);
        free(in);
    }
}
END_TEST

START_TEST(test_instruction_nested_action_values)
{
    size_t n;
    uint8_t *in = test_hex_fixture(inst_fixtures[3].hex, &n);
    struct ofp_arena arena;
    struct ofp_rd rd;
    struct ofp_instruction inst;
    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_instruction_decode(&rd, &inst, &arena), 0);
    ck_assert_uint_eq(inst.type, OFPIT_APPLY_ACTIONS);
    ck_assert_uint_eq(inst.actions.n, 2);
    ck_assert_uint_eq(inst.actions.actions[0].type, OFPAT_SET_FIELD);
    ck_assert_uint_eq(inst.actions.actions[0].set_field.field,
                      OFPXMT_OFB_VLAN_VID);
    ck_assert_uint_eq(inst.actions.actions[0].set_field.value.u16, 0x1064);
    ck_assert_uint_eq(inst.actions.actions[1].output.port, OFPP_CONTROLLER);
    ck_assert_uint_eq(inst.actions.actions[1].output.max_len,
                      OFPCML_NO_BUFFER);
    ofp_arena_uninit(&arena);
    free(in);
}
END_TEST

START_TEST(test_instruction_encode_from_values)
{
    struct ofp_action acts[2];
    memset(acts, 0, sizeof acts);
    acts[0].type = OFPAT_GROUP;
    acts[0].group_id = 1;
    acts[1].type = OFPAT_OUTPUT;
    acts[1].output.port = 0;
    struct ofp_instruction insts[3];
    memset(insts, 0, sizeof insts);
    insts[0].type = OFPIT_METER;
    insts[0].meter_id = 0xffff0000;
    insts[1].type = OFPIT_WRITE_ACTIONS;
    insts[1].actions.n = 2;
    insts[1].actions.actions = acts;
    insts[2].type = OFPIT_GOTO_TABLE;
    insts[2].table_id = 5;
    struct ofp_instruction_list list = {3, insts};

    size_t n;
    uint8_t *expect = test_hex_fixture("0006 0008 ffff0000"
                                       "0003 0020 00000000"
                                       "0016 0008 00000001"
                                       "0000 0010 00000000 0000 000000000000"
                                       "0001 0008 05 000000",
                                       &n);
    struct ofp_wbuf w;
    ofp_wbuf_init(&w);
    ofp_instructions_encode(&w, &list);
    assert_bytes(&w, expect, n);
    ck_assert_uint_eq(ofp_instructions_wire_len(&list), n);
    ofp_wbuf_uninit(&w);
    free(expect);
}
END_TEST

START_TEST(test_instruction_list_roundtrip)
{
    size_t n;
    char hex[1024] = "";
    for (size_t i = 0; i < N_INST_FIXTURES; i++) {
        strncat(hex, inst_fixtures[i].hex, sizeof hex - strlen(hex) - 1);
    }
    uint8_t *in = test_hex_fixture(hex, &n);
    struct ofp_arena arena;
    struct ofp_instruction_list list;
    struct ofp_rd rd;
    struct ofp_wbuf w;
    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in, n);
    ck_assert_int_eq(ofp_instructions_decode(&rd, &list, &arena), 0);
    ck_assert_uint_eq(list.n, N_INST_FIXTURES);
    ck_assert_uint_eq(list.instructions[5].meter_id, 0xffff0000);
    ck_assert_uint_eq(ofp_instructions_wire_len(&list), n);
    ofp_wbuf_init(&w);
    ofp_instructions_encode(&w, &list);
    assert_bytes(&w, in, n);
    ofp_wbuf_uninit(&w);
    ofp_arena_uninit(&arena);
    free(in);

    /* And an empty list. */
    ofp_arena_init(&arena);
    ofp_rd_init(&rd, "", 0);
    ck_assert_int_eq(ofp_instructions_decode(&rd, &list, &arena), 0);
    ck_assert_uint_eq(list.n, 0);
    ofp_arena_uninit(&arena);
}
END_TEST

START_TEST(test_instruction_names)
{
    ck_assert_str_eq(ofp_instruction_type_name(OFPIT_GOTO_TABLE),
                     "GOTO_TABLE");
    ck_assert_str_eq(ofp_instruction_type_name(OFPIT_WRITE_METADATA),
                     "WRITE_METADATA");
    ck_assert_str_eq(ofp_instruction_type_name(OFPIT_WRITE_ACTIONS),
                     "WRITE_ACTIONS");
    ck_assert_str_eq(ofp_instruction_type_name(OFPIT_APPLY_ACTIONS),
                     "APPLY_ACTIONS");
    ck_assert_str_eq(ofp_instruction_type_name(OFPIT_CLEAR_ACTIONS),
                     "CLEAR_ACTIONS");
    ck_assert_str_eq(ofp_instruction_type_name(OFPIT_METER), "METER");
    ck_assert_str_eq(ofp_instruction_type_name(OFPIT_EXPERIMENTER),
                     "EXPERIMENTER");
    ck_assert_ptr_null(ofp_instruction_type_name(0));
    ck_assert_ptr_null(ofp_instruction_type_name(7));
    ck_assert_ptr_null(ofp_instruction_type_name(0xfffe));
}
END_TEST

/* ---- malformed instructions ---- */

START_TEST(test_instruction_truncated)
{
    for (size_t i = 0; i < N_INST_FIXTURES; i++) {
        size_t n;
        uint8_t *in = test_hex_fixture(inst_fixtures[i].hex, &n);
        struct ofp_arena arena;
        ofp_arena_init(&arena);
        for (size_t len = 0; len < n; len++) {
            uint8_t *copy = malloc(len ? len : 1);
            memcpy(copy, in, len);
            struct ofp_rd rd;
            struct ofp_instruction inst;
            ofp_rd_init(&rd, copy, len);
            ASSERT_ERR(ofp_instruction_decode(&rd, &inst, &arena),
                       OFPERR_OFPBIC_BAD_LEN);
            free(copy);
        }
        ofp_arena_uninit(&arena);
        free(in);
    }
}
END_TEST

START_TEST(test_instruction_bad_lengths)
{
    /* Zero, not a multiple of 8, beyond the input. */
    ASSERT_ERR(decode_instructions_hex("0001 0000 05000000"),
               OFPERR_OFPBIC_BAD_LEN);
    ASSERT_ERR(decode_instructions_hex("0004 000c 00000000 00000000"),
               OFPERR_OFPBIC_BAD_LEN);
    ASSERT_ERR(decode_instructions_hex("0004 0010 00000000"),
               OFPERR_OFPBIC_BAD_LEN);
    ASSERT_ERR(decode_instructions_hex("0001 0008 05000000 0001"),
               OFPERR_OFPBIC_BAD_LEN);
    /* Wrong size for the fixed-size types. */
    ASSERT_ERR(decode_instructions_hex("0001 0010 05000000 00000000"),
               OFPERR_OFPBIC_BAD_LEN);
    ASSERT_ERR(decode_instructions_hex("0002 0010 00000000 0000000000000001"),
               OFPERR_OFPBIC_BAD_LEN);
    ASSERT_ERR(decode_instructions_hex("0002 0020 00000000 0000000000000001"
                                       "ffffffffffffffff 0000000000000000"),
               OFPERR_OFPBIC_BAD_LEN);
    ASSERT_ERR(decode_instructions_hex("0006 0010 00000001 00000000"),
               OFPERR_OFPBIC_BAD_LEN);
}
END_TEST

START_TEST(test_instruction_unknown_type)
{
    ASSERT_ERR(decode_instructions_hex("0000 0008 00000000"),
               OFPERR_OFPBIC_UNKNOWN_INST);
    ASSERT_ERR(decode_instructions_hex("0007 0008 00000000"),
               OFPERR_OFPBIC_UNKNOWN_INST);
    ASSERT_ERR(decode_instructions_hex("0001 0008 05000000"
                                       "fffe 0008 00000000"),
               OFPERR_OFPBIC_UNKNOWN_INST);
}
END_TEST

START_TEST(test_instruction_nested_bad_action)
{
    /* Unknown action type inside apply_actions. */
    ASSERT_ERR(decode_instructions_hex("0004 0018 00000000"
                                       "0012 0008 00000000"
                                       "0009 0008 00000000"),
               OFPERR_OFPBAC_BAD_TYPE);
    /* Action longer than its instruction (the output needs 16 bytes, the
     * instruction leaves 8 although the input has more). */
    ASSERT_ERR(decode_instructions_hex("0004 0010 00000000"
                                       "0000 0010 00000001 ffff 000000000000"),
               OFPERR_OFPBIC_BAD_LEN);
    ASSERT_ERR(decode_instructions_hex("0004 0010 00000000"
                                       "0000 0010 00000001"),
               OFPERR_OFPBAC_BAD_LEN);
    /* Bad set-field inside write_actions. */
    ASSERT_ERR(decode_instructions_hex("0003 0018 00000000"
                                       "0019 0010 8000 0a04 08000000"
                                       "00000000"),
               OFPERR_OFPBAC_BAD_SET_LEN);
    /* Zero-length action inside clear_actions. */
    ASSERT_ERR(decode_instructions_hex("0005 0010 00000000 0012 0000 0000"
                                       "0000"),
               OFPERR_OFPBAC_BAD_LEN);
}
END_TEST

/* ---- the corpus ---- */

/* Decodes corpus action 'name' into 'a', checks the byte-identical
 * re-encoding, returns the input (caller frees) or NULL if absent. */
static uint8_t *
lox_action(const char *name, struct ofp_action *a)
{
    size_t n;
    uint8_t *in = test_read_corpus(&n, "loxigen-of13/bin/%s.bin", name);
    if (in) {
        struct ofp_rd rd;
        struct ofp_wbuf w;
        ofp_rd_init(&rd, in, n);
        ck_assert_msg(ofp_action_decode(&rd, a) == 0, "%s", name);
        ck_assert_uint_eq(rd.left, 0);
        ck_assert_uint_eq(ofp_action_wire_len(a), n);
        ofp_wbuf_init(&w);
        ofp_action_encode(&w, a);
        assert_bytes(&w, in, n);
        ofp_wbuf_uninit(&w);
    }
    return in;
}

static uint8_t *
lox_instruction(const char *name, struct ofp_instruction *inst,
                struct ofp_arena *arena)
{
    size_t n;
    uint8_t *in = test_read_corpus(&n, "loxigen-of13/bin/%s.bin", name);
    if (in) {
        struct ofp_rd rd;
        struct ofp_wbuf w;
        ofp_rd_init(&rd, in, n);
        ck_assert_msg(ofp_instruction_decode(&rd, inst, arena) == 0, "%s",
                      name);
        ck_assert_uint_eq(rd.left, 0);
        ck_assert_uint_eq(ofp_instruction_wire_len(inst), n);
        ofp_wbuf_init(&w);
        ofp_instruction_encode(&w, inst);
        assert_bytes(&w, in, n);
        ofp_wbuf_uninit(&w);
    }
    return in;
}

START_TEST(test_corpus_loxigen_actions)
{
    struct ofp_action a;
    uint8_t *in;

    if ((in = lox_action("action_output", &a))) {
        ck_assert_uint_eq(a.type, OFPAT_OUTPUT);
        ck_assert_uint_eq(a.output.port, 50);
        ck_assert_uint_eq(a.output.max_len, 0xffff);
        free(in);
    }
    if ((in = lox_action("action_set_field__eth_dst", &a))) {
        static const uint8_t mac[6] = {0, 1, 2, 3, 4, 5};
        ck_assert_uint_eq(a.set_field.field, OFPXMT_OFB_ETH_DST);
        ck_assert(!memcmp(a.set_field.value.mac, mac, 6));
        free(in);
    }
    if ((in = lox_action("action_set_field__ipv6_src", &a))) {
        /* 4 + 20 = 24: a multiple of 8, so no padding. */
        ck_assert_uint_eq(a.set_field.field, OFPXMT_OFB_IPV6_SRC);
        ck_assert_uint_eq(a.set_field.value.ipv6[0], 0x00);
        ck_assert_uint_eq(a.set_field.value.ipv6[15], 0x0f);
        free(in);
    }
    if ((in = lox_action("action_set_field__tcp_src", &a))) {
        ck_assert_uint_eq(a.set_field.field, OFPXMT_OFB_TCP_SRC);
        ck_assert_uint_eq(a.set_field.value.u16, 50);
        free(in);
    }
    if ((in = lox_action("action_set_field__bsn_lag_id", &a))) {
        /* Big Switch OXM class 0x0003 inside set-field: opaque. */
        ck_assert(!ofp_oxm_is_known(&a.set_field));
        ck_assert_uint_eq(a.set_field.cls, 0x0003);
        ck_assert_uint_eq(a.set_field.field, 1);
        ck_assert_uint_eq(a.set_field.payload[0], 0x12);
        ck_assert_uint_eq(a.set_field.payload[3], 0x78);
        free(in);
    }
}
END_TEST

START_TEST(test_corpus_loxigen_instructions)
{
    struct ofp_arena arena;
    struct ofp_instruction inst;
    uint8_t *in;

    ofp_arena_init(&arena);
    if ((in = lox_instruction("instruction_goto_table", &inst, &arena))) {
        ck_assert_uint_eq(inst.type, OFPIT_GOTO_TABLE);
        ck_assert_uint_eq(inst.table_id, 5);
        free(in);
    }
    if ((in = lox_instruction("instruction_bsn_disable_src_mac_check", &inst,
                              &arena))) {
        ck_assert_uint_eq(inst.type, OFPIT_EXPERIMENTER);
        ck_assert_uint_eq(inst.experimenter.experimenter, 0x005c16c7);
        ck_assert_uint_eq(inst.experimenter.len, 8);
        ck_assert_uint_eq(inst.experimenter.data[3], 0); /* subtype 0 */
        free(in);
    }
    ofp_arena_uninit(&arena);
}
END_TEST

/* Counts for the ovs-ofctl flow_mod walk. */
struct ofctl_counts {
    size_t files;
    size_t instructions;
    size_t experimenter_actions;
};

static void
count_experimenter(const struct ofp_action_list *list, struct ofctl_counts *c)
{
    for (size_t i = 0; i < list->n; i++) {
        c->experimenter_actions += list->actions[i].type == OFPAT_EXPERIMENTER;
    }
}

/* Round-trips the instructions of a FLOW_MOD file (header 8 + 40 fixed
 * bytes, then the match padded to 8, then instructions). */
static void
ofctl_flow_mod(const char *path, const char *name, void *aux)
{
    struct ofctl_counts *c = aux;
    size_t n;
    if (strncmp(name, "ovs-ofctl-of13-", 15)) {
        return;
    }
    uint8_t *in = test_read_file(path, &n);
    ck_assert_ptr_nonnull(in);
    if (n < 56 || in[0] != OFP13_VERSION || in[1] != OFPT_FLOW_MOD) {
        free(in);
        return;
    }
    size_t match_len = (size_t) ((in[50] << 8) | in[51]);
    size_t ofs = 48 + ((match_len + 7) & ~(size_t) 7);
    size_t msg_len = (size_t) ((in[2] << 8) | in[3]);
    ck_assert_msg(msg_len == n && ofs <= n, "%s", name);

    struct ofp_arena arena;
    struct ofp_instruction_list list;
    struct ofp_rd rd;
    struct ofp_wbuf w;
    ofp_arena_init(&arena);
    ofp_rd_init(&rd, in + ofs, n - ofs);
    enum ofperr error = ofp_instructions_decode(&rd, &list, &arena);
    ck_assert_msg(!error, "%s: %s", name, ofperr_name(error));
    ofp_wbuf_init(&w);
    ofp_instructions_encode(&w, &list);
    ck_assert_msg(w.len == n - ofs && !memcmp(w.data, in + ofs, w.len),
                  "%s: instructions differ", name);
    for (size_t i = 0; i < list.n; i++) {
        const struct ofp_instruction *inst = &list.instructions[i];
        if (inst->type == OFPIT_APPLY_ACTIONS ||
            inst->type == OFPIT_WRITE_ACTIONS) {
            count_experimenter(&inst->actions, c);
        }
    }
    c->instructions += list.n;
    c->files++;
    ofp_wbuf_uninit(&w);
    ofp_arena_uninit(&arena);
    free(in);
}

START_TEST(test_corpus_ovs_ofctl_experimenter_actions)
{
    const char *dir = test_corpus_dir();
    if (!dir) {
        printf("# SKIP corpus absent: ovs-ofctl flow_mods not checked\n");
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/ryu-of13/packet_data", dir);
    struct ofctl_counts c = {0, 0, 0};
    test_for_each_file(path, ".packet", ofctl_flow_mod, &c);
    printf("# ovs-ofctl flow_mods: %zu files, %zu instructions, "
           "%zu Nicira experimenter actions round-tripped\n",
           c.files, c.instructions, c.experimenter_actions);
    ck_assert_uint_ge(c.files, 10);
    ck_assert_uint_ge(c.experimenter_actions, 10);
}
END_TEST

static Suite *
actions_suite(void)
{
    Suite *s = suite_create("ofp-actions");

    TCase *tc = tcase_create("actions");
    tcase_add_test(tc, test_action_every_type_decodes);
    tcase_add_test(tc, test_action_every_type_encodes_from_values);
    tcase_add_test(tc, test_action_names);
    tcase_add_test(tc, test_action_list_roundtrip);
    tcase_add_test(tc, test_action_list_empty);
    tcase_add_test(tc, test_action_experimenter_body_padded_on_encode);
    tcase_add_test(tc, test_action_experimenter_without_body);
    suite_add_tcase(s, tc);

    tc = tcase_create("bad-actions");
    tcase_add_test(tc, test_action_truncated);
    tcase_add_test(tc, test_action_length_zero);
    tcase_add_test(tc, test_action_length_not_multiple_of_8);
    tcase_add_test(tc, test_action_wrong_fixed_length);
    tcase_add_test(tc, test_action_length_beyond_input);
    tcase_add_test(tc, test_action_trailing_bytes_in_list);
    tcase_add_test(tc, test_action_unknown_type);
    tcase_add_test(tc, test_action_set_field_bad_oxm);
    tcase_add_test(tc, test_action_set_field_semantics);
    tcase_add_test(tc, test_instructions_check_nested);
    tcase_add_test(tc, test_action_set_field_opaque_oxm);
    tcase_add_test(tc, test_action_every_length_field_value);
    suite_add_tcase(s, tc);

    tc = tcase_create("instructions");
    tcase_add_test(tc, test_instruction_every_type_both_ways);
    tcase_add_test(tc, test_instruction_nested_action_values);
    tcase_add_test(tc, test_instruction_encode_from_values);
    tcase_add_test(tc, test_instruction_list_roundtrip);
    tcase_add_test(tc, test_instruction_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("bad-instructions");
    tcase_add_test(tc, test_instruction_truncated);
    tcase_add_test(tc, test_instruction_bad_lengths);
    tcase_add_test(tc, test_instruction_unknown_type);
    tcase_add_test(tc, test_instruction_nested_bad_action);
    suite_add_tcase(s, tc);

    tc = tcase_create("corpus");
    tcase_add_test(tc, test_corpus_loxigen_actions);
    tcase_add_test(tc, test_corpus_loxigen_instructions);
    tcase_add_test(tc, test_corpus_ovs_ofctl_experimenter_actions);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(actions_suite());
}
