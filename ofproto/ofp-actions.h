/* ofp-actions: OpenFlow 1.3 actions, action lists and instructions.
 *
 * Decoded lists are arrays allocated from an arena; opaque bytes
 * (experimenter bodies) point into the input, which must outlive them.
 * Encoding writes the canonical wire form (fixed sizes, set-field padded to
 * 8 bytes with zeroes), which is what conforming implementations send.
 */
#ifndef OFPROTO_OFP_ACTIONS_H
#define OFPROTO_OFP_ACTIONS_H 1

#include <stddef.h>
#include <stdint.h>
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-errors.h"
#include "ofproto/ofp-match.h"

/* Opaque experimenter body: the bytes after the 32-bit experimenter id. */
struct ofp_exp_body {
    uint32_t experimenter;
    size_t len;
    const uint8_t *data;
};

struct ofp_action {
    uint16_t type; /* enum ofp_action_type */
    union {
        struct {
            uint32_t port;
            uint16_t max_len;
        } output;                         /* OFPAT_OUTPUT */
        uint8_t mpls_ttl;                 /* OFPAT_SET_MPLS_TTL */
        uint8_t nw_ttl;                   /* OFPAT_SET_NW_TTL */
        uint16_t ethertype;               /* PUSH_VLAN/MPLS/PBB, POP_MPLS */
        uint32_t queue_id;                /* OFPAT_SET_QUEUE */
        uint32_t group_id;                /* OFPAT_GROUP */
        struct ofp_oxm set_field;         /* OFPAT_SET_FIELD */
        struct ofp_exp_body experimenter; /* OFPAT_EXPERIMENTER */
    };
};

struct ofp_action_list {
    size_t n;
    struct ofp_action *actions;
};

/* Decodes one action from 'rd'.  Returns 0 or OFPBAC_BAD_LEN (length not a
 * multiple of 8, shorter than the type needs, or beyond the input),
 * OFPBAC_BAD_TYPE (unknown type), or the OXM's error for set-field.
 * Experimenter bodies point into the input.
 *
 * Set-field errors: OFPBAC_BAD_SET_LEN (the OXM does not fit, has the
 * wrong length for its field, or the action is longer than the OXM padded
 * to 8), OFPBAC_BAD_SET_ARGUMENT (a mask on a basic field: OpenFlow 1.3
 * set-field has none), OFPBAC_BAD_SET_TYPE (in_port, in_phy_port,
 * metadata: not header fields).  Other OXM classes are carried opaque.
 * Padding bytes are not checked; re-encoding writes zeroes. */
enum ofperr ofp_action_decode(struct ofp_rd *rd, struct ofp_action *action);

/* Decodes all of 'rd' (which holds exactly the list) as actions into an
 * array from 'arena'.  Returns 0, the first action's error, or
 * OFPBAC_TOO_MANY if the arena cannot grow. */
enum ofperr ofp_actions_decode(struct ofp_rd *rd, struct ofp_action_list *list,
                               struct ofp_arena *arena);

/* Encoders append the canonical wire form to 'out': fixed sizes, zero
 * padding, set-field padded to 8, experimenter bodies padded to 8 (the
 * length then covers the padding). */
void ofp_action_encode(struct ofp_wbuf *out, const struct ofp_action *);
void ofp_actions_encode(struct ofp_wbuf *out, const struct ofp_action_list *);
size_t ofp_action_wire_len(const struct ofp_action *);
size_t ofp_actions_wire_len(const struct ofp_action_list *);

/* Writes OUTPUT action 'a' (type OFPAT_OUTPUT) as its 16 wire bytes at
 * 'p': for encoders that reserved room for a list of outputs at once. */
static inline void
ofp_action_output_store(uint8_t *p, const struct ofp_action *a)
{
    ofp_store_be16(p, OFPAT_OUTPUT);
    ofp_store_be16(p + 2, 16); /* OFP_ACTION_OUTPUT_LEN */
    ofp_store_be32(p + 4, a->output.port);
    ofp_store_be16(p + 8, a->output.max_len);
    memset(p + 10, 0, 6);
}

/* Checks the rules of OpenFlow 1.3 that framing does not show, so that
 * decoding stays about bytes and a peer's message is never unreadable for
 * its meaning: a set-field of a known basic field carries no mask
 * (OFPBAC_BAD_SET_ARGUMENT) and is a header field, not in_port,
 * in_phy_port or metadata (OFPBAC_BAD_SET_TYPE).  Opaque OXMs and other
 * action types pass.  Returns 0 or the first error. */
enum ofperr ofp_action_check(const struct ofp_action *);
enum ofperr ofp_actions_check(const struct ofp_action_list *);

/* Returns the specification's name without prefix ("OUTPUT", "SET_FIELD")
 * or NULL for an unknown type. */
const char *ofp_action_type_name(uint16_t type);

/* ---- instructions ---- */

struct ofp_instruction {
    uint16_t type; /* enum ofp_instruction_type */
    union {
        uint8_t table_id; /* OFPIT_GOTO_TABLE */
        struct {
            uint64_t metadata;
            uint64_t mask;
        } write_metadata;                 /* OFPIT_WRITE_METADATA */
        struct ofp_action_list actions;   /* WRITE/APPLY/CLEAR_ACTIONS */
        uint32_t meter_id;                /* OFPIT_METER */
        struct ofp_exp_body experimenter; /* OFPIT_EXPERIMENTER */
    };
};

struct ofp_instruction_list {
    size_t n;
    struct ofp_instruction *instructions;
};

/* Decodes one instruction.  Returns 0 or OFPBIC_BAD_LEN,
 * OFPBIC_UNKNOWN_INST, or an action error from a nested list. */
enum ofperr ofp_instruction_decode(struct ofp_rd *rd,
                                   struct ofp_instruction *inst,
                                   struct ofp_arena *arena);
/* Decodes all of 'rd' as instructions into an array from 'arena'.
 * Returns 0, the first error, or OFPBIC_BAD_LEN if the arena cannot
 * grow. */
enum ofperr ofp_instructions_decode(struct ofp_rd *rd,
                                    struct ofp_instruction_list *list,
                                    struct ofp_arena *arena);
void ofp_instruction_encode(struct ofp_wbuf *out,
                            const struct ofp_instruction *);
void ofp_instructions_encode(struct ofp_wbuf *out,
                             const struct ofp_instruction_list *);
/* Returns the wire size of one instruction, nested actions included. */
size_t ofp_instruction_wire_len(const struct ofp_instruction *);
size_t ofp_instructions_wire_len(const struct ofp_instruction_list *);

/* Applies ofp_actions_check() to the action lists of WRITE_ACTIONS and
 * APPLY_ACTIONS.  Returns 0 or the first error. */
enum ofperr ofp_instructions_check(const struct ofp_instruction_list *);

/* Returns "GOTO_TABLE", "APPLY_ACTIONS", ... or NULL. */
const char *ofp_instruction_type_name(uint16_t type);

#endif /* OFPROTO_OFP_ACTIONS_H */
