/* Unit tests of ofp-msgs and ofp-types: every OpenFlow 1.3 message type
 * from hand-written fixtures (OpenFlow 1.3.5 layouts) decoded to field
 * values and re-encoded to the same bytes, messages built in code encoded
 * to the fixture bytes, framing errors, and arena reuse. */
#include <config.h>
#include "ofproto/ofp-msgs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test/test-util.h"

/* ---- fixtures: one well-formed message of every type ---- */

struct fixture {
    const char *hex;
    bool fixed; /* body has one size only */
};

static const struct fixture fixtures[OFPT_MAX + 1] = {
    [OFPT_HELLO] = {"04 00 00 20 00 00 00 01"
                    "00 01 00 0c 00 00 00 12 00 00 00 01 00 00 00 00"
                    "00 63 00 06 ab cd 00 00"},
    [OFPT_ERROR] = {"04 01 00 14 00 00 00 02 00 01 00 06"
                    "04 0e 00 48 00 00 00 00"},
    [OFPT_ECHO_REQUEST] = {"04 02 00 0c 00 00 00 03 de ad be ef"},
    [OFPT_ECHO_REPLY] = {"04 03 00 0c 00 00 00 03 de ad be ef"},
    [OFPT_EXPERIMENTER] = {"04 04 00 14 00 00 00 04 00 00 23 20"
                           "00 00 00 0a 01 02 03 04"},
    [OFPT_FEATURES_REQUEST] = {"04 05 00 08 00 00 00 05", true},
    [OFPT_FEATURES_REPLY] = {"04 06 00 20 00 00 00 05"
                             "00 00 00 00 00 00 00 2a 00 00 01 00"
                             "fe 01 00 00 00 00 00 4f 00 00 00 00",
                             true},
    [OFPT_GET_CONFIG_REQUEST] = {"04 07 00 08 00 00 00 06", true},
    [OFPT_GET_CONFIG_REPLY] = {"04 08 00 0c 00 00 00 06 00 01 00 80", true},
    [OFPT_SET_CONFIG] = {"04 09 00 0c 00 00 00 07 00 02 ff e5", true},
    [OFPT_PACKET_IN] = {"04 0a 00 30 00 00 00 08"
                        "ff ff ff ff 00 3c 01 02 00 00 00 00 00 00 00 99"
                        "00 01 00 0c 80 00 00 04 00 00 00 03 00 00 00 00"
                        "00 00 ff ff ff ff ff ff"},
    [OFPT_FLOW_REMOVED] = {"04 0b 00 40 00 00 00 09"
                           "00 00 00 00 00 00 00 11 80 00 00 01"
                           "00 00 00 0a 00 00 01 f4 00 3c 00 00"
                           "00 00 00 00 00 00 00 05 00 00 00 00 00 00 01 40"
                           "00 01 00 0a 80 00 0a 02 08 00 00 00 00 00 00 00"},
    [OFPT_PORT_STATUS] = {"04 0c 00 50 00 00 00 0a 02 00 00 00 00 00 00 00"
                          "00 00 00 01 00 00 00 00 02 00 00 00 00 01 00 00"
                          "65 74 68 31 00 00 00 00 00 00 00 00 00 00 00 00"
                          "00 00 00 00 00 00 00 04 00 00 28 20 00 00 28 20"
                          "00 00 28 20 00 00 00 00 00 98 96 80 00 98 96 80",
                          true},
    [OFPT_PACKET_OUT] = {"04 0d 00 2c 00 00 00 0b"
                         "ff ff ff ff ff ff ff fd 00 10 00 00 00 00 00 00"
                         "00 00 00 10 00 00 00 02 ff e5 00 00 00 00 00 00"
                         "01 02 03 04"},
    [OFPT_FLOW_MOD] = {"04 0e 00 58 00 00 00 0c"
                       "00 00 00 00 00 00 00 01 ff ff ff ff ff ff ff ff"
                       "00 00 00 0a 00 00 80 00 ff ff ff ff ff ff ff ff"
                       "ff ff ff ff 00 01 00 00"
                       "00 01 00 0c 80 00 00 04 00 00 00 01 00 00 00 00"
                       "00 04 00 18 00 00 00 00"
                       "00 00 00 10 00 00 00 02 ff e5 00 00 00 00 00 00"},
    [OFPT_GROUP_MOD] = {"04 0f 00 40 00 00 00 0d 00 00 01 00 00 00 00 01"
                        "00 20 00 01 ff ff ff ff ff ff ff ff 00 00 00 00"
                        "00 00 00 10 00 00 00 02 ff e5 00 00 00 00 00 00"
                        "00 10 00 02 ff ff ff ff ff ff ff ff 00 00 00 00"},
    [OFPT_PORT_MOD] = {"04 10 00 28 00 00 00 0e"
                       "00 00 00 01 00 00 00 00 02 00 00 00 00 01 00 00"
                       "00 00 00 01 00 00 00 01 00 00 00 20 00 00 00 00",
                       true},
    [OFPT_TABLE_MOD] = {"04 11 00 10 00 00 00 0f 01 00 00 00 00 00 00 03",
                        true},
    [OFPT_MULTIPART_REQUEST] = {"04 12 00 10 00 00 00 10"
                                "00 00 00 00 00 00 00 00"},
    [OFPT_MULTIPART_REPLY] = {"04 13 00 50 00 00 00 10"
                              "00 0d 00 00 00 00 00 00"
                              "00 00 00 01 00 00 00 00 02 00 00 00 00 01 00 00"
                              "65 74 68 31 00 00 00 00 00 00 00 00 00 00 00 00"
                              "00 00 00 00 00 00 00 04 00 00 28 20 00 00 28 20"
                              "00 00 28 20 00 00 00 00 "
                              "00 98 96 80 00 98 96 80"},
    [OFPT_BARRIER_REQUEST] = {"04 14 00 08 00 00 00 11", true},
    [OFPT_BARRIER_REPLY] = {"04 15 00 08 00 00 00 11", true},
    [OFPT_QUEUE_GET_CONFIG_REQUEST] = {"04 16 00 10 00 00 00 12"
                                       "00 00 00 01 00 00 00 00",
                                       true},
    [OFPT_QUEUE_GET_CONFIG_REPLY] =
        {"04 17 00 42 00 00 00 12 00 00 00 01 00 00 00 00"
         "00 00 00 01 00 00 00 01 00 32 00 00 00 00 00 00"
         "00 01 00 10 00 00 00 00 01 f4 00 00 00 00 00 00"
         "ff ff 00 12 00 00 00 00 00 00 23 20 00 00 00 00 ab cd"},
    [OFPT_ROLE_REQUEST] = {"04 18 00 18 00 00 00 13 00 00 00 02 00 00 00 00"
                           "01 02 03 04 05 06 07 08",
                           true},
    [OFPT_ROLE_REPLY] = {"04 19 00 18 00 00 00 13 00 00 00 03 00 00 00 00"
                         "01 02 03 04 05 06 07 08",
                         true},
    [OFPT_GET_ASYNC_REQUEST] = {"04 1a 00 08 00 00 00 14", true},
    [OFPT_GET_ASYNC_REPLY] = {"04 1b 00 20 00 00 00 14"
                              "00 00 00 07 00 00 00 00 00 00 00 07 00 00 00 03"
                              "00 00 00 0f 00 00 00 01",
                              true},
    [OFPT_SET_ASYNC] = {"04 1c 00 20 00 00 00 15"
                        "00 00 00 03 00 00 00 01 00 00 00 07 00 00 00 07"
                        "00 00 00 0b 00 00 00 00",
                        true},
    [OFPT_METER_MOD] = {"04 1d 00 48 00 00 00 16 00 00 00 05 00 00 00 01"
                        "00 01 00 10 00 00 03 e8 00 00 00 64 00 00 00 00"
                        "00 02 00 10 00 00 07 d0 00 00 00 c8 01 00 00 00"
                        "ff ff 00 18 00 00 0b b8 00 00 01 2c 00 00 23 20"
                        "01 02 03 04 05 06 07 08"},
};

/* ---- per-test state: input bytes, arena, decoded message, output ---- */

static struct {
    uint8_t *in;
    size_t len;
    struct ofp_arena arena;
    struct ofp_arena ref_arena; /* for the reference decoder */
    struct ofp_msg msg;
    struct ofp_wbuf out;
} t;

static void
setup(void)
{
    memset(&t, 0, sizeof t);
    ofp_arena_init(&t.arena);
    ofp_arena_init(&t.ref_arena);
    ofp_wbuf_init(&t.out);
}

static void
teardown(void)
{
    free(t.in);
    ofp_arena_uninit(&t.arena);
    ofp_arena_uninit(&t.ref_arena);
    ofp_wbuf_uninit(&t.out);
}

/* Replaces the input with the bytes of 'hex'. */
static void
load_hex(const char *hex)
{
    free(t.in);
    t.in = test_parse_hex(hex, &t.len);
    ck_assert_msg(t.in != NULL, "bad fixture hex");
}

/* Sets the length field of the input to its size. */
static void
fix_length(void)
{
    t.in[2] = (uint8_t) (t.len >> 8);
    t.in[3] = (uint8_t) t.len;
}

static enum ofperr
decode_input(void)
{
    return ofp_msg_decode(t.in, t.len, &t.msg, &t.arena);
}

/* Checks that encoding 't.msg' gives exactly the input bytes. */
static void
assert_encodes_to_input(void)
{
    ofp_wbuf_clear(&t.out);
    enum ofperr error = ofp_msg_encode(&t.out, &t.msg);
    ck_assert_msg(!error, "encode: %s", ofperr_name(error));
    ck_assert_msg(t.out.len == t.len && !memcmp(t.out.data, t.in, t.len),
                  "re-encoded as %s", test_hex(t.out.data, t.out.len));
}

/* Decodes 'hex' as a message of 'type', checks that it re-encodes to the
 * same bytes, and returns the decoded message. */
static const struct ofp_msg *
decode_ok(const char *hex, uint8_t type)
{
    load_hex(hex);
    enum ofperr error = decode_input();
    ck_assert_msg(!error, "decode: %s", ofperr_name(error));
    ck_assert_uint_eq(t.msg.type, type);
    assert_encodes_to_input();
    return &t.msg;
}

/* Decodes 'hex' and returns the error. */
static enum ofperr
decode_err(const char *hex)
{
    load_hex(hex);
    return decode_input();
}

/* Checks that 'msg' encodes to exactly the bytes of 'hex'. */
static void
assert_encodes_to_hex(const struct ofp_msg *msg, const char *hex)
{
    size_t len;
    uint8_t *want = test_parse_hex(hex, &len);
    ck_assert(want != NULL);
    ofp_wbuf_clear(&t.out);
    enum ofperr error = ofp_msg_encode(&t.out, msg);
    ck_assert_msg(!error, "encode: %s", ofperr_name(error));
    ck_assert_msg(t.out.len == len && !memcmp(t.out.data, want, len),
                  "encoded as %s", test_hex(t.out.data, t.out.len));
    free(want);
}

#define ck_assert_err(EXPR, ERR)                                              \
    do {                                                                      \
        enum ofperr e_ = (EXPR);                                              \
        ck_assert_msg(e_ == (ERR), "got %s, want %s", ofperr_name(e_),        \
                      ofperr_name(ERR));                                      \
    } while (0)

/* ---- the table ---- */

START_TEST(test_type_names_and_min_lens)
{
    static const char *const names[OFPT_MAX + 1] = {
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
    static const size_t min_lens[OFPT_MAX + 1] = {
        8,  12, 8,  8,  16, 8, 32, 8,  12, 12, 34, 56, 80, 24, 56,
        16, 40, 16, 16, 16, 8, 8,  16, 16, 24, 24, 8,  32, 32, 16,
    };
    for (int i = 0; i <= OFPT_MAX; i++) {
        ck_assert_str_eq(ofp_type_name((uint8_t) i), names[i]);
        ck_assert_uint_eq(ofp_type_min_len((uint8_t) i), min_lens[i]);
    }
    ck_assert_ptr_null(ofp_type_name(30));
    ck_assert_ptr_null(ofp_type_name(255));
    ck_assert_uint_eq(ofp_type_min_len(30), 0);
}
END_TEST

/* Every fixture decodes, keeps its type and xid, and re-encodes to the same
 * bytes. */
START_TEST(test_every_type_round_trips)
{
    const struct ofp_msg *msg = decode_ok(fixtures[_i].hex, (uint8_t) _i);
    ck_assert_uint_eq(msg->version, OFP13_VERSION);
    uint32_t xid = ((uint32_t) t.in[4] << 24) | ((uint32_t) t.in[5] << 16) |
                   ((uint32_t) t.in[6] << 8) | t.in[7];
    ck_assert_uint_eq(msg->xid, xid);
    ck_assert_uint_eq(t.len, (size_t) t.in[2] << 8 | t.in[3]);
}
END_TEST

START_TEST(test_xid_preserved)
{
    load_hex("04 02 00 08 de ad be ef");
    ck_assert_err(decode_input(), 0);
    ck_assert_uint_eq(t.msg.xid, 0xdeadbeef);
    assert_encodes_to_input();

    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_BARRIER_REQUEST, 0x80000001);
    assert_encodes_to_hex(&msg, "04 14 00 08 80 00 00 01");
}
END_TEST

