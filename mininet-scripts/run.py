#!/usr/bin/python3
"""run: the demo of `sudo ./quickstart run` -- sluice with its embedded
defaults (OpenFlow on tcp:0.0.0.0:6653, REST on 127.0.0.1:8080, the
l2_learning app) and a small Mininet tree of userspace Open vSwitch bridges
(depth 2, fanout 2: 3 switches, 4 hosts) connected to it.

    sudo /usr/bin/python3 mininet-scripts/run.py \\
        [--sluice _build/controller/sluice] [--app-path _build/apps/.libs]
        [--no-cli]

It starts OVS if needed, starts sluice (its log goes to sluice.log in a
new /tmp/sluice-run-* directory, kept; the tail is printed at exit),
builds the network, waits until every switch is connected and prints them
(name, datapath id, is_connected), runs one pingall and prints it, then
opens the Mininet CLI (`exit` or Ctrl-D to stop).  With --no-cli it stays
up until SIGINT or SIGTERM instead (for scripts).  On exit, always: the
network is stopped, sluice gets SIGTERM, `mn -c` cleans up.  Exit status
0, or 1 when something failed to come up.
"""

import argparse
import os
import signal
import sys
import tempfile
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sluicenet as sn  # noqa: E402
from mininet.cli import CLI  # noqa: E402
from mininet.log import setLogLevel  # noqa: E402
from mininet.topolib import TreeTopo  # noqa: E402

PORT = 6653
REST_PORT = 8080


class Stop(BaseException):
    """SIGINT or SIGTERM."""


def on_stop(signum, frame):
    raise Stop()


def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    build = os.path.join(os.path.dirname(here), '_build')
    p = argparse.ArgumentParser(description='sluice and a Mininet tree of '
                                'Open vSwitch bridges (root).')
    p.add_argument('--sluice', default=os.path.join(build, 'controller',
                                                    'sluice'),
                   help='the sluice binary (default: %(default)s)')
    p.add_argument('--app-path', default=None,
                   help='passed to sluice (default: apps/.libs of the '
                   'build tree of --sluice, when it exists)')
    p.add_argument('--no-cli', action='store_true',
                   help='no Mininet CLI: stay up until SIGINT/SIGTERM')
    args = p.parse_args(argv)
    if args.app_path is None:
        guess = os.path.join(os.path.dirname(os.path.dirname(
            os.path.abspath(args.sluice))), 'apps', '.libs')
        if os.path.isdir(guess):
            args.app_path = guess
    if not os.access(args.sluice, os.X_OK):
        p.error('no sluice binary at %s (build it, or give --sluice)'
                % args.sluice)
    return args


def show_switches(net):
    print('*** Switches connected to sluice (tcp:127.0.0.1:%d)' % PORT)
    print('    %-6s %-20s %s' % ('name', 'datapath id', 'is_connected'))
    for sw in net.switches:
        print('    %-6s 0x%-18s %s' % (sw.name, sw.dpid,
                                       sn.is_connected(sw.name)))


def show_pingall(net):
    t0 = time.monotonic()
    sent, received, failed = sn.ping_pairs(net)
    loss = 100.0 * (sent - received) / sent if sent else 100.0
    print('*** pingall: %d/%d received, %.0f%% loss (%.1f s)%s'
          % (received, sent, loss, time.monotonic() - t0,
             ('; failed: ' + ' '.join(failed)) if failed else ''))
    return not failed


def main(argv):
    args = parse_args(argv)
    sn.require_root('run.py')
    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    tmp = tempfile.mkdtemp(prefix='sluice-run-')
    log = os.path.join(tmp, 'sluice.log')
    argv = [os.path.abspath(args.sluice)]
    if args.app_path:
        argv += ['--app-path', args.app_path]
    daemon = sn.Daemon(argv, log)
    sluicectl = os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(args.sluice))), 'tools', 'sluicectl')
    net = None
    status = 0
    try:
        sn.ensure_ovs()
        sn.mn_cleanup()
        print('*** Starting %s (embedded defaults; log: %s)'
              % (' '.join(argv), log))
        daemon.start()
        daemon.wait_listening(PORT)
        print('*** Starting a Mininet tree, depth 2 fanout 2 (userspace OVS,'
              ' OpenFlow 1.3)')
        net = sn.make_net(TreeTopo(depth=2, fanout=2), PORT)
        names = [sw.name for sw in net.switches]
        states = sn.wait_connected(names, 20)
        show_switches(net)
        if not all(states.values()):
            raise sn.Error('not every switch connected in 20 s')
        if not show_pingall(net):
            status = 1
        print('*** REST API on http://127.0.0.1:%d: try `%s switches`, '
              '`curl -s 127.0.0.1:%d/stats/flow/1`' % (REST_PORT, sluicectl,
                                                        REST_PORT))
        if args.no_cli:
            print('*** Up; SIGINT or SIGTERM stops it', flush=True)
            while daemon.running():
                time.sleep(0.5)
            raise sn.Error('sluice exited with status %s' % daemon.proc.poll())
        # The CLI catches Ctrl-C itself (it interrupts the command only).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        setLogLevel('output')
        CLI(net)
        setLogLevel('error')
    except Stop:
        print('\n*** Stopping')
    except sn.Error as e:
        print('run.py: %s' % e, file=sys.stderr)
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sn.stop_net(net)
        code = daemon.stop()
        print('*** sluice stopped (exit status %s); last lines of %s:'
              % (code, log))
        for line in daemon.tail(15):
            print('    ' + line)
        sn.mn_cleanup()
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
