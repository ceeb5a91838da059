/* conn: OpenFlow transport on libevent bufferevents; see conn.h.
 *
 * A conn is a bufferevent (a plain socket one, or an OpenSSL one running
 * the server side of the handshake) plus one event, 'close_ev', that runs
 * every close from the event loop: sl_conn_close(), EOF, errors and
 * framing errors only mark the conn closing and stop reading; 'close_ev'
 * then frees the bufferevent (closing the socket) and calls 'closed'.  A
 * flushing close arms 'close_ev' with the flush deadline and activates it
 * from the write callback once the output buffer is empty.
 *
 * TLS conns leave all I/O to the OpenSSL bufferevent.  TCP conns do the
 * hot path themselves: 'read_ev' reads large batches framed in place
 * (conn_tcp_read_cb), and output is written when a batch ends or from
 * 'flush_ev' (conn_tcp_write), the bufferevent only holding the output
 * and writing what the socket refused.
 *
 * Listeners bind IPv6 addresses with IPV6_V6ONLY, so "tcp:[::]:6653" and
 * "tcp:0.0.0.0:6653" can be configured side by side. */
#include <config.h>
#include "controller/conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include "controller/log.h"
#include "controller/util.h"
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-errors.h"

SL_LOG_MODULE(conn);

/* Input beyond which libevent stops reading the socket (back-pressure). */
#define CONN_READ_HIGH (256u * 1024)
/* How long a flushing close waits for the output to drain (seconds). */
#define CONN_FLUSH_TIMEOUT 2
/* Longest close reason kept, with the NUL. */
#define CONN_REASON_MAX 256
/* First space asked of the output buffer per message.  libevent hands out
 * the whole free tail of its last chain when that is enough, else starts a
 * chain of about twice this size, so many messages share a chain and are
 * written (and, for TLS, encrypted) in large pieces. */
#define CONN_FIRST_RESERVE 4096
/* Largest OpenFlow message. */
#define CONN_MSG_MAX 65535
/* Bytes one read() or write() may move (libevent's default is 16 KiB):
 * a busy switch's input is framed and answered in batches of thousands
 * of messages per pair of system calls. */
#define CONN_IO_CHUNK (256 * 1024)
/* Connections the kernel may queue before we accept them (it caps this
 * at net.core.somaxconn).  libevent's default is 128: a thousand switches
 * connecting at once then lose SYNs and retry a second later. */
#define CONN_LISTEN_BACKLOG 4096
/* Pause of a listener after an accept failed for lack of resources. */
#define CONN_ACCEPT_PAUSE_USEC 100000

struct sl_conn {
    struct event_base *base;
    struct bufferevent *bev; /* NULL once closed */
    struct event *close_ev;  /* Runs the deferred close. */
    struct event *read_ev;   /* TCP: our own reads (see conn_tcp_read_cb) */
    struct event *flush_ev;  /* TCP: writes output queued outside a read */
    const struct sl_conn_ops *ops;
    void *aux;

    bool tls;
    bool handshake_done; /* TLS handshake completed (always for TCP). */
    bool has_peer_sha256;
    bool closing;         /* No more input delivered, no more output. */
    bool flushing;        /* Closing once the output drains. */
    bool close_ready;     /* 'close_ev' ran before sl_conn_set_ops(). */
    bool delivering;      /* Inside the 'msg' callback. */
    bool destroy_pending; /* sl_conn_destroy() was called in 'msg'. */
    bool reading;         /* TCP: inside a read batch, which writes last. */
    bool flush_queued;    /* TCP: 'flush_ev' is active. */
    bool write_armed;     /* The bufferevent's EV_WRITE is enabled (TLS:
                           * always; TCP: while the socket is full). */

    size_t output_max;
    uint8_t *straddle;   /* A message split across input chains (TLS) or
                          * across reads (TCP) is copied here; grows to
                          * the largest such message. */
    size_t straddle_cap;
    size_t partial_len; /* TCP: bytes of a message begun in 'straddle' */
    struct evbuffer_iovec stage; /* Output space reserved, being filled */
    size_t stage_used;           /* Bytes of 'stage' filled, uncommitted */
    size_t stage_before;         /* Committed output when 'stage' opened */
    bool stage_open;             /* 'stage' is a live reservation */
    struct sl_conn_stats stats;
    uint8_t peer_sha256[32];
    char name[SL_CONN_NAME_MAX];
    char reason[CONN_REASON_MAX];
};

struct sl_listener {
    struct evconnlistener *evl;
    struct event *resume_ev; /* Re-enables accepting after a pause. */
    struct event_base *base;
    SSL_CTX *ssl_ctx; /* NULL for "tcp:". */
    sl_accept_cb *cb;
    void *aux;
    uint16_t port;
    char name[SL_CONN_NAME_MAX];
};

static void conn_begin_close(struct sl_conn *, const char *reason, bool flush);
static void conn_event_cb(struct bufferevent *, short what, void *conn_);
static void conn_tcp_read_cb(evutil_socket_t, short what, void *conn_);
static void conn_tcp_flush_cb(evutil_socket_t, short what, void *conn_);
static void conn_tcp_drained_cb(struct bufferevent *, void *conn_);
static int conn_stage_commit(struct sl_conn *);

/* ---- TLS context ---- */

int
sl_tls_no_passphrase(char *buf, int size, int rwflag, void *aux)
{
    (void) buf;
    (void) size;
    (void) rwflag;
    (void) aux;
    return 0;
}

