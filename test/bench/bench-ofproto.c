/* bench-ofproto: how fast the OpenFlow codec and the packet parser are on
 * the controller's hot path (`make bench`; see test/bench/README.md).
 *
 * Four operations, each run 'count' times per repetition, 'reps'
 * repetitions, on one core (the process pins itself to the CPU it starts
 * on, or to --cpu N):
 *
 *   packet_in_decode_parse  decode a 128-byte PACKET_IN (in_port OXM match,
 *                           an Ethernet/IPv4/TCP frame) and parse the frame
 *                           with ofp_packet_parse()
 *   flow_mod_encode         encode a FLOW_MOD with 4 OXM fields and an
 *                           APPLY_ACTIONS instruction holding one output
 *   flow_mod_decode         decode that FLOW_MOD
 *   packet_out_encode       encode the PACKET_OUT a learning switch answers
 *                           a buffered PACKET_IN with (buffer_id set, one
 *                           output action, no data) into fixed storage, as
 *                           a connection does
 *
 * The arena and write buffer are reused, as a connection does.  Every
 * iteration folds a value from its result into a volatile sink and the
 * compiler is told the buffers change, so no work can be optimised away;
 * every result is also checked once before timing.  Prints min / median /
 * max ns per operation and the median operations per second, or one JSON
 * object with --json.  No timing is asserted anywhere.
 */
#include <config.h>

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ofproto/ofp-msgs.h"
#include "ofproto/ofp-packet.h"

#define BENCH_MAX_REPS 101

/* Tells the compiler that memory behind 'p' may be read or changed. */
#define BENCH_CLOBBER(p) __asm__ volatile("" : : "g"(p) : "memory")

static volatile uint64_t bench_sink;

struct bench_ctx {
    struct ofp_arena arena;
    struct ofp_wbuf out;
    uint8_t packet_in[128];
    struct ofp_msg flow_mod; /* to encode */
    struct ofp_oxm flow_mod_oxms[4];
    struct ofp_action flow_mod_action;
    struct ofp_instruction flow_mod_inst;
    uint8_t flow_mod_wire[256]; /* its encoding, to decode */
    size_t flow_mod_len;
    struct ofp_msg packet_out; /* to encode */
    struct ofp_action packet_out_action;
    uint8_t packet_out_wire[256]; /* fixed storage it is encoded into */
};

struct bench {
    const char *name;
    const char *what;
    /* Runs the operation 'count' times; returns the number of failures. */
    uint64_t (*run)(struct bench_ctx *, uint64_t count);
    double ns[BENCH_MAX_REPS]; /* ns per operation, per rep */
    double min, median, max;
};

static uint64_t
bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* An Ethernet/IPv4/TCP frame of 'len' bytes (54 of headers, then payload
 * bytes) into 'frame'. */
static void
bench_frame(uint8_t *frame, size_t len)
{
    static const uint8_t headers[54] = {
        0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* eth_dst */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* eth_src */
        0x08, 0x00,                         /* IPv4 */
        0x45, 0x00, 0x00, 0x48,             /* IHL 5, total 72 */
        0x12, 0x34, 0x40, 0x00,             /* id, DF */
        0x40, 0x06, 0x00, 0x00,             /* TTL 64, TCP */
        0x0a, 0x00, 0x00, 0x01,             /* 10.0.0.1 */
        0x0a, 0x00, 0x00, 0x02,             /* 10.0.0.2 */
        0xc0, 0x01, 0x00, 0x50,             /* 49153 -> 80 */
        0x00, 0x00, 0x00, 0x01,             /* seq */
        0x00, 0x00, 0x00, 0x00,             /* ack */
        0x50, 0x02, 0x72, 0x10,             /* doff 5, SYN */
        0x00, 0x00, 0x00, 0x00,             /* csum, urg */
    };
    memcpy(frame, headers, sizeof headers);
    for (size_t i = sizeof headers; i < len; i++) {
        frame[i] = (uint8_t) i;
    }
}

/* Builds the PACKET_IN and the FLOW_MOD.  Returns false (and says why) if
 * the codec does not produce what the benchmark expects. */
