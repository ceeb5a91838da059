/* test-app-acl: apps/acl.c run in the app harness (test/app-harness.h).
 *
 * Every match field is proven by tracing a matching and a non-matching
 * frame through the desired flows (a deny rule drops in table "acl", an
 * allow goes on to "l3", a mirror also outputs to its port); then rule
 * order, the default policy, the prerequisites filled in, every kind of
 * invalid rule from the config (EINVAL and a log line naming the rule) and
 * from REST (400 naming the rule), insertion and deletion over REST with
 * the renumbering of priorities, the switches subset, the counters from
 * emitted flow-stats replies, metrics, reconfiguration and the odd
 * events. */
#include <config.h>
#include "apps/app-json.h"
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "test/app-harness.h"
#include "test/test-util.h"

#define DPID 1
#define T_ACL 1 /* the harness's default pipeline: vlan, acl, l3, l2 */
#define T_L3 2
#define NO_VLAN SL_HOST_NO_VLAN
#define MAC1 "00:00:00:00:00:01"
#define MAC2 "00:00:00:00:00:02"

struct frame {
    uint8_t b[1514];
    size_t len;
};

static struct frame
tcp4(const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
    struct frame f;

    f.len = ah_frame_tcp4(f.b, MAC2, MAC1, NO_VLAN, src, dst, sport, dport);
    return f;
}

static struct frame
udp4(const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
    struct frame f;

    f.len = ah_frame_udp4(f.b, MAC2, MAC1, NO_VLAN, src, dst, sport, dport);
    return f;
}

static struct frame
icmp4(uint8_t type, uint8_t code)
{
    struct frame f;

    f.len = ah_frame_icmp4(f.b, MAC2, MAC1, NO_VLAN, "10.0.0.1", "10.0.0.2",
                           64, type, code);
    return f;
}

static struct frame
icmp6(const char *src, const char *dst, uint8_t type)
{
    struct frame f;

    f.len = ah_frame_icmp6(f.b, MAC2, MAC1, NO_VLAN, src, dst, 64, type, NULL,
                           NULL);
    return f;
}

static struct frame
eth(const char *dst, const char *src, uint16_t vlan)
{
    struct frame f;

    f.len =
        ah_frame_tcp4(f.b, dst, src, vlan, "10.0.0.1", "10.0.0.2", 1000, 80);
    return f;
}

static struct frame
arp(void)
{
    struct frame f;

    f.len = ah_frame_arp(f.b, NO_VLAN, 1, MAC1, "10.0.0.1",
                         "00:00:00:00:00:00", "10.0.0.2");
    return f;
}

/* Starts the app with 'yaml' and brings switch 1 (4 ports) up. */
static struct ah *
acl_up(const char *yaml)
{
    int error = 0;
    struct ah *h = ah_new("acl", yaml, &error);

    ck_assert_msg(h != NULL, "acl did not start (%d): %s", error,
                  ah_last_log());
    ah_switch_add(h, DPID, 4);
    ah_emit_switch_up(h, DPID);
    return h;
}

enum fate { DROP, PASS, MIRROR };

/* Where 'f' entering switch 1 by 'in_port' goes. */
static enum fate
fate(struct ah *h, uint32_t in_port, const struct frame *f)
{
    struct ah_trace t;

    ah_trace(h, DPID, in_port, f->b, f->len, &t);
    if (t.dropped) {
        ck_assert_uint_eq(t.n_tables, 2);
        ck_assert_uint_eq(t.tables[1], T_ACL);
        return DROP;
    }
    ck_assert(t.to_controller); /* through l3 and l2's miss */
    ck_assert_uint_ge(t.n_tables, 3);
    ck_assert_uint_eq(t.tables[2], T_L3);
    return t.n_out ? MIRROR : PASS;
}

/* With the single rule 'rule' (deny), 'hit' is dropped and 'miss' passes
 * (both from port 1). */
static void
check_rule(const char *rule, struct frame hit, struct frame miss)
{
    char yaml[512];
    struct ah *h;

    snprintf(yaml, sizeof yaml, "{rules: [%s]}", rule);
    h = acl_up(yaml);
    ck_assert_msg(fate(h, 1, &hit) == DROP, "%s: the hit passed", rule);
    ck_assert_msg(fate(h, 1, &miss) == PASS, "%s: the miss was dropped", rule);
    ah_free(h);
}

/* The string member 'key' of the JSON object 'json' (static storage), or
 * NULL. */
static const char *
json_str(const char *json, const char *key)
{
    static char buf[512];
    struct aj_tok toks[256];
    size_t n;
    int i;

    ck_assert_msg(!aj_parse(json, strlen(json), toks, 256, &n, NULL, 0),
                  "not JSON: %s", json);
    i = aj_member(json, toks, 0, key);
    if (i < 0 || toks[i].type != AJ_STRING ||
        !aj_string(json, &toks[i], buf, sizeof buf)) {
        return NULL;
    }
    return buf;
}

/* Checks 'reply' is valid JSON, then that it contains 'needle'. */
static void
assert_has(const char *reply, const char *needle)
{
    struct aj_tok toks[4096];
    size_t n;

    ck_assert_msg(!aj_parse(reply, strlen(reply), toks, 4096, &n, NULL, 0),
                  "not JSON: %s", reply);
    ck_assert_msg(strstr(reply, needle) != NULL, "'%s' not in %s", needle,
                  reply);
}

static int
rest(struct ah *h, unsigned method, const char *path, const char *body,
     char **reply)
{
    return ah_rest(h, method, path, body, reply);
}

/* POSTs 'body' to /rules and checks 201. */
static void
post_ok(struct ah *h, const char *body)
{
    char *reply = NULL;
    int status = rest(h, SL_REST_POST, "/rules", body, &reply);

    ck_assert_msg(status == 201, "POST %s: %d %s", body, status, reply);
    free(reply);
}

static const struct sl_flow_spec *
flow(struct ah *h, uint64_t dpid, uint16_t prio, const char *match)
{
    struct ah_match m;

    return ah_flow_get(h, dpid, T_ACL, prio, ah_match(&m, match));
}

static void
assert_flow(struct ah *h, uint16_t prio, const char *match, bool allow)
{
    const struct sl_flow_spec *f = flow(h, DPID, prio, match);

    ck_assert_msg(f != NULL, "no flow %u %s", prio, match);
    if (allow) {
        ck_assert_uint_eq(f->instructions.n, 1);
        ck_assert_uint_eq(f->instructions.instructions[0].type,
                          OFPIT_GOTO_TABLE);
        ck_assert_uint_eq(f->instructions.instructions[0].table_id, T_L3);
    } else {
        ck_assert_uint_eq(f->instructions.n, 0);
    }
}

/* ---- fields ---- */

START_TEST(test_field_in_port)
{
    struct ah *h = acl_up("{rules: [{in_port: 2, action: deny}]}");
    struct frame f = tcp4("10.0.0.1", "10.0.0.2", 1000, 80);

    ck_assert_int_eq(fate(h, 2, &f), DROP);
    ck_assert_int_eq(fate(h, 1, &f), PASS);
    ck_assert_int_eq(fate(h, 3, &f), PASS);
    ah_free(h);
}
END_TEST

START_TEST(test_field_eth)
{
    check_rule("{eth_src: \"00:00:00:00:00:01\", action: deny}",
               eth(MAC2, MAC1, NO_VLAN), eth(MAC1, MAC2, NO_VLAN));
    check_rule("{eth_dst: \"00:00:00:00:00:02\", action: deny}",
               eth(MAC2, MAC1, NO_VLAN), eth(MAC1, MAC2, NO_VLAN));
    /* Masked: the locally administered bit. */
    check_rule("{eth_src: \"02:00:00:00:00:00/02:00:00:00:00:00\", "
               "action: deny}",
               eth(MAC2, "06:00:00:00:00:09", NO_VLAN),
               eth(MAC2, "04:00:00:00:00:09", NO_VLAN));
    check_rule("{eth_dst: \"ff:ff:ff:ff:ff:ff\", action: deny}",
               eth("ff:ff:ff:ff:ff:ff", MAC1, NO_VLAN),
               eth(MAC2, MAC1, NO_VLAN));
}
END_TEST

START_TEST(test_field_eth_type)
{
    check_rule("{eth_type: arp, action: deny}", arp(),
               tcp4("10.0.0.1", "10.0.0.2", 1, 2));
    check_rule("{eth_type: 0x0800, action: deny}",
               tcp4("10.0.0.1", "10.0.0.2", 1, 2), arp());
    check_rule("{eth_type: ipv6, action: deny}",
               icmp6("2001:db8::1", "2001:db8::2", 128),
               tcp4("10.0.0.1", "10.0.0.2", 1, 2));
}
END_TEST

START_TEST(test_field_vlan)
{
    struct ah *h;
    struct frame t10 = eth(MAC2, MAC1, 10), t11 = eth(MAC2, MAC1, 11);
    struct frame untagged = eth(MAC2, MAC1, NO_VLAN);

    h = acl_up("{rules: [{vlan: 10, action: deny}]}");
    ck_assert_int_eq(fate(h, 1, &t10), DROP);
    ck_assert_int_eq(fate(h, 1, &t11), PASS);
    ck_assert_int_eq(fate(h, 1, &untagged), PASS);
    ah_free(h);

    h = acl_up("{rules: [{vlan: none, action: deny}]}");
    ck_assert_int_eq(fate(h, 1, &untagged), DROP);
    ck_assert_int_eq(fate(h, 1, &t10), PASS);
    ah_free(h);

    h = acl_up("{rules: [{vlan: any, action: deny}]}");
    ck_assert_int_eq(fate(h, 1, &t10), DROP);
    ck_assert_int_eq(fate(h, 1, &t11), DROP);
    ck_assert_int_eq(fate(h, 1, &untagged), PASS);
    ah_free(h);
}
END_TEST

