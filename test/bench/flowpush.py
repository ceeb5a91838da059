#!/usr/bin/python3
"""flowpush.py -- the flow-push benchmark: Sluice's flow programmer against
`ovs-ofctl add-flows`, installing the same N flows into one real Open
vSwitch bridge.

    sudo test/bench/flowpush.py --builddir _build [--srcdir .]
         [--flows 100000] [--reps 3] [--json]

Run as root (it drives Open vSwitch).  It starts Open vSwitch if it is not
running (ovs-ctl, without systemd: see shared/TESTBED.md; it is left
running afterwards), creates its own bridge 'sbfp0' (userspace datapath,
fail_mode=secure, OpenFlow 1.3 only, one internal port numbered 1 so that
output:1 is valid), and for each repetition:

  (a) Sluice.  Starts BUILDDIR/controller/sluice with the flowpush plugin
      (test/bench/flowpush.c, from BUILDDIR/test/bench/.libs) configured
      for N flows, on a free TCP port of 127.0.0.1; deletes every flow of
      the bridge; points the bridge at it; waits for the plugin's line
      "flowpush: N flows confirmed on DPID in S.SSS s, E errors" and takes
      S.  S runs from the moment the switch is up (handshake done) until
      the last flow's barrier is answered: stating N desired flows,
      reconciliation (a flow-stats request on the emptied bridge),
      encoding, sending, OVS installing them, and the barrier replies.
      Then it checks with `ovs-ofctl dump-aggregate` that the N flows are
      on the bridge, stops sluice and removes the controller.
  (b) ovs-ofctl.  Deletes every flow, then times (wall clock, around the
      process) `ovs-ofctl -O OpenFlow13 add-flows sbfp0 FILE` where FILE
      holds the same N flows in ovs-ofctl syntax; ovs-ofctl ends with a
      barrier of its own.  Checks the count the same way.

The flows: table 0, priority 1000, dl_dst=02:00:ii:ii:ii:ii (ii = the
flow's 32-bit index), actions=output:1.

It prints min/median/max seconds per side, the median rate in flows/s and
the ratio Sluice median / ovs-ofctl median (below 1: Sluice is faster).
With --json it prints exactly one JSON object on stdout instead:

    {"benchmark": "flowpush", "flows": N, "reps": R,
     "sluice_s": {"min": .., "median": .., "max": ..},
     "ovs_ofctl_s": {"min": .., "median": .., "max": ..},
     "sluice_flows_per_sec": .., "ovs_ofctl_flows_per_sec": ..,
     "ratio": ..}

Progress goes to stderr.  The bridge is removed and sluice stopped on every
exit (failure and Ctrl-C included); on failure it says why on stderr and
exits 1.  It is a benchmark, not a test: nothing asserts a time.  Do not
run Mininet (`mn -c`) at the same time: it deletes every OVS bridge.

Python 3 standard library, plus mininet-scripts/sluicenet.py for running
commands and Open vSwitch (as the end-to-end tests do).  --srcdir is
accepted for symmetry with run-bench.py; sluicenet is found beside this
script.
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'mininet-scripts'))
from sluicenet import (Error, ensure_ovs, free_port,  # noqa: E402
                       listening, ovs_running, run)

BRIDGE = 'sbfp0'
PORT_NAME = 'sbfp0p1'  # internal port, OpenFlow port 1
TABLE = 0
PRIORITY = 1000
MAX_FLOWS = 10000000  # the plugin's limit
# What every flow of the benchmark matches, and nothing else on the bridge.
FLOW_FILTER = 'table=%d,dl_dst=02:00:00:00:00:00/ff:ff:00:00:00:00' % TABLE
DONE_RE = re.compile(r'flowpush: (\d+) flows confirmed on ([0-9a-f]{16}) '
                     r'in ([0-9.]+) s, (\d+) errors')
DOWN_RE = re.compile(r'flowpush: [0-9a-f]{16} (?:went down|came up again)'
                     r'.*')


class Interrupted(Exception):
    """SIGTERM or SIGHUP arrived: clean up and stop."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def vsctl(*args):
    return run(['ovs-vsctl', '--timeout=10'] + list(args), timeout=30)


