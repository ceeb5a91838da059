/* rest/server: the northbound API's HTTP(S) server on evhttp; see
 * server.h.
 *
 * libevent 2.1 does not export evhttp_get_request(), so evhttp accepts on
 * our own evconnlistener (evhttp_bind_listener(): our bind, backlog and
 * IPV6_V6ONLY) and we meet each connection in the bufferevent callback
 * (evhttp_set_bevcb()), where we make its bufferevent (plain or OpenSSL)
 * and a 'struct rest_conn'.  An event activated there ("attach") runs in
 * the same loop pass, before any I/O on the socket: by then evhttp has
 * made its evhttp_connection (the bufferevent's callback argument), so we
 * set its close callback, which evhttp calls whenever it frees an
 * incoming connection.  That is where the open-connection count goes
 * down.  At max_connections the attach step makes room by closing the
 * connection that has waited longest for a request (none in progress, no
 * stream), if it has waited REST_EVICT_AFTER_MS or more: idle and slow
 * connections (slowloris) then cannot lock normal clients out, and a burst
 * of new clients still gets a clear refusal.  Otherwise it writes a plain
 * 503 to the socket itself (HTTP) or just closes it (HTTPS: no handshake
 * for a refusal).  It makes evhttp drop a connection by raising EOF on the
 * bufferevent (bufferevent_trigger_event()), the path evhttp takes for a
 * peer that went away.  Every close we decide (slow client, dropped
 * stream, gone client, eviction) takes that path.  The connections waiting
 * for a request are on the 'waiting' list, in the order they began to
 * wait, so the oldest is found at once.
 *
 * evhttp stops reading a connection while its request is with the user,
 * so it would not see the client leave.  While a request is pending we
 * watch the socket ourselves (EV_READ|EV_CLOSED): EOF, an error or
 * EV_CLOSED mean the client went away; other bytes (a pipelined request,
 * a TLS alert without FIN) end the watch, and the request then simply
 * completes.  A cancelled request's evhttp_request was left to us by
 * evhttp (it unlinks unfinished requests from a connection it frees on
 * EOF); we free it.  Cancel and stream-closed callbacks run from our own
 * deferred event, never from inside evhttp or a rest_*() call.
 *
 * evhttp answers some requests itself with an HTML page: a body over
 * max_body (413), headers over max_headers or a malformed request (400:
 * evhttp does not tell the two apart), a bad Expect (417).
 * A callback on each connection's output buffer spots that page (its
 * fixed "</BODY></HTML>\n" tail, never in our own replies) as evhttp
 * adds it, before a byte is written, and replaces it with our JSON error;
 * the status line and "Connection: close" stay.
 *
 * The request timeout: evhttp's own timeouts only bound the gap between
 * two reads, so a per-connection deadline timer bounds the whole request
 * (from the accept, or from the end of the previous reply, to the request
 * reaching us).  An event stream has no read timeout, a write timeout of
 * request_timeout and a bounded input buffer.
 *
 * When accept() fails for want of descriptors or memory (EMFILE, ENFILE,
 * ENOBUFS, ENOMEM), the listener pauses for REST_ACCEPT_PAUSE_MS: the
 * pending connection stays readable, and retrying at once would spin.
 *
 * rest_server_inject() makes a request without a connection (the REST
 * fuzz target drives the server with it): its evhttp_request is our own
 * (evhttp_request_new(): headers and body only), its target is parsed as
 * evhttp parses a request line's, and from there it takes the same path
 * as a request from evhttp (req_dispatch()); req_send() hands its reply
 * to the caller's callback instead of evhttp. */
#include <config.h>
#include "rest/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include "controller/list.h"
#include "controller/log.h"
#include "controller/util.h"
#include "rest/route.h"

SL_LOG_MODULE(rest);

/* Connections the kernel may queue before we accept them. */
#define REST_LISTEN_BACKLOG 1024
/* Deepest JSON nesting a body may have. */
#define REST_JSON_MAX_DEPTH 64
/* Input an event stream's connection may buffer (a client has nothing to
 * say on it). */
#define REST_STREAM_READ_MAX 4096
/* Bytes of a refused client's early input read before closing, so the
 * close is a FIN and not a reset that could discard our 503. */
#define REST_REFUSE_DRAIN 65536
/* Longest "http://[address]:port". */
#define REST_URL_MAX 80
/* How long a connection must have waited for a request before a new one
 * may take its place at max_connections. */
#define REST_EVICT_AFTER_MS 1000
/* Pause of the listener after accept() ran out of descriptors. */
#define REST_ACCEPT_PAUSE_MS 100

struct rest_route {
    struct sl_list node; /* In rest_server's 'routes', in order. */
    unsigned methods;
    char *pattern;
    char *owner; /* NULL for the core. */
    rest_handler *handler;
    void *aux;
    struct rest_pattern pat;
    bool slash; /* 'pat' and then a trailing slash (an empty segment). */
};

/* One client connection, from evhttp's bufferevent callback to its close
 * callback. */
struct rest_conn {
    struct sl_list node;        /* In rest_server's 'conns'. */
    struct sl_list wait_node;   /* In 'waiting' while 'deadline_ev' runs. */
    struct timespec wait_start; /* When it began to wait for a request. */
    struct rest_server *server;
    struct bufferevent *bev;         /* Made by us, owned by evhttp. */
    struct evhttp_connection *evcon; /* Known from the attach step on. */
    struct evbuffer_cb_entry *out_cb;
    struct event *attach_ev;
    struct event *deadline_ev;
    struct event *watch_ev; /* Made when a request first waits. */
    struct rest_req *req;   /* Being handled, or streaming. */
    bool counted;           /* In stats.connections. */
    bool rewriting;         /* Inside conn_output_cb's own edit. */
};

struct rest_req {
    struct rest_server *server;
    struct rest_conn *conn;      /* NULL once the client is gone. */
    struct evhttp_request *ereq; /* NULL once evhttp owns it again. */
    bool ereq_owned;             /* evhttp left 'ereq' to us to free. */
    struct sl_list defer_node;   /* In 'deferred' while 'queued'. */
    bool queued;
    enum rest_method method;
    const char *method_name;
    char *path;
    char **segs; /* Decoded path segments. */
    size_t n_segs;
    char **params; /* Name, value, name, value... */
    size_t n_params;
    char **query; /* Name, value, ... */
    size_t n_query;
    char *raw_query; /* As received, "" if none. */
    void (*cancel_cb)(void *aux);
    void *cancel_aux;
    struct rest_stream *stream;
    struct timespec start;
    bool close; /* Close the connection after the reply. */
    /* Made by rest_server_inject(): no connection, the reply goes to
     * 'inject_cb'.  In rest_server's 'injected' until freed. */
    bool injected;
    struct sl_list inject_node;
    rest_inject_cb *inject_cb;
    void *inject_aux;
};

struct rest_stream {
    struct rest_req *req;
    void (*closed)(void *aux);
    void *aux;
    bool closing; /* Queued to finish; no more sends. */
    bool drop;    /* Finish by closing the connection. */
};

struct rest_server {
    struct sl_list all_node; /* In 'all_servers'. */
    struct event_base *base;
    struct evhttp *http;
    SSL_CTX *ssl_ctx;
    struct rest_server_limits limits;
    struct timeval timeout_tv;
    bool has_token;
    unsigned char token_sha[SHA256_DIGEST_LENGTH];
    struct event *defer_ev;
    struct sl_list deferred; /* rest_reqs whose callbacks are due. */
    struct sl_list conns;
    struct sl_list waiting; /* rest_conns waiting for a request, oldest
                             * first. */
    struct sl_list routes;
    struct sl_list injected;         /* rest_reqs of rest_server_inject(). */
    struct evconnlistener *listener; /* Owned by 'http'. */
    struct event *resume_ev;         /* Ends an accept pause. */
    bool replying;   /* Inside one of our evhttp_send_reply*() calls. */
    bool destroying; /* Inside rest_server_destroy(). */
    uint16_t port;
    char url[REST_URL_MAX];
    struct rest_server_stats stats;
};