static bool
bench_setup(struct bench_ctx *c)
{
    ofp_arena_init(&c->arena);
    ofp_wbuf_init(&c->out);

    /* PACKET_IN: 8 header + 16 fixed + 16 match (in_port) + 2 pad + 86
     * bytes of frame = 128. */
    uint8_t frame[86];
    struct ofp_oxm in_port;
    struct ofp_msg pin;
    bench_frame(frame, sizeof frame);
    ofp_msg_init(&pin, OFPT_PACKET_IN, 1);
    pin.packet_in.buffer_id = OFP_NO_BUFFER;
    pin.packet_in.total_len = sizeof frame;
    pin.packet_in.reason = OFPR_NO_MATCH;
    pin.packet_in.match.type = OFPMT_OXM;
    if (!ofp_oxm_init_basic(&in_port, OFPXMT_OFB_IN_PORT)) {
        return false;
    }
    in_port.value.u32 = 3;
    pin.packet_in.match.n_oxms = 1;
    pin.packet_in.match.oxms = &in_port;
    pin.packet_in.len = sizeof frame;
    pin.packet_in.data = frame;
    ofp_wbuf_clear(&c->out);
    if (ofp_msg_encode(&c->out, &pin) || c->out.len != sizeof c->packet_in) {
        fprintf(stderr, "bench: PACKET_IN encodes to %zu bytes, not 128\n",
                c->out.len);
        return false;
    }
    memcpy(c->packet_in, c->out.data, sizeof c->packet_in);

    /* FLOW_MOD: in_port=1, eth_dst, eth_type=IPv4, ipv4_dst=10.0.0.2;
     * apply_actions(output:2). */
    static const uint8_t mac[6] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x02};
    struct ofp_oxm *o = c->flow_mod_oxms;
    if (!ofp_oxm_init_basic(&o[0], OFPXMT_OFB_IN_PORT) ||
        !ofp_oxm_init_basic(&o[1], OFPXMT_OFB_ETH_DST) ||
        !ofp_oxm_init_basic(&o[2], OFPXMT_OFB_ETH_TYPE) ||
        !ofp_oxm_init_basic(&o[3], OFPXMT_OFB_IPV4_DST)) {
        return false;
    }
    o[0].value.u32 = 1;
    memcpy(o[1].value.mac, mac, sizeof mac);
    o[2].value.u16 = 0x0800;
    o[3].value.u32 = 0x0a000002;

    memset(&c->flow_mod_action, 0, sizeof c->flow_mod_action);
    c->flow_mod_action.type = OFPAT_OUTPUT;
    c->flow_mod_action.output.port = 2;
    c->flow_mod_action.output.max_len = 0;
    memset(&c->flow_mod_inst, 0, sizeof c->flow_mod_inst);
    c->flow_mod_inst.type = OFPIT_APPLY_ACTIONS;
    c->flow_mod_inst.actions.n = 1;
    c->flow_mod_inst.actions.actions = &c->flow_mod_action;

    struct ofp_flow_mod *fm = &c->flow_mod.flow_mod;
    ofp_msg_init(&c->flow_mod, OFPT_FLOW_MOD, 2);
    fm->command = OFPFC_ADD;
    fm->idle_timeout = 60;
    fm->priority = 100;
    fm->buffer_id = OFP_NO_BUFFER;
    fm->out_port = OFPP_ANY;
    fm->out_group = OFPG_ANY;
    fm->flags = OFPFF_SEND_FLOW_REM;
    fm->match.type = OFPMT_OXM;
    fm->match.n_oxms = 4;
    fm->match.oxms = o;
    fm->instructions.n = 1;
    fm->instructions.instructions = &c->flow_mod_inst;
    ofp_wbuf_clear(&c->out);
    /* 48 fixed + match (4 + 8 + 10 + 6 + 8 = 36, padded to 40) +
     * apply_actions (8) + output (16) = 112 bytes. */
    if (ofp_msg_encode(&c->out, &c->flow_mod) || c->out.len != 112) {
        fprintf(stderr, "bench: FLOW_MOD encodes to %zu bytes, not 112\n",
                c->out.len);
        return false;
    }
    c->flow_mod_len = c->out.len;
    memcpy(c->flow_mod_wire, c->out.data, c->flow_mod_len);

    /* PACKET_OUT: buffer 7, in_port 3, output:2; 8 header + 16 fixed +
     * 16 action = 40 bytes. */
    memset(&c->packet_out_action, 0, sizeof c->packet_out_action);
    c->packet_out_action.type = OFPAT_OUTPUT;
    c->packet_out_action.output.port = 2;
    c->packet_out_action.output.max_len = OFPCML_NO_BUFFER;
    ofp_msg_init(&c->packet_out, OFPT_PACKET_OUT, 3);
    c->packet_out.packet_out.buffer_id = 7;
    c->packet_out.packet_out.in_port = 3;
    c->packet_out.packet_out.actions.n = 1;
    c->packet_out.packet_out.actions.actions = &c->packet_out_action;
    struct ofp_wbuf po;
    ofp_wbuf_use_fixed(&po, c->packet_out_wire, sizeof c->packet_out_wire);
    if (ofp_msg_encode(&po, &c->packet_out) || po.len != 40) {
        fprintf(stderr, "bench: PACKET_OUT encodes to %zu bytes, not 40\n",
                po.len);
        return false;
    }

    /* Check the decoders once. */
    struct ofp_msg m;
    struct ofp_packet pkt;
    ofp_arena_reset(&c->arena);
    if (ofp_msg_decode(c->packet_in, sizeof c->packet_in, &m, &c->arena) ||
        m.type != OFPT_PACKET_IN || m.packet_in.len != sizeof frame ||
        ofp_packet_parse(&pkt, m.packet_in.data, m.packet_in.len) ||
        pkt.layer != OFP_PACKET_L4 || pkt.tp_dst != 80 ||
        pkt.ipv4.dst != 0x0a000002) {
        fprintf(stderr, "bench: the PACKET_IN does not decode and parse\n");
        return false;
    }
    ofp_arena_reset(&c->arena);
    if (ofp_msg_decode(c->flow_mod_wire, c->flow_mod_len, &m, &c->arena) ||
        m.type != OFPT_FLOW_MOD || m.flow_mod.match.n_oxms != 4 ||
        m.flow_mod.instructions.n != 1) {
        fprintf(stderr, "bench: the FLOW_MOD does not decode\n");
        return false;
    }
    return true;
}

