/* test-topo: libcheck tests for topology/topo (the topology service core:
 * discovery, links, port roles, the flooding tree, paths, hosts) and for
 * the topology side of apps/l2_learning.
 *
 * Runs on the test-api fixture with the topology service on: a real
 * controller and fake switches in one event loop.  Links are made as a
 * network makes them: the probe the controller sends out of one port is
 * carried as a PACKET_IN to the other end (tapi_lldp_pass()).  The LLDP key
 * is set by the config, so the tests check the probes the controller sends
 * and forge their own (stale, future, for unknown ports, with the latency
 * they want).  Every event the topology publishes is recorded by an
 * observer chained in front of the REST API's, with a snapshot of what the
 * topology said at that moment. */
#include <config.h>
#include "topology/topo.h"

#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/bufferevent.h>
#include "controller/util.h"
#include "ofproto/ofp-match.h"
#include "ofproto/ofp-packet.h"
#include "test/test-api.h"
#include "test/test-loop.h"
#include "test/test-util.h"
#include "topology/lldp.h"

#define LOOP_UNTIL(COND) TEST_LOOP_UNTIL(tapi.base, COND, FSW_STEP_TIMEOUT)

/* The LLDP key of every test's controller. */
#define KEY "sluice-test-topo-key-0123456789abcdef"

#define NOVLAN SL_HOST_NO_VLAN

/* The topology's wall-clock stamps come from the event loop's cached time,
 * which is derived from a coarse monotonic clock: allow for the
 * difference. */
#define WALL_SLACK 1.0

/* ---- the topology under test ---- */

static struct topo_lldp_key *key;   /* the controller's, ours too */
static bool fixture_up;             /* teardown() has work to do */

static struct topo *
T(void)
{
    return tapi.ctl.topo;
}

static const struct topo_stats *
ST(void)
{
    return topo_stats(tapi.ctl.topo);
}

static enum sl_port_role
role(uint64_t dpid, uint32_t port_no)
{
    return topo_port_role(tapi.ctl.topo, dpid, port_no);
}

static const char *
role_name(enum sl_port_role r)
{
    switch (r) {
    case SL_PORT_NONE:
        return "none";
    case SL_PORT_PENDING:
        return "pending";
    case SL_PORT_EDGE:
        return "edge";
    case SL_PORT_TREE:
        return "tree";
    case SL_PORT_BLOCKED:
        return "blocked";
    default:
        return "?";
    }
}

static uint64_t
mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* ---- the events, as the REST event stream would see them ---- */

#define MAX_RECS 8192
#define SNAP_PORTS 8 /* SWITCH_UP snapshots the roles of ports 1..8 */

struct rec {
    enum sl_event_type type;
    uint64_t dpid;
    uint64_t mono_ns;          /* when it was published */
    uint64_t probes_sent;      /* topo_stats() then */
    uint64_t version;          /* topo_version() then */
    uint32_t port_no;          /* PORT_UP, PORT_DOWN */
    enum sl_port_role role;    /* PORT_UP, PORT_DOWN: the port's then */
    enum sl_port_role roles[SNAP_PORTS + 1]; /* SWITCH_UP: [0] LOCAL */
    bool flood_all;            /* SWITCH_UP */
    struct sl_link link;       /* LINK_UP, LINK_DOWN */
    char reason[32];           /* LINK_DOWN ("" when NULL) */
    bool has_reason;
    struct sl_topo_host host;  /* HOST_* */
    uint64_t old_dpid;         /* HOST_MOVE */
    uint32_t old_port;
    size_t n_tree_links;       /* TREE_CHANGED */
    size_t n_switches;
    size_t n_flood;            /* PORT_UP: topo_flood_ports() of its switch */
    /* Every event: topo_flood_all() of switches 1..4, and whether one of
     * their ports 1..8 was BLOCKED. */
    bool flood_all_of[5];
    bool blocked_of[5];
};

static struct rec recs[MAX_RECS];
static size_t n_recs;
static sl_controller_observer *chained;
static void *chained_aux;

static void
watch(void *aux, const struct sl_event *ev, const char *detail)
{
    if (ev->type >= SL_EV_PORT_UP || ev->type == SL_EV_SWITCH_UP) {
        ck_assert_uint_lt(n_recs, MAX_RECS);
        struct rec *r = &recs[n_recs++];

        memset(r, 0, sizeof *r);
        r->type = ev->type;
        r->dpid = ev->dpid;
        r->mono_ns = mono_ns();
        r->probes_sent = ST()->probes_sent;
        r->version = topo_version(T());
        for (uint64_t d = 1; d <= 4; d++) {
            r->flood_all_of[d] = topo_flood_all(T(), d);
            for (uint32_t p = 1; p <= SNAP_PORTS; p++) {
                r->blocked_of[d] |= role(d, p) == SL_PORT_BLOCKED;
            }
        }
        switch (ev->type) {
        case SL_EV_SWITCH_UP:
            r->roles[0] = role(ev->dpid, OFPP_LOCAL);
            for (uint32_t p = 1; p <= SNAP_PORTS; p++) {
                r->roles[p] = role(ev->dpid, p);
            }
            r->flood_all = topo_flood_all(T(), ev->dpid);
            break;
        case SL_EV_PORT_UP:
        case SL_EV_PORT_DOWN:
            r->port_no = ev->port.port->port_no;
            r->role = role(ev->dpid, r->port_no);
            r->n_flood = topo_flood_ports(T(), ev->dpid, NULL, 0);
            break;
        case SL_EV_LINK_UP:
        case SL_EV_LINK_DOWN:
            r->link = *ev->link.link;
            r->has_reason = ev->link.reason != NULL;
            snprintf(r->reason, sizeof r->reason, "%s",
                     ev->link.reason ? ev->link.reason : "");
            break;
        case SL_EV_HOST_ADD:
        case SL_EV_HOST_MOVE:
        case SL_EV_HOST_REMOVE:
            r->host = *ev->host.host;
            r->old_dpid = ev->host.old_dpid;
            r->old_port = ev->host.old_port;
            break;
        case SL_EV_TREE_CHANGED:
            r->n_tree_links = ev->tree.n_tree_links;
            r->n_switches = ev->tree.n_switches;
            break;
        default:
            break;
        }
    }
    if (chained != NULL) {
        chained(chained_aux, ev, detail);
    }
}

static const char *
ev_name(enum sl_event_type type)
{
    static const char *const names[SL_EV_N_TYPES] = {
        [SL_EV_SWITCH_UP] = "SWITCH_UP",
        [SL_EV_PORT_UP] = "PORT_UP",
        [SL_EV_PORT_DOWN] = "PORT_DOWN",
        [SL_EV_LINK_UP] = "LINK_UP",
        [SL_EV_LINK_DOWN] = "LINK_DOWN",
        [SL_EV_HOST_ADD] = "HOST_ADD",
        [SL_EV_HOST_MOVE] = "HOST_MOVE",
        [SL_EV_HOST_REMOVE] = "HOST_REMOVE",
        [SL_EV_TREE_CHANGED] = "TREE_CHANGED",
    };

    return (type < SL_EV_N_TYPES && names[type] ? names[type] : "?");
}

/* How many events of 'type' were recorded from index 'from' on. */
static size_t
count_from(size_t from, enum sl_event_type type)
{
    size_t n = 0;

    for (size_t i = from; i < n_recs; i++) {
        n += recs[i].type == type;
    }
    return n;
}

static size_t
count(enum sl_event_type type)
{
    return count_from(0, type);
}

/* How many port, link and host events were recorded from index 'from' on
 * (not TREE_CHANGED: the tree is computed a little later). */
static size_t
count_changes_from(size_t from)
{
    size_t n = 0;

    for (size_t i = from; i < n_recs; i++) {
        n += recs[i].type >= SL_EV_PORT_UP
             && recs[i].type != SL_EV_TREE_CHANGED;
    }
    return n;
}

/* The last event of 'type' (fails if there is none). */
static const struct rec *
last(enum sl_event_type type)
{
    for (size_t i = n_recs; i-- > 0;) {
        if (recs[i].type == type) {
            return &recs[i];
        }
    }
    ck_abort_msg("no event of type %d", (int) type);
    return NULL;
}

/* The event of 'type' about link src:sp -> dst:dp from index 'from' on, or
 * NULL. */
static const struct rec *
find_link_ev(size_t from, enum sl_event_type type, uint64_t src, uint32_t sp,
             uint64_t dst, uint32_t dp)
{
    for (size_t i = from; i < n_recs; i++) {
        const struct sl_link *l = &recs[i].link;
        if (recs[i].type == type && l->src_dpid == src && l->src_port == sp
            && l->dst_dpid == dst && l->dst_port == dp) {
            return &recs[i];
        }
    }
    return NULL;
}

/* Asserts that link src:sp -> dst:dp went (from event index 'from' on)
 * for 'reason', one of those sluice/event.h documents. */
static void
assert_link_down(size_t from, uint64_t src, uint32_t sp, uint64_t dst,
                 uint32_t dp, const char *reason)
{
    const struct rec *r = find_link_ev(from, SL_EV_LINK_DOWN, src, sp, dst,
                                       dp);

    ck_assert_msg(r != NULL, "no LINK_DOWN of %" PRIx64 ":%" PRIu32
                  " -> %" PRIx64 ":%" PRIu32, src, sp, dst, dp);
    ck_assert_uint_eq(r->dpid, src);
    ck_assert(r->has_reason);
    ck_assert_msg(!strcmp(r->reason, reason),
                  "LINK_DOWN of %" PRIx64 ":%" PRIu32 " -> %" PRIx64
                  ":%" PRIu32 ": reason \"%s\", want \"%s\"", src, sp, dst,
                  dp, r->reason, reason);
}

/* ---- set-up ---- */

/* Sets up the fixture with the topology section 'topology' (a YAML flow
 * mapping) and 'apps' (as tapi_setup()), our observer in front of the REST
 * API's. */
static void
setup_raw(const char *apps, const char *topology)
{
    tapi_setup_topo(NULL, apps, topology);
    fixture_up = true;
    ck_assert_ptr_nonnull(T());
    n_recs = 0;
    chained = tapi.ctl.observer;
    chained_aux = tapi.ctl.observer_aux;
    sl_controller_set_observer(&tapi.ctl, watch, NULL);
    key = topo_lldp_key_create(KEY, strlen(KEY));
    ck_assert_ptr_nonnull(key);
}

/* Sets up the fixture with the topology: probes every 'interval' s, links
 * aging after 'timeout' s, more of the topology section in 'extra' (NULL:
 * none); 'apps' as tapi_setup(). */
static void
setup(const char *apps, double interval, double timeout, const char *extra)
{
    char cfg[512];

    snprintf(cfg, sizeof cfg,
             "{lldp_interval: %g, link_timeout: %g, lldp_key: \"%s\"%s%s}",
             interval, timeout, KEY, extra ? ", " : "", extra ? extra : "");
    setup_raw(apps, cfg);
}

/* The usual: a probe per port every 0.2 s, links that do not age. */
static void
setup_std(const char *apps)
{
    setup(apps, 0.2, 60, NULL);
}

static void
teardown(void)
{
    if (!fixture_up) {
        return;
    }
    fixture_up = false;
    sl_controller_set_observer(&tapi.ctl, chained, chained_aux);
    chained = NULL;
    chained_aux = NULL;
    tapi_teardown();
    topo_lldp_key_destroy(key);
    key = NULL;
}

/* ---- switches ---- */

/* A switch with the fake switch's ports (1, 2, 3 and LOCAL), settled. */
static struct fsw *
sw_up(uint64_t dpid)
{
    struct fsw *s = tapi_switch(dpid);

    s->auto_echo = true;
    return s;
}

/* Port 'no' ("eth<no>") with 'state' and 'config'. */
static struct ofp_port
mkport(uint32_t no, uint32_t state, uint32_t config)
{
    char name[16];
    struct ofp_port p;

    if (no == OFPP_LOCAL) {
        snprintf(name, sizeof name, "br0");
    } else {
        snprintf(name, sizeof name, "eth%" PRIu32, no);
    }
    p = fsw_make_port(no, name);
    p.state = state;
    p.config = config;
    return p;
}

/* Connects a switch 'dpid' whose PORT_DESC reply is the 'n' 'ports', up to
 * READY; nothing after the handshake is read (tapi_settle() it, or read
 * its probes). */
static struct fsw *
sw_up_ports(uint64_t dpid, const struct ofp_port *ports, size_t n)
{
    struct ofp_port copy[64];
    struct ofp_msg m;
    char name[32];
    uint32_t xid, pd_xid = 0, desc_xid = 0;

    ck_assert_uint_le(n, 64);
    memcpy(copy, ports, n * sizeof *ports);
    snprintf(name, sizeof name, "sw%" PRIx64, dpid);
    struct fsw *s = fsw_connect(name, NULL, NULL);
    s->auto_echo = true;
    fsw_hello(s, &xid);
    fsw_send_features(s, xid, dpid, 0);
    fsw_expect(s, OFPT_SET_CONFIG, &m);
    for (int i = 0; i < 2; i++) {
        fsw_expect(s, OFPT_MULTIPART_REQUEST, &m);
        if (m.mp_request.type == OFPMP_PORT_DESC) {
            pd_xid = m.xid;
        } else {
            ck_assert_uint_eq(m.mp_request.type, OFPMP_DESC);
            desc_xid = m.xid;
        }
    }
    fsw_send_port_desc(s, pd_xid, copy, n, false);
    fsw_send_desc(s, desc_xid);
    ck_assert_msg(LOOP_UNTIL(sl_datapaths_find(&tapi.ctl.dps, dpid) == s->dp),
                  "switch %" PRIx64 " did not become ready", dpid);
    return s;
}

/* Closes the switch end of 's': the controller sees the session end. */
static void
sw_disconnect(struct fsw *s)
{
    bufferevent_free(s->bev);
    s->bev = NULL;
}

/* Reads what the controller sends to 's' for 'secs' seconds (0: what
 * already arrived), answering it; 'fn' (if not NULL) sees each message
 * first. */
static void
pump(struct fsw *s, double secs,
     void (*fn)(struct fsw *, const struct ofp_msg *, void *), void *aux)
{
    double end = test_loop_now() + secs;

    event_base_loop(tapi.base, EVLOOP_NONBLOCK);
    for (;;) {
        struct ofp_msg m;

        if (s->next >= s->n_rx) {
            double left = end - test_loop_now();
            if (left <= 0) {
                return;
            }
            TEST_LOOP_UNTIL(tapi.base, s->next < s->n_rx, left);
            continue;
        }
        fsw_next(s, &m);
        if (fn != NULL) {
            fn(s, &m, aux);
        }
        tapi_answer(s, &m);
    }
}

/* Forgets what the controller sent to 's' so far (old probes). */
static void
drain(struct fsw *s)
{
    pump(s, 0, NULL, NULL);
}

