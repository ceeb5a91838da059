/* sluice-bench: an OpenFlow 1.3 switch emulator that measures a
 * controller (cbench's counting rules, for OpenFlow 1.3).
 *
 *   sluice-bench throughput|latency|connect|fabric [options]
 *
 * This file is the command line, the clock and the report; the switches
 * and their worker threads are in sb-switch.c, topologies in sb-topo.c,
 * statistics in sb-stats.c.  See test/bench/README.md.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "test/bench/sb-rest.h"
#include "test/bench/sb-stats.h"
#include "test/bench/sb-topo.h"
#include "test/bench/sb.h"

#define MAX_LOOPS 100000

struct opts {
    enum sb_mode mode;
    const char *controller;
    uint32_t switches; /* 0: the mode's default */
    uint32_t loops;    /* 0: the mode's default */
    uint32_t ms;
    uint32_t warmup;
    uint32_t threads;
    uint32_t macs;
    uint32_t ports;
    uint32_t hosts;      /* fabric: edge ports per switch */
    uint32_t fail_links; /* fabric */
    bool no_buffer;
    bool json;
    long pid;
    const char *topo;
    const char *rest; /* fabric: the controller's REST API, HOST:PORT */
    double timeout;
};

static const char *const mode_names[] = {"throughput", "latency", "connect",
                                         "fabric"};

static void
usage(FILE *f)
{
    fprintf(f,
            "usage: sluice-bench MODE [options]\n"
            "An OpenFlow 1.3 switch emulator that measures a controller.\n"
            "\n"
            "Modes:\n"
            "  throughput  every switch keeps its socket full of PACKET_INs;"
            "\n"
            "              responses per second (FLOW_MOD add/modify and\n"
            "              non-LLDP PACKET_OUT count one each)\n"
            "  latency     one PACKET_IN outstanding per switch; responses/s"
            "\n"
            "              and the round-trip distribution\n"
            "  connect     switches connect and finish the handshake; time\n"
            "              until all are ready, controller memory per switch"
            "\n"
            "  fabric      a topology: LLDP sent out of a port comes back in\n"
            "              on its peer port; time until every link carried\n"
            "              one\n"
            "\n"
            "Options:\n"
            "  --controller HOST:PORT  default 127.0.0.1:6653\n"
            "  --switches N       default 16 (connect: 1000)\n"
            "  --loops L          measured loops, default 10 (connect, "
            "fabric: 3)\n"
            "  --ms T             one loop, default 1000 ms\n"
            "  --warmup W         loops discarded first, default 1\n"
            "  --threads K        emulator threads, default CPUs - 1\n"
            "  --macs M           source MACs per switch, default 100000\n"
            "  --ports P          ports per switch, default 4\n"
            "  --no-buffer        PACKET_INs without buffer ids\n"
            "  --controller-pid PID  connect: read its memory (VmRSS);\n"
            "                     fabric: its CPU time\n"
            "  --topo SPEC        fabric: linear,N ring,N tree,D,F "
            "fattree,K\n"
            "                     random,N,D[,SEED] file:PATH\n"
            "  --hosts H          fabric: edge ports per switch, default 1\n"
            "  --fail-links N     fabric: take N links down after "
            "discovery\n"
            "  --rest HOST:PORT   fabric: poll the controller's\n"
            "                     /api/v1/topology/summary every 2 ms: "
            "time\n"
            "                     until it lists every link (and the "
            "failed\n"
            "                     ones gone)\n"
            "  --timeout S        wait for readiness, default 30 s\n"
            "  --json             one JSON object on stdout\n"
            "  --help, --version\n");
}

