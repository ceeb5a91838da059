"""e2e_abuse: the REST API under abuse (issue 8), registered by e2e.py
(TESTS below).  Each test runs a real sluice -- REST listener with a token,
apps acl (one rule from its config), l3_routing (one interface, one route)
and l2_learning -- with one userspace OVS switch s1 in Mininet (no hosts,
so nothing but the controller changes its flows), and attacks the REST
listener from this process with raw sockets and http.client.  The server's
limits are its defaults (rest/server.c): 256 connections, a 10 s request
timeout, 1 MiB bodies, 16 KiB headers.  Figures are printed as "#" lines.

  rest_slowloris     1000 connections opened at once and left idle (half
                     send nothing, half a partial request line, one byte
                     every 2 s): the server holds max_connections of them
                     and answers the others a JSON 503 and closes them,
                     logging the refusals rate-limited (a client 0.2 s in
                     gets a 503 too: every held connection is younger
                     than 1 s); from 1.5 s on a held connection has waited
                     over a second, so a new client takes the place of
                     the one that waited longest, and a normal client (a
                     new connection per request, every 0.25 s) gets GET
                     /api/v1/switches right every time (latency
                     reported); sluice_rest_connections never exceeds
                     max_connections, /metrics answers and s1 stays
                     connected throughout; every held connection is closed
                     by the server within the request timeout + 2 s; the
                     daemon's descriptors stay under baseline +
                     max_connections + 16 and come back to the baseline,
                     its VmRSS grows by less than 64 MiB and ends within
                     16 MiB of the baseline (figures reported)
  rest_oversized     bodies over max_body: a declared Content-Length of
                     1 MiB + 1 and of 2^40, Expect: 100-continue with 1 GiB
                     (no 100 Continue), a chunked body growing to 2 MiB ->
                     JSON 413 and closed; Content-Length larger than what
                     is sent, then a half-close -> closed without an
                     answer; the same left open -> closed at the request
                     timeout; Content-Length -1 or x, Content-Length twice
                     with different values, Content-Length with chunked ->
                     JSON 400, closed after that one answer (the request
                     smuggled behind the body is never answered); headers
                     over max_headers (one big header, 3000 small ones, a
                     100 KiB request line) -> JSON 400, closed; 200
                     connections declaring 1 TiB: 413 each, VmRSS + less
                     than 8 MiB; twice 64 connections each holding a body
                     of 1 MiB - 1 byte: VmRSS bounded by 2 x 64 MiB, the
                     second round no higher than the first + 8 MiB
                     (memory reused), the first round closed by the
                     request timeout; descriptors back to the baseline
  rest_json_hostile  every endpoint taking a JSON body (Ryu's
                     /stats/flowentry/*, groupentry, meterentry,
                     portdesc/modify, role, experimenter, and the
                     filters of /stats/flow and /stats/aggregateflow;
                     acl's /rules and /default; l3_routing's /interfaces
                     and /routes; l2_learning, which takes no write: 405)
                     first takes a valid body (undone after), then refuses
                     each hostile one -- 10^5 '[', 5x10^4 '{"a":', nesting
                     100 in a field, numbers over 2^64 and 1e400, duplicate
                     keys, invalid UTF-8 (overlong forms, lone surrogates
                     escaped and raw, 0xff, truncated, in a key), NUL raw
                     and escaped, a BOM, trailing data, not an object,
                     empty -- with a 4xx JSON error whose text names the
                     problem, some under a wrong Content-Type (which is
                     not checked: Ryu's clients send none, curl -d a form
                     type); DELETE /stats/flowentry/clear, acl's and
                     l3_routing's DELETEs refuse a body; s1's flows,
                     groups and meters, the acl rules and default, the l3
                     interfaces and routes, the switch's role and desired
                     flows are the same after as before; no error logged;
                     /metrics answers and s1 stays connected after each
                     endpoint
With an ASan daemon the VmRSS bounds are reported, not enforced (ASan keeps
freed memory in quarantine).
"""

import http.client
import json
import re
import resource
import select
import socket
import time

import sluicenet as sn
from e2e_apps import start as start_apps
from e2e_rest import scrape
from mininet.topo import Topo

# rest/server.c's defaults.
MAX_CONNECTIONS = 256
REQUEST_TIMEOUT = 10.0
MAX_BODY = 1024 * 1024
MAX_HEADERS = 16 * 1024
EVICT_AFTER = 1.0           # REST_EVICT_AFTER_MS
SLACK = 2.0                 # added to the request timeout for "closed in time"

N_LORIS = 1000
N_BIG_BODIES = 64
DRIBBLE_EVERY = 2.0         # s between the bytes of a partial request line
NORMAL_EVERY = 0.25         # s between the normal client's requests
ALIVE_EVERY = 1.0           # s between /metrics + s1 checks
LOG_RATE, LOG_BURST = 1, 5  # the refusal log's rate limit (SL_LOG_RL_INIT)

ACL_CONFIG = {'rules': [{'name': 'e2e', 'tcp_dst': 4000,
                         'action': 'deny'}]}
L3_CONFIG = {'interfaces': [{'name': 'net1', 'ports': ['1:1'],
                             'ipv4': '10.0.1.1/24'}],
             'routes': [{'prefix': '10.0.3.0/24',
                         'next_hop': '10.0.1.254'}]}
APPS = [('acl', ACL_CONFIG), ('l3_routing', L3_CONFIG),
        ('l2_learning', None)]


class OneSwitch(Topo):
    """s1 alone: no hosts, no links."""

    def build(self):
        self.addSwitch('s1')


# ---- HTTP by hand ----

class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def __repr__(self):
        return '%s %s' % (self.status, self.body[:300])


