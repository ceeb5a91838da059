/* test-rest-ryu: the Ryu-compatible /stats/... API (rest/ryu.c,
 * rest/ryu-write.c) on a real controller, its REST server and fake
 * switches over the real session path (test-api.h).
 *
 * Shapes are compared with Ryu's own output where the corpus has it
 * (ryu-ofctl-of13/ofctl_json: what get_*_stats() made of the packets of
 * ryu-of13/packet_data, which the fake switch sends back as its answer):
 * everything Ryu has must be in ours with the same value, except the
 * differences listed at corpus_reads[].  Every route of Ryu's own REST test
 * list (ryu-ofctl-of13/ofctl_rest_of13.json) is requested once and must
 * succeed; the rest are the paths beyond success: multipart parts merged,
 * timeouts, a switch or a client going away, switch errors, the flow
 * programmer's part of the writes (cookies, barriers, owners,
 * reconciliation after a FLOW_MOD sent around it), bad input, the token. */
#include <config.h>
#include "rest/ryu.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>
#include "controller/apphost.h"
#include "ofproto/ofp-json.h"
#include "test/test-api.h"
#include "test/test-loop.h"
#include "test/test-json.h"
#include "test/test-util.h"

#define TOKEN "s3cret"

static struct fsw *sw1;

static void
setup(void)
{
    rest_ryu_set_timeout(0);
    tapi_setup(NULL, NULL);
    sw1 = tapi_switch(1);
}

static void
setup_token(void)
{
    rest_ryu_set_timeout(0);
    tapi_setup(TOKEN, NULL);
    sw1 = tapi_switch(1);
}

static void
teardown(void)
{
    tapi_teardown();
    rest_ryu_set_timeout(0);
    sw1 = NULL;
}

/* ---- helpers ---- */

