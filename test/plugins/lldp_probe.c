/* lldp_probe: a stand-in for the topology module in sluice-bench's fabric
 * smoke test.  A Sluice plugin (see include/sluice/app.h), loaded with
 *
 *     apps: [{name: lldp_probe, config: {interval: 0.5}}]
 *
 * and the daemon's --app-path pointing at this folder's .libs.
 *
 * When a switch comes up it sends one LLDP frame out of each of its ports
 * (Ryu's format: chassis id "dpid:%016x", locally assigned; port id the
 * port number as 4 bytes big-endian, port component; TTL 120), and again
 * every 'interval' seconds when that option is set.  An LLDP frame coming
 * back in a PACKET_IN names the sending switch and port: the first time a
 * directed link is seen it is logged at info level as
 *
 *     link 0000000000000001:2 -> 0000000000000002:1
 *
 * LLDP frames end with this app (SL_STOP), well-formed or not: bridges do
 * not forward them, so no learning app should flood one.  When a switch
 * goes down the links from and to it are forgotten. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sluice/app.h"

#define LP_PRIORITY 1000 /* ahead of the learning apps (priority 0) */
#define LP_ETH_LEN 14
#define LP_FRAME_LEN 60   /* the frame we send, padded to the minimum */
#define LP_CHASSIS_LEN 21 /* "dpid:" and 16 hex digits */
#define LP_TTL 120
#define LP_MAX_LINKS (1u << 20) /* directed links remembered */
#define LP_MIN_SLOTS 64
#define LP_MAX_INTERVAL 86400.0

/* TLV types and subtypes of IEEE 802.1AB. */
enum {
    LP_TLV_END = 0,
    LP_TLV_CHASSIS_ID = 1,
    LP_TLV_PORT_ID = 2,
    LP_TLV_TTL = 3,
    LP_CHASSIS_LOCAL = 7,  /* chassis id subtype "locally assigned" */
    LP_PORT_COMPONENT = 2, /* port id subtype "port component" */
};

/* The nearest-bridge group address. */
static const uint8_t lp_dst[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};

static const struct sl_host *host;

/* A directed link: from the switch and port that sent the frame to the
 * switch and port that received it. */
struct lp_link {
    uint64_t src_dpid, dst_dpid;
    uint32_t src_port, dst_port;
    bool used;
};

struct lp {
    double interval; /* seconds between probes; 0: at switch up only */
    struct sl_timer *timer;
    struct lp_link *slots; /* open addressing, linear probing */
    size_t n_slots;        /* a power of 2 */
    size_t n_links;
    uint64_t n_sent;      /* LLDP frames sent */
    uint64_t n_send_errs; /* packet_out refused */
    uint64_t n_malformed; /* LLDP frames we could not read */
    bool full_warned;
};

/* ---- the frame ---- */

static void
lp_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static uint16_t
lp_get_be16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

/* Writes a TLV header (7-bit type, 9-bit length) at 'p'. */
static void
lp_put_tlv(uint8_t *p, unsigned int type, unsigned int len)
{
    lp_put_be16(p, (uint16_t) (type << 9 | len));
}

/* Writes the LLDP frame that probes port 'port' of switch 'dpid' into
 * 'frame' (LP_FRAME_LEN bytes). */
