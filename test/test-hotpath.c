/* Proves the hot-path promise of issue 3 with allocation counts, not
 * timings: a switch session in steady state answers PACKET_INs and
 * ECHO_REQUESTs without a malloc per message.
 *
 * What is counted.  This program is linked with -Wl,--wrap for malloc,
 * calloc, realloc and free, so every call from its own objects and from the
 * static controller and ofproto objects (conn.c, datapath.c, the codec,
 * and libcheck) goes through __wrap_*() below and counts as "sluice".
 * libevent is a shared library: its allocations go through the hooks of
 * event_set_mem_functions(), installed in main() before any libevent call,
 * and count as "libevent" (libevent_core, which libevent_openssl pulls in
 * beside libevent, binds event_mm_malloc_ to libevent's copy, so it is
 * counted too).  Allocations made inside libc itself are not seen (none
 * is expected here: no stdio, no name lookups on this path).
 *
 * The scene.  A controller-side conn on one end of a socketpair, owned by
 * a 'struct sl_datapaths' whose 'msg' callback answers every PACKET_IN
 * with a PACKET_OUT of the same frame to one port: the shape of a learning
 * switch's hot path.  The other end is a fake switch on a raw non-blocking
 * fd in the same event loop, with static buffers and no evbuffers, so it
 * allocates nothing once warm.  It completes the handshake to READY
 * (packet_in_rate 0: unlimited), then writes batches of interleaved
 * PACKET_INs (86-byte UDP frames numbered in their payload, in_port OXM)
 * and ECHO_REQUESTs, and decodes every reply with ofp_msg_decode(): the
 * PACKET_OUTs must carry the frames in order, the ECHO_REPLYs the xids and
 * data of the requests.  Inside a measured phase nothing calls ck_assert
 * (libcheck allocates to record a checkpoint): failures are recorded and
 * asserted afterwards.
 *
 * What is proven.  After a warm-up, a phase of N messages and one of 10 N,
 * in lock-step and pipelined: sluice allocates a constant amount (none)
 * whatever the message count.  libevent does allocate: one evbuffer chain
 * per read(2) of at most 4 KiB and per few KiB of output, freed once
 * drained (evbuffer keeps no free list); a message straddling two input
 * chains is copied into a buffer the conn keeps.  That is per I/O batch,
 * not per message: the test asserts fewer than one allocation in all per
 * ten messages and at least 1 KiB moved per libevent allocation, and
 * prints the numbers.  Syscalls are not counted (the conn exposes no flush
 * counter); the switch's read() calls are printed as a hint. */
#include <config.h>
#include "controller/datapath.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include "controller/conn.h"
#include "controller/log.h"
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-packet.h"
#include "test/test-loop.h"
#include "test/test-util.h"

/* ---- allocation counters ---- */

void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void __real_free(void *);
void *__wrap_malloc(size_t);
void *__wrap_calloc(size_t, size_t);
void *__wrap_realloc(void *, size_t);
void __wrap_free(void *);

static unsigned long n_ours;     /* malloc + calloc + realloc, wrapped */
static unsigned long n_libevent; /* the same, through libevent's hooks */

void *
__wrap_malloc(size_t n)
{
    n_ours++;
    return __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
    n_ours++;
    return __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
    n_ours++;
    return __real_realloc(p, n);
}

void
__wrap_free(void *p)
{
    __real_free(p);
}

static void *
ev_malloc(size_t n)
{
    n_libevent++;
    return __real_malloc(n);
}

static void *
ev_realloc(void *p, size_t n)
{
    n_libevent++;
    return __real_realloc(p, n);
}

static void
ev_free(void *p)
{
    __real_free(p);
}

/* ---- scenario constants ---- */

#define TEST_DPID 0x00000000000000a1ULL
#define IN_PORT 3
#define OUT_PORT 2
/* Ethernet + IPv4 + UDP + 44 bytes of payload. */
#define FRAME_LEN 86
/* Where the frame carries its sequence number (the UDP payload). */
#define FRAME_SEQ_OFS 42
#define ECHO_DATA_LEN 8
/* First xid of the switch's ECHO_REQUESTs and PACKET_INs. */
#define ECHO_XID0 0x10000000u
#define PI_XID0 0x20000000u
/* Requests of each kind per write (so 100 messages per write). */
#define PAIRS_PER_BATCH 50
#define WARMUP_EACH 2000
#define MEASURE_EACH 2000 /* N = 2 x MEASURE_EACH messages */
/* How much sluice's count may differ between N and 10 N. */
#define OURS_SLACK 8
/* How long a step may take before the test fails (generous: valgrind). */
#define STEP_TIMEOUT 20.0

