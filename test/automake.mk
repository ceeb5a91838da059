# test: one libcheck program per module (TAP), corpus and hostile-input
# tests, interop tests against os-ken and tshark, fuzz smoke runs.
TEST_CK_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(JANSSON_CFLAGS)
TEST_CK_LDADD = ofproto/libofproto.la $(CHECK_LIBS) $(JANSSON_LIBS)

CK_TESTS = \
	test/test-ofp-buf \
	test/test-ofp-match \
	test/test-ofp-actions \
	test/test-ofp-msgs \
	test/test-ofp-multipart \
	test/test-ofp-packet \
	test/test-ofp-json \
	test/test-ofp-json-parse \
	test/test-corpus \
	test/test-hostile \
	test/test-log \
	test/test-config \
	test/test-hmap \
	test/test-conn \
	test/test-datapath \
	test/test-xact \
	test/test-prom \
	test/test-flowprog \
	test/test-apphost \
	test/test-hotpath \
	test/test-rest-server \
	test/test-rest-api
check_PROGRAMS += $(CK_TESTS) test/interop-gen
noinst_HEADERS += test/test-util.h test/test-loop.h
TESTS += $(CK_TESTS) \
	test/test-osken.sh \
	test/test-tshark.sh \
	test/test-roundtrip-tool.sh \
	test/test-fuzz-smoke.sh \
	test/test-plugin-sdk.sh
dist_noinst_SCRIPTS += \
	test/test-osken.sh test/osken_interop.py \
	test/test-tshark.sh test/test-roundtrip-tool.sh \
	test/test-fuzz-smoke.sh test/test-plugin-sdk.sh test/tap.sh

test_test_ofp_buf_SOURCES = test/test-ofp-buf.c test/test-util.c
test_test_ofp_match_SOURCES = test/test-ofp-match.c test/test-util.c
test_test_ofp_actions_SOURCES = test/test-ofp-actions.c test/test-util.c
test_test_ofp_msgs_SOURCES = test/test-ofp-msgs.c test/test-util.c
test_test_ofp_multipart_SOURCES = test/test-ofp-multipart.c test/test-util.c
test_test_ofp_packet_SOURCES = test/test-ofp-packet.c test/test-util.c
test_test_ofp_json_SOURCES = test/test-ofp-json.c test/test-util.c \
	test/test-json.c test/test-json.h
test_test_ofp_json_parse_SOURCES = test/test-ofp-json-parse.c test/test-util.c
test_test_corpus_SOURCES = test/test-corpus.c test/test-util.c \
	test/test-json.c test/test-json.h
test_test_hostile_SOURCES = test/test-hostile.c test/test-util.c
test_interop_gen_SOURCES = test/interop-gen.c
test_interop_gen_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
test_interop_gen_LDADD = ofproto/libofproto.la $(JANSSON_LIBS)
test_test_ofp_buf_CFLAGS = $(TEST_CK_CFLAGS)
test_test_ofp_match_CFLAGS = $(TEST_CK_CFLAGS)
test_test_ofp_actions_CFLAGS = $(TEST_CK_CFLAGS)
test_test_ofp_msgs_CFLAGS = $(TEST_CK_CFLAGS)
test_test_ofp_multipart_CFLAGS = $(TEST_CK_CFLAGS)
test_test_ofp_packet_CFLAGS = $(TEST_CK_CFLAGS)
test_test_ofp_json_CFLAGS = $(TEST_CK_CFLAGS)
test_test_ofp_json_parse_CFLAGS = $(TEST_CK_CFLAGS)
test_test_corpus_CFLAGS = $(TEST_CK_CFLAGS)
test_test_hostile_CFLAGS = $(TEST_CK_CFLAGS)
test_test_ofp_buf_LDADD = $(TEST_CK_LDADD)
test_test_ofp_match_LDADD = $(TEST_CK_LDADD)
test_test_ofp_actions_LDADD = $(TEST_CK_LDADD)
test_test_ofp_msgs_LDADD = $(TEST_CK_LDADD)
test_test_ofp_multipart_LDADD = $(TEST_CK_LDADD)
test_test_ofp_packet_LDADD = $(TEST_CK_LDADD)
test_test_ofp_json_LDADD = $(TEST_CK_LDADD)
test_test_ofp_json_parse_LDADD = $(TEST_CK_LDADD)
test_test_corpus_LDADD = $(TEST_CK_LDADD)
test_test_hostile_LDADD = $(TEST_CK_LDADD)
test_test_log_SOURCES = test/test-log.c test/test-util.c
test_test_log_CFLAGS = $(TEST_CK_CFLAGS) $(LIBEVENT_CFLAGS)
test_test_log_LDADD = controller/libcontroller.la $(TEST_CK_LDADD)
test_test_config_SOURCES = test/test-config.c test/test-util.c
test_test_config_CFLAGS = $(TEST_CK_CFLAGS) $(YAML_CFLAGS)
test_test_config_LDADD = controller/libcontroller.la $(TEST_CK_LDADD)

