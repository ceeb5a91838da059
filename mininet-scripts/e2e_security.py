"""e2e_security: end-to-end tests of what Sluice refuses and of how it
holds its privileges (SECURITY.md), registered by e2e.py (TESTS below).
Each runs the real daemon with a config written here, a throwaway PKI made
with the openssl command line (peers.make_pki, plus certificates signed
here) and, where a switch is the natural client, Open vSwitch bridges
(ovs-vsctl set-ssl); raw sockets and Python's ssl module play the clients
OVS cannot.  Every refusal must come with a log line an operator sees
(warn or info, never debug) and the refused switch must never be "up".
(A switch certificate from another CA is t_tls of e2e.py.)

  security_tls_expired      a switch certificate signed by the right CA but
                            expired (openssl x509 -days -1): OVS never
                            connects, "certificate has expired" is logged
                            at warn; the same bridge with a valid
                            certificate then connects
  security_tls_transport    a plain OpenFlow HELLO to the TLS port and a
                            TLS ClientHello (python ssl) to the TCP port of
                            one daemon: both closed, both logged at warn,
                            no OpenFlow HELLO ever reaches the TLS client
  security_tls_pins         openflow.tls.pin {dpid 1: cert A}: dpid 1
                            presenting cert B, and dpid 2 presenting cert A
                            (OVS), are refused at FEATURES_REPLY, each with
                            its warn line: never up, never programmed;
                            dpid 1 with cert A connects
  security_key_permissions  a world-readable private key (0644) stops the
                            start with "KEY: private key is world-readable
                            (mode 0644): chmod 600 it, or set
                            openflow.tls.allow_insecure_key: true" and exit
                            1, for an ssl: listener and for rest.https
                            alone; allow_insecure_key: true starts with a
                            warning; 0640 starts; a key made world-readable
                            while running makes SIGHUP fail (running config
                            kept); a config file holding rest.token that is
                            world-readable is warned about
  security_drop_privileges  started as root with user: nobody, listeners on
                            privileged ports, keys readable by root only:
                            "running as user nobody" logged,
                            /proc/PID/status Uid/Gid all nobody's, no
                            capabilities, no group 0; OVS switches connect
                            over TLS and ping, the REST API reads and writes
                            (token); SIGHUP as nobody reloads, a moved
                            listener is named as needing a restart and the
                            old one keeps serving; an unknown user fails
                            --check-config and the start; `user` naming
                            another user when not started as root fails
"""

import hashlib
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time

import sluicenet as sn
from e2e_rest import Api
from mininet.topo import Topo
from mininet.topolib import TreeTopo
from peers import make_pki, ofp_hello, ofp_split, openssl

CONNECT_TIMEOUT = 20.0
REFUSED_WINDOW = 5.0        # a refused switch must stay unconnected so long
LOG_TIMEOUT = 5.0
SLUICE_COOKIE_MAGIC = 0x5c  # the top byte of every flow sluice installs
TOKEN = 'e2e-security-token'
# An operator-visible line: "TIME|warn|MODULE|..." or info.
SEEN = r'(?m)^[^|\n]*\|(?:warn|info)\|'


# ---- PKI ----

def sign(ctx, name, days):
    """A key and a certificate 'name' signed by make_pki's CA, valid for
    'days' days from now (negative: expired).  Returns (key, cert)."""
    pki = os.path.join(ctx.tmp, 'pki')

    def path(suffix):
        return os.path.join(pki, name + suffix)
    openssl('req', '-new', '-newkey', 'ec', '-pkeyopt',
            'ec_paramgen_curve:prime256v1', '-noenc', '-keyout', path('.key'),
            '-out', path('.csr'), '-subj', '/CN=sluice e2e %s' % name)
    openssl('x509', '-req', '-in', path('.csr'),
            '-CA', os.path.join(pki, 'ca.crt'),
            '-CAkey', os.path.join(pki, 'ca.key'), '-CAcreateserial',
            '-days', str(days), '-extfile', os.path.join(pki, 'leaf.ext'),
            '-out', path('.crt'))
    return path('.key'), path('.crt')


