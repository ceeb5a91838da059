/* l2_learning: L2 forwarding on the topology (the default app).
 *
 * Two modes (config 'mode'):
 *
 * proactive (default).  Hosts are learned by the topology service, not
 * here: on HOST_ADD and HOST_MOVE this app states, on every connected
 * switch, the flow "eth_dst = host -> output toward it" in table "l2" (the
 * host's port on its own switch, topo_next_hop() elsewhere), so after the
 * first packet of a new host no frame to it reaches the controller.  A
 * switch from which the host is unreachable has that flow deleted.  Any
 * change of links, ports, switches or the tree schedules one recompute
 * (a one-shot timer of 1 us -- the host refuses 0 s -- coalesces bursts)
 * that re-states every host's flows on every switch; the flow programmer
 * sends only what changed.  A table miss toward a known host re-states
 * its flow on that switch only (O(1); the next switches do the same if
 * they miss too) and sends the frame on.  A
 * host whose topology 'last_seen' stops moving for 'mac_age' seconds
 * loses its flows until it is seen again.  A table miss (unknown
 * destination, broadcast) is flooded along the topology's spanning tree.
 *
 * reactive (Ryu's simple_switch_13, for comparison and the benchmark).
 * Per switch a MAC table learns sources from packet-ins; a frame to a
 * known MAC states a flow (in_port, eth_src, eth_dst -> output) with an
 * idle timeout and is sent there; others are flooded along the tree.
 * Entries age out after 'mac_age' seconds unseen; a tree change flushes
 * every table (and every flow of the app), as a spanning-tree bridge
 * flushes its table.
 *
 * The per-switch MAC tables are open-addressing tables (linear probing,
 * backward-shift deletion) split in arrays: probing reads one-byte tags,
 * 64 to a cache line, a key only when its tag matches and the rest only on
 * a hit, so under a flood of new MACs a lookup touches nothing but tags.
 * The packet-in path allocates nothing in steady state, logs nothing
 * unless rate-limited, and makes O(1) host calls: each switch's flood
 * ports and their roles are cached per topology version.
 *
 * VLANs (config 'vlans'): ports are untagged ("native") members of at most
 * one VLAN and tagged members of any.  Table "vlan" classifies frames at
 * ingress (an untagged frame on a native member gets the VLAN's tag;
 * tagged frames of member VLANs pass; anything else on a listed port is
 * dropped; unlisted ports are left alone), so everything reaching table
 * "l2" from a listed port carries its VLAN; flows then match the VLAN too,
 * the tag is popped at the last hop toward a native member, links carry
 * every VLAN tagged, and floods reach only the frame's VLAN.
 *
 * Its flows are learned state, so it sets SL_APP_F_ADOPT_FLOWS: after a
 * controller restart reconciliation adopts them instead of deleting them,
 * and traffic goes on.  At SWITCH_DOWN it drops its flows on that switch
 * (adopted again if the switch comes back with them).
 *
 * REST: GET /api/v1/apps/l2_learning, .../macs, .../vlans.  Metrics:
 * sluice_l2_learning_*. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sluice/app.h"
#include "app-json.h"
#include "app-util.h"

#define L2_SW_BUCKETS 256  /* switches, by dpid */
#define L2_MAX_MACS 8192   /* reactive, per switch: spoofed sources cannot
                            * exhaust us */
#define L2_MIN_SLOTS 64    /* a table starts this small... */
#define L2_MAX_FLOOD 256   /* output actions of one flood */
#define L2_MULTICAST(MAC) ((MAC)[0] & 1) /* broadcast included */
#define L2_NO_VLAN SL_HOST_NO_VLAN
#define L2_VID_MAX 4094
#define L2_PRIO_VLAN_MEMBER 200 /* table "vlan" flows */
#define L2_PRIO_VLAN_DROP 100
#define L2_MAC_AGE_MAX 31536000UL /* a year */
#define L2_HOST_FLOWS 1u   /* host set: the host's flows are stated */
#define L2_HOST_RESTATED_SHIFT 1 /* host set: above the flags, the second
                                  * its flow was last stated for a miss */
#define L2_RECOMPUTE_DELAY 1e-6 /* "at once, after this burst of events"
                                 * (the host refuses 0 s) */

static const struct sl_host *host;

enum l2_mode { L2_PROACTIVE, L2_REACTIVE };

/* ---- MAC tables ----
 *
 * A key is a MAC in its low 48 bits and a VLAN id (or L2_NO_VLAN) in the
 * high 16.  'vals' is the port (reactive) or, in the proactive host set,
 * L2_HOST_* flags and the second of the last re-statement; 'seen' whole
 * seconds of host->now; 'topo_seen' (host set only) the topology's
 * last_seen when it last changed. */
struct l2_macs {
    size_t n;
    size_t mask;        /* slots - 1; doubles when half full */
    uint8_t *tags;      /* [slots]; 0: free */
    uint64_t *keys;     /* [slots], valid where the tag is not 0 */
    uint32_t *vals;     /* likewise */
    uint32_t *seen;
    double *topo_seen;  /* NULL unless asked for */
};

static uint64_t
l2_key(const uint8_t *mac, uint16_t vlan)
{
    return ((uint64_t) vlan << 48 | (uint64_t) mac[0] << 40 |
            (uint64_t) mac[1] << 32 | (uint64_t) mac[2] << 24 |
            (uint64_t) mac[3] << 16 | (uint64_t) mac[4] << 8 | mac[5]);
}

static void
l2_key_mac(uint64_t key, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        mac[i] = (uint8_t) (key >> (40 - 8 * i));
    }
}

static uint16_t
l2_key_vlan(uint64_t key)
{
    return (uint16_t) (key >> 48);
}

/* The home slot of 'key' in 'm' (bits 32.. of the hash) and, in '*tag',
 * its tag (bits 24..31, never 0). */
static size_t
l2_home(const struct l2_macs *m, uint64_t key, uint8_t *tag)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    uint8_t t = (uint8_t) (h >> 24);

    *tag = t ? t : 1;
    return (size_t) (h >> 32) & m->mask;
}

/* The slot of 'key' in 'm': where it is (its tag is set), or the free
 * slot where it would go (tag 0); '*tag' is the key's tag. */
static size_t
l2_slot(const struct l2_macs *m, uint64_t key, uint8_t *tag)
{
    size_t i = l2_home(m, key, tag);

    for (;; i = (i + 1) & m->mask) {
        uint8_t t = m->tags[i];
        if (!t || (t == *tag && m->keys[i] == key)) {
            return i;
        }
    }
}

/* Returns the slot of 'key' in 'm', or SIZE_MAX. */
static size_t
l2_macs_find(const struct l2_macs *m, uint64_t key)
{
    uint8_t tag;
    size_t i;

    if (!m->tags) {
        return SIZE_MAX;
    }
    i = l2_slot(m, key, &tag);
    return m->tags[i] ? i : SIZE_MAX;
}

/* Gives 'm' a table of 'n' (a power of 2) slots, rehashing what it holds.
 * Returns false without memory ('m' unchanged). */
static bool
l2_macs_resize(struct l2_macs *m, size_t n, bool with_topo_seen)
{
    struct l2_macs new = {.n = m->n, .mask = n - 1};
    size_t old_n = m->tags ? m->mask + 1 : 0;

    new.tags = calloc(n, sizeof *new.tags);
    new.keys = malloc(n * sizeof *new.keys);
    new.vals = malloc(n * sizeof *new.vals);
    new.seen = malloc(n * sizeof *new.seen);
    if (with_topo_seen) {
        new.topo_seen = malloc(n * sizeof *new.topo_seen);
    }
    if (!new.tags || !new.keys || !new.vals || !new.seen ||
        (with_topo_seen && !new.topo_seen)) {
        free(new.tags);
        free(new.keys);
        free(new.vals);
        free(new.seen);
        free(new.topo_seen);
        return false;
    }
    for (size_t i = 0; i < old_n; i++) {
        if (m->tags[i]) {
            uint8_t tag;
            size_t j = l2_slot(&new, m->keys[i], &tag);
            new.tags[j] = tag;
            new.keys[j] = m->keys[i];
            new.vals[j] = m->vals[i];
            new.seen[j] = m->seen[i];
            if (with_topo_seen) {
                new.topo_seen[j] = m->topo_seen[i];
            }
        }
    }
    free(m->tags);
    free(m->keys);
    free(m->vals);
    free(m->seen);
    free(m->topo_seen);
    *m = new;
    return true;
}

static void
l2_macs_destroy(struct l2_macs *m)
{
    free(m->tags);
    free(m->keys);
    free(m->vals);
    free(m->seen);
    free(m->topo_seen);
    memset(m, 0, sizeof *m);
}

/* Inserts 'key' (absent from 'm') unless 'm' holds 'max' keys already.
 * Returns its slot (the caller fills vals and seen), or SIZE_MAX when full
 * or out of memory. */
static size_t
l2_macs_insert(struct l2_macs *m, uint64_t key, size_t max)
{
    bool topo_seen = m->topo_seen != NULL;
    uint8_t tag;
    size_t i;

    if (m->n >= max) {
        return SIZE_MAX;
    }
    if (!m->tags || 2 * (m->n + 1) > m->mask + 1) {
        size_t n = m->tags ? 2 * (m->mask + 1) : L2_MIN_SLOTS;
        if (!l2_macs_resize(m, n, topo_seen)) {
            return SIZE_MAX;
        }
    }
    i = l2_slot(m, key, &tag);
    m->tags[i] = tag;
    m->keys[i] = key;
    m->n++;
    return i;
}

/* Removes the key in slot 'i' of 'm' by backward shift: later keys of its
 * cluster that may live closer to their home move back, so lookups never
 * meet a hole (no tombstones).  A key from beyond 'i' may land in 'i'. */