/* Parses an unsigned decimal in [lo, hi] or exits with a usage error. */
static uint32_t
parse_uint(const char *opt, const char *s, uint32_t lo, uint32_t hi)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v < lo || v > hi) {
        fprintf(stderr,
                "sluice-bench: %s: want a number from %u to %u, "
                "not \"%s\"\n",
                opt, lo, hi, s);
        exit(2);
    }
    return (uint32_t) v;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
    enum {
        O_CONTROLLER = 256,
        O_SWITCHES,
        O_LOOPS,
        O_MS,
        O_WARMUP,
        O_THREADS,
        O_MACS,
        O_PORTS,
        O_NOBUF,
        O_PID,
        O_TOPO,
        O_HOSTS,
        O_FAIL,
        O_REST,
        O_TIMEOUT,
        O_JSON,
        O_HELP,
        O_VERSION
    };
    static const struct option longopts[] = {
        {"controller", required_argument, NULL, O_CONTROLLER},
        {"switches", required_argument, NULL, O_SWITCHES},
        {"loops", required_argument, NULL, O_LOOPS},
        {"ms", required_argument, NULL, O_MS},
        {"warmup", required_argument, NULL, O_WARMUP},
        {"threads", required_argument, NULL, O_THREADS},
        {"macs", required_argument, NULL, O_MACS},
        {"ports", required_argument, NULL, O_PORTS},
        {"no-buffer", no_argument, NULL, O_NOBUF},
        {"controller-pid", required_argument, NULL, O_PID},
        {"topo", required_argument, NULL, O_TOPO},
        {"hosts", required_argument, NULL, O_HOSTS},
        {"fail-links", required_argument, NULL, O_FAIL},
        {"rest", required_argument, NULL, O_REST},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"json", no_argument, NULL, O_JSON},
        {"help", no_argument, NULL, O_HELP},
        {"version", no_argument, NULL, O_VERSION},
        {NULL, 0, NULL, 0},
    };
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int c;

    *o = (struct opts){
        .controller = "127.0.0.1:6653",
        .ms = 1000,
        .warmup = 1,
        .threads = ncpu > 1 ? (uint32_t) ncpu - 1 : 1,
        .macs = 100000,
        .ports = 4,
        .hosts = 1,
        .pid = -1,
        .timeout = 30,
    };
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_CONTROLLER:
            o->controller = optarg;
            break;
        case O_SWITCHES:
            o->switches = parse_uint("--switches", optarg, 1, 65536);
            break;
        case O_LOOPS:
            o->loops = parse_uint("--loops", optarg, 1, MAX_LOOPS);
            break;
        case O_MS:
            o->ms = parse_uint("--ms", optarg, 1, 3600000);
            break;
        case O_WARMUP:
            o->warmup = parse_uint("--warmup", optarg, 0, MAX_LOOPS);
            break;
        case O_THREADS:
            o->threads = parse_uint("--threads", optarg, 1, 256);
            break;
        case O_MACS:
            o->macs = parse_uint("--macs", optarg, 2, 1u << 24);
            break;
        case O_PORTS:
            o->ports = parse_uint("--ports", optarg, 2, 1000);
            break;
        case O_NOBUF:
            o->no_buffer = true;
            break;
        case O_PID:
            o->pid = parse_uint("--controller-pid", optarg, 1, INT_MAX);
            break;
        case O_TOPO:
            o->topo = optarg;
            break;
        case O_HOSTS:
            o->hosts = parse_uint("--hosts", optarg, 0, 64);
            break;
        case O_FAIL:
            o->fail_links = parse_uint("--fail-links", optarg, 0, 1000000);
            break;
        case O_REST:
            o->rest = optarg;
            break;
        case O_TIMEOUT:
            o->timeout = parse_uint("--timeout", optarg, 1, 86400);
            break;
        case O_JSON:
            o->json = true;
            break;
        case O_HELP:
            usage(stdout);
            exit(0);
        case O_VERSION:
            printf("sluice-bench %s\n", PACKAGE_VERSION);
            exit(0);
        default:
            usage(stderr);
            exit(2);
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        exit(2);
    }
    size_t i;
    for (i = 0; i < 4 && strcmp(argv[optind], mode_names[i]); i++) {
    }
    if (i == 4) {
        fprintf(stderr,
                "sluice-bench: unknown mode \"%s\" (throughput, "
                "latency, connect or fabric)\n",
                argv[optind]);
        exit(2);
    }
    o->mode = (enum sb_mode) i;
    if (o->mode == SB_FABRIC && !o->topo) {
        fprintf(stderr, "sluice-bench: fabric needs --topo SPEC\n");
        exit(2);
    }
    if (o->rest && o->mode != SB_FABRIC) {
        fprintf(stderr, "sluice-bench: --rest is for the fabric mode\n");
        exit(2);
    }
    if (!o->switches) {
        o->switches = o->mode == SB_CONNECT ? 1000 : 16;
    }
    if (!o->loops) {
        o->loops = o->mode == SB_CONNECT || o->mode == SB_FABRIC ? 3 : 10;
    }
}

