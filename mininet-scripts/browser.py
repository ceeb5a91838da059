"""browser: a headless Chromium driven over the DevTools protocol, for
tests that look at a web page as a user would.

    from browser import Browser, BrowserError

    with Browser(width=1280, height=800) as b:
        b.navigate('http://127.0.0.1:8080/ui/')
        n = b.wait_for('document.body.dataset.loaded === "true" && '
                       'document.body.dataset.switches', timeout=10)
        b.evaluate('document.title')              # -> 'Sluice topology'
        b.screenshot('/tmp/page.png')

Starts Debian's /usr/bin/chromium (package chromium) with --headless=new,
--no-sandbox (tests run as root), --remote-debugging-port=0 and a fresh
--user-data-dir, reads the port from DevToolsActivePort, and speaks the
protocol over a WebSocket (package python3-websocket, `import websocket`)
to one page target (flat sessions).  Every call is bounded by a timeout.
Chromium runs in its own process group, its home inside the profile:
close() -- also on an exception inside a `with` block, at interpreter
exit, or when the start fails -- asks it to quit, then kills that group
(and any process still naming its profile directory), reaps it, and
removes the profile directory: no process is left behind.

The page's console messages, uncaught exceptions and browser log entries
(CSP violations, failed loads) are kept in Browser.console as (level,
text) pairs: a test can require that a page ran cleanly.

Standard library and python3-websocket only; no Mininet, so scripts other
than the end-to-end tests may use it.  A missing chromium or websocket
module raises BrowserError saying which Debian package to install.
"""

import atexit
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

try:
    import websocket
except ImportError:         # reported by Browser.start()
    websocket = None

CHROMIUM = '/usr/bin/chromium'


class BrowserError(Exception):
    """Chromium could not be started or driven (the message says why)."""


class JsError(BrowserError):
    """An evaluated expression threw; the message is the exception's."""


