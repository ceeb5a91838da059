/* test-rest-server: libcheck tests for rest/server (routing, requests,
 * JSON, auth, limits, async replies, event streams, HTTPS, stats).
 *
 * A real server on 127.0.0.1 port 0 in one event loop per test; clients
 * are non-blocking sockets (optionally with OpenSSL) driven between
 * passes of that loop, every wait bounded by DEADLINE.  Responses are
 * parsed just enough: status, headers, and a body by Content-Length,
 * chunks, or until EOF. */
#include <config.h>
#include "rest/server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include "controller/log.h"
#include "test/test-loop.h"
#include "test/test-tls.h"
#include "test/test-util.h"

#define DEADLINE 10.0
#define LOOP_UNTIL(COND) TEST_LOOP_UNTIL(base, COND, DEADLINE)
#define MAX_CLIENTS 32
#define CLIENT_BUF (1024 * 1024)

struct client {
    int fd;
    SSL *ssl;
    char *buf; /* Everything received. */
    size_t len;
    size_t used; /* Consumed by parsed responses. */
    bool eof;
};

struct resp {
    int status;
    char head[8192]; /* Status line and headers. */
    char *body;      /* NUL-terminated, malloc'd. */
    size_t body_len;
};

static struct event_base *base;
static struct event *ticker;
static struct rest_server *server;
static struct client clients[MAX_CLIENTS];
static int n_clients;
static char *tls_dir;
static SSL_CTX *server_ctx, *client_ctx;
static int n_warn, n_info;
static char last_info[SL_LOG_LINE_MAX + 1];

/* What the handlers saw and did. */
static struct rest_req *held; /* A request kept for a later reply. */
static int n_cancelled;
static struct rest_stream *stream;
static int n_stream_closed;
static char seen[1024]; /* Handler's description of the request. */
static int n_handled;

/* ---- log ---- */

static void
log_sink(void *aux, enum sl_log_target target, int priority,
         enum sl_log_level level, const char *module, const char *text,
         size_t len)
{
    (void) aux;
    (void) target;
    (void) priority;
    (void) len;
    if (strcmp(module, "rest")) {
        return;
    }
    if (level == SL_LOG_WARN) {
        n_warn++;
    } else if (level == SL_LOG_INFO) {
        n_info++;
        snprintf(last_info, sizeof last_info, "%s", text);
    }
}

/* ---- fixture ---- */

static void
setup(void)
{
    struct timeval tv = {0, 10000};

    base = event_base_new();
    ck_assert_ptr_nonnull(base);
    ticker = event_new(base, -1, EV_PERSIST, test_loop_tick_cb, NULL);
    event_add(ticker, &tv);
    server = NULL;
    memset(clients, 0, sizeof clients);
    n_clients = 0;
    held = NULL;
    stream = NULL;
    n_cancelled = n_stream_closed = n_handled = 0;
    n_warn = n_info = 0;
    seen[0] = last_info[0] = '\0';
    server_ctx = client_ctx = NULL;
    sl_log_set_sink(log_sink, NULL);
}

static void
client_free(struct client *c)
{
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    free(c->buf);
    c->buf = NULL;
}

static void
teardown(void)
{
    rest_server_destroy(server);
    for (int i = 0; i < n_clients; i++) {
        client_free(&clients[i]);
    }
    SSL_CTX_free(server_ctx);
    SSL_CTX_free(client_ctx);
    event_free(ticker);
    event_base_free(base);
    ERR_clear_error();
    sl_log_set_sink(NULL, NULL);
}

/* ---- handlers ---- */

static void
h_echo(struct rest_req *req, void *aux)
{
    const char *names[] = {"id", "rest", "name", NULL};
    size_t len = 0;

    n_handled++;
    len +=
        snprintf(seen + len, sizeof seen - len, "%s|%s|%d", (const char *) aux,
                 rest_req_path(req), (int) rest_req_method(req));
    for (int i = 0; names[i]; i++) {
        const char *v = rest_req_param(req, names[i]);
        if (v) {
            len +=
                snprintf(seen + len, sizeof seen - len, "|%s=%s", names[i], v);
        }
    }
    const char *q = rest_req_query(req, "q");
    if (q) {
        len += snprintf(seen + len, sizeof seen - len, "|q=%s", q);
    }
    json_t *j = json_pack("{s:s}", "route", (const char *) aux);
    rest_reply_json(req, 200, j);
}

static void
h_json(struct rest_req *req, void *aux)
{
    (void) aux;
    n_handled++;
    json_t *j = rest_req_json(req, rest_req_query(req, "empty_ok") != NULL);
    if (!j) {
        return;
    }
    rest_reply_json(req, 201, json_pack("{s:o}", "got", j));
}

static void
h_hold(struct rest_req *req, void *aux)
{
    (void) aux;
    n_handled++;
    held = req;
}

static void
on_cancel(void *aux)
{
    ck_assert_ptr_eq(aux, &held);
    n_cancelled++;
    held = NULL;
}

static void
h_hold_cancel(struct rest_req *req, void *aux)
{
    h_hold(req, aux);
    rest_req_on_cancel(req, on_cancel, &held);
}

static void
on_stream_closed(void *aux)
{
    ck_assert_ptr_eq(aux, &stream);
    n_stream_closed++;
    stream = NULL;
}

static void
h_stream(struct rest_req *req, void *aux)
{
    (void) aux;
    n_handled++;
    stream = rest_stream_start(req, on_stream_closed, &stream);
    ck_assert_ptr_nonnull(stream);
}

static void
h_data(struct rest_req *req, void *aux)
{
    (void) aux;
    rest_reply_data(req, 200, "text/plain", "hello\n", 6);
}

/* ---- server ---- */

static void
start_server_with(const char *token, const struct rest_server_limits *lim)
{
    struct rest_server_config cfg = {
        .address = "127.0.0.1",
        .port = 0,
        .token = token,
        .ssl_ctx = server_ctx,
    };
    char err[256] = "";

    if (lim) {
        cfg.limits = *lim;
    } else {
        rest_server_limits_default(&cfg.limits);
    }
    server = rest_server_create(base, &cfg, err, sizeof err);
    ck_assert_msg(server != NULL, "create: %s", err);
    ck_assert_uint_ne(rest_server_port(server), 0);

    static const struct {
        unsigned methods;
        const char *pattern;
        rest_handler *h;
        const char *tag;
    } routes[] = {
        {REST_GET, "/", h_echo, "root"},
        {REST_GET, "/stats/flow/{id}", h_echo, "flow-param"},
        {REST_GET | REST_POST, "/stats/flow/all", h_echo, "flow-all"},
        {REST_GET, "/stats/{name}/x", h_echo, "name-x"},
        {REST_GET, "/files/{rest...}", h_echo, "tail"},
        {REST_POST | REST_PUT | REST_DELETE, "/write", h_echo, "write"},
        {REST_POST, "/json", h_json, NULL},
        {REST_GET | REST_POST, "/hold", h_hold, NULL},
        {REST_GET, "/hold-cancel", h_hold_cancel, NULL},
        {REST_GET, "/events", h_stream, NULL},
        {REST_GET, "/data", h_data, NULL},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        ck_assert_int_eq(rest_route_add(server, routes[i].methods,
                                        routes[i].pattern, routes[i].h,
                                        (void *) routes[i].tag, NULL),
                         0);
    }
}

static void
start_server(void)
{
    start_server_with(NULL, NULL);
}

/* ---- clients ---- */

static struct client *
client_connect(void)
{
    ck_assert_int_lt(n_clients, MAX_CLIENTS);
    struct client *c = &clients[n_clients++];
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(rest_server_port(server)),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    int one = 1;

    c->buf = malloc(CLIENT_BUF + 1);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(c->fd, 0);
    ck_assert_int_eq(connect(c->fd, (struct sockaddr *) &sin, sizeof sin), 0);
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    evutil_make_socket_nonblocking(c->fd);
    if (client_ctx) {
        c->ssl = SSL_new(client_ctx);
        SSL_set_fd(c->ssl, c->fd);
        SSL_set_tlsext_host_name(c->ssl, "sluice");
        int r;
        ck_assert(
            LOOP_UNTIL((r = SSL_connect(c->ssl)) == 1 ||
                       (SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_READ &&
                        SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_WRITE)));
        ck_assert_int_eq(r, 1);
    }
    return c;
}

