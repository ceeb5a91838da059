/* ofp-match: OXM TLVs and the OpenFlow 1.3 match (see ofp-match.h).
 *
 * Sits at the bottom of the codec: ofp-actions uses the OXM codec for
 * set-field, ofp-msgs and ofp-multipart use the match codec for FLOW_MOD,
 * PACKET_IN, FLOW_REMOVED and flow stats.  Facts about each basic field
 * (name, width, maskability, valid bits, prerequisites) live in two static
 * tables indexed by field number; the code only walks them.
 */
#include <config.h>
#include "ofproto/ofp-match.h"

#include <string.h>

#define OXM_HEADER_LEN 4
#define OXM_EXPERIMENTER_ID_LEN 4
#define ALL_BITS UINT64_MAX

/* One row per field number; a row with a NULL name is an unknown field. */
#define F(FIELD, NAME, KIND, WIDTH, MASKABLE, BITS)                           \
    [OFPXMT_OFB_##FIELD] = {OFPXMT_OFB_##FIELD, NAME, OFP_OXM_##KIND, WIDTH,  \
                            MASKABLE,           BITS}
static const struct ofp_oxm_field_info oxm_fields[OFPXMT_OFB_MAX + 1] = {
    F(IN_PORT, "in_port", U32, 4, false, 0xffffffff),
    F(IN_PHY_PORT, "in_phy_port", U32, 4, false, 0xffffffff),
    F(METADATA, "metadata", U64, 8, true, ALL_BITS),
    F(ETH_DST, "eth_dst", MAC, 6, true, ALL_BITS),
    F(ETH_SRC, "eth_src", MAC, 6, true, ALL_BITS),
    F(ETH_TYPE, "eth_type", U16, 2, false, 0xffff),
    F(VLAN_VID, "vlan_vid", U16, 2, true, 0x1fff),
    F(VLAN_PCP, "vlan_pcp", U8, 1, false, 0x7),
    F(IP_DSCP, "ip_dscp", U8, 1, false, 0x3f),
    F(IP_ECN, "ip_ecn", U8, 1, false, 0x3),
    F(IP_PROTO, "ip_proto", U8, 1, false, 0xff),
    F(IPV4_SRC, "ipv4_src", U32, 4, true, 0xffffffff),
    F(IPV4_DST, "ipv4_dst", U32, 4, true, 0xffffffff),
    F(TCP_SRC, "tcp_src", U16, 2, false, 0xffff),
    F(TCP_DST, "tcp_dst", U16, 2, false, 0xffff),
    F(UDP_SRC, "udp_src", U16, 2, false, 0xffff),
    F(UDP_DST, "udp_dst", U16, 2, false, 0xffff),
    F(SCTP_SRC, "sctp_src", U16, 2, false, 0xffff),
    F(SCTP_DST, "sctp_dst", U16, 2, false, 0xffff),
    F(ICMPV4_TYPE, "icmpv4_type", U8, 1, false, 0xff),
    F(ICMPV4_CODE, "icmpv4_code", U8, 1, false, 0xff),
    F(ARP_OP, "arp_op", U16, 2, false, 0xffff),
    F(ARP_SPA, "arp_spa", U32, 4, true, 0xffffffff),
    F(ARP_TPA, "arp_tpa", U32, 4, true, 0xffffffff),
    F(ARP_SHA, "arp_sha", MAC, 6, true, ALL_BITS),
    F(ARP_THA, "arp_tha", MAC, 6, true, ALL_BITS),
    F(IPV6_SRC, "ipv6_src", IPV6, 16, true, ALL_BITS),
    F(IPV6_DST, "ipv6_dst", IPV6, 16, true, ALL_BITS),
    F(IPV6_FLABEL, "ipv6_flabel", U32, 4, true, 0xfffff),
    F(ICMPV6_TYPE, "icmpv6_type", U8, 1, false, 0xff),
    F(ICMPV6_CODE, "icmpv6_code", U8, 1, false, 0xff),
    F(IPV6_ND_TARGET, "ipv6_nd_target", IPV6, 16, false, ALL_BITS),
    F(IPV6_ND_SLL, "ipv6_nd_sll", MAC, 6, false, ALL_BITS),
    F(IPV6_ND_TLL, "ipv6_nd_tll", MAC, 6, false, ALL_BITS),
    F(MPLS_LABEL, "mpls_label", U32, 4, false, 0xfffff),
    F(MPLS_TC, "mpls_tc", U8, 1, false, 0x7),
    F(MPLS_BOS, "mpls_bos", U8, 1, false, 0x1),
    F(PBB_ISID, "pbb_isid", U24, 3, true, 0xffffff),
    F(TUNNEL_ID, "tunnel_id", U64, 8, true, ALL_BITS),
    F(IPV6_EXTHDR, "ipv6_exthdr", U16, 2, true, 0x1ff),
    F(PBB_UCA, "pbb_uca", U8, 1, false, 0x1),
    F(TCP_FLAGS, "tcp_flags", U16, 2, true, 0xffff),
    F(ACTSET_OUTPUT, "actset_output", U32, 4, false, 0xffffffff),
};
#undef F

