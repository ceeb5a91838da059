/* ofp-multipart: the bodies of OFPT_MULTIPART_REQUEST and
 * OFPT_MULTIPART_REPLY (OpenFlow 1.3.5, section 7.3.5).
 *
 * ofp-msgs frames the message and hands us a cursor just after the 8-byte
 * OpenFlow header; we read the 8-byte multipart header and the body of the
 * kind it names.  Nested structures come from the other sub-codecs: matches
 * (ofp-match), instructions (ofp-actions), ports, buckets and meter bands
 * (ofp-types).
 *
 * Lists of variable-length entries are decoded in two steps: a walk over
 * the entries' length fields checks the framing and counts them, then one
 * arena array of the right size is filled.  Nothing is copied from the
 * input except into the host-order structs.
 */
#include <config.h>
#include "ofproto/ofp-multipart.h"

#include <string.h>

/* Wire sizes (OpenFlow 1.3.5, 7.3.5). */
enum {
    MP_HEADER_LEN = 8, /* type, flags, 4 pad */
    MP_DESC_LEN = 4 * DESC_STR_LEN + SERIAL_NUM_LEN,
    MP_FLOW_REQ_LEN = 40,   /* including an empty match */
    MP_FLOW_STATS_MIN = 56, /* including an empty match */
    MP_AGGREGATE_LEN = 24,
    MP_TABLE_STATS_LEN = 24,
    MP_PORT_STATS_LEN = 112,
    MP_QUEUE_STATS_LEN = 40,
    MP_GROUP_STATS_MIN = 40,
    MP_BUCKET_COUNTER_LEN = 16,
    MP_GROUP_DESC_MIN = 8,
    MP_GROUP_FEATURES_LEN = 40,
    MP_METER_STATS_MIN = 40,
    MP_METER_BAND_STATS_LEN = 16,
    MP_METER_CONFIG_MIN = 8,
    MP_METER_FEATURES_LEN = 16,
    MP_TABLE_FEATURES_MIN = 64,
    MP_TFP_HEADER_LEN = 4,
    MP_PORT_LEN = 64,
    MP_EXPERIMENTER_MIN = 8,
    MP_ID_HEADER_LEN = 4, /* instruction and action ids */
};

_Static_assert(MP_DESC_LEN == 1056, "ofp_desc is 1056 bytes");

/* The arena ran dry: the decoder cannot hold the request. */
#define MP_ERR_NOMEM OFPERR_OFPBRC_MULTIPART_BUFFER_OVERFLOW

/* Decodes one entry that fills all of 'entry' (length field included)
 * into 'dst'. */
typedef enum ofperr mp_entry_decode_fn(struct ofp_rd *entry, void *dst,
                                       struct ofp_arena *arena);
/* Appends the entry 'src'. */
typedef void mp_entry_encode_fn(struct ofp_wbuf *out, const void *src);

/* ---- generic entry lists ---- */

/* Reads, without consuming 'rd', the 16-bit length at 'len_ofs' of the
 * entry that starts at the cursor.  Returns it, or 0 if it does not fit. */
static size_t
mp_peek_len(const struct ofp_rd *rd, size_t len_ofs)
{
    struct ofp_rd h = *rd;
    ofp_rd_skip(&h, len_ofs);
    uint16_t len = ofp_rd_be16(&h);
    return h.ok ? len : 0;
}

/* Walks the entries that fill 'rd' (without consuming it): each has a
 * 16-bit length at 'len_ofs' that must be at least 'min' (> len_ofs + 1)
 * and fit what is left.  Returns 0 with the count in '*n', or 'err'. */
static enum ofperr
mp_count_entries(const struct ofp_rd *rd, size_t len_ofs, size_t min,
                 enum ofperr err, size_t *n)
{
    struct ofp_rd c = *rd;
    size_t count = 0;

    while (c.left) {
        size_t len = mp_peek_len(&c, len_ofs);
        if (len < min || len > c.left) {
            return err;
        }
        ofp_rd_skip(&c, len);
        count++;
    }
    *n = count;
    return 0;
}

/* Decodes all of 'rd' as variable-length entries (see mp_count_entries())
 * into an arena array of '*n' elements of 'elem_size' bytes, each filled by
 * 'decode' from a cursor over exactly that entry.  Returns the array (NULL
 * with '*error' set on failure). */
static void *
mp_decode_var_entries(struct ofp_rd *rd, size_t len_ofs, size_t min,
                      enum ofperr len_err, size_t elem_size,
                      mp_entry_decode_fn *decode, struct ofp_arena *arena,
                      size_t *n, enum ofperr *error)
{
    *error = mp_count_entries(rd, len_ofs, min, len_err, n);
    if (*error) {
        return NULL;
    }
    uint8_t *array = ofp_arena_calloc(arena, *n, elem_size);
    if (!array) {
        *error = MP_ERR_NOMEM;
        return NULL;
    }
    for (size_t i = 0; i < *n; i++) {
        struct ofp_rd entry;
        ofp_rd_sub(rd, mp_peek_len(rd, len_ofs), &entry);
        *error = decode(&entry, array + i * elem_size, arena);
        if (!*error && (!entry.ok || entry.left)) {
            *error = len_err;
        }
        if (*error) {
            return NULL;
        }
    }
    return array;
}

/* Decodes all of 'rd' as entries of exactly 'entry_len' bytes into an
 * arena array of '*n' elements of 'elem_size' bytes.  A body that is not a
 * whole number of entries is OFPBRC_BAD_LEN.  Returns the array (NULL with
 * '*error' set on failure). */
static void *
mp_decode_fixed_entries(struct ofp_rd *rd, size_t entry_len, size_t elem_size,
                        mp_entry_decode_fn *decode, struct ofp_arena *arena,
                        size_t *n, enum ofperr *error)
{
    if (rd->left % entry_len) {
        *error = OFPERR_OFPBRC_BAD_LEN;
        return NULL;
    }
    *n = rd->left / entry_len;
    uint8_t *array = ofp_arena_calloc(arena, *n, elem_size);
    if (!array) {
        *error = MP_ERR_NOMEM;
        return NULL;
    }
    for (size_t i = 0; i < *n; i++) {
        struct ofp_rd entry;
        ofp_rd_sub(rd, entry_len, &entry);
        *error = decode(&entry, array + i * elem_size, arena);
        if (*error) {
            return NULL;
        }
    }
    *error = 0;
    return array;
}

