/* Unit tests of ofp-packet: the L2-L4 parser on hand-written frames (their
 * bytes checked with tshark when written), every truncation of a few
 * frames, every malformed case, frames from the corpus, and the LLDP and
 * ARP builders.
 *
 * Every frame is parsed from a heap buffer of exactly its length, so under
 * ASan a read past the end fails the test. */
#include <config.h>
#include "ofproto/ofp-packet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ofproto/openflow13.h"
#include "test/test-util.h"

/* ---- frames ---- */

#define ETH_HDR "001122334455 66778899aabb"

/* IPv4 (DSCP 46, ECN 1, DF, TTL 64) + TCP SYN|ACK with 2 payload bytes,
 * and 4 bytes of Ethernet padding. */
static const char ipv4_tcp_hex[] =
    ETH_HDR " 0800"
            " 45b9002a 12344000 40060000 0a000001 0a000002"
            " 30390050 01020304 05060708 5012fffe 00000000"
            " 6869"
            " eeeeeeee";

/* IPv4 with a Router Alert option (IHL 6) + UDP 40000 -> 40001, "abcd",
 * 10 bytes of padding. */
static const char ipv4_opts_udp_hex[] =
    ETH_HDR " 0800"
            " 46000024 00010000 40110000 c0a80101 c0a80102 94040000"
            " 9c409c41 000c0000 61626364"
            " 00000000000000000000";

/* 802.1ad (PCP 5, DEI, VID 100) + 802.1Q (PCP 3, VID 200) + IPv4 + ICMP
 * echo request. */
static const char qinq_icmp_hex[] =
    ETH_HDR " 88a8 b064 8100 60c8 0800"
            " 4500001c 00000000 40010000 0a000001 0a000002"
            " 08000000 12340001";

/* 0x9100 tag (VID 5) + ARP reply, padded. */
static const char vlan9100_arp_hex[] =
    ETH_HDR " 9100 0005 0806"
            " 0001 0800 06 04 0002 66778899aabb 0a000001 001122334455 0a000002"
            " 0000000000000000000000000000";

/* ARP request, as ofp_packet_build_arp() writes it. */
static const char arp_request_hex[] =
    "ffffffffffff 66778899aabb 0806"
    " 0001 0800 06 04 0001 66778899aabb 0a000001 000000000000 0a000002"
    " 000000000000000000000000000000000000";

/* IPv6 (traffic class 0xb8, flow label 0x12345, hop limit 255) + UDP. */
static const char ipv6_udp_hex[] = ETH_HDR " 86dd"
                                           " 6b812345 000c 11 ff"
                                           " 20010db8000000000000000000000001"
                                           " 20010db8000000000000000000000002"
                                           " 12344321 000c0000 7778797a";

/* IPv6 + Hop-by-Hop + Destination Options + Routing (type 2) + Fragment
 * (offset 0, M) + AH + TCP SYN 80 -> 50000. */
static const char ipv6_chain_hex[] =
    ETH_HDR " 86dd"
            " 60000000 0064 00 40"
            " 20010db8000000000000000000000001"
            " 20010db8000000000000000000000002"
            " 3c000104 00000000"                 /* HBH, PadN */
            " 2b01010c 000000000000000000000000" /* DST, PadN */
            " 2c020201 00000000"                 /* RH type 2 */
            "   20010db8000000000000000000000002"
            " 33000001 deadbeef"          /* FRAG */
            " 06040000 00000100 00000001" /* AH */
            "   aaaaaaaaaaaaaaaaaaaaaaaa"
            " 0050c350 00000001 00000000 50022000 00000000";

/* IPv6 + Fragment (offset 185, UDP) + 16 bytes of fragment data. */
static const char ipv6_frag_later_hex[] =
    ETH_HDR " 86dd"
            " 60000000 0018 2c 40"
            " 20010db8000000000000000000000001"
            " 20010db8000000000000000000000002"
            " 110005c8 00000001"
            " 00000000000000000000000000000000";

/* IPv6 + ESP. */
static const char ipv6_esp_hex[] =
    ETH_HDR " 86dd"
            " 60000000 0010 32 40"
            " 20010db8000000000000000000000001"
            " 20010db8000000000000000000000002"
            " 00001000 00000001 0000000000000000";

/* Neighbor Solicitation for fe80::2 with a Source Link-Layer option. */
static const char nd_ns_hex[] = "3333ff000002 66778899aabb 86dd"
                                " 60000000 0020 3a ff"
                                " fe800000000000000000000000000001"
                                " ff0200000000000000000001ff000002"
                                " 87000000 00000000"
                                " fe800000000000000000000000000002"
                                " 0101 66778899aabb";

/* Neighbor Advertisement (Solicited, Override) for fe80::2 with a Nonce
 * option, then a Target Link-Layer option. */
static const char nd_na_hex[] = "66778899aabb 001122334455 86dd"
                                " 60000000 0028 3a ff"
                                " fe800000000000000000000000000002"
                                " fe800000000000000000000000000001"
                                " 88000000 60000000"
                                " fe800000000000000000000000000002"
                                " 0e01 010203040506"
                                " 0201 001122334455";

/* IPv4 + SCTP common header 2905 -> 2906. */
static const char ipv4_sctp_hex[] =
    ETH_HDR " 0800"
            " 45000020 00000000 40840000 0a000001 0a000002"
            " 0b590b5a 00000001 00000000";

/* LLDP: chassis "dpid:0000000000000001" (locally assigned), port 1 (port
 * component), TTL 120, port description "eth1", system name "sw1", an
 * org TLV 00:26:e1/1 "abcdef", End.  Byte for byte what
 * ofp_lldp_build() writes for these fields. */
static const char lldp_hex[] =
    "0180c200000e 66778899aabb 88cc"
    " 0216 07 647069643a30303030303030303030303030303031"
    " 0405 02 00000001"
    " 0602 0078"
    " 0804 65746831"
    " 0a03 737731"
    " fe0a 0026e1 01 616263646566"
    " 0000";

/* ---- helpers ---- */

static const uint8_t mac_a[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t mac_b[6] = {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};

/* Returns 'n' bytes of 'data' in a new heap buffer of exactly that size. */
static uint8_t *
exact_copy(const void *data, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(p);
    if (n) {
        memcpy(p, data, n);
    }
    return p;
}

/* Appends 'text' to the string in 'buf' ('size' bytes). */
static void
append(char *buf, size_t size, const char *text)
{
    size_t n = strlen(buf);
    ck_assert_uint_lt(n + strlen(text), size);
    snprintf(buf + n, size - n, "%s", text);
}

#define ck_assert_perr(GOT, WANT)                                             \
    ck_assert_str_eq(ofp_packet_error_name(GOT), ofp_packet_error_name(WANT))

/* ofp_packet_parse() of 'frame' into 'pkt', checked against the same parse
 * in two halves: ofp_packet_parse_l2() gives a shallow L2 result (or, on an
 * L2 error, the same empty one), and ofp_packet_parse_rest() then gives
 * byte for byte the same result and error as the whole parse. */
static enum ofp_packet_error
parse_checked(struct ofp_packet *pkt, const uint8_t *frame, size_t len)
{
    enum ofp_packet_error error = ofp_packet_parse(pkt, frame, len);
    struct ofp_packet half;
    enum ofp_packet_error l2_error = ofp_packet_parse_l2(&half, frame, len);

    if (pkt->layer == OFP_PACKET_NONE) {
        ck_assert_perr(l2_error, error);
        ck_assert_int_eq(half.flags, 0);
    } else {
        ck_assert_perr(l2_error, OFP_PACKET_OK);
        ck_assert_int_eq(half.layer, OFP_PACKET_L2);
        ck_assert_int_eq(half.flags, OFP_PACKET_F_SHALLOW);
        ck_assert_uint_eq(half.end, len);
        ck_assert_uint_eq(half.payload_ofs, pkt->l3_ofs);
        ck_assert_uint_eq(half.ip.proto, 0);
        ck_assert_ptr_null(half.arp.sha);
        ck_assert_ptr_null(half.ipv6.src);
        ck_assert_uint_eq(half.tp_src, 0);
        ck_assert_ptr_null(half.nd.target);
        ck_assert_perr(ofp_packet_parse_rest(&half), error);
    }
    ck_assert_int_eq(memcmp(&half, pkt, sizeof half), 0);
    /* Once whole, it stays as it is. */
    ck_assert_perr(ofp_packet_parse_rest(&half), OFP_PACKET_OK);
    ck_assert_int_eq(memcmp(&half, pkt, sizeof half), 0);
    return error;
}

/* Parses 'hex' with 'bytes' changed at offset 'ofs' (none if 'n' == 0),
 * expecting 'want'.  Returns the frame, which 'pkt' borrows. */
static uint8_t *
parse_patched(struct ofp_packet *pkt, const char *hex, size_t ofs,
              const void *bytes, size_t n, enum ofp_packet_error want)
{
    size_t len;
    uint8_t *frame = test_hex_fixture(hex, &len);
    ck_assert_uint_le(ofs + n, len);
    if (n) {
        memcpy(frame + ofs, bytes, n);
    }
    ck_assert_perr(parse_checked(pkt, frame, len), want);
    return frame;
}

static uint8_t *
parse_ok(struct ofp_packet *pkt, const char *hex)
{
    return parse_patched(pkt, hex, 0, NULL, 0, OFP_PACKET_OK);
}

/* Checks what holds for any result: offsets in order and within the
 * frame, and deeper layers empty. */
static void
check_invariants(const struct ofp_packet *pkt, size_t len)
{
    ck_assert_uint_eq(pkt->len, len);
    ck_assert_uint_le(pkt->end, pkt->len);
    ck_assert_uint_le(pkt->payload_ofs, pkt->end);
    if (pkt->layer == OFP_PACKET_NONE) {
        ck_assert_ptr_null(pkt->eth_dst);
        ck_assert_uint_eq(pkt->eth_type, 0);
        ck_assert_uint_eq(pkt->n_vlans, 0);
    }
    if (pkt->layer >= OFP_PACKET_L2) {
        ck_assert_uint_le(pkt->l3_ofs, pkt->payload_ofs);
    }
    if (pkt->layer < OFP_PACKET_L3) {
        ck_assert_ptr_null(pkt->ipv6.src);
        ck_assert_uint_eq(pkt->ipv4.src, 0);
        ck_assert_ptr_null(pkt->arp.sha);
        ck_assert_uint_eq(pkt->ip.proto, 0);
        ck_assert_uint_eq(pkt->l4_ofs, 0);
    } else {
        ck_assert_uint_le(pkt->l3_ofs, pkt->l4_ofs);
        ck_assert_uint_le(pkt->l4_ofs, pkt->payload_ofs);
    }
    if (pkt->layer < OFP_PACKET_L4) {
        ck_assert_uint_eq(pkt->tp_src, 0);
        ck_assert_uint_eq(pkt->tp_dst, 0);
        ck_assert_uint_eq(pkt->icmp.type, 0);
        ck_assert_ptr_null(pkt->nd.target);
        ck_assert_uint_eq(pkt->tcp.doff, 0);
    }
}

/* What parsing a frame cut to 'from' or more bytes gives (until the next
 * entry). */
struct cut_expect {
    size_t from;
    enum ofp_packet_layer layer;
    enum ofp_packet_error error;
    int ip_proto; /* -1: not checked */
};

/* Parses every prefix of the frame 'hex', whose IP packet ends at 'ip_end',
 * checking each against 'exp' (sorted by 'from'). */
static void
check_every_cut(const char *hex, size_t ip_end, const struct cut_expect *exp,
                size_t n_exp)
{
    size_t len;
    uint8_t *whole = test_hex_fixture(hex, &len);

    for (size_t n = 0; n <= len; n++) {
        const struct cut_expect *e = exp;
        for (size_t i = 0; i < n_exp && exp[i].from <= n; i++) {
            e = &exp[i];
        }
        uint8_t *frame = exact_copy(whole, n);
        struct ofp_packet pkt;
        enum ofp_packet_error error = parse_checked(&pkt, frame, n);
        if (error != e->error || pkt.layer != e->layer) {
            ck_abort_msg("cut at %zu: got %s at layer %d, want %s at %d", n,
                         ofp_packet_error_name(error), pkt.layer,
                         ofp_packet_error_name(e->error), (int) e->layer);
        }
        if (e->ip_proto >= 0) {
            ck_assert_int_eq(pkt.ip.proto, e->ip_proto);
        }
        if (pkt.layer >= OFP_PACKET_L3) {
            ck_assert_int_eq((pkt.flags & OFP_PACKET_F_CUT) != 0, n < ip_end);
            ck_assert_uint_eq(pkt.end, n < ip_end ? n : ip_end);
        }
        check_invariants(&pkt, n);
        free(frame);
    }
    free(whole);
}

/* ---- Ethernet and VLAN ---- */

START_TEST(test_eth_unknown_type_stops_at_l2)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, ETH_HDR " 88b5 0102030405");
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    ck_assert_mem_eq(pkt.eth_dst, mac_a, 6);
    ck_assert_mem_eq(pkt.eth_src, mac_b, 6);
    ck_assert_uint_eq(pkt.eth_type, 0x88b5);
    ck_assert_uint_eq(pkt.n_vlans, 0);
    ck_assert_uint_eq(pkt.l3_ofs, 14);
    ck_assert_uint_eq(pkt.payload_ofs, 14);
    ck_assert_uint_eq(pkt.end, 19);
    ck_assert_ptr_eq(pkt.frame, f);
    check_invariants(&pkt, 19);
    free(f);
}
END_TEST