static void
l2_macs_delete(struct l2_macs *m, size_t i)
{
    size_t j = i;

    for (;;) {
        uint8_t tag;
        j = (j + 1) & m->mask;
        if (!m->tags[j]) {
            break;
        }
        size_t home = l2_home(m, m->keys[j], &tag);
        /* j may move to i when its home is not within (i, j]. */
        if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
            m->tags[i] = m->tags[j];
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            m->seen[i] = m->seen[j];
            if (m->topo_seen) {
                m->topo_seen[i] = m->topo_seen[j];
            }
            i = j;
        }
    }
    m->tags[i] = 0;
    m->n--;
}

static void
l2_macs_clear(struct l2_macs *m)
{
    if (m->tags) {
        memset(m->tags, 0, m->mask + 1);
    }
    m->n = 0;
}

/* ---- state ---- */

/* A connected switch as this app knows it. */
struct l2_switch {
    struct l2_switch *next;
    uint64_t dpid;
    struct l2_macs macs; /* reactive: learned MAC (+VLAN) -> port */

    /* The topology's view of this switch at 'topo_version' (valid when
     * 'view_ok'), to keep the packet-in path to one host call. */
    uint64_t topo_version;
    bool view_ok;
    bool flood_all;                     /* OFPP_FLOOD floods on the tree */
    size_t n_flood;
    uint32_t flood[L2_MAX_FLOOD];       /* flood ports, ascending */
    uint8_t flood_role[L2_MAX_FLOOD];   /* their enum sl_port_role */
};

/* A port listed in the VLAN config. */
struct l2_vport {
    uint64_t dpid;
    uint32_t port;
    uint16_t native;             /* untagged member of this VLAN; 0: none */
    uint8_t tagged[4096 / 8];    /* bit v: tagged member of VLAN v */
};

struct l2_member {
    uint64_t dpid;
    uint32_t port;
};

/* One VLAN as configured (for REST). */
struct l2_vlan {
    uint16_t vid;
    size_t n_untagged, n_tagged;
    struct l2_member *untagged, *tagged;
};

struct l2_config {
    enum l2_mode mode;
    uint16_t priority;
    unsigned long mac_age;
    uint16_t idle_timeout;
    bool vlan_aware;
    size_t n_vlans;
    struct l2_vlan *vlans;     /* by vid */
    size_t n_vports;
    struct l2_vport *vports;   /* by (dpid, port) */
    uint8_t configured[4096 / 8]; /* bit v: VLAN v is configured */
};

struct l2_stats {
    uint64_t packet_ins, floods, flow_adds, flows_stated, recomputes;
    uint64_t drops_blocked, drops_no_port, drops_vlan;
};

struct l2 {
    struct sl_ctx *ctx;
    struct l2_config cfg;
    int t_vlan, t_acl, t_l3, t_l2; /* pipeline table ids, -1: none */
    int t_after_vlan;              /* where classified frames go */
    struct l2_switch *switches[L2_SW_BUCKETS];
    struct l2_macs hosts;          /* proactive: hosts seen in events */
    size_t n_host_flows;           /* ...of which have their flows */
    struct sl_timer *recompute;    /* pending, or NULL */
    struct sl_timer *sweep;
    struct l2_stats stats;

    /* Scratch for recomputes. */
    const struct sl_topo_host **hbuf;
    size_t hbuf_cap;
    uint64_t *dbuf;
    size_t dbuf_cap;

    /* Rate limit of peer-triggered warnings. */
    double rl_next;
    unsigned long rl_suppressed;
};

static uint32_t
l2_now_s(const struct l2 *l2)
{
    double now = host->now(l2->ctx);
    return now > 0 ? (uint32_t) now : 0;
}

/* Logs a warning at most once per 5 s, counting what it swallows. */
static void __attribute__((format(printf, 2, 3)))
l2_warn_rl(struct l2 *l2, const char *fmt, ...)
{
    double now = host->now(l2->ctx);
    char msg[256];
    va_list args;

    if (now < l2->rl_next) {
        l2->rl_suppressed++;
        return;
    }
    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    if (l2->rl_suppressed) {
        host->log(l2->ctx, SL_APP_LOG_WARN, "%s (%lu similar suppressed)",
                  msg, l2->rl_suppressed);
    } else {
        host->log(l2->ctx, SL_APP_LOG_WARN, "%s", msg);
    }
    l2->rl_suppressed = 0;
    l2->rl_next = now + 5.0;
}

static struct l2_switch **
l2_switch_slot(struct l2 *l2, uint64_t dpid)
{
    struct l2_switch **p = &l2->switches[(dpid ^ dpid >> 32) % L2_SW_BUCKETS];
    while (*p && (*p)->dpid != dpid) {
        p = &(*p)->next;
    }
    return p;
}

/* Returns the state of switch 'dpid', created if needed (NULL without
 * memory). */
static struct l2_switch *
l2_switch_get(struct l2 *l2, uint64_t dpid)
{
    struct l2_switch **slot = l2_switch_slot(l2, dpid);

    if (!*slot) {
        struct l2_switch *sw = calloc(1, sizeof *sw);
        if (!sw) {
            return NULL;
        }
        sw->dpid = dpid;
        *slot = sw;
    }
    return *slot;
}

static void
l2_switch_free(struct l2_switch *sw)
{
    l2_macs_destroy(&sw->macs);
    free(sw);
}

/* ---- VLAN config lookups ---- */

static bool
l2_bit(const uint8_t *bits, uint16_t v)
{
    return v < 4096 && (bits[v / 8] >> (v % 8)) & 1;
}

static void
l2_set_bit(uint8_t *bits, uint16_t v)
{
    bits[v / 8] |= (uint8_t) (1u << (v % 8));
}

static int
l2_vport_cmp(uint64_t dpid, uint32_t port, const struct l2_vport *b)
{
    if (dpid != b->dpid) {
        return dpid < b->dpid ? -1 : 1;
    }
    return port < b->port ? -1 : port > b->port;
}

