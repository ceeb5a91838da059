/* Unit tests of topology/lldp: Sluice's signed LLDP probes.
 *
 * Probes are built, parsed with ofp_packet_parse() and verified; one frame
 * is checked byte for byte (its HMAC computed with Python's hmac module
 * when written); forged, altered, truncated and foreign frames are never
 * OK.  Frames that need a valid HMAC over unusual contents are signed here
 * with OpenSSL's one-shot EVP_Q_mac(), independently of lldp.c.
 *
 * Every frame is verified from a heap buffer of exactly its length, so
 * under ASan a read past the end fails the test. */
#include <config.h>
#include "topology/lldp.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "ofproto/openflow13.h"
#include "test/test-util.h"

/* ---- fixtures ---- */

/* 32 bytes. */
static const uint8_t test_key[] = "sluice test key: 32 bytes long..";
#define TEST_KEY_LEN (sizeof test_key - 1)

static const uint8_t mac_a[6] = {0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};

/* The probe of port 3 ("s1-eth3", MAC 66:77:88:99:aa:bb) of switch 0xa1,
 * stamped 0x0102030405060708, keyed with 'test_key'. */
static const char probe_hex[] =
    "0180c200000e 66778899aabb 88cc"
    " 0216 07 647069643a30303030303030303030303030306131" /* dpid:...a1 */
    " 0405 02 00000003"                                   /* port 3 */
    " 0602 0078"                                          /* TTL 120 */
    " 0807 73312d65746833"                                /* "s1-eth3" */
    " 0a06 736c75696365"                                  /* "sluice" */
    " fe1d 0026e1 53 01 0102030405060708"                 /* org TLV */
    "      51832001c3ade1a8283dd488e90ba03a"              /* HMAC */
    " 0000";

/* What Ryu's topology module sends (ryu/topology/switches.py): the same
 * chassis and port ids, no org TLV, no padding. */
static const char ryu_probe_hex[] =
    "0180c200000e 66778899aabb 88cc"
    " 0216 07 647069643a30303030303030303030303030303031"
    " 0405 02 00000001"
    " 0602 0078"
    " 0000";

/* A switch's own LLDP: chassis id a MAC, port id an interface name, a
 * system name, system capabilities, an 802.1 org TLV (port VLAN id). */
static const char switch_lldp_hex[] = "0180c200000e 001122334455 88cc"
                                      " 0207 04 001122334455"
                                      " 0406 05 6574683031"
                                      " 0602 0078"
                                      " 0a03 737731"
                                      " 0e04 00140014"
                                      " fe06 0080c2 01 0064"
                                      " 0000"
                                      " 0000000000000000000000000000";

/* ---- helpers ---- */

/* Returns an exact-size heap copy of the 'n' bytes at 'data'. */
static uint8_t *
exact_copy(const void *data, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(p);
    if (n) {
        memcpy(p, data, n);
    }
    return p;
}

static struct topo_lldp_key *
test_key_create(void)
{
    struct topo_lldp_key *key = topo_lldp_key_create(test_key, TEST_KEY_LEN);
    ck_assert_ptr_nonnull(key);
    return key;
}

/* Builds a probe with 'key' and returns it in an exact-size heap buffer
 * ('*len' bytes). */
static uint8_t *
build_probe(struct topo_lldp_key *key, uint64_t dpid, uint32_t port_no,
            const char *name, uint64_t ts, size_t *len)
{
    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    int error =
        topo_lldp_probe_build(key, &out, mac_a, dpid, port_no, name, ts);
    ck_assert_int_eq(error, 0);
    ck_assert(!out.overflow);
    uint8_t *frame = exact_copy(out.data, out.len);
    *len = out.len;
    ofp_wbuf_uninit(&out);
    return frame;
}

/* Result of verifying a frame. */
struct verified {
    enum topo_lldp_verdict verdict;
    uint64_t dpid;
    uint32_t port_no;
    uint64_t ts;
};

#define SENTINEL64 UINT64_C(0x5a5a5a5a5a5a5a5a)
#define SENTINEL32 UINT32_C(0xa5a5a5a5)

/* Parses the 'len' bytes of 'frame' and verifies them with 'key'; the
 * outputs start as sentinels and must stay so unless the verdict is OK.
 * No ck_assert on success: the bit-flip tests call this thousands of
 * times. */
static struct verified
verify(struct topo_lldp_key *key, const uint8_t *frame, size_t len)
{
    struct ofp_packet pkt;
    struct verified v = {0, SENTINEL64, SENTINEL32, SENTINEL64};

    ofp_packet_parse(&pkt, frame, len);
    v.verdict = topo_lldp_probe_verify(key, &pkt, &v.dpid, &v.port_no, &v.ts);
    if (v.verdict != TOPO_LLDP_OK &&
        (v.dpid != SENTINEL64 || v.port_no != SENTINEL32 ||
         v.ts != SENTINEL64)) {
        ck_abort_msg("verdict %s but the outputs were written",
                     topo_lldp_verdict_name(v.verdict));
    }
    return v;
}

/* Verifies the exact-size heap copy of 'hex' and returns the verdict. */
static enum topo_lldp_verdict
verify_hex(struct topo_lldp_key *key, const char *hex)
{
    size_t len;
    uint8_t *frame = test_hex_fixture(hex, &len);
    enum topo_lldp_verdict verdict = verify(key, frame, len).verdict;
    free(frame);
    return verdict;
}

#define ck_assert_verdict(GOT, WANT)                                          \
    do {                                                                      \
        enum topo_lldp_verdict got_ = (GOT), want_ = (WANT);                  \
        ck_assert_msg(got_ == want_, "verdict %s, want %s",                   \
                      topo_lldp_verdict_name(got_),                           \
                      topo_lldp_verdict_name(want_));                         \
    } while (0)