START_TEST(test_eth_runt_is_truncated)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt, ETH_HDR " 08", 0, NULL, 0,
                               OFP_PACKET_ERR_ETH_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_NONE);
    ck_assert_uint_eq(pkt.len, 13);
    check_invariants(&pkt, 13);
    free(f);

    ck_assert_perr(parse_checked(&pkt, NULL, 0), OFP_PACKET_ERR_ETH_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_NONE);
    check_invariants(&pkt, 0);
}
END_TEST

START_TEST(test_qinq_88a8_8100)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, qinq_icmp_hex);
    ck_assert_uint_eq(pkt.n_vlans, 2);
    ck_assert_uint_eq(pkt.vlans[0].tpid, 0x88a8);
    ck_assert_uint_eq(pkt.vlans[0].pcp, 5);
    ck_assert(pkt.vlans[0].dei);
    ck_assert_uint_eq(pkt.vlans[0].vid, 100);
    ck_assert_uint_eq(pkt.vlans[1].tpid, 0x8100);
    ck_assert_uint_eq(pkt.vlans[1].pcp, 3);
    ck_assert(!pkt.vlans[1].dei);
    ck_assert_uint_eq(pkt.vlans[1].vid, 200);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_IPV4);
    ck_assert_uint_eq(pkt.l3_ofs, 22);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_ICMP);
    ck_assert_uint_eq(pkt.icmp.type, 8);
    ck_assert_uint_eq(pkt.icmp.code, 0);
    ck_assert_uint_eq(pkt.l4_ofs, 42);
    ck_assert_uint_eq(pkt.payload_ofs, 50);
    ck_assert_uint_eq(pkt.end, 50);
    check_invariants(&pkt, 50);
    free(f);
}
END_TEST

START_TEST(test_vlan_9100_single_tag)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, vlan9100_arp_hex);
    ck_assert_uint_eq(pkt.n_vlans, 1);
    ck_assert_uint_eq(pkt.vlans[0].tpid, 0x9100);
    ck_assert_uint_eq(pkt.vlans[0].vid, 5);
    ck_assert_uint_eq(pkt.vlans[0].pcp, 0);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_ARP);
    ck_assert_uint_eq(pkt.l3_ofs, 18);
    free(f);
}
END_TEST

START_TEST(test_vlan_third_tag_is_too_deep)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt,
                               ETH_HDR " 88a8 0001 8100 0002 8100 0003 0800"
                                       " 4500",
                               0, NULL, 0, OFP_PACKET_ERR_VLAN_DEPTH);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_NONE);
    check_invariants(&pkt, 28);
    free(f);
}
END_TEST

START_TEST(test_vlan_tag_truncated)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt, ETH_HDR " 8100 0064 08", 0, NULL, 0,
                               OFP_PACKET_ERR_VLAN_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_NONE);
    check_invariants(&pkt, 17);
    free(f);
}
END_TEST

START_TEST(test_8023_llc_has_no_ethertype)
{
    struct ofp_packet pkt;
    /* 802.3 length 0x26, LLC for STP. */
    uint8_t *f = parse_ok(&pkt, "0180c2000000 66778899aabb 0026"
                                " 424203 0000 00 00");
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_NONE);
    ck_assert_uint_eq(pkt.l3_ofs, 14);
    free(f);
}
END_TEST

START_TEST(test_8023_snap_carries_ethertype)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, ETH_HDR " 0024 aaaa03 000000 0800"
                                        " 4500001c 00000000 40010000 0a000001"
                                        " 0a000002 00000000 00000000");
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_IPV4);
    ck_assert_uint_eq(pkt.l3_ofs, 22);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.icmp.type, 0);
    ck_assert_uint_eq(pkt.l4_ofs, 42);
    free(f);
}
END_TEST

/* ---- ARP ---- */

START_TEST(test_arp_reply_fields)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, vlan9100_arp_hex);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.arp.op, OFP_ARP_OP_REPLY);
    ck_assert_mem_eq(pkt.arp.sha, mac_b, 6);
    ck_assert_uint_eq(pkt.arp.spa, 0x0a000001);
    ck_assert_mem_eq(pkt.arp.tha, mac_a, 6);
    ck_assert_uint_eq(pkt.arp.tpa, 0x0a000002);
    /* The padding after the ARP packet is not payload. */
    ck_assert_uint_eq(pkt.l4_ofs, 46);
    ck_assert_uint_eq(pkt.payload_ofs, 46);
    ck_assert_uint_eq(pkt.end, 46);
    ck_assert_uint_eq(pkt.len, 60);
    check_invariants(&pkt, 60);
    free(f);
}
END_TEST

START_TEST(test_arp_request_fields)
{
    static const uint8_t zero[6];
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, arp_request_hex);
    ck_assert_uint_eq(pkt.arp.op, OFP_ARP_OP_REQUEST);
    ck_assert_mem_eq(pkt.eth_dst, "\xff\xff\xff\xff\xff\xff", 6);
    ck_assert_mem_eq(pkt.arp.tha, zero, 6);
    ck_assert_uint_eq(pkt.arp.tpa, 0x0a000002);
    free(f);
}
END_TEST

START_TEST(test_arp_not_ethernet_ipv4)
{
    struct ofp_packet pkt;
    /* Protocol type IPv6. */
    uint8_t *f = parse_patched(&pkt, arp_request_hex, 16, "\x86\xdd", 2,
                               OFP_PACKET_ERR_ARP_FORMAT);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    check_invariants(&pkt, 60);
    free(f);
    /* Hardware address length 8. */
    f = parse_patched(&pkt, arp_request_hex, 18, "\x08", 1,
                      OFP_PACKET_ERR_ARP_FORMAT);
    ck_assert_ptr_null(pkt.arp.sha);
    free(f);
}
END_TEST

START_TEST(test_arp_truncated)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt, ETH_HDR " 0806 0001 0800 0604 0001", 0,
                               NULL, 0, OFP_PACKET_ERR_ARP_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_ARP);
    free(f);
}
END_TEST

/* ---- IPv4 ---- */

START_TEST(test_ipv4_tcp_fields)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, ipv4_tcp_hex);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.flags, 0);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_IPV4);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_TCP);
    ck_assert_uint_eq(pkt.ip.dscp, 46);
    ck_assert_uint_eq(pkt.ip.ecn, 1);
    ck_assert_uint_eq(pkt.ip.ttl, 64);
    ck_assert_uint_eq(pkt.ip.frag, 0);
    ck_assert_uint_eq(pkt.ipv4.src, 0x0a000001);
    ck_assert_uint_eq(pkt.ipv4.dst, 0x0a000002);
    ck_assert_uint_eq(pkt.ipv4.total_len, 42);
    ck_assert_uint_eq(pkt.ipv4.id, 0x1234);
    ck_assert_uint_eq(pkt.ipv4.flags, OFP_IPV4_DF);
    ck_assert_uint_eq(pkt.ipv4.frag_off, 0);
    ck_assert_uint_eq(pkt.ipv4.ihl, 5);
    ck_assert_uint_eq(pkt.tp_src, 12345);
    ck_assert_uint_eq(pkt.tp_dst, 80);
    ck_assert_uint_eq(pkt.tcp.seq, 0x01020304);
    ck_assert_uint_eq(pkt.tcp.ack, 0x05060708);
    ck_assert_uint_eq(pkt.tcp.flags, OFP_TCP_SYN | OFP_TCP_ACK);
    ck_assert_uint_eq(pkt.tcp.window, 0xfffe);
    ck_assert_uint_eq(pkt.tcp.doff, 5);
    ck_assert_uint_eq(pkt.l3_ofs, 14);
    ck_assert_uint_eq(pkt.l4_ofs, 34);
    ck_assert_uint_eq(pkt.payload_ofs, 54);
    /* The 4 bytes of Ethernet padding are not payload. */
    ck_assert_uint_eq(pkt.end, 56);
    ck_assert_mem_eq(pkt.frame + pkt.payload_ofs, "hi", 2);
    check_invariants(&pkt, 60);
    free(f);
}
END_TEST

START_TEST(test_ipv4_options_udp)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, ipv4_opts_udp_hex);
    ck_assert_uint_eq(pkt.ipv4.ihl, 6);
    ck_assert_uint_eq(pkt.ipv4.src, 0xc0a80101);
    ck_assert_uint_eq(pkt.ipv4.dst, 0xc0a80102);
    ck_assert_uint_eq(pkt.l4_ofs, 38);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_UDP);
    ck_assert_uint_eq(pkt.tp_src, 40000);
    ck_assert_uint_eq(pkt.tp_dst, 40001);
    ck_assert_uint_eq(pkt.udp_len, 12);
    ck_assert_uint_eq(pkt.payload_ofs, 46);
    ck_assert_uint_eq(pkt.end, 50);
    ck_assert_mem_eq(pkt.frame + pkt.payload_ofs, "abcd", 4);
    free(f);
}
END_TEST

