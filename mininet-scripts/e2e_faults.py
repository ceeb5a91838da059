"""e2e_faults: fault injection end to end (issue 8), registered by e2e.py
(TESTS below).  Each runs a real sluice (apps: [l2_learning], proactive,
REST on a free port with a token) and real Open vSwitch bridges in
Mininet (userspace datapath, fail_mode secure: Mininet's default), breaks
something on purpose and proves that nothing else broke.  Measured
numbers are printed as "#" lines; what is asserted is behaviour, with
bounds derived from the controller's own timeouts.

Where emulated switches (test/bench/sluice-bench, from the build tree of
--sluice) join real ones, the real bridges get datapath ids
0x00000000fa00000N (FarLinear), or the torus' 0x101..0x303, outside the
ids sluice-bench gives its switches (1..N): a clash would make one
replace the other.  Memory bounds are not applied to an ASan daemon
(its quarantine of freed blocks grows VmRSS by design); there the exit
status at SIGTERM, which LeakSanitizer sets, is the proof.

  fault_kill9       tree,2 (3 switches, 4 hosts): pingall; h1 pings h4
                    and h2 pings h3 every 50 ms; sluice is killed with
                    SIGKILL and started again on the same port and
                    config: every switch is up again (kill -> "switch ...
                    up" in the new daemon's log, and ovs-vsctl
                    is_connected), reconciliation adopts or keeps every
                    flow (its log lines: nothing added, modified or
                    deleted; sluice_flow_mods_total of the new daemon
                    stays below the number of flows), the flows are those
                    of before (modulo counters, no duplicates), the
                    longest gap in the replies (missing icmp_seq x 50 ms)
                    is at most the reconnect time + 1 s, and REST answers
                    again
  fault_flap        FarLinear(3) with a host each; 100 emulated switches
                    connect and disconnect in a loop (sluice-bench connect
                    --switches 100, run again and again) for 60 s
                    (E2E_FLAP_SECONDS sets another duration, e.g. 20 in
                    CI): the 3 bridges stay connected all along (polled),
                    sluice never logs them down, their flows are the same
                    before and after, h1 pings h3 every 0.2 s throughout
                    with no gap over 1 s; after it sluice's VmRSS is back
                    within 2 MiB of its baseline (taken after a warm-up
                    run of 5 cycles: the 100 datapath ids' desired tables
                    are kept for the life of the process, by design) and
                    its descriptors at their baseline (baseline, peak,
                    after and the growth during the run printed)
  fault_packet_in_flood
                    FarLinear(3); sluice-bench throughput --switches 1 at
                    full speed for 15 s against the default packet-in
                    budget (1000/s): the bridges keep their sessions, the
                    topology keeps its 4 directed links at every poll
                    (/api/v1/topology/summary every 0.2 s), h1 pings h3
                    every 0.1 s with no gap over 1 s, and the flood is
                    rate-limited and visible per switch:
                    sluice_switch_packet_in_dropped_total{dpid=
                    "0000000000000001"} > 0, 0 for the bridges
  fault_flowprog    one bridge (s1, 2 hosts) reaches sluice through an
                    OpenFlow-aware TCP relay of this file (FaultProxy)
                    that can cut a session after N FLOW_MODs, drop
                    BARRIER_REPLYs, and mark flow-stats replies "more to
                    come" so that they never end; 300 flows are added
                    over REST first.  (a) The switch loses its flows
                    while away and the session is cut after 100 FLOW_MODs
                    of the 300+ of the reconciliation's batch (before its
                    barrier): on its return the flows are exactly the
                    desired ones.  (b) Barrier replies dropped: a POST of a
                    flow answers 504 within the REST timeout (5 s) + 1.5
                    s, and so does a non-strict delete (its barrier is an
                    xact's); the flow programmer re-reads the switch's
                    flows after FLOWPROG_TIMEOUT without a barrier reply
                    and is in sync again without a reconnect.  (c)
                    Flow-stats replies never end: GET /stats/flow/1 and
                    /stats/aggregateflow/1 answer 504 within 5 + 1.5 s,
                    no xact stays open; a reconnect whose reconciliation
                    never gets its last part adds every desired flow
                    after FLOWPROG_TIMEOUT.  After each, the switch's
                    flows are exactly the desired ones (dump-flows against
                    GET /api/v1/switches/1: synced, same count, no
                    duplicate); at the end sluice's descriptors are back
                    at their baseline and its VmRSS within 2 MiB of it
  fault_soak        torus,3,3 and a mobile host hm cabled to s1x1 and
                    s3x3, for E2E_SOAK_SECONDS (default 75; soak.py runs
                    it for minutes): a cable taken down for 1.5 s every 4
                    s, hm moving between its two cables every 6 s (MAC
                    and address move, the old port stays up: a host_move),
                    REST polled 4 times a second round /api/v1/switches,
                    /api/v1/topology, /stats/flow/<dpid>, /metrics, the
                    summary and /v1.0/topology/hosts (every answer 200),
                    an event stream read all along (well formed;
                    link_down, link_up, switch_up, switch_down and
                    host_move all seen), and 20 emulated switches of
                    sluice-bench connecting and disconnecting in a loop;
                    the 9 bridges stay connected; after it the topology
                    converges, pingall loses nothing, every switch holds
                    exactly its desired flows, and sluice exits 0 on
                    SIGTERM with no sanitizer report in its log (with
                    ASan: no leak, no error); VmRSS start, peak, end and
                    growth per minute printed
"""

import json
import os
import random
import re
import select
import socket
import struct
import subprocess
import threading
import time

import sluicenet as sn
from e2e_apps import (collect, converge, kill_all, metric, pingall_rounds,
                      popen_ping, quiet_ipv6, seq_gaps)
from e2e_rest import Api, EventReader, scrape
from e2e_topo import log_times
from mininet.topo import SingleSwitchTopo, Topo
from mininet.topolib import TorusTopo, TreeTopo
from peers import ofp_split

TOKEN = 'e2e-faults-token'
REST_TIMEOUT = 5.0          # rest/ryu.h REST_RYU_TIMEOUT: a switch's answer
FLOWPROG_TIMEOUT = 10.0     # controller/flowprog.c FP_REPLY_TIMEOUT
SLACK = 1.5                 # added to every deadline derived from sluice's
FAR_DPID_BASE = 0xfa000000  # FarLinear's datapath ids: this + N
RSS_BOUND_KIB = 2048        # memory back within this of its baseline

OFPT_FLOW_MOD, OFPT_BARRIER_REQUEST, OFPT_BARRIER_REPLY = 14, 20, 21
OFPT_MULTIPART_REPLY = 19
OFPMP_FLOW, OFPMP_AGGREGATE = 1, 2
OFPMPF_REPLY_MORE = 1

KILL9_INTERVAL = 0.05       # s between the pings of fault_kill9
FLAP_SWITCHES = 100
FLAP_PING_INTERVAL = 0.2
FLOOD_SECONDS = 15
FLOOD_PING_INTERVAL = 0.1
MAX_PING_GAP = 1.0          # s: "ping keeps working"
N_REST_FLOWS = 300          # fault_flowprog's desired table
CUT_AFTER = 100             # FLOW_MODs let through before the cut


# ---- sluice ----