/* Resolves "HOST:PORT" or "[V6]:PORT" into 'cfg'; exits on error. */
static void
resolve(const char *spec, struct sb_config *cfg)
{
    char host[256];
    const char *colon = strrchr(spec, ':');
    size_t hlen = colon ? (size_t) (colon - spec) : 0;

    if (!colon || !hlen || !colon[1] || hlen >= sizeof host) {
        fprintf(stderr,
                "sluice-bench: --controller: want HOST:PORT, not "
                "\"%s\"\n",
                spec);
        exit(2);
    }
    memcpy(host, spec, hlen);
    host[hlen] = '\0';
    if (host[0] == '[' && host[hlen - 1] == ']') {
        memmove(host, host + 1, hlen - 2);
        host[hlen - 2] = '\0';
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
    int error = getaddrinfo(host, colon + 1, &hints, &ai);
    if (error) {
        fprintf(stderr, "sluice-bench: --controller %s: %s\n", spec,
                gai_strerror(error));
        exit(2);
    }
    memcpy(&cfg->addr, ai->ai_addr, ai->ai_addrlen);
    cfg->addr_len = ai->ai_addrlen;
    freeaddrinfo(ai);
    snprintf(cfg->controller, sizeof cfg->controller, "%s", spec);
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
sleep_until(double t)
{
    double d = t - now_s();
    if (d > 0) {
        struct timespec ts = {(time_t) d, (long) ((d - (time_t) d) * 1e9)};
        while (nanosleep(&ts, &ts) && errno == EINTR) {
        }
    }
}

/* The VmRSS of 'pid' in KiB, or -1. */
static long
read_rss_kib(long pid)
{
    char path[64], line[256];
    long kib = -1;

    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "VmRSS:", 6)) {
            kib = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kib;
}

static void __attribute__((noreturn))
die_run(struct sb_run *run, const char *why)
{
    fprintf(stderr, "sluice-bench: %s\n", why);
    sb_run_stop(run);
    sb_run_destroy(run);
    exit(1);
}

static struct sb_run *
start(const struct sb_config *cfg)
{
    struct sb_run *run;
    char err[256];
    if (sb_run_start(cfg, &run, err, sizeof err)) {
        fprintf(stderr, "sluice-bench: %s\n", err);
        exit(1);
    }
    return run;
}

/* Waits until every switch of 'run' is ready.  Returns the seconds it took
 * from 't0'; exits on failure or timeout. */
static double
wait_ready(struct sb_run *run, uint32_t n, double t0, double timeout)
{
    struct sb_totals tot;
    for (;;) {
        const char *why = sb_run_failure(run);
        if (why) {
            die_run(run, why);
        }
        sb_run_totals(run, &tot);
        double now = now_s();
        if (tot.ready >= n) {
            return now - t0;
        }
        if (now - t0 > timeout) {
            char msg[200];
            snprintf(msg, sizeof msg,
                     "only %llu of %u switches became ready within %g s "
                     "(ready: FEATURES_REPLY sent, then a FLOW_MOD or "
                     "BARRIER_REQUEST received)",
                     (unsigned long long) tot.ready, n, timeout);
            die_run(run, msg);
        }
        sleep_until(now + 0.001);
    }
}

static json_t *
summary_json(const struct sb_summary *s)
{
    return json_pack("{s:f, s:f, s:f}", "min", s->min, "median", s->median,
                     "max", s->max);
}

static void
print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!s) {
        fprintf(stderr, "sluice-bench: out of memory\n");
        exit(1);
    }
    puts(s);
    free(s);
    json_decref(j);
}

static json_t *
common_json(const struct opts *o, const struct sb_config *cfg,
            uint32_t switches, uint32_t threads)
{
    return json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "mode",
                     mode_names[o->mode], "controller", cfg->controller,
                     "switches", (json_int_t) switches, "threads",
                     (json_int_t) threads, "loops", (json_int_t) o->loops,
                     "ms", (json_int_t) o->ms);
}

