/* test-ofp-json-parse: Ryu ofctl request bodies into OpenFlow structs
 * (ofproto/ofp-json-parse.c, the parsing section of ofp-json.h).
 *
 * Three kinds of proof:
 *  - the corpus: every mod input of ryu-ofctl-of13/ofctl_json (flow, group,
 *    meter and port mods, flow and aggregate stats filters), parsed and
 *    encoded with ofp_msg_encode(), gives the bytes of the same-named
 *    ryu-of13/packet_data file (the xid, which the JSON cannot say, is
 *    taken from the packet);
 *  - JSON -> struct -> ofp_json_* gives the same JSON back, for every match
 *    field (masked where allowed), every action and instruction, and the
 *    group, meter and port mods; the struct also survives encode/decode;
 *  - every malformed case (wrong types, bad addresses and prefixes, out of
 *    range and negative numbers, unknown names, masks where none is
 *    allowed, lists too long, nesting) gives EINVAL and a message that
 *    starts with the path of the field.
 */
#include <config.h>
#include "ofproto/ofp-json.h"

#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ofproto/ofp-msgs.h"
#include "test/test-util.h"

/* ---- helpers ---- */

static struct ofp_arena arena;

static void
setup(void)
{
    ofp_arena_init(&arena);
}

static void
teardown(void)
{
    ofp_arena_uninit(&arena);
}

