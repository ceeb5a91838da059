/* test-app-l2: apps/l2_learning.so in the fake host (test/app-harness.h).
 *
 * Config parsing (every refusal names its key); proactive forwarding on a
 * linear network, a binary tree and a 3x3 torus, checked by tracing
 * frames through the recorded flows switch by switch (every host reaches
 * every other host at its port, by a shortest path, and nowhere else);
 * host moves and removals, link failures; flooding along the spanning
 * tree (each switch gets a flood once, no blocked port, never back out of
 * the in port; a copy arriving on a blocked port is dropped); VLAN
 * classification flows and per-VLAN flooding (tagged outputs, then
 * pop_vlan, then untagged ones), VLAN-aware forwarding and isolation;
 * reactive mode (learning, flows with idle timeout, aging, the flush on a
 * tree change); REST and metrics; LLDP and malformed packet-ins. */
#include <config.h>

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
#define PRIO 100
#define NOVLAN SL_HOST_NO_VLAN

static struct ah *ah;

static void
teardown(void)
{
    if (ah) {
        ah_free(ah);
        ah = NULL;
    }
}

static struct ah *
start(const char *yaml)
{
    int error = -1;
    struct ah *a = ah_new("l2_learning", yaml, &error);

    ck_assert_msg(a != NULL, "init failed (%d): %s", error, ah_last_log());
    return a;
}

/* ====================================================================== */
/* A fake network described on the test's side too, to walk frames. */

#define NET_MAX_SW 16
#define NET_MAX_CABLES 32

struct net {
    size_t n_sw;
    uint64_t dpids[NET_MAX_SW];
    uint32_t n_ports[NET_MAX_SW];
    size_t n_cables;
    struct {
        uint64_t a, b;
        uint32_t pa, pb;
        bool up;
    } cables[NET_MAX_CABLES];
};

static struct net net;

static void
net_switch(uint64_t dpid, uint32_t n_ports)
{
    ck_assert_uint_lt(net.n_sw, NET_MAX_SW);
    net.dpids[net.n_sw] = dpid;
    net.n_ports[net.n_sw++] = n_ports;
    ah_switch_add(ah, dpid, n_ports);
}

static void
net_cable(uint64_t a, uint32_t pa, uint64_t b, uint32_t pb)
{
    ck_assert_uint_lt(net.n_cables, NET_MAX_CABLES);
    net.cables[net.n_cables].a = a;
    net.cables[net.n_cables].pa = pa;
    net.cables[net.n_cables].b = b;
    net.cables[net.n_cables].pb = pb;
    net.cables[net.n_cables++].up = true;
    ah_cable_add(ah, a, pa, b, pb);
}

/* The far end of dpid:port's cable, if it has a live one. */
static bool
net_peer(uint64_t dpid, uint32_t port, uint64_t *pd, uint32_t *pp)
{
    for (size_t i = 0; i < net.n_cables; i++) {
        if (!net.cables[i].up) {
            continue;
        }
        if (net.cables[i].a == dpid && net.cables[i].pa == port) {
            *pd = net.cables[i].b;
            *pp = net.cables[i].pb;
            return true;
        }
        if (net.cables[i].b == dpid && net.cables[i].pb == port) {
            *pd = net.cables[i].a;
            *pp = net.cables[i].pa;
            return true;
        }
    }
    return false;
}

static uint32_t
net_ports(uint64_t dpid)
{
    for (size_t i = 0; i < net.n_sw; i++) {
        if (net.dpids[i] == dpid) {
            return net.n_ports[i];
        }
    }
    ck_abort_msg("no switch %" PRIu64, dpid);
    return 0;
}

static size_t
net_index(uint64_t dpid)
{
    for (size_t i = 0; i < net.n_sw; i++) {
        if (net.dpids[i] == dpid) {
            return i;
        }
    }
    ck_abort_msg("no switch %" PRIu64, dpid);
    return 0;
}

/* Hops between switches a and b over live cables (BFS), or -1. */
static int
net_hops(uint64_t a, uint64_t b)
{
    int dist[NET_MAX_SW];
    size_t queue[NET_MAX_SW], head = 0, tail = 0;

    for (size_t i = 0; i < NET_MAX_SW; i++) {
        dist[i] = -1;
    }
    dist[net_index(a)] = 0;
    queue[tail++] = net_index(a);
    while (head < tail) {
        size_t u = queue[head++];
        for (size_t c = 0; c < net.n_cables; c++) {
            uint64_t other;
            if (!net.cables[c].up) {
                continue;
            }
            if (net.cables[c].a == net.dpids[u]) {
                other = net.cables[c].b;
            } else if (net.cables[c].b == net.dpids[u]) {
                other = net.cables[c].a;
            } else {
                continue;
            }
            size_t v = net_index(other);
            if (dist[v] < 0) {
                dist[v] = dist[u] + 1;
                queue[tail++] = v;
            }
        }
    }
    return dist[net_index(b)];
}

/* The MAC of the host of switch 'dpid' ('n' distinguishes several). */
static const char *
host_mac(uint64_t dpid, unsigned n)
{
    static char text[4][18];
    static int next;
    char *t = text[next++ % 4];

    snprintf(t, 18, "02:00:00:00:%02x:%02x", n, (unsigned) dpid);
    return t;
}

/* Announces the network and its hosts as the topology would, then lets
 * the app's recompute run. */
static void
net_announce(void)
{
    for (size_t i = 0; i < net.n_sw; i++) {
        ah_emit_switch_up(ah, net.dpids[i]);
    }
    for (size_t i = 0; i < net.n_cables; i++) {
        ah_emit_link_up(ah, net.cables[i].a, net.cables[i].pa);
    }
    ah_emit_tree_changed(ah);
    ah_advance(ah, 0.01);
}

/* One host untagged on port 1 of every switch. */
static void
net_hosts(void)
{
    for (size_t i = 0; i < net.n_sw; i++) {
        ah_host_add(ah, host_mac(net.dpids[i], 0), NOVLAN, net.dpids[i], 1,
                    0);
        ah_emit_host_add(ah, host_mac(net.dpids[i], 0), NOVLAN);
    }
}

/* Switches 1..n in a row: port 1 a host, 2 left, 3 right, 4 spare. */
static void
net_linear(size_t n)
{
    memset(&net, 0, sizeof net);
    for (size_t i = 1; i <= n; i++) {
        net_switch(i, 4);
    }
    for (size_t i = 1; i < n; i++) {
        net_cable(i, 3, i + 1, 2);
    }
}

/* A binary tree of 7 switches: k's children are 2k and 2k+1 (ports 3
 * and 4), its parent on port 2; a host on port 1. */
static void
net_tree(void)
{
    memset(&net, 0, sizeof net);
    for (uint64_t k = 1; k <= 7; k++) {
        net_switch(k, 4);
    }
    for (uint64_t k = 1; k <= 3; k++) {
        net_cable(k, 3, 2 * k, 2);
        net_cable(k, 4, 2 * k + 1, 2);
    }
}

/* A 3x3 torus: switch r*3+c+1, port 1 a host, 2 east, 3 west, 4 south,
 * 5 north. */
static uint64_t
torus_id(int r, int c)
{
    return (uint64_t) (((r + 3) % 3) * 3 + (c + 3) % 3 + 1);
}

static void
net_torus(void)
{
    memset(&net, 0, sizeof net);
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
            net_switch(torus_id(r, c), 5);
        }
    }
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
            net_cable(torus_id(r, c), 2, torus_id(r, c + 1), 3);
            net_cable(torus_id(r, c), 4, torus_id(r + 1, c), 5);
        }
    }
}

/* ---- tracing frames through the flows ---- */

struct hit {
    uint64_t dpid;
    uint32_t port;
    size_t len;     /* of the frame delivered */
    uint8_t frame[128];
};

struct walk {
    size_t n_hits;
    struct hit hits[32];
    size_t n_switches;  /* switch visits */
    bool punted;        /* a table miss went to the controller */
};

/* Sends 'frame' into dpid:in_port and follows it over the cables by
 * ah_trace() until it leaves by edge ports (or is dropped or punted). */
static void
walk(uint64_t dpid, uint32_t in_port, const uint8_t *frame, size_t len,
     struct walk *w)
{
    struct step {
        uint64_t dpid;
        uint32_t in_port;
        size_t len;
        uint8_t frame[128];
    };
    struct step *queue = calloc(64, sizeof *queue);
    struct ah_trace *t = malloc(sizeof *t);
    size_t head = 0, tail = 0;

