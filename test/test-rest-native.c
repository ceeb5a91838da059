/* test-rest-native: libcheck tests for rest/native -- /api/v1/health,
 * /api/v1/switches[/{dpid}], /api/v1/apps, the apps' routes (through the
 * rest-app test plugin), /metrics (every scrape read by a strict
 * exposition-format checker) and the event stream /api/v1/events (read by a
 * raw HTTP/1.1 client that undoes the chunked encoding).
 *
 * Runs on the test-api fixture: a real controller and REST API on
 * 127.0.0.1, fake switches and an HTTP client in one event loop.  The
 * heartbeat and slow-consumer tests build a second server with their own
 * limits and a second native module on the same controller. */
#include <config.h>
#include "rest/native.h"

#include <arpa/inet.h>
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include "ofproto/ofp-match.h"
#include "test/test-api.h"
#include "test/test-json.h"
#include "test/test-loop.h"
#include "test/test-util.h"

#define LOOP_UNTIL(COND) TEST_LOOP_UNTIL(tapi.base, COND, FSW_STEP_TIMEOUT)

#define APPS "[{name: rest-app}, {name: hub}]"
#define TOKEN "s3cret"

/* ---- helpers ---- */

static void
assert_regex(const char *text, const char *pattern)
{
    regex_t re;

    ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    int rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    ck_assert_msg(rc == 0, "'%s' does not match /%s/", text, pattern);
}

/* Checks that 'iso' ("2026-11-21T10:00:00Z" or with ".123") is within a
 * few seconds of now. */
static void
assert_recent(const char *iso)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    const char *rest = strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm);
    ck_assert_ptr_nonnull(rest);
    double t = (double) timegm(&tm);
    ck_assert_msg(fabs(t - (double) time(NULL)) < 10.0, "%s is not now", iso);
}

/* Asserts 'j' has exactly the 'n' keys of 'keys'. */
static void
assert_keys(const json_t *j, const char *const *keys, size_t n)
{
    ck_assert(json_is_object(j));
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(json_object_get(j, keys[i]) != NULL, "no \"%s\"",
                      keys[i]);
    }
    ck_assert_uint_eq(json_object_size(j), n);
}

static void
assert_error(int status, json_t *j, int want_status, const char *error)
{
    ck_assert_int_eq(status, want_status);
    ck_assert_str_eq(test_json_str(j, "error"), error);
    json_decref(j);
}

/* Sends 'n' PACKET_INs from 's' and waits until the controller read them. */
static void
send_packet_ins(struct fsw *s, int n)
{
    uint64_t before = tapi.ctl.dps.rx_by_type[OFPT_PACKET_IN];
    uint8_t frame[60];
    struct ofp_oxm oxm;
    struct ofp_msg m;

    memset(frame, 0, sizeof frame);
    memcpy(frame, "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01", 12);
    frame[12] = 0x88; /* an unknown EtherType: a plain L2 frame */
    frame[13] = 0xb5;
    ck_assert(ofp_oxm_init_basic(&oxm, OFPXMT_OFB_IN_PORT));
    oxm.value.u32 = 1;
    for (int i = 0; i < n; i++) {
        ofp_msg_init(&m, OFPT_PACKET_IN, (uint32_t) (100 + i));
        m.packet_in.buffer_id = OFP_NO_BUFFER;
        m.packet_in.total_len = sizeof frame;
        m.packet_in.reason = OFPR_NO_MATCH;
        m.packet_in.table_id = 2;
        m.packet_in.match.n_oxms = 1;
        m.packet_in.match.oxms = &oxm;
        m.packet_in.data = frame;
        m.packet_in.len = sizeof frame;
        fsw_send(s, &m);
    }
    ck_assert(LOOP_UNTIL(tapi.ctl.dps.rx_by_type[OFPT_PACKET_IN] ==
                         before + (uint64_t) n));
}

/* ---- health ---- */

/* Ryu's topology paths without a topology (none created): the switches
 * from the sessions, no links, no hosts. */
START_TEST(test_topology_without_discovery)
{
    static const char *const empty[] = {
        "/v1.0/topology/switches/2", "/v1.0/topology/links",
        "/v1.0/topology/links/1",    "/v1.0/topology/hosts",
        "/v1.0/topology/hosts/1",
    };
    json_t *j;

    tapi_setup(NULL, NULL);
    ck_assert_ptr_null(tapi.ctl.topo);
    ck_assert_int_eq(
        tapi_request("GET", "/v1.0/topology/switches", NULL, NULL, &j), 200);
    ck_assert(json_is_array(j));
    ck_assert_uint_eq(json_array_size(j), 0);
    json_decref(j);

    tapi_switch(1);
    for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
        ck_assert_int_eq(tapi_request("GET", empty[i], NULL, NULL, &j), 200);
        ck_assert_msg(json_is_array(j) && json_array_size(j) == 0,
                      "%s is not []", empty[i]);
        json_decref(j);
    }
    ck_assert_int_eq(
        tapi_request("GET", "/v1.0/topology/switches/1", NULL, NULL, &j), 200);
    ck_assert_uint_eq(json_array_size(j), 1);
    const json_t *sw = json_array_get(j, 0);
    ck_assert_str_eq(test_json_str(sw, "dpid"), "0000000000000001");
    /* Ports 1, 2, 3; LOCAL is not listed. */
    ck_assert_uint_eq(json_array_size(json_object_get(sw, "ports")), 3);
    json_decref(j);
    tapi_teardown();
}
END_TEST

START_TEST(test_health)
{
    json_t *j;

    tapi_setup(NULL, NULL);
    ck_assert_int_eq(tapi_request("GET", "/api/v1/health", NULL, NULL, &j),
                     200);
    static const char *const keys[] = {"status", "version", "uptime_seconds",
                                       "switches", "apps"};
    assert_keys(j, keys, 5);
    ck_assert_str_eq(test_json_str(j, "status"), "ok");
    ck_assert_str_eq(test_json_str(j, "version"), PACKAGE_VERSION);
    double up = test_json_real(j, "uptime_seconds");
    ck_assert(up >= 0.0 && up < 60.0);
    ck_assert_int_eq(test_json_int(j, "switches"), 0);
    ck_assert_int_eq(test_json_int(j, "apps"), 0);
    json_decref(j);

    tapi_switch(1);
    ck_assert_int_eq(tapi_request("GET", "/api/v1/health", NULL, NULL, &j),
                     200);
    ck_assert_int_eq(test_json_int(j, "switches"), 1);
    json_decref(j);

    /* Reads only. */
    ck_assert_int_eq(tapi_request("POST", "/api/v1/health", "{}", NULL, &j),
                     405);
    json_decref(j);
    tapi_teardown();
}
END_TEST

/* ---- switches ---- */