START_TEST(test_field_ipv4)
{
    check_rule("{ipv4_src: 10.0.0.0/24, action: deny}",
               tcp4("10.0.0.7", "10.0.9.9", 1, 2),
               tcp4("10.0.1.7", "10.0.9.9", 1, 2));
    check_rule("{ipv4_dst: 10.0.9.9, action: deny}",
               tcp4("10.0.0.7", "10.0.9.9", 1, 2),
               tcp4("10.0.0.7", "10.0.9.8", 1, 2));
    /* /0: every IPv4 frame, nothing else. */
    check_rule("{ipv4_dst: 0.0.0.0/0, action: deny}",
               tcp4("10.0.0.7", "10.0.9.8", 1, 2), arp());
}
END_TEST

START_TEST(test_field_ipv6)
{
    check_rule("{ipv6_src: \"2001:db8::/32\", action: deny}",
               icmp6("2001:db8:5::1", "2001:db9::2", 128),
               icmp6("2001:db9::1", "2001:db8::2", 128));
    check_rule("{ipv6_dst: \"2001:db8::2\", action: deny}",
               icmp6("2001:db9::1", "2001:db8::2", 128),
               icmp6("2001:db8::2", "2001:db8::3", 128));
}
END_TEST

START_TEST(test_field_ip_proto)
{
    check_rule("{ip_proto: udp, action: deny}",
               udp4("10.0.0.1", "10.0.0.2", 1, 2),
               tcp4("10.0.0.1", "10.0.0.2", 1, 2));
    check_rule("{ip_proto: 6, action: deny}",
               tcp4("10.0.0.1", "10.0.0.2", 1, 2),
               udp4("10.0.0.1", "10.0.0.2", 1, 2));
    check_rule("{ip_proto: icmpv6, action: deny}",
               icmp6("2001:db8::1", "2001:db8::2", 128), icmp4(8, 0));
    check_rule("{ip_proto: icmp, action: deny}", icmp4(8, 0),
               icmp6("2001:db8::1", "2001:db8::2", 128));
}
END_TEST

START_TEST(test_field_ports)
{
    check_rule("{tcp_src: 1234, action: deny}",
               tcp4("10.0.0.1", "10.0.0.2", 1234, 80),
               tcp4("10.0.0.1", "10.0.0.2", 1235, 1234));
    check_rule("{tcp_dst: 5001, action: deny}",
               tcp4("10.0.0.1", "10.0.0.2", 40000, 5001),
               udp4("10.0.0.1", "10.0.0.2", 40000, 5001));
    check_rule("{udp_src: 53, action: deny}",
               udp4("10.0.0.1", "10.0.0.2", 53, 9),
               tcp4("10.0.0.1", "10.0.0.2", 53, 9));
    check_rule("{udp_dst: 53, action: deny}",
               udp4("10.0.0.1", "10.0.0.2", 9, 53),
               udp4("10.0.0.1", "10.0.0.2", 53, 9));
}
END_TEST

START_TEST(test_field_icmp)
{
    check_rule("{icmp_type: 8, action: deny}", icmp4(8, 0), icmp4(0, 0));
    check_rule("{icmp_type: 3, icmp_code: 3, action: deny}", icmp4(3, 3),
               icmp4(3, 1));
    check_rule("{icmp_code: 1, action: deny}", icmp4(3, 1), icmp4(3, 3));
    /* ICMPv6 when the rule is IPv6. */
    check_rule("{ipv6_dst: \"2001:db8::2\", icmp_type: 128, action: deny}",
               icmp6("2001:db8::1", "2001:db8::2", 128),
               icmp6("2001:db8::1", "2001:db8::2", 129));
    check_rule("{eth_type: ipv6, icmp_type: 129, action: deny}",
               icmp6("2001:db8::1", "2001:db8::2", 129),
               icmp6("2001:db8::1", "2001:db8::2", 128));
    check_rule("{ip_proto: icmpv6, icmp_type: 128, action: deny}",
               icmp6("2001:db8::1", "2001:db8::2", 128), icmp4(8, 0));
}
END_TEST

START_TEST(test_actions)
{
    struct ah *h = acl_up("{default: deny, rules: ["
                          "{tcp_dst: 80, action: allow},"
                          "{tcp_dst: 5001, action: mirror, mirror_port: 3},"
                          "{tcp_dst: 22, action: deny}]}");
    struct frame web = tcp4("10.0.0.1", "10.0.0.2", 1000, 80);
    struct frame iperf = tcp4("10.0.0.1", "10.0.0.2", 1000, 5001);
    struct frame ssh = tcp4("10.0.0.1", "10.0.0.2", 1000, 22);
    struct ah_trace t;

    ck_assert_int_eq(fate(h, 1, &web), PASS);
    ck_assert_int_eq(fate(h, 1, &ssh), DROP);
    ck_assert_int_eq(fate(h, 1, &iperf), MIRROR);
    ah_trace(h, DPID, 1, iperf.b, iperf.len, &t);
    ck_assert_uint_eq(t.n_out, 1);
    ck_assert_uint_eq(t.out[0].port, 3);
    ck_assert_uint_eq(t.out[0].len, iperf.len);
    ck_assert(!memcmp(t.out[0].frame, iperf.b, iperf.len));
    ck_assert(t.to_controller); /* and on through l3 and l2 */
    ah_free(h);
}
END_TEST

/* ---- order, default, prerequisites ---- */

START_TEST(test_order_first_match_wins)
{
    struct ah *h = acl_up("{rules: ["
                          "{name: admin, ipv4_src: 10.0.0.1, tcp_dst: 22, "
                          "action: allow},"
                          "{name: no-ssh, tcp_dst: 22, action: deny},"
                          "{name: all-ssh, tcp_dst: 22, action: allow}]}");
    struct frame admin = tcp4("10.0.0.1", "10.0.0.2", 1000, 22);
    struct frame other = tcp4("10.0.0.3", "10.0.0.2", 1000, 22);

    ck_assert_int_eq(fate(h, 1, &admin), PASS);
    ck_assert_int_eq(fate(h, 1, &other), DROP);
    assert_flow(h, 1002,
                "eth_type=0x0800,ip_proto=6,ipv4_src=10.0.0.1,"
                "tcp_dst=22",
                true);
    assert_flow(h, 1001, "eth_type=0x0800,ip_proto=6,tcp_dst=22", false);
    assert_flow(h, 1000, "eth_type=0x86dd,ip_proto=6,tcp_dst=22", true);
    ck_assert_uint_eq(ah_flow_count(h, DPID, T_ACL), 5);
    ck_assert_uint_eq(ah_flow_count(h, DPID, -1), 5);
    ah_free(h);
}
END_TEST

START_TEST(test_default_deny)
{
    struct ah *h = acl_up("{default: deny, rules: ["
                          "{eth_type: arp, action: allow}]}");
    struct frame a = arp(), ip = tcp4("10.0.0.1", "10.0.0.2", 1, 2);
    struct ah_match m;
    char *reply = NULL;

    ck_assert_int_eq(fate(h, 1, &a), PASS);
    ck_assert_int_eq(fate(h, 1, &ip), DROP);
    ck_assert_ptr_nonnull(ah_flow_get(h, DPID, T_ACL, 2, ah_match(&m, "")));
    ck_assert_uint_eq(ah_flow_count(h, DPID, T_ACL), 2);

    ck_assert_int_eq(rest(h, SL_REST_GET, "/default", NULL, &reply), 200);
    assert_has(reply, "\"default\":\"deny\"");
    free(reply);
    ck_assert_int_eq(
        rest(h, SL_REST_PUT, "/default", "{\"default\": \"allow\"}", &reply),
        200);
    assert_has(reply, "\"default\":\"allow\"");
    free(reply);
    ah_advance(h, 1);
    ck_assert_ptr_null(ah_flow_get(h, DPID, T_ACL, 2, ah_match(&m, "")));
    ck_assert_int_eq(fate(h, 1, &ip), PASS);
    ck_assert_uint_eq(ah_flow_count(h, DPID, T_ACL), 1);

    ck_assert_int_eq(
        rest(h, SL_REST_PUT, "/default", "{\"default\": \"deny\"}", &reply),
        200);
    free(reply);
    ah_advance(h, 1);
    ck_assert_int_eq(fate(h, 1, &ip), DROP);
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &reply), 200);
    assert_has(reply, "{\"default\":\"deny\",\"rules\":[");
    free(reply);

    /* Refused: not the shape, not a policy, not JSON. */
    static const char *const bad[] = {
        "{\"default\": \"maybe\"}",
        "{\"default\": true}",
        "{\"policy\": \"deny\"}",
        "{}",
        "[\"deny\"]",
        "",
        "{\"default\": \"deny\", \"x\": 1}",
        "{\"default\": \"deny\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_int_eq(rest(h, SL_REST_PUT, "/default", bad[i], &reply),
                         400);
        ck_assert_ptr_nonnull(json_str(reply, "error"));
        ck_assert_ptr_nonnull(json_str(reply, "detail"));
        free(reply);
    }
    ah_advance(h, 1);
    ck_assert_int_eq(fate(h, 1, &ip), DROP);
    ah_free(h);
}
END_TEST