static void
mp_encode_entries(struct ofp_wbuf *out, const void *array, size_t n,
                  size_t elem_size, mp_entry_encode_fn *encode)
{
    const uint8_t *p = array;
    for (size_t i = 0; i < n; i++) {
        encode(out, p + i * elem_size);
    }
}

/* Starts an entry whose 16-bit length comes first: writes a placeholder
 * and returns the entry's offset for mp_end_len(). */
static size_t
mp_start_len(struct ofp_wbuf *out)
{
    size_t start = out->len;
    ofp_wbuf_be16(out, 0);
    return start;
}

/* Sets the 16-bit length at 'start' + 'len_ofs' to the bytes written since
 * 'start'. */
static void
mp_end_len(struct ofp_wbuf *out, size_t start, size_t len_ofs)
{
    ofp_wbuf_set_be16(out, start + len_ofs, (uint16_t) (out->len - start));
}

/* ---- DESC ---- */

static enum ofperr
mp_desc_decode(struct ofp_rd *rd, struct ofp_desc **descp,
               struct ofp_arena *arena)
{
    if (rd->left != MP_DESC_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    struct ofp_desc *desc = ofp_arena_alloc(arena, sizeof *desc);
    if (!desc) {
        return MP_ERR_NOMEM;
    }
    ofp_str_decode(rd, desc->mfr_desc, DESC_STR_LEN);
    ofp_str_decode(rd, desc->hw_desc, DESC_STR_LEN);
    ofp_str_decode(rd, desc->sw_desc, DESC_STR_LEN);
    ofp_str_decode(rd, desc->serial_num, SERIAL_NUM_LEN);
    ofp_str_decode(rd, desc->dp_desc, DESC_STR_LEN);
    *descp = desc;
    return 0;
}

static void
mp_desc_encode(struct ofp_wbuf *out, const struct ofp_desc *desc)
{
    if (!desc) {
        ofp_wbuf_put_zeros(out, MP_DESC_LEN);
        return;
    }
    ofp_str_encode(out, desc->mfr_desc, DESC_STR_LEN);
    ofp_str_encode(out, desc->hw_desc, DESC_STR_LEN);
    ofp_str_encode(out, desc->sw_desc, DESC_STR_LEN);
    ofp_str_encode(out, desc->serial_num, SERIAL_NUM_LEN);
    ofp_str_encode(out, desc->dp_desc, DESC_STR_LEN);
}

/* ---- FLOW and AGGREGATE ---- */

static enum ofperr
mp_flow_request_decode(struct ofp_rd *rd, struct ofp_flow_stats_request *r,
                       struct ofp_arena *arena)
{
    if (rd->left < MP_FLOW_REQ_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    r->table_id = ofp_rd_u8(rd);
    ofp_rd_skip(rd, 3);
    r->out_port = ofp_rd_be32(rd);
    r->out_group = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 4);
    r->cookie = ofp_rd_be64(rd);
    r->cookie_mask = ofp_rd_be64(rd);
    return ofp_match_decode(rd, &r->match, arena);
}

static void
mp_flow_request_encode(struct ofp_wbuf *out,
                       const struct ofp_flow_stats_request *r)
{
    ofp_wbuf_u8(out, r->table_id);
    ofp_wbuf_put_zeros(out, 3);
    ofp_wbuf_be32(out, r->out_port);
    ofp_wbuf_be32(out, r->out_group);
    ofp_wbuf_put_zeros(out, 4);
    ofp_wbuf_be64(out, r->cookie);
    ofp_wbuf_be64(out, r->cookie_mask);
    ofp_match_encode(out, &r->match);
}

static enum ofperr
mp_flow_stats_decode(struct ofp_rd *rd, void *dst, struct ofp_arena *arena)
{
    struct ofp_flow_stats *fs = dst;

    ofp_rd_skip(rd, 2); /* length */
    fs->table_id = ofp_rd_u8(rd);
    ofp_rd_skip(rd, 1);
    fs->duration_sec = ofp_rd_be32(rd);
    fs->duration_nsec = ofp_rd_be32(rd);
    fs->priority = ofp_rd_be16(rd);
    fs->idle_timeout = ofp_rd_be16(rd);
    fs->hard_timeout = ofp_rd_be16(rd);
    fs->flags = ofp_rd_be16(rd);
    ofp_rd_skip(rd, 4);
    fs->cookie = ofp_rd_be64(rd);
    fs->packet_count = ofp_rd_be64(rd);
    fs->byte_count = ofp_rd_be64(rd);

    enum ofperr error = ofp_match_decode(rd, &fs->match, arena);
    if (error) {
        return error;
    }
    return ofp_instructions_decode(rd, &fs->instructions, arena);
}

static void
mp_flow_stats_encode(struct ofp_wbuf *out, const void *src)
{
    const struct ofp_flow_stats *fs = src;
    size_t start = mp_start_len(out);

    ofp_wbuf_u8(out, fs->table_id);
    ofp_wbuf_u8(out, 0);
    ofp_wbuf_be32(out, fs->duration_sec);
    ofp_wbuf_be32(out, fs->duration_nsec);
    ofp_wbuf_be16(out, fs->priority);
    ofp_wbuf_be16(out, fs->idle_timeout);
    ofp_wbuf_be16(out, fs->hard_timeout);
    ofp_wbuf_be16(out, fs->flags);
    ofp_wbuf_put_zeros(out, 4);
    ofp_wbuf_be64(out, fs->cookie);
    ofp_wbuf_be64(out, fs->packet_count);
    ofp_wbuf_be64(out, fs->byte_count);
    ofp_match_encode(out, &fs->match);
    ofp_instructions_encode(out, &fs->instructions);
    mp_end_len(out, start, 0);
}

static enum ofperr
mp_aggregate_decode(struct ofp_rd *rd, struct ofp_aggregate_stats *agg)
{
    if (rd->left != MP_AGGREGATE_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    agg->packet_count = ofp_rd_be64(rd);
    agg->byte_count = ofp_rd_be64(rd);
    agg->flow_count = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 4);
    return 0;
}

static void
mp_aggregate_encode(struct ofp_wbuf *out,
                    const struct ofp_aggregate_stats *agg)
{
    ofp_wbuf_be64(out, agg->packet_count);
    ofp_wbuf_be64(out, agg->byte_count);
    ofp_wbuf_be32(out, agg->flow_count);
    ofp_wbuf_put_zeros(out, 4);
}

/* ---- TABLE, PORT_STATS, QUEUE ---- */

static enum ofperr
mp_table_stats_decode(struct ofp_rd *rd, void *dst, struct ofp_arena *arena)
{
    struct ofp_table_stats *ts = dst;
    (void) arena;

    ts->table_id = ofp_rd_u8(rd);
    ofp_rd_skip(rd, 3);
    ts->active_count = ofp_rd_be32(rd);
    ts->lookup_count = ofp_rd_be64(rd);
    ts->matched_count = ofp_rd_be64(rd);
    return 0;
}

static void
mp_table_stats_encode(struct ofp_wbuf *out, const void *src)
{
    const struct ofp_table_stats *ts = src;

    ofp_wbuf_u8(out, ts->table_id);
    ofp_wbuf_put_zeros(out, 3);
    ofp_wbuf_be32(out, ts->active_count);
    ofp_wbuf_be64(out, ts->lookup_count);
    ofp_wbuf_be64(out, ts->matched_count);
}

static enum ofperr
mp_port_stats_decode(struct ofp_rd *rd, void *dst, struct ofp_arena *arena)
{
    struct ofp_port_stats *ps = dst;
    (void) arena;

    ps->port_no = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 4);
    ps->rx_packets = ofp_rd_be64(rd);
    ps->tx_packets = ofp_rd_be64(rd);
    ps->rx_bytes = ofp_rd_be64(rd);
    ps->tx_bytes = ofp_rd_be64(rd);
    ps->rx_dropped = ofp_rd_be64(rd);
    ps->tx_dropped = ofp_rd_be64(rd);
    ps->rx_errors = ofp_rd_be64(rd);
    ps->tx_errors = ofp_rd_be64(rd);
    ps->rx_frame_err = ofp_rd_be64(rd);
    ps->rx_over_err = ofp_rd_be64(rd);
    ps->rx_crc_err = ofp_rd_be64(rd);
    ps->collisions = ofp_rd_be64(rd);
    ps->duration_sec = ofp_rd_be32(rd);
    ps->duration_nsec = ofp_rd_be32(rd);
    return 0;
}

