/* test-sluicectl: libcheck tests for tools/sluicectl.
 *
 * The program itself runs as a child process against an in-process
 * rest/server on 127.0.0.1 port 0 (HTTP or HTTPS with a throwaway PKI)
 * whose one route records each request (method, path, body,
 * Authorization) and answers with what the test canned for it.  The test
 * pumps the server's event loop, and the child's stdout and stderr through
 * the same loop, until the child exits; every wait is bounded.  The SPEC
 * parser, the event-stream parser and the duration format are also tested
 * directly.
 *
 * The binary is SLUICECTL_PATH (set by the build) or $SLUICECTL; a
 * $SLUICECTL_PREFIX ("valgrind -q --error-exitcode=99") runs each child
 * under that command. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "controller/log.h"
#include "rest/server.h"
#include "test/test-loop.h"
#include "test/test-tls.h"
#include "test/test-util.h"
#include "tools/sluicectl-show.h"
#include "tools/sluicectl-spec.h"
#include "tools/sluicectl-sse.h"

#ifndef SLUICECTL_PATH
#define SLUICECTL_PATH "tools/sluicectl"
#endif

#define DEADLINE 60.0
#define LOOP_UNTIL(COND) TEST_LOOP_UNTIL(base, COND, DEADLINE)
#define MAX_CANNED 16
#define MAX_SEEN 16
#define OUTPUT_MAX (256 * 1024)
#define TOKEN "s3cret"

static struct event_base *base;
static struct event *ticker;
static struct rest_server *server;
static SSL_CTX *server_ctx;
static char *tls_dir;
static char url[128];

/* ---- the server's canned answers and what it saw ---- */

enum {
    HOLD = 0,    /* never answer */
    STREAM = -1, /* start an event stream */
};

struct canned {
    const char *method;
    const char *path;
    int status; /* or HOLD, STREAM */
    const char *content_type;
    const char *body;
};

struct seen {
    char method[8];
    char path[256];
    char *body;
    char *auth; /* NULL: no Authorization header */
};

static struct canned canned[MAX_CANNED];
static int n_canned;
static struct seen seen[MAX_SEEN];
static int n_seen;
static struct rest_stream *stream;
static int n_stream_closed;

/* Answers 'method' 'path' with 'status' and the JSON (or, with
 * 'content_type', any) 'body'. */
static void
can(const char *method, const char *path, int status, const char *body)
{
    ck_assert_int_lt(n_canned, MAX_CANNED);
    canned[n_canned++] =
        (struct canned){method, path, status, "application/json", body};
}

static void
can_text(const char *method, const char *path, int status,
         const char *content_type, const char *body)
{
    can(method, path, status, body);
    canned[n_canned - 1].content_type = content_type;
}

static const char *
method_name(enum rest_method m)
{
    switch (m) {
    case REST_GET:
        return "GET";
    case REST_POST:
        return "POST";
    case REST_PUT:
        return "PUT";
    case REST_DELETE:
        return "DELETE";
    case REST_HEAD:
        return "HEAD";
    }
    return "?";
}

static void
on_stream_closed(void *aux)
{
    (void) aux;
    stream = NULL;
    n_stream_closed++;
}

static void
h_canned(struct rest_req *req, void *aux)
{
    const char *method = method_name(rest_req_method(req));
    const char *path = rest_req_path(req);
    const char *auth = rest_req_header(req, "Authorization");
    size_t len;
    const uint8_t *body = rest_req_body(req, &len);

    (void) aux;
    ck_assert_int_lt(n_seen, MAX_SEEN);
    struct seen *s = &seen[n_seen++];
    snprintf(s->method, sizeof s->method, "%s", method);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->body = strndup((const char *) body, len);
    s->auth = auth ? strdup(auth) : NULL;

    for (int i = 0; i < n_canned; i++) {
        const struct canned *c = &canned[i];
        if (strcmp(c->method, method) || strcmp(c->path, path)) {
            continue;
        }
        if (c->status == HOLD) {
            return; /* Cancelled when the client goes or the server ends. */
        }
        if (c->status == STREAM) {
            stream = rest_stream_start(req, on_stream_closed, NULL);
            ck_assert_ptr_nonnull(stream);
            return;
        }
        rest_reply_data(req, c->status, c->content_type, c->body,
                        strlen(c->body));
        return;
    }
    rest_reply_error(req, 404, "no canned answer", "%s %s", method, path);
}

static void
start_server_with(const char *token, bool https)
{
    struct rest_server_config cfg = {
        .address = "127.0.0.1",
        .token = token,
    };
    char err[256];

    if (https) {
        server_ctx = SSL_CTX_new(TLS_server_method());
        ck_assert_ptr_nonnull(server_ctx);
        ck_assert_int_eq(SSL_CTX_use_certificate_chain_file(
                             server_ctx, test_tls_path(tls_dir, "server.crt")),
                         1);
        ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(
                             server_ctx, test_tls_path(tls_dir, "server.key"),
                             SSL_FILETYPE_PEM),
                         1);
        cfg.ssl_ctx = server_ctx;
    }
    rest_server_limits_default(&cfg.limits);
    server = rest_server_create(base, &cfg, err, sizeof err);
    ck_assert_msg(server != NULL, "create: %s", err);
    ck_assert_int_eq(
        rest_route_add(server, REST_GET | REST_POST | REST_PUT | REST_DELETE,
                       "/{path...}", h_canned, NULL, NULL),
        0);
    snprintf(url, sizeof url, "%s", rest_server_url(server));
}

static void
start_server(void)
{
    start_server_with(NULL, false);
}

/* ---- the child ---- */

struct output {
    int fd;
    struct event *ev;
    char *buf; /* NUL-terminated */
    size_t len;
    bool eof;
};

struct child {
    pid_t pid;
    bool reaped;
    int status; /* exit status, or 128 + signal */
    struct output out, err;
};

static struct child child;

static void
output_cb(evutil_socket_t fd, short what, void *output_)
{
    struct output *o = output_;

    (void) what;
    for (;;) {
        ssize_t n = read(fd, o->buf + o->len, OUTPUT_MAX - o->len);
        if (n > 0) {
            o->len += (size_t) n;
            o->buf[o->len] = '\0';
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return;
        }
        o->eof = true;
        event_del(o->ev);
        return;
    }
}

static void
output_init(struct output *o, int fd)
{
    o->fd = fd;
    o->buf = calloc(1, OUTPUT_MAX + 1);
    ck_assert_ptr_nonnull(o->buf);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    o->ev = event_new(base, fd, EV_READ | EV_PERSIST, output_cb, o);
    event_add(o->ev, NULL);
}

static void
output_uninit(struct output *o)
{
    if (o->ev) {
        event_free(o->ev);
        close(o->fd);
    }
    free(o->buf);
    memset(o, 0, sizeof *o);
}

/* Splits $SLUICECTL_PREFIX into 'argv'; returns how many words. */
static int
prefix_words(char *copy, const char *argv[], int max)
{
    int n = 0;

    for (char *save = NULL, *w = strtok_r(copy, " ", &save); w && n < max;
         w = strtok_r(NULL, " ", &save)) {
        argv[n++] = w;
    }
    return n;
}

/* Starts sluicectl with 'args' (NULL-terminated), after "--url URL" of the
 * server when 'with_url'; 'env' ("NAME=VALUE" strings, NULL-terminated, or
 * NULL) is added to an environment without SLUICE_*. */
