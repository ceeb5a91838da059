/* topo: the topology service (see topo.h for what it promises). */
#include <config.h>
#include "topology/topo.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <event2/event.h>
#include "controller/controller.h"
#include "controller/hmap.h"
#include "controller/list.h"
#include "controller/log.h"
#include "controller/util.h"
#include "ofproto/ofp-packet.h"
#include "topology/graph.h"
#include "topology/lldp.h"

SL_LOG_MODULE(topology);

/* Link up/down lines: every one while the network is calm, a sample with
 * the count of the others when a thousand switches are discovered. */
static struct sl_log_rl topo_rl_links = SL_LOG_RL_INIT(50, 500);

/* Immediate probes allowed per tick when switches come up (beyond them,
 * ports wait for their wheel slot: a thousand switches connecting at once
 * do not send their probes in one burst). */
#define TOPO_BURST 256
/* Priority of the LLDP punt flow (table 0). */
#define TOPO_PUNT_PRIORITY 65535
/* Priority of the flows copying ARP and ND to the controller (table 0):
 * just above the table-miss flow, so any rule of the acl table (an
 * anti-spoofing drop, an allow) takes precedence over the copy. */
#define TOPO_COPY_PRIORITY 1
/* Cookie sequences of the topology's flows (owner SL_OWNER_CORE). */
#define TOPO_SEQ_PUNT (UINT64_C(1) << 39 | 1)
#define TOPO_SEQ_COPY (UINT64_C(1) << 39 | 2)
/* Least time between two computations of the tree. */
#define TOPO_TREE_GAP 0.02

struct topo_switch;

struct topo_port {
    struct topo_switch *sw;
    uint32_t port_no;
    uint8_t hw_addr[6];
    char name[OFP_MAX_PORT_NAME_LEN + 1];
    bool live;              /* up, not reserved */
    bool pending;           /* live, waiting for its first probe + grace */
    bool tree;              /* a link here is on the spanning tree */
    bool tree_was;          /* 'tree' before the last computation */
    bool probed;            /* its first probe went out */
    int slot;               /* wheel slot, -1 when not in the wheel */
    double probed_at;       /* monotonic, of the first probe */
    struct sl_list wheel_node;   /* in t->wheel[slot] */
    struct sl_list pending_node; /* in t->pending, while probed && pending */
    struct sl_list links_out;    /* struct topo_link by 'out_node' */
    struct sl_list links_in;     /* struct topo_link by 'in_node' */
    size_t n_links;              /* confirmed links, out + in */
    size_t n_seen;               /* links seen, confirmed or not */
};

struct topo_switch {
    struct sl_hmap_node node; /* in t->switches, by dpid */
    uint64_t dpid;
    struct sl_datapath *dp;
    uint32_t index;           /* in t->by_index */
    struct topo_port **ports; /* sorted by port_no */
    size_t n_ports;
    size_t n_restricted;      /* blocked ports */
};

struct topo_link {
    struct sl_hmap_node node; /* in t->links */
    struct sl_link pub;
    struct topo_port *src, *dst;
    struct sl_list out_node, in_node;
    struct sl_list lru_node;  /* in t->lru, oldest first */
    double last_seen;         /* monotonic */
    bool in_tree;
    bool confirmed;           /* the reverse direction is seen too */
};

struct topo_host {
    struct sl_topo_host pub;
    uint64_t key;             /* mac | vlan << 48 */
};

struct topo {
    struct sl_controller *ctl;
    struct event_base *base;
    bool enabled;
    double interval, timeout, host_timeout;
    struct topo_lldp_key *key;

    struct sl_hmap switches;           /* struct topo_switch by dpid */
    struct topo_switch **by_index;
    size_t n_switches, cap_switches;

    struct sl_hmap links;              /* struct topo_link by endpoints */
    struct sl_list lru;
    size_t n_links;                    /* confirmed */
    size_t n_records;                  /* seen, confirmed or not */

    /* Probes. */
    struct sl_list wheel[TOPO_WHEEL_SLOTS];
    size_t wheel_load[TOPO_WHEEL_SLOTS];
    unsigned int tick;
    struct event *tick_timer;
    unsigned int burst;                /* immediate probes this tick */
    struct sl_list pending;            /* ports probed, still pending */

    /* Hosts: a dense array, indexed by an open-addressing table of
     * positions + 1 (0 free), linear probing, backward-shift deletion.
     * Probing reads one-byte tags (8 bits of the key's hash the index does
     * not use, never 0), 64 to a cache line, and a host's key only when
     * its tag matches: under a flood of unknown sources (a full table, or
     * spoofing) a lookup touches the tags alone, not the hosts. */
    struct topo_host *hosts;
    size_t n_hosts, max_hosts;
    bool hosts_full;                   /* said so in the log */
    uint8_t *host_tags;
    uint32_t *host_slots;
    size_t host_mask;
    struct event *host_timer;

    /* Graph, rebuilt on demand when 'graph_version' != 'version'. */
    uint64_t version;
    uint64_t graph_version;
    struct topo_graph *graph;
    struct topo_link **arc_links;      /* by arc index */
    size_t n_arcs, cap_arcs;
    uint32_t **toward;                 /* by destination index */
    uint64_t *toward_version;
    size_t cap_toward;
    struct event *tree_event;          /* recompute the tree, deferred */
    bool tree_dirty;
    double tree_at;                    /* monotonic, last computation */

    struct topo_stats stats;
    uint64_t copy_cookie;              /* of the ARP/ND copy flows */
};

/* ---- small helpers ---- */

