/* Unit tests of sluice-bench's emulator core (test/bench/sb-switch.c).
 *
 * The first part tests the pieces sb.h exposes: the PACKET_IN template, the
 * host MACs, the classifier that counts a controller's responses and the
 * walk over a PACKET_OUT's output actions.  Messages are built with the
 * ofproto codec and copied into buffers of exactly their length, so ASan
 * sees any over-read.
 *
 * The second part runs the emulator against a fake controller inside the
 * test: a listening socket on 127.0.0.1 (port 0), whose accepted sessions
 * are blocking sockets with a receive timeout, read whole messages by
 * their header length and spoken to with ofp_msg_encode()/decode().  Each
 * step is bounded: a read gives up after STEP seconds, counters are polled
 * in short naps until a deadline, and "nothing arrives" is a poll() of
 * QUIET seconds.  Every run is stopped and destroyed by the fixture. */
#include <config.h>
#include "test/bench/sb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-packet.h"
#include "test/bench/sb-topo.h"
#include "test/test-util.h"

#define STEP 5.0   /* seconds one step may take (valgrind is slow) */
#define QUIET 0.05 /* seconds of silence that mean "nothing was sent" */
#define MAX_PEERS 4
#define PEER_BUF (128 * 1024)

/* ---- Fixture state ---- */

/* One session accepted by the fake controller. */
struct peer {
    int fd;
    uint64_t dpid; /* from FEATURES_REPLY */
    size_t start, end;
    uint8_t buf[PEER_BUF];
};

static int listen_fd = -1;
static struct sb_config cfg;
static struct sb_run *run;
static bool run_stopped;
static struct sb_topo *topo;
static struct peer peers[MAX_PEERS];
static size_t n_peers;
static struct peer *sw[MAX_PEERS]; /* by switch index (dpid - 1) */
static struct ofp_arena arena;
static struct ofp_wbuf wb;
static struct ofp_wbuf lldp_wb; /* LLDP frames */

static void
setup(void)
{
    listen_fd = -1;
    memset(&cfg, 0, sizeof cfg);
    run = NULL;
    run_stopped = false;
    topo = NULL;
    for (size_t i = 0; i < MAX_PEERS; i++) {
        peers[i].fd = -1;
        peers[i].dpid = 0;
        peers[i].start = peers[i].end = 0;
        sw[i] = NULL;
    }
    n_peers = 0;
    ofp_arena_init(&arena);
    ofp_wbuf_init(&wb);
    ofp_wbuf_init(&lldp_wb);
}

static void
teardown(void)
{
    if (run && !run_stopped) {
        sb_run_stop(run);
    }
    for (size_t i = 0; i < MAX_PEERS; i++) {
        if (peers[i].fd >= 0) {
            close(peers[i].fd);
            peers[i].fd = -1;
        }
    }
    sb_run_destroy(run);
    run = NULL;
    sb_topo_destroy(topo);
    topo = NULL;
    if (listen_fd >= 0) {
        close(listen_fd);
        listen_fd = -1;
    }
    ofp_arena_uninit(&arena);
    ofp_wbuf_uninit(&wb);
    ofp_wbuf_uninit(&lldp_wb);
}

/* ---- Building messages ---- */

/* Encodes 'msg' and returns a malloc'd copy of exactly its length (the
 * caller frees it); '*lenp' gets the length. */
static uint8_t *
encode_exact(const struct ofp_msg *msg, size_t *lenp)
{
    ofp_wbuf_clear(&wb);
    ck_assert_int_eq(ofp_msg_encode(&wb, msg), 0);
    uint8_t *copy = malloc(wb.len);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, wb.data, wb.len);
    *lenp = wb.len;
    return copy;
}

static void
flow_mod_init(struct ofp_msg *msg, uint32_t xid, uint8_t command,
              uint32_t buffer_id)
{
    ofp_msg_init(msg, OFPT_FLOW_MOD, xid);
    msg->flow_mod.command = command;
    msg->flow_mod.buffer_id = buffer_id;
    msg->flow_mod.out_port = OFPP_ANY;
    msg->flow_mod.out_group = OFPG_ANY;
}

/* A PACKET_OUT with the 'n' OUTPUT actions to 'ports' and 'len' bytes of
 * 'data'.  'acts' (at least 'n') holds the actions and must outlive the
 * message. */
static void
packet_out_init(struct ofp_msg *msg, uint32_t xid, uint32_t buffer_id,
                struct ofp_action *acts, const uint32_t *ports, size_t n,
                const uint8_t *data, size_t len)
{
    ofp_msg_init(msg, OFPT_PACKET_OUT, xid);
    msg->packet_out.buffer_id = buffer_id;
    msg->packet_out.in_port = OFPP_CONTROLLER;
    for (size_t i = 0; i < n; i++) {
        memset(&acts[i], 0, sizeof acts[i]);
        acts[i].type = OFPAT_OUTPUT;
        acts[i].output.port = ports[i];
        acts[i].output.max_len = 0xffff;
    }
    msg->packet_out.actions.n = n;
    msg->packet_out.actions.actions = acts;
    msg->packet_out.data = data;
    msg->packet_out.len = len;
}

/* Replaces the content of 'out' with an LLDP frame naming 'dpid'/'port',
 * as a controller's topology discovery would send. */
static void
lldp_frame(struct ofp_wbuf *out, uint64_t dpid, uint32_t port)
{
    char chassis[32], port_id[16];
    uint8_t src[6];
    struct ofp_lldp lldp;

    snprintf(chassis, sizeof chassis, "dpid:%016llx",
             (unsigned long long) dpid);
    snprintf(port_id, sizeof port_id, "%u", port);
    memset(&lldp, 0, sizeof lldp);
    lldp.chassis_subtype = OFP_LLDP_CHASSIS_LOCAL;
    lldp.chassis_id.data = (const uint8_t *) chassis;
    lldp.chassis_id.len = (uint16_t) strlen(chassis);
    lldp.port_subtype = OFP_LLDP_PORT_COMPONENT;
    lldp.port_id.data = (const uint8_t *) port_id;
    lldp.port_id.len = (uint16_t) strlen(port_id);
    lldp.ttl = 120;
    sb_host_mac(0xffff, port, src);
    ofp_wbuf_clear(out);
    ck_assert_int_eq(ofp_lldp_build(out, src, &lldp), OFP_PACKET_OK);
    ck_assert(!out->overflow);
}

/* A 60-byte Ethernet frame of 'ethertype' from 'src'. */
static void
plain_frame(uint8_t frame[60], uint16_t ethertype, const uint8_t src[6])
{
    memset(frame, 0, 60);
    memset(frame, 0xff, 6);
    memcpy(frame + 6, src, 6);
    ofp_store_be16(frame + 12, ethertype);
}

/* ---- PACKET_IN template ---- */

START_TEST(test_pktin_decodes_as_packet_in)
{
    uint8_t m[SB_PI_LEN], src[6], dst[6];
    struct ofp_msg msg;

    sb_host_mac(3, 7, src);
    sb_host_mac(3, 8, dst);
    sb_pktin_init(m);
    sb_pktin_set(m, 0x01020304, 0x0a0b0c0d, 3, src, dst);

    ck_assert_uint_eq(ofp_load_be16(m + 2), SB_PI_LEN);
    ck_assert_uint_eq(ofp_load_be32(m + SB_PI_BUFFER_ID), 0x0a0b0c0d);
    ck_assert_uint_eq(ofp_load_be32(m + SB_PI_IN_PORT), 3);
    ck_assert_int_eq(ofp_msg_decode(m, sizeof m, &msg, &arena), 0);
    ck_assert_uint_eq(msg.version, OFP13_VERSION);
    ck_assert_uint_eq(msg.type, OFPT_PACKET_IN);
    ck_assert_uint_eq(msg.xid, 0x01020304);
    ck_assert_uint_eq(msg.packet_in.buffer_id, 0x0a0b0c0d);
    ck_assert_uint_eq(msg.packet_in.total_len, 60);
    ck_assert_uint_eq(msg.packet_in.reason, OFPR_NO_MATCH);
    ck_assert_uint_eq(msg.packet_in.table_id, 0);
    ck_assert_uint_eq(msg.packet_in.cookie, 0);
    ck_assert_uint_eq(msg.packet_in.match.n_oxms, 1);
    const struct ofp_oxm *in_port =
        ofp_match_find(&msg.packet_in.match, OFPXMT_OFB_IN_PORT);
    ck_assert_ptr_nonnull(in_port);
    ck_assert_uint_eq(in_port->value.u32, 3);
    ck_assert_uint_eq(msg.packet_in.len, SB_FRAME_LEN);
    ck_assert_ptr_eq(msg.packet_in.data, m + SB_PI_FRAME);
}
END_TEST

START_TEST(test_pktin_frame_is_udp_with_the_set_macs)
{
    uint8_t m[SB_PI_LEN], src[6], dst[6];
    struct ofp_packet pkt;

    sb_host_mac(1, 0x123456, src);
    sb_host_mac(1, 0x123457, dst);
    sb_pktin_init(m);
    sb_pktin_set(m, 1, OFP_NO_BUFFER, 2, src, dst);

    const uint8_t *f = m + SB_PI_FRAME;
    ck_assert_int_eq(ofp_packet_parse(&pkt, f, SB_FRAME_LEN), OFP_PACKET_OK);
    ck_assert_uint_eq(pkt.layer, OFP_PACKET_L4);
    ck_assert_uint_eq(pkt.flags, 0);
    ck_assert_uint_eq(pkt.n_vlans, 0);
    ck_assert_mem_eq(pkt.eth_src, src, 6);
    ck_assert_mem_eq(pkt.eth_dst, dst, 6);
    ck_assert_uint_eq(pkt.eth_type, OFP_ETH_TYPE_IPV4);
    ck_assert_uint_eq(pkt.ip.proto, OFP_IPPROTO_UDP);
    ck_assert_uint_eq(pkt.ip.ttl, 64);
    ck_assert_uint_eq(pkt.ip.frag, 0);
    ck_assert_uint_eq(pkt.ipv4.ihl, 5);
    ck_assert_uint_eq(pkt.ipv4.total_len, SB_FRAME_LEN - 14);
    ck_assert_uint_eq(pkt.ipv4.src, 0x0a000001);
    ck_assert_uint_eq(pkt.ipv4.dst, 0x0a000002);
    ck_assert_uint_eq(pkt.tp_src, 1234);
    ck_assert_uint_eq(pkt.tp_dst, 5678);
    ck_assert_uint_eq(pkt.udp_len, SB_FRAME_LEN - 14 - 20);
    ck_assert_uint_eq(pkt.end, SB_FRAME_LEN);

    /* The one's complement sum of a valid IPv4 header is 0xffff. */
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) {
        sum += ofp_load_be16(f + 14 + i);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    ck_assert_uint_eq(sum, 0xffff);
    ck_assert_uint_ne(ofp_load_be16(f + 24), 0);
}
END_TEST