/* Asserts that 'got' equals the JSON 'text', written with ' for ". */
static void
expect_json_(const json_t *got, const char *text, const char *file, int line)
{
    char *buf = strdup(text);
    json_error_t err;

    ck_assert_ptr_nonnull(buf);
    for (char *p = buf; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    json_t *exp = json_loads(buf, JSON_DECODE_ANY, &err);
    ck_assert_msg(exp != NULL, "%s:%d: bad expected JSON: %s", file, line,
                  err.text);
    char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    char *e = json_dumps(exp, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    ck_assert_msg(json_equal((json_t *) got, exp), "%s:%d:\n got %s\nwant %s",
                  file, line, g, e);
    free(g);
    free(e);
    json_decref(exp);
    free(buf);
}
#define expect_json(GOT, TEXT) expect_json_(GOT, TEXT, __FILE__, __LINE__)

/* Asserts the error body of a failed request: its "error", and that its
 * "detail" contains 'detail' (unless NULL). */
static void
expect_error(const json_t *j, const char *error, const char *detail)
{
    const char *e = json_string_value(json_object_get(j, "error"));
    const char *d = json_string_value(json_object_get(j, "detail"));

    ck_assert_msg(e && !strcmp(e, error), "error %s, want %s", e ? e : "-",
                  error);
    if (detail) {
        ck_assert_msg(d && strstr(d, detail), "detail '%s' lacks '%s'",
                      d ? d : "-", detail);
    }
}

/* True once the controller sent 's' something not yet read. */
static bool
rx_pending(const struct fsw *s)
{
    return s->next < s->n_rx;
}

/* Waits until the request is answered; fails if the switch is sent
 * anything meanwhile. */
static int
wait_quiet(struct tapi_http *h)
{
    int status = tapi_http_wait(h);
    ck_assert_msg(!rx_pending(sw1), "the switch got a message");
    return status;
}

/* Runs the loop a little and asserts the request is not answered. */
static void
expect_pending(struct tapi_http *h)
{
    test_loop_run_for(tapi.base, 0.05);
    ck_assert_msg(!tapi_http_done(h), "answered early: %d %s",
                  tapi_http_wait(h), tapi_http_body(h));
}

/* Answers 'm' (a request the switch got) with an empty reply of its kind,
 * as a switch with nothing configured would.  Commands get nothing. */
static void
answer_empty(struct fsw *s, const struct ofp_msg *m)
{
    static struct ofp_desc desc = {"mfr", "hw", "sw", "serial", "dp"};
    struct ofp_msg r;

    switch (m->type) {
    case OFPT_MULTIPART_REQUEST:
        ofp_msg_init(&r, OFPT_MULTIPART_REPLY, m->xid);
        r.mp_reply.type = m->mp_request.type;
        if (r.mp_reply.type == OFPMP_DESC) {
            r.mp_reply.desc = &desc;
        }
        fsw_send(s, &r);
        break;
    case OFPT_BARRIER_REQUEST:
        ofp_msg_init(&r, OFPT_BARRIER_REPLY, m->xid);
        fsw_send(s, &r);
        break;
    case OFPT_QUEUE_GET_CONFIG_REQUEST:
        ofp_msg_init(&r, OFPT_QUEUE_GET_CONFIG_REPLY, m->xid);
        r.queue_get_config_reply.port = m->queue_get_config_request.port;
        fsw_send(s, &r);
        break;
    case OFPT_ROLE_REQUEST:
        ofp_msg_init(&r, OFPT_ROLE_REPLY, m->xid);
        r.role.role = OFPCR_ROLE_EQUAL;
        fsw_send(s, &r);
        break;
    default:
        break;
    }
}

/* Answers what 's' gets, as answer_empty(), until 'h' is answered;
 * returns the status. */
static int
serve_until_done(struct fsw *s, struct tapi_http *h)
{
    double deadline = test_loop_now() + FSW_STEP_TIMEOUT;

    while (!tapi_http_done(h)) {
        ck_assert_msg(test_loop_now() < deadline, "no answer");
        TEST_LOOP_UNTIL(tapi.base, tapi_http_done(h) || rx_pending(s), 0.05);
        if (rx_pending(s)) {
            struct ofp_msg m;
            fsw_next(s, &m);
            answer_empty(s, &m);
        }
    }
    return tapi_http_wait(h);
}

static void
send_barrier_reply(struct fsw *s, uint32_t xid)
{
    struct ofp_msg r;
    ofp_msg_init(&r, OFPT_BARRIER_REPLY, xid);
    fsw_send(s, &r);
}

static void
send_error(struct fsw *s, uint32_t xid, uint16_t type, uint16_t code)
{
    static const uint8_t data[8] = {4, 0, 0, 8};
    struct ofp_msg r;
    ofp_msg_init(&r, OFPT_ERROR, xid);
    r.error.type = type;
    r.error.code = code;
    r.error.data = data;
    r.error.len = sizeof data;
    fsw_send(s, &r);
}

/* Sends a flow stats reply part with 'n' of 'stats'. */
static void
send_flow_stats(struct fsw *s, uint32_t xid, struct ofp_flow_stats *stats,
                size_t n, bool more)
{
    struct ofp_msg r;
    ofp_msg_init(&r, OFPT_MULTIPART_REPLY, xid);
    r.mp_reply.type = OFPMP_FLOW;
    r.mp_reply.flags = more ? OFPMPF_REPLY_MORE : 0;
    r.mp_reply.flow.n = n;
    r.mp_reply.flow.stats = stats;
    fsw_send(s, &r);
}

static uint16_t
rest_owner(void)
{
    return sl_apps_owner_rest();
}

/* A flow stats entry: priority 'prio', in_port 'in' -> output 'out',
 * cookie 'cookie', table 0. */
struct tstats {
    struct ofp_oxm oxm;
    struct ofp_action act;
    struct ofp_instruction inst;
    struct ofp_flow_stats fs;
};

static void
tstats_init(struct tstats *t, uint16_t prio, uint32_t in, uint32_t out,
            uint64_t cookie)
{
    memset(t, 0, sizeof *t);
    ofp_oxm_init_basic(&t->oxm, OFPXMT_OFB_IN_PORT);
    t->oxm.value.u32 = in;
    t->act.type = OFPAT_OUTPUT;
    t->act.output.port = out;
    t->act.output.max_len = OFPCML_MAX;
    t->inst.type = OFPIT_APPLY_ACTIONS;
    t->inst.actions.n = 1;
    t->inst.actions.actions = &t->act;
    t->fs.priority = prio;
    t->fs.cookie = cookie;
    t->fs.match.type = OFPMT_OXM;
    t->fs.match.n_oxms = 1;
    t->fs.match.oxms = &t->oxm;
    t->fs.instructions.n = 1;
    t->fs.instructions.instructions = &t->inst;
}

/* The match {in_port: 'in'} (OXM in 'oxm'). */
static struct ofp_match
in_port_match(struct ofp_oxm *oxm, uint32_t in)
{
    struct ofp_match m = {.type = OFPMT_OXM, .n_oxms = 1, .oxms = oxm};
    ofp_oxm_init_basic(oxm, OFPXMT_OFB_IN_PORT);
    oxm->value.u32 = in;
    return m;
}

/* POST 'path' with 'body' and the token (if the fixture has one). */
static struct tapi_http *
post(const char *path, const char *body)
{
    return tapi_http_start("POST", path, body, TOKEN);
}

/* Adds REST flow {priority 'prio', in_port 'in' -> output 'out', cookie
 * 'cookie'} through the API and answers its FLOW_MOD's barrier. */
static void
rest_add(uint16_t prio, uint32_t in, uint32_t out, uint64_t cookie)
{
    char body[256];
    struct ofp_msg m;

    snprintf(body, sizeof body,
             "{\"dpid\": 1, \"cookie\": %" PRIu64 ", \"priority\": %u, "
             "\"match\": {\"in_port\": %u}, \"actions\": [{\"type\": "
             "\"OUTPUT\", \"port\": %u}]}",
             cookie, (unsigned) prio, (unsigned) in, (unsigned) out);
    struct tapi_http *h = post("/stats/flowentry/add", body);
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(rest_owner(), cookie));
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(wait_quiet(h), 200);
    tapi_http_free(h);
}

/* ---- corpus comparison ---- */

/* Keys of Ryu's replies we fill differently (see the table below). */
static const char *const ign_length[] = {"length", NULL};
static const char *const ign_len[] = {"len", NULL};

/* Loads a corpus JSON file (numbers above INT64_MAX: all numbers as
 * reals). */
static json_t *
load_corpus_json(const char *path)
{
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    if (!j) {
        j = json_load_file(path, JSON_DECODE_INT_AS_REAL, &err);
    }
    return j;
}

/* One read of the corpus: the route, what the switch must be asked, the
 * packet it answers with, and the differences from Ryu's output. */
struct corpus_read {
    const char *path;
    uint8_t type;     /* the request the switch gets */
    uint16_t mp_type; /* multipart kind */
    const char *name; /* 4-NN-ofp_..._reply.packet */
    struct test_json_rules rules;
};

/* The differences: flow stats "length" (Ryu's file has 0, built by hand;
 * we report the wire length), queue config "len" (wire lengths Ryu's
 * get_queue_config() does not report either), meter features band_types
 * (Ryu drops a bit it has no name for; we keep it as a number). */
static const struct corpus_read corpus_reads[] = {
    {"/stats/desc/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_DESC,
     "4-0-ofp_desc_reply.packet",
     {NULL, NULL}},
    {"/stats/flow/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_FLOW,
     "4-12-ofp_flow_stats_reply.packet",
     {ign_length, NULL}},
    {"/stats/aggregateflow/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_AGGREGATE,
     "4-26-ofp_aggregate_stats_reply.packet",
     {NULL, NULL}},
    {"/stats/table/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_TABLE,
     "4-28-ofp_table_stats_reply.packet",
     {NULL, NULL}},
    {"/stats/port/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_PORT_STATS,
     "4-30-ofp_port_stats_reply.packet",
     {NULL, NULL}},
    {"/stats/groupfeatures/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_GROUP_FEATURES,
     "4-32-ofp_group_features_reply.packet",
     {NULL, NULL}},
    {"/stats/groupdesc/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_GROUP_DESC,
     "4-34-ofp_group_desc_reply.packet",
     {NULL, NULL}},
    {"/stats/queueconfig/1",
     OFPT_QUEUE_GET_CONFIG_REQUEST,
     0,
     "4-36-ofp_queue_get_config_reply.packet",
     {ign_len, NULL}},
    {"/stats/queue/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_QUEUE,
     "4-38-ofp_queue_stats_reply.packet",
     {NULL, NULL}},
    {"/stats/meterconfig/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_METER_CONFIG,
     "4-48-ofp_meter_config_reply.packet",
     {NULL, NULL}},
    {"/stats/meter/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_METER,
     "4-50-ofp_meter_stats_reply.packet",
     {NULL, NULL}},
    {"/stats/meterfeatures/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_METER_FEATURES,
     "4-52-ofp_meter_features_reply.packet",
     {NULL, "band_types"}},
    {"/stats/portdesc/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_PORT_DESC,
     "4-54-ofp_port_desc_reply.packet",
     {NULL, NULL}},
    {"/stats/tablefeatures/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_TABLE_FEATURES,
     "4-56-ofp_table_features_reply.packet",
     {NULL, NULL}},
    {"/stats/group/1",
     OFPT_MULTIPART_REQUEST,
     OFPMP_GROUP,
     "4-58-ofp_group_stats_reply.packet",
     {NULL, NULL}},
};

START_TEST(test_reads_match_ryu_corpus)
{
    const struct corpus_read *cr = &corpus_reads[_i];
    size_t len;
    uint8_t *packet =
        test_read_corpus(&len, "ryu-of13/packet_data/%s", cr->name);

    if (!packet) {
        return;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/ryu-ofctl-of13/ofctl_json/%s.json",
             test_corpus_dir(), cr->name);
    json_t *exp = load_corpus_json(path);
    ck_assert_msg(exp != NULL, "%s: unreadable", path);

    struct tapi_http *h = tapi_http_start("GET", cr->path, NULL, NULL);
    struct ofp_msg m;
    fsw_expect(sw1, cr->type, &m);
    if (cr->type == OFPT_MULTIPART_REQUEST) {
        ck_assert_uint_eq(m.mp_request.type, cr->mp_type);
        ck_assert_uint_eq(m.mp_request.flags, 0);
    }
    uint32_t xid = m.xid;
    ofp_store_be32(packet + 4, xid);
    fsw_send_raw(sw1, packet, len);
    if (packet[1] == OFPT_MULTIPART_REPLY &&
        (ofp_load_be16(packet + 10) & OFPMPF_REPLY_MORE)) {
        /* The corpus packet says more follows: the last part, empty. */
        expect_pending(h);
        struct ofp_msg r;
        ofp_msg_init(&r, OFPT_MULTIPART_REPLY, xid);
        r.mp_reply.type = cr->mp_type;
        fsw_send(sw1, &r);
    }
    ck_assert_int_eq(wait_quiet(h), 200);
    json_t *got = tapi_http_json(h);
    char why[1024];
    ck_assert_msg(
        test_json_subset(exp, got, "reply", &cr->rules, why, sizeof why),
        "%s: %s", cr->path, why);
    /* Nothing else than the dpid's entry. */
    ck_assert_uint_eq(json_object_size(got), 1);
    json_decref(got);
    json_decref(exp);
    tapi_http_free(h);
    free(packet);
}
END_TEST

/* Ryu's flow stats filter of the corpus (4-11: table 0; 4-25: every
 * table) gives the corpus's request bytes. */
START_TEST(test_flow_stats_request_matches_ryu_corpus)
{
    static const struct {
        const char *path, *name;
    } cases[] = {
        {"/stats/flow/1", "4-11-ofp_flow_stats_request.packet"},
        {"/stats/aggregateflow/1", "4-25-ofp_aggregate_stats_request.packet"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        uint8_t *want =
            test_read_corpus(&len, "ryu-of13/packet_data/%s", cases[i].name);
        if (!want) {
            return;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/ryu-ofctl-of13/ofctl_json/%s.json",
                 test_corpus_dir(), cases[i].name);
        json_t *exp = load_corpus_json(path);
        ck_assert_ptr_nonnull(exp);
        char *body = json_dumps(json_object_get(exp, "flow"), 0);

        struct tapi_http *h = post(cases[i].path, body);
        struct ofp_msg m;
        const struct fsw_rx *rx = fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
        ofp_store_be32(want + 4, m.xid);
        test_assert_bytes(rx->data, rx->len, want, len);
        answer_empty(sw1, &m);
        ck_assert_int_eq(wait_quiet(h), 200);
        tapi_http_free(h);
        free(body);
        json_decref(exp);
        free(want);
    }
}
END_TEST

/* Every request of Ryu's own REST test list succeeds, but for the three
 * strict flow entries of body {"dpid": 1}: table 0, priority 0, empty
 * match is the pipeline's table-miss flow, which the controller owns, so
 * adding over it, modifying or deleting it strictly is refused (409). */
START_TEST(test_every_ryu_route)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/ryu-ofctl-of13/ofctl_rest_of13.json",
             test_corpus_dir() ? test_corpus_dir() : "/nonexistent");
    json_t *list = json_load_file(path, 0, NULL);
    if (!test_corpus_dir()) {
        printf("# SKIP corpus absent\n");
        return;
    }
    ck_assert_msg(json_is_array(list), "%s: unreadable", path);

    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *method = json_string_value(json_object_get(e, "method"));
        const char *p = json_string_value(json_object_get(e, "path"));
        json_t *b = json_object_get(e, "body");
        char *body = b ? json_dumps(b, 0) : NULL;

        bool miss = body != NULL && !strcmp(body, "{\"dpid\": 1}")
                    && (!strcmp(p, "/stats/flowentry/add")
                        || !strcmp(p, "/stats/flowentry/modify_strict")
                        || !strcmp(p, "/stats/flowentry/delete_strict"));
        struct tapi_http *h = tapi_http_start(method, p, body, TOKEN);
        int status = serve_until_done(sw1, h);
        ck_assert_msg(status == (miss ? 409 : 200), "%s %s: %d %s", method,
                      p, status, tapi_http_body(h));
        tapi_http_free(h);
        free(body);
        /* clear, modify and delete reconcile the switch afterwards. */
        tapi_settle(sw1);
    }
    ck_assert_uint_eq(i, 38);
    json_decref(list);
    ck_assert_uint_eq(sl_xacts_count(tapi.ctl.xacts), 0);
}
END_TEST

