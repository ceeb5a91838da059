/* harness_probe: a test plugin for test-app-harness, loaded by the fake
 * host of test/app-harness.h as "test/plugins/.libs/harness_probe.so".
 *
 * It logs every event it gets, one line each ("ev PACKET_IN dpid=1
 * table=3 ..."), so the test reads what the harness delivered from the
 * log, and it serves REST routes and a metrics collector whose answers
 * the test compares.  'harness_probe_ctx' and 'harness_probe_host' let
 * the test call any host function as the app would.
 *
 * Config (a mapping, every key optional):
 *     priority: N    priority of its event handlers (default 10); a second
 *                    PACKET_IN handler runs at N - 1 and logs "pi2"
 *     stop: 1        the first PACKET_IN handler returns SL_STOP
 *     fail_init: 1   init returns EINVAL (after logging "init failing")
 *     fail_start: 1  start returns ECONNREFUSED
 *     tick: N        a repeating timer of N seconds logs "tick"
 *
 * Routes, under /api/v1/apps/harness_probe:
 *     GET ""                 {"app": "harness_probe"}
 *     GET, POST, DELETE /items/{id}
 *                            200, text: method, path, subpath, query,
 *                            params ("name:value,..."), body_len, body
 *     GET /items/special     200 "special" (a literal beats {id})
 *     GET /files/{rest...}   the same echo as /items
 *     GET /silent            no answer
 *     POST /created          201 "{}"
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sluice/app.h"

struct sl_ctx *harness_probe_ctx;
const struct sl_host *harness_probe_host;

static const struct sl_host *host;

struct probe {
    unsigned long priority;
    unsigned long stop, fail_init, fail_start, tick;
    unsigned long events[SL_EV_N_TYPES];
    struct sl_timer *ticker;
};

static const char *const probe_ev_names[SL_EV_N_TYPES] = {
    "SWITCH_UP", "SWITCH_DOWN", "PORT_STATUS", "PACKET_IN",   "FLOW_REMOVED",
    "ERROR",     "STATS_REPLY", "PORT_UP",     "PORT_DOWN",   "LINK_UP",
    "LINK_DOWN", "HOST_ADD",    "HOST_MOVE",   "HOST_REMOVE", "TREE_CHANGED",
};

/* Reads the config into 'p'.  Returns 0 or EINVAL (logged). */
static int
probe_config(struct sl_ctx *ctx, struct probe *p,
             const struct sl_app_config *cfg)
{
    static const char *const keys[] = {"priority", "stop", "fail_init",
                                       "fail_start", "tick"};
    unsigned long *values[] = {&p->priority, &p->stop, &p->fail_init,
                               &p->fail_start, &p->tick};
    int error = sl_app_config_check_keys(cfg, keys, 5);

    for (size_t i = 0; i < 5 && !error; i++) {
        error = sl_app_config_get_uint(cfg, keys[i], 1000, values[i]);
        if (error == ENOENT) {
            error = 0;
        }
    }
    if (error) {
        host->log(ctx, SL_APP_LOG_ERR,
                  "config: want {priority, stop, "
                  "fail_init, fail_start, tick}");
        return EINVAL;
    }
    return 0;
}

