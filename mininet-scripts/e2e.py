#!/usr/bin/python3
"""e2e: Sluice end to end -- real Open vSwitch bridges (userspace datapath)
in Mininet networks, against a real `sluice` process.

Run as root with Debian's python3 (the one that imports mininet):

    sudo /usr/bin/python3 mininet-scripts/e2e.py \\
        --sluice _build/controller/sluice --app-path _build/apps/.libs
    (or `sudo make check-e2e` in a build directory)

Options: --only NAME[,NAME] runs some tests (--list names them);
--app NAME puts another app than l2_learning in the generated configs;
--results-dir DIR writes an automake-style DIR/e2e-NAME.trs and
DIR/e2e-NAME.log per test (quickstart counts them); --sluice-log-level SPEC
is passed to sluice as --log-level; --keep-tmp keeps the temporary
directory (configs, logs, throwaway certificates).

--stand-in runs the same networks against Open vSwitch's
ovs-testcontroller (package openvswitch-testcontroller) instead of sluice:
a check of the harness itself.  Checks of Sluice's own behaviour (its
table-miss flows, log lines, timings, reconciliation, exit status) are then
evaluated but not enforced: a miss is printed as "stand-in, not enforced".

Each test starts OVS if needed, gets a free port and a fresh temporary
directory, starts the controller with a generated config (its output in a
log file), builds its network, and tears everything down afterwards, on
failure, timeout or Ctrl-C too (`mn -c` runs before and after the suite and
after a failed test).  Every test also requires that the controller it
leaves running is still alive at the end and exits with status 0 on
SIGTERM within 10 s.  Log lines are matched as sluice writes them:
"switch 0x%016x up" / "switch 0x%016x down", and, for the TLS refusal, an
error/warn/info line mentioning "certificate verif...".

Output is TAP: one "ok N - name" / "not ok N - name" line per test with
"# " diagnostics and its time (on a failure, the tail of the controller's
log), then "N passed, N failed".  Exit status 0 when every test passed, 1
otherwise, 2 on a usage error.

Tests (issue 3):
  tcp_3_switches     tree depth 2 (3 switches): connected, table-miss flows
                     of the default pipeline, pingall
  tcp_10_switches    linear 10: the same
  tls                mutual TLS with a throwaway PKI (openssl CLI); then a
                     switch whose certificate comes from another CA is
                     refused and the refusal is logged
  dead_peer          a fake switch (raw socket) is kept while it answers
                     echoes, and once silent is declared down within
                     echo_interval x (misses + 1) + 1.5 s, while an OVS
                     switch stays connected
  restart_reconcile  SIGTERM and restart sluice under a running network:
                     flows neither flushed nor duplicated, foreign flows
                     kept, unwanted Sluice-cookie flows deleted
  hostile_peer       garbage, short and oversized lengths, an OpenFlow 1.0
                     HELLO (HELLO_FAILED expected), an endless handshake,
                     200 connect/close cycles: each dropped in time, OVS
                     switches undisturbed, no descriptor leaked
  check_config       --check-config: exit 0 on a good file, FILE:LINE:COL on
                     a bad one, no process left
  daemon_signals     SIGHUP reload (levels, restart-only settings named,
                     twice), a bad reload refused, SIGTERM stops the apps,
                     --detach (failing and starting) and --pidfile
  rest_*             the REST API (issue 5): see e2e_rest.py
  topo_*             the topology service (issue 6): see e2e_topo.py
  apps_*             the apps l2_learning, acl, l3_routing (issue 7): see
                     e2e_apps.py
  fault_*, rest_* (abuse), security_*: hardening (issue 8): see
                     e2e_faults.py, e2e_abuse.py, e2e_security.py
  ui_topology        the topology page in headless Chromium (issue 9):
                     see e2e_ui.py
  readme_walk        the README's TLS block as written, on the installed
                     Debian packages (issue 9; after make check-deb): see
                     e2e_readme.py
"""

import argparse
import os
import random
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sluicenet as sn  # noqa: E402
import e2e_rest  # noqa: E402
import e2e_topo  # noqa: E402
import e2e_apps  # noqa: E402
import e2e_abuse  # noqa: E402
import e2e_faults  # noqa: E402
import e2e_security  # noqa: E402
import e2e_ui  # noqa: E402
import e2e_readme  # noqa: E402
from peers import (OFPET_HELLO_FAILED, OFPT_ECHO_REQUEST,  # noqa: E402
                   OFPT_ERROR, OFPT_HELLO, FakeSwitch, RawPeer,
                   make_pki, ofp_hello, ofp_msg, ofp_split)
from mininet.topo import LinearTopo, SingleSwitchTopo  # noqa: E402
from mininet.topolib import TreeTopo  # noqa: E402

# The default pipeline's table-miss flows (DESIGN.md, Pipeline).
TABLE_MISS = ((0, 'goto_table:1'), (1, 'goto_table:2'),
              (2, 'goto_table:3'), (3, 'CONTROLLER:65535'))
SLUICE_COOKIE_MAGIC = 0x5c
HANDSHAKE_TIMEOUT = 10.0    # sluice's SL_DP_HANDSHAKE_TIMEOUT
CONNECT_TIMEOUT = 20.0      # switches connected after the network starts
SETTLE_TIMEOUT = 10.0       # table-miss flows present after connecting
SLACK = 1.5                 # added to every deadline derived from sluice's

class Failure(Exception):
    """A check failed."""


class Skip(Exception):
    """The test does not apply (stand-in mode)."""


class TestTimeout(BaseException):
    """The test ran out of time (SIGALRM)."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM: clean up and stop."""


