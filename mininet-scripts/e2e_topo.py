"""e2e_topo: end-to-end tests of Sluice's topology service (issue 6),
registered by e2e.py (TESTS below).  Each runs a real sluice with a REST
listener and its topology settings, and a Mininet network of userspace OVS
switches, and reads the topology over REST (/v1.0/topology/*, /metrics).

The expected links are Mininet's: for every link between two switches, the
two (datapath id, OpenFlow port) ends, in both directions; port numbers are
the OVS interfaces' ofport.  "The last switch up" is the log timestamp of
the last "switch 0x... up" line (or, if a line is missing, when REST first
listed every switch).  Measured times are printed as "#" lines.

  topo_tree         tree,depth=3,fanout=2: the directed links over REST
                    equal Mininet's within 3 s of the last switch up, and
                    stay equal for 2 s; the summary counts them
  topo_linear       linear,8: the same
  topo_torus        torus,3,3 (loops): the same; then pingall with 0% loss
                    in bounded time, and the packet-in counter of /metrics
                    grows by less than 20,000 over the test (no storm)
  topo_link_down_up linear,4: configLinkStatus(s2, s3, 'down') removes both
                    directions within 1 s (REST polled every 20 ms); 'up'
                    restores them within lldp_interval + 1 s; three times
  topo_hosts        tree depth 2: after h1 ping h2, then a pingall, every
                    host is listed with its MAC, its IPv4 and the switch
                    port it hangs off; /hosts/{dpid} filters; a path
                    between two hosts' IPs starts and ends at their ports
  topo_forged_lldp  linear,3, lldp_interval 0.5: LLDP frames injected from
                    hosts with a raw AF_PACKET socket -- a forged probe
                    (real-looking chassis, port, timestamp, random HMAC),
                    an altered real probe, one without the HMAC TLV, an
                    lldpd-style frame, a malformed one, a real probe
                    captured on h1 and replayed by h1 (its own port) and by
                    h2 (a relay), and one replayed after link_timeout --
                    none makes a link, and each is counted under
                    sluice_lldp_received_total{result=...} (the relay,
                    whose signature is genuine, shows as a direction seen
                    one way only: sluice_topology_one_way_links)
"""

import calendar
import json
import os
import re
import struct
import sys
import time

import sluicenet as sn
from e2e_rest import Api, require_keys, scrape
from mininet.node import Switch
from mininet.topo import LinearTopo
from mininet.topolib import TorusTopo, TreeTopo

CONNECT_TIMEOUT = 20.0
DISCOVERY_LIMIT = 3.0       # s after the last switch up (the issue)
STABLE_FOR = 2.0            # s the link set must then stay right
POLL = 0.02                 # s between REST polls
DOWN_LIMIT = 1.0            # s for a link down to show (the issue)
STORM_LIMIT = 20000         # packet-ins over the torus test
PINGALL_LIMIT = 60.0        # s for the torus' 72 pings
DPID_RE = re.compile(r'^[0-9a-f]{16}$')
PORT_RE = re.compile(r'^[0-9a-f]{8}$')
MAC_RE = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')
UP_LINE_RE = (r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})Z\|[^\n]*'
              r'switch 0x%016x up')

# Sluice's probes (topology/lldp.h).
ETH_P_LLDP = 0x88cc
LLDP_DST = bytes.fromhex('0180c200000e')
LLDP_OUI = 0x0026e1
LLDP_SUBTYPE = 0x53
LLDP_VERSION = 1
LLDP_HMAC_LEN = 16
LLDP_RESULTS = ('ok', 'malformed', 'foreign', 'bad_hmac', 'stale',
                'unknown_port')


# ---- sluice and the network ----

def start(ctx, topology=None):
    """sluice with a REST listener and the 'topology' settings (a dict of
    topology.* keys; None: the defaults).  Returns (OpenFlow port, api)."""
    port = sn.free_port()
    n = len(ctx.daemons) + 1
    cfg = os.path.join(ctx.tmp, '%s-%d.yaml' % (ctx.name, n))
    text = ctx.sluice_config(['tcp:127.0.0.1:%d' % port])
    if topology:
        text += 'topology:\n' + ''.join('  %s: %s\n' % (k, v) for k, v
                                        in sorted(topology.items()))
    with open(cfg, 'w') as f:
        f.write(text)
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
    if topology:
        ctx.note('topology: %s' % ', '.join('%s %s' % kv for kv
                                            in sorted(topology.items())))
    return port, Api(ctx, ctx.rest_port)


def ofports():
    """{interface name: OpenFlow port number} of every OVS interface."""
    out = sn.run(['ovs-vsctl', '--timeout=10', '--format=json',
                  '--columns=name,ofport', 'list', 'Interface'], timeout=15)
    ports = {}
    for name, ofport in json.loads(out)['data']:
        if isinstance(ofport, int) and ofport > 0:
            ports[name] = ofport
    return ports


def is_switch(node):
    return isinstance(node, Switch)


