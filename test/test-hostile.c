/* Hostile-input tests of the OpenFlow 1.3 message decoder.
 *
 * Every message we have, synthetic (below, always) and from the corpus
 * (../shared/corpus, when present), is truncated at every length and has
 * its length fields corrupted; each variant must decode to a valid
 * 'enum ofperr' or to a message that re-encodes sensibly, and never crash
 * or read out of bounds.  The checked contract:
 *
 *  - a truncation whose header length still says the original size is an
 *    error (the length field no longer matches the buffer);
 *  - a truncation below 8 bytes or below the type's fixed minimum is an
 *    error even with the header length adjusted;
 *  - a shorter message that is accepted re-encodes to exactly its input
 *    (when the original did);
 *  - a corrupted header length is an error; a corruption of any 16-bit
 *    word at offset >= 8 that is accepted re-encodes to bytes that decode
 *    again and re-encode identically (idempotence);
 *  - every error returned is one that ofperr_is_valid() knows.
 *
 * Inputs are copied to the very end of a heap buffer, so a read one byte
 * past the input is an ASan heap-buffer-overflow.  The sanitizer build runs
 * this program under ASan and UBSan; one arena and two write buffers are
 * reused for all cases.  If a case crashes, the input that did it is printed
 * to stderr (an ASan death callback or a signal handler).
 */
#include <config.h>
#include "ofproto/ofp-msgs.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "test/test-util.h"

#if defined(__SANITIZE_ADDRESS__)
#define HOSTILE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOSTILE_ASAN 1
#endif
#endif
#ifdef HOSTILE_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

/* Inputs are at most 65535 bytes (16-bit length field). */
#define SCRATCH_SIZE 65536

/* ---- synthetic messages (canonical, hand-assembled from the spec) ---- */

struct synth {
    const char *name;
    const char *hex;
};

