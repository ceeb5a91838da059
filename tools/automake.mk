# tools: sluice-ofp, the codec on the command line.
bin_PROGRAMS += tools/sluice-ofp
tools_sluice_ofp_SOURCES = tools/sluice-ofp.c
tools_sluice_ofp_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tools_sluice_ofp_LDADD = ofproto/libofproto.la $(JANSSON_LIBS)

# sluicectl: the command line of the REST API (evhttp client, OpenSSL,
# jansson; the SPEC checker is ofproto's Ryu JSON parser).
bin_PROGRAMS += tools/sluicectl
tools_sluicectl_SOURCES = tools/sluicectl.c \
	tools/sluicectl-http.c tools/sluicectl-http.h \
	tools/sluicectl-show.c tools/sluicectl-show.h \
	tools/sluicectl-spec.c tools/sluicectl-spec.h \
	tools/sluicectl-sse.c tools/sluicectl-sse.h
tools_sluicectl_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) \
	$(LIBEVENT_OPENSSL_CFLAGS) $(OPENSSL_CFLAGS) $(JANSSON_CFLAGS)
tools_sluicectl_LDADD = ofproto/libofproto.la $(LIBEVENT_OPENSSL_LIBS) \
	$(LIBEVENT_LIBS) $(OPENSSL_LIBS) $(JANSSON_LIBS)

# pki
# sluice-pki: the deployment's certificates with openssl(1) (a shell
# script; @sysconfdir@ and @VERSION@ substituted at make time so that
# `make install prefix=...` and distcheck get the right default directory).
bin_SCRIPTS = tools/sluice-pki
EXTRA_DIST += tools/sluice-pki.in
CLEANFILES += tools/sluice-pki
tools/sluice-pki: $(srcdir)/tools/sluice-pki.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tools && \
	sed -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    -e 's|@VERSION[@]|$(VERSION)|g' $(srcdir)/tools/sluice-pki.in \
	    >$@.tmp && chmod +x $@.tmp && mv $@.tmp $@