static void
child_start(const char *const env[], bool with_url, const char *const args[])
{
    const char *path = getenv("SLUICECTL");
    const char *prefix = getenv("SLUICECTL_PREFIX");
    char *prefix_copy = strdup(prefix ? prefix : "");
    const char *argv[64];
    int argc = prefix_words(prefix_copy, argv, 16);
    int out[2], err[2];

    argv[argc++] = path && *path ? path : SLUICECTL_PATH;
    if (with_url) {
        argv[argc++] = "--url";
        argv[argc++] = url;
    }
    for (int i = 0; args[i]; i++) {
        ck_assert_int_lt(argc, 62);
        argv[argc++] = args[i];
    }
    argv[argc] = NULL;

    memset(&child, 0, sizeof child);
    ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
    ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
    child.pid = fork();
    ck_assert_int_ge(child.pid, 0);
    if (!child.pid) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        unsetenv("SLUICE_URL");
        unsetenv("SLUICE_TOKEN");
        unsetenv("SLUICE_CA");
        for (int i = 0; env && env[i]; i++) {
            putenv((char *) env[i]);
        }
        execvp(argv[0], (char *const *) argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    free(prefix_copy);
    close(out[1]);
    close(err[1]);
    output_init(&child.out, out[0]);
    output_init(&child.err, err[0]);
}

/* Whether the child exited and closed its outputs. */
static bool
child_done(void)
{
    int st;

    if (!child.reaped && waitpid(child.pid, &st, WNOHANG) == child.pid) {
        child.reaped = true;
        child.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    return child.reaped && child.out.eof && child.err.eof;
}

/* Waits for the child to end (killing it after DEADLINE). */
static void
child_wait(void)
{
    if (!LOOP_UNTIL(child_done())) {
        kill(child.pid, SIGKILL);
        waitpid(child.pid, NULL, 0);
        child.reaped = true;
        ck_abort_msg("sluicectl did not end; stdout: %s; stderr: %s",
                     child.out.buf, child.err.buf);
    }
}

/* Runs sluicectl to its end: see child_start(). */
static void
run(const char *const env[], bool with_url, const char *const args[])
{
    child_start(env, with_url, args);
    child_wait();
}

#define CTL(...) run(NULL, true, (const char *const[]){__VA_ARGS__, NULL})
#define CTL_ENV(ENV, ...)                                                     \
    run((const char *const[]){ENV, NULL}, true,                               \
        (const char *const[]){__VA_ARGS__, NULL})

/* Checks the child's exit status, stdout and stderr. */
static void
assert_result(int status, const char *out, const char *err)
{
    ck_assert_msg(child.status == status,
                  "exit status %d, expected %d; stdout: %s; stderr: %s",
                  child.status, status, child.out.buf, child.err.buf);
    if (out) {
        ck_assert_str_eq(child.out.buf, out);
    }
    if (err) {
        ck_assert_str_eq(child.err.buf, err);
    }
}

/* Checks request 'i': method, path, Authorization ('auth' NULL: none). */
static void
assert_seen(int i, const char *method, const char *path, const char *auth)
{
    ck_assert_int_gt(n_seen, i);
    ck_assert_str_eq(seen[i].method, method);
    ck_assert_str_eq(seen[i].path, path);
    if (auth) {
        ck_assert_msg(seen[i].auth && !strcmp(seen[i].auth, auth),
                      "Authorization %s, expected %s",
                      seen[i].auth ? seen[i].auth : "(none)", auth);
    } else {
        ck_assert_ptr_null(seen[i].auth);
    }
}

/* Checks that request 'i''s body is the JSON 'want'. */
static void
assert_seen_json(int i, const char *want)
{
    json_error_t error;
    json_t *got = json_loads(seen[i].body, 0, &error);
    json_t *expected = json_loads(want, 0, &error);

    ck_assert_msg(expected != NULL, "bad fixture: %s", error.text);
    ck_assert_msg(got && json_equal(got, expected), "body %s, expected %s",
                  seen[i].body, want);
    json_decref(got);
    json_decref(expected);
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
    server_ctx = NULL;
    stream = NULL;
    n_stream_closed = n_canned = n_seen = 0;
    url[0] = '\0';
    memset(&child, 0, sizeof child);
    /* The server's own log lines are not what these tests read. */
    sl_log_set_level("default", SL_LOG_OFF);
}

static void
teardown(void)
{
    rest_server_destroy(server);
    SSL_CTX_free(server_ctx);
    output_uninit(&child.out);
    output_uninit(&child.err);
    for (int i = 0; i < n_seen; i++) {
        free(seen[i].body);
        free(seen[i].auth);
    }
    event_free(ticker);
    event_base_free(base);
    ERR_clear_error();
    sl_log_set_level("default", SL_LOG_INFO);
}

/* ---- canned API answers ---- */

static const char switches_json[] =
    "{\"switches\": ["
    "{\"dpid\": \"0000000000000001\", \"address\": \"tcp:127.0.0.1:40312\","
    " \"connected_since\": \"2026-11-21T10:00:00Z\","
    " \"connected_seconds\": 12.5, \"of_version\": \"1.3\","
    " \"role\": \"EQUAL\", \"n_tables\": 254, \"n_buffers\": 0,"
    " \"capabilities\": 79, \"desc\": {\"mfr_desc\": \"Nicira, Inc.\"},"
    " \"ports\": [{\"port_no\": 1, \"name\": \"s1-eth1\"},"
    " {\"port_no\": 2, \"name\": \"s1-eth2\"},"
    " {\"port_no\": \"LOCAL\", \"name\": \"s1\"}],"
    " \"flows\": {\"desired\": 12, \"synced\": true}},"
    "{\"dpid\": \"00000000000000ab\", \"address\": \"ssl:10.0.0.2:51000\","
    " \"connected_seconds\": 93784, \"ports\": [],"
    " \"flows\": {\"desired\": 3, \"synced\": false}}]}";

/* As Ryu's get_flow_stats() writes them (../shared/corpus). */
static const char flows_json[] =
    "{\"1\": ["
    "{\"actions\": [], \"byte_count\": 0, \"cookie\": 0,"
    " \"duration_nsec\": 115277000, \"duration_sec\": 358, \"flags\": 0,"
    " \"hard_timeout\": 0, \"idle_timeout\": 0, \"length\": 0,"
    " \"match\": {}, \"packet_count\": 0, \"priority\": 65535,"
    " \"table_id\": 0},"
    "{\"actions\": [\"OUTPUT:NORMAL\"], \"byte_count\": 0, \"cookie\": 0,"
    " \"duration_nsec\": 115055000, \"duration_sec\": 358, \"flags\": 0,"
    " \"hard_timeout\": 0, \"idle_timeout\": 0, \"length\": 0,"
    " \"match\": {\"dl_type\": 2054}, \"packet_count\": 0,"
    " \"priority\": 65534, \"table_id\": 0},"
    "{\"actions\": [\"GOTO_TABLE:1\"], \"byte_count\": 238, \"cookie\": 0,"
    " \"duration_nsec\": 511582000, \"duration_sec\": 316220, \"flags\": 0,"
    " \"hard_timeout\": 0, \"idle_timeout\": 0, \"length\": 0,"
    " \"match\": {\"dl_src\": \"f2:0b:a4:7d:f8:ea\", \"in_port\": 6},"
    " \"packet_count\": 3, \"priority\": 123, \"table_id\": 0},"
    "{\"actions\": [{\"WRITE_ACTIONS\": [\"POP_VLAN\", \"OUTPUT:6\"]},"
    " \"SET_FIELD: {eth_src:01:02:03:04:05:06}\"], \"byte_count\": 98,"
    " \"cookie\": \"18446744073709551615\", \"duration_nsec\": 980901000,"
    " \"duration_sec\": 313499, \"flags\": 0, \"hard_timeout\": 30,"
    " \"idle_timeout\": 10, \"length\": 0, \"match\": {},"
    " \"packet_count\": 1, \"priority\": 0, \"table_id\": 2}]}";

static const char flows_text[] =
    "table=0, priority=65535, n_packets=0, n_bytes=0, cookie=0x0, "
    "duration=358.115s, idle=0, actions=drop\n"
    "table=0, priority=65534, n_packets=0, n_bytes=0, cookie=0x0, "
    "duration=358.115s, idle=0, dl_type=2054, actions=OUTPUT:NORMAL\n"
    "table=0, priority=123, n_packets=3, n_bytes=238, cookie=0x0, "
    "duration=316220.511s, idle=0, dl_src=f2:0b:a4:7d:f8:ea, in_port=6, "
    "actions=GOTO_TABLE:1\n"
    "table=2, priority=0, n_packets=1, n_bytes=98, "
    "cookie=0xffffffffffffffff, duration=313499.980s, idle=10, hard=30, "
    "actions=WRITE_ACTIONS(POP_VLAN,OUTPUT:6),"
    "SET_FIELD: {eth_src:01:02:03:04:05:06}\n";

static const char portdesc_json[] =
    "{\"1\": ["
    "{\"port_no\": \"LOCAL\", \"name\": \"s1\", \"hw_addr\":"
    " \"aa:00:00:00:00:fe\", \"config\": 1, \"state\": 0},"
    "{\"port_no\": 2, \"name\": \"s1-eth2\", \"hw_addr\":"
    " \"aa:00:00:00:00:02\", \"config\": 0, \"state\": 1},"
    "{\"port_no\": 1, \"name\": \"s1-eth1\", \"hw_addr\":"
    " \"aa:00:00:00:00:01\", \"config\": 0, \"state\": 4}]}";

static const char portstats_json[] =
    "{\"1\": ["
    "{\"port_no\": 1, \"rx_packets\": 10, \"tx_packets\": 20,"
    " \"rx_bytes\": 1000, \"tx_bytes\": 2000, \"rx_errors\": 1,"
    " \"tx_errors\": 2},"
    "{\"port_no\": 7, \"rx_packets\": 5, \"tx_packets\": 6,"
    " \"rx_bytes\": 7, \"tx_bytes\": 8, \"rx_errors\": 0, \"tx_errors\": 0},"
    "{\"port_no\": 2, \"rx_packets\": 0, \"tx_packets\": 0,"
    " \"rx_bytes\": 0, \"tx_bytes\": 0, \"rx_errors\": 0, \"tx_errors\": 0},"
    "{\"port_no\": \"LOCAL\", \"rx_packets\": 1, \"tx_packets\": 2,"
    " \"rx_bytes\": 3, \"tx_bytes\": 4, \"rx_errors\": 0,"
    " \"tx_errors\": 0}]}";

static const char health_json[] =
    "{\"status\": \"ok\", \"version\": \"0.1.0\", \"uptime_seconds\": 12.5,"
    " \"switches\": 3, \"apps\": 1}";

/* ---- reads ---- */

START_TEST(switches_table)
{
    start_server();
    can("GET", "/api/v1/switches", 200, switches_json);
    CTL("--token", TOKEN, "switches");
    assert_result(0,
                  "DPID              ADDRESS              PORTS  UPTIME  "
                  "FLOWS  SYNCED\n"
                  "0000000000000001  tcp:127.0.0.1:40312      3     12s  "
                  "   12  yes\n"
                  "00000000000000ab  ssl:10.0.0.2:51000       0   1d02h  "
                  "    3  no\n",
                  "");
    ck_assert_int_eq(n_seen, 1);
    assert_seen(0, "GET", "/api/v1/switches", "Bearer " TOKEN);
    ck_assert_str_eq(seen[0].body, "");
}
END_TEST

START_TEST(switches_json_is_the_answer_pretty)
{
    start_server();
    can("GET", "/api/v1/switches", 200, switches_json);
    CTL("--json", "switches");

    json_t *answer = json_loads(switches_json, 0, NULL);
    char *want = json_dumps(answer, JSON_INDENT(2));
    size_t len = strlen(want);
    want = realloc(want, len + 2);
    memcpy(want + len, "\n", 2);
    assert_result(0, want, "");
    free(want);
    json_decref(answer);
    assert_seen(0, "GET", "/api/v1/switches", NULL);
}
END_TEST

START_TEST(switches_none)
{
    start_server();
    can("GET", "/api/v1/switches", 200, "{\"switches\": []}");
    CTL("switches");
    assert_result(0, "DPID  ADDRESS  PORTS  UPTIME  FLOWS  SYNCED\n", "");
}
END_TEST

START_TEST(flows_lines)
{
    start_server();
    can("GET", "/stats/flow/1", 200, flows_json);
    CTL("--token", TOKEN, "flows", "0x1");
    assert_result(0, flows_text, "");
    assert_seen(0, "GET", "/stats/flow/1", "Bearer " TOKEN);
}
END_TEST

START_TEST(dpid_forms_become_decimal)
{
    static const struct {
        const char *arg;
        const char *path;
    } cases[] = {
        {"171", "/stats/flow/171"},
        {"0xab", "/stats/flow/171"},
        {"00000000000000ab", "/stats/flow/171"},
        {"0000000000000010", "/stats/flow/16"},
        {"0xffffffffffffffff", "/stats/flow/18446744073709551615"},
    };

    start_server();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        output_uninit(&child.out);
        output_uninit(&child.err);
        CTL("flows", cases[i].arg);
        ck_assert_int_eq(n_seen, (int) i + 1);
        ck_assert_str_eq(seen[i].path, cases[i].path);
    }
}
END_TEST

START_TEST(ports_merged_table_and_json)
{
    start_server();
    can("GET", "/stats/portdesc/1", 200, portdesc_json);
    can("GET", "/stats/port/1", 200, portstats_json);
    CTL("--token", TOKEN, "ports", "1");
    assert_result(0,
                  "PORT   NAME     MAC                STATE       RX_PKTS  "
                  "TX_PKTS  RX_BYTES  TX_BYTES  ERRORS\n"
                  "1      s1-eth1  aa:00:00:00:00:01  up               10  "
                  "     20      1000      2000       3\n"
                  "2      s1-eth2  aa:00:00:00:00:02  down              0  "
                  "      0         0         0       0\n"
                  "7      -        -                  -                 5  "
                  "      6         7         8       0\n"
                  "LOCAL  s1       aa:00:00:00:00:fe  admin-down        1  "
                  "      2         3         4       0\n",
                  "");
    ck_assert_int_eq(n_seen, 2);
    assert_seen(0, "GET", "/stats/portdesc/1", "Bearer " TOKEN);
    assert_seen(1, "GET", "/stats/port/1", "Bearer " TOKEN);

    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--json", "ports", "1");
    json_t *got = json_loads(child.out.buf, 0, NULL);
    json_t *ports = json_object_get(got, "1");
    ck_assert_int_eq(json_array_size(ports), 4);
    json_t *p1 = json_array_get(ports, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(p1, "port_no")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(p1, "name")),
                     "s1-eth1");
    ck_assert_int_eq(json_integer_value(json_object_get(p1, "rx_bytes")),
                     1000);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(ports, 3), "name")),
        "s1");
    json_decref(got);
}
END_TEST

