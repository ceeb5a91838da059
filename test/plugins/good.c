/* good: a well-formed test plugin for test-apphost.
 *
 * Loaded under several names (through symlinks), it records every call it
 * gets as a log line through the host ("init greeting=...", "start", "h1",
 * ...), so the test reads the order of calls, per app, from the log sink.
 * Its config section (a mapping) steers it:
 *
 *     greeting: TEXT    logged by init and reconfigure
 *     priority: N       priority of its PACKET_IN and SWITCH_UP handlers
 *     stop: true        its first PACKET_IN handler returns SL_STOP
 *     fail_start: true  start returns ECONNREFUSED
 *     reject: true      (in a new section) reconfigure returns EINVAL
 *
 * 'good_ctxs' and 'good_host' let the test call host functions as the
 * app would.  Its metrics collector (registered in start; the results of
 * that and of two refused registrations are in 'good_metrics_errors')
 * writes sluice_<app>_greetings_total{greeting="TEXT"} 1 and, to be
 * refused, a family with a bad name and a sample with a bad label. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "sluice/app.h"

#define GOOD_MAX 8

struct sl_ctx *good_ctxs[GOOD_MAX];
unsigned int good_n_ctxs;
const struct sl_host *good_host;
int good_metrics_errors[3];

struct good {
    char greeting[64];
    int priority;
    bool stop;
    bool fail_start;
};

struct good_section {
    char greeting[64];
    int priority;
    bool stop, fail_start, reject;
};

static yaml_node_t *
good_node(yaml_document_t *doc, int id)
{
    return (id > 0 && doc->nodes.start + id <= doc->nodes.top
                ? doc->nodes.start + id - 1
                : NULL);
}

static void
good_parse(const struct sl_app_config *cfg, struct good_section *s)
{
    memcpy(s->greeting, "(none)", sizeof "(none)");
    s->priority = 0;
    s->stop = s->fail_start = s->reject = false;
    if (!cfg->node || cfg->node->type != YAML_MAPPING_NODE) {
        return;
    }
    for (yaml_node_pair_t *p = cfg->node->data.mapping.pairs.start;
         p < cfg->node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = good_node(cfg->doc, p->key);
        yaml_node_t *v = good_node(cfg->doc, p->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE ||
            v->type != YAML_SCALAR_NODE) {
            continue;
        }
        const char *key = (const char *) k->data.scalar.value;
        const char *val = (const char *) v->data.scalar.value;
        bool yes = !strcmp(val, "true");
        if (!strcmp(key, "greeting")) {
            size_t n = strlen(val);
            n = n < sizeof s->greeting - 1 ? n : sizeof s->greeting - 1;
            memcpy(s->greeting, val, n);
            s->greeting[n] = '\0';
        } else if (!strcmp(key, "priority")) {
            s->priority = atoi(val);
        } else if (!strcmp(key, "stop")) {
            s->stop = yes;
        } else if (!strcmp(key, "fail_start")) {
            s->fail_start = yes;
        } else if (!strcmp(key, "reject")) {
            s->reject = yes;
        }
    }
}

static enum sl_verdict
good_h1(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct good *g = aux;
    good_host->log(ctx, SL_APP_LOG_INFO, "h1 dpid=%llu",
                   (unsigned long long) ev->dpid);
    return g->stop ? SL_STOP : SL_CONTINUE;
}

static enum sl_verdict
good_h2(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    (void) aux;
    good_host->log(ctx, SL_APP_LOG_INFO, "h2 dpid=%llu",
                   (unsigned long long) ev->dpid);
    return SL_CONTINUE;
}

static enum sl_verdict
good_up(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    (void) aux;
    good_host->log(ctx, SL_APP_LOG_INFO, "up dpid=%llu",
                   (unsigned long long) ev->dpid);
    return SL_CONTINUE;
}

/* Subscribing after start must be refused. */
static enum sl_verdict
good_down(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    (void) ev;
    int error = good_host->subscribe(ctx, SL_EV_ERROR, 0, good_h2, aux);
    good_host->log(ctx, SL_APP_LOG_INFO, "late subscribe=%d", error);
    return SL_CONTINUE;
}

