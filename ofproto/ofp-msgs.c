/* ofp-msgs: every OpenFlow 1.3 message (types 0..29), decoded into struct
 * ofp_msg and encoded back.
 *
 * This is the top of the codec: it frames messages (the 8-byte header and
 * the length, version and type checks) and dispatches bodies through a
 * table built from OFP_MSG_LIST, one decode/encode pair per union member of
 * struct ofp_msg.  Nested structures come from the modules below: matches
 * (ofp-match), actions and instructions (ofp-actions), ports, buckets, bands
 * and queues (ofp-types), multipart bodies (ofp-multipart).
 *
 * Framing rule: a body decoder must account for every byte of the body.
 * Bytes left over after it returns (trailing bytes after a fixed-size body,
 * or after a match that ends a message) make the message OFPBRC_BAD_LEN, so
 * whatever decodes also re-encodes to the same bytes.
 */
#include <config.h>
#include "ofproto/ofp-msgs.h"

#include <string.h>

/* The arena could not supply memory (see ofp-types.c). */
#define OFP_MSGS_NOMEM OFPERR_OFPBRC_BAD_LEN

/* Fixed parts of the bodies the hot path decodes and encodes in one
 * bounds check or reservation: PACKET_IN up to its match, PACKET_OUT up
 * to its actions. */
#define OFP_PACKET_IN_FIXED_LEN                                               \
    (OFP_PACKET_IN_LEN - OFP_HEADER_LEN - OFP_MATCH_MIN_LEN - 2)
#define OFP_PACKET_OUT_FIXED_LEN (OFP_PACKET_OUT_LEN - OFP_HEADER_LEN)
_Static_assert(OFP_PACKET_IN_FIXED_LEN == 16, "PACKET_IN fixed part");
_Static_assert(OFP_PACKET_OUT_FIXED_LEN == 16, "PACKET_OUT fixed part");

/* Returns the rest of 'rd' as a borrowed byte range ('*len' bytes). */
static const uint8_t *
rd_rest(struct ofp_rd *rd, size_t *len)
{
    *len = rd->left;
    return ofp_rd_pull(rd, rd->left);
}

/* Returns OFPBRC_BAD_LEN if 'rd' ran short, else 0. */
static enum ofperr
rd_status(const struct ofp_rd *rd)
{
    return rd->ok ? 0 : OFPERR_OFPBRC_BAD_LEN;
}

/* ---- empty bodies (FEATURES_REQUEST, GET_CONFIG_REQUEST, BARRIER_*,
 *      GET_ASYNC_REQUEST) ---- */

static enum ofperr
decode_none(struct ofp_rd *rd, struct ofp_msg *msg, struct ofp_arena *arena)
{
    (void) rd;
    (void) msg;
    (void) arena;
    return 0;
}

static void
encode_none(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    (void) out;
    (void) msg;
}

/* ---- HELLO ---- */

/* Decodes one HELLO element from 'rd' into 'elem': its 4-byte header and
 * 'length' - 4 bytes of body, but not the padding after it (the HELLO
 * decoder skips that and sets 'unpadded', left false here).  A
 * VERSIONBITMAP body becomes 'bitmaps' (from 'arena'); any other type is
 * kept opaque in 'len'/'data' (pointing into the input).  Returns 0, or
 * OFPBRC_BAD_LEN if 'length' is below 4, beyond the end of 'rd', or
 * (VERSIONBITMAP) not 4 plus a multiple of 4. */
enum ofperr
ofp_hello_elem_decode(struct ofp_rd *rd, struct ofp_hello_elem *elem,
                      struct ofp_arena *arena)
{
    struct ofp_rd er;

    memset(elem, 0, sizeof *elem);
    elem->type = ofp_rd_be16(rd);
    uint16_t len = ofp_rd_be16(rd);
    if (!rd->ok || len < OFP_HELLO_ELEM_HEADER_LEN ||
        !ofp_rd_sub(rd, len - OFP_HELLO_ELEM_HEADER_LEN, &er)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }

    if (elem->type == OFPHET_VERSIONBITMAP) {
        if (er.left % 4) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        elem->n_bitmaps = er.left / 4;
        elem->bitmaps =
            ofp_arena_calloc(arena, elem->n_bitmaps, sizeof *elem->bitmaps);
        if (!elem->bitmaps) {
            return OFP_MSGS_NOMEM;
        }
        for (size_t i = 0; i < elem->n_bitmaps; i++) {
            elem->bitmaps[i] = ofp_rd_be32(&er);
        }
    } else {
        elem->data = rd_rest(&er, &elem->len);
    }
    return 0;
}

/* Appends 'elem' to 'out': header with the unpadded 'length', then the body
 * (the bitmaps of a VERSIONBITMAP element, else 'data').  No padding: the
 * HELLO encoder adds it unless 'unpadded'. */