static void
check_switch(const json_t *sw, const char *dpid, const char *address)
{
    static const char *const keys[] = {
        "dpid",         "address", "connected_since", "connected_seconds",
        "of_version",   "role",    "n_tables",        "n_buffers",
        "capabilities", "desc",    "ports",           "flows",
    };

    assert_keys(sw, keys, sizeof keys / sizeof keys[0]);
    ck_assert_str_eq(test_json_str(sw, "dpid"), dpid);
    ck_assert_str_eq(test_json_str(sw, "address"), address);
    const char *since = test_json_str(sw, "connected_since");
    assert_regex(since, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
                        "[0-9]{2}Z$");
    assert_recent(since);
    double secs = test_json_real(sw, "connected_seconds");
    ck_assert(secs >= 0.0 && secs < 60.0);
    ck_assert_str_eq(test_json_str(sw, "of_version"), "1.3");
    ck_assert_str_eq(test_json_str(sw, "role"), "EQUAL");
    ck_assert_int_eq(test_json_int(sw, "n_tables"), 254);
    ck_assert_int_eq(test_json_int(sw, "n_buffers"), 256);
    ck_assert_int_eq(test_json_int(sw, "capabilities"),
                     OFPC_FLOW_STATS | OFPC_PORT_STATS);

    const json_t *desc = json_object_get(sw, "desc");
    static const char *const dkeys[] = {"mfr_desc", "hw_desc", "sw_desc",
                                        "serial_num", "dp_desc"};
    assert_keys(desc, dkeys, 5);
    ck_assert_str_eq(test_json_str(desc, "mfr_desc"), "Fake Inc.");
    ck_assert_str_eq(test_json_str(desc, "hw_desc"), "Test Switch");
    ck_assert_str_eq(test_json_str(desc, "sw_desc"), "1.2.3");
    ck_assert_str_eq(test_json_str(desc, "serial_num"), "SN42");
    ck_assert_str_eq(test_json_str(desc, "dp_desc"), "bench");

    /* The fake switch has 1, 2, 3 and LOCAL ("br0"), sorted. */
    const json_t *ports = json_object_get(sw, "ports");
    ck_assert(json_is_array(ports));
    ck_assert_uint_eq(json_array_size(ports), 4);
    static const char *const pkeys[] = {"port_no", "name",  "hw_addr",   "up",
                                        "config",  "state", "curr_speed"};
    for (size_t i = 0; i < 3; i++) {
        const json_t *p = json_array_get(ports, i);
        char name[8], mac[18];

        assert_keys(p, pkeys, 7);
        ck_assert_int_eq(test_json_int(p, "port_no"), (json_int_t) i + 1);
        snprintf(name, sizeof name, "eth%zu", i + 1);
        ck_assert_str_eq(test_json_str(p, "name"), name);
        snprintf(mac, sizeof mac, "00:00:00:00:00:%02zx", i + 1);
        ck_assert_str_eq(test_json_str(p, "hw_addr"), mac);
        ck_assert(test_json_bool(p, "up"));
        ck_assert_int_eq(test_json_int(p, "config"), 0);
        ck_assert_int_eq(test_json_int(p, "state"), 0);
        ck_assert_int_eq(test_json_int(p, "curr_speed"), 10000000);
    }
    const json_t *local = json_array_get(ports, 3);
    assert_keys(local, pkeys, 7);
    ck_assert_str_eq(test_json_str(local, "port_no"), "LOCAL");
    ck_assert_str_eq(test_json_str(local, "name"), "br0");
    ck_assert_str_eq(test_json_str(local, "hw_addr"), "00:00:00:00:00:fe");

    const json_t *flows = json_object_get(sw, "flows");
    static const char *const fkeys[] = {"desired", "synced"};
    assert_keys(flows, fkeys, 2);
    /* The table-miss flows of the default pipeline. */
    ck_assert_int_eq(test_json_int(flows, "desired"), SL_N_TABLES);
    ck_assert(test_json_bool(flows, "synced"));
}

START_TEST(test_switches_list)
{
    json_t *j;

    tapi_setup(NULL, NULL);
    ck_assert_int_eq(tapi_request("GET", "/api/v1/switches", NULL, NULL, &j),
                     200);
    ck_assert_uint_eq(json_array_size(json_object_get(j, "switches")), 0);
    ck_assert_uint_eq(json_object_size(j), 1);
    json_decref(j);

    /* Connected out of order: the list is sorted by dpid. */
    tapi_switch(0xab00000000000002ULL);
    tapi_switch(1);
    ck_assert_int_eq(tapi_request("GET", "/api/v1/switches", NULL, NULL, &j),
                     200);
    const json_t *list = json_object_get(j, "switches");
    ck_assert_uint_eq(json_array_size(list), 2);
    check_switch(json_array_get(list, 0), "0000000000000001", "sw1");
    check_switch(json_array_get(list, 1), "ab00000000000002",
                 "swab00000000000002");
    json_decref(j);
    tapi_teardown();
}
END_TEST

START_TEST(test_switch_by_dpid)
{
    static const char *const good[] = {
        "/api/v1/switches/000000000000002a",
        "/api/v1/switches/000000000000002A",
        "/api/v1/switches/0x2a",
        "/api/v1/switches/0X2A",
        "/api/v1/switches/42",
        "/api/v1/switches/0042",
    };
    static const char *const bad[] = {
        "/api/v1/switches/xyz",
        "/api/v1/switches/0x",
        "/api/v1/switches/-1",
        "/api/v1/switches/1.5",
        "/api/v1/switches/0x2g",
        "/api/v1/switches/%2042",
        "/api/v1/switches/0x11111111111111111",
        "/api/v1/switches/18446744073709551616",
        "/api/v1/switches/000000000000002a0",
    };
    json_t *j;

    tapi_setup(NULL, NULL);
    tapi_switch(42);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ck_assert_int_eq(tapi_request("GET", good[i], NULL, NULL, &j), 200);
        check_switch(j, "000000000000002a", "sw2a");
        json_decref(j);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int status = tapi_request("GET", bad[i], NULL, NULL, &j);
        ck_assert_msg(status == 400, "%s: %d", bad[i], status);
        assert_error(status, j, 400, "bad dpid");
    }

    /* The largest dpid is a valid one, just not connected. */
    ck_assert_int_eq(tapi_request("GET",
                                  "/api/v1/switches/18446744073709551615",
                                  NULL, NULL, &j),
                     404);
    ck_assert_str_eq(test_json_str(j, "detail"),
                     "ffffffffffffffff is not connected");
    assert_error(404, j, 404, "no such switch");
    ck_assert_int_eq(
        tapi_request("GET", "/api/v1/switches/0x9", NULL, NULL, &j), 404);
    ck_assert_str_eq(test_json_str(j, "detail"),
                     "0000000000000009 is not connected");
    assert_error(404, j, 404, "no such switch");
    tapi_teardown();
}
END_TEST

/* ---- apps ---- */

START_TEST(test_apps_list)
{
    json_t *j;

    tapi_setup(NULL, NULL);
    ck_assert_int_eq(tapi_request("GET", "/api/v1/apps", NULL, NULL, &j), 200);
    ck_assert_uint_eq(json_array_size(json_object_get(j, "apps")), 0);
    json_decref(j);
    tapi_teardown();

    tapi_setup(NULL, APPS);
    struct fsw *s = tapi_switch(1);
    send_packet_ins(s, 5);
    ck_assert_int_eq(tapi_request("GET", "/api/v1/apps", NULL, NULL, &j), 200);
    const json_t *apps = json_object_get(j, "apps");
    ck_assert_uint_eq(json_array_size(apps), 2);

    static const char *const keys[] = {"name",   "description",    "path",
                                       "abi",    "state",          "owner",
                                       "events", "handler_seconds"};
    const json_t *ra = json_array_get(apps, 0);
    assert_keys(ra, keys, sizeof keys / sizeof keys[0]);
    ck_assert_str_eq(test_json_str(ra, "name"), "rest-app");
    ck_assert_str_eq(test_json_str(ra, "description"),
                     "test plugin serving REST routes");
    assert_regex(test_json_str(ra, "path"), "/rest-app\\.so$");
    char abi[16];
    snprintf(abi, sizeof abi, "%d.%d", SL_APP_ABI_MAJOR, SL_APP_ABI_MINOR);
    ck_assert_str_eq(test_json_str(ra, "abi"), abi);
    ck_assert_str_eq(test_json_str(ra, "state"), "running");
    char owner[8];
    snprintf(owner, sizeof owner, "0x%04x", sl_apps_owner_id("rest-app"));
    ck_assert_str_eq(test_json_str(ra, "owner"), owner);
    /* Only the types it received, the same keys in both maps. */
    const json_t *ev = json_object_get(ra, "events");
    ck_assert_uint_eq(json_object_size(ev), 2);
    ck_assert_int_eq(test_json_int(ev, "PACKET_IN"), 5);
    ck_assert_int_eq(test_json_int(ev, "SWITCH_UP"), 1);
    const json_t *hs = json_object_get(ra, "handler_seconds");
    ck_assert_uint_eq(json_object_size(hs), 2);
    ck_assert(test_json_real(hs, "PACKET_IN") >= 0.0);
    ck_assert(test_json_real(hs, "SWITCH_UP") >= 0.0);

    const json_t *hub = json_array_get(apps, 1);
    assert_keys(hub, keys, sizeof keys / sizeof keys[0]);
    ck_assert_str_eq(test_json_str(hub, "name"), "hub");
    ck_assert_str_eq(test_json_str(hub, "abi"), abi);
    ck_assert_int_eq(
        test_json_int(json_object_get(hub, "events"), "PACKET_IN"), 5);
    json_decref(j);

    ck_assert_int_eq(tapi_request("GET", "/api/v1/health", NULL, NULL, &j),
                     200);
    ck_assert_int_eq(test_json_int(j, "apps"), 2);
    json_decref(j);
    tapi_teardown();
}
END_TEST