def ofctl(*args, timeout=120):
    return run(['ovs-ofctl', '-O', 'OpenFlow13'] + list(args),
               timeout=timeout)


# ---- Open vSwitch ----

def create_bridge():
    """Creates BRIDGE afresh (one left by a crashed run is replaced)."""
    vsctl('--if-exists', 'del-br', BRIDGE)
    vsctl('add-br', BRIDGE,
          '--', 'set', 'bridge', BRIDGE, 'datapath_type=netdev',
          'fail_mode=secure', 'protocols=OpenFlow13',
          '--', 'add-port', BRIDGE, PORT_NAME,
          '--', 'set', 'interface', PORT_NAME, 'type=internal',
          'ofport_request=1')
    ofport = vsctl('get', 'interface', PORT_NAME, 'ofport').strip()
    if ofport != '1':
        raise Error('port %s of %s got OpenFlow port %s, not 1'
                    % (PORT_NAME, BRIDGE, ofport))
    return vsctl('get', 'bridge', BRIDGE, 'datapath_id').strip().strip('"')


def remove_bridge():
    try:
        vsctl('--if-exists', 'del-br', BRIDGE)
    except Error as e:
        log('warning: could not remove bridge %s: %s' % (BRIDGE, e))


def flow_count():
    """Flows of the benchmark on the bridge (dump-aggregate)."""
    out = ofctl('dump-aggregate', BRIDGE, FLOW_FILTER)
    m = re.search(r'flow_count=(\d+)', out)
    if not m:
        raise Error('dump-aggregate %s: no flow_count in %r' % (BRIDGE, out))
    return int(m.group(1))


def check_count(n, who):
    got = flow_count()
    if got != n:
        raise Error('after %s, %s has %d of the %d flows' % (who, BRIDGE, got,
                                                            n))


def write_flows(path, n):
    """Writes the benchmark's 'n' flows in ovs-ofctl syntax to 'path'."""
    with open(path, 'w') as f:
        for i in range(n):
            f.write('table=%d,priority=%d,dl_dst=02:00:%02x:%02x:%02x:%02x,'
                    'actions=output:1\n'
                    % (TABLE, PRIORITY, i >> 24 & 0xff, i >> 16 & 0xff,
                       i >> 8 & 0xff, i & 0xff))


# ---- sluice ----

