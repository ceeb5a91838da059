"""e2e_apps: end-to-end proofs of the apps of issue 7 -- l2_learning
(proactive forwarding on the topology), acl and l3_routing -- registered
by e2e.py (TESTS below).  Each runs a real sluice with a REST listener
(a token for the writes) and the apps' config, and a Mininet network of
userspace OVS switches; traffic is real (ping, iperf) between the hosts'
network namespaces.  Measured numbers are printed as "#" lines.

  apps_l2_tree      tree,depth=3,fanout=2; apps: [l2_learning] (proactive,
                    the default): links discovered, then pingall with no
                    loss (the first round may be retried once after 2 s
                    if the topology was still converging: a note says
                    so), a second pingall with no loss; then steady
                    state (the emulation's own multicast silenced, see
                    quiet_ipv6, and no packet-in to apps for 2 s, see
                    wait_quiet): every host pings its neighbour 10 times
                    at 0.1 s, all in parallel, with no loss, and the
                    packet-ins delivered to apps
                    (sluice_app_events_total{event="packet_in"}, summed)
                    do not grow at all; the packet-ins the topology takes
                    (sluice_packet_ins_total minus
                    sluice_lldp_received_total: its ARP/ND copies) are
                    reported per second; /api/v1/apps/l2_learning says
                    mode proactive
  apps_l2_linear    linear,6: the same
  apps_l2_torus     torus,3,3 (loops): the same, and no storm
                    (sluice_packet_ins_total grows by less than 20,000
                    over the test); the flows of table l2 per switch are
                    counted
  apps_l2_failover  torus,3,3: h1x1 and h1x2, whose shortest path is the
                    link L = s1x1-s1x2 (the flow toward h1x2 on s1x1 must
                    output to L); h1x1 pings h1x2 every 50 ms while L is
                    taken down: the longest gap in the replies (missing
                    icmp_seq numbers x 50 ms) is under 2 s; the flow now
                    avoids L; L back up, pings still answered
  apps_acl_iperf    linear,2; apps: [acl {stats_interval: 1}, l2_learning]:
                    iperf h1 -> h2:5001 works; POST a deny rule
                    {"tcp_dst": 5001}: the rule's flow is on both switches,
                    iperf fails within 5 s while ping works, GET /rules
                    counts the dropped packets; DELETE it: iperf works
                    again; three invalid rules are refused with 400 naming
                    the culprit, and change nothing
  apps_l3_routing   RoutedTopo (topos.py): two subnets behind l3_routing
                    (interfaces by port set, gateways .1 and ::1), a third
                    behind a Linux router host r reached by static routes
                    (v4 and v6); apps: [l3_routing, l2_learning]: h1
                    pings its gateway (v4, v6); h1 pings h2, still unknown
                    to the router (the first request waits at the
                    controller for h2's resolution: routed_by_controller
                    grows), and h2 pings h1 (v4, v6), every reply with
                    ttl=63; h2 sees h1's requests with TTL / hop limit 63
                    (tcpdump); h1 pings h3 behind r (v4, v6: ttl 62);
                    h2 and r ping their gateway (v4, v6); the REST lists
                    of interfaces, routes and neighbours agree with the
                    network
"""

import json
import os
import re
import shlex
import subprocess
import sys
import time

import sluicenet as sn
from e2e_rest import Api, scrape
from e2e_topo import fmt_links, mininet_links, ofports, rest_links
from mininet.topo import LinearTopo
from mininet.topolib import TorusTopo, TreeTopo
from topos import RoutedTopo

TOKEN = 'e2e-apps-token'
CONVERGE_TIMEOUT = 20.0     # s for the links and the tree to be complete
RETRY_AFTER = 2.0           # s before the one retry of the first pingall
STORM_LIMIT = 20000         # packet-ins over the torus test
STEADY_COUNT = 10           # pings per host in the steady-state round
STEADY_INTERVAL = 0.1       # s between them
QUIET_FOR = 2.0             # s without packet-ins to apps before that round
QUIET_TIMEOUT = 15.0        # s to wait for them
FAILOVER_INTERVAL = 0.05    # s between the failover test's pings
FAILOVER_LIMIT = 2.0        # s: the longest gap allowed in its replies
FLOW_TIMEOUT = 5.0          # s for a flow to show on (or leave) a switch
IPERF_PORT = 5001
IPERF_BLOCKED = 5           # s: a blocked iperf must have failed by then
ICMP_ECHO_REQUEST6 = 128


# Turns transmit checksum offload off on the interfaces named in argv (the
# SIOCETHTOOL ioctl, ETHTOOL_STXCSUM 0: `ethtool -K IF tx off` without
# ethtool).  A host's veth otherwise hands its TCP segments to the OVS
# userspace datapath with their checksums left for a NIC to fill in, and
# the receiver drops every one: ping works, TCP does not.
TX_CSUM_OFF = (
    "import array, fcntl, socket, struct, sys; "
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
    "[fcntl.ioctl(s.fileno(), 0x8946, struct.pack('16sP16x', n.encode(), "
    "v.buffer_info()[0])) for n in sys.argv[1:] "
    "for v in [array.array('I', [0x17, 0])]]; "
    "print('tx checksum offload off')")


def tx_checksum_off(net):
    """Transmit checksum offload off on every interface of every host of
    'net' (TCP through the userspace datapath needs it).  Raises sn.Error
    if a host refuses."""
    for h in net.hosts:
        names = [i.name for i in h.intfList() if i.name != 'lo']
        out = h.cmd('%s -c %s %s' % (sys.executable, shlex.quote(TX_CSUM_OFF),
                                     ' '.join(names)))
        if 'tx checksum offload off' not in out:
            raise sn.Error('%s: cannot turn checksum offload off: %s'
                           % (h.name, out.strip()[-300:]))