static const struct synth synths[] = {
    {
        "hello", "04000010 00000001"
                 "0001 0008 00000010" /* versionbitmap: OF1.3 */
    },
    {"error", "04010014 00000002 0001 0006 040e0038 00000001"},
    {"echo_request", "0402000c 00000003 61626364"},
    {"experimenter", "04040014 00000004 00002320 00000001 aabbccdd"},
    {"features_reply", "04060020 00000005 0000000000000001 00000100"
                       "fe 00 0000 0000004f 00000000"},
    {"get_config_reply", "0408000c 00000006 0000 0080"},
    {"barrier_request", "04140008 00000007"},
    {
        "packet_in",
        "040a0060 00000008 ffffffff 0036 00 00 0000000000000000"
        "0001000c 80000004 00000001 00000000" /* match: in_port=1 */
        "0000"
        "000000000002 000000000001 0800"               /* Ethernet */
        "45000028 00004000 40060000 0a000001 0a000002" /* IPv4 */
        "04d20050 00000000 00000000 50022000 00000000" /* TCP */
    },
    {"flow_removed",
     "040b0040 00000009 0000000000000001 0064 00 00 0000000a 00000000"
     "0000 0000 0000000000000005 0000000000000100"
     "0001000c 80000004 00000001 00000000"},
    {"port_status", "040c0050 0000000a 00 00000000000000"
                    "00000001 00000000 0a0b0c0d0e0f 0000"
                    "65746831000000000000000000000000" /* "eth1" */
                    "00000000 00000004 00002808 00000000 00000000 00000000"
                    "00989680 00989680"},
    {"packet_out",
     "040d0076 0000000b ffffffff fffffffd 0028 000000000000"
     "0011 0008 8100 0000"                  /* push_vlan */
     "0019 0010 80000c02 1005 000000000000" /* set_field vlan_vid */
     "0000 0010 00000001 ffff 000000000000" /* output:1 */
     "000000000002 000000000001 0800"
     "45000028 00004000 40060000 0a000001 0a000002"
     "04d20050 00000000 00000000 50022000 00000000"},
    {
        "flow_mod",
        "040e00d0 0000000c 0000000000000000 0000000000000000"
        "00 00 0000 0000 0064 ffffffff ffffffff ffffffff 0001 0000"
        "0001 0029"                  /* match, 41 bytes */
        "80000004 00000001"          /* in_port=1 */
        "80000a02 0800"              /* eth_type=0x0800 */
        "80001708 0a000000 ff000000" /* ipv4_src=10/8 */
        "80001401 06"                /* ip_proto=6 */
        "80001c02 0050"              /* tcp_dst=80 */
        "00000000000000"
        "0004 0028 00000000"                   /* apply_actions */
        "0019 0010 80000606 aabbccddeeff 0000" /* set_field eth_dst */
        "0000 0010 00000002 ffe5 000000000000" /* output:2 */
        "0002 0018 00000000 0000000000000001 00000000000000ff"
        "0006 0008 00000001"  /* meter:1 */
        "0001 0008 01 000000" /* goto_table:1 */
        "0003 0018 00000000"  /* write_actions */
        "0016 0008 00000005"  /* group:5 */
        "0015 0008 00000007"  /* set_queue:7 */
        "0005 0008 00000000"  /* clear_actions */
    },
    {
        "flow_mod_exp",
        "040e0078 0000000d 0000000000000000 0000000000000000"
        "00 00 0000 0000 0064 ffffffff ffffffff ffffffff 0000 0000"
        "0001 0010 ffff0008 00002320 01020304" /* experimenter OXM */
        "ffff 0010 00002320 0102030405060708"  /* experimenter inst. */
        "0004 0028 00000000"                   /* apply_actions */
        "ffff 0010 00002320 aabbccddeeff0011"  /* experimenter action */
        "0019 0010 00010004 0000002a 00000000" /* set_field NXM reg0 */
    },
    {"group_mod", "040f0058 0000000e 0000 01 00 00000001"
                  "0020 0001 ffffffff ffffffff 00000000"
                  "0000 0010 00000001 ffff 000000000000"
                  "0028 0002 ffffffff ffffffff 00000000"
                  "0018 0008 00000000" /* dec_nw_ttl */
                  "0000 0010 00000002 ffff 000000000000"},
    {"port_mod", "04100028 0000000f 00000001 00000000 0a0b0c0d0e0f 0000"
                 "00000001 00000001 00000000 00000000"},
    {"table_mod", "04110010 00000010 00 000000 00000000"},
    {"mp_flow_request", "04120040 00000011 0001 0000 00000000"
                        "ff 000000 ffffffff ffffffff 00000000"
                        "0000000000000000 0000000000000000"
                        "0001000c 80000004 00000001 00000000"},
    {"mp_flow_reply",
     "041300a0 00000012 0001 0000 00000000"
     "0058 00 00 0000000a 00000000 0064 0000 0000 0000 00000000"
     "0000000000000000 0000000000000001 0000000000000040"
     "0001000c 80000004 00000001 00000000"
     "0004 0018 00000000"
     "0000 0010 00000002 ffe5 000000000000"
     "0038 01 00 00000001 00000000 0001 0000 0000 0000 00000000"
     "0000000000000000 0000000000000000 0000000000000000"
     "0001 0004 00000000"},
    {"mp_group_stats_reply",
     "04130048 00000013 0006 0000 00000000"
     "0038 0000 00000001 00000002 00000000"
     "0000000000000010 0000000000000800 00000001 00000000"
     "0000000000000010 0000000000000800"},
    {"mp_group_desc_reply", "04130038 00000014 0007 0000 00000000"
                            "0028 00 00 00000001"
                            "0020 0000 ffffffff ffffffff 00000000"
                            "0000 0010 00000001 ffff 000000000000"},
    {"mp_meter_stats_reply",
     "04130048 00000015 0009 0000 00000000"
     "00000001 0038 000000000000 00000001"
     "0000000000000010 0000000000000800 00000001 00000000"
     "0000000000000002 0000000000000080"},
    {"mp_meter_config_reply", "04130028 00000016 000a 0000 00000000"
                              "0018 0001 00000001"
                              "0001 0010 000003e8 00000064 00000000"},
    {
        "mp_table_features_reply",
        "041300b8 00000017 000c 0000 00000000"
        "00a8 00 0000000000"
        "7461626c653000000000000000000000" /* "table0" */
        "00000000000000000000000000000000"
        "ffffffffffffffff ffffffffffffffff 00000000 00000400"
        "0000 000c 0001 0004 0004 0004 00000000" /* instructions */
        "0002 0006 01 02 0000"                   /* next_tables */
        "0004 000c 0000 0004 0016 0004 00000000" /* write_actions */
        "0006 0008 0000 0004"                    /* apply_actions */
        "0008 000c 80000004 80000606 00000000"   /* match */
        "000a 0008 80000004"                     /* wildcards */
        "000c 0008 80000606"                     /* write_setfield */
        "000e 0008 80000c02"                     /* apply_setfield */
        "fffe 0010 00002320 00000001 abcdef01"   /* experimenter */
    },
    {"queue_get_config_reply",
     "04170068 00000018 00000001 00000000"
     "00000001 00000001 0030 000000000000"
     "0001 0010 00000000 01f4 000000000000" /* min_rate */
     "0002 0010 00000000 03e8 000000000000" /* max_rate */
     "00000002 00000001 0028 000000000000"
     "ffff 0018 00000000 00002320 00000000 0102030405060708"},
    {"role_request", "04180018 00000019 00000002 00000000 0000000000000001"},
    {"set_async", "041c0020 0000001a 00000003 00000001 00000007 00000003"
                  "00000001 00000000"},
    {
        "meter_mod", "041d0040 0000001b 0000 0005 00000001"
                     "0001 0010 000003e8 00000064 00000000"  /* drop */
                     "0002 0010 000007d0 000000c8 01 000000" /* dscp_remark */
                     "ffff 0010 00000064 0000000a 00002320"  /* experimenter */
    },
};

#define N_SYNTHS (sizeof synths / sizeof synths[0])

/* Length fields inside the synthetic messages, at known offsets, and the
 * values each must be rejected with: 0 and 1 are below any TLV header,
 * 0xffff exceeds any container here, and orig + 8 overruns the container
 * when the element is its last. */