def write_config(ctx, port, rest_port, openflow=None):
    """A config file for sluice on 127.0.0.1:'port' with REST on
    'rest_port' (token TOKEN), l2_learning, and the openflow.* settings
    of 'openflow' (a dict).  Returns its path."""
    y = sn.yaml_str
    lines = ['# generated by e2e_faults.py for test %s' % ctx.name,
             'openflow:',
             '  listen: [%s]' % y('tcp:127.0.0.1:%d' % port)]
    lines += ['  %s: %s' % kv for kv in sorted((openflow or {}).items())]
    lines += ['rest:',
              '  listen: %s' % y('127.0.0.1:%d' % rest_port),
              '  token: %s' % y(TOKEN),
              'apps:',
              '  - name: l2_learning']
    path = os.path.join(ctx.tmp, '%s.yaml' % ctx.name)
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return path


def launch(ctx, cfg, port, rest_port):
    """Starts sluice with 'cfg'; waits until it listens on 'port' and
    serves REST on 'rest_port'."""
    n = len(ctx.daemons) + 1
    argv = [ctx.args.sluice, '-c', cfg]
    if ctx.args.app_path:
        argv += ['--app-path', ctx.args.app_path]
    if ctx.args.sluice_log_level:
        argv += ['--log-level', ctx.args.sluice_log_level]
    daemon = sn.Daemon(argv, os.path.join(ctx.tmp, '%s-%d.log'
                                          % (ctx.name, n)), 'sluice')
    ctx.daemons.append(daemon)
    ctx.defer(daemon.kill)
    daemon.start()
    daemon.wait_listening(port)
    up = sn.wait_until(lambda: sn.listening(rest_port), 10)
    ctx.check(up, 'sluice does not serve REST on 127.0.0.1:%d' % rest_port)
    return daemon


def start(ctx, openflow=None):
    """sluice on free ports.  Returns (port, api, daemon, cfg)."""
    port, rest_port = sn.free_port(), sn.free_port()
    ctx.rest_port, ctx.rest_token = rest_port, TOKEN
    cfg = write_config(ctx, port, rest_port, openflow)
    daemon = launch(ctx, cfg, port, rest_port)
    return port, Api(ctx, rest_port, TOKEN), daemon, cfg