/* Returns the offset in 'frame' of the HMAC of the first org TLV of ours,
 * found with the codec, or 0 if there is none (or its value is shorter
 * than version, timestamp and HMAC). */
static size_t
hmac_offset(const uint8_t *frame, size_t len)
{
    struct ofp_packet pkt;
    struct ofp_lldp lldp;

    if (ofp_packet_parse(&pkt, frame, len) ||
        pkt.eth_type != OFP_ETH_TYPE_LLDP ||
        ofp_lldp_parse(&lldp, frame + pkt.l3_ofs, pkt.end - pkt.l3_ofs)) {
        return 0;
    }
    for (size_t i = 0; i < lldp.n_orgs; i++) {
        const struct ofp_lldp_org *org = &lldp.orgs[i];
        if (org->oui == TOPO_LLDP_OUI && org->subtype == TOPO_LLDP_SUBTYPE) {
            if (org->value.len < 9 + TOPO_LLDP_HMAC_LEN) {
                return 0;
            }
            return (size_t) (org->value.data + 9 - frame);
        }
    }
    return 0;
}

/* Writes into 'frame' the HMAC the contract describes, with 'test_key'
 * and OpenSSL's one-shot API: HMAC-SHA256 over the PDU (from 'l3_ofs') up
 * to the HMAC field, truncated to 16 bytes. */
static void
sign(uint8_t *frame, size_t len, size_t l3_ofs)
{
    size_t ofs = hmac_offset(frame, len);
    ck_assert_uint_gt(ofs, l3_ofs);
    ck_assert_uint_le(ofs + TOPO_LLDP_HMAC_LEN, len);

    uint8_t mac[32];
    size_t mac_len = 0;
    ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL,
                                    test_key, TEST_KEY_LEN, frame + l3_ofs,
                                    ofs - l3_ofs, mac, sizeof mac, &mac_len));
    ck_assert_uint_eq(mac_len, 32);
    memcpy(frame + ofs, mac, TOPO_LLDP_HMAC_LEN);
}

/* The fields of a probe built by hand with ofp_lldp_build(), each of which
 * a test may change before building. */
struct craft {
    uint8_t chassis_subtype;
    char chassis[64];
    uint8_t port_subtype;
    uint8_t port_id[8];
    size_t port_len;
    uint8_t value[64]; /* our org TLV's value */
    size_t value_len;
    uint32_t oui;
    uint8_t subtype;
    bool has_org;
    bool foreign_org_first; /* an 802.1 org TLV before ours */
};

/* Initialises 'c' to the fields of the probe of port 7 of switch 0x42,
 * stamped 1000. */
static void
craft_init(struct craft *c)
{
    memset(c, 0, sizeof *c);
    c->chassis_subtype = OFP_LLDP_CHASSIS_LOCAL;
    snprintf(c->chassis, sizeof c->chassis, "dpid:%016" PRIx64,
             (uint64_t) 0x42);
    c->port_subtype = OFP_LLDP_PORT_COMPONENT;
    ofp_store_be32(c->port_id, 7);
    c->port_len = 4;
    c->value[0] = TOPO_LLDP_VERSION;
    ofp_store_be64(c->value + 1, 1000);
    c->value_len = 25;
    c->oui = TOPO_LLDP_OUI;
    c->subtype = TOPO_LLDP_SUBTYPE;
    c->has_org = true;
}

/* Builds 'c' with ofp_lldp_build() into an exact-size heap buffer and
 * signs it with sign() when it has an org TLV of ours long enough to hold
 * an HMAC. */
static uint8_t *
craft_build(const struct craft *c, size_t *len)
{
    static const uint8_t vlan_value[2] = {0x00, 0x64};
    struct ofp_lldp lldp;

    memset(&lldp, 0, sizeof lldp);
    lldp.chassis_subtype = c->chassis_subtype;
    lldp.chassis_id.data = (const uint8_t *) c->chassis;
    lldp.chassis_id.len = (uint16_t) strlen(c->chassis);
    lldp.port_subtype = c->port_subtype;
    lldp.port_id.data = c->port_id;
    lldp.port_id.len = (uint16_t) c->port_len;
    lldp.ttl = TOPO_LLDP_TTL;
    lldp.system_name.data = (const uint8_t *) "sluice";
    lldp.system_name.len = 6;
    if (c->foreign_org_first) {
        struct ofp_lldp_org *org = &lldp.orgs[lldp.n_orgs++];
        org->oui = 0x0080c2;
        org->subtype = 1;
        org->value.data = vlan_value;
        org->value.len = sizeof vlan_value;
    }
    if (c->has_org) {
        struct ofp_lldp_org *org = &lldp.orgs[lldp.n_orgs++];
        org->oui = c->oui;
        org->subtype = c->subtype;
        org->value.data = c->value;
        org->value.len = (uint16_t) c->value_len;
    }

    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    ck_assert_int_eq(ofp_lldp_build(&out, mac_a, &lldp), OFP_PACKET_OK);
    uint8_t *frame = exact_copy(out.data, out.len);
    *len = out.len;
    ofp_wbuf_uninit(&out);
    if (hmac_offset(frame, *len)) {
        sign(frame, *len, 14);
    }
    return frame;
}

/* Builds and signs 'c' and returns its verdict under 'test_key'. */
static enum topo_lldp_verdict
craft_verdict(const struct craft *c)
{
    struct topo_lldp_key *key = test_key_create();
    size_t len;
    uint8_t *frame = craft_build(c, &len);
    enum topo_lldp_verdict verdict = verify(key, frame, len).verdict;
    free(frame);
    topo_lldp_key_destroy(key);
    return verdict;
}

