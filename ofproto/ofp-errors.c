/* ofp-errors: names and wire mapping of OpenFlow 1.3 errors. */
#include <config.h>
#include "ofproto/ofp-errors.h"

#include <stddef.h>

struct ofperr_info {
    enum ofperr e;
    uint16_t type;
    uint16_t code;
    const char *name;      /* "OFPBRC_BAD_LEN" */
    const char *code_name; /* "BAD_LEN" */
};

static const struct ofperr_info ofperr_infos[] = {
#define OFPERR_INFO_(TYPE, PREFIX, NAME, CODE)                                \
    {OFPERR_##PREFIX##_##NAME, OFPET_##TYPE, CODE, #PREFIX "_" #NAME, #NAME},
    OFPERR_LIST(OFPERR_INFO_)
#undef OFPERR_INFO_
};

static const char *const ofperr_type_names[] = {
    [OFPET_HELLO_FAILED] = "OFPET_HELLO_FAILED",
    [OFPET_BAD_REQUEST] = "OFPET_BAD_REQUEST",
    [OFPET_BAD_ACTION] = "OFPET_BAD_ACTION",
    [OFPET_BAD_INSTRUCTION] = "OFPET_BAD_INSTRUCTION",
    [OFPET_BAD_MATCH] = "OFPET_BAD_MATCH",
    [OFPET_FLOW_MOD_FAILED] = "OFPET_FLOW_MOD_FAILED",
    [OFPET_GROUP_MOD_FAILED] = "OFPET_GROUP_MOD_FAILED",
    [OFPET_PORT_MOD_FAILED] = "OFPET_PORT_MOD_FAILED",
    [OFPET_TABLE_MOD_FAILED] = "OFPET_TABLE_MOD_FAILED",
    [OFPET_QUEUE_OP_FAILED] = "OFPET_QUEUE_OP_FAILED",
    [OFPET_SWITCH_CONFIG_FAILED] = "OFPET_SWITCH_CONFIG_FAILED",
    [OFPET_ROLE_REQUEST_FAILED] = "OFPET_ROLE_REQUEST_FAILED",
    [OFPET_METER_MOD_FAILED] = "OFPET_METER_MOD_FAILED",
    [OFPET_TABLE_FEATURES_FAILED] = "OFPET_TABLE_FEATURES_FAILED",
};

#define N_INFOS (sizeof ofperr_infos / sizeof ofperr_infos[0])

static const struct ofperr_info *
ofperr_lookup(uint16_t type, uint16_t code)
{
    /* The list is sorted by (type, code): binary search. */
    size_t lo = 0, hi = N_INFOS;
    uint32_t key = ((uint32_t) type << 16) | code;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct ofperr_info *i = &ofperr_infos[mid];
        uint32_t k = ((uint32_t) i->type << 16) | i->code;
        if (k == key) {
            return i;
        } else if (k < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

bool
ofperr_is_valid(enum ofperr e)
{
    return e >= OFPERR_BASE && ofperr_lookup(ofperr_type(e), ofperr_code(e));
}

enum ofperr
ofperr_from_type_code(uint16_t type, uint16_t code)
{
    const struct ofperr_info *i = ofperr_lookup(type, code);
    return i ? i->e : 0;
}

const char *
ofperr_name(enum ofperr e)
{
    if (!e) {
        return "OK";
    }
    const struct ofperr_info *i =
        e >= OFPERR_BASE ? ofperr_lookup(ofperr_type(e), ofperr_code(e))
                         : NULL;
    return i ? i->name : "OFPERR_UNKNOWN";
}

const char *
ofperr_type_name(uint16_t type)
{
    size_t n = sizeof ofperr_type_names / sizeof ofperr_type_names[0];
    return type < n ? ofperr_type_names[type] : NULL;
}

const char *
ofperr_code_name(uint16_t type, uint16_t code)
{
    const struct ofperr_info *i = ofperr_lookup(type, code);
    return i ? i->code_name : NULL;
}
