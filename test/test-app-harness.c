/* test-app-harness: libcheck tests of the apps' fake host
 * (test/app-harness.c).
 *
 * The plugin test/plugins/harness_probe logs every event it receives and
 * serves REST routes and metrics; the tests reach its ctx and host table
 * (exported by the probe) to call every host function as an app would.
 * The hub app runs in the harness too, start to finish.  The apps are
 * found from $top_builddir (make check sets it; by hand:
 * "top_builddir=. ./test/test-app-harness"). */
#include <config.h>
#include "test/app-harness.h"

#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/test-util.h"

#define PROBE "test/plugins/.libs/harness_probe.so"

static struct sl_ctx *pctx;
static const struct sl_host *phost;

/* Reads the probe's ctx and host table (it must be loaded). */
static void
probe_handles(void)
{
    const char *top = getenv("top_builddir");
    char path[4096];
    void *h;
    struct sl_ctx **ctx;
    const struct sl_host **host;

    snprintf(path, sizeof path, "%s/%s", top && *top ? top : ".", PROBE);
    h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    ck_assert_msg(h != NULL, "probe not loaded: %s", dlerror());
    ctx = dlsym(h, "harness_probe_ctx");
    host = dlsym(h, "harness_probe_host");
    ck_assert(ctx && host && *ctx && *host);
    pctx = *ctx;
    phost = *host;
    dlclose(h);
}

static struct ah *
probe_new(const char *yaml)
{
    int error = -1;
    struct ah *ah = ah_new(PROBE, yaml, &error);

    ck_assert_msg(ah != NULL, "probe did not start (%d): %s", error,
                  ah_last_log());
    ck_assert_int_eq(error, 0);
    probe_handles();
    return ah;
}

/* ---- independent checksums ---- */

static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sum += i % 2 ? p[i] : (uint32_t) p[i] << 8;
    }
    return sum;
}

static uint16_t
fold(uint32_t sum)
{
    while (sum > 0xffff) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) sum;
}

/* True if the IPv4 header at 'ip' sums to all ones. */
static bool
ipv4_ok(const uint8_t *ip)
{
    return fold(sum16(0, ip, (size_t) (ip[0] & 0xf) * 4)) == 0xffff;
}

/* True if the L4 segment of 'pkt' checks (pseudo-header for TCP, UDP,
 * ICMPv6; none for ICMPv4). */
static bool
l4_ok(const struct ofp_packet *pkt)
{
    const uint8_t *f = pkt->frame;
    size_t n = pkt->end - pkt->l4_ofs;
    uint32_t sum = 0;
    uint8_t pseudo[40];

    if (pkt->eth_type == OFP_ETH_TYPE_IPV4) {
        if (pkt->ip.proto != OFP_IPPROTO_ICMP) {
            memcpy(pseudo, f + pkt->l3_ofs + 12, 8);
            sum = sum16(sum, pseudo, 8);
            sum += pkt->ip.proto;
            sum += (uint32_t) n;
        }
    } else {
        sum = sum16(sum, f + pkt->l3_ofs + 8, 32);
        sum += (uint32_t) (n >> 16) + (uint32_t) (n & 0xffff);
        sum += pkt->ip.proto;
    }
    return fold(sum16(sum, f + pkt->l4_ofs, n)) == 0xffff;
}

static void
parse_ok(struct ofp_packet *pkt, const uint8_t *frame, size_t len)
{
    enum ofp_packet_error e = ofp_packet_parse(pkt, frame, len);

    ck_assert_msg(e == OFP_PACKET_OK, "parse: %s", ofp_packet_error_desc(e));
}

/* ---- flows ---- */

static struct ofp_action
out_action(uint32_t port)
{
    struct ofp_action a = {.type = OFPAT_OUTPUT};

    a.output.port = port;
    a.output.max_len = OFPCML_NO_BUFFER;
    return a;
}

static struct ofp_action
set_action(const char *field_value)
{
    struct ah_match m;
    struct ofp_action a = {.type = OFPAT_SET_FIELD};

    ah_match(&m, field_value);
    ck_assert_int_eq(m.match.n_oxms, 1);
    a.set_field = m.oxms[0];
    return a;
}

static struct ofp_instruction
apply(struct ofp_action *actions, size_t n)
{
    struct ofp_instruction in = {.type = OFPIT_APPLY_ACTIONS};

    in.actions.n = n;
    in.actions.actions = actions;
    return in;
}

static struct ofp_instruction
write_acts(struct ofp_action *actions, size_t n)
{
    struct ofp_instruction in = {.type = OFPIT_WRITE_ACTIONS};

    in.actions.n = n;
    in.actions.actions = actions;
    return in;
}

static struct ofp_instruction
goto_table(uint8_t table)
{
    struct ofp_instruction in = {.type = OFPIT_GOTO_TABLE};

    in.table_id = table;
    return in;
}

/* Adds a flow through the probe; returns flow_add's result. */
static int
add_flow(uint64_t dpid, uint8_t table, uint16_t prio, const char *match,
         struct ofp_instruction *ins, size_t n_ins)
{
    struct ah_match m;
    struct sl_flow_spec spec = {.table_id = table, .priority = prio};

    spec.match = *ah_match(&m, match);
    spec.instructions.n = n_ins;
    spec.instructions.instructions = ins;
    return phost->flow_add(pctx, dpid, &spec, NULL, NULL);
}

/* Adds "match -> apply(output port)". */
static int
add_output(uint64_t dpid, uint8_t table, uint16_t prio, const char *match,
           uint32_t port)
{
    struct ofp_action a = out_action(port);
    struct ofp_instruction in = apply(&a, 1);

    return add_flow(dpid, table, prio, match, &in, 1);
}

/* ---- lifecycle ---- */

START_TEST(test_lifecycle)
{
    struct ah *ah = probe_new("{priority: 5}");

    ck_assert(ah_log_contains(ah, "init harness_probe abi 1.3 config=yes"));
    ck_assert(ah_log_contains(ah, "start"));
    ck_assert_str_eq(phost->name(pctx), "harness_probe");
    ck_assert_uint_eq(phost->abi_major, SL_APP_ABI_MAJOR);
    ck_assert_uint_eq(phost->abi_minor, SL_APP_ABI_MINOR);
    ck_assert_uint_eq(phost->size, sizeof(struct sl_host));
    ck_assert_ptr_nonnull(phost->get_data(pctx));
    ck_assert_str_eq(ah_last_log(), "");

    ck_assert_int_eq(ah_reconfigure(ah, "{stop: 1}"), 0);
    ck_assert(ah_log_contains(ah, "reconfigured stop=1"));
    ck_assert_int_eq(ah_reconfigure(ah, "{nope: 1}"), EINVAL);
    ck_assert_int_eq(ah_reconfigure(ah, NULL), 0);
    ck_assert(ah_log_contains(ah, "reconfigured stop=0"));

    ah_clear_log(ah);
    ck_assert(!ah_log_contains(ah, "start"));
    ah_free(ah);
    ah_free(NULL);
}
END_TEST

START_TEST(test_failed_start)
{
    int error = 0;

    ck_assert_ptr_null(ah_new(PROBE, "{fail_init: 1}", &error));
    ck_assert_int_eq(error, EINVAL);
    ck_assert_ptr_nonnull(strstr(ah_last_log(), "init failing"));

    ck_assert_ptr_null(ah_new(PROBE, "{fail_start: 1}", &error));
    ck_assert_int_eq(error, ECONNREFUSED);
    ck_assert_ptr_nonnull(strstr(ah_last_log(), "start"));
    ck_assert_ptr_nonnull(strstr(ah_last_log(), "stop"));

    ck_assert_ptr_null(ah_new(PROBE, "[1, 2]", NULL));
    ck_assert_ptr_nonnull(strstr(ah_last_log(), "config: want"));
    ck_assert_ptr_null(ah_new("hub", "{priority: 70000}", &error));
    ck_assert_int_eq(error, EINVAL);
    ck_assert_ptr_nonnull(strstr(ah_last_log(), "config"));

    /* A good start clears it. */
    struct ah *ah = probe_new(NULL);
    ck_assert_str_eq(ah_last_log(), "");
    ck_assert(ah_log_contains(ah, "config=no"));
    ah_free(ah);
}
END_TEST

START_TEST(test_setup_only_calls)
{
    struct ah *ah = probe_new(NULL);

    ck_assert_int_eq(phost->subscribe(pctx, SL_EV_SWITCH_UP, 0, NULL, NULL),
                     EINVAL);
    ck_assert_int_eq(phost->rest_route(pctx, SL_REST_GET, "/late",
                                       (sl_rest_handler *) NULL, NULL),
                     EINVAL);
    ck_assert_int_eq(phost->metrics_register(pctx, NULL, NULL), EINVAL);
    ah_free(ah);
}
END_TEST

START_TEST(test_switches_and_tables)
{
    struct ah *ah = probe_new(NULL);
    const struct sl_switch *sw;
    uint64_t dpids[4];

    ah_switch_add(ah, 3, 2);
    ah_switch_add(ah, 1, 5);
    sw = phost->switch_get(pctx, 1);
    ck_assert_ptr_nonnull(sw);
    ck_assert_uint_eq(sw->dpid, 1);
    ck_assert_uint_eq(sw->n_ports, 6);
    ck_assert_ptr_nonnull(sw->desc);
    ck_assert_ptr_nonnull(sw->peer);
    for (size_t i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "s1-eth%zu", i + 1);
        ck_assert_uint_eq(sw->ports[i].port_no, i + 1);
        ck_assert_str_eq(sw->ports[i].name, name);
    }
    ck_assert_uint_eq(sw->ports[5].port_no, OFPP_LOCAL);
    ck_assert_ptr_null(phost->switch_get(pctx, 2));
    ck_assert_uint_eq(phost->switch_list(pctx, dpids, 4), 2);
    ck_assert_uint_eq(dpids[0], 1);
    ck_assert_uint_eq(dpids[1], 3);
    ck_assert_uint_eq(phost->switch_list(pctx, NULL, 0), 2);
    ck_assert_ptr_nonnull(phost->port_get(pctx, 3, 2));
    ck_assert_ptr_null(phost->port_get(pctx, 3, 3));
    ck_assert_ptr_nonnull(phost->port_get(pctx, 3, OFPP_LOCAL));

    ck_assert_int_eq(phost->table_id(pctx, "vlan"), 0);
    ck_assert_int_eq(phost->table_id(pctx, "acl"), 1);
    ck_assert_int_eq(phost->table_id(pctx, "l3"), 2);
    ck_assert_int_eq(phost->table_id(pctx, "l2"), 3);
    ck_assert_int_eq(phost->table_id(pctx, "l4"), -1);
    ck_assert_int_eq(phost->table_id(pctx, NULL), -1);

    ah_port_set(ah, 1, 2, false);
    ck_assert(phost->port_get(pctx, 1, 2)->state & OFPPS_LINK_DOWN);
    ah_switch_del(ah, 3);
    ck_assert_ptr_null(phost->switch_get(pctx, 3));
    ah_free(ah);
}
END_TEST

