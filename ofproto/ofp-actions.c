/* ofp-actions: OpenFlow 1.3 actions and instructions (see ofp-actions.h).
 *
 * Used by ofp-msgs (FLOW_MOD, PACKET_OUT, GROUP_MOD buckets) and
 * ofp-multipart (flow stats, group descriptions).  Each action and
 * instruction type has one row in a table giving its name and wire length
 * (exact for fixed-size types, a minimum otherwise); the framing checks are
 * done once from that table, then a switch reads the body.
 */
#include <config.h>
#include "ofproto/ofp-actions.h"

#include <string.h>

#define EXPERIMENTER_HEADER_LEN 8 /* type, len, experimenter id */
#define INSTRUCTION_ACTIONS_LEN 8 /* type, len, 4 bytes of padding */

/* Wire facts about one action or instruction type. */
struct type_info {
    const char *name;
    uint16_t len; /* exact length, or minimum if 'variable' */
    bool variable;
};

static const struct type_info action_types[] = {
    [OFPAT_OUTPUT] = {"OUTPUT", OFP_ACTION_OUTPUT_LEN, false},
    [OFPAT_COPY_TTL_OUT] = {"COPY_TTL_OUT", 8, false},
    [OFPAT_COPY_TTL_IN] = {"COPY_TTL_IN", 8, false},
    [OFPAT_SET_MPLS_TTL] = {"SET_MPLS_TTL", 8, false},
    [OFPAT_DEC_MPLS_TTL] = {"DEC_MPLS_TTL", 8, false},
    [OFPAT_PUSH_VLAN] = {"PUSH_VLAN", 8, false},
    [OFPAT_POP_VLAN] = {"POP_VLAN", 8, false},
    [OFPAT_PUSH_MPLS] = {"PUSH_MPLS", 8, false},
    [OFPAT_POP_MPLS] = {"POP_MPLS", 8, false},
    [OFPAT_SET_QUEUE] = {"SET_QUEUE", 8, false},
    [OFPAT_GROUP] = {"GROUP", 8, false},
    [OFPAT_SET_NW_TTL] = {"SET_NW_TTL", 8, false},
    [OFPAT_DEC_NW_TTL] = {"DEC_NW_TTL", 8, false},
    [OFPAT_SET_FIELD] = {"SET_FIELD", 8, true},
    [OFPAT_PUSH_PBB] = {"PUSH_PBB", 8, false},
    [OFPAT_POP_PBB] = {"POP_PBB", 8, false},
};
static const struct type_info action_experimenter = {
    "EXPERIMENTER", EXPERIMENTER_HEADER_LEN, true};

static const struct type_info instruction_types[] = {
    [OFPIT_GOTO_TABLE] = {"GOTO_TABLE", 8, false},
    [OFPIT_WRITE_METADATA] = {"WRITE_METADATA",
                              OFP_INSTRUCTION_WRITE_METADATA_LEN, false},
    [OFPIT_WRITE_ACTIONS] = {"WRITE_ACTIONS", INSTRUCTION_ACTIONS_LEN, true},
    [OFPIT_APPLY_ACTIONS] = {"APPLY_ACTIONS", INSTRUCTION_ACTIONS_LEN, true},
    [OFPIT_CLEAR_ACTIONS] = {"CLEAR_ACTIONS", INSTRUCTION_ACTIONS_LEN, true},
    [OFPIT_METER] = {"METER", 8, false},
};
static const struct type_info instruction_experimenter = {
    "EXPERIMENTER", EXPERIMENTER_HEADER_LEN, true};

#define ARRAY_SIZE(A) (sizeof(A) / sizeof(A)[0])

static const struct type_info *
action_type_info(uint16_t type)
{
    if (type == OFPAT_EXPERIMENTER) {
        return &action_experimenter;
    }
    return (type < ARRAY_SIZE(action_types) && action_types[type].name
                ? &action_types[type]
                : NULL);
}

