/* ofp-packet: the L2-L4 packet parser and the LLDP codec.
 *
 * Sits beside the OpenFlow codec in ofproto/: the controller hands every
 * PACKET_IN's data to ofp_packet_parse() once, and the topology module and
 * the apps read the result.  No I/O, no allocation, each header byte is read
 * once, and nothing is read past the frame.
 *
 * Results BORROW the frame: addresses that are byte strings (MAC, IPv6, the
 * ND target) are pointers into it, in network order, and the frame must
 * outlive the result.  Numbers (ports, IPv4 addresses, VLAN ids...) are
 * copied in host order.  Header positions are byte offsets from the start
 * of the frame.
 *
 * Parsing goes layer by layer and stops at the first header that is
 * truncated or malformed; 'layer' then says how far the result is valid
 * (see struct ofp_packet).  A frame cut short by the switch (a PACKET_IN
 * limited by miss_send_len) is not malformed: when the IP length says the
 * packet continues past the frame, OFP_PACKET_F_CUT is set and the headers
 * that are present are parsed.
 *
 * LLDP is parsed separately, over the PDU that follows the Ethernet header
 * (ofp_lldp_parse()), and ofp_lldp_build() writes the frames the topology
 * module sends.
 */
#ifndef OFPROTO_OFP_PACKET_H
#define OFPROTO_OFP_PACKET_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ofproto/ofp-buf.h"

/* ---- protocol numbers ---- */

/* Ethertypes. */
enum {
    OFP_ETH_TYPE_NONE = 0x05ff, /* 802.3 frame without SNAP (OpenFlow's
                                 * OFP_DL_TYPE_NOT_ETH_TYPE) */
    OFP_ETH_TYPE_IPV4 = 0x0800,
    OFP_ETH_TYPE_ARP = 0x0806,
    OFP_ETH_TYPE_VLAN = 0x8100, /* 802.1Q C-tag */
    OFP_ETH_TYPE_IPV6 = 0x86dd,
    OFP_ETH_TYPE_VLAN_8021AD = 0x88a8, /* 802.1ad S-tag */
    OFP_ETH_TYPE_LLDP = 0x88cc,
    OFP_ETH_TYPE_VLAN_9100 = 0x9100, /* legacy QinQ tag */
};

/* IP protocol and IPv6 next-header numbers. */
enum {
    OFP_IPPROTO_HOPOPTS = 0,
    OFP_IPPROTO_ICMP = 1,
    OFP_IPPROTO_TCP = 6,
    OFP_IPPROTO_UDP = 17,
    OFP_IPPROTO_ROUTING = 43,
    OFP_IPPROTO_FRAGMENT = 44,
    OFP_IPPROTO_ESP = 50,
    OFP_IPPROTO_AH = 51,
    OFP_IPPROTO_ICMPV6 = 58,
    OFP_IPPROTO_NONE = 59,
    OFP_IPPROTO_DSTOPTS = 60,
    OFP_IPPROTO_SCTP = 132,
};

enum { OFP_ARP_OP_REQUEST = 1, OFP_ARP_OP_REPLY = 2 };

/* ICMPv6 Neighbor Discovery. */
enum {
    OFP_ICMPV6_ND_NS = 135,  /* Neighbor Solicitation */
    OFP_ICMPV6_ND_NA = 136,  /* Neighbor Advertisement */
    OFP_ND_OPT_SLL = 1,      /* Source Link-Layer Address option */
    OFP_ND_OPT_TLL = 2,      /* Target Link-Layer Address option */
    OFP_ND_NA_ROUTER = 0x80, /* NA flags (struct ofp_packet_nd) */
    OFP_ND_NA_SOLICITED = 0x40,
    OFP_ND_NA_OVERRIDE = 0x20,
};

/* TCP flags, as in struct ofp_packet_tcp 'flags' (and OpenFlow's
 * tcp_flags field). */
