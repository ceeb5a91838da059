/* ofp-multipart: placeholder; being written. */
#include <config.h>
#include "ofproto/ofp-multipart.h"