/* ---- the event loop ---- */

static struct event_base *base;
static struct event *tick;
static struct sl_datapaths dps;

/* The tick timer bounds each pass of RUN_UNTIL. */
#define RUN_UNTIL(COND, SECS) TEST_LOOP_UNTIL(base, COND, SECS)

/* ---- logs: counted, never printed ---- */

static unsigned long n_log_warn; /* lines at warn or error */
static char first_warn[256];

static void
log_sink(void *aux, enum sl_log_target target, int priority,
         enum sl_log_level level, const char *module, const char *text,
         size_t len)
{
    (void) aux;
    (void) target;
    (void) priority;
    (void) module;
    (void) len;
    if (level <= SL_LOG_WARN && level != SL_LOG_OFF) {
        if (!n_log_warn++) {
            snprintf(first_warn, sizeof first_warn, "%s", text);
        }
    }
}

/* ---- the controller side: a learning switch's hot path ---- */

static struct {
    struct sl_datapath *ready_dp;
    unsigned long n_ready, n_down;
    unsigned long n_packet_in, n_no_pkt, n_other, n_send_failed;
} ctl;

static void
on_ready(struct sl_datapath *dp, void *aux)
{
    (void) aux;
    ctl.ready_dp = dp;
    ctl.n_ready++;
}

/* Answers a PACKET_IN with a PACKET_OUT of its frame to OUT_PORT. */
static void
on_msg(struct sl_datapath *dp, const struct ofp_msg *msg,
       const struct ofp_packet *pkt, void *aux)
{
    (void) aux;
    if (msg->type != OFPT_PACKET_IN) {
        ctl.n_other++;
        return;
    }
    ctl.n_packet_in++;
    if (!pkt || pkt->layer != OFP_PACKET_L4) {
        ctl.n_no_pkt++;
    }
    const struct ofp_oxm *in =
        ofp_match_find(&msg->packet_in.match, OFPXMT_OFB_IN_PORT);

    struct ofp_action output = {.type = OFPAT_OUTPUT};
    output.output.port = OUT_PORT;
    output.output.max_len = 0;

    /* As the apps' host function packet_out() sends it. */
    struct ofp_packet_out po = {
        .buffer_id = OFP_NO_BUFFER,
        .in_port = in ? in->value.u32 : OFPP_CONTROLLER,
        .actions = {1, &output},
        .len = msg->packet_in.len,
        .data = msg->packet_in.data,
    };
    if (sl_datapath_packet_out(dp, &po)) {
        ctl.n_send_failed++;
    }
}

static void
on_down(struct sl_datapath *dp, const char *reason, void *aux)
{
    (void) dp;
    (void) reason;
    (void) aux;
    ctl.n_down++;
    ctl.ready_dp = NULL;
}

static const struct sl_dp_ops ops = {
    .ready = on_ready,
    .msg = on_msg,
    .down = on_down,
};

/* ---- the fake switch: a raw fd, static buffers ---- */

#define SW_RX_CAP (256u * 1024)
#define SW_TX_CAP (256u * 1024)

static struct {
    int fd;
    struct event *rd_ev, *wr_ev;
    bool eof;
    uint8_t rx[SW_RX_CAP];
    size_t rx_len;
    uint8_t tx[SW_TX_CAP];
    size_t tx_len, tx_ofs;
    struct ofp_arena arena;  /* decodes, reset per message */
    struct ofp_wbuf scratch; /* encodes during the handshake */

    /* Wire templates, patched per message. */
    uint8_t frame[FRAME_LEN];
    uint8_t pi[256];
    size_t pi_len, pi_data_ofs;
    uint8_t echo[64];
    size_t echo_len;

    /* Handshake. */
    bool got_hello, got_set_config;

    /* Traffic: requests written and replies checked, in order. */
    uint32_t pi_sent, po_seen;
    uint32_t er_sent, er_seen;
    unsigned long n_keepalive; /* ECHO_REQUESTs from the controller */
    unsigned long n_reads, bytes_in, bytes_out;
    unsigned long n_bad;
    char bad[160];
} sw;