START_TEST(test_pktin_set_rewrites_only_the_varying_fields)
{
    uint8_t once[SB_PI_LEN], twice[SB_PI_LEN], a[6], b[6], c[6], d[6];

    sb_host_mac(9, 1, a);
    sb_host_mac(9, 2, b);
    sb_host_mac(4, 5, c);
    sb_host_mac(4, 6, d);
    sb_pktin_init(once);
    sb_pktin_set(once, 77, 5, 2, c, d);
    sb_pktin_init(twice);
    sb_pktin_set(twice, 1, 1, 1, a, b);
    sb_pktin_set(twice, 77, 5, 2, c, d);
    test_assert_bytes(twice, sizeof twice, once, sizeof once);
}
END_TEST

START_TEST(test_host_mac_layout)
{
    uint8_t mac[6];

    sb_host_mac(0x1234, 0xabcdef, mac);
    ck_assert_mem_eq(mac, ((uint8_t[]){0x02, 0x12, 0x34, 0xab, 0xcd, 0xef}),
                     6);
    sb_host_mac(0, 0, mac);
    ck_assert_mem_eq(mac, ((uint8_t[]){0x02, 0, 0, 0, 0, 0}), 6);
    sb_host_mac(0xffff, 0xffffff, mac);
    ck_assert_mem_eq(mac, ((uint8_t[]){0x02, 0xff, 0xff, 0xff, 0xff, 0xff}),
                     6);
    /* Locally administered (bit 1) unicast (bit 0 clear). */
    ck_assert_uint_eq(mac[0] & 0x03, 0x02);
    /* The switch and host fields do not overlap. */
    uint8_t x[6], y[6];
    sb_host_mac(1, 0, x);
    sb_host_mac(0, 0x10000, y);
    ck_assert_mem_ne(x, y, 6);
}
END_TEST

/* ---- sb_classify ---- */

START_TEST(test_classify_flow_mod_add_and_modify_are_responses)
{
    static const uint8_t commands[] = {OFPFC_ADD, OFPFC_MODIFY,
                                       OFPFC_MODIFY_STRICT};

    for (size_t i = 0; i < sizeof commands; i++) {
        struct ofp_msg msg;
        struct sb_resp r;
        size_t len;

        flow_mod_init(&msg, 5, commands[i], 0x100 + (uint32_t) i);
        uint8_t *m = encode_exact(&msg, &len);
        ck_assert_int_eq(sb_classify(m, len, &r), SB_RESPONSE);
        ck_assert_uint_eq(r.buffer_id, 0x100 + i);
        free(m);
    }
}
END_TEST

START_TEST(test_classify_flow_mod_delete_is_other)
{
    static const uint8_t commands[] = {OFPFC_DELETE, OFPFC_DELETE_STRICT};

    for (size_t i = 0; i < sizeof commands; i++) {
        struct ofp_msg msg;
        struct sb_resp r;
        size_t len;

        flow_mod_init(&msg, 5, commands[i], OFP_NO_BUFFER);
        uint8_t *m = encode_exact(&msg, &len);
        ck_assert_int_eq(sb_classify(m, len, &r), SB_OTHER);
        free(m);
    }
}
END_TEST

START_TEST(test_classify_packet_out_with_frame_is_response)
{
    uint8_t frame[60], src[6];
    uint32_t ports[] = {2, 3};
    struct ofp_action acts[2];
    struct ofp_msg msg;
    struct sb_resp r;
    size_t len;

    sb_host_mac(0, 1, src);
    plain_frame(frame, 0x0800, src);
    packet_out_init(&msg, 9, OFP_NO_BUFFER, acts, ports, 2, frame,
                    sizeof frame);
    uint8_t *m = encode_exact(&msg, &len);
    ck_assert_int_eq(sb_classify(m, len, &r), SB_RESPONSE);
    ck_assert_uint_eq(r.buffer_id, OFP_NO_BUFFER);
    ck_assert_ptr_eq(r.actions, m + 24);
    ck_assert_uint_eq(r.actions_len, 32);
    ck_assert_ptr_eq(r.frame, m + 24 + 32);
    ck_assert_uint_eq(r.frame_len, sizeof frame);
    ck_assert_mem_eq(r.frame, frame, sizeof frame);
    free(m);
}
END_TEST

START_TEST(test_classify_buffered_packet_out_without_data_is_response)
{
    uint32_t port = 1;
    struct ofp_action act;
    struct ofp_msg msg;
    struct sb_resp r;
    size_t len;

    packet_out_init(&msg, 9, 42, &act, &port, 1, NULL, 0);
    uint8_t *m = encode_exact(&msg, &len);
    ck_assert_int_eq(sb_classify(m, len, &r), SB_RESPONSE);
    ck_assert_uint_eq(r.buffer_id, 42);
    ck_assert_ptr_eq(r.actions, m + 24);
    ck_assert_uint_eq(r.actions_len, 16);
    ck_assert_uint_eq(r.frame_len, 0);
    free(m);
}
END_TEST

START_TEST(test_classify_lldp_packet_out)
{
    uint32_t port = 1;
    struct ofp_action act;
    struct ofp_msg msg;
    struct sb_resp r;
    size_t len;

    lldp_frame(&lldp_wb, 1, 1);
    packet_out_init(&msg, 9, OFP_NO_BUFFER, &act, &port, 1, lldp_wb.data,
                    lldp_wb.len);
    uint8_t *m = encode_exact(&msg, &len);
    ck_assert_int_eq(sb_classify(m, len, &r), SB_LLDP_OUT);
    ck_assert_ptr_eq(r.actions, m + 24);
    ck_assert_uint_eq(r.actions_len, 16);
    ck_assert_uint_eq(r.frame_len, lldp_wb.len);
    ck_assert_mem_eq(r.frame, lldp_wb.data, lldp_wb.len);
    free(m);
}
END_TEST

START_TEST(test_classify_frame_shorter_than_ethernet_is_response)
{
    uint8_t frame[13] = {0};
    uint32_t port = 1;
    struct ofp_action act;
    struct ofp_msg msg;
    struct sb_resp r;
    size_t len;

    packet_out_init(&msg, 9, OFP_NO_BUFFER, &act, &port, 1, frame,
                    sizeof frame);
    uint8_t *m = encode_exact(&msg, &len);
    ck_assert_int_eq(sb_classify(m, len, &r), SB_RESPONSE);
    ck_assert_uint_eq(r.frame_len, sizeof frame);
    free(m);
}
END_TEST

START_TEST(test_classify_other_types_are_other)
{
    static const uint8_t types[] = {
        OFPT_HELLO,
        OFPT_ECHO_REQUEST,
        OFPT_BARRIER_REQUEST,
        OFPT_FEATURES_REQUEST,
        OFPT_GET_CONFIG_REQUEST,
        OFPT_PACKET_IN,
        OFPT_GROUP_MOD,
        OFPT_MULTIPART_REQUEST,
    };

    for (size_t i = 0; i < sizeof types; i++) {
        struct ofp_msg msg;
        struct sb_resp r;
        size_t len;

        ofp_msg_init(&msg, types[i], 1);
        uint8_t *m = encode_exact(&msg, &len);
        ck_assert_msg(sb_classify(m, len, &r) == SB_OTHER, "%s",
                      ofp_type_name(types[i]));
        free(m);
    }
}
END_TEST

START_TEST(test_classify_shorter_than_header_is_malformed)
{
    static const uint8_t hdr[8] = {OFP13_VERSION, OFPT_FLOW_MOD, 0, 8};

    for (size_t len = 0; len < 8; len++) {
        uint8_t *m = malloc(len ? len : 1);
        struct sb_resp r;

        memcpy(m, hdr, len);
        ck_assert_int_eq(sb_classify(m, len, &r), SB_MALFORMED);
        free(m);
    }
}
END_TEST

START_TEST(test_classify_flow_mod_shorter_than_48_is_malformed)
{
    struct ofp_msg msg;
    struct sb_resp r;
    size_t len;

    flow_mod_init(&msg, 5, OFPFC_ADD, 77);
    uint8_t *full = encode_exact(&msg, &len);
    ck_assert_uint_eq(len, 56);

    uint8_t *m = malloc(47);
    memcpy(m, full, 47);
    ofp_store_be16(m + 2, 47);
    ck_assert_int_eq(sb_classify(m, 47, &r), SB_MALFORMED);
    free(m);

    /* 48 bytes hold every field the classifier reads. */
    m = malloc(48);
    memcpy(m, full, 48);
    ofp_store_be16(m + 2, 48);
    ck_assert_int_eq(sb_classify(m, 48, &r), SB_RESPONSE);
    ck_assert_uint_eq(r.buffer_id, 77);
    free(m);
    free(full);
}
END_TEST

