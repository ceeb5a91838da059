/* datapath: one switch's OpenFlow session on top of a conn, from HELLO to
 * READY, and the set of all sessions (see datapath.h for the contract).
 *
 * Sits between conn.c (raw whole messages in, encoded messages out) and the
 * controller glue (the sl_dp_ops callbacks).  Each session decodes every
 * message once into its own arena, answers what the protocol requires of a
 * controller by itself (HELLO, ECHO, errors), keeps the switch's port table
 * and passes the rest on.  Sessions are owned by 'struct sl_datapaths' and
 * freed in one place, the conn's 'closed' callback (or at uninit). */
#include <config.h>
#include "controller/datapath.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include "controller/log.h"
#include "controller/util.h"
#include "ofproto/ofp-errors.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-packet.h"

SL_LOG_MODULE(datapath);

/* Decode errors in a row after which a peer is given up on. */
#define DP_MAX_BAD_IN_ROW 100
/* Bytes of an offending message echoed in an OFPT_ERROR. */
#define DP_ERROR_DATA_MAX 64
/* Longest datapath name: "0x" + 16 hex digits, or a peer name. */
#define DP_NAME_MAX SL_CONN_NAME_MAX

struct sl_datapath {
    struct sl_list node;           /* in dps->all */
    struct sl_hmap_node dpid_node; /* in dps->by_dpid if 'in_map' */
    struct sl_datapaths *dps;
    struct sl_conn *conn; /* owned */
    enum sl_dp_state state;
    bool in_map;
    bool got_hello;                /* the peer's HELLO was accepted */
    bool up;                       /* 'ready' called, 'down' not yet */
    bool ports_done;               /* last PORT_DESC part seen */
    bool desc_done;                /* DESC reply seen */
    enum sl_log_level close_level; /* for the "down" line; 0 = default */

    uint32_t next_xid;
    uint32_t port_desc_xid;
    uint32_t desc_xid;
    struct ofp_arena arena; /* reset per message */

    /* Timers. */
    struct event *handshake_timer;
    struct event *echo_timer;
    double last_rx;           /* creation time; then the conn's stamp of
                               * its last read (sl_conn_stats()) */
    bool rx_since_tick;       /* something arrived since the tick */
    unsigned int echo_misses; /* ECHO_REQUESTs sent in a row */

    /* Packet-in budget: a token bucket in millionths of a token, refilled
     * from the loop's cached time in microseconds (integers: no division
     * per PACKET_IN). */
    int64_t pi_tokens;
    int64_t pi_last_us;
    unsigned int pi_rate; /* rate the bucket was filled for */
    uint64_t n_pi_dropped;

    unsigned int n_bad_in_row; /* decode errors since a good message */
    double ready_since;        /* wall clock of 'ready' */
    void *ext;                 /* the topology's (sl_datapath_set_ext()) */

    /* The switch. */
    struct sl_switch sw;
    struct ofp_port *ports; /* sorted by port_no */
    size_t n_ports, ports_cap;
    struct ofp_desc desc;
    char peer[SL_CONN_NAME_MAX];
    char name[DP_NAME_MAX];
};

static void dp_conn_msg(struct sl_conn *, const uint8_t *data, size_t len,
                        void *dp_);

/* Counts one message of 'type' in 'by_type' (rx_by_type, tx_by_type). */
static inline void
dp_count(uint64_t *by_type, uint8_t type)
{
    by_type[type < SL_DP_N_TYPES ? type : SL_DP_N_TYPES]++;
}

/* Sends 'msg' as it is and counts it. */
static int
dp_conn_send(struct sl_datapath *dp, const struct ofp_msg *msg)
{
    int error = sl_conn_send(dp->conn, msg);
    if (!error) {
        dp_count(dp->dps->tx_by_type, msg->type);
    }
    return error;
}
static void dp_conn_closed(struct sl_conn *, const char *reason, void *dp_);

static const struct sl_conn_ops dp_conn_ops = {
    .msg = dp_conn_msg,
    .closed = dp_conn_closed,
};

/* Rate limits for everything a peer can trigger. */
static struct sl_log_rl rl_proto = SL_LOG_RL_INIT(5, 20);
/* Session ends: generous, so that a mass disconnect is still logged. */
static struct sl_log_rl rl_down = SL_LOG_RL_INIT(20, 200);
static struct sl_log_rl rl_budget = SL_LOG_RL_INIT(1, 5);
static struct sl_log_rl rl_dbg = SL_LOG_RL_INIT(10, 50);

/* The loop's cached time in seconds (no syscall inside a loop pass).  It
 * follows the monotonic clock except when libevent resynchronises it with
 * the wall clock, so users clamp negative and oversized steps. */