struct len_field {
    const char *msg;
    size_t ofs;
    uint16_t orig;
    const char *what;
    uint16_t bad[4];
    size_t n_bad;
};

#define LF(MSG, OFS, ORIG, WHAT)                                              \
    {                                                                         \
        MSG, OFS, ORIG, WHAT, {0, 1, 0xffff, 0}, 3                            \
    }
#define LF_LAST(MSG, OFS, ORIG, WHAT)                                         \
    {                                                                         \
        MSG, OFS, ORIG, WHAT, {0, 1, 0xffff, (ORIG) + 8}, 4                   \
    }

static const struct len_field len_fields[] = {
    LF_LAST("hello", 10, 8, "hello element"),
    LF("packet_in", 26, 12, "match"),
    LF("flow_removed", 50, 12, "match"),
    {"packet_out", 16, 40, "actions_len", {1, 0xffff, 0, 0}, 2},
    LF("packet_out", 26, 8, "push_vlan action"),
    LF("packet_out", 34, 16, "set_field action"),
    LF_LAST("packet_out", 50, 16, "output action"),
    LF("flow_mod", 50, 41, "match"),
    LF("flow_mod", 54, 0x0004, "in_port OXM field/length"),
    LF("flow_mod", 98, 40, "apply_actions instruction"),
    LF("flow_mod", 106, 16, "set_field action"),
    LF_LAST("flow_mod", 122, 16, "output action"),
    LF("flow_mod", 138, 24, "write_metadata instruction"),
    LF("flow_mod", 162, 8, "meter instruction"),
    LF("flow_mod", 170, 8, "goto_table instruction"),
    LF("flow_mod", 178, 24, "write_actions instruction"),
    LF("flow_mod", 186, 8, "group action"),
    LF_LAST("flow_mod", 194, 8, "set_queue action"),
    LF_LAST("flow_mod", 202, 8, "clear_actions instruction"),
    LF("flow_mod_exp", 50, 16, "match"),
    LF("flow_mod_exp", 54, 0x0008, "experimenter OXM field/length"),
    LF("flow_mod_exp", 66, 16, "experimenter instruction"),
    LF_LAST("flow_mod_exp", 82, 40, "apply_actions instruction"),
    LF("flow_mod_exp", 90, 16, "experimenter action"),
    LF_LAST("flow_mod_exp", 106, 16, "set_field action"),
    {"flow_mod_exp", 110, 0x0004, "NXM OXM field/length", {0xffff}, 1},
    LF("group_mod", 16, 32, "bucket"),
    LF_LAST("group_mod", 34, 16, "output action in bucket"),
    LF_LAST("group_mod", 48, 40, "last bucket"),
    LF("group_mod", 66, 8, "dec_nw_ttl action"),
    LF_LAST("group_mod", 74, 16, "output action in last bucket"),
    LF("meter_mod", 18, 16, "drop band"),
    LF("meter_mod", 34, 16, "dscp_remark band"),
    LF_LAST("meter_mod", 50, 16, "experimenter band"),
    LF("mp_flow_request", 50, 12, "match"),
    LF("mp_flow_reply", 16, 88, "flow stats entry"),
    LF("mp_flow_reply", 66, 12, "match in entry"),
    LF_LAST("mp_flow_reply", 82, 24, "instruction in entry"),
    LF_LAST("mp_flow_reply", 90, 16, "action in entry"),
    LF_LAST("mp_flow_reply", 104, 56, "last flow stats entry"),
    LF("mp_flow_reply", 154, 4, "empty match in last entry"),
    LF_LAST("mp_group_stats_reply", 16, 56, "group stats entry"),
    LF_LAST("mp_group_desc_reply", 16, 40, "group desc entry"),
    LF_LAST("mp_group_desc_reply", 24, 32, "bucket"),
    LF_LAST("mp_group_desc_reply", 42, 16, "action in bucket"),
    LF_LAST("mp_meter_stats_reply", 20, 56, "meter stats entry"),
    LF_LAST("mp_meter_config_reply", 16, 24, "meter config entry"),
    LF_LAST("mp_meter_config_reply", 26, 16, "band"),
    LF_LAST("mp_table_features_reply", 16, 168, "table features entry"),
    LF("mp_table_features_reply", 82, 12, "instructions property"),
    LF("mp_table_features_reply", 86, 4, "instruction id"),
    LF("mp_table_features_reply", 98, 6, "next_tables property"),
    LF("mp_table_features_reply", 106, 12, "write_actions property"),
    LF("mp_table_features_reply", 122, 8, "apply_actions property"),
    LF("mp_table_features_reply", 130, 12, "match property"),
    LF("mp_table_features_reply", 146, 8, "wildcards property"),
    LF("mp_table_features_reply", 154, 8, "write_setfield property"),
    LF("mp_table_features_reply", 162, 8, "apply_setfield property"),
    LF_LAST("mp_table_features_reply", 170, 16, "experimenter property"),
    LF("queue_get_config_reply", 24, 48, "queue"),
    LF("queue_get_config_reply", 34, 16, "min_rate property"),
    LF_LAST("queue_get_config_reply", 50, 16, "max_rate property"),
    LF_LAST("queue_get_config_reply", 72, 40, "last queue"),
    LF_LAST("queue_get_config_reply", 82, 24, "experimenter property"),
};

