/* Unit tests of controller/datapath.c: the switch session state machine.
 *
 * Each test plays one or more fake switches (test/fake-switch.h) in the
 * test's own event loop: a socketpair (or, for the pinning tests, a TLS
 * session over it) whose controller end is wrapped by sl_conn_create_fd()
 * and handed to sl_datapath_create(), and whose switch end is a bufferevent
 * scripted by the test.  The switch decodes what the controller sends with
 * ofp_msg_decode() and answers with ofp_msg_encode()d messages.  The loop
 * runs until a condition holds or a deadline passes; time-driven behaviour
 * (keepalive, handshake deadline, packet-in budget) uses short settings
 * instead of sleeps.  Log lines are captured through sl_log_set_sink() to
 * check the reasons of sessions that end before 'ready'. */
#include <config.h>
#include "controller/datapath.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/ssl.h>
#include "controller/conn.h"
#include "controller/log.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-packet.h"
#include "test/fake-switch.h"
#include "test/test-tls.h"
#include "test/test-loop.h"
#include "test/test-util.h"

/* How long a step may take before the test fails (generous: valgrind). */
#define STEP_TIMEOUT FSW_STEP_TIMEOUT

#define TEST_DPID 0x0000000000000001ULL

/* ---- the event loop ---- */

static struct event_base *base;
static struct event *tick;
static struct sl_datapaths dps;
static struct ofp_arena test_arena;

#define RUN_UNTIL(COND, SECS) TEST_LOOP_UNTIL(base, COND, SECS)

/* ---- what the controller glue sees ---- */

static struct {
    int n_ready, n_down, n_msg;
    struct sl_datapath *ready_dp;
    struct sl_datapath *down_dp;
    char down_reason[256];
    bool down_was_findable;
    int n_type[32];
    int n_pkt; /* PACKET_INs with a parsed frame */
    uint16_t pkt_eth_type;
    uint32_t pkt_in_port;
    int pkt_layer;     /* of the last parsed frame */
    uint32_t pkt_spa;  /* its ARP sender address (0: not parsed) */
    bool pkt_shallow;  /* OFP_PACKET_F_SHALLOW */
    int n_port_ok; /* PORT_STATUS seen with the table updated */
} rec;

static void
on_ready(struct sl_datapath *dp, void *aux)
{
    ck_assert_ptr_eq(aux, &rec);
    ck_assert_int_eq(sl_datapath_state(dp), SL_DP_READY);
    rec.n_ready++;
    rec.ready_dp = dp;
}

static void
on_msg(struct sl_datapath *dp, const struct ofp_msg *msg,
       const struct ofp_packet *pkt, void *aux)
{
    ck_assert_ptr_eq(aux, &rec);
    rec.n_msg++;
    if (msg->type < 32) {
        rec.n_type[msg->type]++;
    }
    if (msg->type == OFPT_PACKET_IN && pkt) {
        rec.n_pkt++;
        rec.pkt_eth_type = pkt->eth_type;
        rec.pkt_layer = pkt->layer;
        rec.pkt_spa = pkt->arp.spa;
        rec.pkt_shallow = (pkt->flags & OFP_PACKET_F_SHALLOW) != 0;
        const struct ofp_oxm *oxm =
            ofp_match_find(&msg->packet_in.match, OFPXMT_OFB_IN_PORT);
        rec.pkt_in_port = oxm ? oxm->value.u32 : 0;
    } else {
        ck_assert_ptr_null(pkt);
    }
    if (msg->type == OFPT_PORT_STATUS) {
        const struct ofp_port_status *ps = &msg->port_status;
        const struct ofp_port *p = sl_datapath_port(dp, ps->desc.port_no);
        if (ps->reason == OFPPR_DELETE
                ? p == NULL
                : p && !strcmp(p->name, ps->desc.name)) {
            rec.n_port_ok++;
        }
    }
}

static void
on_down(struct sl_datapath *dp, const char *reason, void *aux)
{
    ck_assert_ptr_eq(aux, &rec);
    rec.n_down++;
    rec.down_dp = dp;
    snprintf(rec.down_reason, sizeof rec.down_reason, "%s", reason);
    rec.down_was_findable =
        sl_datapaths_find(&dps, sl_datapath_dpid(dp)) == dp;
}

static const struct sl_dp_ops ops = {
    .ready = on_ready,
    .msg = on_msg,
    .down = on_down,
};

/* ---- the fake switches (test/fake-switch.c) ---- */

/* Number of sessions 'dps' holds. */
static size_t
n_sessions(void)
{
    size_t n = 0;
    for (struct sl_list *l = dps.all.next; l != &dps.all; l = l->next) {
        n++;
    }
    return n;
}

/* A whole handshake up to READY for 'dpid', and 'ready' was called once
 * more, for this session. */
static void
handshake(struct fsw *s, uint64_t dpid)
{
    int ready = rec.n_ready;
    fsw_handshake(s, dpid);
    ck_assert_int_eq(rec.n_ready, ready + 1);
    ck_assert_ptr_eq(rec.ready_dp, s->dp);
}

static void
configure(double echo_interval, unsigned int misses, unsigned int rate,
          double handshake_timeout)
{
    struct sl_dp_settings st = dps.settings;
    st.echo_interval = echo_interval;
    st.echo_misses = misses;
    st.packet_in_rate = rate;
    st.handshake_timeout = handshake_timeout;
    sl_datapaths_configure(&dps, &st);
}

/* ---- fixture ---- */

static void
setup(void)
{
    memset(&rec, 0, sizeof rec);
    sl_log_reset();
    fsw_logs_capture();
    base = event_base_new();
    ck_assert_ptr_nonnull(base);
    tick = event_new(base, -1, EV_PERSIST, test_loop_tick_cb, NULL);
    struct timeval tv = {0, 5000};
    event_add(tick, &tv);
    ofp_arena_init(&test_arena);
    sl_datapaths_init(&dps, base, &ops, &rec);
    fsw_init(base, &dps);
}

static void
teardown(void)
{
    sl_datapaths_uninit(&dps);
    fsw_uninit();
    event_free(tick);
    event_base_free(base);
    base = NULL;
    ofp_arena_uninit(&test_arena);
    sl_log_reset();
}

/* ---- handshake ---- */

START_TEST(test_hello_offers_only_13)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    struct ofp_msg m;
    fsw_expect(s, OFPT_HELLO, &m);
    ck_assert_uint_eq(m.version, OFP13_VERSION);
    ck_assert_uint_eq(m.hello.n_elems, 1);
    ck_assert_uint_eq(m.hello.elems[0].type, OFPHET_VERSIONBITMAP);
    ck_assert_uint_eq(m.hello.elems[0].n_bitmaps, 1);
    ck_assert_uint_eq(m.hello.elems[0].bitmaps[0], 1u << OFP13_VERSION);
    ck_assert(ofp_hello_offers(&m, OFP13_VERSION));
    ck_assert(!ofp_hello_offers(&m, 0x01));
    ck_assert(!ofp_hello_offers(&m, 0x05));
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_HELLO);
    ck_assert_str_eq(sl_datapath_name(s->dp), "fake");
    ck_assert_uint_eq(dps.n_accepted, 1);
}
END_TEST

