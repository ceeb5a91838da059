/* test-corpus: the codec against bytes that other projects wrote.
 *
 * Reads ../shared/corpus (or $SLUICE_CORPUS) and proves three things.
 *
 *  1. Every OpenFlow 1.3 message there decodes and re-encodes byte for
 *     byte: Ryu/os-ken packet_data and pcap payloads, Kytos python-openflow
 *     dumps, LoxiGen test data (whole messages).  The one pcap payload with
 *     a foreign version decodes to the error a switch would send.
 *  2. Every LoxiGen fragment (an action, instruction, OXM, match, HELLO
 *     element, action id or instruction id on its own) round-trips through
 *     the sub-codec for it and decodes to the values LoxiGen's annotated
 *     dump gives.
 *  3. Semantics: for the Ryu messages, every value os-ken wrote in the JSON
 *     beside the packet (its to_jsondict() form) equals what we decoded.
 *     The walk compares our C structs directly, not our JSON form, so it
 *     does not depend on ofp-json.  A mapping from os-ken class names
 *     (OFPFlowMod, OXMTlv, OFPActionOutput, ...) to our structs consumes
 *     every key of every os-ken object: a key the mapping does not compare
 *     fails the test, except inside Nicira/ONF extension bodies that we
 *     carry as opaque bytes (those keys are counted and reported).
 *
 * Counts go to stderr as TAP diagnostics ('#').  Without the corpus the
 * program prints a TAP skip and exits 0.
 */
#include <config.h>

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-errors.h"
#include "ofproto/ofp-match.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-multipart.h"
#include "ofproto/ofp-types.h"
#include "ofproto/openflow13.h"
#include "test/test-json.h"
#include "test/test-util.h"

#define NX_EXPERIMENTER_ID 0x00002320u
#define ONF_EXPERIMENTER_ID 0x4f4e4600u

static struct ofp_arena arena;
static struct ofp_wbuf out;     /* a re-encoded message or fragment */
static struct ofp_wbuf scratch; /* encodings made to measure lengths */
static const char *corpus;

static void
setup(void)
{
    ofp_arena_init(&arena);
    ofp_wbuf_init(&out);
    ofp_wbuf_init(&scratch);
    corpus = test_corpus_dir();
    ck_assert_msg(corpus != NULL, "corpus vanished while testing");
}

static void
teardown(void)
{
    ofp_wbuf_uninit(&scratch);
    ofp_wbuf_uninit(&out);
    ofp_arena_uninit(&arena);
}

static void
corpus_path(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", corpus, rel);
}

/* Returns the first offset where 'a' and 'b' differ (the shorter length if
 * one is a prefix of the other), or SIZE_MAX if they are equal. */
static size_t
first_diff(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    size_t n = a_len < b_len ? a_len : b_len;
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return i;
        }
    }
    return a_len == b_len ? SIZE_MAX : n;
}

/* Compares 'got' (our encoding) with 'want' (the corpus bytes) and, if they
 * differ, writes the first differing offset into 'why'.  'base' is added to
 * offsets (the position of the message in its file). */
static bool
same_bytes(const uint8_t *want, size_t want_len, const uint8_t *got,
           size_t got_len, size_t base, char *why, size_t size)
{
    size_t i = first_diff(want, want_len, got, got_len);
    if (i == SIZE_MAX) {
        return true;
    }
    if (i < want_len && i < got_len) {
        snprintf(why, size,
                 "first differing byte at offset %zu: expected 0x%02x, "
                 "got 0x%02x",
                 base + i, want[i], got[i]);
    } else {
        snprintf(why, size,
                 "first differing byte at offset %zu: expected %zu bytes, "
                 "got %zu",
                 base + i, want_len, got_len);
    }
    return false;
}

/* Frames the message at 'ofs' of 'data'; returns its length or 0 if the
 * header is short or claims more bytes than remain. */
static size_t
frame(const uint8_t *data, size_t len, size_t ofs)
{
    struct ofp_header h;
    size_t left = len - ofs;
    if (left < OFP_HEADER_LEN || ofp_header_decode(data + ofs, left, &h) ||
        h.length > left) {
        return 0;
    }
    return h.length;
}

/* Decodes every message of the 'len' bytes at 'data' (messages back to
 * back), encodes each again and compares.  Returns true, or false with the
 * reason in 'why'.  '*n_msgs' counts the messages that came back. */
static bool
roundtrip_bytes(const uint8_t *data, size_t len, size_t *n_msgs, char *why,
                size_t size)
{
    *n_msgs = 0;
    for (size_t ofs = 0, msg_len; ofs < len; ofs += msg_len) {
        struct ofp_msg msg;

        msg_len = frame(data, len, ofs);
        if (!msg_len) {
            snprintf(why, size, "offset %zu: bad framing", ofs);
            return false;
        }
        ofp_arena_reset(&arena);
        enum ofperr error = ofp_msg_decode(data + ofs, msg_len, &msg, &arena);
        if (error) {
            snprintf(why, size, "offset %zu: decode failed: %s", ofs,
                     ofperr_name(error));
            return false;
        }
        ofp_wbuf_clear(&out);
        error = ofp_msg_encode(&out, &msg);
        if (error) {
            snprintf(why, size, "offset %zu: encode failed: %s", ofs,
                     ofperr_name(error));
            return false;
        }
        if (!same_bytes(data + ofs, msg_len, out.data, out.len, ofs, why,
                        size)) {
            return false;
        }
        (*n_msgs)++;
    }
    return true;
}

/* ---- 1. whole messages ---- */

/* The tally of one corpus set. */
struct rt_set {
    const char *label;     /* "ryu", "kytos", ... */
    const char *fragments; /* if nonnull, files not starting with 0x04
                            * are fragments tested elsewhere: say this
                            * once instead of per file */
    size_t n_visited;      /* files seen */
    size_t n_ok;           /* files that round-tripped */
    size_t n_msgs;         /* messages in them */
    size_t n_failed;
    size_t n_empty;       /* skipped: empty marker files */
    size_t n_not_of13;    /* skipped: first byte is not 0x04 */
    size_t n_bad_version; /* foreign version, right error */
    char first_failure[600];
};

static void
rt_fail(struct rt_set *set, const char *name, const char *why)
{
    fprintf(stderr, "# FAIL %s %s: %s\n", set->label, name, why);
    if (!set->n_failed++) {
        snprintf(set->first_failure, sizeof set->first_failure, "%s: %s", name,
                 why);
    }
}

static void
rt_visit(const char *path, const char *name, void *set_)
{
    struct rt_set *set = set_;
    char why[400];
    size_t len, n_msgs;
    uint8_t *data = test_read_file(path, &len);

    set->n_visited++;
    if (!data) {
        rt_fail(set, name, "cannot read the file");
    } else if (!len) {
        set->n_empty++;
        fprintf(stderr, "# %s: %s is an empty marker file, skipped\n",
                set->label, name);
    } else if (data[0] != OFP13_VERSION) {
        set->n_not_of13++;
        if (!set->fragments) {
            fprintf(stderr,
                    "# %s: %s starts with 0x%02x, not OpenFlow "
                    "1.3: skipped\n",
                    set->label, name, data[0]);
        }
    } else if (roundtrip_bytes(data, len, &n_msgs, why, sizeof why)) {
        set->n_ok++;
        set->n_msgs += n_msgs;
    } else {
        rt_fail(set, name, why);
    }
    free(data);
}

/* Round-trips every file of corpus folder 'dir' ending in 'suffix' and
 * asserts that none failed and that 'n_expected' files came back. */
static void
rt_run(struct rt_set *set, const char *dir, const char *suffix,
       size_t n_expected)
{
    char path[4096];
    corpus_path(path, sizeof path, dir);
    test_for_each_file(path, suffix, rt_visit, set);
    fprintf(stderr,
            "# %s: %zu files round-tripped (%zu messages); skipped %zu "
            "empty marker(s) and %zu file(s) %s; %zu failed\n",
            set->label, set->n_ok, set->n_msgs, set->n_empty, set->n_not_of13,
            set->fragments ? set->fragments : "not OpenFlow 1.3",
            set->n_failed);
    ck_assert_msg(set->n_failed == 0, "%s: %zu of %zu files failed; first: %s",
                  set->label, set->n_failed, set->n_visited,
                  set->first_failure);
    ck_assert_msg(set->n_ok == n_expected,
                  "%s: %zu files round-tripped, the corpus has %zu",
                  set->label, set->n_ok, n_expected);
}

START_TEST(test_ryu_packets_roundtrip)
{
    struct rt_set set = {.label = "ryu"};
    rt_run(&set, "ryu-of13/packet_data", "", 104);
    /* The only file skipped is the truncated64 marker. */
    ck_assert_uint_eq(set.n_empty, 1);
    ck_assert_uint_eq(set.n_not_of13, 0);
    ck_assert_uint_eq(set.n_msgs, 104);
}
END_TEST

START_TEST(test_ryu_truncated64_marker_is_bad_len)
{
    /* The empty marker stands for "the first 64 bytes of
     * libofproto-OFP13-flow_mod.packet", which os-ken reads as a truncated
     * message: we must refuse it with BAD_LEN. */
    char path[4096];
    size_t len, marker_len;
    struct ofp_msg msg;

    corpus_path(path, sizeof path,
                "ryu-of13/packet_data/libofproto-OFP13-flow_mod.truncated64");
    uint8_t *marker = test_read_file(path, &marker_len);
    ck_assert_ptr_nonnull(marker);
    ck_assert_uint_eq(marker_len, 0);
    free(marker);

    corpus_path(path, sizeof path,
                "ryu-of13/packet_data/libofproto-OFP13-flow_mod.packet");
    uint8_t *data = test_read_file(path, &len);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_gt(len, 64);
    ck_assert_int_eq(ofp_msg_decode(data, 64, &msg, &arena),
                     OFPERR_OFPBRC_BAD_LEN);
    free(data);
}
END_TEST

START_TEST(test_kytos_dumps_roundtrip)
{
    struct rt_set set = {.label = "kytos"};
    rt_run(&set, "kytos-pyof-v0x04", ".dat", 22);
    ck_assert_uint_eq(set.n_not_of13, 0);
}
END_TEST

START_TEST(test_loxigen_messages_roundtrip)
{
    /* Files not starting with 0x04 are the fragments, tested below. */
    struct rt_set set = {
        .label = "loxigen",
        .fragments = "that are fragments (tested through sub-codecs)",
    };
    rt_run(&set, "loxigen-of13/bin", ".bin", 45);
    ck_assert_uint_eq(set.n_not_of13, 21);
}
END_TEST

static void
pcap_visit(const char *path, const char *name, void *set_)
{
    struct rt_set *set = set_;
    char why[400];
    size_t len, n_msgs;
    uint8_t *data = test_read_file(path, &len);

    set->n_visited++;
    if (!data || len < OFP_HEADER_LEN) {
        rt_fail(set, name, "cannot read the file, or shorter than a header");
    } else if (data[0] != OFP13_VERSION) {
        /* A foreign version: BAD_VERSION, except for a HELLO, which must
         * decode (version negotiation reads it). */
        struct ofp_msg msg;
        size_t msg_len = frame(data, len, 0);
        enum ofperr want =
            (data[1] == OFPT_HELLO ? 0 : OFPERR_OFPBRC_BAD_VERSION);
        enum ofperr got =
            (msg_len ? ofp_msg_decode(data, msg_len, &msg, &arena)
                     : OFPERR_OFPBRC_BAD_LEN);
        if (got == want) {
            set->n_bad_version++;
            fprintf(stderr,
                    "# pcap: %s (version 0x%02x, type %u) decodes "
                    "to %s as it must\n",
                    name, data[0], data[1], ofperr_name(got));
        } else {
            snprintf(why, sizeof why, "version 0x%02x: expected %s, got %s",
                     data[0], ofperr_name(want), ofperr_name(got));
            rt_fail(set, name, why);
        }
    } else if (roundtrip_bytes(data, len, &n_msgs, why, sizeof why)) {
        set->n_ok++;
        set->n_msgs += n_msgs;
    } else {
        rt_fail(set, name, why);
    }
    free(data);
}

START_TEST(test_ryu_pcap_payloads)
{
    struct rt_set set = {.label = "pcap"};
    char path[4096];

    corpus_path(path, sizeof path, "ryu-of13/pcap");
    test_for_each_file(path, ".payload.bin", pcap_visit, &set);
    fprintf(stderr,
            "# pcap: %zu payloads round-tripped (%zu messages), "
            "%zu with a foreign version refused\n",
            set.n_ok, set.n_msgs, set.n_bad_version);
    ck_assert_msg(set.n_failed == 0, "pcap: %s", set.first_failure);
    ck_assert_uint_eq(set.n_ok, 2);
    /* openflow_invalid_version: a FLOW_MOD with version 0xff. */
    ck_assert_uint_eq(set.n_bad_version, 1);
}
END_TEST

/* ---- 2. LoxiGen fragments ---- */

enum frag_kind {
    FRAG_ACTION,
    FRAG_ACTION_ID,
    FRAG_INSTRUCTION,
    FRAG_INSTRUCTION_ID,
    FRAG_OXM,
    FRAG_MATCH,
    FRAG_HELLO_ELEM,
    FRAG_BSN_TLV, /* not an OpenFlow structure: skipped */
    FRAG_NONE,
};

/* Longest prefix first where one prefix extends another. */
static const struct {
    const char *prefix;
    enum frag_kind kind;
} frag_prefixes[] = {
    {"action_id_", FRAG_ACTION_ID},
    {"action_", FRAG_ACTION},
    {"instruction_id_", FRAG_INSTRUCTION_ID},
    {"instruction_", FRAG_INSTRUCTION},
    {"oxm_", FRAG_OXM},
    {"match_v3", FRAG_MATCH},
    {"hello_elem_", FRAG_HELLO_ELEM},
    {"bsn_tlv_", FRAG_BSN_TLV},
};

static enum frag_kind
frag_kind_of(const char *name)
{
    for (size_t i = 0; i < sizeof frag_prefixes / sizeof *frag_prefixes; i++) {
        const char *p = frag_prefixes[i].prefix;
        if (!strncmp(name, p, strlen(p))) {
            return frag_prefixes[i].kind;
        }
    }
    return FRAG_NONE;
}

