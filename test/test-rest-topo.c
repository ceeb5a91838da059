/* test-rest-topo: libcheck tests for rest/topology (the topology over
 * REST) and the topology's parts of rest/native (its events on the
 * stream, its /metrics families).
 *
 * Runs on the test-api fixture with the topology service on
 * (tapi_setup_topo()): a real controller, its REST API and fake switches
 * in one event loop.  Links are made the way a network makes them: the
 * probe the controller sends out of one switch's port is carried, as a
 * PACKET_IN, to the other end (tapi_lldp_pass()); hosts appear when a
 * switch sends up a frame from them on an edge port.  The event stream is
 * read by a raw HTTP/1.1 client that undoes the chunked encoding. */
#include <config.h>
#include "rest/topology.h"

#include <arpa/inet.h>
#include <check.h>
#include <math.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include "test/test-api.h"
#include "test/test-json.h"
#include "test/test-loop.h"
#include "test/test-util.h"
#include "topology/topo.h"

#define LOOP_UNTIL(COND) TEST_LOOP_UNTIL(tapi.base, COND, FSW_STEP_TIMEOUT)

/* The hosts of the tests. */
#define H1_MAC "00:00:00:00:aa:01"
#define H1_IP "10.0.0.1"
#define H2_MAC "00:00:00:00:bb:02"
#define H2_IP6 "2001:db8::2"

/* ---- JSON helpers ---- */

static void
assert_null(const json_t *j, const char *key)
{
    ck_assert_msg(json_is_null(json_object_get(j, key)), "\"%s\" is not null",
                  key);
}

/* Asserts 'j' has exactly the 'n' keys of 'keys'. */
static void
assert_keys(const json_t *j, const char *const *keys, size_t n)
{
    ck_assert(json_is_object(j));
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(json_object_get(j, keys[i]) != NULL, "no \"%s\"",
                      keys[i]);
    }
    ck_assert_uint_eq(json_object_size(j), n);
}

#define ASSERT_KEYS(J, ...)                                                   \
    assert_keys(J, (const char *const[]){__VA_ARGS__},                        \
                sizeof((const char *const[]){__VA_ARGS__}) /                  \
                    sizeof(const char *))

static void
assert_regex(const char *text, const char *pattern)
{
    regex_t re;

    ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    int rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    ck_assert_msg(rc == 0, "'%s' does not match /%s/", text, pattern);
}

/* Asserts that 'j' is the JSON text 'want'. */
static void
assert_json(const json_t *j, const char *want)
{
    json_error_t e;
    json_t *w = json_loads(want, JSON_DECODE_ANY, &e);

    ck_assert_msg(w != NULL, "bad fixture '%s': %s", want, e.text);
    char *got = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    ck_assert_msg(json_equal((json_t *) j, w), "got %s, want %s", got, want);
    free(got);
    json_decref(w);
}

/* GETs 'path', expects 'status' and returns the body (a new reference). */
static json_t *
get(const char *path, int status)
{
    json_t *j;

    int got = tapi_request("GET", path, NULL, NULL, &j);
    ck_assert_msg(got == status, "GET %s: %d, want %d: %s", path, got, status,
                  json_dumps(j, JSON_ENCODE_ANY));
    return j;
}

/* GETs 'path' and checks the JSON error 'error' with 'status'. */
static void
get_error(const char *path, int status, const char *error)
{
    json_t *j = get(path, status);

    ck_assert_str_eq(test_json_str(j, "error"), error);
    ck_assert(json_is_string(json_object_get(j, "detail")));
    json_decref(j);
}

/* ---- the network ---- */

static enum sl_port_role
role(uint64_t dpid, uint32_t port_no)
{
    return topo_port_role(tapi.ctl.topo, dpid, port_no);
}

/* Links s1:2 and s2:3: carries a probe each way.  A link counts once
 * both of its directions are seen. */
static void
link_s1_s2(struct fsw *s1, struct fsw *s2)
{
    size_t before = topo_stats(tapi.ctl.topo)->n_links;

    tapi_lldp_pass(s1, 2, s2, 3);
    tapi_lldp_pass(s2, 3, s1, 2);
    ck_assert_uint_eq(topo_stats(tapi.ctl.topo)->n_links, before + 2);
}

/* Waits until port 'port_no' of 'dpid' has role 'want' (ports wait out
 * their probe's grace, the tree is computed after the event). */
static void
wait_role(struct fsw *s, uint64_t dpid, uint32_t port_no,
          enum sl_port_role want)
{
    double deadline = test_loop_now() + FSW_STEP_TIMEOUT;

    while (role(dpid, port_no) != want) {
        ck_assert_msg(test_loop_now() < deadline,
                      "port %u of %llx: role %d, want %d", port_no,
                      (unsigned long long) dpid, role(dpid, port_no), want);
        /* Keep the switch's queue short: probes keep coming. */
        if (s != NULL) {
            TEST_LOOP_UNTIL(tapi.base, false, 0.01);
            tapi_settle(s);
        } else {
            TEST_LOOP_UNTIL(tapi.base, false, 0.01);
        }
    }
}

/* Waits until the unlinked ports of s1 and s2 (s1:1, s1:3, s2:1, s2:2)
 * are edge ports. */
static void
wait_edges(struct fsw *s1, struct fsw *s2)
{
    wait_role(s1, 1, 1, SL_PORT_EDGE);
    wait_role(s1, 1, 3, SL_PORT_EDGE);
    wait_role(s2, 2, 1, SL_PORT_EDGE);
    wait_role(s2, 2, 2, SL_PORT_EDGE);
}

static void
parse_mac(const char *text, uint8_t mac[6])
{
    unsigned b[6];

    ck_assert_int_eq(sscanf(text, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2],
                            &b[3], &b[4], &b[5]),
                     6);
    for (int i = 0; i < 6; i++) {
        mac[i] = (uint8_t) b[i];
    }
}