START_TEST(test_msg_init)
{
    struct ofp_msg msg;
    memset(&msg, 0xa5, sizeof msg);
    ofp_msg_init(&msg, OFPT_FLOW_MOD, 7);
    ck_assert_uint_eq(msg.version, OFP13_VERSION);
    ck_assert_uint_eq(msg.type, OFPT_FLOW_MOD);
    ck_assert_uint_eq(msg.xid, 7);
    ck_assert_uint_eq(msg.flow_mod.match.type, OFPMT_OXM);
    ck_assert_uint_eq(msg.flow_mod.match.n_oxms, 0);
    ck_assert_uint_eq(msg.flow_mod.instructions.n, 0);
    ck_assert_uint_eq(msg.flow_mod.cookie, 0);
    /* An empty FLOW_MOD is its 56-byte minimum. */
    ofp_wbuf_clear(&t.out);
    ck_assert_err(ofp_msg_encode(&t.out, &msg), 0);
    ck_assert_uint_eq(t.out.len, 56);

    ofp_msg_init(&msg, OFPT_PACKET_IN, 1);
    ck_assert_uint_eq(msg.packet_in.match.type, OFPMT_OXM);
    ofp_msg_init(&msg, OFPT_FLOW_REMOVED, 1);
    ck_assert_uint_eq(msg.flow_removed.match.type, OFPMT_OXM);
}
END_TEST

/* ---- HELLO ---- */

START_TEST(test_hello_elements)
{
    const struct ofp_msg *m = decode_ok(fixtures[OFPT_HELLO].hex, OFPT_HELLO);
    ck_assert_uint_eq(m->xid, 1);
    ck_assert_uint_eq(m->hello.n_elems, 2);
    const struct ofp_hello_elem *e = &m->hello.elems[0];
    ck_assert_uint_eq(e->type, OFPHET_VERSIONBITMAP);
    ck_assert_uint_eq(e->n_bitmaps, 2);
    ck_assert_uint_eq(e->bitmaps[0], 0x12);
    ck_assert_uint_eq(e->bitmaps[1], 0x1);
    e = &m->hello.elems[1];
    ck_assert_uint_eq(e->type, 0x63);
    ck_assert_uint_eq(e->len, 2);
    ck_assert_uint_eq(e->data[0], 0xab);
    ck_assert_uint_eq(e->data[1], 0xcd);
    ck_assert_ptr_eq(e->data, t.in + 28); /* borrowed, not copied */

    ck_assert(ofp_hello_offers(m, 1));
    ck_assert(ofp_hello_offers(m, 4));
    ck_assert(!ofp_hello_offers(m, 3));
    ck_assert(!ofp_hello_offers(m, 5));
    ck_assert(ofp_hello_offers(m, 32));
    ck_assert(!ofp_hello_offers(m, 33));
    ck_assert(!ofp_hello_offers(m, 64)); /* beyond the bitmaps */
}
END_TEST

START_TEST(test_hello_encode_built)
{
    uint32_t bitmap = 1u << OFP13_VERSION;
    struct ofp_hello_elem elem = {
        .type = OFPHET_VERSIONBITMAP,
        .n_bitmaps = 1,
        .bitmaps = &bitmap,
    };
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_HELLO, 9);
    msg.hello.n_elems = 1;
    msg.hello.elems = &elem;
    assert_encodes_to_hex(&msg, "04 00 00 10 00 00 00 09"
                                "00 01 00 08 00 00 00 10");

    /* A 12-byte element is padded to 16 with zeroes. */
    uint32_t bitmaps[2] = {0x10, 0x80000000};
    elem.n_bitmaps = 2;
    elem.bitmaps = bitmaps;
    assert_encodes_to_hex(&msg, "04 00 00 18 00 00 00 09"
                                "00 01 00 0c 00 00 00 10 80 00 00 00"
                                "00 00 00 00");

    ofp_msg_init(&msg, OFPT_HELLO, 9);
    assert_encodes_to_hex(&msg, "04 00 00 08 00 00 00 09");
}
END_TEST

START_TEST(test_hello_without_bitmap_offers_up_to_version)
{
    const struct ofp_msg *m = decode_ok("04 00 00 08 00 00 00 01", OFPT_HELLO);
    ck_assert_uint_eq(m->hello.n_elems, 0);
    ck_assert(ofp_hello_offers(m, 1));
    ck_assert(ofp_hello_offers(m, 4));
    ck_assert(!ofp_hello_offers(m, 5));

    /* An element of another type is not a bitmap. */
    m = decode_ok("04 00 00 10 00 00 00 01 00 02 00 04 00 00 00 00",
                  OFPT_HELLO);
    ck_assert_uint_eq(m->hello.n_elems, 1);
    ck_assert_uint_eq(m->hello.elems[0].len, 0);
    ck_assert(ofp_hello_offers(m, 4));
    ck_assert(!ofp_hello_offers(m, 5));
}
END_TEST

START_TEST(test_hello_of_other_version_decodes)
{
    /* OpenFlow 1.0 HELLO: a controller must read it to answer
     * HELLO_FAILED. */
    const struct ofp_msg *m = decode_ok("01 00 00 08 00 00 00 07", OFPT_HELLO);
    ck_assert_uint_eq(m->version, 1);
    ck_assert(ofp_hello_offers(m, 1));
    ck_assert(!ofp_hello_offers(m, 4));

    /* OpenFlow 1.5 HELLO offering 1.3 and 1.5. */
    m = decode_ok("06 00 00 10 00 00 00 07 00 01 00 08 00 00 00 50",
                  OFPT_HELLO);
    ck_assert_uint_eq(m->version, 6);
    ck_assert(ofp_hello_offers(m, 4));
    ck_assert(ofp_hello_offers(m, 6));
    ck_assert(!ofp_hello_offers(m, 5));
}
END_TEST

START_TEST(test_hello_offers_false_for_other_types)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_ECHO_REQUEST].hex, OFPT_ECHO_REQUEST);
    ck_assert(!ofp_hello_offers(m, 4));
}
END_TEST

