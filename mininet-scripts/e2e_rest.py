"""e2e_rest: end-to-end tests of Sluice's REST API (rest/openapi.yaml),
registered by e2e.py (TESTS below).  Each runs a real sluice with a REST
listener (rest.listen on a free port, see Ctx.sluice_config) and a Mininet
tree of depth 2 (3 userspace OVS switches), and talks to it with urllib.

  rest_read        /stats/switches lists the 3 dpids; desc, portdesc, port
                   stats, flow stats, aggregate and table stats of s1 have
                   Ryu's shapes and agree with ovs-ofctl; /api/v1/switches[/
                   {dpid}] in its three dpid spellings, /api/v1/health,
                   /api/v1/apps; JSON errors 400/404/405
  rest_flow_write  with rest.token: a flow added through
                   /stats/flowentry/add (priority 1234, table 0) is on s1
                   when the 200 arrives (the barrier), with a Sluice cookie
                   keeping the client's; modify_strict changes it;
                   delete_strict removes it; table 254 and output port 65536
                   -> 400 naming the OFPT_ERROR; bad JSON, a bad field ->
                   400; unknown dpid -> 404; no or a wrong token -> 401
                   (reads stay open)
  rest_metrics     /metrics parses as the Prometheus text format 0.0.4
                   (a strict parser below), every family sluice_ with HELP
                   and TYPE, sluice_switches 3, request counters grow
  rest_events      /api/v1/events: switch_up for the 3 switches as the
                   network starts; a port taken down -> port_status and
                   link_down (both ways), back up -> link_up; a
                   flow s1 refuses -> flow_error (owner rest); a switch
                   whose controller is removed -> switch_down within 10 s;
                   every event's data well formed; sluice stops cleanly
                   with the stream still open
"""

import json
import math
import re
import threading
import time
import urllib.error
import urllib.request

import sluicenet as sn
from mininet.topolib import TreeTopo

CONNECT_TIMEOUT = 20.0
EVENT_TIMEOUT = 10.0
DPID_RE = re.compile(r'^[0-9a-f]{16}$')
TIME_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
STAMP_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$')
MAC_RE = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')
SLUICE_COOKIE_MAGIC = 0x5c

# Ryu's ofctl_v1_3 shapes (../shared/corpus/ryu-ofctl-of13).
DESC_KEYS = {'mfr_desc', 'hw_desc', 'sw_desc', 'serial_num', 'dp_desc'}
PORT_DESC_KEYS = {'port_no', 'hw_addr', 'name', 'config', 'state', 'curr',
                  'advertised', 'supported', 'peer', 'curr_speed',
                  'max_speed'}
PORT_STATS_KEYS = {'port_no', 'rx_packets', 'tx_packets', 'rx_bytes',
                   'tx_bytes', 'rx_dropped', 'tx_dropped', 'rx_errors',
                   'tx_errors', 'rx_frame_err', 'rx_over_err', 'rx_crc_err',
                   'collisions', 'duration_sec', 'duration_nsec'}
FLOW_STATS_KEYS = {'priority', 'cookie', 'table_id', 'idle_timeout',
                   'hard_timeout', 'flags', 'length', 'duration_sec',
                   'duration_nsec', 'packet_count', 'byte_count', 'match',
                   'actions'}
AGGREGATE_KEYS = {'packet_count', 'byte_count', 'flow_count'}
TABLE_STATS_KEYS = {'table_id', 'active_count', 'lookup_count',
                    'matched_count'}
SWITCH_KEYS = {'dpid', 'address', 'connected_since', 'connected_seconds',
               'of_version', 'role', 'n_tables', 'n_buffers',
               'capabilities', 'desc', 'ports', 'flows'}
# What OVS answers for the refused flows of rest_flow_write: table 254 is
# its read-only internal table (OVS 3.1: OFPBRC_EPERM), output port 65536
# is outside the range it supports.
REFUSALS = {'OFPBRC_EPERM': (1, 5), 'OFPBRC_BAD_TABLE_ID': (1, 9),
            'OFPFMFC_BAD_TABLE_ID': (5, 1), 'OFPBAC_BAD_OUT_PORT': (2, 4)}


# ---- HTTP ----

class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def text(self):
        return self.body.decode('utf-8', errors='replace')

    def __repr__(self):
        return '%d %s' % (self.status, self.text()[:300])


DEFAULT = object()