def fingerprint(cert):
    """"sha256:AB:CD:..." of the PEM certificate file 'cert' (its DER)."""
    with open(cert) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    digest = hashlib.sha256(der).hexdigest().upper()
    return 'sha256:' + ':'.join(digest[i:i + 2] for i in range(0, 64, 2))


def set_ssl(ctx, key, cert, ca):
    """Makes Open vSwitch present 'cert' (all its bridges)."""
    sn.run(['ovs-vsctl', '--timeout=10', 'set-ssl', key, cert, ca])


# ---- sluice ----

def config_text(ctx, listen, tls=None, pins=None, user=None, rest=None,
                extra_tls=(), level=None):
    """YAML text of a sluice config: 'listen' strings, 'tls' paths
    (certificate, private_key, ca_certificate), 'pins' {dpid: cert path},
    'user', 'rest' (listen "ADDR:PORT"; token TOKEN) or the default
    127.0.0.1 on a free port, more openflow.tls lines 'extra_tls',
    log level 'level'."""
    y = sn.yaml_str
    lines = ['# generated by e2e_security.py for test %s' % ctx.name]
    if user:
        lines.append('user: %s' % y(user))
    lines += ['openflow:',
              '  listen: [%s]' % ', '.join(y(x) for x in listen)]
    if tls:
        lines += ['  tls:',
                  '    certificate: %s' % y(tls['certificate']),
                  '    private_key: %s' % y(tls['private_key']),
                  '    ca_certificate: %s' % y(tls['ca_certificate'])]
        lines += ['    %s' % x for x in extra_tls]
        if pins:
            lines.append('    pin: {%s}' % ', '.join(
                '%s: %s' % (y('0x%016x' % dpid), y(fingerprint(cert)))
                for dpid, cert in sorted(pins.items())))
    if rest is None:
        ctx.rest_port = sn.free_port()
        rest = '127.0.0.1:%d' % ctx.rest_port
    lines += ['rest:', '  listen: %s' % y(rest), '  token: %s' % y(TOKEN)]
    if level:
        lines += ['log:', '  level: %s' % level]
    lines += ['apps:', '  - name: %s' % y(ctx.args.app)]
    return '\n'.join(lines) + '\n'


def write_config(ctx, text, path=None):
    if path is None:
        path = os.path.join(ctx.tmp, '%s-%d.yaml'
                            % (ctx.name, len(ctx.daemons) + 1))
    with open(path, 'w') as f:
        f.write(text)
    return path


def argv(ctx, cfg):
    a = [ctx.args.sluice, '-c', cfg]
    if ctx.args.app_path:
        a += ['--app-path', ctx.args.app_path]
    if ctx.args.sluice_log_level:
        a += ['--log-level', ctx.args.sluice_log_level]
    return a


def start(ctx, cfg, port):
    """Starts sluice with the config file 'cfg'; waits until it listens
    on 'port'."""
    n = len(ctx.daemons) + 1
    daemon = sn.Daemon(argv(ctx, cfg),
                       os.path.join(ctx.tmp, '%s-%d.log' % (ctx.name, n)),
                       'sluice')
    ctx.daemons.append(daemon)
    ctx.defer(daemon.kill)
    daemon.start()
    daemon.wait_listening(port)
    return daemon