START_TEST(test_full_handshake_reaches_ready)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    uint32_t xid;
    fsw_hello(s, &xid);
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_FEATURES);
    fsw_send_features(s, xid, 0x00000000cafe0001ULL, 0);
    ck_assert(
        RUN_UNTIL(sl_datapath_state(s->dp) == SL_DP_CONFIG, STEP_TIMEOUT));
    ck_assert_str_eq(sl_datapath_name(s->dp), "0x00000000cafe0001");
    /* Past FEATURES but not READY: not found yet. */
    ck_assert_ptr_null(sl_datapaths_find(&dps, 0x00000000cafe0001ULL));
    fsw_config(s);
    ck_assert(RUN_UNTIL(rec.n_ready == 1, STEP_TIMEOUT));
    test_loop_run_for(base, 0.02);
    ck_assert_int_eq(rec.n_ready, 1);
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_READY);
    ck_assert_uint_eq(dps.n_ready, 1);

    const struct sl_switch *sw = sl_datapath_switch(s->dp);
    ck_assert_uint_eq(sw->dpid, 0x00000000cafe0001ULL);
    ck_assert_uint_eq(sl_datapath_dpid(s->dp), 0x00000000cafe0001ULL);
    ck_assert_uint_eq(sw->n_buffers, 256);
    ck_assert_uint_eq(sw->n_tables, 254);
    ck_assert_uint_eq(sw->capabilities, OFPC_FLOW_STATS | OFPC_PORT_STATS);
    ck_assert_str_eq(sw->peer, "fake");
    ck_assert_ptr_nonnull(sw->desc);
    ck_assert_str_eq(sw->desc->mfr_desc, "Fake Inc.");
    ck_assert_str_eq(sw->desc->hw_desc, "Test Switch");
    ck_assert_str_eq(sw->desc->sw_desc, "1.2.3");
    ck_assert_str_eq(sw->desc->serial_num, "SN42");
    ck_assert_str_eq(sw->desc->dp_desc, "bench");

    ck_assert_uint_eq(sw->n_ports, 4);
    ck_assert_uint_eq(sw->ports[0].port_no, 1);
    ck_assert_uint_eq(sw->ports[1].port_no, 2);
    ck_assert_uint_eq(sw->ports[2].port_no, 3);
    ck_assert_uint_eq(sw->ports[3].port_no, OFPP_LOCAL);
    ck_assert_str_eq(sw->ports[0].name, "eth1");
    ck_assert_str_eq(sw->ports[3].name, "br0");
    const struct ofp_port *p = sl_datapath_port(s->dp, 2);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->name, "eth2");
    ck_assert_uint_eq(p->hw_addr[5], 2);
    ck_assert_ptr_nonnull(sl_datapath_port(s->dp, OFPP_LOCAL));
    ck_assert_ptr_null(sl_datapath_port(s->dp, 4));
    ck_assert_ptr_null(sl_datapath_port(s->dp, 0));

    ck_assert_ptr_eq(sl_datapaths_find(&dps, 0x00000000cafe0001ULL), s->dp);
    ck_assert_ptr_null(sl_datapaths_find(&dps, 0x00000000cafe0002ULL));
    uint64_t dpids[4] = {0};
    ck_assert_uint_eq(sl_datapaths_list(&dps, dpids, 4), 1);
    ck_assert_uint_eq(dpids[0], 0x00000000cafe0001ULL);
    ck_assert(fsw_log_has("switch 0x00000000cafe0001 up (fake, 4 ports, "
                          "Fake Inc. Test Switch 1.2.3)",
                          NULL));
    ck_assert_int_eq(rec.n_down, 0);
}
END_TEST

START_TEST(test_list_is_sorted_and_bounded)
{
    static const uint64_t ids[3] = {30, 10, 20};
    for (int i = 0; i < 3; i++) {
        struct fsw *s = fsw_connect("fake", NULL, NULL);
        handshake(s, ids[i]);
    }
    uint64_t dpids[3] = {0};
    ck_assert_uint_eq(sl_datapaths_list(&dps, dpids, 3), 3);
    ck_assert_uint_eq(dpids[0], 10);
    ck_assert_uint_eq(dpids[1], 20);
    ck_assert_uint_eq(dpids[2], 30);
    uint64_t two[2] = {0};
    ck_assert_uint_eq(sl_datapaths_list(&dps, two, 2), 3);
    ck_assert_uint_eq(two[0], 10);
    ck_assert_uint_eq(two[1], 20);
    ck_assert_uint_eq(sl_datapaths_list(&dps, NULL, 0), 3);
    ck_assert_uint_eq(dps.n_ready, 3);
}
END_TEST

START_TEST(test_hello_without_13_in_bitmap_fails)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    struct ofp_msg m;
    fsw_expect(s, OFPT_HELLO, &m);
    uint32_t bitmap = (1u << 0x01) | (1u << 0x05);
    fsw_send_hello(s, 0x05, &bitmap);
    fsw_expect(s, OFPT_ERROR, &m);
    ck_assert_uint_eq(m.error.type, OFPET_HELLO_FAILED);
    ck_assert_uint_eq(m.error.code, ofperr_code(OFPERR_OFPHFC_INCOMPATIBLE));
    ck_assert_uint_gt(m.error.len, 0);
    for (size_t i = 0; i < m.error.len; i++) {
        ck_assert(m.error.data[i] >= 0x20 && m.error.data[i] < 0x7f);
    }
    ck_assert_uint_eq(m.xid, 77);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert(fsw_log_has("switch fake down", "does not offer OpenFlow 1.3"));
    ck_assert_int_eq(rec.n_ready, 0);
    ck_assert_int_eq(rec.n_down, 0);
}
END_TEST

START_TEST(test_hello_v1_without_bitmap_fails)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    struct ofp_msg m;
    fsw_expect(s, OFPT_HELLO, &m);
    static const uint8_t hello10[8] = {0x01, 0x00, 0x00, 0x08,
                                       0x00, 0x00, 0x00, 0x09};
    fsw_send_raw(s, hello10, sizeof hello10);
    ck_assert(RUN_UNTIL(s->next < s->n_rx, STEP_TIMEOUT));
    /* The error speaks the peer's version so a 1.0 switch can read it. */
    const struct fsw_rx *r = &s->rx[s->next++];
    ck_assert_uint_ge(r->len, 12);
    ck_assert_uint_eq(r->data[0], 0x01);
    ck_assert_uint_eq(r->data[1], OFPT_ERROR);
    ck_assert_uint_eq(ofp_load_be32(r->data + 4), 9);
    ck_assert_uint_eq(ofp_load_be16(r->data + 8), OFPET_HELLO_FAILED);
    ck_assert_uint_eq(ofp_load_be16(r->data + 10),
                      ofperr_code(OFPERR_OFPHFC_INCOMPATIBLE));
    ck_assert_uint_gt(r->len, 12);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert_int_eq(rec.n_down, 0);
}
END_TEST

START_TEST(test_hello_v5_offering_13_is_accepted)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    struct ofp_msg m;
    fsw_expect(s, OFPT_HELLO, &m);
    uint32_t bitmap = (1u << 0x04) | (1u << 0x05) | (1u << 0x06);
    fsw_send_hello(s, 0x05, &bitmap);
    fsw_expect(s, OFPT_FEATURES_REQUEST, &m);
    ck_assert_uint_eq(m.version, OFP13_VERSION);
    ck_assert_uint_ne(m.xid, 0);
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_FEATURES);
    fsw_send_features(s, m.xid, 5, 0);
    fsw_config(s);
    ck_assert(RUN_UNTIL(rec.n_ready == 1, STEP_TIMEOUT));
}
END_TEST

