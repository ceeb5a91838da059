/* fuzz-rest: libFuzzer target for the REST API as far as it is ours.
 *
 * The input is one HTTP request in a simple framing:
 *
 *     METHOD TARGET[ anything]\n
 *     Name: value\n            (headers, '\r' before '\n' ignored)
 *     \n
 *     body (the rest of the input, any bytes)
 *
 * and goes through rest_server_inject() (rest/server.h) into the server of
 * a running controller: path and query decoding, routing, the bearer
 * token, and the handlers of the Ryu family (rest/ryu*.c: the ofctl JSON
 * bodies, path values), the native API (rest/native*.c), the topology
 * (rest/topology.c) and the apps' routes (acl, l3_routing and
 * l2_learning, built for the target, in test/fuzz/apps/).  evhttp's own
 * parsing (the request line, header syntax, Content-Length) is libevent's
 * and not driven here: what evhttp would refuse before our code sees it
 * is not dispatched.
 *
 * The controller has one fake switch (dpid 1, ports 1-3 and LOCAL) on a
 * socketpair that answers as an empty switch would: barriers, every
 * multipart read, ROLE and QUEUE_GET_CONFIG requests.  A header
 * "X-Fuzz-Switch: refuse" makes it answer every change (FLOW_MOD,
 * GROUP_MOD, METER_MOD, PORT_MOD, ROLE_REQUEST, EXPERIMENTER) with an
 * OFPT_ERROR; "X-Fuzz-Switch: hold" makes it answer nothing, and the
 * controller is torn down with the request pending (the client-gone
 * path).
 *
 * Promises checked (a broken one aborts, so libFuzzer keeps the input):
 * - one reply per request, within FUZZ_REPLY_SECONDS;
 * - its status is one the API documents; never 500, and never 5xx from
 *   a switch that answers everything;
 * - an error (>= 400) is application/json {"error": non-empty string,
 *   "detail": ...}, the detail a string for 4xx; a 405 has an Allow
 *   header; a JSON success body parses; HEAD has no body;
 * - a write (POST, PUT, DELETE) refused with 4xx changed nothing: the
 *   flow programmer's desired flows and counters, the messages sent to
 *   the switch, and the apps' state as their GET routes show it;
 * - no log line holds a control character, and no request makes the
 *   controller log an error.
 *
 * The controller is built once and rebuilt after an input that may have
 * changed it (an accepted write, a 5xx, a refusing or holding switch), so
 * that every input meets the same state.
 *
 * Environment: FUZZ_REST_APPS, the directory of the apps (default: apps/
 * beside the target); FUZZ_REST_VERBOSE, print each request and its reply
 * (to replay an input: FUZZ_REST_VERBOSE=1 test/fuzz/fuzz-rest FILE);
 * FUZZ_REST_CONFIG, a YAML file to use instead of 'fuzz_config' (it must
 * keep the token and 'listen: []', and load the apps of 'fuzz_apps').
 */
#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>
#include "controller/conn.h"
#include "controller/controller.h"
#include "controller/datapath.h"
#include "controller/flowprog.h"
#include "controller/log.h"
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-multipart.h"
#include "rest/api.h"
#include "rest/server.h"
#include "topology/topo.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DPID 1
#define FUZZ_TOKEN "fuzz-token"
/* Headers taken from an input; more are ignored. */
#define FUZZ_MAX_HEADERS 32
/* Longest request line and header block evhttp takes (the server's
 * max_headers default). */
#define FUZZ_MAX_HEAD (16 * 1024)
/* How long a request may wait for its reply. */
#define FUZZ_REPLY_SECONDS 8.0

/* The apps of the controller, loaded from test/fuzz/apps/. */
static const char *const fuzz_apps[] = {"acl", "l3_routing", "l2_learning"};

/* No listener (the switch comes over a socketpair), little that fires on
 * its own (keepalive, probes and stats polls once an hour; l3_routing's
 * ARP for a route's next hop, once one is added, does retry), the token
 * on, and the apps with some state to show.  l3_routing has no static
 * route: that config's NULL route list is what a REST write copied from
 * (the target's one finding in the apps). */
