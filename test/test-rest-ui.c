/* test-rest-ui: libcheck tests for rest/ui (the topology page, /ui/) and
 * the two server functions it uses (rest_route_add_slash(),
 * rest_reply_header()).
 *
 * A real server on 127.0.0.1 port 0 with the page's routes, in one event
 * loop per test; each request is a fresh non-blocking client socket that
 * sends "Connection: close" and reads until EOF, between passes of the
 * loop, every wait bounded by DEADLINE.  The files served are compared
 * byte for byte with those of rest/ui/ in the source tree ($top_srcdir,
 * as `make check` exports it, else the tree this test was built from). */
#include <config.h>
#include "rest/ui.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/event.h>
#include "controller/log.h"
#include "test/test-loop.h"
#include "test/test-util.h"

#ifndef UI_SRCDIR
#error "UI_SRCDIR must name rest/ui of the source tree"
#endif

#define DEADLINE 10.0
#define MAX_FILES 32

struct resp {
    int status;
    char *raw; /* Everything received, NUL-terminated. */
    size_t raw_len;
    char *head; /* Status line and headers (in 'raw'). */
    const char *body;
    size_t body_len; /* What followed the headers. */
};

static struct event_base *base;
static struct event *ticker;
static struct rest_server *server;
static struct rest_ui *ui;

/* What the probe handler of rest_reply_header() saw. */
static int probe_results[4];

/* ---- fixture ---- */

static void
log_sink(void *aux, enum sl_log_target target, int priority,
         enum sl_log_level level, const char *module, const char *text,
         size_t len)
{
    (void) aux;
    (void) target;
    (void) priority;
    (void) level;
    (void) module;
    (void) text;
    (void) len;
}

static void
h_probe(struct rest_req *req, void *aux)
{
    (void) aux;
    probe_results[0] = rest_reply_header(req, "X-Bad", "a\r\nX-Evil: 1");
    probe_results[1] = rest_reply_header(req, "X-Bad\n", "a");
    probe_results[2] = rest_reply_header(req, "", "a");
    probe_results[3] = rest_reply_header(req, "X-Good", "yes");
    rest_reply_data(req, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

static void
setup(void)
{
    struct timeval tv = {0, 10000};
    struct rest_server_config cfg = {.address = "127.0.0.1", .port = 0};
    char err[256] = "";
    int error = -1;

    sl_log_set_sink(log_sink, NULL);
    base = event_base_new();
    ck_assert_ptr_nonnull(base);
    ticker = event_new(base, -1, EV_PERSIST, test_loop_tick_cb, NULL);
    event_add(ticker, &tv);
    rest_server_limits_default(&cfg.limits);
    server = rest_server_create(base, &cfg, err, sizeof err);
    ck_assert_msg(server != NULL, "create: %s", err);
    ui = rest_ui_create(server, &error);
    ck_assert_ptr_nonnull(ui);
    ck_assert_int_eq(error, 0);
    ck_assert_int_eq(
        rest_route_add(server, REST_GET, "/probe", h_probe, NULL, NULL), 0);
    memset(probe_results, -1, sizeof probe_results);
}

static void
teardown(void)
{
    rest_server_destroy(server);
    rest_ui_destroy(ui);
    event_free(ticker);
    event_base_free(base);
    sl_log_set_sink(NULL, NULL);
}

/* ---- the client ---- */

/* Reads what 'fd' has into 'r->raw' (of '*cap' bytes, grown as
 * needed).  Returns true at EOF. */
static bool
read_some(int fd, struct resp *r, size_t *cap)
{
    while (true) {
        if (r->raw_len + 1 == *cap) {
            *cap *= 2;
            r->raw = realloc(r->raw, *cap);
            ck_assert_ptr_nonnull(r->raw);
        }
        ssize_t got = recv(fd, r->raw + r->raw_len, *cap - r->raw_len - 1, 0);
        if (got > 0) {
            r->raw_len += (size_t) got;
        } else if (got == 0 || errno != EAGAIN) {
            return true;
        } else {
            return false;
        }
    }
}

/* Sends "METHOD TARGET" with 'headers' (each "Name: value\r\n") and
 * "Connection: close", and reads the whole response into 'r'. */
static void
request(struct resp *r, const char *method, const char *target,
        const char *headers)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(rest_server_port(server)),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    char req[1024];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    size_t cap = 4096;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(connect(fd, (struct sockaddr *) &sin, sizeof sin), 0);
    ck_assert_int_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.1\r\nHost: t\r\n%sConnection: close"
                     "\r\n\r\n",
                     method, target, headers ? headers : "");
    ck_assert_int_lt(n, (int) sizeof req);
    ck_assert_int_eq(send(fd, req, (size_t) n, MSG_NOSIGNAL), n);

    memset(r, 0, sizeof *r);
    r->raw = malloc(cap);
    ck_assert_ptr_nonnull(r->raw);
    ck_assert_msg(TEST_LOOP_UNTIL(base, read_some(fd, r, &cap), DEADLINE),
                  "%s %s: no complete response", method, target);
    close(fd);
    r->raw[r->raw_len] = '\0';

    char *end = strstr(r->raw, "\r\n\r\n");
    ck_assert_msg(end != NULL, "%s %s: no end of headers", method, target);
    *end = '\0';
    r->head = r->raw;
    r->body = end + 4;
    r->body_len = r->raw_len - (size_t) (r->body - r->raw);
    ck_assert_int_eq(sscanf(r->head, "HTTP/1.1 %d", &r->status), 1);
}

