/* sluice-ceiling: the zero-work ceiling of `make bench`.
 *
 * A stand-alone OpenFlow 1.3 endpoint that does none of a controller's
 * work: it answers every PACKET_IN with one prebuilt FLOW_MOD (ADD, table 0,
 * priority 1, match eth_src=00:00:00:00:00:01, APPLY_ACTIONS OUTPUT:1) into
 * which only the PACKET_IN's buffer_id and an xid are patched.  Measured by
 * the emulator (sluice-bench) in the same run as Sluice, it shows how fast
 * this machine's sockets and one core can go; run-bench.py reports Sluice's
 * figures as a fraction of it.
 *
 * Per connection: HELLO (with a version bitmap naming 1.3 only) and
 * FEATURES_REQUEST on accept; one table-miss FLOW_MOD (priority 0, empty
 * match, OUTPUT:CONTROLLER max_len OFPCML_NO_BUFFER) after the
 * FEATURES_REPLY, so the emulator counts the switch as ready; ECHO_REQUEST
 * and BARRIER_REQUEST answered; everything else ignored.  Input is framed by
 * the OpenFlow header's length (a length below 8 closes the connection).
 *
 * One thread, level-triggered epoll, non-blocking sockets, libc only.  A
 * readable connection gets one recv() per epoll pass into a shared buffer;
 * replies are appended to the connection's output buffer and each dirty
 * connection gets one send() at the end of the pass.  Unsent output above
 * CEIL_OUT_HIGH stops reading from that connection until it drains, so a
 * peer that does not read cannot grow our memory without bound.  SIGINT and
 * SIGTERM (through a signalfd) end the loop; everything is freed, exit 0.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include "ofproto/openflow13.h"

#define CEIL_DEFAULT_LISTEN "127.0.0.1:6653"
#define CEIL_MSG_MAX 65535              /* the header's length is 16 bits */
#define CEIL_READ_SIZE (256 * 1024)     /* bytes asked of one recv() */
#define CEIL_OUT_MIN 512                /* first output buffer size */
#define CEIL_OUT_HIGH (4 * 1024 * 1024) /* unsent bytes that stop reading */
#define CEIL_MAX_EVENTS 1024

/* Wire layout of the messages built here (OpenFlow 1.3.5, section 7). */
enum {
    CEIL_HELLO_LEN = OFP_HEADER_LEN + OFP_HELLO_ELEM_HEADER_LEN + 4,
    CEIL_FM_BUFFER_ID_OFS = 32, /* ofp_flow_mod.buffer_id */
    CEIL_FM_MATCH_OFS = 48,     /* ofp_flow_mod.match */
    CEIL_PI_BUFFER_ID_OFS = 8,  /* ofp_packet_in.buffer_id */
    CEIL_OXM_ETH_SRC_LEN = 4 + OFP_ETH_ALEN,
    CEIL_APPLY_OUTPUT_LEN = 8 + OFP_ACTION_OUTPUT_LEN,
    /* Match: type, length, OXM fields, padded to 8. */
    CEIL_FLOW_MATCH_LEN =
        (OFP_MATCH_HEADER_LEN + CEIL_OXM_ETH_SRC_LEN + 7) / 8 * 8,
    CEIL_FLOW_LEN =
        CEIL_FM_MATCH_OFS + CEIL_FLOW_MATCH_LEN + CEIL_APPLY_OUTPUT_LEN,
    CEIL_MISS_LEN =
        CEIL_FM_MATCH_OFS + OFP_MATCH_MIN_LEN + CEIL_APPLY_OUTPUT_LEN,
};
_Static_assert(CEIL_FM_MATCH_OFS + OFP_MATCH_MIN_LEN == OFP_FLOW_MOD_LEN,
               "ofp_flow_mod layout");
_Static_assert(CEIL_FLOW_LEN == 88, "flow FLOW_MOD is 88 bytes");
_Static_assert(CEIL_MISS_LEN == 80, "table-miss FLOW_MOD is 80 bytes");