/* ---- events ---- */

START_TEST(test_events)
{
    struct ah *ah = probe_new(NULL);

    ah_switch_add(ah, 1, 2);
    ah_switch_add(ah, 2, 2);
    ah_cable_add(ah, 1, 1, 2, 1);
    ah_emit_switch_up(ah, 1);
    ck_assert(ah_log_contains(ah, "ev SWITCH_UP dpid=1 sw=yes ports=3"));
    ah_emit_port_up(ah, 1, 2);
    ck_assert(ah_log_contains(ah, "ev PORT_UP dpid=1 sw=yes port=2 "
                                  "name=s1-eth2"));
    ah_emit_port_down(ah, 2, 2);
    ck_assert(ah_log_contains(ah, "ev PORT_DOWN dpid=2 sw=yes port=2"));
    ah_emit_link_up(ah, 2, 1);
    ck_assert(ah_log_contains(ah, "ev LINK_UP dpid=2 sw=yes link=2:1->1:1 "
                                  "reason=-\n"));
    ck_assert(ah_log_contains(ah, "ev LINK_UP dpid=1 sw=yes link=1:1->2:1"));
    ah_emit_tree_changed(ah);
    ck_assert(ah_log_contains(ah, "ev TREE_CHANGED dpid=0 sw=no links=1 "
                                  "switches=2"));

    /* Gone from the network, still announced. */
    ah_cable_del(ah, 1, 1);
    ah_clear_log(ah);
    ah_emit_link_down(ah, 1, 1, "timeout");
    ck_assert(ah_log_contains(ah, "ev LINK_DOWN dpid=1 sw=yes "
                                  "link=1:1->2:1 reason=timeout"));
    ck_assert(ah_log_contains(ah, "link=2:1->1:1 reason=timeout"));
    ah_switch_del(ah, 2);
    ah_emit_switch_down(ah, 2);
    ck_assert(ah_log_contains(ah, "ev SWITCH_DOWN dpid=2 sw=yes ports=3"));

    /* A stats reply with the xid the app got. */
    struct ofp_msg req, reply;
    uint32_t xid = 0;
    ofp_msg_init(&req, OFPT_MULTIPART_REQUEST, 0);
    req.mp_request.type = OFPMP_DESC;
    ck_assert_int_eq(phost->send(pctx, 1, &req, &xid), 0);
    ofp_msg_init(&reply, OFPT_MULTIPART_REPLY, xid);
    reply.mp_reply.type = OFPMP_DESC;
    ah_emit_stats_reply(ah, 1, &reply);
    char want[64];
    snprintf(want, sizeof want, "ev STATS_REPLY dpid=1 sw=yes xid=%" PRIu32,
             xid);
    ck_assert(ah_log_contains(ah, want));
    ah_free(ah);
}
END_TEST

START_TEST(test_packet_in)
{
    struct ah *ah = probe_new(NULL);
    uint8_t frame[1514];
    size_t len =
        ah_frame_tcp4(frame, "00:00:00:00:00:02", "00:00:00:00:00:01",
                      SL_HOST_NO_VLAN, "10.0.0.1", "10.0.0.2", 1234, 80);

    ah_switch_add(ah, 1, 4);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 2, 3, frame, len), SL_CONTINUE);
    ck_assert(ah_log_contains(ah, "ev PACKET_IN dpid=1 sw=yes table=3 "
                                  "reason=0 cookie=ffffffffffffffff "
                                  "buffer=ffffffff in_port=2 oxm_in_port=2 "
                                  "len=54 total=54 eth_type=0800\n"));
    ck_assert(ah_log_contains(ah, "pi2"));

    /* Not even Ethernet: no parsed packet. */
    ah_clear_log(ah);
    ah_emit_packet_in(ah, 1, 1, 0, frame, 5);
    ck_assert(ah_log_contains(ah, "len=5 total=5 eth_type=0000"));

    /* SL_STOP ends the walk: the lower handler does not run. */
    ck_assert_int_eq(ah_reconfigure(ah, "{stop: 1}"), 0);
    ah_clear_log(ah);
    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 2, 3, frame, len), SL_STOP);
    ck_assert(ah_log_contains(ah, "ev PACKET_IN"));
    ck_assert(!ah_log_contains(ah, "pi2"));
    ah_free(ah);
}
END_TEST

/* ---- the topology ---- */

/* Switch id of row 'r', column 'c' of a 3x3 torus. */
static uint64_t
tid(int r, int c)
{
    return (uint64_t) (((r + 3) % 3) * 3 + (c + 3) % 3 + 1);
}

/* A 3x3 torus: ports 1 east, 2 west, 3 south, 4 north, 5 a host. */
static void
torus(struct ah *ah)
{
    for (int i = 0; i < 9; i++) {
        ah_switch_add(ah, (uint64_t) i + 1, 5);
    }
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
            ah_cable_add(ah, tid(r, c), 1, tid(r, c + 1), 2);
            ah_cable_add(ah, tid(r, c), 3, tid(r + 1, c), 4);
        }
    }
}

START_TEST(test_torus_paths)
{
    struct ah *ah = probe_new(NULL);
    struct sl_path_hop hops[9];
    struct sl_link links[64];

    torus(ah);
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 1, 2), 1);
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 1, 3), 2);
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 1, 4), 3);
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 1, 7), 4);
    /* Two hops: via 2 or 4; the lower dpid wins. */
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 1, 5), 1);
    /* To 9 via 3 or 7: 3, by 1's west port. */
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 1, 9), 2);
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 5, 1), 4);
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 1, 1), 0);
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 1, 99), 0);

    ck_assert_uint_eq(phost->topo_path(pctx, 1, 9, SL_PATH_HOPS, hops, 9), 3);
    ck_assert_uint_eq(hops[0].dpid, 1);
    ck_assert_uint_eq(hops[0].in_port, 0);
    ck_assert_uint_eq(hops[0].out_port, 2);
    ck_assert_uint_eq(hops[1].dpid, 3);
    ck_assert_uint_eq(hops[1].in_port, 1);
    ck_assert_uint_eq(hops[1].out_port, 4);
    ck_assert_uint_eq(hops[2].dpid, 9);
    ck_assert_uint_eq(hops[2].in_port, 3);
    ck_assert_uint_eq(hops[2].out_port, 0);
    ck_assert_uint_eq(phost->topo_path(pctx, 1, 9, SL_PATH_LATENCY, hops, 1),
                      3);
    ck_assert_uint_eq(phost->topo_path(pctx, 5, 5, SL_PATH_HOPS, hops, 9), 1);
    ck_assert_uint_eq(hops[0].dpid, 5);
    ck_assert_uint_eq(hops[0].out_port, 0);
    ck_assert_uint_eq(phost->topo_path(pctx, 1, 99, SL_PATH_HOPS, hops, 9), 0);

    ck_assert_uint_eq(phost->topo_links(pctx, 0, NULL, 0), 36);
    ck_assert_uint_eq(phost->topo_links(pctx, 1, links, 64), 4);
    ck_assert_uint_eq(links[0].src_port, 1);
    ck_assert_uint_eq(links[0].dst_dpid, 2);
    ck_assert_uint_eq(links[0].dst_port, 2);
    ck_assert_uint_eq(links[1].src_port, 2);
    ck_assert_uint_eq(links[1].dst_dpid, 3);
    ck_assert_uint_eq(links[3].src_port, 4);
    ck_assert_uint_eq(links[3].dst_dpid, 7);
    ck_assert_uint_eq(links[3].dst_port, 3);
    ck_assert(links[0].latency > 0);
    ck_assert_uint_eq(phost->topo_links(pctx, 0, links, 64), 36);
    for (size_t i = 1; i < 36; i++) {
        ck_assert(links[i - 1].src_dpid < links[i].src_dpid ||
                  (links[i - 1].src_dpid == links[i].src_dpid &&
                   links[i - 1].src_port < links[i].src_port));
    }

    /* An island. */
    ah_switch_add(ah, 10, 2);
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 1, 10), 0);
    ck_assert_uint_eq(phost->topo_path(pctx, 1, 10, SL_PATH_HOPS, hops, 9), 0);
    ah_free(ah);
}
END_TEST