def rss_kib(daemon):
    """VmRSS of the daemon in KiB (None if it is gone)."""
    try:
        with open('/proc/%d/status' % daemon.pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except (OSError, TypeError):
        pass
    return None


def sanitized(daemon):
    """True if the daemon runs with ASan (its memory then includes the
    quarantine of freed blocks: ASAN_OPTIONS quarantine_size_mb, 256 by
    default)."""
    try:
        with open('/proc/%d/maps' % daemon.pid) as f:
            return 'libasan' in f.read()
    except (OSError, TypeError):
        return False


def check_rss(ctx, daemon, kib, base, what):
    """VmRSS 'kib' back within RSS_BOUND_KIB of 'base'; not asserted for
    an ASan daemon, whose quarantine of freed blocks grows its VmRSS by
    design (its leak check at exit is the proof there)."""
    if sanitized(daemon):
        ctx.note('ASan daemon: VmRSS includes its quarantine, the %d KiB '
                 'bound is not applied (LeakSanitizer checks the exit)'
                 % RSS_BOUND_KIB)
        return
    ctx.check(kib <= base + RSS_BOUND_KIB, 'VmRSS %d KiB %s, baseline %d '
              'KiB + %d KiB' % (kib, what, base, RSS_BOUND_KIB))


def bench_path(ctx):
    """sluice-bench of the build tree of --sluice."""
    path = os.path.join(os.path.dirname(os.path.dirname(ctx.args.sluice)),
                        'test', 'bench', 'sluice-bench')
    ctx.check(os.access(path, os.X_OK), 'no sluice-bench at %s (make all '
              'builds it)' % path)
    return path


def wait_rest_switches(ctx, api, want, timeout=20):
    """Waits until GET /stats/switches lists exactly the dpids 'want'."""
    last = []

    def listed():
        r = api.get('/stats/switches')
        last[:] = [r]
        return r.status == 200 and sorted(json.loads(r.body)) == sorted(want)
    ctx.check(sn.wait_until(listed, timeout, interval=0.2),
              'GET /stats/switches never listed %s: last %r'
              % (sorted(want), last[0] if last else None))


def reconciled_lines(daemon, dpid, start=0):
    """The "reconciled" log lines of 'dpid' from log offset 'start', as
    dicts of their counts."""
    rx = re.compile(r'switch 0x%016x: reconciled: (\d+) kept, (\d+) added, '
                    r'(\d+) modified, (\d+) deleted, (\d+) adopted, (\d+) '
                    r'foreign left' % dpid)
    keys = ('kept', 'added', 'modified', 'deleted', 'adopted', 'foreign')
    return [dict(zip(keys, map(int, m.groups())))
            for m in rx.finditer(daemon.log(), start)]


def fmt_rec(r):
    return ', '.join('%d %s' % (r[k], k) for k in
                     ('kept', 'added', 'modified', 'deleted', 'adopted',
                      'foreign'))


def diff_lines(want, got):
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    dups = sorted({x for x in got if got.count(x) > 1})
    out = ['missing: ' + x for x in missing[:6]]
    out += ['extra: ' + x for x in extra[:6]]
    out += ['duplicated: ' + x for x in dups[:6]]
    if len(missing) > 6 or len(extra) > 6:
        out.append('(%d missing, %d extra in all)'
                   % (len(missing), len(extra)))
    return out


class Sampler(threading.Thread):
    """Calls 'fn()' every 'interval' s until stop(); 'fn' records what it
    sees itself.  An exception ends the sampling and is kept in
    'error'."""

    def __init__(self, fn, interval):
        super().__init__(daemon=True)
        self.fn = fn
        self.interval = interval
        self.done = threading.Event()
        self.error = None
        self.samples = 0

    def run(self):
        while not self.done.is_set():
            t = time.monotonic()
            try:
                self.fn()
            except Exception as e:  # reported by the test
                self.error = e
                return
            self.samples += 1
            self.done.wait(max(0.0, self.interval - (time.monotonic() - t)))

    def stop(self):
        self.done.set()
        self.join(30)


class Watch:
    """What the network looked like over a stretch of time: bridges seen
    disconnected (ovs-vsctl is_connected), the daemon's VmRSS peak."""

    def __init__(self, daemon, names):
        self.daemon = daemon
        self.names = names
        self.lost = {}          # name -> times seen not connected
        self.rss_peak = 0
        self.rss_samples = []   # (time.monotonic(), KiB)

    def conn(self):
        for n, up in sn.connection_states(self.names).items():
            if not up:
                self.lost[n] = self.lost.get(n, 0) + 1

    def rss(self):
        kib = rss_kib(self.daemon) or 0
        self.rss_peak = max(self.rss_peak, kib)
        self.rss_samples.append((time.monotonic(), kib))


# ---- topologies ----

class FarLinear(Topo):
    """Mininet's linear,K (hN on sN, sN linked to sN-1) whose switches have
    datapath ids FAR_DPID_BASE + N: never one of sluice-bench's."""

    def build(self, k=3):
        last = None
        for i in range(1, k + 1):
            sw = self.addSwitch('s%d' % i, dpid='%016x' % (FAR_DPID_BASE + i))
            self.addLink(self.addHost('h%d' % i), sw)
            if last:
                self.addLink(sw, last)
            last = sw


def far_dpids(k=3):
    return [FAR_DPID_BASE + i for i in range(1, k + 1)]


# ---- fault_kill9 ----

def t_fault_kill9(ctx):
    port, api, daemon, cfg = start(ctx)
    net = ctx.network(TreeTopo(depth=2, fanout=2), port)
    names = [s.name for s in net.switches]
    dpids = sorted(int(s.dpid, 16) for s in net.switches)
    quiet_ipv6(ctx, net)
    converge(ctx, api, net)
    pingall_rounds(ctx, net)
    before = sn.settle(names, 15)
    n_flows = sum(len(v) for v in before.values())
    ctx.note('before: %s flows (%d)' % (', '.join(
        '%s %d' % (n, len(before[n])) for n in names), n_flows))

    h1, h2, h3, h4 = (net.get('h%d' % i) for i in range(1, 5))
    count = int(14 / KILL9_INTERVAL)
    procs = [('h1->h4', popen_ping(h1, h4.IP(), count, KILL9_INTERVAL)),
             ('h2->h3', popen_ping(h2, h3.IP(), count, KILL9_INTERVAL))]
    ctx.defer(kill_all, procs)
    time.sleep(3)

    t_kill, wall_kill = time.monotonic(), time.time()
    daemon.proc.kill()
    daemon.proc.wait(10)
    daemon.returncode = daemon.proc.returncode
    ctx.note('sluice killed (SIGKILL, status %s); started again on port %d '
             'with the same config' % (daemon.returncode, port))
    daemon2 = launch(ctx, cfg, port, ctx.rest_port)
    t_listen = time.monotonic() - t_kill

    # Each bridge up again: ovs-vsctl's view, polled (OVS refreshes it
    # about once a second), and the new daemon's "switch ... up" lines.
    seen_down, seen_up = {}, {}

    def poll():
        now = time.monotonic() - t_kill
        states = sn.connection_states(names)
        for n, up in states.items():
            if not up:
                seen_down.setdefault(n, now)
            elif n in seen_down:
                seen_up.setdefault(n, now)
        return all(states.values()) and all(
            daemon2.find_log(r'switch 0x%016x up' % d) for d in dpids)
    sn.wait_until(poll, 30, interval=0.02)
    ctx.check(all(sn.connection_states(names).values()),
              'not every bridge connected again: %s'
              % sn.connection_states(names))
    ctx.check_up_logged(daemon2, dpids)
    ups = log_times(daemon2, dpids)
    reconnect = {d: ups[d] - wall_kill for d in dpids if d in ups}
    ctx.check(len(reconnect) == len(dpids), 'no "up" time for %s'
              % [d for d in dpids if d not in reconnect])
    worst = max(reconnect.values())
    ctx.note('listening again %.2f s after the kill; switches up (log) '
             'after %s s' % (t_listen, ', '.join('%.2f' % reconnect[d]
                                                 for d in dpids)))
    ctx.note('ovsdb\'s is_connected (refreshed every few seconds): %s'
             % ', '.join('%s false at %.2f s, true at %.2f s'
                         % (n, seen_down[n], seen_up[n]) if n in seen_up
                         else '%s never seen false' % n for n in names))

    # Reconciled: every flow adopted or kept, none re-sent.
    def reconciled():
        return all(reconciled_lines(daemon2, d) for d in dpids)
    ctx.check(sn.wait_until(reconciled, 10), 'no "reconciled" line for '
              'every switch')
    recs = {d: reconciled_lines(daemon2, d)[0] for d in dpids}
    for d in dpids:
        ctx.note('switch %#x: reconciled: %s' % (d, fmt_rec(recs[d])))
    changed = {d: r for d, r in recs.items()
               if r['added'] or r['modified'] or r['deleted']}
    ctx.check(not changed, 'reconciliation changed flows after the kill: %s'
              % '; '.join('%#x: %s' % (d, fmt_rec(r))
                          for d, r in changed.items()))
    after = sn.settle(names, 15)
    for n in names:
        ctx.check(after[n] == before[n], 'flows of %s after the restart '
                  'differ from before: %s'
                  % (n, '; '.join(diff_lines(before[n], after[n]))))
    ctx.note('flows after the restart: the same %d, no duplicate' % n_flows)

    outs = collect(ctx, procs, count * KILL9_INTERVAL + 20)
    limit = worst + 1.0
    for name, out in sorted(outs.items()):
        gap, replies, sent, runs = seq_gaps(out, KILL9_INTERVAL)
        ctx.note('%s every %.0f ms: %d/%d replies; missing %s; longest gap '
                 '%.2f s (limit: reconnect %.2f s + 1 s)'
                 % (name, KILL9_INTERVAL * 1000, replies, sent,
                    ' '.join('seq %d x%d' % r for r in runs) or 'none', gap,
                    worst))
        ctx.check(sent >= count * 0.9, '%s: sent %d of %d'
                  % (name, sent, count))
        ctx.check(gap <= limit, '%s: longest gap %.2f s, over %.2f s'
                  % (name, gap, limit))

    fams = scrape(ctx, api)
    mods = metric(fams, 'sluice_flow_mods_total')
    recs_total = metric(fams, 'sluice_reconciliations_total')
    ctx.note('new daemon: sluice_flow_mods_total %s, '
             'sluice_reconciliations_total %s' % (mods, recs_total))
    ctx.check(mods is not None and mods < n_flows, 'a FLOW_MOD storm after '
              'the restart: %s FLOW_MODs for %d flows' % (mods, n_flows))
    health = api.json('GET', '/api/v1/health')
    ctx.check(isinstance(health, dict), 'GET /api/v1/health: %r' % health)
    wait_rest_switches(ctx, api, dpids, 5)
    ctx.note('REST answers again: /api/v1/health %s, /stats/switches %s'
             % (health.get('status'), dpids))


# ---- fault_flap ----

class Flapper(threading.Thread):
    """Runs `sluice-bench connect` again and again until 'seconds' have
    passed: 'n' emulated switches connect, finish the handshake and close,
    5 times a run."""

    def __init__(self, bench, port, n, seconds):
        super().__init__(daemon=True)
        self.argv = [bench, 'connect', '--controller', '127.0.0.1:%d' % port,
                     '--switches', str(n), '--loops', '5', '--threads', '1',
                     '--timeout', '10', '--json']
        self.seconds = seconds
        self.runs = []          # (exit status, JSON or None, stderr)
        self.proc = None
        self.stopping = threading.Event()

    def run(self):
        deadline = time.monotonic() + self.seconds
        while time.monotonic() < deadline and not self.stopping.is_set():
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True)
            try:
                out, err = self.proc.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                out, err = self.proc.communicate()
            try:
                j = json.loads(out)
            except ValueError:
                j = None
            self.runs.append((self.proc.returncode, j, err.strip()[-300:]))

    def stop(self):
        """Lets the run under way finish (a few seconds), then returns;
        one that hangs is killed."""
        self.stopping.set()
        self.join(60)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        self.join(30)

    @property
    def cycles(self):
        return sum(5 for rc, _, _ in self.runs if rc == 0)


