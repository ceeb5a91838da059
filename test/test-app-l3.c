/* test-app-l3: apps/l3_routing.so in the fake host (test/app-harness.h).
 *
 * Two subnets (net1 on s1:1 and s1:2, net2 on s3:1 and s3:3) behind the
 * router on a line of three switches, plus static routes to a third
 * subnet.  Config refusals (one test per malformed section, each naming
 * its culprit); the control and route flows, the same on every switch;
 * a routed frame traced through the pipeline and the route flow's
 * rewrite; ARP replies, NAs and echo replies parsed field by field with
 * their checksums; resolution (queue, ARP/NS request, the queued packet
 * re-sent rewritten, the host route), the queue's bound, retries and the
 * give-up, stale neighbours probed and forgotten; TTL and no-route drops;
 * static routes via resolved next hops; VLAN interfaces (two flows per
 * route, tagged replies through the pipeline); REST, metrics,
 * reconfiguration and malformed packet-ins. */
#include <config.h>

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test/app-harness.h"
#include "test/test-util.h"

/* The default pipeline (DESIGN.md): the harness's table ids. */
#define T_VLAN 0
#define T_ACL 1
#define T_L3 2
#define T_L2 3
#define NOVLAN SL_HOST_NO_VLAN

#define RMAC "02:5c:00:00:00:01"
#define H1 "00:00:00:00:01:0a" /* 10.0.1.10, 2001:db8:1::a at s1:1 */
#define H2 "00:00:00:00:02:14" /* 10.0.2.20, 2001:db8:2::14 at s3:1 */
#define NH "00:00:00:00:02:fe" /* 10.0.2.254, 2001:db8:2::fe at s3:3 */

#define BASE_IFACES                                                           \
    "interfaces: ["                                                           \
    " {name: net1, ports: [\"1:1\", \"0x1:2\"], ipv4: 10.0.1.1/24,"           \
    "  ipv6: \"2001:db8:1::1/64\"},"                                          \
    " {name: net2, ports: [\"3:1\", \"3:3\"], ipv4: 10.0.2.1/24,"             \
    "  ipv6: \"2001:db8:2::1/64\"}]"
#define BASE_ROUTES                                                           \
    "routes: [{prefix: 10.0.3.0/24, next_hop: 10.0.2.254},"                   \
    " {prefix: \"2001:db8:3::/64\", next_hop: \"2001:db8:2::fe\"}]"
#define BASE                                                                  \
    "{router_mac: \"" RMAC                                                    \
    "\", arp_timeout: 300, max_pending: 8, " BASE_IFACES ", " BASE_ROUTES "}"
/* Flows per switch with BASE: 8 gateway flows, ARP and NA to the router
 * MAC, 4 connected and 2 static routes. */
#define BASE_FLOWS 16

static struct ah *ah;

static void
teardown(void)
{
    if (ah) {
        ah_free(ah);
        ah = NULL;
    }
}

/* Every flow the app stated was valid (the harness checks them as the
 * flow programmer does, and the app logs a refusal). */
static void
assert_flows_valid(void)
{
    ck_assert(!ah_log_contains(ah, "flow_add"));
    ck_assert(!ah_log_contains(ah, "flow_del"));
    ck_assert(!ah_log_contains(ah, "app-harness:"));
}

static struct ah *
start(const char *yaml)
{
    int error = -1;
    struct ah *a = ah_new("l3_routing", yaml, &error);

    ck_assert_msg(a != NULL, "init failed (%d): %s", error, ah_last_log());
    return a;
}

/* s1 - s2 - s3, 4 ports each: s1:4 <-> s2:1, s2:2 <-> s3:2. */
static void
net3(void)
{
    for (uint64_t d = 1; d <= 3; d++) {
        ah_switch_add(ah, d, 4);
    }
    ah_cable_add(ah, 1, 4, 2, 1);
    ah_cable_add(ah, 2, 2, 3, 2);
    for (uint64_t d = 1; d <= 3; d++) {
        ah_emit_switch_up(ah, d);
    }
}

/* BASE on net3, once the start-up's requests for the (silent) static
 * next hops have given up (3.5 s later), with the records cleared. */
static void
base(void)
{
    ah = start(BASE);
    net3();
    ah_advance(ah, 3.5);
    ah_clear_packet_outs(ah);
    ah_reset_counts(ah);
}

static enum sl_verdict
pin(uint64_t dpid, uint32_t port, const uint8_t *frame, size_t len)
{
    return ah_emit_packet_in(ah, dpid, port, T_L3, frame, len);
}

static double
metric(const char *name, const char *labels)
{
    return ah_metric(ah, name, labels);
}