    ck_assert_ptr_nonnull(queue);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_le(len, sizeof queue->frame);
    memset(w, 0, sizeof *w);
    queue[tail].dpid = dpid;
    queue[tail].in_port = in_port;
    queue[tail].len = len;
    memcpy(queue[tail++].frame, frame, len);
    while (head < tail) {
        struct step *s = &queue[head++];
        ah_trace(ah, s->dpid, s->in_port, s->frame, s->len, t);
        w->n_switches++;
        ck_assert_uint_lt(w->n_switches, 50); /* no loop */
        if (t->to_controller) {
            w->punted = true;
        }
        for (size_t i = 0; i < t->n_out; i++) {
            uint64_t pd;
            uint32_t pp;

            ck_assert_uint_le(t->out[i].len, sizeof s->frame);
            if (net_peer(s->dpid, t->out[i].port, &pd, &pp)) {
                ck_assert_uint_lt(tail, 64);
                queue[tail].dpid = pd;
                queue[tail].in_port = pp;
                queue[tail].len = t->out[i].len;
                memcpy(queue[tail++].frame, t->out[i].frame, t->out[i].len);
            } else {
                struct hit *h = &w->hits[w->n_hits++];
                ck_assert_uint_lt(w->n_hits, 32);
                h->dpid = s->dpid;
                h->port = t->out[i].port;
                h->len = t->out[i].len;
                memcpy(h->frame, t->out[i].frame, t->out[i].len);
            }
        }
    }
    free(queue);
    free(t);
}

/* A UDP frame from host 'src' to host 'dst' reaches exactly dst's port,
 * by a shortest path, without the controller. */
static void
assert_delivers(uint64_t src_dp, uint32_t src_port, const char *src_mac,
                uint64_t dst_dp, uint32_t dst_port, const char *dst_mac)
{
    uint8_t f[1514];
    size_t len = ah_frame_udp4(f, dst_mac, src_mac, NOVLAN, "10.0.0.1",
                               "10.0.0.2", 1000, 2000);
    struct walk w;
    int hops = net_hops(src_dp, dst_dp);

    walk(src_dp, src_port, f, len, &w);
    ck_assert_msg(!w.punted, "%s -> %s punted", src_mac, dst_mac);
    ck_assert_msg(w.n_hits == 1, "%s -> %s: %zu deliveries", src_mac,
                  dst_mac, w.n_hits);
    ck_assert_msg(w.hits[0].dpid == dst_dp && w.hits[0].port == dst_port,
                  "%s -> %s: delivered at %" PRIu64 ":%" PRIu32 ", not %"
                  PRIu64 ":%" PRIu32, src_mac, dst_mac, w.hits[0].dpid,
                  w.hits[0].port, dst_dp, dst_port);
    test_assert_bytes(w.hits[0].frame, w.hits[0].len, f, len);
    ck_assert_int_ge(hops, 0);
    ck_assert_msg(w.n_switches == (size_t) hops + 1,
                  "%s -> %s: %zu switches for %d hops", src_mac, dst_mac,
                  w.n_switches, hops);
}

/* Every host reaches every other one. */
static void
assert_all_pairs(void)
{
    for (size_t i = 0; i < net.n_sw; i++) {
        for (size_t j = 0; j < net.n_sw; j++) {
            if (i != j) {
                assert_delivers(net.dpids[i], 1, host_mac(net.dpids[i], 0),
                                net.dpids[j], 1, host_mac(net.dpids[j], 0));
            }
        }
    }
}

static const struct sl_flow_spec *
host_flow(uint64_t dpid, const char *mac, int vlan)
{
    struct ah_match m;
    char text[80];

    if (vlan < 0) {
        snprintf(text, sizeof text, "eth_dst=%s", mac);
    } else {
        snprintf(text, sizeof text, "eth_dst=%s,vlan_vid=%d", mac, vlan);
    }
    return ah_flow_get(ah, dpid, T_L2, PRIO, ah_match(&m, text));
}

/* The output port of 'spec''s last action. */
static uint32_t
flow_out(const struct sl_flow_spec *spec)
{
    ck_assert_ptr_nonnull(spec);
    ck_assert_uint_eq(spec->instructions.n, 1);
    const struct ofp_instruction *in = &spec->instructions.instructions[0];
    ck_assert_uint_eq(in->type, OFPIT_APPLY_ACTIONS);
    ck_assert_uint_ge(in->actions.n, 1);
    const struct ofp_action *a = &in->actions.actions[in->actions.n - 1];
    ck_assert_uint_eq(a->type, OFPAT_OUTPUT);
    return a->output.port;
}

/* ====================================================================== */
/* config */

static void
bad_config(const char *yaml, const char *needle)
{
    int error = 0;
    struct ah *a = ah_new("l2_learning", yaml, &error);

    if (a) {
        ah_free(a);
    }
    ck_assert_msg(a == NULL, "'%s' accepted", yaml);
    ck_assert_msg(error == EINVAL, "'%s': error %d", yaml, error);
    ck_assert_msg(strstr(ah_last_log(), needle) != NULL,
                  "'%s': log '%s' lacks '%s'", yaml, ah_last_log(), needle);
}

START_TEST(config_bad_top)
{
    bad_config("[1, 2]", "expected a mapping");
    bad_config("hello", "expected a mapping");
    bad_config("{foo: 1}", "unknown key 'foo'");
    bad_config("{mode: reactive, Mode: reactive}", "unknown key 'Mode'");
    bad_config("{priority: 1, priority: 2}", "priority: given twice");
}
END_TEST

START_TEST(config_bad_scalars)
{
    bad_config("{mode: passive}", "mode: expected proactive or reactive");
    bad_config("{mode: [reactive]}", "mode: expected");
    bad_config("{mode: }", "mode: expected");
    bad_config("{priority: 0}", "priority: expected an integer 1..65535");
    bad_config("{priority: 65536}", "priority: expected");
    bad_config("{priority: -1}", "priority: expected");
    bad_config("{priority: '100'}", "priority: expected");
    bad_config("{priority: 1.5}", "priority: expected");
    bad_config("{priority: 99999999999999999999999}", "priority: expected");
    bad_config("{priority: {a: 1}}", "priority: expected");
    bad_config("{mac_age: 0}", "mac_age: expected whole seconds");
    bad_config("{mac_age: 31536001}", "mac_age: expected");
    bad_config("{mac_age: 10s}", "mac_age: expected");
    bad_config("{mac_age: ''}", "mac_age: expected");
    bad_config("{idle_timeout: 65536}", "idle_timeout: expected seconds");
    bad_config("{idle_timeout: -5}", "idle_timeout: expected");
    bad_config("{idle_timeout: [1]}", "idle_timeout: expected");
}
END_TEST

START_TEST(config_bad_vlans)
{
    bad_config("{vlans: 10}", "vlans: expected a mapping of VLAN id");
    bad_config("{vlans: [10, 20]}", "vlans: expected a mapping");
    bad_config("{vlans: {0: {}}}", "vlans: '0': expected a VLAN id 1..4094");
    bad_config("{vlans: {4095: {}}}", "vlans: '4095': expected a VLAN id");
    bad_config("{vlans: {ten: {}}}", "vlans: 'ten': expected a VLAN id");
    bad_config("{vlans: {'10': {}}}", "vlans: '10': expected a VLAN id");
    bad_config("{vlans: {10: {}, 10: {}}}", "vlans: VLAN 10 listed twice");
    bad_config("{vlans: {10: [\"1:1\"]}}", "vlans: 10: expected {untagged");
    bad_config("{vlans: {10: {native: [\"1:1\"]}}}",
               "vlans: 10: unknown key 'native'");
    bad_config("{vlans: {10: {untagged: \"1:1\"}}}",
               "vlans: 10: untagged: expected a list");
    bad_config("{vlans: {10: {tagged: {a: 1}}}}",
               "vlans: 10: tagged: expected a list");
    bad_config("{vlans: {10: {tagged: [\"1:1\"], tagged: [\"1:2\"]}}}",
               "vlans: 10: tagged given twice");
    static const char *const members[] = {
        "1",      "1:",  ":1",    "0:1",  "1:0",     "0x:1",
        "0x12345678901234567:1", "1:4294967041",  "1:1:1",
        "abc:1",  "1:x", "0xg:1", "-1:1", "1: 1", "18446744073709551616:1",
        "",
    };
    for (size_t i = 0; i < sizeof members / sizeof *members; i++) {
        char yaml[128];
        snprintf(yaml, sizeof yaml, "{vlans: {10: {untagged: [\"%s\"]}}}",
                 members[i]);
        bad_config(yaml, "vlans: 10: untagged[0]: expected \"dpid:port\"");
    }
    bad_config("{vlans: {10: {tagged: [\"1:1\", [1]]}}}",
               "vlans: 10: tagged[1]: expected \"dpid:port\"");
    bad_config("{vlans: {10: {untagged: [\"1:1\"]}, "
               "20: {untagged: [\"0x1:1\"]}}}",
               "port 0x1:1 is already untagged in VLAN 10");
    bad_config("{vlans: {10: {untagged: [\"1:1\"], tagged: [\"1:1\"]}}}",
               "vlans: 10: port 1:1 listed twice");
    bad_config("{vlans: {10: {tagged: [\"1:2\", \"1:2\"]}}}",
               "vlans: 10: port 1:2 listed twice");
}
END_TEST

