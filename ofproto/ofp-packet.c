/* ofp-packet: the L2-L4 packet parser and the LLDP codec (see
 * ofp-packet.h).
 *
 * Every header is taken from a struct ofp_rd cursor with one bounds-checked
 * pull, then its fields are read from the pulled bytes.  Once the network
 * layer says where the packet ends, the cursor is narrowed to that end, so
 * the L4 parsers cannot see Ethernet padding.  Each parser checks its whole
 * header before it writes a field, which keeps the promise that a layer
 * that failed leaves its fields zero.
 */
#include <config.h>
#include "ofproto/ofp-packet.h"

#include <stddef.h>
#include <string.h>
#include "ofproto/openflow13.h"

enum {
    ETH_HEADER_LEN = 14,
    VLAN_HEADER_LEN = 4,
    LLC_SNAP_LEN = 8,
    ARP_ETH_IPV4_LEN = 28,
    IPV4_HEADER_LEN = 20,
    IPV6_HEADER_LEN = 40,
    IPV6_EXT_MIN_LEN = 8,
    TCP_HEADER_LEN = 20,
    UDP_HEADER_LEN = 8,
    SCTP_HEADER_LEN = 12,
    ICMP_HEADER_LEN = 8,
    ND_TARGET_LEN = 16,
    ETH_MIN_FRAME_LEN = 60, /* without FCS */
    LLDP_TLV_MAX_LEN = 511,
};

static const uint8_t eth_broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
const uint8_t ofp_lldp_dst[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};

/* ---- errors ---- */

#define OFP_PACKET_ERROR_NAME_(NAME, DESC) #NAME,
static const char *const error_names[] = {
    OFP_PACKET_ERRORS(OFP_PACKET_ERROR_NAME_)};
#undef OFP_PACKET_ERROR_NAME_

#define OFP_PACKET_ERROR_DESC_(NAME, DESC) DESC,
static const char *const error_descs[] = {
    OFP_PACKET_ERRORS(OFP_PACKET_ERROR_DESC_)};
#undef OFP_PACKET_ERROR_DESC_

_Static_assert(sizeof error_names / sizeof *error_names ==
                   sizeof error_descs / sizeof *error_descs,
               "error tables differ");

const char *
ofp_packet_error_name(enum ofp_packet_error error)
{
    size_t i = (size_t) error;
    return i < sizeof error_names / sizeof *error_names ? error_names[i]
                                                        : "UNKNOWN";
}

const char *
ofp_packet_error_desc(enum ofp_packet_error error)
{
    size_t i = (size_t) error;
    return i < sizeof error_descs / sizeof *error_descs ? error_descs[i]
                                                        : "unknown error";
}

/* ---- helpers ---- */

static inline uint16_t
get_be16(const uint8_t *p)
{
    return (uint16_t) ((p[0] << 8) | p[1]);
}

static inline uint32_t
get_be32(const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
           ((uint32_t) p[2] << 8) | p[3];
}

/* Offset of the cursor 'rd' in the frame of 'pkt'. */
static inline uint32_t
cursor_ofs(const struct ofp_packet *pkt, const struct ofp_rd *rd)
{
    return (uint32_t) (rd->p - pkt->frame);
}

/* Records 'ip_end', where the IP packet ends by its length fields, as the
 * end of the packet: clipped to the frame (then OFP_PACKET_F_CUT), and
 * narrows 'rd' to it. */
static void
set_ip_end(struct ofp_packet *pkt, struct ofp_rd *rd, size_t ip_end)
{
    uint32_t ofs = cursor_ofs(pkt, rd);

    if (ip_end > pkt->len) {
        pkt->flags |= OFP_PACKET_F_CUT;
        pkt->end = pkt->len;
    } else {
        pkt->end = (uint32_t) ip_end;
    }
    /* The IP parsers pulled their header from 'rd' only after checking it
     * lies within 'ip_end', so 'ofs' <= 'end'. */
    rd->left = pkt->end - ofs;
}

/* Zeroes the members of 'pkt' from FROM up to (not including) TO. */
#define PACKET_ZERO(PKT, FROM, TO)                                            \
    memset((char *) (PKT) + offsetof(struct ofp_packet, FROM), 0,             \
           offsetof(struct ofp_packet, TO) -                                  \
               offsetof(struct ofp_packet, FROM))

