/* fake-switch: scripted OpenFlow 1.3 switches for the controller tests;
 * see fake-switch.h. */
#include <config.h>
#include "test/fake-switch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include "controller/conn.h"
#include "controller/log.h"
#include "test/test-loop.h"
#include "test/test-util.h"

static struct event_base *fsw_base;
static struct sl_datapaths *fsw_dps;
static struct ofp_arena fsw_arena;
static struct fsw sws[FSW_MAX];
static int n_sws;

#define RUN_UNTIL(COND, SECS) TEST_LOOP_UNTIL(fsw_base, COND, SECS)

void
fsw_init(struct event_base *base, struct sl_datapaths *dps)
{
    fsw_base = base;
    fsw_dps = dps;
    memset(sws, 0, sizeof sws);
    n_sws = 0;
    ofp_arena_init(&fsw_arena);
}

void
fsw_uninit(void)
{
    for (int i = 0; i < n_sws; i++) {
        if (sws[i].bev) {
            bufferevent_free(sws[i].bev);
        }
        for (size_t j = 0; j < sws[i].n_rx; j++) {
            free(sws[i].rx[j].data);
        }
        free(sws[i].rx);
    }
    memset(sws, 0, sizeof sws);
    n_sws = 0;
    ofp_arena_uninit(&fsw_arena);
    fsw_base = NULL;
    fsw_dps = NULL;
}

static void
fsw_read_cb(struct bufferevent *bev, void *s_)
{
    struct fsw *s = s_;
    struct evbuffer *in = bufferevent_get_input(bev);
    for (;;) {
        size_t avail = evbuffer_get_length(in);
        uint8_t hdr[8];
        if (avail < 8) {
            break;
        }
        evbuffer_copyout(in, hdr, 8);
        size_t len = ofp_load_be16(hdr + 2);
        ck_assert_uint_ge(len, 8);
        if (avail < len) {
            break;
        }
        uint8_t *data = malloc(len);
        ck_assert_ptr_nonnull(data);
        evbuffer_remove(in, data, len);
        if (hdr[1] == OFPT_ECHO_REQUEST) {
            s->n_echo_requests++;
            if (s->auto_echo) {
                struct ofp_msg m;
                ofp_msg_init(&m, OFPT_ECHO_REPLY, ofp_load_be32(hdr + 4));
                fsw_send(s, &m);
                free(data);
                continue;
            }
        }
        if (s->n_rx == s->cap_rx) {
            s->cap_rx = s->cap_rx ? 2 * s->cap_rx : 16;
            s->rx = realloc(s->rx, s->cap_rx * sizeof *s->rx);
            ck_assert_ptr_nonnull(s->rx);
        }
        s->rx[s->n_rx].data = data;
        s->rx[s->n_rx].len = len;
        s->n_rx++;
    }
}

static void
fsw_event_cb(struct bufferevent *bev, short what, void *s_)
{
    struct fsw *s = s_;
    (void) bev;
    if (what & BEV_EVENT_CONNECTED) {
        s->connected = true;
    }
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        s->closed = true;
    }
}

