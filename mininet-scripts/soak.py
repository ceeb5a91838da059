#!/usr/bin/python3
"""soak: the long run of the end-to-end test fault_soak (e2e_faults.py)
-- a torus of 9 userspace Open vSwitch bridges and a mobile host in
Mininet under a real sluice with l2_learning, links taken down and up
every 4 s, the mobile host moving between two switches every 6 s, REST
polled 4 times a second (switches, topology, flows, /metrics), an event
stream read all along, and 20 emulated switches of sluice-bench connecting
and disconnecting in a loop -- for as many minutes as asked; then
everything must converge, ping, be in sync, and sluice must exit with
status 0 on SIGTERM (with an ASan build: no leak, no error).  The figures
(VmRSS start, peak, end and growth per minute, events received) are
printed as "#" lines.

Run as root with Debian's python3, against the ASan+UBSan daemon:

    sudo /usr/bin/python3 mininet-scripts/soak.py --minutes 10 \\
        --sluice _build-asan/controller/sluice

Options: --minutes M (default 10), --sluice, --app-path, --results-dir,
--keep-tmp and --sluice-log-level as for e2e.py.  ASAN_OPTIONS defaults to
detect_leaks=1:quarantine_size_mb=16 (kept if set): ASan keeps freed
blocks in a quarantine (256 MiB by default) that VmRSS would show as
growth.  `e2e.py --only fault_soak` runs the same
test for E2E_SOAK_SECONDS (default 75 s).
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True


def main(argv):
    p = argparse.ArgumentParser(description='The long soak of Sluice '
                                '(e2e_faults.py fault_soak), as root.')
    p.add_argument('--minutes', type=float, default=10.0,
                   help='how long the load runs (default %(default)s)')
    args, rest = p.parse_known_args(argv)
    if args.minutes <= 0:
        p.error('--minutes must be positive')
    # Read by e2e_faults at import time (the test's own timeout too).
    os.environ['E2E_SOAK_SECONDS'] = '%g' % (args.minutes * 60)
    os.environ.setdefault('ASAN_OPTIONS',
                          'detect_leaks=1:quarantine_size_mb=16')
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import e2e
    return e2e.main(['--only', 'fault_soak'] + rest)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