START_TEST(config_defaults_and_values)
{
    char *body = NULL;

    ah = start(NULL);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "", NULL, &body), 200);
    ck_assert_str_eq(body, "{\"mode\":\"proactive\",\"vlan_aware\":false,"
                           "\"priority\":100,\"mac_age\":300,"
                           "\"idle_timeout\":60,\"hosts\":0,"
                           "\"flows_stated\":0,\"packet_ins\":0,"
                           "\"floods\":0,\"drops\":0}");
    free(body);
    ah_free(ah);

    ah = start("{mode: reactive, priority: 7, mac_age: 1, idle_timeout: 0}");
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "", NULL, &body), 200);
    ck_assert_ptr_nonnull(strstr(body, "\"mode\":\"reactive\""));
    ck_assert_ptr_nonnull(strstr(body, "\"priority\":7,\"mac_age\":1,"
                                       "\"idle_timeout\":0"));
    free(body);
    ah_free(ah);

    /* Any YAML style for strings; dpids in hex or decimal. */
    ah = start("mode: \"proactive\"\npriority: 65535\n"
               "vlans:\n  20: {tagged: ['1:3', 2:3]}\n"
               "  10: {untagged: [\"1:1\", \"0x2:1\"], tagged: [\"1:3\"]}\n"
               "  30: {}\n");
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/vlans", NULL, &body), 200);
    ck_assert_str_eq(body,
                     "[{\"vid\":10,\"untagged\":[\"0x1:1\",\"0x2:1\"],"
                     "\"tagged\":[\"0x1:3\"]},"
                     "{\"vid\":20,\"untagged\":[],"
                     "\"tagged\":[\"0x1:3\",\"0x2:3\"]},"
                     "{\"vid\":30,\"untagged\":[],\"tagged\":[]}]");
    free(body);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "", NULL, &body), 200);
    ck_assert_ptr_nonnull(strstr(body, "\"vlan_aware\":true"));
    free(body);
}
END_TEST

/* ====================================================================== */
/* proactive forwarding */

START_TEST(proactive_linear)
{
    ah = start(NULL);
    net_linear(4);
    net_announce();
    net_hosts();
    /* Host 1's flow on each switch: its port on s1, leftward elsewhere. */
    ck_assert_uint_eq(flow_out(host_flow(1, host_mac(1, 0), -1)), 1);
    for (uint64_t s = 2; s <= 4; s++) {
        ck_assert_uint_eq(flow_out(host_flow(s, host_mac(1, 0), -1)), 2);
    }
    /* A host flow has no timeouts and matches eth_dst only. */
    const struct sl_flow_spec *f = host_flow(3, host_mac(1, 0), -1);
    ck_assert_uint_eq(f->idle_timeout, 0);
    ck_assert_uint_eq(f->hard_timeout, 0);
    ck_assert_uint_eq(f->match.n_oxms, 1);
    ck_assert_uint_eq(ah_flow_count(ah, 2, T_L2), 4);
    ck_assert_uint_eq(ah_flow_count(ah, 2, -1), 4);
    assert_all_pairs();
    ck_assert_double_eq(ah_metric(ah, "hosts", ""), 4);
}
END_TEST

START_TEST(proactive_tree)
{
    ah = start(NULL);
    net_tree();
    net_announce();
    net_hosts();
    assert_all_pairs();
    /* Leaf 4 to leaf 7 goes up to the root: 4 -> 2 -> 1 -> 3 -> 7. */
    ck_assert_uint_eq(flow_out(host_flow(4, host_mac(7, 0), -1)), 2);
    ck_assert_uint_eq(flow_out(host_flow(2, host_mac(7, 0), -1)), 2);
    ck_assert_uint_eq(flow_out(host_flow(1, host_mac(7, 0), -1)), 4);
    ck_assert_uint_eq(flow_out(host_flow(3, host_mac(7, 0), -1)), 4);
}
END_TEST

START_TEST(proactive_torus)
{
    ah = start(NULL);
    net_torus();
    net_announce();
    net_hosts();
    assert_all_pairs();
    for (size_t i = 0; i < net.n_sw; i++) {
        ck_assert_uint_eq(ah_flow_count(ah, net.dpids[i], T_L2), 9);
    }
}
END_TEST

/* Hosts known before the switches: the recompute on SWITCH_UP states
 * them everywhere. */
START_TEST(proactive_switch_up_recomputes)
{
    ah = start(NULL);
    memset(&net, 0, sizeof net);
    for (uint64_t s = 1; s <= 3; s++) {
        net_switch(s, 4);
    }
    ah_host_add(ah, host_mac(1, 0), NOVLAN, 1, 1, 0);
    ah_emit_host_add(ah, host_mac(1, 0), NOVLAN);
    /* No links yet: only its own switch forwards to it. */
    ck_assert_uint_eq(flow_out(host_flow(1, host_mac(1, 0), -1)), 1);
    ck_assert_uint_eq(ah_flow_count(ah, 2, T_L2), 0);
    ck_assert_uint_eq(ah_flow_count(ah, 3, T_L2), 0);
    net_cable(1, 3, 2, 2);
    net_cable(2, 3, 3, 2);
    net_announce(); /* a burst of events: one recompute */
    ck_assert_uint_eq(flow_out(host_flow(3, host_mac(1, 0), -1)), 2);
    ck_assert_uint_eq(flow_out(host_flow(2, host_mac(1, 0), -1)), 2);
    ck_assert_double_eq(ah_metric(ah, "recomputes_total", ""), 1);

    ah_emit_link_up(ah, 1, 3);
    ah_emit_port_up(ah, 1, 4);
    ah_emit_tree_changed(ah);
    ah_emit_port_down(ah, 1, 4);
    ah_advance(ah, 0.01);
    ck_assert_double_eq(ah_metric(ah, "recomputes_total", ""), 2);
}
END_TEST

START_TEST(proactive_host_move)
{
    ah = start(NULL);
    net_linear(3);
    net_announce();
    net_hosts();
    ck_assert_uint_eq(flow_out(host_flow(1, host_mac(1, 0), -1)), 1);

    /* Host 1 moves to s3:4. */
    ah_host_add(ah, host_mac(1, 0), NOVLAN, 3, 4, 0);
    ah_emit_host_move(ah, host_mac(1, 0), NOVLAN, 1, 1);
    ck_assert_uint_eq(flow_out(host_flow(1, host_mac(1, 0), -1)), 3);
    ck_assert_uint_eq(flow_out(host_flow(2, host_mac(1, 0), -1)), 3);
    ck_assert_uint_eq(flow_out(host_flow(3, host_mac(1, 0), -1)), 4);
    assert_delivers(2, 1, host_mac(2, 0), 3, 4, host_mac(1, 0));
    assert_delivers(1, 1, host_mac(9, 9), 3, 4, host_mac(1, 0));
    ck_assert_double_eq(ah_metric(ah, "hosts", ""), 3);
}
END_TEST

START_TEST(proactive_host_remove)
{
    ah = start(NULL);
    net_linear(3);
    net_announce();
    net_hosts();
    ah_emit_host_remove(ah, host_mac(2, 0), NOVLAN);
    ah_host_del(ah, host_mac(2, 0), NOVLAN);
    for (uint64_t s = 1; s <= 3; s++) {
        ck_assert_ptr_null(host_flow(s, host_mac(2, 0), -1));
        ck_assert_uint_eq(ah_flow_count(ah, s, T_L2), 2);
    }
    ck_assert_double_eq(ah_metric(ah, "hosts", ""), 2);
    /* A frame to it now misses and is flooded. */
    uint8_t f[1514];
    struct walk w;
    size_t len = ah_frame_udp4(f, host_mac(2, 0), host_mac(1, 0), NOVLAN,
                               "10.0.0.1", "10.0.0.2", 1, 2);
    walk(1, 1, f, len, &w);
    ck_assert(w.punted);
    ck_assert_uint_eq(w.n_hits, 0);
}
END_TEST

/* A link of the torus fails: the flows of the switches that used it
 * change, and everything is still delivered, by shortest paths. */
START_TEST(proactive_link_down_reroutes)
{
    ah = start(NULL);
    net_torus();
    net_announce();
    net_hosts();
    /* 1 -> 2 is one hop east (s1:2 - s2:3). */
    ck_assert_uint_eq(flow_out(host_flow(1, host_mac(2, 0), -1)), 2);
    ah_reset_counts(ah);

    ah_cable_del(ah, 1, 2);
    net.cables[0].up = false; /* (1,2)-(2,3) was the first cable */
    ck_assert_uint_eq(net.cables[0].a, 1);
    ah_emit_link_down(ah, 1, 2, "port down");
    ah_emit_port_down(ah, 1, 2);
    ah_emit_tree_changed(ah);
    ck_assert_uint_eq(ah_counts(ah).flow_adds, 0); /* not yet: coalesced */
    ah_advance(ah, 0.01);
    ck_assert_uint_gt(ah_counts(ah).flow_adds, 0);
    ck_assert_uint_ne(flow_out(host_flow(1, host_mac(2, 0), -1)), 2);
    ck_assert_uint_ne(flow_out(host_flow(2, host_mac(1, 0), -1)), 3);
    assert_all_pairs();

    /* Isolate switch 5 entirely: flows toward its host are deleted
     * where it is unreachable, and its host's flows elsewhere too. */
    for (size_t i = 0; i < net.n_cables; i++) {
        if (net.cables[i].up &&
            (net.cables[i].a == 5 || net.cables[i].b == 5)) {
            ah_cable_del(ah, net.cables[i].a, net.cables[i].pa);
            net.cables[i].up = false;
            ah_emit_link_down(ah, net.cables[i].a, net.cables[i].pa, NULL);
        }
    }
    ah_advance(ah, 0.01);
    ck_assert_uint_eq(flow_out(host_flow(5, host_mac(5, 0), -1)), 1);
    ck_assert_uint_eq(ah_flow_count(ah, 5, T_L2), 1);
    for (uint64_t s = 1; s <= 9; s++) {
        if (s != 5) {
            ck_assert_ptr_null(host_flow(s, host_mac(5, 0), -1));
            ck_assert_uint_eq(ah_flow_count(ah, s, T_L2), 8);
        }
    }
}
END_TEST