static const char fuzz_config[] =
    "openflow: {listen: [], echo_interval: 3600}\n"
    "rest: {listen: \"127.0.0.1:0\", token: \"" FUZZ_TOKEN "\"}\n"
    "topology: {lldp_interval: 3600, link_timeout: 7200}\n"
    "log: {level: info}\n"
    "apps:\n"
    "  - name: acl\n"
    "    config:\n"
    "      default: allow\n"
    "      stats_interval: 3600\n"
    "      rules:\n"
    "        - {name: no-iperf, tcp_dst: 5001, action: deny}\n"
    "        - {ipv4_src: 10.0.9.0/24, action: mirror, mirror_port: 3}\n"
    "  - name: l3_routing\n"
    "    config:\n"
    "      router_mac: \"02:5c:00:00:00:01\"\n"
    "      interfaces:\n"
    "        - {name: net1, ports: [\"1:1\"], ipv4: 10.0.1.1/24,\n"
    "           ipv6: \"2001:db8:1::1/64\"}\n"
    "        - {name: net2, ports: [\"1:2\"], ipv4: 10.0.2.1/24}\n"
    "  - name: l2_learning\n";

/* GET routes whose answers are the state a refused write must not
 * change. */
static const char *const fuzz_views[] = {
    "/api/v1/apps/acl/rules",
    "/api/v1/apps/acl/default",
    "/api/v1/apps/l3_routing/interfaces",
    "/api/v1/apps/l3_routing/routes",
    "/api/v1/apps/l3_routing/neighbors",
    "/api/v1/apps/l2_learning/macs",
    "/stats/switches",
};

enum fuzz_switch_mode {
    FUZZ_SW_ANSWER, /* answers as an empty switch */
    FUZZ_SW_REFUSE, /* answers changes with OFPT_ERROR */
    FUZZ_SW_HOLD,   /* answers nothing */
};

/* The controller and its switch. */
static struct {
    bool up;
    struct event_base *base;
    struct sl_controller ctl;
    struct rest_api *api;
    struct rest_server *server;
    struct bufferevent *sw; /* the switch's end of the socketpair */
    bool sw_closed;
    enum fuzz_switch_mode mode;
    struct event *deadline;
    bool timed_out;
} w;

static char app_path[PATH_MAX];
/* FUZZ_REST_VERBOSE set: each request and its reply go to stderr. */
static bool verbose;
/* The controller's config: 'fuzz_config', or FUZZ_REST_CONFIG's file. */
static const char *config_text = fuzz_config;
static struct ofp_arena sw_arena;
static struct ofp_wbuf sw_wbuf;

/* The input being run (for messages), and what the log said meanwhile. */
static const uint8_t *cur_data;
static size_t cur_size;
static bool checking;
static char log_error[SL_LOG_LINE_MAX + 1];

/* ---- failures ---- */

static void
fuzz_die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz-rest: broken promise: %s%s%s\n", what,
            detail ? ": " : "", detail ? detail : "");
    if (cur_data) {
        fprintf(stderr, "fuzz-rest: input: %.*s\n",
                (int) (cur_size > 2048 ? 2048 : cur_size),
                (const char *) cur_data);
    }
    abort();
}

/* ---- the log ---- */

static void
fuzz_log_sink(void *aux, enum sl_log_target target, int priority,
              enum sl_log_level level, const char *module, const char *text,
              size_t len)
{
    (void) aux;
    (void) target;
    (void) priority;
    (void) module;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) text[i];
        if ((c < 0x20 && !(c == '\n' && i + 1 == len)) || c == 0x7f) {
            fuzz_die("a log line holds a control character", text);
        }
    }
    if (checking && level == SL_LOG_ERR && !log_error[0]) {
        snprintf(log_error, sizeof log_error, "%.*s", (int) len, text);
    }
}

/* ---- the fake switch ---- */

static void
sw_send(const struct ofp_msg *m)
{
    ofp_wbuf_clear(&sw_wbuf);
    enum ofperr e = ofp_msg_encode(&sw_wbuf, m);
    if (e) {
        fuzz_die("the fake switch cannot encode its answer", ofperr_name(e));
    }
    if (!w.sw_closed) {
        bufferevent_write(w.sw, sw_wbuf.data, sw_wbuf.len);
    }
}

static struct ofp_port
sw_port(uint32_t no, const char *name)
{
    struct ofp_port p;

    memset(&p, 0, sizeof p);
    p.port_no = no;
    p.hw_addr[0] = 0x02;
    p.hw_addr[5] = (uint8_t) no;
    snprintf(p.name, sizeof p.name, "%s", name);
    p.curr_speed = 10000000;
    return p;
}