/* ---- checking frames ---- */

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t) p[i] << 8 | p[i + 1];
    }
    if (n & 1) {
        sum += (uint32_t) p[n - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

static void
parse(struct ofp_packet *pkt, const uint8_t *data, size_t len)
{
    enum ofp_packet_error e = ofp_packet_parse(pkt, data, len);

    ck_assert_msg(e == OFP_PACKET_OK, "frame does not parse: %s (%s)",
                  ofp_packet_error_name(e), test_hex(data, len));
}

static void
assert_mac(const uint8_t *got, const char *want)
{
    uint8_t m[6];

    ah_mac(want, m);
    ck_assert_msg(!memcmp(got, m, 6),
                  "MAC %02x:%02x:%02x:%02x:%02x:%02x, "
                  "want %s",
                  got[0], got[1], got[2], got[3], got[4], got[5], want);
}

static void
assert_ip6(const uint8_t *got, const char *want)
{
    uint8_t a[16];
    char s[INET6_ADDRSTRLEN];

    ah_ipv6(want, a);
    inet_ntop(AF_INET6, got, s, sizeof s);
    ck_assert_msg(!memcmp(got, a, 16), "IPv6 %s, want %s", s, want);
}

/* The IPv4 header checksum of 'pkt' is right. */
static void
assert_ip4_csum(const struct ofp_packet *pkt)
{
    ck_assert_uint_eq(sum16(pkt->frame + pkt->l3_ofs, pkt->ipv4.ihl * 4u, 0),
                      0xffff);
}

/* The ICMPv6 checksum of 'pkt' is right. */
static void
assert_icmp6_csum(const struct ofp_packet *pkt)
{
    const uint8_t *ip = pkt->frame + pkt->l3_ofs;
    size_t len = pkt->end - pkt->l4_ofs;
    uint32_t sum = sum16(ip + 8, 32, 0);

    sum += (uint32_t) len + OFP_IPPROTO_ICMPV6;
    ck_assert_uint_eq(sum16(pkt->frame + pkt->l4_ofs, len, sum), 0xffff);
}

/* The only packet-out since the last clear. */
static const struct ah_packet_out *
one_po(void)
{
    size_t n;
    const struct ah_packet_out *po = ah_packet_outs(ah, &n);

    ck_assert_uint_eq(n, 1);
    return po;
}

static uint32_t
po_port(const struct ah_packet_out *po)
{
    uint32_t ports[4];

    ck_assert_uint_eq(ah_packet_out_ports(po, ports, 4), 1);
    return ports[0];
}

/* ---- building packet-ins ---- */

/* 'mac'/'ip' ARPs for 'gw' on dpid:port. */
static enum sl_verdict
arp_req(uint64_t dpid, uint32_t port, uint16_t vlan, const char *mac,
        const char *ip, const char *gw)
{
    uint8_t f[1514];
    size_t n = ah_frame_arp(f, vlan, OFP_ARP_OP_REQUEST, mac, ip, NULL, gw);

    return pin(dpid, port, f, n);
}

/* 'mac'/'ip' answers the router's ARP request. */
static enum sl_verdict
arp_rep(uint64_t dpid, uint32_t port, const char *mac, const char *ip,
        const char *gw)
{
    uint8_t f[1514];
    size_t n = ah_frame_arp(f, NOVLAN, OFP_ARP_OP_REPLY, mac, ip, RMAC, gw);

    return pin(dpid, port, f, n);
}

/* Learns H1 (s1:1) and H2 (s3:1) by their ARP requests for the gateways. */
static void
learn_hosts(void)
{
    arp_req(1, 1, NOVLAN, H1, "10.0.1.10", "10.0.1.1");
    arp_req(3, 1, NOVLAN, H2, "10.0.2.20", "10.0.2.1");
    ah_advance(ah, 0.01);
    ah_clear_packet_outs(ah);
}

/* A UDP packet from H1 to 'dst' through the router (its 'sport' tells
 * packets apart), as it reaches table l3. */
static size_t
udp_to(uint8_t *f, const char *dst, uint16_t sport)
{
    return ah_frame_udp4(f, RMAC, H1, NOVLAN, "10.0.1.10", dst, sport, 53);
}

/* ---- flows ---- */

static const struct sl_flow_spec *
flow(uint64_t dpid, uint16_t prio, const char *match)
{
    struct ah_match m;

    return ah_flow_get(ah, dpid, T_L3, prio, ah_match(&m, match));
}

static const struct ofp_action_list *
apply_actions(const struct sl_flow_spec *f)
{
    for (size_t i = 0; i < f->instructions.n; i++) {
        if (f->instructions.instructions[i].type == OFPIT_APPLY_ACTIONS) {
            return &f->instructions.instructions[i].actions;
        }
    }
    ck_abort_msg("no apply-actions");
    return NULL;
}

static int
goto_table(const struct sl_flow_spec *f)
{
    for (size_t i = 0; i < f->instructions.n; i++) {
        if (f->instructions.instructions[i].type == OFPIT_GOTO_TABLE) {
            return f->instructions.instructions[i].table_id;
        }
    }
    return -1;
}

/* The flow only sends to the controller, whole frames. */
static void
assert_to_controller(const struct sl_flow_spec *f)
{
    const struct ofp_action_list *a;

    ck_assert_ptr_nonnull(f);
    a = apply_actions(f);
    ck_assert_uint_eq(f->instructions.n, 1);
    ck_assert_uint_eq(a->n, 1);
    ck_assert_uint_eq(a->actions[0].type, OFPAT_OUTPUT);
    ck_assert_uint_eq(a->actions[0].output.port, OFPP_CONTROLLER);
    ck_assert_uint_eq(a->actions[0].output.max_len, OFPCML_NO_BUFFER);
}

/* Writes the action list of 'f' as text: "pop,vid=0x100a,src=..,dst=..,
 * dec,goto=3". */
static const char *
actions_text(const struct sl_flow_spec *f)
{
    static char buf[512];
    const struct ofp_action_list *a = apply_actions(f);
    size_t n = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < a->n; i++) {
        const struct ofp_action *x = &a->actions[i];
        const uint8_t *m = x->set_field.value.mac;
        const char *sep = i ? "," : "";
        switch (x->type) {
        case OFPAT_POP_VLAN:
            n += (size_t) snprintf(buf + n, sizeof buf - n, "%spop", sep);
            break;
        case OFPAT_PUSH_VLAN:
            n += (size_t) snprintf(buf + n, sizeof buf - n, "%spush=%#x", sep,
                                   x->ethertype);
            break;
        case OFPAT_DEC_NW_TTL:
            n += (size_t) snprintf(buf + n, sizeof buf - n, "%sdec", sep);
            break;
        case OFPAT_SET_FIELD:
            if (x->set_field.field == OFPXMT_OFB_VLAN_VID) {
                n += (size_t) snprintf(buf + n, sizeof buf - n, "%svid=%#x",
                                       sep, x->set_field.value.u16);
            } else {
                n += (size_t) snprintf(
                    buf + n, sizeof buf - n,
                    "%s%s=%02x:%02x:%02x:%02x:%02x:%02x", sep,
                    x->set_field.field == OFPXMT_OFB_ETH_SRC ? "src" : "dst",
                    m[0], m[1], m[2], m[3], m[4], m[5]);
            }
            break;
        default:
            n += (size_t) snprintf(buf + n, sizeof buf - n, "%s?%u", sep,
                                   x->type);
        }
    }
    snprintf(buf + n, sizeof buf - n, ",goto=%d", goto_table(f));
    return buf;
}

/* ====================================================================== */
/* Config. */

static const struct {
    const char *yaml;
    const char *log; /* in the refusal */
} bad_configs[] = {
    {"[1, 2]", "not a mapping"},
    {"{colour: red}", "unknown key 'colour'"},
    {"{router_mac: \"01:00:00:00:00:01\"}", "router_mac"},
    {"{router_mac: nope}", "router_mac"},
    {"{arp_timeout: 0}", "arp_timeout"},
    {"{arp_timeout: \"300\"}", "arp_timeout"},
    {"{arp_timeout: -3}", "arp_timeout"},
    {"{max_pending: 70000}", "max_pending"},
    {"{max_pending: [1]}", "max_pending"},
    {"{interfaces: {name: x}}", "interfaces: want a list"},
    {"{interfaces: [7]}", "interfaces[0]: not a mapping"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1/24, "
     "speed: 10}]}",
     "unknown key 'speed'"},
    {"{interfaces: [{name: \"a b\", ports: [\"1:1\"], "
     "ipv4: 10.0.0.1/24}]}",
     "name 'a b'"},
    {"{interfaces: [{name: abcdefghijabcdefghijabcdefghijabc, "
     "ports: [\"1:1\"], ipv4: 10.0.0.1/24}]}",
     "want 1..31"},
    {"{interfaces: [{ports: [\"1:1\"], ipv4: 10.0.0.1/24}]}", "name missing"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1/24},"
     " {name: a, ports: [\"1:2\"], ipv4: 10.0.1.1/24}]}",
     "interface 'a': name used twice"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], vlan: 10, "
     "ipv4: 10.0.0.1/24}]}",
     "'a': want exactly one of 'ports' and 'vlan'"},
    {"{interfaces: [{name: a, ipv4: 10.0.0.1/24}]}",
     "want exactly one of 'ports' and 'vlan'"},
    {"{interfaces: [{name: a, ports: [], ipv4: 10.0.0.1/24}]}",
     "ports: empty"},
    {"{interfaces: [{name: a, ports: [\"1:1\"]}]}", "want 'ipv4' or"},
    {"{interfaces: [{name: a, ports: \"1:1\", ipv4: 10.0.0.1/24}]}",
     "ports: want a list"},
    {"{interfaces: [{name: a, ports: [\"1\"], ipv4: 10.0.0.1/24}]}",
     "'1' is not \"dpid:port\""},
    {"{interfaces: [{name: a, ports: [\"0:1\"], ipv4: 10.0.0.1/24}]}",
     "bad datapath id"},
    {"{interfaces: [{name: a, ports: [\"x:1\"], ipv4: 10.0.0.1/24}]}",
     "bad datapath id"},
    {"{interfaces: [{name: a, ports: [\"1:0\"], ipv4: 10.0.0.1/24}]}",
     "bad port number"},
    {"{interfaces: [{name: a, ports: [\"1:0xffffff01\"], "
     "ipv4: 10.0.0.1/24}]}",
     "bad port number"},
    {"{interfaces: [{name: a, ports: [\"1:1\", \"0x1:1\"], "
     "ipv4: 10.0.0.1/24}]}",
     "listed twice"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1/24},"
     " {name: b, ports: [\"1:1\"], ipv4: 10.0.1.1/24}]}",
     "interface 'b': port 1:1 is interface 'a''s"},
    {"{interfaces: [{name: a, vlan: 0, ipv4: 10.0.0.1/24}]}",
     "vlan: want 1..4094"},
    {"{interfaces: [{name: a, vlan: 4095, ipv4: 10.0.0.1/24}]}",
     "vlan: want 1..4094"},
    {"{interfaces: [{name: a, vlan: 10, ipv4: 10.0.0.1/24},"
     " {name: b, vlan: 10, ipv4: 10.0.1.1/24}]}",
     "vlan 10 is interface"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.0/24}]}",
     "the gateway is the subnet's network address"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.255/24}]}",
     "the gateway is the subnet's broadcast address"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1/32}]}",
     "prefix length 1..31"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1}]}",
     "is not ADDRESS/LENGTH"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1/33}]}",
     "prefix length above 32"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1/2x}]}",
     "bad prefix length"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.300/24}]}",
     "not an IPv4 or IPv6 address"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 224.0.0.1/24}]}",
     "not a unicast address"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], "
     "ipv4: \"2001:db8::1/64\"}]}",
     "ipv4: '2001:db8::1/64' is not an IPv4"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], "
     "ipv6: \"2001:db8::/64\"}]}",
     "subnet-router anycast"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv6: \"ff02::1/64\"}]}",
     "not a unicast address"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], "
     "ipv6: \"2001:db8::1/128\"}]}",
     "prefix length 1..127"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1/24},"
     " {name: b, ports: [\"1:2\"], ipv4: 10.0.0.129/25}]}",
     "interface 'b': its subnet overlaps interface 'a''s"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv6: \"2001:db8::1/48\"},"
     " {name: b, ports: [\"1:2\"], ipv6: \"2001:db8:0:1::1/64\"}]}",
     "overlaps"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1/24, "
     "mac: \"03:00:00:00:00:01\"}]}",
     "mac: '03:00:00:00:00:01'"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1/24, "
     "mac: \"00:00:00:00:00:00\"}]}",
     "mac:"},
    {"{interfaces: [{name: a, ports: [\"1:1\"], ipv4: 10.0.0.1/24, "
     "mac: \"00:11:22:33:44\"}]}",
     "mac:"},
    {"{" BASE_IFACES ", routes: [{prefix: 10.0.3.1/24, "
     "next_hop: 10.0.2.254}]}",
     "routes[0]: prefix: '10.0.3.1/24' has host bits set (did you mean "
     "10.0.3.0/24?)"},
    {"{" BASE_IFACES ", routes: [{prefix: \"2001:db8:3::1/64\", "
     "next_hop: \"2001:db8:2::fe\"}]}",
     "did you mean 2001:db8:3::/64?"},
    {"{" BASE_IFACES ", routes: [{prefix: 10.0.3.0/24, "
     "next_hop: 10.0.9.1}]}",
     "route 10.0.3.0/24: next hop 10.0.9.1 is not inside any interface"},
    {"{" BASE_IFACES ", routes: [{prefix: 10.0.3.0/24, "
     "next_hop: 10.0.2.1}]}",
     "gateway, network or broadcast"},
    {"{" BASE_IFACES ", routes: [{prefix: 10.0.3.0/24, "
     "next_hop: 10.0.2.255}]}",
     "gateway, network or broadcast"},
    {"{" BASE_IFACES ", routes: [{prefix: 10.0.2.0/24, "
     "next_hop: 10.0.1.254}]}",
     "is interface 'net2''s connected subnet"},
    {"{" BASE_IFACES ", routes: [{prefix: 10.0.3.0/24, next_hop: "
     "10.0.2.254}, {prefix: 10.0.3.0/24, next_hop: 10.0.1.254}]}",
     "prefix routed twice"},
    {"{" BASE_IFACES ", routes: [{prefix: 10.0.3.0/24}]}",
     "routes[0]: want both prefix and next_hop"},
    {"{" BASE_IFACES ", routes: [{prefix: 10.0.3.0/24, "
     "next_hop: \"2001:db8:2::fe\"}]}",
     "not of the prefix's family"},
    {"{" BASE_IFACES ", routes: [{prefix: 10.0.3.0/24, next_hop: x}]}",
     "next_hop: 'x' is not an IPv4 or IPv6 address"},
    {"{" BASE_IFACES ", routes: [{prefix: 10.0.3.0/24, "
     "next_hop: 10.0.2.254, metric: 3}]}",
     "unknown key 'metric'"},
    {"{" BASE_IFACES ", routes: [[10.0.3.0/24, 10.0.2.254]]}",
     "routes[0]: not a mapping"},
    {"{" BASE_IFACES ", routes: 7}", "routes: want a list"},
};

START_TEST(config_refused)
{
    int error = 0;
    struct ah *a = ah_new("l3_routing", bad_configs[_i].yaml, &error);

    ck_assert_msg(a == NULL, "accepted: %s", bad_configs[_i].yaml);
    ck_assert_int_eq(error, EINVAL);
    ck_assert_msg(strstr(ah_last_log(), bad_configs[_i].log),
                  "config %s: log '%s' lacks '%s'", bad_configs[_i].yaml,
                  ah_last_log(), bad_configs[_i].log);
}
END_TEST

START_TEST(config_accepted)
{
    char *reply = NULL;

    /* No section at all, and an empty one: a router with nothing. */
    ah = start(NULL);
    net3();
    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 0);
    teardown();
    ah = start("{}");
    teardown();

    /* Nulls, 0x dpids, a /31, defaults. */
    ah = start("{interfaces: [{name: p2p, ports: [\"0x10:0x2\"], "
               "ipv4: 10.9.9.0/31, ipv6: null, mac: ~}], routes: null}");
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/interfaces", NULL, &reply),
                     200);
    ck_assert_str_eq(reply, "[{\"name\":\"p2p\",\"ports\":[\"16:2\"],"
                            "\"ipv4\":\"10.9.9.0/31\",\"ipv6\":null,"
                            "\"mac\":\"02:5c:00:00:00:01\"}]");
    free(reply);
    teardown();

    ah = start(BASE);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/interfaces", NULL, &reply),
                     200);
    ck_assert_ptr_nonnull(strstr(reply, "\"ports\":[\"1:1\",\"1:2\"]"));
    free(reply);
}
END_TEST