START_TEST(test_hello_elem_len_zero)
{
    ck_assert_err(decode_err("04 00 00 10 00 00 00 01 "
                             "00 01 00 00 00 00 00 10"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_hello_elem_len_beyond_end)
{
    ck_assert_err(decode_err("04 00 00 10 00 00 00 01 "
                             "00 01 00 10 00 00 00 10"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_hello_unpadded_elements)
{
    /* Elements back to back, without their padding (as LoxiGen and Ryu
     * send them): decoded, and re-encoded the same way. */
    const struct ofp_msg *m = decode_ok("04 00 00 20 00 00 00 01"
                                        "00 01 00 0c 00 00 00 01 00 00 00 02"
                                        "00 01 00 0c 00 00 00 03 00 00 00 04",
                                        OFPT_HELLO);
    ck_assert_uint_eq(m->hello.n_elems, 2);
    ck_assert(m->hello.elems[0].unpadded);
    ck_assert(m->hello.elems[1].unpadded);
    ck_assert_uint_eq(m->hello.elems[1].bitmaps[1], 4);
    /* The first bitmap element counts. */
    ck_assert(ofp_hello_offers(m, 0));
    ck_assert(!ofp_hello_offers(m, 1));
    ck_assert(ofp_hello_offers(m, 33));

    /* Padded elements are marked so. */
    m = decode_ok(fixtures[OFPT_HELLO].hex, OFPT_HELLO);
    ck_assert(!m->hello.elems[0].unpadded);
    ck_assert(!m->hello.elems[1].unpadded);
}
END_TEST

START_TEST(test_hello_elem_partial_header)
{
    ck_assert_err(decode_err("04 00 00 0a 00 00 00 01 00 01"),
                  OFPERR_OFPBRC_BAD_LEN);
    /* After an unpadded element, two bytes that are not an element. */
    ck_assert_err(decode_err("04 00 00 16 00 00 00 01 "
                             "00 01 00 0c 00 00 00 10 00 00 00 00 00 01"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_hello_elem_bad_padding)
{
    /* Non-zero bytes where padding belongs start an element, which here
     * runs past the end. */
    ck_assert_err(decode_err("04 00 00 18 00 00 00 01 "
                             "00 01 00 0c 00 00 00 10 00 00 00 00"
                             "ff ff ff ff"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_hello_bitmap_not_whole_words)
{
    ck_assert_err(decode_err("04 00 00 10 00 00 00 01 "
                             "00 01 00 06 00 10 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_hello_elem_fragment)
{
    /* A lone element, as LoxiGen's hello_elem_versionbitmap: 12 bytes, no
     * padding. */
    static const uint8_t in[] = {0x00, 0x01, 0x00, 0x0c, 0x01, 0x23,
                                 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    struct ofp_rd rd;
    struct ofp_hello_elem elem;
    ofp_rd_init(&rd, in, sizeof in);
    ck_assert_err(ofp_hello_elem_decode(&rd, &elem, &t.arena), 0);
    ck_assert_uint_eq(rd.left, 0);
    ck_assert_uint_eq(elem.type, OFPHET_VERSIONBITMAP);
    ck_assert_uint_eq(elem.n_bitmaps, 2);
    ck_assert_uint_eq(elem.bitmaps[0], 0x01234567);
    ck_assert_uint_eq(elem.bitmaps[1], 0x89abcdef);
    ofp_hello_elem_encode(&t.out, &elem);
    ck_assert_uint_eq(t.out.len, sizeof in);
    ck_assert_mem_eq(t.out.data, in, sizeof in);

    /* Truncated by one byte. */
    ofp_rd_init(&rd, in, sizeof in - 1);
    ck_assert_err(ofp_hello_elem_decode(&rd, &elem, &t.arena),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

/* ---- ERROR, ECHO, EXPERIMENTER ---- */

START_TEST(test_error_fields)
{
    const struct ofp_msg *m = decode_ok(fixtures[OFPT_ERROR].hex, OFPT_ERROR);
    ck_assert_uint_eq(m->error.type, OFPET_BAD_REQUEST);
    ck_assert_uint_eq(m->error.code, 6);
    ck_assert_uint_eq(m->error.experimenter, 0);
    ck_assert_uint_eq(m->error.len, 8);
    ck_assert_ptr_eq(m->error.data, t.in + 12);
    ck_assert_err(ofperr_from_type_code(m->error.type, m->error.code),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_error_experimenter)
{
    const struct ofp_msg *m = decode_ok("04 01 00 14 00 00 00 02"
                                        "ff ff 00 07 00 00 23 20"
                                        "aa bb cc dd",
                                        OFPT_ERROR);
    ck_assert_uint_eq(m->error.type, OFPET_EXPERIMENTER);
    ck_assert_uint_eq(m->error.code, 7);
    ck_assert_uint_eq(m->error.experimenter, 0x2320);
    ck_assert_uint_eq(m->error.len, 4);
    ck_assert_uint_eq(m->error.data[3], 0xdd);
}
END_TEST

START_TEST(test_error_experimenter_short)
{
    ck_assert_err(decode_err("04 01 00 0e 00 00 00 02 ff ff 00 07 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_error_encode_built)
{
    static const uint8_t data[] = {0x04, 0x0e, 0x00, 0x48,
                                   0x00, 0x00, 0x00, 0x00};
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_ERROR, 2);
    msg.error.type = ofperr_type(OFPERR_OFPBRC_BAD_LEN);
    msg.error.code = ofperr_code(OFPERR_OFPBRC_BAD_LEN);
    msg.error.data = data;
    msg.error.len = sizeof data;
    assert_encodes_to_hex(&msg, fixtures[OFPT_ERROR].hex);
}
END_TEST

START_TEST(test_echo_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_ECHO_REQUEST].hex, OFPT_ECHO_REQUEST);
    ck_assert_uint_eq(m->echo.len, 4);
    ck_assert_ptr_eq(m->echo.data, t.in + 8);
    m = decode_ok(fixtures[OFPT_ECHO_REPLY].hex, OFPT_ECHO_REPLY);
    ck_assert_uint_eq(m->echo.len, 4);
    ck_assert_uint_eq(m->echo.data[0], 0xde);
    m = decode_ok("04 03 00 08 00 00 00 03", OFPT_ECHO_REPLY);
    ck_assert_uint_eq(m->echo.len, 0);
}
END_TEST

START_TEST(test_experimenter_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_EXPERIMENTER].hex, OFPT_EXPERIMENTER);
    ck_assert_uint_eq(m->experimenter.experimenter, 0x2320);
    ck_assert_uint_eq(m->experimenter.exp_type, 10);
    ck_assert_uint_eq(m->experimenter.len, 4);
    ck_assert_uint_eq(m->experimenter.data[3], 4);
}
END_TEST

/* ---- switch configuration ---- */

START_TEST(test_features_reply_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_FEATURES_REPLY].hex, OFPT_FEATURES_REPLY);
    ck_assert_uint_eq(m->features.datapath_id, 0x2a);
    ck_assert_uint_eq(m->features.n_buffers, 256);
    ck_assert_uint_eq(m->features.n_tables, 254);
    ck_assert_uint_eq(m->features.auxiliary_id, 1);
    ck_assert_uint_eq(m->features.capabilities,
                      OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS |
                          OFPC_GROUP_STATS | OFPC_QUEUE_STATS);
    ck_assert_uint_eq(m->features.reserved, 0);
}
END_TEST

START_TEST(test_features_reply_encode_built)
{
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_FEATURES_REPLY, 5);
    msg.features.datapath_id = 0x2a;
    msg.features.n_buffers = 256;
    msg.features.n_tables = 254;
    msg.features.auxiliary_id = 1;
    msg.features.capabilities = 0x4f;
    assert_encodes_to_hex(&msg, fixtures[OFPT_FEATURES_REPLY].hex);
}
END_TEST

START_TEST(test_empty_bodies)
{
    static const uint8_t types[] = {
        OFPT_FEATURES_REQUEST, OFPT_GET_CONFIG_REQUEST, OFPT_BARRIER_REQUEST,
        OFPT_BARRIER_REPLY,    OFPT_GET_ASYNC_REQUEST,
    };
    for (size_t i = 0; i < sizeof types; i++) {
        const struct ofp_msg *m = decode_ok(fixtures[types[i]].hex, types[i]);
        ck_assert_uint_eq(t.len, 8);
        ck_assert_uint_eq(m->xid, t.in[7]);

        struct ofp_msg built;
        ofp_msg_init(&built, types[i], t.in[7]);
        assert_encodes_to_hex(&built, fixtures[types[i]].hex);
    }
}
END_TEST

START_TEST(test_config_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_GET_CONFIG_REPLY].hex, OFPT_GET_CONFIG_REPLY);
    ck_assert_uint_eq(m->config.flags, OFPC_FRAG_DROP);
    ck_assert_uint_eq(m->config.miss_send_len, 128);
    m = decode_ok(fixtures[OFPT_SET_CONFIG].hex, OFPT_SET_CONFIG);
    ck_assert_uint_eq(m->config.flags, OFPC_FRAG_REASM);
    ck_assert_uint_eq(m->config.miss_send_len, OFPCML_MAX);

    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_SET_CONFIG, 7);
    msg.config.flags = OFPC_FRAG_REASM;
    msg.config.miss_send_len = OFPCML_MAX;
    assert_encodes_to_hex(&msg, fixtures[OFPT_SET_CONFIG].hex);
}
END_TEST

/* ---- asynchronous messages (switch to controller) ---- */

START_TEST(test_packet_in_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_PACKET_IN].hex, OFPT_PACKET_IN);
    const struct ofp_packet_in *pin = &m->packet_in;
    ck_assert_uint_eq(pin->buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(pin->total_len, 60);
    ck_assert_uint_eq(pin->reason, OFPR_ACTION);
    ck_assert_uint_eq(pin->table_id, 2);
    ck_assert_uint_eq(pin->cookie, 0x99);
    ck_assert_uint_eq(pin->match.n_oxms, 1);
    const struct ofp_oxm *in_port =
        ofp_match_find(&pin->match, OFPXMT_OFB_IN_PORT);
    ck_assert_ptr_nonnull(in_port);
    ck_assert_uint_eq(in_port->value.u32, 3);
    ck_assert_uint_eq(pin->len, 6);
    ck_assert_ptr_eq(pin->data, t.in + 42);
}
END_TEST

START_TEST(test_packet_in_encode_built)
{
    static const uint8_t frame[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    struct ofp_oxm oxm;
    ck_assert(ofp_oxm_init_basic(&oxm, OFPXMT_OFB_IN_PORT));
    oxm.value.u32 = 3;

    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_PACKET_IN, 8);
    msg.packet_in.buffer_id = OFP_NO_BUFFER;
    msg.packet_in.total_len = 60;
    msg.packet_in.reason = OFPR_ACTION;
    msg.packet_in.table_id = 2;
    msg.packet_in.cookie = 0x99;
    msg.packet_in.match.n_oxms = 1;
    msg.packet_in.match.oxms = &oxm;
    msg.packet_in.data = frame;
    msg.packet_in.len = sizeof frame;
    assert_encodes_to_hex(&msg, fixtures[OFPT_PACKET_IN].hex);
}
END_TEST

START_TEST(test_packet_in_without_pad)
{
    /* The match ends the message: the two pad bytes are missing. */
    ck_assert_err(decode_err("04 0a 00 20 00 00 00 08"
                             "ff ff ff ff 00 3c 01 02 00 00 00 00 00 00 00 99"
                             "00 01 00 04 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
    /* The match is longer than the message. */
    ck_assert_err(decode_err("04 0a 00 22 00 00 00 08"
                             "ff ff ff ff 00 3c 01 02 00 00 00 00 00 00 00 99"
                             "00 01 00 0c 80 00 00 04 00 00"),
                  OFPERR_OFPBMC_BAD_LEN);
}
END_TEST

START_TEST(test_flow_removed_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_FLOW_REMOVED].hex, OFPT_FLOW_REMOVED);
    const struct ofp_flow_removed *fr = &m->flow_removed;
    ck_assert_uint_eq(fr->cookie, 0x11);
    ck_assert_uint_eq(fr->priority, 0x8000);
    ck_assert_uint_eq(fr->reason, OFPRR_IDLE_TIMEOUT);
    ck_assert_uint_eq(fr->table_id, 1);
    ck_assert_uint_eq(fr->duration_sec, 10);
    ck_assert_uint_eq(fr->duration_nsec, 500);
    ck_assert_uint_eq(fr->idle_timeout, 60);
    ck_assert_uint_eq(fr->hard_timeout, 0);
    ck_assert_uint_eq(fr->packet_count, 5);
    ck_assert_uint_eq(fr->byte_count, 320);
    const struct ofp_oxm *eth_type =
        ofp_match_find(&fr->match, OFPXMT_OFB_ETH_TYPE);
    ck_assert_ptr_nonnull(eth_type);
    ck_assert_uint_eq(eth_type->value.u16, 0x0800);
}
END_TEST

START_TEST(test_flow_removed_trailing_bytes)
{
    /* Eight bytes after the match cannot be represented: rejected. */
    ck_assert_err(decode_err("04 0b 00 40 00 00 00 09"
                             "00 00 00 00 00 00 00 11 80 00 00 01"
                             "00 00 00 0a 00 00 01 f4 00 3c 00 00"
                             "00 00 00 00 00 00 00 05 00 00 00 00 00 00 01 40"
                             "00 01 00 04 00 00 00 00 "
                             "00 00 00 00 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_port_status_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_PORT_STATUS].hex, OFPT_PORT_STATUS);
    const struct ofp_port *p = &m->port_status.desc;
    static const uint8_t mac[] = {2, 0, 0, 0, 0, 1};
    ck_assert_uint_eq(m->port_status.reason, OFPPR_MODIFY);
    ck_assert_uint_eq(p->port_no, 1);
    ck_assert_mem_eq(p->hw_addr, mac, 6);
    ck_assert_str_eq(p->name, "eth1");
    ck_assert_uint_eq(p->config, 0);
    ck_assert_uint_eq(p->state, OFPPS_LIVE);
    ck_assert_uint_eq(p->curr, OFPPF_1GB_FD | OFPPF_COPPER | OFPPF_AUTONEG);
    ck_assert_uint_eq(p->advertised, p->curr);
    ck_assert_uint_eq(p->supported, p->curr);
    ck_assert_uint_eq(p->peer, 0);
    ck_assert_uint_eq(p->curr_speed, 10000000);
    ck_assert_uint_eq(p->max_speed, 10000000);
}
END_TEST

START_TEST(test_port_status_encode_built)
{
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_PORT_STATUS, 10);
    msg.port_status.reason = OFPPR_MODIFY;
    struct ofp_port *p = &msg.port_status.desc;
    p->port_no = 1;
    memcpy(p->hw_addr, (uint8_t[]){2, 0, 0, 0, 0, 1}, 6);
    snprintf(p->name, sizeof p->name, "%s", "eth1");
    p->state = OFPPS_LIVE;
    p->curr = p->advertised = p->supported = 0x2820;
    p->curr_speed = p->max_speed = 10000000;
    assert_encodes_to_hex(&msg, fixtures[OFPT_PORT_STATUS].hex);
}
END_TEST

START_TEST(test_port_name_keeps_raw_bytes)
{
    /* "ab", NUL, then garbage: the name reads "ab" and re-encodes with the
     * garbage; a 16-byte name with no NUL is terminated. */
    const struct ofp_msg *m =
        decode_ok("04 0c 00 50 00 00 00 0a 00 00 00 00 00 00 00 00"
                  "00 00 00 01 00 00 00 00 02 00 00 00 00 01 00 00"
                  "61 62 00 78 79 7a 00 00 00 00 00 00 00 00 00 01"
                  "00 00 00 00 00 00 00 04 00 00 28 20 00 00 28 20"
                  "00 00 28 20 00 00 00 00 00 98 96 80 00 98 96 80",
                  OFPT_PORT_STATUS);
    ck_assert_str_eq(m->port_status.desc.name, "ab");
    ck_assert_uint_eq((uint8_t) m->port_status.desc.name[3], 'x');

    m = decode_ok("04 0c 00 50 00 00 00 0a 00 00 00 00 00 00 00 00"
                  "00 00 00 01 00 00 00 00 02 00 00 00 00 01 00 00"
                  "61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70"
                  "00 00 00 00 00 00 00 04 00 00 28 20 00 00 28 20"
                  "00 00 28 20 00 00 00 00 00 98 96 80 00 98 96 80",
                  OFPT_PORT_STATUS);
    ck_assert_str_eq(m->port_status.desc.name, "abcdefghijklmnop");
}
END_TEST

START_TEST(test_port_decode_short)
{
    struct ofp_rd rd;
    struct ofp_port port;
    uint8_t in[OFP_PORT_LEN - 1] = {0};
    ofp_rd_init(&rd, in, sizeof in);
    ck_assert_err(ofp_port_decode(&rd, &port), OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

/* ---- controller commands ---- */

START_TEST(test_packet_out_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_PACKET_OUT].hex, OFPT_PACKET_OUT);
    const struct ofp_packet_out *po = &m->packet_out;
    ck_assert_uint_eq(po->buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(po->in_port, OFPP_CONTROLLER);
    ck_assert_uint_eq(po->actions.n, 1);
    ck_assert_uint_eq(po->actions.actions[0].type, OFPAT_OUTPUT);
    ck_assert_uint_eq(po->actions.actions[0].output.port, 2);
    ck_assert_uint_eq(po->actions.actions[0].output.max_len, OFPCML_MAX);
    ck_assert_uint_eq(po->len, 4);
    ck_assert_ptr_eq(po->data, t.in + 40);
}
END_TEST

/* The PACKET_OUT of fixtures[OFPT_PACKET_OUT] (xid 11), its one action in
 * '*output'. */
static struct ofp_packet_out
fixture_packet_out(struct ofp_action *output)
{
    static const uint8_t frame[] = {1, 2, 3, 4};

    *output = (struct ofp_action) {.type = OFPAT_OUTPUT};
    output->output.port = 2;
    output->output.max_len = OFPCML_MAX;
    return (struct ofp_packet_out) {
        .buffer_id = OFP_NO_BUFFER,
        .in_port = OFPP_CONTROLLER,
        .actions = {1, output},
        .len = sizeof frame,
        .data = frame,
    };
}

START_TEST(test_packet_out_encode_built)
{
    struct ofp_action output;
    struct ofp_msg msg;

    ofp_msg_init(&msg, OFPT_PACKET_OUT, 11);
    msg.packet_out = fixture_packet_out(&output);
    assert_encodes_to_hex(&msg, fixtures[OFPT_PACKET_OUT].hex);
}
END_TEST

/* ofp_packet_out_encode(), the hot path's encoder, writes what
 * ofp_msg_encode() does for a message holding the same PACKET_OUT, after
 * what 'out' already holds. */
START_TEST(test_packet_out_encode_direct)
{
    struct ofp_action output;
    struct ofp_packet_out po = fixture_packet_out(&output);
    size_t len;
    uint8_t *want = test_parse_hex(fixtures[OFPT_PACKET_OUT].hex, &len);

    ofp_wbuf_clear(&t.out);
    ofp_wbuf_put(&t.out, "xyz", 3);
    ck_assert_int_eq(ofp_packet_out_encode(&t.out, 11, &po), 0);
    ck_assert_uint_eq(t.out.len, 3 + len);
    ck_assert_msg(!memcmp(t.out.data, "xyz", 3) &&
                      !memcmp(t.out.data + 3, want, len),
                  "encoded as %s", test_hex(t.out.data, t.out.len));
    free(want);
}
END_TEST

/* Too long for its length field, or for a fixed buffer: an error, and
 * nothing appended. */
START_TEST(test_packet_out_encode_direct_refuses)
{
    static uint8_t big[65536 - 24];
    uint8_t fixed[40];
    struct ofp_wbuf wb;
    struct ofp_packet_out po = {
        .buffer_id = OFP_NO_BUFFER, .len = sizeof big, .data = big};

    ofp_wbuf_clear(&t.out);
    ck_assert_err(ofp_packet_out_encode(&t.out, 1, &po),
                  OFPERR_OFPBRC_BAD_LEN);
    ck_assert_uint_eq(t.out.len, 0);
    po.len--; /* 65535 bytes: the largest message */
    ck_assert_int_eq(ofp_packet_out_encode(&t.out, 1, &po), 0);
    ck_assert_uint_eq(t.out.len, 65535);

    po.len = sizeof fixed - 24 + 1;
    ofp_wbuf_use_fixed(&wb, fixed, sizeof fixed);
    ck_assert_err(ofp_packet_out_encode(&wb, 1, &po), OFPERR_OFPBRC_BAD_LEN);
    ck_assert(wb.overflow);
    ck_assert_uint_eq(wb.len, 0);
}
END_TEST

START_TEST(test_packet_out_actions_len_beyond_end)
{
    ck_assert_err(decode_err("04 0d 00 28 00 00 00 0b"
                             "ff ff ff ff ff ff ff fd 00 18 00 00 00 00 00 00"
                             "00 00 00 10 00 00 00 02 "
                             "ff e5 00 00 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_packet_out_actions_len_cuts_action)
{
    /* actions_len 8 splits the 16-byte output action: an action error. */
    ck_assert_err(decode_err("04 0d 00 28 00 00 00 0b"
                             "ff ff ff ff ff ff ff fd 00 08 00 00 00 00 00 00"
                             "00 00 00 10 00 00 00 02 "
                             "ff e5 00 00 00 00 00 00"),
                  OFPERR_OFPBAC_BAD_LEN);
}
END_TEST

START_TEST(test_packet_out_no_actions_no_data)
{
    const struct ofp_msg *m = decode_ok("04 0d 00 18 00 00 00 0b"
                                        "00 00 01 00 00 00 00 01"
                                        "00 00 00 00 00 00 00 00",
                                        OFPT_PACKET_OUT);
    ck_assert_uint_eq(m->packet_out.buffer_id, 256);
    ck_assert_uint_eq(m->packet_out.in_port, 1);
    ck_assert_uint_eq(m->packet_out.actions.n, 0);
    ck_assert_uint_eq(m->packet_out.len, 0);
}
END_TEST

START_TEST(test_flow_mod_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_FLOW_MOD].hex, OFPT_FLOW_MOD);
    const struct ofp_flow_mod *fm = &m->flow_mod;
    ck_assert_uint_eq(fm->cookie, 1);
    ck_assert_uint_eq(fm->cookie_mask, UINT64_MAX);
    ck_assert_uint_eq(fm->table_id, 0);
    ck_assert_uint_eq(fm->command, OFPFC_ADD);
    ck_assert_uint_eq(fm->idle_timeout, 10);
    ck_assert_uint_eq(fm->hard_timeout, 0);
    ck_assert_uint_eq(fm->priority, 0x8000);
    ck_assert_uint_eq(fm->buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(fm->out_port, OFPP_ANY);
    ck_assert_uint_eq(fm->out_group, OFPG_ANY);
    ck_assert_uint_eq(fm->flags, OFPFF_SEND_FLOW_REM);
    ck_assert_uint_eq(fm->match.n_oxms, 1);
    ck_assert_uint_eq(fm->match.oxms[0].value.u32, 1);
    ck_assert_uint_eq(fm->instructions.n, 1);
    const struct ofp_instruction *inst = &fm->instructions.instructions[0];
    ck_assert_uint_eq(inst->type, OFPIT_APPLY_ACTIONS);
    ck_assert_uint_eq(inst->actions.n, 1);
    ck_assert_uint_eq(inst->actions.actions[0].output.port, 2);
}
END_TEST

START_TEST(test_flow_mod_encode_built)
{
    struct ofp_oxm oxm;
    ck_assert(ofp_oxm_init_basic(&oxm, OFPXMT_OFB_IN_PORT));
    oxm.value.u32 = 1;
    struct ofp_action output = {.type = OFPAT_OUTPUT};
    output.output.port = 2;
    output.output.max_len = OFPCML_MAX;
    struct ofp_instruction apply = {.type = OFPIT_APPLY_ACTIONS};
    apply.actions.n = 1;
    apply.actions.actions = &output;

    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_FLOW_MOD, 12);
    struct ofp_flow_mod *fm = &msg.flow_mod;
    fm->cookie = 1;
    fm->cookie_mask = UINT64_MAX;
    fm->command = OFPFC_ADD;
    fm->idle_timeout = 10;
    fm->priority = 0x8000;
    fm->buffer_id = OFP_NO_BUFFER;
    fm->out_port = OFPP_ANY;
    fm->out_group = OFPG_ANY;
    fm->flags = OFPFF_SEND_FLOW_REM;
    fm->match.n_oxms = 1;
    fm->match.oxms = &oxm;
    fm->instructions.n = 1;
    fm->instructions.instructions = &apply;
    assert_encodes_to_hex(&msg, fixtures[OFPT_FLOW_MOD].hex);
}
END_TEST

START_TEST(test_flow_mod_bad_match_type)
{
    ck_assert_err(decode_err("04 0e 00 38 00 00 00 0c"
                             "00 00 00 00 00 00 00 01 ff ff ff ff ff ff ff ff"
                             "00 00 00 0a 00 00 80 00 ff ff ff ff ff ff ff ff"
                             "ff ff ff ff 00 01 00 00"
                             "00 00 00 04 00 00 00 00"),
                  OFPERR_OFPBMC_BAD_TYPE);
}
END_TEST

START_TEST(test_group_mod_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_GROUP_MOD].hex, OFPT_GROUP_MOD);
    const struct ofp_group_mod *gm = &m->group_mod;
    ck_assert_uint_eq(gm->command, OFPGC_ADD);
    ck_assert_uint_eq(gm->type, OFPGT_SELECT);
    ck_assert_uint_eq(gm->group_id, 1);
    ck_assert_uint_eq(gm->buckets.n, 2);
    const struct ofp_bucket *b = &gm->buckets.buckets[0];
    ck_assert_uint_eq(b->weight, 1);
    ck_assert_uint_eq(b->watch_port, OFPP_ANY);
    ck_assert_uint_eq(b->watch_group, OFPG_ANY);
    ck_assert_uint_eq(b->actions.n, 1);
    ck_assert_uint_eq(b->actions.actions[0].output.port, 2);
    b = &gm->buckets.buckets[1];
    ck_assert_uint_eq(b->weight, 2);
    ck_assert_uint_eq(b->actions.n, 0);
}
END_TEST

START_TEST(test_group_mod_encode_built)
{
    struct ofp_action output = {.type = OFPAT_OUTPUT};
    output.output.port = 2;
    output.output.max_len = OFPCML_MAX;
    struct ofp_bucket buckets[2] = {
        {.weight = 1,
         .watch_port = OFPP_ANY,
         .watch_group = OFPG_ANY,
         .actions = {1, &output}},
        {.weight = 2, .watch_port = OFPP_ANY, .watch_group = OFPG_ANY},
    };
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_GROUP_MOD, 13);
    msg.group_mod.command = OFPGC_ADD;
    msg.group_mod.type = OFPGT_SELECT;
    msg.group_mod.group_id = 1;
    msg.group_mod.buckets.n = 2;
    msg.group_mod.buckets.buckets = buckets;
    assert_encodes_to_hex(&msg, fixtures[OFPT_GROUP_MOD].hex);
}
END_TEST

START_TEST(test_group_mod_delete_no_buckets)
{
    const struct ofp_msg *m = decode_ok("04 0f 00 10 00 00 00 0d"
                                        "00 02 00 00 ff ff ff fc",
                                        OFPT_GROUP_MOD);
    ck_assert_uint_eq(m->group_mod.command, OFPGC_DELETE);
    ck_assert_uint_eq(m->group_mod.group_id, OFPG_ALL);
    ck_assert_uint_eq(m->group_mod.buckets.n, 0);
}
END_TEST

START_TEST(test_bucket_len_too_small)
{
    ck_assert_err(decode_err("04 0f 00 20 00 00 00 0d 00 00 01 00 00 00 00 01"
                             "00 08 00 02 ff ff ff ff "
                             "ff ff ff ff 00 00 00 00"),
                  OFPERR_OFPGMFC_BAD_BUCKET);
}
END_TEST

START_TEST(test_bucket_len_not_multiple_of_8)
{
    ck_assert_err(decode_err("04 0f 00 28 00 00 00 0d 00 00 01 00 00 00 00 01"
                             "00 14 00 02 ff ff ff ff ff ff ff ff 00 00 00 00"
                             "00 00 00 00 00 00 00 00"),
                  OFPERR_OFPGMFC_BAD_BUCKET);
}
END_TEST

START_TEST(test_bucket_len_too_big)
{
    ck_assert_err(decode_err("04 0f 00 20 00 00 00 0d 00 00 01 00 00 00 00 01"
                             "00 18 00 02 ff ff ff ff "
                             "ff ff ff ff 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_bucket_trailing_fragment)
{
    ck_assert_err(decode_err("04 0f 00 28 00 00 00 0d 00 00 01 00 00 00 00 01"
                             "00 10 00 02 ff ff ff ff ff ff ff ff 00 00 00 00"
                             "00 10 00 02 ff ff ff ff"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_bucket_bad_action)
{
    /* An output action whose length says 8. */
    ck_assert_err(decode_err("04 0f 00 30 00 00 00 0d 00 00 01 00 00 00 00 01"
                             "00 20 00 01 ff ff ff ff ff ff ff ff 00 00 00 00"
                             "00 00 00 08 00 00 00 02 "
                             "ff e5 00 00 00 00 00 00"),
                  OFPERR_OFPBAC_BAD_LEN);
}
END_TEST

START_TEST(test_port_mod_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_PORT_MOD].hex, OFPT_PORT_MOD);
    static const uint8_t mac[] = {2, 0, 0, 0, 0, 1};
    ck_assert_uint_eq(m->port_mod.port_no, 1);
    ck_assert_mem_eq(m->port_mod.hw_addr, mac, 6);
    ck_assert_uint_eq(m->port_mod.config, OFPPC_PORT_DOWN);
    ck_assert_uint_eq(m->port_mod.mask, OFPPC_PORT_DOWN);
    ck_assert_uint_eq(m->port_mod.advertise, OFPPF_1GB_FD);

    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_PORT_MOD, 14);
    msg.port_mod.port_no = 1;
    memcpy(msg.port_mod.hw_addr, mac, 6);
    msg.port_mod.config = msg.port_mod.mask = OFPPC_PORT_DOWN;
    msg.port_mod.advertise = OFPPF_1GB_FD;
    assert_encodes_to_hex(&msg, fixtures[OFPT_PORT_MOD].hex);
}
END_TEST

START_TEST(test_table_mod_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_TABLE_MOD].hex, OFPT_TABLE_MOD);
    ck_assert_uint_eq(m->table_mod.table_id, 1);
    ck_assert_uint_eq(m->table_mod.config, OFPTC_DEPRECATED_MASK);
}
END_TEST

/* ---- multipart (bodies belong to ofp-multipart) ---- */

START_TEST(test_multipart_delegates)
{
    const struct ofp_msg *m = decode_ok(fixtures[OFPT_MULTIPART_REQUEST].hex,
                                        OFPT_MULTIPART_REQUEST);
    ck_assert_uint_eq(m->mp_request.type, OFPMP_DESC);
    ck_assert_uint_eq(m->mp_request.flags, 0);

    m = decode_ok(fixtures[OFPT_MULTIPART_REPLY].hex, OFPT_MULTIPART_REPLY);
    ck_assert_uint_eq(m->mp_reply.type, OFPMP_PORT_DESC);
    ck_assert_uint_eq(m->mp_reply.port_desc.n, 1);
    ck_assert_str_eq(m->mp_reply.port_desc.ports[0].name, "eth1");

    /* Unknown multipart type. */
    ck_assert_err(decode_err("04 12 00 10 00 00 00 10 "
                             "00 63 00 00 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_MULTIPART);
}
END_TEST

/* ---- queues ---- */

START_TEST(test_queue_get_config_request_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_QUEUE_GET_CONFIG_REQUEST].hex,
                  OFPT_QUEUE_GET_CONFIG_REQUEST);
    ck_assert_uint_eq(m->queue_get_config_request.port, 1);
}
END_TEST

START_TEST(test_queue_get_config_reply_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_QUEUE_GET_CONFIG_REPLY].hex,
                  OFPT_QUEUE_GET_CONFIG_REPLY);
    const struct ofp_queue_get_config_reply *r = &m->queue_get_config_reply;
    ck_assert_uint_eq(r->port, 1);
    ck_assert_uint_eq(r->queues.n, 1);
    const struct ofp_packet_queue *q = &r->queues.queues[0];
    ck_assert_uint_eq(q->queue_id, 1);
    ck_assert_uint_eq(q->port, 1);
    ck_assert_uint_eq(q->n_props, 2);
    ck_assert_uint_eq(q->props[0].property, OFPQT_MIN_RATE);
    ck_assert_uint_eq(q->props[0].rate, 500);
    ck_assert_uint_eq(q->props[1].property, OFPQT_EXPERIMENTER);
    ck_assert_uint_eq(q->props[1].experimenter.experimenter, 0x2320);
    ck_assert_uint_eq(q->props[1].experimenter.len, 2);
    ck_assert_uint_eq(q->props[1].experimenter.data[1], 0xcd);
}
END_TEST

START_TEST(test_queue_get_config_reply_encode_built)
{
    static const uint8_t exp_data[] = {0xab, 0xcd};
    struct ofp_queue_prop props[2] = {
        {.property = OFPQT_MIN_RATE, .rate = 500},
        {.property = OFPQT_EXPERIMENTER,
         .experimenter = {0x2320, sizeof exp_data, exp_data}},
    };
    struct ofp_packet_queue q = {
        .queue_id = 1,
        .port = 1,
        .n_props = 2,
        .props = props,
    };
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_QUEUE_GET_CONFIG_REPLY, 18);
    msg.queue_get_config_reply.port = 1;
    msg.queue_get_config_reply.queues.n = 1;
    msg.queue_get_config_reply.queues.queues = &q;
    assert_encodes_to_hex(&msg, fixtures[OFPT_QUEUE_GET_CONFIG_REPLY].hex);
}
END_TEST

START_TEST(test_queue_max_rate_and_empty_queue)
{
    const struct ofp_msg *m =
        decode_ok("04 17 00 30 00 00 00 12 ff ff ff ff 00 00 00 00"
                  "00 00 00 07 00 00 00 02 00 10 00 00 00 00 00 00"
                  "00 00 00 08 00 00 00 02 00 10 00 00 00 00 00 00",
                  OFPT_QUEUE_GET_CONFIG_REPLY);
    ck_assert_uint_eq(m->queue_get_config_reply.port, OFPP_ANY);
    ck_assert_uint_eq(m->queue_get_config_reply.queues.n, 2);
    ck_assert_uint_eq(m->queue_get_config_reply.queues.queues[1].queue_id, 8);
    ck_assert_uint_eq(m->queue_get_config_reply.queues.queues[1].n_props, 0);

    m = decode_ok("04 17 00 30 00 00 00 12 00 00 00 02 00 00 00 00"
                  "00 00 00 01 00 00 00 02 00 20 00 00 00 00 00 00"
                  "00 02 00 10 00 00 00 00 03 e8 00 00 00 00 00 00",
                  OFPT_QUEUE_GET_CONFIG_REPLY);
    const struct ofp_packet_queue *q =
        &m->queue_get_config_reply.queues.queues[0];
    ck_assert_uint_eq(q->props[0].property, OFPQT_MAX_RATE);
    ck_assert_uint_eq(q->props[0].rate, 1000);
}
END_TEST

START_TEST(test_queue_unknown_property_kept)
{
    /* Property type 7 is not defined by OpenFlow 1.3: its body is kept. */
    const struct ofp_msg *m =
        decode_ok("04 17 00 2c 00 00 00 12 00 00 00 01 00 00 00 00"
                  "00 00 00 01 00 00 00 01 00 1c 00 00 00 00 00 00"
                  "00 07 00 0c 00 00 00 00 01 02 03 04",
                  OFPT_QUEUE_GET_CONFIG_REPLY);
    const struct ofp_queue_prop *prop =
        &m->queue_get_config_reply.queues.queues[0].props[0];
    ck_assert_uint_eq(prop->property, 7);
    ck_assert_uint_eq(prop->experimenter.experimenter, 0);
    ck_assert_uint_eq(prop->experimenter.len, 4);
    ck_assert_uint_eq(prop->experimenter.data[3], 4);
}
END_TEST

START_TEST(test_queue_prop_len_wrong)
{
    /* MIN_RATE with len 8. */
    ck_assert_err(decode_err("04 17 00 28 00 00 00 12 00 00 00 01 00 00 00 00"
                             "00 00 00 01 00 00 00 01 00 18 00 00 00 00 00 00"
                             "00 01 00 08 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
    /* MAX_RATE with len 24 (fits the queue). */
    ck_assert_err(decode_err("04 17 00 38 00 00 00 12 00 00 00 01 00 00 00 00"
                             "00 00 00 01 00 00 00 01 00 28 00 00 00 00 00 00"
                             "00 02 00 18 00 00 00 00 00 0a 00 00 00 00 00 00"
                             "00 00 00 00 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
    /* EXPERIMENTER with len 12. */
    ck_assert_err(decode_err("04 17 00 2c 00 00 00 12 00 00 00 01 00 00 00 00"
                             "00 00 00 01 00 00 00 01 00 1c 00 00 00 00 00 00"
                             "ff ff 00 0c 00 00 00 00 00 00 23 20"),
                  OFPERR_OFPBRC_BAD_LEN);
    /* Unknown type with len 4 (below its header). */
    ck_assert_err(decode_err("04 17 00 28 00 00 00 12 00 00 00 01 00 00 00 00"
                             "00 00 00 01 00 00 00 01 00 18 00 00 00 00 00 00"
                             "00 07 00 04 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_queue_prop_beyond_queue)
{
    /* The queue says 24 bytes but its property says 16. */
    ck_assert_err(decode_err("04 17 00 30 00 00 00 12 00 00 00 01 00 00 00 00"
                             "00 00 00 01 00 00 00 01 00 18 00 00 00 00 00 00"
                             "00 01 00 10 00 00 00 00 "
                             "00 0a 00 00 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_queue_len_wrong)
{
    /* Queue len 8 (below 16). */
    ck_assert_err(decode_err("04 17 00 20 00 00 00 12 00 00 00 01 00 00 00 00"
                             "00 00 00 01 00 00 00 01 "
                             "00 08 00 00 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
    /* Queue len beyond the message. */
    ck_assert_err(decode_err("04 17 00 20 00 00 00 12 00 00 00 01 00 00 00 00"
                             "00 00 00 01 00 00 00 01 "
                             "00 20 00 00 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_LEN);
    /* A partial queue header at the end. */
    ck_assert_err(decode_err("04 17 00 18 00 00 00 12 00 00 00 01 00 00 00 00"
                             "00 00 00 01 00 00 00 01"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

/* ---- roles and asynchronous configuration ---- */

START_TEST(test_role_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_ROLE_REQUEST].hex, OFPT_ROLE_REQUEST);
    ck_assert_uint_eq(m->role.role, OFPCR_ROLE_MASTER);
    ck_assert_uint_eq(m->role.generation_id, 0x0102030405060708ull);
    m = decode_ok(fixtures[OFPT_ROLE_REPLY].hex, OFPT_ROLE_REPLY);
    ck_assert_uint_eq(m->role.role, OFPCR_ROLE_SLAVE);
    ck_assert_uint_eq(m->role.generation_id, 0x0102030405060708ull);

    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_ROLE_REPLY, 19);
    msg.role.role = OFPCR_ROLE_SLAVE;
    msg.role.generation_id = 0x0102030405060708ull;
    assert_encodes_to_hex(&msg, fixtures[OFPT_ROLE_REPLY].hex);
}
END_TEST

START_TEST(test_async_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_GET_ASYNC_REPLY].hex, OFPT_GET_ASYNC_REPLY);
    ck_assert_uint_eq(m->async.packet_in_mask[0], 7);
    ck_assert_uint_eq(m->async.packet_in_mask[1], 0);
    ck_assert_uint_eq(m->async.port_status_mask[0], 7);
    ck_assert_uint_eq(m->async.port_status_mask[1], 3);
    ck_assert_uint_eq(m->async.flow_removed_mask[0], 15);
    ck_assert_uint_eq(m->async.flow_removed_mask[1], 1);

    m = decode_ok(fixtures[OFPT_SET_ASYNC].hex, OFPT_SET_ASYNC);
    ck_assert_uint_eq(m->async.packet_in_mask[0], 3);
    ck_assert_uint_eq(m->async.packet_in_mask[1], 1);
    ck_assert_uint_eq(m->async.flow_removed_mask[0], 11);

    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_SET_ASYNC, 21);
    msg.async = (struct ofp_async_config){
        {3, 1},
        {7, 7},
        {11, 0},
    };
    assert_encodes_to_hex(&msg, fixtures[OFPT_SET_ASYNC].hex);
}
END_TEST

/* ---- meters ---- */

START_TEST(test_meter_mod_fields)
{
    const struct ofp_msg *m =
        decode_ok(fixtures[OFPT_METER_MOD].hex, OFPT_METER_MOD);
    const struct ofp_meter_mod *mm = &m->meter_mod;
    ck_assert_uint_eq(mm->command, OFPMC_ADD);
    ck_assert_uint_eq(mm->flags, OFPMF_KBPS | OFPMF_BURST);
    ck_assert_uint_eq(mm->meter_id, 1);
    ck_assert_uint_eq(mm->bands.n, 3);
    const struct ofp_meter_band *b = mm->bands.bands;
    ck_assert_uint_eq(b[0].type, OFPMBT_DROP);
    ck_assert_uint_eq(b[0].rate, 1000);
    ck_assert_uint_eq(b[0].burst_size, 100);
    ck_assert_uint_eq(b[1].type, OFPMBT_DSCP_REMARK);
    ck_assert_uint_eq(b[1].rate, 2000);
    ck_assert_uint_eq(b[1].burst_size, 200);
    ck_assert_uint_eq(b[1].prec_level, 1);
    ck_assert_uint_eq(b[2].type, OFPMBT_EXPERIMENTER);
    ck_assert_uint_eq(b[2].rate, 3000);
    ck_assert_uint_eq(b[2].burst_size, 300);
    ck_assert_uint_eq(b[2].experimenter.experimenter, 0x2320);
    ck_assert_uint_eq(b[2].experimenter.len, 8);
    ck_assert_ptr_eq(b[2].experimenter.data, t.in + 64);
}
END_TEST

START_TEST(test_meter_mod_encode_built)
{
    static const uint8_t exp_data[] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct ofp_meter_band bands[3] = {
        {.type = OFPMBT_DROP, .rate = 1000, .burst_size = 100},
        {.type = OFPMBT_DSCP_REMARK,
         .rate = 2000,
         .burst_size = 200,
         .prec_level = 1},
        {.type = OFPMBT_EXPERIMENTER,
         .rate = 3000,
         .burst_size = 300,
         .experimenter = {0x2320, sizeof exp_data, exp_data}},
    };
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_METER_MOD, 22);
    msg.meter_mod.command = OFPMC_ADD;
    msg.meter_mod.flags = OFPMF_KBPS | OFPMF_BURST;
    msg.meter_mod.meter_id = 1;
    msg.meter_mod.bands.n = 3;
    msg.meter_mod.bands.bands = bands;
    assert_encodes_to_hex(&msg, fixtures[OFPT_METER_MOD].hex);
}
END_TEST

START_TEST(test_meter_band_len_wrong)
{
    /* DROP with len 24. */
    ck_assert_err(decode_err("04 1d 00 28 00 00 00 16 00 00 00 05 00 00 00 01"
                             "00 01 00 18 00 00 03 e8 00 00 00 64 00 00 00 00"
                             "00 00 00 00 00 00 00 00"),
                  OFPERR_OFPMMFC_BAD_BAND);
    /* DSCP_REMARK with len 8. */
    ck_assert_err(decode_err("04 1d 00 20 00 00 00 16 00 00 00 05 00 00 00 01"
                             "00 02 00 08 00 00 03 e8 "
                             "00 00 00 64 01 00 00 00"),
                  OFPERR_OFPMMFC_BAD_BAND);
    /* EXPERIMENTER with len 12. */
    ck_assert_err(decode_err("04 1d 00 20 00 00 00 16 00 00 00 05 00 00 00 01"
                             "ff ff 00 0c 00 00 03 e8 "
                             "00 00 00 64 00 00 23 20"),
                  OFPERR_OFPMMFC_BAD_BAND);
}
END_TEST

START_TEST(test_meter_band_unknown_type)
{
    ck_assert_err(decode_err("04 1d 00 20 00 00 00 16 00 00 00 05 00 00 00 01"
                             "00 03 00 10 00 00 03 e8 "
                             "00 00 00 64 00 00 00 00"),
                  OFPERR_OFPMMFC_BAD_BAND);
}
END_TEST

START_TEST(test_meter_band_beyond_end)
{
    /* EXPERIMENTER band says 32 bytes, 24 remain. */
    ck_assert_err(decode_err("04 1d 00 28 00 00 00 16 00 00 00 05 00 00 00 01"
                             "ff ff 00 20 00 00 03 e8 00 00 00 64 00 00 23 20"
                             "01 02 03 04 05 06 07 08"),
                  OFPERR_OFPBRC_BAD_LEN);
    /* A partial band at the end. */
    ck_assert_err(decode_err("04 1d 00 28 00 00 00 16 00 00 00 05 00 00 00 01"
                             "00 01 00 10 00 00 03 e8 00 00 00 64 00 00 00 00"
                             "00 01 00 10 00 00 03 e8"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_meter_mod_delete_no_bands)
{
    const struct ofp_msg *m = decode_ok("04 1d 00 10 00 00 00 16"
                                        "00 02 00 00 ff ff ff ff",
                                        OFPT_METER_MOD);
    ck_assert_uint_eq(m->meter_mod.command, OFPMC_DELETE);
    ck_assert_uint_eq(m->meter_mod.meter_id, OFPM_ALL);
    ck_assert_uint_eq(m->meter_mod.bands.n, 0);
}
END_TEST

/* ---- framing errors ---- */

START_TEST(test_short_header)
{
    static const uint8_t in[8] = {4, 2, 0, 8, 0, 0, 0, 1};
    struct ofp_header h;
    for (size_t len = 0; len < sizeof in; len++) {
        ck_assert_err(ofp_msg_decode(in, len, &t.msg, &t.arena),
                      OFPERR_OFPBRC_BAD_LEN);
        ck_assert_err(ofp_header_decode(in, len, &h), OFPERR_OFPBRC_BAD_LEN);
    }
    ck_assert_err(ofp_header_decode(in, sizeof in, &h), 0);
    ck_assert_uint_eq(h.version, 4);
    ck_assert_uint_eq(h.type, OFPT_ECHO_REQUEST);
    ck_assert_uint_eq(h.length, 8);
    ck_assert_uint_eq(h.xid, 1);
}
END_TEST

START_TEST(test_length_field_below_header)
{
    struct ofp_header h;
    load_hex("04 02 00 07 00 00 00 01");
    ck_assert_err(ofp_header_decode(t.in, t.len, &h), OFPERR_OFPBRC_BAD_LEN);
    ck_assert_err(decode_input(), OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_length_field_above_input)
{
    ck_assert_err(decode_err("04 02 00 10 00 00 00 01 de ad be ef"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_length_field_below_input)
{
    ck_assert_err(decode_err("04 02 00 08 00 00 00 01 de ad be ef"),
                  OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_bad_version)
{
    ck_assert_err(decode_err("01 05 00 08 00 00 00 01"),
                  OFPERR_OFPBRC_BAD_VERSION);
    ck_assert_err(decode_err("05 02 00 08 00 00 00 01"),
                  OFPERR_OFPBRC_BAD_VERSION);
    ck_assert_err(decode_err("ff 0e 00 08 00 00 00 01"),
                  OFPERR_OFPBRC_BAD_VERSION);
    /* The version is checked before the type. */
    ck_assert_err(decode_err("03 1e 00 08 00 00 00 01"),
                  OFPERR_OFPBRC_BAD_VERSION);
}
END_TEST

START_TEST(test_unknown_type)
{
    ck_assert_err(decode_err("04 1e 00 08 00 00 00 01"),
                  OFPERR_OFPBRC_BAD_TYPE);
    ck_assert_err(decode_err("04 ff 00 10 00 00 00 01 "
                             "00 00 00 00 00 00 00 00"),
                  OFPERR_OFPBRC_BAD_TYPE);
}
END_TEST

/* A message one byte shorter than its type's minimum is BAD_LEN. */
START_TEST(test_below_min_len)
{
    size_t min = ofp_type_min_len((uint8_t) _i);
    if (min <= OFP_HEADER_LEN) {
        return; /* empty bodies: the short header case */
    }
    uint8_t *in = calloc(1, min);
    ck_assert_ptr_nonnull(in);
    in[0] = OFP13_VERSION;
    in[1] = (uint8_t) _i;
    in[2] = (uint8_t) ((min - 1) >> 8);
    in[3] = (uint8_t) (min - 1);
    ck_assert_err(ofp_msg_decode(in, min - 1, &t.msg, &t.arena),
                  OFPERR_OFPBRC_BAD_LEN);
    free(in);
}
END_TEST

/* Each fixed-size message truncated by one byte and with one byte added. */
START_TEST(test_fixed_size_truncated_and_trailing)
{
    if (!fixtures[_i].fixed) {
        return;
    }
    load_hex(fixtures[_i].hex);
    ck_assert_uint_eq(t.len, ofp_type_min_len((uint8_t) _i));

    t.len--;
    if (t.len >= OFP_HEADER_LEN) {
        fix_length();
    }
    ck_assert_err(decode_input(), OFPERR_OFPBRC_BAD_LEN);

    uint8_t *longer = realloc(t.in, t.len + 2);
    ck_assert_ptr_nonnull(longer);
    t.in = longer;
    t.len += 2;
    t.in[t.len - 1] = 0;
    fix_length();
    ck_assert_err(decode_input(), OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

/* Every variable-size fixture cut by one byte (length fixed up) fails. */
START_TEST(test_variable_size_truncated)
{
    if (fixtures[_i].fixed) {
        return;
    }
    load_hex(fixtures[_i].hex);
    t.len--;
    fix_length();
    enum ofperr error = decode_input();
    if (_i == OFPT_ERROR || _i == OFPT_ECHO_REQUEST || _i == OFPT_ECHO_REPLY ||
        _i == OFPT_EXPERIMENTER || _i == OFPT_PACKET_IN ||
        _i == OFPT_PACKET_OUT) {
        /* Opaque data at the end: one byte less is still valid. */
        ck_assert_err(error, 0);
    } else {
        ck_assert_msg(error != 0, "type %d accepted a truncated body",
                      (int) _i);
    }
}
END_TEST

/* ---- encoding limits ---- */

START_TEST(test_encode_oversize_fails_cleanly)
{
    size_t max_data = UINT16_MAX - OFP_HEADER_LEN;
    uint8_t *data = calloc(1, max_data + 1);
    ck_assert_ptr_nonnull(data);

    ofp_wbuf_put(&t.out, "prefix", 6);
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_ECHO_REQUEST, 1);
    msg.echo.data = data;
    msg.echo.len = max_data + 1;
    ck_assert_err(ofp_msg_encode(&t.out, &msg), OFPERR_OFPBRC_BAD_LEN);
    ck_assert_uint_eq(t.out.len, 6);
    ck_assert(!t.out.overflow);
    ck_assert_mem_eq(t.out.data, "prefix", 6);

    /* Exactly 65535 bytes is fine. */
    msg.echo.len = max_data;
    ck_assert_err(ofp_msg_encode(&t.out, &msg), 0);
    ck_assert_uint_eq(t.out.len, 6 + UINT16_MAX);
    ck_assert_uint_eq(t.out.data[6 + 2], 0xff);
    ck_assert_uint_eq(t.out.data[6 + 3], 0xff);
    free(data);
}
END_TEST

START_TEST(test_encode_fixed_buffer_too_small)
{
    uint8_t store[20];
    struct ofp_wbuf out;
    ofp_wbuf_use_fixed(&out, store, sizeof store);
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_BARRIER_REQUEST, 1);
    ck_assert_err(ofp_msg_encode(&out, &msg), 0);
    ck_assert_uint_eq(out.len, 8);
    ofp_msg_init(&msg, OFPT_FEATURES_REPLY, 2);
    ck_assert_err(ofp_msg_encode(&out, &msg), OFPERR_OFPBRC_BAD_LEN);
    ck_assert_uint_eq(out.len, 8);
    ck_assert(out.overflow);
}
END_TEST

START_TEST(test_encode_unknown_type)
{
    struct ofp_msg msg;
    ofp_msg_init(&msg, 30, 1);
    ck_assert_err(ofp_msg_encode(&t.out, &msg), OFPERR_OFPBRC_BAD_TYPE);
    ck_assert_uint_eq(t.out.len, 0);
}
END_TEST

/* ---- arena reuse ---- */

/* Decoding the same messages again after ofp_arena_reset() allocates no new
 * arena block once the arena has grown to the working size. */
START_TEST(test_arena_reuse_after_warm_up)
{
    static const uint8_t types[] = {
        OFPT_HELLO,
        OFPT_PACKET_IN,
        OFPT_FLOW_MOD,
        OFPT_GROUP_MOD,
        OFPT_QUEUE_GET_CONFIG_REPLY,
        OFPT_METER_MOD,
        OFPT_MULTIPART_REPLY,
    };
    uint8_t *ins[sizeof types];
    size_t lens[sizeof types];
    for (size_t i = 0; i < sizeof types; i++) {
        ins[i] = test_parse_hex(fixtures[types[i]].hex, &lens[i]);
        ck_assert_ptr_nonnull(ins[i]);
    }

    const struct ofp_arena_block *block = NULL;
    for (int round = 0; round < 5; round++) {
        for (size_t i = 0; i < sizeof types; i++) {
            ck_assert_err(ofp_msg_decode(ins[i], lens[i], &t.msg, &t.arena),
                          0);
        }
        ck_assert_uint_gt(t.arena.total, 0);
        ofp_arena_reset(&t.arena);
        if (round == 1) {
            block = t.arena.head;
        } else if (round > 1) {
            ck_assert_ptr_eq(t.arena.head, block);
        }
    }
    for (size_t i = 0; i < sizeof types; i++) {
        free(ins[i]);
    }
}
END_TEST

/* ---- corpus: whole messages of this module's types ---- */

struct corpus_count {
    size_t ok;
    size_t skipped;
    size_t failed;
};

static void
corpus_round_trip(const char *path, const char *name, void *aux_)
{
    struct corpus_count *count = aux_;
    size_t len;
    uint8_t *in = test_read_file(path, &len);
    struct ofp_arena arena;
    struct ofp_msg msg;
    struct ofp_wbuf out;

    if (!in || len < OFP_HEADER_LEN || in[0] != OFP13_VERSION ||
        in[1] == OFPT_MULTIPART_REQUEST || in[1] == OFPT_MULTIPART_REPLY) {
        count->skipped++;
        free(in);
        return;
    }
    ofp_arena_init(&arena);
    ofp_wbuf_init(&out);
    enum ofperr error = ofp_msg_decode(in, len, &msg, &arena);
    if (!error) {
        error = ofp_msg_encode(&out, &msg);
    }
    if (!error && out.len == len && !memcmp(out.data, in, len)) {
        count->ok++;
    } else {
        count->failed++;
        fprintf(stderr, "# %s: %s%s\n", name, ofperr_name(error),
                error ? "" : " (bytes differ)");
    }
    ofp_wbuf_uninit(&out);
    ofp_arena_uninit(&arena);
    free(in);
}

START_TEST(test_corpus_round_trip)
{
    const char *corpus = test_corpus_dir();
    if (!corpus) {
        fprintf(stderr, "# corpus absent: skipped\n");
        return;
    }
    static const struct {
        const char *dir;
        const char *suffix;
    } sets[] = {
        {"ryu-of13/packet_data", ".packet"},
        {"kytos-pyof-v0x04", ".dat"},
        {"loxigen-of13/bin", ".bin"},
    };
    struct corpus_count count = {0, 0, 0};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", corpus, sets[i].dir);
        test_for_each_file(dir, sets[i].suffix, corpus_round_trip, &count);
    }
    fprintf(stderr, "# corpus: %zu round-tripped, %zu failed, %zu skipped\n",
            count.ok, count.failed, count.skipped);
    ck_assert_uint_gt(count.ok, 100);
    ck_assert_uint_eq(count.failed, 0);
}
END_TEST

START_TEST(test_corpus_hello_elem_fragment)
{
    const char *corpus = test_corpus_dir();
    if (!corpus) {
        fprintf(stderr, "# corpus absent: skipped\n");
        return;
    }
    char path[4096];
    snprintf(path, sizeof path,
             "%s/loxigen-of13/bin/hello_elem_versionbitmap.bin", corpus);
    size_t len;
    uint8_t *in = test_read_file(path, &len);
    ck_assert_ptr_nonnull(in);

    struct ofp_rd rd;
    struct ofp_hello_elem elem;
    ofp_rd_init(&rd, in, len);
    ck_assert_err(ofp_hello_elem_decode(&rd, &elem, &t.arena), 0);
    ck_assert_uint_eq(rd.left, 0);
    ck_assert_uint_eq(elem.n_bitmaps, 2);
    ofp_hello_elem_encode(&t.out, &elem);
    ck_assert_uint_eq(t.out.len, len);
    ck_assert_mem_eq(t.out.data, in, len);
    free(in);
}
END_TEST

/* ---- the hot path against references ----
 *
 * PACKET_IN decoding and PACKET_OUT encoding take shortcuts (one bounds
 * check or reservation for the fixed part, arrays from the arena left for
 * the decoder to fill).  Here each is compared with a reference written
 * field by field through the cursor and writer primitives, over the corpus
 * and over random and mutated messages: same error, field-identical
 * decode, byte-identical encode. */

/* The checks below run hundreds of thousands of times, and libcheck
 * records every ck_assert that passes (one write(2) each): they fail
 * through ck_abort_msg() only. */
#define HP_CHECK(COND)                                                        \
    do {                                                                      \
        if (!(COND)) {                                                        \
            ck_abort_msg("line %d: %s", __LINE__, #COND);                     \
        }                                                                     \
    } while (0)

/* True if the 'n' bytes at 'a' and 'b' are equal (either may be NULL when
 * 'n' is 0). */
static bool
hp_same(const void *a, const void *b, size_t n)
{
    return !n || !memcmp(a, b, n);
}

/* A deterministic generator, so that a failure can be replayed. */
static uint64_t hp_rng_state;

static uint32_t
hp_rng(void)
{
    hp_rng_state ^= hp_rng_state << 13;
    hp_rng_state ^= hp_rng_state >> 7;
    hp_rng_state ^= hp_rng_state << 17;
    return (uint32_t) (hp_rng_state >> 11);
}

/* ofp_packet_out_encode() writes a list of outputs in one reservation and
 * any other field by field: either way, after what 'out' holds, what
 * ofp_msg_encode() writes for a message holding the same PACKET_OUT. */
START_TEST(test_packet_out_encode_direct_matches_generic)
{
    static const uint16_t other[] = {OFPAT_POP_VLAN, OFPAT_DEC_NW_TTL,
                                     OFPAT_SET_QUEUE, OFPAT_GROUP};
    uint8_t frame[80];
    struct ofp_action acts[8];
    struct ofp_wbuf want;

    hp_rng_state = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < sizeof frame; i++) {
        frame[i] = (uint8_t) hp_rng();
    }
    ofp_wbuf_init(&want);
    for (int round = 0; round < 2000; round++) {
        size_t n = hp_rng() % 8;
        for (size_t i = 0; i < n; i++) {
            acts[i] = (struct ofp_action) {.type = OFPAT_OUTPUT};
            if (round % 3 == 0 && hp_rng() % 4 == 0) {
                acts[i].type = other[hp_rng() % 4];
                acts[i].queue_id = hp_rng();
                acts[i].group_id = hp_rng();
            } else {
                acts[i].output.port = hp_rng() % 2 ? hp_rng() : OFPP_FLOOD;
                acts[i].output.max_len = (uint16_t) hp_rng();
            }
        }
        struct ofp_packet_out po = {
            .buffer_id = hp_rng() % 2 ? hp_rng() : OFP_NO_BUFFER,
            .in_port = hp_rng(),
            .actions = {n, acts},
            .len = hp_rng() % 2 ? hp_rng() % sizeof frame : 0,
            .data = frame,
        };
        uint32_t xid = hp_rng();
        struct ofp_msg msg;

        ofp_msg_init(&msg, OFPT_PACKET_OUT, xid);
        msg.packet_out = po;
        ofp_wbuf_clear(&want);
        ck_assert_int_eq(ofp_msg_encode(&want, &msg), 0);
        ofp_wbuf_clear(&t.out);
        ofp_wbuf_put(&t.out, "ab", 2);
        ck_assert_int_eq(ofp_packet_out_encode(&t.out, xid, &po), 0);
        ck_assert(!memcmp(t.out.data, "ab", 2));
        test_assert_bytes(t.out.data + 2, t.out.len - 2, want.data, want.len);
    }
    ofp_wbuf_uninit(&want);
}
END_TEST

/* Outputs up to what the length field holds: 4,094 fit (65,528 bytes),
 * 4,095 do not; a fixed buffer one byte short takes nothing. */
START_TEST(test_packet_out_encode_outputs_limits)
{
    enum { MAX_OUT = (65535 - 24) / 16 };
    static struct ofp_action acts[MAX_OUT + 1];
    uint8_t fixed[24 + 2 * 16];
    struct ofp_wbuf wb;

    for (size_t i = 0; i <= MAX_OUT; i++) {
        acts[i] = (struct ofp_action) {.type = OFPAT_OUTPUT};
        acts[i].output.port = (uint32_t) i + 1;
    }
    struct ofp_packet_out po = {.buffer_id = 7, .actions = {MAX_OUT, acts}};
    ofp_wbuf_clear(&t.out);
    ck_assert_int_eq(ofp_packet_out_encode(&t.out, 1, &po), 0);
    ck_assert_uint_eq(t.out.len, 24 + 16 * MAX_OUT);
    ck_assert_uint_eq(ofp_load_be16(t.out.data + 2), 24 + 16 * MAX_OUT);
    ck_assert_uint_eq(ofp_load_be16(t.out.data + 16), 16 * MAX_OUT);
    ck_assert_uint_eq(ofp_load_be32(t.out.data + t.out.len - 12), MAX_OUT);

    po.actions.n = MAX_OUT + 1;
    ofp_wbuf_clear(&t.out);
    ck_assert_err(ofp_packet_out_encode(&t.out, 1, &po),
                  OFPERR_OFPBRC_BAD_LEN);
    ck_assert_uint_eq(t.out.len, 0);

    po.actions.n = 2;
    ofp_wbuf_use_fixed(&wb, fixed, sizeof fixed);
    ck_assert_int_eq(ofp_packet_out_encode(&wb, 1, &po), 0);
    ck_assert_uint_eq(wb.len, sizeof fixed);
    ofp_wbuf_use_fixed(&wb, fixed, sizeof fixed - 1);
    ck_assert_err(ofp_packet_out_encode(&wb, 1, &po), OFPERR_OFPBRC_BAD_LEN);
    ck_assert(wb.overflow);
    ck_assert_uint_eq(wb.len, 0);
}
END_TEST

/* Decodes the PACKET_IN of 'len' bytes at 'data' into 'pin' field by field
 * with ofp_rd_*() and ofp_oxm_decode(), in the order and with the errors of
 * ofp_msg_decode(). */
static enum ofperr
ref_packet_in_decode(const uint8_t *data, size_t len, struct ofp_header *h,
                     struct ofp_packet_in *pin, struct ofp_arena *arena)
{
    struct ofp_rd rd, oxms;

    memset(pin, 0, sizeof *pin);
    enum ofperr error = ofp_header_decode(data, len, h);
    if (error || h->length != len) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    if (h->version != OFP13_VERSION) {
        return OFPERR_OFPBRC_BAD_VERSION;
    }
    if (len < ofp_type_min_len(OFPT_PACKET_IN)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    ofp_rd_init(&rd, data + OFP_HEADER_LEN, len - OFP_HEADER_LEN);
    pin->buffer_id = ofp_rd_be32(&rd);
    pin->total_len = ofp_rd_be16(&rd);
    pin->reason = ofp_rd_u8(&rd);
    pin->table_id = ofp_rd_u8(&rd);
    pin->cookie = ofp_rd_be64(&rd);

    /* The match: header, OXMs one by one, padding. */
    if (rd.left < OFP_MATCH_HEADER_LEN) {
        return OFPERR_OFPBMC_BAD_LEN;
    }
    pin->match.type = ofp_rd_be16(&rd);
    uint16_t mlen = ofp_rd_be16(&rd);
    if (pin->match.type != OFPMT_OXM) {
        return OFPERR_OFPBMC_BAD_TYPE;
    }
    if (mlen < OFP_MATCH_HEADER_LEN ||
        ofp_round8(mlen) - OFP_MATCH_HEADER_LEN > rd.left) {
        return OFPERR_OFPBMC_BAD_LEN;
    }
    ofp_rd_sub(&rd, mlen - OFP_MATCH_HEADER_LEN, &oxms);
    ofp_rd_skip(&rd, ofp_round8(mlen) - mlen);
    struct ofp_oxm tmp[64];
    size_t n = 0;
    while (oxms.left) {
        if (n == sizeof tmp / sizeof tmp[0]) {
            ck_abort_msg("reference: too many OXMs");
        }
        if (oxms.left < 4 || oxms.left - 4 < oxms.p[3]) {
            return OFPERR_OFPBMC_BAD_LEN;
        }
        n++;
        ofp_rd_skip(&oxms, 4 + oxms.p[3]);
    }
    ofp_rd_init(&oxms, data + OFP_HEADER_LEN + 16 + OFP_MATCH_HEADER_LEN,
                mlen - OFP_MATCH_HEADER_LEN);
    for (size_t i = 0; i < n; i++) {
        error = ofp_oxm_decode(&oxms, &tmp[i]);
        if (error) {
            return error;
        }
    }
    pin->match.n_oxms = (uint16_t) n;
    pin->match.oxms = ofp_arena_calloc(arena, n, sizeof *tmp);
    HP_CHECK(pin->match.oxms != NULL);
    memcpy(pin->match.oxms, tmp, n * sizeof *tmp);

    ofp_rd_skip(&rd, 2);
    pin->len = rd.left;
    pin->data = ofp_rd_pull(&rd, rd.left);
    return rd.ok ? 0 : OFPERR_OFPBRC_BAD_LEN;
}

/* Decodes 'data' both ways and fails unless the results are the same. */
static void
check_packet_in(const uint8_t *data, size_t len)
{
    struct ofp_header h;
    struct ofp_packet_in want;
    struct ofp_msg got;

    ofp_arena_reset(&t.ref_arena);
    enum ofperr want_error =
        ref_packet_in_decode(data, len, &h, &want, &t.ref_arena);

    /* Decode into garbage: a reused arena and message. */
    ofp_arena_reset(&t.arena);
    void *dirt = ofp_arena_alloc(&t.arena, 2048);
    HP_CHECK(dirt != NULL);
    memset(dirt, 0xa5, 2048);
    ofp_arena_reset(&t.arena);
    memset(&got, 0xa5, sizeof got);
    enum ofperr got_error = ofp_msg_decode(data, len, &got, &t.arena);

    if (got_error != want_error) {
        ck_abort_msg("%s: got %s, want %s", test_hex(data, len),
                     ofperr_name(got_error), ofperr_name(want_error));
    }
    if (!got_error) {
        const struct ofp_packet_in *pin = &got.packet_in;
        HP_CHECK(got.version == h.version);
        HP_CHECK(got.type == h.type);
        HP_CHECK(got.xid == h.xid);
        HP_CHECK(pin->buffer_id == want.buffer_id);
        HP_CHECK(pin->total_len == want.total_len);
        HP_CHECK(pin->reason == want.reason);
        HP_CHECK(pin->table_id == want.table_id);
        HP_CHECK(pin->cookie == want.cookie);
        HP_CHECK(pin->match.type == want.match.type);
        HP_CHECK(pin->match.n_oxms == want.match.n_oxms);
        /* Every byte of every OXM, padding included. */
        HP_CHECK(hp_same(pin->match.oxms, want.match.oxms,
                         want.match.n_oxms * sizeof *want.match.oxms));
        HP_CHECK(pin->len == want.len);
        HP_CHECK(pin->data == want.data);
    }
}

/* Encodes 'po' field by field with ofp_wbuf_*() and ofp_action_encode(),
 * as ofp_msg_encode() must. */
static enum ofperr
ref_packet_out_encode(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_packet_out *po = &msg->packet_out;
    size_t start = out->len;

    ofp_wbuf_u8(out, msg->version);
    ofp_wbuf_u8(out, msg->type);
    ofp_wbuf_be16(out, 0);
    ofp_wbuf_be32(out, msg->xid);
    ofp_wbuf_be32(out, po->buffer_id);
    ofp_wbuf_be32(out, po->in_port);
    size_t len_ofs = out->len;
    ofp_wbuf_be16(out, 0);
    ofp_wbuf_put_zeros(out, 6);
    size_t actions = out->len;
    for (size_t i = 0; i < po->actions.n; i++) {
        ofp_action_encode(out, &po->actions.actions[i]);
    }
    ofp_wbuf_set_be16(out, len_ofs, (uint16_t) (out->len - actions));
    ofp_wbuf_put(out, po->data, po->len);
    if (out->overflow || out->len - start > UINT16_MAX) {
        out->len = start;
        return OFPERR_OFPBRC_BAD_LEN;
    }
    ofp_wbuf_set_be16(out, start + 2, (uint16_t) (out->len - start));
    return 0;
}

/* Encodes 'msg' (a PACKET_OUT) both ways, into a growable buffer and into
 * fixed storage of the sizes where it runs out of room (every size up to
 * 48 bytes and the last 32 up to its length, after 0 or 3 bytes already
 * there), and fails unless both give the same error, length and bytes. */
static void
check_packet_out(const struct ofp_msg *msg)
{
    static uint8_t got_store[70000], want_store[70000];
    struct ofp_wbuf got, want;

    ofp_wbuf_init(&got);
    ofp_wbuf_init(&want);
    enum ofperr got_error = ofp_msg_encode(&got, msg);
    enum ofperr want_error = ref_packet_out_encode(&want, msg);
    HP_CHECK(got_error == want_error);
    HP_CHECK(got.len == want.len && hp_same(got.data, want.data, want.len));
    size_t full = want.len;
    ofp_wbuf_uninit(&got);
    ofp_wbuf_uninit(&want);

    for (size_t cap = 0; cap <= full + 1 && cap <= sizeof got_store; cap++) {
        if (cap == 48 && full > 80) {
            cap = full - 32; /* the header, fixed part and first actions,
                              * then the end */
        }
        for (size_t pre = 0; pre <= 3; pre += 3) {
            memset(got_store, 0x11, cap);
            memset(want_store, 0x11, cap);
            ofp_wbuf_use_fixed(&got, got_store, cap);
            ofp_wbuf_use_fixed(&want, want_store, cap);
            ofp_wbuf_put(&got, "pre", pre);
            ofp_wbuf_put(&want, "pre", pre);
            got_error = ofp_msg_encode(&got, msg);
            want_error = ref_packet_out_encode(&want, msg);
            HP_CHECK(got_error == want_error);
            HP_CHECK(got.len == want.len);
            HP_CHECK(got.overflow == want.overflow);
            if (!got_error) {
                HP_CHECK(hp_same(got_store, want_store, got.len));
            }
        }
    }
}

/* Appends one random OXM TLV at 'p' (a known basic field of the right
 * length most of the time) and returns its size. */
static size_t
hp_random_oxm(uint8_t *p)
{
    uint32_t kind = hp_rng() % 8;
    uint16_t cls = (kind == 0   ? OFPXMC_NXM_1
                    : kind == 1 ? OFPXMC_EXPERIMENTER
                                : OFPXMC_OPENFLOW_BASIC);
    uint8_t field = (uint8_t) (kind < 2 ? hp_rng() % 128 : hp_rng() % 48);
    bool has_mask = hp_rng() % 4 == 0;
    const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(field);
    uint8_t len =
        (cls == OFPXMC_OPENFLOW_BASIC && fi ? (uint8_t) (fi->width << has_mask)
                                            : (uint8_t) (hp_rng() % 12));
    if (hp_rng() % 16 == 0) {
        len = (uint8_t) (hp_rng() % 40);
    }
    ofp_store_be16(p, cls);
    p[2] = (uint8_t) (field << 1 | has_mask);
    p[3] = len;
    for (size_t i = 0; i < len; i++) {
        p[4 + i] = (uint8_t) hp_rng();
    }
    return 4u + len;
}

/* Writes a random PACKET_IN into 'm' and returns its length. */
static size_t
hp_random_packet_in(uint8_t *m)
{
    m[0] = OFP13_VERSION;
    m[1] = OFPT_PACKET_IN;
    for (size_t i = 4; i < 24; i++) {
        m[i] = (uint8_t) hp_rng();
    }
    size_t n = 24;
    ofp_store_be16(m + n, OFPMT_OXM);
    n += 4;
    for (uint32_t i = hp_rng() % 5; i > 0; i--) {
        n += hp_random_oxm(m + n);
    }
    ofp_store_be16(m + 26, (uint16_t) (n - 24));
    while ((n - 24) % 8) {
        m[n++] = (uint8_t) hp_rng();
    }
    m[n++] = 0;
    m[n++] = 0;
    for (uint32_t i = hp_rng() % 100; i > 0; i--) {
        m[n++] = (uint8_t) hp_rng();
    }
    ofp_store_be16(m + 2, (uint16_t) n);
    return n;
}

/* Checks 'm' and random corruptions of it: flipped bytes, truncations and
 * extensions, with the length field following the new length or not. */
static void
check_packet_in_mutations(const uint8_t *m, size_t n, int rounds)
{
    uint8_t *b = malloc(n + 16);
    HP_CHECK(b != NULL);

    check_packet_in(m, n);
    for (int r = 0; r < rounds; r++) {
        size_t len = n;
        memcpy(b, m, n);
        for (uint32_t i = 1 + hp_rng() % 3; i > 0; i--) {
            size_t at = 8 + hp_rng() % (n - 8);
            b[at] = hp_rng() % 2 ? (uint8_t) hp_rng()
                                 : b[at] ^ (uint8_t) (1u << (hp_rng() % 8));
        }
        switch (hp_rng() % 4) {
        case 0:
            len = hp_rng() % (n + 1);
            break;
        case 1:
            for (uint32_t i = hp_rng() % 16; i > 0; i--) {
                b[len++] = (uint8_t) hp_rng();
            }
            break;
        default:
            break;
        }
        if (len >= 4 && hp_rng() % 8) {
            ofp_store_be16(b + 2, (uint16_t) len);
        }
        /* An exact-size copy, so ASan sees any over-read. */
        uint8_t *exact = malloc(len ? len : 1);
        HP_CHECK(exact != NULL);
        memcpy(exact, b, len);
        check_packet_in(exact, len);
        free(exact);
    }
    free(b);
}

/* A random action list for a PACKET_OUT ('storage' holds up to 8). */
static void
hp_random_actions(struct ofp_action_list *list, struct ofp_action *storage,
                  uint8_t *bodies)
{
    static const uint16_t types[] = {
        OFPAT_OUTPUT,       OFPAT_OUTPUT,       OFPAT_OUTPUT,
        OFPAT_COPY_TTL_OUT, OFPAT_SET_QUEUE,    OFPAT_GROUP,
        OFPAT_SET_NW_TTL,   OFPAT_PUSH_VLAN,    OFPAT_POP_VLAN,
        OFPAT_SET_FIELD,    OFPAT_EXPERIMENTER,
    };
    list->n = hp_rng() % 4;
    list->actions = storage;
    for (size_t i = 0; i < list->n; i++) {
        struct ofp_action *a = &storage[i];
        memset(a, 0, sizeof *a);
        a->type = types[hp_rng() % (sizeof types / sizeof types[0])];
        switch (a->type) {
        case OFPAT_OUTPUT:
            a->output.port = hp_rng();
            a->output.max_len = (uint16_t) hp_rng();
            break;
        case OFPAT_SET_QUEUE:
            a->queue_id = hp_rng();
            break;
        case OFPAT_GROUP:
            a->group_id = hp_rng();
            break;
        case OFPAT_SET_NW_TTL:
            a->nw_ttl = (uint8_t) hp_rng();
            break;
        case OFPAT_PUSH_VLAN:
            a->ethertype = (uint16_t) hp_rng();
            break;
        case OFPAT_SET_FIELD:
            HP_CHECK(ofp_oxm_init_basic(&a->set_field, OFPXMT_OFB_ETH_DST));
            a->set_field.value.mac[5] = (uint8_t) hp_rng();
            break;
        case OFPAT_EXPERIMENTER:
            a->experimenter.experimenter = hp_rng();
            a->experimenter.len = hp_rng() % 20;
            a->experimenter.data = bodies;
            break;
        default:
            break;
        }
    }
}

START_TEST(test_packet_in_decode_matches_reference_random)
{
    static uint8_t m[1024];

    hp_rng_state = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 3000; i++) {
        size_t n = hp_random_packet_in(m);
        uint8_t *exact = malloc(n);
        HP_CHECK(exact != NULL);
        memcpy(exact, m, n);
        check_packet_in_mutations(exact, n, 8);
        free(exact);
    }
}
END_TEST

START_TEST(test_packet_out_encode_matches_reference_random)
{
    struct ofp_action actions[8];
    uint8_t bodies[256];
    struct ofp_msg msg;

    hp_rng_state = 0x2545f4914f6cdd1dull;
    for (size_t i = 0; i < sizeof bodies; i++) {
        bodies[i] = (uint8_t) hp_rng();
    }
    for (int i = 0; i < 2000; i++) {
        ofp_msg_init(&msg, OFPT_PACKET_OUT, hp_rng());
        msg.packet_out.buffer_id = hp_rng() % 2 ? OFP_NO_BUFFER : hp_rng();
        msg.packet_out.in_port = hp_rng();
        hp_random_actions(&msg.packet_out.actions, actions, bodies);
        msg.packet_out.len = hp_rng() % 3 ? 0 : hp_rng() % sizeof bodies;
        msg.packet_out.data = msg.packet_out.len ? bodies : NULL;
        check_packet_out(&msg);
    }

    /* Too long for a message: both refuse it. */
    static uint8_t big[UINT16_MAX];
    ofp_msg_init(&msg, OFPT_PACKET_OUT, 1);
    msg.packet_out.len = sizeof big;
    msg.packet_out.data = big;
    check_packet_out(&msg);
}
END_TEST

/* Checks every PACKET_IN and PACKET_OUT of a corpus file against the
 * references, and every message's arrays against a decode on a clean
 * arena.  'aux' counts the messages checked. */
static void
hot_path_visit(const char *path, const char *name, void *aux)
{
    size_t *n_checked = aux;
    size_t len;
    uint8_t *in = test_read_file(path, &len);

    (void) name;
    if (!in) {
        return;
    }
    for (size_t ofs = 0; len - ofs >= OFP_HEADER_LEN;) {
        size_t mlen = ofp_load_be16(in + ofs + 2);
        if (in[ofs] != OFP13_VERSION || mlen < OFP_HEADER_LEN ||
            mlen > len - ofs) {
            break;
        }
        uint8_t *m = malloc(mlen);
        HP_CHECK(m != NULL);
        memcpy(m, in + ofs, mlen);
        if (m[1] == OFPT_PACKET_IN) {
            check_packet_in_mutations(m, mlen, 200);
            (*n_checked)++;
        } else if (m[1] == OFPT_PACKET_OUT) {
            struct ofp_msg msg;
            ofp_arena_reset(&t.arena);
            if (!ofp_msg_decode(m, mlen, &msg, &t.arena)) {
                check_packet_out(&msg);
                (*n_checked)++;
            }
        }

        /* Arrays decoded into an arena full of garbage equal those
         * decoded into a fresh one, byte for byte. */
        struct ofp_arena clean;
        struct ofp_msg want, got;
        ofp_arena_init(&clean);
        ofp_arena_reset(&t.arena);
        void *dirt = ofp_arena_alloc(&t.arena, 1 << 16);
        HP_CHECK(dirt != NULL);
        memset(dirt, 0x5a, 1 << 16);
        ofp_arena_reset(&t.arena);
        enum ofperr want_error = ofp_msg_decode(m, mlen, &want, &clean);
        HP_CHECK(ofp_msg_decode(m, mlen, &got, &t.arena) == want_error);
        if (!want_error && m[1] == OFPT_PACKET_OUT) {
            const struct ofp_action_list *a = &want.packet_out.actions;
            HP_CHECK(got.packet_out.actions.n == a->n);
            HP_CHECK(hp_same(got.packet_out.actions.actions, a->actions,
                             a->n * sizeof *a->actions));
        } else if (!want_error && m[1] == OFPT_FLOW_MOD) {
            const struct ofp_flow_mod *fm = &want.flow_mod;
            const struct ofp_instruction_list *il = &fm->instructions;
            HP_CHECK(hp_same(got.flow_mod.match.oxms, fm->match.oxms,
                             fm->match.n_oxms * sizeof *fm->match.oxms));
            HP_CHECK(got.flow_mod.instructions.n == il->n);
            for (size_t i = 0; i < il->n; i++) {
                /* Byte copies (padding included), without the pointers to
                 * nested action lists, which are in different arenas. */
                struct ofp_instruction wi, gi;
                memcpy(&wi, &il->instructions[i], sizeof wi);
                memcpy(&gi, &got.flow_mod.instructions.instructions[i],
                       sizeof gi);
                if (wi.type == OFPIT_APPLY_ACTIONS ||
                    wi.type == OFPIT_WRITE_ACTIONS ||
                    wi.type == OFPIT_CLEAR_ACTIONS) {
                    HP_CHECK(gi.actions.n == wi.actions.n);
                    HP_CHECK(
                        hp_same(gi.actions.actions, wi.actions.actions,
                                wi.actions.n * sizeof *wi.actions.actions));
                    wi.actions.actions = gi.actions.actions = NULL;
                }
                HP_CHECK(hp_same(&gi, &wi, sizeof wi));
            }
        }
        ofp_arena_uninit(&clean);
        free(m);
        ofs += mlen;
    }
    free(in);
}

START_TEST(test_hot_path_matches_reference_on_corpus)
{
    const char *corpus = test_corpus_dir();
    if (!corpus) {
        fprintf(stderr, "# corpus absent: skipped\n");
        return;
    }
    static const struct {
        const char *dir;
        const char *suffix;
    } sets[] = {
        {"ryu-of13/packet_data", ".packet"},
        {"ryu-of13/pcap", ".payload.bin"},
        {"kytos-pyof-v0x04", ".dat"},
        {"loxigen-of13/bin", ".bin"},
    };
    size_t n_checked = 0;
    hp_rng_state = 0x853c49e6748fea9bull;
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", corpus, sets[i].dir);
        test_for_each_file(dir, sets[i].suffix, hot_path_visit, &n_checked);
    }
    fprintf(stderr, "# corpus: %zu PACKET_INs and PACKET_OUTs checked\n",
            n_checked);
    ck_assert_uint_gt(n_checked, 5);
}
END_TEST

static Suite *
msgs_suite(void)
{
    Suite *s = suite_create("ofp-msgs");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);

    tcase_add_test(tc, test_type_names_and_min_lens);
    tcase_add_loop_test(tc, test_every_type_round_trips, 0, OFPT_MAX + 1);
    tcase_add_test(tc, test_xid_preserved);
    tcase_add_test(tc, test_msg_init);

    tcase_add_test(tc, test_hello_elements);
    tcase_add_test(tc, test_hello_encode_built);
    tcase_add_test(tc, test_hello_without_bitmap_offers_up_to_version);
    tcase_add_test(tc, test_hello_of_other_version_decodes);
    tcase_add_test(tc, test_hello_offers_false_for_other_types);
    tcase_add_test(tc, test_hello_elem_len_zero);
    tcase_add_test(tc, test_hello_elem_len_beyond_end);
    tcase_add_test(tc, test_hello_unpadded_elements);
    tcase_add_test(tc, test_hello_elem_partial_header);
    tcase_add_test(tc, test_hello_elem_bad_padding);
    tcase_add_test(tc, test_hello_bitmap_not_whole_words);
    tcase_add_test(tc, test_hello_elem_fragment);

    tcase_add_test(tc, test_error_fields);
    tcase_add_test(tc, test_error_experimenter);
    tcase_add_test(tc, test_error_experimenter_short);
    tcase_add_test(tc, test_error_encode_built);
    tcase_add_test(tc, test_echo_fields);
    tcase_add_test(tc, test_experimenter_fields);

    tcase_add_test(tc, test_features_reply_fields);
    tcase_add_test(tc, test_features_reply_encode_built);
    tcase_add_test(tc, test_empty_bodies);
    tcase_add_test(tc, test_config_fields);

    tcase_add_test(tc, test_packet_in_fields);
    tcase_add_test(tc, test_packet_in_encode_built);
    tcase_add_test(tc, test_packet_in_without_pad);
    tcase_add_test(tc, test_flow_removed_fields);
    tcase_add_test(tc, test_flow_removed_trailing_bytes);
    tcase_add_test(tc, test_port_status_fields);
    tcase_add_test(tc, test_port_status_encode_built);
    tcase_add_test(tc, test_port_name_keeps_raw_bytes);
    tcase_add_test(tc, test_port_decode_short);

    tcase_add_test(tc, test_packet_out_fields);
    tcase_add_test(tc, test_packet_out_encode_built);
    tcase_add_test(tc, test_packet_out_encode_direct);
    tcase_add_test(tc, test_packet_out_encode_direct_refuses);
    tcase_add_test(tc, test_packet_out_encode_direct_matches_generic);
    tcase_add_test(tc, test_packet_out_encode_outputs_limits);
    tcase_add_test(tc, test_packet_out_actions_len_beyond_end);
    tcase_add_test(tc, test_packet_out_actions_len_cuts_action);
    tcase_add_test(tc, test_packet_out_no_actions_no_data);
    tcase_add_test(tc, test_flow_mod_fields);
    tcase_add_test(tc, test_flow_mod_encode_built);
    tcase_add_test(tc, test_flow_mod_bad_match_type);
    tcase_add_test(tc, test_group_mod_fields);
    tcase_add_test(tc, test_group_mod_encode_built);
    tcase_add_test(tc, test_group_mod_delete_no_buckets);
    tcase_add_test(tc, test_bucket_len_too_small);
    tcase_add_test(tc, test_bucket_len_not_multiple_of_8);
    tcase_add_test(tc, test_bucket_len_too_big);
    tcase_add_test(tc, test_bucket_trailing_fragment);
    tcase_add_test(tc, test_bucket_bad_action);
    tcase_add_test(tc, test_port_mod_fields);
    tcase_add_test(tc, test_table_mod_fields);

    tcase_add_test(tc, test_multipart_delegates);

    tcase_add_test(tc, test_queue_get_config_request_fields);
    tcase_add_test(tc, test_queue_get_config_reply_fields);
    tcase_add_test(tc, test_queue_get_config_reply_encode_built);
    tcase_add_test(tc, test_queue_max_rate_and_empty_queue);
    tcase_add_test(tc, test_queue_unknown_property_kept);
    tcase_add_test(tc, test_queue_prop_len_wrong);
    tcase_add_test(tc, test_queue_prop_beyond_queue);
    tcase_add_test(tc, test_queue_len_wrong);

    tcase_add_test(tc, test_role_fields);
    tcase_add_test(tc, test_async_fields);

    tcase_add_test(tc, test_meter_mod_fields);
    tcase_add_test(tc, test_meter_mod_encode_built);
    tcase_add_test(tc, test_meter_band_len_wrong);
    tcase_add_test(tc, test_meter_band_unknown_type);
    tcase_add_test(tc, test_meter_band_beyond_end);
    tcase_add_test(tc, test_meter_mod_delete_no_bands);

    tcase_add_test(tc, test_short_header);
    tcase_add_test(tc, test_length_field_below_header);
    tcase_add_test(tc, test_length_field_above_input);
    tcase_add_test(tc, test_length_field_below_input);
    tcase_add_test(tc, test_bad_version);
    tcase_add_test(tc, test_unknown_type);
    tcase_add_loop_test(tc, test_below_min_len, 0, OFPT_MAX + 1);
    tcase_add_loop_test(tc, test_fixed_size_truncated_and_trailing, 0,
                        OFPT_MAX + 1);
    tcase_add_loop_test(tc, test_variable_size_truncated, 0, OFPT_MAX + 1);

    tcase_add_test(tc, test_encode_oversize_fails_cleanly);
    tcase_add_test(tc, test_encode_fixed_buffer_too_small);
    tcase_add_test(tc, test_encode_unknown_type);
    tcase_add_test(tc, test_arena_reuse_after_warm_up);

    tcase_add_test(tc, test_corpus_round_trip);
    tcase_add_test(tc, test_corpus_hello_elem_fragment);
    suite_add_tcase(s, tc);

    tc = tcase_create("hot path");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_packet_in_decode_matches_reference_random);
    tcase_add_test(tc, test_packet_out_encode_matches_reference_random);
    tcase_add_test(tc, test_hot_path_matches_reference_on_corpus);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(msgs_suite());
}