/* The value of "key=" in the rest-app plugin's echo 'text'. */
static const char *
echo_get(const char *text, const char *key, char *buf, size_t size)
{
    size_t n = strlen(key);

    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t) (end - line) : strlen(line);
        if (len > n && !strncmp(line, key, n) && line[n] == '=') {
            snprintf(buf, size, "%.*s", (int) (len - n - 1), line + n + 1);
            return buf;
        }
        line = end ? end + 1 : NULL;
    }
    ck_abort_msg("no %s= in %s", key, text);
    return NULL;
}

static struct tapi_http *
app_call(const char *method, const char *path, const char *body,
         const char *token, int want_status)
{
    struct tapi_http *h = tapi_http_start(method, path, body, token);
    int status = tapi_http_wait(h);

    ck_assert_msg(status == want_status, "%s %s: %d (%s)", method, path,
                  status, tapi_http_body(h));
    return h;
}

START_TEST(test_app_routes)
{
    char buf[256];
    json_t *j;

    tapi_setup(TOKEN, APPS);

    /* The app's root. */
    struct tapi_http *h =
        app_call("GET", "/api/v1/apps/rest-app", NULL, NULL, 200);
    ck_assert_str_eq(tapi_http_header(h, "Content-Type"), "application/json");
    j = tapi_http_json(h);
    ck_assert_str_eq(test_json_str(j, "app"), "rest-app");
    json_decref(j);
    tapi_http_free(h);

    /* A GET with a parameter (percent-decoded) and a query. */
    h = app_call("GET", "/api/v1/apps/rest-app/items/a%20b?x=1&y=2", NULL,
                 NULL, 200);
    const char *t = tapi_http_body(h);
    ck_assert_str_eq(tapi_http_header(h, "Content-Type"), "text/plain");
    ck_assert_str_eq(echo_get(t, "method", buf, sizeof buf), "GET");
    ck_assert_str_eq(echo_get(t, "path", buf, sizeof buf),
                     "/api/v1/apps/rest-app/items/a b");
    ck_assert_str_eq(echo_get(t, "subpath", buf, sizeof buf), "/items/a b");
    ck_assert_str_eq(echo_get(t, "params", buf, sizeof buf), "id:a b");
    /* rest/server.h has no raw query accessor yet: the app gets "". */
    ck_assert_str_eq(echo_get(t, "query", buf, sizeof buf), "x=1&y=2");
    ck_assert_str_eq(echo_get(t, "body_len", buf, sizeof buf), "0");
    tapi_http_free(h);

    /* The tail parameter. */
    h = app_call("GET", "/api/v1/apps/rest-app/files/x/y/z", NULL, NULL, 200);
    ck_assert_str_eq(echo_get(tapi_http_body(h), "params", buf, sizeof buf),
                     "rest:x/y/z");
    tapi_http_free(h);

    /* Writes need the token. */
    h = app_call("POST", "/api/v1/apps/rest-app/items/7", "{\"a\": 1}", NULL,
                 401);
    tapi_http_free(h);
    h = app_call("POST", "/api/v1/apps/rest-app/items/7", "{\"a\": 1}",
                 "wrong", 401);
    tapi_http_free(h);
    h = app_call("POST", "/api/v1/apps/rest-app/items/7", "{\"a\": 1}", TOKEN,
                 200);
    t = tapi_http_body(h);
    ck_assert_str_eq(echo_get(t, "method", buf, sizeof buf), "POST");
    ck_assert_str_eq(echo_get(t, "params", buf, sizeof buf), "id:7");
    ck_assert_str_eq(echo_get(t, "body_len", buf, sizeof buf), "8");
    ck_assert_str_eq(echo_get(t, "body", buf, sizeof buf), "{\"a\": 1}");
    tapi_http_free(h);
    h = app_call("DELETE", "/api/v1/apps/rest-app/items/7", NULL, TOKEN, 200);
    ck_assert_str_eq(echo_get(tapi_http_body(h), "method", buf, sizeof buf),
                     "DELETE");
    tapi_http_free(h);
    h = app_call("POST", "/api/v1/apps/rest-app/created", "{}", TOKEN, 201);
    ck_assert_str_eq(tapi_http_body(h), "{}");
    tapi_http_free(h);

    /* The request stays valid until the handler returns, after its
     * reply too (ASan would see a freed one): the plugin adds up the
     * lengths of the path (30), subpath (9), query and body (0) and of
     * "id" and "42". */
    fsw_logs_capture();
    h = app_call("GET", "/api/v1/apps/rest-app/after/42", NULL, NULL, 204);
    tapi_http_free(h);
    ck_assert(fsw_log_has("after 43", NULL));

    /* HEAD is GET without the body. */
    h = app_call("HEAD", "/api/v1/apps/rest-app", NULL, NULL, 200);
    ck_assert_str_eq(tapi_http_body(h), "");
    tapi_http_free(h);

    /* An app that does not answer, a method it does not take, a path it
     * does not serve. */
    ck_assert_int_eq(
        tapi_request("GET", "/api/v1/apps/rest-app/silent", NULL, NULL, &j),
        500);
    ck_assert_str_eq(test_json_str(j, "error"), "app did not answer");
    json_decref(j);
    ck_assert_int_eq(
        tapi_request("PUT", "/api/v1/apps/rest-app/items/7", "{}", TOKEN, &j),
        405);
    json_decref(j);
    ck_assert_int_eq(
        tapi_request("GET", "/api/v1/apps/rest-app/nothing", NULL, NULL, &j),
        404);
    json_decref(j);
    ck_assert_int_eq(tapi_request("GET", "/api/v1/apps/hub", NULL, NULL, &j),
                     404);
    json_decref(j);
    tapi_teardown();
}
END_TEST

/* ---- metrics: a strict reader of the text exposition format ---- */

#define PROM_MAX_FAMILIES 64
#define PROM_MAX_SERIES 256
#define PROM_MAX_LABELS 8

struct prom_family {
    char name[128];
    char type[16];
    bool help, typed, has_samples;
};

/* One histogram series (labels other than "le"). */
struct prom_hist {
    char family[128];
    char labels[256];
    double last_le, last_bucket;
    bool any_bucket, inf, sum, count;
    double inf_value, count_value;
};

struct prom_check {
    jmp_buf fail;
    char error[512];
    struct prom_family fams[PROM_MAX_FAMILIES];
    size_t n_fams;
    struct prom_family *cur;
    struct prom_hist hists[PROM_MAX_SERIES];
    size_t n_hists;
    char series[1024][520];
    size_t n_series;
};

