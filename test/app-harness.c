/* app-harness: the fake host the apps' unit tests run one app plugin in
 * (see test/app-harness.h for the contract).
 *
 * One 'struct ah' is the whole world of the app: its dlopen handle, the
 * host function table it was given, a fake network (switches, cables,
 * hosts) from which the topo_* answers are computed on demand, the desired
 * flows it stated (deep copies keyed by a canonical identity), records of
 * its packet-outs and messages, a fake clock with its timers, its REST
 * routes and metrics collector, and its log.  Nothing here is fast or
 * clever: the networks of unit tests are a few switches, so every lookup
 * is a walk of an array, and everything the app could keep a pointer to
 * (switches, hosts) is allocated on its own so that it does not move.
 *
 * The codec (ofproto/) does the byte work: flows are validated and copied
 * by encoding and decoding them, frames are parsed with ofp_packet_parse()
 * at each table of ah_trace() (a packet-in's only to L2 for an app with
 * SL_APP_F_PACKET_L2, as the host does).
 *
 * Misuse by the test (an unknown switch, a bad MAC text...) and app
 * behaviour the real host would not survive either (answering a REST
 * request twice, cancelling a freed timer) fail the running libcheck test
 * with a message saying what happened.
 *
 * Choices the header leaves open, taken to match the real host:
 *   - ah_new() also takes a path (a name containing '/'), relative to
 *     $top_builddir unless absolute, for test plugins such as
 *     "test/plugins/.libs/harness_probe.so"; the app's name is then the
 *     file's base name without ".so";
 *   - timer_add() refuses 0 s, as controller/apphost.c does (the shortest
 *     timer is any positive interval); a one-shot timer is dead once its
 *     callback returns, and cancelling it then fails the test (in the
 *     daemon it is a use after free);
 *   - flow_add() refuses (EINVAL, with an "app-harness:" log line) what
 *     the flow programmer refuses (ofp_match_check(), ofp_actions_check(),
 *     unknown types) and also OXMs that are not known basic fields,
 *     instructions twice, and a goto_table that does not go forward
 *     (switches refuse those); the identity is the canonical encoding
 *     of (table, priority, OXMs sorted by class and field), as in
 *     controller/flowprog.c;
 *   - a change superseded before ah_complete_flows() (re-added with other
 *     content, or deleted) completes with SL_FLOW_ABORTED; an identical
 *     re-add waits with the flow; ah_free() aborts what is owed, after
 *     stop and before fini;
 *   - the counts count calls, refused ones included;
 *   - LOCAL is no live port: its role is NONE, it is not a flood port,
 *     and ah_trace() does not flood to it (an explicit output to LOCAL is
 *     recorded as OFPP_LOCAL);
 *   - events go to the app only while it runs; ev->sw is the switch when
 *     it is (or, for SWITCH_DOWN and LINK_DOWN, was) in the network. */
#include <config.h>
#include "test/app-harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "rest/route.h"

/* The pipeline of the core (sluice/app.h: table_id). */
static const char *const ah_tables[] = {"vlan", "acl", "l3", "l2"};
#define AH_N_TABLES 4

#define AH_CLOCK_START 1000.0     /* ah_now() of a new harness */
#define AH_WALL_START 1.7e9       /* wall clock of AH_CLOCK_START */
#define AH_LINK_LATENCY 0.001     /* every link: 1 ms */
#define AH_TIMER_MAX 1e9          /* longest timer, as the real host */
#define AH_TRACE_MAX_TABLES 16    /* ah_trace()'s loop guard */
#define AH_FRAME_ROOM (2048 + 64) /* ah_trace()'s working frame */
#define AH_LAST_LOG_MAX 16384

/* ---- state ---- */

enum ah_state {
    AH_INITING,  /* in init: may subscribe, route, register metrics */
    AH_STARTING, /* in start: likewise */
    AH_RUNNING,  /* receives events */
    AH_STOPPED,  /* stopped: receives nothing */
};

struct sl_ctx {
    struct ah *ah;
};

struct ah_sub {
    enum sl_event_type type;
    int priority;
    size_t seq;
    sl_event_handler *handler;
    void *aux;
};

/* A fake switch.  'ports' is sorted by port_no, OFPP_LOCAL last. */
struct ah_switch {
    uint64_t dpid;
    struct ofp_port *ports;
    size_t n_ports;
    char peer[48];
    struct sl_switch sw; /* what the app sees; points at the above */
};

/* A cable a:pa <-> b:pb.  'tree' is valid for the version 'tree_version'
 * of the harness. */
struct ah_cable {
    uint64_t a, b;
    uint32_t pa, pb;
    bool tree;
};

/* A desired flow of the app.  'spec' is decoded from 'bytes' into
 * 'arena'; 'key' is the canonical identity (table, priority, sorted
 * match). */
struct ah_flow {
    uint64_t dpid;
    uint64_t seq; /* first stated: ah_flow_at()'s tie-break */
    uint8_t *key;
    size_t key_len;
    uint8_t *bytes;
    struct ofp_arena arena;
    struct sl_flow_spec spec;
};

/* A flow change whose 'done' is owed. */
struct ah_pending {
    uint64_t dpid;
    uint8_t *key;
    size_t key_len;
    sl_flow_done_cb *done;
    void *aux;
    bool aborted; /* superseded: completes with SL_FLOW_ABORTED */
};

struct sl_timer {
    struct ah *ah;
    double deadline;
    double interval;
    bool repeat;
    bool live;    /* false: fired (one-shot) or cancelled: kept until
                   * ah_free() so that a late cancel is caught */
    bool running; /* its callback is on the stack */
    uint64_t seq; /* arming order: ties of deadlines */
    sl_timer_cb *cb;
    void *aux;
};

struct ah_route {
    unsigned methods;
    char *pattern;
    struct rest_pattern pat;
    sl_rest_handler *handler;
    void *aux;
};

/* One call of a REST handler, behind sl_rest_request.host_data. */
struct ah_rest_call {
    bool replied;
    int status;
    char *body;
};

struct ah_str {
    char *s;
    size_t len, cap;
};

struct sl_metrics {
    struct ah *ah;
    struct ah_str out;
    bool have_family; /* a family was started */
    bool family_ok;   /* ...and it is valid */
    char family[128]; /* its full name (as long as the host's) */
};

struct ah {
    struct sl_ctx ctx;
    char *name;
    void *handle;
    struct sl_app_def def;
    enum ah_state state;
    void *data;

    struct ah_sub *subs;
    size_t n_subs;

    /* The network. */
    struct ah_switch **switches; /* sorted by dpid */
    size_t n_switches;
    struct ah_switch **gone_switches; /* deleted: for a late SWITCH_DOWN */
    size_t n_gone_switches;
    struct ah_cable *cables;
    size_t n_cables;
    struct ah_cable *gone_cables; /* deleted: for a late LINK_DOWN */
    size_t n_gone_cables;
    struct sl_topo_host **hosts;
    size_t n_hosts;
    uint64_t version;
    uint64_t tree_version; /* of the cables' 'tree' flags */

    /* The flow programmer. */
    struct ah_flow **flows;
    size_t n_flows;
    uint64_t flow_seq;
    struct ah_pending *pending;
    size_t n_pending;
    struct ah_counts counts;

    /* Records. */
    struct ah_packet_out *pos;
    size_t n_pos;
    struct ah_sent *sent;
    size_t n_sent;
    uint32_t next_xid;

    /* Time. */
    double now;
    struct sl_timer **timers; /* live and dead, see sl_timer.live */
    size_t n_timers;
    uint64_t timer_seq;

    /* REST and metrics. */
    struct ah_route *routes;
    size_t n_routes;
    struct ah_rest_call *rest_call; /* the handler running, or NULL */
    sl_metrics_cb *metrics_cb;
    void *metrics_aux;
    bool metrics_registered;
    char **once; /* messages logged once */
    size_t n_once;

    struct ah_str log;
};

static char ah_last_log_buf[AH_LAST_LOG_MAX];

/* ---- small helpers ---- */

static void *
ah_xzalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);

    ck_assert_msg(p != NULL, "app-harness: out of memory");
    return p;
}

static void *
ah_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    ck_assert_msg(p != NULL, "app-harness: out of memory");
    return p;
}

/* Grows '*array' of '*n' elements of 'size' bytes by one zeroed element
 * and returns it. */
static void *
ah_push(void *array_, size_t *n, size_t size)
{
    void **array = array_;
    uint8_t *p;

    *array = ah_xrealloc(*array, (*n + 1) * size);
    p = (uint8_t *) *array + *n * size;
    memset(p, 0, size);
    (*n)++;
    return p;
}

static char *
ah_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = ah_xzalloc(n);

    memcpy(p, s, n);
    return p;
}

static void *
ah_xmemdup(const void *src, size_t n)
{
    void *p = ah_xzalloc(n);

    if (n) {
        memcpy(p, src, n);
    }
    return p;
}

static void ah_str_vprintf(struct ah_str *, const char *fmt, va_list)
    __attribute__((format(printf, 2, 0)));
static void ah_str_printf(struct ah_str *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ah_str_reserve(struct ah_str *s, size_t n)
{
    if (s->cap - s->len <= n) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap - s->len <= n) {
            cap *= 2;
        }
        s->s = ah_xrealloc(s->s, cap);
        s->cap = cap;
    }
}

static void
ah_str_add(struct ah_str *s, const char *text, size_t n)
{
    ah_str_reserve(s, n);
    if (n) {
        memcpy(s->s + s->len, text, n);
    }
    s->len += n;
    s->s[s->len] = '\0';
}

static void
ah_str_vprintf(struct ah_str *s, const char *fmt, va_list args)
{
    va_list copy;
    int n;

    va_copy(copy, args);
    n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    ck_assert_msg(n >= 0, "app-harness: bad format '%s'", fmt);
    ah_str_reserve(s, (size_t) n);
    vsnprintf(s->s + s->len, (size_t) n + 1, fmt, args);
    s->len += (size_t) n;
}

static void
ah_str_printf(struct ah_str *s, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    ah_str_vprintf(s, fmt, args);
    va_end(args);
}

/* Returns the text of 's' (owned by 's'; "" when empty). */
static const char *
ah_str_get(const struct ah_str *s)
{
    return s->s ? s->s : "";
}

static char *
ah_str_steal(struct ah_str *s)
{
    char *p = s->s ? s->s : ah_xstrdup("");

    memset(s, 0, sizeof *s);
    return p;
}

static void
ah_str_free(struct ah_str *s)
{
    free(s->s);
    memset(s, 0, sizeof *s);
}

static bool
ah_name_ok(const char *s)
{
    if (!s ||
        !(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))) {
        return false;
    }
    for (s++; *s; s++) {
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') ||
              (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9'))) {
            return false;
        }
    }
    return true;
}

/* ---- the app's log ---- */

static const char *
ah_level_name(enum sl_app_log_level level)
{
    switch (level) {
    case SL_APP_LOG_ERR:
        return "ERR";
    case SL_APP_LOG_WARN:
        return "WARN";
    case SL_APP_LOG_INFO:
        return "INFO";
    case SL_APP_LOG_DBG:
    default:
        return "DBG";
    }
}

static void ah_logv(struct ah *, enum sl_app_log_level, const char *fmt,
                    va_list) __attribute__((format(printf, 3, 0)));