START_TEST(test_classify_packet_out_shorter_than_24_is_malformed)
{
    struct ofp_msg msg;
    struct sb_resp r;
    size_t len;

    packet_out_init(&msg, 9, 3, NULL, NULL, 0, NULL, 0);
    uint8_t *full = encode_exact(&msg, &len);
    ck_assert_uint_eq(len, 24);
    ck_assert_int_eq(sb_classify(full, len, &r), SB_RESPONSE);
    ck_assert_uint_eq(r.actions_len, 0);
    ck_assert_uint_eq(r.frame_len, 0);

    uint8_t *m = malloc(23);
    memcpy(m, full, 23);
    ofp_store_be16(m + 2, 23);
    ck_assert_int_eq(sb_classify(m, 23, &r), SB_MALFORMED);
    free(m);
    free(full);
}
END_TEST

START_TEST(test_classify_actions_past_the_end_is_malformed)
{
    uint32_t port = 1;
    struct ofp_action act;
    struct ofp_msg msg;
    struct sb_resp r;
    size_t len;

    packet_out_init(&msg, 9, 3, &act, &port, 1, NULL, 0);
    uint8_t *m = encode_exact(&msg, &len);
    ck_assert_uint_eq(len, 40);

    /* actions_len == the rest of the message: valid, no frame. */
    ck_assert_int_eq(sb_classify(m, len, &r), SB_RESPONSE);
    ck_assert_uint_eq(r.actions_len, 16);
    ck_assert_uint_eq(r.frame_len, 0);

    ofp_store_be16(m + 16, 17);
    ck_assert_int_eq(sb_classify(m, len, &r), SB_MALFORMED);
    ofp_store_be16(m + 16, 0xfff8);
    ck_assert_int_eq(sb_classify(m, len, &r), SB_MALFORMED);
    free(m);
}
END_TEST

/* ---- sb_for_each_output ---- */

struct outputs {
    uint32_t ports[16];
    size_t n;
};

static void
collect_output(void *aux, uint32_t port)
{
    struct outputs *o = aux;
    ck_assert_uint_lt(o->n, 16);
    o->ports[o->n++] = port;
}

/* Writes an action of 'type' and 'len' bytes (at least 4) at 'p': port
 * 'arg' in bytes 4..7 when it is that long, zeroes after. */
static size_t
put_action(uint8_t *p, uint16_t type, uint16_t len, uint32_t arg)
{
    memset(p, 0, len);
    ofp_store_be16(p, type);
    ofp_store_be16(p + 2, len);
    if (len >= 8) {
        ofp_store_be32(p + 4, arg);
    }
    return len;
}

START_TEST(test_for_each_output_in_order_skipping_other_actions)
{
    struct ofp_action acts[6];
    struct ofp_action_list list = {6, acts};
    struct outputs o = {.n = 0};

    memset(acts, 0, sizeof acts);
    acts[0].type = OFPAT_OUTPUT;
    acts[0].output.port = 1;
    acts[1].type = OFPAT_SET_QUEUE;
    acts[1].queue_id = 5;
    acts[2].type = OFPAT_OUTPUT;
    acts[2].output.port = 3;
    acts[3].type = OFPAT_POP_VLAN;
    acts[4].type = OFPAT_SET_FIELD;
    ck_assert(ofp_oxm_init_basic(&acts[4].set_field, OFPXMT_OFB_ETH_DST));
    sb_host_mac(1, 2, acts[4].set_field.value.mac);
    acts[5].type = OFPAT_OUTPUT;
    acts[5].output.port = OFPP_CONTROLLER;
    ofp_wbuf_clear(&wb);
    ofp_actions_encode(&wb, &list);
    uint8_t *a = malloc(wb.len);
    memcpy(a, wb.data, wb.len);

    ck_assert(sb_for_each_output(a, wb.len, collect_output, &o));
    ck_assert_uint_eq(o.n, 3);
    ck_assert_uint_eq(o.ports[0], 1);
    ck_assert_uint_eq(o.ports[1], 3);
    ck_assert_uint_eq(o.ports[2], OFPP_CONTROLLER);
    free(a);
}
END_TEST

START_TEST(test_for_each_output_empty_list)
{
    struct outputs o = {.n = 0};
    uint8_t dummy = 0;

    ck_assert(sb_for_each_output(&dummy, 0, collect_output, &o));
    ck_assert_uint_eq(o.n, 0);
}
END_TEST

START_TEST(test_for_each_output_zero_length_action_is_malformed)
{
    uint8_t a[24];
    struct outputs o = {.n = 0};

    size_t n = put_action(a, OFPAT_OUTPUT, 16, 7);
    put_action(a + n, OFPAT_POP_VLAN, 8, 0);
    ofp_store_be16(a + n + 2, 0);
    ck_assert(!sb_for_each_output(a, sizeof a, collect_output, &o));
    ck_assert_uint_eq(o.n, 1);
    ck_assert_uint_eq(o.ports[0], 7);
}
END_TEST

START_TEST(test_for_each_output_length_not_multiple_of_8_is_malformed)
{
    uint8_t a[16];
    struct outputs o = {.n = 0};

    put_action(a, OFPAT_POP_VLAN, 16, 0);
    ofp_store_be16(a + 2, 12);
    ck_assert(!sb_for_each_output(a, sizeof a, collect_output, &o));
    ck_assert_uint_eq(o.n, 0);
}
END_TEST

START_TEST(test_for_each_output_action_past_the_end_is_malformed)
{
    uint8_t *a = malloc(24);
    struct outputs o = {.n = 0};

    put_action(a, OFPAT_OUTPUT, 16, 2);
    put_action(a + 16, OFPAT_OUTPUT, 8, 0);
    ofp_store_be16(a + 16 + 2, 16); /* claims 16, 8 are left */
    ck_assert(!sb_for_each_output(a, 24, collect_output, &o));
    ck_assert_uint_eq(o.n, 1);
    ck_assert_uint_eq(o.ports[0], 2);
    free(a);
}
END_TEST

START_TEST(test_for_each_output_trailing_bytes_are_malformed)
{
    uint8_t *a = malloc(20);
    struct outputs o = {.n = 0};

    put_action(a, OFPAT_OUTPUT, 16, 2);
    memset(a + 16, 0, 4);
    ck_assert(!sb_for_each_output(a, 20, collect_output, &o));
    ck_assert_uint_eq(o.n, 1);
    free(a);
}
END_TEST

START_TEST(test_for_each_output_output_not_16_bytes_is_malformed)
{
    uint8_t a[24];
    struct outputs o = {.n = 0};

    put_action(a, OFPAT_OUTPUT, 8, 2);
    ck_assert(!sb_for_each_output(a, 8, collect_output, &o));
    put_action(a, OFPAT_OUTPUT, 24, 2);
    ck_assert(!sb_for_each_output(a, 24, collect_output, &o));
    ck_assert_uint_eq(o.n, 0);
}
END_TEST

/* ---- The fake controller ---- */

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
nap(void)
{
    struct timespec ts = {0, 2 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static struct sb_totals
totals(void)
{
    struct sb_totals t;
    sb_run_totals(run, &t);
    return t;
}

/* Polls 'COND' in 2 ms naps until it holds or STEP seconds passed; yields
 * whether it holds. */
#define WAIT_FOR(COND)                                                        \
    ({                                                                        \
        double deadline_ = now_s() + STEP;                                    \
        while (!(COND) && now_s() < deadline_) {                              \
            nap();                                                            \
        }                                                                     \
        !!(COND);                                                             \
    })

static void
set_timeouts(int fd)
{
    struct timeval tv = {(time_t) STEP, 0};
    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv),
                     0);
    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv),
                     0);
}

/* Binds 'listen_fd' to 127.0.0.1 port 0 and points 'cfg' at it, with the
 * emulation parameters 'mode', 'switches', 'threads' and small defaults
 * (100 MACs, 4 ports).  Does not listen. */
static void
config_bind(enum sb_mode mode, uint32_t switches, uint32_t threads)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t len = sizeof sin;
    int one = 1;

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(listen_fd, 0);
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    set_timeouts(listen_fd);
    ck_assert_int_eq(bind(listen_fd, (struct sockaddr *) &sin, sizeof sin), 0);
    ck_assert_int_eq(getsockname(listen_fd, (struct sockaddr *) &sin, &len),
                     0);

    memset(&cfg, 0, sizeof cfg);
    cfg.mode = mode;
    memcpy(&cfg.addr, &sin, sizeof sin);
    cfg.addr_len = sizeof sin;
    snprintf(cfg.controller, sizeof cfg.controller, "127.0.0.1:%u",
             ntohs(sin.sin_port));
    cfg.switches = switches;
    cfg.threads = threads;
    cfg.macs = 100;
    cfg.ports = 4;
}

static void
config_listen(enum sb_mode mode, uint32_t switches, uint32_t threads)
{
    config_bind(mode, switches, threads);
    ck_assert_int_eq(listen(listen_fd, 64), 0);
}

static void
run_start(void)
{
    char err[256] = "";
    int error = sb_run_start(&cfg, &run, err, sizeof err);
    ck_assert_msg(error == 0, "sb_run_start: %s", err);
    ck_assert_ptr_nonnull(run);
}

static void
run_stop(void)
{
    sb_run_stop(run);
    run_stopped = true;
}

static void
accept_peers(size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_lt(n_peers, MAX_PEERS);
        int fd = accept(listen_fd, NULL, NULL);
        ck_assert_msg(fd >= 0, "no switch connected: %s", strerror(errno));
        set_timeouts(fd);
        struct peer *p = &peers[n_peers++];
        p->fd = fd;
        p->start = p->end = 0;
    }
}

/* Returns the next whole message from 'p' (valid until the next read from
 * 'p'), or NULL if none came within STEP seconds or the session ended;
 * '*lenp' gets its length. */