# Controller services: each test links the whole service library.
TEST_CTL_CFLAGS = $(TEST_CK_CFLAGS) $(YAML_CFLAGS) $(LIBEVENT_CFLAGS) \
	$(OPENSSL_CFLAGS)
TEST_CTL_LDADD = topology/libtopology.la controller/libcontroller.la \
	$(TEST_CK_LDADD) $(LIBEVENT_OPENSSL_LIBS) $(LIBEVENT_LIBS) $(OPENSSL_LIBS)
test_test_prom_SOURCES = test/test-prom.c test/test-util.c
test_test_prom_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_prom_LDADD = $(TEST_CTL_LDADD)
test_test_hmap_SOURCES = test/test-hmap.c test/test-util.c
test_test_hmap_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_hmap_LDADD = $(TEST_CTL_LDADD)
test_test_conn_SOURCES = test/test-conn.c test/test-util.c \
	test/test-tls.c test/test-tls.h
test_test_conn_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_conn_LDADD = $(TEST_CTL_LDADD)
test_test_datapath_SOURCES = test/test-datapath.c test/test-util.c \
	test/test-tls.c test/test-tls.h \
	test/fake-switch.c test/fake-switch.h
test_test_datapath_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_datapath_LDADD = $(TEST_CTL_LDADD)
test_test_xact_SOURCES = test/test-xact.c test/test-util.c \
	test/fake-switch.c test/fake-switch.h
test_test_xact_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_xact_LDADD = $(TEST_CTL_LDADD)
test_test_flowprog_SOURCES = test/test-flowprog.c test/test-util.c
test_test_flowprog_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_flowprog_LDADD = $(TEST_CTL_LDADD)
# Counts allocations on the per-message path: our objects' malloc family
# is wrapped at link time, libevent's through event_set_mem_functions().
test_test_hotpath_SOURCES = test/test-hotpath.c test/test-util.c
test_test_hotpath_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_hotpath_LDADD = $(TEST_CTL_LDADD)
test_test_hotpath_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc \
	-Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=free
test_test_apphost_SOURCES = test/test-apphost.c test/test-util.c
test_test_apphost_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_apphost_LDADD = $(TEST_CTL_LDADD)
# The REST server: real HTTP(S) clients against it on 127.0.0.1.
test_test_rest_server_SOURCES = test/test-rest-server.c test/test-util.c \
	test/test-tls.c test/test-tls.h
test_test_rest_server_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_rest_server_LDADD = rest/librest.la $(TEST_CTL_LDADD)
# The API on a real controller: its wiring (the fixture of the REST tests).
TEST_API_SOURCES = test/test-api.c test/test-api.h \
	test/fake-switch.c test/fake-switch.h test/test-util.c \
	test/test-json.c test/test-json.h
test_test_rest_api_SOURCES = test/test-rest-api.c $(TEST_API_SOURCES) \
	test/test-tls.c test/test-tls.h
test_test_rest_api_CFLAGS = $(TEST_CTL_CFLAGS) $(JANSSON_CFLAGS)
test_test_rest_api_LDADD = rest/librest.la $(TEST_CTL_LDADD) $(JANSSON_LIBS)

# Plugins the app host's tests load: a good one, and one per way a plugin
# can be refused.  Modules need an -rpath to be shared; it is never used.
check_LTLIBRARIES = test/plugins/good.la test/plugins/bad_abi.la \
	test/plugins/bad_size.la test/plugins/no_symbol.la \
	test/plugins/fail_init.la
TEST_PLUGIN_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
test_plugins_good_la_SOURCES = test/plugins/good.c
test_plugins_good_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
test_plugins_good_la_LDFLAGS = $(AM_LDFLAGS) $(TEST_PLUGIN_LDFLAGS)
test_plugins_bad_abi_la_SOURCES = test/plugins/bad_abi.c
test_plugins_bad_abi_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
test_plugins_bad_abi_la_LDFLAGS = $(AM_LDFLAGS) $(TEST_PLUGIN_LDFLAGS)
test_plugins_bad_size_la_SOURCES = test/plugins/bad_size.c
test_plugins_bad_size_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
test_plugins_bad_size_la_LDFLAGS = $(AM_LDFLAGS) $(TEST_PLUGIN_LDFLAGS)
test_plugins_no_symbol_la_SOURCES = test/plugins/no_symbol.c
test_plugins_no_symbol_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
test_plugins_no_symbol_la_LDFLAGS = $(AM_LDFLAGS) $(TEST_PLUGIN_LDFLAGS)
test_plugins_fail_init_la_SOURCES = test/plugins/fail_init.c
test_plugins_fail_init_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
test_plugins_fail_init_la_LDFLAGS = $(AM_LDFLAGS) $(TEST_PLUGIN_LDFLAGS)