START_TEST(test_torus_tree)
{
    struct ah *ah = probe_new(NULL);
    uint32_t ports[8];
    uint64_t v;

    torus(ah);
    /* The tree from 1: 1-2, 1-3, 1-4, 1-7, then 2-5, 2-8, 3-6, 3-9. */
    for (uint32_t p = 1; p <= 4; p++) {
        ck_assert_int_eq(phost->topo_port_role(pctx, 1, p), SL_PORT_TREE);
    }
    ck_assert_int_eq(phost->topo_port_role(pctx, 1, 5), SL_PORT_EDGE);
    ck_assert_int_eq(phost->topo_port_role(pctx, 1, OFPP_LOCAL), SL_PORT_NONE);
    ck_assert_int_eq(phost->topo_port_role(pctx, 1, 6), SL_PORT_NONE);
    ck_assert_int_eq(phost->topo_port_role(pctx, 99, 1), SL_PORT_NONE);
    ck_assert_int_eq(phost->topo_port_role(pctx, 2, 1), SL_PORT_BLOCKED);
    ck_assert_int_eq(phost->topo_port_role(pctx, 2, 2), SL_PORT_TREE);
    ck_assert_int_eq(phost->topo_port_role(pctx, 2, 3), SL_PORT_TREE);
    ck_assert_int_eq(phost->topo_port_role(pctx, 2, 4), SL_PORT_TREE);
    ck_assert_int_eq(phost->topo_port_role(pctx, 5, 4), SL_PORT_TREE);
    for (uint32_t p = 1; p <= 3; p++) {
        ck_assert_int_eq(phost->topo_port_role(pctx, 5, p), SL_PORT_BLOCKED);
    }
    ck_assert_int_eq(phost->topo_port_role(pctx, 9, 3), SL_PORT_TREE);
    ck_assert_int_eq(phost->topo_port_role(pctx, 9, 1), SL_PORT_BLOCKED);

    ck_assert_uint_eq(phost->topo_flood_ports(pctx, 5, ports, 8), 2);
    ck_assert_uint_eq(ports[0], 4);
    ck_assert_uint_eq(ports[1], 5);
    ck_assert_uint_eq(phost->topo_flood_ports(pctx, 1, ports, 8), 5);
    ck_assert_uint_eq(phost->topo_flood_ports(pctx, 1, ports, 2), 5);
    ck_assert_uint_eq(phost->topo_flood_ports(pctx, 99, ports, 8), 0);
    ck_assert(phost->topo_flood_all(pctx, 1));
    ck_assert(!phost->topo_flood_all(pctx, 5));
    ck_assert(!phost->topo_flood_all(pctx, 99));

    /* 1:1 goes down: its cable carries nothing, the tree regrows. */
    v = ah_topo_version(ah);
    ck_assert_uint_eq(phost->topo_version(pctx), v);
    ah_port_set(ah, 1, 1, false);
    ck_assert_uint_gt(ah_topo_version(ah), v);
    ck_assert_uint_eq(phost->topo_version(pctx), ah_topo_version(ah));
    ck_assert_int_eq(phost->topo_port_role(pctx, 1, 1), SL_PORT_NONE);
    ck_assert_int_eq(phost->topo_port_role(pctx, 2, 2), SL_PORT_EDGE);
    ck_assert_uint_eq(phost->topo_next_hop(pctx, 1, 2), 2);
    ck_assert_int_eq(phost->topo_port_role(pctx, 5, 2), SL_PORT_TREE);
    ck_assert_int_eq(phost->topo_port_role(pctx, 5, 4), SL_PORT_BLOCKED);
    ck_assert_uint_eq(phost->topo_links(pctx, 0, NULL, 0), 34);

    v = ah_topo_version(ah);
    ah_cable_del(ah, 5, 1);
    ck_assert_uint_gt(ah_topo_version(ah), v);
    ck_assert_int_eq(phost->topo_port_role(pctx, 5, 1), SL_PORT_EDGE);
    v = ah_topo_version(ah);
    ah_switch_add(ah, 10, 2);
    ck_assert_uint_gt(ah_topo_version(ah), v);
    ck_assert_uint_eq(phost->topo_flood_ports(pctx, 10, ports, 8), 2);
    ah_free(ah);
}
END_TEST

START_TEST(test_hosts)
{
    struct ah *ah = probe_new(NULL);
    const struct sl_topo_host *h1, *h2, *list[4];
    uint8_t mac[6];

    ah_switch_add(ah, 1, 5);
    ah_switch_add(ah, 2, 5);
    h1 = ah_host_add(ah, "00:00:00:00:00:01", SL_HOST_NO_VLAN, 2, 5,
                     ah_ipv4("10.0.0.1"));
    h2 = ah_host_add(ah, "00:00:00:00:00:02", 10, 1, 5, 0);
    ah_mac("00:00:00:00:00:01", mac);
    ck_assert_ptr_eq(phost->topo_host_find(pctx, mac, SL_HOST_NO_VLAN), h1);
    ck_assert_ptr_null(phost->topo_host_find(pctx, mac, 10));
    ck_assert_uint_eq(h1->n_ipv4, 1);
    ck_assert_uint_eq(h1->ipv4[0], 0x0a000001);
    ck_assert_uint_eq(h2->n_ipv4, 0);
    ck_assert_uint_eq(h2->vlan, 10);
    ck_assert_uint_eq(phost->topo_hosts(pctx, 0, list, 4), 2);
    ck_assert_ptr_eq(list[0], h2); /* by dpid */
    ck_assert_ptr_eq(list[1], h1);
    ck_assert_uint_eq(phost->topo_hosts(pctx, 2, list, 4), 1);
    ck_assert_uint_eq(phost->topo_hosts(pctx, 3, list, 4), 0);

    ah_emit_host_add(ah, "00:00:00:00:00:01", SL_HOST_NO_VLAN);
    ck_assert(ah_log_contains(ah, "ev HOST_ADD dpid=2 sw=yes "
                                  "host=00:00:00:00:00:01 vlan=65535 "
                                  "at=2:5 old=0:0 ipv4=1"));
    /* A move keeps the host (and its addresses), adds a new one. */
    ck_assert_ptr_eq(ah_host_add(ah, "00:00:00:00:00:01", SL_HOST_NO_VLAN, 1,
                                 4, ah_ipv4("10.0.0.9")),
                     h1);
    ck_assert_uint_eq(h1->n_ipv4, 2);
    ck_assert_uint_eq(h1->ipv4[0], 0x0a000009);
    ah_emit_host_move(ah, "00:00:00:00:00:01", SL_HOST_NO_VLAN, 2, 5);
    ck_assert(ah_log_contains(ah, "ev HOST_MOVE dpid=1 sw=yes "
                                  "host=00:00:00:00:00:01 vlan=65535 "
                                  "at=1:4 old=2:5 ipv4=2"));
    ah_emit_host_remove(ah, "00:00:00:00:00:02", 10);
    ck_assert(ah_log_contains(ah, "ev HOST_REMOVE dpid=1"));
    ah_host_del(ah, "00:00:00:00:00:02", 10);
    ck_assert_uint_eq(phost->topo_hosts(pctx, 0, NULL, 0), 1);
    ah_switch_del(ah, 1);
    ck_assert_uint_eq(phost->topo_hosts(pctx, 0, NULL, 0), 0);
    ah_free(ah);
}
END_TEST

/* ---- the flow programmer ---- */

START_TEST(test_flow_identity)
{
    struct ah *ah = probe_new(NULL);
    struct ah_match a, b;
    const struct sl_flow_spec *f;
    struct ah_counts c;

    ah_switch_add(ah, 1, 4);
    ck_assert_int_eq(add_output(1, 2, 10,
                                "eth_type=0x0800,"
                                "ipv4_dst=10.0.0.0/8",
                                3),
                     0);
    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 1);
    ck_assert_uint_eq(ah_flow_count(ah, 1, 2), 1);
    ck_assert_uint_eq(ah_flow_count(ah, 1, 3), 0);
    ck_assert_uint_eq(ah_flow_count(ah, 2, -1), 0);

    /* OXM order does not matter. */
    f = ah_flow_get(ah, 1, 2, 10,
                    ah_match(&a, "ipv4_dst=10.0.0.0/8,eth_type=0x0800"));
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->match.n_oxms, 2);
    ck_assert_uint_eq(f->match.oxms[0].field, OFPXMT_OFB_ETH_TYPE);
    ck_assert_uint_eq(f->instructions.n, 1);
    ck_assert_uint_eq(
        f->instructions.instructions[0].actions.actions[0].output.port, 3);
    ck_assert_ptr_null(ah_flow_get(ah, 1, 2, 11, &a.match));
    ck_assert_ptr_null(ah_flow_get(ah, 1, 3, 10, &a.match));
    ck_assert_ptr_null(ah_flow_get(ah, 2, 2, 10, &a.match));
    ck_assert_ptr_null(ah_flow_get(
        ah, 1, 2, 10, ah_match(&b, "eth_type=0x0800,ipv4_dst=10.0.0.0/16")));

    /* The same identity replaces; an identical re-add is an add too. */
    ck_assert_int_eq(add_output(1, 2, 10,
                                "ipv4_dst=10.0.0.0/8,"
                                "eth_type=0x0800",
                                4),
                     0);
    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 1);
    f = ah_flow_get(ah, 1, 2, 10, &a.match);
    ck_assert_uint_eq(
        f->instructions.instructions[0].actions.actions[0].output.port, 4);
    ck_assert_int_eq(add_output(1, 2, 10,
                                "ipv4_dst=10.0.0.0/8,"
                                "eth_type=0x0800",
                                4),
                     0);
    c = ah_counts(ah);
    ck_assert_uint_eq(c.flow_adds, 3);

    /* Order: table, then priority down, then first stated. */
    ck_assert_int_eq(add_output(1, 3, 5, "", 1), 0);
    ck_assert_int_eq(add_output(1, 1, 10, "in_port=1", 2), 0);
    ck_assert_int_eq(add_output(1, 1, 20, "in_port=2", 2), 0);
    ck_assert_int_eq(add_output(1, 1, 20, "in_port=3", 2), 0);
    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 5);
    ck_assert_uint_eq(ah_flow_at(ah, 1, 0)->priority, 20);
    ck_assert_uint_eq(ah_flow_at(ah, 1, 0)->match.oxms[0].value.u32, 2);
    ck_assert_uint_eq(ah_flow_at(ah, 1, 1)->match.oxms[0].value.u32, 3);
    ck_assert_uint_eq(ah_flow_at(ah, 1, 2)->priority, 10);
    ck_assert_uint_eq(ah_flow_at(ah, 1, 3)->table_id, 2);
    ck_assert_uint_eq(ah_flow_at(ah, 1, 4)->table_id, 3);
    ck_assert_ptr_null(ah_flow_at(ah, 1, 5));

    /* Flows for a switch not connected are kept. */
    ck_assert_int_eq(add_output(7, 3, 5, "", 1), 0);
    ck_assert_uint_eq(ah_flow_count(ah, 7, -1), 1);

    /* Deletion. */
    ah_reset_counts(ah);
    ck_assert_int_eq(phost->flow_del(pctx, 1, 2, 11, &a.match, NULL, NULL),
                     ENOENT);
    ck_assert_int_eq(phost->flow_del(pctx, 1, 2, 10, &a.match, NULL, NULL), 0);
    ck_assert_int_eq(phost->flow_del(pctx, 1, 2, 10, &a.match, NULL, NULL),
                     ENOENT);
    ck_assert_int_eq(phost->flow_del(pctx, 1, 2, 10, NULL, NULL, NULL),
                     EINVAL);
    ck_assert_uint_eq(phost->flow_del_all(pctx, 1), 4);
    ck_assert_uint_eq(phost->flow_del_all(pctx, 1), 0);
    ck_assert_uint_eq(phost->flow_del_all(pctx, 0), 1);
    c = ah_counts(ah);
    ck_assert_uint_eq(c.flow_adds, 0);
    ck_assert_uint_eq(c.flow_dels, 4);
    ck_assert_uint_eq(c.flow_del_alls, 3);
    ah_free(ah);
}
END_TEST

