/* ofp-errors: every OpenFlow 1.3 error as one enum value.
 *
 * Protocol code in ofproto/ returns 'enum ofperr': 0 for success, otherwise
 * a value that maps straight to the OFPT_ERROR type and code a switch or
 * controller would send back (ofperr_type(), ofperr_code()).
 */
#ifndef OFPROTO_OFP_ERRORS_H
#define OFPROTO_OFP_ERRORS_H 1

#include <stdbool.h>
#include <stdint.h>
#include "ofproto/openflow13.h"

/* X(TYPE, PREFIX, CODE_NAME, CODE): TYPE is the ofp_error_type suffix,
 * PREFIX the code-name prefix used by the specification. */
#define OFPERR_LIST(X)                                                        \
    X(HELLO_FAILED, OFPHFC, INCOMPATIBLE, 0)                                  \
    X(HELLO_FAILED, OFPHFC, EPERM, 1)                                         \
    X(BAD_REQUEST, OFPBRC, BAD_VERSION, 0)                                    \
    X(BAD_REQUEST, OFPBRC, BAD_TYPE, 1)                                       \
    X(BAD_REQUEST, OFPBRC, BAD_MULTIPART, 2)                                  \
    X(BAD_REQUEST, OFPBRC, BAD_EXPERIMENTER, 3)                               \
    X(BAD_REQUEST, OFPBRC, BAD_EXP_TYPE, 4)                                   \
    X(BAD_REQUEST, OFPBRC, EPERM, 5)                                          \
    X(BAD_REQUEST, OFPBRC, BAD_LEN, 6)                                        \
    X(BAD_REQUEST, OFPBRC, BUFFER_EMPTY, 7)                                   \
    X(BAD_REQUEST, OFPBRC, BUFFER_UNKNOWN, 8)                                 \
    X(BAD_REQUEST, OFPBRC, BAD_TABLE_ID, 9)                                   \
    X(BAD_REQUEST, OFPBRC, IS_SLAVE, 10)                                      \
    X(BAD_REQUEST, OFPBRC, BAD_PORT, 11)                                      \
    X(BAD_REQUEST, OFPBRC, BAD_PACKET, 12)                                    \
    X(BAD_REQUEST, OFPBRC, MULTIPART_BUFFER_OVERFLOW, 13)                     \
    X(BAD_ACTION, OFPBAC, BAD_TYPE, 0)                                        \
    X(BAD_ACTION, OFPBAC, BAD_LEN, 1)                                         \
    X(BAD_ACTION, OFPBAC, BAD_EXPERIMENTER, 2)                                \
    X(BAD_ACTION, OFPBAC, BAD_EXP_TYPE, 3)                                    \
    X(BAD_ACTION, OFPBAC, BAD_OUT_PORT, 4)                                    \
    X(BAD_ACTION, OFPBAC, BAD_ARGUMENT, 5)                                    \
    X(BAD_ACTION, OFPBAC, EPERM, 6)                                           \
    X(BAD_ACTION, OFPBAC, TOO_MANY, 7)                                        \
    X(BAD_ACTION, OFPBAC, BAD_QUEUE, 8)                                       \
    X(BAD_ACTION, OFPBAC, BAD_OUT_GROUP, 9)                                   \
    X(BAD_ACTION, OFPBAC, MATCH_INCONSISTENT, 10)                             \
    X(BAD_ACTION, OFPBAC, UNSUPPORTED_ORDER, 11)                              \
    X(BAD_ACTION, OFPBAC, BAD_TAG, 12)                                        \
    X(BAD_ACTION, OFPBAC, BAD_SET_TYPE, 13)                                   \
    X(BAD_ACTION, OFPBAC, BAD_SET_LEN, 14)                                    \
    X(BAD_ACTION, OFPBAC, BAD_SET_ARGUMENT, 15)                               \
    X(BAD_INSTRUCTION, OFPBIC, UNKNOWN_INST, 0)                               \
    X(BAD_INSTRUCTION, OFPBIC, UNSUP_INST, 1)                                 \
    X(BAD_INSTRUCTION, OFPBIC, BAD_TABLE_ID, 2)                               \
    X(BAD_INSTRUCTION, OFPBIC, UNSUP_METADATA, 3)                             \
    X(BAD_INSTRUCTION, OFPBIC, UNSUP_METADATA_MASK, 4)                        \
    X(BAD_INSTRUCTION, OFPBIC, BAD_EXPERIMENTER, 5)                           \
    X(BAD_INSTRUCTION, OFPBIC, BAD_EXP_TYPE, 6)                               \
    X(BAD_INSTRUCTION, OFPBIC, BAD_LEN, 7)                                    \
    X(BAD_INSTRUCTION, OFPBIC, EPERM, 8)                                      \
    X(BAD_MATCH, OFPBMC, BAD_TYPE, 0)                                         \
    X(BAD_MATCH, OFPBMC, BAD_LEN, 1)                                          \
    X(BAD_MATCH, OFPBMC, BAD_TAG, 2)                                          \
    X(BAD_MATCH, OFPBMC, BAD_DL_ADDR_MASK, 3)                                 \
    X(BAD_MATCH, OFPBMC, BAD_NW_ADDR_MASK, 4)                                 \
    X(BAD_MATCH, OFPBMC, BAD_WILDCARDS, 5)                                    \
    X(BAD_MATCH, OFPBMC, BAD_FIELD, 6)                                        \
    X(BAD_MATCH, OFPBMC, BAD_VALUE, 7)                                        \
    X(BAD_MATCH, OFPBMC, BAD_MASK, 8)                                         \
    X(BAD_MATCH, OFPBMC, BAD_PREREQ, 9)                                       \
    X(BAD_MATCH, OFPBMC, DUP_FIELD, 10)                                       \
    X(BAD_MATCH, OFPBMC, EPERM, 11)                                           \
    X(FLOW_MOD_FAILED, OFPFMFC, UNKNOWN, 0)                                   \
    X(FLOW_MOD_FAILED, OFPFMFC, TABLE_FULL, 1)                                \
    X(FLOW_MOD_FAILED, OFPFMFC, BAD_TABLE_ID, 2)                              \
    X(FLOW_MOD_FAILED, OFPFMFC, OVERLAP, 3)                                   \
    X(FLOW_MOD_FAILED, OFPFMFC, EPERM, 4)                                     \
    X(FLOW_MOD_FAILED, OFPFMFC, BAD_TIMEOUT, 5)                               \
    X(FLOW_MOD_FAILED, OFPFMFC, BAD_COMMAND, 6)                               \
    X(FLOW_MOD_FAILED, OFPFMFC, BAD_FLAGS, 7)                                 \
    X(GROUP_MOD_FAILED, OFPGMFC, GROUP_EXISTS, 0)                             \
    X(GROUP_MOD_FAILED, OFPGMFC, INVALID_GROUP, 1)                            \
    X(GROUP_MOD_FAILED, OFPGMFC, WEIGHT_UNSUPPORTED, 2)                       \
    X(GROUP_MOD_FAILED, OFPGMFC, OUT_OF_GROUPS, 3)                            \
    X(GROUP_MOD_FAILED, OFPGMFC, OUT_OF_BUCKETS, 4)                           \
    X(GROUP_MOD_FAILED, OFPGMFC, CHAINING_UNSUPPORTED, 5)                     \
    X(GROUP_MOD_FAILED, OFPGMFC, WATCH_UNSUPPORTED, 6)                        \
    X(GROUP_MOD_FAILED, OFPGMFC, LOOP, 7)                                     \
    X(GROUP_MOD_FAILED, OFPGMFC, UNKNOWN_GROUP, 8)                            \
    X(GROUP_MOD_FAILED, OFPGMFC, CHAINED_GROUP, 9)                            \
    X(GROUP_MOD_FAILED, OFPGMFC, BAD_TYPE, 10)                                \
    X(GROUP_MOD_FAILED, OFPGMFC, BAD_COMMAND, 11)                             \
    X(GROUP_MOD_FAILED, OFPGMFC, BAD_BUCKET, 12)                              \
    X(GROUP_MOD_FAILED, OFPGMFC, BAD_WATCH, 13)                               \
    X(GROUP_MOD_FAILED, OFPGMFC, EPERM, 14)                                   \
    X(PORT_MOD_FAILED, OFPPMFC, BAD_PORT, 0)                                  \
    X(PORT_MOD_FAILED, OFPPMFC, BAD_HW_ADDR, 1)                               \
    X(PORT_MOD_FAILED, OFPPMFC, BAD_CONFIG, 2)                                \
    X(PORT_MOD_FAILED, OFPPMFC, BAD_ADVERTISE, 3)                             \
    X(PORT_MOD_FAILED, OFPPMFC, EPERM, 4)                                     \
    X(TABLE_MOD_FAILED, OFPTMFC, BAD_TABLE, 0)                                \
    X(TABLE_MOD_FAILED, OFPTMFC, BAD_CONFIG, 1)                               \
    X(TABLE_MOD_FAILED, OFPTMFC, EPERM, 2)                                    \
    X(QUEUE_OP_FAILED, OFPQOFC, BAD_PORT, 0)                                  \
    X(QUEUE_OP_FAILED, OFPQOFC, BAD_QUEUE, 1)                                 \
    X(QUEUE_OP_FAILED, OFPQOFC, EPERM, 2)                                     \
    X(SWITCH_CONFIG_FAILED, OFPSCFC, BAD_FLAGS, 0)                            \
    X(SWITCH_CONFIG_FAILED, OFPSCFC, BAD_LEN, 1)                              \
    X(SWITCH_CONFIG_FAILED, OFPSCFC, EPERM, 2)                                \
    X(ROLE_REQUEST_FAILED, OFPRRFC, STALE, 0)                                 \
    X(ROLE_REQUEST_FAILED, OFPRRFC, UNSUP, 1)                                 \
    X(ROLE_REQUEST_FAILED, OFPRRFC, BAD_ROLE, 2)                              \
    X(METER_MOD_FAILED, OFPMMFC, UNKNOWN, 0)                                  \
    X(METER_MOD_FAILED, OFPMMFC, METER_EXISTS, 1)                             \
    X(METER_MOD_FAILED, OFPMMFC, INVALID_METER, 2)                            \
    X(METER_MOD_FAILED, OFPMMFC, UNKNOWN_METER, 3)                            \
    X(METER_MOD_FAILED, OFPMMFC, BAD_COMMAND, 4)                              \
    X(METER_MOD_FAILED, OFPMMFC, BAD_FLAGS, 5)                                \
    X(METER_MOD_FAILED, OFPMMFC, BAD_RATE, 6)                                 \
    X(METER_MOD_FAILED, OFPMMFC, BAD_BURST, 7)                                \
    X(METER_MOD_FAILED, OFPMMFC, BAD_BAND, 8)                                 \
    X(METER_MOD_FAILED, OFPMMFC, BAD_BAND_VALUE, 9)                           \
    X(METER_MOD_FAILED, OFPMMFC, OUT_OF_METERS, 10)                           \
    X(METER_MOD_FAILED, OFPMMFC, OUT_OF_BANDS, 11)                            \
    X(TABLE_FEATURES_FAILED, OFPTFFC, BAD_TABLE, 0)                           \
    X(TABLE_FEATURES_FAILED, OFPTFFC, BAD_METADATA, 1)                        \
    X(TABLE_FEATURES_FAILED, OFPTFFC, BAD_TYPE, 2)                            \
    X(TABLE_FEATURES_FAILED, OFPTFFC, BAD_LEN, 3)                             \
    X(TABLE_FEATURES_FAILED, OFPTFFC, BAD_ARGUMENT, 4)                        \
    X(TABLE_FEATURES_FAILED, OFPTFFC, EPERM, 5)

