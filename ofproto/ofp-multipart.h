/* ofp-multipart: bodies of OFPT_MULTIPART_REQUEST and OFPT_MULTIPART_REPLY
 * for every kind (OFPMP_DESC .. OFPMP_PORT_DESC, and experimenter).
 *
 * Lists are arrays from the arena; opaque bytes point into the input.
 * One message holds one part; REQ_MORE/REPLY_MORE are in 'flags' and the
 * caller (the controller) joins parts.
 */
#ifndef OFPROTO_OFP_MULTIPART_H
#define OFPROTO_OFP_MULTIPART_H 1

#include <stddef.h>
#include <stdint.h>
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-match.h"
#include "ofproto/ofp-types.h"

/* OFPMP_DESC reply. */
struct ofp_desc {
    char mfr_desc[DESC_STR_LEN + 1];
    char hw_desc[DESC_STR_LEN + 1];
    char sw_desc[DESC_STR_LEN + 1];
    char serial_num[SERIAL_NUM_LEN + 1];
    char dp_desc[DESC_STR_LEN + 1];
};

/* OFPMP_FLOW and OFPMP_AGGREGATE request. */
struct ofp_flow_stats_request {
    uint8_t table_id;
    uint32_t out_port;
    uint32_t out_group;
    uint64_t cookie;
    uint64_t cookie_mask;
    struct ofp_match match;
};

/* OFPMP_FLOW reply entry. */
struct ofp_flow_stats {
    uint8_t table_id;
    uint32_t duration_sec;
    uint32_t duration_nsec;
    uint16_t priority;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t flags;
    uint64_t cookie;
    uint64_t packet_count;
    uint64_t byte_count;
    struct ofp_match match;
    struct ofp_instruction_list instructions;
};

/* OFPMP_AGGREGATE reply. */
struct ofp_aggregate_stats {
    uint64_t packet_count;
    uint64_t byte_count;
    uint32_t flow_count;
};

/* OFPMP_TABLE reply entry. */
struct ofp_table_stats {
    uint8_t table_id;
    uint32_t active_count;
    uint64_t lookup_count;
    uint64_t matched_count;
};

/* OFPMP_PORT_STATS reply entry. */
struct ofp_port_stats {
    uint32_t port_no;
    uint64_t rx_packets, tx_packets;
    uint64_t rx_bytes, tx_bytes;
    uint64_t rx_dropped, tx_dropped;
    uint64_t rx_errors, tx_errors;
    uint64_t rx_frame_err, rx_over_err, rx_crc_err;
    uint64_t collisions;
    uint32_t duration_sec;
    uint32_t duration_nsec;
};

/* OFPMP_QUEUE request and reply entry. */
struct ofp_queue_stats_request {
    uint32_t port_no;
    uint32_t queue_id;
};

struct ofp_queue_stats {
    uint32_t port_no;
    uint32_t queue_id;
    uint64_t tx_bytes;
    uint64_t tx_packets;
    uint64_t tx_errors;
    uint32_t duration_sec;
    uint32_t duration_nsec;
};

/* OFPMP_GROUP reply entry. */
struct ofp_bucket_counter {
    uint64_t packet_count;
    uint64_t byte_count;
};

struct ofp_group_stats {
    uint32_t group_id;
    uint32_t ref_count;
    uint64_t packet_count;
    uint64_t byte_count;
    uint32_t duration_sec;
    uint32_t duration_nsec;
    size_t n_buckets;
    struct ofp_bucket_counter *bucket_stats;
};

/* OFPMP_GROUP_DESC reply entry. */
struct ofp_group_desc {
    uint8_t type; /* enum ofp_group_type */
    uint32_t group_id;
    struct ofp_bucket_list buckets;
};

/* OFPMP_GROUP_FEATURES reply. */
struct ofp_group_features {
    uint32_t types;         /* bitmap of 1 << OFPGT_* */
    uint32_t capabilities;  /* enum ofp_group_capabilities */
    uint32_t max_groups[4]; /* per group type */
    uint32_t actions[4];    /* bitmaps of 1 << OFPAT_* per type */
};

/* OFPMP_METER reply entry. */
struct ofp_meter_band_stats {
    uint64_t packet_band_count;
    uint64_t byte_band_count;
};