/* Describes the oldest queued OpenSSL error (the root cause) and clears
 * the queue. */
static const char *
tls_queued_reason(void)
{
    unsigned long e = ERR_peek_error();
    const char *s = e ? ERR_reason_error_string(e) : NULL;

    ERR_clear_error();
    return s ? s : "unknown OpenSSL error";
}

/* Checks that 'path' can be opened for reading and is a regular file. */
static bool
tls_check_file(const char *path, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        sl_format_err(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    close(fd);
    if (!regular) {
        sl_format_err(err, errlen, "%s: not a regular file", path);
        return false;
    }
    return true;
}

/* Permission bits a private key file must not have: any for other users,
 * write for the group. */
#define TLS_KEY_FORBIDDEN_MODE (S_IRWXO | S_IWGRP)

int
sl_tls_check_key(const char *path, bool allow_insecure, char *err,
                 size_t errlen)
{
    struct stat st;
    const char *what;

    if (stat(path, &st) < 0) {
        int error = errno;
        sl_format_err(err, errlen, "%s: %s", path, strerror(error));
        return error;
    }
    mode_t mode = st.st_mode & 07777;
    if (!(mode & TLS_KEY_FORBIDDEN_MODE)) {
        return 0;
    }
    if (mode & S_IROTH) {
        what = "world-readable";
    } else if (mode & S_IWOTH) {
        what = "world-writable";
    } else if (mode & S_IXOTH) {
        what = "open to other users";
    } else {
        what = "group-writable";
    }
    if (allow_insecure) {
        SL_WARN("%s: private key is %s (mode %04o), used anyway: "
                "openflow.tls.allow_insecure_key is true", path, what,
                (unsigned int) mode);
        return 0;
    }
    sl_format_err(err, errlen,
                  "%s: private key is %s (mode %04o): chmod 600 it, or set "
                  "openflow.tls.allow_insecure_key: true", path, what,
                  (unsigned int) mode);
    return EPERM;
}

SSL_CTX *
sl_tls_ctx_create(const struct sl_config *cfg, char *err, size_t errlen)
{
    const char *cert = cfg->tls_certificate;
    const char *key = cfg->tls_private_key;
    const char *ca = cfg->tls_ca_certificate;

    if (!cert) {
        sl_format_err(
            err, errlen,
            "openflow.tls.certificate is required for ssl: listeners");
        return NULL;
    }
    if (!key) {
        sl_format_err(
            err, errlen,
            "openflow.tls.private_key is required for ssl: listeners");
        return NULL;
    }
    if (!ca && cfg->tls_verify_peer) {
        sl_format_err(err, errlen,
                      "openflow.tls.ca_certificate is required unless "
                      "openflow.tls.verify_peer is false");
        return NULL;
    }
    if (!tls_check_file(cert, err, errlen) ||
        !tls_check_file(key, err, errlen) ||
        (ca && !tls_check_file(ca, err, errlen))) {
        return NULL;
    }

    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        sl_format_err(err, errlen, "cannot create a TLS context: %s",
                      tls_queued_reason());
        return NULL;
    }
    SSL_CTX_set_default_passwd_cb(ctx, sl_tls_no_passphrase);
    if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
        sl_format_err(err, errlen, "cannot require TLS 1.2: %s",
                      tls_queued_reason());
        goto error;
    }
    /* A peer closing without close_notify is an EOF: OpenFlow frames its
     * own messages, so truncation is detected anyway. */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
                                 SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
        sl_format_err(err, errlen, "%s: not a PEM certificate (%s)", cert,
                      tls_queued_reason());
        goto error;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        /* OpenSSL checks the key against the certificate as it loads it. */
        unsigned long e = ERR_peek_error();

        if (ERR_GET_LIB(e) == ERR_LIB_X509 &&
            ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH) {
            ERR_clear_error();
            goto mismatch;
        }
        sl_format_err(err, errlen,
                      "%s: not an unencrypted PEM private key (%s)", key,
                      tls_queued_reason());
        goto error;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        ERR_clear_error();
        goto mismatch;
    }
    /* After the load, so that a file that is no key at all says so. */
    if (sl_tls_check_key(key, cfg->tls_allow_insecure_key, err, errlen)) {
        goto error;
    }
    if (ca) {
        if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
            sl_format_err(err, errlen, "%s: not a PEM CA certificate (%s)", ca,
                          tls_queued_reason());
            goto error;
        }
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca);
        if (!names) {
            sl_format_err(err, errlen, "%s: not a PEM CA certificate (%s)", ca,
                          tls_queued_reason());
            goto error;
        }
        SSL_CTX_set_client_CA_list(ctx, names);
    }
    if (cfg->tls_verify_peer) {
        SSL_CTX_set_verify(
            ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    static const unsigned char sid_ctx[] = "sluice";
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof sid_ctx - 1);
    ERR_clear_error();
    return ctx;

mismatch:
    sl_format_err(err, errlen,
                  "%s: private key does not match the certificate %s", key,
                  cert);
error:
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return NULL;
}

/* ---- conn: closing ---- */

/* Frees the bufferevent of 'conn'.  libevent 2.1 releases a bufferevent,
 * and closes its socket, from the loop's next pass (finalizers), so the
 * connection is shut down here first: the peer sees the close at once. */