/* Inputs found by fuzzing (or by hand) that once misbehaved, or could: each
 * must decode without a crash and, if accepted, re-encode idempotently;
 * 'malformed' ones must be rejected. */
struct regression {
    const char *name;
    bool malformed;
    const char *hex;
};

static const struct regression regressions[] = {
    /* Zero-length TLVs nested two levels deep: a decoder that does not
     * advance on length 0 loops forever. */
    {"group_desc_zero_action", true,
     "04130038 00000001 0007 0000 00000000"
     "0028 00 00 00000001"
     "0020 0000 ffffffff ffffffff 00000000"
     "0000 0000 00000001 ffff 000000000000"},
    {"table_features_zero_prop", true,
     "04130058 00000001 000c 0000 00000000"
     "0048 00 0000000000"
     "00000000000000000000000000000000"
     "00000000000000000000000000000000"
     "0000000000000000 0000000000000000 00000000 00000000"
     "0000 0000 00000000"},
    {"queue_zero_prop", true,
     "04170030 00000001 00000001 00000000"
     "00000001 00000001 0020 000000000000"
     "0001 0000 00000000 01f4 000000000000"},
    /* A match whose length field stops inside an OXM header. */
    {"packet_in_match_cuts_oxm", true,
     "040a0026 00000001 ffffffff 0004 00 00 0000000000000000"
     "0001 0006 8000 0000 0000 aabbccdd"},
    /* A masked in_port OXM claiming 255 bytes inside a 12-byte match. */
    {"flow_mod_oxm_len_ff", true,
     "040e0040 00000001 0000000000000000 0000000000000000"
     "00 00 0000 0000 0064 ffffffff ffffffff ffffffff 0000 0000"
     "0001 000c 800001ff 00000001 00000000"},
    /* A multipart request with no multipart header. */
    {"multipart_short", true, "04120008 00000001"},
};

#define N_REGRESSIONS (sizeof regressions / sizeof regressions[0])

/* ---- the case being run, for the crash reporter ---- */

static struct {
    const char *source; /* "synthetic", "ryu-of13", ... */
    const char *name;
    const char *kind;   /* "truncated", "length", ... */
    size_t arg;         /* truncation length or offset */
    unsigned int value; /* corrupting value */
    const uint8_t *data;
    size_t len;
} cur;

static void
set_case(const char *kind, size_t arg, unsigned int value, const uint8_t *data,
         size_t len)
{
    cur.kind = kind;
    cur.arg = arg;
    cur.value = value;
    cur.data = data;
    cur.len = len;
}

static void
report_case(void)
{
    char line[512];
    int n = snprintf(line, sizeof line,
                     "\nhostile: crashed on %s/%s, %s %zu value 0x%04x, "
                     "%zu bytes:\n",
                     cur.source ? cur.source : "?", cur.name ? cur.name : "?",
                     cur.kind ? cur.kind : "?", cur.arg, cur.value, cur.len);
    if (n > 0 && write(STDERR_FILENO, line, (size_t) n) < 0) {
        return;
    }
    for (size_t i = 0; cur.data && i < cur.len && i < 4096; i++) {
        char hx[3];
        snprintf(hx, sizeof hx, "%02x", cur.data[i]);
        if (write(STDERR_FILENO, hx, 2) < 0) {
            return;
        }
    }
    if (write(STDERR_FILENO, "\n", 1) < 0) {
        return;
    }
}

#ifndef HOSTILE_ASAN
static void
crash_signal(int sig)
{
    report_case();
    signal(sig, SIG_DFL);
    raise(sig);
}
#endif

static void
install_crash_reporter(void)
{
#ifdef HOSTILE_ASAN
    __sanitizer_set_death_callback(report_case);
#else
    signal(SIGSEGV, crash_signal);
    signal(SIGBUS, crash_signal);
    signal(SIGABRT, crash_signal);
    signal(SIGFPE, crash_signal);
#endif
}

/* ---- the harness ---- */

#define MAX_NOTES 8

struct hostile {
    struct ofp_arena arena;
    struct ofp_wbuf w1, w2;
    uint8_t *in; /* SCRATCH_SIZE; inputs sit at its end */
    uint8_t *re; /* same, for re-encodings */
    struct ofp_msg msg;

    size_t messages;     /* originals examined */
    size_t originals_ok; /* decode and re-encode identically */
    size_t trunc_cases, trunc_errors, trunc_accepted;
    size_t corrupt_cases, corrupt_errors, corrupt_accepted;
    size_t failures;
    char notes[MAX_NOTES][640];
};

static void
hostile_init(struct hostile *h)
{
    memset(h, 0, sizeof *h);
    ofp_arena_init(&h->arena);
    ofp_wbuf_init(&h->w1);
    ofp_wbuf_init(&h->w2);
    h->in = malloc(SCRATCH_SIZE);
    h->re = malloc(SCRATCH_SIZE);
    ck_assert_ptr_nonnull(h->in);
    ck_assert_ptr_nonnull(h->re);
    install_crash_reporter();
}

