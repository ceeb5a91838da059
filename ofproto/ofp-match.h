/* ofp-match: OXM TLVs and the OpenFlow 1.3 match (ofp_match, OFPMT_OXM).
 *
 * A decoded match is a list of OXMs in wire order, so re-encoding gives the
 * same bytes.  OpenFlow-basic fields this module knows have their value and
 * mask in host order in 'value'/'mask'; every other OXM (other classes, such
 * as Nicira's NXM_0/NXM_1, experimenter OXMs, unknown basic fields) is kept
 * as opaque payload bytes and re-encoded identically.
 *
 * Decoding checks only the TLV framing and, for known basic fields, that the
 * length is the field's width (doubled when has_mask).  The semantic rules
 * of the specification (which fields may be masked, prerequisites,
 * duplicates, value bits outside the field or the mask) are checked by
 * ofp_match_check(), which a switch calls on a FLOW_MOD and a controller may
 * call before sending one.
 */
#ifndef OFPROTO_OFP_MATCH_H
#define OFPROTO_OFP_MATCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-errors.h"
#include "ofproto/openflow13.h"

/* How a known basic field's value is stored in 'union ofp_oxm_value'. */
enum ofp_oxm_kind {
    OFP_OXM_U8,   /* .u8 */
    OFP_OXM_U16,  /* .u16 */
    OFP_OXM_U24,  /* .u32, 3 bytes on the wire (PBB_ISID) */
    OFP_OXM_U32,  /* .u32 (IPv4 addresses too, host order) */
    OFP_OXM_U64,  /* .u64 */
    OFP_OXM_MAC,  /* .mac, network order */
    OFP_OXM_IPV6, /* .ipv6, network order */
};

union ofp_oxm_value {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    uint8_t mac[6];
    uint8_t ipv6[16];
};

/* One OXM TLV. */
struct ofp_oxm {
    uint16_t cls;  /* enum ofp_oxm_class */
    uint8_t field; /* 7-bit field number */
    bool has_mask;
    uint8_t length;            /* oxm_length: payload bytes on the wire,
                                * including the experimenter id */
    uint32_t experimenter;     /* cls == OFPXMC_EXPERIMENTER only */
    union ofp_oxm_value value; /* known basic field (payload == NULL) */
    union ofp_oxm_value mask;  /* known basic field with has_mask */
    const uint8_t *payload;    /* opaque OXM: the 'length' payload bytes
                                * (after the experimenter id for the
                                * experimenter class: then length - 4),
                                * owned by the arena or the caller */
};

/* Facts about one OpenFlow-basic field. */
struct ofp_oxm_field_info {
    uint8_t field;    /* OFPXMT_OFB_* */
    const char *name; /* Ryu/OVS name: "eth_dst", "ipv4_src" */
    enum ofp_oxm_kind kind;
    uint8_t width;       /* value bytes on the wire */
    bool maskable;       /* the specification allows a mask */
    uint64_t valid_bits; /* bits a value may have (e.g. 0x1fff for
                          * vlan_vid, 0x3f for ip_dscp); all ones for
                          * MAC/IPv6 */
};

/* Returns the facts for basic field 'field', or NULL if unknown. */
const struct ofp_oxm_field_info *ofp_oxm_field_info(uint8_t field);
/* Returns the facts for the field called 'name', or NULL. */
const struct ofp_oxm_field_info *ofp_oxm_field_by_name(const char *name);

/* Returns true if 'oxm' is a basic field this module decodes into 'value'. */
static inline bool
ofp_oxm_is_known(const struct ofp_oxm *oxm)
{
    return oxm->payload == NULL && oxm->cls == OFPXMC_OPENFLOW_BASIC;
}

/* Decodes one OXM TLV from 'rd'.  Opaque payloads point into the input
 * (they are not copied; the caller's input must outlive 'oxm').  Returns 0,
 * OFPBMC_BAD_LEN on a short or inconsistent TLV. */
enum ofperr ofp_oxm_decode(struct ofp_rd *rd, struct ofp_oxm *oxm);

/* Appends 'oxm' in wire form.  Known basic fields are written from
 * 'value'/'mask' with the field's width. */
void ofp_oxm_encode(struct ofp_wbuf *out, const struct ofp_oxm *oxm);

/* Returns the wire size of 'oxm' including its 4-byte header. */
size_t ofp_oxm_wire_len(const struct ofp_oxm *oxm);

/* Fills 'oxm' as a known basic field 'field' with no mask, value zeroed;
 * the caller then sets oxm->value.  Returns false for an unknown field. */
bool ofp_oxm_init_basic(struct ofp_oxm *oxm, uint8_t field);

/* Returns true if two OXMs are equal (class, field, mask and bytes). */
bool ofp_oxm_equal(const struct ofp_oxm *, const struct ofp_oxm *);

/* ---- match ---- */

struct ofp_match {
    uint16_t type; /* OFPMT_OXM */
    uint16_t n_oxms;
    struct ofp_oxm *oxms; /* wire order; arena- or caller-owned */
};

/* Decodes an ofp_match, including its padding to 8 bytes, from 'rd'.
 * OXMs go in an array allocated from 'arena'; opaque payloads point into the
 * input.  Returns 0 or: OFPBMC_BAD_TYPE (not OFPMT_OXM), OFPBMC_BAD_LEN
 * (length field below 4, beyond the input, padding missing, an OXM not
 * fitting, a known field of the wrong length, or the arena cannot grow).
 * The padding's content is not checked; re-encoding writes zeroes. */
enum ofperr ofp_match_decode(struct ofp_rd *rd, struct ofp_match *match,
                             struct ofp_arena *arena);

/* Appends 'match' in wire form, padded to 8 bytes. */
void ofp_match_encode(struct ofp_wbuf *out, const struct ofp_match *match);

/* Returns the wire size of 'match' including padding. */
size_t ofp_match_wire_len(const struct ofp_match *match);

/* Returns the first known basic OXM for 'field' in 'match', or NULL. */
const struct ofp_oxm *ofp_match_find(const struct ofp_match *match,
                                     uint8_t field);

/* Checks the specification's rules on a decoded match: a mask only on a
 * maskable field (OFPBMC_BAD_MASK), no field twice (OFPBMC_DUP_FIELD), no
 * value bits outside the field (OFPBMC_BAD_VALUE) or outside the mask
 * (OFPBMC_BAD_WILDCARDS), prerequisites present and consistent
 * (OFPBMC_BAD_PREREQ).  Opaque OXMs are not checked.  Returns 0 or the
 * first error.
 *
 * Prerequisites follow OpenFlow 1.3.5 table 12 (pbb_uca: eth_type 0x88e7,
 * tcp_flags: ip_proto 6, as in 1.4/1.5).  A prerequisite field must be an
 * exact match of an allowed value; every prerequisite field (eth_type,
 * ip_proto, icmpv6_type) is unmaskable anyway.  IN_PHY_PORT needs IN_PORT
 * present.  VLAN_PCP needs VLAN_VID != NONE: a vlan_vid with OFPVID_PRESENT
 * set in the value and covered by the mask (so "any VLAN",
 * 0x1000/0x1000, qualifies). */
enum ofperr ofp_match_check(const struct ofp_match *match);

#endif /* OFPROTO_OFP_MATCH_H */
