/* fuzz-packet: libFuzzer target for the packet parser and the LLDP codec.
 *
 * Parses the input as an Ethernet frame, then as an LLDP PDU (and the PDU
 * of an LLDP frame).  Beyond "never crash, never read out of bounds" it
 * checks the promises of ofp-packet.h and aborts when one is broken:
 * offsets in order and within the frame, every borrowed pointer inside the
 * input, deeper layers empty, and LLDP parse -> build -> parse giving the
 * same fields.  Built by `make fuzz-build`, run by `make fuzz`.
 */
#include <config.h>
#include "ofproto/ofp-packet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ofproto/ofp-buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned int sink;

#define CHECK(COND)                                                           \
    do {                                                                      \
        if (!(COND)) {                                                        \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__,          \
                    __LINE__, #COND);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* Checks that 'n' bytes at 'p' lie in [base, base + size) and reads them,
 * so that ASan sees a bad pointer even when the check is wrong. */
static void
check_range(const uint8_t *base, size_t size, const uint8_t *p, size_t n)
{
    CHECK(p != NULL);
    CHECK(p >= base && (size_t) (p - base) <= size &&
          n <= size - (size_t) (p - base));
    unsigned int sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += p[i];
    }
    sink += sum;
}

static void
check_packet(const struct ofp_packet *pkt, enum ofp_packet_error error,
             const uint8_t *data, size_t size)
{
    CHECK(strcmp(ofp_packet_error_name(error), "UNKNOWN"));
    CHECK(pkt->frame == data);
    CHECK(pkt->len == size);
    CHECK(pkt->end <= pkt->len);
    CHECK(pkt->payload_ofs <= pkt->end);
    CHECK(pkt->layer <= OFP_PACKET_L4);
    CHECK(error != OFP_PACKET_OK || pkt->layer >= OFP_PACKET_L2);

    if (pkt->layer == OFP_PACKET_NONE) {
        CHECK(error != OFP_PACKET_OK);
        CHECK(!pkt->eth_dst && !pkt->n_vlans && !pkt->eth_type);
        return;
    }
    check_range(data, size, pkt->eth_dst, 6);
    check_range(data, size, pkt->eth_src, 6);
    CHECK(pkt->n_vlans <= OFP_PACKET_MAX_VLANS);
    for (size_t i = 0; i < pkt->n_vlans; i++) {
        CHECK(pkt->vlans[i].vid <= 0xfff && pkt->vlans[i].pcp <= 7);
    }
    CHECK(pkt->eth_type >= 0x0600 || pkt->eth_type == OFP_ETH_TYPE_NONE);
    CHECK(pkt->l3_ofs >= 14 && pkt->l3_ofs <= pkt->payload_ofs);

    if (pkt->layer == OFP_PACKET_L2) {
        CHECK(pkt->payload_ofs == pkt->l3_ofs);
        CHECK(!pkt->arp.sha && !pkt->ipv6.src && !pkt->ip.proto &&
              !pkt->ipv4.src && !pkt->l4_ofs);
        CHECK(!pkt->tp_src && !pkt->icmp.type && !pkt->nd.target);
        return;
    }
    CHECK(pkt->l3_ofs <= pkt->l4_ofs && pkt->l4_ofs <= pkt->payload_ofs);
    switch (pkt->eth_type) {
    case OFP_ETH_TYPE_ARP:
        check_range(data, size, pkt->arp.sha, 6);
        check_range(data, size, pkt->arp.tha, 6);
        CHECK(pkt->l4_ofs == pkt->l3_ofs + 28 && pkt->end == pkt->l4_ofs);
        break;
    case OFP_ETH_TYPE_IPV4:
        CHECK(pkt->ipv4.ihl >= 5);
        CHECK(pkt->l4_ofs == pkt->l3_ofs + pkt->ipv4.ihl * 4u);
        CHECK(pkt->ipv4.total_len >= pkt->ipv4.ihl * 4u);
        CHECK(pkt->ip.dscp <= 63 && pkt->ip.ecn <= 3);
        break;
    case OFP_ETH_TYPE_IPV6:
        check_range(data, size, pkt->ipv6.src, 16);
        check_range(data, size, pkt->ipv6.dst, 16);
        CHECK(pkt->ipv6.flow_label <= 0xfffff);
        CHECK(pkt->ipv6.n_exthdrs <= OFP_PACKET_MAX_EXTHDRS);
        CHECK(pkt->l4_ofs >= pkt->l3_ofs + 40);
        break;
    default:
        CHECK(0);
    }
    if ((pkt->ip.frag & OFP_PACKET_FRAG_LATER)) {
        CHECK(pkt->layer == OFP_PACKET_L3);
    }

    if (pkt->layer == OFP_PACKET_L3) {
        CHECK(pkt->payload_ofs == pkt->l4_ofs);
        CHECK(!pkt->tp_src && !pkt->tp_dst && !pkt->icmp.type &&
              !pkt->nd.target && !pkt->tcp.doff && !pkt->udp_len);
        return;
    }
    CHECK(error == OFP_PACKET_OK);
    switch (pkt->ip.proto) {
    case OFP_IPPROTO_TCP:
        CHECK(pkt->tcp.doff >= 5);
        CHECK(pkt->payload_ofs == pkt->l4_ofs + pkt->tcp.doff * 4u);
        break;
    case OFP_IPPROTO_UDP:
        CHECK(pkt->udp_len >= 8 && pkt->payload_ofs == pkt->l4_ofs + 8);
        break;
    case OFP_IPPROTO_SCTP:
        CHECK(pkt->payload_ofs == pkt->l4_ofs + 12);
        break;
    case OFP_IPPROTO_ICMP:
        CHECK(pkt->eth_type == OFP_ETH_TYPE_IPV4);
        CHECK(pkt->payload_ofs == pkt->l4_ofs + 8);
        break;
    case OFP_IPPROTO_ICMPV6:
        CHECK(pkt->eth_type == OFP_ETH_TYPE_IPV6);
        if (pkt->nd.target) {
            check_range(data, size, pkt->nd.target, 16);
            CHECK(pkt->payload_ofs == pkt->l4_ofs + 24);
        } else {
            CHECK(pkt->payload_ofs == pkt->l4_ofs + 8);
        }
        if (pkt->nd.sll) {
            check_range(data, size, pkt->nd.sll, 6);
        }
        if (pkt->nd.tll) {
            check_range(data, size, pkt->nd.tll, 6);
        }
        break;
    default:
        CHECK(0);
    }
}

static void
check_bytes(const uint8_t *base, size_t size, const struct ofp_lldp_bytes *b,
            size_t max)
{
    if (b->data) {
        CHECK(b->len <= max);
        check_range(base, size, b->data, b->len);
    }
}

static bool
same_bytes(const struct ofp_lldp_bytes *a, const struct ofp_lldp_bytes *b)
{
    return (!a->data == !b->data && a->len == b->len &&
            (!a->len || !memcmp(a->data, b->data, a->len)));
}

/* Checks an LLDP parse of 'size' bytes at 'pdu', and that a good one
 * builds and parses back to the same fields. */
static void
check_lldp(const uint8_t *pdu, size_t size)
{
    struct ofp_lldp lldp;
    enum ofp_packet_error error = ofp_lldp_parse(&lldp, pdu, size);

    CHECK(strcmp(ofp_packet_error_name(error), "UNKNOWN"));
    CHECK(lldp.n_orgs <= OFP_LLDP_MAX_ORGS);
    check_bytes(pdu, size, &lldp.chassis_id, OFP_LLDP_MAX_STR);
    check_bytes(pdu, size, &lldp.port_id, OFP_LLDP_MAX_STR);
    check_bytes(pdu, size, &lldp.system_name, OFP_LLDP_MAX_STR);
    check_bytes(pdu, size, &lldp.port_desc, OFP_LLDP_MAX_STR);
    check_bytes(pdu, size, &lldp.system_desc, OFP_LLDP_MAX_STR);
    for (size_t i = 0; i < lldp.n_orgs; i++) {
        CHECK(lldp.orgs[i].oui <= 0xffffff);
        check_bytes(pdu, size, &lldp.orgs[i].value, OFP_LLDP_MAX_ORG_VALUE);
    }
    if (error) {
        return;
    }
    CHECK(lldp.chassis_id.data && lldp.chassis_id.len >= 1);
    CHECK(lldp.port_id.data && lldp.port_id.len >= 1);

    static const uint8_t src[6] = {2, 0, 0, 0, 0, 1};
    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    CHECK(ofp_lldp_build(&out, src, &lldp) == OFP_PACKET_OK);
    CHECK(!out.overflow && out.len >= 60);

    uint8_t *frame = malloc(out.len);
    CHECK(frame != NULL);
    memcpy(frame, out.data, out.len);
    struct ofp_packet pkt;
    CHECK(ofp_packet_parse(&pkt, frame, out.len) == OFP_PACKET_OK);
    CHECK(pkt.eth_type == OFP_ETH_TYPE_LLDP && pkt.l3_ofs == 14);

    struct ofp_lldp back;
    CHECK(ofp_lldp_parse(&back, frame + 14, out.len - 14) == OFP_PACKET_OK);
    CHECK(back.chassis_subtype == lldp.chassis_subtype);
    CHECK(back.port_subtype == lldp.port_subtype);
    CHECK(back.ttl == lldp.ttl);
    CHECK(same_bytes(&back.chassis_id, &lldp.chassis_id));
    CHECK(same_bytes(&back.port_id, &lldp.port_id));
    CHECK(same_bytes(&back.system_name, &lldp.system_name));
    CHECK(same_bytes(&back.port_desc, &lldp.port_desc));
    CHECK(same_bytes(&back.system_desc, &lldp.system_desc));
    CHECK(back.n_orgs == lldp.n_orgs && !back.orgs_dropped);
    for (size_t i = 0; i < lldp.n_orgs; i++) {
        CHECK(back.orgs[i].oui == lldp.orgs[i].oui);
        CHECK(back.orgs[i].subtype == lldp.orgs[i].subtype);
        CHECK(same_bytes(&back.orgs[i].value, &lldp.orgs[i].value));
    }
    free(frame);
    ofp_wbuf_uninit(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ofp_packet pkt;
    enum ofp_packet_error error = ofp_packet_parse(&pkt, data, size);

    check_packet(&pkt, error, data, size);

    /* In two halves, as the controller parses for L2-only apps: the
     * same result, byte for byte. */
    struct ofp_packet half;
    enum ofp_packet_error l2_error = ofp_packet_parse_l2(&half, data, size);
    CHECK(pkt.layer == OFP_PACKET_NONE ? l2_error == error
                                       : !l2_error && half.layer == OFP_PACKET_L2);
    CHECK(ofp_packet_parse_rest(&half) == (l2_error ? OFP_PACKET_OK : error));
    CHECK(memcmp(&half, &pkt, sizeof half) == 0);

    if (pkt.layer >= OFP_PACKET_L2 && pkt.eth_type == OFP_ETH_TYPE_LLDP) {
        check_lldp(data + pkt.l3_ofs, pkt.end - pkt.l3_ofs);
    }
    check_lldp(data, size);
    return 0;
}