def dpid_of(node):
    return int(node.dpid, 16)


def mininet_links(ctx, net):
    """The directed links Mininet made between switches: {((src dpid,
    src port), (dst dpid, dst port))}."""
    names = {i.name for s in net.switches for i in s.intfList()
             if i.name != 'lo'}
    ports = {}

    def numbered():
        ports.update(ofports())
        return names <= set(ports)
    sn.wait_until(numbered, 5, interval=0.1)
    want = set()
    for link in net.links:
        a, b = link.intf1, link.intf2
        if not (is_switch(a.node) and is_switch(b.node)):
            continue
        for intf in (a, b):
            ctx.check(intf.name in ports, 'OVS has no ofport for %s'
                      % intf.name)
            if ports[intf.name] != intf.node.ports.get(intf):
                ctx.note('%s: ofport %d, Mininet numbered it %s'
                         % (intf.name, ports[intf.name],
                            intf.node.ports.get(intf)))
        ea = (dpid_of(a.node), ports[a.name])
        eb = (dpid_of(b.node), ports[b.name])
        want |= {(ea, eb), (eb, ea)}
    return want


def check_port(ctx, p, what):
    require_keys(ctx, p, {'dpid', 'port_no', 'hw_addr', 'name'}, what)
    ctx.check(DPID_RE.match(str(p['dpid'])) and PORT_RE.match(
        str(p['port_no'])) and isinstance(p['name'], str)
        and (p['hw_addr'] == '' or MAC_RE.match(str(p['hw_addr']))),
        '%s: malformed port %r' % (what, p))
    return int(p['dpid'], 16), int(p['port_no'], 16)


def rest_links(ctx, api, dpid=None):
    """GET /v1.0/topology/links[/dpid] as a set of directed links; checks
    Ryu's shape and that no link is listed twice."""
    path = '/v1.0/topology/links' + ('/%016x' % dpid if dpid else '')
    body = api.json('GET', path)
    ctx.check(isinstance(body, list), '%s: not a list: %r' % (path, body))
    links = set()
    for entry in body:
        require_keys(ctx, entry, {'src', 'dst'}, path + ' entry')
        link = (check_port(ctx, entry['src'], path + ' src'),
                check_port(ctx, entry['dst'], path + ' dst'))
        ctx.check(link not in links, '%s lists %s twice' % (path, entry))
        links.add(link)
    return links


def fmt_link(link):
    (sd, sp), (dd, dp) = link
    return '%x:%d->%x:%d' % (sd, sp, dd, dp)


def fmt_links(links):
    return ' '.join(fmt_link(x) for x in sorted(links)) or '(none)'


def log_times(daemon, dpids):
    """{dpid: wall time of its last "switch 0x... up" line}."""
    text = daemon.log()
    times = {}
    for d in dpids:
        for m in re.finditer(UP_LINE_RE % d, text, re.M):
            t = calendar.timegm(time.strptime(m.group(1),
                                              '%Y-%m-%dT%H:%M:%S'))
            times[d] = t + int(m.group(2)) / 1000.0
    return times


def discover(ctx, daemon, api, net, limit=DISCOVERY_LIMIT):
    """Waits until the REST link set equals Mininet's; checks it took at
    most 'limit' s after the last switch came up and that it then stays
    equal for STABLE_FOR s.  Returns the expected set."""
    names = [s.name for s in net.switches]
    dpids = sorted(dpid_of(s) for s in net.switches)
    want = mininet_links(ctx, net)
    listed_at = None
    got = set()
    deadline = time.monotonic() + CONNECT_TIMEOUT + limit
    while time.monotonic() < deadline:
        if listed_at is None:
            r = api.get('/stats/switches')
            if r.status == 200 and sorted(json.loads(r.body)) == dpids:
                listed_at = time.time()
        got = rest_links(ctx, api)
        if got == want and listed_at is not None:
            break
        time.sleep(POLL)
    matched_at = time.time()
    ctx.check(got == want, 'links over REST never matched Mininet\'s: '
              'missing %s; extra %s' % (fmt_links(want - got),
                                        fmt_links(got - want)))
    ctx.wait_connected(names)
    ups = log_times(daemon, dpids)
    if len(ups) == len(dpids):
        last_up, how = max(ups.values()), 'last "switch up" line'
    else:
        last_up, how = listed_at, 'all switches listed by REST'
        ctx.note('%d of %d "switch up" lines in the log (rate-limited?)'
                 % (len(ups), len(dpids)))
    took = matched_at - last_up
    ctx.note('%d switches, %d directed links; all discovered %.3f s after '
             'the %s (limit %.1f s)' % (len(dpids), len(want), took, how,
                                        limit))
    ctx.check(took <= limit, 'links complete %.3f s after the %s, limit '
              '%.1f s' % (took, how, limit))
    t_end = time.monotonic() + STABLE_FOR
    polls = 0
    while time.monotonic() < t_end:
        got = rest_links(ctx, api)
        polls += 1
        ctx.check(got == want, 'the link set changed after discovery: '
                  'missing %s; extra %s' % (fmt_links(want - got),
                                            fmt_links(got - want)))
        time.sleep(POLL * 5)
    ctx.note('stable for %.1f s (%d polls)' % (STABLE_FOR, polls))
    summary = api.json('GET', '/api/v1/topology/summary')
    ctx.check(isinstance(summary, dict) and summary.get('links') == len(want)
              and summary.get('switches') == len(dpids)
              and summary.get('enabled') is True,
              '/api/v1/topology/summary: %r, want %d links, %d switches'
              % (summary, len(want), len(dpids)))
    ctx.note('summary: %s' % json.dumps(summary, sort_keys=True))
    first = dpids[0]
    sub = rest_links(ctx, api, first)
    ctx.check(sub == {x for x in want if x[0][0] == first},
              '/v1.0/topology/links/%016x: %s' % (first, fmt_links(sub)))
    return want