/* One decoded fragment. */
union frag_value {
    struct ofp_action action;
    struct ofp_instruction instruction;
    struct ofp_instruction_id id;
    struct ofp_oxm oxm;
    struct ofp_match match;
    struct ofp_hello_elem hello_elem;
};

/* Decodes the 'len' bytes at 'data' as one structure of 'kind' into 'v',
 * checks that the decoder used every byte, encodes it again and compares.
 * Returns true, or false with the reason in 'why'. */
static bool
frag_roundtrip(enum frag_kind kind, const uint8_t *data, size_t len,
               union frag_value *v, char *why, size_t size)
{
    struct ofp_rd rd;
    enum ofperr error = 0;

    memset(v, 0, sizeof *v);
    ofp_rd_init(&rd, data, len);
    ofp_arena_reset(&arena);
    ofp_wbuf_clear(&out);
    switch (kind) {
    case FRAG_ACTION:
        error = ofp_action_decode(&rd, &v->action);
        if (!error) {
            ofp_action_encode(&out, &v->action);
        }
        break;
    case FRAG_ACTION_ID:
    case FRAG_INSTRUCTION_ID:
        error = ofp_instruction_id_decode(&rd, &v->id);
        if (!error) {
            ofp_instruction_id_encode(&out, &v->id);
        }
        break;
    case FRAG_INSTRUCTION:
        error = ofp_instruction_decode(&rd, &v->instruction, &arena);
        if (!error) {
            ofp_instruction_encode(&out, &v->instruction);
        }
        break;
    case FRAG_OXM:
        error = ofp_oxm_decode(&rd, &v->oxm);
        if (!error) {
            ofp_oxm_encode(&out, &v->oxm);
        }
        break;
    case FRAG_MATCH:
        error = ofp_match_decode(&rd, &v->match, &arena);
        if (!error) {
            ofp_match_encode(&out, &v->match);
        }
        break;
    case FRAG_HELLO_ELEM:
        error = ofp_hello_elem_decode(&rd, &v->hello_elem, &arena);
        if (!error) {
            ofp_hello_elem_encode(&out, &v->hello_elem);
        }
        break;
    case FRAG_BSN_TLV:
    case FRAG_NONE:
    default:
        snprintf(why, size, "no sub-codec for this fragment");
        return false;
    }
    if (error) {
        snprintf(why, size, "decode failed: %s", ofperr_name(error));
        return false;
    }
    if (!rd.ok || rd.left) {
        snprintf(why, size, "the decoder left %zu of %zu bytes unread",
                 rd.left, len);
        return false;
    }
    return same_bytes(data, len, out.data, out.len, 0, why, size);
}

static const uint8_t bytes_0_to_15[16] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

static void
check_known_oxm(const struct ofp_oxm *x, uint8_t field, bool has_mask)
{
    ck_assert_msg(ofp_oxm_is_known(x), "OXM field %u is opaque", field);
    ck_assert_uint_eq(x->cls, OFPXMC_OPENFLOW_BASIC);
    ck_assert_uint_eq(x->field, field);
    ck_assert_int_eq(x->has_mask, has_mask);
}

static void
check_bsn_oxm(const struct ofp_oxm *x, uint8_t field, bool has_mask,
              uint8_t length)
{
    /* Big Switch's OXMs use class 0x0003, which we carry opaque. */
    ck_assert_uint_eq(x->cls, 0x0003);
    ck_assert_uint_eq(x->field, field);
    ck_assert_int_eq(x->has_mask, has_mask);
    ck_assert_uint_eq(x->length, length);
    ck_assert_ptr_nonnull(x->payload);
}

/* Checks the values LoxiGen's annotated dump (data/<name>.data) gives for
 * fragment 'name'.  Returns false for a name with no expectations here. */
static bool
frag_check_values(const char *name, const union frag_value *v)
{
    static const uint8_t x12345678[4] = {0x12, 0x34, 0x56, 0x78};

    if (!strcmp(name, "action_output.bin")) {
        ck_assert_uint_eq(v->action.type, OFPAT_OUTPUT);
        ck_assert_uint_eq(v->action.output.port, 0x32);
        ck_assert_uint_eq(v->action.output.max_len, 0xffff);
    } else if (!strcmp(name, "action_set_field__bsn_lag_id.bin")) {
        ck_assert_uint_eq(v->action.type, OFPAT_SET_FIELD);
        check_bsn_oxm(&v->action.set_field, 1, false, 4);
        ck_assert_mem_eq(v->action.set_field.payload, x12345678, 4);
    } else if (!strcmp(name, "action_set_field__eth_dst.bin")) {
        ck_assert_uint_eq(v->action.type, OFPAT_SET_FIELD);
        check_known_oxm(&v->action.set_field, OFPXMT_OFB_ETH_DST, false);
        ck_assert_mem_eq(v->action.set_field.value.mac, bytes_0_to_15, 6);
    } else if (!strcmp(name, "action_set_field__ipv6_src.bin")) {
        ck_assert_uint_eq(v->action.type, OFPAT_SET_FIELD);
        check_known_oxm(&v->action.set_field, OFPXMT_OFB_IPV6_SRC, false);
        ck_assert_mem_eq(v->action.set_field.value.ipv6, bytes_0_to_15, 16);
    } else if (!strcmp(name, "action_set_field__tcp_src.bin")) {
        ck_assert_uint_eq(v->action.type, OFPAT_SET_FIELD);
        check_known_oxm(&v->action.set_field, OFPXMT_OFB_TCP_SRC, false);
        ck_assert_uint_eq(v->action.set_field.value.u16, 0x32);
    } else if (!strcmp(name, "action_id_output.bin")) {
        ck_assert_uint_eq(v->id.type, OFPAT_OUTPUT);
        ck_assert_uint_eq(v->id.len, 0);
    } else if (!strcmp(name, "instruction_id_goto_table.bin")) {
        ck_assert_uint_eq(v->id.type, OFPIT_GOTO_TABLE);
        ck_assert_uint_eq(v->id.len, 0);
    } else if (!strcmp(name, "instruction_goto_table.bin")) {
        ck_assert_uint_eq(v->instruction.type, OFPIT_GOTO_TABLE);
        ck_assert_uint_eq(v->instruction.table_id, 5);
    } else if (!strcmp(name, "instruction_bsn_disable_src_mac_check.bin")) {
        static const uint8_t zeros[8];
        ck_assert_uint_eq(v->instruction.type, OFPIT_EXPERIMENTER);
        ck_assert_uint_eq(v->instruction.experimenter.experimenter,
                          0x005c16c7);
        ck_assert_uint_eq(v->instruction.experimenter.len, 8);
        ck_assert_mem_eq(v->instruction.experimenter.data, zeros, 8);
    } else if (!strcmp(name, "oxm_bsn_global_vrf_allowed.bin")) {
        check_bsn_oxm(&v->oxm, 3, false, 1);
        ck_assert_uint_eq(v->oxm.payload[0], 1);
    } else if (!strcmp(name, "oxm_bsn_in_ports_masked_128.bin")) {
        static const uint8_t mask[4] = {0xff, 0xff, 0xff, 0xfe};
        check_bsn_oxm(&v->oxm, 0, true, 32);
        ck_assert_mem_eq(v->oxm.payload + 16, mask, 4);
    } else if (!strcmp(name, "oxm_bsn_in_ports_masked_512.bin")) {
        static const uint8_t mask[4] = {0x7f, 0xff, 0xff, 0xff};
        check_bsn_oxm(&v->oxm, 19, true, 128);
        ck_assert_mem_eq(v->oxm.payload + 64, mask, 4);
    } else if (!strcmp(name, "oxm_bsn_l3_src_class_id.bin")) {
        check_bsn_oxm(&v->oxm, 5, false, 4);
        ck_assert_mem_eq(v->oxm.payload, x12345678, 4);
    } else if (!strcmp(name, "oxm_bsn_lag_id.bin")) {
        check_bsn_oxm(&v->oxm, 1, false, 4);
        ck_assert_mem_eq(v->oxm.payload, x12345678, 4);
    } else if (!strcmp(name, "oxm_in_phy_port.bin")) {
        check_known_oxm(&v->oxm, OFPXMT_OFB_IN_PHY_PORT, false);
        ck_assert_uint_eq(v->oxm.value.u32, 42);
    } else if (!strcmp(name, "oxm_in_phy_port_masked.bin")) {
        check_known_oxm(&v->oxm, OFPXMT_OFB_IN_PHY_PORT, true);
        ck_assert_uint_eq(v->oxm.value.u32, 42);
        ck_assert_uint_eq(v->oxm.mask.u32, 0xaabbccdd);
    } else if (!strcmp(name, "oxm_ipv6_dst.bin")) {
        check_known_oxm(&v->oxm, OFPXMT_OFB_IPV6_DST, false);
        ck_assert_mem_eq(v->oxm.value.ipv6, bytes_0_to_15, 16);
    } else if (!strcmp(name, "oxm_mpls_bos.bin")) {
        check_known_oxm(&v->oxm, OFPXMT_OFB_MPLS_BOS, false);
        ck_assert_uint_eq(v->oxm.value.u8, 1);
    } else if (!strcmp(name, "match_v3.bin")) {
        static const uint8_t eth_src[6] = {1, 2, 3, 4, 5, 6};
        uint8_t ipv6[16];
        const struct ofp_oxm *x = v->match.oxms;
        memset(ipv6, 0x12, sizeof ipv6);
        ck_assert_uint_eq(v->match.type, OFPMT_OXM);
        ck_assert_uint_eq(v->match.n_oxms, 4);
        check_known_oxm(&x[0], OFPXMT_OFB_METADATA, true);
        ck_assert_uint_eq(x[0].value.u64, UINT64_C(0xfedcba9812141210));
        ck_assert_uint_eq(x[0].mask.u64, UINT64_C(0xffffffff12345678));
        check_known_oxm(&x[1], OFPXMT_OFB_ETH_SRC, false);
        ck_assert_mem_eq(x[1].value.mac, eth_src, 6);
        check_known_oxm(&x[2], OFPXMT_OFB_UDP_DST, false);
        ck_assert_uint_eq(x[2].value.u16, 53);
        check_known_oxm(&x[3], OFPXMT_OFB_IPV6_DST, false);
        ck_assert_mem_eq(x[3].value.ipv6, ipv6, 16);
    } else if (!strcmp(name, "hello_elem_versionbitmap.bin")) {
        ck_assert_uint_eq(v->hello_elem.type, OFPHET_VERSIONBITMAP);
        ck_assert_uint_eq(v->hello_elem.n_bitmaps, 2);
        ck_assert_uint_eq(v->hello_elem.bitmaps[0], 0x01234567);
        ck_assert_uint_eq(v->hello_elem.bitmaps[1], 0x89abcdef);
    } else {
        return false;
    }
    return true;
}

/* The tally of one fragment kind. */
struct frag_run {
    enum frag_kind kind;
    const char *what; /* "action", for messages */
    size_t n_ok;
    size_t n_failed;
    char first_failure[600];
};

static void
frag_visit(const char *path, const char *name, void *run_)
{
    struct frag_run *run = run_;
    union frag_value v;
    char why[400];
    size_t len;

    if (frag_kind_of(name) != run->kind) {
        return;
    }
    uint8_t *data = test_read_file(path, &len);
    ck_assert_msg(data != NULL, "cannot read %s", path);
    if (frag_roundtrip(run->kind, data, len, &v, why, sizeof why)) {
        ck_assert_msg(frag_check_values(name, &v),
                      "%s: no expected values for this fragment", name);
        run->n_ok++;
    } else {
        fprintf(stderr, "# FAIL loxigen %s %s: %s\n", run->what, name, why);
        if (!run->n_failed++) {
            snprintf(run->first_failure, sizeof run->first_failure, "%s: %s",
                     name, why);
        }
    }
    free(data);
}

/* Round-trips every LoxiGen fragment of 'kind' through its sub-codec and
 * asserts that 'n_expected' did, with the annotated values. */
static void
frag_run(enum frag_kind kind, const char *what, size_t n_expected)
{
    struct frag_run run = {.kind = kind, .what = what};
    char path[4096];

    corpus_path(path, sizeof path, "loxigen-of13/bin");
    test_for_each_file(path, ".bin", frag_visit, &run);
    fprintf(stderr,
            "# loxigen: %zu %s fragment(s) round-tripped through "
            "the sub-codec, %zu failed\n",
            run.n_ok, what, run.n_failed);
    ck_assert_msg(run.n_failed == 0, "loxigen %s: %s", what,
                  run.first_failure);
    ck_assert_msg(run.n_ok == n_expected,
                  "loxigen: %zu %s fragments, the corpus has %zu", run.n_ok,
                  what, n_expected);
}

START_TEST(test_loxigen_action_fragments)
{
    frag_run(FRAG_ACTION, "action", 5);
}
END_TEST

START_TEST(test_loxigen_instruction_fragments)
{
    frag_run(FRAG_INSTRUCTION, "instruction", 2);
}
END_TEST

START_TEST(test_loxigen_oxm_fragments)
{
    frag_run(FRAG_OXM, "OXM", 9);
}
END_TEST

START_TEST(test_loxigen_match_fragment)
{
    frag_run(FRAG_MATCH, "match", 1);
}
END_TEST

START_TEST(test_loxigen_hello_elem_fragment)
{
    frag_run(FRAG_HELLO_ELEM, "HELLO element", 1);
}
END_TEST

START_TEST(test_loxigen_action_id_fragment)
{
    frag_run(FRAG_ACTION_ID, "action id", 1);
}
END_TEST

START_TEST(test_loxigen_instruction_id_fragment)
{
    frag_run(FRAG_INSTRUCTION_ID, "instruction id", 1);
}
END_TEST

