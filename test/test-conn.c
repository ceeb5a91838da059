/* test-conn: libcheck tests for controller/conn (listeners, TCP and TLS
 * sessions, framing, batched output, deferred close).
 *
 * Real sockets on 127.0.0.1 and ::1 with port 0, one event loop per test,
 * every wait bounded by a deadline (LOOP_UNTIL).  Test clients are plain
 * blocking sockets for TCP (so a test controls exactly how bytes are cut
 * into writes) and libevent OpenSSL bufferevents for TLS.  The TLS tests
 * use the throwaway PKI of test-tls.h, made once per run. */
#include <config.h>
#include "controller/conn.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include "controller/log.h"
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/openflow13.h"
#include "test/test-tls.h"
#include "test/test-loop.h"
#include "test/test-util.h"

/* Longest any wait may take before the test fails (seconds). */
#define DEADLINE 10.0

#define MAX_PEERS 4
#define MAX_FDS 8
#define MAX_CLIENTS 4

/* What the owner of one accepted conn saw. */
struct peer {
    struct sl_conn *conn;
    int n_msgs;
    uint64_t n_bytes;
    uint32_t next_xid;    /* Expected xid of the next message. */
    int out_of_order;     /* Messages whose xid was not 'next_xid'. */
    uint8_t first[65535]; /* The first message... */
    size_t first_len;
    uint8_t first_type;
    int n_closed;
    char reason[256];
    bool closing_in_closed; /* sl_conn_is_closing() inside 'closed'. */
    bool destroy_in_closed; /* Destroy the conn inside 'closed'. */
    bool destroy_in_msg;    /* Destroy the conn inside 'msg'. */
    bool close_on_msg;      /* sl_conn_close() on the first message. */
    bool echo;              /* Send each message back. */
    int msgs_after_close;   /* Messages delivered after close_on_msg. */
};

/* A TLS test client. */
struct tls_client {
    struct bufferevent *bev;
    SSL_CTX *ctx;
    bool connected;
    bool eof;
    bool error;
    char err[256];
};

static struct event_base *base;
static int n_log_lines[SL_LOG_DBG + 1];
static char last_log[SL_LOG_LINE_MAX + 1];
static struct event *ticker;
static struct sl_listener *listener;
static struct peer peers[MAX_PEERS];
static int n_peers;
static int fds[MAX_FDS];
static int n_fds;
static struct tls_client clients[MAX_CLIENTS];
static int n_clients;
static SSL_CTX *server_ctx;
static char *tls_dir;

/* ---- event loop ---- */

/* Runs the loop until 'COND' holds or DEADLINE passes; yields 'COND'. */
#define LOOP_UNTIL(COND) TEST_LOOP_UNTIL(base, COND, DEADLINE)