static void conn_closed_cb(struct evhttp_connection *, void *conn_);
static void req_free(struct rest_req *);
static void req_dispatch(struct rest_req *, const char *path,
                         const char *raw_query);
static void stream_finish(struct rest_stream *);

/* ---- small helpers ---- */

static const char *
status_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 417:
        return "Expectation Failed";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    }
    return status < 300 ? "OK" : status < 500 ? "Error" : "Server Error";
}

static uint64_t
elapsed_us(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t us = (int64_t) (now.tv_sec - start->tv_sec) * 1000000 +
                 (now.tv_nsec - start->tv_nsec) / 1000;
    return us > 0 ? (uint64_t) us : 0;
}

static void
count_reply(struct rest_server *server, int status)
{
    server->stats.requests++;
    if (status >= 100 && status < 600) {
        server->stats.by_class[status / 100]++;
        server->stats.by_status[status]++;
    }
}

/* A JSON string for 's' even when 's' is not valid UTF-8 (a decoded path
 * may hold any byte): such bytes become '?'. */
static json_t *
json_text(const char *s)
{
    json_t *j = json_string(s);
    if (j) {
        return j;
    }
    char *copy = sl_xstrdup(s);
    for (char *p = copy; *p; p++) {
        if ((unsigned char) *p >= 0x80) {
            *p = '?';
        }
    }
    j = json_string(copy);
    free(copy);
    return j;
}

static int
hexval(int c)
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

/* Decodes 'n' bytes of 's' ('plus': '+' is a space, as in a query).
 * Returns a new string, or NULL for an invalid escape or an encoded NUL. */
static char *
pct_decode(const char *s, size_t n, bool plus)
{
    char *out = sl_xmalloc(n + 1);
    size_t j = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi | lo) == 0) {
                free(out);
                return NULL;
            }
            out[j++] = (char) (hi << 4 | lo);
            i += 2;
        } else if (s[i] == '+' && plus) {
            out[j++] = ' ';
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    return out;
}

/* ---- routes ---- */

static void
route_free(struct rest_route *r)
{
    rest_pattern_free(&r->pat);
    free(r->pattern);
    free(r->owner);
    free(r);
}

static int
route_add(struct rest_server *server, unsigned methods, const char *pattern,
          bool slash, rest_handler *handler, void *aux, const char *owner)
{
    const unsigned all =
        REST_GET | REST_POST | REST_PUT | REST_DELETE | REST_HEAD;

    if (!methods || (methods & ~all) || !pattern || !handler) {
        return EINVAL;
    }
    struct rest_route *r = sl_xcalloc(1, sizeof *r);
    int error = rest_pattern_parse(&r->pat, pattern);
    if (error) {
        route_free(r);
        return error;
    }
    struct rest_route *other;
    SL_LIST_FOR_EACH(other, node, &server->routes)
    {
        if ((other->methods & methods) && other->slash == slash &&
            rest_pattern_same_shape(&r->pat, &other->pat)) {
            route_free(r);
            return EEXIST;
        }
    }
    r->methods = methods;
    r->slash = slash;
    r->pattern = sl_xmalloc(strlen(pattern) + 2);
    snprintf(r->pattern, strlen(pattern) + 2, "%s%s", pattern,
             slash ? "/" : "");
    r->owner = owner ? sl_xstrdup(owner) : NULL;
    r->handler = handler;
    r->aux = aux;
    sl_list_push_back(&server->routes, &r->node);
    return 0;
}

int
rest_route_add(struct rest_server *server, unsigned methods,
               const char *pattern, rest_handler *handler, void *aux,
               const char *owner)
{
    return route_add(server, methods, pattern, false, handler, aux, owner);
}

int
rest_route_add_slash(struct rest_server *server, unsigned methods,
                     const char *pattern, rest_handler *handler, void *aux,
                     const char *owner)
{
    if (!pattern || !strcmp(pattern, "/")) {
        return EINVAL; /* "/" is rest_route_add()'s. */
    }
    return route_add(server, methods, pattern, true, handler, aux, owner);
}

size_t
rest_route_remove_owner(struct rest_server *server, const char *owner)
{
    struct rest_route *r, *next;
    size_t n = 0;

    SL_LIST_FOR_EACH_SAFE(r, next, node, &server->routes)
    {
        if (owner ? r->owner && !strcmp(r->owner, owner) : !r->owner) {
            sl_list_remove(&r->node);
            route_free(r);
            n++;
        }
    }
    return n;
}

void
rest_route_foreach(const struct rest_server *server,
                   void (*cb)(unsigned methods, const char *pattern,
                              const char *owner, void *aux),
                   void *aux)
{
    const struct rest_route *r;

    SL_LIST_FOR_EACH(r, node, &server->routes)
    {
        cb(r->methods, r->pattern, r->owner, aux);
    }
}

/* Finds the best route for 'method' and the segments; '*allow' gets the
 * methods of every route matching the path. */
static struct rest_route *
route_find(struct rest_server *server, unsigned method, char **segs, size_t n,
           unsigned *allow)
{
    struct rest_route *r, *best = NULL;

    *allow = 0;
    SL_LIST_FOR_EACH(r, node, &server->routes)
    {
        if (r->slash ? !n || segs[n - 1][0] ||
                           !rest_pattern_matches(&r->pat, segs, n - 1)
                     : !rest_pattern_matches(&r->pat, segs, n)) {
            continue;
        }
        unsigned m = r->methods | (r->methods & REST_GET ? REST_HEAD : 0);
        *allow |= m;
        if ((m & method) &&
            (!best || rest_pattern_better(&r->pat, &best->pat))) {
            best = r;
        }
    }
    return best;
}

static void
format_allow(unsigned allow, char *buf, size_t size)
{
    static const struct {
        unsigned m;
        const char *name;
    } names[] = {
        {REST_GET, "GET"}, {REST_HEAD, "HEAD"},     {REST_POST, "POST"},
        {REST_PUT, "PUT"}, {REST_DELETE, "DELETE"},
    };
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (allow & names[i].m) {
            len += snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                            names[i].name);
        }
    }
}

/* ---- connections ---- */

static void
conn_free(struct rest_conn *conn)
{
    sl_list_remove(&conn->node);
    sl_list_remove(&conn->wait_node);
    event_free(conn->attach_ev);
    event_free(conn->deadline_ev);
    if (conn->watch_ev) {
        event_free(conn->watch_ev);
    }
    free(conn);
}

/* Makes evhttp close 'conn' as for a client that went away ('what' from
 * BEV_EVENT_*).  evhttp frees the connection before this returns:
 * conn_closed_cb() runs and 'conn' is gone. */
static void
conn_kill(struct rest_conn *conn, short what)
{
    bufferevent_trigger_event(conn->bev, what, 0);
}

/* 'conn' begins to wait for a request: the deadline runs, and it goes to
 * the end of the 'waiting' list. */
static void
conn_deadline_start(struct rest_conn *conn)
{
    struct rest_server *server = conn->server;

    if (!server->destroying) {
        event_add(conn->deadline_ev, &server->timeout_tv);
        clock_gettime(CLOCK_MONOTONIC, &conn->wait_start);
        sl_list_remove(&conn->wait_node);
        sl_list_push_back(&server->waiting, &conn->wait_node);
    }
}