START_TEST(test_hello_v5_without_bitmap_is_accepted)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    struct ofp_msg m;
    fsw_expect(s, OFPT_HELLO, &m);
    fsw_send_hello(s, 0x05, NULL);
    fsw_expect(s, OFPT_FEATURES_REQUEST, &m);
    ck_assert_uint_eq(m.version, OFP13_VERSION);
}
END_TEST

START_TEST(test_malformed_hello_fails)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    struct ofp_msg m;
    fsw_expect(s, OFPT_HELLO, &m);
    /* A VERSIONBITMAP element whose length (3) is below its header. */
    static const uint8_t bad[16] = {0x04, 0x00, 0x00, 0x10, 0, 0, 0, 5,
                                    0x00, 0x01, 0x00, 0x03, 0, 0, 0, 0};
    ofp_arena_reset(&test_arena);
    enum ofperr want = ofp_msg_decode(bad, sizeof bad, &m, &test_arena);
    ck_assert_int_ne(want, 0);
    fsw_send_raw(s, bad, sizeof bad);
    fsw_expect(s, OFPT_ERROR, &m);
    ck_assert_uint_eq(m.error.type, ofperr_type(want));
    ck_assert_uint_eq(m.error.code, ofperr_code(want));
    test_assert_bytes(m.error.data, m.error.len, bad, sizeof bad);
    fsw_expect_closed(s);
    ck_assert(fsw_log_has("malformed HELLO", NULL));
}
END_TEST

START_TEST(test_features_reply_before_hello_closes)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    struct ofp_msg m;
    fsw_expect(s, OFPT_HELLO, &m);
    fsw_send_features(s, 1, TEST_DPID, 0);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    /* Nothing but our HELLO was sent. */
    ck_assert_uint_eq(s->n_rx, 1);
    ck_assert(fsw_log_has("switch fake down",
                          "FEATURES_REPLY (version 0x04) before HELLO"));
    ck_assert_ptr_null(sl_datapaths_find(&dps, TEST_DPID));
    ck_assert_int_eq(rec.n_ready, 0);
    ck_assert_int_eq(rec.n_down, 0);
}
END_TEST

START_TEST(test_echo_before_hello_closes)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    struct ofp_msg m;
    fsw_expect(s, OFPT_HELLO, &m);
    ofp_msg_init(&m, OFPT_ECHO_REQUEST, 3);
    fsw_send(s, &m);
    fsw_expect_closed(s);
    ck_assert_uint_eq(s->n_rx, 1);
}
END_TEST

/* A switch set to ssl: on a tcp: listener: its ClientHello record (0x16
 * 0x03 0x01, read as version 0x16 type 3 of 256 bytes) is named as such. */
START_TEST(test_tls_client_hello_on_tcp_closes)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    uint8_t hello[256] = {0x16, 0x03, 0x01, 0x00, 0xfb, 0x01};
    struct ofp_msg m;

    fsw_expect(s, OFPT_HELLO, &m);
    fsw_send_raw(s, hello, sizeof hello);
    fsw_expect_closed(s);
    ck_assert(fsw_log_has("switch fake down",
                          "a TLS handshake on a plain tcp: listener"));
    ck_assert_int_eq(rec.n_ready, 0);
}
END_TEST

START_TEST(test_bad_version_after_hello_closes)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    uint32_t xid;
    fsw_hello(s, &xid);
    /* An ECHO_REQUEST of version 0x05 after negotiating 0x04. */
    static const uint8_t echo5[12] = "\x05\x02\x00\x0c\x00\x00\x01\x02"
                                     "abcd";
    fsw_send_raw(s, echo5, sizeof echo5);
    struct ofp_msg m;
    fsw_expect(s, OFPT_ERROR, &m);
    ck_assert_uint_eq(m.xid, 0x0102);
    ck_assert_uint_eq(m.error.type, OFPET_BAD_REQUEST);
    ck_assert_uint_eq(m.error.code, ofperr_code(OFPERR_OFPBRC_BAD_VERSION));
    test_assert_bytes(m.error.data, m.error.len, echo5, sizeof echo5);
    fsw_expect_closed(s);
    ck_assert(fsw_log_has("version 0x05", NULL));
}
END_TEST

START_TEST(test_error_during_handshake_closes)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    uint32_t xid;
    fsw_hello(s, &xid);
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_ERROR, xid);
    m.error.type = OFPET_BAD_REQUEST;
    m.error.code = ofperr_code(OFPERR_OFPBRC_EPERM);
    fsw_send(s, &m);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert(fsw_log_has("OFPBRC_EPERM during the handshake", NULL));
    ck_assert_int_eq(rec.n_ready, 0);
}
END_TEST

START_TEST(test_auxiliary_connection_is_refused)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    uint32_t xid;
    fsw_hello(s, &xid);
    fsw_send_features(s, xid, TEST_DPID, 1);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert(fsw_log_has("auxiliary connection 1", "0x0000000000000001"));
    ck_assert_int_eq(rec.n_ready, 0);
    ck_assert_ptr_null(sl_datapaths_find(&dps, TEST_DPID));
}
END_TEST

START_TEST(test_echo_answered_during_handshake)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    uint32_t xid;
    fsw_hello(s, &xid);
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_ECHO_REQUEST, 0xabcdef01);
    m.echo.data = (const uint8_t *) "early";
    m.echo.len = 5;
    fsw_send(s, &m);
    fsw_expect(s, OFPT_ECHO_REPLY, &m);
    ck_assert_uint_eq(m.xid, 0xabcdef01);
    test_assert_bytes(m.echo.data, m.echo.len, "early", 5);
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_FEATURES);
}
END_TEST

START_TEST(test_handshake_deadline_closes)
{
    configure(5.0, 3, 1000, 0.2);
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    uint32_t xid;
    fsw_hello(s, &xid);
    /* No FEATURES_REPLY. */
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert_uint_eq(dps.n_handshake_timeouts, 1);
    ck_assert(fsw_log_has("switch fake down",
                          "handshake timed out in state FEATURES"));
    ck_assert_int_eq(rec.n_down, 0);
}
END_TEST

START_TEST(test_handshake_deadline_without_hello)
{
    configure(5.0, 3, 1000, 0.2);
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert_uint_eq(dps.n_handshake_timeouts, 1);
    ck_assert(fsw_log_has("handshake timed out in state HELLO", NULL));
}
END_TEST

START_TEST(test_handshake_deadline_in_config)
{
    configure(5.0, 3, 1000, 0.2);
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    uint32_t xid;
    fsw_hello(s, &xid);
    fsw_send_features(s, xid, TEST_DPID, 0);
    /* SET_CONFIG and both requests arrive, but no reply is sent. */
    struct ofp_msg m;
    fsw_expect(s, OFPT_SET_CONFIG, &m);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert(fsw_log_has("switch 0x0000000000000001 down",
                          "handshake timed out in state CONFIG"));
    ck_assert_int_eq(rec.n_down, 0);
}
END_TEST

/* ---- READY ---- */