START_TEST(health_metrics_events_paths)
{
    static const char metrics[] =
        "# HELP sluice_switches Connected switches.\n"
        "# TYPE sluice_switches gauge\n"
        "sluice_switches 3\n";

    start_server();
    can("GET", "/api/v1/health", 200, health_json);
    can_text("GET", "/metrics", 200, "text/plain; version=0.0.4", metrics);
    CTL("--token", TOKEN, "health");
    assert_result(0,
                  "status:         ok\n"
                  "version:        0.1.0\n"
                  "uptime_seconds: 12.500\n"
                  "switches:       3\n"
                  "apps:           1\n",
                  "");
    assert_seen(0, "GET", "/api/v1/health", "Bearer " TOKEN);

    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--json", "metrics");
    assert_result(0, metrics, "");
    assert_seen(1, "GET", "/metrics", NULL);
}
END_TEST

/* ---- writes ---- */

START_TEST(add_flow_body)
{
    start_server();
    can("POST", "/stats/flowentry/add", 200, "");
    CTL("--token", TOKEN, "add-flow", "1",
        "priority=100,in_port=1,eth_type=0x0800,ipv4_dst=10.0.0.0/24,"
        "actions=output:2,output:controller");
    assert_result(0, "", "");
    ck_assert_int_eq(n_seen, 1);
    assert_seen(0, "POST", "/stats/flowentry/add", "Bearer " TOKEN);
    assert_seen_json(0,
                     "{\"dpid\": 1, \"table_id\": 0, \"priority\": 100,"
                     " \"match\": {\"in_port\": 1, \"eth_type\": \"0x0800\","
                     " \"ipv4_dst\": \"10.0.0.0/24\"},"
                     " \"actions\": [{\"type\": \"OUTPUT\", \"port\": 2},"
                     " {\"type\": \"OUTPUT\", \"port\": 4294967293}]}");
}
END_TEST

START_TEST(add_flow_every_action)
{
    start_server();
    can("POST", "/stats/flowentry/add", 200, "");
    CTL("add-flow", "0x00000000000000ab",
        "table=1, priority=5, idle_timeout=10, hard_timeout=20, cookie=0x10,"
        " eth_src=aa:bb:cc:dd:ee:ff, vlan_vid=0x1000/0x1000,"
        " actions=push_vlan:0x8100, set_field:4196->vlan_vid,"
        " set_field:aa:bb:cc:00:00:01->eth_dst, pop_vlan, group:7,"
        " output:in_port, output:flood, output:all, output:normal,"
        " output:local, meter:3, write_metadata:0x1/0xff, goto_table:2");
    assert_result(0, "", "");
    assert_seen(0, "POST", "/stats/flowentry/add", NULL);
    assert_seen_json(
        0, "{\"dpid\": 171, \"table_id\": 1, \"priority\": 5,"
           " \"idle_timeout\": 10, \"hard_timeout\": 20, \"cookie\": 16,"
           " \"match\": {\"eth_src\": \"aa:bb:cc:dd:ee:ff\","
           " \"vlan_vid\": \"0x1000/0x1000\"},"
           " \"actions\": [{\"type\": \"PUSH_VLAN\", \"ethertype\": 33024},"
           " {\"type\": \"SET_FIELD\", \"field\": \"vlan_vid\","
           " \"value\": 4196},"
           " {\"type\": \"SET_FIELD\", \"field\": \"eth_dst\","
           " \"value\": \"aa:bb:cc:00:00:01\"},"
           " {\"type\": \"POP_VLAN\"}, {\"type\": \"GROUP\", \"group_id\": 7},"
           " {\"type\": \"OUTPUT\", \"port\": 4294967288},"
           " {\"type\": \"OUTPUT\", \"port\": 4294967291},"
           " {\"type\": \"OUTPUT\", \"port\": 4294967292},"
           " {\"type\": \"OUTPUT\", \"port\": 4294967290},"
           " {\"type\": \"OUTPUT\", \"port\": 4294967294},"
           " {\"type\": \"METER\", \"meter_id\": 3},"
           " {\"type\": \"WRITE_METADATA\", \"metadata\": 1,"
           " \"metadata_mask\": 255},"
           " {\"type\": \"GOTO_TABLE\", \"table_id\": 2}]}");
}
END_TEST