static void prom_fail(struct prom_check *c, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/* Ends the check of 'c' with a message. */
static void
prom_fail(struct prom_check *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    longjmp(c->fail, 1);
}

/* Ends the check of 'C' with a message unless 'COND' holds. */
#define PROM_REQUIRE(C, COND, ...)                                            \
    do {                                                                      \
        if (!(COND)) {                                                        \
            prom_fail(C, __VA_ARGS__);                                        \
        }                                                                     \
    } while (0)

static bool
prom_name_char(char c, bool first, bool colon)
{
    return isalpha((unsigned char) c) || c == '_' || (colon && c == ':') ||
           (!first && isdigit((unsigned char) c));
}

/* Reads a metric (with 'colon') or label name at '*p'. */
static void
prom_read_name(struct prom_check *c, const char **p, char *out, size_t size,
               bool colon)
{
    size_t n = 0;

    PROM_REQUIRE(c, prom_name_char(**p, true, colon), "bad name at '%s'", *p);
    while (prom_name_char(**p, n == 0, colon)) {
        PROM_REQUIRE(c, n + 1 < size, "name too long at '%s'", *p);
        out[n++] = *(*p)++;
    }
    out[n] = '\0';
}

static double
prom_read_value(struct prom_check *c, const char *s)
{
    if (!strcmp(s, "+Inf")) {
        return INFINITY;
    } else if (!strcmp(s, "-Inf")) {
        return -INFINITY;
    } else if (!strcmp(s, "NaN")) {
        return NAN;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    PROM_REQUIRE(c, *s && !*end && !errno && isfinite(v), "bad value '%s'", s);
    return v;
}

static struct prom_family *
prom_family(struct prom_check *c, const char *name)
{
    for (size_t i = 0; i < c->n_fams; i++) {
        if (!strcmp(c->fams[i].name, name)) {
            return &c->fams[i];
        }
    }
    return NULL;
}

/* Ends the current family: every histogram series must be complete. */
static void
prom_close_family(struct prom_check *c)
{
    if (c->cur == NULL) {
        return;
    }
    PROM_REQUIRE(c, c->cur->help && c->cur->typed, "%s: HELP and TYPE needed",
                 c->cur->name);
    for (size_t i = 0; i < c->n_hists; i++) {
        struct prom_hist *h = &c->hists[i];
        if (strcmp(h->family, c->cur->name)) {
            continue;
        }
        PROM_REQUIRE(c, h->inf && h->sum && h->count,
                     "%s{%s}: +Inf bucket, _sum and _count needed", h->family,
                     h->labels);
        PROM_REQUIRE(c, h->inf_value == h->count_value,
                     "%s{%s}: +Inf bucket %g != _count %g", h->family,
                     h->labels, h->inf_value, h->count_value);
    }
    c->cur = NULL;
}

static void
prom_comment(struct prom_check *c, const char *line)
{
    char name[128];
    const char *p;
    bool help = !strncmp(line, "# HELP ", 7);

    PROM_REQUIRE(c, help || !strncmp(line, "# TYPE ", 7), "bad comment '%s'",
                 line);
    p = line + 7;
    prom_read_name(c, &p, name, sizeof name, true);
    PROM_REQUIRE(c, *p == ' ' && p[1], "'%s': no text", line);
    p++;

    struct prom_family *f = prom_family(c, name);
    if (f == NULL) {
        prom_close_family(c);
        PROM_REQUIRE(c, c->n_fams < PROM_MAX_FAMILIES, "too many families");
        f = &c->fams[c->n_fams++];
        memset(f, 0, sizeof *f);
        snprintf(f->name, sizeof f->name, "%s", name);
        c->cur = f;
    }
    PROM_REQUIRE(c, f == c->cur, "%s declared again after other families",
                 name);
    PROM_REQUIRE(c, !f->has_samples, "%s: %s after samples", name,
                 help ? "HELP" : "TYPE");
    if (help) {
        PROM_REQUIRE(c, !f->help, "%s: HELP twice", name);
        f->help = true;
        for (const char *q = p; *q; q++) {
            if (*q == '\\') {
                PROM_REQUIRE(c, q[1] == '\\' || q[1] == 'n',
                             "%s: bad escape in HELP", name);
                q++;
            }
        }
    } else {
        PROM_REQUIRE(c, !f->typed, "%s: TYPE twice", name);
        PROM_REQUIRE(c,
                     !strcmp(p, "counter") || !strcmp(p, "gauge") ||
                         !strcmp(p, "histogram"),
                     "%s: type %s", name, p);
        f->typed = true;
        snprintf(f->type, sizeof f->type, "%s", p);
        if (!strcmp(p, "counter")) {
            size_t n = strlen(name);
            PROM_REQUIRE(c, n > 6 && !strcmp(name + n - 6, "_total"),
                         "counter %s does not end in _total", name);
        }
    }
}

static struct prom_hist *
prom_hist(struct prom_check *c, const char *family, const char *labels)
{
    for (size_t i = 0; i < c->n_hists; i++) {
        if (!strcmp(c->hists[i].family, family) &&
            !strcmp(c->hists[i].labels, labels)) {
            return &c->hists[i];
        }
    }
    PROM_REQUIRE(c, c->n_hists < PROM_MAX_SERIES, "too many histograms");
    struct prom_hist *h = &c->hists[c->n_hists++];
    memset(h, 0, sizeof *h);
    snprintf(h->family, sizeof h->family, "%s", family);
    snprintf(h->labels, sizeof h->labels, "%s", labels);
    h->last_le = -INFINITY;
    return h;
}

/* Reads the label set at '*p' (after '{'): 'labels' gets them but "le"
 * as 'a="x",b="y"', 'le' the value of "le" (or ""). */
static void
prom_read_labels(struct prom_check *c, const char *line, const char **p,
                 char *labels, size_t lsize, char *le, size_t le_size)
{
    char lnames[PROM_MAX_LABELS][64];
    size_t n_labels = 0;

    while (**p != '}') {
        char lname[64], value[128];
        size_t n = 0;

        prom_read_name(c, p, lname, sizeof lname, false);
        PROM_REQUIRE(c, (*p)[0] == '=' && (*p)[1] == '"', "'%s': bad label",
                     line);
        *p += 2;
        while (**p != '"') {
            PROM_REQUIRE(c, **p && **p != '\n', "'%s': open label", line);
            PROM_REQUIRE(c, n + 3 < sizeof value, "'%s': long label", line);
            if (**p == '\\') {
                PROM_REQUIRE(
                    c, (*p)[1] == '\\' || (*p)[1] == '"' || (*p)[1] == 'n',
                    "'%s': bad escape", line);
                value[n++] = *(*p)++;
            }
            value[n++] = *(*p)++;
        }
        value[n] = '\0';
        (*p)++;
        for (size_t i = 0; i < n_labels; i++) {
            PROM_REQUIRE(c, strcmp(lnames[i], lname), "'%s': %s twice", line,
                         lname);
        }
        PROM_REQUIRE(c, n_labels < PROM_MAX_LABELS, "'%s': many labels", line);
        snprintf(lnames[n_labels++], sizeof lnames[0], "%s", lname);
        if (!strcmp(lname, "le")) {
            snprintf(le, le_size, "%s", value);
        } else {
            size_t used = strlen(labels);
            snprintf(labels + used, lsize - used, "%s%s=\"%s\"",
                     used ? "," : "", lname, value);
        }
        if (**p == ',') {
            (*p)++;
            PROM_REQUIRE(c, **p != '}', "'%s': trailing comma", line);
        } else {
            PROM_REQUIRE(c, **p == '}', "'%s': bad label list", line);
        }
    }
    (*p)++;
}

static void
prom_sample(struct prom_check *c, const char *line)
{
    char name[128], labels[256] = "", le[128] = "";
    const char *p = line;

    prom_read_name(c, &p, name, sizeof name, true);
    if (*p == '{') {
        p++;
        prom_read_labels(c, line, &p, labels, sizeof labels, le, sizeof le);
    }
    PROM_REQUIRE(c, *p == ' ', "'%s': no value", line);
    double v = prom_read_value(c, p + 1);

    /* The series is new. */
    char key[520];
    snprintf(key, sizeof key, "%s{%s}%s", name, labels, le);
    for (size_t i = 0; i < c->n_series; i++) {
        PROM_REQUIRE(c, strcmp(c->series[i], key), "%s twice", key);
    }
    PROM_REQUIRE(c, c->n_series < sizeof c->series / sizeof c->series[0],
                 "too many series");
    snprintf(c->series[c->n_series++], sizeof c->series[0], "%s", key);

    /* It belongs to the family just declared. */
    struct prom_family *f = c->cur;
    PROM_REQUIRE(c, f != NULL && f->typed, "%s: no family declared", name);
    f->has_samples = true;
    if (strcmp(f->type, "histogram")) {
        PROM_REQUIRE(c, !strcmp(name, f->name), "%s in family %s", name,
                     f->name);
        PROM_REQUIRE(c, !le[0], "%s: le outside a histogram", name);
        if (!strcmp(f->type, "counter")) {
            PROM_REQUIRE(c, v >= 0, "counter %s is negative", name);
        }
        return;
    }

    size_t fn = strlen(f->name);
    PROM_REQUIRE(c, !strncmp(name, f->name, fn), "%s in family %s", name,
                 f->name);
    const char *suffix = name + fn;
    struct prom_hist *h = prom_hist(c, f->name, labels);
    if (!strcmp(suffix, "_bucket")) {
        PROM_REQUIRE(c, le[0], "%s without le", name);
        PROM_REQUIRE(c, !h->inf, "%s{%s}: bucket after +Inf", name, labels);
        double bound = prom_read_value(c, le);
        PROM_REQUIRE(c, bound > h->last_le, "%s{%s}: le %s not ascending",
                     name, labels, le);
        PROM_REQUIRE(c, !h->any_bucket || v >= h->last_bucket,
                     "%s{%s}: buckets not cumulative", name, labels);
        h->last_le = bound;
        h->last_bucket = v;
        h->any_bucket = true;
        if (isinf(bound)) {
            h->inf = true;
            h->inf_value = v;
        }
    } else if (!strcmp(suffix, "_sum")) {
        PROM_REQUIRE(c, h->inf && !le[0] && !h->sum, "%s{%s}: misplaced", name,
                     labels);
        h->sum = true;
    } else if (!strcmp(suffix, "_count")) {
        PROM_REQUIRE(c, h->sum && !le[0] && !h->count, "%s{%s}: misplaced",
                     name, labels);
        h->count = true;
        h->count_value = v;
    } else {
        PROM_REQUIRE(c, false, "%s in histogram %s", name, f->name);
    }
}

/* Checks all of 'text'.  Returns NULL if it is well-formed, else what is
 * wrong (static storage); '*n_fams' gets the number of families. */
static const char *
prom_check_text(const char *text, size_t *n_fams)
{
    static char error[512];
    struct prom_check *c = calloc(1, sizeof *c);
    char line[1024];

    ck_assert_ptr_nonnull(c);
    if (setjmp(c->fail)) {
        snprintf(error, sizeof error, "%s", c->error);
        free(c);
        return error;
    }
    size_t len = strlen(text);
    PROM_REQUIRE(c, len > 0 && text[len - 1] == '\n', "no final newline");
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        size_t n = (size_t) (end - p);
        PROM_REQUIRE(c, n > 0 && n < sizeof line, "empty or long line");
        memcpy(line, p, n);
        line[n] = '\0';
        if (line[0] == '#') {
            prom_comment(c, line);
        } else {
            prom_sample(c, line);
        }
        p = end + 1;
    }
    prom_close_family(c);
    if (n_fams != NULL) {
        *n_fams = c->n_fams;
    }
    free(c);
    return NULL;
}

/* The value of sample 'series' ("name{labels}" exactly as written). */
static double
prom_get(const char *text, const char *series)
{
    size_t n = strlen(series);

    for (const char *p = text; p && *p;) {
        if (!strncmp(p, series, n) && p[n] == ' ') {
            return strtod(p + n + 1, NULL);
        }
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    ck_abort_msg("no sample %s", series);
    return 0;
}

static bool
prom_has_family(const char *text, const char *name, const char *type)
{
    char want[256];

    snprintf(want, sizeof want, "# TYPE %s %s\n", name, type);
    return strstr(text, want) != NULL;
}

/* Scrapes /metrics, checks it, returns the text (malloc'd). */
static char *
scrape(void)
{
    struct tapi_http *h = tapi_http_start("GET", "/metrics", NULL, NULL);

    ck_assert_int_eq(tapi_http_wait(h), 200);
    ck_assert_str_eq(tapi_http_header(h, "Content-Type"),
                     "text/plain; version=0.0.4");
    char *text = strdup(tapi_http_body(h));
    ck_assert_ptr_nonnull(text);
    tapi_http_free(h);
    const char *error = prom_check_text(text, NULL);
    ck_assert_msg(error == NULL, "/metrics: %s", error);
    return text;
}

START_TEST(test_prom_checker)
{
    /* Each of these is wrong in one way. */
    static const char *const bad[] = {
        "a 1\n",                                           /* no family */
        "# HELP a A.\n# TYPE a gauge\na 1",                /* no newline */
        "# HELP a A.\n# TYPE a gauge\nb 1\n",              /* foreign */
        "# HELP a A.\n# HELP a A.\n# TYPE a gauge\na 1\n", /* HELP twice */
        "# TYPE a gauge\na 1\n",                           /* no HELP */
        "# HELP a A.\n# TYPE a counter\na 1\n",            /* no _total */
        "# HELP a A.\n# TYPE a gauge\na{x=1} 1\n",         /* unquoted */
        "# HELP a A.\n# TYPE a gauge\na{x=\"1\",} 1\n",    /* trailing , */
        "# HELP a A.\n# TYPE a gauge\na{x=\"\\t\"} 1\n",   /* bad escape */
        "# HELP a A.\n# TYPE a gauge\na{1x=\"1\"} 1\n",    /* label name */
        "# HELP a A.\n# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n",
        "# HELP a A.\n# TYPE a gauge\na 1\na 2\n",    /* twice */
        "# HELP a A.\n# TYPE a gauge\na one\n",       /* value */
        "# HELP a A.\n# TYPE a gauge\na 1 123\n",     /* timestamp */
        "# HELP a A.\n# TYPE a gauge\n\na 1\n",       /* empty line */
        "# HELP a A.\n# TYPE a gauge\n# note\na 1\n", /* comment */
        "# HELP a_total A.\n# TYPE a_total counter\na_total -1\n",
        "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
        "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", /* not cumul. */
        "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
        "h_sum 1\nh_count 1\n", /* no +Inf */
        "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\n"
        "h_sum 1\nh_count 3\n", /* +Inf != count */
        "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"2\"} 1\n"
        "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\n"
        "h_count 1\n", /* le order */
        "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\n"
        "h_count 1\n",                            /* no _sum */
        "# HELP h H.\n# TYPE h histogram\nh 1\n", /* bare name */
        "# HELP a A.\n# TYPE a gauge\n# HELP b B.\n# TYPE b gauge\na 1\n",
        "# HELP a A.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b gauge\n"
        "# HELP a A.\n",                        /* a again */
        "# HELP a A.\n# TYPE a summary\na 1\n", /* not ours */
    };
    size_t n;

    ck_assert_ptr_null(prom_check_text(
        "# HELP a_total A \\\\ \\n.\n# TYPE a_total counter\n"
        "a_total{x=\"1\",y=\"q\\\"\\n\\\\\"} 3\na_total{x=\"2\"} 0\n"
        "# HELP h H.\n# TYPE h histogram\n"
        "h_bucket{k=\"v\",le=\"0.5\"} 1\nh_bucket{k=\"v\",le=\"+Inf\"} 2\n"
        "h_sum{k=\"v\"} 0.7\nh_count{k=\"v\"} 2\n"
        "h_bucket{k=\"w\",le=\"0.5\"} 0\nh_bucket{k=\"w\",le=\"+Inf\"} 0\n"
        "h_sum{k=\"w\"} 0\nh_count{k=\"w\"} 0\n"
        "# HELP e Empty.\n# TYPE e gauge\n"
        "# HELP g G.\n# TYPE g gauge\ng -1.5e-3\n",
        &n));
    ck_assert_uint_eq(n, 4);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(prom_check_text(bad[i], NULL) != NULL,
                      "accepted bad text %zu", i);
    }
}
END_TEST

START_TEST(test_metrics_empty)
{
    tapi_setup(NULL, NULL);
    char *text = scrape();

    ck_assert_double_eq(
        prom_get(text, "sluice_build_info{version=\"" PACKAGE_VERSION "\"}"),
        1);
    ck_assert_double_eq(prom_get(text, "sluice_switches"), 0);
    ck_assert(prom_get(text, "sluice_uptime_seconds") >= 0);
    ck_assert_double_eq(prom_get(text, "sluice_messages_received_total"
                                       "{type=\"PACKET_IN\"}"),
                        0);
    ck_assert_double_eq(prom_get(text, "sluice_messages_sent_total"
                                       "{type=\"OTHER\"}"),
                        0);
    ck_assert_double_eq(prom_get(text, "sluice_errors_received_total"
                                       "{type=\"OFPET_BAD_REQUEST\"}"),
                        0);
    ck_assert_double_eq(prom_get(text, "sluice_rest_connections"), 1);
    ck_assert_double_eq(
        prom_get(text, "sluice_rest_connections_evicted_total"), 0);
    ck_assert_double_eq(prom_get(text, "sluice_xacts_open"), 0);
    ck_assert_double_eq(prom_get(text, "sluice_barrier_rtt_seconds_count"), 0);
    /* The app families are declared even without apps. */
    ck_assert(prom_has_family(text, "sluice_app_events_total", "counter"));
    ck_assert(
        prom_has_family(text, "sluice_app_handler_seconds_total", "counter"));
    ck_assert(prom_has_family(text, "sluice_loop_lag_seconds", "histogram"));
    ck_assert(prom_has_family(text, "sluice_loop_lag_max_seconds", "gauge"));
    ck_assert(prom_has_family(text, "sluice_rest_requests_total", "counter"));
    free(text);

    /* The first scrape is counted by the second. */
    text = scrape();
    ck_assert(prom_get(text, "sluice_rest_requests_total{code=\"200\"}") >= 1);
    free(text);

    /* HEAD works too (same headers, no body). */
    struct tapi_http *h = tapi_http_start("HEAD", "/metrics", NULL, NULL);
    ck_assert_int_eq(tapi_http_wait(h), 200);
    ck_assert_str_eq(tapi_http_body(h), "");
    tapi_http_free(h);
    tapi_teardown();
}
END_TEST

START_TEST(test_metrics_move)
{
    tapi_setup(NULL, APPS);
    struct fsw *s = tapi_switch(7);
    char *before = scrape();

    send_packet_ins(s, 5);
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_ERROR, 4242);
    m.error.type = OFPET_BAD_REQUEST;
    m.error.code = 1;
    fsw_send(s, &m);
    ck_assert(
        LOOP_UNTIL(tapi.ctl.dps.rx_errors_by_type[OFPET_BAD_REQUEST] == 1));
    /* Let the loop-lag timer tick at least once. */
    ck_assert(LOOP_UNTIL(tapi.ctl.lag.count > 0));

    char *after = scrape();
    static const char pi[] =
        "sluice_messages_received_total{type=\"PACKET_IN\"}";
    ck_assert_double_eq(prom_get(after, pi), prom_get(before, pi) + 5);
    ck_assert_double_eq(prom_get(after, "sluice_packet_ins_total"),
                        prom_get(before, "sluice_packet_ins_total") + 5);
    ck_assert_double_eq(prom_get(after, "sluice_errors_received_total"
                                        "{type=\"OFPET_BAD_REQUEST\"}"),
                        1);
    /* The hub answered each PACKET_IN with a PACKET_OUT. */
    ck_assert(LOOP_UNTIL(tapi.ctl.dps.tx_by_type[OFPT_PACKET_OUT] == 5));
    free(after);
    after = scrape();
    ck_assert_double_eq(prom_get(after, "sluice_messages_sent_total"
                                        "{type=\"PACKET_OUT\"}"),
                        5);
    ck_assert_double_eq(prom_get(after, "sluice_switches"), 1);
    ck_assert(prom_get(after, "sluice_flow_mods_total") >= SL_N_TABLES);
    ck_assert(prom_get(after, "sluice_barriers_total") >= 1);
    ck_assert(prom_get(after, "sluice_reconciliations_total") >= 1);
    ck_assert(prom_get(after, "sluice_connections_accepted_total") >= 0);
    ck_assert(prom_get(after, "sluice_loop_lag_seconds_count") >= 1);
    ck_assert_double_eq(prom_get(after, "sluice_app_events_total"
                                        "{app=\"rest-app\","
                                        "event=\"packet_in\"}"),
                        5);
    ck_assert_double_eq(prom_get(after, "sluice_app_events_total"
                                        "{app=\"hub\",event=\"switch_up\"}"),
                        1);
    ck_assert(prom_get(after, "sluice_app_handler_seconds_total"
                              "{app=\"hub\",event=\"packet_in\"}") >= 0);
    free(before);
    free(after);
    tapi_teardown();
}
END_TEST

