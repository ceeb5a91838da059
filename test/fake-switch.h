/* fake-switch: scripted OpenFlow 1.3 switches for the controller tests
 * (test-datapath, test-xact).
 *
 * A fake switch is a socketpair (or, with TLS contexts, a TLS session over
 * it) whose controller end is wrapped by sl_conn_create_fd() and handed to
 * sl_datapath_create() of the test's 'struct sl_datapaths', and whose switch
 * end is a bufferevent in the test's event loop.  What the controller sends
 * is queued raw; the test takes it in order with fsw_next()/fsw_expect()
 * (decoded with ofp_msg_decode()) and answers with fsw_send()
 * (ofp_msg_encode()d) or fsw_send_raw().  Every wait runs the loop until
 * its condition holds, bounded by FSW_STEP_TIMEOUT; a failed wait or a
 * failed step fails the running libcheck test.
 *
 * The switches live in a fixed table reset by fsw_init() and freed by
 * fsw_uninit(); the test fixture calls both (after sl_datapaths_init(),
 * after sl_datapaths_uninit()) and arms a periodic no-op timer
 * (test_loop_tick_cb) so waits re-check their condition. */
#ifndef TEST_FAKE_SWITCH_H
#define TEST_FAKE_SWITCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/ssl.h>
#include "controller/datapath.h"
#include "ofproto/ofp-msgs.h"

/* How long a step may take before the test fails (generous: valgrind). */
#define FSW_STEP_TIMEOUT 5.0
/* Fake switches per test. */
#define FSW_MAX 4

/* One message from the controller, as received. */
struct fsw_rx {
    uint8_t *data;
    size_t len;
};

struct fsw {
    struct bufferevent *bev;
    struct sl_datapath *dp; /* the controller's session (while alive) */
    struct fsw_rx *rx;
    size_t n_rx, cap_rx;
    size_t next;    /* first message not yet consumed */
    bool closed;    /* EOF or error seen */
    bool connected; /* TLS handshake done (always true for TCP) */
    bool auto_echo; /* answer ECHO_REQUESTs by itself */
    int n_echo_requests;
    uint32_t hs_xids[4]; /* xids of FEATURES_REQUEST, SET_CONFIG, PORT_DESC
                          * and DESC requests of the last handshake */
};

/* Starts a test: the switches connect to 'dps', whose loop is 'base'.  Both
 * stay the test's. */
void fsw_init(struct event_base *base, struct sl_datapaths *dps);
/* Frees every fake switch (their bufferevents close the switch ends) and
 * what they received. */
void fsw_uninit(void);

/* Connects a new fake switch named 'name' (the conn's peer name).  With
 * 'server_ctx' the controller side runs TLS and the switch uses
 * 'client_ctx' (the SSL takes its own reference).  The switch is owned by
 * the table. */
struct fsw *fsw_connect(const char *name, SSL_CTX *server_ctx,
                        SSL_CTX *client_ctx);

/* Sends 'len' bytes of 'data' as they are. */
void fsw_send_raw(struct fsw *s, const void *data, size_t len);
/* Encodes and sends 'msg' (its own xid). */
void fsw_send(struct fsw *s, const struct ofp_msg *msg);

/* Waits for the next message from the controller and decodes it into
 * 'msg' (valid until the next decode); returns its raw form (owned by
 * 's'). */
const struct fsw_rx *fsw_next(struct fsw *s, struct ofp_msg *msg);
/* Like fsw_next() and checks the type. */
const struct fsw_rx *fsw_expect(struct fsw *s, uint8_t type,
                                struct ofp_msg *msg);
/* Waits until the controller closed the connection; forgets 's->dp'. */
void fsw_expect_closed(struct fsw *s);

/* Sends a HELLO of 'version' with a version bitmap element holding
 * '*bitmap', or with no element when 'bitmap' is NULL (xid 77). */
void fsw_send_hello(struct fsw *s, uint8_t version, const uint32_t *bitmap);
/* Sends a FEATURES_REPLY for 'dpid' (auxiliary id 'aux_id'). */
void fsw_send_features(struct fsw *s, uint32_t xid, uint64_t dpid,
                       uint8_t aux_id);
/* A port 'no' named 'name' (10 Gb/s, MAC ending in 'no'). */
struct ofp_port fsw_make_port(uint32_t no, const char *name);
/* Sends one PORT_DESC reply part with 'n' of 'ports'. */
void fsw_send_port_desc(struct fsw *s, uint32_t xid, struct ofp_port *ports,
                        size_t n, bool more);
/* Sends a DESC reply ("Fake Inc." "Test Switch" "1.2.3" "SN42" "bench"). */
void fsw_send_desc(struct fsw *s, uint32_t xid);
/* Sends a PORT_STATUS 'reason' for port 'no' named 'name' (as
 * fsw_make_port() makes it), its link down when 'link_down'. */
void fsw_send_port_status(struct fsw *s, uint8_t reason, uint32_t no,
                          const char *name, bool link_down);

/* HELLO exchange: checks the controller's HELLO, answers with a 1.3 one and
 * waits for the FEATURES_REQUEST (its xid in '*xid'). */
void fsw_hello(struct fsw *s, uint32_t *xid);
/* After the FEATURES_REPLY: checks SET_CONFIG and answers PORT_DESC (two
 * parts, out of order: 3, LOCAL, then 1, 2) and DESC. */
void fsw_config(struct fsw *s);
/* A whole handshake up to READY for 'dpid': returns once 's->dp' is the
 * READY session of 'dpid' (its 'ready' callback has run). */
void fsw_handshake(struct fsw *s, uint64_t dpid);

/* ---- what the controller logged ---- */

/* Captures every log line of the controller code from now on (forgetting
 * earlier ones), with a log clock a second later at each reading, so that
 * rate limits never hide a line. */
void fsw_logs_capture(void);
/* Returns true if one captured line contains 'a' and, unless NULL, 'b'. */
bool fsw_log_has(const char *a, const char *b);

#endif /* TEST_FAKE_SWITCH_H */
