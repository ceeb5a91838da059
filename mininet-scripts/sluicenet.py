"""sluicenet: what e2e.py and run.py share -- Open vSwitch, Mininet networks
of userspace OVS switches, the controller process and flow dumps.

Runs as root under Debian's /usr/bin/python3 (the interpreter that imports
mininet; see shared/TESTBED.md).  Every helper here is bounded by a
timeout: nothing waits forever.
"""

import json
import os
import re
import signal
import socket
import subprocess
import time
from functools import partial

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.node import OVSSwitch, RemoteController

OVS_CTL = '/usr/share/openvswitch/scripts/ovs-ctl'

# Flags ovs-ofctl prints as bare words before the match.
FLOW_FLAGS = frozenset(('send_flow_rem', 'check_overlap', 'reset_counts',
                        'no_packet_counts', 'no_byte_counts'))
# Fields ovs-ofctl prints before the match, "key=value, ".
FLOW_STAT_KEYS = frozenset(('cookie', 'duration', 'table', 'n_packets',
                            'n_bytes', 'idle_timeout', 'hard_timeout',
                            'idle_age', 'hard_age', 'importance'))
# What changes on its own and is left out of a normalised flow.
FLOW_VOLATILE = frozenset(('duration', 'n_packets', 'n_bytes', 'idle_age',
                           'hard_age'))
OFP_DEFAULT_PRIORITY = 32768


class Error(Exception):
    """A step of a network or a daemon failed (the message says which)."""


def require_root(prog):
    """Exits with a message unless running as root."""
    if os.geteuid() != 0:
        raise SystemExit('%s: needs root (Open vSwitch and Mininet): run it '
                         'with sudo' % prog)


def run(argv, timeout=30, check=True):
    """Runs 'argv' and returns its stdout; stderr joins the error raised
    when 'check' and the command fails."""
    try:
        res = subprocess.run(argv, stdin=subprocess.DEVNULL,
                             capture_output=True, text=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Error('%s: no answer in %s s' % (' '.join(argv), timeout))
    except OSError as e:
        raise Error('%s: %s' % (argv[0], e))
    if check and res.returncode != 0:
        raise Error('%s: exit %d: %s' % (' '.join(argv), res.returncode,
                                         res.stderr.strip()))
    return res.stdout


def ovs_running():
    """True if ovsdb-server and ovs-vswitchd answer."""
    try:
        run(['ovs-vsctl', '--timeout=3', 'show'], timeout=10)
        run(['ovs-appctl', '-t', 'ovs-vswitchd', 'version'], timeout=10)
        return True
    except Error:
        return False


def ensure_ovs():
    """Starts Open vSwitch (without systemd) unless it already runs."""
    if ovs_running():
        return
    res = subprocess.run([OVS_CTL, 'start', '--system-id=random'],
                         stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=120)
    if not ovs_running():
        raise Error('could not start Open vSwitch (%s start): %s'
                    % (OVS_CTL, (res.stdout + res.stderr).strip()))


def mn_cleanup():
    """Runs `mn -c`: removes what a crashed Mininet left behind."""
    subprocess.run(['mn', '-c'], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=120)


def free_port():
    """Returns a TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def listening(port):
    """True if some socket listens on TCP 'port' (IPv4 or IPv6)."""
    for name in ('/proc/net/tcp', '/proc/net/tcp6'):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, state = fields[1], fields[3]
                    if state == '0A' and int(local.rsplit(':', 1)[1],
                                             16) == port:
                        return True
        except FileNotFoundError:
            continue
    return False


def wait_until(pred, timeout, interval=0.05):
    """Calls 'pred' until it returns something true (returned) or
    'timeout' seconds pass (returns the last false value)."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def yaml_str(s):
    """'s' as a YAML scalar (a JSON string is a YAML double-quoted one)."""
    return json.dumps(str(s))


class Daemon:
    """A controller process with stdout and stderr in a log file.

    It runs in its own session, so a Ctrl-C meant for the harness does not
    reach it: the harness stops it itself."""

    def __init__(self, argv, log_path, name='sluice'):
        self.argv = list(argv)
        self.log_path = log_path
        self.name = name
        self.proc = None
        self.returncode = None

    def start(self):
        with open(self.log_path, 'ab') as log:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log,
                                         start_new_session=True)
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_listening(self, port, timeout=10):
        """Waits until the daemon listens on 'port'; raises Error if it
        exits or does not listen in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise Error('%s exited with status %s before listening on '
                            '%d' % (self.name, self.proc.poll(), port))
            if listening(port):
                return
            time.sleep(0.05)
        raise Error('%s does not listen on port %d after %s s'
                    % (self.name, port, timeout))

    def stop(self, timeout=10):
        """SIGTERM, then waits.  Returns the exit status (negative: killed
        by that signal), or None if it had to be killed after 'timeout'."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        self.returncode = self.proc.returncode
        return self.returncode

    def kill(self):
        """SIGKILL if still running, and reaps it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def tail(self, n=40):
        return self.log().splitlines()[-n:]

    def find_log(self, regex, start=0):
        """The first match of 'regex' in the log from offset 'start'."""
        return re.compile(regex).search(self.log(), start)

    def wait_log(self, regex, timeout, start=0):
        """Waits up to 'timeout' s for 'regex' in the log; returns the match
        or None."""
        return wait_until(lambda: self.find_log(regex, start), timeout)

    def log_size(self):
        try:
            return os.path.getsize(self.log_path)
        except FileNotFoundError:
            return 0

    def n_fds(self):
        """Open file descriptors of the daemon (None if it is gone)."""
        try:
            return len(os.listdir('/proc/%d/fd' % self.proc.pid))
        except (FileNotFoundError, ProcessLookupError):
            return None


class QuietRemote(RemoteController):
    """A remote controller without Mininet's telnet probe at creation (the
    probe is one more connection in the controller's log)."""

    def checkListening(self):
        pass