/* An empty answer to multipart request 'req'. */
static void
sw_multipart(const struct ofp_msg *req)
{
    struct ofp_port ports[4] = {sw_port(1, "s1-eth1"), sw_port(2, "s1-eth2"),
                                sw_port(3, "s1-eth3"),
                                sw_port(OFPP_LOCAL, "s1")};
    struct ofp_desc desc;
    struct ofp_msg m;

    ofp_msg_init(&m, OFPT_MULTIPART_REPLY, req->xid);
    m.mp_reply.type = req->mp_request.type;
    switch (req->mp_request.type) {
    case OFPMP_DESC:
        memset(&desc, 0, sizeof desc);
        snprintf(desc.mfr_desc, sizeof desc.mfr_desc, "Fuzz Inc.");
        snprintf(desc.hw_desc, sizeof desc.hw_desc, "fuzz-rest");
        snprintf(desc.dp_desc, sizeof desc.dp_desc, "s1");
        m.mp_reply.desc = &desc;
        break;
    case OFPMP_PORT_DESC:
        m.mp_reply.port_desc.n = 4;
        m.mp_reply.port_desc.ports = ports;
        break;
    case OFPMP_EXPERIMENTER:
        m.mp_reply.experimenter = req->mp_request.experimenter;
        break;
    default:
        /* Lists are empty; fixed bodies (aggregate, features) zero. */
        break;
    }
    sw_send(&m);
}

/* Answers a change 'req' (raw: 'raw', 'len' bytes) with an OFPT_ERROR. */
static void
sw_refuse(const struct ofp_msg *req, const uint8_t *raw, size_t len)
{
    struct ofp_msg m;

    ofp_msg_init(&m, OFPT_ERROR, req->xid);
    switch (req->type) {
    case OFPT_FLOW_MOD:
        m.error.type = OFPET_FLOW_MOD_FAILED;
        m.error.code = 1; /* OFPFMFC_TABLE_FULL */
        break;
    case OFPT_GROUP_MOD:
        m.error.type = OFPET_GROUP_MOD_FAILED;
        m.error.code = 0; /* OFPGMFC_GROUP_EXISTS */
        break;
    case OFPT_METER_MOD:
        m.error.type = OFPET_METER_MOD_FAILED;
        m.error.code = 0; /* OFPMMFC_UNKNOWN */
        break;
    case OFPT_PORT_MOD:
        m.error.type = OFPET_PORT_MOD_FAILED;
        m.error.code = 0; /* OFPPMFC_BAD_PORT */
        break;
    case OFPT_ROLE_REQUEST:
        m.error.type = OFPET_ROLE_REQUEST_FAILED;
        m.error.code = 0; /* OFPRRFC_STALE */
        break;
    default:
        m.error.type = OFPET_BAD_REQUEST;
        m.error.code = 1; /* OFPBRC_BAD_TYPE */
        break;
    }
    m.error.data = raw;
    m.error.len = len < 64 ? len : 64;
    sw_send(&m);
}