/* ---- building and verifying ---- */

/* Checks that 'frame' decodes with the codec into the probe's fields. */
static void
check_decoded(const uint8_t *frame, size_t len, uint64_t dpid,
              uint32_t port_no, const char *name, uint64_t ts)
{
    struct ofp_packet pkt;
    ck_assert_int_eq(ofp_packet_parse(&pkt, frame, len), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_LLDP);
    ck_assert_uint_eq(pkt.l3_ofs, 14);
    ck_assert_mem_eq(pkt.eth_dst, ofp_lldp_dst, 6);
    ck_assert_mem_eq(pkt.eth_src, mac_a, 6);

    struct ofp_lldp lldp;
    ck_assert_int_eq(ofp_lldp_parse(&lldp, frame + 14, len - 14),
                     OFP_PACKET_OK);
    char chassis[32];
    snprintf(chassis, sizeof chassis, "dpid:%016" PRIx64, dpid);
    ck_assert_uint_eq(lldp.chassis_subtype, OFP_LLDP_CHASSIS_LOCAL);
    ck_assert_uint_eq(lldp.chassis_id.len, 21);
    ck_assert_mem_eq(lldp.chassis_id.data, chassis, 21);
    ck_assert_uint_eq(lldp.port_subtype, OFP_LLDP_PORT_COMPONENT);
    ck_assert_uint_eq(lldp.port_id.len, 4);
    ck_assert_uint_eq(ofp_load_be32(lldp.port_id.data), port_no);
    ck_assert_uint_eq(lldp.ttl, TOPO_LLDP_TTL);
    if (name && *name) {
        ck_assert_ptr_nonnull(lldp.port_desc.data);
        ck_assert_uint_eq(lldp.port_desc.len, strlen(name));
        ck_assert_mem_eq(lldp.port_desc.data, name, strlen(name));
    } else {
        ck_assert_ptr_null(lldp.port_desc.data);
    }
    ck_assert_uint_eq(lldp.system_name.len, 6);
    ck_assert_mem_eq(lldp.system_name.data, "sluice", 6);
    ck_assert_ptr_null(lldp.system_desc.data);
    ck_assert_uint_eq(lldp.n_orgs, 1);
    ck_assert_uint_eq(lldp.orgs[0].oui, TOPO_LLDP_OUI);
    ck_assert_uint_eq(lldp.orgs[0].subtype, TOPO_LLDP_SUBTYPE);
    ck_assert_uint_eq(lldp.orgs[0].value.len, 25);
    ck_assert_uint_eq(lldp.orgs[0].value.data[0], TOPO_LLDP_VERSION);
    ck_assert_uint_eq(ofp_load_be64(lldp.orgs[0].value.data + 1), ts);
    /* The End TLV follows the org TLV. */
    const uint8_t *end = lldp.orgs[0].value.data + 25;
    ck_assert_uint_le((size_t) (end + 2 - frame), len);
    ck_assert_uint_eq(end[0], 0);
    ck_assert_uint_eq(end[1], 0);
}

START_TEST(test_round_trip)
{
    static const uint64_t dpids[] = {
        0,
        1,
        UINT64_C(0x0123456789abcdef),
        UINT64_MAX,
    };
    static const uint32_t ports[] = {0, 1, 0xfffe, OFPP_MAX, OFPP_LOCAL};
    char name15[16], name255[256];
    memset(name15, 'p', 15);
    name15[15] = '\0';
    for (size_t i = 0; i < 255; i++) {
        name255[i] = (char) ('a' + i % 26);
    }
    name255[255] = '\0';
    const char *names[] = {NULL, "", "eth0", name15, name255};

    struct topo_lldp_key *key = test_key_create();
    uint64_t ts = 0;
    for (size_t d = 0; d < sizeof dpids / sizeof *dpids; d++) {
        for (size_t p = 0; p < sizeof ports / sizeof *ports; p++) {
            for (size_t n = 0; n < sizeof names / sizeof *names; n++) {
                size_t len;
                ts = ts * 31 + 0x9e3779b97f4a7c15;
                uint8_t *frame =
                    build_probe(key, dpids[d], ports[p], names[n], ts, &len);
                size_t name_len = names[n] ? strlen(names[n]) : 0;
                ck_assert_uint_eq(len, 90 + (name_len ? 2 + name_len : 0));
                if (name_len <= 15) {
                    ck_assert_uint_le(len, TOPO_LLDP_MAX_FRAME);
                }
                check_decoded(frame, len, dpids[d], ports[p], names[n], ts);

                struct verified v = verify(key, frame, len);
                ck_assert_verdict(v.verdict, TOPO_LLDP_OK);
                ck_assert_uint_eq(v.dpid, dpids[d]);
                ck_assert_uint_eq(v.port_no, ports[p]);
                ck_assert_uint_eq(v.ts, ts);
                free(frame);
            }
        }
    }
    topo_lldp_key_destroy(key);
}
END_TEST

START_TEST(test_exact_frame)
{
    struct topo_lldp_key *key = test_key_create();
    size_t len, want_len;
    uint8_t *frame = build_probe(key, 0xa1, 3, "s1-eth3",
                                 UINT64_C(0x0102030405060708), &len);
    uint8_t *want = test_hex_fixture(probe_hex, &want_len);
    test_assert_bytes(frame, len, want, want_len);
    check_decoded(frame, len, 0xa1, 3, "s1-eth3",
                  UINT64_C(0x0102030405060708));

    struct verified v = verify(key, want, want_len);
    ck_assert_verdict(v.verdict, TOPO_LLDP_OK);
    ck_assert_uint_eq(v.dpid, 0xa1);
    ck_assert_uint_eq(v.port_no, 3);
    ck_assert_uint_eq(v.ts, UINT64_C(0x0102030405060708));
    free(want);
    free(frame);
    topo_lldp_key_destroy(key);
}
END_TEST

