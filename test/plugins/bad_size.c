/* placeholder */
#include "sluice/app.h"
int sl_test_plugin_placeholder_bad_size;