static const uint8_t *
peer_recv(struct peer *p, size_t *lenp)
{
    for (;;) {
        size_t have = p->end - p->start;
        if (have >= 8) {
            size_t len = ofp_load_be16(p->buf + p->start + 2);
            ck_assert_msg(len >= 8, "switch sent a message of length %zu",
                          len);
            if (have >= len) {
                const uint8_t *m = p->buf + p->start;
                p->start += len;
                *lenp = len;
                return m;
            }
        }
        if (p->start) {
            memmove(p->buf, p->buf + p->start, have);
            p->start = 0;
            p->end = have;
        }
        ssize_t n = recv(p->fd, p->buf + p->end, sizeof p->buf - p->end, 0);
        if (n <= 0) {
            return NULL;
        }
        p->end += (size_t) n;
    }
}

/* True if 'p' sends nothing for QUIET seconds. */
static bool
peer_quiet(struct peer *p)
{
    struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
    return p->end == p->start && poll(&pfd, 1, (int) (QUIET * 1000)) == 0;
}

/* Reads the next message from 'p', skipping PACKET_INs if 'skip_pktin',
 * checks that it decodes and is of 'type', and decodes it into '*msg'
 * (valid until the next read from 'p' or decode). */
static void
expect_msg_skip(struct peer *p, uint8_t type, struct ofp_msg *msg,
                bool skip_pktin)
{
    const uint8_t *m;
    size_t len;

    do {
        m = peer_recv(p, &len);
        ck_assert_msg(m != NULL, "switch dpid %llu: no %s within %.0f s",
                      (unsigned long long) p->dpid, ofp_type_name(type), STEP);
    } while (skip_pktin && m[1] == OFPT_PACKET_IN && type != OFPT_PACKET_IN);
    ofp_arena_reset(&arena);
    enum ofperr error = ofp_msg_decode(m, len, msg, &arena);
    ck_assert_msg(!error, "switch sent an undecodable %s: %s",
                  ofp_type_name(m[1]) ? ofp_type_name(m[1]) : "message",
                  ofperr_name(error));
    ck_assert_msg(msg->type == type, "switch sent %s, expected %s",
                  ofp_type_name(msg->type), ofp_type_name(type));
}

static void
expect_msg(struct peer *p, uint8_t type, struct ofp_msg *msg)
{
    expect_msg_skip(p, type, msg, false);
}

static void
peer_send_raw(struct peer *p, const void *data, size_t len)
{
    const uint8_t *d = data;
    while (len) {
        ssize_t n = send(p->fd, d, len, MSG_NOSIGNAL);
        ck_assert_msg(n > 0, "send: %s", strerror(errno));
        d += n;
        len -= (size_t) n;
    }
}

static void
peer_send(struct peer *p, const struct ofp_msg *msg)
{
    ofp_wbuf_clear(&wb);
    ck_assert_int_eq(ofp_msg_encode(&wb, msg), 0);
    peer_send_raw(p, wb.data, wb.len);
}

static void
send_simple(struct peer *p, uint8_t type, uint32_t xid)
{
    struct ofp_msg msg;
    ofp_msg_init(&msg, type, xid);
    peer_send(p, &msg);
}

/* The controller's side of the handshake: the switch's HELLO, our HELLO
 * and FEATURES_REQUEST, its FEATURES_REPLY (recording the dpid). */
static void
handshake(struct peer *p)
{
    struct ofp_msg msg;

    expect_msg(p, OFPT_HELLO, &msg);
    ck_assert(ofp_hello_offers(&msg, OFP13_VERSION));
    send_simple(p, OFPT_HELLO, 1);
    send_simple(p, OFPT_FEATURES_REQUEST, 2);
    expect_msg(p, OFPT_FEATURES_REPLY, &msg);
    ck_assert_uint_eq(msg.xid, 2);
    p->dpid = msg.features.datapath_id;
}

/* Fills 'sw' by switch index from the handshaken peers, checking that
 * their dpids are 1..n_peers, each once. */
static void
order_peers(void)
{
    for (size_t i = 0; i < n_peers; i++) {
        uint64_t dpid = peers[i].dpid;
        ck_assert_msg(dpid >= 1 && dpid <= n_peers, "dpid %llu",
                      (unsigned long long) dpid);
        ck_assert_msg(sw[dpid - 1] == NULL, "dpid %llu twice",
                      (unsigned long long) dpid);
        sw[dpid - 1] = &peers[i];
    }
}

/* Starts a run of 'n' switches in 'mode' over 'threads' threads (with the
 * current 'cfg' tweaks applied by 'tweak', if not NULL), accepts them and
 * completes their handshakes; 'sw' then maps index to peer. */
static void
open_switches(enum sb_mode mode, uint32_t n, uint32_t threads,
              void (*tweak)(void))
{
    config_listen(mode, n, threads);
    if (tweak) {
        tweak();
    }
    run_start();
    accept_peers(n);
    for (size_t i = 0; i < n; i++) {
        handshake(&peers[i]);
    }
    order_peers();
}

/* Makes 'p' ready with a BARRIER_REQUEST and reads the reply. */
static void
ready_by_barrier(struct peer *p, uint32_t xid)
{
    struct ofp_msg msg;
    send_simple(p, OFPT_BARRIER_REQUEST, xid);
    expect_msg(p, OFPT_BARRIER_REPLY, &msg);
    ck_assert_uint_eq(msg.xid, xid);
}

/* Makes 'p' ready with the table-miss FLOW_MOD a learning controller
 * sends (one counted response). */
static void
ready_by_flow_mod(struct peer *p)
{
    struct ofp_msg msg;
    flow_mod_init(&msg, 3, OFPFC_ADD, OFP_NO_BUFFER);
    peer_send(p, &msg);
}

/* Sends a BARRIER_REQUEST and reads up to its reply, skipping
 * PACKET_INs: every message sent before it has been handled and its
 * counters published when this returns. */
static void
sync_barrier(struct peer *p, uint32_t xid)
{
    struct ofp_msg msg;
    send_simple(p, OFPT_BARRIER_REQUEST, xid);
    expect_msg_skip(p, OFPT_BARRIER_REPLY, &msg, true);
    ck_assert_uint_eq(msg.xid, xid);
}

/* ---- Handshake and requests ---- */

START_TEST(test_switch_hello_offers_openflow_1_3_only)
{
    struct ofp_msg msg;

    config_listen(SB_CONNECT, 1, 1);
    run_start();
    accept_peers(1);
    expect_msg(&peers[0], OFPT_HELLO, &msg);
    ck_assert_uint_eq(msg.version, OFP13_VERSION);
    ck_assert_uint_eq(msg.hello.n_elems, 1);
    ck_assert_uint_eq(msg.hello.elems[0].type, OFPHET_VERSIONBITMAP);
    ck_assert_uint_eq(msg.hello.elems[0].n_bitmaps, 1);
    ck_assert_uint_eq(msg.hello.elems[0].bitmaps[0], 1u << OFP13_VERSION);
    ck_assert(ofp_hello_offers(&msg, OFP13_VERSION));
    ck_assert(!ofp_hello_offers(&msg, 1));
    /* It waits for the controller: nothing else before our HELLO. */
    ck_assert(peer_quiet(&peers[0]));
}
END_TEST

START_TEST(test_features_reply_gives_each_switch_its_dpid)
{
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 2, 2, NULL);
    ck_assert_uint_eq(sw[0]->dpid, 1);
    ck_assert_uint_eq(sw[1]->dpid, 2);
    for (size_t i = 0; i < 2; i++) {
        send_simple(sw[i], OFPT_FEATURES_REQUEST, 0x55 + (uint32_t) i);
        expect_msg(sw[i], OFPT_FEATURES_REPLY, &msg);
        ck_assert_uint_eq(msg.xid, 0x55 + i);
        ck_assert_uint_eq(msg.features.datapath_id, i + 1);
        ck_assert_uint_gt(msg.features.n_tables, 0);
        ck_assert_uint_eq(msg.features.auxiliary_id, 0);
    }
    ck_assert_ptr_null(sb_run_failure(run));
}
END_TEST

static void
six_ports(void)
{
    cfg.ports = 6;
}

START_TEST(test_port_desc_lists_live_ports_1_to_p)
{
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, six_ports);
    ofp_msg_init(&msg, OFPT_MULTIPART_REQUEST, 10);
    msg.mp_request.type = OFPMP_PORT_DESC;
    peer_send(sw[0], &msg);
    expect_msg(sw[0], OFPT_MULTIPART_REPLY, &msg);
    ck_assert_uint_eq(msg.xid, 10);
    ck_assert_uint_eq(msg.mp_reply.type, OFPMP_PORT_DESC);
    ck_assert_uint_eq(msg.mp_reply.flags, 0);
    ck_assert_uint_eq(msg.mp_reply.port_desc.n, 6);
    for (size_t i = 0; i < 6; i++) {
        const struct ofp_port *port = &msg.mp_reply.port_desc.ports[i];
        ck_assert_uint_eq(port->port_no, i + 1);
        ck_assert_uint_eq(port->state, OFPPS_LIVE);
        ck_assert_uint_eq(port->config, 0);
        ck_assert_str_ne(port->name, "");
        for (size_t j = 0; j < i; j++) {
            ck_assert_mem_ne(port->hw_addr,
                             msg.mp_reply.port_desc.ports[j].hw_addr, 6);
        }
    }
}
END_TEST

START_TEST(test_desc_request_answered)
{
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, NULL);
    ofp_msg_init(&msg, OFPT_MULTIPART_REQUEST, 11);
    msg.mp_request.type = OFPMP_DESC;
    peer_send(sw[0], &msg);
    expect_msg(sw[0], OFPT_MULTIPART_REPLY, &msg);
    ck_assert_uint_eq(msg.xid, 11);
    ck_assert_uint_eq(msg.mp_reply.type, OFPMP_DESC);
    ck_assert_ptr_nonnull(msg.mp_reply.desc);
    ck_assert_str_ne(msg.mp_reply.desc->mfr_desc, "");
    ck_assert_str_ne(msg.mp_reply.desc->hw_desc, "");
    ck_assert_str_eq(msg.mp_reply.desc->serial_num, "1");
}
END_TEST