/* One accepted connection. */
struct ceil_conn {
    int fd;
    uint32_t events; /* the epoll events registered now */
    uint32_t xid;    /* the next xid of a message we originate */
    bool closed;     /* fd closed; freed at the end of the pass */
    bool dirty;      /* on the dirty list */
    bool miss_sent;  /* the table-miss FLOW_MOD went out */

    uint8_t *part; /* the start of an incomplete message */
    size_t part_len, part_cap;

    uint8_t *out; /* unsent output is out[out_head, out_tail) */
    size_t out_head, out_tail, out_cap;

    struct ceil_conn *prev, *next; /* every connection not yet freed */
    struct ceil_conn *next_dirty;  /* output to send this pass */
};

/* The process's state: one event loop. */
struct ceil {
    int epfd;
    int listen_fd;
    int sig_fd;
    bool listen_paused; /* out of descriptors: not accepting for now */
    bool stop;
    struct ceil_conn *conns; /* every connection not yet freed */
    struct ceil_conn *dirty; /* connections with output to send */
    unsigned long long n_accepted, n_bad_len, n_packet_ins;
};

static struct ceil ceiling;

/* epoll tags of the two descriptors that are not connections. */
static char ceil_listen_tag, ceil_signal_tag;

/* recv() lands after a copy of the connection's incomplete message. */
static uint8_t ceil_rx[CEIL_MSG_MAX + CEIL_READ_SIZE];

static uint8_t ceil_hello_features[CEIL_HELLO_LEN + OFP_HEADER_LEN];
static uint8_t ceil_flow_mod[CEIL_FLOW_LEN];
static uint8_t ceil_miss_mod[CEIL_MISS_LEN];

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static void
put_header(uint8_t *p, uint8_t type, uint16_t length, uint32_t xid)
{
    p[0] = OFP13_VERSION;
    p[1] = type;
    put16(p + 2, length);
    put32(p + 4, xid);
}

/* Writes a FLOW_MOD ADD of 'priority' into 'p' (zeroed, 'length' bytes):
 * the match's 'oxm_len' bytes of OXM fields go in by the caller, then
 * APPLY_ACTIONS with one OUTPUT to 'port' with 'max_len'. */
static void
put_flow_mod(uint8_t *p, uint16_t length, uint16_t priority, uint16_t oxm_len,
             uint32_t port, uint16_t max_len)
{
    uint16_t match_len = OFP_MATCH_HEADER_LEN + oxm_len;
    uint8_t *inst = p + CEIL_FM_MATCH_OFS + (match_len + 7) / 8 * 8;

    put_header(p, OFPT_FLOW_MOD, length, 0);
    p[25] = OFPFC_ADD; /* table_id 0 at 24 */
    put16(p + 30, priority);
    put32(p + CEIL_FM_BUFFER_ID_OFS, OFP_NO_BUFFER);
    put32(p + 36, OFPP_ANY); /* out_port */
    put32(p + 40, OFPG_ANY); /* out_group */
    put16(p + CEIL_FM_MATCH_OFS, OFPMT_OXM);
    put16(p + CEIL_FM_MATCH_OFS + 2, match_len);

    put16(inst, OFPIT_APPLY_ACTIONS);
    put16(inst + 2, CEIL_APPLY_OUTPUT_LEN);
    put16(inst + 8, OFPAT_OUTPUT);
    put16(inst + 10, OFP_ACTION_OUTPUT_LEN);
    put32(inst + 12, port);
    put16(inst + 16, max_len);
}