/* ====================================================================== */
/* Flows. */

START_TEST(flows_on_every_switch)
{
    base();
    for (uint64_t d = 1; d <= 3; d++) {
        ck_assert_uint_eq(ah_flow_count(ah, d, T_L3), BASE_FLOWS);
        ck_assert_uint_eq(ah_flow_count(ah, d, -1), BASE_FLOWS);
        assert_to_controller(
            flow(d, 40000, "eth_type=0x0806,arp_op=1,arp_tpa=10.0.1.1"));
        assert_to_controller(
            flow(d, 40000, "eth_type=0x0806,arp_op=1,arp_tpa=10.0.2.1"));
        assert_to_controller(flow(d, 40000, "eth_type=0x0806,eth_dst=" RMAC));
        assert_to_controller(
            flow(d, 40000, "eth_type=0x0800,ipv4_dst=10.0.2.1"));
        assert_to_controller(
            flow(d, 40000,
                 "eth_type=0x86dd,ip_proto=58,icmpv6_type=135,"
                 "ipv6_nd_target=2001:db8:1::1"));
        assert_to_controller(
            flow(d, 40000,
                 "eth_type=0x86dd,ip_proto=58,icmpv6_type=136,"
                 "eth_dst=" RMAC));
        assert_to_controller(
            flow(d, 40000, "eth_type=0x86dd,ipv6_dst=2001:db8:2::1"));
        /* Connected subnets and unresolved static routes: controller. */
        assert_to_controller(flow(d, 1024,
                                  "eth_type=0x0800,ipv4_dst=10.0.1.0/24,"
                                  "eth_dst=" RMAC));
        assert_to_controller(flow(d, 1024,
                                  "eth_type=0x0800,ipv4_dst=10.0.3.0/24,"
                                  "eth_dst=" RMAC));
        assert_to_controller(flow(d, 1064,
                                  "eth_type=0x86dd,ipv6_dst=2001:db8:2::/64,"
                                  "eth_dst=" RMAC));
        assert_to_controller(flow(d, 1064,
                                  "eth_type=0x86dd,ipv6_dst=2001:db8:3::/64,"
                                  "eth_dst=" RMAC));
    }

    /* A fourth switch gets them all at once. */
    ah_switch_add(ah, 4, 2);
    ah_emit_switch_up(ah, 4);
    ck_assert_uint_eq(ah_flow_count(ah, 4, T_L3), BASE_FLOWS);
    /* Switch down deletes nothing; up again re-states identically. */
    ah_reset_counts(ah);
    ah_emit_switch_down(ah, 2);
    ck_assert_uint_eq(ah_counts(ah).flow_dels, 0);
    ck_assert_uint_eq(ah_counts(ah).flow_del_alls, 0);
    ah_emit_switch_up(ah, 2);
    ck_assert_uint_eq(ah_flow_count(ah, 2, T_L3), BASE_FLOWS);
    assert_flows_valid();
}
END_TEST

START_TEST(flows_per_router_mac)
{
    /* Two interfaces with their own MACs: route flows for each. */
    ah = start("{interfaces: ["
               " {name: a, ports: [\"1:1\"], ipv4: 10.0.1.1/24,"
               "  mac: \"02:00:00:00:00:0a\"},"
               " {name: b, ports: [\"1:2\"], ipv4: 10.0.2.1/24,"
               "  mac: \"02:00:00:00:00:0b\"}]}");
    ah_switch_add(ah, 1, 2);
    ah_emit_switch_up(ah, 1);
    /* 2 x (ARP, IP) to the gateways, 2 ARP-to-MAC, 2 subnets x 2 MACs. */
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L3), 10);
    assert_to_controller(flow(1, 1024,
                              "eth_type=0x0800,ipv4_dst=10.0.2.0/24,"
                              "eth_dst=02:00:00:00:00:0a"));
    assert_to_controller(flow(1, 1024,
                              "eth_type=0x0800,ipv4_dst=10.0.2.0/24,"
                              "eth_dst=02:00:00:00:00:0b"));

    /* A host route rewrites eth_src to the egress interface's MAC. */
    arp_req(1, 2, NOVLAN, H2, "10.0.2.20", "10.0.2.1");
    ah_advance(ah, 0.01);
    const struct sl_flow_spec *f = flow(1, 1032,
                                        "eth_type=0x0800,ipv4_dst="
                                        "10.0.2.20,eth_dst="
                                        "02:00:00:00:00:0a");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(actions_text(f),
                     "src=02:00:00:00:00:0b,dst=" H2 ",dec,goto=3");
    assert_flows_valid();
}
END_TEST

START_TEST(routed_frame_traced)
{
    struct ah_trace t;
    uint8_t f[1514];
    size_t n;

    base();
    learn_hosts();
    /* Host routes on every switch, rewriting toward the host. */
    for (uint64_t d = 1; d <= 3; d++) {
        const struct sl_flow_spec *r = flow(d, 1032,
                                            "eth_type=0x0800,"
                                            "ipv4_dst=10.0.2.20,"
                                            "eth_dst=" RMAC);
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(actions_text(r),
                         "src=" RMAC ",dst=" H2 ",dec,goto=3");
        ck_assert_uint_eq(ah_flow_count(ah, d, T_L3), BASE_FLOWS + 2);
    }

    /* H1 -> H2 through s1: vlan, acl, l3 (the host route), l2 (whose miss
     * is the controller: l2's flows are another app's). */
    n = ah_frame_icmp4(f, RMAC, H1, NOVLAN, "10.0.1.10", "10.0.2.20", 64, 8,
                       0);
    ah_trace(ah, 1, 1, f, n, &t);
    ck_assert_uint_eq(t.n_tables, 4);
    ck_assert_uint_eq(t.tables[2], T_L3);
    ck_assert_uint_eq(t.tables[3], T_L2);
    ck_assert(t.to_controller);
    ck_assert_uint_eq(t.n_out, 0);

    /* To an unresolved host of net2: l3 sends it to the controller. */
    n = ah_frame_icmp4(f, RMAC, H1, NOVLAN, "10.0.1.10", "10.0.2.99", 64, 8,
                       0);
    ah_trace(ah, 1, 1, f, n, &t);
    ck_assert_uint_eq(t.n_tables, 3);
    ck_assert(t.to_controller);

    /* Not to the router's MAC: l3 lets it pass to l2. */
    n = ah_frame_icmp4(f, H2, H1, NOVLAN, "10.0.1.10", "10.0.2.20", 64, 8, 0);
    ah_trace(ah, 1, 1, f, n, &t);
    ck_assert_uint_eq(t.n_tables, 4);

    /* TTL 1: dec_nw_ttl drops it in l3. */
    n = ah_frame_icmp4(f, RMAC, H1, NOVLAN, "10.0.1.10", "10.0.2.20", 1, 8, 0);
    ah_trace(ah, 1, 1, f, n, &t);
    ck_assert(t.dropped);
    ck_assert(!t.to_controller);

    /* ARP for a gateway: to the controller from l3. */
    n = ah_frame_arp(f, NOVLAN, 1, H1, "10.0.1.10", NULL, "10.0.1.1");
    ah_trace(ah, 2, 3, f, n, &t);
    ck_assert_uint_eq(t.n_tables, 3);
    ck_assert(t.to_controller);
    assert_flows_valid();
}
END_TEST

/* ====================================================================== */
/* Answers. */