class Api:
    """A client of the daemon's REST API (urllib, no proxies)."""

    def __init__(self, ctx, port, token=None):
        self.ctx = ctx
        self.base = 'http://127.0.0.1:%d' % port
        self.token = token
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}))

    def request(self, method, path, body=None, raw=None, token=DEFAULT,
                timeout=15):
        """'body' is sent as JSON, 'raw' as it is.  Returns a Reply (HTTP
        errors included); a failed connection fails the test."""
        data = raw if raw is not None else (
            None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data,
                                     method=method)
        if data is not None:
            req.add_header('Content-Type', 'application/json')
        token = self.token if token is DEFAULT else token
        if token:
            req.add_header('Authorization', 'Bearer ' + token)
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return Reply(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as e:
            with e:
                return Reply(e.code, e.headers, e.read())
        except (urllib.error.URLError, OSError) as e:
            self.ctx.check(False, '%s %s: %s' % (method, path, e))

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, body=None, **kw):
        return self.request('POST', path, body=body, **kw)

    def json(self, method, path, status=200, **kw):
        """The JSON of a reply that must have 'status'."""
        r = self.request(method, path, **kw)
        self.ctx.check(r.status == status, '%s %s: want %d, got %r'
                       % (method, path, status, r))
        return parse_json(self.ctx, r, '%s %s' % (method, path))

    def error(self, method, path, status, **kw):
        """The {"error", "detail"} of a reply that must have 'status'."""
        r = self.request(method, path, **kw)
        what = '%s %s' % (method, path)
        self.ctx.check(r.status == status, '%s: want %d, got %r'
                       % (what, status, r))
        body = parse_json(self.ctx, r, what)
        self.ctx.check(isinstance(body, dict)
                       and isinstance(body.get('error'), str)
                       and isinstance(body.get('detail', ''), str),
                       '%s: %d without {"error", "detail"}: %r'
                       % (what, status, r))
        return r, body


def parse_json(ctx, r, what):
    ctype = r.headers.get('Content-Type', '')
    ctx.check(ctype.startswith('application/json'), '%s: Content-Type %r'
              % (what, ctype))
    try:
        return json.loads(r.body)
    except ValueError as e:
        ctx.check(False, '%s: not JSON (%s): %r' % (what, e, r))


# ---- the network ----

def start(ctx, token=None, network=True):
    """sluice with a REST listener (and 'token'), then the tree of 3
    switches (unless not 'network').  Returns (OpenFlow port, api, net)."""
    ctx.rest_token = token
    port = sn.free_port()
    ctx.start_controller(port)
    api = Api(ctx, ctx.rest_port, token)
    up = sn.wait_until(lambda: sn.listening(ctx.rest_port), 10)
    ctx.check(up, 'sluice does not serve REST on 127.0.0.1:%d'
              % ctx.rest_port)
    net = None
    if network:
        net = connect(ctx, api, port)
    return port, api, net


def connect(ctx, api, port):
    net = ctx.network(TreeTopo(depth=2, fanout=2), port)
    names = [s.name for s in net.switches]
    ctx.wait_connected(names)
    want = sorted(int(s.dpid, 16) for s in net.switches)
    seen = []

    def listed():
        r = api.get('/stats/switches')
        seen[:] = [r]
        return r.status == 200 and sorted(json.loads(r.body)) == want
    ctx.check(sn.wait_until(listed, CONNECT_TIMEOUT, interval=0.2),
              'GET /stats/switches never listed %s: last %r'
              % (want, seen[0] if seen else None))
    return net


def require_keys(ctx, obj, keys, what):
    ctx.check(isinstance(obj, dict), '%s: not an object: %r' % (what, obj))
    missing = sorted(keys - set(obj))
    ctx.check(not missing, '%s: missing %s in %r'
              % (what, ', '.join(missing), obj))


def per_dpid(ctx, body, dpid, what, kind=list):
    """Ryu's {"<dpid decimal>": BODY}."""
    ctx.check(isinstance(body, dict) and list(body) == [str(dpid)],
              '%s: not keyed by "%d": %r' % (what, dpid, body))
    inner = body[str(dpid)]
    ctx.check(isinstance(inner, kind), '%s: not a %s: %r'
              % (what, kind.__name__, inner))
    return inner


def is_int(x):
    return isinstance(x, int) and not isinstance(x, bool)


def ovs_port_names(name):
    out = sn.run(['ovs-ofctl', '-O', 'OpenFlow13', 'dump-ports-desc',
                  name], timeout=15)
    return set(re.findall(r'^\s*\S+\((\S+)\): addr:', out, re.M))


# ---- rest_read ----