START_TEST(test_prerequisites)
{
    struct ah *h = acl_up(
        "{rules: ["
        "{tcp_dst: 5001, action: deny},"                            /* 1008 */
        "{ipv4_src: 10.0.0.0/8, action: allow},"                    /* 1007 */
        "{icmp_type: 8, action: deny},"                             /* 1006 */
        "{ipv6_src: \"fe80::/10\", icmp_type: 135, action: allow}," /* 1005 */
        "{eth_type: ipv6, udp_dst: 53, action: deny},"              /* 1004 */
        "{vlan: none, in_port: 4, action: deny},"                   /* 1003 */
        "{vlan: any, action: deny},"                                /* 1002 */
        "{vlan: 10, ipv4_dst: 0.0.0.0/0, action: deny},"            /* 1001 */
        "{eth_dst: \"01:00:00:00:00:00/01:00:00:00:00:00\", "
        "action: allow}]}"); /* 1000 */

    assert_flow(h, 1008, "eth_type=0x0800,ip_proto=6,tcp_dst=5001", false);
    assert_flow(h, 1008, "eth_type=0x86dd,ip_proto=6,tcp_dst=5001", false);
    assert_flow(h, 1007, "eth_type=0x0800,ipv4_src=10.0.0.0/8", true);
    assert_flow(h, 1006, "eth_type=0x0800,ip_proto=1,icmpv4_type=8", false);
    assert_flow(h, 1005,
                "eth_type=0x86dd,ip_proto=58,ipv6_src=fe80::/10,"
                "icmpv6_type=135",
                true);
    assert_flow(h, 1004, "eth_type=0x86dd,ip_proto=17,udp_dst=53", false);
    assert_flow(h, 1003, "in_port=4,vlan_vid=0", false);
    assert_flow(h, 1002, "vlan_vid=0x1000/0x1000", false);
    assert_flow(h, 1001, "vlan_vid=0x100a,eth_type=0x0800", false);
    assert_flow(h, 1000, "eth_dst=01:00:00:00:00:00/01:00:00:00:00:00", true);
    ck_assert_uint_eq(ah_flow_count(h, DPID, T_ACL), 10);
    ah_free(h);
}
END_TEST

/* The brief's example config, in block style with plain MACs. */
START_TEST(test_block_style_config)
{
    struct ah *h = acl_up("default: allow\n"
                          "switches: all\n"
                          "stats_interval: 10\n"
                          "rules:\n"
                          "  - name: no-iperf\n"
                          "    in_port: 1\n"
                          "    eth_src: 00:00:00:00:00:01\n"
                          "    eth_dst: 02:00:00:00:00:00/ff:ff:ff:00:00:00\n"
                          "    eth_type: ipv4\n"
                          "    ipv4_src: 10.0.0.0/8\n"
                          "    ip_proto: tcp\n"
                          "    tcp_dst: 5001\n"
                          "    action: deny\n"
                          "  - name: tap\n"
                          "    ipv6_dst: 2001:db8::/32\n"
                          "    action: mirror\n"
                          "    mirror_port: 3\n");
    char *reply = NULL;

    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules/1", NULL, &reply), 200);
    assert_has(reply,
               "{\"id\":1,\"name\":\"no-iperf\",\"position\":0,"
               "\"in_port\":1,\"eth_src\":\"00:00:00:00:00:01\","
               "\"eth_dst\":\"02:00:00:00:00:00/ff:ff:ff:00:00:00\","
               "\"eth_type\":\"ipv4\",\"ipv4_src\":\"10.0.0.0/8\","
               "\"ip_proto\":\"tcp\",\"tcp_dst\":5001,\"action\":\"deny\","
               "\"packets\":0,\"bytes\":0}");
    free(reply);
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules/2", NULL, &reply), 200);
    assert_has(reply, "\"ipv6_dst\":\"2001:db8::/32\",\"action\":\"mirror\","
                      "\"mirror_port\":3");
    free(reply);
    ah_free(h);
}
END_TEST

