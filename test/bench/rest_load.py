#!/usr/bin/python3
"""rest_load: load on Sluice's REST API while switches stay connected.

Starts BUILDDIR/controller/sluice (l2_learning, REST on a free loopback
port), a Mininet network of 3 userspace Open vSwitch bridges (linear) that
connect to it, and runs wrk (Debian package wrk) against each endpoint for
a few seconds:

    GET /stats/switches      answered from the controller's session table
    GET /metrics             the whole Prometheus exposition
    GET /api/v1/switches     the native switch list
    GET /stats/desc/1        a fresh OFPMP_DESC round trip to OVS per request

and reports requests/s and the p50/p99 latency wrk measured.  Meanwhile the
OpenFlow side must keep working: the check after each run is that every
bridge is still connected, that sluice logged no "down" line and that it
answered every wrk request with 200 (wrk's non-2xx count).

Needs root (Mininet, Open vSwitch); run with Debian's python3:

    sudo /usr/bin/python3 test/bench/rest_load.py --builddir _build \\
        [--seconds 5] [--connections 16] [--json-out FILE]

Output: one line per endpoint, then "N passed, N failed" for the checks.
Exit status 0 when every check held."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', '..', 'mininet-scripts'))
from sluicenet import (Daemon, Error, ensure_ovs, free_port,  # noqa: E402
                       make_net, mn_cleanup, require_root, stop_net,
                       wait_connected, wait_until)
from mininet.topo import LinearTopo  # noqa: E402

ENDPOINTS = ['/stats/switches', '/metrics', '/api/v1/switches',
             '/stats/desc/1']

UNITS = {'us': 1e-6, 'ms': 1e-3, 's': 1.0, 'm': 60.0}


def seconds(text):
    """wrk's "1.23ms" as seconds."""
    m = re.fullmatch(r'([0-9.]+)(us|ms|s|m)', text.strip())
    if not m:
        raise Error('cannot read wrk latency %r' % text)
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(out):
    """Requests/s, p50, p99 (seconds), total requests and non-2xx answers
    from wrk --latency output."""
    rps = re.search(r'Requests/sec:\s+([0-9.]+)', out)
    p50 = re.search(r'^\s+50%\s+(\S+)', out, re.M)
    p99 = re.search(r'^\s+99%\s+(\S+)', out, re.M)
    total = re.search(r'(\d+) requests in', out)
    non2xx = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', out)
    errors = re.search(r'Socket errors: (.*)', out)
    if not (rps and p50 and p99 and total):
        raise Error('cannot read wrk output:\n' + out)
    return {'rps': float(rps.group(1)), 'p50': seconds(p50.group(1)),
            'p99': seconds(p99.group(1)), 'requests': int(total.group(1)),
            'non_2xx': int(non2xx.group(1)) if non2xx else 0,
            'socket_errors': errors.group(1).strip() if errors else ''}


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--builddir', default='_build')
    p.add_argument('--seconds', type=int, default=5)
    p.add_argument('--connections', type=int, default=16)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--json-out')
    args = p.parse_args(argv)
    require_root('rest_load')
    for tool in ('wrk', 'ovs-vsctl'):
        if subprocess.run(['which', tool], capture_output=True).returncode:
            print('rest_load: %s is not installed' % tool, file=sys.stderr)
            return 2

    b = os.path.abspath(args.builddir)
    tmp = tempfile.mkdtemp(prefix='sluice-rest-load-')
    of_port, rest_port = free_port(), free_port()
    cfg = os.path.join(tmp, 'sluice.yaml')
    with open(cfg, 'w') as f:
        f.write('openflow:\n  listen: ["tcp:127.0.0.1:%d"]\n'
                '  echo_interval: 1\n  echo_misses: 2\n'
                'rest:\n  listen: "127.0.0.1:%d"\n'
                'log:\n  level: info\n'
                'apps:\n  - name: l2_learning\n' % (of_port, rest_port))
    daemon = Daemon([os.path.join(b, 'controller/sluice'), '-c', cfg,
                     '--app-path', os.path.join(b, 'apps/.libs')],
                    os.path.join(tmp, 'sluice.log'))
    base = 'http://127.0.0.1:%d' % rest_port
    net = None
    results, passed, failed = {}, 0, 0

    def check(ok, what):
        nonlocal passed, failed
        print('%s - %s' % ('ok' if ok else 'not ok', what))
        if ok:
            passed += 1
        else:
            failed += 1

    try:
        mn_cleanup()
        ensure_ovs()
        daemon.start()
        daemon.wait_listening(of_port)
        daemon.wait_listening(rest_port)
        net = make_net(LinearTopo(3), of_port)
        names = [s.name for s in net.switches]
        states = wait_connected(names, 30)
        check(all(states.values()), '3 bridges connected: %s' % states)
        wait_until(lambda: len(get_json(base + '/stats/switches')) == 3, 15)
        check(len(get_json(base + '/stats/switches')) == 3,
              'GET /stats/switches lists 3 switches')

        for path in ENDPOINTS:
            log_at = daemon.log_size()
            out = subprocess.run(
                ['wrk', '-t%d' % args.threads, '-c%d' % args.connections,
                 '-d%ds' % args.seconds, '--latency', base + path],
                capture_output=True, text=True, timeout=args.seconds + 60
            ).stdout
            r = parse_wrk(out)
            results[path] = r
            print('# %-18s %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  '
                  '(%d requests, %d not 200)'
                  % (path, r['rps'], r['p50'] * 1e3, r['p99'] * 1e3,
                     r['requests'], r['non_2xx']))
            check(r['non_2xx'] == 0 and not r['socket_errors'],
                  '%s: every answer 200, no socket errors (%s)'
                  % (path, r['socket_errors'] or 'none'))
            states = wait_connected(names, 1)
            down = daemon.find_log(r'switch 0x[0-9a-f]+ down', log_at)
            check(all(states.values()) and down is None,
                  '%s: the 3 bridges stayed connected (echo 1 s, 2 misses)'
                  % path)
        check(daemon.running(), 'sluice still running')
    except Error as e:
        check(False, str(e))
        print('# ' + '\n# '.join(daemon.tail(20)))
    finally:
        stop_net(net)
        status = daemon.stop()
        mn_cleanup()
        check(status == 0, 'sluice exits 0 on SIGTERM (got %s)' % status)

    if args.json_out:
        with open(args.json_out, 'w') as f:
            json.dump({'endpoints': results, 'seconds': args.seconds,
                       'connections': args.connections,
                       'time': time.strftime('%Y-%m-%dT%H:%M:%SZ',
                                             time.gmtime())}, f, indent=1)
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