/* ---- reads ---- */

START_TEST(test_switches_sorted_integers)
{
    json_t *j;

    ck_assert_int_eq(tapi_request("GET", "/stats/switches", NULL, NULL, &j),
                     200);
    expect_json(j, "[1]");
    json_decref(j);
    tapi_switch(UINT64_C(0xfedcba9876543210));
    tapi_switch(3);
    ck_assert_int_eq(tapi_request("GET", "/stats/switches", NULL, NULL, &j),
                     200);
    ck_assert_uint_eq(json_array_size(j), 3);
    ck_assert_int_eq(json_integer_value(json_array_get(j, 0)), 1);
    ck_assert_int_eq(json_integer_value(json_array_get(j, 1)), 3);
    /* Above INT64_MAX: a decimal string (jansson cannot hold it). */
    ck_assert_str_eq(json_string_value(json_array_get(j, 2)),
                     "18364758544493064720");
    json_decref(j);
}
END_TEST

/* Two parts of a flow stats reply make one list, in order; the REST
 * owner's cookies show the client's; a priority filter applies. */
START_TEST(test_flow_stats_parts_merged)
{
    struct tstats a, b, c;
    struct ofp_msg m;

    tstats_init(&a, 10, 1, 2, SL_COOKIE(rest_owner(), 77));
    tstats_init(&b, 20, 2, 1, 0x1234);
    tstats_init(&c, 10, 3, 1, SL_COOKIE(SL_OWNER_CORE, 5));

    struct tapi_http *h = tapi_http_start("GET", "/stats/flow/1", NULL, NULL);
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_uint_eq(m.mp_request.flow.table_id, OFPTT_ALL);
    ck_assert_uint_eq(m.mp_request.flow.out_port, OFPP_ANY);
    ck_assert_uint_eq(m.mp_request.flow.out_group, OFPG_ANY);
    ck_assert_uint_eq(m.mp_request.flow.cookie_mask, 0);
    send_flow_stats(sw1, m.xid, &a.fs, 1, true);
    expect_pending(h);
    struct ofp_flow_stats two[2] = {b.fs, c.fs};
    send_flow_stats(sw1, m.xid, two, 2, false);
    ck_assert_int_eq(wait_quiet(h), 200);
    json_t *j = tapi_http_json(h);
    json_t *list = json_object_get(j, "1");
    ck_assert_uint_eq(json_array_size(list), 3);
    json_t *e0 = json_array_get(list, 0);
    ck_assert_int_eq(json_integer_value(json_object_get(e0, "cookie")), 77);
    ck_assert_int_eq(json_integer_value(json_object_get(e0, "priority")), 10);
    expect_json(json_object_get(e0, "match"), "{'in_port': 1}");
    expect_json(json_object_get(e0, "actions"), "['OUTPUT:2']");
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_array_get(list, 1), "cookie")),
        0x1234);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_array_get(list, 2), "cookie")),
        (json_int_t) SL_COOKIE(SL_OWNER_CORE, 5));
    json_decref(j);
    tapi_http_free(h);

    /* POST filter: priority 10 only, cookie 77 of the REST owner. */
    h = post("/stats/flow/1",
             "{\"priority\": 10, \"cookie\": 77, \"cookie_mask\": "
             "\"0xffffffffffffffff\", \"table_id\": 0}");
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_uint_eq(m.mp_request.flow.table_id, 0);
    ck_assert_uint_eq(m.mp_request.flow.cookie, SL_COOKIE(rest_owner(), 77));
    ck_assert_uint_eq(m.mp_request.flow.cookie_mask, UINT64_MAX);
    struct ofp_flow_stats all[3] = {a.fs, b.fs, c.fs};
    send_flow_stats(sw1, m.xid, all, 3, false);
    ck_assert_int_eq(wait_quiet(h), 200);
    j = tapi_http_json(h);
    list = json_object_get(j, "1");
    ck_assert_uint_eq(json_array_size(list), 2);
    ck_assert_int_eq(json_integer_value(
                         json_object_get(json_array_get(list, 1), "priority")),
                     10);
    json_decref(j);
    tapi_http_free(h);
}
END_TEST

/* Objects of several parts: one per part, as Ryu appends them. */
START_TEST(test_aggregate_parts_merged)
{
    struct ofp_msg m, r;

    struct tapi_http *h =
        tapi_http_start("GET", "/stats/aggregateflow/1", NULL, NULL);
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_uint_eq(m.mp_request.type, OFPMP_AGGREGATE);
    ofp_msg_init(&r, OFPT_MULTIPART_REPLY, m.xid);
    r.mp_reply.type = OFPMP_AGGREGATE;
    r.mp_reply.flags = OFPMPF_REPLY_MORE;
    r.mp_reply.aggregate.flow_count = 3;
    r.mp_reply.aggregate.packet_count = 30;
    r.mp_reply.aggregate.byte_count = 300;
    fsw_send(sw1, &r);
    r.mp_reply.flags = 0;
    r.mp_reply.aggregate.flow_count = 1;
    fsw_send(sw1, &r);
    ck_assert_int_eq(wait_quiet(h), 200);
    json_t *j = tapi_http_json(h);
    expect_json(j, "{'1': [{'flow_count': 3, 'packet_count': 30, "
                   "'byte_count': 300}, {'flow_count': 1, 'packet_count': "
                   "30, 'byte_count': 300}]}");
    json_decref(j);
    tapi_http_free(h);
}
END_TEST

/* Path values: what each read asks the switch for. */
START_TEST(test_read_path_values)
{
    static const struct {
        const char *path;
        uint16_t mp_type;
        uint32_t a, b; /* port/group/meter, queue */
    } cases[] = {
        {"/stats/port/1", OFPMP_PORT_STATS, OFPP_ANY, 0},
        {"/stats/port/1/7", OFPMP_PORT_STATS, 7, 0},
        {"/stats/port/1/ALL", OFPMP_PORT_STATS, OFPP_ANY, 0},
        {"/stats/port/1/LOCAL", OFPMP_PORT_STATS, OFPP_LOCAL, 0},
        {"/stats/port/1/0x10", OFPMP_PORT_STATS, 16, 0},
        {"/stats/queue/1", OFPMP_QUEUE, OFPP_ANY, OFPQ_ALL},
        {"/stats/queue/1/7", OFPMP_QUEUE, 7, OFPQ_ALL},
        {"/stats/queue/1/7/1", OFPMP_QUEUE, 7, 1},
        {"/stats/queue/1/ALL/ALL", OFPMP_QUEUE, OFPP_ANY, OFPQ_ALL},
        {"/stats/group/1", OFPMP_GROUP, OFPG_ALL, 0},
        {"/stats/group/1/1", OFPMP_GROUP, 1, 0},
        {"/stats/group/1/all", OFPMP_GROUP, OFPG_ALL, 0},
        {"/stats/meter/1", OFPMP_METER, OFPM_ALL, 0},
        {"/stats/meter/1/1", OFPMP_METER, 1, 0},
        {"/stats/meterconfig/1/1", OFPMP_METER_CONFIG, 1, 0},
        {"/stats/meterconfig/1/CONTROLLER", OFPMP_METER_CONFIG,
         OFPM_CONTROLLER, 0},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ofp_msg m;
        struct tapi_http *h =
            tapi_http_start("GET", cases[i].path, NULL, NULL);
        fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
        ck_assert_uint_eq(m.mp_request.type, cases[i].mp_type);
        switch (cases[i].mp_type) {
        case OFPMP_PORT_STATS:
            ck_assert_uint_eq(m.mp_request.port_no, cases[i].a);
            break;
        case OFPMP_QUEUE:
            ck_assert_uint_eq(m.mp_request.queue.port_no, cases[i].a);
            ck_assert_uint_eq(m.mp_request.queue.queue_id, cases[i].b);
            break;
        case OFPMP_GROUP:
            ck_assert_uint_eq(m.mp_request.group_id, cases[i].a);
            break;
        default:
            ck_assert_uint_eq(m.mp_request.meter_id, cases[i].a);
            break;
        }
        answer_empty(sw1, &m);
        ck_assert_msg(wait_quiet(h) == 200, "%s", cases[i].path);
        tapi_http_free(h);
    }

    /* Queue config of one port. */
    struct ofp_msg m;
    struct tapi_http *h =
        tapi_http_start("GET", "/stats/queueconfig/1/3", NULL, NULL);
    fsw_expect(sw1, OFPT_QUEUE_GET_CONFIG_REQUEST, &m);
    ck_assert_uint_eq(m.queue_get_config_request.port, 3);
    answer_empty(sw1, &m);
    ck_assert_int_eq(wait_quiet(h), 200);
    json_t *j = tapi_http_json(h);
    expect_json(j, "{'1': [{'port': 3, 'queues': []}]}");
    json_decref(j);
    tapi_http_free(h);

    /* Bad values: 400 before anything is sent. */
    static const char *const bad[] = {
        "/stats/port/1/CONTROLER",   "/stats/port/1/-1",
        "/stats/port/1/0x100000000", "/stats/queue/1/1/x",
        "/stats/group/1/ANYTHING",   "/stats/meter/1/1.5",
        "/stats/portdesc/1/x",       "/stats/groupdesc/1/x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(tapi_request("GET", bad[i], NULL, NULL, &j) == 400, "%s",
                      bad[i]);
        expect_error(j, "bad path", NULL);
        json_decref(j);
    }
    ck_assert(!rx_pending(sw1));
}
END_TEST

