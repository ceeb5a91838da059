/* Unit tests of sluice-bench's REST client (sb-rest): the HTTP reply
 * parser on good and malformed replies, the topology summary reader on
 * every wrong shape, address parsing, and whole GETs against a throwaway
 * server on 127.0.0.1 run by a thread (JSON answers, error statuses,
 * garbage, replies in pieces, an oversized reply, a server that never
 * answers, a refused connection). */
#include <config.h>
#include "test/bench/sb-rest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "test/test-util.h"

/* ---- sb_rest_parse_reply ---- */

static void
parse_ok(const char *reply, int want_status, const char *want_body)
{
    int status = -1;
    const char *body = NULL;
    size_t body_len = 0;

    ck_assert_int_eq(
        sb_rest_parse_reply(reply, strlen(reply), &status, &body, &body_len),
        0);
    ck_assert_int_eq(status, want_status);
    ck_assert_uint_eq(body_len, strlen(want_body));
    ck_assert(!memcmp(body, want_body, body_len));
}

START_TEST(test_parse_200_with_body)
{
    parse_ok("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
             "Content-Length: 11\r\n\r\n{\"links\":8}",
             200, "{\"links\":8}");
}
END_TEST

START_TEST(test_parse_http10_404)
{
    parse_ok("HTTP/1.0 404 Not Found\r\n\r\n{\"error\": \"x\"}", 404,
             "{\"error\": \"x\"}");
}
END_TEST

START_TEST(test_parse_without_reason_or_headers)
{
    parse_ok("HTTP/1.1 204\r\n\r\n", 204, "");
}
END_TEST

START_TEST(test_parse_body_may_hold_blank_lines)
{
    parse_ok("HTTP/1.1 200 OK\r\n\r\na\r\n\r\nb", 200, "a\r\n\r\nb");
}
END_TEST

static const char *const bad_replies[] = {
    "",
    "HTTP/1.1",
    "HTTP/1.1 200",                /* no end of headers */
    "HTTP/1.1 200 OK\r\nX: y\r\n", /* no end of headers */
    "HTTP/1.1 200 OK\n\n{}",       /* bare LFs */
    "HTTP/2 200 OK\r\n\r\n",
    "HTTP/1.x 200 OK\r\n\r\n",
    "http/1.1 200 OK\r\n\r\n",
    "HTTP/1.1  200 OK\r\n\r\n",
    "HTTP/1.1 20 OK\r\n\r\n",
    "HTTP/1.1 2000 OK\r\n\r\n",
    "HTTP/1.1 2x0 OK\r\n\r\n",
    "HTTP/1.1 099 OK\r\n\r\n",
    "SSH-2.0-OpenSSH_9.2\r\n\r\n",
    "\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
};

START_TEST(test_parse_bad_reply_refused)
{
    const char *reply = bad_replies[_i];
    int status = -1;
    const char *body = NULL;
    size_t body_len = 0;

    ck_assert_int_eq(
        sb_rest_parse_reply(reply, strlen(reply), &status, &body, &body_len),
        EPROTO);
    ck_assert_int_eq(status, -1);
    ck_assert_ptr_null(body);
}
END_TEST

START_TEST(test_parse_reads_only_len_bytes)
{
    /* A reply whose end of headers lies just past 'len' (the buffer is
     * exactly 'len' bytes, so ASan sees any read beyond it). */
    static const char text[] = "HTTP/1.1 200 OK\r\n\r\n";
    size_t len = sizeof text - 2;
    char *buf = malloc(len);
    int status;
    const char *body;
    size_t body_len;

    ck_assert_ptr_nonnull(buf);
    memcpy(buf, text, len);
    ck_assert_int_eq(sb_rest_parse_reply(buf, len, &status, &body, &body_len),
                     EPROTO);
    free(buf);
}
END_TEST

/* ---- sb_rest_summary_links ---- */

START_TEST(test_summary_links_read)
{
    json_t *j = json_pack("{s:b, s:i, s:i, s:i}", "enabled", 1, "links", 4000,
                          "switches", 1000, "hosts", 0);
    uint64_t links = 0;
    char err[128] = "";

    ck_assert_int_eq(sb_rest_summary_links(j, &links, err, sizeof err), 0);
    ck_assert_uint_eq(links, 4000);
    json_decref(j);
}
END_TEST

START_TEST(test_summary_without_enabled_is_read)
{
    json_t *j = json_pack("{s:i}", "links", 0);
    uint64_t links = 7;

    ck_assert_int_eq(sb_rest_summary_links(j, &links, NULL, 0), 0);
    ck_assert_uint_eq(links, 0);
    json_decref(j);
}
END_TEST