START_TEST(test_invalid_config)
{
    static const struct {
        const char *yaml;
        const char *needle;
    } cases[] = {
        {"{rules: [{tcp_dst: 5001, action: deny, bogus: 1}]}",
         "rule 1: unknown key \"bogus\""},
        {"{rules: [{tcp_dst: 70000, action: deny}]}",
         "rule 1: tcp_dst 70000 out of range 0..65535"},
        {"{rules: [{tcp_dst: eighty, action: deny}]}",
         "rule 1: tcp_dst \"eighty\" is not a number"},
        {"{rules: [{ipv4_src: 10.0.0.1/8, action: deny}]}",
         "rule 1: ipv4_src 10.0.0.1/8 has host bits set (10.0.0.0/8?)"},
        {"{rules: [{ipv6_src: \"2001:db8::1/32\", action: deny}]}",
         "ipv6_src 2001:db8::1/32 has host bits set (2001:db8::/32?)"},
        {"{rules: [{action: allow}, {action: allow}, {name: no-iperf, "
         "ip_proto: udp, tcp_dst: 5001, action: deny}]}",
         "rule 3 (\"no-iperf\"): tcp_dst needs ip_proto tcp, not udp"},
        {"{rules: [{tcp_dst: 1, action: deny, name: late}]}", NULL},
        {"{rules: [{tcp_dst: 1, udp_dst: 2, action: deny}]}",
         "rule 1: udp_dst needs ip_proto udp, not tcp"},
        {"{rules: [{ipv4_src: 10.0.0.0/8, eth_type: ipv6, action: deny}]}",
         "rule 1: ipv4_src needs eth_type ipv4, not ipv6"},
        {"{rules: [{ipv6_dst: \"::1\", eth_type: arp, action: deny}]}",
         "rule 1: ipv6_dst needs eth_type ipv6, not arp"},
        {"{rules: [{ipv4_src: 10.0.0.1, ipv6_dst: \"::1\", action: deny}]}",
         "rule 1: ipv4_src and ipv6_dst: a rule is IPv4 or IPv6, not both"},
        {"{rules: [{eth_type: arp, ip_proto: tcp, action: deny}]}",
         "rule 1: ip_proto needs eth_type ipv4 or ipv6, not arp"},
        {"{rules: [{eth_type: 0x88cc, tcp_dst: 1, action: deny}]}",
         "rule 1: tcp_dst needs eth_type ipv4 or ipv6, not 0x88cc"},
        {"{rules: [{ip_proto: tcp, icmp_type: 8, action: deny}]}",
         "rule 1: icmp_type needs ip_proto icmp or icmpv6, not tcp"},
        {"{rules: [{ip_proto: icmp, ipv6_src: \"::1\", icmp_type: 8, "
         "action: deny}]}",
         "icmp_type: ip_proto icmp is ICMPv4"},
        {"{rules: [{ip_proto: icmpv6, ipv4_src: 1.2.3.4, icmp_code: 0, "
         "action: deny}]}",
         "icmp_code: ip_proto icmpv6 is ICMPv6"},
        {"{rules: [{action: mirror}]}",
         "rule 1: action mirror needs mirror_port"},
        {"{rules: [{action: allow, mirror_port: 2}]}",
         "rule 1: mirror_port needs action mirror, not allow"},
        {"{rules: [{tcp_dst: 1}]}",
         "rule 1: action missing (deny, allow or mirror)"},
        {"{rules: [{action: bogus}]}",
         "rule 1: action \"bogus\" is not deny, allow or mirror"},
        {"{rules: [{eth_src: \"00:00:00:00:00\", action: deny}]}",
         "rule 1: eth_src \"00:00:00:00:00\" is not a MAC address"},
        {"{rules: [{eth_src: \"00:00:00:00:00:01/ff:ff:ff:00:00:00\", "
         "action: deny}]}",
         "has bits set outside its mask"},
        {"{rules: [{eth_type: 0x42, action: deny}]}",
         "rule 1: eth_type 0x42 out of range 1536..65535"},
        {"{rules: [{eth_type: ip, action: deny}]}",
         "eth_type \"ip\" is not ipv4, ipv6, arp or a number"},
        {"{rules: [{vlan: 4096, action: deny}]}",
         "rule 1: vlan 4096 out of range 0..4095"},
        {"{rules: [{vlan: untagged, action: deny}]}",
         "vlan \"untagged\" is not a VLAN id, none or any"},
        {"{rules: [{in_port: 0, action: deny}]}",
         "rule 1: in_port 0 out of range 1..4294967040"},
        {"{rules: [{ip_proto: 256, action: deny}]}",
         "ip_proto 256 out of range 0..255"},
        {"{rules: [{ip_proto: sctp, action: deny}]}",
         "ip_proto \"sctp\" is not tcp, udp, icmp, icmpv6 or a number"},
        {"{rules: [{icmp_type: 300, action: deny}]}",
         "icmp_type 300 out of range 0..255"},
        {"{rules: [{ipv4_dst: 10.0.0.0/33, action: deny}]}",
         "ipv4_dst \"10.0.0.0/33\" is not an IPv4 address or prefix"},
        {"{rules: [{ipv4_dst: \"::1\", action: deny}]}",
         "ipv4_dst \"::1\" is not an IPv4 address or prefix"},
        {"{rules: [{ipv6_dst: 10.0.0.1, action: deny}]}",
         "ipv6_dst \"10.0.0.1\" is not an IPv6 address or prefix"},
        {"{rules: [{name: \"bad name!\", action: deny}]}",
         "rule 1: name \"bad name!\" must be 1 to 63 of"},
        {"{rules: [{name: ok, tcp_dst: [1, 2], action: deny}]}",
         "rule 1 (\"ok\"): tcp_dst must be one value, not a list"},
        {"{rules: [{action: deny}, 5]}",
         "rule 2: must be a mapping of fields"},
        {"{rules: [{tcp_dst: 1, tcp_dst: 2, action: deny}]}",
         "rule 1: tcp_dst given twice"},
        {"rules:\n  - ? [a]\n    : 1\n    action: deny\n",
         "rule 1: a key is not a field name"},
        {"{rules: {action: deny}}", "rules: want a list of rules"},
        {"{bogus: 1}", "unknown key \"bogus\""},
        {"{default: maybe}", "default: want allow or deny"},
        {"{default: allow, default: deny}", "default given twice"},
        {"{switches: some}", "switches: want all or a list"},
        {"{switches: [1, x]}", "switches: item 2 \"x\" is not a datapath id"},
        {"{switches: [[1]]}", "switches: item 1 \"(not a scalar)\""},
        {"{stats_interval: -1}", "stats_interval: want seconds, 0..86400"},
        {"{stats_interval: 86401}", "stats_interval: want seconds"},
        {"[1, 2]", "want a mapping"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int error = 0;
        struct ah *h = ah_new("acl", cases[i].yaml, &error);

        if (!cases[i].needle) { /* a name after the fields is fine */
            ck_assert_msg(h != NULL, "%s: %s", cases[i].yaml, ah_last_log());
            ah_free(h);
            continue;
        }
        ck_assert_msg(h == NULL, "accepted: %s", cases[i].yaml);
        ck_assert_int_eq(error, EINVAL);
        ck_assert_msg(strstr(ah_last_log(), cases[i].needle) != NULL,
                      "%s: want '%s' in the log: %s", cases[i].yaml,
                      cases[i].needle, ah_last_log());
        ck_assert_msg(strstr(ah_last_log(), "config: ") != NULL, "%s",
                      ah_last_log());
    }
}
END_TEST

/* A config of 'n' rules "{action: deny}" (malloc'd). */
static char *
many_rules(size_t n, const char *extra)
{
    size_t cap = 64 + n * 20 + strlen(extra);
    char *yaml = malloc(cap);
    size_t len = 0;

    ck_assert_ptr_nonnull(yaml);
    len += (size_t) snprintf(yaml, cap, "{%srules: [", extra);
    for (size_t i = 0; i < n; i++) {
        len += (size_t) snprintf(yaml + len, cap - len, "%s{action: deny}",
                                 i ? ", " : "");
    }
    snprintf(yaml + len, cap - len, "]}");
    return yaml;
}

START_TEST(test_max_rules)
{
    char *yaml = many_rules(4097, "");
    int error = 0;
    struct ah *h = ah_new("acl", yaml, &error);
    char *reply = NULL;

    ck_assert_ptr_null(h);
    ck_assert_int_eq(error, EINVAL);
    ck_assert_msg(strstr(ah_last_log(), "rules: 4097 rules, at most 4096"),
                  "%s", ah_last_log());
    free(yaml);

    yaml = many_rules(4096, "");
    h = ah_new("acl", yaml, &error);
    free(yaml);
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(rest(h, SL_REST_POST, "/rules",
                          "{\"name\": \"one-more\", \"action\": \"deny\"}",
                          &reply),
                     400);
    ck_assert_str_eq(json_str(reply, "detail"), "rule (\"one-more\"): too "
                                                "many rules (at most 4096)");
    free(reply);
    ck_assert_double_eq(ah_metric(h, "sluice_acl_rules", ""), 4096);
    ck_assert_int_eq(rest(h, SL_REST_DELETE, "/rules/4096", NULL, &reply),
                     200);
    free(reply);
    post_ok(h, "{\"action\": \"deny\"}");
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules/4097", NULL, &reply), 200);
    assert_has(reply, "\"position\":4095");
    free(reply);
    ah_free(h);
}
END_TEST

/* ---- REST ---- */

START_TEST(test_rest_invalid)
{
    static const struct {
        const char *body;
        const char *error;
        const char *detail; /* a prefix of the detail */
    } cases[] = {
        {"{\"tcp_dst\": 70000, \"action\": \"deny\"}", "invalid rule",
         "rule: tcp_dst 70000 out of range 0..65535"},
        {"{\"ipv4_src\": \"10.0.0.1/8\", \"action\": \"deny\"}",
         "invalid rule",
         "rule: ipv4_src 10.0.0.1/8 has host bits set (10.0.0.0/8?)"},
        {"{\"action\": \"bogus\"}", "invalid rule",
         "rule: action \"bogus\" is not deny, allow or mirror"},
        {"{\"action\": \"deny\", \"name\": \"no-iperf\", \"ip_proto\": "
         "\"udp\", \"tcp_dst\": 5001}",
         "invalid rule",
         "rule (\"no-iperf\"): tcp_dst needs ip_proto tcp, not udp"},
        {"{\"action\": \"deny\", \"colour\": \"red\"}", "invalid rule",
         "rule: unknown key \"colour\""},
        {"{\"action\": \"deny\", \"tcp_dst\": 1, \"tcp_dst\": 2}",
         "invalid rule", "rule: tcp_dst given twice"},
        {"{\"action\": \"deny\", \"tcp_dst\": true}", "invalid rule",
         "rule: tcp_dst must be a string or a number"},
        {"{\"action\": \"deny\", \"tcp_dst\": [80]}", "invalid rule",
         "rule: tcp_dst must be a string or a number"},
        {"{\"action\": \"deny\", \"tcp_dst\": null}", "invalid rule",
         "rule: tcp_dst must be a string or a number"},
        {"{\"action\": \"deny\", \"tcp_dst\": 80.5}", "invalid rule",
         "rule: tcp_dst \"80.5\" is not a number"},
        {"{\"action\": \"deny\", \"tcp_dst\": -1}", "invalid rule",
         "rule: tcp_dst \"-1\" is not a number"},
        {"{\"action\": \"deny\", \"in_port\": 1e3}", "invalid rule",
         "rule: in_port \"1e3\" is not a number"},
        {"{\"action\": \"deny\", \"position\": -1}", "invalid rule",
         "rule: position must be a whole number from 0"},
        {"{\"action\": \"deny\", \"position\": \"0\"}", "invalid rule",
         "rule: position must be a whole number from 0"},
        {"{\"action\": \"deny\", \"position\": 0, \"position\": 0}",
         "invalid rule", "rule: position given twice"},
        {"{\"action\": \"deny\", \"position\": 3}", "invalid rule",
         "rule: position 3 is past the end (2 rules)"},
        {"{\"action\": \"mirror\"}", "invalid rule",
         "rule: action mirror needs mirror_port"},
        {"{\"name\": \"x y\", \"action\": \"deny\"}", "invalid rule",
         "rule: name \"x y\" must be 1 to 63"},
        {"{\"name\": \"\\u0000\", \"action\": \"deny\"}", "invalid rule",
         "rule: name: \\u0000 (NUL) in the value"},
        {"{\"id\": 5, \"action\": \"deny\"}", "invalid rule",
         "rule: unknown key \"id\""},
        {"{}", "invalid rule", "rule: action missing"},
        {"[]", "invalid rule", "rule: want a JSON object"},
        {"\"deny\"", "invalid rule", "rule: want a JSON object"},
        {"", "bad JSON", "at byte 0"},
        {"{\"action\": \"deny\",}", "bad JSON", "at byte"},
        {"{\"action\": \"deny\"} x", "bad JSON", "at byte"},
        {"{\"action\": \"de\xffny\"}", "bad JSON", "at byte"},
    };
    struct ah *h = acl_up("{rules: [{tcp_dst: 80, action: allow}, "
                          "{tcp_dst: 22, action: deny}]}");
    char *reply = NULL, *before = NULL, *after = NULL;
    char big[8192];
    size_t len;

    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &before), 200);
    ah_reset_counts(h);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *d;

        ck_assert_int_eq(
            rest(h, SL_REST_POST, "/rules", cases[i].body, &reply), 400);
        ck_assert_str_eq(json_str(reply, "error"), cases[i].error);
        d = json_str(reply, "detail");
        ck_assert_msg(
            d && !strncmp(d, cases[i].detail, strlen(cases[i].detail)),
            "%s: want '%s...', got %s", cases[i].body, cases[i].detail, reply);
        free(reply);
    }
    /* Too many values for the token budget. */
    len = (size_t) snprintf(big, sizeof big,
                            "{\"action\": \"deny\", "
                            "\"name\": [");
    for (size_t i = 0; i < 300; i++) {
        len += (size_t) snprintf(big + len, sizeof big - len, "%s1",
                                 i ? "," : "");
    }
    snprintf(big + len, sizeof big - len, "]}");
    ck_assert_int_eq(rest(h, SL_REST_POST, "/rules", big, &reply), 400);
    ck_assert_str_eq(json_str(reply, "detail"), "too many values for one "
                                                "rule");
    free(reply);

    /* Nothing changed. */
    ah_advance(h, 1);
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &after), 200);
    ck_assert_str_eq(before, after);
    ck_assert_uint_eq(ah_counts(h).flow_adds, 0);
    ck_assert_uint_eq(ah_counts(h).flow_dels, 0);
    ck_assert_double_eq(ah_metric(h, "sluice_acl_rejected_total", ""),
                        sizeof cases / sizeof *cases + 1);
    free(before);
    free(after);

    /* Bad and unknown ids. */
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules/abc", NULL, &reply), 400);
    ck_assert_str_eq(json_str(reply, "detail"), "rule id \"abc\" is not a "
                                                "number from 1");
    free(reply);
    ck_assert_int_eq(rest(h, SL_REST_DELETE, "/rules/0", NULL, &reply), 400);
    free(reply);
    ck_assert_int_eq(
        rest(h, SL_REST_DELETE, "/rules/99999999999", NULL, &reply), 400);
    free(reply);
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules/7", NULL, &reply), 404);
    ck_assert_str_eq(json_str(reply, "error"), "no such rule");
    ck_assert_str_eq(json_str(reply, "detail"), "no rule 7");
    free(reply);
    ck_assert_int_eq(rest(h, SL_REST_DELETE, "/rules/7", NULL, &reply), 404);
    free(reply);
    ck_assert_int_eq(rest(h, SL_REST_PUT, "/rules", "{}", &reply), 405);
    free(reply);
    ah_free(h);
}
END_TEST