START_TEST(del_flows_clear_and_match)
{
    start_server();
    can("DELETE", "/stats/flowentry/clear/1", 200, "");
    can("POST", "/stats/flowentry/delete", 200, "");
    CTL("--token", TOKEN, "del-flows", "1");
    assert_result(0, "", "");
    ck_assert_int_eq(n_seen, 1);
    assert_seen(0, "DELETE", "/stats/flowentry/clear/1", "Bearer " TOKEN);
    ck_assert_str_eq(seen[0].body, "");

    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--token", TOKEN, "del-flows", "1", "eth_type=0x0806");
    assert_result(0, "", "");
    assert_seen(1, "POST", "/stats/flowentry/delete", "Bearer " TOKEN);
    assert_seen_json(1, "{\"dpid\": 1, \"table_id\": 255,"
                        " \"match\": {\"eth_type\": \"0x0806\"}}");

    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("del-flows", "2", "table=3,in_port=1");
    assert_result(0, "", "");
    assert_seen_json(2, "{\"dpid\": 2, \"table_id\": 3,"
                        " \"match\": {\"in_port\": 1}}");
}
END_TEST

START_TEST(bad_spec_sends_nothing)
{
    static const struct {
        const char *command;
        const char *spec;
        const char *err;
    } cases[] = {
        {"add-flow", "prio=1,actions=drop",
         "sluicectl: bad SPEC: 'prio=1': unknown field 'prio'\n"},
        {"add-flow", "in_port=1,actions=output:x",
         "sluicectl: bad SPEC: 'output:x': 'x' is not a port (a number, or "
         "controller, in_port, flood, all, normal, local)\n"},
        {"add-flow", "eth_dst=zz,actions=drop",
         "sluicectl: bad SPEC: 'eth_dst=zz': match.eth_dst: \"zz\" is not a "
         "MAC address\n"},
        {"add-flow", "in_port=1",
         "sluicectl: bad SPEC: add-flow needs actions=... at the end (use "
         "actions=drop for none)\n"},
        {"del-flows", "priority=5",
         "sluicectl: bad SPEC: 'priority=5': del-flows takes only table= and "
         "match fields\n"},
    };

    start_server();
    can("POST", "/stats/flowentry/add", 200, "");
    can("POST", "/stats/flowentry/delete", 200, "");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        output_uninit(&child.out);
        output_uninit(&child.err);
        CTL(cases[i].command, "1", cases[i].spec);
        assert_result(2, "", cases[i].err);
    }
    ck_assert_int_eq(n_seen, 0);
}
END_TEST

/* ---- raw requests ---- */

START_TEST(raw_get_post_delete)
{
    start_server();
    can("GET", "/api/v1/apps", 200, "{\"apps\":[{\"name\":\"hub\"}]}");
    can("POST", "/api/v1/apps/hub/mode", 201, "{\"ok\":true}");
    can("DELETE", "/api/v1/apps/hub/mode", 200, "");
    CTL("--token", TOKEN, "get", "/api/v1/apps");
    assert_result(0,
                  "{\n  \"apps\": [\n    {\n      \"name\": \"hub\"\n    }\n"
                  "  ]\n}\n",
                  "");
    assert_seen(0, "GET", "/api/v1/apps", "Bearer " TOKEN);

    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--token", TOKEN, "post", "/api/v1/apps/hub/mode",
        "{\"mode\": \"flood\"}");
    assert_result(0, "{\n  \"ok\": true\n}\n", "");
    assert_seen(1, "POST", "/api/v1/apps/hub/mode", "Bearer " TOKEN);
    ck_assert_str_eq(seen[1].body, "{\"mode\": \"flood\"}");

    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--token", TOKEN, "delete", "/api/v1/apps/hub/mode");
    assert_result(0, "", "");
    assert_seen(2, "DELETE", "/api/v1/apps/hub/mode", "Bearer " TOKEN);

    /* A body that is not JSON, a path without '/': nothing sent. */
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("post", "/api/v1/apps/hub/mode", "{mode}");
    assert_result(2, "",
                  "sluicectl: the body is not JSON: line 1 column 5: "
                  "string or '}' expected near 'mode'\n");
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("get", "api/v1/apps");
    assert_result(2, "",
                  "sluicectl: 'api/v1/apps': a PATH starts with "
                  "'/'\n");
    ck_assert_int_eq(n_seen, 3);
}
END_TEST

/* ---- errors ---- */

START_TEST(api_error_is_exit_1)
{
    start_server();
    can("GET", "/stats/flow/1", 404,
        "{\"error\": \"no such switch\","
        " \"detail\": \"0000000000000001 is not connected\"}");
    can("POST", "/stats/flowentry/add", 400,
        "{\"error\": \"switch refused the request\", \"detail\":"
        " \"OFPBAC_BAD_OUT_PORT (type 2, code 4)\", \"err_type\": 2,"
        " \"code\": 4, \"name\": \"OFPBAC_BAD_OUT_PORT\"}");
    can_text("GET", "/api/v1/health", 502, "text/plain",
             "upstream gone\nmore\n");
    can("GET", "/api/v1/switches", 503, "{\"error\": \"busy\"}");

    CTL("flows", "1");
    assert_result(1, "",
                  "sluicectl: HTTP 404: no such switch: 0000000000000001 is "
                  "not connected\n");
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--json", "add-flow", "1", "actions=output:99");
    assert_result(1, "",
                  "sluicectl: HTTP 400: switch refused the request: "
                  "OFPBAC_BAD_OUT_PORT (type 2, code 4)\n");
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("health");
    assert_result(1, "", "sluicectl: HTTP 502: upstream gone\n");
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("switches");
    assert_result(1, "", "sluicectl: HTTP 503: busy\n");
    /* A route nobody serves: the server's own 404. */
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("get", "/nowhere");
    assert_result(1, "",
                  "sluicectl: HTTP 404: no canned answer: GET "
                  "/nowhere\n");
}
END_TEST

START_TEST(unreadable_answer_is_exit_1)
{
    start_server();
    can("GET", "/api/v1/switches", 200, "{\"nope\": 1}");
    can("GET", "/api/v1/health", 200, "not json");
    CTL("switches");
    assert_result(1, "",
                  "sluicectl: GET /api/v1/switches: unexpected answer: no "
                  "\"switches\" array\n");
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("health");
    assert_result(1, "", NULL);
    ck_assert_ptr_nonnull(strstr(child.err.buf, "sluicectl: GET "
                                                "/api/v1/health: the answer "
                                                "is not JSON: "));
}
END_TEST

START_TEST(token_enforced_by_the_server)
{
    start_server_with("right", false);
    can("POST", "/stats/flowentry/add", 200, "");
    CTL("--token", "wrong", "add-flow", "1", "actions=drop");
    assert_result(1, "", NULL);
    ck_assert_msg(!strncmp(child.err.buf, "sluicectl: HTTP 401: ", 21),
                  "stderr: %s", child.err.buf);
    ck_assert_int_eq(n_seen, 0);
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--token", "right", "add-flow", "1", "actions=drop");
    assert_result(0, "", "");
    assert_seen(0, "POST", "/stats/flowentry/add", "Bearer right");
    assert_seen_json(0, "{\"dpid\": 1, \"table_id\": 0, \"priority\": 32768,"
                        " \"match\": {}, \"actions\": []}");
}
END_TEST

/* A port nobody listens on. */
static int
closed_port(void)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    socklen_t len = sizeof sin;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_eq(bind(fd, (struct sockaddr *) &sin, sizeof sin), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *) &sin, &len), 0);
    close(fd);
    return ntohs(sin.sin_port);
}

START_TEST(connection_refused_is_exit_3)
{
    char where[64], want[160];

    snprintf(where, sizeof where, "http://127.0.0.1:%d", closed_port());
    run(NULL, false, (const char *const[]){"--url", where, "health", NULL});
    snprintf(want, sizeof want,
             "sluicectl: cannot connect to %s: Connection refused\n",
             where + 7);
    assert_result(3, "", want);
}
END_TEST

