#!/usr/bin/python3
"""run-bench: Sluice beside os-ken and the zero-work ceiling, in one run.

`make bench` runs  run-bench.py --builddir B --srcdir S [options].

Each controller in turn is started pinned to CPU 0 (`taskset -c 0`) and
measured by the same emulator (B/test/bench/sluice-bench, pinned to the
other CPUs) with the same settings:
  sluice   B/controller/sluice with l2_learning (packet-in budget off)
  osken    osken-manager with test/bench/osken_l2.py
  ceiling  B/test/bench/sluice-ceiling (answers every PACKET_IN at once)
The run goes in --rounds rounds (default 3): in each, every controller gets
a fresh process and throughput then latency runs; the first round starts
with connect, on the fresh process (os-ken may not finish it: that is
reported, not fatal).  Rounds interleave the controllers, so a slow phase of
a shared machine hits each of them: a cell of the table is the median over
rounds, a ratio the median of the rounds' ratios.  Then the topology
runs: for each --fabric-topo (default random,1000,8 and fattree,20), in
--rounds interleaved rounds, a fresh sluice (l2_learning, the default
topology settings, REST on a free port) and `sluice-bench fabric --rest
--fail-links 10 --controller-pid`: the time until the controller lists
every link, until it drops the failed ones, its CPU time and the LLDP
rate (medians over rounds).  Then, as root with Open vSwitch, the
flow-push comparison (test/bench/flowpush.py).  Prints the tables, the
ratios beside the issue's targets; --json-out FILE keeps every raw result
with a description of the machine.  Exit status 1 if a run against sluice
or the ceiling failed.
"""
import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'mininet-scripts'))
from sluicenet import free_port, listening, wait_until  # noqa: E402

CONTROLLERS = ('sluice', 'osken', 'ceiling')
# The targets, printed beside the measured ratios.
TARGETS = {
    'throughput_sluice_over_osken': '>= 100',
    'throughput_sluice_over_ceiling': '>= 0.3 (and >= 3 M/s)',
    'latency_p50_sluice_over_ceiling': '<= 1.3',
    'flowpush_sluice_over_ovs_ofctl': '<= 1',
    'fabric_discovery_ms': '<= 2000 (2 x lldp_interval)',
    'fabric_port_down_ms': '<= 50',
}
FABRIC_TOPOS = ('random,1000,8', 'fattree,20')
FABRIC_FAIL_LINKS = 10