# ---- benchmarks: make bench ----
noinst_PROGRAMS += test/bench/bench-ofproto
test_bench_bench_ofproto_SOURCES = test/bench/bench-ofproto.c
test_bench_bench_ofproto_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
test_bench_bench_ofproto_LDADD = ofproto/libofproto.la $(JANSSON_LIBS)
EXTRA_DIST += test/bench/README.md

# sluice-bench: the OpenFlow 1.3 switch emulator (installed).
bin_PROGRAMS += test/bench/sluice-bench
SB_SOURCES = \
	test/bench/sb.h test/bench/sb-switch.c \
	test/bench/sb-topo.c test/bench/sb-topo.h \
	test/bench/sb-stats.c test/bench/sb-stats.h
test_bench_sluice_bench_SOURCES = test/bench/sluice-bench.c $(SB_SOURCES)
test_bench_sluice_bench_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) \
	$(JANSSON_CFLAGS) $(YAML_CFLAGS) -pthread
test_bench_sluice_bench_LDADD = ofproto/libofproto.la $(LIBEVENT_LIBS) \
	$(JANSSON_LIBS) $(YAML_LIBS) -lpthread

# The zero-work ceiling: answers every PACKET_IN with a prebuilt FLOW_MOD.
noinst_PROGRAMS += test/bench/sluice-ceiling
test_bench_sluice_ceiling_SOURCES = test/bench/sluice-ceiling.c

# The emulator's pieces, unit-tested.
CK_TESTS += test/test-bench-topo test/test-bench-emu
test_test_bench_topo_SOURCES = test/test-bench-topo.c test/test-util.c \
	test/bench/sb-topo.c test/bench/sb-topo.h \
	test/bench/sb-stats.c test/bench/sb-stats.h
test_test_bench_topo_CFLAGS = $(TEST_CK_CFLAGS) $(YAML_CFLAGS)
test_test_bench_topo_LDADD = $(TEST_CK_LDADD) $(YAML_LIBS)
test_test_bench_emu_SOURCES = test/test-bench-emu.c test/test-util.c \
	$(SB_SOURCES)
test_test_bench_emu_CFLAGS = $(TEST_CK_CFLAGS) $(LIBEVENT_CFLAGS) \
	$(YAML_CFLAGS) -pthread
test_test_bench_emu_LDADD = $(TEST_CK_LDADD) $(LIBEVENT_LIBS) \
	$(YAML_LIBS) -lpthread

# Plugins for the benchmarks and the emulator's smoke test.
check_LTLIBRARIES += test/bench/flowpush.la test/plugins/lldp_probe.la
test_bench_flowpush_la_SOURCES = test/bench/flowpush.c
test_bench_flowpush_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
test_bench_flowpush_la_LDFLAGS = $(AM_LDFLAGS) $(TEST_PLUGIN_LDFLAGS)
test_plugins_lldp_probe_la_SOURCES = test/plugins/lldp_probe.c
test_plugins_lldp_probe_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
test_plugins_lldp_probe_la_LDFLAGS = $(AM_LDFLAGS) $(TEST_PLUGIN_LDFLAGS)

TESTS += test/test-bench-smoke.sh
dist_noinst_SCRIPTS += test/test-bench-smoke.sh test/bench/run-bench.py \
	test/bench/osken_l2.py test/bench/flowpush.py test/bench/rest_load.py \
	test/bench/dataplane.py test/bench/pair.py

# make bench: the codec micro-benchmark, then the side-by-side run
# (Sluice, os-ken, the ceiling; flow push into OVS needs root).
bench: test/bench/bench-ofproto test/bench/sluice-bench \
		test/bench/sluice-ceiling test/bench/flowpush.la \
		controller/sluice $(apps_LTLIBRARIES)
	$(top_builddir)/test/bench/bench-ofproto $(BENCH_ARGS)
	$(SYSTEM_PYTHON) $(top_srcdir)/test/bench/run-bench.py \
	    --builddir $(top_builddir) --srcdir $(top_srcdir) $(RUN_BENCH_ARGS)
	@if [ "$$(id -u)" -eq 0 ]; then \
	    $(SYSTEM_PYTHON) $(top_srcdir)/test/bench/rest_load.py \
	        --builddir $(top_builddir) $(REST_LOAD_ARGS); \
	    $(SYSTEM_PYTHON) $(top_srcdir)/test/bench/dataplane.py \
	        --builddir $(top_builddir) $(DATAPLANE_ARGS); \
	else \
	    echo "bench: the REST load and data-plane runs need root" \
	        "(Mininet): skipped"; \
	fi