/* sluice_switch_packet_in_dropped_total: one series per connected switch,
 * each its own session's drops, which add up to the global counter; a
 * switch that goes takes its series with it. */
START_TEST(test_metrics_switch_drops)
{
    static const char fam[] = "sluice_switch_packet_in_dropped_total";
    static const char a_series[] =
        "sluice_switch_packet_in_dropped_total{dpid=\"0000000000000007\"}";
    static const char b_series[] =
        "sluice_switch_packet_in_dropped_total{dpid=\"00000000005c0001\"}";

    tapi_setup(NULL, NULL);
    char *text = scrape();
    /* Declared without switches, with no series. */
    ck_assert(prom_has_family(text, fam, "counter"));
    ck_assert_ptr_null(strstr(text, "dropped_total{dpid="));
    free(text);

    struct fsw *a = tapi_switch(7);
    struct fsw *b = tapi_switch(UINT64_C(0x5c0001));
    text = scrape();
    ck_assert_double_eq(prom_get(text, a_series), 0);
    ck_assert_double_eq(prom_get(text, b_series), 0);
    free(text);

    /* A budget of one packet-in a second: 'a' floods (20 in far less than
     * the 19 s it would take to earn them), 'b' sends one. */
    struct sl_dp_settings settings = tapi.ctl.dps.settings;
    settings.packet_in_rate = 1;
    sl_datapaths_configure(&tapi.ctl.dps, &settings);
    send_packet_ins(a, 20);
    send_packet_ins(b, 1);
    uint64_t dropped =
        sl_datapath_packet_in_dropped(sl_datapaths_find(&tapi.ctl.dps, 7));
    ck_assert_uint_ge(dropped, 1);
    ck_assert_uint_eq(tapi.ctl.dps.n_packet_in_dropped, dropped);

    text = scrape();
    ck_assert_double_eq(prom_get(text, a_series), (double) dropped);
    ck_assert_double_eq(prom_get(text, b_series), 0);
    ck_assert_double_eq(prom_get(text, "sluice_packet_in_dropped_total"),
                        (double) dropped);
    /* In dpid order. */
    const char *pa = strstr(text, a_series), *pb = strstr(text, b_series);
    ck_assert(pa != NULL && pb != NULL && pa < pb);
    free(text);

    /* 'a' goes: its series goes, the global counter stays. */
    bufferevent_free(a->bev);
    a->bev = NULL;
    ck_assert(LOOP_UNTIL(tapi.ctl.dps.n_ready == 1));
    text = scrape();
    ck_assert_ptr_null(strstr(text, "dpid=\"0000000000000007\""));
    ck_assert_double_eq(prom_get(text, b_series), 0);
    ck_assert_double_eq(prom_get(text, "sluice_packet_in_dropped_total"),
                        (double) dropped);
    free(text);
    tapi_teardown();
}
END_TEST