/* The priorities of the flows of the rules, in order (v4 flows only). */
static void
assert_prios(struct ah *h, const char *const *matches, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(
            flow(h, DPID, (uint16_t) (1000 + n - 1 - i), matches[i]) != NULL,
            "rule %zu (%s) not at %zu", i, matches[i], 1000 + n - 1 - i);
    }
    ck_assert_uint_eq(ah_flow_count(h, DPID, T_ACL), 2 * n);
}

#define M80 "eth_type=0x0800,ip_proto=6,tcp_dst=80"
#define M22 "eth_type=0x0800,ip_proto=6,tcp_dst=22"
#define M25 "eth_type=0x0800,ip_proto=6,tcp_dst=25"
#define M53 "eth_type=0x0800,ip_proto=17,udp_dst=53"

START_TEST(test_rest_insert_renumbers)
{
    struct ah *h = acl_up("{rules: [{name: web, tcp_dst: 80, action: allow},"
                          "{name: ssh, tcp_dst: 22, action: deny}]}");
    char *reply = NULL;

    assert_prios(h, (const char *[]){M80, M22}, 2);

    /* Inserted in the middle: the rules before it move up. */
    ck_assert_int_eq(rest(h, SL_REST_POST, "/rules",
                          "{\"name\": \"mail\", \"tcp_dst\": 25, "
                          "\"action\": \"deny\", \"position\": 1}",
                          &reply),
                     201);
    assert_has(reply, "{\"id\":3,\"name\":\"mail\",\"position\":1,"
                      "\"tcp_dst\":25,\"action\":\"deny\",\"packets\":0,"
                      "\"bytes\":0}");
    free(reply);
    /* Applied a moment later, in one pass. */
    ck_assert_ptr_null(flow(h, DPID, 1001, M25));
    ah_advance(h, 1);
    assert_prios(h, (const char *[]){M80, M25, M22}, 3);

    /* Appended: every rule moves up. */
    post_ok(h, "{\"udp_dst\": 53, \"action\": \"allow\"}");
    ah_advance(h, 1);
    assert_prios(h, (const char *[]){M80, M25, M22, M53}, 4);

    /* At the front: nothing else moves. */
    ah_reset_counts(h);
    post_ok(h, "{\"udp_dst\": 5353, \"action\": \"deny\", \"position\": 0}");
    ah_advance(h, 1);
    assert_prios(h,
                 (const char *[]){"eth_type=0x0800,ip_proto=17,udp_dst=5353",
                                  M80, M25, M22, M53},
                 5);
    ck_assert_uint_eq(ah_counts(h).flow_dels, 0);

    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &reply), 200);
    assert_has(reply, "{\"id\":5,\"position\":0,");
    assert_has(reply, "{\"id\":1,\"name\":\"web\",\"position\":1,");
    assert_has(reply, "{\"id\":3,\"name\":\"mail\",\"position\":2,");
    assert_has(reply, "{\"id\":2,\"name\":\"ssh\",\"position\":3,");
    assert_has(reply, "{\"id\":4,\"position\":4,");
    free(reply);

    /* A burst is applied once: two POSTs, one pass. */
    post_ok(h, "{\"tcp_dst\": 1, \"action\": \"deny\"}");
    post_ok(h, "{\"tcp_dst\": 2, \"action\": \"deny\"}");
    ah_reset_counts(h);
    ah_advance(h, 1);
    ck_assert_uint_eq(ah_counts(h).flow_adds, 14); /* 7 rules, v4 + v6 */
    ck_assert_uint_eq(ah_flow_count(h, DPID, T_ACL), 14);
    ah_free(h);
}
END_TEST

START_TEST(test_rest_delete)
{
    struct ah *h = acl_up("{rules: [{tcp_dst: 80, action: allow},"
                          "{tcp_dst: 22, action: deny},"
                          "{tcp_dst: 25, action: deny}]}");
    struct frame ssh = tcp4("10.0.0.1", "10.0.0.2", 1000, 22);
    char *reply = NULL;

    ck_assert_int_eq(fate(h, 1, &ssh), DROP);
    ck_assert_int_eq(rest(h, SL_REST_DELETE, "/rules/2", NULL, &reply), 200);
    ck_assert_str_eq(reply, "{\"deleted\":2}");
    free(reply);
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules/2", NULL, &reply), 404);
    free(reply);
    ck_assert_int_eq(rest(h, SL_REST_DELETE, "/rules/2", NULL, &reply), 404);
    free(reply);
    ah_advance(h, 1);
    ck_assert_int_eq(fate(h, 1, &ssh), PASS);
    assert_prios(h, (const char *[]){M80, M25}, 2);

    /* Deleted and the same match added back before the apply: the flow
     * stays (it is not deleted after being re-stated). */
    ck_assert_int_eq(rest(h, SL_REST_DELETE, "/rules/1", NULL, &reply), 200);
    free(reply);
    post_ok(h, "{\"tcp_dst\": 80, \"action\": \"allow\", \"position\": 0}");
    ah_advance(h, 1);
    assert_prios(h, (const char *[]){M80, M25}, 2);

    /* A rule added and deleted before the apply leaves nothing. */
    post_ok(h, "{\"tcp_dst\": 99, \"action\": \"deny\"}");
    ck_assert_int_eq(rest(h, SL_REST_DELETE, "/rules/5", NULL, &reply), 200);
    free(reply);
    ah_advance(h, 1);
    assert_prios(h, (const char *[]){M80, M25}, 2);

    /* All gone. */
    ck_assert_int_eq(rest(h, SL_REST_DELETE, "/rules/3", NULL, &reply), 200);
    free(reply);
    ck_assert_int_eq(rest(h, SL_REST_DELETE, "/rules/4", NULL, &reply), 200);
    free(reply);
    ah_advance(h, 1);
    ck_assert_uint_eq(ah_flow_count(h, DPID, -1), 0);
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &reply), 200);
    ck_assert_str_eq(reply, "{\"default\":\"allow\",\"rules\":[]}");
    free(reply);
    ah_free(h);
}
END_TEST

/* Two rules with the same match: renumbering moves one onto the other's
 * old identity, which must not then be deleted. */
START_TEST(test_rest_same_match_renumbered)
{
    struct ah *h = acl_up("{rules: [{tcp_dst: 80, action: deny},"
                          "{tcp_dst: 80, action: allow}]}");

    assert_flow(h, 1001, M80, false);
    assert_flow(h, 1000, M80, true);
    post_ok(h, "{\"udp_dst\": 53, \"action\": \"allow\"}");
    ah_advance(h, 1);
    assert_flow(h, 1002, M80, false);
    assert_flow(h, 1001, M80, true);
    assert_flow(h, 1000, M53, true);
    ck_assert_uint_eq(ah_flow_count(h, DPID, T_ACL), 6);
    ah_free(h);
}
END_TEST

START_TEST(test_rest_normalised)
{
    struct ah *h = acl_up(NULL);
    char *reply = NULL;

    ck_assert_int_eq(rest(h, SL_REST_POST, "/rules",
                          "{\"name\": \"n1\", \"eth_src\": "
                          "\"AA:BB:CC:DD:EE:FF\", \"eth_type\": \"0x0800\", "
                          "\"ipv4_dst\": \"10.1.2.0/24\", \"ip_proto\": 17, "
                          "\"udp_dst\": \"53\", \"vlan\": \"NONE\", "
                          "\"action\": \"ALLOW\"}",
                          &reply),
                     201);
    assert_has(reply,
               "{\"id\":1,\"name\":\"n1\",\"position\":0,"
               "\"eth_src\":\"aa:bb:cc:dd:ee:ff\",\"eth_type\":\"ipv4\","
               "\"vlan\":\"none\",\"ipv4_dst\":\"10.1.2.0/24\","
               "\"ip_proto\":\"udp\",\"udp_dst\":53,\"action\":\"allow\"");
    free(reply);
    ck_assert_int_eq(rest(h, SL_REST_POST, "/rules",
                          "{\"ipv6_src\": \"2001:DB8:0:0::1/128\", "
                          "\"ip_proto\": 47, \"eth_type\": 34525, "
                          "\"vlan\": 7, \"action\": \"deny\"}",
                          &reply),
                     201);
    assert_has(reply, "\"eth_type\":\"ipv6\",\"vlan\":7,"
                      "\"ipv6_src\":\"2001:db8::1\",\"ip_proto\":47,");
    free(reply);
    ck_assert_int_eq(rest(h, SL_REST_POST, "/rules",
                          "{\"eth_type\": \"0x88CC\", \"vlan\": \"any\", "
                          "\"action\": \"mirror\", \"mirror_port\": 2}",
                          &reply),
                     201);
    assert_has(reply, "\"eth_type\":\"0x88cc\",\"vlan\":\"any\","
                      "\"action\":\"mirror\",\"mirror_port\":2,");
    free(reply);
    ah_advance(h, 1);
    ck_assert_uint_eq(ah_flow_count(h, DPID, T_ACL), 3);
    ah_free(h);
}
END_TEST