static void sw_bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Records a failure of the traffic (the first one's text is kept). */
static void
sw_bad(const char *fmt, ...)
{
    if (!sw.n_bad++) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(sw.bad, sizeof sw.bad, fmt, args);
        va_end(args);
    }
}

static void
sw_flush(void)
{
    while (sw.tx_ofs < sw.tx_len) {
        ssize_t n = write(sw.fd, sw.tx + sw.tx_ofs, sw.tx_len - sw.tx_ofs);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                event_add(sw.wr_ev, NULL);
                return;
            }
            if (errno == EINTR) {
                continue;
            }
            sw_bad("write: %s", strerror(errno));
            return;
        }
        sw.tx_ofs += (size_t) n;
        sw.bytes_out += (unsigned long) n;
    }
    sw.tx_len = sw.tx_ofs = 0;
    event_del(sw.wr_ev);
}

static uint8_t *
sw_tx_reserve(size_t n)
{
    if (sw.tx_len + n > SW_TX_CAP) {
        sw_bad("switch output buffer full");
        return NULL;
    }
    uint8_t *p = sw.tx + sw.tx_len;
    sw.tx_len += n;
    return p;
}

/* Encodes 'm' (handshake only: this allocates the first time). */
static void
sw_send(const struct ofp_msg *m)
{
    ofp_wbuf_clear(&sw.scratch);
    if (ofp_msg_encode(&sw.scratch, m)) {
        sw_bad("cannot encode %s", ofp_type_name(m->type));
        return;
    }
    uint8_t *p = sw_tx_reserve(sw.scratch.len);
    if (p) {
        memcpy(p, sw.scratch.data, sw.scratch.len);
    }
    sw_flush();
}

static void
sw_answer_hello(void)
{
    uint32_t bitmap = 1u << OFP13_VERSION;
    struct ofp_hello_elem elem = {
        .type = OFPHET_VERSIONBITMAP,
        .n_bitmaps = 1,
        .bitmaps = &bitmap,
    };
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_HELLO, 1);
    m.hello.n_elems = 1;
    m.hello.elems = &elem;
    sw_send(&m);
    sw.got_hello = true;
}

static void
sw_answer_features(uint32_t xid)
{
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_FEATURES_REPLY, xid);
    m.features.datapath_id = TEST_DPID;
    m.features.n_buffers = 0;
    m.features.n_tables = 254;
    sw_send(&m);
}

static void
sw_answer_mp(const struct ofp_msg *req)
{
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_MULTIPART_REPLY, req->xid);
    m.mp_reply.type = req->mp_request.type;
    if (req->mp_request.type == OFPMP_PORT_DESC) {
        struct ofp_port ports[2];
        memset(ports, 0, sizeof ports);
        for (int i = 0; i < 2; i++) {
            ports[i].port_no = i ? IN_PORT : OUT_PORT;
            ports[i].hw_addr[5] = (uint8_t) ports[i].port_no;
            snprintf(ports[i].name, sizeof ports[i].name, "eth%u",
                     ports[i].port_no);
        }
        m.mp_reply.port_desc.n = 2;
        m.mp_reply.port_desc.ports = ports;
        sw_send(&m);
    } else if (req->mp_request.type == OFPMP_DESC) {
        struct ofp_desc desc;
        memset(&desc, 0, sizeof desc);
        snprintf(desc.mfr_desc, sizeof desc.mfr_desc, "Hot Path Inc.");
        snprintf(desc.hw_desc, sizeof desc.hw_desc, "fake");
        snprintf(desc.sw_desc, sizeof desc.sw_desc, "1");
        m.mp_reply.desc = &desc;
        sw_send(&m);
    } else {
        sw_bad("unexpected multipart request %u", req->mp_request.type);
    }
}

/* Writes the frame template with sequence number 'seq' into 'out'. */
static void
sw_frame(uint8_t *out, uint32_t seq)
{
    memcpy(out, sw.frame, FRAME_LEN);
    ofp_store_be32(out + FRAME_SEQ_OFS, seq);
}