/* A request reached us on 'conn'. */
static void
conn_deadline_stop(struct rest_conn *conn)
{
    event_del(conn->deadline_ev);
    sl_list_remove(&conn->wait_node);
}

static void
conn_deadline_cb(evutil_socket_t fd, short what, void *conn_)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);
    struct rest_conn *conn = conn_;

    (void) fd;
    (void) what;
    SL_DBG_RL(&rl, "closing a client that did not send a request in time");
    conn_kill(conn, BEV_EVENT_TIMEOUT | BEV_EVENT_READING);
}

static void
conn_watch_cb(evutil_socket_t fd, short what, void *conn_)
{
    struct rest_conn *conn = conn_;
    char c;

    if (!(what & EV_CLOSED)) {
        ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
                                errno == EINTR))) {
            /* Bytes we may not consume: stop watching rather than spin. */
            event_del(conn->watch_ev);
            return;
        }
    }
    conn_kill(conn, BEV_EVENT_EOF | BEV_EVENT_READING);
}

static void
conn_watch_start(struct rest_conn *conn)
{
    if (!conn->watch_ev) {
        conn->watch_ev =
            event_new(conn->server->base, bufferevent_getfd(conn->bev),
                      EV_READ | EV_CLOSED | EV_PERSIST, conn_watch_cb, conn);
        if (!conn->watch_ev) {
            sl_out_of_memory();
        }
    }
    event_add(conn->watch_ev, NULL);
}

static void
conn_watch_stop(struct rest_conn *conn)
{
    if (conn->watch_ev) {
        event_del(conn->watch_ev);
    }
}

/* Puts 'req' on the deferred list: its cancel or closed callback is due. */
static void
req_defer(struct rest_req *req)
{
    struct rest_server *server = req->server;

    if (!req->queued) {
        req->queued = true;
        sl_list_push_back(&server->deferred, &req->defer_node);
        event_active(server->defer_ev, 0, 0);
    }
}

/* evhttp is freeing the connection. */
static void
conn_closed_cb(struct evhttp_connection *evcon, void *conn_)
{
    struct rest_conn *conn = conn_;
    struct rest_server *server = conn->server;
    struct rest_req *req = conn->req;

    (void) evcon;
    evbuffer_remove_cb_entry(bufferevent_get_output(conn->bev), conn->out_cb);
    if (conn->counted) {
        server->stats.connections--;
    }
    if (req) {
        /* evhttp unlinks an unanswered request from a connection that
         * failed and leaves it to us; one still linked, it frees. */
        conn->req = NULL;
        req->conn = NULL;
        if (req->ereq && !evhttp_request_get_connection(req->ereq)) {
            req->ereq_owned = true;
        } else {
            req->ereq = NULL;
        }
        if (req->stream) {
            req->stream->closing = true;
        }
        req_defer(req);
    }
    conn_free(conn);
}

/* Replaces evhttp's HTML error page, just completed in 'buf', by ours. */
static void
conn_rewrite_error(struct rest_conn *conn, struct evbuffer *buf)
{
    static const char head_end[] = "\r\n\r\n<HTML><HEAD>";
    struct rest_server *server = conn->server;
    size_t len = evbuffer_get_length(buf);
    const char *all = (const char *) evbuffer_pullup(buf, -1);
    const char *hend = NULL, *start = NULL;

    for (const char *p = all; p + sizeof head_end - 1 <= all + len; p++) {
        p = memchr(p, '\r', all + len - p);
        if (!p) {
            break;
        }
        if ((size_t) (all + len - p) >= sizeof head_end - 1 &&
            !memcmp(p, head_end, sizeof head_end - 1)) {
            hend = p;
        }
    }
    if (!hend) {
        return;
    }
    for (const char *p = all; p < hend; p++) {
        if ((p == all || p[-1] == '\n') && hend - p > 12 &&
            !memcmp(p, "HTTP/1.", 7)) {
            start = p;
        }
    }
    if (!start) {
        return;
    }
    char version = start[7];
    int status = atoi(start + 9);
    const char *error, *detail;
    char detail_buf[160];
    switch (status) {
    case 413:
        error = "request too large";
        snprintf(detail_buf, sizeof detail_buf,
                 "the body is over %zu bytes or the headers over %zu bytes",
                 server->limits.max_body, server->limits.max_headers);
        detail = detail_buf;
        break;
    case 400:
        error = "bad request";
        snprintf(detail_buf, sizeof detail_buf,
                 "malformed HTTP request, or headers over %zu bytes",
                 server->limits.max_headers);
        detail = detail_buf;
        break;
    case 417:
        error = "expectation failed";
        detail = "only \"Expect: 100-continue\" is supported";
        break;
    default:
        error = "HTTP error";
        detail = status_reason(status);
        break;
    }
    json_t *j = json_pack("{s:s, s:s}", "error", error, "detail", detail);
    char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!body) {
        sl_out_of_memory();
    }

    size_t keep = (size_t) (start - all);
    struct evbuffer *prefix = evbuffer_new();
    if (!prefix) {
        sl_out_of_memory();
    }
    conn->rewriting = true;
    evbuffer_remove_buffer(buf, prefix, keep);
    evbuffer_drain(buf, evbuffer_get_length(buf));
    evbuffer_add_buffer(buf, prefix);
    evbuffer_add_printf(buf,
                        "HTTP/1.%c %d %s\r\n"
                        "Content-Type: application/json\r\n"
                        "Connection: close\r\n"
                        "Content-Length: %zu\r\n\r\n%s",
                        version, status, status_reason(status), strlen(body),
                        body);
    conn->rewriting = false;
    evbuffer_free(prefix);
    free(body);
    count_reply(server, status);
    SL_DBG("(evhttp) %d %s", status, error);
}

static void
conn_output_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
               void *conn_)
{
    static const char tail[] = "</BODY></HTML>\n";
    const size_t tail_len = sizeof tail - 1;
    struct rest_conn *conn = conn_;
    size_t len = evbuffer_get_length(buf);
    char got[sizeof tail];
    struct evbuffer_ptr pos;

    if (conn->server->replying || conn->rewriting || !info->n_added ||
        len < tail_len) {
        return;
    }
    evbuffer_ptr_set(buf, &pos, len - tail_len, EVBUFFER_PTR_SET);
    if (evbuffer_copyout_from(buf, &pos, got, tail_len) ==
            (ev_ssize_t) tail_len &&
        !memcmp(got, tail, tail_len)) {
        conn_rewrite_error(conn, buf);
    }
}

static void
conn_refuse(struct rest_conn *conn)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);
    static const char body[] =
        "{\"error\":\"too many connections\",\"detail\":\"the server "
        "already has its maximum of open connections\"}";
    struct rest_server *server = conn->server;
    char msg[512];
    char junk[4096];

    server->stats.refused_connections++;
    SL_WARN_RL(&rl, "refusing a connection: %u open already",
               server->stats.connections);
    if (!server->ssl_ctx) {
        evutil_socket_t fd = bufferevent_getfd(conn->bev);
        int n = snprintf(msg, sizeof msg,
                         "HTTP/1.1 503 Service Unavailable\r\n"
                         "Content-Type: application/json\r\n"
                         "Connection: close\r\n"
                         "Content-Length: %zu\r\n\r\n%s",
                         sizeof body - 1, body);
        if (send(fd, msg, (size_t) n, MSG_NOSIGNAL | MSG_DONTWAIT) == n) {
            count_reply(server, 503);
        }
        shutdown(fd, SHUT_WR);
        for (size_t total = 0; total < REST_REFUSE_DRAIN;) {
            ssize_t r = recv(fd, junk, sizeof junk, MSG_DONTWAIT);
            if (r <= 0) {
                break;
            }
            total += (size_t) r;
        }
    }
    conn_kill(conn, BEV_EVENT_EOF | BEV_EVENT_READING);
}

