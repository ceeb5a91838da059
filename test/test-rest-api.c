/* test-rest-api: the REST API's wiring into a real controller -- server
 * from the config (HTTP and HTTPS), requests to switches routed to their
 * xacts before anything else, the observer hook, message counters, the
 * event-loop lag timer and the REST flow owner.  The routes themselves are
 * tested by test-rest-ryu and test-rest-native on the same fixture. */
#include <config.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "controller/apphost.h"
#include "ofproto/ofp-multipart.h"
#include "test/test-api.h"
#include "test/test-loop.h"
#include "test/test-tls.h"
#include "test/test-util.h"

#define DPID 0x00000000000000a1ULL

static void
setup(void)
{
    tapi_setup(NULL, NULL);
}

static void
teardown(void)
{
    tapi_teardown();
}

START_TEST(test_unknown_route_is_json_404)
{
    json_t *j;

    ck_assert_int_eq(tapi_request("GET", "/no/such/route", NULL, NULL, &j),
                     404);
    ck_assert_ptr_nonnull(json_object_get(j, "error"));
    json_decref(j);
}
END_TEST

START_TEST(test_counters_follow_the_handshake)
{
    const struct sl_datapaths *dps = &tapi.ctl.dps;

    tapi_switch(DPID);
    ck_assert_uint_eq(dps->n_ready, 1);
    ck_assert_uint_eq(dps->rx_by_type[OFPT_HELLO], 1);
    ck_assert_uint_eq(dps->rx_by_type[OFPT_FEATURES_REPLY], 1);
    ck_assert_uint_eq(dps->tx_by_type[OFPT_HELLO], 1);
    ck_assert_uint_eq(dps->tx_by_type[OFPT_FEATURES_REQUEST], 1);
    ck_assert_uint_ge(dps->tx_by_type[OFPT_FLOW_MOD], SL_N_TABLES);
    ck_assert_uint_ge(dps->rx_by_type[OFPT_BARRIER_REPLY], 1);
    ck_assert_double_gt(sl_datapath_ready_since(
                            sl_datapaths_find(&tapi.ctl.dps, DPID)),
                        1.7e9);
}
END_TEST

static enum sl_xact_status xact_status;
static int xact_calls;

static void
xact_cb(enum sl_xact_status status, const struct ofp_msg *reply, bool more,
        void *aux)
{
    (void) aux;
    (void) more;
    xact_status = status;
    xact_calls++;
    if (status == SL_XACT_REPLY) {
        ck_assert_int_eq(reply->mp_reply.type, OFPMP_DESC);
    }
}

START_TEST(test_replies_reach_their_xact)
{
    struct fsw *s = tapi_switch(DPID);
    struct ofp_msg req, m;
    int error;

    ofp_msg_init(&req, OFPT_MULTIPART_REQUEST, 0);
    req.mp_request.type = OFPMP_DESC;
    xact_calls = 0;
    ck_assert_ptr_nonnull(sl_xact_start(tapi.ctl.xacts, DPID, &req, 5.0,
                                        xact_cb, NULL, &error));
    fsw_expect(s, OFPT_MULTIPART_REQUEST, &m);
    fsw_send_desc(s, m.xid);
    ck_assert(TEST_LOOP_UNTIL(tapi.base, xact_calls > 0, FSW_STEP_TIMEOUT));
    ck_assert_int_eq(xact_status, SL_XACT_REPLY);
    ck_assert_uint_eq(sl_xacts_count(tapi.ctl.xacts), 0);

    /* A switch that goes away ends its xacts. */
    xact_calls = 0;
    ck_assert_ptr_nonnull(sl_xact_start(tapi.ctl.xacts, DPID, &req, 5.0,
                                        xact_cb, NULL, &error));
    sl_datapath_close(s->dp, "test");
    ck_assert(TEST_LOOP_UNTIL(tapi.base, xact_calls > 0, FSW_STEP_TIMEOUT));
    ck_assert_int_eq(xact_status, SL_XACT_GONE);
    ck_assert_uint_eq(sl_xacts_count(tapi.ctl.xacts), 0);
}
END_TEST

static struct {
    int n[SL_EV_N_TYPES];
    char down_reason[128];
    char flow_owner[64];
} seen;

static void
observer(void *aux, const struct sl_event *ev, const char *detail)
{
    (void) aux;
    seen.n[ev->type]++;
    if (ev->type == SL_EV_SWITCH_DOWN) {
        snprintf(seen.down_reason, sizeof seen.down_reason, "%s",
                 detail ? detail : "(null)");
    } else if (ev->type == SL_EV_ERROR && ev->error.flow != NULL) {
        snprintf(seen.flow_owner, sizeof seen.flow_owner, "%s", detail);
    }
}