/* Answers 'req', the controller's message ('len' bytes at 'raw'). */
static void
sw_answer(const struct ofp_msg *req, const uint8_t *raw, size_t len)
{
    struct ofp_msg m;

    if (w.mode == FUZZ_SW_HOLD && req->type != OFPT_ECHO_REQUEST) {
        return;
    }
    switch (req->type) {
    case OFPT_HELLO: {
        uint32_t bitmap = 1u << OFP13_VERSION;
        struct ofp_hello_elem elem = {
            .type = OFPHET_VERSIONBITMAP,
            .n_bitmaps = 1,
            .bitmaps = &bitmap,
        };
        ofp_msg_init(&m, OFPT_HELLO, req->xid);
        m.hello.n_elems = 1;
        m.hello.elems = &elem;
        sw_send(&m);
        break;
    }
    case OFPT_FEATURES_REQUEST:
        ofp_msg_init(&m, OFPT_FEATURES_REPLY, req->xid);
        m.features.datapath_id = FUZZ_DPID;
        m.features.n_buffers = 256;
        m.features.n_tables = 254;
        m.features.capabilities = OFPC_FLOW_STATS | OFPC_PORT_STATS;
        sw_send(&m);
        break;
    case OFPT_ECHO_REQUEST:
        ofp_msg_init(&m, OFPT_ECHO_REPLY, req->xid);
        m.echo = req->echo;
        sw_send(&m);
        break;
    case OFPT_BARRIER_REQUEST:
        ofp_msg_init(&m, OFPT_BARRIER_REPLY, req->xid);
        sw_send(&m);
        break;
    case OFPT_MULTIPART_REQUEST:
        sw_multipart(req);
        break;
    case OFPT_GET_CONFIG_REQUEST:
        ofp_msg_init(&m, OFPT_GET_CONFIG_REPLY, req->xid);
        m.config.miss_send_len = 0xffff;
        sw_send(&m);
        break;
    case OFPT_QUEUE_GET_CONFIG_REQUEST:
        ofp_msg_init(&m, OFPT_QUEUE_GET_CONFIG_REPLY, req->xid);
        m.queue_get_config_reply.port = req->queue_get_config_request.port;
        sw_send(&m);
        break;
    case OFPT_ROLE_REQUEST:
        if (w.mode == FUZZ_SW_REFUSE) {
            sw_refuse(req, raw, len);
            break;
        }
        ofp_msg_init(&m, OFPT_ROLE_REPLY, req->xid);
        m.role = req->role;
        if (m.role.role == OFPCR_ROLE_NOCHANGE) {
            m.role.role = OFPCR_ROLE_EQUAL;
        }
        sw_send(&m);
        break;
    case OFPT_FLOW_MOD:
    case OFPT_GROUP_MOD:
    case OFPT_METER_MOD:
    case OFPT_PORT_MOD:
    case OFPT_TABLE_MOD:
    case OFPT_EXPERIMENTER:
        if (w.mode == FUZZ_SW_REFUSE) {
            sw_refuse(req, raw, len);
        }
        break;
    default:
        /* SET_CONFIG, PACKET_OUT (probes), SET_ASYNC ...: nothing. */
        break;
    }
}

static void
sw_read_cb(struct bufferevent *bev, void *aux)
{
    struct evbuffer *in = bufferevent_get_input(bev);
    uint8_t hdr[8];

    (void) aux;
    while (evbuffer_copyout(in, hdr, sizeof hdr) == (ev_ssize_t) sizeof hdr) {
        size_t len = (size_t) hdr[2] << 8 | hdr[3];
        if (len < sizeof hdr) {
            fuzz_die("the controller sent a length below the header's", NULL);
        }
        if (evbuffer_get_length(in) < len) {
            return;
        }
        uint8_t *raw = malloc(len);
        if (!raw) {
            abort();
        }
        evbuffer_remove(in, raw, len);

        struct ofp_msg m;
        ofp_arena_reset(&sw_arena);
        enum ofperr e = ofp_msg_decode(raw, len, &m, &sw_arena);
        if (e) {
            fuzz_die("the controller sent a message that does not decode",
                     ofperr_name(e));
        }
        sw_answer(&m, raw, len);
        free(raw);
    }
}

static void
sw_event_cb(struct bufferevent *bev, short what, void *aux)
{
    (void) bev;
    (void) aux;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        w.sw_closed = true;
    }
}

/* ---- the loop ---- */

static void
deadline_cb(evutil_socket_t fd, short what, void *aux)
{
    (void) fd;
    (void) what;
    (void) aux;
    w.timed_out = true;
}

/* Runs the loop until 'done(aux)' or for 'seconds'.  Returns
 * 'done(aux)'. */
static bool
run_until_fn(bool (*done)(const void *aux), const void *aux, double seconds)
{
    struct timeval tv = {
        (time_t) seconds,
        (suseconds_t) ((seconds - (double) (time_t) seconds) * 1e6)};

    w.timed_out = false;
    evtimer_add(w.deadline, &tv);
    while (!done(aux) && !w.timed_out) {
        event_base_loop(w.base, EVLOOP_ONCE);
    }
    evtimer_del(w.deadline);
    return done(aux);
}

static bool
flag_set(const void *flag)
{
    return *(const bool *) flag;
}

/* Runs the loop until '*flag' or for 'seconds'.  Returns '*flag'. */
static bool
run_until(const bool *flag, double seconds)
{
    return run_until_fn(flag_set, flag, seconds);
}

