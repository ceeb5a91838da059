/* ofp-json: placeholder. */
#ifndef OFPROTO_OFP_JSON_H
#define OFPROTO_OFP_JSON_H 1
#endif