def make_net(topo, port, protocol='tcp', start=True):
    """A Mininet network of userspace OVS switches speaking OpenFlow 1.3 to
    the controller at 127.0.0.1:'port' over 'protocol' (tcp or ssl).  Host
    MACs are 00:00:00:00:00:0N.  The caller stops it (net.stop())."""
    setLogLevel('error')
    switch = partial(OVSSwitch, datapath='user', protocols='OpenFlow13')
    net = Mininet(topo=topo, switch=switch, controller=None,
                  autoSetMacs=True, build=False)
    net.addController(QuietRemote('c0', ip='127.0.0.1', port=port,
                                  protocol=protocol))
    net.build()
    if start:
        net.start()
    return net


def stop_net(net):
    """Stops 'net' if there is one; errors are returned, not raised."""
    if net is None:
        return None
    try:
        # A command cut short (a test's timeout) leaves its shell busy, and
        # Mininet's stop would assert on it: interrupt it, forget it.
        for node in net.hosts + net.switches:
            if getattr(node, 'waiting', False) and node.shell:
                node.sendInt()
                node.waiting = False
        net.stop()
    except Exception as e:  # cleaning up: report, go on
        return e
    return None


def is_connected(name):
    """'true'/'false' from OVS for bridge 'name''s controller ('' if OVS
    has no controller row for it)."""
    try:
        return run(['ovs-vsctl', '--timeout=5', 'get', 'controller', name,
                    'is_connected'], timeout=10).strip()
    except Error:
        return ''


def connection_states(names):
    return {n: is_connected(n) == 'true' for n in names}


def wait_connected(names, timeout):
    """Waits until every bridge of 'names' is connected.  Returns the last
    {name: connected} seen."""
    states = {}

    def all_up():
        states.update(connection_states(names))
        return all(states.values())
    wait_until(all_up, timeout, interval=0.1)
    return states


