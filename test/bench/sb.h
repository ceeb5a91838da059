/* sb: the core of sluice-bench, an OpenFlow 1.3 switch emulator.
 *
 * A run is a set of emulated switches spread over worker threads, each
 * thread with its own libevent base and its own switches, so the
 * generator scales with the cores it is given.  Each switch is one TCP
 * session to the controller: it answers the handshake and the requests a
 * controller makes of a switch, and, once the controller has started
 * programming it ("ready"), generates PACKET_INs in the pattern of the
 * mode and counts the controller's responses (cbench's rule: every
 * FLOW_MOD that adds or modifies and every PACKET_OUT that is not LLDP).
 * In fabric mode an LLDP PACKET_OUT on a port with a peer comes back as a
 * PACKET_IN on the peer port, even across threads.
 *
 * The main thread owns the clock: it starts a run, watches the counters
 * the workers publish (relaxed atomics, updated once per read batch),
 * and stops it.  sluice-bench.c is the command line around this.
 * Workers write() to sockets: the program must ignore SIGPIPE.
 */
#ifndef SB_H
#define SB_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct sb_topo;

enum sb_mode {
    SB_THROUGHPUT, /* keep every socket full of PACKET_INs */
    SB_LATENCY,    /* one PACKET_IN outstanding per switch */
    SB_CONNECT,    /* handshake only */
    SB_FABRIC,     /* a topology: LLDP loops back through peer ports */
};

/* What a run emulates.  Filled by the command line (or a test). */
struct sb_config {
    enum sb_mode mode;
    struct sockaddr_storage addr; /* the controller */
    socklen_t addr_len;
    char controller[128];       /* "HOST:PORT", for messages */
    uint32_t switches;          /* ignored in fabric mode (the topology's) */
    uint32_t threads;           /* >= 1 */
    uint32_t macs;              /* unique source MACs per switch, >= 2 */
    uint32_t ports;             /* per switch (not fabric), >= 2 */
    bool no_buffer;             /* PACKET_INs with OFP_NO_BUFFER */
    const struct sb_topo *topo; /* fabric mode only; borrowed */
};

/* Counters summed over every worker. */
struct sb_totals {
    uint64_t ready;          /* switches that became ready */
    uint64_t responses;      /* counted responses */
    uint64_t packet_ins;     /* PACKET_INs sent (generated, not fabric) */
    uint64_t rtts;           /* latency samples taken */
    uint64_t lldp_out;       /* LLDP PACKET_OUT frames x output ports */
    uint64_t lldp_delivered; /* ... that came back as a PACKET_IN */
    uint64_t lldp_edge;      /* ... out of a port with no peer, or down */
    uint64_t links_seen;     /* directed links that carried >= 1 LLDP frame */
    uint64_t errors_rx;      /* OFPT_ERRORs received */
    uint64_t lost;           /* latency: PACKET_INs given up after 1 s */
};

struct sb_run;

/* Creates a run for 'cfg' (copied; its topology is borrowed and must
 * outlive the run) and starts its worker threads, which connect every
 * switch at once.  Returns 0 and sets '*runp', or an errno and writes a
 * message to 'err'. */
int sb_run_start(const struct sb_config *cfg, struct sb_run **runp, char *err,
                 size_t errlen);

/* Sums the workers' counters into '*t' (a consistent-enough snapshot:
 * each counter is read atomically). */
void sb_run_totals(struct sb_run *, struct sb_totals *t);

/* The first fatal problem of the run (a refused connection, a session
 * the controller closed, a protocol failure), or NULL. */
const char *sb_run_failure(struct sb_run *);

/* Starts or stops collecting round-trip samples (latency mode). */
void sb_run_set_measuring(struct sb_run *, bool on);

/* Fabric mode: takes the link 'link' (an index into the topology's
 * links) down: both ends send PORT_STATUS with OFPPS_LINK_DOWN and LLDP
 * no longer crosses it.  Thread-safe; takes effect within one event loop
 * pass of each end's worker. */
void sb_run_link_down(struct sb_run *, size_t link);

/* Stops the workers, closes every session and joins the threads. */
void sb_run_stop(struct sb_run *);

/* After sb_run_stop(): the round-trip samples in ns, merged from every
 * worker (the run keeps ownership; valid until sb_run_destroy()). */
size_t sb_run_rtts(struct sb_run *, uint64_t **samples);

void sb_run_destroy(struct sb_run *);

/* ---- The pieces, exposed for unit tests. ---- */

/* Offsets in the PACKET_IN that sb_pktin_init() builds. */
#define SB_PI_BUFFER_ID 8
#define SB_PI_IN_PORT 32
#define SB_PI_FRAME 42
#define SB_FRAME_LEN 60
#define SB_PI_LEN (SB_PI_FRAME + SB_FRAME_LEN)

/* Writes into 'msg' (SB_PI_LEN bytes) a PACKET_IN (reason NO_MATCH,
 * table 0, match in_port) whose frame is a 60-byte Ethernet/IPv4/UDP
 * packet; sb_pktin_set() then fills in the varying fields. */
void sb_pktin_init(uint8_t msg[SB_PI_LEN]);
void sb_pktin_set(uint8_t msg[SB_PI_LEN], uint32_t xid, uint32_t buffer_id,
                  uint32_t in_port, const uint8_t src[6],
                  const uint8_t dst[6]);

/* The MAC of host 'host' (< 2^24) of switch 'sw' (< 2^16):
 * 02:ss:ss:hh:hh:hh, locally administered unicast. */
void sb_host_mac(uint32_t sw, uint32_t host, uint8_t mac[6]);

/* What a controller-to-switch message is, for counting. */
enum sb_kind {
    SB_OTHER,    /* anything else (including a FLOW_MOD delete) */
    SB_RESPONSE, /* FLOW_MOD add/modify, or non-LLDP PACKET_OUT */
    SB_LLDP_OUT, /* PACKET_OUT of an LLDP frame */
    SB_MALFORMED /* a PACKET_OUT or FLOW_MOD too short for its fields */
};

struct sb_resp {
    uint32_t buffer_id;     /* FLOW_MOD / PACKET_OUT */
    const uint8_t *actions; /* PACKET_OUT */
    size_t actions_len;
    const uint8_t *frame; /* PACKET_OUT data */
    size_t frame_len;
};

/* Classifies the complete message 'msg' of 'len' bytes (its header's
 * length) and fills '*r' for FLOW_MOD and PACKET_OUT. */
enum sb_kind sb_classify(const uint8_t *msg, size_t len, struct sb_resp *r);

/* Calls 'cb' with each OUTPUT action's port in the PACKET_OUT action list
 * 'actions' ('len' bytes).  Returns false if the list is malformed (then
 * 'cb' may have been called for the actions before the fault). */
bool sb_for_each_output(const uint8_t *actions, size_t len,
                        void (*cb)(void *aux, uint32_t port), void *aux);

#endif /* SB_H */