.PHONY: bench

# ---- fuzzing: make fuzz (libFuzzer, clang, ASan+UBSan) ----
FUZZ_TARGETS = fuzz-ofp-msg fuzz-packet fuzz-config fuzz-json-flow
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I$(top_srcdir) -I$(top_builddir) \
	-I$(top_srcdir)/include $(JANSSON_CFLAGS)
FUZZ_CODEC_FILES = $(filter %.c,$(ofproto_libofproto_la_SOURCES))
FUZZ_CODEC_HDRS = $(filter %.h,$(ofproto_libofproto_la_SOURCES))
EXTRA_DIST += test/fuzz/fuzz-ofp-msg.c test/fuzz/fuzz-packet.c \
	test/fuzz/fuzz-config.c test/fuzz/fuzz-json-flow.c test/fuzz/README.md
# test/test-fuzz-smoke.sh builds the targets with the clang found here.
AM_TESTS_ENVIRONMENT += CLANG='$(CLANG)'; export CLANG;

test/fuzz/fuzz-%: $(top_srcdir)/test/fuzz/fuzz-%.c \
		$(FUZZ_CODEC_FILES:%=$(top_srcdir)/%) \
		$(FUZZ_CODEC_HDRS:%=$(top_srcdir)/%) config.h
	@test -n "$(CLANG)" || { \
	    echo "make fuzz: no clang (configure CLANG=/path/to/clang)" >&2; \
	    exit 1; }
	@mkdir -p test/fuzz
	$(AM_V_CC)$(CLANG) $(FUZZ_CFLAGS) -o $@ $< \
	    $(FUZZ_CODEC_FILES:%=$(top_srcdir)/%) $(JANSSON_LIBS)

# The config loader's target links the loader, the logger and libyaml.
FUZZ_CONFIG_FILES = controller/config.c controller/log.c controller/util.c
test/fuzz/fuzz-config: $(top_srcdir)/test/fuzz/fuzz-config.c \
		$(FUZZ_CONFIG_FILES:%=$(top_srcdir)/%) \
		$(top_srcdir)/controller/config.h $(top_srcdir)/controller/log.h \
		config.h
	@test -n "$(CLANG)" || { \
	    echo "make fuzz: no clang (configure CLANG=/path/to/clang)" >&2; \
	    exit 1; }
	@mkdir -p test/fuzz
	$(AM_V_CC)$(CLANG) $(FUZZ_CFLAGS) $(YAML_CFLAGS) $(LIBEVENT_CFLAGS) \
	    -o $@ $< $(FUZZ_CONFIG_FILES:%=$(top_srcdir)/%) $(YAML_LIBS) \
	    $(LIBEVENT_LIBS)

fuzz-build: $(FUZZ_TARGETS:%=test/fuzz/%)
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    $(SHELL) $(top_srcdir)/test/fuzz/run.sh $$t $(FUZZ_SECONDS) || exit 1; \
	done
CLEANFILES += $(FUZZ_TARGETS:%=test/fuzz/%)
EXTRA_DIST += test/fuzz/run.sh
.PHONY: fuzz fuzz-build

# The libcheck programs, for the sanitizer pass of quickstart.
print-ck-tests:
	@echo $(CK_TESTS)
.PHONY: print-ck-tests