struct ofp_meter_stats {
    uint32_t meter_id;
    uint32_t flow_count;
    uint64_t packet_in_count;
    uint64_t byte_in_count;
    uint32_t duration_sec;
    uint32_t duration_nsec;
    size_t n_bands;
    struct ofp_meter_band_stats *band_stats;
};

/* OFPMP_METER_CONFIG reply entry. */
struct ofp_meter_config {
    uint16_t flags; /* enum ofp_meter_flags */
    uint32_t meter_id;
    struct ofp_meter_band_list bands;
};

/* OFPMP_METER_FEATURES reply. */
struct ofp_meter_features {
    uint32_t max_meter;
    uint32_t band_types;   /* bitmap of 1 << OFPMBT_* */
    uint32_t capabilities; /* enum ofp_meter_flags */
    uint8_t max_bands;
    uint8_t max_color;
};

/* OFPMP_TABLE_FEATURES: ids inside properties. */
struct ofp_instruction_id { /* also used for action ids */
    uint16_t type;
    size_t len;          /* bytes after the 4-byte header */
    const uint8_t *data; /* experimenter id and data, if any */
};

struct ofp_oxm_id {
    uint32_t header;       /* class, field, hasmask, length */
    uint32_t experimenter; /* class OFPXMC_EXPERIMENTER only */
};

struct ofp_table_feature_prop {
    uint16_t type; /* enum ofp_table_feature_prop_type */
    union {
        struct { /* INSTRUCTIONS(_MISS) */
            size_t n;
            struct ofp_instruction_id *ids;
        } instructions;
        struct { /* NEXT_TABLES(_MISS) */
            size_t n;
            uint8_t *table_ids;
        } next_tables;
        struct { /* WRITE/APPLY_ACTIONS(_MISS) */
            size_t n;
            struct ofp_instruction_id *ids;
        } actions;
        struct { /* MATCH, WILDCARDS, *_SETFIELD(_MISS) */
            size_t n;
            struct ofp_oxm_id *ids;
        } oxms;
        struct { /* EXPERIMENTER(_MISS) */
            uint32_t experimenter;
            uint32_t exp_type;
            size_t len;
            const uint8_t *data;
        } experimenter;
        struct { /* any other type: body kept as is */
            size_t len;
            const uint8_t *data;
        } unknown;
    };
};

struct ofp_table_features {
    uint8_t table_id;
    char name[OFP_MAX_TABLE_NAME_LEN + 1];
    uint64_t metadata_match;
    uint64_t metadata_write;
    uint32_t config;
    uint32_t max_entries;
    size_t n_props;
    struct ofp_table_feature_prop *props;
};

/* OFPMP_EXPERIMENTER request and reply. */
struct ofp_mp_experimenter {
    uint32_t experimenter;
    uint32_t exp_type;
    size_t len;
    const uint8_t *data;
};

struct ofp_multipart_request {
    uint16_t type;  /* enum ofp_multipart_type */
    uint16_t flags; /* OFPMPF_REQ_MORE */
    union {
        /* OFPMP_DESC, TABLE, GROUP_DESC, GROUP_FEATURES, METER_FEATURES,
         * PORT_DESC: no body. */
        struct ofp_flow_stats_request flow;   /* FLOW, AGGREGATE */
        uint32_t port_no;                     /* PORT_STATS */
        struct ofp_queue_stats_request queue; /* QUEUE */
        uint32_t group_id;                    /* GROUP */
        uint32_t meter_id;                    /* METER, METER_CONFIG */
        struct {                              /* TABLE_FEATURES */
            size_t n;
            struct ofp_table_features *tables;
        } table_features;
        struct ofp_mp_experimenter experimenter;
    };
};

