# rest: the northbound API's HTTP(S) server (evhttp, jansson), built as a
# convenience library.  It uses controller/log and controller/util, so
# whatever links it also links controller/libcontroller.la.
noinst_LTLIBRARIES += rest/librest.la
rest_librest_la_SOURCES = \
	rest/server.c rest/server.h rest/route.c rest/route.h \
	rest/api.c rest/api.h \
	rest/ryu.c rest/ryu.h rest/ryu-private.h rest/ryu-write.c \
	rest/native.c rest/native.h rest/native-private.h \
	rest/native-metrics.c rest/native-events.c \
	rest/topology.c rest/topology.h
rest_librest_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS) $(LIBEVENT_CFLAGS) \
	$(LIBEVENT_OPENSSL_CFLAGS) $(JANSSON_CFLAGS) $(OPENSSL_CFLAGS)
rest_librest_la_LIBADD = $(LIBEVENT_OPENSSL_LIBS) $(LIBEVENT_LIBS) \
	$(JANSSON_LIBS) $(OPENSSL_LIBS)

# openapi
# The API's description, installed beside the daemon's other data
# (test/test-openapi.c checks it against the registered routes).
openapidir = $(pkgdatadir)
dist_openapi_DATA = rest/openapi.yaml

# ui
# The live topology page, /ui/ (rest/ui.c): the files of rest/ui/ are
# compiled into the daemon by rest/ui-embed.sh (POSIX sh + od) as
# rest/ui-assets.inc in the build tree, which rest/ui.c includes.  A new
# file of the page is one more name in REST_UI_FILES.
REST_UI_FILES = rest/ui/index.html rest/ui/app.js rest/ui/style.css \
	rest/ui/favicon.svg
rest_librest_la_SOURCES += rest/ui.c rest/ui.h
EXTRA_DIST += rest/ui-embed.sh $(REST_UI_FILES)
# The README's picture of the page (a screenshot of e2e_ui.py's test).
EXTRA_DIST += docs/ui.png
rest/ui-assets.inc: $(top_srcdir)/rest/ui-embed.sh \
		$(REST_UI_FILES:%=$(top_srcdir)/%)
	@mkdir -p rest
	$(AM_V_GEN)$(SHELL) $(top_srcdir)/rest/ui-embed.sh \
	    $(top_srcdir)/rest/ui $(notdir $(REST_UI_FILES)) >$@.tmp && \
	    mv -f $@.tmp $@
# Made before rest/ui.c is compiled, and before the fuzz target that
# compiles it.
$(filter %-ui.lo,$(rest_librest_la_OBJECTS)): rest/ui-assets.inc
CLEANFILES += rest/ui-assets.inc rest/ui-assets.inc.tmp