START_TEST(test_echo_request_answered_with_same_xid_and_data)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    static const uint8_t payload[] = "keepalive payload \x01\x02\x03";
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_ECHO_REQUEST, 0x12345678);
    m.echo.data = payload;
    m.echo.len = sizeof payload;
    fsw_send(s, &m);
    fsw_expect(s, OFPT_ECHO_REPLY, &m);
    ck_assert_uint_eq(m.xid, 0x12345678);
    test_assert_bytes(m.echo.data, m.echo.len, payload, sizeof payload);
    /* Absorbed, not passed on. */
    ck_assert_int_eq(rec.n_type[OFPT_ECHO_REQUEST], 0);
    ofp_msg_init(&m, OFPT_ECHO_REPLY, 5);
    fsw_send(s, &m);
    ofp_msg_init(&m, OFPT_BARRIER_REPLY, 6);
    fsw_send(s, &m);
    ck_assert(RUN_UNTIL(rec.n_type[OFPT_BARRIER_REPLY] == 1, STEP_TIMEOUT));
    ck_assert_int_eq(rec.n_type[OFPT_ECHO_REPLY], 0);
    ck_assert_int_eq(rec.n_msg, 1);
}
END_TEST

START_TEST(test_undecodable_message_gets_error_and_session_stays)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    struct ofp_msg m;

    /* A PORT_STATUS of 16 bytes (its minimum is 80). */
    static const uint8_t short_ps[16] = {
        0x04, OFPT_PORT_STATUS, 0x00, 0x10, 0xde, 0xad, 0xbe, 0xef};
    fsw_send_raw(s, short_ps, sizeof short_ps);
    fsw_expect(s, OFPT_ERROR, &m);
    ck_assert_uint_eq(m.xid, 0xdeadbeef);
    ck_assert_uint_eq(m.error.type, OFPET_BAD_REQUEST);
    ck_assert_uint_eq(m.error.code, ofperr_code(OFPERR_OFPBRC_BAD_LEN));
    test_assert_bytes(m.error.data, m.error.len, short_ps, sizeof short_ps);

    /* A PACKET_IN longer than 64 bytes whose match type is wrong: the error
     * carries the first 64 bytes. */
    struct ofp_wbuf frame;
    ofp_wbuf_init(&frame);
    static const uint8_t mac[6] = {0, 0, 0, 0, 0, 1};
    ofp_packet_build_arp(&frame, OFP_ARP_OP_REQUEST, mac, 0x0a000001, NULL,
                         0x0a000002);
    ofp_msg_init(&m, OFPT_PACKET_IN, 0x55);
    m.packet_in.buffer_id = 0xffffffff;
    m.packet_in.total_len = (uint16_t) frame.len;
    m.packet_in.data = frame.data;
    m.packet_in.len = frame.len;
    struct ofp_wbuf b;
    ofp_wbuf_init(&b);
    ck_assert_int_eq(ofp_msg_encode(&b, &m), 0);
    ck_assert_uint_gt(b.len, 64);
    ofp_store_be16(b.data + 24, 0); /* match type OFPMT_STANDARD */
    ofp_arena_reset(&test_arena);
    enum ofperr want = ofp_msg_decode(b.data, b.len, &m, &test_arena);
    ck_assert_int_eq(want, OFPERR_OFPBMC_BAD_TYPE);
    fsw_send_raw(s, b.data, b.len);
    fsw_expect(s, OFPT_ERROR, &m);
    ck_assert_uint_eq(m.xid, 0x55);
    ck_assert_uint_eq(m.error.type, OFPET_BAD_MATCH);
    ck_assert_uint_eq(m.error.code, ofperr_code(OFPERR_OFPBMC_BAD_TYPE));
    test_assert_bytes(m.error.data, m.error.len, b.data, 64);
    ofp_wbuf_uninit(&b);
    ofp_wbuf_uninit(&frame);

    /* An unknown type. */
    static const uint8_t unknown[8] = {0x04, 99, 0x00, 0x08, 0, 0, 0, 7};
    fsw_send_raw(s, unknown, sizeof unknown);
    fsw_expect(s, OFPT_ERROR, &m);
    ck_assert_uint_eq(m.xid, 7);
    ck_assert_uint_eq(m.error.type, OFPET_BAD_REQUEST);
    ck_assert_uint_eq(m.error.code, ofperr_code(OFPERR_OFPBRC_BAD_TYPE));
    test_assert_bytes(m.error.data, m.error.len, unknown, sizeof unknown);

    ck_assert_uint_eq(dps.n_decode_errors, 3);
    ck_assert_int_eq(rec.n_msg, 0);
    /* Still up and answering. */
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_READY);
    ofp_msg_init(&m, OFPT_ECHO_REQUEST, 8);
    fsw_send(s, &m);
    fsw_expect(s, OFPT_ECHO_REPLY, &m);
    ck_assert_uint_eq(m.xid, 8);
    ck_assert(!s->closed);
    ck_assert_int_eq(rec.n_down, 0);
    ck_assert(fsw_log_has("malformed PORT_STATUS", "OFPBRC_BAD_LEN"));
}
END_TEST

/* Sends 'n' undecodable messages. */
static void
send_garbage(struct fsw *s, int n)
{
    static const uint8_t bad[16] = {
        0x04, OFPT_PORT_STATUS, 0x00, 0x10, 0, 0, 0, 1};
    for (int i = 0; i < n; i++) {
        fsw_send_raw(s, bad, sizeof bad);
    }
}

START_TEST(test_too_many_malformed_messages_close)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    /* 100 in a row, a good one, 100 again: still up. */
    send_garbage(s, 100);
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_BARRIER_REPLY, 1);
    fsw_send(s, &m);
    send_garbage(s, 100);
    ck_assert(RUN_UNTIL(dps.n_decode_errors == 200, STEP_TIMEOUT));
    ck_assert(RUN_UNTIL(rec.n_type[OFPT_BARRIER_REPLY] == 1, STEP_TIMEOUT));
    test_loop_run_for(base, 0.02);
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_READY);
    /* One more makes 101 in a row. */
    send_garbage(s, 1);
    ck_assert(RUN_UNTIL(rec.n_down == 1, STEP_TIMEOUT));
    ck_assert_str_eq(rec.down_reason, "too many malformed messages");
    fsw_expect_closed(s);
    ck_assert_uint_eq(dps.n_decode_errors, 201);
}
END_TEST

START_TEST(test_flow_mod_from_switch_gets_bad_type)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_FLOW_MOD, 0x4242);
    m.flow_mod.priority = 100;
    m.flow_mod.buffer_id = 0xffffffff;
    m.flow_mod.out_port = 0xffffffff;
    m.flow_mod.out_group = 0xffffffff;
    struct ofp_wbuf b;
    ofp_wbuf_init(&b);
    ck_assert_int_eq(ofp_msg_encode(&b, &m), 0);
    fsw_send_raw(s, b.data, b.len);
    fsw_expect(s, OFPT_ERROR, &m);
    ck_assert_uint_eq(m.xid, 0x4242);
    ck_assert_uint_eq(m.error.type, OFPET_BAD_REQUEST);
    ck_assert_uint_eq(m.error.code, ofperr_code(OFPERR_OFPBRC_BAD_TYPE));
    test_assert_bytes(m.error.data, m.error.len, b.data,
                      b.len < 64 ? b.len : 64);
    ofp_wbuf_uninit(&b);

    /* A BARRIER_REQUEST and a PACKET_OUT too; none is passed on. */
    ofp_msg_init(&m, OFPT_BARRIER_REQUEST, 0x4343);
    fsw_send(s, &m);
    fsw_expect(s, OFPT_ERROR, &m);
    ck_assert_uint_eq(m.xid, 0x4343);
    ck_assert_uint_eq(m.error.code, ofperr_code(OFPERR_OFPBRC_BAD_TYPE));
    ofp_msg_init(&m, OFPT_PACKET_OUT, 0x4444);
    m.packet_out.buffer_id = 0xffffffff;
    m.packet_out.in_port = OFPP_CONTROLLER;
    fsw_send(s, &m);
    fsw_expect(s, OFPT_ERROR, &m);
    ck_assert_uint_eq(m.xid, 0x4444);
    ck_assert_uint_eq(m.error.code, ofperr_code(OFPERR_OFPBRC_BAD_TYPE));
    ck_assert_int_eq(rec.n_msg, 0);
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_READY);
    ck_assert_uint_eq(dps.n_decode_errors, 0);
}
END_TEST

