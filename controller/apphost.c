/* apphost: the plugin loader, the event dispatcher and the host function
 * table of the apps (see apphost.h and sluice/app.h).
 *
 * Each loaded app has a 'struct sl_ctx': its dlopen handle, a copy of its
 * descriptor, its log module (named after the app), its timers and its
 * private pointer.  Subscriptions live in one sorted array per event type,
 * so a dispatch is a walk of that array and never allocates. */
#include <config.h>
#include "controller/apphost.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <link.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "controller/flowprog.h"
#include "controller/hmap.h"
#include "controller/list.h"
#include "controller/log.h"
#include "controller/prom.h"
#include "controller/util.h"

SL_LOG_MODULE(apphost);

#ifndef SL_APPS_DIR
#define SL_APPS_DIR "/usr/local/lib/sluice/apps"
#endif

#define APP_DEF_ALIGN _Alignof(struct sl_app_def)
/* The sizeof 'struct sl_app_def' has in a build whose last field is
 * 'FIELD': its end rounded up to the descriptor's alignment. */
#define APP_DEF_SIZE_TO(FIELD)                                                \
    ((offsetof(struct sl_app_def, FIELD) +                                    \
      sizeof(((struct sl_app_def *) 0)->FIELD) + APP_DEF_ALIGN - 1) /         \
     APP_DEF_ALIGN * APP_DEF_ALIGN)

/* Size of 'struct sl_app_def' as each ABI minor defines it: a descriptor
 * built for minor M must be at least app_def_sizes[M] bytes. */
static const size_t app_def_sizes[SL_APP_ABI_MINOR + 1] = {
    [0] = APP_DEF_SIZE_TO(flags),
    [1] = APP_DEF_SIZE_TO(flags), /* minor 1 added host functions only */
    [2] = APP_DEF_SIZE_TO(flags), /* minor 2 likewise (and events) */
    [3] = APP_DEF_SIZE_TO(flags), /* minor 3 likewise */
};

/* Bytes of the descriptor read before its size is known. */
#define APP_DEF_HEADER_LEN offsetof(struct sl_app_def, name)

/* Longest interval a timer accepts, in seconds (about 31 years). */
#define APP_TIMER_MAX 1e9

enum app_state {
    APP_LOADED,   /* file opened and checked; init not called yet */
    APP_INITING,  /* in init: may subscribe */
    APP_READY,    /* init returned 0 */
    APP_STARTING, /* in start: may subscribe */
    APP_RUNNING,  /* started: receives events */
    APP_STOPPED,  /* stopped (or its start failed): receives nothing */
};

struct sl_ctx {
    struct sl_apps *apps;
    struct sl_hmap_node owner_node; /* in apps->owners, by 'owner' */
    uint16_t owner;                 /* sl_apps_owner_id('name') */
    size_t index;                   /* config order */
    char *name;                     /* as configured */
    char *path;                     /* the file loaded */
    void *handle;                   /* from dlopen(), or NULL */
    struct sl_app_def def;          /* copy of the plugin's descriptor */
    enum app_state state;
    bool init_called; /* fini is owed */
    bool log_registered;
    struct sl_log_module log; /* name = 'name' */
    char *config_text;        /* sl_config_node_text() of the running
                               * section */
    struct sl_list timers;    /* struct sl_timer.node */
    void *data;               /* the app's private pointer */
    uint64_t events[SL_EV_N_TYPES];     /* handler calls, by type */
    uint64_t sampled_ns[SL_EV_N_TYPES]; /* time in the sampled calls */
    sl_metrics_cb *metrics_cb;          /* 'metrics_register', or NULL */
    void *metrics_aux;
    bool metrics_warned;                /* a bad name was logged */
};

/* A scrape of one app's metrics (sluice/app.h's opaque struct). */
struct sl_metrics {
    struct sl_ctx *ctx;
    struct sl_prom *prom;
    char family[128]; /* the family being written, "" if refused */
};

struct sl_timer {
    struct sl_list node; /* in ctx->timers, or detached */
    struct sl_ctx *ctx;
    struct event *ev;
    sl_timer_cb *cb;
    void *aux;
    bool repeat;
    bool running;   /* its callback is on the stack */
    bool cancelled; /* cancelled while running: freed on return */
};

/* One subscription. */
struct app_handler {
    int priority;
    size_t app;   /* index of the subscribing app */
    uint64_t seq; /* subscription order */
    sl_event_handler *fn;
    void *aux;
};

struct app_handlers {
    struct app_handler *h;
    size_t n, allocated;
};

struct sl_apps {
    struct event_base *base;
    const struct sl_apps_services *svc;
    void *aux;
    struct sl_ctx **ctxs;
    size_t n_apps;
    struct sl_hmap owners; /* struct sl_ctx, by owner id */
    struct app_handlers handlers[SL_EV_N_TYPES];
    uint64_t next_seq;
    uint64_t dispatches[SL_EV_N_TYPES]; /* picks the timed dispatches */
    struct sl_app_route *routes;        /* 'rest_route' registrations */
    size_t n_routes;
    const struct sl_apps_topo *topo;    /* NULL: none */
    void *topo_aux;
};

/* A call of an app's REST handler, behind sl_rest_request.host_data. */
struct app_rest_call {
    void (*reply)(void *aux, int status, const char *content_type,
                  const char *body, size_t len);
    void *aux;
    bool replied;
};

static const struct sl_host app_host;

/* ---- small helpers ---- */