# ---- sluice ----

def start(ctx, apps, topology=None):
    """sluice with a REST listener (token TOKEN) and the 'apps', a list of
    (name, config dict or None); 'topology' is a dict of topology.* keys.
    Returns (OpenFlow port, api, daemon)."""
    y = sn.yaml_str
    port = sn.free_port()
    ctx.rest_port = sn.free_port()
    ctx.rest_token = TOKEN
    lines = ['# generated by e2e_apps.py for test %s' % ctx.name,
             'openflow:',
             '  listen: [%s]' % y('tcp:127.0.0.1:%d' % port),
             'rest:',
             '  listen: %s' % y('127.0.0.1:%d' % ctx.rest_port),
             '  token: %s' % y(TOKEN)]
    if topology:
        lines.append('topology:')
        lines += ['  %s: %s' % kv for kv in sorted(topology.items())]
    lines.append('apps:')
    for name, config in apps:
        lines.append('  - name: %s' % y(name))
        if config is not None:
            # JSON is YAML's flow style.
            lines.append('    config: %s' % json.dumps(config))
    n = len(ctx.daemons) + 1
    cfg = os.path.join(ctx.tmp, '%s-%d.yaml' % (ctx.name, n))
    with open(cfg, 'w') as f:
        f.write('\n'.join(lines) + '\n')
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
    up = sn.wait_until(lambda: sn.listening(ctx.rest_port), 10)
    ctx.check(up, 'sluice does not serve REST on 127.0.0.1:%d'
              % ctx.rest_port)
    ctx.note('apps: %s' % ', '.join(
        name + ('' if config is None else ' ' + json.dumps(config))
        for name, config in apps))
    return port, Api(ctx, ctx.rest_port, TOKEN), daemon


class Counters:
    """The packet-in counters of one scrape of /metrics."""

    def __init__(self, ctx, api):
        fams = scrape(ctx, api)
        self.at = time.monotonic()

        def samples(name):
            fam = fams.get(name)
            ctx.check(fam is not None, '/metrics has no %s' % name)
            return fam['samples']
        self.app_packet_ins = {}
        for _, labels, v in samples('sluice_app_events_total'):
            if labels.get('event') == 'packet_in':
                app = labels.get('app')
                self.app_packet_ins[app] = (self.app_packet_ins.get(app, 0)
                                            + v)
        self.packet_ins = sum(v for _, _, v
                              in samples('sluice_packet_ins_total'))
        self.lldp = sum(v for _, _, v
                        in samples('sluice_lldp_received_total'))
        self.fams = fams

    @property
    def to_apps(self):
        return sum(self.app_packet_ins.values())


def metric(fams, family, **labels):
    """The sum of the samples of 'family' matching 'labels' (None if the
    family is missing)."""
    fam = fams.get(family)
    if fam is None:
        return None
    return sum(v for _, ls, v in fam['samples']
               if all(ls.get(k) == x for k, x in labels.items()))


# ---- the network ----

def converge(ctx, api, net, timeout=CONVERGE_TIMEOUT):
    """Waits until the switches are connected, the links over REST are
    Mininet's and the flooding tree spans the switches."""
    t0 = time.monotonic()
    names = [s.name for s in net.switches]
    ctx.wait_connected(names)
    ctx.wait_table_miss(names)
    want = mininet_links(ctx, net)
    got, summary = set(), {}

    def done():
        got.clear()
        got.update(rest_links(ctx, api))
        summary.clear()
        summary.update(api.json('GET', '/api/v1/topology/summary'))
        return got == want and summary.get('tree_links') == len(names) - 1
    ok = sn.wait_until(done, timeout, interval=0.1)
    ctx.check(ok, 'topology not converged after %.0f s: missing links %s; '
              'extra %s; tree_links %r of %d switches'
              % (timeout, fmt_links(want - got), fmt_links(got - want),
                 summary.get('tree_links'), len(names)))
    ctx.note('topology: %d switches, %d directed links, %d tree links, '
             'complete %.2f s after the network started'
             % (len(names), len(want), summary['tree_links'],
                time.monotonic() - t0))
    return want


def quiet_ipv6(ctx, net):
    """Silences the multicast a Mininet network makes on its own, noise in
    a count of the packet-ins that pings between known hosts cause (each
    such frame is flooded hop by hop through the controller): IPv6 off on
    the switches' interfaces (veths in the root namespace, whose kernel
    would otherwise send router solicitations and MLD reports out of them
    -- into the peer switch port -- at 4 s, 8 s, 16 s... after they come
    up; a real switch port sends none), and no more router solicitations
    from the hosts."""
    for sw in net.switches:
        for intf in sw.intfList():
            if intf.name == 'lo':
                continue
            path = '/proc/sys/net/ipv6/conf/%s/disable_ipv6' % intf.name
            try:
                with open(path, 'w') as f:
                    f.write('1\n')
            except OSError as e:
                ctx.check(False, 'IPv6 off on %s: %s' % (intf.name, e))
    for h in net.hosts:
        keys = ['net.ipv6.conf.%s.router_solicitations=0' % x
                for x in ['all', 'default'] + [i.name for i in h.intfList()
                                               if i.name != 'lo']]
        out = h.cmd('sysctl -qw %s && echo done' % ' '.join(keys))
        ctx.check('done' in out, '%s: sysctl %s: %s'
                  % (h.name, ' '.join(keys), out.strip()[-200:]))