/* Sends up from 's':'port' an ARP request from host 'mac' / 'ip'. */
static void
send_arp(struct fsw *s, uint32_t port, const char *mac, const char *ip)
{
    uint8_t f[60];
    uint8_t src[6];
    struct in_addr a;

    memset(f, 0, sizeof f);
    parse_mac(mac, src);
    ck_assert_int_eq(inet_pton(AF_INET, ip, &a), 1);
    memset(f, 0xff, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    memcpy(f + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
    memcpy(f + 22, src, 6);
    memcpy(f + 28, &a.s_addr, 4);
    memcpy(f + 38, "\x0a\x00\x00\xfe", 4);
    tapi_packet_in(s, port, f, sizeof f);
}

/* Sends up from 's':'port' a UDP datagram over IPv6 from host 'mac' /
 * 'ip6'. */
static void
send_udp6(struct fsw *s, uint32_t port, const char *mac, const char *ip6)
{
    uint8_t f[14 + 40 + 8];
    uint8_t src[6];

    memset(f, 0, sizeof f);
    parse_mac(mac, src);
    memcpy(f, "\x00\x00\x00\x00\x00\xfe", 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x86;
    f[13] = 0xdd;
    f[14] = 0x60;
    f[19] = 8;  /* payload length */
    f[20] = 17; /* UDP */
    f[21] = 64;
    ck_assert_int_eq(inet_pton(AF_INET6, ip6, f + 22), 1);
    ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8::fe", f + 38), 1);
    f[54] = 0x30; /* ports 12345 -> 53 */
    f[55] = 0x39;
    f[57] = 53;
    f[59] = 8;
    tapi_packet_in(s, port, f, sizeof f);
}

/* Two switches linked both ways (s1:2 <-> s2:3), h1 on s1:1 (ARP, IPv4)
 * and h2 on s2:1 (IPv6). */
static void
two_switches_two_hosts(struct fsw **s1p, struct fsw **s2p)
{
    struct fsw *s1 = tapi_switch(1);
    struct fsw *s2 = tapi_switch(2);

    link_s1_s2(s1, s2);
    wait_edges(s1, s2);
    send_arp(s1, 1, H1_MAC, H1_IP);
    send_udp6(s2, 1, H2_MAC, H2_IP6);
    ck_assert_uint_eq(topo_stats(tapi.ctl.topo)->n_hosts, 2);
    *s1p = s1;
    *s2p = s2;
}

/* ---- Ryu: /v1.0/topology/switches ---- */

START_TEST(ryu_switches)
{
    static const char s1[] =
        "{\"dpid\": \"0000000000000001\", \"ports\": ["
        "{\"dpid\": \"0000000000000001\", \"port_no\": \"00000001\","
        " \"hw_addr\": \"00:00:00:00:00:01\", \"name\": \"eth1\"},"
        "{\"dpid\": \"0000000000000001\", \"port_no\": \"00000002\","
        " \"hw_addr\": \"00:00:00:00:00:02\", \"name\": \"eth2\"},"
        "{\"dpid\": \"0000000000000001\", \"port_no\": \"00000003\","
        " \"hw_addr\": \"00:00:00:00:00:03\", \"name\": \"eth3\"}]}";
    json_t *j;

    tapi_setup_topo(NULL, NULL, NULL);
    j = get("/v1.0/topology/switches", 200);
    assert_json(j, "[]");
    json_decref(j);

    tapi_switch(0x10);
    tapi_switch(1);
    j = get("/v1.0/topology/switches", 200);
    ck_assert_uint_eq(json_array_size(j), 2);
    assert_json(json_array_get(j, 0), s1);
    ck_assert_str_eq(test_json_str(json_array_get(j, 1), "dpid"),
                     "0000000000000010");
    json_decref(j);

    /* One switch, by every dpid form; not connected: [], as Ryu. */
    static const char *const ones[] = {
        "/v1.0/topology/switches/0000000000000001",
        "/v1.0/topology/switches/0x1",
        "/v1.0/topology/switches/1",
    };
    for (size_t i = 0; i < sizeof ones / sizeof *ones; i++) {
        j = get(ones[i], 200);
        ck_assert_uint_eq(json_array_size(j), 1);
        assert_json(json_array_get(j, 0), s1);
        json_decref(j);
    }
    j = get("/v1.0/topology/switches/0000000000000002", 200);
    assert_json(j, "[]");
    json_decref(j);

    get_error("/v1.0/topology/switches/s1", 400, "bad dpid");
    get_error("/v1.0/topology/switches/0x", 400, "bad dpid");
    get_error("/v1.0/topology/switches/0000000000000001a", 400, "bad dpid");
    get_error("/v1.0/topology/switches/-1", 400, "bad dpid");
    get_error("/v1.0/topology/switches/99999999999999999999", 400, "bad dpid");
    get_error("/v1.0/topology/links/zz", 400, "bad dpid");
    get_error("/v1.0/topology/hosts/0x1g", 400, "bad dpid");
    tapi_teardown();
}
END_TEST

/* ---- links ---- */

START_TEST(links_ryu_both_directions)
{
    static const char forth[] =
        "{\"src\": {\"dpid\": \"0000000000000001\", \"port_no\": \"00000002\","
        " \"hw_addr\": \"00:00:00:00:00:02\", \"name\": \"eth2\"},"
        " \"dst\": {\"dpid\": \"0000000000000002\", \"port_no\": \"00000003\","
        " \"hw_addr\": \"00:00:00:00:00:03\", \"name\": \"eth3\"}}";
    static const char back[] =
        "{\"src\": {\"dpid\": \"0000000000000002\", \"port_no\": \"00000003\","
        " \"hw_addr\": \"00:00:00:00:00:03\", \"name\": \"eth3\"},"
        " \"dst\": {\"dpid\": \"0000000000000001\", \"port_no\": \"00000002\","
        " \"hw_addr\": \"00:00:00:00:00:02\", \"name\": \"eth2\"}}";
    json_t *j;

    tapi_setup_topo(NULL, NULL, NULL);
    struct fsw *s1 = tapi_switch(1);
    struct fsw *s2 = tapi_switch(2);
    j = get("/v1.0/topology/links", 200);
    assert_json(j, "[]");
    json_decref(j);

    /* One direction seen: no link yet. */
    tapi_lldp_pass(s1, 2, s2, 3);
    ck_assert_uint_eq(topo_stats(tapi.ctl.topo)->n_one_way, 1);
    j = get("/v1.0/topology/links", 200);
    assert_json(j, "[]");
    json_decref(j);

    /* Both: two entries, one per direction, sorted by source;
     * /links/{dpid} keeps those leaving it. */
    tapi_lldp_pass(s2, 3, s1, 2);
    ck_assert_uint_eq(topo_stats(tapi.ctl.topo)->n_links, 2);
    j = get("/v1.0/topology/links", 200);
    ck_assert_uint_eq(json_array_size(j), 2);
    assert_json(json_array_get(j, 0), forth);
    assert_json(json_array_get(j, 1), back);
    json_decref(j);
    j = get("/v1.0/topology/links/0000000000000002", 200);
    ck_assert_uint_eq(json_array_size(j), 1);
    assert_json(json_array_get(j, 0), back);
    json_decref(j);
    j = get("/v1.0/topology/links/1", 200);
    ck_assert_uint_eq(json_array_size(j), 1);
    assert_json(json_array_get(j, 0), forth);
    json_decref(j);
    j = get("/v1.0/topology/links/0x9", 200);
    assert_json(j, "[]");
    json_decref(j);
    j = get("/v1.0/topology/links/0", 200);
    assert_json(j, "[]");
    json_decref(j);

    /* The port goes down: both directions go at once. */
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_PORT_STATUS, 0);
    m.port_status.reason = OFPPR_MODIFY;
    m.port_status.desc = fsw_make_port(2, "eth2");
    m.port_status.desc.state = OFPPS_LINK_DOWN;
    fsw_send(s1, &m);
    ck_assert(LOOP_UNTIL(topo_stats(tapi.ctl.topo)->n_links == 0));
    j = get("/v1.0/topology/links", 200);
    assert_json(j, "[]");
    json_decref(j);
    tapi_teardown();
}
END_TEST

START_TEST(topology_native)
{
    json_t *j;
    struct fsw *s1, *s2;

    tapi_setup_topo(NULL, NULL, NULL);
    two_switches_two_hosts(&s1, &s2);
    wait_role(s1, 1, 2, SL_PORT_TREE);
    wait_role(s2, 2, 3, SL_PORT_TREE);

    j = get("/api/v1/topology", 200);
    ASSERT_KEYS(j, "switches", "links", "hosts", "enabled", "version");
    ck_assert(test_json_bool(j, "enabled"));
    ck_assert_int_eq(test_json_int(j, "version"),
                     (json_int_t) topo_version(tapi.ctl.topo));

    /* Switches: every port with its role, LOCAL too. */
    const json_t *sws = json_object_get(j, "switches");
    ck_assert_uint_eq(json_array_size(sws), 2);
    const json_t *sw = json_array_get(sws, 0);
    ASSERT_KEYS(sw, "dpid", "ports");
    ck_assert_str_eq(test_json_str(sw, "dpid"), "0000000000000001");
    const json_t *ports = json_object_get(sw, "ports");
    ck_assert_uint_eq(json_array_size(ports), 4);
    assert_json(json_array_get(ports, 0),
                "{\"port_no\": 1, \"name\": \"eth1\", \"hw_addr\":"
                " \"00:00:00:00:00:01\", \"role\": \"edge\"}");
    ck_assert_str_eq(test_json_str(json_array_get(ports, 1), "role"), "tree");
    ck_assert_str_eq(test_json_str(json_array_get(ports, 3), "port_no"),
                     "LOCAL");
    ck_assert_str_eq(test_json_str(json_array_get(ports, 3), "role"), "none");

    /* Links: both directions, on the tree. */
    const json_t *links = json_object_get(j, "links");
    ck_assert_uint_eq(json_array_size(links), 2);
    const json_t *l = json_array_get(links, 0);
    ASSERT_KEYS(l, "src", "dst", "latency_ms", "up_since", "tree");
    assert_json(json_object_get(l, "src"),
                "{\"dpid\": \"0000000000000001\", \"port_no\": 2}");
    assert_json(json_object_get(l, "dst"),
                "{\"dpid\": \"0000000000000002\", \"port_no\": 3}");
    ck_assert(json_is_real(json_object_get(l, "latency_ms")));
    double latency = json_real_value(json_object_get(l, "latency_ms"));
    ck_assert(latency >= 0 && latency < FSW_STEP_TIMEOUT * 1e3);
    assert_regex(test_json_str(l, "up_since"),
                 "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
                                      "[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$");
    ck_assert(test_json_bool(l, "tree"));
    l = json_array_get(links, 1);
    ck_assert_str_eq(test_json_str(json_object_get(l, "src"), "dpid"),
                     "0000000000000002");

    /* Hosts, sorted by attachment. */
    const json_t *hosts = json_object_get(j, "hosts");
    ck_assert_uint_eq(json_array_size(hosts), 2);
    const json_t *h = json_array_get(hosts, 0);
    ASSERT_KEYS(h, "mac", "vlan", "ipv4", "ipv6", "dpid", "port_no",
                "first_seen", "last_seen");
    ck_assert_str_eq(test_json_str(h, "mac"), H1_MAC);
    assert_null(h, "vlan");
    assert_json(json_object_get(h, "ipv4"), "[\"" H1_IP "\"]");
    assert_json(json_object_get(h, "ipv6"), "[]");
    ck_assert_str_eq(test_json_str(h, "dpid"), "0000000000000001");
    ck_assert_int_eq(test_json_int(h, "port_no"), 1);
    assert_regex(test_json_str(h, "first_seen"), "^[0-9]{4}-.*Z$");
    assert_regex(test_json_str(h, "last_seen"), "^[0-9]{4}-.*Z$");
    h = json_array_get(hosts, 1);
    ck_assert_str_eq(test_json_str(h, "mac"), H2_MAC);
    assert_json(json_object_get(h, "ipv4"), "[]");
    assert_json(json_object_get(h, "ipv6"), "[\"" H2_IP6 "\"]");
    ck_assert_str_eq(test_json_str(h, "dpid"), "0000000000000002");
    json_decref(j);

    /* The summary counts the same. */
    j = get("/api/v1/topology/summary", 200);
    ASSERT_KEYS(j, "enabled", "version", "switches", "links", "hosts",
                "tree_links", "edge_ports");
    ck_assert(test_json_bool(j, "enabled"));
    ck_assert_int_eq(test_json_int(j, "switches"), 2);
    ck_assert_int_eq(test_json_int(j, "links"), 2);
    ck_assert_int_eq(test_json_int(j, "hosts"), 2);
    ck_assert_int_eq(test_json_int(j, "tree_links"), 1);
    ck_assert_int_eq(test_json_int(j, "edge_ports"), 4);
    ck_assert_int_eq(test_json_int(j, "version"),
                     (json_int_t) topo_version(tapi.ctl.topo));
    json_decref(j);
    tapi_teardown();
}
END_TEST

/* ---- hosts ---- */

START_TEST(hosts_ryu)
{
    json_t *j;
    struct fsw *s1, *s2;

    tapi_setup_topo(NULL, NULL, NULL);
    j = get("/v1.0/topology/hosts", 200);
    assert_json(j, "[]");
    json_decref(j);

    two_switches_two_hosts(&s1, &s2);
    /* A second address of h1: newest first. */
    send_arp(s1, 1, H1_MAC, "10.0.0.11");
    /* Frames on linked ports and LLDP make no host. */
    send_arp(s1, 2, "00:00:00:00:cc:03", "10.0.0.3");
    ck_assert_uint_eq(topo_stats(tapi.ctl.topo)->n_hosts, 2);

    static const char h1[] =
        "{\"mac\": \"" H1_MAC "\", \"ipv4\": [\"10.0.0.11\", \"" H1_IP "\"],"
        " \"ipv6\": [], \"port\": {\"dpid\": \"0000000000000001\","
        " \"port_no\": \"00000001\", \"hw_addr\": \"00:00:00:00:00:01\","
        " \"name\": \"eth1\"}}";
    static const char h2[] =
        "{\"mac\": \"" H2_MAC "\", \"ipv4\": [], \"ipv6\": [\"" H2_IP6 "\"],"
        " \"port\": {\"dpid\": \"0000000000000002\","
        " \"port_no\": \"00000001\", \"hw_addr\": \"00:00:00:00:00:01\","
        " \"name\": \"eth1\"}}";
    j = get("/v1.0/topology/hosts", 200);
    ck_assert_uint_eq(json_array_size(j), 2);
    assert_json(json_array_get(j, 0), h1);
    assert_json(json_array_get(j, 1), h2);
    json_decref(j);
    j = get("/v1.0/topology/hosts/0000000000000002", 200);
    ck_assert_uint_eq(json_array_size(j), 1);
    assert_json(json_array_get(j, 0), h2);
    json_decref(j);
    j = get("/v1.0/topology/hosts/3", 200);
    assert_json(j, "[]");
    json_decref(j);

    /* h1 moves to s2:2. */
    wait_role(s2, 2, 2, SL_PORT_EDGE);
    send_arp(s2, 2, H1_MAC, H1_IP);
    j = get("/v1.0/topology/hosts/1", 200);
    assert_json(j, "[]");
    json_decref(j);
    j = get("/v1.0/topology/hosts/2", 200);
    ck_assert_uint_eq(json_array_size(j), 2);
    ck_assert_str_eq(test_json_str(json_array_get(j, 0), "mac"), H2_MAC);
    ck_assert_str_eq(test_json_str(json_array_get(j, 1), "mac"), H1_MAC);
    ck_assert_str_eq(
        test_json_str(json_object_get(json_array_get(j, 1), "port"),
                      "port_no"),
        "00000002");
    json_decref(j);
    tapi_teardown();
}
END_TEST

/* ---- paths ---- */

/* Checks hop 'i' of path answer 'j': dpid 'dpid', ports (0: null). */
static void
assert_hop(const json_t *j, size_t i, uint64_t dpid, uint32_t in_port,
           uint32_t out_port)
{
    const json_t *hop = json_array_get(json_object_get(j, "hops"), i);
    char want[17];

    ck_assert_ptr_nonnull(hop);
    ASSERT_KEYS(hop, "dpid", "in_port", "out_port");
    snprintf(want, sizeof want, "%016llx", (unsigned long long) dpid);
    ck_assert_str_eq(test_json_str(hop, "dpid"), want);
    if (in_port) {
        ck_assert_int_eq(test_json_int(hop, "in_port"), in_port);
    } else {
        assert_null(hop, "in_port");
    }
    if (out_port) {
        ck_assert_int_eq(test_json_int(hop, "out_port"), out_port);
    } else {
        assert_null(hop, "out_port");
    }
}

START_TEST(paths)
{
    json_t *j;
    struct fsw *s1, *s2;

    tapi_setup_topo(NULL, NULL, NULL);
    two_switches_two_hosts(&s1, &s2);

    /* Between switches, by hops (the default) and by latency. */
    static const char *const between[] = {
        "/api/v1/paths/1/2",
        "/api/v1/paths/0x1/0000000000000002?metric=hops",
        "/api/v1/paths/0000000000000001/0x2?metric=latency",
    };
    for (size_t i = 0; i < sizeof between / sizeof *between; i++) {
        j = get(between[i], 200);
        ASSERT_KEYS(j, "src", "dst", "metric", "hops", "latency_ms", "length");
        assert_json(json_object_get(j, "src"),
                    "{\"type\": \"switch\", \"dpid\": \"0000000000000001\"}");
        assert_json(json_object_get(j, "dst"),
                    "{\"type\": \"switch\", \"dpid\": \"0000000000000002\"}");
        ck_assert_str_eq(test_json_str(j, "metric"),
                         i == 2 ? "latency" : "hops");
        ck_assert_uint_eq(json_array_size(json_object_get(j, "hops")), 2);
        assert_hop(j, 0, 1, 0, 2);
        assert_hop(j, 1, 2, 3, 0);
        ck_assert_int_eq(test_json_int(j, "length"), 1);
        ck_assert(json_is_real(json_object_get(j, "latency_ms")));
        ck_assert(json_real_value(json_object_get(j, "latency_ms")) >= 0);
        json_decref(j);
    }

    /* Between hosts, by MAC and by IP: the hosts' ports at the ends. */
    static const char *const hosts[] = {
        "/api/v1/paths/" H1_MAC "/" H2_IP6,
        "/api/v1/paths/" H1_IP "/" H2_MAC,
        "/api/v1/paths/00-00-00-00-AA-01/" H2_MAC "?metric=latency",
    };
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
        j = get(hosts[i], 200);
        const json_t *src = json_object_get(j, "src");
        ck_assert_str_eq(test_json_str(src, "type"), "host");
        ck_assert_str_eq(test_json_str(src, "mac"), H1_MAC);
        ck_assert_str_eq(test_json_str(src, "dpid"), "0000000000000001");
        ck_assert_int_eq(test_json_int(src, "port_no"), 1);
        assert_null(src, "vlan");
        assert_json(json_object_get(src, "ipv4"), "[\"" H1_IP "\"]");
        const json_t *dst = json_object_get(j, "dst");
        ck_assert_str_eq(test_json_str(dst, "type"), "host");
        ck_assert_str_eq(test_json_str(dst, "mac"), H2_MAC);
        assert_json(json_object_get(dst, "ipv6"), "[\"" H2_IP6 "\"]");
        ck_assert_uint_eq(json_array_size(json_object_get(j, "hops")), 2);
        assert_hop(j, 0, 1, 1, 2);
        assert_hop(j, 1, 2, 3, 1);
        ck_assert_int_eq(test_json_int(j, "length"), 1);
        json_decref(j);
    }

    /* A host and its own switch; a switch to itself. */
    j = get("/api/v1/paths/" H2_MAC "/2", 200);
    ck_assert_uint_eq(json_array_size(json_object_get(j, "hops")), 1);
    assert_hop(j, 0, 2, 1, 0);
    ck_assert_int_eq(test_json_int(j, "length"), 0);
    json_decref(j);
    j = get("/api/v1/paths/1/1", 200);
    ck_assert_uint_eq(json_array_size(json_object_get(j, "hops")), 1);
    assert_hop(j, 0, 1, 0, 0);
    ck_assert_int_eq(test_json_int(j, "length"), 0);
    ck_assert(json_real_value(json_object_get(j, "latency_ms")) == 0.0);
    json_decref(j);

    /* Unknown ends, no path, unparseable ends and metrics. */
    tapi_switch(3);
    get_error("/api/v1/paths/1/3", 404, "no path");
    get_error("/api/v1/paths/" H1_IP "/3", 404, "no path");
    get_error("/api/v1/paths/1/9", 404, "no such switch");
    get_error("/api/v1/paths/0x9/1", 404, "no such switch");
    get_error("/api/v1/paths/10.9.9.9/1", 404, "no such host");
    get_error("/api/v1/paths/1/00:00:00:00:00:99", 404, "no such host");
    get_error("/api/v1/paths/2001:db8::99/1", 404, "no such host");
    get_error("/api/v1/paths/s1/2", 400, "bad endpoint");
    get_error("/api/v1/paths/1/00:00:00:00:aa", 400, "bad endpoint");
    get_error("/api/v1/paths/1/00:00:00:00:aa:0g", 400, "bad endpoint");
    get_error("/api/v1/paths/1/00:00:00-00:aa:01", 400, "bad endpoint");
    get_error("/api/v1/paths/1/10.0.0.256", 400, "bad endpoint");
    get_error("/api/v1/paths/1/2001:db8:::1", 400, "bad endpoint");
    get_error("/api/v1/paths/1/2?metric=fast", 400, "bad metric");
    get_error("/api/v1/paths/1/2?metric=", 400, "bad metric");
    tapi_teardown();
}
END_TEST

/* With discovery off: no probes, no links, no hosts; every live port is
 * an edge; paths within one switch only. */
START_TEST(discovery_off)
{
    json_t *j;

    tapi_setup_topo(NULL, NULL, "{enabled: false}");
    struct fsw *s1 = tapi_switch(1);
    tapi_switch(2);
    send_arp(s1, 1, H1_MAC, H1_IP);

    j = get("/api/v1/topology/summary", 200);
    ck_assert(json_is_integer(json_object_get(j, "version")));
    json_object_del(j, "version");
    assert_json(j, "{\"enabled\": false, \"switches\": 2, \"links\": 0,"
                   " \"hosts\": 0, \"tree_links\": 0, \"edge_ports\": 6}");
    json_decref(j);
    j = get("/api/v1/topology", 200);
    ck_assert(!test_json_bool(j, "enabled"));
    assert_json(json_object_get(j, "links"), "[]");
    assert_json(json_object_get(j, "hosts"), "[]");
    const json_t *ports = json_object_get(
        json_array_get(json_object_get(j, "switches"), 0), "ports");
    ck_assert_str_eq(test_json_str(json_array_get(ports, 0), "role"), "edge");
    json_decref(j);
    j = get("/api/v1/paths/2/2", 200);
    assert_hop(j, 0, 2, 0, 0);
    json_decref(j);
    get_error("/api/v1/paths/1/2", 404, "no path");
    get_error("/api/v1/paths/" H1_MAC "/2", 404, "no such host");
    ck_assert_uint_eq(topo_stats(tapi.ctl.topo)->probes_sent, 0);
    tapi_teardown();
}
END_TEST

/* ---- events: a raw HTTP/1.1 client of the event stream ---- */

struct sse {
    struct bufferevent *bev;
    char *raw; /* everything received, NUL-terminated */
    size_t len;
    bool eof;
};

static void
sse_read_cb(struct bufferevent *bev, void *c_)
{
    struct sse *c = c_;
    struct evbuffer *in = bufferevent_get_input(bev);
    size_t n = evbuffer_get_length(in);

    c->raw = realloc(c->raw, c->len + n + 1);
    ck_assert_ptr_nonnull(c->raw);
    evbuffer_remove(in, c->raw + c->len, n);
    c->len += n;
    c->raw[c->len] = '\0';
}

static void
sse_event_cb(struct bufferevent *bev, short what, void *c_)
{
    struct sse *c = c_;

    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        sse_read_cb(bev, c);
        c->eof = true;
    }
}