/* portdesc/{port} and groupdesc/{group_id} filter the whole reply. */
START_TEST(test_desc_filters)
{
    struct ofp_msg m, r;
    struct ofp_port ports[3] = {fsw_make_port(1, "p1"), fsw_make_port(2, "p2"),
                                fsw_make_port(OFPP_LOCAL, "br")};

    struct tapi_http *h =
        tapi_http_start("GET", "/stats/portdesc/1/2", NULL, NULL);
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_uint_eq(m.mp_request.type, OFPMP_PORT_DESC);
    ofp_msg_init(&r, OFPT_MULTIPART_REPLY, m.xid);
    r.mp_reply.type = OFPMP_PORT_DESC;
    r.mp_reply.port_desc.n = 3;
    r.mp_reply.port_desc.ports = ports;
    fsw_send(sw1, &r);
    ck_assert_int_eq(wait_quiet(h), 200);
    json_t *j = tapi_http_json(h);
    json_t *list = json_object_get(j, "1");
    ck_assert_uint_eq(json_array_size(list), 1);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(list, 0), "name")),
        "p2");
    json_decref(j);
    tapi_http_free(h);

    h = tapi_http_start("GET", "/stats/portdesc/1/LOCAL", NULL, NULL);
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    r.xid = m.xid;
    fsw_send(sw1, &r);
    ck_assert_int_eq(wait_quiet(h), 200);
    j = tapi_http_json(h);
    list = json_object_get(j, "1");
    ck_assert_uint_eq(json_array_size(list), 1);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(list, 0), "port_no")),
        "LOCAL");
    json_decref(j);
    tapi_http_free(h);

    struct ofp_group_desc groups[2];
    memset(groups, 0, sizeof groups);
    groups[0].group_id = 7;
    groups[1].group_id = 8;
    groups[1].type = OFPGT_INDIRECT;
    h = tapi_http_start("GET", "/stats/groupdesc/1/8", NULL, NULL);
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_uint_eq(m.mp_request.type, OFPMP_GROUP_DESC);
    ofp_msg_init(&r, OFPT_MULTIPART_REPLY, m.xid);
    r.mp_reply.type = OFPMP_GROUP_DESC;
    r.mp_reply.group_desc.n = 2;
    r.mp_reply.group_desc.descs = groups;
    fsw_send(sw1, &r);
    ck_assert_int_eq(wait_quiet(h), 200);
    j = tapi_http_json(h);
    list = json_object_get(j, "1");
    ck_assert_uint_eq(json_array_size(list), 1);
    ck_assert_int_eq(json_integer_value(
                         json_object_get(json_array_get(list, 0), "group_id")),
                     8);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(list, 0), "type")),
        "INDIRECT");
    json_decref(j);
    tapi_http_free(h);
}
END_TEST

START_TEST(test_role_read)
{
    struct ofp_msg m, r;

    struct tapi_http *h = tapi_http_start("GET", "/stats/role/1", NULL, NULL);
    fsw_expect(sw1, OFPT_ROLE_REQUEST, &m);
    ck_assert_uint_eq(m.role.role, OFPCR_ROLE_NOCHANGE);
    ofp_msg_init(&r, OFPT_ROLE_REPLY, m.xid);
    r.role.role = OFPCR_ROLE_MASTER;
    r.role.generation_id = 9;
    fsw_send(sw1, &r);
    ck_assert_int_eq(wait_quiet(h), 200);
    json_t *j = tapi_http_json(h);
    expect_json(j, "{'1': [{'role': 'MASTER', 'generation_id': 9}]}");
    json_decref(j);
    tapi_http_free(h);
}
END_TEST

/* Datapath ids as Python's int(s, 0). */
START_TEST(test_dpid_forms)
{
    static const char *const good[] = {
        "/stats/desc/1",   "/stats/desc/0x1", "/stats/desc/0X01",
        "/stats/desc/0b1", "/stats/desc/0o1",
    };
    static const char *const bad[] = {
        "/stats/desc/01",  "/stats/desc/abc",
        "/stats/desc/1x",  "/stats/desc/-1",
        "/stats/desc/0x",  "/stats/desc/18446744073709551616",
        "/stats/desc/1.0",
    };
    json_t *j;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct tapi_http *h = tapi_http_start("GET", good[i], NULL, NULL);
        ck_assert_msg(serve_until_done(sw1, h) == 200, "%s", good[i]);
        j = tapi_http_json(h);
        ck_assert_ptr_nonnull(json_object_get(j, "1"));
        json_decref(j);
        tapi_http_free(h);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(tapi_request("GET", bad[i], NULL, NULL, &j) == 400, "%s",
                      bad[i]);
        expect_error(j, "bad dpid", NULL);
        json_decref(j);
    }
    ck_assert_int_eq(tapi_request("GET", "/stats/desc/2", NULL, NULL, &j),
                     404);
    expect_error(j, "no such switch", "0000000000000002 is not connected");
    json_decref(j);
    ck_assert_int_eq(tapi_request("GET", "/stats/flow/0x2", NULL, NULL, &j),
                     404);
    json_decref(j);
    ck_assert_int_eq(
        tapi_request("DELETE", "/stats/flowentry/clear/2", NULL, NULL, &j),
        404);
    json_decref(j);
    /* Not served: OpenFlow 1.4. */
    ck_assert_int_eq(tapi_request("GET", "/stats/queuedesc/1", NULL, NULL, &j),
                     404);
    json_decref(j);
    ck_assert(!rx_pending(sw1));
}
END_TEST

START_TEST(test_read_timeout_504)
{
    struct ofp_msg m;

    rest_ryu_set_timeout(0.2);
    struct tapi_http *h = tapi_http_start("GET", "/stats/desc/1", NULL, NULL);
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_int_eq(wait_quiet(h), 504);
    json_t *j = tapi_http_json(h);
    expect_error(j, "switch timeout", "did not answer");
    json_decref(j);
    tapi_http_free(h);
    ck_assert_uint_eq(sl_xacts_count(tapi.ctl.xacts), 0);
    /* A late answer goes nowhere. */
    answer_empty(sw1, &m);
    test_loop_run_for(tapi.base, 0.05);
}
END_TEST

START_TEST(test_read_switch_gone_503)
{
    struct ofp_msg m;

    struct tapi_http *h = tapi_http_start("GET", "/stats/table/1", NULL, NULL);
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    sl_datapath_close(sw1->dp, "test");
    ck_assert_int_eq(tapi_http_wait(h), 503);
    json_t *j = tapi_http_json(h);
    expect_error(j, "switch disconnected", NULL);
    json_decref(j);
    tapi_http_free(h);
    ck_assert_uint_eq(sl_xacts_count(tapi.ctl.xacts), 0);
}
END_TEST

START_TEST(test_read_client_gone)
{
    struct ofp_msg m;

    struct tapi_http *h = tapi_http_start("GET", "/stats/flow/1", NULL, NULL);
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_uint_eq(sl_xacts_count(tapi.ctl.xacts), 1);
    tapi_http_free(h);
    ck_assert(
        TEST_LOOP_UNTIL(tapi.base, sl_xacts_count(tapi.ctl.xacts) == 0, 2.0));
    /* The switch answers after all: dropped, nothing breaks. */
    answer_empty(sw1, &m);
    test_loop_run_for(tapi.base, 0.05);

    /* And the API goes on. */
    h = tapi_http_start("GET", "/stats/flow/1", NULL, NULL);
    ck_assert_int_eq(serve_until_done(sw1, h), 200);
    tapi_http_free(h);
}
END_TEST

/* Gone in the middle of a multipart reply. */
START_TEST(test_read_client_gone_mid_parts)
{
    struct tstats a;
    struct ofp_msg m;

    tstats_init(&a, 1, 1, 2, 0);
    struct tapi_http *h = tapi_http_start("GET", "/stats/flow/1", NULL, NULL);
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    send_flow_stats(sw1, m.xid, &a.fs, 1, true);
    test_loop_run_for(tapi.base, 0.05);
    tapi_http_free(h);
    ck_assert(
        TEST_LOOP_UNTIL(tapi.base, sl_xacts_count(tapi.ctl.xacts) == 0, 2.0));
    send_flow_stats(sw1, m.xid, &a.fs, 1, false);
    test_loop_run_for(tapi.base, 0.05);
}
END_TEST