static void
bench_teardown(struct bench_ctx *c)
{
    ofp_arena_uninit(&c->arena);
    ofp_wbuf_uninit(&c->out);
}

static uint64_t
run_packet_in_decode_parse(struct bench_ctx *c, uint64_t count)
{
    uint64_t failures = 0, sum = 0;
    for (uint64_t i = 0; i < count; i++) {
        struct ofp_msg m;
        struct ofp_packet pkt;
        BENCH_CLOBBER(c->packet_in);
        ofp_arena_reset(&c->arena);
        if (ofp_msg_decode(c->packet_in, sizeof c->packet_in, &m, &c->arena)) {
            failures++;
            continue;
        }
        if (ofp_packet_parse(&pkt, m.packet_in.data, m.packet_in.len)) {
            failures++;
        }
        sum += pkt.tp_dst + pkt.ipv4.dst + m.packet_in.match.n_oxms;
    }
    bench_sink += sum;
    return failures;
}

static uint64_t
run_flow_mod_encode(struct bench_ctx *c, uint64_t count)
{
    uint64_t failures = 0, sum = 0;
    for (uint64_t i = 0; i < count; i++) {
        BENCH_CLOBBER(&c->flow_mod);
        ofp_wbuf_clear(&c->out);
        if (ofp_msg_encode(&c->out, &c->flow_mod)) {
            failures++;
        }
        BENCH_CLOBBER(c->out.data);
        sum += c->out.len + c->out.data[c->out.len - 1];
    }
    bench_sink += sum;
    return failures;
}

static uint64_t
run_flow_mod_decode(struct bench_ctx *c, uint64_t count)
{
    uint64_t failures = 0, sum = 0;
    for (uint64_t i = 0; i < count; i++) {
        struct ofp_msg m;
        BENCH_CLOBBER(c->flow_mod_wire);
        ofp_arena_reset(&c->arena);
        if (ofp_msg_decode(c->flow_mod_wire, c->flow_mod_len, &m, &c->arena)) {
            failures++;
            continue;
        }
        sum += m.flow_mod.match.oxms[3].value.u32 +
               m.flow_mod.instructions.instructions[0].actions.n;
    }
    bench_sink += sum;
    return failures;
}

static uint64_t
run_packet_out_encode(struct bench_ctx *c, uint64_t count)
{
    uint64_t failures = 0, sum = 0;
    for (uint64_t i = 0; i < count; i++) {
        struct ofp_wbuf out;
        BENCH_CLOBBER(&c->packet_out);
        ofp_wbuf_use_fixed(&out, c->packet_out_wire,
                           sizeof c->packet_out_wire);
        if (ofp_msg_encode(&out, &c->packet_out)) {
            failures++;
            continue;
        }
        BENCH_CLOBBER(c->packet_out_wire);
        sum += out.len + c->packet_out_wire[out.len - 1];
    }
    bench_sink += sum;
    return failures;
}

static int
cmp_double(const void *a_, const void *b_)
{
    double a = *(const double *) a_, b = *(const double *) b_;
    return a < b ? -1 : a > b;
}

/* Runs 'b' 'reps' times of 'count' operations after a warm-up.  Returns
 * false if any operation failed. */