/* ---- events: a raw HTTP/1.1 client of the event stream ---- */

struct sse {
    struct bufferevent *bev;
    char *raw; /* everything received, NUL-terminated */
    size_t len;
    bool eof;
    size_t n_events; /* events returned by sse_next() */
};

static void
sse_take(struct sse *c, struct evbuffer *in)
{
    size_t n = evbuffer_get_length(in);

    c->raw = realloc(c->raw, c->len + n + 1);
    ck_assert_ptr_nonnull(c->raw);
    evbuffer_remove(in, c->raw + c->len, n);
    c->len += n;
    c->raw[c->len] = '\0';
}

static void
sse_read_cb(struct bufferevent *bev, void *c_)
{
    sse_take(c_, bufferevent_get_input(bev));
}

static void
sse_event_cb(struct bufferevent *bev, short what, void *c_)
{
    struct sse *c = c_;

    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        sse_take(c, bufferevent_get_input(bev));
        c->eof = true;
    }
}

/* The body received so far with the chunked encoding undone (malloc'd):
 * whole chunks only. */
static char *
sse_body(struct sse *c)
{
    const char *raw = c->raw ? c->raw : "";
    size_t len = c->len;
    char *body = malloc(len + 1);
    size_t n = 0;

    ck_assert_ptr_nonnull(body);
    const char *p = strstr(raw, "\r\n\r\n");
    ck_assert_ptr_nonnull(p);
    p += 4;
    while (*p) {
        char *end;
        unsigned long size = strtoul(p, &end, 16);
        if (end == p || strncmp(end, "\r\n", 2)) {
            break;
        }
        const char *data = end + 2;
        if ((size_t) (raw + len - data) < size + 2) {
            break;
        }
        ck_assert(!strncmp(data + size, "\r\n", 2));
        memcpy(body + n, data, size);
        n += size;
        p = data + size + 2;
        if (size == 0) {
            break;
        }
    }
    body[n] = '\0';
    return body;
}