static void
resp_free(struct resp *r)
{
    free(r->raw);
    memset(r, 0, sizeof *r);
}

/* Sends "METHOD TARGET" with no extra header; the answer's status must be
 * 'status' (its headers and body are not looked at). */
static void
expect_status(const char *method, const char *target, int status)
{
    struct resp a;

    request(&a, method, target, NULL);
    ck_assert_msg(a.status == status, "%s %s: status %d, not %d", method,
                  target, a.status, status);
    resp_free(&a);
}

/* The value of header 'name' (the first), or NULL; static storage. */
static const char *
header(const struct resp *r, const char *name)
{
    static char value[1024];
    size_t n = strlen(name);

    for (const char *p = strstr(r->head, "\r\n"); p; p = strstr(p, "\r\n")) {
        p += 2;
        if (!strncasecmp(p, name, n) && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ') {
                v++;
            }
            size_t len = strcspn(v, "\r\n");
            ck_assert_uint_lt(len, sizeof value);
            memcpy(value, v, len);
            value[len] = '\0';
            return value;
        }
    }
    return NULL;
}

static void
assert_header(const struct resp *r, const char *name, const char *want)
{
    const char *got = header(r, name);

    ck_assert_msg(got != NULL, "no %s header in:\n%s", name, r->head);
    ck_assert_str_eq(got, want);
}

/* The headers every /ui reply carries. */
static void
assert_policy_headers(const struct resp *r)
{
    assert_header(r, "X-Content-Type-Options", "nosniff");
    assert_header(r, "Cache-Control", "no-cache");
    const char *csp = header(r, "Content-Security-Policy");
    ck_assert_msg(csp != NULL, "no CSP in:\n%s", r->head);
    ck_assert_ptr_nonnull(strstr(csp, "default-src 'self'"));
    ck_assert_ptr_nonnull(strstr(csp, "script-src 'self'"));
    ck_assert_ptr_nonnull(strstr(csp, "connect-src 'self'"));
    ck_assert_ptr_null(strstr(csp, "unsafe"));
    ck_assert_ptr_null(strstr(csp, "http"));
}

static char *
src_path(const char *name)
{
    const char *top = getenv("top_srcdir");
    char *path;

    if (top && *top) {
        ck_assert_int_gt(asprintf(&path, "%s/rest/ui/%s", top, name), 0);
    } else {
        ck_assert_int_gt(asprintf(&path, "%s/%s", UI_SRCDIR, name), 0);
    }
    return path;
}

static char *
src_dir(void)
{
    char *path = src_path("");
    path[strlen(path) - 1] = '\0'; /* The trailing '/'. */
    return path;
}

/* ---- tests ---- */

