/* datapath: placeholder until written; see datapath.h. */
#include <config.h>
#include "controller/datapath.h"