/* Fills the prebuilt messages. */
static void
ceil_build_messages(void)
{
    uint8_t *hello = ceil_hello_features;
    uint8_t *oxm = ceil_flow_mod + CEIL_FM_MATCH_OFS + OFP_MATCH_HEADER_LEN;

    put_header(hello, OFPT_HELLO, CEIL_HELLO_LEN, 0);
    put16(hello + OFP_HEADER_LEN, OFPHET_VERSIONBITMAP);
    put16(hello + OFP_HEADER_LEN + 2, OFP_HELLO_ELEM_HEADER_LEN + 4);
    put32(hello + OFP_HEADER_LEN + 4, 1u << OFP13_VERSION);
    put_header(hello + CEIL_HELLO_LEN, OFPT_FEATURES_REQUEST, OFP_HEADER_LEN,
               1);

    put_flow_mod(ceil_flow_mod, CEIL_FLOW_LEN, 1, CEIL_OXM_ETH_SRC_LEN, 1, 0);
    put16(oxm, OFPXMC_OPENFLOW_BASIC);
    oxm[2] = OFPXMT_OFB_ETH_SRC << 1; /* no mask */
    oxm[3] = OFP_ETH_ALEN;
    oxm[4 + OFP_ETH_ALEN - 1] = 1; /* 00:00:00:00:00:01 */

    put_flow_mod(ceil_miss_mod, CEIL_MISS_LEN, 0, 0, OFPP_CONTROLLER,
                 OFPCML_NO_BUFFER);
}

/* Closes 'fd', saying so if the kernel reports an error. */
static void
ceil_close(int fd)
{
    if (close(fd) < 0) {
        fprintf(stderr, "sluice-ceiling: close: %s\n", strerror(errno));
    }
}

/* ---- connections ---- */

/* Registers 'events' for 'conn' with epoll if they differ from the current
 * ones.  Returns 0 or an errno. */
static int
conn_set_events(struct ceil_conn *conn, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = conn};

    if (events == conn->events) {
        return 0;
    }
    if (epoll_ctl(ceiling.epfd, EPOLL_CTL_MOD, conn->fd, &ev) < 0) {
        return errno;
    }
    conn->events = events;
    return 0;
}

/* Accepts connections again after ceil_accept() paused (out of
 * descriptors or memory). */
static void
listen_resume(void)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &ceil_listen_tag};

    if (epoll_ctl(ceiling.epfd, EPOLL_CTL_ADD, ceiling.listen_fd, &ev) < 0) {
        fprintf(stderr, "sluice-ceiling: epoll_ctl (listener): %s\n",
                strerror(errno));
        ceiling.stop = true;
        return;
    }
    ceiling.listen_paused = false;
}

/* Closes 'conn''s socket; its memory is freed by ceil_end_pass(), once no
 * event of this pass can name it. */
static void
conn_close(struct ceil_conn *conn)
{
    if (conn->closed) {
        return;
    }
    ceil_close(conn->fd);
    conn->closed = true;
    if (ceiling.listen_paused) {
        listen_resume();
    }
}

static void
conn_free(struct ceil_conn *conn)
{
    if (conn->prev) {
        conn->prev->next = conn->next;
    } else {
        ceiling.conns = conn->next;
    }
    if (conn->next) {
        conn->next->prev = conn->prev;
    }
    free(conn->part);
    free(conn->out);
    free(conn);
}

static void
conn_mark_dirty(struct ceil_conn *conn)
{
    if (!conn->dirty) {
        conn->dirty = true;
        conn->next_dirty = ceiling.dirty;
        ceiling.dirty = conn;
    }
}

/* Returns room for 'n' more output bytes at the tail of 'conn''s output
 * buffer (the caller fills them and advances out_tail), or NULL if memory
 * ran out. */
static uint8_t *
conn_reserve(struct ceil_conn *conn, size_t n)
{
    size_t pending = conn->out_tail - conn->out_head;

    if (conn->out_cap - conn->out_tail < n) {
        if (conn->out_head && conn->out_cap - pending >= n) {
            memmove(conn->out, conn->out + conn->out_head, pending);
        } else {
            size_t cap = conn->out_cap ? conn->out_cap : CEIL_OUT_MIN;
            uint8_t *out;

            while (cap - pending < n) {
                cap *= 2;
            }
            out = malloc(cap);
            if (!out) {
                return NULL;
            }
            if (pending) {
                memcpy(out, conn->out + conn->out_head, pending);
            }
            free(conn->out);
            conn->out = out;
            conn->out_cap = cap;
        }
        conn->out_head = 0;
        conn->out_tail = pending;
    }
    conn_mark_dirty(conn);
    return conn->out + conn->out_tail;
}