START_TEST(test_summary_disabled_is_enotsup)
{
    json_t *j = json_pack("{s:b, s:i}", "enabled", 0, "links", 0);
    uint64_t links = 7;
    char err[128] = "";

    ck_assert_int_eq(sb_rest_summary_links(j, &links, err, sizeof err),
                     ENOTSUP);
    ck_assert_uint_eq(links, 7);
    ck_assert_ptr_nonnull(strstr(err, "disabled"));
    json_decref(j);
}
END_TEST

static const char *const bad_summaries[] = {
    "[]",
    "3",
    "\"links\"",
    "{}",
    "{\"links\": -1}",
    "{\"links\": 1.5}",
    "{\"links\": \"8\"}",
    "{\"links\": null}",
    "{\"links\": true}",
    "{\"links\": [8]}",
    "{\"enabled\": true}",
};

START_TEST(test_summary_bad_shape_refused)
{
    json_error_t jerr;
    json_t *j = json_loads(bad_summaries[_i], JSON_DECODE_ANY, &jerr);
    uint64_t links = 7;
    char err[128] = "";

    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(sb_rest_summary_links(j, &links, err, sizeof err),
                     EPROTO);
    ck_assert_uint_eq(links, 7);
    ck_assert(err[0] != '\0');
    json_decref(j);
}
END_TEST

START_TEST(test_summary_null_refused)
{
    uint64_t links = 7;

    ck_assert_int_eq(sb_rest_summary_links(NULL, &links, NULL, 0), EPROTO);
}
END_TEST

/* ---- sb_rest_init ---- */

START_TEST(test_init_ipv4)
{
    struct sb_rest rest;
    char err[128] = "";

    ck_assert_int_eq(sb_rest_init(&rest, "127.0.0.1:8080", 2, err, sizeof err),
                     0);
    ck_assert_int_eq(rest.addr.ss_family, AF_INET);
    const struct sockaddr_in *sin = (const struct sockaddr_in *) &rest.addr;
    ck_assert_int_eq(ntohs(sin->sin_port), 8080);
    ck_assert_str_eq(rest.host, "127.0.0.1:8080");
    ck_assert(rest.timeout == 2);
}
END_TEST

START_TEST(test_init_ipv6_brackets)
{
    struct sb_rest rest;

    ck_assert_int_eq(sb_rest_init(&rest, "[::1]:80", 0, NULL, 0), 0);
    ck_assert_int_eq(rest.addr.ss_family, AF_INET6);
    ck_assert(rest.timeout > 0);
}
END_TEST

static const char *const bad_specs[] = {
    "nocolon",
    ":80",
    "127.0.0.1:",
    "[::1]",
    "127.0.0.1:notaport",
    "[]:80",
    "a-host-name-far-too-long-for-the-spec-field-of-struct-sb-rest-which-"
    "holds-one-hundred-and-twenty-seven-characters-and-no-more.example:80",
};

START_TEST(test_init_bad_spec_refused)
{
    struct sb_rest rest;
    char err[128] = "";

    ck_assert_int_eq(sb_rest_init(&rest, bad_specs[_i], 1, err, sizeof err),
                     EINVAL);
    ck_assert(err[0] != '\0');
}
END_TEST

/* ---- whole GETs against a throwaway server ---- */

struct server {
    int lfd;
    int port;
    const char *reply; /* sent in 'pieces' writes, then closed */
    size_t reply_len;
    int pieces;
    bool silent; /* never answers: waits for the client to go */
    char request[1024];
    pthread_t thread;
};

static void *
server_main(void *s_)
{
    struct server *s = s_;
    size_t len = 0;
    int fd = accept(s->lfd, NULL, NULL);

    if (fd < 0) {
        return NULL;
    }
    while (len < sizeof s->request - 1) {
        ssize_t n = recv(fd, s->request + len, sizeof s->request - 1 - len, 0);
        if (n <= 0) {
            break;
        }
        len += (size_t) n;
        s->request[len] = '\0';
        if (strstr(s->request, "\r\n\r\n")) {
            break;
        }
    }
    if (s->silent) {
        char c;
        while (recv(fd, &c, 1, 0) > 0) {
        }
    } else {
        size_t step = s->reply_len / (size_t) s->pieces + 1;
        for (size_t ofs = 0; ofs < s->reply_len; ofs += step) {
            size_t n = s->reply_len - ofs < step ? s->reply_len - ofs : step;
            if (send(fd, s->reply + ofs, n, MSG_NOSIGNAL) < 0) {
                break;
            }
            if (s->pieces > 1) {
                usleep(2000);
            }
        }
    }
    close(fd);
    return NULL;
}

