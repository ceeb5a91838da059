/* test-api: see test-api.h. */
#include <config.h>
#include "test/test-api.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <sys/queue.h>
#include <event2/keyvalq_struct.h>
#include "ofproto/ofp-match.h"
#include "ofproto/ofp-multipart.h"
#include "test/test-loop.h"
#include "topology/topo.h"

struct tapi tapi;

static struct event *tick;

/* Sets up the fixture; with 'topology' (a YAML flow mapping) the topology
 * service too. */
static void
tapi_setup_with(const char *token, const char *apps, const char *topology)
{
    char err[512];
    char text[1024];
    char app_path[2 * PATH_MAX + 2];
    struct sl_config cfg;
    const char *top = getenv("top_builddir");

    if (top == NULL) {
        top = ".";
    }
    snprintf(app_path, sizeof app_path, "%s/test/plugins/.libs:%s/apps/.libs",
             top, top);
    snprintf(text, sizeof text,
             "openflow: {listen: []}\n"
             "rest: {listen: \"127.0.0.1:0\"%s%s%s}\n"
             "apps: %s\n"
             "%s%s%s",
             token ? ", token: \"" : "", token ? token : "",
             token ? "\"" : "", apps ? apps : "[]",
             topology ? "topology: " : "", topology ? topology : "",
             topology ? "\n" : "");
    ck_assert_msg(!sl_config_load_string(text, strlen(text), "tapi", &cfg,
                                         err, sizeof err),
                  "config: %s", err);

    memset(&tapi, 0, sizeof tapi);
    tapi.base = event_base_new();
    ck_assert_ptr_nonnull(tapi.base);
    tick = event_new(tapi.base, -1, EV_PERSIST, test_loop_tick_cb, NULL);
    struct timeval tv = {0, 20000};
    event_add(tick, &tv);

    ck_assert_msg(!sl_controller_init(&tapi.ctl, tapi.base, &cfg, NULL,
                                      app_path, err, sizeof err),
                  "controller: %s", err);
    if (topology != NULL) {
        ck_assert_msg(topo_create(&tapi.ctl, err, sizeof err) != NULL,
                      "topology: %s", err);
    }
    ck_assert_msg(!sl_controller_start(&tapi.ctl, err, sizeof err),
                  "start: %s", err);
    tapi.api = rest_api_start(&tapi.ctl, err, sizeof err);
    ck_assert_msg(tapi.api != NULL, "rest: %s", err);
    tapi.port = rest_server_port(rest_api_server(tapi.api));
    fsw_init(tapi.base, &tapi.ctl.dps);
}

void
tapi_setup(const char *token, const char *apps)
{
    tapi_setup_with(token, apps, NULL);
}

void
tapi_setup_topo(const char *token, const char *apps, const char *topology)
{
    tapi_setup_with(token, apps, topology ? topology : TAPI_TOPOLOGY);
}

void
tapi_teardown(void)
{
    rest_api_destroy(tapi.api);
    topo_destroy(tapi.ctl.topo);
    tapi.ctl.topo = NULL;
    sl_controller_uninit(&tapi.ctl);
    fsw_uninit();
    event_free(tick);
    event_base_free(tapi.base);
    memset(&tapi, 0, sizeof tapi);
}

struct fsw *
tapi_switch(uint64_t dpid)
{
    char name[32];

    snprintf(name, sizeof name, "sw%llx", (unsigned long long) dpid);
    struct fsw *s = fsw_connect(name, NULL, NULL);
    fsw_handshake(s, dpid);
    tapi_settle(s);
    return s;
}

/* True once nothing the controller sent to 's' is left unread. */
static bool
tapi_rx_pending(const struct fsw *s)
{
    return s->next < s->n_rx;
}

/* Answers 'm', which the controller sent to 's', as a switch with no
 * flows would: FLOW_MODs and PACKET_OUTs consumed, a BARRIER_REQUEST and
 * an OFPMP_FLOW request answered.  Anything else fails the test. */