static void
lp_build(uint8_t frame[LP_FRAME_LEN], uint64_t dpid, uint32_t port)
{
    char chassis[LP_CHASSIS_LEN + 1];
    uint8_t *p = frame;

    memset(frame, 0, LP_FRAME_LEN);
    memcpy(p, lp_dst, 6);
    /* source: the dpid's low 48 bits, locally administered, unicast */
    for (int i = 0; i < 6; i++) {
        p[6 + i] = (uint8_t) (dpid >> (40 - 8 * i));
    }
    p[6] = (uint8_t) ((p[6] & 0xfc) | 0x02);
    lp_put_be16(p + 12, OFP_ETH_TYPE_LLDP);
    p += LP_ETH_LEN;

    snprintf(chassis, sizeof chassis, "dpid:%016" PRIx64, dpid);
    lp_put_tlv(p, LP_TLV_CHASSIS_ID, 1 + LP_CHASSIS_LEN);
    p[2] = LP_CHASSIS_LOCAL;
    memcpy(p + 3, chassis, LP_CHASSIS_LEN);
    p += 3 + LP_CHASSIS_LEN;

    lp_put_tlv(p, LP_TLV_PORT_ID, 5);
    p[2] = LP_PORT_COMPONENT;
    p[3] = (uint8_t) (port >> 24);
    p[4] = (uint8_t) (port >> 16);
    p[5] = (uint8_t) (port >> 8);
    p[6] = (uint8_t) port;
    p += 7;

    lp_put_tlv(p, LP_TLV_TTL, 2);
    lp_put_be16(p + 2, LP_TTL);
    p += 4;

    lp_put_tlv(p, LP_TLV_END, 0); /* then zero padding to 60 bytes */
}

/* Reads the TLV at '*ofs' of the 'len'-byte PDU 'pdu': its type, and its
 * value's position and length.  Returns false if it runs past the PDU. */
static bool
lp_next_tlv(const uint8_t *pdu, size_t len, size_t *ofs, unsigned int *type,
            const uint8_t **value, size_t *value_len)
{
    uint16_t h;

    if (len - *ofs < 2) {
        return false;
    }
    h = lp_get_be16(pdu + *ofs);
    *type = h >> 9;
    *value_len = h & 0x1ff;
    if (len - *ofs - 2 < *value_len) {
        return false;
    }
    *value = pdu + *ofs + 2;
    *ofs += 2 + *value_len;
    return true;
}

static int
lp_hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Parses an LLDP PDU as lp_build() writes it (the 'len' bytes after the
 * Ethernet header): the chassis id gives '*dpid', the port id '*port'.
 * Returns false when it is not such a PDU or is malformed. */
static bool
lp_parse(const uint8_t *pdu, size_t len, uint64_t *dpid, uint32_t *port)
{
    size_t ofs = 0, n;
    unsigned int type;
    const uint8_t *v;
    uint64_t id = 0;

    if (!lp_next_tlv(pdu, len, &ofs, &type, &v, &n) ||
        type != LP_TLV_CHASSIS_ID || n != 1 + LP_CHASSIS_LEN ||
        v[0] != LP_CHASSIS_LOCAL || memcmp(v + 1, "dpid:", 5)) {
        return false;
    }
    for (size_t i = 6; i < n; i++) {
        int d = lp_hex_digit(v[i]);
        if (d < 0) {
            return false;
        }
        id = id << 4 | (uint64_t) d;
    }
    if (!lp_next_tlv(pdu, len, &ofs, &type, &v, &n) ||
        type != LP_TLV_PORT_ID || n != 5 || v[0] != LP_PORT_COMPONENT) {
        return false;
    }
    *port = (uint32_t) v[1] << 24 | (uint32_t) v[2] << 16 |
            (uint32_t) v[3] << 8 | v[4];
    if (!lp_next_tlv(pdu, len, &ofs, &type, &v, &n) || type != LP_TLV_TTL ||
        n != 2) {
        return false;
    }
    *dpid = id;
    return true;
}

/* ---- the links seen ---- */

static size_t
lp_hash(const struct lp_link *l)
{
    uint64_t h = l->src_dpid * 0x9e3779b97f4a7c15ull;

    h ^= l->dst_dpid + 0x7f4a7c159e3779b9ull + (h << 6) + (h >> 2);
    h ^= ((uint64_t) l->src_port << 32 | l->dst_port) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
    return (size_t) h;
}

static bool
lp_link_eq(const struct lp_link *a, const struct lp_link *b)
{
    return (a->src_dpid == b->src_dpid && a->dst_dpid == b->dst_dpid &&
            a->src_port == b->src_port && a->dst_port == b->dst_port);
}