/* An errno for a plugin's non-zero return 'ret'. */
static int
app_errno(int ret)
{
    return ret > 0 ? ret : EIO;
}

/* ---- timers ---- */

static void
app_timer_free(struct sl_timer *t)
{
    sl_list_remove(&t->node);
    event_free(t->ev);
    free(t);
}

/* Cancels 't': at once, or when its running callback returns. */
static void
app_timer_cancel(struct sl_timer *t)
{
    if (t->running) {
        event_del(t->ev);
        sl_list_remove(&t->node);
        t->cancelled = true;
    } else {
        app_timer_free(t);
    }
}

static void
app_timers_cancel(struct sl_ctx *ctx)
{
    struct sl_timer *t, *next;

    SL_LIST_FOR_EACH_SAFE(t, next, node, &ctx->timers)
    {
        app_timer_cancel(t);
    }
}

static void
app_timer_fire(evutil_socket_t fd, short what, void *t_)
{
    struct sl_timer *t = t_;

    (void) fd;
    (void) what;
    t->running = true;
    t->cb(t->ctx, t->aux);
    t->running = false;
    if (t->cancelled || !t->repeat) {
        app_timer_free(t);
    }
}

/* ---- host functions ---- */

static enum sl_log_level
app_log_level(enum sl_app_log_level level)
{
    return (level <= SL_APP_LOG_ERR   ? SL_LOG_ERR
            : level >= SL_APP_LOG_DBG ? SL_LOG_DBG
                                      : (enum sl_log_level) level);
}