static void
sw_check_packet_out(const struct ofp_msg *m)
{
    const struct ofp_packet_out *po = &m->packet_out;
    uint8_t want[FRAME_LEN];

    if (sw.po_seen >= sw.pi_sent) {
        sw_bad("PACKET_OUT %u without a PACKET_IN", sw.po_seen);
        return;
    }
    sw_frame(want, sw.po_seen);
    if (po->buffer_id != OFP_NO_BUFFER || po->in_port != IN_PORT ||
        po->actions.n != 1 || po->actions.actions[0].type != OFPAT_OUTPUT ||
        po->actions.actions[0].output.port != OUT_PORT) {
        sw_bad("PACKET_OUT %u: wrong buffer, in_port or actions", sw.po_seen);
    } else if (po->len != FRAME_LEN || memcmp(po->data, want, FRAME_LEN)) {
        sw_bad("PACKET_OUT %u: not the frame of PACKET_IN %u (%zu bytes)",
               sw.po_seen, sw.po_seen, po->len);
    }
    sw.po_seen++;
}

static void
sw_check_echo_reply(const struct ofp_msg *m)
{
    uint32_t want = ECHO_XID0 + sw.er_seen;
    uint8_t data[ECHO_DATA_LEN] = {0};

    if (sw.er_seen >= sw.er_sent) {
        sw_bad("ECHO_REPLY %u without an ECHO_REQUEST", sw.er_seen);
        return;
    }
    ofp_store_be32(data, want);
    if (m->xid != want) {
        sw_bad("ECHO_REPLY %u has xid 0x%08x, not 0x%08x", sw.er_seen, m->xid,
               want);
    } else if (m->echo.len != ECHO_DATA_LEN ||
               memcmp(m->echo.data, data, ECHO_DATA_LEN)) {
        sw_bad("ECHO_REPLY %u does not echo the request's data", sw.er_seen);
    }
    sw.er_seen++;
}

/* One whole message from the controller. */
static void
sw_handle(const uint8_t *data, size_t len)
{
    struct ofp_msg m;
    ofp_arena_reset(&sw.arena);
    enum ofperr error = ofp_msg_decode(data, len, &m, &sw.arena);
    if (error) {
        sw_bad("undecodable message of type %u: %s", data[1],
               ofperr_name(error));
        return;
    }
    switch (m.type) {
    case OFPT_PACKET_OUT:
        sw_check_packet_out(&m);
        break;
    case OFPT_ECHO_REPLY:
        sw_check_echo_reply(&m);
        break;
    case OFPT_ECHO_REQUEST:
        /* Keepalive: any message the switch sends answers it. */
        sw.n_keepalive++;
        break;
    case OFPT_HELLO:
        sw_answer_hello();
        break;
    case OFPT_FEATURES_REQUEST:
        sw_answer_features(m.xid);
        break;
    case OFPT_SET_CONFIG:
        sw.got_set_config = true;
        break;
    case OFPT_MULTIPART_REQUEST:
        sw_answer_mp(&m);
        break;
    default:
        sw_bad("unexpected %s from the controller", ofp_type_name(m.type));
        break;
    }
}

static void
sw_read_cb(evutil_socket_t fd, short what, void *aux)
{
    (void) what;
    (void) aux;

    ssize_t n = read(fd, sw.rx + sw.rx_len, SW_RX_CAP - sw.rx_len);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        sw.eof = true;
        event_del(sw.rd_ev);
        return;
    }
    sw.n_reads++;
    sw.bytes_in += (unsigned long) n;
    sw.rx_len += (size_t) n;

    size_t ofs = 0;
    while (sw.rx_len - ofs >= 8) {
        size_t len = ofp_load_be16(sw.rx + ofs + 2);
        if (len < 8) {
            sw_bad("bad length %zu from the controller", len);
            sw.rx_len = 0;
            return;
        }
        if (sw.rx_len - ofs < len) {
            break;
        }
        sw_handle(sw.rx + ofs, len);
        ofs += len;
    }
    memmove(sw.rx, sw.rx + ofs, sw.rx_len - ofs);
    sw.rx_len -= ofs;
}

static void
sw_write_cb(evutil_socket_t fd, short what, void *aux)
{
    (void) fd;
    (void) what;
    (void) aux;
    sw_flush();
}