START_TEST(arp_reply_bytes)
{
    struct ofp_packet p;
    const struct ah_packet_out *po;

    base();
    ck_assert_int_eq(arp_req(1, 2, NOVLAN, H1, "10.0.1.10", "10.0.1.1"),
                     SL_STOP);
    po = one_po();
    ck_assert_uint_eq(po->dpid, 1);
    ck_assert_uint_eq(po->in_port, 2);
    ck_assert_uint_eq(po->buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(po_port(po), OFPP_IN_PORT);
    ck_assert_uint_eq(po->len, 60);
    parse(&p, po->data, po->len);
    assert_mac(p.eth_dst, H1);
    assert_mac(p.eth_src, RMAC);
    ck_assert_uint_eq(p.n_vlans, 0);
    ck_assert_uint_eq(p.eth_type, OFP_ETH_TYPE_ARP);
    ck_assert_uint_eq(p.arp.op, OFP_ARP_OP_REPLY);
    assert_mac(p.arp.sha, RMAC);
    ck_assert_uint_eq(p.arp.spa, ah_ipv4("10.0.1.1"));
    assert_mac(p.arp.tha, H1);
    ck_assert_uint_eq(p.arp.tpa, ah_ipv4("10.0.1.10"));
    ck_assert_double_eq(metric("arp_replies_sent_total", ""), 1);

    /* For the other interface's gateway, or from a port of no interface:
     * no answer, a log line. */
    ah_clear_packet_outs(ah);
    ck_assert_int_eq(arp_req(1, 2, NOVLAN, H1, "10.0.1.10", "10.0.2.1"),
                     SL_STOP);
    ck_assert_int_eq(arp_req(2, 3, NOVLAN, H1, "10.0.1.10", "10.0.1.1"),
                     SL_STOP);
    size_t n;
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert(ah_log_contains(ah, "not that interface's"));
    ck_assert_double_eq(metric("arp_replies_sent_total", ""), 1);
}
END_TEST

START_TEST(echo4_reply_bytes)
{
    struct ofp_packet p;
    const struct ah_packet_out *po;
    uint8_t f[1514];
    size_t n =
        ah_frame_icmp4(f, RMAC, H1, NOVLAN, "10.0.1.10", "10.0.2.1", 64, 8, 0);

    base();
    /* Echo to the far gateway is answered too, from its address. */
    ck_assert_int_eq(pin(1, 1, f, n), SL_STOP);
    po = one_po();
    ck_assert_uint_eq(po_port(po), OFPP_IN_PORT);
    ck_assert_uint_eq(po->in_port, 1);
    parse(&p, po->data, po->len);
    assert_mac(p.eth_dst, H1);
    assert_mac(p.eth_src, RMAC);
    ck_assert_uint_eq(p.ipv4.src, ah_ipv4("10.0.2.1"));
    ck_assert_uint_eq(p.ipv4.dst, ah_ipv4("10.0.1.10"));
    ck_assert_uint_eq(p.ip.proto, OFP_IPPROTO_ICMP);
    ck_assert_uint_eq(p.ip.ttl, 64);
    ck_assert_uint_eq(p.icmp.type, 0);
    ck_assert_uint_eq(p.icmp.code, 0);
    assert_ip4_csum(&p);
    ck_assert_uint_eq(p.end - p.l4_ofs, 40);
    ck_assert_uint_eq(sum16(p.frame + p.l4_ofs, p.end - p.l4_ofs, 0), 0xffff);
    /* Identifier, sequence and data echoed. */
    ck_assert(!memcmp(p.frame + p.l4_ofs + 4, f + 14 + 20 + 4, 36));
    ck_assert_double_eq(metric("echo_replies_total", ""), 1);

    /* Anything else to a gateway is dropped. */
    ah_clear_packet_outs(ah);
    n = ah_frame_tcp4(f, RMAC, H1, NOVLAN, "10.0.1.10", "10.0.1.1", 1234, 22);
    ck_assert_int_eq(pin(1, 1, f, n), SL_STOP);
    n = ah_frame_icmp4(f, RMAC, H1, NOVLAN, "10.0.1.10", "10.0.1.1", 64, 0, 0);
    ck_assert_int_eq(pin(1, 1, f, n), SL_STOP);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(echo6_and_na_bytes)
{
    struct ofp_packet p;
    const struct ah_packet_out *po;
    uint8_t f[1514];
    size_t n;

    base();
    /* NS for the gateway (to its solicited-node group) -> NA. */
    n = ah_frame_icmp6(f, "33:33:ff:00:00:01", H1, NOVLAN, "2001:db8:1::a",
                       "ff02::1:ff00:1", 255, OFP_ICMPV6_ND_NS,
                       "2001:db8:1::1", H1);
    ck_assert_int_eq(pin(1, 1, f, n), SL_STOP);
    po = one_po();
    ck_assert_uint_eq(po_port(po), OFPP_IN_PORT);
    parse(&p, po->data, po->len);
    assert_mac(p.eth_dst, H1);
    assert_mac(p.eth_src, RMAC);
    assert_ip6(p.ipv6.src, "2001:db8:1::1");
    assert_ip6(p.ipv6.dst, "2001:db8:1::a");
    ck_assert_uint_eq(p.ip.ttl, 255);
    ck_assert_uint_eq(p.icmp.type, OFP_ICMPV6_ND_NA);
    ck_assert_uint_eq(p.nd.na_flags, OFP_ND_NA_ROUTER | OFP_ND_NA_SOLICITED |
                                         OFP_ND_NA_OVERRIDE);
    assert_ip6(p.nd.target, "2001:db8:1::1");
    ck_assert_ptr_nonnull(p.nd.tll);
    assert_mac(p.nd.tll, RMAC);
    assert_icmp6_csum(&p);
    ck_assert_double_eq(metric("nd_adverts_sent_total", ""), 1);
    /* ... and H1 is a neighbour now. */
    ah_advance(ah, 0.01);
    ck_assert_ptr_nonnull(flow(2, 1128,
                               "eth_type=0x86dd,ipv6_dst="
                               "2001:db8:1::a,eth_dst=" RMAC));

    /* Echo request to the gateway -> echo reply. */
    ah_clear_packet_outs(ah);
    n = ah_frame_icmp6(f, RMAC, H1, NOVLAN, "2001:db8:1::a", "2001:db8:1::1",
                       64, 128, NULL, NULL);
    ck_assert_int_eq(pin(1, 1, f, n), SL_STOP);
    po = one_po();
    parse(&p, po->data, po->len);
    assert_mac(p.eth_dst, H1);
    assert_ip6(p.ipv6.src, "2001:db8:1::1");
    assert_ip6(p.ipv6.dst, "2001:db8:1::a");
    ck_assert_uint_eq(p.icmp.type, 129);
    assert_icmp6_csum(&p);
    ck_assert(!memcmp(p.frame + p.l4_ofs + 4, f + 14 + 40 + 4, 12));
    ck_assert_double_eq(metric("echo_replies_total", ""), 1);

    /* ND not from the link (hop limit below 255), DAD (source ::): no
     * answer. */
    ah_clear_packet_outs(ah);
    n = ah_frame_icmp6(f, "33:33:ff:00:00:01", H1, NOVLAN, "2001:db8:1::a",
                       "ff02::1:ff00:1", 64, OFP_ICMPV6_ND_NS, "2001:db8:1::1",
                       H1);
    ck_assert_int_eq(pin(1, 1, f, n), SL_STOP);
    n = ah_frame_icmp6(f, "33:33:ff:00:00:01", H1, NOVLAN,
                       "::", "ff02::1:ff00:1", 255, OFP_ICMPV6_ND_NS,
                       "2001:db8:1::1", NULL);
    ck_assert_int_eq(pin(1, 1, f, n), SL_STOP);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
}
END_TEST

/* ====================================================================== */
/* Resolution. */

START_TEST(resolve4)
{
    struct ofp_packet p, q;
    const struct ah_packet_out *po;
    uint8_t f[1514];
    size_t n;

    base();
    arp_req(1, 1, NOVLAN, H1, "10.0.1.10", "10.0.1.1");
    ah_advance(ah, 0.01);
    ah_clear_packet_outs(ah);

    /* A packet for unknown H2: queued, and an ARP request goes out of
     * net2's ports (s3:1 and s3:3, one packet-out). */
    double reqs = metric("arp_requests_sent_total", "");
    n = udp_to(f, "10.0.2.20", 1000);
    ck_assert_int_eq(pin(1, 1, f, n), SL_STOP);
    po = one_po();
    ck_assert_uint_eq(po->dpid, 3);
    uint32_t ports[4];
    ck_assert_uint_eq(ah_packet_out_ports(po, ports, 4), 2);
    ck_assert_uint_eq(ports[0], 1);
    ck_assert_uint_eq(ports[1], 3);
    parse(&p, po->data, po->len);
    assert_mac(p.eth_dst, "ff:ff:ff:ff:ff:ff");
    assert_mac(p.eth_src, RMAC);
    ck_assert_uint_eq(p.arp.op, OFP_ARP_OP_REQUEST);
    assert_mac(p.arp.sha, RMAC);
    ck_assert_uint_eq(p.arp.spa, ah_ipv4("10.0.2.1"));
    assert_mac(p.arp.tha, "00:00:00:00:00:00");
    ck_assert_uint_eq(p.arp.tpa, ah_ipv4("10.0.2.20"));
    ck_assert_double_eq(metric("pending", ""), 1);
    ck_assert_double_eq(metric("arp_requests_sent_total", ""), reqs + 1);

    /* A second packet waits too, with no second request. */
    ah_clear_packet_outs(ah);
    n = udp_to(f, "10.0.2.20", 1001);
    pin(1, 1, f, n);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_double_eq(metric("pending", ""), 2);

    /* The reply: both packets leave rewritten, in order, out of H2's
     * port; then the host route is stated everywhere. */
    ck_assert_int_eq(arp_rep(3, 1, H2, "10.0.2.20", "10.0.2.1"), SL_STOP);
    po = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_uint_eq(po[i].dpid, 3);
        ck_assert_uint_eq(po[i].in_port, OFPP_CONTROLLER);
        ck_assert_uint_eq(po_port(&po[i]), 1);
        parse(&p, po[i].data, po[i].len);
        assert_mac(p.eth_dst, H2);
        assert_mac(p.eth_src, RMAC);
        ck_assert_uint_eq(p.n_vlans, 0);
        ck_assert_uint_eq(p.ip.ttl, 63);
        ck_assert_uint_eq(p.ipv4.src, ah_ipv4("10.0.1.10"));
        ck_assert_uint_eq(p.ipv4.dst, ah_ipv4("10.0.2.20"));
        ck_assert_uint_eq(p.tp_src, 1000 + i);
        assert_ip4_csum(&p);
        /* Everything past the TTL and checksum is as it was. */
        n = udp_to(f, "10.0.2.20", (uint16_t) (1000 + i));
        parse(&q, f, n);
        ck_assert_uint_eq(p.end - p.l3_ofs, q.end - q.l3_ofs);
        ck_assert(!memcmp(p.frame + p.l3_ofs + 12, q.frame + q.l3_ofs + 12,
                          q.end - q.l3_ofs - 12));
    }
    ck_assert_double_eq(metric("pending", ""), 0);
    ck_assert_double_eq(metric("routed_by_controller_total", ""), 2);
    ah_advance(ah, 0.01);
    for (uint64_t d = 1; d <= 3; d++) {
        ck_assert_ptr_nonnull(flow(d, 1032,
                                   "eth_type=0x0800,ipv4_dst="
                                   "10.0.2.20,eth_dst=" RMAC));
    }

    /* Later packets that still reach the controller go at once. */
    ah_clear_packet_outs(ah);
    n = udp_to(f, "10.0.2.20", 1002);
    pin(1, 1, f, n);
    po = one_po();
    ck_assert_uint_eq(po->dpid, 3);
    ck_assert_double_eq(metric("routed_by_controller_total", ""), 3);
    ck_assert_double_eq(metric("neighbors", ""), 2);
}
END_TEST

START_TEST(resolve6)
{
    struct ofp_packet p;
    const struct ah_packet_out *po;
    uint8_t f[1514];
    size_t n;

    base();
    double reqs = metric("nd_solicits_sent_total", "");
    n = ah_frame_icmp6(f, RMAC, H1, NOVLAN, "2001:db8:1::a", "2001:db8:2::14",
                       64, 128, NULL, NULL);
    ck_assert_int_eq(pin(1, 1, f, n), SL_STOP);
    po = one_po();
    ck_assert_uint_eq(po->dpid, 3);
    parse(&p, po->data, po->len);
    assert_mac(p.eth_dst, "33:33:ff:00:00:14");
    assert_mac(p.eth_src, RMAC);
    assert_ip6(p.ipv6.src, "2001:db8:2::1");
    assert_ip6(p.ipv6.dst, "ff02::1:ff00:14");
    ck_assert_uint_eq(p.ip.ttl, 255);
    ck_assert_uint_eq(p.icmp.type, OFP_ICMPV6_ND_NS);
    assert_ip6(p.nd.target, "2001:db8:2::14");
    ck_assert_ptr_nonnull(p.nd.sll);
    assert_mac(p.nd.sll, RMAC);
    assert_icmp6_csum(&p);
    ck_assert_double_eq(metric("nd_solicits_sent_total", ""), reqs + 1);

    /* The NA (to the router's MAC) releases the packet, hop limit 63. */
    ah_clear_packet_outs(ah);
    n = ah_frame_icmp6(f, RMAC, H2, NOVLAN, "2001:db8:2::14", "2001:db8:2::1",
                       255, OFP_ICMPV6_ND_NA, "2001:db8:2::14", H2);
    ck_assert_int_eq(pin(3, 1, f, n), SL_STOP);
    po = one_po();
    ck_assert_uint_eq(po->dpid, 3);
    ck_assert_uint_eq(po_port(po), 1);
    parse(&p, po->data, po->len);
    assert_mac(p.eth_dst, H2);
    assert_mac(p.eth_src, RMAC);
    ck_assert_uint_eq(p.ip.ttl, 63);
    ck_assert_uint_eq(p.icmp.type, 128);
    assert_ip6(p.ipv6.dst, "2001:db8:2::14");
    ah_advance(ah, 0.01);
    const struct sl_flow_spec *r = flow(2, 1128,
                                        "eth_type=0x86dd,ipv6_dst="
                                        "2001:db8:2::14,eth_dst=" RMAC);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(actions_text(r), "src=" RMAC ",dst=" H2 ",dec,goto=3");
    assert_flows_valid();
}
END_TEST

START_TEST(queue_bound)
{
    const struct ah_packet_out *po;
    uint8_t f[1514];
    size_t n;

    base(); /* max_pending: 8 */
    double reqs = metric("arp_requests_sent_total", "");
    /* 12 packets for three unknown hosts, round robin. */
    for (uint16_t i = 0; i < 12; i++) {
        static const char *const dst[] = {"10.0.2.20", "10.0.2.21",
                                          "10.0.2.22"};
        n = udp_to(f, dst[i % 3], (uint16_t) (2000 + i));
        pin(1, 1, f, n);
    }
    ck_assert_double_eq(metric("pending", ""), 8);
    ck_assert_double_eq(metric("dropped_total", "reason=\"queue_full\""), 4);
    ck_assert_double_eq(metric("arp_requests_sent_total", ""), reqs + 3);

    /* The oldest went: .20 keeps 2006 and 2009 (2000, 2003 dropped). */
    ah_clear_packet_outs(ah);
    arp_rep(3, 3, H2, "10.0.2.20", "10.0.2.1");
    po = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < n; i++) {
        struct ofp_packet p;
        parse(&p, po[i].data, po[i].len);
        ck_assert_uint_eq(p.tp_src, 2006 + 3 * i);
        ck_assert_uint_eq(po_port(&po[i]), 3);
    }
    ck_assert_double_eq(metric("pending", ""), 6);

    /* Whatever comes, no more than 8 wait. */
    for (uint16_t i = 0; i < 500; i++) {
        char dst[32];
        snprintf(dst, sizeof dst, "10.0.2.%u", 30 + i % 200);
        n = udp_to(f, dst, i);
        pin(1, 1, f, n);
        ck_assert_double_le(metric("pending", ""), 8);
    }
}
END_TEST