/* Returns the JSON of 'text', written with ' for ". */
static json_t *
load_(const char *text, const char *file, int line)
{
    char *buf = strdup(text);
    json_error_t err;

    ck_assert_ptr_nonnull(buf);
    for (char *p = buf; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    json_t *j = json_loads(buf, JSON_DECODE_ANY, &err);
    ck_assert_msg(j != NULL, "%s:%d: bad JSON fixture (%s): %s", file, line,
                  err.text, buf);
    free(buf);
    return j;
}
#define LOAD(TEXT) load_(TEXT, __FILE__, __LINE__)

/* Asserts that 'got' (taken) equals 'exp' (taken). */
static void
expect_equal_(json_t *got, json_t *exp, const char *file, int line)
{
    ck_assert_msg(got != NULL, "%s:%d: got NULL", file, line);
    if (!json_equal(exp, got)) {
        char *g =
            json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
        char *e =
            json_dumps(exp, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
        ck_abort_msg("%s:%d: JSON differs\n  expected %s\n  got      %s", file,
                     line, e ? e : "?", g ? g : "?");
    }
    json_decref(got);
    json_decref(exp);
}
#define EXPECT_EQUAL(GOT, EXP) expect_equal_(GOT, EXP, __FILE__, __LINE__)

/* Encodes 'msg', decodes the bytes, encodes again: both encodings must be
 * equal.  Returns the decoded message's JSON. */
static json_t *
wire_round_trip(const struct ofp_msg *msg)
{
    struct ofp_wbuf w1, w2;
    struct ofp_arena a2;
    struct ofp_msg back;

    ofp_wbuf_init(&w1);
    ofp_wbuf_init(&w2);
    ofp_arena_init(&a2);
    enum ofperr e = ofp_msg_encode(&w1, msg);
    ck_assert_msg(!e, "encode: %s", ofperr_name(e));
    e = ofp_msg_decode(w1.data, w1.len, &back, &a2);
    ck_assert_msg(!e, "decode of our encoding: %s", ofperr_name(e));
    ck_assert(!ofp_msg_encode(&w2, &back));
    test_assert_bytes(w2.data, w2.len, w1.data, w1.len);
    json_t *j = ofp_json_msg(&back);
    ofp_wbuf_uninit(&w1);
    ofp_wbuf_uninit(&w2);
    ofp_arena_uninit(&a2);
    return j;
}

/* Returns a copy of member 'key' of 'obj' (NULL if absent). */
static json_t *
member(json_t *obj, const char *key)
{
    return json_deep_copy(json_object_get(obj, key));
}

/* ---- corpus ---- */

/* How one corpus JSON file becomes a message. */
enum corpus_kind { C_FLOW, C_GROUP, C_METER, C_PORT, C_STATS, C_AGGREGATE };

static const struct {
    const char *name;
    enum corpus_kind kind;
} corpus_files[] = {
    {"4-2-ofp_flow_mod", C_FLOW},
    {"4-21-ofp_group_mod", C_GROUP},
    {"4-45-ofp_meter_mod", C_METER},
    {"4-22-ofp_port_mod", C_PORT},
    {"4-11-ofp_flow_stats_request", C_STATS},
    {"4-25-ofp_aggregate_stats_request", C_AGGREGATE},
};

START_TEST(corpus_mod_inputs_encode_to_ryus_bytes)
{
    const char *dir = test_corpus_dir();
    if (!dir) {
        printf("# SKIP corpus absent: ../shared/corpus not found\n");
        return;
    }
    const char *name = corpus_files[_i].name;
    char path[4096];
    json_error_t jerr;

    snprintf(path, sizeof path, "%s/ryu-ofctl-of13/ofctl_json/%s.packet.json",
             dir, name);
    json_t *doc = json_load_file(path, 0, &jerr);
    ck_assert_msg(doc != NULL, "%s: %s", path, jerr.text);
    size_t want_len;
    uint8_t *want =
        test_read_corpus(&want_len, "ryu-of13/packet_data/%s.packet", name);
    ck_assert_ptr_nonnull(want);
    ck_assert_uint_ge(want_len, 8);

    /* The test wrapper of Ryu's test_ofctl: {"cmd": C, "flow": {...}}. */
    json_int_t cmd = json_integer_value(json_object_get(doc, "cmd"));
    struct ofp_msg msg;
    char err[256] = "";
    int rc = -1;
    switch (corpus_files[_i].kind) {
    case C_FLOW:
        rc = ofp_json_parse_flow_mod(json_object_get(doc, "flow"),
                                     (uint8_t) cmd, &msg, &arena, err,
                                     sizeof err);
        break;
    case C_GROUP:
        rc = ofp_json_parse_group_mod(json_object_get(doc, "group"),
                                      (uint16_t) cmd, &msg, &arena, err,
                                      sizeof err);
        break;
    case C_METER:
        rc = ofp_json_parse_meter_mod(json_object_get(doc, "meter"),
                                      (uint16_t) cmd, &msg, &arena, err,
                                      sizeof err);
        break;
    case C_PORT:
        rc = ofp_json_parse_port_mod(json_object_get(doc, "port_config"), &msg,
                                     err, sizeof err);
        break;
    case C_STATS:
    case C_AGGREGATE:
        rc = ofp_json_parse_flow_stats_request(
            json_object_get(doc, "flow"), corpus_files[_i].kind == C_AGGREGATE,
            &msg, NULL, &arena, err, sizeof err);
        break;
    }
    ck_assert_msg(rc == 0, "%s: %s", name, err);

    /* The xid is the only thing the JSON cannot say. */
    msg.xid = (uint32_t) want[4] << 24 | (uint32_t) want[5] << 16 |
              (uint32_t) want[6] << 8 | want[7];
    struct ofp_wbuf w;
    ofp_wbuf_init(&w);
    enum ofperr e = ofp_msg_encode(&w, &msg);
    ck_assert_msg(!e, "%s: encode: %s", name, ofperr_name(e));
    test_assert_bytes(w.data, w.len, want, want_len);
    ofp_wbuf_uninit(&w);
    free(want);
    json_decref(doc);
}
END_TEST

/* ---- match ---- */

/* Each: a match object exactly as ofp_json_match() writes it. */
static const char *const match_round_trips[] = {
    "{'in_port': 7}",
    "{'in_port': 'CONTROLLER'}",
    "{'in_port': 'LOCAL', 'in_phy_port': 3}",
    "{'metadata': 4660}",
    "{'metadata': '4660/65535'}",
    "{'metadata': '18446744073709551615'}",
    "{'eth_dst': 'f2:0b:a4:7d:f8:ea'}",
    "{'eth_dst': 'f2:0b:a4:00:00:00/ff:ff:ff:00:00:00'}",
    "{'eth_src': '00:00:00:00:00:01'}",
    "{'eth_src': '01:00:00:00:00:00/01:00:00:00:00:00'}",
    "{'eth_type': 2048}",
    "{'vlan_vid': '258'}",
    "{'vlan_vid': '0x1000/0x1000'}",
    "{'vlan_vid': '0x0000'}",
    "{'vlan_vid': '0', 'vlan_pcp': 7}",
    "{'eth_type': 2048, 'ip_dscp': 63, 'ip_ecn': 3, 'ip_proto': 6}",
    "{'eth_type': 2048, 'ipv4_src': '10.0.0.1', 'ipv4_dst': '10.0.0.2'}",
    "{'eth_type': 2048, 'ipv4_src': '10.0.0.0/255.255.255.0'}",
    "{'eth_type': 2048, 'ipv4_dst': '10.1.0.0/255.255.0.0'}",
    "{'ip_proto': 6, 'tcp_src': 80, 'tcp_dst': 65535}",
    "{'ip_proto': 17, 'udp_src': 53, 'udp_dst': 5353}",
    "{'ip_proto': 132, 'sctp_src': 1, 'sctp_dst': 2}",
    "{'ip_proto': 1, 'icmpv4_type': 8, 'icmpv4_code': 0}",
    "{'eth_type': 2054, 'arp_op': 1, 'arp_spa': '10.0.0.1', "
    "'arp_tpa': '10.0.0.0/255.0.0.0'}",
    "{'arp_sha': '00:00:00:00:00:01', "
    "'arp_tha': '00:00:00:00:00:00/ff:ff:ff:ff:ff:00'}",
    "{'eth_type': 34525, 'ipv6_src': 'fe80::1', 'ipv6_dst': '2001:db8::/ffff:"
    "ffff::'}",
    "{'ipv6_flabel': 1048575}",
    "{'ipv6_flabel': '5/15'}",
    "{'icmpv6_type': 135, 'icmpv6_code': 0, 'ipv6_nd_target': '2001:db8::1',"
    " 'ipv6_nd_sll': '00:00:00:00:00:02'}",
    "{'ipv6_nd_tll': 'aa:bb:cc:dd:ee:ff'}",
    "{'mpls_label': 1048575, 'mpls_tc': 7, 'mpls_bos': 1}",
    "{'pbb_isid': 16777215}",
    "{'pbb_isid': '4660/65535'}",
    "{'tunnel_id': 1, 'ipv6_exthdr': 511}",
    "{'tunnel_id': '1/1', 'ipv6_exthdr': '256/511'}",
    "{'pbb_uca': 1}",
    "{'tcp_flags': 2}",
    "{'tcp_flags': '2/18'}",
    "{'actset_output': 5}",
    "{'oxm_opaque': [{'oxm_class': 1, 'field': 2, 'hasmask': false, "
    "'data': 'AAAAAQ==', 'data_type': 'base64'}]}",
    "{'oxm_opaque': [{'oxm_class': 65535, 'field': 9, 'hasmask': true, "
    "'experimenter': 8992, 'data': 'AQID', 'data_type': 'base64'}]}",
    "{'eth_type': 2048, 'oxm_opaque': [{'oxm_class': 32768, 'field': 60, "
    "'hasmask': false, 'data': '', 'data_type': 'base64'}]}",
};

START_TEST(every_match_field_round_trips)
{
    const char *text = match_round_trips[_i];
    json_t *in = LOAD(text);
    struct ofp_match m;
    char err[256];

    int rc = ofp_json_parse_match(in, &m, &arena, err, sizeof err);
    ck_assert_msg(rc == 0, "%s: %s", text, err);
    EXPECT_EQUAL(ofp_json_match(&m), json_deep_copy(in));

    /* The wire form decodes to the same JSON. */
    struct ofp_wbuf w;
    struct ofp_rd rd;
    struct ofp_match back;
    ofp_wbuf_init(&w);
    ofp_match_encode(&w, &m);
    ck_assert_uint_eq(w.len, ofp_match_wire_len(&m));
    ofp_rd_init(&rd, w.data, w.len);
    ck_assert(!ofp_match_decode(&rd, &back, &arena));
    ck_assert_uint_eq(rd.left, 0);
    EXPECT_EQUAL(ofp_json_match(&back), in);
    ofp_wbuf_uninit(&w);
}
END_TEST

/* Each: Ryu input, and the match ofp_json_match() then writes. */
static const struct {
    const char *in;
    const char *out;
} match_inputs[] = {
    /* Ryu's OpenFlow 1.0 names. */
    {"{'dl_src': 'aa:bb:cc:dd:ee:ff', 'dl_dst': '00:00:00:00:00:01', "
     "'dl_type': 2048, 'nw_proto': 6, 'nw_src': '10.0.0.1', "
     "'nw_dst': '10.0.0.2', 'tp_src': 1, 'tp_dst': 2}",
     "{'eth_src': 'aa:bb:cc:dd:ee:ff', 'eth_dst': '00:00:00:00:00:01', "
     "'eth_type': 2048, 'ip_proto': 6, 'ipv4_src': '10.0.0.1', "
     "'ipv4_dst': '10.0.0.2', 'tcp_src': 1, 'tcp_dst': 2}"},
    {"{'ip_proto': 17, 'tp_dst': 53}", "{'ip_proto': 17, 'udp_dst': 53}"},
    /* nw_src/nw_dst are ARP addresses for ARP. */
    {"{'dl_type': 2054, 'nw_src': '10.0.0.1', 'nw_dst': '10.0.0.2'}",
     "{'eth_type': 2054, 'arp_spa': '10.0.0.1', 'arp_tpa': '10.0.0.2'}"},
    {"{'eth_type': '0x0806', 'nw_src': '10.0.0.1', 'arp_spa': '10.0.0.9'}",
     "{'eth_type': 2054, 'ipv4_src': '10.0.0.1', 'arp_spa': '10.0.0.9'}"},
    /* Integers as strings, hex, octal, binary; port names. */
    {"{'eth_type': '0x800', 'ip_proto': '6', 'tcp_src': ' 0o17 ', "
     "'tcp_dst': '0b101'}",
     "{'eth_type': 2048, 'ip_proto': 6, 'tcp_src': 15, 'tcp_dst': 5}"},
    {"{'in_port': 'controller'}", "{'in_port': 'CONTROLLER'}"},
    {"{'in_port': 'OFPP_LOCAL'}", "{'in_port': 'LOCAL'}"},
    {"{'in_port': '4294967294'}", "{'in_port': 'LOCAL'}"},
    /* vlan_vid as to_match_vid(). */
    {"{'vlan_vid': 5}", "{'vlan_vid': '5'}"},
    {"{'dl_vlan': '5'}", "{'vlan_vid': '5'}"},
    {"{'vlan_vid': '0x1005'}", "{'vlan_vid': '5'}"},
    {"{'vlan_vid': '0x1000/0x1000'}", "{'vlan_vid': '0x1000/0x1000'}"},
    {"{'vlan_vid': '0x0/0x1000'}", "{'vlan_vid': '0x0000/0x1000'}"},
    /* Prefixes; the address is kept as given. */
    {"{'ipv4_src': '10.0.0.1/24'}", "{'ipv4_src': '10.0.0.1/255.255.255.0'}"},
    {"{'ipv4_src': '0.0.0.0/0'}", "{'ipv4_src': '0.0.0.0/0.0.0.0'}"},
    {"{'ipv6_src': '2001:db8::/33'}",
     "{'ipv6_src': '2001:db8::/ffff:ffff:8000::'}"},
    {"{'metadata': '0x10/0xff'}", "{'metadata': '16/255'}"},
    {"{'eth_dst': 'AA-BB-CC-DD-EE-F'}", "{'eth_dst': 'aa:bb:cc:dd:ee:0f'}"},
    {"{}", "{}"},
};

START_TEST(ryu_match_inputs_are_read_as_to_match)
{
    json_t *in = LOAD(match_inputs[_i].in);
    struct ofp_match m;
    char err[256];

    int rc = ofp_json_parse_match(in, &m, &arena, err, sizeof err);
    ck_assert_msg(rc == 0, "%s: %s", match_inputs[_i].in, err);
    EXPECT_EQUAL(ofp_json_match(&m), LOAD(match_inputs[_i].out));
    json_decref(in);
}
END_TEST

START_TEST(match_is_ordered_as_ryus_ofpmatch)
{
    json_t *in = LOAD("{'tcp_flags': 1, 'tcp_dst': 80, 'pbb_uca': 1, "
                      "'in_port': 1, 'ip_proto': 6, 'eth_type': 2048}");
    struct ofp_match m;
    char err[256];

    ck_assert_int_eq(ofp_json_parse_match(in, &m, &arena, err, sizeof err), 0);
    ck_assert_uint_eq(m.n_oxms, 6);
    /* Basic fields by number, then the ONF ones as given. */
    ck_assert_uint_eq(m.oxms[0].field, OFPXMT_OFB_IN_PORT);
    ck_assert_uint_eq(m.oxms[1].field, OFPXMT_OFB_ETH_TYPE);
    ck_assert_uint_eq(m.oxms[2].field, OFPXMT_OFB_IP_PROTO);
    ck_assert_uint_eq(m.oxms[3].field, OFPXMT_OFB_TCP_DST);
    ck_assert_uint_eq(m.oxms[4].cls, OFPXMC_EXPERIMENTER);
    ck_assert_uint_eq(m.oxms[4].field, OFPXMT_OFB_TCP_FLAGS);
    ck_assert_uint_eq(m.oxms[5].cls, OFPXMC_EXPERIMENTER);
    ck_assert_uint_eq(m.oxms[5].field, 0); /* old pbb_uca */
    ck_assert_uint_eq(m.oxms[5].length, 7);
    ck_assert(ofp_match_check(&m) == 0);
    json_decref(in);

    /* NULL is the empty match. */
    ck_assert_int_eq(ofp_json_parse_match(NULL, &m, &arena, err, sizeof err),
                     0);
    ck_assert_uint_eq(m.n_oxms, 0);
    ck_assert_uint_eq(m.type, OFPMT_OXM);
}
END_TEST

/* ---- actions and instructions ---- */

/* Each: an action dict exactly as ofp_json_action() writes it. */
static const char *const action_round_trips[] = {
    "{'type': 'OUTPUT', 'port': 6, 'max_len': 65535}",
    "{'type': 'OUTPUT', 'port': 4294967293, 'max_len': 65509}",
    "{'type': 'COPY_TTL_OUT'}",
    "{'type': 'COPY_TTL_IN'}",
    "{'type': 'SET_MPLS_TTL', 'mpls_ttl': 255}",
    "{'type': 'DEC_MPLS_TTL'}",
    "{'type': 'PUSH_VLAN', 'ethertype': 33024}",
    "{'type': 'POP_VLAN'}",
    "{'type': 'PUSH_MPLS', 'ethertype': 34887}",
    "{'type': 'POP_MPLS', 'ethertype': 2048}",
    "{'type': 'SET_QUEUE', 'queue_id': 3}",
    "{'type': 'GROUP', 'group_id': 99}",
    "{'type': 'SET_NW_TTL', 'nw_ttl': 64}",
    "{'type': 'DEC_NW_TTL'}",
    "{'type': 'SET_FIELD', 'field': 'vlan_vid', 'value': 4354}",
    "{'type': 'SET_FIELD', 'field': 'eth_src', 'value': '01:02:03:04:05:06'}",
    "{'type': 'SET_FIELD', 'field': 'ipv4_dst', 'value': '192.168.0.1'}",
    "{'type': 'SET_FIELD', 'field': 'ipv6_src', 'value': 'fe80::1'}",
    "{'type': 'SET_FIELD', 'field': 'tcp_dst', 'value': 8080}",
    "{'type': 'SET_FIELD', 'field': 'tunnel_id', 'value': 1234567890123}",
    "{'type': 'SET_FIELD', 'field': 'mpls_label', 'value': 16}",
    "{'type': 'SET_FIELD', 'field': 'pbb_uca', 'value': 1}",
    "{'type': 'SET_FIELD', 'field': 'tcp_flags', 'value': 2}",
    "{'type': 'SET_FIELD', 'oxm': {'oxm_class': 1, 'field': 16, "
    "'hasmask': false, 'data': 'AAAABQ==', 'data_type': 'base64'}}",
    "{'type': 'PUSH_PBB', 'ethertype': 35047}",
    "{'type': 'POP_PBB'}",
    "{'type': 'EXPERIMENTER', 'experimenter': 101, 'data': 'AAECAwQFBgc=', "
    "'data_type': 'base64'}",
    "{'type': 'EXPERIMENTER', 'experimenter': 8992, 'data': '', "
    "'data_type': 'base64'}",
};

START_TEST(every_action_type_round_trips)
{
    const char *text = action_round_trips[_i];
    json_t *in = LOAD(text);
    struct ofp_action a;
    char err[256];

    int rc = ofp_json_parse_action(in, &a, &arena, err, sizeof err);
    ck_assert_msg(rc == 0, "%s: %s", text, err);
    ck_assert(ofp_action_check(&a) == 0);
    EXPECT_EQUAL(ofp_json_action(&a), json_deep_copy(in));

    /* In a PACKET_OUT, through the wire and back. */
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_PACKET_OUT, 0);
    msg.packet_out.buffer_id = OFP_NO_BUFFER;
    msg.packet_out.in_port = OFPP_CONTROLLER;
    msg.packet_out.actions.n = 1;
    msg.packet_out.actions.actions = &a;
    json_t *back = wire_round_trip(&msg);
    json_t *acts = json_object_get(back, "actions");
    ck_assert_uint_eq(json_array_size(acts), 1);
    EXPECT_EQUAL(json_deep_copy(json_array_get(acts, 0)), in);
    json_decref(back);
}
END_TEST

/* Each: an action as Ryu takes it, and as ofp_json_action() writes it. */
static const struct {
    const char *in;
    const char *out;
} action_inputs[] = {
    {"{'type': 'OUTPUT'}",
     "{'type': 'OUTPUT', 'port': 4294967295, 'max_len': 65509}"},
    {"{'type': 'OUTPUT', 'port': 'CONTROLLER', 'max_len': 'NO_BUFFER'}",
     "{'type': 'OUTPUT', 'port': 4294967293, 'max_len': 65535}"},
    {"{'type': 'OUTPUT', 'port': 'in_port', 'max_len': 'OFPCML_MAX'}",
     "{'type': 'OUTPUT', 'port': 4294967288, 'max_len': 65509}"},
    {"{'type': 'OUTPUT', 'port': '0x10', 'max_len': 0}",
     "{'type': 'OUTPUT', 'port': 16, 'max_len': 0}"},
    {"{'type': 'GROUP', 'group_id': 'ALL'}",
     "{'type': 'GROUP', 'group_id': 4294967292}"},
    {"{'type': 'SET_QUEUE', 'queue_id': 'all'}",
     "{'type': 'SET_QUEUE', 'queue_id': 4294967295}"},
    {"{'type': 'PUSH_VLAN', 'ethertype': '0x8100'}",
     "{'type': 'PUSH_VLAN', 'ethertype': 33024}"},
    {"{'type': 'SET_FIELD', 'field': 'vlan_vid', 'value': '258'}",
     "{'type': 'SET_FIELD', 'field': 'vlan_vid', 'value': 258}"},
    {"{'type': 'EXPERIMENTER', 'experimenter': 1, 'data': 'abcdefgh'}",
     "{'type': 'EXPERIMENTER', 'experimenter': 1, 'data': 'YWJjZGVmZ2g=', "
     "'data_type': 'base64'}"},
    {"{'type': 'EXPERIMENTER', 'experimenter': 1}",
     "{'type': 'EXPERIMENTER', 'experimenter': 1, 'data': '', "
     "'data_type': 'base64'}"},
};

START_TEST(ryu_action_inputs_are_read_as_to_action)
{
    json_t *in = LOAD(action_inputs[_i].in);
    struct ofp_action a;
    char err[256];

    int rc = ofp_json_parse_action(in, &a, &arena, err, sizeof err);
    ck_assert_msg(rc == 0, "%s: %s", action_inputs[_i].in, err);
    EXPECT_EQUAL(ofp_json_action(&a), LOAD(action_inputs[_i].out));
    json_decref(in);
}
END_TEST

START_TEST(instructions_round_trip_in_ryus_flattened_form)
{
    /* As ofp_json_instructions_ryu() writes them: instructions, then the
     * apply-actions inline. */
    json_t *in = LOAD(
        "[{'type': 'GOTO_TABLE', 'table_id': 1},"
        " {'type': 'WRITE_METADATA', 'metadata': 1, 'metadata_mask': 255},"
        " {'type': 'METER', 'meter_id': 5},"
        " {'type': 'WRITE_ACTIONS', 'actions': [{'type': 'OUTPUT', 'port': 2,"
        "   'max_len': 65509}, {'type': 'DEC_NW_TTL'}]},"
        " {'type': 'CLEAR_ACTIONS'},"
        " {'type': 'SET_FIELD', 'field': 'eth_dst', 'value': "
        "   '00:00:00:00:00:02'},"
        " {'type': 'OUTPUT', 'port': 1, 'max_len': 0}]");
    struct ofp_instruction_list list;
    char err[256];

    ck_assert_int_eq(
        ofp_json_parse_instructions(in, &list, &arena, err, sizeof err), 0);
    ck_assert_uint_eq(list.n, 6);
    ck_assert_uint_eq(list.instructions[5].type, OFPIT_APPLY_ACTIONS);
    ck_assert_uint_eq(list.instructions[5].actions.n, 2);
    ck_assert(ofp_instructions_check(&list) == 0);
    EXPECT_EQUAL(ofp_json_instructions_ryu(&list), json_deep_copy(in));
    json_decref(in);

    /* Ryu puts the apply-actions last whatever their place, leaves an empty
     * WRITE_ACTIONS out and defaults metadata_mask to all ones. */
    in = LOAD("[{'type': 'OUTPUT', 'port': 1},"
              " {'type': 'WRITE_ACTIONS', 'actions': []},"
              " {'type': 'WRITE_METADATA', 'metadata': '0x10'},"
              " {'type': 'GOTO_TABLE', 'table_id': 'MAX'}]");
    ck_assert_int_eq(
        ofp_json_parse_instructions(in, &list, &arena, err, sizeof err), 0);
    EXPECT_EQUAL(ofp_json_instructions(&list),
                 LOAD("[{'type': 'WRITE_METADATA', 'metadata': 16,"
                      "  'metadata_mask': '18446744073709551615'},"
                      " {'type': 'GOTO_TABLE', 'table_id': 254},"
                      " {'type': 'APPLY_ACTIONS', 'actions': [{'type': "
                      "  'OUTPUT', 'port': 1, 'max_len': 65509}]}]"));
    json_decref(in);

    /* Beyond Ryu: an explicit APPLY_ACTIONS dict, kept in place; the
     * dict form of ofp_json_instructions() reads back the same. */
    in = LOAD("[{'type': 'APPLY_ACTIONS', 'actions': [{'type': 'POP_VLAN'}]},"
              " {'type': 'GOTO_TABLE', 'table_id': 3}]");
    ck_assert_int_eq(
        ofp_json_parse_instructions(in, &list, &arena, err, sizeof err), 0);
    EXPECT_EQUAL(ofp_json_instructions(&list), json_deep_copy(in));
    json_decref(in);

    /* Nothing, or an empty list: no instructions. */
    ck_assert_int_eq(
        ofp_json_parse_instructions(NULL, &list, &arena, err, sizeof err), 0);
    ck_assert_uint_eq(list.n, 0);
    in = LOAD("[]");
    ck_assert_int_eq(
        ofp_json_parse_instructions(in, &list, &arena, err, sizeof err), 0);
    ck_assert_uint_eq(list.n, 0);
    json_decref(in);
}
END_TEST

START_TEST(action_lists_for_buckets_refuse_instructions)
{
    json_t *in = LOAD("[{'type': 'OUTPUT', 'port': 1}, {'type': 'POP_VLAN'}]");
    struct ofp_action_list list;
    char err[256];

    ck_assert_int_eq(
        ofp_json_parse_actions(in, &list, &arena, err, sizeof err), 0);
    ck_assert_uint_eq(list.n, 2);
    json_decref(in);

    in = LOAD("[{'type': 'POP_VLAN'}, {'type': 'GOTO_TABLE', 'table_id': 1}]");
    ck_assert_int_eq(
        ofp_json_parse_actions(in, &list, &arena, err, sizeof err), EINVAL);
    ck_assert_str_eq(err, "actions[1].type: GOTO_TABLE is an instruction, not "
                          "an action");
    json_decref(in);
}
END_TEST

/* ---- messages ---- */

START_TEST(flow_mod_defaults_are_ryus)
{
    json_t *in = LOAD("{'dpid': 1}");
    struct ofp_msg msg;
    char err[256];

    ck_assert_int_eq(
        ofp_json_parse_flow_mod(in, OFPFC_ADD, &msg, &arena, err, sizeof err),
        0);
    const struct ofp_flow_mod *fm = &msg.flow_mod;
    ck_assert_uint_eq(msg.type, OFPT_FLOW_MOD);
    ck_assert_uint_eq(msg.xid, 0);
    ck_assert_uint_eq(fm->cookie, 0);
    ck_assert_uint_eq(fm->cookie_mask, 0);
    ck_assert_uint_eq(fm->table_id, 0);
    ck_assert_uint_eq(fm->command, OFPFC_ADD);
    ck_assert_uint_eq(fm->idle_timeout, 0);
    ck_assert_uint_eq(fm->hard_timeout, 0);
    ck_assert_uint_eq(fm->priority, 0); /* Ryu's, not OpenFlow's 0x8000 */
    ck_assert_uint_eq(fm->buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(fm->out_port, OFPP_ANY);
    ck_assert_uint_eq(fm->out_group, OFPG_ANY);
    ck_assert_uint_eq(fm->flags, 0);
    ck_assert_uint_eq(fm->match.type, OFPMT_OXM);
    ck_assert_uint_eq(fm->match.n_oxms, 0);
    ck_assert_uint_eq(fm->instructions.n, 0);
    json_decref(wire_round_trip(&msg));
    json_decref(in);
}
END_TEST

START_TEST(flow_mod_round_trips_through_its_json_form)
{
    json_t *in = LOAD(
        "{'dpid': 1, 'cookie': '18446744073709551615', 'cookie_mask': 255,"
        " 'table_id': 2, 'idle_timeout': 30, 'hard_timeout': '0x3c',"
        " 'priority': 65535, 'buffer_id': 'NO_BUFFER', 'out_port': 'ANY',"
        " 'out_group': 7, 'flags': 3, 'instructions': 'ignored',"
        " 'unknown_key': {'is': 'ignored'},"
        " 'match': {'in_port': 1, 'eth_type': 2048, 'ipv4_dst': "
        "   '10.0.0.0/8'},"
        " 'actions': [{'type': 'GOTO_TABLE', 'table_id': 3},"
        "   {'type': 'OUTPUT', 'port': 'NORMAL'}]}");
    struct ofp_msg msg;
    char err[256];

    ck_assert_int_eq(ofp_json_parse_flow_mod(in, OFPFC_MODIFY_STRICT, &msg,
                                             &arena, err, sizeof err),
                     0);
    json_t *got = wire_round_trip(&msg);
    json_t *exp =
        LOAD("{'type': 'FLOW_MOD', 'xid': 0, 'version': 4,"
             " 'cookie': '18446744073709551615', 'cookie_mask': 255,"
             " 'table_id': 2, 'command': 2, 'idle_timeout': 30,"
             " 'hard_timeout': 60, 'priority': 65535, 'buffer_id': 4294967295,"
             " 'out_port': 4294967295, 'out_group': 7, 'flags': 3,"
             " 'match': {'in_port': 1, 'eth_type': 2048, 'ipv4_dst': "
             "   '10.0.0.0/255.0.0.0'},"
             " 'instructions': [{'type': 'GOTO_TABLE', 'table_id': 3},"
             "   {'type': 'APPLY_ACTIONS', 'actions': [{'type': 'OUTPUT',"
             "    'port': 4294967290, 'max_len': 65509}]}],"
             " 'actions': [{'type': 'GOTO_TABLE', 'table_id': 3},"
             "   {'type': 'OUTPUT', 'port': 4294967290, 'max_len': 65509}]}");
    EXPECT_EQUAL(json_deep_copy(got), exp);

    /* And what we wrote parses back to the same message. */
    struct ofp_msg again;
    ck_assert_int_eq(ofp_json_parse_flow_mod(got, OFPFC_MODIFY_STRICT, &again,
                                             &arena, err, sizeof err),
                     0);
    EXPECT_EQUAL(wire_round_trip(&again), got);
    json_decref(in);
}
END_TEST

START_TEST(group_mod_round_trips_through_its_json_form)
{
    json_t *in = LOAD(
        "{'dpid': 1, 'type': 'SELECT', 'group_id': 5, 'buckets': ["
        " {'weight': 10, 'watch_port': 2, 'watch_group': 4294967295,"
        "  'actions': [{'type': 'OUTPUT', 'port': 2, 'max_len': 65509}]},"
        " {'weight': 20, 'watch_port': 3, 'watch_group': 9, 'actions': []}]}");
    struct ofp_msg msg;
    char err[256];

    ck_assert_int_eq(ofp_json_parse_group_mod(in, OFPGC_MODIFY, &msg, &arena,
                                              err, sizeof err),
                     0);
    json_t *got = wire_round_trip(&msg);
    ck_assert_str_eq(json_string_value(json_object_get(got, "group_type")),
                     "SELECT");
    ck_assert_int_eq(json_integer_value(json_object_get(got, "command")),
                     OFPGC_MODIFY);
    ck_assert_int_eq(json_integer_value(json_object_get(got, "group_id")), 5);
    EXPECT_EQUAL(member(got, "buckets"), member(in, "buckets"));
    json_decref(got);
    json_decref(in);

    /* Ryu's defaults: type ALL, group 0, no buckets; bucket weight 0,
     * watch port and group ANY; types by number or prefixed name. */
    in = LOAD("{'type': 'OFPGT_FF', 'buckets': [{}]}");
    ck_assert_int_eq(
        ofp_json_parse_group_mod(in, OFPGC_ADD, &msg, &arena, err, sizeof err),
        0);
    ck_assert_uint_eq(msg.group_mod.type, OFPGT_FF);
    ck_assert_uint_eq(msg.group_mod.group_id, 0);
    ck_assert_uint_eq(msg.group_mod.buckets.n, 1);
    ck_assert_uint_eq(msg.group_mod.buckets.buckets[0].weight, 0);
    ck_assert_uint_eq(msg.group_mod.buckets.buckets[0].watch_port, OFPP_ANY);
    ck_assert_uint_eq(msg.group_mod.buckets.buckets[0].watch_group, OFPG_ANY);
    json_decref(in);
    in = LOAD("{'type': 2, 'group_id': 'ANY'}");
    ck_assert_int_eq(ofp_json_parse_group_mod(in, OFPGC_DELETE, &msg, &arena,
                                              err, sizeof err),
                     0);
    ck_assert_uint_eq(msg.group_mod.type, OFPGT_INDIRECT);
    ck_assert_uint_eq(msg.group_mod.group_id, OFPG_ANY);
    ck_assert_uint_eq(msg.group_mod.buckets.n, 0);
    json_decref(wire_round_trip(&msg));
    json_decref(in);
}
END_TEST

START_TEST(meter_mod_round_trips_through_its_json_form)
{
    json_t *in =
        LOAD("{'flags': ['KBPS', 'BURST', 'STATS'], 'meter_id': 3, 'bands': ["
             " {'type': 'DROP', 'rate': 1000, 'burst_size': 10},"
             " {'type': 'DSCP_REMARK', 'rate': 2000, 'burst_size': 20, "
             "  'prec_level': 2},"
             " {'type': 'EXPERIMENTER', 'rate': 3, 'burst_size': 4, "
             "  'experimenter': 999},"
             " {'type': 'EXPERIMENTER', 'rate': 3, 'burst_size': 4, "
             "  'experimenter': 998, 'data': 'AAECAwQFBgc=', 'data_type': "
             "  'base64'}]}");
    struct ofp_msg msg;
    char err[256];

    ck_assert_int_eq(
        ofp_json_parse_meter_mod(in, OFPMC_ADD, &msg, &arena, err, sizeof err),
        0);
    json_t *got = wire_round_trip(&msg);
    EXPECT_EQUAL(member(got, "flags"), member(in, "flags"));
    EXPECT_EQUAL(member(got, "bands"), member(in, "bands"));
    ck_assert_int_eq(json_integer_value(json_object_get(got, "meter_id")), 3);
    json_decref(got);
    json_decref(in);

    /* One flag without a list, numbers, reserved meter names. */
    in = LOAD("{'flags': 'PKTPS', 'meter_id': 'CONTROLLER'}");
    ck_assert_int_eq(ofp_json_parse_meter_mod(in, OFPMC_DELETE, &msg, &arena,
                                              err, sizeof err),
                     0);
    ck_assert_uint_eq(msg.meter_mod.flags, OFPMF_PKTPS);
    ck_assert_uint_eq(msg.meter_mod.meter_id, OFPM_CONTROLLER);
    ck_assert_uint_eq(msg.meter_mod.bands.n, 0);
    json_decref(in);
    in = LOAD("{'flags': [1, 'OFPMF_STATS']}");
    ck_assert_int_eq(ofp_json_parse_meter_mod(in, OFPMC_MODIFY, &msg, &arena,
                                              err, sizeof err),
                     0);
    ck_assert_uint_eq(msg.meter_mod.flags, OFPMF_KBPS | OFPMF_STATS);
    ck_assert_uint_eq(msg.meter_mod.meter_id, 0);
    json_decref(in);
}
END_TEST

START_TEST(port_mod_round_trips_through_its_json_form)
{
    json_t *in = LOAD("{'port_no': 'LOCAL', 'hw_addr': '00:11:00:00:11:11',"
                      " 'config': 1, 'mask': '0x41', 'advertise': 4096}");
    struct ofp_msg msg;
    char err[256];

    ck_assert_int_eq(ofp_json_parse_port_mod(in, &msg, err, sizeof err), 0);
    EXPECT_EQUAL(wire_round_trip(&msg),
                 LOAD("{'type': 'PORT_MOD', 'xid': 0, 'version': 4,"
                      " 'port_no': 4294967294, 'hw_addr': "
                      "'00:11:00:00:11:11', 'config': 1, 'mask': 65,"
                      " 'advertise': 4096}"));
    json_decref(in);
}
END_TEST

START_TEST(flow_stats_request_filters)
{
    struct ofp_msg msg;
    int32_t prio;
    char err[256];

    /* No filter: Ryu's defaults. */
    ck_assert_int_eq(ofp_json_parse_flow_stats_request(
                         NULL, false, &msg, &prio, &arena, err, sizeof err),
                     0);
    ck_assert_uint_eq(msg.type, OFPT_MULTIPART_REQUEST);
    ck_assert_uint_eq(msg.mp_request.type, OFPMP_FLOW);
    ck_assert_uint_eq(msg.mp_request.flow.table_id, OFPTT_ALL);
    ck_assert_uint_eq(msg.mp_request.flow.out_port, OFPP_ANY);
    ck_assert_uint_eq(msg.mp_request.flow.out_group, OFPG_ANY);
    ck_assert_int_eq(prio, -1);
    json_decref(wire_round_trip(&msg));

    json_t *in = LOAD("{'table_id': 1, 'out_port': 2, 'cookie': 3,"
                      " 'cookie_mask': '0xff', 'priority': 100,"
                      " 'match': {'dl_type': 2048, 'nw_dst': '10.0.0.1'}}");
    ck_assert_int_eq(ofp_json_parse_flow_stats_request(
                         in, true, &msg, &prio, &arena, err, sizeof err),
                     0);
    ck_assert_int_eq(prio, 100);
    json_t *got = wire_round_trip(&msg);
    EXPECT_EQUAL(member(got, "body"),
                 LOAD("{'table_id': 1, 'out_port': 2, 'out_group': "
                      "4294967295, 'cookie': 3, 'cookie_mask': 255, "
                      "'match': {'eth_type': 2048, 'ipv4_dst': "
                      "'10.0.0.1'}}"));
    ck_assert_str_eq(json_string_value(json_object_get(got, "multipart_type")),
                     "AGGREGATE");
    json_decref(got);
    json_decref(in);
}
END_TEST

START_TEST(dpid_is_read_as_ofctl_rest)
{
    static const struct {
        const char *body;
        int rc;
        uint64_t dpid;
    } cases[] = {
        {"{'dpid': 1}", 0, 1},
        {"{'dpid': '123'}", 0, 123},
        {"{'dpid': '0x1f'}", 0, 31},
        {"{'dpid': '18446744073709551615'}", 0, UINT64_MAX},
        {"{'dpid': 0}", 0, 0},
        {"{}", ENOENT, 0},
        {"{'dpid': null}", ENOENT, 0},
        {"{'dpid': 'abc'}", EINVAL, 0},
        {"{'dpid': '0001'}", EINVAL, 0},
        {"{'dpid': -1}", EINVAL, 0},
        {"{'dpid': 1.5}", EINVAL, 0},
        {"{'dpid': '18446744073709551616'}", EINVAL, 0},
        {"[1]", EINVAL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *in = LOAD(cases[i].body);
        uint64_t dpid = 0;
        char err[128] = "";
        int rc = ofp_json_parse_dpid(in, &dpid, err, sizeof err);
        ck_assert_msg(rc == cases[i].rc, "%s: %d, not %d (%s)", cases[i].body,
                      rc, cases[i].rc, err);
        if (!rc) {
            ck_assert_uint_eq(dpid, cases[i].dpid);
        } else if (rc == EINVAL) {
            ck_assert_msg(!strncmp(err, "dpid: ", 6) ||
                              !strncmp(err, "body: ", 6),
                          "%s: %s", cases[i].body, err);
        }
        json_decref(in);
    }
}
END_TEST

/* ---- malformed bodies ---- */

enum bad_kind { B_FLOW, B_GROUP, B_METER, B_PORT, B_STATS };

/* Each: which parser, the body, and the start of the message. */
static const struct {
    enum bad_kind kind;
    const char *body;
    const char *err;
} bad_bodies[] = {
    /* The body itself. */
    {B_FLOW, "[]", "body: an array is not an object"},
    {B_FLOW, "'flow'", "body: \"flow\" is not an object"},
    {B_GROUP, "7", "body: 7 is not an object"},
    {B_STATS, "true", "body: true is not an object"},
    /* Top-level numbers. */
    {B_FLOW, "{'priority': 65536}",
     "priority: 65536 is out of range (0..65535)"},
    {B_FLOW, "{'priority': -1}", "priority: -1 is negative"},
    {B_FLOW, "{'priority': '-5'}", "priority: \"-5\" is negative"},
    {B_FLOW, "{'priority': 'abc'}", "priority: \"abc\" is not an integer"},
    {B_FLOW, "{'priority': '010'}", "priority: \"010\" is not an integer"},
    {B_FLOW, "{'priority': 1.5}", "priority: 1.5 is not an integer"},
    {B_FLOW, "{'priority': true}", "priority: true is not an integer"},
    {B_FLOW, "{'priority': null}", "priority: null is not an integer"},
    {B_FLOW, "{'priority': [1]}", "priority: an array is not an integer"},
    {B_FLOW, "{'idle_timeout': '0x10000'}",
     "idle_timeout: \"0x10000\" is out of range (0..65535)"},
    {B_FLOW, "{'cookie': '18446744073709551616'}",
     "cookie: \"18446744073709551616\" is out of range"},
    {B_FLOW, "{'table_id': 256}", "table_id: 256 is out of range (0..255)"},
    {B_FLOW, "{'table_id': 'FOO'}", "table_id: unknown table name \"FOO\""},
    {B_FLOW, "{'out_port': 'CONTROLER'}",
     "out_port: unknown port name \"CONTROLER\""},
    {B_FLOW, "{'out_group': {}}", "out_group: an object is not an integer"},
    {B_FLOW, "{'buffer_id': 'NONE'}", "buffer_id: unknown buffer name"},
    {B_FLOW, "{'flags': 'KBPS'}", "flags: \"KBPS\" is not an integer"},
    /* Match. */
    {B_FLOW, "{'match': []}", "match: an array is not an object"},
    {B_FLOW, "{'match': 'in_port=1'}",
     "match: \"in_port=1\" is not an object"},
    {B_FLOW, "{'match': {'eth_dst': 'zz:00'}}",
     "match.eth_dst: \"zz:00\" is not a MAC address"},
    {B_FLOW, "{'match': {'dl_src': '00:00:00:00:00:00:00'}}",
     "match.dl_src: \"00:00:00:00:00:00:00\" is not a MAC address"},
    {B_FLOW, "{'match': {'eth_src': '00:00:00:00:00:0g'}}",
     "match.eth_src: \"00:00:00:00:00:0g\" is not a MAC address"},
    {B_FLOW, "{'match': {'eth_src': '00:00:00:00:00:00/zz'}}",
     "match.eth_src: \"zz\" is not a MAC address (mask)"},
    {B_FLOW, "{'match': {'eth_dst': 5}}",
     "match.eth_dst: 5 is not a MAC address"},
    {B_FLOW, "{'match': {'ipv4_src': '1.2.3'}}",
     "match.ipv4_src: \"1.2.3\" is not an IPv4 address"},
    {B_FLOW, "{'match': {'ipv4_src': '1.2.3.256'}}",
     "match.ipv4_src: \"1.2.3.256\" is not an IPv4 address"},
    {B_FLOW, "{'match': {'nw_dst': '10.0.0.0/33'}}",
     "match.nw_dst: \"10.0.0.0/33\": prefix length above 32"},
    {B_FLOW, "{'match': {'ipv4_dst': '10.0.0.0/255.0.0'}}",
     "match.ipv4_dst: \"255.0.0\" is not an IPv4 address or prefix length"},
    {B_FLOW, "{'match': {'ipv6_src': 'fe80::1/129'}}",
     "match.ipv6_src: \"fe80::1/129\": prefix length above 128"},
    {B_FLOW, "{'match': {'ipv6_dst': '10.0.0.1'}}",
     "match.ipv6_dst: \"10.0.0.1\" is not an IPv6 address"},
    {B_FLOW, "{'match': {'ipv4_src': {'a': 1}}}",
     "match.ipv4_src: an object is not an IPv4 address"},
    {B_FLOW, "{'match': {'tcp_src': 70000}}",
     "match.tcp_src: 70000 is out of range (0..65535)"},
    {B_FLOW, "{'match': {'tcp_src': -1}}", "match.tcp_src: -1 is negative"},
    {B_FLOW, "{'match': {'vlan_pcp': 8}}",
     "match.vlan_pcp: 8 is out of range (0..7)"},
    {B_FLOW, "{'match': {'ip_dscp': '64'}}",
     "match.ip_dscp: \"64\" is out of range (0..63)"},
    {B_FLOW, "{'match': {'mpls_label': 1048576}}",
     "match.mpls_label: 1048576 is out of range (0..1048575)"},
    {B_FLOW, "{'match': {'in_port': 4294967296}}",
     "match.in_port: 4294967296 is out of range (0..4294967295)"},
    {B_FLOW, "{'match': {'in_port': 'CONTROLER'}}",
     "match.in_port: unknown port name \"CONTROLER\""},
    {B_FLOW, "{'match': {'vlan_vid': 5000}}",
     "match.vlan_vid: 5000 is not a VLAN id (0..4095)"},
    {B_FLOW, "{'match': {'vlan_vid': '0x2000'}}",
     "match.vlan_vid: \"0x2000\" is out of range (0..8191)"},
    {B_FLOW, "{'match': {'vlan_vid': true}}",
     "match.vlan_vid: true is not a VLAN id"},
    {B_FLOW, "{'match': {'tcp_src': '80/255'}}",
     "match.tcp_src: \"80/255\": tcp_src cannot be masked"},
    {B_FLOW, "{'match': {'in_port': '1/1'}}",
     "match.in_port: unknown port name \"1/1\""},
    {B_FLOW, "{'match': {'eth_type': '2048/65535'}}",
     "match.eth_type: \"2048/65535\": eth_type cannot be masked"},
    {B_FLOW, "{'match': {'metadata': '0x1/zz'}}",
     "match.metadata: \"zz\" is not an integer (mask)"},
    {B_FLOW, "{'match': {'metadata': '1/-1'}}",
     "match.metadata: \"-1\" is negative"},
    {B_FLOW, "{'match': {'foo': 1}}",
     "match.foo: unknown match field \"foo\""},
    {B_FLOW, "{'match': {'reg0': 1}}",
     "match.reg0: unknown match field \"reg0\""},
    {B_FLOW,
     "{'match': {'eth_dst': '00:00:00:00:00:01', 'dl_dst': "
     "'00:00:00:00:00:01'}}",
     "match.dl_dst: eth_dst is given twice (also as eth_dst)"},
    {B_FLOW, "{'match': {'tp_src': 80}}",
     "match.tp_src: needs nw_proto or ip_proto 6 (TCP) or 17 (UDP)"},
    {B_FLOW, "{'match': {'ip_proto': 132, 'tp_dst': 80}}",
     "match.tp_dst: needs nw_proto or ip_proto 6"},
    {B_FLOW, "{'match': {'eth_type': [[[[[[[[2048]]]]]]]]}}",
     "match.eth_type: an array is not an integer"},
    {B_FLOW, "{'match': {'oxm_opaque': {}}}",
     "match.oxm_opaque: an object is not a list"},
    {B_FLOW,
     "{'match': {'oxm_opaque': [{'oxm_class': 32768, 'field': 3, "
     "'data': ''}]}}",
     "match.oxm_opaque[0].field: basic field 3 is eth_dst: give it by name"},
    {B_FLOW, "{'match': {'oxm_opaque': [{'oxm_class': 1, 'field': 128}]}}",
     "match.oxm_opaque[0].field: 128 is out of range (0..127)"},
    {B_FLOW, "{'match': {'oxm_opaque': [{'oxm_class': 65535, 'field': 1}]}}",
     "match.oxm_opaque[0].experimenter: missing"},
    {B_FLOW,
     "{'match': {'oxm_opaque': [{'oxm_class': 1, 'field': 1, "
     "'hasmask': 1}]}}",
     "match.oxm_opaque[0].hasmask: 1 is not true or false"},
    {B_FLOW,
     "{'match': {'oxm_opaque': [{'oxm_class': 1, 'field': 1, "
     "'data': 'AAA', 'data_type': 'base64'}]}}",
     "match.oxm_opaque[0].data: \"AAA\" is not base64"},
    /* Actions and instructions. */
    {B_FLOW, "{'actions': {}}", "actions: an object is not a list"},
    {B_FLOW, "{'actions': 'OUTPUT:1'}", "actions: \"OUTPUT:1\" is not a list"},
    {B_FLOW, "{'actions': [5]}", "actions[0]: 5 is not an object"},
    {B_FLOW, "{'actions': [{}]}", "actions[0].type: missing"},
    {B_FLOW, "{'actions': [{'type': 0}]}",
     "actions[0].type: 0 is not a type name"},
    {B_FLOW,
     "{'actions': [{'type': 'POP_VLAN'}, {'type': 'DEC_NW_TTL'}, "
     "{'type': 'FOO'}]}",
     "actions[2].type: unknown action \"FOO\""},
    {B_FLOW, "{'actions': [{'type': 'output', 'port': 1}]}",
     "actions[0].type: unknown action \"output\""},
    {B_FLOW, "{'actions': [{'type': 'OUTPUT', 'port': 'CONTROLER'}]}",
     "actions[0].port: unknown port name \"CONTROLER\""},
    {B_FLOW, "{'actions': [{'type': 'OUTPUT', 'port': 1, 'max_len': 65536}]}",
     "actions[0].max_len: 65536 is out of range (0..65535)"},
    {B_FLOW, "{'actions': [{'type': 'SET_MPLS_TTL'}]}",
     "actions[0].mpls_ttl: missing"},
    {B_FLOW, "{'actions': [{'type': 'SET_NW_TTL', 'nw_ttl': 256}]}",
     "actions[0].nw_ttl: 256 is out of range (0..255)"},
    {B_FLOW, "{'actions': [{'type': 'PUSH_VLAN', 'ethertype': -1}]}",
     "actions[0].ethertype: -1 is negative"},
    {B_FLOW, "{'actions': [{'type': 'GROUP'}]}",
     "actions[0].group_id: missing"},
    {B_FLOW, "{'actions': [{'type': 'SET_QUEUE', 'queue_id': 'ANY'}]}",
     "actions[0].queue_id: unknown queue name \"ANY\""},
    {B_FLOW, "{'actions': [{'type': 'SET_FIELD', 'value': 1}]}",
     "actions[0].field: missing"},
    {B_FLOW, "{'actions': [{'type': 'SET_FIELD', 'field': 'eth_dst'}]}",
     "actions[0].value: missing"},
    {B_FLOW,
     "{'actions': [{'type': 'SET_FIELD', 'field': 'foo', "
     "'value': 1}]}",
     "actions[0].field: unknown field \"foo\""},
    {B_FLOW,
     "{'actions': [{'type': 'SET_FIELD', 'field': 'in_port', "
     "'value': 1}]}",
     "actions[0].field: in_port is not a header field"},
    {B_FLOW,
     "{'actions': [{'type': 'SET_FIELD', 'field': 'metadata', "
     "'value': 1}]}",
     "actions[0].field: metadata is not a header field"},
    {B_FLOW,
     "{'actions': [{'type': 'SET_FIELD', 'field': 'eth_dst', "
     "'value': 'zz'}]}",
     "actions[0].value: \"zz\" is not a MAC address"},
    {B_FLOW,
     "{'actions': [{'type': 'SET_FIELD', 'field': 'eth_dst', "
     "'value': '00:00:00:00:00:01/ff:ff:ff:ff:ff:ff'}]}",
     "actions[0].value: \"00:00:00:00:00:01/ff:ff:ff:ff:ff:ff\": a mask is "
     "not allowed here"},
    {B_FLOW,
     "{'actions': [{'type': 'SET_FIELD', 'field': 'eth_dst', "
     "'value': '00:00:00:00:00:01', 'mask': 'ff:ff:ff:ff:ff:ff'}]}",
     "actions[0].mask: OpenFlow 1.3 set-field takes no mask"},
    {B_FLOW,
     "{'actions': [{'type': 'SET_FIELD', 'field': 'vlan_vid', "
     "'value': 8192}]}",
     "actions[0].value: 8192 is out of range (0..8191)"},
    {B_FLOW, "{'actions': [{'type': 'EXPERIMENTER'}]}",
     "actions[0].experimenter: missing"},
    {B_FLOW,
     "{'actions': [{'type': 'EXPERIMENTER', 'experimenter': 1, "
     "'data': 'a=b=', 'data_type': 'base64'}]}",
     "actions[0].data: \"a=b=\" is not base64"},
    {B_FLOW,
     "{'actions': [{'type': 'EXPERIMENTER', 'experimenter': 1, "
     "'data': 'AA==', 'data_type': 'hex'}]}",
     "actions[0].data_type: \"hex\" is not \"ascii\" or \"base64\""},
    {B_FLOW,
     "{'actions': [{'type': 'EXPERIMENTER', 'experimenter': 1, "
     "'data': 5}]}",
     "actions[0].data: 5 is not a string"},
    {B_FLOW, "{'actions': [{'type': 'GOTO_TABLE'}]}",
     "actions[0].table_id: missing"},
    {B_FLOW,
     "{'actions': [{'type': 'GOTO_TABLE', 'table_id': 1}, "
     "{'type': 'GOTO_TABLE', 'table_id': 2}]}",
     "actions[1]: a second GOTO_TABLE instruction"},
    {B_FLOW, "{'actions': [{'type': 'WRITE_METADATA'}]}",
     "actions[0].metadata: missing"},
    {B_FLOW,
     "{'actions': [{'type': 'WRITE_METADATA', 'metadata': 1, "
     "'metadata_mask': '0x1ffffffffffffffff'}]}",
     "actions[0].metadata_mask: \"0x1ffffffffffffffff\" is out of range"},
    {B_FLOW, "{'actions': [{'type': 'METER', 'meter_id': 'FOO'}]}",
     "actions[0].meter_id: unknown meter name \"FOO\""},
    {B_FLOW, "{'actions': [{'type': 'WRITE_ACTIONS'}]}",
     "actions[0].actions: missing"},
    {B_FLOW, "{'actions': [{'type': 'WRITE_ACTIONS', 'actions': 5}]}",
     "actions[0].actions: 5 is not a list"},
    {B_FLOW,
     "{'actions': [{'type': 'WRITE_ACTIONS', 'actions': "
     "[{'type': 'WRITE_ACTIONS', 'actions': []}]}]}",
     "actions[0].actions[0].type: WRITE_ACTIONS is an instruction, not an "
     "action"},
    {B_FLOW,
     "{'actions': [{'type': 'WRITE_ACTIONS', 'actions': "
     "[{'type': 'OUTPUT', 'port': 1}, {'type': 'OUTPUT', "
     "'port': -2}]}]}",
     "actions[0].actions[1].port: -2 is negative"},
    {B_FLOW,
     "{'actions': [{'type': 'CLEAR_ACTIONS', 'actions': "
     "[{'type': 'POP_VLAN'}]}]}",
     "actions[0].actions: CLEAR_ACTIONS takes no actions"},
    {B_FLOW,
     "{'actions': [{'type': 'POP_VLAN'}, {'type': 'APPLY_ACTIONS', "
     "'actions': []}]}",
     "actions[1]: APPLY_ACTIONS given both as a dict and as plain actions "
     "(actions[0])"},
    /* Groups. */
    {B_GROUP, "{'type': 'FOO'}", "type: unknown group type \"FOO\""},
    {B_GROUP, "{'type': 256}", "type: 256 is out of range (0..255)"},
    {B_GROUP, "{'group_id': 'NONE'}", "group_id: unknown group name \"NONE\""},
    {B_GROUP, "{'buckets': {}}", "buckets: an object is not a list"},
    {B_GROUP, "{'buckets': [[]]}", "buckets[0]: an array is not an object"},
    {B_GROUP, "{'buckets': [{}, {'weight': 70000}]}",
     "buckets[1].weight: 70000 is out of range (0..65535)"},
    {B_GROUP, "{'buckets': [{'watch_port': 'NOPE'}]}",
     "buckets[0].watch_port: unknown port name \"NOPE\""},
    {B_GROUP,
     "{'buckets': [{'actions': [{'type': 'GOTO_TABLE', "
     "'table_id': 1}]}]}",
     "buckets[0].actions[0].type: GOTO_TABLE is an instruction, not an "
     "action"},
    {B_GROUP,
     "{'buckets': [{'actions': [{'type': 'OUTPUT', 'port': "
     "'x'}]}]}",
     "buckets[0].actions[0].port: unknown port name \"x\""},
    /* Meters. */
    {B_METER, "{'flags': ['KBPS', 'FOO']}",
     "flags[1]: unknown meter flag \"FOO\""},
    {B_METER, "{'flags': 65536}", "flags: 65536 is out of range (0..65535)"},
    {B_METER, "{'flags': {}}", "flags: an object is not an integer"},
    {B_METER, "{'meter_id': -3}", "meter_id: -3 is negative"},
    {B_METER, "{'bands': 'DROP'}", "bands: \"DROP\" is not a list"},
    {B_METER, "{'bands': [{'rate': 1}]}", "bands[0].type: missing"},
    {B_METER, "{'bands': [{'type': 'DROP'}, {'type': 'FOO'}]}",
     "bands[1].type: unknown band type \"FOO\""},
    {B_METER, "{'bands': [{'type': 'DROP', 'rate': -5}]}",
     "bands[0].rate: -5 is negative"},
    {B_METER, "{'bands': [{'type': 'DROP', 'burst_size': 4294967296}]}",
     "bands[0].burst_size: 4294967296 is out of range (0..4294967295)"},
    {B_METER, "{'bands': [{'type': 'DSCP_REMARK', 'prec_level': 256}]}",
     "bands[0].prec_level: 256 is out of range (0..255)"},
    {B_METER,
     "{'bands': [{'type': 'EXPERIMENTER', 'data': '!!!!', "
     "'data_type': 'base64'}]}",
     "bands[0].data: \"!!!!\" is not base64"},
    /* Ports. */
    {B_PORT, "{'advertise': 0}", "hw_addr: missing"},
    {B_PORT, "{'hw_addr': '00:11:00:00:11:11'}", "advertise: missing"},
    {B_PORT, "{'hw_addr': 'zz', 'advertise': 0}",
     "hw_addr: \"zz\" is not a MAC address"},
    {B_PORT,
     "{'hw_addr': '00:11:00:00:11:11', 'advertise': 0, "
     "'port_no': 'NOPE'}",
     "port_no: unknown port name \"NOPE\""},
    {B_PORT,
     "{'hw_addr': '00:11:00:00:11:11', 'advertise': 0, "
     "'config': -1}",
     "config: -1 is negative"},
    /* Flow stats filters. */
    {B_STATS, "{'priority': 70000}",
     "priority: 70000 is out of range (0..65535)"},
    {B_STATS, "{'table_id': 'NONE'}", "table_id: unknown table name \"NONE\""},
    {B_STATS, "{'match': {'nw_src': 1}}",
     "match.nw_src: 1 is not an IPv4 address"},
};

START_TEST(malformed_bodies_fail_naming_the_field)
{
    json_t *in = LOAD(bad_bodies[_i].body);
    struct ofp_msg msg;
    char err[256] = "";
    int rc = -1;

    switch (bad_bodies[_i].kind) {
    case B_FLOW:
        rc = ofp_json_parse_flow_mod(in, OFPFC_ADD, &msg, &arena, err,
                                     sizeof err);
        break;
    case B_GROUP:
        rc = ofp_json_parse_group_mod(in, OFPGC_ADD, &msg, &arena, err,
                                      sizeof err);
        break;
    case B_METER:
        rc = ofp_json_parse_meter_mod(in, OFPMC_ADD, &msg, &arena, err,
                                      sizeof err);
        break;
    case B_PORT:
        rc = ofp_json_parse_port_mod(in, &msg, err, sizeof err);
        break;
    case B_STATS:
        rc = ofp_json_parse_flow_stats_request(in, false, &msg, NULL, &arena,
                                               err, sizeof err);
        break;
    }
    ck_assert_msg(rc == EINVAL, "%s: returned %d, not EINVAL",
                  bad_bodies[_i].body, rc);
    const char *want = bad_bodies[_i].err;
    ck_assert_msg(!strncmp(err, want, strlen(want)),
                  "%s:\n  expected \"%s\"\n  got      \"%s\"",
                  bad_bodies[_i].body, want, err);
    json_decref(in);
}
END_TEST

START_TEST(long_lists_are_refused_by_count_and_by_message_size)
{
    struct ofp_msg msg;
    char err[256];

    /* One entry past the count limit. */
    json_t *acts = json_array();
    for (int i = 0; i <= OFP_JSON_PARSE_MAX_LIST; i++) {
        json_array_append_new(acts, json_pack("{s:s}", "type", "POP_VLAN"));
    }
    json_t *body = json_pack("{s:o}", "actions", acts);
    ck_assert_int_eq(ofp_json_parse_flow_mod(body, OFPFC_ADD, &msg, &arena,
                                             err, sizeof err),
                     EINVAL);
    ck_assert_str_eq(err, "actions: 8193 entries, at most 8192 are accepted");
    json_decref(body);

    /* Within the count, beyond 65535 bytes: 5000 outputs of 16 bytes. */
    acts = json_array();
    for (int i = 0; i < 5000; i++) {
        json_array_append_new(
            acts, json_pack("{s:s,s:i}", "type", "OUTPUT", "port", i + 1));
    }
    body = json_pack("{s:O}", "actions", acts);
    ck_assert_int_eq(ofp_json_parse_flow_mod(body, OFPFC_ADD, &msg, &arena,
                                             err, sizeof err),
                     EINVAL);
    ck_assert_str_eq(err, "actions: the message would be 80064 bytes, over "
                          "65535");
    json_decref(body);

    struct ofp_action_list list;
    ck_assert_int_eq(
        ofp_json_parse_actions(acts, &list, &arena, err, sizeof err), EINVAL);
    ck_assert_str_eq(err, "actions: 80000 bytes of actions do not fit a "
                          "message");

    /* The same in group buckets. */
    json_t *buckets = json_array();
    for (int i = 0; i < 5; i++) {
        json_array_append_new(buckets, json_pack("{s:O}", "actions", acts));
    }
    body = json_pack("{s:o}", "buckets", buckets);
    ck_assert_int_eq(ofp_json_parse_group_mod(body, OFPGC_ADD, &msg, &arena,
                                              err, sizeof err),
                     EINVAL);
    ck_assert_str_eq(err, "buckets[0]: the message would be over 65535 bytes");
    json_decref(body);
    json_decref(acts);

    /* A long experimenter body. */
    char *big = malloc(70000);
    ck_assert_ptr_nonnull(big);
    memset(big, 'a', 69999);
    big[69999] = '\0';
    body = json_pack("{s:[{s:s,s:i,s:s}]}", "actions", "type", "EXPERIMENTER",
                     "experimenter", 1, "data", big);
    ck_assert_int_eq(ofp_json_parse_flow_mod(body, OFPFC_ADD, &msg, &arena,
                                             err, sizeof err),
                     EINVAL);
    ck_assert_str_eq(err, "actions[0].data: 69999 bytes, at most 65535 fit");
    json_decref(body);
    free(big);
}
END_TEST

START_TEST(error_buffer_may_be_small_or_absent)
{
    json_t *in = LOAD("{'match': {'eth_dst': 'zz:00'}}");
    struct ofp_msg msg;
    char small[8];

    ck_assert_int_eq(
        ofp_json_parse_flow_mod(in, OFPFC_ADD, &msg, &arena, NULL, 0), EINVAL);
    memset(small, 'x', sizeof small);
    ck_assert_int_eq(ofp_json_parse_flow_mod(in, OFPFC_ADD, &msg, &arena,
                                             small, sizeof small),
                     EINVAL);
    ck_assert_str_eq(small, "match.e");
    json_decref(in);

    /* A path too deep to write whole still gives a message. */
    char err[256];
    in = LOAD("{'actions': [{'type': 'WRITE_ACTIONS', 'actions': ["
              "{'type': 'SET_FIELD', 'field': 'eth_dst', 'value': 'q'}]}]}");
    ck_assert_int_eq(
        ofp_json_parse_flow_mod(in, OFPFC_ADD, &msg, &arena, err, sizeof err),
        EINVAL);
    ck_assert_str_eq(err, "actions[0].actions[0].value: \"q\" is not a MAC "
                          "address");
    json_decref(in);
}
END_TEST

static Suite *
ofp_json_parse_suite(void)
{
    Suite *s = suite_create("ofp-json-parse");
    TCase *tc;

    tc = tcase_create("corpus");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, corpus_mod_inputs_encode_to_ryus_bytes, 0,
                        sizeof corpus_files / sizeof corpus_files[0]);
    suite_add_tcase(s, tc);

    tc = tcase_create("match");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, every_match_field_round_trips, 0,
                        sizeof match_round_trips /
                            sizeof match_round_trips[0]);
    tcase_add_loop_test(tc, ryu_match_inputs_are_read_as_to_match, 0,
                        sizeof match_inputs / sizeof match_inputs[0]);
    tcase_add_test(tc, match_is_ordered_as_ryus_ofpmatch);
    suite_add_tcase(s, tc);

    tc = tcase_create("actions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, every_action_type_round_trips, 0,
                        sizeof action_round_trips /
                            sizeof action_round_trips[0]);
    tcase_add_loop_test(tc, ryu_action_inputs_are_read_as_to_action, 0,
                        sizeof action_inputs / sizeof action_inputs[0]);
    tcase_add_test(tc, instructions_round_trip_in_ryus_flattened_form);
    tcase_add_test(tc, action_lists_for_buckets_refuse_instructions);
    suite_add_tcase(s, tc);

    tc = tcase_create("messages");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, flow_mod_defaults_are_ryus);
    tcase_add_test(tc, flow_mod_round_trips_through_its_json_form);
    tcase_add_test(tc, group_mod_round_trips_through_its_json_form);
    tcase_add_test(tc, meter_mod_round_trips_through_its_json_form);
    tcase_add_test(tc, port_mod_round_trips_through_its_json_form);
    tcase_add_test(tc, flow_stats_request_filters);
    tcase_add_test(tc, dpid_is_read_as_ofctl_rest);
    suite_add_tcase(s, tc);

    tc = tcase_create("malformed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, malformed_bodies_fail_naming_the_field, 0,
                        sizeof bad_bodies / sizeof bad_bodies[0]);
    tcase_add_test(tc, long_lists_are_refused_by_count_and_by_message_size);
    tcase_add_test(tc, error_buffer_may_be_small_or_absent);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    return test_run_suite(ofp_json_parse_suite());
}