START_TEST(test_ipv4_bad_ihl)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt, ipv4_tcp_hex, 14, "\x44", 1,
                               OFP_PACKET_ERR_IPV4_IHL);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    ck_assert_uint_eq(pkt.ipv4.src, 0);
    ck_assert_uint_eq(pkt.payload_ofs, 14);
    check_invariants(&pkt, 60);
    free(f);
}
END_TEST

START_TEST(test_ipv4_ihl_past_total_length)
{
    struct ofp_packet pkt;
    /* IHL 15 (60 bytes) but a total length of 42. */
    uint8_t *f = parse_patched(&pkt, ipv4_tcp_hex, 14, "\x4f", 1,
                               OFP_PACKET_ERR_IPV4_LENGTH);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    free(f);
    /* Total length 19. */
    f = parse_patched(&pkt, ipv4_tcp_hex, 16, "\x00\x13", 2,
                      OFP_PACKET_ERR_IPV4_LENGTH);
    free(f);
}
END_TEST

START_TEST(test_ipv4_options_past_frame)
{
    struct ofp_packet pkt;
    /* IHL 6 with the frame ending inside the option. */
    uint8_t *f = parse_patched(&pkt,
                               ETH_HDR " 0800 46000024 00010000 40110000"
                                       " c0a80101 c0a80102 9404",
                               0, NULL, 0, OFP_PACKET_ERR_IPV4_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    free(f);
}
END_TEST

START_TEST(test_ipv4_bad_version)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt, ipv4_tcp_hex, 14, "\x65", 1,
                               OFP_PACKET_ERR_IPV4_VERSION);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    free(f);
}
END_TEST

START_TEST(test_ipv4_cut_frame_still_parses_l4)
{
    struct ofp_packet pkt;
    /* Total length 1500: the frame is the first 60 bytes. */
    uint8_t *f =
        parse_patched(&pkt, ipv4_tcp_hex, 16, "\x05\xdc", 2, OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.flags, OFP_PACKET_F_CUT);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.tp_dst, 80);
    ck_assert_uint_eq(pkt.end, 60);
    free(f);
}
END_TEST

START_TEST(test_ipv4_first_fragment_parses_l4)
{
    struct ofp_packet pkt;
    /* MF, offset 0. */
    uint8_t *f =
        parse_patched(&pkt, ipv4_tcp_hex, 20, "\x20\x00", 2, OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.ip.frag, OFP_PACKET_FRAG_ANY);
    ck_assert_uint_eq(pkt.ipv4.flags, OFP_IPV4_MF);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.tp_src, 12345);
    free(f);
    /* A first UDP fragment holds only the start of the datagram: its UDP
     * length may exceed the fragment. */
    f = parse_patched(&pkt, ipv4_opts_udp_hex, 20, "\x20\x00", 2,
                      OFP_PACKET_OK);
    free(f);
    f = parse_patched(&pkt, ipv4_opts_udp_hex, 42, "\x05\xdc", 2,
                      OFP_PACKET_ERR_UDP_LENGTH);
    free(f);
    static const char udp_frag[] =
        ETH_HDR " 0800"
                " 46000024 00012000 40110000 c0a80101 c0a80102 94040000"
                " 9c409c41 05dc0000 61626364";
    f = parse_ok(&pkt, udp_frag);
    ck_assert_uint_eq(pkt.udp_len, 1500);
    ck_assert_uint_eq(pkt.end, 50);
    ck_assert_uint_eq(pkt.flags, 0);
    free(f);
}
END_TEST

START_TEST(test_ipv4_later_fragment_has_no_l4)
{
    struct ofp_packet pkt;
    /* Offset 185 (1480 bytes). */
    uint8_t *f =
        parse_patched(&pkt, ipv4_tcp_hex, 20, "\x00\xb9", 2, OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.ip.frag,
                      OFP_PACKET_FRAG_ANY | OFP_PACKET_FRAG_LATER);
    ck_assert_uint_eq(pkt.ipv4.frag_off, 185);
    ck_assert_uint_eq(pkt.ipv4.flags, 0);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_TCP);
    ck_assert_uint_eq(pkt.l4_ofs, 34);
    ck_assert_uint_eq(pkt.payload_ofs, 34);
    ck_assert_uint_eq(pkt.end, 56);
    check_invariants(&pkt, 60);
    free(f);
}
END_TEST

START_TEST(test_ipv4_unknown_protocol_stops_at_l3)
{
    struct ofp_packet pkt;
    /* Protocol 47 (GRE). */
    uint8_t *f =
        parse_patched(&pkt, ipv4_tcp_hex, 23, "\x2f", 1, OFP_PACKET_OK);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.ip.proto, 47);
    ck_assert_uint_eq(pkt.payload_ofs, 34);
    check_invariants(&pkt, 60);
    free(f);
}
END_TEST

/* ---- L4 over IPv4 ---- */

START_TEST(test_tcp_data_offset_below_5)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt, ipv4_tcp_hex, 46, "\x40", 1,
                               OFP_PACKET_ERR_TCP_OFFSET);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_TCP);
    ck_assert_uint_eq(pkt.tp_src, 0);
    ck_assert_uint_eq(pkt.l4_ofs, 34);
    ck_assert_uint_eq(pkt.payload_ofs, 34);
    check_invariants(&pkt, 60);
    free(f);
}
END_TEST

START_TEST(test_tcp_data_offset_past_ip_packet)
{
    struct ofp_packet pkt;
    /* 24 bytes of header where the IP packet has 22: the Ethernet padding
     * after it does not count. */
    uint8_t *f = parse_patched(&pkt, ipv4_tcp_hex, 46, "\x60", 1,
                               OFP_PACKET_ERR_TCP_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.tcp.doff, 0);
    free(f);
    /* 60 bytes of header. */
    f = parse_patched(&pkt, ipv4_tcp_hex, 46, "\xf0", 1,
                      OFP_PACKET_ERR_TCP_TRUNC);
    free(f);
}
END_TEST

START_TEST(test_tcp_options)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, ETH_HDR " 0800"
                                        " 4500002c 00000000 40060000 0a000001"
                                        " 0a000002"
                                        " 04d20016 00000000 00000000 60022000"
                                        " 00000000 020405b4");
    ck_assert_uint_eq(pkt.tcp.doff, 6);
    ck_assert_uint_eq(pkt.tcp.flags, OFP_TCP_SYN);
    ck_assert_uint_eq(pkt.tp_dst, 22);
    ck_assert_uint_eq(pkt.payload_ofs, 58);
    ck_assert_uint_eq(pkt.end, 58);
    free(f);
}
END_TEST

START_TEST(test_udp_bad_length)
{
    struct ofp_packet pkt;
    /* UDP length 4. */
    uint8_t *f = parse_patched(&pkt, ipv4_opts_udp_hex, 42, "\x00\x04", 2,
                               OFP_PACKET_ERR_UDP_LENGTH);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.tp_src, 0);
    check_invariants(&pkt, 60);
    free(f);
    /* UDP length 13, past the IP payload of 12. */
    f = parse_patched(&pkt, ipv4_opts_udp_hex, 42, "\x00\x0d", 2,
                      OFP_PACKET_ERR_UDP_LENGTH);
    free(f);
    /* UDP length 10: the UDP payload ends before the IP payload. */
    f = parse_patched(&pkt, ipv4_opts_udp_hex, 42, "\x00\x0a", 2,
                      OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.udp_len, 10);
    ck_assert_uint_eq(pkt.end, 48);
    free(f);
}
END_TEST

START_TEST(test_udp_truncated)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt,
                               ETH_HDR " 0800 45000020 00000000 40110000"
                                       " 0a000001 0a000002 9c409c41 000c",
                               0, NULL, 0, OFP_PACKET_ERR_UDP_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert(pkt.flags & OFP_PACKET_F_CUT);
    free(f);
}
END_TEST

START_TEST(test_sctp_ports)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, ipv4_sctp_hex);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_SCTP);
    ck_assert_uint_eq(pkt.tp_src, 2905);
    ck_assert_uint_eq(pkt.tp_dst, 2906);
    ck_assert_uint_eq(pkt.payload_ofs, 46);
    free(f);
    /* IP total length 31: 11 bytes of SCTP. */
    f = parse_patched(&pkt, ipv4_sctp_hex, 17, "\x1f", 1,
                      OFP_PACKET_ERR_SCTP_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    free(f);
}
END_TEST

START_TEST(test_icmp_truncated)
{
    struct ofp_packet pkt;
    /* IP total length 27: 7 bytes of ICMP. */
    uint8_t *f = parse_patched(&pkt, qinq_icmp_hex, 25, "\x1b", 1,
                               OFP_PACKET_ERR_ICMP_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.icmp.type, 0);
    free(f);
}
END_TEST

START_TEST(test_every_cut_of_ipv4_tcp)
{
    static const struct cut_expect exp[] = {
        {0, OFP_PACKET_NONE, OFP_PACKET_ERR_ETH_TRUNC, 0},
        {14, OFP_PACKET_L2, OFP_PACKET_ERR_IPV4_TRUNC, 0},
        {34, OFP_PACKET_L3, OFP_PACKET_ERR_TCP_TRUNC, OFP_IPPROTO_TCP},
        {54, OFP_PACKET_L4, OFP_PACKET_OK, OFP_IPPROTO_TCP},
    };
    check_every_cut(ipv4_tcp_hex, 56, exp, sizeof exp / sizeof *exp);
}
END_TEST

/* ---- IPv6 ---- */

/* Returns a frame of Ethernet + IPv6 (next header 'nh', payload length
 * that of 'payload_hex') + 'payload_hex', exactly sized. */
static uint8_t *
ipv6_frame(uint8_t nh, const char *payload_hex, size_t *len)
{
    size_t plen;
    uint8_t *payload = test_parse_hex(payload_hex, &plen);
    ck_assert_ptr_nonnull(payload);
    size_t hlen;
    uint8_t *hdr = test_parse_hex(ETH_HDR " 86dd 60000000 0000 00 40"
                                          " 20010db8000000000000000000000001"
                                          " 20010db8000000000000000000000002",
                                  &hlen);
    ck_assert_ptr_nonnull(hdr);
    hdr[18] = (uint8_t) (plen >> 8);
    hdr[19] = (uint8_t) plen;
    hdr[20] = nh;
    *len = hlen + plen;
    uint8_t *frame = malloc(*len);
    ck_assert_ptr_nonnull(frame);
    memcpy(frame, hdr, hlen);
    memcpy(frame + hlen, payload, plen);
    free(hdr);
    free(payload);
    return frame;
}

#define UDP_8 " 9c409c41 00080000"