/* Waits until port 'port_no' of 'dpid' has role 'want'. */
static void
wait_role(uint64_t dpid, uint32_t port_no, enum sl_port_role want)
{
    ck_assert_msg(LOOP_UNTIL(role(dpid, port_no) == want),
                  "port %" PRIu32 " of %" PRIx64 ": %s, want %s", port_no,
                  dpid, role_name(role(dpid, port_no)), role_name(want));
}

/* Sends a PORT_STATUS 'reason' for port 'no' ('state', 'config') and waits
 * until the controller read it. */
static void
port_status(struct fsw *s, uint8_t reason, uint32_t no, uint32_t state,
            uint32_t config)
{
    uint64_t before = tapi.ctl.dps.rx_by_type[OFPT_PORT_STATUS];
    struct ofp_msg m;

    ofp_msg_init(&m, OFPT_PORT_STATUS, 0);
    m.port_status.reason = reason;
    m.port_status.desc = mkport(no, state, config);
    fsw_send(s, &m);
    ck_assert_msg(LOOP_UNTIL(tapi.ctl.dps.rx_by_type[OFPT_PORT_STATUS]
                             > before),
                  "the controller did not read a PORT_STATUS");
}

/* Port 'no' of 's' loses its link (LINK_DOWN) or gets it back. */
static void
port_set(struct fsw *s, uint32_t no, bool up)
{
    port_status(s, OFPPR_MODIFY, no, up ? 0 : OFPPS_LINK_DOWN, 0);
}

/* Builds a PACKET_IN of 'frame' in at 'in_port' into 'm' (with 'oxm'),
 * from table l2 (a table miss), cookie 0. */
static void
packet_in_msg(struct ofp_msg *m, struct ofp_oxm *oxm, uint32_t in_port,
              const void *frame, size_t len)
{
    ck_assert(ofp_oxm_init_basic(oxm, OFPXMT_OFB_IN_PORT));
    oxm->value.u32 = in_port;
    ofp_msg_init(m, OFPT_PACKET_IN, 0);
    m->packet_in.buffer_id = OFP_NO_BUFFER;
    m->packet_in.total_len = (uint16_t) len;
    m->packet_in.reason = OFPR_NO_MATCH;
    m->packet_in.table_id = SL_TABLE_L2;
    m->packet_in.match.n_oxms = 1;
    m->packet_in.match.oxms = oxm;
    m->packet_in.data = frame;
    m->packet_in.len = len;
}

/* Sends 'frame' up from 's':'in_port' as a PACKET_IN from table
 * 'table_id' of a flow with 'cookie'; waits until the controller read
 * it. */
static void
packet_in_from(struct fsw *s, uint32_t in_port, const void *frame,
               size_t len, uint8_t table_id, uint64_t cookie)
{
    uint64_t before = tapi.ctl.dps.rx_by_type[OFPT_PACKET_IN];
    struct ofp_oxm oxm;
    struct ofp_msg m;

    packet_in_msg(&m, &oxm, in_port, frame, len);
    m.packet_in.reason = OFPR_ACTION;
    m.packet_in.table_id = table_id;
    m.packet_in.cookie = cookie;
    fsw_send(s, &m);
    ck_assert(LOOP_UNTIL(tapi.ctl.dps.rx_by_type[OFPT_PACKET_IN] > before));
}

/* ---- LLDP ---- */

/* What a probe says. */
struct probe {
    uint64_t dpid;
    uint32_t port_no;
    uint64_t ts;
};

/* Parses 'frame' and checks it with our key. */
static enum topo_lldp_verdict
probe_verify(const uint8_t *frame, size_t len, struct probe *p)
{
    struct ofp_packet pkt;

    memset(p, 0, sizeof *p);
    ofp_packet_parse(&pkt, frame, len);
    ck_assert_uint_ge(pkt.layer, OFP_PACKET_L2);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_LLDP);
    return topo_lldp_probe_verify(key, &pkt, &p->dpid, &p->port_no, &p->ts);
}

/* Forges a probe of dpid:port stamped 'ts' with 'k' into 'frame'. */
static size_t
forge(uint8_t *frame, size_t size, struct topo_lldp_key *k, uint64_t dpid,
      uint32_t port_no, uint64_t ts)
{
    uint8_t mac[6] = {0, 0, 0, 0, 0, (uint8_t) port_no};
    struct ofp_wbuf b;

    ofp_wbuf_use_fixed(&b, frame, size);
    ck_assert_int_eq(topo_lldp_probe_build(k, &b, mac, dpid, port_no, "ethX",
                                           ts),
                     0);
    ck_assert(!b.overflow);
    return b.len;
}

/* Delivers a probe of dpid:port forged with our key, 'age' seconds old
 * (negative: from the future), as a PACKET_IN on 'to':'to_port'. */
static void
forge_pass(uint64_t dpid, uint32_t port_no, double age, struct fsw *to,
           uint32_t to_port)
{
    uint8_t frame[TOPO_LLDP_MAX_FRAME];
    uint64_t ts = mono_ns() - (uint64_t) (int64_t) (age * 1e9);

    size_t len = forge(frame, sizeof frame, key, dpid, port_no, ts);
    tapi_packet_in(to, to_port, frame, len);
}

/* ---- frames from hosts ---- */

static void
mac_of(uint8_t mac[6], uint32_t n)
{
    mac[0] = 0x02;
    mac[1] = 0x00;
    mac[2] = (uint8_t) (n >> 24);
    mac[3] = (uint8_t) (n >> 16);
    mac[4] = (uint8_t) (n >> 8);
    mac[5] = (uint8_t) n;
}

/* Writes an Ethernet header (with an 802.1Q tag unless 'vlan' is NOVLAN)
 * from 'src' to 'dst' (NULL: broadcast); returns its length. */
static size_t
eth_hdr(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t vlan,
        uint16_t type)
{
    size_t n = 12;

    if (dst != NULL) {
        memcpy(f, dst, 6);
    } else {
        memset(f, 0xff, 6);
    }
    memcpy(f + 6, src, 6);
    if (vlan != NOVLAN) {
        f[n++] = 0x81;
        f[n++] = 0x00;
        f[n++] = (uint8_t) (vlan >> 8);
        f[n++] = (uint8_t) vlan;
    }
    f[n++] = (uint8_t) (type >> 8);
    f[n++] = (uint8_t) type;
    return n;
}

