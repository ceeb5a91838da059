/* ofp-types: sub-codecs for structures that several OpenFlow 1.3 messages
 * share: ports, group buckets, meter bands, packet queues with their
 * properties, and fixed-size strings.
 *
 * It sits between the TLV codecs below it (ofp-actions, used for bucket
 * actions) and the message codecs above it (ofp-msgs for PORT_STATUS,
 * GROUP_MOD, METER_MOD and QUEUE_GET_CONFIG_REPLY; ofp-multipart for
 * PORT_DESC, GROUP_DESC and METER_CONFIG).  List decoders take a cursor that
 * holds exactly the list; they allocate the element array from the caller's
 * arena (sized by the least wire size of an element, so one pass suffices)
 * and leave opaque bytes pointing into the input.
 */
#include <config.h>
#include "ofproto/ofp-types.h"

/* The arena could not supply memory.  There is no OpenFlow error for that;
 * the message is reported as one we cannot hold. */
#define OFP_TYPES_NOMEM OFPERR_OFPBRC_BAD_LEN

_Static_assert(OFP_PORT_LEN ==
                   4 + 4 + OFP_ETH_ALEN + 2 + OFP_MAX_PORT_NAME_LEN + 8 * 4,
               "ofp_port is 64 bytes");
_Static_assert(OFP_BUCKET_LEN == 2 + 2 + 4 + 4 + 4, "ofp_bucket is 16");
_Static_assert(OFP_METER_BAND_LEN == 2 + 2 + 4 + 4 + 4, "band is 16");
_Static_assert(OFP_PACKET_QUEUE_LEN == 4 + 4 + 2 + 6, "packet_queue is 16");
_Static_assert(OFP_QUEUE_PROP_RATE_LEN == OFP_QUEUE_PROP_HEADER_LEN + 2 + 6,
               "queue rate property is 16");
_Static_assert(OFP_QUEUE_PROP_EXPERIMENTER_LEN ==
                   OFP_QUEUE_PROP_HEADER_LEN + 4 + 4,
               "queue experimenter property is 16");

/* Returns the rest of 'rd' as a borrowed byte range ('*len' bytes). */
static const uint8_t *
rd_rest(struct ofp_rd *rd, size_t *len)
{
    *len = rd->left;
    return ofp_rd_pull(rd, rd->left);
}

/* ---- strings ---- */

/* Copies exactly 'n' wire bytes of a fixed-size string from 'rd' into
 * 'dst' (room for 'n' + 1 bytes) and NUL-terminates it.  Bytes after an
 * embedded NUL are kept, so the string re-encodes identically.  On a short
 * read 'dst' becomes all zeroes and 'rd' is marked failed. */
void
ofp_str_decode(struct ofp_rd *rd, char *dst, size_t n)
{
    ofp_rd_bytes(rd, dst, n);
    dst[n] = '\0';
}

/* Appends exactly 'n' bytes of 'src' to 'out'.  'src' must have at least
 * 'n' readable bytes (the decoded arrays have n + 1). */
void
ofp_str_encode(struct ofp_wbuf *out, const char *src, size_t n)
{
    ofp_wbuf_put(out, src, n);
}

/* ---- ports ---- */

/* Decodes one 64-byte ofp_port from 'rd' into 'port'.  Returns 0, or
 * OFPBRC_BAD_LEN if fewer than 64 bytes remain ('rd' is then failed). */