START_TEST(retries_and_give_up)
{
    uint8_t f[1514];
    size_t n;
    char *reply;

    base();
    n = udp_to(f, "10.0.2.99", 1);
    pin(1, 1, f, n);
    n = udp_to(f, "10.0.2.99", 2);
    pin(1, 1, f, n);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 1);
    /* Three requests, 1 s apart... */
    ah_advance(ah, 1.0);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 2);
    ah_advance(ah, 1.0);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_double_eq(metric("pending", ""), 2);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/neighbors", NULL, &reply),
                     200);
    ck_assert_ptr_nonnull(strstr(reply, "\"ip\":\"10.0.2.99\",\"mac\":null,"
                                        "\"interface\":\"net2\","
                                        "\"state\":\"incomplete\""));
    free(reply);
    /* ... then the queue is dropped and nothing more is sent. */
    ah_advance(ah, 1.0);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_double_eq(metric("pending", ""), 0);
    ck_assert_double_eq(metric("dropped_total", "reason=\"unresolved\""), 2);
    ah_advance(ah, 10.0);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/neighbors", NULL, &reply),
                     200);
    ck_assert_str_eq(reply, "[]");
    free(reply);

    /* A late reply is still learned. */
    arp_rep(3, 1, H2, "10.0.2.99", "10.0.2.1");
    ah_advance(ah, 0.01);
    ck_assert_ptr_nonnull(flow(1, 1032,
                               "eth_type=0x0800,ipv4_dst="
                               "10.0.2.99,eth_dst=" RMAC));
}
END_TEST

START_TEST(stale_neighbor_probed)
{
    struct ofp_packet p;
    const struct ah_packet_out *po;
    size_t n;

    base();
    learn_hosts(); /* both heard at t0 */
    ah_advance(ah, 200);
    /* H2 heard again at t0 + 200: its deadline moves. */
    arp_req(3, 1, NOVLAN, H2, "10.0.2.20", "10.0.2.1");
    ah_clear_packet_outs(ah);
    ah_advance(ah, 99.9);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);

    /* H1 goes stale at t0 + 300: a unicast request to its MAC, out of
     * its port. */
    ah_advance(ah, 0.2);
    po = one_po();
    ck_assert_uint_eq(po->dpid, 1);
    ck_assert_uint_eq(po_port(po), 1);
    parse(&p, po->data, po->len);
    assert_mac(p.eth_dst, H1);
    assert_mac(p.arp.tha, H1);
    ck_assert_uint_eq(p.arp.tpa, ah_ipv4("10.0.1.10"));
    /* Its route stays while it is probed... */
    ck_assert_ptr_nonnull(flow(2, 1032,
                               "eth_type=0x0800,ipv4_dst="
                               "10.0.1.10,eth_dst=" RMAC));
    ah_advance(ah, 2.0);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 3);
    /* ... and goes when it never answers. */
    ah_advance(ah, 1.0);
    ah_advance(ah, 0.01);
    ck_assert_ptr_null(flow(2, 1032,
                            "eth_type=0x0800,ipv4_dst=10.0.1.10,"
                            "eth_dst=" RMAC));
    ck_assert_ptr_nonnull(flow(2, 1032,
                               "eth_type=0x0800,ipv4_dst="
                               "10.0.2.20,eth_dst=" RMAC));
    ck_assert_double_eq(metric("neighbors", ""), 1);

    /* H2, probed at t0 + 500, answers: it stays. */
    ah_clear_packet_outs(ah);
    ah_advance(ah, 197);
    po = one_po();
    assert_mac(po->data, H2);
    arp_rep(3, 1, H2, "10.0.2.20", "10.0.2.1");
    ah_advance(ah, 5);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_nonnull(flow(2, 1032,
                               "eth_type=0x0800,ipv4_dst="
                               "10.0.2.20,eth_dst=" RMAC));
    ck_assert_double_eq(metric("neighbors", ""), 1);
    assert_flows_valid();
}
END_TEST

START_TEST(drops)
{
    uint8_t f[1514];
    size_t n;

    base();
    learn_hosts();
    /* TTL 1 (and 0): not routed. */
    n = ah_frame_icmp4(f, RMAC, H1, NOVLAN, "10.0.1.10", "10.0.2.20", 1, 8, 0);
    ck_assert_int_eq(pin(1, 1, f, n), SL_STOP);
    n = ah_frame_icmp4(f, RMAC, H1, NOVLAN, "10.0.1.10", "10.0.2.77", 0, 8, 0);
    pin(1, 1, f, n);
    n = ah_frame_icmp6(f, RMAC, H1, NOVLAN, "2001:db8:1::a", "2001:db8:2::14",
                       1, 128, NULL, NULL);
    pin(1, 1, f, n);
    ck_assert_double_eq(metric("dropped_total", "reason=\"ttl\""), 3);
    /* No route; the subnet's broadcast; multicast. */
    n = udp_to(f, "192.168.9.9", 1);
    pin(1, 1, f, n);
    n = udp_to(f, "10.0.2.255", 1);
    pin(1, 1, f, n);
    n = udp_to(f, "239.1.1.1", 1);
    pin(1, 1, f, n);
    ck_assert_double_eq(metric("dropped_total", "reason=\"no_route\""), 3);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_double_eq(metric("pending", ""), 0);
}
END_TEST

START_TEST(static_route_via_next_hop)
{
    const struct ah_packet_out *po;
    struct ofp_packet p;
    uint8_t f[1514];
    char *reply;
    size_t n;

    ah = start(BASE);
    net3();
    /* Start-up resolves the next hops: ARP and NS out of net2's ports. */
    po = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(po[0].dpid, 3);
    ck_assert_uint_eq(po[1].dpid, 3);
    ck_assert_double_eq(metric("arp_requests_sent_total", ""), 1);
    ck_assert_double_eq(metric("nd_solicits_sent_total", ""), 1);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/routes", NULL, &reply), 200);
    ck_assert_ptr_nonnull(strstr(reply, "{\"id\":5,\"prefix\":\"10.0.3.0/24\","
                                        "\"next_hop\":\"10.0.2.254\","
                                        "\"type\":\"static\",\"interface\":"
                                        "\"net2\",\"resolved\":false}"));
    free(reply);

    /* The next hop answers. */
    arp_rep(3, 3, NH, "10.0.2.254", "10.0.2.1");
    n = ah_frame_icmp6(f, RMAC, NH, NOVLAN, "2001:db8:2::fe", "2001:db8:2::1",
                       255, OFP_ICMPV6_ND_NA, "2001:db8:2::fe", NH);
    pin(3, 3, f, n);
    ah_advance(ah, 0.01);
    for (uint64_t d = 1; d <= 3; d++) {
        const struct sl_flow_spec *r = flow(d, 1024,
                                            "eth_type=0x0800,"
                                            "ipv4_dst=10.0.3.0/24,"
                                            "eth_dst=" RMAC);
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(actions_text(r),
                         "src=" RMAC ",dst=" NH ",dec,goto=3");
        r = flow(d, 1064,
                 "eth_type=0x86dd,ipv6_dst=2001:db8:3::/64,"
                 "eth_dst=" RMAC);
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(actions_text(r),
                         "src=" RMAC ",dst=" NH ",dec,goto=3");
    }
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/routes", NULL, &reply), 200);
    ck_assert_ptr_nonnull(strstr(reply, "\"next_hop\":\"10.0.2.254\","
                                        "\"type\":\"static\",\"interface\":"
                                        "\"net2\",\"resolved\":true}"));
    free(reply);

    /* A packet for the third subnet at the controller goes to the next
     * hop's MAC at once. */
    ah_clear_packet_outs(ah);
    n = udp_to(f, "10.0.3.5", 7);
    pin(1, 1, f, n);
    po = one_po();
    ck_assert_uint_eq(po->dpid, 3);
    ck_assert_uint_eq(po_port(po), 3);
    parse(&p, po->data, po->len);
    assert_mac(p.eth_dst, NH);
    ck_assert_uint_eq(p.ipv4.dst, ah_ipv4("10.0.3.5"));
    ck_assert_uint_eq(p.ip.ttl, 63);
    assert_ip4_csum(&p);

    /* A more specific static route wins over the connected subnet. */
    ck_assert_int_eq(ah_rest(ah, SL_REST_POST, "/routes",
                             "{\"prefix\": \"10.0.1.128/25\", "
                             "\"next_hop\": \"10.0.2.254\"}",
                             NULL),
                     201);
    ah_clear_packet_outs(ah);
    n = udp_to(f, "10.0.1.200", 8);
    pin(3, 1, f, n);
    po = one_po();
    parse(&p, po->data, po->len);
    assert_mac(p.eth_dst, NH);
    assert_flows_valid();
}
END_TEST

