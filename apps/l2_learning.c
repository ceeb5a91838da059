/* l2_learning: a minimal learning switch (the default app).
 *
 * Per switch it learns, from each PACKET_IN, which port a source MAC lives
 * on, and at once states a desired flow in pipeline table "l2" (eth_dst =
 * MAC -> output to its port, no timeouts), so traffic toward a learned MAC
 * stays in the switch.  A packet to a known unicast MAC is sent to its
 * port; anything else (broadcast, multicast, unknown) is flooded.  A MAC
 * seen on a new port moves: its flow is stated again with the new port, and
 * the flow programmer replaces the old one (same identity).  LLDP is left
 * to the topology.
 *
 * Its flows are learned state, so it sets SL_APP_F_ADOPT_FLOWS: after a
 * controller restart, reconciliation adopts the flows it finds on a switch
 * instead of deleting them, and traffic goes on.  When a switch goes down
 * its table is forgotten and its flows stop being desired: if the same
 * switch comes back with them installed, they are adopted again; if it
 * comes back as another network (same dpid, no such flows), nothing stale
 * is reinstalled.
 *
 * Flooding follows the topology's spanning tree (sluice/topo.h), so
 * looped networks do not storm: a frame is flooded out of the switch's
 * ports but the blocked ones (one OFPP_FLOOD action when none is
 * blocked), and a frame arriving on a blocked port (a copy that came
 * round a loop) is dropped without learning.  When
 * the tree changes every learned MAC is forgotten and its flow deleted,
 * as a spanning-tree bridge flushes its table, so traffic re-learns the
 * new paths.  The switch's port roles are cached per topology version:
 * one call per packet-in while nothing changes.  Without a topology
 * (version 0) it floods with OFPP_FLOOD.
 *
 * Config (optional): {priority: N}, the priority of the learned flows
 * (default 100). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "sluice/app.h"

#define L2_SW_BUCKETS 64 /* switches, by dpid */
#define L2_MAX_MACS 8192 /* per switch: spoofed sources cannot exhaust us */
#define L2_MIN_SLOTS 64  /* a switch's table starts this small... */
#define L2_MULTICAST(MAC) ((MAC)[0] & 1) /* broadcast included */
#define L2_ROLE_PORTS 64 /* port roles cached for ports 1..64 */
#define L2_MAX_FLOOD 256 /* output actions of one flood */

static const struct sl_host *host;

/* A switch's learned MACs: an open-addressing table (linear probing;
 * MACs are only added, or forgotten with the switch, so no tombstones)
 * split in three arrays.  Probing reads one-byte tags, 64 to a cache line
 * (16 KiB for a full table, so the tables of many switches stay in the
 * core's cache); a key is read only when its tag matches, and a port only
 * on a hit.  Under a flood of new MACs nearly every lookup misses, and
 * then touches nothing but tags.  A tag is 8 bits of the key's hash that
 * the slot index does not use, never 0 (a free slot).  A key is the MAC
 * in its low 48 bits. */

struct l2_switch {
    struct l2_switch *next;
    uint64_t dpid;
    size_t n_macs;
    size_t mask;     /* slots - 1; doubles when half full */
    uint8_t *tags;   /* [slots] */
    uint64_t *keys;  /* [slots], valid where the tag is not 0 */
    uint32_t *ports; /* [slots], likewise */

    /* The topology's view of this switch at 'topo_version'. */
    uint64_t topo_version;
    bool flood_all;                  /* OFPP_FLOOD floods on the tree */
    uint8_t roles[L2_ROLE_PORTS];    /* enum sl_port_role of ports 1..64 */
};

struct l2 {
    struct sl_ctx *ctx;
    int table;         /* pipeline table "l2" */
    uint16_t priority; /* of learned flows */
    struct l2_switch *switches[L2_SW_BUCKETS];
};

static struct l2_switch **
l2_switch_slot(struct l2 *l2, uint64_t dpid)
{
    struct l2_switch **p = &l2->switches[(dpid ^ dpid >> 32) % L2_SW_BUCKETS];
    while (*p && (*p)->dpid != dpid) {
        p = &(*p)->next;
    }
    return p;
}

static uint64_t
l2_key(const uint8_t *mac)
{
    uint32_t lo;
    uint16_t hi;

    /* Two loads instead of six; the byte order does not matter. */
    memcpy(&lo, mac, 4);
    memcpy(&hi, mac + 4, 2);
    return (uint64_t) hi << 32 | lo;
}

