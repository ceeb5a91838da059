/* bad_abi: a test plugin built for ABI major 2.  Its init, were it ever
 * called, sets SLUICE_TEST_PLUGIN_RAN.  The descriptor is writable so the
 * test can also present other bad headers (a newer minor, no init). */
#include <stdlib.h>
#include "sluice/app.h"

static int
bad_abi_init(struct sl_ctx *ctx, const struct sl_host *host,
             const struct sl_app_config *cfg)
{
    (void) ctx;
    (void) host;
    (void) cfg;
    setenv("SLUICE_TEST_PLUGIN_RAN", "bad_abi", 1);
    return 0;
}

struct sl_app_def sluice_app = {
    .abi_major = SL_APP_ABI_MAJOR + 1,
    .abi_minor = 0,
    .size = sizeof(struct sl_app_def),
    .name = "bad_abi",
    .init = bad_abi_init,
};