/* Runs what is due now (deferred closes, sends batched per pass). */
static void
run_pending(void)
{
    for (int i = 0; i < 4; i++) {
        event_base_loop(w.base, EVLOOP_NONBLOCK);
    }
}

/* Is the switch READY with its flows in sync? */
static bool
world_ready(void)
{
    struct sl_datapath *dp = sl_datapaths_find(&w.ctl.dps, FUZZ_DPID);

    return dp && sl_datapath_state(dp) == SL_DP_READY &&
           sl_flowprog_is_synced(w.ctl.flowprog, FUZZ_DPID);
}

static bool
world_ready_fn(const void *aux)
{
    (void) aux;
    return world_ready();
}

/* ---- the controller ---- */

static void
world_create(void)
{
    struct sl_config cfg;
    char err[512];
    int fds[2];

    memset(&w, 0, sizeof w);
    if (sl_config_load_string(config_text, strlen(config_text), "fuzz-rest",
                              &cfg, err, sizeof err)) {
        fuzz_die("the target's config does not load", err);
    }
    w.base = event_base_new();
    w.deadline = evtimer_new(w.base, deadline_cb, NULL);
    if (!w.base || !w.deadline) {
        abort();
    }
    if (sl_controller_init(&w.ctl, w.base, &cfg, NULL, app_path, err,
                           sizeof err)) {
        fuzz_die("the controller does not start", err);
    }
    if (!topo_create(&w.ctl, err, sizeof err)) {
        fuzz_die("the topology does not start", err);
    }
    if (sl_controller_start(&w.ctl, err, sizeof err)) {
        fuzz_die("the controller does not start", err);
    }
    w.api = rest_api_start(&w.ctl, err, sizeof err);
    if (!w.api) {
        fuzz_die("the REST API does not start", err);
    }
    w.server = rest_api_server(w.api);

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) ||
        evutil_make_socket_nonblocking(fds[0]) ||
        evutil_make_socket_nonblocking(fds[1])) {
        fuzz_die("no socketpair", strerror(errno));
    }
    struct sl_conn *conn =
        sl_conn_create_fd(w.base, fds[0], NULL, "fuzz-switch");
    if (!conn || !sl_datapath_create(&w.ctl.dps, conn)) {
        fuzz_die("no session for the fake switch", NULL);
    }
    w.sw = bufferevent_socket_new(w.base, fds[1], BEV_OPT_CLOSE_ON_FREE);
    if (!w.sw) {
        abort();
    }
    bufferevent_setcb(w.sw, sw_read_cb, NULL, sw_event_cb, NULL);
    bufferevent_enable(w.sw, EV_READ | EV_WRITE);

    if (!run_until_fn(world_ready_fn, NULL, FUZZ_REPLY_SECONDS)) {
        fuzz_die("the fake switch never became ready and synced", NULL);
    }
    run_pending();
    w.up = true;
}

static void
world_destroy(void)
{
    rest_api_destroy(w.api);
    topo_destroy(w.ctl.topo);
    w.ctl.topo = NULL;
    sl_controller_uninit(&w.ctl);
    bufferevent_free(w.sw);
    event_free(w.deadline);
    event_base_free(w.base);
    memset(&w, 0, sizeof w);
}

/* ---- requests ---- */

struct fuzz_reply {
    bool done;
    int status;
    char *content_type; /* NULL: none */
    char *allow;
    char *body; /* NUL-terminated */
    size_t len;
};

static void
fuzz_reply_free(struct fuzz_reply *r)
{
    free(r->content_type);
    free(r->allow);
    free(r->body);
    memset(r, 0, sizeof *r);
}

static char *
xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (!p) {
        abort();
    }
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void
reply_cb(void *r_, int status, const char *content_type, const char *allow,
         const void *body, size_t len)
{
    struct fuzz_reply *r = r_;

    if (r->done) {
        fuzz_die("a request was answered twice", NULL);
    }
    if (!allow || !body) {
        fuzz_die("a reply without its Allow or body", NULL);
    }
    r->done = true;
    r->status = status;
    r->content_type =
        content_type ? xstrndup(content_type, strlen(content_type)) : NULL;
    r->allow = xstrndup(allow, strlen(allow));
    r->body = xstrndup(body, len);
    r->len = len;
}