static inline void
packet_init(struct ofp_packet *pkt, const void *frame, uint32_t len)
{
    /* Every byte after 'end' is zeroed, in pieces of at most 64 bytes:
     * GCC writes each as a few vector stores of one zero register, where
     * it turns a memset() of the whole struct into "rep stos" (whose
     * start-up cost was half of the time to parse a TCP/IPv4 frame) and
     * a copy of a zero struct into as many loads as stores. */
    pkt->frame = frame;
    pkt->len = len;
    pkt->end = len;
    PACKET_ZERO(pkt, layer, arp);
    PACKET_ZERO(pkt, arp, ipv6);
    PACKET_ZERO(pkt, ipv6, tcp);
    memset(&pkt->tcp, 0, sizeof *pkt - offsetof(struct ofp_packet, tcp));
}
_Static_assert(offsetof(struct ofp_packet, layer) ==
                   offsetof(struct ofp_packet, end) + sizeof(uint32_t),
               "packet_init() zeroes every member after 'end'");

static bool
is_vlan_tpid(uint16_t type)
{
    return (type == OFP_ETH_TYPE_VLAN || type == OFP_ETH_TYPE_VLAN_8021AD ||
            type == OFP_ETH_TYPE_VLAN_9100);
}

/* ---- L2 ---- */

static enum ofp_packet_error
parse_eth(struct ofp_packet *pkt, struct ofp_rd *rd)
{
    const uint8_t *eth = ofp_rd_pull(rd, ETH_HEADER_LEN);
    if (!eth) {
        return OFP_PACKET_ERR_ETH_TRUNC;
    }
    uint16_t type = get_be16(eth + 12);
    while (is_vlan_tpid(type)) {
        if (pkt->n_vlans >= OFP_PACKET_MAX_VLANS) {
            return OFP_PACKET_ERR_VLAN_DEPTH;
        }
        const uint8_t *tag = ofp_rd_pull(rd, VLAN_HEADER_LEN);
        if (!tag) {
            return OFP_PACKET_ERR_VLAN_TRUNC;
        }
        uint16_t tci = get_be16(tag);
        struct ofp_packet_vlan *vlan = &pkt->vlans[pkt->n_vlans++];
        vlan->tpid = type;
        vlan->pcp = (uint8_t) (tci >> 13);
        vlan->dei = (tci >> 12) & 1;
        vlan->vid = tci & 0xfff;
        type = get_be16(tag + 2);
    }
    if (type < 0x0600) {
        /* 802.3 length: an LLC header follows; with SNAP and a zero OUI
         * it carries an ethertype (if it is one), otherwise there is
         * none. */
        struct ofp_rd snap_rd = *rd;
        const uint8_t *snap = ofp_rd_pull(&snap_rd, LLC_SNAP_LEN);
        if (snap && snap[0] == 0xaa && snap[1] == 0xaa && snap[2] == 0x03 &&
            !snap[3] && !snap[4] && !snap[5] && get_be16(snap + 6) >= 0x0600) {
            *rd = snap_rd;
            type = get_be16(snap + 6);
        } else {
            type = OFP_ETH_TYPE_NONE;
        }
    }
    pkt->eth_dst = eth;
    pkt->eth_src = eth + 6;
    pkt->eth_type = type;
    pkt->l3_ofs = pkt->payload_ofs = cursor_ofs(pkt, rd);
    pkt->layer = OFP_PACKET_L2;
    return OFP_PACKET_OK;
}

/* ---- L4 ---- */

static enum ofp_packet_error
parse_tcp(struct ofp_packet *pkt, struct ofp_rd *rd)
{
    const uint8_t *tcp = ofp_rd_pull(rd, TCP_HEADER_LEN);
    if (!tcp) {
        return OFP_PACKET_ERR_TCP_TRUNC;
    }
    uint8_t doff = tcp[12] >> 4;
    if (doff < 5) {
        return OFP_PACKET_ERR_TCP_OFFSET;
    }
    if (!ofp_rd_pull(rd, (size_t) doff * 4 - TCP_HEADER_LEN)) {
        return OFP_PACKET_ERR_TCP_TRUNC;
    }
    pkt->tp_src = get_be16(tcp);
    pkt->tp_dst = get_be16(tcp + 2);
    pkt->tcp.seq = get_be32(tcp + 4);
    pkt->tcp.ack = get_be32(tcp + 8);
    pkt->tcp.flags = get_be16(tcp + 12) & 0x0fff;
    pkt->tcp.window = get_be16(tcp + 14);
    pkt->tcp.doff = doff;
    return OFP_PACKET_OK;
}