def discovery_test(topo):
    def run(ctx):
        port, api = start(ctx)
        daemon = ctx.daemons[-1]
        net = ctx.network(topo(), port)
        discover(ctx, daemon, api, net)
    return run


# ---- topo_torus ----

def metric(ctx, api, family, **labels):
    """The sum of the samples of 'family' matching 'labels' (0 if none)."""
    fam = scrape(ctx, api).get(family)
    if fam is None:
        return 0
    return sum(v for _, ls, v in fam['samples']
               if all(ls.get(k) == x for k, x in labels.items()))


def t_topo_torus(ctx):
    port, api = start(ctx)
    daemon = ctx.daemons[-1]
    before = metric(ctx, api, 'sluice_packet_ins_total')
    net = ctx.network(TorusTopo(3, 3), port)
    discover(ctx, daemon, api, net)
    t0 = time.monotonic()
    ctx.pingall(net, 'pingall on the torus')
    took = time.monotonic() - t0
    ctx.check(took <= PINGALL_LIMIT, 'pingall took %.1f s, limit %.0f s'
              % (took, PINGALL_LIMIT))
    after = metric(ctx, api, 'sluice_packet_ins_total')
    ctx.note('packet-ins over the test: %d (limit %d)'
             % (after - before, STORM_LIMIT))
    ctx.check(after - before < STORM_LIMIT, 'a broadcast storm? %d '
              'packet-ins over the test' % (after - before))
    summary = api.json('GET', '/api/v1/topology/summary')
    ctx.note('tree links %s of %d cables' % (summary.get('tree_links'),
                                              len(net.switches) * 2))
    ctx.check(summary.get('tree_links') == len(net.switches) - 1,
              'tree_links %r, want %d (a spanning tree of %d switches)'
              % (summary.get('tree_links'), len(net.switches) - 1,
                 len(net.switches)))


# ---- topo_link_down_up ----

def wait_links(api, ctx, pred, timeout):
    """Polls the links every POLL s until pred(links); returns (seconds,
    links) or (None, last links)."""
    t0 = time.monotonic()
    got = set()
    while time.monotonic() - t0 <= timeout:
        got = rest_links(ctx, api)
        if pred(got):
            return time.monotonic() - t0, got
        time.sleep(POLL)
    return None, got


def t_topo_link_down_up(ctx):
    interval = 1.0
    port, api = start(ctx)
    daemon = ctx.daemons[-1]
    net = ctx.network(LinearTopo(k=4), port)
    want = discover(ctx, daemon, api, net)
    s2, s3 = net.get('s2'), net.get('s3')
    cable = {x for x in want if {x[0][0], x[1][0]} == {dpid_of(s2),
                                                        dpid_of(s3)}}
    ctx.check(len(cable) == 2, 'links between s2 and s3: %s'
              % fmt_links(cable))
    rest = want - cable
    downs, ups = [], []
    for i in range(3):
        t0 = time.monotonic()
        net.configLinkStatus('s2', 's3', 'down')
        took, got = wait_links(api, ctx, lambda g: not (g & cable),
                               DOWN_LIMIT + 5)
        ctx.check(took is not None, 'round %d: s2-s3 still listed 6 s '
                  'after it went down: %s' % (i + 1, fmt_links(got)))
        took = time.monotonic() - t0 if took is None else took
        downs.append(took)
        ctx.check(got == rest, 'round %d: after s2-s3 down: missing %s; '
                  'extra %s' % (i + 1, fmt_links(rest - got),
                                fmt_links(got - rest)))
        ctx.check(took <= DOWN_LIMIT, 'round %d: both directions gone '
                  '%.3f s after the link went down, limit %.1f s'
                  % (i + 1, took, DOWN_LIMIT))
        # Down stays down: no probe crosses it.
        time.sleep(interval * 1.5)
        got = rest_links(ctx, api)
        ctx.check(got == rest, 'round %d: links while s2-s3 is down: %s'
                  % (i + 1, fmt_links(got)))
        net.configLinkStatus('s2', 's3', 'up')
        took, got = wait_links(api, ctx, lambda g: g == want,
                               interval + 1 + 5)
        ctx.check(took is not None, 'round %d: s2-s3 not back 7 s after '
                  'up: %s' % (i + 1, fmt_links(got)))
        ups.append(took)
        ctx.check(took <= interval + 1, 'round %d: s2-s3 back %.3f s after '
                  'up, limit %.1f s' % (i + 1, took, interval + 1))
    ctx.note('link down seen after %s s (limit %.1f s)'
             % (' / '.join('%.3f' % x for x in downs), DOWN_LIMIT))
    ctx.note('link back up after %s s (limit %.1f s)'
             % (' / '.join('%.3f' % x for x in ups), interval + 1))
    down_events = metric(ctx, api, 'sluice_topology_link_events_total',
                         event='down')
    ctx.check(down_events >= 6, 'sluice_topology_link_events_total'
              '{event="down"} = %r after 3 x 2 links down' % down_events)