static void
count_visit(const char *path, const char *name, void *counts_)
{
    size_t *counts = counts_;
    size_t len;
    uint8_t *data = test_read_file(path, &len);

    ck_assert_msg(data != NULL && len > 0, "cannot read %s", path);
    if (data[0] == OFP13_VERSION) {
        counts[FRAG_NONE + 1]++; /* a whole message */
    } else {
        enum frag_kind kind = frag_kind_of(name);
        ck_assert_msg(kind != FRAG_NONE,
                      "loxigen %s: a fragment of no known kind", name);
        counts[kind]++;
        if (kind == FRAG_BSN_TLV) {
            fprintf(stderr,
                    "# loxigen: %s skipped: a Big Switch TLV "
                    "(bsn_tlv_port), used only inside BSN experimenter "
                    "messages, not an OpenFlow 1.3 structure\n",
                    name);
        }
    }
    free(data);
}

START_TEST(test_loxigen_every_fragment_is_classified)
{
    size_t counts[FRAG_NONE + 2] = {0};
    char path[4096];

    corpus_path(path, sizeof path, "loxigen-of13/bin");
    size_t n = test_for_each_file(path, ".bin", count_visit, counts);
    size_t n_frag = n - counts[FRAG_NONE + 1];
    fprintf(stderr,
            "# loxigen: %zu files: %zu whole messages, %zu "
            "fragments (%zu action, %zu action id, %zu instruction, %zu "
            "instruction id, %zu OXM, %zu match, %zu HELLO element, %zu "
            "BSN TLV skipped)\n",
            n, counts[FRAG_NONE + 1], n_frag, counts[FRAG_ACTION],
            counts[FRAG_ACTION_ID], counts[FRAG_INSTRUCTION],
            counts[FRAG_INSTRUCTION_ID], counts[FRAG_OXM], counts[FRAG_MATCH],
            counts[FRAG_HELLO_ELEM], counts[FRAG_BSN_TLV]);
    ck_assert_uint_eq(n, 66);
    ck_assert_uint_eq(n_frag, 21);
    ck_assert_uint_eq(counts[FRAG_BSN_TLV], 1);
}
END_TEST

/* ---- 3. semantics against os-ken's JSON ---- */

/* os-ken writes 64-bit values as bare integers, some above INT64_MAX, which
 * jansson refuses.  Returns a copy of 'text' where every integer of 19
 * digits or more is a string; the comparison reads both forms. */
static char *
quote_big_integers(const char *text, size_t len)
{
    char *copy = malloc(2 * len + 3);
    size_t n = 0;
    bool in_string = false;

    if (!copy) {
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (in_string) {
            copy[n++] = ch;
            if (ch == '\\' && i + 1 < len) {
                copy[n++] = text[++i];
            } else if (ch == '"') {
                in_string = false;
            }
        } else if (ch == '"') {
            in_string = true;
            copy[n++] = ch;
        } else if (ch >= '0' && ch <= '9') {
            size_t end = i;
            while (end < len && text[end] >= '0' && text[end] <= '9') {
                end++;
            }
            bool big = end - i >= 19 &&
                       (end == len || (text[end] != '.' && text[end] != 'e' &&
                                       text[end] != 'E'));
            if (big) {
                copy[n++] = '"';
            }
            memcpy(copy + n, text + i, end - i);
            n += end - i;
            if (big) {
                copy[n++] = '"';
            }
            i = end - 1;
        } else {
            copy[n++] = ch;
        }
    }
    copy[n] = '\0';
    return copy;
}

static json_t *
load_ryu_json(const char *path)
{
    size_t len;
    uint8_t *text = test_read_file(path, &len);
    if (!text) {
        return NULL;
    }
    char *quoted = quote_big_integers((const char *) text, len);
    free(text);
    if (!quoted) {
        return NULL;
    }
    json_error_t error;
    json_t *root = json_loads(quoted, 0, &error);
    if (!root) {
        fprintf(stderr, "# %s:%d: %s\n", path, error.line, error.text);
    }
    free(quoted);
    return root;
}

/* Decodes base64 'text' into a malloc'd buffer (never NULL on success, even
 * when empty).  Returns NULL on a bad character. */
static uint8_t *
base64_decode(const char *text, size_t *len)
{
    size_t cap = strlen(text) / 4 * 3 + 3;
    uint8_t *buf = malloc(cap);
    long n = buf ? test_base64_decode(text, buf, cap) : -1;

    if (n < 0) {
        free(buf);
        return NULL;
    }
    *len = (size_t) n;
    return buf;
}

/* The state of one comparison between os-ken's JSON and our structs. */
struct cmp {
    char path[600];   /* where in the JSON we are */
    size_t n_checked; /* values compared */
    size_t n_opaque;  /* keys inside extension bodies we carry
                       * as bytes, not compared one by one */
    size_t n_failures;
    char why[1300]; /* the first failure */
};

static void cmp_fail(struct cmp *c, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void
cmp_fail(struct cmp *c, const char *format, ...)
{
    if (!c->n_failures++) {
        char msg[600];
        va_list args;
        va_start(args, format);
        vsnprintf(msg, sizeof msg, format, args);
        va_end(args);
        snprintf(c->why, sizeof c->why, "%s: %s", c->path, msg);
    }
}

/* Appends to the path; returns the old length for cmp_pop(). */
static size_t cmp_push(struct cmp *c, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static size_t
cmp_push(struct cmp *c, const char *format, ...)
{
    size_t old = strlen(c->path);
    va_list args;
    va_start(args, format);
    vsnprintf(c->path + old, sizeof c->path - old, format, args);
    va_end(args);
    return old;
}

static void
cmp_pop(struct cmp *c, size_t old)
{
    c->path[old] = '\0';
}

/* One os-ken object ({"ClassName": {...}}) being compared; remembers which
 * keys the mapping used so cobj_close() can find keys nobody compared. */
#define COBJ_MAX_KEYS 32
struct cobj {
    struct cmp *c;
    const char *cls;
    const json_t *body;
    const char *used[COBJ_MAX_KEYS];
    size_t n_used;
    bool rest_opaque; /* every key not used is opaque */
};

/* Opens os-ken object 'j' into 'o'.  If 'want' is nonnull the class must
 * be 'want'.  Returns false (after failing) if 'j' is not such an object. */
static bool
cobj_open(struct cmp *c, const json_t *j, const char *want, struct cobj *o)
{
    memset(o, 0, sizeof *o);
    o->c = c;
    if (!j || !json_is_object(j) || json_object_size(j) != 1) {
        cmp_fail(c, "not an os-ken object {\"Class\": {...}}");
        return false;
    }
    void *iter = json_object_iter((json_t *) j);
    o->cls = json_object_iter_key(iter);
    o->body = json_object_iter_value(iter);
    if (!json_is_object(o->body)) {
        cmp_fail(c, "%s: body is not an object", o->cls);
        return false;
    }
    if (want && strcmp(o->cls, want)) {
        cmp_fail(c, "os-ken has a %s where we decoded a %s", o->cls, want);
        return false;
    }
    return true;
}

static void
cobj_use(struct cobj *o, const char *key)
{
    if (o->n_used < COBJ_MAX_KEYS) {
        o->used[o->n_used++] = key;
    }
}

/* Declares 'key' of 'o' opaque to us (if present): counted, not compared. */
static void
cobj_opaque(struct cobj *o, const char *key)
{
    if (json_object_get(o->body, key)) {
        cobj_use(o, key);
        o->c->n_opaque++;
    }
}

/* Fails for every key of 'o' the mapping did not use (or counts it as
 * opaque if cobj_rest_opaque() was called). */
static void
cobj_close(struct cobj *o)
{
    const char *key;
    json_t *value;

    json_object_foreach((json_t *) o->body, key, value)
    {
        bool used = false;
        for (size_t i = 0; i < o->n_used && !used; i++) {
            used = !strcmp(o->used[i], key);
        }
        if (!used && o->rest_opaque) {
            o->c->n_opaque++;
        } else if (!used) {
            cmp_fail(o->c, "%s.%s: no mapping compares this key", o->cls, key);
        }
    }
}

static const json_t *
cobj_get(struct cobj *o, const char *key)
{
    const json_t *v = json_object_get(o->body, key);
    cobj_use(o, key);
    if (!v) {
        cmp_fail(o->c, "%s: os-ken has no key '%s'", o->cls, key);
    }
    return v;
}

/* Reads an unsigned integer written as a JSON integer or (for big ones,
 * see quote_big_integers()) as a string of digits. */
static bool
json_to_u64(const json_t *v, uint64_t *x)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *x = (uint64_t) json_integer_value(v);
        return true;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        if (*s < '0' || *s > '9') {
            return false;
        }
        errno = 0;
        *x = strtoull(s, &end, 10);
        return !*end && !errno;
    }
    return false;
}

static void
cobj_u64(struct cobj *o, const char *key, uint64_t got)
{
    const json_t *v = cobj_get(o, key);
    uint64_t want;

    if (!v) {
        return;
    }
    if (!json_to_u64(v, &want)) {
        cmp_fail(o->c, "%s.%s: not an unsigned integer", o->cls, key);
        return;
    }
    o->c->n_checked++;
    if (want != got) {
        cmp_fail(o->c, "%s.%s: os-ken says %" PRIu64 ", we decoded %" PRIu64,
                 o->cls, key, want, got);
    }
}

static void
cobj_str(struct cobj *o, const char *key, const char *got)
{
    const json_t *v = cobj_get(o, key);
    if (!v) {
        return;
    }
    if (!json_is_string(v)) {
        cmp_fail(o->c, "%s.%s: not a string", o->cls, key);
        return;
    }
    o->c->n_checked++;
    if (strcmp(json_string_value(v), got)) {
        cmp_fail(o->c, "%s.%s: os-ken says \"%s\", we decoded \"%s\"", o->cls,
                 key, json_string_value(v), got);
    }
}

/* Compares base64 key 'key' with the 'n' bytes at 'got'. */
static void
cobj_bytes(struct cobj *o, const char *key, const uint8_t *got, size_t n)
{
    const json_t *v = cobj_get(o, key);
    size_t len;
    uint8_t *want;

    if (!v) {
        return;
    }
    if (!json_is_string(v) ||
        !(want = base64_decode(json_string_value(v), &len))) {
        cmp_fail(o->c, "%s.%s: not base64", o->cls, key);
        return;
    }
    o->c->n_checked++;
    size_t i = first_diff(want, len, got ? got : want, got ? n : 0);
    if (i != SIZE_MAX) {
        cmp_fail(o->c,
                 "%s.%s: os-ken has %zu bytes, we decoded %zu; they "
                 "differ from byte %zu",
                 o->cls, key, len, n, i);
    }
    free(want);
}

static bool
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned int b[6];
    char tail;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
               &b[4], &b[5], &tail) != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        mac[i] = (uint8_t) b[i];
    }
    return true;
}

static void
cobj_mac(struct cobj *o, const char *key, const uint8_t got[6])
{
    const json_t *v = cobj_get(o, key);
    uint8_t want[6];
    if (!v) {
        return;
    }
    if (!json_is_string(v) || !parse_mac(json_string_value(v), want)) {
        cmp_fail(o->c, "%s.%s: not a MAC address", o->cls, key);
        return;
    }
    o->c->n_checked++;
    if (memcmp(want, got, 6)) {
        cmp_fail(o->c, "%s.%s: os-ken says %s, we decoded %s", o->cls, key,
                 json_string_value(v), test_hex(got, 6));
    }
}

/* Returns array 'key' of 'o' if it has 'n' entries, else fails and returns
 * NULL. */
static const json_t *
cobj_array(struct cobj *o, const char *key, size_t n)
{
    const json_t *a = cobj_get(o, key);
    if (!a) {
        return NULL;
    }
    if (!json_is_array(a)) {
        cmp_fail(o->c, "%s.%s: not an array", o->cls, key);
        return NULL;
    }
    o->c->n_checked++;
    if (json_array_size(a) != n) {
        cmp_fail(o->c, "%s.%s: os-ken has %zu entries, we decoded %zu", o->cls,
                 key, json_array_size(a), n);
        return NULL;
    }
    return a;
}

/* Compares array 'key' of integers with the 'n' values at 'got' ('size'
 * bytes each: 1, 4). */
static void
cobj_int_array(struct cobj *o, const char *key, const void *got, size_t n,
               size_t size)
{
    const json_t *a = cobj_array(o, key, n);
    for (size_t i = 0; a && i < n; i++) {
        uint64_t want, x;
        x = (size == 1 ? ((const uint8_t *) got)[i]
                       : ((const uint32_t *) got)[i]);
        if (!json_to_u64(json_array_get(a, i), &want)) {
            cmp_fail(o->c, "%s.%s[%zu]: not an unsigned integer", o->cls, key,
                     i);
            return;
        }
        o->c->n_checked++;
        if (want != x) {
            cmp_fail(o->c,
                     "%s.%s[%zu]: os-ken says %" PRIu64 ", we decoded "
                     "%" PRIu64,
                     o->cls, key, i, want, x);
            return;
        }
    }
}

/* Compares integer array 'key' with the 'len' bytes at 'data' read as
 * big-endian 32-bit words (os-ken's form of table-feature experimenter
 * data). */
static void
cobj_be32_words(struct cobj *o, const char *key, const uint8_t *data,
                size_t len)
{
    uint32_t words[64];
    size_t n = len / 4;
    if (len % 4 || n > sizeof words / sizeof *words) {
        cobj_get(o, key);
        cmp_fail(o->c,
                 "%s.%s: %zu bytes are not whole words we can "
                 "compare",
                 o->cls, key, len);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = data + 4 * i;
        words[i] = ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
                   ((uint32_t) p[2] << 8) | p[3];
    }
    cobj_int_array(o, key, words, n, sizeof *words);
}

/* ---- OXMs ---- */

/* OXMs os-ken names that are not OpenFlow 1.3 basic fields: we carry them
 * as opaque payloads.  'exp_type' is the 2-byte type after the experimenter
 * id of the old ONF EXT-256 form (pbb_uca), 0 if none. */