START_TEST(timeout_is_exit_3)
{
    char want[256];

    start_server();
    can("GET", "/api/v1/health", HOLD, NULL);
    double start = test_loop_now();
    CTL("--timeout", "0.5", "health");
    snprintf(want, sizeof want, "sluicectl: no answer from %s within 0.5 s\n",
             url + 7);
    assert_result(3, "", want);
    ck_assert_double_lt(test_loop_now() - start, DEADLINE / 2);
    ck_assert_int_eq(n_seen, 1);
}
END_TEST

START_TEST(usage_errors_are_exit_2)
{
    run(NULL, false, (const char *const[]){NULL});
    assert_result(2, "", NULL);
    ck_assert_ptr_nonnull(strstr(child.err.buf, "missing command"));

    static const struct {
        const char *args[4];
        const char *err;
    } cases[] = {
        {{"frobnicate"},
         "sluicectl: unknown command 'frobnicate' (try 'sluicectl --help')\n"},
        {{"flows"}, "sluicectl: usage: sluicectl flows DPID\n"},
        {{"switches", "--json"},
         "sluicectl: usage: sluicectl switches (options go before the "
         "command)\n"},
        {{"flows", "0xzz"},
         "sluicectl: '0xzz' is not a datapath id (decimal, 0x-hex, or 16 hex "
         "digits)\n"},
        {{"--timeout", "-1", "health"},
         "sluicectl: --timeout '-1': not a number of seconds above 0\n"},
        {{"--url", "ftp://x", "health"},
         "sluicectl: 'ftp://x': the URL must start with http:// or "
         "https://\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        output_uninit(&child.out);
        output_uninit(&child.err);
        run(NULL, false, cases[i].args);
        assert_result(2, "", cases[i].err);
    }

    output_uninit(&child.out);
    output_uninit(&child.err);
    run(NULL, false, (const char *const[]){"--help", NULL});
    assert_result(0, NULL, "");
    ck_assert_ptr_nonnull(strstr(child.out.buf, "usage: sluicectl"));
    output_uninit(&child.out);
    output_uninit(&child.err);
    run(NULL, false, (const char *const[]){"--version", NULL});
    assert_result(0, "sluicectl (" PACKAGE_NAME ") " PACKAGE_VERSION "\n", "");
}
END_TEST

START_TEST(env_url_and_token)
{
    char url_env[160], dead_env[160], dead[64];

    start_server();
    can("GET", "/api/v1/health", 200, health_json);
    snprintf(url_env, sizeof url_env, "SLUICE_URL=%s", url);
    run((const char *const[]){url_env, "SLUICE_TOKEN=from-env", NULL}, false,
        (const char *const[]){"--json", "health", NULL});
    assert_result(0, NULL, "");
    assert_seen(0, "GET", "/api/v1/health", "Bearer from-env");

    /* Options win over the environment. */
    snprintf(dead, sizeof dead, "http://127.0.0.1:%d", closed_port());
    snprintf(dead_env, sizeof dead_env, "SLUICE_URL=%s", dead);
    output_uninit(&child.out);
    output_uninit(&child.err);
    run((const char *const[]){dead_env, "SLUICE_TOKEN=from-env", NULL}, true,
        (const char *const[]){"--token", "from-option", "health", NULL});
    assert_result(0, NULL, "");
    assert_seen(1, "GET", "/api/v1/health", "Bearer from-option");

    /* An empty token is no token. */
    output_uninit(&child.out);
    output_uninit(&child.err);
    run((const char *const[]){url_env, "SLUICE_TOKEN=", NULL}, false,
        (const char *const[]){"health", NULL});
    assert_result(0, NULL, "");
    assert_seen(2, "GET", "/api/v1/health", NULL);
}
END_TEST

/* ---- events ---- */

static const char event1[] =
    "{\"type\":\"switch_up\",\"time\":\"2026-11-21T10:00:00.000Z\","
    "\"dpid\":\"0000000000000001\",\"address\":\"tcp:127.0.0.1:40312\"}";
static const char event2[] =
    "{\"type\":\"port_status\",\"time\":\"2026-11-21T10:00:01.500Z\","
    "\"dpid\":\"0000000000000001\",\"port_no\":1,\"name\":\"s1 eth1\","
    "\"reason\":\"modify\",\"up\":false}";
static const char event1_line[] =
    "2026-11-21T10:00:00.000Z switch_up 0000000000000001 "
    "address=tcp:127.0.0.1:40312\n";
static const char event2_line[] =
    "2026-11-21T10:00:01.500Z port_status 0000000000000001 port_no=1 "
    "name=\"s1 eth1\" reason=modify up=false\n";

/* Runs "sluicectl [--json] events": sends event1, waits until the child
 * printed it (the stream is read as it comes), a heartbeat, event2, then
 * ends the stream. */
static void
run_events(bool json, const char *first_line)
{
    can("GET", "/api/v1/events", STREAM, NULL);
    child_start(
        NULL, true,
        json
            ? (const char *const[]){"--token", TOKEN, "--json", "events", NULL}
            : (const char *const[]){"--token", TOKEN, "events", NULL});
    ck_assert(LOOP_UNTIL(stream != NULL || child_done()));
    ck_assert_msg(stream != NULL, "no stream; stderr: %s", child.err.buf);
    ck_assert_int_eq(rest_stream_send(stream, "switch_up", event1), 0);
    ck_assert_msg(
        LOOP_UNTIL(strstr(child.out.buf, first_line) || child_done()),
        "stdout: %s", child.out.buf);
    ck_assert(!child.reaped);
    ck_assert_int_eq(rest_stream_heartbeat(stream), 0);
    ck_assert_int_eq(rest_stream_send(stream, "port_status", event2), 0);
    rest_stream_close(stream);
    child_wait();
    assert_seen(0, "GET", "/api/v1/events", "Bearer " TOKEN);
}

START_TEST(events_lines)
{
    char want[512];

    start_server();
    run_events(false, event1_line);
    snprintf(want, sizeof want, "%s%s", event1_line, event2_line);
    assert_result(0, want, "");
}
END_TEST

START_TEST(events_json)
{
    char want[1024];

    start_server();
    snprintf(want, sizeof want, "%s\n", event1);
    run_events(true, want);
    snprintf(want, sizeof want, "%s\n%s\n", event1, event2);
    assert_result(0, want, "");
}
END_TEST

START_TEST(events_error_and_interrupt)
{
    start_server();
    can("GET", "/api/v1/events", 503,
        "{\"error\": \"too many streams\", \"detail\": \"try later\"}");
    CTL("events");
    assert_result(1, "",
                  "sluicectl: HTTP 503: too many streams: try "
                  "later\n");

    /* SIGINT ends a stream quietly. */
    rest_server_destroy(server);
    server = NULL;
    n_canned = 0;
    start_server();
    output_uninit(&child.out);
    output_uninit(&child.err);
    can("GET", "/api/v1/events", STREAM, NULL);
    child_start(NULL, true, (const char *const[]){"events", NULL});
    ck_assert(LOOP_UNTIL(stream != NULL || child_done()));
    ck_assert_int_eq(rest_stream_send(stream, "switch_up", event1), 0);
    ck_assert(LOOP_UNTIL(strstr(child.out.buf, "switch_up") || child_done()));
    kill(child.pid, SIGINT);
    child_wait();
    assert_result(0, event1_line, "");
    ck_assert(LOOP_UNTIL(n_stream_closed == 1));
}
END_TEST

/* ---- HTTPS ---- */

START_TEST(https_with_ca)
{
    char ca_env[512];

    start_server_with(NULL, true);
    ck_assert(!strncmp(url, "https://", 8));
    can("GET", "/api/v1/health", 200, health_json);
    snprintf(ca_env, sizeof ca_env, "SLUICE_CA=%s",
             test_tls_path(tls_dir, "ca.crt"));
    CTL_ENV(ca_env, "--token", TOKEN, "--json", "health");
    assert_result(0, NULL, "");
    assert_seen(0, "GET", "/api/v1/health", "Bearer " TOKEN);
}
END_TEST

START_TEST(https_without_ca_fails)
{
    char ca_env[512], want[512];

    start_server_with(NULL, true);
    can("GET", "/api/v1/health", 200, health_json);
    CTL("health");
    snprintf(want, sizeof want,
             "sluicectl: TLS: cannot verify the certificate of %s: unable to "
             "get local issuer certificate (set SLUICE_CA to the CA that "
             "signed it, or use --insecure)\n",
             url + 8);
    assert_result(3, "", want);

    /* Another CA: no better. */
    output_uninit(&child.out);
    output_uninit(&child.err);
    snprintf(ca_env, sizeof ca_env, "SLUICE_CA=%s",
             test_tls_path(tls_dir, "other-ca.crt"));
    CTL_ENV(ca_env, "health");
    assert_result(3, "", want);

    /* A CA file that is not there. */
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL_ENV("SLUICE_CA=/nonexistent/ca.crt", "health");
    assert_result(3, "",
                  "sluicectl: TLS: cannot read CA certificates from "
                  "/nonexistent/ca.crt: No such file or directory\n");
    ck_assert_int_eq(n_seen, 0);

    /* --insecure skips the check. */
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--insecure", "--json", "health");
    assert_result(0, NULL, "");
    ck_assert_int_eq(n_seen, 1);
}
END_TEST

START_TEST(https_checks_the_name)
{
    char ca_env[512], by_name[128], want[512];

    start_server_with(NULL, true);
    can("GET", "/api/v1/health", 200, health_json);
    snprintf(ca_env, sizeof ca_env, "SLUICE_CA=%s",
             test_tls_path(tls_dir, "ca.crt"));
    /* The certificate names "sluice" and 127.0.0.1, not "localhost". */
    snprintf(by_name, sizeof by_name, "https://localhost:%u",
             rest_server_port(server));
    run((const char *const[]){ca_env, NULL}, false,
        (const char *const[]){"--url", by_name, "health", NULL});
    snprintf(want, sizeof want,
             "sluicectl: TLS: cannot verify the certificate of localhost:%u: "
             "hostname mismatch (set SLUICE_CA to the CA that signed it, or "
             "use --insecure)\n",
             rest_server_port(server));
    assert_result(3, "", want);
    ck_assert_int_eq(n_seen, 0);
}
END_TEST

START_TEST(https_events)
{
    char ca_env[512];

    start_server_with(NULL, true);
    can("GET", "/api/v1/events", STREAM, NULL);
    snprintf(ca_env, sizeof ca_env, "SLUICE_CA=%s",
             test_tls_path(tls_dir, "ca.crt"));
    child_start((const char *const[]){ca_env, NULL}, true,
                (const char *const[]){"events", NULL});
    ck_assert(LOOP_UNTIL(stream != NULL || child_done()));
    ck_assert_msg(stream != NULL, "stderr: %s", child.err.buf);
    ck_assert_int_eq(rest_stream_send(stream, "switch_up", event1), 0);
    ck_assert(LOOP_UNTIL(strstr(child.out.buf, "switch_up") || child_done()));
    rest_stream_close(stream);
    child_wait();
    assert_result(0, event1_line, "");
}
END_TEST

START_TEST(plain_http_to_https_server)
{
    char plain[128];

    start_server_with(NULL, true);
    snprintf(plain, sizeof plain, "http://127.0.0.1:%u",
             rest_server_port(server));
    run(NULL, false,
        (const char *const[]){"--url", plain, "--timeout", "2", "health",
                              NULL});
    ck_assert_int_eq(child.status, 3);
    ck_assert_ptr_nonnull(strstr(child.err.buf, "sluicectl: "));
    ck_assert_ptr_null(strchr(strchr(child.err.buf, '\n') + 1, '\n'));
}
END_TEST

/* ---- the SPEC parser, directly ---- */

static void
assert_spec(const char *spec, enum ctl_spec_kind kind, uint64_t dpid,
            const char *want)
{
    char err[512] = "";
    json_t *got = ctl_spec_parse(spec, kind, dpid, err, sizeof err);
    json_t *expected = json_loads(want, 0, NULL);

    ck_assert_msg(expected != NULL, "bad fixture %s", want);
    ck_assert_msg(got != NULL, "'%s': %s", spec, err);
    char *text = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);
    ck_assert_msg(json_equal(got, expected), "'%s' gave %s, expected %s", spec,
                  text, want);
    free(text);
    json_decref(got);
    json_decref(expected);
}