/* A prerequisite: field 'field' must be present, unmasked, and equal to one
 * of 'values[0..n-1]'.  n == 0 marks an unused slot. */
struct oxm_prereq {
    uint8_t field;
    uint8_t n;
    uint16_t values[2];
};

/* Prerequisites of OpenFlow 1.3.5 table 12 (and of 1.4/1.5 for pbb_uca and
 * tcp_flags).  Each field has at most two; a chain (tcp_src needs ip_proto,
 * which needs eth_type) is checked link by link because every field present
 * is checked.  IN_PHY_PORT (IN_PORT present) and VLAN_PCP (VLAN_VID !=
 * NONE) do not compare a value and are handled in code. */
#define ETH(...)                                                              \
    {                                                                         \
        OFPXMT_OFB_ETH_TYPE, OXM_NARGS(__VA_ARGS__),                          \
        {                                                                     \
            __VA_ARGS__                                                       \
        }                                                                     \
    }
#define PROTO(V)                                                              \
    {                                                                         \
        OFPXMT_OFB_IP_PROTO, 1,                                               \
        {                                                                     \
            V                                                                 \
        }                                                                     \
    }
#define ICMP6(...)                                                            \
    {                                                                         \
        OFPXMT_OFB_ICMPV6_TYPE, OXM_NARGS(__VA_ARGS__),                       \
        {                                                                     \
            __VA_ARGS__                                                       \
        }                                                                     \
    }
