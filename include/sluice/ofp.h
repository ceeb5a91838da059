/* sluice/ofp.h: the OpenFlow 1.3 types a plugin sees.
 *
 * Plugins receive decoded, host-order messages and hand the host matches,
 * instructions and actions in the same form: the structs of Sluice's wire
 * codec (ofproto/).  They are plain data; filling them needs no library
 * call.  A plugin that wants the codec's functions (encoders, the packet
 * parser) may link its own copy of it; the host never requires that. */
#ifndef SLUICE_OFP_H
#define SLUICE_OFP_H 1

#include "ofproto/openflow13.h"
#include "ofproto/ofp-errors.h"
#include "ofproto/ofp-match.h"
#include "ofproto/ofp-actions.h"
#include "ofproto/ofp-types.h"
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-multipart.h"
#include "ofproto/ofp-packet.h"

#endif /* SLUICE_OFP_H */