enum {
    OFP_TCP_FIN = 0x001,
    OFP_TCP_SYN = 0x002,
    OFP_TCP_RST = 0x004,
    OFP_TCP_PSH = 0x008,
    OFP_TCP_ACK = 0x010,
    OFP_TCP_URG = 0x020,
    OFP_TCP_ECE = 0x040,
    OFP_TCP_CWR = 0x080,
    OFP_TCP_NS = 0x100,
};

/* ---- errors ---- */

/* Every way parsing a frame or an LLDP PDU can fail: X(NAME, description).
 * A *_TRUNC error means a header runs past the bytes there are (the end of
 * the frame, or of the IP packet as its length fields declare); the others
 * mean a field has an impossible value. */
#define OFP_PACKET_ERRORS(X)                                                  \
    X(OK, "no error")                                                         \
    X(ETH_TRUNC, "frame shorter than an Ethernet header")                     \
    X(VLAN_TRUNC, "VLAN tag truncated")                                       \
    X(VLAN_DEPTH, "more than two VLAN tags")                                  \
    X(ARP_TRUNC, "ARP packet truncated")                                      \
    X(ARP_FORMAT, "ARP is not for Ethernet and IPv4")                         \
    X(IPV4_TRUNC, "IPv4 header truncated")                                    \
    X(IPV4_VERSION, "IPv4 version is not 4")                                  \
    X(IPV4_IHL, "IPv4 header length below 5 words")                           \
    X(IPV4_LENGTH, "IPv4 total length below the header length")               \
    X(IPV6_TRUNC, "IPv6 header truncated")                                    \
    X(IPV6_VERSION, "IPv6 version is not 6")                                  \
    X(IPV6_EXT_TRUNC, "IPv6 extension header runs past the packet")           \
    X(IPV6_EXT_CHAIN, "too many IPv6 extension headers")                      \
    X(TCP_TRUNC, "TCP header truncated")                                      \
    X(TCP_OFFSET, "TCP data offset below 5 words")                            \
    X(UDP_TRUNC, "UDP header truncated")                                      \
    X(UDP_LENGTH, "UDP length below 8 or past the IP payload")                \
    X(SCTP_TRUNC, "SCTP common header truncated")                             \
    X(ICMP_TRUNC, "ICMP header truncated")                                    \
    X(ICMPV6_TRUNC, "ICMPv6 header truncated")                                \
    X(ND_TRUNC, "Neighbor Discovery message truncated")                       \
    X(ND_OPT_LEN, "ND option length is 0")                                    \
    X(ND_OPT_TRUNC, "ND option runs past the packet")                         \
    X(LLDP_TLV_TRUNC, "LLDP TLV runs past the PDU")                           \
    X(LLDP_MISSING, "LLDP chassis id, port id or TTL TLV missing")            \
    X(LLDP_ORDER, "LLDP mandatory TLV out of order or repeated")              \
    X(LLDP_CHASSIS, "LLDP chassis id length not 1..255")                      \
    X(LLDP_PORT, "LLDP port id length not 1..255")                            \
    X(LLDP_TTL, "LLDP TTL TLV length is not 2")                               \
    X(LLDP_STRING, "LLDP name or description longer than 255")                \
    X(LLDP_ORG, "LLDP organizationally specific TLV malformed")               \
    X(LLDP_END, "LLDP End TLV length is not 0")                               \
    X(LLDP_TOO_MANY, "more than OFP_LLDP_MAX_ORGS org TLVs to build")

#define OFP_PACKET_ERROR_ENUM_(NAME, DESC) OFP_PACKET_ERR_##NAME,
enum ofp_packet_error { OFP_PACKET_ERRORS(OFP_PACKET_ERROR_ENUM_) };
#undef OFP_PACKET_ERROR_ENUM_
#define OFP_PACKET_OK OFP_PACKET_ERR_OK