/* Appends the 'n' bytes of 'msg' to 'conn''s output, with 'xid'.  Returns
 * a pointer to the copy, or NULL if memory ran out (the connection is then
 * closed). */
static uint8_t *
conn_append(struct ceil_conn *conn, const uint8_t *msg, size_t n, uint32_t xid)
{
    uint8_t *p = conn_reserve(conn, n);

    if (!p) {
        fprintf(stderr, "sluice-ceiling: out of memory for output\n");
        conn_close(conn);
        return NULL;
    }
    memcpy(p, msg, n);
    put32(p + 4, xid);
    conn->out_tail += n;
    return p;
}

/* Acts on one complete message 'msg' of 'len' bytes from 'conn'. */
static void
conn_handle(struct ceil_conn *conn, const uint8_t *msg, uint16_t len)
{
    uint32_t xid = (uint32_t) msg[4] << 24 | (uint32_t) msg[5] << 16 |
                   (uint32_t) msg[6] << 8 | msg[7];
    uint8_t *p;

    switch (msg[1]) {
    case OFPT_PACKET_IN:
        if (len < OFP_PACKET_IN_LEN) {
            return;
        }
        p = conn_append(conn, ceil_flow_mod, CEIL_FLOW_LEN, conn->xid++);
        if (p) {
            memcpy(p + CEIL_FM_BUFFER_ID_OFS, msg + CEIL_PI_BUFFER_ID_OFS, 4);
            ceiling.n_packet_ins++;
        }
        break;
    case OFPT_ECHO_REQUEST:
        p = conn_append(conn, msg, len, xid);
        if (p) {
            p[0] = OFP13_VERSION;
            p[1] = OFPT_ECHO_REPLY;
        }
        break;
    case OFPT_BARRIER_REQUEST: {
        uint8_t reply[OFP_HEADER_LEN];

        put_header(reply, OFPT_BARRIER_REPLY, OFP_HEADER_LEN, xid);
        conn_append(conn, reply, sizeof reply, xid);
        break;
    }
    case OFPT_FEATURES_REPLY:
        if (!conn->miss_sent &&
            conn_append(conn, ceil_miss_mod, CEIL_MISS_LEN, conn->xid++)) {
            conn->miss_sent = true;
        }
        break;
    default:
        break;
    }
}

/* Keeps the 'n' bytes at 'p' (an incomplete message) for the next read.
 * Returns 0 or ENOMEM. */
static int
conn_keep_part(struct ceil_conn *conn, const uint8_t *p, size_t n)
{
    if (!n) {
        conn->part_len = 0;
        return 0;
    }
    if (n > conn->part_cap) {
        uint8_t *part = realloc(conn->part, n);

        if (!part) {
            return ENOMEM;
        }
        conn->part = part;
        conn->part_cap = n;
    }
    memcpy(conn->part, p, n);
    conn->part_len = n;
    return 0;
}

/* Reads once from 'conn' and handles every complete message. */
static void
conn_read(struct ceil_conn *conn)
{
    size_t have = conn->part_len;
    size_t ofs = 0;
    ssize_t n;

    if (have) {
        memcpy(ceil_rx, conn->part, have);
    }
    n = recv(conn->fd, ceil_rx + have, CEIL_READ_SIZE, 0);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            conn_close(conn);
        }
        return;
    }
    if (n == 0) {
        conn_close(conn);
        return;
    }
    have += n;

    while (have - ofs >= OFP_HEADER_LEN && !conn->closed) {
        uint16_t len = get16(ceil_rx + ofs + 2);

        if (len < OFP_HEADER_LEN) {
            ceiling.n_bad_len++;
            conn_close(conn);
            return;
        }
        if (have - ofs < len) {
            break;
        }
        conn_handle(conn, ceil_rx + ofs, len);
        ofs += len;
    }
    if (!conn->closed && conn_keep_part(conn, ceil_rx + ofs, have - ofs)) {
        fprintf(stderr, "sluice-ceiling: out of memory for input\n");
        conn_close(conn);
    }
}