def http_request(port, method, path, body=None, headers=None, timeout=10):
    """One request on a new connection (http.client: Content-Length from
    'body', no Content-Type unless in 'headers').  Returns a Reply; raises
    OSError or http.client.HTTPException."""
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Reply(resp.status, {k.lower(): v for k, v in
                                   resp.getheaders()}, resp.read())
    finally:
        conn.close()


def parse_reply(data):
    """The first HTTP response in 'data' (bytes) as a Reply, or None."""
    head, sep, rest = data.partition(b'\r\n\r\n')
    if not sep:
        return None
    lines = head.decode('latin-1').split('\r\n')
    m = re.match(r'HTTP/1\.[01] (\d{3})', lines[0])
    if not m:
        return None
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(':')
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get('content-length', len(rest)))
    return Reply(int(m.group(1)), headers, rest[:n])


def raw_exchange(port, chunks, timeout=5.0, shut=False):
    """Sends 'chunks' (bytes each) on a new connection, half-closes if
    'shut', and reads until EOF or 'timeout' s.  Returns (bytes received,
    whether the server closed, seconds until then).  A reset counts as a
    close; sending into a closed connection stops sending."""
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    t0 = time.monotonic()
    data = b''
    try:
        for c in chunks:
            try:
                s.sendall(c)
            except (BrokenPipeError, ConnectionResetError):
                break
        if shut:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        s.settimeout(0.2)
        while time.monotonic() - t0 < timeout:
            try:
                b = s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                return data, True, time.monotonic() - t0
            if not b:
                return data, True, time.monotonic() - t0
            data += b
        return data, False, time.monotonic() - t0
    finally:
        s.close()


# ---- the world ----