/* Returns the slot holding 'l', or the empty slot where it would go. */
static struct lp_link *
lp_find(struct lp_link *slots, size_t n_slots, const struct lp_link *l)
{
    size_t i = lp_hash(l) & (n_slots - 1);

    while (slots[i].used && !lp_link_eq(&slots[i], l)) {
        i = (i + 1) & (n_slots - 1);
    }
    return &slots[i];
}

/* Moves the links into a table of 'n_slots' slots, leaving out those that
 * touch switch 'drop' when 'dropping'.  Returns false if out of memory
 * (the table is unchanged). */
static bool
lp_rehash(struct lp *lp, size_t n_slots, bool dropping, uint64_t drop)
{
    struct lp_link *slots = calloc(n_slots, sizeof *slots);
    size_t n = 0;

    if (!slots) {
        return false;
    }
    for (size_t i = 0; i < lp->n_slots; i++) {
        const struct lp_link *l = &lp->slots[i];

        if (!l->used ||
            (dropping && (l->src_dpid == drop || l->dst_dpid == drop))) {
            continue;
        }
        *lp_find(slots, n_slots, l) = *l;
        n++;
    }
    free(lp->slots);
    lp->slots = slots;
    lp->n_slots = n_slots;
    lp->n_links = n;
    return true;
}

/* Remembers link 'l'.  Returns true the first time it is seen. */
static bool
lp_add(struct sl_ctx *ctx, struct lp *lp, const struct lp_link *l)
{
    struct lp_link *slot = lp_find(lp->slots, lp->n_slots, l);

    if (slot->used) {
        return false;
    }
    if (lp->n_links >= LP_MAX_LINKS) {
        if (!lp->full_warned) {
            host->log(ctx, SL_APP_LOG_WARN,
                      "%u directed links seen: not remembering more",
                      LP_MAX_LINKS);
            lp->full_warned = true;
        }
        return false;
    }
    if ((lp->n_links + 1) * 2 > lp->n_slots) {
        if (!lp_rehash(lp, lp->n_slots * 2, false, 0)) {
            host->log(ctx, SL_APP_LOG_ERR, "out of memory for links");
            return false;
        }
        slot = lp_find(lp->slots, lp->n_slots, l);
    }
    *slot = *l;
    slot->used = true;
    lp->n_links++;
    return true;
}

/* ---- probing ---- */

/* Counts one more of something a peer can cause; returns true for the
 * 1st, 2nd, 4th, 8th... so that logging it is rate-limited. */
static bool
lp_count(uint64_t *count)
{
    ++*count;
    return !(*count & (*count - 1));
}

/* Sends an LLDP frame out of every port of switch 'sw'. */
static void
lp_probe(struct sl_ctx *ctx, struct lp *lp, const struct sl_switch *sw)
{
    for (size_t i = 0; i < sw->n_ports; i++) {
        uint32_t port = sw->ports[i].port_no;
        uint8_t frame[LP_FRAME_LEN];
        struct ofp_action out = {OFPAT_OUTPUT, .output = {.port = port}};
        struct ofp_packet_out po = {
            .buffer_id = OFP_NO_BUFFER,
            .in_port = OFPP_CONTROLLER,
            .actions = {1, &out},
            .len = sizeof frame,
            .data = frame,
        };
        int error;

        if (port > OFPP_MAX) { /* LOCAL and other reserved ports */
            continue;
        }
        lp_build(frame, sw->dpid, port);
        error = host->packet_out(ctx, sw->dpid, &po);
        if (!error) {
            lp->n_sent++;
        } else if (lp_count(&lp->n_send_errs)) {
            host->log(ctx, SL_APP_LOG_WARN,
                      "switch %016" PRIx64 " port %" PRIu32
                      ": LLDP packet_out failed: %s (%" PRIu64 " so far)",
                      sw->dpid, port, strerror(error), lp->n_send_errs);
        }
    }
}