struct ofp_multipart_reply {
    uint16_t type;  /* enum ofp_multipart_type */
    uint16_t flags; /* OFPMPF_REPLY_MORE */
    union {
        struct ofp_desc *desc; /* DESC (arena: 1 KiB) */
        struct {
            size_t n;
            struct ofp_flow_stats *stats;
        } flow;
        struct ofp_aggregate_stats aggregate;
        struct {
            size_t n;
            struct ofp_table_stats *stats;
        } table;
        struct {
            size_t n;
            struct ofp_port_stats *stats;
        } port_stats;
        struct {
            size_t n;
            struct ofp_queue_stats *stats;
        } queue;
        struct {
            size_t n;
            struct ofp_group_stats *stats;
        } group;
        struct {
            size_t n;
            struct ofp_group_desc *descs;
        } group_desc;
        struct ofp_group_features group_features;
        struct {
            size_t n;
            struct ofp_meter_stats *stats;
        } meter;
        struct {
            size_t n;
            struct ofp_meter_config *configs;
        } meter_config;
        struct ofp_meter_features meter_features;
        struct {
            size_t n;
            struct ofp_table_features *tables;
        } table_features;
        struct {
            size_t n;
            struct ofp_port *ports;
        } port_desc;
        struct ofp_mp_experimenter experimenter;
    };
};

/* Decode the body of a multipart request/reply: 'rd' holds everything after
 * the 8-byte OpenFlow header (the 8-byte multipart header first).  Returns
 * 0 or OFPBRC_BAD_LEN, OFPBRC_BAD_MULTIPART (unknown type), or an error from
 * a nested match/action/instruction/bucket/band.
 *
 * OFPBRC_BAD_LEN covers: a short multipart header; bytes after a body that
 * has none or a fixed size; an entry whose length field is below its fixed
 * part or runs past the input; a list of fixed-size entries that is not a
 * whole number of them.  Table features report OFPTFFC_BAD_LEN instead.
 * OFPBRC_MULTIPART_BUFFER_OVERFLOW means the arena could not grow.  All of
 * 'rd' is consumed on success; 'flags' keeps every bit as received. */
enum ofperr ofp_mp_request_decode(struct ofp_rd *rd,
                                  struct ofp_multipart_request *req,
                                  struct ofp_arena *arena);
enum ofperr ofp_mp_reply_decode(struct ofp_rd *rd,
                                struct ofp_multipart_reply *reply,
                                struct ofp_arena *arena);

/* Append the body (multipart header included, OpenFlow header excluded). */
void ofp_mp_request_encode(struct ofp_wbuf *out,
                           const struct ofp_multipart_request *req);
void ofp_mp_reply_encode(struct ofp_wbuf *out,
                         const struct ofp_multipart_reply *reply);

/* Decodes one table-features entry (used by request and reply) from 'rd',
 * consuming exactly its length.  Returns 0, OFPTFFC_BAD_LEN (entry length
 * below 64 or past the input, or a bad property), or
 * OFPBRC_MULTIPART_BUFFER_OVERFLOW when the arena could not grow.  The
 * encoder writes the entry with its length and padded properties. */
enum ofperr ofp_table_features_decode(struct ofp_rd *rd,
                                      struct ofp_table_features *tf,
                                      struct ofp_arena *arena);
void ofp_table_features_encode(struct ofp_wbuf *out,
                               const struct ofp_table_features *tf);

/* Returns the number of entries in the list body of 'reply' (FLOW, TABLE,
 * PORT_STATS, QUEUE, GROUP, GROUP_DESC, METER, METER_CONFIG,
 * TABLE_FEATURES, PORT_DESC), or 0 for a kind whose body is not a list. */
size_t ofp_mp_reply_n_entries(const struct ofp_multipart_reply *reply);

/* Returns "DESC", "FLOW", ... "EXPERIMENTER", or NULL. */
const char *ofp_mp_type_name(uint16_t type);
/* Returns "INSTRUCTIONS", "NEXT_TABLES_MISS", ... or NULL. */
const char *ofp_table_feature_prop_name(uint16_t type);

/* ---- additions by ofp-multipart's owner ---- */

/* X(NAME): every multipart kind, OFPMP_##NAME. */
#define OFP_MP_LIST(X)                                                        \
    X(DESC)                                                                   \
    X(FLOW)                                                                   \
    X(AGGREGATE)                                                              \
    X(TABLE)                                                                  \
    X(PORT_STATS)                                                             \
    X(QUEUE)                                                                  \
    X(GROUP)                                                                  \
    X(GROUP_DESC)                                                             \
    X(GROUP_FEATURES)                                                         \
    X(METER)                                                                  \
    X(METER_CONFIG)                                                           \
    X(METER_FEATURES)                                                         \
    X(TABLE_FEATURES)                                                         \
    X(PORT_DESC)                                                              \
    X(EXPERIMENTER)