/* Runs whatever is ready now, without blocking. */
static void
loop_pass(void)
{
    event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Counts the conn module's log lines by level and keeps the last one. */
static void
log_sink(void *aux, enum sl_log_target target, int priority,
         enum sl_log_level level, const char *module, const char *text,
         size_t len)
{
    (void) aux;
    (void) target;
    (void) priority;
    (void) len;
    if (!strcmp(module, "conn") && level <= SL_LOG_DBG) {
        n_log_lines[level]++;
        snprintf(last_log, sizeof last_log, "%s", text);
    }
}

static void
setup(void)
{
    struct timeval tv = {0, 10000};

    base = event_base_new();
    ck_assert_ptr_nonnull(base);
    ticker = event_new(base, -1, EV_PERSIST, test_loop_tick_cb, NULL);
    event_add(ticker, &tv);
    memset(peers, 0, sizeof peers);
    n_peers = 0;
    n_fds = 0;
    memset(clients, 0, sizeof clients);
    n_clients = 0;
    listener = NULL;
    server_ctx = NULL;
    memset(n_log_lines, 0, sizeof n_log_lines);
    last_log[0] = '\0';
    sl_log_set_sink(log_sink, NULL);
}

static void
teardown(void)
{
    for (int i = 0; i < n_clients; i++) {
        if (clients[i].bev) {
            bufferevent_free(clients[i].bev);
        }
        SSL_CTX_free(clients[i].ctx);
    }
    for (int i = 0; i < n_peers; i++) {
        sl_conn_destroy(peers[i].conn);
    }
    for (int i = 0; i < n_fds; i++) {
        if (fds[i] >= 0) {
            close(fds[i]);
        }
    }
    sl_listener_destroy(listener);
    SSL_CTX_free(server_ctx);
    event_free(ticker);
    event_base_free(base);
    ERR_clear_error();
    sl_log_set_sink(NULL, NULL);
}

/* ---- the owner of accepted conns ---- */

static void
peer_msg(struct sl_conn *conn, const uint8_t *data, size_t len, void *aux)
{
    struct peer *p = aux;

    ck_assert_ptr_eq(conn, p->conn);
    ck_assert_uint_ge(len, 8);
    ck_assert_uint_eq(ofp_load_be16(data + 2), len);
    if (p->close_on_msg && p->n_msgs > 0) {
        p->msgs_after_close++;
    }
    if (p->n_msgs == 0) {
        memcpy(p->first, data, len);
        p->first_len = len;
        p->first_type = data[1];
    }
    if (ofp_load_be32(data + 4) != p->next_xid) {
        p->out_of_order++;
    }
    p->next_xid = ofp_load_be32(data + 4) + 1;
    p->n_msgs++;
    p->n_bytes += len;
    if (p->echo) {
        ck_assert_int_eq(sl_conn_send_raw(conn, data, len), 0);
    }
    if (p->close_on_msg) {
        sl_conn_close(conn, "closed by owner", false);
        ck_assert(sl_conn_is_closing(conn));
        ck_assert_int_eq(p->n_closed, 0);
    }
    if (p->destroy_in_msg) {
        sl_conn_destroy(conn);
        p->conn = NULL;
    }
}

static void
peer_closed(struct sl_conn *conn, const char *reason, void *aux)
{
    struct peer *p = aux;

    ck_assert_ptr_eq(conn, p->conn);
    p->n_closed++;
    p->closing_in_closed = sl_conn_is_closing(conn);
    snprintf(p->reason, sizeof p->reason, "%s", reason);
    if (p->destroy_in_closed) {
        sl_conn_destroy(conn);
        p->conn = NULL;
    }
}

static const struct sl_conn_ops peer_ops = {peer_msg, peer_closed};

static void
accept_cb(struct sl_conn *conn, void *aux)
{
    ck_assert_ptr_eq(aux, &peers);
    ck_assert_int_lt(n_peers, MAX_PEERS);
    struct peer *p = &peers[n_peers++];
    p->conn = conn;
    sl_conn_set_ops(conn, &peer_ops, p);
}

/* Settings applied to the next peer before it is accepted. */
static struct peer *
next_peer(void)
{
    ck_assert_int_lt(n_peers, MAX_PEERS);
    return &peers[n_peers];
}

/* ---- listeners and clients ---- */

static struct sl_listener *
start_listener(enum sl_config_listen_kind kind, bool ipv6, uint16_t port,
               char *err, size_t errlen)
{
    struct sl_config_listener cl = {
        .kind = kind,
        .ipv6 = ipv6,
        .address = ipv6 ? "::1" : "127.0.0.1",
        .port = port,
    };
    return sl_listener_create(base, &cl, server_ctx, accept_cb, &peers, err,
                              errlen);
}

static uint16_t
listen_tcp(bool ipv6)
{
    char err[256] = "";

    listener = start_listener(SL_CONFIG_LISTEN_TCP, ipv6, 0, err, sizeof err);
    ck_assert_msg(listener != NULL, "listen: %s", err);
    ck_assert_uint_ne(sl_listener_port(listener), 0);
    return sl_listener_port(listener);
}

static int
track_fd(int fd)
{
    ck_assert_int_ge(fd, 0);
    ck_assert_int_lt(n_fds, MAX_FDS);
    fds[n_fds++] = fd;
    return fd;
}

static void
close_fd(int fd)
{
    for (int i = 0; i < n_fds; i++) {
        if (fds[i] == fd) {
            fds[i] = -1;
        }
    }
    close(fd);
}

static socklen_t
loopback(bool ipv6, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (ipv6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_addr = in6addr_loopback;
        sin6->sin6_port = htons(port);
        return sizeof *sin6;
    }
    struct sockaddr_in *sin = (struct sockaddr_in *) ss;
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin->sin_port = htons(port);
    return sizeof *sin;
}

/* A blocking TCP client connected to the loopback 'port'. */
static int
tcp_connect(bool ipv6, uint16_t port)
{
    struct sockaddr_storage ss;
    socklen_t len = loopback(ipv6, port, &ss);
    int fd = track_fd(socket(ss.ss_family, SOCK_STREAM, 0));
    int one = 1;

    ck_assert_int_eq(connect(fd, (struct sockaddr *) &ss, len), 0);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Connects a TCP client and waits until the listener has handed over its
 * conn; returns the client's socket. */
static int
tcp_connect_accepted(bool ipv6, uint16_t port)
{
    int before = n_peers;
    int fd = tcp_connect(ipv6, port);

    ck_assert(LOOP_UNTIL(n_peers > before));
    return fd;
}

static void
write_all(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;

    while (len) {
        ssize_t n = write(fd, p, len);
        ck_assert_int_gt(n, 0);
        p += n;
        len -= (size_t) n;
    }
}

/* Reads from 'fd' until 'want' bytes or EOF, running the loop meanwhile.
 * Returns the bytes read; '*eof' tells whether EOF was seen. */
static size_t
read_some(int fd, uint8_t *buf, size_t want, bool *eof)
{
    double deadline = test_loop_now() + DEADLINE;
    size_t got = 0;

    *eof = false;
    while (got < want && test_loop_now() < deadline) {
        struct pollfd pfd = {fd, POLLIN, 0};

        loop_pass();
        if (poll(&pfd, 1, 5) <= 0) {
            continue;
        }
        ssize_t n = recv(fd, buf + got, want - got, MSG_DONTWAIT);
        if (n == 0) {
            *eof = true;
            break;
        }
        if (n < 0) {
            ck_assert_msg(errno == EAGAIN || errno == ECONNRESET, "recv: %s",
                          strerror(errno));
            if (errno == ECONNRESET) {
                *eof = true;
                break;
            }
            continue;
        }
        got += (size_t) n;
    }
    return got;
}

/* Writes an OpenFlow header of 'type', 'len' and 'xid' and a patterned
 * body into 'buf'. */
static void
make_msg(uint8_t *buf, size_t len, uint8_t type, uint32_t xid)
{
    buf[0] = OFP13_VERSION;
    buf[1] = type;
    ofp_store_be16(buf + 2, (uint16_t) len);
    ofp_store_be32(buf + 4, xid);
    for (size_t i = 8; i < len; i++) {
        buf[i] = (uint8_t) (i * 7);
    }
}

static void
tls_client_event_cb(struct bufferevent *bev, short what, void *aux)
{
    struct tls_client *c = aux;
    unsigned long e;

    if (what & BEV_EVENT_CONNECTED) {
        c->connected = true;
    }
    if (what & BEV_EVENT_EOF) {
        c->eof = true;
    }
    if (what & BEV_EVENT_ERROR) {
        c->error = true;
        while ((e = bufferevent_get_openssl_error(bev)) != 0) {
            if (!c->err[0]) {
                const char *r = ERR_reason_error_string(e);
                snprintf(c->err, sizeof c->err, "%s", r ? r : "?");
            }
        }
    }
}

/* Starts a TLS client presenting certificate 'id' (NULL: none) to the
 * loopback 'port' (IPv6 if 'ipv6'); does not wait. */
static struct tls_client *
tls_connect(const char *id, bool ipv6, uint16_t port)
{
    ck_assert_int_lt(n_clients, MAX_CLIENTS);
    struct tls_client *c = &clients[n_clients++];
    struct sockaddr_storage ss;
    socklen_t len = loopback(ipv6, port, &ss);

    c->ctx = test_tls_client_ctx(tls_dir, id);
    ck_assert_ptr_nonnull(c->ctx);
    SSL *ssl = SSL_new(c->ctx);
    ck_assert_ptr_nonnull(ssl);
    c->bev = bufferevent_openssl_socket_new(
        base, -1, ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
    ck_assert_ptr_nonnull(c->bev);
    bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
    bufferevent_setcb(c->bev, NULL, NULL, tls_client_event_cb, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    ck_assert_int_eq(
        bufferevent_socket_connect(c->bev, (struct sockaddr *) &ss, (int) len),
        0);
    return c;
}

static size_t
client_input(const struct tls_client *c)
{
    return evbuffer_get_length(bufferevent_get_input(c->bev));
}

/* Loads a server TLS context from the test PKI. */
static SSL_CTX *
make_server_ctx(const char *cert, const char *key, const char *ca,
                bool verify_peer, char *err, size_t errlen)
{
    struct sl_config cfg;
    char certp[4096], keyp[4096], cap[4096];

    memset(&cfg, 0, sizeof cfg);
    snprintf(certp, sizeof certp, "%s",
             cert ? test_tls_path(tls_dir, cert) : "");
    snprintf(keyp, sizeof keyp, "%s", key ? test_tls_path(tls_dir, key) : "");
    snprintf(cap, sizeof cap, "%s", ca ? test_tls_path(tls_dir, ca) : "");
    cfg.has_tls = true;
    cfg.tls_certificate = cert ? certp : NULL;
    cfg.tls_private_key = key ? keyp : NULL;
    cfg.tls_ca_certificate = ca ? cap : NULL;
    cfg.tls_verify_peer = verify_peer;
    return sl_tls_ctx_create(&cfg, err, errlen);
}

static uint16_t
listen_tls(bool ipv6, bool verify_peer)
{
    char err[512] = "";

    server_ctx = make_server_ctx("server.crt", "server.key", "ca.crt",
                                 verify_peer, err, sizeof err);
    ck_assert_msg(server_ctx != NULL, "TLS context: %s", err);
    listener = start_listener(SL_CONFIG_LISTEN_SSL, ipv6, 0, err, sizeof err);
    ck_assert_msg(listener != NULL, "listen: %s", err);
    return sl_listener_port(listener);
}

static int
count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    ck_assert_ptr_nonnull(d);
    while (readdir(d)) {
        n++;
    }
    closedir(d);
    return n;
}

/* ---- listeners ---- */

START_TEST(listener_binds_ipv4_port0_and_reports_port)
{
    uint16_t port = listen_tcp(false);

    ck_assert_str_eq(sl_listener_name(listener), "tcp:127.0.0.1:0");
    int fd = tcp_connect(false, port);
    ck_assert(LOOP_UNTIL(n_peers == 1));
    ck_assert_ptr_nonnull(peers[0].conn);
    close_fd(fd);
}
END_TEST

START_TEST(listener_binds_ipv6_port0_and_reports_port)
{
    uint16_t port = listen_tcp(true);

    ck_assert_str_eq(sl_listener_name(listener), "tcp:[::1]:0");
    int fd = tcp_connect(true, port);
    ck_assert(LOOP_UNTIL(n_peers == 1));
    close_fd(fd);
}
END_TEST

START_TEST(listener_address_in_use_names_listener)
{
    uint16_t port = listen_tcp(false);
    char err[256] = "";
    char want[256];

    struct sl_listener *second =
        start_listener(SL_CONFIG_LISTEN_TCP, false, port, err, sizeof err);
    ck_assert_ptr_null(second);
    snprintf(want, sizeof want, "tcp:127.0.0.1:%u: %s", port,
             strerror(EADDRINUSE));
    ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(listener_ssl_needs_tls_context)
{
    char err[256] = "";

    ck_assert_ptr_null(
        start_listener(SL_CONFIG_LISTEN_SSL, true, 0, err, sizeof err));
    ck_assert_str_eq(err, "ssl:[::1]:0: no TLS context");
}
END_TEST

START_TEST(listener_destroy_keeps_accepted_conns)
{
    uint16_t port = listen_tcp(false);
    int fd = tcp_connect_accepted(false, port);
    uint8_t msg[16];

    sl_listener_destroy(listener);
    listener = NULL;
    make_msg(msg, sizeof msg, OFPT_ECHO_REQUEST, 0);
    write_all(fd, msg, sizeof msg);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 1));
    ck_assert_int_eq(peers[0].n_closed, 0);
}
END_TEST

START_TEST(accept_out_of_descriptors_pauses_and_recovers)
{
    uint16_t port = listen_tcp(false);
    struct rlimit old, low;

    /* The lowest free descriptor becomes the limit: accept() gets EMFILE. */
    int spare = dup(0);
    ck_assert_int_ge(spare, 0);
    close(spare);
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    int fd = tcp_connect(false, port);
    (void) fd;
    spare = dup(0);
    ck_assert_int_ge(spare, 0);
    close(spare);
    low = old;
    low.rlim_cur = (rlim_t) spare;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
    bool warned = LOOP_UNTIL(n_log_lines[SL_LOG_WARN] >= 1);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
    ck_assert(warned);
    ck_assert_msg(strstr(last_log, "tcp:127.0.0.1:0: accept failed: ") &&
                      strstr(last_log, strerror(EMFILE)),
                  "log: %s", last_log);
    ck_assert_int_eq(n_peers, 0);

    /* The listener keeps listening.  (The kernel keeps the first
     * connection waiting, but valgrind's emulation of the limit accepts and
     * drops it, so only the second one is asserted.) */
    int fd2 = tcp_connect(false, port);
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    char name[64];

    ck_assert_int_eq(getsockname(fd2, (struct sockaddr *) &sin, &len), 0);
    snprintf(name, sizeof name, "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
    ck_assert(LOOP_UNTIL(
        n_peers >= 1 && !strcmp(sl_conn_name(peers[n_peers - 1].conn), name)));
    ck_assert_int_eq(peers[n_peers - 1].n_closed, 0);
}
END_TEST

/* ---- TCP conns: naming and framing ---- */

START_TEST(accept_names_conn_from_peer_address_ipv4)
{
    uint16_t port = listen_tcp(false);
    int fd = tcp_connect_accepted(false, port);
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    char want[64];

    ck_assert_int_eq(getsockname(fd, (struct sockaddr *) &sin, &len), 0);
    snprintf(want, sizeof want, "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
    ck_assert_str_eq(sl_conn_name(peers[0].conn), want);
    ck_assert(!sl_conn_is_tls(peers[0].conn));
}
END_TEST

START_TEST(accept_names_conn_from_peer_address_ipv6)
{
    uint16_t port = listen_tcp(true);
    int fd = tcp_connect_accepted(true, port);
    struct sockaddr_in6 sin6;
    socklen_t len = sizeof sin6;
    char want[64];

    ck_assert_int_eq(getsockname(fd, (struct sockaddr *) &sin6, &len), 0);
    snprintf(want, sizeof want, "tcp:[::1]:%u", ntohs(sin6.sin6_port));
    ck_assert_str_eq(sl_conn_name(peers[0].conn), want);
}
END_TEST

START_TEST(one_message_delivered_whole)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    uint8_t msg[24];

    make_msg(msg, sizeof msg, OFPT_ECHO_REQUEST, 0);
    write_all(fd, msg, sizeof msg);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 1));
    test_assert_bytes(peers[0].first, peers[0].first_len, msg, sizeof msg);
    ck_assert_int_eq(peers[0].n_closed, 0);
}
END_TEST

START_TEST(many_messages_in_one_write_in_order)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    enum { N = 100 };
    static uint8_t buf[N * 64];
    size_t off = 0;

    for (uint32_t i = 0; i < N; i++) {
        size_t len = 8 + (i % 7) * 8;
        make_msg(buf + off, len, OFPT_ECHO_REQUEST, i);
        off += len;
    }
    write_all(fd, buf, off);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == N));
    ck_assert_int_eq(peers[0].out_of_order, 0);
    ck_assert_uint_eq(peers[0].n_bytes, off);
    ck_assert_uint_eq(peers[0].first_len, 8);
}
END_TEST