START_TEST(test_flow_stats_request_gets_empty_reply)
{
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, NULL);
    ofp_msg_init(&msg, OFPT_MULTIPART_REQUEST, 12);
    msg.mp_request.type = OFPMP_FLOW;
    msg.mp_request.flow.table_id = OFPTT_ALL;
    msg.mp_request.flow.out_port = OFPP_ANY;
    msg.mp_request.flow.out_group = OFPG_ANY;
    msg.mp_request.flow.match.type = OFPMT_OXM;
    peer_send(sw[0], &msg);
    expect_msg(sw[0], OFPT_MULTIPART_REPLY, &msg);
    ck_assert_uint_eq(msg.xid, 12);
    ck_assert_uint_eq(msg.mp_reply.type, OFPMP_FLOW);
    ck_assert_uint_eq(msg.mp_reply.flow.n, 0);
    ck_assert_uint_eq(msg.mp_reply.flags, 0);
}
END_TEST

START_TEST(test_table_and_port_stats_requests_get_empty_replies)
{
    static const uint16_t types[] = {OFPMP_TABLE, OFPMP_PORT_STATS};
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, NULL);
    for (size_t i = 0; i < 2; i++) {
        ofp_msg_init(&msg, OFPT_MULTIPART_REQUEST, 20 + (uint32_t) i);
        msg.mp_request.type = types[i];
        msg.mp_request.port_no = OFPP_ANY;
        peer_send(sw[0], &msg);
        expect_msg(sw[0], OFPT_MULTIPART_REPLY, &msg);
        ck_assert_uint_eq(msg.xid, 20 + i);
        ck_assert_uint_eq(msg.mp_reply.type, types[i]);
        ck_assert_uint_eq(ofp_mp_reply_n_entries(&msg.mp_reply), 0);
    }
}
END_TEST

START_TEST(test_get_config_request_answered)
{
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, NULL);
    send_simple(sw[0], OFPT_GET_CONFIG_REQUEST, 13);
    expect_msg(sw[0], OFPT_GET_CONFIG_REPLY, &msg);
    ck_assert_uint_eq(msg.xid, 13);
    ck_assert_uint_gt(msg.config.miss_send_len, 0);
}
END_TEST

START_TEST(test_set_config_is_not_answered)
{
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, NULL);
    ofp_msg_init(&msg, OFPT_SET_CONFIG, 14);
    msg.config.miss_send_len = 0xffff;
    peer_send(sw[0], &msg);
    send_simple(sw[0], OFPT_BARRIER_REQUEST, 15);
    expect_msg(sw[0], OFPT_BARRIER_REPLY, &msg);
    ck_assert_uint_eq(msg.xid, 15);
}
END_TEST

START_TEST(test_role_request_echoed_as_role_reply)
{
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, NULL);
    ofp_msg_init(&msg, OFPT_ROLE_REQUEST, 16);
    msg.role.role = OFPCR_ROLE_MASTER;
    msg.role.generation_id = 0x1122334455667788ull;
    peer_send(sw[0], &msg);
    expect_msg(sw[0], OFPT_ROLE_REPLY, &msg);
    ck_assert_uint_eq(msg.xid, 16);
    ck_assert_uint_eq(msg.role.role, OFPCR_ROLE_MASTER);
    ck_assert_uint_eq(msg.role.generation_id, 0x1122334455667788ull);
}
END_TEST

START_TEST(test_echo_request_answered_with_same_xid_and_payload)
{
    static const char payload[] = "keepalive 12345";
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, NULL);
    ofp_msg_init(&msg, OFPT_ECHO_REQUEST, 0xdeadbeef);
    msg.echo.data = (const uint8_t *) payload;
    msg.echo.len = sizeof payload;
    peer_send(sw[0], &msg);
    expect_msg(sw[0], OFPT_ECHO_REPLY, &msg);
    ck_assert_uint_eq(msg.xid, 0xdeadbeef);
    ck_assert_uint_eq(msg.echo.len, sizeof payload);
    ck_assert_mem_eq(msg.echo.data, payload, sizeof payload);
}
END_TEST

START_TEST(test_barrier_request_answered_with_same_xid)
{
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, NULL);
    for (uint32_t xid = 100; xid < 103; xid++) {
        send_simple(sw[0], OFPT_BARRIER_REQUEST, xid);
    }
    for (uint32_t xid = 100; xid < 103; xid++) {
        expect_msg(sw[0], OFPT_BARRIER_REPLY, &msg);
        ck_assert_uint_eq(msg.xid, xid);
    }
}
END_TEST

/* Reads an OFPT_ERROR from 'p' and checks its xid, type and code, and
 * that its data starts with the first bytes of the offending 'req'. */
static void
expect_error(struct peer *p, uint32_t xid, enum ofperr e, const uint8_t *req,
             size_t req_len)
{
    struct ofp_msg msg;

    expect_msg(p, OFPT_ERROR, &msg);
    ck_assert_uint_eq(msg.xid, xid);
    ck_assert_msg(msg.error.type == ofperr_type(e) &&
                      msg.error.code == ofperr_code(e),
                  "error %u/%u, expected %s", msg.error.type, msg.error.code,
                  ofperr_name(e));
    ck_assert_uint_gt(msg.error.len, 0);
    ck_assert_uint_le(msg.error.len, req_len);
    ck_assert_mem_eq(msg.error.data, req, msg.error.len);
}

START_TEST(test_unsupported_multipart_gets_bad_multipart)
{
    struct ofp_msg msg;
    size_t len;

    open_switches(SB_CONNECT, 1, 1, NULL);
    ofp_msg_init(&msg, OFPT_MULTIPART_REQUEST, 17);
    msg.mp_request.type = OFPMP_METER_FEATURES;
    uint8_t *req = encode_exact(&msg, &len);
    peer_send_raw(sw[0], req, len);
    expect_error(sw[0], 17, OFPERR_OFPBRC_BAD_MULTIPART, req, len);
    free(req);
}
END_TEST

START_TEST(test_undecodable_messages_get_errors)
{
    /* An unknown type, a foreign version, a body that is too long. */
    static const uint8_t bad_type[8] = {OFP13_VERSION, 0xee, 0, 8, 0, 0, 0, 1};
    static const uint8_t bad_version[8] = {
        0x01, OFPT_GET_CONFIG_REQUEST, 0, 8, 0, 0, 0, 2};
    static const uint8_t bad_len[12] = {
        OFP13_VERSION, OFPT_GET_CONFIG_REQUEST, 0, 12, 0, 0, 0, 3};
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, NULL);
    peer_send_raw(sw[0], bad_type, sizeof bad_type);
    expect_error(sw[0], 1, OFPERR_OFPBRC_BAD_TYPE, bad_type, sizeof bad_type);
    peer_send_raw(sw[0], bad_version, sizeof bad_version);
    expect_error(sw[0], 2, OFPERR_OFPBRC_BAD_VERSION, bad_version,
                 sizeof bad_version);
    peer_send_raw(sw[0], bad_len, sizeof bad_len);
    expect_error(sw[0], 3, OFPERR_OFPBRC_BAD_LEN, bad_len, sizeof bad_len);

    /* The session goes on. */
    send_simple(sw[0], OFPT_BARRIER_REQUEST, 4);
    expect_msg(sw[0], OFPT_BARRIER_REPLY, &msg);
    ck_assert_ptr_null(sb_run_failure(run));
}
END_TEST

START_TEST(test_short_flow_mod_gets_bad_len_and_does_not_ready)
{
    struct ofp_msg msg;
    size_t len;

    open_switches(SB_CONNECT, 1, 1, NULL);
    flow_mod_init(&msg, 18, OFPFC_ADD, OFP_NO_BUFFER);
    uint8_t *m = encode_exact(&msg, &len);
    ofp_store_be16(m + 2, 40);
    peer_send_raw(sw[0], m, 40);
    expect_error(sw[0], 18, OFPERR_OFPBRC_BAD_LEN, m, 40);
    free(m);
    ck_assert_uint_eq(totals().ready, 0);
    ck_assert_uint_eq(totals().responses, 0);
}
END_TEST

START_TEST(test_packet_out_actions_past_the_end_gets_bad_len)
{
    uint32_t port = 1;
    struct ofp_action act;
    struct ofp_msg msg;
    size_t len;

    open_switches(SB_CONNECT, 1, 1, NULL);
    ready_by_barrier(sw[0], 5);
    packet_out_init(&msg, 19, 7, &act, &port, 1, NULL, 0);
    uint8_t *m = encode_exact(&msg, &len);
    ofp_store_be16(m + 16, 24);
    peer_send_raw(sw[0], m, len);
    expect_error(sw[0], 19, OFPERR_OFPBRC_BAD_LEN, m, len);
    free(m);
    ck_assert_uint_eq(totals().responses, 0);
}
END_TEST

START_TEST(test_error_from_controller_is_counted)
{
    static const uint8_t data[] = {1, 2, 3, 4};
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 1, 1, NULL);
    ofp_msg_init(&msg, OFPT_ERROR, 20);
    msg.error.type = OFPET_BAD_REQUEST;
    msg.error.code = ofperr_code(OFPERR_OFPBRC_BAD_TYPE);
    msg.error.data = data;
    msg.error.len = sizeof data;
    peer_send(sw[0], &msg);
    peer_send(sw[0], &msg);
    ready_by_barrier(sw[0], 21);
    ck_assert_uint_eq(totals().errors_rx, 2);
}
END_TEST