START_TEST(test_flow_validation)
{
    struct ah *ah = probe_new(NULL);
    struct ah_match m;
    struct sl_flow_spec spec = {.table_id = 1, .priority = 1};
    struct ofp_action a;
    struct ofp_instruction in[2];

    ah_switch_add(ah, 1, 4);
    spec.match = *ah_match(&m, "");
    /* No instruction at all: a drop flow, fine. */
    ck_assert_int_eq(phost->flow_add(pctx, 1, &spec, NULL, NULL), 0);
    ck_assert_int_eq(phost->flow_add(pctx, 1, NULL, NULL, NULL), EINVAL);

    /* Missing prerequisite, mask on an unmaskable field, value bits
     * outside the mask, a field twice. */
    ck_assert_int_eq(add_output(1, 1, 2, "ipv4_dst=10.0.0.1", 1), EINVAL);
    ck_assert_int_eq(add_output(1, 1, 2, "in_port=1/0xff", 1), EINVAL);
    ck_assert_int_eq(add_output(1, 1, 2,
                                "eth_dst=ff:ff:ff:ff:ff:ff/"
                                "01:00:00:00:00:00",
                                1),
                     EINVAL);
    ck_assert_int_eq(add_output(1, 1, 2, "in_port=1,in_port=2", 1), EINVAL);
    ck_assert(ah_log_contains(ah, "flow refused"));

    /* An OXM of an unknown basic field. */
    spec.match = *ah_match(&m, "in_port=1");
    m.oxms[0].field = 40;
    ck_assert_int_eq(phost->flow_add(pctx, 1, &spec, NULL, NULL), EINVAL);

    /* set_field of a field that is not a header. */
    a = set_action("in_port=3");
    in[0] = apply(&a, 1);
    ck_assert_int_eq(add_flow(1, 1, 3, "", in, 1), EINVAL);
    a = set_action("metadata=3");
    ck_assert_int_eq(add_flow(1, 1, 3, "", in, 1), EINVAL);
    /* A masked set_field. */
    a = set_action("eth_dst=00:00:00:00:00:01/ff:ff:ff:ff:ff:ff");
    ck_assert_int_eq(add_flow(1, 1, 3, "", in, 1), EINVAL);
    /* An unknown action type. */
    a = out_action(1);
    a.type = 99;
    ck_assert_int_eq(add_flow(1, 1, 3, "", in, 1), EINVAL);
    /* Goto backward, or to itself; two gotos; an unknown instruction. */
    in[0] = goto_table(1);
    ck_assert_int_eq(add_flow(1, 1, 3, "", in, 1), EINVAL);
    in[0] = goto_table(0);
    ck_assert_int_eq(add_flow(1, 1, 3, "", in, 1), EINVAL);
    in[0] = goto_table(2);
    in[1] = goto_table(3);
    ck_assert_int_eq(add_flow(1, 1, 3, "", in, 2), EINVAL);
    in[0].type = 77;
    ck_assert_int_eq(add_flow(1, 1, 3, "", in, 1), EINVAL);
    /* Table beyond OFPTT_MAX. */
    spec.match = *ah_match(&m, "");
    spec.table_id = 255;
    ck_assert_int_eq(phost->flow_add(pctx, 1, &spec, NULL, NULL), EINVAL);

    ck_assert_uint_eq(ah_flow_count(ah, 1, -1), 1);
    ah_free(ah);
}
END_TEST

static int done_calls;
static enum ofperr done_errors[8];
static uintptr_t done_aux[8];

static void
record_done(void *aux, uint64_t dpid, enum ofperr error)
{
    ck_assert_uint_eq(dpid, 1);
    if (done_calls < 8) {
        done_errors[done_calls] = error;
        done_aux[done_calls] = (uintptr_t) aux;
    }
    done_calls++;
}

static int
add_done(const char *match, uint32_t port, uintptr_t aux)
{
    struct ah_match m;
    struct ofp_action a = out_action(port);
    struct ofp_instruction in = apply(&a, 1);
    struct sl_flow_spec spec = {.table_id = 3, .priority = 9};

    spec.match = *ah_match(&m, match);
    spec.instructions.n = 1;
    spec.instructions.instructions = &in;
    return phost->flow_add(pctx, 1, &spec, record_done, (void *) aux);
}

START_TEST(test_flow_completions)
{
    struct ah *ah = probe_new(NULL);
    struct ah_match m;

    done_calls = 0;
    ah_switch_add(ah, 1, 4);
    ck_assert_int_eq(add_done("in_port=1", 2, 1), 0);
    ck_assert_int_eq(done_calls, 0);
    ah_complete_flows(ah, 0);
    ck_assert_int_eq(done_calls, 1);
    ck_assert_int_eq(done_errors[0], 0);
    ah_complete_flows(ah, 0);
    ck_assert_int_eq(done_calls, 1);

    /* Replaced before an answer: the first change is aborted. */
    done_calls = 0;
    ck_assert_int_eq(add_done("in_port=1", 3, 2), 0);
    ck_assert_int_eq(add_done("in_port=1", 4, 3), 0);
    /* Identical: waits with it, not superseding it. */
    ck_assert_int_eq(add_done("in_port=1", 4, 4), 0);
    ah_complete_flows(ah, 0);
    ck_assert_int_eq(done_calls, 3);
    ck_assert_int_eq(done_aux[0], 2);
    ck_assert_int_eq(done_errors[0], SL_FLOW_ABORTED);
    ck_assert_int_eq(done_errors[1], 0);
    ck_assert_int_eq(done_errors[2], 0);

    /* A deletion completes too. */
    done_calls = 0;
    ck_assert_int_eq(phost->flow_del(pctx, 1, 3, 9, ah_match(&m, "in_port=1"),
                                     record_done, (void *) 5),
                     0);
    ah_complete_flows(ah, 0);
    ck_assert_int_eq(done_calls, 1);
    ck_assert_int_eq(done_aux[0], 5);

    /* The switch refuses a flow: the app hears it, the change completes
     * with the error, the flow stays desired. */
    done_calls = 0;
    ck_assert_int_eq(add_done("in_port=2", 1, 6), 0);
    ah_emit_flow_error(ah, 1, 3, 9, ah_match(&m, "in_port=2"),
                       OFPERR_OFPBAC_BAD_OUT_PORT);
    ck_assert(ah_log_contains(ah, "ev ERROR dpid=1 sw=yes"));
    ck_assert(ah_log_contains(ah, "flow=yes table=3 priority=9"));
    ck_assert_int_eq(done_calls, 1);
    ck_assert_int_eq(done_errors[0], OFPERR_OFPBAC_BAD_OUT_PORT);
    ck_assert_uint_eq(ah_flow_count(ah, 1, 3), 1);

    /* Owed at the end: aborted before fini. */
    done_calls = 0;
    ck_assert_int_eq(add_done("in_port=3", 1, 7), 0);
    ah_free(ah);
    ck_assert_int_eq(done_calls, 1);
    ck_assert_int_eq(done_errors[0], SL_FLOW_ABORTED);
}
END_TEST

/* ---- packet-outs and sends ---- */