START_TEST(message_split_byte_by_byte_delivered_once)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    uint8_t msg[40];

    make_msg(msg, sizeof msg, OFPT_ECHO_REQUEST, 0);
    for (size_t i = 0; i < sizeof msg; i++) {
        write_all(fd, msg + i, 1);
        /* Let the conn see each byte on its own. */
        loop_pass();
        loop_pass();
        if (i + 1 < sizeof msg) {
            ck_assert_int_eq(peers[0].n_msgs, 0);
        }
    }
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 1));
    test_assert_bytes(peers[0].first, peers[0].first_len, msg, sizeof msg);
    ck_assert_uint_eq(sl_conn_stats(peers[0].conn)->rx_msgs, 1);
}
END_TEST

START_TEST(largest_message_65535_bytes)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    static uint8_t msg[65535];
    uint8_t small[8];

    make_msg(msg, sizeof msg, OFPT_ECHO_REQUEST, 0);
    make_msg(small, sizeof small, OFPT_ECHO_REQUEST, 1);
    write_all(fd, msg, sizeof msg);
    write_all(fd, small, sizeof small);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 2));
    test_assert_bytes(peers[0].first, peers[0].first_len, msg, sizeof msg);
    ck_assert_int_eq(peers[0].out_of_order, 0);
}
END_TEST

START_TEST(bulk_input_beyond_read_watermark_all_delivered)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    enum { N = 2000, LEN = 1000 };
    static uint8_t buf[N * LEN];

    for (uint32_t i = 0; i < N; i++) {
        make_msg(buf + (size_t) i * LEN, LEN, OFPT_ECHO_REQUEST, i);
    }
    /* Nonblocking writes interleaved with the loop: 2 MB is more than the
     * socket buffers hold. */
    evutil_make_socket_nonblocking(fd);
    size_t off = 0;
    double deadline = test_loop_now() + DEADLINE;
    while (off < sizeof buf && test_loop_now() < deadline) {
        ssize_t n = write(fd, buf + off, sizeof buf - off);
        if (n > 0) {
            off += (size_t) n;
        }
        loop_pass();
    }
    ck_assert_uint_eq(off, sizeof buf);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == N));
    ck_assert_int_eq(peers[0].out_of_order, 0);
    ck_assert_uint_eq(sl_conn_stats(peers[0].conn)->rx_bytes, sizeof buf);
}
END_TEST

static void
assert_bad_length(uint16_t length)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    uint8_t good[8], bad[16];
    char want[64];

    make_msg(good, sizeof good, OFPT_ECHO_REQUEST, 0);
    make_msg(bad, sizeof bad, OFPT_ECHO_REQUEST, 1);
    ofp_store_be16(bad + 2, length);
    write_all(fd, good, sizeof good);
    write_all(fd, bad, sizeof bad);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    snprintf(want, sizeof want, "bad message length %u", length);
    ck_assert_str_eq(peers[0].reason, want);
    ck_assert_int_eq(peers[0].n_msgs, 1);
    ck_assert(peers[0].closing_in_closed);

    /* The socket is closed: the client sees EOF. */
    uint8_t rest[16];
    bool eof;
    read_some(fd, rest, sizeof rest, &eof);
    ck_assert(eof);
}

START_TEST(length_field_zero_closes_with_reason)
{
    assert_bad_length(0);
}
END_TEST

START_TEST(length_field_seven_closes_with_reason)
{
    assert_bad_length(7);
}
END_TEST

START_TEST(eof_closes_once)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));

    close_fd(fd);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_str_eq(peers[0].reason, "peer closed the connection");
    /* Nothing more happens. */
    for (int i = 0; i < 10; i++) {
        loop_pass();
    }
    ck_assert_int_eq(peers[0].n_closed, 1);
    ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, "\4\2\0\10\0\0\0\0", 8),
                     EPIPE);
}
END_TEST

START_TEST(eof_mid_message_delivers_nothing)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    uint8_t msg[32];

    make_msg(msg, sizeof msg, OFPT_ECHO_REQUEST, 0);
    write_all(fd, msg, 20);
    close_fd(fd);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_int_eq(peers[0].n_msgs, 0);
    ck_assert_str_eq(peers[0].reason, "peer closed the connection");
}
END_TEST

START_TEST(messages_before_eof_are_delivered)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    uint8_t msgs[24];

    make_msg(msgs, 8, OFPT_ECHO_REQUEST, 0);
    make_msg(msgs + 8, 16, OFPT_ECHO_REQUEST, 1);
    write_all(fd, msgs, sizeof msgs);
    close_fd(fd);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_int_eq(peers[0].n_msgs, 2);
}
END_TEST

/* ---- conns without a listener ---- */

START_TEST(nothing_delivered_before_set_ops)
{
    int sv[2];
    uint8_t msg[8];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    track_fd(sv[1]);
    evutil_make_socket_nonblocking(sv[0]);
    struct peer *p = next_peer();
    p->conn = sl_conn_create_fd(base, sv[0], NULL, "test:pair");
    ck_assert_ptr_nonnull(p->conn);
    n_peers++;
    ck_assert_str_eq(sl_conn_name(p->conn), "test:pair");

    make_msg(msg, sizeof msg, OFPT_HELLO, 0);
    write_all(sv[1], msg, sizeof msg);
    for (int i = 0; i < 5; i++) {
        loop_pass();
    }
    sl_conn_set_ops(p->conn, &peer_ops, p);
    ck_assert(LOOP_UNTIL(p->n_msgs == 1));
    ck_assert_uint_eq(p->first_type, OFPT_HELLO);
}
END_TEST

START_TEST(destroy_without_set_ops_frees_everything)
{
    int before = count_open_fds();
    int sv[2];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct sl_conn *conn = sl_conn_create_fd(base, sv[0], NULL, "test:pair");
    ck_assert_ptr_nonnull(conn);
    ck_assert_int_eq(sl_conn_send_raw(conn, "\4\0\0\10\0\0\0\0", 8), 0);
    sl_conn_destroy(conn);
    sl_conn_destroy(NULL);

    /* The peer sees the close at once... */
    uint8_t buf[8];
    ck_assert_int_eq(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), 0);
    close(sv[1]);
    /* ...and libevent releases the descriptor on its next pass. */
    loop_pass();
    ck_assert_int_eq(count_open_fds(), before);
}
END_TEST

/* ---- closing ---- */

START_TEST(closed_is_never_called_from_inside_close)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));

    (void) fd;
    sl_conn_close(peers[0].conn, "done", false);
    ck_assert(sl_conn_is_closing(peers[0].conn));
    ck_assert_int_eq(peers[0].n_closed, 0);
    sl_conn_close(peers[0].conn, "second reason is ignored", true);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_str_eq(peers[0].reason, "done");
    for (int i = 0; i < 5; i++) {
        loop_pass();
    }
    ck_assert_int_eq(peers[0].n_closed, 1);
}
END_TEST

