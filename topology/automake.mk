# topology: LLDP discovery, the link/port/host database, the graph (paths,
# spanning tree).  A convenience library above controller/ (whatever links
# it also links controller/libcontroller.la).
noinst_LTLIBRARIES += topology/libtopology.la
topology_libtopology_la_SOURCES = \
	topology/graph.c topology/graph.h \
	topology/lldp.c topology/lldp.h \
	topology/topo.c topology/topo.h
topology_libtopology_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS) \
	$(LIBEVENT_CFLAGS) $(OPENSSL_CFLAGS)
topology_libtopology_la_LIBADD = $(OPENSSL_LIBS)