START_TEST(test_hello_without_1_3_is_a_failure)
{
    uint32_t bitmap = 1u << 1; /* OpenFlow 1.0 only */
    struct ofp_hello_elem elem = {
        .type = OFPHET_VERSIONBITMAP, .n_bitmaps = 1, .bitmaps = &bitmap};
    struct ofp_msg msg;

    config_listen(SB_CONNECT, 1, 1);
    run_start();
    accept_peers(1);
    expect_msg(&peers[0], OFPT_HELLO, &msg);
    ofp_msg_init(&msg, OFPT_HELLO, 1);
    msg.hello.n_elems = 1;
    msg.hello.elems = &elem;
    peer_send(&peers[0], &msg);
    ck_assert(WAIT_FOR(sb_run_failure(run) != NULL));
    ck_assert_ptr_nonnull(strstr(sb_run_failure(run), "1.3"));
}
END_TEST

START_TEST(test_ready_needs_features_reply_then_flow_mod)
{
    struct ofp_msg msg;

    config_listen(SB_CONNECT, 1, 1);
    run_start();
    accept_peers(1);
    struct peer *p = &peers[0];
    expect_msg(p, OFPT_HELLO, &msg);
    send_simple(p, OFPT_HELLO, 1);

    /* A FLOW_MOD and a BARRIER before FEATURES_REPLY do not count. */
    ready_by_flow_mod(p);
    ready_by_barrier(p, 2);
    ck_assert_uint_eq(totals().ready, 0);

    send_simple(p, OFPT_FEATURES_REQUEST, 3);
    expect_msg(p, OFPT_FEATURES_REPLY, &msg);
    send_simple(p, OFPT_ECHO_REQUEST, 4);
    expect_msg(p, OFPT_ECHO_REPLY, &msg);
    ck_assert_uint_eq(totals().ready, 0);

    ready_by_flow_mod(p);
    ck_assert(WAIT_FOR(totals().ready == 1));
    /* Once: more FLOW_MODs and BARRIERs do not count it again. */
    ready_by_flow_mod(p);
    ready_by_barrier(p, 5);
    ck_assert_uint_eq(totals().ready, 1);
}
END_TEST

START_TEST(test_ready_after_features_reply_then_barrier)
{
    open_switches(SB_CONNECT, 2, 2, NULL);
    ck_assert_uint_eq(totals().ready, 0);
    ready_by_barrier(sw[1], 6);
    ck_assert(WAIT_FOR(totals().ready == 1));
    ready_by_barrier(sw[0], 7);
    ck_assert(WAIT_FOR(totals().ready == 2));
    ck_assert_uint_eq(totals().responses, 0);
}
END_TEST

/* ---- Throughput ---- */

/* Reads the next PACKET_IN of switch 'index' and checks it is the one
 * for source host 'h': buffer id 'h' (unless 'no_buffer'), in_port
 * h % ports + 1, MACs of hosts h and h + 1 (mod macs). */
static void
expect_generated_pktin(uint32_t index, uint32_t h, bool no_buffer)
{
    uint8_t src[6], dst[6];
    struct ofp_packet pkt;
    struct ofp_msg msg;

    expect_msg(sw[index], OFPT_PACKET_IN, &msg);
    ck_assert_uint_eq(msg.packet_in.buffer_id, no_buffer ? OFP_NO_BUFFER : h);
    ck_assert_uint_eq(msg.packet_in.reason, OFPR_NO_MATCH);
    ck_assert_uint_eq(msg.packet_in.total_len, SB_FRAME_LEN);
    const struct ofp_oxm *in_port =
        ofp_match_find(&msg.packet_in.match, OFPXMT_OFB_IN_PORT);
    ck_assert_ptr_nonnull(in_port);
    ck_assert_uint_eq(in_port->value.u32, h % cfg.ports + 1);
    ck_assert_uint_eq(msg.packet_in.len, SB_FRAME_LEN);
    ck_assert_int_eq(
        ofp_packet_parse(&pkt, msg.packet_in.data, msg.packet_in.len),
        OFP_PACKET_OK);
    sb_host_mac(index, h, src);
    sb_host_mac(index, (h + 1) % cfg.macs, dst);
    ck_assert_mem_eq(pkt.eth_src, src, 6);
    ck_assert_mem_eq(pkt.eth_dst, dst, 6);
    ck_assert_uint_eq(pkt.tp_src, 1234);
    ck_assert_uint_eq(pkt.tp_dst, 5678);
}

START_TEST(test_throughput_packet_ins_cycle_ports_and_hosts)
{
    open_switches(SB_THROUGHPUT, 2, 2, NULL);
    for (uint32_t i = 0; i < 2; i++) {
        ready_by_barrier(sw[i], 30 + i);
        for (uint32_t h = 0; h < 10; h++) {
            expect_generated_pktin(i, h, false);
        }
    }
    ck_assert(WAIT_FOR(totals().packet_ins >= 20));
    ck_assert_uint_eq(totals().ready, 2);
}
END_TEST

static void
three_macs_no_buffer(void)
{
    cfg.macs = 3;
    cfg.ports = 2;
    cfg.no_buffer = true;
}

START_TEST(test_throughput_hosts_wrap_at_macs_without_buffer_ids)
{
    open_switches(SB_THROUGHPUT, 1, 1, three_macs_no_buffer);
    ready_by_barrier(sw[0], 31);
    for (uint32_t n = 0; n < 8; n++) {
        expect_generated_pktin(0, n % 3, true);
    }
}
END_TEST

START_TEST(test_throughput_no_packet_in_before_ready)
{
    open_switches(SB_THROUGHPUT, 1, 1, NULL);
    ck_assert(peer_quiet(sw[0]));
    ck_assert_uint_eq(totals().packet_ins, 0);
    ready_by_barrier(sw[0], 32);
    expect_generated_pktin(0, 0, false);
}
END_TEST

START_TEST(test_throughput_flow_mods_count_and_deletes_do_not)
{
    static const uint8_t commands[] = {
        OFPFC_ADD, OFPFC_MODIFY, OFPFC_MODIFY_STRICT, OFPFC_ADD, OFPFC_ADD};
    const uint64_t n = sizeof commands;
    struct ofp_msg msg;

    open_switches(SB_THROUGHPUT, 1, 1, NULL);
    ready_by_barrier(sw[0], 33);
    ck_assert_uint_eq(totals().responses, 0);
    for (uint32_t h = 0; h < n; h++) {
        expect_msg(sw[0], OFPT_PACKET_IN, &msg);
        uint32_t buffer_id = msg.packet_in.buffer_id;
        flow_mod_init(&msg, 40 + h, commands[h], buffer_id);
        peer_send(sw[0], &msg);
    }
    ck_assert(WAIT_FOR(totals().responses >= n));
    flow_mod_init(&msg, 50, OFPFC_DELETE, OFP_NO_BUFFER);
    peer_send(sw[0], &msg);
    flow_mod_init(&msg, 51, OFPFC_DELETE_STRICT, OFP_NO_BUFFER);
    peer_send(sw[0], &msg);
    sync_barrier(sw[0], 52);
    ck_assert_uint_eq(totals().responses, n);
    ck_assert_uint_ge(totals().packet_ins, n);
    ck_assert_ptr_null(sb_run_failure(run));
}
END_TEST

START_TEST(test_throughput_packet_outs_count_unless_lldp)
{
    uint8_t frame[60], src[6];
    uint32_t port = 2;
    struct ofp_action act;
    struct ofp_msg msg;

    open_switches(SB_THROUGHPUT, 1, 1, NULL);
    ready_by_barrier(sw[0], 34);
    sb_host_mac(0, 0, src);
    plain_frame(frame, 0x0800, src);
    packet_out_init(&msg, 60, 0, &act, &port, 1, NULL, 0);
    peer_send(sw[0], &msg);
    packet_out_init(&msg, 61, OFP_NO_BUFFER, &act, &port, 1, frame,
                    sizeof frame);
    peer_send(sw[0], &msg);
    plain_frame(frame, 0x0806, src);
    packet_out_init(&msg, 62, 1, &act, &port, 1, frame, sizeof frame);
    peer_send(sw[0], &msg);

    lldp_frame(&lldp_wb, 1, 2);
    packet_out_init(&msg, 63, OFP_NO_BUFFER, &act, &port, 1, lldp_wb.data,
                    lldp_wb.len);
    peer_send(sw[0], &msg);
    peer_send(sw[0], &msg);

    sync_barrier(sw[0], 64);
    struct sb_totals t = totals();
    ck_assert_uint_eq(t.responses, 3);
    ck_assert_uint_eq(t.lldp_out, 2);
    ck_assert_uint_eq(t.lldp_edge, 2); /* no topology: every port is edge */
    ck_assert_uint_eq(t.lldp_delivered, 0);
}
END_TEST

/* ---- Latency ---- */

/* Makes 'p' ready and reads its first PACKET_IN into '*msg'. */
static void
latency_first(struct peer *p, uint32_t xid, struct ofp_msg *msg)
{
    ready_by_barrier(p, xid);
    expect_msg(p, OFPT_PACKET_IN, msg);
}

START_TEST(test_latency_one_packet_in_outstanding_per_switch)
{
    enum { K = 5 };
    uint32_t port = 2;
    struct ofp_action act;
    struct ofp_msg msg;
    uint32_t buffer_id[2];

    config_listen(SB_LATENCY, 2, 2);
    run_start();
    sb_run_set_measuring(run, true);
    accept_peers(2);
    handshake(&peers[0]);
    handshake(&peers[1]);
    order_peers();

    for (uint32_t i = 0; i < 2; i++) {
        latency_first(sw[i], 70 + i, &msg);
        buffer_id[i] = msg.packet_in.buffer_id;
        ck_assert(peer_quiet(sw[i]));
    }
    for (int k = 0; k < K; k++) {
        for (uint32_t i = 0; i < 2; i++) {
            packet_out_init(&msg, 80, buffer_id[i], &act, &port, 1, NULL, 0);
            peer_send(sw[i], &msg);
            expect_msg(sw[i], OFPT_PACKET_IN, &msg);
            ck_assert_uint_eq(msg.packet_in.buffer_id, buffer_id[i] + 1);
            buffer_id[i] = msg.packet_in.buffer_id;
            ck_assert(peer_quiet(sw[i]));
        }
    }
    ck_assert(WAIT_FOR(totals().rtts == 2 * K));
    struct sb_totals t = totals();
    ck_assert_uint_eq(t.responses, 2 * K);
    ck_assert_uint_eq(t.packet_ins, 2 * (K + 1));
    ck_assert_uint_eq(t.lost, 0);

    run_stop();
    uint64_t *samples;
    size_t n = sb_run_rtts(run, &samples);
    ck_assert_uint_eq(n, 2 * K);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_gt(samples[i], 0);
    }
}
END_TEST

