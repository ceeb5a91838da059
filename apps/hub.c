/* placeholder */
#include "sluice/app.h"
const struct sl_app_def sluice_app = {SL_APP_DEF_HEADER, .name = "hub"};