# ---- the harness ----

class Ctx:
    """One test's world: its temporary directory, controller processes,
    networks and cleanups, and its checks."""

    def __init__(self, args, name, tmp):
        self.args = args
        self.name = name
        self.tmp = tmp
        self.standin = args.stand_in
        self.real = not args.stand_in
        self.daemons = []
        self.cleanups = []
        self.notes = []
        self.rest_port = None       # of the last generated config
        self.rest_token = None      # rest.token of the generated configs

    def note(self, msg):
        for line in str(msg).splitlines() or ['']:
            self.notes.append(line)
            print('#   ' + line, flush=True)

    def check(self, cond, msg, sluice=False):
        """Fails the test unless 'cond'.  'sluice': the check is about
        Sluice's own behaviour, not enforced against the stand-in."""
        if cond:
            return True
        if sluice and self.standin:
            self.note('stand-in, not enforced: ' + msg)
            return False
        raise Failure(msg)

    def defer(self, fn, *args):
        self.cleanups.append((fn, args))

    def finish(self):
        """After a test's checks: every controller it left running is still
        running, and exits with status 0 on SIGTERM within 10 s."""
        for d in self.daemons:
            if d.proc is None or d.returncode is not None:
                continue
            self.check(d.running(), '%s died during the test (status %s)'
                       % (d.name, d.proc.poll()))
            status = d.stop()
            self.check(status is not None, '%s still running 10 s after '
                       'SIGTERM' % d.name)
            self.check(status == 0, '%s exited with status %s on SIGTERM'
                       % (d.name, status), sluice=True)

    def cleanup(self):
        """Runs the cleanups, last first; returns the errors.  A Ctrl-C or
        SIGTERM meanwhile waits until they are done."""
        stop = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop)
        try:
            return self._cleanup()
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stop)

    def _cleanup(self):
        errors = []
        while self.cleanups:
            fn, args = self.cleanups.pop()
            signal.setitimer(signal.ITIMER_REAL, 60)
            try:
                fn(*args)
            except (Exception, TestTimeout) as e:
                errors.append('cleanup %s: %r' % (fn.__name__, e))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        return errors

    # -- controller --

    def sluice_config(self, listen, tls=None, echo_interval=None,
                      echo_misses=None):
        """YAML text of a sluice config (DESIGN.md, Configuration)."""
        y = sn.yaml_str
        lines = ['# generated by e2e.py for test %s' % self.name,
                 'openflow:',
                 '  listen: [%s]' % ', '.join(y(x) for x in listen)]
        if tls:
            lines += ['  tls:',
                      '    certificate: %s' % y(tls['certificate']),
                      '    private_key: %s' % y(tls['private_key']),
                      '    ca_certificate: %s' % y(tls['ca_certificate']),
                      '    verify_peer: true']
        if echo_interval is not None:
            lines.append('  echo_interval: %s' % echo_interval)
        if echo_misses is not None:
            lines.append('  echo_misses: %d' % echo_misses)
        self.rest_port = sn.free_port()
        lines += ['rest:',
                  '  listen: %s' % y('127.0.0.1:%d' % self.rest_port)]
        if self.rest_token:
            lines.append('  token: %s' % y(self.rest_token))
        lines += ['apps:',
                  '  - name: %s' % y(self.args.app)]
        return '\n'.join(lines) + '\n'

    def start_controller(self, port, tls=None, echo_interval=None,
                         echo_misses=None, wait=True):
        """Starts sluice (or the stand-in) on 127.0.0.1:'port', over TLS
        when 'tls' (paths) is given; waits until it listens."""
        n = len(self.daemons) + 1
        log = os.path.join(self.tmp, '%s-%d.log' % (self.name, n))
        if self.standin:
            argv = ['ovs-testcontroller', '-O', 'OpenFlow13']
            if tls:
                argv += ['-p', tls['private_key'], '-c', tls['certificate'],
                         '-C', tls['ca_certificate'],
                         'pssl:%d:127.0.0.1' % port]
            else:
                argv.append('ptcp:%d:127.0.0.1' % port)
            name = 'ovs-testcontroller'
        else:
            listen = ['%s:127.0.0.1:%d' % ('ssl' if tls else 'tcp', port)]
            cfg = os.path.join(self.tmp, '%s-%d.yaml' % (self.name, n))
            with open(cfg, 'w') as f:
                f.write(self.sluice_config(listen, tls, echo_interval,
                                           echo_misses))
            argv = [self.args.sluice, '-c', cfg]
            if self.args.app_path:
                argv += ['--app-path', self.args.app_path]
            if self.args.sluice_log_level:
                argv += ['--log-level', self.args.sluice_log_level]
            name = 'sluice'
        daemon = sn.Daemon(argv, log, name)
        self.daemons.append(daemon)
        self.defer(daemon.kill)
        daemon.start()
        if wait:
            daemon.wait_listening(port)
        return daemon

    # -- networks --

    def network(self, topo, port, protocol='tcp'):
        """Starts a Mininet network of userspace OVS switches; stopped at
        the end of the test."""
        net = sn.make_net(topo, port, protocol, start=False)
        self.defer(self.stop_network, net)
        net.start()
        return net

    def stop_network(self, net):
        """Stops 'net' (once: later calls do nothing)."""
        if getattr(net, 'e2e_stopped', False):
            return
        net.e2e_stopped = True
        err = sn.stop_net(net)
        if err:
            raise err

    def wait_connected(self, names, timeout=CONNECT_TIMEOUT):
        t0 = time.monotonic()
        states = sn.wait_connected(names, timeout)
        down = [n for n, up in states.items() if not up]
        self.check(not down, 'not connected after %.0f s: %s'
                   % (timeout, ' '.join(down)))
        self.note('connected: %s (%.1f s)'
                  % (' '.join(names), time.monotonic() - t0))

    def wait_table_miss(self, names):
        """The default pipeline's table-miss flows (Sluice cookie) on every
        switch of 'names'."""
        if self.standin:
            problems = {n: table_miss_problems(sn.dump_flows(n))
                        for n in names}
        else:
            problems = {}

            def all_there():
                problems.clear()
                for n in names:
                    p = table_miss_problems(sn.dump_flows(n))
                    if p:
                        problems[n] = p
                return not problems
            sn.wait_until(all_there, SETTLE_TIMEOUT, interval=0.1)
        bad = {n: p for n, p in problems.items() if p}
        msg = '; '.join('%s: %s' % (n, ', '.join(p))
                        for n, p in sorted(bad.items()))
        if self.check(not bad, 'table-miss flows: ' + msg, sluice=True):
            self.note('table-miss flows of tables 0..3 on %d switches'
                      % len(names))

    def check_up_logged(self, daemon, dpids, start=0):
        """sluice logged "switch DPID up" for every dpid."""
        if self.standin:
            return
        missing = []

        def all_logged():
            missing[:] = [d for d in dpids
                          if not daemon.find_log(sn.up_re(d), start)]
            return not missing
        sn.wait_until(all_logged, 5, interval=0.1)
        self.check(not missing, 'no "switch ... up" line for %s'
                   % ', '.join('%#018x' % d for d in missing), sluice=True)

    def pingall(self, net, what='pingall'):
        t0 = time.monotonic()
        sent, received, failed = sn.ping_pairs(net)
        n = len(net.hosts)
        self.check(sent == n * (n - 1) and received == sent,
                   '%s: %d/%d received; failed: %s'
                   % (what, received, sent, ' '.join(failed[:20])))
        self.note('%s: %d/%d received, 0%% loss (%.1f s)'
                  % (what, received, sent, time.monotonic() - t0))