static uint64_t
topo_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static double
topo_wall(const struct topo *t)
{
    struct timeval tv;

    if (event_base_gettimeofday_cached(t->base, &tv)) {
        return sl_wall_clock();
    }
    return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

static void
topo_timeval(double s, struct timeval *tv)
{
    tv->tv_sec = (time_t) s;
    tv->tv_usec = (suseconds_t) ((s - (double) tv->tv_sec) * 1e6);
}

/* Port roles or links changed: a new version. */
static void
topo_changed(struct topo *t)
{
    t->version++;
}

static bool
topo_is_edge(const struct topo_port *p)
{
    return p->live && !p->pending && p->n_seen == 0;
}

/* Keeps the count of edge ports after a change of 'p' that may have made
 * it one or unmade it ('was': whether it was one before). */
static void
topo_edge_update(struct topo *t, const struct topo_port *p, bool was)
{
    bool is = topo_is_edge(p);

    if (is != was) {
        if (is) {
            t->stats.n_edge_ports++;
        } else {
            t->stats.n_edge_ports--;
        }
    }
}

static struct topo_switch *
topo_switch_find(const struct topo *t, uint64_t dpid)
{
    struct topo_switch *sw;

    SL_HMAP_FOR_EACH_HASH (sw, node, sl_hash_u64(dpid), &t->switches) {
        if (sw->dpid == dpid) {
            return sw;
        }
    }
    return NULL;
}

/* The port 'port_no' of 'sw', or NULL.  Ports are usually numbered 1..n:
 * then it is one load. */
static struct topo_port *
topo_port_find(const struct topo_switch *sw, uint32_t port_no)
{
    size_t lo = 0, hi = sw->n_ports;

    if (port_no >= 1 && port_no <= sw->n_ports
        && sw->ports[port_no - 1]->port_no == port_no) {
        return sw->ports[port_no - 1];
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t no = sw->ports[mid]->port_no;
        if (no == port_no) {
            return sw->ports[mid];
        } else if (no < port_no) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

static bool
topo_ofp_port_live(const struct ofp_port *p)
{
    return (p->port_no <= OFPP_MAX && !(p->state & OFPPS_LINK_DOWN)
            && !(p->config & OFPPC_PORT_DOWN));
}

static enum sl_port_role
topo_role(const struct topo_port *p)
{
    if (p == NULL || !p->live) {
        return SL_PORT_NONE;
    }
    if (p->pending) {
        return SL_PORT_PENDING;
    }
    if (p->n_seen == 0) {
        return SL_PORT_EDGE;
    }
    /* A link seen one way only blocks its ports until the other way is
     * seen: a flood through it could come back round a loop. */
    return p->tree ? SL_PORT_TREE : SL_PORT_BLOCKED;
}

static bool
topo_restricted(const struct topo_port *p)
{
    return topo_role(p) == SL_PORT_BLOCKED;
}

/* Recounts the blocked ports of 'sw' (after roles may have changed). */
static void
topo_switch_recount(struct topo_switch *sw)
{
    sw->n_restricted = 0;
    for (size_t i = 0; i < sw->n_ports; i++) {
        sw->n_restricted += topo_restricted(sw->ports[i]);
    }
}

/* ---- events ---- */

static void
topo_publish(struct topo *t, struct sl_event *ev, const char *detail)
{
    sl_controller_publish(t->ctl, ev, detail);
}

static const struct ofp_port *
topo_ofp_port(const struct topo_port *p)
{
    return (p->sw->dp != NULL ? sl_datapath_port(p->sw->dp, p->port_no)
                              : NULL);
}

static void
topo_publish_port(struct topo *t, const struct topo_port *p, bool up,
                  const struct ofp_port *desc)
{
    struct sl_event ev;

    memset(&ev, 0, sizeof ev);
    ev.type = up ? SL_EV_PORT_UP : SL_EV_PORT_DOWN;
    ev.dpid = p->sw->dpid;
    ev.sw = p->sw->dp ? sl_datapath_switch(p->sw->dp) : NULL;
    ev.port.port = desc ? desc : topo_ofp_port(p);
    if (ev.port.port != NULL) {
        topo_publish(t, &ev, NULL);
    }
}

static void
topo_publish_link(struct topo *t, const struct topo_link *l, bool up,
                  const char *reason)
{
    struct sl_event ev;

    memset(&ev, 0, sizeof ev);
    ev.type = up ? SL_EV_LINK_UP : SL_EV_LINK_DOWN;
    ev.dpid = l->pub.src_dpid;
    ev.sw = l->src->sw->dp ? sl_datapath_switch(l->src->sw->dp) : NULL;
    ev.link.link = &l->pub;
    ev.link.reason = reason;
    topo_publish(t, &ev, reason);
}

static void
topo_publish_host(struct topo *t, enum sl_event_type type,
                  const struct sl_topo_host *h, uint64_t old_dpid,
                  uint32_t old_port)
{
    struct topo_switch *sw = topo_switch_find(t, h->dpid);
    struct sl_event ev;

    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.dpid = h->dpid;
    ev.sw = sw && sw->dp ? sl_datapath_switch(sw->dp) : NULL;
    ev.host.host = h;
    ev.host.old_dpid = old_dpid;
    ev.host.old_port = old_port;
    topo_publish(t, &ev, NULL);
}

/* ---- hosts ---- */

/* The key of host (mac, vlan): the MAC in the low 48 bits (in two loads;
 * the byte order does not matter), the VLAN above. */
static uint64_t
topo_host_key(const uint8_t mac[6], uint16_t vlan)
{
    uint32_t lo;
    uint16_t hi;

    memcpy(&lo, mac, 4);
    memcpy(&hi, mac + 4, 2);
    return (uint64_t) vlan << 48 | (uint64_t) hi << 32 | lo;
}

static uint64_t
topo_host_hash(uint64_t key)
{
    return key * 0x9e3779b97f4a7c15ull;
}

static size_t
topo_host_home(const struct topo *t, uint64_t key)
{
    return (size_t) (topo_host_hash(key) >> 32) & t->host_mask;
}

static uint8_t
topo_host_tag(uint64_t key)
{
    uint8_t tag = (uint8_t) (topo_host_hash(key) >> 24);

    return tag ? tag : 1;
}

/* The slot holding 'key', or the free slot where it would go. */
static size_t
topo_host_slot(const struct topo *t, uint64_t key)
{
    size_t i = topo_host_home(t, key);
    uint8_t tag = topo_host_tag(key);

    for (;; i = (i + 1) & t->host_mask) {
        uint8_t slot_tag = t->host_tags[i];
        if (slot_tag == 0
            || (slot_tag == tag
                && t->hosts[t->host_slots[i] - 1].key == key)) {
            return i;
        }
    }
}

static struct topo_host *
topo_host_lookup(const struct topo *t, uint64_t key)
{
    if (t->host_slots == NULL) {
        return NULL;
    }
    size_t slot = topo_host_slot(t, key);
    return t->host_tags[slot] ? &t->hosts[t->host_slots[slot] - 1] : NULL;
}

/* Removes the host at position 'pos' (publishing HOST_REMOVE first). */
static void
topo_host_remove(struct topo *t, size_t pos, const char *why)
{
    struct topo_host *h = &t->hosts[pos];
    size_t i = topo_host_slot(t, h->key);
    size_t last = t->n_hosts - 1;

    SL_DBG("host %02x:%02x:%02x:%02x:%02x:%02x at 0x%016" PRIx64 ":%" PRIu32
           " removed (%s)", h->pub.mac[0], h->pub.mac[1], h->pub.mac[2],
           h->pub.mac[3], h->pub.mac[4], h->pub.mac[5], h->pub.dpid,
           h->pub.port_no, why);
    topo_publish_host(t, SL_EV_HOST_REMOVE, &h->pub, 0, 0);
    t->stats.host_remove++;

    /* Backward-shift deletion: pull later entries of the run into the
     * hole while their home does not lie cyclically in (hole, j]. */
    t->host_slots[i] = 0;
    t->host_tags[i] = 0;
    for (size_t j = (i + 1) & t->host_mask; t->host_tags[j];
         j = (j + 1) & t->host_mask) {
        size_t home = topo_host_home(t, t->hosts[t->host_slots[j] - 1].key);
        bool stays = (i <= j) ? (i < home && home <= j)
                              : (i < home || home <= j);
        if (!stays) {
            t->host_slots[i] = t->host_slots[j];
            t->host_tags[i] = t->host_tags[j];
            t->host_slots[j] = 0;
            t->host_tags[j] = 0;
            i = j;
        }
    }

    /* Keep the array dense: the last host takes the freed position. */
    if (pos != last) {
        t->hosts[pos] = t->hosts[last];
        t->host_slots[topo_host_slot(t, t->hosts[pos].key)] =
            (uint32_t) pos + 1;
    }
    t->n_hosts--;
    t->stats.n_hosts = t->n_hosts;
}

/* Removes the hosts attached to 'dpid' (and port 'port_no', unless it is
 * 0). */
static void
topo_hosts_remove_at(struct topo *t, uint64_t dpid, uint32_t port_no,
                     const char *why)
{
    for (size_t i = t->n_hosts; i-- > 0;) {
        const struct sl_topo_host *h = &t->hosts[i].pub;
        if (h->dpid == dpid && (port_no == 0 || h->port_no == port_no)) {
            topo_host_remove(t, i, why);
        }
    }
}

static void
topo_host_add_ipv4(struct sl_topo_host *h, uint32_t ip)
{
    uint8_t n = h->n_ipv4;
    uint8_t i = 0;

    while (i < n && h->ipv4[i] != ip) {
        i++;
    }
    if (i == 0 && n > 0) {
        return; /* already the newest */
    }
    if (i == n) {
        if (n < SL_HOST_MAX_ADDRS) {
            h->n_ipv4 = ++n;
        }
        i = n - 1;
    }
    memmove(&h->ipv4[1], &h->ipv4[0], i * sizeof h->ipv4[0]);
    h->ipv4[0] = ip;
}

static void
topo_host_add_ipv6(struct sl_topo_host *h, const uint8_t *ip)
{
    static const uint8_t zero[16];
    uint8_t n = h->n_ipv6;
    uint8_t i = 0;

    if (!memcmp(ip, zero, 16)) {
        return;
    }
    while (i < n && memcmp(h->ipv6[i], ip, 16)) {
        i++;
    }
    if (i == 0 && n > 0) {
        return;
    }
    if (i == n) {
        if (n < SL_HOST_MAX_ADDRS) {
            h->n_ipv6 = ++n;
        }
        i = n - 1;
    }
    memmove(&h->ipv6[1], &h->ipv6[0], i * sizeof h->ipv6[0]);
    memcpy(h->ipv6[0], ip, 16);
}

/* Learns the addresses 'pkt' shows of its sender.  A frame the controller
 * parsed to L2 only (no app reads further) is parsed on here, in a copy:
 * the apps see it as it was. */
static void
topo_host_addresses(struct sl_topo_host *h, const struct ofp_packet *pkt)
{
    struct ofp_packet whole;

    if (pkt->flags & OFP_PACKET_F_SHALLOW) {
        whole = *pkt;
        ofp_packet_parse_rest(&whole);
        pkt = &whole;
    }
    if (pkt->layer < OFP_PACKET_L3) {
        return;
    }
    switch (pkt->eth_type) {
    case OFP_ETH_TYPE_ARP:
        if (pkt->arp.spa != 0) {
            topo_host_add_ipv4(h, pkt->arp.spa);
        }
        break;
    case OFP_ETH_TYPE_IPV4:
        if (pkt->ipv4.src != 0 && pkt->ipv4.src != UINT32_MAX) {
            topo_host_add_ipv4(h, pkt->ipv4.src);
        }
        break;
    case OFP_ETH_TYPE_IPV6:
        topo_host_add_ipv6(h, pkt->ipv6.src);
        if (pkt->layer >= OFP_PACKET_L4 && pkt->ip.proto == OFP_IPPROTO_ICMPV6
            && pkt->icmp.type == OFP_ICMPV6_ND_NA && pkt->nd.target) {
            topo_host_add_ipv6(h, pkt->nd.target);
        }
        break;
    default:
        break;
    }
}

/* A PACKET_IN 'pkt' arrived on edge port 'p'. */
static void
topo_host_learn(struct topo *t, struct topo_port *p,
                const struct ofp_packet *pkt)
{
    static struct sl_log_rl rl_full = SL_LOG_RL_INIT(1, 5);
    static struct sl_log_rl rl_move = SL_LOG_RL_INIT(5, 50);
    const uint8_t *mac = pkt->eth_src;
    uint16_t vlan = pkt->n_vlans ? pkt->vlans[0].vid : SL_HOST_NO_VLAN;
    uint64_t key;
    size_t slot;

    if (mac[0] & 1) {
        return; /* multicast or broadcast source: not a host */
    }
    if (t->host_slots == NULL) {
        t->stats.hosts_not_learned++;
        return;
    }
    key = topo_host_key(mac, vlan);
    slot = topo_host_slot(t, key);
    if (t->host_tags[slot] != 0) {
        struct topo_host *h = &t->hosts[t->host_slots[slot] - 1];
        h->pub.last_seen = topo_wall(t);
        topo_host_addresses(&h->pub, pkt);
        if (h->pub.dpid != p->sw->dpid || h->pub.port_no != p->port_no) {
            uint64_t old_dpid = h->pub.dpid;
            uint32_t old_port = h->pub.port_no;
            h->pub.dpid = p->sw->dpid;
            h->pub.port_no = p->port_no;
            t->stats.host_move++;
            SL_INFO_RL(&rl_move, "host %02x:%02x:%02x:%02x:%02x:%02x moved "
                       "from 0x%016" PRIx64 ":%" PRIu32 " to 0x%016" PRIx64
                       ":%" PRIu32, mac[0], mac[1], mac[2], mac[3], mac[4],
                       mac[5], old_dpid, old_port, h->pub.dpid,
                       h->pub.port_no);
            topo_publish_host(t, SL_EV_HOST_MOVE, &h->pub, old_dpid,
                              old_port);
        }
        return;
    }
    if (t->n_hosts >= t->max_hosts) {
        /* Said once per time it fills up: under a flood of spoofed
         * sources even a rate-limited log call per packet would cost. */
        t->stats.hosts_not_learned++;
        if (!t->hosts_full) {
            t->hosts_full = true;
            SL_WARN_RL(&rl_full, "host table full (%zu hosts, "
                       "topology.max_hosts): new hosts are not learned",
                       t->n_hosts);
        }
        return;
    }
    t->hosts_full = false;
    if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0) {
        return; /* not an address */
    }
    struct topo_host *h = &t->hosts[t->n_hosts];
    memset(h, 0, sizeof *h);
    h->key = key;
    memcpy(h->pub.mac, mac, 6);
    h->pub.vlan = vlan;
    h->pub.dpid = p->sw->dpid;
    h->pub.port_no = p->port_no;
    h->pub.first_seen = h->pub.last_seen = topo_wall(t);
    topo_host_addresses(&h->pub, pkt);
    t->host_slots[slot] = (uint32_t) ++t->n_hosts;
    t->host_tags[slot] = topo_host_tag(key);
    t->stats.n_hosts = t->n_hosts;
    t->stats.host_add++;
    SL_DBG("host %02x:%02x:%02x:%02x:%02x:%02x at 0x%016" PRIx64 ":%" PRIu32,
           mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], h->pub.dpid,
           h->pub.port_no);
    topo_publish_host(t, SL_EV_HOST_ADD, &h->pub, 0, 0);
}

static void
topo_host_timer_cb(evutil_socket_t fd, short what, void *t_)
{
    struct topo *t = t_;
    double now = topo_wall(t);

    (void) fd;
    (void) what;
    for (size_t i = t->n_hosts; i-- > 0;) {
        if (now - t->hosts[i].pub.last_seen > t->host_timeout) {
            topo_host_remove(t, i, "aged out");
        }
    }
}

/* ---- the graph and the tree ---- */

/* Rebuilds the graph from the links when they changed since. */
static bool
topo_graph_update(struct topo *t)
{
    struct topo_arc *arcs;
    struct topo_link *l;
    size_t n = 0;

    if (t->graph != NULL && t->graph_version == t->version) {
        return true;
    }
    topo_graph_destroy(t->graph);
    t->graph = NULL;
    if (t->n_links > t->cap_arcs) {
        t->cap_arcs = t->n_links * 2;
        t->arc_links = sl_xrealloc(t->arc_links,
                                   t->cap_arcs * sizeof *t->arc_links);
    }
    arcs = sl_xmalloc((t->n_links ? t->n_links : 1) * sizeof *arcs);
    SL_LIST_FOR_EACH (l, lru_node, &t->lru) {
        if (!l->confirmed) {
            continue;
        }
        arcs[n].from = l->src->sw->index;
        arcs[n].to = l->dst->sw->index;
        arcs[n].from_port = l->src->port_no;
        arcs[n].to_port = l->dst->port_no;
        arcs[n].weight = l->pub.latency;
        t->arc_links[n++] = l;
    }
    t->n_arcs = n;
    t->graph = topo_graph_create(t->n_switches, arcs, n);
    free(arcs);
    if (t->graph == NULL) {
        SL_ERR("cannot build the switch graph (%zu switches, %zu links)",
               t->n_switches, n);
        return false;
    }
    t->graph_version = t->version;
    return true;
}

/* Recomputes the spanning tree; publishes TREE_CHANGED if it changed. */
static void
topo_tree_compute(struct topo *t)
{
    uint64_t *ids;
    bool *in_tree;
    bool changed = false;
    size_t n_tree;

    t->tree_dirty = false;
    if (!topo_graph_update(t)) {
        return;
    }
    ids = sl_xmalloc((t->n_switches ? t->n_switches : 1) * sizeof *ids);
    in_tree = sl_xcalloc(t->n_arcs ? t->n_arcs : 1, sizeof *in_tree);
    for (size_t i = 0; i < t->n_switches; i++) {
        ids[i] = t->by_index[i]->dpid;
    }
    n_tree = topo_graph_tree(t->graph, ids, in_tree);
    t->stats.tree_computations++;
    if (n_tree == SIZE_MAX) {
        SL_ERR("cannot compute the spanning tree: out of memory");
        free(ids);
        free(in_tree);
        return;
    }

    for (size_t i = 0; i < t->n_switches; i++) {
        struct topo_switch *sw = t->by_index[i];
        for (size_t j = 0; j < sw->n_ports; j++) {
            sw->ports[j]->tree_was = sw->ports[j]->tree;
            sw->ports[j]->tree = false;
        }
    }
    for (size_t a = 0; a < t->n_arcs; a++) {
        struct topo_link *l = t->arc_links[a];
        if (l->in_tree != in_tree[a]) {
            changed = true;
            l->in_tree = in_tree[a];
        }
        if (l->in_tree) {
            l->src->tree = true;
            l->dst->tree = true;
        }
    }
    changed |= n_tree != t->stats.n_tree_links;
    t->stats.n_tree_links = n_tree;
    for (size_t i = 0; i < t->n_switches; i++) {
        struct topo_switch *sw = t->by_index[i];
        for (size_t j = 0; j < sw->n_ports; j++) {
            changed |= sw->ports[j]->tree != sw->ports[j]->tree_was;
        }
        topo_switch_recount(sw);
    }
    free(ids);
    free(in_tree);

    if (changed) {
        struct sl_event ev;

        /* Roles changed, but not the links: the graph stays valid. */
        topo_changed(t);
        t->graph_version = t->version;
        t->stats.tree_changes++;
        memset(&ev, 0, sizeof ev);
        ev.type = SL_EV_TREE_CHANGED;
        ev.tree.n_tree_links = n_tree;
        ev.tree.n_switches = t->n_switches;
        SL_DBG("spanning tree: %zu links over %zu switches", n_tree,
               t->n_switches);
        topo_publish(t, &ev, NULL);
    }
}

static void
topo_tree_event_cb(evutil_socket_t fd, short what, void *t_)
{
    struct topo *t = t_;

    (void) fd;
    (void) what;
    t->tree_at = sl_monotonic();
    topo_tree_compute(t);
}

/* The links changed: the tree is recomputed once this loop pass is done,
 * and no sooner than TOPO_TREE_GAP after the last computation, so a
 * thousand switches being discovered cost tens of computations, not
 * thousands. */
static void
topo_tree_schedule(struct topo *t)
{
    topo_changed(t);
    if (!t->tree_dirty) {
        double wait = t->tree_at + TOPO_TREE_GAP - sl_monotonic();
        struct timeval tv;

        t->tree_dirty = true;
        topo_timeval(wait > 0 ? wait : 0, &tv);
        event_add(t->tree_event, &tv);
    }
}

/* ---- links ---- */

static uint32_t
topo_link_hash(uint64_t src, uint32_t sp, uint64_t dst, uint32_t dp)
{
    return sl_hash_u64(src ^ sl_hash_u64(dst) ^ ((uint64_t) sp << 32 | dp));
}

static struct topo_link *
topo_link_find(const struct topo *t, const struct topo_port *src,
               const struct topo_port *dst)
{
    uint32_t h = topo_link_hash(src->sw->dpid, src->port_no, dst->sw->dpid,
                                dst->port_no);
    struct topo_link *l;

    SL_HMAP_FOR_EACH_HASH (l, node, h, &t->links) {
        if (l->src == src && l->dst == dst) {
            return l;
        }
    }
    return NULL;
}

static void topo_probe(struct topo *t, struct topo_port *p);

/* Counts 'l' (delta 1) or stops counting it (-1) at its two ports. */
static void
topo_link_ends_seen(struct topo *t, struct topo_link *l, int delta)
{
    struct topo_port *ends[2] = {l->src, l->dst};

    t->n_records += delta;
    t->stats.n_one_way = t->n_records - t->n_links;
    for (int i = 0; i < 2; i++) {
        bool was = topo_is_edge(ends[i]);
        ends[i]->n_seen += delta;
        topo_edge_update(t, ends[i], was);
    }
    topo_switch_recount(l->src->sw);
    topo_switch_recount(l->dst->sw);
    topo_changed(t);
}

/* 'l' and its reverse are both seen: 'l' counts from now on. */
static void
topo_link_confirm(struct topo *t, struct topo_link *l)
{
    struct topo_port *ends[2] = {l->src, l->dst};

    l->confirmed = true;
    for (int i = 0; i < 2; i++) {
        struct topo_port *p = ends[i];
        p->n_links++;
        if (p->n_links == 1) {
            /* A switch is behind it: what was learned there is not a
             * host. */
            topo_hosts_remove_at(t, p->sw->dpid, p->port_no, "link found");
        }
    }
    t->n_links++;
    t->stats.n_links = t->n_links;
    t->stats.n_one_way = t->n_records - t->n_links;
    t->stats.link_up++;
    SL_INFO_RL(&topo_rl_links, "link 0x%016" PRIx64 ":%" PRIu32 " -> 0x%016"
               PRIx64 ":%" PRIu32 " up", l->pub.src_dpid, l->pub.src_port,
               l->pub.dst_dpid, l->pub.dst_port);
    /* Blocked until the tree says otherwise. */
    topo_switch_recount(l->src->sw);
    topo_switch_recount(l->dst->sw);
    topo_publish_link(t, l, true, NULL);
    topo_tree_schedule(t);
}

/* 'l' stops counting (it or its reverse went). */
static void
topo_link_unconfirm(struct topo *t, struct topo_link *l, const char *reason)
{
    struct topo_port *ends[2] = {l->src, l->dst};

    if (!l->confirmed) {
        return;
    }
    SL_INFO_RL(&topo_rl_links, "link 0x%016" PRIx64 ":%" PRIu32 " -> 0x%016"
               PRIx64 ":%" PRIu32 " down (%s)", l->pub.src_dpid,
               l->pub.src_port, l->pub.dst_dpid, l->pub.dst_port, reason);
    topo_publish_link(t, l, false, reason);
    l->confirmed = false;
    l->in_tree = false;
    for (int i = 0; i < 2; i++) {
        ends[i]->n_links--;
    }
    t->n_links--;
    t->stats.n_links = t->n_links;
    t->stats.n_one_way = t->n_records - t->n_links;
    t->stats.link_down++;
    topo_switch_recount(l->src->sw);
    topo_switch_recount(l->dst->sw);
    topo_tree_schedule(t);
}

static void
topo_link_remove(struct topo *t, struct topo_link *l, const char *reason)
{
    struct topo_link *rev = topo_link_find(t, l->dst, l->src);

    topo_link_unconfirm(t, l, reason);
    if (rev != NULL) {
        topo_link_unconfirm(t, rev, reason);
    }
    sl_hmap_remove(&t->links, &l->node);
    sl_list_remove(&l->out_node);
    sl_list_remove(&l->in_node);
    sl_list_remove(&l->lru_node);
    topo_link_ends_seen(t, l, -1);
    free(l);
}

/* Removes every link out of or into 'p'. */
static void
topo_port_unlink(struct topo *t, struct topo_port *p, const char *reason)
{
    struct topo_link *l, *next;

    SL_LIST_FOR_EACH_SAFE (l, next, out_node, &p->links_out) {
        topo_link_remove(t, l, reason);
    }
    SL_LIST_FOR_EACH_SAFE (l, next, in_node, &p->links_in) {
        topo_link_remove(t, l, reason);
    }
}

/* A verified probe of 'src' arrived at 'dst' after 'latency' seconds.  A
 * direction seen alone is kept but does not count: a link is up when both
 * of its directions are seen, so one host relaying probes between two
 * ports makes no link (and a link that carries frames one way only is not
 * used). */
static void
topo_link_seen(struct topo *t, struct topo_port *src, struct topo_port *dst,
               double latency)
{
    struct topo_link *l = topo_link_find(t, src, dst);
    double now = sl_monotonic();

    if (l != NULL) {
        l->last_seen = now;
        l->pub.latency += (latency - l->pub.latency) / 8;
        sl_list_remove(&l->lru_node);
        sl_list_push_back(&t->lru, &l->lru_node);
        return;
    }

    l = sl_xcalloc(1, sizeof *l);
    l->src = src;
    l->dst = dst;
    l->pub.src_dpid = src->sw->dpid;
    l->pub.src_port = src->port_no;
    l->pub.dst_dpid = dst->sw->dpid;
    l->pub.dst_port = dst->port_no;
    l->pub.latency = latency;
    l->pub.up_since = topo_wall(t);
    l->last_seen = now;
    sl_hmap_insert(&t->links, &l->node,
                   topo_link_hash(l->pub.src_dpid, l->pub.src_port,
                                  l->pub.dst_dpid, l->pub.dst_port));
    sl_list_push_back(&src->links_out, &l->out_node);
    sl_list_push_back(&dst->links_in, &l->in_node);
    sl_list_push_back(&t->lru, &l->lru_node);

    topo_link_ends_seen(t, l, 1);

    struct topo_link *rev = topo_link_find(t, dst, src);
    if (rev != NULL) {
        rev->pub.up_since = l->pub.up_since;
        topo_link_confirm(t, rev);
        topo_link_confirm(t, l);
    } else {
        /* Ask for the other way now rather than at its slot. */
        topo_probe(t, dst);
    }
}

/* Ages out links not refreshed for the timeout (oldest first). */
static void
topo_links_age(struct topo *t)
{
    double limit = sl_monotonic() - t->timeout;

    while (!sl_list_is_empty(&t->lru)) {
        struct topo_link *l = SL_CONTAINER_OF(t->lru.next, struct topo_link,
                                              lru_node);
        if (l->last_seen >= limit) {
            break;
        }
        topo_link_remove(t, l, "timeout");
    }
}

/* ---- probes ---- */

static void
topo_probe(struct topo *t, struct topo_port *p)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
    uint8_t frame[TOPO_LLDP_MAX_FRAME];
    struct ofp_wbuf out;
    struct ofp_action output;
    struct ofp_msg msg;
    int error;

    if (p->sw->dp == NULL || !p->live) {
        return;
    }
    ofp_wbuf_use_fixed(&out, frame, sizeof frame);
    error = topo_lldp_probe_build(t->key, &out, p->hw_addr, p->sw->dpid,
                                  p->port_no, p->name, topo_now_ns());
    if (!error && out.overflow) {
        error = ENOBUFS;
    }
    if (!error) {
        memset(&output, 0, sizeof output);
        output.type = OFPAT_OUTPUT;
        output.output.port = p->port_no;
        output.output.max_len = 0;
        ofp_msg_init(&msg, OFPT_PACKET_OUT, 0);
        msg.packet_out.buffer_id = OFP_NO_BUFFER;
        msg.packet_out.in_port = OFPP_CONTROLLER;
        msg.packet_out.actions.n = 1;
        msg.packet_out.actions.actions = &output;
        msg.packet_out.data = frame;
        msg.packet_out.len = out.len;
        error = sl_datapath_send(p->sw->dp, &msg, NULL);
    }
    if (error) {
        t->stats.probes_failed++;
        SL_WARN_RL(&rl, "LLDP probe out of 0x%016" PRIx64 ":%" PRIu32
                   " failed: %s", p->sw->dpid, p->port_no, strerror(error));
        return;
    }
    t->stats.probes_sent++;
    if (!p->probed) {
        p->probed = true;
        p->probed_at = sl_monotonic();
        if (p->pending) {
            sl_list_push_back(&t->pending, &p->pending_node);
        }
    }
}