/* A switch leaves: its flows are dropped (adopted again if it comes back
 * with them), the others re-route. */
START_TEST(proactive_switch_down)
{
    ah = start(NULL);
    net_linear(3);
    net_announce();
    net_hosts();
    ah_reset_counts(ah);
    ah_emit_switch_down(ah, 3);
    ck_assert_uint_eq(ah_counts(ah).flow_del_alls, 1);
    ck_assert_uint_eq(ah_flow_count(ah, 3, -1), 0);
    ah_switch_del(ah, 3);
    net.n_sw = 2;
    net.cables[1].up = false;
    ah_advance(ah, 0.01);
    /* Host 3 went with its switch (no event in this test): its flows
     * went with the recompute. */
    ck_assert_ptr_null(host_flow(1, host_mac(3, 0), -1));
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L2), 2);
    assert_all_pairs();
}
END_TEST

/* A host's flows age out when its last_seen stops moving, and come back
 * when it is seen again. */
START_TEST(proactive_mac_age)
{
    ah = start("{mac_age: 20}");
    net_linear(2);
    net_announce();
    net_hosts();
    ah_advance(ah, 15);
    ah_host_add(ah, host_mac(2, 0), NOVLAN, 2, 1, 0); /* seen again */
    ah_advance(ah, 10);
    ck_assert_ptr_nonnull(host_flow(1, host_mac(2, 0), -1));
    ck_assert_ptr_null(host_flow(1, host_mac(1, 0), -1));
    ck_assert_ptr_null(host_flow(2, host_mac(1, 0), -1));
    ck_assert_double_eq(ah_metric(ah, "hosts", ""), 1);

    /* A frame to the aged host is flooded, not forwarded. */
    uint8_t f[1514];
    size_t len = ah_frame_udp4(f, host_mac(1, 0), host_mac(2, 0), NOVLAN,
                               "10.0.0.2", "10.0.0.1", 1, 2);
    ah_clear_packet_outs(ah);
    ck_assert_int_eq(ah_emit_packet_in(ah, 2, 1, T_L2, f, len), SL_STOP);
    size_t n;
    const struct ah_packet_out *po = ah_packet_outs(ah, &n);
    uint32_t ports[8];
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(ah_packet_out_ports(&po[0], ports, 8), 1);
    ck_assert_uint_eq(ports[0], OFPP_FLOOD);
    ck_assert_ptr_null(host_flow(2, host_mac(1, 0), -1));

    /* Seen again: back at the next sweep. */
    ah_host_add(ah, host_mac(1, 0), NOVLAN, 1, 1, 0);
    ah_advance(ah, 5);
    ck_assert_uint_eq(flow_out(host_flow(2, host_mac(1, 0), -1)), 2);
    ck_assert_double_eq(ah_metric(ah, "hosts", ""), 2);
}
END_TEST

/* A miss toward a known host (its flow was refused, or is in flight):
 * re-stated on that switch (at most once a second) and sent on by the same
 * actions. */
START_TEST(proactive_known_destination_miss)
{
    uint8_t f[1514];
    size_t n, len;
    uint32_t ports[8];

    ah = start(NULL);
    net_linear(3);
    net_announce();
    net_hosts();
    ck_assert_int_eq(ah_flow_count(ah, 2, T_L2), 3);

    len = ah_frame_udp4(f, host_mac(3, 0), host_mac(1, 0), NOVLAN,
                        "10.0.0.1", "10.0.0.3", 1, 2);
    ah_reset_counts(ah);
    ck_assert_int_eq(ah_emit_packet_in(ah, 2, 2, T_L2, f, len), SL_STOP);
    ck_assert_uint_eq(ah_counts(ah).flow_adds, 1);
    ck_assert_uint_eq(flow_out(host_flow(2, host_mac(3, 0), -1)), 3);
    const struct ah_packet_out *po = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(po[0].in_port, 2);
    ck_assert_uint_eq(po[0].buffer_id, OFP_NO_BUFFER);
    test_assert_bytes(po[0].data, po[0].len, f, len);
    ck_assert_uint_eq(ah_packet_out_ports(&po[0], ports, 8), 1);
    ck_assert_uint_eq(ports[0], 3);

    /* More misses within the second: sent on, but stated once a second
     * per host (a switch keeps missing until its flow lands). */
    ck_assert_int_eq(ah_emit_packet_in(ah, 2, 2, T_L2, f, len), SL_STOP);
    ck_assert_int_eq(ah_emit_packet_in(ah, 2, 2, T_L2, f, len), SL_STOP);
    ck_assert_uint_eq(ah_counts(ah).flow_adds, 1);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 3);
    ah_advance(ah, 1.0);
    ck_assert_int_eq(ah_emit_packet_in(ah, 2, 2, T_L2, f, len), SL_STOP);
    ck_assert_uint_eq(ah_counts(ah).flow_adds, 2);

    /* Toward the port it came from: dropped. */
    ah_clear_packet_outs(ah);
    ck_assert_int_eq(ah_emit_packet_in(ah, 3, 1, T_L2, f, len), SL_STOP);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_double_eq(ah_metric(ah, "drops_total", "reason=\"no_port\""),
                        1);
}
END_TEST

/* ====================================================================== */
/* flooding on the tree */

/* Expands a packet-out's ports (OFPP_FLOOD: every port but in_port). */
static size_t
po_ports(const struct ah_packet_out *po, uint64_t dpid, uint32_t *out,
         size_t max)
{
    uint32_t ports[64];
    size_t n = ah_packet_out_ports(po, ports, 64), k = 0;

    for (size_t i = 0; i < n; i++) {
        if (ports[i] == OFPP_FLOOD) {
            for (uint32_t p = 1; p <= net_ports(dpid); p++) {
                if (p != po->in_port && k < max) {
                    out[k++] = p;
                }
            }
        } else if (k < max) {
            out[k++] = ports[i];
        }
    }
    return k;
}

/* Floods 'frame' from dpid:port by packet-ins and the app's packet-outs
 * over the whole network.  Returns the deliveries to edge ports; every
 * switch must be reached exactly once.  'used' marks cable ports a copy
 * left by. */
static size_t
flood_walk(uint64_t dpid, uint32_t port, const uint8_t *frame, size_t len,
           bool used[NET_MAX_SW][8])
{
    struct {
        uint64_t dpid;
        uint32_t in_port;
    } queue[64];
    size_t head = 0, tail = 0, delivered = 0;
    int visits[NET_MAX_SW] = {0};

    queue[tail].dpid = dpid;
    queue[tail++].in_port = port;
    while (head < tail) {
        uint64_t d = queue[head].dpid;
        uint32_t in = queue[head++].in_port;
        uint32_t out[64];
        size_t n;

        visits[net_index(d)]++;
        ah_clear_packet_outs(ah);
        ck_assert_int_eq(ah_emit_packet_in(ah, d, in, T_L2, frame, len),
                         SL_STOP);
        const struct ah_packet_out *po = ah_packet_outs(ah, &n);
        ck_assert_uint_le(n, 1);
        if (!n) {
            continue;
        }
        ck_assert_uint_eq(po->in_port, in);
        n = po_ports(po, d, out, 64);
        for (size_t i = 0; i < n; i++) {
            uint64_t pd;
            uint32_t pp;
            ck_assert_uint_ne(out[i], in);
            if (net_peer(d, out[i], &pd, &pp)) {
                used[net_index(d)][out[i]] = true;
                ck_assert_uint_lt(tail, 64);
                queue[tail].dpid = pd;
                queue[tail++].in_port = pp;
            } else {
                delivered++;
            }
        }
    }
    for (size_t i = 0; i < net.n_sw; i++) {
        ck_assert_msg(visits[i] == 1, "switch %" PRIu64 " got %d copies",
                      net.dpids[i], visits[i]);
    }
    return delivered;
}