static void
conn_free_bev(struct sl_conn *conn)
{
    if (conn->read_ev) {
        event_free(conn->read_ev);
        conn->read_ev = NULL;
    }
    if (conn->flush_ev) {
        event_free(conn->flush_ev);
        conn->flush_ev = NULL;
    }
    conn->stage_open = false; /* the reservation dies with the buffer */
    conn->stage_used = 0;
    if (conn->bev) {
        evutil_socket_t fd = bufferevent_getfd(conn->bev);

        if (fd >= 0) {
            shutdown(fd, SHUT_RDWR);
        }
        bufferevent_free(conn->bev);
        conn->bev = NULL;
    }
}

/* Runs from the event loop: frees the bufferevent and reports the close. */
static void
conn_close_cb(evutil_socket_t fd, short what, void *conn_)
{
    struct sl_conn *conn = conn_;

    (void) fd;
    if (what & EV_TIMEOUT && conn->flushing) {
        SL_DBG("%s: output not drained in %d s, closing anyway", conn->name,
               CONN_FLUSH_TIMEOUT);
    }
    event_del(conn->close_ev);
    conn->flushing = false;
    conn_free_bev(conn);
    if (!conn->ops) {
        conn->close_ready = true;
        return;
    }
    SL_DBG("%s: closed: %s", conn->name, conn->reason);
    conn->ops->closed(conn, conn->reason, conn->aux);
}

static void
conn_flush_write_cb(struct bufferevent *bev, void *conn_)
{
    struct sl_conn *conn = conn_;

    if (conn->flushing && !evbuffer_get_length(bufferevent_get_output(bev))) {
        event_active(conn->close_ev, EV_WRITE, 0);
    }
}

static void
conn_begin_close(struct sl_conn *conn, const char *reason, bool flush)
{
    if (conn->closing) {
        return;
    }
    conn->closing = true;
    snprintf(conn->reason, sizeof conn->reason, "%s",
             reason ? reason : "closed");
    if (!conn->bev) {
        event_active(conn->close_ev, 0, 0);
        return;
    }
    /* Before the TLS handshake completes nothing can be flushed, and
     * disabling reading would stall the handshake: close at once. */
    if (!conn->handshake_done) {
        event_active(conn->close_ev, 0, 0);
        return;
    }
    bufferevent_disable(conn->bev, EV_READ);
    if (conn->read_ev) {
        event_del(conn->read_ev);
    }
    if (flush && conn_stage_commit(conn)) {
        flush = false; /* out of memory: nothing sensible to flush */
    }
    if (flush && evbuffer_get_length(bufferevent_get_output(conn->bev))) {
        struct timeval tv = {CONN_FLUSH_TIMEOUT, 0};

        conn->flushing = true;
        bufferevent_setwatermark(conn->bev, EV_WRITE, 0, 0);
        bufferevent_setcb(conn->bev, NULL, conn_flush_write_cb, conn_event_cb,
                          conn);
        bufferevent_enable(conn->bev, EV_WRITE); /* TCP keeps it off */
        conn->write_armed = true;
        event_add(conn->close_ev, &tv);
    } else {
        event_active(conn->close_ev, 0, 0);
    }
}

/* The transport failed ('reason'): closes at once, also ending a flush
 * (whose own reason is kept). */
static void
conn_fail(struct sl_conn *conn, const char *reason)
{
    if (conn->flushing) {
        event_active(conn->close_ev, 0, 0);
    } else {
        conn_begin_close(conn, reason, false);
    }
}

/* ---- conn: input ---- */

/* Delivers the message of 'len' bytes at 'data'.  Returns false if the
 * connection was destroyed meanwhile (then 'conn' is gone). */
static bool
conn_deliver(struct sl_conn *conn, const uint8_t *data, size_t len)
{
    conn->stats.rx_bytes += len;
    conn->stats.rx_msgs++;
    conn->delivering = true;
    conn->ops->msg(conn, data, len, conn->aux);
    conn->delivering = false;
    if (conn->destroy_pending) {
        sl_conn_destroy(conn);
        return false;
    }
    return true;
}

/* Makes 'straddle' hold at least 'len' bytes.  Returns false (and starts
 * closing) without memory. */
static bool
conn_straddle_reserve(struct sl_conn *conn, size_t len)
{
    if (len > conn->straddle_cap) {
        size_t cap = len < 512 ? 512 : len;
        uint8_t *p = realloc(conn->straddle, cap);
        if (!p) {
            conn_begin_close(conn, "out of memory", false);
            return false;
        }
        conn->straddle = p;
        conn->straddle_cap = cap;
    }
    return true;
}