static void
assert_spec_error(const char *spec, enum ctl_spec_kind kind, const char *want)
{
    char err[512] = "";
    json_t *got = ctl_spec_parse(spec, kind, 1, err, sizeof err);

    ck_assert_msg(got == NULL, "'%s' was accepted", spec);
    ck_assert_msg(strstr(err, want) != NULL, "'%s': '%s' lacks '%s'", spec,
                  err, want);
}

START_TEST(spec_bodies)
{
    assert_spec("in_port=1,actions=drop", CTL_SPEC_ADD, 1,
                "{\"dpid\":1,\"table_id\":0,\"priority\":32768,"
                "\"match\":{\"in_port\":1},\"actions\":[]}");
    assert_spec("  priority = 7 , in_port=LOCAL ,actions = output:1 ,"
                "output:0xffffff00 ",
                CTL_SPEC_ADD, 2,
                "{\"dpid\":2,\"table_id\":0,\"priority\":7,"
                "\"match\":{\"in_port\":\"LOCAL\"},\"actions\":["
                "{\"type\":\"OUTPUT\",\"port\":1},"
                "{\"type\":\"OUTPUT\",\"port\":4294967040}]}");
    assert_spec("cookie=0xffffffffffffffff,dl_type=0x0806,nw_src=10.0.0.1,"
                "actions=OUTPUT:normal",
                CTL_SPEC_ADD, UINT64_MAX,
                "{\"dpid\":\"18446744073709551615\",\"table_id\":0,"
                "\"priority\":32768,\"cookie\":\"18446744073709551615\","
                "\"match\":{\"dl_type\":\"0x0806\",\"nw_src\":\"10.0.0.1\"},"
                "\"actions\":[{\"type\":\"OUTPUT\",\"port\":4294967290}]}");
    assert_spec("eth_type=2048,ip_proto=6,tcp_dst=80,vlan_vid=10,"
                "actions=set_field:0x800->eth_type",
                CTL_SPEC_ADD, 1,
                "{\"dpid\":1,\"table_id\":0,\"priority\":32768,"
                "\"match\":{\"eth_type\":2048,\"ip_proto\":6,\"tcp_dst\":80,"
                "\"vlan_vid\":10},\"actions\":[{\"type\":\"SET_FIELD\","
                "\"field\":\"eth_type\",\"value\":2048}]}");
    assert_spec("table=254,actions=write_metadata:5", CTL_SPEC_ADD, 1,
                "{\"dpid\":1,\"table_id\":254,\"priority\":32768,"
                "\"match\":{},\"actions\":[{\"type\":\"WRITE_METADATA\","
                "\"metadata\":5}]}");
    assert_spec("", CTL_SPEC_DELETE, 1,
                "{\"dpid\":1,\"table_id\":255,\"match\":{}}");
    assert_spec("table=255, eth_dst=aa:bb:cc:dd:ee:ff", CTL_SPEC_DELETE, 3,
                "{\"dpid\":3,\"table_id\":255,"
                "\"match\":{\"eth_dst\":\"aa:bb:cc:dd:ee:ff\"}}");
}
END_TEST

