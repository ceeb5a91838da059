/* libFuzzer target for the OpenFlow 1.3 message codec (make fuzz).
 *
 * Each input is decoded three ways: as one whole message (as it is, and
 * with its header length set to the input's size, so that mutations that
 * insert or erase bytes still reach the body), as a stream of messages
 * framed by their header length (what a connection does), and as
 * bare match / action list / instruction list bodies (the sub-codecs the
 * LoxiGen fragments in the corpus exercise).  Whatever decodes goes through
 * the semantic checks (ofp_match_check(), ofp_actions_check(), ...), is
 * turned into JSON (serialised, then freed), re-encoded, decoded again and
 * re-encoded again: the two encodings must be equal, or the target aborts
 * and libFuzzer keeps the input.  Every decode reads from a heap copy that
 * ends exactly where the bytes end, so an over-read is an ASan report.
 */
#include <config.h>

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-json.h"
#include "ofproto/ofp-match.h"
#include "ofproto/ofp-msgs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ofp_arena arena;
static struct ofp_wbuf w1, w2;

static void
fuzz_die(const char *what, const void *data, size_t n)
{
    const uint8_t *p = data;
    fprintf(stderr, "fuzz-ofp-msg: %s; %zu bytes:\n", what, n);
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "%02x", p[i]);
    }
    fprintf(stderr, "\n");
    abort();
}

/* Returns a heap copy of 'n' bytes that ends where they end (caller
 * frees). */
static uint8_t *
fuzz_copy(const void *data, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    if (!p) {
        abort();
    }
    if (n) {
        memcpy(p, data, n);
    }
    return p;
}

/* Returns true if 'w1' and 'w2' hold the same bytes. */
static bool
fuzz_same(void)
{
    return w1.len == w2.len && (!w1.len || !memcmp(w1.data, w2.data, w1.len));
}