/* An ARP request from 'mac' / 'spa' (host order) on 'vlan', padded. */
static size_t
arp_frame(uint8_t *f, const uint8_t *mac, uint32_t spa, uint16_t vlan)
{
    size_t n;

    memset(f, 0, 64);
    n = eth_hdr(f, NULL, mac, vlan, OFP_ETH_TYPE_ARP);
    memcpy(f + n, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
    memcpy(f + n + 8, mac, 6);
    ofp_store_be32(f + n + 14, spa);
    ofp_store_be32(f + n + 24, 0x0a0000fe);
    return n + 28 < 60 ? 60 : n + 28;
}

/* An IPv4 UDP datagram from 'mac' / 'src' to 'dst_mac' (NULL: broadcast). */
static size_t
udp4_frame(uint8_t *f, const uint8_t *mac, uint32_t src,
           const uint8_t *dst_mac)
{
    size_t n;

    memset(f, 0, 64);
    n = eth_hdr(f, dst_mac, mac, NOVLAN, OFP_ETH_TYPE_IPV4);
    f[n] = 0x45;
    ofp_store_be16(f + n + 2, 28);
    f[n + 8] = 64;
    f[n + 9] = 17;
    ofp_store_be32(f + n + 12, src);
    ofp_store_be32(f + n + 16, 0x0a0000fe);
    ofp_store_be16(f + n + 20, 12345);
    ofp_store_be16(f + n + 22, 53);
    ofp_store_be16(f + n + 24, 8);
    return n + 28 < 60 ? 60 : n + 28;
}

/* An ICMPv6 Neighbor Solicitation ('type' 135) or Advertisement (136)
 * from 'mac' / 'src' about 'target'. */
static size_t
nd_frame(uint8_t *f, const uint8_t *mac, uint8_t type, const uint8_t *src,
         const uint8_t *target)
{
    size_t n;

    memset(f, 0, 96);
    n = eth_hdr(f, NULL, mac, NOVLAN, OFP_ETH_TYPE_IPV6);
    f[n] = 0x60;
    ofp_store_be16(f + n + 4, 24);
    f[n + 6] = 58;
    f[n + 7] = 255;
    memcpy(f + n + 8, src, 16);
    memcpy(f + n + 24, "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff\0\0\x01", 16);
    n += 40;
    f[n] = type;
    memcpy(f + n + 8, target, 16);
    return n + 24;
}

static void
ip6(uint8_t a[16], uint16_t first, uint16_t last)
{
    memset(a, 0, 16);
    ofp_store_be16(a, first);
    ofp_store_be16(a + 14, last);
}

/* Sends an ARP request of host 'mac' / 'spa' up from 's':'port'. */
static void
send_arp(struct fsw *s, uint32_t port, const uint8_t *mac, uint32_t spa,
         uint16_t vlan)
{
    uint8_t f[64];
    size_t len = arp_frame(f, mac, spa, vlan);

    tapi_packet_in(s, port, f, len);
}

static const struct sl_topo_host *
host(const uint8_t *mac, uint16_t vlan)
{
    return topo_host_find(T(), mac, vlan);
}

/* ---- reading what the apps send ---- */

/* A PACKET_OUT an app sent (not a probe). */
struct pout {
    uint32_t in_port;
    size_t n_out;
    uint32_t out[16];
    size_t len;
    uint8_t data[128];
};

static bool
is_probe(const struct ofp_msg *m)
{
    const struct ofp_packet_out *po = &m->packet_out;

    return (m->type == OFPT_PACKET_OUT && po->len >= 14 && po->data != NULL
            && po->data[12] == 0x88 && po->data[13] == 0xcc);
}

/* Waits for the next PACKET_OUT to 's' that is not a probe (answering
 * what comes before it) and copies it to 'po'. */
static void
next_app_out(struct fsw *s, struct pout *po)
{
    for (;;) {
        struct ofp_msg m;

        fsw_next(s, &m);
        if (m.type == OFPT_PACKET_OUT && !is_probe(&m)) {
            memset(po, 0, sizeof *po);
            po->in_port = m.packet_out.in_port;
            for (size_t i = 0; i < m.packet_out.actions.n; i++) {
                const struct ofp_action *a = &m.packet_out.actions.actions[i];
                ck_assert_int_eq(a->type, OFPAT_OUTPUT);
                ck_assert_uint_lt(po->n_out, 16);
                po->out[po->n_out++] = a->output.port;
            }
            po->len = m.packet_out.len;
            ck_assert_uint_le(po->len, sizeof po->data);
            memcpy(po->data, m.packet_out.data, po->len);
            return;
        }
        tapi_answer(s, &m);
    }
}

/* Sends 'frame' up from 's':'port' and checks that the first PACKET_OUT an
 * app sends to 's' from now on carries it: whatever was sent up before
 * (and is still unanswered) got no PACKET_OUT. */
static void
expect_out_is_next(struct fsw *s, uint32_t port, const uint8_t *frame,
                   size_t len, struct pout *po)
{
    tapi_packet_in(s, port, frame, len);
    next_app_out(s, po);
    ck_assert_uint_eq(po->in_port, port);
    test_assert_bytes(po->data, po->len, frame, len);
}

/* ====================================================================== */
/* discovery */

struct seen {
    bool punt;                 /* the LLDP punt flow */
    bool copy_arp, copy_ns, copy_na; /* the ARP and ND copy flows */
    uint64_t copy_cookie;
    size_t probes[8];          /* by port (index 0: reserved ports) */
    uint64_t dpid;
    uint64_t t0;               /* before the switch connected */
};

/* Asserts that 'o' matches OpenFlow-basic field 'field' = 'value'. */
static void
assert_oxm(const struct ofp_oxm *o, uint8_t field, uint32_t value)
{
    ck_assert_msg(o->cls == OFPXMC_OPENFLOW_BASIC,
                  "OXM class 0x%04x length %u field %u, want an "
                  "OpenFlow-basic one", o->cls, o->length, o->field);
    ck_assert_uint_eq(o->field, field);
    ck_assert(!o->has_mask);
    if (field == OFPXMT_OFB_ETH_TYPE) {
        ck_assert_uint_eq(o->value.u16, value);
    } else {
        ck_assert_uint_eq(o->value.u8, value);
    }
}

/* Checks a FLOW_MOD of the topology's (table 0, above every app). */
/* True for a FLOW_MOD of the topology's own flows (table 0: the LLDP punt
 * at 65535, the ARP/ND copies at 1). */
static bool
topo_flow_mod(const struct ofp_msg *m)
{
    return (m->type == OFPT_FLOW_MOD && m->flow_mod.table_id == SL_TABLE_ACL
            && (m->flow_mod.priority == 65535 || m->flow_mod.priority == 1));
}

static void
seen_flow(struct seen *seen, const struct ofp_flow_mod *fm)
{
    ck_assert_uint_eq(fm->command, OFPFC_ADD);
    ck_assert_uint_eq(fm->table_id, SL_TABLE_ACL);
    ck_assert_uint_ge(fm->instructions.n, 1);
    const struct ofp_instruction *in = &fm->instructions.instructions[0];
    ck_assert_uint_eq(in->type, OFPIT_APPLY_ACTIONS);
    ck_assert_uint_eq(in->actions.n, 1);
    ck_assert_uint_eq(in->actions.actions[0].type, OFPAT_OUTPUT);
    ck_assert_uint_eq(in->actions.actions[0].output.port, OFPP_CONTROLLER);
    ck_assert_uint_eq(in->actions.actions[0].output.max_len,
                      OFPCML_NO_BUFFER);

    if (fm->priority == 65535) {
        /* LLDP: to the controller, nowhere else. */
        ck_assert_uint_eq(fm->instructions.n, 1);
        ck_assert_uint_eq(fm->match.n_oxms, 1);
        assert_oxm(&fm->match.oxms[0], OFPXMT_OFB_ETH_TYPE, 0x88cc);
        seen->punt = true;
        return;
    }

    /* ARP and ND: a copy, and on through the pipeline, below every rule
     * of the acl table but the table-miss flow. */
    ck_assert_uint_eq(fm->priority, 1);
    ck_assert_uint_eq(fm->instructions.n, 2);
    ck_assert_uint_eq(fm->instructions.instructions[1].type,
                      OFPIT_GOTO_TABLE);
    ck_assert_uint_eq(fm->instructions.instructions[1].table_id,
                      SL_TABLE_ACL + 1);
    ck_assert(seen->copy_cookie == 0 || seen->copy_cookie == fm->cookie);
    seen->copy_cookie = fm->cookie;
    if (fm->match.n_oxms == 1) {
        assert_oxm(&fm->match.oxms[0], OFPXMT_OFB_ETH_TYPE, 0x0806);
        seen->copy_arp = true;
        return;
    }
    ck_assert_uint_eq(fm->match.n_oxms, 3);
    assert_oxm(&fm->match.oxms[0], OFPXMT_OFB_ETH_TYPE, 0x86dd);
    assert_oxm(&fm->match.oxms[1], OFPXMT_OFB_IP_PROTO, 58);
    if (fm->match.oxms[2].value.u8 == OFP_ICMPV6_ND_NS) {
        assert_oxm(&fm->match.oxms[2], OFPXMT_OFB_ICMPV6_TYPE, 135);
        seen->copy_ns = true;
    } else {
        assert_oxm(&fm->match.oxms[2], OFPXMT_OFB_ICMPV6_TYPE, 136);
        seen->copy_na = true;
    }
}

static void
seen_cb(struct fsw *s, const struct ofp_msg *m, void *seen_)
{
    struct seen *seen = seen_;

    (void) s;
    if (topo_flow_mod(m)) {
        seen_flow(seen, &m->flow_mod);
        return;
    }
    if (m->type != OFPT_PACKET_OUT) {
        return;
    }

    /* A probe: out of one port, from the controller, an LLDP frame. */
    const struct ofp_packet_out *po = &m->packet_out;
    ck_assert_uint_eq(po->buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(po->in_port, OFPP_CONTROLLER);
    ck_assert_uint_eq(po->actions.n, 1);
    ck_assert_uint_eq(po->actions.actions[0].type, OFPAT_OUTPUT);
    uint32_t port = po->actions.actions[0].output.port;
    seen->probes[port < 8 ? port : 0]++;

    struct ofp_packet pkt;
    ck_assert_int_eq(ofp_packet_parse(&pkt, po->data, po->len),
                     OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_LLDP);
    ck_assert_uint_eq(pkt.n_vlans, 0);
    test_assert_bytes(pkt.eth_dst, 6, ofp_lldp_dst, 6);
    struct ofp_port want = mkport(port, 0, 0);
    test_assert_bytes(pkt.eth_src, 6, want.hw_addr, 6);

    /* Its TLVs, as anyone reads them (Ryu's form). */
    struct ofp_lldp lldp;
    char chassis[32];
    ck_assert_int_eq(ofp_lldp_parse(&lldp, po->data + pkt.l3_ofs,
                                    pkt.end - pkt.l3_ofs),
                     OFP_PACKET_OK);
    snprintf(chassis, sizeof chassis, "dpid:%016" PRIx64, seen->dpid);
    ck_assert_uint_eq(lldp.chassis_subtype, OFP_LLDP_CHASSIS_LOCAL);
    ck_assert_uint_eq(lldp.chassis_id.len, strlen(chassis));
    ck_assert(!memcmp(lldp.chassis_id.data, chassis, strlen(chassis)));
    ck_assert_uint_eq(lldp.port_subtype, OFP_LLDP_PORT_COMPONENT);
    ck_assert_uint_eq(lldp.port_id.len, 4);
    ck_assert_uint_eq(ofp_load_be32(lldp.port_id.data), port);
    ck_assert_uint_eq(lldp.ttl, TOPO_LLDP_TTL);
    ck_assert_uint_eq(lldp.port_desc.len, strlen(want.name));
    ck_assert(!memcmp(lldp.port_desc.data, want.name, strlen(want.name)));

    /* Signed with the configured key, stamped with the monotonic clock. */
    struct probe p;
    ck_assert_int_eq(probe_verify(po->data, po->len, &p), TOPO_LLDP_OK);
    ck_assert_uint_eq(p.dpid, seen->dpid);
    ck_assert_uint_eq(p.port_no, port);
    ck_assert_uint_ge(p.ts, seen->t0);
    ck_assert_uint_le(p.ts, mono_ns());
}

START_TEST(probes_on_switch_up)
{
    const struct ofp_port ports[] = {
        mkport(1, 0, 0),
        mkport(2, OFPPS_LINK_DOWN, 0),
        mkport(3, 0, 0),
        mkport(4, 0, OFPPC_PORT_DOWN),
        mkport(5, OFPPS_LIVE, 0),
        mkport(OFPP_LOCAL, 0, 0),
    };
    struct seen seen = {.dpid = 0x1234, .t0 = mono_ns()};

    setup_std(NULL);
    struct fsw *s = sw_up_ports(0x1234, ports, sizeof ports / sizeof *ports);

    /* The first probes go out with the switch, before its flows. */
    double deadline = test_loop_now() + FSW_STEP_TIMEOUT;
    while (!sl_flowprog_is_synced(tapi.ctl.flowprog, 0x1234)
           || !seen.probes[1] || !seen.probes[3] || !seen.probes[5]) {
        ck_assert_msg(test_loop_now() < deadline, "probes %zu %zu %zu",
                      seen.probes[1], seen.probes[3], seen.probes[5]);
        pump(s, 0.02, seen_cb, &seen);
    }
    ck_assert(seen.punt);
    ck_assert(seen.copy_arp);
    ck_assert(seen.copy_ns);
    ck_assert(seen.copy_na);
    ck_assert_uint_ne(seen.copy_cookie, 0);
    /* Then every live port is probed again, never the others. */
    size_t first[8];
    memcpy(first, seen.probes, sizeof first);
    deadline = test_loop_now() + FSW_STEP_TIMEOUT;
    while (seen.probes[1] == first[1] || seen.probes[3] == first[3]
           || seen.probes[5] == first[5]) {
        ck_assert_msg(test_loop_now() < deadline, "no second probes");
        pump(s, 0.05, seen_cb, &seen);
    }
    pump(s, 0.2, seen_cb, &seen);
    ck_assert_uint_eq(seen.probes[2], 0);
    ck_assert_uint_eq(seen.probes[4], 0);
    ck_assert_uint_eq(seen.probes[0], 0);
    ck_assert_uint_eq(seen.probes[6], 0);
    ck_assert_uint_eq(ST()->probes_failed, 0);
    ck_assert_uint_ge(ST()->probes_sent, 6);

    /* Roles at SWITCH_UP: live ports pending, the others none. */
    const struct rec *up = last(SL_EV_SWITCH_UP);
    ck_assert_int_eq(up->roles[1], SL_PORT_PENDING);
    ck_assert_int_eq(up->roles[2], SL_PORT_NONE);
    ck_assert_int_eq(up->roles[3], SL_PORT_PENDING);
    ck_assert_int_eq(up->roles[4], SL_PORT_NONE);
    ck_assert_int_eq(up->roles[0], SL_PORT_NONE);
    /* The probes were out when the apps heard of the switch. */
    ck_assert_uint_ge(up->probes_sent, 3);
    teardown();
}
END_TEST

START_TEST(links_discovered)
{
    struct sl_link links[8];
    double before = sl_wall_clock();

    setup_std(NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);
    wait_role(1, 1, SL_PORT_EDGE);
    wait_role(2, 2, SL_PORT_EDGE);
    uint64_t v0 = topo_version(T());
    ck_assert_uint_eq(topo_links(T(), 0, links, 8), 0);

    /* One direction alone is no link; its ports are blocked meanwhile,
     * and the other end is asked for the way back at once (its probe is
     * stamped before the first one was even read). */
    drain(b);
    uint64_t t_pass = mono_ns();
    tapi_lldp_pass(a, 1, b, 2);
    ck_assert_uint_eq(topo_links(T(), 0, links, 8), 0);
    ck_assert_uint_eq(ST()->n_links, 0);
    ck_assert_uint_eq(ST()->n_one_way, 1);
    ck_assert_uint_eq(ST()->lldp_ok, 1);
    ck_assert_uint_eq(count(SL_EV_LINK_UP), 0);
    ck_assert_int_eq(role(1, 1), SL_PORT_BLOCKED);
    ck_assert_int_eq(role(2, 2), SL_PORT_BLOCKED);
    ck_assert_uint_gt(topo_version(T()), v0);
    uint8_t frame[256];
    struct probe p;
    size_t len;
    do {
        len = tapi_lldp_probe(b, 2, frame, sizeof frame);
        ck_assert_int_eq(probe_verify(frame, len, &p), TOPO_LLDP_OK);
    } while (p.ts < t_pass);
    ck_assert_uint_le(p.ts, mono_ns());

    /* The way back: both directions are links, up since the same time. */
    tapi_packet_in(a, 1, frame, len);
    ck_assert_uint_eq(topo_links(T(), 0, links, 8), 2);
    ck_assert_uint_eq(ST()->n_links, 2);
    ck_assert_uint_eq(ST()->n_one_way, 0);
    ck_assert_uint_eq(links[0].src_dpid, 1);
    ck_assert_uint_eq(links[0].src_port, 1);
    ck_assert_uint_eq(links[0].dst_dpid, 2);
    ck_assert_uint_eq(links[0].dst_port, 2);
    ck_assert_uint_eq(links[1].src_dpid, 2);
    ck_assert_uint_eq(links[1].src_port, 2);
    ck_assert_uint_eq(links[1].dst_dpid, 1);
    ck_assert_uint_eq(links[1].dst_port, 1);
    for (int i = 0; i < 2; i++) {
        ck_assert(links[i].latency >= 0);
        ck_assert(links[i].latency < FSW_STEP_TIMEOUT);
        ck_assert(links[i].up_since >= before - WALL_SLACK);
        ck_assert(links[i].up_since <= sl_wall_clock() + WALL_SLACK);
    }
    ck_assert(links[0].up_since == links[1].up_since);
    ck_assert_uint_eq(ST()->link_up, 2);
    ck_assert_uint_eq(ST()->lldp_ok, 2);
    ck_assert_uint_eq(count(SL_EV_LINK_UP), 2);
    const struct rec *r = find_link_ev(0, SL_EV_LINK_UP, 1, 1, 2, 2);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->dpid, 1);
    ck_assert(!memcmp(&r->link, &links[0], sizeof links[0]));
    ck_assert(!r->has_reason);
    r = find_link_ev(0, SL_EV_LINK_UP, 2, 2, 1, 1);
    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(r->dpid, 2);
    wait_role(1, 1, SL_PORT_TREE);
    wait_role(2, 2, SL_PORT_TREE);

    /* A second cable, a:3 <-> b:1. */
    tapi_lldp_pass(b, 1, a, 3);
    tapi_lldp_pass(a, 3, b, 1);
    ck_assert_uint_eq(topo_links(T(), 0, NULL, 0), 4);
    ck_assert_uint_eq(topo_links(T(), 0, links, 8), 4);
    static const uint32_t want[4][4] = {
        {1, 1, 2, 2}, {1, 3, 2, 1}, {2, 1, 1, 3}, {2, 2, 1, 1},
    };
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(links[i].src_dpid, want[i][0]);
        ck_assert_uint_eq(links[i].src_port, want[i][1]);
        ck_assert_uint_eq(links[i].dst_dpid, want[i][2]);
        ck_assert_uint_eq(links[i].dst_port, want[i][3]);
    }
    ck_assert_uint_eq(count(SL_EV_LINK_UP), 4);

    /* Filtered by source switch. */
    ck_assert_uint_eq(topo_links(T(), 2, links, 8), 2);
    ck_assert_uint_eq(links[0].src_dpid, 2);
    ck_assert_uint_eq(links[0].src_port, 1);
    ck_assert_uint_eq(links[1].src_port, 2);
    ck_assert_uint_eq(topo_links(T(), 1, links, 8), 2);
    ck_assert_uint_eq(links[0].src_port, 1);
    ck_assert_uint_eq(links[1].src_port, 3);
    ck_assert_uint_eq(topo_links(T(), 9, links, 8), 0);
    /* More than 'max': the count, and 'max' stored. */
    memset(links, 0xee, sizeof links);
    ck_assert_uint_eq(topo_links(T(), 0, links, 3), 4);
    ck_assert_uint_ne(links[2].src_dpid, 0xeeeeeeeeeeeeeeeeull);
    ck_assert_uint_eq(links[3].src_dpid, 0xeeeeeeeeeeeeeeeeull);

    /* A probe again refreshes the link: no new one, no event. */
    tapi_lldp_pass(a, 1, b, 2);
    ck_assert_uint_eq(ST()->n_links, 4);
    ck_assert_uint_eq(count(SL_EV_LINK_UP), 4);
    ck_assert_uint_eq(ST()->lldp_ok, 5);
    teardown();
}
END_TEST

START_TEST(link_latency_smoothed)
{
    struct sl_link links[2];

    setup_std(NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);

    /* A probe a second old: the link's latency is at least that. */
    forge_pass(2, 2, 0, a, 1);
    forge_pass(1, 1, 1.0, b, 2);
    ck_assert_uint_eq(topo_links(T(), 1, links, 2), 1);
    double l1 = links[0].latency;
    ck_assert(l1 >= 1.0);
    ck_assert(l1 < 1.0 + FSW_STEP_TIMEOUT);
    ck_assert_uint_eq(topo_links(T(), 2, links, 2), 1);
    ck_assert(links[0].latency < 1.0);

    /* A fresh one: smoothed by 1/8 toward it. */
    forge_pass(1, 1, 0, b, 2);
    ck_assert_uint_eq(topo_links(T(), 1, links, 2), 1);
    ck_assert(links[0].latency < l1);
    ck_assert(links[0].latency >= l1 * 7 / 8);
    ck_assert(links[0].latency < l1 * 7 / 8 + FSW_STEP_TIMEOUT / 8);
    teardown();
}
END_TEST

START_TEST(link_port_down_and_up)
{
    setup_std(NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);
    tapi_lldp_pass(a, 1, b, 2);
    tapi_lldp_pass(b, 2, a, 1);
    tapi_lldp_pass(a, 3, b, 3);
    tapi_lldp_pass(b, 3, a, 3);
    ck_assert_uint_eq(ST()->n_links, 4);

    /* a:1 loses its link: both directions of its cable go at once (links
     * would age in a minute), the other cable stays. */
    size_t m0 = n_recs;
    port_set(a, 1, false);
    ck_assert_uint_eq(ST()->n_links, 2);
    ck_assert_uint_eq(ST()->n_one_way, 0);
    ck_assert_uint_eq(topo_links(T(), 2, NULL, 0), 1);
    assert_link_down(m0, 1, 1, 2, 2, "port down");
    ck_assert_ptr_nonnull(find_link_ev(m0, SL_EV_LINK_DOWN, 2, 2, 1, 1));
    ck_assert_uint_eq(count_from(m0, SL_EV_LINK_DOWN), 2);
    ck_assert_uint_eq(count_from(m0, SL_EV_PORT_DOWN), 1);
    const struct rec *down = last(SL_EV_PORT_DOWN);
    ck_assert_uint_eq(down->dpid, 1);
    ck_assert_uint_eq(down->port_no, 1);
    ck_assert_int_eq(role(1, 1), SL_PORT_NONE);
    ck_assert_int_eq(role(2, 2), SL_PORT_EDGE);
    ck_assert_uint_eq(ST()->link_down, 2);

    /* Down again: nothing more happens. */
    size_t m1 = n_recs;
    port_set(a, 1, false);
    ck_assert_uint_eq(count_changes_from(m1), 0);

    /* Back up: pending, and probed at once -- the probe is stamped before
     * the PORT_UP was published, so no tick of the wheel sent it. */
    drain(a);
    port_set(a, 1, true);
    const struct rec *up = last(SL_EV_PORT_UP);
    ck_assert_uint_eq(up->dpid, 1);
    ck_assert_uint_eq(up->port_no, 1);
    ck_assert_int_eq(up->role, SL_PORT_PENDING);
    uint8_t frame[256];
    size_t len;
    struct probe p;
    do { /* (skipping any sent before the port went down) */
        len = tapi_lldp_probe(a, 1, frame, sizeof frame);
        ck_assert_int_eq(probe_verify(frame, len, &p), TOPO_LLDP_OK);
        ck_assert_uint_eq(p.dpid, 1);
        ck_assert_uint_eq(p.port_no, 1);
    } while (p.ts < down->mono_ns);
    ck_assert_uint_le(p.ts, up->mono_ns);

    /* That probe carried, and one back: the link is back. */
    tapi_packet_in(b, 2, frame, len);
    tapi_lldp_pass(b, 2, a, 1);
    ck_assert_uint_eq(ST()->n_links, 4);
    ck_assert_ptr_nonnull(find_link_ev(m1, SL_EV_LINK_UP, 1, 1, 2, 2));
    ck_assert_ptr_nonnull(find_link_ev(m1, SL_EV_LINK_UP, 2, 2, 1, 1));

    /* Administratively down (PORT_DOWN config) counts as down too. */
    m1 = n_recs;
    port_status(b, OFPPR_MODIFY, 2, 0, OFPPC_PORT_DOWN);
    ck_assert_uint_eq(ST()->n_links, 2);
    ck_assert_int_eq(role(2, 2), SL_PORT_NONE);
    ck_assert_uint_eq(count_from(m1, SL_EV_LINK_DOWN), 2);
    teardown();
}
END_TEST

