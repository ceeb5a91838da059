/* no_symbol: a test plugin that exports no 'sluice_app' (a typo). */
#include "sluice/app.h"

const struct sl_app_def sluice_apps = {
    SL_APP_DEF_HEADER,
    .name = "no_symbol",
};