# ---- topo_hosts ----

def attachment(host, ports):
    """(dpid, port) of the switch port 'host''s first interface hangs
    off."""
    intf = host.intf()
    link = intf.link
    other = link.intf2 if link.intf1 is intf else link.intf1
    return dpid_of(other.node), ports[other.name]


def rest_hosts(ctx, api, dpid=None):
    """GET /v1.0/topology/hosts[/dpid]: {mac: entry}, shape checked."""
    path = '/v1.0/topology/hosts' + ('/%016x' % dpid if dpid else '')
    body = api.json('GET', path)
    ctx.check(isinstance(body, list), '%s: not a list: %r' % (path, body))
    hosts = {}
    for h in body:
        require_keys(ctx, h, {'mac', 'ipv4', 'ipv6', 'port'}, path)
        ctx.check(MAC_RE.match(str(h['mac'])) and isinstance(h['ipv4'], list)
                  and isinstance(h['ipv6'], list), '%s: %r' % (path, h))
        check_port(ctx, h['port'], path + ' port')
        ctx.check(h['mac'] not in hosts, '%s lists %s twice' % (path,
                                                                 h['mac']))
        hosts[h['mac']] = h
    return hosts


def host_problems(ctx, api, hosts, ports, links):
    """What is wrong with the REST listing of 'hosts' ([] if nothing)."""
    listed = rest_hosts(ctx, api)
    link_ports = {x[0] for x in links} | {x[1] for x in links}
    problems = []
    for mac, h in listed.items():
        at = (int(h['port']['dpid'], 16), int(h['port']['port_no'], 16))
        if at in link_ports:
            problems.append('%s listed on link port %x:%d' % (mac, *at))
    for host in hosts:
        h = listed.get(host.MAC())
        want = attachment(host, ports)
        if h is None:
            problems.append('%s (%s) not listed' % (host.name, host.MAC()))
            continue
        at = (int(h['port']['dpid'], 16), int(h['port']['port_no'], 16))
        if at != want:
            problems.append('%s at %x:%d, want %x:%d' % (host.name, *at,
                                                         *want))
        if host.IP() not in h['ipv4']:
            problems.append('%s: ipv4 %r without %s' % (host.name,
                                                        h['ipv4'],
                                                        host.IP()))
    return problems