/* At max_connections: closes the connection that has waited longest for
 * a request, if it has waited REST_EVICT_AFTER_MS or more.  Returns true
 * if it closed one. */
static bool
conn_evict_oldest(struct rest_server *server)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);

    if (sl_list_is_empty(&server->waiting)) {
        return false;
    }
    struct rest_conn *old =
        SL_CONTAINER_OF(server->waiting.next, struct rest_conn, wait_node);
    uint64_t waited = elapsed_us(&old->wait_start);
    if (waited < (uint64_t) REST_EVICT_AFTER_MS * 1000) {
        return false;
    }
    server->stats.evicted_connections++;
    SL_WARN_RL(&rl,
               "%u connections open: closing one that waited %.1f s for a "
               "request, to make room",
               server->stats.connections, (double) waited / 1e6);
    conn_kill(old, BEV_EVENT_EOF | BEV_EVENT_READING);
    return true;
}

static void
conn_attach_cb(evutil_socket_t fd, short what, void *conn_)
{
    struct rest_conn *conn = conn_;
    struct rest_server *server = conn->server;
    void *evcon;

    (void) fd;
    (void) what;
    bufferevent_getcb(conn->bev, NULL, NULL, NULL, &evcon);
    conn->evcon = evcon;
    evhttp_connection_set_closecb(conn->evcon, conn_closed_cb, conn);
    if (server->stats.connections >= server->limits.max_connections &&
        !conn_evict_oldest(server)) {
        conn_refuse(conn);
        return;
    }
    conn->counted = true;
    server->stats.connections++;
    conn_deadline_start(conn);
}

/* evhttp's bufferevent callback: a new connection. */
static struct bufferevent *
server_bev_cb(struct event_base *base, void *server_)
{
    struct rest_server *server = server_;
    struct rest_conn *conn = sl_xcalloc(1, sizeof *conn);
    struct bufferevent *bev;

    conn->server = server;
    sl_list_init(&conn->wait_node);
    if (server->ssl_ctx) {
        SSL *ssl = SSL_new(server->ssl_ctx);
        if (!ssl) {
            sl_out_of_memory();
        }
        bev = bufferevent_openssl_socket_new(
            base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
        if (bev) {
            bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
        }
    } else {
        bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    }
    conn->attach_ev = event_new(base, -1, 0, conn_attach_cb, conn);
    conn->deadline_ev = evtimer_new(base, conn_deadline_cb, conn);
    if (!bev || !conn->attach_ev || !conn->deadline_ev) {
        sl_out_of_memory();
    }
    conn->bev = bev;
    conn->out_cb =
        evbuffer_add_cb(bufferevent_get_output(bev), conn_output_cb, conn);
    if (!conn->out_cb) {
        sl_out_of_memory();
    }
    sl_list_push_back(&server->conns, &conn->node);
    event_active(conn->attach_ev, 0, 0);
    return bev;
}

static struct rest_conn *
conn_of(struct rest_server *server, struct evhttp_request *ereq)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(ereq);
    struct bufferevent *bev =
        evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
    struct rest_conn *conn;

    SL_LIST_FOR_EACH(conn, node, &server->conns)
    {
        if (conn->bev == bev) {
            return conn;
        }
    }
    return NULL;
}

/* ---- requests ---- */

static void
req_free(struct rest_req *req)
{
    if (req->queued) {
        sl_list_remove(&req->defer_node);
    }
    if (req->injected) {
        sl_list_remove(&req->inject_node);
    }
    if (req->ereq_owned) {
        evhttp_request_free(req->ereq);
    }
    for (size_t i = 0; i < req->n_segs; i++) {
        free(req->segs[i]);
    }
    for (size_t i = 0; i < 2 * req->n_params; i++) {
        free(req->params[i]);
    }
    for (size_t i = 0; i < 2 * req->n_query; i++) {
        free(req->query[i]);
    }
    free(req->segs);
    free(req->params);
    free(req->query);
    free(req->raw_query);
    free(req->path);
    free(req);
}

static void
req_complete_cb(struct evhttp_request *ereq, void *conn_)
{
    (void) ereq;
    conn_deadline_start(conn_);
}

/* Sends the reply and frees 'req'.  'body' may be NULL with 'len' 0. */
static void
req_send(struct rest_req *req, int status, const char *content_type,
         const void *body, size_t len, const char *allow)
{
    struct rest_server *server = req->server;
    struct rest_conn *conn = req->conn;

    if (req->stream) {
        SL_ERR("reply on a request that became an event stream (ignored)");
        return;
    }
    if (req->injected) {
        rest_inject_cb *cb = req->inject_cb;
        void *aux = req->inject_aux;
        bool head = req->method == REST_HEAD;

        count_reply(server, status);
        SL_DBG("%s %s %d (in-process)", req->method_name, req->path, status);
        req_free(req);
        cb(aux, status, content_type, allow ? allow : "",
           head || !body ? "" : body, head ? 0 : len);
        return;
    }
    if (!conn) {
        /* The client went away; the reply stands for the cancel. */
        req_free(req);
        return;
    }
    struct evhttp_request *ereq = req->ereq;
    struct evkeyvalq *headers = evhttp_request_get_output_headers(ereq);
    struct evbuffer *out = evhttp_request_get_output_buffer(ereq);
    bool head = req->method == REST_HEAD;

    if (content_type) {
        evhttp_add_header(headers, "Content-Type", content_type);
    }
    if (allow && allow[0]) {
        evhttp_add_header(headers, "Allow", allow);
    }
    if (status == 401) {
        evhttp_add_header(headers, "WWW-Authenticate", "Bearer");
    }
    if (req->close) {
        evhttp_add_header(headers, "Connection", "close");
    }
    if (head) {
        char n[24];
        snprintf(n, sizeof n, "%zu", len);
        evhttp_add_header(headers, "Content-Length", n);
    } else if (len) {
        evbuffer_add(out, body, len);
    }
    conn_watch_stop(conn);
    conn->req = NULL;
    count_reply(server, status);
    SL_DBG("%s %s %d %" PRIu64 "us", req->method_name, req->path, status,
           elapsed_us(&req->start));
    evhttp_request_set_on_complete_cb(ereq, req_complete_cb, conn);
    req->ereq = NULL;
    req_free(req);
    server->replying = true;
    evhttp_send_reply(ereq, status, status_reason(status), NULL);
    server->replying = false;
}

enum rest_method
rest_req_method(const struct rest_req *req)
{
    return req->method;
}

const char *
rest_req_path(const struct rest_req *req)
{
    return req->path;
}

const char *
rest_req_param(const struct rest_req *req, const char *name)
{
    for (size_t i = 0; i < req->n_params; i++) {
        if (!strcmp(req->params[2 * i], name)) {
            return req->params[2 * i + 1];
        }
    }
    return NULL;
}

const char *
rest_req_query(const struct rest_req *req, const char *name)
{
    for (size_t i = 0; i < req->n_query; i++) {
        if (!strcmp(req->query[2 * i], name)) {
            return req->query[2 * i + 1];
        }
    }
    return NULL;
}

const char *
rest_req_raw_query(const struct rest_req *req)
{
    return req->raw_query ? req->raw_query : "";
}

