/* ofp-msgs: every OpenFlow 1.3 message, decoded into host-order structs and
 * encoded back.
 *
 * The message table (OFP_MSG_LIST) names each type once; the enum of names,
 * the minimum lengths, and decode/encode dispatch all come from it.
 *
 * Ownership.  ofp_msg_decode() borrows: opaque bytes in the result (packet
 * data, experimenter bodies, opaque OXMs) point into the caller's input, and
 * arrays come from the caller's arena.  The result is valid while both are.
 * Decoding allocates nothing once the arena has grown to the working size.
 *
 * Errors.  Decoding returns an 'enum ofperr' that is the OFPT_ERROR a peer
 * should receive: OFPBRC_BAD_VERSION, OFPBRC_BAD_TYPE, OFPBRC_BAD_LEN,
 * OFPBRC_BAD_MULTIPART, or the error of a nested match/action/instruction.
 */
#ifndef OFPROTO_OFP_MSGS_H
#define OFPROTO_OFP_MSGS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-errors.h"
#include "ofproto/ofp-match.h"
#include "ofproto/ofp-multipart.h"
#include "ofproto/ofp-types.h"
#include "ofproto/openflow13.h"

/* X(TYPE, member, min_len): one line per message type.  'member' is the
 * union member of struct ofp_msg holding the body ('none' for an empty
 * body); min_len is the smallest valid total length. */
#define OFP_MSG_LIST(X)                                                       \
    X(HELLO, hello, 8)                                                        \
    X(ERROR, error, 12)                                                       \
    X(ECHO_REQUEST, echo, 8)                                                  \
    X(ECHO_REPLY, echo, 8)                                                    \
    X(EXPERIMENTER, experimenter, 16)                                         \
    X(FEATURES_REQUEST, none, 8)                                              \
    X(FEATURES_REPLY, features, 32)                                           \
    X(GET_CONFIG_REQUEST, none, 8)                                            \
    X(GET_CONFIG_REPLY, config, 12)                                           \
    X(SET_CONFIG, config, 12)                                                 \
    X(PACKET_IN, packet_in, 34)                                               \
    X(FLOW_REMOVED, flow_removed, 56)                                         \
    X(PORT_STATUS, port_status, 80)                                           \
    X(PACKET_OUT, packet_out, 24)                                             \
    X(FLOW_MOD, flow_mod, 56)                                                 \
    X(GROUP_MOD, group_mod, 16)                                               \
    X(PORT_MOD, port_mod, 40)                                                 \
    X(TABLE_MOD, table_mod, 16)                                               \
    X(MULTIPART_REQUEST, mp_request, 16)                                      \
    X(MULTIPART_REPLY, mp_reply, 16)                                          \
    X(BARRIER_REQUEST, none, 8)                                               \
    X(BARRIER_REPLY, none, 8)                                                 \
    X(QUEUE_GET_CONFIG_REQUEST, queue_get_config_request, 16)                 \
    X(QUEUE_GET_CONFIG_REPLY, queue_get_config_reply, 16)                     \
    X(ROLE_REQUEST, role, 24)                                                 \
    X(ROLE_REPLY, role, 24)                                                   \
    X(GET_ASYNC_REQUEST, none, 8)                                             \
    X(GET_ASYNC_REPLY, async, 32)                                             \
    X(SET_ASYNC, async, 32)                                                   \
    X(METER_MOD, meter_mod, 16)

/* The fixed 8-byte header, host order. */
struct ofp_header {
    uint8_t version;
    uint8_t type;
    uint16_t length;
    uint32_t xid;
};

/* OFPT_HELLO element. */
struct ofp_hello_elem {
    uint16_t type;    /* OFPHET_VERSIONBITMAP or other */
    size_t n_bitmaps; /* VERSIONBITMAP */
    uint32_t *bitmaps;
    size_t len; /* other types: body after the header */
    const uint8_t *data;
    bool unpadded; /* not followed by its padding to 8 bytes
                    * (LoxiGen and Ryu send elements back to
                    * back); re-encoded the same way */
};

struct ofp_hello {
    size_t n_elems;
    struct ofp_hello_elem *elems;
};

/* Decodes one HELLO element from 'rd': the 4-byte header and 'length' - 4
 * bytes of body, not the padding to 8 that follows it inside a HELLO (the
 * HELLO decoder skips that, or sets 'unpadded' when it is absent).
 * VERSIONBITMAP bitmaps come from 'arena'; other types keep their body
 * opaque in 'len'/'data' (pointing into the input).  Returns 0, or
 * OFPBRC_BAD_LEN if 'length' is below 4, beyond the end of 'rd', or
 * (VERSIONBITMAP) not 4 plus a multiple of 4. */