/* The slot of 'key' in 'sw': where it is (its tag is set), or the free
 * slot where it would go (tag 0); '*tag' is the key's tag. */
static size_t
l2_slot(const struct l2_switch *sw, uint64_t key, uint8_t *tag)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t) (h >> 40) & sw->mask;
    uint8_t t = (uint8_t) (h >> 32);

    t = t ? t : 1;
    *tag = t;
    for (;; i = (i + 1) & sw->mask) {
        uint8_t slot_tag = sw->tags[i];
        if (!slot_tag || (slot_tag == t && sw->keys[i] == key)) {
            return i;
        }
    }
}

/* Gives 'sw' a table of 'n' (a power of 2) free slots; the old one is
 * rehashed into it.  Returns false without memory. */
static bool
l2_resize(struct l2_switch *sw, size_t n)
{
    uint8_t *old_tags = sw->tags;
    uint64_t *old_keys = sw->keys;
    uint32_t *old_ports = sw->ports;
    size_t old_n = old_tags ? sw->mask + 1 : 0;
    uint8_t *tags = calloc(n, sizeof *tags);
    uint64_t *keys = malloc(n * sizeof *keys);
    uint32_t *ports = malloc(n * sizeof *ports);

    if (!tags || !keys || !ports) {
        free(tags);
        free(keys);
        free(ports);
        return false;
    }
    sw->tags = tags;
    sw->keys = keys;
    sw->ports = ports;
    sw->mask = n - 1;
    for (size_t i = 0; i < old_n; i++) {
        if (old_tags[i]) {
            uint8_t tag;
            size_t j = l2_slot(sw, old_keys[i], &tag);
            tags[j] = tag;
            keys[j] = old_keys[i];
            ports[j] = old_ports[i];
        }
    }
    free(old_tags);
    free(old_keys);
    free(old_ports);
    return true;
}

static struct l2_switch *
l2_switch_create(uint64_t dpid)
{
    struct l2_switch *sw = calloc(1, sizeof *sw);
    if (sw && !l2_resize(sw, L2_MIN_SLOTS)) {
        free(sw);
        return NULL;
    }
    if (sw) {
        sw->dpid = dpid;
    }
    return sw;
}

static void
l2_switch_free(struct l2_switch *sw)
{
    free(sw->tags);
    free(sw->keys);
    free(sw->ports);
    free(sw);
}

/* States the flow "eth_dst = 'mac' -> output 'port'" on 'dpid'. */
static void
l2_flow(struct l2 *l2, uint64_t dpid, const uint8_t *mac, uint32_t port)
{
    struct ofp_oxm dst = {
        .cls = OFPXMC_OPENFLOW_BASIC,
        .field = OFPXMT_OFB_ETH_DST,
        .length = 6,
    };
    memcpy(dst.value.mac, mac, 6);
    struct ofp_action out = {OFPAT_OUTPUT, .output = {.port = port}};
    struct ofp_instruction apply = {OFPIT_APPLY_ACTIONS, .actions = {1, &out}};
    struct sl_flow_spec spec = {
        .table_id = (uint8_t) l2->table,
        .priority = l2->priority,
        .match = {.type = OFPMT_OXM, .n_oxms = 1, .oxms = &dst},
        .instructions = {1, &apply},
    };
    int error = host->flow_add(l2->ctx, dpid, &spec, NULL, NULL);
    if (error) {
        host->log(l2->ctx, SL_APP_LOG_WARN, "flow_add: %s", strerror(error));
    }
}

/* Learns that 'mac' is behind 'port' of 'sw'. */
static void
l2_learn(struct l2 *l2, struct l2_switch *sw, const uint8_t *mac,
         uint32_t port)
{
    uint64_t key = l2_key(mac);
    uint8_t tag;
    size_t i = l2_slot(sw, key, &tag);

    if (sw->tags[i]) {
        if (sw->ports[i] != port) {
            sw->ports[i] = port;
            l2_flow(l2, sw->dpid, mac, port); /* moved: replace its flow */
        }
        return;
    }
    if (sw->n_macs >= L2_MAX_MACS) {
        return; /* full: such packets keep being flooded */
    }
    if (2 * (sw->n_macs + 1) > sw->mask + 1) {
        if (!l2_resize(sw, 2 * (sw->mask + 1))) {
            return;
        }
        i = l2_slot(sw, key, &tag);
    }
    sw->tags[i] = tag;
    sw->keys[i] = key;
    sw->ports[i] = port;
    sw->n_macs++;
    /* Stated at once, so traffic toward it never reaches us; after a
     * restart this also replaces an adopted flow that points elsewhere. */
    l2_flow(l2, sw->dpid, mac, port);
}