START_TEST(index_is_the_page)
{
    struct resp r;
    char *path = src_path("index.html");
    size_t len;
    uint8_t *want = test_read_file(path, &len);

    ck_assert_msg(want != NULL, "cannot read %s", path);
    request(&r, "GET", "/ui/", NULL);
    ck_assert_int_eq(r.status, 200);
    assert_header(&r, "Content-Type", "text/html; charset=utf-8");
    assert_policy_headers(&r);
    test_assert_bytes(r.body, r.body_len, want, len);
    /* The page asks for its script by a relative URL, from a file. */
    ck_assert_ptr_nonnull(strstr(r.body, "<script src=\"app.js\""));
    ck_assert_ptr_null(strstr(r.body, "<script>"));
    ck_assert_ptr_null(strstr(r.body, "http://"));
    ck_assert_ptr_null(strstr(r.body, "https://"));
    resp_free(&r);

    request(&r, "GET", "/ui/index.html", NULL);
    ck_assert_int_eq(r.status, 200);
    test_assert_bytes(r.body, r.body_len, want, len);
    resp_free(&r);
    free(want);
    free(path);
}
END_TEST

struct listing {
    char *names[MAX_FILES];
    size_t n;
};

static void
list_file(const char *path, const char *name, void *aux)
{
    struct listing *l = aux;

    (void) path;
    ck_assert_uint_lt(l->n, MAX_FILES);
    l->names[l->n++] = strdup(name);
}

START_TEST(every_file_served_as_in_the_tree)
{
    struct listing files = {.n = 0};
    char *dir = src_dir();
    size_t n_assets;
    const struct rest_ui_asset *assets = rest_ui_assets(&n_assets);

    test_for_each_file(dir, "", list_file, &files);
    ck_assert_msg(files.n >= 4, "%zu files in %s", files.n, dir);
    /* The files compiled in are those of rest/ui/, no more, no fewer. */
    ck_assert_uint_eq(n_assets, files.n);
    for (size_t i = 0; i < files.n; i++) {
        const struct rest_ui_asset *a = NULL;
        for (size_t j = 0; j < n_assets; j++) {
            if (!strcmp(assets[j].name, files.names[i])) {
                a = &assets[j];
            }
        }
        ck_assert_msg(a != NULL,
                      "rest/ui/%s is not compiled in (REST_UI_FILES of "
                      "rest/automake.mk)",
                      files.names[i]);

        char *path = src_path(files.names[i]);
        size_t len;
        uint8_t *want = test_read_file(path, &len);
        ck_assert_msg(want != NULL, "cannot read %s", path);
        test_assert_bytes(a->data, a->size, want, len);
        ck_assert_int_eq(a->data[a->size], '\0');

        char target[128];
        struct resp r;
        snprintf(target, sizeof target, "/ui/%s", files.names[i]);
        request(&r, "GET", target, NULL);
        ck_assert_msg(r.status == 200, "%s: %d", target, r.status);
        assert_header(&r, "Content-Type",
                      rest_ui_content_type(files.names[i]));
        assert_policy_headers(&r);
        ck_assert_ptr_nonnull(header(&r, "ETag"));
        test_assert_bytes(r.body, r.body_len, want, len);
        resp_free(&r);
        free(want);
        free(path);
        free(files.names[i]);
    }
    free(dir);
}
END_TEST

START_TEST(content_types)
{
    ck_assert_str_eq(rest_ui_content_type("index.html"),
                     "text/html; charset=utf-8");
    ck_assert_str_eq(rest_ui_content_type("app.js"),
                     "text/javascript; charset=utf-8");
    ck_assert_str_eq(rest_ui_content_type("style.css"),
                     "text/css; charset=utf-8");
    ck_assert_str_eq(rest_ui_content_type("favicon.svg"),
                     "image/svg+xml; charset=utf-8");
    ck_assert_str_eq(rest_ui_content_type("x.png"), "image/png");
    ck_assert_str_eq(rest_ui_content_type("README"),
                     "application/octet-stream");
    ck_assert_str_eq(rest_ui_content_type("a.html.bak"),
                     "application/octet-stream");
}
END_TEST

START_TEST(ui_redirects_to_the_directory)
{
    struct resp r;

    request(&r, "GET", "/ui", NULL);
    ck_assert_int_eq(r.status, 301);
    ck_assert_ptr_nonnull(strstr(r.head, "301 Moved Permanently"));
    assert_header(&r, "Location", "/ui/");
    assert_policy_headers(&r);
    resp_free(&r);

    request(&r, "GET", "/ui?dpid=0000000000000001&x=%20", NULL);
    ck_assert_int_eq(r.status, 301);
    assert_header(&r, "Location", "/ui/?dpid=0000000000000001&x=%20");
    resp_free(&r);

    request(&r, "HEAD", "/ui", NULL);
    ck_assert_int_eq(r.status, 301);
    assert_header(&r, "Location", "/ui/");
    ck_assert_uint_eq(r.body_len, 0);
    resp_free(&r);
}
END_TEST