START_TEST(link_port_deleted_and_added)
{
    setup_std(NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);
    tapi_lldp_pass(a, 2, b, 2);
    tapi_lldp_pass(b, 2, a, 2);
    ck_assert_uint_eq(ST()->n_links, 2);

    size_t m0 = n_recs;
    port_status(b, OFPPR_DELETE, 2, 0, 0);
    ck_assert_uint_eq(ST()->n_links, 0);
    assert_link_down(m0, 2, 2, 1, 2, "port deleted");
    ck_assert_ptr_nonnull(find_link_ev(m0, SL_EV_LINK_DOWN, 1, 2, 2, 2));
    ck_assert_uint_eq(last(SL_EV_PORT_DOWN)->port_no, 2);
    ck_assert_int_eq(role(2, 2), SL_PORT_NONE);
    uint32_t ports[8];
    ck_assert_uint_eq(topo_flood_ports(T(), 2, ports, 8), 2);
    ck_assert_uint_eq(ports[0], 1);
    ck_assert_uint_eq(ports[1], 3);

    /* Deleting it again, or a port never seen, changes nothing. */
    size_t m1 = n_recs;
    port_status(b, OFPPR_DELETE, 2, 0, 0);
    port_status(b, OFPPR_DELETE, 77, 0, 0);
    ck_assert_uint_eq(count_changes_from(m1), 0);

    /* Added back (and a new port 9): up, probed, linked again. */
    port_status(b, OFPPR_ADD, 2, 0, 0);
    port_status(b, OFPPR_ADD, 9, 0, 0);
    ck_assert_uint_eq(count_from(m1, SL_EV_PORT_UP), 2);
    wait_role(2, 9, SL_PORT_EDGE);
    tapi_lldp_pass(b, 2, a, 2);
    tapi_lldp_pass(a, 2, b, 2);
    tapi_lldp_pass(b, 9, a, 3);
    tapi_lldp_pass(a, 3, b, 9);
    ck_assert_uint_eq(ST()->n_links, 4);
    /* Two cables between a and b: the one at a's higher port is off the
     * tree. */
    wait_role(2, 9, SL_PORT_BLOCKED);
    wait_role(2, 2, SL_PORT_TREE);
    ck_assert_uint_eq(topo_flood_ports(T(), 2, ports, 8), 3);
    ck_assert_uint_eq(ports[0], 1);
    ck_assert_uint_eq(ports[1], 2);
    ck_assert_uint_eq(ports[2], 3);
    teardown();
}
END_TEST

START_TEST(link_switch_down)
{
    struct sl_link links[8];

    setup_std(NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);
    struct fsw *c = sw_up(3);
    tapi_lldp_pass(a, 1, b, 2);
    tapi_lldp_pass(b, 2, a, 1);
    tapi_lldp_pass(a, 2, c, 2);
    tapi_lldp_pass(c, 2, a, 2);
    ck_assert_uint_eq(ST()->n_links, 4);

    size_t m0 = n_recs;
    sw_disconnect(b);
    ck_assert(LOOP_UNTIL(ST()->n_links == 2));
    ck_assert_uint_eq(ST()->n_one_way, 0);
    ck_assert_uint_eq(topo_links(T(), 0, links, 8), 2);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_uint_ne(links[i].src_dpid, 2);
        ck_assert_uint_ne(links[i].dst_dpid, 2);
    }
    assert_link_down(m0, 2, 2, 1, 1, "switch down");
    ck_assert_ptr_nonnull(find_link_ev(m0, SL_EV_LINK_DOWN, 1, 1, 2, 2));
    ck_assert_int_eq(role(2, 1), SL_PORT_NONE);
    ck_assert_int_eq(role(1, 1), SL_PORT_EDGE);
    ck_assert_uint_eq(topo_flood_ports(T(), 2, NULL, 0), 0);
    ck_assert(!topo_flood_all(T(), 2));
    ck_assert_uint_eq(topo_path(T(), 1, 2, SL_PATH_HOPS, NULL, 0), 0);

    /* A probe of the gone switch, still in flight, makes no link. */
    forge_pass(2, 2, 0, a, 1);
    ck_assert_uint_eq(ST()->lldp_unknown_port, 1);
    ck_assert_uint_eq(ST()->n_links, 2);
    ck_assert_uint_eq(ST()->n_one_way, 0);

    /* It comes back as a new session: discovered again. */
    struct fsw *b2 = sw_up(2);
    tapi_lldp_pass(b2, 2, a, 1);
    tapi_lldp_pass(a, 1, b2, 2);
    ck_assert_uint_eq(ST()->n_links, 4);
    teardown();
}
END_TEST

/* Both directions of a cable go for the cause: a port down, deleted, or
 * its switch gone (the reasons sluice/event.h lists). */
START_TEST(link_down_reasons)
{
    setup_std(NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);
    struct fsw *c = sw_up(3);
    tapi_lldp_pass(a, 1, b, 1);
    tapi_lldp_pass(b, 1, a, 1);
    tapi_lldp_pass(a, 2, b, 2);
    tapi_lldp_pass(b, 2, a, 2);
    tapi_lldp_pass(a, 3, c, 3);
    tapi_lldp_pass(c, 3, a, 3);
    ck_assert_uint_eq(ST()->n_links, 6);

    size_t m0 = n_recs;
    port_set(a, 1, false);
    port_status(b, OFPPR_DELETE, 2, 0, 0);
    sw_disconnect(c);
    ck_assert(LOOP_UNTIL(ST()->n_links == 0));
    ck_assert_uint_eq(count_from(m0, SL_EV_LINK_DOWN), 6);
    char why[1024] = "";
    size_t n = 0;
    for (size_t i = m0; i < n_recs; i++) {
        const struct rec *r = &recs[i];
        const char *want = (r->link.src_port == 1 ? "port down"
                            : r->link.src_port == 2 ? "port deleted"
                                                    : "switch down");
        if (r->type == SL_EV_LINK_DOWN && strcmp(r->reason, want)) {
            n += (size_t) snprintf(why + n, n < sizeof why ? sizeof why - n
                                                           : 0,
                                   "%" PRIx64 ":%" PRIu32 " -> %" PRIx64
                                   ":%" PRIu32 " \"%s\", want \"%s\"; ",
                                   r->link.src_dpid, r->link.src_port,
                                   r->link.dst_dpid, r->link.dst_port,
                                   r->reason, want);
        }
    }
    ck_assert_msg(n == 0, "LINK_DOWN reasons: %s", why);
    teardown();
}
END_TEST

START_TEST(link_ages_out)
{
    setup(NULL, 0.1, 0.5, NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);
    drain(a);
    drain(b);
    tapi_lldp_pass(a, 1, b, 2);
    tapi_lldp_pass(b, 2, a, 1);
    ck_assert_uint_eq(ST()->n_links, 2);

    /* No probe carried any more: gone after link_timeout, the first
     * direction to age taking the other with it. */
    size_t m0 = n_recs;
    ck_assert(LOOP_UNTIL(ST()->n_links == 0));
    ck_assert_uint_eq(count_from(m0, SL_EV_LINK_DOWN), 2);
    assert_link_down(m0, 1, 1, 2, 2, "timeout");
    /* ...and then no record of either is left. */
    ck_assert(LOOP_UNTIL(ST()->n_one_way == 0));
    ck_assert_int_eq(role(2, 2), SL_PORT_EDGE);
    ck_assert_int_eq(role(1, 1), SL_PORT_EDGE);
    /* The other direction went for the same reason (sluice/event.h lists
     * the reasons a LINK_DOWN gives). */
    assert_link_down(m0, 2, 2, 1, 1, "timeout");
    teardown();
}
END_TEST

/* ====================================================================== */
/* forged and invalid LLDP */

START_TEST(lldp_forged_and_invalid)
{
    uint8_t frame[256], f2[256];
    size_t len;
    struct pout po;

    setup_std("[{name: hub}]");
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);
    wait_role(2, 2, SL_PORT_EDGE);

    /* One byte of the HMAC flipped. */
    len = tapi_lldp_probe(a, 1, frame, sizeof frame);
    struct ofp_packet pkt;
    struct ofp_lldp lldp;
    ofp_packet_parse(&pkt, frame, len);
    ck_assert_int_eq(ofp_lldp_parse(&lldp, frame + pkt.l3_ofs,
                                    pkt.end - pkt.l3_ofs),
                     OFP_PACKET_OK);
    const struct ofp_lldp_org *org = NULL;
    for (size_t i = 0; i < lldp.n_orgs; i++) {
        if (lldp.orgs[i].oui == TOPO_LLDP_OUI) {
            org = &lldp.orgs[i];
        }
    }
    ck_assert_ptr_nonnull(org);
    ck_assert_uint_eq(org->value.len, 1 + 8 + TOPO_LLDP_HMAC_LEN);
    size_t hmac_ofs = (size_t) (org->value.data - frame) + 1 + 8;
    memcpy(f2, frame, len);
    f2[hmac_ofs + 5] ^= 0x10;
    tapi_packet_in(b, 2, f2, len);
    ck_assert_uint_eq(ST()->lldp_bad_hmac, 1);

    /* The timestamp altered (the HMAC covers it). */
    memcpy(f2, frame, len);
    f2[hmac_ofs - 1] ^= 0x01;
    tapi_packet_in(b, 2, f2, len);
    ck_assert_uint_eq(ST()->lldp_bad_hmac, 2);

    /* Signed with another key. */
    struct topo_lldp_key *other = topo_lldp_key_create("another key", 11);
    ck_assert_ptr_nonnull(other);
    len = forge(f2, sizeof f2, other, 1, 1, mono_ns());
    topo_lldp_key_destroy(other);
    tapi_packet_in(b, 2, f2, len);
    ck_assert_uint_eq(ST()->lldp_bad_hmac, 3);

    /* Too old, or from the future. */
    forge_pass(1, 1, 61, b, 2);
    ck_assert_uint_eq(ST()->lldp_stale, 1);
    forge_pass(1, 1, -1.0, b, 2);
    ck_assert_uint_eq(ST()->lldp_stale, 2);

    /* Back to its own port. */
    tapi_lldp_pass(a, 1, a, 1);
    ck_assert_uint_eq(ST()->lldp_unknown_port, 1);
    /* Naming a port the switch does not have, or a switch not here. */
    forge_pass(1, 9, 0, b, 2);
    ck_assert_uint_eq(ST()->lldp_unknown_port, 2);
    forge_pass(0x99, 1, 0, b, 2);
    ck_assert_uint_eq(ST()->lldp_unknown_port, 3);
    /* Arriving on a port that is down, or unknown. */
    port_set(b, 3, false);
    tapi_lldp_pass(a, 1, b, 3);
    ck_assert_uint_eq(ST()->lldp_unknown_port, 4);
    tapi_lldp_pass(a, 1, b, 7);
    ck_assert_uint_eq(ST()->lldp_unknown_port, 5);
    /* Sent while its port was up, arriving after it went down. */
    len = tapi_lldp_probe(a, 3, frame, sizeof frame);
    port_set(a, 3, false);
    tapi_packet_in(b, 2, frame, len);
    ck_assert_uint_eq(ST()->lldp_unknown_port, 6);

    /* Another agent's LLDP (Ryu's probe: no org TLV of ours). */
    struct ofp_lldp ryu;
    struct ofp_wbuf w;
    static const char chassis[] = "dpid:0000000000000001";
    static const uint8_t port1[4] = {0, 0, 0, 1};
    memset(&ryu, 0, sizeof ryu);
    ryu.chassis_subtype = OFP_LLDP_CHASSIS_LOCAL;
    ryu.chassis_id.data = (const uint8_t *) chassis;
    ryu.chassis_id.len = sizeof chassis - 1;
    ryu.port_subtype = OFP_LLDP_PORT_COMPONENT;
    ryu.port_id.data = port1;
    ryu.port_id.len = 4;
    ryu.ttl = 120;
    ofp_wbuf_use_fixed(&w, f2, sizeof f2);
    ck_assert_int_eq(ofp_lldp_build(&w, (const uint8_t *) "\0\0\0\0\0\1",
                                    &ryu),
                     OFP_PACKET_OK);
    tapi_packet_in(b, 2, f2, w.len);
    ck_assert_uint_eq(ST()->lldp_foreign, 1);

    /* Garbage after an LLDP ethertype; a probe cut in its TLVs. */
    static const uint8_t junk[] = {
        0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x88, 0xcc, 0xff, 0xff, 0x01,
    };
    tapi_packet_in(b, 2, junk, sizeof junk);
    ck_assert_uint_eq(ST()->lldp_malformed, 1);
    len = tapi_lldp_probe(a, 1, frame, sizeof frame);
    tapi_packet_in(b, 2, frame, 30);
    ck_assert_uint_eq(ST()->lldp_malformed, 2);

    /* None made a link, and none reached the app: the hub floods every
     * frame it hears of, and the first flood is of this ARP. */
    ck_assert_uint_eq(ST()->n_links, 0);
    ck_assert_uint_eq(ST()->lldp_ok, 0);
    ck_assert_uint_eq(count(SL_EV_LINK_UP), 0);
    uint8_t arp[64];
    uint8_t mac[6];
    mac_of(mac, 1);
    len = arp_frame(arp, mac, 0x0a000001, NOVLAN);
    expect_out_is_next(b, 2, arp, len, &po);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], OFPP_FLOOD);
    expect_out_is_next(a, 2, arp, len, &po);

    /* The real thing still works. */
    tapi_lldp_pass(a, 1, b, 2);
    tapi_lldp_pass(b, 2, a, 1);
    ck_assert_uint_eq(ST()->n_links, 2);
    ck_assert_uint_eq(ST()->lldp_ok, 2);
    teardown();
}
END_TEST

