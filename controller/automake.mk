# controller: the daemon's services.  Built as a convenience library so the
# daemon (next) and the unit tests link the same objects.
noinst_LTLIBRARIES += controller/libcontroller.la
controller_libcontroller_la_SOURCES = \
	controller/log.c controller/log.h \
	controller/config.c controller/config.h
controller_libcontroller_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS) \
	$(LIBEVENT_CFLAGS)
controller_libcontroller_la_LIBADD = ofproto/libofproto.la $(YAML_LIBS) \
	$(LIBEVENT_LIBS)
