/* sb-switch: the emulated switches of sluice-bench and the worker threads
 * that run them (see sb.h).
 *
 * Each switch is a non-blocking TCP socket with a read event, a write
 * event added only while there is something to write (always, for a
 * ready switch in throughput mode), an input buffer framed by the
 * OpenFlow header length and an output buffer written with one write()
 * per event.  Hot messages (FLOW_MOD, PACKET_OUT, ECHO, BARRIER) are
 * handled from their bytes; the rest of what a controller asks a switch
 * is decoded and answered with the ofproto codec.
 */
#include <config.h>
#include "test/bench/sb.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-multipart.h"
#include "ofproto/openflow13.h"
#include "test/bench/sb-topo.h"

#define SB_FILL_MAX (64 * 1024)  /* cbench: PACKET_INs buffered per switch */
#define SB_BUF_BIG (256 * 1024)  /* I/O buffers of a generating switch */
#define SB_BUF_SMALL (8 * 1024)  /* ... of a connect/fabric switch */
#define SB_READS_PER_EVENT 4     /* then let the other switches run */
#define SB_LOST_NS 1000000000ull /* latency: a PACKET_IN is given up */
#define SB_PORTS_MAX 1000

/* Per port (fabric mode). */
#define SB_PORT_DOWN 0x1
#define SB_PORT_SEEN 0x2 /* an LLDP frame arrived on it */

struct sb_switch {
    struct sb_thread *t;
    uint32_t index;
    uint64_t dpid;
    int fd;
    struct event *rd_ev;
    struct event *wr_ev;
    bool connecting;
    bool writing; /* wr_ev is added */
    bool features_sent;
    bool ready;
    bool dead;

    uint8_t *in;
    size_t in_len, in_cap;
    uint8_t *out;
    size_t out_ofs, out_len, out_cap;

    uint32_t xid;
    uint32_t host;      /* next source host */
    uint32_t buffer_id; /* next buffer id */

    /* Latency mode: the PACKET_IN in flight. */
    bool outstanding;
    uint64_t sent_ns;
    uint32_t sent_buffer_id;
    uint8_t sent_src[6];

    uint32_t n_ports;
    uint8_t *port_flags; /* fabric: [n_ports], SB_PORT_* */
};

/* Counters a worker publishes; the main thread reads them atomically. */
struct sb_counters {
    uint64_t ready, responses, packet_ins, rtts;
    uint64_t lldp_out, lldp_delivered, lldp_edge, links_seen, errors_rx;
    uint64_t lost;
};

/* A message for another worker: an LLDP frame to deliver as a PACKET_IN,
 * or a port to take down.  Followed by 'len' frame bytes in the inbox. */
enum sb_note_kind { SB_NOTE_LLDP, SB_NOTE_DOWN };
struct sb_note {
    uint32_t kind;
    uint32_t sw;
    uint32_t port;
    uint32_t len;
};

struct sb_thread {
    struct sb_run *run;
    unsigned id;
    pthread_t tid;
    bool started;
    struct event_base *base;
    struct sb_switch **switches;
    size_t n_switches;
    struct event *tick; /* latency: gives up lost PACKET_INs */

    pthread_mutex_t mu; /* guards inbox */
    uint8_t *inbox;
    size_t inbox_len, inbox_cap;
    int efd; /* wakes the worker: inbox or stop */
    struct event *efd_ev;

    struct sb_counters c;     /* published (atomic stores) */
    struct sb_counters local; /* the worker's running totals */
    uint64_t *rtts;
    size_t n_rtts, cap_rtts;

    uint8_t pktin[SB_PI_LEN];
    struct ofp_wbuf wb;
    struct ofp_arena arena;
};

struct sb_run {
    struct sb_config cfg;
    struct sb_thread *threads;
    uint32_t n_threads;
    struct sb_switch *switches;
    uint32_t n_switches;
    bool stop;      /* atomic */
    bool measuring; /* atomic */
    pthread_mutex_t fail_mu;
    bool failed; /* atomic */
    char failure[256];
    uint64_t *rtts; /* merged after stop */
    size_t n_rtts;
};

static void sw_flush(struct sb_switch *);
static void sw_send_packet_in(struct sb_switch *);

static uint64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

static void *
xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "sluice-bench: out of memory\n");
        abort();
    }
    return p;
}

static void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "sluice-bench: out of memory\n");
        abort();
    }
    return p;
}