/* Returns the name of 'error' ("IPV4_IHL"), or "UNKNOWN".  Static. */
const char *ofp_packet_error_name(enum ofp_packet_error error);
/* Returns a one-line description of 'error'.  Static. */
const char *ofp_packet_error_desc(enum ofp_packet_error error);

/* ---- the parsed frame ---- */

/* How far a frame was parsed: the fields of every layer up to and including
 * 'layer' are valid; the fields of deeper layers are zero (NULL). */
enum ofp_packet_layer {
    OFP_PACKET_NONE = 0, /* nothing: not even a whole Ethernet header */
    OFP_PACKET_L2,       /* Ethernet, VLAN tags, eth_type, l3_ofs */
    OFP_PACKET_L3,       /* ARP, or IPv4/IPv6 (ip, ipv4/ipv6), l4_ofs */
    OFP_PACKET_L4,       /* TCP, UDP, SCTP, ICMP or ICMPv6 (and ND) */
};

/* 'flags'. */
enum {
    OFP_PACKET_F_CUT = 1 << 0,     /* the IP (or UDP) length goes past the
                                    * end of the frame: the frame is a
                                    * prefix of the packet; 'end' is the
                                    * frame's end */
    OFP_PACKET_F_SHALLOW = 1 << 1, /* ofp_packet_parse_l2() stopped after
                                    * L2 as asked, not at an error: the
                                    * headers after 'l3_ofs' are not parsed
                                    * yet (ofp_packet_parse_rest()) */
};

/* 'ip.frag'. */
enum {
    OFP_PACKET_FRAG_ANY = 1 << 0,   /* a fragment (IPv4 MF or offset, or an
                                     * IPv6 Fragment header) */
    OFP_PACKET_FRAG_LATER = 1 << 1, /* not the first fragment: no L4 */
};

/* 'ipv4.flags'. */
enum { OFP_IPV4_MF = 1 << 0, OFP_IPV4_DF = 1 << 1, OFP_IPV4_EVIL = 1 << 2 };

#define OFP_PACKET_MAX_VLANS 2
/* Longest IPv6 extension header chain walked.  A conforming packet has at
 * most 7 (RFC 8200 4.1). */
#define OFP_PACKET_MAX_EXTHDRS 8

struct ofp_packet_vlan {
    uint16_t tpid; /* 0x8100, 0x88a8 or 0x9100 */
    uint16_t vid;  /* 0..4095 */
    uint8_t pcp;   /* 0..7 */
    bool dei;
};

struct ofp_packet_arp { /* Ethernet/IPv4 ARP */
    uint16_t op;        /* OFP_ARP_OP_* */
    uint32_t spa, tpa;  /* sender / target IPv4 address, host order */
    const uint8_t *sha; /* sender MAC (6 bytes in the frame) */
    const uint8_t *tha; /* target MAC (6 bytes in the frame) */
};

/* Fields IPv4 and IPv6 share (OpenFlow's ip_* fields). */
struct ofp_packet_ip {
    uint8_t proto; /* IPv4 protocol, or the IPv6 next header where
                    * the extension header walk stopped (the L4
                    * protocol, ESP, No Next Header, or the
                    * extension header that was malformed) */
    uint8_t dscp;  /* 0..63 */
    uint8_t ecn;   /* 0..3 */
    uint8_t ttl;   /* IPv4 TTL or IPv6 hop limit */
    uint8_t frag;  /* OFP_PACKET_FRAG_* */
};

struct ofp_packet_ipv4 {
    uint32_t src, dst; /* host order */
    uint16_t total_len;
    uint16_t id;
    uint16_t frag_off; /* fragment offset, 8-byte units */
    uint8_t flags;     /* OFP_IPV4_MF | OFP_IPV4_DF | OFP_IPV4_EVIL */
    uint8_t ihl;       /* header length in 4-byte words: 5..15 */
};