START_TEST(lldp_stale_after_timeout)
{
    uint8_t frame[256];

    setup(NULL, 0.1, 0.3, NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);
    drain(a);
    size_t len = tapi_lldp_probe(a, 1, frame, sizeof frame);

    /* Held longer than link_timeout, then delivered. */
    test_loop_run_for(tapi.base, 0.4);
    tapi_packet_in(b, 2, frame, len);
    ck_assert_uint_eq(ST()->lldp_stale, 1);
    ck_assert_uint_eq(ST()->n_links, 0);
    teardown();
}
END_TEST

/* ====================================================================== */
/* ports */

START_TEST(port_roles)
{
    setup_std(NULL);
    struct fsw *a = sw_up(1);

    /* Pending when the switch came up, edge after the grace. */
    const struct rec *up = last(SL_EV_SWITCH_UP);
    ck_assert_uint_eq(up->dpid, 1);
    for (uint32_t p = 1; p <= 3; p++) {
        ck_assert_int_eq(up->roles[p], SL_PORT_PENDING);
    }
    ck_assert_int_eq(up->roles[4], SL_PORT_NONE);
    ck_assert_int_eq(up->roles[0], SL_PORT_NONE);
    for (uint32_t p = 1; p <= 3; p++) {
        wait_role(1, p, SL_PORT_EDGE);
    }
    ck_assert_uint_eq(ST()->n_edge_ports, 3);

    /* Reserved, unknown ports and switches: none. */
    ck_assert_int_eq(role(1, OFPP_LOCAL), SL_PORT_NONE);
    ck_assert_int_eq(role(1, OFPP_CONTROLLER), SL_PORT_NONE);
    ck_assert_int_eq(role(1, 0), SL_PORT_NONE);
    ck_assert_int_eq(role(1, 4), SL_PORT_NONE);
    ck_assert_int_eq(role(7, 1), SL_PORT_NONE);

    uint32_t ports[8];
    ck_assert_uint_eq(topo_flood_ports(T(), 1, ports, 8), 3);
    ck_assert_uint_eq(ports[0], 1);
    ck_assert_uint_eq(ports[2], 3);
    ck_assert_uint_eq(topo_flood_ports(T(), 1, ports, 1), 3);
    ck_assert_uint_eq(topo_flood_ports(T(), 7, ports, 8), 0);
    ck_assert(topo_flood_all(T(), 1));
    ck_assert(!topo_flood_all(T(), 7));

    /* A port that comes up is pending at once, then edge. */
    port_set(a, 2, false);
    ck_assert_int_eq(role(1, 2), SL_PORT_NONE);
    ck_assert_int_eq(last(SL_EV_PORT_DOWN)->role, SL_PORT_NONE);
    ck_assert_uint_eq(ST()->n_edge_ports, 2);
    ck_assert_uint_eq(topo_flood_ports(T(), 1, ports, 8), 2);
    port_set(a, 2, true);
    ck_assert_int_eq(last(SL_EV_PORT_UP)->role, SL_PORT_PENDING);
    /* Floods use it already, all ports being unblocked. */
    ck_assert_uint_eq(last(SL_EV_PORT_UP)->n_flood, 3);
    ck_assert(last(SL_EV_PORT_UP)->flood_all_of[1]);
    wait_role(1, 2, SL_PORT_EDGE);
    ck_assert_uint_eq(ST()->n_edge_ports, 3);
    teardown();
}
END_TEST

START_TEST(port_roles_tree_blocked)
{
    setup_std(NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);

    /* Two parallel cables a:2-b:2 and a:3-b:3: a loop of two switches. */
    tapi_lldp_pass(a, 2, b, 2);
    tapi_lldp_pass(b, 2, a, 2);
    tapi_lldp_pass(a, 3, b, 3);
    tapi_lldp_pass(b, 3, a, 3);
    wait_role(1, 2, SL_PORT_TREE);
    wait_role(2, 2, SL_PORT_TREE);
    wait_role(1, 3, SL_PORT_BLOCKED);
    wait_role(2, 3, SL_PORT_BLOCKED);
    wait_role(1, 1, SL_PORT_EDGE);
    ck_assert_uint_eq(ST()->n_tree_links, 1);
    ck_assert(!topo_flood_all(T(), 1));
    ck_assert(!topo_flood_all(T(), 2));
    uint32_t ports[8];
    ck_assert_uint_eq(topo_flood_ports(T(), 1, ports, 8), 2);
    ck_assert_uint_eq(ports[0], 1);
    ck_assert_uint_eq(ports[1], 2);
    ck_assert_uint_eq(ST()->n_edge_ports, 2);

    /* The tree cable goes: the other one takes over. */
    port_set(a, 2, false);
    wait_role(1, 3, SL_PORT_TREE);
    wait_role(2, 3, SL_PORT_TREE);
    ck_assert_int_eq(role(2, 2), SL_PORT_EDGE);
    ck_assert(topo_flood_all(T(), 1));
    ck_assert(topo_flood_all(T(), 2));
    teardown();
}
END_TEST

static void
no_topo_traffic_cb(struct fsw *s, const struct ofp_msg *m, void *aux)
{
    (void) s;
    (void) aux;
    ck_assert_msg(m->type != OFPT_PACKET_OUT, "a PACKET_OUT");
    ck_assert_msg(!topo_flow_mod(m), "a topology flow");
}

START_TEST(topology_disabled)
{
    const struct ofp_port ports[] = {
        mkport(1, 0, 0),
        mkport(2, 0, 0),
        mkport(3, OFPPS_LINK_DOWN, 0),
        mkport(OFPP_LOCAL, 0, 0),
    };
    uint8_t frame[256];
    uint32_t flood[8];

    setup_raw(NULL, "{enabled: false}");
    ck_assert(!topo_enabled(T()));

    struct fsw *a = sw_up_ports(1, ports, 4);
    /* Nothing probed, no punt flow: the switch is only programmed. */
    double deadline = test_loop_now() + FSW_STEP_TIMEOUT;
    while (!sl_flowprog_is_synced(tapi.ctl.flowprog, 1)) {
        ck_assert(test_loop_now() < deadline);
        pump(a, 0.02, no_topo_traffic_cb, NULL);
    }
    pump(a, 0.3, no_topo_traffic_cb, NULL);
    ck_assert_uint_eq(ST()->probes_sent, 0);

    /* Every live port is an edge port at once. */
    const struct rec *up = last(SL_EV_SWITCH_UP);
    ck_assert_int_eq(up->roles[1], SL_PORT_EDGE);
    ck_assert_int_eq(up->roles[2], SL_PORT_EDGE);
    ck_assert_int_eq(up->roles[3], SL_PORT_NONE);
    ck_assert(up->flood_all);
    ck_assert(topo_flood_all(T(), 1));
    ck_assert_uint_eq(topo_flood_ports(T(), 1, flood, 8), 2);
    ck_assert_int_eq(role(1, OFPP_LOCAL), SL_PORT_NONE);

    /* LLDP and host traffic are not looked at. */
    size_t len = forge(frame, sizeof frame, key, 1, 2, mono_ns());
    tapi_packet_in(a, 1, frame, len);
    uint8_t mac[6];
    mac_of(mac, 5);
    send_arp(a, 1, mac, 0x0a000005, NOVLAN);
    ck_assert_uint_eq(ST()->lldp_ok, 0);
    ck_assert_uint_eq(ST()->n_links, 0);
    ck_assert_uint_eq(ST()->n_hosts, 0);
    ck_assert_ptr_null(host(mac, NOVLAN));
    ck_assert_uint_eq(topo_path(T(), 1, 1, SL_PATH_HOPS, NULL, 0), 1);

    /* Ports coming up are edge ports at once too. */
    port_set(a, 3, true);
    ck_assert_int_eq(last(SL_EV_PORT_UP)->role, SL_PORT_EDGE);
    ck_assert_uint_eq(ST()->probes_sent, 0);
    teardown();
}
END_TEST

/* ====================================================================== */
/* the tree and paths */

/* Three switches in a triangle: a:2-b:2, b:3-c:2, c:3-a:3 (both
 * directions each); port 1 of each is an edge port.  The tree is rooted at
 * a (the smallest dpid) and takes its cables: b-c is blocked. */
static void
triangle(struct fsw *s[3])
{
    s[0] = sw_up(1);
    s[1] = sw_up(2);
    s[2] = sw_up(3);
    tapi_lldp_pass(s[0], 2, s[1], 2);
    tapi_lldp_pass(s[1], 2, s[0], 2);
    tapi_lldp_pass(s[1], 3, s[2], 2);
    tapi_lldp_pass(s[2], 2, s[1], 3);
    tapi_lldp_pass(s[2], 3, s[0], 3);
    tapi_lldp_pass(s[0], 3, s[2], 3);
    ck_assert_uint_eq(ST()->n_links, 6);
    wait_role(1, 2, SL_PORT_TREE);
    wait_role(1, 3, SL_PORT_TREE);
    wait_role(2, 2, SL_PORT_TREE);
    wait_role(3, 3, SL_PORT_TREE);
    wait_role(2, 3, SL_PORT_BLOCKED);
    wait_role(3, 2, SL_PORT_BLOCKED);
    for (uint64_t d = 1; d <= 3; d++) {
        wait_role(d, 1, SL_PORT_EDGE);
    }
}

static void
assert_hop(const struct sl_path_hop *h, uint64_t dpid, uint32_t in,
           uint32_t out)
{
    ck_assert_uint_eq(h->dpid, dpid);
    ck_assert_uint_eq(h->in_port, in);
    ck_assert_uint_eq(h->out_port, out);
}

START_TEST(tree_triangle)
{
    struct fsw *s[3];
    uint32_t ports[8];
    struct sl_path_hop hops[4];

    setup_std(NULL);
    triangle(s);

    /* Exactly one cable blocked, at both its ends. */
    size_t n_blocked = 0;
    for (uint64_t d = 1; d <= 3; d++) {
        for (uint32_t p = 1; p <= 3; p++) {
            n_blocked += role(d, p) == SL_PORT_BLOCKED;
        }
    }
    ck_assert_uint_eq(n_blocked, 2);
    ck_assert_uint_eq(ST()->n_tree_links, 2);
    ck_assert_uint_eq(ST()->n_edge_ports, 3);

    /* Floods: edge and tree ports, never the blocked one. */
    ck_assert_uint_eq(topo_flood_ports(T(), 1, ports, 8), 3);
    ck_assert_uint_eq(topo_flood_ports(T(), 2, ports, 8), 2);
    ck_assert_uint_eq(ports[0], 1);
    ck_assert_uint_eq(ports[1], 2);
    ck_assert_uint_eq(topo_flood_ports(T(), 3, ports, 8), 2);
    ck_assert_uint_eq(ports[0], 1);
    ck_assert_uint_eq(ports[1], 3);
    ck_assert(topo_flood_all(T(), 1));
    ck_assert(!topo_flood_all(T(), 2));
    ck_assert(!topo_flood_all(T(), 3));

    const struct rec *tc = last(SL_EV_TREE_CHANGED);
    ck_assert_uint_eq(tc->n_tree_links, 2);
    ck_assert_uint_eq(tc->n_switches, 3);
    ck_assert_uint_eq(tc->dpid, 0);
    ck_assert_uint_ge(ST()->tree_changes, 1);

    /* Paths use every link, blocked or not. */
    ck_assert_uint_eq(topo_path(T(), 1, 2, SL_PATH_HOPS, hops, 4), 2);
    assert_hop(&hops[0], 1, 0, 2);
    assert_hop(&hops[1], 2, 2, 0);
    ck_assert_uint_eq(topo_path(T(), 2, 3, SL_PATH_HOPS, hops, 4), 2);
    assert_hop(&hops[0], 2, 0, 3);
    assert_hop(&hops[1], 3, 2, 0);
    ck_assert_uint_eq(topo_path(T(), 3, 1, SL_PATH_HOPS, hops, 4), 2);
    assert_hop(&hops[0], 3, 0, 3);
    assert_hop(&hops[1], 1, 3, 0);
    ck_assert_uint_eq(topo_path(T(), 2, 2, SL_PATH_HOPS, hops, 4), 1);
    assert_hop(&hops[0], 2, 0, 0);
    /* 'max' short: the length, and 'max' hops stored. */
    memset(hops, 0xee, sizeof hops);
    ck_assert_uint_eq(topo_path(T(), 1, 2, SL_PATH_HOPS, hops, 1), 2);
    assert_hop(&hops[0], 1, 0, 2);
    ck_assert_uint_eq(hops[1].dpid, 0xeeeeeeeeeeeeeeeeull);

    ck_assert_uint_eq(topo_next_hop(T(), 1, 2), 2);
    ck_assert_uint_eq(topo_next_hop(T(), 1, 3), 3);
    ck_assert_uint_eq(topo_next_hop(T(), 2, 1), 2);
    ck_assert_uint_eq(topo_next_hop(T(), 2, 3), 3);
    ck_assert_uint_eq(topo_next_hop(T(), 3, 1), 3);
    ck_assert_uint_eq(topo_next_hop(T(), 3, 2), 2);
    ck_assert_uint_eq(topo_next_hop(T(), 2, 2), 0);

    /* A fourth switch with no link: unreachable; an unknown one too. */
    struct fsw *d = sw_up(4);
    (void) d;
    ck_assert_uint_eq(topo_path(T(), 1, 4, SL_PATH_HOPS, hops, 4), 0);
    ck_assert_uint_eq(topo_path(T(), 4, 1, SL_PATH_LATENCY, hops, 4), 0);
    ck_assert_uint_eq(topo_next_hop(T(), 1, 4), 0);
    ck_assert_uint_eq(topo_next_hop(T(), 4, 1), 0);
    ck_assert_uint_eq(topo_path(T(), 1, 0x99, SL_PATH_HOPS, hops, 4), 0);
    ck_assert_uint_eq(topo_path(T(), 0x99, 1, SL_PATH_HOPS, hops, 4), 0);
    ck_assert_uint_eq(topo_next_hop(T(), 0x99, 1), 0);
    ck_assert_uint_eq(topo_next_hop(T(), 1, 0x99), 0);
    /* ...and the old ones still answer after it joined. */
    ck_assert_uint_eq(topo_next_hop(T(), 3, 2), 2);
    ck_assert_uint_eq(topo_path(T(), 2, 3, SL_PATH_HOPS, hops, 4), 2);
    ck_assert(topo_flood_all(T(), 4));
    teardown();
}
END_TEST