START_TEST(test_latency_flow_mod_with_the_buffer_id_releases_next)
{
    struct ofp_msg msg;

    open_switches(SB_LATENCY, 1, 1, NULL);
    latency_first(sw[0], 71, &msg);
    uint32_t buffer_id = msg.packet_in.buffer_id;
    flow_mod_init(&msg, 81, OFPFC_ADD, buffer_id);
    peer_send(sw[0], &msg);
    expect_msg(sw[0], OFPT_PACKET_IN, &msg);
    ck_assert_uint_eq(msg.packet_in.buffer_id, buffer_id + 1);
    /* Not measuring: no samples. */
    run_stop();
    uint64_t *samples;
    ck_assert_uint_eq(sb_run_rtts(run, &samples), 0);
}
END_TEST

START_TEST(test_latency_other_buffer_id_does_not_release_next)
{
    struct ofp_msg msg;

    open_switches(SB_LATENCY, 1, 1, NULL);
    latency_first(sw[0], 72, &msg);
    uint32_t buffer_id = msg.packet_in.buffer_id;
    flow_mod_init(&msg, 82, OFPFC_ADD, buffer_id + 1000);
    peer_send(sw[0], &msg);
    flow_mod_init(&msg, 83, OFPFC_ADD, OFP_NO_BUFFER);
    peer_send(sw[0], &msg);
    ck_assert(WAIT_FOR(totals().responses == 2));
    ck_assert(peer_quiet(sw[0]));
    flow_mod_init(&msg, 84, OFPFC_ADD, buffer_id);
    peer_send(sw[0], &msg);
    expect_msg(sw[0], OFPT_PACKET_IN, &msg);
    ck_assert_uint_eq(msg.packet_in.buffer_id, buffer_id + 1);
}
END_TEST

static void
no_buffer(void)
{
    cfg.no_buffer = true;
}

START_TEST(test_latency_no_buffer_packet_out_with_the_frame_releases_next)
{
    uint32_t port = 2;
    uint8_t frame[SB_FRAME_LEN];
    struct ofp_action act;
    struct ofp_msg msg;

    open_switches(SB_LATENCY, 1, 1, no_buffer);
    sb_run_set_measuring(run, true);
    latency_first(sw[0], 73, &msg);
    ck_assert_uint_eq(msg.packet_in.buffer_id, OFP_NO_BUFFER);
    ck_assert_uint_eq(msg.packet_in.len, SB_FRAME_LEN);
    memcpy(frame, msg.packet_in.data, SB_FRAME_LEN);

    packet_out_init(&msg, 85, OFP_NO_BUFFER, &act, &port, 1, frame,
                    sizeof frame);
    peer_send(sw[0], &msg);
    /* Answered, not given up after a second: one sample, nothing lost. */
    ck_assert(WAIT_FOR(totals().rtts > 0 || totals().lost > 0));
    ck_assert_uint_eq(totals().lost, 0);
    ck_assert_uint_eq(totals().rtts, 1);
    expect_msg(sw[0], OFPT_PACKET_IN, &msg);
    ck_assert_uint_eq(msg.packet_in.buffer_id, OFP_NO_BUFFER);
    ck_assert_mem_ne(msg.packet_in.data + 6, frame + 6, 6);
}
END_TEST

/* ---- Fabric ---- */

/* Opens linear,2 (one host port per switch) over 'threads' threads and
 * makes both switches ready with a table-miss FLOW_MOD. */
static void
open_fabric(uint32_t threads)
{
    char err[256] = "";
    ck_assert_msg(sb_topo_build("linear,2", 1, &topo, err, sizeof err) == 0,
                  "%s", err);
    config_listen(SB_FABRIC, 0, threads);
    cfg.topo = topo;
    run_start();
    accept_peers(2);
    handshake(&peers[0]);
    handshake(&peers[1]);
    order_peers();
    ready_by_flow_mod(sw[0]);
    ready_by_flow_mod(sw[1]);
    ck_assert(WAIT_FOR(totals().ready == 2));
}

/* Sends switch 'index' a PACKET_OUT of an LLDP frame out of 'ports' and
 * leaves the frame in 'lldp_wb'. */
static void
send_lldp(uint32_t index, const uint32_t *ports, size_t n)
{
    struct ofp_action acts[4];
    struct ofp_msg msg;

    ck_assert_uint_le(n, 4);
    lldp_frame(&lldp_wb, index + 1, ports[0]);
    packet_out_init(&msg, 90, OFP_NO_BUFFER, acts, ports, n, lldp_wb.data,
                    lldp_wb.len);
    peer_send(sw[index], &msg);
}

/* Reads from switch 'index' the PACKET_IN of 'lldp_wb' arriving on
 * 'in_port'. */
static void
expect_lldp_in(uint32_t index, uint32_t in_port)
{
    struct ofp_msg msg;

    expect_msg(sw[index], OFPT_PACKET_IN, &msg);
    ck_assert_uint_eq(msg.packet_in.reason, OFPR_ACTION);
    ck_assert_uint_eq(msg.packet_in.buffer_id, OFP_NO_BUFFER);
    const struct ofp_oxm *oxm =
        ofp_match_find(&msg.packet_in.match, OFPXMT_OFB_IN_PORT);
    ck_assert_ptr_nonnull(oxm);
    ck_assert_uint_eq(oxm->value.u32, in_port);
    ck_assert_uint_eq(msg.packet_in.total_len, lldp_wb.len);
    test_assert_bytes(msg.packet_in.data, msg.packet_in.len, lldp_wb.data,
                      lldp_wb.len);
}

/* Reads the totals into '*t' and tells whether the LLDP counters are
 * 'out', 'delivered', 'edge' and 'seen'. */
static bool
lldp_counts_are(struct sb_totals *t, uint64_t out, uint64_t delivered,
                uint64_t edge, uint64_t seen)
{
    *t = totals();
    return t->lldp_out == out && t->lldp_delivered == delivered &&
           t->lldp_edge == edge && t->links_seen == seen;
}

/* Waits until the LLDP counters are 'out', 'delivered', 'edge' and
 * 'seen' (the sender's worker and the receiver's publish their counts
 * at different moments). */
static void
wait_lldp(uint64_t out, uint64_t delivered, uint64_t edge, uint64_t seen)
{
    struct sb_totals t;
    bool ok = WAIT_FOR(lldp_counts_are(&t, out, delivered, edge, seen));
    ck_assert_msg(
        ok, "LLDP out/delivered/edge/links %llu/%llu/%llu/%llu",
        (unsigned long long) t.lldp_out, (unsigned long long) t.lldp_delivered,
        (unsigned long long) t.lldp_edge, (unsigned long long) t.links_seen);
}

START_TEST(test_fabric_lldp_comes_back_on_the_peer_port)
{
    struct sb_end a, b;

    open_fabric((uint32_t) _i);
    ck_assert_uint_eq(topo->n_links, 1);
    a = topo->links[0].a;
    b = topo->links[0].b;
    ck_assert_uint_ne(a.sw, b.sw);

    send_lldp(a.sw, &a.port, 1);
    expect_lldp_in(b.sw, b.port);
    wait_lldp(1, 1, 0, 1);
    ck_assert_uint_eq(totals().responses, 2); /* the table-miss FLOW_MODs */

    /* A directed link is seen once; the other direction is another. */
    send_lldp(a.sw, &a.port, 1);
    expect_lldp_in(b.sw, b.port);
    send_lldp(b.sw, &b.port, 1);
    expect_lldp_in(a.sw, a.port);
    wait_lldp(3, 3, 0, 2);
    ck_assert(peer_quiet(sw[0]));
    ck_assert(peer_quiet(sw[1]));
}
END_TEST

START_TEST(test_fabric_lldp_out_of_an_edge_port_goes_nowhere)
{
    struct sb_end peer;
    uint32_t edge[] = {2}, nowhere[] = {99};

    open_fabric((uint32_t) _i);
    ck_assert_int_eq(sb_topo_peer(topo, 0, 2, &peer), 0);

    send_lldp(0, edge, 1);
    send_lldp(0, nowhere, 1);
    wait_lldp(2, 0, 2, 0);
    ck_assert(peer_quiet(sw[0]));
    ck_assert(peer_quiet(sw[1]));

    /* One PACKET_OUT to a link port and an edge port: one frame crosses. */
    uint32_t both[] = {2, 1};
    ck_assert_int_eq(sb_topo_peer(topo, 0, 1, &peer), 1);
    send_lldp(0, both, 2);
    expect_lldp_in(peer.sw, peer.port);
    wait_lldp(4, 1, 3, 1);
}
END_TEST

/* Reads a PORT_STATUS from switch 'index' saying 'port' is down. */
static void
expect_port_down(uint32_t index, uint32_t port)
{
    struct ofp_msg msg;

    expect_msg(sw[index], OFPT_PORT_STATUS, &msg);
    ck_assert_uint_eq(msg.port_status.reason, OFPPR_MODIFY);
    ck_assert_uint_eq(msg.port_status.desc.port_no, port);
    ck_assert_uint_eq(msg.port_status.desc.state & OFPPS_LINK_DOWN,
                      OFPPS_LINK_DOWN);
    ck_assert_uint_eq(msg.port_status.desc.state & OFPPS_LIVE, 0);
}