/* The listed port dpid:port, or NULL. */
static const struct l2_vport *
l2_vport_find(const struct l2_config *cfg, uint64_t dpid, uint32_t port)
{
    size_t lo = 0, hi = cfg->n_vports;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = l2_vport_cmp(dpid, port, &cfg->vports[mid]);
        if (!c) {
            return &cfg->vports[mid];
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

/* True if dpid:port is an untagged member of 'vlan' (VLAN-aware only). */
static bool
l2_native(const struct l2 *l2, uint64_t dpid, uint32_t port, uint16_t vlan)
{
    const struct l2_vport *vp;

    if (!l2->cfg.vlan_aware || vlan == L2_NO_VLAN || !vlan) {
        return false;
    }
    vp = l2_vport_find(&l2->cfg, dpid, port);
    return vp && vp->native == vlan;
}

/* May a frame of 'vlan' arrive on dpid:port (role 'role') at table l2?
 * Links carry every VLAN; a listed port only its VLANs (tagged, after
 * classification); an unlisted port only what is outside the VLANs. */
static bool
l2_vlan_admits(const struct l2 *l2, uint64_t dpid, uint32_t port,
               enum sl_port_role role, uint16_t vlan)
{
    const struct l2_vport *vp;

    if (role == SL_PORT_TREE) {
        return true;
    }
    vp = l2_vport_find(&l2->cfg, dpid, port);
    if (!vp) {
        return vlan == L2_NO_VLAN || !l2_bit(l2->cfg.configured, vlan);
    }
    return vlan != L2_NO_VLAN && (vp->native == vlan ||
                                  l2_bit(vp->tagged, vlan));
}

/* ---- the topology's view of a switch ---- */

/* Refreshes the cached flood ports and roles of 'sw' if the topology
 * changed.  Returns false when there is no topology (version 0): nothing
 * is cached then. */
static bool
l2_view(struct l2 *l2, struct l2_switch *sw)
{
    uint64_t v = host->topo_version(l2->ctx);
    size_t n;

    if (!v) {
        sw->view_ok = false;
        return false;
    }
    if (sw->view_ok && sw->topo_version == v) {
        return true;
    }
    sw->topo_version = v;
    sw->view_ok = true;
    sw->flood_all = host->topo_flood_all(l2->ctx, sw->dpid);
    n = host->topo_flood_ports(l2->ctx, sw->dpid, sw->flood, L2_MAX_FLOOD);
    if (n > L2_MAX_FLOOD) {
        l2_warn_rl(l2, "switch %016" PRIx64 ": %zu flood ports, only the "
                   "first %d are flooded", sw->dpid, n, L2_MAX_FLOOD);
        n = L2_MAX_FLOOD;
    }
    sw->n_flood = n;
    for (size_t i = 0; i < n; i++) {
        sw->flood_role[i] = (uint8_t) host->topo_port_role(l2->ctx, sw->dpid,
                                                           sw->flood[i]);
    }
    return true;
}

/* The role of 'port' of 'sw' (view valid). */
static enum sl_port_role
l2_role(struct l2 *l2, const struct l2_switch *sw, uint32_t port)
{
    size_t lo = 0, hi = sw->n_flood;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sw->flood[mid] == port) {
            return (enum sl_port_role) sw->flood_role[mid];
        }
        if (sw->flood[mid] < port) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    /* Not a flood port: blocked or down (or beyond the cached ones). */
    return host->topo_port_role(l2->ctx, sw->dpid, port);
}

/* Without a topology: the switch's live ports, all edge ports. */
static void
l2_view_no_topo(struct l2 *l2, struct l2_switch *sw)
{
    const struct sl_switch *s = host->switch_get(l2->ctx, sw->dpid);

    sw->n_flood = 0;
    sw->flood_all = true;
    for (size_t i = 0; s && i < s->n_ports && sw->n_flood < L2_MAX_FLOOD;
         i++) {
        const struct ofp_port *p = &s->ports[i];
        if (p->port_no && p->port_no <= OFPP_MAX &&
            !(p->state & OFPPS_LINK_DOWN) && !(p->config & OFPPC_PORT_DOWN)) {
            sw->flood_role[sw->n_flood] = SL_PORT_EDGE;
            sw->flood[sw->n_flood++] = p->port_no;
        }
    }
}

/* ---- flows ---- */

static void
l2_oxm_mac(struct ofp_oxm *oxm, uint8_t field, const uint8_t *mac)
{
    *oxm = (struct ofp_oxm) {
        .cls = OFPXMC_OPENFLOW_BASIC, .field = field, .length = 6};
    memcpy(oxm->value.mac, mac, 6);
}

static void
l2_oxm_vlan(struct ofp_oxm *oxm, uint16_t vlan)
{
    *oxm = (struct ofp_oxm) {
        .cls = OFPXMC_OPENFLOW_BASIC, .field = OFPXMT_OFB_VLAN_VID,
        .length = 2,
        .value.u16 = vlan == L2_NO_VLAN ? OFPVID_NONE
                                        : (uint16_t) (OFPVID_PRESENT | vlan)};
}

static void
l2_oxm_in_port(struct ofp_oxm *oxm, uint32_t port)
{
    *oxm = (struct ofp_oxm) {
        .cls = OFPXMC_OPENFLOW_BASIC, .field = OFPXMT_OFB_IN_PORT,
        .length = 4, .value.u32 = port};
}

/* States 'spec' on 'dpid' and counts it. */
static void
l2_flow_add(struct l2 *l2, uint64_t dpid, const struct sl_flow_spec *spec)
{
    int error;

    l2->stats.flow_adds++;
    error = host->flow_add(l2->ctx, dpid, spec, NULL, NULL);
    if (error) {
        l2_warn_rl(l2, "switch %016" PRIx64 ": flow_add to table %u: %s",
                   dpid, spec->table_id, strerror(error));
    } else {
        l2->stats.flows_stated++;
    }
}

static void
l2_flow_del(struct l2 *l2, uint64_t dpid, uint8_t table, uint16_t priority,
            const struct ofp_match *match)
{
    int error = host->flow_del(l2->ctx, dpid, table, priority, match, NULL,
                               NULL);
    if (error && error != ENOENT) {
        l2_warn_rl(l2, "switch %016" PRIx64 ": flow_del: %s", dpid,
                   strerror(error));
    }
}

/* The match of host (mac, vlan)'s forwarding flows: eth_dst, and the VLAN
 * when VLAN-aware.  'oxms' has room for 2. */
static struct ofp_match
l2_host_match(const struct l2 *l2, const uint8_t *mac, uint16_t vlan,
              struct ofp_oxm *oxms)
{
    l2_oxm_mac(&oxms[0], OFPXMT_OFB_ETH_DST, mac);
    if (l2->cfg.vlan_aware) {
        l2_oxm_vlan(&oxms[1], vlan);
    }
    return (struct ofp_match) {
        .type = OFPMT_OXM, .n_oxms = l2->cfg.vlan_aware ? 2 : 1,
        .oxms = oxms};
}

/* Whether host 'h' may be forwarded to: VLAN-aware, its port must carry
 * its VLAN (a frame of VLAN 10 from an unlisted port teaches the topology
 * a host that VLAN 10 must not reach). */
static bool
l2_host_valid(const struct l2 *l2, const struct sl_topo_host *h)
{
    return (!l2->cfg.vlan_aware ||
            l2_vlan_admits(l2, h->dpid, h->port_no, SL_PORT_EDGE, h->vlan));
}

/* Fills 'acts' (room for 2) with what switch 'dpid' does with a frame to
 * host 'h': [pop_vlan] output.  Returns how many actions, 0 when 'h' is
 * unreachable from 'dpid' (or not to be forwarded to at all). */
static size_t
l2_host_actions(struct l2 *l2, uint64_t dpid, const struct sl_topo_host *h,
                struct ofp_action *acts)
{
    uint32_t port;
    size_t n = 0;

    if (!l2_host_valid(l2, h)) {
        return 0;
    }
    port = (dpid == h->dpid ? h->port_no
                            : host->topo_next_hop(l2->ctx, dpid, h->dpid));
    if (!port) {
        return 0;
    }
    if (dpid == h->dpid && l2_native(l2, dpid, port, h->vlan)) {
        acts[n++] = (struct ofp_action) {.type = OFPAT_POP_VLAN};
    }
    acts[n++] = (struct ofp_action) {OFPAT_OUTPUT, .output = {.port = port}};
    return n;
}

/* States (or, unreachable, deletes) host 'h''s flow on switch 'dpid'. */
static void
l2_host_flow_on(struct l2 *l2, uint64_t dpid, const struct sl_topo_host *h)
{
    struct ofp_oxm oxms[2];
    struct ofp_action acts[2];
    struct ofp_match match = l2_host_match(l2, h->mac, h->vlan, oxms);
    size_t n = l2_host_actions(l2, dpid, h, acts);

    if (!n) {
        l2_flow_del(l2, dpid, (uint8_t) l2->t_l2, l2->cfg.priority, &match);
        return;
    }
    struct ofp_instruction apply = {OFPIT_APPLY_ACTIONS, .actions = {n, acts}};
    struct sl_flow_spec spec = {
        .table_id = (uint8_t) l2->t_l2,
        .priority = l2->cfg.priority,
        .match = match,
        .instructions = {1, &apply},
    };
    l2_flow_add(l2, dpid, &spec);
}

/* Fills l2->dbuf with the connected switches; returns how many. */
static size_t
l2_switches(struct l2 *l2)
{
    size_t n = host->switch_list(l2->ctx, l2->dbuf, l2->dbuf_cap);

    if (n > l2->dbuf_cap) {
        uint64_t *p = realloc(l2->dbuf, n * sizeof *p);
        if (!p) {
            return l2->dbuf_cap;
        }
        l2->dbuf = p;
        l2->dbuf_cap = n;
        n = host->switch_list(l2->ctx, l2->dbuf, l2->dbuf_cap);
        n = n < l2->dbuf_cap ? n : l2->dbuf_cap;
    }
    return n;
}

/* Fills l2->hbuf with the topology's hosts; returns how many. */
static size_t
l2_topo_hosts(struct l2 *l2)
{
    size_t n = host->topo_hosts(l2->ctx, 0, l2->hbuf, l2->hbuf_cap);

    if (n > l2->hbuf_cap) {
        const struct sl_topo_host **p = realloc(l2->hbuf, n * sizeof *p);
        if (!p) {
            return l2->hbuf_cap;
        }
        l2->hbuf = p;
        l2->hbuf_cap = n;
        n = host->topo_hosts(l2->ctx, 0, l2->hbuf, l2->hbuf_cap);
        n = n < l2->hbuf_cap ? n : l2->hbuf_cap;
    }
    return n;
}

/* States host 'h''s flows on the 'n' switches of l2->dbuf. */
static void
l2_host_flows(struct l2 *l2, const struct sl_topo_host *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        l2_host_flow_on(l2, l2->dbuf[i], h);
    }
}

/* Deletes the flows of host (mac, vlan) on the 'n' switches of l2->dbuf. */
static void
l2_host_unflows(struct l2 *l2, const uint8_t *mac, uint16_t vlan, size_t n)
{
    struct ofp_oxm oxms[2];
    struct ofp_match match = l2_host_match(l2, mac, vlan, oxms);

    for (size_t i = 0; i < n; i++) {
        l2_flow_del(l2, l2->dbuf[i], (uint8_t) l2->t_l2, l2->cfg.priority,
                    &match);
    }
}

/* ---- the proactive host set ---- */

/* Sets or clears L2_HOST_FLOWS of slot 'i'. */
static void
l2_host_mark(struct l2 *l2, size_t i, bool flows)
{
    bool had = l2->hosts.vals[i] & L2_HOST_FLOWS;

    if (flows && !had) {
        l2->hosts.vals[i] |= L2_HOST_FLOWS;
        l2->n_host_flows++;
    } else if (!flows && had) {
        l2->hosts.vals[i] &= ~L2_HOST_FLOWS;
        l2->n_host_flows--;
    }
}

/* Records host 'h' as just seen by an event (slot returned; SIZE_MAX
 * without memory). */
static size_t
l2_host_touch(struct l2 *l2, const struct sl_topo_host *h)
{
    uint64_t key = l2_key(h->mac, h->vlan);
    size_t i = l2_macs_find(&l2->hosts, key);

    if (i == SIZE_MAX) {
        i = l2_macs_insert(&l2->hosts, key, SIZE_MAX);
        if (i == SIZE_MAX) {
            l2_warn_rl(l2, "out of memory for hosts");
            return SIZE_MAX;
        }
        l2->hosts.vals[i] = 0;
    }
    l2->hosts.seen[i] = l2_now_s(l2);
    l2->hosts.topo_seen[i] = h->last_seen;
    return i;
}

/* Whether host 'h' (slot 'i') is fresh: its last_seen moved within
 * mac_age.  Notes a move. */
static bool
l2_host_fresh(struct l2 *l2, size_t i, const struct sl_topo_host *h,
              uint32_t now)
{
    if (h->last_seen != l2->hosts.topo_seen[i]) {
        l2->hosts.topo_seen[i] = h->last_seen;
        l2->hosts.seen[i] = now;
        return true;
    }
    return now - l2->hosts.seen[i] < l2->cfg.mac_age;
}

/* Whether host slot 'i' (SIZE_MAX: not in the set yet) may have its flow
 * stated again for a miss at second 'now'; notes it if so. */
static bool
l2_host_restate_due(struct l2 *l2, size_t i, uint32_t now)
{
    uint32_t mask = UINT32_MAX >> L2_HOST_RESTATED_SHIFT;
    uint32_t *v;

    if (i == SIZE_MAX) {
        return true;
    }
    v = &l2->hosts.vals[i];
    if ((*v >> L2_HOST_RESTATED_SHIFT) == (now & mask)) {
        return false;
    }
    *v = (*v & ((1u << L2_HOST_RESTATED_SHIFT) - 1)) |
         (now & mask) << L2_HOST_RESTATED_SHIFT;
    return true;
}