static void
hostile_uninit(struct hostile *h)
{
    ofp_arena_uninit(&h->arena);
    ofp_wbuf_uninit(&h->w1);
    ofp_wbuf_uninit(&h->w2);
    free(h->in);
    free(h->re);
}

/* Records a broken contract for the current case. */
static void __attribute__((format(printf, 2, 3)))
hostile_fail(struct hostile *h, const char *fmt, ...)
{
    if (h->failures < MAX_NOTES) {
        char *note = h->notes[h->failures];
        size_t size = sizeof h->notes[0];
        int n = snprintf(note, size, "%s/%s %s %zu 0x%04x: ", cur.source,
                         cur.name, cur.kind, cur.arg, cur.value);
        if (n > 0 && (size_t) n < size) {
            va_list args;
            va_start(args, fmt);
            int m = vsnprintf(note + n, size - n, fmt, args);
            va_end(args);
            if (m > 0 && (size_t) (n + m) < size) {
                snprintf(note + n + m, size - n - m, " [%s]",
                         test_hex(cur.data, cur.len < 128 ? cur.len : 128));
            }
        }
    }
    h->failures++;
}

/* Prints the counts and the first failures as TAP diagnostics. */
static void
hostile_print(const struct hostile *h, const char *what)
{
    printf("# %s: %zu messages (%zu round-trip), truncations %zu "
           "(%zu errors, %zu accepted), corruptions %zu (%zu errors, "
           "%zu accepted), %zu failures\n",
           what, h->messages, h->originals_ok, h->trunc_cases, h->trunc_errors,
           h->trunc_accepted, h->corrupt_cases, h->corrupt_errors,
           h->corrupt_accepted, h->failures);
    for (size_t i = 0; i < h->failures && i < MAX_NOTES; i++) {
        printf("#   %s\n", h->notes[i]);
    }
    fflush(stdout);
}

/* Copies 'n' bytes to the end of 'buf' (SCRATCH_SIZE) and returns where. */
static uint8_t *
place(uint8_t *buf, const void *data, size_t n)
{
    uint8_t *p = buf + SCRATCH_SIZE - n;
    if (n) {
        memmove(p, data, n);
    }
    return p;
}

/* Decodes 'n' bytes at 'p' into h->msg; checks the error is a real one. */
static enum ofperr
try_decode(struct hostile *h, const uint8_t *p, size_t n)
{
    ofp_arena_reset(&h->arena);
    enum ofperr e = ofp_msg_decode(p, n, &h->msg, &h->arena);
    if (e && !ofperr_is_valid(e)) {
        hostile_fail(h, "decode returned unknown error %#x", (unsigned int) e);
    }
    return e;
}

/* 'p' ('n' bytes) was just decoded into h->msg.  Re-encodes it; if
 * 'identical', the encoding must equal the input; in any case it must
 * decode again and re-encode to the same bytes.  Returns true if so. */
static bool
check_accepted(struct hostile *h, const uint8_t *p, size_t n, bool identical)
{
    ofp_wbuf_clear(&h->w1);
    enum ofperr e = ofp_msg_encode(&h->w1, &h->msg);
    if (e || h->w1.overflow) {
        hostile_fail(h, "accepted, but re-encoding failed: %s",
                     ofperr_name(e));
        return false;
    }
    bool same = h->w1.len == n && !memcmp(h->w1.data, p, n);
    if (same) {
        /* Decoding is deterministic: the re-encoding decodes as 'p' did. */
        return true;
    } else if (identical) {
        hostile_fail(h, "accepted, re-encodes differently (%zu bytes: %s)",
                     h->w1.len,
                     test_hex(h->w1.data, h->w1.len < 128 ? h->w1.len : 128));
        return false;
    }
    if (h->w1.len >= SCRATCH_SIZE) {
        hostile_fail(h, "re-encoding is %zu bytes", h->w1.len);
        return false;
    }
    const uint8_t *q = place(h->re, h->w1.data, h->w1.len);
    e = try_decode(h, q, h->w1.len);
    if (e) {
        hostile_fail(h, "re-encoding does not decode: %s (%s)", ofperr_name(e),
                     test_hex(q, h->w1.len < 128 ? h->w1.len : 128));
        return false;
    }
    ofp_wbuf_clear(&h->w2);
    e = ofp_msg_encode(&h->w2, &h->msg);
    if (e || h->w2.len != h->w1.len ||
        memcmp(h->w1.data, h->w2.data, h->w1.len)) {
        hostile_fail(h, "not idempotent: %s then %s",
                     test_hex(h->w1.data, h->w1.len < 64 ? h->w1.len : 64),
                     ofperr_name(e));
        return false;
    }
    return true;
}

/* Decodes the original; returns true if it re-encodes identically. */
static bool
check_original(struct hostile *h, const uint8_t *msg, size_t n)
{
    const uint8_t *p = place(h->in, msg, n);
    set_case("original", n, 0, p, n);
    h->messages++;
    if (try_decode(h, p, n)) {
        return false;
    }
    ofp_wbuf_clear(&h->w1);
    if (ofp_msg_encode(&h->w1, &h->msg) || h->w1.len != n ||
        memcmp(h->w1.data, p, n)) {
        return false;
    }
    h->originals_ok++;
    return true;
}