START_TEST(test_ipv6_udp_fields)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, ipv6_udp_hex);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_IPV6);
    ck_assert_uint_eq(pkt.ip.dscp, 46);
    ck_assert_uint_eq(pkt.ip.ecn, 0);
    ck_assert_uint_eq(pkt.ip.ttl, 255);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_UDP);
    ck_assert_uint_eq(pkt.ipv6.flow_label, 0x12345);
    ck_assert_uint_eq(pkt.ipv6.payload_len, 12);
    ck_assert_ptr_eq(pkt.ipv6.src, f + 22);
    ck_assert_ptr_eq(pkt.ipv6.dst, f + 38);
    ck_assert_uint_eq(pkt.ipv6.dst[15], 2);
    ck_assert_uint_eq(pkt.ipv6.exthdr, 0);
    ck_assert_uint_eq(pkt.tp_src, 0x1234);
    ck_assert_uint_eq(pkt.tp_dst, 0x4321);
    ck_assert_uint_eq(pkt.udp_len, 12);
    ck_assert_uint_eq(pkt.l4_ofs, 54);
    ck_assert_uint_eq(pkt.payload_ofs, 62);
    ck_assert_uint_eq(pkt.end, 66);
    check_invariants(&pkt, 66);
    free(f);
}
END_TEST

START_TEST(test_ipv6_bad_version_and_truncated)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt, ipv6_udp_hex, 14, "\x4b", 1,
                               OFP_PACKET_ERR_IPV6_VERSION);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    ck_assert_ptr_null(pkt.ipv6.src);
    free(f);
    f = parse_patched(&pkt, ETH_HDR " 86dd 6000000000001140", 0, NULL, 0,
                      OFP_PACKET_ERR_IPV6_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    free(f);
}
END_TEST

START_TEST(test_ipv6_payload_length_past_frame)
{
    struct ofp_packet pkt;
    /* Payload length 100 in a 66-byte frame: a cut frame, parsed as far as
     * it goes. */
    uint8_t *f =
        parse_patched(&pkt, ipv6_udp_hex, 18, "\x00\x64", 2, OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.flags, OFP_PACKET_F_CUT);
    ck_assert_uint_eq(pkt.ipv6.payload_len, 100);
    ck_assert_uint_eq(pkt.end, 66);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.tp_dst, 0x4321);
    free(f);
    /* ...but the UDP header still has to be in the frame. */
    f = parse_patched(&pkt, ipv6_udp_hex, 18, "\x00\x64", 2, OFP_PACKET_OK);
    uint8_t *cut = exact_copy(f, 60);
    ck_assert_perr(parse_checked(&pkt, cut, 60), OFP_PACKET_ERR_UDP_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert(pkt.flags & OFP_PACKET_F_CUT);
    free(cut);
    free(f);
}
END_TEST

START_TEST(test_ipv6_payload_length_short_of_l4)
{
    struct ofp_packet pkt;
    /* Payload length 6: the UDP header does not fit in the packet, even
     * though the frame has its bytes. */
    uint8_t *f = parse_patched(&pkt, ipv6_udp_hex, 18, "\x00\x06", 2,
                               OFP_PACKET_ERR_UDP_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.end, 60);
    ck_assert_uint_eq(pkt.flags, 0);
    free(f);
}
END_TEST

START_TEST(test_ipv6_each_extension_header)
{
    static const struct {
        uint8_t nh;
        const char *ext;
        uint16_t bit;
        size_t len;
    } cases[] = {
        {OFP_IPPROTO_HOPOPTS, "1100 0104 00000000", OFPIEH_HOP, 8},
        {OFP_IPPROTO_DSTOPTS, "1101 010c 00000000 0000000000000000",
         OFPIEH_DEST, 16},
        {OFP_IPPROTO_ROUTING,
         "1102 0201 00000000 20010db8000000000000000000000002", OFPIEH_ROUTER,
         24},
        {OFP_IPPROTO_FRAGMENT, "1100 0000 00000007", OFPIEH_FRAG, 8},
        {OFP_IPPROTO_AH, "1101 0000 00000100 00000001", OFPIEH_AUTH, 12},
        {OFP_IPPROTO_AH,
         "1104 0000 00000100 00000001 aaaaaaaaaaaaaaaaaaaaaaaa", OFPIEH_AUTH,
         24},
    };

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char hex[256];
        snprintf(hex, sizeof hex, "%s %s", cases[i].ext, UDP_8);
        size_t len;
        uint8_t *f = ipv6_frame(cases[i].nh, hex, &len);
        struct ofp_packet pkt;
        ck_assert_perr(parse_checked(&pkt, f, len), OFP_PACKET_OK);
        ck_assert_uint_eq(pkt.ipv6.exthdr, cases[i].bit);
        ck_assert_uint_eq(pkt.ipv6.n_exthdrs, 1);
        ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_UDP);
        ck_assert_uint_eq(pkt.l4_ofs, 54 + cases[i].len);
        ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
        ck_assert_uint_eq(pkt.tp_src, 40000);
        if (cases[i].bit == OFPIEH_FRAG) {
            /* Offset 0 and M = 0: an atomic fragment. */
            ck_assert_uint_eq(pkt.ip.frag, OFP_PACKET_FRAG_ANY);
            ck_assert_uint_eq(pkt.ipv6.frag_id, 7);
        } else {
            ck_assert_uint_eq(pkt.ip.frag, 0);
        }
        check_invariants(&pkt, len);
        free(f);
    }
}
END_TEST

START_TEST(test_ipv6_extension_chain)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, ipv6_chain_hex);
    ck_assert_uint_eq(pkt.ipv6.exthdr, OFPIEH_HOP | OFPIEH_DEST |
                                           OFPIEH_ROUTER | OFPIEH_FRAG |
                                           OFPIEH_AUTH);
    ck_assert_uint_eq(pkt.ipv6.n_exthdrs, 5);
    ck_assert_uint_eq(pkt.ip.frag, OFP_PACKET_FRAG_ANY);
    ck_assert_uint_eq(pkt.ipv6.frag_id, 0xdeadbeef);
    ck_assert_uint_eq(pkt.ipv6.frag_off, 0);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_TCP);
    ck_assert_uint_eq(pkt.l4_ofs, 134);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.tp_src, 80);
    ck_assert_uint_eq(pkt.tp_dst, 50000);
    ck_assert_uint_eq(pkt.tcp.flags, OFP_TCP_SYN);
    ck_assert_uint_eq(pkt.payload_ofs, 154);
    ck_assert_uint_eq(pkt.end, 154);
    check_invariants(&pkt, 154);
    free(f);
}
END_TEST

START_TEST(test_ipv6_esp_stops)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, ipv6_esp_hex);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.ipv6.exthdr, OFPIEH_ESP);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_ESP);
    ck_assert_uint_eq(pkt.l4_ofs, 54);
    ck_assert_uint_eq(pkt.payload_ofs, 54);
    ck_assert_uint_eq(pkt.end, 70);
    free(f);
}
END_TEST

START_TEST(test_ipv6_no_next_header)
{
    struct ofp_packet pkt;
    size_t len;
    /* Hop-by-Hop whose next header is 59. */
    uint8_t *f = ipv6_frame(OFP_IPPROTO_HOPOPTS, "3b00 0104 00000000", &len);
    ck_assert_perr(parse_checked(&pkt, f, len), OFP_PACKET_OK);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.ipv6.exthdr, OFPIEH_HOP | OFPIEH_NONEXT);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_NONE);
    ck_assert_uint_eq(pkt.l4_ofs, 62);
    free(f);
}
END_TEST

START_TEST(test_ipv6_later_fragment_has_no_l4)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, ipv6_frag_later_hex);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.ipv6.exthdr, OFPIEH_FRAG);
    ck_assert_uint_eq(pkt.ip.frag,
                      OFP_PACKET_FRAG_ANY | OFP_PACKET_FRAG_LATER);
    ck_assert_uint_eq(pkt.ipv6.frag_off, 185);
    ck_assert_uint_eq(pkt.ipv6.frag_id, 1);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_UDP);
    ck_assert_uint_eq(pkt.l4_ofs, 62);
    ck_assert_uint_eq(pkt.payload_ofs, 62);
    ck_assert_uint_eq(pkt.tp_src, 0);
    check_invariants(&pkt, 78);
    free(f);
}
END_TEST

START_TEST(test_ipv6_exthdr_unsequenced)
{
    struct ofp_packet pkt;
    size_t len;
    /* Destination Options, then Hop-by-Hop. */
    uint8_t *f =
        ipv6_frame(OFP_IPPROTO_DSTOPTS,
                   "0000 0104 00000000 1100 0104 00000000" UDP_8, &len);
    ck_assert_perr(parse_checked(&pkt, f, len), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.ipv6.exthdr,
                      OFPIEH_DEST | OFPIEH_HOP | OFPIEH_UNSEQ);
    ck_assert_uint_eq(pkt.tp_src, 40000);
    free(f);
    /* Fragment, then Routing. */
    f = ipv6_frame(OFP_IPPROTO_FRAGMENT,
                   "2b00 0000 00000001 1100 0000 00000000" UDP_8, &len);
    ck_assert_perr(parse_checked(&pkt, f, len), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.ipv6.exthdr,
                      OFPIEH_FRAG | OFPIEH_ROUTER | OFPIEH_UNSEQ);
    free(f);
}
END_TEST

START_TEST(test_ipv6_exthdr_repeated)
{
    struct ofp_packet pkt;
    size_t len;
    /* Two Routing headers. */
    uint8_t *f =
        ipv6_frame(OFP_IPPROTO_ROUTING,
                   "2b00 0000 00000000 1100 0000 00000000" UDP_8, &len);
    ck_assert_perr(parse_checked(&pkt, f, len), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.ipv6.exthdr, OFPIEH_ROUTER | OFPIEH_UNREP);
    free(f);
    /* Destination Options before and after Routing is allowed. */
    f = ipv6_frame(OFP_IPPROTO_DSTOPTS,
                   "2b00 0104 00000000 3c00 0000 00000000"
                   " 1100 0104 00000000" UDP_8,
                   &len);
    ck_assert_perr(parse_checked(&pkt, f, len), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.ipv6.exthdr, OFPIEH_DEST | OFPIEH_ROUTER);
    ck_assert_uint_eq(pkt.ipv6.n_exthdrs, 3);
    free(f);
    /* ...but not three times. */
    f = ipv6_frame(OFP_IPPROTO_DSTOPTS,
                   "3c00 0104 00000000 3c00 0104 00000000"
                   " 1100 0104 00000000" UDP_8,
                   &len);
    ck_assert_perr(parse_checked(&pkt, f, len), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.ipv6.exthdr, OFPIEH_DEST | OFPIEH_UNREP);
    free(f);
}
END_TEST

START_TEST(test_ipv6_exthdr_chain_limit)
{
    char hex[512] = "";
    size_t len;
    struct ofp_packet pkt;

    /* OFP_PACKET_MAX_EXTHDRS Destination Options headers are walked. */
    for (int i = 0; i < OFP_PACKET_MAX_EXTHDRS - 1; i++) {
        append(hex, sizeof hex, " 3c00 0104 00000000");
    }
    append(hex, sizeof hex, " 1100 0104 00000000" UDP_8);
    uint8_t *f = ipv6_frame(OFP_IPPROTO_DSTOPTS, hex, &len);
    ck_assert_perr(parse_checked(&pkt, f, len), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.ipv6.n_exthdrs, OFP_PACKET_MAX_EXTHDRS);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    free(f);

    /* One more is an error; L3 stays valid and names the header. */
    hex[0] = '\0';
    for (int i = 0; i < OFP_PACKET_MAX_EXTHDRS; i++) {
        append(hex, sizeof hex, " 3c00 0104 00000000");
    }
    append(hex, sizeof hex, " 1100 0104 00000000" UDP_8);
    f = ipv6_frame(OFP_IPPROTO_DSTOPTS, hex, &len);
    ck_assert_perr(parse_checked(&pkt, f, len),
                   OFP_PACKET_ERR_IPV6_EXT_CHAIN);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_DSTOPTS);
    ck_assert_uint_eq(pkt.l4_ofs, 54 + 8 * OFP_PACKET_MAX_EXTHDRS);
    ck_assert_uint_eq(pkt.tp_src, 0);
    check_invariants(&pkt, len);
    free(f);
}
END_TEST

