"""peers: what the end-to-end tests use to play a switch or a client
that Open vSwitch cannot play -- OpenFlow 1.3 frames built and split by
hand, a fake switch on a raw socket (FakeSwitch), a hostile connection
(RawPeer) -- and a throwaway PKI made with the openssl command line
(make_pki).  Shared by e2e.py and its test modules."""

import os
import select
import socket
import struct
import threading
import time

import sluicenet as sn

OFPT_HELLO, OFPT_ERROR, OFPT_ECHO_REQUEST, OFPT_ECHO_REPLY = 0, 1, 2, 3
OFPT_FEATURES_REQUEST, OFPT_FEATURES_REPLY = 5, 6
OFPT_GET_CONFIG_REQUEST, OFPT_GET_CONFIG_REPLY = 7, 8
OFPT_MULTIPART_REQUEST, OFPT_MULTIPART_REPLY = 18, 19
OFPT_BARRIER_REQUEST, OFPT_BARRIER_REPLY = 20, 21
OFPT_ROLE_REQUEST, OFPT_ROLE_REPLY = 24, 25
OFPMP_DESC, OFPMP_PORT_DESC = 0, 13
OFPET_HELLO_FAILED = 0


# ---- OpenFlow 1.3 frames for the raw peers ----

def ofp_msg(msg_type, body=b'', xid=0, version=4):
    return struct.pack('!BBHI', version, msg_type, 8 + len(body),
                       xid) + body


def ofp_hello(xid=1):
    """HELLO with a version bitmap offering 1.3 only."""
    return ofp_msg(OFPT_HELLO, struct.pack('!HHI', 1, 8, 1 << 4), xid)


def ofp_split(buf):
    """Splits 'buf' into complete messages: ([(version, type, xid, body)],
    rest).  A length below 8 ends the parse (rest is kept)."""
    msgs = []
    while len(buf) >= 8:
        version, msg_type, length, xid = struct.unpack('!BBHI', buf[:8])
        if length < 8 or len(buf) < length:
            break
        msgs.append((version, msg_type, xid, buf[8:length]))
        buf = buf[length:]
    return msgs, buf


def mp_reply(mp_type, xid, body=b''):
    return ofp_msg(OFPT_MULTIPART_REPLY,
                   struct.pack('!HH4x', mp_type, 0) + body, xid)


class FakeSwitch(threading.Thread):
    """An OpenFlow 1.3 switch on a raw socket: it does the handshake
    (FEATURES, DESC, PORT_DESC, empty replies to the other multipart
    requests, BARRIER, ECHO, GET_CONFIG, ROLE) until silence() is called,
    then keeps reading and answers nothing.  'eof_at' is when the
    controller closed the connection (time.monotonic())."""

    def __init__(self, port, dpid):
        super().__init__(daemon=True)
        self.dpid = dpid
        self.sock = socket.create_connection(('127.0.0.1', port), timeout=5)
        self.answering = True
        self.lock = threading.Lock()
        self.last_sent = time.monotonic()
        self.eof_at = None
        self.seen = []          # message types received, in order
        self.features_done = False
        self.done = threading.Event()

    def send(self, data):
        with self.lock:
            if not self.answering:
                return
            self.sock.sendall(data)
            self.last_sent = time.monotonic()

    def silence(self):
        """Stops answering; returns when the last reply was sent."""
        with self.lock:
            self.answering = False
            return self.last_sent

    def answer(self, msg_type, xid, body):
        if msg_type == OFPT_FEATURES_REQUEST:
            self.send(ofp_msg(OFPT_FEATURES_REPLY,
                              struct.pack('!QIBB2xII', self.dpid, 256, 254,
                                          0, 0x4f, 0), xid))
            self.features_done = True
        elif msg_type == OFPT_ECHO_REQUEST:
            self.send(ofp_msg(OFPT_ECHO_REPLY, body, xid))
        elif msg_type == OFPT_BARRIER_REQUEST:
            self.send(ofp_msg(OFPT_BARRIER_REPLY, b'', xid))
        elif msg_type == OFPT_GET_CONFIG_REQUEST:
            self.send(ofp_msg(OFPT_GET_CONFIG_REPLY,
                              struct.pack('!HH', 0, 0xffff), xid))
        elif msg_type == OFPT_ROLE_REQUEST:
            self.send(ofp_msg(OFPT_ROLE_REPLY, body, xid))
        elif msg_type == OFPT_MULTIPART_REQUEST and len(body) >= 8:
            mp_type = struct.unpack('!H', body[:2])[0]
            if mp_type == OFPMP_DESC:
                desc = struct.pack('!256s256s256s32s256s', b'Sluice e2e',
                                   b'fake switch', b'e2e.py', b'1',
                                   b'fake switch of e2e.py')
                self.send(mp_reply(mp_type, xid, desc))
            elif mp_type == OFPMP_PORT_DESC:
                port = struct.pack('!I4x6s2x16sIIIIIIII', 1,
                                   bytes.fromhex('02e2e0000001'), b'fake1',
                                   0, 4, 0x2840, 0, 0, 0, 10000000,
                                   10000000)
                self.send(mp_reply(mp_type, xid, port))
            else:
                self.send(mp_reply(mp_type, xid))

    def run(self):
        buf = b''
        try:
            self.send(ofp_hello())
            while not self.done.is_set():
                ready, _, _ = select.select([self.sock], [], [], 0.05)
                if not ready:
                    continue
                try:
                    data = self.sock.recv(65536)
                except ConnectionResetError:
                    data = b''
                if not data:
                    self.eof_at = time.monotonic()
                    return
                msgs, buf = ofp_split(buf + data)
                for _, msg_type, xid, body in msgs:
                    self.seen.append(msg_type)
                    self.answer(msg_type, xid, body)
        except OSError:
            self.eof_at = self.eof_at or time.monotonic()
        finally:
            self.sock.close()

    def stop(self):
        self.done.set()
        self.join(5)