START_TEST(test_packet_out_and_send)
{
    struct ah *ah = probe_new(NULL);
    uint8_t frame[1514];
    size_t len = ah_frame_eth(frame, "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:01",
                              SL_HOST_NO_VLAN, 0x88b5, 10);
    struct ofp_action acts[3] = {out_action(2), out_action(OFPP_FLOOD)};
    struct ofp_packet_out po = {
        .buffer_id = OFP_NO_BUFFER,
        .in_port = 1,
        .actions = {2, acts},
        .len = len,
        .data = frame,
    };
    const struct ah_packet_out *pos;
    const struct ah_sent *sent;
    uint32_t ports[4];
    struct ofp_msg msg;
    uint32_t xid = 0;
    size_t n;

    ah_switch_add(ah, 1, 4);
    ck_assert_int_eq(phost->packet_out(pctx, 1, &po), 0);
    ck_assert_int_eq(phost->packet_out(pctx, 2, &po), ENOENT);
    ck_assert_int_eq(phost->packet_out(pctx, 1, NULL), EINVAL);
    acts[2] = set_action("in_port=4");
    po.actions.n = 3;
    ck_assert_int_eq(phost->packet_out(pctx, 1, &po), EINVAL);
    frame[0] = 0; /* copied: the record keeps the first bytes */

    pos = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(pos[0].dpid, 1);
    ck_assert_uint_eq(pos[0].in_port, 1);
    ck_assert_uint_eq(pos[0].buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(pos[0].len, len);
    ck_assert_uint_eq(pos[0].data[0], 0xff);
    ck_assert_uint_eq(ah_packet_out_ports(&pos[0], ports, 4), 2);
    ck_assert_uint_eq(ports[0], 2);
    ck_assert_uint_eq(ports[1], OFPP_FLOOD);
    ck_assert_uint_eq(ah_packet_out_ports(&pos[0], NULL, 0), 2);
    ck_assert_uint_eq(ah_counts(ah).packet_outs, 4);
    ah_clear_packet_outs(ah);
    ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 0);

    ofp_msg_init(&msg, OFPT_MULTIPART_REQUEST, 0);
    msg.mp_request.type = OFPMP_FLOW;
    msg.mp_request.flow.table_id = 3;
    msg.mp_request.flow.out_port = OFPP_ANY;
    msg.mp_request.flow.out_group = OFPG_ANY;
    msg.mp_request.flow.match.type = OFPMT_OXM;
    ck_assert_int_eq(phost->send(pctx, 1, &msg, &xid), 0);
    ck_assert_int_eq(phost->send(pctx, 9, &msg, NULL), ENOENT);
    ofp_msg_init(&msg, OFPT_FLOW_MOD, 0);
    ck_assert_int_eq(phost->send(pctx, 1, &msg, NULL), EINVAL);
    ck_assert_int_eq(phost->send(pctx, 1, NULL, NULL), EINVAL);
    ofp_msg_init(&msg, OFPT_BARRIER_REQUEST, 0);
    ck_assert_int_eq(phost->send(pctx, 1, &msg, NULL), 0);
    sent = ah_sent(ah, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(sent[0].dpid, 1);
    ck_assert_uint_eq(sent[0].xid, xid);
    ck_assert_int_eq(sent[0].type, OFPT_MULTIPART_REQUEST);
    ck_assert_uint_eq(sent[0].mp_type, OFPMP_FLOW);
    ck_assert_uint_eq(sent[0].table_id, 3);
    ck_assert_int_eq(sent[1].type, OFPT_BARRIER_REQUEST);
    ck_assert_uint_ne(sent[1].xid, xid);
    ck_assert_uint_eq(ah_counts(ah).sends, 5);
    ah_clear_sent(ah);
    ah_sent(ah, &n);
    ck_assert_uint_eq(n, 0);
    ah_free(ah);
}
END_TEST

/* ---- ah_trace ---- */

START_TEST(test_trace_routed)
{
    struct ah *ah = probe_new(NULL);
    struct ofp_action tag[2] = {{.type = OFPAT_PUSH_VLAN},
                                set_action("vlan_vid=0x100a")};
    struct ofp_instruction vlan_in[2];
    struct ofp_action route[4] = {
        set_action("eth_src=00:00:00:00:02:01"),
        set_action("eth_dst=00:00:00:00:02:02"),
        {.type = OFPAT_DEC_NW_TTL},
        {.type = OFPAT_POP_VLAN},
    };
    struct ofp_action out3 = out_action(3);
    struct ofp_instruction l3_in[2];
    uint8_t frame[1514];
    size_t len;
    struct ah_trace tr;
    struct ofp_packet pkt;

    tag[0].ethertype = OFP_ETH_TYPE_VLAN;
    vlan_in[0] = apply(tag, 2);
    vlan_in[1] = goto_table(2);
    l3_in[0] = apply(route, 4);
    l3_in[1] = write_acts(&out3, 1);
    ah_switch_add(ah, 1, 5);
    ck_assert_int_eq(
        add_flow(1, 0, 10, "in_port=1,vlan_vid=0x0000", vlan_in, 2), 0);
    ck_assert_int_eq(add_flow(1, 2, 100,
                              "eth_type=0x0800,vlan_vid=0x100a,"
                              "ipv4_dst=10.0.2.0/24",
                              l3_in, 2),
                     0);

    len = ah_frame_icmp4(frame, "00:00:00:00:01:fe", "00:00:00:00:01:01",
                         SL_HOST_NO_VLAN, "10.0.1.1", "10.0.2.2", 64, 8, 0);
    ah_trace(ah, 1, 1, frame, len, &tr);
    ck_assert(!tr.dropped);
    ck_assert(!tr.to_controller);
    ck_assert_uint_eq(tr.n_tables, 2);
    ck_assert_uint_eq(tr.tables[0], 0);
    ck_assert_uint_eq(tr.tables[1], 2);
    ck_assert_uint_eq(tr.n_out, 1);
    ck_assert_uint_eq(tr.out[0].port, 3);
    ck_assert_uint_eq(tr.out[0].len, len);
    parse_ok(&pkt, tr.out[0].frame, tr.out[0].len);
    ck_assert_uint_eq(pkt.n_vlans, 0);
    ck_assert_uint_eq(pkt.eth_src[5], 0x01);
    ck_assert_uint_eq(pkt.eth_src[4], 0x02);
    ck_assert_uint_eq(pkt.eth_dst[5], 0x02);
    ck_assert_uint_eq(pkt.ip.ttl, 63);
    ck_assert(ipv4_ok(tr.out[0].frame + pkt.l3_ofs));
    ck_assert(l4_ok(&pkt));

    /* Elsewhere: tagged through l3's miss to l2's, then the
     * controller. */
    len = ah_frame_icmp4(frame, "00:00:00:00:01:fe", "00:00:00:00:01:01",
                         SL_HOST_NO_VLAN, "10.0.1.1", "10.9.9.9", 64, 8, 0);
    ah_trace(ah, 1, 1, frame, len, &tr);
    ck_assert(tr.to_controller);
    ck_assert(!tr.dropped);
    ck_assert_uint_eq(tr.n_out, 0);
    ck_assert_uint_eq(tr.n_tables, 3);
    ck_assert_uint_eq(tr.tables[2], 3);

    /* TTL 1: dropped by dec_nw_ttl. */
    len = ah_frame_icmp4(frame, "00:00:00:00:01:fe", "00:00:00:00:01:01",
                         SL_HOST_NO_VLAN, "10.0.1.1", "10.0.2.2", 1, 8, 0);
    ah_trace(ah, 1, 1, frame, len, &tr);
    ck_assert(tr.dropped);
    ck_assert(!tr.to_controller);
    ck_assert_uint_eq(tr.n_tables, 2);

    /* Another port: every table misses. */
    ah_trace(ah, 1, 2, frame, len, &tr);
    ck_assert(tr.to_controller);
    ck_assert_uint_eq(tr.n_tables, 4);
    ah_free(ah);
}
END_TEST

START_TEST(test_trace_vlan_and_flood)
{
    struct ah *ah = probe_new(NULL);
    struct ofp_action acts[2] = {out_action(2), out_action(OFPP_IN_PORT)};
    struct ofp_instruction in = apply(acts, 2);
    uint8_t frame[1514];
    size_t len;
    struct ah_trace tr;

    ah_switch_add(ah, 1, 5);
    ck_assert_int_eq(add_output(1, 3, 20, "vlan_vid=0x100a", 4), 0);
    ck_assert_int_eq(add_output(1, 3, 10, "vlan_vid=0x1000/0x1000", 5), 0);
    ck_assert_int_eq(
        add_output(1, 3, 5, "eth_dst=ff:ff:ff:ff:ff:ff", OFPP_FLOOD), 0);
    ck_assert_int_eq(add_flow(1, 3, 5, "eth_dst=00:00:00:00:00:99", &in, 1),
                     0);

    len = ah_frame_eth(frame, "00:00:00:00:00:02", "00:00:00:00:00:01", 10,
                       0x88b5, 20);
    ah_trace(ah, 1, 2, frame, len, &tr);
    ck_assert_uint_eq(tr.n_out, 1);
    ck_assert_uint_eq(tr.out[0].port, 4);
    len = ah_frame_eth(frame, "00:00:00:00:00:02", "00:00:00:00:00:01", 11,
                       0x88b5, 20);
    ah_trace(ah, 1, 2, frame, len, &tr);
    ck_assert_uint_eq(tr.out[0].port, 5);
    ck_assert_uint_eq(tr.out[0].len, len);
    ck_assert_mem_eq(tr.out[0].frame, frame, len);
    len = ah_frame_eth(frame, "00:00:00:00:00:02", "00:00:00:00:00:01",
                       SL_HOST_NO_VLAN, 0x88b5, 20);
    ah_trace(ah, 1, 2, frame, len, &tr);
    ck_assert(tr.to_controller);

    /* Flood: every live port but the in port (LOCAL is not one). */
    len = ah_frame_arp(frame, SL_HOST_NO_VLAN, OFP_ARP_OP_REQUEST,
                       "00:00:00:00:00:01", "10.0.0.1", NULL, "10.0.0.2");
    ah_trace(ah, 1, 2, frame, len, &tr);
    ck_assert_uint_eq(tr.n_out, 4);
    ck_assert_uint_eq(tr.out[0].port, 1);
    ck_assert_uint_eq(tr.out[1].port, 3);
    ck_assert_uint_eq(tr.out[3].port, 5);
    ah_port_set(ah, 1, 4, false);
    ah_trace(ah, 1, 2, frame, len, &tr);
    ck_assert_uint_eq(tr.n_out, 3);
    ck_assert_uint_eq(tr.out[2].port, 5);

    /* Output to the in port is dropped; OFPP_IN_PORT is the way. */
    len = ah_frame_eth(frame, "00:00:00:00:00:99", "00:00:00:00:00:01",
                       SL_HOST_NO_VLAN, 0x88b5, 20);
    ah_trace(ah, 1, 2, frame, len, &tr);
    ck_assert_uint_eq(tr.n_out, 1);
    ck_assert_uint_eq(tr.out[0].port, 2);
    ah_trace(ah, 1, 3, frame, len, &tr);
    ck_assert_uint_eq(tr.n_out, 2);
    ck_assert_uint_eq(tr.out[0].port, 2);
    ck_assert_uint_eq(tr.out[1].port, 3);
    ah_free(ah);
}
END_TEST

START_TEST(test_trace_metadata_and_action_set)
{
    struct ah *ah = probe_new(NULL);
    struct ofp_action out3 = out_action(3), out4 = out_action(4);
    struct ofp_action rewrite[3] = {set_action("ipv4_dst=10.0.0.9"),
                                    set_action("tcp_dst=8080"), out_action(2)};
    struct ofp_instruction t0[3], t1[2], tcp_in = apply(rewrite, 3);
    uint8_t frame[1514];
    struct ofp_packet pkt;
    struct ah_trace tr;
    size_t len;

    ah_switch_add(ah, 1, 5);
    t0[0] = write_acts(&out3, 1);
    t0[1] = (struct ofp_instruction){.type = OFPIT_WRITE_METADATA};
    t0[1].write_metadata.metadata = 0x5;
    t0[1].write_metadata.mask = 0xff;
    t0[2] = goto_table(1);
    ck_assert_int_eq(add_flow(1, 0, 1, "in_port=1", t0, 3), 0);
    t1[0] = (struct ofp_instruction){.type = OFPIT_CLEAR_ACTIONS};
    t1[1] = apply(&out4, 1);
    ck_assert_int_eq(add_flow(1, 1, 1, "metadata=0x5/0xff", t1, 2), 0);
    ck_assert_int_eq(add_flow(1, 2, 1,
                              "eth_type=0x0800,ip_proto=6,"
                              "tcp_dst=80",
                              &tcp_in, 1),
                     0);

    /* Metadata matched; the written output cleared. */
    len = ah_frame_eth(frame, "00:00:00:00:00:02", "00:00:00:00:00:01",
                       SL_HOST_NO_VLAN, 0x88b5, 20);
    ah_trace(ah, 1, 1, frame, len, &tr);
    ck_assert_uint_eq(tr.n_tables, 2);
    ck_assert_uint_eq(tr.n_out, 1);
    ck_assert_uint_eq(tr.out[0].port, 4);

    /* Without the clear: the action set outputs at the end. */
    ck_assert_uint_eq(phost->flow_del_all(pctx, 1), 3);
    struct ofp_instruction t0b[2] = {write_acts(&out3, 1), goto_table(3)};
    ck_assert_int_eq(add_flow(1, 0, 1, "", t0b, 2), 0);
    ck_assert_int_eq(add_output(1, 3, 1, "", 5), 0);
    ah_trace(ah, 1, 1, frame, len, &tr);
    ck_assert_uint_eq(tr.n_tables, 2);
    ck_assert_uint_eq(tr.n_out, 2);
    ck_assert_uint_eq(tr.out[0].port, 5);
    ck_assert_uint_eq(tr.out[1].port, 3);

    /* NAT-like rewrite: IPv4 and TCP checksums follow. */
    ck_assert_uint_eq(phost->flow_del_all(pctx, 1), 2);
    ck_assert_int_eq(add_flow(1, 2, 1,
                              "eth_type=0x0800,ip_proto=6,"
                              "tcp_dst=80",
                              &tcp_in, 1),
                     0);
    len = ah_frame_tcp4(frame, "00:00:00:00:00:02", "00:00:00:00:00:01",
                        SL_HOST_NO_VLAN, "10.0.0.1", "10.0.0.2", 1234, 80);
    ah_trace(ah, 1, 1, frame, len, &tr);
    ck_assert_uint_eq(tr.n_out, 1);
    parse_ok(&pkt, tr.out[0].frame, tr.out[0].len);
    ck_assert_uint_eq(pkt.ipv4.dst, 0x0a000009);
    ck_assert_uint_eq(pkt.tp_dst, 8080);
    ck_assert_uint_eq(pkt.tp_src, 1234);
    ck_assert(ipv4_ok(tr.out[0].frame + pkt.l3_ofs));
    ck_assert(l4_ok(&pkt));
    ah_free(ah);
}
END_TEST

START_TEST(test_trace_rewrites)
{
    struct ah *ah = probe_new(NULL);
    struct ofp_action v6[4] = {set_action("ipv6_dst=2001:db8::99"),
                               set_action("ip_dscp=10"),
                               {.type = OFPAT_DEC_NW_TTL},
                               out_action(2)};
    struct ofp_action tags[4] = {set_action("vlan_pcp=5"),
                                 set_action("vlan_vid=0x1014"),
                                 {.type = OFPAT_PUSH_VLAN},
                                 out_action(3)};
    struct ofp_action arp[3] = {set_action("arp_tpa=10.0.0.7"),
                                set_action("arp_op=2"),
                                out_action(OFPP_IN_PORT)};
    struct ofp_action local[2] = {out_action(9), out_action(OFPP_LOCAL)};
    struct ofp_instruction in[4] = {apply(v6, 4), apply(tags, 4),
                                    apply(arp, 3), apply(local, 2)};
    uint8_t frame[1514], want[16];
    struct ofp_packet pkt;
    struct ah_trace tr;
    size_t len;

    tags[2].ethertype = OFP_ETH_TYPE_VLAN_8021AD;
    ah_switch_add(ah, 1, 4);
    ck_assert_int_eq(add_flow(1, 0, 5,
                              "in_port=1,eth_type=0x86dd,"
                              "ip_proto=58",
                              &in[0], 1),
                     0);
    ck_assert_int_eq(
        add_flow(1, 0, 5, "in_port=2,vlan_vid=0x1000/0x1000", &in[1], 1), 0);
    ck_assert_int_eq(add_flow(1, 0, 5, "in_port=3,eth_type=0x0806", &in[2], 1),
                     0);
    ck_assert_int_eq(add_flow(1, 0, 5, "in_port=4", &in[3], 1), 0);

    /* IPv6: address, DSCP, hop limit; the ICMPv6 checksum follows. */
    len = ah_frame_icmp6(frame, "00:00:00:00:00:02", "00:00:00:00:00:01",
                         SL_HOST_NO_VLAN, "2001:db8::1", "2001:db8::2", 64,
                         128, NULL, NULL);
    ah_trace(ah, 1, 1, frame, len, &tr);
    ck_assert_uint_eq(tr.n_out, 1);
    ck_assert_uint_eq(tr.out[0].port, 2);
    parse_ok(&pkt, tr.out[0].frame, tr.out[0].len);
    ah_ipv6("2001:db8::99", want);
    ck_assert_mem_eq(pkt.ipv6.dst, want, 16);
    ck_assert_uint_eq(pkt.ip.dscp, 10);
    ck_assert_uint_eq(pkt.ip.ttl, 63);
    ck_assert(l4_ok(&pkt));

    /* Tags: PCP and VID set, then an S-tag pushed over them. */
    len = ah_frame_eth(frame, "00:00:00:00:00:02", "00:00:00:00:00:01", 10,
                       0x88b5, 20);
    ah_trace(ah, 1, 2, frame, len, &tr);
    ck_assert_uint_eq(tr.out[0].port, 3);
    ck_assert_uint_eq(tr.out[0].len, len + 4);
    parse_ok(&pkt, tr.out[0].frame, tr.out[0].len);
    ck_assert_uint_eq(pkt.n_vlans, 2);
    ck_assert_uint_eq(pkt.vlans[0].tpid, OFP_ETH_TYPE_VLAN_8021AD);
    ck_assert_uint_eq(pkt.vlans[0].vid, 20);
    ck_assert_uint_eq(pkt.vlans[0].pcp, 5);
    ck_assert_uint_eq(pkt.vlans[1].tpid, OFP_ETH_TYPE_VLAN);
    ck_assert_uint_eq(pkt.vlans[1].vid, 20);
    ck_assert_uint_eq(pkt.eth_type, 0x88b5);

    /* ARP fields; back out of the in port. */
    len = ah_frame_arp(frame, SL_HOST_NO_VLAN, OFP_ARP_OP_REQUEST,
                       "00:00:00:00:00:01", "10.0.0.1", NULL, "10.0.0.2");
    ah_trace(ah, 1, 3, frame, len, &tr);
    ck_assert_uint_eq(tr.n_out, 1);
    ck_assert_uint_eq(tr.out[0].port, 3);
    parse_ok(&pkt, tr.out[0].frame, tr.out[0].len);
    ck_assert_uint_eq(pkt.arp.op, OFP_ARP_OP_REPLY);
    ck_assert_uint_eq(pkt.arp.tpa, 0x0a000007);

    /* A missing port drops; LOCAL is recorded as itself. */
    ah_trace(ah, 1, 4, frame, len, &tr);
    ck_assert_uint_eq(tr.n_out, 1);
    ck_assert_uint_eq(tr.out[0].port, OFPP_LOCAL);
    ah_free(ah);
}
END_TEST

START_TEST(test_trace_hub)
{
    struct ah *ah = ah_new("hub", "{priority: 7}", NULL);
    struct ah_match m;
    uint8_t frame[1514];
    size_t len =
        ah_frame_udp4(frame, "00:00:00:00:00:02", "00:00:00:00:00:01",
                      SL_HOST_NO_VLAN, "10.0.0.1", "10.0.0.2", 5000, 53);
    const struct ah_packet_out *po;
    struct ah_trace tr;
    uint32_t port;
    size_t n;

    ck_assert_ptr_nonnull(ah);
    ck_assert_int_eq(ah_reconfigure(ah, NULL), ENOTSUP);
    ah_switch_add(ah, 1, 4);
    ah_emit_switch_up(ah, 1);
    ck_assert_uint_eq(ah_flow_count(ah, 1, 3), 1);
    ck_assert_ptr_nonnull(ah_flow_get(ah, 1, 3, 7, ah_match(&m, "")));
    ah_complete_flows(ah, 0);
    ck_assert(ah_log_contains(ah, "flood flow installed"));

    ah_trace(ah, 1, 2, frame, len, &tr);
    ck_assert_uint_eq(tr.n_tables, 4);
    ck_assert_uint_eq(tr.n_out, 3);
    ck_assert_uint_eq(tr.out[0].port, 1);
    ck_assert_uint_eq(tr.out[1].port, 3);
    ck_assert_uint_eq(tr.out[2].port, 4);

    ck_assert_int_eq(ah_emit_packet_in(ah, 1, 2, 3, frame, len), SL_STOP);
    po = ah_packet_outs(ah, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(po->in_port, 2);
    ck_assert_uint_eq(ah_packet_out_ports(po, &port, 1), 1);
    ck_assert_uint_eq(port, OFPP_FLOOD);
    ck_assert_uint_eq(po->len, len);
    ck_assert_mem_eq(po->data, frame, len);

    char *text = ah_metrics(ah);
    ck_assert_str_eq(text, "");
    free(text);
    ck_assert(isnan(ah_metric(ah, "anything", "")));
    ah_free(ah);
}
END_TEST

/* ---- REST ---- */

START_TEST(test_rest)
{
    struct ah *ah = probe_new(NULL);
    char *reply;

    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "", NULL, &reply), 200);
    ck_assert_str_eq(reply, "{\"app\": \"harness_probe\"}");
    free(reply);

    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/items/7?x=1&y", NULL, &reply),
                     200);
    ck_assert_ptr_nonnull(strstr(reply, "method=GET\n"));
    ck_assert_ptr_nonnull(strstr(reply, "path=/api/v1/apps/harness_probe/"
                                        "items/7\n"));
    ck_assert_ptr_nonnull(strstr(reply, "subpath=/items/7\n"));
    ck_assert_ptr_nonnull(strstr(reply, "query=x=1&y\n"));
    ck_assert_ptr_nonnull(strstr(reply, "params=id:7\n"));
    ck_assert_ptr_nonnull(strstr(reply, "body_len=0\nbody=\n"));
    free(reply);

    ck_assert_int_eq(
        ah_rest(ah, SL_REST_POST, "/items/7", "{\"a\": 1}", &reply), 200);
    ck_assert_ptr_nonnull(strstr(reply, "method=POST\n"));
    ck_assert_ptr_nonnull(strstr(reply, "query=\n"));
    ck_assert_ptr_nonnull(strstr(reply, "body_len=8\nbody={\"a\": 1}\n"));
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_DELETE, "/items/7", NULL, NULL), 200);

    /* Decoded segments; a bad escape. */
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/items/a%2Fb", NULL, &reply),
                     200);
    ck_assert_ptr_nonnull(strstr(reply, "params=id:a/b\n"));
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/items/%zz", NULL, &reply),
                     400);
    ck_assert_ptr_nonnull(strstr(reply, "\"error\""));
    free(reply);

    /* A literal beats a parameter; a tail takes the rest. */
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/items/special", NULL, &reply),
                     200);
    ck_assert_str_eq(reply, "special");
    free(reply);
    ck_assert_int_eq(
        ah_rest(ah, SL_REST_GET, "/files/a/b/c.txt", NULL, &reply), 200);
    ck_assert_ptr_nonnull(strstr(reply, "params=rest:a/b/c.txt\n"));
    free(reply);

    /* 404, 405. */
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/nothing", NULL, &reply), 404);
    ck_assert_ptr_nonnull(strstr(reply, "not found"));
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/items", NULL, NULL), 404);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/items/7/8", NULL, NULL), 404);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/items//", NULL, NULL), 404);
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/files", NULL, NULL), 404);
    ck_assert_int_eq(ah_rest(ah, SL_REST_PUT, "/items/7", NULL, &reply), 405);
    ck_assert_ptr_nonnull(strstr(reply, "method not allowed"));
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_DELETE, "", NULL, NULL), 405);

    /* No answer: 500, as the host. */
    ck_assert_int_eq(ah_rest(ah, SL_REST_GET, "/silent", NULL, &reply), 500);
    ck_assert(ah_log_contains(ah, "did not answer"));
    free(reply);
    ck_assert_int_eq(ah_rest(ah, SL_REST_POST, "/created", "", &reply), 201);
    ck_assert_str_eq(reply, "{}");
    free(reply);
    ah_free(ah);
}
END_TEST

