/* conn: OpenFlow transport -- listeners, TCP and TLS sessions, framing and
 * batched output.
 *
 * Sits between libevent (bufferevents, OpenSSL bufferevents) and the
 * datapath state machine (datapath.c).  A listener accepts "tcp:" or "ssl:"
 * connections and hands each new 'struct sl_conn' to its owner; the conn
 * cuts the byte stream into OpenFlow messages by ofp_header.length and
 * hands each whole message to the owner's 'msg' callback as raw bytes (the
 * owner decodes them).  Knows nothing of OpenFlow beyond the 8-byte header.
 *
 * Framing: a header whose length is < 8 is a framing error (the stream
 * cannot be resynchronised): the conn closes with a reason.  Length is at
 * most 65535 by construction, which is the maximum message size.
 *
 * Output is batched: sl_conn_send() encodes straight into the bufferevent's
 * output buffer (no copy, no allocation once the buffer's chains exist) and
 * libevent writes everything queued in one pass of the loop.  Output above
 * SL_CONN_OUTPUT_MAX bytes means the peer does not read: the conn closes.
 *
 * Closing is always deferred: sl_conn_close() (or an error, EOF, a framing
 * error) stops delivering messages at once, and the 'closed' callback runs
 * later from the event loop, never from inside a call into this module.
 * The owner destroys the conn in (or after) 'closed'.
 *
 * TLS: sl_tls_ctx_create() builds the server SSL_CTX from the config: TLS
 * 1.2 or later, certificate and private key (checked to match, and the key
 * file checked to be private: sl_tls_check_key()), CA file,
 * and peer verification (a client certificate chaining to the CA is
 * required unless verify_peer is false).  A failed handshake closes the
 * conn with a reason naming the verification error. */
#ifndef CONTROLLER_CONN_H
#define CONTROLLER_CONN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>
#include <openssl/ssl.h>
#include "controller/config.h"
#include "ofproto/ofp-msgs.h"

/* Queued output beyond which a peer is considered stuck (bytes). */
#define SL_CONN_OUTPUT_MAX (64u * 1024 * 1024)
/* Longest peer name, e.g. "ssl:[ffff:...:ffff]:65535", with the NUL. */
#define SL_CONN_NAME_MAX 64

struct sl_conn;
struct sl_listener;

/* Callbacks to the owner of a conn. */
struct sl_conn_ops {
    /* One whole message of 'len' bytes (>= 8, == its header's length) at
     * 'data', valid during the call only.  The owner may call
     * sl_conn_send() and sl_conn_close() here (no later message is
     * delivered after a close). */
    void (*msg)(struct sl_conn *conn, const uint8_t *data, size_t len,
                void *aux);
    /* The conn is closed: 'reason' says why in a few words ("peer closed
     * the connection", "TLS handshake failed: certificate verify failed",
     * "bad message length 4", the reason given to sl_conn_close()...).
     * Called exactly once.  The owner may destroy the conn here. */
    void (*closed)(struct sl_conn *conn, const char *reason, void *aux);
};

/* Called by a listener for each accepted connection.  The callee takes
 * ownership of 'conn' and must call sl_conn_set_ops() before returning
 * (or destroy it). */
typedef void sl_accept_cb(struct sl_conn *conn, void *aux);

/* Checks that the private key file 'path' is private: no permission at
 * all for other users and no write permission for its group (mode & 027
 * is 0; 0600 and 0640 pass, 0644, 0660 and 0602 do not).  Uses stat(), so
 * it works without read permission (after the daemon dropped its
 * privileges, on reload).  Returns 0 if the key is private; 0 too if it is
 * not but 'allow_insecure' is true (openflow.tls.allow_insecure_key), after
 * logging a warning; EPERM if it is not, with "PATH: private key is
 * world-readable (mode 0644): chmod 600 it, or set
 * openflow.tls.allow_insecure_key: true" in 'err'; or the errno of a
 * failed stat() with "PATH: strerror" in 'err'. */
int sl_tls_check_key(const char *path, bool allow_insecure, char *err,
                     size_t errlen);

/* An OpenSSL passphrase callback (SSL_CTX_set_default_passwd_cb()) that
 * refuses: keys are never passphrase-protected here, and a daemon must not
 * prompt on a terminal. */
int sl_tls_no_passphrase(char *buf, int size, int rwflag, void *aux);

/* Builds the server-side TLS context from 'cfg' (its tls_* fields).
 * Returns it, or NULL with a one-line reason in 'err' naming the file and
 * what is wrong ("/etc/sluice/c.key: private key does not match the
 * certificate /etc/sluice/c.crt").  The private key must pass
 * sl_tls_check_key() (with cfg->tls_allow_insecure_key).  Free with
 * SSL_CTX_free(). */