def t_rest_read(ctx):
    _, api, net = start(ctx)
    dpids = sorted(int(s.dpid, 16) for s in net.switches)

    got = api.json('GET', '/stats/switches')
    ctx.check(isinstance(got, list) and all(is_int(d) for d in got)
              and sorted(got) == dpids, '/stats/switches: %r, want %r'
              % (got, dpids))
    ctx.note('/stats/switches: %s' % got)

    desc = per_dpid(ctx, api.json('GET', '/stats/desc/1'), 1, 'desc',
                    dict)
    require_keys(ctx, desc, DESC_KEYS, '/stats/desc/1')
    ctx.check(all(isinstance(desc[k], str) for k in DESC_KEYS),
              '/stats/desc/1: non-string fields: %r' % desc)
    ctx.check(desc == per_dpid(ctx, api.json('GET', '/stats/desc/0x1'), 1,
                               'desc 0x1', dict),
              '/stats/desc/0x1 differs from /stats/desc/1')
    ctx.note('desc of s1: %s / %s' % (desc['mfr_desc'], desc['hw_desc']))

    ports = per_dpid(ctx, api.json('GET', '/stats/portdesc/1'), 1,
                     'portdesc')
    for p in ports:
        require_keys(ctx, p, PORT_DESC_KEYS, '/stats/portdesc/1 entry')
        ctx.check(MAC_RE.match(str(p['hw_addr'])), '/stats/portdesc/1: '
                  'hw_addr %r' % p['hw_addr'])
    names = {p['name'] for p in ports}
    ovs_names = ovs_port_names('s1')
    ctx.check(names == ovs_names, '/stats/portdesc/1 names %s, ovs-ofctl '
              '%s' % (sorted(names), sorted(ovs_names)))
    numbers = {p['port_no'] for p in ports}
    ctx.check('LOCAL' in numbers and 1 in numbers and 2 in numbers,
              '/stats/portdesc/1 port numbers %r (want 1, 2, "LOCAL")'
              % numbers)
    ctx.note('portdesc of s1: %s' % ', '.join(sorted(names)))

    stats = per_dpid(ctx, api.json('GET', '/stats/port/1'), 1, 'port')
    for p in stats:
        require_keys(ctx, p, PORT_STATS_KEYS, '/stats/port/1 entry')
    ctx.check({p['port_no'] for p in stats} == numbers, '/stats/port/1 '
              'ports %r, portdesc %r' % ([p['port_no'] for p in stats],
                                          numbers))
    one = per_dpid(ctx, api.json('GET', '/stats/port/1/1'), 1, 'port 1')
    ctx.check([p['port_no'] for p in one] == [1], '/stats/port/1/1: %r'
              % one)

    def flows_agree():
        flows = per_dpid(ctx, api.json('GET', '/stats/flow/1'), 1, 'flow')
        return flows if len(flows) == len(sn.dump_flows('s1')) else None
    flows = sn.wait_until(flows_agree, 5, interval=0.5)
    ctx.check(flows, '/stats/flow/1 and ovs-ofctl dump-flows s1 never '
              'agreed on the number of flows')
    for f in flows:
        require_keys(ctx, f, FLOW_STATS_KEYS, '/stats/flow/1 entry')
        ctx.check(isinstance(f['match'], dict)
                  and isinstance(f['actions'], list),
                  '/stats/flow/1: match/actions %r' % f)
    misses = {(f['table_id'], tuple(f['actions'])) for f in flows
              if f['priority'] == 0 and f['match'] == {}}
    for want in ((0, ('GOTO_TABLE:1',)), (3, ('OUTPUT:CONTROLLER',))):
        ctx.check(want in misses, '/stats/flow/1: no table-miss flow %r '
                  'among %r' % (want, sorted(misses)))
    ctx.note('/stats/flow/1: %d flows, table-miss flows in Ryu form'
             % len(flows))

    filtered = per_dpid(ctx, api.json('POST', '/stats/flow/1',
                                      body={'table_id': 3}), 1,
                        'flow filtered')
    ctx.check(filtered and all(f['table_id'] == 3 for f in filtered),
              'POST /stats/flow/1 {"table_id": 3}: %r' % filtered)
    agg = []

    def aggregate_agrees():
        agg[:] = per_dpid(ctx, api.json('GET', '/stats/aggregateflow/1'), 1,
                          'aggregateflow')
        ctx.check(len(agg) == 1, '/stats/aggregateflow/1: %r' % agg)
        require_keys(ctx, agg[0], AGGREGATE_KEYS, '/stats/aggregateflow/1')
        return agg[0]['flow_count'] == len(sn.dump_flows('s1'))
    ctx.check(sn.wait_until(aggregate_agrees, 5, interval=0.5),
              '/stats/aggregateflow/1: flow_count %r, ovs-ofctl %d'
              % (agg[0]['flow_count'], len(sn.dump_flows('s1'))))
    tables = per_dpid(ctx, api.json('GET', '/stats/table/1'), 1, 'table')
    ctx.check(tables, '/stats/table/1: no tables')
    for t in tables:
        require_keys(ctx, t, TABLE_STATS_KEYS, '/stats/table/1 entry')
    ctx.note('aggregate: %r; %d table stats' % (agg[0], len(tables)))

    # The native API.
    switches = api.json('GET', '/api/v1/switches')
    require_keys(ctx, switches, {'switches'}, '/api/v1/switches')
    listed = [s.get('dpid') for s in switches['switches']]
    ctx.check(listed == ['%016x' % d for d in dpids], '/api/v1/switches '
              'dpids %r' % listed)
    for s in switches['switches']:
        require_keys(ctx, s, SWITCH_KEYS, '/api/v1/switches entry')
        ctx.check(s['of_version'] == '1.3'
                  and STAMP_RE.match(str(s['connected_since'])),
                  '/api/v1/switches: %r' % s)
    s1 = switches['switches'][0]
    ctx.check(s1['desc'].get('mfr_desc') == desc['mfr_desc'],
              '/api/v1/switches desc %r vs /stats/desc %r'
              % (s1['desc'], desc))
    ctx.check({p.get('name') for p in s1['ports']} == names,
              '/api/v1/switches ports %r, want %s' % (s1['ports'],
                                                      sorted(names)))
    for spelling in ('0000000000000002', '0x2', '2'):
        one = api.json('GET', '/api/v1/switches/' + spelling)
        ctx.check(one.get('dpid') == '0000000000000002',
                  '/api/v1/switches/%s: %r' % (spelling, one))
    _, body = api.error('GET', '/api/v1/switches/s1', 400)
    ctx.check(body['error'] == 'bad dpid', '/api/v1/switches/s1: %r'
              % body)
    _, body = api.error('GET', '/api/v1/switches/99', 404)
    ctx.check(body['error'] == 'no such switch', '/api/v1/switches/99: %r'
              % body)
    ctx.note('/api/v1/switches: %s' % ' '.join(listed))

    health = api.json('GET', '/api/v1/health')
    require_keys(ctx, health, {'status', 'version', 'uptime_seconds',
                               'switches', 'apps'}, '/api/v1/health')
    ctx.check(health['status'] == 'ok' and health['switches'] == 3
              and health['apps'] == 1
              and isinstance(health['uptime_seconds'], (int, float))
              and health['uptime_seconds'] >= 0,
              '/api/v1/health: %r' % health)
    ctx.note('/api/v1/health: %s' % json.dumps(health, sort_keys=True))
    apps = api.json('GET', '/api/v1/apps')
    names_ = [a.get('name') for a in apps.get('apps', [])]
    ctx.check(names_ == [ctx.args.app], '/api/v1/apps: %r' % apps)

    # The errors every route shares.
    api.error('GET', '/api/v1/nothing', 404)
    r, _ = api.error('PUT', '/api/v1/health', 405, raw=b'{}')
    ctx.check('GET' in (r.headers.get('Allow') or ''), '405 without an '
              'Allow header naming GET: %r' % dict(r.headers))
    api.error('GET', '/stats/desc/99', 404)
    ctx.note('errors: 400 bad dpid, 404 no route / no switch, 405 + Allow')