static void
server_start(struct server *s, const char *reply, size_t len, int pieces,
             bool silent)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t slen = sizeof sin;

    memset(s, 0, sizeof *s);
    s->reply = reply;
    s->reply_len = len;
    s->pieces = pieces > 0 ? pieces : 1;
    s->silent = silent;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s->lfd, 0);
    ck_assert_int_eq(bind(s->lfd, (struct sockaddr *) &sin, sizeof sin), 0);
    ck_assert_int_eq(listen(s->lfd, 1), 0);
    ck_assert_int_eq(getsockname(s->lfd, (struct sockaddr *) &sin, &slen), 0);
    s->port = ntohs(sin.sin_port);
    ck_assert_int_eq(pthread_create(&s->thread, NULL, server_main, s), 0);
}

static void
server_join(struct server *s)
{
    pthread_join(s->thread, NULL);
    close(s->lfd);
}

/* GETs the summary from a server answering 'reply' in 'pieces'; returns
 * the error, '*out' the JSON. */
static int
get_from(struct server *s, const char *reply, size_t len, int pieces,
         double timeout, json_t **out, char *err, size_t errlen)
{
    struct sb_rest rest;
    char spec[64];

    server_start(s, reply, len, pieces, false);
    snprintf(spec, sizeof spec, "127.0.0.1:%d", s->port);
    ck_assert_int_eq(sb_rest_init(&rest, spec, timeout, NULL, 0), 0);
    int error =
        sb_rest_get_json(&rest, "/api/v1/topology/summary", out, err, errlen);
    server_join(s);
    return error;
}

static const char summary_reply[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    "Connection: close\r\n\r\n"
    "{\"enabled\": true, \"version\": 12, \"switches\": 4, \"links\": 8, "
    "\"hosts\": 0, \"tree_links\": 3, \"edge_ports\": 4}";

START_TEST(test_get_json_200)
{
    struct server s;
    json_t *j = NULL;
    uint64_t links = 0;
    char err[256] = "";

    ck_assert_int_eq(get_from(&s, summary_reply, strlen(summary_reply), 1, 5,
                              &j, err, sizeof err),
                     0);
    ck_assert_int_eq(sb_rest_summary_links(j, &links, NULL, 0), 0);
    ck_assert_uint_eq(links, 8);
    json_decref(j);
    ck_assert(
        !strncmp(s.request, "GET /api/v1/topology/summary HTTP/1.0\r\n", 39));
    char host[64];
    snprintf(host, sizeof host, "\r\nHost: 127.0.0.1:%d\r\n", s.port);
    ck_assert_ptr_nonnull(strstr(s.request, host));
}
END_TEST

START_TEST(test_get_json_in_pieces)
{
    struct server s;
    json_t *j = NULL;

    ck_assert_int_eq(
        get_from(&s, summary_reply, strlen(summary_reply), 7, 5, &j, NULL, 0),
        0);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "links")), 8);
    json_decref(j);
}
END_TEST

START_TEST(test_get_json_404_is_ebadmsg)
{
    static const char reply[] = "HTTP/1.1 404 Not Found\r\n\r\n"
                                "{\"error\": \"no such route\"}";
    struct server s;
    json_t *j = (json_t *) 1;
    char err[256] = "";

    ck_assert_int_eq(
        get_from(&s, reply, strlen(reply), 1, 5, &j, err, sizeof err),
        EBADMSG);
    ck_assert_ptr_null(j);
    ck_assert_ptr_nonnull(strstr(err, "404"));
    ck_assert_ptr_nonnull(strstr(err, "no such route"));
}
END_TEST

START_TEST(test_get_json_not_json_is_ebadmsg)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\n\r\n{\"links\": ";
    struct server s;
    json_t *j = NULL;
    char err[256] = "";

    ck_assert_int_eq(
        get_from(&s, reply, strlen(reply), 1, 5, &j, err, sizeof err),
        EBADMSG);
    ck_assert_ptr_null(j);
    ck_assert_ptr_nonnull(strstr(err, "not JSON"));
}
END_TEST

START_TEST(test_get_garbage_is_eproto)
{
    static const char reply[] = "hello, this is not HTTP\r\n\r\n";
    struct server s;
    json_t *j = NULL;

    ck_assert_int_eq(get_from(&s, reply, strlen(reply), 1, 5, &j, NULL, 0),
                     EPROTO);
    ck_assert_ptr_null(j);
}
END_TEST

START_TEST(test_get_empty_reply_is_eproto)
{
    struct server s;
    json_t *j = NULL;

    ck_assert_int_eq(get_from(&s, "", 0, 1, 5, &j, NULL, 0), EPROTO);
    ck_assert_ptr_null(j);
}
END_TEST

