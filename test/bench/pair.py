#!/usr/bin/python3
"""pair: two builds of Sluice side by side, for a change's effect on speed.

    pair.py --a OLD_BUILDDIR --b NEW_BUILDDIR [--rounds 5] [--json]

On these shared machines one build timed after another mostly measures the
host: the same binary answers 1.5 M PACKET_INs a second in one minute and
3 M in the next.  So both daemons (each with l2_learning, packet-in budget
off) run at once, pinned to the same CPU 0, and each is driven by its own
`sluice-bench throughput` (--switches each, default 8) pinned to the other
CPUs; the CPU they share gives each the same conditions, and the ratio of
their medians, B / A, is the ratio of their per-message costs' inverses.
Every round starts fresh processes.  A build paired with itself gives
1.00 +- 0.01.  Prints each round and the median of the rounds' ratios;
exit status 1 if a run failed.  The emulator is A's unless --emulator.
Daemons start as run-bench.py starts them; like `make bench`, it needs the
system Python (Mininet's helpers): /usr/bin/python3 pair.py ...
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_run_bench():
    """run-bench.py as a module: its Bench.start() starts a daemon the way
    `make bench` does (config, pinning to CPU 0, waiting for it to
    listen), and its stop() stops one."""
    spec = importlib.util.spec_from_file_location(
        'run_bench', os.path.join(HERE, 'run-bench.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


RB = load_run_bench()


def one_round(args, benches):
    procs, emus = [], []
    try:
        for bench in benches:
            port = RB.free_port()
            procs.append((bench.start('sluice', port), port))
        for proc, port in procs:
            emus.append(subprocess.Popen(
                benches[0].pin_emu + [
                    args.emulator, 'throughput', '--controller',
                    '127.0.0.1:%d' % port, '--switches', str(args.switches),
                    '--loops', str(args.loops), '--ms', str(args.ms),
                    '--json'],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        rates = []
        for e in emus:
            out, err = e.communicate(timeout=60 + args.loops * args.ms / 500)
            if e.returncode != 0:
                raise RuntimeError('sluice-bench: ' + (err.strip() or
                                   'exit %d' % e.returncode))
            rates.append(json.loads(out)['responses_per_sec']['median'])
        return rates
    finally:
        for e in emus:
            if e.poll() is None:
                e.kill()
                e.wait()
        for proc, _ in procs:
            RB.stop(proc)


def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--a', required=True, help='the old build directory')
    ap.add_argument('--b', required=True, help='the new build directory')
    ap.add_argument('--emulator', help='sluice-bench (default: A\'s)')
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--switches', type=int, default=8,
                    help='emulated switches per daemon (default 8)')
    ap.add_argument('--loops', type=int, default=8)
    ap.add_argument('--ms', type=int, default=1000)
    ap.add_argument('--json', action='store_true',
                    help='print one JSON object instead of text')
    args = ap.parse_args()
    args.emulator = args.emulator or os.path.join(args.a,
                                                  'test/bench/sluice-bench')
    if args.rounds < 1 or args.switches < 1 or args.loops < 1 \
            or args.ms < 100:
        ap.error('--rounds, --switches and --loops must be at least 1, '
                 '--ms at least 100')
    for b in (args.a, args.b):
        if not os.access(os.path.join(b, 'controller/sluice'), os.X_OK):
            ap.error('%s: no controller/sluice (not a build directory?)' % b)

    srcdir = os.path.join(HERE, '..', '..')
    benches = [RB.Bench(argparse.Namespace(builddir=b, srcdir=srcdir))
               for b in (args.a, args.b)]
    rounds = []
    try:
        for i in range(args.rounds):
            try:
                a, b = one_round(args, benches)
            except (RuntimeError, ValueError, KeyError,
                    subprocess.TimeoutExpired) as e:
                print('pair: round %d: %s' % (i + 1, e), file=sys.stderr)
                return 1
            rounds.append({'a': a, 'b': b, 'b_over_a': b / a})
            if not args.json:
                print('round %d: A %.3f M/s  B %.3f M/s  B/A %.3f'
                      % (i + 1, a / 1e6, b / 1e6, b / a), flush=True)
    finally:
        for bench in benches:
            shutil.rmtree(bench.tmp, ignore_errors=True)
    m = median([r['b_over_a'] for r in rounds])
    if args.json:
        print(json.dumps({'a': os.path.abspath(args.a),
                          'b': os.path.abspath(args.b),
                          'switches_each': args.switches,
                          'rounds': rounds, 'b_over_a_median': m},
                         indent=2))
    else:
        print('B/A, median of %d rounds: %.3f' % (len(rounds), m))
    return 0


if __name__ == '__main__':
    sys.exit(main())
