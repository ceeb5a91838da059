/* flowpush: the plugin behind the flow-push benchmark (test/bench/
 * flowpush.py).  It measures how long Sluice's flow programmer takes to
 * install N flows into a switch and see every one confirmed by a barrier.
 *
 * When a switch comes up it takes a monotonic timestamp and states N
 * desired flows through the host (sluice/flow.h): table T, priority P,
 * eth_dst = 02:00:ii:ii:ii:ii (a locally administered MAC holding the
 * flow's 32-bit index) -> APPLY_ACTIONS OUTPUT:1, each with a completion
 * callback.  When all N have completed it logs, at info, one line:
 *
 *     flowpush: N flows confirmed on DPID in S.SSS s, E errors
 *
 * (DPID as 16 hex digits; E counts completions with an error, including a
 * flow the host refused at once).  Config (optional, strict keys):
 *
 *     apps: [{name: flowpush, config: {flows: 100000, table: 0,
 *                                      priority: 1000}}]
 *
 * State: one 'struct fpush_run' per switch that came up, in a small table
 * keyed by dpid; nothing per flow (the host copies each flow).  A switch
 * that goes down mid-way is logged and forgotten; its run record leaves
 * the table at once but stays allocated until its last outstanding
 * completion has come back (the host calls every completion before fini),
 * so those late calls never touch freed memory nor count for a later run
 * of the same switch. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sluice/app.h"

#define FPUSH_BUCKETS 16 /* switches, by dpid */
#define FPUSH_MAX_FLOWS 10000000UL

static const struct sl_host *host;

struct fpush;

/* One switch's push, from its SWITCH_UP until every completion is back. */
struct fpush_run {
    struct fpush_run *next; /* in a bucket of 'runs', or in 'dead' */
    struct fpush *fpush;
    uint64_t dpid;
    struct timespec start;
    uint32_t n_done;   /* completions so far (refusals included) */
    uint32_t n_errors; /* of which with an error */
    bool dead;         /* forgotten: completions are only counted down */
};

/* Per loaded instance. */
struct fpush {
    struct sl_ctx *ctx;
    uint32_t n_flows;
    uint8_t table;
    uint16_t priority;
    struct fpush_run *runs[FPUSH_BUCKETS];
    struct fpush_run *dead; /* forgotten runs awaiting completions */
};

static struct fpush_run **
fpush_slot(struct fpush *fp, uint64_t dpid)
{
    struct fpush_run **p = &fp->runs[(dpid ^ dpid >> 32) % FPUSH_BUCKETS];

    while (*p && (*p)->dpid != dpid) {
        p = &(*p)->next;
    }
    return p;
}

/* Removes 'run' from the list starting at '*head'. */
static void
fpush_unlink(struct fpush_run **head, struct fpush_run *run)
{
    while (*head && *head != run) {
        head = &(*head)->next;
    }
    if (*head) {
        *head = run->next;
    }
}

static void
fpush_free_list(struct fpush_run *run)
{
    while (run) {
        struct fpush_run *next = run->next;
        free(run);
        run = next;
    }
}

/* Takes the run at 'slot' out of the table: freed now if nothing is
 * outstanding, else parked in 'dead' until the last completion. */
static void
fpush_forget(struct fpush *fp, struct fpush_run **slot)
{
    struct fpush_run *run = *slot;

    *slot = run->next;
    if (run->n_done == run->fpush->n_flows) {
        free(run);
        return;
    }
    run->dead = true;
    run->next = fp->dead;
    fp->dead = run;
}