/* The body so far with the chunked encoding undone (malloc'd). */
static char *
sse_body(const struct sse *c)
{
    const char *raw = c->raw ? c->raw : "";
    const char *p = strstr(raw, "\r\n\r\n");
    char *body = malloc(c->len + 1);
    size_t n = 0;

    ck_assert_ptr_nonnull(body);
    ck_assert_ptr_nonnull(p);
    for (p += 4; *p;) {
        char *end;
        unsigned long size = strtoul(p, &end, 16);

        if (end == p || strncmp(end, "\r\n", 2) ||
            (size_t) (raw + c->len - (end + 2)) < size + 2 || size == 0) {
            break;
        }
        memcpy(body + n, end + 2, size);
        n += size;
        p = end + 2 + size + 2;
    }
    body[n] = '\0';
    return body;
}

static struct sse *
sse_open(void)
{
    static const char request[] = "GET /api/v1/events HTTP/1.1\r\n"
                                  "Host: 127.0.0.1\r\n\r\n";
    struct sse *c = calloc(1, sizeof *c);
    struct sockaddr_in sin;

    ck_assert_ptr_nonnull(c);
    c->bev = bufferevent_socket_new(tapi.base, -1, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(c->bev, sse_read_cb, NULL, sse_event_cb, c);
    bufferevent_enable(c->bev, EV_READ);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(tapi.port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bufferevent_socket_connect(
                         c->bev, (struct sockaddr *) &sin, sizeof sin),
                     0);
    bufferevent_write(c->bev, request, sizeof request - 1);
    ck_assert(LOOP_UNTIL(c->eof || (c->raw && strstr(c->raw, "\r\n\r\n"))));
    ck_assert_msg(!strncmp(c->raw, "HTTP/1.1 200 ", 13), "%s", c->raw);
    ck_assert(LOOP_UNTIL(
        rest_server_stats(rest_api_server(tapi.api))->streams == 1));
    return c;
}

static void
sse_close(struct sse *c)
{
    bufferevent_free(c->bev);
    free(c->raw);
    free(c);
}

/* Returns the first event of type 'type' whose data has every member of
 * the JSON object 'subset' (NULL: any), as a new reference; NULL if none
 * came yet. */
static json_t *
sse_find(const struct sse *c, const char *type, const json_t *subset)
{
    /* Each event is parsed and compared whole: a stream of a few dozen
     * events in a test. */
    char *body = sse_body(c);
    char head[64];
    json_t *found = NULL;

    snprintf(head, sizeof head, "event: %s\ndata: ", type);
    for (char *p = body, *end; !found && (end = strstr(p, "\n\n")) != NULL;
         p = end + 2) {
        if (strncmp(p, head, strlen(head))) {
            continue;
        }
        json_error_t e;
        *end = '\0';
        ck_assert_msg(!strchr(p + strlen(head), '\n'), "data on two lines");
        json_t *j = json_loads(p + strlen(head), 0, &e);
        ck_assert_msg(j != NULL, "bad JSON '%s': %s", p, e.text);

        const char *key;
        json_t *value;
        bool match = true;
        json_object_foreach((json_t *) subset, key, value)
        {
            match &= json_equal(json_object_get(j, key), value);
        }
        if (match) {
            found = j;
        } else {
            json_decref(j);
        }
    }
    free(body);
    return found;
}

/* Waits for an event of 'type' about switch 'dpid' with the members of
 * 'subset' (JSON text, or NULL), as sse_find() finds it, and checks its
 * common fields: "type", "time" (with milliseconds), "dpid". */
static json_t *
sse_wait(const struct sse *c, const char *type, uint64_t dpid,
         const char *subset)
{
    json_t *want = json_loads(subset ? subset : "{}", 0, NULL);
    json_t *j = NULL;
    char dpid_text[17];

    ck_assert_ptr_nonnull(want);
    snprintf(dpid_text, sizeof dpid_text, "%016llx",
             (unsigned long long) dpid);
    json_object_set_new(want, "dpid", json_string(dpid_text));
    /* Not LOOP_UNTIL(): it evaluates its condition once more at the end. */
    double deadline = test_loop_now() + FSW_STEP_TIMEOUT;
    while ((j = sse_find(c, type, want)) == NULL) {
        ck_assert_msg(test_loop_now() < deadline, "no %s event %s", type,
                      subset ? subset : "");
        event_base_loop(tapi.base, EVLOOP_ONCE);
    }
    json_decref(want);
    ck_assert_str_eq(test_json_str(j, "type"), type);
    assert_regex(test_json_str(j, "time"),
                 "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
                                  "[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$");
    ck_assert_str_eq(test_json_str(j, "dpid"), dpid_text);
    return j;
}

START_TEST(events)
{
    json_t *j;

    tapi_setup_topo(NULL, NULL, NULL);
    struct sse *c = sse_open();
    struct fsw *s1 = tapi_switch(1);
    struct fsw *s2 = tapi_switch(2);

    /* Links up, each direction its event; then the tree spans both. */
    link_s1_s2(s1, s2);
    j = sse_wait(c, "link_up", 1, NULL);
    ASSERT_KEYS(j, "type", "time", "dpid", "src", "dst", "latency_ms");
    assert_json(json_object_get(j, "src"),
                "{\"dpid\": \"0000000000000001\", \"port_no\": 2}");
    assert_json(json_object_get(j, "dst"),
                "{\"dpid\": \"0000000000000002\", \"port_no\": 3}");
    ck_assert(json_is_real(json_object_get(j, "latency_ms")));
    ck_assert(json_real_value(json_object_get(j, "latency_ms")) >= 0);
    json_decref(j);
    j = sse_wait(c, "link_up", 2, NULL);
    assert_json(json_object_get(j, "dst"),
                "{\"dpid\": \"0000000000000001\", \"port_no\": 2}");
    json_decref(j);
    j = sse_wait(c, "tree_changed", 0, "{\"links\": 1}");
    ASSERT_KEYS(j, "type", "time", "dpid", "links", "switches");
    ck_assert_int_eq(test_json_int(j, "switches"), 2);
    json_decref(j);

    /* A host appears, then moves. */
    wait_role(s1, 1, 1, SL_PORT_EDGE);
    send_arp(s1, 1, H1_MAC, H1_IP);
    j = sse_wait(c, "host_add", 1, NULL);
    ASSERT_KEYS(j, "type", "time", "dpid", "mac", "vlan", "ipv4", "ipv6",
                "port_no");
    ck_assert_str_eq(test_json_str(j, "mac"), H1_MAC);
    assert_null(j, "vlan");
    assert_json(json_object_get(j, "ipv4"), "[\"" H1_IP "\"]");
    assert_json(json_object_get(j, "ipv6"), "[]");
    ck_assert_int_eq(test_json_int(j, "port_no"), 1);
    json_decref(j);
    wait_role(s2, 2, 2, SL_PORT_EDGE);
    send_arp(s2, 2, H1_MAC, H1_IP);
    j = sse_wait(c, "host_move", 2, NULL);
    ASSERT_KEYS(j, "type", "time", "dpid", "mac", "vlan", "ipv4", "ipv6",
                "port_no", "old_dpid", "old_port_no");
    ck_assert_int_eq(test_json_int(j, "port_no"), 2);
    ck_assert_str_eq(test_json_str(j, "old_dpid"), "0000000000000001");
    ck_assert_int_eq(test_json_int(j, "old_port_no"), 1);
    json_decref(j);

    /* A port goes down: its links go, with the reason. */
    fsw_send_port_status(s1, OFPPR_MODIFY, 2, "eth2", true);
    j = sse_wait(c, "port_down", 1, NULL);
    ASSERT_KEYS(j, "type", "time", "dpid", "port_no", "name");
    ck_assert_int_eq(test_json_int(j, "port_no"), 2);
    ck_assert_str_eq(test_json_str(j, "name"), "eth2");
    json_decref(j);
    /* One direction goes for the port, the other with it (topo.c names
     * that "reverse direction lost" when it sees it first). */
    j = sse_wait(c, "link_down", 1, NULL);
    ASSERT_KEYS(j, "type", "time", "dpid", "src", "dst", "latency_ms",
                "reason");
    bool port_down = !strcmp(test_json_str(j, "reason"), "port down");
    json_decref(j);
    j = sse_wait(c, "link_down", 2, NULL);
    ck_assert_str_ne(test_json_str(j, "reason"), "");
    port_down |= !strcmp(test_json_str(j, "reason"), "port down");
    json_decref(j);
    ck_assert_msg(port_down, "no link_down says \"port down\"");
    j = sse_wait(c, "tree_changed", 0, "{\"links\": 0}");
    json_decref(j);
    fsw_send_port_status(s1, OFPPR_MODIFY, 2, "eth2", false);
    j = sse_wait(c, "port_up", 1, "{\"port_no\": 2}");
    ck_assert_str_eq(test_json_str(j, "name"), "eth2");
    json_decref(j);

    /* The host's port is deleted: the host goes. */
    fsw_send_port_status(s2, OFPPR_DELETE, 2, "eth2", false);
    j = sse_wait(c, "host_remove", 2, NULL);
    ck_assert_str_eq(test_json_str(j, "mac"), H1_MAC);
    ck_assert_int_eq(test_json_int(j, "port_no"), 2);
    ck_assert_ptr_null(json_object_get(j, "old_dpid"));
    json_decref(j);
    j = sse_wait(c, "port_down", 2, "{\"port_no\": 2}");
    json_decref(j);
    ck_assert_uint_eq(topo_stats(tapi.ctl.topo)->n_hosts, 0);

    sse_close(c);
    tapi_teardown();
}
END_TEST

/* ---- /metrics ---- */

/* Returns the value of the sample 'series' ("name{label=\"v\"}") in the
 * exposition 'text'; fails the test if absent. */
static double
sample(const char *text, const char *series)
{
    size_t len = strlen(series);

    for (const char *p = text; p && *p;
         p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (!strncmp(p, series, len) && p[len] == ' ') {
            return strtod(p + len + 1, NULL);
        }
    }
    ck_abort_msg("no sample %s", series);
    return 0;
}

/* Checks that family 'name' of 'type' is declared with HELP and TYPE. */
static void
assert_family(const char *text, const char *name, const char *type)
{
    char help[128], type_line[128];

    snprintf(help, sizeof help, "\n# HELP %s ", name);
    snprintf(type_line, sizeof type_line, "\n# TYPE %s %s\n", name, type);
    ck_assert_msg(strstr(text, help), "no HELP for %s", name);
    ck_assert_msg(strstr(text, type_line), "no TYPE %s for %s", type, name);
}

/* Returns the body of GET /metrics (malloc'd). */
static char *
scrape(void)
{
    struct tapi_http *h = tapi_http_start("GET", "/metrics", NULL, NULL);

    ck_assert_int_eq(tapi_http_wait(h), 200);
    char *text = strdup(tapi_http_body(h));
    ck_assert_ptr_nonnull(text);
    tapi_http_free(h);
    return text;
}

/* A valid LLDP frame that is not Sluice's: chassis id a MAC, port id an
 * interface name, TTL, end. */
static const uint8_t foreign_lldp[] = {
    0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x02, 0x00, 0x00, 0x00, 0x00, 0x77,
    0x88, 0xcc, 0x02, 0x07, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00, 0x77, 0x04,
    0x05, 0x05, 'e',  't',  'h',  '0',  0x06, 0x02, 0x00, 0x78, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* An LLDP frame whose first TLV runs past the end. */
static const uint8_t malformed_lldp[] = {
    0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x02, 0x00, 0x00,
    0x00, 0x00, 0x77, 0x88, 0xcc, 0x02, 0xff, 0x04, 0x02,
};

START_TEST(metrics)
{
    static const struct {
        const char *name, *type;
    } families[] = {
        {"sluice_lldp_probes_sent_total", "counter"},
        {"sluice_lldp_probes_failed_total", "counter"},
        {"sluice_lldp_received_total", "counter"},
        {"sluice_topology_links", "gauge"},
        {"sluice_topology_one_way_links", "gauge"},
        {"sluice_topology_hosts", "gauge"},
        {"sluice_topology_tree_links", "gauge"},
        {"sluice_topology_edge_ports", "gauge"},
        {"sluice_topology_link_events_total", "counter"},
        {"sluice_topology_host_events_total", "counter"},
        {"sluice_topology_hosts_not_learned_total", "counter"},
        {"sluice_topology_tree_computations_total", "counter"},
        {"sluice_topology_tree_changes_total", "counter"},
    };
    uint8_t frame[2048];
    char *text;

    tapi_setup_topo(NULL, "[{name: hub}]", NULL);
    text = scrape();
    for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
        assert_family(text, families[i].name, families[i].type);
    }
    ck_assert(sample(text, "sluice_lldp_received_total{result=\"ok\"}") == 0);
    /* The app event labels cover the topology's events. */
    ck_assert(sample(text, "sluice_app_events_total{app=\"hub\","
                           "event=\"tree_changed\"}") == 0);
    ck_assert(sample(text, "sluice_app_events_total{app=\"hub\","
                           "event=\"host_remove\"}") == 0);
    free(text);

    struct fsw *s1 = tapi_switch(1);
    struct fsw *s2 = tapi_switch(2);
    link_s1_s2(s1, s2);

    /* A probe altered on the way (its system name): a bad HMAC, no link. */
    size_t len = tapi_lldp_probe(s1, 1, frame, sizeof frame);
    uint8_t *name = memmem(frame, len, "sluice", 6);
    ck_assert_ptr_nonnull(name);
    name[5] = 'f';
    tapi_packet_in(s2, 1, frame, len);
    /* A probe back at the port it left: no link. */
    len = tapi_lldp_probe(s1, 1, frame, sizeof frame);
    tapi_packet_in(s1, 1, frame, len);
    /* Someone else's LLDP; a malformed one. */
    tapi_packet_in(s2, 1, foreign_lldp, sizeof foreign_lldp);
    tapi_packet_in(s2, 1, malformed_lldp, sizeof malformed_lldp);
    ck_assert_uint_eq(topo_stats(tapi.ctl.topo)->n_links, 2);
    wait_role(s1, 1, 2, SL_PORT_TREE);
    wait_edges(s1, s2);
    send_arp(s1, 1, H1_MAC, H1_IP);

    text = scrape();
    for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
        assert_family(text, families[i].name, families[i].type);
    }
    const struct topo_stats *st = topo_stats(tapi.ctl.topo);
    ck_assert(sample(text, "sluice_lldp_probes_sent_total") >= 5);
    ck_assert(sample(text, "sluice_lldp_probes_sent_total") <=
              (double) st->probes_sent);
    ck_assert(sample(text, "sluice_lldp_probes_failed_total") == 0);
    ck_assert(sample(text, "sluice_lldp_received_total{result=\"ok\"}") >= 2);
    ck_assert(
        sample(text, "sluice_lldp_received_total{result=\"bad_hmac\"}") == 1);
    ck_assert(
        sample(text, "sluice_lldp_received_total{result=\"unknown_port\"}") ==
        1);
    ck_assert(sample(text, "sluice_lldp_received_total{result=\"foreign\"}") ==
              1);
    ck_assert(
        sample(text, "sluice_lldp_received_total{result=\"malformed\"}") == 1);
    ck_assert(sample(text, "sluice_lldp_received_total{result=\"stale\"}") ==
              0);
    ck_assert(sample(text, "sluice_topology_links") == 2);
    ck_assert(sample(text, "sluice_topology_one_way_links") == 0);
    ck_assert(sample(text, "sluice_topology_hosts") == 1);
    ck_assert(sample(text, "sluice_topology_tree_links") == 1);
    ck_assert(sample(text, "sluice_topology_edge_ports") == 4);
    ck_assert(
        sample(text, "sluice_topology_link_events_total{event=\"up\"}") == 2);
    ck_assert(
        sample(text, "sluice_topology_link_events_total{event=\"down\"}") ==
        0);
    ck_assert(
        sample(text, "sluice_topology_host_events_total{event=\"add\"}") == 1);
    ck_assert(
        sample(text, "sluice_topology_host_events_total{event=\"move\"}") ==
        0);
    ck_assert(
        sample(text, "sluice_topology_host_events_total{event=\"remove\"}") ==
        0);
    ck_assert(sample(text, "sluice_topology_hosts_not_learned_total") == 0);
    ck_assert(sample(text, "sluice_topology_tree_computations_total") >= 1);
    ck_assert(sample(text, "sluice_topology_tree_changes_total") >= 1);
    free(text);
    tapi_teardown();
}
END_TEST