static enum sl_verdict
probe_event(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct probe *p = aux;
    char line[512];
    int n =
        snprintf(line, sizeof line, "ev %s dpid=%" PRIx64 " sw=%s",
                 probe_ev_names[ev->type], ev->dpid, ev->sw ? "yes" : "no");
    size_t used = n > 0 ? (size_t) n : 0;

    p->events[ev->type]++;
    switch (ev->type) {
    case SL_EV_PACKET_IN: {
        const struct ofp_packet_in *pi = &ev->msg->packet_in;
        const struct ofp_oxm *in = NULL;
        const struct ofp_packet *pkt = ev->packet_in.pkt;
        for (size_t i = 0; i < pi->match.n_oxms; i++) {
            if (pi->match.oxms[i].cls == OFPXMC_OPENFLOW_BASIC &&
                pi->match.oxms[i].field == OFPXMT_OFB_IN_PORT) {
                in = &pi->match.oxms[i];
            }
        }
        snprintf(line + used, sizeof line - used,
                 " table=%u reason=%u cookie=%" PRIx64 " buffer=%" PRIx32
                 " in_port=%" PRIu32 " oxm_in_port=%" PRIu32
                 " len=%zu total=%u eth_type=%04x",
                 (unsigned) pi->table_id, (unsigned) pi->reason, pi->cookie,
                 pi->buffer_id, ev->packet_in.in_port, in ? in->value.u32 : 0,
                 pi->len, (unsigned) pi->total_len,
                 pkt ? (unsigned) pkt->eth_type : 0);
        break;
    }
    case SL_EV_PORT_UP:
    case SL_EV_PORT_DOWN:
        snprintf(line + used, sizeof line - used, " port=%" PRIu32 " name=%s",
                 ev->port.port->port_no, ev->port.port->name);
        break;
    case SL_EV_LINK_UP:
    case SL_EV_LINK_DOWN: {
        const struct sl_link *l = ev->link.link;
        snprintf(line + used, sizeof line - used,
                 " link=%" PRIx64 ":%" PRIu32 "->%" PRIx64 ":%" PRIu32
                 " reason=%s",
                 l->src_dpid, l->src_port, l->dst_dpid, l->dst_port,
                 ev->link.reason ? ev->link.reason : "-");
        break;
    }
    case SL_EV_HOST_ADD:
    case SL_EV_HOST_MOVE:
    case SL_EV_HOST_REMOVE: {
        const struct sl_topo_host *h = ev->host.host;
        snprintf(line + used, sizeof line - used,
                 " host=%02x:%02x:%02x:%02x:%02x:%02x vlan=%u at=%" PRIx64
                 ":%" PRIu32 " old=%" PRIx64 ":%" PRIu32 " ipv4=%u",
                 h->mac[0], h->mac[1], h->mac[2], h->mac[3], h->mac[4],
                 h->mac[5], (unsigned) h->vlan, h->dpid, h->port_no,
                 ev->host.old_dpid, ev->host.old_port, (unsigned) h->n_ipv4);
        break;
    }
    case SL_EV_TREE_CHANGED:
        snprintf(line + used, sizeof line - used, " links=%zu switches=%zu",
                 ev->tree.n_tree_links, ev->tree.n_switches);
        break;
    case SL_EV_ERROR:
        snprintf(line + used, sizeof line - used,
                 " code=%#x type=%u flow=%s table=%u priority=%u",
                 (unsigned) ev->error.code,
                 ev->msg ? (unsigned) ev->msg->error.type : 999,
                 ev->error.flow ? "yes" : "no",
                 ev->error.flow ? (unsigned) ev->error.flow->table_id : 0,
                 ev->error.flow ? (unsigned) ev->error.flow->priority : 0);
        break;
    case SL_EV_STATS_REPLY:
        snprintf(line + used, sizeof line - used, " xid=%" PRIu32,
                 ev->msg->xid);
        break;
    case SL_EV_SWITCH_UP:
    case SL_EV_SWITCH_DOWN:
        snprintf(line + used, sizeof line - used, " ports=%zu",
                 ev->sw->n_ports);
        break;
    default:
        break;
    }
    host->log(ctx, SL_APP_LOG_INFO, "%s", line);
    return ev->type == SL_EV_PACKET_IN && p->stop ? SL_STOP : SL_CONTINUE;
}

static enum sl_verdict
probe_packet_in2(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    (void) ev;
    (void) aux;
    host->log(ctx, SL_APP_LOG_INFO, "pi2");
    return SL_CONTINUE;
}