START_TEST(test_replies_and_async_messages_are_passed_on)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_ERROR, 9);
    m.error.type = OFPET_FLOW_MOD_FAILED;
    m.error.code = 1;
    fsw_send(s, &m);
    ofp_msg_init(&m, OFPT_FLOW_REMOVED, 10);
    fsw_send(s, &m);
    ofp_msg_init(&m, OFPT_HELLO, 11);
    fsw_send(s, &m);
    ofp_msg_init(&m, OFPT_ROLE_REPLY, 12);
    fsw_send(s, &m);
    ck_assert(RUN_UNTIL(rec.n_msg == 3, STEP_TIMEOUT));
    test_loop_run_for(base, 0.02);
    ck_assert_int_eq(rec.n_msg, 3);
    ck_assert_int_eq(rec.n_type[OFPT_ERROR], 1);
    ck_assert_int_eq(rec.n_type[OFPT_FLOW_REMOVED], 1);
    ck_assert_int_eq(rec.n_type[OFPT_ROLE_REPLY], 1);
    ck_assert_int_eq(rec.n_type[OFPT_HELLO], 0);
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_READY);
}
END_TEST

START_TEST(test_silent_switch_is_closed_by_keepalive)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    /* The switch answers nothing from now on; counting starts with the
     * short interval. */
    test_loop_run_for(base, 0.01);
    s->n_echo_requests = 0;
    configure(0.05, 3, 1000, 0);
    double start = test_loop_now();
    ck_assert(RUN_UNTIL(rec.n_down == 1, STEP_TIMEOUT));
    double elapsed = test_loop_now() - start;
    ck_assert_msg(!strncmp(rec.down_reason, "no echo reply for ", 18),
                  "reason: %s", rec.down_reason);
    /* Exactly echo_misses requests went out before the close, so the
     * close came at the (misses + 1)th silent interval. */
    ck_assert_int_eq(s->n_echo_requests, 3);
    ck_assert_uint_eq(dps.n_dead_peers, 1);
    /* Loose sanity bound: 0.2 s plus scheduling slack. */
    ck_assert_msg(elapsed < 0.2 + 2.0, "closed after %.3f s", elapsed);
    fsw_expect_closed(s);
    ck_assert_ptr_null(sl_datapaths_find(&dps, TEST_DPID));
}
END_TEST

START_TEST(test_answered_echoes_keep_the_session)
{
    configure(0.05, 2, 1000, 0);
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    s->auto_echo = true;
    handshake(s, TEST_DPID);
    test_loop_run_for(base, 0.5);
    ck_assert_int_eq(rec.n_down, 0);
    ck_assert_int_ge(s->n_echo_requests, 2);
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_READY);
    ck_assert_uint_eq(dps.n_dead_peers, 0);
}
END_TEST

START_TEST(test_keepalive_runs_during_handshake)
{
    configure(0.05, 2, 1000, 10.0);
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    uint32_t xid;
    fsw_hello(s, &xid);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert_uint_eq(dps.n_dead_peers, 1);
    ck_assert_uint_eq(dps.n_handshake_timeouts, 0);
    ck_assert(fsw_log_has("switch fake down", "no echo reply for"));
}
END_TEST

START_TEST(test_same_dpid_replaces_old_session)
{
    struct fsw *a = fsw_connect("fake-a", NULL, NULL);
    handshake(a, TEST_DPID);
    struct sl_datapath *old = a->dp;
    ck_assert_ptr_eq(sl_datapaths_find(&dps, TEST_DPID), old);

    struct fsw *b = fsw_connect("fake-b", NULL, NULL);
    uint32_t xid;
    fsw_hello(b, &xid);
    fsw_send_features(b, xid, TEST_DPID, 0);
    ck_assert(RUN_UNTIL(rec.n_down == 1, STEP_TIMEOUT));
    ck_assert_ptr_eq(rec.down_dp, old);
    ck_assert_str_eq(rec.down_reason,
                     "replaced by a new connection from fake-b");
    ck_assert(rec.down_was_findable);
    ck_assert_uint_eq(dps.n_replaced, 1);
    ck_assert_uint_eq(dps.n_ready, 0);
    fsw_config(b);
    ck_assert(RUN_UNTIL(rec.n_ready == 2, STEP_TIMEOUT));
    ck_assert_ptr_eq(sl_datapaths_find(&dps, TEST_DPID), b->dp);
    fsw_expect_closed(a);
    ck_assert(RUN_UNTIL(n_sessions() == 1, STEP_TIMEOUT));
    test_loop_run_for(base, 0.02);
    ck_assert_int_eq(rec.n_down, 1);
    ck_assert_uint_eq(dps.n_ready, 1);
    ck_assert_str_eq(sl_datapath_switch(b->dp)->peer, "fake-b");
    ck_assert(fsw_log_has("replaced by a new connection from fake-b", NULL));
}
END_TEST

/* Sends 'n' ARP PACKET_INs from port 'in_port' in one write. */
static void
send_packet_ins(struct fsw *s, int n, uint32_t in_port)
{
    struct ofp_wbuf frame, all;
    ofp_wbuf_init(&frame);
    ofp_wbuf_init(&all);
    static const uint8_t mac[6] = {0, 0, 0, 0, 0, 9};
    ofp_packet_build_arp(&frame, OFP_ARP_OP_REQUEST, mac, 0x0a000009, NULL,
                         0x0a000001);
    struct ofp_oxm oxm;
    ck_assert(ofp_oxm_init_basic(&oxm, OFPXMT_OFB_IN_PORT));
    oxm.value.u32 = in_port;
    for (int i = 0; i < n; i++) {
        struct ofp_msg m;
        ofp_msg_init(&m, OFPT_PACKET_IN, (uint32_t) (1000 + i));
        m.packet_in.buffer_id = 0xffffffff;
        m.packet_in.total_len = (uint16_t) frame.len;
        m.packet_in.match.n_oxms = 1;
        m.packet_in.match.oxms = &oxm;
        m.packet_in.data = frame.data;
        m.packet_in.len = frame.len;
        ck_assert_int_eq(ofp_msg_encode(&all, &m), 0);
    }
    fsw_send_raw(s, all.data, all.len);
    ofp_wbuf_uninit(&frame);
    ofp_wbuf_uninit(&all);
}

START_TEST(test_packet_in_budget_drops_the_excess)
{
    configure(5.0, 3, 5, 0);
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    send_packet_ins(s, 15, 3);
    ck_assert(RUN_UNTIL(
        rec.n_type[OFPT_PACKET_IN] + (int) dps.n_packet_in_dropped == 15,
        STEP_TIMEOUT));
    int delivered = rec.n_type[OFPT_PACKET_IN];
    ck_assert_int_le(delivered, 5);
    ck_assert_int_ge(delivered, 1);
    ck_assert_uint_eq(dps.n_packet_in_dropped, (uint64_t) (15 - delivered));
    ck_assert_uint_eq(sl_datapath_packet_in_dropped(s->dp),
                      (uint64_t) (15 - delivered));
    ck_assert_int_eq(rec.n_pkt, delivered);
    ck_assert_uint_eq(rec.pkt_eth_type, OFP_ETH_TYPE_ARP);
    ck_assert_uint_eq(rec.pkt_in_port, 3);
    ck_assert(fsw_log_has("over its packet-in budget (5/s): dropping", NULL));
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_READY);
}
END_TEST