# ---- valgrind: make check-valgrind ----
# Every libcheck program once more under memcheck, in one process
# (CK_FORK=no) so leaks are seen; one PASS/FAIL line each, logs and .trs
# files in valgrind/.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect
check-valgrind: $(CK_TESTS)
	@mkdir -p valgrind; fail=0; \
	for t in $(CK_TESTS); do \
	    n=$${t##*/}; \
	    if ($(AM_TESTS_ENVIRONMENT) CK_FORK=no; export CK_FORK; \
	        $(VALGRIND) $$t) >valgrind/$$n.log 2>&1; then r=PASS; \
	    else r=FAIL; fail=1; fi; \
	    echo "$$r: valgrind $$t"; \
	    echo ":test-result: $$r" >valgrind/$$n.trs; \
	done; test $$fail = 0
clean-valgrind:
	rm -rf valgrind
.PHONY: check-valgrind clean-valgrind

# What fuzz runs leave in the build tree: grown corpora, logs, findings.
clean-fuzz:
	rm -rf test/fuzz/corpus-* test/fuzz/*.log test/fuzz/crash-* \
	    test/fuzz/leak-* test/fuzz/timeout-* test/fuzz/oom-*
.PHONY: clean-fuzz
clean-local: clean-valgrind clean-fuzz

# openapi
# rest/openapi.yaml: its form, and the routes the real registration code
# adds, both ways.  The document is read from the source tree.
CK_TESTS += test/test-openapi
test_test_openapi_SOURCES = test/test-openapi.c test/test-util.c
test_test_openapi_CPPFLAGS = $(AM_CPPFLAGS) \
	-DOPENAPI_YAML='"$(abs_top_srcdir)/rest/openapi.yaml"'
test_test_openapi_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_openapi_LDADD = rest/librest.la $(TEST_CTL_LDADD) $(YAML_LIBS)

# rest-native
# The native API (/api/v1/..., /metrics, the event stream) on the test-api
# fixture, with a plugin that serves REST routes.
CK_TESTS += test/test-rest-native
test_test_rest_native_SOURCES = test/test-rest-native.c $(TEST_API_SOURCES)
test_test_rest_native_CFLAGS = $(TEST_CTL_CFLAGS) $(JANSSON_CFLAGS)
test_test_rest_native_LDADD = rest/librest.la $(TEST_CTL_LDADD) \
	$(JANSSON_LIBS)
check_LTLIBRARIES += test/plugins/rest-app.la
test_plugins_rest_app_la_SOURCES = test/plugins/rest-app.c
test_plugins_rest_app_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
test_plugins_rest_app_la_LDFLAGS = $(AM_LDFLAGS) $(TEST_PLUGIN_LDFLAGS)

# rest-ryu
# The Ryu-compatible /stats/... API against a real controller and fake
# switches; Ryu's shapes compared with the corpus (SLUICE_CORPUS).
CK_TESTS += test/test-rest-ryu
test_test_rest_ryu_SOURCES = test/test-rest-ryu.c $(TEST_API_SOURCES)
test_test_rest_ryu_CFLAGS = $(TEST_CTL_CFLAGS) $(JANSSON_CFLAGS)
test_test_rest_ryu_LDADD = rest/librest.la $(TEST_CTL_LDADD) $(JANSSON_LIBS)

# sluicectl
# The REST client runs as a child process against an in-process server;
# its SPEC, event-stream and output helpers are also linked in directly.
CK_TESTS += test/test-sluicectl
test_test_sluicectl_SOURCES = test/test-sluicectl.c test/test-util.c \
	test/test-tls.c test/test-tls.h \
	tools/sluicectl-spec.c tools/sluicectl-spec.h \
	tools/sluicectl-sse.c tools/sluicectl-sse.h \
	tools/sluicectl-show.c tools/sluicectl-show.h
test_test_sluicectl_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSLUICECTL_PATH='"$(abs_top_builddir)/tools/sluicectl$(EXEEXT)"'
test_test_sluicectl_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_sluicectl_LDADD = rest/librest.la $(TEST_CTL_LDADD)
EXTRA_test_test_sluicectl_DEPENDENCIES = tools/sluicectl$(EXEEXT)

# topo-lldp
# Signed LLDP probes: build/verify round trips, a byte-for-byte frame,
# forgeries, truncations, foreign LLDP; and a libFuzzer target for the
# verifier, which links topology/lldp.c and OpenSSL.
CK_TESTS += test/test-topo-lldp
test_test_topo_lldp_SOURCES = test/test-topo-lldp.c test/test-util.c \
	topology/lldp.c
test_test_topo_lldp_CFLAGS = $(TEST_CK_CFLAGS) $(OPENSSL_CFLAGS)
test_test_topo_lldp_LDADD = $(TEST_CK_LDADD) $(OPENSSL_LIBS)
FUZZ_TARGETS += fuzz-lldp-probe
EXTRA_DIST += test/fuzz/fuzz-lldp-probe.c
test/fuzz/fuzz-lldp-probe: $(top_srcdir)/test/fuzz/fuzz-lldp-probe.c \
		$(top_srcdir)/topology/lldp.c $(top_srcdir)/topology/lldp.h \
		$(FUZZ_CODEC_FILES:%=$(top_srcdir)/%) \
		$(FUZZ_CODEC_HDRS:%=$(top_srcdir)/%) config.h
	@test -n "$(CLANG)" || { \
	    echo "make fuzz: no clang (configure CLANG=/path/to/clang)" >&2; \
	    exit 1; }
	@mkdir -p test/fuzz
	$(AM_V_CC)$(CLANG) $(FUZZ_CFLAGS) $(OPENSSL_CFLAGS) -o $@ $< \
	    $(top_srcdir)/topology/lldp.c \
	    $(FUZZ_CODEC_FILES:%=$(top_srcdir)/%) $(OPENSSL_LIBS) $(JANSSON_LIBS)

# topo-graph
# topology/graph: hand-made graphs, then generated ones against brute-force
# references (Floyd-Warshall, a naive tie-break scan, union-find), and one
# of 1000 nodes and about 8000 arcs.
CK_TESTS += test/test-topo-graph
test_test_topo_graph_SOURCES = test/test-topo-graph.c test/test-util.c \
	topology/graph.c
test_test_topo_graph_CFLAGS = $(TEST_CK_CFLAGS)
test_test_topo_graph_LDADD = $(TEST_CK_LDADD)

# e2e-topo
# sluice-bench --rest: the HTTP client that polls the controller's topology
# summary (sb-rest), and its unit test (replies parsed, malformed ones
# refused, a throwaway server in a thread for the socket paths).
test_bench_sluice_bench_SOURCES += test/bench/sb-rest.c test/bench/sb-rest.h
CK_TESTS += test/test-bench-rest
test_test_bench_rest_SOURCES = test/test-bench-rest.c test/test-util.c \
	test/bench/sb-rest.c test/bench/sb-rest.h
test_test_bench_rest_CFLAGS = $(TEST_CK_CFLAGS) -pthread
test_test_bench_rest_LDADD = $(TEST_CK_LDADD) -lpthread

# rest-topo
# The topology over REST (Ryu's /v1.0/topology shapes, /api/v1/topology,
# /api/v1/paths), its events on the stream and its /metrics families, on
# the test-api fixture with the topology service and LLDP carried between
# fake switches.
CK_TESTS += test/test-rest-topo
test_test_rest_topo_SOURCES = test/test-rest-topo.c $(TEST_API_SOURCES)
test_test_rest_topo_CFLAGS = $(TEST_CTL_CFLAGS) $(JANSSON_CFLAGS)
test_test_rest_topo_LDADD = rest/librest.la topology/libtopology.la \
	$(TEST_CTL_LDADD) $(JANSSON_LIBS)

# topo-core
# The topology service core (topology/topo) on the test-api fixture: probes
# and the punt flow, links and their removal, forged and invalid LLDP, port
# roles, the flooding tree and paths, hosts (a random run against a
# reference), and l2_learning flooding on the tree.
CK_TESTS += test/test-topo
test_test_topo_SOURCES = test/test-topo.c $(TEST_API_SOURCES)
test_test_topo_CFLAGS = $(TEST_CTL_CFLAGS) $(JANSSON_CFLAGS)
test_test_topo_LDADD = rest/librest.la topology/libtopology.la \
	$(TEST_CTL_LDADD) $(JANSSON_LIBS)

# app-json
# apps/app-json.h, the apps' header-only JSON reader and writer: y_/n_
# cases, token layouts, lookups, escapes, integers, nesting, token
# exhaustion, the writer (realloc wrapped to fail on demand), round trips,
# jansson as a reference on mutated documents, the corpus' JSON files; and
# a libFuzzer target that needs nothing but the header.
noinst_HEADERS += apps/app-json.h
CK_TESTS += test/test-app-json
test_test_app_json_SOURCES = test/test-app-json.c test/test-util.c \
	apps/app-json.h
test_test_app_json_CFLAGS = $(TEST_CK_CFLAGS)
test_test_app_json_LDADD = $(CHECK_LIBS) $(JANSSON_LIBS)
test_test_app_json_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=realloc
FUZZ_TARGETS += fuzz-app-json
EXTRA_DIST += test/fuzz/fuzz-app-json.c
test/fuzz/fuzz-app-json: $(top_srcdir)/test/fuzz/fuzz-app-json.c \
		$(top_srcdir)/apps/app-json.h
	@test -n "$(CLANG)" || { \
	    echo "make fuzz: no clang (configure CLANG=/path/to/clang)" >&2; \
	    exit 1; }
	@mkdir -p test/fuzz
	$(AM_V_CC)$(CLANG) $(FUZZ_CFLAGS) -o $@ $<

# app-harness
# test/libapp-harness.la: the fake host the apps' unit tests run one app
# in (test/app-harness.h).  It links the codec, libcheck, libyaml and -ldl
# itself (they are in its .la), so an app's test program needs only:
#
#     CK_TESTS += test/test-app-X
#     test_test_app_X_SOURCES = test/test-app-X.c test/test-util.c
#     test_test_app_X_CFLAGS = $(TEST_CK_CFLAGS) $(YAML_CFLAGS)
#     test_test_app_X_LDADD = test/libapp-harness.la $(TEST_CK_LDADD)
#     EXTRA_test_test_app_X_DEPENDENCIES = apps/X.la
#
# and runs as "top_builddir=. ./test/test-app-X" (make check sets it).
check_LTLIBRARIES += test/libapp-harness.la
test_libapp_harness_la_SOURCES = test/app-harness.c test/app-harness.h \
	rest/route.c rest/route.h
test_libapp_harness_la_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(YAML_CFLAGS)
test_libapp_harness_la_LIBADD = ofproto/libofproto.la $(CHECK_LIBS) \
	$(YAML_LIBS) -ldl
# The harness's own tests: the probe plugin calls every host function,
# and the hub app runs in it.
CK_TESTS += test/test-app-harness
test_test_app_harness_SOURCES = test/test-app-harness.c test/test-util.c
test_test_app_harness_CFLAGS = $(TEST_CK_CFLAGS) $(YAML_CFLAGS)
test_test_app_harness_LDADD = test/libapp-harness.la $(TEST_CK_LDADD) -ldl
EXTRA_test_test_app_harness_DEPENDENCIES = apps/hub.la \
	test/plugins/harness_probe.la
check_LTLIBRARIES += test/plugins/harness_probe.la
test_plugins_harness_probe_la_SOURCES = test/plugins/harness_probe.c
test_plugins_harness_probe_la_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS)
test_plugins_harness_probe_la_LDFLAGS = $(AM_LDFLAGS) $(TEST_PLUGIN_LDFLAGS)

# app-l2
# apps/l2_learning in the fake host: config refusals, proactive forwarding
# traced over linear, tree and torus networks, moves, removals, failures,
# flooding on the spanning tree, VLAN classification and per-VLAN floods,
# reactive learning and aging, REST and metrics.
CK_TESTS += test/test-app-l2
test_test_app_l2_SOURCES = test/test-app-l2.c test/test-util.c
test_test_app_l2_CFLAGS = $(TEST_CK_CFLAGS) $(YAML_CFLAGS)
test_test_app_l2_LDADD = test/libapp-harness.la $(TEST_CK_LDADD)
EXTRA_test_test_app_l2_DEPENDENCIES = apps/l2_learning.la

# app-l3
# apps/l3_routing in the fake host: config refusals, control and route
# flows on every switch, traced routed frames, ARP/ND/echo answers parsed
# byte by byte, resolution with its queue, retries and give-up, static
# routes, VLAN interfaces, REST and metrics.
CK_TESTS += test/test-app-l3
test_test_app_l3_SOURCES = test/test-app-l3.c test/test-util.c
test_test_app_l3_CFLAGS = $(TEST_CK_CFLAGS) $(YAML_CFLAGS)
test_test_app_l3_LDADD = test/libapp-harness.la $(TEST_CK_LDADD)
EXTRA_test_test_app_l3_DEPENDENCIES = apps/l3_routing.la

# app-acl
# apps/acl in the app harness: every match field traced through the flows,
# order, default policy, prerequisites, every invalid rule from the config
# and from REST, insertion/deletion with renumbered priorities, the
# switches subset, counters from flow-stats replies, metrics, reloads.
CK_TESTS += test/test-app-acl
test_test_app_acl_SOURCES = test/test-app-acl.c test/test-util.c
test_test_app_acl_CFLAGS = $(TEST_CK_CFLAGS) $(YAML_CFLAGS)
test_test_app_acl_LDADD = test/libapp-harness.la $(TEST_CK_LDADD)
EXTRA_test_test_app_acl_DEPENDENCIES = apps/acl.la

# fuzz
# fuzz-rest: the REST API as far as it is ours -- rest/server.c's request
# path (path and query decoding, routing, the token), the Ryu, native,
# topology and app handlers -- driven in-process by rest_server_inject()
# against a controller with a fake switch and the acl, l3_routing and
# l2_learning apps, each built for the target (ASan, UBSan, coverage) in
# test/fuzz/apps/.  One clang command line, as for the other targets.
FUZZ_TARGETS += fuzz-rest
FUZZ_REST_INPUTS = $(ofproto_libofproto_la_SOURCES) \
	$(controller_libcontroller_la_SOURCES) \
	$(topology_libtopology_la_SOURCES) $(rest_librest_la_SOURCES)
FUZZ_REST_FILES = $(filter %.c,$(FUZZ_REST_INPUTS))
FUZZ_REST_HDRS = $(filter %.h,$(FUZZ_REST_INPUTS))
FUZZ_REST_APPS = acl l3_routing l2_learning
FUZZ_APP_HDRS = apps/app-json.h apps/app-util.h include/sluice/app.h \
	include/sluice/event.h include/sluice/flow.h include/sluice/ofp.h \
	include/sluice/topo.h
EXTRA_DIST += test/fuzz/fuzz-rest.c
test/fuzz/apps/%.so: $(top_srcdir)/apps/%.c \
		$(FUZZ_APP_HDRS:%=$(top_srcdir)/%) config.h
	@test -n "$(CLANG)" || { \
	    echo "make fuzz: no clang (configure CLANG=/path/to/clang)" >&2; \
	    exit 1; }
	@mkdir -p test/fuzz/apps
	$(AM_V_CC)$(CLANG) -g -O1 -fPIC -shared \
	    -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-sanitize-recover=undefined -I$(top_srcdir) -I$(top_builddir) \
	    -I$(top_srcdir)/include $(YAML_CFLAGS) -o $@ $<
test/fuzz/fuzz-rest: $(top_srcdir)/test/fuzz/fuzz-rest.c \
		$(FUZZ_REST_FILES:%=$(top_srcdir)/%) \
		$(FUZZ_REST_HDRS:%=$(top_srcdir)/%) config.h \
		$(FUZZ_REST_APPS:%=test/fuzz/apps/%.so)
	@test -n "$(CLANG)" || { \
	    echo "make fuzz: no clang (configure CLANG=/path/to/clang)" >&2; \
	    exit 1; }
	@mkdir -p test/fuzz
	$(AM_V_CC)$(CLANG) $(FUZZ_CFLAGS) -rdynamic \
	    -DSL_APPS_DIR='"$(pkglibdir)/apps"' $(YAML_CFLAGS) \
	    $(LIBEVENT_CFLAGS) $(LIBEVENT_OPENSSL_CFLAGS) $(OPENSSL_CFLAGS) \
	    -o $@ $< $(FUZZ_REST_FILES:%=$(top_srcdir)/%) $(YAML_LIBS) \
	    $(LIBEVENT_OPENSSL_LIBS) $(LIBEVENT_LIBS) $(OPENSSL_LIBS) \
	    $(JANSSON_LIBS) -ldl
CLEANFILES += $(FUZZ_REST_APPS:%=test/fuzz/apps/%.so)
# The targets, for test/test-fuzz-smoke.sh.
print-fuzz-targets:
	@echo $(FUZZ_TARGETS)
.PHONY: print-fuzz-targets

# pki
# test-pki: sluice-pki as an operator runs it (openssl, sluice --check-config).
TESTS += test/test-pki.sh
dist_noinst_SCRIPTS += test/test-pki.sh

# ui
# The topology page (rest/ui.c): routes, headers, ETag/304, HEAD, the /ui
# redirect, and every file served byte for byte as in rest/ui/ (read from
# the source tree).
CK_TESTS += test/test-rest-ui
test_test_rest_ui_SOURCES = test/test-rest-ui.c test/test-util.c
test_test_rest_ui_CPPFLAGS = $(AM_CPPFLAGS) \
	-DUI_SRCDIR='"$(abs_top_srcdir)/rest/ui"'
test_test_rest_ui_CFLAGS = $(TEST_CTL_CFLAGS)
test_test_rest_ui_LDADD = rest/librest.la $(TEST_CTL_LDADD)
# fuzz-rest compiles rest/ui.c, which includes the generated file.
test/fuzz/fuzz-rest: rest/ui-assets.inc

# docs
# The operator's documentation against the programs: sluice.yaml(5) against
# the parser both ways (sluice --list-config-keys, --check-config on each
# key's sample and on it misspelt), docs/sluice.yaml against the embedded
# defaults, sluice(8) and sluicectl(8) against --help, the error messages;
# and the apps' keys of sluice.yaml(5) against the apps (app harness).
TESTS += test/test-config-doc.sh
dist_noinst_SCRIPTS += test/test-config-doc.sh
CK_TESTS += test/test-config-doc-apps
test_test_config_doc_apps_SOURCES = test/test-config-doc-apps.c \
	test/test-util.c
test_test_config_doc_apps_CPPFLAGS = $(AM_CPPFLAGS) \
	-DDOC_TOP_SRCDIR='"$(abs_top_srcdir)"' \
	-DSHIPPED_APPS='"$(apps_LTLIBRARIES)"'
test_test_config_doc_apps_CFLAGS = $(TEST_CK_CFLAGS) $(YAML_CFLAGS)
test_test_config_doc_apps_LDADD = test/libapp-harness.la $(TEST_CK_LDADD)
EXTRA_test_test_config_doc_apps_DEPENDENCIES = $(apps_LTLIBRARIES)