void
ofp_hello_elem_encode(struct ofp_wbuf *out, const struct ofp_hello_elem *elem)
{
    size_t start = out->len;

    ofp_wbuf_be16(out, elem->type);
    ofp_wbuf_be16(out, 0);
    if (elem->type == OFPHET_VERSIONBITMAP) {
        for (size_t i = 0; i < elem->n_bitmaps; i++) {
            ofp_wbuf_be32(out, elem->bitmaps[i]);
        }
    } else {
        ofp_wbuf_put(out, elem->data, elem->len);
    }
    ofp_wbuf_set_be16(out, start + 2, (uint16_t) (out->len - start));
}

/* Returns true if the 'n' bytes at 'p' are all zero. */
static bool
is_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Splits the next HELLO element off 'rd' into 'elem_rd' (its 'length'
 * bytes) and steps over the padding after it.  The specification pads
 * every element to 8 bytes with zeroes; LoxiGen and Ryu put the next
 * element right after the 'length' bytes.  Zero bytes where padding
 * belongs are padding (they cannot start an element, whose length is at
 * least 4, unless its type were 0, which is undefined); anything else
 * starts the next element, and '*unpadded' is set.  Returns false if the
 * element's 'length' is below 4 or runs past the end. */
static bool
hello_next_elem(struct ofp_rd *rd, struct ofp_rd *elem_rd, bool *unpadded)
{
    if (rd->left < OFP_HELLO_ELEM_HEADER_LEN) {
        return false;
    }
    uint16_t len = (uint16_t) ((rd->p[2] << 8) | rd->p[3]);
    if (len < OFP_HELLO_ELEM_HEADER_LEN || !ofp_rd_sub(rd, len, elem_rd)) {
        return false;
    }
    size_t pad = (8 - len % 8) % 8;
    *unpadded = !(pad <= rd->left && is_zero(rd->p, pad));
    if (!*unpadded) {
        ofp_rd_skip(rd, pad);
    }
    return true;
}