START_TEST(test_packet_in_rate_zero_is_unlimited)
{
    configure(5.0, 3, 0, 0);
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    send_packet_ins(s, 50, 1);
    ck_assert(RUN_UNTIL(rec.n_type[OFPT_PACKET_IN] == 50, STEP_TIMEOUT));
    ck_assert_uint_eq(dps.n_packet_in_dropped, 0);
    ck_assert_int_eq(rec.n_pkt, 50);
}
END_TEST

/* One ARP PACKET_IN, its frame parsed to L2 only ('l2_only') or whole. */
static void
check_one_arp_packet_in(bool l2_only)
{
    dps.packet_l2_only = l2_only;
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    send_packet_ins(s, 1, 2);
    ck_assert(RUN_UNTIL(rec.n_pkt == 1, STEP_TIMEOUT));
    ck_assert_uint_eq(rec.pkt_eth_type, OFP_ETH_TYPE_ARP);
    ck_assert_uint_eq(rec.pkt_in_port, 2);
    ck_assert_int_eq(rec.pkt_layer, l2_only ? OFP_PACKET_L2 : OFP_PACKET_L3);
    ck_assert_uint_eq(rec.pkt_spa, l2_only ? 0 : 0x0a000009);
    ck_assert(rec.pkt_shallow == l2_only);
}

START_TEST(test_packet_in_parsed_whole_by_default)
{
    ck_assert(!dps.packet_l2_only);
    check_one_arp_packet_in(false);
}
END_TEST

START_TEST(test_packet_in_parsed_to_l2_when_asked)
{
    check_one_arp_packet_in(true);
}
END_TEST

START_TEST(test_packet_in_with_short_frame_has_no_packet)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_PACKET_IN, 1);
    m.packet_in.buffer_id = 0xffffffff;
    m.packet_in.data = (const uint8_t *) "tiny";
    m.packet_in.len = 4;
    m.packet_in.total_len = 4;
    fsw_send(s, &m);
    ck_assert(RUN_UNTIL(rec.n_type[OFPT_PACKET_IN] == 1, STEP_TIMEOUT));
    ck_assert_int_eq(rec.n_pkt, 0);
}
END_TEST

static void
send_port_status(struct fsw *s, uint8_t reason, struct ofp_port port)
{
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_PORT_STATUS, 0);
    m.port_status.reason = reason;
    m.port_status.desc = port;
    fsw_send(s, &m);
}

START_TEST(test_port_status_updates_the_table)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    const struct sl_switch *sw = sl_datapath_switch(s->dp);
    ck_assert_uint_eq(sw->n_ports, 4);

    /* ADD between existing ports, and past every port but LOCAL. */
    send_port_status(s, OFPPR_ADD, fsw_make_port(7, "eth7"));
    send_port_status(s, OFPPR_ADD, fsw_make_port(0, "eth0"));
    ck_assert(RUN_UNTIL(rec.n_type[OFPT_PORT_STATUS] == 2, STEP_TIMEOUT));
    ck_assert_uint_eq(sw->n_ports, 6);
    static const uint32_t order[6] = {0, 1, 2, 3, 7, OFPP_LOCAL};
    for (int i = 0; i < 6; i++) {
        ck_assert_uint_eq(sw->ports[i].port_no, order[i]);
    }
    ck_assert_str_eq(sl_datapath_port(s->dp, 7)->name, "eth7");

    /* MODIFY replaces. */
    struct ofp_port p2 = fsw_make_port(2, "eth2-renamed");
    p2.state = OFPPS_LINK_DOWN;
    send_port_status(s, OFPPR_MODIFY, p2);
    ck_assert(RUN_UNTIL(rec.n_type[OFPT_PORT_STATUS] == 3, STEP_TIMEOUT));
    ck_assert_uint_eq(sw->n_ports, 6);
    ck_assert_str_eq(sl_datapath_port(s->dp, 2)->name, "eth2-renamed");
    ck_assert_uint_eq(sl_datapath_port(s->dp, 2)->state, OFPPS_LINK_DOWN);

    /* DELETE removes; deleting an unknown port changes nothing. */
    send_port_status(s, OFPPR_DELETE, fsw_make_port(3, "eth3"));
    send_port_status(s, OFPPR_DELETE, fsw_make_port(55, "eth55"));
    ck_assert(RUN_UNTIL(rec.n_type[OFPT_PORT_STATUS] == 5, STEP_TIMEOUT));
    ck_assert_uint_eq(sw->n_ports, 5);
    ck_assert_ptr_null(sl_datapath_port(s->dp, 3));
    static const uint32_t after[5] = {0, 1, 2, 7, OFPP_LOCAL};
    for (int i = 0; i < 5; i++) {
        ck_assert_uint_eq(sw->ports[i].port_no, after[i]);
    }

    /* ADD of a known port and MODIFY of an unknown one upsert. */
    send_port_status(s, OFPPR_ADD, fsw_make_port(1, "eth1-again"));
    send_port_status(s, OFPPR_MODIFY, fsw_make_port(9, "eth9"));
    ck_assert(RUN_UNTIL(rec.n_type[OFPT_PORT_STATUS] == 7, STEP_TIMEOUT));
    ck_assert_uint_eq(sw->n_ports, 6);
    ck_assert_str_eq(sl_datapath_port(s->dp, 1)->name, "eth1-again");
    ck_assert_str_eq(sl_datapath_port(s->dp, 9)->name, "eth9");

    /* The table was updated before each callback. */
    ck_assert_int_eq(rec.n_port_ok, 7);
}
END_TEST

START_TEST(test_many_ports_grow_the_table)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    for (uint32_t i = 100; i > 60; i--) {
        char name[16];
        snprintf(name, sizeof name, "p%u", i);
        send_port_status(s, OFPPR_ADD, fsw_make_port(i, name));
    }
    ck_assert(RUN_UNTIL(rec.n_type[OFPT_PORT_STATUS] == 40, STEP_TIMEOUT));
    const struct sl_switch *sw = sl_datapath_switch(s->dp);
    ck_assert_uint_eq(sw->n_ports, 44);
    for (size_t i = 1; i < sw->n_ports; i++) {
        ck_assert_uint_lt(sw->ports[i - 1].port_no, sw->ports[i].port_no);
    }
    ck_assert_str_eq(sl_datapath_port(s->dp, 77)->name, "p77");
}
END_TEST

START_TEST(test_send_before_ready_is_enotconn)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_BARRIER_REQUEST, 0);
    uint32_t xid = 99;
    ck_assert_int_eq(sl_datapath_send(s->dp, &m, &xid), ENOTCONN);
    ck_assert_uint_eq(xid, 99);
    uint32_t fxid;
    fsw_hello(s, &fxid);
    ck_assert_int_eq(sl_datapath_send(s->dp, &m, NULL), ENOTCONN);
    fsw_send_features(s, fxid, TEST_DPID, 0);
    ck_assert(
        RUN_UNTIL(sl_datapath_state(s->dp) == SL_DP_CONFIG, STEP_TIMEOUT));
    ck_assert_int_eq(sl_datapath_send(s->dp, &m, NULL), ENOTCONN);
}
END_TEST