/* 'ip_end' is where the IP packet ends by its length fields. */
static enum ofp_packet_error
parse_udp(struct ofp_packet *pkt, struct ofp_rd *rd, size_t ip_end)
{
    const uint8_t *udp = ofp_rd_pull(rd, UDP_HEADER_LEN);
    if (!udp) {
        return OFP_PACKET_ERR_UDP_TRUNC;
    }
    uint16_t udp_len = get_be16(udp + 4);
    size_t udp_end = pkt->l4_ofs + (size_t) udp_len;
    if (udp_len < UDP_HEADER_LEN) {
        return OFP_PACKET_ERR_UDP_LENGTH;
    }
    /* A first fragment holds only the start of the datagram. */
    if (!(pkt->ip.frag & OFP_PACKET_FRAG_ANY)) {
        if (udp_end > ip_end) {
            return OFP_PACKET_ERR_UDP_LENGTH;
        }
        if (udp_end < pkt->end) {
            pkt->end = (uint32_t) udp_end;
        }
    }
    pkt->tp_src = get_be16(udp);
    pkt->tp_dst = get_be16(udp + 2);
    pkt->udp_len = udp_len;
    return OFP_PACKET_OK;
}

static enum ofp_packet_error
parse_sctp(struct ofp_packet *pkt, struct ofp_rd *rd)
{
    const uint8_t *sctp = ofp_rd_pull(rd, SCTP_HEADER_LEN);
    if (!sctp) {
        return OFP_PACKET_ERR_SCTP_TRUNC;
    }
    pkt->tp_src = get_be16(sctp);
    pkt->tp_dst = get_be16(sctp + 2);
    return OFP_PACKET_OK;
}

static enum ofp_packet_error
parse_icmp(struct ofp_packet *pkt, struct ofp_rd *rd)
{
    const uint8_t *icmp = ofp_rd_pull(rd, ICMP_HEADER_LEN);
    if (!icmp) {
        return OFP_PACKET_ERR_ICMP_TRUNC;
    }
    pkt->icmp.type = icmp[0];
    pkt->icmp.code = icmp[1];
    return OFP_PACKET_OK;
}

/* Parses ICMPv6, and Neighbor Solicitation/Advertisement: the target and
 * the options up to the end of the packet. */
static enum ofp_packet_error
parse_icmpv6(struct ofp_packet *pkt, struct ofp_rd *rd)
{
    const uint8_t *icmp = ofp_rd_pull(rd, ICMP_HEADER_LEN);
    if (!icmp) {
        return OFP_PACKET_ERR_ICMPV6_TRUNC;
    }
    uint8_t type = icmp[0], code = icmp[1];
    if ((type == OFP_ICMPV6_ND_NS || type == OFP_ICMPV6_ND_NA) && !code) {
        const uint8_t *target = ofp_rd_pull(rd, ND_TARGET_LEN);
        if (!target) {
            return OFP_PACKET_ERR_ND_TRUNC;
        }
        const uint8_t *sll = NULL, *tll = NULL;
        while (rd->left) {
            const uint8_t *opt = ofp_rd_pull(rd, 2);
            if (!opt) {
                return OFP_PACKET_ERR_ND_OPT_TRUNC;
            }
            if (!opt[1]) {
                return OFP_PACKET_ERR_ND_OPT_LEN;
            }
            if (!ofp_rd_pull(rd, (size_t) opt[1] * 8 - 2)) {
                return OFP_PACKET_ERR_ND_OPT_TRUNC;
            }
            /* Every option is at least 8 bytes: room for a MAC. */
            if (opt[0] == OFP_ND_OPT_SLL && type == OFP_ICMPV6_ND_NS && !sll) {
                sll = opt + 2;
            } else if (opt[0] == OFP_ND_OPT_TLL && type == OFP_ICMPV6_ND_NA &&
                       !tll) {
                tll = opt + 2;
            }
        }
        pkt->nd.target = target;
        pkt->nd.sll = sll;
        pkt->nd.tll = tll;
        pkt->nd.na_flags = type == OFP_ICMPV6_ND_NA ? icmp[4] & 0xe0 : 0;
    }
    pkt->icmp.type = type;
    pkt->icmp.code = code;
    return OFP_PACKET_OK;
}

/* Parses the L4 header at 'rd' (narrowed to the packet's end) for
 * 'pkt->ip.proto'.  'ip_end' is where the IP packet ends by its length
 * fields (past the frame when the frame is cut). */