START_TEST(test_ipv6_exthdr_runs_off_the_end)
{
    struct ofp_packet pkt;
    size_t len;
    /* Hop-by-Hop of 16 bytes in an 8-byte payload at the end of the
     * frame. */
    uint8_t *f = ipv6_frame(OFP_IPPROTO_HOPOPTS, "1101 0104 00000000", &len);
    ck_assert_perr(parse_checked(&pkt, f, len),
                   OFP_PACKET_ERR_IPV6_EXT_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_HOPOPTS);
    ck_assert_uint_eq(pkt.l4_ofs, 54);
    ck_assert_ptr_nonnull(pkt.ipv6.src);
    check_invariants(&pkt, len);
    free(f);

    /* Routing of 24 bytes where the payload length says 16, though the
     * frame holds them all. */
    f = ipv6_frame(OFP_IPPROTO_ROUTING,
                   "1102 0201 00000000 20010db8000000000000000000000002",
                   &len);
    f[19] = 16;
    ck_assert_perr(parse_checked(&pkt, f, len),
                   OFP_PACKET_ERR_IPV6_EXT_TRUNC);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_ROUTING);
    free(f);

    /* AH whose 4-byte length unit puts it past the end. */
    f = ipv6_frame(OFP_IPPROTO_AH, "1103 0000 00000100 00000001", &len);
    ck_assert_perr(parse_checked(&pkt, f, len),
                   OFP_PACKET_ERR_IPV6_EXT_TRUNC);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_AH);
    free(f);

    /* Fewer than 8 bytes left for a Fragment header. */
    f = ipv6_frame(OFP_IPPROTO_FRAGMENT, "1100 0000 0000", &len);
    ck_assert_perr(parse_checked(&pkt, f, len),
                   OFP_PACKET_ERR_IPV6_EXT_TRUNC);
    free(f);
}
END_TEST

START_TEST(test_every_cut_of_ipv6_chain)
{
    static const struct cut_expect exp[] = {
        {0, OFP_PACKET_NONE, OFP_PACKET_ERR_ETH_TRUNC, 0},
        {14, OFP_PACKET_L2, OFP_PACKET_ERR_IPV6_TRUNC, 0},
        {54, OFP_PACKET_L3, OFP_PACKET_ERR_IPV6_EXT_TRUNC,
         OFP_IPPROTO_HOPOPTS},
        {62, OFP_PACKET_L3, OFP_PACKET_ERR_IPV6_EXT_TRUNC,
         OFP_IPPROTO_DSTOPTS},
        {78, OFP_PACKET_L3, OFP_PACKET_ERR_IPV6_EXT_TRUNC,
         OFP_IPPROTO_ROUTING},
        {102, OFP_PACKET_L3, OFP_PACKET_ERR_IPV6_EXT_TRUNC,
         OFP_IPPROTO_FRAGMENT},
        {110, OFP_PACKET_L3, OFP_PACKET_ERR_IPV6_EXT_TRUNC, OFP_IPPROTO_AH},
        {134, OFP_PACKET_L3, OFP_PACKET_ERR_TCP_TRUNC, OFP_IPPROTO_TCP},
        {154, OFP_PACKET_L4, OFP_PACKET_OK, OFP_IPPROTO_TCP},
    };
    check_every_cut(ipv6_chain_hex, 154, exp, sizeof exp / sizeof *exp);
}
END_TEST

/* ---- ICMPv6 and Neighbor Discovery ---- */

START_TEST(test_nd_ns_with_sll)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, nd_ns_hex);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_ICMPV6);
    ck_assert_uint_eq(pkt.icmp.type, OFP_ICMPV6_ND_NS);
    ck_assert_uint_eq(pkt.icmp.code, 0);
    ck_assert_ptr_eq(pkt.nd.target, f + 62);
    ck_assert_uint_eq(pkt.nd.target[0], 0xfe);
    ck_assert_uint_eq(pkt.nd.target[15], 2);
    ck_assert_ptr_nonnull(pkt.nd.sll);
    ck_assert_mem_eq(pkt.nd.sll, mac_b, 6);
    ck_assert_ptr_null(pkt.nd.tll);
    ck_assert_uint_eq(pkt.nd.na_flags, 0);
    ck_assert_uint_eq(pkt.payload_ofs, 78);
    ck_assert_uint_eq(pkt.end, 86);
    check_invariants(&pkt, 86);
    free(f);
}
END_TEST

START_TEST(test_nd_na_with_tll_after_other_option)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, nd_na_hex);
    ck_assert_uint_eq(pkt.icmp.type, OFP_ICMPV6_ND_NA);
    ck_assert_uint_eq(pkt.nd.na_flags,
                      OFP_ND_NA_SOLICITED | OFP_ND_NA_OVERRIDE);
    ck_assert_ptr_eq(pkt.nd.target, f + 62);
    ck_assert_ptr_null(pkt.nd.sll);
    ck_assert_ptr_eq(pkt.nd.tll, f + 88);
    ck_assert_mem_eq(pkt.nd.tll, mac_a, 6);
    ck_assert_uint_eq(pkt.payload_ofs, 78);
    free(f);
}
END_TEST

START_TEST(test_nd_option_length_zero)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt, nd_na_hex, 79, "\x00", 1,
                               OFP_PACKET_ERR_ND_OPT_LEN);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_ptr_null(pkt.nd.target);
    ck_assert_uint_eq(pkt.icmp.type, 0);
    check_invariants(&pkt, 94);
    free(f);
    /* In the last option too. */
    f = parse_patched(&pkt, nd_na_hex, 87, "\x00", 1,
                      OFP_PACKET_ERR_ND_OPT_LEN);
    free(f);
}
END_TEST

START_TEST(test_nd_option_past_the_end)
{
    struct ofp_packet pkt;
    /* SLL option claiming 16 bytes in an 8-byte tail. */
    uint8_t *f = parse_patched(&pkt, nd_ns_hex, 79, "\x02", 1,
                               OFP_PACKET_ERR_ND_OPT_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_ptr_null(pkt.nd.sll);
    free(f);
}
END_TEST

START_TEST(test_nd_truncated_target)
{
    struct ofp_packet pkt;
    /* Payload length 20: the target does not fit. */
    uint8_t *f =
        parse_patched(&pkt, nd_ns_hex, 19, "\x14", 1, OFP_PACKET_ERR_ND_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    ck_assert_uint_eq(pkt.icmp.type, 0);
    free(f);
}
END_TEST

START_TEST(test_nd_nonzero_code_is_plain_icmpv6)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_patched(&pkt, nd_ns_hex, 55, "\x01", 1, OFP_PACKET_OK);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.icmp.type, OFP_ICMPV6_ND_NS);
    ck_assert_uint_eq(pkt.icmp.code, 1);
    ck_assert_ptr_null(pkt.nd.target);
    ck_assert_uint_eq(pkt.payload_ofs, 62);
    free(f);
}
END_TEST

START_TEST(test_icmpv6_echo_and_truncated)
{
    struct ofp_packet pkt;
    size_t len;
    uint8_t *f =
        ipv6_frame(OFP_IPPROTO_ICMPV6, "8000 0000 1234 0001 6869", &len);
    ck_assert_perr(parse_checked(&pkt, f, len), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.icmp.type, 128);
    ck_assert_uint_eq(pkt.payload_ofs, 62);
    ck_assert_ptr_null(pkt.nd.target);
    free(f);
    f = ipv6_frame(OFP_IPPROTO_ICMPV6, "8000 0000 1234", &len);
    ck_assert_perr(parse_checked(&pkt, f, len),
                   OFP_PACKET_ERR_ICMPV6_TRUNC);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L3);
    free(f);
}
END_TEST

START_TEST(test_every_cut_of_nd_na)
{
    static const struct cut_expect exp[] = {
        {0, OFP_PACKET_NONE, OFP_PACKET_ERR_ETH_TRUNC, 0},
        {14, OFP_PACKET_L2, OFP_PACKET_ERR_IPV6_TRUNC, 0},
        {54, OFP_PACKET_L3, OFP_PACKET_ERR_ICMPV6_TRUNC, 58},
        {62, OFP_PACKET_L3, OFP_PACKET_ERR_ND_TRUNC, 58},
        {78, OFP_PACKET_L4, OFP_PACKET_OK, 58},
        {79, OFP_PACKET_L3, OFP_PACKET_ERR_ND_OPT_TRUNC, 58},
        {86, OFP_PACKET_L4, OFP_PACKET_OK, 58},
        {87, OFP_PACKET_L3, OFP_PACKET_ERR_ND_OPT_TRUNC, 58},
        {94, OFP_PACKET_L4, OFP_PACKET_OK, 58},
    };
    check_every_cut(nd_na_hex, 94, exp, sizeof exp / sizeof *exp);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_error_names)
{
    ck_assert_str_eq(ofp_packet_error_name(OFP_PACKET_OK), "OK");
    ck_assert_str_eq(ofp_packet_error_name(OFP_PACKET_ERR_IPV4_IHL),
                     "IPV4_IHL");
    ck_assert_str_eq(ofp_packet_error_name(OFP_PACKET_ERR_LLDP_TOO_MANY),
                     "LLDP_TOO_MANY");
    ck_assert_str_eq(ofp_packet_error_name(OFP_PACKET_ERR_LLDP_TOO_MANY + 1),
                     "UNKNOWN");
    for (int i = 0; i <= OFP_PACKET_ERR_LLDP_TOO_MANY; i++) {
        const char *name = ofp_packet_error_name(i);
        ck_assert_str_ne(name, "UNKNOWN");
        ck_assert_uint_gt(strlen(ofp_packet_error_desc(i)), 5);
        for (int j = 0; j < i; j++) {
            ck_assert_str_ne(name, ofp_packet_error_name(j));
        }
    }
}
END_TEST

/* ---- frames written by other projects ---- */

/* Returns the frame inside the PACKET_IN or PACKET_OUT message 'msg'
 * ('n' bytes), and its length in '*len'. */
static const uint8_t *
corpus_frame(const uint8_t *msg, size_t n, size_t *len)
{
    size_t ofs;
    ck_assert_uint_ge(n, 24);
    if (msg[1] == OFPT_PACKET_IN) {
        size_t match_len = (size_t) (msg[26] << 8 | msg[27]);
        ofs = 24 + (match_len + 7) / 8 * 8 + 2;
    } else {
        ck_assert_uint_eq(msg[1], OFPT_PACKET_OUT);
        ofs = 24 + (size_t) (msg[16] << 8 | msg[17]);
    }
    ck_assert_uint_le(ofs, n);
    *len = n - ofs;
    return msg + ofs;
}