/* Reads what is there; returns whether anything came or EOF is seen. */
static bool
client_pump(struct client *c)
{
    bool any = false;

    while (!c->eof && c->len < CLIENT_BUF) {
        ssize_t n;
        if (c->ssl) {
            n = SSL_read(c->ssl, c->buf + c->len, CLIENT_BUF - c->len);
            if (n <= 0) {
                int e = SSL_get_error(c->ssl, (int) n);
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                    break;
                }
                ERR_clear_error();
                c->eof = true;
                break;
            }
        } else {
            n = recv(c->fd, c->buf + c->len, CLIENT_BUF - c->len, 0);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            }
            if (n <= 0) {
                c->eof = true;
                break;
            }
        }
        c->len += (size_t) n;
        any = true;
    }
    c->buf[c->len] = '\0';
    return any || c->eof;
}

static void
client_send(struct client *c, const void *data, size_t len)
{
    const char *p = data;

    while (len) {
        ssize_t n = c->ssl ? SSL_write(c->ssl, p, (int) len)
                           : send(c->fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t) n;
            continue;
        }
        if (c->ssl) {
            int e = SSL_get_error(c->ssl, (int) n);
            ck_assert(e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ);
        } else {
            ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
        }
        event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
        client_pump(c);
    }
}

static void client_sendf(struct client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
client_sendf(struct client *c, const char *fmt, ...)
{
    char buf[65536];
    va_list args;

    va_start(args, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    ck_assert_int_lt(n, (int) sizeof buf);
    client_send(c, buf, (size_t) n);
}

/* Tries to parse one whole response at c->used; 'head' for a HEAD
 * request (no body). */
static bool
resp_parse(struct client *c, struct resp *r, bool head)
{
    const char *start = c->buf + c->used;
    const char *hend = strstr(start, "\r\n\r\n");

    if (!hend) {
        return false;
    }
    size_t hlen = (size_t) (hend - start) + 4;
    ck_assert_uint_lt(hlen, sizeof r->head);
    memcpy(r->head, start, hlen);
    r->head[hlen] = '\0';
    r->status = atoi(r->head + 9);
    const char *body = hend + 4;
    size_t avail = c->len - (size_t) (body - c->buf);
    const char *cl = strcasestr(r->head, "\r\nContent-Length:");
    if (head || r->status == 204) {
        r->body = strdup("");
        r->body_len = 0;
        c->used += hlen;
        return true;
    }
    if (cl) {
        size_t n = strtoul(cl + 17, NULL, 10);
        if (avail < n) {
            return false;
        }
        r->body = malloc(n + 1);
        memcpy(r->body, body, n);
        r->body[n] = '\0';
        r->body_len = n;
        c->used += hlen + n;
        return true;
    }
    if (strcasestr(r->head, "Transfer-Encoding: chunked")) {
        /* Complete only at the last chunk. */
        const char *p = body;
        char *out = malloc(avail + 1);
        size_t olen = 0;
        while (true) {
            const char *eol = strstr(p, "\r\n");
            if (!eol) {
                free(out);
                return false;
            }
            size_t n = strtoul(p, NULL, 16);
            if ((size_t) (c->buf + c->len - (eol + 2)) < n + 2) {
                free(out);
                return false;
            }
            memcpy(out + olen, eol + 2, n);
            olen += n;
            p = eol + 2 + n + 2;
            if (!n) {
                break;
            }
        }
        out[olen] = '\0';
        r->body = out;
        r->body_len = olen;
        c->used = (size_t) (p - c->buf);
        return true;
    }
    if (!c->eof) {
        return false;
    }
    r->body = strndup(body, avail);
    r->body_len = avail;
    c->used = c->len;
    return true;
}

/* One step of client_response(): reads, then parses once. */
static bool
client_response_step(struct client *c, struct resp *r, bool head, bool *done)
{
    if (!*done) {
        client_pump(c);
        *done = resp_parse(c, r, head);
    }
    return *done || c->eof;
}

/* Waits for one whole response. */
static void
client_response(struct client *c, struct resp *r, bool head)
{
    bool done = false;

    memset(r, 0, sizeof *r);
    ck_assert_msg(LOOP_UNTIL(client_response_step(c, r, head, &done)),
                  "no response; got %zu bytes: %.300s", c->len,
                  c->buf + c->used);
    if (!done) {
        ck_assert_msg(resp_parse(c, r, head), "truncated response: %.300s",
                      c->buf + c->used);
    }
}

static void
resp_free(struct resp *r)
{
    free(r->body);
    r->body = NULL;
}

/* Sends "GET /data" on 'c' and expects the fixture's answer: 200 and
 * "hello\n" (the connection must still serve). */
static void
expect_data(struct client *c)
{
    struct resp a;

    client_sendf(c, "GET /data HTTP/1.1\r\nHost: t\r\n\r\n");
    client_response(c, &a, false);
    ck_assert_int_eq(a.status, 200);
    ck_assert_str_eq(a.body, "hello\n");
    resp_free(&a);
}

static const char *
resp_header(const struct resp *r, const char *name, char *buf, size_t size)
{
    char key[128];
    snprintf(key, sizeof key, "\r\n%s:", name);
    const char *p = strcasestr(r->head, key);
    if (!p) {
        return NULL;
    }
    p += strlen(key);
    while (*p == ' ') {
        p++;
    }
    size_t n = strcspn(p, "\r");
    snprintf(buf, size, "%.*s", (int) n, p);
    return buf;
}

/* One request on a new connection; returns the response in 'r'. */
static void
request(struct resp *r, const char *method, const char *target,
        const char *extra_headers, const char *body)
{
    struct client *c = client_connect();
    size_t blen = body ? strlen(body) : 0;

    client_sendf(c,
                 "%s %s HTTP/1.1\r\nHost: test\r\n%s"
                 "Content-Length: %zu\r\n\r\n%s",
                 method, target, extra_headers ? extra_headers : "", blen,
                 body ? body : "");
    client_response(c, r, !strcmp(method, "HEAD"));
}

/* Checks that 'r' is a JSON error with 'status' and 'error'. */
static void
assert_error(struct resp *r, int status, const char *error)
{
    char ct[64];
    json_error_t err;

    ck_assert_int_eq(r->status, status);
    ck_assert_ptr_nonnull(resp_header(r, "Content-Type", ct, sizeof ct));
    ck_assert_str_eq(ct, "application/json");
    json_t *j = json_loads(r->body, 0, &err);
    ck_assert_msg(j != NULL, "not JSON: %s", r->body);
    ck_assert_str_eq(json_string_value(json_object_get(j, "error")), error);
    ck_assert(json_is_string(json_object_get(j, "detail")));
    json_decref(j);
}

static int
count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    while (d && readdir(d)) {
        n++;
    }
    if (d) {
        closedir(d);
    }
    return n;
}

/* ---- routing ---- */

START_TEST(literal_beats_parameter)
{
    struct resp r;

    start_server();
    request(&r, "GET", "/stats/flow/all", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"route\":\"flow-all\"}");
    resp_free(&r);
    request(&r, "GET", "/stats/flow/42", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"route\":\"flow-param\"}");
    ck_assert_str_eq(seen, "flow-param|/stats/flow/42|1|id=42");
    resp_free(&r);
    /* "/stats/{name}/x" against "/stats/flow/{id}": literal "flow" at
     * the second segment wins over {name}. */
    request(&r, "GET", "/stats/flow/x", NULL, NULL);
    ck_assert_str_eq(r.body, "{\"route\":\"flow-param\"}");
    resp_free(&r);
    request(&r, "GET", "/stats/port/x", NULL, NULL);
    ck_assert_str_eq(r.body, "{\"route\":\"name-x\"}");
    ck_assert_str_eq(seen, "name-x|/stats/port/x|1|name=port");
    resp_free(&r);
    request(&r, "GET", "/", NULL, NULL);
    ck_assert_str_eq(r.body, "{\"route\":\"root\"}");
    resp_free(&r);
}
END_TEST

START_TEST(tail_parameter_takes_the_rest)
{
    struct resp r;

    start_server();
    request(&r, "GET", "/files/a/b%2Fc/d", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(seen, "tail|/files/a/b/c/d|1|rest=a/b/c/d");
    resp_free(&r);
    request(&r, "GET", "/files/one", NULL, NULL);
    ck_assert_str_eq(seen, "tail|/files/one|1|rest=one");
    resp_free(&r);
    /* One or more non-empty segments. */
    request(&r, "GET", "/files", NULL, NULL);
    assert_error(&r, 404, "not found");
    resp_free(&r);
    request(&r, "GET", "/files/", NULL, NULL);
    assert_error(&r, 404, "not found");
    resp_free(&r);
}
END_TEST

START_TEST(not_found_and_method_not_allowed)
{
    struct resp r;
    char allow[128];

    start_server();
    request(&r, "GET", "/nope", NULL, NULL);
    assert_error(&r, 404, "not found");
    resp_free(&r);
    request(&r, "GET", "/stats/flow/42/more", NULL, NULL);
    assert_error(&r, 404, "not found");
    resp_free(&r);
    request(&r, "DELETE", "/stats/flow/all", NULL, NULL);
    assert_error(&r, 405, "method not allowed");
    ck_assert_ptr_nonnull(resp_header(&r, "Allow", allow, sizeof allow));
    ck_assert_str_eq(allow, "GET, HEAD, POST");
    resp_free(&r);
    request(&r, "PATCH", "/write", NULL, NULL);
    assert_error(&r, 405, "method not allowed");
    ck_assert_str_eq(resp_header(&r, "Allow", allow, sizeof allow),
                     "POST, PUT, DELETE");
    resp_free(&r);
    /* A method the route lacks falls to a less specific route that has
     * it: POST is only on /stats/flow/all, GET on both. */
    request(&r, "POST", "/stats/flow/7", NULL, "{}");
    assert_error(&r, 405, "method not allowed");
    resp_free(&r);
}
END_TEST

START_TEST(head_is_get_without_body)
{
    struct resp r;
    char len[32];
    struct client *c;

    start_server();
    c = client_connect();
    client_sendf(c, "HEAD /stats/flow/9 HTTP/1.1\r\nHost: t\r\n\r\n"
                    "GET /data HTTP/1.1\r\nHost: t\r\n\r\n");
    client_response(c, &r, true);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(resp_header(&r, "Content-Length", len, sizeof len), "22");
    ck_assert_str_eq(seen, "flow-param|/stats/flow/9|16|id=9");
    resp_free(&r);
    /* The next response starts right after the headers: no body sent. */
    client_response(c, &r, false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "hello\n");
    resp_free(&r);
}
END_TEST

static void
route_cb(unsigned methods, const char *pattern, const char *owner, void *aux)
{
    char *s = aux;
    size_t len = strlen(s);
    snprintf(s + len, 512 - len, "%u %s %s;", methods, pattern,
             owner ? owner : "-");
}

START_TEST(route_add_rules)
{
    char list[512] = "";

    start_server();
    ck_assert_int_eq(rest_route_add(server, REST_GET, "/stats/flow/{x}",
                                    h_echo, NULL, NULL),
                     EEXIST);
    ck_assert_int_eq(rest_route_add(server, REST_PUT, "/stats/flow/{x}",
                                    h_echo, NULL, NULL),
                     0);
    static const char *bad[] = {"",         "x",     "/a//b", "/a/",
                                "/{}",      "/{a",   "/a}",   "/{a...}/b",
                                "/{a}/{a}", "/x{a}", "/{a b}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(rest_route_add(server, REST_GET, bad[i], h_echo, NULL,
                                     NULL) == EINVAL,
                      "pattern '%s' accepted", bad[i]);
    }
    ck_assert_int_eq(rest_route_add(server, 0, "/z", h_echo, NULL, NULL),
                     EINVAL);
    ck_assert_int_eq(rest_route_add(server, 1u << 9, "/z", h_echo, NULL, NULL),
                     EINVAL);
    ck_assert_int_eq(rest_route_add(server, REST_GET, "/api/v1/apps/a/x",
                                    h_echo, "app-a", "a"),
                     0);
    ck_assert_int_eq(rest_route_add(server, REST_GET, "/api/v1/apps/a/y",
                                    h_echo, "app-a", "a"),
                     0);
    ck_assert_int_eq(rest_route_add(server, REST_GET, "/api/v1/apps/b/x",
                                    h_echo, "app-b", "b"),
                     0);
    ck_assert_uint_eq(rest_route_remove_owner(server, "a"), 2);
    ck_assert_uint_eq(rest_route_remove_owner(server, "a"), 0);
    struct resp r;
    request(&r, "GET", "/api/v1/apps/a/x", NULL, NULL);
    assert_error(&r, 404, "not found");
    resp_free(&r);
    request(&r, "GET", "/api/v1/apps/b/x", NULL, NULL);
    ck_assert_str_eq(r.body, "{\"route\":\"app-b\"}");
    resp_free(&r);
    rest_route_foreach(server, route_cb, list);
    ck_assert_ptr_nonnull(strstr(list, "1 / -;1 /stats/flow/{id} -;"));
    ck_assert_ptr_nonnull(strstr(list, "4 /stats/flow/{x} -;"));
    ck_assert_ptr_nonnull(strstr(list, "1 /api/v1/apps/b/x b;"));
    ck_assert_ptr_null(strstr(list, "apps/a"));
}
END_TEST