const char *
rest_req_header(const struct rest_req *req, const char *name)
{
    if (!req->ereq) {
        return NULL;
    }
    return evhttp_find_header(evhttp_request_get_input_headers(req->ereq),
                              name);
}

const uint8_t *
rest_req_body(const struct rest_req *req, size_t *len)
{
    static const uint8_t empty[1];
    struct evbuffer *in =
        req->ereq ? evhttp_request_get_input_buffer(req->ereq) : NULL;

    *len = in ? evbuffer_get_length(in) : 0;
    if (!*len) {
        return empty;
    }
    return evbuffer_pullup(in, -1);
}

/* Puts into 'text' what jansson's 'err' says, in plainer words where its
 * words are vague ("unable to decode byte") or name its own flags. */
static void
json_error_say(const json_error_t *err, char *text, size_t size)
{
    unsigned byte;

    if (sscanf(err->text, "unable to decode byte 0x%x", &byte) == 1) {
        snprintf(text, size, "invalid UTF-8: byte 0x%02x at offset %d",
                 byte & 0xff, err->position);
    } else if (!strncmp(err->text, "invalid Unicode '\\u", 19)) {
        snprintf(text, size,
                 "a \\u escape of a lone UTF-16 surrogate (%.6s): "
                 "no character",
                 err->text + 17);
    } else if (strstr(err->text, "JSON_ALLOW_NUL")) {
        snprintf(text, size, "\\u0000 (NUL) in a string");
    } else {
        snprintf(text, size, "%s", err->text);
    }
}

/* Does the JSON text nest deeper than 'max' (brackets outside strings)? */
static bool
json_too_deep(const uint8_t *p, size_t n, size_t max)
{
    size_t depth = 0;
    bool in_string = false, escaped = false;

    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max) {
                return true;
            }
        } else if ((c == ']' || c == '}') && depth) {
            depth--;
        }
    }
    return false;
}

json_t *
rest_req_json(struct rest_req *req, bool empty_ok)
{
    size_t len;
    const uint8_t *body = rest_req_body(req, &len);
    json_error_t err;

    if (!len) {
        if (empty_ok) {
            return json_object();
        }
        rest_reply_error(req, 400, "malformed JSON", "empty body");
        return NULL;
    }
    if (json_too_deep(body, len, REST_JSON_MAX_DEPTH)) {
        rest_reply_error(req, 400, "malformed JSON", "nested deeper than %d",
                         REST_JSON_MAX_DEPTH);
        return NULL;
    }
    /* Duplicate keys are refused: two readers of one body must never
     * disagree on what it says. */
    json_t *j =
        json_loadb((const char *) body, len, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        char text[JSON_ERROR_TEXT_LENGTH + 64];

        json_error_say(&err, text, sizeof text);
        rest_reply_error(req, 400, "malformed JSON", "line %d column %d: %s",
                         err.line, err.column, text);
    }
    return j;
}

void
rest_req_on_cancel(struct rest_req *req, void (*cb)(void *aux), void *aux)
{
    req->cancel_cb = cb;
    req->cancel_aux = cb ? aux : NULL;
}

/* ---- replies ---- */

void
rest_reply_json(struct rest_req *req, int status, json_t *body)
{
    char *text =
        body ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

    if (body && !text) {
        SL_ERR("%s %s: cannot serialise the reply", req->method_name,
               req->path);
        json_decref(body);
        rest_reply_error(req, 500, "internal error",
                         "the reply could not be serialised");
        return;
    }
    json_decref(body);
    req_send(req, status, "application/json", text ? text : "{}",
             text ? strlen(text) : 2, NULL);
    free(text);
}

void
rest_reply_data(struct rest_req *req, int status, const char *content_type,
                const void *body, size_t len)
{
    req_send(req, status, content_type, body, len, NULL);
}

void
rest_reply_error(struct rest_req *req, int status, const char *error,
                 const char *detail_fmt, ...)
{
    char *detail = NULL;
    char allow[64] = "";

    if (detail_fmt) {
        va_list args;
        va_start(args, detail_fmt);
        int n = vsnprintf(NULL, 0, detail_fmt, args);
        va_end(args);
        if (n >= 0) {
            detail = sl_xmalloc((size_t) n + 1);
            va_start(args, detail_fmt);
            vsnprintf(detail, (size_t) n + 1, detail_fmt, args);
            va_end(args);
        }
    }
    json_t *j = json_object();
    json_object_set_new(j, "error", json_text(error ? error : ""));
    json_object_set_new(j, "detail", json_text(detail ? detail : ""));
    free(detail);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!text) {
        sl_out_of_memory();
    }
    if (status == 405) {
        unsigned methods;
        route_find(req->server, 0, req->segs, req->n_segs, &methods);
        format_allow(methods, allow, sizeof allow);
    }
    req_send(req, status, "application/json", text, strlen(text), allow);
    free(text);
}

int
rest_reply_header(struct rest_req *req, const char *name, const char *value)
{
    if (!name[0] || strpbrk(name, "\r\n") || strpbrk(value, "\r\n")) {
        return EINVAL;
    }
    if (req->ereq &&
        evhttp_add_header(evhttp_request_get_output_headers(req->ereq), name,
                          value)) {
        return EINVAL;
    }
    return 0;
}

/* ---- event streams ---- */

struct rest_stream *
rest_stream_start(struct rest_req *req, void (*closed)(void *aux), void *aux)
{
    struct rest_server *server = req->server;
    struct rest_conn *conn = req->conn;
    struct rest_stream *s = sl_xcalloc(1, sizeof *s);

    s->req = req;
    s->closed = closed;
    s->aux = aux;
    req->stream = s;
    server->stats.streams++;
    if (req->injected) {
        /* Reported as its 200, then closed from the loop. */
        count_reply(server, 200);
        req->inject_cb(req->inject_aux, 200, "text/event-stream", "", "", 0);
        s->closing = true;
        req_defer(req);
        return s;
    }
    if (!conn) {
        /* Gone already: 'closed' runs from the deferred list. */
        s->closing = true;
        return s;
    }

    struct evhttp_request *ereq = req->ereq;
    struct evkeyvalq *headers = evhttp_request_get_output_headers(ereq);
    evhttp_add_header(headers, "Content-Type", "text/event-stream");
    evhttp_add_header(headers, "Cache-Control", "no-cache");
    conn_watch_stop(conn);
    count_reply(server, 200);
    SL_DBG("%s %s 200 (event stream)", req->method_name, req->path);
    if (req->method == REST_HEAD) {
        evhttp_add_header(headers, "Content-Length", "0");
        conn->req = NULL;
        req->conn = NULL;
        req->ereq = NULL;
        evhttp_request_set_on_complete_cb(ereq, req_complete_cb, conn);
        server->replying = true;
        evhttp_send_reply(ereq, 200, "OK", NULL);
        server->replying = false;
        s->closing = true;
        req_defer(req);
        return s;
    }
    struct timeval tv = server->timeout_tv;
    bufferevent_set_timeouts(conn->bev, NULL, &tv);
    bufferevent_setwatermark(conn->bev, EV_READ, 0, REST_STREAM_READ_MAX);
    server->replying = true;
    evhttp_send_reply_start(ereq, 200, "OK");
    server->replying = false;
    return s;
}

/* Marks 's' closing and has stream_finish() run from the loop. */
static void
stream_schedule_close(struct rest_stream *s, bool drop)
{
    if (!s->closing) {
        s->closing = true;
        s->drop = drop;
        req_defer(s->req);
    }
}