/* The interval timer: probes every connected switch again. */
static void
lp_tick(struct sl_ctx *ctx, void *aux)
{
    struct lp *lp = aux;
    size_t n = host->switch_list(ctx, NULL, 0);
    uint64_t *dpids;

    if (n == 0) {
        return;
    }
    dpids = malloc(n * sizeof *dpids);
    if (!dpids) {
        host->log(ctx, SL_APP_LOG_ERR, "out of memory for %zu switches", n);
        return;
    }
    size_t got = host->switch_list(ctx, dpids, n);
    for (size_t i = 0; i < got && i < n; i++) {
        const struct sl_switch *sw = host->switch_get(ctx, dpids[i]);
        if (sw) {
            lp_probe(ctx, lp, sw);
        }
    }
    free(dpids);
}

/* ---- events ---- */

static enum sl_verdict
lp_switch_up(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    const struct sl_switch *sw =
        ev->sw ? ev->sw : host->switch_get(ctx, ev->dpid);

    if (sw) {
        lp_probe(ctx, aux, sw);
    }
    return SL_CONTINUE;
}

static enum sl_verdict
lp_switch_down(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct lp *lp = aux;

    if (!lp_rehash(lp, lp->n_slots, true, ev->dpid)) {
        host->log(ctx, SL_APP_LOG_ERR,
                  "out of memory: links of switch %016" PRIx64
                  " not forgotten",
                  ev->dpid);
    }
    return SL_CONTINUE;
}

static enum sl_verdict
lp_packet_in(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    const struct ofp_packet *pkt = ev->packet_in.pkt;
    struct lp *lp = aux;
    struct lp_link link;

    if (!pkt || pkt->layer < OFP_PACKET_L2 ||
        pkt->eth_type != OFP_ETH_TYPE_LLDP) {
        return SL_CONTINUE;
    }
    if (pkt->end < pkt->l3_ofs || pkt->end > pkt->len ||
        !lp_parse(pkt->frame + pkt->l3_ofs, pkt->end - pkt->l3_ofs,
                  &link.src_dpid, &link.src_port)) {
        if (lp_count(&lp->n_malformed)) {
            host->log(ctx, SL_APP_LOG_DBG,
                      "switch %016" PRIx64 " port %" PRIu32
                      ": LLDP frame not ours or malformed (%" PRIu64
                      " so far)",
                      ev->dpid, ev->packet_in.in_port, lp->n_malformed);
        }
        return SL_STOP;
    }
    link.dst_dpid = ev->dpid;
    link.dst_port = ev->packet_in.in_port;
    link.used = false;
    if (lp_add(ctx, lp, &link)) {
        host->log(ctx, SL_APP_LOG_INFO,
                  "link %016" PRIx64 ":%" PRIu32 " -> %016" PRIx64 ":%" PRIu32,
                  link.src_dpid, link.src_port, link.dst_dpid, link.dst_port);
    }
    return SL_STOP;
}

/* ---- lifecycle ---- */

/* Reads the section: none, or {interval: SECONDS} with SECONDS > 0. */
static int
lp_read_config(struct sl_ctx *ctx, struct lp *lp,
               const struct sl_app_config *cfg)
{
    static const char *const keys[] = {"interval"};
    const yaml_node_t *map = cfg ? cfg->node : NULL;

    if (sl_app_config_check_keys(cfg, keys, 1)) {
        goto bad;
    }
    if (!map) {
        return 0;
    }
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *v = sl_app_config_node(cfg, p->value);
        char buf[64], *end;
        double seconds;

        if (!sl_app_config_key_is(sl_app_config_node(cfg, p->key),
                                  "interval")) {
            continue;
        }
        if (!v || v->type != YAML_SCALAR_NODE ||
            v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
            v->data.scalar.length == 0 ||
            v->data.scalar.length >= sizeof buf) {
            goto bad;
        }
        memcpy(buf, v->data.scalar.value, v->data.scalar.length);
        buf[v->data.scalar.length] = '\0';
        /* decimal only: strtod also takes " 1", "0x1p3", "inf" */
        if (strspn(buf, "0123456789.eE+-") != v->data.scalar.length ||
            !(buf[0] == '.' || (buf[0] >= '0' && buf[0] <= '9'))) {
            goto bad;
        }
        errno = 0;
        seconds = strtod(buf, &end);
        if (errno || *end || !(seconds > 0) || seconds > LP_MAX_INTERVAL) {
            goto bad;
        }
        lp->interval = seconds;
    }
    return 0;