def pingall_rounds(ctx, net):
    """pingall twice; the first round is retried once after RETRY_AFTER s
    if it lost anything (the topology may still have been converging).
    The second round must lose nothing."""
    t0 = time.monotonic()
    sent, received, failed = sn.ping_pairs(net)
    took = time.monotonic() - t0
    n = len(net.hosts)
    if received < sent or sent != n * (n - 1):
        ctx.note('first pingall: %d/%d received (%.1f s), failed %s: '
                 'retried after %.0f s (topology still converging?)'
                 % (received, sent, took, ' '.join(failed[:12]),
                    RETRY_AFTER))
        time.sleep(RETRY_AFTER)
        ctx.pingall(net, 'first pingall, retried')
    else:
        ctx.note('first pingall: %d/%d received, 0%% loss (%.1f s)'
                 % (received, sent, took))
    ctx.pingall(net, 'second pingall')


def ping_summary(out):
    """(transmitted, received) of ping's summary (None if missing)."""
    m = re.search(r'(\d+) packets transmitted, (\d+) (?:packets )?received',
                  out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def popen_ping(host, dst, count, interval, extra=()):
    return host.popen(['ping', '-n', '-c', str(count), '-i', str(interval),
                       '-W', '1'] + list(extra) + [dst],
                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def collect(ctx, procs, timeout):
    """Waits for every (name, Popen) of 'procs'; returns {name: output}.
    Whatever is still running at 'timeout' is killed (and fails)."""
    outs = {}
    deadline = time.monotonic() + timeout
    late = []
    for name, p in procs:
        try:
            out, _ = p.communicate(timeout=max(0.1, deadline
                                               - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
            late.append(name)
        outs[name] = out.decode(errors='replace')
    ctx.check(not late, 'still running after %.0f s: %s'
              % (timeout, ' '.join(late)))
    return outs


def kill_all(procs):
    for _, p in procs:
        if p.poll() is None:
            p.kill()
            p.wait(5)


def wait_quiet(ctx, api, quiet_for=QUIET_FOR, timeout=QUIET_TIMEOUT):
    """Waits until no packet-in has reached an app for 'quiet_for' s: a
    network that has just started still has its hosts' own IPv6 chatter
    (MLD reports, duplicate address detection) to flood."""
    t0 = time.monotonic()
    last = Counters(ctx, api)
    since = last.at
    while time.monotonic() - t0 < timeout:
        time.sleep(0.25)
        now = Counters(ctx, api)
        if now.to_apps != last.to_apps:
            last, since = now, now.at
        elif now.at - since >= quiet_for:
            ctx.note('quiet: no packet-in to apps for %.1f s (waited %.1f '
                     's)' % (quiet_for, time.monotonic() - t0))
            return
    ctx.note('not quiet after %.0f s: packet-ins to apps keep coming'
             % timeout)


def miss_counts(net):
    """{switch: n_packets of the table-miss flow of table l2}."""
    counts = {}
    for sw in net.switches:
        for f in sn.dump_flows(sw.name):
            if f.table == 3 and f.priority == 0 and f.match == '':
                counts[sw.name] = f.n_packets
    return counts


def steady_state(ctx, api, net):
    """After wait_quiet(), every host pings its neighbour (the next host)
    STEADY_COUNT times at STEADY_INTERVAL, in parallel, with no loss: the
    packet-ins given to apps must not grow at all.  Returns the packet-ins
    of the window."""
    hosts = net.hosts
    wait_quiet(ctx, api)
    misses = miss_counts(net)
    before = Counters(ctx, api)
    procs = []
    ctx.defer(kill_all, procs)
    # With a deadline ping waits for every reply (not just two round trips
    # after the last request): a reply delayed by a loaded machine is not
    # counted lost, a lost one still is.
    steady_deadline = ('-w', '%d' % (STEADY_COUNT * STEADY_INTERVAL + 5))
    for i, h in enumerate(hosts):
        dst = hosts[(i + 1) % len(hosts)]
        procs.append(('%s->%s' % (h.name, dst.name),
                      popen_ping(h, dst.IP(), STEADY_COUNT,
                                 STEADY_INTERVAL, steady_deadline)))
    outs = collect(ctx, procs, STEADY_COUNT * STEADY_INTERVAL + 10)
    after = Counters(ctx, api)
    lossy = []
    sent = received = 0
    for name, out in sorted(outs.items()):
        s = ping_summary(out)
        if s is None or s[1] < s[0] or s[0] != STEADY_COUNT:
            lossy.append('%s: %s' % (name, s and '%d/%d' % (s[1], s[0])
                                     or out.strip()[-120:]))
            continue
        sent += s[0]
        received += s[1]
    elapsed = after.at - before.at
    to_apps = after.to_apps - before.to_apps
    topo_ins = ((after.packet_ins - before.packet_ins)
                - (after.lldp - before.lldp))
    ctx.note('steady state: %d hosts ping their neighbour %d x %.1f s in '
             'parallel: %d/%d received over %.1f s'
             % (len(hosts), STEADY_COUNT, STEADY_INTERVAL, received,
                len(hosts) * STEADY_COUNT, elapsed))
    ctx.note('steady state: packet-ins to apps +%d (%s); packet-ins minus '
             'LLDP (the topology\'s ARP/ND copies) +%d = %.1f/s; LLDP '
             '+%d' % (to_apps, ', '.join(
                 '%s +%d' % (a, after.app_packet_ins.get(a, 0) - v)
                 for a, v in sorted(before.app_packet_ins.items())),
                      topo_ins, topo_ins / max(elapsed, 1e-3),
                      after.lldp - before.lldp))
    ctx.check(not lossy, 'steady-state pings lost packets: %s'
              % '; '.join(lossy))
    if to_apps:
        grew = {n: c - misses.get(n, 0) for n, c in miss_counts(net).items()}
        ctx.note('table-miss of table 3 since: %s' % ' '.join(
            '%s +%d' % kv for kv in sorted(grew.items()) if kv[1]))
    ctx.check(to_apps == 0, 'steady state: %d packet-ins reached the apps '
              '(%s) while hosts pinged known neighbours; want none'
              % (to_apps, ', '.join(
                  '%s +%d' % (a, after.app_packet_ins.get(a, 0) - v)
                  for a, v in sorted(before.app_packet_ins.items()))))
    return to_apps


def table_flows(name, table, priority_min=1):
    """The flows of 'name' in 'table' (the table-miss left out)."""
    return [f for f in sn.dump_flows(name)
            if f.table == table and f.priority >= priority_min]


def l2_test(topo, storm=False):
    """apps_l2_*: pingall rounds and the steady state on 'topo()'."""
    def run(ctx):
        port, api, daemon = start(ctx, [('l2_learning', None)])
        first = Counters(ctx, api)
        net = ctx.network(topo(), port)
        quiet_ipv6(ctx, net)
        converge(ctx, api, net)
        pingall_rounds(ctx, net)
        steady_state(ctx, api, net)
        last = Counters(ctx, api)
        grew = last.packet_ins - first.packet_ins
        ctx.note('packet-ins over the test: %d (%d to apps, %d LLDP)'
                 % (grew, last.to_apps - first.to_apps,
                    last.lldp - first.lldp))
        if storm:
            ctx.check(grew < STORM_LIMIT, 'a broadcast storm? %d '
                      'packet-ins over the test (limit %d)'
                      % (grew, STORM_LIMIT))
            counts = {s.name: len(table_flows(s.name, 3))
                      for s in net.switches}
            ctx.note('flows in table 3 (l2) besides the miss: %s'
                     % ' '.join('%s %d' % kv for kv in sorted(counts.items())))
        info = api.json('GET', '/api/v1/apps/l2_learning')
        ctx.check(isinstance(info, dict) and info.get('mode') == 'proactive',
                  'GET /api/v1/apps/l2_learning: %r, want mode proactive'
                  % info)
        ctx.note('/api/v1/apps/l2_learning: %s' % json.dumps(
            info, sort_keys=True))
        ctx.check(daemon.running(), 'sluice died')
    return run


# ---- apps_l2_failover ----

def link_between(net, a, b):
    links = [x for x in net.links
             if {x.intf1.node.name, x.intf2.node.name} == {a, b}]
    return links


def l2_out_port(name, mac):
    """The output port of the flow toward 'mac' in table l2 of switch
    'name' (None if there is none)."""
    for f in table_flows(name, 3):
        if 'dl_dst=%s' % mac in f.match:
            m = re.search(r'output:(\d+)', f.actions)
            if m:
                return int(m.group(1))
    return None


def seq_gaps(out, interval):
    """(longest gap in s, replies, transmitted, [(first missing seq,
    count)] runs) of a ping run's output."""
    seqs = sorted({int(m) for m in re.findall(
        r'bytes from [^:]+: icmp_seq=(\d+)', out)})
    s = ping_summary(out)
    sent = s[0] if s else (seqs[-1] if seqs else 0)
    runs = []
    prev = 0
    for q in seqs + [sent + 1]:
        if q - prev > 1:
            runs.append((prev + 1, q - prev - 1))
        prev = q
    longest = max((n for _, n in runs), default=0)
    return longest * interval, len(seqs), sent, runs


def t_apps_l2_failover(ctx):
    port, api, daemon = start(ctx, [('l2_learning', None)])
    net = ctx.network(TorusTopo(3, 3), port)
    converge(ctx, api, net)
    h1, h2 = net.get('h1x1'), net.get('h1x2')
    cables = link_between(net, 's1x1', 's1x2')
    ctx.check(len(cables) == 1, 'cables between s1x1 and s1x2: %d'
              % len(cables))
    cable = cables[0]
    ports = ofports()
    l_port = ports[cable.intf1.name if cable.intf1.node.name == 's1x1'
                   else cable.intf2.name]
    out = h1.cmd('ping -n -c 3 -i 0.2 -W 2 %s' % h2.IP())
    s = ping_summary(out)
    ctx.check(s and s[1] > 0, 'h1x1 ping h1x2 before the failure: %r'
              % out[-200:])
    got = []

    def on_l():
        got[:] = [l2_out_port('s1x1', h2.MAC())]
        return got[0] == l_port
    ok = sn.wait_until(on_l, FLOW_TIMEOUT, interval=0.2)
    ctx.check(ok, 'the flow toward h1x2 (%s) on s1x1 outputs to port %s, '
              'not to the shortest path: L = s1x1-s1x2, port %d'
              % (h2.MAC(), got[0], l_port))
    ctx.note('h1x1 -> h1x2 on the shortest path: s1x1 port %d (L = '
             's1x1-s1x2)' % l_port)

    count = int(12 / FAILOVER_INTERVAL)
    procs = [('ping', popen_ping(h1, h2.IP(), count, FAILOVER_INTERVAL))]
    ctx.defer(kill_all, procs)
    time.sleep(3)
    t_down = time.monotonic()
    net.configLinkStatus('s1x1', 's1x2', 'down')
    moved = sn.wait_until(lambda: l2_out_port('s1x1', h2.MAC())
                          not in (l_port, None), FLOW_TIMEOUT,
                          interval=0.05)
    ctx.note('L down 3 s into the ping run; the flow toward h1x2 on s1x1 '
             '%s' % ('left L after %.2f s' % (time.monotonic() - t_down)
                     if moved else 'did not leave L in %.0f s'
                     % FLOW_TIMEOUT))
    out = collect(ctx, procs, count * FAILOVER_INTERVAL + 15)['ping']
    gap, replies, sent, runs = seq_gaps(out, FAILOVER_INTERVAL)
    ctx.note('ping every %.0f ms: %d/%d replies; missing runs %s; longest '
             'gap %.2f s (limit %.1f s)'
             % (FAILOVER_INTERVAL * 1000, replies, sent,
                ' '.join('seq %d x%d' % r for r in runs) or '(none)', gap,
                FAILOVER_LIMIT))
    ctx.check(sent >= count * 0.9, 'ping sent %d of %d' % (sent, count))
    ctx.check(gap < FAILOVER_LIMIT, 'longest gap in the replies %.2f s '
              'after L went down, limit %.1f s' % (gap, FAILOVER_LIMIT))
    now = l2_out_port('s1x1', h2.MAC())
    ctx.note('the flow toward h1x2 on s1x1 outputs to port %s at the end'
             % now)
    ctx.check(now is not None and now != l_port, 'the flow toward h1x2 on '
              's1x1 still outputs to L (port %d) or is gone (%s)'
              % (l_port, now))

    net.configLinkStatus('s1x1', 's1x2', 'up')
    out = h1.cmd('ping -n -c 10 -i 0.2 -W 2 %s' % h2.IP())
    s = ping_summary(out)
    ctx.check(s and s[1] == s[0], 'h1x1 ping h1x2 after L came back: %r'
              % out[-200:])
    ctx.note('L back up: %d/%d replies' % (s[1], s[0]))
    ctx.check(daemon.running(), 'sluice died')


# ---- apps_acl_iperf ----

def iperf(host, server_ip, limit, seconds=2):
    """Runs an iperf client for 'seconds' within 'limit' s.  Returns (bits
    per second or None, exit status, output)."""
    # iperf waits out a SIGTERM in connect(): KILL it a second later.
    out = host.cmd('timeout -k 1 %d iperf -c %s -p %d -t %d 2>&1; '
                   'echo "exit=$?"' % (limit, server_ip, IPERF_PORT,
                                       seconds))
    status = re.search(r'exit=(\d+)', out)
    status = int(status.group(1)) if status else None
    m = re.findall(r'([\d.]+) ([KMG]?)bits/sec', out)
    bps = None
    if m:
        value, unit = m[-1]
        bps = float(value) * {'': 1, 'K': 1e3, 'M': 1e6, 'G': 1e9}[unit]
    return bps, status, out


def acl_flows(name):
    return [f for f in table_flows(name, 1)
            if 'tp_dst=%d' % IPERF_PORT in f.match]


def api_rules(ctx, api):
    body = api.json('GET', '/api/v1/apps/acl/rules')
    ctx.check(isinstance(body, dict) and isinstance(body.get('rules'), list),
              'GET /api/v1/apps/acl/rules: %r' % body)
    return body


def t_apps_acl_iperf(ctx):
    port, api, daemon = start(ctx, [('acl', {'stats_interval': 1}),
                                    ('l2_learning', None)])
    net = ctx.network(LinearTopo(k=2), port)
    converge(ctx, api, net)
    h1, h2 = net.get('h1'), net.get('h2')
    names = [s.name for s in net.switches]
    tx_checksum_off(net)
    ctx.pingall(net)
    server = h2.popen(['iperf', '-s', '-p', str(IPERF_PORT)],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx.defer(kill_all, [('iperf -s', server)])
    ctx.check(sn.wait_until(lambda: 'LISTEN' in h2.cmd(
        'ss -ltn sport = :%d' % IPERF_PORT), 5), 'iperf -s on h2 does not '
        'listen')

    bps, status, out = iperf(h1, h2.IP(), 10)
    ctx.check(bps and status == 0, 'iperf h1 -> h2 before any rule: exit '
              '%s: %s' % (status, out.strip()[-300:]))
    ctx.note('iperf h1 -> h2:%d, no rule: %.2f Gbit/s' % (IPERF_PORT,
                                                          bps / 1e9))

    rules0 = api_rules(ctx, api)
    r = api.post('/api/v1/apps/acl/rules', {'tcp_dst': IPERF_PORT,
                                            'action': 'deny'})
    ctx.check(r.status == 201, 'POST a deny rule for tcp_dst %d: %r'
              % (IPERF_PORT, r))
    rule = json.loads(r.body)
    ctx.check(isinstance(rule, dict) and isinstance(rule.get('id'), int),
              'POST /api/v1/apps/acl/rules: no id in %r' % rule)
    rid = rule['id']
    ctx.note('POST deny tcp_dst %d: 201 %s' % (IPERF_PORT, r.text()))
    t0 = time.monotonic()
    on = sn.wait_until(lambda: all(acl_flows(n) for n in names),
                       FLOW_TIMEOUT, interval=0.1)
    ctx.check(on, 'the deny rule\'s flow is not in table 1 of every switch '
              'after %.0f s: %s' % (FLOW_TIMEOUT, {n: acl_flows(n)
                                                   for n in names}))
    f = acl_flows('s1')[0]
    ctx.note('on s1 and s2 after %.2f s: %s' % (time.monotonic() - t0,
                                                f.normal()))
    ctx.check(f.actions == 'drop', 'the deny flow has actions=%s'
              % f.actions)

    t0 = time.monotonic()
    bps, status, out = iperf(h1, h2.IP(), IPERF_BLOCKED)
    took = time.monotonic() - t0
    ctx.check(not bps, 'iperf h1 -> h2:%d got through the deny rule: %s'
              % (IPERF_PORT, out.strip()[-300:]))
    ctx.note('iperf with the deny rule: no transfer, ended after %.1f s '
             '(exit %s: %s)' % (took, status, ' / '.join(
                 x for x in out.strip().splitlines()
                 if 'exit=' not in x)[-160:] or 'no output'))
    out = h1.cmd('ping -n -c 3 -i 0.2 -W 2 %s' % h2.IP())
    s = ping_summary(out)
    ctx.check(s and s[1] == s[0] == 3, 'ping h1 -> h2 with the deny rule: '
              '%r' % out[-200:])
    ctx.note('ping with the deny rule: 3/3')

    got = {}

    def counted():
        body = api_rules(ctx, api)
        mine = [x for x in body['rules'] if x.get('id') == rid]
        got['rule'] = mine[0] if mine else None
        return mine and isinstance(mine[0].get('packets'), int) \
            and mine[0]['packets'] > 0
    ok = sn.wait_until(counted, 4, interval=0.25)
    ctx.check(ok, 'GET /api/v1/apps/acl/rules: no packets counted for '
              'rule %d 4 s after the blocked attempt (stats_interval 1): '
              '%r' % (rid, got.get('rule')))
    ctx.note('GET /rules: rule %d packets %d bytes %s'
             % (rid, got['rule']['packets'], got['rule'].get('bytes')))

    r = api.request('DELETE', '/api/v1/apps/acl/rules/%d' % rid)
    ctx.check(r.status == 200, 'DELETE rule %d: %r' % (rid, r))
    body = json.loads(r.body)
    ctx.check(body == {'deleted': rid}, 'DELETE rule %d: %r' % (rid, body))
    off = sn.wait_until(lambda: not any(acl_flows(n) for n in names),
                        FLOW_TIMEOUT, interval=0.1)
    ctx.check(off, 'the deleted rule\'s flow is still on a switch')
    bps, status, out = iperf(h1, h2.IP(), 10)
    ctx.check(bps and status == 0, 'iperf h1 -> h2 after DELETE: exit %s: '
              '%s' % (status, out.strip()[-300:]))
    ctx.note('DELETE rule %d: 200; iperf again: %.2f Gbit/s'
             % (rid, bps / 1e9))

    rejected0 = metric(scrape(ctx, api), 'sluice_acl_rejected_total')
    invalid = (({'tcp_dst': 70000, 'action': 'deny'}, ('tcp_dst',)),
               ({'ipv4_src': '10.0.0.1/8', 'action': 'deny'},
                ('ipv4_src',)),
               ({'action': 'bogus'}, ('action', 'bogus')))
    for rule_body, names_it in invalid:
        r, err = api.error('POST', '/api/v1/apps/acl/rules', 400,
                           body=rule_body)
        text = '%s %s' % (err.get('error'), err.get('detail', ''))
        ctx.check(any(x in text for x in names_it), 'POST %s: the 400 does '
                  'not name %s: %s' % (json.dumps(rule_body),
                                       ' or '.join(names_it), r.text()))
        ctx.note('POST %s: 400 %s' % (json.dumps(rule_body),
                                      r.text()[:160]))
    rules1 = api_rules(ctx, api)
    ctx.check([x.get('id') for x in rules1['rules']]
              == [x.get('id') for x in rules0['rules']],
              'the rules changed after the refused POSTs: %r' % rules1)
    rejected1 = metric(scrape(ctx, api), 'sluice_acl_rejected_total')
    ctx.check(rejected0 is not None and rejected1 - rejected0 == 3,
              'sluice_acl_rejected_total %r -> %r after 3 refused rules'
              % (rejected0, rejected1))
    ctx.check(not any(acl_flows(n) for n in names), 'a refused rule left a '
              'flow')
    ctx.check(daemon.running(), 'sluice died')


# ---- apps_l3_routing ----

L3_CONFIG = {
    'interfaces': [
        {'name': 'net1', 'ports': ['1:1'], 'ipv4': '10.0.1.1/24',
         'ipv6': '2001:db8:1::1/64'},
        {'name': 'net2', 'ports': ['3:1', '3:2'], 'ipv4': '10.0.2.1/24',
         'ipv6': '2001:db8:2::1/64'},
    ],
    'routes': [
        {'prefix': '10.0.3.0/24', 'next_hop': '10.0.2.254'},
        {'prefix': '2001:db8:3::/64', 'next_hop': '2001:db8:2::fe'},
    ],
}
L3_PORTS = {'h1-eth0': ('s1', 1), 'h2-eth0': ('s3', 1),
            'r-eth0': ('s3', 2)}


def configure_routed(ctx, net):
    """IPv6 addresses and default routes of RoutedTopo's hosts; r
    forwards (v4 and v6)."""
    r = net.get('r')
    for cmd in ('sysctl -qw net.ipv4.ip_forward=1',
                'sysctl -qw net.ipv6.conf.all.forwarding=1'):
        out = r.cmd(cmd + ' && echo done')
        ctx.check('done' in out, 'r: %s: %s' % (cmd, out.strip()))
    for name, addrs in sorted(RoutedTopo.IPV6.items()):
        h = net.get(name)
        h.cmd('sysctl -qw net.ipv6.conf.all.disable_ipv6=0')
        for intf, addr in addrs:
            out = h.cmd('ip -6 addr add %s dev %s nodad && echo done'
                        % (addr, intf))
            ctx.check('done' in out, '%s: ip -6 addr add %s: %s'
                      % (name, addr, out.strip()))
        gw = RoutedTopo.IPV6_GATEWAY[name]
        out = h.cmd('ip -6 route add default via %s && echo done' % gw)
        ctx.check('done' in out, '%s: ip -6 route add default via %s: %s'
                  % (name, gw, out.strip()))


def ping(ctx, host, dst, what, count=3, v6=False):
    """'host' pings 'dst' 'count' times; every reply must come back.
    Returns the TTLs of the replies."""
    out = host.cmd('ping %s-n -c %d -i 0.2 -W 3 %s'
                   % ('-6 ' if v6 else '', count, dst))
    s = ping_summary(out)
    ctx.check(s is not None and s[0] == count and s[1] == count,
              '%s: %s' % (what, out.strip()[-300:]))
    return [int(x) for x in re.findall(r'ttl=(\d+)', out)]


def capture_ttl(ctx, host, src, v6):
    """Starts tcpdump on 'host' for one echo request from 'src'; returns
    a function giving the TTL (hop limit) it saw."""
    if v6:
        filt = 'ip6 and src host %s and ip6[40] == %d' % (
            src, ICMP_ECHO_REQUEST6)
    else:
        filt = 'icmp and src host %s and icmp[icmptype] == icmp-echo' % src
    p = host.popen(['timeout', '10', 'tcpdump', '-l', '-n', '-v', '-c', '1',
                    '-i', host.defaultIntf().name, filt],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ctx.defer(kill_all, [('tcpdump', p)])
    # tcpdump says "listening on" (stderr) once it captures.
    os.set_blocking(p.stderr.fileno(), False)
    err = b''

    def listening():
        nonlocal err
        try:
            err += p.stderr.read() or b''
        except (BlockingIOError, TypeError):
            pass
        return b'listening on' in err or p.poll() is not None
    sn.wait_until(listening, 5)

    def result():
        try:
            out, _ = p.communicate(timeout=8)
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
        out = out.decode(errors='replace')
        m = re.search(r'\b(?:ttl|hlim) (\d+)', out)
        ctx.check(m, 'tcpdump on %s saw no echo request from %s: %r'
                  % (host.name, src, out[-300:]))
        return int(m.group(1))
    return result


def rest_list(ctx, api, what):
    body = api.json('GET', '/api/v1/apps/l3_routing/' + what)
    ctx.check(isinstance(body, list), 'GET /api/v1/apps/l3_routing/%s: '
              'not a list: %r' % (what, body))
    return body


def t_apps_l3_routing(ctx):
    port, api, daemon = start(ctx, [('l3_routing', L3_CONFIG),
                                    ('l2_learning', None)])
    net = ctx.network(RoutedTopo(), port)
    converge(ctx, api, net)
    ports = ofports()
    for intf, (sw, no) in sorted(L3_PORTS.items()):
        link = net.get(intf.split('-')[0]).intf(intf).link
        other = link.intf2 if link.intf1.name == intf else link.intf1
        ctx.check(other.node.name == sw and ports.get(other.name) == no,
                  '%s is cabled to %s port %s, the config says %s port %d'
                  % (intf, other.node.name, ports.get(other.name), sw, no))
    configure_routed(ctx, net)
    h1, h2, h3, r = (net.get(n) for n in ('h1', 'h2', 'h3', 'r'))

    def routed():
        return metric(scrape(ctx, api),
                      'sluice_l3_routing_routed_by_controller_total')

    # h1's gateway first: h2, r and h3 stay silent.
    for gw, v6 in (('10.0.1.1', False), ('2001:db8:1::1', True)):
        ping(ctx, h1, gw, 'h1 ping its gateway %s' % gw, v6=v6)

    # Across the subnets: one routing hop, so TTL 64 - 1.  h2 is not known
    # to the router yet: the first request waits at the controller while
    # it resolves h2 (ARP / ND), and must still be answered.
    for v6, a1, a2 in ((False, '10.0.1.10', '10.0.2.10'),
                       (True, '2001:db8:1::10', '2001:db8:2::10')):
        fam = 'IPv6' if v6 else 'IPv4'
        before = routed()
        seen = capture_ttl(ctx, h2, a1, v6)
        ttls = ping(ctx, h1, a2, 'h1 ping h2 (%s), h2 not resolved yet'
                    % fam, v6=v6)
        at_h2 = seen()
        queued = routed()
        ctx.check(before is not None and queued is not None
                  and queued > before, 'h1 ping h2 (%s): h2 was unknown, '
                  'yet no packet was routed by the controller '
                  '(sluice_l3_routing_routed_by_controller_total %r -> %r)'
                  % (fam, before, queued))
        ctx.check(ttls and all(t == 63 for t in ttls), 'h1 ping h2 (%s): '
                  'replies with ttl %s, want 63' % (fam, ttls))
        ctx.check(at_h2 == 63, 'h2 saw h1\'s echo request (%s) with %s '
                  '%d, want 63' % (fam, 'hop limit' if v6 else 'TTL',
                                   at_h2))
        back = ping(ctx, h2, a1, 'h2 ping h1 (%s)' % fam, v6=v6)
        ctx.check(back and all(t == 63 for t in back), 'h2 ping h1 (%s): '
                  'replies with ttl %s, want 63' % (fam, back))
        ctx.note('%s: h1 -> h2 (h2 resolved meanwhile, %d packet(s) routed '
                 'by the controller) replies ttl %s; h2 saw the request '
                 'with %s %d; h2 -> h1 replies ttl %s'
                 % (fam, queued - before, ','.join(map(str, ttls)),
                    'hop limit' if v6 else 'TTL', at_h2,
                    ','.join(map(str, back))))

    # The third subnet, by the static routes via r: two hops back.
    for v6, dst in ((False, '10.0.3.10'), (True, '2001:db8:3::10')):
        fam = 'IPv6' if v6 else 'IPv4'
        before = routed()
        ttls = ping(ctx, h1, dst, 'h1 ping h3 %s via r (%s)' % (dst, fam),
                    v6=v6)
        ctx.check(ttls and all(t == 62 for t in ttls), 'h1 ping h3 (%s): '
                  'replies with ttl %s, want 62 (r and the router)'
                  % (fam, ttls))
        ctx.note('%s: h1 -> h3 via the static route through r: replies '
                 'ttl %s (%d packet(s) routed by the controller)'
                 % (fam, ','.join(map(str, ttls)), routed() - before))

    # Every host's gateway, v4 and v6.
    for h, gw4, gw6 in ((h2, '10.0.2.1', '2001:db8:2::1'),
                        (r, '10.0.2.1', '2001:db8:2::1')):
        ping(ctx, h, gw4, '%s ping its gateway %s' % (h.name, gw4))
        ping(ctx, h, gw6, '%s ping its gateway %s' % (h.name, gw6),
             v6=True)
    ctx.note('h1, h2 and r ping their gateways (v4 and v6): all replies')

    # REST.
    ifaces = rest_list(ctx, api, 'interfaces')
    by_name = {i.get('name'): i for i in ifaces if isinstance(i, dict)}
    ctx.check(set(by_name) == {'net1', 'net2'}, 'interfaces: %r' % ifaces)
    for want in L3_CONFIG['interfaces']:
        got = by_name[want['name']]
        ctx.check(got.get('ipv4') == want['ipv4']
                  and str(got.get('ipv6')).lower() == want['ipv6']
                  and got.get('ports') == want['ports'],
                  'interface %s: %r, configured %r' % (want['name'], got,
                                                       want))
    ctx.note('interfaces: %s' % json.dumps(ifaces, sort_keys=True)[:300])
    routes = rest_list(ctx, api, 'routes')
    keyed = {str(x.get('prefix')).lower(): x for x in routes
             if isinstance(x, dict)}
    for prefix, kind in (('10.0.1.0/24', 'connected'),
                         ('10.0.2.0/24', 'connected'),
                         ('2001:db8:1::/64', 'connected'),
                         ('2001:db8:2::/64', 'connected'),
                         ('10.0.3.0/24', 'static'),
                         ('2001:db8:3::/64', 'static')):
        x = keyed.get(prefix)
        ctx.check(x is not None and x.get('type') == kind, 'routes: %s '
                  'missing or not %s: %r' % (prefix, kind, routes))
    for prefix, hop in (('10.0.3.0/24', '10.0.2.254'),
                        ('2001:db8:3::/64', '2001:db8:2::fe')):
        x = keyed[prefix]
        ctx.check(str(x.get('next_hop')).lower() == hop
                  and x.get('resolved') is True, 'route %s: %r, want '
                  'next_hop %s, resolved' % (prefix, x, hop))
    ctx.note('routes: %s' % '; '.join(
        '%s %s%s' % (x.get('prefix'), x.get('type'),
                     ' via %s (%s)' % (x.get('next_hop'), 'resolved'
                                       if x.get('resolved') else
                                       'unresolved')
                     if x.get('type') == 'static' else '')
        for x in routes))
    neighbors = rest_list(ctx, api, 'neighbors')
    macs = {str(x.get('ip')).lower(): str(x.get('mac')).lower()
            for x in neighbors if isinstance(x, dict)}
    for ip, host, intf in (('10.0.1.10', h1, 'h1-eth0'),
                           ('10.0.2.10', h2, 'h2-eth0'),
                           ('10.0.2.254', r, 'r-eth0'),
                           ('2001:db8:1::10', h1, 'h1-eth0'),
                           ('2001:db8:2::10', h2, 'h2-eth0'),
                           ('2001:db8:2::fe', r, 'r-eth0')):
        mac = host.intf(intf).MAC()
        ctx.check(macs.get(ip) == mac, 'neighbors: %s is %s, want %s (%s): '
                  '%r' % (ip, macs.get(ip), mac, intf, neighbors))
    ctx.note('neighbors: %s' % ' '.join('%s=%s' % kv
                                        for kv in sorted(macs.items())))
    fams = scrape(ctx, api)
    ctx.note('l3_routing metrics: %s' % ', '.join(
        '%s %s' % (n[len('sluice_l3_routing_'):], metric(fams, n))
        for n in sorted(fams) if n.startswith('sluice_l3_routing_')))
    ctx.check(daemon.running(), 'sluice died')


TESTS = (
    ('apps_l2_tree', 120, l2_test(lambda: TreeTopo(depth=3, fanout=2))),
    ('apps_l2_linear', 120, l2_test(lambda: LinearTopo(k=6))),
    ('apps_l2_torus', 180, l2_test(lambda: TorusTopo(3, 3), storm=True)),
    ('apps_l2_failover', 120, t_apps_l2_failover),
    ('apps_acl_iperf', 120, t_apps_acl_iperf),
    ('apps_l3_routing', 120, t_apps_l3_routing),
)