def rss_kib(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def sanitized(pid):
    """Does process 'pid' run with AddressSanitizer?  (Its allocator keeps
    freed memory in quarantine: VmRSS bounds do not apply.)"""
    try:
        with open('/proc/%d/maps' % pid) as f:
            return 'libasan' in f.read()
    except OSError:
        return False


def raise_nofile(n):
    """This process may open 'n' descriptors (as root the hard limit can
    grow too)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= n:
        return
    if hard != resource.RLIM_INFINITY and hard < n:
        hard = n
    resource.setrlimit(resource.RLIMIT_NOFILE, (n, hard))


class World:
    """sluice with the apps of APPS and s1 connected; its REST port, an Api
    with the token, the daemon."""

    def __init__(self, ctx):
        self.ctx = ctx
        port, self.api, self.daemon = start_apps(ctx, APPS)
        self.port = ctx.rest_port
        self.token = self.api.token
        ctx.network(OneSwitch(), port)
        ctx.wait_connected(['s1'])
        seen = []

        def listed():
            r = self.api.get('/stats/switches')
            seen[:] = [r]
            return r.status == 200 and json.loads(r.body) == [1]
        ctx.check(sn.wait_until(listed, 20, interval=0.2),
                  'GET /stats/switches never listed [1]: %r'
                  % (seen[0] if seen else None))
        self.mark = self.daemon.log_size()
        self.alive_checks = 0
        self.asan = sanitized(self.daemon.pid)
        if self.asan:
            ctx.note('sluice runs with ASan: VmRSS reported, not bounded')

    def rss_check(self, cond, msg):
        """A check of VmRSS, not enforced under ASan."""
        if not self.asan:
            self.ctx.check(cond, msg)

    def usage(self):
        """(VmRSS KiB, open descriptors) of the daemon."""
        return rss_kib(self.daemon.pid), self.daemon.n_fds()

    def switches_ok(self, reply):
        """Is 'reply' a right answer to GET /api/v1/switches?"""
        body = reply.json() if reply.status == 200 else None
        sws = body.get('switches') if isinstance(body, dict) else None
        return (isinstance(sws, list) and len(sws) == 1
                and isinstance(sws[0], dict)
                and sws[0].get('dpid') == '0000000000000001')

    def alive(self, what):
        """The daemon runs, /metrics answers, s1 is connected."""
        ctx = self.ctx
        ctx.check(self.daemon.running(), 'sluice died (%s)' % what)
        r = http_request(self.port, 'GET', '/metrics')
        ctx.check(r.status == 200 and b'sluice_switches 1' in r.body,
                  '/metrics %s: %r' % (what, r))
        ctx.check(sn.is_connected('s1') == 'true', 's1 lost its connection '
                  '(%s)' % what)
        self.alive_checks += 1

    def finish(self):
        """No switch went down over the test; the daemon runs."""
        ctx = self.ctx
        ctx.check(self.daemon.running(), 'sluice died')
        down = self.daemon.find_log(r'switch 0x[0-9a-f]{16} down', self.mark)
        ctx.check(down is None, 'logged: %s' % (down and down.group(0)))
        ctx.check(sn.is_connected('s1') == 'true', 's1 is not connected')
        ctx.note('s1 connected and /metrics answering at %d checks; no '
                 'switch down' % self.alive_checks)


def fmt_usage(rss, fds):
    return '%.1f MiB, %d fds' % (rss / 1024.0, fds)


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def count_log(daemon, regex, start):
    return len(re.findall(regex, daemon.log()[start:], re.M))


# ---- rest_slowloris ----

PARTIAL = b'GET /api/v1/switches HTTP/1.1\r\n'


class Loris:
    """An idle client: it connects and sends nothing, or ('partial') one
    byte of a request line every DRIBBLE_EVERY s."""

    def __init__(self, port, partial):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.connect_ex(('127.0.0.1', port))
        self.partial = partial
        self.opened = time.monotonic()
        self.next_byte = self.opened
        self.sent = 0
        self.data = b''
        self.closed_at = None

    def fileno(self):
        return self.sock.fileno()

    @property
    def open(self):
        return self.closed_at is None

    def dribble(self, now):
        if not self.partial or not self.open or now < self.next_byte:
            return
        self.next_byte = now + DRIBBLE_EVERY
        try:
            if self.sock.send(PARTIAL[self.sent:self.sent + 1]) == 1:
                self.sent += 1
        except (BlockingIOError, ConnectionError):
            pass

    def readable(self, now):
        try:
            b = self.sock.recv(65536)
        except BlockingIOError:
            return
        except ConnectionError:
            b = b''
        if b:
            self.data += b
        else:
            self.closed_at = now
            self.sock.close()

    def close(self):
        if self.open:
            self.sock.close()
            self.closed_at = time.monotonic()


def t_rest_slowloris(ctx):
    w = World(ctx)
    raise_nofile(N_LORIS + 512)
    for _ in range(5):
        ctx.check(w.switches_ok(http_request(w.port, 'GET',
                                             '/api/v1/switches')),
                  'GET /api/v1/switches before the attack')
    w.alive('before the attack')
    time.sleep(0.5)
    base_rss, base_fds = w.usage()
    ctx.note('daemon before: %s' % fmt_usage(base_rss, base_fds))
    mark = w.daemon.log_size()

    t0 = time.monotonic()
    lorises = []
    ctx.defer(lambda: [lo.close() for lo in lorises])
    for i in range(N_LORIS):
        lorises.append(Loris(w.port, i % 2 == 1))
    ctx.note('%d connections opened in %.2f s (half silent, half a byte '
             'of a request line every %.0f s)'
             % (N_LORIS, time.monotonic() - t0, DRIBBLE_EVERY))

    # A client at once, while every held connection is fresh: refused.
    time.sleep(0.2)
    r = http_request(w.port, 'GET', '/api/v1/switches', timeout=5)
    ctx.check(r.status == 503 or w.switches_ok(r), 'a client 0.2 s into '
              'the attack: %r' % r)
    ctx.note('a client 0.2 s into the attack: %d (every held connection '
             'younger than %.0f s)' % (r.status, EVICT_AFTER))

    latencies, wrong = [], []
    peak_rss, peak_fds, held_gauge = base_rss, base_fds, []
    # Clients from here on must be served: by then every held connection
    # has waited EVICT_AFTER, with half a second for the server to have
    # accepted the burst (slower under ASan).
    next_normal = t0 + EVICT_AFTER + 0.5
    normal_until = t0 + REQUEST_TIMEOUT - 1.0
    next_alive = next_normal
    end = t0 + REQUEST_TIMEOUT + SLACK
    while True:
        now = time.monotonic()
        if now >= end:
            break
        live = [lo for lo in lorises if lo.open]
        if live:
            # poll(), not select(): this process may hold descriptors
            # beyond FD_SETSIZE (1024) by now.
            poller = select.poll()
            by_fd = {}
            for lo in live:
                poller.register(lo.fileno(), select.POLLIN)
                by_fd[lo.fileno()] = lo
            ready = [by_fd[fd] for fd, _ in poller.poll(50)]
        else:
            ready = []
            time.sleep(0.05)
        now = time.monotonic()
        for lo in ready:
            lo.readable(now)
        for lo in live:
            lo.dribble(now)
        rss, fds = w.usage()
        peak_rss, peak_fds = max(peak_rss, rss or 0), max(peak_fds, fds or 0)
        if next_normal <= now < normal_until:
            next_normal = now + NORMAL_EVERY
            t = time.monotonic()
            try:
                r = http_request(w.port, 'GET', '/api/v1/switches',
                                 timeout=5)
            except (OSError, http.client.HTTPException) as e:
                r = Reply(None, {}, str(e).encode())
            latencies.append(time.monotonic() - t)
            if not w.switches_ok(r):
                wrong.append((round(now - t0, 2), r))
        if now >= next_alive:
            next_alive = now + ALIVE_EVERY
            fams = scrape(ctx, w.api)
            gauge = fams.get('sluice_rest_connections')
            if gauge and now < normal_until:
                held_gauge.append(int(gauge['samples'][0][2]))
            w.alive('during the attack')

    refused = [lo for lo in lorises if lo.data.startswith(b'HTTP/1.1 503')]
    other_data = [lo for lo in lorises
                  if lo.data and not lo.data.startswith(b'HTTP/1.1 503')]
    quiet_closed = [lo for lo in lorises if not lo.data and not lo.open]
    early = [lo for lo in quiet_closed
             if lo.closed_at - lo.opened < REQUEST_TIMEOUT - 0.5]
    still_open = [lo for lo in lorises if lo.open]
    held = N_LORIS - len(refused) - len(other_data)
    ctx.note('server: %d refused with 503, %d held (%d of them closed '
             'early to make room for new clients, %d at the request '
             'timeout); %d still open %.0f s after the burst'
             % (len(refused), held, len(early), held - len(early)
                - len(still_open), len(still_open), REQUEST_TIMEOUT + SLACK))
    ctx.check(not other_data, 'answers other than 503 to idle clients: %r'
              % other_data[0].data[:200] if other_data else '')
    ctx.check(held <= MAX_CONNECTIONS, 'the server held %d connections, '
              'max_connections is %d' % (held, MAX_CONNECTIONS))
    ctx.check(refused, 'no 503 over max_connections')
    r = parse_reply(refused[0].data)
    body = r.json() if r else None
    ctx.check(r is not None and r.headers.get('content-type') ==
              'application/json' and isinstance(body, dict)
              and body.get('error') == 'too many connections',
              'the 503: %r' % refused[0].data[:300])
    ctx.check(not still_open, '%d idle connections still open %.0f s after '
              'they were opened (request timeout %.0f s)'
              % (len(still_open), REQUEST_TIMEOUT + SLACK, REQUEST_TIMEOUT))
    late = [lo.closed_at - lo.opened for lo in quiet_closed
            if lo.closed_at - lo.opened > REQUEST_TIMEOUT + SLACK]
    ctx.check(not late, 'idle connections closed after %.1f s'
              % max(late or [0]))

    ctx.check(latencies, 'the normal client made no request')
    ctx.check(not wrong, 'the normal client got %d wrong answers of %d, '
              'first at +%s s: %r' % (len(wrong), len(latencies),
                                      *(wrong[0] if wrong else ('', ''))))
    ctx.note('normal client under attack: %d/%d right answers to GET '
             '/api/v1/switches, latency p50 %.1f ms, max %.1f ms'
             % (len(latencies) - len(wrong), len(latencies),
                1000 * percentile(latencies, 0.5), 1000 * max(latencies)))
    if held_gauge:
        ctx.note('sluice_rest_connections during the attack: %d..%d'
                 % (min(held_gauge), max(held_gauge)))
        ctx.check(max(held_gauge) <= MAX_CONNECTIONS,
                  'sluice_rest_connections %d' % max(held_gauge))

    n_refuse = count_log(w.daemon, r'refusing a connection', mark)
    n_evict = count_log(w.daemon, r'closing one that waited', mark)
    n_supp = count_log(w.daemon, r'messages? suppressed', mark)
    elapsed = time.monotonic() - t0
    bound = LOG_BURST + LOG_RATE * elapsed + 1
    ctx.check(1 <= n_refuse <= bound, '%d "refusing a connection" lines in '
              '%.0f s (rate limit %d/s, burst %d)'
              % (n_refuse, elapsed, LOG_RATE, LOG_BURST))
    ctx.check(n_evict <= bound, '%d "closing one that waited" lines in '
              '%.0f s' % (n_evict, elapsed))
    ctx.note('log: %d "refusing a connection" and %d "closing one that '
             'waited" lines for %d refusals and %d evictions, %d '
             '"suppressed" summaries'
             % (n_refuse, n_evict, len(refused), len(early), n_supp))

    ctx.check(peak_fds <= base_fds + MAX_CONNECTIONS + 16,
              'the daemon held %d descriptors (%d before)'
              % (peak_fds, base_fds))
    for lo in lorises:
        lo.close()
    back = sn.wait_until(lambda: (w.daemon.n_fds() or 0) <= base_fds + 2, 5)
    time.sleep(0.5)
    rss, fds = w.usage()
    ctx.note('daemon: before %s; peak during %s; after %s'
             % (fmt_usage(base_rss, base_fds), fmt_usage(peak_rss, peak_fds),
                fmt_usage(rss, fds)))
    ctx.check(back, 'the daemon holds %d descriptors after the attack, %d '
              'before' % (fds, base_fds))
    w.rss_check(rss - base_rss < 16 * 1024, 'VmRSS %.1f MiB after the '
                'attack, %.1f MiB before' % (rss / 1024.0, base_rss / 1024.0))
    w.rss_check(peak_rss - base_rss < 64 * 1024, 'VmRSS grew by %.1f MiB '
                'during the attack' % ((peak_rss - base_rss) / 1024.0))
    ctx.check(w.switches_ok(http_request(w.port, 'GET', '/api/v1/switches')),
              'GET /api/v1/switches after the attack')
    w.alive('after the attack')
    w.finish()


# ---- rest_oversized ----

def check_error(ctx, r, statuses, what, says=None):
    """'r' (a Reply or None) is a JSON error with a status of 'statuses'
    whose text has 'says' (a regex)."""
    ctx.check(r is not None, '%s: no HTTP answer' % what)
    ctx.check(r.status in statuses, '%s: want %s, got %r'
              % (what, '/'.join(map(str, statuses)), r))
    body = r.json()
    ctx.check(r.headers.get('content-type', '').startswith('application/json')
              and isinstance(body, dict) and isinstance(body.get('error'), str)
              and isinstance(body.get('detail'), str),
              '%s: %d without a JSON {"error", "detail"}: %r'
              % (what, r.status, r))
    text = body['error'] + ': ' + body['detail']
    if says:
        ctx.check(re.search(says, text, re.I), '%s: %d "%s" does not say '
                  '/%s/' % (what, r.status, text, says))
    return text


def t_rest_oversized(ctx):
    w = World(ctx)
    auth = 'Authorization: Bearer %s\r\n' % w.token
    base_rss, base_fds = w.usage()
    ctx.note('daemon before: %s' % fmt_usage(base_rss, base_fds))

    def post_head(length, extra=''):
        return ('POST /stats/flowentry/add HTTP/1.1\r\nHost: t\r\n%s'
                'Content-Type: application/json\r\n%s'
                'Content-Length: %s\r\n\r\n' % (auth, extra, length)).encode()

    # Declared too big: refused before the body.
    for length in (MAX_BODY + 1, 1 << 40):
        data, closed, secs = raw_exchange(w.port, [post_head(length),
                                                   b'{"dpid": 1'])
        what = 'Content-Length %d' % length
        text = check_error(ctx, parse_reply(data), (413,), what,
                           'too large')
        ctx.check(closed, '%s: connection left open' % what)
        ctx.note('%s: 413 "%s" and closed in %.2f s' % (what, text, secs))
    data, closed, _ = raw_exchange(
        w.port, [post_head(1 << 30, 'Expect: 100-continue\r\n')])
    r = parse_reply(data)
    check_error(ctx, r, (413,), 'Expect: 100-continue, Content-Length 2^30')
    ctx.check(b'100 Continue' not in data, 'a 100 Continue for a body over '
              'the limit')
    ctx.note('Expect: 100-continue with 1 GiB declared: 413 without a 100 '
             'Continue')

    # Chunked, growing over the limit.
    chunk = b'%x\r\n%s\r\n' % (64 * 1024, b' ' * (64 * 1024))
    head = ('POST /stats/flowentry/add HTTP/1.1\r\nHost: t\r\n%s'
            'Transfer-Encoding: chunked\r\n\r\n' % auth).encode()
    data, closed, secs = raw_exchange(w.port, [head] + [chunk] * 32)
    check_error(ctx, parse_reply(data), (413,), 'chunked 2 MiB', 'too large')
    ctx.check(closed, 'chunked 2 MiB: connection left open')
    ctx.note('chunked body growing to 2 MiB: 413 and closed in %.2f s'
             % secs)

    # A lie: more declared than sent.
    data, closed, secs = raw_exchange(w.port, [post_head(1000),
                                               b'{"dpid": 1}'], shut=True)
    ctx.check(closed and not data, 'Content-Length 1000, 11 bytes, '
              'half-close: %r, closed %s' % (data[:200], closed))
    ctx.note('Content-Length 1000, 11 bytes sent, half-close: closed in '
             '%.2f s, no answer' % secs)
    data, closed, secs = raw_exchange(w.port, [post_head(1000),
                                               b'{"dpid": 1}'],
                                      timeout=REQUEST_TIMEOUT + SLACK)
    ctx.check(closed and not data, 'Content-Length 1000, 11 bytes, kept '
              'open: %r, closed %s after %.1f s' % (data[:200], closed, secs))
    ctx.note('Content-Length 1000, 11 bytes sent, kept open: closed by the '
             'server after %.1f s (request timeout %.0f s)'
             % (secs, REQUEST_TIMEOUT))

    # Malformed lengths; a body framed two ways (what follows the body
    # one reading takes would be a smuggled request).
    smuggled = b'DELETE /stats/flowentry/clear/1 HTTP/1.1\r\n\r\n'
    for what, extra, says in (
            ('Content-Length -1', 'Content-Length: -1\r\n', None),
            ('Content-Length x', 'Content-Length: x\r\n', None),
            ('two Content-Lengths', 'Content-Length: 2\r\n'
             'Content-Length: %d\r\n' % (2 + len(smuggled)), 'twice'),
            ('Content-Length and chunked', 'Content-Length: 2\r\n'
             'Transfer-Encoding: chunked\r\n', None)):
        raw = ('POST /stats/flowentry/add HTTP/1.1\r\nHost: t\r\n%s%s\r\n'
               % (auth, extra)).encode() + b'{}' + smuggled
        data, closed, _ = raw_exchange(w.port, [raw], timeout=3)
        r = parse_reply(data)
        text = check_error(ctx, r, (400,), what, says)
        ctx.check(closed and data.count(b'HTTP/1.1 ') == 1,
                  '%s: not closed after one answer: %r' % (what, data[:400]))
        ctx.note('%s: 400 "%s", closed' % (what, text))

    # Headers over max_headers.
    big = 'X-Big: %s\r\n' % ('a' * (MAX_HEADERS + 100))
    many = ''.join('X-%d: y\r\n' % i for i in range(3000))
    for what, raw in (
            ('one 16 KiB header',
             'GET /api/v1/switches HTTP/1.1\r\nHost: t\r\n%s\r\n' % big),
            ('3000 small headers',
             'GET /api/v1/switches HTTP/1.1\r\nHost: t\r\n%s\r\n' % many),
            ('a 100 KiB request line',
             'GET /%s' % ('a' * 100000))):
        data, closed, _ = raw_exchange(w.port, [raw.encode()], timeout=3)
        text = check_error(ctx, parse_reply(data), (400, 413, 431), what)
        ctx.check(closed, '%s: connection left open' % what)
        ctx.note('%s: %d "%s", closed' % (what, parse_reply(data).status,
                                          text))
    w.alive('after oversized requests')

    # Declared sizes cost nothing.
    socks = []
    ctx.defer(lambda: [s.close() for s in socks])
    before = w.usage()[0]
    for _ in range(200):
        s = socket.create_connection(('127.0.0.1', w.port), timeout=5)
        s.sendall(post_head(1 << 40))
        socks.append(s)
    got413 = 0
    for s in socks:
        s.settimeout(5)
        try:
            got413 += s.recv(64).startswith(b'HTTP/1.1 413')
        except OSError:
            pass
        s.close()
    after = w.usage()[0]
    ctx.check(got413 == 200, '%d of 200 connections declaring 1 TiB got a '
              '413' % got413)
    w.rss_check(after - before < 8 * 1024, 'VmRSS grew by %.1f MiB for 200 '
                'declared lengths' % ((after - before) / 1024.0))
    ctx.note('200 connections declaring 1 TiB: 200 x 413, VmRSS %+.1f MiB'
             % ((after - before) / 1024.0))

    # Bodies just under the limit, held: memory is bounded by them, and
    # reused (a second round costs nothing more).
    n = N_BIG_BODIES
    body = b' ' * (MAX_BODY - 1)
    peaks = []
    for rnd in (1, 2):
        socks[:] = []
        before_rss, _ = w.usage()
        for _ in range(n):
            s = socket.create_connection(('127.0.0.1', w.port), timeout=5)
            s.sendall(post_head(MAX_BODY) + body)
            socks.append(s)
        time.sleep(1.0)
        peak_rss, peak_fds = w.usage()
        peaks.append(peak_rss)
        ctx.note('round %d: %d connections each holding %d bytes of a 1 MiB '
                 'body: VmRSS %+.1f MiB (%s)'
                 % (rnd, n, MAX_BODY - 1, (peak_rss - before_rss) / 1024.0,
                    fmt_usage(peak_rss, peak_fds)))
        w.rss_check(peak_rss - base_rss < 2 * n * MAX_BODY / 1024,
                    'VmRSS grew by %.1f MiB for %d bodies of 1 MiB'
                    % ((peak_rss - base_rss) / 1024.0, n))
        w.alive('with %d big bodies pending' % n)
        if rnd == 2:
            break
        t = time.monotonic()
        closed = 0
        for s in socks:
            s.settimeout(max(0.1, t + REQUEST_TIMEOUT + SLACK -
                             time.monotonic()))
            try:
                closed += s.recv(64) == b''
            except OSError:
                closed += 1
            s.close()
        ctx.check(closed == n, '%d of %d held bodies closed by the server '
                  'within the request timeout' % (closed, n))
    w.rss_check(peaks[1] <= peaks[0] + 8 * 1024, 'VmRSS peak %.1f MiB in '
                'round 2, %.1f MiB in round 1: memory not reused'
                % (peaks[1] / 1024.0, peaks[0] / 1024.0))
    for s in socks:
        s.close()
    back = sn.wait_until(lambda: (w.daemon.n_fds() or 0) <= base_fds + 2, 5)
    rss, fds = w.usage()
    ctx.note('daemon: before %s; after %s' % (fmt_usage(base_rss, base_fds),
                                              fmt_usage(rss, fds)))
    ctx.check(back, 'the daemon holds %d descriptors, %d before'
              % (fds, base_fds))
    w.alive('after the big bodies')
    w.finish()


# ---- rest_json_hostile ----

NUMBER = r'big|range|overflow|too large|number|integer|want \d'
NOT_OBJECT = r"object|'\[' or '\{' expected|want \{"
UTF8 = r'utf-?8|decode|byte'

# name, the body (bytes) made from an Endpoint, a regex the error's text
# must match.
HOSTILE = (
    ('10^5 [', lambda ep: b'[' * 100000, r'nest|deep'),
    ('5x10^4 {"a":', lambda ep: b'{"a":' * 50000, r'nest|deep'),
    ('nesting 100 in a field', lambda ep: ep.nested(100), r'nest|deep'),
    ('integer over 2^64',
     lambda ep: ep.number('123456789012345678901234567890'), NUMBER),
    ('1e400', lambda ep: ep.number('1e400'), NUMBER),
    ('duplicate key', lambda ep: ep.duplicate(), r'duplicate|twice'),
    ('overlong /', lambda ep: ep.string(b'\xc0\xaf'), UTF8),
    ('overlong 3-byte', lambda ep: ep.string(b'\xe0\x80\xaf'), UTF8),
    ('surrogate escaped', lambda ep: ep.string(b'\\ud800'),
     r'surrogate|unicode'),
    ('low surrogate escaped', lambda ep: ep.string(b'\\udc00'),
     r'surrogate|unicode'),
    ('surrogate raw', lambda ep: ep.string(b'\xed\xa0\x80'), UTF8),
    ('byte 0xff', lambda ep: ep.string(b'\xff'), UTF8),
    ('truncated sequence', lambda ep: ep.string(b'\xe2\x82'), UTF8),
    ('0xff in a key', lambda ep: ep.key(b'\xff'), UTF8),
    ('NUL raw', lambda ep: ep.string(b'\x00'), r'nul|control|\\u0000'),
    ('NUL escaped', lambda ep: ep.string(b'\\u0000'),
     r'nul|\\u0000|want'),
    ('BOM', lambda ep: b'\xef\xbb\xbf' + ep.text(), None),
    ('trailing data', lambda ep: ep.text() + b' x', r'end|after|trailing'),
    ('two values', lambda ep: ep.text() * 2, r'end|after|trailing'),
    ('an array', lambda ep: b'[]', NOT_OBJECT),
    ('a string', lambda ep: b'"x"', NOT_OBJECT),
    ('null', lambda ep: b'null', NOT_OBJECT),
    ('empty', lambda ep: b'', r'empty|object|value|end'),
)
MARK = '@@HOSTILE@@'


class Endpoint:
    """A write endpoint: its method and path, a valid JSON body (a dict),
    the keys (a path) of a number and of a string in it where hostile
    values go (without a number, the number goes where the string was and
    the error need only say what it wants there), what a right answer to
    the valid body is, and how to undo it."""

    def __init__(self, method, path, body, num_key=None, str_key=None,
                 undo=None, valid=(200, 201), empty_ok=False):
        self.method = method
        self.empty_ok = empty_ok    # an empty body is a valid one
        self.path = path
        self.body = body
        self.num_key = num_key
        self.str_key = str_key
        self.undo = undo
        self.valid = valid

    def text(self):
        return json.dumps(self.body).encode()

    def _put(self, key_path, raw):
        """The body with the value at 'key_path' replaced by the JSON text
        'raw' (bytes)."""
        body = json.loads(self.text())
        node = body
        for k in key_path[:-1]:
            node = node[k]
        node[key_path[-1]] = MARK
        return json.dumps(body).encode().replace(b'"%s"' % MARK.encode(),
                                                 raw)

    def number(self, digits):
        """A number in place of the number (else of the string)."""
        return self._put(self.num_key or self.str_key, digits.encode())

    def string(self, raw):
        """The string (else the number, as a string) followed by the raw
        bytes 'raw'."""
        path = self.str_key or self.num_key
        node = self.body
        for k in path:
            node = node[k]
        return self._put(path, b'"' + str(node).encode() + raw + b'"')

    def duplicate(self):
        """The first member again, with another value."""
        k = next(iter(self.body))
        v = self.body[k]
        other = v + 1 if isinstance(v, int) else str(v) + 'x'
        return b'{%s: %s, %s' % (json.dumps(k).encode(),
                                 json.dumps(other).encode(), self.text()[1:])

    def key(self, raw):
        """One more member, whose key is the raw bytes 'raw'."""
        return b'{"' + raw + b'": 1, ' + self.text()[1:]

    def nested(self, depth):
        """One more member, nested 'depth' deep."""
        return b'{"x": ' + b'[' * depth + b']' * depth + b', ' + \
            self.text()[1:]


def snapshot(w):
    """What a write could change: s1's flows, groups and meters, the acl
    rules (without counters) and default, the l3 interfaces and routes, the
    switch's role and desired flows."""
    api = w.api
    state = {}

    def get(path):
        r = api.get(path)
        w.ctx.check(r.status == 200, 'GET %s: %r' % (path, r))
        return json.loads(r.body)
    state['flows'] = sn.normal_flows('s1')
    for kind in ('dump-groups', 'dump-meters'):
        out = sn.run(['ovs-ofctl', '-O', 'OpenFlow13', kind, 's1'],
                     timeout=15)
        state[kind] = sorted(line.strip() for line in out.splitlines()[1:])
    rules = get('/api/v1/apps/acl/rules')
    for r in rules.get('rules', []):
        r.pop('packets', None)
        r.pop('bytes', None)
    state['acl rules'] = rules
    state['acl default'] = get('/api/v1/apps/acl/default')
    state['l3 interfaces'] = get('/api/v1/apps/l3_routing/interfaces')
    state['l3 routes'] = get('/api/v1/apps/l3_routing/routes')
    state['role'] = get('/stats/role/1')
    sw = get('/api/v1/switches/1')
    state['desired flows'] = sw.get('flows')
    return state


def settled_snapshot(w, timeout=10):
    """A snapshot that stays the same for a second."""
    last = [None]

    def stable():
        now = snapshot(w)
        same = now == last[0]
        last[0] = now
        return same
    sn.wait_until(stable, timeout, interval=1.0)
    return last[0]


def diff_states(a, b):
    return '; '.join('%s: %r -> %r' % (k, a.get(k), b.get(k))
                     for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k))


