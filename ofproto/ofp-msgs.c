/* ofp-msgs: placeholder; being written. */
#include <config.h>
#include "ofproto/ofp-msgs.h"