struct ofp_packet_ipv6 {
    const uint8_t *src;  /* 16 bytes in the frame */
    const uint8_t *dst;  /* 16 bytes in the frame */
    uint32_t flow_label; /* 20 bits */
    uint16_t payload_len;
    uint16_t exthdr;   /* OFPIEH_* (OpenFlow ipv6_exthdr) */
    uint8_t n_exthdrs; /* extension headers walked */
    uint16_t frag_off; /* Fragment header: offset, 8-byte units */
    uint32_t frag_id;  /* Fragment header: identification */
};

struct ofp_packet_tcp {
    uint32_t seq, ack;
    uint16_t flags; /* OFP_TCP_*, 12 bits */
    uint16_t window;
    uint8_t doff; /* data offset in 4-byte words: 5..15 */
};

struct ofp_packet_icmp { /* ICMPv4 or ICMPv6, by eth_type */
    uint8_t type, code;
};

/* Neighbor Solicitation / Advertisement (ICMPv6 type 135/136, code 0). */
struct ofp_packet_nd {
    const uint8_t *target; /* 16 bytes in the frame */
    const uint8_t *sll;    /* NS: first SLL option's MAC, or NULL */
    const uint8_t *tll;    /* NA: first TLL option's MAC, or NULL */
    uint8_t na_flags;      /* NA: OFP_ND_NA_* */
};

/* A parsed frame.  Valid parts, by 'layer':
 *
 *   always      frame, len, end, flags
 *   >= L2       eth_dst, eth_src, vlans[n_vlans] (outer first), eth_type
 *               (after the tags), l3_ofs
 *   >= L3       ARP: arp.  IPv4: ip, ipv4.  IPv6: ip, ipv6.  l4_ofs: first
 *               byte after the network header(s)
 *   L4          tp_src/tp_dst (TCP, UDP, SCTP), tcp, udp_len, icmp (ICMP,
 *               ICMPv6), nd (ICMPv6 NS/NA)
 *
 * 'payload_ofs' is the first byte after the last header parsed: l3_ofs at
 * L2, l4_ofs at L3, past the L4 header at L4 (for ND: the options).  The
 * payload is [payload_ofs, end).
 *
 * L3 is as far as it goes, with no error, for ARP, an IPv4 or IPv6 later
 * fragment, ESP, No Next Header and protocols this parser does not know.
 * An IPv6 extension header error also leaves L3 valid: 'ip.proto' and
 * 'l4_ofs' then name the extension header that is malformed. */
struct ofp_packet {
    const uint8_t *frame; /* the frame parsed (borrowed) */
    uint32_t len;         /* its length */
    uint32_t end;         /* end of the packet in the frame: 'len',
                           * or less when ARP, IP or UDP lengths say
                           * the rest is Ethernet padding */
    uint8_t layer;        /* enum ofp_packet_layer */
    uint8_t flags;        /* OFP_PACKET_F_* */

    /* L2. */
    uint8_t n_vlans;        /* 0..OFP_PACKET_MAX_VLANS */
    uint16_t eth_type;      /* after the tags (and LLC/SNAP) */
    const uint8_t *eth_dst; /* 6 bytes in the frame */
    const uint8_t *eth_src; /* 6 bytes in the frame */
    struct ofp_packet_vlan vlans[OFP_PACKET_MAX_VLANS];

    /* Offsets from the start of the frame. */
    uint32_t l3_ofs, l4_ofs, payload_ofs;

    /* L3. */
    struct ofp_packet_arp arp;
    struct ofp_packet_ip ip;
    struct ofp_packet_ipv4 ipv4;
    struct ofp_packet_ipv6 ipv6;

    /* L4. */
    uint16_t tp_src, tp_dst; /* TCP, UDP or SCTP ports */
    uint16_t udp_len;        /* UDP length field */
    struct ofp_packet_tcp tcp;
    struct ofp_packet_icmp icmp;
    struct ofp_packet_nd nd;
};