#define OXM_NARGS(...) OXM_NARGS_(__VA_ARGS__, 2, 1)
#define OXM_NARGS_(A, B, N, ...) N
#define IP 0x0800, 0x86dd
static const struct oxm_prereq oxm_prereqs[OFPXMT_OFB_MAX + 1][2] = {
    [OFPXMT_OFB_IP_DSCP] = {ETH(IP)},
    [OFPXMT_OFB_IP_ECN] = {ETH(IP)},
    [OFPXMT_OFB_IP_PROTO] = {ETH(IP)},
    [OFPXMT_OFB_IPV4_SRC] = {ETH(0x0800)},
    [OFPXMT_OFB_IPV4_DST] = {ETH(0x0800)},
    [OFPXMT_OFB_TCP_SRC] = {PROTO(6)},
    [OFPXMT_OFB_TCP_DST] = {PROTO(6)},
    [OFPXMT_OFB_UDP_SRC] = {PROTO(17)},
    [OFPXMT_OFB_UDP_DST] = {PROTO(17)},
    [OFPXMT_OFB_SCTP_SRC] = {PROTO(132)},
    [OFPXMT_OFB_SCTP_DST] = {PROTO(132)},
    [OFPXMT_OFB_ICMPV4_TYPE] = {PROTO(1), ETH(0x0800)},
    [OFPXMT_OFB_ICMPV4_CODE] = {PROTO(1), ETH(0x0800)},
    [OFPXMT_OFB_ARP_OP] = {ETH(0x0806)},
    [OFPXMT_OFB_ARP_SPA] = {ETH(0x0806)},
    [OFPXMT_OFB_ARP_TPA] = {ETH(0x0806)},
    [OFPXMT_OFB_ARP_SHA] = {ETH(0x0806)},
    [OFPXMT_OFB_ARP_THA] = {ETH(0x0806)},
    [OFPXMT_OFB_IPV6_SRC] = {ETH(0x86dd)},
    [OFPXMT_OFB_IPV6_DST] = {ETH(0x86dd)},
    [OFPXMT_OFB_IPV6_FLABEL] = {ETH(0x86dd)},
    [OFPXMT_OFB_ICMPV6_TYPE] = {PROTO(58), ETH(0x86dd)},
    [OFPXMT_OFB_ICMPV6_CODE] = {PROTO(58), ETH(0x86dd)},
    [OFPXMT_OFB_IPV6_ND_TARGET] = {ICMP6(135, 136)},
    [OFPXMT_OFB_IPV6_ND_SLL] = {ICMP6(135)},
    [OFPXMT_OFB_IPV6_ND_TLL] = {ICMP6(136)},
    [OFPXMT_OFB_MPLS_LABEL] = {ETH(0x8847, 0x8848)},
    [OFPXMT_OFB_MPLS_TC] = {ETH(0x8847, 0x8848)},
    [OFPXMT_OFB_MPLS_BOS] = {ETH(0x8847, 0x8848)},
    [OFPXMT_OFB_PBB_ISID] = {ETH(0x88e7)},
    [OFPXMT_OFB_IPV6_EXTHDR] = {ETH(0x86dd)},
    [OFPXMT_OFB_PBB_UCA] = {ETH(0x88e7)},
    [OFPXMT_OFB_TCP_FLAGS] = {PROTO(6)},
};
#undef ETH
#undef PROTO
#undef ICMP6
#undef OXM_NARGS
#undef OXM_NARGS_
#undef IP

const struct ofp_oxm_field_info *
ofp_oxm_field_info(uint8_t field)
{
    return (field <= OFPXMT_OFB_MAX && oxm_fields[field].name
                ? &oxm_fields[field]
                : NULL);
}

const struct ofp_oxm_field_info *
ofp_oxm_field_by_name(const char *name)
{
    for (size_t i = 0; i <= OFPXMT_OFB_MAX; i++) {
        if (oxm_fields[i].name && !strcmp(oxm_fields[i].name, name)) {
            return &oxm_fields[i];
        }
    }
    return NULL;
}

/* Loads the value of field 'fi' from the fi->width bytes at 'p' (which the
 * caller has bounds-checked) into 'v'. */
static inline void
oxm_value_load(const uint8_t *p, const struct ofp_oxm_field_info *fi,
               union ofp_oxm_value *v)
{
    switch (fi->kind) {
    case OFP_OXM_U8:
        v->u8 = p[0];
        break;
    case OFP_OXM_U16:
        v->u16 = ofp_load_be16(p);
        break;
    case OFP_OXM_U24:
        v->u32 = ((uint32_t) p[0] << 16) | ofp_load_be16(p + 1);
        break;
    case OFP_OXM_U32:
        v->u32 = ofp_load_be32(p);
        break;
    case OFP_OXM_U64:
        v->u64 = ofp_load_be64(p);
        break;
    case OFP_OXM_MAC:
        memcpy(v->mac, p, sizeof v->mac);
        break;
    case OFP_OXM_IPV6:
        memcpy(v->ipv6, p, sizeof v->ipv6);
        break;
    }
}