static double
dp_now(const struct sl_datapaths *dps)
{
    struct timeval tv;
    event_base_gettimeofday_cached(dps->base, &tv);
    return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

/* The loop's cached time in microseconds. */
static int64_t
dp_now_us(const struct sl_datapaths *dps)
{
    struct timeval tv;
    event_base_gettimeofday_cached(dps->base, &tv);
    return (int64_t) tv.tv_sec * 1000000 + tv.tv_usec;
}

static struct timeval
dp_timeval(double seconds)
{
    struct timeval tv;
    if (seconds < 0) {
        seconds = 0;
    }
    tv.tv_sec = (time_t) seconds;
    tv.tv_usec = (suseconds_t) ((seconds - (double) tv.tv_sec) * 1e6);
    return tv;
}

static const char *
dp_state_name(enum sl_dp_state state)
{
    switch (state) {
    case SL_DP_HELLO:
        return "HELLO";
    case SL_DP_FEATURES:
        return "FEATURES";
    case SL_DP_CONFIG:
        return "CONFIG";
    case SL_DP_READY:
        return "READY";
    case SL_DP_DEAD:
        return "DEAD";
    }
    return "?";
}

static const char *
dp_type_name(uint8_t type)
{
    const char *name = ofp_type_name(type);
    return name ? name : "unknown type";
}

/* ---- settings ---- */

static void
dp_default_settings(struct sl_dp_settings *s)
{
    memset(s, 0, sizeof *s);
    s->echo_interval = 5.0;
    s->echo_misses = 3;
    s->packet_in_rate = 1000;
}

static double
dp_handshake_timeout(const struct sl_datapaths *dps)
{
    double t = dps->settings.handshake_timeout;
    return t > 0 ? t : SL_DP_HANDSHAKE_TIMEOUT;
}

/* ---- sending ---- */

static uint32_t
dp_fresh_xid(struct sl_datapath *dp)
{
    if (dp->next_xid == 0) {
        dp->next_xid = 1;
    }
    return dp->next_xid++;
}

/* Sends 'msg' with a fresh xid, whatever the state ('msg' is not
 * changed). */
static int
dp_send(struct sl_datapath *dp, const struct ofp_msg *msg, uint32_t *xidp)
{
    struct ofp_msg m = *msg;

    m.xid = dp_fresh_xid(dp);
    if (xidp) {
        *xidp = m.xid;
    }
    /* An encoding failure is logged (rate-limited) by the conn. */
    return dp_conn_send(dp, &m);
}

/* Sends an OFPT_ERROR 'e' in 'version' answering 'xid', with 'len' bytes
 * of 'data'. */
static void
dp_send_error(struct sl_datapath *dp, uint8_t version, uint32_t xid,
              enum ofperr e, const void *data, size_t len)
{
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_ERROR, xid);
    m.version = version;
    m.error.type = ofperr_type(e);
    m.error.code = ofperr_code(e);
    m.error.data = data;
    m.error.len = len;
    dp_conn_send(dp, &m);
}

/* Answers the offending message 'data' ('len' bytes, xid 'xid') with
 * error 'e' and its first DP_ERROR_DATA_MAX bytes. */
static void
dp_reply_error(struct sl_datapath *dp, const uint8_t *data, size_t len,
               uint32_t xid, enum ofperr e)
{
    dp_send_error(dp, OFP13_VERSION, xid, e, data,
                  len < DP_ERROR_DATA_MAX ? len : DP_ERROR_DATA_MAX);
}

/* ---- closing ---- */

static void
dp_stop_timers(struct sl_datapath *dp)
{
    if (dp->handshake_timer) {
        event_del(dp->handshake_timer);
    }
    if (dp->echo_timer) {
        event_del(dp->echo_timer);
    }
}

/* Starts closing 'dp' for 'reason'; its "down" line is logged at 'level'
 * once the conn has closed. */
static void
dp_fail(struct sl_datapath *dp, enum sl_log_level level, const char *reason,
        bool flush)
{
    if (dp->state == SL_DP_DEAD) {
        return;
    }
    dp->state = SL_DP_DEAD;
    dp->close_level = level;
    dp_stop_timers(dp);
    sl_conn_close(dp->conn, reason, flush);
}

static void
dp_unmap(struct sl_datapath *dp)
{
    if (dp->in_map) {
        sl_hmap_remove(&dp->dps->by_dpid, &dp->dpid_node);
        dp->in_map = false;
    }
    if (dp->dps->last_found == dp) {
        dp->dps->last_found = NULL;
    }
}

/* Calls 'down' if 'ready' was called. */
static void
dp_announce_down(struct sl_datapath *dp, const char *reason)
{
    if (dp->up) {
        struct sl_datapaths *dps = dp->dps;
        if (dps->ops && dps->ops->down) {
            dps->ops->down(dp, reason, dps->aux);
        }
        dp->up = false;
        dps->n_ready--;
    }
}

/* Frees 'dp' and everything it owns, without callbacks. */
static void
dp_free(struct sl_datapath *dp)
{
    dp_unmap(dp);
    sl_list_remove(&dp->node);
    if (dp->handshake_timer) {
        event_free(dp->handshake_timer);
    }
    if (dp->echo_timer) {
        event_free(dp->echo_timer);
    }
    sl_conn_destroy(dp->conn);
    ofp_arena_uninit(&dp->arena);
    free(dp->ports);
    free(dp);
}