/* ---- recompute (proactive) ---- */

static void
l2_recompute(struct l2 *l2)
{
    size_t n_sw = l2_switches(l2);
    size_t n_h = l2_topo_hosts(l2);
    uint32_t now = l2_now_s(l2);
    uint8_t mac[6];

    l2->stats.recomputes++;
    for (size_t k = 0; k < n_h; k++) {
        const struct sl_topo_host *h = l2->hbuf[k];
        size_t i = l2_macs_find(&l2->hosts, l2_key(h->mac, h->vlan));

        if (i == SIZE_MAX) {
            i = l2_host_touch(l2, h);
            if (i == SIZE_MAX) {
                continue;
            }
        }
        if (l2_host_fresh(l2, i, h, now)) {
            l2_host_flows(l2, h, n_sw);
            l2_host_mark(l2, i, l2_host_valid(l2, h));
        } else if (l2->hosts.vals[i] & L2_HOST_FLOWS) {
            l2_host_unflows(l2, h->mac, h->vlan, n_sw);
            l2_host_mark(l2, i, false);
        }
    }
    /* Hosts the topology forgot without telling us. */
    for (size_t i = 0; l2->hosts.tags && i <= l2->hosts.mask; i++) {
        while (l2->hosts.tags[i]) {
            uint64_t key = l2->hosts.keys[i];
            l2_key_mac(key, mac);
            if (host->topo_host_find(l2->ctx, mac, l2_key_vlan(key))) {
                break;
            }
            if (l2->hosts.vals[i] & L2_HOST_FLOWS) {
                l2_host_unflows(l2, mac, l2_key_vlan(key), n_sw);
                l2_host_mark(l2, i, false);
            }
            l2_macs_delete(&l2->hosts, i);
        }
    }
}

static void
l2_recompute_cb(struct sl_ctx *ctx, void *aux)
{
    struct l2 *l2 = aux;

    (void) ctx;
    l2->recompute = NULL; /* freed by the host when we return */
    l2_recompute(l2);
}

/* Schedules one recompute, unless one is pending. */
static void
l2_schedule(struct l2 *l2)
{
    if (!l2->recompute && l2->cfg.mode == L2_PROACTIVE) {
        l2->recompute = host->timer_add(l2->ctx, L2_RECOMPUTE_DELAY, false,
                                        l2_recompute_cb, l2);
        if (!l2->recompute) {
            l2_recompute(l2); /* no timer: at once */
        }
    }
}

/* ---- VLAN classification (table "vlan") ---- */

/* States the classification flows of switch 'dpid'. */
static void
l2_vlan_flows(struct l2 *l2, uint64_t dpid)
{
    const struct l2_config *cfg = &l2->cfg;

    if (!cfg->vlan_aware || l2->t_vlan < 0) {
        return;
    }
    for (size_t k = 0; k < cfg->n_vports; k++) {
        const struct l2_vport *vp = &cfg->vports[k];
        struct ofp_oxm oxms[2];
        struct ofp_instruction inst[2];
        struct ofp_action acts[2];
        struct sl_flow_spec spec = {
            .table_id = (uint8_t) l2->t_vlan,
            .match = {.type = OFPMT_OXM, .n_oxms = 2, .oxms = oxms},
        };

        if (vp->dpid != dpid) {
            continue;
        }
        l2_oxm_in_port(&oxms[0], vp->port);
        inst[1] = (struct ofp_instruction) {
            OFPIT_GOTO_TABLE, .table_id = (uint8_t) l2->t_after_vlan};
        if (vp->native) {
            l2_oxm_vlan(&oxms[1], L2_NO_VLAN);
            acts[0] = (struct ofp_action) {
                OFPAT_PUSH_VLAN, .ethertype = OFP_ETH_TYPE_VLAN};
            acts[1] = (struct ofp_action) {.type = OFPAT_SET_FIELD};
            l2_oxm_vlan(&acts[1].set_field, vp->native);
            inst[0] = (struct ofp_instruction) {
                OFPIT_APPLY_ACTIONS, .actions = {2, acts}};
            spec.priority = L2_PRIO_VLAN_MEMBER;
            spec.instructions = (struct ofp_instruction_list) {2, inst};
            l2_flow_add(l2, dpid, &spec);
        }
        for (uint16_t v = 1; v <= L2_VID_MAX; v++) {
            if (l2_bit(vp->tagged, v)) {
                l2_oxm_vlan(&oxms[1], v);
                spec.priority = L2_PRIO_VLAN_MEMBER;
                spec.instructions = (struct ofp_instruction_list) {
                    1, &inst[1]};
                l2_flow_add(l2, dpid, &spec);
            }
        }
        spec.priority = L2_PRIO_VLAN_DROP;
        spec.match.n_oxms = 1;
        spec.instructions = (struct ofp_instruction_list) {0, NULL};
        l2_flow_add(l2, dpid, &spec);
    }
}

/* ---- packet-ins ---- */

/* Sends the frame of 'ev' out of switch 'dpid' with 'acts'. */
static void
l2_packet_out(struct l2 *l2, const struct sl_event *ev, uint32_t in_port,
              struct ofp_action *acts, size_t n)
{
    const struct ofp_packet_in *pi = &ev->msg->packet_in;
    struct ofp_packet_out po = {
        /* The table-miss flows send the whole frame (no buffer); a
         * switch that buffered it is answered by buffer id. */
        .buffer_id = pi->buffer_id,
        .in_port = in_port,
        .actions = {n, acts},
        .len = pi->buffer_id == OFP_NO_BUFFER ? pi->len : 0,
        .data = pi->buffer_id == OFP_NO_BUFFER ? pi->data : NULL,
    };
    int error = host->packet_out(l2->ctx, ev->dpid, &po);

    if (error && error != ENOBUFS) {
        l2_warn_rl(l2, "switch %016" PRIx64 ": packet_out: %s", ev->dpid,
                   strerror(error));
    }
}

/* Floods the frame of 'ev' (VLAN 'vlan', in on 'in_port') on the tree. */
static void
l2_flood(struct l2 *l2, struct l2_switch *sw, bool topo,
         const struct sl_event *ev, uint32_t in_port, uint16_t vlan)
{
    struct ofp_action acts[L2_MAX_FLOOD + 1];
    uint32_t untag[L2_MAX_FLOOD];
    size_t n = 0, n_untag = 0;

    if (!l2->cfg.vlan_aware) {
        if (!topo || sw->flood_all) {
            acts[n++] = (struct ofp_action) {
                OFPAT_OUTPUT, .output = {.port = OFPP_FLOOD}};
        } else {
            for (size_t i = 0; i < sw->n_flood; i++) {
                if (sw->flood[i] != in_port) {
                    acts[n++] = (struct ofp_action) {
                        OFPAT_OUTPUT, .output = {.port = sw->flood[i]}};
                }
            }
        }
    } else {
        bool configured = vlan != L2_NO_VLAN && l2_bit(l2->cfg.configured,
                                                      vlan);
        if (!topo) {
            l2_view_no_topo(l2, sw);
        }
        for (size_t i = 0; i < sw->n_flood; i++) {
            uint32_t p = sw->flood[i];
            const struct l2_vport *vp;

            if (p == in_port) {
                continue;
            }
            if (sw->flood_role[i] == SL_PORT_TREE) {
                /* Links carry every VLAN, tagged. */
            } else if (!(vp = l2_vport_find(&l2->cfg, sw->dpid, p))) {
                if (configured) {
                    continue; /* unlisted ports are outside the VLANs */
                }
            } else if (!configured) {
                continue;
            } else if (vp->native == vlan) {
                untag[n_untag++] = p;
                continue;
            } else if (!l2_bit(vp->tagged, vlan)) {
                continue;
            }
            acts[n++] = (struct ofp_action) {
                OFPAT_OUTPUT, .output = {.port = p}};
        }
        if (n_untag) {
            acts[n++] = (struct ofp_action) {.type = OFPAT_POP_VLAN};
            for (size_t i = 0; i < n_untag; i++) {
                acts[n++] = (struct ofp_action) {
                    OFPAT_OUTPUT, .output = {.port = untag[i]}};
            }
        }
    }
    if (!n) {
        l2->stats.drops_no_port++;
        return;
    }
    l2->stats.floods++;
    l2_packet_out(l2, ev, in_port, acts, n);
}

/* Proactive: forwards toward a known destination, else floods. */
static void
l2_proactive_in(struct l2 *l2, struct l2_switch *sw, bool topo,
                const struct sl_event *ev, uint32_t in_port, uint16_t vlan)
{
    const struct ofp_packet *pkt = ev->packet_in.pkt;
    const struct sl_topo_host *h = NULL;

    if (!L2_MULTICAST(pkt->eth_dst)) {
        h = host->topo_host_find(l2->ctx, pkt->eth_dst, vlan);
    }
    size_t i = SIZE_MAX;
    uint32_t now = 0;
    if (h) {
        now = l2_now_s(l2);
        i = l2_macs_find(&l2->hosts, l2_key(h->mac, h->vlan));
        if (i == SIZE_MAX) {
            /* Before its event reached us: it will come. */
        } else if (!l2_host_fresh(l2, i, h, now)) {
            h = NULL; /* aged out: unknown until seen again */
        } else if (!(l2->hosts.vals[i] & L2_HOST_FLOWS)) {
            l2_host_flows(l2, h, l2_switches(l2)); /* seen again */
            l2_host_mark(l2, i, l2_host_valid(l2, h));
        }
    }
    if (h && !l2_host_valid(l2, h)) {
        h = NULL; /* not in this VLAN: unknown */
    }
    if (!h) {
        l2_flood(l2, sw, topo, ev, in_port, vlan);
        return;
    }

    struct ofp_action acts[2];
    size_t n = l2_host_actions(l2, sw->dpid, h, acts);
    if (!n || acts[n - 1].output.port == in_port) {
        l2->stats.drops_no_port++; /* unreachable, or where it came from */
        return;
    }
    /* This switch missed: its flow may be in flight, refused, or deleted
     * behind our back; state it again (identical: nothing is sent), at
     * most once a second per host -- a switch keeps missing until its
     * flow lands, and even an identical statement costs the flow
     * programmer a canonicalisation.  Other switches are re-stated as the
     * frame reaches them, or by a recompute. */
    if (l2_host_restate_due(l2, i, now)) {
        l2_host_flow_on(l2, sw->dpid, h);
    }
    l2_packet_out(l2, ev, in_port, acts, n);
}