/* ---- requests ---- */

START_TEST(params_and_query_are_decoded)
{
    struct resp r;

    start_server();
    request(&r, "GET", "/stats/flow/a%20b%C3%A9?q=x%26y+z&other=1", NULL,
            NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(seen,
                     "flow-param|/stats/flow/a b\xc3\xa9|1|id=a b\xc3\xa9"
                     "|q=x&y z");
    resp_free(&r);
    request(&r, "GET", "/stats/flow/1?q", NULL, NULL);
    ck_assert_str_eq(seen, "flow-param|/stats/flow/1|1|id=1|q=");
    resp_free(&r);
}
END_TEST

START_TEST(bad_encoding_is_400)
{
    static const char *targets[] = {
        "/stats/flow/%zz",     "/stats/flow/%4",      "/stats/flow/a%00b",
        "/stats/flow/1?q=%g0", "/stats/flow/1?q=%00",
    };
    struct resp r;

    start_server();
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        request(&r, "GET", targets[i], NULL, NULL);
        assert_error(&r, 400, "bad request");
        resp_free(&r);
    }
    ck_assert_int_eq(n_handled, 0);
}
END_TEST

/* ---- JSON ---- */

START_TEST(json_body_round_trip)
{
    struct resp r;

    start_server();
    request(&r, "POST", "/json", NULL,
            "{\"a\": [1, 2, {\"b\": \"\xc3\xa9\"}]}");
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(r.body, "{\"got\":{\"a\":[1,2,{\"b\":\"\xc3\xa9\"}]}}");
    resp_free(&r);
    request(&r, "POST", "/json?empty_ok=1", NULL, NULL);
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(r.body, "{\"got\":{}}");
    resp_free(&r);
}
END_TEST