/* Builds the frame, PACKET_IN and ECHO_REQUEST templates. */
static void
sw_build_templates(void)
{
    uint8_t *f = sw.frame;
    memset(f, 0, FRAME_LEN);
    static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x02};
    static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x01};
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08; /* IPv4 */
    f[13] = 0x00;
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    ip[2] = 0;
    ip[3] = FRAME_LEN - 14;
    ip[8] = 64;
    ip[9] = OFP_IPPROTO_UDP;
    ofp_store_be32(ip + 12, 0x0a000001);
    ofp_store_be32(ip + 16, 0x0a000002);
    uint8_t *udp = ip + 20;
    udp[0] = 0x30; /* 12345 */
    udp[1] = 0x39;
    udp[2] = 0x00; /* 53 */
    udp[3] = 0x35;
    udp[4] = 0;
    udp[5] = FRAME_LEN - 34;
    for (size_t i = FRAME_SEQ_OFS + 4; i < FRAME_LEN; i++) {
        f[i] = (uint8_t) i;
    }

    struct ofp_packet pkt;
    ck_assert_int_eq(ofp_packet_parse(&pkt, f, FRAME_LEN), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.tp_dst, 53);

    struct ofp_oxm oxm;
    ck_assert(ofp_oxm_init_basic(&oxm, OFPXMT_OFB_IN_PORT));
    oxm.value.u32 = IN_PORT;
    struct ofp_msg m;
    ofp_msg_init(&m, OFPT_PACKET_IN, PI_XID0);
    m.packet_in.buffer_id = OFP_NO_BUFFER;
    m.packet_in.total_len = FRAME_LEN;
    m.packet_in.reason = OFPR_NO_MATCH;
    m.packet_in.table_id = 2;
    m.packet_in.match.n_oxms = 1;
    m.packet_in.match.oxms = &oxm;
    m.packet_in.data = f;
    m.packet_in.len = FRAME_LEN;
    struct ofp_wbuf b;
    ofp_wbuf_use_fixed(&b, sw.pi, sizeof sw.pi);
    ck_assert_int_eq(ofp_msg_encode(&b, &m), 0);
    sw.pi_len = b.len;
    sw.pi_data_ofs = b.len - FRAME_LEN;
    ck_assert_mem_eq(sw.pi + sw.pi_data_ofs, f, FRAME_LEN);

    uint8_t data[ECHO_DATA_LEN] = {0};
    ofp_msg_init(&m, OFPT_ECHO_REQUEST, ECHO_XID0);
    m.echo.data = data;
    m.echo.len = ECHO_DATA_LEN;
    ofp_wbuf_use_fixed(&b, sw.echo, sizeof sw.echo);
    ck_assert_int_eq(ofp_msg_encode(&b, &m), 0);
    sw.echo_len = b.len;
}

/* Queues 'pairs' PACKET_IN + ECHO_REQUEST pairs, interleaved, and writes
 * them at once. */
static void
sw_send_batch(unsigned int pairs)
{
    for (unsigned int i = 0; i < pairs; i++) {
        uint8_t *p = sw_tx_reserve(sw.pi_len);
        if (!p) {
            return;
        }
        memcpy(p, sw.pi, sw.pi_len);
        ofp_store_be32(p + 4, PI_XID0 + sw.pi_sent);
        ofp_store_be32(p + sw.pi_data_ofs + FRAME_SEQ_OFS, sw.pi_sent);
        sw.pi_sent++;

        p = sw_tx_reserve(sw.echo_len);
        if (!p) {
            return;
        }
        uint32_t xid = ECHO_XID0 + sw.er_sent;
        memcpy(p, sw.echo, sw.echo_len);
        ofp_store_be32(p + 4, xid);
        ofp_store_be32(p + 8, xid);
        sw.er_sent++;
    }
    sw_flush();
}

static bool
sw_all_answered(void)
{
    return sw.n_bad || sw.eof ||
           (sw.po_seen == sw.pi_sent && sw.er_seen == sw.er_sent);
}

/* How the switch paces its writes. */
struct pacing {
    unsigned int pairs;  /* PACKET_IN + ECHO_REQUEST pairs per write */
    unsigned int window; /* writes in flight: 1 waits for every answer */
};

/* Lock-step, 100 messages per write: each write is read and answered in a
 * fixed number of loop passes. */
static const struct pacing lockstep = {PAIRS_PER_BATCH, 1};
/* Writes of 74 messages, up to 4 of them unanswered: messages straddle
 * read boundaries and reads and answers overlap. */
static const struct pacing pipelined = {37, 4};