enum ofperr ofp_hello_elem_decode(struct ofp_rd *rd,
                                  struct ofp_hello_elem *elem,
                                  struct ofp_arena *arena);
/* Appends 'elem' with its unpadded 'length' computed; no padding (the
 * HELLO encoder adds it unless 'unpadded'). */
void ofp_hello_elem_encode(struct ofp_wbuf *out,
                           const struct ofp_hello_elem *elem);

/* OFPT_ERROR.  For type OFPET_EXPERIMENTER, 'code' is exp_type and
 * 'experimenter' is set. */
struct ofp_error_msg {
    uint16_t type;
    uint16_t code;
    uint32_t experimenter;
    size_t len;
    const uint8_t *data;
};

/* OFPT_ECHO_REQUEST / REPLY. */
struct ofp_echo {
    size_t len;
    const uint8_t *data;
};

/* OFPT_EXPERIMENTER. */
struct ofp_experimenter_msg {
    uint32_t experimenter;
    uint32_t exp_type;
    size_t len;
    const uint8_t *data;
};

/* OFPT_FEATURES_REPLY. */
struct ofp_switch_features {
    uint64_t datapath_id;
    uint32_t n_buffers;
    uint8_t n_tables;
    uint8_t auxiliary_id;
    uint32_t capabilities; /* enum ofp_capabilities */
    uint32_t reserved;
};

/* OFPT_GET_CONFIG_REPLY / SET_CONFIG. */
struct ofp_switch_config {
    uint16_t flags; /* enum ofp_config_flags */
    uint16_t miss_send_len;
};

/* OFPT_PACKET_IN. */
struct ofp_packet_in {
    uint32_t buffer_id;
    uint16_t total_len;
    uint8_t reason; /* enum ofp_packet_in_reason */
    uint8_t table_id;
    uint64_t cookie;
    struct ofp_match match;
    size_t len;
    const uint8_t *data;
};

/* OFPT_FLOW_REMOVED. */
struct ofp_flow_removed {
    uint64_t cookie;
    uint16_t priority;
    uint8_t reason; /* enum ofp_flow_removed_reason */
    uint8_t table_id;
    uint32_t duration_sec;
    uint32_t duration_nsec;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint64_t packet_count;
    uint64_t byte_count;
    struct ofp_match match;
};

/* OFPT_PORT_STATUS. */
struct ofp_port_status {
    uint8_t reason; /* enum ofp_port_reason */
    struct ofp_port desc;
};

/* OFPT_PACKET_OUT. */
struct ofp_packet_out {
    uint32_t buffer_id;
    uint32_t in_port;
    struct ofp_action_list actions;
    size_t len;
    const uint8_t *data;
};

/* OFPT_FLOW_MOD. */
struct ofp_flow_mod {
    uint64_t cookie;
    uint64_t cookie_mask;
    uint8_t table_id;
    uint8_t command; /* enum ofp_flow_mod_command */
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t priority;
    uint32_t buffer_id;
    uint32_t out_port;
    uint32_t out_group;
    uint16_t flags; /* enum ofp_flow_mod_flags */
    struct ofp_match match;
    struct ofp_instruction_list instructions;
};

/* OFPT_GROUP_MOD. */
struct ofp_group_mod {
    uint16_t command; /* enum ofp_group_mod_command */
    uint8_t type;     /* enum ofp_group_type */
    uint32_t group_id;
    struct ofp_bucket_list buckets;
};

/* OFPT_PORT_MOD. */
struct ofp_port_mod {
    uint32_t port_no;
    uint8_t hw_addr[OFP_ETH_ALEN];
    uint32_t config;
    uint32_t mask;
    uint32_t advertise;
};

/* OFPT_TABLE_MOD. */
struct ofp_table_mod {
    uint8_t table_id;
    uint32_t config;
};

/* OFPT_QUEUE_GET_CONFIG_REQUEST / REPLY. */
struct ofp_queue_get_config_request {
    uint32_t port;
};

struct ofp_queue_get_config_reply {
    uint32_t port;
    struct ofp_packet_queue_list queues;
};

/* OFPT_ROLE_REQUEST / REPLY. */
struct ofp_role {
    uint32_t role; /* enum ofp_controller_role */
    uint64_t generation_id;
};

/* OFPT_GET_ASYNC_REPLY / SET_ASYNC: [0] master/equal, [1] slave. */
struct ofp_async_config {
    uint32_t packet_in_mask[2];
    uint32_t port_status_mask[2];
    uint32_t flow_removed_mask[2];
};