static const struct type_info *
instruction_type_info(uint16_t type)
{
    if (type == OFPIT_EXPERIMENTER) {
        return &instruction_experimenter;
    }
    return (type < ARRAY_SIZE(instruction_types) &&
                    instruction_types[type].name
                ? &instruction_types[type]
                : NULL);
}

const char *
ofp_action_type_name(uint16_t type)
{
    const struct type_info *ti = action_type_info(type);
    return ti ? ti->name : NULL;
}

const char *
ofp_instruction_type_name(uint16_t type)
{
    const struct type_info *ti = instruction_type_info(type);
    return ti ? ti->name : NULL;
}

/* Reads the 4-byte type/length header at the start of 'rd' without
 * consuming it.  Returns false if the header or the 'len' bytes it
 * announces do not fit, or 'len' is not a positive multiple of 8. */
static bool
peek_tl(const struct ofp_rd *rd, uint16_t *type, uint16_t *len)
{
    if (!rd->ok || rd->left < 4) {
        return false;
    }
    *type = (uint16_t) ((rd->p[0] << 8) | rd->p[1]);
    *len = (uint16_t) ((rd->p[2] << 8) | rd->p[3]);
    return *len >= 8 && *len % 8 == 0 && *len <= rd->left;
}

/* Returns true if 'len' is acceptable for a type described by 'ti'. */
static bool
type_len_ok(const struct type_info *ti, uint16_t len)
{
    return ti->variable ? len >= ti->len : len == ti->len;
}

/* Decodes the body of a set-field action ('body' starts at the OXM and
 * holds the rest of the action). */
static enum ofperr
set_field_decode(struct ofp_rd *body, struct ofp_oxm *oxm)
{
    size_t room = body->left;
    if (ofp_oxm_decode(body, oxm)) {
        return OFPERR_OFPBAC_BAD_SET_LEN;
    }
    /* The action is the OXM padded to 8 bytes, no more. */
    if (ofp_round8(4 + ofp_oxm_wire_len(oxm)) != 4 + room) {
        return OFPERR_OFPBAC_BAD_SET_LEN;
    }
    return 0;
}

enum ofperr
ofp_action_check(const struct ofp_action *a)
{
    if (a->type != OFPAT_SET_FIELD || !ofp_oxm_is_known(&a->set_field)) {
        return 0;
    }
    /* OpenFlow 1.3 set-field carries no mask, and in_port, in_phy_port
     * and metadata are not header fields. */
    const struct ofp_oxm *oxm = &a->set_field;
    if (oxm->has_mask) {
        return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    if (oxm->field == OFPXMT_OFB_IN_PORT ||
        oxm->field == OFPXMT_OFB_IN_PHY_PORT ||
        oxm->field == OFPXMT_OFB_METADATA) {
        return OFPERR_OFPBAC_BAD_SET_TYPE;
    }
    return 0;
}

enum ofperr
ofp_actions_check(const struct ofp_action_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        enum ofperr error = ofp_action_check(&list->actions[i]);
        if (error) {
            return error;
        }
    }
    return 0;
}

enum ofperr
ofp_instructions_check(const struct ofp_instruction_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct ofp_instruction *inst = &list->instructions[i];
        if (inst->type == OFPIT_WRITE_ACTIONS ||
            inst->type == OFPIT_APPLY_ACTIONS) {
            enum ofperr error = ofp_actions_check(&inst->actions);
            if (error) {
                return error;
            }
        }
    }
    return 0;
}

