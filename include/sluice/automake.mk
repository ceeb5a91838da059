# include/sluice: the plugin ABI, installed for plugin authors, with the
# codec headers it refers to (under sluice/ofproto/) and a pkg-config file
# whose Cflags find both: `pkg-config --cflags sluice`.
pkginclude_HEADERS += \
	include/sluice/app.h \
	include/sluice/event.h \
	include/sluice/flow.h \
	include/sluice/ofp.h \
	include/sluice/topo.h
ofprotoincludedir = $(pkgincludedir)/ofproto
ofprotoinclude_HEADERS = \
	ofproto/openflow13.h ofproto/ofp-buf.h ofproto/ofp-errors.h \
	ofproto/ofp-match.h ofproto/ofp-actions.h ofproto/ofp-types.h \
	ofproto/ofp-msgs.h ofproto/ofp-multipart.h ofproto/ofp-packet.h
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = sluice.pc
DISTCLEANFILES += sluice.pc
EXTRA_DIST += sluice.pc.in
EXTRA_DIST += docs/plugins.md