START_TEST(flood_torus_follows_tree)
{
    uint8_t f[1514];
    size_t len;
    bool used[NET_MAX_SW][8];

    ah = start(NULL);
    net_torus();
    net_announce();
    memset(used, 0, sizeof used);
    len = ah_frame_arp(f, NOVLAN, 1, "02:00:00:00:00:05", "10.0.0.5", NULL,
                       "10.0.0.1");
    /* From the host of each switch: every other switch's host port gets
     * exactly one copy (9 switches, 1 host port each). */
    for (size_t i = 0; i < net.n_sw; i++) {
        ck_assert_uint_eq(flood_walk(net.dpids[i], 1, f, len, used), 8);
    }
    /* The tree has 8 links of 18: the other 10 are blocked at both ends
     * and were never flooded to. */
    size_t blocked = 0, tree = 0;
    uint64_t bd = 0;
    uint32_t bp = 0;
    for (size_t c = 0; c < net.n_cables; c++) {
        bool ua = used[net_index(net.cables[c].a)][net.cables[c].pa];
        bool ub = used[net_index(net.cables[c].b)][net.cables[c].pb];
        ck_assert(ua == ub);
        if (ua) {
            tree++;
        } else {
            blocked++;
            bd = net.cables[c].a;
            bp = net.cables[c].pa;
        }
    }
    ck_assert_uint_eq(tree, 8);
    ck_assert_uint_eq(blocked, 10);

    /* A copy arriving on a blocked port is dropped. */
    ah_clear_packet_outs(ah);
    ck_assert_int_eq(ah_emit_packet_in(ah, bd, bp, T_L2, f, len), SL_STOP);
    size_t n;
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_double_eq(ah_metric(ah, "drops_total", "reason=\"blocked\""),
                        1);
    ck_assert_double_eq(ah_metric(ah, "floods_total", ""), 81);
    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 0); /* floods state none */
}
END_TEST

/* Without a blocked port: one OFPP_FLOOD; with one: the list, in_port
 * excluded; a port that is down is not flooded to and drops. */
START_TEST(flood_output_forms)
{
    uint8_t f[1514];
    size_t len, n;
    uint32_t ports[16];

    ah = start(NULL);
    net_linear(2);
    net_announce();
    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", NOVLAN,
                       0x88b5, 10);
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    const struct ah_packet_out *po = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(ah_packet_out_ports(&po[0], ports, 16), 1);
    ck_assert_uint_eq(ports[0], OFPP_FLOOD);

    /* A loop s1:4 - s2:4 blocks one of the two cables. */
    net_cable(1, 4, 2, 4);
    ah_emit_link_up(ah, 1, 4);
    ah_emit_tree_changed(ah);
    ah_advance(ah, 0.01);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    po = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(ah_packet_out_ports(&po[0], ports, 16), 2);
    ck_assert_uint_eq(ports[0], 2);
    ck_assert_uint_eq(ports[1], 3); /* 4 is blocked */

    /* From the tree port: out of the edge ports. */
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 3, T_L2, f, len);
    po = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(ah_packet_out_ports(&po[0], ports, 16), 2);
    ck_assert_uint_eq(ports[0], 1);
    ck_assert_uint_eq(ports[1], 2);

    /* Port 2 goes down: not flooded to; a packet-in from it is dropped. */
    ah_port_set(ah, 1, 2, false);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    po = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(ah_packet_out_ports(&po[0], ports, 16), 1);
    ck_assert_uint_eq(ports[0], 3);
    ah_clear_packet_outs(ah);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 2, T_L2, f, len), SL_STOP);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);

    /* Nowhere to go: the only flood port is the in port (the tree link;
     * 4 is blocked, 1 and 2 down). */
    ah_port_set(ah, 1, 1, false);
    ah_clear_packet_outs(ah);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 3, T_L2, f, len), SL_STOP);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_double_eq(ah_metric(ah, "drops_total", "reason=\"no_port\""),
                        1);
    ck_assert_double_eq(ah_metric(ah, "drops_total", "reason=\"blocked\""),
                        1);
}
END_TEST

/* ====================================================================== */
/* VLANs */

#define VLAN_CFG                                                            \
    "{vlans: {10: {untagged: [\"1:1\", \"0x2:1\"], tagged: [\"1:3\", "      \
    "\"2:3\"]}, 20: {untagged: [\"1:2\"], tagged: [\"1:3\", \"2:3\"]}}}"

/* s1 and s2, 4 ports each, cable s1:4 - s2:4; s2:2 unlisted. */
static void
vlan_net(const char *cfg)
{
    ah = start(cfg);
    memset(&net, 0, sizeof net);
    net_switch(1, 4);
    net_switch(2, 4);
    net_cable(1, 4, 2, 4);
    net_announce();
}

static const struct sl_flow_spec *
vlan_flow(uint64_t dpid, uint16_t prio, const char *match)
{
    struct ah_match m;
    return ah_flow_get(ah, dpid, T_VLAN, prio, ah_match(&m, match));
}

START_TEST(vlan_classification_flows)
{
    vlan_net(VLAN_CFG);
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_VLAN), 7);
    ck_assert_uint_eq(ah_flow_count(ah, 2, T_VLAN), 5);

    /* Untagged member: push, set the VLAN, on to "acl". */
    const struct sl_flow_spec *f = vlan_flow(1, 200, "in_port=1,vlan_vid=0");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->instructions.n, 2);
    const struct ofp_instruction *in = f->instructions.instructions;
    ck_assert_uint_eq(in[0].type, OFPIT_APPLY_ACTIONS);
    ck_assert_uint_eq(in[0].actions.n, 2);
    ck_assert_uint_eq(in[0].actions.actions[0].type, OFPAT_PUSH_VLAN);
    ck_assert_uint_eq(in[0].actions.actions[0].ethertype, 0x8100);
    ck_assert_uint_eq(in[0].actions.actions[1].type, OFPAT_SET_FIELD);
    ck_assert_uint_eq(in[0].actions.actions[1].set_field.field,
                      OFPXMT_OFB_VLAN_VID);
    ck_assert_uint_eq(in[0].actions.actions[1].set_field.value.u16, 0x100a);
    ck_assert_uint_eq(in[1].type, OFPIT_GOTO_TABLE);
    ck_assert_uint_eq(in[1].table_id, T_ACL);
    f = vlan_flow(1, 200, "in_port=2,vlan_vid=0");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(
        f->instructions.instructions[0].actions.actions[1].set_field.value
            .u16,
        0x1014);

    /* Tagged member: its VLANs pass. */
    for (int v = 10; v <= 20; v += 10) {
        char text[40];
        snprintf(text, sizeof text, "in_port=3,vlan_vid=0x%x", 0x1000 | v);
        f = vlan_flow(1, 200, text);
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(f->instructions.n, 1);
        ck_assert_uint_eq(f->instructions.instructions[0].type,
                          OFPIT_GOTO_TABLE);
        ck_assert_uint_eq(f->instructions.instructions[0].table_id, T_ACL);
    }
    /* Anything else on a listed port: dropped. */
    for (uint32_t p = 1; p <= 3; p++) {
        char text[20];
        snprintf(text, sizeof text, "in_port=%u", p);
        f = vlan_flow(1, 100, text);
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(f->instructions.n, 0);
    }
    ck_assert_ptr_null(vlan_flow(1, 100, "in_port=4"));
    ck_assert_ptr_null(vlan_flow(2, 100, "in_port=2"));

    /* By trace: untagged in on s1:1 gets VLAN 10; a frame with the wrong
     * tag on s1:1 is dropped; s2:2 (unlisted) passes as is. */
    uint8_t fr[1514];
    struct ah_trace *t = malloc(sizeof *t);
    size_t len = ah_frame_eth(fr, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01",
                              NOVLAN, 0x88b5, 10);
    ah_trace(ah, 1, 1, fr, len, t);
    ck_assert(t->to_controller);
    ck_assert_uint_eq(t->n_tables, 4);
    len = ah_frame_eth(fr, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", 20,
                       0x88b5, 10);
    ah_trace(ah, 1, 1, fr, len, t);
    ck_assert(t->dropped);
    ck_assert(!t->to_controller);
    ah_trace(ah, 2, 2, fr, len, t);
    ck_assert(t->to_controller);
    free(t);

    /* A switch that comes back gets them again; the flush of a switch
     * going down takes them. */
    ah_emit_switch_down(ah, 2);
    ck_assert_uint_eq(ah_flow_count(ah, 2, -1), 0);
    ah_emit_switch_up(ah, 2);
    ck_assert_uint_eq(ah_flow_count(ah, 2, T_VLAN), 5);
}
END_TEST

/* The actions of the only packet-out since the last clear. */
static const struct ah_packet_out *
one_po(void)
{
    size_t n;
    const struct ah_packet_out *po = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 1);
    return po;
}

static void
assert_actions(const struct ah_packet_out *po, const char *want)
{
    char got[256] = "";
    size_t len = 0;

    for (size_t i = 0; i < po->n_actions; i++) {
        const struct ofp_action *a = &po->actions[i];
        if (a->type == OFPAT_OUTPUT) {
            len += (size_t) snprintf(got + len, sizeof got - len, "%s%u",
                                     i ? "," : "", a->output.port);
        } else if (a->type == OFPAT_POP_VLAN) {
            len += (size_t) snprintf(got + len, sizeof got - len, "%spop",
                                     i ? "," : "");
        } else {
            len += (size_t) snprintf(got + len, sizeof got - len, "%s?%u",
                                     i ? "," : "", a->type);
        }
    }
    ck_assert_str_eq(got, want);
}