/* Puts 'p' in the least loaded slot of the wheel. */
static void
topo_wheel_add(struct topo *t, struct topo_port *p)
{
    int best = 0;

    for (int i = 1; i < TOPO_WHEEL_SLOTS; i++) {
        if (t->wheel_load[i] < t->wheel_load[best]) {
            best = i;
        }
    }
    p->slot = best;
    t->wheel_load[best]++;
    sl_list_push_back(&t->wheel[best], &p->wheel_node);
}

static void
topo_wheel_remove(struct topo *t, struct topo_port *p)
{
    if (p->slot >= 0) {
        t->wheel_load[p->slot]--;
        p->slot = -1;
        sl_list_remove(&p->wheel_node);
    }
}

/* Ports whose first probe went out long enough ago stop being pending. */
static void
topo_pending_expire(struct topo *t)
{
    double limit = sl_monotonic() - TOPO_PENDING_GRACE;
    bool any = false;

    while (!sl_list_is_empty(&t->pending)) {
        struct topo_port *p = SL_CONTAINER_OF(t->pending.next,
                                              struct topo_port, pending_node);
        if (p->probed_at > limit) {
            break;
        }
        sl_list_remove(&p->pending_node);
        p->pending = false;
        topo_edge_update(t, p, false);
        topo_switch_recount(p->sw);
        any = true;
    }
    if (any) {
        topo_changed(t);
    }
}

