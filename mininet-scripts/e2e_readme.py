"""e2e_readme: the README, walked as a new user walks it.

  readme_walk   installs the freshly built Debian packages (make check-deb
                leaves them in BUILD/packaging/debs, or $SLUICE_DEBS), then
                runs the README's "Connect a switch" TLS block line by line
                exactly as written there: sluice-pki makes the CA and the
                certificates and the configuration, the installed daemon
                starts on it, a fresh Open vSwitch bridge is pointed at it
                over TLS with the lines sluice-pki printed (which must be the
                README's own), and `sluicectl switches` lists the bridge;
                then the topology page, in headless Chromium, shows it.
                Everything is removed afterwards (bridge, daemon, packages,
                /etc/sluice).

How the block is run: each line by bash, as root, with `sudo` a function
that runs its arguments (so `sudo a | sudo b` reads as written).  A
`systemctl` line on a machine where systemd is not PID 1 (containers, these
test machines) runs the alternative the README gives in its comment
("without systemd: ...") instead, and the test says so.
"""

import glob
import os
import re
import subprocess
import time

import sluicenet as sn

HERE = os.path.dirname(os.path.abspath(__file__))
README = os.path.join(HERE, '..', 'README.md')
MARK = '<!-- readme-walk: tls -->'
PIDFILE = '/run/sluice.pid'
BRIDGE = 'br0'
URL = 'http://127.0.0.1:8080'


def walk_block(path=README, mark=MARK):
    """The lines of the ```sh block after 'mark' in the README."""
    with open(path) as f:
        text = f.read()
    at = text.find(mark)
    if at < 0:
        raise ValueError('%s: no %r marker' % (path, mark))
    m = re.compile(r'```sh\n(.*?)```', re.S).search(text, at)
    if not m:
        raise ValueError('%s: no ```sh block after %r' % (path, mark))
    return [line for line in m.group(1).splitlines()
            if line.strip() and not line.lstrip().startswith('#')]


def systemd_running():
    return os.path.isdir('/run/systemd/system')


def bash(line, timeout=60):
    """Runs one README line as written; returns (status, output)."""
    script = 'sudo() { "$@"; }\nset -o pipefail\n' + line + '\n'
    p = subprocess.run(['bash', '-c', script], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout,
                       universal_newlines=True)
    return p.returncode, p.stdout


def sh(*cmd, check=False):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    if check and p.returncode:
        raise RuntimeError('%s: %s' % (' '.join(cmd), p.stdout.strip()))
    return p.returncode, p.stdout


def debs_dir(ctx):
    d = os.environ.get('SLUICE_DEBS')
    if not d:
        build = os.path.dirname(os.path.dirname(os.path.abspath(
            ctx.args.sluice)))
        d = os.path.join(build, 'packaging', 'debs')
    return d


def stop_daemon():
    try:
        with open(PIDFILE) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        return
    sn.wait_until(lambda: not os.path.exists('/proc/%d' % pid), 10)


def installed(pkg):
    return sh('dpkg-query', '-W', '-f=${Status}', pkg)[1].endswith(
        'install ok installed')


def purge():
    pkgs = [p for p in ('sluice-dev', 'sluice') if installed(p)]
    if pkgs:
        sh('apt-get', 'purge', '-y', '-q', *pkgs, check=True)
    sh('rm', '-rf', '/etc/sluice')