START_TEST(json_errors_are_400)
{
    char deep[200], deep_ok[200], deep_in_string[300];
    struct resp r;

    /* 65 levels; 64 levels; 100 brackets inside a string. */
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    deep[130] = '\0';
    memset(deep_ok, '[', 64);
    memset(deep_ok + 64, ']', 64);
    deep_ok[128] = '\0';
    snprintf(deep_in_string, sizeof deep_in_string, "[\"%s\\\"[[\"]",
             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
             "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");

    start_server();
    request(&r, "POST", "/json", NULL, "{\"a\": ");
    assert_error(&r, 400, "malformed JSON");
    ck_assert_ptr_nonnull(strstr(r.body, "line 1 column"));
    resp_free(&r);
    request(&r, "POST", "/json", NULL, "{\"a\": \"\xff\xfe\"}");
    assert_error(&r, 400, "malformed JSON");
    resp_free(&r);
    request(&r, "POST", "/json", NULL, deep);
    assert_error(&r, 400, "malformed JSON");
    ck_assert_ptr_nonnull(strstr(r.body, "deeper than 64"));
    resp_free(&r);
    request(&r, "POST", "/json", NULL, deep_ok);
    ck_assert_int_eq(r.status, 201);
    resp_free(&r);
    request(&r, "POST", "/json", NULL, deep_in_string);
    ck_assert_int_eq(r.status, 201);
    resp_free(&r);
    request(&r, "POST", "/json", NULL, NULL);
    assert_error(&r, 400, "malformed JSON");
    ck_assert_ptr_nonnull(strstr(r.body, "empty body"));
    resp_free(&r);
    request(&r, "POST", "/json", NULL, "{\"a\": 1, \"a\": 2}");
    assert_error(&r, 400, "malformed JSON");
    resp_free(&r);
}
END_TEST

/* ---- auth ---- */

START_TEST(no_token_means_writes_are_open)
{
    struct resp r;

    start_server();
    request(&r, "POST", "/write", NULL, "{}");
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
}
END_TEST

START_TEST(token_required_for_writes)
{
    struct resp r;
    char www[64];

    start_server_with("s3cret", NULL);
    static const char *methods[] = {"POST", "PUT", "DELETE"};
    for (int i = 0; i < 3; i++) {
        request(&r, methods[i], "/write", NULL, "{}");
        assert_error(&r, 401, "unauthorized");
        ck_assert_str_eq(resp_header(&r, "WWW-Authenticate", www, sizeof www),
                         "Bearer");
        resp_free(&r);
    }
    request(&r, "POST", "/write", "Authorization: Bearer s3cre\r\n", "{}");
    assert_error(&r, 401, "unauthorized");
    resp_free(&r);
    request(&r, "POST", "/write", "Authorization: Bearer s3cret2\r\n", "{}");
    assert_error(&r, 401, "unauthorized");
    resp_free(&r);
    request(&r, "POST", "/write", "Authorization: Basic s3cret\r\n", "{}");
    assert_error(&r, 401, "unauthorized");
    resp_free(&r);
    request(&r, "PUT", "/write", "Authorization: Bearer s3cret\r\n", "{}");
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    request(&r, "DELETE", "/write", "Authorization: bearer s3cret\r\n", NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    /* Reads need no token. */
    request(&r, "GET", "/stats/flow/1", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    ck_assert_int_eq(n_handled, 3); /* PUT, DELETE and GET got through. */
}
END_TEST

/* ---- limits ---- */

static struct rest_server_limits
small_limits(void)
{
    struct rest_server_limits lim;

    rest_server_limits_default(&lim);
    lim.max_body = 1024;
    lim.max_headers = 2048;
    lim.max_connections = 3;
    lim.request_timeout = 0.5;
    lim.stream_max_queued = 64 * 1024;
    return lim;
}

START_TEST(body_over_limit_is_413_json)
{
    struct rest_server_limits lim = small_limits();
    char body[1100];
    struct resp r;

    memset(body, 'x', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    start_server_with(NULL, &lim);
    request(&r, "POST", "/json", NULL, body);
    assert_error(&r, 413, "request too large");
    resp_free(&r);
    ck_assert_int_eq(n_handled, 0);

    /* A chunked body that grows over the limit. */
    struct client *c = client_connect();
    client_sendf(c, "POST /json HTTP/1.1\r\nHost: t\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; i++) {
        client_sendf(c, "200\r\n%.512s\r\n", body);
    }
    client_response(c, &r, false);
    assert_error(&r, 413, "request too large");
    resp_free(&r);
    ck_assert_uint_eq(rest_server_stats(server)->by_status[413], 2);
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));
}
END_TEST

START_TEST(headers_over_limit_are_refused)
{
    struct rest_server_limits lim = small_limits();
    char big[4000];
    struct resp r;

    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    start_server_with(NULL, &lim);
    struct client *c = client_connect();
    client_sendf(c, "GET / HTTP/1.1\r\nHost: t\r\nX-Big: %s\r\n\r\n", big);
    client_response(c, &r, false);
    /* evhttp 2.1 answers oversized headers as a bad request. */
    assert_error(&r, 400, "bad request");
    ck_assert_ptr_nonnull(strstr(r.body, "2048"));
    resp_free(&r);
    ck_assert_int_eq(n_handled, 0);
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));
}
END_TEST

START_TEST(max_connections_503_and_count_returns_to_zero)
{
    struct rest_server_limits lim = small_limits();
    struct resp r;
    int fds_before = count_fds();

    lim.request_timeout = 30;
    start_server_with(NULL, &lim);
    struct client *a = client_connect();
    client_connect();
    client_connect();
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 3));
    struct client *d = client_connect();
    client_response(d, &r, false);
    assert_error(&r, 503, "too many connections");
    ck_assert(LOOP_UNTIL((client_pump(d), d->eof)));
    resp_free(&r);
    ck_assert_uint_eq(rest_server_stats(server)->refused_connections, 1);
    ck_assert_uint_eq(rest_server_stats(server)->connections, 3);

    /* The first connection still works, keep-alive included. */
    expect_data(a);
    client_sendf(a, "GET /data HTTP/1.1\r\nHost: t\r\n\r\n");
    client_response(a, &r, false);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);

    for (int i = 0; i < n_clients; i++) {
        client_free(&clients[i]);
    }
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));
    /* One more fd: the listener. */
    ck_assert(LOOP_UNTIL(count_fds() == fds_before + 1));
    struct client *e = client_connect();
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 1));
    client_sendf(e, "GET /data HTTP/1.1\r\nHost: t\r\nConnection: close"
                    "\r\n\r\n");
    client_response(e, &r, false);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));
}
END_TEST

START_TEST(slow_request_is_closed)
{
    struct rest_server_limits lim = small_limits();

    lim.request_timeout = 0.3;
    start_server_with(NULL, &lim);
    struct client *c = client_connect();
    double t0 = test_loop_now();
    client_sendf(c, "GET / HTTP/1.1\r\nHost: t\r\n");
    /* A header byte every 0.1 s: each read is in time, the request
     * never is. */
    while (!c->eof && test_loop_now() - t0 < 3.0) {
        test_loop_run_for(base, 0.1);
        if (send(c->fd, "X", 1, MSG_NOSIGNAL) < 0) {
            break;
        }
        client_pump(c);
    }
    ck_assert(LOOP_UNTIL((client_pump(c), c->eof)));
    ck_assert(test_loop_now() - t0 < 2.0);
    ck_assert_int_eq(n_handled, 0);
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));

    /* An idle kept-alive connection is closed too. */
    struct resp r;
    c = client_connect();
    client_sendf(c, "GET /data HTTP/1.1\r\nHost: t\r\n\r\n");
    client_response(c, &r, false);
    resp_free(&r);
    t0 = test_loop_now();
    ck_assert(LOOP_UNTIL((client_pump(c), c->eof)));
    ck_assert(test_loop_now() - t0 < 2.0);
}
END_TEST

/* ---- async replies ---- */