START_TEST(test_fabric_link_down_sends_port_status_and_stops_lldp)
{
    struct ofp_msg msg;

    open_fabric((uint32_t) _i);
    struct sb_end a = topo->links[0].a, b = topo->links[0].b;

    sb_run_link_down(run, 0);
    expect_port_down(a.sw, a.port);
    expect_port_down(b.sw, b.port);
    sb_run_link_down(run, 0); /* already down: nothing more */
    sb_run_link_down(run, 5); /* no such link */

    send_lldp(a.sw, &a.port, 1);
    send_lldp(b.sw, &b.port, 1);
    wait_lldp(2, 0, 2, 0);
    ck_assert(peer_quiet(sw[0]));
    ck_assert(peer_quiet(sw[1]));

    /* PORT_DESC now reports the link port down and the host port live. */
    ofp_msg_init(&msg, OFPT_MULTIPART_REQUEST, 91);
    msg.mp_request.type = OFPMP_PORT_DESC;
    peer_send(sw[a.sw], &msg);
    expect_msg(sw[a.sw], OFPT_MULTIPART_REPLY, &msg);
    ck_assert_uint_eq(msg.mp_reply.port_desc.n, 2);
    for (size_t i = 0; i < 2; i++) {
        const struct ofp_port *p = &msg.mp_reply.port_desc.ports[i];
        ck_assert_uint_eq(p->state,
                          p->port_no == a.port ? OFPPS_LINK_DOWN : OFPPS_LIVE);
    }
}
END_TEST

START_TEST(test_fabric_oversized_lldp_keeps_the_stream_valid)
{
    /* The largest PACKET_OUT: 65535 bytes, one OUTPUT, the rest frame.  A
     * PACKET_IN of that frame would not fit a 16-bit length. */
    const size_t big = 65535 - 24 - 16;
    struct ofp_action act;
    struct ofp_msg msg;

    open_fabric((uint32_t) _i);
    struct sb_end a = topo->links[0].a, b = topo->links[0].b;
    ofp_wbuf_clear(&lldp_wb);
    uint8_t *data = ofp_wbuf_put_zeros(&lldp_wb, big);
    ck_assert_ptr_nonnull(data);
    memset(data, 0xff, 6);
    sb_host_mac(a.sw, 1, data + 6);
    ofp_store_be16(data + 12, OFP_ETH_TYPE_LLDP);
    packet_out_init(&msg, 92, OFP_NO_BUFFER, &act, &a.port, 1, data, big);
    peer_send(sw[a.sw], &msg);

    /* Then a normal one: whatever the switch did with the big frame (drop
     * it, or cut it), every message before the normal frame's PACKET_IN
     * is a well-formed PACKET_IN. */
    send_lldp(a.sw, &a.port, 1);
    int n_cut = 0;
    for (;;) {
        expect_msg(sw[b.sw], OFPT_PACKET_IN, &msg);
        ck_assert_uint_eq(msg.packet_in.reason, OFPR_ACTION);
        ck_assert_uint_le(msg.packet_in.len, msg.packet_in.total_len);
        if (msg.packet_in.len == lldp_wb.len &&
            !memcmp(msg.packet_in.data, lldp_wb.data, lldp_wb.len)) {
            break;
        }
        /* The big frame, cut to fit; total_len tells the whole frame's. */
        ck_assert_uint_eq(msg.packet_in.len, 65535 - SB_PI_FRAME);
        ck_assert_uint_eq(msg.packet_in.total_len, big);
        n_cut++;
    }
    ck_assert_int_eq(n_cut, 1);
}
END_TEST

/* ---- Failures ---- */

START_TEST(test_unreachable_controller_is_reported)
{
    config_bind(SB_CONNECT, 2, 1); /* bound, not listening: refused */
    run_start();
    ck_assert(WAIT_FOR(sb_run_failure(run) != NULL));
    const char *failure = sb_run_failure(run);
    ck_assert_msg(strstr(failure, "cannot connect") != NULL, "%s", failure);
    ck_assert_msg(strstr(failure, cfg.controller) != NULL, "%s", failure);
    ck_assert_uint_eq(totals().ready, 0);
}
END_TEST

START_TEST(test_controller_closing_a_session_is_reported)
{
    struct ofp_msg msg;

    open_switches(SB_CONNECT, 2, 2, NULL);
    ready_by_barrier(sw[0], 93);
    ck_assert_ptr_null(sb_run_failure(run));
    close(sw[1]->fd);
    sw[1]->fd = -1;
    ck_assert(WAIT_FOR(sb_run_failure(run) != NULL));
    const char *failure = sb_run_failure(run);
    ck_assert_msg(strstr(failure, "closed the session") != NULL, "%s",
                  failure);
    /* The other switch keeps its session. */
    send_simple(sw[0], OFPT_ECHO_REQUEST, 94);
    expect_msg(sw[0], OFPT_ECHO_REPLY, &msg);
}
END_TEST

static Suite *
emu_suite(void)
{
    Suite *s = suite_create("bench-emu");
    TCase *tc = tcase_create("pieces");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_pktin_decodes_as_packet_in);
    tcase_add_test(tc, test_pktin_frame_is_udp_with_the_set_macs);
    tcase_add_test(tc, test_pktin_set_rewrites_only_the_varying_fields);
    tcase_add_test(tc, test_host_mac_layout);
    tcase_add_test(tc, test_classify_flow_mod_add_and_modify_are_responses);
    tcase_add_test(tc, test_classify_flow_mod_delete_is_other);
    tcase_add_test(tc, test_classify_packet_out_with_frame_is_response);
    tcase_add_test(tc,
                   test_classify_buffered_packet_out_without_data_is_response);
    tcase_add_test(tc, test_classify_lldp_packet_out);
    tcase_add_test(tc, test_classify_frame_shorter_than_ethernet_is_response);
    tcase_add_test(tc, test_classify_other_types_are_other);
    tcase_add_test(tc, test_classify_shorter_than_header_is_malformed);
    tcase_add_test(tc, test_classify_flow_mod_shorter_than_48_is_malformed);
    tcase_add_test(tc, test_classify_packet_out_shorter_than_24_is_malformed);
    tcase_add_test(tc, test_classify_actions_past_the_end_is_malformed);
    tcase_add_test(tc, test_for_each_output_in_order_skipping_other_actions);
    tcase_add_test(tc, test_for_each_output_empty_list);
    tcase_add_test(tc, test_for_each_output_zero_length_action_is_malformed);
    tcase_add_test(tc,
                   test_for_each_output_length_not_multiple_of_8_is_malformed);
    tcase_add_test(tc, test_for_each_output_action_past_the_end_is_malformed);
    tcase_add_test(tc, test_for_each_output_trailing_bytes_are_malformed);
    tcase_add_test(tc, test_for_each_output_output_not_16_bytes_is_malformed);
    suite_add_tcase(s, tc);

    tc = tcase_create("session");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_switch_hello_offers_openflow_1_3_only);
    tcase_add_test(tc, test_features_reply_gives_each_switch_its_dpid);
    tcase_add_test(tc, test_port_desc_lists_live_ports_1_to_p);
    tcase_add_test(tc, test_desc_request_answered);
    tcase_add_test(tc, test_flow_stats_request_gets_empty_reply);
    tcase_add_test(tc, test_table_and_port_stats_requests_get_empty_replies);
    tcase_add_test(tc, test_get_config_request_answered);
    tcase_add_test(tc, test_set_config_is_not_answered);
    tcase_add_test(tc, test_role_request_echoed_as_role_reply);
    tcase_add_test(tc, test_echo_request_answered_with_same_xid_and_payload);
    tcase_add_test(tc, test_barrier_request_answered_with_same_xid);
    tcase_add_test(tc, test_unsupported_multipart_gets_bad_multipart);
    tcase_add_test(tc, test_undecodable_messages_get_errors);
    tcase_add_test(tc, test_short_flow_mod_gets_bad_len_and_does_not_ready);
    tcase_add_test(tc, test_packet_out_actions_past_the_end_gets_bad_len);
    tcase_add_test(tc, test_error_from_controller_is_counted);
    tcase_add_test(tc, test_hello_without_1_3_is_a_failure);
    tcase_add_test(tc, test_ready_needs_features_reply_then_flow_mod);
    tcase_add_test(tc, test_ready_after_features_reply_then_barrier);
    suite_add_tcase(s, tc);

    tc = tcase_create("throughput");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_throughput_packet_ins_cycle_ports_and_hosts);
    tcase_add_test(tc, test_throughput_hosts_wrap_at_macs_without_buffer_ids);
    tcase_add_test(tc, test_throughput_no_packet_in_before_ready);
    tcase_add_test(tc, test_throughput_flow_mods_count_and_deletes_do_not);
    tcase_add_test(tc, test_throughput_packet_outs_count_unless_lldp);
    suite_add_tcase(s, tc);

    tc = tcase_create("latency");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_latency_one_packet_in_outstanding_per_switch);
    tcase_add_test(tc, test_latency_flow_mod_with_the_buffer_id_releases_next);
    tcase_add_test(tc, test_latency_other_buffer_id_does_not_release_next);
    tcase_add_test(
        tc, test_latency_no_buffer_packet_out_with_the_frame_releases_next);
    suite_add_tcase(s, tc);

    /* Fabric tests run with both switches on one thread, then on two. */
    tc = tcase_create("fabric");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_fabric_lldp_comes_back_on_the_peer_port, 1,
                        3);
    tcase_add_loop_test(tc, test_fabric_lldp_out_of_an_edge_port_goes_nowhere,
                        1, 3);
    tcase_add_loop_test(
        tc, test_fabric_link_down_sends_port_status_and_stops_lldp, 1, 3);
    tcase_add_loop_test(tc, test_fabric_oversized_lldp_keeps_the_stream_valid,
                        1, 3);
    suite_add_tcase(s, tc);

    tc = tcase_create("failures");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_unreachable_controller_is_reported);
    tcase_add_test(tc, test_controller_closing_a_session_is_reported);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    signal(SIGPIPE, SIG_IGN);
    return test_run_suite(emu_suite());
}