def wait_listening(port, proc, timeout=20.0):
    """True once 'port' listens; False if 'proc' exits or 'timeout' passes."""
    return bool(wait_until(lambda: proc.poll() is not None or listening(port),
                           timeout) and listening(port))


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Bench:
    def __init__(self, args):
        self.args = args
        self.b = os.path.abspath(args.builddir)
        self.s = os.path.abspath(args.srcdir)
        self.ncpu = os.cpu_count() or 1
        self.pin_ctl = ['taskset', '-c', '0'] if self.ncpu > 1 else []
        self.pin_emu = (['taskset', '-c', '1-%d' % (self.ncpu - 1)]
                        if self.ncpu > 1 else [])
        self.tmp = tempfile.mkdtemp(prefix='run-bench.')
        self.results = {}
        self.failed = False

    def start(self, name, port, rest_port=0):
        log = open(os.path.join(self.tmp, name + '.log'), 'w')
        if name == 'sluice':
            cfg = os.path.join(self.tmp, 'sluice.yaml')
            with open(cfg, 'w') as f:
                f.write('openflow:\n  listen: ["tcp:127.0.0.1:%d"]\n'
                        '  packet_in_rate: 100000000\n'
                        'rest:\n  listen: "127.0.0.1:%d"\n'
                        'log:\n  level: warn\n'
                        'apps:\n  - name: l2_learning\n'
                        % (port, rest_port))
            cmd = [os.path.join(self.b, 'controller/sluice'), '-c', cfg,
                   '--app-path', os.path.join(self.b, 'apps/.libs')]
        elif name == 'osken':
            cmd = ['osken-manager', '--ofp-tcp-listen-port', str(port),
                   os.path.join(self.s, 'test/bench/osken_l2.py')]
        else:
            cmd = [os.path.join(self.b, 'test/bench/sluice-ceiling'),
                   '--listen', '127.0.0.1:%d' % port]
        proc = subprocess.Popen(self.pin_ctl + cmd, stdout=log,
                                stderr=subprocess.STDOUT)
        for p in (port, rest_port) if rest_port else (port,):
            if not wait_listening(p, proc):
                stop(proc)
                raise RuntimeError('%s did not listen on %d (log %s)'
                                   % (name, p, log.name))
        return proc

    def emulate(self, name, port, pid, mode, extra, timeout):
        cmd = self.pin_emu + [
            os.path.join(self.b, 'test/bench/sluice-bench'), mode,
            '--controller', '127.0.0.1:%d' % port, '--json'] + extra
        if mode in ('connect', 'fabric'):
            cmd += ['--controller-pid', str(pid)]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            return {'error': 'did not finish in %d s' % timeout}
        if p.returncode != 0:
            return {'error': p.stderr.strip() or 'exit %d' % p.returncode}
        return json.loads(p.stdout)

    def run_controller(self, name, rnd):
        """Round 'rnd' of controller 'name', on a fresh process: connect
        (first round only), then throughput and latency."""
        a = self.args
        port = free_port()
        proc = self.start(name, port)
        # os-ken is a thousand times slower: same settings, it just takes
        # its time (connect gets a longer timeout and may not finish).
        slow = name == 'osken'
        traffic = ['--switches', str(a.switches), '--loops', str(a.loops),
                   '--ms', str(a.ms)]
        runs = self.results.setdefault(name, {'rounds': []})
        this = {}
        tag = '%s r%d' % (name, rnd + 1)
        try:
            # connect first, on a fresh process, so its memory per switch
            # is not hidden by what the traffic runs left allocated.
            if rnd == 0:
                this['connect'] = runs['connect'] = self.emulate(
                    name, port, proc.pid, 'connect',
                    ['--switches', str(a.connect), '--loops', '3',
                     '--timeout', '120' if slow else '30'],
                    400 if slow else 120)
                print('  %-11s %-10s %s' % (tag, 'connect',
                                            brief(runs['connect'])),
                      flush=True)
            for mode in ('throughput', 'latency'):
                this[mode] = self.emulate(name, port, proc.pid, mode,
                                          traffic,
                                          60 + a.loops * a.ms / 1000 * 2)
                print('  %-11s %-10s %s' % (tag, mode, brief(this[mode])),
                      flush=True)
        finally:
            stop(proc)
        runs['rounds'].append(this)
        if name != 'osken' and any('error' in r for r in this.values()):
            self.failed = True

    def fabric(self, topo, rnd):
        """Round 'rnd' of the topology run on 'topo', on a fresh sluice."""
        port, rest_port = free_port(), free_port()
        while rest_port == port:
            rest_port = free_port()
        runs = self.results.setdefault('fabric', {}).setdefault(
            topo, {'rounds': []})
        try:
            proc = self.start('sluice', port, rest_port)
        except RuntimeError as e:
            r = {'error': str(e)}
        else:
            try:
                r = self.emulate('sluice', port, proc.pid, 'fabric',
                                 ['--topo', topo, '--rest',
                                  '127.0.0.1:%d' % rest_port,
                                  '--fail-links', str(FABRIC_FAIL_LINKS),
                                  '--timeout', '60'], 240)
            finally:
                stop(proc)
        runs['rounds'].append(r)
        print('  %-11s %-10s %s' % ('fabric r%d' % (rnd + 1), topo,
                                    brief(r)), flush=True)
        if 'error' in r or r.get('controller_discovery_ms') is None:
            self.failed = True

    def flowpush(self):
        if os.geteuid() != 0 or not shutil.which('ovs-vsctl'):
            self.results['flowpush'] = {'error': 'needs root and Open vSwitch'}
            return
        cmd = [sys.executable, os.path.join(self.s, 'test/bench/flowpush.py'),
               '--builddir', self.b, '--srcdir', self.s, '--json']
        p = subprocess.run(cmd, capture_output=True, text=True)
        try:
            self.results['flowpush'] = json.loads(p.stdout)
        except ValueError:
            self.results['flowpush'] = {'error': p.stderr.strip()[-400:]}
        print('  flowpush %s' % json.dumps(self.results['flowpush']),
              flush=True)