static void
dp_conn_closed(struct sl_conn *conn, const char *reason, void *dp_)
{
    struct sl_datapath *dp = dp_;
    (void) conn;

    /* A session that never became READY is news for developers only;
     * every line here is rate-limited, since a peer can repeat it. */
    enum sl_log_level level = dp->close_level;
    if (level == SL_LOG_OFF) {
        level = dp->up ? SL_LOG_INFO : SL_LOG_DBG;
    }
    SL_LOG_AT_RL(level, &rl_down, "switch %s down: %s", dp->name, reason);
    dp->state = SL_DP_DEAD;
    dp_stop_timers(dp);
    dp_announce_down(dp, reason);
    dp_free(dp);
}

/* ---- timers ---- */

static void
dp_arm_echo(struct sl_datapath *dp, double delay)
{
    struct timeval tv = dp_timeval(delay);
    event_add(dp->echo_timer, &tv);
}

static void
dp_echo_tick(evutil_socket_t fd, short what, void *dp_)
{
    struct sl_datapath *dp = dp_;
    struct sl_datapaths *dps = dp->dps;
    double interval = dps->settings.echo_interval;
    (void) fd;
    (void) what;

    if (dp->state == SL_DP_DEAD || interval <= 0) {
        return;
    }
    double now = dp_now(dps);
    double rx = sl_conn_stats(dp->conn)->last_rx;
    if (rx > dp->last_rx) {
        dp->last_rx = rx;
    }
    if (dp->rx_since_tick) {
        /* Alive: the next request is due one interval after the last
         * message. */
        dp->rx_since_tick = false;
        dp->echo_misses = 0;
        double due = dp->last_rx + interval - now;
        dp_arm_echo(dp, due > interval ? interval : due);
        return;
    }
    if (dp->echo_misses >= dps->settings.echo_misses) {
        char reason[64];
        double silent = now - dp->last_rx;
        snprintf(reason, sizeof reason, "no echo reply for %.3g s",
                 silent > 0 ? silent : 0);
        dps->n_dead_peers++;
        dp_fail(dp, SL_LOG_WARN, reason, false);
        return;
    }
    struct ofp_msg echo;
    ofp_msg_init(&echo, OFPT_ECHO_REQUEST, 0);
    dp_send(dp, &echo, NULL);
    dp->echo_misses++;
    dp_arm_echo(dp, interval);
}

static void
dp_handshake_expired(evutil_socket_t fd, short what, void *dp_)
{
    struct sl_datapath *dp = dp_;
    (void) fd;
    (void) what;

    if (dp->state == SL_DP_DEAD || dp->state == SL_DP_READY) {
        return;
    }
    char reason[64];
    snprintf(reason, sizeof reason, "handshake timed out in state %s",
             dp_state_name(dp->state));
    dp->dps->n_handshake_timeouts++;
    dp_fail(dp, SL_LOG_WARN, reason, false);
}

/* ---- port table ---- */

/* Returns the index of 'port_no' in 'dp->ports', or, if absent, the index
 * where it would go with '*found' false. */
static size_t
dp_port_index(const struct sl_datapath *dp, uint32_t port_no, bool *found)
{
    size_t lo = 0, hi = dp->n_ports;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t p = dp->ports[mid].port_no;
        if (p == port_no) {
            *found = true;
            return mid;
        } else if (p < port_no) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *found = false;
    return lo;
}

static void
dp_sync_switch(struct sl_datapath *dp)
{
    dp->sw.ports = dp->ports;
    dp->sw.n_ports = dp->n_ports;
}

static void
dp_ports_reserve(struct sl_datapath *dp, size_t extra)
{
    if (dp->ports_cap - dp->n_ports < extra) {
        size_t cap = dp->ports_cap ? dp->ports_cap * 2 : 16;
        while (cap - dp->n_ports < extra) {
            cap *= 2;
        }
        dp->ports = sl_xrealloc(dp->ports, cap * sizeof *dp->ports);
        dp->ports_cap = cap;
    }
}

/* Inserts or replaces 'port'. */
static void
dp_port_put(struct sl_datapath *dp, const struct ofp_port *port)
{
    bool found;
    size_t i = dp_port_index(dp, port->port_no, &found);
    if (!found) {
        dp_ports_reserve(dp, 1);
        memmove(&dp->ports[i + 1], &dp->ports[i],
                (dp->n_ports - i) * sizeof *dp->ports);
        dp->n_ports++;
    }
    dp->ports[i] = *port;
    dp_sync_switch(dp);
}

static void
dp_port_remove(struct sl_datapath *dp, uint32_t port_no)
{
    bool found;
    size_t i = dp_port_index(dp, port_no, &found);
    if (found) {
        memmove(&dp->ports[i], &dp->ports[i + 1],
                (dp->n_ports - i - 1) * sizeof *dp->ports);
        dp->n_ports--;
        dp_sync_switch(dp);
    }
}

static void
dp_port_status(struct sl_datapath *dp, const struct ofp_port_status *ps)
{
    if (ps->reason == OFPPR_DELETE) {
        dp_port_remove(dp, ps->desc.port_no);
    } else {
        dp_port_put(dp, &ps->desc);
    }
}