class Browser:
    """One headless Chromium with one page.  Usable as a context manager;
    close() is idempotent."""

    def __init__(self, width=1280, height=800, binary=CHROMIUM,
                 start_timeout=30, extra_args=()):
        self.width = width
        self.height = height
        self.binary = binary
        self.start_timeout = start_timeout
        self.extra_args = list(extra_args)
        self.proc = None
        self.profile = None
        self.ws = None
        self.session = None
        self.console = []
        self.events = []        # (method, params) not consumed yet
        self._next_id = 0
        self.start()

    # ---- life cycle ----

    def start(self):
        if websocket is None:
            raise BrowserError('the Python module "websocket" is missing: '
                               'apt-get install python3-websocket')
        if not os.access(self.binary, os.X_OK):
            raise BrowserError('no browser at %s: apt-get install chromium'
                               % self.binary)
        atexit.register(self.close)
        try:
            self._launch()
            self._attach()
        except BaseException:
            self.close()
            raise

    def _launch(self):
        self.profile = tempfile.mkdtemp(prefix='sluice-chromium-')
        argv = [self.binary, '--headless=new', '--no-sandbox',
                '--remote-debugging-port=0',
                '--user-data-dir=' + self.profile,
                '--window-size=%d,%d' % (self.width, self.height),
                '--no-first-run', '--no-default-browser-check',
                '--disable-gpu', '--disable-extensions',
                '--disable-background-networking', '--disable-sync',
                '--disable-component-update', '--disable-default-apps',
                '--hide-scrollbars', '--mute-audio',
                '--password-store=basic', '--use-mock-keychain',
                '--disable-breakpad',
                ] + self.extra_args + ['about:blank']
        # Its configuration, caches and crash database (whose handler
        # leaves the process group) inside the profile directory.
        env = dict(os.environ, HOME=self.profile,
                   XDG_CONFIG_HOME=os.path.join(self.profile, 'config'),
                   XDG_CACHE_HOME=os.path.join(self.profile, 'cache'))
        self.log_path = os.path.join(self.profile, 'chromium.log')
        with open(self.log_path, 'wb') as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, env=env,
                                         start_new_session=True)
        active = os.path.join(self.profile, 'DevToolsActivePort')
        deadline = time.monotonic() + self.start_timeout
        lines = []
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BrowserError('%s exited with status %s at start: %s'
                                   % (self.binary, self.proc.returncode,
                                      self._log_tail()))
            try:
                with open(active) as f:
                    lines = f.read().split('\n')
            except FileNotFoundError:
                lines = []
            if len(lines) >= 2 and lines[0].strip() and lines[1].strip():
                break
            time.sleep(0.05)
        else:
            raise BrowserError('%s wrote no DevToolsActivePort in %s s: %s'
                               % (self.binary, self.start_timeout,
                                  self._log_tail()))
        url = 'ws://127.0.0.1:%d%s' % (int(lines[0]), lines[1].strip())
        try:
            # No Origin header: Chromium refuses DevTools connections from
            # origins it was not told to allow.
            self.ws = websocket.create_connection(
                url, timeout=self.start_timeout, suppress_origin=True)
        except Exception as e:
            raise BrowserError('cannot connect to DevTools at %s: %s'
                               % (url, e))

    def _attach(self):
        target = self.send('Target.createTarget', url='about:blank',
                           session=False)['targetId']
        self.session = self.send('Target.attachToTarget', targetId=target,
                                 flatten=True, session=False)['sessionId']
        for domain in ('Page', 'Runtime', 'Log'):
            self.send(domain + '.enable')
        self.send('Emulation.setDeviceMetricsOverride', width=self.width,
                  height=self.height, deviceScaleFactor=1, mobile=False)

    def close(self):
        """Quits Chromium, kills what is left of its process group, removes
        its profile.  Safe to call more than once."""
        if self.ws is not None:
            try:
                self.ws.settimeout(2)
                self._post('Browser.close', {}, None)
            except Exception:   # closing anyway
                pass
            try:
                self.ws.close()
            except Exception:
                pass
            self.ws = None
        if self.proc is not None:
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                pass
            # The renderers, zygote and GPU helper are in its group.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
            for pid in self._strays():
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None
        atexit.unregister(self.close)

    def _strays(self):
        """The processes still running with our profile directory on their
        command line (a helper that left the process group, such as the
        crash handler)."""
        mark = self.profile.encode()
        pids = []
        for entry in os.listdir('/proc'):
            if not entry.isdigit():
                continue
            try:
                with open('/proc/%s/cmdline' % entry, 'rb') as f:
                    if mark in f.read():
                        pids.append(int(entry))
            except OSError:
                continue
        return pids

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _log_tail(self, n=5):
        try:
            with open(self.log_path, errors='replace') as f:
                return ' | '.join(f.read().strip().splitlines()[-n:])
        except OSError:
            return '(no log)'

    # ---- the protocol ----

    def _post(self, method, params, session):
        self._next_id += 1
        msg = {'id': self._next_id, 'method': method, 'params': params}
        if session:
            msg['sessionId'] = session
        self.ws.send(json.dumps(msg))
        return self._next_id

    def _receive(self, deadline):
        """One message, or None at the deadline."""
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        self.ws.settimeout(left)
        try:
            text = self.ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        except Exception as e:
            raise BrowserError('DevTools connection lost: %s' % e)
        msg = json.loads(text)
        if 'method' in msg:
            self._note_event(msg['method'], msg.get('params', {}))
        return msg

    def _note_event(self, method, params):
        if method == 'Runtime.consoleAPICalled':
            text = ' '.join(str(a.get('value', a.get('description', '')))
                            for a in params.get('args', []))
            self.console.append((params.get('type', 'log'), text))
        elif method == 'Runtime.exceptionThrown':
            d = params.get('exceptionDetails', {})
            exc = d.get('exception', {}).get('description') or d.get('text')
            self.console.append(('exception', str(exc)))
        elif method == 'Log.entryAdded':
            e = params.get('entry', {})
            self.console.append((e.get('level', 'info'),
                                 '%s: %s' % (e.get('source', ''),
                                             e.get('text', ''))))
        self.events.append((method, params))
        del self.events[:-1000]

    def send(self, method, timeout=30, session=True, **params):
        """Calls DevTools 'method' with 'params' (on the page's session
        unless 'session' is False); returns its result."""
        if self.ws is None:
            raise BrowserError('the browser is closed')
        msg_id = self._post(method, params,
                            self.session if session else None)
        deadline = time.monotonic() + timeout
        while True:
            msg = self._receive(deadline)
            if msg is None:
                raise BrowserError('%s: no answer in %s s'
                                   % (method, timeout))
            if msg.get('id') == msg_id:
                if 'error' in msg:
                    raise BrowserError('%s: %s' % (method, msg['error']))
                return msg.get('result', {})

    def wait_event(self, method, timeout=30):
        """Waits for the page event 'method' (one seen since the last call
        counts); returns its params."""
        deadline = time.monotonic() + timeout
        while True:
            for i, (m, params) in enumerate(self.events):
                if m == method:
                    del self.events[:i + 1]
                    return params
            if self._receive(deadline) is None:
                raise BrowserError('no %s in %s s' % (method, timeout))

    # ---- what tests use ----

    def navigate(self, url, timeout=30):
        """Loads 'url' and waits for its load event."""
        self.events.clear()
        result = self.send('Page.navigate', url=url, timeout=timeout)
        if result.get('errorText'):
            raise BrowserError('cannot load %s: %s' % (url,
                                                       result['errorText']))
        self.wait_event('Page.loadEventFired', timeout)

    def evaluate(self, js, timeout=30):
        """The value of the JavaScript expression 'js' in the page (a
        promise is awaited); JSON-like values come back as Python ones.
        Raises JsError if it throws."""
        result = self.send('Runtime.evaluate', expression=js,
                           returnByValue=True, awaitPromise=True,
                           timeout=timeout)
        if 'exceptionDetails' in result:
            d = result['exceptionDetails']
            exc = d.get('exception', {}).get('description') or d.get('text')
            raise JsError('%s: %s' % (js[:80], exc))
        return result.get('result', {}).get('value')

    def wait_for(self, js, timeout=10, interval=0.02):
        """Polls the expression 'js' in the page every 'interval' s until
        it is truthy; returns that value, or None after 'timeout' s.  The
        polling runs in the page, so the time it is first true is seen
        within 'interval'."""
        script = ('new Promise((done) => {'
                  ' const end = performance.now() + %f;'
                  ' const poll = () => {'
                  '  let v; try { v = (%s); } catch (e) { v = undefined; }'
                  '  if (v || performance.now() > end) { done(v || null); }'
                  '  else { setTimeout(poll, %f); } };'
                  ' poll(); })' % (timeout * 1000, js, interval * 1000))
        return self.evaluate(script, timeout=timeout + 10)

    def click(self, selector):
        """Dispatches a click on the first element matching CSS
        'selector'; returns whether there was one."""
        return self.evaluate(
            '(() => { const el = document.querySelector(%s);'
            ' if (!el) { return false; }'
            ' el.dispatchEvent(new MouseEvent("click", {bubbles: true,'
            ' cancelable: true, view: window})); return true; })()'
            % json.dumps(selector))

    def screenshot(self, path):
        """Saves the page as it looks (width x height) as a PNG at 'path';
        returns its size in bytes."""
        data = self.send('Page.captureScreenshot', format='png')['data']
        raw = base64.b64decode(data)
        with open(path, 'wb') as f:
            f.write(raw)
        return len(raw)

    def errors(self):
        """The console entries at level error (or exceptions) so far."""
        return [text for level, text in self.console
                if level in ('error', 'exception', 'assert')]