START_TEST(test_observer_sees_switch_events)
{
    memset(&seen, 0, sizeof seen);
    sl_controller_set_observer(&tapi.ctl, observer, NULL);
    struct fsw *s = tapi_switch(DPID);
    ck_assert_int_eq(seen.n[SL_EV_SWITCH_UP], 1);

    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_PORT_STATUS, 0);
    m.port_status.reason = OFPPR_MODIFY;
    m.port_status.desc = fsw_make_port(2, "p2");
    m.port_status.desc.state = OFPPS_LINK_DOWN;
    fsw_send(s, &m);
    ofp_msg_init(&m, OFPT_ERROR, 4242);
    m.error.type = OFPET_BAD_REQUEST;
    m.error.code = 1;
    fsw_send(s, &m);
    ck_assert(TEST_LOOP_UNTIL(tapi.base, seen.n[SL_EV_ERROR] == 1,
                              FSW_STEP_TIMEOUT));
    ck_assert_int_eq(seen.n[SL_EV_PORT_STATUS], 1);
    ck_assert_uint_eq(tapi.ctl.dps.rx_errors_by_type[OFPET_BAD_REQUEST], 1);

    sl_datapath_close(s->dp, "closed by the test");
    ck_assert(TEST_LOOP_UNTIL(tapi.base, seen.n[SL_EV_SWITCH_DOWN] == 1,
                              FSW_STEP_TIMEOUT));
    ck_assert_str_eq(seen.down_reason, "closed by the test");
    sl_controller_set_observer(&tapi.ctl, NULL, NULL);
}
END_TEST

START_TEST(test_loop_lag_is_measured)
{
    test_loop_run_for(tapi.base, 3 * SL_LAG_INTERVAL);
    ck_assert_uint_ge(tapi.ctl.lag.count, 1);
    ck_assert_double_ge(tapi.ctl.lag.max, tapi.ctl.lag.last);
    uint64_t in_buckets = 0;
    for (int i = 0; i < SL_LAG_N_BOUNDS; i++) {
        in_buckets += tapi.ctl.lag.buckets[i];
    }
    ck_assert_uint_le(in_buckets, tapi.ctl.lag.count);
}
END_TEST

START_TEST(test_rest_flow_owner)
{
    uint16_t rest = sl_apps_owner_rest();

    ck_assert_uint_eq(rest, sl_apps_owner_id("rest"));
    ck_assert_str_eq(sl_apps_owner_name(tapi.ctl.apps, rest), "rest");
    ck_assert(sl_apps_owner_adopts(tapi.ctl.apps, rest));
}
END_TEST

/* An app may not take the REST API's owner id. */
START_TEST(test_app_named_rest_is_refused)
{
    static const char text[] = "apps: [{name: rest}]\n";
    struct sl_controller ctl;
    struct sl_config cfg;
    char err[256];
    struct event_base *base = event_base_new();

    ck_assert_int_eq(sl_config_load_string(text, strlen(text), "t", &cfg,
                                           err, sizeof err),
                     0);
    ck_assert_int_ne(sl_controller_init(&ctl, base, &cfg, NULL, "/nowhere",
                                        err, sizeof err),
                     0);
    ck_assert_msg(strstr(err, "REST API") != NULL, "%s", err);
    event_base_free(base);
}
END_TEST

START_TEST(test_https_needs_tls_settings)
{
    static const char bad[] = "rest: {https: true}\n";
    struct sl_config cfg;
    char err[256];

    ck_assert_int_ne(sl_config_load_string(bad, strlen(bad), "t", &cfg, err,
                                           sizeof err),
                     0);
    ck_assert_msg(strstr(err, "rest.https") != NULL, "%s", err);
}
END_TEST

START_TEST(test_https_serves_with_the_switch_certificate)
{
    char *dir = test_tls_make_temp();
    char text[2048], err[256];
    struct sl_config cfg;
    struct sl_controller ctl;
    struct event_base *base = event_base_new();

    snprintf(text, sizeof text,
             "openflow:\n  listen: []\n  tls:\n"
             "    certificate: %s\n    private_key: %s\n"
             "    ca_certificate: %s\n"
             "rest: {listen: \"127.0.0.1:0\", https: true}\napps: []\n",
             test_tls_path(dir, "server.crt"), test_tls_path(dir, "server.key"),
             test_tls_path(dir, "ca.crt"));
    ck_assert_msg(!sl_config_load_string(text, strlen(text), "t", &cfg, err,
                                         sizeof err),
                  "%s", err);
    ck_assert_msg(!sl_controller_init(&ctl, base, &cfg, NULL, "/nowhere",
                                      err, sizeof err),
                  "%s", err);
    struct rest_api *api = rest_api_start(&ctl, err, sizeof err);
    ck_assert_msg(api != NULL, "%s", err);
    ck_assert_msg(!strncmp(rest_server_url(rest_api_server(api)), "https://",
                           8),
                  "%s", rest_server_url(rest_api_server(api)));
    rest_api_destroy(api);
    sl_controller_uninit(&ctl);
    event_base_free(base);
    test_tls_rmdir(dir);
    free(dir);
}
END_TEST

static Suite *
rest_api_suite(void)
{
    Suite *s = suite_create("rest-api");
    TCase *tc = tcase_create("wiring");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_unknown_route_is_json_404);
    tcase_add_test(tc, test_counters_follow_the_handshake);
    tcase_add_test(tc, test_replies_reach_their_xact);
    tcase_add_test(tc, test_observer_sees_switch_events);
    tcase_add_test(tc, test_loop_lag_is_measured);
    tcase_add_test(tc, test_rest_flow_owner);
    suite_add_tcase(s, tc);

    tc = tcase_create("config");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_app_named_rest_is_refused);
    tcase_add_test(tc, test_https_needs_tls_settings);
    tcase_add_test(tc, test_https_serves_with_the_switch_certificate);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(rest_api_suite());
}
