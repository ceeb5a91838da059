/* libFuzzer target for the Ryu ofctl JSON body parser (make fuzz).
 *
 * Each input is read as JSON text (jansson, as the REST API reads a body)
 * and, when it loads, handed to every parser of ofproto/ofp-json-parse.c
 * the REST API calls: flow mod, group mod, meter mod (each with one of
 * the commands the REST routes give, picked by the input's size), port
 * mod, flow and aggregate stats filters, dpid, one action (as the REST
 * API reads a path value or an experimenter body), and the bare match,
 * action list and instruction list parsers on the body and on its
 * "match" / "actions" members.  Whatever
 * the input, a parser must return 0, EINVAL with a message "<path>: ...",
 * or ENOMEM.  What parses must encode (ofp_msg_encode()), decode again,
 * re-encode to the same bytes and have a JSON form; a match must pass
 * through its own encoder and decoder.  A broken promise aborts, so
 * libFuzzer keeps the input.
 */
#include <config.h>

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-json.h"
#include "ofproto/ofp-msgs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ofp_arena arena, arena2;
static struct ofp_wbuf w1, w2;

static void
fuzz_die(const char *what, const char *detail, const void *data, size_t n)
{
    fprintf(stderr, "fuzz-json-flow: %s (%s); input: %.*s\n", what,
            detail ? detail : "", (int) (n > 4096 ? 4096 : n),
            (const char *) data);
    abort();
}

/* Checks a parser's return 'rc' and message 'err'. */
static void
fuzz_check_rc(int rc, const char *err, const char *who, const void *data,
              size_t size)
{
    if (rc == 0 || rc == ENOMEM) {
        return;
    }
    if (rc != EINVAL) {
        fuzz_die("a parser returned neither 0, EINVAL nor ENOMEM", who, data,
                 size);
    }
    if (!strstr(err, ": ") || err[0] == ':') {
        fuzz_die("an error message does not name a field", err, data, size);
    }
}

/* Serialises and frees 'j', which must not be NULL. */
static void
fuzz_json(json_t *j, const char *who, const void *data, size_t size)
{
    if (!j) {
        fuzz_die("no JSON form", who, data, size);
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s) {
        fuzz_die("JSON form does not serialise", who, data, size);
    }
    free(s);
    json_decref(j);
}

/* Encodes 'msg', decodes and re-encodes it: the encodings must agree. */
static void
fuzz_encode(const struct ofp_msg *msg, const char *who, const void *data,
            size_t size)
{
    struct ofp_msg back;

    ofp_wbuf_clear(&w1);
    enum ofperr e = ofp_msg_encode(&w1, msg);
    if (e) {
        fuzz_die("a parsed message does not encode", ofperr_name(e), data,
                 size);
    }
    uint8_t *copy = malloc(w1.len);
    if (!copy) {
        abort();
    }
    memcpy(copy, w1.data, w1.len);
    ofp_arena_reset(&arena2);
    e = ofp_msg_decode(copy, w1.len, &back, &arena2);
    if (e) {
        fuzz_die("a parsed message's encoding does not decode", ofperr_name(e),
                 data, size);
    }
    ofp_wbuf_clear(&w2);
    if (ofp_msg_encode(&w2, &back) || w1.len != w2.len ||
        memcmp(w1.data, w2.data, w1.len)) {
        fuzz_die("encodings differ", who, data, size);
    }
    fuzz_json(ofp_json_msg(&back), who, data, size);
    free(copy);
}