SSL_CTX *sl_tls_ctx_create(const struct sl_config *cfg, char *err,
                           size_t errlen);

/* Binds and listens on 'l' ("ssl:" needs 'ssl_ctx', borrowed, which must
 * outlive the listener) and calls 'cb' with 'aux' for each accepted
 * connection.  Returns the listener, or NULL with "tcp:0.0.0.0:6653:
 * Address already in use" in 'err'. */
struct sl_listener *sl_listener_create(struct event_base *base,
                                       const struct sl_config_listener *l,
                                       SSL_CTX *ssl_ctx, sl_accept_cb *cb,
                                       void *aux, char *err, size_t errlen);
/* Stops listening and frees 'l' (NULL is ignored).  Accepted conns are not
 * affected. */
void sl_listener_destroy(struct sl_listener *l);
/* The local port 'l' is bound to (useful after binding port 0). */
uint16_t sl_listener_port(const struct sl_listener *l);
/* "tcp:0.0.0.0:6653" as configured. */
const char *sl_listener_name(const struct sl_listener *l);

/* Wraps the connected socket 'fd' (ownership passes to the conn, closed on
 * destroy) as a conn.  With 'ssl_ctx' non-NULL the conn runs the server
 * side of a TLS handshake first.  'name' names the peer in logs.  The conn
 * delivers nothing until sl_conn_set_ops().  Returns NULL (and closes
 * 'fd') only on out-of-memory.  Listeners use this; tests may too. */
struct sl_conn *sl_conn_create_fd(struct event_base *base, int fd,
                                  SSL_CTX *ssl_ctx, const char *name);
/* Sets the owner's callbacks and starts reading. */
void sl_conn_set_ops(struct sl_conn *conn, const struct sl_conn_ops *ops,
                     void *aux);
/* Frees 'conn' and closes its socket at once, dropping unsent output, with
 * no 'closed' callback.  NULL is ignored.  Safe inside 'closed'; inside
 * 'msg' use sl_conn_close(). */
void sl_conn_destroy(struct sl_conn *conn);

/* Encodes 'msg' into the output buffer.  Returns 0; EPIPE if the conn is
 * closing; EINVAL if the message does not encode (logged, rate-limited);
 * ENOBUFS if output would exceed SL_CONN_OUTPUT_MAX (the conn is then
 * closing, reason "peer is not reading"); ENOMEM if memory ran out (the
 * conn is then closing). */
int sl_conn_send(struct sl_conn *conn, const struct ofp_msg *msg);
/* Encodes PACKET_OUT 'po' with 'xid' into the output buffer, as
 * sl_conn_send() would a message holding it, in one step (the hot path's
 * answer to a PACKET_IN).  Returns as sl_conn_send(). */
int sl_conn_send_packet_out(struct sl_conn *conn, uint32_t xid,
                            const struct ofp_packet_out *po);
/* Queues 'len' raw bytes (already a whole message).  Returns as
 * sl_conn_send(). */
int sl_conn_send_raw(struct sl_conn *conn, const void *data, size_t len);

/* Stops reading and closes: with 'flush', after queued output is written
 * (at most 2 s), else at once.  'reason' (copied) is handed to 'closed'.
 * A second call is ignored. */
void sl_conn_close(struct sl_conn *conn, const char *reason, bool flush);
bool sl_conn_is_closing(const struct sl_conn *conn);

/* "tcp:127.0.0.1:40312" / "ssl:[::1]:40312". */
const char *sl_conn_name(const struct sl_conn *conn);
bool sl_conn_is_tls(const struct sl_conn *conn);
/* Stores the SHA-256 of the peer's certificate (DER) in 'out'.  Returns
 * false if there is none (TCP, or TLS before the handshake completed). */
bool sl_conn_peer_sha256(const struct sl_conn *conn, uint8_t out[32]);

/* Byte and message counters. */
struct sl_conn_stats {
    uint64_t rx_bytes, rx_msgs;
    uint64_t tx_bytes, tx_msgs;
    double last_rx; /* the loop's cached time (seconds) of the last read
                     * that brought input; 0 before any */
};
const struct sl_conn_stats *sl_conn_stats(const struct sl_conn *conn);
/* Bytes queued for output. */
size_t sl_conn_output_len(const struct sl_conn *conn);

/* Sets the output cap of 'conn' to 'max' bytes in place of
 * SL_CONN_OUTPUT_MAX (which every conn starts with).  Meant for tests of
 * the "peer is not reading" path. */
void sl_conn_set_output_max(struct sl_conn *conn, size_t max);

#endif /* CONTROLLER_CONN_H */