void
tapi_answer(struct fsw *s, const struct ofp_msg *m)
{
    uint64_t dpid = s->dp ? sl_datapath_dpid(s->dp) : 0;
    struct ofp_msg r;

    switch (m->type) {
    case OFPT_FLOW_MOD:
    case OFPT_PACKET_OUT:
        break;
    case OFPT_BARRIER_REQUEST:
        ofp_msg_init(&r, OFPT_BARRIER_REPLY, m->xid);
        fsw_send(s, &r);
        break;
    case OFPT_MULTIPART_REQUEST:
        ck_assert_int_eq(m->mp_request.type, OFPMP_FLOW);
        ofp_msg_init(&r, OFPT_MULTIPART_REPLY, m->xid);
        r.mp_reply.type = OFPMP_FLOW;
        fsw_send(s, &r);
        break;
    default:
        ck_abort_msg("switch %llx: unexpected %s while settling",
                     (unsigned long long) dpid, ofp_type_name(m->type));
    }
}

void
tapi_settle(struct fsw *s)
{
    uint64_t dpid = sl_datapath_dpid(s->dp);
    double deadline = test_loop_now() + FSW_STEP_TIMEOUT;

    for (;;) {
        /* Let deferred sends (the programmer batches per loop pass) out. */
        TEST_LOOP_UNTIL(tapi.base, tapi_rx_pending(s), 0.05);
        if (!tapi_rx_pending(s)) {
            if (sl_flowprog_is_synced(tapi.ctl.flowprog, dpid)) {
                return;
            }
            ck_assert_msg(test_loop_now() < deadline,
                          "switch %llx: the flow programmer never synced",
                          (unsigned long long) dpid);
            continue;
        }

        struct ofp_msg m;
        fsw_next(s, &m);
        tapi_answer(s, &m);
    }
}

/* ---- frames from the switches ---- */

/* True if 'm' is an LLDP probe going out of port 'port_no'. */
static bool
tapi_is_probe(const struct ofp_msg *m, uint32_t port_no)
{
    const struct ofp_packet_out *po = &m->packet_out;
    bool out = false;

    if (m->type != OFPT_PACKET_OUT || po->len < 14 || po->data == NULL ||
        po->data[12] != 0x88 || po->data[13] != 0xcc) {
        return false;
    }
    for (size_t i = 0; i < po->actions.n; i++) {
        const struct ofp_action *a = &po->actions.actions[i];
        out |= a->type == OFPAT_OUTPUT && a->output.port == port_no;
    }
    return out;
}

/* Sends a PACKET_IN of 'len' bytes of 'frame' on 's' and waits until the
 * controller read it. */
static void
tapi_send_packet_in(struct fsw *s, uint8_t reason, uint8_t table_id,
                    uint32_t in_port, const void *frame, size_t len)
{
    uint64_t before = tapi.ctl.dps.rx_by_type[OFPT_PACKET_IN];
    struct ofp_oxm oxm;
    struct ofp_msg m;

    ck_assert(ofp_oxm_init_basic(&oxm, OFPXMT_OFB_IN_PORT));
    oxm.value.u32 = in_port;
    ofp_msg_init(&m, OFPT_PACKET_IN, 0);
    m.packet_in.buffer_id = OFP_NO_BUFFER;
    m.packet_in.total_len = (uint16_t) len;
    m.packet_in.reason = reason;
    m.packet_in.table_id = table_id;
    m.packet_in.match.n_oxms = 1;
    m.packet_in.match.oxms = &oxm;
    m.packet_in.data = frame;
    m.packet_in.len = len;
    fsw_send(s, &m);
    ck_assert_msg(
        TEST_LOOP_UNTIL(tapi.base,
                        tapi.ctl.dps.rx_by_type[OFPT_PACKET_IN] > before,
                        FSW_STEP_TIMEOUT),
        "the controller did not read a PACKET_IN");
}

size_t
tapi_lldp_probe(struct fsw *from, uint32_t from_port, uint8_t *frame,
                size_t size)
{
    for (;;) {
        struct ofp_msg m;

        fsw_next(from, &m);
        if (tapi_is_probe(&m, from_port)) {
            ck_assert_uint_le(m.packet_out.len, size);
            memcpy(frame, m.packet_out.data, m.packet_out.len);
            return m.packet_out.len;
        }
        tapi_answer(from, &m);
    }
}

void
tapi_lldp_pass(struct fsw *from, uint32_t from_port, struct fsw *to,
               uint32_t to_port)
{
    uint8_t frame[2048];
    size_t len = tapi_lldp_probe(from, from_port, frame, sizeof frame);

    tapi_send_packet_in(to, OFPR_ACTION, 0, to_port, frame, len);
}