START_TEST(close_with_flush_sends_queued_output)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    static uint8_t msgs[3][20000];
    static uint8_t got[sizeof msgs + 1];
    bool eof;

    for (uint32_t i = 0; i < 3; i++) {
        make_msg(msgs[i], sizeof msgs[i], OFPT_ECHO_REPLY, i);
        ck_assert_int_eq(
            sl_conn_send_raw(peers[0].conn, msgs[i], sizeof msgs[i]), 0);
    }
    sl_conn_close(peers[0].conn, "bye", true);
    ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msgs[0], sizeof msgs[0]),
                     EPIPE);
    size_t n = read_some(fd, got, sizeof got, &eof);
    ck_assert(eof);
    test_assert_bytes(got, n, msgs, sizeof msgs);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_str_eq(peers[0].reason, "bye");
}
END_TEST

START_TEST(close_without_flush_drops_queued_output)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    uint8_t msg[64], got[64];
    bool eof;

    make_msg(msg, sizeof msg, OFPT_ECHO_REPLY, 0);
    ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msg, sizeof msg), 0);
    ck_assert_uint_eq(sl_conn_output_len(peers[0].conn), sizeof msg);
    sl_conn_close(peers[0].conn, "now", false);
    size_t n = read_some(fd, got, sizeof got, &eof);
    ck_assert(eof);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(peers[0].n_closed, 1);
    ck_assert_str_eq(peers[0].reason, "now");
    ck_assert_uint_eq(sl_conn_output_len(peers[0].conn), 0);
}
END_TEST

START_TEST(close_with_flush_gives_up_after_deadline)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    static uint8_t msg[65528];

    (void) fd;
    /* More than the socket buffers hold, and the peer never reads. */
    make_msg(msg, sizeof msg, OFPT_ECHO_REPLY, 0);
    for (int i = 0; i < 512; i++) {
        ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msg, sizeof msg), 0);
    }
    double start = test_loop_now();
    sl_conn_close(peers[0].conn, "flush timeout", true);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_str_eq(peers[0].reason, "flush timeout");
    /* Not at once: it waited for the output first. */
    ck_assert(test_loop_now() - start > 1.0);
}
END_TEST

START_TEST(peer_eof_ends_a_flush_at_once)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    static uint8_t msg[65528];

    make_msg(msg, sizeof msg, OFPT_ECHO_REPLY, 0);
    for (int i = 0; i < 512; i++) {
        ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msg, sizeof msg), 0);
    }
    sl_conn_close(peers[0].conn, "flushing", true);
    loop_pass();
    close_fd(fd);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_str_eq(peers[0].reason, "flushing");
}
END_TEST

START_TEST(destroy_inside_closed)
{
    int before = count_open_fds();
    uint16_t port = listen_tcp(false);
    int fd = tcp_connect(false, port);

    next_peer()->destroy_in_closed = true;
    ck_assert(LOOP_UNTIL(n_peers == 1));
    close_fd(fd);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_ptr_null(peers[0].conn);
    sl_listener_destroy(listener);
    listener = NULL;
    ck_assert_int_eq(count_open_fds(), before);
}
END_TEST

START_TEST(no_msg_after_close_requested_in_msg)
{
    uint16_t port = listen_tcp(false);
    int fd = tcp_connect(false, port);
    uint8_t msgs[5 * 8];

    next_peer()->close_on_msg = true;
    ck_assert(LOOP_UNTIL(n_peers == 1));
    for (uint32_t i = 0; i < 5; i++) {
        make_msg(msgs + i * 8, 8, OFPT_ECHO_REQUEST, i);
    }
    write_all(fd, msgs, sizeof msgs);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_int_eq(peers[0].n_msgs, 1);
    ck_assert_int_eq(peers[0].msgs_after_close, 0);
    ck_assert_str_eq(peers[0].reason, "closed by owner");
}
END_TEST

START_TEST(destroy_inside_msg_is_survived)
{
    uint16_t port = listen_tcp(false);
    int fd = tcp_connect(false, port);
    uint8_t msgs[2 * 8];

    next_peer()->destroy_in_msg = true;
    ck_assert(LOOP_UNTIL(n_peers == 1));
    make_msg(msgs, 8, OFPT_ECHO_REQUEST, 0);
    make_msg(msgs + 8, 8, OFPT_ECHO_REQUEST, 1);
    write_all(fd, msgs, sizeof msgs);
    ck_assert(LOOP_UNTIL(peers[0].conn == NULL));
    for (int i = 0; i < 5; i++) {
        loop_pass();
    }
    ck_assert_int_eq(peers[0].n_msgs, 1);
    ck_assert_int_eq(peers[0].n_closed, 0);
}
END_TEST

START_TEST(eof_before_set_ops_reported_after)
{
    int sv[2];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    evutil_make_socket_nonblocking(sv[0]);
    struct peer *p = next_peer();
    p->conn = sl_conn_create_fd(base, sv[0], NULL, "test:pair");
    n_peers++;
    sl_conn_close(p->conn, "early", false);
    close(sv[1]);
    for (int i = 0; i < 5; i++) {
        loop_pass();
    }
    ck_assert_int_eq(p->n_closed, 0);
    sl_conn_set_ops(p->conn, &peer_ops, p);
    ck_assert_int_eq(p->n_closed, 0);
    ck_assert(LOOP_UNTIL(p->n_closed == 1));
    ck_assert_str_eq(p->reason, "early");
}
END_TEST

/* ---- output ---- */

START_TEST(send_encodes_into_output)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    struct ofp_msg msg;
    static const uint8_t want[] = {
        0x04, OFPT_ECHO_REQUEST, 0x00, 0x0b, 0x12, 0x34, 0x56, 0x78, 'a', 'b',
        'c'};
    uint8_t got[sizeof want];
    bool eof;

    ofp_msg_init(&msg, OFPT_ECHO_REQUEST, 0x12345678);
    msg.echo.data = (const uint8_t *) "abc";
    msg.echo.len = 3;
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &msg), 0);
    ck_assert_uint_eq(sl_conn_output_len(peers[0].conn), sizeof want);
    size_t n = read_some(fd, got, sizeof got, &eof);
    test_assert_bytes(got, n, want, sizeof want);
    ck_assert_uint_eq(sl_conn_output_len(peers[0].conn), 0);
}
END_TEST

START_TEST(send_large_encoded_message)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    static uint8_t data[65535 - 8];
    static uint8_t got[65535 + 8];
    struct ofp_msg msg;
    bool eof;

    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t) i;
    }
    /* A small message first, so the large one does not fit the chain. */
    ofp_msg_init(&msg, OFPT_BARRIER_REQUEST, 1);
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &msg), 0);
    ofp_msg_init(&msg, OFPT_ECHO_REQUEST, 2);
    msg.echo.data = data;
    msg.echo.len = sizeof data;
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &msg), 0);
    ck_assert_uint_eq(sl_conn_output_len(peers[0].conn), 8 + 65535);
    size_t n = read_some(fd, got, sizeof got, &eof);
    ck_assert_uint_eq(n, 8 + 65535);
    ck_assert_uint_eq(ofp_load_be16(got + 8 + 2), 65535);
    test_assert_bytes(got + 16, sizeof data, data, sizeof data);
}
END_TEST

START_TEST(send_invalid_message_einval_nothing_queued)
{
    tcp_connect_accepted(false, listen_tcp(false));
    struct ofp_msg msg;
    static uint8_t data[65535];

    ofp_msg_init(&msg, 0xee, 1);
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &msg), EINVAL);
    /* Too long for one message. */
    ofp_msg_init(&msg, OFPT_ECHO_REQUEST, 2);
    msg.echo.data = data;
    msg.echo.len = sizeof data;
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &msg), EINVAL);
    ck_assert_uint_eq(sl_conn_output_len(peers[0].conn), 0);
    ck_assert_uint_eq(sl_conn_stats(peers[0].conn)->tx_msgs, 0);
    ck_assert(!sl_conn_is_closing(peers[0].conn));
    ck_assert_int_eq(n_log_lines[SL_LOG_ERR], 2);
    ck_assert_ptr_nonnull(strstr(last_log, "cannot encode ECHO_REQUEST"));

    /* The conn still works. */
    ofp_msg_init(&msg, OFPT_BARRIER_REQUEST, 3);
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &msg), 0);
    ck_assert_uint_eq(sl_conn_output_len(peers[0].conn), 8);
}
END_TEST

START_TEST(send_raw_rejects_partial_messages)
{
    tcp_connect_accepted(false, listen_tcp(false));
    uint8_t msg[16];

    make_msg(msg, sizeof msg, OFPT_ECHO_REQUEST, 0);
    ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msg, 7), EINVAL);
    ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msg, 12), EINVAL);
    ofp_store_be16(msg + 2, 4);
    ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msg, 16), EINVAL);
    ck_assert_int_ge(n_log_lines[SL_LOG_ERR], 1);
    ck_assert_uint_eq(sl_conn_output_len(peers[0].conn), 0);
    ck_assert(!sl_conn_is_closing(peers[0].conn));
}
END_TEST

/* Output beyond what the socket takes waits in the conn and is written as
 * the peer reads; afterwards a small send is written again at once. */