enum ofperr
ofp_action_decode(struct ofp_rd *rd, struct ofp_action *a)
{
    uint16_t type, len;

    memset(a, 0, sizeof *a);
    if (!peek_tl(rd, &type, &len)) {
        return OFPERR_OFPBAC_BAD_LEN;
    }
    const struct type_info *ti = action_type_info(type);
    if (!ti) {
        return OFPERR_OFPBAC_BAD_TYPE;
    }
    if (!type_len_ok(ti, len)) {
        return OFPERR_OFPBAC_BAD_LEN;
    }

    struct ofp_rd body;
    ofp_rd_sub(rd, len, &body);
    ofp_rd_skip(&body, 4);
    a->type = type;
    switch (type) {
    case OFPAT_OUTPUT:
        a->output.port = ofp_rd_be32(&body);
        a->output.max_len = ofp_rd_be16(&body);
        break;
    case OFPAT_SET_MPLS_TTL:
        a->mpls_ttl = ofp_rd_u8(&body);
        break;
    case OFPAT_SET_NW_TTL:
        a->nw_ttl = ofp_rd_u8(&body);
        break;
    case OFPAT_PUSH_VLAN:
    case OFPAT_PUSH_MPLS:
    case OFPAT_PUSH_PBB:
    case OFPAT_POP_MPLS:
        a->ethertype = ofp_rd_be16(&body);
        break;
    case OFPAT_SET_QUEUE:
        a->queue_id = ofp_rd_be32(&body);
        break;
    case OFPAT_GROUP:
        a->group_id = ofp_rd_be32(&body);
        break;
    case OFPAT_SET_FIELD:
        return set_field_decode(&body, &a->set_field);
    case OFPAT_EXPERIMENTER:
        a->experimenter.experimenter = ofp_rd_be32(&body);
        a->experimenter.len = body.left;
        a->experimenter.data = ofp_rd_pull(&body, body.left);
        break;
    default:
        /* COPY_TTL_OUT/IN, DEC_MPLS_TTL, POP_VLAN, DEC_NW_TTL, POP_PBB:
         * header and padding only. */
        break;
    }
    return 0;
}

enum ofperr
ofp_actions_decode(struct ofp_rd *rd, struct ofp_action_list *list,
                   struct ofp_arena *arena)
{
    list->n = 0;
    list->actions = NULL;

    /* Count first so the array is allocated once. */
    size_t n = 0;
    struct ofp_rd scan = *rd;
    while (scan.left) {
        uint16_t type, len;
        if (!peek_tl(&scan, &type, &len)) {
            return OFPERR_OFPBAC_BAD_LEN;
        }
        ofp_rd_skip(&scan, len);
        n++;
    }
    if (!scan.ok) {
        return OFPERR_OFPBAC_BAD_LEN;
    }

    /* ofp_action_decode() writes all of each element.  Each took at
     * least 8 input bytes, so the size cannot overflow. */
    struct ofp_action *actions =
        ofp_arena_alloc_uninit(arena, n * sizeof *actions);
    if (!actions) {
        return OFPERR_OFPBAC_TOO_MANY;
    }
    for (size_t i = 0; i < n; i++) {
        enum ofperr error = ofp_action_decode(rd, &actions[i]);
        if (error) {
            return error;
        }
    }
    list->n = n;
    list->actions = actions;
    return 0;
}

size_t
ofp_action_wire_len(const struct ofp_action *a)
{
    switch (a->type) {
    case OFPAT_SET_FIELD:
        return ofp_round8(4 + ofp_oxm_wire_len(&a->set_field));
    case OFPAT_EXPERIMENTER:
        return ofp_round8(EXPERIMENTER_HEADER_LEN + a->experimenter.len);
    default: {
        const struct type_info *ti = action_type_info(a->type);
        return ti ? ti->len : OFP_ACTION_HEADER_LEN;
    }
    }
}

size_t
ofp_actions_wire_len(const struct ofp_action_list *list)
{
    size_t len = 0;
    for (size_t i = 0; i < list->n; i++) {
        len += ofp_action_wire_len(&list->actions[i]);
    }
    return len;
}