def table_miss_problems(flows):
    """What is wrong with the table-miss flows among 'flows' ([] if
    nothing)."""
    problems = []
    for table, actions in TABLE_MISS:
        misses = [f for f in flows if f.table == table
                  and f.priority == 0 and f.match == '']
        if not misses:
            problems.append('none in table %d' % table)
            continue
        f = misses[0]
        if f.actions != actions:
            problems.append('table %d: actions=%s, want %s'
                            % (table, f.actions, actions))
        if f.cookie >> 56 != SLUICE_COOKIE_MAGIC:
            problems.append('table %d: cookie=%#x, want top byte %#x'
                            % (table, f.cookie, SLUICE_COOKIE_MAGIC))
    return problems


def switch_names(net):
    return [s.name for s in net.switches]


def dpids(net):
    return [int(s.dpid, 16) for s in net.switches]


def connect_ping(ctx, daemon, net):
    """The common checks: connected, "up" logged, table-miss flows,
    pingall."""
    names = switch_names(net)
    ctx.wait_connected(names)
    ctx.check_up_logged(daemon, dpids(net))
    ctx.wait_table_miss(names)
    ctx.pingall(net)


# ---- tests ----

def t_tcp_3_switches(ctx):
    port = sn.free_port()
    daemon = ctx.start_controller(port)
    net = ctx.network(TreeTopo(depth=2, fanout=2), port)
    connect_ping(ctx, daemon, net)


def t_tcp_10_switches(ctx):
    port = sn.free_port()
    daemon = ctx.start_controller(port)
    net = ctx.network(LinearTopo(k=10), port)
    connect_ping(ctx, daemon, net)


def t_tls(ctx):
    certs, ca = make_pki(ctx)
    ctx.note('throwaway PKI made (CA, controller, switch, rogue CA and '
             'switch)')
    port = sn.free_port()
    tls = {'certificate': certs['controller'][1],
           'private_key': certs['controller'][0],
           'ca_certificate': ca}
    daemon = ctx.start_controller(port, tls=tls)
    ctx.defer(sn.run, ['ovs-vsctl', '--timeout=10', 'del-ssl'])
    sn.run(['ovs-vsctl', '--timeout=10', 'set-ssl', certs['switch'][0],
            certs['switch'][1], ca])
    net = ctx.network(TreeTopo(depth=2, fanout=2), port, protocol='ssl')
    connect_ping(ctx, daemon, net)
    ctx.stop_network(net)

    # A switch whose certificate chains to another CA.
    sn.run(['ovs-vsctl', '--timeout=10', 'set-ssl',
            certs['rogue-switch'][0], certs['rogue-switch'][1], ca])
    mark = daemon.log_size()
    rogue = ctx.network(SingleSwitchTopo(k=1), port, protocol='ssl')
    window = 5.0
    t0 = time.monotonic()
    ever = False
    while time.monotonic() - t0 < window:
        if sn.is_connected('s1') == 'true':
            ever = True
            break
        time.sleep(0.1)
    ctx.check(not ever, 'the rogue switch (other CA) got connected')
    ctx.note('rogue switch never connected in %.0f s' % window)
    if ctx.real:
        # At a level an operator sees (not debug).
        refusal = daemon.wait_log(r'(?im)^[^|\n]*\|(?:error|warn|info)\|'
                                  r'.*certificate verif.*$', 2.0, mark)
        ctx.check(refusal is not None, 'no error/warn/info log line about '
                  'the refused certificate (certificate verification)',
                  sluice=True)
        ctx.note('logged: ' + refusal.group(0)[:160])
        ctx.check(not daemon.find_log(sn.up_re(1), mark),
                  'the rogue switch was logged up', sluice=True)
    ctx.stop_network(rogue)