/* A probe replayed after the link timeout makes no link: it is stale. */
START_TEST(metrics_stale_probe)
{
    uint8_t frame[2048];

    tapi_setup_topo(NULL, NULL, "{lldp_interval: 0.2, link_timeout: 0.6}");
    struct fsw *s1 = tapi_switch(1);
    struct fsw *s2 = tapi_switch(2);
    size_t len = tapi_lldp_probe(s1, 2, frame, sizeof frame);
    TEST_LOOP_UNTIL(tapi.base, false, 0.8);
    tapi_settle(s2);
    tapi_packet_in(s2, 3, frame, len);

    char *text = scrape();
    ck_assert(sample(text, "sluice_lldp_received_total{result=\"stale\"}") ==
              1);
    ck_assert(sample(text, "sluice_lldp_received_total{result=\"ok\"}") == 0);
    ck_assert(sample(text, "sluice_topology_links") == 0);
    free(text);
    tapi_teardown();
}
END_TEST

/* Without a topology the families are there, at zero. */
START_TEST(metrics_without_topology)
{
    tapi_setup(NULL, NULL);
    char *text = scrape();
    assert_family(text, "sluice_lldp_received_total", "counter");
    ck_assert(sample(text, "sluice_lldp_received_total{result=\"ok\"}") == 0);
    ck_assert(sample(text, "sluice_topology_links") == 0);
    ck_assert(sample(text, "sluice_topology_tree_changes_total") == 0);
    free(text);

    json_t *j = get("/api/v1/topology/summary", 200);
    assert_json(j, "{\"enabled\": false, \"version\": 0, \"switches\": 0,"
                   " \"links\": 0, \"hosts\": 0, \"tree_links\": 0,"
                   " \"edge_ports\": 0}");
    json_decref(j);
    j = get("/api/v1/topology", 200);
    assert_json(j, "{\"switches\": [], \"links\": [], \"hosts\": [],"
                   " \"enabled\": false, \"version\": 0}");
    json_decref(j);
    tapi_switch(1);
    j = get("/api/v1/paths/1/1", 200);
    assert_hop(j, 0, 1, 0, 0);
    json_decref(j);
    get_error("/api/v1/paths/" H1_IP "/1", 404, "no such host");
    tapi_teardown();
}
END_TEST

static Suite *
rest_topo_suite(void)
{
    Suite *s = suite_create("rest-topo");
    TCase *tc = tcase_create("ryu");

    tcase_add_test(tc, ryu_switches);
    tcase_add_test(tc, links_ryu_both_directions);
    tcase_add_test(tc, hosts_ryu);
    suite_add_tcase(s, tc);

    tc = tcase_create("native");
    tcase_add_test(tc, topology_native);
    tcase_add_test(tc, paths);
    tcase_add_test(tc, discovery_off);
    suite_add_tcase(s, tc);

    tc = tcase_create("events-metrics");
    tcase_add_test(tc, events);
    tcase_add_test(tc, metrics);
    tcase_add_test(tc, metrics_stale_probe);
    tcase_add_test(tc, metrics_without_topology);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(rest_topo_suite());
}