START_TEST(test_xids_are_fresh_and_nonzero)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    enum { N = 5 };
    uint32_t xids[N + 4];
    for (int i = 0; i < N; i++) {
        struct ofp_msg m;
        ofp_msg_init(&m, OFPT_BARRIER_REQUEST, 0xffffffff);
        ck_assert_int_eq(sl_datapath_send(s->dp, &m, &xids[i]), 0);
        /* The caller's message is left as it was. */
        ck_assert_uint_eq(m.xid, 0xffffffff);
    }
    for (int i = 0; i < 4; i++) {
        xids[N + i] = s->hs_xids[i];
    }
    for (int i = 0; i < N + 4; i++) {
        ck_assert_uint_ne(xids[i], 0);
        for (int j = 0; j < i; j++) {
            ck_assert_uint_ne(xids[i], xids[j]);
        }
    }
    for (int i = 0; i < N; i++) {
        struct ofp_msg m;
        fsw_expect(s, OFPT_BARRIER_REQUEST, &m);
        ck_assert_uint_eq(m.xid, xids[i]);
    }
}
END_TEST

/* The hot path's PACKET_OUT: refused before READY, then sent whole with a
 * fresh xid, as sl_datapath_send() would send it. */
START_TEST(test_packet_out_direct)
{
    static const uint8_t frame[] = {0xde, 0xad, 0xbe, 0xef};
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    struct ofp_action out[2] = {{.type = OFPAT_OUTPUT}, {.type = OFPAT_OUTPUT}};
    out[0].output.port = 2;
    out[1].output.port = OFPP_FLOOD;
    struct ofp_packet_out po = {
        .buffer_id = OFP_NO_BUFFER,
        .in_port = 1,
        .actions = {2, out},
        .len = sizeof frame,
        .data = frame,
    };

    ck_assert_int_eq(sl_datapath_packet_out(s->dp, &po), ENOTCONN);
    handshake(s, TEST_DPID);
    uint64_t before = dps.tx_by_type[OFPT_PACKET_OUT];
    ck_assert_int_eq(sl_datapath_packet_out(s->dp, &po), 0);
    ck_assert_int_eq(sl_datapath_packet_out(s->dp, &po), 0);
    ck_assert_uint_eq(dps.tx_by_type[OFPT_PACKET_OUT], before + 2);

    struct ofp_msg m;
    uint32_t first = 0;
    for (int i = 0; i < 2; i++) {
        fsw_expect(s, OFPT_PACKET_OUT, &m);
        ck_assert_uint_ne(m.xid, 0);
        ck_assert_uint_ne(m.xid, first);
        first = m.xid;
        ck_assert_uint_eq(m.packet_out.buffer_id, OFP_NO_BUFFER);
        ck_assert_uint_eq(m.packet_out.in_port, 1);
        ck_assert_uint_eq(m.packet_out.actions.n, 2);
        ck_assert_uint_eq(m.packet_out.actions.actions[0].output.port, 2);
        ck_assert_uint_eq(m.packet_out.actions.actions[1].output.port,
                          OFPP_FLOOD);
        ck_assert_uint_eq(m.packet_out.len, sizeof frame);
        ck_assert_mem_eq(m.packet_out.data, frame, sizeof frame);
    }
}
END_TEST

START_TEST(test_peer_close_calls_down_once)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    bufferevent_free(s->bev);
    s->bev = NULL;
    ck_assert(RUN_UNTIL(rec.n_down == 1, STEP_TIMEOUT));
    ck_assert_uint_gt(strlen(rec.down_reason), 0);
    ck_assert(rec.down_was_findable);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    test_loop_run_for(base, 0.02);
    ck_assert_int_eq(rec.n_down, 1);
    ck_assert_uint_eq(dps.n_ready, 0);
    ck_assert_ptr_null(sl_datapaths_find(&dps, TEST_DPID));
    ck_assert_uint_eq(sl_datapaths_list(&dps, NULL, 0), 0);
    ck_assert(fsw_log_has("switch 0x0000000000000001 down", NULL));
}
END_TEST

START_TEST(test_close_calls_down_once_with_reason)
{
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    handshake(s, TEST_DPID);
    struct sl_datapath *dp = s->dp;
    sl_datapath_close(dp, "operator said so");
    ck_assert_int_eq(sl_datapath_state(dp), SL_DP_DEAD);
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_BARRIER_REQUEST, 0);
    ck_assert_int_eq(sl_datapath_send(dp, &m, NULL), ENOTCONN);
    /* 'down' comes later, from the loop. */
    ck_assert_int_eq(rec.n_down, 0);
    sl_datapath_close(dp, "twice");
    ck_assert(RUN_UNTIL(rec.n_down == 1, STEP_TIMEOUT));
    ck_assert_str_eq(rec.down_reason, "operator said so");
    fsw_expect_closed(s);
    test_loop_run_for(base, 0.02);
    ck_assert_int_eq(rec.n_down, 1);
    ck_assert_uint_eq(n_sessions(), 0);
}
END_TEST

START_TEST(test_uninit_destroys_without_down)
{
    struct fsw *a = fsw_connect("fake-a", NULL, NULL);
    handshake(a, 1);
    struct fsw *b = fsw_connect("fake-b", NULL, NULL);
    uint32_t xid;
    fsw_hello(b, &xid);
    sl_datapaths_uninit(&dps);
    ck_assert_int_eq(rec.n_down, 0);
    ck_assert_uint_eq(dps.n_ready, 0);
    ck_assert(RUN_UNTIL(a->closed && b->closed, STEP_TIMEOUT));
    /* Teardown uninits again: an empty set must allow it. */
    sl_datapaths_init(&dps, base, &ops, &rec);
}
END_TEST

/* ---- TLS pinning ---- */

struct tls_env {
    char *dir;
    SSL_CTX *server;
    struct sl_config_pin pins[2];
};

static void
tls_env_init(struct tls_env *env)
{
    env->dir = test_tls_make_temp();
    ck_assert_ptr_nonnull(env->dir);
    char *crt = strdup(test_tls_path(env->dir, "server.crt"));
    char *key = strdup(test_tls_path(env->dir, "server.key"));
    char *ca = strdup(test_tls_path(env->dir, "ca.crt"));
    struct sl_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.has_tls = true;
    cfg.tls_certificate = crt;
    cfg.tls_private_key = key;
    cfg.tls_ca_certificate = ca;
    cfg.tls_verify_peer = true;
    char err[256] = "";
    env->server = sl_tls_ctx_create(&cfg, err, sizeof err);
    ck_assert_msg(env->server != NULL, "sl_tls_ctx_create: %s", err);
    free(crt);
    free(key);
    free(ca);
}

static void
tls_env_uninit(struct tls_env *env)
{
    SSL_CTX_free(env->server);
    test_tls_rmdir(env->dir);
    free(env->dir);
}

/* Pins 'dpid' to the certificate 'id'.crt (entry 'i'). */
static void
tls_pin(struct tls_env *env, size_t i, uint64_t dpid, const char *id)
{
    char file[32];
    snprintf(file, sizeof file, "%s.crt", id);
    env->pins[i].dpid = dpid;
    ck_assert_int_eq(test_tls_fingerprint(test_tls_path(env->dir, file),
                                          env->pins[i].sha256),
                     0);
    struct sl_dp_settings st = dps.settings;
    st.pins = env->pins;
    st.n_pins = i + 1;
    sl_datapaths_configure(&dps, &st);
}

