/* ofp-types: placeholder; being written. */
#include <config.h>
#include "ofproto/ofp-types.h"