def t_topo_hosts(ctx):
    port, api = start(ctx)
    daemon = ctx.daemons[-1]
    net = ctx.network(TreeTopo(depth=2, fanout=2), port)
    links = discover(ctx, daemon, api, net)
    ports = ofports()
    h1, h2, h4 = (net.get('h%d' % i) for i in (1, 2, 4))
    out = h1.cmd('ping -c1 -W2 %s' % h2.IP())
    sent, received = net._parsePing(out)
    ctx.check(sent == 1 and received == 1, 'h1 ping h2: %r' % out[-200:])
    problems = []

    def check(hosts):
        problems[:] = host_problems(ctx, api, hosts, ports, links)
        return not problems
    failures = []
    t0 = time.monotonic()
    if sn.wait_until(lambda: check([h1, h2]), 5, interval=0.1):
        ctx.note('h1, h2 listed %.2f s after the ping'
                 % (time.monotonic() - t0))
    else:
        failures.append('after h1 ping h2: %s' % '; '.join(problems))
        ctx.note(failures[-1])
    ctx.pingall(net)
    if not sn.wait_until(lambda: check(net.hosts), 5, interval=0.1):
        failures.append('after pingall: %s' % '; '.join(problems))
    listed = rest_hosts(ctx, api)
    for host in net.hosts:
        h = listed.get(host.MAC())
        ctx.note('%s (%s, %s): %s' % (
            host.name, host.MAC(), host.IP(), 'not listed' if h is None
            else 'ipv4 [%s] ipv6 [%s] at %s:%s' % (
                ','.join(h['ipv4']), ','.join(h['ipv6']),
                h['port']['dpid'], h['port']['port_no'])))
    ctx.check(not failures, ' / '.join(failures))
    s2 = dpid_of(net.get('s2'))
    sub = rest_hosts(ctx, api, s2)
    want = {h.MAC() for h in net.hosts if attachment(h, ports)[0] == s2}
    ctx.check(set(sub) == want, '/v1.0/topology/hosts/%016x: %s, want %s'
              % (s2, sorted(sub), sorted(want)))

    # A path between two hosts by IP: it starts at h1's port and ends at
    # h4's, through the switches Mininet wired.
    path = '/api/v1/paths/%s/%s' % (h1.IP(), h4.IP())
    body = api.json('GET', path)
    require_keys(ctx, body, {'hops', 'length'}, path)
    hops = body['hops']
    a1, a4 = attachment(h1, ports), attachment(h4, ports)
    ctx.check(isinstance(hops, list) and len(hops) == 3
              and body['length'] == 2, '%s: %r' % (path, body))
    try:
        hops = [(as_dpid(h['dpid']), as_port(h['in_port']),
                 as_port(h['out_port'])) for h in hops]
    except (KeyError, TypeError, ValueError) as e:
        ctx.check(False, '%s: malformed hops (%s): %r' % (path, e, body))
    ends = ((hops[0][0], hops[0][1]), (hops[-1][0], hops[-1][2]))
    ctx.check(ends == (a1, a4), '%s: ends %r, want %r' % (path, ends,
                                                         (a1, a4)))
    for a, b in zip(hops, hops[1:]):
        hop = ((a[0], a[2]), (b[0], b[1]))
        ctx.check(hop in links, '%s: hop %s is no link' % (path,
                                                          fmt_link(hop)))
    ctx.note('%s: %s' % (path, ' '.join('%x(%d->%d)' % h for h in hops)))


def as_dpid(v):
    """A dpid of a REST answer: 16 hex digits (or an integer)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if not DPID_RE.match(str(v)):
        raise ValueError('dpid %r' % v)
    return int(v, 16)


def as_port(v):
    """A port number of a REST answer: an integer, or 8 hex digits."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if not PORT_RE.match(str(v)):
        raise ValueError('port %r' % v)
    return int(v, 16)


# ---- topo_forged_lldp ----

def tlv(kind, value):
    if len(value) > 511:
        raise ValueError('TLV value too long')
    return struct.pack('!H', kind << 9 | len(value)) + value


def lldp_frame(src_mac, dpid, port_no, timestamp_ns=None, hmac=None,
               port_name='', version=LLDP_VERSION, org=True):
    """An LLDP frame in the form of Sluice's probes (topology/lldp.h):
    chassis "dpid:%016x" (subtype 7), port number (subtype 2, 4 bytes),
    TTL 120, port description, system name "sluice", the org TLV (OUI
    00:26:e1, subtype 0x53: version, timestamp, HMAC) unless not 'org',
    End; padded to 60 bytes.  A random HMAC when 'hmac' is None."""
    pdu = tlv(1, b'\x07' + b'dpid:%016x' % dpid)
    pdu += tlv(2, b'\x02' + struct.pack('!I', port_no))
    pdu += tlv(3, struct.pack('!H', 120))
    if port_name:
        pdu += tlv(4, port_name.encode())
    pdu += tlv(5, b'sluice')
    if org:
        if timestamp_ns is None:
            timestamp_ns = time.monotonic_ns()
        if hmac is None:
            hmac = os.urandom(LLDP_HMAC_LEN)
        pdu += tlv(127, struct.pack('!I', LLDP_OUI << 8 | LLDP_SUBTYPE)
                   + struct.pack('!BQ', version, timestamp_ns) + hmac)
    pdu += tlv(0, b'')
    return ether(src_mac, pdu)


def ether(src_mac, pdu):
    frame = LLDP_DST + src_mac + struct.pack('!H', ETH_P_LLDP) + pdu
    return frame + bytes(max(0, 60 - len(frame)))


def lldpd_frame(src_mac, ifname):
    """What another LLDP agent (lldpd) sends: chassis = MAC (subtype 4),
    port = interface name (subtype 5)."""
    pdu = tlv(1, b'\x04' + src_mac) + tlv(2, b'\x05' + ifname.encode())
    pdu += tlv(3, struct.pack('!H', 120)) + tlv(5, b'host')
    return ether(src_mac, pdu + tlv(0, b''))


def parse_lldp(frame):
    """[(type, value)] of an LLDP frame up to End; raises ValueError."""
    if len(frame) < 14 or struct.unpack('!H', frame[12:14])[0] != ETH_P_LLDP:
        raise ValueError('not LLDP')
    pdu, tlvs = frame[14:], []
    while True:
        if len(pdu) < 2:
            raise ValueError('truncated TLV header')
        head = struct.unpack('!H', pdu[:2])[0]
        kind, n = head >> 9, head & 0x1ff
        if len(pdu) < 2 + n:
            raise ValueError('TLV %d runs past the end' % kind)
        if kind == 0:
            return tlvs
        tlvs.append((kind, pdu[2:2 + n]))
        pdu = pdu[2 + n:]