/* Sends what 'conn' has pending, once, and sets its epoll events to match
 * what is left. */
static void
conn_flush(struct ceil_conn *conn)
{
    size_t pending = conn->out_tail - conn->out_head;
    uint32_t events;
    int error;

    if (pending) {
        ssize_t n =
            send(conn->fd, conn->out + conn->out_head, pending, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                conn_close(conn);
                return;
            }
            n = 0;
        }
        conn->out_head += n;
        pending -= n;
        if (!pending) {
            conn->out_head = conn->out_tail = 0;
        }
    }

    events = pending < CEIL_OUT_HIGH ? EPOLLIN : 0;
    if (pending) {
        events |= EPOLLOUT;
    }
    error = conn_set_events(conn, events);
    if (error) {
        fprintf(stderr, "sluice-ceiling: epoll_ctl: %s\n", strerror(error));
        conn_close(conn);
    }
}

/* Accepts every pending connection. */
static void
ceil_accept(void)
{
    for (;;) {
        int one = 1;
        struct ceil_conn *conn;
        struct epoll_event ev;
        int fd;

        fd = accept4(ceiling.listen_fd, NULL, NULL,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM) {
                /* Wait for a connection to close rather than spin. */
                fprintf(stderr,
                        "sluice-ceiling: accept: %s (not accepting "
                        "until a connection closes)\n",
                        strerror(errno));
                if (epoll_ctl(ceiling.epfd, EPOLL_CTL_DEL, ceiling.listen_fd,
                              NULL) < 0) {
                    fprintf(stderr, "sluice-ceiling: epoll_ctl: %s\n",
                            strerror(errno));
                    ceiling.stop = true;
                }
                ceiling.listen_paused = true;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK &&
                       errno != EINTR && errno != ECONNABORTED) {
                fprintf(stderr, "sluice-ceiling: accept: %s\n",
                        strerror(errno));
            }
            return;
        }
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
            fprintf(stderr, "sluice-ceiling: TCP_NODELAY: %s\n",
                    strerror(errno));
        }

        conn = calloc(1, sizeof *conn);
        if (!conn) {
            fprintf(stderr, "sluice-ceiling: out of memory for a "
                            "connection\n");
            ceil_close(fd);
            return;
        }
        conn->fd = fd;
        conn->xid = 2; /* 1 is the FEATURES_REQUEST's */
        conn->events = EPOLLIN;
        ev.events = EPOLLIN;
        ev.data.ptr = conn;
        if (epoll_ctl(ceiling.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            fprintf(stderr, "sluice-ceiling: epoll_ctl: %s\n",
                    strerror(errno));
            ceil_close(fd);
            free(conn);
            return;
        }
        conn->next = ceiling.conns;
        if (ceiling.conns) {
            ceiling.conns->prev = conn;
        }
        ceiling.conns = conn;
        ceiling.n_accepted++;

        conn_append(conn, ceil_hello_features, sizeof ceil_hello_features, 0);
    }
}

/* Sends each dirty connection's output, then frees the closed ones. */
static void
ceil_end_pass(void)
{
    struct ceil_conn *conn, *next;

    for (conn = ceiling.dirty; conn; conn = next) {
        next = conn->next_dirty;
        conn->dirty = false;
        conn->next_dirty = NULL;
        if (!conn->closed) {
            conn_flush(conn);
        }
    }
    ceiling.dirty = NULL;

    for (conn = ceiling.conns; conn; conn = next) {
        next = conn->next;
        if (conn->closed) {
            conn_free(conn);
        }
    }
}

/* ---- setup ---- */

/* Splits "HOST:PORT" or "[HOST]:PORT" in 'arg' (modified) into 'host' and
 * 'port'.  Returns 0 or EINVAL. */