static const struct ryu_oxm {
    const char *name;
    uint16_t cls;
    uint8_t field;
    uint32_t experimenter;
    uint16_t exp_type;
    uint8_t width;
} ryu_oxms[] = {
    {"pbb_uca", OFPXMC_EXPERIMENTER, 0, ONF_EXPERIMENTER_ID, 0x0a00, 1},
    {"tcp_flags", OFPXMC_EXPERIMENTER, 42, ONF_EXPERIMENTER_ID, 0, 2},
    {"actset_output", OFPXMC_EXPERIMENTER, 43, ONF_EXPERIMENTER_ID, 0, 4},
    {"in_port_nxm", OFPXMC_NXM_0, 0, 0, 0, 2},
    {"eth_dst_nxm", OFPXMC_NXM_0, 1, 0, 0, 6},
    {"eth_src_nxm", OFPXMC_NXM_0, 2, 0, 0, 6},
    {"eth_type_nxm", OFPXMC_NXM_0, 3, 0, 0, 2},
    {"vlan_tci", OFPXMC_NXM_0, 4, 0, 0, 2},
    {"ipv4_src_nxm", OFPXMC_NXM_0, 7, 0, 0, 4},
    {"ipv4_dst_nxm", OFPXMC_NXM_0, 8, 0, 0, 4},
    {"reg0", OFPXMC_NXM_1, 0, 0, 0, 4},
    {"reg1", OFPXMC_NXM_1, 1, 0, 0, 4},
    {"reg2", OFPXMC_NXM_1, 2, 0, 0, 4},
    {"reg3", OFPXMC_NXM_1, 3, 0, 0, 4},
    {"reg4", OFPXMC_NXM_1, 4, 0, 0, 4},
    {"reg5", OFPXMC_NXM_1, 5, 0, 0, 4},
    {"reg6", OFPXMC_NXM_1, 6, 0, 0, 4},
    {"reg7", OFPXMC_NXM_1, 7, 0, 0, 4},
    {"tunnel_id_nxm", OFPXMC_NXM_1, 16, 0, 0, 8},
    {"tun_ipv4_src", OFPXMC_NXM_1, 31, 0, 0, 4},
    {"tun_ipv4_dst", OFPXMC_NXM_1, 32, 0, 0, 4},
    {"pkt_mark", OFPXMC_NXM_1, 33, 0, 0, 4},
    {"conj_id", OFPXMC_NXM_1, 37, 0, 0, 4},
    {"ct_state", OFPXMC_NXM_1, 105, 0, 0, 4},
    {"ct_zone", OFPXMC_NXM_1, 106, 0, 0, 2},
    {"ct_mark", OFPXMC_NXM_1, 107, 0, 0, 4},
};

static const struct ryu_oxm *
ryu_oxm_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof ryu_oxms / sizeof *ryu_oxms; i++) {
        if (!strcmp(ryu_oxms[i].name, name)) {
            return &ryu_oxms[i];
        }
    }
    return NULL;
}

/* Writes a known basic OXM value 'v' of field 'info' as its 'info->width'
 * wire bytes. */
static void
oxm_value_bytes(const struct ofp_oxm_field_info *info,
                const union ofp_oxm_value *v, uint8_t *bytes)
{
    uint64_t x = 0;
    switch (info->kind) {
    case OFP_OXM_MAC:
        memcpy(bytes, v->mac, 6);
        return;
    case OFP_OXM_IPV6:
        memcpy(bytes, v->ipv6, 16);
        return;
    case OFP_OXM_U8:
        x = v->u8;
        break;
    case OFP_OXM_U16:
        x = v->u16;
        break;
    case OFP_OXM_U24:
    case OFP_OXM_U32:
        x = v->u32;
        break;
    case OFP_OXM_U64:
        x = v->u64;
        break;
    }
    for (int i = info->width - 1; i >= 0; i--) {
        bytes[i] = (uint8_t) x;
        x >>= 8;
    }
}

/* Compares os-ken's value 'j' (an integer, or a MAC, IPv4 or IPv6 string)
 * with the 'width' big-endian bytes at 'bytes'. */
static void
cmp_oxm_bytes(struct cobj *o, const char *key, const json_t *j,
              const uint8_t *bytes, size_t width)
{
    uint8_t want[16];
    uint64_t x;

    if (json_is_string(j) && width == 6) {
        if (!parse_mac(json_string_value(j), want)) {
            cmp_fail(o->c, "%s.%s: bad MAC", o->cls, key);
            return;
        }
    } else if (json_is_string(j) && (width == 4 || width == 16) &&
               strchr(json_string_value(j), width == 4 ? '.' : ':')) {
        if (inet_pton(width == 4 ? AF_INET : AF_INET6, json_string_value(j),
                      want) != 1) {
            cmp_fail(o->c, "%s.%s: bad address", o->cls, key);
            return;
        }
    } else if (json_to_u64(j, &x) && width <= 8) {
        for (int i = (int) width - 1; i >= 0; i--) {
            want[i] = (uint8_t) x;
            x >>= 8;
        }
    } else {
        cmp_fail(o->c, "%s.%s: a value we cannot read for a %zu-byte field",
                 o->cls, key, width);
        return;
    }
    o->c->n_checked++;
    if (memcmp(want, bytes, width)) {
        char shown[40];
        snprintf(shown, sizeof shown, "%s", test_hex(bytes, width));
        cmp_fail(o->c, "%s.%s: os-ken says %s, we decoded %s", o->cls, key,
                 test_hex(want, width), shown);
    }
}

/* Compares the value and mask of an OXM (as 'width' bytes each at 'value'
 * and 'mask', 'mask' NULL without one) with os-ken's "value"/"mask". */
static void
cmp_oxm_value_mask(struct cobj *o, const uint8_t *value, const uint8_t *mask,
                   size_t width)
{
    const json_t *jv = cobj_get(o, "value");
    const json_t *jm = cobj_get(o, "mask");
    if (!jv || !jm) {
        return;
    }
    cmp_oxm_bytes(o, "value", jv, value, width);
    o->c->n_checked++;
    if (json_is_null(jm) != !mask) {
        cmp_fail(o->c, "%s.mask: os-ken %s a mask, we %s", o->cls,
                 json_is_null(jm) ? "has no" : "has",
                 mask ? "decoded one" : "did not");
    } else if (mask) {
        cmp_oxm_bytes(o, "mask", jm, mask, width);
    }
}

/* Compares OXMTlv 'j' with 'x': the field os-ken names, then value and
 * mask. */
static void
cmp_oxm(struct cmp *c, const json_t *j, const struct ofp_oxm *x)
{
    struct cobj o;
    if (!cobj_open(c, j, "OXMTlv", &o)) {
        return;
    }

    const json_t *jf = cobj_get(&o, "field");
    const char *name = jf && json_is_string(jf) ? json_string_value(jf) : "";
    const struct ofp_oxm_field_info *info = ofp_oxm_field_info(x->field);
    if (ofp_oxm_is_known(x) && info) {
        uint8_t value[16], mask[16];
        c->n_checked++;
        if (strcmp(info->name, name)) {
            cmp_fail(c,
                     "OXMTlv.field: os-ken says \"%s\", we decoded "
                     "\"%s\" (basic field %u)",
                     name, info->name, x->field);
        } else {
            oxm_value_bytes(info, &x->value, value);
            oxm_value_bytes(info, &x->mask, mask);
            cmp_oxm_value_mask(&o, value, x->has_mask ? mask : NULL,
                               info->width);
        }
    } else {
        /* Opaque to us: os-ken's name must be the same class and field,
         * and its value the payload bytes. */
        const struct ryu_oxm *r = ryu_oxm_by_name(name);
        size_t skip = r && r->exp_type ? 2 : 0;
        size_t payload_len =
            (x->cls == OFPXMC_EXPERIMENTER ? (size_t) x->length - 4
                                           : x->length);
        c->n_checked++;
        if (!r) {
            cmp_fail(c,
                     "OXMTlv.field: \"%s\" (class 0x%04x field %u) has "
                     "no entry in ryu_oxms[]",
                     name, x->cls, x->field);
        } else if (r->cls != x->cls || r->field != x->field ||
                   (x->cls == OFPXMC_EXPERIMENTER &&
                    r->experimenter != x->experimenter)) {
            cmp_fail(c,
                     "OXMTlv.field: os-ken's \"%s\" is class 0x%04x "
                     "field %u, we decoded class 0x%04x field %u",
                     name, r->cls, r->field, x->cls, x->field);
        } else if (!x->payload ||
                   payload_len != skip + r->width * (x->has_mask ? 2 : 1) ||
                   (skip &&
                    (x->payload[0] << 8 | x->payload[1]) != r->exp_type)) {
            cmp_fail(c, "OXMTlv: \"%s\" payload of %zu bytes does not fit",
                     name, payload_len);
        } else {
            const uint8_t *p = x->payload + skip;
            cmp_oxm_value_mask(&o, p, x->has_mask ? p + r->width : NULL,
                               r->width);
        }
    }
    cobj_close(&o);
}

static void
cmp_match(struct cmp *c, const json_t *j, const struct ofp_match *m)
{
    struct cobj o;
    if (!cobj_open(c, j, "OFPMatch", &o)) {
        return;
    }
    size_t length = OFP_MATCH_HEADER_LEN;
    for (size_t i = 0; i < m->n_oxms; i++) {
        length += ofp_oxm_wire_len(&m->oxms[i]);
    }
    cobj_u64(&o, "type", m->type);
    cobj_u64(&o, "length", length);
    const json_t *a = cobj_array(&o, "oxm_fields", m->n_oxms);
    for (size_t i = 0; a && i < m->n_oxms; i++) {
        size_t mark = cmp_push(c, ".oxm_fields[%zu]", i);
        cmp_oxm(c, json_array_get(a, i), &m->oxms[i]);
        cmp_pop(c, mark);
    }
    cobj_close(&o);
}

static void
cobj_match(struct cobj *o, const char *key, const struct ofp_match *m)
{
    const json_t *j = cobj_get(o, key);
    if (j) {
        size_t mark = cmp_push(o->c, ".%s", key);
        cmp_match(o->c, j, m);
        cmp_pop(o->c, mark);
    }
}

/* ---- actions and instructions ---- */

static const struct {
    uint16_t type;
    const char *cls;
} ryu_action_classes[] = {
    {OFPAT_OUTPUT, "OFPActionOutput"},
    {OFPAT_COPY_TTL_OUT, "OFPActionCopyTtlOut"},
    {OFPAT_COPY_TTL_IN, "OFPActionCopyTtlIn"},
    {OFPAT_SET_MPLS_TTL, "OFPActionSetMplsTtl"},
    {OFPAT_DEC_MPLS_TTL, "OFPActionDecMplsTtl"},
    {OFPAT_PUSH_VLAN, "OFPActionPushVlan"},
    {OFPAT_POP_VLAN, "OFPActionPopVlan"},
    {OFPAT_PUSH_MPLS, "OFPActionPushMpls"},
    {OFPAT_POP_MPLS, "OFPActionPopMpls"},
    {OFPAT_SET_QUEUE, "OFPActionSetQueue"},
    {OFPAT_GROUP, "OFPActionGroup"},
    {OFPAT_SET_NW_TTL, "OFPActionSetNwTtl"},
    {OFPAT_DEC_NW_TTL, "OFPActionDecNwTtl"},
    {OFPAT_SET_FIELD, "OFPActionSetField"},
    {OFPAT_PUSH_PBB, "OFPActionPushPbb"},
    {OFPAT_POP_PBB, "OFPActionPopPbb"},
};

static const char *
ryu_action_class(uint16_t type)
{
    for (size_t i = 0;
         i < sizeof ryu_action_classes / sizeof *ryu_action_classes; i++) {
        if (ryu_action_classes[i].type == type) {
            return ryu_action_classes[i].cls;
        }
    }
    return NULL;
}

static void
cmp_experimenter_action(struct cobj *o, const struct ofp_action *a)
{
    const struct ofp_exp_body *e = &a->experimenter;

    cobj_u64(o, "experimenter", e->experimenter);
    if (!strcmp(o->cls, "OFPActionExperimenterUnknown")) {
        cobj_bytes(o, "data", e->data, e->len);
    } else if (!strncmp(o->cls, "NXAction", 8)) {
        /* Nicira: a 16-bit subtype, then a body we carry as bytes. */
        if (e->experimenter != NX_EXPERIMENTER_ID || e->len < 2) {
            cmp_fail(o->c, "%s: not a Nicira action body", o->cls);
            return;
        }
        cobj_u64(o, "subtype", (uint16_t) (e->data[0] << 8 | e->data[1]));
        if (!strcmp(o->cls, "NXActionUnknown")) {
            cobj_bytes(o, "data", e->data + 2, e->len - 2);
        } else {
            o->rest_opaque = true;
        }
    } else {
        cmp_fail(o->c, "%s: no mapping for this experimenter action class",
                 o->cls);
    }
}

static void
cmp_action(struct cmp *c, const json_t *j, const struct ofp_action *a)
{
    struct cobj o;
    const char *want = ryu_action_class(a->type);
    if (!cobj_open(c, j, want, &o)) {
        return;
    }
    cobj_u64(&o, "type", a->type);
    cobj_u64(&o, "len", ofp_action_wire_len(a));
    switch (a->type) {
    case OFPAT_OUTPUT:
        cobj_u64(&o, "port", a->output.port);
        cobj_u64(&o, "max_len", a->output.max_len);
        break;
    case OFPAT_SET_MPLS_TTL:
        cobj_u64(&o, "mpls_ttl", a->mpls_ttl);
        break;
    case OFPAT_SET_NW_TTL:
        cobj_u64(&o, "nw_ttl", a->nw_ttl);
        break;
    case OFPAT_PUSH_VLAN:
    case OFPAT_PUSH_MPLS:
    case OFPAT_PUSH_PBB:
    case OFPAT_POP_MPLS:
        cobj_u64(&o, "ethertype", a->ethertype);
        break;
    case OFPAT_SET_QUEUE:
        cobj_u64(&o, "queue_id", a->queue_id);
        break;
    case OFPAT_GROUP:
        cobj_u64(&o, "group_id", a->group_id);
        break;
    case OFPAT_SET_FIELD: {
        const json_t *f = cobj_get(&o, "field");
        if (f) {
            size_t mark = cmp_push(c, ".field");
            cmp_oxm(c, f, &a->set_field);
            cmp_pop(c, mark);
        }
        break;
    }
    case OFPAT_EXPERIMENTER:
        cmp_experimenter_action(&o, a);
        break;
    default:
        break;
    }
    cobj_close(&o);
}