def t_dead_peer(ctx):
    interval, misses = 0.5, 2
    port = sn.free_port()
    daemon = ctx.start_controller(port, echo_interval=interval,
                                  echo_misses=misses)
    ctx.network(SingleSwitchTopo(k=2), port)
    ctx.wait_connected(['s1'])
    ctx.check_up_logged(daemon, [1])

    dpid = 0x00e2e0000000dead
    fake = FakeSwitch(port, dpid)
    ctx.defer(fake.stop)
    fake.start()
    if ctx.real:
        up = daemon.wait_log(sn.up_re(dpid), HANDSHAKE_TIMEOUT)
        ctx.check(up is not None, 'fake switch %#018x never logged up'
                  % dpid, sluice=True)
    else:
        sn.wait_until(lambda: fake.features_done, HANDSHAKE_TIMEOUT)
        ctx.check(fake.features_done, 'no FEATURES_REQUEST to the fake '
                  'switch')
    ctx.note('fake switch %#018x did the handshake (message types %s)'
             % (dpid, ' '.join(str(t) for t in fake.seen)))

    # Alive while it answers: the keepalive probes it and is answered.
    answered = 4 * interval * (misses + 1)
    time.sleep(answered)
    ctx.check(fake.eof_at is None and not daemon.find_log(sn.down_re(dpid)),
              'the fake switch was dropped while answering echoes',
              sluice=True)
    ctx.check(OFPT_ECHO_REQUEST in fake.seen, 'no ECHO_REQUEST to an '
              'idle peer in %.1f s (echo_interval %s)' % (answered,
                                                          interval),
              sluice=True)

    silent_at = fake.silence()
    limit = interval * (misses + 1) + SLACK
    ctx.note('fake switch silent; down expected within %.1f s' % limit)
    if ctx.real:
        down = sn.wait_until(lambda: daemon.find_log(sn.down_re(dpid)),
                             limit + 5, interval=0.02)
        seen = time.monotonic() - silent_at
        ctx.check(down is not None, 'no "switch %#018x down" in %.1f s'
                  % (dpid, seen), sluice=True)
        ctx.check(seen <= limit, 'down logged %.2f s after the peer went '
                  'silent, limit %.2f s' % (seen, limit), sluice=True)
        ctx.note('logged down after %.2f s: %s'
                 % (seen, daemon.log()[down.start():].splitlines()[0]))
        sn.wait_until(lambda: fake.eof_at is not None, 2)
        ctx.check(fake.eof_at is not None, 'the dead peer\'s socket was '
                  'not closed', sluice=True)
    else:
        ctx.note('stand-in: no fast keepalive; the silent peer is not '
                 'awaited')

    ctx.check(sn.is_connected('s1') == 'true', 'OVS s1 lost its '
              'connection')
    ctx.check(not daemon.find_log(sn.down_re(1)), 's1 was logged down',
              sluice=True)
    ctx.check(daemon.running(), 'the controller died')
    ctx.note('s1 still connected')


def miss_stats(names):
    """{(switch, table): (n_packets, duration)} of the table-miss flows."""
    stats = {}
    for n in names:
        for f in sn.dump_flows(n):
            if f.priority == 0 and f.match == '' and f.table < 4:
                stats[(n, f.table)] = (f.n_packets, f.duration)
    return stats


def diff_lines(want, got):
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    dups = sorted({x for x in got if got.count(x) > 1})
    out = ['missing: ' + x for x in missing[:8]]
    out += ['extra: ' + x for x in extra[:8]]
    out += ['duplicated: ' + x for x in dups[:8]]
    return out


