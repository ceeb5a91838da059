/* fail_init: a test plugin whose init takes resources (a subscription, a
 * timer, private data) and then fails with EPERM; fini frees the data.
 * Both log a line through the host ("init", "fini"). */
#include <errno.h>
#include <stdlib.h>
#include "sluice/app.h"

static const struct sl_host *fail_host;

static enum sl_verdict
fail_init_event(struct sl_ctx *ctx, const struct sl_event *ev, void *aux)
{
    (void) ctx;
    (void) ev;
    (void) aux;
    return SL_CONTINUE;
}

static void
fail_init_timer(struct sl_ctx *ctx, void *aux)
{
    (void) ctx;
    (void) aux;
}

static int
fail_init_init(struct sl_ctx *ctx, const struct sl_host *host,
               const struct sl_app_config *cfg)
{
    (void) cfg;
    fail_host = host;
    host->set_data(ctx, malloc(32));
    host->subscribe(ctx, SL_EV_PACKET_IN, 0, fail_init_event, NULL);
    host->timer_add(ctx, 1.0, true, fail_init_timer, NULL);
    host->log(ctx, SL_APP_LOG_INFO, "init");
    return EPERM;
}

static void
fail_init_fini(struct sl_ctx *ctx)
{
    fail_host->log(ctx, SL_APP_LOG_INFO, "fini");
    free(fail_host->get_data(ctx));
}

const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "fail_init",
    .init = fail_init_init,
    .fini = fail_init_fini,
};
