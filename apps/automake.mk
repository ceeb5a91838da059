# apps: plugins, each one .c built as a libtool module exporting only
# 'sluice_app', installed in $(pkglibdir)/apps.  They use nothing of the
# daemon but the headers of include/sluice.
appsdir = $(pkglibdir)/apps
apps_LTLIBRARIES = apps/hub.la apps/l2_learning.la
APP_LDFLAGS = -module -avoid-version -shared \
	-export-symbols-regex '^sluice_app$$'
apps_hub_la_SOURCES = apps/hub.c
apps_hub_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
apps_hub_la_LDFLAGS = $(AM_LDFLAGS) $(APP_LDFLAGS)
apps_l2_learning_la_SOURCES = apps/l2_learning.c
apps_l2_learning_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
apps_l2_learning_la_LDFLAGS = $(AM_LDFLAGS) $(APP_LDFLAGS)

# app-acl
# apps/acl: ordered ACL rules installed in table "acl" (config and REST),
# counters from flow stats, metrics.
apps_LTLIBRARIES += apps/acl.la
apps_acl_la_SOURCES = apps/acl.c apps/app-json.h
apps_acl_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
apps_acl_la_LDFLAGS = $(AM_LDFLAGS) $(APP_LDFLAGS)

# app-l3
# l3_routing: the distributed IPv4/IPv6 router (table "l3"); JSON through
# the header-only apps/app-json.h.
apps_LTLIBRARIES += apps/l3_routing.la
apps_l3_routing_la_SOURCES = apps/l3_routing.c apps/app-json.h
apps_l3_routing_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
apps_l3_routing_la_LDFLAGS = $(AM_LDFLAGS) $(APP_LDFLAGS)
noinst_HEADERS += apps/app-util.h