struct fsw *
fsw_connect(const char *name, SSL_CTX *server_ctx, SSL_CTX *client_ctx)
{
    ck_assert_ptr_nonnull(fsw_base);
    ck_assert_int_lt(n_sws, FSW_MAX);
    struct fsw *s = &sws[n_sws++];
    memset(s, 0, sizeof *s);

    int fds[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ck_assert_int_eq(evutil_make_socket_nonblocking(fds[0]), 0);
    ck_assert_int_eq(evutil_make_socket_nonblocking(fds[1]), 0);

    struct sl_conn *conn =
        sl_conn_create_fd(fsw_base, fds[0], server_ctx, name);
    ck_assert_ptr_nonnull(conn);
    s->dp = sl_datapath_create(fsw_dps, conn);
    ck_assert_ptr_nonnull(s->dp);
    ck_assert_ptr_eq(sl_datapath_conn(s->dp), conn);

    if (client_ctx) {
        SSL *ssl = SSL_new(client_ctx);
        ck_assert_ptr_nonnull(ssl);
        s->bev = bufferevent_openssl_socket_new(fsw_base, fds[1], ssl,
                                                BUFFEREVENT_SSL_CONNECTING,
                                                BEV_OPT_CLOSE_ON_FREE);
    } else {
        s->bev =
            bufferevent_socket_new(fsw_base, fds[1], BEV_OPT_CLOSE_ON_FREE);
        s->connected = true;
    }
    ck_assert_ptr_nonnull(s->bev);
    bufferevent_setcb(s->bev, fsw_read_cb, NULL, fsw_event_cb, s);
    bufferevent_enable(s->bev, EV_READ | EV_WRITE);
    return s;
}

void
fsw_send_raw(struct fsw *s, const void *data, size_t len)
{
    ck_assert_int_eq(bufferevent_write(s->bev, data, len), 0);
}

void
fsw_send(struct fsw *s, const struct ofp_msg *msg)
{
    struct ofp_wbuf b;
    ofp_wbuf_init(&b);
    ck_assert_int_eq(ofp_msg_encode(&b, msg), 0);
    fsw_send_raw(s, b.data, b.len);
    ofp_wbuf_uninit(&b);
}

const struct fsw_rx *
fsw_next(struct fsw *s, struct ofp_msg *msg)
{
    ck_assert_msg(RUN_UNTIL(s->next < s->n_rx, FSW_STEP_TIMEOUT),
                  "no message from the controller");
    const struct fsw_rx *r = &s->rx[s->next++];
    ofp_arena_reset(&fsw_arena);
    ck_assert_int_eq(ofp_msg_decode(r->data, r->len, msg, &fsw_arena), 0);
    return r;
}

const struct fsw_rx *
fsw_expect(struct fsw *s, uint8_t type, struct ofp_msg *msg)
{
    const struct fsw_rx *r = fsw_next(s, msg);
    ck_assert_msg(msg->type == type, "expected %s, got %s",
                  ofp_type_name(type), ofp_type_name(msg->type));
    return r;
}

void
fsw_expect_closed(struct fsw *s)
{
    ck_assert_msg(RUN_UNTIL(s->closed, FSW_STEP_TIMEOUT),
                  "the controller did not close");
    s->dp = NULL;
}

void
fsw_send_hello(struct fsw *s, uint8_t version, const uint32_t *bitmap)
{
    struct ofp_msg m;
    uint32_t bm = bitmap ? *bitmap : 0;
    struct ofp_hello_elem elem = {
        .type = OFPHET_VERSIONBITMAP,
        .n_bitmaps = 1,
        .bitmaps = &bm,
    };
    ofp_msg_init(&m, OFPT_HELLO, 77);
    m.version = version;
    if (bitmap) {
        m.hello.n_elems = 1;
        m.hello.elems = &elem;
    }
    fsw_send(s, &m);
}

void
fsw_hello(struct fsw *s, uint32_t *xid)
{
    struct ofp_msg m;
    fsw_expect(s, OFPT_HELLO, &m);
    uint32_t bitmap = 1u << OFP13_VERSION;
    fsw_send_hello(s, OFP13_VERSION, &bitmap);
    fsw_expect(s, OFPT_FEATURES_REQUEST, &m);
    *xid = m.xid;
}

void
fsw_send_features(struct fsw *s, uint32_t xid, uint64_t dpid, uint8_t aux_id)
{
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_FEATURES_REPLY, xid);
    m.features.datapath_id = dpid;
    m.features.n_buffers = 256;
    m.features.n_tables = 254;
    m.features.auxiliary_id = aux_id;
    m.features.capabilities = OFPC_FLOW_STATS | OFPC_PORT_STATS;
    fsw_send(s, &m);
}

struct ofp_port
fsw_make_port(uint32_t no, const char *name)
{
    struct ofp_port p;
    memset(&p, 0, sizeof p);
    p.port_no = no;
    p.hw_addr[5] = (uint8_t) no;
    snprintf(p.name, sizeof p.name, "%s", name);
    p.curr_speed = 10000000;
    return p;
}

void
fsw_send_port_desc(struct fsw *s, uint32_t xid, struct ofp_port *ports,
                   size_t n, bool more)
{
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_MULTIPART_REPLY, xid);
    m.mp_reply.type = OFPMP_PORT_DESC;
    m.mp_reply.flags = more ? OFPMPF_REPLY_MORE : 0;
    m.mp_reply.port_desc.n = n;
    m.mp_reply.port_desc.ports = ports;
    fsw_send(s, &m);
}