/* Refreshes the cached view of 'sw' when the topology changed.  Returns
 * the topology version (0: there is no topology). */
static uint64_t
l2_topo_refresh(struct sl_ctx *ctx, struct l2_switch *sw)
{
    uint64_t v = host->topo_version(ctx);

    if (v != sw->topo_version) {
        sw->topo_version = v;
        sw->flood_all = host->topo_flood_all(ctx, sw->dpid);
        for (uint32_t p = 1; p <= L2_ROLE_PORTS; p++) {
            sw->roles[p - 1] = (uint8_t) host->topo_port_role(ctx, sw->dpid,
                                                              p);
        }
    }
    return v;
}

static enum sl_port_role
l2_role(struct sl_ctx *ctx, const struct l2_switch *sw, uint32_t port)
{
    return (port <= L2_ROLE_PORTS ? (enum sl_port_role) sw->roles[port - 1]
                                  : host->topo_port_role(ctx, sw->dpid, port));
}

/* Floods the frame of 'pi' (in on 'in_port') on the tree of 'sw'. */
static void
l2_flood(struct sl_ctx *ctx, const struct l2_switch *sw, bool tree,
         const struct ofp_packet_in *pi, uint32_t in_port)
{
    struct ofp_action actions[L2_MAX_FLOOD];
    uint32_t ports[L2_MAX_FLOOD];
    size_t n = 0;

    if (!tree || sw->flood_all) {
        actions[n++] = (struct ofp_action) {
            OFPAT_OUTPUT, .output = {.port = OFPP_FLOOD}};
    } else {
        size_t n_ports = host->topo_flood_ports(ctx, sw->dpid, ports,
                                                L2_MAX_FLOOD);
        for (size_t i = 0; i < n_ports && i < L2_MAX_FLOOD; i++) {
            if (ports[i] != in_port) {
                actions[n++] = (struct ofp_action) {
                    OFPAT_OUTPUT, .output = {.port = ports[i]}};
            }
        }
        if (n == 0) {
            return; /* nowhere else to go */
        }
    }
    struct ofp_packet_out po = {
        .buffer_id = pi->buffer_id,
        .in_port = in_port,
        .actions = {n, actions},
        .len = pi->buffer_id == OFP_NO_BUFFER ? pi->len : 0,
        .data = pi->data,
    };
    host->packet_out(ctx, sw->dpid, &po);
}

static enum sl_verdict
l2_packet_in(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct l2 *l2 = aux;
    const struct ofp_packet *pkt = ev->packet_in.pkt;
    const struct ofp_packet_in *pi = &ev->msg->packet_in;
    uint32_t in_port = ev->packet_in.in_port;

    if (!pkt || pkt->layer < OFP_PACKET_L2 || !in_port || in_port > OFPP_MAX ||
        pkt->eth_type == OFP_ETH_TYPE_LLDP) {
        return SL_CONTINUE;
    }

    struct l2_switch **slot = l2_switch_slot(l2, ev->dpid);
    if (!*slot) {
        *slot = l2_switch_create(ev->dpid);
        if (!*slot) {
            return SL_CONTINUE;
        }
    }
    struct l2_switch *sw = *slot;
    bool tree = l2_topo_refresh(ctx, sw) != 0;
    if (tree) {
        enum sl_port_role role = l2_role(ctx, sw, in_port);
        if (role == SL_PORT_BLOCKED || role == SL_PORT_NONE) {
            return SL_STOP; /* a copy off the tree, or from the unknown */
        }
    }

    uint32_t out = OFPP_FLOOD;
    if (!L2_MULTICAST(pkt->eth_src)) {
        l2_learn(l2, sw, pkt->eth_src, in_port);
    }
    if (!L2_MULTICAST(pkt->eth_dst)) {
        uint8_t tag;
        size_t i = l2_slot(sw, l2_key(pkt->eth_dst), &tag);
        if (sw->tags[i]) {
            out = sw->ports[i];
            if (out == in_port) {
                return SL_STOP; /* already where it wants to go */
            }
        }
    }
    if (out == OFPP_FLOOD) {
        l2_flood(ctx, sw, tree, pi, in_port);
        return SL_STOP;
    }

    struct ofp_action action = {OFPAT_OUTPUT, .output = {.port = out}};
    struct ofp_packet_out po = {
        .buffer_id = pi->buffer_id,
        .in_port = in_port,
        .actions = {1, &action},
        .len = pi->buffer_id == OFP_NO_BUFFER ? pi->len : 0,
        .data = pi->data,
    };
    host->packet_out(ctx, ev->dpid, &po);
    return SL_STOP;
}