START_TEST(vlan_flooding)
{
    uint8_t f[1514];
    size_t len, n;

    vlan_net(VLAN_CFG);
    /* VLAN 10 in on s1:3 (tagged): the tree port as is, then pop, then
     * the untagged member; VLAN 20's port 2 is not flooded to. */
    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:31", 10,
                       0x88b5, 10);
    ah_emit_packet_in(ah, 1, 3, T_L2, f, len);
    assert_actions(one_po(), "4,pop,1");
    /* From the untagged member (tagged by table vlan by now). */
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    assert_actions(one_po(), "3,4");
    /* VLAN 20 from s1:2. */
    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:21", 20,
                       0x88b5, 10);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 2, T_L2, f, len);
    assert_actions(one_po(), "3,4");
    /* Over the link to s2: 20 -> s2:3 only (tagged); 10 -> 3, pop, 1. */
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 2, 4, T_L2, f, len);
    assert_actions(one_po(), "3");
    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:31", 10,
                       0x88b5, 10);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 2, 4, T_L2, f, len);
    assert_actions(one_po(), "3,pop,1");

    /* Outside the VLANs: untagged from the unlisted s2:2 goes to the tree
     * and unlisted ports only; at s1 there is none. */
    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:22", NOVLAN,
                       0x88b5, 10);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 2, 2, T_L2, f, len);
    assert_actions(one_po(), "4");
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 4, T_L2, f, len);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_double_eq(ah_metric(ah, "drops_total", "reason=\"no_port\""),
                        1);
    /* An unconfigured VLAN from an unlisted port: likewise. */
    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:22", 30,
                       0x88b5, 10);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 2, 2, T_L2, f, len);
    assert_actions(one_po(), "4");

    /* A configured VLAN on an unlisted port, an untagged frame or a
     * foreign VLAN on a listed one: dropped. */
    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:22", 10,
                       0x88b5, 10);
    ah_clear_packet_outs(ah);
    ck_assert_int_eq(ah_emit_packet_in(ah, 2, 2, T_L2, f, len), SL_STOP);
    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:11", NOVLAN,
                       0x88b5, 10);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, T_L2, f, len), SL_STOP);
    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:11", 20,
                       0x88b5, 10);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, T_L2, f, len), SL_STOP);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_double_eq(ah_metric(ah, "drops_total", "reason=\"vlan\""), 3);

    /* A frame another app sent through the pipeline (in_port CONTROLLER:
     * l3_routing's ARP request on VLAN 10): flooded on the tree and the
     * VLAN's members. */
    len = ah_frame_arp(f, 10, 1, "02:5c:00:00:00:01", "10.0.1.1",
                       "00:00:00:00:00:00", "10.0.1.7");
    ah_clear_packet_outs(ah);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, OFPP_CONTROLLER, T_L2, f, len),
                     SL_STOP);
    assert_actions(one_po(), "3,4,pop,1");
}
END_TEST

/* VLAN-aware proactive forwarding: flows match the VLAN, the tag is
 * popped toward untagged members only, VLANs are isolated. */
START_TEST(vlan_forwarding)
{
    uint8_t f[1514];
    struct walk w;
    size_t len;

    vlan_net(VLAN_CFG);
    /* A (VLAN 10, untagged) at s1:1, B (10, untagged) at s2:1, C (10,
     * tagged member) at s1:3, D (VLAN 20) at s1:2, E (20) at s2:3.  The
     * topology learns them with the VLAN of the frames it sees: after
     * classification, all tagged. */
    static const struct {
        const char *mac;
        uint16_t vlan;
        uint64_t dpid;
        uint32_t port;
    } hosts[] = {
        {"02:00:00:00:0a:01", 10, 1, 1}, {"02:00:00:00:0b:01", 10, 2, 1},
        {"02:00:00:00:0c:01", 10, 1, 3}, {"02:00:00:00:0d:01", 20, 1, 2},
        {"02:00:00:00:0e:01", 20, 2, 3},
    };
    for (size_t i = 0; i < 5; i++) {
        ah_host_add(ah, hosts[i].mac, hosts[i].vlan, hosts[i].dpid,
                    hosts[i].port, 0);
        ah_emit_host_add(ah, hosts[i].mac, hosts[i].vlan);
    }
    /* B's flows: s2 pops and outputs, s1 sends it over the link. */
    const struct sl_flow_spec *fl = host_flow(2, hosts[1].mac, 0x100a);
    ck_assert_uint_eq(flow_out(fl), 1);
    ck_assert_uint_eq(fl->instructions.instructions[0].actions.n, 2);
    ck_assert_uint_eq(fl->instructions.instructions[0].actions.actions[0].type,
                      OFPAT_POP_VLAN);
    fl = host_flow(1, hosts[1].mac, 0x100a);
    ck_assert_uint_eq(flow_out(fl), 4);
    ck_assert_uint_eq(fl->instructions.instructions[0].actions.n, 1);
    /* C's flow on s1: no pop (a tagged member). */
    fl = host_flow(1, hosts[2].mac, 0x100a);
    ck_assert_uint_eq(flow_out(fl), 3);
    ck_assert_uint_eq(fl->instructions.instructions[0].actions.n, 1);
    ck_assert_ptr_null(host_flow(1, hosts[1].mac, -1));

    /* A -> B: in untagged, out untagged at s2:1. */
    len = ah_frame_udp4(f, hosts[1].mac, hosts[0].mac, NOVLAN, "10.0.0.1",
                        "10.0.0.2", 1, 2);
    walk(1, 1, f, len, &w);
    ck_assert(!w.punted);
    ck_assert_uint_eq(w.n_hits, 1);
    ck_assert_uint_eq(w.hits[0].dpid, 2);
    ck_assert_uint_eq(w.hits[0].port, 1);
    test_assert_bytes(w.hits[0].frame, w.hits[0].len, f, len);
    /* A -> C: out tagged 10 at s1:3. */
    len = ah_frame_udp4(f, hosts[2].mac, hosts[0].mac, NOVLAN, "10.0.0.1",
                        "10.0.0.3", 1, 2);
    walk(1, 1, f, len, &w);
    ck_assert_uint_eq(w.n_hits, 1);
    ck_assert_uint_eq(w.hits[0].port, 3);
    ck_assert_uint_eq(w.hits[0].len, len + 4);
    /* E (tagged 20 in at s2:3) -> D: out untagged at s1:2. */
    len = ah_frame_udp4(f, hosts[3].mac, hosts[4].mac, 20, "10.0.0.5",
                        "10.0.0.4", 1, 2);
    walk(2, 3, f, len, &w);
    ck_assert(!w.punted);
    ck_assert_uint_eq(w.n_hits, 1);
    ck_assert_uint_eq(w.hits[0].dpid, 1);
    ck_assert_uint_eq(w.hits[0].port, 2);
    ck_assert_uint_eq(w.hits[0].len, len - 4);
    /* D (VLAN 20) -> B (VLAN 10): no flow, and the packet-in floods in
     * VLAN 20 only. */
    len = ah_frame_udp4(f, hosts[1].mac, hosts[3].mac, NOVLAN, "10.0.0.4",
                        "10.0.0.2", 1, 2);
    walk(1, 2, f, len, &w);
    ck_assert(w.punted);
    ck_assert_uint_eq(w.n_hits, 0);
    len = ah_frame_udp4(f, hosts[1].mac, hosts[3].mac, 20, "10.0.0.4",
                        "10.0.0.2", 1, 2);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 2, T_L2, f, len);
    assert_actions(one_po(), "3,4");

    /* A known destination missed at s2 (from the link): pop and out. */
    len = ah_frame_udp4(f, hosts[1].mac, hosts[0].mac, 10, "10.0.0.1",
                        "10.0.0.2", 1, 2);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 2, 4, T_L2, f, len);
    assert_actions(one_po(), "pop,1");

    char *body = NULL;
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/macs", NULL, &body), 200);
    ck_assert_ptr_nonnull(strstr(body, "{\"mac\":\"02:00:00:00:0e:01\","
                                       "\"vlan\":20,\"dpid\":"
                                       "\"0000000000000002\",\"port\":3}"));
    free(body);
}
END_TEST

/* VLAN-blind hosts in a VLAN-aware network: matched as untagged. */
START_TEST(vlan_untagged_host)
{
    vlan_net(VLAN_CFG);
    ah_host_add(ah, "02:00:00:00:00:99", NOVLAN, 2, 2, 0);
    ah_emit_host_add(ah, "02:00:00:00:00:99", NOVLAN);
    ck_assert_uint_eq(flow_out(host_flow(2, "02:00:00:00:00:99", 0)), 2);
    ck_assert_uint_eq(flow_out(host_flow(1, "02:00:00:00:00:99", 0)), 4);
}
END_TEST

/* A host the topology learned from a VLAN 10 frame on an unlisted port:
 * VLAN 10 must not reach it, so it gets no flows and frames to it flood
 * within VLAN 10 only. */
START_TEST(vlan_host_outside_its_vlan)
{
    uint8_t f[1514];
    size_t len;

    vlan_net(VLAN_CFG);
    ah_host_add(ah, "02:00:00:00:00:66", 10, 2, 2, 0);
    ah_emit_host_add(ah, "02:00:00:00:00:66", 10);
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L2), 0);
    ck_assert_uint_eq(ah_flow_count(ah, 2, T_L2), 0);
    ck_assert_double_eq(ah_metric(ah, "hosts", ""), 0);
    ah_advance(ah, 20); /* sweeps and a recompute change nothing */
    ah_emit_tree_changed(ah);
    ah_advance(ah, 0.01);
    ck_assert_uint_eq(ah_flow_count(ah, 2, T_L2), 0);
    len = ah_frame_udp4(f, "02:00:00:00:00:66", "02:00:00:00:00:11", 10,
                        "10.0.0.1", "10.0.0.6", 1, 2);
    ah_emit_packet_in(ah, 2, 4, T_L2, f, len);
    assert_actions(one_po(), "3,pop,1");
    ck_assert_uint_eq(ah_flow_count(ah, 2, T_L2), 0);
}
END_TEST