/* Appends 'a', any type but OUTPUT (which action_encode() writes). */
static void
action_encode_other(struct ofp_wbuf *out, const struct ofp_action *a)
{
    size_t start = out->len;
    size_t len = ofp_action_wire_len(a);

    ofp_wbuf_be16(out, a->type);
    ofp_wbuf_be16(out, (uint16_t) len);
    switch (a->type) {
    case OFPAT_OUTPUT:
        ofp_wbuf_be32(out, a->output.port);
        ofp_wbuf_be16(out, a->output.max_len);
        break;
    case OFPAT_SET_MPLS_TTL:
        ofp_wbuf_u8(out, a->mpls_ttl);
        break;
    case OFPAT_SET_NW_TTL:
        ofp_wbuf_u8(out, a->nw_ttl);
        break;
    case OFPAT_PUSH_VLAN:
    case OFPAT_PUSH_MPLS:
    case OFPAT_PUSH_PBB:
    case OFPAT_POP_MPLS:
        ofp_wbuf_be16(out, a->ethertype);
        break;
    case OFPAT_SET_QUEUE:
        ofp_wbuf_be32(out, a->queue_id);
        break;
    case OFPAT_GROUP:
        ofp_wbuf_be32(out, a->group_id);
        break;
    case OFPAT_SET_FIELD:
        ofp_oxm_encode(out, &a->set_field);
        break;
    case OFPAT_EXPERIMENTER:
        ofp_wbuf_be32(out, a->experimenter.experimenter);
        ofp_wbuf_put(out, a->experimenter.data, a->experimenter.len);
        break;
    default:
        break;
    }
    /* Zero padding up to the length written in the header. */
    if (!out->overflow && out->len - start < len) {
        ofp_wbuf_put_zeros(out, len - (out->len - start));
    }
}

/* Appends 'a'.  Inline in the list encoder: OUTPUT, the action nearly
 * every flow and PACKET_OUT has, is one reservation and five stores. */
static inline void
action_encode(struct ofp_wbuf *out, const struct ofp_action *a)
{
    if (a->type == OFPAT_OUTPUT) {
        uint8_t *p = ofp_wbuf_reserve(out, OFP_ACTION_OUTPUT_LEN);
        if (p) {
            ofp_action_output_store(p, a);
        }
    } else {
        action_encode_other(out, a);
    }
}

void
ofp_action_encode(struct ofp_wbuf *out, const struct ofp_action *a)
{
    action_encode(out, a);
}

void
ofp_actions_encode(struct ofp_wbuf *out, const struct ofp_action_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        action_encode(out, &list->actions[i]);
    }
}

/* ---- instructions ---- */

enum ofperr
ofp_instruction_decode(struct ofp_rd *rd, struct ofp_instruction *inst,
                       struct ofp_arena *arena)
{
    uint16_t type, len;

    memset(inst, 0, sizeof *inst);
    if (!peek_tl(rd, &type, &len)) {
        return OFPERR_OFPBIC_BAD_LEN;
    }
    const struct type_info *ti = instruction_type_info(type);
    if (!ti) {
        return OFPERR_OFPBIC_UNKNOWN_INST;
    }
    if (!type_len_ok(ti, len)) {
        return OFPERR_OFPBIC_BAD_LEN;
    }

    struct ofp_rd body;
    ofp_rd_sub(rd, len, &body);
    ofp_rd_skip(&body, 4);
    inst->type = type;
    switch (type) {
    case OFPIT_GOTO_TABLE:
        inst->table_id = ofp_rd_u8(&body);
        break;
    case OFPIT_WRITE_METADATA:
        ofp_rd_skip(&body, 4);
        inst->write_metadata.metadata = ofp_rd_be64(&body);
        inst->write_metadata.mask = ofp_rd_be64(&body);
        break;
    case OFPIT_WRITE_ACTIONS:
    case OFPIT_APPLY_ACTIONS:
    case OFPIT_CLEAR_ACTIONS:
        ofp_rd_skip(&body, 4);
        return ofp_actions_decode(&body, &inst->actions, arena);
    case OFPIT_METER:
        inst->meter_id = ofp_rd_be32(&body);
        break;
    case OFPIT_EXPERIMENTER:
        inst->experimenter.experimenter = ofp_rd_be32(&body);
        inst->experimenter.len = body.left;
        inst->experimenter.data = ofp_rd_pull(&body, body.left);
        break;
    }
    return 0;
}

enum ofperr
ofp_instructions_decode(struct ofp_rd *rd, struct ofp_instruction_list *list,
                        struct ofp_arena *arena)
{
    list->n = 0;
    list->instructions = NULL;