static int
parse_host_port(char *arg, char **host, char **port)
{
    char *colon = strrchr(arg, ':');

    if (!colon || colon == arg || !colon[1]) {
        return EINVAL;
    }
    *colon = '\0';
    *port = colon + 1;
    if (arg[0] == '[') {
        if (colon[-1] != ']' || colon - arg < 3) {
            return EINVAL;
        }
        colon[-1] = '\0';
        arg++;
    }
    *host = arg;
    return 0;
}

/* Opens a non-blocking listening socket on 'host':'port'.  Returns the
 * descriptor, or -1 after printing why not. */
static int
ceil_listen(const char *host, const char *port)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_PASSIVE,
    };
    struct addrinfo *res, *ai;
    int error = 0;
    int fd = -1;
    int rc;

    rc = getaddrinfo(host, port, &hints, &res);
    if (rc) {
        fprintf(stderr, "sluice-ceiling: %s:%s: %s\n", host, port,
                gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int one = 1;

        fd = socket(ai->ai_family,
                    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            error = errno;
            continue;
        }
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
            bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, SOMAXCONN) == 0) {
            break;
        }
        error = errno;
        ceil_close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "sluice-ceiling: cannot listen on %s:%s: %s\n", host,
                port, strerror(error));
    }
    return fd;
}

/* Prints the address 'fd' is bound to, as "HOST:PORT", to stderr. */
static int
ceil_print_listening(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[NI_MAXHOST], port[NI_MAXSERV];
    int rc;

    if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0) {
        fprintf(stderr, "sluice-ceiling: getsockname: %s\n", strerror(errno));
        return -1;
    }
    rc = getnameinfo((struct sockaddr *) &ss, len, host, sizeof host, port,
                     sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
    if (rc) {
        fprintf(stderr, "sluice-ceiling: getnameinfo: %s\n", gai_strerror(rc));
        return -1;
    }
    fprintf(stderr, "sluice-ceiling: listening on %s%s%s:%s\n",
            ss.ss_family == AF_INET6 ? "[" : "", host,
            ss.ss_family == AF_INET6 ? "]" : "", port);
    return 0;
}

/* Raises the descriptor limit to the hard limit, for many connections. */
static void
ceil_raise_nofile(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
        fprintf(stderr, "sluice-ceiling: getrlimit: %s\n", strerror(errno));
        return;
    }
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
            fprintf(stderr, "sluice-ceiling: setrlimit: %s\n",
                    strerror(errno));
        }
    }
}

/* Blocks SIGINT and SIGTERM and returns a signalfd for them, or -1. */
static int
ceil_signalfd(void)
{
    sigset_t mask;
    int fd;

    /* A shell starts background jobs with SIGINT ignored, and an ignored
     * signal never reaches a signalfd. */
    if (signal(SIGINT, SIG_DFL) == SIG_ERR ||
        signal(SIGTERM, SIG_DFL) == SIG_ERR) {
        fprintf(stderr, "sluice-ceiling: signal: %s\n", strerror(errno));
        return -1;
    }
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
        fprintf(stderr, "sluice-ceiling: sigprocmask: %s\n", strerror(errno));
        return -1;
    }
    fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "sluice-ceiling: signalfd: %s\n", strerror(errno));
    }
    return fd;
}

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: sluice-ceiling [--listen HOST:PORT]\n"
            "The zero-work OpenFlow 1.3 ceiling for sluice-bench: answers "
            "every PACKET_IN\nwith one prebuilt FLOW_MOD.\n\n"
            "  -l, --listen HOST:PORT  listen here (default %s; port 0 "
            "picks one)\n"
            "  -h, --help              print this help and exit\n\n"
            "SIGINT/SIGTERM stop it (exit 0).\n",
            CEIL_DEFAULT_LISTEN);
}