static enum ofp_packet_error
parse_l4(struct ofp_packet *pkt, struct ofp_rd *rd, size_t ip_end)
{
    bool v6 = pkt->eth_type == OFP_ETH_TYPE_IPV6;
    enum ofp_packet_error error;

    switch (pkt->ip.proto) {
    case OFP_IPPROTO_TCP:
        error = parse_tcp(pkt, rd);
        break;
    case OFP_IPPROTO_UDP:
        error = parse_udp(pkt, rd, ip_end);
        break;
    case OFP_IPPROTO_SCTP:
        error = parse_sctp(pkt, rd);
        break;
    case OFP_IPPROTO_ICMP:
        if (v6) {
            return OFP_PACKET_OK;
        }
        error = parse_icmp(pkt, rd);
        break;
    case OFP_IPPROTO_ICMPV6:
        if (!v6) {
            return OFP_PACKET_OK;
        }
        error = parse_icmpv6(pkt, rd);
        break;
    default:
        return OFP_PACKET_OK;
    }
    if (!error) {
        /* ND options are parsed, but they are the payload of ND. */
        pkt->payload_ofs =
            (pkt->nd.target ? pkt->l4_ofs + ICMP_HEADER_LEN + ND_TARGET_LEN
                            : cursor_ofs(pkt, rd));
        pkt->layer = OFP_PACKET_L4;
    }
    return error;
}

/* ---- L3 ---- */

static enum ofp_packet_error
parse_arp(struct ofp_packet *pkt, struct ofp_rd *rd)
{
    const uint8_t *arp = ofp_rd_pull(rd, ARP_ETH_IPV4_LEN);
    if (!arp) {
        return OFP_PACKET_ERR_ARP_TRUNC;
    }
    if (get_be16(arp) != 1 || get_be16(arp + 2) != OFP_ETH_TYPE_IPV4 ||
        arp[4] != 6 || arp[5] != 4) {
        return OFP_PACKET_ERR_ARP_FORMAT;
    }
    pkt->arp.op = get_be16(arp + 6);
    pkt->arp.sha = arp + 8;
    pkt->arp.spa = get_be32(arp + 14);
    pkt->arp.tha = arp + 18;
    pkt->arp.tpa = get_be32(arp + 24);
    pkt->l4_ofs = pkt->payload_ofs = pkt->end = cursor_ofs(pkt, rd);
    pkt->layer = OFP_PACKET_L3;
    return OFP_PACKET_OK;
}

/* Parses the IPv4 header at 'rd'.  On success sets '*ip_end' to where the
 * IP packet ends by its length fields and '*l4' if parse_l4() comes next
 * (not a later fragment). */
static enum ofp_packet_error
parse_ipv4(struct ofp_packet *pkt, struct ofp_rd *rd, size_t *ip_end, bool *l4)
{
    const uint8_t *ip = ofp_rd_pull(rd, IPV4_HEADER_LEN);
    if (!ip) {
        return OFP_PACKET_ERR_IPV4_TRUNC;
    }
    if (ip[0] >> 4 != 4) {
        return OFP_PACKET_ERR_IPV4_VERSION;
    }
    size_t hlen = (size_t) (ip[0] & 0x0f) * 4;
    if (hlen < IPV4_HEADER_LEN) {
        return OFP_PACKET_ERR_IPV4_IHL;
    }
    uint16_t total_len = get_be16(ip + 2);
    if (total_len < hlen) {
        return OFP_PACKET_ERR_IPV4_LENGTH;
    }
    if (!ofp_rd_pull(rd, hlen - IPV4_HEADER_LEN)) {
        return OFP_PACKET_ERR_IPV4_TRUNC;
    }

    uint16_t frag = get_be16(ip + 6);
    pkt->ip.proto = ip[9];
    pkt->ip.dscp = ip[1] >> 2;
    pkt->ip.ecn = ip[1] & 3;
    pkt->ip.ttl = ip[8];
    pkt->ipv4.src = get_be32(ip + 12);
    pkt->ipv4.dst = get_be32(ip + 16);
    pkt->ipv4.total_len = total_len;
    pkt->ipv4.id = get_be16(ip + 4);
    pkt->ipv4.flags = (uint8_t) (frag >> 13);
    pkt->ipv4.frag_off = frag & 0x1fff;
    pkt->ipv4.ihl = ip[0] & 0x0f;
    if (pkt->ipv4.frag_off) {
        pkt->ip.frag = OFP_PACKET_FRAG_ANY | OFP_PACKET_FRAG_LATER;
    } else if (pkt->ipv4.flags & OFP_IPV4_MF) {
        pkt->ip.frag = OFP_PACKET_FRAG_ANY;
    }

    *ip_end = pkt->l3_ofs + (size_t) total_len;
    set_ip_end(pkt, rd, *ip_end);
    pkt->l4_ofs = pkt->payload_ofs = cursor_ofs(pkt, rd);
    pkt->layer = OFP_PACKET_L3;
    *l4 = !(pkt->ip.frag & OFP_PACKET_FRAG_LATER);
    return OFP_PACKET_OK;
}