START_TEST(etag_and_not_modified)
{
    struct resp r;
    char etag[64], js_etag[64], hdr[256];

    request(&r, "GET", "/ui/", NULL);
    ck_assert_int_eq(r.status, 200);
    snprintf(etag, sizeof etag, "%s", header(&r, "ETag"));
    resp_free(&r);
    /* A strong tag: "..." with 32 hex digits. */
    ck_assert_uint_eq(strlen(etag), 34);
    ck_assert_int_eq(etag[0], '"');
    ck_assert_int_eq(etag[33], '"');
    ck_assert_uint_eq(strspn(etag + 1, "0123456789abcdef"), 32);

    /* The same bytes, the same tag; another file, another tag. */
    request(&r, "GET", "/ui/index.html", NULL);
    assert_header(&r, "ETag", etag);
    resp_free(&r);
    request(&r, "GET", "/ui/app.js", NULL);
    snprintf(js_etag, sizeof js_etag, "%s", header(&r, "ETag"));
    ck_assert_str_ne(js_etag, etag);
    resp_free(&r);

    /* Before and after the tag in each If-None-Match that names it. */
    static const char *const matching[][2] = {
        {"", ""},
        {"W/", ""},
        {"\"nope\", ", ""},
        {" ", " ,\"x\""},
    };
    for (size_t i = 0; i <= sizeof matching / sizeof matching[0]; i++) {
        char list[128];
        if (i < sizeof matching / sizeof matching[0]) {
            snprintf(list, sizeof list, "%s%s%s", matching[i][0], etag,
                     matching[i][1]);
        } else {
            snprintf(list, sizeof list, "*");
        }
        snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", list);
        request(&r, "GET", "/ui/", hdr);
        ck_assert_msg(r.status == 304, "If-None-Match: %s -> %d", list,
                      r.status);
        ck_assert_uint_eq(r.body_len, 0);
        ck_assert_ptr_nonnull(strstr(r.head, "304 Not Modified"));
        assert_header(&r, "ETag", etag);
        assert_policy_headers(&r);
        ck_assert_ptr_null(header(&r, "Content-Type"));
        resp_free(&r);
    }

    const char *other[] = {"\"nope\"", "", ",,", "W/", js_etag};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", other[i]);
        request(&r, "GET", "/ui/", hdr);
        ck_assert_msg(r.status == 200, "If-None-Match: %s -> %d", other[i],
                      r.status);
        ck_assert_uint_gt(r.body_len, 0);
        resp_free(&r);
    }
}
END_TEST

START_TEST(head_is_get_without_the_body)
{
    struct resp r;
    char *path = src_path("app.js");
    size_t len;
    uint8_t *want = test_read_file(path, &len);
    char n[32];

    ck_assert_ptr_nonnull(want);
    request(&r, "HEAD", "/ui/app.js", NULL);
    ck_assert_int_eq(r.status, 200);
    snprintf(n, sizeof n, "%zu", len);
    assert_header(&r, "Content-Length", n);
    assert_header(&r, "Content-Type", "text/javascript; charset=utf-8");
    assert_policy_headers(&r);
    ck_assert_ptr_nonnull(header(&r, "ETag"));
    ck_assert_uint_eq(r.body_len, 0);
    resp_free(&r);

    request(&r, "HEAD", "/ui/", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.body_len, 0);
    resp_free(&r);
    free(want);
    free(path);
}
END_TEST