START_TEST(tree_cable_down)
{
    struct fsw *s[3];
    struct sl_path_hop hops[4];

    setup_std(NULL);
    triangle(s);
    size_t changes = ST()->tree_changes;
    size_t m0 = n_recs;

    /* The tree cable a-b goes: b-c, blocked so far, joins the tree. */
    port_set(s[0], 2, false);
    wait_role(2, 3, SL_PORT_TREE);
    wait_role(3, 2, SL_PORT_TREE);
    ck_assert_int_eq(role(2, 2), SL_PORT_EDGE);
    ck_assert_int_eq(role(1, 2), SL_PORT_NONE);
    ck_assert_uint_eq(ST()->n_tree_links, 2);
    ck_assert_uint_gt(ST()->tree_changes, changes);
    ck_assert_uint_ge(count_from(m0, SL_EV_TREE_CHANGED), 1);
    ck_assert_uint_eq(last(SL_EV_TREE_CHANGED)->n_tree_links, 2);
    for (uint64_t d = 1; d <= 3; d++) {
        ck_assert(topo_flood_all(T(), d));
    }

    /* a reaches b through c now. */
    ck_assert_uint_eq(topo_path(T(), 1, 2, SL_PATH_HOPS, hops, 4), 3);
    assert_hop(&hops[0], 1, 0, 3);
    assert_hop(&hops[1], 3, 3, 2);
    assert_hop(&hops[2], 2, 3, 0);
    ck_assert_uint_eq(topo_next_hop(T(), 1, 2), 3);
    ck_assert_uint_eq(topo_next_hop(T(), 2, 1), 3);
    teardown();
}
END_TEST

START_TEST(tree_blocked_cable_down)
{
    struct fsw *s[3];
    struct sl_path_hop hops[4];

    setup_std(NULL);
    triangle(s);

    /* The blocked cable goes: the tree still spans the three. */
    port_set(s[1], 3, false);
    ck_assert(LOOP_UNTIL(topo_flood_all(T(), 3)));
    ck_assert_int_eq(role(2, 3), SL_PORT_NONE);
    ck_assert_int_eq(role(3, 2), SL_PORT_EDGE);
    ck_assert_int_eq(role(1, 2), SL_PORT_TREE);
    ck_assert_int_eq(role(1, 3), SL_PORT_TREE);
    ck_assert_int_eq(role(2, 2), SL_PORT_TREE);
    ck_assert_int_eq(role(3, 3), SL_PORT_TREE);
    ck_assert(topo_flood_all(T(), 2));
    ck_assert_uint_eq(ST()->n_tree_links, 2);
    ck_assert_uint_eq(topo_path(T(), 2, 3, SL_PATH_HOPS, hops, 4), 3);
    assert_hop(&hops[1], 1, 2, 3);
    ck_assert_uint_eq(topo_next_hop(T(), 2, 3), 2);
    teardown();
}
END_TEST

/* The tree loses a cable when a switch leaves: apps must hear of it. */
START_TEST(tree_switch_leaves)
{
    struct fsw *s[3];

    setup_std(NULL);
    triangle(s);
    size_t changes = ST()->tree_changes;
    size_t m0 = n_recs;

    sw_disconnect(s[2]);
    ck_assert(LOOP_UNTIL(ST()->n_links == 2));
    ck_assert(LOOP_UNTIL(ST()->n_tree_links == 1));
    ck_assert(topo_flood_all(T(), 1));
    ck_assert(topo_flood_all(T(), 2));
    ck_assert_int_eq(role(2, 3), SL_PORT_EDGE);
    ck_assert_msg(count_from(m0, SL_EV_TREE_CHANGED) == 1,
                  "the tree went from 2 cables to 1: %zu TREE_CHANGED",
                  count_from(m0, SL_EV_TREE_CHANGED));
    ck_assert_uint_eq(last(SL_EV_TREE_CHANGED)->n_tree_links, 1);
    ck_assert_uint_eq(last(SL_EV_TREE_CHANGED)->n_switches, 2);
    ck_assert_uint_eq(ST()->tree_changes, changes + 1);
    teardown();
}
END_TEST

/* A cable is on the tree or not, whichever of its directions are known:
 * finding the second direction does not change the tree. */
/* A cable joins the tree once both its directions are seen: one
 * TREE_CHANGED for it; refreshes change nothing. */
START_TEST(tree_one_cable)
{
    setup_std(NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);

    tapi_lldp_pass(a, 2, b, 2);
    test_loop_run_for(tapi.base, 0.1);
    ck_assert_int_eq(role(1, 2), SL_PORT_BLOCKED);
    ck_assert_int_eq(role(2, 2), SL_PORT_BLOCKED);
    ck_assert_uint_eq(ST()->n_tree_links, 0);
    ck_assert_uint_eq(count(SL_EV_TREE_CHANGED), 0);

    tapi_lldp_pass(b, 2, a, 2);
    wait_role(1, 2, SL_PORT_TREE);
    wait_role(2, 2, SL_PORT_TREE);
    ck_assert_uint_eq(count(SL_EV_TREE_CHANGED), 1);
    ck_assert_uint_eq(last(SL_EV_TREE_CHANGED)->n_tree_links, 1);
    ck_assert_uint_eq(last(SL_EV_TREE_CHANGED)->n_switches, 2);
    uint64_t changes = ST()->tree_changes;

    tapi_lldp_pass(a, 2, b, 2);
    tapi_lldp_pass(b, 2, a, 2);
    test_loop_run_for(tapi.base, 0.1);
    ck_assert_uint_eq(count(SL_EV_TREE_CHANGED), 1);
    ck_assert_uint_eq(ST()->tree_changes, changes);
    teardown();
}
END_TEST


/* What topo_flood_all() says agrees with the port roles whenever an app
 * can ask (at every event), and a change of it changes the version (apps
 * cache it by version, as l2_learning does). */
START_TEST(tree_flood_all_consistent)
{
    struct fsw *s[3];

    setup_std(NULL);
    triangle(s);
    size_t m0 = n_recs;

    /* b:3 goes down: the blocked cable b-c is gone, c:2 is an edge port
     * (c's side saw no PORT_STATUS). */
    port_set(s[1], 3, false);
    const struct rec *down = last(SL_EV_PORT_DOWN);
    ck_assert_int_eq(role(3, 2), SL_PORT_EDGE);
    ck_assert(LOOP_UNTIL(topo_flood_all(T(), 3)));

    char why[1024] = "";
    size_t n = 0;
    for (size_t i = m0; i < n_recs; i++) {
        for (uint64_t d = 1; d <= 3; d++) {
            if (recs[i].flood_all_of[d] == recs[i].blocked_of[d]) {
                n += (size_t) snprintf(why + n, n < sizeof why
                                                ? sizeof why - n : 0,
                                       "at %s: flood_all(%" PRIu64 ") %s "
                                       "with %s blocked port; ",
                                       ev_name(recs[i].type), d,
                                       recs[i].flood_all_of[d] ? "true"
                                                               : "false",
                                       recs[i].blocked_of[d] ? "a" : "no");
            }
        }
    }
    if (topo_version(T()) == down->version
        && topo_flood_all(T(), 3) != down->flood_all_of[3]) {
        n += (size_t) snprintf(why + n, n < sizeof why ? sizeof why - n : 0,
                               "flood_all(3) went from false to true at the "
                               "same version %" PRIu64, down->version);
    }
    ck_assert_msg(n == 0, "%s", why);
    teardown();
}
END_TEST

/* A cable from a switch back to itself is a loop: blocked at both ends. */
START_TEST(tree_self_loop)
{
    setup_std(NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);

    tapi_lldp_pass(a, 1, a, 2);
    tapi_lldp_pass(a, 2, a, 1);
    tapi_lldp_pass(a, 3, b, 3);
    tapi_lldp_pass(b, 3, a, 3);
    ck_assert_uint_eq(ST()->n_links, 4);
    wait_role(1, 3, SL_PORT_TREE);
    wait_role(1, 1, SL_PORT_BLOCKED);
    wait_role(1, 2, SL_PORT_BLOCKED);
    ck_assert_uint_eq(ST()->n_tree_links, 1);
    ck_assert(!topo_flood_all(T(), 1));
    uint32_t ports[8];
    ck_assert_uint_eq(topo_flood_ports(T(), 1, ports, 8), 1);
    ck_assert_uint_eq(ports[0], 3);
    ck_assert_uint_eq(topo_next_hop(T(), 1, 2), 3);
    teardown();
}
END_TEST

START_TEST(paths_by_latency)
{
    struct sl_path_hop hops[4];
    struct sl_link links[8];

    setup_std(NULL);
    struct fsw *a = sw_up(1);
    struct fsw *b = sw_up(2);
    struct fsw *c = sw_up(3);

    /* The cable a:2 - b:2 takes a second each way; a:3 - c:3 and
     * c:2 - b:3 a millisecond (probes forged with the controller's key
     * and stamped in the past). */
    forge_pass(1, 2, 1.0, b, 2);
    forge_pass(2, 2, 1.0, a, 2);
    forge_pass(1, 3, 0.001, c, 3);
    forge_pass(3, 3, 0.001, a, 3);
    forge_pass(3, 2, 0.001, b, 3);
    forge_pass(2, 3, 0.001, c, 2);
    ck_assert_uint_eq(ST()->n_links, 6);
    ck_assert_uint_eq(topo_links(T(), 1, links, 8), 2);
    ck_assert(links[0].latency >= 1.0);
    ck_assert(links[1].latency >= 0.001);

    ck_assert_uint_eq(topo_path(T(), 1, 2, SL_PATH_HOPS, hops, 4), 2);
    assert_hop(&hops[0], 1, 0, 2);
    assert_hop(&hops[1], 2, 2, 0);
    ck_assert_uint_eq(topo_path(T(), 1, 2, SL_PATH_LATENCY, hops, 4), 3);
    assert_hop(&hops[0], 1, 0, 3);
    assert_hop(&hops[1], 3, 3, 2);
    assert_hop(&hops[2], 2, 3, 0);
    ck_assert_uint_eq(topo_path(T(), 2, 1, SL_PATH_LATENCY, hops, 4), 3);
    assert_hop(&hops[0], 2, 0, 3);
    assert_hop(&hops[1], 3, 2, 3);
    assert_hop(&hops[2], 1, 3, 0);
    ck_assert_uint_eq(topo_next_hop(T(), 1, 2), 2);
    ck_assert_uint_eq(topo_next_hop(T(), 1, 3), 3);
    ck_assert_uint_eq(topo_next_hop(T(), 2, 1), 2);
    teardown();
}
END_TEST

/* ====================================================================== */
/* hosts */

/* Two switches, a cable a:3 <-> b:3; ports 1 and 2 of both are edge
 * ports. */
static void
two_switches(struct fsw **a, struct fsw **b)
{
    *a = sw_up(1);
    *b = sw_up(2);
    tapi_lldp_pass(*a, 3, *b, 3);
    tapi_lldp_pass(*b, 3, *a, 3);
    wait_role(1, 3, SL_PORT_TREE);
    wait_role(2, 3, SL_PORT_TREE);
    for (uint32_t p = 1; p <= 2; p++) {
        wait_role(1, p, SL_PORT_EDGE);
        wait_role(2, p, SL_PORT_EDGE);
    }
}

static void
assert_host(const struct sl_topo_host *h, const uint8_t *mac, uint16_t vlan,
            uint64_t dpid, uint32_t port_no)
{
    ck_assert_ptr_nonnull(h);
    test_assert_bytes(h->mac, 6, mac, 6);
    ck_assert_uint_eq(h->vlan, vlan);
    ck_assert_uint_eq(h->dpid, dpid);
    ck_assert_uint_eq(h->port_no, port_no);
}

/* Hosts and their addresses, from frames the controller parsed to L2 only
 * ('l2_only': no app reads further, the topology parses the rest itself)
 * or whole. */
static void
check_hosts_learned(bool l2_only)
{
    struct fsw *a, *b;
    uint8_t m1[6], m2[6], f[128];
    uint8_t src[16], target[16], want[16];
    const struct sl_topo_host *hs[4];

    setup_std(NULL);
    /* No app: nothing reads past L2. */
    ck_assert(tapi.ctl.dps.packet_l2_only);
    tapi.ctl.dps.packet_l2_only = l2_only;
    two_switches(&a, &b);
    mac_of(m1, 0x11);
    mac_of(m2, 0x12);

    /* An ARP request: the host, its IPv4 address from the sender's. */
    double before = sl_wall_clock();
    send_arp(a, 1, m1, 0x0a000001, NOVLAN);
    const struct sl_topo_host *h = host(m1, NOVLAN);
    assert_host(h, m1, NOVLAN, 1, 1);
    ck_assert_uint_eq(h->n_ipv4, 1);
    ck_assert_uint_eq(h->ipv4[0], 0x0a000001);
    ck_assert_uint_eq(h->n_ipv6, 0);
    ck_assert(h->first_seen >= before - WALL_SLACK);
    ck_assert(h->first_seen <= sl_wall_clock() + WALL_SLACK);
    ck_assert(h->last_seen == h->first_seen);
    ck_assert_uint_eq(ST()->n_hosts, 1);
    ck_assert_uint_eq(ST()->host_add, 1);
    const struct rec *r = last(SL_EV_HOST_ADD);
    assert_host(&r->host, m1, NOVLAN, 1, 1);
    ck_assert_uint_eq(r->dpid, 1);

    /* IPv4 sources, newest first, SL_HOST_MAX_ADDRS kept. */
    size_t len = udp4_frame(f, m1, 0x0a00000b, NULL);
    tapi_packet_in(a, 1, f, len);
    ck_assert_uint_eq(h->n_ipv4, 2);
    ck_assert_uint_eq(h->ipv4[0], 0x0a00000b);
    ck_assert_uint_eq(h->ipv4[1], 0x0a000001);
    ck_assert(h->last_seen >= h->first_seen);
    for (uint32_t ip = 0x0a00000c; ip <= 0x0a00000e; ip++) {
        len = udp4_frame(f, m1, ip, NULL);
        tapi_packet_in(a, 1, f, len);
    }
    ck_assert_uint_eq(h->n_ipv4, SL_HOST_MAX_ADDRS);
    ck_assert_uint_eq(h->ipv4[0], 0x0a00000e);
    ck_assert_uint_eq(h->ipv4[1], 0x0a00000d);
    ck_assert_uint_eq(h->ipv4[2], 0x0a00000c);
    ck_assert_uint_eq(h->ipv4[3], 0x0a00000b);
    /* One seen again moves to the front. */
    send_arp(a, 1, m1, 0x0a00000c, NOVLAN);
    ck_assert_uint_eq(h->ipv4[0], 0x0a00000c);
    ck_assert_uint_eq(h->ipv4[1], 0x0a00000e);
    ck_assert_uint_eq(h->ipv4[2], 0x0a00000d);
    ck_assert_uint_eq(h->ipv4[3], 0x0a00000b);
    /* No address: an ARP probe (sender 0), IPv4 from 0.0.0.0. */
    send_arp(a, 1, m1, 0, NOVLAN);
    len = udp4_frame(f, m1, 0, NULL);
    tapi_packet_in(a, 1, f, len);
    ck_assert_uint_eq(h->ipv4[0], 0x0a00000c);
    ck_assert_uint_eq(h->n_ipv4, SL_HOST_MAX_ADDRS);
    ck_assert_uint_eq(ST()->n_hosts, 1);
    ck_assert_uint_eq(count(SL_EV_HOST_ADD), 1);

    /* IPv6: the source of a Neighbor Solicitation (not its target). */
    ip6(src, 0x2001, 2);
    ip6(target, 0x2001, 0x99);
    len = nd_frame(f, m2, OFP_ICMPV6_ND_NS, src, target);
    tapi_packet_in(a, 2, f, len);
    h = host(m2, NOVLAN);
    assert_host(h, m2, NOVLAN, 1, 2);
    ck_assert_uint_eq(h->n_ipv4, 0);
    ck_assert_uint_eq(h->n_ipv6, 1);
    ck_assert(!memcmp(h->ipv6[0], src, 16));
    /* A Neighbor Advertisement: its source and its target. */
    ip6(src, 0xfe80, 2);
    ip6(target, 0x2001, 0x22);
    len = nd_frame(f, m2, OFP_ICMPV6_ND_NA, src, target);
    tapi_packet_in(a, 2, f, len);
    ck_assert_uint_eq(h->n_ipv6, 3);
    ck_assert(!memcmp(h->ipv6[0], target, 16));
    ck_assert(!memcmp(h->ipv6[1], src, 16));
    ip6(want, 0x2001, 2);
    ck_assert(!memcmp(h->ipv6[2], want, 16));
    /* Duplicate address detection (source ::): nothing to learn. */
    memset(src, 0, 16);
    ip6(target, 0x2001, 0x77);
    len = nd_frame(f, m2, OFP_ICMPV6_ND_NS, src, target);
    tapi_packet_in(a, 2, f, len);
    ck_assert_uint_eq(h->n_ipv6, 3);

    /* Found by address and MAC; listed sorted. */
    ip6(want, 0x2001, 0x22);
    ck_assert_ptr_eq(topo_host_by_ipv6(T(), want), host(m2, NOVLAN));
    ck_assert_ptr_eq(topo_host_by_ipv4(T(), 0x0a00000d), host(m1, NOVLAN));
    ck_assert_ptr_null(topo_host_by_ipv4(T(), 0x0a000063));
    ck_assert_ptr_eq(topo_host_by_mac(T(), m2), host(m2, NOVLAN));
    /* (Time passes: the stamps come from the loop's coarse clock.) */
    test_loop_run_for(tapi.base, 0.1);
    send_arp(b, 1, m1, 0x0a000001, 7);
    ck_assert_uint_eq(topo_hosts(T(), 0, hs, 4), 3);
    assert_host(hs[0], m1, NOVLAN, 1, 1);
    assert_host(hs[1], m2, NOVLAN, 1, 2);
    assert_host(hs[2], m1, 7, 2, 1);
    ck_assert_uint_eq(topo_hosts(T(), 2, hs, 4), 1);
    ck_assert_uint_eq(topo_hosts(T(), 1, NULL, 0), 2);
    ck_assert_uint_eq(topo_hosts(T(), 9, hs, 4), 0);
    /* by MAC: the one seen last. */
    ck_assert_ptr_eq(topo_host_by_mac(T(), m1), host(m1, 7));
    teardown();
}