static void
topo_tick_cb(evutil_socket_t fd, short what, void *t_)
{
    struct topo *t = t_;
    struct topo_port *p;

    (void) fd;
    (void) what;
    t->burst = 0;
    t->tick = (t->tick + 1) % TOPO_WHEEL_SLOTS;
    SL_LIST_FOR_EACH (p, wheel_node, &t->wheel[t->tick]) {
        topo_probe(t, p);
    }
    topo_pending_expire(t);
    topo_links_age(t);
}

/* ---- ports and switches ---- */

static void
topo_port_set_desc(struct topo_port *p, const struct ofp_port *desc)
{
    memcpy(p->hw_addr, desc->hw_addr, 6);
    snprintf(p->name, sizeof p->name, "%s", desc->name);
}

/* 'p' came up (or arrived live): pending until probed, then probed at
 * once when the burst allows, else at its slot. */
static void
topo_port_up(struct topo *t, struct topo_port *p, bool now)
{
    p->live = true;
    p->probed = false;
    if (!t->enabled) {
        p->pending = false;
        topo_edge_update(t, p, false);
        return;
    }
    p->pending = true;
    topo_wheel_add(t, p);
    if (now && t->burst < TOPO_BURST) {
        t->burst++;
        topo_probe(t, p);
    }
}