def t_rest_json_hostile(ctx):
    w = World(ctx)
    auth = {'Authorization': 'Bearer %s' % w.token}
    json_type = dict(auth, **{'Content-Type': 'application/json'})
    flow = {'dpid': 1, 'table_id': 0, 'priority': 4321, 'cookie': 1,
            'match': {'in_port': 1, 'eth_type': 2048,
                      'ipv4_dst': '10.9.9.9'},
            'actions': [{'type': 'OUTPUT', 'port': 2}]}

    def undo_flow():
        r = http_request(w.port, 'POST', '/stats/flowentry/delete_strict',
                         json.dumps(flow), json_type)
        ctx.check(r.status == 200, 'undo flow: %r' % r)

    def undo_post(path):
        def undo(reply):
            rid = reply.json().get('id')
            r = http_request(w.port, 'DELETE', '%s/%s' % (path, rid),
                             None, auth)
            ctx.check(r.status == 200, 'undo %s/%s: %r' % (path, rid, r))
        return undo

    def undo_iface(reply):
        r = http_request(w.port, 'DELETE',
                         '/api/v1/apps/l3_routing/interfaces/net9', None,
                         auth)
        ctx.check(r.status == 200, 'undo interface: %r' % r)

    group = {'dpid': 1, 'type': 'ALL', 'group_id': 7,
             'buckets': [{'actions': [{'type': 'OUTPUT', 'port': 1}]}]}
    meter = {'dpid': 1, 'flags': 'KBPS', 'meter_id': 7,
             'bands': [{'type': 'DROP', 'rate': 1000}]}
    endpoints = [
        Endpoint('POST', '/stats/flowentry/add', flow, ('priority',),
                 ('match', 'ipv4_dst'), lambda r: undo_flow()),
        Endpoint('POST', '/stats/flowentry/modify', flow, ('priority',),
                 ('match', 'ipv4_dst')),
        Endpoint('POST', '/stats/flowentry/modify_strict', flow,
                 ('priority',), ('match', 'ipv4_dst')),
        Endpoint('POST', '/stats/flowentry/delete', flow, ('priority',),
                 ('match', 'ipv4_dst')),
        Endpoint('POST', '/stats/flowentry/delete_strict', flow,
                 ('priority',), ('match', 'ipv4_dst')),
        Endpoint('POST', '/stats/groupentry/add', group, ('group_id',),
                 ('type',)),
        Endpoint('POST', '/stats/meterentry/add', meter, ('meter_id',),
                 ('flags',)),
        Endpoint('POST', '/stats/portdesc/modify',
                 {'dpid': 1, 'port_no': 1, 'config': 1, 'mask': 1},
                 ('port_no',), None, valid=(404,)),  # s1 has no port 1
        Endpoint('POST', '/stats/role', {'dpid': 1, 'role': 'EQUAL'},
                 ('dpid',), ('role',)),
        Endpoint('POST', '/stats/experimenter/1',
                 {'dpid': 1, 'experimenter': 8992, 'exp_type': 1,
                  'data_type': 'ascii', 'data': 'x'},
                 ('exp_type',), ('data_type',),
                 valid=(400,), empty_ok=True),  # OVS refuses it
        Endpoint('POST', '/stats/flow/1',
                 {'table_id': 0, 'priority': 4321, 'match': {'in_port': 1}},
                 ('priority',), None, empty_ok=True),
        Endpoint('POST', '/stats/aggregateflow/1',
                 {'table_id': 0, 'match': {'in_port': 1}},
                 ('table_id',), None, empty_ok=True),
        Endpoint('POST', '/api/v1/apps/acl/rules',
                 {'name': 'hostile', 'tcp_dst': 4321, 'action': 'deny'},
                 ('tcp_dst',), ('action',),
                 undo_post('/api/v1/apps/acl/rules')),
        Endpoint('PUT', '/api/v1/apps/acl/default', {'default': 'allow'},
                 None, ('default',)),
        Endpoint('POST', '/api/v1/apps/l3_routing/routes',
                 {'prefix': '10.9.0.0/24', 'next_hop': '10.0.1.254'},
                 None, ('prefix',), undo_post(
                     '/api/v1/apps/l3_routing/routes')),
        Endpoint('POST', '/api/v1/apps/l3_routing/interfaces',
                 {'name': 'net9', 'vlan': 9, 'ipv4': '10.0.9.1/24'},
                 ('vlan',), ('ipv4',), undo_iface),
        Endpoint('POST', '/api/v1/apps/l2_learning', {'x': 1}, ('x',),
                 None, valid=(405,)),
    ]
    w.alive('before')

    # Each endpoint works with its valid body (so a refusal below is for
    # the hostility alone); what it changed is undone.
    controls = []
    for ep in endpoints:
        r = http_request(w.port, ep.method, ep.path, ep.text(), json_type)
        ctx.check(r.status in ep.valid, '%s %s with a valid body: %r'
                  % (ep.method, ep.path, r))
        controls.append('%s %d' % (ep.path, r.status))
        if ep.undo:
            ep.undo(r)
    ctx.note('valid bodies: %s' % ', '.join(controls))
    before = settled_snapshot(w)
    ctx.note('state before: %d flows, %d groups, %d meters, %d acl rules, '
             '%d l3 interfaces, %d l3 routes'
             % (len(before['flows']), len(before['dump-groups']),
                len(before['dump-meters']),
                len(before['acl rules'].get('rules', [])),
                len(before['l3 interfaces']), len(before['l3 routes'])))
    mark = w.daemon.log_size()

    types = [None, 'text/plain', 'application/x-www-form-urlencoded',
             'multipart/form-data; boundary=x']
    n_sent, statuses, bad = 0, {}, []
    for i, ep in enumerate(endpoints):
        for name, make, says in HOSTILE:
            body = make(ep)
            ctype = types[(i + n_sent) % len(types)] if name in (
                'duplicate key', 'byte 0xff') else 'application/json'
            headers = dict(auth)
            if ctype:
                headers['Content-Type'] = ctype
            what = '%s %s, %s (%s)' % (ep.method, ep.path, name, ctype)
            try:
                r = http_request(w.port, ep.method, ep.path, body, headers)
            except (OSError, http.client.HTTPException) as e:
                ctx.check(False, '%s: %s' % (what, e))
            n_sent += 1
            statuses[r.status] = statuses.get(r.status, 0) + 1
            if ep.valid == (405,):
                says = r'not allowed'
            elif says == NUMBER and not ep.num_key:
                says = r'want'
            if name == 'empty' and ep.empty_ok and r.status in ep.valid:
                continue
            if not 400 <= r.status < 500:
                bad.append('%s: %r' % (what, r))
                continue
            body = r.json()
            if not (r.headers.get('content-type', '').startswith(
                    'application/json') and isinstance(body, dict)
                    and isinstance(body.get('error'), str)):
                bad.append('%s: not a JSON error: %r' % (what, r))
                continue
            text = '%s: %s' % (body['error'], body.get('detail'))
            if says and not re.search(says, text, re.I):
                bad.append('%s: %d "%s" does not say /%s/'
                           % (what, r.status, text, says))
        w.alive('after %s %s' % (ep.method, ep.path))
    for line in bad[:40]:
        ctx.note('  ' + line)
    ctx.check(not bad, '%d of %d hostile bodies not refused as they should '
              'be (above)' % (len(bad), n_sent))
    ctx.note('%d hostile bodies to %d endpoints: %s'
             % (n_sent, len(endpoints), ', '.join(
                 '%d x %s' % (n, s) for s, n in sorted(statuses.items()))))

    # Endpoints that take no body refuse one.
    for path in ('/stats/flowentry/clear/1', '/api/v1/apps/acl/rules/1',
                 '/api/v1/apps/l3_routing/routes/2',
                 '/api/v1/apps/l3_routing/interfaces/net1'):
        r = http_request(w.port, 'DELETE', path, '{"table_id": 5}',
                         json_type)
        text = check_error(ctx, r, (400,), 'DELETE %s with a body' % path,
                           r'body')
        ctx.note('DELETE %s with a body: %d "%s"' % (path, r.status, text))

    after = settled_snapshot(w)
    ctx.check(after == before, 'state changed: %s'
              % diff_states(before, after))
    ctx.note('state after: the same')
    errors = count_log(w.daemon, r'\|(error|emer)\|', mark)
    ctx.check(errors == 0, '%d error lines logged' % errors)
    w.alive('after')
    w.finish()


TESTS = (
    ('rest_slowloris', 120, t_rest_slowloris),
    ('rest_oversized', 120, t_rest_oversized),
    ('rest_json_hostile', 180, t_rest_json_hostile),
)