/* A request taken from an input. */
struct fuzz_req {
    char *head; /* the copy the strings below point into */
    const char *method;
    const char *target;
    const char *headers[2 * FUZZ_MAX_HEADERS];
    size_t n_headers;
    const uint8_t *body;
    size_t body_len;
};

static bool
method_known(const char *m)
{
    /* What evhttp accepts on a request line (rest/server.c allows them
     * all and answers 405 to the ones no route takes). */
    static const char *const methods[] = {
        "GET",     "POST",  "PUT",     "DELETE", "HEAD",
        "OPTIONS", "TRACE", "CONNECT", "PATCH",
    };

    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!strcmp(m, methods[i])) {
            return true;
        }
    }
    return false;
}

/* Splits 'data' into 'req'.  Returns false for what evhttp would refuse
 * before our code sees it. */
static bool
fuzz_req_parse(struct fuzz_req *req, const uint8_t *data, size_t size)
{
    size_t head_len = size;

    memset(req, 0, sizeof *req);
    /* The head ends at the first empty line. */
    for (size_t i = 0; i < size; i++) {
        if (data[i] != '\n') {
            continue;
        }
        size_t j = i + 1;
        if (j < size && data[j] == '\r') {
            j++;
        }
        if (j < size && data[j] == '\n') {
            head_len = i + 1;
            req->body = data + j + 1;
            req->body_len = size - j - 1;
            break;
        }
    }
    if (head_len > FUZZ_MAX_HEAD) {
        return false;
    }
    req->head = xstrndup((const char *) data, head_len);

    char *line = req->head;
    bool first = true;
    while (line && *line) {
        char *next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r') {
            line[--n] = '\0';
        }
        if (first) {
            char *sp = strchr(line, ' ');
            req->method = line;
            req->target = "/";
            if (sp) {
                *sp = '\0';
                req->target = sp + 1;
                sp = strchr(sp + 1, ' ');
                if (sp) {
                    *sp = '\0'; /* " HTTP/1.1" */
                }
            }
            first = false;
        } else if (req->n_headers < FUZZ_MAX_HEADERS) {
            char *colon = strchr(line, ':');
            if (colon && colon != line) {
                char *v = colon + 1;
                *colon = '\0';
                v += strspn(v, " \t");
                size_t vn = strlen(v);
                while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t')) {
                    v[--vn] = '\0';
                }
                req->headers[2 * req->n_headers] = line;
                req->headers[2 * req->n_headers + 1] = v;
                req->n_headers++;
            }
        }
        line = next;
    }
    return req->method && method_known(req->method);
}

static const char *
fuzz_req_header(const struct fuzz_req *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (!strcasecmp(req->headers[2 * i], name)) {
            return req->headers[2 * i + 1];
        }
    }
    return NULL;
}

/* Sends a GET of 'target' (no headers) and returns its reply. */
static void
fuzz_get(const char *target, struct fuzz_reply *r)
{
    memset(r, 0, sizeof *r);
    if (rest_server_inject(w.server, "GET", target, NULL, 0, NULL, 0, reply_cb,
                           r)) {
        fuzz_die("a GET of the target's own was refused", target);
    }
    if (!run_until(&r->done, FUZZ_REPLY_SECONDS)) {
        fuzz_die("no reply to a GET of the target's own", target);
    }
}

/* ---- the state a refused write must not change ---- */

struct fuzz_state {
    size_t n_flows;
    struct sl_flowprog_stats fp;
    uint64_t tx[SL_DP_N_TYPES + 1];
    char *views; /* the views' statuses and bodies */
};

static void
state_take(struct fuzz_state *s)
{
    size_t len = 0;

    memset(s, 0, sizeof *s);
    s->n_flows = sl_flowprog_n_flows(w.ctl.flowprog, FUZZ_DPID);
    s->fp = *sl_flowprog_stats(w.ctl.flowprog);
    memcpy(s->tx, w.ctl.dps.tx_by_type, sizeof s->tx);
    s->views = xstrndup("", 0);
    for (size_t i = 0; i < sizeof fuzz_views / sizeof fuzz_views[0]; i++) {
        struct fuzz_reply r;
        char status[16];

        fuzz_get(fuzz_views[i], &r);
        snprintf(status, sizeof status, "%d ", r.status);
        size_t n = strlen(status) + r.len + 1;
        s->views = realloc(s->views, len + n + 1);
        if (!s->views) {
            abort();
        }
        memcpy(s->views + len, status, strlen(status));
        memcpy(s->views + len + strlen(status), r.body, r.len);
        s->views[len + n - 1] = '\n';
        len += n;
        s->views[len] = '\0';
        fuzz_reply_free(&r);
    }
}