/* Stamps the arrival of input (once per read, not per message). */
static void
conn_note_rx(struct sl_conn *conn)
{
    struct timeval tv;

    event_base_gettimeofday_cached(conn->base, &tv);
    conn->stats.last_rx = (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

static void
conn_bad_length(struct sl_conn *conn, size_t len)
{
    char reason[64];

    snprintf(reason, sizeof reason, "bad message length %zu", len);
    conn_begin_close(conn, reason, false);
}

/* TLS input, from the OpenSSL bufferevent's input buffer: one message at
 * a time, in place when it lies in one chain. */
static void
conn_read_cb(struct bufferevent *bev, void *conn_)
{
    struct sl_conn *conn = conn_;
    struct evbuffer *in = bufferevent_get_input(bev);

    /* Sending from inside 'msg' can make an OpenSSL bufferevent read (and
     * call us) at once; the message being delivered is not drained yet.
     * The loop below picks up whatever arrived meanwhile. */
    if (conn->delivering) {
        return;
    }
    conn_note_rx(conn);
    while (!conn->closing) {
        size_t avail = evbuffer_get_length(in);
        uint8_t hdr[8];

        if (avail < sizeof hdr) {
            break;
        }
        evbuffer_copyout(in, hdr, sizeof hdr);
        size_t len = ofp_load_be16(hdr + 2);
        if (len < sizeof hdr) {
            conn_bad_length(conn, len);
            break;
        }
        if (avail < len) {
            break;
        }
        const uint8_t *data;
        if (evbuffer_get_contiguous_space(in) >= len) {
            /* Already contiguous: no copy, no allocation. */
            data = evbuffer_pullup(in, (ssize_t) len);
        } else {
            if (!conn_straddle_reserve(conn, len)) {
                break;
            }
            evbuffer_copyout(in, conn->straddle, len);
            data = conn->straddle;
        }
        if (!data) {
            conn_begin_close(conn, "out of memory", false);
            break;
        }
        if (!conn_deliver(conn, data, len)) {
            return;
        }
        evbuffer_drain(in, len);
    }
}

/* TCP: frames the 'n' bytes just read at 'p', in place.  A message that
 * began in an earlier read is completed in 'straddle' first; one cut by
 * the end of this read is kept there for the next.  Returns false if the
 * connection was destroyed. */
static bool
conn_tcp_input(struct sl_conn *conn, const uint8_t *p, size_t n)
{
    if (conn->partial_len) {
        size_t have = conn->partial_len;
        size_t take = have < 8 ? 8 - have : 0;

        take = take < n ? take : n;
        memcpy(conn->straddle + have, p, take);
        have += take;
        p += take;
        n -= take;
        if (have < 8) {
            conn->partial_len = have;
            return true;
        }
        size_t len = ofp_load_be16(conn->straddle + 2);
        if (len < 8) {
            conn_bad_length(conn, len);
            return true;
        }
        if (!conn_straddle_reserve(conn, len)) {
            return true;
        }
        take = len - have < n ? len - have : n;
        memcpy(conn->straddle + have, p, take);
        have += take;
        p += take;
        n -= take;
        if (have < len) {
            conn->partial_len = have;
            return true;
        }
        conn->partial_len = 0;
        if (!conn_deliver(conn, conn->straddle, len)) {
            return false;
        }
    }
    while (n >= 8 && !conn->closing) {
        size_t len = ofp_load_be16(p + 2);
        if (len < 8) {
            conn_bad_length(conn, len);
            return true;
        }
        if (n < len) {
            break;
        }
        if (!conn_deliver(conn, p, len)) {
            return false;
        }
        p += len;
        n -= len;
    }
    if (n && !conn->closing && conn_straddle_reserve(conn, n < 8 ? 8 : n)) {
        memcpy(conn->straddle, p, n);
        conn->partial_len = n;
    }
    return true;
}

/* TCP output.  The bufferevent's own writing costs two epoll_ctl() calls
 * per reply on a switch that waits for each answer: adding output arms
 * its write event, and the next pass writes and disarms it.  So for TCP
 * its EV_WRITE stays disabled and output is written here: at the end of
 * the read batch that produced it, or, when it was queued anywhere else
 * (a timer, another switch's input, the REST API), from 'flush_ev' later
 * in the same loop pass.  Only output the socket does not take arms the
 * write event, until the bufferevent has drained it (conn_tcp_drained_cb).
 * Returns false if the write failed (the connection is then closing). */
static bool
conn_tcp_write(struct sl_conn *conn)
{
    struct evbuffer *out = bufferevent_get_output(conn->bev);

    if (conn_stage_commit(conn)) {
        conn_begin_close(conn, "out of memory", false);
        return false;
    }
    if (conn->write_armed || !evbuffer_get_length(out)) {
        return true;
    }
    /* A bufferevent keeps the front of its output frozen against its
     * user; its own writer thaws it around each write, and so do we. */
    evbuffer_unfreeze(out, 1);
    int n = evbuffer_write_atmost(out, bufferevent_getfd(conn->bev),
                                  CONN_IO_CHUNK);
    int error = n < 0 ? errno : 0;
    evbuffer_freeze(out, 1);
    if (error && error != EAGAIN && error != EINTR) {
        errno = error;
        conn_event_cb(conn->bev, BEV_EVENT_WRITING | BEV_EVENT_ERROR, conn);
        return false;
    }
    if (evbuffer_get_length(out)) {
        bufferevent_enable(conn->bev, EV_WRITE);
        conn->write_armed = true;
    }
    return true;
}

static void
conn_tcp_flush_cb(evutil_socket_t fd, short what, void *conn_)
{
    struct sl_conn *conn = conn_;

    (void) fd;
    (void) what;
    conn->flush_queued = false;
    if (!conn->closing) {
        conn_tcp_write(conn);
    }
}

/* Output queued outside a read batch: written once this loop pass has
 * run what is already active, with everything else queued meanwhile. */
static void
conn_tcp_output_queued(struct sl_conn *conn)
{
    if (conn->flush_ev && !conn->reading && !conn->flush_queued) {
        conn->flush_queued = true;
        event_active(conn->flush_ev, EV_WRITE, 0);
    }
}

/* The bufferevent wrote out what the socket had refused: back to writing
 * ourselves. */
static void
conn_tcp_drained_cb(struct bufferevent *bev, void *conn_)
{
    struct sl_conn *conn = conn_;

    if (!evbuffer_get_length(bufferevent_get_output(bev))) {
        bufferevent_disable(bev, EV_WRITE);
        conn->write_armed = false;
    }
}

/* TCP input, read by us rather than by the bufferevent: libevent 2.1
 * reads at most 4 KiB per call (EVBUFFER_MAX_READ) and asks FIONREAD
 * first, two system calls per 40 or so PACKET_INs.  Here one read() moves
 * up to CONN_IO_CHUNK bytes into a per-thread buffer and the messages are
 * delivered from it in place, with no copy and no evbuffer.  The replies
 * are written at once when the batch ends: a switch waiting on one (a
 * PACKET_OUT, an ECHO_REPLY) gets it in the same loop pass. */
static void
conn_tcp_read_cb(evutil_socket_t fd, short what, void *conn_)
{
    static _Thread_local uint8_t buf[CONN_IO_CHUNK];
    struct sl_conn *conn = conn_;

    (void) what;
    if (conn->closing || conn->delivering) {
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
        conn_note_rx(conn);
        conn->reading = true;
        if (!conn_tcp_input(conn, buf, (size_t) n)) {
            return;
        }
        conn->reading = false;
        if (!conn->closing) {
            conn_tcp_output_queued(conn);
        }
    } else if (n == 0) {
        conn_event_cb(conn->bev, BEV_EVENT_READING | BEV_EVENT_EOF, conn);
    } else if (errno != EAGAIN && errno != EINTR) {
        conn_event_cb(conn->bev, BEV_EVENT_READING | BEV_EVENT_ERROR, conn);
    }
}

/* Describes a TLS failure from the errors libevent collected. */
static void
conn_tls_reason(struct sl_conn *conn, int sock_err, char *buf, size_t size)
{
    const char *prefix =
        (conn->handshake_done ? "TLS error" : "TLS handshake failed");
    unsigned long e, first = 0;
    bool verify_failed = false;

    while ((e = bufferevent_get_openssl_error(conn->bev)) != 0) {
        if (!first) {
            first = e;
        }
        if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
            ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
            verify_failed = true;
        }
    }
    ERR_clear_error();

    if (first) {
        const char *r = ERR_reason_error_string(first);
        SSL *ssl = bufferevent_openssl_get_ssl(conn->bev);
        long vr = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;

        if (!r) {
            r = "unknown OpenSSL error";
        }
        if (verify_failed && vr != X509_V_OK) {
            snprintf(buf, size, "%s: certificate verify failed (%s)", prefix,
                     X509_verify_cert_error_string(vr));
        } else {
            snprintf(buf, size, "%s: %s", prefix, r);
        }
    } else if (sock_err) {
        snprintf(buf, size, "%s: %s", prefix, strerror(sock_err));
    } else {
        snprintf(buf, size, "%s", prefix);
    }
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *conn_)
{
    struct sl_conn *conn = conn_;
    int sock_err = EVUTIL_SOCKET_ERROR();
    char reason[CONN_REASON_MAX];

    (void) bev;
    if (what & BEV_EVENT_CONNECTED) {
        conn->handshake_done = true;
        if (conn->tls) {
            SSL *ssl = bufferevent_openssl_get_ssl(conn->bev);
            X509 *cert = ssl ? SSL_get1_peer_certificate(ssl) : NULL;
            unsigned int n = 0;

            if (cert &&
                X509_digest(cert, EVP_sha256(), conn->peer_sha256, &n) &&
                n == sizeof conn->peer_sha256) {
                conn->has_peer_sha256 = true;
            }
            X509_free(cert);
            SL_DBG("%s: TLS handshake done (%s)", conn->name,
                   ssl ? SSL_get_version(ssl) : "?");
        }
        return;
    }
    if (what & BEV_EVENT_ERROR) {
        if (conn->tls) {
            static struct sl_log_rl rl = SL_LOG_RL_INIT(5, 20);
            conn_tls_reason(conn, sock_err, reason, sizeof reason);
            if (!conn->handshake_done) {
                /* An operator must act on a refused switch (wrong CA,
                 * expired certificate...): say it at warn. */
                SL_WARN_RL(&rl, "%s: refused: %s", conn->name, reason);
            }
        } else {
            snprintf(reason, sizeof reason, "connection error: %s",
                     sock_err ? strerror(sock_err) : "unknown");
        }
        conn_fail(conn, reason);
    } else if (what & BEV_EVENT_EOF) {
        conn_fail(conn, (conn->tls && !conn->handshake_done
                             ? "peer closed the connection during the TLS "
                               "handshake"
                             : "peer closed the connection"));
    }
}

/* ---- conn: life cycle ---- */

struct sl_conn *
sl_conn_create_fd(struct event_base *base, int fd, SSL_CTX *ssl_ctx,
                  const char *name)
{
    struct sl_conn *conn = calloc(1, sizeof *conn);
    if (!conn) {
        goto error_fd;
    }
    conn->base = base;
    conn->tls = ssl_ctx != NULL;
    conn->handshake_done = !conn->tls;
    conn->output_max = SL_CONN_OUTPUT_MAX;
    snprintf(conn->name, sizeof conn->name, "%s", name ? name : "?");

    conn->close_ev = event_new(base, -1, 0, conn_close_cb, conn);
    if (!conn->close_ev) {
        goto error_conn;
    }
    if (ssl_ctx) {
        SSL *ssl = SSL_new(ssl_ctx);
        if (!ssl) {
            ERR_clear_error();
            goto error_ev;
        }
        SSL_set_mode(ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        conn->bev = bufferevent_openssl_socket_new(
            base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
        if (!conn->bev) {
            SSL_free(ssl);
            goto error_ev;
        }
        bufferevent_openssl_set_allow_dirty_shutdown(conn->bev, 1);
        conn->write_armed = true; /* the OpenSSL bufferevent writes */
    } else {
        conn->read_ev = event_new(base, fd, EV_READ | EV_PERSIST,
                                  conn_tcp_read_cb, conn);
        conn->flush_ev = event_new(base, -1, 0, conn_tcp_flush_cb, conn);
        conn->bev = (conn->read_ev && conn->flush_ev
                         ? bufferevent_socket_new(base, fd,
                                                  BEV_OPT_CLOSE_ON_FREE)
                         : NULL);
        if (!conn->bev) {
            if (conn->read_ev) {
                event_free(conn->read_ev);
            }
            if (conn->flush_ev) {
                event_free(conn->flush_ev);
            }
            goto error_ev;
        }
        bufferevent_disable(conn->bev, EV_WRITE); /* see conn_tcp_write */
    }
    bufferevent_setcb(conn->bev, conn_read_cb,
                      conn->tls ? NULL : conn_tcp_drained_cb, conn_event_cb,
                      conn);
    bufferevent_setwatermark(conn->bev, EV_READ, 0, CONN_READ_HIGH);
    bufferevent_set_max_single_write(conn->bev, CONN_IO_CHUNK);
    return conn;

error_ev:
    event_free(conn->close_ev);
error_conn:
    free(conn);
error_fd:
    SL_ERR("%s: out of memory creating the connection", name ? name : "?");
    evutil_closesocket(fd);
    return NULL;
}

void
sl_conn_set_ops(struct sl_conn *conn, const struct sl_conn_ops *ops, void *aux)
{
    conn->ops = ops;
    conn->aux = aux;
    if (conn->close_ready) {
        conn->close_ready = false;
        event_active(conn->close_ev, 0, 0);
    } else if (!conn->closing && conn->read_ev) {
        event_add(conn->read_ev, NULL);
    } else if (!conn->closing && conn->bev) {
        bufferevent_enable(conn->bev, EV_READ);
    }
}

void
sl_conn_destroy(struct sl_conn *conn)
{
    if (!conn) {
        return;
    }
    if (conn->delivering) {
        /* Against the contract, but cheap to survive: finish after 'msg'
         * returns, without a 'closed' callback. */
        conn->destroy_pending = true;
        conn->closing = true;
        return;
    }
    event_free(conn->close_ev);
    conn_free_bev(conn);
    free(conn->straddle);
    free(conn);
}

void
sl_conn_close(struct sl_conn *conn, const char *reason, bool flush)
{
    conn_begin_close(conn, reason, flush);
}

bool
sl_conn_is_closing(const struct sl_conn *conn)
{
    return conn->closing;
}

/* ---- conn: output ---- */

/* Output is encoded straight into space reserved at the end of the
 * output buffer.  On a TCP conn that is writing for itself (see
 * conn_tcp_write) the reservation stays open across messages and is
 * committed once, just before the write: libevent's commit, with the
 * callbacks it runs, costs about as much as encoding a PACKET_OUT.  Where
 * the buffer may be drained behind our back (TLS, or TCP output waiting
 * for the socket) each message is committed at once. */

/* Commits what 'stage' holds.  Returns 0, or -1 without memory. */
static int
conn_stage_commit(struct sl_conn *conn)
{
    if (!conn->stage_open) {
        return 0;
    }
    conn->stage_open = false;
    if (!conn->stage_used) {
        return 0; /* an unused reservation is simply dropped */
    }
    conn->stage.iov_len = conn->stage_used;
    conn->stage_used = 0;
    return evbuffer_commit_space(bufferevent_get_output(conn->bev),
                                 &conn->stage, 1);
}

/* Makes 'stage' offer at least 'min' free bytes.  Returns false (and
 * starts closing) without memory. */
static bool
conn_stage_reserve(struct sl_conn *conn, size_t min)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);

    if (conn->stage_open && conn->stage.iov_len - conn->stage_used >= min) {
        return true;
    }
    if (conn_stage_commit(conn) ||
        evbuffer_reserve_space(bufferevent_get_output(conn->bev),
                               (ev_ssize_t) min, &conn->stage, 1) < 1) {
        SL_ERR_RL(&rl, "%s: out of memory queueing output", conn->name);
        conn_begin_close(conn, "out of memory", false);
        return false;
    }
    conn->stage_open = true;
    conn->stage_used = 0;
    /* Nothing drains the buffer while a stage stays open (see above). */
    conn->stage_before =
        evbuffer_get_length(bufferevent_get_output(conn->bev));
    return true;
}

/* 'n' bytes were written into 'stage': counts them, and commits them now
 * unless this conn writes for itself.  Returns 0 or an errno. */
static int
conn_stage_done(struct sl_conn *conn, size_t n)
{
    conn->stage_used += n;
    conn->stats.tx_bytes += n;
    conn->stats.tx_msgs++;
    if (conn->write_armed) {
        if (conn_stage_commit(conn)) {
            conn_begin_close(conn, "out of memory", false);
            return ENOMEM;
        }
    } else {
        conn_tcp_output_queued(conn);
    }
    return 0;
}

/* Checks that 'len' more bytes, about to be added to the open 'stage',
 * fit under the output cap; if not, closes. */
static int
conn_check_room(struct sl_conn *conn, size_t len)
{
    size_t queued = conn->stage_before + conn->stage_used;

    if (queued + len > conn->output_max) {
        static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);

        SL_WARN_RL(&rl, "%s: %zu bytes queued, peer is not reading",
                   conn->name, queued);
        conn_begin_close(conn, "peer is not reading", false);
        return ENOBUFS;
    }
    return 0;
}