static void
reply_later_cb(evutil_socket_t fd, short what, void *aux)
{
    (void) fd;
    (void) what;
    (void) aux;
    ck_assert_ptr_nonnull(held);
    rest_reply_json(held, 202, json_pack("{s:b}", "later", 1));
    held = NULL;
}

START_TEST(async_reply)
{
    struct resp r;
    struct timeval tv = {0, 100000};

    start_server();
    struct client *c = client_connect();
    client_sendf(c, "GET /hold HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(held != NULL));
    event_base_once(base, -1, EV_TIMEOUT, reply_later_cb, NULL, &tv);
    client_response(c, &r, false);
    ck_assert_int_eq(r.status, 202);
    ck_assert_str_eq(r.body, "{\"later\":true}");
    resp_free(&r);
    /* Same connection, next request. */
    expect_data(c);
    ck_assert_int_eq(n_cancelled, 0);
}
END_TEST

START_TEST(cancel_on_client_disconnect)
{
    start_server();
    struct client *c = client_connect();
    client_sendf(c, "GET /hold-cancel HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(held != NULL));
    test_loop_run_for(base, 0.05);
    ck_assert_int_eq(n_cancelled, 0);
    client_free(c);
    ck_assert(LOOP_UNTIL(n_cancelled == 1));
    ck_assert_ptr_null(held);
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));

    /* A reply racing the disconnect is dropped and the cancel never
     * runs. */
    c = client_connect();
    client_sendf(c, "GET /hold-cancel HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(held != NULL));
    client_free(c);
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));
    if (held) {
        rest_reply_json(held, 200, NULL);
        held = NULL;
        test_loop_run_for(base, 0.05);
        ck_assert_int_eq(n_cancelled, 1);
    } else {
        ck_assert_int_eq(n_cancelled, 2);
    }
}
END_TEST

START_TEST(destroy_cancels_pending)
{
    start_server();
    struct client *c = client_connect();
    client_sendf(c, "GET /hold-cancel HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(held != NULL));
    struct client *s = client_connect();
    client_sendf(s, "GET /events HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(stream != NULL));
    ck_assert_int_eq(rest_stream_send(stream, "x", "1"), 0);
    client_connect(); /* An idle one. */
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 3));
    rest_server_destroy(server);
    server = NULL;
    ck_assert_int_eq(n_cancelled, 1);
    ck_assert_int_eq(n_stream_closed, 1);
    ck_assert(LOOP_UNTIL((client_pump(c), c->eof)));
    ck_assert(LOOP_UNTIL((client_pump(s), s->eof)));
}
END_TEST

/* ---- event streams ---- */

START_TEST(stream_events_in_order_and_heartbeat)
{
    char want[4096];
    size_t wlen = 0;

    start_server();
    struct client *c = client_connect();
    client_sendf(c, "GET /events HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(stream != NULL));
    ck_assert_uint_eq(rest_server_stats(server)->streams, 1);
    for (int i = 0; i < 20; i++) {
        char data[32];
        snprintf(data, sizeof data, "{\"n\":%d}", i);
        ck_assert_int_eq(rest_stream_send(stream, i % 2 ? "tick" : NULL, data),
                         0);
        wlen += snprintf(want + wlen, sizeof want - wlen,
                         i % 2 ? "event: tick\ndata: %s\n\n" : "data: %s\n\n",
                         data);
    }
    ck_assert_int_eq(rest_stream_heartbeat(stream), 0);
    ck_assert_int_eq(rest_stream_send(stream, "bad", "two\nlines"), EINVAL);
    ck_assert(LOOP_UNTIL((client_pump(c), strstr(c->buf, ": hb\n\n"))));
    ck_assert_ptr_nonnull(strstr(c->buf, "text/event-stream"));
    /* Chunk framing sits between events: compare the events alone. */
    char got[4096];
    size_t glen = 0;
    for (const char *p = c->buf; (p = strstr(p, "data: ")); p++) {
        const char *start = p;
        if (p - c->buf >= 12 && !strncmp(p - 12, "event: tick\n", 12)) {
            start = p - 12;
        }
        const char *end = strstr(p, "\n\n");
        glen += snprintf(got + glen, sizeof got - glen, "%.*s",
                         (int) (end + 2 - start), start);
    }
    ck_assert_str_eq(got, want);

    /* The stream outlives the request timeout while it is open. */
    rest_stream_close(stream);
    ck_assert_int_eq(n_stream_closed, 0);
    ck_assert_int_eq(rest_stream_send(stream, NULL, "late"), EPIPE);
    ck_assert(LOOP_UNTIL(n_stream_closed == 1));
    ck_assert(LOOP_UNTIL((client_pump(c), strstr(c->buf, "\r\n0\r\n\r\n"))));
    ck_assert_uint_eq(rest_server_stats(server)->streams, 0);
    /* The connection goes on. */
    c->used = c->len;
    expect_data(c);
}
END_TEST

START_TEST(stream_outlives_request_timeout)
{
    struct rest_server_limits lim = small_limits();

    lim.request_timeout = 0.2;
    start_server_with(NULL, &lim);
    struct client *c = client_connect();
    client_sendf(c, "GET /events HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(stream != NULL));
    test_loop_run_for(base, 0.8);
    ck_assert_ptr_nonnull(stream);
    ck_assert_int_eq(rest_stream_heartbeat(stream), 0);
    ck_assert(LOOP_UNTIL((client_pump(c), strstr(c->buf, ": hb"))));
    ck_assert(!c->eof);
}
END_TEST

START_TEST(stream_client_gone_closed_once)
{
    start_server();
    struct client *c = client_connect();
    client_sendf(c, "GET /events HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(stream != NULL));
    client_free(c);
    ck_assert(LOOP_UNTIL(n_stream_closed == 1));
    test_loop_run_for(base, 0.05);
    ck_assert_int_eq(n_stream_closed, 1);
    ck_assert_uint_eq(rest_server_stats(server)->streams, 0);
    ck_assert_uint_eq(rest_server_stats(server)->connections, 0);
}
END_TEST

START_TEST(slow_consumer_dropped)
{
    struct rest_server_limits lim = small_limits();
    char data[1024];
    int rc = 0;

    memset(data, 'd', sizeof data - 1);
    data[sizeof data - 1] = '\0';
    start_server_with(NULL, &lim);
    struct client *c = client_connect();
    client_sendf(c, "GET /events HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(stream != NULL));
    /* The client reads nothing: kernel buffers fill, then our queue. */
    for (int i = 0; i < 100000 && !rc; i++) {
        rc = rest_stream_send(stream, "big", data);
        if (i % 64 == 0) {
            event_base_loop(base, EVLOOP_NONBLOCK);
        }
    }
    ck_assert_int_eq(rc, ENOBUFS);
    ck_assert_int_eq(n_stream_closed, 0); /* Never from inside send. */
    ck_assert_int_eq(rest_stream_send(stream, "big", "x"), EPIPE);
    ck_assert(LOOP_UNTIL(n_stream_closed == 1));
    test_loop_run_for(base, 0.05);
    ck_assert_int_eq(n_stream_closed, 1);
    ck_assert_uint_eq(rest_server_stats(server)->dropped_streams, 1);
    ck_assert_uint_eq(rest_server_stats(server)->streams, 0);
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));
}
END_TEST

/* ---- HTTPS ---- */

static void
make_tls_contexts(void)
{
    server_ctx = SSL_CTX_new(TLS_server_method());
    ck_assert_ptr_nonnull(server_ctx);
    ck_assert_int_eq(SSL_CTX_use_certificate_chain_file(
                         server_ctx, test_tls_path(tls_dir, "server.crt")),
                     1);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(
                         server_ctx, test_tls_path(tls_dir, "server.key"),
                         SSL_FILETYPE_PEM),
                     1);
    client_ctx = test_tls_client_ctx(tls_dir, NULL);
    ck_assert_ptr_nonnull(client_ctx);
}

START_TEST(https_requests)
{
    struct resp r;

    make_tls_contexts();
    start_server();
    ck_assert_ptr_nonnull(strstr(rest_server_url(server), "https://"));
    struct client *c = client_connect();
    client_sendf(c, "GET /stats/flow/5 HTTP/1.1\r\nHost: t\r\n\r\n");
    client_response(c, &r, false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"route\":\"flow-param\"}");
    resp_free(&r);
    client_sendf(c, "POST /json HTTP/1.1\r\nHost: t\r\nContent-Length: 3"
                    "\r\n\r\n[1]");
    client_response(c, &r, false);
    ck_assert_int_eq(r.status, 201);
    resp_free(&r);
    client_sendf(c, "GET /hold-cancel HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(held != NULL));
    client_free(c);
    ck_assert(LOOP_UNTIL(n_cancelled == 1));
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));

    /* A plain-HTTP client on the HTTPS port gets nowhere. */
    SSL_CTX *save = client_ctx;
    client_ctx = NULL;
    c = client_connect();
    client_ctx = save;
    client_sendf(c, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL((client_pump(c), c->eof)));
    ck_assert_ptr_null(strstr(c->buf, "HTTP/1.1 200"));
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));
}
END_TEST