/* Walks the IPv6 extension headers at 'rd', recording them in 'pkt->ipv6'
 * and leaving 'pkt->ip.proto' and 'pkt->l4_ofs' at the header where the
 * walk stopped.  Sets '*parse_l4' when that header is one for parse_l4():
 * not ESP, No Next Header, or a later fragment. */
static enum ofp_packet_error
parse_ipv6_exthdrs(struct ofp_packet *pkt, struct ofp_rd *rd, bool *parse_l4p)
{
    struct ofp_packet_ipv6 *ipv6 = &pkt->ipv6;
    uint8_t nh = pkt->ip.proto;
    unsigned int max_rank = 0;
    unsigned int n_dest = 0;

    *parse_l4p = false;
    for (;;) {
        uint16_t bit;
        unsigned int rank;

        pkt->ip.proto = nh;
        pkt->l4_ofs = pkt->payload_ofs = cursor_ofs(pkt, rd);

        /* The order RFC 8200 4.1 recommends gives each header a rank:
         * a header ranked below one before it is out of sequence. */
        switch (nh) {
        case OFP_IPPROTO_HOPOPTS:
            bit = OFPIEH_HOP;
            rank = 0;
            break;
        case OFP_IPPROTO_DSTOPTS:
            /* Before a Routing header, or before the upper layer. */
            bit = OFPIEH_DEST;
            rank = max_rank < 2 && !n_dest ? 1 : 6;
            break;
        case OFP_IPPROTO_ROUTING:
            bit = OFPIEH_ROUTER;
            rank = 2;
            break;
        case OFP_IPPROTO_FRAGMENT:
            bit = OFPIEH_FRAG;
            rank = 3;
            break;
        case OFP_IPPROTO_AH:
            bit = OFPIEH_AUTH;
            rank = 4;
            break;
        case OFP_IPPROTO_ESP:
            bit = OFPIEH_ESP;
            rank = 5;
            break;
        case OFP_IPPROTO_NONE:
            ipv6->exthdr |= OFPIEH_NONEXT;
            return OFP_PACKET_OK;
        default:
            *parse_l4p = true;
            return OFP_PACKET_OK;
        }

        if (nh != OFP_IPPROTO_ESP &&
            ipv6->n_exthdrs >= OFP_PACKET_MAX_EXTHDRS) {
            return OFP_PACKET_ERR_IPV6_EXT_CHAIN;
        }
        if (bit == OFPIEH_DEST ? n_dest++ >= 2 : (ipv6->exthdr & bit) != 0) {
            ipv6->exthdr |= OFPIEH_UNREP;
        }
        if (rank < max_rank || (bit == OFPIEH_HOP && ipv6->n_exthdrs)) {
            ipv6->exthdr |= OFPIEH_UNSEQ;
        }
        if (rank > max_rank) {
            max_rank = rank;
        }
        ipv6->exthdr |= bit;
        if (nh == OFP_IPPROTO_ESP) {
            /* The rest is encrypted. */
            return OFP_PACKET_OK;
        }

        const uint8_t *ext = ofp_rd_pull(rd, IPV6_EXT_MIN_LEN);
        if (!ext) {
            return OFP_PACKET_ERR_IPV6_EXT_TRUNC;
        }
        size_t hlen;
        if (nh == OFP_IPPROTO_FRAGMENT) {
            hlen = IPV6_EXT_MIN_LEN;
        } else if (nh == OFP_IPPROTO_AH) {
            hlen = ((size_t) ext[1] + 2) * 4;
        } else {
            hlen = ((size_t) ext[1] + 1) * 8;
        }
        if (!ofp_rd_pull(rd, hlen - IPV6_EXT_MIN_LEN)) {
            return OFP_PACKET_ERR_IPV6_EXT_TRUNC;
        }
        ipv6->n_exthdrs++;
        nh = ext[0];

        if (bit == OFPIEH_FRAG) {
            ipv6->frag_off = get_be16(ext + 2) >> 3;
            ipv6->frag_id = get_be32(ext + 4);
            pkt->ip.frag |= OFP_PACKET_FRAG_ANY;
            if (ipv6->frag_off) {
                /* Later fragments carry no headers past this one. */
                pkt->ip.frag |= OFP_PACKET_FRAG_LATER;
                pkt->ip.proto = nh;
                pkt->l4_ofs = pkt->payload_ofs = cursor_ofs(pkt, rd);
                return OFP_PACKET_OK;
            }
        }
    }
}