START_TEST(backlogged_output_drains_then_sends_resume)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    enum { CHUNK = 65528, N = 64 };
    static uint8_t msg[CHUNK], got[CHUNK];
    uint64_t total = 0;
    bool eof;

    make_msg(msg, sizeof msg, OFPT_ECHO_REPLY, 7);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msg, sizeof msg), 0);
        loop_pass();
    }
    /* 4 MiB is more than loopback's socket buffers hold. */
    ck_assert_uint_gt(sl_conn_output_len(peers[0].conn), 0);
    while (total < (uint64_t) N * CHUNK) {
        size_t n = read_some(fd, got, sizeof got, &eof);
        ck_assert(!eof);
        ck_assert_uint_gt(n, 0);
        total += n;
    }
    ck_assert_uint_eq(total, (uint64_t) N * CHUNK);
    ck_assert(LOOP_UNTIL(sl_conn_output_len(peers[0].conn) == 0));

    static const uint8_t small[] = {0x04, OFPT_BARRIER_REQUEST, 0, 8,
                                    0, 0, 0, 9};
    ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, small, sizeof small), 0);
    size_t n = read_some(fd, got, sizeof small, &eof);
    test_assert_bytes(got, n, small, sizeof small);
    ck_assert(!sl_conn_is_closing(peers[0].conn));
}
END_TEST

/* Output queued from a timer, outside any read, goes out in that pass. */
static void
send_from_timer(evutil_socket_t fd, short what, void *conn_)
{
    static const uint8_t echo[] = {0x04, OFPT_ECHO_REQUEST, 0, 8,
                                   0, 0, 0, 5};
    (void) fd;
    (void) what;
    ck_assert_int_eq(sl_conn_send_raw(conn_, echo, sizeof echo), 0);
}

START_TEST(send_from_timer_is_written)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    static const uint8_t want[] = {0x04, OFPT_ECHO_REQUEST, 0, 8,
                                   0, 0, 0, 5};
    uint8_t got[sizeof want];
    struct timeval tv = {0, 1000};
    bool eof;

    ck_assert_int_eq(event_base_once(base, -1, EV_TIMEOUT, send_from_timer,
                                     peers[0].conn, &tv),
                     0);
    size_t n = read_some(fd, got, sizeof got, &eof);
    test_assert_bytes(got, n, want, sizeof want);
    ck_assert_uint_eq(sl_conn_output_len(peers[0].conn), 0);
}
END_TEST

/* A peer that resets the connection: the write fails and the conn closes
 * once, with a reason, whichever of reading or writing notices first. */
START_TEST(write_to_reset_peer_closes_once)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    struct linger lg = {1, 0};
    static uint8_t msg[4096];

    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg),
                     0);
    close_fd(fd);
    make_msg(msg, sizeof msg, OFPT_ECHO_REPLY, 1);
    for (int i = 0; i < 100 && !sl_conn_is_closing(peers[0].conn); i++) {
        int error = sl_conn_send_raw(peers[0].conn, msg, sizeof msg);
        ck_assert(error == 0 || error == EPIPE);
        loop_pass();
    }
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_uint_gt(strlen(peers[0].reason), 0);
    for (int i = 0; i < 10; i++) {
        loop_pass();
    }
    ck_assert_int_eq(peers[0].n_closed, 1);
}
END_TEST

START_TEST(output_over_cap_enobufs_and_closes)
{
    tcp_connect_accepted(false, listen_tcp(false));
    static uint8_t msg[65528];
    int error = 0;
    int i;

    /* The client never reads: once the socket buffers are full, output
     * piles up in the conn. */
    sl_conn_set_output_max(peers[0].conn, 1024 * 1024);
    make_msg(msg, sizeof msg, OFPT_ECHO_REPLY, 0);
    for (i = 0; i < 100000 && !error; i++) {
        error = sl_conn_send_raw(peers[0].conn, msg, sizeof msg);
        loop_pass();
    }
    ck_assert_int_eq(error, ENOBUFS);
    ck_assert(sl_conn_is_closing(peers[0].conn));
    ck_assert_uint_eq(sl_conn_stats(peers[0].conn)->tx_msgs, (uint64_t) i - 1);

    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_BARRIER_REQUEST, 1);
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &m), EPIPE);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_str_eq(peers[0].reason, "peer is not reading");
    ck_assert_int_eq(n_log_lines[SL_LOG_WARN], 1);
    ck_assert_ptr_nonnull(strstr(last_log, "peer is not reading"));
}
END_TEST

START_TEST(encoded_send_over_cap_enobufs)
{
    tcp_connect_accepted(false, listen_tcp(false));
    struct ofp_msg m;

    sl_conn_set_output_max(peers[0].conn, 20);
    ofp_msg_init(&m, OFPT_BARRIER_REQUEST, 1);
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &m), 0);
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &m), 0);
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &m), ENOBUFS);
    ck_assert_uint_eq(sl_conn_output_len(peers[0].conn), 16);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_str_eq(peers[0].reason, "peer is not reading");
}
END_TEST

START_TEST(stats_count_bytes_and_messages)
{
    int fd = tcp_connect_accepted(false, listen_tcp(false));
    uint8_t in[8 + 24];
    uint8_t out[16];
    struct ofp_msg m;
    bool eof;

    make_msg(in, 8, OFPT_ECHO_REQUEST, 0);
    make_msg(in + 8, 24, OFPT_ECHO_REQUEST, 1);
    write_all(fd, in, sizeof in);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 2));
    ofp_msg_init(&m, OFPT_BARRIER_REQUEST, 7);
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &m), 0);
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &m), 0);

    const struct sl_conn_stats *st = sl_conn_stats(peers[0].conn);
    ck_assert_uint_eq(st->rx_msgs, 2);
    ck_assert_uint_eq(st->rx_bytes, 32);
    ck_assert_uint_eq(st->tx_msgs, 2);
    ck_assert_uint_eq(st->tx_bytes, 16);
    ck_assert_uint_eq(read_some(fd, out, sizeof out, &eof), 16);
}
END_TEST

START_TEST(echo_from_msg_callback_round_trips)
{
    uint16_t port = listen_tcp(false);
    int fd = tcp_connect(false, port);
    enum { N = 50 };
    static uint8_t msgs[N * 16], got[N * 16];
    bool eof;

    next_peer()->echo = true;
    ck_assert(LOOP_UNTIL(n_peers == 1));
    for (uint32_t i = 0; i < N; i++) {
        make_msg(msgs + i * 16, 16, OFPT_ECHO_REQUEST, i);
    }
    write_all(fd, msgs, sizeof msgs);
    size_t n = read_some(fd, got, sizeof got, &eof);
    test_assert_bytes(got, n, msgs, sizeof msgs);
}
END_TEST

START_TEST(destroy_closes_socket_and_frees)
{
    int before = count_open_fds();
    uint16_t port = listen_tcp(false);
    int fd = tcp_connect_accepted(false, port);
    uint8_t buf[8];
    bool eof;

    ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, "\4\0\0\10\0\0\0\0", 8),
                     0);
    sl_conn_destroy(peers[0].conn);
    peers[0].conn = NULL;
    ck_assert_uint_eq(read_some(fd, buf, sizeof buf, &eof), 0);
    ck_assert(eof);
    close_fd(fd);
    sl_listener_destroy(listener);
    listener = NULL;
    ck_assert_int_eq(count_open_fds(), before);
    ck_assert_int_eq(peers[0].n_closed, 0);
}
END_TEST

/* ---- TLS ---- */

START_TEST(tls_handshake_and_messages_both_ways)
{
    uint16_t port = listen_tls(false, true);
    struct tls_client *c = tls_connect("switch", false, port);
    uint8_t msg[32], got[32];
    struct ofp_msg m;
    char want[64];
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;

    ck_assert(LOOP_UNTIL(n_peers == 1 && c->connected));
    ck_assert(sl_conn_is_tls(peers[0].conn));
    ck_assert_int_eq(
        getsockname(bufferevent_getfd(c->bev), (struct sockaddr *) &sin, &len),
        0);
    snprintf(want, sizeof want, "ssl:127.0.0.1:%u", ntohs(sin.sin_port));
    ck_assert_str_eq(sl_conn_name(peers[0].conn), want);

    make_msg(msg, sizeof msg, OFPT_ECHO_REQUEST, 0);
    bufferevent_write(c->bev, msg, sizeof msg);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 1));
    test_assert_bytes(peers[0].first, peers[0].first_len, msg, sizeof msg);

    ofp_msg_init(&m, OFPT_ECHO_REPLY, 0);
    m.echo.data = msg + 8;
    m.echo.len = sizeof msg - 8;
    ck_assert_int_eq(sl_conn_send(peers[0].conn, &m), 0);
    ck_assert(LOOP_UNTIL(client_input(c) == sizeof msg));
    evbuffer_remove(bufferevent_get_input(c->bev), got, sizeof got);
    msg[1] = OFPT_ECHO_REPLY;
    test_assert_bytes(got, sizeof got, msg, sizeof msg);
    ck_assert_int_eq(peers[0].n_closed, 0);
}
END_TEST

START_TEST(tls_over_ipv6)
{
    uint16_t port = listen_tls(true, true);
    struct tls_client *c = tls_connect("switch2", true, port);
    uint8_t msg[8];

    ck_assert_str_eq(sl_listener_name(listener), "ssl:[::1]:0");
    ck_assert(LOOP_UNTIL(n_peers == 1 && c->connected));
    ck_assert(strncmp(sl_conn_name(peers[0].conn), "ssl:[::1]:", 10) == 0);
    make_msg(msg, sizeof msg, OFPT_HELLO, 0);
    bufferevent_write(c->bev, msg, sizeof msg);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 1));
}
END_TEST