/* ====================================================================== */
/* VLAN interfaces. */

#define VLAN_CONF                                                             \
    "{interfaces: ["                                                          \
    " {name: v10, vlan: 10, ipv4: 10.0.1.1/24, mac: \"02:5c:00:00:00:0a\"},"  \
    " {name: plain, ports: [\"3:1\"], ipv4: 10.0.2.1/24,"                     \
    "  mac: \"02:5c:00:00:00:0a\"},"                                          \
    " {name: v20, vlan: 20, ipv6: \"2001:db8:2::1/64\","                      \
    "  mac: \"02:5c:00:00:00:0a\"}]}"
#define VMAC "02:5c:00:00:00:0a"

START_TEST(vlan_two_flows_per_route)
{
    const struct sl_flow_spec *u, *t;

    ah = start(VLAN_CONF);
    net3();
    /* 3 x 2 gateway flows, ARP and NA to the MAC, 3 subnets x 2. */
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L3), 14);
    assert_to_controller(flow(1, 1024,
                              "eth_type=0x0800,ipv4_dst="
                              "10.0.1.0/24,eth_dst=" VMAC ",vlan_vid=0"));
    assert_to_controller(flow(1, 1024,
                              "eth_type=0x0800,ipv4_dst="
                              "10.0.1.0/24,eth_dst=" VMAC
                              ",vlan_vid=0x1000/0x1000"));

    /* A host on VLAN 10 (tagged frames) and one on the plain port. */
    ck_assert_int_eq(arp_req(1, 1, 10, H1, "10.0.1.10", "10.0.1.1"), SL_STOP);
    ck_assert_int_eq(arp_req(3, 1, NOVLAN, H2, "10.0.2.20", "10.0.2.1"),
                     SL_STOP);
    ah_advance(ah, 0.01);
    /* To the VLAN host: untagged frames get a tag, tagged ones a new
     * VID. */
    u = flow(2, 1032,
             "eth_type=0x0800,ipv4_dst=10.0.1.10,eth_dst=" VMAC ",vlan_vid=0");
    t = flow(2, 1032,
             "eth_type=0x0800,ipv4_dst=10.0.1.10,eth_dst=" VMAC
             ",vlan_vid=0x1000/0x1000");
    ck_assert_ptr_nonnull(u);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(actions_text(u), "push=0x8100,vid=0x100a,src=" VMAC
                                      ",dst=" H1 ",dec,goto=3");
    ck_assert_str_eq(actions_text(t),
                     "vid=0x100a,src=" VMAC ",dst=" H1 ",dec,goto=3");
    /* To the port host: tagged frames lose their tag. */
    u = flow(2, 1032,
             "eth_type=0x0800,ipv4_dst=10.0.2.20,eth_dst=" VMAC ",vlan_vid=0");
    t = flow(2, 1032,
             "eth_type=0x0800,ipv4_dst=10.0.2.20,eth_dst=" VMAC
             ",vlan_vid=0x1000/0x1000");
    ck_assert_str_eq(actions_text(u), "src=" VMAC ",dst=" H2 ",dec,goto=3");
    ck_assert_str_eq(actions_text(t),
                     "pop,src=" VMAC ",dst=" H2 ",dec,goto=3");

    /* Traced: a tagged frame from VLAN 10 to the port host leaves l3
     * untagged for l2. */
    struct ah_trace tr;
    uint8_t f[1514];
    size_t n =
        ah_frame_icmp4(f, VMAC, H1, 10, "10.0.1.10", "10.0.2.20", 64, 8, 0);
    ah_trace(ah, 1, 1, f, n, &tr);
    ck_assert_uint_eq(tr.n_tables, 4);
    assert_flows_valid();
}
END_TEST

START_TEST(vlan_controller_path)
{
    const struct ah_packet_out *po;
    struct ofp_packet p;
    uint8_t f[1514];
    size_t n;

    ah = start(VLAN_CONF);
    net3();
    /* ARP on VLAN 10 is answered tagged, through the pipeline. */
    ah_clear_packet_outs(ah);
    arp_req(2, 3, 10, H1, "10.0.1.10", "10.0.1.1");
    po = one_po();
    ck_assert_uint_eq(po->dpid, 2);
    ck_assert_uint_eq(po->in_port, OFPP_CONTROLLER);
    ck_assert_uint_eq(po_port(po), OFPP_TABLE);
    parse(&p, po->data, po->len);
    ck_assert_uint_eq(p.n_vlans, 1);
    ck_assert_uint_eq(p.vlans[0].vid, 10);
    ck_assert_uint_eq(p.arp.op, OFP_ARP_OP_REPLY);
    assert_mac(p.arp.sha, VMAC);
    /* ARP for v10's gateway from VLAN 20 or untagged: ignored. */
    ah_clear_packet_outs(ah);
    arp_req(2, 3, 20, H1, "10.0.1.10", "10.0.1.1");
    arp_req(2, 3, NOVLAN, H1, "10.0.1.10", "10.0.1.1");
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);

    /* A packet from the plain port to an unknown VLAN 10 host: a tagged
     * broadcast request through one switch's pipeline... */
    n = ah_frame_udp4(f, VMAC, H2, NOVLAN, "10.0.2.20", "10.0.1.77", 5, 6);
    pin(3, 1, f, n);
    po = one_po();
    ck_assert_uint_eq(po_port(po), OFPP_TABLE);
    ck_assert_uint_eq(po->in_port, OFPP_CONTROLLER);
    parse(&p, po->data, po->len);
    ck_assert_uint_eq(p.n_vlans, 1);
    ck_assert_uint_eq(p.vlans[0].vid, 10);
    ck_assert_uint_eq(p.arp.tpa, ah_ipv4("10.0.1.77"));
    /* ... the reply (tagged) releases the packet, tagged VLAN 10, through
     * the pipeline of the switch the host answered on. */
    ah_clear_packet_outs(ah);
    n = ah_frame_arp(f, 10, OFP_ARP_OP_REPLY, "00:00:00:00:01:4d", "10.0.1.77",
                     VMAC, "10.0.1.1");
    pin(2, 4, f, n);
    po = one_po();
    ck_assert_uint_eq(po->dpid, 2);
    ck_assert_uint_eq(po_port(po), OFPP_TABLE);
    parse(&p, po->data, po->len);
    ck_assert_uint_eq(p.n_vlans, 1);
    ck_assert_uint_eq(p.vlans[0].vid, 10);
    assert_mac(p.eth_dst, "00:00:00:00:01:4d");
    ck_assert_uint_eq(p.ip.ttl, 63);
    assert_ip4_csum(&p);

    /* IPv6 on VLAN 20: NS answered tagged. */
    ah_clear_packet_outs(ah);
    n = ah_frame_icmp6(f, "33:33:ff:00:00:01", H1, 20, "2001:db8:2::a",
                       "ff02::1:ff00:1", 255, OFP_ICMPV6_ND_NS,
                       "2001:db8:2::1", H1);
    pin(1, 2, f, n);
    po = one_po();
    parse(&p, po->data, po->len);
    ck_assert_uint_eq(p.vlans[0].vid, 20);
    ck_assert_uint_eq(p.icmp.type, OFP_ICMPV6_ND_NA);
    assert_icmp6_csum(&p);
    assert_flows_valid();
}
END_TEST

/* ====================================================================== */
/* REST. */

static const struct {
    const char *body;
    const char *detail;
} bad_iface_bodies[] = {
    {"", "body:"},
    {"{", "body:"},
    {"[]", "want a JSON object"},
    {"{\"name\": \"x\", \"ports\": [\"1:4\"], \"ipv4\": \"10.0.5.1/24\",}",
     "body:"},
    {"{\"name\": 7, \"ports\": [\"1:4\"], \"ipv4\": \"10.0.5.1/24\"}",
     "name: want a string"},
    {"{\"name\": \"x y\", \"ports\": [\"1:4\"], \"ipv4\": \"10.0.5.1/24\"}",
     "name 'x y'"},
    {"{\"ports\": [\"1:4\"], \"ipv4\": \"10.0.5.1/24\"}", "name missing"},
    {"{\"name\": \"net1\", \"ports\": [\"1:4\"], \"ipv4\": \"10.0.5.1/24\"}",
     "name used twice"},
    {"{\"name\": \"x\", \"ports\": \"1:4\", \"ipv4\": \"10.0.5.1/24\"}",
     "ports: want an array"},
    {"{\"name\": \"x\", \"ports\": [4], \"ipv4\": \"10.0.5.1/24\"}",
     "ports[0]: want a string"},
    {"{\"name\": \"x\", \"ports\": [\"1:1\"], \"ipv4\": \"10.0.5.1/24\"}",
     "port 1:1 is interface 'net1''s"},
    {"{\"name\": \"x\", \"ports\": [\"1:4\"], \"vlan\": 3, "
     "\"ipv4\": \"10.0.5.1/24\"}",
     "exactly one of"},
    {"{\"name\": \"x\", \"vlan\": 5000, \"ipv4\": \"10.0.5.1/24\"}",
     "vlan: want 1..4094"},
    {"{\"name\": \"x\", \"vlan\": \"5\", \"ipv4\": \"10.0.5.1/24\"}",
     "vlan: want 1..4094"},
    {"{\"name\": \"x\", \"vlan\": 5.5, \"ipv4\": \"10.0.5.1/24\"}",
     "vlan: want 1..4094"},
    {"{\"name\": \"x\", \"vlan\": 5}", "want 'ipv4' or 'ipv6'"},
    {"{\"name\": \"x\", \"vlan\": 5, \"ipv4\": \"10.0.1.9/24\"}",
     "overlaps interface 'net1''s"},
    {"{\"name\": \"x\", \"vlan\": 5, \"ipv4\": \"10.0.5.0/24\"}",
     "network address"},
    {"{\"name\": \"x\", \"vlan\": 5, \"ipv4\": 17}", "ipv4: want"},
    {"{\"name\": \"x\", \"vlan\": 5, \"ipv6\": \"2001:db8:5::1\"}",
     "ipv6: '2001:db8:5::1' is not ADDRESS/LENGTH"},
    {"{\"name\": \"x\", \"vlan\": 5, \"ipv4\": \"10.0.5.1/24\", "
     "\"mac\": \"ff:ff:ff:ff:ff:ff\"}",
     "mac:"},
    {"{\"name\": \"x\", \"vlan\": 5, \"ipv4\": \"10.0.5.1/24\", "
     "\"mtu\": 1500}",
     "unknown field 'mtu'"},
};