def dpid_of(name):
    """The datapath id of bridge 'name' as an int."""
    out = run(['ovs-vsctl', '--timeout=5', 'get', 'bridge', name,
               'datapath_id'], timeout=10)
    return int(out.strip().strip('"'), 16)


class Flow:
    """One line of `ovs-ofctl -O OpenFlow13 dump-flows`, parsed."""

    def __init__(self, line):
        self.line = line.strip()
        m = re.search(r'(?:^|[ ,])actions=(.*)$', self.line)
        if not m:
            raise Error('not a flow: %r' % line)
        self.actions = m.group(1)
        head = self.line[:m.start()].strip().rstrip(',')
        self.fields = {}
        self.flags = []
        rest = []
        for token in re.split(r',? ', head) if head else []:
            key, eq, value = token.partition('=')
            if eq and key in FLOW_STAT_KEYS and ',' not in token:
                self.fields[key] = value
            elif not eq and token in FLOW_FLAGS:
                self.flags.append(token)
            else:
                rest.append(token)
        match = ','.join(rest).split(',') if rest else []
        self.priority = OFP_DEFAULT_PRIORITY
        if match and match[0].startswith('priority='):
            self.priority = int(match[0][len('priority='):])
            match = match[1:]
        self.match = ','.join(match)
        self.table = int(self.fields.get('table', '0'))
        self.cookie = int(self.fields.get('cookie', '0x0'), 16)
        self.n_packets = int(self.fields.get('n_packets', '0'))
        self.duration = float(self.fields.get('duration', '0s').rstrip('s'))

    def normal(self):
        """The flow without what changes by itself (counters, ages)."""
        parts = ['cookie=%#x' % self.cookie, 'table=%d' % self.table]
        parts += ['%s=%s' % (k, v) for k, v in sorted(self.fields.items())
                  if k not in FLOW_VOLATILE and k not in ('cookie', 'table')]
        parts += sorted(self.flags)
        parts.append('priority=%d' % self.priority)
        if self.match:
            parts.append(self.match)
        return ','.join(parts) + ' actions=' + self.actions

    def __repr__(self):
        return self.line


def dump_flows(name):
    """The flows of bridge 'name' (OpenFlow 1.3 view)."""
    out = run(['ovs-ofctl', '-O', 'OpenFlow13', 'dump-flows', name],
              timeout=15)
    return [Flow(line) for line in out.splitlines()
            if 'actions=' in line and not line.startswith('OFPST_')]


def normal_flows(name):
    """The sorted normalised flows of bridge 'name' (duplicates kept)."""
    return sorted(f.normal() for f in dump_flows(name))


def add_flow(name, spec):
    run(['ovs-ofctl', '-O', 'OpenFlow13', 'add-flow', name, spec])


def up_re(dpid):
    """The log line of switch 'dpid' coming up."""
    return r'switch 0x%016x up' % dpid


def down_re(dpid):
    """The log line of switch 'dpid' going down."""
    return r'switch 0x%016x down' % dpid


def settle(names, timeout, pred=None):
    """Waits until the flows of 'names' stay the same for one second (and
    'pred(flows)' holds).  Returns {name: [normalised flows]}."""
    last = {}
    stable_since = [None]

    def stable():
        now = {n: normal_flows(n) for n in names}
        if now != last or (pred and not pred(now)):
            last.clear()
            last.update(now)
            stable_since[0] = time.monotonic()
            return False
        return time.monotonic() - stable_since[0] >= 1.0
    wait_until(stable, timeout, interval=0.2)
    return dict(last)


def ping_pairs(net, timeout=2):
    """Pings once from every host to every other.  Returns (sent,
    received, [failed 'src->dst' pairs])."""
    sent = received = 0
    failed = []
    for src in net.hosts:
        for dst in net.hosts:
            if src is dst:
                continue
            out = src.cmd('ping -c1 -W%d %s' % (timeout, dst.IP()))
            s, r = net._parsePing(out)
            sent += s
            received += r
            if r < s or s == 0:
                failed.append('%s->%s' % (src.name, dst.name))
    return sent, received, failed