/* Reactive: learns the source, forwards to a known destination with a
 * flow, else floods. */
static void
l2_reactive_in(struct l2 *l2, struct l2_switch *sw, bool topo,
               const struct sl_event *ev, uint32_t in_port, uint16_t vlan)
{
    const struct ofp_packet *pkt = ev->packet_in.pkt;
    uint16_t kv = l2->cfg.vlan_aware ? vlan : L2_NO_VLAN;
    uint32_t now = l2_now_s(l2);
    size_t i;

    if (!L2_MULTICAST(pkt->eth_src)) {
        uint64_t key = l2_key(pkt->eth_src, kv);
        i = l2_macs_find(&sw->macs, key);
        if (i == SIZE_MAX) {
            i = l2_macs_insert(&sw->macs, key, L2_MAX_MACS);
        }
        if (i != SIZE_MAX) { /* else full: its frames keep flooding */
            sw->macs.vals[i] = in_port;
            sw->macs.seen[i] = now;
        }
    }
    i = SIZE_MAX;
    if (!L2_MULTICAST(pkt->eth_dst)) {
        i = l2_macs_find(&sw->macs, l2_key(pkt->eth_dst, kv));
    }
    if (i == SIZE_MAX) {
        l2_flood(l2, sw, topo, ev, in_port, vlan);
        return;
    }

    uint32_t out = sw->macs.vals[i];
    if (topo) {
        enum sl_port_role r = l2_role(l2, sw, out);
        if (r == SL_PORT_NONE || r == SL_PORT_BLOCKED) {
            /* Its port went down (or off the tree): forget it. */
            l2_macs_delete(&sw->macs, i);
            l2_flood(l2, sw, topo, ev, in_port, vlan);
            return;
        }
    }
    if (out == in_port) {
        l2->stats.drops_no_port++; /* already where it wants to go */
        return;
    }
    struct ofp_action acts[2];
    size_t n = 0;
    if (l2_native(l2, sw->dpid, out, vlan)) {
        acts[n++] = (struct ofp_action) {.type = OFPAT_POP_VLAN};
    }
    acts[n++] = (struct ofp_action) {OFPAT_OUTPUT, .output = {.port = out}};

    struct ofp_oxm oxms[4];
    l2_oxm_in_port(&oxms[0], in_port);
    l2_oxm_mac(&oxms[1], OFPXMT_OFB_ETH_SRC, pkt->eth_src);
    l2_oxm_mac(&oxms[2], OFPXMT_OFB_ETH_DST, pkt->eth_dst);
    if (l2->cfg.vlan_aware) {
        l2_oxm_vlan(&oxms[3], vlan);
    }
    struct ofp_instruction apply = {OFPIT_APPLY_ACTIONS, .actions = {n, acts}};
    struct sl_flow_spec spec = {
        .table_id = (uint8_t) l2->t_l2,
        .priority = l2->cfg.priority,
        .match = {.type = OFPMT_OXM,
                  .n_oxms = l2->cfg.vlan_aware ? 4 : 3,
                  .oxms = oxms},
        .instructions = {1, &apply},
        .idle_timeout = l2->cfg.idle_timeout,
    };
    l2_flow_add(l2, sw->dpid, &spec);
    l2_packet_out(l2, ev, in_port, acts, n);
}

static enum sl_verdict
l2_packet_in(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct l2 *l2 = aux;
    const struct ofp_packet *pkt = ev->packet_in.pkt;
    uint32_t in_port = ev->packet_in.in_port;
    int table;

    (void) ctx;
    if (!ev->msg) {
        return SL_CONTINUE;
    }
    /* Misses of the other apps' tables are theirs; ours ("vlan", "l2")
     * and any other (a packet-out's, a table outside the pipeline) are
     * handled here. */
    table = ev->msg->packet_in.table_id;
    if (table == l2->t_acl || table == l2->t_l3) {
        return SL_CONTINUE;
    }
    if (!pkt || pkt->layer < OFP_PACKET_L2 ||
        pkt->eth_type == OFP_ETH_TYPE_LLDP) {
        return SL_CONTINUE;
    }
    if (in_port == OFPP_CONTROLLER) {
        /* A frame another app sent through the pipeline (a packet-out to
         * OFPP_TABLE: l3_routing's ARP request on a VLAN interface) that
         * found no flow: flooded on the tree and its VLAN, not learned. */
        struct l2_switch *sw = l2_switch_get(l2, ev->dpid);

        if (sw) {
            l2->stats.packet_ins++;
            l2_flood(l2, sw, l2_view(l2, sw), ev, in_port,
                     pkt->n_vlans ? pkt->vlans[0].vid : L2_NO_VLAN);
        }
        return SL_STOP;
    }
    if (!in_port || in_port > OFPP_MAX) {
        return SL_CONTINUE;
    }
    l2->stats.packet_ins++;

    struct l2_switch *sw = l2_switch_get(l2, ev->dpid);
    if (!sw) {
        return SL_CONTINUE;
    }
    bool topo = l2_view(l2, sw);
    enum sl_port_role role = SL_PORT_EDGE;
    if (topo) {
        role = l2_role(l2, sw, in_port);
        if (role == SL_PORT_BLOCKED || role == SL_PORT_NONE) {
            l2->stats.drops_blocked++; /* a copy off the tree, or stray */
            return SL_STOP;
        }
    }
    uint16_t vlan = pkt->n_vlans ? pkt->vlans[0].vid : L2_NO_VLAN;
    if (l2->cfg.vlan_aware &&
        !l2_vlan_admits(l2, ev->dpid, in_port, role, vlan)) {
        l2->stats.drops_vlan++;
        return SL_STOP;
    }
    if (l2->cfg.mode == L2_PROACTIVE) {
        l2_proactive_in(l2, sw, topo, ev, in_port, vlan);
    } else {
        l2_reactive_in(l2, sw, topo, ev, in_port, vlan);
    }
    return SL_STOP;
}

/* ---- other events ---- */

static enum sl_verdict
l2_switch_up(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct l2 *l2 = aux;

    (void) ctx;
    l2_switch_get(l2, ev->dpid);
    l2_vlan_flows(l2, ev->dpid);
    l2_schedule(l2);
    return SL_CONTINUE;
}

static enum sl_verdict
l2_switch_down(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct l2 *l2 = aux;
    struct l2_switch **slot = l2_switch_slot(l2, ev->dpid);
    struct l2_switch *sw = *slot;

    if (sw) {
        *slot = sw->next;
        l2_switch_free(sw);
    }
    if (ev->dpid) { /* 0 would mean every switch */
        host->flow_del_all(ctx, ev->dpid);
    }
    l2_schedule(l2);
    return SL_CONTINUE;
}

/* Links, ports, the tree: paths may have changed. */
static enum sl_verdict
l2_topo_changed(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    (void) ctx;
    (void) ev;
    l2_schedule(aux);
    return SL_CONTINUE;
}

static enum sl_verdict
l2_host_event(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct l2 *l2 = aux;
    const struct sl_topo_host *h = ev->host.host;
    size_t n_sw, i;

    (void) ctx;
    if (!h) {
        return SL_CONTINUE;
    }
    n_sw = l2_switches(l2);
    if (ev->type == SL_EV_HOST_REMOVE) {
        i = l2_macs_find(&l2->hosts, l2_key(h->mac, h->vlan));
        if (i != SIZE_MAX) {
            l2_host_mark(l2, i, false);
            l2_macs_delete(&l2->hosts, i);
        }
        l2_host_unflows(l2, h->mac, h->vlan, n_sw);
        return SL_CONTINUE;
    }
    i = l2_host_touch(l2, h);
    l2_host_flows(l2, h, n_sw);
    if (i != SIZE_MAX) {
        l2_host_mark(l2, i, l2_host_valid(l2, h));
    }
    return SL_CONTINUE;
}

/* Reactive: a spanning-tree change flushes what was learned (frames may
 * take other paths now) and the app's flows -- the classification flows
 * too, which are stated again. */
static enum sl_verdict
l2_tree_flush(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct l2 *l2 = aux;
    size_t forgotten = 0, n_sw;

    (void) ev;
    for (size_t b = 0; b < L2_SW_BUCKETS; b++) {
        for (struct l2_switch *sw = l2->switches[b]; sw; sw = sw->next) {
            forgotten += sw->macs.n;
            l2_macs_clear(&sw->macs);
        }
    }
    host->flow_del_all(ctx, 0);
    n_sw = l2_switches(l2);
    for (size_t i = 0; i < n_sw; i++) {
        l2_vlan_flows(l2, l2->dbuf[i]);
    }
    if (forgotten) {
        host->log(ctx, SL_APP_LOG_INFO, "spanning tree changed: %zu learned "
                  "MACs forgotten", forgotten);
    }
    return SL_CONTINUE;
}