# ---- rest_flow_write ----

FLOW_MATCH = {'in_port': 1, 'eth_type': 2048, 'ipv4_dst': '10.99.0.1'}


def flow_body(**kw):
    body = {'dpid': 1, 'table_id': 0, 'priority': 1234,
            'match': dict(FLOW_MATCH),
            'actions': [{'type': 'OUTPUT', 'port': 2}]}
    body.update(kw)
    return body


def ours(name):
    """The flows of 'name' with priority 1234 (the test's)."""
    return [f for f in sn.dump_flows(name) if f.priority == 1234]


def refused(ctx, api, body, names, what):
    """POST 'body' to flowentry/add: a 400 naming an OFPT_ERROR of 'names';
    the flow is not on s1."""
    t0 = time.monotonic()
    r, err = api.error('POST', '/stats/flowentry/add', 400, body=body)
    name = err.get('name')
    ctx.check(name in names and is_int(err.get('err_type'))
              and is_int(err.get('code')), '%s: want an OFPT_ERROR %s, '
              'got %r' % (what, ' or '.join(names), r))
    ctx.check((err['err_type'], err['code']) == REFUSALS[name],
              '%s: %s with type %s code %s' % (what, name, err['err_type'],
                                               err['code']))
    ctx.check(name in err.get('detail', ''), '%s: detail %r does not name '
              '%s' % (what, err.get('detail'), name))
    ctx.check(not ours('s1'), '%s: the refused flow is on s1: %s'
              % (what, ours('s1')))
    ctx.note('%s: 400 %s (type %d, code %d) in %.2f s'
             % (what, name, err['err_type'], err['code'],
                time.monotonic() - t0))