def t_fault_flap(ctx):
    seconds = float(os.environ.get('E2E_FLAP_SECONDS', '60'))
    bench = bench_path(ctx)
    port, api, daemon, _ = start(ctx)
    net = ctx.network(FarLinear(3), port)
    names = [s.name for s in net.switches]
    dpids = far_dpids()
    quiet_ipv6(ctx, net)
    converge(ctx, api, net)
    pingall_rounds(ctx, net)
    before = sn.settle(names, 15)
    cold = rss_kib(daemon)
    # A first round makes what lasts: the programmer's desired tables of
    # the 100 datapath ids (kept for the life of the process, by design),
    # hash tables at their size, the allocator's arenas at their peak.
    warm = Flapper(bench, port, FLAP_SWITCHES, 0.1)
    warm.run()
    ctx.check(warm.runs and warm.runs[0][0] == 0, 'the warm-up run of '
              'sluice-bench failed: %s' % warm.runs)
    time.sleep(1)
    fds0, rss0 = daemon.n_fds(), rss_kib(daemon)
    mark = daemon.log_size()
    ctx.note('baseline: VmRSS %d KiB after a warm-up run of 5 cycles (%d '
             'KiB before it), %d descriptors, %d flows on the bridges'
             % (rss0, cold, fds0, sum(len(v) for v in before.values())))

    h1, h3 = net.get('h1'), net.get('h3')
    count = int((seconds + 4) / FLAP_PING_INTERVAL)
    procs = [('h1->h3', popen_ping(h1, h3.IP(), count, FLAP_PING_INTERVAL))]
    ctx.defer(kill_all, procs)
    watch = Watch(daemon, names)
    samplers = [Sampler(watch.conn, 0.5), Sampler(watch.rss, 0.25)]
    flapper = Flapper(bench, port, FLAP_SWITCHES, seconds)
    ctx.defer(flapper.stop)
    for s in samplers:
        ctx.defer(s.stop)
        s.start()
    time.sleep(1)
    t0 = time.monotonic()
    flapper.start()
    flapper.join(seconds + 150)
    took = time.monotonic() - t0
    for s in samplers:
        s.stop()
        ctx.check(s.error is None, 'sampling failed: %r' % s.error)

    bad = [r for r in flapper.runs if r[0] != 0]
    ready = [r[1]['ready_ms']['median'] for r in flapper.runs
             if r[0] == 0 and r[1]]
    ctx.note('%d emulated switches flapped for %.1f s: %d sluice-bench runs, '
             '%d connect/disconnect cycles (%d sessions), all ready in a '
             'median %s ms per run'
             % (FLAP_SWITCHES, took, len(flapper.runs), flapper.cycles,
                flapper.cycles * FLAP_SWITCHES,
                '/'.join('%.0f' % x for x in ready[:12])
                + ('...' if len(ready) > 12 else '')))
    ctx.check(not bad, 'sluice-bench runs failed: %s'
              % '; '.join('exit %s: %s' % (rc, err) for rc, _, err in bad[:3]))
    ctx.check(flapper.cycles * FLAP_SWITCHES >= 1000,
              'only %d cycles ran' % flapper.cycles)
    ctx.check(daemon.running(), 'sluice died under the flapping')

    ctx.check(not watch.lost, 'bridges seen disconnected during the flapping '
              '(%d samples): %s' % (samplers[0].samples, watch.lost))
    downs = [d for d in dpids if daemon.find_log(sn.down_re(d), mark)]
    ctx.check(not downs, 'sluice logged bridges down: %s'
              % ', '.join('%#x' % d for d in downs))
    ctx.note('the 3 bridges connected at each of %d samples, none logged '
             'down' % samplers[0].samples)

    outs = collect(ctx, procs, count * FLAP_PING_INTERVAL + 20)
    gap, replies, sent, runs = seq_gaps(outs['h1->h3'], FLAP_PING_INTERVAL)
    ctx.note('h1 -> h3 every %.1f s: %d/%d replies, longest gap %.2f s'
             % (FLAP_PING_INTERVAL, replies, sent, gap))
    ctx.check(gap <= MAX_PING_GAP, 'h1 -> h3: a gap of %.2f s in the replies '
              '(missing %s)' % (gap, ' '.join('seq %d x%d' % r
                                              for r in runs)))

    after = sn.settle(names, 15)
    for n in names:
        ctx.check(after[n] == before[n], 'flows of %s changed: %s'
                  % (n, '; '.join(diff_lines(before[n], after[n]))))
    ctx.note('flows of the bridges unchanged (modulo counters)')

    fds = []
    sn.wait_until(lambda: fds.append(daemon.n_fds()) or fds[-1] <= fds0, 10,
                  interval=0.2)
    rss = []
    sn.wait_until(lambda: rss.append(rss_kib(daemon))
                  or rss[-1] <= rss0 + RSS_BOUND_KIB, 10 if not
                  sanitized(daemon) else 0, interval=0.5)
    during = [(t - t0, k) for t, k in watch.rss_samples if t >= t0]
    quarters = [k for t, k in during if t >= 0][::max(1, len(during) // 4)]
    ctx.note('VmRSS: baseline %d KiB, peak %d KiB, after %d KiB (%+d KiB); '
             'in the run %s KiB, %+.0f KiB/min (least squares); '
             'descriptors: baseline %d, after %d'
             % (rss0, watch.rss_peak, rss[-1], rss[-1] - rss0,
                ' '.join('%d' % k for k in quarters),
                slope_per_min(during), fds0, fds[-1]))
    check_rss(ctx, daemon, rss[-1], rss0, 'after the flapping')
    ctx.check(fds[-1] <= fds0, '%d descriptors after the flapping, %d '
              'before' % (fds[-1], fds0))


# ---- fault_packet_in_flood ----

def t_fault_packet_in_flood(ctx):
    bench = bench_path(ctx)
    port, api, daemon, _ = start(ctx)
    net = ctx.network(FarLinear(3), port)
    names = [s.name for s in net.switches]
    dpids = far_dpids()
    quiet_ipv6(ctx, net)
    links = len(converge(ctx, api, net))
    pingall_rounds(ctx, net)
    mark = daemon.log_size()

    h1, h3 = net.get('h1'), net.get('h3')
    count = int((FLOOD_SECONDS + 6) / FLOOD_PING_INTERVAL)
    procs = [('h1->h3', popen_ping(h1, h3.IP(), count, FLOOD_PING_INTERVAL))]
    ctx.defer(kill_all, procs)
    watch = Watch(daemon, names)
    seen_links = []
    fam = 'sluice_switch_packet_in_dropped_total'
    drops = []                  # (flooding switch's, bridges', global)

    def summary():
        r = api.get('/api/v1/topology/summary', timeout=5)
        seen_links.append(json.loads(r.body).get('links')
                          if r.status == 200 else 'HTTP %d' % r.status)

    def dropped():
        # The flooding switch's series lives as long as its session.
        fams = scrape(ctx, api)
        flood = [v for _, ls, v in fams.get(fam, {'samples': []})['samples']
                 if ls.get('dpid') == '%016x' % 1]
        if flood:
            flood = flood[0]
            drops.append((flood, [metric(fams, fam, dpid='%016x' % d)
                                  for d in dpids],
                          metric(fams, 'sluice_packet_in_dropped_total')))
    samplers = [Sampler(watch.conn, 0.5), Sampler(summary, 0.2),
                Sampler(dropped, 1.0)]
    for s in samplers:
        ctx.defer(s.stop)
        s.start()
    time.sleep(1)
    argv = [bench, 'throughput', '--controller', '127.0.0.1:%d' % port,
            '--switches', '1', '--loops', str(FLOOD_SECONDS), '--ms', '1000',
            '--warmup', '0', '--threads', '1', '--timeout', '10', '--json']
    try:
        res = subprocess.run(argv, stdin=subprocess.DEVNULL,
                             capture_output=True, text=True,
                             timeout=FLOOD_SECONDS + 60)
    except subprocess.TimeoutExpired:
        ctx.check(False, 'sluice-bench throughput still running after %d s'
                  % (FLOOD_SECONDS + 60))
    time.sleep(1)
    for s in samplers:
        s.stop()
        ctx.check(s.error is None, 'sampling failed: %r' % s.error)
    ctx.check(res.returncode == 0, 'sluice-bench throughput: exit %d: %s'
              % (res.returncode, res.stderr.strip()[-300:]))
    j = json.loads(res.stdout)
    ctx.note('flood: sluice-bench throughput, 1 switch, %d x 1 s: '
             'PACKET_INs/s median %.0f (max %.0f), responses/s median %.0f'
             % (FLOOD_SECONDS, j['packet_ins_per_sec']['median'],
                j['packet_ins_per_sec']['max'],
                j['responses_per_sec']['median']))

    ctx.check(daemon.running(), 'sluice died under the flood')
    ctx.check(not watch.lost, 'bridges seen disconnected during the flood '
              '(%d samples): %s' % (samplers[0].samples, watch.lost))
    downs = [d for d in dpids if daemon.find_log(sn.down_re(d), mark)]
    ctx.check(not downs, 'sluice logged bridges down: %s'
              % ', '.join('%#x' % d for d in downs))
    wrong = [x for x in seen_links if x != links]
    ctx.note('topology polled %d times during the flood: links %s'
             % (len(seen_links), 'always %d' % links if not wrong
                else 'min %s max %s' % (min(map(str, seen_links)),
                                        max(map(str, seen_links)))))
    ctx.check(not wrong and len(seen_links) >= FLOOD_SECONDS,
              'the topology lost links during the flood (%d of %d polls '
              'not %d: %s)' % (len(wrong), len(seen_links), links,
                               wrong[:10]))

    outs = collect(ctx, procs, count * FLOOD_PING_INTERVAL + 20)
    gap, replies, sent, runs = seq_gaps(outs['h1->h3'], FLOOD_PING_INTERVAL)
    ctx.note('h1 -> h3 every %.1f s: %d/%d replies, longest gap %.2f s'
             % (FLOOD_PING_INTERVAL, replies, sent, gap))
    ctx.check(gap <= MAX_PING_GAP, 'h1 -> h3: a gap of %.2f s in the replies'
              % gap)

    ctx.check(drops, '/metrics never had a series of %s for the flooding '
              'switch' % fam)
    flood, real, total = drops[-1]
    ctx.note('/metrics, last scrape of the flood (%d): %s{dpid="%016x"} %d, '
             'the bridges %s; sluice_packet_in_dropped_total %d; the '
             'flooding switch\'s drops grew at every scrape: %s'
             % (len(drops), fam, 1, flood, ' '.join('%d' % v for v in real),
                total, all(b[0] > a[0] for a, b in zip(drops, drops[1:]))))
    ctx.check(flood > 0, 'no drops counted for the flooding switch')
    ctx.check(all(v == 0 for v in real), 'drops counted for the bridges: '
              '%s' % real)
    ctx.check(total >= flood, 'the global counter %s below the switch\'s %s'
              % (total, flood))
    ctx.check(daemon.find_log(r'switch 0x0000000000000001 over its '
                              r'packet-in budget', mark) is not None,
              'no "over its packet-in budget" log line for the flooding '
              'switch')


# ---- fault_flowprog ----

class FaultProxy(threading.Thread):
    """A TCP relay between switches and the controller that frames
    OpenFlow messages and can break a session on purpose.  Settings (read
    by the relay at each message):

      refuse         close new connections at once (the switch stays away)
      cut_after      after relaying this many more FLOW_MODs to the
                     switch, close the session (the rest is lost)
      drop_barrier   drop BARRIER_REPLYs from the switch
      endless        MULTIPART_REPLYs of these types (OFPMP_*) from the
                     switch get OFPMPF_REPLY_MORE set: they never end

    Counters: sessions, flow_mods (relayed), barriers (requests relayed),
    barrier_replies_dropped, endless_marked; 'cut' is set when cut_after
    closed a session, with 'cut_barriers' the BARRIER_REQUESTs that
    session had relayed since cut_after was set."""

    def __init__(self, upstream):
        super().__init__(daemon=True)
        self.upstream = upstream
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(('127.0.0.1', 0))
        self.lsock.listen(16)
        self.port = self.lsock.getsockname()[1]
        self.lock = threading.Lock()
        self.sessions = []      # [switch socket, controller socket, bufs]
        self.refuse = False
        self.cut_after = None
        self.drop_barrier = False
        self.endless = frozenset()
        self.n_sessions = 0
        self.flow_mods = 0
        self.barriers = 0
        self.barrier_replies_dropped = 0
        self.endless_marked = 0
        self.cut = threading.Event()
        self.cut_barriers = None
        self._armed_barriers = 0
        self.done = threading.Event()
        self.wake_r, self.wake_w = socket.socketpair()

    def set(self, **kw):
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, v)
            if 'cut_after' in kw:
                self.cut.clear()
                self._armed_barriers = 0
        self.wake_w.send(b'x')

    def drop_sessions(self):
        """Closes every session (the switch reconnects unless 'refuse')."""
        with self.lock:
            self._close_all()

    def _close_all(self):
        for sess in self.sessions:
            for s in sess[:2]:
                s.close()
        self.sessions = []

    def _close(self, sess):
        for s in sess[:2]:
            s.close()
        if sess in self.sessions:
            self.sessions.remove(sess)

    def _accept(self):
        sw, _ = self.lsock.accept()
        if self.refuse:
            sw.close()
            return
        try:
            ctl = socket.create_connection(('127.0.0.1', self.upstream),
                                           timeout=5)
        except OSError:
            sw.close()
            return
        for s in (sw, ctl):
            s.settimeout(5)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sessions.append([sw, ctl, b'', b''])
        self.n_sessions += 1

    def _to_switch(self, sess, msgs):
        """Messages from the controller; returns False if the session was
        cut."""
        out = []
        for raw, msg_type in msgs:
            out.append(raw)
            if msg_type == OFPT_BARRIER_REQUEST:
                self.barriers += 1
                self._armed_barriers += 1
            if msg_type != OFPT_FLOW_MOD:
                continue
            self.flow_mods += 1
            if self.cut_after is not None:
                self.cut_after -= 1
                if self.cut_after <= 0:
                    sess[0].sendall(b''.join(out))
                    self.cut_after = None
                    self.cut_barriers = self._armed_barriers
                    self._close(sess)
                    self.cut.set()
                    return False
        sess[0].sendall(b''.join(out))
        return True

    def _to_controller(self, sess, msgs):
        out = []
        for raw, msg_type in msgs:
            if msg_type == OFPT_BARRIER_REPLY and self.drop_barrier:
                self.barrier_replies_dropped += 1
                continue
            if (msg_type == OFPT_MULTIPART_REPLY and len(raw) >= 12
                    and struct.unpack('!H', raw[8:10])[0] in self.endless):
                flags = struct.unpack('!H', raw[10:12])[0]
                raw = raw[:10] + struct.pack('!H', flags
                                             | OFPMPF_REPLY_MORE) + raw[12:]
                self.endless_marked += 1
            out.append(raw)
        sess[1].sendall(b''.join(out))

    @staticmethod
    def _frames(buf):
        """([(raw message, type)], rest) of 'buf'."""
        msgs, rest = ofp_split(buf)
        frames, off = [], 0
        for _, msg_type, _, body in msgs:
            n = 8 + len(body)
            frames.append((buf[off:off + n], msg_type))
            off += n
        return frames, rest

    def run(self):
        while not self.done.is_set():
            with self.lock:
                socks = [self.lsock, self.wake_r]
                for sess in self.sessions:
                    socks += sess[:2]
            try:
                ready, _, _ = select.select(socks, [], [], 0.2)
            except (OSError, ValueError):
                continue        # a socket closed under us: look again
            with self.lock:
                if self.wake_r in ready:
                    self.wake_r.recv(4096)
                if self.lsock in ready:
                    self._accept()
                for sess in list(self.sessions):
                    for side in (0, 1):
                        if sess not in self.sessions or \
                                sess[side] not in ready:
                            continue
                        try:
                            data = sess[side].recv(65536)
                        except OSError:
                            data = b''
                        if not data:
                            self._close(sess)
                            continue
                        try:
                            if side == 0:
                                frames, sess[2] = self._frames(sess[2]
                                                               + data)
                                self._to_controller(sess, frames)
                            else:
                                frames, sess[3] = self._frames(sess[3]
                                                               + data)
                                self._to_switch(sess, frames)
                        except OSError:
                            self._close(sess)

    def stop(self):
        self.done.set()
        self.join(5)
        with self.lock:
            self._close_all()
        for s in (self.lsock, self.wake_r, self.wake_w):
            s.close()


def rest_flow(i, cookie_base=0xfa000):
    """The body of REST flow number 'i': table 0, priority 100, IPv4 to
    10.99.i/16 dropped (nothing in the network uses those addresses)."""
    return {'dpid': 1, 'table_id': 0, 'priority': 100,
            'cookie': cookie_base + i,
            'match': {'eth_type': 2048,
                      'ipv4_dst': '10.99.%d.%d' % (i // 250, i % 250 + 1)},
            'actions': []}


def has_dst(flows, ip):
    """True if one of the normalised 'flows' matches nw_dst 'ip'."""
    rx = re.compile(r'nw_dst=%s(?:[ ,]|$)' % re.escape(ip))
    return any(rx.search(f) for f in flows)


def not_learned(flows):
    """'flows' without l2_learning's host flows (table 3 above the miss),
    which it drops while a switch is away and states again once the
    topology knows the hosts."""
    return [f for f in flows if not re.search(r',table=3,.*priority=[1-9]',
                                              f)]


def switch_info(ctx, api):
    """(desired flows, synced) of s1 from GET /api/v1/switches/1."""
    j = api.json('GET', '/api/v1/switches/%016x' % 1)
    return j['flows']['desired'], j['flows']['synced']


def in_sync(api, name='s1', exact=True):
    """(ok, why, flows): the flows of bridge 'name' are exactly the desired
    ones of the controller: it says synced, as many flows on the switch
    as desired, no flow twice.  Not 'exact': it says synced."""
    r = api.get('/api/v1/switches/%016x' % 1)
    if r.status != 200:
        return False, 'GET /api/v1/switches/1: %r' % r, []
    j = json.loads(r.body)
    desired, synced = j['flows']['desired'], j['flows']['synced']
    flows = sn.normal_flows(name)
    dups = len(flows) - len(set(flows))
    ok = synced and (not exact or (len(flows) == desired and not dups))
    return ok, ('synced %s, %d desired, %d on the switch, %d duplicated'
                % (synced, desired, len(flows), dups)), flows


def wait_in_sync(ctx, api, timeout, what, exact=True):
    last = [None]
    t0 = time.monotonic()

    def ok():
        last[0] = in_sync(api, exact=exact)
        return last[0][0]
    sn.wait_until(ok, timeout, interval=0.25)
    ctx.check(last[0][0], '%s: s1 not in sync after %.0f s: %s'
              % (what, timeout, last[0][1]))
    ctx.note('%s: in sync after %.2f s (%s)' % (what, time.monotonic() - t0,
                                                last[0][1]))
    return last[0][2]


def timed(api, method, path, body=None):
    """(reply, seconds) of one request."""
    t0 = time.monotonic()
    r = api.request(method, path, body=body, timeout=REST_TIMEOUT + 15)
    return r, time.monotonic() - t0


def check_504(ctx, r, took, what):
    ctx.check(r.status == 504, '%s: want 504, got %r' % (what, r))
    ctx.check(took <= REST_TIMEOUT + SLACK, '%s: answered after %.2f s, '
              'limit %.1f s' % (what, took, REST_TIMEOUT + SLACK))
    ctx.note('%s: %d in %.2f s: %s' % (what, r.status, took,
                                       r.text()[:120]))


def wait_reconnected(ctx, daemon, mark, what, times=1):
    """Waits for 'times' "switch ... up" lines of s1 after log offset
    'mark'."""
    rx = re.compile(r'switch 0x%016x up' % 1)
    ok = sn.wait_until(lambda: len(rx.findall(daemon.log(), mark)) >= times,
                       15 * times, interval=0.1)
    ctx.check(ok, '%s: s1 not up again' % what)


def t_fault_flowprog(ctx):
    port, api, daemon, _ = start(ctx)
    proxy = FaultProxy(port)
    ctx.defer(proxy.stop)
    proxy.start()
    net = ctx.network(SingleSwitchTopo(k=2), proxy.port)
    ctx.wait_connected(['s1'])
    ctx.wait_table_miss(['s1'])
    wait_rest_switches(ctx, api, [1])

    t0 = time.monotonic()
    for i in range(N_REST_FLOWS):
        r = api.post('/stats/flowentry/add', rest_flow(i))
        ctx.check(r.status == 200, 'POST flow %d: %r' % (i, r))
    ctx.note('%d flows added over REST in %.2f s (each answered after its '
             'barrier)' % (N_REST_FLOWS, time.monotonic() - t0))
    wait_in_sync(ctx, api, 10, 'setup')
    time.sleep(1)
    fds0, rss0 = daemon.n_fds(), rss_kib(daemon)
    ctx.note('baseline: VmRSS %d KiB, %d descriptors' % (rss0, fds0))

    # (a) The session is cut in the middle of the reconciliation's batch.
    want = sn.normal_flows('s1')
    desired, _ = switch_info(ctx, api)
    proxy.set(refuse=True)
    mark = daemon.log_size()
    proxy.drop_sessions()
    gone = daemon.wait_log(sn.down_re(1), 10, mark)
    ctx.check(gone is not None, '(a) s1 not logged down after the cut')
    sn.run(['ovs-ofctl', '-O', 'OpenFlow13', 'del-flows', 's1'])
    r = api.get('/stats/flow/1')
    ctx.check(r.status == 404, '(a) GET /stats/flow/1 while s1 is away: '
              'want 404, got %r' % r)
    mark = daemon.log_size()
    proxy.set(refuse=False, cut_after=CUT_AFTER)
    ctx.check(proxy.cut.wait(20), '(a) no batch of %d FLOW_MODs came to cut'
              % CUT_AFTER)
    partial = len(sn.dump_flows('s1'))
    ctx.note('(a) s1 came back without flows; its session was cut after %d '
             'FLOW_MODs of the reconciliation (of %d desired flows; %d '
             'barrier requests relayed before the cut); %d flows on s1'
             % (CUT_AFTER, desired, proxy.cut_barriers, partial))
    ctx.check(proxy.cut_barriers == 0 and partial < desired,
              '(a) the cut was not in the middle of the batch')
    wait_reconnected(ctx, daemon, mark, '(a)', times=2)
    got = wait_in_sync(ctx, api, 15, '(a) after its return')
    ctx.check(not_learned(got) == not_learned(want), '(a) flows differ from '
              'before: %s' % '; '.join(diff_lines(not_learned(want),
                                                  not_learned(got))))
    recs = reconciled_lines(daemon, 1, mark)
    ctx.note('(a) reconciliations: %s' % ' | '.join(fmt_rec(r)
                                                    for r in recs))

    # (b) Barrier replies never come.
    proxy.set(drop_barrier=True)
    mark = daemon.log_size()
    r, took = timed(api, 'POST', '/stats/flowentry/add',
                    rest_flow(N_REST_FLOWS))
    check_504(ctx, r, took, '(b) POST a flow, no barrier reply')
    ctx.check(has_dst(sn.normal_flows('s1'), '10.99.1.51'),
              '(b) the flow is not on s1')
    r, took = timed(api, 'POST', '/stats/flowentry/delete',
                    dict(rest_flow(5), cookie=0, cookie_mask=0))
    check_504(ctx, r, took, '(b) POST a non-strict delete, no barrier '
              'reply')
    ctx.check(not has_dst(sn.normal_flows('s1'), '10.99.0.6'),
              '(b) the deleted flow is still on s1')
    fams = scrape(ctx, api)
    ctx.check(metric(fams, 'sluice_xacts_open') == 0, '(b) xacts left open: '
              '%s' % metric(fams, 'sluice_xacts_open'))
    again = daemon.wait_log(r'switch 0x%016x: no barrier reply' % 1,
                            FLOWPROG_TIMEOUT + 5, mark)
    ctx.check(again is not None, '(b) no "no barrier reply" line within '
              '%.0f s' % (FLOWPROG_TIMEOUT + 5))
    ctx.note('(b) logged: %s' % daemon.log()[again.start():].splitlines()[0])
    want = wait_in_sync(ctx, api, 10, '(b) barrier replies still dropped, '
                        'flows re-read')
    ctx.note('(b) %d barrier replies dropped; reconciliations: %s'
             % (proxy.barrier_replies_dropped, ' | '.join(
                 fmt_rec(r) for r in reconciled_lines(daemon, 1, mark))))
    proxy.set(drop_barrier=False)
    mark = daemon.log_size()
    proxy.drop_sessions()
    wait_reconnected(ctx, daemon, mark, '(b)')
    got = wait_in_sync(ctx, api, 15, '(b) after a reconnect')
    ctx.check(got == want, '(b) flows differ after the reconnect: %s'
              % '; '.join(diff_lines(want, got)))

    # (c) Flow-stats replies never end.
    proxy.set(endless=frozenset((OFPMP_FLOW, OFPMP_AGGREGATE)))
    for path in ('/stats/flow/1', '/stats/aggregateflow/1'):
        r, took = timed(api, 'GET', path)
        check_504(ctx, r, took, '(c) GET %s, reply never ends' % path)
    fams = scrape(ctx, api)
    ctx.check(metric(fams, 'sluice_xacts_open') == 0, '(c) xacts left open: '
              '%s' % metric(fams, 'sluice_xacts_open'))
    mark = daemon.log_size()
    proxy.drop_sessions()
    wait_reconnected(ctx, daemon, mark, '(c)')
    stuck = daemon.wait_log(r'switch 0x%016x: no complete answer to the '
                            r'flow stats request' % 1, FLOWPROG_TIMEOUT + 5,
                            mark)
    ctx.check(stuck is not None, '(c) the endless reconciliation was not '
              'given up within %.0f s' % (FLOWPROG_TIMEOUT + 5))
    ctx.note('(c) logged: %s' % daemon.log()[stuck.start():].splitlines()[0])
    # Every desired flow added; learned flows the switch still has but the
    # programmer could not see (l2_learning dropped them when s1 went) stay
    # until a reconciliation reads them again, below.
    got = wait_in_sync(ctx, api, 10, '(c) reconciliation never ended',
                       exact=False)
    ctx.check(not_learned(got) == not_learned(want), '(c) flows differ: %s'
              % '; '.join(diff_lines(not_learned(want), not_learned(got))))
    ctx.note('(c) %d flow-stats reply parts marked endless'
             % proxy.endless_marked)
    proxy.set(endless=frozenset())
    mark = daemon.log_size()
    proxy.drop_sessions()
    wait_reconnected(ctx, daemon, mark, '(c)')
    got = wait_in_sync(ctx, api, 15, '(c) after a clean reconnect')
    ctx.check(got == want, '(c) flows differ after the reconnect: %s'
              % '; '.join(diff_lines(want, got)))
    recs = reconciled_lines(daemon, 1, mark)
    ctx.note('(c) clean reconciliation: %s' % ' | '.join(fmt_rec(r)
                                                         for r in recs))
    ctx.check(recs and recs[-1]['added'] == 0 and recs[-1]['deleted'] == 0
              and recs[-1]['modified'] == 0, '(c) the clean reconciliation '
              'changed flows: %s' % (recs and fmt_rec(recs[-1])))

    fds = []
    sn.wait_until(lambda: fds.append(daemon.n_fds()) or fds[-1] <= fds0, 10,
                  interval=0.2)
    rss = rss_kib(daemon)
    fams = scrape(ctx, api)
    ctx.note('after: VmRSS %d KiB (%+d KiB), %d descriptors (baseline %d), '
             '%s xacts open, %d proxy sessions in all'
             % (rss, rss - rss0, fds[-1], fds0,
                metric(fams, 'sluice_xacts_open'), proxy.n_sessions))
    ctx.check(fds[-1] <= fds0, '%d descriptors at the end, %d before'
              % (fds[-1], fds0))
    check_rss(ctx, daemon, rss, rss0, 'at the end')
    ctx.check(metric(fams, 'sluice_xacts_open') == 0, 'xacts left open')
    ctx.check(daemon.running(), 'sluice died')
    del net


# ---- fault_soak ----

class SoakTopo(TorusTopo):
    """Mininet's torus,X,Y (a host on each switch) and a mobile host 'hm'
    cabled to s1x1 and to s3x3 (see move_host())."""

    def build(self, x=3, y=3, n=1):
        super().build(x, y, n)
        hm = self.addHost('hm')
        self.addLink(hm, 's1x1')
        self.addLink(hm, 's%dx%d' % (x, y))


class Soak:
    """The background load of fault_soak: REST polling and a tally of
    what it got, bridges seen disconnected, the daemon's VmRSS."""

    PATHS = ('/api/v1/switches', '/api/v1/topology', '/stats/flow/%d',
             '/metrics', '/api/v1/topology/summary', '/v1.0/topology/hosts')

    def __init__(self, ctx, api, daemon, names, dpids):
        self.api = api
        self.daemon = daemon
        self.names = names
        self.dpids = dpids
        self.i = 0
        self.status = {}        # HTTP status -> count
        self.bad = []           # (path, reply) of the non-200 answers
        self.rss = []           # (seconds since start, KiB)
        self.t0 = time.monotonic()
        self.lost = {}

    def poll(self):
        path = self.PATHS[self.i % len(self.PATHS)]
        if '%d' in path:
            path = path % self.dpids[(self.i // len(self.PATHS))
                                     % len(self.dpids)]
        self.i += 1
        r = self.api.get(path, timeout=REST_TIMEOUT + 10)
        self.status[r.status] = self.status.get(r.status, 0) + 1
        if r.status != 200:
            self.bad.append((path, r))

    def sample(self):
        kib = rss_kib(self.daemon)
        if kib:
            self.rss.append((time.monotonic() - self.t0, kib))
        for n, up in sn.connection_states(self.names).items():
            if not up:
                self.lost[n] = self.lost.get(n, 0) + 1


def slope_per_min(points):
    """Least-squares slope of [(seconds, value)], per minute."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    return 60.0 * sxy / sxx if sxx else 0.0


def soak_seconds():
    return float(os.environ.get('E2E_SOAK_SECONDS', '75'))


IDLE_MACS = {'hm-eth0': '02:00:00:00:5c:01', 'hm-eth1': '02:00:00:00:5c:02'}


def setup_mobile(ctx, hm):
    """'hm' speaks from hm-eth0 with its MAC and address; hm-eth1 is up
    with a MAC of its own and no address; neither sends anything on its
    own (IPv6 off)."""
    out = hm.cmd('sysctl -qw net.ipv6.conf.hm-eth0.disable_ipv6=1 '
                 'net.ipv6.conf.hm-eth1.disable_ipv6=1 && '
                 'ip link set hm-eth1 down && '
                 'ip link set hm-eth1 address %s && ip link set hm-eth1 up '
                 '&& echo done' % IDLE_MACS['hm-eth1'])
    ctx.check('done' in out, 'hm: %s' % out.strip()[-200:])


def move_host(hm, to_second, mac):
    """Moves 'hm' (MAC 'mac', its address) to its other cable: the new
    interface takes the MAC and the address and speaks (its ARP cache
    flushed, a ping starts with an ARP request, a broadcast that reaches
    the controller: the topology sees the host at its new port while the
    old one is still up, a move); then the old one takes an idle MAC."""
    a, b = ('hm-eth0', 'hm-eth1') if to_second else ('hm-eth1', 'hm-eth0')
    ip = '%s/%s' % (hm.IP(), hm.defaultIntf().prefixLen)
    hm.cmd('ip addr flush dev %s; ip link set %s down; '
           'ip link set %s address %s; ip link set %s up; '
           'ip addr add %s dev %s; ip neigh flush all; '
           'ping -c 1 -W 1 10.0.0.1 >/dev/null 2>&1; '
           'ip link set %s down; ip link set %s address %s; '
           'ip link set %s up' % (a, b, b, mac, b, ip, b, a, a, IDLE_MACS[a],
                                  a))


def t_fault_soak(ctx):
    seconds = soak_seconds()
    bench = bench_path(ctx)
    port, api, daemon, _ = start(ctx)
    net = ctx.network(SoakTopo(3, 3), port)
    names = sorted(s.name for s in net.switches)
    dpids = sorted(int(s.dpid, 16) for s in net.switches)
    hm = net.get('hm')
    mac = hm.intf('hm-eth0').MAC()
    setup_mobile(ctx, hm)
    quiet_ipv6(ctx, net)
    converge(ctx, api, net)
    pingall_rounds(ctx, net)

    reader = EventReader(api)
    ctx.defer(reader.close)
    reader.start()
    soak = Soak(ctx, api, daemon, names, dpids)
    samplers = [Sampler(soak.poll, 0.25), Sampler(soak.sample, 1.0)]
    flapper = Flapper(bench, port, 20, seconds)
    ctx.defer(flapper.stop)
    for x in samplers:
        ctx.defer(x.stop)
        x.start()
    flapper.start()
    cables = [(a, b) for a, b in ((x.intf1.node.name, x.intf2.node.name)
                                  for x in net.links)
              if a.startswith('s') and b.startswith('s')]
    rng = random.Random(0x50a4)
    t0 = time.monotonic()
    down, flaps, moves, second = None, 0, 0, False
    next_flap, next_move = t0 + 2, t0 + 5
    while time.monotonic() - t0 < seconds:
        now = time.monotonic()
        if now >= next_flap:
            if down:
                net.configLinkStatus(down[0], down[1], 'up')
                down = None
                next_flap = now + 2.5
            else:
                down = rng.choice(cables)
                net.configLinkStatus(down[0], down[1], 'down')
                flaps += 1
                next_flap = now + 1.5
        if now >= next_move:
            second = not second
            move_host(hm, second, mac)
            moves += 1
            next_move = now + 6
        time.sleep(0.1)
    if down:
        net.configLinkStatus(down[0], down[1], 'up')
    flapper.stop()
    for x in samplers:
        x.stop()
        ctx.check(x.error is None, 'the soak\'s sampling failed: %r'
                  % x.error)
    took = time.monotonic() - t0
    ctx.note('soak: %.0f s: %d link flaps (down 1.5 s each), %d host moves '
             '(hm between s1x1 and s3x3), %d REST requests %s, %d '
             'sluice-bench connect runs: %d cycles of 20 switches (%d '
             'sessions)'
             % (took, flaps, moves, sum(soak.status.values()),
                json.dumps(soak.status, sort_keys=True), len(flapper.runs),
                flapper.cycles, flapper.cycles * 20))
    ctx.check(daemon.running(), 'sluice died during the soak')
    ctx.check(not soak.bad, 'REST answers other than 200: %s'
              % '; '.join('%s: %r' % (p, r) for p, r in soak.bad[:5]))
    ctx.check(not soak.lost, 'bridges seen disconnected: %s' % soak.lost)
    bad = [r for r in flapper.runs if r[0] != 0]
    ctx.check(not bad, 'sluice-bench runs failed: %s'
              % '; '.join('exit %s: %s' % (rc, err) for rc, _, err in bad[:3]))

    counts = {}
    for e, _ in reader.find(lambda e, d: True):
        counts[e] = counts.get(e, 0) + 1
    ctx.note('events received: %d: %s' % (sum(counts.values()), ', '.join(
        '%s %d' % kv for kv in sorted(counts.items()))))
    ctx.check(not reader.errors, 'malformed events: %s' % reader.errors[:3])
    for e in ('link_down', 'link_up', 'switch_up', 'switch_down',
              'host_move'):
        ctx.check(counts.get(e, 0) > 0, 'no %s event during the soak' % e)

    # Everything back: the topology converges, traffic flows, every
    # switch has exactly its desired flows.
    converge(ctx, api, net, timeout=30)
    pingall_rounds(ctx, net)
    body = api.json('GET', '/api/v1/switches')
    wrong = []
    for sw in body['switches']:
        name = 's%dx%d' % (int(sw['dpid'], 16) >> 8,
                           int(sw['dpid'], 16) & 0xff)
        flows = sn.normal_flows(name) if name in names else []
        if name in names and (not sw['flows']['synced'] or
                              len(flows) != sw['flows']['desired']):
            wrong.append('%s: %s, %d on the switch' % (name, sw['flows'],
                                                       len(flows)))
    ctx.check(not wrong, 'switches not in sync after the soak: %s'
              % '; '.join(wrong))

    start_kib = soak.rss[0][1] if soak.rss else 0
    peak = max((k for _, k in soak.rss), default=0)
    end_kib = rss_kib(daemon)
    half = [p for p in soak.rss if p[0] >= took / 2]
    ctx.note('VmRSS%s: start %d KiB, peak %d KiB, end %d KiB; growth %.0f '
             'KiB/min over the run, %.0f KiB/min over its second half '
             '(least squares)'
             % (' (ASan: with its quarantine, %s)'
                % os.environ.get('ASAN_OPTIONS', 'default options')
                if sanitized(daemon) else '', start_kib, peak, end_kib,
                slope_per_min(soak.rss), slope_per_min(half)))

    # The exit: status 0 (with ASan: no leak), no sanitizer report.
    status = daemon.stop(timeout=30)
    ctx.check(status == 0, 'sluice exited with status %s on SIGTERM (a '
              'leak, with ASan?)' % status)
    report = daemon.find_log(r'(?m)^(==\d+==ERROR|SUMMARY: \w+Sanitizer'
                             r'|.*runtime error:)')
    ctx.check(report is None, 'a sanitizer report in the log: %s'
              % (report and daemon.log()[report.start():][:300]))
    ctx.note('SIGTERM: exit 0, no sanitizer report in the log')
    reader.close()


TESTS = (
    ('fault_kill9', 120, t_fault_kill9),
    ('fault_flap', 300, t_fault_flap),
    ('fault_packet_in_flood', 150, t_fault_packet_in_flood),
    ('fault_flowprog', 240, t_fault_flowprog),
    ('fault_soak', int(soak_seconds()) + 240, t_fault_soak),
)