static void
cobj_actions(struct cobj *o, const char *key, const struct ofp_action_list *l)
{
    const json_t *a = cobj_array(o, key, l->n);
    for (size_t i = 0; a && i < l->n; i++) {
        size_t mark = cmp_push(o->c, ".%s[%zu]", key, i);
        cmp_action(o->c, json_array_get(a, i), &l->actions[i]);
        cmp_pop(o->c, mark);
    }
}

static void
cmp_instruction(struct cmp *c, const json_t *j,
                const struct ofp_instruction *inst)
{
    static const char *const classes[] = {
        [OFPIT_GOTO_TABLE] = "OFPInstructionGotoTable",
        [OFPIT_WRITE_METADATA] = "OFPInstructionWriteMetadata",
        [OFPIT_WRITE_ACTIONS] = "OFPInstructionActions",
        [OFPIT_APPLY_ACTIONS] = "OFPInstructionActions",
        [OFPIT_CLEAR_ACTIONS] = "OFPInstructionActions",
        [OFPIT_METER] = "OFPInstructionMeter",
    };
    struct cobj o;
    const char *want =
        (inst->type < sizeof classes / sizeof *classes ? classes[inst->type]
                                                       : NULL);
    if (!cobj_open(c, j, want, &o)) {
        return;
    }
    if (!want) {
        cmp_fail(c, "%s: no mapping for instruction type %u", o.cls,
                 inst->type);
    }
    cobj_u64(&o, "type", inst->type);
    cobj_u64(&o, "len", ofp_instruction_wire_len(inst));
    switch (inst->type) {
    case OFPIT_GOTO_TABLE:
        cobj_u64(&o, "table_id", inst->table_id);
        break;
    case OFPIT_WRITE_METADATA:
        cobj_u64(&o, "metadata", inst->write_metadata.metadata);
        cobj_u64(&o, "metadata_mask", inst->write_metadata.mask);
        break;
    case OFPIT_WRITE_ACTIONS:
    case OFPIT_APPLY_ACTIONS:
    case OFPIT_CLEAR_ACTIONS:
        cobj_actions(&o, "actions", &inst->actions);
        break;
    case OFPIT_METER:
        cobj_u64(&o, "meter_id", inst->meter_id);
        break;
    default:
        break;
    }
    cobj_close(&o);
}

static void
cobj_instructions(struct cobj *o, const char *key,
                  const struct ofp_instruction_list *l)
{
    const json_t *a = cobj_array(o, key, l->n);
    for (size_t i = 0; a && i < l->n; i++) {
        size_t mark = cmp_push(o->c, ".%s[%zu]", key, i);
        cmp_instruction(o->c, json_array_get(a, i), &l->instructions[i]);
        cmp_pop(o->c, mark);
    }
}

/* ---- shared structures: ports, buckets, bands, queues ---- */

static void
cmp_port(struct cmp *c, const json_t *j, const struct ofp_port *p)
{
    struct cobj o;
    if (!cobj_open(c, j, "OFPPort", &o)) {
        return;
    }
    cobj_u64(&o, "port_no", p->port_no);
    cobj_mac(&o, "hw_addr", p->hw_addr);
    cobj_str(&o, "name", p->name);
    cobj_u64(&o, "config", p->config);
    cobj_u64(&o, "state", p->state);
    cobj_u64(&o, "curr", p->curr);
    cobj_u64(&o, "advertised", p->advertised);
    cobj_u64(&o, "supported", p->supported);
    cobj_u64(&o, "peer", p->peer);
    cobj_u64(&o, "curr_speed", p->curr_speed);
    cobj_u64(&o, "max_speed", p->max_speed);
    cobj_close(&o);
}

static size_t
bucket_wire_len(const struct ofp_bucket *b)
{
    struct ofp_bucket copy = *b;
    struct ofp_bucket_list list = {1, &copy};
    ofp_wbuf_clear(&scratch);
    ofp_buckets_encode(&scratch, &list);
    return scratch.len;
}

static void
cobj_buckets(struct cobj *o, const char *key, const struct ofp_bucket_list *l)
{
    const json_t *a = cobj_array(o, key, l->n);
    for (size_t i = 0; a && i < l->n; i++) {
        const struct ofp_bucket *b = &l->buckets[i];
        size_t mark = cmp_push(o->c, ".%s[%zu]", key, i);
        struct cobj bo;
        if (cobj_open(o->c, json_array_get(a, i), "OFPBucket", &bo)) {
            cobj_u64(&bo, "len", bucket_wire_len(b));
            cobj_u64(&bo, "weight", b->weight);
            cobj_u64(&bo, "watch_port", b->watch_port);
            cobj_u64(&bo, "watch_group", b->watch_group);
            cobj_actions(&bo, "actions", &b->actions);
            cobj_close(&bo);
        }
        cmp_pop(o->c, mark);
    }
}

static size_t
band_wire_len(const struct ofp_meter_band *band)
{
    struct ofp_meter_band copy = *band;
    struct ofp_meter_band_list list = {1, &copy};
    ofp_wbuf_clear(&scratch);
    ofp_meter_bands_encode(&scratch, &list);
    return scratch.len;
}

static void
cobj_bands(struct cobj *o, const char *key,
           const struct ofp_meter_band_list *l)
{
    const json_t *a = cobj_array(o, key, l->n);
    for (size_t i = 0; a && i < l->n; i++) {
        const struct ofp_meter_band *b = &l->bands[i];
        const char *want =
            (b->type == OFPMBT_DROP          ? "OFPMeterBandDrop"
             : b->type == OFPMBT_DSCP_REMARK ? "OFPMeterBandDscpRemark"
                                             : "OFPMeterBandExperimenter");
        size_t mark = cmp_push(o->c, ".%s[%zu]", key, i);
        struct cobj bo;
        if (cobj_open(o->c, json_array_get(a, i), want, &bo)) {
            cobj_u64(&bo, "type", b->type);
            cobj_u64(&bo, "len", band_wire_len(b));
            cobj_u64(&bo, "rate", b->rate);
            cobj_u64(&bo, "burst_size", b->burst_size);
            if (b->type == OFPMBT_DSCP_REMARK) {
                cobj_u64(&bo, "prec_level", b->prec_level);
            } else if (b->type == OFPMBT_EXPERIMENTER) {
                cobj_u64(&bo, "experimenter", b->experimenter.experimenter);
            }
            cobj_close(&bo);
        }
        cmp_pop(o->c, mark);
    }
}

static size_t
queue_wire_len(const struct ofp_packet_queue *q)
{
    struct ofp_packet_queue copy = *q;
    struct ofp_packet_queue_list list = {1, &copy};
    ofp_wbuf_clear(&scratch);
    ofp_packet_queues_encode(&scratch, &list);
    return scratch.len;
}

static void
cmp_queue_prop(struct cmp *c, const json_t *j, const struct ofp_queue_prop *p)
{
    const char *want =
        (p->property == OFPQT_MIN_RATE   ? "OFPQueuePropMinRate"
         : p->property == OFPQT_MAX_RATE ? "OFPQueuePropMaxRate"
                                         : "OFPQueuePropExperimenter");
    struct cobj o;
    if (!cobj_open(c, j, want, &o)) {
        return;
    }
    cobj_u64(&o, "property", p->property);
    if (p->property == OFPQT_MIN_RATE || p->property == OFPQT_MAX_RATE) {
        cobj_u64(&o, "len", OFP_QUEUE_PROP_RATE_LEN);
        cobj_u64(&o, "rate", p->rate);
    } else {
        cobj_u64(&o, "len",
                 OFP_QUEUE_PROP_EXPERIMENTER_LEN + p->experimenter.len);
        cobj_u64(&o, "experimenter", p->experimenter.experimenter);
        cobj_int_array(&o, "data", p->experimenter.data, p->experimenter.len,
                       1);
    }
    cobj_close(&o);
}

static void
cobj_queues(struct cobj *o, const char *key,
            const struct ofp_packet_queue_list *l)
{
    const json_t *a = cobj_array(o, key, l->n);
    for (size_t i = 0; a && i < l->n; i++) {
        const struct ofp_packet_queue *q = &l->queues[i];
        size_t mark = cmp_push(o->c, ".%s[%zu]", key, i);
        struct cobj qo;
        if (cobj_open(o->c, json_array_get(a, i), "OFPPacketQueue", &qo)) {
            cobj_u64(&qo, "queue_id", q->queue_id);
            cobj_u64(&qo, "port", q->port);
            cobj_u64(&qo, "len", queue_wire_len(q));
            const json_t *pa = cobj_array(&qo, "properties", q->n_props);
            for (size_t k = 0; pa && k < q->n_props; k++) {
                size_t m2 = cmp_push(o->c, ".properties[%zu]", k);
                cmp_queue_prop(o->c, json_array_get(pa, k), &q->props[k]);
                cmp_pop(o->c, m2);
            }
            cobj_close(&qo);
        }
        cmp_pop(o->c, mark);
    }
}

/* ---- table features ---- */

static const char *
ryu_tfp_class(uint16_t type)
{
    switch (ofp_table_feature_prop_kind(type)) {
    case OFP_TFP_INSTRUCTIONS:
        return "OFPTableFeaturePropInstructions";
    case OFP_TFP_NEXT_TABLES:
        return "OFPTableFeaturePropNextTables";
    case OFP_TFP_ACTIONS:
        return "OFPTableFeaturePropActions";
    case OFP_TFP_OXMS:
        return "OFPTableFeaturePropOxm";
    case OFP_TFP_EXPERIMENTER:
        return "OFPTableFeaturePropExperimenter";
    case OFP_TFP_UNKNOWN:
    default:
        return "OFPTableFeaturePropUnknown";
    }
}

/* Compares an array of OFPInstructionId or OFPActionId ('cls'). */
static void
cobj_ids(struct cobj *o, const char *key, const char *cls,
         const struct ofp_instruction_id *ids, size_t n, size_t *length)
{
    const json_t *a = cobj_array(o, key, n);
    for (size_t i = 0; i < n; i++) {
        *length += 4 + ids[i].len;
    }
    for (size_t i = 0; a && i < n; i++) {
        size_t mark = cmp_push(o->c, ".%s[%zu]", key, i);
        struct cobj io;
        if (cobj_open(o->c, json_array_get(a, i), cls, &io)) {
            cobj_u64(&io, "type", ids[i].type);
            cobj_u64(&io, "len", 4 + ids[i].len);
            cobj_close(&io);
        }
        cmp_pop(o->c, mark);
    }
}

/* Compares OFPOxmId 'j' with 'id': os-ken names the field in "type". */
static void
cmp_oxm_id(struct cmp *c, const json_t *j, const struct ofp_oxm_id *id)
{
    struct cobj o;
    if (!cobj_open(c, j, "OFPOxmId", &o)) {
        return;
    }
    uint16_t cls = id->header >> 16;
    uint8_t field = (id->header >> 9) & 0x7f;
    cobj_u64(&o, "hasmask", (id->header >> 8) & 1);
    cobj_u64(&o, "length", id->header & 0xff);

    const json_t *jt = cobj_get(&o, "type");
    const char *name = jt && json_is_string(jt) ? json_string_value(jt) : "";
    const struct ofp_oxm_field_info *info = ofp_oxm_field_info(field);
    const struct ryu_oxm *r = ryu_oxm_by_name(name);
    c->n_checked++;
    if (cls == OFPXMC_OPENFLOW_BASIC && info) {
        if (strcmp(info->name, name)) {
            cmp_fail(c,
                     "OFPOxmId.type: os-ken says \"%s\", we decoded "
                     "\"%s\"",
                     name, info->name);
        }
    } else if (!r || r->cls != cls || r->field != field ||
               (cls == OFPXMC_EXPERIMENTER &&
                r->experimenter != id->experimenter)) {
        cmp_fail(c,
                 "OFPOxmId.type: os-ken's \"%s\" is not class 0x%04x "
                 "field %u",
                 name, cls, field);
    }
    cobj_close(&o);
}

static void
cmp_table_feature_prop(struct cmp *c, const json_t *j,
                       const struct ofp_table_feature_prop *p)
{
    struct cobj o;
    size_t length = OFP_TABLE_FEATURE_PROP_HEADER_LEN;
    if (!cobj_open(c, j, ryu_tfp_class(p->type), &o)) {
        return;
    }
    cobj_u64(&o, "type", p->type);
    switch (ofp_table_feature_prop_kind(p->type)) {
    case OFP_TFP_INSTRUCTIONS:
        cobj_ids(&o, "instruction_ids", "OFPInstructionId",
                 p->instructions.ids, p->instructions.n, &length);
        break;
    case OFP_TFP_ACTIONS:
        cobj_ids(&o, "action_ids", "OFPActionId", p->actions.ids, p->actions.n,
                 &length);
        break;
    case OFP_TFP_NEXT_TABLES:
        cobj_int_array(&o, "table_ids", p->next_tables.table_ids,
                       p->next_tables.n, 1);
        length += p->next_tables.n;
        break;
    case OFP_TFP_OXMS: {
        const json_t *a = cobj_array(&o, "oxm_ids", p->oxms.n);
        for (size_t i = 0; i < p->oxms.n; i++) {
            bool exp = p->oxms.ids[i].header >> 16 == OFPXMC_EXPERIMENTER;
            length += exp ? 8 : 4;
            if (a) {
                size_t mark = cmp_push(c, ".oxm_ids[%zu]", i);
                cmp_oxm_id(c, json_array_get(a, i), &p->oxms.ids[i]);
                cmp_pop(c, mark);
            }
        }
        break;
    }
    case OFP_TFP_EXPERIMENTER:
        cobj_u64(&o, "experimenter", p->experimenter.experimenter);
        cobj_u64(&o, "exp_type", p->experimenter.exp_type);
        cobj_be32_words(&o, "data", p->experimenter.data, p->experimenter.len);
        length += 8 + p->experimenter.len;
        break;
    case OFP_TFP_UNKNOWN:
    default:
        length += p->unknown.len;
        break;
    }
    cobj_u64(&o, "length", length);
    cobj_close(&o);
}