def t_rest_flow_write(ctx):
    token = 'e2e-%d' % time.monotonic_ns()
    _, api, _ = start(ctx, token=token)
    flows_before = api.json('GET', '/api/v1/switches/1')['flows']

    t0 = time.monotonic()
    r = api.post('/stats/flowentry/add', flow_body(cookie=0x42))
    ctx.check(r.status == 200, 'flowentry/add: %r' % r)
    # Answered after the barrier: the flow is there already.
    flows = ours('s1')
    ctx.check(len(flows) == 1, 'after the 200 of flowentry/add, s1 has '
              '%d flows of priority 1234: %s' % (len(flows), flows))
    f = flows[0]
    ctx.note('flowentry/add: 200 in %.2f s; s1: %s'
             % (time.monotonic() - t0, f.line))
    ctx.check(f.table == 0 and f.actions == 'output:2'
              and 'nw_dst=10.99.0.1' in f.match and 'in_port=1' in f.match,
              'the added flow on s1: %s' % f.line)
    ctx.check(f.cookie >> 56 == SLUICE_COOKIE_MAGIC
              and f.cookie & ((1 << 40) - 1) == 0x42,
              'cookie %#x: want a Sluice cookie (0x5c...) keeping 0x42 in '
              'its low 40 bits' % f.cookie)
    via_rest = [x for x in per_dpid(ctx, api.json('GET', '/stats/flow/1'),
                                    1, 'flow') if x['priority'] == 1234]
    ctx.check(len(via_rest) == 1 and via_rest[0]['actions'] == ['OUTPUT:2']
              and via_rest[0]['table_id'] == 0,
              '/stats/flow/1 shows the flow as %r' % via_rest)

    r = api.post('/stats/flowentry/modify_strict',
                 flow_body(actions=[{'type': 'OUTPUT', 'port': 3}]))
    ctx.check(r.status == 200, 'flowentry/modify_strict: %r' % r)
    flows = ours('s1')
    ctx.check(len(flows) == 1 and flows[0].actions == 'output:3',
              'after modify_strict: %s' % flows)
    ctx.note('modify_strict: 200, actions now output:3')

    r = api.post('/stats/flowentry/delete_strict', flow_body())
    ctx.check(r.status == 200, 'flowentry/delete_strict: %r' % r)
    ctx.check(not ours('s1'), 'after the 200 of delete_strict, s1 still '
              'has %s' % ours('s1'))
    ctx.note('delete_strict: 200, flow gone from s1')

    refused(ctx, api, flow_body(table_id=254),
            ('OFPBRC_EPERM', 'OFPBRC_BAD_TABLE_ID', 'OFPFMFC_BAD_TABLE_ID'),
            'table 254')
    refused(ctx, api, flow_body(actions=[{'type': 'OUTPUT',
                                          'port': 65536}]),
            ('OFPBAC_BAD_OUT_PORT',), 'output port 65536')

    api.error('POST', '/stats/flowentry/add', 400,
              raw=b'{"dpid": 1, "priority": ')
    api.error('POST', '/stats/flowentry/add', 400,
              body=flow_body(priority='high'))
    api.error('POST', '/stats/flowentry/add', 404, body=flow_body(dpid=99))
    api.error('GET', '/stats/flow/99', 404)
    ctx.check(not ours('s1'), 'a refused request left a flow: %s'
              % ours('s1'))
    ctx.note('malformed JSON, a bad field -> 400; dpid 99 -> 404')
    # Refused flows are not left desired (or the programmer would retry
    # them forever): back to what the switch had before, in sync.
    flows = api.json('GET', '/api/v1/switches/1')['flows']
    ctx.check(flows.get('desired') == flows_before.get('desired')
              and flows.get('synced') is True, 'flow programmer after the '
              'refusals: %r, before the test: %r' % (flows, flows_before))

    for what, tok in (('no token', None), ('a wrong token', token + 'x')):
        r, _ = api.error('POST', '/stats/flowentry/add', 401,
                         body=flow_body(), token=tok)
        ctx.check('bearer' in (r.headers.get('WWW-Authenticate')
                               or '').lower(),
                  '401 without WWW-Authenticate: Bearer (%s)' % what)
        api.error('DELETE', '/stats/flowentry/clear/1', 401, token=tok)
    ctx.check(not ours('s1'), 'an unauthorised add left a flow: %s'
              % ours('s1'))
    r = api.get('/stats/flow/1', token=None)
    ctx.check(r.status == 200, 'a read without the token: %r' % r)
    ctx.note('writes without or with a wrong token -> 401; reads open')


# ---- rest_metrics ----

METRIC_NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL_NAME = r'[a-zA-Z_][a-zA-Z0-9_]*'
SAMPLE_RE = re.compile(r'^(%s)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$'
                       % METRIC_NAME)
TYPES = {'counter', 'gauge', 'histogram', 'summary', 'untyped'}


class ExpositionError(Exception):
    pass


def parse_labels(text, lineno):
    """'a="x",b="y"' (escapes \\\\, \\", \\n; a trailing comma allowed) ->
    {name: value}."""
    labels = {}
    i = 0
    while i < len(text):
        m = re.compile(LABEL_NAME).match(text, i)
        if not m or text[m.end():m.end() + 2] != '="':
            raise ExpositionError('line %d: bad label at %r'
                                  % (lineno, text[i:]))
        name = m.group(0)
        i = m.end() + 2
        value = []
        while True:
            if i >= len(text):
                raise ExpositionError('line %d: unterminated label value'
                                      % lineno)
            c = text[i]
            if c == '\\':
                esc = text[i + 1:i + 2]
                if esc not in ('\\', '"', 'n'):
                    raise ExpositionError('line %d: bad escape \\%s'
                                          % (lineno, esc))
                value.append('\n' if esc == 'n' else esc)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == '\n':
                raise ExpositionError('line %d: newline in a label value'
                                      % lineno)
            else:
                value.append(c)
                i += 1
        if name in labels:
            raise ExpositionError('line %d: label %s twice' % (lineno, name))
        labels[name] = ''.join(value)
        if i < len(text):
            if text[i] != ',':
                raise ExpositionError('line %d: expected "," at %r'
                                      % (lineno, text[i:]))
            i += 1
    return labels


def parse_value(s, lineno):
    if s in ('NaN', '+Inf', '-Inf'):
        return float(s.replace('Inf', 'inf').replace('NaN', 'nan'))
    if not re.match(r'^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$', s):
        raise ExpositionError('line %d: bad value %r' % (lineno, s))
    return float(s)