START_TEST(https_stream_and_max_connections)
{
    struct rest_server_limits lim = small_limits();

    lim.max_connections = 1;
    make_tls_contexts();
    start_server_with(NULL, &lim);
    struct client *c = client_connect();
    client_sendf(c, "GET /events HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(stream != NULL));
    ck_assert_int_eq(rest_stream_send(stream, "e", "1"), 0);
    ck_assert(
        LOOP_UNTIL((client_pump(c), strstr(c->buf, "event: e\ndata: 1"))));

    /* Over the cap a TLS client is closed without a handshake. */
    ck_assert_int_lt(n_clients, MAX_CLIENTS);
    struct client *d = &clients[n_clients++];
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(rest_server_port(server)),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    d->buf = malloc(CLIENT_BUF + 1);
    d->fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(connect(d->fd, (struct sockaddr *) &sin, sizeof sin), 0);
    evutil_make_socket_nonblocking(d->fd);
    ck_assert(LOOP_UNTIL((client_pump(d), d->eof)));
    ck_assert_uint_eq(rest_server_stats(server)->refused_connections, 1);

    client_free(c);
    ck_assert(LOOP_UNTIL(n_stream_closed == 1));
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));
}
END_TEST

/* ---- server ---- */

START_TEST(create_logs_and_errors)
{
    struct rest_server_config cfg = {.address = "127.0.0.1", .port = 0};
    char err[256];
    char want[128];

    rest_server_limits_default(&cfg.limits);
    ck_assert_uint_eq(cfg.limits.max_body, 1048576);
    ck_assert_uint_eq(cfg.limits.max_headers, 16384);
    ck_assert_uint_eq(cfg.limits.max_connections, 256);
    ck_assert(cfg.limits.request_timeout == 10.0);
    ck_assert_uint_eq(cfg.limits.stream_max_queued, 1048576);

    server = rest_server_create(base, &cfg, err, sizeof err);
    ck_assert_ptr_nonnull(server);
    snprintf(want, sizeof want, "http://127.0.0.1:%u",
             rest_server_port(server));
    ck_assert_str_eq(rest_server_url(server), want);
    ck_assert_ptr_nonnull(strstr(last_info, "REST API listening on "));
    ck_assert_ptr_nonnull(strstr(last_info, want));
    ck_assert_int_eq(n_warn, 0);

    /* The same port again. */
    cfg.port = rest_server_port(server);
    ck_assert_ptr_null(rest_server_create(base, &cfg, err, sizeof err));
    snprintf(want, sizeof want,
             "rest: cannot listen on 127.0.0.1:%u: Address already in use",
             cfg.port);
    ck_assert_str_eq(err, want);

    cfg.port = 0;
    cfg.address = "localhost";
    ck_assert_ptr_null(rest_server_create(base, &cfg, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "rest: cannot listen on localhost:0"));

    /* IPv6 loopback: no warning; any address without a token: one. */
    cfg.address = "::1";
    struct rest_server *s6 = rest_server_create(base, &cfg, err, sizeof err);
    if (s6) {
        ck_assert_ptr_nonnull(strstr(rest_server_url(s6), "http://[::1]:"));
        rest_server_destroy(s6);
    }
    ck_assert_int_eq(n_warn, 0);
    cfg.address = "0.0.0.0";
    s6 = rest_server_create(base, &cfg, err, sizeof err);
    ck_assert_ptr_nonnull(s6);
    ck_assert_int_eq(n_warn, 1);
    rest_server_destroy(s6);
    cfg.token = "t";
    s6 = rest_server_create(base, &cfg, err, sizeof err);
    ck_assert_int_eq(n_warn, 1);
    rest_server_destroy(s6);
    rest_server_destroy(NULL);
}
END_TEST

START_TEST(stats_count_replies)
{
    struct resp r;

    start_server();
    request(&r, "GET", "/data", NULL, NULL);
    resp_free(&r);
    request(&r, "GET", "/nope", NULL, NULL);
    resp_free(&r);
    request(&r, "POST", "/json", NULL, "{");
    resp_free(&r);
    request(&r, "POST", "/json", NULL, "{}");
    resp_free(&r);
    const struct rest_server_stats *st = rest_server_stats(server);
    ck_assert_uint_eq(st->requests, 4);
    ck_assert_uint_eq(st->by_class[2], 2);
    ck_assert_uint_eq(st->by_class[4], 2);
    ck_assert_uint_eq(st->by_status[200], 1);
    ck_assert_uint_eq(st->by_status[201], 1);
    ck_assert_uint_eq(st->by_status[404], 1);
    ck_assert_uint_eq(st->by_status[400], 1);
    ck_assert_uint_eq(st->refused_connections, 0);
}
END_TEST

/* ---- abuse (issue 8) ---- */

/* At max_connections, a new client takes the place of the connection that
 * has waited longest (over a second) for a request; with none waiting that
 * long, it gets the 503. */
START_TEST(oldest_waiting_connection_makes_room)
{
    struct rest_server_limits lim = small_limits();
    struct resp r;

    lim.request_timeout = 30;
    start_server_with(NULL, &lim);
    struct client *a = client_connect();
    struct client *b = client_connect();
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 2));
    struct client *c = client_connect();
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 3));
    test_loop_run_for(base, 1.2);

    struct client *d = client_connect();
    expect_data(d);
    ck_assert(LOOP_UNTIL((client_pump(a), a->eof)));
    client_pump(b);
    client_pump(c);
    ck_assert(!b->eof && !c->eof);
    ck_assert_uint_eq(rest_server_stats(server)->evicted_connections, 1);
    ck_assert_uint_eq(rest_server_stats(server)->refused_connections, 0);
    ck_assert_uint_eq(rest_server_stats(server)->connections, 3);
    ck_assert_int_ge(n_warn, 1);

    /* b, then c, make room; then only d (just answered), e and f are
     * left, none waiting long: a 503. */
    struct client *e = client_connect();
    ck_assert(LOOP_UNTIL((client_pump(b), b->eof)));
    struct client *f = client_connect();
    ck_assert(LOOP_UNTIL((client_pump(c), c->eof)));
    ck_assert_uint_eq(rest_server_stats(server)->evicted_connections, 3);
    struct client *g = client_connect();
    client_response(g, &r, false);
    assert_error(&r, 503, "too many connections");
    resp_free(&r);
    ck_assert_uint_eq(rest_server_stats(server)->refused_connections, 1);
    client_pump(e);
    client_pump(f);
    ck_assert(!e->eof && !f->eof);

    /* The kept-alive d still works. */
    client_sendf(d, "GET /data HTTP/1.1\r\nHost: t\r\n\r\n");
    client_response(d, &r, false);
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    for (int i = 0; i < n_clients; i++) {
        client_free(&clients[i]);
    }
    ck_assert(LOOP_UNTIL(rest_server_stats(server)->connections == 0));
}
END_TEST