/* Throughput and latency: L loops of T ms after W of warm-up. */
static int
run_traffic(const struct opts *o, struct sb_config *cfg)
{
    uint32_t n = cfg->switches;
    uint32_t total = o->warmup + o->loops;
    double *rates = calloc(o->loops, sizeof *rates);
    double *pins = calloc(o->loops, sizeof *pins);
    struct sb_totals a, b;

    if (!rates || !pins) {
        fprintf(stderr, "sluice-bench: out of memory\n");
        return 1;
    }
    if (!o->json) {
        printf("sluice-bench %s: %u switches, %u thread%s, %u MACs per "
               "switch, %u loops of %u ms after %u warm-up, controller %s\n",
               mode_names[o->mode], n, cfg->threads,
               cfg->threads == 1 ? "" : "s", cfg->macs, o->loops, o->ms,
               o->warmup, cfg->controller);
        fflush(stdout);
    }
    struct sb_run *run = start(cfg);
    double t0 = now_s();
    double ready_s = wait_ready(run, n, t0, o->timeout);
    if (!o->json) {
        printf("%u switches ready in %.1f ms\n", n, ready_s * 1e3);
    }

    sb_run_totals(run, &a);
    double ta = now_s();
    for (uint32_t i = 0; i < total; i++) {
        if (i == o->warmup) {
            sb_run_set_measuring(run, true);
        }
        sleep_until(ta + o->ms / 1e3);
        const char *why = sb_run_failure(run);
        if (why) {
            die_run(run, why);
        }
        sb_run_totals(run, &b);
        double tb = now_s();
        double rate = (double) (b.responses - a.responses) / (tb - ta);
        double pin = (double) (b.packet_ins - a.packet_ins) / (tb - ta);
        if (i >= o->warmup) {
            rates[i - o->warmup] = rate;
            pins[i - o->warmup] = pin;
        }
        if (!o->json) {
            printf("%s %3u: %12.0f responses/s %12.0f packet-ins/s\n",
                   i < o->warmup ? "warm-up" : "loop   ",
                   i < o->warmup ? i + 1 : i - o->warmup + 1, rate, pin);
            fflush(stdout);
        }
        a = b;
        ta = tb;
    }
    sb_run_set_measuring(run, false);
    sb_run_stop(run);

    struct sb_summary rs, ps;
    sb_summarize(rates, o->loops, &rs);
    sb_summarize(pins, o->loops, &ps);
    json_t *j = common_json(o, cfg, n, cfg->threads);
    json_object_set_new(j, "macs", json_integer(cfg->macs));
    json_object_set_new(j, "ports", json_integer(cfg->ports));
    json_object_set_new(j, "buffered", json_boolean(!cfg->no_buffer));
    json_object_set_new(j, "ready_ms", json_real(ready_s * 1e3));
    json_object_set_new(j, "responses_per_sec", summary_json(&rs));
    json_object_set_new(j, "packet_ins_per_sec", summary_json(&ps));
    json_object_set_new(j, "errors_received",
                        json_integer((json_int_t) b.errors_rx));
    if (!o->json) {
        printf("responses/s: min %.0f  median %.0f  max %.0f\n", rs.min,
               rs.median, rs.max);
    }

    if (o->mode == SB_LATENCY) {
        uint64_t *v;
        size_t nv = sb_run_rtts(run, &v);
        if (sb_sort_u64(v, nv, NULL)) {
            fprintf(stderr, "sluice-bench: out of memory\n");
            exit(1);
        }
        double p50 = (double) sb_quantile_u64(v, nv, 0.5) / 1e3;
        double p99 = (double) sb_quantile_u64(v, nv, 0.99) / 1e3;
        double max = nv ? (double) v[nv - 1] / 1e3 : 0;
        double min = nv ? (double) v[0] / 1e3 : 0;
        json_object_set_new(j, "rtt_us",
                            json_pack("{s:f, s:f, s:f, s:f, s:I}", "min", min,
                                      "p50", p50, "p99", p99, "max", max,
                                      "samples", (json_int_t) nv));
        json_object_set_new(j, "lost", json_integer((json_int_t) b.lost));
        if (!o->json) {
            printf("round trip: p50 %.1f us  p99 %.1f us  max %.1f us  "
                   "(%zu samples, %llu given up after 1 s)\n",
                   p50, p99, max, nv, (unsigned long long) b.lost);
        }
        if (!nv) {
            fprintf(stderr, "sluice-bench: no PACKET_IN was answered\n");
            sb_run_destroy(run);
            json_decref(j);
            free(rates);
            free(pins);
            return 1;
        }
    }
    sb_run_destroy(run);
    free(rates);
    free(pins);
    if (o->json) {
        print_json(j);
    } else {
        json_decref(j);
    }
    return rs.median > 0 ? 0 : 1;
}