/* Reads corpus file 'name' and parses the frame it carries into 'pkt',
 * in an exact-size copy that the caller frees (NULL: no corpus). */
static uint8_t *
corpus_parse(const char *name, struct ofp_packet *pkt,
             enum ofp_packet_error want)
{
    const char *dir = test_corpus_dir();
    if (!dir) {
        return NULL;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t n = 0, len = 0;
    uint8_t *msg = test_read_file(path, &n);
    ck_assert_msg(msg != NULL, "cannot read %s", path);
    const uint8_t *data = corpus_frame(msg, n, &len);
    uint8_t *frame = exact_copy(data, len);
    free(msg);
    ck_assert_perr(parse_checked(pkt, frame, len), want);
    check_invariants(pkt, len);
    return frame;
}

/* parse_checked() zeroes only what it does not set, in pieces: parsing
 * into a struct full of garbage must give every byte that parsing into a
 * zeroed one gives, for every prefix of every frame above and for random
 * corruptions of them. */
static void
check_parse_ignores_prior_contents(const uint8_t *frame, size_t len)
{
    struct ofp_packet clean, dirty;

    /* No ck_assert on success: libcheck records each one with a write(2),
     * and this runs some 30000 times. */
    memset(&clean, 0, sizeof clean);
    memset(&dirty, 0xa5, sizeof dirty);
    enum ofp_packet_error want = parse_checked(&clean, frame, len);
    enum ofp_packet_error got = parse_checked(&dirty, frame, len);
    if (got != want || memcmp(&clean, &dirty, sizeof clean)) {
        ck_abort_msg("%s: the result depends on the struct's old contents",
                     test_hex(frame, len));
    }
}

START_TEST(test_parse_ignores_prior_contents)
{
    static const char *const frames[] = {
        ipv4_tcp_hex,     ipv4_opts_udp_hex,   qinq_icmp_hex,
        vlan9100_arp_hex, arp_request_hex,     ipv6_udp_hex,
        ipv6_chain_hex,   ipv6_frag_later_hex, ipv6_esp_hex,
        nd_ns_hex,        nd_na_hex,           ipv4_sctp_hex,
        lldp_hex,
    };
    uint64_t rng = 0x9e3779b97f4a7c15ull;

    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        size_t len;
        uint8_t *whole = test_hex_fixture(frames[i], &len);
        for (size_t n = 0; n <= len; n++) {
            uint8_t *frame = exact_copy(whole, n);
            check_parse_ignores_prior_contents(frame, n);
            struct ofp_packet pkt;
            parse_checked(&pkt, frame, n);
            check_invariants(&pkt, n);
            free(frame);
        }
        for (int round = 0; round < 2000; round++) {
            uint8_t *frame = exact_copy(whole, len);
            for (int flips = 0; flips < 1 + round % 3; flips++) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                frame[(rng >> 8) % len] ^= (uint8_t) (1 + (rng >> 40) % 255);
            }
            size_t n = round % 4 ? len : (size_t) ((rng >> 20) % (len + 1));
            check_parse_ignores_prior_contents(frame, n);
            free(frame);
        }
        free(whole);
    }
}
END_TEST

START_TEST(test_corpus_frames)
{
    struct ofp_packet pkt;
    uint8_t *f;

    if (!test_corpus_dir()) {
        printf("# SKIP corpus frames: ../shared/corpus is absent\n");
        return;
    }

    /* Ryu: an ARP request in a PACKET_IN. */
    f = corpus_parse("ryu-of13/packet_data/4-4-ofp_packet_in.packet", &pkt,
                     OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.arp.op, OFP_ARP_OP_REQUEST);
    ck_assert_mem_eq(pkt.arp.sha, "\xf2\x0b\xa4\x7d\xf8\xea", 6);
    ck_assert_uint_eq(pkt.arp.spa, 0x0a000001);
    ck_assert_uint_eq(pkt.arp.tpa, 0x0a000003);
    free(f);

    /* Ryu: an ICMP echo request in a PACKET_OUT. */
    f = corpus_parse("ryu-of13/packet_data/4-1-ofp_packet_out.packet", &pkt,
                     OFP_PACKET_OK);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_ICMP);
    ck_assert_uint_eq(pkt.ip.ttl, 255);
    ck_assert_uint_eq(pkt.ipv4.src, 0x0a000001);
    ck_assert_uint_eq(pkt.ipv4.dst, 0x0a000002);
    ck_assert_uint_eq(pkt.icmp.type, 8);
    ck_assert_uint_eq(pkt.end, 98);
    free(f);

    /* Kytos: an MLDv2 report behind a Hop-by-Hop header (Router Alert). */
    f = corpus_parse("kytos-pyof-v0x04/ofpt_packet_in.dat", &pkt,
                     OFP_PACKET_OK);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.ipv6.exthdr, OFPIEH_HOP);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_ICMPV6);
    ck_assert_uint_eq(pkt.ip.ttl, 1);
    ck_assert_uint_eq(pkt.icmp.type, 143);
    ck_assert_uint_eq(pkt.l4_ofs, 62);
    ck_assert_uint_eq(pkt.ipv6.dst[15], 0x16);
    free(f);

    /* Kytos: its topology's LLDP frame, VLAN-tagged, in a PACKET_OUT. */
    f = corpus_parse("kytos-pyof-v0x04/ofpt_packet_out.dat", &pkt,
                     OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.n_vlans, 1);
    ck_assert_uint_eq(pkt.vlans[0].vid, 3799);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_LLDP);
    ck_assert_mem_eq(pkt.eth_dst, ofp_lldp_dst, 6);
    struct ofp_lldp lldp;
    ck_assert_perr(
        ofp_lldp_parse(&lldp, pkt.frame + pkt.l3_ofs, pkt.end - pkt.l3_ofs),
        OFP_PACKET_OK);
    ck_assert_uint_eq(lldp.chassis_subtype, OFP_LLDP_CHASSIS_LOCAL);
    ck_assert_uint_eq(lldp.chassis_id.len, 8);
    ck_assert_mem_eq(lldp.chassis_id.data, "\0\0\0\0\0\0\0\1", 8);
    ck_assert_uint_eq(lldp.port_subtype, OFP_LLDP_PORT_LOCAL);
    ck_assert_uint_eq(lldp.port_id.len, 4);
    ck_assert_mem_eq(lldp.port_id.data, "\0\0\0\1", 4);
    ck_assert_uint_eq(lldp.ttl, 120);
    ck_assert_uint_eq(lldp.n_orgs, 0);
    free(f);

    /* Opaque test data that is not a frame. */
    f = corpus_parse("loxigen-of13/bin/packet_in.bin", &pkt,
                     OFP_PACKET_ERR_ETH_TRUNC);
    free(f);
    f = corpus_parse("ryu-of13/packet_data/4-59-ofp_packet_in.packet", &pkt,
                     OFP_PACKET_ERR_ETH_TRUNC);
    ck_assert_uint_eq(pkt.len, 0);
    free(f);
}
END_TEST

/* ---- LLDP ---- */

/* Parses LLDP PDU 'hex' (no Ethernet header) into 'lldp', in an exact-size
 * buffer returned for the caller to free. */
static uint8_t *
lldp_parse_hex(struct ofp_lldp *lldp, const char *hex,
               enum ofp_packet_error want)
{
    size_t len;
    uint8_t *pdu = test_hex_fixture(hex, &len);
    ck_assert_perr(ofp_lldp_parse(lldp, pdu, len), want);
    return pdu;
}

#define LLDP_CHASSIS " 0207 04 66778899aabb"
#define LLDP_PORT " 0403 05 7031"
#define LLDP_TTL " 0602 0078"
#define LLDP_END " 0000"

START_TEST(test_lldp_frame_fields)
{
    struct ofp_packet pkt;
    uint8_t *f = parse_ok(&pkt, lldp_hex);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_LLDP);
    ck_assert_uint_eq(pkt.l3_ofs, 14);

    struct ofp_lldp lldp;
    ck_assert_perr(
        ofp_lldp_parse(&lldp, pkt.frame + pkt.l3_ofs, pkt.end - pkt.l3_ofs),
        OFP_PACKET_OK);
    ck_assert_uint_eq(lldp.chassis_subtype, OFP_LLDP_CHASSIS_LOCAL);
    ck_assert_uint_eq(lldp.chassis_id.len, 21);
    ck_assert_mem_eq(lldp.chassis_id.data, "dpid:0000000000000001", 21);
    ck_assert_uint_eq(lldp.port_subtype, OFP_LLDP_PORT_COMPONENT);
    ck_assert_uint_eq(lldp.port_id.len, 4);
    ck_assert_mem_eq(lldp.port_id.data, "\0\0\0\1", 4);
    ck_assert_uint_eq(lldp.ttl, 120);
    ck_assert_uint_eq(lldp.system_name.len, 3);
    ck_assert_mem_eq(lldp.system_name.data, "sw1", 3);
    ck_assert_uint_eq(lldp.port_desc.len, 4);
    ck_assert_mem_eq(lldp.port_desc.data, "eth1", 4);
    ck_assert_ptr_null(lldp.system_desc.data);
    ck_assert_uint_eq(lldp.n_orgs, 1);
    ck_assert(!lldp.orgs_dropped);
    ck_assert_uint_eq(lldp.orgs[0].oui, 0x0026e1);
    ck_assert_uint_eq(lldp.orgs[0].subtype, 1);
    ck_assert_uint_eq(lldp.orgs[0].value.len, 6);
    ck_assert_mem_eq(lldp.orgs[0].value.data, "abcdef", 6);
    free(f);
}
END_TEST

START_TEST(test_lldp_padding_after_end_ignored)
{
    struct ofp_lldp lldp;
    uint8_t *p = lldp_parse_hex(
        &lldp, LLDP_CHASSIS LLDP_PORT LLDP_TTL LLDP_END " ffffffff 02",
        OFP_PACKET_OK);
    ck_assert_uint_eq(lldp.chassis_subtype, OFP_LLDP_CHASSIS_MAC);
    ck_assert_mem_eq(lldp.chassis_id.data, mac_b, 6);
    ck_assert_uint_eq(lldp.port_subtype, OFP_LLDP_PORT_IFNAME);
    ck_assert_mem_eq(lldp.port_id.data, "p1", 2);
    free(p);
    /* No End TLV, ending on a TLV boundary (802.1AB-2016). */
    p = lldp_parse_hex(&lldp, LLDP_CHASSIS LLDP_PORT LLDP_TTL, OFP_PACKET_OK);
    ck_assert_uint_eq(lldp.ttl, 120);
    free(p);
}
END_TEST