static double
fpush_elapsed(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double) (now.tv_sec - start->tv_sec) +
           (double) (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Counts one completion of 'run' ('failed': with an error). */
static void
fpush_count(struct fpush_run *run, bool failed)
{
    struct fpush *fp = run->fpush;

    run->n_done++;
    run->n_errors += failed;
    if (run->n_done < fp->n_flows) {
        return;
    }
    if (run->dead) {
        fpush_unlink(&fp->dead, run);
        free(run);
        return;
    }
    host->log(fp->ctx, SL_APP_LOG_INFO,
              "flowpush: %" PRIu32 " flows confirmed on %016" PRIx64
              " in %.3f s, %" PRIu32 " errors",
              fp->n_flows, run->dpid, fpush_elapsed(&run->start),
              run->n_errors);
}

static void
fpush_flow_done(void *run_, uint64_t dpid, enum ofperr error)
{
    (void) dpid;
    fpush_count(run_, error != 0);
}

static enum sl_verdict
fpush_switch_up(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct fpush *fp = aux;
    struct fpush_run **slot = fpush_slot(fp, ev->dpid);

    if (*slot) {
        struct fpush_run *old = *slot;
        if (old->n_done < fp->n_flows) {
            host->log(ctx, SL_APP_LOG_INFO,
                      "flowpush: %016" PRIx64 " came up again after %" PRIu32
                      " of %" PRIu32 " flows; starting over",
                      ev->dpid, old->n_done, fp->n_flows);
        }
        fpush_forget(fp, slot);
    }

    struct fpush_run *run = calloc(1, sizeof *run);
    if (!run) {
        host->log(ctx, SL_APP_LOG_ERR, "flowpush: out of memory");
        return SL_CONTINUE;
    }
    run->fpush = fp;
    run->dpid = ev->dpid;
    run->next = *slot;
    *slot = run;
    clock_gettime(CLOCK_MONOTONIC, &run->start);

    struct ofp_oxm dst = {
        .cls = OFPXMC_OPENFLOW_BASIC,
        .field = OFPXMT_OFB_ETH_DST,
        .length = 6,
        .value.mac = {0x02, 0x00},
    };
    struct ofp_action out = {OFPAT_OUTPUT, .output = {.port = 1}};
    struct ofp_instruction apply = {OFPIT_APPLY_ACTIONS, .actions = {1, &out}};
    struct sl_flow_spec spec = {
        .table_id = fp->table,
        .priority = fp->priority,
        .match = {.type = OFPMT_OXM, .n_oxms = 1, .oxms = &dst},
        .instructions = {1, &apply},
    };
    uint32_t refused = 0;
    int first_error = 0;

    for (uint32_t i = 0; i < fp->n_flows; i++) {
        dst.value.mac[2] = (uint8_t) (i >> 24);
        dst.value.mac[3] = (uint8_t) (i >> 16);
        dst.value.mac[4] = (uint8_t) (i >> 8);
        dst.value.mac[5] = (uint8_t) i;
        int error = host->flow_add(ctx, ev->dpid, &spec, fpush_flow_done, run);
        if (error) {
            /* No completion will come for it: it counts here, as an
             * error (the host calls completions on later loop passes, so
             * 'run' cannot have ended yet). */
            first_error = first_error ? first_error : error;
            refused++;
            fpush_count(run, true);
        }
    }
    if (refused) {
        host->log(ctx, SL_APP_LOG_WARN,
                  "flowpush: %016" PRIx64 ": %" PRIu32
                  " flows refused by the host (%s)",
                  ev->dpid, refused, strerror(first_error));
    }
    return SL_CONTINUE;
}

static enum sl_verdict
fpush_switch_down(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    struct fpush *fp = aux;
    struct fpush_run **slot = fpush_slot(fp, ev->dpid);

    if (!*slot) {
        return SL_CONTINUE;
    }
    if ((*slot)->n_done < fp->n_flows) {
        host->log(ctx, SL_APP_LOG_INFO,
                  "flowpush: %016" PRIx64 " went down after %" PRIu32
                  " of %" PRIu32 " flows",
                  ev->dpid, (*slot)->n_done, fp->n_flows);
    }
    fpush_forget(fp, slot);
    return SL_CONTINUE;
}

/* Reads our section: none, or a mapping of 'flows', 'table', 'priority'. */
static int
fpush_read_config(struct sl_ctx *ctx, struct fpush *fp,
                  const struct sl_app_config *cfg)
{
    static const char *const keys[] = {"flows", "table", "priority"};
    unsigned long flows = fp->n_flows;
    unsigned long table = fp->table;
    unsigned long priority = fp->priority;
    int error = sl_app_config_check_keys(cfg, keys, 3);

    if (!error) {
        error = sl_app_config_get_uint(cfg, "flows", FPUSH_MAX_FLOWS, &flows);
    }
    if (!error || error == ENOENT) {
        error = sl_app_config_get_uint(cfg, "table", OFPTT_MAX, &table);
    }
    if (!error || error == ENOENT) {
        error = sl_app_config_get_uint(cfg, "priority", UINT16_MAX, &priority);
    }
    if ((error && error != ENOENT) || !flows) {
        host->log(ctx, SL_APP_LOG_ERR,
                  "config: want {flows: 1..%lu, table: 0..%d, "
                  "priority: 0..65535}",
                  FPUSH_MAX_FLOWS, OFPTT_MAX);
        return EINVAL;
    }
    fp->n_flows = (uint32_t) flows;
    fp->table = (uint8_t) table;
    fp->priority = (uint16_t) priority;
    return 0;
}

static int
fpush_init(struct sl_ctx *ctx, const struct sl_host *h,
           const struct sl_app_config *cfg)
{
    struct fpush *fp = calloc(1, sizeof *fp);

    host = h;
    if (!fp) {
        return ENOMEM;
    }
    host->set_data(ctx, fp); /* fini frees it, even after a failed init */
    fp->ctx = ctx;
    fp->n_flows = 100000;
    fp->table = 0;
    fp->priority = 1000;
    if (fpush_read_config(ctx, fp, cfg)) {
        return EINVAL;
    }
    host->subscribe(ctx, SL_EV_SWITCH_UP, 0, fpush_switch_up, fp);
    host->subscribe(ctx, SL_EV_SWITCH_DOWN, 0, fpush_switch_down, fp);
    return 0;
}

static void
fpush_fini(struct sl_ctx *ctx)
{
    struct fpush *fp = host->get_data(ctx);

    if (!fp) {
        return;
    }
    for (size_t i = 0; i < FPUSH_BUCKETS; i++) {
        fpush_free_list(fp->runs[i]);
    }
    fpush_free_list(fp->dead);
    free(fp);
}

const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "flowpush",
    .description = "flow-push benchmark: N flows per switch, timed",
    .init = fpush_init,
    .fini = fpush_fini,
};