/* A connection whose request is being handled is never closed to make
 * room, however long it takes. */
START_TEST(busy_connection_is_not_evicted)
{
    struct rest_server_limits lim = small_limits();
    struct resp r;

    lim.max_connections = 1;
    lim.request_timeout = 30;
    start_server_with(NULL, &lim);
    struct client *a = client_connect();
    client_sendf(a, "GET /hold HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert(LOOP_UNTIL(held != NULL));
    test_loop_run_for(base, 1.2);
    struct client *b = client_connect();
    client_response(b, &r, false);
    assert_error(&r, 503, "too many connections");
    resp_free(&r);
    ck_assert_uint_eq(rest_server_stats(server)->evicted_connections, 0);
    ck_assert_uint_eq(rest_server_stats(server)->refused_connections, 1);

    rest_reply_json(held, 202, json_pack("{s:b}", "later", 1));
    held = NULL;
    client_response(a, &r, false);
    ck_assert_int_eq(r.status, 202);
    resp_free(&r);
}
END_TEST

/* accept() out of descriptors pauses the listener (instead of failing
 * again at once, forever); it resumes once descriptors are free again. */
START_TEST(accept_pauses_without_descriptors)
{
    struct rlimit old, low;

    start_server();
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    int probe = dup(0);
    ck_assert_int_ge(probe, 0);
    close(probe);
    /* The client's socket takes 'probe', the lowest free descriptor;
     * accept() finds none left. */
    low.rlim_cur = (rlim_t) probe + 1;
    low.rlim_max = old.rlim_max;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
    struct client *c = client_connect();
    ck_assert_int_eq(c->fd, probe);
    bool warned = LOOP_UNTIL(n_warn >= 1);
    test_loop_run_for(base, 0.3);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
    ck_assert(warned);
    ck_assert_uint_eq(rest_server_stats(server)->connections, 0);

    /* The listener listens again.  (The kernel keeps the first client
     * waiting, but valgrind's emulation of the limit accepts and drops
     * it: only the second one is asserted.) */
    struct client *d = client_connect();
    expect_data(d);
}
END_TEST

/* POSTs the 'len' bytes of 'body' to /json on a new connection. */
static void
post_raw(struct resp *r, const char *body, size_t len)
{
    struct client *c = client_connect();

    client_sendf(c,
                 "POST /json HTTP/1.1\r\nHost: t\r\n"
                 "Content-Length: %zu\r\n\r\n",
                 len);
    client_send(c, body, len);
    client_response(c, r, false);
}

/* Hostile JSON bodies: each a 400 naming the problem, nothing handled. */
START_TEST(hostile_json_is_400)
{
    static const struct {
        const char *body;
        const char *says;
    } cases[] = {
        {"{\"a\": \"\\ud800\"}", "surrogate"},
        {"{\"a\": \"\\udc00x\"}", "surrogate"},
        {"{\"a\": \"\xc0\xaf\"}", "UTF-8"},
        {"{\"a\": \"\xe0\x80\xaf\"}", "UTF-8"},
        {"{\"a\": \"\xed\xa0\x80\"}", "UTF-8"},
        {"{\"a\": \"\xf4\x90\x80\x80\"}", "UTF-8"},
        {"{\"a\": \"\xff\"}", "UTF-8"},
        {"{\"\xfe\": 1}", "UTF-8"},
        {"{\"a\": \"x\\u0000y\"}", "\\\\u0000"},
        {"{\"a\": 123456789012345678901234567890}", "too big"},
        {"{\"a\": -123456789012345678901234567890}", "too big"},
        {"{\"a\": 1e400}", "overflow"},
        {"{\"a\": 1, \"a\": 1}", "duplicate"},
        {"\xef\xbb\xbf{\"a\": 1}", "line 1"},
        {"{\"a\": 1} x", "end of file expected"},
    };
    struct resp r;
    size_t n = 100000;
    char *deep = malloc(2 * n);

    start_server();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        request(&r, "POST", "/json", NULL, cases[i].body);
        assert_error(&r, 400, "malformed JSON");
        ck_assert_msg(strstr(r.body, cases[i].says) != NULL,
                      "%s: %s does not say %s", cases[i].body, r.body,
                      cases[i].says);
        resp_free(&r);
    }
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    post_raw(&r, deep, 2 * n);
    assert_error(&r, 400, "malformed JSON");
    ck_assert_ptr_nonnull(strstr(r.body, "deeper than 64"));
    resp_free(&r);
    free(deep);
    ck_assert_int_eq(n_handled, (int) (sizeof cases / sizeof cases[0]) + 1);
    ck_assert_uint_eq(rest_server_stats(server)->by_status[400],
                      sizeof cases / sizeof cases[0] + 1);
}
END_TEST

/* A raw NUL byte, in a string or outside one, is malformed JSON. */
START_TEST(nul_byte_in_json_is_400)
{
    static const char *const bodies[] = {"{\"a\": \"x\0y\"}", "{\"a\": 1}\0"};
    static const size_t lens[] = {12, 9};
    struct resp r;

    start_server();
    for (size_t i = 0; i < 2; i++) {
        post_raw(&r, bodies[i], lens[i]);
        assert_error(&r, 400, "malformed JSON");
        resp_free(&r);
    }
}
END_TEST

/* ---- in-process requests (rest_server_inject()) ---- */

/* The reply an injected request got. */
struct injected {
    int n_replies;
    int status;
    char content_type[64];
    char allow[64];
    char body[1024];
    size_t len;
};

static void
injected_cb(void *aux, int status, const char *content_type, const char *allow,
            const void *body, size_t len)
{
    struct injected *in = aux;

    in->n_replies++;
    in->status = status;
    snprintf(in->content_type, sizeof in->content_type, "%s",
             content_type ? content_type : "");
    snprintf(in->allow, sizeof in->allow, "%s", allow);
    ck_assert_uint_lt(len, sizeof in->body);
    memcpy(in->body, body, len);
    in->body[len] = '\0';
    in->len = len;
}

/* Injects a request with at most one header ('name': 'value') and 'body'
 * (NULL: none); returns what rest_server_inject() returned. */
static int
inject(struct injected *in, const char *method, const char *target,
       const char *name, const char *value, const char *body)
{
    const char *headers[2] = {name, value};

    memset(in, 0, sizeof *in);
    return rest_server_inject(server, method, target, headers, name ? 1 : 0,
                              body, body ? strlen(body) : 0, injected_cb, in);
}

static void
assert_injected_error(const struct injected *in, int status, const char *error)
{
    json_error_t err;

    ck_assert_int_eq(in->n_replies, 1);
    ck_assert_int_eq(in->status, status);
    ck_assert_str_eq(in->content_type, "application/json");
    json_t *j = json_loads(in->body, 0, &err);
    ck_assert_msg(j != NULL, "not JSON: %s", in->body);
    ck_assert_str_eq(json_string_value(json_object_get(j, "error")), error);
    ck_assert(json_is_string(json_object_get(j, "detail")));
    json_decref(j);
}