/* Encodes a message with 'encode' into the open stage, retrying once with
 * room for the largest message if it did not fit.  Returns as
 * sl_conn_send(); 'type' names the message in the error log. */
static int
conn_send_encoded(struct sl_conn *conn,
                  enum ofperr (*encode)(struct ofp_wbuf *, const void *),
                  const void *arg, uint8_t type)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);

    if (conn->closing || !conn->bev) {
        return EPIPE;
    }

    struct ofp_wbuf wb;
    enum ofperr error;

    if (!conn_stage_reserve(conn, CONN_FIRST_RESERVE)) {
        return ENOMEM;
    }
    ofp_wbuf_use_fixed(&wb, (uint8_t *) conn->stage.iov_base + conn->stage_used,
                       conn->stage.iov_len - conn->stage_used);
    error = encode(&wb, arg);
    if (error && wb.overflow &&
        conn->stage.iov_len - conn->stage_used < CONN_MSG_MAX) {
        if (!conn_stage_reserve(conn, CONN_MSG_MAX)) {
            return ENOMEM;
        }
        ofp_wbuf_use_fixed(&wb, conn->stage.iov_base, conn->stage.iov_len);
        error = encode(&wb, arg);
    }
    if (error) {
        const char *name = ofp_type_name(type);

        SL_ERR_RL(&rl, "%s: cannot encode %s message (type %u): %s",
                  conn->name, name ? name : "unknown", type,
                  ofperr_name(error));
        return EINVAL;
    }

    int room = conn_check_room(conn, wb.len);
    if (room) {
        return room;
    }
    return conn_stage_done(conn, wb.len);
}