START_TEST(test_name_too_long)
{
    char name[257];
    memset(name, 'x', 256);
    name[256] = '\0';

    struct topo_lldp_key *key = test_key_create();
    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    ck_assert_int_eq(topo_lldp_probe_build(key, &out, mac_a, 1, 1, name, 0),
                     EINVAL);
    ck_assert_uint_eq(out.len, 0);
    ck_assert(!out.overflow);

    /* Longer still: only the first 256 bytes are looked at. */
    char *huge = malloc(100000);
    ck_assert_ptr_nonnull(huge);
    memset(huge, 'y', 99999);
    huge[99999] = '\0';
    ck_assert_int_eq(topo_lldp_probe_build(key, &out, mac_a, 1, 1, huge, 0),
                     EINVAL);
    ck_assert_uint_eq(out.len, 0);
    free(huge);

    name[255] = '\0';
    ck_assert_int_eq(topo_lldp_probe_build(key, &out, mac_a, 1, 1, name, 0),
                     0);
    ofp_wbuf_uninit(&out);
    topo_lldp_key_destroy(key);
}
END_TEST

/* A probe appended after other bytes in 'out' is signed where it lands,
 * and the bytes before it are left alone. */
START_TEST(test_appends_after_existing_bytes)
{
    struct topo_lldp_key *key = test_key_create();
    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    ofp_wbuf_put(&out, "prefix!", 7);
    ck_assert_int_eq(topo_lldp_probe_build(key, &out, mac_a, 0xa1, 3,
                                           "s1-eth3",
                                           UINT64_C(0x0102030405060708)),
                     0);
    ck_assert_mem_eq(out.data, "prefix!", 7);

    size_t want_len;
    uint8_t *want = test_hex_fixture(probe_hex, &want_len);
    test_assert_bytes(out.data + 7, out.len - 7, want, want_len);
    free(want);
    ofp_wbuf_uninit(&out);
    topo_lldp_key_destroy(key);
}
END_TEST

START_TEST(test_fixed_buffer)
{
    struct topo_lldp_key *key = test_key_create();
    uint8_t storage[TOPO_LLDP_MAX_FRAME];
    struct ofp_wbuf out;

    /* The longest OpenFlow port name (15 bytes) fits. */
    ofp_wbuf_use_fixed(&out, storage, sizeof storage);
    ck_assert_int_eq(topo_lldp_probe_build(key, &out, mac_a, UINT64_MAX,
                                           OFPP_MAX, "abcdefghijklmno", 1),
                     0);
    ck_assert_uint_eq(out.len, 107);
    uint8_t *frame = exact_copy(out.data, out.len);
    ck_assert_verdict(verify(key, frame, out.len).verdict, TOPO_LLDP_OK);
    free(frame);

    /* One byte short: ENOBUFS, nothing kept. */
    ofp_wbuf_use_fixed(&out, storage, 106);
    ck_assert_int_eq(topo_lldp_probe_build(key, &out, mac_a, UINT64_MAX,
                                           OFPP_MAX, "abcdefghijklmno", 1),
                     ENOBUFS);
    ck_assert(out.overflow);
    ck_assert_uint_eq(out.len, 0);

    /* A buffer that already overflowed. */
    ofp_wbuf_use_fixed(&out, storage, sizeof storage);
    ofp_wbuf_put_zeros(&out, 10);
    ofp_wbuf_put_zeros(&out, sizeof storage);
    ck_assert(out.overflow);
    ck_assert_int_eq(topo_lldp_probe_build(key, &out, mac_a, 1, 1, NULL, 1),
                     ENOBUFS);
    ck_assert_uint_eq(out.len, 10);
    topo_lldp_key_destroy(key);
}
END_TEST

/* A VLAN tag pushed on the way does not matter: the HMAC covers the PDU. */
START_TEST(test_vlan_tagged_probe)
{
    struct topo_lldp_key *key = test_key_create();
    size_t len;
    uint8_t *frame = build_probe(key, 5, 6, "eth6", 7, &len);
    uint8_t *tagged = malloc(len + 4);
    ck_assert_ptr_nonnull(tagged);
    memcpy(tagged, frame, 12);
    memcpy(tagged + 12, "\x81\x00\x00\x64", 4);
    memcpy(tagged + 16, frame + 12, len - 12);

    struct verified v = verify(key, tagged, len + 4);
    ck_assert_verdict(v.verdict, TOPO_LLDP_OK);
    ck_assert_uint_eq(v.dpid, 5);
    ck_assert_uint_eq(v.port_no, 6);
    ck_assert_uint_eq(v.ts, 7);
    free(tagged);
    free(frame);
    topo_lldp_key_destroy(key);
}
END_TEST

/* Ethernet padding (or anything) after the End TLV is not looked at. */
START_TEST(test_bytes_after_end_ignored)
{
    struct topo_lldp_key *key = test_key_create();
    size_t len;
    uint8_t *frame = build_probe(key, 5, 6, NULL, 7, &len);
    uint8_t *longer = malloc(len + 20);
    ck_assert_ptr_nonnull(longer);
    memcpy(longer, frame, len);
    memset(longer + len, 0xee, 20);
    ck_assert_verdict(verify(key, longer, len + 20).verdict, TOPO_LLDP_OK);
    free(longer);
    free(frame);
    topo_lldp_key_destroy(key);
}
END_TEST