static void
mp_port_stats_encode(struct ofp_wbuf *out, const void *src)
{
    const struct ofp_port_stats *ps = src;

    ofp_wbuf_be32(out, ps->port_no);
    ofp_wbuf_put_zeros(out, 4);
    ofp_wbuf_be64(out, ps->rx_packets);
    ofp_wbuf_be64(out, ps->tx_packets);
    ofp_wbuf_be64(out, ps->rx_bytes);
    ofp_wbuf_be64(out, ps->tx_bytes);
    ofp_wbuf_be64(out, ps->rx_dropped);
    ofp_wbuf_be64(out, ps->tx_dropped);
    ofp_wbuf_be64(out, ps->rx_errors);
    ofp_wbuf_be64(out, ps->tx_errors);
    ofp_wbuf_be64(out, ps->rx_frame_err);
    ofp_wbuf_be64(out, ps->rx_over_err);
    ofp_wbuf_be64(out, ps->rx_crc_err);
    ofp_wbuf_be64(out, ps->collisions);
    ofp_wbuf_be32(out, ps->duration_sec);
    ofp_wbuf_be32(out, ps->duration_nsec);
}

static enum ofperr
mp_queue_stats_decode(struct ofp_rd *rd, void *dst, struct ofp_arena *arena)
{
    struct ofp_queue_stats *qs = dst;
    (void) arena;

    qs->port_no = ofp_rd_be32(rd);
    qs->queue_id = ofp_rd_be32(rd);
    qs->tx_bytes = ofp_rd_be64(rd);
    qs->tx_packets = ofp_rd_be64(rd);
    qs->tx_errors = ofp_rd_be64(rd);
    qs->duration_sec = ofp_rd_be32(rd);
    qs->duration_nsec = ofp_rd_be32(rd);
    return 0;
}

static void
mp_queue_stats_encode(struct ofp_wbuf *out, const void *src)
{
    const struct ofp_queue_stats *qs = src;

    ofp_wbuf_be32(out, qs->port_no);
    ofp_wbuf_be32(out, qs->queue_id);
    ofp_wbuf_be64(out, qs->tx_bytes);
    ofp_wbuf_be64(out, qs->tx_packets);
    ofp_wbuf_be64(out, qs->tx_errors);
    ofp_wbuf_be32(out, qs->duration_sec);
    ofp_wbuf_be32(out, qs->duration_nsec);
}

/* ---- GROUP, GROUP_DESC, GROUP_FEATURES ---- */

static enum ofperr
mp_group_stats_decode(struct ofp_rd *rd, void *dst, struct ofp_arena *arena)
{
    struct ofp_group_stats *gs = dst;

    ofp_rd_skip(rd, 4); /* length, pad */
    gs->group_id = ofp_rd_be32(rd);
    gs->ref_count = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 4);
    gs->packet_count = ofp_rd_be64(rd);
    gs->byte_count = ofp_rd_be64(rd);
    gs->duration_sec = ofp_rd_be32(rd);
    gs->duration_nsec = ofp_rd_be32(rd);
    if (rd->left % MP_BUCKET_COUNTER_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    gs->n_buckets = rd->left / MP_BUCKET_COUNTER_LEN;
    gs->bucket_stats =
        ofp_arena_calloc(arena, gs->n_buckets, sizeof *gs->bucket_stats);
    if (!gs->bucket_stats) {
        return MP_ERR_NOMEM;
    }
    for (size_t i = 0; i < gs->n_buckets; i++) {
        gs->bucket_stats[i].packet_count = ofp_rd_be64(rd);
        gs->bucket_stats[i].byte_count = ofp_rd_be64(rd);
    }
    return 0;
}