START_TEST(test_read_switch_error_400)
{
    struct ofp_msg m;

    struct tapi_http *h =
        tapi_http_start("GET", "/stats/meterfeatures/1", NULL, NULL);
    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    send_error(sw1, m.xid, OFPET_BAD_REQUEST, 2); /* OFPBRC_BAD_MULTIPART */
    ck_assert_int_eq(wait_quiet(h), 400);
    json_t *j = tapi_http_json(h);
    expect_json(j, "{'error': 'switch refused the request', 'detail': "
                   "'OFPBRC_BAD_MULTIPART (type 1, code 2)', 'err_type': 1, "
                   "'code': 2, 'name': 'OFPBRC_BAD_MULTIPART'}");
    json_decref(j);
    tapi_http_free(h);
}
END_TEST

START_TEST(test_read_bad_filter_400)
{
    json_t *j;

    ck_assert_int_eq(tapi_request("POST", "/stats/flow/1",
                                  "{\"match\": {\"in_prot\": 1}}", NULL, &j),
                     400);
    expect_error(j, "bad request body", "in_prot");
    json_decref(j);
    ck_assert_int_eq(tapi_request("POST", "/stats/aggregateflow/1",
                                  "{\"table_id\": ", NULL, &j),
                     400);
    expect_error(j, "malformed JSON", NULL);
    json_decref(j);
    ck_assert_int_eq(tapi_request("POST", "/stats/flow/1",
                                  "{\"priority\": 70000}", NULL, &j),
                     400);
    json_decref(j);
    ck_assert(!rx_pending(sw1));
}
END_TEST

/* ---- writes: flows through the flow programmer ---- */

/* The FLOW_MOD carries the REST owner's cookie; the answer waits for the
 * barrier. */