START_TEST(rest_interface_bad_body)
{
    char *reply = NULL;
    int status;

    base();
    status = ah_rest(ah, SL_REST_POST, "/interfaces",
                     bad_iface_bodies[_i].body, &reply);
    ck_assert_int_eq(status, 400);
    ck_assert_msg(strstr(reply, bad_iface_bodies[_i].detail) &&
                      strstr(reply, "\"error\":\"bad request\""),
                  "body %s: reply %s lacks '%s'", bad_iface_bodies[_i].body,
                  reply, bad_iface_bodies[_i].detail);
    free(reply);
    /* Nothing changed. */
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L3), BASE_FLOWS);
}
END_TEST

/* Without static routes the config's route list is NULL: a REST write of
 * interfaces or routes copies it (found by fuzz-rest: memcpy from NULL,
 * a UBSan report). */
START_TEST(rest_write_without_routes)
{
    char *reply = NULL;

    ah = start("{router_mac: \"" RMAC "\", " BASE_IFACES "}");
    net3();
    ck_assert_int_eq(ah_rest(ah, SL_REST_DELETE, "/interfaces/net2", NULL,
                             &reply),
                     200);
    free(reply);
    reply = NULL;
    ck_assert_int_eq(ah_rest(ah, SL_REST_POST, "/routes",
                             "{\"prefix\": \"10.0.3.0/24\", "
                             "\"next_hop\": \"10.0.1.254\"}",
                             &reply),
                     201);
    free(reply);
}
END_TEST

START_TEST(rest_interfaces)
{
    char *reply = NULL;

    base();
    learn_hosts();
    ck_assert_int_eq(ah_rest(ah, SL_REST_POST, "/interfaces",
                             "{\"name\": \"net5\", \"ports\": [\"2:3\"], "
                             "\"ipv4\": \"10.0.5.1/24\", \"ipv6\": null}",
                             &reply),
                     201);
    ck_assert_str_eq(reply, "{\"name\":\"net5\",\"ports\":[\"2:3\"],"
                            "\"ipv4\":\"10.0.5.1/24\",\"ipv6\":null,"
                            "\"mac\":\"" RMAC "\"}");
    free(reply);
    /* At once on every switch: ARP and IP to its gateway, its subnet. */
    for (uint64_t d = 1; d <= 3; d++) {
        ck_assert_uint_eq(ah_flow_count(ah, d, T_L3), BASE_FLOWS + 2 + 3);
        assert_to_controller(flow(d, 1024,
                                  "eth_type=0x0800,ipv4_dst="
                                  "10.0.5.0/24,eth_dst=" RMAC));
    }
    ck_assert_int_eq(
        ah_rest(ah, SL_REST_GET, "/interfaces/net5", NULL, &reply), 200);
    ck_assert_ptr_nonnull(strstr(reply, "\"name\":\"net5\""));
    free(reply);
    ah_clear_packet_outs(ah);
    ck_assert_int_eq(arp_req(2, 3, NOVLAN, H1, "10.0.5.7", "10.0.5.1"),
                     SL_STOP);
    one_po();

    /* Deleting net2 takes its flows, neighbours and static routes. */
    ck_assert_int_eq(
        ah_rest(ah, SL_REST_DELETE, "/interfaces/net2", NULL, &reply), 200);
    ck_assert_ptr_nonnull(strstr(reply, "\"name\":\"net2\""));
    free(reply);
    for (uint64_t d = 1; d <= 3; d++) {
        ck_assert_ptr_null(flow(d, 40000,
                                "eth_type=0x0806,arp_op=1,"
                                "arp_tpa=10.0.2.1"));
        ck_assert_ptr_null(flow(d, 1032,
                                "eth_type=0x0800,ipv4_dst="
                                "10.0.2.20,eth_dst=" RMAC));
        ck_assert_ptr_null(flow(d, 1024,
                                "eth_type=0x0800,ipv4_dst="
                                "10.0.3.0/24,eth_dst=" RMAC));
        ck_assert_ptr_nonnull(flow(d, 1032,
                                   "eth_type=0x0800,ipv4_dst="
                                   "10.0.1.10,eth_dst=" RMAC));
    }
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/routes", NULL, &reply), 200);
    ck_assert_ptr_null(strstr(reply, "10.0.3.0/24"));
    ck_assert_ptr_null(strstr(reply, "10.0.2.0/24"));
    free(reply);
    ck_assert_double_eq(metric("neighbors", ""), 2);

    ck_assert_int_eq(
        ah_rest(ah, SL_REST_DELETE, "/interfaces/net2", NULL, &reply), 404);
    ck_assert_ptr_nonnull(strstr(reply, "\"error\":\"not found\""));
    free(reply);
    ck_assert_int_eq(
        ah_rest(ah, SL_REST_GET, "/interfaces/nope", NULL, &reply), 404);
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_PUT, "/interfaces", "{}", NULL), 405);

    /* A VLAN interface added over REST: two flows per route from now. */
    ck_assert_int_eq(ah_rest(ah, SL_REST_POST, "/interfaces",
                             "{\"name\": \"v7\", \"vlan\": 7, "
                             "\"ipv6\": \"2001:db8:7::1/64\", "
                             "\"mac\": \"02:00:00:00:07:01\"}",
                             &reply),
                     201);
    ck_assert_str_eq(reply, "{\"name\":\"v7\",\"vlan\":7,\"ipv4\":null,"
                            "\"ipv6\":\"2001:db8:7::1/64\","
                            "\"mac\":\"02:00:00:00:07:01\"}");
    free(reply);
    assert_to_controller(flow(2, 1024,
                              "eth_type=0x0800,ipv4_dst="
                              "10.0.5.0/24,eth_dst=" RMAC ",vlan_vid=0"));
    ck_assert_ptr_null(flow(2, 1024,
                            "eth_type=0x0800,ipv4_dst=10.0.5.0/24,"
                            "eth_dst=" RMAC));
    assert_flows_valid();
}
END_TEST

static const struct {
    const char *body;
    const char *detail;
} bad_route_bodies[] = {
    {"nope", "body:"},
    {"{\"prefix\": \"10.0.7.0/24\"}", "next_hop missing"},
    {"{\"next_hop\": \"10.0.2.7\"}", "prefix missing"},
    {"{\"prefix\": 10, \"next_hop\": \"10.0.2.7\"}", "prefix: want"},
    {"{\"prefix\": \"10.0.7.0/24\", \"next_hop\": null}", "next_hop: want"},
    {"{\"prefix\": \"10.0.7.1/24\", \"next_hop\": \"10.0.2.7\"}",
     "did you mean 10.0.7.0/24?"},
    {"{\"prefix\": \"10.0.7.0/24\", \"next_hop\": \"10.0.8.7\"}",
     "not inside any interface subnet"},
    {"{\"prefix\": \"10.0.3.0/24\", \"next_hop\": \"10.0.2.7\"}",
     "prefix routed twice"},
    {"{\"prefix\": \"10.0.1.0/24\", \"next_hop\": \"10.0.2.7\"}",
     "connected subnet"},
    {"{\"prefix\": \"10.0.7.0/24\", \"next_hop\": \"2001:db8:2::7\"}",
     "not of the prefix's family"},
    {"{\"prefix\": \"10.0.7.0/24\", \"next_hop\": \"10.0.2.7\", "
     "\"via\": 1}",
     "unknown field 'via'"},
    {"{\"prefix\": \"10.0.7.0/99\", \"next_hop\": \"10.0.2.7\"}",
     "prefix length above 32"},
};

START_TEST(rest_route_bad_body)
{
    base();
    ah_rest_expect_400(ah, SL_REST_POST, "/routes", bad_route_bodies[_i].body,
                       bad_route_bodies[_i].detail);
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L3), BASE_FLOWS);
}
END_TEST

START_TEST(rest_routes)
{
    char *reply = NULL;

    base();
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/routes", NULL, &reply), 200);
    ck_assert_str_eq(
        reply,
        "[{\"id\":1,\"prefix\":\"10.0.1.0/24\",\"next_hop\":null,"
        "\"type\":\"connected\",\"interface\":\"net1\",\"resolved\":true},"
        "{\"id\":2,\"prefix\":\"2001:db8:1::/64\",\"next_hop\":null,"
        "\"type\":\"connected\",\"interface\":\"net1\",\"resolved\":true},"
        "{\"id\":3,\"prefix\":\"10.0.2.0/24\",\"next_hop\":null,"
        "\"type\":\"connected\",\"interface\":\"net2\",\"resolved\":true},"
        "{\"id\":4,\"prefix\":\"2001:db8:2::/64\",\"next_hop\":null,"
        "\"type\":\"connected\",\"interface\":\"net2\",\"resolved\":true},"
        "{\"id\":5,\"prefix\":\"10.0.3.0/24\",\"next_hop\":\"10.0.2.254\","
        "\"type\":\"static\",\"interface\":\"net2\",\"resolved\":false},"
        "{\"id\":6,\"prefix\":\"2001:db8:3::/64\","
        "\"next_hop\":\"2001:db8:2::fe\",\"type\":\"static\","
        "\"interface\":\"net2\",\"resolved\":false}]");
    free(reply);

    /* A default route, resolved at once (its next hop is known). */
    arp_rep(1, 2, NH, "10.0.1.254", "10.0.1.1");
    ck_assert_int_eq(ah_rest(ah, SL_REST_POST, "/routes",
                             "{\"prefix\": \"0.0.0.0/0\", "
                             "\"next_hop\": \"10.0.1.254\"}",
                             &reply),
                     201);
    ck_assert_str_eq(reply, "{\"id\":7,\"prefix\":\"0.0.0.0/0\","
                            "\"next_hop\":\"10.0.1.254\",\"type\":\"static\","
                            "\"interface\":\"net1\",\"resolved\":true}");
    free(reply);
    const struct sl_flow_spec *r =
        flow(2, 1000, "eth_type=0x0800,eth_dst=" RMAC);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(actions_text(r), "src=" RMAC ",dst=" NH ",dec,goto=3");
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/routes/7", NULL, &reply), 200);
    ck_assert_ptr_nonnull(strstr(reply, "\"prefix\":\"0.0.0.0/0\""));
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/routes/3", NULL, &reply), 200);
    ck_assert_ptr_nonnull(strstr(reply, "\"type\":\"connected\""));
    free(reply);
    ck_assert_double_eq(metric("routes", ""), 7);

    /* Deleting: static yes, connected no, unknown 404. */
    ck_assert_int_eq(ah_rest(ah, SL_REST_DELETE, "/routes/7", NULL, &reply),
                     200);
    ck_assert_ptr_nonnull(strstr(reply, "\"id\":7"));
    free(reply);
    for (uint64_t d = 1; d <= 3; d++) {
        ck_assert_ptr_null(flow(d, 1000, "eth_type=0x0800,eth_dst=" RMAC));
    }
    ck_assert_int_eq(ah_rest(ah, SL_REST_DELETE, "/routes/1", NULL, &reply),
                     400);
    ck_assert_ptr_nonnull(strstr(reply, "delete the interface"));
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_DELETE, "/routes/7", NULL, &reply),
                     404);
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_DELETE, "/routes/x7", NULL, &reply),
                     404);
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/routes/99", NULL, &reply),
                     404);
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_DELETE, "/routes/5", NULL, NULL),
                     200);
    ck_assert_ptr_null(flow(1, 1024,
                            "eth_type=0x0800,ipv4_dst=10.0.3.0/24,"
                            "eth_dst=" RMAC));
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L3), BASE_FLOWS - 1 + 1);
    ck_assert_double_eq(metric("routes", ""), 5);
    assert_flows_valid();
}
END_TEST