static int
stream_queue(struct rest_stream *s, const char *text, size_t len)
{
    struct rest_req *req = s->req;
    struct rest_conn *conn = req->conn;

    if (s->closing || !conn) {
        return EPIPE;
    }
    struct rest_server *server = req->server;
    size_t queued = evbuffer_get_length(bufferevent_get_output(conn->bev));
    if (queued + len > server->limits.stream_max_queued) {
        static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);

        SL_WARN_RL(&rl,
                   "%s: dropping a slow event-stream consumer "
                   "(%zu bytes queued)",
                   req->path, queued);
        server->stats.dropped_streams++;
        stream_schedule_close(s, true);
        return ENOBUFS;
    }
    struct evbuffer *buf = evbuffer_new();
    if (!buf || evbuffer_add(buf, text, len)) {
        sl_out_of_memory();
    }
    server->replying = true;
    evhttp_send_reply_chunk(req->ereq, buf);
    server->replying = false;
    evbuffer_free(buf);
    return 0;
}

int
rest_stream_send(struct rest_stream *s, const char *event, const char *data)
{
    if ((event && strpbrk(event, "\r\n")) || strpbrk(data, "\r\n")) {
        return EINVAL;
    }
    char *text = event ? sl_xasprintf("event: %s\ndata: %s\n\n", event, data)
                       : sl_xasprintf("data: %s\n\n", data);
    int error = stream_queue(s, text, strlen(text));
    free(text);
    return error;
}

int
rest_stream_heartbeat(struct rest_stream *s)
{
    static const char hb[] = ": hb\n\n";

    return stream_queue(s, hb, sizeof hb - 1);
}

void
rest_stream_close(struct rest_stream *s)
{
    stream_schedule_close(s, false);
}

/* Ends 's' (from the loop), calls 'closed' and frees it. */
static void
stream_finish(struct rest_stream *s)
{
    struct rest_req *req = s->req;
    struct rest_conn *conn = req->conn;
    struct rest_server *server = req->server;

    if (conn) {
        struct evhttp_request *ereq = req->ereq;

        conn->req = NULL;
        req->conn = NULL;
        if (s->drop) {
            /* evhttp unlinks the unfinished request and leaves it to us. */
            conn_kill(conn, BEV_EVENT_EOF | BEV_EVENT_READING);
            if (!evhttp_request_get_connection(ereq)) {
                req->ereq_owned = true;
            } else {
                req->ereq = NULL;
            }
        } else {
            struct timeval tv = server->timeout_tv;

            bufferevent_setwatermark(conn->bev, EV_READ, 0, 0);
            bufferevent_set_timeouts(conn->bev, &tv, &tv);
            evhttp_request_set_on_complete_cb(ereq, req_complete_cb, conn);
            req->ereq = NULL;
            evhttp_send_reply_end(ereq);
        }
    }
    server->stats.streams--;
    req->stream = NULL;
    if (s->closed) {
        s->closed(s->aux);
    }
    free(s);
    req_free(req);
}

/* Runs the due cancel and closed callbacks. */
static void
server_defer_cb(evutil_socket_t fd, short what, void *server_)
{
    struct rest_server *server = server_;

    (void) fd;
    (void) what;
    while (!sl_list_is_empty(&server->deferred)) {
        struct rest_req *req = SL_CONTAINER_OF(server->deferred.next,
                                               struct rest_req, defer_node);
        sl_list_remove(&req->defer_node);
        req->queued = false;
        if (req->stream) {
            stream_finish(req->stream);
        } else {
            void (*cb)(void *) = req->cancel_cb;
            void *aux = req->cancel_aux;

            SL_DBG("%s %s: client gone, request cancelled", req->method_name,
                   req->path);
            req_free(req);
            if (cb) {
                cb(aux);
            }
        }
    }
}

/* ---- dispatch ---- */

/* Checks "Authorization: Bearer <token>" in constant time. */
static bool
req_authorized(const struct rest_req *req)
{
    const struct rest_server *server = req->server;
    const char *h = rest_req_header(req, "Authorization");
    unsigned char sha[SHA256_DIGEST_LENGTH];

    if (!h || strncasecmp(h, "Bearer ", 7)) {
        return false;
    }
    h += 7;
    while (*h == ' ') {
        h++;
    }
    size_t n = strlen(h);
    while (n && (h[n - 1] == ' ' || h[n - 1] == '\t')) {
        n--;
    }
    SHA256((const unsigned char *) h, n, sha);
    return !CRYPTO_memcmp(sha, server->token_sha, sizeof sha);
}

/* Validates and decodes the query string into 'req'. */
static bool
req_parse_query(struct rest_req *req, const char *q)
{
    while (q && *q) {
        const char *end = strchr(q, '&');
        size_t n = end ? (size_t) (end - q) : strlen(q);
        if (n) {
            const char *eq = memchr(q, '=', n);
            size_t klen = eq ? (size_t) (eq - q) : n;
            char *k = pct_decode(q, klen, true);
            char *v =
                eq ? pct_decode(eq + 1, n - klen - 1, true) : sl_xstrdup("");
            if (!k || !v) {
                free(k);
                free(v);
                return false;
            }
            req->query = sl_xrealloc(req->query, 2 * (req->n_query + 1) *
                                                     sizeof *req->query);
            req->query[2 * req->n_query] = k;
            req->query[2 * req->n_query + 1] = v;
            req->n_query++;
        }
        q = end ? end + 1 : NULL;
    }
    return true;
}

/* Splits the raw 'path' into decoded segments; fills 'req->path'. */
static bool
req_parse_path(struct rest_req *req, const char *path)
{
    req->path = pct_decode(path, strlen(path), false);
    if (!req->path || req->path[0] != '/') {
        return false;
    }
    const char *p = path + 1;
    if (!*p) {
        return true;
    }
    while (true) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t) (end - p) : strlen(p);
        char *seg = pct_decode(p, n, false);
        if (!seg) {
            return false;
        }
        req->segs =
            sl_xrealloc(req->segs, (req->n_segs + 1) * sizeof *req->segs);
        req->segs[req->n_segs++] = seg;
        if (!end) {
            return true;
        }
        p = end + 1;
    }
}

static void
req_set_params(struct rest_req *req, const struct rest_route *r)
{
    for (size_t i = 0; i < r->pat.n_segs; i++) {
        const struct rest_seg *seg = &r->pat.segs[i];
        char *value;

        if (seg->kind == REST_SEG_LITERAL) {
            continue;
        }
        if (seg->kind == REST_SEG_PARAM) {
            value = sl_xstrdup(req->segs[i]);
        } else {
            size_t len = 0;
            for (size_t j = i; j < req->n_segs; j++) {
                len += strlen(req->segs[j]) + 1;
            }
            value = sl_xmalloc(len);
            value[0] = '\0';
            for (size_t j = i; j < req->n_segs; j++) {
                if (j > i) {
                    strncat(value, "/", len - strlen(value) - 1);
                }
                strncat(value, req->segs[j], len - strlen(value) - 1);
            }
        }
        req->params = sl_xrealloc(req->params, 2 * (req->n_params + 1) *
                                                   sizeof *req->params);
        req->params[2 * req->n_params] = sl_xstrdup(seg->text);
        req->params[2 * req->n_params + 1] = value;
        req->n_params++;
    }
}

/* Is the body of 'ereq' framed two ways: Content-Length twice with
 * different values, or with Transfer-Encoding?  evhttp took one reading;
 * a proxy in front may have taken the other, and what followed may be
 * another request smuggled in.  Returns what is wrong, or NULL. */
