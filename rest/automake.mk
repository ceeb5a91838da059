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