static int
dp_port_cmp(const void *a_, const void *b_)
{
    const struct ofp_port *a = a_, *b = b_;
    return a->port_no < b->port_no ? -1 : a->port_no > b->port_no;
}

/* Sorts the ports collected from PORT_DESC parts; of a port listed twice
 * the first copy stays. */
static void
dp_ports_finish(struct sl_datapath *dp)
{
    if (dp->n_ports > 1) {
        qsort(dp->ports, dp->n_ports, sizeof *dp->ports, dp_port_cmp);
        size_t n = 1;
        for (size_t i = 1; i < dp->n_ports; i++) {
            if (dp->ports[i].port_no != dp->ports[n - 1].port_no) {
                dp->ports[n++] = dp->ports[i];
            }
        }
        dp->n_ports = n;
    }
    dp_sync_switch(dp);
}

/* ---- the handshake ---- */

static void
dp_send_hello(struct sl_datapath *dp)
{
    uint32_t bitmap = 1u << OFP13_VERSION;
    struct ofp_hello_elem elem = {
        .type = OFPHET_VERSIONBITMAP,
        .n_bitmaps = 1,
        .bitmaps = &bitmap,
    };
    struct ofp_msg hello;
    ofp_msg_init(&hello, OFPT_HELLO, 0);
    hello.hello.n_elems = 1;
    hello.hello.elems = &elem;
    dp_send(dp, &hello, NULL);
}

/* The peer's first message, 'len' bytes at 'data' with header 'h'. */
static void
dp_recv_hello(struct sl_datapath *dp, const uint8_t *data, size_t len,
              const struct ofp_header *h)
{
    char reason[128];

    if (h->version == 0x16 && h->type == 0x03) {
        /* A TLS record (handshake, version 3.x): a switch set to ssl: on a
         * tcp: listener. */
        snprintf(reason, sizeof reason,
                 "a TLS handshake on a plain tcp: listener (is the switch "
                 "set to ssl:?)");
        dp_fail(dp, SL_LOG_WARN, reason, true);
        return;
    }
    if (h->type != OFPT_HELLO) {
        snprintf(reason, sizeof reason,
                 "protocol violation: %s (version 0x%02x) before HELLO",
                 dp_type_name(h->type), h->version);
        dp_fail(dp, SL_LOG_WARN, reason, true);
        return;
    }

    struct ofp_msg msg;
    ofp_arena_reset(&dp->arena);
    enum ofperr error = ofp_msg_decode(data, len, &msg, &dp->arena);
    if (error) {
        dp->dps->n_decode_errors++;
        dp_send_error(dp,
                      h->version < OFP13_VERSION ? h->version : OFP13_VERSION,
                      h->xid, error, data,
                      len < DP_ERROR_DATA_MAX ? len : DP_ERROR_DATA_MAX);
        snprintf(reason, sizeof reason, "malformed HELLO: %s",
                 ofperr_name(error));
        dp_fail(dp, SL_LOG_WARN, reason, true);
        return;
    }
    dp_count(dp->dps->rx_by_type, OFPT_HELLO);

    if (!ofp_hello_offers(&msg, OFP13_VERSION)) {
        static const char text[] =
            "incompatible: this controller speaks OpenFlow 1.3 (0x04) only";
        dp_send_error(
            dp, h->version < OFP13_VERSION ? h->version : OFP13_VERSION,
            h->xid, OFPERR_OFPHFC_INCOMPATIBLE, text, sizeof text - 1);
        snprintf(reason, sizeof reason,
                 "HELLO (version 0x%02x) does not offer OpenFlow 1.3",
                 h->version);
        dp_fail(dp, SL_LOG_WARN, reason, true);
        return;
    }

    struct sl_datapaths *dps = dp->dps;
    dp->got_hello = true;
    dp->state = SL_DP_FEATURES;
    SL_DBG("switch %s: HELLO (version 0x%02x) accepted, speaking 0x04",
           dp->name, h->version);

    struct ofp_msg req;
    ofp_msg_init(&req, OFPT_FEATURES_REQUEST, 0);
    dp_send(dp, &req, NULL);

    if (dps->settings.echo_interval > 0) {
        dp_arm_echo(dp, dps->settings.echo_interval);
    }
}

/* Returns true if the certificate of 'dp' may claim 'dpid', else false
 * with the reason in 'why'. */
static bool
dp_check_pins(struct sl_datapath *dp, uint64_t dpid, char *why, size_t why_len)
{
    const struct sl_dp_settings *s = &dp->dps->settings;
    if (s->n_pins == 0) {
        return true;
    }

    uint8_t fp[32];
    bool has_cert = sl_conn_peer_sha256(dp->conn, fp);
    bool dpid_pinned = false;
    bool cert_pinned_elsewhere = false;
    uint64_t other_dpid = 0;
    for (size_t i = 0; i < s->n_pins; i++) {
        const struct sl_config_pin *pin = &s->pins[i];
        bool match = has_cert && !memcmp(pin->sha256, fp, sizeof fp);
        if (pin->dpid == dpid) {
            if (match) {
                return true;
            }
            dpid_pinned = true;
        } else if (match && !cert_pinned_elsewhere) {
            cert_pinned_elsewhere = true;
            other_dpid = pin->dpid;
        }
    }
    if (dpid_pinned) {
        snprintf(why, why_len,
                 "dpid 0x%016" PRIx64 " is pinned to another certificate "
                 "than the one %s presented%s",
                 dpid, dp->peer, has_cert ? "" : " (it presented none)");
        return false;
    }
    if (cert_pinned_elsewhere) {
        snprintf(why, why_len,
                 "the certificate of %s is pinned to dpid 0x%016" PRIx64
                 ", not 0x%016" PRIx64,
                 dp->peer, other_dpid, dpid);
        return false;
    }
    return true;
}