static const char *
req_framing_conflict(struct evhttp_request *ereq)
{
    const struct evkeyvalq *h = evhttp_request_get_input_headers(ereq);
    const char *length = NULL;
    bool encoding = false;

    for (const struct evkeyval *kv = h->tqh_first; kv;
         kv = kv->next.tqe_next) {
        if (!strcasecmp(kv->key, "Content-Length")) {
            if (length && strcmp(length, kv->value)) {
                return "Content-Length given twice, with different values";
            }
            length = kv->value;
        } else if (!strcasecmp(kv->key, "Transfer-Encoding")) {
            encoding = true;
        }
    }
    return length && encoding ? "both Content-Length and Transfer-Encoding"
                              : NULL;
}

static void
server_request_cb(struct evhttp_request *ereq, void *server_)
{
    struct rest_server *server = server_;
    struct rest_conn *conn = conn_of(server, ereq);

    if (!conn) {
        /* Cannot happen: every connection comes through server_bev_cb. */
        SL_ERR("request on an unknown connection");
        evhttp_send_error(ereq, 500, NULL);
        return;
    }
    conn_deadline_stop(conn);

    struct rest_req *req = sl_xcalloc(1, sizeof *req);
    clock_gettime(CLOCK_MONOTONIC, &req->start);
    req->server = server;
    req->conn = conn;
    req->ereq = ereq;
    conn->req = req;
    switch (evhttp_request_get_command(ereq)) {
    case EVHTTP_REQ_GET:
        req->method = REST_GET;
        req->method_name = "GET";
        break;
    case EVHTTP_REQ_POST:
        req->method = REST_POST;
        req->method_name = "POST";
        break;
    case EVHTTP_REQ_PUT:
        req->method = REST_PUT;
        req->method_name = "PUT";
        break;
    case EVHTTP_REQ_DELETE:
        req->method = REST_DELETE;
        req->method_name = "DELETE";
        break;
    case EVHTTP_REQ_HEAD:
        req->method = REST_HEAD;
        req->method_name = "HEAD";
        break;
    default:
        req->method = 0;
        req->method_name = "OTHER";
        break;
    }

    const char *conflict = req_framing_conflict(ereq);
    if (conflict) {
        static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);

        SL_WARN_RL(&rl, "refusing a %s request: %s", req->method_name,
                   conflict);
        req->path = sl_xstrdup("?");
        req->close = true;
        rest_reply_error(req, 400, "bad request", "%s", conflict);
        return;
    }
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ereq);
    req_dispatch(req, uri ? evhttp_uri_get_path(uri) : NULL,
                 uri ? evhttp_uri_get_query(uri) : NULL);
}

/* Decodes 'path' and 'raw_query' (NULL: none) into 'req', routes it,
 * checks the token and calls the handler; every refusal is answered
 * here. */
static void
req_dispatch(struct rest_req *req, const char *path, const char *raw_query)
{
    struct rest_server *server = req->server;

    if (!path || !req_parse_path(req, path)) {
        if (!req->path) {
            req->path = sl_xstrdup("?");
        }
        rest_reply_error(req, 400, "bad request",
                         "the path is not a valid absolute path "
                         "(bad percent-encoding or an encoded NUL?)");
        return;
    }
    req->raw_query = sl_xstrdup(raw_query ? raw_query : "");
    if (!req_parse_query(req, raw_query)) {
        rest_reply_error(req, 400, "bad request",
                         "bad percent-encoding in the query");
        return;
    }

    unsigned allow;
    struct rest_route *r =
        route_find(server, req->method, req->segs, req->n_segs, &allow);
    if (!r) {
        if (allow) {
            rest_reply_error(req, 405, "method not allowed",
                             "%s is not allowed on %s", req->method_name,
                             req->path);
        } else {
            rest_reply_error(req, 404, "not found", "no route for %s",
                             req->path);
        }
        return;
    }
    if (server->has_token &&
        (req->method & (REST_POST | REST_PUT | REST_DELETE)) &&
        !req_authorized(req)) {
        static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);

        SL_WARN_RL(&rl, "%s %s: missing or wrong bearer token",
                   req->method_name, req->path);
        rest_reply_error(req, 401, "unauthorized",
                         "this request needs \"Authorization: Bearer "
                         "<token>\" with the configured token");
        return;
    }
    req_set_params(req, r);
    if (req->conn) {
        conn_watch_start(req->conn);
    }
    r->handler(req, r->aux);
}

/* ---- in-process requests ---- */

/* The request has no rest_conn: req_dispatch() skips the client watch,
 * req_send() and rest_stream_start() report to 'inject_cb', req_free()
 * frees the evhttp_request, and rest_server_destroy() cancels what is
 * still pending. */
int
rest_server_inject(struct rest_server *server, const char *method,
                   const char *target, const char *const *headers,
                   size_t n_headers, const void *body, size_t len,
                   rest_inject_cb *cb, void *aux)
{
    static const struct {
        const char *name;
        enum rest_method method;
    } methods[] = {
        {"GET", REST_GET},       {"POST", REST_POST}, {"PUT", REST_PUT},
        {"DELETE", REST_DELETE}, {"HEAD", REST_HEAD},
    };
    /* What evhttp makes of a request line's target. */
    struct evhttp_uri *uri =
        evhttp_uri_parse_with_flags(target, EVHTTP_URI_NONCONFORMANT);
    if (!uri) {
        return EINVAL;
    }
    struct evhttp_request *ereq = evhttp_request_new(NULL, NULL);
    if (!ereq) {
        sl_out_of_memory();
    }
    struct evkeyvalq *in = evhttp_request_get_input_headers(ereq);
    for (size_t i = 0; i < n_headers; i++) {
        if (evhttp_add_header(in, headers[2 * i], headers[2 * i + 1])) {
            evhttp_request_free(ereq);
            evhttp_uri_free(uri);
            return EINVAL;
        }
    }
    if (len &&
        evbuffer_add(evhttp_request_get_input_buffer(ereq), body, len)) {
        sl_out_of_memory();
    }

    struct rest_req *req = sl_xcalloc(1, sizeof *req);
    clock_gettime(CLOCK_MONOTONIC, &req->start);
    req->server = server;
    req->ereq = ereq;
    req->ereq_owned = true;
    req->injected = true;
    req->inject_cb = cb;
    req->inject_aux = aux;
    sl_list_push_back(&server->injected, &req->inject_node);
    req->method_name = "OTHER";
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!strcmp(method, methods[i].name)) {
            req->method = methods[i].method;
            req->method_name = methods[i].name;
        }
    }
    req_dispatch(req, evhttp_uri_get_path(uri), evhttp_uri_get_query(uri));
    evhttp_uri_free(uri);
    return 0;
}

/* ---- the server ---- */

void
rest_server_limits_default(struct rest_server_limits *limits)
{
    limits->max_body = 1024 * 1024;
    limits->max_headers = 16 * 1024;
    limits->max_connections = 256;
    limits->request_timeout = 10.0;
    limits->stream_max_queued = 1024 * 1024;
}

static bool
address_is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;
        return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
    }
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;
    return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
}

/* Every server, so that the listener's error callback finds its own:
 * evhttp_bind_listener() made evhttp's pointer the callback argument. */
static struct sl_list all_servers = SL_LIST_INITIALIZER(&all_servers);

static void
server_resume_cb(evutil_socket_t fd, short what, void *server_)
{
    struct rest_server *server = server_;

    (void) fd;
    (void) what;
    evconnlistener_enable(server->listener);
}