static bool
sw_may_send(const struct pacing *p)
{
    uint32_t max = (p->window - 1) * p->pairs;
    return sw.n_bad || sw.eof ||
           (sw.tx_len == 0 && sw.pi_sent - sw.po_seen <= max &&
            sw.er_sent - sw.er_seen <= max);
}

/* Sends 'each' PACKET_INs and as many ECHO_REQUESTs, paced by 'p', and
 * waits until everything is answered.  Calls nothing that allocates once
 * the buffers are warm.  Returns false on a failure (see sw.bad), a close
 * or a timeout. */
static bool
run_traffic(unsigned int each, const struct pacing *p)
{
    unsigned int done = 0;
    while (done < each) {
        unsigned int k = each - done < p->pairs ? each - done : p->pairs;
        if (!RUN_UNTIL(sw_may_send(p), STEP_TIMEOUT) || sw.n_bad || sw.eof) {
            return false;
        }
        sw_send_batch(k);
        done += k;
    }
    return RUN_UNTIL(sw_all_answered(), STEP_TIMEOUT) && !sw.n_bad && !sw.eof;
}

/* What one measured phase cost. */
struct phase {
    unsigned long msgs; /* requests sent, both kinds */
    unsigned long ours, libevent;
    unsigned long reads, bytes; /* switch read() calls, bytes both ways */
};

/* Runs 'each' pairs paced by 'p' and stores the counts in '*ph'. */
static void
measure(unsigned int each, const struct pacing *p, struct phase *ph)
{
    unsigned long ours = n_ours, ev = n_libevent;
    unsigned long reads = sw.n_reads, bytes = sw.bytes_in + sw.bytes_out;
    bool ok = run_traffic(each, p);
    ph->ours = n_ours - ours;
    ph->libevent = n_libevent - ev;
    ph->reads = sw.n_reads - reads;
    ph->bytes = sw.bytes_in + sw.bytes_out - bytes;
    ph->msgs = 2ul * each;
    ck_assert_msg(ok, "traffic failed: %s%s", sw.bad,
                  sw.eof ? " (controller closed)" : "");
    fprintf(stderr,
            "# %lu messages (%u PACKET_IN + %u ECHO_REQUEST, %u per write, "
            "%u write(s) in flight): %lu allocations by sluice, %lu by "
            "libevent; %lu switch reads, %lu bytes both ways\n",
            ph->msgs, each, each, 2 * p->pairs, p->window, ph->ours,
            ph->libevent, ph->reads, ph->bytes);
}

/* The assertions of a warm-up and two measured phases of N and 10 N
 * messages paced by 'p'. */
static void
check_steady_state(const struct pacing *p)
{
    struct phase n1, n10;

    ck_assert(run_traffic(WARMUP_EACH, p));
    measure(MEASURE_EACH, p, &n1);
    measure(10 * MEASURE_EACH, p, &n10);

    ck_assert_uint_eq(sw.n_bad, 0);
    ck_assert_uint_eq(sw.po_seen, WARMUP_EACH + 11 * MEASURE_EACH);
    ck_assert_uint_eq(sw.er_seen, WARMUP_EACH + 11 * MEASURE_EACH);
    ck_assert_uint_eq(ctl.n_packet_in, WARMUP_EACH + 11 * MEASURE_EACH);
    ck_assert_uint_eq(ctl.n_send_failed, 0);
    ck_assert_uint_eq(ctl.n_down, 0);
    ck_assert_msg(n_log_warn == 0, "warning logged: %s", first_warn);

    /* Sluice (conn, datapath, the codec; with this test's switch and
     * libcheck, so an upper bound): a small constant, the same for N and
     * 10 N messages. */
    ck_assert_uint_le(n1.ours, OURS_SLACK);
    ck_assert_uint_le(n10.ours, n1.ours + OURS_SLACK);

    /* libevent: evbuffer chains, allocated per read (at most 4 KiB each)
     * and per few KiB of output, and freed when drained.  So its count
     * grows with the bytes moved, not with the messages: all allocations
     * together stay below one per ten messages, and at least 1 KiB (about
     * seven request/reply pairs here) moves per libevent allocation. */
    ck_assert_uint_lt(n1.ours + n1.libevent, n1.msgs / 10);
    ck_assert_uint_lt(n10.ours + n10.libevent, n10.msgs / 10);
    ck_assert_uint_le(n1.libevent * 1024, n1.bytes);
    ck_assert_uint_le(n10.libevent * 1024, n10.bytes);
    fprintf(stderr,
            "# allocations per 1000 messages: sluice %.2f (N) and %.2f "
            "(10 N); libevent %.1f (N) and %.1f (10 N), evbuffer chains: "
            "one per %.0f bytes moved, not per message\n",
            1000.0 * (double) n1.ours / (double) n1.msgs,
            1000.0 * (double) n10.ours / (double) n10.msgs,
            1000.0 * (double) n1.libevent / (double) n1.msgs,
            1000.0 * (double) n10.libevent / (double) n10.msgs,
            n10.libevent ? (double) n10.bytes / (double) n10.libevent : 0.0);
}

