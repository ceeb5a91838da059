/* ofp-json: placeholder; being written. */
#include <config.h>
#include "ofproto/ofp-json.h"