static void
topo_port_down(struct topo *t, struct topo_port *p, const char *why)
{
    if (topo_is_edge(p)) {
        t->stats.n_edge_ports--;
    }
    p->live = false;
    p->pending = false;
    p->probed = false;
    sl_list_remove(&p->pending_node);
    topo_switch_recount(p->sw);
    topo_wheel_remove(t, p);
    topo_port_unlink(t, p, why);
    topo_hosts_remove_at(t, p->sw->dpid, p->port_no, why);
}

static struct topo_port *
topo_port_create(struct topo_switch *sw, const struct ofp_port *desc)
{
    struct topo_port *p = sl_xcalloc(1, sizeof *p);

    p->sw = sw;
    p->port_no = desc->port_no;
    p->slot = -1;
    topo_port_set_desc(p, desc);
    sl_list_init(&p->wheel_node);
    sl_list_init(&p->pending_node);
    sl_list_init(&p->links_out);
    sl_list_init(&p->links_in);
    return p;
}

static void
topo_switch_insert_port(struct topo_switch *sw, struct topo_port *p)
{
    size_t i = sw->n_ports;

    sw->ports = sl_xrealloc(sw->ports, (sw->n_ports + 1) * sizeof *sw->ports);
    while (i > 0 && sw->ports[i - 1]->port_no > p->port_no) {
        sw->ports[i] = sw->ports[i - 1];
        i--;
    }
    sw->ports[i] = p;
    sw->n_ports++;
}

static void
topo_switch_delete_port(struct topo_switch *sw, struct topo_port *p)
{
    size_t i = 0;

    while (i < sw->n_ports && sw->ports[i] != p) {
        i++;
    }
    if (i < sw->n_ports) {
        memmove(&sw->ports[i], &sw->ports[i + 1],
                (sw->n_ports - i - 1) * sizeof *sw->ports);
        sw->n_ports--;
    }
    free(p);
}

/* An OXM of the OpenFlow basic class. */
static struct ofp_oxm
topo_oxm(uint8_t field, uint8_t length, uint64_t value)
{
    struct ofp_oxm oxm;

    memset(&oxm, 0, sizeof oxm);
    oxm.cls = OFPXMC_OPENFLOW_BASIC;
    oxm.field = field;
    oxm.length = length;
    if (length == 1) {
        oxm.value.u8 = (uint8_t) value;
    } else {
        oxm.value.u16 = (uint16_t) value;
    }
    return oxm;
}

/* States one flow of the topology in table 0: 'oxms' to the controller
 * (whole frames), and on to table 1 when 'copy'. */
static void
topo_flow(struct topo *t, uint64_t dpid, uint16_t priority, uint64_t seq,
          struct ofp_oxm *oxms, size_t n_oxms, bool copy)
{
    struct ofp_action output = {.type = OFPAT_OUTPUT};
    struct ofp_instruction insts[2];
    struct sl_flow_spec spec;

    output.output.port = OFPP_CONTROLLER;
    output.output.max_len = OFPCML_NO_BUFFER;
    memset(insts, 0, sizeof insts);
    insts[0].type = OFPIT_APPLY_ACTIONS;
    insts[0].actions.n = 1;
    insts[0].actions.actions = &output;
    insts[1].type = OFPIT_GOTO_TABLE;
    insts[1].table_id = SL_TABLE_ACL + 1;
    memset(&spec, 0, sizeof spec);
    spec.table_id = SL_TABLE_ACL;
    spec.priority = priority;
    spec.match.type = OFPMT_OXM;
    spec.match.n_oxms = n_oxms;
    spec.match.oxms = oxms;
    spec.instructions.n = copy ? 2 : 1;
    spec.instructions.instructions = insts;
    int error = sl_flowprog_add_seq(t->ctl->flowprog, dpid, SL_OWNER_CORE,
                                    &spec, seq, NULL, NULL);
    if (error) {
        SL_ERR("switch 0x%016" PRIx64 ": topology flow at priority %u "
               "refused by the flow programmer (%s)", dpid, priority,
               strerror(error));
    }
}

