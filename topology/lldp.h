/* lldp: Sluice's signed LLDP probes.
 *
 * Sits under topology/topo.c and over ofproto's LLDP codec
 * (ofp_lldp_build/ofp_lldp_parse): builds the probe a switch sends out of
 * one port and checks a received frame before it may make a link.
 *
 * A probe, from the port's MAC to the nearest-bridge address 01:80:c2:00:
 * 00:0e, carries:
 *
 *   chassis id   subtype 7 (locally assigned), "dpid:%016x" (as Ryu does)
 *   port id      subtype 2 (port component), the port number, 4 bytes
 *                big-endian (as Ryu does)
 *   TTL          120
 *   port desc    the port's name, when known
 *   system name  "sluice"
 *   org TLV      OUI TOPO_LLDP_OUI, subtype TOPO_LLDP_SUBTYPE, value:
 *                version (1 byte, 1), timestamp (8 bytes, big-endian,
 *                the sender's monotonic clock in ns), HMAC (16 bytes)
 *   end          right after the org TLV (a frame cut before it does not
 *                verify; padding after it is ignored)
 *
 * The HMAC is HMAC-SHA256, truncated to its first 16 bytes, keyed per
 * controller instance, over every byte of the PDU (what follows the
 * Ethernet header) that precedes it: the TLVs before the org TLV, the org
 * TLV's header, OUI, subtype, version and timestamp.  A frame whose HMAC
 * does not verify (forged, altered, or from another controller) never
 * makes a link; freshness of the timestamp is the caller's check.
 *
 * Keys are held as an OpenSSL EVP_MAC context keyed once and re-initialised
 * (without a new key) per frame: building or verifying a probe costs about
 * 1.5 us, and OpenSSL makes two small allocations per frame.  A key's
 * context is scratch space: one key must not serve two threads at once.
 * The Ethernet addresses are not covered: only the PDU is. */
#ifndef TOPOLOGY_LLDP_H
#define TOPOLOGY_LLDP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-packet.h"

#define TOPO_LLDP_OUI 0x0026e1   /* ONF's OUI, as OpenFlow experimenters */
#define TOPO_LLDP_SUBTYPE 0x53   /* 'S' */
#define TOPO_LLDP_VERSION 1
#define TOPO_LLDP_HMAC_LEN 16
#define TOPO_LLDP_TTL 120
#define TOPO_LLDP_KEY_LEN 32     /* bytes of a generated key */
#define TOPO_LLDP_MAX_FRAME 128  /* a probe: 90 bytes, plus the port name
                                  * (15 bytes for OpenFlow's: 107) */

struct topo_lldp_key;

/* Creates an HMAC key from the 'len' bytes of 'key', or, when 'key' is
 * NULL or 'len' is 0, from TOPO_LLDP_KEY_LEN random bytes (RAND_bytes).
 * Returns NULL when OpenSSL fails (no randomness, no SHA-256). */
struct topo_lldp_key *topo_lldp_key_create(const void *key, size_t len);
/* Frees 'key' (NULL is ignored). */
void topo_lldp_key_destroy(struct topo_lldp_key *key);

/* Appends to 'out' the whole Ethernet frame of a probe from port
 * 'port_no' (MAC 'eth_src', name 'port_name' or NULL) of switch 'dpid',
 * stamped 'timestamp_ns'.  Returns 0, EINVAL (a name longer than 255),
 * ENOBUFS ('out' overflowed) or EIO (the HMAC failed in OpenSSL). */
int topo_lldp_probe_build(struct topo_lldp_key *key, struct ofp_wbuf *out,
                          const uint8_t eth_src[6], uint64_t dpid,
                          uint32_t port_no, const char *port_name,
                          uint64_t timestamp_ns);

/* What a received LLDP frame is. */
enum topo_lldp_verdict {
    TOPO_LLDP_OK,        /* our probe, HMAC verified: fields filled in */
    TOPO_LLDP_MALFORMED, /* not a valid LLDP PDU (ofp_lldp_parse failed) */
    TOPO_LLDP_FOREIGN,   /* valid LLDP, but not a Sluice probe (no org TLV
                          * of ours among the first OFP_LLDP_MAX_ORGS):
                          * another agent's, ignored */
    TOPO_LLDP_BAD_HMAC,  /* carries our org TLV, but is not a probe we
                          * signed: the HMAC does not verify (forged,
                          * altered, another controller's key), or an
                          * unknown version, a wrong value length, a
                          * chassis or port id not in our form, or no End
                          * right after the org TLV */
};

/* Returns a short name for 'v' ("ok", "malformed", "foreign",
 * "bad_hmac"), as /metrics labels them. */
const char *topo_lldp_verdict_name(enum topo_lldp_verdict v);

/* Checks the LLDP frame 'pkt' (parsed by ofp_packet_parse(), eth_type
 * OFP_ETH_TYPE_LLDP: the PDU is pkt->frame + pkt->l3_ofs up to pkt->end).
 * On TOPO_LLDP_OK stores the sender's datapath id, port number and
 * timestamp; on anything else leaves them untouched.  Reads nothing
 * outside the frame, whatever its bytes. */
enum topo_lldp_verdict topo_lldp_probe_verify(struct topo_lldp_key *key,
                                              const struct ofp_packet *pkt,
                                              uint64_t *dpid,
                                              uint32_t *port_no,
                                              uint64_t *timestamp_ns);

#endif /* TOPOLOGY_LLDP_H */