def brief(r):
    if 'error' in r:
        return 'FAILED: ' + r['error']
    if r['mode'] == 'fabric':
        cpu = r.get('controller_cpu_ms') or {}
        return ('%d switches, %d links: listed in %s ms, %d down in %s ms; '
                'CPU %s ms; LLDP %.0f/s' % (
                    r['switches'], r['links'],
                    fmt(r.get('controller_discovery_ms'), '%.0f'),
                    r['failed_links'],
                    fmt(r.get('controller_port_down_ms'), '%.1f'),
                    fmt(cpu.get('discovery'), '%.0f'),
                    r['lldp_per_sec']['median']))
    if r['mode'] == 'throughput':
        return 'median %.0f responses/s' % r['responses_per_sec']['median']
    if r['mode'] == 'latency':
        return 'p50 %.1f us, p99 %.1f us' % (r['rtt_us']['p50'],
                                             r['rtt_us']['p99'])
    per = r.get('rss_bytes_per_switch')
    return 'ready in %.0f ms (median)%s' % (
        r['ready_ms']['median'],
        ', %.0f bytes per switch' % per if per is not None else '')


def fmt(v, f):
    return f % v if v is not None else '-'


def dig(r, path):
    for key in path:
        if not isinstance(r, dict) or key not in r:
            return None
        r = r[key]
    return r


def median(values):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def per_round(res, name, mode, *path):
    """The value at 'path' of each round's 'mode' run (None if missing)."""
    return [dig(r.get(mode, {}), path)
            for r in res.get(name, {}).get('rounds', [])]


def get(res, name, mode, *path):
    """Connect: its one run.  Traffic modes: the median over rounds."""
    if mode == 'connect':
        return dig(res.get(name, {}).get('connect', {}), path)
    return median(per_round(res, name, mode, *path))


def round_ratio(res, a, b, mode, *path):
    """Median over rounds of a/b, each round's pair measured minutes
    apart at most, so that a slow phase of the machine hits both."""
    pairs = zip(per_round(res, a, mode, *path),
                per_round(res, b, mode, *path))
    return median(ratio(x, y) for x, y in pairs)


def ratio(a, b):
    return a / b if a is not None and b else None


def report(res):
    rows = [('throughput median, responses/s', 'throughput',
             ('responses_per_sec', 'median'), '%.0f'),
            ('latency p50, us', 'latency', ('rtt_us', 'p50'), '%.1f'),
            ('latency p99, us', 'latency', ('rtt_us', 'p99'), '%.1f'),
            ('connect: all ready, ms (median)', 'connect',
             ('ready_ms', 'median'), '%.0f'),
            ('connect: bytes per switch', 'connect',
             ('rss_bytes_per_switch',), '%.0f')]
    print('\n%-34s %14s %14s %14s' % (('',) + CONTROLLERS))
    for label, mode, path, fmt in rows:
        cells = []
        for name in CONTROLLERS:
            v = get(res, name, mode, *path)
            cells.append(fmt % v if v is not None else '-')
        print('%-34s %14s %14s %14s' % ((label,) + tuple(cells)))
    tp = ('responses_per_sec', 'median')
    ratios = {
        'throughput_sluice_over_osken': round_ratio(
            res, 'sluice', 'osken', 'throughput', *tp),
        'throughput_sluice_over_ceiling': round_ratio(
            res, 'sluice', 'ceiling', 'throughput', *tp),
        'latency_p50_sluice_over_ceiling': round_ratio(
            res, 'sluice', 'ceiling', 'latency', 'rtt_us', 'p50'),
    }
    print()
    for k, v in ratios.items():
        print('%-34s %-8s target %s' % (
            k, '%.3f' % v if v is not None else '-', TARGETS[k]))
    fp = res.get('flowpush', {})
    if 'ratio' in fp:
        print('%-34s %.3f (sluice %.3f s, ovs-ofctl %.3f s for %d flows)'
              ' target %s' % (
                  'flowpush_sluice_over_ovs_ofctl', fp['ratio'],
                  fp['sluice_s']['median'], fp['ovs_ofctl_s']['median'],
                  fp['flows'], TARGETS['flowpush_sluice_over_ovs_ofctl']))
    elif fp:
        print('flowpush: %s' % fp.get('error'))
    fabric = fabric_report(res)
    if fabric:
        ratios['fabric'] = fabric
    return ratios


FABRIC_ROWS = (
    ('switches', ('switches',), '%.0f'),
    ('directed links', ('links',), '%.0f'),
    ('all switches ready, ms', ('ready_ms',), '%.0f'),
    ('controller lists every link, ms', ('controller_discovery_ms',),
     '%.0f'),
    ('LLDP PACKET_OUTs until then', ('discovery_lldp_packet_outs',),
     '%.0f'),
    ('LLDP PACKET_OUTs/s, discovery', ('discovery_lldp_per_sec',), '%.0f'),
    ('LLDP PACKET_OUTs/s, steady', ('lldp_per_sec', 'median'), '%.0f'),
    ('controller CPU to ready, ms', ('controller_cpu_ms', 'to_ready'),
     '%.0f'),
    ('controller CPU in discovery, ms', ('controller_cpu_ms', 'discovery'),
     '%.0f'),
    ('controller CPU steady, % of a core', ('controller_cpu_pct_steady',),
     '%.1f'),
    ('%d links down: gone after, ms' % FABRIC_FAIL_LINKS,
     ('controller_port_down_ms',), '%.1f'),
)