static void
fuzz_parts(const json_t *body, const void *data, size_t size)
{
    const json_t *m = json_object_get(body, "match");
    const json_t *a = json_object_get(body, "actions");
    struct ofp_match match;
    struct ofp_action action;
    struct ofp_action_list actions;
    struct ofp_instruction_list insts;
    char err[256];
    int rc;

    ofp_arena_reset(&arena);
    rc = ofp_json_parse_action(body, &action, &arena, err, sizeof err);
    fuzz_check_rc(rc, err, "action", data, size);
    if (!rc) {
        struct ofp_action_list one = {.n = 1, .actions = &action};
        fuzz_json(ofp_json_actions(&one), "action", data, size);
    }

    ofp_arena_reset(&arena);
    rc = ofp_json_parse_match(m ? m : body, &match, &arena, err, sizeof err);
    fuzz_check_rc(rc, err, "match", data, size);
    if (!rc) {
        struct ofp_rd rd;
        struct ofp_match back;
        ofp_wbuf_clear(&w1);
        ofp_match_encode(&w1, &match);
        if (w1.len != ofp_match_wire_len(&match)) {
            fuzz_die("match wire length disagrees", NULL, data, size);
        }
        ofp_rd_init(&rd, w1.data, w1.len);
        if (ofp_match_decode(&rd, &back, &arena) || rd.left) {
            fuzz_die("a parsed match does not decode", NULL, data, size);
        }
        fuzz_json(ofp_json_match(&match), "match", data, size);
    }

    if (a) {
        ofp_arena_reset(&arena);
        rc = ofp_json_parse_actions(a, &actions, &arena, err, sizeof err);
        fuzz_check_rc(rc, err, "actions", data, size);
        if (!rc) {
            fuzz_json(ofp_json_actions(&actions), "actions", data, size);
        }
        ofp_arena_reset(&arena);
        rc = ofp_json_parse_instructions(a, &insts, &arena, err, sizeof err);
        fuzz_check_rc(rc, err, "instructions", data, size);
        if (!rc) {
            fuzz_json(ofp_json_instructions_ryu(&insts), "instructions", data,
                      size);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialised;
    if (!initialised) {
        ofp_arena_init(&arena);
        ofp_arena_init(&arena2);
        ofp_wbuf_init(&w1);
        ofp_wbuf_init(&w2);
        initialised = true;
    }

    json_error_t jerr;
    json_t *body =
        json_loadb((const char *) data, size, JSON_DECODE_ANY, &jerr);
    if (!body) {
        return 0;
    }

    struct ofp_msg msg;
    char err[256];
    uint64_t dpid;
    int32_t prio;
    int rc;

    rc = ofp_json_parse_dpid(body, &dpid, err, sizeof err);
    if (rc != ENOENT) {
        fuzz_check_rc(rc, err, "dpid", data, size);
    }

    /* The commands of /stats/flowentry/..., groupentry/..., and
     * meterentry/... */
    static const uint8_t flow_cmds[] = {OFPFC_ADD, OFPFC_MODIFY,
                                        OFPFC_MODIFY_STRICT, OFPFC_DELETE,
                                        OFPFC_DELETE_STRICT};
    static const uint16_t group_cmds[] = {OFPGC_ADD, OFPGC_MODIFY,
                                          OFPGC_DELETE};
    static const uint16_t meter_cmds[] = {OFPMC_ADD, OFPMC_MODIFY,
                                          OFPMC_DELETE};

    ofp_arena_reset(&arena);
    rc = ofp_json_parse_flow_mod(body, flow_cmds[size % 5], &msg, &arena, err,
                                 sizeof err);
    fuzz_check_rc(rc, err, "flow_mod", data, size);
    if (!rc) {
        fuzz_encode(&msg, "flow_mod", data, size);
    }

    ofp_arena_reset(&arena);
    rc = ofp_json_parse_group_mod(body, group_cmds[size % 3], &msg, &arena,
                                  err, sizeof err);
    fuzz_check_rc(rc, err, "group_mod", data, size);
    if (!rc) {
        fuzz_encode(&msg, "group_mod", data, size);
    }

    ofp_arena_reset(&arena);
    rc = ofp_json_parse_meter_mod(body, meter_cmds[size % 3], &msg, &arena,
                                  err, sizeof err);
    fuzz_check_rc(rc, err, "meter_mod", data, size);
    if (!rc) {
        fuzz_encode(&msg, "meter_mod", data, size);
    }

    rc = ofp_json_parse_port_mod(body, &msg, err, sizeof err);
    fuzz_check_rc(rc, err, "port_mod", data, size);
    if (!rc) {
        fuzz_encode(&msg, "port_mod", data, size);
    }

    for (int aggregate = 0; aggregate < 2; aggregate++) {
        ofp_arena_reset(&arena);
        rc = ofp_json_parse_flow_stats_request(body, aggregate, &msg, &prio,
                                               &arena, err, sizeof err);
        fuzz_check_rc(rc, err, "flow_stats_request", data, size);
        if (!rc) {
            if (prio < -1 || prio > 65535) {
                fuzz_die("priority filter out of range", NULL, data, size);
            }
            fuzz_encode(&msg, "flow_stats_request", data, size);
        }
    }

    if (json_is_object(body)) {
        fuzz_parts(body, data, size);
    }
    json_decref(body);
    return 0;
}