/* ---- forged and altered frames ---- */

START_TEST(test_wrong_key)
{
    struct topo_lldp_key *key = test_key_create();
    struct topo_lldp_key *other = topo_lldp_key_create(NULL, 0);
    struct topo_lldp_key *near =
        topo_lldp_key_create(test_key, TEST_KEY_LEN - 1);
    ck_assert_ptr_nonnull(other);
    ck_assert_ptr_nonnull(near);

    size_t len;
    uint8_t *frame = build_probe(key, 1, 2, "eth2", 3, &len);
    ck_assert_verdict(verify(other, frame, len).verdict, TOPO_LLDP_BAD_HMAC);
    ck_assert_verdict(verify(near, frame, len).verdict, TOPO_LLDP_BAD_HMAC);
    ck_assert_verdict(verify(key, frame, len).verdict, TOPO_LLDP_OK);
    free(frame);
    topo_lldp_key_destroy(near);
    topo_lldp_key_destroy(other);
    topo_lldp_key_destroy(key);
}
END_TEST

/* Flips every bit of [first, last) of probes with and without a name and
 * checks that none verifies. */
static void
check_flips_never_ok(bool with_name)
{
    struct topo_lldp_key *key = test_key_create();
    size_t len;
    uint8_t *frame = build_probe(key, UINT64_C(0xfedcba9876543210), 0x01020304,
                                 with_name ? "port-x" : NULL,
                                 UINT64_C(0x1122334455667788), &len);
    size_t hmac_ofs = hmac_offset(frame, len);
    ck_assert_uint_eq(hmac_ofs, len - 2 - TOPO_LLDP_HMAC_LEN);

    size_t counts[4] = {0, 0, 0, 0};
    for (size_t ofs = 14; ofs < hmac_ofs + TOPO_LLDP_HMAC_LEN; ofs++) {
        for (int bit = 0; bit < 8; bit++) {
            frame[ofs] ^= (uint8_t) (1u << bit);
            enum topo_lldp_verdict v = verify(key, frame, len).verdict;
            frame[ofs] ^= (uint8_t) (1u << bit);
            if (v == TOPO_LLDP_OK || v > TOPO_LLDP_BAD_HMAC) {
                ck_abort_msg("flipping bit %d of byte %zu gives %s", bit, ofs,
                             topo_lldp_verdict_name(v));
            }
            counts[v]++;
        }
    }
    /* Every kind of failure is reached: a sanity check of the loop. */
    ck_assert_uint_gt(counts[TOPO_LLDP_MALFORMED], 0);
    ck_assert_uint_gt(counts[TOPO_LLDP_FOREIGN], 0);
    ck_assert_uint_gt(counts[TOPO_LLDP_BAD_HMAC], 0);
    ck_assert_uint_eq(counts[TOPO_LLDP_MALFORMED] + counts[TOPO_LLDP_FOREIGN] +
                          counts[TOPO_LLDP_BAD_HMAC],
                      (hmac_ofs + TOPO_LLDP_HMAC_LEN - 14) * 8);
    ck_assert_verdict(verify(key, frame, len).verdict, TOPO_LLDP_OK);
    free(frame);
    topo_lldp_key_destroy(key);
}

START_TEST(test_every_bit_flip)
{
    check_flips_never_ok(false);
    check_flips_never_ok(true);
}
END_TEST

/* The Ethernet addresses are not signed (the HMAC covers the PDU only): a
 * probe whose source MAC a switch rewrote still verifies. */
START_TEST(test_ethernet_addresses_not_signed)
{
    struct topo_lldp_key *key = test_key_create();
    size_t len;
    uint8_t *frame = build_probe(key, 1, 2, NULL, 3, &len);
    for (size_t ofs = 0; ofs < 12; ofs++) {
        frame[ofs] ^= 0x02;
        enum topo_lldp_verdict v = verify(key, frame, len).verdict;
        frame[ofs] ^= 0x02;
        ck_assert_verdict(v, TOPO_LLDP_OK);
    }
    free(frame);
    topo_lldp_key_destroy(key);
}
END_TEST

/* Every prefix of a probe: never OK (with the End TLV cut off, the PDU
 * still parses, but End must follow the org TLV), and no read past it. */
START_TEST(test_every_truncation)
{
    struct topo_lldp_key *key = test_key_create();
    static const char *const names[] = {NULL, "s1-eth1"};
    for (size_t n = 0; n < 2; n++) {
        size_t len;
        uint8_t *frame = build_probe(key, 9, 10, names[n], 11, &len);
        size_t counts[4] = {0, 0, 0, 0};
        for (size_t cut = 0; cut < len; cut++) {
            uint8_t *prefix = exact_copy(frame, cut);
            enum topo_lldp_verdict v = verify(key, prefix, cut).verdict;
            free(prefix);
            if (v == TOPO_LLDP_OK || v > TOPO_LLDP_BAD_HMAC) {
                ck_abort_msg("%zu of %zu bytes give %s", cut, len,
                             topo_lldp_verdict_name(v));
            }
            counts[v]++;
        }
        /* Cutting End off leaves a PDU the codec accepts. */
        ck_assert_uint_eq(counts[TOPO_LLDP_BAD_HMAC], 1);
        ck_assert_uint_gt(counts[TOPO_LLDP_MALFORMED], len - 30);
        free(frame);
    }
    topo_lldp_key_destroy(key);
}
END_TEST

/* A TLV slipped between our org TLV and End is not covered by the HMAC;
 * the probe is then refused as altered. */