START_TEST(tls_peer_sha256_matches_certificate)
{
    uint16_t port = listen_tls(false, true);
    struct tls_client *c = tls_connect("switch", false, port);
    uint8_t want[32], got[32], other[32];

    ck_assert(LOOP_UNTIL(n_peers == 1));
    ck_assert(!sl_conn_peer_sha256(peers[0].conn, got) || c->connected);
    ck_assert(
        LOOP_UNTIL(c->connected && sl_conn_peer_sha256(peers[0].conn, got)));
    ck_assert_int_eq(
        test_tls_fingerprint(test_tls_path(tls_dir, "switch.crt"), want), 0);
    test_assert_bytes(got, sizeof got, want, sizeof want);
    ck_assert_int_eq(
        test_tls_fingerprint(test_tls_path(tls_dir, "switch2.crt"), other), 0);
    ck_assert(memcmp(got, other, sizeof got) != 0);
}
END_TEST

START_TEST(tcp_conn_has_no_peer_sha256)
{
    tcp_connect_accepted(false, listen_tcp(false));
    uint8_t got[32];

    ck_assert(!sl_conn_peer_sha256(peers[0].conn, got));
}
END_TEST

/* Connects with certificate 'id' and expects the server to close with a
 * reason starting with 'want'. */
static void
assert_tls_refused(const char *id, bool verify_peer, const char *want)
{
    uint16_t port = listen_tls(false, verify_peer);
    struct tls_client *c = tls_connect(id, false, port);
    uint8_t got[32];

    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_msg(strncmp(peers[0].reason, want, strlen(want)) == 0,
                  "reason \"%s\", want \"%s\"", peers[0].reason, want);
    ck_assert_int_eq(peers[0].n_msgs, 0);
    ck_assert(!sl_conn_peer_sha256(peers[0].conn, got));
    ck_assert(LOOP_UNTIL(c->error || c->eof));
}

START_TEST(tls_rogue_cert_refused_with_verify_error)
{
    assert_tls_refused("rogue", true,
                       "TLS handshake failed: certificate verify failed "
                       "(unable to get local issuer certificate)");
}
END_TEST

START_TEST(tls_expired_cert_refused)
{
    assert_tls_refused("expired", true,
                       "TLS handshake failed: certificate verify failed "
                       "(certificate has expired)");
}
END_TEST

START_TEST(tls_no_client_cert_refused_when_verify_peer)
{
    assert_tls_refused(NULL, true,
                       "TLS handshake failed: peer did not "
                       "return a certificate");
}
END_TEST

START_TEST(tls_no_client_cert_accepted_without_verify_peer)
{
    uint16_t port = listen_tls(false, false);
    struct tls_client *c = tls_connect(NULL, false, port);
    uint8_t msg[8], got[32];

    ck_assert(LOOP_UNTIL(n_peers == 1 && c->connected));
    make_msg(msg, sizeof msg, OFPT_HELLO, 0);
    bufferevent_write(c->bev, msg, sizeof msg);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 1));
    ck_assert_int_eq(peers[0].n_closed, 0);
    ck_assert(!sl_conn_peer_sha256(peers[0].conn, got));
}
END_TEST

START_TEST(tls_rogue_cert_accepted_without_verify_peer)
{
    uint16_t port = listen_tls(false, false);
    struct tls_client *c = tls_connect("rogue", false, port);
    uint8_t msg[8];

    ck_assert(LOOP_UNTIL(n_peers == 1 && c->connected));
    make_msg(msg, sizeof msg, OFPT_HELLO, 0);
    bufferevent_write(c->bev, msg, sizeof msg);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 1));
    ck_assert_int_eq(peers[0].n_closed, 0);
}
END_TEST

START_TEST(tls_bulk_input_all_delivered_in_order)
{
    uint16_t port = listen_tls(false, true);
    struct tls_client *c = tls_connect("switch", false, port);
    enum { N = 3000, LEN = 1000 };
    static uint8_t msg[LEN];

    ck_assert(LOOP_UNTIL(n_peers == 1 && c->connected));
    for (uint32_t i = 0; i < N; i++) {
        make_msg(msg, sizeof msg, OFPT_ECHO_REQUEST, i);
        bufferevent_write(c->bev, msg, sizeof msg);
    }
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == N));
    ck_assert_int_eq(peers[0].out_of_order, 0);
    ck_assert_uint_eq(peers[0].n_bytes, (uint64_t) N * LEN);
}
END_TEST

START_TEST(tls_close_with_flush_sends_queued_output)
{
    uint16_t port = listen_tls(false, true);
    struct tls_client *c = tls_connect("switch", false, port);
    static uint8_t msg[30000];

    ck_assert(LOOP_UNTIL(n_peers == 1 && c->connected));
    /* Once a message came through, the server's handshake is done. */
    make_msg(msg, 8, OFPT_HELLO, 0);
    bufferevent_write(c->bev, msg, 8);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 1));
    make_msg(msg, sizeof msg, OFPT_ECHO_REPLY, 9);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msg, sizeof msg), 0);
    }
    sl_conn_close(peers[0].conn, "tls bye", true);
    ck_assert(LOOP_UNTIL(client_input(c) == 4 * sizeof msg));
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1 && (c->eof || c->error)));
    ck_assert_str_eq(peers[0].reason, "tls bye");
}
END_TEST

START_TEST(tls_client_eof_closes)
{
    uint16_t port = listen_tls(false, true);
    struct tls_client *c = tls_connect("switch", false, port);

    ck_assert(LOOP_UNTIL(n_peers == 1 && c->connected));
    /* Make sure the server side finished its handshake too. */
    uint8_t msg[8];
    make_msg(msg, sizeof msg, OFPT_HELLO, 0);
    bufferevent_write(c->bev, msg, sizeof msg);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 1));
    bufferevent_free(c->bev);
    c->bev = NULL;
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_str_eq(peers[0].reason, "peer closed the connection");
}
END_TEST

START_TEST(tls_destroy_releases_everything)
{
    int before = count_open_fds();
    uint16_t port = listen_tls(false, true);
    struct tls_client *c = tls_connect("switch", false, port);
    uint8_t msg[8];

    ck_assert(LOOP_UNTIL(n_peers == 1 && c->connected));
    make_msg(msg, sizeof msg, OFPT_HELLO, 0);
    bufferevent_write(c->bev, msg, sizeof msg);
    ck_assert(LOOP_UNTIL(peers[0].n_msgs == 1));
    ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msg, sizeof msg), 0);
    sl_conn_destroy(peers[0].conn);
    peers[0].conn = NULL;
    ck_assert(LOOP_UNTIL(c->eof || c->error));
    bufferevent_free(c->bev);
    c->bev = NULL;
    sl_listener_destroy(listener);
    listener = NULL;
    loop_pass();
    ck_assert_int_eq(count_open_fds(), before);
}
END_TEST

START_TEST(tls_client_gone_during_handshake)
{
    uint16_t port = listen_tls(false, true);
    int fd = tcp_connect(false, port);

    ck_assert(LOOP_UNTIL(n_peers == 1));
    close_fd(fd);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_str_eq(peers[0].reason,
                     "peer closed the connection during the TLS handshake");
}
END_TEST

START_TEST(tls_close_with_flush_during_handshake)
{
    uint16_t port = listen_tls(false, true);
    int fd = tcp_connect(false, port);
    uint8_t msg[8], buf[64];
    bool eof;

    ck_assert(LOOP_UNTIL(n_peers == 1));
    make_msg(msg, sizeof msg, OFPT_HELLO, 0);
    ck_assert_int_eq(sl_conn_send_raw(peers[0].conn, msg, sizeof msg), 0);
    sl_conn_close(peers[0].conn, "early", true);
    ck_assert(LOOP_UNTIL(peers[0].n_closed == 1));
    ck_assert_str_eq(peers[0].reason, "early");
    /* No plaintext ever reaches the socket. */
    ck_assert_uint_eq(read_some(fd, buf, sizeof buf, &eof), 0);
    ck_assert(eof);
}
END_TEST

START_TEST(tcp_client_to_tls_listener_is_closed)
{
    uint16_t port = listen_tls(false, true);
    int fd = tcp_connect(false, port);
    uint8_t hello[8], buf[256];
    bool eof;

    make_msg(hello, sizeof hello, OFPT_HELLO, 1);
    write_all(fd, hello, sizeof hello);
    ck_assert(LOOP_UNTIL(n_peers == 1 && peers[0].n_closed == 1));
    ck_assert_msg(strncmp(peers[0].reason, "TLS handshake failed: ", 22) == 0,
                  "reason: %s", peers[0].reason);
    ck_assert_int_eq(peers[0].n_msgs, 0);
    read_some(fd, buf, sizeof buf, &eof);
    ck_assert(eof);
}
END_TEST