/* The topology's flows on switch 'dpid' (table 0): LLDP to the controller
 * (and nowhere else), and a copy of ARP and of IPv6 neighbor
 * solicitations and advertisements, which go on through the pipeline:
 * hosts are learned from them even when the apps' flows forward the
 * traffic without the controller. */
static void
topo_flows(struct topo *t, uint64_t dpid)
{
    struct ofp_oxm lldp = topo_oxm(OFPXMT_OFB_ETH_TYPE, 2,
                                   OFP_ETH_TYPE_LLDP);
    struct ofp_oxm arp = topo_oxm(OFPXMT_OFB_ETH_TYPE, 2, OFP_ETH_TYPE_ARP);
    struct ofp_oxm nd[3] = {
        topo_oxm(OFPXMT_OFB_ETH_TYPE, 2, OFP_ETH_TYPE_IPV6),
        topo_oxm(OFPXMT_OFB_IP_PROTO, 1, OFP_IPPROTO_ICMPV6),
        topo_oxm(OFPXMT_OFB_ICMPV6_TYPE, 1, OFP_ICMPV6_ND_NS),
    };

    topo_flow(t, dpid, TOPO_PUNT_PRIORITY, TOPO_SEQ_PUNT, &lldp, 1, false);
    topo_flow(t, dpid, TOPO_COPY_PRIORITY, TOPO_SEQ_COPY, &arp, 1, true);
    topo_flow(t, dpid, TOPO_COPY_PRIORITY, TOPO_SEQ_COPY, nd, 3, true);
    nd[2].value.u8 = OFP_ICMPV6_ND_NA;
    topo_flow(t, dpid, TOPO_COPY_PRIORITY, TOPO_SEQ_COPY, nd, 3, true);
}

static void
topo_hook_switch_up(void *t_, struct sl_datapath *dp)
{
    struct topo *t = t_;
    const struct sl_switch *s = sl_datapath_switch(dp);
    uint64_t dpid = sl_datapath_dpid(dp);
    struct topo_switch *sw = topo_switch_find(t, dpid);

    if (sw != NULL) {
        /* A stale entry (cannot happen: 'down' came first); start over. */
        SL_WARN("switch 0x%016" PRIx64 " up twice", dpid);
        return;
    }
    sw = sl_xcalloc(1, sizeof *sw);
    sw->dpid = dpid;
    sw->dp = dp;
    sl_hmap_insert(&t->switches, &sw->node, sl_hash_u64(dpid));
    if (t->n_switches == t->cap_switches) {
        t->cap_switches = t->cap_switches ? 2 * t->cap_switches : 64;
        t->by_index = sl_xrealloc(t->by_index,
                                  t->cap_switches * sizeof *t->by_index);
    }
    sw->index = (uint32_t) t->n_switches;
    t->by_index[t->n_switches++] = sw;
    sl_datapath_set_ext(dp, sw);

    for (size_t i = 0; i < s->n_ports; i++) {
        const struct ofp_port *desc = &s->ports[i];
        if (desc->port_no > OFPP_MAX) {
            continue;
        }
        struct topo_port *p = topo_port_create(sw, desc);
        topo_switch_insert_port(sw, p);
        if (topo_ofp_port_live(desc)) {
            topo_port_up(t, p, true);
        }
    }
    topo_switch_recount(sw);

    if (t->enabled) {
        topo_flows(t, dpid);
    }
    topo_tree_schedule(t);
}

static void
topo_hook_switch_down(void *t_, struct sl_datapath *dp)
{
    struct topo *t = t_;
    struct topo_switch *sw = sl_datapath_ext(dp);

    if (sw == NULL) {
        return;
    }
    for (size_t i = 0; i < sw->n_ports; i++) {
        struct topo_port *p = sw->ports[i];
        if (p->live) {
            topo_port_down(t, p, "switch down");
        }
    }
    topo_hosts_remove_at(t, sw->dpid, 0, "switch down");
    for (size_t i = 0; i < sw->n_ports; i++) {
        free(sw->ports[i]);
    }
    free(sw->ports);

    /* The last switch takes its index. */
    uint32_t idx = sw->index;
    t->by_index[idx] = t->by_index[--t->n_switches];
    t->by_index[idx]->index = idx;
    sl_hmap_remove(&t->switches, &sw->node);
    sl_datapath_set_ext(dp, NULL);
    free(sw);
    topo_tree_schedule(t);
}

static void
topo_hook_port_status(void *t_, struct sl_datapath *dp,
                      const struct ofp_port_status *ps)
{
    struct topo *t = t_;
    struct topo_switch *sw = sl_datapath_ext(dp);
    const struct ofp_port *desc = &ps->desc;
    struct topo_port *p;

    if (sw == NULL || desc->port_no > OFPP_MAX) {
        return;
    }
    p = topo_port_find(sw, desc->port_no);
    if (ps->reason == OFPPR_DELETE) {
        if (p != NULL) {
            bool was_live = p->live;
            if (was_live) {
                topo_port_down(t, p, "port deleted");
            }
            topo_switch_delete_port(sw, p);
            topo_switch_recount(sw);
            topo_changed(t);
            if (was_live) {
                struct topo_port tmp;
                memset(&tmp, 0, sizeof tmp);
                tmp.sw = sw;
                topo_publish_port(t, &tmp, false, desc);
            }
        }
        return;
    }
    if (p == NULL) {
        p = topo_port_create(sw, desc);
        topo_switch_insert_port(sw, p);
    } else {
        topo_port_set_desc(p, desc);
    }
    bool live = topo_ofp_port_live(desc);
    if (live && !p->live) {
        topo_port_up(t, p, true);
        topo_switch_recount(sw);
        topo_changed(t);
        topo_publish_port(t, p, true, desc);
    } else if (!live && p->live) {
        topo_port_down(t, p, "port down");
        topo_switch_recount(sw);
        topo_changed(t);
        topo_publish_port(t, p, false, desc);
    }
}

/* ---- LLDP in ---- */

static bool
topo_lldp_in(struct topo *t, struct topo_switch *sw, uint32_t in_port,
             const struct ofp_packet *pkt)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
    uint64_t src_dpid = 0, ts = 0;
    uint32_t src_port = 0;
    enum topo_lldp_verdict v;

    v = topo_lldp_probe_verify(t->key, pkt, &src_dpid, &src_port, &ts);
    switch (v) {
    case TOPO_LLDP_OK:
        break;
    case TOPO_LLDP_MALFORMED:
        t->stats.lldp_malformed++;
        return true;
    case TOPO_LLDP_FOREIGN:
        t->stats.lldp_foreign++;
        return true;
    case TOPO_LLDP_BAD_HMAC:
    default:
        t->stats.lldp_bad_hmac++;
        SL_WARN_RL(&rl, "LLDP frame with a bad signature at 0x%016" PRIx64
                   ":%" PRIu32 ": ignored (forged, or another controller's)",
                   sw->dpid, in_port);
        return true;
    }

    uint64_t now = topo_now_ns();
    uint64_t age = ts > now ? 0 : now - ts; /* up to 1 ms ahead: clocks */
    if (ts > now + 1000000u || (double) age > t->timeout * 1e9) {
        t->stats.lldp_stale++;
        SL_WARN_RL(&rl, "stale LLDP probe of 0x%016" PRIx64 ":%" PRIu32
                   " at 0x%016" PRIx64 ":%" PRIu32 ": ignored (replayed?)",
                   src_dpid, src_port, sw->dpid, in_port);
        return true;
    }
    struct topo_switch *src_sw = topo_switch_find(t, src_dpid);
    struct topo_port *src = src_sw ? topo_port_find(src_sw, src_port) : NULL;
    struct topo_port *dst = topo_port_find(sw, in_port);
    if (src == NULL || dst == NULL || !src->live || !dst->live
        || src == dst) {
        t->stats.lldp_unknown_port++;
        return true;
    }
    t->stats.lldp_ok++;
    topo_link_seen(t, src, dst, (double) age / 1e9);
    return true;
}