/* Acts on one event 'ev' of an epoll pass. */
static void
ceil_dispatch(const struct epoll_event *ev)
{
    struct ceil_conn *conn = ev->data.ptr;

    if (ev->data.ptr == &ceil_listen_tag) {
        ceil_accept();
        return;
    }
    if (ev->data.ptr == &ceil_signal_tag) {
        ceiling.stop = true;
        return;
    }
    if (!conn->closed && ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        /* recv() reports the error or the end of the stream. */
        conn_read(conn);
    }
    if (!conn->closed && ev->events & EPOLLOUT) {
        conn_mark_dirty(conn);
    }
}

/* Runs the event loop until a signal or a fatal error.  Returns 0 or 1. */
static int
ceil_run(void)
{
    static struct epoll_event events[CEIL_MAX_EVENTS];

    while (!ceiling.stop) {
        int n = epoll_wait(ceiling.epfd, events, CEIL_MAX_EVENTS, -1);
        int i;

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "sluice-ceiling: epoll_wait: %s\n",
                    strerror(errno));
            return 1;
        }
        for (i = 0; i < n; i++) {
            ceil_dispatch(&events[i]);
        }
        ceil_end_pass();
    }
    return 0;
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"listen", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char listen_arg[256];
    char *host, *port;
    struct epoll_event ev;
    int status;
    int opt;

    snprintf(listen_arg, sizeof listen_arg, "%s", CEIL_DEFAULT_LISTEN);
    while ((opt = getopt_long(argc, argv, "l:h", long_options, NULL)) != -1) {
        switch (opt) {
        case 'l':
            if (strlen(optarg) >= sizeof listen_arg) {
                fprintf(stderr, "sluice-ceiling: --listen: too long\n");
                return 2;
            }
            snprintf(listen_arg, sizeof listen_arg, "%s", optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (parse_host_port(listen_arg, &host, &port)) {
        fprintf(stderr, "sluice-ceiling: --listen wants HOST:PORT\n");
        return 2;
    }

    ceil_build_messages();
    ceil_raise_nofile();
    ceiling.epfd = ceiling.listen_fd = ceiling.sig_fd = -1;
    status = 1;

    ceiling.sig_fd = ceil_signalfd();
    if (ceiling.sig_fd < 0) {
        goto out;
    }
    ceiling.listen_fd = ceil_listen(host, port);
    if (ceiling.listen_fd < 0) {
        goto out;
    }
    ceiling.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (ceiling.epfd < 0) {
        fprintf(stderr, "sluice-ceiling: epoll_create1: %s\n",
                strerror(errno));
        goto out;
    }
    ev.events = EPOLLIN;
    ev.data.ptr = &ceil_signal_tag;
    if (epoll_ctl(ceiling.epfd, EPOLL_CTL_ADD, ceiling.sig_fd, &ev) < 0) {
        fprintf(stderr, "sluice-ceiling: epoll_ctl: %s\n", strerror(errno));
        goto out;
    }
    ev.data.ptr = &ceil_listen_tag;
    if (epoll_ctl(ceiling.epfd, EPOLL_CTL_ADD, ceiling.listen_fd, &ev) < 0) {
        fprintf(stderr, "sluice-ceiling: epoll_ctl: %s\n", strerror(errno));
        goto out;
    }
    if (ceil_print_listening(ceiling.listen_fd)) {
        goto out;
    }

    status = ceil_run();
    fprintf(stderr,
            "sluice-ceiling: %llu connections, %llu packet-ins answered, "
            "%llu closed for a bad length\n",
            ceiling.n_accepted, ceiling.n_packet_ins, ceiling.n_bad_len);

out:
    while (ceiling.conns) {
        conn_close(ceiling.conns);
        conn_free(ceiling.conns);
    }
    if (ceiling.epfd >= 0) {
        ceil_close(ceiling.epfd);
    }
    if (ceiling.listen_fd >= 0) {
        ceil_close(ceiling.listen_fd);
    }
    if (ceiling.sig_fd >= 0) {
        ceil_close(ceiling.sig_fd);
    }
    return status;
}