def run_once(ctx, args, timeout=15, **kw):
    """Runs sluice (or 'args' as given) to its exit: a CompletedProcess."""
    try:
        return subprocess.run(args, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True,
                              timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        ctx.check(False, '%s still running after %d s (it should have '
                  'refused to start)' % (' '.join(args), timeout))


def pki(ctx):
    certs, ca = make_pki(ctx)
    tls = {'certificate': certs['controller'][1],
           'private_key': certs['controller'][0],
           'ca_certificate': ca}
    ctx.defer(sn.run, ['ovs-vsctl', '--timeout=10', 'del-ssl'])
    return certs, ca, tls


class OneSwitch(Topo):
    """One switch named 'name' (its dpid is the number in it) and h1."""

    def build(self, name='s1'):
        self.addLink(self.addHost('h1'), self.addSwitch(name))


def never_connected(ctx, name, window=REFUSED_WINDOW):
    """Checks that bridge 'name' does not connect within 'window' s."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < window:
        ctx.check(sn.is_connected(name) != 'true', '%s got connected (it '
                  'should have been refused)' % name)
        time.sleep(0.1)
    ctx.note('%s never connected in %.0f s' % (name, window))


def never_served(ctx, daemon, name, dpid, start, window=REFUSED_WINDOW):
    """Checks that the switch 'name' ('dpid') refused after the OpenFlow
    HELLO (pins) is never served in 'window' s: never "up" in sluice and
    no flow of sluice's on it.  OVS's is_connected is only noted: OVS
    counts a session as connected from the HELLO exchange, before the
    refusal, and refreshes the column in OVSDB lazily, so on a loaded
    machine it can read true for seconds after sluice closed the session
    (1.1 s seen under load)."""
    t0 = time.monotonic()
    since = None
    longest = 0.0
    while time.monotonic() - t0 < window:
        now = time.monotonic()
        if sn.is_connected(name) == 'true':
            since = since or now
            longest = max(longest, now - since)
        else:
            since = None
        time.sleep(0.1)
    not_up(ctx, daemon, dpid, start)
    ours = [f for f in sn.dump_flows(name)
            if f.cookie >> 56 == SLUICE_COOKIE_MAGIC]
    ctx.check(not ours, 'sluice programmed the refused %s: %s'
              % (name, ours[:3]))
    ctx.note('%s never served in %.0f s (no up line, no flow of sluice\'s, '
             'longest stretch OVS reported connected %.1f s)'
             % (name, window, longest))


def logged(ctx, daemon, regex, what, start=0, timeout=LOG_TIMEOUT):
    """Waits for an operator-visible log line matching 'regex' (after the
    level and module); returns it."""
    m = daemon.wait_log(SEEN + regex + r'.*$', timeout, start)
    ctx.check(m is not None, 'no warn/info log line %s (/%s/)'
              % (what, regex))
    ctx.note('logged: ' + m.group(0)[:200])
    return m.group(0)


def not_up(ctx, daemon, dpid, start=0):
    ctx.check(not daemon.find_log(r'switch 0x%016x up' % dpid, start),
              'switch %#x was logged up' % dpid)


def wait_up(ctx, daemon, name, dpid, start=0):
    states = sn.wait_connected([name], CONNECT_TIMEOUT)
    ctx.check(states.get(name), '%s not connected after %.0f s'
              % (name, CONNECT_TIMEOUT))
    up = daemon.wait_log(r'switch 0x%016x up' % dpid, LOG_TIMEOUT, start)
    ctx.check(up is not None, 'no "switch %#018x up" line' % dpid)


# ---- tests ----

def t_security_tls_expired(ctx):
    certs, ca, tls = pki(ctx)
    expired = sign(ctx, 'expired-switch', -1)
    out = sn.run(['openssl', 'x509', '-in', expired[1], '-noout',
                  '-enddate'])
    res = subprocess.run(['openssl', 'verify', '-CAfile', ca, expired[1]],
                         capture_output=True, text=True, timeout=30)
    ctx.check('expired' in res.stdout + res.stderr, 'openssl verify does '
              'not call the certificate expired: %s'
              % (res.stdout + res.stderr).strip())
    ctx.note('expired switch certificate: %s (openssl verify: expired)'
             % out.strip())

    port = sn.free_port()
    daemon = start(ctx, write_config(ctx, config_text(
        ctx, ['ssl:127.0.0.1:%d' % port], tls)), port)
    set_ssl(ctx, expired[0], expired[1], ca)
    mark = daemon.log_size()
    net = ctx.network(OneSwitch(), port, protocol='ssl')
    never_connected(ctx, 's1')
    logged(ctx, daemon, r'conn\|ssl:127\.0\.0\.1:\d+: refused: TLS handshake '
           r'failed: certificate verify failed \(certificate has expired\)',
           'refusing the expired certificate', mark)
    not_up(ctx, daemon, 1, mark)

    # The same bridge with a valid certificate: the refusal was the date.
    set_ssl(ctx, certs['switch'][0], certs['switch'][1], ca)
    wait_up(ctx, daemon, 's1', 1, mark)
    ctx.note('with a valid certificate s1 connects')
    ctx.stop_network(net)


def t_security_tls_transport(ctx):
    _, _, tls = pki(ctx)
    tcp_port, ssl_port = sn.free_port(), sn.free_port()
    daemon = start(ctx, write_config(ctx, config_text(
        ctx, ['tcp:127.0.0.1:%d' % tcp_port, 'ssl:127.0.0.1:%d' % ssl_port],
        tls)), ssl_port)
    sn.wait_until(lambda: sn.listening(tcp_port), 5)
    fds = daemon.n_fds()

    # Plain TCP (an OpenFlow HELLO) to the TLS port.
    mark = daemon.log_size()
    t0 = time.monotonic()
    with socket.create_connection(('127.0.0.1', ssl_port), timeout=5) as s:
        s.sendall(ofp_hello())
        data, closed = b'', False
        while time.monotonic() - t0 < 5:
            try:
                chunk = s.recv(4096)
            except ConnectionResetError:
                closed = True
                break
            except socket.timeout:
                break
            if not chunk:
                closed = True
                break
            data += chunk
    ctx.check(closed, 'a plain OpenFlow HELLO on the TLS port: the '
              'connection was not closed in 5 s')
    msgs, _ = ofp_split(data)
    ctx.check(not any(v == 4 for v, _, _, _ in msgs), 'the TLS port '
              'answered a plain HELLO with OpenFlow')
    ctx.note('plain HELLO to the TLS port: closed after %.2f s (%d bytes '
             'back, %s)' % (time.monotonic() - t0, len(data),
                            'a TLS alert' if data[:1] == b'\x15'
                            else 'no TLS alert'))
    logged(ctx, daemon, r'conn\|ssl:127\.0\.0\.1:\d+: refused: TLS '
           r'handshake failed', 'refusing plain TCP on the TLS port', mark)

    # A TLS ClientHello to the TCP port.  A long server name makes the
    # ClientHello longer than the OpenFlow length its first bytes spell
    # (0x16 0x03 0x01 0x01..: version 0x16, 257 bytes or more), so the
    # controller sees a whole "message" at once.
    mark = daemon.log_size()
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname = False
    client.verify_mode = ssl.CERT_NONE
    name = '.'.join(['sluice-e2e-' + 'x' * 50] * 4)
    t0 = time.monotonic()
    with socket.create_connection(('127.0.0.1', tcp_port), timeout=5) as s:
        try:
            with client.wrap_socket(s, server_hostname=name):
                outcome = None
        except (ssl.SSLError, OSError) as e:
            outcome = e
    ctx.check(outcome is not None, 'a TLS handshake with the TCP port '
              'succeeded')
    ctx.note('ClientHello to the TCP port: the client failed after %.2f s: '
             '%s' % (time.monotonic() - t0, outcome))
    logged(ctx, daemon, r'datapath\|switch \S+ down: .*(?:\(version 0x16\) '
           r'before HELLO|TLS)', 'refusing TLS on the TCP port', mark)

    ctx.check(daemon.running(), 'the controller died')
    ctx.check(not daemon.find_log(r'switch 0x[0-9a-f]{16} up'),
              'a switch was logged up')
    if fds is not None:
        settled = sn.wait_until(lambda: (daemon.n_fds() or 0) <= fds, 5)
        ctx.check(settled, 'controller holds %s file descriptors, %d before'
                  % (daemon.n_fds(), fds))


def t_security_tls_pins(ctx):
    _, ca, tls = pki(ctx)
    cert_a = sign(ctx, 'switch-a', 2)
    cert_b = sign(ctx, 'switch-b', 2)
    port = sn.free_port()
    daemon = start(ctx, write_config(ctx, config_text(
        ctx, ['ssl:127.0.0.1:%d' % port], tls, pins={1: cert_a[1]})), port)
    ctx.note('pinned: dpid 0x1 -> %s' % fingerprint(cert_a[1])[:30])

    # dpid 1 presenting cert B (valid, same CA).
    set_ssl(ctx, cert_b[0], cert_b[1], ca)
    mark = daemon.log_size()
    net = ctx.network(OneSwitch(name='s1'), port, protocol='ssl')
    never_served(ctx, daemon, 's1', 1, mark)
    logged(ctx, daemon, r'datapath\|.*refused: dpid 0x0000000000000001 is '
           r'pinned to another certificate than the one ssl:127\.0\.0\.1:'
           r'\d+ presented', 'refusing dpid 1 with cert B', mark)
    not_up(ctx, daemon, 1, mark)

    # The same bridge with cert A: pinned, accepted.
    set_ssl(ctx, cert_a[0], cert_a[1], ca)
    wait_up(ctx, daemon, 's1', 1, mark)
    ctx.note('dpid 1 with cert A connects')
    ctx.stop_network(net)

    # dpid 2 presenting cert A (pinned to dpid 1).
    mark = daemon.log_size()
    net = ctx.network(OneSwitch(name='s2'), port, protocol='ssl')
    never_served(ctx, daemon, 's2', 2, mark)
    logged(ctx, daemon, r'datapath\|.*refused: the certificate of ssl:'
           r'127\.0\.0\.1:\d+ is pinned to dpid 0x0000000000000001, not '
           r'0x0000000000000002', 'refusing dpid 2 with cert A', mark)
    not_up(ctx, daemon, 2, mark)
    ctx.stop_network(net)


def key_refusal(path, mode):
    return ('%s: private key is world-readable (mode %04o): chmod 600 it, '
            'or set openflow.tls.allow_insecure_key: true' % (path, mode))


def t_security_key_permissions(ctx):
    certs, ca, tls = pki(ctx)
    key = tls['private_key']
    port = sn.free_port()

    def refused(cfg, what):
        os.chmod(key, 0o644)
        res = run_once(ctx, argv(ctx, cfg))
        want = key_refusal(key, 0o644)
        ctx.check(res.returncode == 1, '%s, key 0644: exit %d, want 1'
                  % (what, res.returncode))
        ctx.check(want in res.stderr, '%s, key 0644: no "%s" on stderr: %s'
                  % (what, want, res.stderr.strip()[-400:]))
        ctx.check(not sn.listening(port), '%s: something listens on the '
                  'port after a refused start' % what)
        ctx.note('%s, key 0644: exit 1: %s' % (
            what, [x for x in res.stderr.splitlines() if want in x][0][:200]))

    # An ssl: listener, and HTTPS on the REST API alone.
    refused(write_config(ctx, config_text(
        ctx, ['ssl:127.0.0.1:%d' % port], tls)), 'ssl: listener')
    https = config_text(ctx, ['tcp:127.0.0.1:%d' % port], tls)
    https = https.replace('  token:', '  https: true\n  token:')
    refused(write_config(ctx, https, os.path.join(ctx.tmp, 'https.yaml')),
            'rest.https')

    # Allowed: starts, says so.
    cfg = write_config(ctx, config_text(
        ctx, ['ssl:127.0.0.1:%d' % port], tls,
        extra_tls=['allow_insecure_key: true']))
    os.chmod(cfg, 0o644)      # world-readable, and it holds rest.token
    daemon = start(ctx, cfg, port)
    logged(ctx, daemon, r'conn\|%s: private key is world-readable \(mode '
           r'0644\), used anyway: openflow\.tls\.allow_insecure_key is true'
           % re.escape(key), 'allowing the 0644 key')
    logged(ctx, daemon, r'sluice\|%s: holds a secret \(rest\.token\) but is '
           r'world-readable \(mode 0644\)' % re.escape(cfg),
           'about the world-readable config holding rest.token')
    ctx.check(daemon.stop() == 0, 'sluice did not stop with status 0')

    # 0640 (root:GROUP with sluice in GROUP): starts, without a word.
    os.chmod(key, 0o640)
    cfg = write_config(ctx, config_text(
        ctx, ['ssl:127.0.0.1:%d' % port], tls))
    os.chmod(cfg, 0o600)
    daemon = start(ctx, cfg, port)
    set_ssl(ctx, certs['switch'][0], certs['switch'][1], ca)
    net = ctx.network(OneSwitch(), port, protocol='ssl')
    wait_up(ctx, daemon, 's1', 1)
    warns = [x for x in daemon.log().splitlines()
             if '|warn|' in x and 'running as root' not in x]
    ctx.check(not warns, 'warn lines with a 0640 key and a 0600 config: %s'
              % warns[:3])
    ctx.note('key 0640, config 0600: started, s1 connected, no warning')

    # The key made world-readable while running: SIGHUP fails, nothing
    # changes.
    os.chmod(key, 0o644)
    mark = daemon.log_size()
    daemon.proc.send_signal(signal.SIGHUP)
    m = daemon.wait_log(r'\|error\|sluice\|reload failed, the running '
                        r'configuration is kept: '
                        + re.escape(key_refusal(key, 0o644)),
                        LOG_TIMEOUT, mark)
    ctx.check(m is not None, 'no "reload failed ... world-readable" line '
              'after SIGHUP with a 0644 key')
    ctx.note('SIGHUP with the key now 0644: ' + m.group(0)[:160])
    ctx.check(not daemon.find_log(r'reloaded ', mark), 'the reload went on')
    ctx.check(daemon.running() and sn.is_connected('s1') == 'true',
              'sluice or s1 lost after the refused reload')
    os.chmod(key, 0o600)
    daemon.proc.send_signal(signal.SIGHUP)
    ctx.check(daemon.wait_log(r'\|info\|controller\|reloaded ', LOG_TIMEOUT,
                              mark) is not None,
              'no "reloaded" once the key is 0600 again')
    ctx.note('SIGHUP with the key 0600 again: reloaded')
    ctx.stop_network(net)


# -- privileges --

def free_privileged_port():
    """A port below 1024 free on 127.0.0.1 (root binds it)."""
    for port in range(700, 1000):
        if sn.listening(port):
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(('127.0.0.1', port))
            except OSError:
                continue
            return port
    raise sn.Error('no free port below 1024')


def proc_ids(pid):
    """{'Uid': [...], 'Gid': [...], 'Groups': [...], 'CapEff': int} of a
    process."""
    out = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            key, _, value = line.partition(':')
            if key in ('Uid', 'Gid', 'Groups'):
                out[key] = [int(x) for x in value.split()]
            elif key in ('CapEff', 'CapPrm'):
                out[key] = int(value.strip(), 16)
    return out


def as_user(uid, gid):
    def become():
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    return become


def t_security_drop_privileges(ctx):
    nobody = pwd.getpwnam('nobody')
    group = grp.getgrgid(nobody.pw_gid).gr_name
    certs, ca, tls = pki(ctx)
    # The keys stay readable by root only (0600, and ctx.tmp is 0700).
    for path in (tls['private_key'], certs['switch'][0]):
        ctx.check(os.stat(path).st_mode & 0o077 == 0, '%s is not private'
                  % path)
    # The config where nobody can read it (root:GROUP 0640 in a root:GROUP
    # 0750 directory), so that SIGHUP works after the drop.
    confdir = tempfile.mkdtemp(prefix='sluice-e2e-security-')
    ctx.defer(shutil.rmtree, confdir, True)
    os.chown(confdir, 0, nobody.pw_gid)
    os.chmod(confdir, 0o750)
    cfg = os.path.join(confdir, 'sluice.yaml')

    of_port, rest_port = free_privileged_port(), None
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as hold:
        hold.bind(('127.0.0.1', of_port))
        rest_port = free_privileged_port()
    of_port2 = sn.free_port()

    def write(listen_port, level):
        text = config_text(ctx, ['ssl:127.0.0.1:%d' % listen_port], tls,
                           user='nobody', rest='127.0.0.1:%d' % rest_port,
                           level=level)
        write_config(ctx, text, cfg)
        os.chown(cfg, 0, nobody.pw_gid)
        os.chmod(cfg, 0o640)
    write(of_port, 'info')
    ctx.note('OpenFlow on ssl:127.0.0.1:%d, REST on 127.0.0.1:%d (both '
             'below 1024), user: nobody (uid %d, gid %d %s)'
             % (of_port, rest_port, nobody.pw_uid, nobody.pw_gid, group))

    daemon = start(ctx, cfg, of_port)
    ctx.check(sn.wait_until(lambda: sn.listening(rest_port), 5),
              'no REST listener on %d' % rest_port)
    logged(ctx, daemon, r'sluice\|running as user nobody \(uid %d, '
           r'gid %d\)' % (nobody.pw_uid, nobody.pw_gid),
           'naming the user it runs as')
    ctx.check(not daemon.find_log(r'running as root'), 'the "running as '
              'root" warning with user set')
    ids = proc_ids(daemon.pid)
    ctx.check(ids['Uid'] == [nobody.pw_uid] * 4, '/proc/%d/status Uid: %s'
              % (daemon.pid, ids['Uid']))
    ctx.check(ids['Gid'] == [nobody.pw_gid] * 4, '/proc/%d/status Gid: %s'
              % (daemon.pid, ids['Gid']))
    want_groups = sorted(set(os.getgrouplist('nobody', nobody.pw_gid)))
    ctx.check(sorted(ids['Groups']) == want_groups and 0 not in
              ids['Groups'], '/proc/%d/status Groups: %s, want %s'
              % (daemon.pid, ids['Groups'], want_groups))
    ctx.check(ids.get('CapEff') == 0 and ids.get('CapPrm') == 0,
              'capabilities left: CapEff %#x CapPrm %#x'
              % (ids.get('CapEff', -1), ids.get('CapPrm', -1)))
    ctx.note('/proc/%d/status: Uid %s, Gid %s, Groups %s, CapEff 0'
             % (daemon.pid, ' '.join(map(str, ids['Uid'])),
                ' '.join(map(str, ids['Gid'])),
                ' '.join(map(str, ids['Groups']))))

    # Switches over TLS (keys read before the drop), pings, the API.
    set_ssl(ctx, certs['switch'][0], certs['switch'][1], ca)
    net = ctx.network(TreeTopo(depth=2, fanout=2), of_port, protocol='ssl')
    names = [s.name for s in net.switches]
    states = sn.wait_connected(names, CONNECT_TIMEOUT)
    ctx.check(all(states.values()), 'not connected: %s'
              % [n for n, up in states.items() if not up])
    for s in net.switches:
        ctx.check(daemon.wait_log(r'switch 0x%016x up' % int(s.dpid, 16),
                                  LOG_TIMEOUT) is not None,
                  'no up line for %s' % s.name)
    sent, received, failed = sn.ping_pairs(net)
    ctx.check(sent > 0 and received == sent, 'pingall: %d/%d, failed %s'
              % (received, sent, failed[:10]))
    ctx.note('%d switches connected over TLS, pingall %d/%d'
             % (len(names), received, sent))
    api = Api(ctx, rest_port, TOKEN)
    health = api.json('GET', '/api/v1/health')
    ctx.check(isinstance(health, dict), 'health: %r' % health)
    dpids = api.json('GET', '/stats/switches')
    ctx.check(sorted(dpids) == [1, 2, 3], '/stats/switches: %r' % dpids)
    flow = {'dpid': 1, 'table_id': 0, 'priority': 1234,
            'match': {'in_port': 1, 'eth_type': 2048,
                      'ipv4_dst': '10.99.0.1'},
            'actions': [{'type': 'OUTPUT', 'port': 2}]}
    r = api.post('/stats/flowentry/add', flow)
    ctx.check(r.status == 200, 'flow add with the token: %r' % r)
    r = api.post('/stats/flowentry/add', flow, token=None)
    ctx.check(r.status == 401, 'flow add without the token: %r' % r)
    ctx.check(any(f.priority == 1234 for f in sn.dump_flows('s1')),
              'the flow added through REST is not on s1')
    ctx.note('REST as nobody: health, /stats/switches %s, a write (200; '
             '401 without the token)' % dpids)

    # SIGHUP as nobody: levels apply; the moved listener needs a restart
    # and the old one keeps serving.
    mark = daemon.log_size()
    write(of_port2, '{default: info, datapath: debug}')
    daemon.proc.send_signal(signal.SIGHUP)
    ctx.check(daemon.wait_log(r'\|info\|controller\|reloaded %s'
                              % re.escape(cfg),
                              LOG_TIMEOUT, mark) is not None,
              'no "reloaded" line after SIGHUP as nobody')
    logged(ctx, daemon, r'controller\|reload: openflow\.listen changed: '
           r'restart sluice to apply it', 'naming the moved listener', mark)
    ctx.check(sn.listening(of_port) and not sn.listening(of_port2),
              'the listener moved without a restart')
    lost = [n for n, up in sn.connection_states(names).items() if not up]
    ctx.check(not lost, 'switches lost after the reload: %s' % lost)
    ctx.note('SIGHUP as nobody: reloaded, listener change named, %d '
             'switches still connected' % len(names))
    ctx.stop_network(net)
    ctx.check(daemon.stop() == 0, 'sluice (nobody) did not stop with 0')

    # An unknown user: --check-config and the start fail, naming it.
    bad = os.path.join(confdir, 'bad.yaml')
    with open(bad, 'w') as f:
        f.write('user: no-such-user.sluice\n')
    want = '%s:1:7: user: no such user \'no-such-user.sluice\'' % bad
    for args in ([ctx.args.sluice, '--check-config', bad], argv(ctx, bad)):
        res = run_once(ctx, args)
        ctx.check(res.returncode == 1 and want in res.stderr,
                  '%s: exit %d, stderr %r' % (' '.join(args[1:]),
                                              res.returncode,
                                              res.stderr[-300:]))
    ctx.note('unknown user: --check-config and the start exit 1: ' + want)

    # Not root, 'user' another user: a clear refusal.
    other = 'daemon' if nobody.pw_name != 'daemon' else 'bin'
    with open(bad, 'w') as f:
        f.write('user: %s\nopenflow: {listen: ["tcp:127.0.0.1:%d"]}\n'
                'rest: {enabled: false}\n' % (other, sn.free_port()))
    os.chmod(bad, 0o644)
    res = run_once(ctx, argv(ctx, bad),
                   preexec_fn=as_user(nobody.pw_uid, nobody.pw_gid))
    ctx.check(res.returncode == 1 and 'sluice: cannot start: user: sluice '
              'runs as uid %d gid %d, not root, so it cannot become \'%s\''
              % (nobody.pw_uid, nobody.pw_gid, other) in res.stderr,
              'as nobody with user: %s: exit %d, stderr %r'
              % (other, res.returncode, res.stderr[-300:]))
    ctx.note('as nobody with user: %s: exit 1: %s'
             % (other, res.stderr.strip().splitlines()[-1][:160]))


TESTS = (
    ('security_tls_expired', 90, t_security_tls_expired),
    ('security_tls_transport', 60, t_security_tls_transport),
    ('security_tls_pins', 120, t_security_tls_pins),
    ('security_key_permissions', 90, t_security_key_permissions),
    ('security_drop_privileges', 120, t_security_drop_privileges),
)