static bool
topo_hook_packet_in(void *t_, struct sl_datapath *dp,
                    const struct sl_event *ev)
{
    struct topo *t = t_;
    const struct ofp_packet *pkt = ev->packet_in.pkt;
    struct topo_switch *sw;
    struct topo_port *p;

    if (pkt == NULL || !t->enabled) {
        return false;
    }
    sw = sl_datapath_ext(dp);
    if (sw == NULL) {
        return false;
    }
    if (pkt->eth_type == OFP_ETH_TYPE_LLDP) {
        return topo_lldp_in(t, sw, ev->packet_in.in_port, pkt);
    }
    p = topo_port_find(sw, ev->packet_in.in_port);
    if (p != NULL && topo_role(p) == SL_PORT_EDGE) {
        topo_host_learn(t, p, pkt);
    }
    /* A copy of ARP or ND made for us: the frame goes on in the switch,
     * the apps see it only if the pipeline sends it here again. */
    return (ev->msg->packet_in.cookie == t->copy_cookie
            && ev->msg->packet_in.table_id == SL_TABLE_ACL);
}

static const struct sl_controller_hooks topo_hooks = {
    .switch_up = topo_hook_switch_up,
    .switch_down = topo_hook_switch_down,
    .port_status = topo_hook_port_status,
    .packet_in = topo_hook_packet_in,
};

/* ---- queries ---- */

static int
topo_link_cmp(const void *a_, const void *b_)
{
    const struct sl_link *a = a_, *b = b_;

    if (a->src_dpid != b->src_dpid) {
        return a->src_dpid < b->src_dpid ? -1 : 1;
    }
    if (a->src_port != b->src_port) {
        return a->src_port < b->src_port ? -1 : 1;
    }
    if (a->dst_dpid != b->dst_dpid) {
        return a->dst_dpid < b->dst_dpid ? -1 : 1;
    }
    return a->dst_port < b->dst_port ? -1 : a->dst_port > b->dst_port;
}

size_t
topo_links(const struct topo *t, uint64_t dpid, struct sl_link *links,
           size_t max)
{
    size_t n = 0;

    if (dpid != 0) {
        const struct topo_switch *sw = topo_switch_find(t, dpid);
        if (sw == NULL) {
            return 0;
        }
        for (size_t i = 0; i < sw->n_ports; i++) {
            const struct topo_link *l;
            SL_LIST_FOR_EACH (l, out_node, &sw->ports[i]->links_out) {
                if (!l->confirmed) {
                    continue;
                }
                if (n < max) {
                    links[n] = l->pub;
                }
                n++;
            }
        }
    } else {
        const struct topo_link *l;
        SL_LIST_FOR_EACH (l, lru_node, &t->lru) {
            if (!l->confirmed) {
                continue;
            }
            if (n < max) {
                links[n] = l->pub;
            }
            n++;
        }
    }
    if (links != NULL) {
        qsort(links, n < max ? n : max, sizeof *links, topo_link_cmp);
    }
    return n;
}

enum sl_port_role
topo_port_role(const struct topo *t, uint64_t dpid, uint32_t port_no)
{
    const struct topo_switch *sw = topo_switch_find(t, dpid);

    return sw ? topo_role(topo_port_find(sw, port_no)) : SL_PORT_NONE;
}

size_t
topo_flood_ports(const struct topo *t, uint64_t dpid, uint32_t *ports,
                 size_t max)
{
    const struct topo_switch *sw = topo_switch_find(t, dpid);
    size_t n = 0;

    if (sw == NULL) {
        return 0;
    }
    for (size_t i = 0; i < sw->n_ports; i++) {
        enum sl_port_role r = topo_role(sw->ports[i]);
        if (r != SL_PORT_NONE && r != SL_PORT_BLOCKED) {
            if (n < max) {
                ports[n] = sw->ports[i]->port_no;
            }
            n++;
        }
    }
    return n;
}

bool
topo_flood_all(const struct topo *t, uint64_t dpid)
{
    const struct topo_switch *sw = topo_switch_find(t, dpid);

    return sw != NULL && sw->n_restricted == 0;
}

/* Makes sure the next-hop table toward switch index 'dst' is current. */
static const uint32_t *
topo_toward(struct topo *t, uint32_t dst)
{
    if (!topo_graph_update(t)) {
        return NULL;
    }
    if (t->cap_toward < t->n_switches) {
        size_t old = t->cap_toward;
        t->cap_toward = t->n_switches * 2;
        t->toward = sl_xrealloc(t->toward, t->cap_toward * sizeof *t->toward);
        t->toward_version = sl_xrealloc(
            t->toward_version, t->cap_toward * sizeof *t->toward_version);
        for (size_t i = old; i < t->cap_toward; i++) {
            t->toward[i] = NULL;
            t->toward_version[i] = UINT64_MAX;
        }
        /* Arrays sized for fewer switches are too short now. */
        for (size_t i = 0; i < old; i++) {
            free(t->toward[i]);
            t->toward[i] = NULL;
            t->toward_version[i] = UINT64_MAX;
        }
    }
    if (t->toward_version[dst] != t->graph_version) {
        if (t->toward[dst] == NULL) {
            t->toward[dst] = sl_xmalloc(t->cap_toward * sizeof **t->toward);
        }
        if (!topo_graph_toward(t->graph, dst, t->toward[dst])) {
            return NULL;
        }
        t->toward_version[dst] = t->graph_version;
    }
    return t->toward[dst];
}

uint32_t
topo_next_hop(struct topo *t, uint64_t from, uint64_t to)
{
    const struct topo_switch *a = topo_switch_find(t, from);
    const struct topo_switch *b = topo_switch_find(t, to);
    const uint32_t *next;

    if (a == NULL || b == NULL || a == b) {
        return 0;
    }
    next = topo_toward(t, b->index);
    if (next == NULL || next[a->index] == TOPO_GRAPH_NONE) {
        return 0;
    }
    return t->arc_links[next[a->index]]->pub.src_port;
}

size_t
topo_path(struct topo *t, uint64_t src, uint64_t dst,
          enum sl_path_metric metric, struct sl_path_hop *hops, size_t max)
{
    const struct topo_switch *a = topo_switch_find(t, src);
    const struct topo_switch *b = topo_switch_find(t, dst);
    uint32_t *arcs;
    size_t n_arcs = 0;

    if (a == NULL || b == NULL || !topo_graph_update(t)) {
        return 0;
    }
    arcs = sl_xmalloc((t->n_switches ? t->n_switches : 1) * sizeof *arcs);
    if (!topo_graph_path(t->graph, a->index, b->index, metric, arcs,
                         t->n_switches, &n_arcs)) {
        free(arcs);
        return 0;
    }
    for (size_t i = 0; i <= n_arcs && i < max; i++) {
        hops[i].dpid = i == 0 ? src : t->arc_links[arcs[i - 1]]->pub.dst_dpid;
        hops[i].in_port = i == 0 ? 0 : t->arc_links[arcs[i - 1]]->pub.dst_port;
        hops[i].out_port
            = i == n_arcs ? 0 : t->arc_links[arcs[i]]->pub.src_port;
    }
    free(arcs);
    return n_arcs + 1;
}

const struct sl_topo_host *
topo_host_find(const struct topo *t, const uint8_t mac[6], uint16_t vlan)
{
    const struct topo_host *h = topo_host_lookup(t, topo_host_key(mac, vlan));

    return h ? &h->pub : NULL;
}

static int
topo_host_cmp(const void *a_, const void *b_)
{
    const struct sl_topo_host *a = *(const struct sl_topo_host *const *) a_;
    const struct sl_topo_host *b = *(const struct sl_topo_host *const *) b_;
    int c;

    if (a->dpid != b->dpid) {
        return a->dpid < b->dpid ? -1 : 1;
    }
    if (a->port_no != b->port_no) {
        return a->port_no < b->port_no ? -1 : 1;
    }
    c = memcmp(a->mac, b->mac, 6);
    if (c) {
        return c;
    }
    return a->vlan < b->vlan ? -1 : a->vlan > b->vlan;
}

size_t
topo_hosts(const struct topo *t, uint64_t dpid,
           const struct sl_topo_host **hosts, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < t->n_hosts; i++) {
        const struct sl_topo_host *h = &t->hosts[i].pub;
        if (dpid == 0 || h->dpid == dpid) {
            if (n < max) {
                hosts[n] = h;
            }
            n++;
        }
    }
    if (hosts != NULL) {
        qsort(hosts, n < max ? n : max, sizeof *hosts, topo_host_cmp);
    }
    return n;
}

uint64_t
topo_version(const struct topo *t)
{
    return t->version;
}