def family_of(name, families):
    """The family a sample name belongs to (histogram/summary suffixes)."""
    if name in families:
        return name
    for suffix in ('_bucket', '_sum', '_count'):
        base = name[:-len(suffix)]
        if name.endswith(suffix) and families.get(base, {}).get('type') in (
                'histogram', 'summary'):
            return base
    return name


def parse_exposition(text):
    """Parses the Prometheus text format 0.0.4 strictly.  Returns {family:
    {'type', 'help', 'samples': [(name, labels, value)]}}; raises
    ExpositionError naming the line."""
    if text and not text.endswith('\n'):
        raise ExpositionError('the last line does not end with a newline')
    families = {}
    order = []          # families in the order their lines appear
    closed = set()      # families whose group of lines has ended
    series = set()
    for lineno, line in enumerate(text.split('\n')[:-1], 1):
        if line == '':
            continue
        if line.startswith('#'):
            parts = line.split(' ', 3)
            if len(parts) >= 3 and parts[1] in ('HELP', 'TYPE'):
                kind, name = parts[1], parts[2]
                rest = parts[3] if len(parts) > 3 else ''
                if not re.fullmatch(METRIC_NAME, name):
                    raise ExpositionError('line %d: bad name %r'
                                          % (lineno, name))
                fam = families.setdefault(name, {'type': None,
                                                 'help': None,
                                                 'samples': []})
                if name in closed or fam['samples']:
                    raise ExpositionError('line %d: %s of %s after its '
                                          'samples' % (lineno, kind, name))
                if kind == 'TYPE':
                    if fam['type'] is not None:
                        raise ExpositionError('line %d: second TYPE of %s'
                                              % (lineno, name))
                    if fam['samples']:
                        raise ExpositionError('line %d: TYPE of %s after '
                                              'its samples' % (lineno, name))
                    if rest not in TYPES:
                        raise ExpositionError('line %d: unknown type %r'
                                              % (lineno, rest))
                    fam['type'] = rest
                else:
                    if fam['help'] is not None:
                        raise ExpositionError('line %d: second HELP of %s'
                                              % (lineno, name))
                    if re.search(r'\\[^\\n]', rest.replace('\\\\', '')):
                        raise ExpositionError('line %d: bad escape in HELP'
                                              % lineno)
                    fam['help'] = rest
                if not order or order[-1] != name:
                    if order:
                        closed.add(order[-1])
                    order.append(name)
            continue
        m = SAMPLE_RE.match(line)
        if not m:
            raise ExpositionError('line %d: not a sample: %r'
                                  % (lineno, line))
        name, labels_text, value, _ = m.groups()
        labels = parse_labels(labels_text or '', lineno)
        value = parse_value(value, lineno)
        fam_name = family_of(name, families)
        if fam_name in closed:
            raise ExpositionError('line %d: %s again after other families'
                                  % (lineno, fam_name))
        if not order or order[-1] != fam_name:
            if order:
                closed.add(order[-1])
            order.append(fam_name)
        fam = families.setdefault(fam_name, {'type': None, 'help': None,
                                             'samples': []})
        key = (name, tuple(sorted(labels.items())))
        if key in series:
            raise ExpositionError('line %d: series %s%s twice'
                                  % (lineno, name, labels))
        series.add(key)
        fam['samples'].append((name, labels, value))
    for name, fam in families.items():
        check_family(name, fam)
    return families


def check_family(name, fam):
    kind = fam['type'] or 'untyped'
    samples = fam['samples']
    if kind == 'counter':
        for s, _, v in samples:
            if v < 0 or math.isnan(v):
                raise ExpositionError('counter %s is %r' % (s, v))
    if kind != 'histogram':
        if kind != 'summary':
            for s, labels, _ in samples:
                if s != name:
                    raise ExpositionError('%s (a %s) has sample %s'
                                          % (name, kind, s))
        return
    groups = {}
    for s, labels, v in samples:
        rest = tuple(sorted((k, x) for k, x in labels.items() if k != 'le'))
        g = groups.setdefault(rest, {'buckets': [], 'sum': None,
                                     'count': None})
        if s == name + '_bucket':
            if 'le' not in labels:
                raise ExpositionError('%s without le' % s)
            g['buckets'].append((parse_value(labels['le'], 0), v))
        elif s == name + '_sum':
            g['sum'] = v
        elif s == name + '_count':
            g['count'] = v
        else:
            raise ExpositionError('histogram %s has sample %s' % (name, s))
    for rest, g in groups.items():
        les = [le for le, _ in g['buckets']]
        counts = [c for _, c in g['buckets']]
        if not les or les[-1] != math.inf:
            raise ExpositionError('histogram %s%s: no +Inf bucket'
                                  % (name, dict(rest)))
        if les != sorted(les) or counts != sorted(counts):
            raise ExpositionError('histogram %s%s: buckets not cumulative'
                                  % (name, dict(rest)))
        if g['count'] is None or g['sum'] is None:
            raise ExpositionError('histogram %s%s: no _sum or _count'
                                  % (name, dict(rest)))
        if g['count'] != counts[-1]:
            raise ExpositionError('histogram %s%s: _count %r != +Inf '
                                  'bucket %r' % (name, dict(rest),
                                                 g['count'], counts[-1]))