/* Every truncation of 'msg' ('n' bytes), with the header length left as is
 * and adjusted to the truncated size. */
static void
hostile_truncations(struct hostile *h, const uint8_t *msg, size_t n,
                    bool canonical)
{
    size_t min = n >= 2 ? ofp_type_min_len(msg[1]) : 0;
    for (size_t k = 0; k < n; k++) {
        for (int adjust = 0; adjust < 2; adjust++) {
            if (adjust && k < 4) {
                continue; /* no length field to adjust */
            }
            uint8_t *p = place(h->in, msg, k);
            if (adjust) {
                p[2] = (uint8_t) (k >> 8);
                p[3] = (uint8_t) k;
            }
            set_case(adjust ? "truncated+adjusted" : "truncated", k, 0, p, k);
            h->trunc_cases++;
            if (try_decode(h, p, k)) {
                h->trunc_errors++;
                continue;
            }
            h->trunc_accepted++;
            if (!adjust) {
                hostile_fail(h,
                             "accepted although the length field says "
                             "%zu",
                             n);
            } else if (k < 8 || k < min) {
                hostile_fail(h, "accepted below the minimum length %zu", min);
            } else {
                check_accepted(h, p, k, canonical);
            }
        }
    }
}

#define N_CORRUPT 11

/* Fills 'out' with the corrupting values for a 16-bit word 'orig': 0, 1,
 * 4, 7, 8, orig-8, orig-4, orig-1, orig+1, orig+8, 0xffff, without
 * duplicates or 'orig' itself.  (orig-4 and orig-8 drop the last 4- or
 * 8-byte unit of a list: one entry fewer, with the bytes left over.)
 * Returns how many. */
static size_t
corrupt_values(uint16_t orig, uint16_t out[N_CORRUPT])
{
    const uint16_t cand[N_CORRUPT] = {
        0,
        1,
        4,
        7,
        8,
        (uint16_t) (orig - 8),
        (uint16_t) (orig - 4),
        (uint16_t) (orig - 1),
        (uint16_t) (orig + 1),
        (uint16_t) (orig + 8),
        0xffff,
    };
    size_t n = 0;
    for (size_t i = 0; i < N_CORRUPT; i++) {
        bool dup = cand[i] == orig;
        for (size_t j = 0; j < n && !dup; j++) {
            dup = out[j] == cand[i];
        }
        if (!dup) {
            out[n++] = cand[i];
        }
    }
    return n;
}

/* The header length and every 16-bit word at an even offset >= 8 of 'msg'
 * ('n' bytes), corrupted. */
static void
hostile_corruptions(struct hostile *h, const uint8_t *msg, size_t n)
{
    uint16_t vals[N_CORRUPT];
    uint8_t *p = place(h->in, msg, n);

    if (n >= 8) {
        size_t nv = corrupt_values((uint16_t) n, vals);
        for (size_t i = 0; i < nv; i++) {
            p[2] = (uint8_t) (vals[i] >> 8);
            p[3] = (uint8_t) vals[i];
            set_case("header length", 2, vals[i], p, n);
            h->corrupt_cases++;
            if (try_decode(h, p, n)) {
                h->corrupt_errors++;
            } else {
                h->corrupt_accepted++;
                hostile_fail(h, "wrong header length accepted");
            }
        }
        p[2] = msg[2];
        p[3] = msg[3];
    }

    for (size_t ofs = 8; ofs + 2 <= n; ofs += 2) {
        uint16_t orig = (uint16_t) (msg[ofs] << 8 | msg[ofs + 1]);
        size_t nv = corrupt_values(orig, vals);
        for (size_t i = 0; i < nv; i++) {
            p[ofs] = (uint8_t) (vals[i] >> 8);
            p[ofs + 1] = (uint8_t) vals[i];
            set_case("word", ofs, vals[i], p, n);
            h->corrupt_cases++;
            if (try_decode(h, p, n)) {
                h->corrupt_errors++;
            } else {
                h->corrupt_accepted++;
                check_accepted(h, p, n, false);
            }
        }
        p[ofs] = msg[ofs];
        p[ofs + 1] = msg[ofs + 1];
    }
}

/* Decoding into a message full of stale bytes must give the same encoding
 * as decoding into a zeroed one: the decoder sets every field it encodes. */
static void
hostile_stale(struct hostile *h, const uint8_t *msg, size_t n)
{
    const uint8_t *p = place(h->in, msg, n);
    set_case("stale message", n, 0, p, n);

    memset(&h->msg, 0, sizeof h->msg);
    if (try_decode(h, p, n)) {
        return;
    }
    ofp_wbuf_clear(&h->w1);
    enum ofperr e1 = ofp_msg_encode(&h->w1, &h->msg);

    memset(&h->msg, 0x5a, sizeof h->msg);
    if (try_decode(h, p, n)) {
        hostile_fail(h, "decode depends on the previous content of the "
                        "message");
        return;
    }
    ofp_wbuf_clear(&h->w2);
    enum ofperr e2 = ofp_msg_encode(&h->w2, &h->msg);
    if (e1 != e2 || h->w1.len != h->w2.len ||
        memcmp(h->w1.data, h->w2.data, h->w1.len)) {
        hostile_fail(h,
                     "a field the encoder writes was left unset by "
                     "decode (%s vs %s)",
                     test_hex(h->w1.data, h->w1.len < 48 ? h->w1.len : 48),
                     ofperr_name(e2));
    }
}