START_TEST(test_get_oversized_reply_is_emsgsize)
{
    size_t len = SB_REST_MAX_REPLY + 4096;
    char *reply = malloc(len);
    struct server s;
    json_t *j = NULL;
    char err[256] = "";

    ck_assert_ptr_nonnull(reply);
    memset(reply, ' ', len);
    memcpy(reply, "HTTP/1.1 200 OK\r\n\r\n", 19);
    ck_assert_int_eq(get_from(&s, reply, len, 1, 5, &j, err, sizeof err),
                     EMSGSIZE);
    ck_assert_ptr_null(j);
    free(reply);
}
END_TEST

START_TEST(test_get_silent_server_times_out)
{
    struct server s;
    json_t *j = NULL;
    char err[256] = "";

    struct sb_rest rest;
    char spec[64];

    server_start(&s, NULL, 0, 1, true);
    snprintf(spec, sizeof spec, "127.0.0.1:%d", s.port);
    ck_assert_int_eq(sb_rest_init(&rest, spec, 0.2, NULL, 0), 0);
    ck_assert_int_eq(sb_rest_get_json(&rest, "/x", &j, err, sizeof err),
                     ETIMEDOUT);
    ck_assert_ptr_null(j);
    ck_assert_ptr_nonnull(strstr(err, "in time"));
    server_join(&s);
}
END_TEST

START_TEST(test_get_refused_connection)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t slen = sizeof sin;
    struct sb_rest rest;
    json_t *j = NULL;
    char spec[64], err[256] = "";

    /* A port that nothing listens on: bound, then closed. */
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *) &sin, sizeof sin), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *) &sin, &slen), 0);
    close(fd);
    snprintf(spec, sizeof spec, "127.0.0.1:%d", ntohs(sin.sin_port));
    ck_assert_int_eq(sb_rest_init(&rest, spec, 2, NULL, 0), 0);
    ck_assert_int_eq(sb_rest_get_json(&rest, "/x", &j, err, sizeof err),
                     ECONNREFUSED);
    ck_assert_ptr_null(j);
    ck_assert_ptr_nonnull(strstr(err, spec));
}
END_TEST

START_TEST(test_get_path_too_long_refused)
{
    struct sb_rest rest;
    json_t *j = NULL;
    char path[600], err[256] = "";

    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    ck_assert_int_eq(sb_rest_init(&rest, "127.0.0.1:1", 1, NULL, 0), 0);
    ck_assert_int_eq(sb_rest_get_json(&rest, path, &j, err, sizeof err),
                     EINVAL);
    ck_assert_ptr_null(j);
}
END_TEST

static Suite *
bench_rest_suite(void)
{
    Suite *s = suite_create("bench-rest");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_parse_200_with_body);
    tcase_add_test(tc, test_parse_http10_404);
    tcase_add_test(tc, test_parse_without_reason_or_headers);
    tcase_add_test(tc, test_parse_body_may_hold_blank_lines);
    tcase_add_loop_test(tc, test_parse_bad_reply_refused, 0,
                        (int) (sizeof bad_replies / sizeof *bad_replies));
    tcase_add_test(tc, test_parse_reads_only_len_bytes);
    tcase_add_test(tc, test_summary_links_read);
    tcase_add_test(tc, test_summary_without_enabled_is_read);
    tcase_add_test(tc, test_summary_disabled_is_enotsup);
    tcase_add_loop_test(tc, test_summary_bad_shape_refused, 0,
                        (int) (sizeof bad_summaries / sizeof *bad_summaries));
    tcase_add_test(tc, test_summary_null_refused);
    tcase_add_test(tc, test_init_ipv4);
    tcase_add_test(tc, test_init_ipv6_brackets);
    tcase_add_loop_test(tc, test_init_bad_spec_refused, 0,
                        (int) (sizeof bad_specs / sizeof *bad_specs));
    suite_add_tcase(s, tc);

    tc = tcase_create("get");
    tcase_add_test(tc, test_get_json_200);
    tcase_add_test(tc, test_get_json_in_pieces);
    tcase_add_test(tc, test_get_json_404_is_ebadmsg);
    tcase_add_test(tc, test_get_json_not_json_is_ebadmsg);
    tcase_add_test(tc, test_get_garbage_is_eproto);
    tcase_add_test(tc, test_get_empty_reply_is_eproto);
    tcase_add_test(tc, test_get_oversized_reply_is_emsgsize);
    tcase_add_test(tc, test_get_silent_server_times_out);
    tcase_add_test(tc, test_get_refused_connection);
    tcase_add_test(tc, test_get_path_too_long_refused);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(bench_rest_suite());
}