static enum ofperr
decode_hello(struct ofp_rd *rd, struct ofp_msg *msg, struct ofp_arena *arena)
{
    struct ofp_hello *hello = &msg->hello;
    struct ofp_rd scan = *rd;
    struct ofp_rd er;
    bool unpadded;

    /* Count first: an element can be as small as 4 bytes, so sizing the
     * array by the body would let a peer inflate the arena. */
    size_t n = 0;
    while (scan.left) {
        if (!hello_next_elem(&scan, &er, &unpadded)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        n++;
    }

    hello->n_elems = 0;
    hello->elems = ofp_arena_calloc(arena, n, sizeof *hello->elems);
    if (!hello->elems) {
        return OFP_MSGS_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        struct ofp_hello_elem *elem = &hello->elems[i];
        hello_next_elem(rd, &er, &unpadded);
        enum ofperr error = ofp_hello_elem_decode(&er, elem, arena);
        if (error) {
            return error;
        }
        elem->unpadded = unpadded;
        hello->n_elems++;
    }
    return 0;
}

static void
encode_hello(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    for (size_t i = 0; i < msg->hello.n_elems; i++) {
        const struct ofp_hello_elem *elem = &msg->hello.elems[i];
        size_t start = out->len;
        ofp_hello_elem_encode(out, elem);
        if (!elem->unpadded) {
            ofp_wbuf_pad_to(out, start, 8);
        }
    }
}

/* Returns true if HELLO 'hello' offers version 'v': bit 'v' of its first
 * VERSIONBITMAP element, or, with no such element, 'v' <= the header's
 * version.  Returns false if 'hello' is not a HELLO. */
bool
ofp_hello_offers(const struct ofp_msg *hello, uint8_t v)
{
    if (hello->type != OFPT_HELLO) {
        return false;
    }
    for (size_t i = 0; i < hello->hello.n_elems; i++) {
        const struct ofp_hello_elem *elem = &hello->hello.elems[i];
        if (elem->type == OFPHET_VERSIONBITMAP) {
            size_t word = v / 32;
            return (word < elem->n_bitmaps &&
                    (elem->bitmaps[word] >> (v % 32)) & 1);
        }
    }
    return v <= hello->version;
}

/* ---- ERROR ---- */

static enum ofperr
decode_error(struct ofp_rd *rd, struct ofp_msg *msg, struct ofp_arena *arena)
{
    struct ofp_error_msg *e = &msg->error;

    (void) arena;
    e->type = ofp_rd_be16(rd);
    e->code = ofp_rd_be16(rd);
    if (e->type == OFPET_EXPERIMENTER) {
        e->experimenter = ofp_rd_be32(rd);
    }
    e->data = rd_rest(rd, &e->len);
    return rd_status(rd);
}

static void
encode_error(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_error_msg *e = &msg->error;

    ofp_wbuf_be16(out, e->type);
    ofp_wbuf_be16(out, e->code);
    if (e->type == OFPET_EXPERIMENTER) {
        ofp_wbuf_be32(out, e->experimenter);
    }
    ofp_wbuf_put(out, e->data, e->len);
}

/* ---- ECHO_REQUEST / ECHO_REPLY ---- */

static enum ofperr
decode_echo(struct ofp_rd *rd, struct ofp_msg *msg, struct ofp_arena *arena)
{
    (void) arena;
    msg->echo.data = rd_rest(rd, &msg->echo.len);
    return 0;
}

static void
encode_echo(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    ofp_wbuf_put(out, msg->echo.data, msg->echo.len);
}

/* ---- EXPERIMENTER ---- */

static enum ofperr
decode_experimenter(struct ofp_rd *rd, struct ofp_msg *msg,
                    struct ofp_arena *arena)
{
    struct ofp_experimenter_msg *x = &msg->experimenter;

    (void) arena;
    x->experimenter = ofp_rd_be32(rd);
    x->exp_type = ofp_rd_be32(rd);
    x->data = rd_rest(rd, &x->len);
    return rd_status(rd);
}

static void
encode_experimenter(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_experimenter_msg *x = &msg->experimenter;

    ofp_wbuf_be32(out, x->experimenter);
    ofp_wbuf_be32(out, x->exp_type);
    ofp_wbuf_put(out, x->data, x->len);
}

/* ---- FEATURES_REPLY ---- */

static enum ofperr
decode_features(struct ofp_rd *rd, struct ofp_msg *msg,
                struct ofp_arena *arena)
{
    struct ofp_switch_features *f = &msg->features;

    (void) arena;
    f->datapath_id = ofp_rd_be64(rd);
    f->n_buffers = ofp_rd_be32(rd);
    f->n_tables = ofp_rd_u8(rd);
    f->auxiliary_id = ofp_rd_u8(rd);
    ofp_rd_skip(rd, 2);
    f->capabilities = ofp_rd_be32(rd);
    f->reserved = ofp_rd_be32(rd);
    return rd_status(rd);
}

static void
encode_features(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_switch_features *f = &msg->features;

    ofp_wbuf_be64(out, f->datapath_id);
    ofp_wbuf_be32(out, f->n_buffers);
    ofp_wbuf_u8(out, f->n_tables);
    ofp_wbuf_u8(out, f->auxiliary_id);
    ofp_wbuf_put_zeros(out, 2);
    ofp_wbuf_be32(out, f->capabilities);
    ofp_wbuf_be32(out, f->reserved);
}

/* ---- GET_CONFIG_REPLY / SET_CONFIG ---- */

static enum ofperr
decode_config(struct ofp_rd *rd, struct ofp_msg *msg, struct ofp_arena *arena)
{
    (void) arena;
    msg->config.flags = ofp_rd_be16(rd);
    msg->config.miss_send_len = ofp_rd_be16(rd);
    return rd_status(rd);
}

static void
encode_config(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    ofp_wbuf_be16(out, msg->config.flags);
    ofp_wbuf_be16(out, msg->config.miss_send_len);
}

/* ---- PACKET_IN ---- */

static enum ofperr
decode_packet_in(struct ofp_rd *rd, struct ofp_msg *msg,
                 struct ofp_arena *arena)
{
    struct ofp_packet_in *pin = &msg->packet_in;

    /* The fixed part in one bounds check.  If it is short, the match
     * decoder reports the missing match (the minimum length rules that
     * out anyway). */
    const uint8_t *p = ofp_rd_pull(rd, OFP_PACKET_IN_FIXED_LEN);
    if (p) {
        pin->buffer_id = ofp_load_be32(p);
        pin->total_len = ofp_load_be16(p + 4);
        pin->reason = p[6];
        pin->table_id = p[7];
        pin->cookie = ofp_load_be64(p + 8);
    }
    enum ofperr error = ofp_match_decode(rd, &pin->match, arena);
    if (error) {
        return error;
    }
    ofp_rd_skip(rd, 2);
    pin->data = rd_rest(rd, &pin->len);
    return rd_status(rd);
}

static void
encode_packet_in(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_packet_in *pin = &msg->packet_in;

    ofp_wbuf_be32(out, pin->buffer_id);
    ofp_wbuf_be16(out, pin->total_len);
    ofp_wbuf_u8(out, pin->reason);
    ofp_wbuf_u8(out, pin->table_id);
    ofp_wbuf_be64(out, pin->cookie);
    ofp_match_encode(out, &pin->match);
    ofp_wbuf_put_zeros(out, 2);
    ofp_wbuf_put(out, pin->data, pin->len);
}

/* ---- FLOW_REMOVED ---- */

static enum ofperr
decode_flow_removed(struct ofp_rd *rd, struct ofp_msg *msg,
                    struct ofp_arena *arena)
{
    struct ofp_flow_removed *fr = &msg->flow_removed;

    fr->cookie = ofp_rd_be64(rd);
    fr->priority = ofp_rd_be16(rd);
    fr->reason = ofp_rd_u8(rd);
    fr->table_id = ofp_rd_u8(rd);
    fr->duration_sec = ofp_rd_be32(rd);
    fr->duration_nsec = ofp_rd_be32(rd);
    fr->idle_timeout = ofp_rd_be16(rd);
    fr->hard_timeout = ofp_rd_be16(rd);
    fr->packet_count = ofp_rd_be64(rd);
    fr->byte_count = ofp_rd_be64(rd);
    if (!rd->ok) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    return ofp_match_decode(rd, &fr->match, arena);
}

static void
encode_flow_removed(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_flow_removed *fr = &msg->flow_removed;

    ofp_wbuf_be64(out, fr->cookie);
    ofp_wbuf_be16(out, fr->priority);
    ofp_wbuf_u8(out, fr->reason);
    ofp_wbuf_u8(out, fr->table_id);
    ofp_wbuf_be32(out, fr->duration_sec);
    ofp_wbuf_be32(out, fr->duration_nsec);
    ofp_wbuf_be16(out, fr->idle_timeout);
    ofp_wbuf_be16(out, fr->hard_timeout);
    ofp_wbuf_be64(out, fr->packet_count);
    ofp_wbuf_be64(out, fr->byte_count);
    ofp_match_encode(out, &fr->match);
}

/* ---- PORT_STATUS ---- */

static enum ofperr
decode_port_status(struct ofp_rd *rd, struct ofp_msg *msg,
                   struct ofp_arena *arena)
{
    (void) arena;
    msg->port_status.reason = ofp_rd_u8(rd);
    ofp_rd_skip(rd, 7);
    if (!rd->ok) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    return ofp_port_decode(rd, &msg->port_status.desc);
}

static void
encode_port_status(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    ofp_wbuf_u8(out, msg->port_status.reason);
    ofp_wbuf_put_zeros(out, 7);
    ofp_port_encode(out, &msg->port_status.desc);
}

/* ---- PACKET_OUT ---- */

static enum ofperr
decode_packet_out(struct ofp_rd *rd, struct ofp_msg *msg,
                  struct ofp_arena *arena)
{
    struct ofp_packet_out *po = &msg->packet_out;
    struct ofp_rd ar;

    po->buffer_id = ofp_rd_be32(rd);
    po->in_port = ofp_rd_be32(rd);
    uint16_t actions_len = ofp_rd_be16(rd);
    ofp_rd_skip(rd, 6);
    if (!ofp_rd_sub(rd, actions_len, &ar)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    enum ofperr error = ofp_actions_decode(&ar, &po->actions, arena);
    if (error) {
        return error;
    }
    po->data = rd_rest(rd, &po->len);
    return 0;
}

/* Appends a header with length 0; false if it did not fit. */
static bool
header_begin(struct ofp_wbuf *out, uint8_t version, uint8_t type,
             uint32_t xid)
{
    uint8_t *h = ofp_wbuf_reserve(out, OFP_HEADER_LEN);
    if (!h) {
        return false;
    }
    h[0] = version;
    h[1] = type;
    ofp_store_be16(h + 2, 0);
    ofp_store_be32(h + 4, xid);
    return true;
}

/* Ends the message begun at 'start' in 'out': sets its length, or takes it
 * back if it overflowed 'out' or 65535 bytes. */
static enum ofperr
header_end(struct ofp_wbuf *out, size_t start)
{
    size_t len = out->len - start;
    if (out->overflow || len > UINT16_MAX) {
        out->len = start;
        return OFPERR_OFPBRC_BAD_LEN;
    }
    /* No overflow: the header was reserved, and 'data' is current. */
    ofp_store_be16(out->data + start + 2, (uint16_t) len);
    return 0;
}

/* Appends the body of 'po' (everything after the header). */
static void
packet_out_body(struct ofp_wbuf *out, const struct ofp_packet_out *po)
{
    /* The fixed part in one reservation: a PACKET_OUT answers nearly
     * every PACKET_IN. */
    uint8_t *p = ofp_wbuf_reserve(out, OFP_PACKET_OUT_FIXED_LEN);
    if (!p) {
        return;
    }
    ofp_store_be32(p, po->buffer_id);
    ofp_store_be32(p + 4, po->in_port);
    memset(p + 8, 0, 8); /* actions_len, set below, and padding */
    size_t start = out->len;
    ofp_actions_encode(out, &po->actions);
    if (out->overflow) {
        return;
    }
    ofp_store_be16(out->data + start - 8, (uint16_t) (out->len - start));
    if (po->len) {
        ofp_wbuf_put(out, po->data, po->len);
    }
}

static void
encode_packet_out(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    packet_out_body(out, &msg->packet_out);
}

/* Writes the PACKET_OUT of ofp_packet_out_encode() whose actions are all
 * OUTPUTs and whose 'len' bytes fit the length field, into one
 * reservation.  Returns false, with nothing written, for any other. */
static bool
packet_out_of_outputs(struct ofp_wbuf *out, uint32_t xid,
                      const struct ofp_packet_out *po, enum ofperr *error)
{
    size_t n = po->actions.n;
    if (n > (UINT16_MAX - OFP_PACKET_OUT_LEN) / OFP_ACTION_OUTPUT_LEN) {
        return false;
    }
    size_t acts_len = n * OFP_ACTION_OUTPUT_LEN;
    if (po->len > UINT16_MAX - OFP_PACKET_OUT_LEN - acts_len) {
        return false; /* refused by the other path, as too long */
    }
    for (size_t i = 0; i < n; i++) {
        if (po->actions.actions[i].type != OFPAT_OUTPUT) {
            return false;
        }
    }
    size_t len = OFP_PACKET_OUT_LEN + acts_len + po->len;
    uint8_t *p = ofp_wbuf_reserve(out, len);
    if (!p) {
        *error = OFPERR_OFPBRC_BAD_LEN; /* a full fixed buffer */
        return true;
    }
    p[0] = OFP13_VERSION;
    p[1] = OFPT_PACKET_OUT;
    ofp_store_be16(p + 2, (uint16_t) len);
    ofp_store_be32(p + 4, xid);
    ofp_store_be32(p + 8, po->buffer_id);
    ofp_store_be32(p + 12, po->in_port);
    ofp_store_be16(p + 16, (uint16_t) acts_len);
    memset(p + 18, 0, 6);
    p += OFP_PACKET_OUT_LEN;
    for (size_t i = 0; i < n; i++, p += OFP_ACTION_OUTPUT_LEN) {
        ofp_action_output_store(p, &po->actions.actions[i]);
    }
    if (po->len) {
        memcpy(p, po->data, po->len);
    }
    *error = 0;
    return true;
}

enum ofperr
ofp_packet_out_encode(struct ofp_wbuf *out, uint32_t xid,
                      const struct ofp_packet_out *po)
{
    /* A controller's packet-outs are nearly all a flood or an output or
     * two: those go in one reservation, the others field by field. */
    enum ofperr error;
    if (packet_out_of_outputs(out, xid, po, &error)) {
        return error;
    }
    size_t start = out->len;
    if (header_begin(out, OFP13_VERSION, OFPT_PACKET_OUT, xid)) {
        packet_out_body(out, po);
    }
    return header_end(out, start);
}

/* ---- FLOW_MOD ---- */

static enum ofperr
decode_flow_mod(struct ofp_rd *rd, struct ofp_msg *msg,
                struct ofp_arena *arena)
{
    struct ofp_flow_mod *fm = &msg->flow_mod;

    fm->cookie = ofp_rd_be64(rd);
    fm->cookie_mask = ofp_rd_be64(rd);
    fm->table_id = ofp_rd_u8(rd);
    fm->command = ofp_rd_u8(rd);
    fm->idle_timeout = ofp_rd_be16(rd);
    fm->hard_timeout = ofp_rd_be16(rd);
    fm->priority = ofp_rd_be16(rd);
    fm->buffer_id = ofp_rd_be32(rd);
    fm->out_port = ofp_rd_be32(rd);
    fm->out_group = ofp_rd_be32(rd);
    fm->flags = ofp_rd_be16(rd);
    ofp_rd_skip(rd, 2);
    if (!rd->ok) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    enum ofperr error = ofp_match_decode(rd, &fm->match, arena);
    if (error) {
        return error;
    }
    return ofp_instructions_decode(rd, &fm->instructions, arena);
}

static void
encode_flow_mod(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_flow_mod *fm = &msg->flow_mod;

    /* The fixed part in one reservation: FLOW_MOD is the message a
     * controller sends most. */
    uint8_t *p = ofp_wbuf_reserve(out, OFP_FLOW_MOD_LEN - OFP_HEADER_LEN -
                                           OFP_MATCH_MIN_LEN);
    if (!p) {
        return;
    }
    ofp_store_be64(p, fm->cookie);
    ofp_store_be64(p + 8, fm->cookie_mask);
    p[16] = fm->table_id;
    p[17] = fm->command;
    ofp_store_be16(p + 18, fm->idle_timeout);
    ofp_store_be16(p + 20, fm->hard_timeout);
    ofp_store_be16(p + 22, fm->priority);
    ofp_store_be32(p + 24, fm->buffer_id);
    ofp_store_be32(p + 28, fm->out_port);
    ofp_store_be32(p + 32, fm->out_group);
    ofp_store_be16(p + 36, fm->flags);
    ofp_store_be16(p + 38, 0);
    ofp_match_encode(out, &fm->match);
    ofp_instructions_encode(out, &fm->instructions);
}

/* ---- GROUP_MOD ---- */

static enum ofperr
decode_group_mod(struct ofp_rd *rd, struct ofp_msg *msg,
                 struct ofp_arena *arena)
{
    struct ofp_group_mod *gm = &msg->group_mod;

    gm->command = ofp_rd_be16(rd);
    gm->type = ofp_rd_u8(rd);
    ofp_rd_skip(rd, 1);
    gm->group_id = ofp_rd_be32(rd);
    if (!rd->ok) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    return ofp_buckets_decode(rd, &gm->buckets, arena);
}

static void
encode_group_mod(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_group_mod *gm = &msg->group_mod;

    ofp_wbuf_be16(out, gm->command);
    ofp_wbuf_u8(out, gm->type);
    ofp_wbuf_put_zeros(out, 1);
    ofp_wbuf_be32(out, gm->group_id);
    ofp_buckets_encode(out, &gm->buckets);
}

/* ---- PORT_MOD ---- */

static enum ofperr
decode_port_mod(struct ofp_rd *rd, struct ofp_msg *msg,
                struct ofp_arena *arena)
{
    struct ofp_port_mod *pm = &msg->port_mod;

    (void) arena;
    pm->port_no = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 4);
    ofp_rd_bytes(rd, pm->hw_addr, OFP_ETH_ALEN);
    ofp_rd_skip(rd, 2);
    pm->config = ofp_rd_be32(rd);
    pm->mask = ofp_rd_be32(rd);
    pm->advertise = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 4);
    return rd_status(rd);
}