static bool
bench_run(struct bench *b, struct bench_ctx *c, uint64_t count, int reps)
{
    double sorted[BENCH_MAX_REPS];
    uint64_t failures = b->run(c, count / 10 + 1);
    for (int r = 0; r < reps; r++) {
        uint64_t t0 = bench_now_ns();
        failures += b->run(c, count);
        uint64_t t1 = bench_now_ns();
        b->ns[r] = (double) (t1 - t0) / (double) count;
        sorted[r] = b->ns[r];
    }
    qsort(sorted, reps, sizeof sorted[0], cmp_double);
    b->min = sorted[0];
    b->max = sorted[reps - 1];
    b->median = reps % 2 ? sorted[reps / 2]
                         : (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
    if (failures) {
        fprintf(stderr, "bench: %s: %llu operations failed\n", b->name,
                (unsigned long long) failures);
        return false;
    }
    return true;
}

static void
usage(void)
{
    printf("usage: bench-ofproto [--json] [--count N] [--reps N] "
           "[--cpu N]\n"
           "  --count N  operations per repetition (default 10000000)\n"
           "  --reps N   repetitions, 1..%d (default 7)\n"
           "  --cpu N    pin to CPU N (default: the CPU it starts on)\n"
           "  --json     print one JSON object instead of a table\n",
           BENCH_MAX_REPS);
}

int
main(int argc, char *argv[])
{
    struct bench benches[] = {
        {"packet_in_decode_parse",
         "decode 128-byte PACKET_IN + parse "
         "Ethernet/IPv4/TCP",
         run_packet_in_decode_parse,
         {0},
         0,
         0,
         0},
        {"flow_mod_encode",
         "encode FLOW_MOD, 4 OXMs + output action",
         run_flow_mod_encode,
         {0},
         0,
         0,
         0},
        {"flow_mod_decode",
         "decode that FLOW_MOD",
         run_flow_mod_decode,
         {0},
         0,
         0,
         0},
        {"packet_out_encode",
         "encode PACKET_OUT, buffer_id + output action",
         run_packet_out_encode,
         {0},
         0,
         0,
         0},
    };
    const size_t n_benches = sizeof benches / sizeof benches[0];
    uint64_t count = 10000000;
    int reps = 7;
    int cpu = -1;
    bool json = false;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--json")) {
            json = true;
        } else if (!strcmp(arg, "--count") && val) {
            count = strtoull(val, NULL, 10);
            i++;
        } else if (!strcmp(arg, "--reps") && val) {
            reps = atoi(val);
            i++;
        } else if (!strcmp(arg, "--cpu") && val) {
            cpu = atoi(val);
            i++;
        } else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage();
            return EXIT_SUCCESS;
        } else {
            usage();
            return 2;
        }
    }
    if (count == 0 || reps < 1 || reps > BENCH_MAX_REPS) {
        usage();
        return 2;
    }

    if (cpu < 0) {
        cpu = sched_getcpu();
    }
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set)) {
            fprintf(stderr,
                    "bench: cannot pin to CPU %d; running "
                    "unpinned\n",
                    cpu);
            cpu = -1;
        }
    }

    struct bench_ctx *c = calloc(1, sizeof *c);
    if (!c || !bench_setup(c)) {
        fprintf(stderr, "bench: setup failed\n");
        return EXIT_FAILURE;
    }
    bool ok = true;
    for (size_t i = 0; i < n_benches; i++) {
        ok = bench_run(&benches[i], c, count, reps) && ok;
    }
    bench_teardown(c);
    free(c);
    if (!ok) {
        return EXIT_FAILURE;
    }

    if (json) {
        printf("{\"count\": %llu, \"reps\": %d, \"cpu\": %d, "
               "\"unit\": \"ns/op\", \"benchmarks\": {",
               (unsigned long long) count, reps, cpu);
        for (size_t i = 0; i < n_benches; i++) {
            const struct bench *b = &benches[i];
            printf("%s\"%s\": {\"min\": %.2f, \"median\": %.2f, "
                   "\"max\": %.2f, \"ops_per_sec\": %.0f, \"runs\": [",
                   i ? ", " : "", b->name, b->min, b->median, b->max,
                   1e9 / b->median);
            for (int r = 0; r < reps; r++) {
                printf("%s%.2f", r ? ", " : "", b->ns[r]);
            }
            printf("]}");
        }
        printf("}}\n");
    } else {
        printf("bench-ofproto: %d runs of %llu operations each, CPU %d\n",
               reps, (unsigned long long) count, cpu);
        printf("%-24s %10s %10s %10s %14s\n", "benchmark", "min ns",
               "median ns", "max ns", "median ops/s");
        for (size_t i = 0; i < n_benches; i++) {
            const struct bench *b = &benches[i];
            printf("%-24s %10.1f %10.1f %10.1f %14.0f\n", b->name, b->min,
                   b->median, b->max, 1e9 / b->median);
        }
        for (size_t i = 0; i < n_benches; i++) {
            printf("  %-22s %s\n", benches[i].name, benches[i].what);
        }
    }
    return EXIT_SUCCESS;
}
