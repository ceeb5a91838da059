# mininet-scripts: Mininet topologies, the demo network of `quickstart run`
# and the end-to-end tests, in Python 3 for Debian's /usr/bin/python3 (the
# one that imports mininet; $(SYSTEM_PYTHON)).  Nothing is built here.
dist_noinst_SCRIPTS += mininet-scripts/e2e.py mininet-scripts/run.py
EXTRA_DIST += mininet-scripts/e2e_rest.py
EXTRA_DIST += mininet-scripts/e2e_topo.py
EXTRA_DIST += mininet-scripts/e2e_apps.py
EXTRA_DIST += mininet-scripts/e2e_faults.py mininet-scripts/e2e_abuse.py \
	mininet-scripts/e2e_security.py mininet-scripts/peers.py
EXTRA_DIST += mininet-scripts/sluicenet.py mininet-scripts/topos.py

# ---- end to end: sudo make check-e2e ----
# Real Open vSwitch bridges (userspace datapath) in Mininet against the
# sluice of this build tree.  Needs root.  One line per test, and
# mininet-scripts/e2e-NAME.trs and .log (quickstart counts the .trs files).
# E2E_FLAGS passes options, e.g. E2E_FLAGS='--only tls'.
E2E_FLAGS =
check-e2e:
	@if [ "$$(id -u)" -ne 0 ]; then \
	    echo "check-e2e: needs root (Open vSwitch, Mininet): run" \
	        "'sudo make check-e2e'" >&2; \
	    exit 1; \
	fi
	$(MAKE) $(AM_MAKEFLAGS) all
	$(SYSTEM_PYTHON) $(srcdir)/mininet-scripts/e2e.py \
	    --sluice $(abs_builddir)/controller/sluice \
	    --app-path $(abs_builddir)/apps/.libs \
	    --results-dir mininet-scripts $(E2E_FLAGS)
.PHONY: check-e2e
CLEANFILES += mininet-scripts/e2e-*.trs mininet-scripts/e2e-*.log

# faults
# The long soak (mininet-scripts/soak.py: fault_soak of e2e_faults.py for
# SOAK_MINUTES), as root; run it from an --enable-sanitizers build tree for
# the leak check.  `sudo make soak SOAK_MINUTES=10`.
dist_noinst_SCRIPTS += mininet-scripts/soak.py
SOAK_MINUTES = 10
soak:
	@if [ "$$(id -u)" -ne 0 ]; then \
	    echo "soak: needs root (Open vSwitch, Mininet): run" \
	        "'sudo make soak'" >&2; \
	    exit 1; \
	fi
	$(MAKE) $(AM_MAKEFLAGS) all
	$(SYSTEM_PYTHON) $(srcdir)/mininet-scripts/soak.py \
	    --minutes $(SOAK_MINUTES) \
	    --sluice $(abs_builddir)/controller/sluice \
	    --app-path $(abs_builddir)/apps/.libs \
	    --results-dir mininet-scripts
.PHONY: soak

# ui
# The topology page in a real browser (e2e_ui.py, test ui_topology) with
# browser.py, a small headless-Chromium driver (DevTools protocol over
# python3-websocket) that other tests may reuse.  Its screenshots land in
# the results directory beside the e2e-*.log files.
EXTRA_DIST += mininet-scripts/e2e_ui.py mininet-scripts/browser.py
CLEANFILES += mininet-scripts/ui-*.png

# readme
# readme_walk (e2e_readme.py): the README's TLS block run as written,
# against the Debian packages that `make check-deb` leaves in
# packaging/debs (run that first).
EXTRA_DIST += mininet-scripts/e2e_readme.py
CLEANFILES += mininet-scripts/readme-walk.png