static enum ofperr
conn_encode_msg(struct ofp_wbuf *out, const void *msg)
{
    return ofp_msg_encode(out, msg);
}

int
sl_conn_send(struct sl_conn *conn, const struct ofp_msg *msg)
{
    return conn_send_encoded(conn, conn_encode_msg, msg, msg->type);
}

/* A PACKET_OUT and its xid, for conn_encode_packet_out(). */
struct conn_packet_out {
    uint32_t xid;
    const struct ofp_packet_out *po;
};

static enum ofperr
conn_encode_packet_out(struct ofp_wbuf *out, const void *arg)
{
    const struct conn_packet_out *cpo = arg;

    return ofp_packet_out_encode(out, cpo->xid, cpo->po);
}

int
sl_conn_send_packet_out(struct sl_conn *conn, uint32_t xid,
                        const struct ofp_packet_out *po)
{
    struct conn_packet_out cpo = {xid, po};

    return conn_send_encoded(conn, conn_encode_packet_out, &cpo,
                             OFPT_PACKET_OUT);
}

int
sl_conn_send_raw(struct sl_conn *conn, const void *data, size_t len)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);

    if (conn->closing || !conn->bev) {
        return EPIPE;
    }
    if (len < 8 || len > CONN_MSG_MAX ||
        ofp_load_be16((const uint8_t *) data + 2) != len) {
        SL_ERR_RL(&rl,
                  "%s: refusing to send %zu raw bytes that are not "
                  "one whole message",
                  conn->name, len);
        return EINVAL;
    }

    if (!conn_stage_reserve(conn, len)) {
        return ENOMEM;
    }
    int room = conn_check_room(conn, len);
    if (room) {
        return room;
    }
    memcpy((uint8_t *) conn->stage.iov_base + conn->stage_used, data, len);
    return conn_stage_done(conn, len);
}