class Sluice:
    """One sluice process with the flowpush plugin, logging to a file.
    Every one started is in Sluice.started, so that the last cleanup can
    stop any left running."""

    started = []

    def __init__(self, builddir, workdir, n_flows, rep):
        self.builddir = builddir
        self.port = free_port()
        self.config = os.path.join(workdir, 'sluice-%d.yaml' % rep)
        self.log_path = os.path.join(workdir, 'sluice-%d.log' % rep)
        self.proc = None
        with open(self.config, 'w') as f:
            f.write('openflow:\n'
                    '  listen: ["tcp:127.0.0.1:%d"]\n'
                    'rest:\n'
                    '  listen: "127.0.0.1:0"\n'
                    'log:\n'
                    '  level: info\n'
                    'apps:\n'
                    '  - name: flowpush\n'
                    '    config: {flows: %d, table: %d, priority: %d}\n'
                    % (self.port, n_flows, TABLE, PRIORITY))

    def start(self, timeout=10):
        argv = [os.path.join(self.builddir, 'controller', 'sluice'),
                '--config', self.config,
                '--app-path', os.path.join(self.builddir, 'test', 'bench',
                                           '.libs')]
        with open(self.log_path, 'wb') as out:
            # Its own session: a Ctrl-C meant for us does not reach it.
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=out,
                                         start_new_session=True)
        Sluice.started.append(self)
        deadline = time.monotonic() + timeout
        while not listening(self.port):
            if self.proc.poll() is not None:
                raise Error('sluice exited with status %d at start:\n%s'
                            % (self.proc.returncode, self.tail()))
            if time.monotonic() > deadline:
                raise Error('sluice does not listen on port %d after %d s:'
                            '\n%s' % (self.port, timeout, self.tail()))
            time.sleep(0.02)

    def target(self):
        return 'tcp:127.0.0.1:%d' % self.port

    def log_text(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def tail(self, n=15):
        return '\n'.join('    ' + line
                         for line in self.log_text().splitlines()[-n:])

    def wait_done(self, n_flows, timeout):
        """Waits for the plugin's result line; returns (dpid, seconds,
        errors)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_text()
            m = DONE_RE.search(text)
            if m:
                if int(m.group(1)) != n_flows:
                    raise Error('sluice confirmed %s flows, not %d'
                                % (m.group(1), n_flows))
                return m.group(2), float(m.group(3)), int(m.group(4))
            down = DOWN_RE.search(text)
            if down:
                raise Error('the bridge left sluice mid-way: %s\n'
                            'last log lines:\n%s' % (down.group(0),
                                                     self.tail()))
            if self.proc.poll() is not None:
                raise Error('sluice exited with status %d before confirming '
                            'the flows; last log lines:\n%s'
                            % (self.proc.returncode, self.tail()))
            if time.monotonic() > deadline:
                raise Error('sluice never confirmed the flows within %d s: '
                            'last log lines:\n%s' % (timeout, self.tail()))
            time.sleep(0.05)

    def stop(self, timeout=20):
        """SIGTERM, then SIGKILL after 'timeout' s.  Returns the exit
        status, or None if it had to be killed."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


def run_sluice(args, workdir, rep, dpid):
    """Repetition 'rep' of side (a); returns Sluice's seconds."""
    sluice = Sluice(args.builddir, workdir, args.flows, rep)
    try:
        ofctl('del-flows', BRIDGE)
        sluice.start()
        vsctl('set-controller', BRIDGE, sluice.target())
        got_dpid, seconds, errors = sluice.wait_done(args.flows,
                                                     args.timeout)
        if got_dpid != dpid:
            raise Error('sluice confirmed the flows on %s, not on %s (%s)'
                        % (got_dpid, BRIDGE, dpid))
        if errors:
            raise Error('sluice: %d of the %d flows failed; last log lines:'
                        '\n%s' % (errors, args.flows, sluice.tail()))
        check_count(args.flows, 'sluice')
        status = sluice.stop()
        if status != 0:
            raise Error('sluice exited with status %s at SIGTERM; last log '
                        'lines:\n%s' % (status, sluice.tail()))
        return seconds
    finally:
        sluice.stop()
        try:
            vsctl('del-controller', BRIDGE)
        except Error as e:
            log('warning: %s' % e)


def run_ofctl(args, flows_file):
    """One repetition of side (b); returns ovs-ofctl's seconds."""
    ofctl('del-flows', BRIDGE)
    argv = ['ovs-ofctl', '-O', 'OpenFlow13', 'add-flows', BRIDGE, flows_file]
    start = time.monotonic()
    res = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=args.timeout)
    seconds = time.monotonic() - start
    if res.returncode != 0:
        raise Error('%s: exit %d: %s' % (' '.join(argv), res.returncode,
                                         res.stderr.strip()))
    check_count(args.flows, 'ovs-ofctl add-flows')
    return seconds


# ---- report ----

def summary(values):
    return {'min': round(min(values), 6),
            'median': round(statistics.median(values), 6),
            'max': round(max(values), 6)}


