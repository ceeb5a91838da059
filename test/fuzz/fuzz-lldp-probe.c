/* fuzz-lldp-probe: libFuzzer target for the signed LLDP probe verifier
 * (topology/lldp.c).
 *
 * With one fixed key, the input is verified four ways:
 *
 *   1. as an Ethernet frame (verified when it parses as LLDP);
 *   2. as an LLDP PDU after a fixed Ethernet header;
 *   3. XORed onto a genuine probe (bytes past its end appended): OK only
 *      when every signed byte is intact, and then with the probe's fields;
 *      and that probe cut to the input's length, if shorter: never OK;
 *   4. the frames of 2 and 3 signed here (HMAC computed with OpenSSL's
 *      one-shot EVP_Q_mac() over what precedes the HMAC field of our org
 *      TLV), so that every check of the verifier is reached with a good
 *      HMAC: the verdict must be OK exactly when the frame has our form
 *      (checked here independently), else BAD_HMAC.
 *
 * Beyond "never crash, never read out of bounds" it aborts when a promise
 * of lldp.h is broken: a verdict other than the four, outputs written on a
 * verdict other than OK, OK with fields that are not the frame's.  Built
 * by `make fuzz-build`, run by `make fuzz`. */
#include <config.h>
#include "topology/lldp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "ofproto/ofp-buf.h"
#include "ofproto/ofp-packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(COND)                                                           \
    do {                                                                      \
        if (!(COND)) {                                                        \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__,          \
                    __LINE__, #COND);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

static const uint8_t fuzz_key[] = "fuzz-lldp-probe: a fixed key....";
#define FUZZ_KEY_LEN (sizeof fuzz_key - 1)

static const uint8_t eth_header[14] = {
    0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, /* ofp_lldp_dst */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* a local MAC */
    0x88, 0xcc,                         /* LLDP */
};

/* The genuine probe of mode 3. */
#define REF_DPID UINT64_C(0x00000000cafe0001)
#define REF_PORT 0x00000005u
#define REF_TS UINT64_C(0x0000123456789abc)

static struct topo_lldp_key *key;
static uint8_t ref_probe[TOPO_LLDP_MAX_FRAME];
static size_t ref_len;
static size_t ref_signed_end; /* offset just past the HMAC */

#define SENTINEL64 UINT64_C(0x5a5a5a5a5a5a5a5a)
#define SENTINEL32 UINT32_C(0xa5a5a5a5)

struct result {
    enum topo_lldp_verdict verdict;
    uint64_t dpid;
    uint32_t port_no;
    uint64_t ts;
};

/* Parses and verifies the 'len' bytes at 'frame'; checks the verdict is
 * one of the four and that the outputs stay untouched unless it is OK. */
static struct result
verify(const uint8_t *frame, size_t len, struct ofp_packet *pkt)
{
    struct result r = {0, SENTINEL64, SENTINEL32, SENTINEL64};

    ofp_packet_parse(pkt, frame, len);
    r.verdict = topo_lldp_probe_verify(key, pkt, &r.dpid, &r.port_no, &r.ts);
    CHECK(r.verdict == TOPO_LLDP_OK || r.verdict == TOPO_LLDP_MALFORMED ||
          r.verdict == TOPO_LLDP_FOREIGN || r.verdict == TOPO_LLDP_BAD_HMAC);
    CHECK(strcmp(topo_lldp_verdict_name(r.verdict), "unknown"));
    if (r.verdict != TOPO_LLDP_OK) {
        CHECK(r.dpid == SENTINEL64 && r.port_no == SENTINEL32 &&
              r.ts == SENTINEL64);
    }
    if (pkt->eth_type != OFP_ETH_TYPE_LLDP) {
        CHECK(r.verdict == TOPO_LLDP_MALFORMED);
    }
    return r;
}

/* Returns our first org TLV in 'lldp', or NULL. */
static const struct ofp_lldp_org *
find_org(const struct ofp_lldp *lldp)
{
    for (size_t i = 0; i < lldp->n_orgs; i++) {
        if (lldp->orgs[i].oui == TOPO_LLDP_OUI &&
            lldp->orgs[i].subtype == TOPO_LLDP_SUBTYPE) {
            return &lldp->orgs[i];
        }
    }
    return NULL;
}

static int
hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Says whether the parsed probe 'lldp' (PDU ending at 'pdu_end') has our
 * form: Ryu's chassis and port ids, our org TLV of version 1 with a
 * 25-byte value, End right after it.  If so stores its fields. */
static bool
our_form(const struct ofp_lldp *lldp, const uint8_t *pdu_end, uint64_t *dpid,
         uint32_t *port_no, uint64_t *ts)
{
    const struct ofp_lldp_org *org = find_org(lldp);
    if (!org || org->value.len != 25 || org->value.data[0] != 1) {
        return false;
    }
    const uint8_t *after = org->value.data + 25;
    if (pdu_end - after < 2 || after[0] || after[1]) {
        return false;
    }
    if (lldp->chassis_subtype != 7 || lldp->chassis_id.len != 21 ||
        memcmp(lldp->chassis_id.data, "dpid:", 5)) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 5; i < 21; i++) {
        int d = hex_digit(lldp->chassis_id.data[i]);
        if (d < 0) {
            return false;
        }
        v = (v << 4) | (uint64_t) d;
    }
    if (lldp->port_subtype != 2 || lldp->port_id.len != 4) {
        return false;
    }
    *dpid = v;
    *port_no = ofp_load_be32(lldp->port_id.data);
    *ts = ofp_load_be64(org->value.data + 1);
    return true;
}

/* Checks an OK verdict 'r' on the parsed frame 'pkt': the fields are the
 * frame's. */
static void
check_ok(const struct ofp_packet *pkt, const struct result *r)
{
    struct ofp_lldp lldp;
    uint64_t dpid, ts;
    uint32_t port_no;

    CHECK(pkt->eth_type == OFP_ETH_TYPE_LLDP);
    CHECK(ofp_lldp_parse(&lldp, pkt->frame + pkt->l3_ofs,
                         pkt->end - pkt->l3_ofs) == OFP_PACKET_OK);
    CHECK(our_form(&lldp, pkt->frame + pkt->end, &dpid, &port_no, &ts));
    CHECK(r->dpid == dpid && r->port_no == port_no && r->ts == ts);
}

static void
init_once(void)
{
    if (key) {
        return;
    }
    key = topo_lldp_key_create(fuzz_key, FUZZ_KEY_LEN);
    CHECK(key != NULL);

    struct ofp_wbuf out;
    ofp_wbuf_use_fixed(&out, ref_probe, sizeof ref_probe);
    CHECK(topo_lldp_probe_build(key, &out, eth_header + 6, REF_DPID, REF_PORT,
                                "fuzz0", REF_TS) == 0);
    ref_len = out.len;
    ref_signed_end = ref_len - 2; /* End follows the HMAC */

    struct ofp_packet pkt;
    struct result r = verify(ref_probe, ref_len, &pkt);
    CHECK(r.verdict == TOPO_LLDP_OK);
    CHECK(r.dpid == REF_DPID && r.port_no == REF_PORT && r.ts == REF_TS);
}

/* Mode 2: 'data' as a PDU after 'eth_header'.  Returns the heap frame
 * (the caller frees it), its length in '*len'. */
static uint8_t *
frame_of_pdu(const uint8_t *data, size_t size, size_t *len)
{
    *len = sizeof eth_header + size;
    uint8_t *frame = malloc(*len);
    CHECK(frame != NULL);
    memcpy(frame, eth_header, sizeof eth_header);
    if (size) {
        memcpy(frame + sizeof eth_header, data, size);
    }
    return frame;
}

/* Mode 4: if 'frame' is LLDP with an org TLV of ours long enough, signs
 * it as a probe of ours would be and checks the verdict against
 * our_form(). */
static void
check_signed(uint8_t *frame, size_t len)
{
    struct ofp_packet pkt;
    struct ofp_lldp lldp;

    if (ofp_packet_parse(&pkt, frame, len) ||
        pkt.eth_type != OFP_ETH_TYPE_LLDP) {
        return;
    }
    const uint8_t *pdu = frame + pkt.l3_ofs;
    size_t pdu_len = pkt.end - pkt.l3_ofs;
    if (ofp_lldp_parse(&lldp, pdu, pdu_len)) {
        return;
    }
    const struct ofp_lldp_org *org = find_org(&lldp);
    if (!org || org->value.len < 9 + TOPO_LLDP_HMAC_LEN) {
        return;
    }
    size_t hmac_ofs = (size_t) (org->value.data + 9 - frame);

    uint8_t mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;
    CHECK(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, fuzz_key, FUZZ_KEY_LEN,
                    pdu, hmac_ofs - pkt.l3_ofs, mac, sizeof mac,
                    &mac_len) != NULL);
    CHECK(mac_len == 32);
    memcpy(frame + hmac_ofs, mac, TOPO_LLDP_HMAC_LEN);

    /* Signing changed bytes inside the value only: the PDU parses the
     * same. */
    CHECK(ofp_lldp_parse(&lldp, pdu, pdu_len) == OFP_PACKET_OK);
    uint64_t dpid = 0, ts = 0;
    uint32_t port_no = 0;
    bool ours = our_form(&lldp, pdu + pdu_len, &dpid, &port_no, &ts);

    struct result r = verify(frame, len, &pkt);
    if (ours) {
        CHECK(r.verdict == TOPO_LLDP_OK);
        CHECK(r.dpid == dpid && r.port_no == port_no && r.ts == ts);
    } else {
        CHECK(r.verdict == TOPO_LLDP_BAD_HMAC);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ofp_packet pkt;
    struct result r;

    init_once();

    /* 1: the input as a frame. */
    r = verify(data, size, &pkt);
    if (r.verdict == TOPO_LLDP_OK) {
        check_ok(&pkt, &r);
    }

    /* 2 and 4: the input as a PDU. */
    size_t len;
    uint8_t *frame = frame_of_pdu(data, size, &len);
    r = verify(frame, len, &pkt);
    if (r.verdict == TOPO_LLDP_OK) {
        check_ok(&pkt, &r);
    }
    check_signed(frame, len);
    free(frame);

    /* 3 and 4: the input XORed onto the genuine probe, the rest
     * appended. */
    len = ref_len > size ? ref_len : size;
    frame = malloc(len);
    CHECK(frame != NULL);
    memcpy(frame, ref_probe, ref_len);
    for (size_t i = 0; i < size; i++) {
        frame[i] = (uint8_t) (i < ref_len ? frame[i] ^ data[i] : data[i]);
    }
    r = verify(frame, len, &pkt);
    if (r.verdict == TOPO_LLDP_OK) {
        check_ok(&pkt, &r);
        CHECK(r.dpid == REF_DPID && r.port_no == REF_PORT && r.ts == REF_TS);
        CHECK(pkt.l3_ofs == 14 &&
              !memcmp(frame + 14, ref_probe + 14, ref_signed_end - 14));
    }

    /* The same cut to the input's length, when shorter: never OK (the End
     * TLV that must follow the HMAC is gone). */
    if (size < ref_len) {
        uint8_t *cut = malloc(size ? size : 1);
        CHECK(cut != NULL);
        memcpy(cut, frame, size);
        CHECK(verify(cut, size, &pkt).verdict != TOPO_LLDP_OK);
        free(cut);
    }
    check_signed(frame, len);
    free(frame);
    return 0;
}