def t_restart_reconcile(ctx):
    port = sn.free_port()
    daemon = ctx.start_controller(port)
    net = ctx.network(TreeTopo(depth=2, fanout=2), port)
    connect_ping(ctx, daemon, net)
    names = switch_names(net)

    foreign = ('cookie=0x1,table=0,priority=5,dl_dst=02:e2:e0:00:00:01,'
               'actions=drop')
    unwanted = ('cookie=0x5c00000000000001,table=2,priority=7,'
                'dl_dst=02:e2:e0:00:00:02,actions=drop')
    sn.add_flow('s1', foreign)
    sn.add_flow('s1', unwanted)
    before = sn.settle(names, 10)
    foreign_n = [x for x in before['s1'] if 'dl_dst=02:e2:e0:00:00:01' in x]
    unwanted_n = [x for x in before['s1']
                  if 'dl_dst=02:e2:e0:00:00:02' in x]
    ctx.check(len(foreign_n) == 1 and len(unwanted_n) == 1,
              'hand-added flows not in the dump of s1')
    stats, stats_at = miss_stats(names), time.monotonic()
    ctx.note('before restart: %s flows'
             % ', '.join('%s %d' % (n, len(before[n])) for n in names))

    t_stop = time.monotonic()
    status = daemon.stop()
    ctx.check(status is not None, 'sluice did not exit within 10 s of '
              'SIGTERM')
    ctx.check(status == 0, 'sluice exited with status %s on SIGTERM'
              % status, sluice=True)
    ctx.note('stopped by SIGTERM (status %s) in %.2f s'
             % (status, time.monotonic() - t_stop))
    stopped = {n: sn.normal_flows(n) for n in names}
    for n in names:
        ctx.check(stopped[n] == before[n], 'flows of %s changed when the '
                  'controller stopped: %s'
                  % (n, '; '.join(diff_lines(before[n], stopped[n]))))
    ctx.note('flows unchanged while the controller is away')
    gone = sn.wait_until(lambda: not any(
        sn.connection_states(names).values()), 5, interval=0.1)
    ctx.check(gone, 'switches still connected after the controller '
              'stopped')

    daemon2 = ctx.start_controller(port)
    ctx.wait_connected(names)
    ctx.check_up_logged(daemon2, dpids(net))

    def unwanted_gone(flows):
        return ctx.standin or unwanted_n[0] not in flows['s1']
    after = sn.settle(names, 15, unwanted_gone)
    ok = True
    for n in names:
        want = [x for x in before[n] if x not in unwanted_n]
        ok &= ctx.check(after[n] == want, 'flows of %s after the restart '
                        'differ from before: %s'
                        % (n, '; '.join(diff_lines(want, after[n]))),
                        sluice=True)
    ok &= ctx.check(foreign_n[0] in after['s1'], 'the foreign flow (cookie '
                    '0x1) was removed', sluice=True)
    ok &= ctx.check(unwanted_n[0] not in after['s1'], 'the unwanted '
                    'Sluice-cookie flow was not deleted', sluice=True)
    # A flow that was not re-created kept counting its packets, and its
    # age grew by the time that passed (0.5 s for dump latency).
    now, elapsed = miss_stats(names), time.monotonic() - stats_at
    for key, (packets, duration) in sorted(stats.items()):
        got = now.get(key)
        ok &= ctx.check(got is not None and got[0] >= packets
                        and got[1] >= duration + elapsed - 0.5,
                        'table-miss flow of %s table %d was re-created '
                        '(n_packets %d -> %s, duration %.1f s -> %s s '
                        '%.1f s later)'
                        % (key[0], key[1], packets, got and got[0],
                           duration, got and got[1], elapsed), sluice=True)
    if ok:
        ctx.note('after restart: same flows, foreign kept, unwanted '
                 'deleted, table-miss flows not re-created')
    ctx.pingall(net, 'pingall after restart')


def t_hostile_peer(ctx):
    port = sn.free_port()
    daemon = ctx.start_controller(port)
    net = ctx.network(TreeTopo(depth=2, fanout=2), port)
    names = switch_names(net)
    ctx.wait_connected(names)
    ctx.check_up_logged(daemon, dpids(net))
    mark = daemon.log_size()
    fds = daemon.n_fds()

    # Garbage longer than any length its header can claim, so that its
    # first "message" is complete whatever the length: version 0xde.
    rng = random.Random(0x5c1)
    garbage = bytes([0xde]) + rng.randbytes(70000)
    long_wait = HANDSHAKE_TIMEOUT + SLACK + 1
    peers = [
        RawPeer('garbage', garbage, 3),
        RawPeer('length 4', struct.pack('!BBHI', 4, OFPT_HELLO, 4, 1), 3),
        RawPeer('length 65535 then silence',
                struct.pack('!BBHI', 4, OFPT_HELLO, 65535, 1) + b'\0' * 64,
                long_wait),
        RawPeer('OpenFlow 1.0 HELLO', ofp_msg(OFPT_HELLO, version=1), 3),
        RawPeer('HELLO then nothing', ofp_hello(), long_wait),
    ]
    for p in peers:
        ctx.defer(p.close)
        p.start(port)
    lost = set()
    next_sample = 0
    while True:
        now = time.monotonic()
        live = [p for p in peers if p.open and not p.expired(now)]
        if not live:
            break
        if now >= next_sample:
            lost.update(n for n, up in sn.connection_states(names).items()
                        if not up)
            next_sample = now + 1.0
        ready, _, _ = select.select([p.sock for p in live], [], [], 0.1)
        for p in live:
            if p.sock in ready:
                p.readable()
    for p in peers:
        ctx.check(not p.open, 'peer "%s" not closed within %.1f s'
                  % (p.name, p.deadline), sluice=True)
        if not p.open:
            ctx.note('peer "%s" closed after %.2f s'
                     % (p.name, p.closed_after))
    v1 = peers[3]
    msgs, _ = ofp_split(v1.data)
    errors = [struct.unpack('!HH', body[:4]) for _, t, _, body in msgs
              if t == OFPT_ERROR and len(body) >= 4]
    ctx.check(any(e[0] == OFPET_HELLO_FAILED for e in errors),
              'no OFPT_ERROR HELLO_FAILED for an OpenFlow 1.0 HELLO '
              '(got %s)' % [(v, t) for v, t, _, _ in msgs], sluice=True)

    t0 = time.monotonic()
    refused = 0
    for i in range(200):
        try:
            s = socket.create_connection(('127.0.0.1', port), timeout=5)
        except OSError:
            refused += 1
            continue
        if i % 4 == 0:
            s.sendall(ofp_hello())
        if i % 2:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack('ii', 1, 0))
        s.close()
    ctx.check(refused == 0, '%d of 200 rapid connections failed' % refused,
              sluice=True)
    ctx.note('200 connect/close cycles in %.2f s' % (time.monotonic() - t0))

    time.sleep(0.5)
    ctx.check(daemon.running(), 'the controller died')
    lost.update(n for n, up in sn.connection_states(names).items()
                if not up)
    ctx.check(not lost, 'OVS switches lost their connection: %s'
              % ' '.join(sorted(lost)))
    downs = [d for d in dpids(net) if daemon.find_log(sn.down_re(d), mark)]
    ctx.check(not downs, 'OVS switches logged down: %s'
              % ', '.join('%#x' % d for d in downs), sluice=True)
    if fds is not None:
        settled = sn.wait_until(lambda: (daemon.n_fds() or 0) <= fds + 2, 5)
        ctx.check(settled, 'controller holds %s file descriptors, %d '
                  'before the hostile peers' % (daemon.n_fds(), fds),
                  sluice=True)
    ctx.note('controller running, %d switches connected throughout, '
             'descriptors %s -> %s' % (len(names), fds, daemon.n_fds()))