/* Stores value 'v' of field 'fi' at 'p' (fi->width bytes), big-endian. */
static void
oxm_value_store(uint8_t *p, const struct ofp_oxm_field_info *fi,
                const union ofp_oxm_value *v)
{
    switch (fi->kind) {
    case OFP_OXM_U8:
        p[0] = v->u8;
        break;
    case OFP_OXM_U16:
        ofp_store_be16(p, v->u16);
        break;
    case OFP_OXM_U24:
        p[0] = (uint8_t) (v->u32 >> 16);
        ofp_store_be16(p + 1, (uint16_t) v->u32);
        break;
    case OFP_OXM_U32:
        ofp_store_be32(p, v->u32);
        break;
    case OFP_OXM_U64:
        ofp_store_be64(p, v->u64);
        break;
    case OFP_OXM_MAC:
        memcpy(p, v->mac, sizeof v->mac);
        break;
    case OFP_OXM_IPV6:
        memcpy(p, v->ipv6, sizeof v->ipv6);
        break;
    }
}

/* Returns an integer value as a uint64_t (0 for MAC/IPv6). */
static uint64_t
oxm_value_int(const struct ofp_oxm_field_info *fi,
              const union ofp_oxm_value *v)
{
    switch (fi->kind) {
    case OFP_OXM_U8:
        return v->u8;
    case OFP_OXM_U16:
        return v->u16;
    case OFP_OXM_U24:
    case OFP_OXM_U32:
        return v->u32;
    case OFP_OXM_U64:
        return v->u64;
    case OFP_OXM_MAC:
    case OFP_OXM_IPV6:
        break;
    }
    return 0;
}

/* Returns a pointer to the bytes of a MAC/IPv6 value, NULL for integers. */
static const uint8_t *
oxm_value_bytes(const struct ofp_oxm_field_info *fi,
                const union ofp_oxm_value *v)
{
    return (fi->kind == OFP_OXM_MAC    ? v->mac
            : fi->kind == OFP_OXM_IPV6 ? v->ipv6
                                       : NULL);
}

/* Returns the known field info for a decoded 'oxm', or NULL if opaque. */
static const struct ofp_oxm_field_info *
oxm_known_info(const struct ofp_oxm *oxm)
{
    return ofp_oxm_is_known(oxm) ? ofp_oxm_field_info(oxm->field) : NULL;
}

/* Decodes the OXM TLV at 'p' into 'oxm' (all of it written: the rest
 * zero).  The caller has checked that the 4-byte header and the p[3] bytes
 * of payload it announces are there.  Returns 0, or OFPBMC_BAD_LEN for a
 * known basic field of the wrong length or an experimenter OXM too short
 * for its id.  Inline: ofp_oxm_decode() and the match decoder's loop share
 * it, and it runs for every field of every match decoded. */
static inline enum ofperr
oxm_decode_tlv(const uint8_t *p, struct ofp_oxm *oxm)
{
    uint16_t cls = ofp_load_be16(p);
    uint8_t field = p[2] >> 1;
    bool has_mask = p[2] & 1;
    uint8_t length = p[3];
    const uint8_t *body = p + OXM_HEADER_LEN;

    memset(oxm, 0, sizeof *oxm);
    oxm->cls = cls;
    oxm->field = field;
    oxm->has_mask = has_mask;
    oxm->length = length;

    const struct ofp_oxm_field_info *fi =
        (cls == OFPXMC_OPENFLOW_BASIC ? ofp_oxm_field_info(field) : NULL);
    if (fi) {
        if (length != fi->width << has_mask) {
            return OFPERR_OFPBMC_BAD_LEN;
        }
        oxm_value_load(body, fi, &oxm->value);
        if (has_mask) {
            oxm_value_load(body + fi->width, fi, &oxm->mask);
        }
    } else if (cls == OFPXMC_EXPERIMENTER) {
        if (length < OXM_EXPERIMENTER_ID_LEN) {
            return OFPERR_OFPBMC_BAD_LEN;
        }
        oxm->experimenter = ofp_load_be32(body);
        oxm->payload = body + OXM_EXPERIMENTER_ID_LEN;
    } else {
        /* A non-NULL pointer into the input (even for an empty payload)
         * marks the OXM as opaque. */
        oxm->payload = body;
    }
    return 0;
}