/* Value = OFPERR_BASE + (type << 16) + code, so 0 is free for success and
 * the mapping back to the wire is arithmetic. */
#define OFPERR_BASE 0x10000000

enum ofperr {
    OFPERR_OK = 0,
#define OFPERR_ENUM_(TYPE, PREFIX, NAME, CODE)                                \
    OFPERR_##PREFIX##_##NAME = OFPERR_BASE + (OFPET_##TYPE << 16) + CODE,
    OFPERR_LIST(OFPERR_ENUM_)
#undef OFPERR_ENUM_
};

/* Returns the OFPT_ERROR type of 'e' (e != 0). */
static inline uint16_t
ofperr_type(enum ofperr e)
{
    return (uint16_t) ((e - OFPERR_BASE) >> 16);
}

/* Returns the OFPT_ERROR code of 'e' (e != 0). */
static inline uint16_t
ofperr_code(enum ofperr e)
{
    return (uint16_t) ((e - OFPERR_BASE) & 0xffff);
}

/* Returns true if 'e' is one of the listed errors. */
bool ofperr_is_valid(enum ofperr e);

/* Returns the error for wire 'type' and 'code', or 0 if it is not one the
 * specification defines. */
enum ofperr ofperr_from_type_code(uint16_t type, uint16_t code);

/* Returns the specification's name, e.g. "OFPBRC_BAD_LEN", or "OK" for 0,
 * or "OFPERR_UNKNOWN" for anything else.  Static storage. */
const char *ofperr_name(enum ofperr e);

/* Returns the name of error type 'type', e.g. "OFPET_BAD_REQUEST", or NULL
 * if unknown. */
const char *ofperr_type_name(uint16_t type);

/* Returns the code name without prefix for a known type/code pair, e.g.
 * "BAD_LEN", or NULL.  Used by the JSON form. */
const char *ofperr_code_name(uint16_t type, uint16_t code);

#endif /* OFPROTO_OFP_ERRORS_H */