/* Parses the 'len' bytes of Ethernet frame 'frame' (no FCS) into 'pkt',
 * which borrows 'frame' (see struct ofp_packet for what is set).  Frames
 * longer than 4 GiB are parsed as their first 4 GiB.  IPv6 jumbograms
 * (payload length 0) are not supported: their payload counts as empty.
 *
 * Returns OFP_PACKET_OK when every header this parser knows was parsed,
 * otherwise the error that stopped it; 'pkt->layer' then says which layers
 * are still valid (a truncated TCP header leaves L2 and L3). */
enum ofp_packet_error ofp_packet_parse(struct ofp_packet *pkt,
                                       const void *frame, size_t len);

/* The two halves of ofp_packet_parse(), for readers that may need only the
 * Ethernet header (a learning switch reads addresses and VLAN tags; the
 * controller parses the rest only when one of its readers asks for it).
 *
 * ofp_packet_parse_l2() parses the Ethernet header and its tags: on
 * success 'layer' is OFP_PACKET_L2, OFP_PACKET_F_SHALLOW is set and the
 * fields of the deeper layers are zero.  Errors are ofp_packet_parse()'s
 * for L2 (the result is then empty, and not shallow).
 *
 * ofp_packet_parse_rest() goes on from where ofp_packet_parse_l2() stopped
 * and clears OFP_PACKET_F_SHALLOW: the result and the return value are
 * then what ofp_packet_parse() gives for the frame.  On a result that is
 * not shallow (parsed whole already, or its L2 was bad) it changes nothing
 * and returns OFP_PACKET_OK. */
enum ofp_packet_error ofp_packet_parse_l2(struct ofp_packet *pkt,
                                          const void *frame, size_t len);
enum ofp_packet_error ofp_packet_parse_rest(struct ofp_packet *pkt);

/* Appends to 'out' an Ethernet/IPv4 ARP frame with operation 'op', sender
 * 'sha'/'spa' and target 'tha'/'tpa' (IPv4 addresses in host order; 'tha'
 * NULL means all zeroes), padded to 60 bytes.  The Ethernet source is
 * 'sha'; the destination is 'tha' for a reply and broadcast for anything
 * else (or when 'tha' is NULL).  Errors are those of 'out' ('overflow'). */
void ofp_packet_build_arp(struct ofp_wbuf *out, uint16_t op,
                          const uint8_t sha[6], uint32_t spa,
                          const uint8_t tha[6], uint32_t tpa);

/* ---- LLDP (IEEE 802.1AB) ---- */

/* TLV types. */
enum {
    OFP_LLDP_TLV_END = 0,
    OFP_LLDP_TLV_CHASSIS_ID = 1,
    OFP_LLDP_TLV_PORT_ID = 2,
    OFP_LLDP_TLV_TTL = 3,
    OFP_LLDP_TLV_PORT_DESC = 4,
    OFP_LLDP_TLV_SYSTEM_NAME = 5,
    OFP_LLDP_TLV_SYSTEM_DESC = 6,
    OFP_LLDP_TLV_SYSTEM_CAP = 7,
    OFP_LLDP_TLV_MGMT_ADDR = 8,
    OFP_LLDP_TLV_ORG = 127,
};

/* Chassis id subtypes. */
enum {
    OFP_LLDP_CHASSIS_COMPONENT = 1,
    OFP_LLDP_CHASSIS_IFALIAS = 2,
    OFP_LLDP_CHASSIS_PORT = 3,
    OFP_LLDP_CHASSIS_MAC = 4,
    OFP_LLDP_CHASSIS_NETADDR = 5,
    OFP_LLDP_CHASSIS_IFNAME = 6,
    OFP_LLDP_CHASSIS_LOCAL = 7,
};