/* OFPT_METER_MOD. */
struct ofp_meter_mod {
    uint16_t command; /* enum ofp_meter_mod_command */
    uint16_t flags;   /* enum ofp_meter_flags */
    uint32_t meter_id;
    struct ofp_meter_band_list bands;
};

/* A decoded message. */
struct ofp_msg {
    uint8_t version; /* OFP13_VERSION except for a foreign HELLO */
    uint8_t type;    /* enum ofp_type */
    uint32_t xid;
    union {
        struct ofp_hello hello;
        struct ofp_error_msg error;
        struct ofp_echo echo;
        struct ofp_experimenter_msg experimenter;
        struct ofp_switch_features features;
        struct ofp_switch_config config;
        struct ofp_packet_in packet_in;
        struct ofp_flow_removed flow_removed;
        struct ofp_port_status port_status;
        struct ofp_packet_out packet_out;
        struct ofp_flow_mod flow_mod;
        struct ofp_group_mod group_mod;
        struct ofp_port_mod port_mod;
        struct ofp_table_mod table_mod;
        struct ofp_multipart_request mp_request;
        struct ofp_multipart_reply mp_reply;
        struct ofp_queue_get_config_request queue_get_config_request;
        struct ofp_queue_get_config_reply queue_get_config_reply;
        struct ofp_role role;
        struct ofp_async_config async;
        struct ofp_meter_mod meter_mod;
    };
};

/* Reads the 8-byte header at 'data' ('len' bytes available, at least 8).
 * Returns 0, or OFPBRC_BAD_LEN if 'len' < 8 or the length field is < 8.
 * It does not check the version or type. */
enum ofperr ofp_header_decode(const void *data, size_t len,
                              struct ofp_header *h);

/* Decodes the one message that fills exactly 'len' bytes at 'data' into
 * 'msg' (see the ownership note above).  Checks: length field == 'len'
 * (else OFPBRC_BAD_LEN), version 0x04 for every type but HELLO (else
 * OFPBRC_BAD_VERSION), known type (else OFPBRC_BAD_TYPE), at least the
 * type's minimum length (else OFPBRC_BAD_LEN), then the body, which must
 * use every byte (trailing bytes: OFPBRC_BAD_LEN).  A HELLO element is
 * followed by zero padding to 8 bytes as the specification says, or, as
 * some implementations send, directly by the next element (the element's
 * 'unpadded' records which).  On error 'msg' must not be used. */
enum ofperr ofp_msg_decode(const void *data, size_t len, struct ofp_msg *msg,
                           struct ofp_arena *arena);

/* Appends 'msg' in wire form to 'out' and sets its length field.  Returns
 * 0, OFPBRC_BAD_TYPE for an unknown type, or OFPBRC_BAD_LEN if the message
 * would exceed 65535 bytes or did not fit 'out' (a fixed buffer too small,
 * or no memory: 'out->overflow' is then set).  On error nothing is appended
 * ('out->len' is as before). */
enum ofperr ofp_msg_encode(struct ofp_wbuf *out, const struct ofp_msg *msg);

/* Appends PACKET_OUT 'po' with 'xid', as ofp_msg_encode() would a message
 * holding it, without building one: the answer to nearly every PACKET_IN.
 * Returns as ofp_msg_encode(). */
enum ofperr ofp_packet_out_encode(struct ofp_wbuf *out, uint32_t xid,
                                  const struct ofp_packet_out *po);

/* Initialises 'msg' as an empty message of 'type' with 'xid', version
 * 0x04, all fields zero except the match type of a PACKET_IN, FLOW_REMOVED
 * or FLOW_MOD, which is OFPMT_OXM. */
void ofp_msg_init(struct ofp_msg *msg, uint8_t type, uint32_t xid);

/* Returns "HELLO", "PACKET_IN", ... or NULL for an unknown type. */
const char *ofp_type_name(uint8_t type);

/* Returns the smallest valid length of a message of 'type', 0 if unknown. */
size_t ofp_type_min_len(uint8_t type);

/* HELLO helpers: true if 'hello' (with header 'version') offers 'v'. With
 * a VERSIONBITMAP element, bit 'v' of its bitmaps (the first such element);
 * with none, a HELLO offers every version up to 'version'.  False if
 * 'hello' is not a HELLO. */
bool ofp_hello_offers(const struct ofp_msg *hello, uint8_t v);

#endif /* OFPROTO_OFP_MSGS_H */