/* Parses the IPv6 header and extension headers at 'rd'; '*ip_end' and
 * '*l4' as for parse_ipv4(), set on success. */
static enum ofp_packet_error
parse_ipv6(struct ofp_packet *pkt, struct ofp_rd *rd, size_t *ip_end, bool *l4)
{
    const uint8_t *ip = ofp_rd_pull(rd, IPV6_HEADER_LEN);
    if (!ip) {
        return OFP_PACKET_ERR_IPV6_TRUNC;
    }
    uint32_t vtf = get_be32(ip);
    if (vtf >> 28 != 6) {
        return OFP_PACKET_ERR_IPV6_VERSION;
    }
    uint8_t tc = (uint8_t) (vtf >> 20);
    uint16_t payload_len = get_be16(ip + 4);

    pkt->ip.proto = ip[6];
    pkt->ip.dscp = tc >> 2;
    pkt->ip.ecn = tc & 3;
    pkt->ip.ttl = ip[7];
    pkt->ipv6.src = ip + 8;
    pkt->ipv6.dst = ip + 24;
    pkt->ipv6.flow_label = vtf & 0xfffff;
    pkt->ipv6.payload_len = payload_len;

    *ip_end = pkt->l3_ofs + IPV6_HEADER_LEN + (size_t) payload_len;
    set_ip_end(pkt, rd, *ip_end);
    pkt->layer = OFP_PACKET_L3;
    return parse_ipv6_exthdrs(pkt, rd, l4);
}

/* ---- frame ---- */

enum ofp_packet_error
ofp_packet_parse_l2(struct ofp_packet *pkt, const void *frame, size_t len)
{
    uint32_t len32 = len > UINT32_MAX ? UINT32_MAX : (uint32_t) len;
    struct ofp_rd rd;

    packet_init(pkt, frame, len32);
    ofp_rd_init(&rd, frame, len32);

    enum ofp_packet_error error = parse_eth(pkt, &rd);
    if (error) {
        packet_init(pkt, frame, len32);
        return error;
    }
    pkt->flags |= OFP_PACKET_F_SHALLOW;
    return OFP_PACKET_OK;
}

enum ofp_packet_error
ofp_packet_parse_rest(struct ofp_packet *pkt)
{
    struct ofp_rd rd;

    if (!(pkt->flags & OFP_PACKET_F_SHALLOW)) {
        return OFP_PACKET_OK;
    }
    pkt->flags &= (uint8_t) ~OFP_PACKET_F_SHALLOW;
    /* parse_eth() left 'l3_ofs' within the frame, and 'end' at its end. */
    ofp_rd_init(&rd, pkt->frame + pkt->l3_ofs, pkt->len - pkt->l3_ofs);

    /* One call of parse_l4(), for IPv4 and IPv6, so that it is inlined. */
    enum ofp_packet_error error;
    size_t ip_end = 0;
    bool l4 = false;
    switch (pkt->eth_type) {
    case OFP_ETH_TYPE_ARP:
        return parse_arp(pkt, &rd);
    case OFP_ETH_TYPE_IPV4:
        error = parse_ipv4(pkt, &rd, &ip_end, &l4);
        break;
    case OFP_ETH_TYPE_IPV6:
        error = parse_ipv6(pkt, &rd, &ip_end, &l4);
        break;
    default:
        return OFP_PACKET_OK;
    }
    if (error || !l4) {
        return error;
    }
    return parse_l4(pkt, &rd, ip_end);
}

enum ofp_packet_error
ofp_packet_parse(struct ofp_packet *pkt, const void *frame, size_t len)
{
    enum ofp_packet_error error = ofp_packet_parse_l2(pkt, frame, len);
    return error ? error : ofp_packet_parse_rest(pkt);
}

/* Appends an Ethernet header and returns the frame's start in 'out'. */
static size_t
put_eth(struct ofp_wbuf *out, const uint8_t dst[6], const uint8_t src[6],
        uint16_t type)
{
    size_t start = out->len;
    ofp_wbuf_put(out, dst, 6);
    ofp_wbuf_put(out, src, 6);
    ofp_wbuf_be16(out, type);
    return start;
}

/* Pads the frame that started at 'start' in 'out' to the Ethernet
 * minimum. */
static void
pad_frame(struct ofp_wbuf *out, size_t start)
{
    size_t len = out->len - start;
    if (len < ETH_MIN_FRAME_LEN) {
        ofp_wbuf_put_zeros(out, ETH_MIN_FRAME_LEN - len);
    }
}