/* ====================================================================== */
/* reactive */

static const struct sl_flow_spec *
reactive_flow(uint64_t dpid, uint32_t in_port, const char *src,
              const char *dst)
{
    struct ah_match m;
    char text[120];

    snprintf(text, sizeof text, "in_port=%u,eth_src=%s,eth_dst=%s", in_port,
             src, dst);
    return ah_flow_get(ah, dpid, T_L2, PRIO, ah_match(&m, text));
}

START_TEST(reactive_learns)
{
    static const char A[] = "02:00:00:00:00:0a", B[] = "02:00:00:00:00:0b";
    uint8_t f[1514];
    size_t len;
    uint32_t ports[8];

    ah = start("{mode: reactive}");
    net_linear(1);
    net_announce();
    /* A broadcasts: learned, flooded, no flow. */
    len = ah_frame_arp(f, NOVLAN, 1, A, "10.0.0.1", NULL, "10.0.0.2");
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    ck_assert_uint_eq(ah_packet_out_ports(one_po(), ports, 8), 1);
    ck_assert_uint_eq(ports[0], OFPP_FLOOD);
    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 0);
    /* B answers A: a flow (in_port, src, dst) with the idle timeout, and
     * the frame to port 1. */
    len = ah_frame_udp4(f, A, B, NOVLAN, "10.0.0.2", "10.0.0.1", 1, 2);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 2, T_L2, f, len);
    const struct sl_flow_spec *fl = reactive_flow(1, 2, B, A);
    ck_assert_uint_eq(flow_out(fl), 1);
    ck_assert_uint_eq(fl->idle_timeout, 60);
    ck_assert_uint_eq(fl->hard_timeout, 0);
    ck_assert_uint_eq(ah_packet_out_ports(one_po(), ports, 8), 1);
    ck_assert_uint_eq(ports[0], 1);
    /* And back. */
    len = ah_frame_udp4(f, B, A, NOVLAN, "10.0.0.1", "10.0.0.2", 2, 1);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    ck_assert_uint_eq(flow_out(reactive_flow(1, 1, A, B)), 2);
    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 2);
    ck_assert_double_eq(ah_metric(ah, "macs", ""), 2);

    /* A moves to port 3. */
    len = ah_frame_udp4(f, B, A, NOVLAN, "10.0.0.1", "10.0.0.2", 2, 1);
    ah_emit_packet_in(ah, 1, 3, T_L2, f, len);
    len = ah_frame_udp4(f, A, B, NOVLAN, "10.0.0.2", "10.0.0.1", 1, 2);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 2, T_L2, f, len);
    ck_assert_uint_eq(ah_packet_out_ports(one_po(), ports, 8), 1);
    ck_assert_uint_eq(ports[0], 3);
    /* Toward its own port: dropped. */
    len = ah_frame_udp4(f, A, "02:00:00:00:00:0c", NOVLAN, "10.0.0.3",
                        "10.0.0.1", 1, 2);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 3, T_L2, f, len);
    size_t n;
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);

    char *body = NULL;
    ah_advance(ah, 3);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/macs", NULL, &body), 200);
    ck_assert_ptr_nonnull(strstr(body, "{\"dpid\":\"0000000000000001\","
                                       "\"mac\":\"02:00:00:00:00:0a\","
                                       "\"vlan\":null,\"port\":3,"
                                       "\"age\":3}"));
    ck_assert_ptr_nonnull(strstr(body, "\"mac\":\"02:00:00:00:00:0b\","
                                       "\"vlan\":null,\"port\":2,"));
    free(body);
}
END_TEST

START_TEST(reactive_tables_per_switch)
{
    static const char A[] = "02:00:00:00:00:0a", B[] = "02:00:00:00:00:0b";
    uint8_t f[1514];
    size_t len;
    uint32_t ports[8];

    ah = start("{mode: reactive}");
    net_linear(2);
    net_announce();
    len = ah_frame_arp(f, NOVLAN, 1, A, "10.0.0.1", NULL, "10.0.0.2");
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    /* s2 has not seen A: flooded there. */
    len = ah_frame_udp4(f, A, B, NOVLAN, "10.0.0.2", "10.0.0.1", 1, 2);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 2, 1, T_L2, f, len);
    ck_assert_uint_eq(ah_packet_out_ports(one_po(), ports, 8), 1);
    ck_assert_uint_eq(ports[0], OFPP_FLOOD);
    /* A switch going down forgets its table. */
    ah_emit_switch_down(ah, 1);
    ck_assert_double_eq(ah_metric(ah, "macs", ""), 1);
}
END_TEST

/* A learned MAC whose port went down is forgotten: flooded again. */
START_TEST(reactive_port_down_forgets)
{
    static const char A[] = "02:00:00:00:00:0a", B[] = "02:00:00:00:00:0b";
    uint8_t f[1514];
    size_t len;
    uint32_t ports[8];

    ah = start("{mode: reactive}");
    net_linear(1);
    net_announce();
    len = ah_frame_arp(f, NOVLAN, 1, A, "10.0.0.1", NULL, "10.0.0.2");
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    ah_port_set(ah, 1, 1, false);
    ah_emit_port_down(ah, 1, 1);
    len = ah_frame_udp4(f, A, B, NOVLAN, "10.0.0.2", "10.0.0.1", 1, 2);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 2, T_L2, f, len);
    ck_assert_uint_eq(ah_packet_out_ports(one_po(), ports, 8), 1);
    ck_assert_uint_eq(ports[0], OFPP_FLOOD);
    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 0);
    ck_assert_double_eq(ah_metric(ah, "macs", ""), 1); /* B only */
}
END_TEST

START_TEST(reactive_aging)
{
    static const char A[] = "02:00:00:00:00:0a", B[] = "02:00:00:00:00:0b";
    uint8_t f[1514];
    size_t len;
    uint32_t ports[8];

    ah = start("{mode: reactive, mac_age: 8, idle_timeout: 5}");
    net_linear(1);
    net_announce();
    len = ah_frame_arp(f, NOVLAN, 1, A, "10.0.0.1", NULL, "10.0.0.2");
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    ah_advance(ah, 5);
    len = ah_frame_arp(f, NOVLAN, 1, B, "10.0.0.2", NULL, "10.0.0.1");
    ah_emit_packet_in(ah, 1, 2, T_L2, f, len);
    ah_advance(ah, 4); /* A is 9 s old, B 4 s */
    ck_assert_double_eq(ah_metric(ah, "macs", ""), 1);
    len = ah_frame_udp4(f, A, B, NOVLAN, "10.0.0.2", "10.0.0.1", 1, 2);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 2, T_L2, f, len);
    ck_assert_uint_eq(ah_packet_out_ports(one_po(), ports, 8), 1);
    ck_assert_uint_eq(ports[0], OFPP_FLOOD);
    len = ah_frame_udp4(f, B, A, NOVLAN, "10.0.0.1", "10.0.0.2", 1, 2);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    ck_assert_uint_eq(ah_packet_out_ports(one_po(), ports, 8), 1);
    ck_assert_uint_eq(ports[0], 2);
    ck_assert_uint_eq(reactive_flow(1, 1, A, B)->idle_timeout, 5);
    ah_advance(ah, 20);
    ck_assert_double_eq(ah_metric(ah, "macs", ""), 0);
}
END_TEST

/* Many MACs: the table grows, deletes by backward shift keep every
 * remaining MAC findable, and it stops learning at 8192 per switch. */
START_TEST(reactive_many_macs)
{
    uint8_t f[1514];
    char mac[18];
    size_t len;

    ah = start("{mode: reactive, mac_age: 100}");
    net_linear(1);
    net_announce();
    for (unsigned i = 0; i < 10000; i++) {
        snprintf(mac, sizeof mac, "02:00:00:%02x:%02x:%02x", i >> 16,
                 (i >> 8) & 0xff, i & 0xff);
        len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", mac, NOVLAN, 0x88b5, 10);
        ah_emit_packet_in(ah, 1, 1 + i % 4, T_L2, f, len);
        if (i == 3999) {
            ah_advance(ah, 60); /* the first 4000 are older */
        }
    }
    ck_assert_double_eq(ah_metric(ah, "macs", ""), 8192);
    ah_advance(ah, 45); /* the first 4000 are 105 s old */
    ck_assert_double_eq(ah_metric(ah, "macs", ""), 4192);
    /* The younger ones are all still known on their ports. */
    for (unsigned i = 4000; i < 8192; i += 37) {
        uint32_t ports[4];
        snprintf(mac, sizeof mac, "02:00:00:%02x:%02x:%02x", i >> 16,
                 (i >> 8) & 0xff, i & 0xff);
        len = ah_frame_udp4(f, mac, "02:00:00:ff:ff:01", NOVLAN, "10.0.0.1",
                            "10.0.0.2", 1, 2);
        ah_clear_packet_outs(ah);
        ah_emit_packet_in(ah, 1, 4, T_L2, f, len);
        size_t n;
        const struct ah_packet_out *po = ah_packet_outs(ah, &n);
        if (i % 4 == 3) {
            ck_assert_uint_eq(n, 0); /* behind the in port */
            continue;
        }
        ck_assert_uint_eq(n, 1);
        ck_assert_uint_eq(ah_packet_out_ports(po, ports, 4), 1);
        ck_assert_uint_eq(ports[0], 1 + i % 4);
    }
}
END_TEST