/* A small deterministic generator for the property tests. */
static uint32_t
rnd(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

/* Random rules from a pool of good and bad values: each is accepted (201)
 * or refused (400), and every accepted one becomes flows the host takes. */
START_TEST(test_rest_random_rules)
{
    static const char *const pool[][5] = {
        {"in_port", "1", "4294967040", "0", "\"x\""},
        {"eth_src", "\"00:00:00:00:00:01\"",
         "\"02:00:00:00:00:00/02:00:00:00:00:00\"", "\"1:2:3\"", "5"},
        {"eth_dst", "\"ff:ff:ff:ff:ff:ff\"",
         "\"00:00:00:00:00:00/01:00:"
         "00:00:00:00\"",
         "\"01:00:00:00:00:00/00:00:00:00:00:01\"", "-1"},
        {"eth_type", "\"ipv4\"", "\"ipv6\"", "\"arp\"", "34525"},
        {"vlan", "10", "\"none\"", "\"any\"", "4096"},
        {"ipv4_src", "\"10.0.0.0/8\"", "\"10.0.0.1\"", "\"0.0.0.0/0\"",
         "\"10.0.0.1/8\""},
        {"ipv4_dst", "\"192.168.1.0/24\"", "\"1.2.3.4/32\"", "\"1.2.3\"",
         "\"::1\""},
        {"ipv6_src", "\"2001:db8::/32\"", "\"::/0\"", "\"fe80::1\"",
         "\"2001:db8::1/32\""},
        {"ipv6_dst", "\"::1\"", "\"2001:db8:1::/48\"", "\"x::\"",
         "\"::/129\""},
        {"ip_proto", "\"tcp\"", "\"udp\"", "\"icmp\"", "\"icmpv6\""},
        {"tcp_src", "1", "65535", "65536", "\"22\""},
        {"tcp_dst", "80", "0", "1e1", "\"5001\""},
        {"udp_src", "68", "53", "-5", "\"53\""},
        {"udp_dst", "67", "5353", "0x35", "70000"},
        {"icmp_type", "8", "0", "135", "256"},
        {"icmp_code", "0", "3", "255", "\"a\""},
        {"action", "\"deny\"", "\"allow\"", "\"mirror\"", "\"drop\""},
        {"mirror_port", "3", "1", "0", "\"2\""},
        {"name", "\"r1\"", "\"a.b-c_d\"", "\"\"", "\"a b\""},
    };
    struct ah *h = acl_up(NULL);
    uint32_t state = 7;
    size_t accepted = 0, refused = 0;

    for (size_t i = 0; i < 1500; i++) {
        char body[1024];
        size_t len = (size_t) snprintf(body, sizeof body, "{");
        char *reply = NULL;
        int status;

        for (size_t f = 0; f < sizeof pool / sizeof *pool; f++) {
            if (rnd(&state) % 5 < (f == 16 ? 4u : 1u)) {
                len += (size_t) snprintf(body + len, sizeof body - len,
                                         "%s\"%s\": %s", len > 1 ? ", " : "",
                                         pool[f][0],
                                         pool[f][1 + rnd(&state) % 4]);
            }
        }
        snprintf(body + len, sizeof body - len, "}");
        status = rest(h, SL_REST_POST, "/rules", body, &reply);
        ck_assert_msg(status == 201 || status == 400, "%s: %d %s", body,
                      status, reply);
        if (status == 201) {
            accepted++;
        } else {
            ck_assert_ptr_nonnull(json_str(reply, "detail"));
            refused++;
        }
        free(reply);
        if (i % 300 == 299) {
            ah_advance(h, 1);
            ck_assert_msg(!ah_log_contains(h, "refused"),
                          "a valid rule made a flow the host refused");
        }
    }
    ck_assert_uint_gt(accepted, 50);
    ck_assert_uint_gt(refused, 50);
    ck_assert_double_eq(ah_metric(h, "sluice_acl_rules", ""),
                        (double) accepted);
    ck_assert_uint_ge(ah_flow_count(h, DPID, T_ACL), accepted);
    ah_free(h);
}
END_TEST

/* Mutated bodies (bytes flipped, cut, doubled): 201 or 400, never worse. */
START_TEST(test_rest_mutated_bodies)
{
    static const char *const seeds[] = {
        "{\"name\": \"no-iperf\", \"tcp_dst\": 5001, \"action\": "
        "\"deny\", \"position\": 0}",
        "{\"ipv6_src\": \"2001:db8::/32\", \"icmp_type\": 128, "
        "\"action\": \"mirror\", \"mirror_port\": 2}",
        "{\"eth_src\": \"00:00:00:00:00:01/ff:ff:ff:ff:ff:ff\", "
        "\"vlan\": \"none\", \"action\": \"allow\"}",
    };
    struct ah *h = acl_up(NULL);
    uint32_t state = 99;

    for (size_t i = 0; i < 3000; i++) {
        const char *seed = seeds[i % 3];
        char body[512];
        size_t len = strlen(seed);
        char *reply = NULL;
        int status;

        memcpy(body, seed, len + 1);
        for (uint32_t k = 1 + rnd(&state) % 3; k > 0; k--) {
            size_t at = rnd(&state) % len;
            switch (rnd(&state) % 3) {
            case 0:
                body[at] = (char) (rnd(&state) & 0xff);
                break;
            case 1:
                len = at; /* cut */
                break;
            default:
                if (len < sizeof body / 2) {
                    memcpy(body + len, body, len); /* doubled */
                    len *= 2;
                }
                break;
            }
            body[len] = '\0';
            if (!len) {
                break;
            }
        }
        status = ah_rest(h, SL_REST_POST, "/rules", body, &reply);
        ck_assert_msg(status == 201 || status == 400, "%d for %s", status,
                      body);
        free(reply);
        if (i % 1000 == 999) {
            ah_advance(h, 1);
            ck_assert(!ah_log_contains(h, "refused"));
        }
    }
    ah_free(h);
}
END_TEST

/* ---- switches ---- */

START_TEST(test_switches_subset)
{
    int error = 0;
    struct ah *h = ah_new("acl",
                          "{switches: [1, \"0x3\", "
                          "\"00:00:00:00:00:00:00:05\", 1], default: deny, "
                          "stats_interval: 5, "
                          "rules: [{tcp_dst: 22, action: deny}]}",
                          &error);
    size_t n = 0;

    ck_assert_ptr_nonnull(h);
    for (uint64_t d = 1; d <= 5; d++) {
        ah_switch_add(h, d, 2);
        ah_emit_switch_up(h, d);
    }
    ck_assert_uint_eq(ah_flow_count(h, 1, T_ACL), 3);
    ck_assert_uint_eq(ah_flow_count(h, 2, -1), 0);
    ck_assert_uint_eq(ah_flow_count(h, 3, T_ACL), 3);
    ck_assert_uint_eq(ah_flow_count(h, 4, -1), 0);
    ck_assert_uint_eq(ah_flow_count(h, 5, T_ACL), 3);

    post_ok(h, "{\"tcp_dst\": 23, \"action\": \"deny\"}");
    ah_advance(h, 1);
    ck_assert_uint_eq(ah_flow_count(h, 1, T_ACL), 5);
    ck_assert_uint_eq(ah_flow_count(h, 2, -1), 0);
    ck_assert_uint_eq(ah_flow_count(h, 3, T_ACL), 5);

    /* Only the targets are polled. */
    ah_clear_sent(h);
    ah_advance(h, 5);
    const struct ah_sent *sent = ah_sent(h, &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(sent[0].dpid + sent[1].dpid + sent[2].dpid, 9);
    ah_free(h);
}
END_TEST

/* A switch that comes back gets the same flows again, for nothing. */
START_TEST(test_switch_reconnect)
{
    struct ah *h = acl_up("{rules: [{tcp_dst: 22, action: deny}]}");

    ah_emit_switch_down(h, DPID);
    post_ok(h, "{\"tcp_dst\": 23, \"action\": \"deny\", \"position\": 0}");
    ah_advance(h, 1);
    ck_assert_uint_eq(ah_flow_count(h, DPID, T_ACL), 4);
    ah_reset_counts(h);
    ah_emit_switch_up(h, DPID);
    ck_assert_uint_eq(ah_flow_count(h, DPID, T_ACL), 4);
    ck_assert_uint_eq(ah_counts(h).flow_dels, 0);
    ah_free(h);
}
END_TEST

/* ---- counters ---- */

struct stats {
    struct ofp_flow_stats fs[8];
    struct ah_match m[8];
    size_t n;
};

static void
stat_add(struct stats *s, uint8_t table, uint16_t prio, const char *match,
         uint64_t packets, uint64_t bytes)
{
    struct ofp_flow_stats *fs = &s->fs[s->n];

    ck_assert_uint_lt(s->n, 8);
    memset(fs, 0, sizeof *fs);
    fs->table_id = table;
    fs->priority = prio;
    fs->packet_count = packets;
    fs->byte_count = bytes;
    fs->match = *ah_match(&s->m[s->n], match);
    fs->match.oxms = s->m[s->n].oxms;
    s->n++;
}

static void
stats_emit(struct ah *h, uint64_t dpid, uint32_t xid, struct stats *s,
           bool more)
{
    struct ofp_msg msg;

    memset(&msg, 0, sizeof msg);
    msg.version = OFP13_VERSION;
    msg.type = OFPT_MULTIPART_REPLY;
    msg.xid = xid;
    msg.mp_reply.type = OFPMP_FLOW;
    msg.mp_reply.flags = more ? OFPMPF_REPLY_MORE : 0;
    msg.mp_reply.flow.n = s->n;
    msg.mp_reply.flow.stats = s->fs;
    ah_emit_stats_reply(h, dpid, &msg);
    s->n = 0;
}

/* The xid of the flow-stats request last sent to 'dpid'. */
static uint32_t
xid_of(struct ah *h, uint64_t dpid)
{
    size_t n = 0;
    const struct ah_sent *sent = ah_sent(h, &n);

    for (size_t i = n; i-- > 0;) {
        if (sent[i].dpid == dpid) {
            ck_assert_uint_eq(sent[i].type, OFPT_MULTIPART_REQUEST);
            ck_assert_uint_eq(sent[i].mp_type, OFPMP_FLOW);
            ck_assert_uint_eq(sent[i].table_id, T_ACL);
            return sent[i].xid;
        }
    }
    ck_abort_msg("no request to %" PRIu64, dpid);
    return 0;
}

#define W80 "eth_type=0x0800,ip_proto=6,tcp_dst=80"
#define W80V6 "eth_type=0x86dd,ip_proto=6,tcp_dst=80"
#define I5001 "eth_type=0x0800,ip_proto=6,tcp_dst=5001"

static double
metric_rule(struct ah *h, const char *family, uint32_t id)
{
    char name[96], labels[32];

    snprintf(name, sizeof name, "sluice_acl_%s", family);
    snprintf(labels, sizeof labels, "rule=\"%" PRIu32 "\"", id);
    return ah_metric(h, name, labels);
}

START_TEST(test_counters)
{
    struct ah *h = acl_up("{stats_interval: 5, rules: ["
                          "{name: web, tcp_dst: 80, action: allow},"
                          "{tcp_dst: 5001, action: deny}]}");
    struct stats s = {.n = 0};
    size_t n = 0;
    uint32_t x1, x2;
    char *reply = NULL;

    ah_switch_add(h, 2, 2);
    ah_emit_switch_up(h, 2);
    ah_clear_sent(h);
    ah_advance(h, 4);
    ah_sent(h, &n);
    ck_assert_uint_eq(n, 0);
    ah_advance(h, 1);
    ah_sent(h, &n);
    ck_assert_uint_eq(n, 2);
    x1 = xid_of(h, 1);
    x2 = xid_of(h, 2);
    ck_assert_double_eq(ah_metric(h, "sluice_acl_stats_polls_total", ""), 2);

    /* Switch 1: both flows of rule 1, rule 2's v4 flow, and flows that are
     * not ours (another table, the topology's punt, a stranger). */
    stat_add(&s, T_ACL, 1001, W80, 10, 1000);
    stat_add(&s, T_ACL, 1001, W80V6, 1, 100);
    stat_add(&s, T_ACL, 1000, I5001, 7, 700);
    stat_add(&s, T_ACL, 65535, "eth_type=0x88cc", 99, 9900);
    stat_add(&s, T_ACL, 1000, "eth_type=0x0800,ip_proto=6,tcp_dst=5002", 50,
             5000);
    stat_add(&s, T_ACL, 1, "eth_type=0x0806", 40, 4000);
    stat_add(&s, T_L3, 1001, W80, 30, 3000);
    stats_emit(h, 1, x1 + 1000, &s, false); /* a wrong xid: ignored */
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 1), 0);
    stat_add(&s, T_ACL, 1001, W80, 10, 1000);
    stat_add(&s, T_ACL, 1001, W80V6, 1, 100);
    stat_add(&s, T_ACL, 1000, I5001, 7, 700);
    stat_add(&s, T_ACL, 65535, "eth_type=0x88cc", 99, 9900);
    stat_add(&s, T_ACL, 1000, "eth_type=0x0800,ip_proto=6,tcp_dst=5002", 50,
             5000);
    stat_add(&s, T_ACL, 1, "eth_type=0x0806", 40, 4000);
    stat_add(&s, T_L3, 1001, W80, 30, 3000);
    stats_emit(h, 1, x1, &s, false);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 1), 11);
    ck_assert_double_eq(metric_rule(h, "rule_bytes_total", 1), 1100);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 2), 7);

    /* Switch 2 in two parts: counted when the last arrives. */
    stat_add(&s, T_ACL, 1001, W80, 5, 500);
    stats_emit(h, 2, x2, &s, true);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 1), 11);
    stat_add(&s, T_ACL, 1000, I5001, 3, 300);
    stats_emit(h, 2, x2, &s, false);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 1), 16);
    ck_assert_double_eq(metric_rule(h, "rule_bytes_total", 1), 1600);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 2), 10);
    ck_assert_double_eq(metric_rule(h, "rule_bytes_total", 2), 1000);
    /* A repeated answer changes nothing. */
    stat_add(&s, T_ACL, 1000, I5001, 300, 30000);
    stats_emit(h, 2, x2, &s, false);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 2), 10);

    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &reply), 200);
    assert_has(reply, "\"name\":\"web\",\"position\":0,\"tcp_dst\":80,"
                      "\"action\":\"allow\",\"packets\":16,\"bytes\":1600}");
    assert_has(reply, "\"packets\":10,\"bytes\":1000}");
    free(reply);

    /* The next poll; switch 2 does not answer it. */
    ah_clear_sent(h);
    ah_advance(h, 5);
    ah_sent(h, &n);
    ck_assert_uint_eq(n, 2);
    x1 = xid_of(h, 1);
    stat_add(&s, T_ACL, 1001, W80, 20, 2000);
    stats_emit(h, 1, x1, &s, false); /* rule 2 gone from switch 1 */
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 1), 25);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 2), 3);
    /* So it is not asked again for ACL_STATS_TIMEOUT (10 s). */
    ah_clear_sent(h);
    ah_advance(h, 5);
    ah_sent(h, &n);
    ck_assert_uint_eq(n, 1);
    x1 = xid_of(h, 1);
    stat_add(&s, T_ACL, 1001, W80, 20, 2000);
    stats_emit(h, 1, x1, &s, false);
    ah_clear_sent(h);
    ah_advance(h, 5);
    ah_sent(h, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_double_eq(ah_metric(h, "sluice_acl_stats_polls_total", ""), 7);

    /* Renumbered: a flow at rule 1's old priority is no longer its. */
    post_ok(h, "{\"tcp_dst\": 443, \"action\": \"allow\"}");
    ah_advance(h, 0.5);
    x1 = xid_of(h, 1);
    stat_add(&s, T_ACL, 1001, W80, 30, 3000); /* now rule 2's priority */
    stat_add(&s, T_ACL, 1002, W80, 2, 200);   /* rule 1, restarted */
    stat_add(&s, T_ACL, 1001, I5001, 4, 400); /* rule 2 */
    stats_emit(h, 1, x1, &s, false);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 1), 2 + 5);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 2), 4 + 3);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 3), 0);

    /* A switch that goes down is asked again when it is back. */
    ah_emit_switch_down(h, 2);
    ah_clear_sent(h);
    ah_advance(h, 5);
    ah_sent(h, &n);
    ck_assert_uint_eq(n, 2);
    ah_free(h);
}
END_TEST