static void
encode_port_mod(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_port_mod *pm = &msg->port_mod;

    ofp_wbuf_be32(out, pm->port_no);
    ofp_wbuf_put_zeros(out, 4);
    ofp_wbuf_put(out, pm->hw_addr, OFP_ETH_ALEN);
    ofp_wbuf_put_zeros(out, 2);
    ofp_wbuf_be32(out, pm->config);
    ofp_wbuf_be32(out, pm->mask);
    ofp_wbuf_be32(out, pm->advertise);
    ofp_wbuf_put_zeros(out, 4);
}

/* ---- TABLE_MOD ---- */

static enum ofperr
decode_table_mod(struct ofp_rd *rd, struct ofp_msg *msg,
                 struct ofp_arena *arena)
{
    (void) arena;
    msg->table_mod.table_id = ofp_rd_u8(rd);
    ofp_rd_skip(rd, 3);
    msg->table_mod.config = ofp_rd_be32(rd);
    return rd_status(rd);
}

static void
encode_table_mod(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    ofp_wbuf_u8(out, msg->table_mod.table_id);
    ofp_wbuf_put_zeros(out, 3);
    ofp_wbuf_be32(out, msg->table_mod.config);
}

/* ---- MULTIPART_REQUEST / MULTIPART_REPLY (bodies in ofp-multipart) ---- */