static int
good_init(struct sl_ctx *ctx, const struct sl_host *host,
          const struct sl_app_config *cfg)
{
    struct good_section s;
    struct good *g = calloc(1, sizeof *g);

    if (!g) {
        return ENOMEM;
    }
    good_host = host;
    if (good_n_ctxs < GOOD_MAX) {
        good_ctxs[good_n_ctxs++] = ctx;
    }
    host->set_data(ctx, g);
    good_parse(cfg, &s);
    memcpy(g->greeting, s.greeting, sizeof g->greeting);
    g->priority = s.priority;
    g->stop = s.stop;
    g->fail_start = s.fail_start;
    host->log(ctx, SL_APP_LOG_INFO, "init greeting=%s priority=%d", s.greeting,
              s.priority);

    int bad1 = host->subscribe(ctx, SL_EV_N_TYPES, 0, good_h1, g);
    int bad2 = host->subscribe(ctx, (enum sl_event_type) - 1, 0, good_h1, g);
    int bad3 = host->subscribe(ctx, SL_EV_PACKET_IN, 0, NULL, g);
    host->log(ctx, SL_APP_LOG_INFO, "bad type=%d,%d,%d", bad1, bad2, bad3);

    if (host->subscribe(ctx, SL_EV_PACKET_IN, g->priority, good_h1, g) ||
        host->subscribe(ctx, SL_EV_PACKET_IN, g->priority, good_h2, g) ||
        host->subscribe(ctx, SL_EV_SWITCH_DOWN, 0, good_down, g)) {
        return EINVAL;
    }
    return 0;
}

static void
good_metrics(struct sl_ctx *ctx, struct sl_metrics *m, void *aux)
{
    struct good *g = aux;

    (void) ctx;
    good_host->metric_family(m, "greetings_total", "counter",
                             "Greetings \\ said.");
    good_host->metric_sample(m, (const char *[]){"greeting", g->greeting,
                                                 NULL}, 1);
    good_host->metric_sample(m, (const char *[]){"1bad", "x", NULL}, 2);
    good_host->metric_family(m, "bad-name", "counter", "Refused.");
    good_host->metric_sample(m, NULL, 3);
    good_host->metric_family(m, "odd_type", "histogram", "Refused.");
    good_host->metric_sample(m, NULL, 4);
}

static int
good_start(struct sl_ctx *ctx)
{
    struct good *g = good_host->get_data(ctx);

    good_metrics_errors[0] = good_host->metrics_register(ctx, good_metrics,
                                                         g);
    good_metrics_errors[1] = good_host->metrics_register(ctx, good_metrics,
                                                         g);
    good_metrics_errors[2] = good_host->metrics_register(ctx, NULL, g);
    int error =
        good_host->subscribe(ctx, SL_EV_SWITCH_UP, g->priority, good_up, g);
    good_host->log(ctx, SL_APP_LOG_INFO, "start subscribe=%d", error);
    return g->fail_start ? ECONNREFUSED : 0;
}

static void
good_stop(struct sl_ctx *ctx)
{
    good_host->log(ctx, SL_APP_LOG_INFO, "stop");
}

static void
good_fini(struct sl_ctx *ctx)
{
    good_host->log(ctx, SL_APP_LOG_INFO, "fini");
    free(good_host->get_data(ctx));
}

static int
good_reconfigure(struct sl_ctx *ctx, const struct sl_app_config *cfg)
{
    struct good_section s;

    good_parse(cfg, &s);
    good_host->log(ctx, SL_APP_LOG_INFO, "reconfigure greeting=%s",
                   s.greeting);
    return s.reject ? EINVAL : 0;
}

const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "good",
    .description = "test plugin that logs every call",
    .init = good_init,
    .start = good_start,
    .stop = good_stop,
    .fini = good_fini,
    .reconfigure = good_reconfigure,
};