START_TEST(test_counters_on_get)
{
    struct ah *h = acl_up("{stats_interval: 0, rules: "
                          "[{tcp_dst: 5001, action: deny}]}");
    struct stats s = {.n = 0};
    size_t n = 0;
    char *reply = NULL;

    ah_clear_sent(h);
    ah_advance(h, 1000);
    ah_sent(h, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &reply), 200);
    assert_has(reply, "\"packets\":0");
    free(reply);
    ah_sent(h, &n);
    ck_assert_uint_eq(n, 1);
    stat_add(&s, T_ACL, 1000, I5001, 9, 900);
    stats_emit(h, 1, xid_of(h, 1), &s, false);
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules/1", NULL, &reply), 200);
    assert_has(reply, "\"packets\":9,\"bytes\":900}");
    free(reply);
    ah_sent(h, &n);
    ck_assert_uint_eq(n, 2);
    ah_free(h);
}
END_TEST

START_TEST(test_metrics)
{
    struct ah *h = acl_up("{rules: [{tcp_dst: 5001, action: deny}, "
                          "{action: allow}]}");
    char *reply = NULL, *text;

    ck_assert_double_eq(ah_metric(h, "sluice_acl_rules", ""), 2);
    ck_assert_double_eq(ah_metric(h, "sluice_acl_rejected_total", ""), 0);
    ck_assert_double_eq(ah_metric(h, "sluice_acl_stats_polls_total", ""), 0);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 1), 0);
    ck_assert_double_eq(metric_rule(h, "rule_bytes_total", 2), 0);
    ck_assert(isnan(metric_rule(h, "rule_bytes_total", 3)));
    ck_assert_int_eq(rest(h, SL_REST_POST, "/rules", "{\"x\": 1}", &reply),
                     400);
    free(reply);
    post_ok(h, "{\"action\": \"deny\"}");
    ck_assert_double_eq(ah_metric(h, "sluice_acl_rules", ""), 3);
    ck_assert_double_eq(ah_metric(h, "sluice_acl_rejected_total", ""), 1);
    ck_assert_double_eq(metric_rule(h, "rule_bytes_total", 3), 0);
    text = ah_metrics(h);
    ck_assert_ptr_nonnull(strstr(text, "# TYPE sluice_acl_rules gauge"));
    ck_assert_ptr_nonnull(strstr(text, "# TYPE sluice_acl_rule_packets_total "
                                       "counter"));
    free(text);
    ah_free(h);
}
END_TEST