class RawPeer:
    """A hostile connection: sends 'payload' and waits for the controller
    to close it within 'deadline' seconds."""

    def __init__(self, name, payload, deadline):
        self.name = name
        self.payload = payload
        self.deadline = deadline
        self.sock = None
        self.data = b''
        self.t0 = None
        self.closed_after = None

    def start(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port), timeout=5)
        self.t0 = time.monotonic()
        try:
            self.sock.sendall(self.payload)
        except (BrokenPipeError, ConnectionResetError):
            self.closed_after = time.monotonic() - self.t0
            self.sock.close()
            return
        self.sock.setblocking(False)

    def readable(self):
        try:
            chunk = self.sock.recv(65536)
        except BlockingIOError:
            return
        except ConnectionResetError:
            chunk = b''
        if chunk:
            self.data += chunk
        else:
            self.closed_after = time.monotonic() - self.t0
            self.sock.close()

    @property
    def open(self):
        return self.closed_after is None

    def expired(self, now):
        return now - self.t0 > self.deadline

    def close(self):
        if self.sock is not None:
            self.sock.close()


def openssl(*argv):
    sn.run(['openssl'] + list(argv), timeout=60)


def make_pki(ctx):
    """A CA with a controller and a switch certificate, and a rogue CA with
    a switch certificate of its own, in ctx.tmp/pki (EC P-256, valid two
    days).  Returns {name: (key, cert)} and the CA certificate path."""
    pki = os.path.join(ctx.tmp, 'pki')
    os.makedirs(pki)
    ext = os.path.join(pki, 'leaf.ext')
    with open(ext, 'w') as f:
        f.write('basicConstraints = critical, CA:FALSE\n'
                'keyUsage = critical, digitalSignature\n'
                'extendedKeyUsage = serverAuth, clientAuth\n')
    newkey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
              '-noenc']

    def path(name, suffix):
        return os.path.join(pki, name + suffix)
    for ca in ('ca', 'rogue-ca'):
        openssl('req', '-x509', *newkey, '-keyout', path(ca, '.key'),
                '-out', path(ca, '.crt'), '-days', '2',
                '-subj', '/CN=sluice e2e %s' % ca,
                '-addext', 'basicConstraints=critical,CA:TRUE',
                '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    certs = {}
    for name, ca in (('controller', 'ca'), ('switch', 'ca'),
                     ('rogue-switch', 'rogue-ca')):
        openssl('req', '-new', *newkey, '-keyout', path(name, '.key'),
                '-out', path(name, '.csr'), '-subj',
                '/CN=sluice e2e %s' % name)
        openssl('x509', '-req', '-in', path(name, '.csr'),
                '-CA', path(ca, '.crt'), '-CAkey', path(ca, '.key'),
                '-CAcreateserial', '-days', '2', '-extfile', ext,
                '-out', path(name, '.crt'))
        certs[name] = (path(name, '.key'), path(name, '.crt'))
    return certs, path('ca', '.crt')