/* ---- conn: queries ---- */

const char *
sl_conn_name(const struct sl_conn *conn)
{
    return conn->name;
}

bool
sl_conn_is_tls(const struct sl_conn *conn)
{
    return conn->tls;
}

bool
sl_conn_peer_sha256(const struct sl_conn *conn, uint8_t out[32])
{
    if (!conn->has_peer_sha256) {
        return false;
    }
    memcpy(out, conn->peer_sha256, sizeof conn->peer_sha256);
    return true;
}

const struct sl_conn_stats *
sl_conn_stats(const struct sl_conn *conn)
{
    return &conn->stats;
}

size_t
sl_conn_output_len(const struct sl_conn *conn)
{
    return conn->bev ? evbuffer_get_length(bufferevent_get_output(conn->bev)) +
                           conn->stage_used
                     : 0;
}

void
sl_conn_set_output_max(struct sl_conn *conn, size_t max)
{
    conn->output_max = max;
}

/* ---- listeners ---- */

/* Formats "tcp:1.2.3.4:6653" / "ssl:[::1]:6653". */
static void
format_name(char *buf, size_t size, bool tls, bool ipv6, const char *addr,
            unsigned int port)
{
    snprintf(buf, size, ipv6 ? "%s:[%s]:%u" : "%s:%s:%u", tls ? "ssl" : "tcp",
             addr, port);
}

static void
listener_accept_cb(struct evconnlistener *evl, evutil_socket_t fd,
                   struct sockaddr *sa, int socklen, void *l_)
{
    struct sl_listener *l = l_;
    char addr[INET6_ADDRSTRLEN] = "?";
    char name[SL_CONN_NAME_MAX];
    unsigned int port = 0;
    bool ipv6 = false;
    int one = 1;