static void
cmp_table_features(struct cmp *c, const json_t *j,
                   const struct ofp_table_features *tf)
{
    struct cobj o;
    if (!cobj_open(c, j, "OFPTableFeaturesStats", &o)) {
        return;
    }
    ofp_wbuf_clear(&scratch);
    ofp_table_features_encode(&scratch, tf);
    cobj_u64(&o, "length", scratch.len);
    cobj_u64(&o, "table_id", tf->table_id);
    cobj_str(&o, "name", tf->name);
    cobj_u64(&o, "metadata_match", tf->metadata_match);
    cobj_u64(&o, "metadata_write", tf->metadata_write);
    cobj_u64(&o, "config", tf->config);
    cobj_u64(&o, "max_entries", tf->max_entries);
    const json_t *a = cobj_array(&o, "properties", tf->n_props);
    for (size_t i = 0; a && i < tf->n_props; i++) {
        size_t mark = cmp_push(c, ".properties[%zu]", i);
        cmp_table_feature_prop(c, json_array_get(a, i), &tf->props[i]);
        cmp_pop(c, mark);
    }
    cobj_close(&o);
}

static void
cobj_table_features(struct cobj *o, const char *key,
                    const struct ofp_table_features *tables, size_t n)
{
    const json_t *a = cobj_array(o, key, n);
    for (size_t i = 0; a && i < n; i++) {
        size_t mark = cmp_push(o->c, ".%s[%zu]", key, i);
        cmp_table_features(o->c, json_array_get(a, i), &tables[i]);
        cmp_pop(o->c, mark);
    }
}

/* ---- multipart ---- */

static const char *const ryu_mp_stems[] = {
    [OFPMP_DESC] = "Desc",
    [OFPMP_FLOW] = "Flow",
    [OFPMP_AGGREGATE] = "Aggregate",
    [OFPMP_TABLE] = "Table",
    [OFPMP_PORT_STATS] = "Port",
    [OFPMP_QUEUE] = "Queue",
    [OFPMP_GROUP] = "Group",
    [OFPMP_GROUP_DESC] = "GroupDesc",
    [OFPMP_GROUP_FEATURES] = "GroupFeatures",
    [OFPMP_METER] = "Meter",
    [OFPMP_METER_CONFIG] = "MeterConfig",
    [OFPMP_METER_FEATURES] = "MeterFeatures",
    [OFPMP_TABLE_FEATURES] = "TableFeatures",
    [OFPMP_PORT_DESC] = "PortDesc",
};

/* Writes os-ken's class name for a multipart message of 'type'. */
static void
ryu_mp_class(uint16_t type, bool reply, char *buf, size_t size)
{
    const char *stem =
        (type < sizeof ryu_mp_stems / sizeof *ryu_mp_stems ? ryu_mp_stems[type]
         : type == OFPMP_EXPERIMENTER                      ? "Experimenter"
                                                           : NULL);
    snprintf(buf, size, "OFP%sStats%s", stem ? stem : "Unknown",
             reply ? "Reply" : "Request");
}

/* Opens element 'i' of array 'a' as class 'cls' (path '.key[i]'). */
static bool
cobj_open_elem(struct cobj *parent, const json_t *a, const char *key, size_t i,
               const char *cls, struct cobj *o, size_t *mark)
{
    *mark = cmp_push(parent->c, ".%s[%zu]", key, i);
    if (cobj_open(parent->c, json_array_get(a, i), cls, o)) {
        return true;
    }
    cmp_pop(parent->c, *mark);
    return false;
}

static void
cobj_close_elem(struct cobj *o, size_t mark)
{
    cobj_close(o);
    cmp_pop(o->c, mark);
}

/* Returns the wire length of entry 'i' of reply 'r' (FLOW, GROUP_DESC or
 * METER_CONFIG), measured by encoding a reply holding just that entry. */
static size_t
mp_entry_len(const struct ofp_multipart_reply *r, size_t i)
{
    struct ofp_multipart_reply one = *r;
    switch (r->type) {
    case OFPMP_FLOW:
        one.flow.n = 1;
        one.flow.stats = r->flow.stats + i;
        break;
    case OFPMP_GROUP_DESC:
        one.group_desc.n = 1;
        one.group_desc.descs = r->group_desc.descs + i;
        break;
    case OFPMP_METER_CONFIG:
        one.meter_config.n = 1;
        one.meter_config.configs = r->meter_config.configs + i;
        break;
    default:
        return 0;
    }
    ofp_wbuf_clear(&scratch);
    ofp_mp_reply_encode(&scratch, &one);
    return scratch.len - (OFP_MULTIPART_LEN - OFP_HEADER_LEN);
}

static void
cmp_flow_stats_request(struct cobj *o, const struct ofp_flow_stats_request *f)
{
    cobj_u64(o, "table_id", f->table_id);
    cobj_u64(o, "out_port", f->out_port);
    cobj_u64(o, "out_group", f->out_group);
    cobj_u64(o, "cookie", f->cookie);
    cobj_u64(o, "cookie_mask", f->cookie_mask);
    cobj_match(o, "match", &f->match);
}

static void
cmp_mp_experimenter(struct cobj *o, const struct ofp_mp_experimenter *e)
{
    cobj_u64(o, "experimenter", e->experimenter);
    cobj_u64(o, "exp_type", e->exp_type);
    if (!strcmp(o->cls, "ONFFlowMonitorStatsRequest")) {
        /* os-ken parses ONF's flow-monitor body; we carry it as bytes. */
        cobj_opaque(o, "body");
    } else {
        cobj_bytes(o, "data", e->data, e->len);
    }
}

static void
cmp_mp_request(struct cobj *o, const struct ofp_multipart_request *r)
{
    cobj_u64(o, "type", r->type);
    cobj_u64(o, "flags", r->flags);
    switch (r->type) {
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE:
        cmp_flow_stats_request(o, &r->flow);
        break;
    case OFPMP_PORT_STATS:
        cobj_u64(o, "port_no", r->port_no);
        break;
    case OFPMP_QUEUE:
        cobj_u64(o, "port_no", r->queue.port_no);
        cobj_u64(o, "queue_id", r->queue.queue_id);
        break;
    case OFPMP_GROUP:
        cobj_u64(o, "group_id", r->group_id);
        break;
    case OFPMP_METER:
    case OFPMP_METER_CONFIG:
        cobj_u64(o, "meter_id", r->meter_id);
        break;
    case OFPMP_TABLE_FEATURES:
        cobj_table_features(o, "body", r->table_features.tables,
                            r->table_features.n);
        break;
    case OFPMP_EXPERIMENTER:
        cmp_mp_experimenter(o, &r->experimenter);
        break;
    default:
        break;
    }
}

static void
cmp_flow_stats(struct cobj *o, const struct ofp_flow_stats *s, size_t len)
{
    cobj_u64(o, "length", len);
    cobj_u64(o, "table_id", s->table_id);
    cobj_u64(o, "duration_sec", s->duration_sec);
    cobj_u64(o, "duration_nsec", s->duration_nsec);
    cobj_u64(o, "priority", s->priority);
    cobj_u64(o, "idle_timeout", s->idle_timeout);
    cobj_u64(o, "hard_timeout", s->hard_timeout);
    cobj_u64(o, "flags", s->flags);
    cobj_u64(o, "cookie", s->cookie);
    cobj_u64(o, "packet_count", s->packet_count);
    cobj_u64(o, "byte_count", s->byte_count);
    cobj_match(o, "match", &s->match);
    cobj_instructions(o, "instructions", &s->instructions);
}

static void
cmp_port_stats(struct cobj *o, const struct ofp_port_stats *s)
{
    cobj_u64(o, "port_no", s->port_no);
    cobj_u64(o, "rx_packets", s->rx_packets);
    cobj_u64(o, "tx_packets", s->tx_packets);
    cobj_u64(o, "rx_bytes", s->rx_bytes);
    cobj_u64(o, "tx_bytes", s->tx_bytes);
    cobj_u64(o, "rx_dropped", s->rx_dropped);
    cobj_u64(o, "tx_dropped", s->tx_dropped);
    cobj_u64(o, "rx_errors", s->rx_errors);
    cobj_u64(o, "tx_errors", s->tx_errors);
    cobj_u64(o, "rx_frame_err", s->rx_frame_err);
    cobj_u64(o, "rx_over_err", s->rx_over_err);
    cobj_u64(o, "rx_crc_err", s->rx_crc_err);
    cobj_u64(o, "collisions", s->collisions);
    cobj_u64(o, "duration_sec", s->duration_sec);
    cobj_u64(o, "duration_nsec", s->duration_nsec);
}

static void
cmp_group_stats(struct cobj *o, const struct ofp_group_stats *s)
{
    cobj_u64(o, "length",
             OFP_GROUP_STATS_LEN + OFP_BUCKET_COUNTER_LEN * s->n_buckets);
    cobj_u64(o, "group_id", s->group_id);
    cobj_u64(o, "ref_count", s->ref_count);
    cobj_u64(o, "packet_count", s->packet_count);
    cobj_u64(o, "byte_count", s->byte_count);
    cobj_u64(o, "duration_sec", s->duration_sec);
    cobj_u64(o, "duration_nsec", s->duration_nsec);
    const json_t *a = cobj_array(o, "bucket_stats", s->n_buckets);
    for (size_t i = 0; a && i < s->n_buckets; i++) {
        struct cobj bo;
        size_t mark;
        if (cobj_open_elem(o, a, "bucket_stats", i, "OFPBucketCounter", &bo,
                           &mark)) {
            cobj_u64(&bo, "packet_count", s->bucket_stats[i].packet_count);
            cobj_u64(&bo, "byte_count", s->bucket_stats[i].byte_count);
            cobj_close_elem(&bo, mark);
        }
    }
}

static void
cmp_meter_stats(struct cobj *o, const struct ofp_meter_stats *s)
{
    cobj_u64(o, "len",
             OFP_METER_STATS_LEN + OFP_METER_BAND_STATS_LEN * s->n_bands);
    cobj_u64(o, "meter_id", s->meter_id);
    cobj_u64(o, "flow_count", s->flow_count);
    cobj_u64(o, "packet_in_count", s->packet_in_count);
    cobj_u64(o, "byte_in_count", s->byte_in_count);
    cobj_u64(o, "duration_sec", s->duration_sec);
    cobj_u64(o, "duration_nsec", s->duration_nsec);
    const json_t *a = cobj_array(o, "band_stats", s->n_bands);
    for (size_t i = 0; a && i < s->n_bands; i++) {
        struct cobj bo;
        size_t mark;
        if (cobj_open_elem(o, a, "band_stats", i, "OFPMeterBandStats", &bo,
                           &mark)) {
            cobj_u64(&bo, "packet_band_count",
                     s->band_stats[i].packet_band_count);
            cobj_u64(&bo, "byte_band_count", s->band_stats[i].byte_band_count);
            cobj_close_elem(&bo, mark);
        }
    }
}

/* Compares reply body entry 'i' (os-ken object 'bo', already open). */
static void
cmp_mp_reply_entry(struct cobj *bo, const struct ofp_multipart_reply *r,
                   size_t i)
{
    switch (r->type) {
    case OFPMP_FLOW:
        cmp_flow_stats(bo, &r->flow.stats[i], mp_entry_len(r, i));
        break;
    case OFPMP_TABLE: {
        const struct ofp_table_stats *s = &r->table.stats[i];
        cobj_u64(bo, "table_id", s->table_id);
        cobj_u64(bo, "active_count", s->active_count);
        cobj_u64(bo, "lookup_count", s->lookup_count);
        cobj_u64(bo, "matched_count", s->matched_count);
        break;
    }
    case OFPMP_PORT_STATS:
        cmp_port_stats(bo, &r->port_stats.stats[i]);
        break;
    case OFPMP_QUEUE: {
        const struct ofp_queue_stats *s = &r->queue.stats[i];
        cobj_u64(bo, "port_no", s->port_no);
        cobj_u64(bo, "queue_id", s->queue_id);
        cobj_u64(bo, "tx_bytes", s->tx_bytes);
        cobj_u64(bo, "tx_packets", s->tx_packets);
        cobj_u64(bo, "tx_errors", s->tx_errors);
        cobj_u64(bo, "duration_sec", s->duration_sec);
        cobj_u64(bo, "duration_nsec", s->duration_nsec);
        break;
    }
    case OFPMP_GROUP:
        cmp_group_stats(bo, &r->group.stats[i]);
        break;
    case OFPMP_GROUP_DESC: {
        const struct ofp_group_desc *d = &r->group_desc.descs[i];
        cobj_u64(bo, "length", mp_entry_len(r, i));
        cobj_u64(bo, "type", d->type);
        cobj_u64(bo, "group_id", d->group_id);
        cobj_buckets(bo, "buckets", &d->buckets);
        break;
    }
    case OFPMP_METER:
        cmp_meter_stats(bo, &r->meter.stats[i]);
        break;
    case OFPMP_METER_CONFIG: {
        const struct ofp_meter_config *m = &r->meter_config.configs[i];
        cobj_u64(bo, "length", mp_entry_len(r, i));
        cobj_u64(bo, "flags", m->flags);
        cobj_u64(bo, "meter_id", m->meter_id);
        cobj_bands(bo, "bands", &m->bands);
        break;
    }
    default:
        break;
    }
}

/* os-ken's class for one entry of a reply body that is a list. */
static const char *
ryu_mp_entry_class(uint16_t type)
{
    switch (type) {
    case OFPMP_FLOW:
        return "OFPFlowStats";
    case OFPMP_TABLE:
        return "OFPTableStats";
    case OFPMP_PORT_STATS:
        return "OFPPortStats";
    case OFPMP_QUEUE:
        return "OFPQueueStats";
    case OFPMP_GROUP:
        return "OFPGroupStats";
    case OFPMP_GROUP_DESC:
        return "OFPGroupDescStats";
    case OFPMP_METER:
        return "OFPMeterStats";
    case OFPMP_METER_CONFIG:
        return "OFPMeterConfigStats";
    default:
        return NULL;
    }
}