def self_test_parser():
    """The parser refuses what it must (so a pass means something)."""
    good = ('# HELP a_total A "thing" \\\\ \\n.\n# TYPE a_total counter\n'
            'a_total{x="1",y="a\\"b"} 3\na_total{x="2",} 4 1700000000\n'
            '# TYPE h histogram\nh_bucket{le="0.1"} 1\nh_bucket{le="+Inf"} 2'
            '\nh_sum 0.3\nh_count 2\n# a comment\ng NaN\n')
    parse_exposition(good)
    bad = ['a 1', 'a{x="1} 2\n', 'a{x=1} 2\n', 'a 1\na 2\n',
           '# TYPE a counter\n# TYPE a counter\na 1\n', 'a one\n',
           '# TYPE a counter\na -1\n', 'a 1\nb 1\na 2\n',
           '# TYPE a gauge\na 1\n# HELP a late\n', '# TYPE a wrong\n',
           '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
           '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1'
           '\nh_sum 1\nh_count 1\n', 'a{x="\\q"} 1\n', '1a 1\n']
    for text in bad:
        try:
            parse_exposition(text)
        except ExpositionError:
            continue
        raise AssertionError('the exposition parser accepted %r' % text)


def scrape(ctx, api):
    r = api.get('/metrics')
    ctx.check(r.status == 200, '/metrics: %r' % r)
    ctype = r.headers.get('Content-Type', '')
    ctx.check(ctype.startswith('text/plain') and 'version=0.0.4' in ctype,
              '/metrics: Content-Type %r' % ctype)
    try:
        return parse_exposition(r.text())
    except ExpositionError as e:
        ctx.check(False, '/metrics is not valid exposition text: %s' % e)


def total(fam):
    return sum(v for _, _, v in fam['samples'])


def t_rest_metrics(ctx):
    self_test_parser()
    _, api, _ = start(ctx)
    first = scrape(ctx, api)
    unprefixed = sorted(n for n in first if not n.startswith('sluice_'))
    ctx.check(not unprefixed, '/metrics: families without the sluice_ '
              'prefix: %s' % ', '.join(unprefixed))
    bare = sorted(n for n, f in first.items()
                  if f['type'] is None or f['help'] is None)
    ctx.check(not bare, '/metrics: families without HELP or TYPE: %s'
              % ', '.join(bare))
    n_samples = sum(len(f['samples']) for f in first.values())
    ctx.note('/metrics: %d families, %d samples, valid 0.0.4 text'
             % (len(first), n_samples))
    sw = first.get('sluice_switches')
    ctx.check(sw is not None and sw['type'] == 'gauge' and total(sw) == 3,
              '/metrics: sluice_switches %r, want a gauge of 3' % sw)

    for _ in range(5):
        api.get('/api/v1/health')
    api.get('/api/v1/nothing')
    second = scrape(ctx, api)
    for name, fam in first.items():
        if fam['type'] != 'counter' or name not in second:
            continue
        before = {(s, tuple(sorted(l.items()))): v
                  for s, l, v in fam['samples']}
        for s, l, v in second[name]['samples']:
            old = before.get((s, tuple(sorted(l.items()))))
            ctx.check(old is None or v >= old, 'counter %s%s went down: '
                      '%r -> %r' % (s, l, old, v))
    grown = [n for n in first if first[n]['type'] == 'counter'
             and n in second and total(second[n]) > total(first[n])
             and 'rest' in n]
    ctx.check(grown, '/metrics: no REST request counter grew after 7 '
              'requests')
    ctx.note('counters monotonic; grew: %s' % ', '.join(grown))


# ---- rest_events ----

class EventReader(threading.Thread):
    """Reads /api/v1/events (Server-Sent Events) into 'events': (type,
    data) pairs, data parsed as JSON; 'errors' collects malformed ones."""

    def __init__(self, api):
        super().__init__(daemon=True)
        req = urllib.request.Request(api.base + '/api/v1/events',
                                     headers={'Accept': 'text/event-stream'})
        self.resp = api.opener.open(req, timeout=40)
        self.events = []
        self.errors = []
        self.comments = 0
        self.lock = threading.Lock()

    def run(self):
        event, data = None, []
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    return
                line = line.decode('utf-8').rstrip('\r\n')
                if line == '':
                    if data:
                        self.dispatch(event, '\n'.join(data))
                    event, data = None, []
                elif line.startswith(':'):
                    self.comments += 1
                elif line.startswith('event:'):
                    event = line[6:].lstrip(' ')
                elif line.startswith('data:'):
                    data.append(line[5:].lstrip(' '))
                else:
                    with self.lock:
                        self.errors.append('unexpected line %r' % line)
        except Exception:  # closed under us, or a timeout: the end
            return

    def dispatch(self, event, data):
        with self.lock:
            try:
                obj = json.loads(data)
            except ValueError:
                self.errors.append('%s: data not JSON: %r' % (event, data))
                return
            self.events.append((event, obj))

    def find(self, pred):
        with self.lock:
            return [e for e in self.events if pred(*e)]

    def close(self):
        try:
            self.resp.close()
        except OSError:
            pass