/* Ages MACs (reactive) or hosts' flows (proactive). */
static void
l2_sweep(struct sl_ctx *ctx, void *aux)
{
    struct l2 *l2 = aux;
    uint32_t now = l2_now_s(l2);
    uint8_t mac[6];

    (void) ctx;
    if (l2->cfg.mode == L2_REACTIVE) {
        for (size_t b = 0; b < L2_SW_BUCKETS; b++) {
            for (struct l2_switch *sw = l2->switches[b]; sw; sw = sw->next) {
                struct l2_macs *m = &sw->macs;
                for (size_t i = 0; m->tags && i <= m->mask; i++) {
                    /* A deletion may shift another key into 'i'. */
                    while (m->tags[i] &&
                           now - m->seen[i] >= l2->cfg.mac_age) {
                        l2_macs_delete(m, i);
                    }
                }
            }
        }
        return;
    }

    size_t n_sw = 0;
    bool listed = false;
    for (size_t i = 0; l2->hosts.tags && i <= l2->hosts.mask; i++) {
        while (l2->hosts.tags[i]) {
            uint64_t key = l2->hosts.keys[i];
            const struct sl_topo_host *h;
            bool flows = l2->hosts.vals[i] & L2_HOST_FLOWS;

            l2_key_mac(key, mac);
            h = host->topo_host_find(l2->ctx, mac, l2_key_vlan(key));
            if (h && (l2_host_fresh(l2, i, h, now) && l2_host_valid(l2, h))
                         == flows) {
                break; /* nothing to do */
            }
            if (!listed) {
                n_sw = l2_switches(l2);
                listed = true;
            }
            if (h && !flows) {
                l2_host_flows(l2, h, n_sw); /* seen again */
                l2_host_mark(l2, i, true);
                break;
            }
            /* Gone, or aged out: kept then, to notice it being seen. */
            l2_host_unflows(l2, mac, l2_key_vlan(key), n_sw);
            l2_host_mark(l2, i, false);
            if (h) {
                break;
            }
            l2_macs_delete(&l2->hosts, i);
        }
    }
}

/* ---- REST ---- */

static void
l2_reply(struct l2 *l2, const struct sl_rest_request *req, struct aj_w *w)
{
    static const char oom[] = "{\"error\": \"out of memory\", "
                              "\"detail\": \"l2_learning\"}";

    au_reply(host, l2->ctx, req, 200, w, oom);
}

static size_t
l2_n_macs(const struct l2 *l2)
{
    size_t n = 0;

    for (size_t b = 0; b < L2_SW_BUCKETS; b++) {
        for (const struct l2_switch *sw = l2->switches[b]; sw;
             sw = sw->next) {
            n += sw->macs.n;
        }
    }
    return n;
}

static void
l2_rest_summary(struct sl_ctx *ctx, const struct sl_rest_request *req,
                void *aux)
{
    struct l2 *l2 = aux;
    const struct l2_stats *s = &l2->stats;
    bool proactive = l2->cfg.mode == L2_PROACTIVE;
    struct aj_w w;

    (void) ctx;
    aj_w_init(&w);
    aj_w_obj_begin(&w);
    aj_w_key(&w, "mode");
    aj_w_str(&w, proactive ? "proactive" : "reactive");
    aj_w_key(&w, "vlan_aware");
    aj_w_bool(&w, l2->cfg.vlan_aware);
    aj_w_key(&w, "priority");
    aj_w_uint(&w, l2->cfg.priority);
    aj_w_key(&w, "mac_age");
    aj_w_uint(&w, l2->cfg.mac_age);
    aj_w_key(&w, "idle_timeout");
    aj_w_uint(&w, l2->cfg.idle_timeout);
    aj_w_key(&w, "hosts");
    aj_w_uint(&w, proactive ? l2->n_host_flows : l2_n_macs(l2));
    aj_w_key(&w, "flows_stated");
    aj_w_uint(&w, s->flows_stated);
    aj_w_key(&w, "packet_ins");
    aj_w_uint(&w, s->packet_ins);
    aj_w_key(&w, "floods");
    aj_w_uint(&w, s->floods);
    aj_w_key(&w, "drops");
    aj_w_uint(&w, s->drops_blocked + s->drops_no_port + s->drops_vlan);
    aj_w_obj_end(&w);
    l2_reply(l2, req, &w);
}

static void
l2_w_mac(struct aj_w *w, const uint8_t *mac)
{
    char text[18];

    au_mac_str(mac, text, sizeof text);
    aj_w_str(w, text);
}

static void
l2_w_dpid(struct aj_w *w, uint64_t dpid)
{
    char text[17];

    snprintf(text, sizeof text, "%016" PRIx64, dpid);
    aj_w_str(w, text);
}

static void
l2_w_vlan(struct aj_w *w, uint16_t vlan)
{
    if (vlan == L2_NO_VLAN) {
        aj_w_null(w);
    } else {
        aj_w_uint(w, vlan);
    }
}

/* Switches in dpid order, for stable listings: fills l2->dbuf. */
static int
l2_dpid_cmp(const void *a_, const void *b_)
{
    uint64_t a = *(const uint64_t *) a_, b = *(const uint64_t *) b_;
    return a < b ? -1 : a > b;
}

static void
l2_rest_macs(struct sl_ctx *ctx, const struct sl_rest_request *req,
             void *aux)
{
    struct l2 *l2 = aux;
    uint32_t now = l2_now_s(l2);
    uint8_t mac[6];
    struct aj_w w;

    (void) ctx;
    aj_w_init(&w);
    aj_w_arr_begin(&w);
    if (l2->cfg.mode == L2_PROACTIVE) {
        size_t n_h = l2_topo_hosts(l2);
        for (size_t k = 0; k < n_h; k++) {
            const struct sl_topo_host *h = l2->hbuf[k];
            size_t i = l2_macs_find(&l2->hosts, l2_key(h->mac, h->vlan));
            if (i == SIZE_MAX || !(l2->hosts.vals[i] & L2_HOST_FLOWS)) {
                continue;
            }
            aj_w_obj_begin(&w);
            aj_w_key(&w, "mac");
            l2_w_mac(&w, h->mac);
            aj_w_key(&w, "vlan");
            l2_w_vlan(&w, h->vlan);
            aj_w_key(&w, "dpid");
            l2_w_dpid(&w, h->dpid);
            aj_w_key(&w, "port");
            aj_w_uint(&w, h->port_no);
            aj_w_obj_end(&w);
        }
        aj_w_arr_end(&w);
        l2_reply(l2, req, &w);
        return;
    }

    /* Reactive: every switch's table, switches in dpid order. */
    size_t n_sw = 0;
    for (size_t b = 0; b < L2_SW_BUCKETS; b++) {
        for (struct l2_switch *sw = l2->switches[b]; sw; sw = sw->next) {
            n_sw++;
        }
    }
    uint64_t *dpids = malloc((n_sw ? n_sw : 1) * sizeof *dpids);
    if (!dpids) {
        w.oom = true;
        l2_reply(l2, req, &w);
        return;
    }
    n_sw = 0;
    for (size_t b = 0; b < L2_SW_BUCKETS; b++) {
        for (struct l2_switch *sw = l2->switches[b]; sw; sw = sw->next) {
            dpids[n_sw++] = sw->dpid;
        }
    }
    qsort(dpids, n_sw, sizeof *dpids, l2_dpid_cmp);
    for (size_t k = 0; k < n_sw; k++) {
        const struct l2_switch *sw = *l2_switch_slot(l2, dpids[k]);
        const struct l2_macs *m = &sw->macs;
        for (size_t i = 0; m->tags && i <= m->mask; i++) {
            if (!m->tags[i]) {
                continue;
            }
            l2_key_mac(m->keys[i], mac);
            aj_w_obj_begin(&w);
            aj_w_key(&w, "dpid");
            l2_w_dpid(&w, sw->dpid);
            aj_w_key(&w, "mac");
            l2_w_mac(&w, mac);
            aj_w_key(&w, "vlan");
            l2_w_vlan(&w, l2_key_vlan(m->keys[i]));
            aj_w_key(&w, "port");
            aj_w_uint(&w, m->vals[i]);
            aj_w_key(&w, "age");
            aj_w_uint(&w, now - m->seen[i]);
            aj_w_obj_end(&w);
        }
    }
    free(dpids);
    aj_w_arr_end(&w);
    l2_reply(l2, req, &w);
}

static void
l2_w_members(struct aj_w *w, const struct l2_member *m, size_t n)
{
    char text[40];

    aj_w_arr_begin(w);
    for (size_t i = 0; i < n; i++) {
        snprintf(text, sizeof text, "0x%" PRIx64 ":%" PRIu32, m[i].dpid,
                 m[i].port);
        aj_w_str(w, text);
    }
    aj_w_arr_end(w);
}

static void
l2_rest_vlans(struct sl_ctx *ctx, const struct sl_rest_request *req,
              void *aux)
{
    struct l2 *l2 = aux;
    struct aj_w w;

    (void) ctx;
    aj_w_init(&w);
    aj_w_arr_begin(&w);
    for (size_t i = 0; i < l2->cfg.n_vlans; i++) {
        const struct l2_vlan *v = &l2->cfg.vlans[i];
        aj_w_obj_begin(&w);
        aj_w_key(&w, "vid");
        aj_w_uint(&w, v->vid);
        aj_w_key(&w, "untagged");
        l2_w_members(&w, v->untagged, v->n_untagged);
        aj_w_key(&w, "tagged");
        l2_w_members(&w, v->tagged, v->n_tagged);
        aj_w_obj_end(&w);
    }
    aj_w_arr_end(&w);
    l2_reply(l2, req, &w);
}

/* ---- metrics ---- */