enum ofperr
ofp_oxm_decode(struct ofp_rd *rd, struct ofp_oxm *oxm)
{
    /* One bounds check for the TLV, then loads from the checked bytes.
     * A failed cursor has 'left' 0. */
    if (rd->left < OXM_HEADER_LEN || rd->left - OXM_HEADER_LEN < rd->p[3]) {
        memset(oxm, 0, sizeof *oxm);
        if (rd->left >= OXM_HEADER_LEN) {
            /* The header is there: report it as decoded so far. */
            const uint8_t *p = rd->p;
            oxm->cls = ofp_load_be16(p);
            oxm->field = p[2] >> 1;
            oxm->has_mask = p[2] & 1;
            oxm->length = p[3];
        }
        return OFPERR_OFPBMC_BAD_LEN;
    }
    enum ofperr error = oxm_decode_tlv(rd->p, oxm);
    if (!error) {
        ofp_rd_skip(rd, OXM_HEADER_LEN + oxm->length);
    }
    return error;
}

void
ofp_oxm_encode(struct ofp_wbuf *out, const struct ofp_oxm *oxm)
{
    const struct ofp_oxm_field_info *fi = oxm_known_info(oxm);
    uint8_t len = (fi ? fi->width * (oxm->has_mask ? 2 : 1) : oxm->length);

    /* One reservation for the whole TLV: this is on the flow-push path. */
    uint8_t *p = ofp_wbuf_reserve(out, OXM_HEADER_LEN + len);
    if (!p) {
        return;
    }
    p[0] = (uint8_t) (oxm->cls >> 8);
    p[1] = (uint8_t) oxm->cls;
    p[2] = (uint8_t) ((oxm->field << 1) | (oxm->has_mask ? 1 : 0));
    p[3] = len;
    p += OXM_HEADER_LEN;
    if (fi) {
        oxm_value_store(p, fi, &oxm->value);
        if (oxm->has_mask) {
            oxm_value_store(p + fi->width, fi, &oxm->mask);
        }
    } else if (oxm->cls == OFPXMC_EXPERIMENTER &&
               len >= OXM_EXPERIMENTER_ID_LEN) {
        uint32_t e = oxm->experimenter;
        p[0] = (uint8_t) (e >> 24);
        p[1] = (uint8_t) (e >> 16);
        p[2] = (uint8_t) (e >> 8);
        p[3] = (uint8_t) e;
        if (len > OXM_EXPERIMENTER_ID_LEN) {
            memcpy(p + OXM_EXPERIMENTER_ID_LEN, oxm->payload,
                   len - OXM_EXPERIMENTER_ID_LEN);
        }
    } else if (len) {
        memcpy(p, oxm->payload, len);
    }
}

size_t
ofp_oxm_wire_len(const struct ofp_oxm *oxm)
{
    const struct ofp_oxm_field_info *fi = oxm_known_info(oxm);
    return OXM_HEADER_LEN +
           (fi ? fi->width * (oxm->has_mask ? 2u : 1u) : oxm->length);
}

bool
ofp_oxm_init_basic(struct ofp_oxm *oxm, uint8_t field)
{
    const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(field);
    memset(oxm, 0, sizeof *oxm);
    if (!fi) {
        return false;
    }
    oxm->cls = OFPXMC_OPENFLOW_BASIC;
    oxm->field = field;
    oxm->length = fi->width;
    return true;
}

/* Returns true if values 'a' and 'b' of field 'fi' are equal. */
static bool
oxm_value_equal(const struct ofp_oxm_field_info *fi,
                const union ofp_oxm_value *a, const union ofp_oxm_value *b)
{
    const uint8_t *pa = oxm_value_bytes(fi, a);
    return (pa ? !memcmp(pa, oxm_value_bytes(fi, b), fi->width)
               : oxm_value_int(fi, a) == oxm_value_int(fi, b));
}