    (void) evl;
    if (sa->sa_family == AF_INET &&
        (size_t) socklen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) sa;
        inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof addr);
        port = ntohs(sin->sin_port);
    } else if (sa->sa_family == AF_INET6 &&
               (size_t) socklen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) sa;
        inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof addr);
        port = ntohs(sin6->sin6_port);
        ipv6 = true;
    }
    format_name(name, sizeof name, l->ssl_ctx != NULL, ipv6, addr, port);

    if (evutil_make_socket_nonblocking(fd) ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one)) {
        static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);

        SL_WARN_RL(&rl, "%s: cannot set up accepted socket %s: %s", l->name,
                   name, strerror(errno));
        evutil_closesocket(fd);
        return;
    }
    struct sl_conn *conn = sl_conn_create_fd(l->base, fd, l->ssl_ctx, name);
    if (conn) {
        SL_DBG("%s: accepted %s", l->name, name);
        l->cb(conn, l->aux);
    }
}

static void
listener_resume_cb(evutil_socket_t fd, short what, void *l_)
{
    struct sl_listener *l = l_;

    (void) fd;
    (void) what;
    evconnlistener_enable(l->evl);
}

static void
listener_error_cb(struct evconnlistener *evl, void *l_)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);
    struct sl_listener *l = l_;
    int error = EVUTIL_SOCKET_ERROR();

    SL_WARN_RL(&rl, "%s: accept failed: %s", l->name, strerror(error));
    if (error == EMFILE || error == ENFILE || error == ENOBUFS ||
        error == ENOMEM) {
        /* The pending connection stays queued: retrying at once would
         * spin.  Pause, keep the socket, try again shortly. */
        struct timeval tv = {0, CONN_ACCEPT_PAUSE_USEC};

        evconnlistener_disable(evl);
        evtimer_add(l->resume_ev, &tv);
    }
}

struct sl_listener *
sl_listener_create(struct event_base *base,
                   const struct sl_config_listener *cl, SSL_CTX *ssl_ctx,
                   sl_accept_cb *cb, void *aux, char *err, size_t errlen)
{
    bool tls = cl->kind == SL_CONFIG_LISTEN_SSL;
    struct sockaddr_storage ss;
    socklen_t sslen;
    char name[SL_CONN_NAME_MAX];

    format_name(name, sizeof name, tls, cl->ipv6, cl->address, cl->port);
    if (tls && !ssl_ctx) {
        sl_format_err(err, errlen, "%s: no TLS context", name);
        return NULL;
    }

    memset(&ss, 0, sizeof ss);
    if (cl->ipv6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(cl->port);
        sslen = sizeof *sin6;
        if (inet_pton(AF_INET6, cl->address, &sin6->sin6_addr) != 1) {
            sl_format_err(err, errlen, "%s: bad IPv6 address", name);
            return NULL;
        }
    } else {
        struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(cl->port);
        sslen = sizeof *sin;
        if (inet_pton(AF_INET, cl->address, &sin->sin_addr) != 1) {
            sl_format_err(err, errlen, "%s: bad IPv4 address", name);
            return NULL;
        }
    }

    struct sl_listener *l = calloc(1, sizeof *l);
    if (!l) {
        sl_format_err(err, errlen, "%s: %s", name, strerror(ENOMEM));
        return NULL;
    }
    l->base = base;
    l->ssl_ctx = tls ? ssl_ctx : NULL;
    l->cb = cb;
    l->aux = aux;
    memcpy(l->name, name, sizeof l->name);
    l->resume_ev = evtimer_new(base, listener_resume_cb, l);
    if (!l->resume_ev) {
        sl_format_err(err, errlen, "%s: %s", name, strerror(ENOMEM));
        goto error;
    }

    unsigned int flags =
        (LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC);
    if (cl->ipv6) {
        flags |= LEV_OPT_BIND_IPV6ONLY;
    }
    errno = 0;
    l->evl = evconnlistener_new_bind(base, listener_accept_cb, l, flags,
                                     CONN_LISTEN_BACKLOG,
                                     (struct sockaddr *) &ss, (int) sslen);
    if (!l->evl) {
        sl_format_err(err, errlen, "%s: %s", name,
                      strerror(errno ? errno : EINVAL));
        goto error;
    }
    evconnlistener_set_error_cb(l->evl, listener_error_cb);

    socklen_t len = sizeof ss;
    if (getsockname(evconnlistener_get_fd(l->evl), (struct sockaddr *) &ss,
                    &len)) {
        sl_format_err(err, errlen, "%s: %s", name, strerror(errno));
        goto error;
    }
    l->port = ntohs(ss.ss_family == AF_INET6
                        ? ((struct sockaddr_in6 *) &ss)->sin6_port
                        : ((struct sockaddr_in *) &ss)->sin_port);
    SL_DBG("%s: listening on port %u", l->name, l->port);
    return l;

error:
    sl_listener_destroy(l);
    return NULL;
}

void
sl_listener_destroy(struct sl_listener *l)
{
    if (!l) {
        return;
    }
    if (l->evl) {
        evconnlistener_free(l->evl);
    }
    if (l->resume_ev) {
        event_free(l->resume_ev);
    }
    free(l);
}

uint16_t
sl_listener_port(const struct sl_listener *l)
{
    return l->port;
}

const char *
sl_listener_name(const struct sl_listener *l)
{
    return l->name;
}