const struct sl_topo_host *
topo_host_by_mac(const struct topo *t, const uint8_t mac[6])
{
    const struct sl_topo_host *best = NULL;

    for (size_t i = 0; i < t->n_hosts; i++) {
        const struct sl_topo_host *h = &t->hosts[i].pub;
        if (!memcmp(h->mac, mac, 6)
            && (best == NULL || h->last_seen > best->last_seen)) {
            best = h;
        }
    }
    return best;
}

const struct sl_topo_host *
topo_host_by_ipv4(const struct topo *t, uint32_t ip)
{
    const struct sl_topo_host *best = NULL;

    for (size_t i = 0; i < t->n_hosts; i++) {
        const struct sl_topo_host *h = &t->hosts[i].pub;
        for (size_t j = 0; j < h->n_ipv4; j++) {
            if (h->ipv4[j] == ip
                && (best == NULL || h->last_seen > best->last_seen)) {
                best = h;
            }
        }
    }
    return best;
}

const struct sl_topo_host *
topo_host_by_ipv6(const struct topo *t, const uint8_t ip6[16])
{
    const struct sl_topo_host *best = NULL;

    for (size_t i = 0; i < t->n_hosts; i++) {
        const struct sl_topo_host *h = &t->hosts[i].pub;
        for (size_t j = 0; j < h->n_ipv6; j++) {
            if (!memcmp(h->ipv6[j], ip6, 16)
                && (best == NULL || h->last_seen > best->last_seen)) {
                best = h;
            }
        }
    }
    return best;
}

bool
topo_enabled(const struct topo *t)
{
    return t->enabled;
}

const struct topo_stats *
topo_stats(const struct topo *t)
{
    return &t->stats;
}

/* ---- the apps' view ---- */

static size_t
topo_app_links(void *t, uint64_t dpid, struct sl_link *links, size_t max)
{
    return topo_links(t, dpid, links, max);
}

static enum sl_port_role
topo_app_port_role(void *t, uint64_t dpid, uint32_t port_no)
{
    return topo_port_role(t, dpid, port_no);
}

static size_t
topo_app_flood_ports(void *t, uint64_t dpid, uint32_t *ports, size_t max)
{
    return topo_flood_ports(t, dpid, ports, max);
}

static bool
topo_app_flood_all(void *t, uint64_t dpid)
{
    return topo_flood_all(t, dpid);
}

static uint32_t
topo_app_next_hop(void *t, uint64_t from, uint64_t to)
{
    return topo_next_hop(t, from, to);
}

static size_t
topo_app_path(void *t, uint64_t src, uint64_t dst,
              enum sl_path_metric metric, struct sl_path_hop *hops,
              size_t max)
{
    return topo_path(t, src, dst, metric, hops, max);
}

static const struct sl_topo_host *
topo_app_host_find(void *t, const uint8_t mac[6], uint16_t vlan)
{
    return topo_host_find(t, mac, vlan);
}

static size_t
topo_app_hosts(void *t, uint64_t dpid, const struct sl_topo_host **hosts,
               size_t max)
{
    return topo_hosts(t, dpid, hosts, max);
}

static uint64_t
topo_app_version(void *t)
{
    return topo_version(t);
}

static const struct sl_apps_topo topo_apps_ops = {
    .links = topo_app_links,
    .port_role = topo_app_port_role,
    .flood_ports = topo_app_flood_ports,
    .flood_all = topo_app_flood_all,
    .next_hop = topo_app_next_hop,
    .path = topo_app_path,
    .host_find = topo_app_host_find,
    .hosts = topo_app_hosts,
    .version = topo_app_version,
};

/* ---- life cycle ---- */

struct topo *
topo_create(struct sl_controller *ctl, char *err, size_t errlen)
{
    const struct sl_config *cfg = &ctl->cfg;
    struct topo *t = sl_xcalloc(1, sizeof *t);
    struct timeval tv;

    t->ctl = ctl;
    t->base = ctl->base;
    t->enabled = cfg->topo_enabled;
    t->interval = cfg->lldp_interval;
    t->timeout = cfg->link_timeout;
    t->host_timeout = cfg->host_timeout > 0 ? cfg->host_timeout : 300.0;
    t->max_hosts = cfg->max_hosts;
    sl_hmap_init(&t->switches);
    sl_hmap_init(&t->links);
    sl_list_init(&t->lru);
    sl_list_init(&t->pending);
    for (int i = 0; i < TOPO_WHEEL_SLOTS; i++) {
        sl_list_init(&t->wheel[i]);
    }
    t->version = 1;
    t->copy_cookie = SL_COOKIE(SL_OWNER_CORE, TOPO_SEQ_COPY);

    if (t->enabled) {
        const char *k = cfg->lldp_key;
        t->key = topo_lldp_key_create(k, k ? strlen(k) : 0);
        if (t->key == NULL) {
            sl_format_err(err, errlen, "topology: cannot create the LLDP "
                          "HMAC key (OpenSSL)");
            topo_destroy(t);
            return NULL;
        }
        if (t->max_hosts > 0) {
            size_t slots = 2;
            while (slots < 2 * (size_t) t->max_hosts) {
                slots *= 2;
            }
            /* Untouched pages cost no memory until hosts arrive. */
            t->hosts = calloc(t->max_hosts, sizeof *t->hosts);
            t->host_slots = calloc(slots, sizeof *t->host_slots);
            t->host_tags = calloc(slots, 1);
            if (t->hosts == NULL || t->host_slots == NULL
                || t->host_tags == NULL) {
                sl_format_err(err, errlen, "topology: no memory for %zu "
                              "hosts (topology.max_hosts)", t->max_hosts);
                topo_destroy(t);
                return NULL;
            }
            t->host_mask = slots - 1;
        }
        t->tick_timer = event_new(t->base, -1, EV_PERSIST, topo_tick_cb, t);
        topo_timeval(t->interval / TOPO_WHEEL_SLOTS, &tv);
        event_add(t->tick_timer, &tv);
        t->host_timer = event_new(t->base, -1, EV_PERSIST, topo_host_timer_cb,
                                  t);
        topo_timeval(t->host_timeout / 4 < 10.0 ? t->host_timeout / 4 : 10.0,
                     &tv);
        event_add(t->host_timer, &tv);
    }
    t->tree_event = event_new(t->base, -1, 0, topo_tree_event_cb, t);
    ctl->topo = t;
    sl_controller_set_hooks(ctl, &topo_hooks, t);
    if (ctl->apps != NULL) {
        sl_apps_set_topo(ctl->apps, &topo_apps_ops, t);
    }
    SL_INFO("topology discovery %s%s", t->enabled ? "on" : "off",
            !t->enabled ? ""
            : cfg->lldp_key ? " (LLDP signed with the configured key)"
                            : " (LLDP signed with a key generated now)");
    return t;
}

void
topo_destroy(struct topo *t)
{
    if (t == NULL) {
        return;
    }
    if (t->ctl->topo == t) {
        t->ctl->topo = NULL;
        sl_controller_set_hooks(t->ctl, NULL, NULL);
        if (t->ctl->apps != NULL) {
            sl_apps_set_topo(t->ctl->apps, NULL, NULL);
        }
    }
    if (t->tick_timer) {
        event_free(t->tick_timer);
    }
    if (t->host_timer) {
        event_free(t->host_timer);
    }
    if (t->tree_event) {
        event_free(t->tree_event);
    }

    struct topo_link *l, *next_l;
    SL_LIST_FOR_EACH_SAFE (l, next_l, lru_node, &t->lru) {
        free(l);
    }
    sl_hmap_uninit(&t->links);

    struct topo_switch *sw;
    SL_HMAP_FOR_EACH_SAFE (sw, node, &t->switches) {
        sl_hmap_remove(&t->switches, &sw->node);
        if (sw->dp != NULL) {
            sl_datapath_set_ext(sw->dp, NULL);
        }
        for (size_t i = 0; i < sw->n_ports; i++) {
            free(sw->ports[i]);
        }
        free(sw->ports);
        free(sw);
    }
    sl_hmap_uninit(&t->switches);
    free(t->by_index);

    topo_graph_destroy(t->graph);
    free(t->arc_links);
    for (size_t i = 0; i < t->cap_toward; i++) {
        free(t->toward[i]);
    }
    free(t->toward);
    free(t->toward_version);
    free(t->hosts);
    free(t->host_slots);
    free(t->host_tags);
    topo_lldp_key_destroy(t->key);
    free(t);
}