def report(args, sluice_s, ofctl_s):
    s, o = summary(sluice_s), summary(ofctl_s)
    result = {
        'benchmark': 'flowpush',
        'flows': args.flows,
        'reps': args.reps,
        'sluice_s': s,
        'ovs_ofctl_s': o,
        'sluice_flows_per_sec': round(args.flows / s['median'], 1),
        'ovs_ofctl_flows_per_sec': round(args.flows / o['median'], 1),
        'ratio': round(s['median'] / o['median'], 4),
    }
    if args.json:
        print(json.dumps(result))
        return
    print('flow push: %d flows into OVS bridge %s (userspace datapath), '
          '%d repetitions' % (args.flows, BRIDGE, args.reps))
    print('%-18s %9s %9s %9s %14s' % ('', 'min s', 'median s', 'max s',
                                      'median flows/s'))
    for name, v, rate in (('sluice', s, result['sluice_flows_per_sec']),
                          ('ovs-ofctl', o, result['ovs_ofctl_flows_per_sec'])):
        print('%-18s %9.3f %9.3f %9.3f %14.0f' % (name, v['min'],
                                                  v['median'], v['max'],
                                                  rate))
    print('ratio sluice/ovs-ofctl (median): %.2f (%s)'
          % (result['ratio'], 'Sluice is faster' if result['ratio'] < 1
             else 'Sluice is slower' if result['ratio'] > 1 else 'equal'))


# ---- main ----

def parse_args(argv):
    p = argparse.ArgumentParser(
        description='Flow push: Sluice\'s flow programmer vs ovs-ofctl '
        'add-flows into one real OVS bridge (root).')
    p.add_argument('--builddir', required=True,
                   help='build directory (controller/sluice, '
                   'test/bench/.libs/flowpush.so)')
    p.add_argument('--srcdir', default=None,
                   help='source directory (accepted; not needed)')
    p.add_argument('--flows', type=int, default=100000,
                   help='flows per run (default 100000)')
    p.add_argument('--reps', type=int, default=3,
                   help='repetitions (default 3)')
    p.add_argument('--timeout', type=int, default=None,
                   help='seconds each side may take per repetition '
                   '(default 60 + 1 s per 2000 flows)')
    p.add_argument('--json', action='store_true',
                   help='print one JSON object on stdout')
    args = p.parse_args(argv)
    if not 1 <= args.flows <= MAX_FLOWS:
        p.error('--flows must be 1..%d' % MAX_FLOWS)
    if args.reps < 1:
        p.error('--reps must be at least 1')
    if args.timeout is None:
        args.timeout = 60 + args.flows // 2000
    elif args.timeout < 1:
        p.error('--timeout must be at least 1')
    args.builddir = os.path.abspath(args.builddir)
    return args


def check_build(builddir):
    for rel in (('controller', 'sluice'),
                ('test', 'bench', '.libs', 'flowpush.so')):
        path = os.path.join(builddir, *rel)
        if not os.path.exists(path):
            raise Error('%s is missing: build it first (make controller/'
                        'sluice test/bench/flowpush.la in %s)'
                        % (path, builddir))


def interrupted(signum, frame):
    raise Interrupted('signal %d' % signum)


def main(argv):
    args = parse_args(argv)
    prog = os.path.basename(sys.argv[0])
    if os.geteuid() != 0:
        log('%s: needs root (it drives Open vSwitch): run it with sudo'
            % prog)
        return 1
    # Ctrl-C interrupts even when started with SIGINT ignored (in the
    # background of a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    bridge_made = False
    try:
        check_build(args.builddir)
        if not ovs_running():
            log('starting Open vSwitch')
        ensure_ovs()
        with tempfile.TemporaryDirectory(prefix='flowpush-') as workdir:
            flows_file = os.path.join(workdir, 'flows.txt')
            write_flows(flows_file, args.flows)
            bridge_made = True
            dpid = create_bridge()
            sluice_s, ofctl_s = [], []
            for rep in range(args.reps):
                sluice_s.append(run_sluice(args, workdir, rep, dpid))
                ofctl_s.append(run_ofctl(args, flows_file))
                log('rep %d/%d: sluice %.3f s, ovs-ofctl %.3f s'
                    % (rep + 1, args.reps, sluice_s[-1], ofctl_s[-1]))
        report(args, sluice_s, ofctl_s)
        return 0
    except Error as e:
        log('%s: %s' % (prog, e))
        return 1
    except (KeyboardInterrupt, Interrupted):
        log('%s: interrupted' % prog)
        return 1
    finally:
        # Cleanup runs to the end: a second Ctrl-C does not cut it short.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        for sluice in Sluice.started:
            sluice.stop()
        if bridge_made:
            remove_bridge()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
