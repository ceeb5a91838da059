/* ofp-packet: placeholder; being written. */
#include <config.h>
#include "ofproto/ofp-packet.h"