void
ofp_packet_build_arp(struct ofp_wbuf *out, uint16_t op, const uint8_t sha[6],
                     uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
    static const uint8_t zero_mac[6];
    const uint8_t *dst = (op == OFP_ARP_OP_REPLY && tha) ? tha : eth_broadcast;
    size_t start = put_eth(out, dst, sha, OFP_ETH_TYPE_ARP);

    ofp_wbuf_be16(out, 1);
    ofp_wbuf_be16(out, OFP_ETH_TYPE_IPV4);
    ofp_wbuf_u8(out, 6);
    ofp_wbuf_u8(out, 4);
    ofp_wbuf_be16(out, op);
    ofp_wbuf_put(out, sha, 6);
    ofp_wbuf_be32(out, spa);
    ofp_wbuf_put(out, tha ? tha : zero_mac, 6);
    ofp_wbuf_be32(out, tpa);
    pad_frame(out, start);
}

/* ---- LLDP ---- */

enum ofp_packet_error
ofp_lldp_parse(struct ofp_lldp *lldp, const void *pdu, size_t len)
{
    unsigned int n_mandatory = 0; /* chassis, port, TTL seen, in order */
    struct ofp_rd rd;

    memset(lldp, 0, sizeof *lldp);
    ofp_rd_init(&rd, pdu, len);
    for (;;) {
        if (!rd.left) {
            return n_mandatory < 3 ? OFP_PACKET_ERR_LLDP_MISSING
                                   : OFP_PACKET_OK;
        }
        const uint8_t *hdr = ofp_rd_pull(&rd, 2);
        if (!hdr) {
            return OFP_PACKET_ERR_LLDP_TLV_TRUNC;
        }
        unsigned int type = hdr[0] >> 1;
        uint16_t tlen = (uint16_t) (((hdr[0] & 1) << 8) | hdr[1]);
        const uint8_t *v = ofp_rd_pull(&rd, tlen);
        if (!v) {
            return OFP_PACKET_ERR_LLDP_TLV_TRUNC;
        }

        if (type == OFP_LLDP_TLV_END) {
            if (tlen) {
                return OFP_PACKET_ERR_LLDP_END;
            }
            return n_mandatory < 3 ? OFP_PACKET_ERR_LLDP_MISSING
                                   : OFP_PACKET_OK;
        }
        if (n_mandatory < 3 ? type != n_mandatory + 1
                            : type <= OFP_LLDP_TLV_TTL) {
            /* A mandatory TLV in the wrong place is out of order; any
             * other TLV where one is due means that one is missing. */
            return (type <= OFP_LLDP_TLV_TTL ? OFP_PACKET_ERR_LLDP_ORDER
                                             : OFP_PACKET_ERR_LLDP_MISSING);
        }

        struct ofp_lldp_bytes *str = NULL;
        switch (type) {
        case OFP_LLDP_TLV_CHASSIS_ID:
            if (tlen < 2 || tlen > OFP_LLDP_MAX_STR + 1) {
                return OFP_PACKET_ERR_LLDP_CHASSIS;
            }
            lldp->chassis_subtype = v[0];
            lldp->chassis_id.data = v + 1;
            lldp->chassis_id.len = tlen - 1;
            n_mandatory++;
            break;
        case OFP_LLDP_TLV_PORT_ID:
            if (tlen < 2 || tlen > OFP_LLDP_MAX_STR + 1) {
                return OFP_PACKET_ERR_LLDP_PORT;
            }
            lldp->port_subtype = v[0];
            lldp->port_id.data = v + 1;
            lldp->port_id.len = tlen - 1;
            n_mandatory++;
            break;
        case OFP_LLDP_TLV_TTL:
            if (tlen != 2) {
                return OFP_PACKET_ERR_LLDP_TTL;
            }
            lldp->ttl = get_be16(v);
            n_mandatory++;
            break;
        case OFP_LLDP_TLV_PORT_DESC:
            str = &lldp->port_desc;
            break;
        case OFP_LLDP_TLV_SYSTEM_NAME:
            str = &lldp->system_name;
            break;
        case OFP_LLDP_TLV_SYSTEM_DESC:
            str = &lldp->system_desc;
            break;
        case OFP_LLDP_TLV_ORG:
            if (tlen < 4) {
                return OFP_PACKET_ERR_LLDP_ORG;
            }
            if (lldp->n_orgs < OFP_LLDP_MAX_ORGS) {
                struct ofp_lldp_org *org = &lldp->orgs[lldp->n_orgs++];
                org->oui = ((uint32_t) v[0] << 16) | (v[1] << 8) | v[2];
                org->subtype = v[3];
                org->value.data = v + 4;
                org->value.len = tlen - 4;
            } else {
                lldp->orgs_dropped = true;
            }
            break;
        default:
            break;
        }
        if (str) {
            if (tlen > OFP_LLDP_MAX_STR) {
                return OFP_PACKET_ERR_LLDP_STRING;
            }
            if (!str->data) {
                str->data = v;
                str->len = tlen;
            }
        }
    }
}