bool
ofp_oxm_equal(const struct ofp_oxm *a, const struct ofp_oxm *b)
{
    if (a->cls != b->cls || a->field != b->field ||
        a->has_mask != b->has_mask ||
        ofp_oxm_is_known(a) != ofp_oxm_is_known(b)) {
        return false;
    }
    const struct ofp_oxm_field_info *fi = oxm_known_info(a);
    if (fi) {
        return (oxm_value_equal(fi, &a->value, &b->value) &&
                (!a->has_mask || oxm_value_equal(fi, &a->mask, &b->mask)));
    }
    if (a->length != b->length) {
        return false;
    }
    size_t n = a->length;
    if (a->cls == OFPXMC_EXPERIMENTER && n >= OXM_EXPERIMENTER_ID_LEN) {
        if (a->experimenter != b->experimenter) {
            return false;
        }
        n -= OXM_EXPERIMENTER_ID_LEN;
    }
    return !n || !memcmp(a->payload, b->payload, n);
}

/* ---- match ---- */

enum ofperr
ofp_match_decode(struct ofp_rd *rd, struct ofp_match *match,
                 struct ofp_arena *arena)
{
    memset(match, 0, sizeof *match);
    /* A failed cursor has 'left' 0. */
    if (rd->left < OFP_MATCH_HEADER_LEN) {
        return OFPERR_OFPBMC_BAD_LEN;
    }
    /* The cursor advances past the header, and past the whole match if
     * it fits, before any error is returned, as ofp_rd_*() would. */
    const uint8_t *start = rd->p;
    size_t left = rd->left;
    match->type = ofp_load_be16(start);
    uint16_t length = ofp_load_be16(start + 2);
    size_t padded = ofp_round8(length);
    if (match->type != OFPMT_OXM || length < OFP_MATCH_HEADER_LEN ||
        padded > left) {
        rd->p += OFP_MATCH_HEADER_LEN;
        rd->left -= OFP_MATCH_HEADER_LEN;
        return (match->type != OFPMT_OXM ? OFPERR_OFPBMC_BAD_TYPE
                                         : OFPERR_OFPBMC_BAD_LEN);
    }
    rd->p += padded;
    rd->left -= padded;

    /* First pass over the TLV headers: framing and count.  After it every
     * TLV is known to lie within 'length'. */
    size_t n = 0;
    for (size_t ofs = OFP_MATCH_HEADER_LEN; ofs < length; n++) {
        if (length - ofs < OXM_HEADER_LEN) {
            return OFPERR_OFPBMC_BAD_LEN;
        }
        ofs += OXM_HEADER_LEN + start[ofs + 3];
        if (ofs > length) {
            return OFPERR_OFPBMC_BAD_LEN;
        }
    }

    /* oxm_decode_tlv() writes every byte of each element. */
    struct ofp_oxm *array = ofp_arena_alloc_uninit(arena, n * sizeof *array);
    if (!array) {
        return OFPERR_OFPBMC_BAD_LEN;
    }
    const uint8_t *p = start + OFP_MATCH_HEADER_LEN;
    for (size_t i = 0; i < n; i++) {
        enum ofperr error = oxm_decode_tlv(p, &array[i]);
        if (error) {
            return error;
        }
        p += OXM_HEADER_LEN + p[3];
    }
    match->n_oxms = (uint16_t) n;
    match->oxms = array;
    return 0;
}

void
ofp_match_encode(struct ofp_wbuf *out, const struct ofp_match *match)
{
    /* One pass: the length field is written once the OXMs are. */
    size_t start = out->len;
    ofp_wbuf_be16(out, match->type);
    ofp_wbuf_be16(out, 0);
    for (size_t i = 0; i < match->n_oxms; i++) {
        ofp_oxm_encode(out, &match->oxms[i]);
    }
    ofp_wbuf_set_be16(out, start + 2, (uint16_t) (out->len - start));
    ofp_wbuf_pad_to(out, start, 8);
}

size_t
ofp_match_wire_len(const struct ofp_match *match)
{
    size_t length = OFP_MATCH_HEADER_LEN;
    for (size_t i = 0; i < match->n_oxms; i++) {
        length += ofp_oxm_wire_len(&match->oxms[i]);
    }
    return ofp_round8(length);
}