/* X(NAME, KIND): every table-feature property type, OFPTFPT_##NAME, and
 * the member of the property union ('enum ofp_tfp_kind') that holds it. */
#define OFP_TFPT_LIST(X)                                                      \
    X(INSTRUCTIONS, OFP_TFP_INSTRUCTIONS)                                     \
    X(INSTRUCTIONS_MISS, OFP_TFP_INSTRUCTIONS)                                \
    X(NEXT_TABLES, OFP_TFP_NEXT_TABLES)                                       \
    X(NEXT_TABLES_MISS, OFP_TFP_NEXT_TABLES)                                  \
    X(WRITE_ACTIONS, OFP_TFP_ACTIONS)                                         \
    X(WRITE_ACTIONS_MISS, OFP_TFP_ACTIONS)                                    \
    X(APPLY_ACTIONS, OFP_TFP_ACTIONS)                                         \
    X(APPLY_ACTIONS_MISS, OFP_TFP_ACTIONS)                                    \
    X(MATCH, OFP_TFP_OXMS)                                                    \
    X(WILDCARDS, OFP_TFP_OXMS)                                                \
    X(WRITE_SETFIELD, OFP_TFP_OXMS)                                           \
    X(WRITE_SETFIELD_MISS, OFP_TFP_OXMS)                                      \
    X(APPLY_SETFIELD, OFP_TFP_OXMS)                                           \
    X(APPLY_SETFIELD_MISS, OFP_TFP_OXMS)                                      \
    X(EXPERIMENTER, OFP_TFP_EXPERIMENTER)                                     \
    X(EXPERIMENTER_MISS, OFP_TFP_EXPERIMENTER)

/* Which member of struct ofp_table_feature_prop's union a type uses. */
enum ofp_tfp_kind {
    OFP_TFP_UNKNOWN,      /* .unknown */
    OFP_TFP_INSTRUCTIONS, /* .instructions */
    OFP_TFP_NEXT_TABLES,  /* .next_tables */
    OFP_TFP_ACTIONS,      /* .actions */
    OFP_TFP_OXMS,         /* .oxms */
    OFP_TFP_EXPERIMENTER, /* .experimenter */
};

/* Returns the union member used by property 'type' (OFP_TFP_UNKNOWN for a
 * type the specification does not define). */
enum ofp_tfp_kind ofp_table_feature_prop_kind(uint16_t type);

/* Decodes one table-feature property (header, body and its padding to 8)
 * from 'rd'.  Id arrays come from 'arena'; opaque bytes point into the
 * input.  Returns 0 or OFPTFFC_BAD_LEN (length below 4, body or padding
 * beyond the input, ids not filling the body exactly). */
enum ofperr ofp_table_feature_prop_decode(struct ofp_rd *rd,
                                          struct ofp_table_feature_prop *,
                                          struct ofp_arena *arena);
/* Appends 'prop' with its length and zero padding to 8. */
void ofp_table_feature_prop_encode(struct ofp_wbuf *out,
                                   const struct ofp_table_feature_prop *);

/* Decodes one instruction id or action id (ofp_instruction_id and
 * ofp_action_id share the layout: type, len, experimenter data) from 'rd'.
 * 'id->data' points into the input.  Returns 0 or OFPTFFC_BAD_LEN (len
 * below 4 or beyond the input). */
enum ofperr ofp_instruction_id_decode(struct ofp_rd *rd,
                                      struct ofp_instruction_id *id);
/* Appends 'id': type, len (4 + id->len), then id->len bytes of data. */
void ofp_instruction_id_encode(struct ofp_wbuf *out,
                               const struct ofp_instruction_id *id);

/* Decodes one OXM id: a 32-bit OXM header, followed by a 32-bit
 * experimenter id when the class is OFPXMC_EXPERIMENTER.  Returns 0 or
 * OFPTFFC_BAD_LEN if short. */
enum ofperr ofp_oxm_id_decode(struct ofp_rd *rd, struct ofp_oxm_id *id);
void ofp_oxm_id_encode(struct ofp_wbuf *out, const struct ofp_oxm_id *id);

#endif /* OFPROTO_OFP_MULTIPART_H */