static void ah_log(struct ah *, enum sl_app_log_level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void ah_log_once(struct ah *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends one line to the log (and to stderr with AH_VERBOSE set). */
static void
ah_logv(struct ah *ah, enum sl_app_log_level level, const char *fmt,
        va_list args)
{
    size_t start = ah->log.len;

    ah_str_printf(&ah->log, "%s %s: ", ah_level_name(level), ah->name);
    ah_str_vprintf(&ah->log, fmt, args);
    ah_str_add(&ah->log, "\n", 1);
    if (getenv("AH_VERBOSE")) {
        fputs(ah->log.s + start, stderr);
    }
}

static void
ah_log(struct ah *ah, enum sl_app_log_level level, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    ah_logv(ah, level, fmt, args);
    va_end(args);
}

/* Logs a warning of the harness (as the host would) the first time this
 * exact text comes. */
static void
ah_log_once(struct ah *ah, const char *fmt, ...)
{
    struct ah_str text = {0};
    va_list args;

    va_start(args, fmt);
    ah_str_vprintf(&text, fmt, args);
    va_end(args);
    for (size_t i = 0; i < ah->n_once; i++) {
        if (!strcmp(ah->once[i], text.s)) {
            ah_str_free(&text);
            return;
        }
    }
    ah_log(ah, SL_APP_LOG_WARN, "%s", text.s);
    *(char **) ah_push(&ah->once, &ah->n_once, sizeof *ah->once) =
        ah_str_steal(&text);
}

bool
ah_log_contains(struct ah *ah, const char *needle)
{
    return strstr(ah_str_get(&ah->log), needle) != NULL;
}

void
ah_clear_log(struct ah *ah)
{
    ah_str_free(&ah->log);
}

const char *
ah_last_log(void)
{
    return ah_last_log_buf;
}

/* ---- the fake network ---- */

static struct ah_switch *
ah_switch_find(const struct ah *ah, uint64_t dpid)
{
    for (size_t i = 0; i < ah->n_switches; i++) {
        if (ah->switches[i]->dpid == dpid) {
            return ah->switches[i];
        }
    }
    return NULL;
}

static struct ah_switch *
ah_switch_must(const struct ah *ah, uint64_t dpid)
{
    struct ah_switch *s = ah_switch_find(ah, dpid);

    ck_assert_msg(s != NULL, "app-harness: no switch %#" PRIx64, dpid);
    return s;
}

static size_t
ah_switch_index(const struct ah *ah, uint64_t dpid)
{
    for (size_t i = 0; i < ah->n_switches; i++) {
        if (ah->switches[i]->dpid == dpid) {
            return i;
        }
    }
    return SIZE_MAX;
}

static struct ofp_port *
ah_port_find(const struct ah_switch *s, uint32_t port_no)
{
    for (size_t i = 0; s && i < s->n_ports; i++) {
        if (s->ports[i].port_no == port_no) {
            return &s->ports[i];
        }
    }
    return NULL;
}

static bool
ah_port_live(const struct ofp_port *p)
{
    return (p && p->port_no >= 1 && p->port_no <= OFPP_MAX &&
            !(p->state & OFPPS_LINK_DOWN) && !(p->config & OFPPC_PORT_DOWN));
}

static bool
ah_dpport_live(const struct ah *ah, uint64_t dpid, uint32_t port)
{
    return ah_port_live(ah_port_find(ah_switch_find(ah, dpid), port));
}

/* The cable at dpid:port in 'cables', or NULL. */
static struct ah_cable *
ah_cable_at(struct ah_cable *cables, size_t n, uint64_t dpid, uint32_t port)
{
    for (size_t i = 0; i < n; i++) {
        if ((cables[i].a == dpid && cables[i].pa == port) ||
            (cables[i].b == dpid && cables[i].pb == port)) {
            return &cables[i];
        }
    }
    return NULL;
}

/* A cable carries links when both its ports are live. */
static bool
ah_cable_live(const struct ah *ah, const struct ah_cable *c)
{
    return (ah_dpport_live(ah, c->a, c->pa) &&
            ah_dpport_live(ah, c->b, c->pb));
}

static void
ah_bump(struct ah *ah)
{
    ah->version++;
}

void
ah_switch_add(struct ah *ah, uint64_t dpid, uint32_t n_ports)
{
    struct ah_switch *s;
    size_t pos;

    ck_assert_msg(dpid != 0, "app-harness: dpid 0");
    ck_assert_msg(!ah_switch_find(ah, dpid),
                  "app-harness: switch %#" PRIx64 " added twice", dpid);
    ck_assert_msg(n_ports <= 4096, "app-harness: %" PRIu32 " ports", n_ports);

    s = ah_xzalloc(sizeof *s);
    s->dpid = dpid;
    s->n_ports = n_ports + 1;
    s->ports = ah_xzalloc(s->n_ports * sizeof *s->ports);
    for (size_t i = 0; i < s->n_ports; i++) {
        struct ofp_port *p = &s->ports[i];
        bool local = i == n_ports;

        p->port_no = local ? OFPP_LOCAL : (uint32_t) i + 1;
        p->hw_addr[0] = 0x02;
        p->hw_addr[1] = (uint8_t) (dpid >> 16);
        p->hw_addr[2] = (uint8_t) (dpid >> 8);
        p->hw_addr[3] = (uint8_t) dpid;
        p->hw_addr[4] = (uint8_t) (local ? 0xff : (i + 1) >> 8);
        p->hw_addr[5] = (uint8_t) (local ? 0xfe : i + 1);
        char name[64] = {0};
        if (local) {
            snprintf(name, sizeof name, "s%" PRIu64, dpid);
        } else {
            snprintf(name, sizeof name, "s%" PRIu64 "-eth%zu", dpid, i + 1);
        }
        /* Truncated to OFP_MAX_PORT_NAME_LEN as a switch would. */
        memcpy(p->name, name, sizeof p->name - 1);
        p->name[sizeof p->name - 1] = '\0';
        p->state = OFPPS_LIVE;
        p->curr = OFPPF_10GB_FD | OFPPF_COPPER;
        p->advertised = p->supported = p->curr;
        p->curr_speed = p->max_speed = 10000000;
    }
    snprintf(s->peer, sizeof s->peer, "fake:%016" PRIx64, dpid);

    static const struct ofp_desc desc = {
        .mfr_desc = "Sluice",
        .hw_desc = "app-harness fake switch",
        .sw_desc = "app-harness",
        .serial_num = "0",
        .dp_desc = "fake",
    };
    s->sw.dpid = dpid;
    s->sw.n_buffers = 0;
    s->sw.n_tables = 254;
    s->sw.capabilities = OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS;
    s->sw.desc = &desc;
    s->sw.n_ports = s->n_ports;
    s->sw.ports = s->ports;
    s->sw.peer = s->peer;

    ah->switches =
        ah_xrealloc(ah->switches, (ah->n_switches + 1) * sizeof *ah->switches);
    pos = ah->n_switches;
    while (pos > 0 && ah->switches[pos - 1]->dpid > dpid) {
        ah->switches[pos] = ah->switches[pos - 1];
        pos--;
    }
    ah->switches[pos] = s;
    ah->n_switches++;
    ah_bump(ah);
}

static void
ah_cable_remove(struct ah *ah, struct ah_cable *c)
{
    *(struct ah_cable *) ah_push(&ah->gone_cables, &ah->n_gone_cables,
                                 sizeof *ah->gone_cables) = *c;
    *c = ah->cables[--ah->n_cables];
}

void
ah_switch_del(struct ah *ah, uint64_t dpid)
{
    size_t i = ah_switch_index(ah, dpid);

    ck_assert_msg(i != SIZE_MAX, "app-harness: no switch %#" PRIx64, dpid);
    for (size_t j = ah->n_cables; j-- > 0;) {
        if (ah->cables[j].a == dpid || ah->cables[j].b == dpid) {
            ah_cable_remove(ah, &ah->cables[j]);
        }
    }
    for (size_t j = ah->n_hosts; j-- > 0;) {
        if (ah->hosts[j]->dpid == dpid) {
            free(ah->hosts[j]);
            ah->hosts[j] = ah->hosts[--ah->n_hosts];
        }
    }
    *(struct ah_switch **) ah_push(&ah->gone_switches, &ah->n_gone_switches,
                                   sizeof *ah->gone_switches) =
        ah->switches[i];
    memmove(&ah->switches[i], &ah->switches[i + 1],
            (ah->n_switches - i - 1) * sizeof *ah->switches);
    ah->n_switches--;
    ah_bump(ah);
}

void
ah_port_set(struct ah *ah, uint64_t dpid, uint32_t port, bool up)
{
    struct ofp_port *p = ah_port_find(ah_switch_must(ah, dpid), port);

    ck_assert_msg(p != NULL && port != OFPP_LOCAL,
                  "app-harness: no port %" PRIu32 " on switch %#" PRIx64, port,
                  dpid);
    p->state = up ? OFPPS_LIVE : OFPPS_LINK_DOWN;
    ah_bump(ah);
}

void
ah_cable_add(struct ah *ah, uint64_t a, uint32_t pa, uint64_t b, uint32_t pb)
{
    struct ah_cable *c;

    ck_assert_msg(ah_port_find(ah_switch_must(ah, a), pa) && pa <= OFPP_MAX,
                  "app-harness: cable from missing port %#" PRIx64 ":%" PRIu32,
                  a, pa);
    ck_assert_msg(ah_port_find(ah_switch_must(ah, b), pb) && pb <= OFPP_MAX,
                  "app-harness: cable to missing port %#" PRIx64 ":%" PRIu32,
                  b, pb);
    ck_assert_msg(!(a == b && pa == pb), "app-harness: cable to itself");
    ck_assert_msg(!ah_cable_at(ah->cables, ah->n_cables, a, pa) &&
                      !ah_cable_at(ah->cables, ah->n_cables, b, pb),
                  "app-harness: port already cabled (%#" PRIx64 ":%" PRIu32
                  " or %#" PRIx64 ":%" PRIu32 ")",
                  a, pa, b, pb);
    c = ah_push(&ah->cables, &ah->n_cables, sizeof *ah->cables);
    c->a = a;
    c->pa = pa;
    c->b = b;
    c->pb = pb;
    ah_bump(ah);
}

void
ah_cable_del(struct ah *ah, uint64_t a, uint32_t pa)
{
    struct ah_cable *c = ah_cable_at(ah->cables, ah->n_cables, a, pa);

    ck_assert_msg(c != NULL, "app-harness: no cable at %#" PRIx64 ":%" PRIu32,
                  a, pa);
    ah_cable_remove(ah, c);
    ah_bump(ah);
}

static struct sl_topo_host *
ah_host_lookup(const struct ah *ah, const uint8_t mac[6], uint16_t vlan)
{
    for (size_t i = 0; i < ah->n_hosts; i++) {
        if (!memcmp(ah->hosts[i]->mac, mac, 6) && ah->hosts[i]->vlan == vlan) {
            return ah->hosts[i];
        }
    }
    return NULL;
}

static struct sl_topo_host *
ah_host_must(const struct ah *ah, const char *mac_text, uint16_t vlan)
{
    uint8_t mac[6];
    struct sl_topo_host *h;

    ah_mac(mac_text, mac);
    h = ah_host_lookup(ah, mac, vlan);
    ck_assert_msg(h != NULL, "app-harness: no host %s vlan %u", mac_text,
                  (unsigned) vlan);
    return h;
}

static double
ah_wall(const struct ah *ah)
{
    return AH_WALL_START + (ah->now - AH_CLOCK_START);
}

const struct sl_topo_host *
ah_host_add(struct ah *ah, const char *mac_text, uint16_t vlan, uint64_t dpid,
            uint32_t port, uint32_t ipv4)
{
    uint8_t mac[6];
    struct sl_topo_host *h;

    ah_mac(mac_text, mac);
    ck_assert_msg(vlan == SL_HOST_NO_VLAN || vlan < 4096,
                  "app-harness: host vlan %u", (unsigned) vlan);
    ck_assert_msg(
        ah_port_find(ah_switch_must(ah, dpid), port) && port <= OFPP_MAX,
        "app-harness: host on missing port %#" PRIx64 ":%" PRIu32, dpid, port);
    h = ah_host_lookup(ah, mac, vlan);
    if (!h) {
        h = ah_xzalloc(sizeof *h);
        memcpy(h->mac, mac, 6);
        h->vlan = vlan;
        h->first_seen = ah_wall(ah);
        *(struct sl_topo_host **) ah_push(&ah->hosts, &ah->n_hosts,
                                          sizeof *ah->hosts) = h;
    }
    h->dpid = dpid;
    h->port_no = port;
    h->last_seen = ah_wall(ah);
    if (ipv4) {
        uint8_t n = 0;
        uint32_t old[SL_HOST_MAX_ADDRS];

        memcpy(old, h->ipv4, sizeof old);
        h->ipv4[n++] = ipv4;
        for (uint8_t i = 0; i < h->n_ipv4 && n < SL_HOST_MAX_ADDRS; i++) {
            if (old[i] != ipv4) {
                h->ipv4[n++] = old[i];
            }
        }
        h->n_ipv4 = n;
    }
    return h;
}

void
ah_host_del(struct ah *ah, const char *mac_text, uint16_t vlan)
{
    struct sl_topo_host *h = ah_host_must(ah, mac_text, vlan);

    for (size_t i = 0; i < ah->n_hosts; i++) {
        if (ah->hosts[i] == h) {
            ah->hosts[i] = ah->hosts[--ah->n_hosts];
            break;
        }
    }
    free(h);
}

uint64_t
ah_topo_version(struct ah *ah)
{
    return ah->version;
}

/* ---- the topology computed from the network ---- */

/* One live cable end at a switch: the port and the switch at the other
 * end. */
struct ah_nbr {
    uint64_t nbr;
    uint32_t port;
    uint32_t nbr_port;
    struct ah_cable *cable;
};

static int
ah_nbr_cmp(const void *a_, const void *b_)
{
    const struct ah_nbr *a = a_;
    const struct ah_nbr *b = b_;

    if (a->nbr != b->nbr) {
        return a->nbr < b->nbr ? -1 : 1;
    }
    return a->port < b->port ? -1 : a->port > b->port;
}

/* Stores in '*out' (malloc'd) the live cables of switch 'dpid' to other
 * switches, by (neighbour dpid, local port), and returns how many. */
static size_t
ah_nbrs(struct ah *ah, uint64_t dpid, struct ah_nbr **out)
{
    struct ah_nbr *v = ah_xzalloc((ah->n_cables + 1) * sizeof *v);
    size_t n = 0;

    for (size_t i = 0; i < ah->n_cables; i++) {
        struct ah_cable *c = &ah->cables[i];

        if (c->a == c->b || !ah_cable_live(ah, c)) {
            continue;
        }
        if (c->a == dpid) {
            v[n++] = (struct ah_nbr){c->b, c->pa, c->pb, c};
        } else if (c->b == dpid) {
            v[n++] = (struct ah_nbr){c->a, c->pb, c->pa, c};
        }
    }
    qsort(v, n, sizeof *v, ah_nbr_cmp);
    *out = v;
    return n;
}

/* Recomputes the spanning forest if the network changed: breadth first
 * from the lowest dpid of each component, neighbours by (dpid, port). */
static void
ah_tree_update(struct ah *ah)
{
    size_t n = ah->n_switches;
    bool *seen;
    size_t *queue;

    if (ah->tree_version == ah->version) {
        return;
    }
    seen = ah_xzalloc((n + 1) * sizeof *seen);
    queue = ah_xzalloc((n + 1) * sizeof *queue);
    for (size_t i = 0; i < ah->n_cables; i++) {
        ah->cables[i].tree = false;
    }
    for (size_t root = 0; root < n; root++) {
        size_t head = 0, tail = 0;

        if (seen[root]) {
            continue;
        }
        seen[root] = true;
        queue[tail++] = root;
        while (head < tail) {
            struct ah_nbr *nb;
            size_t n_nb = ah_nbrs(ah, ah->switches[queue[head++]]->dpid, &nb);

            for (size_t k = 0; k < n_nb; k++) {
                size_t j = ah_switch_index(ah, nb[k].nbr);
                if (!seen[j]) {
                    seen[j] = true;
                    nb[k].cable->tree = true;
                    queue[tail++] = j;
                }
            }
            free(nb);
        }
    }
    free(seen);
    free(queue);
    ah->tree_version = ah->version;
}

static enum sl_port_role
ah_role(struct ah *ah, uint64_t dpid, uint32_t port_no)
{
    const struct ah_switch *s = ah_switch_find(ah, dpid);
    const struct ah_cable *c;

    if (!s || !ah_port_live(ah_port_find(s, port_no))) {
        return SL_PORT_NONE;
    }
    c = ah_cable_at(ah->cables, ah->n_cables, dpid, port_no);
    if (!c || !ah_cable_live(ah, c)) {
        return SL_PORT_EDGE;
    }
    ah_tree_update(ah);
    return c->tree ? SL_PORT_TREE : SL_PORT_BLOCKED;
}

/* Hops from every switch (by index) to switch index 'dst' over live
 * cables; SIZE_MAX when unreachable.  Returns a malloc'd array. */
static size_t *
ah_distances(struct ah *ah, size_t dst)
{
    size_t n = ah->n_switches;
    size_t *dist = ah_xzalloc((n + 1) * sizeof *dist);
    size_t *queue = ah_xzalloc((n + 1) * sizeof *queue);
    size_t head = 0, tail = 0;

    for (size_t i = 0; i < n; i++) {
        dist[i] = SIZE_MAX;
    }
    dist[dst] = 0;
    queue[tail++] = dst;
    while (head < tail) {
        size_t u = queue[head++];
        struct ah_nbr *nb;
        size_t n_nb = ah_nbrs(ah, ah->switches[u]->dpid, &nb);

        for (size_t k = 0; k < n_nb; k++) {
            size_t j = ah_switch_index(ah, nb[k].nbr);
            if (dist[j] == SIZE_MAX) {
                dist[j] = dist[u] + 1;
                queue[tail++] = j;
            }
        }
        free(nb);
    }
    free(queue);
    return dist;
}

/* The next hop from 'from' toward 'to' given 'dist' (toward 'to'): the
 * lowest (neighbour dpid, port) one hop closer.  Returns false if none. */
static bool
ah_next(struct ah *ah, const size_t *dist, uint64_t from, struct ah_nbr *hop)
{
    size_t i = ah_switch_index(ah, from);
    struct ah_nbr *nb;
    size_t n_nb;
    bool found = false;

    if (dist[i] == SIZE_MAX || dist[i] == 0) {
        return false;
    }
    n_nb = ah_nbrs(ah, from, &nb);
    for (size_t k = 0; k < n_nb && !found; k++) {
        if (dist[ah_switch_index(ah, nb[k].nbr)] == dist[i] - 1) {
            *hop = nb[k];
            found = true;
        }
    }
    free(nb);
    return found;
}

/* ---- the desired flows ---- */

static int
ah_oxm_cmp(const void *a_, const void *b_)
{
    const struct ofp_oxm *a = a_;
    const struct ofp_oxm *b = b_;

    if (a->cls != b->cls) {
        return a->cls < b->cls ? -1 : 1;
    }
    return a->field < b->field ? -1 : a->field > b->field;
}

/* Returns the canonical identity of (table, priority, match) in '*key'
 * (malloc'd) and its length; the match was checked. */
static size_t
ah_flow_key(uint8_t table_id, uint16_t priority, const struct ofp_match *m,
            uint8_t **key)
{
    struct ofp_oxm *sorted = ah_xzalloc((m->n_oxms + 1) * sizeof *sorted);
    struct ofp_match canon = {OFPMT_OXM, m->n_oxms, sorted};
    struct ofp_wbuf w;
    size_t len;

    if (m->n_oxms) {
        memcpy(sorted, m->oxms, m->n_oxms * sizeof *sorted);
        qsort(sorted, m->n_oxms, sizeof *sorted, ah_oxm_cmp);
    }
    ofp_wbuf_init(&w);
    ofp_wbuf_u8(&w, table_id);
    ofp_wbuf_u8(&w, 0);
    ofp_wbuf_be16(&w, priority);
    ofp_match_encode(&w, &canon);
    ck_assert(!w.overflow);
    *key = ah_xmemdup(w.data, w.len);
    len = w.len;
    ofp_wbuf_uninit(&w);
    free(sorted);
    return len;
}

static bool
ah_oxm_known(const struct ofp_oxm *oxm)
{
    return ofp_oxm_is_known(oxm) && ofp_oxm_field_info(oxm->field);
}

/* Checks a match as the real host does, and also that every OXM is a
 * basic field the codec knows.  Returns 0 or EINVAL. */
static int
ah_match_check(struct ah *ah, const struct ofp_match *m)
{
    if (m->n_oxms && !m->oxms) {
        return EINVAL;
    }
    for (size_t i = 0; i < m->n_oxms; i++) {
        if (!ah_oxm_known(&m->oxms[i])) {
            ah_log(ah, SL_APP_LOG_WARN,
                   "app-harness: flow refused: OXM class %#x field %u is "
                   "not a known basic field",
                   (unsigned) m->oxms[i].cls, (unsigned) m->oxms[i].field);
            return EINVAL;
        }
    }
    enum ofperr e = ofp_match_check(m);
    if (e) {
        ah_log(ah, SL_APP_LOG_WARN, "app-harness: flow refused: match: %s",
               ofperr_name(e));
        return EINVAL;
    }
    return 0;
}

static int
ah_actions_check(struct ah *ah, const struct ofp_action_list *l)
{
    if (l->n && !l->actions) {
        return EINVAL;
    }
    for (size_t i = 0; i < l->n; i++) {
        const struct ofp_action *a = &l->actions[i];

        if (!ofp_action_type_name(a->type) || a->type == OFPAT_EXPERIMENTER) {
            ah_log(ah, SL_APP_LOG_WARN, "app-harness: refused: action type %u",
                   (unsigned) a->type);
            return EINVAL;
        }
        if (a->type == OFPAT_SET_FIELD && !ah_oxm_known(&a->set_field)) {
            ah_log(ah, SL_APP_LOG_WARN,
                   "app-harness: refused: set_field of OXM class %#x field "
                   "%u",
                   (unsigned) a->set_field.cls, (unsigned) a->set_field.field);
            return EINVAL;
        }
    }
    enum ofperr e = ofp_actions_check(l);
    if (e) {
        ah_log(ah, SL_APP_LOG_WARN, "app-harness: refused: actions: %s",
               ofperr_name(e));
        return EINVAL;
    }
    return 0;
}

/* Checks 'spec' as the real host does (and a little more: what a switch
 * would refuse for sure).  Returns 0 or EINVAL, with a log line. */
static int
ah_spec_check(struct ah *ah, const struct sl_flow_spec *spec)
{
    const struct ofp_instruction_list *il = &spec->instructions;
    unsigned seen = 0;

    if (spec->table_id > OFPTT_MAX) {
        return EINVAL;
    }
    if (ah_match_check(ah, &spec->match)) {
        return EINVAL;
    }
    if (il->n && !il->instructions) {
        return EINVAL;
    }
    for (size_t i = 0; i < il->n; i++) {
        const struct ofp_instruction *in = &il->instructions[i];

        switch (in->type) {
        case OFPIT_GOTO_TABLE:
            if (in->table_id <= spec->table_id || in->table_id > OFPTT_MAX) {
                ah_log(ah, SL_APP_LOG_WARN,
                       "app-harness: flow refused: goto_table %u from "
                       "table %u (a switch refuses it)",
                       (unsigned) in->table_id, (unsigned) spec->table_id);
                return EINVAL;
            }
            break;
        case OFPIT_WRITE_METADATA:
        case OFPIT_CLEAR_ACTIONS:
        case OFPIT_METER:
            break;
        case OFPIT_WRITE_ACTIONS:
        case OFPIT_APPLY_ACTIONS:
            if (ah_actions_check(ah, &in->actions)) {
                return EINVAL;
            }
            break;
        default:
            ah_log(ah, SL_APP_LOG_WARN,
                   "app-harness: flow refused: instruction type %u",
                   (unsigned) in->type);
            return EINVAL;
        }
        if (seen & (1u << in->type)) {
            ah_log(ah, SL_APP_LOG_WARN,
                   "app-harness: flow refused: two %s instructions",
                   ofp_instruction_type_name(in->type));
            return EINVAL;
        }
        seen |= 1u << in->type;
    }
    return 0;
}

/* Fills 'f' with a deep copy of 'spec' (checked) through the codec. */
static void
ah_flow_fill(struct ah_flow *f, const struct sl_flow_spec *spec)
{
    struct ofp_match m = spec->match;
    struct ofp_wbuf w;
    struct ofp_rd rd;
    size_t mlen;

    m.type = OFPMT_OXM;
    ofp_wbuf_init(&w);
    ofp_match_encode(&w, &m);
    mlen = w.len;
    ofp_instructions_encode(&w, &spec->instructions);
    ck_assert(!w.overflow);
    f->bytes = ah_xmemdup(w.data, w.len);

    ofp_arena_init(&f->arena);
    f->spec = *spec;
    ofp_rd_init(&rd, f->bytes, mlen);
    ck_assert_msg(!ofp_match_decode(&rd, &f->spec.match, &f->arena) &&
                      !rd.left,
                  "app-harness: match does not decode again");
    ofp_rd_init(&rd, f->bytes + mlen, w.len - mlen);
    ck_assert_msg(
        !ofp_instructions_decode(&rd, &f->spec.instructions, &f->arena),
        "app-harness: instructions do not decode again");
    ofp_wbuf_uninit(&w);
}

static void
ah_flow_free(struct ah_flow *f)
{
    if (f) {
        ofp_arena_uninit(&f->arena);
        free(f->bytes);
        free(f->key);
        free(f);
    }
}

static size_t
ah_flow_index(const struct ah *ah, uint64_t dpid, const uint8_t *key,
              size_t key_len)
{
    for (size_t i = 0; i < ah->n_flows; i++) {
        const struct ah_flow *f = ah->flows[i];
        if (f->dpid == dpid && f->key_len == key_len &&
            !memcmp(f->key, key, key_len)) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* True if desired flow 'f' has the content of 'spec'. */
static bool
ah_flow_same(const struct ah_flow *f, const struct sl_flow_spec *spec)
{
    struct ofp_wbuf a, b;
    bool same;

    if (f->spec.idle_timeout != spec->idle_timeout ||
        f->spec.hard_timeout != spec->hard_timeout ||
        f->spec.flags != spec->flags) {
        return false;
    }
    ofp_wbuf_init(&a);
    ofp_wbuf_init(&b);
    ofp_instructions_encode(&a, &f->spec.instructions);
    ofp_instructions_encode(&b, &spec->instructions);
    same = a.len == b.len && (!a.len || !memcmp(a.data, b.data, a.len));
    ofp_wbuf_uninit(&a);
    ofp_wbuf_uninit(&b);
    return same;
}

/* Marks the owed completions of identity 'key' on 'dpid' superseded. */
static void
ah_supersede(struct ah *ah, uint64_t dpid, const uint8_t *key, size_t len)
{
    for (size_t i = 0; i < ah->n_pending; i++) {
        struct ah_pending *p = &ah->pending[i];
        if (p->dpid == dpid && p->key_len == len &&
            !memcmp(p->key, key, len)) {
            p->aborted = true;
        }
    }
}

static void
ah_owe(struct ah *ah, uint64_t dpid, const uint8_t *key, size_t len,
       sl_flow_done_cb *done, void *aux)
{
    struct ah_pending *p;

    if (!done) {
        return;
    }
    p = ah_push(&ah->pending, &ah->n_pending, sizeof *ah->pending);
    p->dpid = dpid;
    p->key = ah_xmemdup(key, len);
    p->key_len = len;
    p->done = done;
    p->aux = aux;
}

static void
ah_flow_remove_at(struct ah *ah, size_t i)
{
    ah_flow_free(ah->flows[i]);
    memmove(&ah->flows[i], &ah->flows[i + 1],
            (ah->n_flows - i - 1) * sizeof *ah->flows);
    ah->n_flows--;
}

size_t
ah_flow_count(struct ah *ah, uint64_t dpid, int table_id)
{
    size_t n = 0;

    for (size_t i = 0; i < ah->n_flows; i++) {
        const struct ah_flow *f = ah->flows[i];
        if (f->dpid == dpid &&
            (table_id < 0 || f->spec.table_id == table_id)) {
            n++;
        }
    }
    return n;
}

const struct sl_flow_spec *
ah_flow_get(struct ah *ah, uint64_t dpid, uint8_t table_id, uint16_t priority,
            const struct ofp_match *match)
{
    uint8_t *key;
    size_t len, i;

    ck_assert_ptr_nonnull(match);
    len = ah_flow_key(table_id, priority, match, &key);
    i = ah_flow_index(ah, dpid, key, len);
    free(key);
    return i == SIZE_MAX ? NULL : &ah->flows[i]->spec;
}

static int
ah_flow_order(const void *a_, const void *b_)
{
    const struct ah_flow *a = *(const struct ah_flow *const *) a_;
    const struct ah_flow *b = *(const struct ah_flow *const *) b_;

    if (a->spec.table_id != b->spec.table_id) {
        return a->spec.table_id < b->spec.table_id ? -1 : 1;
    }
    if (a->spec.priority != b->spec.priority) {
        return a->spec.priority > b->spec.priority ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The flows of 'dpid' in ah_flow_at() order (malloc'd), '*n' of them. */
static struct ah_flow **
ah_flows_sorted(struct ah *ah, uint64_t dpid, size_t *n)
{
    struct ah_flow **v = ah_xzalloc((ah->n_flows + 1) * sizeof *v);

    *n = 0;
    for (size_t i = 0; i < ah->n_flows; i++) {
        if (ah->flows[i]->dpid == dpid) {
            v[(*n)++] = ah->flows[i];
        }
    }
    qsort(v, *n, sizeof *v, ah_flow_order);
    return v;
}

const struct sl_flow_spec *
ah_flow_at(struct ah *ah, uint64_t dpid, size_t i)
{
    size_t n;
    struct ah_flow **v = ah_flows_sorted(ah, dpid, &n);
    const struct sl_flow_spec *spec = i < n ? &v[i]->spec : NULL;

    free(v);
    return spec;
}

struct ah_counts
ah_counts(struct ah *ah)
{
    return ah->counts;
}

void
ah_reset_counts(struct ah *ah)
{
    memset(&ah->counts, 0, sizeof ah->counts);
}

/* Calls the owed completions of identity 'key' on 'dpid' (all when 'key'
 * is NULL) with 'error' (superseded ones with SL_FLOW_ABORTED).  Those
 * owed by changes the callbacks make wait for the next call. */
static void
ah_complete(struct ah *ah, uint64_t dpid, const uint8_t *key, size_t len,
            enum ofperr error)
{
    struct ah_pending *mine = NULL;
    size_t n_mine = 0;

    for (size_t i = 0; i < ah->n_pending;) {
        struct ah_pending *p = &ah->pending[i];
        if (!key || (p->dpid == dpid && p->key_len == len &&
                     !memcmp(p->key, key, len))) {
            *(struct ah_pending *) ah_push(&mine, &n_mine, sizeof *mine) = *p;
            memmove(p, p + 1, (ah->n_pending - i - 1) * sizeof *p);
            ah->n_pending--;
        } else {
            i++;
        }
    }
    for (size_t i = 0; i < n_mine; i++) {
        mine[i].done(mine[i].aux, mine[i].dpid,
                     mine[i].aborted ? SL_FLOW_ABORTED : error);
        free(mine[i].key);
    }
    free(mine);
}

void
ah_complete_flows(struct ah *ah, enum ofperr error)
{
    ah_complete(ah, 0, NULL, 0, error);
}

/* ---- timers ---- */

/* The next live timer due by 'until', or NULL. */
static struct sl_timer *
ah_timer_next(const struct ah *ah, double until)
{
    struct sl_timer *best = NULL;

    for (size_t i = 0; i < ah->n_timers; i++) {
        struct sl_timer *t = ah->timers[i];
        if (t->live && t->deadline <= until &&
            (!best || t->deadline < best->deadline ||
             (t->deadline == best->deadline && t->seq < best->seq))) {
            best = t;
        }
    }
    return best;
}

double
ah_now(struct ah *ah)
{
    return ah->now;
}

void
ah_advance(struct ah *ah, double seconds)
{
    double until;
    struct sl_timer *t;

    ck_assert_msg(isfinite(seconds) && seconds >= 0,
                  "app-harness: ah_advance(%g)", seconds);
    until = ah->now + seconds;
    while ((t = ah_timer_next(ah, until)) != NULL) {
        if (t->deadline > ah->now) {
            ah->now = t->deadline;
        }
        t->running = true;
        if (!t->repeat) {
            t->live = false; /* freed (as far as the app knows) on return */
        }
        t->cb(&ah->ctx, t->aux);
        t->running = false;
        if (t->live) {
            t->deadline += t->interval;
            t->seq = ah->timer_seq++;
        }
    }
    ah->now = until;
}

static void
ah_timers_cancel(struct ah *ah)
{
    for (size_t i = 0; i < ah->n_timers; i++) {
        ah->timers[i]->live = false;
    }
}

/* ---- REST routes ---- */

static void
ah_route_free(struct ah_route *r)
{
    rest_pattern_free(&r->pat);
    free(r->pattern);
}

/* Parses an app's 'pattern' ("" or "/seg/{param}/{tail...}") into 'r' as
 * the host does, which hands the REST server "/api/v1/apps/<app>" +
 * 'pattern': "/" would end in an empty segment, and '?' or '#' could not
 * be matched.  Returns 0, EINVAL or ENOMEM. */
static int
ah_route_parse(struct ah_route *r, const char *pattern)
{
    if (!*pattern) {
        return 0;
    }
    if (!strcmp(pattern, "/") || strpbrk(pattern, "?#")) {
        return EINVAL;
    }
    return rest_pattern_parse(&r->pat, pattern);
}

static int
ah_hexval(char c)
{
    return (c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1);
}

/* Percent-decodes 'n' bytes of 's' (malloc'd), or NULL for a bad escape
 * or %00. */
static char *
ah_pct_decode(const char *s, size_t n)
{
    char *out = ah_xzalloc(n + 1);
    size_t j = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? ah_hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? ah_hexval(s[i + 2]) : -1;

            if (hi < 0 || lo < 0 || (hi | lo) == 0) {
                free(out);
                return NULL;
            }
            out[j++] = (char) (hi << 4 | lo);
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    return out;
}

static void
ah_reply_error(char **reply, const char *error, const char *detail)
{
    struct ah_str s = {0};

    if (reply) {
        ah_str_printf(&s, "{\"error\": \"%s\", \"detail\": \"%s\"}", error,
                      detail);
        *reply = ah_str_steal(&s);
    }
}

static const char *
ah_method_name(unsigned method)
{
    switch (method) {
    case SL_REST_GET:
        return "GET";
    case SL_REST_POST:
        return "POST";
    case SL_REST_PUT:
        return "PUT";
    case SL_REST_DELETE:
        return "DELETE";
    default:
        return "?";
    }
}

int
ah_rest(struct ah *ah, unsigned method, const char *subpath, const char *body,
        char **reply)
{
    const char *q;
    size_t path_len;
    char **segs = NULL;
    size_t n_segs = 0;
    const struct ah_route *best = NULL;
    unsigned allow = 0;
    int status;

    ck_assert_msg(method == SL_REST_GET || method == SL_REST_POST ||
                      method == SL_REST_PUT || method == SL_REST_DELETE,
                  "app-harness: REST method %#x", method);
    ck_assert_msg(subpath && (!*subpath || *subpath == '/' || *subpath == '?'),
                  "app-harness: REST subpath '%s' must start with '/'",
                  subpath ? subpath : "(null)");
    ck_assert_msg(ah->state == AH_RUNNING, "app-harness: app not running");
    if (reply) {
        *reply = NULL;
    }

    q = strchr(subpath, '?');
    path_len = q ? (size_t) (q - subpath) : strlen(subpath);

    /* Split the path into decoded segments. */
    bool bad = false;
    if (path_len) {
        const char *p = subpath + 1;
        const char *end = subpath + path_len;
        while (true) {
            const char *slash = memchr(p, '/', (size_t) (end - p));
            size_t n = slash ? (size_t) (slash - p) : (size_t) (end - p);
            char *seg = ah_pct_decode(p, n);

            if (!seg) {
                bad = true;
                break;
            }
            *(char **) ah_push(&segs, &n_segs, sizeof *segs) = seg;
            if (!slash) {
                break;
            }
            p = slash + 1;
        }
    }
    if (bad) {
        ah_reply_error(reply, "bad request", "bad percent escape in path");
        status = 400;
        goto out;
    }

    for (size_t i = 0; i < ah->n_routes; i++) {
        const struct ah_route *r = &ah->routes[i];
        if (!rest_pattern_matches(&r->pat, segs, n_segs)) {
            continue;
        }
        allow |= r->methods;
        if ((r->methods & method) && (!best || rest_pattern_better(&r->pat, &best->pat))) {
            best = r;
        }
    }
    if (!best) {
        status = allow ? 405 : 404;
        ah_reply_error(reply, allow ? "method not allowed" : "not found",
                       ah_method_name(method));
        goto out;
    }

    /* The request, as the host builds it. */
    struct ah_str path = {0};
    char *decoded;
    const char **names = ah_xzalloc((best->pat.n_segs + 1) * sizeof *names);
    const char **values = ah_xzalloc((best->pat.n_segs + 1) * sizeof *values);
    char **owned = ah_xzalloc((best->pat.n_segs + 1) * sizeof *owned);
    size_t n_params = 0;

    for (size_t i = 0; i < best->pat.n_segs; i++) {
        const struct rest_seg *seg = &best->pat.segs[i];
        if (seg->kind == REST_SEG_PARAM) {
            names[n_params] = seg->text;
            values[n_params++] = segs[i];
        } else if (seg->kind == REST_SEG_TAIL) {
            struct ah_str tail = {0};
            for (size_t j = i; j < n_segs; j++) {
                ah_str_printf(&tail, "%s%s", j > i ? "/" : "", segs[j]);
            }
            owned[i] = ah_str_steal(&tail);
            names[n_params] = seg->text;
            values[n_params++] = owned[i];
        }
    }
    decoded = ah_pct_decode(subpath, path_len);
    ah_str_printf(&path, "/api/v1/apps/%s%s", ah->name,
                  decoded ? decoded : "");
    free(decoded);

    struct ah_rest_call call = {0};
    struct sl_rest_request req = {
        .method = method,
        .path = path.s,
        .subpath = path.s + strlen("/api/v1/apps/") + strlen(ah->name),
        .query = q ? q + 1 : "",
        .body = body ? body : "",
        .body_len = body ? strlen(body) : 0,
        .n_params = n_params,
        .param_names = names,
        .param_values = values,
        .host_data = &call,
    };
    ah->rest_call = &call;
    best->handler(&ah->ctx, &req, best->aux);
    ah->rest_call = NULL;
    if (call.replied) {
        status = call.status;
        if (reply) {
            *reply = call.body;
        } else {
            free(call.body);
        }
    } else {
        ah_log(ah, SL_APP_LOG_WARN, "app-harness: app did not answer %s %s",
               ah_method_name(method), path.s);
        status = 500;
        ah_reply_error(reply, "app did not answer", path.s);
    }
    for (size_t i = 0; i < best->pat.n_segs; i++) {
        free(owned[i]);
    }
    free(owned);
    free(names);
    free(values);
    ah_str_free(&path);

out:
    for (size_t i = 0; i < n_segs; i++) {
        free(segs[i]);
    }
    free(segs);
    return status;
}

void
ah_rest_expect_400(struct ah *ah, unsigned method, const char *subpath,
                   const char *body, const char *detail)
{
    char *reply = NULL;

    ck_assert_int_eq(ah_rest(ah, method, subpath, body, &reply), 400);
    ck_assert_msg(reply && strstr(reply, detail) != NULL,
                  "%s: reply %s lacks '%s'", body, reply ? reply : "(none)",
                  detail);
    free(reply);
}

/* ---- metrics ---- */

/* Prometheus's spelling of a float, as the host writes it. */
static void
ah_format_double(char *buf, size_t size, double v)
{
    if (isnan(v)) {
        snprintf(buf, size, "NaN");
    } else if (isinf(v)) {
        snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
    } else {
        snprintf(buf, size, "%.15g", v);
        if (strtod(buf, NULL) != v) {
            snprintf(buf, size, "%.17g", v);
        }
    }
}

static void
ah_escape(struct ah_str *s, const char *text, bool quote)
{
    for (; text && *text; text++) {
        if (*text == '\\') {
            ah_str_add(s, "\\\\", 2);
        } else if (*text == '\n') {
            ah_str_add(s, "\\n", 2);
        } else if (quote && *text == '"') {
            ah_str_add(s, "\\\"", 2);
        } else {
            ah_str_add(s, text, 1);
        }
    }
}

char *
ah_metrics(struct ah *ah)
{
    struct sl_metrics m = {.ah = ah};

    if (!ah->metrics_cb) {
        return ah_xstrdup("");
    }
    ah->metrics_cb(&ah->ctx, &m, ah->metrics_aux);
    return ah_str_steal(&m.out);
}

double
ah_metric(struct ah *ah, const char *name, const char *labels)
{
    char *text = ah_metrics(ah);
    struct ah_str full = {0};
    double value = NAN;

    ck_assert_ptr_nonnull(name);
    ck_assert_ptr_nonnull(labels);
    for (int pass = 0; pass < 2 && isnan(value); pass++) {
        const char *want;
        size_t name_len, labels_len = strlen(labels);

        if (pass == 0) {
            want = name;
        } else {
            ah_str_printf(&full, "sluice_%s_%s", ah->name, name);
            for (char *c = full.s; *c; c++) {
                *c = *c == '-' ? '_' : *c;
            }
            want = full.s;
        }
        name_len = strlen(want);
        for (const char *line = text; *line;) {
            const char *eol = strchr(line, '\n');
            const char *p = line;
            size_t n = eol ? (size_t) (eol - line) : strlen(line);

            if (n > name_len && line[0] != '#' &&
                !strncmp(p, want, name_len)) {
                p += name_len;
                if (!labels_len && *p == ' ') {
                    value = strtod(p + 1, NULL);
                } else if (labels_len && *p == '{' &&
                           !strncmp(p + 1, labels, labels_len) &&
                           !strncmp(p + 1 + labels_len, "} ", 2)) {
                    value = strtod(p + 3 + labels_len, NULL);
                }
                if (!isnan(value)) {
                    break;
                }
            }
            line += n + (eol ? 1 : 0);
        }
    }
    ah_str_free(&full);
    free(text);
    return value;
}

/* ---- host functions ---- */

static struct ah *
ah_of(struct sl_ctx *ctx)
{
    ck_assert_msg(ctx != NULL, "app-harness: host function called with a "
                               "NULL ctx");
    return ctx->ah;
}

static void host_log(struct sl_ctx *, enum sl_app_log_level, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
host_log(struct sl_ctx *ctx, enum sl_app_log_level level, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    ah_logv(ah_of(ctx), level, fmt, args);
    va_end(args);
}

static bool
host_log_enabled(struct sl_ctx *ctx, enum sl_app_log_level level)
{
    (void) ah_of(ctx);
    (void) level;
    return true;
}

static bool
ah_setup_phase(const struct ah *ah)
{
    return ah->state == AH_INITING || ah->state == AH_STARTING;
}

static int
host_subscribe(struct sl_ctx *ctx, enum sl_event_type type, int priority,
               sl_event_handler *handler, void *aux)
{
    struct ah *ah = ah_of(ctx);
    struct ah_sub *s;

    if ((unsigned) type >= SL_EV_N_TYPES || !handler) {
        return EINVAL;
    }
    if (!ah_setup_phase(ah)) {
        ah_log(ah, SL_APP_LOG_WARN,
               "app-harness: subscribe outside init and start refused");
        return EINVAL;
    }
    s = ah_push(&ah->subs, &ah->n_subs, sizeof *ah->subs);
    s->type = type;
    s->priority = priority;
    s->seq = ah->n_subs;
    s->handler = handler;
    s->aux = aux;
    return 0;
}

static int
host_flow_add(struct sl_ctx *ctx, uint64_t dpid,
              const struct sl_flow_spec *spec, sl_flow_done_cb *done,
              void *aux)
{
    struct ah *ah = ah_of(ctx);
    uint8_t *key;
    size_t len, i;
    struct ah_flow *f;

    ah->counts.flow_adds++;
    if (!spec || ah_spec_check(ah, spec)) {
        return EINVAL;
    }
    len = ah_flow_key(spec->table_id, spec->priority, &spec->match, &key);
    i = ah_flow_index(ah, dpid, key, len);
    if (i != SIZE_MAX && ah_flow_same(ah->flows[i], spec)) {
        /* Nothing to send: 'done' waits for what the flow waits for. */
        ah_owe(ah, dpid, key, len, done, aux);
        free(key);
        return 0;
    }
    ah_supersede(ah, dpid, key, len);
    f = ah_xzalloc(sizeof *f);
    f->dpid = dpid;
    f->key = key;
    f->key_len = len;
    ah_flow_fill(f, spec);
    if (i != SIZE_MAX) {
        f->seq = ah->flows[i]->seq;
        ah_flow_free(ah->flows[i]);
        ah->flows[i] = f;
    } else {
        f->seq = ah->flow_seq++;
        *(struct ah_flow **) ah_push(&ah->flows, &ah->n_flows,
                                     sizeof *ah->flows) = f;
    }
    ah_owe(ah, dpid, key, len, done, aux);
    return 0;
}

static int
host_flow_del(struct sl_ctx *ctx, uint64_t dpid, uint8_t table_id,
              uint16_t priority, const struct ofp_match *match,
              sl_flow_done_cb *done, void *aux)
{
    struct ah *ah = ah_of(ctx);
    uint8_t *key;
    size_t len, i;

    ah->counts.flow_dels++;
    if (!match || ah_match_check(ah, match)) {
        return EINVAL;
    }
    len = ah_flow_key(table_id, priority, match, &key);
    i = ah_flow_index(ah, dpid, key, len);
    if (i == SIZE_MAX) {
        free(key);
        return ENOENT;
    }
    ah_supersede(ah, dpid, key, len);
    ah_flow_remove_at(ah, i);
    ah_owe(ah, dpid, key, len, done, aux);
    free(key);
    return 0;
}

static size_t
host_flow_del_all(struct sl_ctx *ctx, uint64_t dpid)
{
    struct ah *ah = ah_of(ctx);
    size_t n = 0;

    ah->counts.flow_del_alls++;
    for (size_t i = ah->n_flows; i-- > 0;) {
        struct ah_flow *f = ah->flows[i];
        if (!dpid || f->dpid == dpid) {
            ah_supersede(ah, f->dpid, f->key, f->key_len);
            ah_flow_remove_at(ah, i);
            n++;
        }
    }
    return n;
}

/* Checks that 'msg' encodes.  Returns 0 or EINVAL. */
static int
ah_msg_encodes(struct ah *ah, const struct ofp_msg *msg)
{
    struct ofp_wbuf w;
    enum ofperr e;

    ofp_wbuf_init(&w);
    e = ofp_msg_encode(&w, msg);
    ofp_wbuf_uninit(&w);
    if (e) {
        ah_log(ah, SL_APP_LOG_WARN, "app-harness: %s does not encode: %s",
               ofp_type_name(msg->type) ? ofp_type_name(msg->type) : "?",
               ofperr_name(e));
        return EINVAL;
    }
    return 0;
}

static int
host_packet_out(struct sl_ctx *ctx, uint64_t dpid,
                const struct ofp_packet_out *po)
{
    struct ah *ah = ah_of(ctx);
    struct ah_packet_out *r;
    struct ofp_msg msg;

    ah->counts.packet_outs++;
    if (!po || ah_actions_check(ah, &po->actions) || (po->len && !po->data)) {
        return EINVAL;
    }
    ofp_msg_init(&msg, OFPT_PACKET_OUT, 0);
    msg.packet_out = *po;
    if (ah_msg_encodes(ah, &msg)) {
        return EINVAL;
    }
    if (!ah_switch_find(ah, dpid)) {
        return ENOENT;
    }
    r = ah_push(&ah->pos, &ah->n_pos, sizeof *ah->pos);
    r->dpid = dpid;
    r->in_port = po->in_port;
    r->buffer_id = po->buffer_id;
    r->n_actions = po->actions.n;
    r->actions =
        ah_xmemdup(po->actions.actions, po->actions.n * sizeof *r->actions);
    r->len = po->len;
    r->data = ah_xmemdup(po->data, po->len);
    return 0;
}

static int
host_send(struct sl_ctx *ctx, uint64_t dpid, const struct ofp_msg *msg,
          uint32_t *xid)
{
    struct ah *ah = ah_of(ctx);
    struct ah_sent *s;

    ah->counts.sends++;
    if (!msg || msg->type == OFPT_FLOW_MOD || ah_msg_encodes(ah, msg)) {
        return EINVAL;
    }
    if (!ah_switch_find(ah, dpid)) {
        return ENOENT;
    }
    s = ah_push(&ah->sent, &ah->n_sent, sizeof *ah->sent);
    s->dpid = dpid;
    s->xid = ah->next_xid++;
    s->type = (enum ofp_type) msg->type;
    if (msg->type == OFPT_MULTIPART_REQUEST) {
        s->mp_type = msg->mp_request.type;
        if (msg->mp_request.type == OFPMP_FLOW ||
            msg->mp_request.type == OFPMP_AGGREGATE) {
            s->table_id = msg->mp_request.flow.table_id;
        }
    }
    if (xid) {
        *xid = s->xid;
    }
    return 0;
}

static const struct sl_switch *
host_switch_get(struct sl_ctx *ctx, uint64_t dpid)
{
    const struct ah_switch *s = ah_switch_find(ah_of(ctx), dpid);

    return s ? &s->sw : NULL;
}

static size_t
host_switch_list(struct sl_ctx *ctx, uint64_t *dpids, size_t max)
{
    struct ah *ah = ah_of(ctx);

    for (size_t i = 0; dpids && i < ah->n_switches && i < max; i++) {
        dpids[i] = ah->switches[i]->dpid;
    }
    return ah->n_switches;
}

static const struct ofp_port *
host_port_get(struct sl_ctx *ctx, uint64_t dpid, uint32_t port_no)
{
    return ah_port_find(ah_switch_find(ah_of(ctx), dpid), port_no);
}

static int
host_table_id(struct sl_ctx *ctx, const char *name)
{
    (void) ah_of(ctx);
    for (int i = 0; name && i < AH_N_TABLES; i++) {
        if (!strcmp(name, ah_tables[i])) {
            return i;
        }
    }
    return -1;
}

static struct sl_timer *
host_timer_add(struct sl_ctx *ctx, double seconds, bool repeat,
               sl_timer_cb *cb, void *aux)
{
    struct ah *ah = ah_of(ctx);
    struct sl_timer *t;

    if (!cb || !isfinite(seconds) || seconds <= 0 || seconds > AH_TIMER_MAX ||
        ah->state == AH_STOPPED) {
        return NULL;
    }
    t = ah_xzalloc(sizeof *t);
    t->ah = ah;
    t->deadline = ah->now + seconds;
    t->interval = seconds;
    t->repeat = repeat;
    t->live = true;
    t->seq = ah->timer_seq++;
    t->cb = cb;
    t->aux = aux;
    *(struct sl_timer **) ah_push(&ah->timers, &ah->n_timers,
                                  sizeof *ah->timers) = t;
    return t;
}

static void
host_timer_cancel(struct sl_ctx *ctx, struct sl_timer *t)
{
    struct ah *ah = ah_of(ctx);
    bool known = false;

    if (!t) {
        return;
    }
    for (size_t i = 0; i < ah->n_timers && !known; i++) {
        known = ah->timers[i] == t;
    }
    ck_assert_msg(known, "app-harness: timer_cancel of a timer this app "
                         "never had");
    /* The real host frees a one-shot timer when its callback returns and
     * a cancelled one at once (or when its callback returns): a cancel
     * after that is a use after free. */
    ck_assert_msg(t->live || t->running,
                  "app-harness: timer_cancel of a timer already freed "
                  "(a fired one-shot, or cancelled before)");
    t->live = false;
}

static const char *
host_name(struct sl_ctx *ctx)
{
    return ah_of(ctx)->name;
}

static void *
host_get_data(struct sl_ctx *ctx)
{
    return ah_of(ctx)->data;
}

static void
host_set_data(struct sl_ctx *ctx, void *data)
{
    ah_of(ctx)->data = data;
}

static int
host_rest_route(struct sl_ctx *ctx, unsigned methods, const char *pattern,
                sl_rest_handler *handler, void *aux)
{
    static const unsigned all =
        SL_REST_GET | SL_REST_POST | SL_REST_PUT | SL_REST_DELETE;
    struct ah *ah = ah_of(ctx);
    struct ah_route r = {0};

    if (!ah_setup_phase(ah) || !handler || !pattern || !methods ||
        (methods & ~all)) {
        return EINVAL;
    }
    int error = ah_route_parse(&r, pattern);
    if (error) {
        ah_route_free(&r);
        return error;
    }
    for (size_t i = 0; i < ah->n_routes; i++) {
        if ((ah->routes[i].methods & methods) &&
            rest_pattern_same_shape(&ah->routes[i].pat, &r.pat)) {
            ah_route_free(&r);
            return EEXIST;
        }
    }
    r.methods = methods;
    r.pattern = ah_xstrdup(pattern);
    r.handler = handler;
    r.aux = aux;
    *(struct ah_route *) ah_push(&ah->routes, &ah->n_routes, sizeof r) = r;
    return 0;
}

static void
host_rest_reply(struct sl_ctx *ctx, const struct sl_rest_request *req,
                int status, const char *content_type, const char *body,
                size_t len)
{
    struct ah *ah = ah_of(ctx);
    struct ah_rest_call *call = req ? req->host_data : NULL;

    (void) content_type;
    ck_assert_msg(call != NULL && call == ah->rest_call,
                  "app-harness: rest_reply outside its handler");
    ck_assert_msg(!call->replied,
                  "app-harness: the app answered a REST request twice");
    ck_assert_msg(status >= 100 && status <= 599,
                  "app-harness: REST status %d", status);
    call->replied = true;
    call->status = status;
    call->body = ah_xzalloc((body ? len : 0) + 1);
    if (body && len) {
        memcpy(call->body, body, len);
    }
}

static size_t
host_topo_links(struct sl_ctx *ctx, uint64_t dpid, struct sl_link *links,
                size_t max)
{
    struct ah *ah = ah_of(ctx);
    struct sl_link *all = ah_xzalloc((2 * ah->n_cables + 1) * sizeof *all);
    size_t n = 0, out = 0;

    for (size_t i = 0; i < ah->n_cables; i++) {
        const struct ah_cable *c = &ah->cables[i];

        if (!ah_cable_live(ah, c)) {
            continue;
        }
        all[n++] = (struct sl_link){c->a,  c->pa,           c->b,
                                    c->pb, AH_LINK_LATENCY, AH_WALL_START};
        all[n++] = (struct sl_link){c->b,  c->pb,           c->a,
                                    c->pa, AH_LINK_LATENCY, AH_WALL_START};
    }
    /* Sorted by (src_dpid, src_port): an insertion sort of a few. */
    for (size_t i = 1; i < n; i++) {
        struct sl_link l = all[i];
        size_t j = i;
        while (j > 0 && (all[j - 1].src_dpid > l.src_dpid ||
                         (all[j - 1].src_dpid == l.src_dpid &&
                          all[j - 1].src_port > l.src_port))) {
            all[j] = all[j - 1];
            j--;
        }
        all[j] = l;
    }
    for (size_t i = 0; i < n; i++) {
        if (!dpid || all[i].src_dpid == dpid) {
            if (links && out < max) {
                links[out] = all[i];
            }
            out++;
        }
    }
    free(all);
    return out;
}

static enum sl_port_role
host_topo_port_role(struct sl_ctx *ctx, uint64_t dpid, uint32_t port_no)
{
    return ah_role(ah_of(ctx), dpid, port_no);
}

static size_t
host_topo_flood_ports(struct sl_ctx *ctx, uint64_t dpid, uint32_t *ports,
                      size_t max)
{
    struct ah *ah = ah_of(ctx);
    const struct ah_switch *s = ah_switch_find(ah, dpid);
    size_t n = 0;

    for (size_t i = 0; s && i < s->n_ports; i++) {
        enum sl_port_role r = ah_role(ah, dpid, s->ports[i].port_no);
        if (r != SL_PORT_NONE && r != SL_PORT_BLOCKED) {
            if (ports && n < max) {
                ports[n] = s->ports[i].port_no;
            }
            n++;
        }
    }
    return n;
}

static bool
host_topo_flood_all(struct sl_ctx *ctx, uint64_t dpid)
{
    struct ah *ah = ah_of(ctx);
    const struct ah_switch *s = ah_switch_find(ah, dpid);

    if (!s) {
        return false;
    }
    for (size_t i = 0; i < s->n_ports; i++) {
        if (ah_role(ah, dpid, s->ports[i].port_no) == SL_PORT_BLOCKED) {
            return false;
        }
    }
    return true;
}

static uint32_t
host_topo_next_hop(struct sl_ctx *ctx, uint64_t from, uint64_t to)
{
    struct ah *ah = ah_of(ctx);
    size_t t = ah_switch_index(ah, to);
    struct ah_nbr hop;
    size_t *dist;
    uint32_t port = 0;

    if (from == to || t == SIZE_MAX || !ah_switch_find(ah, from)) {
        return 0;
    }
    dist = ah_distances(ah, t);
    if (ah_next(ah, dist, from, &hop)) {
        port = hop.port;
    }
    free(dist);
    return port;
}

static size_t
host_topo_path(struct sl_ctx *ctx, uint64_t src, uint64_t dst,
               enum sl_path_metric metric, struct sl_path_hop *hops,
               size_t max)
{
    struct ah *ah = ah_of(ctx);
    size_t t = ah_switch_index(ah, dst);
    size_t *dist;
    size_t n = 0;
    uint64_t at = src;
    uint32_t in_port = 0;

    /* Every link is 1 ms: by latency, the fewest hops are the least
     * latency, with the same tie-break. */
    (void) metric;
    if (t == SIZE_MAX || !ah_switch_find(ah, src)) {
        return 0;
    }
    dist = ah_distances(ah, t);
    if (dist[ah_switch_index(ah, src)] == SIZE_MAX) {
        free(dist);
        return 0;
    }
    while (true) {
        struct ah_nbr hop;
        bool more = ah_next(ah, dist, at, &hop);

        if (hops && n < max) {
            hops[n].dpid = at;
            hops[n].in_port = in_port;
            hops[n].out_port = more ? hop.port : 0;
        }
        n++;
        if (!more) {
            break;
        }
        at = hop.nbr;
        in_port = hop.nbr_port;
    }
    free(dist);
    return n;
}

static const struct sl_topo_host *
host_topo_host_find(struct sl_ctx *ctx, const uint8_t mac[6], uint16_t vlan)
{
    return mac ? ah_host_lookup(ah_of(ctx), mac, vlan) : NULL;
}

static int
ah_host_cmp(const void *a_, const void *b_)
{
    const struct sl_topo_host *a = *(const struct sl_topo_host *const *) a_;
    const struct sl_topo_host *b = *(const struct sl_topo_host *const *) b_;
    int c;

    if (a->dpid != b->dpid) {
        return a->dpid < b->dpid ? -1 : 1;
    }
    if (a->port_no != b->port_no) {
        return a->port_no < b->port_no ? -1 : 1;
    }
    c = memcmp(a->mac, b->mac, 6);
    if (c) {
        return c;
    }
    return a->vlan < b->vlan ? -1 : a->vlan > b->vlan;
}

static size_t
host_topo_hosts(struct sl_ctx *ctx, uint64_t dpid,
                const struct sl_topo_host **hosts, size_t max)
{
    struct ah *ah = ah_of(ctx);
    const struct sl_topo_host **v = ah_xzalloc((ah->n_hosts + 1) * sizeof *v);
    size_t n = 0;

    for (size_t i = 0; i < ah->n_hosts; i++) {
        if (!dpid || ah->hosts[i]->dpid == dpid) {
            v[n++] = ah->hosts[i];
        }
    }
    qsort(v, n, sizeof *v, ah_host_cmp);
    for (size_t i = 0; hosts && i < n && i < max; i++) {
        hosts[i] = v[i];
    }
    free(v);
    return n;
}

static uint64_t
host_topo_version(struct sl_ctx *ctx)
{
    return ah_of(ctx)->version;
}

static double
host_now(struct sl_ctx *ctx)
{
    return ah_of(ctx)->now;
}

static int
host_metrics_register(struct sl_ctx *ctx, sl_metrics_cb *cb, void *aux)
{
    struct ah *ah = ah_of(ctx);

    if (!cb || !ah_setup_phase(ah)) {
        return EINVAL;
    }
    if (ah->metrics_registered) {
        return EEXIST;
    }
    ah->metrics_registered = true;
    ah->metrics_cb = cb;
    ah->metrics_aux = aux;
    return 0;
}

static void
host_metric_family(struct sl_metrics *m, const char *name, const char *type,
                   const char *help)
{
    struct ah *ah;

    ck_assert_msg(m != NULL && m->ah != NULL,
                  "app-harness: metric_family outside a collector");
    ah = m->ah;
    m->have_family = true;
    m->family_ok = false;
    if (!ah_name_ok(name)) {
        ah_log_once(ah,
                    "app-harness: metric family name '%s' is invalid: "
                    "its samples are dropped",
                    name ? name : "(null)");
        return;
    }
    if (!type || (strcmp(type, "counter") && strcmp(type, "gauge"))) {
        ah_log_once(ah,
                    "app-harness: metric family '%s' has type '%s' (not "
                    "counter or gauge): its samples are dropped",
                    name, type ? type : "(null)");
        return;
    }
    int n =
        snprintf(m->family, sizeof m->family, "sluice_%s_%s", ah->name, name);
    if (n < 0 || (size_t) n >= sizeof m->family) {
        ah_log_once(ah,
                    "app-harness: metric family '%s' is too long: its "
                    "samples are dropped",
                    name);
        return;
    }
    for (char *c = m->family; *c; c++) {
        *c = *c == '-' ? '_' : *c;
    }
    m->family_ok = true;
    ah_str_printf(&m->out, "# HELP %s ", m->family);
    ah_escape(&m->out, help ? help : "", false);
    ah_str_printf(&m->out, "\n# TYPE %s %s\n", m->family, type);
}

static void
host_metric_sample(struct sl_metrics *m, const char *const *labels,
                   double value)
{
    struct ah *ah;
    char num[40];

    ck_assert_msg(m != NULL && m->ah != NULL,
                  "app-harness: metric_sample outside a collector");
    ah = m->ah;
    if (!m->have_family) {
        ah_log_once(ah, "app-harness: metric sample before any family: "
                        "dropped");
        return;
    }
    if (!m->family_ok) {
        return;
    }
    for (size_t i = 0; labels && labels[i]; i += 2) {
        if (!ah_name_ok(labels[i])) {
            ah_log_once(ah,
                        "app-harness: metric %s: label name '%s' is "
                        "invalid: sample dropped",
                        m->family, labels[i]);
            return;
        }
    }
    ah_str_add(&m->out, m->family, strlen(m->family));
    for (size_t i = 0; labels && labels[i]; i += 2) {
        ah_str_printf(&m->out, "%s%s=\"", i ? "," : "{", labels[i]);
        ah_escape(&m->out, labels[i + 1] ? labels[i + 1] : "", true);
        ah_str_add(&m->out, "\"", 1);
    }
    ah_str_add(&m->out, labels && labels[0] ? "} " : " ",
               labels && labels[0] ? 2 : 1);
    ah_format_double(num, sizeof num, value);
    ah_str_printf(&m->out, "%s\n", num);
}

static const struct sl_host ah_host = {
    .abi_major = SL_APP_ABI_MAJOR,
    .abi_minor = SL_APP_ABI_MINOR,
    .size = sizeof(struct sl_host),
    .log = host_log,
    .log_enabled = host_log_enabled,
    .subscribe = host_subscribe,
    .flow_add = host_flow_add,
    .flow_del = host_flow_del,
    .flow_del_all = host_flow_del_all,
    .packet_out = host_packet_out,
    .send = host_send,
    .switch_get = host_switch_get,
    .switch_list = host_switch_list,
    .port_get = host_port_get,
    .table_id = host_table_id,
    .timer_add = host_timer_add,
    .timer_cancel = host_timer_cancel,
    .name = host_name,
    .get_data = host_get_data,
    .set_data = host_set_data,
    .rest_route = host_rest_route,
    .rest_reply = host_rest_reply,
    .topo_links = host_topo_links,
    .topo_port_role = host_topo_port_role,
    .topo_flood_ports = host_topo_flood_ports,
    .topo_flood_all = host_topo_flood_all,
    .topo_next_hop = host_topo_next_hop,
    .topo_path = host_topo_path,
    .topo_host_find = host_topo_host_find,
    .topo_hosts = host_topo_hosts,
    .topo_version = host_topo_version,
    .now = host_now,
    .metrics_register = host_metrics_register,
    .metric_family = host_metric_family,
    .metric_sample = host_metric_sample,
};

/* ---- loading, lifecycle ---- */

#define AH_DEF_ALIGN _Alignof(struct sl_app_def)
/* The smallest descriptor of every ABI minor so far: up to 'flags'. */
#define AH_DEF_MIN_SIZE                                                       \
    ((offsetof(struct sl_app_def, flags) + sizeof(uint32_t) + AH_DEF_ALIGN -  \
      1) /                                                                    \
     AH_DEF_ALIGN * AH_DEF_ALIGN)

/* Parses 'yaml' into 'doc' and points 'cfg' at its root (NULL 'yaml': no
 * section).  Returns true if 'doc' must be deleted. */
static bool
ah_yaml_load(const char *yaml, yaml_document_t *doc, struct sl_app_config *cfg)
{
    yaml_parser_t parser;
    bool ok;

    cfg->doc = NULL;
    cfg->node = NULL;
    if (!yaml) {
        return false;
    }
    ck_assert(yaml_parser_initialize(&parser));
    yaml_parser_set_input_string(&parser, (const unsigned char *) yaml,
                                 strlen(yaml));
    ok = yaml_parser_load(&parser, doc);
    ck_assert_msg(ok, "app-harness: bad YAML '%s': %s", yaml,
                  parser.problem ? parser.problem : "?");
    yaml_parser_delete(&parser);
    cfg->doc = doc;
    cfg->node = yaml_document_get_root_node(doc);
    return true;
}

/* Frees what the harness holds but the app: everything but the handle. */
static void
ah_destroy(struct ah *ah)
{
    for (size_t i = 0; i < ah->n_switches; i++) {
        free(ah->switches[i]->ports);
        free(ah->switches[i]);
    }
    free(ah->switches);
    for (size_t i = 0; i < ah->n_gone_switches; i++) {
        free(ah->gone_switches[i]->ports);
        free(ah->gone_switches[i]);
    }
    free(ah->gone_switches);
    free(ah->cables);
    free(ah->gone_cables);
    for (size_t i = 0; i < ah->n_hosts; i++) {
        free(ah->hosts[i]);
    }
    free(ah->hosts);
    for (size_t i = 0; i < ah->n_flows; i++) {
        ah_flow_free(ah->flows[i]);
    }
    free(ah->flows);
    for (size_t i = 0; i < ah->n_pending; i++) {
        free(ah->pending[i].key);
    }
    free(ah->pending);
    ah_clear_packet_outs(ah);
    free(ah->sent);
    for (size_t i = 0; i < ah->n_timers; i++) {
        free(ah->timers[i]);
    }
    free(ah->timers);
    for (size_t i = 0; i < ah->n_routes; i++) {
        ah_route_free(&ah->routes[i]);
    }
    free(ah->routes);
    for (size_t i = 0; i < ah->n_once; i++) {
        free(ah->once[i]);
    }
    free(ah->once);
    free(ah->subs);
    ah_str_free(&ah->log);
    free(ah->name);
    free(ah);
}

static void ah_keep_log(const struct ah *);

/* Stops the app if it runs, completes what it is owed, calls its fini,
 * unloads it and frees 'ah'; with 'keep_log', keeps its log for
 * ah_last_log() first. */
static void
ah_unload(struct ah *ah, bool keep_log)
{
    if (ah->state == AH_RUNNING) {
        ah->state = AH_STOPPED;
        if (ah->def.stop) {
            ah->def.stop(&ah->ctx);
        }
    }
    ah->state = AH_STOPPED;
    ah_timers_cancel(ah);
    /* Completions can come after stop, all before fini. */
    ah_complete(ah, 0, NULL, 0, SL_FLOW_ABORTED);
    if (ah->def.fini) {
        ah->def.fini(&ah->ctx);
    }
    if (keep_log) {
        ah_keep_log(ah);
    }
    dlclose(ah->handle);
    ah_destroy(ah);
}

/* Keeps the log of a failed start for ah_last_log(). */
static void
ah_keep_log(const struct ah *ah)
{
    snprintf(ah_last_log_buf, sizeof ah_last_log_buf, "%s",
             ah_str_get(&ah->log));
}

struct ah *
ah_new(const char *name, const char *yaml, int *error)
{
    const char *top = getenv("top_builddir");
    struct ah_str path = {0};
    struct sl_app_config cfg;
    yaml_document_t doc;
    struct sl_app_def hdr;
    const uint8_t *sym;
    struct ah *ah;
    bool loaded;
    int ret;

    ah_last_log_buf[0] = '\0';
    if (error) {
        *error = 0;
    }
    ck_assert_msg(name && *name, "app-harness: no app name");
    top = top && *top ? top : ".";

    ah = ah_xzalloc(sizeof *ah);
    ah->ctx.ah = ah;
    ah->now = AH_CLOCK_START;
    ah->version = 1;
    ah->next_xid = 0x1000;
    if (strchr(name, '/')) {
        const char *base = strrchr(name, '/') + 1;
        size_t n = strlen(base);

        ah_str_printf(&path, "%s%s%s", name[0] == '/' ? "" : top,
                      name[0] == '/' ? "" : "/", name);
        if (n > 3 && !strcmp(base + n - 3, ".so")) {
            n -= 3;
        }
        ah->name = ah_xzalloc(n + 1);
        memcpy(ah->name, base, n);
    } else {
        ah_str_printf(&path, "%s/apps/.libs/%s.so", top, name);
        ah->name = ah_xstrdup(name);
    }

    dlerror();
    ah->handle = dlopen(path.s, RTLD_NOW | RTLD_LOCAL);
    ck_assert_msg(ah->handle != NULL,
                  "app-harness: cannot load %s: %s (built? top_builddir=%s)",
                  path.s, dlerror(), top);
    sym = dlsym(ah->handle, "sluice_app");
    ck_assert_msg(sym != NULL, "app-harness: %s has no 'sluice_app'", path.s);
    memcpy(&hdr, sym, offsetof(struct sl_app_def, name));
    ck_assert_msg(hdr.abi_major == SL_APP_ABI_MAJOR &&
                      hdr.abi_minor <= SL_APP_ABI_MINOR,
                  "app-harness: %s: ABI %u.%u, the harness speaks %u.%u",
                  path.s, (unsigned) hdr.abi_major, (unsigned) hdr.abi_minor,
                  SL_APP_ABI_MAJOR, SL_APP_ABI_MINOR);
    ck_assert_msg(hdr.size >= AH_DEF_MIN_SIZE,
                  "app-harness: %s: descriptor of %u bytes", path.s,
                  (unsigned) hdr.size);
    memcpy(&ah->def, sym,
           hdr.size < sizeof ah->def ? hdr.size : sizeof ah->def);
    ck_assert_msg(ah->def.init != NULL, "app-harness: %s: no init", path.s);
    ah_str_free(&path);

    ah->state = AH_INITING;
    loaded = ah_yaml_load(yaml, &doc, &cfg);
    ret = ah->def.init(&ah->ctx, &ah_host, &cfg);
    if (loaded) {
        yaml_document_delete(&doc);
    }
    if (ret) {
        ah->state = AH_STOPPED;
        ah_unload(ah, true);
        if (error) {
            *error = ret;
        }
        return NULL;
    }

    ah->state = AH_STARTING;
    ret = ah->def.start ? ah->def.start(&ah->ctx) : 0;
    if (ret) {
        /* sluice/app.h: after a failed start, stop, then fini. */
        ah->state = AH_RUNNING;
        ah_unload(ah, true);
        if (error) {
            *error = ret;
        }
        return NULL;
    }
    ah->state = AH_RUNNING;
    return ah;
}

void
ah_free(struct ah *ah)
{
    if (ah) {
        ah_unload(ah, false);
    }
}

int
ah_reconfigure(struct ah *ah, const char *yaml)
{
    struct sl_app_config cfg;
    yaml_document_t doc;
    bool loaded;
    int ret;

    if (!ah->def.reconfigure) {
        return ENOTSUP;
    }
    loaded = ah_yaml_load(yaml, &doc, &cfg);
    ret = ah->def.reconfigure(&ah->ctx, &cfg);
    if (loaded) {
        yaml_document_delete(&doc);
    }
    return ret;
}

/* ---- events ---- */

static int
ah_sub_order(const void *a_, const void *b_)
{
    const struct ah_sub *a = *(const struct ah_sub *const *) a_;
    const struct ah_sub *b = *(const struct ah_sub *const *) b_;

    if (a->priority != b->priority) {
        return a->priority > b->priority ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Calls the handlers of 'ev' from the highest priority down, until one
 * says SL_STOP.  Returns the verdict of the last one run. */
static enum sl_verdict
ah_dispatch(struct ah *ah, const struct sl_event *ev)
{
    const struct ah_sub **v;
    enum sl_verdict verdict = SL_CONTINUE;
    size_t n = 0;

    ck_assert_msg(ah->state == AH_RUNNING,
                  "app-harness: an event for an app that is not running");
    v = ah_xzalloc((ah->n_subs + 1) * sizeof *v);
    for (size_t i = 0; i < ah->n_subs; i++) {
        if (ah->subs[i].type == ev->type) {
            v[n++] = &ah->subs[i];
        }
    }
    qsort(v, n, sizeof *v, ah_sub_order);
    for (size_t i = 0; i < n; i++) {
        verdict = v[i]->handler(&ah->ctx, ev, v[i]->aux);
        if (verdict == SL_STOP) {
            break;
        }
    }
    free(v);
    return verdict;
}

void
ah_emit_switch_up(struct ah *ah, uint64_t dpid)
{
    struct sl_event ev = {.type = SL_EV_SWITCH_UP, .dpid = dpid};

    ev.sw = &ah_switch_must(ah, dpid)->sw;
    ah_dispatch(ah, &ev);
}

void
ah_emit_switch_down(struct ah *ah, uint64_t dpid)
{
    struct sl_event ev = {.type = SL_EV_SWITCH_DOWN, .dpid = dpid};
    const struct ah_switch *s = ah_switch_find(ah, dpid);

    for (size_t i = ah->n_gone_switches; !s && i-- > 0;) {
        if (ah->gone_switches[i]->dpid == dpid) {
            s = ah->gone_switches[i];
        }
    }
    ck_assert_msg(s != NULL, "app-harness: no switch %#" PRIx64, dpid);
    ev.sw = &s->sw;
    ah_dispatch(ah, &ev);
}

static void
ah_emit_port(struct ah *ah, enum sl_event_type type, uint64_t dpid,
             uint32_t port)
{
    struct sl_event ev = {.type = type, .dpid = dpid};
    const struct ah_switch *s = ah_switch_must(ah, dpid);

    ev.sw = &s->sw;
    ev.port.port = ah_port_find(s, port);
    ck_assert_msg(ev.port.port != NULL,
                  "app-harness: no port %" PRIu32 " on %#" PRIx64, port, dpid);
    ah_dispatch(ah, &ev);
}

void
ah_emit_port_up(struct ah *ah, uint64_t dpid, uint32_t port)
{
    ah_emit_port(ah, SL_EV_PORT_UP, dpid, port);
}

void
ah_emit_port_down(struct ah *ah, uint64_t dpid, uint32_t port)
{
    ah_emit_port(ah, SL_EV_PORT_DOWN, dpid, port);
}

/* LINK_UP or LINK_DOWN for both directions of 'c', from a:pa first. */
static void
ah_emit_links(struct ah *ah, enum sl_event_type type, const struct ah_cable *c,
              uint64_t a, uint32_t pa, const char *reason)
{
    bool fwd = c->a == a && c->pa == pa;
    struct sl_link links[2] = {
        {c->a, c->pa, c->b, c->pb, AH_LINK_LATENCY, AH_WALL_START},
        {c->b, c->pb, c->a, c->pa, AH_LINK_LATENCY, AH_WALL_START},
    };

    for (int i = 0; i < 2; i++) {
        const struct sl_link *l = &links[fwd ? i : 1 - i];
        const struct ah_switch *s = ah_switch_find(ah, l->src_dpid);
        struct sl_event ev = {.type = type, .dpid = l->src_dpid};

        for (size_t j = ah->n_gone_switches; !s && j-- > 0;) {
            if (ah->gone_switches[j]->dpid == l->src_dpid) {
                s = ah->gone_switches[j];
            }
        }
        ev.sw = s ? &s->sw : NULL;
        ev.link.link = l;
        ev.link.reason = reason;
        ah_dispatch(ah, &ev);
    }
}

void
ah_emit_link_up(struct ah *ah, uint64_t a, uint32_t pa)
{
    struct ah_cable c;
    const struct ah_cable *live = ah_cable_at(ah->cables, ah->n_cables, a, pa);

    ck_assert_msg(live != NULL,
                  "app-harness: no cable at %#" PRIx64 ":%" PRIu32, a, pa);
    c = *live;
    ah_emit_links(ah, SL_EV_LINK_UP, &c, a, pa, NULL);
}

void
ah_emit_link_down(struct ah *ah, uint64_t a, uint32_t pa, const char *reason)
{
    const struct ah_cable *found =
        ah_cable_at(ah->cables, ah->n_cables, a, pa);
    struct ah_cable c;

    for (size_t i = ah->n_gone_cables; !found && i-- > 0;) {
        found = ah_cable_at(&ah->gone_cables[i], 1, a, pa);
    }
    ck_assert_msg(found != NULL,
                  "app-harness: no cable at %#" PRIx64 ":%" PRIu32
                  " (now or before)",
                  a, pa);
    c = *found;
    ah_emit_links(ah, SL_EV_LINK_DOWN, &c, a, pa,
                  reason ? reason : "port down");
}

void
ah_emit_tree_changed(struct ah *ah)
{
    struct sl_event ev = {.type = SL_EV_TREE_CHANGED};
    size_t n = 0;

    ah_tree_update(ah);
    for (size_t i = 0; i < ah->n_cables; i++) {
        n += ah->cables[i].tree;
    }
    ev.tree.n_tree_links = n;
    ev.tree.n_switches = ah->n_switches;
    ah_dispatch(ah, &ev);
}

static void
ah_emit_host(struct ah *ah, enum sl_event_type type, const char *mac,
             uint16_t vlan, uint64_t old_dpid, uint32_t old_port)
{
    const struct sl_topo_host *h = ah_host_must(ah, mac, vlan);
    const struct ah_switch *s = ah_switch_find(ah, h->dpid);
    struct sl_event ev = {.type = type, .dpid = h->dpid};

    ev.sw = s ? &s->sw : NULL;
    ev.host.host = h;
    ev.host.old_dpid = old_dpid;
    ev.host.old_port = old_port;
    ah_dispatch(ah, &ev);
}

void
ah_emit_host_add(struct ah *ah, const char *mac, uint16_t vlan)
{
    ah_emit_host(ah, SL_EV_HOST_ADD, mac, vlan, 0, 0);
}

void
ah_emit_host_move(struct ah *ah, const char *mac, uint16_t vlan,
                  uint64_t old_dpid, uint32_t old_port)
{
    ah_emit_host(ah, SL_EV_HOST_MOVE, mac, vlan, old_dpid, old_port);
}

void
ah_emit_host_remove(struct ah *ah, const char *mac, uint16_t vlan)
{
    ah_emit_host(ah, SL_EV_HOST_REMOVE, mac, vlan, 0, 0);
}

enum sl_verdict
ah_emit_packet_in(struct ah *ah, uint64_t dpid, uint32_t in_port,
                  uint8_t table_id, const void *frame, size_t len)
{
    struct sl_event ev = {.type = SL_EV_PACKET_IN, .dpid = dpid};
    struct ofp_oxm in_port_oxm;
    struct ofp_packet pkt;
    struct ofp_msg msg;
    enum sl_verdict v;
    uint8_t *data;

    ck_assert_msg(frame != NULL || !len, "app-harness: NULL frame");
    ck_assert_msg(len <= UINT16_MAX, "app-harness: frame of %zu bytes", len);
    ev.sw = &ah_switch_must(ah, dpid)->sw;

    /* A copy of exactly 'len' bytes: ASan sees a read past the frame. */
    data = ah_xmemdup(frame, len);
    ofp_oxm_init_basic(&in_port_oxm, OFPXMT_OFB_IN_PORT);
    in_port_oxm.value.u32 = in_port;
    ofp_msg_init(&msg, OFPT_PACKET_IN, 0);
    msg.packet_in.buffer_id = OFP_NO_BUFFER;
    msg.packet_in.total_len = (uint16_t) len;
    msg.packet_in.reason = OFPR_NO_MATCH;
    msg.packet_in.table_id = table_id;
    msg.packet_in.cookie = UINT64_MAX;
    msg.packet_in.match.type = OFPMT_OXM;
    msg.packet_in.match.n_oxms = 1;
    msg.packet_in.match.oxms = &in_port_oxm;
    msg.packet_in.len = len;
    msg.packet_in.data = data;
    ev.msg = &msg;

    /* As the host parses for an app that reads only L2. */
    if (ah->def.flags & SL_APP_F_PACKET_L2) {
        ofp_packet_parse_l2(&pkt, data, len);
    } else {
        ofp_packet_parse(&pkt, data, len);
    }
    ev.packet_in.pkt = pkt.layer >= OFP_PACKET_L2 ? &pkt : NULL;
    ev.packet_in.in_port = in_port;
    v = ah_dispatch(ah, &ev);
    free(data);
    return v;
}

void
ah_emit_stats_reply(struct ah *ah, uint64_t dpid, const struct ofp_msg *msg)
{
    struct sl_event ev = {.type = SL_EV_STATS_REPLY, .dpid = dpid};

    ck_assert_msg(msg != NULL && msg->type == OFPT_MULTIPART_REPLY,
                  "app-harness: ah_emit_stats_reply needs a "
                  "MULTIPART_REPLY");
    ev.sw = &ah_switch_must(ah, dpid)->sw;
    ev.msg = msg;
    ah_dispatch(ah, &ev);
}

void
ah_emit_flow_error(struct ah *ah, uint64_t dpid, uint8_t table_id,
                   uint16_t priority, const struct ofp_match *match,
                   enum ofperr code)
{
    struct sl_event ev = {.type = SL_EV_ERROR, .dpid = dpid};
    const struct ah_switch *s = ah_switch_find(ah, dpid);
    struct ah_flow copy = {0};
    struct ofp_msg msg;
    uint8_t *key;
    size_t len, i;

    ck_assert_ptr_nonnull(match);
    ck_assert_msg(code != 0 && ofperr_is_valid(code),
                  "app-harness: ah_emit_flow_error with error %d", (int) code);
    len = ah_flow_key(table_id, priority, match, &key);
    i = ah_flow_index(ah, dpid, key, len);
    ck_assert_msg(i != SIZE_MAX,
                  "app-harness: ah_emit_flow_error: no "
                  "such desired flow on %#" PRIx64,
                  dpid);
    /* The event's flow is a copy: the handler may replace or delete the
     * desired one. */
    ah_flow_fill(&copy, &ah->flows[i]->spec);

    ofp_msg_init(&msg, OFPT_ERROR, 0);
    msg.error.type = ofperr_type(code);
    msg.error.code = ofperr_code(code);
    ev.sw = s ? &s->sw : NULL;
    ev.msg = &msg;
    ev.error.code = code;
    ev.error.flow = &copy.spec;
    ah_dispatch(ah, &ev);
    ofp_arena_uninit(&copy.arena);
    free(copy.bytes);

    /* The change the switch refused completes with the error. */
    ah_complete(ah, dpid, key, len, code);
    free(key);
}

/* ---- packet-outs and messages ---- */

const struct ah_packet_out *
ah_packet_outs(struct ah *ah, size_t *n)
{
    ck_assert_ptr_nonnull(n);
    *n = ah->n_pos;
    return ah->pos;
}

void
ah_clear_packet_outs(struct ah *ah)
{
    for (size_t i = 0; i < ah->n_pos; i++) {
        free(ah->pos[i].actions);
        free(ah->pos[i].data);
    }
    free(ah->pos);
    ah->pos = NULL;
    ah->n_pos = 0;
}

size_t
ah_packet_out_ports(const struct ah_packet_out *po, uint32_t *ports,
                    size_t max)
{
    size_t n = 0;

    ck_assert_ptr_nonnull(po);
    for (size_t i = 0; i < po->n_actions; i++) {
        if (po->actions[i].type == OFPAT_OUTPUT) {
            if (ports && n < max) {
                ports[n] = po->actions[i].output.port;
            }
            n++;
        }
    }
    return n;
}

const struct ah_sent *
ah_sent(struct ah *ah, size_t *n)
{
    ck_assert_ptr_nonnull(n);
    *n = ah->n_sent;
    return ah->sent;
}

void
ah_clear_sent(struct ah *ah)
{
    free(ah->sent);
    ah->sent = NULL;
    ah->n_sent = 0;
}

/* ---- checksums ---- */

static uint64_t
ah_sum(uint64_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t) p[i] << 8 | p[i + 1];
    }
    if (n & 1) {
        sum += (uint32_t) p[n - 1] << 8;
    }
    return sum;
}

static uint16_t
ah_fold(uint64_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* Recomputes the IPv4 header checksum of the frame 'pkt' parsed. */
static void
ah_ipv4_checksum(uint8_t *frame, const struct ofp_packet *pkt)
{
    uint8_t *ip = frame + pkt->l3_ofs;
    size_t hlen = (size_t) pkt->ipv4.ihl * 4;

    ofp_store_be16(ip + 10, 0);
    ofp_store_be16(ip + 10, ah_fold(ah_sum(0, ip, hlen)));
}

/* Recomputes the TCP, UDP (unless 0 over IPv4), ICMP or ICMPv6 checksum
 * of the frame 'pkt' parsed, when the whole L4 packet is there. */
static void
ah_l4_checksum(uint8_t *frame, const struct ofp_packet *pkt)
{
    bool v4 = pkt->eth_type == OFP_ETH_TYPE_IPV4;
    uint8_t proto = pkt->ip.proto;
    uint8_t *l4 = frame + pkt->l4_ofs;
    size_t n, ofs;
    uint64_t sum = 0;
    uint8_t pseudo[8];

    if (pkt->layer < OFP_PACKET_L4 || (pkt->flags & OFP_PACKET_F_CUT) ||
        pkt->ip.frag) {
        return;
    }
    n = pkt->end - pkt->l4_ofs;
    switch (proto) {
    case OFP_IPPROTO_TCP:
        ofs = 16;
        break;
    case OFP_IPPROTO_UDP:
        if (v4 && !ofp_load_be16(l4 + 6)) {
            return;
        }
        ofs = 6;
        break;
    case OFP_IPPROTO_ICMP:
        if (!v4) {
            return;
        }
        ofs = 2;
        break;
    case OFP_IPPROTO_ICMPV6:
        if (v4) {
            return;
        }
        ofs = 2;
        break;
    default:
        return;
    }
    if (n < ofs + 2) {
        return;
    }
    ofp_store_be16(l4 + ofs, 0);
    if (v4 && proto != OFP_IPPROTO_ICMP) {
        sum = ah_sum(sum, frame + pkt->l3_ofs + 12, 8);
        pseudo[0] = 0;
        pseudo[1] = proto;
        ofp_store_be16(pseudo + 2, (uint16_t) n);
        sum = ah_sum(sum, pseudo, 4);
    } else if (!v4) {
        sum = ah_sum(sum, frame + pkt->l3_ofs + 8, 32);
        ofp_store_be32(pseudo, (uint32_t) n);
        memset(pseudo + 4, 0, 3);
        pseudo[7] = proto;
        sum = ah_sum(sum, pseudo, 8);
    }
    sum = ah_sum(sum, l4, n);
    uint16_t ck = ah_fold(sum);
    if (proto == OFP_IPPROTO_UDP && !ck) {
        ck = 0xffff;
    }
    ofp_store_be16(l4 + ofs, ck);
}

/* ---- ah_trace: a frame through the desired flows ---- */

struct ah_tr {
    struct ah *ah;
    const struct ah_switch *sw;
    struct ah_trace *out;
    uint32_t in_port;
    uint64_t metadata;
    uint8_t frame[AH_FRAME_ROOM];
    size_t len;
    struct ofp_packet pkt; /* 'frame' parsed */
    bool dead;             /* TTL expired: nothing more happens */

    /* The action set: one action per type, one set_field per field. */
    const struct ofp_action *set_pop_vlan, *set_push_vlan, *set_dec_ttl,
        *set_nw_ttl, *set_queue, *set_group, *set_output;
    const struct ofp_action *set_fields[OFPXMT_OFB_MAX + 1];
};

static void
ah_tr_parse(struct ah_tr *t)
{
    ofp_packet_parse(&t->pkt, t->frame, t->len);
}

static bool
ah_tr_is(const struct ah_tr *t, uint16_t eth_type)
{
    return t->pkt.layer >= OFP_PACKET_L3 && t->pkt.eth_type == eth_type;
}

static bool
ah_tr_is_l4(const struct ah_tr *t, uint16_t eth_type, uint8_t proto)
{
    return (t->pkt.layer >= OFP_PACKET_L4 && t->pkt.eth_type == eth_type &&
            t->pkt.ip.proto == proto);
}

static bool
ah_tr_is_l4_ip(const struct ah_tr *t, uint8_t proto)
{
    return (ah_tr_is_l4(t, OFP_ETH_TYPE_IPV4, proto) ||
            ah_tr_is_l4(t, OFP_ETH_TYPE_IPV6, proto));
}

static uint64_t
ah_oxm_int(const struct ofp_oxm_field_info *fi, const union ofp_oxm_value *v)
{
    switch (fi->kind) {
    case OFP_OXM_U8:
        return v->u8;
    case OFP_OXM_U16:
        return v->u16;
    case OFP_OXM_U24:
    case OFP_OXM_U32:
        return v->u32;
    case OFP_OXM_U64:
        return v->u64;
    case OFP_OXM_MAC:
    case OFP_OXM_IPV6:
    default:
        return 0;
    }
}

static void
ah_oxm_set_int(const struct ofp_oxm_field_info *fi, union ofp_oxm_value *v,
               uint64_t x)
{
    switch (fi->kind) {
    case OFP_OXM_U8:
        v->u8 = (uint8_t) x;
        break;
    case OFP_OXM_U16:
        v->u16 = (uint16_t) x;
        break;
    case OFP_OXM_U24:
    case OFP_OXM_U32:
        v->u32 = (uint32_t) x;
        break;
    case OFP_OXM_U64:
        v->u64 = x;
        break;
    case OFP_OXM_MAC:
    case OFP_OXM_IPV6:
    default:
        break;
    }
}

/* The value of field 'fi' in the frame as it is now, in '*v'.  Returns
 * false if the frame has no such field. */
static bool
ah_tr_field(const struct ah_tr *t, const struct ofp_oxm_field_info *fi,
            union ofp_oxm_value *v)
{
    const struct ofp_packet *p = &t->pkt;
    bool l2 = p->layer >= OFP_PACKET_L2;
    bool v4 = ah_tr_is(t, OFP_ETH_TYPE_IPV4);
    bool v6 = ah_tr_is(t, OFP_ETH_TYPE_IPV6);
    bool arp = ah_tr_is(t, OFP_ETH_TYPE_ARP);
    bool icmp6 = ah_tr_is_l4(t, OFP_ETH_TYPE_IPV6, OFP_IPPROTO_ICMPV6);
    uint64_t x = 0;

    memset(v, 0, sizeof *v);
    switch (fi->field) {
    case OFPXMT_OFB_IN_PORT:
    case OFPXMT_OFB_IN_PHY_PORT:
        x = t->in_port;
        break;
    case OFPXMT_OFB_METADATA:
        x = t->metadata;
        break;
    case OFPXMT_OFB_ETH_DST:
    case OFPXMT_OFB_ETH_SRC:
        if (!l2) {
            return false;
        }
        memcpy(v->mac,
               fi->field == OFPXMT_OFB_ETH_DST ? p->eth_dst : p->eth_src, 6);
        return true;
    case OFPXMT_OFB_ETH_TYPE:
        if (!l2) {
            return false;
        }
        x = p->eth_type;
        break;
    case OFPXMT_OFB_VLAN_VID:
        if (!l2) {
            return false;
        }
        x = p->n_vlans ? (OFPVID_PRESENT | p->vlans[0].vid) : OFPVID_NONE;
        break;
    case OFPXMT_OFB_VLAN_PCP:
        if (!l2 || !p->n_vlans) {
            return false;
        }
        x = p->vlans[0].pcp;
        break;
    case OFPXMT_OFB_IP_DSCP:
    case OFPXMT_OFB_IP_ECN:
    case OFPXMT_OFB_IP_PROTO:
        if (!v4 && !v6) {
            return false;
        }
        x = (fi->field == OFPXMT_OFB_IP_DSCP  ? p->ip.dscp
             : fi->field == OFPXMT_OFB_IP_ECN ? p->ip.ecn
                                              : p->ip.proto);
        break;
    case OFPXMT_OFB_IPV4_SRC:
    case OFPXMT_OFB_IPV4_DST:
        if (!v4) {
            return false;
        }
        x = fi->field == OFPXMT_OFB_IPV4_SRC ? p->ipv4.src : p->ipv4.dst;
        break;
    case OFPXMT_OFB_TCP_SRC:
    case OFPXMT_OFB_TCP_DST:
    case OFPXMT_OFB_UDP_SRC:
    case OFPXMT_OFB_UDP_DST:
    case OFPXMT_OFB_SCTP_SRC:
    case OFPXMT_OFB_SCTP_DST: {
        uint8_t proto = (fi->field <= OFPXMT_OFB_TCP_DST   ? OFP_IPPROTO_TCP
                         : fi->field <= OFPXMT_OFB_UDP_DST ? OFP_IPPROTO_UDP
                                                           : OFP_IPPROTO_SCTP);
        bool src = (fi->field - OFPXMT_OFB_TCP_SRC) % 2 == 0;
        if (!ah_tr_is_l4_ip(t, proto)) {
            return false;
        }
        x = src ? p->tp_src : p->tp_dst;
        break;
    }
    case OFPXMT_OFB_TCP_FLAGS:
        if (!ah_tr_is_l4_ip(t, OFP_IPPROTO_TCP)) {
            return false;
        }
        x = p->tcp.flags;
        break;
    case OFPXMT_OFB_ICMPV4_TYPE:
    case OFPXMT_OFB_ICMPV4_CODE:
        if (!ah_tr_is_l4(t, OFP_ETH_TYPE_IPV4, OFP_IPPROTO_ICMP)) {
            return false;
        }
        x = fi->field == OFPXMT_OFB_ICMPV4_TYPE ? p->icmp.type : p->icmp.code;
        break;
    case OFPXMT_OFB_ARP_OP:
    case OFPXMT_OFB_ARP_SPA:
    case OFPXMT_OFB_ARP_TPA:
        if (!arp) {
            return false;
        }
        x = (fi->field == OFPXMT_OFB_ARP_OP    ? p->arp.op
             : fi->field == OFPXMT_OFB_ARP_SPA ? p->arp.spa
                                               : p->arp.tpa);
        break;
    case OFPXMT_OFB_ARP_SHA:
    case OFPXMT_OFB_ARP_THA:
        if (!arp) {
            return false;
        }
        memcpy(v->mac,
               fi->field == OFPXMT_OFB_ARP_SHA ? p->arp.sha : p->arp.tha, 6);
        return true;
    case OFPXMT_OFB_IPV6_SRC:
    case OFPXMT_OFB_IPV6_DST:
        if (!v6) {
            return false;
        }
        memcpy(v->ipv6,
               fi->field == OFPXMT_OFB_IPV6_SRC ? p->ipv6.src : p->ipv6.dst,
               16);
        return true;
    case OFPXMT_OFB_IPV6_FLABEL:
        if (!v6) {
            return false;
        }
        x = p->ipv6.flow_label;
        break;
    case OFPXMT_OFB_ICMPV6_TYPE:
    case OFPXMT_OFB_ICMPV6_CODE:
        if (!icmp6) {
            return false;
        }
        x = fi->field == OFPXMT_OFB_ICMPV6_TYPE ? p->icmp.type : p->icmp.code;
        break;
    case OFPXMT_OFB_IPV6_ND_TARGET:
        if (!icmp6 || !p->nd.target) {
            return false;
        }
        memcpy(v->ipv6, p->nd.target, 16);
        return true;
    case OFPXMT_OFB_IPV6_ND_SLL:
    case OFPXMT_OFB_IPV6_ND_TLL: {
        bool sll = fi->field == OFPXMT_OFB_IPV6_ND_SLL;
        const uint8_t *ll = sll ? p->nd.sll : p->nd.tll;
        if (!icmp6 ||
            p->icmp.type != (sll ? OFP_ICMPV6_ND_NS : OFP_ICMPV6_ND_NA)) {
            return false;
        }
        if (ll) {
            memcpy(v->mac, ll, 6); /* absent: all zeroes */
        }
        return true;
    }
    default:
        ck_abort_msg("app-harness: ah_trace: OXM %s is not supported",
                     fi->name);
        return false;
    }
    ah_oxm_set_int(fi, v, x);
    return true;
}

static bool
ah_tr_oxm_matches(const struct ah_tr *t, const struct ofp_oxm *oxm)
{
    const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(oxm->field);
    union ofp_oxm_value v;

    ck_assert_msg(fi && ofp_oxm_is_known(oxm),
                  "app-harness: ah_trace: unknown OXM field %u",
                  (unsigned) oxm->field);
    if (!ah_tr_field(t, fi, &v)) {
        return false;
    }
    if (fi->kind == OFP_OXM_MAC || fi->kind == OFP_OXM_IPV6) {
        const uint8_t *a = fi->kind == OFP_OXM_MAC ? v.mac : v.ipv6;
        const uint8_t *b =
            (fi->kind == OFP_OXM_MAC ? oxm->value.mac : oxm->value.ipv6);
        const uint8_t *m =
            (fi->kind == OFP_OXM_MAC ? oxm->mask.mac : oxm->mask.ipv6);
        for (size_t i = 0; i < fi->width; i++) {
            uint8_t mask = oxm->has_mask ? m[i] : 0xff;
            if ((a[i] & mask) != (b[i] & mask)) {
                return false;
            }
        }
        return true;
    }
    uint64_t mask = oxm->has_mask ? ah_oxm_int(fi, &oxm->mask) : UINT64_MAX;
    return (ah_oxm_int(fi, &v) & mask) == (ah_oxm_int(fi, &oxm->value) & mask);
}

static bool
ah_tr_matches(const struct ah_tr *t, const struct ofp_match *m)
{
    for (size_t i = 0; i < m->n_oxms; i++) {
        if (!ah_tr_oxm_matches(t, &m->oxms[i])) {
            return false;
        }
    }
    return true;
}

static void
ah_tr_emit(struct ah_tr *t, uint32_t port)
{
    struct ah_trace *out = t->out;

    ck_assert_msg(out->n_out < AH_TRACE_MAX_OUT,
                  "app-harness: ah_trace: more than %d outputs",
                  AH_TRACE_MAX_OUT);
    ck_assert_msg(t->len <= sizeof out->out[0].frame,
                  "app-harness: ah_trace: frame of %zu bytes", t->len);
    out->out[out->n_out].port = port;
    memcpy(out->out[out->n_out].frame, t->frame, t->len);
    out->out[out->n_out].len = t->len;
    out->n_out++;
}

static void
ah_tr_output(struct ah_tr *t, uint32_t port)
{
    switch (port) {
    case OFPP_CONTROLLER:
        t->out->to_controller = true;
        return;
    case OFPP_IN_PORT:
        ah_tr_emit(t, t->in_port);
        return;
    case OFPP_FLOOD:
    case OFPP_ALL:
        for (size_t i = 0; i < t->sw->n_ports; i++) {
            const struct ofp_port *p = &t->sw->ports[i];
            if (ah_port_live(p) && p->port_no != t->in_port) {
                ah_tr_emit(t, p->port_no);
            }
        }
        return;
    case OFPP_LOCAL:
        ah_tr_emit(t, OFPP_LOCAL);
        return;
    default:
        ck_assert_msg(port <= OFPP_MAX,
                      "app-harness: ah_trace: output to reserved port "
                      "%#" PRIx32 " is not supported",
                      port);
        /* OVS drops an output to the in port (OFPP_IN_PORT is the way),
         * and the frames sent out of a missing or down port are lost. */
        if (port != t->in_port && ah_port_live(ah_port_find(t->sw, port))) {
            ah_tr_emit(t, port);
        }
        return;
    }
}

/* Aborts the test: the frame lacks the header a set-field or a VLAN
 * action needs, which a switch would have refused to install. */
static void
ah_tr_inconsistent(const char *what)
{
    ck_abort_msg("app-harness: ah_trace: %s on a frame without that header "
                 "(a switch refuses a flow whose match does not imply it)",
                 what);
}

static void
ah_tr_set_field(struct ah_tr *t, const struct ofp_oxm *oxm)
{
    const struct ofp_packet *p = &t->pkt;
    const struct ofp_oxm_field_info *fi = ofp_oxm_field_info(oxm->field);
    uint8_t *f = t->frame;
    uint8_t *l3 = f + p->l3_ofs;
    uint8_t *l4 = f + p->l4_ofs;
    bool ip4fix = false, l4fix = false;

    ck_assert_msg(fi && ofp_oxm_is_known(oxm),
                  "app-harness: ah_trace: set_field of unknown field %u",
                  (unsigned) oxm->field);
    switch (oxm->field) {
    case OFPXMT_OFB_ETH_DST:
    case OFPXMT_OFB_ETH_SRC:
        if (p->layer < OFP_PACKET_L2) {
            ah_tr_inconsistent(fi->name);
        }
        memcpy(f + (oxm->field == OFPXMT_OFB_ETH_DST ? 0 : 6), oxm->value.mac,
               6);
        break;
    case OFPXMT_OFB_VLAN_VID:
    case OFPXMT_OFB_VLAN_PCP: {
        uint16_t tci;
        if (p->layer < OFP_PACKET_L2 || !p->n_vlans) {
            ah_tr_inconsistent(fi->name);
        }
        tci = ofp_load_be16(f + 14);
        if (oxm->field == OFPXMT_OFB_VLAN_VID) {
            tci = (uint16_t) ((tci & 0xf000) | (oxm->value.u16 & 0x0fff));
        } else {
            tci = (uint16_t) ((tci & 0x1fff) | ((oxm->value.u8 & 7) << 13));
        }
        ofp_store_be16(f + 14, tci);
        break;
    }
    case OFPXMT_OFB_IP_DSCP:
    case OFPXMT_OFB_IP_ECN: {
        bool dscp = oxm->field == OFPXMT_OFB_IP_DSCP;
        uint8_t tc;
        if (ah_tr_is(t, OFP_ETH_TYPE_IPV4)) {
            tc = l3[1];
        } else if (ah_tr_is(t, OFP_ETH_TYPE_IPV6)) {
            tc = (uint8_t) ((l3[0] & 0x0f) << 4 | l3[1] >> 4);
        } else {
            ah_tr_inconsistent(fi->name);
            return;
        }
        tc = (uint8_t) (dscp ? (oxm->value.u8 & 0x3f) << 2 | (tc & 3)
                             : (tc & 0xfc) | (oxm->value.u8 & 3));
        if (ah_tr_is(t, OFP_ETH_TYPE_IPV4)) {
            l3[1] = tc;
            ip4fix = true;
        } else {
            l3[0] = (uint8_t) ((l3[0] & 0xf0) | tc >> 4);
            l3[1] = (uint8_t) ((l3[1] & 0x0f) | (tc & 0x0f) << 4);
        }
        break;
    }
    case OFPXMT_OFB_IPV4_SRC:
    case OFPXMT_OFB_IPV4_DST:
        if (!ah_tr_is(t, OFP_ETH_TYPE_IPV4)) {
            ah_tr_inconsistent(fi->name);
        }
        ofp_store_be32(l3 + (oxm->field == OFPXMT_OFB_IPV4_SRC ? 12 : 16),
                       oxm->value.u32);
        ip4fix = l4fix = true;
        break;
    case OFPXMT_OFB_IPV6_SRC:
    case OFPXMT_OFB_IPV6_DST:
        if (!ah_tr_is(t, OFP_ETH_TYPE_IPV6)) {
            ah_tr_inconsistent(fi->name);
        }
        memcpy(l3 + (oxm->field == OFPXMT_OFB_IPV6_SRC ? 8 : 24),
               oxm->value.ipv6, 16);
        l4fix = true;
        break;
    case OFPXMT_OFB_TCP_SRC:
    case OFPXMT_OFB_TCP_DST:
    case OFPXMT_OFB_UDP_SRC:
    case OFPXMT_OFB_UDP_DST:
    case OFPXMT_OFB_SCTP_SRC:
    case OFPXMT_OFB_SCTP_DST: {
        uint8_t proto =
            (oxm->field <= OFPXMT_OFB_TCP_DST   ? OFP_IPPROTO_TCP
             : oxm->field <= OFPXMT_OFB_UDP_DST ? OFP_IPPROTO_UDP
                                                : OFP_IPPROTO_SCTP);
        bool src = (oxm->field - OFPXMT_OFB_TCP_SRC) % 2 == 0;
        if (!ah_tr_is_l4_ip(t, proto)) {
            ah_tr_inconsistent(fi->name);
        }
        ofp_store_be16(l4 + (src ? 0 : 2), oxm->value.u16);
        l4fix = true;
        break;
    }
    case OFPXMT_OFB_ICMPV4_TYPE:
    case OFPXMT_OFB_ICMPV4_CODE:
        if (!ah_tr_is_l4(t, OFP_ETH_TYPE_IPV4, OFP_IPPROTO_ICMP)) {
            ah_tr_inconsistent(fi->name);
        }
        l4[oxm->field == OFPXMT_OFB_ICMPV4_TYPE ? 0 : 1] = oxm->value.u8;
        l4fix = true;
        break;
    case OFPXMT_OFB_ICMPV6_TYPE:
    case OFPXMT_OFB_ICMPV6_CODE:
        if (!ah_tr_is_l4(t, OFP_ETH_TYPE_IPV6, OFP_IPPROTO_ICMPV6)) {
            ah_tr_inconsistent(fi->name);
        }
        l4[oxm->field == OFPXMT_OFB_ICMPV6_TYPE ? 0 : 1] = oxm->value.u8;
        l4fix = true;
        break;
    case OFPXMT_OFB_ARP_OP:
    case OFPXMT_OFB_ARP_SPA:
    case OFPXMT_OFB_ARP_TPA:
    case OFPXMT_OFB_ARP_SHA:
    case OFPXMT_OFB_ARP_THA:
        if (!ah_tr_is(t, OFP_ETH_TYPE_ARP)) {
            ah_tr_inconsistent(fi->name);
        }
        if (oxm->field == OFPXMT_OFB_ARP_OP) {
            ofp_store_be16(l3 + 6, oxm->value.u16);
        } else if (oxm->field == OFPXMT_OFB_ARP_SHA) {
            memcpy(l3 + 8, oxm->value.mac, 6);
        } else if (oxm->field == OFPXMT_OFB_ARP_SPA) {
            ofp_store_be32(l3 + 14, oxm->value.u32);
        } else if (oxm->field == OFPXMT_OFB_ARP_THA) {
            memcpy(l3 + 18, oxm->value.mac, 6);
        } else {
            ofp_store_be32(l3 + 24, oxm->value.u32);
        }
        break;
    default:
        ck_abort_msg("app-harness: ah_trace: set_field of %s is not "
                     "supported",
                     fi->name);
    }
    if (ip4fix) {
        ah_ipv4_checksum(f, p);
    }
    if (l4fix) {
        ah_l4_checksum(f, p);
    }
    ah_tr_parse(t);
}

static void
ah_tr_push_vlan(struct ah_tr *t, uint16_t tpid)
{
    uint16_t tci;

    if (t->pkt.layer < OFP_PACKET_L2) {
        ah_tr_inconsistent("push_vlan");
    }
    ck_assert_msg(t->len + 4 <= AH_FRAME_ROOM,
                  "app-harness: ah_trace: frame too long to push a tag");
    /* OpenFlow 1.3: the new tag copies the VID and PCP of the outer
     * one, if any. */
    tci = t->pkt.n_vlans ? ofp_load_be16(t->frame + 14) : 0;
    memmove(t->frame + 16, t->frame + 12, t->len - 12);
    ofp_store_be16(t->frame + 12, tpid);
    ofp_store_be16(t->frame + 14, tci);
    t->len += 4;
    ah_tr_parse(t);
}

static void
ah_tr_pop_vlan(struct ah_tr *t)
{
    if (t->pkt.layer < OFP_PACKET_L2 || !t->pkt.n_vlans) {
        ah_tr_inconsistent("pop_vlan");
    }
    memmove(t->frame + 12, t->frame + 16, t->len - 16);
    t->len -= 4;
    ah_tr_parse(t);
}

/* dec_nw_ttl ('set' false) or set_nw_ttl to 'ttl'. */
static void
ah_tr_ttl(struct ah_tr *t, bool set, uint8_t ttl)
{
    uint8_t *l3 = t->frame + t->pkt.l3_ofs;
    uint8_t *p;

    if (ah_tr_is(t, OFP_ETH_TYPE_IPV4)) {
        p = l3 + 8;
    } else if (ah_tr_is(t, OFP_ETH_TYPE_IPV6)) {
        p = l3 + 7;
    } else {
        return; /* not IP: nothing to do */
    }
    if (set) {
        *p = ttl;
    } else if (*p <= 1) {
        t->dead = true; /* reaches 0: dropped */
        return;
    } else {
        (*p)--;
    }
    if (ah_tr_is(t, OFP_ETH_TYPE_IPV4)) {
        ah_ipv4_checksum(t->frame, &t->pkt);
    }
    ah_tr_parse(t);
}

static void
ah_tr_action(struct ah_tr *t, const struct ofp_action *a)
{
    switch (a->type) {
    case OFPAT_OUTPUT:
        ah_tr_output(t, a->output.port);
        break;
    case OFPAT_SET_FIELD:
        ah_tr_set_field(t, &a->set_field);
        break;
    case OFPAT_PUSH_VLAN:
        ah_tr_push_vlan(t, a->ethertype);
        break;
    case OFPAT_POP_VLAN:
        ah_tr_pop_vlan(t);
        break;
    case OFPAT_DEC_NW_TTL:
        ah_tr_ttl(t, false, 0);
        break;
    case OFPAT_SET_NW_TTL:
        ah_tr_ttl(t, true, a->nw_ttl);
        break;
    case OFPAT_SET_QUEUE:
        break;
    case OFPAT_GROUP:
        ck_abort_msg("app-harness: ah_trace: group actions are not "
                     "supported");
        break;
    default:
        ck_abort_msg("app-harness: ah_trace: action %s is not supported",
                     ofp_action_type_name(a->type)
                         ? ofp_action_type_name(a->type)
                         : "?");
    }
}

static void
ah_tr_apply(struct ah_tr *t, const struct ofp_action_list *l)
{
    for (size_t i = 0; i < l->n && !t->dead; i++) {
        ah_tr_action(t, &l->actions[i]);
    }
}

static void
ah_tr_write(struct ah_tr *t, const struct ofp_action_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct ofp_action *a = &l->actions[i];

        switch (a->type) {
        case OFPAT_OUTPUT:
            t->set_output = a;
            break;
        case OFPAT_SET_FIELD:
            t->set_fields[a->set_field.field] = a;
            break;
        case OFPAT_PUSH_VLAN:
            t->set_push_vlan = a;
            break;
        case OFPAT_POP_VLAN:
            t->set_pop_vlan = a;
            break;
        case OFPAT_DEC_NW_TTL:
            t->set_dec_ttl = a;
            break;
        case OFPAT_SET_NW_TTL:
            t->set_nw_ttl = a;
            break;
        case OFPAT_SET_QUEUE:
            t->set_queue = a;
            break;
        case OFPAT_GROUP:
            t->set_group = a;
            break;
        default:
            ck_abort_msg("app-harness: ah_trace: action %s in "
                         "write_actions is not supported",
                         ofp_action_type_name(a->type)
                             ? ofp_action_type_name(a->type)
                             : "?");
        }
    }
}

static void
ah_tr_clear(struct ah_tr *t)
{
    t->set_pop_vlan = t->set_push_vlan = t->set_dec_ttl = NULL;
    t->set_nw_ttl = t->set_queue = t->set_group = t->set_output = NULL;
    memset(t->set_fields, 0, sizeof t->set_fields);
}

/* Runs the action set in the order of OpenFlow 1.3.5, 5.10. */
static void
ah_tr_action_set(struct ah_tr *t)
{
    const struct ofp_action *order[] = {t->set_pop_vlan, t->set_push_vlan,
                                        t->set_dec_ttl, t->set_nw_ttl};

    for (size_t i = 0; i < sizeof order / sizeof *order && !t->dead; i++) {
        if (order[i]) {
            ah_tr_action(t, order[i]);
        }
    }
    for (size_t f = 0; f <= OFPXMT_OFB_MAX && !t->dead; f++) {
        if (t->set_fields[f]) {
            ah_tr_action(t, t->set_fields[f]);
        }
    }
    if (!t->dead && t->set_group) {
        ah_tr_action(t, t->set_group);
    }
    if (!t->dead && t->set_output) {
        ah_tr_action(t, t->set_output);
    }
}

static int
ah_inst_rank(uint16_t type)
{
    switch (type) {
    case OFPIT_METER:
        return 0;
    case OFPIT_APPLY_ACTIONS:
        return 1;
    case OFPIT_CLEAR_ACTIONS:
        return 2;
    case OFPIT_WRITE_ACTIONS:
        return 3;
    case OFPIT_WRITE_METADATA:
        return 4;
    case OFPIT_GOTO_TABLE:
        return 5;
    default:
        return 6;
    }
}

/* Runs the instructions of 'spec' in OpenFlow's order.  Returns the table
 * to go to, or -1 at the end of the pipeline. */
static int
ah_tr_instructions(struct ah_tr *t, const struct sl_flow_spec *spec)
{
    const struct ofp_instruction *by_rank[7] = {NULL};
    const struct ofp_instruction *in;

    for (size_t i = 0; i < spec->instructions.n; i++) {
        in = &spec->instructions.instructions[i];
        by_rank[ah_inst_rank(in->type)] = in;
    }
    ck_assert_msg(!by_rank[6],
                  "app-harness: ah_trace: instruction %u is "
                  "not supported",
                  (unsigned) by_rank[6]->type);
    if ((in = by_rank[1]) != NULL) {
        ah_tr_apply(t, &in->actions);
        if (t->dead) {
            return -1;
        }
    }
    if (by_rank[2]) {
        ah_tr_clear(t);
    }
    if ((in = by_rank[3]) != NULL) {
        ah_tr_write(t, &in->actions);
    }
    if ((in = by_rank[4]) != NULL) {
        t->metadata =
            ((t->metadata & ~in->write_metadata.mask) |
             (in->write_metadata.metadata & in->write_metadata.mask));
    }
    return (in = by_rank[5]) != NULL ? in->table_id : -1;
}

void
ah_trace(struct ah *ah, uint64_t dpid, uint32_t in_port, const void *frame,
         size_t len, struct ah_trace *out)
{
    static const struct ofp_action to_controller = {
        OFPAT_OUTPUT, .output = {OFPP_CONTROLLER, OFPCML_NO_BUFFER}};
    struct ah_tr *t;
    struct ah_flow **flows;
    size_t n_flows;
    int table = 0;

    ck_assert_ptr_nonnull(out);
    ck_assert_msg(frame != NULL && len <= sizeof out->out[0].frame,
                  "app-harness: ah_trace: frame of %zu bytes", len);
    memset(out, 0, sizeof *out);
    t = ah_xzalloc(sizeof *t);
    t->ah = ah;
    t->sw = ah_switch_must(ah, dpid);
    t->out = out;
    t->in_port = in_port;
    memcpy(t->frame, frame, len);
    t->len = len;
    flows = ah_flows_sorted(ah, dpid, &n_flows);

    while (table >= 0) {
        const struct sl_flow_spec *spec = NULL;
        struct ofp_instruction miss;
        struct sl_flow_spec miss_spec = {0};

        ck_assert_msg(out->n_tables < AH_TRACE_MAX_TABLES,
                      "app-harness: ah_trace: more than %d tables",
                      AH_TRACE_MAX_TABLES);
        out->tables[out->n_tables++] = (uint8_t) table;
        ah_tr_parse(t);
        for (size_t i = 0; i < n_flows && !spec; i++) {
            if (flows[i]->spec.table_id == table &&
                ah_tr_matches(t, &flows[i]->spec.match)) {
                spec = &flows[i]->spec;
            }
        }
        if (!spec && table < AH_N_TABLES) {
            /* The core's table-miss flow. */
            miss_spec.table_id = (uint8_t) table;
            miss_spec.match.type = OFPMT_OXM;
            if (table + 1 < AH_N_TABLES) {
                miss.type = OFPIT_GOTO_TABLE;
                miss.table_id = (uint8_t) (table + 1);
            } else {
                miss.type = OFPIT_APPLY_ACTIONS;
                miss.actions.n = 1;
                miss.actions.actions = (struct ofp_action *) &to_controller;
            }
            miss_spec.instructions.n = 1;
            miss_spec.instructions.instructions = &miss;
            spec = &miss_spec;
        }
        if (!spec) {
            break; /* no table-miss flow: dropped */
        }
        table = ah_tr_instructions(t, spec);
        if (table < 0 && !t->dead) {
            ah_tr_action_set(t);
        }
    }
    out->dropped = !out->n_out && !out->to_controller;
    free(flows);
    free(t);
}

/* ---- frames and matches for tests ---- */

/* Parses a MAC into 'mac'.  Returns false on bad text. */
static bool
ah_mac_parse(const char *text, uint8_t mac[6])
{
    const char *p = text;

    for (int i = 0; i < 6; i++) {
        int hi = ah_hexval(p[0]);
        int lo = hi >= 0 ? ah_hexval(p[1]) : -1;

        if (hi < 0 || lo < 0) {
            return false;
        }
        mac[i] = (uint8_t) (hi << 4 | lo);
        p += 2;
        if (i < 5 && *p++ != ':') {
            return false;
        }
    }
    return *p == '\0';
}

void
ah_mac(const char *text, uint8_t mac[6])
{
    ck_assert_msg(text && ah_mac_parse(text, mac), "app-harness: bad MAC '%s'",
                  text ? text : "(null)");
}

uint32_t
ah_ipv4(const char *text)
{
    struct in_addr a;

    ck_assert_msg(text && inet_pton(AF_INET, text, &a) == 1,
                  "app-harness: bad IPv4 address '%s'",
                  text ? text : "(null)");
    return ntohl(a.s_addr);
}

void
ah_ipv6(const char *text, uint8_t addr[16])
{
    ck_assert_msg(text && inet_pton(AF_INET6, text, addr) == 1,
                  "app-harness: bad IPv6 address '%s'",
                  text ? text : "(null)");
}

/* Writes the Ethernet header (and a C-tag unless 'vlan' is
 * SL_HOST_NO_VLAN).  Returns its length. */
static size_t
ah_eth_header(uint8_t *buf, const char *dst, const char *src, uint16_t vlan,
              uint16_t eth_type)
{
    size_t o = 12;

    ah_mac(dst, buf);
    ah_mac(src, buf + 6);
    if (vlan != SL_HOST_NO_VLAN) {
        ck_assert_msg(vlan < 4096, "app-harness: vlan %u", (unsigned) vlan);
        ofp_store_be16(buf + 12, OFP_ETH_TYPE_VLAN);
        ofp_store_be16(buf + 14, vlan);
        o = 16;
    }
    ofp_store_be16(buf + o, eth_type);
    return o + 2;
}

/* Parses the frame 'buf' just built and sets its checksums. */
static void
ah_frame_finish(uint8_t *buf, size_t len)
{
    struct ofp_packet pkt;
    enum ofp_packet_error e = ofp_packet_parse(&pkt, buf, len);

    ck_assert_msg(e == OFP_PACKET_OK, "app-harness: built a bad frame: %s",
                  ofp_packet_error_desc(e));
    if (pkt.eth_type == OFP_ETH_TYPE_IPV4) {
        ah_ipv4_checksum(buf, &pkt);
    }
    ah_l4_checksum(buf, &pkt);
}

size_t
ah_frame_eth(uint8_t *buf, const char *dst, const char *src, uint16_t vlan,
             uint16_t eth_type, size_t payload_len)
{
    size_t o = ah_eth_header(buf, dst, src, vlan, eth_type);

    ck_assert_msg(payload_len <= 1500, "app-harness: payload of %zu bytes",
                  payload_len);
    memset(buf + o, 0, payload_len);
    return o + payload_len;
}

size_t
ah_frame_arp(uint8_t *buf, uint16_t vlan, uint16_t op, const char *sha,
             const char *spa, const char *tha, const char *tpa)
{
    const char *dst =
        (op == OFP_ARP_OP_REPLY && tha ? tha : "ff:ff:ff:ff:ff:ff");
    size_t o = ah_eth_header(buf, dst, sha, vlan, OFP_ETH_TYPE_ARP);
    uint8_t *a = buf + o;

    ofp_store_be16(a, 1); /* Ethernet */
    ofp_store_be16(a + 2, OFP_ETH_TYPE_IPV4);
    a[4] = 6;
    a[5] = 4;
    ofp_store_be16(a + 6, op);
    ah_mac(sha, a + 8);
    ofp_store_be32(a + 14, ah_ipv4(spa));
    if (tha) {
        ah_mac(tha, a + 18);
    } else {
        memset(a + 18, 0, 6);
    }
    ofp_store_be32(a + 24, ah_ipv4(tpa));
    return o + 28;
}

/* Writes an IPv4 header (checksum left to ah_frame_finish()). */
static size_t
ah_ipv4_header(uint8_t *ip, const char *src, const char *dst, uint8_t ttl,
               uint8_t proto, size_t payload_len)
{
    ip[0] = 0x45;
    ip[1] = 0;
    ofp_store_be16(ip + 2, (uint16_t) (20 + payload_len));
    ofp_store_be16(ip + 4, 0x0001); /* identification */
    ofp_store_be16(ip + 6, 0x4000); /* DF */
    ip[8] = ttl;
    ip[9] = proto;
    ofp_store_be16(ip + 10, 0);
    ofp_store_be32(ip + 12, ah_ipv4(src));
    ofp_store_be32(ip + 16, ah_ipv4(dst));
    return 20;
}

size_t
ah_frame_icmp4(uint8_t *buf, const char *eth_dst, const char *eth_src,
               uint16_t vlan, const char *ip_src, const char *ip_dst,
               uint8_t ttl, uint8_t type, uint8_t code)
{
    size_t o = ah_eth_header(buf, eth_dst, eth_src, vlan, OFP_ETH_TYPE_IPV4);
    size_t icmp_len = 8 + 32;
    uint8_t *icmp;

    o += ah_ipv4_header(buf + o, ip_src, ip_dst, ttl, OFP_IPPROTO_ICMP,
                        icmp_len);
    icmp = buf + o;
    icmp[0] = type;
    icmp[1] = code;
    ofp_store_be16(icmp + 2, 0);
    if (type == 0 || type == 8) { /* echo: identifier, sequence */
        ofp_store_be16(icmp + 4, 0x1234);
        ofp_store_be16(icmp + 6, 1);
    } else {
        ofp_store_be32(icmp + 4, 0);
    }
    for (size_t i = 8; i < icmp_len; i++) {
        icmp[i] = (uint8_t) ('a' + (i - 8) % 26);
    }
    ah_frame_finish(buf, o + icmp_len);
    return o + icmp_len;
}

size_t
ah_frame_tcp4(uint8_t *buf, const char *eth_dst, const char *eth_src,
              uint16_t vlan, const char *ip_src, const char *ip_dst,
              uint16_t sport, uint16_t dport)
{
    size_t o = ah_eth_header(buf, eth_dst, eth_src, vlan, OFP_ETH_TYPE_IPV4);
    uint8_t *tcp;

    o += ah_ipv4_header(buf + o, ip_src, ip_dst, 64, OFP_IPPROTO_TCP, 20);
    tcp = buf + o;
    memset(tcp, 0, 20);
    ofp_store_be16(tcp, sport);
    ofp_store_be16(tcp + 2, dport);
    ofp_store_be32(tcp + 4, 1); /* sequence number */
    tcp[12] = 5 << 4;           /* data offset */
    tcp[13] = OFP_TCP_SYN;
    ofp_store_be16(tcp + 14, 65535);
    ah_frame_finish(buf, o + 20);
    return o + 20;
}

size_t
ah_frame_udp4(uint8_t *buf, const char *eth_dst, const char *eth_src,
              uint16_t vlan, const char *ip_src, const char *ip_dst,
              uint16_t sport, uint16_t dport)
{
    size_t o = ah_eth_header(buf, eth_dst, eth_src, vlan, OFP_ETH_TYPE_IPV4);
    uint8_t *udp;

    o += ah_ipv4_header(buf + o, ip_src, ip_dst, 64, OFP_IPPROTO_UDP, 16);
    udp = buf + o;
    ofp_store_be16(udp, sport);
    ofp_store_be16(udp + 2, dport);
    ofp_store_be16(udp + 4, 16);
    ofp_store_be16(udp + 6, 0xffff); /* non-zero: computed */
    for (size_t i = 8; i < 16; i++) {
        udp[i] = (uint8_t) i;
    }
    ah_frame_finish(buf, o + 16);
    return o + 16;
}

size_t
ah_frame_icmp6(uint8_t *buf, const char *eth_dst, const char *eth_src,
               uint16_t vlan, const char *ip_src, const char *ip_dst,
               uint8_t hop_limit, uint8_t type, const char *target,
               const char *lladdr)
{
    size_t o = ah_eth_header(buf, eth_dst, eth_src, vlan, OFP_ETH_TYPE_IPV6);
    uint8_t *ip = buf + o;
    uint8_t *icmp = ip + 40;
    size_t n;

    icmp[0] = type;
    icmp[1] = 0;
    ofp_store_be16(icmp + 2, 0);
    if (type == OFP_ICMPV6_ND_NS || type == OFP_ICMPV6_ND_NA) {
        ck_assert_msg(target != NULL, "app-harness: ND without a target");
        ofp_store_be32(
            icmp + 4,
            type == OFP_ICMPV6_ND_NA
                ? (uint32_t) (OFP_ND_NA_SOLICITED | OFP_ND_NA_OVERRIDE) << 24
                : 0);
        ah_ipv6(target, icmp + 8);
        n = 24;
        if (lladdr) {
            icmp[n] =
                type == OFP_ICMPV6_ND_NS ? OFP_ND_OPT_SLL : OFP_ND_OPT_TLL;
            icmp[n + 1] = 1; /* 8 bytes */
            ah_mac(lladdr, icmp + n + 2);
            n += 8;
        }
    } else if (type == 128 || type == 129) { /* echo */
        ofp_store_be16(icmp + 4, 0x1234);
        ofp_store_be16(icmp + 6, 1);
        for (size_t i = 8; i < 16; i++) {
            icmp[i] = (uint8_t) i;
        }
        n = 16;
    } else {
        ofp_store_be32(icmp + 4, 0);
        n = 8;
    }

    ofp_store_be32(ip, 0x60000000);
    ofp_store_be16(ip + 4, (uint16_t) n);
    ip[6] = OFP_IPPROTO_ICMPV6;
    ip[7] = hop_limit;
    ah_ipv6(ip_src, ip + 8);
    ah_ipv6(ip_dst, ip + 24);
    ah_frame_finish(buf, o + 40 + n);
    return o + 40 + n;
}

/* Parses an unsigned number, decimal or "0x" hex, all of 'text'. */
static bool
ah_uint_parse(const char *text, uint64_t *value)
{
    int base = 10;
    char *end;

    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text += 2;
    }
    if (!*text || *text == '-' || *text == '+' || *text == ' ') {
        return false;
    }
    errno = 0;
    *value = strtoull(text, &end, base);
    return !errno && !*end;
}

static bool
ah_ipv4_field(uint8_t field)
{
    return (field == OFPXMT_OFB_IPV4_SRC || field == OFPXMT_OFB_IPV4_DST ||
            field == OFPXMT_OFB_ARP_SPA || field == OFPXMT_OFB_ARP_TPA);
}

/* Parses the value or mask 'text' of field 'fi' into 'v'; 'mask' says
 * which (a mask may be a prefix length for addresses).  Returns false on
 * bad text. */
static bool
ah_oxm_value_parse(const struct ofp_oxm_field_info *fi, const char *text,
                   bool mask, union ofp_oxm_value *v)
{
    uint64_t x;

    memset(v, 0, sizeof *v);
    if (fi->kind == OFP_OXM_MAC) {
        return ah_mac_parse(text, v->mac);
    }
    if (fi->kind == OFP_OXM_IPV6) {
        if (mask && !strchr(text, ':')) {
            if (!ah_uint_parse(text, &x) || x > 128) {
                return false;
            }
            for (size_t i = 0; i < 16; i++) {
                size_t bits = x > i * 8 ? x - i * 8 : 0;
                v->ipv6[i] =
                    (uint8_t) (bits >= 8 ? 0xff : (0xff00 >> bits) & 0xff);
            }
            return true;
        }
        return inet_pton(AF_INET6, text, v->ipv6) == 1;
    }
    if (ah_ipv4_field(fi->field) && strchr(text, '.')) {
        struct in_addr a;
        if (inet_pton(AF_INET, text, &a) != 1) {
            return false;
        }
        v->u32 = ntohl(a.s_addr);
        return true;
    }
    if (!ah_uint_parse(text, &x)) {
        return false;
    }
    if (mask && ah_ipv4_field(fi->field)) {
        if (x > 32) {
            return false;
        }
        v->u32 = x ? (uint32_t) (UINT32_MAX << (32 - x)) : 0;
        return true;
    }
    if (fi->width < 8 && x >> (fi->width * 8)) {
        return false;
    }
    ah_oxm_set_int(fi, v, x);
    return true;
}

/* Returns 'text' without leading and trailing blanks (in place). */
static char *
ah_trim(char *text)
{
    char *end;

    while (*text == ' ' || *text == '\t') {
        text++;
    }
    end = text + strlen(text);
    while (end > text && (end[-1] == ' ' || end[-1] == '\t')) {
        *--end = '\0';
    }
    return text;
}

const struct ofp_match *
ah_match(struct ah_match *m, const char *text)
{
    char *copy, *save = NULL;

    ck_assert_ptr_nonnull(m);
    ck_assert_ptr_nonnull(text);
    memset(m, 0, sizeof *m);
    m->match.type = OFPMT_OXM;
    m->match.oxms = m->oxms;
    copy = ah_xstrdup(text);
    if (!*ah_trim(copy)) {
        free(copy);
        return &m->match;
    }
    for (char *item = strtok_r(copy, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        char *name, *value, *slash;
        const struct ofp_oxm_field_info *fi;
        struct ofp_oxm *oxm;

        ck_assert_msg(eq != NULL,
                      "app-harness: ah_match: '%s' in '%s' is "
                      "not field=value",
                      item, text);
        *eq = '\0';
        name = ah_trim(item);
        value = ah_trim(eq + 1);
        fi = ofp_oxm_field_by_name(name);
        ck_assert_msg(fi != NULL,
                      "app-harness: ah_match: unknown field "
                      "'%s' in '%s'",
                      name, text);
        ck_assert_msg(m->match.n_oxms < 16,
                      "app-harness: ah_match: more "
                      "than 16 fields in '%s'",
                      text);
        oxm = &m->oxms[m->match.n_oxms++];
        ofp_oxm_init_basic(oxm, fi->field);
        slash = strchr(value, '/');
        if (slash) {
            *slash = '\0';
            oxm->has_mask = true;
            oxm->length = (uint8_t) (fi->width * 2);
            ck_assert_msg(
                ah_oxm_value_parse(fi, ah_trim(slash + 1), true, &oxm->mask),
                "app-harness: ah_match: bad mask of %s in '%s'", name, text);
        }
        ck_assert_msg(
            ah_oxm_value_parse(fi, ah_trim(value), false, &oxm->value),
            "app-harness: ah_match: bad value of %s in '%s'", name, text);
    }
    free(copy);
    return &m->match;
}