void
tapi_packet_in(struct fsw *s, uint32_t in_port, const void *frame, size_t len)
{
    tapi_send_packet_in(s, OFPR_NO_MATCH, SL_TABLE_L2, in_port, frame, len);
}

/* ---- HTTP client ---- */

struct tapi_http {
    struct evhttp_connection *conn;
    bool done;
    int status;
    char *body;
    struct evkeyvalq headers; /* copies of the response's */
};

static void
tapi_http_done_cb(struct evhttp_request *req, void *h_)
{
    struct tapi_http *h = h_;

    h->done = true;
    if (req == NULL) {
        h->body = strdup("");
        return;
    }
    h->status = evhttp_request_get_response_code(req);
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    h->body = malloc(len + 1);
    ck_assert_ptr_nonnull(h->body);
    evbuffer_remove(in, h->body, len);
    h->body[len] = '\0';

    struct evkeyvalq *hdrs = evhttp_request_get_input_headers(req);
    for (struct evkeyval *kv = hdrs->tqh_first; kv; kv = kv->next.tqe_next) {
        evhttp_add_header(&h->headers, kv->key, kv->value);
    }
}

static enum evhttp_cmd_type
tapi_http_method(const char *method)
{
    if (!strcmp(method, "GET")) {
        return EVHTTP_REQ_GET;
    } else if (!strcmp(method, "POST")) {
        return EVHTTP_REQ_POST;
    } else if (!strcmp(method, "PUT")) {
        return EVHTTP_REQ_PUT;
    } else if (!strcmp(method, "DELETE")) {
        return EVHTTP_REQ_DELETE;
    } else if (!strcmp(method, "HEAD")) {
        return EVHTTP_REQ_HEAD;
    }
    ck_abort_msg("unknown method %s", method);
    return EVHTTP_REQ_GET;
}

struct tapi_http *
tapi_http_start(const char *method, const char *path, const char *body,
                const char *token)
{
    struct tapi_http *h = calloc(1, sizeof *h);

    ck_assert_ptr_nonnull(h);
    TAILQ_INIT(&h->headers);
    h->conn = evhttp_connection_base_new(tapi.base, NULL, "127.0.0.1",
                                         tapi.port);
    ck_assert_ptr_nonnull(h->conn);

    struct evhttp_request *req = evhttp_request_new(tapi_http_done_cb, h);
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    evhttp_add_header(out, "Host", "127.0.0.1");
    if (token != NULL) {
        char auth[256];
        snprintf(auth, sizeof auth, "Bearer %s", token);
        evhttp_add_header(out, "Authorization", auth);
    }
    if (body != NULL) {
        evhttp_add_header(out, "Content-Type", "application/json");
        evbuffer_add(evhttp_request_get_output_buffer(req), body,
                     strlen(body));
    }
    ck_assert_int_eq(evhttp_make_request(h->conn, req,
                                         tapi_http_method(method), path),
                     0);
    return h;
}

bool
tapi_http_done(const struct tapi_http *h)
{
    return h->done;
}

int
tapi_http_wait(struct tapi_http *h)
{
    ck_assert_msg(TEST_LOOP_UNTIL(tapi.base, h->done, FSW_STEP_TIMEOUT),
                  "no HTTP response in %g s", FSW_STEP_TIMEOUT);
    return h->status;
}

const char *
tapi_http_body(const struct tapi_http *h)
{
    return h->body ? h->body : "";
}

const char *
tapi_http_header(const struct tapi_http *h, const char *name)
{
    return evhttp_find_header(&h->headers, name);
}

json_t *
tapi_http_json(const struct tapi_http *h)
{
    json_error_t e;
    json_t *j = json_loads(tapi_http_body(h), JSON_DECODE_ANY, &e);

    ck_assert_msg(j != NULL, "response is not JSON (%s): %.200s", e.text,
                  tapi_http_body(h));
    return j;
}

void
tapi_http_free(struct tapi_http *h)
{
    if (h != NULL) {
        evhttp_connection_free(h->conn);
        evhttp_clear_headers(&h->headers);
        free(h->body);
        free(h);
    }
}

int
tapi_request(const char *method, const char *path, const char *body,
             const char *token, json_t **json)
{
    struct tapi_http *h = tapi_http_start(method, path, body, token);
    int status = tapi_http_wait(h);

    if (json != NULL) {
        *json = tapi_http_json(h);
    }
    tapi_http_free(h);
    return status;
}
