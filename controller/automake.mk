# controller: the daemon and its services.  The services are built as a
# convenience library so the daemon and the unit tests link the same
# objects.
noinst_LTLIBRARIES += controller/libcontroller.la
controller_libcontroller_la_SOURCES = \
	controller/list.h \
	controller/util.c controller/util.h \
	controller/hmap.c controller/hmap.h \
	controller/log.c controller/log.h \
	controller/config.c controller/config.h \
	controller/conn.c controller/conn.h \
	controller/datapath.c controller/datapath.h \
	controller/flowprog.c controller/flowprog.h \
	controller/xact.c controller/xact.h \
	controller/prom.c controller/prom.h \
	controller/apphost.c controller/apphost.h \
	controller/controller.c controller/controller.h
controller_libcontroller_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSL_APPS_DIR='"$(pkglibdir)/apps"'
controller_libcontroller_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS) \
	$(LIBEVENT_CFLAGS) $(LIBEVENT_OPENSSL_CFLAGS) $(OPENSSL_CFLAGS)
controller_libcontroller_la_LIBADD = ofproto/libofproto.la $(YAML_LIBS) \
	$(LIBEVENT_OPENSSL_LIBS) $(LIBEVENT_LIBS) $(OPENSSL_LIBS) -ldl

# The daemon.
sbin_PROGRAMS += controller/sluice
controller_sluice_SOURCES = controller/sluice.c
controller_sluice_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSL_SYSCONFDIR='"$(sysconfdir)"'
controller_sluice_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS) $(LIBEVENT_CFLAGS) \
	$(OPENSSL_CFLAGS) $(JANSSON_CFLAGS)
controller_sluice_LDADD = rest/librest.la topology/libtopology.la \
	controller/libcontroller.la
controller_sluice_LDFLAGS = $(AM_LDFLAGS) $(LTO_LDFLAGS)