def t_check_config(ctx):
    if ctx.standin:
        raise Skip('the stand-in has no --check-config')
    port = sn.free_port()
    good = os.path.join(ctx.tmp, 'good.yaml')
    with open(good, 'w') as f:
        f.write(ctx.sluice_config(['tcp:127.0.0.1:%d' % port],
                                  echo_interval=0.5, echo_misses=2))
    bad = os.path.join(ctx.tmp, 'bad.yaml')
    with open(bad, 'w') as f:
        f.write('openflow:\n'
                '  listen: ["tcp:127.0.0.1:%d"]\n'
                '  echo_intervall: 5\n' % port)

    def check_config(path):
        try:
            return subprocess.run([ctx.args.sluice, '--check-config', path],
                                  stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True,
                                  timeout=10)
        except subprocess.TimeoutExpired:
            raise Failure('sluice --check-config %s still running after '
                          '10 s' % path)
    res = check_config(good)
    ctx.check(res.returncode == 0, '--check-config good.yaml: exit %d: %s'
              % (res.returncode, res.stderr.strip()[:300]))
    ctx.note('--check-config good.yaml: exit 0')
    res = check_config(bad)
    where = '%s:3:3:' % bad
    ctx.check(res.returncode != 0, '--check-config bad.yaml: exit 0')
    ctx.check(where in res.stderr and 'echo_intervall' in res.stderr,
              '--check-config bad.yaml: no "%s ... echo_intervall" in '
              'stderr: %s' % (where, res.stderr.strip()[:300]))
    ctx.note('--check-config bad.yaml: exit %d: %s'
             % (res.returncode, res.stderr.strip().splitlines()[0][:160]))
    ctx.check(not sn.listening(port), 'something listens on the port of '
              'the checked config')
    left = [pid for pid in os.listdir('/proc') if pid.isdigit()
            and ctx.tmp.encode() in proc_cmdline(pid)]
    ctx.check(not left, 'processes left behind: %s' % ' '.join(left))


def t_daemon_signals(ctx):
    """SIGHUP reloads what it can and names what needs a restart; a bad
    file changes nothing; SIGTERM stops the apps; --detach returns once
    the daemon runs (or fails, saying why) and --pidfile follows it."""
    if ctx.standin:
        raise Skip('the stand-in has no reload, --detach or --pidfile')
    port, port2, rest = sn.free_port(), sn.free_port(), sn.free_port()
    cfg = os.path.join(ctx.tmp, 'sluice.yaml')
    log = os.path.join(ctx.tmp, 'sluice.log')

    def write(listen_port, level, priority):
        with open(cfg, 'w') as f:
            f.write('openflow: {listen: ["tcp:127.0.0.1:%d"]}\n'
                    'rest: {listen: "127.0.0.1:%d"}\n'
                    'log: {level: %s}\n'
                    'apps:\n  - name: hub\n    config: {priority: %d}\n'
                    % (listen_port, rest, level, priority))

    def logged(text, timeout=5):
        def seen():
            with open(log, errors='replace') as f:
                return text in f.read()
        return sn.wait_until(seen, timeout)

    write(port, 'info', 1)
    argv = [ctx.args.sluice, '-c', cfg]
    if ctx.args.app_path:
        argv += ['--app-path', ctx.args.app_path]
    daemon = sn.Daemon(argv, log, 'sluice')
    ctx.daemons.append(daemon)
    ctx.defer(daemon.kill)
    daemon.start()
    daemon.wait_listening(port)

    # A reload: log levels and app config apply, the listener needs a
    # restart (and keeps listening where it did).
    write(port2, '{default: info, datapath: debug}', 2)
    daemon.proc.send_signal(signal.SIGHUP)
    ctx.check(logged('|info|controller|reloaded %s' % cfg),
              'no "reloaded" line after SIGHUP')
    ctx.check(logged('openflow.listen changed: restart sluice to apply it'),
              'the changed listener is not named as needing a restart')
    ctx.check(logged("app 'hub' cannot reload its config: restart sluice"),
              'the app without reconfigure is not named')
    ctx.check(sn.listening(port) and not sn.listening(port2),
              'the listener moved without a restart')
    with socket.create_connection(('127.0.0.1', port), timeout=5):
        pass
    ctx.check(logged('|debug|datapath|'), 'datapath=debug did not apply: '
              'no debug line for a short connection')
    # The running config still says what runs: the same file reloaded
    # again names the listener again.
    daemon.proc.send_signal(signal.SIGHUP)

    def warned_twice():
        with open(log, errors='replace') as f:
            return f.read().count('openflow.listen changed') >= 2
    ctx.check(sn.wait_until(warned_twice, 5), 'a second SIGHUP with the same '
              'file did not name the listener again')
    ctx.note('SIGHUP: levels applied, listener and hub named as needing a '
             'restart')

    # A bad file changes nothing.
    with open(cfg, 'w') as f:
        f.write('openflow: {listen: 7}\n')
    daemon.proc.send_signal(signal.SIGHUP)
    ctx.check(logged('reload failed, the running configuration is kept: '
                     '%s:1:' % cfg), 'no "reload failed ... FILE:LINE:" '
              'line after a bad SIGHUP')
    ctx.check(daemon.running() and sn.listening(port),
              'sluice stopped serving after a bad reload')
    ctx.note('SIGHUP with a bad file: refused, still serving')

    # --detach with a start that must fail (the port is taken): a non-zero
    # exit and the reason on stderr, no process left.
    write(port, 'info', 1)
    res = subprocess.run(argv + ['--detach'], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=10)
    ctx.check(res.returncode != 0 and 'in use' in res.stderr,
              '--detach on a taken port: exit %d, stderr %r'
              % (res.returncode, res.stderr[:200]))
    ctx.note('--detach on a taken port: exit %d: %s'
             % (res.returncode, res.stderr.strip()[:120]))

    # SIGTERM: the apps stop in order, exit 0.
    status = daemon.stop()
    ctx.check(status == 0, 'SIGTERM: exit status %s' % status)
    ctx.check(logged('|info|hub|stopped'), 'hub was not stopped')
    ctx.check(logged('shutting down (flows stay on the switches)'),
              'no shutdown line')
    ctx.note('SIGTERM: hub stopped, exit 0')

    # --detach --pidfile: returns once listening; the pid file names the
    # daemon, which SIGTERM stops and which removes the file.
    pidfile = os.path.join(ctx.tmp, 'sluice.pid')
    res = subprocess.run(argv + ['--detach', '--pidfile', pidfile],
                         stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=10)
    ctx.check(res.returncode == 0, '--detach: exit %d: %s'
              % (res.returncode, res.stderr[:200]))
    ctx.check(sn.listening(port), '--detach returned before listening')
    with open(pidfile) as f:
        pid = int(f.read().strip())
    ctx.defer(lambda: os.kill(pid, signal.SIGKILL)
              if os.path.exists('/proc/%d' % pid) else None)
    ctx.check(ctx.tmp.encode() in proc_cmdline(str(pid)),
              'the pid file does not name the daemon')
    os.kill(pid, signal.SIGTERM)
    gone = sn.wait_until(lambda: not os.path.exists('/proc/%d' % pid)
                         or b'' == proc_cmdline(str(pid)), 10)
    ctx.check(gone, 'the detached daemon survived SIGTERM')
    ctx.check(sn.wait_until(lambda: not os.path.exists(pidfile), 5),
              'the pid file was not removed')
    ctx.note('--detach --pidfile: started, pid %d, stopped, file removed'
             % pid)