START_TEST(test_lldp_missing_mandatory_tlv)
{
    struct ofp_lldp lldp;
    free(lldp_parse_hex(&lldp, "", OFP_PACKET_ERR_LLDP_MISSING));
    free(lldp_parse_hex(&lldp, LLDP_END, OFP_PACKET_ERR_LLDP_MISSING));
    free(lldp_parse_hex(&lldp, LLDP_CHASSIS LLDP_END,
                        OFP_PACKET_ERR_LLDP_MISSING));
    uint8_t *p = lldp_parse_hex(&lldp, LLDP_CHASSIS LLDP_PORT LLDP_END,
                                OFP_PACKET_ERR_LLDP_MISSING);
    /* What came before the error is filled in. */
    ck_assert_uint_eq(lldp.port_id.len, 2);
    ck_assert_uint_eq(lldp.ttl, 0);
    free(p);
    free(lldp_parse_hex(&lldp, LLDP_CHASSIS LLDP_PORT,
                        OFP_PACKET_ERR_LLDP_MISSING));
    /* A system name where the chassis id must be. */
    free(lldp_parse_hex(
        &lldp, " 0a03 737731" LLDP_CHASSIS LLDP_PORT LLDP_TTL LLDP_END,
        OFP_PACKET_ERR_LLDP_MISSING));
}
END_TEST

START_TEST(test_lldp_bad_tlv_order)
{
    struct ofp_lldp lldp;
    free(lldp_parse_hex(&lldp, LLDP_PORT LLDP_CHASSIS LLDP_TTL LLDP_END,
                        OFP_PACKET_ERR_LLDP_ORDER));
    free(lldp_parse_hex(&lldp, LLDP_CHASSIS LLDP_TTL LLDP_PORT LLDP_END,
                        OFP_PACKET_ERR_LLDP_ORDER));
    /* Repeated after the first three. */
    free(lldp_parse_hex(&lldp,
                        LLDP_CHASSIS LLDP_PORT LLDP_TTL LLDP_CHASSIS LLDP_END,
                        OFP_PACKET_ERR_LLDP_ORDER));
    free(lldp_parse_hex(&lldp,
                        LLDP_CHASSIS LLDP_PORT LLDP_TTL LLDP_TTL LLDP_END,
                        OFP_PACKET_ERR_LLDP_ORDER));
}
END_TEST

START_TEST(test_lldp_tlv_past_the_end)
{
    struct ofp_lldp lldp;
    /* Chassis id claiming 22 bytes. */
    free(
        lldp_parse_hex(&lldp, " 0216 07 6470", OFP_PACKET_ERR_LLDP_TLV_TRUNC));
    /* System name claiming 511 bytes. */
    free(lldp_parse_hex(&lldp, LLDP_CHASSIS LLDP_PORT LLDP_TTL " 0bff 7377",
                        OFP_PACKET_ERR_LLDP_TLV_TRUNC));
    /* A lone byte where a TLV header should be. */
    free(lldp_parse_hex(&lldp, LLDP_CHASSIS LLDP_PORT LLDP_TTL " 00",
                        OFP_PACKET_ERR_LLDP_TLV_TRUNC));
}
END_TEST

START_TEST(test_lldp_bad_tlv_lengths)
{
    struct ofp_lldp lldp;
    free(lldp_parse_hex(&lldp, " 0201 04" LLDP_PORT LLDP_TTL LLDP_END,
                        OFP_PACKET_ERR_LLDP_CHASSIS));
    free(lldp_parse_hex(&lldp, LLDP_CHASSIS " 0401 05" LLDP_TTL LLDP_END,
                        OFP_PACKET_ERR_LLDP_PORT));
    free(lldp_parse_hex(&lldp, LLDP_CHASSIS LLDP_PORT " 0603 007800" LLDP_END,
                        OFP_PACKET_ERR_LLDP_TTL));
    free(lldp_parse_hex(&lldp, LLDP_CHASSIS LLDP_PORT " 0601 00" LLDP_END,
                        OFP_PACKET_ERR_LLDP_TTL));
    free(lldp_parse_hex(
        &lldp, LLDP_CHASSIS LLDP_PORT LLDP_TTL " fe03 0026e1" LLDP_END,
        OFP_PACKET_ERR_LLDP_ORG));
    free(lldp_parse_hex(&lldp, LLDP_CHASSIS LLDP_PORT LLDP_TTL " 0001 00",
                        OFP_PACKET_ERR_LLDP_END));

    /* Chassis id of 256 bytes (TLV length 257). */
    char hex[2048] = " 0301 07";
    for (int i = 0; i < 256; i++) {
        append(hex, sizeof hex, "61");
    }
    append(hex, sizeof hex, LLDP_PORT LLDP_TTL LLDP_END);
    free(lldp_parse_hex(&lldp, hex, OFP_PACKET_ERR_LLDP_CHASSIS));

    /* System name of 256 bytes. */
    snprintf(hex, sizeof hex, "%s", LLDP_CHASSIS LLDP_PORT LLDP_TTL " 0b00");
    for (int i = 0; i < 256; i++) {
        append(hex, sizeof hex, "61");
    }
    append(hex, sizeof hex, LLDP_END);
    free(lldp_parse_hex(&lldp, hex, OFP_PACKET_ERR_LLDP_STRING));
}
END_TEST

START_TEST(test_lldp_many_org_tlvs)
{
    char hex[1024] = LLDP_CHASSIS LLDP_PORT LLDP_TTL;
    for (int i = 0; i < OFP_LLDP_MAX_ORGS + 2; i++) {
        char tlv[32];
        snprintf(tlv, sizeof tlv, " fe05 0026e1 %02x %02x", i, i + 0x10);
        append(hex, sizeof hex, tlv);
    }
    append(hex, sizeof hex, LLDP_END);
    struct ofp_lldp lldp;
    uint8_t *p = lldp_parse_hex(&lldp, hex, OFP_PACKET_OK);
    ck_assert_uint_eq(lldp.n_orgs, OFP_LLDP_MAX_ORGS);
    ck_assert(lldp.orgs_dropped);
    for (int i = 0; i < OFP_LLDP_MAX_ORGS; i++) {
        ck_assert_uint_eq(lldp.orgs[i].subtype, i);
        ck_assert_uint_eq(lldp.orgs[i].value.len, 1);
        ck_assert_uint_eq(lldp.orgs[i].value.data[0], i + 0x10);
    }
    free(p);
}
END_TEST

START_TEST(test_lldp_build_exact_bytes)
{
    struct ofp_lldp lldp;
    memset(&lldp, 0, sizeof lldp);
    lldp.chassis_subtype = OFP_LLDP_CHASSIS_LOCAL;
    lldp.chassis_id.data = (const uint8_t *) "dpid:0000000000000001";
    lldp.chassis_id.len = 21;
    lldp.port_subtype = OFP_LLDP_PORT_COMPONENT;
    lldp.port_id.data = (const uint8_t *) "\0\0\0\1";
    lldp.port_id.len = 4;
    lldp.ttl = 120;
    lldp.system_name.data = (const uint8_t *) "sw1";
    lldp.system_name.len = 3;
    lldp.port_desc.data = (const uint8_t *) "eth1";
    lldp.port_desc.len = 4;
    lldp.n_orgs = 1;
    lldp.orgs[0].oui = 0x0026e1;
    lldp.orgs[0].subtype = 1;
    lldp.orgs[0].value.data = (const uint8_t *) "abcdef";
    lldp.orgs[0].value.len = 6;

    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    ck_assert_perr(ofp_lldp_build(&out, mac_b, &lldp), OFP_PACKET_OK);
    size_t len;
    uint8_t *want = test_hex_fixture(lldp_hex, &len);
    ck_assert_str_eq(test_hex(out.data, out.len), test_hex(want, len));
    free(want);
    ofp_wbuf_uninit(&out);
}
END_TEST

START_TEST(test_lldp_build_parse_round_trip)
{
    static const uint8_t hmac[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    struct ofp_lldp in;
    memset(&in, 0, sizeof in);
    in.chassis_subtype = OFP_LLDP_CHASSIS_LOCAL;
    in.chassis_id.data = (const uint8_t *) "\0\0\0\0\xde\xad\xbe\xef";
    in.chassis_id.len = 8;
    in.port_subtype = OFP_LLDP_PORT_LOCAL;
    in.port_id.data = (const uint8_t *) "\0\0\0\x2a";
    in.port_id.len = 4;
    in.ttl = 0xfffe;
    in.system_desc.data = (const uint8_t *) "sluice";
    in.system_desc.len = 6;
    in.system_name.data = (const uint8_t *) "";
    in.system_name.len = 0;
    in.n_orgs = 2;
    in.orgs[0].oui = 0xabcdef;
    in.orgs[0].subtype = 7;
    in.orgs[0].value.data = hmac;
    in.orgs[0].value.len = sizeof hmac;
    in.orgs[1].oui = 0x000001;
    in.orgs[1].subtype = 2;

    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    ofp_wbuf_u8(&out, 0x99); /* builds after what is already there */
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &in), OFP_PACKET_OK);
    ck_assert(!out.overflow);

    size_t len = out.len - 1;
    uint8_t *frame = exact_copy(out.data + 1, len);
    struct ofp_packet pkt;
    ck_assert_perr(parse_checked(&pkt, frame, len), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_LLDP);
    ck_assert_mem_eq(pkt.eth_dst, ofp_lldp_dst, 6);
    ck_assert_mem_eq(pkt.eth_src, mac_a, 6);

    struct ofp_lldp back;
    ck_assert_perr(ofp_lldp_parse(&back, frame + pkt.l3_ofs, len - pkt.l3_ofs),
                   OFP_PACKET_OK);
    ck_assert_uint_eq(back.chassis_subtype, in.chassis_subtype);
    ck_assert_uint_eq(back.chassis_id.len, 8);
    ck_assert_mem_eq(back.chassis_id.data, in.chassis_id.data, 8);
    ck_assert_uint_eq(back.port_subtype, in.port_subtype);
    ck_assert_uint_eq(back.port_id.len, 4);
    ck_assert_mem_eq(back.port_id.data, in.port_id.data, 4);
    ck_assert_uint_eq(back.ttl, 0xfffe);
    ck_assert_ptr_nonnull(back.system_name.data);
    ck_assert_uint_eq(back.system_name.len, 0);
    ck_assert_ptr_null(back.port_desc.data);
    ck_assert_uint_eq(back.system_desc.len, 6);
    ck_assert_mem_eq(back.system_desc.data, "sluice", 6);
    ck_assert_uint_eq(back.n_orgs, 2);
    ck_assert_uint_eq(back.orgs[0].oui, 0xabcdef);
    ck_assert_uint_eq(back.orgs[0].subtype, 7);
    ck_assert_uint_eq(back.orgs[0].value.len, sizeof hmac);
    ck_assert_mem_eq(back.orgs[0].value.data, hmac, sizeof hmac);
    ck_assert_uint_eq(back.orgs[1].oui, 1);
    ck_assert_uint_eq(back.orgs[1].subtype, 2);
    ck_assert_uint_eq(back.orgs[1].value.len, 0);
    free(frame);
    ofp_wbuf_uninit(&out);
}
END_TEST

START_TEST(test_lldp_build_pads_short_frame)
{
    struct ofp_lldp in;
    memset(&in, 0, sizeof in);
    in.chassis_subtype = OFP_LLDP_CHASSIS_MAC;
    in.chassis_id.data = mac_b;
    in.chassis_id.len = 6;
    in.port_subtype = OFP_LLDP_PORT_IFNAME;
    in.port_id.data = (const uint8_t *) "p1";
    in.port_id.len = 2;
    in.ttl = 120;

    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    ck_assert_perr(ofp_lldp_build(&out, mac_b, &in), OFP_PACKET_OK);
    ck_assert_uint_eq(out.len, 60);
    struct ofp_lldp back;
    ck_assert_perr(ofp_lldp_parse(&back, out.data + 14, out.len - 14),
                   OFP_PACKET_OK);
    ck_assert_uint_eq(back.ttl, 120);
    ck_assert_mem_eq(back.port_id.data, "p1", 2);
    ofp_wbuf_uninit(&out);
}
END_TEST

