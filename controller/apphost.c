/* apphost: placeholder until written; see apphost.h. */
#include <config.h>
#include "controller/apphost.h"
