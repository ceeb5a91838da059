# packaging: the systemd unit, the Debian packaging (debian/, shipped in
# the tarball so that a tarball builds .debs) and its test,
# `sudo make check-deb`.

# sluice.service, with the installed paths of this configuration
# (configure --with-systemdsystemunitdir=DIR|no).
if INSTALL_SYSTEMD_UNIT
systemdsystemunit_DATA = packaging/sluice.service
else
check_DATA = packaging/sluice.service
endif
EXTRA_DIST += packaging/sluice.service.in
CLEANFILES += packaging/sluice.service
packaging/sluice.service: $(srcdir)/packaging/sluice.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) packaging && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/packaging/sluice.service.in >$@.tmp && mv $@.tmp $@
# The unit, checked without systemd (make check).
TESTS += packaging/test-unit.sh
dist_noinst_SCRIPTS += packaging/test-unit.sh

EXTRA_DIST += \
	debian/changelog \
	debian/control \
	debian/copyright \
	debian/not-installed \
	debian/rules \
	debian/sluice-dev.docs \
	debian/sluice-dev.install \
	debian/sluice.docs \
	debian/sluice.install \
	debian/sluice.postinst \
	debian/sluice.postrm \
	debian/source/format

# ---- Debian packages: sudo make check-deb ----
# Builds the .debs from this tree's `make dist` tarball (unpacked in a
# scratch directory, never in the source tree), keeps them in
# packaging/debs/, installs them, checks the installed daemon, a plugin
# built against sluice-dev, then purges them.  Needs root (apt-get, the
# system user).  One line per check in packaging/check-deb.trs and .log
# (quickstart counts the .trs files).  CHECK_DEB_FLAGS passes options,
# e.g. CHECK_DEB_FLAGS=--keep-installed.
dist_noinst_SCRIPTS += packaging/check-deb.sh
CHECK_DEB_FLAGS =
check-deb:
	@if [ "$$(id -u)" -ne 0 ]; then \
	    echo "check-deb: needs root (apt-get install, a system user):" \
	        "run 'sudo make check-deb'" >&2; \
	    exit 1; \
	fi
	$(MAKE) $(AM_MAKEFLAGS) dist-gzip
	@$(MKDIR_P) packaging
	@rm -f packaging/check-deb.trs packaging/check-deb.log
	$(LOG_DRIVER) --test-name check-deb \
	    --log-file packaging/check-deb.log \
	    --trs-file packaging/check-deb.trs \
	    --color-tests no --enable-hard-errors yes --expect-failure no \
	    --merge --comments -- \
	    $(SHELL) $(srcdir)/packaging/check-deb.sh \
	    --tarball $(abs_builddir)/$(distdir).tar.gz \
	    --debs $(abs_builddir)/packaging/debs $(CHECK_DEB_FLAGS)
	@if grep -q '^:global-test-result: \(FAIL\|ERROR\)' \
	    packaging/check-deb.trs; then \
	    echo "check-deb: FAILED: see packaging/check-deb.log" >&2; \
	    exit 1; \
	fi
.PHONY: check-deb
CLEANFILES += packaging/check-deb.trs packaging/check-deb.log
clean-local: clean-local-pkg
clean-local-pkg:
	-rm -rf packaging/debs
.PHONY: clean-local-pkg