START_TEST(test_flow_add_after_barrier)
{
    struct ofp_msg m;

    struct tapi_http *h =
        post("/stats/flowentry/add",
             "{\"dpid\": 1, \"cookie\": 1099511627775, \"table_id\": 2, "
             "\"priority\": 11, \"idle_timeout\": 30, \"flags\": 1, "
             "\"match\": {\"in_port\": 1, \"dl_type\": 2048, \"nw_dst\": "
             "\"10.0.0.0/8\"}, \"actions\": [{\"type\": \"OUTPUT\", "
             "\"port\": 2}]}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    const struct ofp_flow_mod *fm = &m.flow_mod;
    ck_assert_uint_eq(fm->command, OFPFC_ADD);
    ck_assert_uint_eq(fm->cookie,
                      SL_COOKIE(rest_owner(), (UINT64_C(1) << 40) - 1));
    ck_assert(SL_COOKIE_IS_SLUICE(fm->cookie));
    ck_assert_uint_eq(SL_COOKIE_OWNER(fm->cookie), rest_owner());
    ck_assert_uint_eq(fm->table_id, 2);
    ck_assert_uint_eq(fm->priority, 11);
    ck_assert_uint_eq(fm->idle_timeout, 30);
    ck_assert_uint_eq(fm->flags, 1);
    ck_assert_uint_eq(fm->match.n_oxms, 3);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    expect_pending(h);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(wait_quiet(h), 200);
    ck_assert_str_eq(tapi_http_body(h), "");
    tapi_http_free(h);

    uint16_t owner;
    uint64_t cookie;
    struct ofp_oxm oxm[3];
    memset(oxm, 0, sizeof oxm);
    ofp_oxm_init_basic(&oxm[0], OFPXMT_OFB_IN_PORT);
    oxm[0].value.u32 = 1;
    ofp_oxm_init_basic(&oxm[1], OFPXMT_OFB_ETH_TYPE);
    oxm[1].value.u16 = 0x0800;
    ofp_oxm_init_basic(&oxm[2], OFPXMT_OFB_IPV4_DST);
    oxm[2].value.u32 = 0x0a000000;
    oxm[2].has_mask = true;
    oxm[2].mask.u32 = 0xff000000;
    struct ofp_match match = {.type = OFPMT_OXM, .n_oxms = 3, .oxms = oxm};
    ck_assert(
        sl_flowprog_get(tapi.ctl.flowprog, 1, 2, 11, &match, &owner, &cookie));
    ck_assert_uint_eq(owner, rest_owner());
    ck_assert(sl_flowprog_is_synced(tapi.ctl.flowprog, 1));
}
END_TEST

/* REST flows are desired flows: after a reconnect they are back. */
START_TEST(test_flow_add_survives_reconnect)
{
    struct ofp_msg m;

    rest_add(5, 1, 2, 42);
    sl_datapath_close(sw1->dp, "test");
    fsw_expect_closed(sw1);
    struct fsw *s = fsw_connect("again", NULL, NULL);
    fsw_handshake(s, 1);
    fsw_expect(s, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_uint_eq(m.mp_request.type, OFPMP_FLOW);
    send_flow_stats(s, m.xid, NULL, 0, false);
    bool seen = false;
    for (int i = 0; i < 8 && !seen; i++) {
        fsw_next(s, &m);
        if (m.type == OFPT_FLOW_MOD &&
            m.flow_mod.cookie == SL_COOKIE(rest_owner(), 42)) {
            seen = true;
            ck_assert_uint_eq(m.flow_mod.priority, 5);
        }
    }
    ck_assert(seen);
    sw1 = s;
}
END_TEST

START_TEST(test_flow_add_refused_400)
{
    struct ofp_msg m;

    struct tapi_http *h =
        post("/stats/flowentry/add",
             "{\"dpid\": 1, \"priority\": 3, \"match\": {\"in_port\": 1}, "
             "\"actions\": [{\"type\": \"OUTPUT\", \"port\": 99}]}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    uint32_t fm_xid = m.xid;
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_error(sw1, fm_xid, OFPET_BAD_ACTION, 4);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(wait_quiet(h), 400);
    json_t *j = tapi_http_json(h);
    expect_json(j, "{'error': 'switch refused the request', 'detail': "
                   "'OFPBAC_BAD_OUT_PORT (type 2, code 4)', 'err_type': 2, "
                   "'code': 4, 'name': 'OFPBAC_BAD_OUT_PORT'}");
    json_decref(j);
    tapi_http_free(h);
    ck_assert_uint_eq(sl_flowprog_n_flows(tapi.ctl.flowprog, 1), SL_N_TABLES);
}
END_TEST

START_TEST(test_flow_add_timeout_504)
{
    struct ofp_msg m;

    rest_ryu_set_timeout(0.2);
    struct tapi_http *h =
        post("/stats/flowentry/add", "{\"dpid\": 1, \"priority\": 3}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    ck_assert_int_eq(wait_quiet(h), 504);
    tapi_http_free(h);
    /* The barrier comes late: the programmer completes, nothing breaks. */
    send_barrier_reply(sw1, m.xid);
    ck_assert(TEST_LOOP_UNTIL(
        tapi.base, sl_flowprog_is_synced(tapi.ctl.flowprog, 1), 1.0));
}
END_TEST

/* The programmer still owes the completion when the API goes away: it
 * comes at the controller's shutdown (teardown), into nothing. */
START_TEST(test_flow_add_pending_at_shutdown)
{
    struct ofp_msg m;

    struct tapi_http *h =
        post("/stats/flowentry/add", "{\"dpid\": 1, \"priority\": 3}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    tapi_http_free(h);
    test_loop_run_for(tapi.base, 0.05);
}
END_TEST

START_TEST(test_flow_add_switch_gone_503)
{
    struct ofp_msg m;

    struct tapi_http *h =
        post("/stats/flowentry/add", "{\"dpid\": 1, \"priority\": 3}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    sl_datapath_close(sw1->dp, "test");
    ck_assert_int_eq(tapi_http_wait(h), 503);
    json_t *j = tapi_http_json(h);
    expect_error(j, "change aborted", NULL);
    json_decref(j);
    tapi_http_free(h);
}
END_TEST

START_TEST(test_flow_add_bad_input)
{
    static const struct {
        const char *body;
        int status;
        const char *error, *detail;
    } cases[] = {
        {"{\"dpid\": 1, \"cookie\": 1099511627776}", 400, "bad request body",
         "2^40"},
        {"{\"dpid\": 1, \"match\": {\"in_prot\": 1}}", 400, "bad request body",
         "in_prot"},
        {"{\"dpid\": 1, \"actions\": [{\"type\": \"OUTPT\"}]}", 400,
         "bad request body", "OUTPT"},
        {"{\"dpid\": 1, \"priority\": \"high\"}", 400, "bad request body",
         "priority"},
        {"{\"dpid\": 1, \"table_id\": \"ALL\"}", 400, "bad flow", "table_id"},
        {"{\"dpid\": 1, \"match\": {\"tp_dst\": 80, \"ip_proto\": 6}}", 400,
         "bad flow", "OFPBMC_BAD_PREREQ"},
        {"{\"priority\": 1}", 400, "bad request body", "dpid"},
        {"{\"dpid\": \"one\"}", 400, "bad request body", "dpid"},
        {"[1]", 400, "bad request body", NULL},
        {"{\"dpid\": 1,", 400, "malformed JSON", NULL},
        {"", 400, "malformed JSON", NULL},
        {"{\"dpid\": 5}", 404, "no such switch", NULL},
    };
    json_t *j;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int status = tapi_request("POST", "/stats/flowentry/add",
                                  cases[i].body, NULL, &j);
        ck_assert_msg(status == cases[i].status, "%s: %d", cases[i].body,
                      status);
        expect_error(j, cases[i].error, cases[i].detail);
        json_decref(j);
    }
    ck_assert(!rx_pending(sw1));
    ck_assert_uint_eq(sl_flowprog_n_flows(tapi.ctl.flowprog, 1), SL_N_TABLES);
}
END_TEST

START_TEST(test_delete_strict_rest_flow)
{
    struct ofp_msg m;

    rest_add(5, 1, 2, 42);
    ck_assert_uint_eq(sl_flowprog_n_flows(tapi.ctl.flowprog, 1),
                      SL_N_TABLES + 1);
    /* Another cookie filter: nothing matches, nothing sent. */
    struct tapi_http *h =
        post("/stats/flowentry/delete_strict",
             "{\"dpid\": 1, \"priority\": 5, \"match\": {\"in_port\": 1}, "
             "\"cookie\": 41, \"cookie_mask\": 255}");
    ck_assert_int_eq(wait_quiet(h), 200);
    tapi_http_free(h);
    ck_assert_uint_eq(sl_flowprog_n_flows(tapi.ctl.flowprog, 1),
                      SL_N_TABLES + 1);

    h = post("/stats/flowentry/delete_strict",
             "{\"dpid\": 1, \"priority\": 5, \"match\": {\"in_port\": 1}, "
             "\"cookie\": 42, \"cookie_mask\": 255}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(rest_owner(), 42));
    ck_assert_uint_eq(m.flow_mod.cookie_mask, UINT64_MAX);
    ck_assert_uint_eq(m.flow_mod.priority, 5);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    expect_pending(h);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(wait_quiet(h), 200);
    tapi_http_free(h);
    ck_assert_uint_eq(sl_flowprog_n_flows(tapi.ctl.flowprog, 1), SL_N_TABLES);
}
END_TEST

START_TEST(test_modify_strict_rest_flow)
{
    struct ofp_msg m;

    rest_add(5, 1, 2, 42);
    struct tapi_http *h =
        post("/stats/flowentry/modify_strict",
             "{\"dpid\": 1, \"priority\": 5, \"match\": {\"in_port\": 1}, "
             "\"actions\": [{\"type\": \"OUTPUT\", \"port\": 3}]}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_ADD);
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(rest_owner(), 42));
    ck_assert_uint_eq(m.flow_mod.instructions.n, 1);
    ck_assert_uint_eq(
        m.flow_mod.instructions.instructions[0].actions.actions[0].output.port,
        3);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(wait_quiet(h), 200);
    tapi_http_free(h);
    ck_assert_uint_eq(sl_flowprog_n_flows(tapi.ctl.flowprog, 1),
                      SL_N_TABLES + 1);
}
END_TEST

/* A flow nobody desires: the strict command goes to the switch as it is,
 * answered after its barrier, refused as the switch says. */
START_TEST(test_strict_foreign_flow_sent_as_is)
{
    struct ofp_msg m;

    struct tapi_http *h =
        post("/stats/flowentry/modify_strict",
             "{\"dpid\": 1, \"priority\": 9, \"cookie\": 5, \"cookie_mask\": "
             "5, \"match\": {\"in_port\": 4}, \"actions\": [{\"type\": "
             "\"OUTPUT\", \"port\": 3}]}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_MODIFY_STRICT);
    ck_assert_uint_eq(m.flow_mod.cookie, 5);
    ck_assert_uint_eq(m.flow_mod.cookie_mask, 5);
    ck_assert_uint_eq(m.flow_mod.priority, 9);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    expect_pending(h);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(wait_quiet(h), 200);
    tapi_http_free(h);

    h = post("/stats/flowentry/delete_strict",
             "{\"dpid\": 1, \"priority\": 9, \"table_id\": 200}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE_STRICT);
    send_error(sw1, m.xid, OFPET_FLOW_MOD_FAILED, 2); /* BAD_TABLE_ID */
    ck_assert_int_eq(tapi_http_wait(h), 400);
    json_t *j = tapi_http_json(h);
    ck_assert_str_eq(json_string_value(json_object_get(j, "name")),
                     "OFPFMFC_BAD_TABLE_ID");
    json_decref(j);
    tapi_http_free(h);
    /* The barrier after it is no one's any more. */
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_barrier_reply(sw1, m.xid);
    test_loop_run_for(tapi.base, 0.05);
}
END_TEST

/* The table-miss flows are the controller's own: 409. */
START_TEST(test_strict_other_owner_409)
{
    json_t *j;

    ck_assert_int_eq(tapi_request("POST", "/stats/flowentry/delete_strict",
                                  "{\"dpid\": 1, \"table_id\": 0, "
                                  "\"priority\": 0}",
                                  NULL, &j),
                     409);
    expect_error(j, "flow owned by another owner",
                 "the controller ('sluice') owns the flow of this table, "
                 "priority and match; use another priority");
    json_decref(j);
    ck_assert_int_eq(tapi_request("POST", "/stats/flowentry/modify_strict",
                                  "{\"dpid\": 1, \"table_id\": 2, "
                                  "\"priority\": 0, \"actions\": []}",
                                  NULL, &j),
                     409);
    json_decref(j);
    ck_assert(!rx_pending(sw1));
    ck_assert_uint_eq(sl_flowprog_n_flows(tapi.ctl.flowprog, 1), SL_N_TABLES);
}
END_TEST

/* Answers the reconciliation that follows a FLOW_MOD sent around the flow
 * programmer: the switch reports 'n' flows 'fs'; returns how many
 * FLOW_MODs the programmer then sends (their barriers answered). */
static size_t
answer_resync(struct ofp_flow_stats *fs, size_t n)
{
    struct ofp_msg m;
    size_t flow_mods = 0;

    fsw_expect(sw1, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_uint_eq(m.mp_request.type, OFPMP_FLOW);
    send_flow_stats(sw1, m.xid, fs, n, false);
    while (!sl_flowprog_is_synced(tapi.ctl.flowprog, 1)) {
        TEST_LOOP_UNTIL(tapi.base, rx_pending(sw1), 0.2);
        if (!rx_pending(sw1)) {
            continue;
        }
        fsw_next(sw1, &m);
        if (m.type == OFPT_FLOW_MOD) {
            flow_mods++;
        } else {
            ck_assert_uint_eq(m.type, OFPT_BARRIER_REQUEST);
            send_barrier_reply(sw1, m.xid);
        }
    }
    return flow_mods;
}

/* The table-miss flows as a switch reports them. */
struct table_miss {
    struct ofp_action out;
    struct ofp_instruction inst[SL_N_TABLES];
    struct ofp_flow_stats fs[SL_N_TABLES];
};

static void
table_miss_init(struct table_miss *t)
{
    memset(t, 0, sizeof *t);
    t->out.type = OFPAT_OUTPUT;
    t->out.output.port = OFPP_CONTROLLER;
    t->out.output.max_len = OFPCML_NO_BUFFER;
    for (int i = 0; i < SL_N_TABLES; i++) {
        if (i + 1 < SL_N_TABLES) {
            t->inst[i].type = OFPIT_GOTO_TABLE;
            t->inst[i].table_id = (uint8_t) (i + 1);
        } else {
            t->inst[i].type = OFPIT_APPLY_ACTIONS;
            t->inst[i].actions.n = 1;
            t->inst[i].actions.actions = &t->out;
        }
        t->fs[i].table_id = (uint8_t) i;
        t->fs[i].cookie = SL_COOKIE(SL_OWNER_CORE, i + 1);
        t->fs[i].match.type = OFPMT_OXM;
        t->fs[i].instructions.n = 1;
        t->fs[i].instructions.instructions = &t->inst[i];
    }
}

/* clear: DELETE of every table, then the programmer puts back what is
 * still desired (the table-miss flows), not the REST flows. */
START_TEST(test_clear_then_resync)
{
    struct ofp_msg m;

    rest_add(5, 1, 2, 42);
    struct tapi_http *h =
        tapi_http_start("DELETE", "/stats/flowentry/clear/1", NULL, NULL);
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE);
    ck_assert_uint_eq(m.flow_mod.table_id, OFPTT_ALL);
    ck_assert_uint_eq(m.flow_mod.match.n_oxms, 0);
    ck_assert_uint_eq(m.flow_mod.out_port, OFPP_ANY);
    ck_assert_uint_eq(m.flow_mod.out_group, OFPG_ANY);
    ck_assert_uint_eq(m.flow_mod.cookie_mask, 0);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    expect_pending(h);
    ck_assert_uint_eq(sl_flowprog_n_flows(tapi.ctl.flowprog, 1), SL_N_TABLES);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(tapi_http_wait(h), 200);
    tapi_http_free(h);
    /* The switch is empty: the three table-miss flows come back. */
    ck_assert_uint_eq(answer_resync(NULL, 0), SL_N_TABLES);
    ck_assert_uint_eq(sl_flowprog_n_flows(tapi.ctl.flowprog, 1), SL_N_TABLES);
}
END_TEST

/* delete (non-strict): the REST flows it hits are forgotten; the others
 * stay desired; a table-miss flow it deleted comes back. */
START_TEST(test_delete_nonstrict_then_resync)
{
    struct ofp_msg m;
    struct table_miss tm;
    struct ofp_oxm oxm;

    rest_add(5, 1, 2, 42);
    rest_add(6, 2, 1, 43);
    table_miss_init(&tm);
    struct tapi_http *h = post("/stats/flowentry/delete",
                               "{\"dpid\": 1, \"match\": {\"in_port\": 1}}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_DELETE);
    ck_assert_uint_eq(m.flow_mod.table_id, 0);
    ck_assert_uint_eq(m.flow_mod.match.n_oxms, 1);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(tapi_http_wait(h), 200);
    tapi_http_free(h);

    struct ofp_match m1 = in_port_match(&oxm, 1);
    ck_assert(!sl_flowprog_get(tapi.ctl.flowprog, 1, 0, 5, &m1, NULL, NULL));
    struct ofp_match m2 = in_port_match(&oxm, 2);
    ck_assert(sl_flowprog_get(tapi.ctl.flowprog, 1, 0, 6, &m2, NULL, NULL));

    /* The switch still has the second REST flow and two table-miss
     * flows: the first table's comes back, nothing else is sent. */
    struct tstats b;
    tstats_init(&b, 6, 2, 1, SL_COOKIE(rest_owner(), 43));
    struct ofp_flow_stats fs[SL_N_TABLES] = {b.fs};
    memcpy(&fs[1], &tm.fs[1], (SL_N_TABLES - 1) * sizeof fs[0]);
    ck_assert_uint_eq(answer_resync(fs, SL_N_TABLES), 1);
    ck_assert_uint_eq(sl_flowprog_n_flows(tapi.ctl.flowprog, 1),
                      SL_N_TABLES + 1);
}
END_TEST

/* modify (non-strict): the switch's result is what the REST owner then
 * desires (adopted back). */
START_TEST(test_modify_nonstrict_adopts_result)
{
    struct ofp_msg m;
    struct table_miss tm;
    struct ofp_oxm oxm;

    rest_add(5, 1, 2, 42);
    table_miss_init(&tm);
    struct tapi_http *h =
        post("/stats/flowentry/modify",
             "{\"dpid\": 1, \"cookie\": 42, \"cookie_mask\": 65535, "
             "\"actions\": [{\"type\": \"OUTPUT\", \"port\": 3}]}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    ck_assert_uint_eq(m.flow_mod.command, OFPFC_MODIFY);
    ck_assert_uint_eq(m.flow_mod.cookie, SL_COOKIE(rest_owner(), 42));
    ck_assert_uint_eq(m.flow_mod.cookie_mask, 0xffffff0000000000ULL | 65535);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(tapi_http_wait(h), 200);
    tapi_http_free(h);

    struct tstats a;
    tstats_init(&a, 5, 1, 3, SL_COOKIE(rest_owner(), 42));
    struct ofp_flow_stats fs[SL_N_TABLES + 1] = {a.fs};
    memcpy(&fs[1], tm.fs, sizeof tm.fs);
    ck_assert_uint_eq(answer_resync(fs, SL_N_TABLES + 1), 0);
    uint16_t owner;
    uint64_t cookie;
    struct ofp_match m1 = in_port_match(&oxm, 1);
    ck_assert(
        sl_flowprog_get(tapi.ctl.flowprog, 1, 0, 5, &m1, &owner, &cookie));
    ck_assert_uint_eq(owner, rest_owner());
    ck_assert_uint_eq(cookie, SL_COOKIE(rest_owner(), 42));
}
END_TEST

/* The switch refuses a non-strict delete: 400, and the switch is still
 * reconciled. */
START_TEST(test_delete_nonstrict_refused)
{
    struct ofp_msg m;

    struct tapi_http *h =
        post("/stats/flowentry/delete", "{\"dpid\": 1, \"table_id\": 250}");
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    send_error(sw1, m.xid, OFPET_FLOW_MOD_FAILED, 2);
    ck_assert_int_eq(tapi_http_wait(h), 400);
    tapi_http_free(h);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_barrier_reply(sw1, m.xid);
    struct table_miss tm;
    table_miss_init(&tm);
    ck_assert_uint_eq(answer_resync(tm.fs, SL_N_TABLES), 0);
}
END_TEST

/* ---- other writes ---- */

/* Each write reaches the switch as Ryu's body says and is answered after
 * the barrier (or the reply); an OFPT_ERROR is a 400 naming it. */
START_TEST(test_writes_reach_switch)
{
    struct ofp_msg m;
    json_t *j;

    /* group add, refused */
    struct tapi_http *h =
        post("/stats/groupentry/add",
             "{\"dpid\": 1, \"type\": \"SELECT\", \"group_id\": 7, "
             "\"buckets\": [{\"weight\": 2, \"actions\": [{\"type\": "
             "\"OUTPUT\", \"port\": 2}]}]}");
    fsw_expect(sw1, OFPT_GROUP_MOD, &m);
    ck_assert_uint_eq(m.group_mod.command, OFPGC_ADD);
    ck_assert_uint_eq(m.group_mod.type, OFPGT_SELECT);
    ck_assert_uint_eq(m.group_mod.group_id, 7);
    ck_assert_uint_eq(m.group_mod.buckets.n, 1);
    uint32_t gxid = m.xid;
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_error(sw1, gxid, OFPET_GROUP_MOD_FAILED, 0); /* GROUP_EXISTS */
    ck_assert_int_eq(tapi_http_wait(h), 400);
    j = tapi_http_json(h);
    ck_assert_str_eq(json_string_value(json_object_get(j, "name")),
                     "OFPGMFC_GROUP_EXISTS");
    json_decref(j);
    tapi_http_free(h);
    send_barrier_reply(sw1, m.xid);

    /* group delete */
    h = post("/stats/groupentry/delete", "{\"dpid\": 1, \"group_id\": 7}");
    fsw_expect(sw1, OFPT_GROUP_MOD, &m);
    ck_assert_uint_eq(m.group_mod.command, OFPGC_DELETE);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    expect_pending(h);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(wait_quiet(h), 200);
    tapi_http_free(h);

    /* meter modify */
    h = post("/stats/meterentry/modify",
             "{\"dpid\": 1, \"meter_id\": 3, \"flags\": \"KBPS\", \"bands\": "
             "[{\"type\": \"DROP\", \"rate\": 1000}]}");
    fsw_expect(sw1, OFPT_METER_MOD, &m);
    ck_assert_uint_eq(m.meter_mod.command, OFPMC_MODIFY);
    ck_assert_uint_eq(m.meter_mod.meter_id, 3);
    ck_assert_uint_eq(m.meter_mod.flags, OFPMF_KBPS);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(wait_quiet(h), 200);
    tapi_http_free(h);

    /* port mod: hw_addr and advertise default to the port's */
    h = post("/stats/portdesc/modify",
             "{\"dpid\": 1, \"port_no\": 2, \"config\": 1, \"mask\": 1}");
    fsw_expect(sw1, OFPT_PORT_MOD, &m);
    ck_assert_uint_eq(m.port_mod.port_no, 2);
    ck_assert_uint_eq(m.port_mod.config, 1);
    ck_assert_uint_eq(m.port_mod.mask, 1);
    const struct ofp_port *p2 = sl_datapath_port(sw1->dp, 2);
    ck_assert_ptr_nonnull(p2);
    ck_assert_mem_eq(m.port_mod.hw_addr, p2->hw_addr, 6);
    ck_assert_uint_eq(m.port_mod.advertise, p2->advertised);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(wait_quiet(h), 200);
    tapi_http_free(h);
    ck_assert_int_eq(tapi_request("POST", "/stats/portdesc/modify",
                                  "{\"dpid\": 1, \"port_no\": 9}", NULL, &j),
                     404);
    expect_error(j, "no such port", NULL);
    json_decref(j);

    /* role */
    h = post("/stats/role", "{\"dpid\": 1, \"role\": \"master\"}");
    fsw_expect(sw1, OFPT_ROLE_REQUEST, &m);
    ck_assert_uint_eq(m.role.role, OFPCR_ROLE_MASTER);
    ck_assert_uint_eq(m.role.generation_id, 0);
    expect_pending(h);
    answer_empty(sw1, &m);
    ck_assert_int_eq(wait_quiet(h), 200);
    tapi_http_free(h);
    h = post("/stats/role", "{\"dpid\": 1, \"role\": \"OFPCR_ROLE_SLAVE\", "
                            "\"generation_id\": 4}");
    fsw_expect(sw1, OFPT_ROLE_REQUEST, &m);
    ck_assert_uint_eq(m.role.role, OFPCR_ROLE_SLAVE);
    ck_assert_uint_eq(m.role.generation_id, 4);
    send_error(sw1, m.xid, OFPET_ROLE_REQUEST_FAILED, 0); /* STALE */
    ck_assert_int_eq(tapi_http_wait(h), 400);
    tapi_http_free(h);
    ck_assert_int_eq(tapi_request("POST", "/stats/role",
                                  "{\"dpid\": 1, \"role\": \"BOSS\"}", NULL,
                                  &j),
                     400);
    expect_error(j, "bad request body", "role");
    json_decref(j);

    /* experimenter */
    h = post("/stats/experimenter/1",
             "{\"experimenter\": 8992, \"exp_type\": 5, \"data_type\": "
             "\"base64\", \"data\": \"AQID\"}");
    fsw_expect(sw1, OFPT_EXPERIMENTER, &m);
    ck_assert_uint_eq(m.experimenter.experimenter, 8992);
    ck_assert_uint_eq(m.experimenter.exp_type, 5);
    ck_assert_uint_eq(m.experimenter.len, 3);
    ck_assert_mem_eq(m.experimenter.data, "\1\2\3", 3);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    send_barrier_reply(sw1, m.xid);
    ck_assert_int_eq(wait_quiet(h), 200);
    tapi_http_free(h);
    ck_assert_int_eq(tapi_request("POST", "/stats/experimenter/1",
                                  "{\"data_type\": \"base64\", \"data\": "
                                  "\"!!\"}",
                                  NULL, &j),
                     400);
    expect_error(j, "bad request body", "base64");
    json_decref(j);

    /* bad bodies */
    ck_assert_int_eq(tapi_request("POST", "/stats/groupentry/add",
                                  "{\"dpid\": 1, \"type\": \"SOME\"}", NULL,
                                  &j),
                     400);
    expect_error(j, "bad request body", "type");
    json_decref(j);
    ck_assert_int_eq(tapi_request("POST", "/stats/meterentry/add",
                                  "{\"dpid\": 1, \"bands\": [{}]}", NULL, &j),
                     400);
    json_decref(j);
    ck_assert_int_eq(tapi_request("POST", "/stats/meterentry/delete",
                                  "{\"dpid\": 3}", NULL, &j),
                     404);
    json_decref(j);
    test_loop_run_for(tapi.base, 0.05);
    ck_assert(!rx_pending(sw1));
    ck_assert_uint_eq(sl_xacts_count(tapi.ctl.xacts), 0);
}
END_TEST

START_TEST(test_write_timeout_504)
{
    struct ofp_msg m;

    rest_ryu_set_timeout(0.2);
    struct tapi_http *h =
        post("/stats/groupentry/add", "{\"dpid\": 1, \"group_id\": 1}");
    fsw_expect(sw1, OFPT_GROUP_MOD, &m);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    ck_assert_int_eq(wait_quiet(h), 504);
    tapi_http_free(h);
    ck_assert_uint_eq(sl_xacts_count(tapi.ctl.xacts), 0);
}
END_TEST

/* The client leaves a clear: the switch is still reconciled after its
 * barrier. */
START_TEST(test_clear_client_gone_still_resyncs)
{
    struct ofp_msg m;

    struct tapi_http *h =
        tapi_http_start("DELETE", "/stats/flowentry/clear/1", NULL, NULL);
    fsw_expect(sw1, OFPT_FLOW_MOD, &m);
    fsw_expect(sw1, OFPT_BARRIER_REQUEST, &m);
    tapi_http_free(h);
    test_loop_run_for(tapi.base, 0.1);
    ck_assert_uint_eq(sl_xacts_count(tapi.ctl.xacts), 1);
    send_barrier_reply(sw1, m.xid);
    ck_assert_uint_eq(answer_resync(NULL, 0), SL_N_TABLES);
    ck_assert_uint_eq(sl_xacts_count(tapi.ctl.xacts), 0);
}
END_TEST

/* ---- the token ---- */

START_TEST(test_writes_need_token)
{
    json_t *j;

    ck_assert_int_eq(tapi_request("POST", "/stats/flowentry/add",
                                  "{\"dpid\": 1}", NULL, &j),
                     401);
    json_decref(j);
    ck_assert_int_eq(tapi_request("POST", "/stats/flowentry/add",
                                  "{\"dpid\": 1}", "wrong", &j),
                     401);
    json_decref(j);
    ck_assert_int_eq(
        tapi_request("DELETE", "/stats/flowentry/clear/1", NULL, NULL, &j),
        401);
    json_decref(j);
    ck_assert_int_eq(tapi_request("POST", "/stats/flow/1", "{}", NULL, &j),
                     401);
    json_decref(j);
    ck_assert(!rx_pending(sw1));

    /* Reads need none; writes with it go through. */
    struct tapi_http *h = tapi_http_start("GET", "/stats/desc/1", NULL, NULL);
    ck_assert_int_eq(serve_until_done(sw1, h), 200);
    tapi_http_free(h);
    rest_add(1, 1, 2, 1);
}
END_TEST

static void
delete_done_cb(struct evhttp_request *req, void *status_)
{
    int *status = status_;

    *status = req ? evhttp_request_get_response_code(req) : -1;
}

/* DELETE 'path' with 'body' (libevent's client sends no Content-Length on
 * a DELETE by itself).  Returns the status. */
static int
delete_with_body(const char *path, const char *body)
{
    struct evhttp_connection *conn =
        evhttp_connection_base_new(tapi.base, NULL, "127.0.0.1", tapi.port);
    int status = 0;
    struct evhttp_request *req = evhttp_request_new(delete_done_cb, &status);
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    char len[24];

    snprintf(len, sizeof len, "%zu", strlen(body));
    evhttp_add_header(out, "Host", "127.0.0.1");
    evhttp_add_header(out, "Content-Length", len);
    evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
    ck_assert_int_eq(evhttp_make_request(conn, req, EVHTTP_REQ_DELETE, path),
                     0);
    ck_assert(TEST_LOOP_UNTIL(tapi.base, status != 0, FSW_STEP_TIMEOUT));
    evhttp_connection_free(conn);
    return status;
}

/* clear with a body (issue 8): it looks like a filter, so it is refused
 * and nothing reaches the switch; white space is no body. */
START_TEST(test_clear_with_body_400)
{
    ck_assert_int_eq(
        delete_with_body("/stats/flowentry/clear/1", "{\"table_id\": 5}"),
        400);
    ck_assert_int_eq(delete_with_body("/stats/flowentry/clear/1", "{}"), 400);
    ck_assert(!rx_pending(sw1));
}
END_TEST

static Suite *
rest_ryu_suite(void)
{
    Suite *s = suite_create("rest-ryu");
    TCase *tc;

    tc = tcase_create("corpus");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_reads_match_ryu_corpus, 0,
                        (int) (sizeof corpus_reads / sizeof corpus_reads[0]));
    tcase_add_test(tc, test_flow_stats_request_matches_ryu_corpus);
    tcase_add_test(tc, test_every_ryu_route);
    suite_add_tcase(s, tc);

    tc = tcase_create("reads");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_switches_sorted_integers);
    tcase_add_test(tc, test_flow_stats_parts_merged);
    tcase_add_test(tc, test_aggregate_parts_merged);
    tcase_add_test(tc, test_read_path_values);
    tcase_add_test(tc, test_desc_filters);
    tcase_add_test(tc, test_role_read);
    tcase_add_test(tc, test_dpid_forms);
    tcase_add_test(tc, test_read_timeout_504);
    tcase_add_test(tc, test_read_switch_gone_503);
    tcase_add_test(tc, test_read_client_gone);
    tcase_add_test(tc, test_read_client_gone_mid_parts);
    tcase_add_test(tc, test_read_switch_error_400);
    tcase_add_test(tc, test_read_bad_filter_400);
    suite_add_tcase(s, tc);

    tc = tcase_create("flows");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_flow_add_after_barrier);
    tcase_add_test(tc, test_flow_add_survives_reconnect);
    tcase_add_test(tc, test_flow_add_refused_400);
    tcase_add_test(tc, test_flow_add_timeout_504);
    tcase_add_test(tc, test_flow_add_pending_at_shutdown);
    tcase_add_test(tc, test_flow_add_switch_gone_503);
    tcase_add_test(tc, test_flow_add_bad_input);
    tcase_add_test(tc, test_delete_strict_rest_flow);
    tcase_add_test(tc, test_modify_strict_rest_flow);
    tcase_add_test(tc, test_strict_foreign_flow_sent_as_is);
    tcase_add_test(tc, test_strict_other_owner_409);
    tcase_add_test(tc, test_clear_then_resync);
    tcase_add_test(tc, test_delete_nonstrict_then_resync);
    tcase_add_test(tc, test_modify_nonstrict_adopts_result);
    tcase_add_test(tc, test_delete_nonstrict_refused);
    tcase_add_test(tc, test_clear_with_body_400);
    suite_add_tcase(s, tc);

    tc = tcase_create("writes");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_writes_reach_switch);
    tcase_add_test(tc, test_write_timeout_504);
    tcase_add_test(tc, test_clear_client_gone_still_resyncs);
    suite_add_tcase(s, tc);

    tc = tcase_create("token");
    tcase_add_checked_fixture(tc, setup_token, teardown);
    tcase_add_test(tc, test_writes_need_token);
    suite_add_tcase(s, tc);
    return s;
}

int main(void);

int
main(void)
{
    return test_run_suite(rest_ryu_suite());
}