EVENT_FIELDS = {'switch_up': {'address'}, 'switch_down': {'reason'},
                'port_status': {'port_no', 'name', 'reason', 'up'},
                'flow_error': {'owner', 'table_id', 'priority', 'error',
                               'err_type', 'code'},
                'switch_error': {'xid', 'error', 'err_type', 'code'},
                # The topology's (issue 6).
                'port_up': {'port_no', 'name'},
                'port_down': {'port_no', 'name'},
                'link_up': {'src', 'dst', 'latency_ms'},
                'link_down': {'src', 'dst', 'latency_ms', 'reason'},
                'host_add': {'mac', 'vlan', 'ipv4', 'ipv6', 'port_no'},
                'host_move': {'mac', 'vlan', 'ipv4', 'ipv6', 'port_no',
                              'old_dpid', 'old_port_no'},
                'host_remove': {'mac', 'vlan', 'ipv4', 'ipv6', 'port_no'},
                'tree_changed': {'links', 'switches'}}


def check_event(ctx, event, data):
    what = 'event %s %s' % (event, json.dumps(data))
    ctx.check(event in EVENT_FIELDS, 'unknown %s' % what)
    require_keys(ctx, data, {'type', 'time', 'dpid'} | EVENT_FIELDS[event],
                 what)
    ctx.check(data['type'] == event and TIME_RE.match(str(data['time']))
              and DPID_RE.match(str(data['dpid'])), 'malformed ' + what)


def wait_event(ctx, reader, event, dpid, what, pred=lambda d: True):
    t0 = time.monotonic()
    got = sn.wait_until(lambda: reader.find(
        lambda e, d: e == event and d.get('dpid') == '%016x' % dpid
        and pred(d)), EVENT_TIMEOUT, interval=0.05)
    ctx.check(got, 'no %s event for %016x within %.0f s (%s); got %s'
              % (event, dpid, EVENT_TIMEOUT, what,
                 [e for e, _ in reader.find(lambda e, d: True)]))
    ctx.note('%s %016x after %.2f s: %s' % (event, dpid,
                                            time.monotonic() - t0,
                                            json.dumps(got[0][1])))
    return got[0][1]


def t_rest_events(ctx):
    port, api, _ = start(ctx, network=False)
    reader = EventReader(api)
    ctx.defer(reader.close)
    ctype = reader.resp.headers.get('Content-Type', '')
    ctx.check(reader.resp.status == 200
              and ctype.startswith('text/event-stream'),
              '/api/v1/events: %d %r' % (reader.resp.status, ctype))
    reader.start()

    net = connect(ctx, api, port)
    for dpid in (1, 2, 3):
        wait_event(ctx, reader, 'switch_up', dpid, 'network started')

    # A port taken down: OVS reports its link state.
    s1 = net.get('s1')
    s1.cmd('ip link set s1-eth1 down')
    wait_event(ctx, reader, 'port_status', 1, 's1-eth1 down',
               lambda d: d.get('name') == 's1-eth1' and d.get('up') is False)
    # ... and the topology its link going, both directions.
    wait_event(ctx, reader, 'link_down', 1, 's1-eth1 down',
               lambda d: d.get('src', {}).get('dpid') == '%016x' % 1
               and d.get('reason') == 'port down')
    ups = len(reader.find(lambda e, d: e == 'link_up'))
    s1.cmd('ip link set s1-eth1 up')
    got = sn.wait_until(
        lambda: len(reader.find(lambda e, d: e == 'link_up')) >= ups + 2,
        EVENT_TIMEOUT, interval=0.05)
    ctx.check(got, 'no link_up (both ways) after s1-eth1 came back up')

    # A flow the switch refuses: flow_error names its owner and the error.
    r = api.post('/stats/flowentry/add', flow_body(table_id=254))
    ctx.check(r.status == 400, 'flowentry/add to table 254: %r' % r)
    name = json.loads(r.body).get('name')
    wait_event(ctx, reader, 'flow_error', 1, 'a refused flow',
               lambda d: d.get('owner') == 'rest'
               and d.get('table_id') == 254 and d.get('priority') == 1234
               and d.get('error') == name)

    # A switch that loses its controller.
    sn.run(['ovs-vsctl', '--timeout=10', 'del-controller', 's3'])
    down = wait_event(ctx, reader, 'switch_down', 3,
                      'ovs-vsctl del-controller s3')
    ctx.check(down.get('reason'), 'switch_down without a reason: %r' % down)

    with reader.lock:
        events, errors = list(reader.events), list(reader.errors)
    ctx.check(not errors, '/api/v1/events: %s' % '; '.join(errors[:5]))
    for event, data in events:
        check_event(ctx, event, data)
    ctx.note('%d events, all well formed' % len(events))
    # The stream stays open: sluice must still stop cleanly (Ctx.finish).


TESTS = (
    ('rest_read', 90, t_rest_read),
    ('rest_flow_write', 90, t_rest_flow_write),
    ('rest_metrics', 60, t_rest_metrics),
    ('rest_events', 90, t_rest_events),
)