static enum sl_verdict
l2_switch_down(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct l2_switch **slot = l2_switch_slot(aux, ev->dpid);
    struct l2_switch *sw = *slot;

    if (sw) {
        *slot = sw->next;
        l2_switch_free(sw);
    }
    if (ev->dpid) { /* 0 would mean every switch */
        host->flow_del_all(ctx, ev->dpid);
    }
    return SL_CONTINUE;
}

/* The flooding tree changed: forget what was learned (frames may now take
 * other paths), as a bridge flushes its table on a topology change. */
static enum sl_verdict
l2_tree_changed(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct l2 *l2 = aux;
    size_t forgotten = 0;

    (void) ev;
    for (size_t b = 0; b < L2_SW_BUCKETS; b++) {
        for (struct l2_switch *sw = l2->switches[b]; sw; sw = sw->next) {
            if (sw->n_macs) {
                forgotten += sw->n_macs;
                memset(sw->tags, 0, sw->mask + 1);
                sw->n_macs = 0;
            }
        }
    }
    if (forgotten) {
        host->flow_del_all(ctx, 0);
        host->log(ctx, SL_APP_LOG_INFO, "spanning tree changed: %zu learned "
                  "MACs forgotten", forgotten);
    }
    return SL_CONTINUE;
}

/* Reads our section: none, or {priority: N}.  Returns 0 or EINVAL. */
static int
l2_read_config(struct l2 *l2, const struct sl_app_config *cfg)
{
    static const char *const keys[] = {"priority"};
    unsigned long n = l2->priority;
    int error = sl_app_config_check_keys(cfg, keys, 1);

    if (!error) {
        error = sl_app_config_get_uint(cfg, "priority", UINT16_MAX, &n);
    }
    if (error && error != ENOENT) {
        return EINVAL;
    }
    l2->priority = (uint16_t) n;
    return 0;
}

static int
l2_init(struct sl_ctx *ctx, const struct sl_host *h,
        const struct sl_app_config *cfg)
{
    struct l2 *l2 = calloc(1, sizeof *l2);

    host = h;
    if (!l2) {
        return ENOMEM;
    }
    host->set_data(ctx, l2);
    l2->ctx = ctx;
    l2->priority = 100;
    l2->table = host->table_id(ctx, "l2");
    if (l2->table < 0) {
        host->log(ctx, SL_APP_LOG_ERR, "no pipeline table \"l2\"");
        return ENOENT;
    }
    if (l2_read_config(l2, cfg)) {
        host->log(ctx, SL_APP_LOG_ERR, "config: want {priority: 0..65535}");
        return EINVAL;
    }
    host->subscribe(ctx, SL_EV_PACKET_IN, 0, l2_packet_in, l2);
    host->subscribe(ctx, SL_EV_SWITCH_DOWN, 0, l2_switch_down, l2);
    host->subscribe(ctx, SL_EV_TREE_CHANGED, 0, l2_tree_changed, l2);
    return 0;
}

static void
l2_fini(struct sl_ctx *ctx)
{
    struct l2 *l2 = host->get_data(ctx);

    for (size_t i = 0; l2 && i < L2_SW_BUCKETS; i++) {
        while (l2->switches[i]) {
            struct l2_switch *sw = l2->switches[i];
            l2->switches[i] = sw->next;
            l2_switch_free(sw);
        }
    }
    free(l2);
}

const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "l2_learning",
    .description = "learning switch: MAC -> port flows in table l2",
    .init = l2_init,
    .fini = l2_fini,
    .flags = SL_APP_F_ADOPT_FLOWS,
};