/* Runs everything above on one message. */
static void
hostile_message(struct hostile *h, const char *source, const char *name,
                const uint8_t *msg, size_t n)
{
    cur.source = source;
    cur.name = name;
    bool canonical = check_original(h, msg, n);
    hostile_truncations(h, msg, n, canonical);
    hostile_corruptions(h, msg, n);
    hostile_stale(h, msg, n);
}

static uint8_t *
synth_bytes(const struct synth *s, size_t *n)
{
    uint8_t *b = test_parse_hex(s->hex, n);
    ck_assert_msg(b != NULL, "bad hex in %s", s->name);
    return b;
}

static const struct synth *
synth_find(const char *name)
{
    for (size_t i = 0; i < N_SYNTHS; i++) {
        if (!strcmp(synths[i].name, name)) {
            return &synths[i];
        }
    }
    return NULL;
}

/* ---- synthetic tests (always run) ---- */

START_TEST(test_synthetic_messages_round_trip)
{
    struct hostile h;
    hostile_init(&h);
    cur.source = "synthetic";
    for (size_t i = 0; i < N_SYNTHS; i++) {
        size_t n;
        uint8_t *b = synth_bytes(&synths[i], &n);
        ck_assert_uint_eq(n, (size_t) (b[2] << 8 | b[3]));
        cur.name = synths[i].name;
        if (!check_original(&h, b, n)) {
            ofp_arena_reset(&h.arena);
            enum ofperr e = ofp_msg_decode(b, n, &h.msg, &h.arena);
            hostile_fail(&h, "does not round-trip (decode: %s)",
                         ofperr_name(e));
        }
        free(b);
    }
    hostile_print(&h, "synthetic originals");
    ck_assert_uint_eq(h.messages, N_SYNTHS);
    ck_assert_msg(h.failures == 0, "%zu failures, first: %s", h.failures,
                  h.notes[0]);
    hostile_uninit(&h);
}
END_TEST

START_TEST(test_synthetic_truncations_and_corruptions)
{
    struct hostile h;
    hostile_init(&h);
    for (size_t i = 0; i < N_SYNTHS; i++) {
        size_t n;
        uint8_t *b = synth_bytes(&synths[i], &n);
        hostile_message(&h, "synthetic", synths[i].name, b, n);
        free(b);
    }
    hostile_print(&h, "synthetic");
    ck_assert_uint_eq(h.messages, N_SYNTHS);
    ck_assert_uint_gt(h.trunc_errors, 0);
    ck_assert_uint_gt(h.corrupt_errors, 0);
    ck_assert_msg(h.failures == 0, "%zu failures, first: %s", h.failures,
                  h.notes[0]);
    hostile_uninit(&h);
}
END_TEST

START_TEST(test_bad_nested_lengths_are_errors)
{
    struct hostile h;
    hostile_init(&h);
    cur.source = "synthetic";
    size_t checked = 0;
    for (size_t i = 0; i < sizeof len_fields / sizeof len_fields[0]; i++) {
        const struct len_field *lf = &len_fields[i];
        const struct synth *s = synth_find(lf->msg);
        ck_assert_msg(s != NULL, "no synthetic message %s", lf->msg);
        size_t n;
        uint8_t *b = synth_bytes(s, &n);
        ck_assert_uint_lt(lf->ofs + 1, n);
        ck_assert_msg((b[lf->ofs] << 8 | b[lf->ofs + 1]) == lf->orig,
                      "%s: %s is not at offset %zu", lf->msg, lf->what,
                      lf->ofs);
        cur.name = lf->msg;
        uint8_t *p = place(h.in, b, n);
        for (size_t j = 0; j < lf->n_bad; j++) {
            p[lf->ofs] = (uint8_t) (lf->bad[j] >> 8);
            p[lf->ofs + 1] = (uint8_t) lf->bad[j];
            set_case(lf->what, lf->ofs, lf->bad[j], p, n);
            if (!try_decode(&h, p, n)) {
                hostile_fail(&h, "%s length %u accepted", lf->what,
                             lf->bad[j]);
            }
            checked++;
        }
        free(b);
    }
    printf("# %zu bad nested lengths checked, %zu accepted\n", checked,
           h.failures);
    for (size_t i = 0; i < h.failures && i < MAX_NOTES; i++) {
        printf("#   %s\n", h.notes[i]);
    }
    fflush(stdout);
    ck_assert_uint_gt(checked, 150);
    ck_assert_msg(h.failures == 0, "%zu failures, first: %s", h.failures,
                  h.notes[0]);
    hostile_uninit(&h);
}
END_TEST

