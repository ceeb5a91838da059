/* Unit tests of ofp-multipart: every multipart kind, request and reply, from
 * hand-written hex fixtures both ways; every table-feature property type;
 * the malformed cases; the loxigen action/instruction id fragments; and the
 * corpus (byte-exact round trips directly and through ofp_msg_decode, every
 * truncation, decoded values against Ryu's JSON).
 *
 * Fixtures are multipart bodies as ofp-msgs hands them to us: the 8-byte
 * multipart header (type, flags, pad) first, the OpenFlow header excluded.
 */
#include <config.h>
#include "ofproto/ofp-multipart.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ofproto/ofp-msgs.h"
#include "test/test-util.h"

/* ---- harness ---- */

static struct ofp_arena arena;
static struct ofp_wbuf out;

enum { MAX_INPUTS = 32 };
static uint8_t *inputs[MAX_INPUTS];
static size_t n_inputs;

static void
setup(void)
{
    ofp_arena_init(&arena);
    ofp_wbuf_init(&out);
    n_inputs = 0;
}

static void
teardown(void)
{
    for (size_t i = 0; i < n_inputs; i++) {
        free(inputs[i]);
    }
    n_inputs = 0;
    ofp_wbuf_uninit(&out);
    ofp_arena_uninit(&arena);
}

/* Keeps 'len' bytes of 'data' in an exact-size heap copy (so the sanitizer
 * sees any read past the end), freed at teardown. */
static const uint8_t *
keep_input(const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, data, len);
    ck_assert_uint_lt(n_inputs, MAX_INPUTS);
    inputs[n_inputs++] = copy;
    return copy;
}

/* Frees the last kept input and what was decoded from it (corpus walks
 * visit many files in one test). */
static void
drop_input(void)
{
    ck_assert_uint_gt(n_inputs, 0);
    free(inputs[--n_inputs]);
    ofp_arena_reset(&arena);
}

/* Parses the hex fixture 'text' into an exact-size buffer. */
static const uint8_t *
hex_input(const char *text, size_t *len)
{
    uint8_t *buf = test_parse_hex(text, len);
    ck_assert_msg(buf != NULL, "bad hex fixture");
    const uint8_t *copy = keep_input(buf, *len);
    free(buf);
    return copy;
}

static void
assert_err(enum ofperr got, enum ofperr want)
{
    ck_assert_msg(got == want, "got %s, want %s", ofperr_name(got),
                  ofperr_name(want));
}

static enum ofperr
req_decode_bytes(const uint8_t *in, size_t len,
                 struct ofp_multipart_request *req)
{
    struct ofp_rd rd;
    ofp_rd_init(&rd, in, len);
    return ofp_mp_request_decode(&rd, req, &arena);
}

static enum ofperr
reply_decode_bytes(const uint8_t *in, size_t len,
                   struct ofp_multipart_reply *reply)
{
    struct ofp_rd rd;
    ofp_rd_init(&rd, in, len);
    return ofp_mp_reply_decode(&rd, reply, &arena);
}

static enum ofperr
req_decode(const char *text, struct ofp_multipart_request *req)
{
    size_t len;
    const uint8_t *in = hex_input(text, &len);
    return req_decode_bytes(in, len, req);
}

static enum ofperr
reply_decode(const char *text, struct ofp_multipart_reply *reply)
{
    size_t len;
    const uint8_t *in = hex_input(text, &len);
    return reply_decode_bytes(in, len, reply);
}

/* Decodes 'text' as a request into 'req' (which must succeed) and checks
 * that encoding 'req' gives the same bytes back. */
static void
req_roundtrip(const char *text, struct ofp_multipart_request *req)
{
    size_t len;
    const uint8_t *in = hex_input(text, &len);
    assert_err(req_decode_bytes(in, len, req), 0);
    ofp_wbuf_clear(&out);
    ofp_mp_request_encode(&out, req);
    ck_assert(!out.overflow);
    test_assert_bytes(out.data, out.len, in, len);
}

static void
reply_roundtrip(const char *text, struct ofp_multipart_reply *reply)
{
    size_t len;
    const uint8_t *in = hex_input(text, &len);
    assert_err(reply_decode_bytes(in, len, reply), 0);
    ofp_wbuf_clear(&out);
    ofp_mp_reply_encode(&out, reply);
    ck_assert(!out.overflow);
    test_assert_bytes(out.data, out.len, in, len);
}

/* Checks that 'out' holds exactly the bytes of hex 'text'. */
static void
assert_out_hex(const char *text)
{
    size_t len;
    const uint8_t *want = hex_input(text, &len);
    test_assert_bytes(out.data, out.len, want, len);
}

/* ---- requests ---- */

static const uint16_t empty_body_types[] = {
    OFPMP_DESC,           OFPMP_TABLE,          OFPMP_GROUP_DESC,
    OFPMP_GROUP_FEATURES, OFPMP_METER_FEATURES, OFPMP_PORT_DESC,
};

START_TEST(test_empty_body_requests_roundtrip)
{
    for (size_t i = 0; i < sizeof empty_body_types / sizeof *empty_body_types;
         i++) {
        char text[64];
        struct ofp_multipart_request req;
        snprintf(text, sizeof text, "%04x 0000 00000000", empty_body_types[i]);
        req_roundtrip(text, &req);
        ck_assert_uint_eq(req.type, empty_body_types[i]);
        ck_assert_uint_eq(req.flags, 0);
    }
}
END_TEST

START_TEST(test_empty_body_request_trailing_bytes_bad_len)
{
    for (size_t i = 0; i < sizeof empty_body_types / sizeof *empty_body_types;
         i++) {
        char text[64];
        struct ofp_multipart_request req;
        snprintf(text, sizeof text, "%04x 0000 00000000 00",
                 empty_body_types[i]);
        assert_err(req_decode(text, &req), OFPERR_OFPBRC_BAD_LEN);
        snprintf(text, sizeof text, "%04x 0000 00000000 0000000000000000",
                 empty_body_types[i]);
        assert_err(req_decode(text, &req), OFPERR_OFPBRC_BAD_LEN);
    }
}
END_TEST

static const char flow_request_hex[] =
    "0001 0001 00000000       # FLOW, REQ_MORE, pad\n"
    "01 000000                # table_id 1, pad\n"
    "00000002                 # out_port 2\n"
    "ffffffff                 # out_group ANY\n"
    "00000000                 # pad\n"
    "0000000000000abc         # cookie\n"
    "000000000000ffff         # cookie_mask\n"
    "0001 000c 80000004 00000005 00000000  # match in_port=5, pad\n";

START_TEST(test_flow_request_decode_and_roundtrip)
{
    struct ofp_multipart_request req;
    req_roundtrip(flow_request_hex, &req);
    ck_assert_uint_eq(req.type, OFPMP_FLOW);
    ck_assert_uint_eq(req.flags, OFPMPF_REQ_MORE);
    ck_assert_uint_eq(req.flow.table_id, 1);
    ck_assert_uint_eq(req.flow.out_port, 2);
    ck_assert_uint_eq(req.flow.out_group, OFPG_ANY);
    ck_assert_uint_eq(req.flow.cookie, 0xabc);
    ck_assert_uint_eq(req.flow.cookie_mask, 0xffff);
    ck_assert_uint_eq(req.flow.match.type, OFPMT_OXM);
    ck_assert_uint_eq(req.flow.match.n_oxms, 1);
    ck_assert_uint_eq(req.flow.match.oxms[0].cls, OFPXMC_OPENFLOW_BASIC);
    ck_assert_uint_eq(req.flow.match.oxms[0].field, OFPXMT_OFB_IN_PORT);
    ck_assert_uint_eq(req.flow.match.oxms[0].value.u32, 5);
}
END_TEST

START_TEST(test_aggregate_request_roundtrip)
{
    static const char hex[] =
        "0002 0000 00000000 ff 000000 ffffffff ffffffff 00000000"
        " 0000000000000000 0000000000000000 0001 0004 00000000";
    struct ofp_multipart_request req;
    req_roundtrip(hex, &req);
    ck_assert_uint_eq(req.type, OFPMP_AGGREGATE);
    ck_assert_uint_eq(req.flow.table_id, OFPTT_ALL);
    ck_assert_uint_eq(req.flow.out_port, OFPP_ANY);
    ck_assert_uint_eq(req.flow.out_group, OFPG_ANY);
    ck_assert_uint_eq(req.flow.match.n_oxms, 0);
}
END_TEST

