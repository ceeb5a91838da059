/* controller: placeholder until written; see controller.h. */
#include <config.h>
#include "controller/controller.h"
