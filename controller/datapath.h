/* datapath: one switch's OpenFlow session, from HELLO to READY, and the
 * set of all sessions.
 *
 * Sits on a 'struct sl_conn' (conn.h) and under the controller glue
 * (controller.c), which hands it the callbacks below.  Per session:
 *
 *   HELLO     send HELLO (version bitmap: 1.3 only); wait for the peer's.
 *             Its bitmap (or, without one, its header version >= 0x04)
 *             must offer 1.3, else OFPET_HELLO_FAILED/INCOMPATIBLE and a
 *             close.
 *   FEATURES  send FEATURES_REQUEST; the reply gives the datapath id.  A
 *             pinned dpid must present the pinned certificate, and a
 *             certificate pinned to another dpid is refused.  A session
 *             already holding that dpid is closed ("replaced").
 *   CONFIG    send SET_CONFIG (miss_send_len = OFPCML_NO_BUFFER), PORT_DESC
 *             and DESC requests; wait for both replies (multi-part port
 *             lists accumulate).
 *   READY     'ready' callback; then every message goes to the 'msg'
 *             callback, except what the session answers itself
 *             (ECHO_REQUEST) or absorbs (ECHO_REPLY).  PORT_STATUS updates
 *             the port table before it is passed on.  PACKET_INs beyond
 *             the budget (token bucket: 'packet_in_rate' per second, burst
 *             of one second) are dropped and counted.
 *
 * The handshake must finish within SL_DP_HANDSHAKE_TIMEOUT seconds (or the
 * configured 'handshake_timeout').  Echo keepalive (from the peer's HELLO
 * on): when nothing was received for 'echo_interval' seconds an
 * ECHO_REQUEST is sent, and another one each further silent interval; any
 * message received counts as an answer.  When 'echo_misses' requests in a
 * row went unanswered for one more interval the peer is declared dead and
 * closed ("no echo reply for N s").  So a silent peer is closed
 * echo_interval x (echo_misses + 1) seconds after the last message it sent
 * (plus timer latency), never earlier.
 *
 * Every message is decoded once here (ofp_msg_decode into a per-session
 * arena reset per message: no malloc per message).  A message that does
 * not decode gets an OFPT_ERROR with the decoder's code and the first 64
 * bytes (rate-limited log); a message of a type a switch never sends
 * (FLOW_MOD, a request...) gets OFPBRC_BAD_TYPE; a message other than HELLO
 * before the HELLO exchange, or a wrong version, closes the session.
 *
 * Nothing here blocks or allocates per message; a session frees all it owns
 * in one place: when its conn's 'closed' callback runs (or at
 * sl_datapaths_uninit()). */
#ifndef CONTROLLER_DATAPATH_H
#define CONTROLLER_DATAPATH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>
#include "controller/conn.h"
#include "controller/hmap.h"
#include "controller/list.h"
#include "sluice/event.h"

#define SL_DP_HANDSHAKE_TIMEOUT 10.0
/* miss_send_len sent in SET_CONFIG. */
#define SL_DP_MISS_SEND_LEN 0xffff

struct sl_datapath;

enum sl_dp_state {
    SL_DP_HELLO,
    SL_DP_FEATURES,
    SL_DP_CONFIG,
    SL_DP_READY,
    SL_DP_DEAD,     /* closing; waiting for the conn's 'closed' */
};

/* What the controller glue does with sessions. */
struct sl_dp_ops {
    /* The handshake finished: 'sw' is complete. */
    void (*ready)(struct sl_datapath *dp, void *aux);
    /* A decoded message from a READY session (see above for what is not
     * passed on).  'pkt' is the parsed frame of a PACKET_IN (NULL for
     * other types or when not Ethernet), parsed to L2 only when
     * 'packet_l2_only' is set.  'msg' and 'pkt' are valid during
     * the call only. */
    void (*msg)(struct sl_datapath *dp, const struct ofp_msg *msg,
                const struct ofp_packet *pkt, void *aux);
    /* The session ended after 'ready' was called ('reason' says why).  The
     * session is still findable during the call and freed right after.
     * For a session replaced by a new connection with the same dpid,
     * 'down' is called at once, from the new session's FEATURES_REPLY,
     * before the new one is registered (so 'down' of the old always comes
     * before 'ready' of the new); the old one is freed once its conn has
     * closed. */
    void (*down)(struct sl_datapath *dp, const char *reason, void *aux);
};

/* Settings read from the config (sl_datapaths_configure()).
 * sl_datapaths_init() starts with the defaults of DESIGN.md: echo_interval
 * 5, echo_misses 3, packet_in_rate 1000, no pins. */
struct sl_dp_settings {
    double echo_interval;        /* seconds; <= 0 turns keepalive off */
    unsigned int echo_misses;
    unsigned int packet_in_rate; /* per second; 0 = unlimited */
    const struct sl_config_pin *pins;  /* borrowed */
    size_t n_pins;
    double handshake_timeout;    /* seconds; 0 = SL_DP_HANDSHAKE_TIMEOUT
                                  * (added by datapath.c's owner) */
};