/* Returns the session in 'dps->by_dpid' holding 'dpid', or NULL. */
static struct sl_datapath *
dp_lookup(const struct sl_datapaths *dps, uint64_t dpid)
{
    struct sl_datapath *dp;
    SL_HMAP_FOR_EACH_HASH(dp, dpid_node, sl_hash_u64(dpid), &dps->by_dpid)
    {
        if (dp->sw.dpid == dpid) {
            return dp;
        }
    }
    return NULL;
}

static void
dp_recv_features(struct sl_datapath *dp, const struct ofp_msg *msg)
{
    struct sl_datapaths *dps = dp->dps;
    const struct ofp_switch_features *f = &msg->features;
    char reason[256];

    if (f->auxiliary_id != 0) {
        snprintf(reason, sizeof reason,
                 "auxiliary connection %u of dpid 0x%016" PRIx64
                 " refused: only main connections are supported",
                 f->auxiliary_id, f->datapath_id);
        dp_fail(dp, SL_LOG_WARN, reason, true);
        return;
    }
    if (!dp_check_pins(dp, f->datapath_id, reason, sizeof reason)) {
        char full[300];
        snprintf(full, sizeof full, "refused: %s", reason);
        dp_fail(dp, SL_LOG_WARN, full, false);
        return;
    }

    struct sl_datapath *old = dp_lookup(dps, f->datapath_id);
    if (old) {
        snprintf(reason, sizeof reason, "replaced by a new connection from %s",
                 dp->peer);
        SL_INFO_RL(&rl_down, "switch 0x%016" PRIx64 " (%s) %s",
                   f->datapath_id, old->peer, reason);
        dps->n_replaced++;
        dp_announce_down(old, reason);
        dp_unmap(old);
        dp_fail(old, SL_LOG_INFO, reason, true);
    }

    dp->sw.dpid = f->datapath_id;
    dp->sw.n_buffers = f->n_buffers;
    dp->sw.n_tables = f->n_tables;
    dp->sw.capabilities = f->capabilities;
    snprintf(dp->name, sizeof dp->name, "0x%016" PRIx64, f->datapath_id);
    sl_hmap_insert(&dps->by_dpid, &dp->dpid_node, sl_hash_u64(f->datapath_id));
    dp->in_map = true;
    dp->state = SL_DP_CONFIG;

    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_SET_CONFIG, 0);
    m.config.flags = 0;
    m.config.miss_send_len = SL_DP_MISS_SEND_LEN;
    dp_send(dp, &m, NULL);

    ofp_msg_init(&m, OFPT_MULTIPART_REQUEST, 0);
    m.mp_request.type = OFPMP_PORT_DESC;
    dp_send(dp, &m, &dp->port_desc_xid);

    ofp_msg_init(&m, OFPT_MULTIPART_REQUEST, 0);
    m.mp_request.type = OFPMP_DESC;
    dp_send(dp, &m, &dp->desc_xid);
}

static void
dp_become_ready(struct sl_datapath *dp)
{
    struct sl_datapaths *dps = dp->dps;

    dp->state = SL_DP_READY;
    event_del(dp->handshake_timer);
    dp->sw.desc = &dp->desc;
    dp->sw.peer = dp->peer;
    dp_sync_switch(dp);
    dp->pi_rate = dps->settings.packet_in_rate;
    dp->pi_tokens = (int64_t) dp->pi_rate * 1000000;
    dp->pi_last_us = dp_now_us(dps);
    dp->up = true;
    dp->ready_since = sl_wall_clock();
    dps->n_ready++;
    SL_INFO_RL(&rl_down, "switch %s up (%s, %zu ports, %s %s %s)", dp->name,
               dp->peer,
            dp->n_ports, dp->desc.mfr_desc, dp->desc.hw_desc,
            dp->desc.sw_desc);
    if (dps->ops && dps->ops->ready) {
        dps->ops->ready(dp, dps->aux);
    }
}