static enum ofperr
decode_mp_request(struct ofp_rd *rd, struct ofp_msg *msg,
                  struct ofp_arena *arena)
{
    return ofp_mp_request_decode(rd, &msg->mp_request, arena);
}

static void
encode_mp_request(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    ofp_mp_request_encode(out, &msg->mp_request);
}

static enum ofperr
decode_mp_reply(struct ofp_rd *rd, struct ofp_msg *msg,
                struct ofp_arena *arena)
{
    return ofp_mp_reply_decode(rd, &msg->mp_reply, arena);
}

static void
encode_mp_reply(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    ofp_mp_reply_encode(out, &msg->mp_reply);
}

/* ---- QUEUE_GET_CONFIG_REQUEST / REPLY ---- */

static enum ofperr
decode_queue_get_config_request(struct ofp_rd *rd, struct ofp_msg *msg,
                                struct ofp_arena *arena)
{
    (void) arena;
    msg->queue_get_config_request.port = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 4);
    return rd_status(rd);
}

static void
encode_queue_get_config_request(struct ofp_wbuf *out,
                                const struct ofp_msg *msg)
{
    ofp_wbuf_be32(out, msg->queue_get_config_request.port);
    ofp_wbuf_put_zeros(out, 4);
}

static enum ofperr
decode_queue_get_config_reply(struct ofp_rd *rd, struct ofp_msg *msg,
                              struct ofp_arena *arena)
{
    struct ofp_queue_get_config_reply *r = &msg->queue_get_config_reply;