def t_readme_walk(ctx):
    lines = walk_block()
    ctx.note('README block: %d lines' % len(lines))

    # The packages, as the Install section builds them.
    d = debs_dir(ctx)
    debs = sorted(glob.glob(os.path.join(d, 'sluice_*.deb')))
    ctx.check(debs, 'no sluice_*.deb in %s: build them first (sudo make '
              'check-deb, or set SLUICE_DEBS)' % d)
    ctx.check(not installed('sluice'), 'the sluice package is installed '
              'already: this test installs and purges it (apt-get purge '
              'sluice first)')
    busy = sh('ss', '-ltnH', 'sport = :6653 or sport = :8080')[1].strip()
    ctx.check(not busy, 'ports 6653/8080 are taken: %s' % busy)

    ctx.defer(purge)
    t = time.monotonic()
    rc, out = sh('apt-get', 'install', '-y', '-q', debs[-1])
    ctx.check(rc == 0, 'apt-get install %s: %s' % (debs[-1], out[-800:]))
    ctx.note('installed %s in %.1f s'
             % (os.path.basename(debs[-1]), time.monotonic() - t))

    ctx.defer(sh, 'ovs-vsctl', 'del-ssl')
    ctx.defer(sh, 'ovs-vsctl', '--if-exists', 'del-br', BRIDGE)
    ctx.defer(stop_daemon)
    sh('ovs-vsctl', '--if-exists', 'del-br', BRIDGE)

    printed, dpid = None, None
    t0 = time.monotonic()
    for i, line in enumerate(lines):
        run = line
        is_systemctl = re.match(r'\s*(sudo\s+)?systemctl\s', line)
        if is_systemctl and not systemd_running():
            m = re.search(r'#\s*without systemd:\s*(.*)$', line)
            ctx.check(m, 'a systemctl line without a "without systemd:" '
                      'alternative: %r' % line)
            run = m.group(1)
            ctx.note('systemd is not PID 1 here: ran the README\'s '
                     'alternative: %s' % run)
        if re.match(r'\s*(sudo\s+)?sluicectl\s+switches\b', run):
            # The bridge may still be in its TLS handshake: a user runs it
            # again; so does the test, for up to 10 s.
            found = sn.wait_until(lambda: dpid and dpid in bash(run)[1], 10)
            status, out = bash(run)
            ctx.check(status == 0 and found, '%s: exit %d, no %s in:\n%s'
                      % (run, status, dpid, out))
            ctx.note('%s (%.1f s after the first line):' % (
                run, time.monotonic() - t0))
            for o in out.splitlines():
                ctx.note('  ' + o)
            continue
        status, out = bash(run)
        ctx.check(status == 0, 'README line %d: %s\nexit %d:\n%s'
                  % (i + 1, run, status, out[-1500:]))
        if re.search(r'sluice-pki\s+switch\b', run):
            printed = [x for x in out.splitlines()
                       if x.startswith('ovs-vsctl ')]
            following = [re.sub(r'^\s*sudo\s+', '', x)
                         for x in lines[i + 1:i + 1 + len(printed)]]
            ctx.check(printed and printed == following,
                      'sluice-pki printed:\n%s\nthe README says:\n%s'
                      % ('\n'.join(printed), '\n'.join(following)))
            ctx.note('sluice-pki printed the README\'s %d ovs-vsctl lines'
                     % len(printed))
        if re.search(r'add-br\s+' + BRIDGE, run):
            dpid = sh('ovs-vsctl', 'get', 'bridge', BRIDGE,
                      'datapath_id', check=True)[1].strip().strip('"')
    ctx.check(printed, 'the README block has no sluice-pki switch line')

    # What the user now has.
    # OVS refreshes is_connected in its database lazily (up to seconds).
    ctx.check(sn.wait_until(lambda: sh('ovs-vsctl', 'get', 'controller',
                                       BRIDGE, 'is_connected')[1].strip()
                            == 'true', 10),
              'ovs-vsctl says %s is not connected' % BRIDGE)
    target = sh('ovs-vsctl', 'get-controller', BRIDGE)[1].strip()
    ctx.check(target.startswith('ssl:'), 'controller target %r' % target)
    rc, body = sh('curl', '-s', URL + '/api/v1/switches/' + dpid)
    ctx.check(rc == 0 and '"ssl:' in body, 'the switch as the API sees '
              'it: %s' % body[:500])
    cfg = open('/etc/sluice/sluice.yaml').read()
    ctx.check('ssl:' in cfg and '/etc/sluice/pki/controller.crt' in cfg,
              'the configuration sluice-pki wrote:\n%s' % cfg)
    ctx.note('bridge %s (dpid %s) connected over %s with the certificates '
             'of /etc/sluice/pki' % (BRIDGE, dpid, target))

    # The topology page.
    from browser import Browser
    b = Browser()
    ctx.defer(b.close)
    b.navigate(URL + '/ui/')
    ok = b.wait_for('document.body.dataset.switches === "1" && '
                    'document.querySelector(\'.switch[data-dpid]\') !== null',
                    timeout=10)
    ctx.check(ok, 'the topology page does not show one switch: body %r'
              % b.evaluate('JSON.stringify(document.body.dataset)'))
    if ctx.args.results_dir:
        shot = os.path.join(ctx.args.results_dir, 'readme-walk.png')
        b.screenshot(shot)
        ctx.note('topology page: 1 switch; screenshot %s' % shot)
    else:
        ctx.note('topology page: 1 switch')


TESTS = (
    ('readme_walk', 240, t_readme_walk),
)