static void
noop_handler(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    (void) ctx;
    (void) req;
    (void) aux;
}

/* The probe tries bad registrations in init and logs the results. */
START_TEST(test_registrations)
{
    struct ah *ah = probe_new(NULL);

    /* Patterns: no leading '/', empty segments, trailing '/', an open
     * brace, a parameter twice, a tail not last, a query, a bad name, a
     * brace in a literal; bad method masks; a route of the same shape
     * and methods; a second collector. */
    ck_assert(ah_log_contains(ah, "bad registrations: 22 22 22 22 22 22 "
                                  "22 22 22 22 22 17 0 17."));
    ck_assert_int_eq(
        phost->rest_route(pctx, SL_REST_GET, "/x", noop_handler, NULL),
        EINVAL);
    ah_free(ah);
}
END_TEST

/* ---- metrics ---- */

START_TEST(test_metrics)
{
    static const char want[] =
        "# HELP sluice_harness_probe_up Always 1.\\nTwo \\\\ lines.\n"
        "# TYPE sluice_harness_probe_up gauge\n"
        "sluice_harness_probe_up 1\n"
        "# HELP sluice_harness_probe_events_total Events seen.\n"
        "# TYPE sluice_harness_probe_events_total counter\n"
        "sluice_harness_probe_events_total{type=\"SWITCH_UP\"} 2\n"
        "# HELP sluice_harness_probe_labels Label values escaped.\n"
        "# TYPE sluice_harness_probe_labels gauge\n"
        "sluice_harness_probe_labels{a=\"q\\\"b\\\\n\\nx\",b=\"\"} 0.25\n";
    struct ah *ah = probe_new(NULL);
    char *text;

    ah_switch_add(ah, 1, 1);
    ah_emit_switch_up(ah, 1);
    ah_emit_switch_up(ah, 1);
    text = ah_metrics(ah);
    ck_assert_str_eq(text, want);
    free(text);
    ck_assert(ah_log_contains(ah, "before any family"));
    ck_assert(ah_log_contains(ah, "'bad-name' is invalid"));
    ck_assert(ah_log_contains(ah, "type 'histogram'"));
    ck_assert(ah_log_contains(ah, "label name '1x'"));
    /* Logged once. */
    ah_clear_log(ah);
    free(ah_metrics(ah));
    ck_assert(!ah_log_contains(ah, "bad-name"));

    ck_assert(ah_metric(ah, "up", "") == 1);
    ck_assert(ah_metric(ah, "sluice_harness_probe_up", "") == 1);
    ck_assert(ah_metric(ah, "events_total", "type=\"SWITCH_UP\"") == 2);
    ck_assert(ah_metric(ah, "labels", "a=\"q\\\"b\\\\n\\nx\",b=\"\"") == 0.25);
    ck_assert(isnan(ah_metric(ah, "up", "x=\"1\"")));
    ck_assert(isnan(ah_metric(ah, "events_total", "")));
    ck_assert(isnan(ah_metric(ah, "nope", "")));
    ck_assert(isnan(ah_metric(ah, "u", "")));
    ah_free(ah);
}
END_TEST

