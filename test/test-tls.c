/* placeholder */
#include <config.h>
#include "test/test-tls.h"