static void
dp_recv_mp_reply(struct sl_datapath *dp, const struct ofp_msg *msg)
{
    const struct ofp_multipart_reply *r = &msg->mp_reply;

    if (r->type == OFPMP_PORT_DESC && msg->xid == dp->port_desc_xid &&
        !dp->ports_done) {
        dp_ports_reserve(dp, r->port_desc.n);
        memcpy(&dp->ports[dp->n_ports], r->port_desc.ports,
               r->port_desc.n * sizeof *dp->ports);
        dp->n_ports += r->port_desc.n;
        if (!(r->flags & OFPMPF_REPLY_MORE)) {
            dp->ports_done = true;
            dp_ports_finish(dp);
        }
    } else if (r->type == OFPMP_DESC && msg->xid == dp->desc_xid &&
               !dp->desc_done) {
        dp->desc = *r->desc;
        dp->desc_done = true;
    } else {
        const char *kind = ofp_mp_type_name(r->type);
        SL_DBG_RL(&rl_dbg,
                  "switch %s: ignored %s reply during the "
                  "handshake",
                  dp->name, kind ? kind : "unknown multipart");
        return;
    }
    if (dp->ports_done && dp->desc_done) {
        dp_become_ready(dp);
    }
}

/* ---- messages ---- */

/* Types a controller sends and a switch never does. */
static bool
dp_switch_never_sends(uint8_t type)
{
    switch (type) {
    case OFPT_FEATURES_REQUEST:
    case OFPT_GET_CONFIG_REQUEST:
    case OFPT_SET_CONFIG:
    case OFPT_PACKET_OUT:
    case OFPT_FLOW_MOD:
    case OFPT_GROUP_MOD:
    case OFPT_PORT_MOD:
    case OFPT_TABLE_MOD:
    case OFPT_MULTIPART_REQUEST:
    case OFPT_BARRIER_REQUEST:
    case OFPT_QUEUE_GET_CONFIG_REQUEST:
    case OFPT_ROLE_REQUEST:
    case OFPT_GET_ASYNC_REQUEST:
    case OFPT_SET_ASYNC:
    case OFPT_METER_MOD:
        return true;
    default:
        return false;
    }
}

static bool
dp_packet_in_allowed(struct sl_datapath *dp)
{
    struct sl_datapaths *dps = dp->dps;
    unsigned int rate = dps->settings.packet_in_rate;
    if (rate == 0) {
        return true;
    }

    /* A burst of up to one second's worth; a step of the clock backwards
     * or of more than a second refills no more than that. */
    int64_t full = (int64_t) rate * 1000000;
    /* The read that brought this PACKET_IN stamped the loop's time. */
    int64_t now = (int64_t) (sl_conn_stats(dp->conn)->last_rx * 1e6);
    if (rate != dp->pi_rate) {
        dp->pi_rate = rate;
        dp->pi_tokens = full;
    } else if (now > dp->pi_last_us) {
        int64_t us = now - dp->pi_last_us;
        dp->pi_tokens += (us > 1000000 ? 1000000 : us) * (int64_t) rate;
        if (dp->pi_tokens > full) {
            dp->pi_tokens = full;
        }
    }
    dp->pi_last_us = now;
    if (dp->pi_tokens >= 1000000) {
        dp->pi_tokens -= 1000000;
        return true;
    }
    dp->n_pi_dropped++;
    dps->n_packet_in_dropped++;
    SL_WARN_RL(&rl_budget,
               "switch %s over its packet-in budget (%u/s): dropping",
               dp->name, rate);
    return false;
}

static void
dp_deliver(struct sl_datapath *dp, const struct ofp_msg *msg,
           const struct ofp_packet *pkt)
{
    struct sl_datapaths *dps = dp->dps;
    if (dps->ops && dps->ops->msg) {
        dps->ops->msg(dp, msg, pkt, dps->aux);
    }
}

static void
dp_recv_ready(struct sl_datapath *dp, const struct ofp_msg *msg)
{
    switch (msg->type) {
    case OFPT_PACKET_IN: {
        if (!dp_packet_in_allowed(dp)) {
            return;
        }
        struct ofp_packet pkt;
        if (dp->dps->packet_l2_only) {
            ofp_packet_parse_l2(&pkt, msg->packet_in.data,
                                msg->packet_in.len);
        } else {
            ofp_packet_parse(&pkt, msg->packet_in.data, msg->packet_in.len);
        }
        dp_deliver(dp, msg, pkt.layer == OFP_PACKET_NONE ? NULL : &pkt);
        break;
    }
    case OFPT_PORT_STATUS:
        dp_port_status(dp, &msg->port_status);
        dp_deliver(dp, msg, NULL);
        break;
    default:
        dp_deliver(dp, msg, NULL);
        break;
    }
}

/* A message before READY (after the HELLO exchange). */
static void
dp_recv_handshake(struct sl_datapath *dp, const struct ofp_msg *msg)
{
    char reason[160];

    switch (msg->type) {
    case OFPT_ERROR: {
        enum ofperr e =
            ofperr_from_type_code(msg->error.type, msg->error.code);
        if (e) {
            snprintf(reason, sizeof reason,
                     "error %s during the handshake (state %s)",
                     ofperr_name(e), dp_state_name(dp->state));
        } else {
            snprintf(reason, sizeof reason,
                     "error type %u code %u during the handshake (state %s)",
                     msg->error.type, msg->error.code,
                     dp_state_name(dp->state));
        }
        dp_fail(dp, SL_LOG_WARN, reason, true);
        return;
    }
    case OFPT_FEATURES_REPLY:
        if (dp->state == SL_DP_FEATURES) {
            dp_recv_features(dp, msg);
            return;
        }
        break;
    case OFPT_MULTIPART_REPLY:
        if (dp->state == SL_DP_CONFIG) {
            dp_recv_mp_reply(dp, msg);
            return;
        }
        break;
    case OFPT_PORT_STATUS:
        /* Before the port list is complete its reply is at least as new
         * as this change. */
        if (dp->ports_done) {
            dp_port_status(dp, &msg->port_status);
            return;
        }
        break;
    default:
        break;
    }
    SL_DBG_RL(&rl_dbg, "switch %s: ignored %s in state %s", dp->name,
              dp_type_name(msg->type), dp_state_name(dp->state));
}