def probe_fields(frame):
    """(dpid, port, timestamp, hmac) of a Sluice probe; raises ValueError
    if it is not in that form."""
    tlvs = parse_lldp(frame)
    kinds = [k for k, _ in tlvs]
    if kinds[:3] != [1, 2, 3]:
        raise ValueError('TLVs %s' % kinds)
    chassis, port = tlvs[0][1], tlvs[1][1]
    if chassis[:6] != b'\x07dpid:' or len(chassis) != 22:
        raise ValueError('chassis %r' % chassis)
    if port[:1] != b'\x02' or len(port) != 5:
        raise ValueError('port id %r' % port)
    orgs = [v for k, v in tlvs if k == 127 and v[:4] == struct.pack(
        '!I', LLDP_OUI << 8 | LLDP_SUBTYPE)]
    if len(orgs) != 1 or len(orgs[0]) != 4 + 1 + 8 + LLDP_HMAC_LEN:
        raise ValueError('org TLVs %r' % orgs)
    version, ts = struct.unpack('!BQ', orgs[0][4:13])
    if version != LLDP_VERSION:
        raise ValueError('version %d' % version)
    return (int(chassis[6:], 16), struct.unpack('!I', port[1:])[0], ts,
            orgs[0][13:])


def forge_from(probe, dpid, port_no, port_name, timestamp_ns, hmac=None,
               version=LLDP_VERSION, org=True, src=None):
    """A frame in the exact layout of the real 'probe' (same TLVs in the
    same order) from 'src' (default: the probe's source MAC) claiming to
    come from 'dpid':'port_no' (named 'port_name'), stamped
    'timestamp_ns', with 'hmac' (random when None), or without the org TLV
    unless 'org'."""
    pdu = b''
    ours = struct.pack('!I', LLDP_OUI << 8 | LLDP_SUBTYPE)
    for kind, value in parse_lldp(probe):
        if kind == 1:
            value = b'\x07' + b'dpid:%016x' % dpid
        elif kind == 2:
            value = b'\x02' + struct.pack('!I', port_no)
        elif kind == 4:
            value = port_name.encode()
        elif kind == 127 and value[:4] == ours:
            if not org:
                continue
            value = ours + struct.pack('!BQ', version, timestamp_ns) + (
                os.urandom(LLDP_HMAC_LEN) if hmac is None else hmac)
        pdu += tlv(kind, value)
    return ether(src or probe[6:12], pdu + tlv(0, b''))


def with_port(frame, port_no):
    """'frame' (a probe) with its port id changed, nothing else."""
    out = bytearray(frame)
    pdu = 14
    head = struct.unpack('!H', frame[pdu:pdu + 2])[0]
    pdu += 2 + (head & 0x1ff)           # past the chassis TLV
    out[pdu + 3:pdu + 7] = struct.pack('!I', port_no)
    return bytes(out)


def self_test_lldp():
    """The frame builders and the parser agree with each other."""
    mac = bytes.fromhex('02e2e0000001')
    f = lldp_frame(mac, 0x2a, 7, timestamp_ns=5, hmac=bytes(16),
                   port_name='s2-eth1')
    assert probe_fields(f) == (0x2a, 7, 5, bytes(16)), probe_fields(f)
    assert probe_fields(with_port(f, 9))[:3] == (0x2a, 9, 5)
    g = forge_from(f, 0x2b, 3, 's9-eth9', 6, hmac=b'x' * 16)
    assert probe_fields(g) == (0x2b, 3, 6, b'x' * 16), probe_fields(g)
    assert [k for k, _ in parse_lldp(g)] == [k for k, _ in parse_lldp(f)]
    assert 127 not in [k for k, _ in parse_lldp(
        forge_from(f, 1, 1, 'a', 1, org=False))]
    assert len(lldp_frame(mac, 1, 1, org=False)) == 60
    for bad in (lldp_frame(mac, 1, 1, org=False),
                lldp_frame(mac, 1, 1, version=2), lldpd_frame(mac, 'eth0')):
        try:
            probe_fields(bad)
        except ValueError:
            continue
        raise AssertionError('probe_fields accepted %s' % bad.hex())
    try:
        parse_lldp(malformed_frame(mac))
    except ValueError:
        pass
    else:
        raise AssertionError('parse_lldp accepted the malformed frame')


def malformed_frame(src_mac):
    """A chassis TLV whose length runs past the end of the frame."""
    pdu = struct.pack('!H', 1 << 9 | 200) + b'\x07dpid:'
    return ether(src_mac, pdu)