/* ---- fixture ---- */

static void
setup(void)
{
    memset(&ctl, 0, sizeof ctl);
    memset(&sw, 0, sizeof sw);
    n_log_warn = 0;
    first_warn[0] = '\0';
    sl_log_reset();
    sl_log_set_sink(log_sink, NULL);

    base = event_base_new();
    ck_assert_ptr_nonnull(base);
    tick = event_new(base, -1, EV_PERSIST, test_loop_tick_cb, NULL);
    ck_assert_ptr_nonnull(tick);
    struct timeval tv = {0, 50000};
    event_add(tick, &tv);

    sl_datapaths_init(&dps, base, &ops, NULL);
    struct sl_dp_settings st = dps.settings;
    st.packet_in_rate = 0;
    sl_datapaths_configure(&dps, &st);

    ofp_arena_init(&sw.arena);
    ofp_wbuf_init(&sw.scratch);
    sw_build_templates();

    int fds[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ck_assert_int_eq(evutil_make_socket_nonblocking(fds[0]), 0);
    ck_assert_int_eq(evutil_make_socket_nonblocking(fds[1]), 0);
    sw.fd = fds[1];
    sw.rd_ev = event_new(base, sw.fd, EV_READ | EV_PERSIST, sw_read_cb, NULL);
    sw.wr_ev =
        event_new(base, sw.fd, EV_WRITE | EV_PERSIST, sw_write_cb, NULL);
    ck_assert_ptr_nonnull(sw.rd_ev);
    ck_assert_ptr_nonnull(sw.wr_ev);
    event_add(sw.rd_ev, NULL);

    struct sl_conn *conn = sl_conn_create_fd(base, fds[0], NULL, "hot");
    ck_assert_ptr_nonnull(conn);
    ck_assert_ptr_nonnull(sl_datapath_create(&dps, conn));
    ck_assert_msg(RUN_UNTIL(ctl.n_ready == 1 || sw.n_bad || sw.eof, 5.0),
                  "no READY: %s", sw.bad);
    ck_assert_uint_eq(ctl.n_ready, 1);
    ck_assert(sw.got_hello);
    ck_assert(sw.got_set_config);
    ck_assert_int_eq(sl_datapath_state(ctl.ready_dp), SL_DP_READY);
}

static void
teardown(void)
{
    sl_datapaths_uninit(&dps);
    event_free(sw.rd_ev);
    event_free(sw.wr_ev);
    close(sw.fd);
    event_free(tick);
    event_base_free(base);
    base = NULL;
    ofp_arena_uninit(&sw.arena);
    ofp_wbuf_uninit(&sw.scratch);
    sl_log_reset();
}

/* ---- the instruments ---- */

/* The counters see both kinds: ofproto's buffer (a static object, so
 * wrapped) and libevent's evbuffer (through its hooks).  No ck_assert
 * between the readings: libcheck allocates to record each checkpoint. */
START_TEST(test_counters_see_sluice_and_libevent_allocations)
{
    static const char text[100] = "x";
    unsigned long ours0 = n_ours, ev0 = n_libevent;
    struct ofp_wbuf b;
    ofp_wbuf_init(&b);
    uint8_t *p = ofp_wbuf_put_zeros(&b, 100000);
    ofp_wbuf_uninit(&b);
    unsigned long ours1 = n_ours, ev1 = n_libevent;
    struct evbuffer *e = evbuffer_new();
    int added = e ? evbuffer_add(e, text, sizeof text) : -1;
    unsigned long ours2 = n_ours, ev2 = n_libevent;
    evbuffer_free(e);

    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(added, 0);
    ck_assert_uint_ge(ours1 - ours0, 1);
    ck_assert_uint_eq(ev1 - ev0, 0);
    ck_assert_uint_eq(ours2 - ours1, 0);
    /* The evbuffer and its first chain. */
    ck_assert_uint_eq(ev2 - ev1, 2);
}
END_TEST

/* The behaviour the bound on libevent's count rests on: a read into an
 * empty evbuffer allocates one chain, draining frees it, and the next read
 * allocates again (no free list); a read takes at most 4 KiB. */
START_TEST(test_libevent_allocates_one_chain_per_read)
{
    int fds[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    struct evbuffer *e = evbuffer_new();
    ck_assert_ptr_nonnull(e);
    static uint8_t data[10000];

    for (int round = 0; round < 3; round++) {
        ck_assert_int_eq(write(fds[1], data, 1000), 1000);
        unsigned long ev = n_libevent;
        ck_assert_int_eq(evbuffer_read(e, fds[0], -1), 1000);
        ck_assert_uint_eq(n_libevent - ev, 1);
        ck_assert_int_eq(evbuffer_drain(e, 1000), 0);
    }

    ck_assert_int_eq(write(fds[1], data, sizeof data), (int) sizeof data);
    unsigned long ev = n_libevent;
    int n = evbuffer_read(e, fds[0], -1);
    ck_assert_int_gt(n, 0);
    ck_assert_int_le(n, 4096);
    ck_assert_uint_eq(n_libevent - ev, 1);
    fprintf(stderr, "# one evbuffer_read() took %d of %zu bytes\n", n,
            sizeof data);

    evbuffer_free(e);
    close(fds[0]);
    close(fds[1]);
}
END_TEST

/* ---- the hot path ---- */

START_TEST(test_replies_answer_every_request)
{
    ck_assert(run_traffic(WARMUP_EACH, &lockstep));
    ck_assert_uint_eq(sw.po_seen, WARMUP_EACH);
    ck_assert_uint_eq(sw.er_seen, WARMUP_EACH);
    ck_assert_uint_eq(sw.n_bad, 0);
    ck_assert_uint_eq(ctl.n_packet_in, WARMUP_EACH);
    ck_assert_uint_eq(ctl.n_no_pkt, 0);
    ck_assert_uint_eq(ctl.n_other, 0);
    ck_assert_uint_eq(ctl.n_send_failed, 0);
    ck_assert_uint_eq(dps.n_packet_in_dropped, 0);
    ck_assert_uint_eq(dps.n_decode_errors, 0);

    const struct sl_conn_stats *st =
        sl_conn_stats(sl_datapath_conn(ctl.ready_dp));
    /* The handshake: 4 messages in (HELLO, FEATURES_REPLY, two
     * MULTIPART_REPLYs) and 5 out (HELLO, FEATURES_REQUEST, SET_CONFIG,
     * two MULTIPART_REQUESTs), plus keepalives. */
    ck_assert_uint_eq(st->rx_msgs, 2u * WARMUP_EACH + 4);
    ck_assert_uint_eq(st->tx_msgs, 2u * WARMUP_EACH + 5 + sw.n_keepalive);
    ck_assert_msg(n_log_warn == 0, "warning logged: %s", first_warn);
}
END_TEST

START_TEST(test_lockstep_allocations_do_not_grow_with_messages)
{
    check_steady_state(&lockstep);
}
END_TEST

START_TEST(test_pipelined_allocations_do_not_grow_with_messages)
{
    check_steady_state(&pipelined);
}
END_TEST

static Suite *
hotpath_suite(void)
{
    Suite *s = suite_create("hotpath");

    TCase *tc = tcase_create("instruments");
    tcase_add_test(tc, test_counters_see_sluice_and_libevent_allocations);
    tcase_add_test(tc, test_libevent_allocates_one_chain_per_read);
    suite_add_tcase(s, tc);

    tc = tcase_create("hot path");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_replies_answer_every_request);
    tcase_add_test(tc, test_lockstep_allocations_do_not_grow_with_messages);
    tcase_add_test(tc, test_pipelined_allocations_do_not_grow_with_messages);
    suite_add_tcase(s, tc);
    return s;
}

int main(void);

int
main(void)
{
    /* Before any other libevent call, so every allocation it makes is
     * counted (and freed by the matching function). */
    event_set_mem_functions(ev_malloc, ev_realloc, ev_free);
    return test_run_suite(hotpath_suite());
}
