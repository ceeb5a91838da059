/* flowprog: placeholder until written; see flowprog.h. */
#include <config.h>
#include "controller/flowprog.h"