static const char *
probe_method(unsigned m)
{
    switch (m) {
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

static void
probe_root(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    static const char body[] = "{\"app\": \"harness_probe\"}";

    (void) aux;
    host->rest_reply(ctx, req, 200, NULL, body, sizeof body - 1);
}

static void
probe_echo(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    char params[256] = "";
    size_t used = 0;
    char *text;
    size_t size;
    int n;

    (void) aux;
    for (size_t i = 0; i < req->n_params && used < sizeof params; i++) {
        n = snprintf(params + used, sizeof params - used, "%s%s:%s",
                     i ? "," : "", req->param_names[i], req->param_values[i]);
        if (n < 0) {
            break;
        }
        used += (size_t) n;
    }
    size = strlen(req->path) + strlen(req->subpath) + strlen(req->query) +
           strlen(params) + req->body_len + 128;
    text = malloc(size);
    if (!text) {
        host->rest_reply(ctx, req, 500, "text/plain", "no memory", 9);
        return;
    }
    n = snprintf(text, size,
                 "method=%s\npath=%s\nsubpath=%s\nquery=%s\nparams=%s\n"
                 "body_len=%zu\nbody=%s\n",
                 probe_method(req->method), req->path, req->subpath,
                 req->query, params, req->body_len, req->body);
    host->rest_reply(ctx, req, 200, "text/plain", text,
                     n > 0 ? (size_t) n : 0);
    free(text);
}

static void
probe_special(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    (void) aux;
    host->rest_reply(ctx, req, 200, "text/plain", "special", 7);
}

static void
probe_silent(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    (void) ctx;
    (void) req;
    (void) aux;
}

static void
probe_created(struct sl_ctx *ctx, const struct sl_rest_request *req, void *aux)
{
    (void) aux;
    host->rest_reply(ctx, req, 201, NULL, "{}", 2);
}

static void
probe_metrics(struct sl_ctx *ctx, struct sl_metrics *m, void *aux)
{
    struct probe *p = aux;

    (void) ctx;
    host->metric_sample(m, NULL, 1); /* no family yet */
    host->metric_family(m, "up", "gauge", "Always 1.\nTwo \\ lines.");
    host->metric_sample(m, NULL, 1);
    host->metric_family(m, "events_total", "counter", "Events seen.");
    for (int t = 0; t < SL_EV_N_TYPES; t++) {
        if (p->events[t]) {
            host->metric_sample(
                m, (const char *[]){"type", probe_ev_names[t], NULL},
                (double) p->events[t]);
        }
    }
    host->metric_family(m, "bad-name", "gauge", "Dropped.");
    host->metric_sample(m, NULL, 2);
    host->metric_family(m, "histo", "histogram", "Dropped too.");
    host->metric_sample(m, NULL, 3);
    host->metric_family(m, "labels", "gauge", "Label values escaped.");
    host->metric_sample(m, (const char *[]){"a", "q\"b\\n\nx", "b", "", NULL},
                        0.25);
    host->metric_sample(m, (const char *[]){"1x", "bad", NULL}, 4);
}

static void
probe_tick(struct sl_ctx *ctx, void *aux)
{
    (void) aux;
    host->log(ctx, SL_APP_LOG_INFO, "tick at %.3f", host->now(ctx));
}

/* Tries registrations the host must refuse (and two it must take) and
 * logs their results on one line. */
static void
probe_bad_registrations(struct sl_ctx *ctx, struct probe *p)
{
    static const char *const patterns[] = {
        "nope",         "/a//b", "/a/",    "/{x",   "/{x}/{x}",
        "/{t...}/more", "/a?b",  "/{b@d}", "/a{b}",
    };
    char line[256] = "bad registrations:";
    size_t n = strlen(line);

    for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
        n += (size_t) snprintf(
            line + n, sizeof line - n, " %d",
            host->rest_route(ctx, SL_REST_GET, patterns[i], probe_silent, p));
    }
    n += (size_t) snprintf(line + n, sizeof line - n, " %d %d %d %d %d",
                           host->rest_route(ctx, 0, "/ok", probe_silent, p),
                           host->rest_route(ctx, 0x10, "/ok", probe_silent, p),
                           host->rest_route(ctx, SL_REST_DELETE,
                                            "/items/{other}", probe_silent, p),
                           host->rest_route(ctx, SL_REST_PUT,
                                            "/files/{x}/{y...}", probe_silent,
                                            p),
                           host->metrics_register(ctx, probe_metrics, p));
    host->log(ctx, SL_APP_LOG_INFO, "%s.", line);
}

static int
probe_init(struct sl_ctx *ctx, const struct sl_host *h,
           const struct sl_app_config *cfg)
{
    struct probe *p = calloc(1, sizeof *p);

    host = h;
    harness_probe_host = h;
    harness_probe_ctx = ctx;
    if (!p) {
        return ENOMEM;
    }
    host->set_data(ctx, p);
    p->priority = 10;
    if (probe_config(ctx, p, cfg)) {
        return EINVAL;
    }
    host->log(ctx, SL_APP_LOG_INFO, "init %s abi %u.%u config=%s",
              host->name(ctx), (unsigned) host->abi_major,
              (unsigned) host->abi_minor, cfg->node ? "yes" : "no");
    if (p->fail_init) {
        host->log(ctx, SL_APP_LOG_ERR, "init failing");
        return EINVAL;
    }
    for (int t = 0; t < SL_EV_N_TYPES; t++) {
        if (t != SL_EV_PACKET_IN &&
            host->subscribe(ctx, (enum sl_event_type) t, (int) p->priority,
                            probe_event, p)) {
            return EINVAL;
        }
    }
    if (host->subscribe(ctx, SL_EV_PACKET_IN, (int) p->priority - 1,
                        probe_packet_in2, p) ||
        host->rest_route(ctx, SL_REST_GET, "", probe_root, p) ||
        host->rest_route(ctx, SL_REST_GET | SL_REST_POST | SL_REST_DELETE,
                         "/items/{id}", probe_echo, p) ||
        host->rest_route(ctx, SL_REST_GET, "/items/special", probe_special,
                         p) ||
        host->rest_route(ctx, SL_REST_GET, "/files/{rest...}", probe_echo,
                         p) ||
        host->rest_route(ctx, SL_REST_GET, "/silent", probe_silent, p) ||
        host->rest_route(ctx, SL_REST_POST, "/created", probe_created, p) ||
        host->metrics_register(ctx, probe_metrics, p)) {
        host->log(ctx, SL_APP_LOG_ERR, "registration failed");
        return EINVAL;
    }
    probe_bad_registrations(ctx, p);
    return 0;
}

static int
probe_start(struct sl_ctx *ctx)
{
    struct probe *p = host->get_data(ctx);

    /* Subscribing in start is allowed too (after the second handler, at
     * the same priority: in subscription order). */
    if (host->subscribe(ctx, SL_EV_PACKET_IN, (int) p->priority, probe_event,
                        p)) {
        return EINVAL;
    }
    if (p->tick) {
        p->ticker =
            host->timer_add(ctx, (double) p->tick, true, probe_tick, p);
    }
    host->log(ctx, SL_APP_LOG_INFO, "start");
    return p->fail_start ? ECONNREFUSED : 0;
}

static void
probe_stop(struct sl_ctx *ctx)
{
    host->log(ctx, SL_APP_LOG_INFO, "stop");
}

static void
probe_fini(struct sl_ctx *ctx)
{
    free(host->get_data(ctx));
    harness_probe_ctx = NULL;
}

static int
probe_reconfigure(struct sl_ctx *ctx, const struct sl_app_config *cfg)
{
    struct probe *p = host->get_data(ctx);
    struct probe fresh = {.priority = p->priority};

    if (probe_config(ctx, &fresh, cfg)) {
        return EINVAL;
    }
    p->stop = fresh.stop;
    host->log(ctx, SL_APP_LOG_INFO, "reconfigured stop=%lu", p->stop);
    return 0;
}

const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "harness_probe",
    .description = "calls every host function for test-app-harness",
    .init = probe_init,
    .start = probe_start,
    .stop = probe_stop,
    .fini = probe_fini,
    .reconfigure = probe_reconfigure,
};