START_TEST(spec_errors)
{
    static const struct {
        const char *spec;
        enum ctl_spec_kind kind;
        const char *err;
    } cases[] = {
        {"", CTL_SPEC_ADD, "add-flow needs actions="},
        {"priority=70000,actions=drop", CTL_SPEC_ADD,
         "'priority=70000': 70000 is out of range (0..65535)"},
        {"table=255,actions=drop", CTL_SPEC_ADD,
         "'table=255': 255 is out of range (0..254)"},
        {"priority=x,actions=drop", CTL_SPEC_ADD,
         "'priority=x': 'x' is not a number"},
        {"priority=-1,actions=drop", CTL_SPEC_ADD,
         "'priority=-1': '-1' is not a number"},
        {"in_port=1,in_port=2,actions=drop", CTL_SPEC_ADD,
         "'in_port=2': in_port is given twice"},
        {"priority=1,priority=2,actions=drop", CTL_SPEC_ADD,
         "'priority=2': priority is given twice"},
        {"in_port,actions=drop", CTL_SPEC_ADD,
         "'in_port': expected KEY=VALUE"},
        {"=1,actions=drop", CTL_SPEC_ADD, "'=1': expected KEY=VALUE"},
        {"in_port=,actions=drop", CTL_SPEC_ADD, "'in_port=': no value"},
        {"in_port=1,,actions=drop", CTL_SPEC_ADD, "empty token"},
        {"in_port=1,", CTL_SPEC_DELETE, "empty token"},
        {"in_port=1,actions=", CTL_SPEC_ADD, "lists no action"},
        {"actions=output:1,,output:2", CTL_SPEC_ADD, "empty action"},
        {"actions=output:1,", CTL_SPEC_ADD, "empty action"},
        {"actions=drop,output:1", CTL_SPEC_ADD,
         "'drop' must be the only action"},
        {"actions=fly:1", CTL_SPEC_ADD, "'fly:1': unknown action 'fly'"},
        {"actions=output", CTL_SPEC_ADD, "'output': output needs an argument"},
        {"actions=pop_vlan:1", CTL_SPEC_ADD,
         "'pop_vlan:1': pop_vlan takes no argument"},
        {"actions=goto_table:255", CTL_SPEC_ADD,
         "'goto_table:255': 255 is out of range (0..254)"},
        {"actions=meter:0", CTL_SPEC_ADD,
         "'meter:0': 0 is out of range (1..4294901760)"},
        {"actions=output:4294967041", CTL_SPEC_ADD,
         "'output:4294967041': port 4294967041 is out of range"},
        {"actions=set_field:1", CTL_SPEC_ADD,
         "'set_field:1': expected set_field:VALUE->FIELD"},
        {"actions=set_field:1->nosuch", CTL_SPEC_ADD,
         "'set_field:1->nosuch': unknown field 'nosuch'"},
        {"actions=set_field:zz->eth_dst", CTL_SPEC_ADD,
         "'set_field:zz->eth_dst': actions[0]"},
        {"actions=write_metadata:1/x", CTL_SPEC_ADD,
         "'write_metadata:1/x': 'x' is not a number"},
        {"eth_dst=zz,actions=drop", CTL_SPEC_ADD,
         "'eth_dst=zz': match.eth_dst: \"zz\" is not a MAC address"},
        {"ipv4_dst=10.0.0.1/40,eth_type=2048,actions=drop", CTL_SPEC_ADD,
         "'ipv4_dst=10.0.0.1/40': match.ipv4_dst"},
        {"tcp_dst=80,actions=drop", CTL_SPEC_ADD, "lacks its prerequisites"},
        {"nosuch=1", CTL_SPEC_DELETE, "'nosuch=1': unknown field 'nosuch'"},
        {"priority=1", CTL_SPEC_DELETE,
         "'priority=1': del-flows takes only table= and match fields"},
        {"in_port=1,actions=drop", CTL_SPEC_DELETE,
         "del-flows takes no actions="},
        {"table=256", CTL_SPEC_DELETE,
         "'table=256': 256 is out of range (0..255)"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_spec_error(cases[i].spec, cases[i].kind, cases[i].err);
    }
}
END_TEST

/* ---- the event-stream parser, directly ---- */

static char sse_got[1024];

static bool
sse_collect(const char *type, const char *data, void *aux)
{
    size_t len = strlen(sse_got);

    snprintf(sse_got + len, sizeof sse_got - len, "[%s|%s]", type, data);
    return aux == NULL || strcmp(data, (const char *) aux);
}

/* Feeds 'text' to a fresh parser in pieces of 'step' bytes. */
static void
assert_sse(const char *text, size_t step, const char *want)
{
    struct ctl_sse sse;
    size_t len = strlen(text);

    sse_got[0] = '\0';
    ctl_sse_init(&sse, sse_collect, NULL);
    for (size_t i = 0; i < len; i += step) {
        ck_assert(
            ctl_sse_feed(&sse, text + i, len - i < step ? len - i : step));
    }
    ctl_sse_uninit(&sse);
    ck_assert_msg(!strcmp(sse_got, want), "step %zu: got %s, expected %s",
                  step, sse_got, want);
}

START_TEST(sse_parser)
{
    static const char stream_text[] = ": hb\n\n"
                                      "event: switch_up\ndata: {\"a\":1}\n\n"
                                      "data: one\r\ndata: two\r\n\r\n"
                                      "event: x\rdata:  lead\r\r"
                                      "event: lost\n\n"
                                      "data\nid: 7\nretry: 100\nunknown: z\n\n"
                                      "event: tail\ndata: never ended";
    static const char want[] = "[switch_up|{\"a\":1}][message|one\ntwo]"
                               "[x| lead][message|]";

    for (size_t step = 1; step <= sizeof stream_text; step++) {
        assert_sse(stream_text, step, want);
    }

    /* A callback that says stop: nothing more comes out. */
    struct ctl_sse sse;
    sse_got[0] = '\0';
    ctl_sse_init(&sse, sse_collect, (void *) "stop");
    ck_assert(!ctl_sse_feed(&sse, "data: stop\n\ndata: more\n\n", 24));
    ck_assert(!ctl_sse_feed(&sse, "data: more\n\n", 12));
    ctl_sse_uninit(&sse);
    ck_assert_str_eq(sse_got, "[message|stop]");
}
END_TEST

START_TEST(durations)
{
    static const struct {
        double secs;
        const char *text;
    } cases[] = {
        {-1, "0s"},           {0, "0s"},        {59.9, "59s"},
        {60, "1m00s"},        {3599, "59m59s"}, {3600, "1h00m"},
        {86399, "23h59m"},    {86400, "1d00h"}, {93784, "1d02h"},
        {8640000, "100d00h"},
    };
    char buf[32];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ctl_show_duration(cases[i].secs, buf, sizeof buf);
        ck_assert_str_eq(buf, cases[i].text);
    }
}
END_TEST

/* ---- topology ---- */

/* /api/v1/topology as the API writes it (rest/topology.c). */
static const char topology_json[] =
    "{\"switches\": [], \"links\": ["
    "{\"src\": {\"dpid\": \"0000000000000001\", \"port_no\": 2},"
    " \"dst\": {\"dpid\": \"0000000000000002\", \"port_no\": 3},"
    " \"latency_ms\": 0.123456, \"up_since\": \"2026-11-21T10:00:00.000Z\","
    " \"tree\": true},"
    "{\"src\": {\"dpid\": \"0000000000000002\", \"port_no\": 3},"
    " \"dst\": {\"dpid\": \"0000000000000001\", \"port_no\": 2},"
    " \"latency_ms\": 0.2, \"up_since\": \"2026-11-21T10:00:00.020Z\","
    " \"tree\": true},"
    "{\"src\": {\"dpid\": \"0000000000000002\", \"port_no\": 14},"
    " \"dst\": {\"dpid\": \"00000000000000ab\", \"port_no\": 1},"
    " \"latency_ms\": 12.5, \"up_since\": \"2026-11-21T10:00:01.500Z\","
    " \"tree\": false}],"
    " \"hosts\": ["
    "{\"mac\": \"00:00:00:00:aa:01\", \"vlan\": null,"
    " \"ipv4\": [\"10.0.0.11\", \"10.0.0.1\"], \"ipv6\": [],"
    " \"dpid\": \"0000000000000001\", \"port_no\": 1,"
    " \"first_seen\": \"2026-11-21T10:00:00.000Z\","
    " \"last_seen\": \"2026-11-21T10:00:05.000Z\"},"
    "{\"mac\": \"00:00:00:00:bb:02\", \"vlan\": 10, \"ipv4\": [],"
    " \"ipv6\": [\"2001:db8::2\", \"fe80::2\"],"
    " \"dpid\": \"0000000000000002\", \"port_no\": 1,"
    " \"first_seen\": \"2026-11-21T10:00:00.000Z\","
    " \"last_seen\": \"2026-11-21T10:00:06.250Z\"}],"
    " \"enabled\": true, \"version\": 7}";

START_TEST(links_table_filter_json)
{
    start_server();
    can("GET", "/api/v1/topology", 200, topology_json);
    CTL("--token", TOKEN, "links");
    assert_result(0,
                  "SRC               PORT  DST               PORT  "
                  "LATENCY_MS  TREE  UP_SINCE\n"
                  "0000000000000001     2  0000000000000002     3  "
                  "     0.123  yes   2026-11-21T10:00:00.000Z\n"
                  "0000000000000002     3  0000000000000001     2  "
                  "     0.200  yes   2026-11-21T10:00:00.020Z\n"
                  "0000000000000002    14  00000000000000ab     1  "
                  "    12.500  no    2026-11-21T10:00:01.500Z\n",
                  "");
    assert_seen(0, "GET", "/api/v1/topology", "Bearer " TOKEN);

    /* Those leaving one switch, in any DPID form. */
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("links", "0x1");
    assert_result(0,
                  "SRC               PORT  DST               PORT  "
                  "LATENCY_MS  TREE  UP_SINCE\n"
                  "0000000000000001     2  0000000000000002     3  "
                  "     0.123  yes   2026-11-21T10:00:00.000Z\n",
                  "");
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("links", "9");
    assert_result(0, "SRC  PORT  DST  PORT  LATENCY_MS  TREE  UP_SINCE\n", "");

    /* --json: the API's link objects, filtered. */
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--json", "links", "0000000000000002");
    json_t *got = json_loads(child.out.buf, 0, NULL);
    ck_assert(json_is_array(got));
    ck_assert_int_eq(json_array_size(got), 2);
    ck_assert_str_eq(
        json_string_value(json_object_get(
            json_object_get(json_array_get(got, 1), "dst"), "dpid")),
        "00000000000000ab");
    json_decref(got);
    ck_assert_int_eq(n_seen, 4);
    assert_seen(3, "GET", "/api/v1/topology", NULL);
}
END_TEST