static void sb_fail(struct sb_run *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records the run's first fatal problem. */
static void
sb_fail(struct sb_run *run, const char *fmt, ...)
{
    if (__atomic_load_n(&run->stop, __ATOMIC_ACQUIRE)) {
        return; /* we are closing sessions ourselves */
    }
    pthread_mutex_lock(&run->fail_mu);
    if (!run->failed) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(run->failure, sizeof run->failure, fmt, args);
        va_end(args);
        __atomic_store_n(&run->failed, true, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&run->fail_mu);
}

/* Records that the controller ended the session of 'sw' ('error': the
 * errno of the failed read or write, or 0 for an orderly close). */
static void
sw_lost(struct sb_switch *sw, int error)
{
    sb_fail(sw->t->run,
            "the controller closed the session of switch %u (dpid %#llx)%s%s",
            sw->index, (unsigned long long) sw->dpid, error ? ": " : "",
            error ? strerror(error) : "");
}

/* ---- Message pieces ---- */

void
sb_host_mac(uint32_t sw, uint32_t host, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = (uint8_t) (sw >> 8);
    mac[2] = (uint8_t) sw;
    mac[3] = (uint8_t) (host >> 16);
    mac[4] = (uint8_t) (host >> 8);
    mac[5] = (uint8_t) host;
}

/* The IPv4 header checksum of the 20 bytes at 'h'. */
static uint16_t
ip_csum(const uint8_t *h)
{
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) {
        sum += (uint32_t) h[i] << 8 | h[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* Writes the PACKET_IN header fields for a frame of 'frame_len' bytes
 * (the layout of sb_pktin_init(); the frame itself is the caller's). */
static void
pktin_header(uint8_t *m, size_t frame_len, uint32_t xid, uint32_t buffer_id,
             uint8_t reason, uint32_t in_port)
{
    memset(m, 0, SB_PI_FRAME);
    m[0] = OFP13_VERSION;
    m[1] = OFPT_PACKET_IN;
    ofp_store_be16(m + 2, (uint16_t) (SB_PI_FRAME + frame_len));
    ofp_store_be32(m + 4, xid);
    ofp_store_be32(m + SB_PI_BUFFER_ID, buffer_id);
    ofp_store_be16(m + 12, (uint16_t) frame_len); /* total_len */
    m[14] = reason;
    m[15] = 0; /* table_id */
    /* cookie 16..23 stays 0; the match: */
    ofp_store_be16(m + 24, OFPMT_OXM);
    ofp_store_be16(m + 26, 4 + 8); /* type, length, one OXM */
    ofp_store_be16(m + 28, OFPXMC_OPENFLOW_BASIC);
    m[30] = OFPXMT_OFB_IN_PORT << 1;
    m[31] = 4;
    ofp_store_be32(m + SB_PI_IN_PORT, in_port);
    /* 36..39 pad the match to 8, 40..41 pad before the frame */
}

void
sb_pktin_init(uint8_t m[SB_PI_LEN])
{
    static const uint8_t ip[20] = {
        0x45, 0, 0, 46, 0,  0, 0x40, 0, 64, 17, 0, 0, /* csum */
        10,   0, 0, 1,  10, 0, 0,    2,
    };
    uint8_t *f = m + SB_PI_FRAME;

    pktin_header(m, SB_FRAME_LEN, 0, OFP_NO_BUFFER, OFPR_NO_MATCH, 1);
    memset(f, 0, SB_FRAME_LEN);
    ofp_store_be16(f + 12, 0x0800);
    memcpy(f + 14, ip, sizeof ip);
    ofp_store_be16(f + 24, ip_csum(f + 14));
    ofp_store_be16(f + 34, 1234); /* UDP ports, length 26, no checksum */
    ofp_store_be16(f + 36, 5678);
    ofp_store_be16(f + 38, 26);
}

void
sb_pktin_set(uint8_t m[SB_PI_LEN], uint32_t xid, uint32_t buffer_id,
             uint32_t in_port, const uint8_t src[6], const uint8_t dst[6])
{
    ofp_store_be32(m + 4, xid);
    ofp_store_be32(m + SB_PI_BUFFER_ID, buffer_id);
    ofp_store_be32(m + SB_PI_IN_PORT, in_port);
    memcpy(m + SB_PI_FRAME, dst, 6);
    memcpy(m + SB_PI_FRAME + 6, src, 6);
}

enum sb_kind
sb_classify(const uint8_t *m, size_t len, struct sb_resp *r)
{
    memset(r, 0, sizeof *r);
    if (len < 8) {
        return SB_MALFORMED;
    }
    if (m[1] == OFPT_FLOW_MOD) {
        if (len < 48) {
            return SB_MALFORMED;
        }
        r->buffer_id = ofp_load_be32(m + 32);
        return (m[25] == OFPFC_ADD || m[25] == OFPFC_MODIFY ||
                        m[25] == OFPFC_MODIFY_STRICT
                    ? SB_RESPONSE
                    : SB_OTHER);
    }
    if (m[1] != OFPT_PACKET_OUT) {
        return SB_OTHER;
    }
    if (len < 24) {
        return SB_MALFORMED;
    }
    size_t alen = ofp_load_be16(m + 16);
    if (alen > len - 24) {
        return SB_MALFORMED;
    }
    r->buffer_id = ofp_load_be32(m + 8);
    r->actions = m + 24;
    r->actions_len = alen;
    r->frame = m + 24 + alen;
    r->frame_len = len - 24 - alen;
    if (r->frame_len >= 14 && ofp_load_be16(r->frame + 12) == 0x88cc) {
        return SB_LLDP_OUT;
    }
    return SB_RESPONSE;
}

bool
sb_for_each_output(const uint8_t *a, size_t len,
                   void (*cb)(void *aux, uint32_t port), void *aux)
{
    while (len) {
        if (len < 8) {
            return false;
        }
        size_t alen = ofp_load_be16(a + 2);
        if (alen < 8 || alen % 8 || alen > len) {
            return false;
        }
        if (ofp_load_be16(a) == OFPAT_OUTPUT) {
            if (alen != 16) {
                return false;
            }
            cb(aux, ofp_load_be32(a + 4));
        }
        a += alen;
        len -= alen;
    }
    return true;
}

/* ---- Counters ---- */

static void
publish(struct sb_thread *t)
{
    const uint64_t *src = (const uint64_t *) &t->local;
    uint64_t *dst = (uint64_t *) &t->c;
    for (size_t i = 0; i < sizeof t->c / sizeof(uint64_t); i++) {
        __atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
    }
}

/* ---- Output ---- */

/* Makes room for 'n' more bytes of output and returns where they go. */
static uint8_t *
sw_reserve(struct sb_switch *sw, size_t n)
{
    if (sw->out_ofs && sw->out_ofs == sw->out_len) {
        sw->out_ofs = sw->out_len = 0;
    }
    if (sw->out_cap - sw->out_len < n) {
        if (sw->out_ofs) {
            memmove(sw->out, sw->out + sw->out_ofs, sw->out_len - sw->out_ofs);
            sw->out_len -= sw->out_ofs;
            sw->out_ofs = 0;
        }
        if (sw->out_cap - sw->out_len < n) {
            size_t cap = sw->out_cap * 2;
            while (cap - sw->out_len < n) {
                cap *= 2;
            }
            sw->out = xrealloc(sw->out, cap);
            sw->out_cap = cap;
        }
    }
    uint8_t *p = sw->out + sw->out_len;
    sw->out_len += n;
    return p;
}

static void
sw_append(struct sb_switch *sw, const void *data, size_t n)
{
    memcpy(sw_reserve(sw, n), data, n);
}

/* Encodes 'msg' and appends it. */
static void
sw_send_msg(struct sb_switch *sw, const struct ofp_msg *msg)
{
    struct ofp_wbuf *wb = &sw->t->wb;
    ofp_wbuf_clear(wb);
    if (ofp_msg_encode(wb, msg)) {
        sb_fail(sw->t->run, "switch %u: cannot encode %s", sw->index,
                ofp_type_name(msg->type));
        return;
    }
    sw_append(sw, wb->data, wb->len);
}

static void
sw_set_writing(struct sb_switch *sw, bool on)
{
    if (on != sw->writing) {
        sw->writing = on;
        if (on) {
            event_add(sw->wr_ev, NULL);
        } else {
            event_del(sw->wr_ev);
        }
    }
}

static void
sw_close(struct sb_switch *sw)
{
    if (!sw->dead) {
        sw->dead = true;
        event_del(sw->rd_ev);
        sw_set_writing(sw, false);
    }
}

/* Writes what is pending with one write(); keeps the write event for the
 * rest (and always, for a generating switch in throughput mode). */
static void
sw_flush(struct sb_switch *sw)
{
    struct sb_run *run = sw->t->run;

    if (sw->dead || sw->connecting) {
        return;
    }
    size_t n = sw->out_len - sw->out_ofs;
    if (n) {
        ssize_t w = write(sw->fd, sw->out + sw->out_ofs, n);
        if (w > 0) {
            sw->out_ofs += (size_t) w;
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
            if (errno == ECONNRESET || errno == EPIPE) {
                sw_lost(sw, errno);
            } else {
                sb_fail(run, "switch %u: write: %s", sw->index,
                        strerror(errno));
            }
            sw_close(sw);
            return;
        }
    }
    bool more = sw->out_ofs < sw->out_len;
    sw_set_writing(sw, more || (sw->ready && run->cfg.mode == SB_THROUGHPUT));
}

/* ---- Generating PACKET_INs ---- */

/* Appends the next PACKET_IN of 'sw': source host h, destination h + 1
 * (on another port), as cbench does with its MAC range. */
static void
sw_send_packet_in(struct sb_switch *sw)
{
    struct sb_thread *t = sw->t;
    const struct sb_config *cfg = &t->run->cfg;
    uint32_t h = sw->host;
    uint32_t d = h + 1 == cfg->macs ? 0 : h + 1;
    uint8_t src[6], dst[6];

    sw->host = d;
    sb_host_mac(sw->index, h, src);
    sb_host_mac(sw->index, d, dst);
    uint32_t buffer_id = OFP_NO_BUFFER;
    if (!cfg->no_buffer) {
        buffer_id = sw->buffer_id++;
        if (sw->buffer_id == OFP_NO_BUFFER) {
            sw->buffer_id = 0;
        }
    }
    sb_pktin_set(t->pktin, ++sw->xid, buffer_id, h % cfg->ports + 1, src, dst);
    sw_append(sw, t->pktin, SB_PI_LEN);
    t->local.packet_ins++;
    if (cfg->mode == SB_LATENCY) {
        sw->outstanding = true;
        sw->sent_ns = now_ns();
        sw->sent_buffer_id = buffer_id;
        memcpy(sw->sent_src, src, 6);
    }
}

/* Tops the output up to SB_FILL_MAX bytes of PACKET_INs. */
static void
sw_fill(struct sb_switch *sw)
{
    size_t pending = sw->out_len - sw->out_ofs;
    while (pending + SB_PI_LEN <= SB_FILL_MAX) {
        sw_send_packet_in(sw);
        pending += SB_PI_LEN;
    }
}

static void
sw_become_ready(struct sb_switch *sw)
{
    if (sw->ready || !sw->features_sent) {
        return;
    }
    sw->ready = true;
    sw->t->local.ready++;
    if (sw->t->run->cfg.mode == SB_LATENCY) {
        sw_send_packet_in(sw);
    } else if (sw->t->run->cfg.mode == SB_THROUGHPUT) {
        sw_fill(sw);
    }
}

/* ---- Fabric ---- */

/* Appends to 'sw' a PACKET_IN of 'frame' received on 'port'. */
static void
sw_deliver_lldp(struct sb_switch *sw, uint32_t port, const uint8_t *frame,
                size_t len)
{
    if (sw->dead || port < 1 || port > sw->n_ports ||
        (sw->port_flags[port - 1] & SB_PORT_DOWN)) {
        return;
    }
    size_t total_len = len < UINT16_MAX ? len : UINT16_MAX;
    if (len > UINT16_MAX - SB_PI_FRAME) {
        len = UINT16_MAX - SB_PI_FRAME; /* as a switch truncates to fit */
    }
    uint8_t *m = sw_reserve(sw, SB_PI_FRAME + len);
    pktin_header(m, len, ++sw->xid, OFP_NO_BUFFER, OFPR_ACTION, port);
    ofp_store_be16(m + 12, (uint16_t) total_len); /* the whole frame's */
    memcpy(m + SB_PI_FRAME, frame, len);
    sw->t->local.lldp_delivered++;
    if (!(sw->port_flags[port - 1] & SB_PORT_SEEN)) {
        sw->port_flags[port - 1] |= SB_PORT_SEEN;
        sw->t->local.links_seen++;
    }
}

static void
thread_post(struct sb_thread *t, const struct sb_note *note,
            const uint8_t *data)
{
    pthread_mutex_lock(&t->mu);
    size_t need = t->inbox_len + sizeof *note + note->len;
    if (need > t->inbox_cap) {
        t->inbox_cap = need * 2;
        t->inbox = xrealloc(t->inbox, t->inbox_cap);
    }
    memcpy(t->inbox + t->inbox_len, note, sizeof *note);
    if (data && note->len) {
        memcpy(t->inbox + t->inbox_len + sizeof *note, data, note->len);
    }
    t->inbox_len = need;
    pthread_mutex_unlock(&t->mu);
    uint64_t one = 1;
    if (write(t->efd, &one, sizeof one) < 0 && errno != EAGAIN) {
        sb_fail(t->run, "eventfd: %s", strerror(errno));
    }
}

struct lldp_out {
    struct sb_switch *sw;
    const uint8_t *frame;
    size_t len;
};

static void
lldp_out_port(void *aux_, uint32_t port)
{
    struct lldp_out *aux = aux_;
    struct sb_switch *sw = aux->sw;
    struct sb_thread *t = sw->t;
    struct sb_run *run = t->run;
    struct sb_end peer;

    t->local.lldp_out++;
    if (!run->cfg.topo || port < 1 || port > sw->n_ports ||
        (sw->port_flags[port - 1] & SB_PORT_DOWN) ||
        !sb_topo_peer(run->cfg.topo, sw->index, port, &peer)) {
        t->local.lldp_edge++;
        return;
    }
    struct sb_switch *dst = &run->switches[peer.sw];
    if (dst->t == t) {
        sw_deliver_lldp(dst, peer.port, aux->frame, aux->len);
        sw_flush(dst);
    } else {
        struct sb_note note = {SB_NOTE_LLDP, peer.sw, peer.port,
                               (uint32_t) aux->len};
        thread_post(dst->t, &note, aux->frame);
    }
}

static void
sw_port_down(struct sb_switch *sw, uint32_t port)
{
    if (sw->dead || port < 1 || port > sw->n_ports ||
        (sw->port_flags[port - 1] & SB_PORT_DOWN)) {
        return;
    }
    sw->port_flags[port - 1] |= SB_PORT_DOWN;

    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_PORT_STATUS, 0);
    msg.port_status.reason = OFPPR_MODIFY;
    struct ofp_port *p = &msg.port_status.desc;
    p->port_no = port;
    sb_host_mac(sw->index, 0xff0000 | port, p->hw_addr);
    snprintf(p->name, sizeof p->name, "s%u-eth%u", sw->index + 1, port);
    p->state = OFPPS_LINK_DOWN;
    p->curr = p->advertised = p->supported = OFPPF_10GB_FD | OFPPF_COPPER;
    p->curr_speed = p->max_speed = 10000000;
    sw_send_msg(sw, &msg);
    sw_flush(sw);
}

/* ---- Answering the controller ---- */

static void
sw_port_desc(struct sb_switch *sw, uint32_t xid)
{
    struct ofp_port ports[SB_PORTS_MAX];
    uint32_t n = sw->n_ports;

    memset(ports, 0, n * sizeof ports[0]);
    for (uint32_t i = 0; i < n; i++) {
        struct ofp_port *p = &ports[i];
        p->port_no = i + 1;
        sb_host_mac(sw->index, 0xff0000 | (i + 1), p->hw_addr);
        snprintf(p->name, sizeof p->name, "s%u-eth%u", sw->index + 1, i + 1);
        p->state = (sw->port_flags && sw->port_flags[i] & SB_PORT_DOWN
                        ? OFPPS_LINK_DOWN
                        : OFPPS_LIVE);
        p->curr = p->advertised = p->supported = OFPPF_10GB_FD | OFPPF_COPPER;
        p->curr_speed = p->max_speed = 10000000;
    }
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_MULTIPART_REPLY, xid);
    msg.mp_reply.type = OFPMP_PORT_DESC;
    msg.mp_reply.port_desc.n = n;
    msg.mp_reply.port_desc.ports = ports;
    sw_send_msg(sw, &msg);
}

static void
sw_error(struct sb_switch *sw, uint32_t xid, enum ofperr e, const uint8_t *req,
         size_t len)
{
    struct ofp_msg msg;
    ofp_msg_init(&msg, OFPT_ERROR, xid);
    msg.error.type = ofperr_type(e);
    msg.error.code = ofperr_code(e);
    msg.error.data = req;
    msg.error.len = len < 64 ? len : 64;
    sw_send_msg(sw, &msg);
}

static void
sw_multipart(struct sb_switch *sw, const struct ofp_msg *req,
             const uint8_t *raw, size_t len)
{
    struct ofp_msg msg;
    struct ofp_desc desc;

    ofp_msg_init(&msg, OFPT_MULTIPART_REPLY, req->xid);
    msg.mp_reply.type = req->mp_request.type;
    switch (req->mp_request.type) {
    case OFPMP_PORT_DESC:
        sw_port_desc(sw, req->xid);
        return;
    case OFPMP_DESC:
        memset(&desc, 0, sizeof desc);
        snprintf(desc.mfr_desc, sizeof desc.mfr_desc, "Sluice project");
        snprintf(desc.hw_desc, sizeof desc.hw_desc, "sluice-bench");
        snprintf(desc.sw_desc, sizeof desc.sw_desc, "%s", PACKAGE_VERSION);
        snprintf(desc.serial_num, sizeof desc.serial_num, "%u", sw->index + 1);
        snprintf(desc.dp_desc, sizeof desc.dp_desc, "emulated switch %u",
                 sw->index + 1);
        msg.mp_reply.desc = &desc;
        break;
    case OFPMP_FLOW:
    case OFPMP_AGGREGATE:
    case OFPMP_TABLE:
    case OFPMP_PORT_STATS:
    case OFPMP_QUEUE:
    case OFPMP_GROUP:
    case OFPMP_GROUP_DESC:
    case OFPMP_METER:
    case OFPMP_METER_CONFIG:
        break; /* no entries (aggregate: zeros) */
    default:
        sw_error(sw, req->xid, OFPERR_OFPBRC_BAD_MULTIPART, raw, len);
        return;
    }
    sw_send_msg(sw, &msg);
}

/* Handles a message that is not on the hot path: decoded by ofproto. */
static void
sw_control(struct sb_switch *sw, const uint8_t *m, size_t len)
{
    struct sb_thread *t = sw->t;
    struct ofp_msg req, msg;

    ofp_arena_reset(&t->arena);
    enum ofperr e = ofp_msg_decode(m, len, &req, &t->arena);
    if (e) {
        sw_error(sw, ofp_load_be32(m + 4), e, m, len);
        return;
    }
    switch (req.type) {
    case OFPT_HELLO:
        if (!ofp_hello_offers(&req, OFP13_VERSION)) {
            sb_fail(t->run, "the controller does not offer OpenFlow 1.3");
        }
        break;
    case OFPT_ERROR:
        t->local.errors_rx++;
        break;
    case OFPT_FEATURES_REQUEST:
        ofp_msg_init(&msg, OFPT_FEATURES_REPLY, req.xid);
        msg.features.datapath_id = sw->dpid;
        msg.features.n_buffers = 256;
        msg.features.n_tables = 254;
        msg.features.capabilities =
            OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS;
        sw_send_msg(sw, &msg);
        sw->features_sent = true;
        break;
    case OFPT_GET_CONFIG_REQUEST:
        ofp_msg_init(&msg, OFPT_GET_CONFIG_REPLY, req.xid);
        msg.config.miss_send_len = 128;
        sw_send_msg(sw, &msg);
        break;
    case OFPT_ROLE_REQUEST:
        msg = req;
        msg.type = OFPT_ROLE_REPLY;
        sw_send_msg(sw, &msg);
        break;
    case OFPT_MULTIPART_REQUEST:
        sw_multipart(sw, &req, m, len);
        break;
    default:
        break; /* SET_CONFIG, ECHO_REPLY, ... */
    }
}

/* Handles one complete message of 'len' bytes. */
static void
sw_message(struct sb_switch *sw, const uint8_t *m, size_t len)
{
    struct sb_thread *t = sw->t;
    struct sb_resp r;
    uint8_t *p;

    switch (m[1]) {
    case OFPT_FLOW_MOD:
    case OFPT_PACKET_OUT:
        switch (sb_classify(m, len, &r)) {
        case SB_RESPONSE:
            t->local.responses++;
            /* The answer to the PACKET_IN in flight names its buffer,
             * or, without one, carries its frame back. */
            if (sw->outstanding &&
                (r.buffer_id != OFP_NO_BUFFER
                     ? r.buffer_id == sw->sent_buffer_id
                     : (r.frame_len >= 12 &&
                        !memcmp(r.frame + 6, sw->sent_src, 6)))) {
                sw->outstanding = false;
                if (__atomic_load_n(&t->run->measuring, __ATOMIC_RELAXED)) {
                    if (t->n_rtts == t->cap_rtts) {
                        t->cap_rtts = t->cap_rtts ? t->cap_rtts * 2 : 65536;
                        t->rtts =
                            xrealloc(t->rtts, t->cap_rtts * sizeof *t->rtts);
                    }
                    t->rtts[t->n_rtts++] = now_ns() - sw->sent_ns;
                    t->local.rtts++;
                }
                sw_send_packet_in(sw);
            }
            break;
        case SB_LLDP_OUT: {
            struct lldp_out aux = {sw, r.frame, r.frame_len};
            sb_for_each_output(r.actions, r.actions_len, lldp_out_port, &aux);
            break;
        }
        case SB_MALFORMED:
            sw_error(sw, ofp_load_be32(m + 4), OFPERR_OFPBRC_BAD_LEN, m, len);
            return;
        case SB_OTHER:
            break;
        }
        if (m[1] == OFPT_FLOW_MOD) {
            sw_become_ready(sw);
        }
        break;
    case OFPT_ECHO_REQUEST:
        p = sw_reserve(sw, len);
        memcpy(p, m, len);
        p[1] = OFPT_ECHO_REPLY;
        break;
    case OFPT_BARRIER_REQUEST:
        p = sw_reserve(sw, 8);
        memcpy(p, m, 8);
        p[1] = OFPT_BARRIER_REPLY;
        ofp_store_be16(p + 2, 8);
        sw_become_ready(sw);
        break;
    case OFPT_ECHO_REPLY:
        break;
    default:
        sw_control(sw, m, len);
        break;
    }
}

/* Reads what the controller sent and handles every complete message. */
static void
sw_read(struct sb_switch *sw)
{
    struct sb_thread *t = sw->t;

    for (int round = 0; round < SB_READS_PER_EVENT && !sw->dead; round++) {
        if (sw->in_len == sw->in_cap) {
            sw->in_cap *= 2; /* only when one message is bigger */
            sw->in = xrealloc(sw->in, sw->in_cap);
        }
        size_t space = sw->in_cap - sw->in_len;
        ssize_t n = read(sw->fd, sw->in + sw->in_len, space);
        if (n == 0) {
            sw_lost(sw, 0);
            sw_close(sw);
            break;
        } else if (n < 0) {
            if (errno == ECONNRESET) {
                sw_lost(sw, errno);
                sw_close(sw);
            } else if (errno != EAGAIN && errno != EINTR) {
                sb_fail(t->run, "switch %u: read: %s", sw->index,
                        strerror(errno));
                sw_close(sw);
            }
            break;
        }
        sw->in_len += (size_t) n;

        size_t ofs = 0;
        while (sw->in_len - ofs >= 8 && !sw->dead) {
            const uint8_t *m = sw->in + ofs;
            size_t len = ofp_load_be16(m + 2);
            if (len < 8) {
                sb_fail(t->run, "switch %u: message of length %zu", sw->index,
                        len);
                sw_close(sw);
                break;
            }
            if (sw->in_len - ofs < len) {
                if (len > sw->in_cap) {
                    sw->in_cap = len * 2;
                    sw->in = xrealloc(sw->in, sw->in_cap);
                }
                break;
            }
            sw_message(sw, m, len);
            ofs += len;
        }
        memmove(sw->in, sw->in + ofs, sw->in_len - ofs);
        sw->in_len -= ofs;
        if ((size_t) n < space) {
            break; /* drained */
        }
    }
    publish(t);
    sw_flush(sw);
}

static void
sw_read_cb(evutil_socket_t fd, short what, void *sw_)
{
    (void) fd;
    (void) what;
    sw_read(sw_);
}

static void
sw_write_cb(evutil_socket_t fd, short what, void *sw_)
{
    struct sb_switch *sw = sw_;
    struct sb_run *run = sw->t->run;
    (void) what;

    if (sw->connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
            err = errno;
        }
        if (err) {
            sb_fail(run, "cannot connect to %s: %s", run->cfg.controller,
                    strerror(err));
            sw_close(sw);
            return;
        }
        sw->connecting = false;
        event_add(sw->rd_ev, NULL);
    }
    if (sw->ready && run->cfg.mode == SB_THROUGHPUT) {
        sw_fill(sw);
        publish(sw->t);
    }
    sw_flush(sw);
}

/* ---- Switch life ---- */

static int
sw_connect(struct sb_switch *sw)
{
    const struct sb_config *cfg = &sw->t->run->cfg;
    int fd = socket(cfg->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;

    if (fd < 0) {
        return errno;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sw->fd = fd;
    sw->rd_ev =
        event_new(sw->t->base, fd, EV_READ | EV_PERSIST, sw_read_cb, sw);
    sw->wr_ev =
        event_new(sw->t->base, fd, EV_WRITE | EV_PERSIST, sw_write_cb, sw);
    if (!sw->rd_ev || !sw->wr_ev) {
        return ENOMEM;
    }
    if (connect(fd, (const struct sockaddr *) &cfg->addr, cfg->addr_len) &&
        errno != EINPROGRESS) {
        return errno;
    }
    sw->connecting = true;
    sw_set_writing(sw, true);

    /* HELLO offering 1.3 only, queued for when the connection is up. */
    struct ofp_msg hello;
    uint32_t bitmap = 1u << OFP13_VERSION;
    struct ofp_hello_elem elem = {
        .type = OFPHET_VERSIONBITMAP, .n_bitmaps = 1, .bitmaps = &bitmap};
    ofp_msg_init(&hello, OFPT_HELLO, ++sw->xid);
    hello.hello.n_elems = 1;
    hello.hello.elems = &elem;
    sw_send_msg(sw, &hello);
    return 0;
}

static void
sw_init(struct sb_switch *sw, struct sb_thread *t, uint32_t index)
{
    const struct sb_config *cfg = &t->run->cfg;
    bool big = cfg->mode == SB_THROUGHPUT || cfg->mode == SB_LATENCY;

    sw->t = t;
    sw->index = index;
    sw->dpid = (uint64_t) index + 1;
    sw->fd = -1;
    sw->in_cap = sw->out_cap = big ? SB_BUF_BIG : SB_BUF_SMALL;
    sw->in = xmalloc(sw->in_cap);
    sw->out = xmalloc(sw->out_cap);
    sw->host = 0;
    if (cfg->mode == SB_FABRIC) {
        sw->n_ports = cfg->topo->switches[index].n_ports;
        sw->port_flags = calloc(sw->n_ports ? sw->n_ports : 1, 1);
        if (!sw->port_flags) {
            abort();
        }
    } else {
        sw->n_ports = cfg->ports;
    }
}

static void
sw_uninit(struct sb_switch *sw)
{
    if (sw->rd_ev) {
        event_free(sw->rd_ev);
    }
    if (sw->wr_ev) {
        event_free(sw->wr_ev);
    }
    if (sw->fd >= 0) {
        close(sw->fd);
    }
    free(sw->in);
    free(sw->out);
    free(sw->port_flags);
}

/* ---- Workers ---- */

static void
thread_drain(struct sb_thread *t)
{
    struct sb_run *run = t->run;

    pthread_mutex_lock(&t->mu);
    uint8_t *box = t->inbox;
    size_t len = t->inbox_len;
    t->inbox = NULL;
    t->inbox_len = t->inbox_cap = 0;
    pthread_mutex_unlock(&t->mu);

    for (size_t ofs = 0; ofs + sizeof(struct sb_note) <= len;) {
        struct sb_note note;
        memcpy(&note, box + ofs, sizeof note);
        ofs += sizeof note;
        struct sb_switch *sw = &run->switches[note.sw];
        if (note.kind == SB_NOTE_LLDP) {
            sw_deliver_lldp(sw, note.port, box + ofs, note.len);
            sw_flush(sw);
        } else {
            sw_port_down(sw, note.port);
        }
        ofs += note.len;
    }
    free(box);
    publish(t);
}

static void
thread_wake_cb(evutil_socket_t fd, short what, void *t_)
{
    struct sb_thread *t = t_;
    uint64_t v;
    (void) what;

    if (read(fd, &v, sizeof v) < 0 && errno != EAGAIN) {
        sb_fail(t->run, "eventfd: %s", strerror(errno));
    }
    if (__atomic_load_n(&t->run->stop, __ATOMIC_ACQUIRE)) {
        event_base_loopbreak(t->base);
        return;
    }
    thread_drain(t);
}

/* Latency mode: a PACKET_IN unanswered for SB_LOST_NS is given up and the
 * switch sends the next, so a controller that drops one cannot stall the
 * run (the samples then show it). */
static void
thread_tick_cb(evutil_socket_t fd, short what, void *t_)
{
    struct sb_thread *t = t_;
    uint64_t now = now_ns();
    (void) fd;
    (void) what;

    for (size_t i = 0; i < t->n_switches; i++) {
        struct sb_switch *sw = t->switches[i];
        if (sw->outstanding && now - sw->sent_ns > SB_LOST_NS) {
            t->local.lost++;
            sw_send_packet_in(sw);
            sw_flush(sw);
        }
    }
    publish(t);
}

static void *
thread_main(void *t_)
{
    struct sb_thread *t = t_;

    for (size_t i = 0; i < t->n_switches; i++) {
        struct sb_switch *sw = t->switches[i];
        int error = sw_connect(sw);
        if (error) {
            sb_fail(t->run, "cannot connect to %s: %s", t->run->cfg.controller,
                    strerror(error));
            break;
        }
    }
    event_base_dispatch(t->base);
    return NULL;
}

static int
thread_init(struct sb_thread *t, struct sb_run *run, unsigned id)
{
    t->run = run;
    t->id = id;
    t->efd = -1;
    pthread_mutex_init(&t->mu, NULL);
    ofp_wbuf_init(&t->wb);
    ofp_arena_init(&t->arena);
    sb_pktin_init(t->pktin);
    t->base = event_base_new();
    if (!t->base) {
        return ENOMEM;
    }
    t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (t->efd < 0) {
        return errno;
    }
    t->efd_ev =
        event_new(t->base, t->efd, EV_READ | EV_PERSIST, thread_wake_cb, t);
    if (!t->efd_ev || event_add(t->efd_ev, NULL)) {
        return ENOMEM;
    }
    if (run->cfg.mode == SB_LATENCY) {
        struct timeval tv = {0, 100 * 1000};
        t->tick = event_new(t->base, -1, EV_PERSIST, thread_tick_cb, t);
        if (!t->tick || event_add(t->tick, &tv)) {
            return ENOMEM;
        }
    }
    return 0;
}

static void
thread_uninit(struct sb_thread *t)
{
    for (size_t i = 0; i < t->n_switches; i++) {
        sw_uninit(t->switches[i]);
    }
    free(t->switches);
    if (t->tick) {
        event_free(t->tick);
    }
    if (t->efd_ev) {
        event_free(t->efd_ev);
    }
    if (t->efd >= 0) {
        close(t->efd);
    }
    if (t->base) {
        event_base_free(t->base);
    }
    free(t->inbox);
    free(t->rtts);
    ofp_wbuf_uninit(&t->wb);
    ofp_arena_uninit(&t->arena);
    pthread_mutex_destroy(&t->mu);
}

/* ---- The run ---- */

int
sb_run_start(const struct sb_config *cfg, struct sb_run **runp, char *err,
             size_t errlen)
{
    struct sb_run *run = calloc(1, sizeof *run);
    int error = 0;

    *runp = NULL;
    if (!run) {
        snprintf(err, errlen, "out of memory");
        return ENOMEM;
    }
    run->cfg = *cfg;
    pthread_mutex_init(&run->fail_mu, NULL);
    run->n_switches =
        (cfg->mode == SB_FABRIC ? cfg->topo->n_switches : cfg->switches);
    run->n_threads =
        cfg->threads < run->n_switches ? cfg->threads : run->n_switches;
    if (!run->n_threads) {
        run->n_threads = 1;
    }
    if (cfg->mode == SB_FABRIC) {
        for (uint32_t i = 0; i < run->n_switches; i++) {
            if (cfg->topo->switches[i].n_ports > SB_PORTS_MAX) {
                snprintf(err, errlen, "switch %u has %u ports (at most %d)",
                         i + 1, cfg->topo->switches[i].n_ports, SB_PORTS_MAX);
                free(run);
                return EINVAL;
            }
        }
    } else if (cfg->ports < 2 || cfg->ports > SB_PORTS_MAX || cfg->macs < 2 ||
               cfg->switches > 65536) {
        snprintf(err, errlen, "bad run parameters");
        free(run);
        return EINVAL;
    }
    run->threads = calloc(run->n_threads, sizeof *run->threads);
    run->switches =
        calloc(run->n_switches ? run->n_switches : 1, sizeof *run->switches);
    if (!run->threads || !run->switches) {
        snprintf(err, errlen, "out of memory");
        free(run->threads);
        free(run->switches);
        free(run);
        return ENOMEM;
    }
    for (uint32_t i = 0; i < run->n_threads; i++) {
        run->threads[i].efd = -1; /* before any can fail */
    }
    for (uint32_t i = 0; i < run->n_threads && !error; i++) {
        error = thread_init(&run->threads[i], run, i);
    }
    for (uint32_t i = 0; i < run->n_switches && !error; i++) {
        struct sb_thread *t = &run->threads[i % run->n_threads];
        sw_init(&run->switches[i], t, i);
        if (!(t->n_switches & (t->n_switches - 1))) { /* 0, 1, 2, 4, ... */
            t->switches =
                xrealloc(t->switches, (t->n_switches ? 2 * t->n_switches : 1) *
                                          sizeof *t->switches);
        }
        t->switches[t->n_switches++] = &run->switches[i];
    }
    for (uint32_t i = 0; i < run->n_threads && !error; i++) {
        error = pthread_create(&run->threads[i].tid, NULL, thread_main,
                               &run->threads[i]);
        run->threads[i].started = !error;
    }
    if (error) {
        snprintf(err, errlen, "cannot start the emulator: %s",
                 strerror(error));
        sb_run_stop(run);
        sb_run_destroy(run);
        return error;
    }
    *runp = run;
    return 0;
}

void
sb_run_totals(struct sb_run *run, struct sb_totals *tot)
{
    memset(tot, 0, sizeof *tot);
    for (uint32_t i = 0; i < run->n_threads; i++) {
        struct sb_counters *c = &run->threads[i].c;
        tot->ready += __atomic_load_n(&c->ready, __ATOMIC_RELAXED);
        tot->responses += __atomic_load_n(&c->responses, __ATOMIC_RELAXED);
        tot->packet_ins += __atomic_load_n(&c->packet_ins, __ATOMIC_RELAXED);
        tot->rtts += __atomic_load_n(&c->rtts, __ATOMIC_RELAXED);
        tot->lldp_out += __atomic_load_n(&c->lldp_out, __ATOMIC_RELAXED);
        tot->lldp_delivered +=
            __atomic_load_n(&c->lldp_delivered, __ATOMIC_RELAXED);
        tot->lldp_edge += __atomic_load_n(&c->lldp_edge, __ATOMIC_RELAXED);
        tot->links_seen += __atomic_load_n(&c->links_seen, __ATOMIC_RELAXED);
        tot->errors_rx += __atomic_load_n(&c->errors_rx, __ATOMIC_RELAXED);
        tot->lost += __atomic_load_n(&c->lost, __ATOMIC_RELAXED);
    }
}

const char *
sb_run_failure(struct sb_run *run)
{
    return __atomic_load_n(&run->failed, __ATOMIC_ACQUIRE) ? run->failure
                                                           : NULL;
}

void
sb_run_set_measuring(struct sb_run *run, bool on)
{
    __atomic_store_n(&run->measuring, on, __ATOMIC_RELAXED);
}

void
sb_run_link_down(struct sb_run *run, size_t link)
{
    const struct sb_topo *topo = run->cfg.topo;
    if (!topo || link >= topo->n_links) {
        return;
    }
    const struct sb_end *ends[2] = {&topo->links[link].a,
                                    &topo->links[link].b};
    for (int i = 0; i < 2; i++) {
        struct sb_note note = {SB_NOTE_DOWN, ends[i]->sw, ends[i]->port, 0};
        thread_post(run->switches[ends[i]->sw].t, &note, NULL);
    }
}

void
sb_run_stop(struct sb_run *run)
{
    if (!run) {
        return;
    }
    __atomic_store_n(&run->stop, true, __ATOMIC_RELEASE);
    for (uint32_t i = 0; i < run->n_threads; i++) {
        struct sb_thread *t = &run->threads[i];
        uint64_t one = 1;
        if (t->efd >= 0 && write(t->efd, &one, sizeof one) < 0) {
            /* a full eventfd counter still wakes it */
        }
    }
    for (uint32_t i = 0; i < run->n_threads; i++) {
        if (run->threads[i].started) {
            pthread_join(run->threads[i].tid, NULL);
            run->threads[i].started = false;
        }
    }
    size_t n = 0;
    for (uint32_t i = 0; i < run->n_threads; i++) {
        n += run->threads[i].n_rtts;
    }
    free(run->rtts);
    run->rtts = xmalloc((n ? n : 1) * sizeof *run->rtts);
    run->n_rtts = 0;
    for (uint32_t i = 0; i < run->n_threads; i++) {
        struct sb_thread *t = &run->threads[i];
        if (t->n_rtts) {
            memcpy(run->rtts + run->n_rtts, t->rtts,
                   t->n_rtts * sizeof *t->rtts);
            run->n_rtts += t->n_rtts;
        }
    }
}

size_t
sb_run_rtts(struct sb_run *run, uint64_t **samples)
{
    *samples = run->rtts;
    return run->n_rtts;
}

void
sb_run_destroy(struct sb_run *run)
{
    if (!run) {
        return;
    }
    for (uint32_t i = 0; i < run->n_threads; i++) {
        thread_uninit(&run->threads[i]);
    }
    free(run->threads);
    free(run->switches);
    free(run->rtts);
    pthread_mutex_destroy(&run->fail_mu);
    free(run);
}