static void
mp_group_stats_encode(struct ofp_wbuf *out, const void *src)
{
    const struct ofp_group_stats *gs = src;
    size_t start = mp_start_len(out);

    ofp_wbuf_put_zeros(out, 2);
    ofp_wbuf_be32(out, gs->group_id);
    ofp_wbuf_be32(out, gs->ref_count);
    ofp_wbuf_put_zeros(out, 4);
    ofp_wbuf_be64(out, gs->packet_count);
    ofp_wbuf_be64(out, gs->byte_count);
    ofp_wbuf_be32(out, gs->duration_sec);
    ofp_wbuf_be32(out, gs->duration_nsec);
    for (size_t i = 0; i < gs->n_buckets; i++) {
        ofp_wbuf_be64(out, gs->bucket_stats[i].packet_count);
        ofp_wbuf_be64(out, gs->bucket_stats[i].byte_count);
    }
    mp_end_len(out, start, 0);
}

static enum ofperr
mp_group_desc_decode(struct ofp_rd *rd, void *dst, struct ofp_arena *arena)
{
    struct ofp_group_desc *gd = dst;

    ofp_rd_skip(rd, 2); /* length */
    gd->type = ofp_rd_u8(rd);
    ofp_rd_skip(rd, 1);
    gd->group_id = ofp_rd_be32(rd);
    return ofp_buckets_decode(rd, &gd->buckets, arena);
}

static void
mp_group_desc_encode(struct ofp_wbuf *out, const void *src)
{
    const struct ofp_group_desc *gd = src;
    size_t start = mp_start_len(out);

    ofp_wbuf_u8(out, gd->type);
    ofp_wbuf_u8(out, 0);
    ofp_wbuf_be32(out, gd->group_id);
    ofp_buckets_encode(out, &gd->buckets);
    mp_end_len(out, start, 0);
}