/* ---- lifecycle and events ---- */

START_TEST(test_reconfigure)
{
    struct ah *h = acl_up("{rules: [{tcp_dst: 80, action: allow}, "
                          "{tcp_dst: 22, action: deny}]}");
    char *reply = NULL;

    ah_switch_add(h, 2, 2);
    ah_emit_switch_up(h, 2);
    post_ok(h, "{\"tcp_dst\": 25, \"action\": \"deny\"}");
    ck_assert_uint_eq(ah_flow_count(h, 2, T_ACL), 4); /* not applied yet */

    /* A bad config changes nothing. */
    ck_assert_int_eq(ah_reconfigure(h, "{rules: [{action: nope}]}"), EINVAL);
    ck_assert(ah_log_contains(h, "config: rule 1: action \"nope\""));
    ck_assert_double_eq(ah_metric(h, "sluice_acl_rules", ""), 3);

    ck_assert_int_eq(ah_reconfigure(h, "{switches: [1], default: deny, "
                                       "rules: [{tcp_dst: 22, "
                                       "action: deny}]}"),
                     0);
    ck_assert_uint_eq(ah_flow_count(h, 2, -1), 0);
    ck_assert_uint_eq(ah_flow_count(h, 1, T_ACL), 3);
    assert_flow(h, 1000, M22, false);
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &reply), 200);
    assert_has(reply, "{\"default\":\"deny\",\"rules\":[{\"id\":4,"
                      "\"position\":0,");
    free(reply);
    ah_advance(h, 1); /* the timer of the POST was cancelled */

    /* The same file again: nothing changes, REST changes stay. */
    post_ok(h, "{\"tcp_dst\": 23, \"action\": \"deny\"}");
    ck_assert_int_eq(
        rest(h, SL_REST_PUT, "/default", "{\"default\": \"allow\"}", &reply),
        200);
    free(reply);
    ah_advance(h, 1);
    ah_reset_counts(h);
    ck_assert_int_eq(ah_reconfigure(h, "{switches: [1], default: deny, "
                                       "rules: [{tcp_dst: 22, "
                                       "action: deny}]}"),
                     0);
    ck_assert_uint_eq(ah_counts(h).flow_dels, 0);
    ck_assert_uint_eq(ah_counts(h).flow_del_alls, 0);
    ck_assert(ah_log_contains(h, "reloaded: 2 rules (unchanged), default "
                                 "allow"));
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &reply), 200);
    assert_has(reply, "{\"default\":\"allow\",\"rules\":[{\"id\":4,");
    assert_has(reply, "{\"id\":5,\"position\":1,");
    free(reply);
    /* Only the file's default changed: the rules stay. */
    ck_assert_int_eq(ah_reconfigure(h, "{switches: [1], default: allow, "
                                       "rules: [{tcp_dst: 22, "
                                       "action: deny}]}"),
                     0);
    ck_assert_int_eq(ah_reconfigure(h, "{switches: [1], default: deny, "
                                       "rules: [{tcp_dst: 22, "
                                       "action: deny}]}"),
                     0);
    ck_assert_uint_eq(ah_flow_count(h, 1, T_ACL), 5);
    ck_assert_ptr_nonnull(flow(h, 1, 2, ""));

    /* Back to all switches: switch 2 (connected) gets the rules. */
    ck_assert_int_eq(ah_reconfigure(h, "{stats_interval: 1}"), 0);
    ck_assert_uint_eq(ah_flow_count(h, 1, -1), 0);
    ck_assert_uint_eq(ah_flow_count(h, 2, -1), 0);
    ck_assert_int_eq(ah_reconfigure(h, "{rules: [{tcp_dst: 22, "
                                       "action: deny}]}"),
                     0);
    ck_assert_uint_eq(ah_flow_count(h, 1, T_ACL), 2);
    ck_assert_uint_eq(ah_flow_count(h, 2, T_ACL), 2);
    ah_free(h);
}
END_TEST

START_TEST(test_events)
{
    struct ah *h = acl_up("{rules: [{tcp_dst: 5001, action: deny}]}");
    struct frame f = tcp4("10.0.0.1", "10.0.0.2", 1, 5001);
    struct ah_match m;

    /* A packet-in from table "acl" is consumed; others are not ours. */
    ck_assert_int_eq(ah_emit_packet_in(h, DPID, 1, T_ACL, f.b, f.len),
                     SL_STOP);
    ck_assert_int_eq(ah_emit_packet_in(h, DPID, 1, T_L3, f.b, f.len),
                     SL_CONTINUE);
    /* A refused flow is logged, naming the rule. */
    ah_emit_flow_error(h, DPID, T_ACL, 1000, ah_match(&m, I5001),
                       OFPERR_OFPBMC_BAD_PREREQ);
    ck_assert(ah_log_contains(h, "refused the flow of rule 1"));
    /* Stats from a switch never polled, or of another kind: ignored. */
    struct stats s = {.n = 0};
    stat_add(&s, T_ACL, 1000, I5001, 1, 1);
    stats_emit(h, DPID, 0, &s, false);
    ck_assert_double_eq(metric_rule(h, "rule_packets_total", 1), 0);
    ah_free(h);
}
END_TEST

/* Hostile bodies (issue 8): an escaped NUL is named as such, /default
 * says a key given twice or nesting too deep, a DELETE takes no body.
 * Nothing changes. */
START_TEST(test_rest_hostile_bodies)
{
    static const struct {
        unsigned method;
        const char *path;
        const char *body;
        const char *detail;
    } cases[] = {
        {SL_REST_POST, "/rules",
         "{\"action\": \"deny\", \"name\": \"a\\u0000b\"}",
         "name: \\\\u0000 (NUL) in the value"},
        {SL_REST_POST, "/rules", "{\"action\": \"deny\\u0000\"}",
         "action: \\\\u0000 (NUL)"},
        {SL_REST_PUT, "/default",
         "{\"default\": \"deny\", \"default\": \"allow\"}",
         "default given twice"},
        {SL_REST_PUT, "/default",
         "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
         "\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
         "\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
         "\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":",
         "nesting deeper than 32"},
        {SL_REST_DELETE, "/rules/1", "{\"tcp_dst\": 22}", "takes no body"},
        {SL_REST_DELETE, "/rules/1", "{}", "takes no body"},
    };
    struct ah *h = acl_up("{rules: [{tcp_dst: 22, action: deny}]}");
    char *reply = NULL;
    char *before = NULL;

    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &before), 200);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ah_rest_expect_400(h, cases[i].method, cases[i].path, cases[i].body,
                           cases[i].detail);
    }
    ah_advance(h, 1);
    ck_assert_int_eq(rest(h, SL_REST_GET, "/rules", NULL, &reply), 200);
    ck_assert_str_eq(reply, before);
    free(reply);
    free(before);
    /* White space is no body. */
    ck_assert_int_eq(rest(h, SL_REST_DELETE, "/rules/1", "\n", &reply), 200);
    free(reply);
    ah_free(h);
}
END_TEST

static Suite *
acl_suite(void)
{
    Suite *s = suite_create("app-acl");
    TCase *tc = tcase_create("acl");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_field_in_port);
    tcase_add_test(tc, test_field_eth);
    tcase_add_test(tc, test_field_eth_type);
    tcase_add_test(tc, test_field_vlan);
    tcase_add_test(tc, test_field_ipv4);
    tcase_add_test(tc, test_field_ipv6);
    tcase_add_test(tc, test_field_ip_proto);
    tcase_add_test(tc, test_field_ports);
    tcase_add_test(tc, test_field_icmp);
    tcase_add_test(tc, test_actions);
    tcase_add_test(tc, test_order_first_match_wins);
    tcase_add_test(tc, test_default_deny);
    tcase_add_test(tc, test_prerequisites);
    tcase_add_test(tc, test_block_style_config);
    tcase_add_test(tc, test_invalid_config);
    tcase_add_test(tc, test_max_rules);
    tcase_add_test(tc, test_rest_invalid);
    tcase_add_test(tc, test_rest_insert_renumbers);
    tcase_add_test(tc, test_rest_delete);
    tcase_add_test(tc, test_rest_same_match_renumbered);
    tcase_add_test(tc, test_rest_normalised);
    tcase_add_test(tc, test_rest_random_rules);
    tcase_add_test(tc, test_rest_mutated_bodies);
    tcase_add_test(tc, test_switches_subset);
    tcase_add_test(tc, test_switch_reconnect);
    tcase_add_test(tc, test_counters);
    tcase_add_test(tc, test_counters_on_get);
    tcase_add_test(tc, test_metrics);
    tcase_add_test(tc, test_reconfigure);
    tcase_add_test(tc, test_events);
    tcase_add_test(tc, test_rest_hostile_bodies);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(acl_suite());
}
