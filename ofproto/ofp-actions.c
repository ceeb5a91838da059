/* ofp-actions: placeholder; being written. */
#include <config.h>
#include "ofproto/ofp-actions.h"
