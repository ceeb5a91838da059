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