START_TEST(tls_client_to_tcp_listener_is_closed)
{
    uint16_t port = listen_tcp(false);
    struct tls_client *c;

    next_peer()->close_on_msg = true;
    c = tls_connect("switch", false, port);
    ck_assert(LOOP_UNTIL(n_peers == 1 && peers[0].n_closed == 1));
    /* The ClientHello is not OpenFlow: the conn either frames it as a
     * message (which the owner refuses) or finds a bad length. */
    ck_assert_msg(!strcmp(peers[0].reason, "closed by owner") ||
                      !strncmp(peers[0].reason, "bad message length", 18),
                  "reason: %s", peers[0].reason);
    ck_assert_int_le(peers[0].n_msgs, 1);
    ck_assert(LOOP_UNTIL(c->eof || c->error));
    ck_assert(!c->connected);
}
END_TEST

/* ---- TLS context errors ---- */

static void
assert_ctx_error(const char *cert, const char *key, const char *ca,
                 bool verify_peer, const char *want_file, const char *want)
{
    char err[512] = "";
    char full[1024];

    SSL_CTX *ctx =
        make_server_ctx(cert, key, ca, verify_peer, err, sizeof err);
    ck_assert_ptr_null(ctx);
    if (want_file) {
        snprintf(full, sizeof full, "%s: %s",
                 test_tls_path(tls_dir, want_file), want);
    } else {
        snprintf(full, sizeof full, "%s", want);
    }
    ck_assert_msg(strncmp(err, full, strlen(full)) == 0,
                  "error \"%s\", want \"%s\"", err, full);
}

