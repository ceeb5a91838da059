# ofproto: the OpenFlow 1.3 wire codec and packet parser.  No I/O, no
# libevent; linked into the daemon, the tools and the tests.
noinst_LTLIBRARIES += ofproto/libofproto.la
ofproto_libofproto_la_SOURCES = \
	ofproto/openflow13.h \
	ofproto/ofp-buf.c ofproto/ofp-buf.h \
	ofproto/ofp-errors.c ofproto/ofp-errors.h \
	ofproto/ofp-match.c ofproto/ofp-match.h \
	ofproto/ofp-actions.c ofproto/ofp-actions.h \
	ofproto/ofp-types.c ofproto/ofp-types.h \
	ofproto/ofp-multipart.c ofproto/ofp-multipart.h \
	ofproto/ofp-msgs.c ofproto/ofp-msgs.h \
	ofproto/ofp-packet.c ofproto/ofp-packet.h \
	ofproto/ofp-json.c ofproto/ofp-json.h \
	ofproto/ofp-json-parse.c
ofproto_libofproto_la_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
ofproto_libofproto_la_LIBADD = $(JANSSON_LIBS)