/* Opens the single-object "body" of a reply as 'cls'. */
static bool
cobj_open_body(struct cobj *o, const char *cls, struct cobj *bo, size_t *mark)
{
    const json_t *b = cobj_get(o, "body");
    if (!b) {
        return false;
    }
    *mark = cmp_push(o->c, ".body");
    if (cobj_open(o->c, b, cls, bo)) {
        return true;
    }
    cmp_pop(o->c, *mark);
    return false;
}

static void
cmp_mp_reply(struct cobj *o, const struct ofp_multipart_reply *r)
{
    struct cobj bo;
    size_t mark;

    cobj_u64(o, "type", r->type);
    cobj_u64(o, "flags", r->flags);
    switch (r->type) {
    case OFPMP_DESC:
        if (cobj_open_body(o, "OFPDescStats", &bo, &mark)) {
            cobj_str(&bo, "mfr_desc", r->desc->mfr_desc);
            cobj_str(&bo, "hw_desc", r->desc->hw_desc);
            cobj_str(&bo, "sw_desc", r->desc->sw_desc);
            cobj_str(&bo, "serial_num", r->desc->serial_num);
            cobj_str(&bo, "dp_desc", r->desc->dp_desc);
            cobj_close_elem(&bo, mark);
        }
        break;
    case OFPMP_AGGREGATE:
        if (cobj_open_body(o, "OFPAggregateStats", &bo, &mark)) {
            cobj_u64(&bo, "packet_count", r->aggregate.packet_count);
            cobj_u64(&bo, "byte_count", r->aggregate.byte_count);
            cobj_u64(&bo, "flow_count", r->aggregate.flow_count);
            cobj_close_elem(&bo, mark);
        }
        break;
    case OFPMP_GROUP_FEATURES:
        if (cobj_open_body(o, "OFPGroupFeaturesStats", &bo, &mark)) {
            const struct ofp_group_features *g = &r->group_features;
            cobj_u64(&bo, "types", g->types);
            cobj_u64(&bo, "capabilities", g->capabilities);
            cobj_int_array(&bo, "max_groups", g->max_groups, 4, 4);
            cobj_int_array(&bo, "actions", g->actions, 4, 4);
            cobj_close_elem(&bo, mark);
        }
        break;
    case OFPMP_METER_FEATURES: {
        /* os-ken gives a list of one. */
        const json_t *a = cobj_array(o, "body", 1);
        if (a && cobj_open_elem(o, a, "body", 0, "OFPMeterFeaturesStats", &bo,
                                &mark)) {
            const struct ofp_meter_features *m = &r->meter_features;
            cobj_u64(&bo, "max_meter", m->max_meter);
            cobj_u64(&bo, "band_types", m->band_types);
            cobj_u64(&bo, "capabilities", m->capabilities);
            cobj_u64(&bo, "max_bands", m->max_bands);
            cobj_u64(&bo, "max_color", m->max_color);
            cobj_close_elem(&bo, mark);
        }
        break;
    }
    case OFPMP_TABLE_FEATURES:
        cobj_table_features(o, "body", r->table_features.tables,
                            r->table_features.n);
        break;
    case OFPMP_PORT_DESC: {
        const json_t *a = cobj_array(o, "body", r->port_desc.n);
        for (size_t i = 0; a && i < r->port_desc.n; i++) {
            mark = cmp_push(o->c, ".body[%zu]", i);
            cmp_port(o->c, json_array_get(a, i), &r->port_desc.ports[i]);
            cmp_pop(o->c, mark);
        }
        break;
    }
    case OFPMP_EXPERIMENTER:
        if (cobj_open_body(o, "OFPExperimenterMultipart", &bo, &mark)) {
            cobj_u64(&bo, "experimenter", r->experimenter.experimenter);
            cobj_u64(&bo, "exp_type", r->experimenter.exp_type);
            cobj_bytes(&bo, "data", r->experimenter.data, r->experimenter.len);
            cobj_close_elem(&bo, mark);
        }
        break;
    default: {
        const char *cls = ryu_mp_entry_class(r->type);
        size_t n = ofp_mp_reply_n_entries(r);
        const json_t *a = cls ? cobj_array(o, "body", n) : NULL;
        for (size_t i = 0; a && i < n; i++) {
            if (cobj_open_elem(o, a, "body", i, cls, &bo, &mark)) {
                cmp_mp_reply_entry(&bo, r, i);
                cobj_close_elem(&bo, mark);
            }
        }
        break;
    }
    }
}

/* ---- messages ---- */

static const char *const ryu_msg_classes[] = {
    [OFPT_HELLO] = "OFPHello",
    [OFPT_ERROR] = "OFPErrorMsg",
    [OFPT_ECHO_REQUEST] = "OFPEchoRequest",
    [OFPT_ECHO_REPLY] = "OFPEchoReply",
    [OFPT_EXPERIMENTER] = "OFPExperimenter",
    [OFPT_FEATURES_REQUEST] = "OFPFeaturesRequest",
    [OFPT_FEATURES_REPLY] = "OFPSwitchFeatures",
    [OFPT_GET_CONFIG_REQUEST] = "OFPGetConfigRequest",
    [OFPT_GET_CONFIG_REPLY] = "OFPGetConfigReply",
    [OFPT_SET_CONFIG] = "OFPSetConfig",
    [OFPT_PACKET_IN] = "OFPPacketIn",
    [OFPT_FLOW_REMOVED] = "OFPFlowRemoved",
    [OFPT_PORT_STATUS] = "OFPPortStatus",
    [OFPT_PACKET_OUT] = "OFPPacketOut",
    [OFPT_FLOW_MOD] = "OFPFlowMod",
    [OFPT_GROUP_MOD] = "OFPGroupMod",
    [OFPT_PORT_MOD] = "OFPPortMod",
    [OFPT_TABLE_MOD] = "OFPTableMod",
    [OFPT_MULTIPART_REQUEST] = NULL,
    [OFPT_MULTIPART_REPLY] = NULL,
    [OFPT_BARRIER_REQUEST] = "OFPBarrierRequest",
    [OFPT_BARRIER_REPLY] = "OFPBarrierReply",
    [OFPT_QUEUE_GET_CONFIG_REQUEST] = "OFPQueueGetConfigRequest",
    [OFPT_QUEUE_GET_CONFIG_REPLY] = "OFPQueueGetConfigReply",
    [OFPT_ROLE_REQUEST] = "OFPRoleRequest",
    [OFPT_ROLE_REPLY] = "OFPRoleReply",
    [OFPT_GET_ASYNC_REQUEST] = "OFPGetAsyncRequest",
    [OFPT_GET_ASYNC_REPLY] = "OFPGetAsyncReply",
    [OFPT_SET_ASYNC] = "OFPSetAsync",
    [OFPT_METER_MOD] = "OFPMeterMod",
};

/* Writes os-ken's class name for 'msg' into 'buf'. */
static void
ryu_msg_class(const struct ofp_msg *msg, char *buf, size_t size)
{
    if (msg->type == OFPT_MULTIPART_REQUEST &&
        msg->mp_request.type == OFPMP_EXPERIMENTER &&
        msg->mp_request.experimenter.experimenter == ONF_EXPERIMENTER_ID &&
        msg->mp_request.experimenter.exp_type == 1870) {
        /* ONF extension 1870 (flow monitor), which os-ken knows. */
        snprintf(buf, size, "ONFFlowMonitorStatsRequest");
    } else if (msg->type == OFPT_MULTIPART_REQUEST) {
        ryu_mp_class(msg->mp_request.type, false, buf, size);
    } else if (msg->type == OFPT_MULTIPART_REPLY) {
        ryu_mp_class(msg->mp_reply.type, true, buf, size);
    } else {
        snprintf(buf, size, "%s",
                 msg->type <= OFPT_MAX && ryu_msg_classes[msg->type]
                     ? ryu_msg_classes[msg->type]
                     : "unknown");
    }
}

static void
cmp_hello(struct cobj *o, const struct ofp_hello *h)
{
    const json_t *a = cobj_array(o, "elements", h->n_elems);
    for (size_t i = 0; a && i < h->n_elems; i++) {
        const struct ofp_hello_elem *e = &h->elems[i];
        uint32_t versions[256];
        size_t n = 0;
        struct cobj eo;
        size_t mark;

        if (e->type != OFPHET_VERSIONBITMAP) {
            cmp_fail(o->c, "HELLO element %zu: type %u has no os-ken form", i,
                     e->type);
            return;
        }
        for (size_t w = 0; w < e->n_bitmaps && w < 8; w++) {
            for (unsigned int bit = 0; bit < 32; bit++) {
                if (e->bitmaps[w] & (UINT32_C(1) << bit)) {
                    versions[n++] = (uint32_t) (w * 32 + bit);
                }
            }
        }
        if (cobj_open_elem(o, a, "elements", i, "OFPHelloElemVersionBitmap",
                           &eo, &mark)) {
            cobj_u64(&eo, "type", e->type);
            cobj_u64(&eo, "length", 4 + 4 * e->n_bitmaps);
            cobj_int_array(&eo, "versions", versions, n, 4);
            cobj_close_elem(&eo, mark);
        }
    }
}

static void
cmp_error(struct cobj *o, const struct ofp_error_msg *e)
{
    cobj_u64(o, "type", e->type);
    if (e->type == OFPET_EXPERIMENTER) {
        const json_t *code = cobj_get(o, "code");
        if (code && !json_is_null(code)) {
            cmp_fail(o->c, "OFPErrorMsg.code: os-ken has a code for an "
                           "experimenter error");
        }
        cobj_u64(o, "exp_type", e->code);
        cobj_u64(o, "experimenter", e->experimenter);
    } else {
        cobj_u64(o, "code", e->code);
    }
    cobj_bytes(o, "data", e->data, e->len);
}

static void
cmp_async(struct cobj *o, const struct ofp_async_config *a)
{
    cobj_int_array(o, "packet_in_mask", a->packet_in_mask, 2, 4);
    cobj_int_array(o, "port_status_mask", a->port_status_mask, 2, 4);
    cobj_int_array(o, "flow_removed_mask", a->flow_removed_mask, 2, 4);
}

static void
cmp_flow_mod(struct cobj *o, const struct ofp_flow_mod *f)
{
    cobj_u64(o, "cookie", f->cookie);
    cobj_u64(o, "cookie_mask", f->cookie_mask);
    cobj_u64(o, "table_id", f->table_id);
    cobj_u64(o, "command", f->command);
    cobj_u64(o, "idle_timeout", f->idle_timeout);
    cobj_u64(o, "hard_timeout", f->hard_timeout);
    cobj_u64(o, "priority", f->priority);
    cobj_u64(o, "buffer_id", f->buffer_id);
    cobj_u64(o, "out_port", f->out_port);
    cobj_u64(o, "out_group", f->out_group);
    cobj_u64(o, "flags", f->flags);
    cobj_match(o, "match", &f->match);
    cobj_instructions(o, "instructions", &f->instructions);
}

static void
cmp_packet_out(struct cobj *o, const struct ofp_packet_out *p)
{
    cobj_u64(o, "buffer_id", p->buffer_id);
    cobj_u64(o, "in_port", p->in_port);
    cobj_u64(o, "actions_len", ofp_actions_wire_len(&p->actions));
    cobj_actions(o, "actions", &p->actions);
    if (json_is_object(json_object_get(o->body, "data"))) {
        /* os-ken parsed the frame with its packet library; we keep the
         * bytes (the byte round trip checks them). */
        cobj_opaque(o, "data");
    } else {
        cobj_bytes(o, "data", p->data, p->len);
    }
}