START_TEST(inject_takes_the_path_of_a_request)
{
    struct injected in;
    uint64_t before;

    start_server_with("s3cret", NULL);
    before = rest_server_stats(server)->requests;
    ck_assert_int_eq(
        inject(&in, "GET", "/stats/flow/42?q=a%20b+c", NULL, NULL, NULL), 0);
    ck_assert_int_eq(in.n_replies, 1);
    ck_assert_int_eq(in.status, 200);
    ck_assert_str_eq(in.content_type, "application/json");
    ck_assert_str_eq(in.body, "{\"route\":\"flow-param\"}");
    ck_assert_str_eq(seen, "flow-param|/stats/flow/42|1|id=42|q=a b c");

    /* An absolute URI, as evhttp takes it on a request line. */
    inject(&in, "GET", "http://127.0.0.1:8080/files/a/b%2Fc", NULL, NULL,
           NULL);
    ck_assert_int_eq(in.status, 200);
    ck_assert_str_eq(seen, "tail|/files/a/b/c|1|rest=a/b/c");

    inject(&in, "GET", "/nope", NULL, NULL, NULL);
    assert_injected_error(&in, 404, "not found");
    inject(&in, "DELETE", "/stats/flow/all", NULL, NULL, NULL);
    assert_injected_error(&in, 405, "method not allowed");
    ck_assert_str_eq(in.allow, "GET, HEAD, POST");
    inject(&in, "PATCH", "/write", NULL, NULL, NULL);
    assert_injected_error(&in, 405, "method not allowed");
    ck_assert_str_eq(in.allow, "POST, PUT, DELETE");
    inject(&in, "GET", "/stats/flow/%zz", NULL, NULL, NULL);
    assert_injected_error(&in, 400, "bad request");
    inject(&in, "GET", "/stats/flow/1?q=%00", NULL, NULL, NULL);
    assert_injected_error(&in, 400, "bad request");

    /* The token, from the headers. */
    inject(&in, "POST", "/write", NULL, NULL, "{}");
    assert_injected_error(&in, 401, "unauthorized");
    inject(&in, "POST", "/write", "Authorization", "Bearer wrong", "{}");
    assert_injected_error(&in, 401, "unauthorized");
    inject(&in, "POST", "/json", "authorization", "Bearer s3cret",
           "{\"a\": [1]}");
    ck_assert_int_eq(in.status, 201);
    ck_assert_str_eq(in.body, "{\"got\":{\"a\":[1]}}");
    inject(&in, "POST", "/json", "Authorization", "Bearer s3cret", "[1");
    assert_injected_error(&in, 400, "malformed JSON");

    /* HEAD: no body. */
    inject(&in, "HEAD", "/data", NULL, NULL, NULL);
    ck_assert_int_eq(in.status, 200);
    ck_assert_str_eq(in.content_type, "text/plain");
    ck_assert_uint_eq(in.len, 0);

    /* What evhttp refuses before the server: nothing is called. */
    ck_assert_int_eq(inject(&in, "GET", "http://[::1/x", NULL, NULL, NULL),
                     EINVAL);
    ck_assert_int_eq(inject(&in, "GET", "/data", "X", "a\r\nb", NULL), EINVAL);
    ck_assert_int_eq(in.n_replies, 0);

    ck_assert_uint_eq(rest_server_stats(server)->requests - before, 12);
}
END_TEST

START_TEST(inject_async_stream_and_destroy)
{
    struct injected a, b, s;

    start_server();
    /* Answered later, from the loop. */
    inject(&a, "GET", "/hold", NULL, NULL, NULL);
    ck_assert_int_eq(a.n_replies, 0);
    ck_assert_ptr_nonnull(held);
    rest_reply_json(held, 202, json_pack("{s:b}", "later", 1));
    held = NULL;
    ck_assert_int_eq(a.n_replies, 1);
    ck_assert_int_eq(a.status, 202);

    /* A stream is reported as its 200, then closed from the loop. */
    inject(&s, "GET", "/events", NULL, NULL, NULL);
    ck_assert_int_eq(s.n_replies, 1);
    ck_assert_int_eq(s.status, 200);
    ck_assert_str_eq(s.content_type, "text/event-stream");
    ck_assert_ptr_nonnull(stream);
    ck_assert_int_eq(rest_stream_send(stream, "x", "1"), EPIPE);
    ck_assert(LOOP_UNTIL(n_stream_closed == 1));

    /* Pending at destroy: cancelled as for a client gone, no reply. */
    inject(&b, "GET", "/hold-cancel", NULL, NULL, NULL);
    ck_assert_ptr_nonnull(held);
    rest_server_destroy(server);
    server = NULL;
    ck_assert_int_eq(n_cancelled, 1);
    ck_assert_int_eq(b.n_replies, 0);
}
END_TEST

/* A body framed two ways (a request-smuggling shape) is refused, and the
 * connection closed: what follows the body evhttp read is never taken for
 * a request. */
START_TEST(ambiguous_framing_is_400_and_closed)
{
    static const char smuggled[] = "GET /data HTTP/1.1\r\nHost: t\r\n\r\n";
    struct resp r;

    start_server();
    struct client *c = client_connect();
    client_sendf(c,
                 "POST /json HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
                 "Content-Length: %zu\r\n\r\n{}%s",
                 sizeof smuggled + 1, smuggled);
    client_response(c, &r, false);
    assert_error(&r, 400, "bad request");
    ck_assert_ptr_nonnull(strstr(r.body, "Content-Length given twice"));
    resp_free(&r);
    ck_assert(LOOP_UNTIL((client_pump(c), c->eof)));
    ck_assert_ptr_null(strstr(c->buf, "hello"));

    c = client_connect();
    client_sendf(c, "POST /json HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    client_response(c, &r, false);
    /* evhttp refuses this one itself. */
    assert_error(&r, 400, "bad request");
    resp_free(&r);
    ck_assert(LOOP_UNTIL((client_pump(c), c->eof)));
    ck_assert_int_eq(n_handled, 0);

    /* The same length twice is no conflict. */
    request(&r, "POST", "/json", "Content-Length: 2\r\n", "{}");
    ck_assert_int_eq(r.status, 201);
    resp_free(&r);
}
END_TEST
static Suite *
rest_suite(void)
{
    Suite *s = suite_create("rest-server");
    TCase *tc;

    tc = tcase_create("routing");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, literal_beats_parameter);
    tcase_add_test(tc, tail_parameter_takes_the_rest);
    tcase_add_test(tc, not_found_and_method_not_allowed);
    tcase_add_test(tc, head_is_get_without_body);
    tcase_add_test(tc, route_add_rules);
    suite_add_tcase(s, tc);

    tc = tcase_create("requests");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, params_and_query_are_decoded);
    tcase_add_test(tc, bad_encoding_is_400);
    tcase_add_test(tc, json_body_round_trip);
    tcase_add_test(tc, json_errors_are_400);
    tcase_add_test(tc, no_token_means_writes_are_open);
    tcase_add_test(tc, token_required_for_writes);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, body_over_limit_is_413_json);
    tcase_add_test(tc, headers_over_limit_are_refused);
    tcase_add_test(tc, max_connections_503_and_count_returns_to_zero);
    tcase_add_test(tc, slow_request_is_closed);
    suite_add_tcase(s, tc);

    tc = tcase_create("async");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, async_reply);
    tcase_add_test(tc, cancel_on_client_disconnect);
    tcase_add_test(tc, destroy_cancels_pending);
    tcase_add_test(tc, stream_events_in_order_and_heartbeat);
    tcase_add_test(tc, stream_outlives_request_timeout);
    tcase_add_test(tc, stream_client_gone_closed_once);
    tcase_add_test(tc, slow_consumer_dropped);
    suite_add_tcase(s, tc);

    tc = tcase_create("https");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, https_requests);
    tcase_add_test(tc, https_stream_and_max_connections);
    suite_add_tcase(s, tc);

    tc = tcase_create("server");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, create_logs_and_errors);
    tcase_add_test(tc, stats_count_replies);
    suite_add_tcase(s, tc);

    tc = tcase_create("abuse");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, oldest_waiting_connection_makes_room);
    tcase_add_test(tc, busy_connection_is_not_evicted);
    tcase_add_test(tc, accept_pauses_without_descriptors);
    tcase_add_test(tc, hostile_json_is_400);
    tcase_add_test(tc, nul_byte_in_json_is_400);
    tcase_add_test(tc, ambiguous_framing_is_400_and_closed);
    suite_add_tcase(s, tc);

    tc = tcase_create("inject");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, inject_takes_the_path_of_a_request);
    tcase_add_test(tc, inject_async_stream_and_destroy);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_tls_run_suite(rest_suite(), &tls_dir);
}