START_TEST(test_tlv_after_org_refused)
{
    struct topo_lldp_key *key = test_key_create();
    size_t len;
    uint8_t *frame = build_probe(key, 1, 2, NULL, 3, &len);
    uint8_t *longer = malloc(len + 5);
    ck_assert_ptr_nonnull(longer);
    memcpy(longer, frame, len - 2);
    memcpy(longer + len - 2, "\x0a\x01X\x00\x00", 5); /* name "X", End */
    ck_assert_verdict(verify(key, longer, len + 3).verdict,
                      TOPO_LLDP_BAD_HMAC);
    free(longer);
    free(frame);
    topo_lldp_key_destroy(key);
}
END_TEST

START_TEST(test_missing_org_tlv)
{
    struct craft c;
    craft_init(&c);
    c.has_org = false;
    ck_assert_verdict(craft_verdict(&c), TOPO_LLDP_FOREIGN);

    c.foreign_org_first = true;
    ck_assert_verdict(craft_verdict(&c), TOPO_LLDP_FOREIGN);
}
END_TEST

START_TEST(test_other_org_tlvs)
{
    struct craft c;

    /* Another OUI, or the ONF OUI with another subtype: not ours. */
    craft_init(&c);
    c.oui = 0x0080c2;
    ck_assert_verdict(craft_verdict(&c), TOPO_LLDP_FOREIGN);
    craft_init(&c);
    c.subtype = TOPO_LLDP_SUBTYPE + 1;
    ck_assert_verdict(craft_verdict(&c), TOPO_LLDP_FOREIGN);

    /* Ours after someone else's: found, verified. */
    craft_init(&c);
    c.foreign_org_first = true;
    ck_assert_verdict(craft_verdict(&c), TOPO_LLDP_OK);

    /* The reference: the crafted probe verifies as built. */
    craft_init(&c);
    struct topo_lldp_key *key = test_key_create();
    size_t len;
    uint8_t *frame = craft_build(&c, &len);
    struct verified v = verify(key, frame, len);
    ck_assert_verdict(v.verdict, TOPO_LLDP_OK);
    ck_assert_uint_eq(v.dpid, 0x42);
    ck_assert_uint_eq(v.port_no, 7);
    ck_assert_uint_eq(v.ts, 1000);
    free(frame);
    topo_lldp_key_destroy(key);
}
END_TEST

START_TEST(test_org_value_length)
{
    static const size_t lengths[] = {0, 1, 9, 24, 26, 64};
    for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
        struct craft c;
        craft_init(&c);
        c.value_len = lengths[i];
        ck_assert_msg(craft_verdict(&c) == TOPO_LLDP_BAD_HMAC,
                      "value of %zu bytes", lengths[i]);
    }
}
END_TEST

START_TEST(test_unknown_version)
{
    static const uint8_t versions[] = {0, 2, 0xff};
    for (size_t i = 0; i < sizeof versions; i++) {
        struct craft c;
        craft_init(&c);
        c.value[0] = versions[i];
        ck_assert_msg(craft_verdict(&c) == TOPO_LLDP_BAD_HMAC, "version %u",
                      versions[i]);
    }
}
END_TEST

/* Signed (with the right key) but the chassis or port id is not in our
 * form: refused as BAD_HMAC, since the org TLV claims the frame is ours. */
START_TEST(test_ids_not_in_our_form)
{
    static const char *const chassis[] = {
        "dpid:000000000000004",   /* 15 digits */
        "dpid:00000000000000042", /* 17 digits */
        "dpid:000000000000004g",  /* not hex */
        "dpid:00000000000000 2",  /* space */
        "DPID:0000000000000042",  /* prefix */
        "dpid=0000000000000042",  "0x00000000000000000042",
    };
    struct craft c;

    for (size_t i = 0; i < sizeof chassis / sizeof *chassis; i++) {
        craft_init(&c);
        snprintf(c.chassis, sizeof c.chassis, "%s", chassis[i]);
        ck_assert_msg(craft_verdict(&c) == TOPO_LLDP_BAD_HMAC, "chassis %s",
                      chassis[i]);
    }
    craft_init(&c);
    c.chassis_subtype = OFP_LLDP_CHASSIS_MAC;
    ck_assert_verdict(craft_verdict(&c), TOPO_LLDP_BAD_HMAC);

    craft_init(&c);
    c.port_subtype = OFP_LLDP_PORT_IFNAME;
    ck_assert_verdict(craft_verdict(&c), TOPO_LLDP_BAD_HMAC);
    craft_init(&c);
    c.port_len = 3;
    ck_assert_verdict(craft_verdict(&c), TOPO_LLDP_BAD_HMAC);
    craft_init(&c);
    c.port_len = 5;
    ck_assert_verdict(craft_verdict(&c), TOPO_LLDP_BAD_HMAC);
}
END_TEST

/* Upper-case hex digits in the dpid are accepted. */
START_TEST(test_upper_case_dpid)
{
    struct craft c;
    craft_init(&c);
    snprintf(c.chassis, sizeof c.chassis, "dpid:ABCDEF0123456789");

    struct topo_lldp_key *key = test_key_create();
    size_t len;
    uint8_t *frame = craft_build(&c, &len);
    struct verified v = verify(key, frame, len);
    ck_assert_verdict(v.verdict, TOPO_LLDP_OK);
    ck_assert_uint_eq(v.dpid, UINT64_C(0xabcdef0123456789));
    free(frame);

    snprintf(c.chassis, sizeof c.chassis, "dpid:aBcDeF0123456789");
    frame = craft_build(&c, &len);
    v = verify(key, frame, len);
    ck_assert_verdict(v.verdict, TOPO_LLDP_OK);
    ck_assert_uint_eq(v.dpid, UINT64_C(0xabcdef0123456789));
    free(frame);
    topo_lldp_key_destroy(key);
}
END_TEST

