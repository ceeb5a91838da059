/* ofp-packet: placeholder. */
#ifndef OFPROTO_OFP_PACKET_H
#define OFPROTO_OFP_PACKET_H 1
#endif