START_TEST(test_lldp_build_rejects_bad_fields)
{
    static uint8_t big[600];
    struct ofp_lldp good, bad;
    memset(&good, 0, sizeof good);
    good.chassis_id.data = big;
    good.chassis_id.len = 255;
    good.port_id.data = big;
    good.port_id.len = 255;
    good.n_orgs = OFP_LLDP_MAX_ORGS;
    good.orgs[0].oui = 0xffffff;
    good.orgs[0].value.data = big;
    good.orgs[0].value.len = OFP_LLDP_MAX_ORG_VALUE;
    good.system_name.data = big;
    good.system_name.len = 255;

    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &good), OFP_PACKET_OK);
    /* The longest of everything parses back. */
    struct ofp_lldp back;
    ck_assert_perr(ofp_lldp_parse(&back, out.data + 14, out.len - 14),
                   OFP_PACKET_OK);
    ck_assert_uint_eq(back.orgs[0].value.len, OFP_LLDP_MAX_ORG_VALUE);
    ck_assert_uint_eq(back.n_orgs, OFP_LLDP_MAX_ORGS);
    ofp_wbuf_clear(&out);

    bad = good;
    bad.chassis_id.len = 0;
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &bad),
                   OFP_PACKET_ERR_LLDP_CHASSIS);
    bad = good;
    bad.chassis_id.data = NULL;
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &bad),
                   OFP_PACKET_ERR_LLDP_CHASSIS);
    bad = good;
    bad.port_id.len = 256;
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &bad),
                   OFP_PACKET_ERR_LLDP_PORT);
    bad = good;
    bad.system_name.len = 256;
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &bad),
                   OFP_PACKET_ERR_LLDP_STRING);
    bad = good;
    bad.n_orgs = OFP_LLDP_MAX_ORGS + 1;
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &bad),
                   OFP_PACKET_ERR_LLDP_TOO_MANY);
    bad = good;
    bad.orgs[0].oui = 0x1000000;
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &bad), OFP_PACKET_ERR_LLDP_ORG);
    bad = good;
    bad.orgs[0].value.len = OFP_LLDP_MAX_ORG_VALUE + 1;
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &bad), OFP_PACKET_ERR_LLDP_ORG);
    bad = good;
    bad.orgs[1].value.len = 1;
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &bad), OFP_PACKET_ERR_LLDP_ORG);
    /* Nothing was written by the failed builds. */
    ck_assert_uint_eq(out.len, 0);
    ofp_wbuf_uninit(&out);
}
END_TEST

START_TEST(test_lldp_build_overflows_fixed_buffer)
{
    uint8_t store[40];
    struct ofp_lldp in;
    memset(&in, 0, sizeof in);
    in.chassis_id.data = mac_a;
    in.chassis_id.len = 6;
    in.port_id.data = mac_a;
    in.port_id.len = 6;

    struct ofp_wbuf out;
    ofp_wbuf_use_fixed(&out, store, sizeof store);
    ck_assert_perr(ofp_lldp_build(&out, mac_a, &in), OFP_PACKET_OK);
    ck_assert(out.overflow);
    ck_assert_uint_le(out.len, sizeof store);
}
END_TEST

/* ---- ARP builder ---- */

START_TEST(test_arp_build_request_exact_bytes)
{
    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    ofp_packet_build_arp(&out, OFP_ARP_OP_REQUEST, mac_b, 0x0a000001, NULL,
                         0x0a000002);
    size_t len;
    uint8_t *want = test_hex_fixture(arp_request_hex, &len);
    ck_assert_str_eq(test_hex(out.data, out.len), test_hex(want, len));
    free(want);
    ofp_wbuf_uninit(&out);
}
END_TEST

START_TEST(test_arp_build_reply_round_trip)
{
    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    ofp_packet_build_arp(&out, OFP_ARP_OP_REPLY, mac_a, 0xc0a80001, mac_b,
                         0xc0a80002);
    ck_assert_uint_eq(out.len, 60);
    struct ofp_packet pkt;
    ck_assert_perr(parse_checked(&pkt, out.data, out.len), OFP_PACKET_OK);
    ck_assert_mem_eq(pkt.eth_dst, mac_b, 6);
    ck_assert_mem_eq(pkt.eth_src, mac_a, 6);
    ck_assert_uint_eq(pkt.arp.op, OFP_ARP_OP_REPLY);
    ck_assert_mem_eq(pkt.arp.sha, mac_a, 6);
    ck_assert_uint_eq(pkt.arp.spa, 0xc0a80001);
    ck_assert_mem_eq(pkt.arp.tha, mac_b, 6);
    ck_assert_uint_eq(pkt.arp.tpa, 0xc0a80002);
    ofp_wbuf_uninit(&out);
}
END_TEST

/* ---- regressions found by test/fuzz/fuzz-packet.c ---- */

START_TEST(test_fuzz_snap_with_length_is_not_ethertype)
{
    struct ofp_packet pkt;
    /* SNAP whose "ethertype" is 0x0045, a length: no ethertype at all. */
    uint8_t *f = parse_ok(&pkt, ETH_HDR " 0024 aaaa03 000000 0045"
                                        " 0800001c 00000100 40010000");
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_NONE);
    ck_assert_uint_eq(pkt.l3_ofs, 14);
    ck_assert_int_eq(pkt.layer, OFP_PACKET_L2);
    free(f);
}
END_TEST

static Suite *
packet_suite(void)
{
    Suite *s = suite_create("ofp-packet");
    TCase *tc;

    tc = tcase_create("l2");
    tcase_add_test(tc, test_eth_unknown_type_stops_at_l2);
    tcase_add_test(tc, test_eth_runt_is_truncated);
    tcase_add_test(tc, test_qinq_88a8_8100);
    tcase_add_test(tc, test_vlan_9100_single_tag);
    tcase_add_test(tc, test_vlan_third_tag_is_too_deep);
    tcase_add_test(tc, test_vlan_tag_truncated);
    tcase_add_test(tc, test_8023_llc_has_no_ethertype);
    tcase_add_test(tc, test_8023_snap_carries_ethertype);
    tcase_add_test(tc, test_fuzz_snap_with_length_is_not_ethertype);
    suite_add_tcase(s, tc);

    tc = tcase_create("arp");
    tcase_add_test(tc, test_arp_reply_fields);
    tcase_add_test(tc, test_arp_request_fields);
    tcase_add_test(tc, test_arp_not_ethernet_ipv4);
    tcase_add_test(tc, test_arp_truncated);
    tcase_add_test(tc, test_arp_build_request_exact_bytes);
    tcase_add_test(tc, test_arp_build_reply_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase_create("ipv4");
    tcase_add_test(tc, test_ipv4_tcp_fields);
    tcase_add_test(tc, test_ipv4_options_udp);
    tcase_add_test(tc, test_ipv4_bad_ihl);
    tcase_add_test(tc, test_ipv4_ihl_past_total_length);
    tcase_add_test(tc, test_ipv4_options_past_frame);
    tcase_add_test(tc, test_ipv4_bad_version);
    tcase_add_test(tc, test_ipv4_cut_frame_still_parses_l4);
    tcase_add_test(tc, test_ipv4_first_fragment_parses_l4);
    tcase_add_test(tc, test_ipv4_later_fragment_has_no_l4);
    tcase_add_test(tc, test_ipv4_unknown_protocol_stops_at_l3);
    suite_add_tcase(s, tc);

    tc = tcase_create("l4");
    tcase_add_test(tc, test_tcp_data_offset_below_5);
    tcase_add_test(tc, test_tcp_data_offset_past_ip_packet);
    tcase_add_test(tc, test_tcp_options);
    tcase_add_test(tc, test_udp_bad_length);
    tcase_add_test(tc, test_udp_truncated);
    tcase_add_test(tc, test_sctp_ports);
    tcase_add_test(tc, test_icmp_truncated);
    tcase_add_test(tc, test_every_cut_of_ipv4_tcp);
    suite_add_tcase(s, tc);

    tc = tcase_create("ipv6");
    tcase_add_test(tc, test_ipv6_udp_fields);
    tcase_add_test(tc, test_ipv6_bad_version_and_truncated);
    tcase_add_test(tc, test_ipv6_payload_length_past_frame);
    tcase_add_test(tc, test_ipv6_payload_length_short_of_l4);
    tcase_add_test(tc, test_ipv6_each_extension_header);
    tcase_add_test(tc, test_ipv6_extension_chain);
    tcase_add_test(tc, test_ipv6_esp_stops);
    tcase_add_test(tc, test_ipv6_no_next_header);
    tcase_add_test(tc, test_ipv6_later_fragment_has_no_l4);
    tcase_add_test(tc, test_ipv6_exthdr_unsequenced);
    tcase_add_test(tc, test_ipv6_exthdr_repeated);
    tcase_add_test(tc, test_ipv6_exthdr_chain_limit);
    tcase_add_test(tc, test_ipv6_exthdr_runs_off_the_end);
    tcase_add_test(tc, test_every_cut_of_ipv6_chain);
    suite_add_tcase(s, tc);

    tc = tcase_create("nd");
    tcase_add_test(tc, test_nd_ns_with_sll);
    tcase_add_test(tc, test_nd_na_with_tll_after_other_option);
    tcase_add_test(tc, test_nd_option_length_zero);
    tcase_add_test(tc, test_nd_option_past_the_end);
    tcase_add_test(tc, test_nd_truncated_target);
    tcase_add_test(tc, test_nd_nonzero_code_is_plain_icmpv6);
    tcase_add_test(tc, test_icmpv6_echo_and_truncated);
    tcase_add_test(tc, test_every_cut_of_nd_na);
    suite_add_tcase(s, tc);

    tc = tcase_create("misc");
    tcase_add_test(tc, test_error_names);
    tcase_add_test(tc, test_corpus_frames);
    tcase_add_test(tc, test_parse_ignores_prior_contents);
    suite_add_tcase(s, tc);

    tc = tcase_create("lldp");
    tcase_add_test(tc, test_lldp_frame_fields);
    tcase_add_test(tc, test_lldp_padding_after_end_ignored);
    tcase_add_test(tc, test_lldp_missing_mandatory_tlv);
    tcase_add_test(tc, test_lldp_bad_tlv_order);
    tcase_add_test(tc, test_lldp_tlv_past_the_end);
    tcase_add_test(tc, test_lldp_bad_tlv_lengths);
    tcase_add_test(tc, test_lldp_many_org_tlvs);
    tcase_add_test(tc, test_lldp_build_exact_bytes);
    tcase_add_test(tc, test_lldp_build_parse_round_trip);
    tcase_add_test(tc, test_lldp_build_pads_short_frame);
    tcase_add_test(tc, test_lldp_build_rejects_bad_fields);
    tcase_add_test(tc, test_lldp_build_overflows_fixed_buffer);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    return test_run_suite(packet_suite());
}