/* ---- not ours ---- */

START_TEST(test_not_lldp)
{
    struct topo_lldp_key *key = test_key_create();
    static const uint8_t tpa_mac[6] = {0, 0, 0, 0, 0, 2};

    /* ARP. */
    struct ofp_wbuf out;
    ofp_wbuf_init(&out);
    ofp_packet_build_arp(&out, OFP_ARP_OP_REQUEST, mac_a, 0x0a000001, tpa_mac,
                         0x0a000002);
    uint8_t *frame = exact_copy(out.data, out.len);
    ck_assert_verdict(verify(key, frame, out.len).verdict,
                      TOPO_LLDP_MALFORMED);
    free(frame);
    ofp_wbuf_uninit(&out);

    /* A good probe under another ethertype. */
    size_t len;
    frame = build_probe(key, 1, 2, NULL, 3, &len);
    frame[13] = 0xcd;
    ck_assert_verdict(verify(key, frame, len).verdict, TOPO_LLDP_MALFORMED);
    free(frame);

    /* Not even an Ethernet header. */
    frame = build_probe(key, 1, 2, NULL, 3, &len);
    ck_assert_verdict(verify(key, frame, 13).verdict, TOPO_LLDP_MALFORMED);
    ck_assert_verdict(verify(key, frame, 0).verdict, TOPO_LLDP_MALFORMED);
    free(frame);
    topo_lldp_key_destroy(key);
}
END_TEST

START_TEST(test_malformed_pdu)
{
    struct topo_lldp_key *key = test_key_create();
    /* TLV past the end; port id before chassis id; no TTL; empty PDU; an
     * End TLV with a length. */
    ck_assert_verdict(verify_hex(key, "0180c200000e 66778899aabb 88cc"
                                      " 0216 07 6470"),
                      TOPO_LLDP_MALFORMED);
    ck_assert_verdict(verify_hex(key, "0180c200000e 66778899aabb 88cc"
                                      " 0405 02 00000001"
                                      " 0203 07 6470 0602 0078 0000"),
                      TOPO_LLDP_MALFORMED);
    ck_assert_verdict(verify_hex(key, "0180c200000e 66778899aabb 88cc"
                                      " 0203 07 6470 0405 02 00000001 0000"),
                      TOPO_LLDP_MALFORMED);
    ck_assert_verdict(verify_hex(key, "0180c200000e 66778899aabb 88cc"),
                      TOPO_LLDP_MALFORMED);
    ck_assert_verdict(verify_hex(key, "0180c200000e 66778899aabb 88cc"
                                      " 0203 07 6470 0405 02 00000001"
                                      " 0602 0078 0001 00"),
                      TOPO_LLDP_MALFORMED);
    /* Our org TLV too short for OUI and subtype. */
    ck_assert_verdict(verify_hex(key, "0180c200000e 66778899aabb 88cc"
                                      " 0203 07 6470 0405 02 00000001"
                                      " 0602 0078 fe03 0026e1 0000"),
                      TOPO_LLDP_MALFORMED);
    topo_lldp_key_destroy(key);
}
END_TEST

START_TEST(test_third_party_lldp)
{
    struct topo_lldp_key *key = test_key_create();
    ck_assert_verdict(verify_hex(key, ryu_probe_hex), TOPO_LLDP_FOREIGN);
    ck_assert_verdict(verify_hex(key, switch_lldp_hex), TOPO_LLDP_FOREIGN);
    topo_lldp_key_destroy(key);
}
END_TEST

/* Kytos' topology probe, VLAN-tagged, in an OpenFlow 1.3 PACKET_OUT of the
 * corpus (the corpus has no LLDP from Ryu). */
START_TEST(test_corpus_kytos_lldp)
{
    static const char name[] = "kytos-pyof-v0x04/ofpt_packet_out.dat";
    const char *dir = test_corpus_dir();
    if (!dir) {
        printf("# SKIP corpus absent: %s not checked\n", name);
        return;
    }
    size_t n;
    uint8_t *msg = test_read_corpus(&n, "%s", name);
    ck_assert_ptr_nonnull(msg);
    /* PACKET_OUT: header (8), buffer_id, in_port, actions_len, pad (6),
     * actions, data. */
    ck_assert_uint_ge(n, 24);
    ck_assert_uint_eq(msg[1], OFPT_PACKET_OUT);
    size_t data_ofs = 24 + ofp_load_be16(msg + 16);
    ck_assert_uint_lt(data_ofs, n);
    uint8_t *frame = exact_copy(msg + data_ofs, n - data_ofs);

    struct topo_lldp_key *key = test_key_create();
    struct ofp_packet pkt;
    ck_assert_int_eq(ofp_packet_parse(&pkt, frame, n - data_ofs),
                     OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_LLDP);
    ck_assert_verdict(verify(key, frame, n - data_ofs).verdict,
                      TOPO_LLDP_FOREIGN);
    topo_lldp_key_destroy(key);
    free(frame);
    free(msg);
}
END_TEST

/* ---- keys ---- */

START_TEST(test_explicit_key_deterministic)
{
    struct topo_lldp_key *a = test_key_create();
    struct topo_lldp_key *b = test_key_create();
    size_t len1, len2, len3;
    uint8_t *f1 = build_probe(a, 77, 88, "x", 99, &len1);
    uint8_t *f2 = build_probe(a, 77, 88, "x", 99, &len2);
    uint8_t *f3 = build_probe(b, 77, 88, "x", 99, &len3);
    test_assert_bytes(f1, len1, f2, len2);
    test_assert_bytes(f1, len1, f3, len3);
    ck_assert_verdict(verify(b, f1, len1).verdict, TOPO_LLDP_OK);
    free(f3);
    free(f2);
    free(f1);
    topo_lldp_key_destroy(b);
    topo_lldp_key_destroy(a);
}
END_TEST