enum ofperr
ofp_port_decode(struct ofp_rd *rd, struct ofp_port *port)
{
    struct ofp_rd pr;

    if (!ofp_rd_sub(rd, OFP_PORT_LEN, &pr)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    port->port_no = ofp_rd_be32(&pr);
    ofp_rd_skip(&pr, 4);
    ofp_rd_bytes(&pr, port->hw_addr, OFP_ETH_ALEN);
    ofp_rd_skip(&pr, 2);
    ofp_str_decode(&pr, port->name, OFP_MAX_PORT_NAME_LEN);
    port->config = ofp_rd_be32(&pr);
    port->state = ofp_rd_be32(&pr);
    port->curr = ofp_rd_be32(&pr);
    port->advertised = ofp_rd_be32(&pr);
    port->supported = ofp_rd_be32(&pr);
    port->peer = ofp_rd_be32(&pr);
    port->curr_speed = ofp_rd_be32(&pr);
    port->max_speed = ofp_rd_be32(&pr);
    return 0;
}

/* Appends 'port' to 'out' as a 64-byte ofp_port with zero padding. */
void
ofp_port_encode(struct ofp_wbuf *out, const struct ofp_port *port)
{
    ofp_wbuf_be32(out, port->port_no);
    ofp_wbuf_put_zeros(out, 4);
    ofp_wbuf_put(out, port->hw_addr, OFP_ETH_ALEN);
    ofp_wbuf_put_zeros(out, 2);
    ofp_str_encode(out, port->name, OFP_MAX_PORT_NAME_LEN);
    ofp_wbuf_be32(out, port->config);
    ofp_wbuf_be32(out, port->state);
    ofp_wbuf_be32(out, port->curr);
    ofp_wbuf_be32(out, port->advertised);
    ofp_wbuf_be32(out, port->supported);
    ofp_wbuf_be32(out, port->peer);
    ofp_wbuf_be32(out, port->curr_speed);
    ofp_wbuf_be32(out, port->max_speed);
}

/* ---- group buckets ---- */

/* Decodes all of 'rd' as a list of ofp_bucket into 'list'.  The bucket
 * array and the action arrays come from 'arena'; experimenter action bodies
 * point into the input.  Returns 0 or:
 *   OFPGMFC_BAD_BUCKET  a bucket 'len' below 16 or not a multiple of 8;
 *   OFPBRC_BAD_LEN      a bucket (or a partial bucket header) beyond the
 *                       end of 'rd';
 *   an action error     from the bucket's action list. */
enum ofperr
ofp_buckets_decode(struct ofp_rd *rd, struct ofp_bucket_list *list,
                   struct ofp_arena *arena)
{
    size_t max = rd->left / OFP_BUCKET_LEN;
    struct ofp_bucket *buckets = ofp_arena_calloc(arena, max, sizeof *buckets);

    list->n = 0;
    list->buckets = buckets;
    if (!buckets) {
        return OFP_TYPES_NOMEM;
    }
    while (rd->left) {
        if (rd->left < OFP_BUCKET_LEN) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        uint16_t len = ofp_rd_be16(rd);
        if (len < OFP_BUCKET_LEN || len % 8) {
            return OFPERR_OFPGMFC_BAD_BUCKET;
        }

        struct ofp_rd br;
        if (!ofp_rd_sub(rd, len - 2, &br)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        struct ofp_bucket *b = &buckets[list->n];
        b->weight = ofp_rd_be16(&br);
        b->watch_port = ofp_rd_be32(&br);
        b->watch_group = ofp_rd_be32(&br);
        ofp_rd_skip(&br, 4);

        enum ofperr error = ofp_actions_decode(&br, &b->actions, arena);
        if (error) {
            return error;
        }
        list->n++;
    }
    return 0;
}

/* Appends every bucket of 'list' to 'out', each with its 'len' computed
 * from its actions. */
void
ofp_buckets_encode(struct ofp_wbuf *out, const struct ofp_bucket_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct ofp_bucket *b = &list->buckets[i];
        size_t start = out->len;

        ofp_wbuf_be16(out, 0);
        ofp_wbuf_be16(out, b->weight);
        ofp_wbuf_be32(out, b->watch_port);
        ofp_wbuf_be32(out, b->watch_group);
        ofp_wbuf_put_zeros(out, 4);
        ofp_actions_encode(out, &b->actions);
        ofp_wbuf_set_be16(out, start, (uint16_t) (out->len - start));
    }
}

/* ---- meter bands ---- */

/* Decodes all of 'rd' as a list of meter bands into 'list' (array from
 * 'arena'; experimenter band bodies point into the input).  Returns 0 or:
 *   OFPMMFC_BAD_BAND  a band type other than DROP, DSCP_REMARK and
 *                     EXPERIMENTER (the specification has no way to carry
 *                     an unknown band), or a 'len' that does not fit the
 *                     type: exactly 16 for DROP and DSCP_REMARK, at least
 *                     16 for EXPERIMENTER;
 *   OFPBRC_BAD_LEN    a band (or a partial band header) beyond the end. */
enum ofperr
ofp_meter_bands_decode(struct ofp_rd *rd, struct ofp_meter_band_list *list,
                       struct ofp_arena *arena)
{
    size_t max = rd->left / OFP_METER_BAND_LEN;
    struct ofp_meter_band *bands = ofp_arena_calloc(arena, max, sizeof *bands);

    list->n = 0;
    list->bands = bands;
    if (!bands) {
        return OFP_TYPES_NOMEM;
    }
    while (rd->left) {
        if (rd->left < OFP_METER_BAND_LEN) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        uint16_t type = ofp_rd_be16(rd);
        uint16_t len = ofp_rd_be16(rd);
        switch (type) {
        case OFPMBT_DROP:
        case OFPMBT_DSCP_REMARK:
            if (len != OFP_METER_BAND_LEN) {
                return OFPERR_OFPMMFC_BAD_BAND;
            }
            break;
        case OFPMBT_EXPERIMENTER:
            if (len < OFP_METER_BAND_LEN) {
                return OFPERR_OFPMMFC_BAD_BAND;
            }
            break;
        default:
            return OFPERR_OFPMMFC_BAD_BAND;
        }

        struct ofp_rd br;
        if (!ofp_rd_sub(rd, len - 4, &br)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        struct ofp_meter_band *band = &bands[list->n++];
        band->type = type;
        band->rate = ofp_rd_be32(&br);
        band->burst_size = ofp_rd_be32(&br);
        if (type == OFPMBT_DSCP_REMARK) {
            band->prec_level = ofp_rd_u8(&br);
        } else if (type == OFPMBT_EXPERIMENTER) {
            band->experimenter.experimenter = ofp_rd_be32(&br);
            band->experimenter.data = rd_rest(&br, &band->experimenter.len);
        }
    }
    return 0;
}

/* Appends every band of 'list' to 'out': 16 bytes each, plus the body of an
 * experimenter band; 'len' is computed. */
void
ofp_meter_bands_encode(struct ofp_wbuf *out,
                       const struct ofp_meter_band_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct ofp_meter_band *band = &list->bands[i];
        size_t start = out->len;

        ofp_wbuf_be16(out, band->type);
        ofp_wbuf_be16(out, 0);
        ofp_wbuf_be32(out, band->rate);
        ofp_wbuf_be32(out, band->burst_size);
        if (band->type == OFPMBT_DSCP_REMARK) {
            ofp_wbuf_u8(out, band->prec_level);
            ofp_wbuf_put_zeros(out, 3);
        } else if (band->type == OFPMBT_EXPERIMENTER) {
            ofp_wbuf_be32(out, band->experimenter.experimenter);
            ofp_wbuf_put(out, band->experimenter.data, band->experimenter.len);
        } else {
            ofp_wbuf_put_zeros(out, 4);
        }
        ofp_wbuf_set_be16(out, start + 2, (uint16_t) (out->len - start));
    }
}

/* ---- packet queues ---- */

/* Decodes the properties filling 'rd' into 'q'. */
static enum ofperr
queue_props_decode(struct ofp_rd *rd, struct ofp_packet_queue *q,
                   struct ofp_arena *arena)
{
    size_t max = rd->left / OFP_QUEUE_PROP_HEADER_LEN;
    struct ofp_queue_prop *props = ofp_arena_calloc(arena, max, sizeof *props);

    q->n_props = 0;
    q->props = props;
    if (!props) {
        return OFP_TYPES_NOMEM;
    }
    while (rd->left) {
        if (rd->left < OFP_QUEUE_PROP_HEADER_LEN) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        uint16_t property = ofp_rd_be16(rd);
        uint16_t len = ofp_rd_be16(rd);
        ofp_rd_skip(rd, 4);

        bool len_ok;
        switch (property) {
        case OFPQT_MIN_RATE:
        case OFPQT_MAX_RATE:
            len_ok = len == OFP_QUEUE_PROP_RATE_LEN;
            break;
        case OFPQT_EXPERIMENTER:
            len_ok = len >= OFP_QUEUE_PROP_EXPERIMENTER_LEN;
            break;
        default:
            len_ok = len >= OFP_QUEUE_PROP_HEADER_LEN;
            break;
        }

        struct ofp_rd pr;
        if (!len_ok || !ofp_rd_sub(rd, len - OFP_QUEUE_PROP_HEADER_LEN, &pr)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        struct ofp_queue_prop *prop = &props[q->n_props++];
        prop->property = property;
        if (property == OFPQT_MIN_RATE || property == OFPQT_MAX_RATE) {
            prop->rate = ofp_rd_be16(&pr);
        } else if (property == OFPQT_EXPERIMENTER) {
            prop->experimenter.experimenter = ofp_rd_be32(&pr);
            ofp_rd_skip(&pr, 4);
            prop->experimenter.data = rd_rest(&pr, &prop->experimenter.len);
        } else {
            prop->experimenter.data = rd_rest(&pr, &prop->experimenter.len);
        }
    }
    return 0;
}

/* Decodes all of 'rd' as a list of ofp_packet_queue into 'list'.  Queue and
 * property arrays come from 'arena'; experimenter and unknown property
 * bodies point into the input.  A property of a type this version does not
 * define is kept (see struct ofp_queue_prop).  Queue and property lengths
 * need not be multiples of 8 (switches send unpadded experimenter
 * properties).  Returns 0, or OFPBRC_BAD_LEN if a queue 'len' is below 16
 * or beyond the end, if a property 'len' is below 8, not 16 for
 * MIN_RATE/MAX_RATE, below 16 for EXPERIMENTER, or beyond its queue. */
enum ofperr
ofp_packet_queues_decode(struct ofp_rd *rd, struct ofp_packet_queue_list *list,
                         struct ofp_arena *arena)
{
    size_t max = rd->left / OFP_PACKET_QUEUE_LEN;
    struct ofp_packet_queue *queues =
        ofp_arena_calloc(arena, max, sizeof *queues);

    list->n = 0;
    list->queues = queues;
    if (!queues) {
        return OFP_TYPES_NOMEM;
    }
    while (rd->left) {
        if (rd->left < OFP_PACKET_QUEUE_LEN) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        struct ofp_packet_queue *q = &queues[list->n];
        q->queue_id = ofp_rd_be32(rd);
        q->port = ofp_rd_be32(rd);
        uint16_t len = ofp_rd_be16(rd);
        ofp_rd_skip(rd, 6);

        struct ofp_rd qr;
        if (len < OFP_PACKET_QUEUE_LEN ||
            !ofp_rd_sub(rd, len - OFP_PACKET_QUEUE_LEN, &qr)) {
            return OFPERR_OFPBRC_BAD_LEN;
        }
        enum ofperr error = queue_props_decode(&qr, q, arena);
        if (error) {
            return error;
        }
        list->n++;
    }
    return 0;
}

/* Appends one queue property. */
static void
queue_prop_encode(struct ofp_wbuf *out, const struct ofp_queue_prop *prop)
{
    size_t start = out->len;

    ofp_wbuf_be16(out, prop->property);
    ofp_wbuf_be16(out, 0);
    ofp_wbuf_put_zeros(out, 4);
    if (prop->property == OFPQT_MIN_RATE || prop->property == OFPQT_MAX_RATE) {
        ofp_wbuf_be16(out, prop->rate);
        ofp_wbuf_put_zeros(out, 6);
    } else if (prop->property == OFPQT_EXPERIMENTER) {
        ofp_wbuf_be32(out, prop->experimenter.experimenter);
        ofp_wbuf_put_zeros(out, 4);
        ofp_wbuf_put(out, prop->experimenter.data, prop->experimenter.len);
    } else {
        ofp_wbuf_put(out, prop->experimenter.data, prop->experimenter.len);
    }
    ofp_wbuf_set_be16(out, start + 2, (uint16_t) (out->len - start));
}

/* Appends every queue of 'list' with its properties to 'out'; queue and
 * property lengths are computed (no padding is added: a property is as long
 * as its body). */
void
ofp_packet_queues_encode(struct ofp_wbuf *out,
                         const struct ofp_packet_queue_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct ofp_packet_queue *q = &list->queues[i];
        size_t start = out->len;

        ofp_wbuf_be32(out, q->queue_id);
        ofp_wbuf_be32(out, q->port);
        ofp_wbuf_be16(out, 0);
        ofp_wbuf_put_zeros(out, 6);
        for (size_t j = 0; j < q->n_props; j++) {
            queue_prop_encode(out, &q->props[j]);
        }
        ofp_wbuf_set_be16(out, start + 8, (uint16_t) (out->len - start));
    }
}