def proc_cmdline(pid):
    try:
        with open('/proc/%s/cmdline' % pid, 'rb') as f:
            return f.read()
    except OSError:
        return b''


TESTS = (
    ('tcp_3_switches', 60, t_tcp_3_switches),
    ('tcp_10_switches', 120, t_tcp_10_switches),
    ('tls', 120, t_tls),
    ('dead_peer', 60, t_dead_peer),
    ('restart_reconcile', 120, t_restart_reconcile),
    ('hostile_peer', 90, t_hostile_peer),
    ('check_config', 30, t_check_config),
    ('daemon_signals', 60, t_daemon_signals),
)


def rest_test(fn):
    """A test of Sluice's REST API: the stand-in has none."""
    def run(ctx):
        if ctx.standin:
            raise Skip('the stand-in has no REST API')
        fn(ctx)
    return run


TESTS += tuple((name, timeout, rest_test(fn))
               for name, timeout, fn in e2e_rest.TESTS)
TESTS += tuple((name, timeout, rest_test(fn))
               for name, timeout, fn in e2e_topo.TESTS)
TESTS += tuple((name, timeout, rest_test(fn))
               for name, timeout, fn in e2e_apps.TESTS)
TESTS += tuple((name, timeout, rest_test(fn))
               for name, timeout, fn in e2e_faults.TESTS)
TESTS += tuple((name, timeout, rest_test(fn))
               for name, timeout, fn in e2e_abuse.TESTS)
TESTS += tuple((name, timeout, rest_test(fn))
               for name, timeout, fn in e2e_security.TESTS)
TESTS += tuple((name, timeout, rest_test(fn))
               for name, timeout, fn in e2e_ui.TESTS)
TESTS += tuple((name, timeout, rest_test(fn))
               for name, timeout, fn in e2e_readme.TESTS)


def on_alarm(signum, frame):
    raise TestTimeout()