static void
state_check_same(const struct fuzz_state *a, const struct fuzz_state *b)
{
    if (a->n_flows != b->n_flows) {
        fuzz_die("a refused write changed the desired flows", NULL);
    }
    if (a->fp.flow_mods != b->fp.flow_mods ||
        a->fp.barriers != b->fp.barriers ||
        a->fp.reconciliations != b->fp.reconciliations) {
        fuzz_die("a refused write made the flow programmer work", NULL);
    }
    for (size_t i = 0; i <= SL_DP_N_TYPES; i++) {
        if (a->tx[i] != b->tx[i]) {
            fuzz_die("a refused write sent something to the switch",
                     ofp_type_name((uint8_t) i));
        }
    }
    if (strcmp(a->views, b->views)) {
        fprintf(stderr, "fuzz-rest: before:\n%s\nfuzz-rest: after:\n%s\n",
                a->views, b->views);
        fuzz_die("a refused write changed what the apps show", NULL);
    }
}

static void
state_free(struct fuzz_state *s)
{
    free(s->views);
    s->views = NULL;
}

/* ---- the reply's promises ---- */

static bool
status_documented(int status)
{
    /* 301 and 304: the topology page's /ui and If-None-Match. */
    static const int known[] = {200, 201, 301, 304, 400, 401,
                                404, 405, 409, 503, 504};

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (status == known[i]) {
            return true;
        }
    }
    return false;
}

static void
check_reply(const struct fuzz_req *req, const struct fuzz_reply *r)
{
    char what[64];

    snprintf(what, sizeof what, "status %d", r->status);
    if (!status_documented(r->status)) {
        fuzz_die("an undocumented status", what);
    }
    if (r->status >= 500 && w.mode == FUZZ_SW_ANSWER) {
        fuzz_die("a 5xx with a switch that answers everything", r->body);
    }
    if (!strcmp(req->method, "HEAD") && r->len) {
        fuzz_die("a body in the reply to HEAD", what);
    }
    if (r->status == 405 && !r->allow[0]) {
        fuzz_die("a 405 without Allow", NULL);
    }
    if (r->status >= 400 && strcmp(req->method, "HEAD")) {
        json_error_t e;
        json_t *j;

        if (!r->content_type || strcmp(r->content_type, "application/json")) {
            fuzz_die("an error that is not application/json", what);
        }
        j = json_loadb(r->body, r->len, 0, &e);
        if (!j) {
            fuzz_die("an error body that is not a JSON object", r->body);
        }
        const char *error = json_string_value(json_object_get(j, "error"));
        const json_t *detail = json_object_get(j, "detail");
        if (!error || !error[0]) {
            fuzz_die("an error body without \"error\"", r->body);
        }
        if (r->status < 500
                ? !json_is_string(detail)
                : !(json_is_string(detail) || json_is_null(detail))) {
            fuzz_die("an error body without \"detail\"", r->body);
        }
        json_decref(j);
    } else if (r->status < 300 && r->len && r->content_type &&
               !strcmp(r->content_type, "application/json")) {
        json_error_t e;
        json_t *j = json_loadb(r->body, r->len, JSON_DECODE_ANY, &e);
        if (!j) {
            fuzz_die("a JSON reply that does not parse", e.text);
        }
        json_decref(j);
    } else if (!r->content_type && r->len) {
        fuzz_die("a body without a content type", what);
    }
}