bad:
    host->log(ctx, SL_APP_LOG_ERR,
              "config: want {interval: SECONDS} with 0 < SECONDS <= %g",
              LP_MAX_INTERVAL);
    return EINVAL;
}

/* Builds a frame and reads it back: the parser and the builder agree. */
static bool
lp_self_check(void)
{
    static const uint64_t dpid = 0xfedcba9876543210ull;
    static const uint32_t port = 0xfffffeffu;
    uint8_t frame[LP_FRAME_LEN];
    uint64_t got_dpid = 0;
    uint32_t got_port = 0;

    lp_build(frame, dpid, port);
    return (lp_get_be16(frame + 12) == OFP_ETH_TYPE_LLDP &&
            (frame[6] & 0x03) == 0x02 &&
            lp_parse(frame + LP_ETH_LEN, LP_FRAME_LEN - LP_ETH_LEN, &got_dpid,
                     &got_port) &&
            got_dpid == dpid && got_port == port &&
            /* cut anywhere inside the TLVs, it is malformed */
            !lp_parse(frame + LP_ETH_LEN, 30, &got_dpid, &got_port));
}

static int
lp_init(struct sl_ctx *ctx, const struct sl_host *h,
        const struct sl_app_config *cfg)
{
    struct lp *lp = calloc(1, sizeof *lp);

    host = h;
    if (!lp) {
        return ENOMEM;
    }
    host->set_data(ctx, lp); /* fini frees it, also after a failed init */
    lp->n_slots = LP_MIN_SLOTS;
    lp->slots = calloc(lp->n_slots, sizeof *lp->slots);
    if (!lp->slots) {
        return ENOMEM;
    }
    if (!lp_self_check()) {
        host->log(ctx, SL_APP_LOG_ERR, "LLDP frame self-check failed");
        return EINVAL;
    }
    if (lp_read_config(ctx, lp, cfg)) {
        return EINVAL;
    }
    if (host->subscribe(ctx, SL_EV_SWITCH_UP, LP_PRIORITY, lp_switch_up, lp) ||
        host->subscribe(ctx, SL_EV_SWITCH_DOWN, LP_PRIORITY, lp_switch_down,
                        lp) ||
        host->subscribe(ctx, SL_EV_PACKET_IN, LP_PRIORITY, lp_packet_in, lp)) {
        host->log(ctx, SL_APP_LOG_ERR, "cannot subscribe to events");
        return EINVAL;
    }
    return 0;
}

static int
lp_start(struct sl_ctx *ctx)
{
    struct lp *lp = host->get_data(ctx);

    if (lp->interval > 0) {
        lp->timer = host->timer_add(ctx, lp->interval, true, lp_tick, lp);
        if (!lp->timer) {
            host->log(ctx, SL_APP_LOG_ERR, "cannot start a %g s timer",
                      lp->interval);
            return EINVAL;
        }
        host->log(ctx, SL_APP_LOG_INFO, "probing every %g s", lp->interval);
    } else {
        host->log(ctx, SL_APP_LOG_INFO, "probing at switch up");
    }
    return 0;
}

static void
lp_stop(struct sl_ctx *ctx)
{
    struct lp *lp = host->get_data(ctx);

    host->timer_cancel(ctx, lp->timer);
    lp->timer = NULL;
    host->log(ctx, SL_APP_LOG_INFO,
              "stopped: %" PRIu64 " LLDP frames sent, %zu directed links "
              "known, %" PRIu64 " LLDP frames not ours or malformed",
              lp->n_sent, lp->n_links, lp->n_malformed);
}

static void
lp_fini(struct sl_ctx *ctx)
{
    struct lp *lp = host->get_data(ctx);

    if (lp) {
        free(lp->slots);
        free(lp);
    }
}

const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "lldp_probe",
    .description = "sends LLDP out of every port and logs the links seen",
    .init = lp_init,
    .start = lp_start,
    .stop = lp_stop,
    .fini = lp_fini,
};