    r->port = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 4);
    if (!rd->ok) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    return ofp_packet_queues_decode(rd, &r->queues, arena);
}

static void
encode_queue_get_config_reply(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_queue_get_config_reply *r = &msg->queue_get_config_reply;

    ofp_wbuf_be32(out, r->port);
    ofp_wbuf_put_zeros(out, 4);
    ofp_packet_queues_encode(out, &r->queues);
}

/* ---- ROLE_REQUEST / ROLE_REPLY ---- */

static enum ofperr
decode_role(struct ofp_rd *rd, struct ofp_msg *msg, struct ofp_arena *arena)
{
    (void) arena;
    msg->role.role = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 4);
    msg->role.generation_id = ofp_rd_be64(rd);
    return rd_status(rd);
}

static void
encode_role(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    ofp_wbuf_be32(out, msg->role.role);
    ofp_wbuf_put_zeros(out, 4);
    ofp_wbuf_be64(out, msg->role.generation_id);
}

/* ---- GET_ASYNC_REPLY / SET_ASYNC ---- */

static enum ofperr
decode_async(struct ofp_rd *rd, struct ofp_msg *msg, struct ofp_arena *arena)
{
    struct ofp_async_config *a = &msg->async;

    (void) arena;
    for (int i = 0; i < 2; i++) {
        a->packet_in_mask[i] = ofp_rd_be32(rd);
    }
    for (int i = 0; i < 2; i++) {
        a->port_status_mask[i] = ofp_rd_be32(rd);
    }
    for (int i = 0; i < 2; i++) {
        a->flow_removed_mask[i] = ofp_rd_be32(rd);
    }
    return rd_status(rd);
}