/* Connects a TLS switch presenting 'id' and plays up to FEATURES_REPLY
 * for 'dpid'. */
static struct fsw *
tls_switch(struct tls_env *env, const char *id, uint64_t dpid)
{
    SSL_CTX *client = test_tls_client_ctx(env->dir, id);
    ck_assert_ptr_nonnull(client);
    struct fsw *s = fsw_connect("ssl:fake", env->server, client);
    SSL_CTX_free(client); /* the SSL keeps its own reference */
    uint32_t xid;
    fsw_hello(s, &xid);
    fsw_send_features(s, xid, dpid, 0);
    return s;
}

START_TEST(test_pinned_dpid_with_its_certificate_is_ready)
{
    struct tls_env env;
    tls_env_init(&env);
    tls_pin(&env, 0, TEST_DPID, "switch");
    struct fsw *s = tls_switch(&env, "switch", TEST_DPID);
    fsw_config(s);
    ck_assert(RUN_UNTIL(rec.n_ready == 1, STEP_TIMEOUT));
    ck_assert_ptr_eq(sl_datapaths_find(&dps, TEST_DPID), s->dp);
    ck_assert(sl_conn_is_tls(sl_datapath_conn(s->dp)));
    tls_env_uninit(&env);
}
END_TEST

START_TEST(test_pinned_dpid_with_another_certificate_is_refused)
{
    struct tls_env env;
    tls_env_init(&env);
    tls_pin(&env, 0, TEST_DPID, "switch");
    struct fsw *s = tls_switch(&env, "switch2", TEST_DPID);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert_int_eq(rec.n_ready, 0);
    ck_assert(fsw_log_has("dpid 0x0000000000000001 is pinned to another "
                          "certificate",
                          "ssl:fake"));
    tls_env_uninit(&env);
}
END_TEST

START_TEST(test_certificate_pinned_to_another_dpid_is_refused)
{
    struct tls_env env;
    tls_env_init(&env);
    tls_pin(&env, 0, 0x2, "switch");
    struct fsw *s = tls_switch(&env, "switch", TEST_DPID);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert_int_eq(rec.n_ready, 0);
    ck_assert(fsw_log_has("the certificate of ssl:fake is pinned to dpid "
                          "0x0000000000000002, not 0x0000000000000001",
                          NULL));
    tls_env_uninit(&env);
}
END_TEST

START_TEST(test_unpinned_certificate_and_dpid_are_accepted)
{
    struct tls_env env;
    tls_env_init(&env);
    tls_pin(&env, 0, 0x2, "switch");
    struct fsw *s = tls_switch(&env, "switch2", TEST_DPID);
    fsw_config(s);
    ck_assert(RUN_UNTIL(rec.n_ready == 1, STEP_TIMEOUT));
    tls_env_uninit(&env);
}
END_TEST

START_TEST(test_pinned_dpid_over_tcp_is_refused)
{
    static struct sl_config_pin pin = {.dpid = TEST_DPID};
    struct sl_dp_settings st = dps.settings;
    memset(pin.sha256, 0xab, sizeof pin.sha256);
    st.pins = &pin;
    st.n_pins = 1;
    sl_datapaths_configure(&dps, &st);
    struct fsw *s = fsw_connect("fake", NULL, NULL);
    uint32_t xid;
    fsw_hello(s, &xid);
    fsw_send_features(s, xid, TEST_DPID, 0);
    fsw_expect_closed(s);
    ck_assert(RUN_UNTIL(n_sessions() == 0, STEP_TIMEOUT));
    ck_assert(
        fsw_log_has("pinned to another certificate", "(it presented none)"));
    ck_assert_int_eq(rec.n_ready, 0);
}
END_TEST

static Suite *
datapath_suite(void)
{
    Suite *s = suite_create("datapath");

    TCase *tc = tcase_create("handshake");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hello_offers_only_13);
    tcase_add_test(tc, test_full_handshake_reaches_ready);
    tcase_add_test(tc, test_list_is_sorted_and_bounded);
    tcase_add_test(tc, test_hello_without_13_in_bitmap_fails);
    tcase_add_test(tc, test_hello_v1_without_bitmap_fails);
    tcase_add_test(tc, test_hello_v5_offering_13_is_accepted);
    tcase_add_test(tc, test_hello_v5_without_bitmap_is_accepted);
    tcase_add_test(tc, test_malformed_hello_fails);
    tcase_add_test(tc, test_features_reply_before_hello_closes);
    tcase_add_test(tc, test_echo_before_hello_closes);
    tcase_add_test(tc, test_tls_client_hello_on_tcp_closes);
    tcase_add_test(tc, test_bad_version_after_hello_closes);
    tcase_add_test(tc, test_error_during_handshake_closes);
    tcase_add_test(tc, test_auxiliary_connection_is_refused);
    tcase_add_test(tc, test_echo_answered_during_handshake);
    tcase_add_test(tc, test_handshake_deadline_closes);
    tcase_add_test(tc, test_handshake_deadline_without_hello);
    tcase_add_test(tc, test_handshake_deadline_in_config);
    suite_add_tcase(s, tc);

    tc = tcase_create("ready");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_echo_request_answered_with_same_xid_and_data);
    tcase_add_test(tc, test_undecodable_message_gets_error_and_session_stays);
    tcase_add_test(tc, test_too_many_malformed_messages_close);
    tcase_add_test(tc, test_flow_mod_from_switch_gets_bad_type);
    tcase_add_test(tc, test_replies_and_async_messages_are_passed_on);
    tcase_add_test(tc, test_silent_switch_is_closed_by_keepalive);
    tcase_add_test(tc, test_answered_echoes_keep_the_session);
    tcase_add_test(tc, test_keepalive_runs_during_handshake);
    tcase_add_test(tc, test_same_dpid_replaces_old_session);
    tcase_add_test(tc, test_packet_in_budget_drops_the_excess);
    tcase_add_test(tc, test_packet_in_rate_zero_is_unlimited);
    tcase_add_test(tc, test_packet_in_parsed_whole_by_default);
    tcase_add_test(tc, test_packet_in_parsed_to_l2_when_asked);
    tcase_add_test(tc, test_packet_in_with_short_frame_has_no_packet);
    tcase_add_test(tc, test_port_status_updates_the_table);
    tcase_add_test(tc, test_many_ports_grow_the_table);
    tcase_add_test(tc, test_send_before_ready_is_enotconn);
    tcase_add_test(tc, test_xids_are_fresh_and_nonzero);
    tcase_add_test(tc, test_packet_out_direct);
    tcase_add_test(tc, test_peer_close_calls_down_once);
    tcase_add_test(tc, test_close_calls_down_once_with_reason);
    tcase_add_test(tc, test_uninit_destroys_without_down);
    suite_add_tcase(s, tc);

    tc = tcase_create("pinning");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_pinned_dpid_with_its_certificate_is_ready);
    tcase_add_test(tc, test_pinned_dpid_with_another_certificate_is_refused);
    tcase_add_test(tc, test_certificate_pinned_to_another_dpid_is_refused);
    tcase_add_test(tc, test_unpinned_certificate_and_dpid_are_accepted);
    tcase_add_test(tc, test_pinned_dpid_over_tcp_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void);

int
main(void)
{
    /* As the daemon does: a peer closing first must not kill us. */
    signal(SIGPIPE, SIG_IGN);
    return test_run_suite(datapath_suite());
}