static void
dp_decode_error(struct sl_datapath *dp, const uint8_t *data, size_t len,
                const struct ofp_header *h, enum ofperr error)
{
    struct sl_datapaths *dps = dp->dps;
    dps->n_decode_errors++;
    SL_WARN_RL(&rl_proto, "switch %s (%s) sent a malformed %s: %s", dp->name,
               dp->peer, dp_type_name(h->type), ofperr_name(error));
    dp_reply_error(dp, data, len, h->xid, error);
    if (++dp->n_bad_in_row > DP_MAX_BAD_IN_ROW) {
        dp_fail(dp, SL_LOG_WARN, "too many malformed messages", true);
    }
}

static void
dp_conn_msg(struct sl_conn *conn, const uint8_t *data, size_t len, void *dp_)
{
    struct sl_datapath *dp = dp_;
    (void) conn;

    if (dp->state == SL_DP_DEAD) {
        return;
    }
    dp->rx_since_tick = true;
    dp->echo_misses = 0;

    struct ofp_header h;
    if (ofp_header_decode(data, len, &h)) {
        /* conn.c never delivers less than a header. */
        dp_fail(dp, SL_LOG_WARN, "bad message framing", false);
        return;
    }
    if (!dp->got_hello) {
        dp_recv_hello(dp, data, len, &h);
        return;
    }
    if (h.version != OFP13_VERSION) {
        char reason[96];
        dp_reply_error(dp, data, len, h.xid, OFPERR_OFPBRC_BAD_VERSION);
        snprintf(reason, sizeof reason,
                 "protocol violation: %s of version 0x%02x after "
                 "negotiating 0x04",
                 dp_type_name(h.type), h.version);
        dp_fail(dp, SL_LOG_WARN, reason, true);
        return;
    }

    struct ofp_msg msg;
    ofp_arena_reset(&dp->arena);
    enum ofperr error = ofp_msg_decode(data, len, &msg, &dp->arena);
    if (error) {
        dp_decode_error(dp, data, len, &h, error);
        return;
    }
    dp->n_bad_in_row = 0;
    dp_count(dp->dps->rx_by_type, msg.type);
    if (msg.type == OFPT_ERROR) {
        dp->dps->rx_errors_by_type[msg.error.type < SL_DP_N_ERR_TYPES - 1
                                       ? msg.error.type
                                       : SL_DP_N_ERR_TYPES - 1]++;
    }

    switch (msg.type) {
    case OFPT_HELLO:
    case OFPT_ECHO_REPLY:
        return;
    case OFPT_ECHO_REQUEST: {
        struct ofp_msg reply;
        ofp_msg_init(&reply, OFPT_ECHO_REPLY, msg.xid);
        reply.echo = msg.echo;
        dp_conn_send(dp, &reply);
        return;
    }
    default:
        break;
    }
    if (dp_switch_never_sends(msg.type)) {
        SL_WARN_RL(&rl_proto,
                   "switch %s (%s) sent %s, which only a "
                   "controller sends",
                   dp->name, dp->peer, dp_type_name(msg.type));
        dp_reply_error(dp, data, len, msg.xid, OFPERR_OFPBRC_BAD_TYPE);
        return;
    }
    if (dp->state == SL_DP_READY) {
        dp_recv_ready(dp, &msg);
    } else {
        dp_recv_handshake(dp, &msg);
    }
}

/* ---- public ---- */

void
sl_datapaths_init(struct sl_datapaths *dps, struct event_base *base,
                  const struct sl_dp_ops *ops, void *aux)
{
    memset(dps, 0, sizeof *dps);
    dps->base = base;
    dps->ops = ops;
    dps->aux = aux;
    dp_default_settings(&dps->settings);
    sl_list_init(&dps->all);
    sl_hmap_init(&dps->by_dpid);
}

void
sl_datapaths_configure(struct sl_datapaths *dps,
                       const struct sl_dp_settings *settings)
{
    double old_interval = dps->settings.echo_interval;
    dps->settings = *settings;
    if (settings->echo_interval > 0 &&
        settings->echo_interval != old_interval) {
        /* A new interval (or keepalive turned on): restart the timers so
         * a long old interval does not delay the new one. */
        struct sl_datapath *dp;
        SL_LIST_FOR_EACH(dp, node, &dps->all)
        {
            if (dp->got_hello && dp->state != SL_DP_DEAD) {
                event_del(dp->echo_timer);
                dp_arm_echo(dp, settings->echo_interval);
            }
        }
    }
}