START_TEST(hosts_learned)
{
    check_hosts_learned(true);
}
END_TEST

START_TEST(hosts_learned_from_whole_parse)
{
    check_hosts_learned(false);
}
END_TEST

START_TEST(hosts_vlan_and_move)
{
    struct fsw *a, *b;
    uint8_t m3[6];

    setup_std(NULL);
    two_switches(&a, &b);
    mac_of(m3, 0x33);

    /* The outer VLAN is part of the identity. */
    send_arp(a, 1, m3, 0x0a000003, 42);
    assert_host(host(m3, 42), m3, 42, 1, 1);
    ck_assert_ptr_null(host(m3, NOVLAN));
    send_arp(a, 1, m3, 0x0a000003, NOVLAN);
    assert_host(host(m3, NOVLAN), m3, NOVLAN, 1, 1);
    ck_assert_uint_eq(ST()->n_hosts, 2);
    ck_assert_uint_eq(count(SL_EV_HOST_ADD), 2);

    /* Seen at another edge port: it moved (the tagged one did not). */
    send_arp(a, 2, m3, 0x0a000003, NOVLAN);
    const struct rec *r = last(SL_EV_HOST_MOVE);
    assert_host(&r->host, m3, NOVLAN, 1, 2);
    ck_assert_uint_eq(r->old_dpid, 1);
    ck_assert_uint_eq(r->old_port, 1);
    assert_host(host(m3, NOVLAN), m3, NOVLAN, 1, 2);
    assert_host(host(m3, 42), m3, 42, 1, 1);
    ck_assert_uint_eq(ST()->n_hosts, 2);
    ck_assert_uint_eq(ST()->host_move, 1);

    /* To another switch. */
    send_arp(b, 1, m3, 0x0a000003, NOVLAN);
    r = last(SL_EV_HOST_MOVE);
    assert_host(&r->host, m3, NOVLAN, 2, 1);
    ck_assert_uint_eq(r->dpid, 2);
    ck_assert_uint_eq(r->old_dpid, 1);
    ck_assert_uint_eq(r->old_port, 2);
    ck_assert_uint_eq(host(m3, NOVLAN)->ipv4[0], 0x0a000003);
    ck_assert_uint_eq(host(m3, NOVLAN)->n_ipv4, 1);

    /* Seen again where it is: no move. */
    send_arp(b, 1, m3, 0x0a000003, NOVLAN);
    ck_assert_uint_eq(count(SL_EV_HOST_MOVE), 2);
    ck_assert_uint_eq(count(SL_EV_HOST_ADD), 2);
    teardown();
}
END_TEST

/* Sends a PORT_STATUS bringing port 'no' of 's' up and, in the same write
 * (so the controller reads both in one batch), 'frame' as a PACKET_IN on
 * that port; waits until both were read. */
static void
port_up_and_packet_in(struct fsw *s, uint32_t no, const void *frame,
                      size_t len)
{
    uint64_t before = tapi.ctl.dps.rx_by_type[OFPT_PACKET_IN];
    struct ofp_oxm oxm;
    struct ofp_msg m;

    ofp_msg_init(&m, OFPT_PORT_STATUS, 0);
    m.port_status.reason = OFPPR_MODIFY;
    m.port_status.desc = mkport(no, 0, 0);
    fsw_send(s, &m);
    packet_in_msg(&m, &oxm, no, frame, len);
    fsw_send(s, &m);
    ck_assert(LOOP_UNTIL(tapi.ctl.dps.rx_by_type[OFPT_PACKET_IN] > before));
}

START_TEST(hosts_not_learned)
{
    struct fsw *a, *b;
    uint8_t mac[6], f[64];
    size_t len;

    setup_std(NULL);
    two_switches(&a, &b);

    /* Multicast, broadcast and all-zero sources are no hosts. */
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t zero[6] = {0};
    send_arp(a, 1, mcast, 0x0a000001, NOVLAN);
    send_arp(a, 1, bcast, 0x0a000001, NOVLAN);
    send_arp(a, 1, zero, 0x0a000001, NOVLAN);
    ck_assert_uint_eq(ST()->n_hosts, 0);

    /* Frames on a link port, a reserved or unknown port, or without a
     * port, are copies from elsewhere. */
    mac_of(mac, 0x44);
    send_arp(a, 3, mac, 0x0a000004, NOVLAN);
    send_arp(a, OFPP_LOCAL, mac, 0x0a000004, NOVLAN);
    send_arp(a, 9, mac, 0x0a000004, NOVLAN);
    send_arp(a, 0, mac, 0x0a000004, NOVLAN);
    ck_assert_uint_eq(ST()->n_hosts, 0);
    ck_assert_ptr_null(host(mac, NOVLAN));

    /* Less than an Ethernet header; an LLDP frame: nothing learned. */
    tapi_packet_in(a, 1, "\x02\x00\x00\x00\x00\x44\x02\x00", 8);
    ck_assert_uint_eq(ST()->n_hosts, 0);

    /* On a port that just came up (pending): not yet. */
    port_set(a, 2, false);
    len = arp_frame(f, mac, 0x0a000004, NOVLAN);
    port_up_and_packet_in(a, 2, f, len);
    ck_assert_int_eq(last(SL_EV_PORT_UP)->role, SL_PORT_PENDING);
    ck_assert_ptr_null(host(mac, NOVLAN));
    ck_assert_uint_eq(ST()->n_hosts, 0);
    /* Once it is an edge port, yes. */
    wait_role(1, 2, SL_PORT_EDGE);
    send_arp(a, 2, mac, 0x0a000004, NOVLAN);
    assert_host(host(mac, NOVLAN), mac, NOVLAN, 1, 2);
    ck_assert_uint_eq(ST()->hosts_not_learned, 0);
    teardown();
}
END_TEST

START_TEST(hosts_removed)
{
    struct fsw *a, *b;
    uint8_t h1[6], h2[6], h3[6], h4[6];

    setup_std(NULL);
    two_switches(&a, &b);
    mac_of(h1, 1);
    mac_of(h2, 2);
    mac_of(h3, 3);
    mac_of(h4, 4);
    send_arp(a, 1, h1, 0x0a000001, NOVLAN);
    send_arp(a, 2, h2, 0x0a000002, NOVLAN);
    send_arp(b, 1, h3, 0x0a000003, NOVLAN);
    send_arp(b, 2, h4, 0x0a000004, NOVLAN);
    ck_assert_uint_eq(ST()->n_hosts, 4);

    /* Its port goes down: the host goes with it. */
    size_t m0 = n_recs;
    port_set(a, 1, false);
    ck_assert_ptr_null(host(h1, NOVLAN));
    ck_assert_uint_eq(ST()->n_hosts, 3);
    ck_assert_uint_eq(count_from(m0, SL_EV_HOST_REMOVE), 1);
    assert_host(&last(SL_EV_HOST_REMOVE)->host, h1, NOVLAN, 1, 1);

    /* A link turns up on a host's port (b:2 <-> a:2): both ends' hosts
     * were no hosts. */
    m0 = n_recs;
    tapi_lldp_pass(b, 2, a, 2);
    tapi_lldp_pass(a, 2, b, 2);
    ck_assert_ptr_null(host(h2, NOVLAN));
    ck_assert_ptr_null(host(h4, NOVLAN));
    assert_host(host(h3, NOVLAN), h3, NOVLAN, 2, 1);
    ck_assert_uint_eq(count_from(m0, SL_EV_HOST_REMOVE), 2);
    ck_assert_uint_eq(ST()->n_hosts, 1);
    /* ...and no host is learned there any more. */
    send_arp(a, 2, h2, 0x0a000002, NOVLAN);
    ck_assert_ptr_null(host(h2, NOVLAN));

    /* The switch goes: its hosts too. */
    m0 = n_recs;
    sw_disconnect(b);
    ck_assert(LOOP_UNTIL(ST()->n_hosts == 0));
    ck_assert_ptr_null(host(h3, NOVLAN));
    ck_assert_uint_eq(count_from(m0, SL_EV_HOST_REMOVE), 1);
    ck_assert_uint_eq(ST()->host_remove, 4);
    teardown();
}
END_TEST

START_TEST(hosts_age_out)
{
    uint8_t h1[6];

    setup(NULL, 0.2, 60, "host_timeout: 0.3");
    struct fsw *a = sw_up(1);
    wait_role(1, 1, SL_PORT_EDGE);
    mac_of(h1, 1);
    send_arp(a, 1, h1, 0x0a000001, NOVLAN);
    assert_host(host(h1, NOVLAN), h1, NOVLAN, 1, 1);

    ck_assert(LOOP_UNTIL(ST()->n_hosts == 0));
    ck_assert_ptr_null(host(h1, NOVLAN));
    assert_host(&last(SL_EV_HOST_REMOVE)->host, h1, NOVLAN, 1, 1);
    ck_assert_uint_eq(ST()->host_remove, 1);
    teardown();
}
END_TEST

START_TEST(hosts_table_full)
{
    uint8_t h1[6], h2[6], h3[6];

    setup(NULL, 0.2, 60, "max_hosts: 2");
    struct fsw *a = sw_up(1);
    for (uint32_t p = 1; p <= 3; p++) {
        wait_role(1, p, SL_PORT_EDGE);
    }
    mac_of(h1, 1);
    mac_of(h2, 2);
    mac_of(h3, 3);
    send_arp(a, 1, h1, 0x0a000001, NOVLAN);
    send_arp(a, 2, h2, 0x0a000002, NOVLAN);
    send_arp(a, 3, h3, 0x0a000003, NOVLAN);
    ck_assert_uint_eq(ST()->n_hosts, 2);
    ck_assert_ptr_null(host(h3, NOVLAN));
    ck_assert_uint_eq(ST()->hosts_not_learned, 1);
    ck_assert_uint_eq(count(SL_EV_HOST_ADD), 2);

    /* Known hosts still move while the table is full. */
    send_arp(a, 3, h1, 0x0a000001, NOVLAN);
    assert_host(host(h1, NOVLAN), h1, NOVLAN, 1, 3);
    ck_assert_uint_eq(ST()->hosts_not_learned, 1);

    /* A place frees up: the new host is learned. */
    port_set(a, 2, false);
    ck_assert_uint_eq(ST()->n_hosts, 1);
    send_arp(a, 1, h3, 0x0a000003, NOVLAN);
    assert_host(host(h3, NOVLAN), h3, NOVLAN, 1, 1);
    ck_assert_uint_eq(ST()->n_hosts, 2);
    teardown();
}
END_TEST

/* The copies of ARP and ND the topology's flows send up teach hosts and
 * stop there: the frame goes on in the switch, and the apps hear of it
 * only if the pipeline sends it up again. */