def fabric_report(res):
    """The topology runs: medians over rounds per topology."""
    fab = res.get('fabric') or {}
    if not fab:
        return None
    topos = list(fab)
    out = {}
    print('\n%-36s' % 'topology (median of rounds)'
          + ''.join(' %16s' % t for t in topos))
    for label, path, f in FABRIC_ROWS:
        cells = []
        for t in topos:
            rounds = [r for r in fab[t]['rounds'] if 'error' not in r]
            v = median(dig(r, path) for r in rounds)
            if path[0] == 'links' and v is not None:
                v *= 2
            out.setdefault(t, {})[label] = v
            cells.append(fmt(v, f))
        print('%-36s' % label + ''.join(' %16s' % c for c in cells))
    for key, label in (('fabric_discovery_ms',
                        'controller lists every link, ms'),
                       ('fabric_port_down_ms',
                        '%d links down: gone after, ms' % FABRIC_FAIL_LINKS)):
        print('%-34s %s target %s' % (
            key, ' / '.join(fmt(out[t][label], '%.1f') for t in topos),
            TARGETS[key]))
    return out


def machine():
    model = ''
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {'nproc': os.cpu_count(), 'cpu': model,
            'kernel': platform.release(),
            'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--builddir', default='.')
    ap.add_argument('--srcdir', default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    ap.add_argument('--loops', type=int, default=10)
    ap.add_argument('--ms', type=int, default=1000)
    ap.add_argument('--switches', type=int, default=16)
    ap.add_argument('--connect', type=int, default=1000,
                    help='switches of the connect mode')
    ap.add_argument('--rounds', type=int, default=3,
                    help='fresh processes of each controller, interleaved')
    ap.add_argument('--only', default=','.join(CONTROLLERS + ('fabric',)),
                    help='controllers to run, and fabric for the topology '
                    'runs (default %(default)s)')
    ap.add_argument('--skip-flowpush', action='store_true')
    ap.add_argument('--fabric-topo', action='append', metavar='SPEC',
                    help='a sluice-bench --topo for the topology runs '
                    '(repeat it; default %s)' % ' and '.join(FABRIC_TOPOS))
    ap.add_argument('--skip-fabric', action='store_true',
                    help='no topology runs')
    ap.add_argument('--quick', action='store_true',
                    help='loops 3, ms 500, connect 200 switches')
    ap.add_argument('--json-out')
    args = ap.parse_args()
    if args.quick:
        args.loops, args.ms, args.connect, args.rounds = 3, 500, 200, 1
    only = [n for n in args.only.split(',') if n]
    bad = [n for n in only if n not in CONTROLLERS + ('fabric',)]
    if bad:
        ap.error('unknown controller %s' % ', '.join(bad))

    bench = Bench(args)
    m = machine()
    print('run-bench: %d CPUs (%s), controllers on CPU 0, emulator on %s; '
          '%d switches, %d loops of %d ms' % (
              m['nproc'], m['cpu'], 'CPUs 1-%d' % (bench.ncpu - 1)
              if bench.ncpu > 1 else 'the same CPU (only one)',
              args.switches, args.loops, args.ms), flush=True)
    if args.rounds < 1:
        ap.error('--rounds must be at least 1')
    try:
        for rnd in range(args.rounds):
            for name in only:
                if name != 'fabric':
                    bench.run_controller(name, rnd)
        if not args.skip_fabric and 'fabric' in only:
            for rnd in range(args.rounds):
                for topo in args.fabric_topo or FABRIC_TOPOS:
                    bench.fabric(topo, rnd)
        if not args.skip_flowpush:
            bench.flowpush()
    finally:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    ratios = report(bench.results)
    if args.json_out:
        with open(args.json_out, 'w') as f:
            json.dump({'machine': m, 'settings': vars(args),
                       'results': bench.results, 'ratios': ratios}, f,
                      indent=2)
    return 1 if bench.failed else 0


if __name__ == '__main__':
    sys.exit(main())