/* Serialises and frees 'j' (which must not be NULL). */
static void
fuzz_json(json_t *j, const char *what, const void *data, size_t n)
{
    if (!j) {
        fuzz_die(what, data, n);
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    if (!s) {
        fuzz_die("JSON form does not serialise", data, n);
    }
    free(s);
    json_decref(j);
}

/* Checks that 'w1' (an encoding of something decoded from 'data') decodes
 * as a message again and re-encodes to the same bytes. */
static void
fuzz_msg_again(const uint8_t *data, size_t size)
{
    uint8_t *copy = fuzz_copy(w1.data, w1.len);
    struct ofp_msg msg;

    ofp_arena_reset(&arena);
    enum ofperr e = ofp_msg_decode(copy, w1.len, &msg, &arena);
    if (e) {
        fprintf(stderr, "re-encoding rejected: %s\n", ofperr_name(e));
        fuzz_die("re-encoding does not decode", data, size);
    }
    ofp_wbuf_clear(&w2);
    if (ofp_msg_encode(&w2, &msg)) {
        fuzz_die("second encoding failed", data, size);
    }
    if (!fuzz_same()) {
        fuzz_die("encodings differ", data, size);
    }
    free(copy);
}

/* Decodes 'size' bytes at 'data' (an exact heap copy) as one message. */
static void
fuzz_msg(const uint8_t *data, size_t size)
{
    struct ofp_msg msg;

    ofp_arena_reset(&arena);
    enum ofperr e = ofp_msg_decode(data, size, &msg, &arena);
    if (e) {
        if (!ofperr_is_valid(e)) {
            fuzz_die("decode returned an unknown error", data, size);
        }
        return;
    }
    if (msg.type == OFPT_HELLO) {
        (void) ofp_hello_offers(&msg, OFP13_VERSION);
    } else if (msg.type == OFPT_FLOW_MOD) {
        (void) ofp_match_check(&msg.flow_mod.match);
        (void) ofp_instructions_check(&msg.flow_mod.instructions);
    } else if (msg.type == OFPT_PACKET_OUT) {
        (void) ofp_actions_check(&msg.packet_out.actions);
    }
    fuzz_json(ofp_json_msg(&msg), "no JSON for a decoded message", data, size);
    ofp_wbuf_clear(&w1);
    e = ofp_msg_encode(&w1, &msg);
    if (e) {
        fprintf(stderr, "encode: %s\n", ofperr_name(e));
        fuzz_die("decoded message does not encode", data, size);
    }
    if (msg.type == OFPT_PACKET_OUT) {
        /* The hot path's encoder writes the same bytes. */
        ofp_wbuf_clear(&w2);
        if (ofp_packet_out_encode(&w2, msg.xid, &msg.packet_out) ||
            !fuzz_same()) {
            fuzz_die("ofp_packet_out_encode() differs", data, size);
        }
    }
    fuzz_msg_again(data, size);
}

/* Splits 'data' into messages by their header length, as a connection
 * does, and decodes each. */
static void
fuzz_stream(const uint8_t *data, size_t size)
{
    while (size >= 8) {
        struct ofp_header h;
        if (ofp_header_decode(data, size, &h) || h.length > size) {
            return;
        }
        uint8_t *copy = fuzz_copy(data, h.length);
        fuzz_msg(copy, h.length);
        free(copy);
        data += h.length;
        size -= h.length;
    }
}

static void
fuzz_match(const uint8_t *data, size_t size)
{
    struct ofp_match match;
    struct ofp_rd rd;

    ofp_arena_reset(&arena);
    ofp_rd_init(&rd, data, size);
    if (ofp_match_decode(&rd, &match, &arena)) {
        return;
    }
    (void) ofp_match_check(&match);
    fuzz_json(ofp_json_match(&match), "no JSON for a match", data, size);
    fuzz_json(ofp_json_match_ryu(&match), "no Ryu JSON for a match", data,
              size);
    ofp_wbuf_clear(&w1);
    ofp_match_encode(&w1, &match);
    if (w1.len != ofp_match_wire_len(&match)) {
        fuzz_die("match wire length disagrees with its encoding", data, size);
    }

    uint8_t *copy = fuzz_copy(w1.data, w1.len);
    ofp_arena_reset(&arena);
    ofp_rd_init(&rd, copy, w1.len);
    if (ofp_match_decode(&rd, &match, &arena) || rd.left) {
        fuzz_die("re-encoded match does not decode", data, size);
    }
    ofp_wbuf_clear(&w2);
    ofp_match_encode(&w2, &match);
    if (!fuzz_same()) {
        fuzz_die("match encodings differ", data, size);
    }
    free(copy);
}

static void
fuzz_actions(const uint8_t *data, size_t size)
{
    struct ofp_action_list list;
    struct ofp_rd rd;

    ofp_arena_reset(&arena);
    ofp_rd_init(&rd, data, size);
    if (ofp_actions_decode(&rd, &list, &arena)) {
        return;
    }
    (void) ofp_actions_check(&list);
    fuzz_json(ofp_json_actions(&list), "no JSON for actions", data, size);
    fuzz_json(ofp_json_actions_str(&list), "no JSON strings for actions", data,
              size);
    ofp_wbuf_clear(&w1);
    ofp_actions_encode(&w1, &list);
    if (w1.len != ofp_actions_wire_len(&list)) {
        fuzz_die("actions wire length disagrees with their encoding", data,
                 size);
    }

    uint8_t *copy = fuzz_copy(w1.data, w1.len);
    ofp_arena_reset(&arena);
    ofp_rd_init(&rd, copy, w1.len);
    if (ofp_actions_decode(&rd, &list, &arena)) {
        fuzz_die("re-encoded actions do not decode", data, size);
    }
    ofp_wbuf_clear(&w2);
    ofp_actions_encode(&w2, &list);
    if (!fuzz_same()) {
        fuzz_die("action encodings differ", data, size);
    }
    free(copy);
}

static void
fuzz_instructions(const uint8_t *data, size_t size)
{
    struct ofp_instruction_list list;
    struct ofp_rd rd;

    ofp_arena_reset(&arena);
    ofp_rd_init(&rd, data, size);
    if (ofp_instructions_decode(&rd, &list, &arena)) {
        return;
    }
    (void) ofp_instructions_check(&list);
    fuzz_json(ofp_json_instructions(&list), "no JSON for instructions", data,
              size);
    fuzz_json(ofp_json_instructions_str(&list),
              "no JSON strings for instructions", data, size);
    fuzz_json(ofp_json_instructions_ryu(&list), "no Ryu JSON for instructions",
              data, size);
    ofp_wbuf_clear(&w1);
    ofp_instructions_encode(&w1, &list);
    if (w1.len != ofp_instructions_wire_len(&list)) {
        fuzz_die("instructions wire length disagrees with their encoding",
                 data, size);
    }

    uint8_t *copy = fuzz_copy(w1.data, w1.len);
    ofp_arena_reset(&arena);
    ofp_rd_init(&rd, copy, w1.len);
    if (ofp_instructions_decode(&rd, &list, &arena)) {
        fuzz_die("re-encoded instructions do not decode", data, size);
    }
    ofp_wbuf_clear(&w2);
    ofp_instructions_encode(&w2, &list);
    if (!fuzz_same()) {
        fuzz_die("instruction encodings differ", data, size);
    }
    free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int initialised;
    if (!initialised) {
        ofp_arena_init(&arena);
        ofp_wbuf_init(&w1);
        ofp_wbuf_init(&w2);
        initialised = 1;
    }

    fuzz_msg(data, size);

    /* Most mutations change the size, which the header length then no
     * longer matches: decode a copy whose length says the size, so that
     * the body behind a mutated length is reached too. */
    if (size >= 8 && size <= UINT16_MAX &&
        (data[2] << 8 | data[3]) != (int) size) {
        uint8_t *copy = fuzz_copy(data, size);
        copy[2] = (uint8_t) (size >> 8);
        copy[3] = (uint8_t) size;
        fuzz_msg(copy, size);
        free(copy);
    }

    struct ofp_header h;
    if (!ofp_header_decode(data, size, &h) && h.length < size) {
        fuzz_stream(data, size);
    }

    fuzz_match(data, size);
    fuzz_actions(data, size);
    fuzz_instructions(data, size);
    return 0;
}