/* Port id subtypes. */
enum {
    OFP_LLDP_PORT_IFALIAS = 1,
    OFP_LLDP_PORT_COMPONENT = 2,
    OFP_LLDP_PORT_MAC = 3,
    OFP_LLDP_PORT_NETADDR = 4,
    OFP_LLDP_PORT_IFNAME = 5,
    OFP_LLDP_PORT_CIRCUIT = 6,
    OFP_LLDP_PORT_LOCAL = 7,
};

/* Nearest-bridge group address, where LLDP frames are sent. */
extern const uint8_t ofp_lldp_dst[6];

#define OFP_LLDP_MAX_ORGS 8
#define OFP_LLDP_MAX_STR 255       /* id and string TLV values */
#define OFP_LLDP_MAX_ORG_VALUE 507 /* 511 minus OUI and subtype */

/* Bytes of a TLV value (not NUL-terminated). */
struct ofp_lldp_bytes {
    const uint8_t *data; /* NULL when absent */
    uint16_t len;
};

/* An organizationally specific TLV (type 127). */
struct ofp_lldp_org {
    uint32_t oui; /* 24 bits */
    uint8_t subtype;
    struct ofp_lldp_bytes value;
};

/* An LLDP PDU.  Parsing borrows the PDU for every 'data'; building reads
 * the same struct. */
struct ofp_lldp {
    uint8_t chassis_subtype;           /* OFP_LLDP_CHASSIS_* */
    uint8_t port_subtype;              /* OFP_LLDP_PORT_* */
    uint16_t ttl;                      /* seconds */
    struct ofp_lldp_bytes chassis_id;  /* after the subtype: 1..255 */
    struct ofp_lldp_bytes port_id;     /* after the subtype: 1..255 */
    struct ofp_lldp_bytes system_name; /* optional */
    struct ofp_lldp_bytes port_desc;   /* optional */
    struct ofp_lldp_bytes system_desc; /* optional */
    uint8_t n_orgs;
    bool orgs_dropped; /* parse: more org TLVs than OFP_LLDP_MAX_ORGS
                        * followed; they were checked, not kept */
    struct ofp_lldp_org orgs[OFP_LLDP_MAX_ORGS]; /* in PDU order */
};

/* Parses the LLDP PDU at 'pdu' ('len' bytes: what follows the Ethernet
 * header, i.e. pkt->frame + pkt->l3_ofs up to pkt->end) into 'lldp', which
 * borrows 'pdu'.  Checks that chassis id, port id and TTL come first, in
 * that order and once, that every TLV lies within 'len' and has a valid
 * length; stops at the End TLV (what follows it is padding).  A PDU that
 * ends on a TLV boundary without an End TLV is accepted (802.1AB-2016).
 * Optional TLVs other than those in struct ofp_lldp are skipped; the first
 * system name and descriptions count, and the first OFP_LLDP_MAX_ORGS org
 * TLVs are kept ('orgs_dropped' says if more followed).
 *
 * Returns OFP_PACKET_OK or an OFP_PACKET_ERR_LLDP_* error; on error the
 * TLVs before the bad one are filled in and the rest of 'lldp' is zero. */
enum ofp_packet_error ofp_lldp_parse(struct ofp_lldp *lldp, const void *pdu,
                                     size_t len);

/* Appends to 'out' an LLDP frame from 'eth_src' to ofp_lldp_dst carrying
 * 'lldp': chassis id, port id, TTL, then port description, system name and
 * system description when their 'data' is not NULL, then orgs[0..n_orgs),
 * then End; padded to 60 bytes.
 *
 * Returns OFP_PACKET_OK, or the LLDP error naming a field of 'lldp' that
 * cannot be encoded (nothing is written then).  Running out of room in
 * 'out' is reported by its 'overflow'. */
enum ofp_packet_error ofp_lldp_build(struct ofp_wbuf *out,
                                     const uint8_t eth_src[6],
                                     const struct ofp_lldp *lldp);

#endif /* OFPROTO_OFP_PACKET_H */