START_TEST(rest_neighbors_and_metrics)
{
    char *reply = NULL, *text;

    base();
    learn_hosts();
    ah_advance(ah, 2.5);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/neighbors", NULL, &reply),
                     200);
    ck_assert_ptr_nonnull(strstr(reply, "{\"ip\":\"10.0.1.10\",\"mac\":\"" H1
                                        "\",\"interface\":\"net1\","
                                        "\"state\":\"reachable\","
                                        "\"age\":2.5"));
    ck_assert_ptr_nonnull(strstr(reply, "\"dpid\":\"0000000000000003\","
                                        "\"port\":1,\"pending\":0}"));
    free(reply);

    text = ah_metrics(ah);
    static const char *const families[] = {
        "# TYPE sluice_l3_routing_arp_requests_sent_total counter",
        "# TYPE sluice_l3_routing_nd_solicits_sent_total counter",
        "# TYPE sluice_l3_routing_arp_replies_sent_total counter",
        "# TYPE sluice_l3_routing_nd_adverts_sent_total counter",
        "# TYPE sluice_l3_routing_echo_replies_total counter",
        "# TYPE sluice_l3_routing_routed_by_controller_total counter",
        "# TYPE sluice_l3_routing_pending gauge",
        "# TYPE sluice_l3_routing_dropped_total counter",
        "# TYPE sluice_l3_routing_routes gauge",
        "# TYPE sluice_l3_routing_neighbors gauge",
    };
    for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
        ck_assert_msg(strstr(text, families[i]), "%s missing in\n%s",
                      families[i], text);
    }
    free(text);
    ck_assert_double_eq(metric("neighbors", ""), 2);
    ck_assert_double_eq(metric("routes", ""), 6);
    ck_assert_double_eq(metric("arp_replies_sent_total", ""), 2);
    ck_assert_double_eq(metric("dropped_total", "reason=\"ttl\""), 0);
}
END_TEST

/* ====================================================================== */
/* Reconfiguration and odd input. */

START_TEST(reconfigure)
{
    char *reply = NULL;

    base();
    learn_hosts();
    /* Bad: the old config stays. */
    ck_assert_int_eq(ah_reconfigure(ah, "{interfaces: 3}"), EINVAL);
    ck_assert(ah_log_contains(ah, "the old one stays"));
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L3), BASE_FLOWS + 2);

    /* net2 gone, net1 kept: its neighbour and ids stay. */
    ck_assert_int_eq(ah_reconfigure(ah, "{interfaces: [{name: net1, "
                                        "ports: [\"1:1\"], ipv4: "
                                        "10.0.1.1/24}]}"),
                     0);
    /* ARP, IP to the gateway, ARP to the MAC, subnet, H1. */
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L3), 5);
    ck_assert_ptr_nonnull(flow(3, 1032,
                               "eth_type=0x0800,ipv4_dst="
                               "10.0.1.10,eth_dst=" RMAC));
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/routes", NULL, &reply), 200);
    ck_assert_str_eq(reply, "[{\"id\":1,\"prefix\":\"10.0.1.0/24\","
                            "\"next_hop\":null,\"type\":\"connected\","
                            "\"interface\":\"net1\",\"resolved\":true}]");
    free(reply);
    ck_assert_double_eq(metric("neighbors", ""), 1);
    assert_flows_valid();
}
END_TEST

START_TEST(odd_packet_ins)
{
    uint8_t f[1514];
    size_t n;

    base();
    /* Another table's packet-in is not ours. */
    n = ah_frame_arp(f, NOVLAN, 1, H1, "10.0.1.10", NULL, "10.0.1.1");
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, T_L2, f, n), SL_CONTINUE);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, T_ACL, f, n), SL_CONTINUE);
    /* Ours, but truncated or garbage: consumed, nothing sent. */
    for (size_t len = 0; len < n; len++) {
        ck_assert_int_eq(pin(1, 1, f, len), SL_STOP);
    }
    n = ah_frame_icmp4(f, RMAC, H1, NOVLAN, "10.0.1.10", "10.0.1.1", 64, 8, 0);
    for (size_t len = 0; len < n; len++) {
        ck_assert_int_eq(pin(1, 1, f, len), SL_STOP);
    }
    n = ah_frame_icmp6(f, RMAC, H1, NOVLAN, "2001:db8:1::a", "2001:db8:1::1",
                       64, 128, NULL, NULL);
    for (size_t len = 0; len < n; len++) {
        ck_assert_int_eq(pin(1, 1, f, len), SL_STOP);
    }
    memset(f, 0xa5, sizeof f);
    ck_assert_int_eq(pin(1, 1, f, 200), SL_STOP);
    size_t n_po;
    ah_packet_outs(ah, &n_po);
    ck_assert_uint_eq(n_po, 0);

    /* ARP senders that are not neighbours: the gateway itself, the
     * subnet's broadcast, another subnet, multicast MAC. */
    arp_req(1, 1, NOVLAN, H1, "10.0.1.255", "10.0.1.1");
    arp_req(1, 1, NOVLAN, H1, "10.0.9.9", "10.0.1.1");
    arp_req(1, 1, NOVLAN, "01:00:5e:00:00:01", "10.0.1.11", "10.0.1.1");
    ah_advance(ah, 0.01);
    ck_assert_double_eq(metric("neighbors", ""), 0);
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L3), BASE_FLOWS);
}
END_TEST

/* Hostile bodies (issue 8): a key given twice is refused (the last one
 * would win otherwise), and the DELETEs take no body.  Nothing changes. */
START_TEST(rest_hostile_bodies)
{
    static const struct {
        unsigned method;
        const char *path;
        const char *body;
        const char *detail;
    } cases[] = {
        {SL_REST_POST, "/routes",
         "{\"prefix\": \"10.0.7.0/24x\", \"prefix\": \"10.0.7.0/24\", "
         "\"next_hop\": \"10.0.2.7\"}",
         "body: 'prefix' given twice"},
        {SL_REST_POST, "/routes",
         "{\"prefix\": \"10.0.7.0/24\", \"next_hop\": \"10.0.2.7\", "
         "\"next_\\u0068op\": \"10.0.2.8\"}",
         "body: 'next_hop' given twice"},
        {SL_REST_POST, "/interfaces",
         "{\"name\": \"x\", \"ports\": [\"1:3\"], \"ipv4\": \"10.0.5.1/24\", "
         "\"ipv4\": \"10.0.6.1/24\"}",
         "body: 'ipv4' given twice"},
        {SL_REST_DELETE, "/routes/5", "{\"prefix\": \"10.0.3.0/24\"}",
         "DELETE /routes/{id} takes no body"},
        {SL_REST_DELETE, "/routes/5", "x", "takes no body"},
        {SL_REST_DELETE, "/interfaces/net2", "{}", "takes no body"},
    };
    char *reply = NULL;

    base();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ah_rest_expect_400(ah, cases[i].method, cases[i].path, cases[i].body,
                           cases[i].detail);
        ck_assert_uint_eq(ah_flow_count(ah, 1, T_L3), BASE_FLOWS);
    }
    /* White space is no body. */
    ck_assert_int_eq(ah_rest(ah, SL_REST_DELETE, "/routes/5", " \r\n", &reply),
                     200);
    free(reply);
}
END_TEST

static Suite *
l3_suite(void)
{
    Suite *s = suite_create("app-l3");
    TCase *tc;

    tc = tcase_create("config");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_loop_test(tc, config_refused, 0,
                        (int) (sizeof bad_configs / sizeof *bad_configs));
    tcase_add_test(tc, config_accepted);
    suite_add_tcase(s, tc);

    tc = tcase_create("flows");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, flows_on_every_switch);
    tcase_add_test(tc, flows_per_router_mac);
    tcase_add_test(tc, routed_frame_traced);
    suite_add_tcase(s, tc);

    tc = tcase_create("answers");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, arp_reply_bytes);
    tcase_add_test(tc, echo4_reply_bytes);
    tcase_add_test(tc, echo6_and_na_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("resolution");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, resolve4);
    tcase_add_test(tc, resolve6);
    tcase_add_test(tc, queue_bound);
    tcase_add_test(tc, retries_and_give_up);
    tcase_add_test(tc, stale_neighbor_probed);
    tcase_add_test(tc, drops);
    tcase_add_test(tc, static_route_via_next_hop);
    suite_add_tcase(s, tc);

    tc = tcase_create("vlan");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, vlan_two_flows_per_route);
    tcase_add_test(tc, vlan_controller_path);
    suite_add_tcase(s, tc);

    tc = tcase_create("rest");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_loop_test(
        tc, rest_interface_bad_body, 0,
        (int) (sizeof bad_iface_bodies / sizeof *bad_iface_bodies));
    tcase_add_test(tc, rest_interfaces);
    tcase_add_loop_test(
        tc, rest_route_bad_body, 0,
        (int) (sizeof bad_route_bodies / sizeof *bad_route_bodies));
    tcase_add_test(tc, rest_routes);
    tcase_add_test(tc, rest_neighbors_and_metrics);
    tcase_add_test(tc, rest_hostile_bodies);
    tcase_add_test(tc, rest_write_without_routes);
    suite_add_tcase(s, tc);

    tc = tcase_create("misc");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, reconfigure);
    tcase_add_test(tc, odd_packet_ins);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(l3_suite());
}