START_TEST(unknown_files_are_404_json)
{
    static const char *targets[] = {
        "/ui/nope.js",    "/ui/..%2Fapi",      "/ui/.index.html",
        "/ui/INDEX.HTML", "/ui/index.html%00",
    };
    struct resp r;

    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        request(&r, "GET", targets[i], NULL);
        ck_assert_msg(r.status == 404 || r.status == 400, "%s: %d", targets[i],
                      r.status);
        assert_header(&r, "Content-Type", "application/json");
        ck_assert_ptr_nonnull(strstr(r.body, "\"error\":"));
        resp_free(&r);
    }
    /* A file the page lacks: our 404, with the page's headers. */
    request(&r, "GET", "/ui/nope.js", NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert_ptr_nonnull(strstr(r.body, "\"error\":\"not found\""));
    ck_assert_ptr_nonnull(strstr(r.body, "nope.js"));
    ck_assert_ptr_nonnull(strstr(r.body, "/ui/"));
    assert_policy_headers(&r);
    resp_free(&r);
    /* No route: deeper paths and a doubled slash. */
    expect_status("GET", "/ui/a/b", 404);
    expect_status("GET", "/ui//", 404);
    /* Writes are no method of the page. */
    request(&r, "POST", "/ui/", NULL);
    ck_assert_int_eq(r.status, 405);
    assert_header(&r, "Allow", "GET, HEAD");
    resp_free(&r);
    expect_status("DELETE", "/ui/app.js", 405);
}
END_TEST

START_TEST(create_twice_is_eexist)
{
    int error = 0;

    /* The fixture's module holds the routes already. */
    ck_assert_ptr_null(rest_ui_create(server, &error));
    ck_assert_int_eq(error, EEXIST);
    rest_ui_destroy(NULL);
}
END_TEST

START_TEST(reply_header_refuses_line_breaks)
{
    struct resp r;

    request(&r, "GET", "/probe", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(probe_results[0], EINVAL);
    ck_assert_int_eq(probe_results[1], EINVAL);
    ck_assert_int_eq(probe_results[2], EINVAL);
    ck_assert_int_eq(probe_results[3], 0);
    assert_header(&r, "X-Good", "yes");
    ck_assert_ptr_null(header(&r, "X-Bad"));
    ck_assert_ptr_null(header(&r, "X-Evil"));
    resp_free(&r);
}
END_TEST

static void
route_cb(unsigned methods, const char *pattern, const char *owner, void *aux)
{
    char *s = aux;
    size_t len = strlen(s);

    (void) owner;
    snprintf(s + len, 256 - len, "%u %s;", methods, pattern);
}

START_TEST(slash_routes)
{
    char list[256] = "";
    struct resp r;

    /* The page's routes as the route table shows them. */
    rest_route_foreach(server, route_cb, list);
    ck_assert_str_eq(list, "1 /ui;1 /ui/;1 /ui/{name};1 /probe;");

    ck_assert_int_eq(
        rest_route_add_slash(server, REST_GET, "/", h_probe, NULL, NULL),
        EINVAL);
    ck_assert_int_eq(
        rest_route_add_slash(server, REST_GET, "/x/", h_probe, NULL, NULL),
        EINVAL);
    ck_assert_int_eq(
        rest_route_add_slash(server, REST_GET, "/ui", h_probe, NULL, NULL),
        EEXIST);
    /* A path and its folder are two routes. */
    ck_assert_int_eq(
        rest_route_add_slash(server, REST_GET, "/probe", h_probe, NULL, NULL),
        0);
    ck_assert_int_eq(rest_route_add_slash(server, REST_POST, "/p/{id}",
                                          h_probe, NULL, NULL),
                     0);
    request(&r, "GET", "/probe/", NULL);
    ck_assert_int_eq(r.status, 200);
    assert_header(&r, "X-Good", "yes");
    resp_free(&r);
    expect_status("GET", "/probe//", 404);
    request(&r, "GET", "/p/7/", NULL);
    ck_assert_int_eq(r.status, 405);
    assert_header(&r, "Allow", "POST");
    resp_free(&r);
    expect_status("POST", "/p/7/", 200);
    expect_status("POST", "/p//", 404);
    expect_status("POST", "/p/7", 404);
}
END_TEST

static Suite *
ui_suite(void)
{
    Suite *s = suite_create("rest-ui");
    TCase *tc = tcase_create("ui");

    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, index_is_the_page);
    tcase_add_test(tc, every_file_served_as_in_the_tree);
    tcase_add_test(tc, content_types);
    tcase_add_test(tc, ui_redirects_to_the_directory);
    tcase_add_test(tc, etag_and_not_modified);
    tcase_add_test(tc, head_is_get_without_the_body);
    tcase_add_test(tc, unknown_files_are_404_json);
    tcase_add_test(tc, create_twice_is_eexist);
    tcase_add_test(tc, reply_header_refuses_line_breaks);
    tcase_add_test(tc, slash_routes);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(ui_suite());
}