static void
l2_metrics(struct sl_ctx *ctx, struct sl_metrics *m, void *aux)
{
    const struct l2 *l2 = aux;
    const struct l2_stats *s = &l2->stats;

    (void) ctx;
    host->metric_family(m, "packet_ins_total", "counter",
                        "Packet-ins handled (table-l2 misses)");
    host->metric_sample(m, NULL, (double) s->packet_ins);
    host->metric_family(m, "floods_total", "counter",
                        "Frames flooded on the spanning tree");
    host->metric_sample(m, NULL, (double) s->floods);
    host->metric_family(m, "drops_total", "counter",
                        "Packet-ins dropped, by reason");
    host->metric_sample(m, (const char *[]) {"reason", "blocked", NULL},
                        (double) s->drops_blocked);
    host->metric_sample(m, (const char *[]) {"reason", "no_port", NULL},
                        (double) s->drops_no_port);
    host->metric_sample(m, (const char *[]) {"reason", "vlan", NULL},
                        (double) s->drops_vlan);
    host->metric_family(m, "flow_adds_total", "counter",
                        "Flows stated (flow_add calls)");
    host->metric_sample(m, NULL, (double) s->flow_adds);
    host->metric_family(m, "recomputes_total", "counter",
                        "Recomputes of every host's flows");
    host->metric_sample(m, NULL, (double) s->recomputes);
    host->metric_family(m, "hosts", "gauge", "Hosts with forwarding flows");
    host->metric_sample(m, NULL, (double) l2->n_host_flows);
    host->metric_family(m, "macs", "gauge",
                        "Learned MACs in the switches' tables (reactive)");
    host->metric_sample(m, NULL, (double) l2_n_macs(l2));
}

/* ---- config ---- */

static void __attribute__((format(printf, 2, 3)))
l2_cfg_error(struct sl_ctx *ctx, const char *fmt, ...)
{
    char msg[256];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    host->log(ctx, SL_APP_LOG_ERR, "config: %s", msg);
}

/* Reads 'node' as a plain (unquoted) decimal in min..max. */
static bool
l2_cfg_uint(const yaml_node_t *node, uint64_t min, uint64_t max,
            uint64_t *v)
{
    char buf[32];

    return (au_yaml_scalar(node, buf, sizeof buf) &&
            node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
            au_parse_dec(buf, strlen(buf), max, v) && *v >= min);
}

/* Parses "dpid:port": dpid decimal or 0x-hex (not 0), port 1..OFPP_MAX. */
static bool
l2_parse_member(const char *s, struct l2_member *m)
{
    const char *colon = strchr(s, ':');
    uint64_t dpid = 0, port;

    if (!colon || strchr(colon + 1, ':')) {
        return false;
    }
    if (colon - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        size_t n = (size_t) (colon - s) - 2;
        if (n > 16) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            int d = au_hex(s[2 + i]);
            if (d < 0) {
                return false;
            }
            dpid = dpid << 4 | (unsigned) d;
        }
    } else if (!au_parse_dec(s, (size_t) (colon - s), UINT64_MAX, &dpid)) {
        return false;
    }
    if (!dpid ||
        !au_parse_dec(colon + 1, strlen(colon + 1), OFPP_MAX, &port) ||
        !port) {
        return false;
    }
    m->dpid = dpid;
    m->port = (uint32_t) port;
    return true;
}

static void
l2_config_free(struct l2_config *cfg)
{
    for (size_t i = 0; i < cfg->n_vlans; i++) {
        free(cfg->vlans[i].untagged);
        free(cfg->vlans[i].tagged);
    }
    free(cfg->vlans);
    free(cfg->vports);
    cfg->vlans = NULL;
    cfg->vports = NULL;
    cfg->n_vlans = cfg->n_vports = 0;
}

/* Returns the listed port dpid:port of 'cfg', added if new (NULL without
 * memory).  'cap' is the capacity of cfg->vports. */
static struct l2_vport *
l2_vport_get(struct l2_config *cfg, size_t *cap, const struct l2_member *m)
{
    for (size_t i = 0; i < cfg->n_vports; i++) {
        if (cfg->vports[i].dpid == m->dpid && cfg->vports[i].port == m->port) {
            return &cfg->vports[i];
        }
    }
    if (cfg->n_vports == *cap) {
        size_t n = *cap ? 2 * *cap : 8;
        struct l2_vport *p = realloc(cfg->vports, n * sizeof *p);
        if (!p) {
            return NULL;
        }
        cfg->vports = p;
        *cap = n;
    }
    struct l2_vport *vp = &cfg->vports[cfg->n_vports++];
    memset(vp, 0, sizeof *vp);
    vp->dpid = m->dpid;
    vp->port = m->port;
    return vp;
}

/* Reads the member list 'node' ('what': "untagged" or "tagged") of VLAN
 * 'v'.  Returns 0, EINVAL (logged) or ENOMEM. */
static int
l2_cfg_members(struct sl_ctx *ctx, const struct sl_app_config *cfg,
               struct l2_config *c, size_t *vcap, struct l2_vlan *v,
               const yaml_node_t *node, bool tagged)
{
    const char *what = tagged ? "tagged" : "untagged";
    size_t n, k = 0;
    struct l2_member *list;

    if (!node || node->type != YAML_SEQUENCE_NODE) {
        l2_cfg_error(ctx, "vlans: %u: %s: expected a list of \"dpid:port\"",
                     v->vid, what);
        return EINVAL;
    }
    n = (size_t) (node->data.sequence.items.top -
                  node->data.sequence.items.start);
    list = calloc(n ? n : 1, sizeof *list);
    if (!list) {
        return ENOMEM;
    }
    if (tagged) {
        v->tagged = list;
    } else {
        v->untagged = list;
    }
    for (const yaml_node_item_t *it = node->data.sequence.items.start;
         it < node->data.sequence.items.top; it++, k++) {
        const yaml_node_t *item = sl_app_config_node(cfg, *it);
        char buf[64];
        struct l2_member m;
        struct l2_vport *vp;

        if (!au_yaml_scalar(item, buf, sizeof buf) ||
            !l2_parse_member(buf, &m)) {
            l2_cfg_error(ctx, "vlans: %u: %s[%zu]: expected \"dpid:port\" "
                         "(dpid decimal or 0x-hex, not 0; port "
                         "1..4294967040)", v->vid, what, k);
            return EINVAL;
        }
        vp = l2_vport_get(c, vcap, &m);
        if (!vp) {
            return ENOMEM;
        }
        if (vp->native == v->vid || l2_bit(vp->tagged, v->vid)) {
            l2_cfg_error(ctx, "vlans: %u: port %s listed twice", v->vid,
                         buf);
            return EINVAL;
        }
        if (tagged) {
            l2_set_bit(vp->tagged, v->vid);
            v->tagged[v->n_tagged++] = m;
        } else {
            if (vp->native) {
                l2_cfg_error(ctx, "vlans: %u: port %s is already untagged "
                             "in VLAN %u (a port is untagged in at most one "
                             "VLAN)", v->vid, buf, vp->native);
                return EINVAL;
            }
            vp->native = v->vid;
            v->untagged[v->n_untagged++] = m;
        }
    }
    return 0;
}

static int
l2_vlan_cmp(const void *a, const void *b)
{
    const struct l2_vlan *x = a, *y = b;
    return x->vid < y->vid ? -1 : x->vid > y->vid;
}

static int
l2_vport_sort_cmp(const void *a, const void *b)
{
    const struct l2_vport *y = b;
    const struct l2_vport *x = a;
    return l2_vport_cmp(x->dpid, x->port, y);
}

/* Reads 'vlans' (a mapping of VLAN id to {untagged, tagged}). */
static int
l2_cfg_vlans(struct sl_ctx *ctx, const struct sl_app_config *cfg,
             struct l2_config *c, const yaml_node_t *node)
{
    size_t n, vcap = 0;

    if (!node || node->type != YAML_MAPPING_NODE) {
        l2_cfg_error(ctx, "vlans: expected a mapping of VLAN id (1..4094) to "
                     "{untagged: [\"dpid:port\", ...], tagged: [...]}");
        return EINVAL;
    }
    c->vlan_aware = true;
    n = (size_t) (node->data.mapping.pairs.top -
                  node->data.mapping.pairs.start);
    c->vlans = calloc(n ? n : 1, sizeof *c->vlans);
    if (!c->vlans) {
        return ENOMEM;
    }
    for (const yaml_node_pair_t *p = node->data.mapping.pairs.start;
         p < node->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = sl_app_config_node(cfg, p->key);
        const yaml_node_t *v = sl_app_config_node(cfg, p->value);
        struct l2_vlan *vlan = &c->vlans[c->n_vlans];
        uint64_t vid;
        int error;

        if (!l2_cfg_uint(k, 1, L2_VID_MAX, &vid)) {
            char buf[32];
            l2_cfg_error(ctx, "vlans: '%s': expected a VLAN id 1..4094",
                         au_yaml_scalar(k, buf, sizeof buf) ? buf : "?");
            return EINVAL;
        }
        if (l2_bit(c->configured, (uint16_t) vid)) {
            l2_cfg_error(ctx, "vlans: VLAN %u listed twice", (unsigned) vid);
            return EINVAL;
        }
        l2_set_bit(c->configured, (uint16_t) vid);
        vlan->vid = (uint16_t) vid;
        c->n_vlans++;
        if (!v || v->type != YAML_MAPPING_NODE) {
            l2_cfg_error(ctx, "vlans: %u: expected {untagged: [\"dpid:port\","
                         " ...], tagged: [...]}", vlan->vid);
            return EINVAL;
        }
        for (const yaml_node_pair_t *q = v->data.mapping.pairs.start;
             q < v->data.mapping.pairs.top; q++) {
            const yaml_node_t *qk = sl_app_config_node(cfg, q->key);
            const yaml_node_t *qv = sl_app_config_node(cfg, q->value);
            bool tagged = sl_app_config_key_is(qk, "tagged");

            if (!tagged && !sl_app_config_key_is(qk, "untagged")) {
                char buf[32];
                l2_cfg_error(ctx, "vlans: %u: unknown key '%s' (expected "
                             "untagged, tagged)", vlan->vid,
                             au_yaml_scalar(qk, buf, sizeof buf) ? buf : "?");
                return EINVAL;
            }
            if (tagged ? vlan->tagged != NULL : vlan->untagged != NULL) {
                l2_cfg_error(ctx, "vlans: %u: %s given twice", vlan->vid,
                             tagged ? "tagged" : "untagged");
                return EINVAL;
            }
            error = l2_cfg_members(ctx, cfg, c, &vcap, vlan, qv, tagged);
            if (error) {
                return error;
            }
        }
    }
    qsort(c->vlans, c->n_vlans, sizeof *c->vlans, l2_vlan_cmp);
    if (c->n_vports) {
        qsort(c->vports, c->n_vports, sizeof *c->vports, l2_vport_sort_cmp);
    }
    return 0;
}