/* Compares the os-ken JSON 'root' of a whole message with 'msg'. */
static void
cmp_msg(struct cmp *c, const json_t *root, const struct ofp_msg *msg)
{
    char cls[64];
    struct cobj o;

    ryu_msg_class(msg, cls, sizeof cls);
    snprintf(c->path, sizeof c->path, "%s", cls);
    if (!cobj_open(c, root, cls, &o)) {
        return;
    }
    c->n_checked++; /* the class: os-ken read the same type */
    switch (msg->type) {
    case OFPT_HELLO:
        cmp_hello(&o, &msg->hello);
        break;
    case OFPT_ERROR:
        cmp_error(&o, &msg->error);
        break;
    case OFPT_ECHO_REQUEST:
    case OFPT_ECHO_REPLY:
        cobj_bytes(&o, "data", msg->echo.data, msg->echo.len);
        break;
    case OFPT_EXPERIMENTER:
        cobj_u64(&o, "experimenter", msg->experimenter.experimenter);
        cobj_u64(&o, "exp_type", msg->experimenter.exp_type);
        cobj_bytes(&o, "data", msg->experimenter.data, msg->experimenter.len);
        break;
    case OFPT_FEATURES_REPLY:
        cobj_u64(&o, "datapath_id", msg->features.datapath_id);
        cobj_u64(&o, "n_buffers", msg->features.n_buffers);
        cobj_u64(&o, "n_tables", msg->features.n_tables);
        cobj_u64(&o, "auxiliary_id", msg->features.auxiliary_id);
        cobj_u64(&o, "capabilities", msg->features.capabilities);
        break;
    case OFPT_GET_CONFIG_REPLY:
    case OFPT_SET_CONFIG:
        cobj_u64(&o, "flags", msg->config.flags);
        cobj_u64(&o, "miss_send_len", msg->config.miss_send_len);
        break;
    case OFPT_PACKET_IN:
        cobj_u64(&o, "buffer_id", msg->packet_in.buffer_id);
        cobj_u64(&o, "total_len", msg->packet_in.total_len);
        cobj_u64(&o, "reason", msg->packet_in.reason);
        cobj_u64(&o, "table_id", msg->packet_in.table_id);
        cobj_u64(&o, "cookie", msg->packet_in.cookie);
        cobj_match(&o, "match", &msg->packet_in.match);
        cobj_bytes(&o, "data", msg->packet_in.data, msg->packet_in.len);
        break;
    case OFPT_FLOW_REMOVED: {
        const struct ofp_flow_removed *f = &msg->flow_removed;
        cobj_u64(&o, "cookie", f->cookie);
        cobj_u64(&o, "priority", f->priority);
        cobj_u64(&o, "reason", f->reason);
        cobj_u64(&o, "table_id", f->table_id);
        cobj_u64(&o, "duration_sec", f->duration_sec);
        cobj_u64(&o, "duration_nsec", f->duration_nsec);
        cobj_u64(&o, "idle_timeout", f->idle_timeout);
        cobj_u64(&o, "hard_timeout", f->hard_timeout);
        cobj_u64(&o, "packet_count", f->packet_count);
        cobj_u64(&o, "byte_count", f->byte_count);
        cobj_match(&o, "match", &f->match);
        break;
    }
    case OFPT_PORT_STATUS: {
        const json_t *d = cobj_get(&o, "desc");
        cobj_u64(&o, "reason", msg->port_status.reason);
        if (d) {
            size_t mark = cmp_push(c, ".desc");
            cmp_port(c, d, &msg->port_status.desc);
            cmp_pop(c, mark);
        }
        break;
    }
    case OFPT_PACKET_OUT:
        cmp_packet_out(&o, &msg->packet_out);
        break;
    case OFPT_FLOW_MOD:
        cmp_flow_mod(&o, &msg->flow_mod);
        break;
    case OFPT_GROUP_MOD:
        cobj_u64(&o, "command", msg->group_mod.command);
        cobj_u64(&o, "type", msg->group_mod.type);
        cobj_u64(&o, "group_id", msg->group_mod.group_id);
        cobj_buckets(&o, "buckets", &msg->group_mod.buckets);
        break;
    case OFPT_PORT_MOD:
        cobj_u64(&o, "port_no", msg->port_mod.port_no);
        cobj_mac(&o, "hw_addr", msg->port_mod.hw_addr);
        cobj_u64(&o, "config", msg->port_mod.config);
        cobj_u64(&o, "mask", msg->port_mod.mask);
        cobj_u64(&o, "advertise", msg->port_mod.advertise);
        break;
    case OFPT_TABLE_MOD:
        cobj_u64(&o, "table_id", msg->table_mod.table_id);
        cobj_u64(&o, "config", msg->table_mod.config);
        break;
    case OFPT_MULTIPART_REQUEST:
        cmp_mp_request(&o, &msg->mp_request);
        break;
    case OFPT_MULTIPART_REPLY:
        cmp_mp_reply(&o, &msg->mp_reply);
        break;
    case OFPT_QUEUE_GET_CONFIG_REQUEST:
        cobj_u64(&o, "port", msg->queue_get_config_request.port);
        break;
    case OFPT_QUEUE_GET_CONFIG_REPLY:
        cobj_u64(&o, "port", msg->queue_get_config_reply.port);
        cobj_queues(&o, "queues", &msg->queue_get_config_reply.queues);
        break;
    case OFPT_ROLE_REQUEST:
    case OFPT_ROLE_REPLY:
        cobj_u64(&o, "role", msg->role.role);
        cobj_u64(&o, "generation_id", msg->role.generation_id);
        break;
    case OFPT_GET_ASYNC_REPLY:
    case OFPT_SET_ASYNC:
        cmp_async(&o, &msg->async);
        break;
    case OFPT_METER_MOD:
        cobj_u64(&o, "command", msg->meter_mod.command);
        cobj_u64(&o, "flags", msg->meter_mod.flags);
        cobj_u64(&o, "meter_id", msg->meter_mod.meter_id);
        cobj_bands(&o, "bands", &msg->meter_mod.bands);
        break;
    default:
        /* FEATURES_REQUEST, GET_CONFIG_REQUEST, BARRIER_*,
         * GET_ASYNC_REQUEST: no body, and os-ken writes no keys. */
        break;
    }
    cobj_close(&o);
}

/* Decodes Ryu packet 'name' (without ".packet") and compares it with its
 * JSON.  Returns true, or false with the reason in 'why'.  '*c' gets the
 * counts. */
static bool
ryu_semantics(const char *name, struct cmp *c, char *why, size_t size)
{
    char path[4096];
    size_t len;
    struct ofp_msg msg;
    bool ok = false;

    memset(c, 0, sizeof *c);
    snprintf(path, sizeof path, "%s/ryu-of13/packet_data/%s.packet", corpus,
             name);
    uint8_t *data = test_read_file(path, &len);
    snprintf(path, sizeof path, "%s/ryu-of13/json/%s.packet.json", corpus,
             name);
    json_t *root = load_ryu_json(path);

    if (!data || !root) {
        snprintf(why, size, "cannot read the %s", data ? "JSON" : "packet");
        goto out;
    }
    ofp_arena_reset(&arena);
    enum ofperr error = ofp_msg_decode(data, len, &msg, &arena);
    if (error) {
        snprintf(why, size, "decode failed: %s", ofperr_name(error));
        goto out;
    }
    cmp_msg(c, root, &msg);
    if (c->n_failures) {
        snprintf(why, size, "%zu mismatch(es); first at %s", c->n_failures,
                 c->why);
        goto out;
    }
    if (!c->n_checked) {
        snprintf(why, size, "nothing compared");
        goto out;
    }
    ok = true;

out:
    json_decref(root);
    free(data);
    return ok;
}

/* Asserts that every Ryu packet in 'names' agrees with its JSON. */
static void
check_ryu_semantics(const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct cmp c;
        char why[1400];
        bool ok = ryu_semantics(names[i], &c, why, sizeof why);
        ck_assert_msg(ok, "%s: %s", names[i], why);
        fprintf(stderr, "# semantics: %s: %zu values agree with os-ken%s",
                names[i], c.n_checked, c.n_opaque ? "" : "\n");
        if (c.n_opaque) {
            fprintf(stderr,
                    " (%zu keys inside extension bodies carried as "
                    "bytes)\n",
                    c.n_opaque);
        }
    }
}

#define CHECK_RYU(...)                                                        \
    do {                                                                      \
        static const char *const names_[] = {__VA_ARGS__};                    \
        check_ryu_semantics(names_, sizeof names_ / sizeof *names_);          \
    } while (0)

START_TEST(test_semantics_flow_mod)
{
    CHECK_RYU("4-2-ofp_flow_mod", "4-3-ofp_flow_mod", "4-46-ofp_flow_mod",
              "4-60-ofp_flow_mod", "libofproto-OFP13-flow_mod");
}
END_TEST

START_TEST(test_semantics_packet_in)
{
    CHECK_RYU("4-4-ofp_packet_in", "4-59-ofp_packet_in",
              "libofproto-OFP13-packet_in");
}
END_TEST

START_TEST(test_semantics_features_reply)
{
    CHECK_RYU("4-6-ofp_features_reply", "libofproto-OFP13-features_reply");
}
END_TEST

START_TEST(test_semantics_port_status)
{
    CHECK_RYU("4-39-ofp_port_status", "libofproto-OFP13-port_status");
}
END_TEST

START_TEST(test_semantics_flow_stats_reply)
{
    CHECK_RYU("4-12-ofp_flow_stats_reply");
}
END_TEST

START_TEST(test_semantics_port_stats_reply)
{
    CHECK_RYU("4-30-ofp_port_stats_reply");
}
END_TEST

START_TEST(test_semantics_group_replies)
{
    CHECK_RYU("4-58-ofp_group_stats_reply", "4-34-ofp_group_desc_reply");
}
END_TEST

START_TEST(test_semantics_meter_replies)
{
    CHECK_RYU("4-50-ofp_meter_stats_reply", "4-48-ofp_meter_config_reply");
}
END_TEST

START_TEST(test_semantics_table_features_reply)
{
    CHECK_RYU("4-56-ofp_table_features_reply");
}
END_TEST

struct sem_run {
    size_t n_ok;
    size_t n_values;
    size_t n_opaque;
    size_t n_failed;
    char first_failure[1700];
};

static void
sem_visit(const char *path, const char *file, void *run_)
{
    struct sem_run *run = run_;
    char name[256];
    char why[1400];
    struct cmp c;
    size_t n = strlen(file) - strlen(".packet");

    (void) path;
    snprintf(name, sizeof name, "%.*s", (int) n, file);
    if (ryu_semantics(name, &c, why, sizeof why)) {
        run->n_ok++;
        run->n_values += c.n_checked;
        run->n_opaque += c.n_opaque;
    } else {
        fprintf(stderr, "# FAIL semantics %s: %s\n", name, why);
        if (!run->n_failed++) {
            snprintf(run->first_failure, sizeof run->first_failure, "%s: %s",
                     name, why);
        }
    }
}

START_TEST(test_semantics_every_ryu_packet)
{
    /* Beyond the kinds above: every Ryu packet has a JSON, and they must
     * all agree, extension bodies aside. */
    struct sem_run run = {0};
    char path[4096];

    corpus_path(path, sizeof path, "ryu-of13/packet_data");
    size_t n = test_for_each_file(path, ".packet", sem_visit, &run);
    fprintf(stderr,
            "# semantics: %zu of %zu Ryu packets agree with os-ken "
            "(%zu values compared; %zu keys inside Nicira/ONF extension "
            "bodies carried as bytes, not compared)\n",
            run.n_ok, n, run.n_values, run.n_opaque);
    ck_assert_msg(run.n_failed == 0, "%zu of %zu failed; first: %s",
                  run.n_failed, n, run.first_failure);
    ck_assert_uint_eq(run.n_ok, 104);
}
END_TEST

/* The comparison itself must catch a difference: a value changed in the
 * decoded struct is reported at its path, and so is a key os-ken writes
 * that the mapping does not compare. */
START_TEST(test_semantics_detects_a_changed_value)
{
    char path[4096];
    size_t len;
    struct ofp_msg msg;
    struct cmp c;

    corpus_path(path, sizeof path,
                "ryu-of13/packet_data/4-2-ofp_flow_mod.packet");
    uint8_t *data = test_read_file(path, &len);
    corpus_path(path, sizeof path,
                "ryu-of13/json/4-2-ofp_flow_mod.packet.json");
    json_t *root = load_ryu_json(path);
    ck_assert_ptr_nonnull(data);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(ofp_msg_decode(data, len, &msg, &arena), 0);

    memset(&c, 0, sizeof c);
    cmp_msg(&c, root, &msg);
    ck_assert_uint_eq(c.n_failures, 0);

    /* The last action of the first instruction is OUTPUT to port 6. */
    struct ofp_action_list *l =
        &msg.flow_mod.instructions.instructions[0].actions;
    ck_assert_uint_eq(l->actions[l->n - 1].output.port, 6);
    l->actions[l->n - 1].output.port = 7;
    memset(&c, 0, sizeof c);
    cmp_msg(&c, root, &msg);
    ck_assert_uint_eq(c.n_failures, 1);
    ck_assert_msg(strstr(c.why, "instructions[0].actions[17]") &&
                      strstr(c.why, "port"),
                  "%s", c.why);
    l->actions[l->n - 1].output.port = 6;

    /* A MAC in the match. */
    msg.flow_mod.match.oxms[0].value.mac[5] ^= 1;
    memset(&c, 0, sizeof c);
    cmp_msg(&c, root, &msg);
    ck_assert_uint_eq(c.n_failures, 1);
    ck_assert_msg(strstr(c.why, "match.oxm_fields[0]") &&
                      strstr(c.why, "f20ba47df8eb"),
                  "%s", c.why);
    msg.flow_mod.match.oxms[0].value.mac[5] ^= 1;

    /* A key os-ken writes that no mapping compares. */
    json_object_set_new(json_object_get(root, "OFPFlowMod"), "surprise",
                        json_integer(1));
    memset(&c, 0, sizeof c);
    cmp_msg(&c, root, &msg);
    ck_assert_uint_eq(c.n_failures, 1);
    ck_assert_msg(strstr(c.why, "OFPFlowMod.surprise: no mapping"), "%s",
                  c.why);

    json_decref(root);
    free(data);
}
END_TEST

static Suite *
corpus_suite(void)
{
    Suite *s = suite_create("corpus");
    TCase *tc;

    tc = tcase_create("roundtrip");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ryu_packets_roundtrip);
    tcase_add_test(tc, test_ryu_truncated64_marker_is_bad_len);
    tcase_add_test(tc, test_kytos_dumps_roundtrip);
    tcase_add_test(tc, test_loxigen_messages_roundtrip);
    tcase_add_test(tc, test_ryu_pcap_payloads);
    suite_add_tcase(s, tc);

    tc = tcase_create("fragments");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_loxigen_every_fragment_is_classified);
    tcase_add_test(tc, test_loxigen_action_fragments);
    tcase_add_test(tc, test_loxigen_instruction_fragments);
    tcase_add_test(tc, test_loxigen_oxm_fragments);
    tcase_add_test(tc, test_loxigen_match_fragment);
    tcase_add_test(tc, test_loxigen_hello_elem_fragment);
    tcase_add_test(tc, test_loxigen_action_id_fragment);
    tcase_add_test(tc, test_loxigen_instruction_id_fragment);
    suite_add_tcase(s, tc);

    tc = tcase_create("semantics");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_semantics_flow_mod);
    tcase_add_test(tc, test_semantics_packet_in);
    tcase_add_test(tc, test_semantics_features_reply);
    tcase_add_test(tc, test_semantics_port_status);
    tcase_add_test(tc, test_semantics_flow_stats_reply);
    tcase_add_test(tc, test_semantics_port_stats_reply);
    tcase_add_test(tc, test_semantics_group_replies);
    tcase_add_test(tc, test_semantics_meter_replies);
    tcase_add_test(tc, test_semantics_table_features_reply);
    tcase_add_test(tc, test_semantics_every_ryu_packet);
    tcase_add_test(tc, test_semantics_detects_a_changed_value);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    if (!test_corpus_dir()) {
        printf("1..0 # SKIP corpus absent: set SLUICE_CORPUS or put it at "
               "../shared/corpus\n");
        return 0;
    }
    return test_run_suite(corpus_suite());
}