const struct ofp_oxm *
ofp_match_find(const struct ofp_match *match, uint8_t field)
{
    for (size_t i = 0; i < match->n_oxms; i++) {
        const struct ofp_oxm *oxm = &match->oxms[i];
        if (ofp_oxm_is_known(oxm) && oxm->field == field) {
            return oxm;
        }
    }
    return NULL;
}

/* Checks one known OXM on its own: mask allowed, value bits inside the
 * field and inside the mask. */
static enum ofperr
oxm_check_value(const struct ofp_oxm *oxm, const struct ofp_oxm_field_info *fi)
{
    if (oxm->has_mask && !fi->maskable) {
        return OFPERR_OFPBMC_BAD_MASK;
    }
    const uint8_t *bytes = oxm_value_bytes(fi, &oxm->value);
    if (bytes) {
        if (oxm->has_mask) {
            const uint8_t *mask = oxm_value_bytes(fi, &oxm->mask);
            for (size_t i = 0; i < fi->width; i++) {
                if (bytes[i] & ~mask[i]) {
                    return OFPERR_OFPBMC_BAD_WILDCARDS;
                }
            }
        }
        return 0;
    }
    uint64_t value = oxm_value_int(fi, &oxm->value);
    if (value & ~fi->valid_bits) {
        return OFPERR_OFPBMC_BAD_VALUE;
    }
    if (oxm->has_mask && value & ~oxm_value_int(fi, &oxm->mask)) {
        return OFPERR_OFPBMC_BAD_WILDCARDS;
    }
    return 0;
}

/* Returns true if 'oxm' is present, exact, and has one of the values that
 * 'pre' allows. */
static bool
oxm_prereq_met(const struct ofp_oxm *oxm, const struct oxm_prereq *pre)
{
    if (!oxm || oxm->has_mask) {
        return false;
    }
    const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(pre->field);
    uint64_t value = oxm_value_int(fi, &oxm->value);
    for (size_t i = 0; i < pre->n; i++) {
        if (value == pre->values[i]) {
            return true;
        }
    }
    return false;
}

enum ofperr
ofp_match_check(const struct ofp_match *match)
{
    const struct ofp_oxm *present[OFPXMT_OFB_MAX + 1] = {NULL};

    for (size_t i = 0; i < match->n_oxms; i++) {
        const struct ofp_oxm *oxm = &match->oxms[i];
        const struct ofp_oxm_field_info *fi = oxm_known_info(oxm);
        if (!fi) {
            continue;
        }
        enum ofperr error = oxm_check_value(oxm, fi);
        if (error) {
            return error;
        }
        if (present[oxm->field]) {
            return OFPERR_OFPBMC_DUP_FIELD;
        }
        present[oxm->field] = oxm;
    }

    for (size_t f = 0; f <= OFPXMT_OFB_MAX; f++) {
        if (!present[f]) {
            continue;
        }
        for (size_t j = 0; j < 2; j++) {
            const struct oxm_prereq *pre = &oxm_prereqs[f][j];
            if (pre->n && !oxm_prereq_met(present[pre->field], pre)) {
                return OFPERR_OFPBMC_BAD_PREREQ;
            }
        }
    }

    /* IN_PHY_PORT needs IN_PORT present, whatever its value. */
    if (present[OFPXMT_OFB_IN_PHY_PORT] && !present[OFPXMT_OFB_IN_PORT]) {
        return OFPERR_OFPBMC_BAD_PREREQ;
    }

    /* VLAN_PCP needs VLAN_VID != NONE: the match must require a tag, so
     * OFPVID_PRESENT must be set in the value and covered by the mask. */
    const struct ofp_oxm *vid = present[OFPXMT_OFB_VLAN_VID];
    if (present[OFPXMT_OFB_VLAN_PCP] &&
        (!vid || !(vid->value.u16 & OFPVID_PRESENT) ||
         (vid->has_mask && !(vid->mask.u16 & OFPVID_PRESENT)))) {
        return OFPERR_OFPBMC_BAD_PREREQ;
    }
    return 0;
}