    size_t n = 0;
    struct ofp_rd scan = *rd;
    while (scan.left) {
        uint16_t type, len;
        if (!peek_tl(&scan, &type, &len)) {
            return OFPERR_OFPBIC_BAD_LEN;
        }
        ofp_rd_skip(&scan, len);
        n++;
    }
    if (!scan.ok) {
        return OFPERR_OFPBIC_BAD_LEN;
    }

    /* ofp_instruction_decode() writes all of each element (see the action
     * list above for the size). */
    struct ofp_instruction *insts =
        ofp_arena_alloc_uninit(arena, n * sizeof *insts);
    if (!insts) {
        return OFPERR_OFPBIC_BAD_LEN;
    }
    for (size_t i = 0; i < n; i++) {
        enum ofperr error = ofp_instruction_decode(rd, &insts[i], arena);
        if (error) {
            return error;
        }
    }
    list->n = n;
    list->instructions = insts;
    return 0;
}

size_t
ofp_instruction_wire_len(const struct ofp_instruction *inst)
{
    switch (inst->type) {
    case OFPIT_WRITE_ACTIONS:
    case OFPIT_APPLY_ACTIONS:
    case OFPIT_CLEAR_ACTIONS:
        return INSTRUCTION_ACTIONS_LEN + ofp_actions_wire_len(&inst->actions);
    case OFPIT_EXPERIMENTER:
        return ofp_round8(EXPERIMENTER_HEADER_LEN + inst->experimenter.len);
    default: {
        const struct type_info *ti = instruction_type_info(inst->type);
        return ti ? ti->len : 8;
    }
    }
}

size_t
ofp_instructions_wire_len(const struct ofp_instruction_list *list)
{
    size_t len = 0;
    for (size_t i = 0; i < list->n; i++) {
        len += ofp_instruction_wire_len(&list->instructions[i]);
    }
    return len;
}

void
ofp_instruction_encode(struct ofp_wbuf *out,
                       const struct ofp_instruction *inst)
{
    size_t start = out->len;
    bool has_actions = (inst->type == OFPIT_WRITE_ACTIONS ||
                        inst->type == OFPIT_APPLY_ACTIONS ||
                        inst->type == OFPIT_CLEAR_ACTIONS);
    /* An action list's length is known once it is written; other types'
     * lengths are known now. */
    size_t len = has_actions ? 0 : ofp_instruction_wire_len(inst);

    ofp_wbuf_be16(out, inst->type);
    ofp_wbuf_be16(out, (uint16_t) len);
    switch (inst->type) {
    case OFPIT_GOTO_TABLE:
        ofp_wbuf_u8(out, inst->table_id);
        break;
    case OFPIT_WRITE_METADATA:
        ofp_wbuf_put_zeros(out, 4);
        ofp_wbuf_be64(out, inst->write_metadata.metadata);
        ofp_wbuf_be64(out, inst->write_metadata.mask);
        break;
    case OFPIT_WRITE_ACTIONS:
    case OFPIT_APPLY_ACTIONS:
    case OFPIT_CLEAR_ACTIONS:
        ofp_wbuf_put_zeros(out, 4);
        ofp_actions_encode(out, &inst->actions);
        break;
    case OFPIT_METER:
        ofp_wbuf_be32(out, inst->meter_id);
        break;
    case OFPIT_EXPERIMENTER:
        ofp_wbuf_be32(out, inst->experimenter.experimenter);
        ofp_wbuf_put(out, inst->experimenter.data, inst->experimenter.len);
        break;
    default:
        break;
    }
    if (has_actions) {
        ofp_wbuf_set_be16(out, start + 2, (uint16_t) (out->len - start));
    } else if (!out->overflow && out->len - start < len) {
        ofp_wbuf_put_zeros(out, len - (out->len - start));
    }
}

void
ofp_instructions_encode(struct ofp_wbuf *out,
                        const struct ofp_instruction_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        ofp_instruction_encode(out, &list->instructions[i]);
    }
}
