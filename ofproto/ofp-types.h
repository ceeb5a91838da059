/* ofp-types: structures shared by several OpenFlow 1.3 messages — ports,
 * group buckets, meter bands, queues — and their sub-codecs.
 *
 * Fixed-size strings are kept as the exact wire bytes plus a terminating
 * NUL, so decoding and re-encoding is byte-identical even when a sender
 * leaves garbage after the first NUL.
 */
#ifndef OFPROTO_OFP_TYPES_H
#define OFPROTO_OFP_TYPES_H 1

#include <stddef.h>
#include <stdint.h>
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-errors.h"
#include "ofproto/openflow13.h"

/* ofp_port (64 bytes). */
struct ofp_port {
    uint32_t port_no;
    uint8_t hw_addr[OFP_ETH_ALEN];
    char name[OFP_MAX_PORT_NAME_LEN + 1];
    uint32_t config; /* enum ofp_port_config */
    uint32_t state;  /* enum ofp_port_state */
    uint32_t curr;   /* enum ofp_port_features */
    uint32_t advertised;
    uint32_t supported;
    uint32_t peer;
    uint32_t curr_speed; /* kbps */
    uint32_t max_speed;  /* kbps */
};

/* Decodes a 64-byte ofp_port.  Returns 0 or OFPBRC_BAD_LEN if short. */
enum ofperr ofp_port_decode(struct ofp_rd *rd, struct ofp_port *port);
void ofp_port_encode(struct ofp_wbuf *out, const struct ofp_port *port);

/* ofp_bucket. */
struct ofp_bucket {
    uint16_t weight;
    uint32_t watch_port;
    uint32_t watch_group;
    struct ofp_action_list actions;
};

struct ofp_bucket_list {
    size_t n;
    struct ofp_bucket *buckets;
};

/* Decodes all of 'rd' as buckets (array and action lists from 'arena').
 * Returns 0 or OFPGMFC_BAD_BUCKET (a bucket 'len' below 16 or not a
 * multiple of 8), OFPBRC_BAD_LEN (a bucket beyond the end of 'rd'), or an
 * action error. */
enum ofperr ofp_buckets_decode(struct ofp_rd *rd, struct ofp_bucket_list *,
                               struct ofp_arena *arena);
void ofp_buckets_encode(struct ofp_wbuf *out, const struct ofp_bucket_list *);

/* ofp_meter_band_* (drop, dscp_remark, experimenter). */
struct ofp_meter_band {
    uint16_t type; /* enum ofp_meter_band_type */
    uint32_t rate;
    uint32_t burst_size;
    uint8_t prec_level;               /* OFPMBT_DSCP_REMARK */
    struct ofp_exp_body experimenter; /* OFPMBT_EXPERIMENTER: id and the
                                       * bytes after the 16-byte band */
};

struct ofp_meter_band_list {
    size_t n;
    struct ofp_meter_band *bands;
};

/* Decodes all of 'rd' as meter bands (array from 'arena').  Returns 0 or
 * OFPMMFC_BAD_BAND (unknown band type, or a 'len' other than 16 for DROP and
 * DSCP_REMARK, below 16 for EXPERIMENTER) or OFPBRC_BAD_LEN (a band beyond
 * the end of 'rd'). */
enum ofperr ofp_meter_bands_decode(struct ofp_rd *rd,
                                   struct ofp_meter_band_list *,
                                   struct ofp_arena *arena);
void ofp_meter_bands_encode(struct ofp_wbuf *out,
                            const struct ofp_meter_band_list *);

/* ofp_packet_queue and its properties.  A property of a type OpenFlow 1.3
 * does not define is kept opaque: 'experimenter.len'/'data' hold the bytes
 * after its 8-byte header ('experimenter.experimenter' is 0). */
struct ofp_queue_prop {
    uint16_t property; /* enum ofp_queue_properties */
    uint16_t rate;     /* OFPQT_MIN_RATE, OFPQT_MAX_RATE (1/10 %) */
    struct ofp_exp_body experimenter; /* OFPQT_EXPERIMENTER: id and the
                                       * bytes after the 16-byte property;
                                       * other types: see above */
};

struct ofp_packet_queue {
    uint32_t queue_id;
    uint32_t port;
    size_t n_props;
    struct ofp_queue_prop *props;
};

struct ofp_packet_queue_list {
    size_t n;
    struct ofp_packet_queue *queues;
};

/* Decodes all of 'rd' as packet queues (arrays from 'arena').  Returns 0
 * or OFPBRC_BAD_LEN: a queue 'len' below 16 or beyond the end, a property
 * 'len' below 8, other than 16 for MIN_RATE/MAX_RATE, below 16 for
 * EXPERIMENTER, or beyond its queue.  Lengths need not be multiples of 8. */
enum ofperr ofp_packet_queues_decode(struct ofp_rd *rd,
                                     struct ofp_packet_queue_list *,
                                     struct ofp_arena *arena);
void ofp_packet_queues_encode(struct ofp_wbuf *out,
                              const struct ofp_packet_queue_list *);

/* Copies exactly 'n' wire bytes of a fixed-size string into 'dst' (which
 * has room for n + 1) and terminates it. */
void ofp_str_decode(struct ofp_rd *rd, char *dst, size_t n);
/* Writes 'src' as exactly 'n' bytes: its first n bytes (including any bytes
 * after a NUL, so decoded strings re-encode identically). */
void ofp_str_encode(struct ofp_wbuf *out, const char *src, size_t n);

#endif /* OFPROTO_OFP_TYPES_H */
