# tools: sluice-ofp, the codec on the command line.
bin_PROGRAMS += tools/sluice-ofp
tools_sluice_ofp_SOURCES = tools/sluice-ofp.c
tools_sluice_ofp_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tools_sluice_ofp_LDADD = ofproto/libofproto.la $(JANSSON_LIBS)