START_TEST(hosts_from_copies)
{
    const struct ofp_port ports[] = {
        mkport(1, 0, 0), mkport(2, 0, 0), mkport(OFPP_LOCAL, 0, 0),
    };
    struct seen seen = {.dpid = 1, .t0 = mono_ns()};
    uint8_t h1[6], h2[6], f[128], src[16], target[16];
    struct pout po;
    size_t len;

    setup_std("[{name: hub}]");
    struct fsw *a = sw_up_ports(1, ports, 3);
    double deadline = test_loop_now() + FSW_STEP_TIMEOUT;
    while (!sl_flowprog_is_synced(tapi.ctl.flowprog, 1)) {
        ck_assert(test_loop_now() < deadline);
        pump(a, 0.02, seen_cb, &seen);
    }
    ck_assert(seen.copy_arp);
    wait_role(1, 1, SL_PORT_EDGE);
    wait_role(1, 2, SL_PORT_EDGE);

    mac_of(h1, 1);
    len = arp_frame(f, h1, 0x0a000001, NOVLAN);
    packet_in_from(a, 1, f, len, 0, seen.copy_cookie);
    assert_host(host(h1, NOVLAN), h1, NOVLAN, 1, 1);
    ck_assert_uint_eq(host(h1, NOVLAN)->ipv4[0], 0x0a000001);
    mac_of(h2, 2);
    ip6(src, 0xfe80, 2);
    ip6(target, 0x2001, 2);
    len = nd_frame(f, h2, OFP_ICMPV6_ND_NA, src, target);
    packet_in_from(a, 2, f, len, 0, seen.copy_cookie);
    assert_host(host(h2, NOVLAN), h2, NOVLAN, 1, 2);
    ck_assert_uint_eq(host(h2, NOVLAN)->n_ipv6, 2);

    /* The hub heard of neither: the first frame it floods is this one,
     * sent up again by the last table. */
    len = arp_frame(f, h1, 0x0a000001, NOVLAN);
    packet_in_from(a, 1, f, len, 2, 0);
    next_app_out(a, &po);
    ck_assert_uint_eq(po.in_port, 1);
    test_assert_bytes(po.data, po.len, f, len);

    /* The same cookie from another table is not a copy. */
    len = nd_frame(f, h2, OFP_ICMPV6_ND_NA, src, target);
    packet_in_from(a, 2, f, len, 1, seen.copy_cookie);
    next_app_out(a, &po);
    ck_assert_uint_eq(po.in_port, 2);
    test_assert_bytes(po.data, po.len, f, len);
    teardown();
}
END_TEST

/* No host table at all: every new host is counted as not learned. */
START_TEST(hosts_none_allowed)
{
    uint8_t h1[6];

    setup(NULL, 0.2, 60, "max_hosts: 0");
    struct fsw *a = sw_up(1);
    wait_role(1, 1, SL_PORT_EDGE);
    mac_of(h1, 1);
    send_arp(a, 1, h1, 0x0a000001, NOVLAN);
    ck_assert_uint_eq(ST()->n_hosts, 0);
    ck_assert_ptr_null(host(h1, NOVLAN));
    ck_assert_uint_eq(topo_hosts(T(), 0, NULL, 0), 0);
    ck_assert_uint_eq(ST()->hosts_not_learned, 1);
    teardown();
}
END_TEST

/* Hosts added, moved and removed in random order, checked against a
 * reference after every step: the host table is small (64 hosts in 128
 * slots), so runs of colliding slots form and deletions shift them. */
#define RND_PORTS 16
#define RND_KEYS 200
#define RND_MAX 64
#define RND_OPS 2000

struct ref_host {
    uint8_t mac[6];
    uint16_t vlan;
    bool present;
    uint32_t port_no;
};

static uint64_t rnd_state;

static uint32_t
rnd(uint32_t n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (uint32_t) ((rnd_state >> 11) % n);
}

static void
ref_check(const struct ref_host *ref, size_t n_present)
{
    for (size_t k = 0; k < RND_KEYS; k++) {
        const struct sl_topo_host *h = host(ref[k].mac, ref[k].vlan);
        if (ref[k].present) {
            ck_assert_msg(h != NULL, "host %zu lost", k);
            assert_host(h, ref[k].mac, ref[k].vlan, 1, ref[k].port_no);
        } else {
            ck_assert_msg(h == NULL, "host %zu still there", k);
        }
    }
    ck_assert_uint_eq(ST()->n_hosts, n_present);
    ck_assert_uint_eq(topo_hosts(T(), 0, NULL, 0), n_present);
}

START_TEST(hosts_random)
{
    struct ofp_port ports[RND_PORTS];
    struct ref_host ref[RND_KEYS];
    size_t n_present = 0, ops = 0;
    uint64_t added = 0, removed = 0, moved = 0, refused = 0;

    for (uint32_t i = 0; i < RND_PORTS; i++) {
        ports[i] = mkport(i + 1, 0, 0);
    }
    /* Pairs of keys share a MAC, on two VLANs. */
    memset(ref, 0, sizeof ref);
    for (uint32_t k = 0; k < RND_KEYS; k++) {
        mac_of(ref[k].mac, 0x5a000000u + (k / 2) * 7919u);
        ref[k].vlan = k % 2 ? (uint16_t) (1 + k % 4000) : NOVLAN;
    }
    rnd_state = 0x9e3779b97f4a7c15ull;

    setup(NULL, 1.0, 60, "max_hosts: 64");
    tapi.ctl.dps.settings.packet_in_rate = 0;
    struct fsw *s = sw_up_ports(1, ports, RND_PORTS);
    tapi_settle(s);
    for (uint32_t p = 1; p <= RND_PORTS; p++) {
        wait_role(1, p, SL_PORT_EDGE);
    }

    while (ops < RND_OPS) {
        /* Frames from random hosts at random ports. */
        for (int i = 0; i < 48; i++) {
            uint32_t k = rnd(RND_KEYS);
            uint32_t p = 1 + rnd(RND_PORTS);
            send_arp(s, p, ref[k].mac, 0x0a000000u | k, ref[k].vlan);
            if (ref[k].present) {
                moved += ref[k].port_no != p;
                ref[k].port_no = p;
            } else if (n_present < RND_MAX) {
                ref[k].present = true;
                ref[k].port_no = p;
                n_present++;
                added++;
                ops++;
            } else {
                refused++;
            }
        }
        ref_check(ref, n_present);

        /* A random third of the ports go down, taking their hosts. */
        uint32_t order[RND_PORTS];
        for (uint32_t i = 0; i < RND_PORTS; i++) {
            order[i] = i + 1;
        }
        for (uint32_t i = RND_PORTS - 1; i > 0; i--) {
            uint32_t j = rnd(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        uint32_t n_down = 3 + rnd(6);
        for (uint32_t i = 0; i < n_down; i++) {
            port_set(s, order[i], false);
            for (size_t k = 0; k < RND_KEYS; k++) {
                if (ref[k].present && ref[k].port_no == order[i]) {
                    ref[k].present = false;
                    n_present--;
                    removed++;
                    ops++;
                }
            }
            ref_check(ref, n_present);
        }
        for (uint32_t i = 0; i < n_down; i++) {
            port_set(s, order[i], true);
        }
        for (uint32_t i = 0; i < n_down; i++) {
            wait_role(1, order[i], SL_PORT_EDGE);
        }
        drain(s);
        n_recs = 0;
    }
    ck_assert_uint_eq(ST()->host_add, added);
    ck_assert_uint_eq(ST()->host_remove, removed);
    ck_assert_uint_eq(ST()->host_move, moved);
    ck_assert_uint_eq(ST()->hosts_not_learned, refused);
    ck_assert_uint_gt(refused, 0);
    ck_assert_uint_eq(tapi.ctl.dps.n_packet_in_dropped, 0);
    teardown();
}
END_TEST

/* ====================================================================== */
/* l2_learning on the tree */

#define L2_APPS "[{name: l2_learning}]"
/* The reactive mode learns from packet-ins itself (on pending ports too)
 * and flushes what it learned when the tree changes. */
#define L2_REACTIVE_APPS "[{name: l2_learning, config: {mode: reactive}}]"

START_TEST(l2_floods_on_tree)
{
    struct fsw *s[3];
    struct pout po;
    uint8_t f[64], mac[6];
    size_t len;

    setup_std(L2_APPS);
    triangle(s);

    /* b:3 is blocked: a broadcast from b's edge port leaves by the tree
     * port only, listed. */
    mac_of(mac, 0xb1);
    len = arp_frame(f, mac, 0x0a0000b1, NOVLAN);
    tapi_packet_in(s[1], 1, f, len);
    next_app_out(s[1], &po);
    ck_assert_uint_eq(po.in_port, 1);
    test_assert_bytes(po.data, po.len, f, len);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], 2);

    /* Likewise on c (c:2 blocked). */
    mac_of(mac, 0xc1);
    len = arp_frame(f, mac, 0x0a0000c1, NOVLAN);
    tapi_packet_in(s[2], 1, f, len);
    next_app_out(s[2], &po);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], 3);

    /* Arriving on b's tree port: out of the edge port. */
    mac_of(mac, 0xa9);
    len = arp_frame(f, mac, 0x0a0000a9, NOVLAN);
    tapi_packet_in(s[1], 2, f, len);
    next_app_out(s[1], &po);
    ck_assert_uint_eq(po.in_port, 2);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], 1);

    /* a has nothing blocked: one OFPP_FLOOD. */
    mac_of(mac, 0xa1);
    len = arp_frame(f, mac, 0x0a0000a1, NOVLAN);
    tapi_packet_in(s[0], 1, f, len);
    next_app_out(s[0], &po);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], OFPP_FLOOD);
    teardown();
}
END_TEST

START_TEST(l2_blocked_port_dropped)
{
    struct fsw *s[3];
    struct pout po;
    uint8_t f[64], m1[6], m2[6];
    size_t len;

    setup_std(L2_APPS);
    triangle(s);
    mac_of(m1, 0x01);
    mac_of(m2, 0x02);

    /* m2's broadcast comes round the loop into b's blocked port: dropped
     * (the next PACKET_OUT b gets is for the frame after it). */
    len = arp_frame(f, m2, 0x0a000002, NOVLAN);
    tapi_packet_in(s[1], 3, f, len);
    len = arp_frame(f, m1, 0x0a000001, NOVLAN);
    expect_out_is_next(s[1], 1, f, len, &po);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], 2);

    /* ...and not learned: a frame to m2 is flooded, not sent to b:3. */
    len = udp4_frame(f, m1, 0x0a000001, m2);
    tapi_packet_in(s[1], 1, f, len);
    next_app_out(s[1], &po);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], 2);

    /* m1 was learned at b:1: a frame to it goes there. */
    len = udp4_frame(f, m2, 0x0a000002, m1);
    tapi_packet_in(s[1], 2, f, len);
    next_app_out(s[1], &po);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], 1);
    teardown();
}
END_TEST

START_TEST(l2_tree_change_forgets)
{
    struct fsw *s[3];
    struct pout po;
    uint8_t f[64], m1[6], m2[6];
    size_t len;

    setup_std(L2_REACTIVE_APPS);
    triangle(s);
    mac_of(m1, 0x01);
    mac_of(m2, 0x02);
    send_arp(s[1], 1, m1, 0x0a000001, NOVLAN);
    next_app_out(s[1], &po);
    len = udp4_frame(f, m2, 0x0a000002, m1);
    tapi_packet_in(s[1], 2, f, len);
    next_app_out(s[1], &po);
    ck_assert_uint_eq(po.out[0], 1);

    /* The tree changes (a-b goes, b-c joins): what b learned is
     * forgotten, the frame to m1 is flooded again -- by OFPP_FLOOD, b
     * having nothing blocked any more. */
    port_set(s[0], 2, false);
    wait_role(2, 3, SL_PORT_TREE);
    len = udp4_frame(f, m2, 0x0a000002, m1);
    tapi_packet_in(s[1], 3, f, len);
    next_app_out(s[1], &po);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], OFPP_FLOOD);
    teardown();
}
END_TEST

START_TEST(l2_single_switch)
{
    struct pout po;
    uint8_t f[64], mac[6];

    setup_std(L2_REACTIVE_APPS);
    struct fsw *a = sw_up(1);
    for (uint32_t p = 1; p <= 3; p++) {
        wait_role(1, p, SL_PORT_EDGE);
    }
    mac_of(mac, 0x01);
    size_t len = arp_frame(f, mac, 0x0a000001, NOVLAN);
    tapi_packet_in(a, 2, f, len);
    next_app_out(a, &po);
    ck_assert_uint_eq(po.in_port, 2);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], OFPP_FLOOD);
    test_assert_bytes(po.data, po.len, f, len);

    /* A port that just came up (pending) is not blocked: its frames are
     * flooded and its hosts learned. */
    port_set(a, 3, false);
    mac_of(mac, 0x03);
    len = arp_frame(f, mac, 0x0a000003, NOVLAN);
    port_up_and_packet_in(a, 3, f, len);
    ck_assert_int_eq(last(SL_EV_PORT_UP)->role, SL_PORT_PENDING);
    next_app_out(a, &po);
    ck_assert_uint_eq(po.in_port, 3);
    ck_assert_uint_eq(po.out[0], OFPP_FLOOD);
    uint8_t m1[6];
    mac_of(m1, 0x01);
    len = udp4_frame(f, m1, 0x0a000001, mac);
    tapi_packet_in(a, 1, f, len);
    next_app_out(a, &po);
    ck_assert_uint_eq(po.n_out, 1);
    ck_assert_uint_eq(po.out[0], 3);
    teardown();
}
END_TEST

/* ====================================================================== */

static Suite *
topo_suite(void)
{
    Suite *s = suite_create("topo");
    TCase *tc = tcase_create("discovery");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, probes_on_switch_up);
    tcase_add_test(tc, links_discovered);
    tcase_add_test(tc, link_latency_smoothed);
    tcase_add_test(tc, link_port_down_and_up);
    tcase_add_test(tc, link_port_deleted_and_added);
    tcase_add_test(tc, link_switch_down);
    tcase_add_test(tc, link_down_reasons);
    tcase_add_test(tc, link_ages_out);
    suite_add_tcase(s, tc);

    tc = tcase_create("lldp");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, lldp_forged_and_invalid);
    tcase_add_test(tc, lldp_stale_after_timeout);
    suite_add_tcase(s, tc);

    tc = tcase_create("ports");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, port_roles);
    tcase_add_test(tc, port_roles_tree_blocked);
    tcase_add_test(tc, topology_disabled);
    suite_add_tcase(s, tc);

    tc = tcase_create("tree");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, tree_triangle);
    tcase_add_test(tc, tree_cable_down);
    tcase_add_test(tc, tree_blocked_cable_down);
    tcase_add_test(tc, tree_switch_leaves);
    tcase_add_test(tc, tree_one_cable);
    tcase_add_test(tc, tree_flood_all_consistent);
    tcase_add_test(tc, tree_self_loop);
    tcase_add_test(tc, paths_by_latency);
    suite_add_tcase(s, tc);

    tc = tcase_create("hosts");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, hosts_learned);
    tcase_add_test(tc, hosts_learned_from_whole_parse);
    tcase_add_test(tc, hosts_vlan_and_move);
    tcase_add_test(tc, hosts_not_learned);
    tcase_add_test(tc, hosts_removed);
    tcase_add_test(tc, hosts_age_out);
    tcase_add_test(tc, hosts_table_full);
    tcase_add_test(tc, hosts_none_allowed);
    tcase_add_test(tc, hosts_from_copies);
    tcase_add_test(tc, hosts_random);
    suite_add_tcase(s, tc);

    tc = tcase_create("l2_learning");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, l2_floods_on_tree);
    tcase_add_test(tc, l2_blocked_port_dropped);
    tcase_add_test(tc, l2_tree_change_forgets);
    tcase_add_test(tc, l2_single_switch);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    /* Switches that disconnect leave the controller writing to closed
     * sockets, as the daemon ignores. */
    signal(SIGPIPE, SIG_IGN);
    return test_run_suite(topo_suite());
}