def on_stop(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def run_test(args, number, name, timeout, fn, tmp_root):
    """Runs one test; prints its TAP line.  Returns PASS, FAIL or SKIP."""
    tmp = os.path.join(tmp_root, name)
    os.makedirs(tmp)
    ctx = Ctx(args, name, tmp)
    t0 = time.monotonic()
    status, reason = 'PASS', None
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        fn(ctx)
        ctx.finish()
    except Skip as e:
        status, reason = 'SKIP', str(e)
    except Failure as e:
        status, reason = 'FAIL', str(e)
    except TestTimeout:
        status, reason = 'FAIL', 'timed out after %d s' % timeout
    except sn.Error as e:
        status, reason = 'FAIL', str(e)
    except Exception:
        status, reason = 'FAIL', traceback.format_exc()
    except Interrupted:
        print('not ok %d - %s # interrupted' % (number, name), flush=True)
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        # The controllers' last lines at the failure, before the teardown
        # adds its own.
        tails = [(d, d.tail(40)) for d in ctx.daemons]
        errors = ctx.cleanup()
    for e in errors:
        ctx.note(e)
    elapsed = time.monotonic() - t0
    if status == 'FAIL':
        print('not ok %d - %s' % (number, name), flush=True)
        ctx.note('FAILED: ' + reason)
        for d, tail in tails:
            ctx.note('--- last lines of %s (%s) at the failure:'
                     % (d.name, d.log_path))
            for line in tail:
                ctx.note('  ' + line)
        sn.mn_cleanup()
    elif status == 'SKIP':
        print('ok %d - %s # SKIP %s' % (number, name, reason), flush=True)
    else:
        print('ok %d - %s' % (number, name), flush=True)
    print('# %s: %.1f s' % (name, elapsed), flush=True)
    if args.results_dir:
        write_results(args.results_dir, name, status, ctx, elapsed)
    return status


def write_results(results_dir, name, status, ctx, elapsed):
    """automake-style e2e-NAME.trs and e2e-NAME.log (with the full logs of
    the controllers it ran)."""
    base = os.path.join(results_dir, 'e2e-' + name)
    with open(base + '.trs', 'w') as f:
        f.write(':test-result: %s\n:global-test-result: %s\n'
                ':recheck: %s\n:copy-in-global-log: %s\n'
                % (status, status, 'yes' if status == 'FAIL' else 'no',
                   'yes' if status == 'FAIL' else 'no'))
    with open(base + '.log', 'w') as f:
        f.write('%s: %s (%.1f s)\n' % (name, status, elapsed))
        f.writelines(line + '\n' for line in ctx.notes)
        for d in ctx.daemons:
            f.write('\n--- %s: %s\n' % (d.name, ' '.join(d.argv)))
            f.write(d.log())


def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    build = os.path.join(os.path.dirname(here), '_build')
    p = argparse.ArgumentParser(
        description='Sluice end-to-end tests on Mininet + Open vSwitch '
        '(root).')
    p.add_argument('--sluice', default=os.path.join(build, 'controller',
                                                    'sluice'),
                   help='the sluice binary (default: %(default)s)')
    p.add_argument('--app-path', default=None,
                   help='passed to sluice as --app-path (default: apps/.libs '
                   'of the build tree of --sluice, when it exists)')
    p.add_argument('--only', default=None, metavar='NAME[,NAME]',
                   help='run only these tests')
    p.add_argument('--list', action='store_true', help='list the tests')
    p.add_argument('--results-dir', default=None,
                   help='write e2e-NAME.trs and e2e-NAME.log here')
    p.add_argument('--sluice-log-level', default=None, metavar='SPEC',
                   help='passed to sluice as --log-level')
    p.add_argument('--app', default='l2_learning',
                   help='the app in the generated configs (default: '
                   '%(default)s)')
    p.add_argument('--stand-in', action='store_true',
                   help='run against ovs-testcontroller (checks the '
                   'harness; Sluice-specific checks not enforced)')
    p.add_argument('--keep-tmp', action='store_true',
                   help='keep the temporary directory')
    args = p.parse_args(argv)
    if args.app_path is None:
        guess = os.path.join(os.path.dirname(os.path.dirname(
            os.path.abspath(args.sluice))), 'apps', '.libs')
        if os.path.isdir(guess):
            args.app_path = guess
    return args, p


def main(argv):
    args, parser = parse_args(argv)
    if args.list:
        for name, timeout, _ in TESTS:
            print('%-18s (timeout %d s)' % (name, timeout))
        return 0
    tests = list(TESTS)
    if args.only:
        wanted = args.only.split(',')
        unknown = [w for w in wanted if w not in [t[0] for t in TESTS]]
        if unknown:
            parser.error('unknown test %s (--list names them)'
                         % ', '.join(unknown))
        tests = [t for t in TESTS if t[0] in wanted]
    sn.require_root('e2e.py')
    if args.stand_in:
        if not shutil.which('ovs-testcontroller'):
            parser.error('--stand-in needs ovs-testcontroller (apt-get '
                         'install openvswitch-testcontroller)')
    elif not os.access(args.sluice, os.X_OK):
        parser.error('no sluice binary at %s (build it, or give --sluice)'
                     % args.sluice)
    else:
        args.sluice = os.path.abspath(args.sluice)
    if args.results_dir:
        os.makedirs(args.results_dir, exist_ok=True)
        for name, _, _ in TESTS:
            for ext in ('.trs', '.log'):
                path = os.path.join(args.results_dir, 'e2e-' + name + ext)
                if os.path.exists(path):
                    os.unlink(path)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    results = []
    tmp_root = tempfile.mkdtemp(prefix='sluice-e2e-')
    print('1..%d' % len(tests), flush=True)
    print('# controller: %s' % ('ovs-testcontroller (stand-in)'
                                if args.stand_in else args.sluice),
          flush=True)
    t0 = time.monotonic()
    try:
        sn.ensure_ovs()
        sn.mn_cleanup()
        for number, (name, timeout, fn) in enumerate(tests, 1):
            results.append(run_test(args, number, name, timeout, fn,
                                    tmp_root))
    except Interrupted as e:
        print('# interrupted (%s): cleaned up' % e, flush=True)
        results.append('FAIL')
    except sn.Error as e:
        print('Bail out! %s' % e, flush=True)
        results.append('FAIL')
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sn.mn_cleanup()
        if args.keep_tmp:
            print('# kept %s' % tmp_root, flush=True)
        else:
            shutil.rmtree(tmp_root, ignore_errors=True)
    passed = results.count('PASS')
    failed = results.count('FAIL')
    skipped = results.count('SKIP')
    print('# total %.1f s' % (time.monotonic() - t0))
    print('%d passed, %d failed' % (passed, failed)
          + (', %d skipped' % skipped if skipped else ''), flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