static void
write_file(const char *name, const char *text)
{
    FILE *f = fopen(test_tls_path(tls_dir, name), "w");

    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(tls_ctx_accepts_test_pki)
{
    char err[512] = "";
    SSL_CTX *ctx = make_server_ctx("server.crt", "server.key", "ca.crt", true,
                                   err, sizeof err);

    ck_assert_msg(ctx != NULL, "%s", err);
    ck_assert_int_eq(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
    ck_assert_int_eq(SSL_CTX_get_verify_mode(ctx),
                     SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    ck_assert_int_eq(sk_X509_NAME_num(SSL_CTX_get_client_CA_list(ctx)), 1);
    SSL_CTX_free(ctx);

    ctx = make_server_ctx("server.crt", "server.key", NULL, false, err,
                          sizeof err);
    ck_assert_msg(ctx != NULL, "%s", err);
    ck_assert_int_eq(SSL_CTX_get_verify_mode(ctx), SSL_VERIFY_NONE);
    SSL_CTX_free(ctx);
}
END_TEST

START_TEST(tls_ctx_missing_settings)
{
    assert_ctx_error(NULL, "server.key", "ca.crt", true, NULL,
                     "openflow.tls.certificate is required for ssl: "
                     "listeners");
    assert_ctx_error("server.crt", NULL, "ca.crt", true, NULL,
                     "openflow.tls.private_key is required for ssl: "
                     "listeners");
    assert_ctx_error("server.crt", "server.key", NULL, true, NULL,
                     "openflow.tls.ca_certificate is required unless "
                     "openflow.tls.verify_peer is false");
}
END_TEST

START_TEST(tls_ctx_missing_files)
{
    char want[128];

    snprintf(want, sizeof want, "%s", strerror(ENOENT));
    assert_ctx_error("nope.crt", "server.key", "ca.crt", true, "nope.crt",
                     want);
    assert_ctx_error("server.crt", "nope.key", "ca.crt", true, "nope.key",
                     want);
    assert_ctx_error("server.crt", "server.key", "nope-ca.crt", true,
                     "nope-ca.crt", want);
    assert_ctx_error("server.crt", "server.key", "nope-ca.crt", false,
                     "nope-ca.crt", want);
}
END_TEST

START_TEST(tls_ctx_directory_is_not_a_file)
{
    char err[512] = "";
    struct sl_config cfg;
    char want[4200];

    memset(&cfg, 0, sizeof cfg);
    cfg.tls_certificate = tls_dir;
    cfg.tls_private_key = tls_dir;
    cfg.tls_verify_peer = false;
    ck_assert_ptr_null(sl_tls_ctx_create(&cfg, err, sizeof err));
    snprintf(want, sizeof want, "%s: not a regular file", tls_dir);
    ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(tls_ctx_key_not_matching_cert)
{
    char want[4200];

    snprintf(want, sizeof want,
             "private key does not match the "
             "certificate %s",
             test_tls_path(tls_dir, "server.crt"));
    assert_ctx_error("server.crt", "switch.key", "ca.crt", true, "switch.key",
                     want);
}
END_TEST

START_TEST(tls_ctx_garbage_pem)
{
    write_file("garbage.pem", "this is not PEM\n");
    write_file("empty.pem", "");
    assert_ctx_error("garbage.pem", "server.key", "ca.crt", true,
                     "garbage.pem", "not a PEM certificate");
    assert_ctx_error("empty.pem", "server.key", "ca.crt", true, "empty.pem",
                     "not a PEM certificate");
    assert_ctx_error("server.crt", "garbage.pem", "ca.crt", true,
                     "garbage.pem", "not an unencrypted PEM private key");
    assert_ctx_error("server.crt", "server.crt", "ca.crt", true, "server.crt",
                     "not an unencrypted PEM private key");
    assert_ctx_error("server.crt", "server.key", "garbage.pem", true,
                     "garbage.pem", "not a PEM CA certificate");
}
END_TEST

START_TEST(tls_ctx_small_error_buffer_is_safe)
{
    char err[8];

    ck_assert_ptr_null(make_server_ctx("nope.crt", "server.key", "ca.crt",
                                       true, err, sizeof err));
    ck_assert_uint_eq(strlen(err), sizeof err - 1);
    ck_assert_ptr_null(
        make_server_ctx("nope.crt", "server.key", "ca.crt", true, NULL, 0));
}
END_TEST

/* ---- private key permissions ---- */

/* Copies the server's key to 'name' in the PKI with mode 'mode' (exactly:
 * the umask does not apply) and returns its path. */
static const char *
key_with_mode(const char *name, mode_t mode)
{
    char buf[4096];
    const char *path = test_tls_path(tls_dir, name);
    FILE *in = fopen(test_tls_path(tls_dir, "server.key"), "r");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    ck_assert_ptr_nonnull(in);
    ck_assert_int_ge(fd, 0);
    size_t n = fread(buf, 1, sizeof buf, in);
    ck_assert_uint_gt(n, 0);
    ck_assert_int_eq(write(fd, buf, n), (ssize_t) n);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    ck_assert_int_eq(close(fd), 0);
    fclose(in);
    return path;
}

/* Builds a context with the server's certificate and the key 'key_name'
 * (in the PKI), with 'allow_insecure'. */
static SSL_CTX *
ctx_with_key(const char *key_name, bool allow_insecure, char *err,
             size_t errlen)
{
    struct sl_config cfg;
    char certp[4096], keyp[4096], cap[4096];

    memset(&cfg, 0, sizeof cfg);
    snprintf(certp, sizeof certp, "%s", test_tls_path(tls_dir, "server.crt"));
    snprintf(keyp, sizeof keyp, "%s", test_tls_path(tls_dir, key_name));
    snprintf(cap, sizeof cap, "%s", test_tls_path(tls_dir, "ca.crt"));
    cfg.has_tls = true;
    cfg.tls_certificate = certp;
    cfg.tls_private_key = keyp;
    cfg.tls_ca_certificate = cap;
    cfg.tls_verify_peer = true;
    cfg.tls_allow_insecure_key = allow_insecure;
    return sl_tls_ctx_create(&cfg, err, errlen);
}

/* Asserts that a key of mode 'mode' is refused, both by the check and by
 * the context, with "PATH: private key is 'what' (mode 'mode'): ...". */
static void
assert_key_refused(mode_t mode, const char *what)
{
    char name[64], err[1024] = "", want[4200];

    snprintf(name, sizeof name, "key-%04o.key", (unsigned int) mode);
    const char *path = key_with_mode(name, mode);
    snprintf(want, sizeof want, "%s: private key is %s (mode %04o): chmod "
             "600 it, or set openflow.tls.allow_insecure_key: true", path,
             what, (unsigned int) mode);
    ck_assert_int_eq(sl_tls_check_key(path, false, err, sizeof err), EPERM);
    ck_assert_str_eq(err, want);
    err[0] = '\0';
    ck_assert_ptr_null(ctx_with_key(name, false, err, sizeof err));
    ck_assert_str_eq(err, want);
    /* Allowed: a warning, and the key is used. */
    err[0] = '\0';
    ck_assert_int_eq(sl_tls_check_key(path, true, err, sizeof err), 0);
    SSL_CTX *ctx = ctx_with_key(name, true, err, sizeof err);
    ck_assert_msg(ctx != NULL, "%s", err);
    SSL_CTX_free(ctx);
    unlink(path);
}

START_TEST(tls_key_mode_0600_accepted)
{
    char err[1024] = "";
    const char *path = key_with_mode("key-0600.key", 0600);

    ck_assert_int_eq(sl_tls_check_key(path, false, err, sizeof err), 0);
    SSL_CTX *ctx = ctx_with_key("key-0600.key", false, err, sizeof err);
    ck_assert_msg(ctx != NULL, "%s", err);
    SSL_CTX_free(ctx);
    /* 0400 too. */
    ck_assert_int_eq(chmod(path, 0400), 0);
    ck_assert_int_eq(sl_tls_check_key(path, false, err, sizeof err), 0);
    unlink(path);
}
END_TEST

START_TEST(tls_key_mode_0640_accepted)
{
    char err[1024] = "";
    const char *path = key_with_mode("key-0640.key", 0640);

    /* Readable by the group sluice runs as: the usual root:sluice 0640. */
    ck_assert_int_eq(sl_tls_check_key(path, false, err, sizeof err), 0);
    SSL_CTX *ctx = ctx_with_key("key-0640.key", false, err, sizeof err);
    ck_assert_msg(ctx != NULL, "%s", err);
    SSL_CTX_free(ctx);
    /* The group's execute bit says nothing about reading or writing. */
    ck_assert_int_eq(chmod(path, 0750), 0);
    ck_assert_int_eq(sl_tls_check_key(path, false, err, sizeof err), 0);
    unlink(path);
}
END_TEST

START_TEST(tls_key_world_readable_refused)
{
    assert_key_refused(0644, "world-readable");
    assert_key_refused(0604, "world-readable");
    assert_key_refused(0666, "world-readable");
}
END_TEST

START_TEST(tls_key_world_readable_allowed_when_configured)
{
    char err[1024] = "";
    const char *path = key_with_mode("key-allowed.key", 0644);

    ck_assert_int_eq(sl_tls_check_key(path, true, err, sizeof err), 0);
    ck_assert_str_eq(err, "");
    SSL_CTX *ctx = ctx_with_key("key-allowed.key", true, err, sizeof err);
    ck_assert_msg(ctx != NULL, "%s", err);
    SSL_CTX_free(ctx);
    unlink(path);
}
END_TEST

START_TEST(tls_key_writable_by_others_refused)
{
    assert_key_refused(0602, "world-writable");
    assert_key_refused(0660, "group-writable");
    assert_key_refused(0620, "group-writable");
    assert_key_refused(0601, "open to other users");
}
END_TEST

START_TEST(tls_key_check_follows_symlinks)
{
    char err[1024] = "", want[4200];
    const char *key = key_with_mode("key-target.key", 0644);
    char target[4096];

    snprintf(target, sizeof target, "%s", key);
    const char *link = test_tls_path(tls_dir, "key-link.key");
    ck_assert_int_eq(symlink(target, link), 0);
    /* The link's own mode (0777) is not what counts: the key's is. */
    snprintf(want, sizeof want, "%s: private key is world-readable (mode "
             "0644): chmod 600 it, or set openflow.tls.allow_insecure_key: "
             "true", link);
    ck_assert_int_eq(sl_tls_check_key(link, false, err, sizeof err), EPERM);
    ck_assert_str_eq(err, want);
    ck_assert_int_eq(chmod(target, 0600), 0);
    ck_assert_int_eq(sl_tls_check_key(link, false, err, sizeof err), 0);
    unlink(link);
    unlink(target);
}
END_TEST

START_TEST(tls_key_check_missing_file)
{
    char err[1024] = "", want[4200];
    const char *path = test_tls_path(tls_dir, "no-such.key");

    snprintf(want, sizeof want, "%s: %s", path, strerror(ENOENT));
    ck_assert_int_eq(sl_tls_check_key(path, false, err, sizeof err), ENOENT);
    ck_assert_str_eq(err, want);
    ck_assert_int_eq(sl_tls_check_key(path, true, err, sizeof err), ENOENT);
}
END_TEST

static Suite *
conn_suite(void)
{
    Suite *s = suite_create("conn");
    TCase *tc = tcase_create("listener");

    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, listener_binds_ipv4_port0_and_reports_port);
    tcase_add_test(tc, listener_binds_ipv6_port0_and_reports_port);
    tcase_add_test(tc, listener_address_in_use_names_listener);
    tcase_add_test(tc, listener_ssl_needs_tls_context);
    tcase_add_test(tc, listener_destroy_keeps_accepted_conns);
    tcase_add_test(tc, accept_out_of_descriptors_pauses_and_recovers);
    suite_add_tcase(s, tc);

    tc = tcase_create("framing");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, accept_names_conn_from_peer_address_ipv4);
    tcase_add_test(tc, accept_names_conn_from_peer_address_ipv6);
    tcase_add_test(tc, one_message_delivered_whole);
    tcase_add_test(tc, many_messages_in_one_write_in_order);
    tcase_add_test(tc, message_split_byte_by_byte_delivered_once);
    tcase_add_test(tc, largest_message_65535_bytes);
    tcase_add_test(tc, bulk_input_beyond_read_watermark_all_delivered);
    tcase_add_test(tc, length_field_zero_closes_with_reason);
    tcase_add_test(tc, length_field_seven_closes_with_reason);
    tcase_add_test(tc, eof_closes_once);
    tcase_add_test(tc, eof_mid_message_delivers_nothing);
    tcase_add_test(tc, messages_before_eof_are_delivered);
    tcase_add_test(tc, nothing_delivered_before_set_ops);
    tcase_add_test(tc, destroy_without_set_ops_frees_everything);
    suite_add_tcase(s, tc);

    tc = tcase_create("close");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, closed_is_never_called_from_inside_close);
    tcase_add_test(tc, close_with_flush_sends_queued_output);
    tcase_add_test(tc, close_without_flush_drops_queued_output);
    tcase_add_test(tc, close_with_flush_gives_up_after_deadline);
    tcase_add_test(tc, peer_eof_ends_a_flush_at_once);
    tcase_add_test(tc, destroy_inside_closed);
    tcase_add_test(tc, no_msg_after_close_requested_in_msg);
    tcase_add_test(tc, destroy_inside_msg_is_survived);
    tcase_add_test(tc, eof_before_set_ops_reported_after);
    tcase_add_test(tc, destroy_closes_socket_and_frees);
    suite_add_tcase(s, tc);

    tc = tcase_create("output");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, send_encodes_into_output);
    tcase_add_test(tc, send_large_encoded_message);
    tcase_add_test(tc, send_invalid_message_einval_nothing_queued);
    tcase_add_test(tc, send_raw_rejects_partial_messages);
    tcase_add_test(tc, output_over_cap_enobufs_and_closes);
    tcase_add_test(tc, backlogged_output_drains_then_sends_resume);
    tcase_add_test(tc, send_from_timer_is_written);
    tcase_add_test(tc, write_to_reset_peer_closes_once);
    tcase_add_test(tc, encoded_send_over_cap_enobufs);
    tcase_add_test(tc, stats_count_bytes_and_messages);
    tcase_add_test(tc, echo_from_msg_callback_round_trips);
    suite_add_tcase(s, tc);

    tc = tcase_create("tls");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tls_handshake_and_messages_both_ways);
    tcase_add_test(tc, tls_over_ipv6);
    tcase_add_test(tc, tls_peer_sha256_matches_certificate);
    tcase_add_test(tc, tcp_conn_has_no_peer_sha256);
    tcase_add_test(tc, tls_rogue_cert_refused_with_verify_error);
    tcase_add_test(tc, tls_expired_cert_refused);
    tcase_add_test(tc, tls_no_client_cert_refused_when_verify_peer);
    tcase_add_test(tc, tls_no_client_cert_accepted_without_verify_peer);
    tcase_add_test(tc, tls_rogue_cert_accepted_without_verify_peer);
    tcase_add_test(tc, tls_bulk_input_all_delivered_in_order);
    tcase_add_test(tc, tls_close_with_flush_sends_queued_output);
    tcase_add_test(tc, tls_client_eof_closes);
    tcase_add_test(tc, tls_destroy_releases_everything);
    tcase_add_test(tc, tls_client_gone_during_handshake);
    tcase_add_test(tc, tls_close_with_flush_during_handshake);
    tcase_add_test(tc, tcp_client_to_tls_listener_is_closed);
    tcase_add_test(tc, tls_client_to_tcp_listener_is_closed);
    suite_add_tcase(s, tc);

    tc = tcase_create("tls-context");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tls_ctx_accepts_test_pki);
    tcase_add_test(tc, tls_ctx_missing_settings);
    tcase_add_test(tc, tls_ctx_missing_files);
    tcase_add_test(tc, tls_ctx_directory_is_not_a_file);
    tcase_add_test(tc, tls_ctx_key_not_matching_cert);
    tcase_add_test(tc, tls_ctx_garbage_pem);
    tcase_add_test(tc, tls_ctx_small_error_buffer_is_safe);
    tcase_add_test(tc, tls_key_mode_0600_accepted);
    tcase_add_test(tc, tls_key_mode_0640_accepted);
    tcase_add_test(tc, tls_key_world_readable_refused);
    tcase_add_test(tc, tls_key_world_readable_allowed_when_configured);
    tcase_add_test(tc, tls_key_writable_by_others_refused);
    tcase_add_test(tc, tls_key_check_follows_symlinks);
    tcase_add_test(tc, tls_key_check_missing_file);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_tls_run_suite(conn_suite(), &tls_dir);
}