static void
encode_async(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_async_config *a = &msg->async;

    for (int i = 0; i < 2; i++) {
        ofp_wbuf_be32(out, a->packet_in_mask[i]);
    }
    for (int i = 0; i < 2; i++) {
        ofp_wbuf_be32(out, a->port_status_mask[i]);
    }
    for (int i = 0; i < 2; i++) {
        ofp_wbuf_be32(out, a->flow_removed_mask[i]);
    }
}

/* ---- METER_MOD ---- */

static enum ofperr
decode_meter_mod(struct ofp_rd *rd, struct ofp_msg *msg,
                 struct ofp_arena *arena)
{
    struct ofp_meter_mod *mm = &msg->meter_mod;

    mm->command = ofp_rd_be16(rd);
    mm->flags = ofp_rd_be16(rd);
    mm->meter_id = ofp_rd_be32(rd);
    if (!rd->ok) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    return ofp_meter_bands_decode(rd, &mm->bands, arena);
}

static void
encode_meter_mod(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_meter_mod *mm = &msg->meter_mod;

    ofp_wbuf_be16(out, mm->command);
    ofp_wbuf_be16(out, mm->flags);
    ofp_wbuf_be32(out, mm->meter_id);
    ofp_meter_bands_encode(out, &mm->bands);
}

/* ---- the message table ---- */

typedef enum ofperr ofp_msg_decode_fn(struct ofp_rd *, struct ofp_msg *,
                                      struct ofp_arena *);
typedef void ofp_msg_encode_fn(struct ofp_wbuf *, const struct ofp_msg *);

struct ofp_msg_info {
    const char *name;
    uint16_t min_len;          /* smallest valid total length */
    ofp_msg_decode_fn *decode; /* body, after the 8-byte header */
    ofp_msg_encode_fn *encode;
};