void
sl_datapaths_uninit(struct sl_datapaths *dps)
{
    struct sl_datapath *dp, *next;
    SL_LIST_FOR_EACH_SAFE(dp, next, node, &dps->all)
    {
        dp->up = false;
        dp_free(dp);
    }
    dps->n_ready = 0;
    sl_hmap_uninit(&dps->by_dpid);
}

struct sl_datapath *
sl_datapath_create(struct sl_datapaths *dps, struct sl_conn *conn)
{
    struct sl_datapath *dp = sl_xmalloc(sizeof *dp);
    memset(dp, 0, sizeof *dp);
    dp->dps = dps;
    dp->conn = conn;
    dp->state = SL_DP_HELLO;
    dp->next_xid = 1;
    ofp_arena_init(&dp->arena);
    snprintf(dp->peer, sizeof dp->peer, "%s", sl_conn_name(conn));
    snprintf(dp->name, sizeof dp->name, "%s", dp->peer);
    dp->sw.peer = dp->peer;
    dp->sw.desc = &dp->desc;
    dp->handshake_timer = evtimer_new(dps->base, dp_handshake_expired, dp);
    dp->echo_timer = evtimer_new(dps->base, dp_echo_tick, dp);
    if (!dp->handshake_timer || !dp->echo_timer) {
        sl_out_of_memory();
    }
    dp->last_rx = dp_now(dps);
    sl_list_push_back(&dps->all, &dp->node);
    dps->n_accepted++;

    sl_conn_set_ops(conn, &dp_conn_ops, dp);
    dp_send_hello(dp);
    struct timeval tv = dp_timeval(dp_handshake_timeout(dps));
    event_add(dp->handshake_timer, &tv);
    SL_DBG("switch %s: session started", dp->name);
    return dp;
}

void
sl_datapath_close(struct sl_datapath *dp, const char *reason)
{
    dp_fail(dp, SL_LOG_INFO, reason, true);
}

struct sl_datapath *
sl_datapaths_find(struct sl_datapaths *dps, uint64_t dpid)
{
    struct sl_datapath *dp = dps->last_found;
    if (!dp || dp->sw.dpid != dpid) {
        dp = dp_lookup(dps, dpid);
        dps->last_found = dp;
    }
    return dp && dp->up ? dp : NULL;
}

size_t
sl_datapaths_list(const struct sl_datapaths *dps, uint64_t *dpids, size_t max)
{
    size_t n_up = 0, n = 0;
    const struct sl_datapath *dp;
    SL_LIST_FOR_EACH(dp, node, &dps->all)
    {
        if (!dp->up) {
            continue;
        }
        n_up++;
        /* Insertion sort keeping the 'max' smallest. */
        uint64_t dpid = dp->sw.dpid;
        size_t i = n;
        if (n < max) {
            n++;
        } else if (max == 0 || dpid >= dpids[max - 1]) {
            continue;
        } else {
            i = max - 1;
        }
        while (i > 0 && dpids[i - 1] > dpid) {
            dpids[i] = dpids[i - 1];
            i--;
        }
        dpids[i] = dpid;
    }
    return n_up;
}

int
sl_datapath_send(struct sl_datapath *dp, const struct ofp_msg *msg,
                 uint32_t *xid)
{
    if (dp->state != SL_DP_READY) {
        return ENOTCONN;
    }
    return dp_send(dp, msg, xid);
}

int
sl_datapath_packet_out(struct sl_datapath *dp, const struct ofp_packet_out *po)
{
    if (dp->state != SL_DP_READY) {
        return ENOTCONN;
    }
    int error = sl_conn_send_packet_out(dp->conn, dp_fresh_xid(dp), po);
    if (!error) {
        dp_count(dp->dps->tx_by_type, OFPT_PACKET_OUT);
    }
    return error;
}

uint64_t
sl_datapath_dpid(const struct sl_datapath *dp)
{
    return dp->sw.dpid;
}

void *
sl_datapath_ext(const struct sl_datapath *dp)
{
    return dp->ext;
}

void
sl_datapath_set_ext(struct sl_datapath *dp, void *ext)
{
    dp->ext = ext;
}

double
sl_datapath_ready_since(const struct sl_datapath *dp)
{
    return dp->ready_since;
}

enum sl_dp_state
sl_datapath_state(const struct sl_datapath *dp)
{
    return dp->state;
}

const struct sl_switch *
sl_datapath_switch(const struct sl_datapath *dp)
{
    return &dp->sw;
}

const struct ofp_port *
sl_datapath_port(const struct sl_datapath *dp, uint32_t port_no)
{
    bool found;
    size_t i = dp_port_index(dp, port_no, &found);
    return found ? &dp->ports[i] : NULL;
}

const char *
sl_datapath_name(const struct sl_datapath *dp)
{
    return dp->name;
}

struct sl_conn *
sl_datapath_conn(const struct sl_datapath *dp)
{
    return dp->conn;
}

uint64_t
sl_datapath_packet_in_dropped(const struct sl_datapath *dp)
{
    return dp->n_pi_dropped;
}