/* ---- libFuzzer ---- */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char exe[PATH_MAX];
    const char *dir = getenv("FUZZ_REST_APPS");

    (void) argc;
    (void) argv;
    signal(SIGPIPE, SIG_IGN);
    verbose = getenv("FUZZ_REST_VERBOSE") != NULL;
    const char *config = getenv("FUZZ_REST_CONFIG");
    if (config) {
        static char text[64 * 1024];
        FILE *f = fopen(config, "r");
        size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
        if (!f || ferror(f)) {
            fuzz_die("cannot read FUZZ_REST_CONFIG", config);
        }
        fclose(f);
        text[n] = '\0';
        config_text = text;
    }
    sl_log_set_sink(fuzz_log_sink, NULL);
    ofp_arena_init(&sw_arena);
    ofp_wbuf_init(&sw_wbuf);

    /* The apps built for the target, beside it unless told. */
    if (dir) {
        snprintf(app_path, sizeof app_path, "%s", dir);
    } else {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) {
            fuzz_die("cannot find the target's directory", strerror(errno));
        }
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        *slash = '\0';
        snprintf(app_path, sizeof app_path, "%s/apps", exe);
    }
    /* Kept open: each controller's dlopen() and dlclose() then neither
     * loads nor unloads them, and libFuzzer's counters of their code
     * stay mapped. */
    for (size_t i = 0; i < sizeof fuzz_apps / sizeof fuzz_apps[0]; i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s.so", app_path, fuzz_apps[i]);
        if (!dlopen(path, RTLD_NOW | RTLD_LOCAL)) {
            fuzz_die("cannot load an app", dlerror());
        }
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_req req;
    struct fuzz_reply r;
    struct fuzz_state before, after;
    bool write, dirty;

    if (!fuzz_req_parse(&req, data, size)) {
        free(req.head);
        return 0;
    }
    if (!w.up) {
        world_create();
    }
    cur_data = data;
    cur_size = size;

    const char *mode = fuzz_req_header(&req, "X-Fuzz-Switch");
    w.mode = !mode                     ? FUZZ_SW_ANSWER
             : !strcmp(mode, "refuse") ? FUZZ_SW_REFUSE
             : !strcmp(mode, "hold")   ? FUZZ_SW_HOLD
                                       : FUZZ_SW_ANSWER;
    write = !strcmp(req.method, "POST") || !strcmp(req.method, "PUT") ||
            !strcmp(req.method, "DELETE");
    if (write && w.mode == FUZZ_SW_ANSWER) {
        state_take(&before);
    }

    memset(&r, 0, sizeof r);
    log_error[0] = '\0';
    checking = true;
    int error = rest_server_inject(w.server, req.method, req.target,
                                   req.headers, req.n_headers, req.body,
                                   req.body_len, reply_cb, &r);
    if (error && error != EINVAL) {
        fuzz_die("rest_server_inject() returned neither 0 nor EINVAL",
                 strerror(error));
    }
    /* Answered before the loop ran: nothing else happened meanwhile. */
    bool at_once = r.done;
    if (!error && w.mode != FUZZ_SW_HOLD &&
        !run_until(&r.done, FUZZ_REPLY_SECONDS)) {
        fuzz_die("no reply in time", NULL);
    }
    if (verbose) {
        fprintf(stderr, "%s %s -> %s%d %.*s\n", req.method, req.target,
                error ? "(refused before the server) " : "",
                r.done ? r.status : 0, (int) (r.len > 300 ? 300 : r.len),
                r.done ? r.body : "");
    }
    if (r.done) {
        check_reply(&req, &r);
    }
    if (write && w.mode == FUZZ_SW_ANSWER) {
        /* We refuse at once; only a switch refuses later, and this one
         * refuses nothing.  Compared before the loop runs again, so that
         * nothing but the request could have changed anything. */
        if (r.done && r.status >= 400 && r.status < 500) {
            if (!at_once) {
                fuzz_die("a write refused after the loop ran", r.body);
            }
            state_take(&after);
            state_check_same(&before, &after);
            state_free(&after);
        }
        state_free(&before);
    }
    run_pending();
    checking = false;
    if (log_error[0]) {
        fuzz_die("a request made the controller log an error", log_error);
    }

    dirty = w.mode != FUZZ_SW_ANSWER || w.sw_closed || !world_ready() ||
            (r.done && (r.status >= 500 || (write && r.status < 300)));
    if (dirty) {
        /* Cancels what is still pending, as for a client gone.  Built
         * again at once: an input that frees one controller and makes
         * another leaves as many allocations as it found, so libFuzzer
         * does not run it again to look for leaks. */
        world_destroy();
        world_create();
    }
    fuzz_reply_free(&r);
    free(req.head);
    cur_data = NULL;
    return 0;
}