static enum ofperr
mp_group_features_decode(struct ofp_rd *rd, struct ofp_group_features *gf)
{
    if (rd->left != MP_GROUP_FEATURES_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    gf->types = ofp_rd_be32(rd);
    gf->capabilities = ofp_rd_be32(rd);
    for (size_t i = 0; i < 4; i++) {
        gf->max_groups[i] = ofp_rd_be32(rd);
    }
    for (size_t i = 0; i < 4; i++) {
        gf->actions[i] = ofp_rd_be32(rd);
    }
    return 0;
}

static void
mp_group_features_encode(struct ofp_wbuf *out,
                         const struct ofp_group_features *gf)
{
    ofp_wbuf_be32(out, gf->types);
    ofp_wbuf_be32(out, gf->capabilities);
    for (size_t i = 0; i < 4; i++) {
        ofp_wbuf_be32(out, gf->max_groups[i]);
    }
    for (size_t i = 0; i < 4; i++) {
        ofp_wbuf_be32(out, gf->actions[i]);
    }
}

/* ---- METER, METER_CONFIG, METER_FEATURES ---- */

static enum ofperr
mp_meter_stats_decode(struct ofp_rd *rd, void *dst, struct ofp_arena *arena)
{
    struct ofp_meter_stats *ms = dst;

    ms->meter_id = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 2 + 6); /* len, pad */
    ms->flow_count = ofp_rd_be32(rd);
    ms->packet_in_count = ofp_rd_be64(rd);
    ms->byte_in_count = ofp_rd_be64(rd);
    ms->duration_sec = ofp_rd_be32(rd);
    ms->duration_nsec = ofp_rd_be32(rd);
    if (rd->left % MP_METER_BAND_STATS_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    ms->n_bands = rd->left / MP_METER_BAND_STATS_LEN;
    ms->band_stats =
        ofp_arena_calloc(arena, ms->n_bands, sizeof *ms->band_stats);
    if (!ms->band_stats) {
        return MP_ERR_NOMEM;
    }
    for (size_t i = 0; i < ms->n_bands; i++) {
        ms->band_stats[i].packet_band_count = ofp_rd_be64(rd);
        ms->band_stats[i].byte_band_count = ofp_rd_be64(rd);
    }
    return 0;
}

static void
mp_meter_stats_encode(struct ofp_wbuf *out, const void *src)
{
    const struct ofp_meter_stats *ms = src;
    size_t start = out->len;

    ofp_wbuf_be32(out, ms->meter_id);
    ofp_wbuf_be16(out, 0); /* len, set below */
    ofp_wbuf_put_zeros(out, 6);
    ofp_wbuf_be32(out, ms->flow_count);
    ofp_wbuf_be64(out, ms->packet_in_count);
    ofp_wbuf_be64(out, ms->byte_in_count);
    ofp_wbuf_be32(out, ms->duration_sec);
    ofp_wbuf_be32(out, ms->duration_nsec);
    for (size_t i = 0; i < ms->n_bands; i++) {
        ofp_wbuf_be64(out, ms->band_stats[i].packet_band_count);
        ofp_wbuf_be64(out, ms->band_stats[i].byte_band_count);
    }
    mp_end_len(out, start, 4);
}

static enum ofperr
mp_meter_config_decode(struct ofp_rd *rd, void *dst, struct ofp_arena *arena)
{
    struct ofp_meter_config *mc = dst;

    ofp_rd_skip(rd, 2); /* length */
    mc->flags = ofp_rd_be16(rd);
    mc->meter_id = ofp_rd_be32(rd);
    return ofp_meter_bands_decode(rd, &mc->bands, arena);
}

static void
mp_meter_config_encode(struct ofp_wbuf *out, const void *src)
{
    const struct ofp_meter_config *mc = src;
    size_t start = mp_start_len(out);

    ofp_wbuf_be16(out, mc->flags);
    ofp_wbuf_be32(out, mc->meter_id);
    ofp_meter_bands_encode(out, &mc->bands);
    mp_end_len(out, start, 0);
}

static enum ofperr
mp_meter_features_decode(struct ofp_rd *rd, struct ofp_meter_features *mf)
{
    if (rd->left != MP_METER_FEATURES_LEN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    mf->max_meter = ofp_rd_be32(rd);
    mf->band_types = ofp_rd_be32(rd);
    mf->capabilities = ofp_rd_be32(rd);
    mf->max_bands = ofp_rd_u8(rd);
    mf->max_color = ofp_rd_u8(rd);
    ofp_rd_skip(rd, 2);
    return 0;
}

static void
mp_meter_features_encode(struct ofp_wbuf *out,
                         const struct ofp_meter_features *mf)
{
    ofp_wbuf_be32(out, mf->max_meter);
    ofp_wbuf_be32(out, mf->band_types);
    ofp_wbuf_be32(out, mf->capabilities);
    ofp_wbuf_u8(out, mf->max_bands);
    ofp_wbuf_u8(out, mf->max_color);
    ofp_wbuf_put_zeros(out, 2);
}

/* ---- TABLE_FEATURES ---- */

enum ofperr
ofp_instruction_id_decode(struct ofp_rd *rd, struct ofp_instruction_id *id)
{
    struct ofp_rd h = *rd;
    id->type = ofp_rd_be16(&h);
    size_t len = ofp_rd_be16(&h);
    if (!h.ok || len < MP_ID_HEADER_LEN || len > rd->left) {
        return OFPERR_OFPTFFC_BAD_LEN;
    }
    ofp_rd_skip(rd, MP_ID_HEADER_LEN);
    id->len = len - MP_ID_HEADER_LEN;
    id->data = ofp_rd_pull(rd, id->len);
    return 0;
}

void
ofp_instruction_id_encode(struct ofp_wbuf *out,
                          const struct ofp_instruction_id *id)
{
    ofp_wbuf_be16(out, id->type);
    ofp_wbuf_be16(out, (uint16_t) (id->len + MP_ID_HEADER_LEN));
    ofp_wbuf_put(out, id->data, id->len);
}

enum ofperr
ofp_oxm_id_decode(struct ofp_rd *rd, struct ofp_oxm_id *id)
{
    id->header = ofp_rd_be32(rd);
    id->experimenter =
        (id->header >> 16 == OFPXMC_EXPERIMENTER ? ofp_rd_be32(rd) : 0);
    return rd->ok ? 0 : OFPERR_OFPTFFC_BAD_LEN;
}

void
ofp_oxm_id_encode(struct ofp_wbuf *out, const struct ofp_oxm_id *id)
{
    ofp_wbuf_be32(out, id->header);
    if (id->header >> 16 == OFPXMC_EXPERIMENTER) {
        ofp_wbuf_be32(out, id->experimenter);
    }
}

/* Decodes all of 'rd' as instruction or action ids into an arena array. */
static enum ofperr
mp_ids_decode(struct ofp_rd *rd, size_t *n, struct ofp_instruction_id **ids,
              struct ofp_arena *arena)
{
    enum ofperr error =
        mp_count_entries(rd, 2, MP_ID_HEADER_LEN, OFPERR_OFPTFFC_BAD_LEN, n);
    if (error) {
        return error;
    }
    *ids = ofp_arena_calloc(arena, *n, sizeof **ids);
    if (!*ids) {
        return MP_ERR_NOMEM;
    }
    for (size_t i = 0; i < *n; i++) {
        error = ofp_instruction_id_decode(rd, &(*ids)[i]);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* Decodes all of 'rd' as OXM ids into an arena array. */
static enum ofperr
mp_oxm_ids_decode(struct ofp_rd *rd, size_t *n, struct ofp_oxm_id **ids,
                  struct ofp_arena *arena)
{
    struct ofp_rd c = *rd;
    size_t count = 0;
    while (c.left) {
        struct ofp_oxm_id id;
        if (ofp_oxm_id_decode(&c, &id)) {
            return OFPERR_OFPTFFC_BAD_LEN;
        }
        count++;
    }
    *n = count;
    *ids = ofp_arena_calloc(arena, count, sizeof **ids);
    if (!*ids) {
        return MP_ERR_NOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        ofp_oxm_id_decode(rd, &(*ids)[i]);
    }
    return 0;
}

enum ofp_tfp_kind
ofp_table_feature_prop_kind(uint16_t type)
{
    switch (type) {
#define MP_TFPT_KIND_(NAME, KIND)                                             \
    case OFPTFPT_##NAME:                                                      \
        return KIND;
        OFP_TFPT_LIST(MP_TFPT_KIND_)
#undef MP_TFPT_KIND_
    default:
        return OFP_TFP_UNKNOWN;
    }
}

enum ofperr
ofp_table_feature_prop_decode(struct ofp_rd *rd,
                              struct ofp_table_feature_prop *prop,
                              struct ofp_arena *arena)
{
    struct ofp_rd h = *rd;
    uint16_t type = ofp_rd_be16(&h);
    size_t len = ofp_rd_be16(&h);
    size_t padded = ofp_round8(len);
    if (!h.ok || len < MP_TFP_HEADER_LEN || padded > rd->left) {
        return OFPERR_OFPTFFC_BAD_LEN;
    }

    struct ofp_rd body;
    memset(prop, 0, sizeof *prop);
    prop->type = type;
    ofp_rd_skip(rd, MP_TFP_HEADER_LEN);
    ofp_rd_sub(rd, len - MP_TFP_HEADER_LEN, &body);
    ofp_rd_skip(rd, padded - len);

    enum ofperr error = 0;
    switch (ofp_table_feature_prop_kind(type)) {
    case OFP_TFP_INSTRUCTIONS:
        error = mp_ids_decode(&body, &prop->instructions.n,
                              &prop->instructions.ids, arena);
        break;
    case OFP_TFP_ACTIONS:
        error =
            mp_ids_decode(&body, &prop->actions.n, &prop->actions.ids, arena);
        break;
    case OFP_TFP_NEXT_TABLES:
        prop->next_tables.n = body.left;
        prop->next_tables.table_ids = ofp_arena_alloc(arena, body.left);
        if (!prop->next_tables.table_ids) {
            return MP_ERR_NOMEM;
        }
        ofp_rd_bytes(&body, prop->next_tables.table_ids, body.left);
        break;
    case OFP_TFP_OXMS:
        error =
            mp_oxm_ids_decode(&body, &prop->oxms.n, &prop->oxms.ids, arena);
        break;
    case OFP_TFP_EXPERIMENTER:
        if (body.left < 8) {
            return OFPERR_OFPTFFC_BAD_LEN;
        }
        prop->experimenter.experimenter = ofp_rd_be32(&body);
        prop->experimenter.exp_type = ofp_rd_be32(&body);
        prop->experimenter.len = body.left;
        prop->experimenter.data = ofp_rd_pull(&body, body.left);
        break;
    case OFP_TFP_UNKNOWN:
    default:
        prop->unknown.len = body.left;
        prop->unknown.data = ofp_rd_pull(&body, body.left);
        break;
    }
    return error;
}

void
ofp_table_feature_prop_encode(struct ofp_wbuf *out,
                              const struct ofp_table_feature_prop *prop)
{
    size_t start = out->len;

    ofp_wbuf_be16(out, prop->type);
    ofp_wbuf_be16(out, 0); /* length, set below */
    switch (ofp_table_feature_prop_kind(prop->type)) {
    case OFP_TFP_INSTRUCTIONS:
        for (size_t i = 0; i < prop->instructions.n; i++) {
            ofp_instruction_id_encode(out, &prop->instructions.ids[i]);
        }
        break;
    case OFP_TFP_ACTIONS:
        for (size_t i = 0; i < prop->actions.n; i++) {
            ofp_instruction_id_encode(out, &prop->actions.ids[i]);
        }
        break;
    case OFP_TFP_NEXT_TABLES:
        ofp_wbuf_put(out, prop->next_tables.table_ids, prop->next_tables.n);
        break;
    case OFP_TFP_OXMS:
        for (size_t i = 0; i < prop->oxms.n; i++) {
            ofp_oxm_id_encode(out, &prop->oxms.ids[i]);
        }
        break;
    case OFP_TFP_EXPERIMENTER:
        ofp_wbuf_be32(out, prop->experimenter.experimenter);
        ofp_wbuf_be32(out, prop->experimenter.exp_type);
        ofp_wbuf_put(out, prop->experimenter.data, prop->experimenter.len);
        break;
    case OFP_TFP_UNKNOWN:
    default:
        ofp_wbuf_put(out, prop->unknown.data, prop->unknown.len);
        break;
    }
    mp_end_len(out, start, 2);
    ofp_wbuf_pad_to(out, start, 8);
}

/* Decodes the table-features entry that fills all of 'rd'. */
static enum ofperr
mp_table_features_decode(struct ofp_rd *rd, void *dst, struct ofp_arena *arena)
{
    struct ofp_table_features *tf = dst;

    ofp_rd_skip(rd, 2); /* length */
    tf->table_id = ofp_rd_u8(rd);
    ofp_rd_skip(rd, 5);
    ofp_str_decode(rd, tf->name, OFP_MAX_TABLE_NAME_LEN);
    tf->metadata_match = ofp_rd_be64(rd);
    tf->metadata_write = ofp_rd_be64(rd);
    tf->config = ofp_rd_be32(rd);
    tf->max_entries = ofp_rd_be32(rd);
    if (!rd->ok) {
        return OFPERR_OFPTFFC_BAD_LEN;
    }

    /* Count the properties, then decode them into one array. */
    struct ofp_rd c = *rd;
    size_t n = 0;
    while (c.left) {
        size_t len = mp_peek_len(&c, 2);
        size_t padded = ofp_round8(len);
        if (len < MP_TFP_HEADER_LEN || padded > c.left) {
            return OFPERR_OFPTFFC_BAD_LEN;
        }
        ofp_rd_skip(&c, padded);
        n++;
    }
    tf->n_props = n;
    tf->props = ofp_arena_calloc(arena, n, sizeof *tf->props);
    if (!tf->props) {
        return MP_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        enum ofperr error =
            ofp_table_feature_prop_decode(rd, &tf->props[i], arena);
        if (error) {
            return error;
        }
    }
    return 0;
}

enum ofperr
ofp_table_features_decode(struct ofp_rd *rd, struct ofp_table_features *tf,
                          struct ofp_arena *arena)
{
    size_t len = mp_peek_len(rd, 0);
    if (len < MP_TABLE_FEATURES_MIN || len > rd->left) {
        return OFPERR_OFPTFFC_BAD_LEN;
    }

    struct ofp_rd entry;
    ofp_rd_sub(rd, len, &entry);
    memset(tf, 0, sizeof *tf);
    return mp_table_features_decode(&entry, tf, arena);
}

void
ofp_table_features_encode(struct ofp_wbuf *out,
                          const struct ofp_table_features *tf)
{
    size_t start = mp_start_len(out);

    ofp_wbuf_u8(out, tf->table_id);
    ofp_wbuf_put_zeros(out, 5);
    ofp_str_encode(out, tf->name, OFP_MAX_TABLE_NAME_LEN);
    ofp_wbuf_be64(out, tf->metadata_match);
    ofp_wbuf_be64(out, tf->metadata_write);
    ofp_wbuf_be32(out, tf->config);
    ofp_wbuf_be32(out, tf->max_entries);
    for (size_t i = 0; i < tf->n_props; i++) {
        ofp_table_feature_prop_encode(out, &tf->props[i]);
    }
    mp_end_len(out, start, 0);
}

static void
mp_table_features_encode(struct ofp_wbuf *out, const void *src)
{
    ofp_table_features_encode(out, src);
}

/* Decodes all of 'rd' as table-features entries. */
static enum ofperr
mp_table_features_list_decode(struct ofp_rd *rd, size_t *n,
                              struct ofp_table_features **tables,
                              struct ofp_arena *arena)
{
    enum ofperr error;
    *tables = mp_decode_var_entries(
        rd, 0, MP_TABLE_FEATURES_MIN, OFPERR_OFPTFFC_BAD_LEN, sizeof **tables,
        mp_table_features_decode, arena, n, &error);
    return error;
}

/* ---- PORT_DESC ---- */

static enum ofperr
mp_port_decode(struct ofp_rd *rd, void *dst, struct ofp_arena *arena)
{
    (void) arena;
    return ofp_port_decode(rd, dst);
}

static void
mp_port_encode(struct ofp_wbuf *out, const void *src)
{
    ofp_port_encode(out, src);
}

/* ---- EXPERIMENTER ---- */

static enum ofperr
mp_experimenter_decode(struct ofp_rd *rd, struct ofp_mp_experimenter *exp)
{
    if (rd->left < MP_EXPERIMENTER_MIN) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    exp->experimenter = ofp_rd_be32(rd);
    exp->exp_type = ofp_rd_be32(rd);
    exp->len = rd->left;
    exp->data = ofp_rd_pull(rd, rd->left);
    return 0;
}

static void
mp_experimenter_encode(struct ofp_wbuf *out,
                       const struct ofp_mp_experimenter *exp)
{
    ofp_wbuf_be32(out, exp->experimenter);
    ofp_wbuf_be32(out, exp->exp_type);
    ofp_wbuf_put(out, exp->data, exp->len);
}

/* ---- requests ---- */

/* Reads the 8-byte multipart header.  Returns false if short. */
static bool
mp_header_decode(struct ofp_rd *rd, uint16_t *type, uint16_t *flags)
{
    *type = ofp_rd_be16(rd);
    *flags = ofp_rd_be16(rd);
    ofp_rd_skip(rd, 4);
    return rd->ok;
}

static void
mp_header_encode(struct ofp_wbuf *out, uint16_t type, uint16_t flags)
{
    ofp_wbuf_be16(out, type);
    ofp_wbuf_be16(out, flags);
    ofp_wbuf_put_zeros(out, 4);
}

/* Reads a 32-bit id followed by 4 bytes of padding, the whole body. */
static enum ofperr
mp_id_pad_decode(struct ofp_rd *rd, uint32_t *id)
{
    if (rd->left != 8) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    *id = ofp_rd_be32(rd);
    ofp_rd_skip(rd, 4);
    return 0;
}

static void
mp_id_pad_encode(struct ofp_wbuf *out, uint32_t id)
{
    ofp_wbuf_be32(out, id);
    ofp_wbuf_put_zeros(out, 4);
}

enum ofperr
ofp_mp_request_decode(struct ofp_rd *rd, struct ofp_multipart_request *req,
                      struct ofp_arena *arena)
{
    enum ofperr error = 0;

    memset(req, 0, sizeof *req);
    if (!mp_header_decode(rd, &req->type, &req->flags)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    switch (req->type) {
    case OFPMP_DESC:
    case OFPMP_TABLE:
    case OFPMP_GROUP_DESC:
    case OFPMP_GROUP_FEATURES:
    case OFPMP_METER_FEATURES:
    case OFPMP_PORT_DESC:
        break;
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE:
        error = mp_flow_request_decode(rd, &req->flow, arena);
        break;
    case OFPMP_PORT_STATS:
        error = mp_id_pad_decode(rd, &req->port_no);
        break;
    case OFPMP_QUEUE:
        if (rd->left != 8) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        req->queue.port_no = ofp_rd_be32(rd);
        req->queue.queue_id = ofp_rd_be32(rd);
        break;
    case OFPMP_GROUP:
        error = mp_id_pad_decode(rd, &req->group_id);
        break;
    case OFPMP_METER:
    case OFPMP_METER_CONFIG:
        error = mp_id_pad_decode(rd, &req->meter_id);
        break;
    case OFPMP_TABLE_FEATURES:
        error = mp_table_features_list_decode(
            rd, &req->table_features.n, &req->table_features.tables, arena);
        break;
    case OFPMP_EXPERIMENTER:
        error = mp_experimenter_decode(rd, &req->experimenter);
        break;
    default:
        return OFPERR_OFPBRC_BAD_MULTIPART;
    }
    if (error) {
        return error;
    }
    return rd->ok && !rd->left ? 0 : OFPERR_OFPBRC_BAD_LEN;
}

void
ofp_mp_request_encode(struct ofp_wbuf *out,
                      const struct ofp_multipart_request *req)
{
    mp_header_encode(out, req->type, req->flags);
    switch (req->type) {
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE:
        mp_flow_request_encode(out, &req->flow);
        break;
    case OFPMP_PORT_STATS:
        mp_id_pad_encode(out, req->port_no);
        break;
    case OFPMP_QUEUE:
        ofp_wbuf_be32(out, req->queue.port_no);
        ofp_wbuf_be32(out, req->queue.queue_id);
        break;
    case OFPMP_GROUP:
        mp_id_pad_encode(out, req->group_id);
        break;
    case OFPMP_METER:
    case OFPMP_METER_CONFIG:
        mp_id_pad_encode(out, req->meter_id);
        break;
    case OFPMP_TABLE_FEATURES:
        mp_encode_entries(
            out, req->table_features.tables, req->table_features.n,
            sizeof *req->table_features.tables, mp_table_features_encode);
        break;
    case OFPMP_EXPERIMENTER:
        mp_experimenter_encode(out, &req->experimenter);
        break;
    default:
        /* DESC, TABLE, GROUP_DESC, GROUP_FEATURES, METER_FEATURES,
         * PORT_DESC: no body. */
        break;
    }
}

/* ---- replies ---- */

enum ofperr
ofp_mp_reply_decode(struct ofp_rd *rd, struct ofp_multipart_reply *reply,
                    struct ofp_arena *arena)
{
    enum ofperr error = 0;

    memset(reply, 0, sizeof *reply);
    if (!mp_header_decode(rd, &reply->type, &reply->flags)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    switch (reply->type) {
    case OFPMP_DESC:
        error = mp_desc_decode(rd, &reply->desc, arena);
        break;
    case OFPMP_FLOW:
        reply->flow.stats = mp_decode_var_entries(
            rd, 0, MP_FLOW_STATS_MIN, OFPERR_OFPBRC_BAD_LEN,
            sizeof *reply->flow.stats, mp_flow_stats_decode, arena,
            &reply->flow.n, &error);
        break;
    case OFPMP_AGGREGATE:
        error = mp_aggregate_decode(rd, &reply->aggregate);
        break;
    case OFPMP_TABLE:
        reply->table.stats = mp_decode_fixed_entries(
            rd, MP_TABLE_STATS_LEN, sizeof *reply->table.stats,
            mp_table_stats_decode, arena, &reply->table.n, &error);
        break;
    case OFPMP_PORT_STATS:
        reply->port_stats.stats = mp_decode_fixed_entries(
            rd, MP_PORT_STATS_LEN, sizeof *reply->port_stats.stats,
            mp_port_stats_decode, arena, &reply->port_stats.n, &error);
        break;
    case OFPMP_QUEUE:
        reply->queue.stats = mp_decode_fixed_entries(
            rd, MP_QUEUE_STATS_LEN, sizeof *reply->queue.stats,
            mp_queue_stats_decode, arena, &reply->queue.n, &error);
        break;
    case OFPMP_GROUP:
        reply->group.stats = mp_decode_var_entries(
            rd, 0, MP_GROUP_STATS_MIN, OFPERR_OFPBRC_BAD_LEN,
            sizeof *reply->group.stats, mp_group_stats_decode, arena,
            &reply->group.n, &error);
        break;
    case OFPMP_GROUP_DESC:
        reply->group_desc.descs = mp_decode_var_entries(
            rd, 0, MP_GROUP_DESC_MIN, OFPERR_OFPBRC_BAD_LEN,
            sizeof *reply->group_desc.descs, mp_group_desc_decode, arena,
            &reply->group_desc.n, &error);
        break;
    case OFPMP_GROUP_FEATURES:
        error = mp_group_features_decode(rd, &reply->group_features);
        break;
    case OFPMP_METER:
        reply->meter.stats = mp_decode_var_entries(
            rd, 4, MP_METER_STATS_MIN, OFPERR_OFPBRC_BAD_LEN,
            sizeof *reply->meter.stats, mp_meter_stats_decode, arena,
            &reply->meter.n, &error);
        break;
    case OFPMP_METER_CONFIG:
        reply->meter_config.configs = mp_decode_var_entries(
            rd, 0, MP_METER_CONFIG_MIN, OFPERR_OFPBRC_BAD_LEN,
            sizeof *reply->meter_config.configs, mp_meter_config_decode, arena,
            &reply->meter_config.n, &error);
        break;
    case OFPMP_METER_FEATURES:
        error = mp_meter_features_decode(rd, &reply->meter_features);
        break;
    case OFPMP_TABLE_FEATURES:
        error = mp_table_features_list_decode(rd, &reply->table_features.n,
                                              &reply->table_features.tables,
                                              arena);
        break;
    case OFPMP_PORT_DESC:
        reply->port_desc.ports = mp_decode_fixed_entries(
            rd, MP_PORT_LEN, sizeof *reply->port_desc.ports, mp_port_decode,
            arena, &reply->port_desc.n, &error);
        break;
    case OFPMP_EXPERIMENTER:
        error = mp_experimenter_decode(rd, &reply->experimenter);
        break;
    default:
        return OFPERR_OFPBRC_BAD_MULTIPART;
    }
    if (error) {
        return error;
    }
    return rd->ok && !rd->left ? 0 : OFPERR_OFPBRC_BAD_LEN;
}

void
ofp_mp_reply_encode(struct ofp_wbuf *out,
                    const struct ofp_multipart_reply *reply)
{
    mp_header_encode(out, reply->type, reply->flags);
    switch (reply->type) {
    case OFPMP_DESC:
        mp_desc_encode(out, reply->desc);
        break;
    case OFPMP_FLOW:
        mp_encode_entries(out, reply->flow.stats, reply->flow.n,
                          sizeof *reply->flow.stats, mp_flow_stats_encode);
        break;
    case OFPMP_AGGREGATE:
        mp_aggregate_encode(out, &reply->aggregate);
        break;
    case OFPMP_TABLE:
        mp_encode_entries(out, reply->table.stats, reply->table.n,
                          sizeof *reply->table.stats, mp_table_stats_encode);
        break;
    case OFPMP_PORT_STATS:
        mp_encode_entries(out, reply->port_stats.stats, reply->port_stats.n,
                          sizeof *reply->port_stats.stats,
                          mp_port_stats_encode);
        break;
    case OFPMP_QUEUE:
        mp_encode_entries(out, reply->queue.stats, reply->queue.n,
                          sizeof *reply->queue.stats, mp_queue_stats_encode);
        break;
    case OFPMP_GROUP:
        mp_encode_entries(out, reply->group.stats, reply->group.n,
                          sizeof *reply->group.stats, mp_group_stats_encode);
        break;
    case OFPMP_GROUP_DESC:
        mp_encode_entries(out, reply->group_desc.descs, reply->group_desc.n,
                          sizeof *reply->group_desc.descs,
                          mp_group_desc_encode);
        break;
    case OFPMP_GROUP_FEATURES:
        mp_group_features_encode(out, &reply->group_features);
        break;
    case OFPMP_METER:
        mp_encode_entries(out, reply->meter.stats, reply->meter.n,
                          sizeof *reply->meter.stats, mp_meter_stats_encode);
        break;
    case OFPMP_METER_CONFIG:
        mp_encode_entries(
            out, reply->meter_config.configs, reply->meter_config.n,
            sizeof *reply->meter_config.configs, mp_meter_config_encode);
        break;
    case OFPMP_METER_FEATURES:
        mp_meter_features_encode(out, &reply->meter_features);
        break;
    case OFPMP_TABLE_FEATURES:
        mp_encode_entries(
            out, reply->table_features.tables, reply->table_features.n,
            sizeof *reply->table_features.tables, mp_table_features_encode);
        break;
    case OFPMP_PORT_DESC:
        mp_encode_entries(out, reply->port_desc.ports, reply->port_desc.n,
                          sizeof *reply->port_desc.ports, mp_port_encode);
        break;
    case OFPMP_EXPERIMENTER:
        mp_experimenter_encode(out, &reply->experimenter);
        break;
    default:
        break;
    }
}

/* ---- names ---- */

const char *
ofp_mp_type_name(uint16_t type)
{
    switch (type) {
#define MP_NAME_(NAME)                                                        \
    case OFPMP_##NAME:                                                        \
        return #NAME;
        OFP_MP_LIST(MP_NAME_)
#undef MP_NAME_
    default:
        return NULL;
    }
}

const char *
ofp_table_feature_prop_name(uint16_t type)
{
    switch (type) {
#define MP_TFPT_NAME_(NAME, KIND)                                             \
    case OFPTFPT_##NAME:                                                      \
        return #NAME;
        OFP_TFPT_LIST(MP_TFPT_NAME_)
#undef MP_TFPT_NAME_
    default:
        return NULL;
    }
}

size_t
ofp_mp_reply_n_entries(const struct ofp_multipart_reply *r)
{
    switch (r->type) {
    case OFPMP_FLOW:
        return r->flow.n;
    case OFPMP_TABLE:
        return r->table.n;
    case OFPMP_PORT_STATS:
        return r->port_stats.n;
    case OFPMP_QUEUE:
        return r->queue.n;
    case OFPMP_GROUP:
        return r->group.n;
    case OFPMP_GROUP_DESC:
        return r->group_desc.n;
    case OFPMP_METER:
        return r->meter.n;
    case OFPMP_METER_CONFIG:
        return r->meter_config.n;
    case OFPMP_TABLE_FEATURES:
        return r->table_features.n;
    case OFPMP_PORT_DESC:
        return r->port_desc.n;
    default:
        return 0;
    }
}