START_TEST(reactive_tree_flush)
{
    static const char A[] = "02:00:00:00:00:0a", B[] = "02:00:00:00:00:0b";
    uint8_t f[1514];
    size_t len;

    ah = start("{mode: reactive, vlans: {10: {untagged: [\"1:1\", "
               "\"1:2\"]}}}");
    net_linear(2);
    net_announce();
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_VLAN), 4);
    len = ah_frame_arp(f, 10, 1, A, "10.0.0.1", NULL, "10.0.0.2");
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);
    len = ah_frame_udp4(f, A, B, 10, "10.0.0.2", "10.0.0.1", 1, 2);
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 2, T_L2, f, len);
    assert_actions(one_po(), "pop,1");
    struct ah_match m;
    const struct sl_flow_spec *fl = ah_flow_get(
        ah, 1, T_L2, PRIO,
        ah_match(&m, "in_port=2,eth_src=02:00:00:00:00:0b,"
                     "eth_dst=02:00:00:00:00:0a,vlan_vid=0x100a"));
    ck_assert_uint_eq(flow_out(fl), 1);
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L2), 1);

    ah_reset_counts(ah);
    ah_emit_tree_changed(ah);
    ck_assert_uint_eq(ah_counts(ah).flow_del_alls, 1);
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_L2), 0);
    ck_assert_uint_eq(ah_flow_count(ah, 1, T_VLAN), 4); /* stated again */
    ck_assert_double_eq(ah_metric(ah, "macs", ""), 0);
    ck_assert(ah_log_contains(ah, "2 learned MACs forgotten"));
    ah_clear_packet_outs(ah);
    ah_emit_packet_in(ah, 1, 2, T_L2, f, len);
    assert_actions(one_po(), "3,pop,1"); /* flooded again */
}
END_TEST

/* ====================================================================== */
/* packet-ins that are not ours, LLDP, malformed */

START_TEST(packet_in_not_ours)
{
    uint8_t f[1514];
    size_t len, n;

    ah = start(NULL);
    net_linear(2);
    net_announce();
    /* LLDP: left to the topology. */
    len = ah_frame_eth(f, "01:80:c2:00:00:0e", "02:00:00:00:00:01", NOVLAN,
                       OFP_ETH_TYPE_LLDP, 30);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, T_L2, f, len),
                     SL_CONTINUE);
    /* Misses of acl's and l3's tables. */
    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:01", NOVLAN,
                       0x0800, 30);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, T_ACL, f, len),
                     SL_CONTINUE);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, T_L3, f, len),
                     SL_CONTINUE);
    /* Not Ethernet; no in_port; a reserved in_port. */
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, T_L2, f, 10), SL_CONTINUE);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 0, T_L2, f, len), SL_CONTINUE);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, OFPP_LOCAL, T_L2, f, len),
                     SL_CONTINUE);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 0);
    ck_assert_double_eq(ah_metric(ah, "packet_ins_total", ""), 0);

    /* Table "vlan" and tables outside the pipeline are ours. */
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, T_VLAN, f, len), SL_STOP);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, 200, f, len), SL_STOP);
    ck_assert_double_eq(ah_metric(ah, "packet_ins_total", ""), 2);

    /* Reactive mode: LLDP is not learned. */
    ah_free(ah);
    ah = start("{mode: reactive}");
    net_linear(1);
    net_announce();
    len = ah_frame_eth(f, "01:80:c2:00:00:0e", "02:00:00:00:00:01", NOVLAN,
                       OFP_ETH_TYPE_LLDP, 30);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 1, T_L2, f, len),
                     SL_CONTINUE);
    ck_assert_double_eq(ah_metric(ah, "macs", ""), 0);
    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 0);
}
END_TEST

/* ====================================================================== */
/* REST and metrics */

START_TEST(rest_and_metrics)
{
    char *body = NULL;
    uint8_t f[1514];
    size_t len;

    ah = start(NULL);
    net_linear(2);
    net_announce();
    net_hosts();
    len = ah_frame_arp(f, NOVLAN, 1, host_mac(1, 0), "10.0.0.1", NULL,
                       "10.0.0.2");
    ah_emit_packet_in(ah, 1, 1, T_L2, f, len);

    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "", NULL, &body), 200);
    ck_assert_str_eq(body, "{\"mode\":\"proactive\",\"vlan_aware\":false,"
                           "\"priority\":100,\"mac_age\":300,"
                           "\"idle_timeout\":60,\"hosts\":2,"
                           "\"flows_stated\":4,\"packet_ins\":1,"
                           "\"floods\":1,\"drops\":0}");
    free(body);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/macs", NULL, &body), 200);
    ck_assert_str_eq(body,
                     "[{\"mac\":\"02:00:00:00:00:01\",\"vlan\":null,"
                     "\"dpid\":\"0000000000000001\",\"port\":1},"
                     "{\"mac\":\"02:00:00:00:00:02\",\"vlan\":null,"
                     "\"dpid\":\"0000000000000002\",\"port\":1}]");
    free(body);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/vlans", NULL, &body), 200);
    ck_assert_str_eq(body, "[]");
    free(body);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/nope", NULL, NULL), 404);
    ck_assert_int_eq(ah_rest(ah, SL_REST_POST, "/macs", "{}", NULL), 405);
    ck_assert_int_eq(ah_rest(ah, SL_REST_DELETE, "", NULL, NULL), 405);

    ck_assert_double_eq(ah_metric(ah, "sluice_l2_learning_packet_ins_total",
                                  ""), 1);
    ck_assert_double_eq(ah_metric(ah, "floods_total", ""), 1);
    ck_assert_double_eq(ah_metric(ah, "flow_adds_total", ""), 4);
    ck_assert_double_eq(ah_metric(ah, "recomputes_total", ""), 1);
    ck_assert_double_eq(ah_metric(ah, "hosts", ""), 2);
    ck_assert_double_eq(ah_metric(ah, "macs", ""), 0);
    for (int i = 0; i < 3; i++) {
        static const char *const reasons[] = {"blocked", "no_port", "vlan"};
        char labels[32];
        snprintf(labels, sizeof labels, "reason=\"%s\"", reasons[i]);
        ck_assert_double_eq(ah_metric(ah, "drops_total", labels), 0);
    }
    char *text = ah_metrics(ah);
    ck_assert_ptr_nonnull(strstr(text, "# TYPE sluice_l2_learning_hosts "
                                       "gauge"));
    ck_assert_ptr_nonnull(strstr(text, "# TYPE "
                                       "sluice_l2_learning_floods_total "
                                       "counter"));
    free(text);
}
END_TEST

/* ====================================================================== */

static Suite *
l2_suite(void)
{
    Suite *s = suite_create("app-l2");
    TCase *tc = tcase_create("config");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, config_bad_top);
    tcase_add_test(tc, config_bad_scalars);
    tcase_add_test(tc, config_bad_vlans);
    tcase_add_test(tc, config_defaults_and_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("proactive");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, proactive_linear);
    tcase_add_test(tc, proactive_tree);
    tcase_add_test(tc, proactive_torus);
    tcase_add_test(tc, proactive_switch_up_recomputes);
    tcase_add_test(tc, proactive_host_move);
    tcase_add_test(tc, proactive_host_remove);
    tcase_add_test(tc, proactive_link_down_reroutes);
    tcase_add_test(tc, proactive_switch_down);
    tcase_add_test(tc, proactive_mac_age);
    tcase_add_test(tc, proactive_known_destination_miss);
    suite_add_tcase(s, tc);

    tc = tcase_create("flood");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, flood_torus_follows_tree);
    tcase_add_test(tc, flood_output_forms);
    suite_add_tcase(s, tc);

    tc = tcase_create("vlan");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, vlan_classification_flows);
    tcase_add_test(tc, vlan_flooding);
    tcase_add_test(tc, vlan_forwarding);
    tcase_add_test(tc, vlan_untagged_host);
    tcase_add_test(tc, vlan_host_outside_its_vlan);
    suite_add_tcase(s, tc);

    tc = tcase_create("reactive");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, reactive_learns);
    tcase_add_test(tc, reactive_tables_per_switch);
    tcase_add_test(tc, reactive_port_down_forgets);
    tcase_add_test(tc, reactive_aging);
    tcase_add_test(tc, reactive_many_macs);
    tcase_add_test(tc, reactive_tree_flush);
    suite_add_tcase(s, tc);

    tc = tcase_create("misc");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, packet_in_not_ours);
    tcase_add_test(tc, rest_and_metrics);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(l2_suite());
}