/* Opens the event stream of the server at 'port'; returns once the
 * response's headers arrived (and checks them). */
static struct sse *
sse_open(uint16_t port)
{
    static const char request[] = "GET /api/v1/events HTTP/1.1\r\n"
                                  "Host: 127.0.0.1\r\n\r\n";
    struct sse *c = calloc(1, sizeof *c);
    struct sockaddr_in sin;

    ck_assert_ptr_nonnull(c);
    c->bev = bufferevent_socket_new(tapi.base, -1, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(c->bev, sse_read_cb, NULL, sse_event_cb, c);
    bufferevent_enable(c->bev, EV_READ);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bufferevent_socket_connect(
                         c->bev, (struct sockaddr *) &sin, sizeof sin),
                     0);
    bufferevent_write(c->bev, request, sizeof request - 1);
    ck_assert(LOOP_UNTIL(c->eof || (c->raw && strstr(c->raw, "\r\n\r\n"))));
    const char *raw = c->raw ? c->raw : "";
    ck_assert_msg(!strncmp(raw, "HTTP/1.1 200 ", 13), "%s", raw);
    ck_assert_msg(strstr(raw, "Content-Type: text/event-stream\r\n"), "%s",
                  raw);
    ck_assert_msg(strstr(raw, "Transfer-Encoding: chunked\r\n"), "%s", raw);
    return c;
}

static void
sse_close(struct sse *c)
{
    bufferevent_free(c->bev);
    free(c->raw);
    free(c);
}

/* Counts the heartbeat comments received. */
static size_t
sse_heartbeats(struct sse *c)
{
    char *body = sse_body(c);
    size_t n = 0;

    for (const char *p = body; (p = strstr(p, ": hb\n\n")) != NULL; p++) {
        n++;
    }
    free(body);
    return n;
}

/* Returns the 'i'-th event block of the body (malloc'd), or NULL. */
static char *
sse_block(struct sse *c, size_t i)
{
    char *body = sse_body(c);
    char *p = body, *out = NULL;
    size_t k = 0;

    for (;;) {
        char *end = strstr(p, "\n\n");
        if (end == NULL) {
            break;
        }
        if (p[0] != ':') {
            if (k++ == i) {
                out = strndup(p, (size_t) (end - p));
                break;
            }
        }
        p = end + 2;
    }
    free(body);
    return out;
}

/* Waits for the next event; checks its name is 'type' and returns its
 * data as JSON (checked: "type", "time", "dpid"). */
static json_t *
sse_next(struct sse *c, const char *type, uint64_t dpid)
{
    char *block = NULL;
    char want_dpid[17];

    ck_assert_msg(
        LOOP_UNTIL((free(block), block = sse_block(c, c->n_events)) != NULL),
        "no event %s", type);
    c->n_events++;

    char head[64];
    snprintf(head, sizeof head, "event: %s\ndata: ", type);
    ck_assert_msg(!strncmp(block, head, strlen(head)), "want %s, got '%s'",
                  type, block);
    const char *data = block + strlen(head);
    ck_assert_msg(!strchr(data, '\n'), "data on two lines: '%s'", block);
    json_error_t e;
    json_t *j = json_loads(data, 0, &e);
    ck_assert_msg(j != NULL, "bad JSON '%s': %s", data, e.text);
    free(block);

    ck_assert_str_eq(test_json_str(j, "type"), type);
    const char *when = test_json_str(j, "time");
    assert_regex(when, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
                       "[0-9]{2}\\.[0-9]{3}Z$");
    assert_recent(when);
    snprintf(want_dpid, sizeof want_dpid, "%016llx",
             (unsigned long long) dpid);
    ck_assert_str_eq(test_json_str(j, "dpid"), want_dpid);
    return j;
}

/* A handshake whose first table-miss FLOW_MOD the switch refuses. */
static struct fsw *
switch_refusing_a_flow(uint64_t dpid)
{
    char name[32];
    bool refused = false;

    snprintf(name, sizeof name, "sw%llx", (unsigned long long) dpid);
    struct fsw *s = fsw_connect(name, NULL, NULL);
    fsw_handshake(s, dpid);
    while (!sl_flowprog_is_synced(tapi.ctl.flowprog, dpid)) {
        struct ofp_msg m, r;

        fsw_next(s, &m);
        switch (m.type) {
        case OFPT_FLOW_MOD:
            if (!refused) {
                refused = true;
                ofp_msg_init(&r, OFPT_ERROR, m.xid);
                r.error.type = OFPET_FLOW_MOD_FAILED;
                r.error.code = 1; /* OFPFMFC_TABLE_FULL */
                fsw_send(s, &r);
            }
            break;
        case OFPT_BARRIER_REQUEST:
            ofp_msg_init(&r, OFPT_BARRIER_REPLY, m.xid);
            fsw_send(s, &r);
            LOOP_UNTIL(sl_flowprog_is_synced(tapi.ctl.flowprog, dpid));
            break;
        case OFPT_MULTIPART_REQUEST:
            ofp_msg_init(&r, OFPT_MULTIPART_REPLY, m.xid);
            r.mp_reply.type = OFPMP_FLOW;
            fsw_send(s, &r);
            break;
        default:
            ck_abort_msg("unexpected %s", ofp_type_name(m.type));
        }
    }
    ck_assert(refused);
    return s;
}

START_TEST(test_events)
{
    json_t *j;

    tapi_setup(NULL, NULL);
    struct sse *c = sse_open(tapi.port);
    ck_assert_uint_eq(rest_server_stats(rest_api_server(tapi.api))->streams,
                      1);

    struct fsw *s = tapi_switch(0x11);
    j = sse_next(c, "switch_up", 0x11);
    ck_assert_str_eq(test_json_str(j, "address"), "sw11");
    ck_assert_uint_eq(json_object_size(j), 4);
    json_decref(j);

    fsw_send_port_status(s, OFPPR_ADD, 7, "p7", true);
    fsw_send_port_status(s, OFPPR_MODIFY, OFPP_LOCAL, "br0", false);
    fsw_send_port_status(s, OFPPR_DELETE, 2, "eth2", false);
    j = sse_next(c, "port_status", 0x11);
    ck_assert_int_eq(test_json_int(j, "port_no"), 7);
    ck_assert_str_eq(test_json_str(j, "name"), "p7");
    ck_assert_str_eq(test_json_str(j, "reason"), "add");
    ck_assert(!test_json_bool(j, "up"));
    ck_assert_uint_eq(json_object_size(j), 7);
    json_decref(j);
    j = sse_next(c, "port_status", 0x11);
    ck_assert_str_eq(test_json_str(j, "port_no"), "LOCAL");
    ck_assert_str_eq(test_json_str(j, "reason"), "modify");
    ck_assert(test_json_bool(j, "up"));
    json_decref(j);
    j = sse_next(c, "port_status", 0x11);
    ck_assert_int_eq(test_json_int(j, "port_no"), 2);
    ck_assert_str_eq(test_json_str(j, "reason"), "delete");
    json_decref(j);

    /* An error the switch sent on its own. */
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_ERROR, 4242);
    m.error.type = OFPET_BAD_REQUEST;
    m.error.code = 1;
    fsw_send(s, &m);
    j = sse_next(c, "switch_error", 0x11);
    ck_assert_int_eq(test_json_int(j, "xid"), 4242);
    ck_assert_str_eq(test_json_str(j, "error"), "OFPBRC_BAD_TYPE");
    ck_assert_int_eq(test_json_int(j, "err_type"), OFPET_BAD_REQUEST);
    ck_assert_int_eq(test_json_int(j, "code"), 1);
    ck_assert_uint_eq(json_object_size(j), 7);
    json_decref(j);

    /* A flow the switch refused. */
    switch_refusing_a_flow(0x12);
    j = sse_next(c, "switch_up", 0x12);
    json_decref(j);
    j = sse_next(c, "flow_error", 0x12);
    ck_assert_str_eq(test_json_str(j, "owner"), "sluice");
    ck_assert_int_eq(test_json_int(j, "priority"), 0);
    ck_assert(test_json_int(j, "table_id") < SL_N_TABLES);
    ck_assert_str_eq(test_json_str(j, "error"), "OFPFMFC_TABLE_FULL");
    ck_assert_int_eq(test_json_int(j, "err_type"), OFPET_FLOW_MOD_FAILED);
    ck_assert_int_eq(test_json_int(j, "code"), 1);
    ck_assert_uint_eq(json_object_size(j), 9);
    json_decref(j);

    /* The switch goes away. */
    bufferevent_free(s->bev);
    s->bev = NULL;
    j = sse_next(c, "switch_down", 0x11);
    ck_assert_str_ne(test_json_str(j, "reason"), "");
    ck_assert_uint_eq(json_object_size(j), 4);
    json_decref(j);

    /* Nothing else came (no heartbeat in so short a time either). */
    char *extra = sse_block(c, c->n_events);
    ck_assert_msg(extra == NULL, "unexpected '%s'", extra);
    ck_assert_uint_eq(sse_heartbeats(c), 0);

    /* HEAD gets the headers and an ended stream. */
    struct tapi_http *h =
        tapi_http_start("HEAD", "/api/v1/events", NULL, NULL);
    ck_assert_int_eq(tapi_http_wait(h), 200);
    ck_assert_str_eq(tapi_http_header(h, "Content-Type"), "text/event-stream");
    tapi_http_free(h);

    /* A client that goes away is forgotten. */
    sse_close(c);
    ck_assert(LOOP_UNTIL(
        rest_server_stats(rest_api_server(tapi.api))->streams == 0));
    tapi_switch(0x13); /* an event with no stream open */
    tapi_teardown();
}
END_TEST