void
fsw_send_port_status(struct fsw *s, uint8_t reason, uint32_t no,
                     const char *name, bool link_down)
{
    struct ofp_msg m;

    ofp_msg_init(&m, OFPT_PORT_STATUS, 0);
    m.port_status.reason = reason;
    m.port_status.desc = fsw_make_port(no, name);
    m.port_status.desc.state = link_down ? OFPPS_LINK_DOWN : 0;
    fsw_send(s, &m);
}

void
fsw_send_desc(struct fsw *s, uint32_t xid)
{
    struct ofp_desc desc;
    memset(&desc, 0, sizeof desc);
    snprintf(desc.mfr_desc, sizeof desc.mfr_desc, "Fake Inc.");
    snprintf(desc.hw_desc, sizeof desc.hw_desc, "Test Switch");
    snprintf(desc.sw_desc, sizeof desc.sw_desc, "1.2.3");
    snprintf(desc.serial_num, sizeof desc.serial_num, "SN42");
    snprintf(desc.dp_desc, sizeof desc.dp_desc, "bench");
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_MULTIPART_REPLY, xid);
    m.mp_reply.type = OFPMP_DESC;
    m.mp_reply.desc = &desc;
    fsw_send(s, &m);
}

void
fsw_config(struct fsw *s)
{
    struct ofp_msg m;
    fsw_expect(s, OFPT_SET_CONFIG, &m);
    ck_assert_uint_eq(m.config.flags, 0);
    ck_assert_uint_eq(m.config.miss_send_len, SL_DP_MISS_SEND_LEN);
    s->hs_xids[1] = m.xid;

    fsw_expect(s, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_uint_eq(m.mp_request.type, OFPMP_PORT_DESC);
    uint32_t pd_xid = m.xid;
    s->hs_xids[2] = m.xid;
    fsw_expect(s, OFPT_MULTIPART_REQUEST, &m);
    ck_assert_uint_eq(m.mp_request.type, OFPMP_DESC);
    uint32_t desc_xid = m.xid;
    s->hs_xids[3] = m.xid;

    struct ofp_port part1[2] = {fsw_make_port(3, "eth3"),
                                fsw_make_port(OFPP_LOCAL, "br0")};
    struct ofp_port part2[2] = {fsw_make_port(1, "eth1"),
                                fsw_make_port(2, "eth2")};
    fsw_send_port_desc(s, pd_xid, part1, 2, true);
    fsw_send_port_desc(s, pd_xid, part2, 2, false);
    fsw_send_desc(s, desc_xid);
}

void
fsw_handshake(struct fsw *s, uint64_t dpid)
{
    uint32_t xid;
    fsw_hello(s, &xid);
    s->hs_xids[0] = xid;
    fsw_send_features(s, xid, dpid, 0);
    fsw_config(s);
    ck_assert_msg(
        RUN_UNTIL(sl_datapaths_find(fsw_dps, dpid) == s->dp, FSW_STEP_TIMEOUT),
        "the session did not become ready");
    ck_assert_int_eq(sl_datapath_state(s->dp), SL_DP_READY);
}

/* ---- what the controller logged ---- */

#define FSW_LOG_LINES 256

static char log_lines[FSW_LOG_LINES][SL_LOG_LINE_MAX + 1];
static int n_log_lines;

static void
fsw_log_sink(void *aux, enum sl_log_target target, int priority,
             enum sl_log_level level, const char *module, const char *text,
             size_t len)
{
    (void) aux;
    (void) target;
    (void) priority;
    (void) level;
    (void) module;
    (void) len;
    snprintf(log_lines[n_log_lines % FSW_LOG_LINES], sizeof log_lines[0], "%s",
             text);
    n_log_lines++;
}

static void
fsw_log_clock(clockid_t clock, struct timespec *ts)
{
    static time_t fake_mono = 1000;
    if (clock == CLOCK_MONOTONIC) {
        ts->tv_sec = fake_mono++;
        ts->tv_nsec = 0;
    } else {
        clock_gettime(clock, ts);
    }
}

void
fsw_logs_capture(void)
{
    n_log_lines = 0;
    sl_log_set_sink(fsw_log_sink, NULL);
    sl_log_set_clock(fsw_log_clock);
}

bool
fsw_log_has(const char *a, const char *b)
{
    int n = n_log_lines < FSW_LOG_LINES ? n_log_lines : FSW_LOG_LINES;
    for (int i = 0; i < n; i++) {
        if (strstr(log_lines[i], a) && (!b || strstr(log_lines[i], b))) {
            return true;
        }
    }
    return false;
}