/* Connect: L times, S switches connect at once; time until all ready. */
static int
run_connect(const struct opts *o, struct sb_config *cfg)
{
    uint32_t n = cfg->switches;
    double *ready = calloc(o->loops, sizeof *ready);
    long before = o->pid > 0 ? read_rss_kib(o->pid) : -1;
    long after = -1;

    if (!ready) {
        return 1;
    }
    if (o->pid > 0 && before < 0) {
        fprintf(stderr, "sluice-bench: cannot read /proc/%ld/status\n",
                o->pid);
        return 1;
    }
    if (!o->json) {
        printf("sluice-bench connect: %u switches of %u ports, %u thread%s, "
               "%u loops, controller %s\n",
               n, cfg->ports, cfg->threads, cfg->threads == 1 ? "" : "s",
               o->loops, cfg->controller);
    }
    for (uint32_t i = 0; i < o->loops; i++) {
        double t0 = now_s();
        struct sb_run *run = start(cfg);
        ready[i] = wait_ready(run, n, t0, o->timeout) * 1e3;
        if (i == 0 && o->pid > 0) {
            sleep_until(now_s() + 0.2); /* let it finish what follows */
            after = read_rss_kib(o->pid);
        }
        sb_run_stop(run);
        sb_run_destroy(run);
        if (!o->json) {
            printf("loop %3u: %u switches ready in %.1f ms\n", i + 1, n,
                   ready[i]);
            fflush(stdout);
        }
        sleep_until(now_s() + 0.5); /* the controller sees them go */
    }
    struct sb_summary s;
    sb_summarize(ready, o->loops, &s);
    json_t *j = common_json(o, cfg, n, cfg->threads);
    json_object_set_new(j, "ports", json_integer(cfg->ports));
    json_object_set_new(j, "ready_ms", summary_json(&s));
    json_object_set_new(j, "rss_kib_before",
                        before >= 0 ? json_integer(before) : json_null());
    json_object_set_new(j, "rss_kib_after",
                        after >= 0 ? json_integer(after) : json_null());
    json_object_set_new(j, "rss_bytes_per_switch",
                        after >= 0
                            ? json_real((double) (after - before) * 1024.0 / n)
                            : json_null());
    if (o->json) {
        print_json(j);
    } else {
        printf("ready: min %.1f ms  median %.1f ms  max %.1f ms\n", s.min,
               s.median, s.max);
        if (after >= 0) {
            printf("controller memory: %ld KiB before, %ld KiB with %u "
                   "switches: %.0f bytes per switch\n",
                   before, after, n, (double) (after - before) * 1024.0 / n);
        }
        json_decref(j);
    }
    free(ready);
    return 0;
}

/* The CPU time (user + system, every thread) process 'pid' has used, in
 * seconds (clock-tick resolution), or -1. */
static double
read_cpu_s(long pid)
{
    char path[64], buf[1024];
    unsigned long long utime, stime;

    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The command name, in parentheses, may hold spaces and ')'. */
    const char *p = strrchr(buf, ')');
    if (!p || sscanf(p + 1,
                     " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
                     "%llu",
                     &utime, &stime) != 2) {
        return -1;
    }
    long hz = sysconf(_SC_CLK_TCK);
    return (double) (utime + stime) / (double) (hz > 0 ? hz : 100);
}

#define REST_POLL_S 0.002 /* between two GETs of the topology summary */

/* The controller's side of a fabric run (--rest): its REST API, polled. */
struct ctl_view {
    struct sb_rest rest;
    bool on;
    uint64_t links; /* directed links in the last summary */
    uint64_t polls;
    char err[256];
};

/* GETs the topology summary into 'cv->links'.  Returns 0 or an errno
 * (message in 'cv->err'). */
static int
ctl_poll(struct ctl_view *cv)
{
    json_t *j;
    int error = sb_rest_get_json(&cv->rest, "/api/v1/topology/summary", &j,
                                 cv->err, sizeof cv->err);
    cv->polls++;
    if (!error) {
        error = sb_rest_summary_links(j, &cv->links, cv->err, sizeof cv->err);
        json_decref(j);
    }
    return error;
}