static void
put_lldp_tlv_header(struct ofp_wbuf *out, unsigned int type, size_t len)
{
    ofp_wbuf_be16(out, (uint16_t) ((type << 9) | len));
}

/* Appends a TLV whose value is 'prefix' (if 'has_prefix') and then the
 * bytes of 'value'. */
static void
put_lldp_tlv(struct ofp_wbuf *out, unsigned int type, bool has_prefix,
             uint8_t prefix, const struct ofp_lldp_bytes *value)
{
    put_lldp_tlv_header(out, type, value->len + has_prefix);
    if (has_prefix) {
        ofp_wbuf_u8(out, prefix);
    }
    ofp_wbuf_put(out, value->data, value->len);
}

static bool
lldp_id_ok(const struct ofp_lldp_bytes *id)
{
    return id->data && id->len >= 1 && id->len <= OFP_LLDP_MAX_STR;
}

static bool
lldp_str_ok(const struct ofp_lldp_bytes *str)
{
    return !str->data || str->len <= OFP_LLDP_MAX_STR;
}

/* Checks that every field of 'lldp' fits its TLV. */
static enum ofp_packet_error
lldp_check_build(const struct ofp_lldp *lldp)
{
    if (!lldp_id_ok(&lldp->chassis_id)) {
        return OFP_PACKET_ERR_LLDP_CHASSIS;
    }
    if (!lldp_id_ok(&lldp->port_id)) {
        return OFP_PACKET_ERR_LLDP_PORT;
    }
    if (!lldp_str_ok(&lldp->port_desc) || !lldp_str_ok(&lldp->system_name) ||
        !lldp_str_ok(&lldp->system_desc)) {
        return OFP_PACKET_ERR_LLDP_STRING;
    }
    if (lldp->n_orgs > OFP_LLDP_MAX_ORGS) {
        return OFP_PACKET_ERR_LLDP_TOO_MANY;
    }
    for (size_t i = 0; i < lldp->n_orgs; i++) {
        const struct ofp_lldp_org *org = &lldp->orgs[i];
        if (org->oui > 0xffffff || org->value.len > OFP_LLDP_MAX_ORG_VALUE ||
            (org->value.len && !org->value.data)) {
            return OFP_PACKET_ERR_LLDP_ORG;
        }
    }
    return OFP_PACKET_OK;
}

enum ofp_packet_error
ofp_lldp_build(struct ofp_wbuf *out, const uint8_t eth_src[6],
               const struct ofp_lldp *lldp)
{
    enum ofp_packet_error error = lldp_check_build(lldp);
    if (error) {
        return error;
    }

    size_t start = put_eth(out, ofp_lldp_dst, eth_src, OFP_ETH_TYPE_LLDP);
    put_lldp_tlv(out, OFP_LLDP_TLV_CHASSIS_ID, true, lldp->chassis_subtype,
                 &lldp->chassis_id);
    put_lldp_tlv(out, OFP_LLDP_TLV_PORT_ID, true, lldp->port_subtype,
                 &lldp->port_id);
    put_lldp_tlv_header(out, OFP_LLDP_TLV_TTL, 2);
    ofp_wbuf_be16(out, lldp->ttl);
    if (lldp->port_desc.data) {
        put_lldp_tlv(out, OFP_LLDP_TLV_PORT_DESC, false, 0, &lldp->port_desc);
    }
    if (lldp->system_name.data) {
        put_lldp_tlv(out, OFP_LLDP_TLV_SYSTEM_NAME, false, 0,
                     &lldp->system_name);
    }
    if (lldp->system_desc.data) {
        put_lldp_tlv(out, OFP_LLDP_TLV_SYSTEM_DESC, false, 0,
                     &lldp->system_desc);
    }
    for (size_t i = 0; i < lldp->n_orgs; i++) {
        const struct ofp_lldp_org *org = &lldp->orgs[i];
        put_lldp_tlv_header(out, OFP_LLDP_TLV_ORG, 4 + org->value.len);
        ofp_wbuf_be24(out, org->oui);
        ofp_wbuf_u8(out, org->subtype);
        ofp_wbuf_put(out, org->value.data, org->value.len);
    }
    put_lldp_tlv_header(out, OFP_LLDP_TLV_END, 0);
    pad_frame(out, start);
    return OFP_PACKET_OK;
}