static void host_log(struct sl_ctx *ctx, enum sl_app_log_level level,
                     const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
host_log(struct sl_ctx *ctx, enum sl_app_log_level level, const char *fmt, ...)
{
    enum sl_log_level l = app_log_level(level);

    if (l <= ctx->log.level) {
        va_list args;
        va_start(args, fmt);
        sl_log_emitv(&ctx->log, l, fmt, args);
        va_end(args);
    }
}

static bool
host_log_enabled(struct sl_ctx *ctx, enum sl_app_log_level level)
{
    return app_log_level(level) <= ctx->log.level;
}

/* Orders subscriptions: higher priority first, then app order, then
 * subscription order. */
static bool
app_handler_before(const struct app_handler *a, const struct app_handler *b)
{
    if (a->priority != b->priority) {
        return a->priority > b->priority;
    }
    if (a->app != b->app) {
        return a->app < b->app;
    }
    return a->seq < b->seq;
}

static int
host_subscribe(struct sl_ctx *ctx, enum sl_event_type type, int priority,
               sl_event_handler *handler, void *aux)
{
    struct sl_apps *apps = ctx->apps;

    if ((unsigned int) type >= SL_EV_N_TYPES || !handler) {
        return EINVAL;
    }
    if (ctx->state != APP_INITING && ctx->state != APP_STARTING) {
        SL_WARN("app '%s': subscribe outside init and start refused",
                ctx->name);
        return EINVAL;
    }

    struct app_handlers *hs = &apps->handlers[type];
    if (hs->n == hs->allocated) {
        size_t n = hs->allocated ? hs->allocated * 2 : 8;
        struct app_handler *h = realloc(hs->h, n * sizeof *h);
        if (!h) {
            return ENOMEM;
        }
        hs->h = h;
        hs->allocated = n;
    }

    struct app_handler new = {
        .priority = priority,
        .app = ctx->index,
        .seq = apps->next_seq++,
        .fn = handler,
        .aux = aux,
    };
    size_t pos = hs->n;
    while (pos > 0 && app_handler_before(&new, &hs->h[pos - 1])) {
        pos--;
    }
    memmove(&hs->h[pos + 1], &hs->h[pos], (hs->n - pos) * sizeof *hs->h);
    hs->h[pos] = new;
    hs->n++;
    return 0;
}

static uint16_t
app_owner(const struct sl_ctx *ctx)
{
    return ctx->owner;
}

static int
host_flow_add(struct sl_ctx *ctx, uint64_t dpid,
              const struct sl_flow_spec *spec, sl_flow_done_cb *done,
              void *aux)
{
    const struct sl_apps *apps = ctx->apps;

    if (!spec) {
        return EINVAL;
    }
    if (!apps->svc->flow_add) {
        return EOPNOTSUPP;
    }
    return apps->svc->flow_add(apps->aux, dpid, app_owner(ctx), spec, done,
                               aux);
}

static int
host_flow_del(struct sl_ctx *ctx, uint64_t dpid, uint8_t table_id,
              uint16_t priority, const struct ofp_match *match,
              sl_flow_done_cb *done, void *aux)
{
    const struct sl_apps *apps = ctx->apps;

    if (!match) {
        return EINVAL;
    }
    if (!apps->svc->flow_del) {
        return EOPNOTSUPP;
    }
    return apps->svc->flow_del(apps->aux, dpid, app_owner(ctx), table_id,
                               priority, match, done, aux);
}

static size_t
host_flow_del_all(struct sl_ctx *ctx, uint64_t dpid)
{
    const struct sl_apps *apps = ctx->apps;

    return (apps->svc->flow_del_all
                ? apps->svc->flow_del_all(apps->aux, dpid, app_owner(ctx))
                : 0);
}

static int
host_send(struct sl_ctx *ctx, uint64_t dpid, const struct ofp_msg *msg,
          uint32_t *xid)
{
    const struct sl_apps *apps = ctx->apps;

    if (!msg || msg->type == OFPT_FLOW_MOD) {
        return EINVAL;
    }
    if (!apps->svc->send) {
        return EOPNOTSUPP;
    }
    return apps->svc->send(apps->aux, dpid, msg, xid);
}

static int
host_packet_out(struct sl_ctx *ctx, uint64_t dpid,
                const struct ofp_packet_out *po)
{
    const struct sl_apps *apps = ctx->apps;
    struct ofp_msg msg;

    if (!po) {
        return EINVAL;
    }
    if (apps->svc->packet_out) {
        return apps->svc->packet_out(apps->aux, dpid, po);
    }
    ofp_msg_init(&msg, OFPT_PACKET_OUT, 0);
    msg.packet_out = *po;
    return host_send(ctx, dpid, &msg, NULL);
}

static const struct sl_switch *
host_switch_get(struct sl_ctx *ctx, uint64_t dpid)
{
    const struct sl_apps *apps = ctx->apps;

    return (apps->svc->switch_get ? apps->svc->switch_get(apps->aux, dpid)
                                  : NULL);
}

static size_t
host_switch_list(struct sl_ctx *ctx, uint64_t *dpids, size_t max)
{
    const struct sl_apps *apps = ctx->apps;

    if (!dpids) {
        max = 0;
    }
    return (apps->svc->switch_list
                ? apps->svc->switch_list(apps->aux, dpids, max)
                : 0);
}

static const struct ofp_port *
host_port_get(struct sl_ctx *ctx, uint64_t dpid, uint32_t port_no)
{
    const struct sl_apps *apps = ctx->apps;

    return (apps->svc->port_get ? apps->svc->port_get(apps->aux, dpid, port_no)
                                : NULL);
}

static int
host_table_id(struct sl_ctx *ctx, const char *name)
{
    const struct sl_apps *apps = ctx->apps;

    if (!name || !apps->svc->table_id) {
        return -1;
    }
    return apps->svc->table_id(apps->aux, name);
}

static struct sl_timer *
host_timer_add(struct sl_ctx *ctx, double seconds, bool repeat,
               sl_timer_cb *cb, void *aux)
{
    if (!cb || !isfinite(seconds) || seconds <= 0 || seconds > APP_TIMER_MAX) {
        return NULL;
    }
    if (ctx->state == APP_STOPPED || ctx->state == APP_LOADED) {
        return NULL;
    }

    struct sl_timer *t = sl_xcalloc(1, sizeof *t);
    t->ctx = ctx;
    t->cb = cb;
    t->aux = aux;
    t->repeat = repeat;
    t->ev = event_new(ctx->apps->base, -1, repeat ? EV_PERSIST : 0,
                      app_timer_fire, t);
    if (!t->ev) {
        free(t);
        return NULL;
    }

    double whole = floor(seconds);
    struct timeval tv = {
        .tv_sec = (time_t) whole,
        .tv_usec = (suseconds_t) ((seconds - whole) * 1e6),
    };
    if (!tv.tv_sec && !tv.tv_usec) {
        tv.tv_usec = 1;
    }
    if (event_add(t->ev, &tv)) {
        event_free(t->ev);
        free(t);
        return NULL;
    }
    sl_list_push_back(&ctx->timers, &t->node);
    return t;
}

static void
host_timer_cancel(struct sl_ctx *ctx, struct sl_timer *t)
{
    if (t && t->ctx == ctx && !t->cancelled) {
        app_timer_cancel(t);
    }
}

static const char *
host_name(struct sl_ctx *ctx)
{
    return ctx->name;
}

static void *
host_get_data(struct sl_ctx *ctx)
{
    return ctx->data;
}

static void
host_set_data(struct sl_ctx *ctx, void *data)
{
    ctx->data = data;
}

/* ---- REST routes ---- */

/* Returns true if 'pattern' is "" or "/seg/seg..." with non-empty segments
 * and no query or fragment characters. */
static bool
app_route_pattern_ok(const char *pattern)
{
    if (!*pattern) {
        return true;
    }
    if (pattern[0] != '/' || strpbrk(pattern, "?#") != NULL) {
        return false;
    }
    for (const char *p = pattern; *p; p++) {
        if (*p == '/' && (p[1] == '/' || p[1] == '\0')) {
            return false;
        }
    }
    return true;
}

static int
host_rest_route(struct sl_ctx *ctx, unsigned methods, const char *pattern,
                sl_rest_handler *handler, void *aux)
{
    static const unsigned all = SL_REST_GET | SL_REST_POST | SL_REST_PUT
                                | SL_REST_DELETE;
    struct sl_apps *apps = ctx->apps;

    if ((ctx->state != APP_INITING && ctx->state != APP_STARTING)
        || !handler || !pattern || !methods || (methods & ~all)
        || !app_route_pattern_ok(pattern)) {
        return EINVAL;
    }
    char *full = sl_xasprintf("/api/v1/apps/%s%s", ctx->name, pattern);
    for (size_t i = 0; i < apps->n_routes; i++) {
        if (!strcmp(apps->routes[i].pattern, full)
            && (apps->routes[i].methods & methods)) {
            free(full);
            return EEXIST;
        }
    }
    apps->routes = sl_xrealloc(apps->routes,
                               (apps->n_routes + 1) * sizeof *apps->routes);
    apps->routes[apps->n_routes++] = (struct sl_app_route) {
        .app = ctx->name,
        .methods = methods,
        .pattern = full,
        .handler = handler,
        .aux = aux,
        .ctx = ctx,
    };
    return 0;
}

static void
host_rest_reply(struct sl_ctx *ctx, const struct sl_rest_request *req,
                int status, const char *content_type, const char *body,
                size_t len)
{
    struct app_rest_call *call = req ? req->host_data : NULL;

    if (call == NULL || call->replied) {
        SL_WARN("app '%s' answered a REST request twice, or outside its "
                "handler: ignored", ctx->name);
        return;
    }
    call->replied = true;
    call->reply(call->aux, status,
                content_type ? content_type : "application/json",
                body ? body : "", body ? len : 0);
}

static void
app_routes_free(struct sl_apps *apps)
{
    for (size_t i = 0; i < apps->n_routes; i++) {
        free((char *) apps->routes[i].pattern);
    }
    free(apps->routes);
    apps->routes = NULL;
    apps->n_routes = 0;
}

size_t
sl_apps_n_routes(const struct sl_apps *apps)
{
    return apps->n_routes;
}

const struct sl_app_route *
sl_apps_route(const struct sl_apps *apps, size_t i)
{
    return i < apps->n_routes ? &apps->routes[i] : NULL;
}

void
sl_apps_route_call(struct sl_apps *apps, const struct sl_app_route *route,
                   const struct sl_rest_request *req,
                   void (*reply)(void *reply_aux, int status,
                                 const char *content_type, const char *body,
                                 size_t len),
                   void *reply_aux)
{
    static const char unavailable[]
        = "{\"error\": \"app not running\", \"detail\": null}";
    static const char silent[]
        = "{\"error\": \"app did not answer\", \"detail\": null}";
    struct app_rest_call call = {.reply = reply, .aux = reply_aux};
    struct sl_rest_request r = *req;

    (void) apps;
    if (route->ctx->state != APP_RUNNING) {
        reply(reply_aux, 503, "application/json", unavailable,
              sizeof unavailable - 1);
        return;
    }
    r.host_data = &call;
    route->handler(route->ctx, &r, route->aux);
    if (!call.replied) {
        SL_WARN("app '%s' did not answer %s", route->app, req->path);
        reply(reply_aux, 500, "application/json", silent, sizeof silent - 1);
    }
}

/* ---- the topology (minor 2) ---- */

void
sl_apps_set_topo(struct sl_apps *apps, const struct sl_apps_topo *topo,
                 void *aux)
{
    apps->topo = topo;
    apps->topo_aux = aux;
}

static size_t
host_topo_links(struct sl_ctx *ctx, uint64_t dpid, struct sl_link *links,
                size_t max)
{
    const struct sl_apps *apps = ctx->apps;

    if (!links) {
        max = 0;
    }
    return apps->topo ? apps->topo->links(apps->topo_aux, dpid, links, max)
                      : 0;
}

static enum sl_port_role
host_topo_port_role(struct sl_ctx *ctx, uint64_t dpid, uint32_t port_no)
{
    const struct sl_apps *apps = ctx->apps;

    return (apps->topo ? apps->topo->port_role(apps->topo_aux, dpid, port_no)
                       : SL_PORT_NONE);
}

static size_t
host_topo_flood_ports(struct sl_ctx *ctx, uint64_t dpid, uint32_t *ports,
                      size_t max)
{
    const struct sl_apps *apps = ctx->apps;

    if (!ports) {
        max = 0;
    }
    return (apps->topo
                ? apps->topo->flood_ports(apps->topo_aux, dpid, ports, max)
                : 0);
}

static bool
host_topo_flood_all(struct sl_ctx *ctx, uint64_t dpid)
{
    const struct sl_apps *apps = ctx->apps;

    return apps->topo ? apps->topo->flood_all(apps->topo_aux, dpid) : false;
}

static uint32_t
host_topo_next_hop(struct sl_ctx *ctx, uint64_t from, uint64_t to)
{
    const struct sl_apps *apps = ctx->apps;

    return apps->topo ? apps->topo->next_hop(apps->topo_aux, from, to) : 0;
}

static size_t
host_topo_path(struct sl_ctx *ctx, uint64_t src, uint64_t dst,
               enum sl_path_metric metric, struct sl_path_hop *hops,
               size_t max)
{
    const struct sl_apps *apps = ctx->apps;

    if (!hops) {
        max = 0;
    }
    return (apps->topo ? apps->topo->path(apps->topo_aux, src, dst, metric,
                                          hops, max)
                       : 0);
}

static const struct sl_topo_host *
host_topo_host_find(struct sl_ctx *ctx, const uint8_t mac[6], uint16_t vlan)
{
    const struct sl_apps *apps = ctx->apps;

    return (apps->topo && mac
                ? apps->topo->host_find(apps->topo_aux, mac, vlan)
                : NULL);
}

static size_t
host_topo_hosts(struct sl_ctx *ctx, uint64_t dpid,
                const struct sl_topo_host **hosts, size_t max)
{
    const struct sl_apps *apps = ctx->apps;

    if (!hosts) {
        max = 0;
    }
    return (apps->topo ? apps->topo->hosts(apps->topo_aux, dpid, hosts, max)
                       : 0);
}

static uint64_t
host_topo_version(struct sl_ctx *ctx)
{
    const struct sl_apps *apps = ctx->apps;

    return apps->topo ? apps->topo->version(apps->topo_aux) : 0;
}

/* ---- minor 3: clock and metrics ---- */

static double
host_now(struct sl_ctx *ctx)
{
    struct timespec ts;

    (void) ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static int
host_metrics_register(struct sl_ctx *ctx, sl_metrics_cb *cb, void *aux)
{
    if (!cb || (ctx->state != APP_INITING && ctx->state != APP_STARTING)) {
        return EINVAL;
    }
    if (ctx->metrics_cb) {
        return EEXIST;
    }
    ctx->metrics_cb = cb;
    ctx->metrics_aux = aux;
    return 0;
}

/* Logs, once per app, that it wrote a bad metric ('what'). */
static void
metrics_refuse(struct sl_ctx *ctx, const char *what, const char *name)
{
    if (!ctx->metrics_warned) {
        ctx->metrics_warned = true;
        SL_WARN("app '%s': %s '%s' refused (names are "
                "[a-zA-Z_][a-zA-Z0-9_]*, types counter or gauge); its "
                "samples are dropped", ctx->name, what, name ? name : "(null)");
    }
}

static void
host_metric_family(struct sl_metrics *m, const char *name, const char *type,
                   const char *help)
{
    struct sl_ctx *ctx = m->ctx;
    int n;

    m->family[0] = '\0';
    if (!sl_prom_name_ok(name, false)) {
        metrics_refuse(ctx, "metric", name);
        return;
    }
    if (!type || (strcmp(type, "counter") && strcmp(type, "gauge"))) {
        metrics_refuse(ctx, "metric type", type);
        return;
    }
    n = snprintf(m->family, sizeof m->family, "sluice_%s_%s", ctx->name,
                 name);
    if (n < 0 || (size_t) n >= sizeof m->family) {
        m->family[0] = '\0';
        metrics_refuse(ctx, "metric (too long)", name);
        return;
    }
    for (char *c = m->family; *c; c++) {
        if (*c == '-') {
            *c = '_';
        }
    }
    sl_prom_family(m->prom, m->family, type, help ? help : "");
}

static void
host_metric_sample(struct sl_metrics *m, const char *const *labels,
                   double value)
{
    if (!m->family[0]) {
        return;
    }
    for (size_t i = 0; labels && labels[i]; i += 2) {
        if (!sl_prom_name_ok(labels[i], false)) {
            metrics_refuse(m->ctx, "label", labels[i]);
            return;
        }
    }
    sl_prom_sample(m->prom, m->family, value, labels);
}

void
sl_apps_collect_metrics(struct sl_apps *apps, struct sl_prom *prom)
{
    for (size_t i = 0; apps && i < apps->n_apps; i++) {
        struct sl_ctx *ctx = apps->ctxs[i];
        struct sl_metrics m = {.ctx = ctx, .prom = prom};

        if (ctx->metrics_cb && ctx->state == APP_RUNNING) {
            ctx->metrics_cb(ctx, &m, ctx->metrics_aux);
        }
    }
}

static const struct sl_host app_host = {
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

/* ---- loading and unloading ---- */

struct sl_apps *
sl_apps_create(struct event_base *base,
               const struct sl_apps_services *services, void *aux)
{
    struct sl_apps *apps = sl_xcalloc(1, sizeof *apps);

    apps->base = base;
    apps->svc = services;
    apps->aux = aux;
    sl_hmap_init(&apps->owners);
    return apps;
}

/* Cancels the timers of 'ctx', calls its fini if init was called (no
 * timer or subscription is accepted from it), unloads its file and frees
 * it. */
static void
app_unload(struct sl_ctx *ctx)
{
    ctx->state = APP_STOPPED;
    app_timers_cancel(ctx);
    if (ctx->init_called && ctx->def.fini) {
        ctx->def.fini(ctx);
    }
    if (ctx->log_registered) {
        sl_log_unregister(&ctx->log);
    }
    if (ctx->handle) {
        dlclose(ctx->handle);
    }
    sl_hmap_remove(&ctx->apps->owners, &ctx->owner_node);
    free(ctx->config_text);
    free(ctx->path);
    free(ctx->name);
    free(ctx);
}

/* Unloads every app, last first, and forgets their subscriptions. */
static void app_routes_free(struct sl_apps *apps);

static void
app_unload_all(struct sl_apps *apps)
{
    app_routes_free(apps);
    while (apps->n_apps > 0) {
        app_unload(apps->ctxs[--apps->n_apps]);
    }
    free(apps->ctxs);
    apps->ctxs = NULL;
    for (size_t i = 0; i < SL_EV_N_TYPES; i++) {
        free(apps->handlers[i].h);
        memset(&apps->handlers[i], 0, sizeof apps->handlers[i]);
    }
}

/* Finds the file of app 'name' in 'search_path' (see apphost.h).  Returns
 * the path (owned by the caller), or NULL. */
static char *
app_find(const char *name, const char *search_path)
{
    if (strchr(name, '/')) {
        return sl_xstrdup(name);
    }
    for (const char *p = search_path;;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t) (colon - p) : strlen(p);
        if (len > 0) {
            char *path = sl_xasprintf("%.*s/%s.so", (int) len, p, name);
            if (!access(path, F_OK)) {
                return path;
            }
            free(path);
        }
        if (!colon) {
            return NULL;
        }
        p = colon + 1;
    }
}

/* Returns the size of the symbol at 'addr' in its object, or 0 if
 * unknown. */
static size_t
app_symbol_size(const void *addr)
{
#ifdef RTLD_DL_SYMENT
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    if (dladdr1(addr, &info, (void **) &sym, RTLD_DL_SYMENT) && sym) {
        return sym->st_size;
    }
#else
    (void) addr;
#endif
    return 0;
}

/* Opens the file of 'ctx' and checks its descriptor, before any of its
 * code runs.  Returns 0 or an errno with one line in 'err'. */
static int
app_open(struct sl_ctx *ctx, const char *search_path, char *err, size_t errlen)
{
    const char *name = ctx->name;

    ctx->path = app_find(name, search_path);
    if (!ctx->path) {
        sl_format_err(err, errlen, "app '%s': not found in %s", name,
                      search_path);
        return ENOENT;
    }

    dlerror();
    ctx->handle = dlopen(ctx->path, RTLD_NOW | RTLD_LOCAL);
    if (!ctx->handle) {
        const char *why = dlerror();
        sl_format_err(err, errlen, "app '%s': cannot load %s: %s", name,
                      ctx->path, why ? why : "unknown error");
        return ELIBBAD;
    }

    dlerror();
    const uint8_t *sym = dlsym(ctx->handle, "sluice_app");
    if (!sym) {
        sl_format_err(err, errlen,
                      "app '%s': %s has no 'sluice_app' descriptor (not a "
                      "Sluice app?)",
                      name, ctx->path);
        return ELIBBAD;
    }

    size_t sym_size = app_symbol_size(sym);
    if (sym_size && sym_size < APP_DEF_HEADER_LEN) {
        sl_format_err(
            err, errlen,
            "app '%s': %s: 'sluice_app' is %zu bytes, too small for a "
            "descriptor",
            name, ctx->path, sym_size);
        return ENOEXEC;
    }

    struct sl_app_def hdr;
    memcpy(&hdr, sym, APP_DEF_HEADER_LEN);
    if (hdr.abi_major != SL_APP_ABI_MAJOR ||
        hdr.abi_minor > SL_APP_ABI_MINOR) {
        sl_format_err(err, errlen,
                      "app '%s': %s: ABI %u.%u, this sluice speaks "
                      "%u.%u",
                      name, ctx->path, hdr.abi_major, hdr.abi_minor,
                      SL_APP_ABI_MAJOR, SL_APP_ABI_MINOR);
        return ENOEXEC;
    }
    size_t need = app_def_sizes[hdr.abi_minor];
    if (hdr.size < need || (sym_size && sym_size < hdr.size)) {
        sl_format_err(err, errlen,
                      "app '%s': %s: descriptor of %" PRIu32
                      " bytes, ABI %u.%u needs %zu",
                      name, ctx->path,
                      sym_size && sym_size < hdr.size ? (uint32_t) sym_size
                                                      : hdr.size,
                      hdr.abi_major, hdr.abi_minor, need);
        return ENOEXEC;
    }

    memset(&ctx->def, 0, sizeof ctx->def);
    memcpy(&ctx->def, sym,
           hdr.size < sizeof ctx->def ? hdr.size : sizeof ctx->def);
    if (!ctx->def.init) {
        sl_format_err(err, errlen, "app '%s': %s: descriptor has no init",
                      name, ctx->path);
        return EINVAL;
    }
    return 0;
}

/* Checks that the apps of 'cfg' have distinct owner ids.  Returns 0, or
 * EINVAL with one line in 'err'. */
static int
app_check_owners(const struct sl_config *cfg, char *err, size_t errlen)
{
    uint8_t *used = sl_xcalloc((UINT16_MAX + 1) / 8, 1);
    int error = 0;

    uint16_t rest = sl_apps_owner_rest();
    used[rest / 8] |= (uint8_t) (1u << (rest % 8));
    for (size_t i = 0; i < cfg->n_apps && !error; i++) {
        uint16_t id = sl_apps_owner_id(cfg->apps[i].name);
        uint8_t bit = (uint8_t) (1u << (id % 8));

        if (id == rest) {
            sl_format_err(err, errlen,
                          "app '%s' has the flow owner id 0x%04" PRIx16
                          " of the REST API's flows: rename it",
                          cfg->apps[i].name, id);
            error = EINVAL;
            break;
        }

        if (!(used[id / 8] & bit)) {
            used[id / 8] |= bit;
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            if (sl_apps_owner_id(cfg->apps[j].name) == id) {
                sl_format_err(err, errlen,
                              "apps '%s' and '%s' have the same flow owner id "
                              "0x%04" PRIx16 ": rename one",
                              cfg->apps[j].name, cfg->apps[i].name, id);
                break;
            }
        }
        error = EINVAL;
    }
    free(used);
    return error;
}

int
sl_apps_load(struct sl_apps *apps, const struct sl_config *cfg,
             const char *search_path, char *err, size_t errlen)
{
    if (apps->n_apps) {
        sl_format_err(err, errlen, "apps are already loaded");
        return EBUSY;
    }
    if (cfg->n_apps >= UINT16_MAX) {
        sl_format_err(err, errlen, "too many apps (%zu)", cfg->n_apps);
        return EINVAL;
    }
    int error = app_check_owners(cfg, err, errlen);
    if (error) {
        return error;
    }
    if (!search_path) {
        search_path = sl_apps_default_path();
    }

    apps->ctxs = sl_xcalloc(cfg->n_apps, sizeof *apps->ctxs);
    for (size_t i = 0; i < cfg->n_apps; i++) {
        const struct sl_config_app *ca = &cfg->apps[i];
        struct sl_ctx *ctx = sl_xcalloc(1, sizeof *ctx);

        ctx->apps = apps;
        ctx->index = i;
        ctx->name = sl_xstrdup(ca->name);
        ctx->owner = sl_apps_owner_id(ctx->name);
        sl_hmap_insert(&apps->owners, &ctx->owner_node,
                       sl_hash_u64(ctx->owner));
        ctx->state = APP_LOADED;
        sl_list_init(&ctx->timers);
        apps->ctxs[apps->n_apps++] = ctx;

        error = app_open(ctx, search_path, err, errlen);
        if (error) {
            app_unload_all(apps);
            return error;
        }

        ctx->log.name = ctx->name;
        ctx->log.level = SL_LOG_INFO;
        sl_log_register(&ctx->log);
        ctx->log_registered = true;
        ctx->config_text = sl_config_node_text(cfg->doc, ca->config);

        struct sl_app_config section = {cfg->doc, ca->config};
        ctx->state = APP_INITING;
        ctx->init_called = true;
        int ret = ctx->def.init(ctx, &app_host, &section);
        if (ret) {
            ctx->state = APP_STOPPED;
            sl_format_err(err, errlen, "app '%s': %s: init failed: %s",
                          ctx->name, ctx->path, strerror(app_errno(ret)));
            app_unload_all(apps);
            return app_errno(ret);
        }
        ctx->state = APP_READY;
        SL_INFO("app '%s' loaded from %s%s%s", ctx->name, ctx->path,
                ctx->def.description ? ": " : "",
                ctx->def.description ? ctx->def.description : "");
    }
    return 0;
}

/* ---- lifecycle ---- */

/* Stops 'ctx' if it runs: after this no event reaches it and its timers
 * are gone. */
static void
app_stop(struct sl_ctx *ctx)
{
    if (ctx->state != APP_RUNNING) {
        return;
    }
    ctx->state = APP_STOPPED;
    if (ctx->def.stop) {
        ctx->def.stop(ctx);
    }
    app_timers_cancel(ctx);
    SL_DBG("app '%s' stopped", ctx->name);
}

int
sl_apps_start(struct sl_apps *apps, char *err, size_t errlen)
{
    for (size_t i = 0; i < apps->n_apps; i++) {
        struct sl_ctx *ctx = apps->ctxs[i];

        if (ctx->state != APP_READY) {
            continue;
        }
        ctx->state = APP_STARTING;
        int ret = ctx->def.start ? ctx->def.start(ctx) : 0;
        if (ret) {
            /* sluice/app.h: after a failed start, stop, then fini. */
            sl_format_err(err, errlen, "app '%s': start failed: %s", ctx->name,
                          strerror(app_errno(ret)));
            ctx->state = APP_RUNNING;
            do {
                app_stop(apps->ctxs[i]);
            } while (i-- > 0);
            return app_errno(ret);
        }
        ctx->state = APP_RUNNING;
        SL_DBG("app '%s' started", ctx->name);
    }
    return 0;
}

void
sl_apps_stop(struct sl_apps *apps)
{
    for (size_t i = apps->n_apps; i-- > 0;) {
        app_stop(apps->ctxs[i]);
    }
}

void
sl_apps_destroy(struct sl_apps *apps)
{
    if (apps) {
        sl_apps_stop(apps);
        app_unload_all(apps);
        sl_hmap_uninit(&apps->owners);
        free(apps);
    }
}

int
sl_apps_reconfigure(struct sl_apps *apps, const struct sl_config *cfg,
                    char *err, size_t errlen)
{
    bool same = cfg->n_apps == apps->n_apps;
    for (size_t i = 0; same && i < cfg->n_apps; i++) {
        same = !strcmp(cfg->apps[i].name, apps->ctxs[i]->name);
    }
    if (!same) {
        sl_format_err(err, errlen,
                      "the app list changed: restart sluice to apply it");
        return EBUSY;
    }

    int first = 0;
    for (size_t i = 0; i < apps->n_apps; i++) {
        struct sl_ctx *ctx = apps->ctxs[i];
        const struct sl_config_app *ca = &cfg->apps[i];
        char *text = sl_config_node_text(cfg->doc, ca->config);

        if (!ctx->def.reconfigure) {
            if (strcmp(text, ctx->config_text)) {
                SL_WARN("app '%s' cannot reload its config: restart sluice "
                        "to apply it",
                        ctx->name);
            }
            free(text);
            continue;
        }

        struct sl_app_config section = {cfg->doc, ca->config};
        int ret = ctx->def.reconfigure(ctx, &section);
        if (!ret) {
            free(ctx->config_text);
            ctx->config_text = text;
            continue;
        }
        free(text);
        if (!first) {
            first = app_errno(ret);
            sl_format_err(
                err, errlen,
                "app '%s': new config refused (%s): it keeps the old "
                "one",
                ctx->name, strerror(first));
        } else {
            SL_WARN("app '%s': new config refused (%s): it keeps the old "
                    "one",
                    ctx->name, strerror(app_errno(ret)));
        }
    }
    return first;
}

/* ---- dispatch ---- */

static uint64_t
app_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* sl_apps_dispatch() of one dispatch in SL_APPS_TIMING_SAMPLE: the same,
 * and each handler's time is added to its app's sample. */
static void
app_dispatch_timed(struct sl_apps *apps, const struct app_handlers *hs,
                   const struct sl_event *ev)
{
    for (size_t i = 0; i < hs->n; i++) {
        const struct app_handler *h = &hs->h[i];
        struct sl_ctx *ctx = apps->ctxs[h->app];

        if (ctx->state == APP_RUNNING) {
            uint64_t t0 = app_now_ns();
            enum sl_verdict v = h->fn(ctx, ev, h->aux);
            ctx->sampled_ns[ev->type] += app_now_ns() - t0;
            ctx->events[ev->type]++;
            if (v == SL_STOP) {
                break;
            }
        }
    }
}

void
sl_apps_dispatch(struct sl_apps *apps, const struct sl_event *ev)
{
    if (!ev || (unsigned int) ev->type >= SL_EV_N_TYPES) {
        return;
    }

    const struct app_handlers *hs = &apps->handlers[ev->type];
    if (apps->dispatches[ev->type]++ % SL_APPS_TIMING_SAMPLE == 0) {
        app_dispatch_timed(apps, hs, ev);
        return;
    }
    for (size_t i = 0; i < hs->n; i++) {
        const struct app_handler *h = &hs->h[i];
        struct sl_ctx *ctx = apps->ctxs[h->app];

        if (ctx->state == APP_RUNNING) {
            ctx->events[ev->type]++;
            if (h->fn(ctx, ev, h->aux) == SL_STOP) {
                break;
            }
        }
    }
}

/* Returns the app with owner id 'owner', or NULL. */
static struct sl_ctx *
app_find_owner(const struct sl_apps *apps, uint16_t owner)
{
    struct sl_ctx *ctx;

    SL_HMAP_FOR_EACH_HASH(ctx, owner_node, sl_hash_u64(owner), &apps->owners)
    {
        if (ctx->owner == owner) {
            return ctx;
        }
    }
    return NULL;
}

void
sl_apps_dispatch_to_owner(struct sl_apps *apps, uint16_t owner,
                          const struct sl_event *ev)
{
    struct sl_ctx *ctx = app_find_owner(apps, owner);

    if (!ev || (unsigned int) ev->type >= SL_EV_N_TYPES || !ctx) {
        return;
    }

    size_t app = ctx->index;
    const struct app_handlers *hs = &apps->handlers[ev->type];
    for (size_t i = 0; i < hs->n && ctx->state == APP_RUNNING; i++) {
        const struct app_handler *h = &hs->h[i];

        if (h->app == app && h->fn(ctx, ev, h->aux) == SL_STOP) {
            break;
        }
    }
}

/* ---- queries ---- */

size_t
sl_apps_count(const struct sl_apps *apps)
{
    return apps->n_apps;
}

bool
sl_apps_info(const struct sl_apps *apps, size_t i, struct sl_app_info *info)
{
    static const char *const states[] = {
        [APP_LOADED] = "loaded",     [APP_INITING] = "initialising",
        [APP_READY] = "initialised", [APP_STARTING] = "starting",
        [APP_RUNNING] = "running",   [APP_STOPPED] = "stopped",
    };

    if (i >= apps->n_apps) {
        return false;
    }
    const struct sl_ctx *ctx = apps->ctxs[i];
    memset(info, 0, sizeof *info);
    info->name = ctx->name;
    info->description = ctx->def.description ? ctx->def.description : "";
    info->path = ctx->path ? ctx->path : "";
    info->abi_major = ctx->def.abi_major;
    info->abi_minor = ctx->def.abi_minor;
    info->owner = ctx->owner;
    info->state = states[ctx->state];
    for (int t = 0; t < SL_EV_N_TYPES; t++) {
        info->events[t] = ctx->events[t];
        info->handler_seconds[t] = (double) ctx->sampled_ns[t]
                                   * SL_APPS_TIMING_SAMPLE / 1e9;
    }
    return true;
}

uint16_t
sl_apps_owner_rest(void)
{
    return sl_apps_owner_id(SL_OWNER_REST_NAME);
}

const char *
sl_apps_owner_name(const struct sl_apps *apps, uint16_t owner)
{
    if (owner == SL_OWNER_CORE) {
        return "sluice";
    }
    if (owner == sl_apps_owner_rest()) {
        return SL_OWNER_REST_NAME;
    }

    const struct sl_ctx *ctx = app_find_owner(apps, owner);
    return ctx ? ctx->name : NULL;
}

bool
sl_apps_owner_adopts(const struct sl_apps *apps, uint16_t owner)
{
    if (owner == sl_apps_owner_rest()) {
        return true;
    }
    const struct sl_ctx *ctx = app_find_owner(apps, owner);
    return ctx && (ctx->def.flags & SL_APP_F_ADOPT_FLOWS);
}

bool
sl_apps_packet_l2_only(const struct sl_apps *apps)
{
    const struct app_handlers *hs = &apps->handlers[SL_EV_PACKET_IN];

    for (size_t i = 0; i < hs->n; i++) {
        if (!(apps->ctxs[hs->h[i].app]->def.flags & SL_APP_F_PACKET_L2)) {
            return false;
        }
    }
    return true;
}

uint16_t
sl_apps_owner_id(const char *name)
{
    /* 32-bit FNV-1a, spelled out here: the ids live in the cookies of
     * installed flows, so this function must never change. */
    uint32_t h = 2166136261u;

    for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
        h = (h ^ *p) * 16777619u;
    }
    h ^= h >> 16;
    return (uint16_t) (h % 0xfffeu + 1); /* 0x0001..0xfffe */
}

const char *
sl_apps_default_path(void)
{
    return SL_APPS_DIR;
}