/* ---- timers ---- */

struct fired {
    int n;
    char who[16];
    double at[16];
    struct sl_timer *self;
    int cancel_after;
};

static void
timer_cb(struct sl_ctx *ctx, void *aux)
{
    struct fired *f = aux;

    if (f->n < 16) {
        f->at[f->n] = phost->now(ctx);
    }
    f->n++;
    if (f->cancel_after && f->n == f->cancel_after) {
        phost->timer_cancel(ctx, f->self); /* from inside: safe */
    }
}

START_TEST(test_timers)
{
    struct ah *ah = probe_new(NULL);
    struct fired rep = {0}, once = {0}, stop = {0};
    struct sl_timer *t;

    ck_assert(ah_now(ah) == 1000.0);
    ck_assert(phost->now(pctx) == 1000.0);
    ck_assert_ptr_null(phost->timer_add(pctx, 0, false, timer_cb, &once));
    ck_assert_ptr_null(phost->timer_add(pctx, -1, false, timer_cb, &once));
    ck_assert_ptr_null(phost->timer_add(pctx, NAN, false, timer_cb, &once));
    ck_assert_ptr_null(phost->timer_add(pctx, 2e9, false, timer_cb, &once));
    ck_assert_ptr_null(phost->timer_add(pctx, 1, false, NULL, &once));

    ck_assert_ptr_nonnull(phost->timer_add(pctx, 2, true, timer_cb, &rep));
    ck_assert_ptr_nonnull(phost->timer_add(pctx, 1, false, timer_cb, &once));
    stop.cancel_after = 2;
    stop.self = phost->timer_add(pctx, 0.5, true, timer_cb, &stop);
    ck_assert_ptr_nonnull(stop.self);
    t = phost->timer_add(pctx, 0.25, false, timer_cb, &once);
    phost->timer_cancel(pctx, t);
    phost->timer_cancel(pctx, NULL);

    ah_advance(ah, 0.9);
    ck_assert(ah_now(ah) == 1000.9);
    ck_assert_int_eq(stop.n, 1);
    ck_assert_int_eq(once.n, 0);
    ah_advance(ah, 4.1);
    ck_assert(ah_now(ah) == 1005.0);
    ck_assert_int_eq(once.n, 1);
    ck_assert(once.at[0] == 1001.0);
    ck_assert_int_eq(rep.n, 2);
    ck_assert(rep.at[0] == 1002.0);
    ck_assert(rep.at[1] == 1004.0);
    ck_assert_int_eq(stop.n, 2);
    ck_assert(stop.at[1] == 1001.0);
    ah_advance(ah, 1);
    ck_assert_int_eq(rep.n, 3);
    ck_assert_int_eq(once.n, 1);
    ah_advance(ah, 0);
    ck_assert_int_eq(rep.n, 3);
    ah_free(ah);

    /* The probe's own ticker. */
    ah = probe_new("{tick: 1}");
    ah_advance(ah, 2.5);
    ck_assert(ah_log_contains(ah, "tick at 1001.000"));
    ck_assert(ah_log_contains(ah, "tick at 1002.000"));
    ck_assert(!ah_log_contains(ah, "tick at 1003.000"));
    ah_free(ah);
}
END_TEST

/* ---- frames and matches ---- */