/* Reads the app's section into 'c' (defaults first).  Returns 0, EINVAL
 * (logged, naming the key) or ENOMEM; 'c' then holds what must be freed
 * with l2_config_free(). */
static int
l2_read_config(struct sl_ctx *ctx, const struct sl_app_config *cfg,
               struct l2_config *c)
{
    static const char *const keys[] = {"mode", "priority", "mac_age",
                                       "idle_timeout", "vlans"};
    const yaml_node_t *map = cfg ? cfg->node : NULL;
    bool seen[5] = {false};

    memset(c, 0, sizeof *c);
    c->mode = L2_PROACTIVE;
    c->priority = 100;
    c->mac_age = 300;
    c->idle_timeout = 60;
    if (!map) {
        return 0;
    }
    if (map->type != YAML_MAPPING_NODE) {
        l2_cfg_error(ctx, "expected a mapping {mode, priority, mac_age, "
                     "idle_timeout, vlans}");
        return EINVAL;
    }
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = sl_app_config_node(cfg, p->key);
        const yaml_node_t *v = sl_app_config_node(cfg, p->value);
        char buf[32];
        uint64_t n;
        size_t i = 0;
        int error;

        while (i < 5 && !sl_app_config_key_is(k, keys[i])) {
            i++;
        }
        if (i == 5) {
            l2_cfg_error(ctx, "unknown key '%s' (expected mode, priority, "
                         "mac_age, idle_timeout, vlans)",
                         au_yaml_scalar(k, buf, sizeof buf) ? buf : "?");
            return EINVAL;
        }
        if (seen[i]) {
            l2_cfg_error(ctx, "%s: given twice", keys[i]);
            return EINVAL;
        }
        seen[i] = true;
        switch (i) {
        case 0:
            if (au_yaml_scalar(v, buf, sizeof buf) &&
                !strcmp(buf, "proactive")) {
                c->mode = L2_PROACTIVE;
            } else if (au_yaml_scalar(v, buf, sizeof buf) &&
                       !strcmp(buf, "reactive")) {
                c->mode = L2_REACTIVE;
            } else {
                l2_cfg_error(ctx, "mode: expected proactive or reactive");
                return EINVAL;
            }
            break;
        case 1:
            if (!l2_cfg_uint(v, 1, UINT16_MAX, &n)) {
                l2_cfg_error(ctx, "priority: expected an integer 1..65535");
                return EINVAL;
            }
            c->priority = (uint16_t) n;
            break;
        case 2:
            if (!l2_cfg_uint(v, 1, L2_MAC_AGE_MAX, &n)) {
                l2_cfg_error(ctx, "mac_age: expected whole seconds "
                             "1..%lu", L2_MAC_AGE_MAX);
                return EINVAL;
            }
            c->mac_age = (unsigned long) n;
            break;
        case 3:
            if (!l2_cfg_uint(v, 0, UINT16_MAX, &n)) {
                l2_cfg_error(ctx, "idle_timeout: expected seconds 0..65535 "
                             "(0: none)");
                return EINVAL;
            }
            c->idle_timeout = (uint16_t) n;
            break;
        default:
            error = l2_cfg_vlans(ctx, cfg, c, v);
            if (error) {
                return error;
            }
            break;
        }
    }
    return 0;
}

/* ---- lifecycle ---- */

static int
l2_init(struct sl_ctx *ctx, const struct sl_host *h,
        const struct sl_app_config *cfg)
{
    struct l2 *l2 = calloc(1, sizeof *l2);
    int error;

    host = h;
    if (!l2) {
        return ENOMEM;
    }
    host->set_data(ctx, l2); /* fini frees it, even after a failed init */
    l2->ctx = ctx;
    error = l2_read_config(ctx, cfg, &l2->cfg);
    if (error) {
        return error;
    }
    l2->t_vlan = host->table_id(ctx, "vlan");
    l2->t_acl = host->table_id(ctx, "acl");
    l2->t_l3 = host->table_id(ctx, "l3");
    l2->t_l2 = host->table_id(ctx, "l2");
    if (l2->t_l2 < 0) {
        host->log(ctx, SL_APP_LOG_ERR, "no pipeline table \"l2\"");
        return ENOENT;
    }
    if (l2->cfg.vlan_aware) {
        /* Classified frames go on to the next table of the pipeline. */
        const int next[] = {l2->t_acl, l2->t_l3, l2->t_l2};
        l2->t_after_vlan = -1;
        for (size_t i = 0; i < 3 && l2->t_after_vlan < 0; i++) {
            if (next[i] > l2->t_vlan) {
                l2->t_after_vlan = next[i];
            }
        }
        if (l2->t_vlan < 0 || l2->t_after_vlan < 0) {
            host->log(ctx, SL_APP_LOG_ERR, "vlans need a pipeline table "
                      "\"vlan\" before \"l2\"");
            return ENOENT;
        }
    }
    if (l2->cfg.mode == L2_PROACTIVE) {
        /* The host set keeps the topology's last_seen. */
        if (!l2_macs_resize(&l2->hosts, L2_MIN_SLOTS, true)) {
            return ENOMEM;
        }
    }

    error = host->subscribe(ctx, SL_EV_PACKET_IN, 100, l2_packet_in, l2);
    error = error ? error : host->subscribe(ctx, SL_EV_SWITCH_UP, 0,
                                            l2_switch_up, l2);
    error = error ? error : host->subscribe(ctx, SL_EV_SWITCH_DOWN, 0,
                                            l2_switch_down, l2);
    if (l2->cfg.mode == L2_PROACTIVE) {
        static const enum sl_event_type changes[] = {
            SL_EV_LINK_UP, SL_EV_LINK_DOWN, SL_EV_PORT_UP, SL_EV_PORT_DOWN,
            SL_EV_TREE_CHANGED,
        };
        static const enum sl_event_type hosts[] = {
            SL_EV_HOST_ADD, SL_EV_HOST_MOVE, SL_EV_HOST_REMOVE,
        };
        for (size_t i = 0; !error && i < 5; i++) {
            error = host->subscribe(ctx, changes[i], 0, l2_topo_changed, l2);
        }
        for (size_t i = 0; !error && i < 3; i++) {
            error = host->subscribe(ctx, hosts[i], 0, l2_host_event, l2);
        }
    } else if (!error) {
        error = host->subscribe(ctx, SL_EV_TREE_CHANGED, 0, l2_tree_flush,
                                l2);
    }
    error = error ? error : host->rest_route(ctx, SL_REST_GET, "",
                                             l2_rest_summary, l2);
    error = error ? error : host->rest_route(ctx, SL_REST_GET, "/macs",
                                             l2_rest_macs, l2);
    error = error ? error : host->rest_route(ctx, SL_REST_GET, "/vlans",
                                             l2_rest_vlans, l2);
    error = error ? error : host->metrics_register(ctx, l2_metrics, l2);
    if (error) {
        host->log(ctx, SL_APP_LOG_ERR, "cannot register with the host: %s",
                  strerror(error));
    }
    return error;
}

static int
l2_start(struct sl_ctx *ctx)
{
    struct l2 *l2 = host->get_data(ctx);
    double every = (double) l2->cfg.mac_age / 4;
    size_t n_sw;

    l2->sweep = host->timer_add(ctx, every < 10.0 ? every : 10.0, true,
                                l2_sweep, l2);
    if (!l2->sweep) {
        host->log(ctx, SL_APP_LOG_ERR, "cannot add the aging timer");
        return ENOMEM;
    }
    /* Switches already connected. */
    n_sw = l2_switches(l2);
    for (size_t i = 0; i < n_sw; i++) {
        l2_vlan_flows(l2, l2->dbuf[i]);
    }
    l2_schedule(l2);
    host->log(ctx, SL_APP_LOG_INFO, "%s mode, %s, priority %u, mac_age %lu s",
              l2->cfg.mode == L2_PROACTIVE ? "proactive" : "reactive",
              l2->cfg.vlan_aware ? "VLAN-aware" : "VLAN-blind",
              l2->cfg.priority, l2->cfg.mac_age);
    return 0;
}

static void
l2_stop(struct sl_ctx *ctx)
{
    struct l2 *l2 = host->get_data(ctx);

    /* The host cancels our timers. */
    if (l2) {
        l2->recompute = NULL;
        l2->sweep = NULL;
    }
}

static void
l2_fini(struct sl_ctx *ctx)
{
    struct l2 *l2 = host->get_data(ctx);

    if (!l2) {
        return;
    }
    for (size_t i = 0; i < L2_SW_BUCKETS; i++) {
        while (l2->switches[i]) {
            struct l2_switch *sw = l2->switches[i];
            l2->switches[i] = sw->next;
            l2_switch_free(sw);
        }
    }
    l2_macs_destroy(&l2->hosts);
    l2_config_free(&l2->cfg);
    free(l2->hbuf);
    free(l2->dbuf);
    free(l2);
}

const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "l2_learning",
    .description = "L2 forwarding on the topology: proactive host flows "
                   "(or reactive learning), floods on the spanning tree",
    .init = l2_init,
    .start = l2_start,
    .stop = l2_stop,
    .fini = l2_fini,
    .flags = SL_APP_F_ADOPT_FLOWS | SL_APP_F_PACKET_L2,
};