START_TEST(test_regression_inputs)
{
    struct hostile h;
    hostile_init(&h);
    cur.source = "regression";
    size_t errors = 0;
    for (size_t i = 0; i < N_REGRESSIONS; i++) {
        size_t n;
        uint8_t *b = test_parse_hex(regressions[i].hex, &n);
        ck_assert_msg(b != NULL, "bad hex in %s", regressions[i].name);
        cur.name = regressions[i].name;
        uint8_t *p = place(h.in, b, n);
        set_case("input", n, 0, p, n);
        if (try_decode(&h, p, n)) {
            errors++;
        } else if (regressions[i].malformed) {
            hostile_fail(&h, "malformed input accepted");
        } else {
            check_accepted(&h, p, n, false);
        }
        /* Also every truncation and corruption of it. */
        hostile_truncations(&h, b, n, false);
        hostile_corruptions(&h, b, n);
        free(b);
    }
    hostile_print(&h, "regressions");
    ck_assert_uint_gt(errors, 0);
    ck_assert_msg(h.failures == 0, "%zu failures, first: %s", h.failures,
                  h.notes[0]);
    hostile_uninit(&h);
}
END_TEST

START_TEST(test_short_headers_are_errors)
{
    static const uint8_t hdr[8] = {4, 0, 0, 8, 0, 0, 0, 1};
    struct hostile h;
    hostile_init(&h);
    cur.source = "synthetic";
    cur.name = "header";
    for (size_t k = 0; k < 8; k++) {
        uint8_t *p = place(h.in, hdr, k);
        set_case("short header", k, 0, p, k);
        ck_assert_msg(try_decode(&h, p, k) == OFPERR_OFPBRC_BAD_LEN,
                      "%zu-byte input", k);
        struct ofp_header oh;
        ck_assert_int_eq(ofp_header_decode(p, k, &oh), OFPERR_OFPBRC_BAD_LEN);
    }
    /* A length field below 8 is bad even when 8 bytes are there. */
    for (unsigned int v = 0; v < 8; v++) {
        uint8_t *p = place(h.in, hdr, 8);
        p[3] = (uint8_t) v;
        struct ofp_header oh;
        ck_assert_int_eq(ofp_header_decode(p, 8, &oh), OFPERR_OFPBRC_BAD_LEN);
        ck_assert_int_ne(try_decode(&h, p, 8), 0);
    }
    ck_assert_uint_eq(h.failures, 0);
    hostile_uninit(&h);
}
END_TEST

/* ---- corpus tests (skip when the corpus is absent) ---- */

struct corpus_walk {
    struct hostile *h;
    const char *source;
    size_t skipped; /* not OpenFlow 1.3 (first byte != 4) */
};

static void
corpus_one(const char *path, const char *name, void *aux_)
{
    struct corpus_walk *w = aux_;
    size_t n;
    uint8_t *b = test_read_file(path, &n);
    ck_assert_msg(b != NULL, "cannot read %s", path);
    if (n < 8 || n >= SCRATCH_SIZE || b[0] != OFP13_VERSION) {
        w->skipped++;
    } else {
        hostile_message(w->h, w->source, name, b, n);
    }
    free(b);
}

START_TEST(test_corpus_truncations_and_corruptions)
{
    const char *corpus = test_corpus_dir();
    if (!corpus) {
        printf("# SKIP corpus absent (set SLUICE_CORPUS or put "
               "../shared/corpus beside the tree); synthetic cases ran\n");
        return;
    }
    static const struct {
        const char *source, *dir, *suffix;
    } sets[] = {
        {"ryu-of13", "ryu-of13/packet_data", ".packet"},
        {"kytos", "kytos-pyof-v0x04", ".dat"},
        {"loxigen", "loxigen-of13/bin", ".bin"},
    };
    struct hostile h;
    hostile_init(&h);
    size_t files = 0, skipped = 0;
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", corpus, sets[i].dir);
        struct corpus_walk w = {&h, sets[i].source, 0};
        files += test_for_each_file(dir, sets[i].suffix, corpus_one, &w);
        skipped += w.skipped;
    }
    hostile_print(&h, "corpus");
    printf("# corpus: %zu files, %zu not OpenFlow 1.3 messages (skipped)\n",
           files, skipped);
    fflush(stdout);
    ck_assert_uint_gt(h.messages, 100);
    ck_assert_uint_eq(h.messages + skipped, files);
    ck_assert_uint_gt(h.trunc_errors, 0);
    ck_assert_msg(h.failures == 0, "%zu failures, first: %s", h.failures,
                  h.notes[0]);
    hostile_uninit(&h);
}
END_TEST

static Suite *
hostile_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_synthetic_messages_round_trip);
    tcase_add_test(tc, test_short_headers_are_errors);
    tcase_add_test(tc, test_bad_nested_lengths_are_errors);
    tcase_add_test(tc, test_synthetic_truncations_and_corruptions);
    tcase_add_test(tc, test_regression_inputs);
    tcase_add_test(tc, test_corpus_truncations_and_corruptions);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return test_run_suite(hostile_suite());
}
