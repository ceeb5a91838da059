/* ofp-match: placeholder; being written. */
#include <config.h>
#include "ofproto/ofp-match.h"