START_TEST(test_frames)
{
    uint8_t f[1514], target[16], mac[6];
    struct ofp_packet pkt;
    size_t len;

    len = ah_frame_eth(f, "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:01", 5, 0x88b5,
                       46);
    ck_assert_uint_eq(len, 64);
    parse_ok(&pkt, f, len);
    ck_assert_uint_eq(pkt.n_vlans, 1);
    ck_assert_uint_eq(pkt.vlans[0].vid, 5);
    ck_assert_uint_eq(pkt.vlans[0].tpid, 0x8100);
    ck_assert_uint_eq(pkt.eth_type, 0x88b5);

    len =
        ah_frame_arp(f, SL_HOST_NO_VLAN, OFP_ARP_OP_REPLY, "00:00:00:00:00:01",
                     "10.0.0.1", "00:00:00:00:00:02", "10.0.0.2");
    ck_assert_uint_eq(len, 42);
    parse_ok(&pkt, f, len);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_ARP);
    ck_assert_uint_eq(pkt.arp.op, OFP_ARP_OP_REPLY);
    ck_assert_uint_eq(pkt.arp.spa, 0x0a000001);
    ck_assert_uint_eq(pkt.arp.tpa, 0x0a000002);
    ck_assert_uint_eq(pkt.eth_dst[5], 2);
    ck_assert_uint_eq(pkt.arp.sha[5], 1);
    len = ah_frame_arp(f, 7, OFP_ARP_OP_REQUEST, "00:00:00:00:00:01",
                       "10.0.0.1", NULL, "10.0.0.2");
    parse_ok(&pkt, f, len);
    ck_assert_uint_eq(pkt.eth_dst[0], 0xff);
    ck_assert_uint_eq(pkt.arp.tha[0], 0);
    ck_assert_uint_eq(pkt.vlans[0].vid, 7);

    len = ah_frame_icmp4(f, "00:00:00:00:00:02", "00:00:00:00:00:01", 3,
                         "10.0.0.1", "10.0.0.2", 17, 8, 0);
    parse_ok(&pkt, f, len);
    ck_assert_uint_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_ICMP);
    ck_assert_uint_eq(pkt.ip.ttl, 17);
    ck_assert_uint_eq(pkt.icmp.type, 8);
    ck_assert_uint_eq(pkt.ipv4.src, 0x0a000001);
    ck_assert(ipv4_ok(f + pkt.l3_ofs));
    ck_assert(l4_ok(&pkt));
    len = ah_frame_icmp4(f, "00:00:00:00:00:02", "00:00:00:00:00:01",
                         SL_HOST_NO_VLAN, "10.0.0.1", "10.0.0.2", 64, 3, 1);
    parse_ok(&pkt, f, len);
    ck_assert_uint_eq(pkt.icmp.code, 1);
    ck_assert(l4_ok(&pkt));

    len = ah_frame_tcp4(f, "00:00:00:00:00:02", "00:00:00:00:00:01",
                        SL_HOST_NO_VLAN, "192.168.1.1", "192.168.1.2", 40000,
                        22);
    parse_ok(&pkt, f, len);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_TCP);
    ck_assert_uint_eq(pkt.tp_src, 40000);
    ck_assert_uint_eq(pkt.tp_dst, 22);
    ck_assert_uint_eq(pkt.tcp.flags, OFP_TCP_SYN);
    ck_assert(ipv4_ok(f + pkt.l3_ofs));
    ck_assert(l4_ok(&pkt));

    len = ah_frame_udp4(f, "00:00:00:00:00:02", "00:00:00:00:00:01", 4094,
                        "10.0.0.1", "10.0.0.2", 68, 67);
    parse_ok(&pkt, f, len);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_UDP);
    ck_assert_uint_eq(pkt.tp_dst, 67);
    ck_assert_uint_eq(pkt.udp_len, 16);
    ck_assert(ipv4_ok(f + pkt.l3_ofs));
    ck_assert(l4_ok(&pkt));

    len = ah_frame_icmp6(f, "33:33:ff:00:00:02", "00:00:00:00:00:01",
                         SL_HOST_NO_VLAN, "fe80::1", "ff02::1:ff00:2", 255,
                         OFP_ICMPV6_ND_NS, "2001:db8::2", "00:00:00:00:00:01");
    parse_ok(&pkt, f, len);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_ICMPV6);
    ck_assert_uint_eq(pkt.icmp.type, OFP_ICMPV6_ND_NS);
    ck_assert_uint_eq(pkt.ip.ttl, 255);
    ah_ipv6("2001:db8::2", target);
    ck_assert_mem_eq(pkt.nd.target, target, 16);
    ah_mac("00:00:00:00:00:01", mac);
    ck_assert_ptr_nonnull(pkt.nd.sll);
    ck_assert_mem_eq(pkt.nd.sll, mac, 6);
    ck_assert(l4_ok(&pkt));

    len = ah_frame_icmp6(f, "00:00:00:00:00:01", "00:00:00:00:00:02", 9,
                         "2001:db8::2", "2001:db8::1", 255, OFP_ICMPV6_ND_NA,
                         "2001:db8::2", "00:00:00:00:00:02");
    parse_ok(&pkt, f, len);
    ck_assert_uint_eq(pkt.icmp.type, OFP_ICMPV6_ND_NA);
    ck_assert_ptr_nonnull(pkt.nd.tll);
    ck_assert_uint_eq(pkt.nd.na_flags & OFP_ND_NA_SOLICITED,
                      OFP_ND_NA_SOLICITED);
    ck_assert(l4_ok(&pkt));

    len = ah_frame_icmp6(f, "00:00:00:00:00:01", "00:00:00:00:00:02",
                         SL_HOST_NO_VLAN, "2001:db8::2", "2001:db8::1", 64,
                         128, NULL, NULL);
    parse_ok(&pkt, f, len);
    ck_assert_uint_eq(pkt.icmp.type, 128);
    ck_assert_uint_eq(pkt.ip.ttl, 64);
    ck_assert(l4_ok(&pkt));
    /* A wrong checksum is seen as wrong. */
    f[len - 1] ^= 1;
    ck_assert(!l4_ok(&pkt));
}
END_TEST

START_TEST(test_addresses)
{
    uint8_t mac[6], a6[16];

    ah_mac("aa:BB:0c:dd:ee:0f", mac);
    ck_assert_uint_eq(mac[0], 0xaa);
    ck_assert_uint_eq(mac[1], 0xbb);
    ck_assert_uint_eq(mac[5], 0x0f);
    ck_assert_uint_eq(ah_ipv4("10.1.2.3"), 0x0a010203);
    ah_ipv6("2001:db8::1", a6);
    ck_assert_uint_eq(a6[0], 0x20);
    ck_assert_uint_eq(a6[15], 1);
}
END_TEST

START_TEST(test_match_text)
{
    struct ah_match m;
    const struct ofp_match *mm;
    const struct ofp_oxm *o;

    mm = ah_match(&m, "in_port=3, eth_dst=aa:bb:cc:00:00:00/"
                      "ff:ff:ff:00:00:00,vlan_vid=0x1000/0x1000,"
                      "eth_type=0x0800,ipv4_src=10.0.0.0/8,"
                      "ipv4_dst=10.1.0.0/255.255.0.0,ip_proto=6,tcp_dst=80");
    ck_assert_ptr_eq(mm, &m.match);
    ck_assert_uint_eq(mm->type, OFPMT_OXM);
    ck_assert_uint_eq(mm->n_oxms, 8);
    ck_assert_int_eq(ofp_match_check(mm), 0);
    o = ofp_match_find(mm, OFPXMT_OFB_IN_PORT);
    ck_assert_uint_eq(o->value.u32, 3);
    ck_assert(!o->has_mask);
    o = ofp_match_find(mm, OFPXMT_OFB_ETH_DST);
    ck_assert(o->has_mask);
    ck_assert_uint_eq(o->value.mac[0], 0xaa);
    ck_assert_uint_eq(o->mask.mac[2], 0xff);
    ck_assert_uint_eq(o->mask.mac[3], 0);
    o = ofp_match_find(mm, OFPXMT_OFB_VLAN_VID);
    ck_assert_uint_eq(o->value.u16, 0x1000);
    ck_assert_uint_eq(o->mask.u16, 0x1000);
    o = ofp_match_find(mm, OFPXMT_OFB_IPV4_SRC);
    ck_assert_uint_eq(o->value.u32, 0x0a000000);
    ck_assert_uint_eq(o->mask.u32, 0xff000000);
    o = ofp_match_find(mm, OFPXMT_OFB_IPV4_DST);
    ck_assert_uint_eq(o->mask.u32, 0xffff0000);
    o = ofp_match_find(mm, OFPXMT_OFB_TCP_DST);
    ck_assert_uint_eq(o->value.u16, 80);

    mm = ah_match(&m, "eth_type=0x86dd,ipv6_dst=2001:db8::/33");
    o = ofp_match_find(mm, OFPXMT_OFB_IPV6_DST);
    ck_assert(o->has_mask);
    ck_assert_uint_eq(o->value.ipv6[1], 0x01);
    ck_assert_uint_eq(o->mask.ipv6[3], 0xff);
    ck_assert_uint_eq(o->mask.ipv6[4], 0x80);
    ck_assert_uint_eq(o->mask.ipv6[5], 0);
    ck_assert_int_eq(ofp_match_check(mm), 0);

    mm = ah_match(&m, "eth_type=0x0806,arp_tpa=10.0.0.1,arp_op=1,"
                      "metadata=0xffffffffffffffff");
    ck_assert_uint_eq(mm->n_oxms, 4);
    ck_assert_uint_eq(ofp_match_find(mm, OFPXMT_OFB_ARP_TPA)->value.u32,
                      0x0a000001);
    ck_assert_uint_eq(ofp_match_find(mm, OFPXMT_OFB_METADATA)->value.u64,
                      UINT64_MAX);
    mm = ah_match(&m, "");
    ck_assert_uint_eq(mm->n_oxms, 0);
    mm = ah_match(&m, "  ");
    ck_assert_uint_eq(mm->n_oxms, 0);
}
END_TEST

static Suite *
app_harness_suite(void)
{
    Suite *s = suite_create("app-harness");
    TCase *tc = tcase_create("harness");

    tcase_add_test(tc, test_lifecycle);
    tcase_add_test(tc, test_failed_start);
    tcase_add_test(tc, test_setup_only_calls);
    tcase_add_test(tc, test_switches_and_tables);
    tcase_add_test(tc, test_events);
    tcase_add_test(tc, test_packet_in);
    tcase_add_test(tc, test_torus_paths);
    tcase_add_test(tc, test_torus_tree);
    tcase_add_test(tc, test_hosts);
    tcase_add_test(tc, test_flow_identity);
    tcase_add_test(tc, test_flow_validation);
    tcase_add_test(tc, test_flow_completions);
    tcase_add_test(tc, test_packet_out_and_send);
    tcase_add_test(tc, test_trace_routed);
    tcase_add_test(tc, test_trace_vlan_and_flood);
    tcase_add_test(tc, test_trace_metadata_and_action_set);
    tcase_add_test(tc, test_trace_rewrites);
    tcase_add_test(tc, test_trace_hub);
    tcase_add_test(tc, test_rest);
    tcase_add_test(tc, test_registrations);
    tcase_add_test(tc, test_metrics);
    tcase_add_test(tc, test_timers);
    tcase_add_test(tc, test_frames);
    tcase_add_test(tc, test_addresses);
    tcase_add_test(tc, test_match_text);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(app_harness_suite());
}