START_TEST(test_flow_request_short_bad_len)
{
    struct ofp_multipart_request req;
    /* 39 bytes of body: one short of the fixed part with an empty match. */
    assert_err(req_decode("0001 0000 00000000 ff 000000 ffffffff ffffffff"
                          " 00000000 0000000000000000 0000000000000000"
                          " 0001 0004 000000",
                          &req),
               OFPERR_OFPBRC_BAD_LEN);
    assert_err(req_decode("0002 0000 00000000 ff 000000", &req),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_flow_request_trailing_bad_len)
{
    struct ofp_multipart_request req;
    assert_err(req_decode("0001 0000 00000000 ff 000000 ffffffff ffffffff"
                          " 00000000 0000000000000000 0000000000000000"
                          " 0001 0004 00000000 0000000000000000",
                          &req),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_flow_request_encode_from_struct)
{
    struct ofp_oxm oxm;
    struct ofp_multipart_request req;

    memset(&req, 0, sizeof req);
    ck_assert(ofp_oxm_init_basic(&oxm, OFPXMT_OFB_IN_PORT));
    oxm.value.u32 = 5;
    req.type = OFPMP_FLOW;
    req.flags = OFPMPF_REQ_MORE;
    req.flow.table_id = 1;
    req.flow.out_port = 2;
    req.flow.out_group = OFPG_ANY;
    req.flow.cookie = 0xabc;
    req.flow.cookie_mask = 0xffff;
    req.flow.match.type = OFPMT_OXM;
    req.flow.match.n_oxms = 1;
    req.flow.match.oxms = &oxm;
    ofp_mp_request_encode(&out, &req);
    assert_out_hex(flow_request_hex);
}
END_TEST

START_TEST(test_port_stats_request)
{
    struct ofp_multipart_request req;
    req_roundtrip("0004 0000 00000000 fffffffe 00000000", &req);
    ck_assert_uint_eq(req.type, OFPMP_PORT_STATS);
    ck_assert_uint_eq(req.port_no, OFPP_LOCAL);
}
END_TEST

START_TEST(test_queue_request)
{
    struct ofp_multipart_request req;
    req_roundtrip("0005 0000 00000000 00000003 ffffffff", &req);
    ck_assert_uint_eq(req.type, OFPMP_QUEUE);
    ck_assert_uint_eq(req.queue.port_no, 3);
    ck_assert_uint_eq(req.queue.queue_id, OFPQ_ALL);
}
END_TEST

START_TEST(test_group_request)
{
    struct ofp_multipart_request req;
    req_roundtrip("0006 0000 00000000 fffffffc 00000000", &req);
    ck_assert_uint_eq(req.type, OFPMP_GROUP);
    ck_assert_uint_eq(req.group_id, OFPG_ALL);
}
END_TEST

START_TEST(test_meter_and_meter_config_requests)
{
    struct ofp_multipart_request req;
    req_roundtrip("0009 0000 00000000 ffffffff 00000000", &req);
    ck_assert_uint_eq(req.type, OFPMP_METER);
    ck_assert_uint_eq(req.meter_id, OFPM_ALL);
    req_roundtrip("000a 0000 00000000 00000007 00000000", &req);
    ck_assert_uint_eq(req.type, OFPMP_METER_CONFIG);
    ck_assert_uint_eq(req.meter_id, 7);
}
END_TEST

START_TEST(test_fixed_requests_wrong_length_bad_len)
{
    static const char *const bad[] = {
        "0004 0000 00000000 00000001",             /* short */
        "0004 0000 00000000 00000001 00000000 00", /* long */
        "0005 0000 00000000 00000001",
        "0005 0000 00000000 00000001 00000001 00000000",
        "0006 0000 00000000",
        "0006 0000 00000000 00000001 00000000 0000",
        "0009 0000 00000000 00000001 000000",
        "000a 0000 00000000 00000001 0000000000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ofp_multipart_request req;
        assert_err(req_decode(bad[i], &req), OFPERR_OFPBRC_BAD_LEN);
    }
}
END_TEST

START_TEST(test_table_features_request_empty)
{
    struct ofp_multipart_request req;
    req_roundtrip("000c 0000 00000000", &req);
    ck_assert_uint_eq(req.type, OFPMP_TABLE_FEATURES);
    ck_assert_uint_eq(req.table_features.n, 0);
}
END_TEST

/* One table-features entry with every property type, and one of an
 * undefined type (9) kept as opaque bytes. */
#define TF_ENTRY_HEX                                                          \
    "0110 00 0000000000   # length 272, table 0, pad\n"                       \
    "7461626c65300000000000000000000000000000000000000000000000000000\n"      \
    "ffffffffffffffff     # metadata_match\n"                                 \
    "00000000000000ff     # metadata_write\n"                                 \
    "00000003             # config\n"                                         \
    "00010000             # max_entries\n"                                    \
    "0000 0018 0001 0004 0004 0004 ffff 000c 00002320 0000abcd\n"             \
    "0001 0008 0001 0004\n"                                                   \
    "0002 0007 010203 00\n"                                                   \
    "0003 0004 00000000\n"                                                    \
    "0004 000c 0000 0004 0016 0004 00000000\n"                                \
    "0005 0008 0000 0004\n"                                                   \
    "0006 0010 0000 0004 ffff 0008 00002320\n"                                \
    "0007 0008 0012 0004\n"                                                   \
    "0008 0014 80000004 8000070c ffff0208 4f4e4600 00000000\n"                \
    "000a 0008 80000004\n"                                                    \
    "000c 0008 80000606\n"                                                    \
    "000d 0008 80000806\n"                                                    \
    "000e 000c 80000c02 80001604 00000000\n"                                  \
    "000f 0004 00000000\n"                                                    \
    "fffe 000f 00002320 00000007 0a0b0c 00\n"                                 \
    "ffff 000c 005c16c7 00000001 00000000\n"                                  \
    "0009 0006 abcd 0000\n"

/* A second entry with no properties. */
#define TF_EMPTY_ENTRY_HEX                                                    \
    "0040 05 0000000000\n"                                                    \
    "0000000000000000000000000000000000000000000000000000000000000000\n"      \
    "0000000000000000 0000000000000000 00000000 00000010\n"

static void
check_tf_entry(const struct ofp_table_features *tf)
{
    const struct ofp_table_feature_prop *p = tf->props;

    ck_assert_uint_eq(tf->table_id, 0);
    ck_assert_str_eq(tf->name, "table0");
    ck_assert_uint_eq(tf->metadata_match, UINT64_MAX);
    ck_assert_uint_eq(tf->metadata_write, 0xff);
    ck_assert_uint_eq(tf->config, 3);
    ck_assert_uint_eq(tf->max_entries, 0x10000);
    ck_assert_uint_eq(tf->n_props, 17);

    /* INSTRUCTIONS: goto_table, apply_actions, experimenter with data. */
    ck_assert_uint_eq(p[0].type, OFPTFPT_INSTRUCTIONS);
    ck_assert_uint_eq(p[0].instructions.n, 3);
    ck_assert_uint_eq(p[0].instructions.ids[0].type, OFPIT_GOTO_TABLE);
    ck_assert_uint_eq(p[0].instructions.ids[0].len, 0);
    ck_assert_uint_eq(p[0].instructions.ids[1].type, OFPIT_APPLY_ACTIONS);
    ck_assert_uint_eq(p[0].instructions.ids[2].type, OFPIT_EXPERIMENTER);
    ck_assert_uint_eq(p[0].instructions.ids[2].len, 8);
    ck_assert_uint_eq(p[0].instructions.ids[2].data[3], 0x20);
    ck_assert_uint_eq(p[0].instructions.ids[2].data[7], 0xcd);
    ck_assert_uint_eq(p[1].type, OFPTFPT_INSTRUCTIONS_MISS);
    ck_assert_uint_eq(p[1].instructions.n, 1);

    /* NEXT_TABLES(_MISS). */
    ck_assert_uint_eq(p[2].type, OFPTFPT_NEXT_TABLES);
    ck_assert_uint_eq(p[2].next_tables.n, 3);
    ck_assert_uint_eq(p[2].next_tables.table_ids[0], 1);
    ck_assert_uint_eq(p[2].next_tables.table_ids[2], 3);
    ck_assert_uint_eq(p[3].type, OFPTFPT_NEXT_TABLES_MISS);
    ck_assert_uint_eq(p[3].next_tables.n, 0);

    /* WRITE/APPLY_ACTIONS(_MISS). */
    ck_assert_uint_eq(p[4].type, OFPTFPT_WRITE_ACTIONS);
    ck_assert_uint_eq(p[4].actions.n, 2);
    ck_assert_uint_eq(p[4].actions.ids[0].type, OFPAT_OUTPUT);
    ck_assert_uint_eq(p[4].actions.ids[1].type, OFPAT_GROUP);
    ck_assert_uint_eq(p[5].type, OFPTFPT_WRITE_ACTIONS_MISS);
    ck_assert_uint_eq(p[5].actions.n, 1);
    ck_assert_uint_eq(p[6].type, OFPTFPT_APPLY_ACTIONS);
    ck_assert_uint_eq(p[6].actions.n, 2);
    ck_assert_uint_eq(p[6].actions.ids[1].type, OFPAT_EXPERIMENTER);
    ck_assert_uint_eq(p[6].actions.ids[1].len, 4);
    ck_assert_uint_eq(p[7].type, OFPTFPT_APPLY_ACTIONS_MISS);
    ck_assert_uint_eq(p[7].actions.ids[0].type, OFPAT_POP_VLAN);

    /* MATCH with a masked id and a 64-bit experimenter id. */
    ck_assert_uint_eq(p[8].type, OFPTFPT_MATCH);
    ck_assert_uint_eq(p[8].oxms.n, 3);
    ck_assert_uint_eq(p[8].oxms.ids[0].header, 0x80000004);
    ck_assert_uint_eq(p[8].oxms.ids[1].header, 0x8000070c);
    ck_assert_uint_eq(p[8].oxms.ids[2].header, 0xffff0208);
    ck_assert_uint_eq(p[8].oxms.ids[2].experimenter, 0x4f4e4600);
    ck_assert_uint_eq(p[9].type, OFPTFPT_WILDCARDS);
    ck_assert_uint_eq(p[9].oxms.n, 1);
    ck_assert_uint_eq(p[10].type, OFPTFPT_WRITE_SETFIELD);
    ck_assert_uint_eq(p[10].oxms.ids[0].header, 0x80000606);
    ck_assert_uint_eq(p[11].type, OFPTFPT_WRITE_SETFIELD_MISS);
    ck_assert_uint_eq(p[11].oxms.ids[0].header, 0x80000806);
    ck_assert_uint_eq(p[12].type, OFPTFPT_APPLY_SETFIELD);
    ck_assert_uint_eq(p[12].oxms.n, 2);
    ck_assert_uint_eq(p[12].oxms.ids[1].header, 0x80001604);
    ck_assert_uint_eq(p[13].type, OFPTFPT_APPLY_SETFIELD_MISS);
    ck_assert_uint_eq(p[13].oxms.n, 0);

    /* EXPERIMENTER(_MISS). */
    ck_assert_uint_eq(p[14].type, OFPTFPT_EXPERIMENTER);
    ck_assert_uint_eq(p[14].experimenter.experimenter, 0x2320);
    ck_assert_uint_eq(p[14].experimenter.exp_type, 7);
    ck_assert_uint_eq(p[14].experimenter.len, 3);
    ck_assert_uint_eq(p[14].experimenter.data[2], 0x0c);
    ck_assert_uint_eq(p[15].type, OFPTFPT_EXPERIMENTER_MISS);
    ck_assert_uint_eq(p[15].experimenter.experimenter, 0x005c16c7);
    ck_assert_uint_eq(p[15].experimenter.exp_type, 1);
    ck_assert_uint_eq(p[15].experimenter.len, 0);

    /* Undefined type: body kept. */
    ck_assert_uint_eq(p[16].type, 9);
    ck_assert_uint_eq(p[16].unknown.len, 2);
    ck_assert_uint_eq(p[16].unknown.data[0], 0xab);
    ck_assert_uint_eq(p[16].unknown.data[1], 0xcd);
}

START_TEST(test_table_features_request_every_property_type)
{
    struct ofp_multipart_request req;
    req_roundtrip("000c 0001 00000000\n" TF_ENTRY_HEX TF_EMPTY_ENTRY_HEX,
                  &req);
    ck_assert_uint_eq(req.type, OFPMP_TABLE_FEATURES);
    ck_assert_uint_eq(req.flags, OFPMPF_REQ_MORE);
    ck_assert_uint_eq(req.table_features.n, 2);
    check_tf_entry(&req.table_features.tables[0]);
    ck_assert_uint_eq(req.table_features.tables[1].table_id, 5);
    ck_assert_uint_eq(req.table_features.tables[1].max_entries, 16);
    ck_assert_uint_eq(req.table_features.tables[1].n_props, 0);
    ck_assert_str_eq(req.table_features.tables[1].name, "");
}
END_TEST

START_TEST(test_experimenter_request)
{
    struct ofp_multipart_request req;
    req_roundtrip("ffff 0000 00000000 00002320 00000001 deadbeef", &req);
    ck_assert_uint_eq(req.type, OFPMP_EXPERIMENTER);
    ck_assert_uint_eq(req.experimenter.experimenter, 0x2320);
    ck_assert_uint_eq(req.experimenter.exp_type, 1);
    ck_assert_uint_eq(req.experimenter.len, 4);
    ck_assert_uint_eq(req.experimenter.data[0], 0xde);
    ck_assert_uint_eq(req.experimenter.data[3], 0xef);
    /* No data at all is fine too. */
    req_roundtrip("ffff 0000 00000000 00002320 00000002", &req);
    ck_assert_uint_eq(req.experimenter.len, 0);
}
END_TEST

START_TEST(test_experimenter_short_bad_len)
{
    struct ofp_multipart_request req;
    struct ofp_multipart_reply reply;
    assert_err(req_decode("ffff 0000 00000000 00002320 000000", &req),
               OFPERR_OFPBRC_BAD_LEN);
    assert_err(reply_decode("ffff 0000 00000000 00002320", &reply),
               OFPERR_OFPBRC_BAD_LEN);
    assert_err(reply_decode("ffff 0000 00000000", &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_unknown_type_bad_multipart)
{
    static const char *const bad[] = {
        "000e 0000 00000000",
        "0010 0000 00000000 00000000",
        "fffe 0000 00000000 00002320 00000000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ofp_multipart_request req;
        struct ofp_multipart_reply reply;
        assert_err(req_decode(bad[i], &req), OFPERR_OFPBRC_BAD_MULTIPART);
        assert_err(reply_decode(bad[i], &reply), OFPERR_OFPBRC_BAD_MULTIPART);
    }
}
END_TEST

START_TEST(test_short_multipart_header_bad_len)
{
    static const char *const bad[] = {
        "",
        "00",
        "0000 0000",
        "0001 0000 000000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ofp_multipart_request req;
        struct ofp_multipart_reply reply;
        assert_err(req_decode(bad[i], &req), OFPERR_OFPBRC_BAD_LEN);
        assert_err(reply_decode(bad[i], &reply), OFPERR_OFPBRC_BAD_LEN);
    }
}
END_TEST

START_TEST(test_more_flags_encoded)
{
    struct ofp_multipart_request req;
    struct ofp_multipart_reply reply;

    memset(&req, 0, sizeof req);
    req.type = OFPMP_PORT_DESC;
    req.flags = OFPMPF_REQ_MORE;
    ofp_mp_request_encode(&out, &req);
    assert_out_hex("000d 0001 00000000");

    memset(&reply, 0, sizeof reply);
    reply.type = OFPMP_AGGREGATE;
    reply.flags = OFPMPF_REPLY_MORE;
    reply.aggregate.packet_count = 1;
    reply.aggregate.byte_count = 2;
    reply.aggregate.flow_count = 3;
    ofp_wbuf_clear(&out);
    ofp_mp_reply_encode(&out, &reply);
    assert_out_hex("0002 0001 00000000 0000000000000001 0000000000000002"
                   " 00000003 00000000");
}
END_TEST

/* ---- replies ---- */

/* Builds a DESC reply body; the hardware string carries bytes after its
 * NUL, which must survive a round trip. */
static const uint8_t *
desc_reply_bytes(size_t body_len, size_t *len)
{
    uint8_t buf[8 + 1060];
    ck_assert_uint_le(body_len, 1060);
    memset(buf, 0, sizeof buf);
    buf[1] = OFPMP_DESC;
    buf[3] = OFPMPF_REPLY_MORE;
    memcpy(buf + 8, "Sluice Inc.", 11);
    memcpy(buf + 8 + 256, "hw\0junk", 7);
    memcpy(buf + 8 + 512, "sw 1.0", 6);
    memcpy(buf + 8 + 768, "SN-0042", 7);
    memset(buf + 8 + 800, 'd', 256); /* no NUL at all */
    *len = 8 + body_len;
    return keep_input(buf, *len);
}

START_TEST(test_desc_reply)
{
    size_t len;
    const uint8_t *in = desc_reply_bytes(1056, &len);
    struct ofp_multipart_reply reply;

    assert_err(reply_decode_bytes(in, len, &reply), 0);
    ck_assert_uint_eq(reply.type, OFPMP_DESC);
    ck_assert_uint_eq(reply.flags, OFPMPF_REPLY_MORE);
    ck_assert_ptr_nonnull(reply.desc);
    ck_assert_str_eq(reply.desc->mfr_desc, "Sluice Inc.");
    ck_assert_str_eq(reply.desc->hw_desc, "hw");
    ck_assert_str_eq(reply.desc->sw_desc, "sw 1.0");
    ck_assert_str_eq(reply.desc->serial_num, "SN-0042");
    ck_assert_uint_eq(strlen(reply.desc->dp_desc), 256);
    ofp_mp_reply_encode(&out, &reply);
    test_assert_bytes(out.data, out.len, in, len);
}
END_TEST

START_TEST(test_desc_reply_wrong_length_bad_len)
{
    size_t lens[] = {0, 1055, 1057};
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        const uint8_t *in = desc_reply_bytes(lens[i], &len);
        struct ofp_multipart_reply reply;
        assert_err(reply_decode_bytes(in, len, &reply), OFPERR_OFPBRC_BAD_LEN);
    }
}
END_TEST

#define FLOW_STATS_ENTRY1_HEX                                                 \
    "0060 01 00           # length 96, table 1, pad\n"                        \
    "0000000a 00000014    # duration 10 s 20 ns\n"                            \
    "8000 003c 0078 0001  # priority, idle 60, hard 120, SEND_FLOW_REM\n"     \
    "00000000             # pad\n"                                            \
    "0123456789abcdef     # cookie\n"                                         \
    "0000000000000064     # packet_count 100\n"                               \
    "0000000000001770     # byte_count 6000\n"                                \
    "0001 000c 80000004 00000005 00000000  # match in_port=5\n"               \
    "0001 0008 02 000000                   # goto_table 2\n"                  \
    "0004 0018 00000000                    # apply_actions\n"                 \
    "0000 0010 00000003 ffe5 000000000000  # output:3 max_len 0xffe5\n"

#define FLOW_STATS_ENTRY2_HEX                                                 \
    "0038 00 00 00000001 00000002 0000 0000 0000 0000 00000000\n"             \
    "0000000000000000 0000000000000000 0000000000000000\n"                    \
    "0001 0004 00000000   # empty match, no instructions\n"

START_TEST(test_flow_stats_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip(
        "0001 0001 00000000\n" FLOW_STATS_ENTRY1_HEX FLOW_STATS_ENTRY2_HEX,
        &reply);
    ck_assert_uint_eq(reply.type, OFPMP_FLOW);
    ck_assert_uint_eq(reply.flags, OFPMPF_REPLY_MORE);
    ck_assert_uint_eq(reply.flow.n, 2);

    const struct ofp_flow_stats *fs = &reply.flow.stats[0];
    ck_assert_uint_eq(fs->table_id, 1);
    ck_assert_uint_eq(fs->duration_sec, 10);
    ck_assert_uint_eq(fs->duration_nsec, 20);
    ck_assert_uint_eq(fs->priority, 0x8000);
    ck_assert_uint_eq(fs->idle_timeout, 60);
    ck_assert_uint_eq(fs->hard_timeout, 120);
    ck_assert_uint_eq(fs->flags, OFPFF_SEND_FLOW_REM);
    ck_assert_uint_eq(fs->cookie, 0x0123456789abcdefull);
    ck_assert_uint_eq(fs->packet_count, 100);
    ck_assert_uint_eq(fs->byte_count, 6000);
    ck_assert_uint_eq(fs->match.n_oxms, 1);
    ck_assert_uint_eq(fs->match.oxms[0].value.u32, 5);
    ck_assert_uint_eq(fs->instructions.n, 2);
    const struct ofp_instruction *in = fs->instructions.instructions;
    ck_assert_uint_eq(in[0].type, OFPIT_GOTO_TABLE);
    ck_assert_uint_eq(in[0].table_id, 2);
    ck_assert_uint_eq(in[1].type, OFPIT_APPLY_ACTIONS);
    ck_assert_uint_eq(in[1].actions.n, 1);
    ck_assert_uint_eq(in[1].actions.actions[0].type, OFPAT_OUTPUT);
    ck_assert_uint_eq(in[1].actions.actions[0].output.port, 3);
    ck_assert_uint_eq(in[1].actions.actions[0].output.max_len, 0xffe5);

    fs = &reply.flow.stats[1];
    ck_assert_uint_eq(fs->table_id, 0);
    ck_assert_uint_eq(fs->duration_sec, 1);
    ck_assert_uint_eq(fs->duration_nsec, 2);
    ck_assert_uint_eq(fs->match.n_oxms, 0);
    ck_assert_uint_eq(fs->instructions.n, 0);
}
END_TEST

START_TEST(test_flow_stats_empty_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip("0001 0000 00000000", &reply);
    ck_assert_uint_eq(reply.type, OFPMP_FLOW);
    ck_assert_uint_eq(reply.flow.n, 0);
}
END_TEST

START_TEST(test_flow_stats_entry_length_below_fixed_bad_len)
{
    struct ofp_multipart_reply reply;
    /* Length 48 (< 56, the fixed part with an empty match) and 0. */
    assert_err(reply_decode("0001 0000 00000000 0030 00 00 00000001 00000002"
                            " 0000 0000 0000 0000 00000000 0000000000000000"
                            " 0000000000000000 0000000000000000"
                            " 0001 0004 00000000",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
    assert_err(reply_decode("0001 0000 00000000 0000 00 00 00000001 00000002"
                            " 0000 0000 0000 0000 00000000 0000000000000000"
                            " 0000000000000000 0000000000000000"
                            " 0001 0004 00000000",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_flow_stats_entry_length_beyond_input_bad_len)
{
    struct ofp_multipart_reply reply;
    assert_err(reply_decode("0001 0000 00000000 0040 00 00 00000001 00000002"
                            " 0000 0000 0000 0000 00000000 0000000000000000"
                            " 0000000000000000 0000000000000000"
                            " 0001 0004 00000000",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_flow_stats_trailing_partial_entry_bad_len)
{
    struct ofp_multipart_reply reply;
    assert_err(reply_decode("0001 0000 00000000\n" FLOW_STATS_ENTRY2_HEX "00",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
    assert_err(reply_decode("0001 0000 00000000\n" FLOW_STATS_ENTRY2_HEX
                            "0038 00 00",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_flow_stats_nested_errors)
{
    struct ofp_multipart_reply reply;
    /* An instruction whose length (6) is too short for goto_table. */
    assert_err(reply_decode("0001 0000 00000000 0040 00 00 00000001 00000002"
                            " 0000 0000 0000 0000 00000000 0000000000000000"
                            " 0000000000000000 0000000000000000"
                            " 0001 0004 00000000 0001 0006 02 000000",
                            &reply),
               OFPERR_OFPBIC_BAD_LEN);
    /* A match whose type is not OFPMT_OXM. */
    assert_err(reply_decode("0001 0000 00000000 0038 00 00 00000001 00000002"
                            " 0000 0000 0000 0000 00000000 0000000000000000"
                            " 0000000000000000 0000000000000000"
                            " 0000 0004 00000000",
                            &reply),
               OFPERR_OFPBMC_BAD_TYPE);
}
END_TEST

START_TEST(test_aggregate_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip("0002 0000 00000000 0000000000000010 0000000000000200"
                    " 00000003 00000000",
                    &reply);
    ck_assert_uint_eq(reply.type, OFPMP_AGGREGATE);
    ck_assert_uint_eq(reply.aggregate.packet_count, 16);
    ck_assert_uint_eq(reply.aggregate.byte_count, 512);
    ck_assert_uint_eq(reply.aggregate.flow_count, 3);
}
END_TEST

START_TEST(test_aggregate_reply_wrong_length_bad_len)
{
    struct ofp_multipart_reply reply;
    assert_err(reply_decode("0002 0000 00000000 0000000000000010"
                            " 0000000000000200 00000003 000000",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
    assert_err(reply_decode("0002 0000 00000000 0000000000000010"
                            " 0000000000000200 00000003 00000000 00",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
    assert_err(reply_decode("0002 0000 00000000", &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_table_stats_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip("0003 0000 00000000"
                    " 00 000000 00000004 0000000000000064 0000000000000032"
                    " fe 000000 00000000 0000000000000001 0000000000000000",
                    &reply);
    ck_assert_uint_eq(reply.type, OFPMP_TABLE);
    ck_assert_uint_eq(reply.table.n, 2);
    ck_assert_uint_eq(reply.table.stats[0].table_id, 0);
    ck_assert_uint_eq(reply.table.stats[0].active_count, 4);
    ck_assert_uint_eq(reply.table.stats[0].lookup_count, 100);
    ck_assert_uint_eq(reply.table.stats[0].matched_count, 50);
    ck_assert_uint_eq(reply.table.stats[1].table_id, 0xfe);
    ck_assert_uint_eq(reply.table.stats[1].lookup_count, 1);
}
END_TEST

START_TEST(test_table_stats_reply_partial_entry_bad_len)
{
    struct ofp_multipart_reply reply;
    assert_err(reply_decode("0003 0000 00000000"
                            " 00 000000 00000004 0000000000000064"
                            " 0000000000000032 00",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
    assert_err(reply_decode("0003 0000 00000000 00 000000 00000004", &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

#define PORT_STATS_ENTRY_HEX                                                  \
    "00000001 00000000    # port_no 1, pad\n"                                 \
    "0000000000000001 0000000000000002  # rx/tx packets\n"                    \
    "0000000000000003 0000000000000004  # rx/tx bytes\n"                      \
    "0000000000000005 0000000000000006  # rx/tx dropped\n"                    \
    "0000000000000007 0000000000000008  # rx/tx errors\n"                     \
    "0000000000000009 000000000000000a  # frame, over\n"                      \
    "000000000000000b 000000000000000c  # crc, collisions\n"                  \
    "0000000d 0000000e                  # duration\n"

START_TEST(test_port_stats_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip(
        "0004 0000 00000000\n" PORT_STATS_ENTRY_HEX PORT_STATS_ENTRY_HEX,
        &reply);
    ck_assert_uint_eq(reply.type, OFPMP_PORT_STATS);
    ck_assert_uint_eq(reply.port_stats.n, 2);
    const struct ofp_port_stats *ps = &reply.port_stats.stats[1];
    ck_assert_uint_eq(ps->port_no, 1);
    ck_assert_uint_eq(ps->rx_packets, 1);
    ck_assert_uint_eq(ps->tx_packets, 2);
    ck_assert_uint_eq(ps->rx_bytes, 3);
    ck_assert_uint_eq(ps->tx_bytes, 4);
    ck_assert_uint_eq(ps->rx_dropped, 5);
    ck_assert_uint_eq(ps->tx_dropped, 6);
    ck_assert_uint_eq(ps->rx_errors, 7);
    ck_assert_uint_eq(ps->tx_errors, 8);
    ck_assert_uint_eq(ps->rx_frame_err, 9);
    ck_assert_uint_eq(ps->rx_over_err, 10);
    ck_assert_uint_eq(ps->rx_crc_err, 11);
    ck_assert_uint_eq(ps->collisions, 12);
    ck_assert_uint_eq(ps->duration_sec, 13);
    ck_assert_uint_eq(ps->duration_nsec, 14);
}
END_TEST

START_TEST(test_port_stats_reply_encode_from_struct)
{
    struct ofp_port_stats ps = {
        .port_no = 1,
        .rx_packets = 1,
        .tx_packets = 2,
        .rx_bytes = 3,
        .tx_bytes = 4,
        .rx_dropped = 5,
        .tx_dropped = 6,
        .rx_errors = 7,
        .tx_errors = 8,
        .rx_frame_err = 9,
        .rx_over_err = 10,
        .rx_crc_err = 11,
        .collisions = 12,
        .duration_sec = 13,
        .duration_nsec = 14,
    };
    struct ofp_multipart_reply reply;
    memset(&reply, 0, sizeof reply);
    reply.type = OFPMP_PORT_STATS;
    reply.port_stats.n = 1;
    reply.port_stats.stats = &ps;
    ofp_mp_reply_encode(&out, &reply);
    assert_out_hex("0004 0000 00000000\n" PORT_STATS_ENTRY_HEX);
}
END_TEST

START_TEST(test_port_stats_reply_partial_entry_bad_len)
{
    struct ofp_multipart_reply reply;
    assert_err(reply_decode("0004 0000 00000000\n" PORT_STATS_ENTRY_HEX
                            "00000002",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

#define QUEUE_STATS_ENTRY_HEX                                                 \
    "00000001 00000002 0000000000000400 0000000000000010"                     \
    " 0000000000000001 00000005 00000006\n"

START_TEST(test_queue_stats_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip("0005 0000 00000000\n" QUEUE_STATS_ENTRY_HEX, &reply);
    ck_assert_uint_eq(reply.type, OFPMP_QUEUE);
    ck_assert_uint_eq(reply.queue.n, 1);
    const struct ofp_queue_stats *qs = reply.queue.stats;
    ck_assert_uint_eq(qs->port_no, 1);
    ck_assert_uint_eq(qs->queue_id, 2);
    ck_assert_uint_eq(qs->tx_bytes, 1024);
    ck_assert_uint_eq(qs->tx_packets, 16);
    ck_assert_uint_eq(qs->tx_errors, 1);
    ck_assert_uint_eq(qs->duration_sec, 5);
    ck_assert_uint_eq(qs->duration_nsec, 6);
}
END_TEST

START_TEST(test_queue_stats_reply_partial_entry_bad_len)
{
    struct ofp_multipart_reply reply;
    assert_err(reply_decode("0005 0000 00000000\n" QUEUE_STATS_ENTRY_HEX
                            "0000",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_group_stats_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip(
        "0006 0000 00000000\n"
        "0048 0000 00000001 00000002 00000000  # length 72, group 1\n"
        "000000000000000a 0000000000000bb8 00000003 00000004\n"
        "0000000000000001 0000000000000040     # bucket 0\n"
        "0000000000000002 0000000000000080     # bucket 1\n"
        "0028 0000 00000007 00000000 00000000  # length 40, no buckets\n"
        "0000000000000000 0000000000000000 00000000 00000000\n",
        &reply);
    ck_assert_uint_eq(reply.type, OFPMP_GROUP);
    ck_assert_uint_eq(reply.group.n, 2);
    const struct ofp_group_stats *gs = &reply.group.stats[0];
    ck_assert_uint_eq(gs->group_id, 1);
    ck_assert_uint_eq(gs->ref_count, 2);
    ck_assert_uint_eq(gs->packet_count, 10);
    ck_assert_uint_eq(gs->byte_count, 3000);
    ck_assert_uint_eq(gs->duration_sec, 3);
    ck_assert_uint_eq(gs->duration_nsec, 4);
    ck_assert_uint_eq(gs->n_buckets, 2);
    ck_assert_uint_eq(gs->bucket_stats[0].packet_count, 1);
    ck_assert_uint_eq(gs->bucket_stats[0].byte_count, 64);
    ck_assert_uint_eq(gs->bucket_stats[1].packet_count, 2);
    ck_assert_uint_eq(gs->bucket_stats[1].byte_count, 128);
    ck_assert_uint_eq(reply.group.stats[1].group_id, 7);
    ck_assert_uint_eq(reply.group.stats[1].n_buckets, 0);
}
END_TEST

START_TEST(test_group_stats_bad_lengths)
{
    static const char *const bad[] = {
        /* 39: below the fixed part. */
        "0006 0000 00000000 0027 0000 00000001 00000002 00000000"
        " 0000000000000000 0000000000000000 00000000 000000",
        /* 41: not the fixed part plus whole bucket counters. */
        "0006 0000 00000000 0029 0000 00000001 00000002 00000000"
        " 0000000000000000 0000000000000000 00000000 00000000 00",
        /* 56 but only 40 bytes present. */
        "0006 0000 00000000 0038 0000 00000001 00000002 00000000"
        " 0000000000000000 0000000000000000 00000000 00000000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ofp_multipart_reply reply;
        assert_err(reply_decode(bad[i], &reply), OFPERR_OFPBRC_BAD_LEN);
    }
}
END_TEST

START_TEST(test_group_desc_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip(
        "0007 0000 00000000\n"
        "0028 01 00 00000005                    # length 40, SELECT, 5\n"
        "0020 0064 ffffffff ffffffff 00000000   # bucket weight 100\n"
        "0000 0010 00000002 ffe5 000000000000   # output:2\n"
        "0008 03 00 00000006                    # FF group 6, no bucket\n",
        &reply);
    ck_assert_uint_eq(reply.type, OFPMP_GROUP_DESC);
    ck_assert_uint_eq(reply.group_desc.n, 2);
    const struct ofp_group_desc *gd = &reply.group_desc.descs[0];
    ck_assert_uint_eq(gd->type, OFPGT_SELECT);
    ck_assert_uint_eq(gd->group_id, 5);
    ck_assert_uint_eq(gd->buckets.n, 1);
    ck_assert_uint_eq(gd->buckets.buckets[0].weight, 100);
    ck_assert_uint_eq(gd->buckets.buckets[0].watch_port, OFPP_ANY);
    ck_assert_uint_eq(gd->buckets.buckets[0].watch_group, OFPG_ANY);
    ck_assert_uint_eq(gd->buckets.buckets[0].actions.n, 1);
    ck_assert_uint_eq(gd->buckets.buckets[0].actions.actions[0].output.port,
                      2);
    gd = &reply.group_desc.descs[1];
    ck_assert_uint_eq(gd->type, OFPGT_FF);
    ck_assert_uint_eq(gd->group_id, 6);
    ck_assert_uint_eq(gd->buckets.n, 0);
}
END_TEST

START_TEST(test_group_desc_bad_lengths)
{
    struct ofp_multipart_reply reply;
    assert_err(
        reply_decode("0007 0000 00000000 0007 01 00 00000005 00", &reply),
        OFPERR_OFPBRC_BAD_LEN);
    assert_err(reply_decode("0007 0000 00000000 0010 01 00 00000005", &reply),
               OFPERR_OFPBRC_BAD_LEN);
    /* A bucket that does not fit its entry: the bucket decoder's error. */
    ck_assert_int_ne(reply_decode("0007 0000 00000000 0010 01 00 00000005"
                                  " 0020 0064 ffffffff",
                                  &reply),
                     0);
}
END_TEST

START_TEST(test_group_features_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip("0008 0000 00000000 0000000f 00000005"
                    " 00000010 00000020 00000030 00000040"
                    " 00000001 00000002 00000003 00000004",
                    &reply);
    ck_assert_uint_eq(reply.type, OFPMP_GROUP_FEATURES);
    ck_assert_uint_eq(reply.group_features.types, 0xf);
    ck_assert_uint_eq(reply.group_features.capabilities, 5);
    ck_assert_uint_eq(reply.group_features.max_groups[0], 0x10);
    ck_assert_uint_eq(reply.group_features.max_groups[3], 0x40);
    ck_assert_uint_eq(reply.group_features.actions[0], 1);
    ck_assert_uint_eq(reply.group_features.actions[3], 4);
}
END_TEST

START_TEST(test_group_features_reply_wrong_length_bad_len)
{
    struct ofp_multipart_reply reply;
    assert_err(reply_decode("0008 0000 00000000 0000000f 00000005"
                            " 00000010 00000020 00000030 00000040"
                            " 00000001 00000002 00000003 000000",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_meter_stats_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip(
        "0009 0000 00000000\n"
        "00000001 0038 000000000000             # meter 1, len 56\n"
        "00000002 0000000000000010 0000000000000400 00000003 00000004\n"
        "0000000000000005 0000000000000140      # band 0\n"
        "00000002 0028 000000000000             # meter 2, len 40\n"
        "00000000 0000000000000000 0000000000000000 00000000 00000000\n",
        &reply);
    ck_assert_uint_eq(reply.type, OFPMP_METER);
    ck_assert_uint_eq(reply.meter.n, 2);
    const struct ofp_meter_stats *ms = &reply.meter.stats[0];
    ck_assert_uint_eq(ms->meter_id, 1);
    ck_assert_uint_eq(ms->flow_count, 2);
    ck_assert_uint_eq(ms->packet_in_count, 16);
    ck_assert_uint_eq(ms->byte_in_count, 1024);
    ck_assert_uint_eq(ms->duration_sec, 3);
    ck_assert_uint_eq(ms->duration_nsec, 4);
    ck_assert_uint_eq(ms->n_bands, 1);
    ck_assert_uint_eq(ms->band_stats[0].packet_band_count, 5);
    ck_assert_uint_eq(ms->band_stats[0].byte_band_count, 320);
    ck_assert_uint_eq(reply.meter.stats[1].meter_id, 2);
    ck_assert_uint_eq(reply.meter.stats[1].n_bands, 0);
}
END_TEST

START_TEST(test_meter_stats_bad_lengths)
{
    static const char *const bad[] = {
        "0009 0000 00000000 00000001 0020 000000000000"
        " 00000000 0000000000000000 0000000000000000 00000000 00000000",
        "0009 0000 00000000 00000001 0029 000000000000"
        " 00000000 0000000000000000 0000000000000000 00000000 00000000 00",
        "0009 0000 00000000 00000001 0038 000000000000"
        " 00000000 0000000000000000 0000000000000000 00000000 00000000",
        "0009 0000 00000000 00000001 00",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct ofp_multipart_reply reply;
        assert_err(reply_decode(bad[i], &reply), OFPERR_OFPBRC_BAD_LEN);
    }
}
END_TEST

START_TEST(test_meter_config_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip(
        "000a 0000 00000000\n"
        "0018 0005 00000001                    # KBPS|BURST, meter 1\n"
        "0001 0010 000003e8 00000064 00000000  # drop 1000/100\n"
        "0018 0001 00000002\n"
        "0002 0010 00000064 0000000a 02 000000 # dscp_remark prec 2\n",
        &reply);
    ck_assert_uint_eq(reply.type, OFPMP_METER_CONFIG);
    ck_assert_uint_eq(reply.meter_config.n, 2);
    const struct ofp_meter_config *mc = &reply.meter_config.configs[0];
    ck_assert_uint_eq(mc->flags, OFPMF_KBPS | OFPMF_BURST);
    ck_assert_uint_eq(mc->meter_id, 1);
    ck_assert_uint_eq(mc->bands.n, 1);
    ck_assert_uint_eq(mc->bands.bands[0].type, OFPMBT_DROP);
    ck_assert_uint_eq(mc->bands.bands[0].rate, 1000);
    ck_assert_uint_eq(mc->bands.bands[0].burst_size, 100);
    mc = &reply.meter_config.configs[1];
    ck_assert_uint_eq(mc->meter_id, 2);
    ck_assert_uint_eq(mc->bands.bands[0].type, OFPMBT_DSCP_REMARK);
    ck_assert_uint_eq(mc->bands.bands[0].prec_level, 2);
}
END_TEST

START_TEST(test_meter_config_bad_lengths)
{
    struct ofp_multipart_reply reply;
    assert_err(reply_decode("000a 0000 00000000 0004 0005 00000001", &reply),
               OFPERR_OFPBRC_BAD_LEN);
    assert_err(reply_decode("000a 0000 00000000 0018 0005 00000001"
                            " 0001 0010 000003e8",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_meter_features_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip("000b 0000 00000000 00000100 00000006 0000000f 10 08 0000",
                    &reply);
    ck_assert_uint_eq(reply.type, OFPMP_METER_FEATURES);
    ck_assert_uint_eq(reply.meter_features.max_meter, 256);
    ck_assert_uint_eq(reply.meter_features.band_types, 6);
    ck_assert_uint_eq(reply.meter_features.capabilities, 0xf);
    ck_assert_uint_eq(reply.meter_features.max_bands, 16);
    ck_assert_uint_eq(reply.meter_features.max_color, 8);
}
END_TEST

START_TEST(test_meter_features_reply_wrong_length_bad_len)
{
    struct ofp_multipart_reply reply;
    assert_err(reply_decode("000b 0000 00000000 00000100 00000006 0000000f"
                            " 10 08 00",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
    assert_err(reply_decode("000b 0000 00000000 00000100 00000006 0000000f"
                            " 10 08 0000 00000000",
                            &reply),
               OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

#define PORT_HEX                                                              \
    "00000001 00000000 0a0b0c0d0e0f 0000  # port 1, hw_addr\n"                \
    "65746831000000000000000000000000     # \"eth1\"\n"                       \
    "00000000 00000004 00002840 00000000  # config, state LIVE, curr\n"       \
    "00000000 00000000 00989680 00989680  # supported, peer, speeds\n"

START_TEST(test_port_desc_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip("000d 0000 00000000\n" PORT_HEX, &reply);
    ck_assert_uint_eq(reply.type, OFPMP_PORT_DESC);
    ck_assert_uint_eq(reply.port_desc.n, 1);
    const struct ofp_port *p = reply.port_desc.ports;
    ck_assert_uint_eq(p->port_no, 1);
    ck_assert_uint_eq(p->hw_addr[0], 0x0a);
    ck_assert_uint_eq(p->hw_addr[5], 0x0f);
    ck_assert_str_eq(p->name, "eth1");
    ck_assert_uint_eq(p->state, OFPPS_LIVE);
    ck_assert_uint_eq(p->curr, OFPPF_10GB_FD | OFPPF_COPPER | OFPPF_AUTONEG);
    ck_assert_uint_eq(p->curr_speed, 10000000);
    ck_assert_uint_eq(p->max_speed, 10000000);
}
END_TEST

START_TEST(test_port_desc_reply_partial_entry_bad_len)
{
    struct ofp_multipart_reply reply;
    assert_err(
        reply_decode("000d 0000 00000000\n" PORT_HEX "00000002", &reply),
        OFPERR_OFPBRC_BAD_LEN);
}
END_TEST

START_TEST(test_experimenter_reply)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip("ffff 0001 00000000 005c16c7 0000000c 0102030405", &reply);
    ck_assert_uint_eq(reply.type, OFPMP_EXPERIMENTER);
    ck_assert_uint_eq(reply.flags, OFPMPF_REPLY_MORE);
    ck_assert_uint_eq(reply.experimenter.experimenter, 0x005c16c7);
    ck_assert_uint_eq(reply.experimenter.exp_type, 12);
    ck_assert_uint_eq(reply.experimenter.len, 5);
    ck_assert_uint_eq(reply.experimenter.data[4], 5);
}
END_TEST

START_TEST(test_table_features_reply_every_property_type)
{
    struct ofp_multipart_reply reply;
    reply_roundtrip("000c 0001 00000000\n" TF_ENTRY_HEX TF_EMPTY_ENTRY_HEX,
                    &reply);
    ck_assert_uint_eq(reply.type, OFPMP_TABLE_FEATURES);
    ck_assert_uint_eq(reply.flags, OFPMPF_REPLY_MORE);
    ck_assert_uint_eq(reply.table_features.n, 2);
    check_tf_entry(&reply.table_features.tables[0]);
    ck_assert_uint_eq(reply.table_features.tables[1].table_id, 5);
}
END_TEST

START_TEST(test_table_features_decode_single_entry)
{
    size_t len;
    const uint8_t *in = hex_input(TF_ENTRY_HEX TF_EMPTY_ENTRY_HEX, &len);
    struct ofp_table_features tf;
    struct ofp_rd rd;

    ofp_rd_init(&rd, in, len);
    assert_err(ofp_table_features_decode(&rd, &tf, &arena), 0);
    check_tf_entry(&tf);
    ck_assert_uint_eq(rd.left, 64); /* the second entry is left */
    ofp_table_features_encode(&out, &tf);
    test_assert_bytes(out.data, out.len, in, 272);
}
END_TEST

START_TEST(test_table_features_encode_from_struct)
{
    struct ofp_instruction_id inst = {.type = OFPIT_METER};
    struct ofp_instruction_id act = {.type = OFPAT_SET_FIELD};
    uint8_t next[] = {7};
    struct ofp_oxm_id oxm = {.header = 0x80000004};
    static const uint8_t exp_data[] = {0xaa};
    struct ofp_table_feature_prop props[5];
    struct ofp_table_features tf;

    memset(props, 0, sizeof props);
    props[0].type = OFPTFPT_INSTRUCTIONS;
    props[0].instructions.n = 1;
    props[0].instructions.ids = &inst;
    props[1].type = OFPTFPT_APPLY_ACTIONS_MISS;
    props[1].actions.n = 1;
    props[1].actions.ids = &act;
    props[2].type = OFPTFPT_NEXT_TABLES;
    props[2].next_tables.n = 1;
    props[2].next_tables.table_ids = next;
    props[3].type = OFPTFPT_WILDCARDS;
    props[3].oxms.n = 1;
    props[3].oxms.ids = &oxm;
    props[4].type = OFPTFPT_EXPERIMENTER;
    props[4].experimenter.experimenter = 1;
    props[4].experimenter.exp_type = 2;
    props[4].experimenter.len = 1;
    props[4].experimenter.data = exp_data;

    memset(&tf, 0, sizeof tf);
    tf.table_id = 3;
    memcpy(tf.name, "acl", 4);
    tf.metadata_match = 1;
    tf.metadata_write = 2;
    tf.config = 3;
    tf.max_entries = 4;
    tf.n_props = 5;
    tf.props = props;
    ofp_table_features_encode(&out, &tf);
    assert_out_hex("0070 03 0000000000   # length 112, table 3\n"
                   "61636c00000000000000000000000000"
                   "00000000000000000000000000000000\n"
                   "0000000000000001 0000000000000002 00000003 00000004\n"
                   "0000 0008 0006 0004\n"
                   "0007 0008 0019 0004\n"
                   "0002 0005 07 000000\n"
                   "000a 0008 80000004\n"
                   "fffe 000d 00000001 00000002 aa 000000\n");
}
END_TEST

/* Wraps a table-features entry with property bytes 'props' (hex) whose
 * entry length is 64 + 'props_len' + 'extra' and decodes it as a reply. */
static enum ofperr
tf_decode_props(const char *props, int extra)
{
    char text[1024];
    size_t plen;
    uint8_t *p = test_parse_hex(props, &plen);
    ck_assert_ptr_nonnull(p);
    free(p);
    snprintf(text, sizeof text,
             "000c 0000 00000000 %04zx 00 0000000000"
             " 00000000000000000000000000000000"
             " 00000000000000000000000000000000"
             " 0000000000000000 0000000000000000 00000000 00000000 %s",
             (size_t) ((int) (64 + plen) + extra), props);
    struct ofp_multipart_reply reply;
    return reply_decode(text, &reply);
}

START_TEST(test_tf_helper_accepts_good_property)
{
    assert_err(tf_decode_props("0002 0007 010203 00", 0), 0);
}
END_TEST

START_TEST(test_table_features_entry_too_short_bad_len)
{
    struct ofp_multipart_reply reply;
    /* Length 63 and 0 on an entry of 64 bytes. */
    assert_err(tf_decode_props("", -1), OFPERR_OFPTFFC_BAD_LEN);
    assert_err(reply_decode("000c 0000 00000000 0000 00 0000000000", &reply),
               OFPERR_OFPTFFC_BAD_LEN);
    assert_err(reply_decode("000c 0000 00000000 00", &reply),
               OFPERR_OFPTFFC_BAD_LEN);
}
END_TEST

START_TEST(test_table_features_entry_beyond_input_bad_len)
{
    struct ofp_multipart_request req;
    assert_err(tf_decode_props("0002 0007 010203 00", 8),
               OFPERR_OFPTFFC_BAD_LEN);
    assert_err(req_decode("000c 0000 00000000 0048 00 0000000000", &req),
               OFPERR_OFPTFFC_BAD_LEN);
}
END_TEST

START_TEST(test_table_features_prop_too_short_bad_len)
{
    assert_err(tf_decode_props("0002 0003 00000000", 0),
               OFPERR_OFPTFFC_BAD_LEN);
    assert_err(tf_decode_props("0002 0000 00000000", 0),
               OFPERR_OFPTFFC_BAD_LEN);
    /* Three bytes: not even a property header. */
    assert_err(tf_decode_props("000200", 0), OFPERR_OFPTFFC_BAD_LEN);
}
END_TEST

START_TEST(test_table_features_prop_beyond_entry_bad_len)
{
    assert_err(tf_decode_props("0002 000c 010203 00", 0),
               OFPERR_OFPTFFC_BAD_LEN);
}
END_TEST

START_TEST(test_table_features_prop_missing_padding_bad_len)
{
    /* Length 7 with the entry ending right after: no padding byte. */
    assert_err(tf_decode_props("0002 0007 010203", 0), OFPERR_OFPTFFC_BAD_LEN);
}
END_TEST

START_TEST(test_table_features_instruction_id_bad_len)
{
    /* An id of length 2, then an id longer than the property body. */
    assert_err(tf_decode_props("0000 0008 0001 0002", 0),
               OFPERR_OFPTFFC_BAD_LEN);
    assert_err(tf_decode_props("0001 0008 ffff 0008", 0),
               OFPERR_OFPTFFC_BAD_LEN);
    /* A half id at the end of the body. */
    assert_err(tf_decode_props("0000 000a 0001 0004 0001 000000000000", 0),
               OFPERR_OFPTFFC_BAD_LEN);
}
END_TEST

START_TEST(test_table_features_action_id_bad_len)
{
    assert_err(tf_decode_props("0004 0008 0000 0003", 0),
               OFPERR_OFPTFFC_BAD_LEN);
    assert_err(tf_decode_props("0007 0008 ffff 000c", 0),
               OFPERR_OFPTFFC_BAD_LEN);
}
END_TEST

START_TEST(test_table_features_oxm_id_truncated_bad_len)
{
    /* Six bytes: one id and half of another. */
    assert_err(tf_decode_props("0008 000a 80000004 0000 000000000000", 0),
               OFPERR_OFPTFFC_BAD_LEN);
    /* An experimenter-class id without its experimenter id. */
    assert_err(tf_decode_props("000c 0008 ffff0208", 0),
               OFPERR_OFPTFFC_BAD_LEN);
}
END_TEST

START_TEST(test_table_features_experimenter_prop_short_bad_len)
{
    assert_err(tf_decode_props("fffe 0008 00002320", 0),
               OFPERR_OFPTFFC_BAD_LEN);
    assert_err(tf_decode_props("ffff 000b 00002320 000000 0000000000", 0),
               OFPERR_OFPTFFC_BAD_LEN);
}
END_TEST

START_TEST(test_table_feature_prop_decode_public)
{
    size_t len;
    const uint8_t *in = hex_input("0002 0005 09 000000 ffff", &len);
    struct ofp_table_feature_prop prop;
    struct ofp_rd rd;

    ofp_rd_init(&rd, in, len);
    assert_err(ofp_table_feature_prop_decode(&rd, &prop, &arena), 0);
    ck_assert_uint_eq(prop.type, OFPTFPT_NEXT_TABLES);
    ck_assert_uint_eq(prop.next_tables.n, 1);
    ck_assert_uint_eq(prop.next_tables.table_ids[0], 9);
    ck_assert_uint_eq(rd.left, 2);
    ofp_table_feature_prop_encode(&out, &prop);
    test_assert_bytes(out.data, out.len, in, 8);
}
END_TEST

/* ---- action and instruction ids ---- */

static const uint8_t *
corpus_file(const char *rel, size_t *len)
{
    const char *dir = test_corpus_dir();
    char path[4096];
    if (!dir) {
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    uint8_t *data = test_read_file(path, len);
    ck_assert_msg(data != NULL, "cannot read %s", path);
    const uint8_t *copy = keep_input(data, *len);
    free(data);
    return copy;
}

static void
id_fragment_roundtrip(const char *rel, uint16_t type)
{
    size_t len;
    const uint8_t *in = corpus_file(rel, &len);
    struct ofp_instruction_id id;
    struct ofp_rd rd;

    if (!in) {
        fprintf(stderr, "# corpus absent: %s skipped\n", rel);
        return;
    }
    ofp_rd_init(&rd, in, len);
    assert_err(ofp_instruction_id_decode(&rd, &id), 0);
    ck_assert_uint_eq(rd.left, 0);
    ck_assert_uint_eq(id.type, type);
    ck_assert_uint_eq(id.len, 0);
    ofp_instruction_id_encode(&out, &id);
    test_assert_bytes(out.data, out.len, in, len);
}

START_TEST(test_loxigen_action_id_output)
{
    id_fragment_roundtrip("loxigen-of13/bin/action_id_output.bin",
                          OFPAT_OUTPUT);
}
END_TEST

START_TEST(test_loxigen_instruction_id_goto_table)
{
    id_fragment_roundtrip("loxigen-of13/bin/instruction_id_goto_table.bin",
                          OFPIT_GOTO_TABLE);
}
END_TEST

START_TEST(test_instruction_id_experimenter_data)
{
    size_t len;
    const uint8_t *in = hex_input("ffff 000b 005c16c7 010203", &len);
    struct ofp_instruction_id id;
    struct ofp_rd rd;

    ofp_rd_init(&rd, in, len);
    assert_err(ofp_instruction_id_decode(&rd, &id), 0);
    ck_assert_uint_eq(id.type, OFPIT_EXPERIMENTER);
    ck_assert_uint_eq(id.len, 7);
    ck_assert_ptr_eq(id.data, in + 4);
    ofp_instruction_id_encode(&out, &id);
    test_assert_bytes(out.data, out.len, in, len);
}
END_TEST

START_TEST(test_instruction_id_bad_len)
{
    static const char *const bad[] = {"", "0001", "0001 0003", "0001 0008 00"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t len;
        const uint8_t *in = hex_input(bad[i], &len);
        struct ofp_instruction_id id;
        struct ofp_rd rd;
        ofp_rd_init(&rd, in, len);
        assert_err(ofp_instruction_id_decode(&rd, &id),
                   OFPERR_OFPTFFC_BAD_LEN);
    }
}
END_TEST

START_TEST(test_oxm_id_experimenter_is_64_bits)
{
    size_t len;
    const uint8_t *in = hex_input("ffff0a08 4f4e4600 80000004", &len);
    struct ofp_oxm_id id;
    struct ofp_rd rd;

    ofp_rd_init(&rd, in, len);
    assert_err(ofp_oxm_id_decode(&rd, &id), 0);
    ck_assert_uint_eq(id.header, 0xffff0a08);
    ck_assert_uint_eq(id.experimenter, 0x4f4e4600);
    ck_assert_uint_eq(rd.left, 4);
    assert_err(ofp_oxm_id_decode(&rd, &id), 0);
    ck_assert_uint_eq(id.header, 0x80000004);
    ck_assert_uint_eq(id.experimenter, 0);
    assert_err(ofp_oxm_id_decode(&rd, &id), OFPERR_OFPTFFC_BAD_LEN);

    struct ofp_oxm_id e = {.header = 0xffff0a08, .experimenter = 0x4f4e4600};
    struct ofp_oxm_id b = {.header = 0x80000004};
    ofp_oxm_id_encode(&out, &e);
    ofp_oxm_id_encode(&out, &b);
    test_assert_bytes(out.data, out.len, in, len);
}
END_TEST

/* ---- names ---- */

START_TEST(test_type_names)
{
    ck_assert_str_eq(ofp_mp_type_name(OFPMP_DESC), "DESC");
    ck_assert_str_eq(ofp_mp_type_name(OFPMP_PORT_STATS), "PORT_STATS");
    ck_assert_str_eq(ofp_mp_type_name(OFPMP_TABLE_FEATURES), "TABLE_FEATURES");
    ck_assert_str_eq(ofp_mp_type_name(OFPMP_PORT_DESC), "PORT_DESC");
    ck_assert_str_eq(ofp_mp_type_name(OFPMP_EXPERIMENTER), "EXPERIMENTER");
    ck_assert_ptr_null(ofp_mp_type_name(14));
    ck_assert_ptr_null(ofp_mp_type_name(0xfffe));
}
END_TEST

START_TEST(test_prop_names_and_kinds)
{
    ck_assert_str_eq(ofp_table_feature_prop_name(OFPTFPT_INSTRUCTIONS),
                     "INSTRUCTIONS");
    ck_assert_str_eq(ofp_table_feature_prop_name(OFPTFPT_NEXT_TABLES_MISS),
                     "NEXT_TABLES_MISS");
    ck_assert_str_eq(ofp_table_feature_prop_name(OFPTFPT_WILDCARDS),
                     "WILDCARDS");
    ck_assert_str_eq(ofp_table_feature_prop_name(OFPTFPT_EXPERIMENTER_MISS),
                     "EXPERIMENTER_MISS");
    ck_assert_ptr_null(ofp_table_feature_prop_name(9));
    ck_assert_ptr_null(ofp_table_feature_prop_name(16));

    ck_assert_int_eq(ofp_table_feature_prop_kind(OFPTFPT_INSTRUCTIONS_MISS),
                     OFP_TFP_INSTRUCTIONS);
    ck_assert_int_eq(ofp_table_feature_prop_kind(OFPTFPT_NEXT_TABLES),
                     OFP_TFP_NEXT_TABLES);
    ck_assert_int_eq(ofp_table_feature_prop_kind(OFPTFPT_WRITE_ACTIONS),
                     OFP_TFP_ACTIONS);
    ck_assert_int_eq(ofp_table_feature_prop_kind(OFPTFPT_MATCH), OFP_TFP_OXMS);
    ck_assert_int_eq(ofp_table_feature_prop_kind(OFPTFPT_APPLY_SETFIELD_MISS),
                     OFP_TFP_OXMS);
    ck_assert_int_eq(ofp_table_feature_prop_kind(OFPTFPT_EXPERIMENTER),
                     OFP_TFP_EXPERIMENTER);
    ck_assert_int_eq(ofp_table_feature_prop_kind(11), OFP_TFP_UNKNOWN);
}
END_TEST

/* ---- corpus ---- */

/* A multipart message of the corpus, read whole. */
struct mp_file {
    const char *name;
    uint8_t *data;
    size_t len;
};

struct mp_walk {
    void (*fn)(const struct mp_file *, void *aux);
    void *aux;
    size_t count;
};

static void
mp_walk_one(const char *path, const char *name, void *aux_)
{
    struct mp_walk *w = aux_;
    struct mp_file f = {.name = name};

    f.data = test_read_file(path, &f.len);
    ck_assert_msg(f.data != NULL, "cannot read %s", path);
    if (f.len >= 16 && f.data[0] == OFP13_VERSION &&
        (f.data[1] == OFPT_MULTIPART_REQUEST ||
         f.data[1] == OFPT_MULTIPART_REPLY)) {
        ck_assert_msg(((size_t) f.data[2] << 8 | f.data[3]) == f.len,
                      "%s: length field is not the file size", name);
        w->fn(&f, w->aux);
        w->count++;
    }
    free(f.data);
}

/* Calls 'fn' for every OpenFlow 1.3 multipart message of the corpus.
 * Returns the number of messages, 0 if the corpus is absent. */
static size_t
mp_corpus_walk(void (*fn)(const struct mp_file *, void *aux), void *aux)
{
    static const struct {
        const char *dir;
        const char *suffix;
        size_t expect;
    } dirs[] = {
        {"ryu-of13/packet_data", ".packet", 31},
        {"kytos-pyof-v0x04", ".dat", 8},
        {"loxigen-of13/bin", ".bin", 16},
    };
    const char *corpus = test_corpus_dir();
    size_t total = 0;

    if (!corpus) {
        fprintf(stderr, "# corpus absent: corpus tests skipped\n");
        return 0;
    }
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char path[4096];
        struct mp_walk w = {.fn = fn, .aux = aux};
        snprintf(path, sizeof path, "%s/%s", corpus, dirs[i].dir);
        test_for_each_file(path, dirs[i].suffix, mp_walk_one, &w);
        ck_assert_msg(w.count == dirs[i].expect, "%s: %zu multipart files",
                      dirs[i].dir, w.count);
        total += w.count;
    }
    return total;
}

/* Decodes the body of 'data' (a whole message, OpenFlow header first) with
 * our decoder and re-encodes it into 'out' after the same header.  Returns
 * the decode error. */
static enum ofperr
mp_body_roundtrip(const uint8_t *data, size_t len,
                  struct ofp_multipart_request *req,
                  struct ofp_multipart_reply *reply)
{
    const uint8_t *body = keep_input(data + 8, len - 8);
    enum ofperr error;

    ofp_wbuf_clear(&out);
    ofp_wbuf_put(&out, data, 8);
    if (data[1] == OFPT_MULTIPART_REQUEST) {
        error = req_decode_bytes(body, len - 8, req);
        if (!error) {
            ofp_mp_request_encode(&out, req);
        }
    } else {
        error = reply_decode_bytes(body, len - 8, reply);
        if (!error) {
            ofp_mp_reply_encode(&out, reply);
        }
    }
    return error;
}

static void
corpus_direct_one(const struct mp_file *f, void *aux)
{
    size_t *n_ok = aux;
    struct ofp_multipart_request req;
    struct ofp_multipart_reply reply;

    enum ofperr error = mp_body_roundtrip(f->data, f->len, &req, &reply);
    ck_assert_msg(!error, "%s: %s", f->name, ofperr_name(error));
    ck_assert_msg(out.len == f->len && !memcmp(out.data, f->data, f->len),
                  "%s: re-encoding differs", f->name);
    drop_input();
    (*n_ok)++;
}

START_TEST(test_corpus_multipart_roundtrip_direct)
{
    size_t n_ok = 0;
    size_t n = mp_corpus_walk(corpus_direct_one, &n_ok);
    if (n) {
        ck_assert_uint_eq(n_ok, 55);
        fprintf(stderr, "# %zu corpus multipart bodies round-trip\n", n_ok);
    }
}
END_TEST

/* Every truncation of the body either fails or, when it happens to end on
 * an entry boundary, decodes to something that re-encodes to exactly the
 * truncated bytes. */
static void
corpus_truncate_one(const struct mp_file *f, void *aux)
{
    size_t *n_cases = aux;

    for (size_t cut = 8; cut < f->len; cut++) {
        struct ofp_multipart_request req;
        struct ofp_multipart_reply reply;
        enum ofperr error = mp_body_roundtrip(f->data, cut, &req, &reply);
        if (!error) {
            ck_assert_msg(out.len == cut && !memcmp(out.data, f->data, cut),
                          "%s cut at %zu: decoded but re-encodes "
                          "differently",
                          f->name, cut);
        } else {
            ck_assert_msg(ofperr_is_valid(error), "%s cut at %zu: %d", f->name,
                          cut, (int) error);
        }
        drop_input();
        (*n_cases)++;
    }
}

START_TEST(test_corpus_multipart_truncations)
{
    size_t n_cases = 0;
    if (mp_corpus_walk(corpus_truncate_one, &n_cases)) {
        ck_assert_uint_gt(n_cases, 0);
        fprintf(stderr, "# %zu truncated bodies decoded safely\n", n_cases);
    }
}
END_TEST

/* ---- Ryu JSON: semantics, not only bytes ---- */

/* Returns the value of the only member of a {"ClassName": {...}} object. */
static json_t *
jinner(json_t *wrapped)
{
    ck_assert_msg(json_is_object(wrapped) && json_object_size(wrapped) == 1,
                  "expected a one-member object");
    return json_object_iter_value(json_object_iter(wrapped));
}

static json_t *
jget(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    ck_assert_msg(v != NULL, "JSON has no \"%s\"", key);
    return v;
}

/* Checks that JSON number 'v' ('what' names it) is 'want'.  A file with
 * integers beyond int64 (2^64 - 1) loads only with every integer as a
 * real; those compare as doubles. */
static void
jnum_value(json_t *v, const char *what, uint64_t want)
{
    if (json_is_integer(v)) {
        ck_assert_msg((uint64_t) json_integer_value(v) == want,
                      "%s: JSON %lld, decoded %llu", what,
                      (long long) json_integer_value(v),
                      (unsigned long long) want);
    } else {
        ck_assert_msg(json_is_real(v) && json_real_value(v) == (double) want,
                      "%s: JSON %g, decoded %llu", what, json_real_value(v),
                      (unsigned long long) want);
    }
}

static void
jnum(json_t *obj, const char *key, uint64_t want)
{
    jnum_value(jget(obj, key), key, want);
}

static void
jstr(json_t *obj, const char *key, const char *want)
{
    json_t *v = jget(obj, key);
    ck_assert_msg(json_is_string(v), "\"%s\" is not a string", key);
    ck_assert_str_eq(json_string_value(v), want);
}

static json_t *
jarray(json_t *obj, const char *key, size_t n)
{
    json_t *v = jget(obj, key);
    ck_assert_msg(json_is_array(v), "\"%s\" is not an array", key);
    ck_assert_msg(json_array_size(v) == n, "\"%s\": %zu in JSON, %zu decoded",
                  key, json_array_size(v), n);
    return v;
}

/* Decodes base64 'text' into 'dst' (room for 'cap').  Returns its length. */
static size_t
base64_decode(const char *text, uint8_t *dst, size_t cap)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (const char *p = text; *p && *p != '='; p++) {
        const char *c = strchr(alphabet, *p);
        ck_assert_msg(c != NULL, "bad base64");
        acc = (acc << 6) | (uint32_t) (c - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            ck_assert_uint_lt(n, cap);
            dst[n++] = (uint8_t) (acc >> bits);
        }
    }
    return n;
}

static void
jbase64(json_t *obj, const char *key, const uint8_t *data, size_t len)
{
    uint8_t buf[1024];
    json_t *v = jget(obj, key);
    size_t n = base64_decode(json_string_value(v), buf, sizeof buf);
    test_assert_bytes(data, len, buf, n);
}

static void
json_match(json_t *wrapped, const struct ofp_match *match)
{
    json_t *m = jinner(wrapped);
    jnum(m, "type", match->type);
    jarray(m, "oxm_fields", match->n_oxms);
}

static void
json_table_features(json_t *wrapped, const struct ofp_table_features *tf)
{
    json_t *t = jinner(wrapped);
    jnum(t, "table_id", tf->table_id);
    jstr(t, "name", tf->name);
    jnum(t, "metadata_match", tf->metadata_match);
    jnum(t, "metadata_write", tf->metadata_write);
    jnum(t, "config", tf->config);
    jnum(t, "max_entries", tf->max_entries);
    json_t *props = jarray(t, "properties", tf->n_props);
    for (size_t i = 0; i < tf->n_props; i++) {
        const struct ofp_table_feature_prop *p = &tf->props[i];
        json_t *jp = jinner(json_array_get(props, i));
        json_t *ids;
        jnum(jp, "type", p->type);
        switch (ofp_table_feature_prop_kind(p->type)) {
        case OFP_TFP_INSTRUCTIONS:
        case OFP_TFP_ACTIONS: {
            bool inst =
                ofp_table_feature_prop_kind(p->type) == OFP_TFP_INSTRUCTIONS;
            size_t n = inst ? p->instructions.n : p->actions.n;
            const struct ofp_instruction_id *a =
                (inst ? p->instructions.ids : p->actions.ids);
            ids = jarray(jp, inst ? "instruction_ids" : "action_ids", n);
            for (size_t j = 0; j < n; j++) {
                json_t *id = jinner(json_array_get(ids, j));
                jnum(id, "type", a[j].type);
                jnum(id, "len", a[j].len + 4);
            }
            break;
        }
        case OFP_TFP_NEXT_TABLES:
            ids = jarray(jp, "table_ids", p->next_tables.n);
            for (size_t j = 0; j < p->next_tables.n; j++) {
                jnum_value(json_array_get(ids, j), "table_ids[]",
                           p->next_tables.table_ids[j]);
            }
            break;
        case OFP_TFP_OXMS:
            ids = jarray(jp, "oxm_ids", p->oxms.n);
            for (size_t j = 0; j < p->oxms.n; j++) {
                json_t *id = jinner(json_array_get(ids, j));
                uint32_t h = p->oxms.ids[j].header;
                const struct ofp_oxm_field_info *fi;
                jnum(id, "hasmask", (h >> 8) & 1);
                jnum(id, "length", h & 0xff);
                fi = ofp_oxm_field_info((h >> 9) & 0x7f);
                if (h >> 16 == OFPXMC_OPENFLOW_BASIC && fi) {
                    jstr(id, "type", fi->name);
                }
            }
            break;
        case OFP_TFP_EXPERIMENTER:
            jnum(jp, "experimenter", p->experimenter.experimenter);
            jnum(jp, "exp_type", p->experimenter.exp_type);
            /* Ryu shows the data as 32-bit words. */
            ids = jarray(jp, "data", p->experimenter.len / 4);
            for (size_t j = 0; j < p->experimenter.len / 4; j++) {
                const uint8_t *d = p->experimenter.data + 4 * j;
                uint32_t w = ((uint32_t) d[0] << 24 | (uint32_t) d[1] << 16 |
                              (uint32_t) d[2] << 8 | d[3]);
                jnum_value(json_array_get(ids, j), "data[]", w);
            }
            break;
        case OFP_TFP_UNKNOWN:
        default:
            break;
        }
    }
}

static void
json_request(json_t *m, const struct ofp_multipart_request *req)
{
    switch (req->type) {
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE:
        jnum(m, "table_id", req->flow.table_id);
        jnum(m, "out_port", req->flow.out_port);
        jnum(m, "out_group", req->flow.out_group);
        jnum(m, "cookie", req->flow.cookie);
        jnum(m, "cookie_mask", req->flow.cookie_mask);
        json_match(jget(m, "match"), &req->flow.match);
        break;
    case OFPMP_PORT_STATS:
        jnum(m, "port_no", req->port_no);
        break;
    case OFPMP_QUEUE:
        jnum(m, "port_no", req->queue.port_no);
        jnum(m, "queue_id", req->queue.queue_id);
        break;
    case OFPMP_GROUP:
        jnum(m, "group_id", req->group_id);
        break;
    case OFPMP_METER:
    case OFPMP_METER_CONFIG:
        jnum(m, "meter_id", req->meter_id);
        break;
    case OFPMP_TABLE_FEATURES: {
        json_t *body = jarray(m, "body", req->table_features.n);
        for (size_t i = 0; i < req->table_features.n; i++) {
            json_table_features(json_array_get(body, i),
                                &req->table_features.tables[i]);
        }
        break;
    }
    case OFPMP_EXPERIMENTER:
        jnum(m, "experimenter", req->experimenter.experimenter);
        jnum(m, "exp_type", req->experimenter.exp_type);
        /* ONF's flow monitor request is shown decoded, not as bytes. */
        if (json_object_get(m, "data")) {
            jbase64(m, "data", req->experimenter.data, req->experimenter.len);
        }
        break;
    default:
        break;
    }
}

static void
json_flow_stats(json_t *e, const struct ofp_flow_stats *fs)
{
    jnum(e, "table_id", fs->table_id);
    jnum(e, "duration_sec", fs->duration_sec);
    jnum(e, "duration_nsec", fs->duration_nsec);
    jnum(e, "priority", fs->priority);
    jnum(e, "idle_timeout", fs->idle_timeout);
    jnum(e, "hard_timeout", fs->hard_timeout);
    jnum(e, "flags", fs->flags);
    jnum(e, "cookie", fs->cookie);
    jnum(e, "packet_count", fs->packet_count);
    jnum(e, "byte_count", fs->byte_count);
    json_match(jget(e, "match"), &fs->match);
    json_t *insts = jarray(e, "instructions", fs->instructions.n);
    for (size_t i = 0; i < fs->instructions.n; i++) {
        jnum(jinner(json_array_get(insts, i)), "type",
             fs->instructions.instructions[i].type);
    }
}

static void
json_port(json_t *e, const struct ofp_port *p)
{
    char mac[18];
    snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", p->hw_addr[0],
             p->hw_addr[1], p->hw_addr[2], p->hw_addr[3], p->hw_addr[4],
             p->hw_addr[5]);
    jnum(e, "port_no", p->port_no);
    jstr(e, "hw_addr", mac);
    jstr(e, "name", p->name);
    jnum(e, "config", p->config);
    jnum(e, "state", p->state);
    jnum(e, "curr", p->curr);
    jnum(e, "advertised", p->advertised);
    jnum(e, "supported", p->supported);
    jnum(e, "peer", p->peer);
    jnum(e, "curr_speed", p->curr_speed);
    jnum(e, "max_speed", p->max_speed);
}

/* Compares the list-shaped replies entry by entry. */
static void
json_reply_list(json_t *body, const struct ofp_multipart_reply *r)
{
    size_t n = json_array_size(body);
    for (size_t i = 0; i < n; i++) {
        json_t *e = jinner(json_array_get(body, i));
        switch (r->type) {
        case OFPMP_FLOW:
            json_flow_stats(e, &r->flow.stats[i]);
            break;
        case OFPMP_TABLE:
            jnum(e, "table_id", r->table.stats[i].table_id);
            jnum(e, "active_count", r->table.stats[i].active_count);
            jnum(e, "lookup_count", r->table.stats[i].lookup_count);
            jnum(e, "matched_count", r->table.stats[i].matched_count);
            break;
        case OFPMP_PORT_STATS: {
            const struct ofp_port_stats *ps = &r->port_stats.stats[i];
            jnum(e, "port_no", ps->port_no);
            jnum(e, "rx_packets", ps->rx_packets);
            jnum(e, "tx_packets", ps->tx_packets);
            jnum(e, "rx_bytes", ps->rx_bytes);
            jnum(e, "tx_bytes", ps->tx_bytes);
            jnum(e, "rx_dropped", ps->rx_dropped);
            jnum(e, "tx_dropped", ps->tx_dropped);
            jnum(e, "rx_errors", ps->rx_errors);
            jnum(e, "tx_errors", ps->tx_errors);
            jnum(e, "rx_frame_err", ps->rx_frame_err);
            jnum(e, "rx_over_err", ps->rx_over_err);
            jnum(e, "rx_crc_err", ps->rx_crc_err);
            jnum(e, "collisions", ps->collisions);
            jnum(e, "duration_sec", ps->duration_sec);
            jnum(e, "duration_nsec", ps->duration_nsec);
            break;
        }
        case OFPMP_QUEUE: {
            const struct ofp_queue_stats *qs = &r->queue.stats[i];
            jnum(e, "port_no", qs->port_no);
            jnum(e, "queue_id", qs->queue_id);
            jnum(e, "tx_bytes", qs->tx_bytes);
            jnum(e, "tx_packets", qs->tx_packets);
            jnum(e, "tx_errors", qs->tx_errors);
            jnum(e, "duration_sec", qs->duration_sec);
            jnum(e, "duration_nsec", qs->duration_nsec);
            break;
        }
        case OFPMP_GROUP: {
            const struct ofp_group_stats *gs = &r->group.stats[i];
            jnum(e, "group_id", gs->group_id);
            jnum(e, "ref_count", gs->ref_count);
            jnum(e, "packet_count", gs->packet_count);
            jnum(e, "byte_count", gs->byte_count);
            jnum(e, "duration_sec", gs->duration_sec);
            jnum(e, "duration_nsec", gs->duration_nsec);
            jnum(e, "length", 40 + 16 * gs->n_buckets);
            json_t *bs = jarray(e, "bucket_stats", gs->n_buckets);
            for (size_t j = 0; j < gs->n_buckets; j++) {
                json_t *b = jinner(json_array_get(bs, j));
                jnum(b, "packet_count", gs->bucket_stats[j].packet_count);
                jnum(b, "byte_count", gs->bucket_stats[j].byte_count);
            }
            break;
        }
        case OFPMP_GROUP_DESC: {
            const struct ofp_group_desc *gd = &r->group_desc.descs[i];
            jnum(e, "group_id", gd->group_id);
            jnum(e, "type", gd->type);
            json_t *bs = jarray(e, "buckets", gd->buckets.n);
            for (size_t j = 0; j < gd->buckets.n; j++) {
                json_t *b = jinner(json_array_get(bs, j));
                const struct ofp_bucket *bk = &gd->buckets.buckets[j];
                jnum(b, "weight", bk->weight);
                jnum(b, "watch_port", bk->watch_port);
                jnum(b, "watch_group", bk->watch_group);
                jarray(b, "actions", bk->actions.n);
            }
            break;
        }
        case OFPMP_METER: {
            const struct ofp_meter_stats *ms = &r->meter.stats[i];
            jnum(e, "meter_id", ms->meter_id);
            jnum(e, "flow_count", ms->flow_count);
            jnum(e, "packet_in_count", ms->packet_in_count);
            jnum(e, "byte_in_count", ms->byte_in_count);
            jnum(e, "duration_sec", ms->duration_sec);
            jnum(e, "duration_nsec", ms->duration_nsec);
            jnum(e, "len", 40 + 16 * ms->n_bands);
            json_t *bs = jarray(e, "band_stats", ms->n_bands);
            for (size_t j = 0; j < ms->n_bands; j++) {
                json_t *b = jinner(json_array_get(bs, j));
                jnum(b, "packet_band_count",
                     ms->band_stats[j].packet_band_count);
                jnum(b, "byte_band_count", ms->band_stats[j].byte_band_count);
            }
            break;
        }
        case OFPMP_METER_CONFIG: {
            const struct ofp_meter_config *mc = &r->meter_config.configs[i];
            jnum(e, "flags", mc->flags);
            jnum(e, "meter_id", mc->meter_id);
            json_t *bs = jarray(e, "bands", mc->bands.n);
            for (size_t j = 0; j < mc->bands.n; j++) {
                json_t *b = jinner(json_array_get(bs, j));
                jnum(b, "type", mc->bands.bands[j].type);
                jnum(b, "rate", mc->bands.bands[j].rate);
                jnum(b, "burst_size", mc->bands.bands[j].burst_size);
            }
            break;
        }
        case OFPMP_METER_FEATURES: {
            const struct ofp_meter_features *mf = &r->meter_features;
            jnum(e, "max_meter", mf->max_meter);
            jnum(e, "band_types", mf->band_types);
            jnum(e, "capabilities", mf->capabilities);
            jnum(e, "max_bands", mf->max_bands);
            jnum(e, "max_color", mf->max_color);
            break;
        }
        case OFPMP_TABLE_FEATURES:
            json_table_features(json_array_get(body, i),
                                &r->table_features.tables[i]);
            break;
        case OFPMP_PORT_DESC:
            json_port(e, &r->port_desc.ports[i]);
            break;
        default:
            ck_abort_msg("type %u has no list body", r->type);
        }
    }
}

/* Entries Ryu's JSON shows for 'r': its list, or the single METER_FEATURES
 * record, which Ryu renders as a list of one. */
static size_t
reply_list_len(const struct ofp_multipart_reply *r)
{
    return (r->type == OFPMP_METER_FEATURES ? 1 : ofp_mp_reply_n_entries(r));
}

static void
json_reply(json_t *m, const struct ofp_multipart_reply *r)
{
    json_t *body = jget(m, "body");

    if (json_is_array(body)) {
        ck_assert_msg(json_array_size(body) == reply_list_len(r),
                      "body: %zu entries in JSON, %zu decoded",
                      json_array_size(body), reply_list_len(r));
        json_reply_list(body, r);
        return;
    }

    json_t *b = jinner(body);
    switch (r->type) {
    case OFPMP_DESC:
        jstr(b, "mfr_desc", r->desc->mfr_desc);
        jstr(b, "hw_desc", r->desc->hw_desc);
        jstr(b, "sw_desc", r->desc->sw_desc);
        jstr(b, "serial_num", r->desc->serial_num);
        jstr(b, "dp_desc", r->desc->dp_desc);
        break;
    case OFPMP_AGGREGATE:
        jnum(b, "packet_count", r->aggregate.packet_count);
        jnum(b, "byte_count", r->aggregate.byte_count);
        jnum(b, "flow_count", r->aggregate.flow_count);
        break;
    case OFPMP_GROUP_FEATURES: {
        const struct ofp_group_features *gf = &r->group_features;
        jnum(b, "types", gf->types);
        jnum(b, "capabilities", gf->capabilities);
        json_t *mg = jarray(b, "max_groups", 4);
        json_t *ac = jarray(b, "actions", 4);
        for (size_t i = 0; i < 4; i++) {
            jnum_value(json_array_get(mg, i), "max_groups[]",
                       gf->max_groups[i]);
            jnum_value(json_array_get(ac, i), "actions[]", gf->actions[i]);
        }
        break;
    }
    case OFPMP_EXPERIMENTER:
        jnum(b, "experimenter", r->experimenter.experimenter);
        jnum(b, "exp_type", r->experimenter.exp_type);
        jbase64(b, "data", r->experimenter.data, r->experimenter.len);
        break;
    default:
        ck_abort_msg("type %u has no single body", r->type);
    }
}

/* Loads Ryu's JSON for corpus file 'name'; NULL if there is none. */
static json_t *
ryu_json(const char *name)
{
    char path[4096];
    json_error_t err;
    snprintf(path, sizeof path, "%s/ryu-of13/json/%s.json", test_corpus_dir(),
             name);
    json_t *root = json_load_file(path, 0, &err);
    if (!root) {
        /* Integers beyond int64 (2^64 - 1) load only as reals. */
        root = json_load_file(path, JSON_DECODE_INT_AS_REAL, &err);
    }
    return root;
}

/* Checks decoded 'req' or 'reply' of Ryu corpus file 'name' against the
 * JSON beside it.  Returns true if there was a JSON to compare. */
static bool
check_against_ryu(const char *name, uint8_t ofp_type,
                  const struct ofp_multipart_request *req,
                  const struct ofp_multipart_reply *reply)
{
    json_t *root = ryu_json(name);
    if (!root) {
        return false;
    }
    json_t *m = jinner(root);
    if (ofp_type == OFPT_MULTIPART_REQUEST) {
        jnum(m, "type", req->type);
        jnum(m, "flags", req->flags);
        json_request(m, req);
    } else {
        jnum(m, "type", reply->type);
        jnum(m, "flags", reply->flags);
        json_reply(m, reply);
    }
    json_decref(root);
    return true;
}

static void
corpus_json_one(const struct mp_file *f, void *aux)
{
    size_t *n_checked = aux;
    struct ofp_multipart_request req;
    struct ofp_multipart_reply reply;

    if (strncmp(f->name, "4-", 2)) {
        return;
    }
    enum ofperr error = mp_body_roundtrip(f->data, f->len, &req, &reply);
    ck_assert_msg(!error, "%s: %s", f->name, ofperr_name(error));
    if (check_against_ryu(f->name, f->data[1], &req, &reply)) {
        (*n_checked)++;
    }
    drop_input();
}

START_TEST(test_corpus_ryu_json_values)
{
    size_t n_checked = 0;
    if (mp_corpus_walk(corpus_json_one, &n_checked)) {
        ck_assert_uint_eq(n_checked, 31);
        fprintf(stderr, "# %zu Ryu multipart messages match their JSON\n",
                n_checked);
    }
}
END_TEST

/* ---- through ofp_msg_decode / ofp_msg_encode ---- */

static void
corpus_msg_one(const struct mp_file *f, void *aux)
{
    size_t *n_ok = aux;
    const uint8_t *in = keep_input(f->data, f->len);
    struct ofp_msg msg;

    enum ofperr error = ofp_msg_decode(in, f->len, &msg, &arena);
    ck_assert_msg(!error, "%s: %s", f->name, ofperr_name(error));
    ck_assert_uint_eq(msg.type, f->data[1]);
    uint16_t mp_type = (uint16_t) (f->data[8] << 8 | f->data[9]);
    if (msg.type == OFPT_MULTIPART_REQUEST) {
        ck_assert_uint_eq(msg.mp_request.type, mp_type);
    } else {
        ck_assert_uint_eq(msg.mp_reply.type, mp_type);
    }
    ofp_wbuf_clear(&out);
    assert_err(ofp_msg_encode(&out, &msg), 0);
    ck_assert_msg(out.len == f->len && !memcmp(out.data, f->data, f->len),
                  "%s: ofp_msg_encode differs", f->name);
    if (!strncmp(f->name, "4-", 2)) {
        ck_assert(check_against_ryu(f->name, msg.type, &msg.mp_request,
                                    &msg.mp_reply));
    }
    drop_input();
    (*n_ok)++;
}

START_TEST(test_corpus_msg_roundtrip)
{
    size_t n_ok = 0;
    if (mp_corpus_walk(corpus_msg_one, &n_ok)) {
        ck_assert_uint_eq(n_ok, 55);
        fprintf(stderr,
                "# %zu corpus multipart messages round-trip through "
                "ofp_msg_decode/encode\n",
                n_ok);
    }
}
END_TEST

/* ---- suite ---- */

static Suite *
multipart_suite(void)
{
    Suite *s = suite_create("ofp-multipart");

    TCase *tc = tcase_create("request");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_empty_body_requests_roundtrip);
    tcase_add_test(tc, test_empty_body_request_trailing_bytes_bad_len);
    tcase_add_test(tc, test_flow_request_decode_and_roundtrip);
    tcase_add_test(tc, test_aggregate_request_roundtrip);
    tcase_add_test(tc, test_flow_request_short_bad_len);
    tcase_add_test(tc, test_flow_request_trailing_bad_len);
    tcase_add_test(tc, test_flow_request_encode_from_struct);
    tcase_add_test(tc, test_port_stats_request);
    tcase_add_test(tc, test_queue_request);
    tcase_add_test(tc, test_group_request);
    tcase_add_test(tc, test_meter_and_meter_config_requests);
    tcase_add_test(tc, test_fixed_requests_wrong_length_bad_len);
    tcase_add_test(tc, test_table_features_request_empty);
    tcase_add_test(tc, test_table_features_request_every_property_type);
    tcase_add_test(tc, test_experimenter_request);
    tcase_add_test(tc, test_experimenter_short_bad_len);
    tcase_add_test(tc, test_unknown_type_bad_multipart);
    tcase_add_test(tc, test_short_multipart_header_bad_len);
    tcase_add_test(tc, test_more_flags_encoded);
    suite_add_tcase(s, tc);

    tc = tcase_create("reply");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_desc_reply);
    tcase_add_test(tc, test_desc_reply_wrong_length_bad_len);
    tcase_add_test(tc, test_flow_stats_reply);
    tcase_add_test(tc, test_flow_stats_empty_reply);
    tcase_add_test(tc, test_flow_stats_entry_length_below_fixed_bad_len);
    tcase_add_test(tc, test_flow_stats_entry_length_beyond_input_bad_len);
    tcase_add_test(tc, test_flow_stats_trailing_partial_entry_bad_len);
    tcase_add_test(tc, test_flow_stats_nested_errors);
    tcase_add_test(tc, test_aggregate_reply);
    tcase_add_test(tc, test_aggregate_reply_wrong_length_bad_len);
    tcase_add_test(tc, test_table_stats_reply);
    tcase_add_test(tc, test_table_stats_reply_partial_entry_bad_len);
    tcase_add_test(tc, test_port_stats_reply);
    tcase_add_test(tc, test_port_stats_reply_encode_from_struct);
    tcase_add_test(tc, test_port_stats_reply_partial_entry_bad_len);
    tcase_add_test(tc, test_queue_stats_reply);
    tcase_add_test(tc, test_queue_stats_reply_partial_entry_bad_len);
    tcase_add_test(tc, test_group_stats_reply);
    tcase_add_test(tc, test_group_stats_bad_lengths);
    tcase_add_test(tc, test_group_desc_reply);
    tcase_add_test(tc, test_group_desc_bad_lengths);
    tcase_add_test(tc, test_group_features_reply);
    tcase_add_test(tc, test_group_features_reply_wrong_length_bad_len);
    tcase_add_test(tc, test_meter_stats_reply);
    tcase_add_test(tc, test_meter_stats_bad_lengths);
    tcase_add_test(tc, test_meter_config_reply);
    tcase_add_test(tc, test_meter_config_bad_lengths);
    tcase_add_test(tc, test_meter_features_reply);
    tcase_add_test(tc, test_meter_features_reply_wrong_length_bad_len);
    tcase_add_test(tc, test_port_desc_reply);
    tcase_add_test(tc, test_port_desc_reply_partial_entry_bad_len);
    tcase_add_test(tc, test_experimenter_reply);
    suite_add_tcase(s, tc);

    tc = tcase_create("table-features");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_table_features_reply_every_property_type);
    tcase_add_test(tc, test_table_features_decode_single_entry);
    tcase_add_test(tc, test_table_features_encode_from_struct);
    tcase_add_test(tc, test_tf_helper_accepts_good_property);
    tcase_add_test(tc, test_table_features_entry_too_short_bad_len);
    tcase_add_test(tc, test_table_features_entry_beyond_input_bad_len);
    tcase_add_test(tc, test_table_features_prop_too_short_bad_len);
    tcase_add_test(tc, test_table_features_prop_beyond_entry_bad_len);
    tcase_add_test(tc, test_table_features_prop_missing_padding_bad_len);
    tcase_add_test(tc, test_table_features_instruction_id_bad_len);
    tcase_add_test(tc, test_table_features_action_id_bad_len);
    tcase_add_test(tc, test_table_features_oxm_id_truncated_bad_len);
    tcase_add_test(tc, test_table_features_experimenter_prop_short_bad_len);
    tcase_add_test(tc, test_table_feature_prop_decode_public);
    suite_add_tcase(s, tc);

    tc = tcase_create("ids-and-names");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_loxigen_action_id_output);
    tcase_add_test(tc, test_loxigen_instruction_id_goto_table);
    tcase_add_test(tc, test_instruction_id_experimenter_data);
    tcase_add_test(tc, test_instruction_id_bad_len);
    tcase_add_test(tc, test_oxm_id_experimenter_is_64_bits);
    tcase_add_test(tc, test_type_names);
    tcase_add_test(tc, test_prop_names_and_kinds);
    suite_add_tcase(s, tc);

    tc = tcase_create("corpus");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_corpus_multipart_roundtrip_direct);
    tcase_add_test(tc, test_corpus_multipart_truncations);
    tcase_add_test(tc, test_corpus_ryu_json_values);
    tcase_add_test(tc, test_corpus_msg_roundtrip);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    return test_run_suite(multipart_suite());
}