/* Polls the controller every REST_POLL_S until it lists 'target' links;
 * returns the seconds from 't0', or -1 after 'timeout' s. */
static double
ctl_wait_links(struct ctl_view *cv, struct sb_run *run, uint64_t target,
               double t0, double timeout)
{
    for (;;) {
        double t = now_s();
        if (ctl_poll(cv)) {
            die_run(run, cv->err);
        }
        double done = now_s();
        if (cv->links == target) {
            return done - t0;
        }
        if (done - t0 > timeout) {
            return -1;
        }
        sleep_until(t + REST_POLL_S);
    }
}

static json_t *
ms_or_null(double s)
{
    return s >= 0 ? json_real(s * 1e3) : json_null();
}

/* Fabric: the topology connects; time until every directed link carried
 * an LLDP frame from the controller and, with --rest, until the
 * controller lists every link; LLDP rate over L loops; optionally N links
 * taken down (and, with --rest, the time until the controller drops
 * them).  With --controller-pid, the controller's CPU time in each
 * phase. */
static int
run_fabric(const struct opts *o, struct sb_config *cfg)
{
    struct sb_topo *topo;
    struct ctl_view cv = {.on = o->rest != NULL};
    char err[256];
    int error = sb_topo_build(o->topo, o->hosts, &topo, err, sizeof err);
    if (error) {
        fprintf(stderr, "sluice-bench: --topo %s: %s\n", o->topo, err);
        return 2;
    }
    if (cv.on) {
        if (sb_rest_init(&cv.rest, o->rest, 5.0, err, sizeof err)) {
            fprintf(stderr, "sluice-bench: %s\n", err);
            sb_topo_destroy(topo);
            return 2;
        }
        if (ctl_poll(&cv)) { /* before any switch connects */
            fprintf(stderr, "sluice-bench: %s\n", cv.err);
            sb_topo_destroy(topo);
            return 1;
        }
    }
    cfg->topo = topo;
    uint32_t n = topo->n_switches;
    uint64_t want = 2 * (uint64_t) topo->n_links;
    if (!o->json) {
        printf("sluice-bench fabric: %s, %u switches, %zu links, %u "
               "thread%s, controller %s%s%s\n",
               topo->name, n, topo->n_links, cfg->threads,
               cfg->threads == 1 ? "" : "s", cfg->controller,
               cv.on ? ", REST " : "", cv.on ? o->rest : "");
        fflush(stdout);
    }
    double cpu_start = o->pid > 0 ? read_cpu_s(o->pid) : -1;
    if (o->pid > 0 && cpu_start < 0) {
        fprintf(stderr, "sluice-bench: cannot read /proc/%ld/stat\n", o->pid);
        sb_topo_destroy(topo);
        return 1;
    }
    struct sb_run *run = start(cfg);
    double t0 = now_s();
    double ready_s = wait_ready(run, n, t0, o->timeout);
    double t_ready = now_s();
    double cpu_ready = o->pid > 0 ? read_cpu_s(o->pid) : -1;
    double discovery_s = -1, ctl_discovery_s = -1, cpu_disc = -1;
    double next_poll = t_ready;
    uint64_t ctl_lldp_out = 0;  /* LLDP PACKET_OUTs until the controller
                                 * listed every link */
    double disc_lldp_rate = -1; /* ... per second from ready until then */
    struct sb_totals a, b;

    sb_run_totals(run, &a);
    uint64_t lldp_at_ready = a.lldp_out;

    for (;;) {
        const char *why = sb_run_failure(run);
        if (why) {
            die_run(run, why);
        }
        sb_run_totals(run, &a);
        double now = now_s();
        if (discovery_s < 0 && a.links_seen >= want) {
            discovery_s = now - t_ready;
        }
        if (cv.on && ctl_discovery_s < 0 && now >= next_poll) {
            next_poll = now + REST_POLL_S;
            if (ctl_poll(&cv)) {
                die_run(run, cv.err);
            }
            if (cv.links == want) {
                ctl_discovery_s = now_s() - t_ready;
                cpu_disc = o->pid > 0 ? read_cpu_s(o->pid) : -1;
                sb_run_totals(run, &a);
                ctl_lldp_out = a.lldp_out;
                disc_lldp_rate = ctl_discovery_s > 0
                                     ? (double) (a.lldp_out - lldp_at_ready) /
                                           ctl_discovery_s
                                     : -1;
            }
        }
        if (discovery_s >= 0 && (!cv.on || ctl_discovery_s >= 0)) {
            break;
        }
        if (now_s() - t_ready > o->timeout) {
            break;
        }
        double wake = now + 0.001;
        sleep_until(cv.on && next_poll < wake ? next_poll : wake);
    }
    if (!o->json) {
        printf("%u switches ready in %.1f ms; ", n, ready_s * 1e3);
        if (discovery_s >= 0) {
            printf("every link carried LLDP %.1f ms later\n",
                   discovery_s * 1e3);
        } else {
            printf("only %llu of %llu directed links carried LLDP within "
                   "%g s\n",
                   (unsigned long long) a.links_seen,
                   (unsigned long long) want, o->timeout);
        }
        if (cv.on && ctl_discovery_s >= 0) {
            printf("the controller listed all %llu directed links %.1f ms "
                   "after the last switch was ready (%llu LLDP "
                   "PACKET_OUTs from the start, %.0f/s since ready)\n",
                   (unsigned long long) want, ctl_discovery_s * 1e3,
                   (unsigned long long) ctl_lldp_out,
                   disc_lldp_rate > 0 ? disc_lldp_rate : 0);
        } else if (cv.on) {
            printf("the controller listed %llu of %llu directed links "
                   "after %g s\n",
                   (unsigned long long) cv.links, (unsigned long long) want,
                   o->timeout);
        }
    }

    double *rates = calloc(o->loops, sizeof *rates);
    double ta = now_s();
    double cpu_a = o->pid > 0 ? read_cpu_s(o->pid) : -1;
    double t_loops = ta;
    for (uint32_t i = 0; rates && i < o->loops; i++) {
        sleep_until(ta + o->ms / 1e3);
        sb_run_totals(run, &b);
        double tb = now_s();
        rates[i] = (double) (b.lldp_out - a.lldp_out) / (tb - ta);
        a = b;
        ta = tb;
    }
    double cpu_b = o->pid > 0 ? read_cpu_s(o->pid) : -1;
    double steady_pct = cpu_a >= 0 && cpu_b >= 0 && ta > t_loops
                            ? (cpu_b - cpu_a) / (ta - t_loops) * 100
                            : -1;
    uint32_t failed = o->fail_links < topo->n_links ? o->fail_links
                                                    : (uint32_t) topo->n_links;
    double port_down_s = -1;
    uint64_t links_before_down = cv.links;
    if (failed && cv.on) {
        /* Known before the downs, so the wait below ends on them. */
        if (ctl_poll(&cv)) {
            die_run(run, cv.err);
        }
        links_before_down = cv.links;
    }
    double t_fail = now_s();
    for (uint32_t i = 0; i < failed; i++) {
        /* spread over the link list, deterministic */
        sb_run_link_down(run, (size_t) i * topo->n_links / failed);
    }
    if (failed && cv.on) {
        port_down_s = ctl_wait_links(&cv, run, want - 2 * (uint64_t) failed,
                                     t_fail, o->timeout);
    }
    if (failed) {
        sleep_until(now_s() + o->ms / 1e3);
    }
    const char *why = sb_run_failure(run);
    if (why) {
        die_run(run, why);
    }
    sb_run_totals(run, &b);
    if (failed && cv.on && ctl_poll(&cv)) {
        die_run(run, cv.err);
    }
    sb_run_stop(run);
    sb_run_destroy(run);

    struct sb_summary s;
    sb_summarize(rates, rates ? o->loops : 0, &s);
    json_t *j = common_json(o, cfg, n, cfg->threads);
    json_object_set_new(j, "topo", json_string(topo->name));
    json_object_set_new(j, "links", json_integer((json_int_t) topo->n_links));
    json_object_set_new(j, "ready_ms", json_real(ready_s * 1e3));
    json_object_set_new(j, "discovery_ms", ms_or_null(discovery_s));
    json_object_set_new(j, "directed_links_seen",
                        json_integer((json_int_t) b.links_seen));
    json_object_set_new(j, "lldp_per_sec", summary_json(&s));
    json_object_set_new(j, "lldp_packet_outs",
                        json_integer((json_int_t) b.lldp_out));
    json_object_set_new(j, "lldp_delivered",
                        json_integer((json_int_t) b.lldp_delivered));
    json_object_set_new(j, "lldp_to_edge",
                        json_integer((json_int_t) b.lldp_edge));
    json_object_set_new(j, "failed_links", json_integer(failed));
    if (cv.on) {
        json_object_set_new(j, "rest", json_string(o->rest));
        json_object_set_new(j, "controller_discovery_ms",
                            ms_or_null(ctl_discovery_s));
        json_object_set_new(j, "discovery_lldp_packet_outs",
                            ctl_discovery_s >= 0
                                ? json_integer((json_int_t) ctl_lldp_out)
                                : json_null());
        json_object_set_new(j, "discovery_lldp_per_sec",
                            disc_lldp_rate >= 0 ? json_real(disc_lldp_rate)
                                                : json_null());
        json_object_set_new(j, "controller_port_down_ms",
                            ms_or_null(port_down_s));
        json_object_set_new(j, "controller_links_before_down",
                            json_integer((json_int_t) links_before_down));
        json_object_set_new(j, "controller_links",
                            json_integer((json_int_t) cv.links));
        json_object_set_new(j, "rest_polls",
                            json_integer((json_int_t) cv.polls));
    }
    if (o->pid > 0) {
        json_object_set_new(
            j, "controller_cpu_ms",
            json_pack("{s:o, s:o}", "to_ready",
                      cpu_start >= 0 && cpu_ready >= 0
                          ? json_real((cpu_ready - cpu_start) * 1e3)
                          : json_null(),
                      "discovery",
                      cpu_ready >= 0 && cpu_disc >= 0
                          ? json_real((cpu_disc - cpu_ready) * 1e3)
                          : json_null()));
        json_object_set_new(j, "controller_cpu_pct_steady",
                            steady_pct >= 0 ? json_real(steady_pct)
                                            : json_null());
    }
    if (o->json) {
        print_json(j);
    } else {
        printf("LLDP out: median %.0f frames/s; %llu sent, %llu delivered, "
               "%llu to edge or down ports; %u links taken down\n",
               s.median, (unsigned long long) b.lldp_out,
               (unsigned long long) b.lldp_delivered,
               (unsigned long long) b.lldp_edge, failed);
        if (failed && cv.on) {
            if (port_down_s >= 0) {
                printf("the controller dropped the %u failed link%s (both "
                       "directions) %.1f ms after the PORT_STATUS downs\n",
                       failed, failed == 1 ? "" : "s", port_down_s * 1e3);
            } else {
                printf("the controller still listed %llu links %g s after "
                       "the downs (want %llu)\n",
                       (unsigned long long) cv.links, o->timeout,
                       (unsigned long long) (want - 2 * (uint64_t) failed));
            }
        }
        if (o->pid > 0 && cpu_ready >= 0) {
            printf("controller CPU: %.0f ms until all ready",
                   (cpu_ready - cpu_start) * 1e3);
            if (cpu_disc >= 0) {
                printf(", %.0f ms during discovery",
                       (cpu_disc - cpu_ready) * 1e3);
            }
            if (steady_pct >= 0) {
                printf(", %.1f%% of a core while probing", steady_pct);
            }
            printf("\n");
        }
        json_decref(j);
    }
    free(rates);
    sb_topo_destroy(topo);
    if (discovery_s < 0) {
        return 1;
    }
    if (cv.on && (ctl_discovery_s < 0 || (failed && port_down_s < 0))) {
        return 1;
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct opts o;
    struct sb_config cfg;

    signal(SIGPIPE, SIG_IGN);
    parse_args(argc, argv, &o);
    memset(&cfg, 0, sizeof cfg);
    resolve(o.controller, &cfg);
    cfg.mode = o.mode;
    cfg.switches = o.switches;
    cfg.threads = o.threads;
    cfg.macs = o.macs;
    cfg.ports = o.ports;
    cfg.no_buffer = o.no_buffer;
    if (cfg.mode != SB_FABRIC && cfg.threads > cfg.switches) {
        cfg.threads = cfg.switches;
    }
    switch (o.mode) {
    case SB_THROUGHPUT:
    case SB_LATENCY:
        return run_traffic(&o, &cfg);
    case SB_CONNECT:
        return run_connect(&o, &cfg);
    case SB_FABRIC:
        return run_fabric(&o, &cfg);
    }
    return 2;
}