/* A second server and native module on the fixture's controller, with
 * 'max_queued' bytes per stream; the module is the observer meanwhile. */
static struct rest_server *own_server;
static struct rest_native *own_native;

static void
own_api(size_t max_queued)
{
    struct rest_server_config cfg;
    char err[256];
    int error;

    memset(&cfg, 0, sizeof cfg);
    cfg.address = "127.0.0.1";
    rest_server_limits_default(&cfg.limits);
    cfg.limits.stream_max_queued = max_queued;
    own_server = rest_server_create(tapi.base, &cfg, err, sizeof err);
    ck_assert_msg(own_server != NULL, "%s", err);
    own_native = rest_native_create(own_server, &tapi.ctl, &error);
    ck_assert_ptr_nonnull(own_native);
}

static void
own_api_destroy(void)
{
    rest_server_destroy(own_server);
    rest_native_destroy(own_native);
    ck_assert_ptr_null(tapi.ctl.observer);
}

START_TEST(test_events_heartbeat)
{
    tapi_setup(NULL, NULL);
    own_api(1024 * 1024);
    rest_native_set_heartbeat(own_native, 0.05);

    struct sse *c = sse_open(rest_server_port(own_server));
    struct sse *c2 = sse_open(rest_server_port(own_server));
    ck_assert(LOOP_UNTIL(sse_heartbeats(c) >= 3 && sse_heartbeats(c2) >= 3));
    sse_close(c2);

    /* Events and heartbeats interleave as whole blocks. */
    tapi_switch(5);
    json_t *j = sse_next(c, "switch_up", 5);
    json_decref(j);

    /* A longer interval, applied at once. */
    rest_native_set_heartbeat(own_native, 30);
    test_loop_run_for(tapi.base, 0.2); /* what was sent arrives */
    size_t n = sse_heartbeats(c);
    test_loop_run_for(tapi.base, 0.3);
    ck_assert_uint_eq(sse_heartbeats(c), n);

    /* Destroying the server closes the stream; the module goes after. */
    own_api_destroy();
    ck_assert(LOOP_UNTIL(c->eof));
    sse_close(c);
    tapi_teardown();
}
END_TEST

START_TEST(test_events_slow_consumer_dropped)
{
    tapi_setup(NULL, NULL);
    own_api(1024);

    struct fsw *s = tapi_switch(6);
    struct sse *c = sse_open(rest_server_port(own_server));

    /* A burst of port changes arrives in one read: the events queue up
     * faster than the socket takes them, past the 1 KiB limit. */
    for (int i = 0; i < 40; i++) {
        fsw_send_port_status(s, OFPPR_MODIFY, 1, "a-long-port-name", i % 2);
    }
    ck_assert(LOOP_UNTIL(c->eof));
    const struct rest_server_stats *st = rest_server_stats(own_server);
    ck_assert_uint_eq(st->dropped_streams, 1);
    ck_assert_uint_eq(st->streams, 0);

    /* The module forgot it: later events go nowhere, and a new stream
     * works. */
    fsw_send_port_status(s, OFPPR_MODIFY, 1, "eth1", false);
    struct sse *c2 = sse_open(rest_server_port(own_server));
    fsw_send_port_status(s, OFPPR_MODIFY, 2, "eth2", false);
    json_t *j = sse_next(c2, "port_status", 6);
    ck_assert_int_eq(test_json_int(j, "port_no"), 2);
    json_decref(j);

    sse_close(c);
    own_api_destroy();
    ck_assert(LOOP_UNTIL(c2->eof));
    sse_close(c2);
    tapi_teardown();
}
END_TEST

static void
dummy_handler(struct rest_req *req, void *aux)
{
    (void) aux;
    rest_reply_json(req, 200, NULL);
}

static void
count_owned(unsigned methods, const char *pattern, const char *owner, void *n_)
{
    size_t *n = n_;

    (void) methods;
    (void) pattern;
    *n += owner != NULL;
}

START_TEST(test_create_fails_on_a_refused_app_route)
{
    struct rest_server_config cfg;
    char err[256];
    int error;

    tapi_setup(NULL, APPS);
    void *observer_aux = tapi.ctl.observer_aux;
    memset(&cfg, 0, sizeof cfg);
    cfg.address = "127.0.0.1";
    rest_server_limits_default(&cfg.limits);
    struct rest_server *server =
        rest_server_create(tapi.base, &cfg, err, sizeof err);
    ck_assert_ptr_nonnull(server);

    /* The app's root is taken: its routes are refused, all of them. */
    fsw_logs_capture();
    ck_assert_int_eq(rest_route_add(server, REST_GET, "/api/v1/apps/rest-app",
                                    dummy_handler, NULL, NULL),
                     0);
    ck_assert_ptr_null(rest_native_create(server, &tapi.ctl, &error));
    ck_assert_int_eq(error, EEXIST);
    ck_assert(fsw_log_has("app 'rest-app'", "/api/v1/apps/rest-app"));
    size_t n = 0;
    rest_route_foreach(server, count_owned, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_eq(tapi.ctl.observer_aux, observer_aux);
    rest_server_destroy(server);

    /* The fixture's API is untouched. */
    json_t *j;
    ck_assert_int_eq(
        tapi_request("GET", "/api/v1/apps/rest-app", NULL, NULL, &j), 200);
    json_decref(j);
    tapi_teardown();
}
END_TEST

static Suite *
rest_native_suite(void)
{
    Suite *s = suite_create("rest-native");
    TCase *tc;

    tc = tcase_create("views");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_health);
    tcase_add_test(tc, test_topology_without_discovery);
    tcase_add_test(tc, test_switches_list);
    tcase_add_test(tc, test_switch_by_dpid);
    tcase_add_test(tc, test_apps_list);
    suite_add_tcase(s, tc);

    tc = tcase_create("app-routes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_app_routes);
    tcase_add_test(tc, test_create_fails_on_a_refused_app_route);
    suite_add_tcase(s, tc);

    tc = tcase_create("metrics");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_prom_checker);
    tcase_add_test(tc, test_metrics_empty);
    tcase_add_test(tc, test_metrics_move);
    tcase_add_test(tc, test_metrics_switch_drops);
    suite_add_tcase(s, tc);

    tc = tcase_create("events");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_events);
    tcase_add_test(tc, test_events_heartbeat);
    tcase_add_test(tc, test_events_slow_consumer_dropped);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(rest_native_suite());
}