START_TEST(hosts_table_filter_json)
{
    start_server();
    can("GET", "/api/v1/topology", 200, topology_json);
    CTL("hosts");
    assert_result(0,
                  "MAC                VLAN  DPID              PORT  "
                  "IPV4                IPV6                 LAST_SEEN\n"
                  "00:00:00:00:aa:01     -  0000000000000001     1  "
                  "10.0.0.11,10.0.0.1  -                    "
                  "2026-11-21T10:00:05.000Z\n"
                  "00:00:00:00:bb:02    10  0000000000000002     1  "
                  "-                   2001:db8::2,fe80::2  "
                  "2026-11-21T10:00:06.250Z\n",
                  "");
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--json", "hosts", "2");
    json_t *got = json_loads(child.out.buf, 0, NULL);
    ck_assert_int_eq(json_array_size(got), 1);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(got, 0), "mac")),
        "00:00:00:00:bb:02");
    json_decref(got);

    /* An answer without the list is an API error. */
    output_uninit(&child.out);
    output_uninit(&child.err);
    n_canned = 0;
    can("GET", "/api/v1/topology", 200, "{\"links\": []}");
    CTL("hosts");
    assert_result(1, "",
                  "sluicectl: GET /api/v1/topology: unexpected answer: no "
                  "\"hosts\" array\n");
}
END_TEST

/* The metric of the last /api/v1/paths request ("" without one). */
static char path_metric[16];

/* /api/v1/paths/{src}/{dst}: notes the query's metric (the canned route
 * sees paths only), then answers as canned. */
static void
h_path(struct rest_req *req, void *aux)
{
    const char *metric = rest_req_query(req, "metric");

    snprintf(path_metric, sizeof path_metric, "%s", metric ? metric : "");
    h_canned(req, aux);
}

START_TEST(path_table_and_metric)
{
    static const char answer[] =
        "{\"src\": {\"type\": \"host\", \"mac\": \"00:00:00:00:aa:01\","
        " \"dpid\": \"0000000000000001\", \"port_no\": 1},"
        " \"dst\": {\"type\": \"switch\", \"dpid\": \"0000000000000003\"},"
        " \"metric\": \"latency\", \"hops\": ["
        "{\"dpid\": \"0000000000000001\", \"in_port\": 1, \"out_port\": 2},"
        "{\"dpid\": \"0000000000000002\", \"in_port\": 3, \"out_port\": 14},"
        "{\"dpid\": \"0000000000000003\", \"in_port\": 1,"
        " \"out_port\": null}],"
        " \"latency_ms\": 0.25, \"length\": 2}";

    start_server();
    ck_assert_int_eq(rest_route_add(server, REST_GET,
                                    "/api/v1/paths/{src}/{dst}", h_path, NULL,
                                    NULL),
                     0);
    can("GET", "/api/v1/paths/00:00:00:00:aa:01/0x3", 200, answer);
    can("GET", "/api/v1/paths/10.0.0.1/2001:db8::2", 404,
        "{\"error\": \"no path\", \"detail\": \"no path from "
        "0000000000000001 to 0000000000000002\"}");

    CTL("path", "00:00:00:00:aa:01", "0x3", "--latency");
    assert_result(0,
                  "HOP  DPID              IN  OUT\n"
                  "  1  0000000000000001   1    2\n"
                  "  2  0000000000000002   3   14\n"
                  "  3  0000000000000003   1    -\n"
                  "2 links, 0.250 ms, by latency\n",
                  "");
    assert_seen(0, "GET", "/api/v1/paths/00:00:00:00:aa:01/0x3", NULL);
    ck_assert_str_eq(path_metric, "latency");

    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("--json", "path", "00:00:00:00:aa:01", "0x3");
    ck_assert_str_eq(path_metric, "");
    json_t *got = json_loads(child.out.buf, 0, NULL);
    json_t *want = json_loads(answer, 0, NULL);
    ck_assert(json_equal(got, want));
    json_decref(got);
    json_decref(want);

    /* The API's 404 is exit 1 with its error. */
    output_uninit(&child.out);
    output_uninit(&child.err);
    CTL("path", "10.0.0.1", "2001:db8::2");
    assert_result(1, "",
                  "sluicectl: HTTP 404: no path: no path from "
                  "0000000000000001 to 0000000000000002\n");
    ck_assert_int_eq(n_seen, 3);

    /* Usage errors send nothing. */
    static const struct {
        const char *args[5];
        const char *err;
    } cases[] = {
        {{"path", "1"},
         "sluicectl: usage: sluicectl path SRC DST [--latency]\n"},
        {{"path", "1", "2", "3"},
         "sluicectl: usage: sluicectl path SRC DST [--latency]\n"},
        {{"path", "1", "2", "--hops"},
         "sluicectl: usage: sluicectl path SRC DST [--latency]\n"},
        {{"path", "1/2", "3"},
         "sluicectl: '1/2' is not a datapath id, a MAC or an IP address\n"},
        {{"path", "1", "a b"},
         "sluicectl: 'a b' is not a datapath id, a MAC or an IP address\n"},
        {{"links", "s1"},
         "sluicectl: 's1' is not a datapath id (decimal, 0x-hex, or 16 hex "
         "digits)\n"},
        {{"hosts", "1", "2"}, "sluicectl: usage: sluicectl hosts [DPID]\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        output_uninit(&child.out);
        output_uninit(&child.err);
        CTL(cases[i].args[0], cases[i].args[1], cases[i].args[2],
            cases[i].args[3]);
        assert_result(2, "", cases[i].err);
    }
    ck_assert_int_eq(n_seen, 3);
}
END_TEST

START_TEST(topology_summary)
{
    start_server();
    can("GET", "/api/v1/topology/summary", 200,
        "{\"enabled\": true, \"version\": 42, \"switches\": 3, \"links\": 4,"
        " \"hosts\": 2, \"tree_links\": 2, \"edge_ports\": 5}");
    CTL("topology");
    assert_result(0,
                  "enabled:    true\n"
                  "version:    42\n"
                  "switches:   3\n"
                  "links:      4\n"
                  "hosts:      2\n"
                  "tree_links: 2\n"
                  "edge_ports: 5\n",
                  "");
    assert_seen(0, "GET", "/api/v1/topology/summary", NULL);
}
END_TEST

static Suite *
sluicectl_suite(void)
{
    Suite *s = suite_create("sluicectl");
    TCase *tc;

    tc = tcase_create("reads");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, switches_table);
    tcase_add_test(tc, switches_json_is_the_answer_pretty);
    tcase_add_test(tc, switches_none);
    tcase_add_test(tc, flows_lines);
    tcase_add_test(tc, dpid_forms_become_decimal);
    tcase_add_test(tc, ports_merged_table_and_json);
    tcase_add_test(tc, health_metrics_events_paths);
    tcase_add_test(tc, links_table_filter_json);
    tcase_add_test(tc, hosts_table_filter_json);
    tcase_add_test(tc, path_table_and_metric);
    tcase_add_test(tc, topology_summary);
    suite_add_tcase(s, tc);

    tc = tcase_create("writes");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, add_flow_body);
    tcase_add_test(tc, add_flow_every_action);
    tcase_add_test(tc, del_flows_clear_and_match);
    tcase_add_test(tc, bad_spec_sends_nothing);
    tcase_add_test(tc, raw_get_post_delete);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, api_error_is_exit_1);
    tcase_add_test(tc, unreadable_answer_is_exit_1);
    tcase_add_test(tc, token_enforced_by_the_server);
    tcase_add_test(tc, connection_refused_is_exit_3);
    tcase_add_test(tc, timeout_is_exit_3);
    tcase_add_test(tc, usage_errors_are_exit_2);
    tcase_add_test(tc, env_url_and_token);
    suite_add_tcase(s, tc);

    tc = tcase_create("events");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, events_lines);
    tcase_add_test(tc, events_json);
    tcase_add_test(tc, events_error_and_interrupt);
    suite_add_tcase(s, tc);

    tc = tcase_create("https");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, https_with_ca);
    tcase_add_test(tc, https_without_ca_fails);
    tcase_add_test(tc, https_checks_the_name);
    tcase_add_test(tc, https_events);
    tcase_add_test(tc, plain_http_to_https_server);
    suite_add_tcase(s, tc);

    tc = tcase_create("parsers");
    tcase_add_test(tc, spec_bodies);
    tcase_add_test(tc, spec_errors);
    tcase_add_test(tc, sse_parser);
    tcase_add_test(tc, durations);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_tls_run_suite(sluicectl_suite(), &tls_dir);
}