/* The set of sessions. */
struct sl_datapaths {
    struct event_base *base;
    const struct sl_dp_ops *ops;
    void *aux;
    struct sl_dp_settings settings;
    struct sl_list all;          /* every session, handshaking too */
    struct sl_hmap by_dpid;      /* sessions past FEATURES */
    struct sl_datapath *last_found; /* sl_datapaths_find()'s one-entry
                                     * cache: apps answer the switch that
                                     * spoke, so most lookups repeat */
    size_t n_ready;
    /* PACKET_IN frames are parsed to L2 only (ofp_packet_parse_l2()),
     * for readers that complete them when they need more; false (the
     * default): parsed whole. */
    bool packet_l2_only;
    /* Counters (for metrics and logs). */
    uint64_t n_accepted, n_replaced, n_handshake_timeouts, n_dead_peers,
        n_decode_errors, n_packet_in_dropped;
    /* Messages by OpenFlow type, every session and state: [type] for
     * types below SL_DP_N_TYPES, [SL_DP_N_TYPES] for the others.  Errors
     * received by error type: [type] below SL_DP_N_ERR_TYPES - 1, the last
     * for the others (experimenter). */
#define SL_DP_N_TYPES 30
#define SL_DP_N_ERR_TYPES 15
    uint64_t rx_by_type[SL_DP_N_TYPES + 1];
    uint64_t tx_by_type[SL_DP_N_TYPES + 1];
    uint64_t rx_errors_by_type[SL_DP_N_ERR_TYPES];
};

void sl_datapaths_init(struct sl_datapaths *dps, struct event_base *base,
                       const struct sl_dp_ops *ops, void *aux);
/* Applies new settings (takes effect for timers from their next tick; a
 * changed 'echo_interval' restarts the keepalive timers at once, so a long
 * old interval does not delay a short new one).  'pins' must stay valid
 * until the next call or uninit. */
void sl_datapaths_configure(struct sl_datapaths *dps,
                            const struct sl_dp_settings *settings);
/* Destroys every session without calling 'down' (shutdown). */
void sl_datapaths_uninit(struct sl_datapaths *dps);

/* Starts a session on 'conn' (ownership passes to the session): sets the
 * conn's ops, sends HELLO, arms the handshake deadline. */
struct sl_datapath *sl_datapath_create(struct sl_datapaths *dps,
                                       struct sl_conn *conn);
/* Closes the session: 'down' is called later (if it was READY) and the
 * session freed.  'reason' is logged. */
void sl_datapath_close(struct sl_datapath *dp, const char *reason);

/* Returns the READY session of 'dpid', or NULL.  "READY" here means: from
 * its 'ready' callback until its 'down' callback has returned, so a session
 * that is closing but whose 'down' has not run yet is still found (sending
 * to it fails with ENOTCONN). */
struct sl_datapath *sl_datapaths_find(struct sl_datapaths *dps,
                                      uint64_t dpid);
/* Stores up to 'max' dpids of READY sessions in 'dpids', sorted; returns
 * how many are READY. */
size_t sl_datapaths_list(const struct sl_datapaths *dps, uint64_t *dpids,
                         size_t max);

/* Sends 'msg' (borrowed, left unchanged) with a fresh xid instead of its
 * own (returned in '*xid' if non-NULL).  Returns 0 or an errno from
 * sl_conn_send() (ENOTCONN if the session is not READY and the message is
 * not part of the handshake). */
int sl_datapath_send(struct sl_datapath *dp, const struct ofp_msg *msg,
                     uint32_t *xid);

/* Sends PACKET_OUT 'po' as sl_datapath_send() would a message holding it,
 * without building one (the answer to nearly every PACKET_IN). */
int sl_datapath_packet_out(struct sl_datapath *dp,
                           const struct ofp_packet_out *po);

/* The datapath id (0 until the FEATURES_REPLY). */
uint64_t sl_datapath_dpid(const struct sl_datapath *dp);
/* Where the session stands in the state machine. */
enum sl_dp_state sl_datapath_state(const struct sl_datapath *dp);
/* The switch as plugins see it (complete once READY). */
const struct sl_switch *sl_datapath_switch(const struct sl_datapath *dp);
/* Port 'port_no', or NULL. */
const struct ofp_port *sl_datapath_port(const struct sl_datapath *dp,
                                        uint32_t port_no);
/* "0x0000000000000001" once the datapath id is known, before that the
 * peer's name ("tcp:127.0.0.1:40312").  Owned by the session. */
const char *sl_datapath_name(const struct sl_datapath *dp);
/* The session's conn (owned by the session). */
struct sl_conn *sl_datapath_conn(const struct sl_datapath *dp);
/* A pointer the service above the controller (the topology) keeps with the
 * session, for O(1) access from its hooks; NULL until set.  The session
 * never dereferences it. */
void *sl_datapath_ext(const struct sl_datapath *dp);
void sl_datapath_set_ext(struct sl_datapath *dp, void *ext);

/* Wall-clock time (seconds since the epoch) of the 'ready' callback. */
double sl_datapath_ready_since(const struct sl_datapath *dp);
/* Packet-ins dropped by this session's budget. */
uint64_t sl_datapath_packet_in_dropped(const struct sl_datapath *dp);

#endif /* CONTROLLER_DATAPATH_H */