# Runs on a Mininet host (its network namespace) with a raw socket:
#   send IFACE HEX COUNT GAP      sends the frame COUNT times
#   capture IFACE TIMEOUT         prints "frame HEX" of the first LLDP frame
#                                 received whose chassis is "dpid:..."
LLDP_TOOL = r'''
import socket, sys, time
ETH_P_LLDP = 0x88cc
PACKET_OUTGOING = 4
cmd, iface = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_LLDP))
s.bind((iface, ETH_P_LLDP))
if cmd == 'send':
    frame, count, gap = bytes.fromhex(sys.argv[3]), int(sys.argv[4]), \
        float(sys.argv[5])
    for i in range(count):
        s.send(frame)
        time.sleep(gap)
    print('sent %d' % count)
else:
    deadline = time.monotonic() + float(sys.argv[3])
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            print('timeout')
            sys.exit(1)
        s.settimeout(left)
        try:
            data, addr = s.recvfrom(4096)
        except socket.timeout:
            continue
        if addr[2] != PACKET_OUTGOING and b'\x07dpid:' in data[14:40]:
            print('frame %s' % data.hex())
            sys.exit(0)
'''


class Injector:
    """Sends and captures LLDP frames on Mininet hosts."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.tool = os.path.join(ctx.tmp, 'lldp_tool.py')
        with open(self.tool, 'w') as f:
            f.write(LLDP_TOOL)

    def send(self, host, frame, count=3, gap=0.05):
        out = host.cmd('%s %s send %s %s %d %s' % (
            sys.executable, self.tool, host.intf().name, frame.hex(), count,
            gap))
        self.ctx.check(('sent %d' % count) in out, '%s: sending LLDP: %s'
                       % (host.name, out.strip()[-300:]))
        return count

    def capture(self, host, timeout):
        """A Sluice probe received on 'host' (bytes)."""
        out = host.cmd('%s %s capture %s %s' % (
            sys.executable, self.tool, host.intf().name, timeout))
        m = re.search(r'frame ([0-9a-f]+)', out)
        self.ctx.check(m, '%s: no probe from the switch in %s s: %s'
                       % (host.name, timeout, out.strip()[-300:]))
        return bytes.fromhex(m.group(1))


def lldp_counts(ctx, api):
    fam = scrape(ctx, api).get('sluice_lldp_received_total')
    ctx.check(fam is not None, '/metrics has no sluice_lldp_received_total')
    counts = dict.fromkeys(LLDP_RESULTS, 0)
    for _, labels, v in fam['samples']:
        counts[labels.get('result')] = v
    missing = [r for r in LLDP_RESULTS if r not in
               {ls.get('result') for _, ls, _ in fam['samples']}]
    ctx.check(not missing, 'sluice_lldp_received_total without result=%s'
              % ','.join(missing))
    return counts


def mac_of(intf_name):
    out = sn.run(['ovs-vsctl', '--timeout=5', 'get', 'Interface', intf_name,
                  'mac_in_use'], timeout=10)
    return bytes.fromhex(out.strip().strip('"').replace(':', ''))


def t_topo_forged_lldp(ctx):
    self_test_lldp()
    interval, timeout = 0.5, 1.5
    port, api = start(ctx, {'lldp_interval': interval,
                            'link_timeout': timeout})
    daemon = ctx.daemons[-1]
    net = ctx.network(LinearTopo(k=3), port)
    want = discover(ctx, daemon, api, net)
    ports = ofports()
    h1, h2 = net.get('h1'), net.get('h2')
    at1, at2 = attachment(h1, ports), attachment(h2, ports)
    s2 = net.get('s2')
    # A real port of another switch, for the forged chassis and port:
    # s2's link port towards s1.
    s2_port = next(x[0][1] for x in want if x[0][0] == dpid_of(s2)
                   and x[1][0] == at1[0])
    s2_name = next(i.name for i in s2.intfList() if ports.get(i.name)
                   == s2_port)
    s2_mac = mac_of(s2_name)
    inj = Injector(ctx)
    results = []

    # A real probe out of h1's switch port: the form the forgeries copy.
    probe = inj.capture(h1, 4 * interval)
    captured_at = time.monotonic_ns()
    try:
        dpid, pno, ts, _ = probe_fields(probe)
    except ValueError as e:
        ctx.check(False, 'the probe h1 received is not in the form of '
                  'topology/lldp.h (%s): %s' % (e, probe.hex()))
    ctx.check((dpid, pno) == at1, 'h1 received the probe of %x:%d, want '
              '%x:%d' % (dpid, pno, *at1))
    layout = [(k, len(v)) for k, v in parse_lldp(probe)]
    ctx.note('probe received on h1: %d bytes, TLVs %s' % (
        len(probe), ' '.join('%d/%d' % x for x in layout)))

    def now_ts():
        """A current-looking timestamp: the probe's, moved on."""
        return ts + (time.monotonic_ns() - captured_at)
    synth = lldp_frame(s2_mac, dpid_of(s2), s2_port, timestamp_ns=now_ts(),
                       port_name=s2_name)
    synth_layout = [(k, len(v)) for k, v in parse_lldp(synth)]
    if [k for k, _ in synth_layout] != [k for k, _ in layout]:
        ctx.note('the probe layout of topology/lldp.h (%s) differs from '
                 'the real one; the other forgeries copy the real one'
                 % ' '.join('%d/%d' % x for x in synth_layout))

    def one_way():
        fam = scrape(ctx, api).get('sluice_topology_one_way_links')
        ctx.check(fam is not None,
                  '/metrics has no sluice_topology_one_way_links')
        return sum(v for _, _, v in fam['samples'])

    def case(name, host, frame, expect, count=3, at=None, oneway=False):
        """Injects 'frame' from 'host' 'count' times; no link may end at
        its port, or change at all, for 3 x lldp_interval; the counters of
        'expect' (a result or a tuple of them) must rise by 'count' in all,
        and no other but ok.  With 'oneway' the frame verifies (counted
        ok) and must instead show as a direction seen one way only."""
        expect = (expect,) if isinstance(expect, str) else expect
        at = at or attachment(host, ports)
        before = lldp_counts(ctx, api)
        sent = inj.send(host, frame, count)
        bad = None
        seen_one_way = False
        t_end = time.monotonic() + 3 * interval
        while time.monotonic() < t_end and bad is None:
            got = rest_links(ctx, api)
            if got != want:
                bad = 'links changed: missing %s; extra %s' % (
                    fmt_links(want - got), fmt_links(got - want))
            if oneway and not seen_one_way:
                seen_one_way = one_way() > 0
            time.sleep(POLL * 5)
        if oneway:
            if bad is None and not seen_one_way:
                bad = 'the relayed direction never showed as one-way'
            sent = 0
        after = lldp_counts(ctx, api)
        delta = {r: after[r] - before[r] for r in LLDP_RESULTS
                 if after[r] != before[r] and r != 'ok'}
        rose = sum(delta.get(r, 0) for r in expect)
        if bad is None and rose != sent:
            bad = 'want %s +%d, counters rose %s' % ('/'.join(expect), sent,
                                                     delta)
        elif bad is None and not set(delta) <= set(expect):
            bad = 'other counters rose: %s' % delta
        results.append((name, bad))
        ctx.note('%s from %s into %x:%d: %s; counters %s' % (
            name, host.name, *at, 'FAILED: ' + bad if bad else 'no link',
            ' '.join('%s +%d' % kv for kv in sorted(delta.items()))
            or '(none but ok)'))

    case('forged probe as topology/lldp.h describes it (chassis/port of '
         's2, random HMAC)', h1, synth, 'bad_hmac')
    case('forged probe in the real probe\'s layout (chassis/port of s2, '
         'random HMAC)', h1, forge_from(probe, dpid_of(s2), s2_port, s2_name,
                                        now_ts(), src=s2_mac), 'bad_hmac')
    case('a real probe with its port id altered', h1,
         with_port(probe, s2_port), 'bad_hmac')
    case('forged probe, HMAC TLV of an unknown version', h1,
         forge_from(probe, dpid_of(s2), s2_port, s2_name, now_ts(),
                    version=2, src=s2_mac), 'bad_hmac')
    case('forged probe without the HMAC TLV', h1,
         forge_from(probe, dpid_of(s2), s2_port, s2_name, now_ts(),
                    org=False, src=s2_mac), 'foreign')
    case('another agent\'s LLDP (lldpd form)', h1,
         lldpd_frame(bytes.fromhex(h1.MAC().replace(':', '')),
                     h1.intf().name), 'foreign')
    case('a malformed LLDP frame', h1, malformed_frame(s2_mac), 'malformed')

    # Replays of fresh real probes: back into the port they left by, and
    # from another host into another port (a relay: HMAC and timestamp
    # are genuine, so what refuses it is up to the topology service).
    case('a real probe replayed into its own port', h1,
         inj.capture(h1, 4 * interval), ('unknown_port',), count=1)
    case('a real probe of h1\'s port replayed by h2 (relay)', h2,
         inj.capture(h1, 4 * interval), (), count=1, at=at2, oneway=True)
    old = inj.capture(h1, 4 * interval)
    time.sleep(timeout + 0.5)
    case('a real probe replayed after link_timeout', h2, old, ('stale',),
         count=1, at=at2)

    failed = [(n, b) for n, b in results if b]
    ctx.check(not failed, '%d of %d injections misbehaved: %s'
              % (len(failed), len(results),
                 '; '.join('%s: %s' % nb for nb in failed)))
    ctx.check(daemon.running(), 'sluice died')


TESTS = (
    ('topo_tree', 90, discovery_test(lambda: TreeTopo(depth=3, fanout=2))),
    ('topo_linear', 90, discovery_test(lambda: LinearTopo(k=8))),
    ('topo_torus', 180, t_topo_torus),
    ('topo_link_down_up', 120, t_topo_link_down_up),
    ('topo_hosts', 90, t_topo_hosts),
    ('topo_forged_lldp', 120, t_topo_forged_lldp),
)