static void
server_listener_error_cb(struct evconnlistener *evl, void *http)
{
    static struct sl_log_rl rl = SL_LOG_RL_INIT(1, 5);
    struct rest_server *server = NULL, *s;
    int error = EVUTIL_SOCKET_ERROR();

    SL_LIST_FOR_EACH(s, all_node, &all_servers)
    {
        if (s->listener == evl && s->http == http) {
            server = s;
        }
    }
    if (!server) {
        return; /* Cannot happen. */
    }
    if (error == EMFILE || error == ENFILE || error == ENOBUFS ||
        error == ENOMEM) {
        struct timeval tv = {0, REST_ACCEPT_PAUSE_MS * 1000};

        SL_WARN_RL(&rl, "%s: accept failed: %s (pausing %d ms)", server->url,
                   strerror(error), REST_ACCEPT_PAUSE_MS);
        evconnlistener_disable(evl);
        event_add(server->resume_ev, &tv);
        return;
    }
    SL_WARN_RL(&rl, "%s: accept failed: %s", server->url, strerror(error));
}

struct rest_server *
rest_server_create(struct event_base *base,
                   const struct rest_server_config *cfg, char *err,
                   size_t errlen)
{
    const char *addr = cfg->address ? cfg->address : "127.0.0.1";
    struct sockaddr_storage ss;
    socklen_t sslen;
    bool ipv6 = strchr(addr, ':') != NULL;
    char where[INET6_ADDRSTRLEN + 16];

    snprintf(where, sizeof where, ipv6 ? "[%s]:%u" : "%s:%u", addr,
             (unsigned) cfg->port);
    memset(&ss, 0, sizeof ss);
    if (ipv6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(cfg->port);
        sslen = sizeof *sin6;
        if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) != 1) {
            sl_format_err(err, errlen,
                          "rest: cannot listen on %s: not a numeric IPv6 "
                          "address",
                          where);
            return NULL;
        }
    } else {
        struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(cfg->port);
        sslen = sizeof *sin;
        if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1) {
            sl_format_err(err, errlen,
                          "rest: cannot listen on %s: not a numeric IPv4 "
                          "address",
                          where);
            return NULL;
        }
    }

    struct rest_server *server = sl_xcalloc(1, sizeof *server);
    server->base = base;
    server->ssl_ctx = cfg->ssl_ctx;
    server->limits = cfg->limits;
    double t =
        cfg->limits.request_timeout > 0 ? cfg->limits.request_timeout : 0.001;
    server->timeout_tv.tv_sec = (time_t) t;
    server->timeout_tv.tv_usec =
        (suseconds_t) ((t - (double) (time_t) t) * 1e6);
    if (cfg->token && cfg->token[0]) {
        server->has_token = true;
        SHA256((const unsigned char *) cfg->token, strlen(cfg->token),
               server->token_sha);
    }
    sl_list_init(&server->all_node);
    sl_list_init(&server->deferred);
    sl_list_init(&server->conns);
    sl_list_init(&server->waiting);
    sl_list_init(&server->routes);
    sl_list_init(&server->injected);
    server->defer_ev = event_new(base, -1, 0, server_defer_cb, server);
    server->resume_ev = evtimer_new(base, server_resume_cb, server);
    server->http = evhttp_new(base);
    if (!server->defer_ev || !server->resume_ev || !server->http) {
        sl_out_of_memory();
    }

    unsigned flags =
        LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC;
    if (ipv6) {
        flags |= LEV_OPT_BIND_IPV6ONLY;
    }
    errno = 0;
    struct evconnlistener *evl =
        evconnlistener_new_bind(base, NULL, NULL, flags, REST_LISTEN_BACKLOG,
                                (struct sockaddr *) &ss, (int) sslen);
    if (!evl) {
        sl_format_err(err, errlen, "rest: cannot listen on %s: %s", where,
                      strerror(errno ? errno : EINVAL));
        evhttp_free(server->http);
        event_free(server->defer_ev);
        event_free(server->resume_ev);
        free(server);
        return NULL;
    }
    socklen_t len = sizeof ss;
    getsockname(evconnlistener_get_fd(evl), (struct sockaddr *) &ss, &len);
    server->port = ntohs(ss.ss_family == AF_INET6
                             ? ((struct sockaddr_in6 *) &ss)->sin6_port
                             : ((struct sockaddr_in *) &ss)->sin_port);
    snprintf(server->url, sizeof server->url,
             ipv6 ? "%s://[%s]:%u" : "%s://%s:%u",
             server->ssl_ctx ? "https" : "http", addr, server->port);

    /* evhttp takes the listener (and frees it in evhttp_free()). */
    if (!evhttp_bind_listener(server->http, evl)) {
        evconnlistener_free(evl);
        sl_out_of_memory();
    }
    server->listener = evl;
    sl_list_push_back(&all_servers, &server->all_node);
    evconnlistener_set_error_cb(evl, server_listener_error_cb);
    evhttp_set_bevcb(server->http, server_bev_cb, server);
    evhttp_set_gencb(server->http, server_request_cb, server);
    evhttp_set_allowed_methods(
        server->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                          EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                          EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                          EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_max_body_size(server->http,
                             (ev_ssize_t) server->limits.max_body);
    evhttp_set_max_headers_size(server->http,
                                (ev_ssize_t) server->limits.max_headers);
    evhttp_set_timeout_tv(server->http, &server->timeout_tv);

    SL_INFO("REST API listening on %s", server->url);
    if (!server->has_token && !address_is_loopback(&ss)) {
        SL_WARN("REST API on %s accepts writes from anyone: no token is "
                "configured (rest.token)",
                server->url);
    }
    return server;
}

/* Runs the callback 'req' is owed (cancel, or its stream's closed) during
 * rest_server_destroy() and frees it.  evhttp frees the evhttp_request of
 * a connection that is still open. */
static void
req_destroy(struct rest_req *req)
{
    struct rest_stream *s = req->stream;

    if (req->conn) {
        req->conn->req = NULL;
        req->conn = NULL;
        req->ereq = NULL;
    }
    if (s) {
        req->server->stats.streams--;
        req->stream = NULL;
        if (s->closed) {
            s->closed(s->aux);
        }
        free(s);
        req_free(req);
    } else {
        void (*cb)(void *) = req->cancel_cb;
        void *aux = req->cancel_aux;

        req_free(req);
        if (cb) {
            cb(aux);
        }
    }
}

void
rest_server_destroy(struct rest_server *server)
{
    if (!server) {
        return;
    }
    server->destroying = true;
    sl_list_remove(&server->all_node);
    while (!sl_list_is_empty(&server->deferred)) {
        req_destroy(SL_CONTAINER_OF(server->deferred.next, struct rest_req,
                                    defer_node));
    }
    struct rest_conn *conn, *next;
    SL_LIST_FOR_EACH(conn, node, &server->conns)
    {
        if (conn->req) {
            req_destroy(conn->req);
        }
    }
    while (!sl_list_is_empty(&server->injected)) {
        req_destroy(SL_CONTAINER_OF(server->injected.next, struct rest_req,
                                    inject_node));
    }
    evhttp_free(server->http);
    /* Connections evhttp freed before our attach step saw them. */
    SL_LIST_FOR_EACH_SAFE(conn, next, node, &server->conns)
    {
        conn_free(conn);
    }
    struct rest_route *r, *rnext;
    SL_LIST_FOR_EACH_SAFE(r, rnext, node, &server->routes)
    {
        route_free(r);
    }
    event_free(server->defer_ev);
    event_free(server->resume_ev);
    free(server);
}

uint16_t
rest_server_port(const struct rest_server *server)
{
    return server->port;
}

const char *
rest_server_url(const struct rest_server *server)
{
    return server->url;
}

const struct rest_server_stats *
rest_server_stats(const struct rest_server *server)
{
    return &server->stats;
}
