/* hub: turns every switch into a hub -- the example Sluice app, read with
 * docs/plugins.md.  On SWITCH_UP it desires, in pipeline table "l2", one
 * flow that floods every packet; on PACKET_IN (packets sent before that
 * flow was in place) it floods the packet.  Config (optional):
 *     apps: [{name: hub, config: {priority: 1}}]
 * Built out of tree: cc -shared -fPIC $(pkg-config --cflags sluice) ... */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include "sluice/app.h"

/* The host table: one for every app, valid until fini returns. */
static const struct sl_host *host;

/* Per loaded instance; our callbacks get it as 'aux'. */
struct hub {
    int table;         /* id of the pipeline table "l2" */
    uint16_t priority; /* of the flood flow (config 'priority') */
};

/* Reads our section: none, or a mapping with an integer 'priority'. */
static int
hub_read_config(struct sl_ctx *ctx, struct hub *hub,
                const struct sl_app_config *cfg)
{
    static const char *const keys[] = {"priority"};
    unsigned long n = hub->priority;
    int error = sl_app_config_check_keys(cfg, keys, 1);

    if (!error) {
        error = sl_app_config_get_uint(cfg, "priority", UINT16_MAX, &n);
    }
    if (error && error != ENOENT) { /* ENOENT: the default stays */
        host->log(ctx, SL_APP_LOG_ERR, "config: want {priority: 0..65535}");
        return EINVAL;
    }
    hub->priority = (uint16_t) n;
    return 0;
}

/* The switch's verdict on our flow: called once per flow_add. */
static void
hub_flow_done(void *ctx, uint64_t dpid, enum ofperr error)
{
    /* 0 installed, SL_FLOW_ABORTED session ended, else an enum ofperr */
    host->log(ctx, error ? SL_APP_LOG_WARN : SL_APP_LOG_INFO,
              "switch %016" PRIx64 ": flood flow %s (%d)", dpid,
              error ? "not installed" : "installed", (int) error);
}

static enum sl_verdict
hub_switch_up(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct hub *hub = aux;
    /* Plain structs: the host copies what it keeps. */
    struct ofp_action flood = {OFPAT_OUTPUT, .output = {.port = OFPP_FLOOD}};
    struct ofp_instruction apply = {OFPIT_APPLY_ACTIONS,
                                    .actions = {1, &flood}};
    struct sl_flow_spec spec = {
        .table_id = (uint8_t) hub->table,
        .priority = hub->priority,
        .match = {.type = OFPMT_OXM, .n_oxms = 0}, /* every packet */
        .instructions = {1, &apply},
    };
    if (host->flow_add(ctx, ev->dpid, &spec, hub_flow_done, ctx)) {
        host->log(ctx, SL_APP_LOG_ERR, "flow_add refused our flow");
    }
    return SL_CONTINUE; /* other apps want to see switches come up too */
}

static enum sl_verdict
hub_packet_in(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    const struct ofp_packet_in *pi = &ev->msg->packet_in;
    struct ofp_action flood = {OFPAT_OUTPUT, .output = {.port = OFPP_FLOOD}};
    struct ofp_packet_out po = {
        .buffer_id = pi->buffer_id,
        .in_port = ev->packet_in.in_port,
        .actions = {1, &flood},
        /* a packet buffered on the switch is named by its id */
        .len = pi->buffer_id == OFP_NO_BUFFER ? pi->len : 0,
        .data = pi->data,
    };

    (void) aux;
    host->packet_out(ctx, ev->dpid, &po);
    return SL_STOP; /* handled: lower-priority handlers do not see it */
}

static int
hub_init(struct sl_ctx *ctx, const struct sl_host *h,
         const struct sl_app_config *cfg)
{
    struct hub *hub = calloc(1, sizeof *hub);
    host = h;
    if (!hub) {
        return ENOMEM;
    }
    host->set_data(ctx, hub); /* fini frees it, even after a failed init */
    hub->priority = 1; /* just above table l2's miss flow (priority 0) */
    hub->table = host->table_id(ctx, "l2");
    if (hub->table < 0 || hub_read_config(ctx, hub, cfg)) {
        return EINVAL; /* sluice does not start, naming this app */
    }
    host->subscribe(ctx, SL_EV_SWITCH_UP, 0, hub_switch_up, hub);
    host->subscribe(ctx, SL_EV_PACKET_IN, 0, hub_packet_in, hub);
    return 0;
}

static int
hub_start(struct sl_ctx *ctx)
{
    host->log(ctx, SL_APP_LOG_INFO, "started");
    return 0;
}

static void
hub_stop(struct sl_ctx *ctx)
{
    host->log(ctx, SL_APP_LOG_INFO, "stopped (our flows stay in place)");
}

static void
hub_fini(struct sl_ctx *ctx)
{
    free(host->get_data(ctx));
}

/* The one symbol the host looks for. */
const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "hub",
    .description = "floods every packet on every switch",
    .init = hub_init,
    .start = hub_start,
    .stop = hub_stop,
    .fini = hub_fini,
    .flags = SL_APP_F_PACKET_L2, /* floods without reading the frame */
};
