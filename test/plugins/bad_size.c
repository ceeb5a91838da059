/* bad_size: a test plugin whose descriptor claims to be only its 8-byte
 * header.  Its init, were it ever called, sets SLUICE_TEST_PLUGIN_RAN. */
#include <stdlib.h>
#include "sluice/app.h"

static int
bad_size_init(struct sl_ctx *ctx, const struct sl_host *host,
              const struct sl_app_config *cfg)
{
    (void) ctx;
    (void) host;
    (void) cfg;
    setenv("SLUICE_TEST_PLUGIN_RAN", "bad_size", 1);
    return 0;
}

const struct sl_app_def sluice_app = {
    .abi_major = SL_APP_ABI_MAJOR,
    .abi_minor = SL_APP_ABI_MINOR,
    .size = 8,
    .name = "bad_size",
    .init = bad_size_init,
};