static const struct ofp_msg_info ofp_msg_infos[OFPT_MAX + 1] = {
#define OFP_MSG_INFO_(TYPE, MEMBER, MIN_LEN)                                  \
    [OFPT_##TYPE] = {#TYPE, MIN_LEN, decode_##MEMBER, encode_##MEMBER},
    OFP_MSG_LIST(OFP_MSG_INFO_)
#undef OFP_MSG_INFO_
};

/* The list names each of the types 0..OFPT_MAX exactly once. */
#define OFP_MSG_COUNT_(TYPE, MEMBER, MIN_LEN) +1
_Static_assert(0 OFP_MSG_LIST(OFP_MSG_COUNT_) == OFPT_MAX + 1,
               "OFP_MSG_LIST covers every message type");
#undef OFP_MSG_COUNT_
#define OFP_MSG_MIN_LEN_OK_(TYPE, MEMBER, MIN_LEN)                            \
    _Static_assert(MIN_LEN >= OFP_HEADER_LEN && MIN_LEN <= UINT16_MAX,        \
                   #TYPE " minimum length");
OFP_MSG_LIST(OFP_MSG_MIN_LEN_OK_)
#undef OFP_MSG_MIN_LEN_OK_

/* Returns the table entry for 'type', or NULL if the type is unknown. */
static const struct ofp_msg_info *
ofp_msg_info(uint8_t type)
{
    return type <= OFPT_MAX ? &ofp_msg_infos[type] : NULL;
}

/* Returns "HELLO", "PACKET_IN", ... for 'type', or NULL if unknown.  Static
 * storage. */
const char *
ofp_type_name(uint8_t type)
{
    const struct ofp_msg_info *info = ofp_msg_info(type);
    return info ? info->name : NULL;
}

/* Returns the smallest valid total length of a message of 'type', or 0 if
 * the type is unknown. */
size_t
ofp_type_min_len(uint8_t type)
{
    const struct ofp_msg_info *info = ofp_msg_info(type);
    return info ? info->min_len : 0;
}

/* Initialises 'msg' as an empty message of 'type' with 'xid' and version
 * 0x04: every field zero, except that the match of a PACKET_IN,
 * FLOW_REMOVED or FLOW_MOD has type OFPMT_OXM. */
void
ofp_msg_init(struct ofp_msg *msg, uint8_t type, uint32_t xid)
{
    memset(msg, 0, sizeof *msg);
    msg->version = OFP13_VERSION;
    msg->type = type;
    msg->xid = xid;
    switch (type) {
    case OFPT_PACKET_IN:
        msg->packet_in.match.type = OFPMT_OXM;
        break;
    case OFPT_FLOW_REMOVED:
        msg->flow_removed.match.type = OFPMT_OXM;
        break;
    case OFPT_FLOW_MOD:
        msg->flow_mod.match.type = OFPMT_OXM;
        break;
    default:
        break;
    }
}

/* Reads the 8-byte header at 'data' ('len' bytes available) into 'h'.
 * Returns 0, or OFPBRC_BAD_LEN if 'len' < 8 or the length field is < 8.
 * The version and type are not checked. */
enum ofperr
ofp_header_decode(const void *data, size_t len, struct ofp_header *h)
{
    const uint8_t *p = data;

    if (len < OFP_HEADER_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    h->version = p[0];
    h->type = p[1];
    h->length = ofp_load_be16(p + 2);
    h->xid = ofp_load_be32(p + 4);
    return h->length < OFP_HEADER_LEN ? OFPERR_OFPBRC_BAD_LEN : 0;
}

/* Decodes the message filling exactly 'len' bytes at 'data' into 'msg'.
 * Opaque bytes in 'msg' point into 'data'; arrays come from 'arena'.
 * Returns 0 or, in this order of checks: OFPBRC_BAD_LEN (short header or
 * length field != 'len'), OFPBRC_BAD_VERSION (not 0x04 and not a HELLO),
 * OFPBRC_BAD_TYPE (type > 29), OFPBRC_BAD_LEN (shorter than the type's
 * minimum, or bytes left after the body), or the body's error.  On error
 * 'msg' holds whatever was decoded so far and must not be used. */
enum ofperr
ofp_msg_decode(const void *data, size_t len, struct ofp_msg *msg,
               struct ofp_arena *arena)
{
    const uint8_t *p = data;

    /* The header as ofp_header_decode() reads it, without a copy: a length
     * field below 8 cannot equal 'len' once 'len' is at least 8. */
    if (len < OFP_HEADER_LEN || ofp_load_be16(p + 2) != len) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    uint8_t version = p[0];
    uint8_t type = p[1];
    if (version != OFP13_VERSION && type != OFPT_HELLO) {
        return OFPERR_OFPBRC_BAD_VERSION;
    }
    const struct ofp_msg_info *info = ofp_msg_info(type);
    if (!info) {
        return OFPERR_OFPBRC_BAD_TYPE;
    }
    if (len < info->min_len) {
        return OFPERR_OFPBRC_BAD_LEN;
    }

    memset(msg, 0, sizeof *msg);
    msg->version = version;
    msg->type = type;
    msg->xid = ofp_load_be32(p + 4);

    struct ofp_rd rd;
    ofp_rd_init(&rd, p + OFP_HEADER_LEN, len - OFP_HEADER_LEN);
    enum ofperr error = info->decode(&rd, msg, arena);
    if (error) {
        return error;
    }
    return rd.ok && !rd.left ? 0 : OFPERR_OFPBRC_BAD_LEN;
}

/* Appends 'msg' in wire form to 'out': the header, the body, then the
 * length patched in.  Returns 0, OFPBRC_BAD_TYPE if 'msg->type' is
 * unknown, or OFPBRC_BAD_LEN if the message would exceed 65535 bytes or did
 * not fit 'out' (fixed storage full or no memory; 'out->overflow' is then
 * set).  On error 'out->len' is as it was before the call. */
enum ofperr
ofp_msg_encode(struct ofp_wbuf *out, const struct ofp_msg *msg)
{
    const struct ofp_msg_info *info = ofp_msg_info(msg->type);
    if (!info) {
        return OFPERR_OFPBRC_BAD_TYPE;
    }

    size_t start = out->len;
    if (header_begin(out, msg->version, msg->type, msg->xid)) {
        info->encode(out, msg);
    }
    return header_end(out, start);
}