START_TEST(test_generated_keys_differ)
{
    struct topo_lldp_key *a = topo_lldp_key_create(NULL, 0);
    /* Bytes with length 0 also mean "generate". */
    struct topo_lldp_key *b = topo_lldp_key_create(test_key, 0);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);

    size_t len_a, len_b;
    uint8_t *fa = build_probe(a, 1, 2, NULL, 3, &len_a);
    uint8_t *fb = build_probe(b, 1, 2, NULL, 3, &len_b);
    ck_assert_uint_eq(len_a, len_b);
    size_t hmac_ofs = hmac_offset(fa, len_a);
    ck_assert_uint_gt(hmac_ofs, 0);
    ck_assert_mem_eq(fa, fb, hmac_ofs);
    ck_assert(memcmp(fa + hmac_ofs, fb + hmac_ofs, TOPO_LLDP_HMAC_LEN));

    ck_assert_verdict(verify(a, fa, len_a).verdict, TOPO_LLDP_OK);
    ck_assert_verdict(verify(b, fb, len_b).verdict, TOPO_LLDP_OK);
    ck_assert_verdict(verify(a, fb, len_b).verdict, TOPO_LLDP_BAD_HMAC);
    ck_assert_verdict(verify(b, fa, len_a).verdict, TOPO_LLDP_BAD_HMAC);

    /* Nor is either the test key. */
    struct topo_lldp_key *t = test_key_create();
    ck_assert_verdict(verify(t, fb, len_b).verdict, TOPO_LLDP_BAD_HMAC);
    topo_lldp_key_destroy(t);

    free(fb);
    free(fa);
    topo_lldp_key_destroy(b);
    topo_lldp_key_destroy(a);
    topo_lldp_key_destroy(NULL);
}
END_TEST

/* Keys of unusual lengths: one byte, and longer than SHA-256's block
 * (HMAC hashes it first).  They work and give different HMACs. */
START_TEST(test_key_lengths)
{
    uint8_t long_key[200];
    memset(long_key, 0x5c, sizeof long_key);
    struct topo_lldp_key *a = topo_lldp_key_create("k", 1);
    struct topo_lldp_key *b = topo_lldp_key_create(long_key, sizeof long_key);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);

    size_t len_a, len_b;
    uint8_t *fa = build_probe(a, 1, 2, NULL, 3, &len_a);
    uint8_t *fb = build_probe(b, 1, 2, NULL, 3, &len_b);
    ck_assert_verdict(verify(a, fa, len_a).verdict, TOPO_LLDP_OK);
    ck_assert_verdict(verify(b, fb, len_b).verdict, TOPO_LLDP_OK);
    ck_assert_verdict(verify(a, fb, len_b).verdict, TOPO_LLDP_BAD_HMAC);
    free(fb);
    free(fa);
    topo_lldp_key_destroy(b);
    topo_lldp_key_destroy(a);
}
END_TEST

START_TEST(test_verdict_names)
{
    ck_assert_str_eq(topo_lldp_verdict_name(TOPO_LLDP_OK), "ok");
    ck_assert_str_eq(topo_lldp_verdict_name(TOPO_LLDP_MALFORMED), "malformed");
    ck_assert_str_eq(topo_lldp_verdict_name(TOPO_LLDP_FOREIGN), "foreign");
    ck_assert_str_eq(topo_lldp_verdict_name(TOPO_LLDP_BAD_HMAC), "bad_hmac");
    ck_assert_str_eq(topo_lldp_verdict_name(TOPO_LLDP_BAD_HMAC + 1),
                     "unknown");
}
END_TEST

static Suite *
lldp_suite(void)
{
    Suite *s = suite_create("topo-lldp");
    TCase *tc = tcase_create("build");
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_exact_frame);
    tcase_add_test(tc, test_name_too_long);
    tcase_add_test(tc, test_appends_after_existing_bytes);
    tcase_add_test(tc, test_fixed_buffer);
    tcase_add_test(tc, test_vlan_tagged_probe);
    tcase_add_test(tc, test_bytes_after_end_ignored);
    suite_add_tcase(s, tc);

    tc = tcase_create("forged");
    tcase_add_test(tc, test_wrong_key);
    tcase_add_test(tc, test_every_bit_flip);
    tcase_add_test(tc, test_ethernet_addresses_not_signed);
    tcase_add_test(tc, test_every_truncation);
    tcase_add_test(tc, test_tlv_after_org_refused);
    tcase_add_test(tc, test_missing_org_tlv);
    tcase_add_test(tc, test_other_org_tlvs);
    tcase_add_test(tc, test_org_value_length);
    tcase_add_test(tc, test_unknown_version);
    tcase_add_test(tc, test_ids_not_in_our_form);
    tcase_add_test(tc, test_upper_case_dpid);
    suite_add_tcase(s, tc);

    tc = tcase_create("foreign");
    tcase_add_test(tc, test_not_lldp);
    tcase_add_test(tc, test_malformed_pdu);
    tcase_add_test(tc, test_third_party_lldp);
    tcase_add_test(tc, test_corpus_kytos_lldp);
    suite_add_tcase(s, tc);

    tc = tcase_create("keys");
    tcase_add_test(tc, test_explicit_key_deterministic);
    tcase_add_test(tc, test_generated_keys_differ);
    tcase_add_test(tc, test_key_lengths);
    tcase_add_test(tc, test_verdict_names);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(lldp_suite());
}
