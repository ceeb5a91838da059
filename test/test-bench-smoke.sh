#!/bin/sh
# test-bench-smoke: a short run of each sluice-bench mode against the real
# daemon, checking that responses arrive and that the reports are well
# formed (never speed: timing belongs to `make bench`).  Then the ways a
# run fails: no controller, a controller that goes away, bad usage.
#
#   throughput, latency  sluice with l2_learning
#   connect              sluice; memory read from /proc/PID/status
#   fabric               sluice with test/plugins/lldp_probe (the stand-in
#                        for LLDP discovery): every link of a ring carries
#                        LLDP and the plugin logs each directed link; then
#                        sluice's own discovery with --rest: the controller
#                        lists every link, and drops a failed one
#
# Run by `make check` (top_srcdir, top_builddir, SYSTEM_PYTHON set).
top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"

PY=${SYSTEM_PYTHON:-python3}
BENCH=$top_builddir/test/bench/sluice-bench
SLUICE=$top_builddir/controller/sluice
command -v "$PY" >/dev/null 2>&1 || skip_all "no python3"
[ -x "$BENCH" ] && [ -x "$SLUICE" ] || skip_all "sluice-bench or sluice not built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-bench-smoke.XXXXXX") || exit 1
pid=
stop_sluice() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        pid=
    fi
}
trap 'stop_sluice; rm -rf "$tmp"' EXIT

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_sluice APP APP_PATH [YAML]: sluice on a free port with one app (and
# the top-level YAML lines given).
start_sluice() {
    port=$(free_port)
    cat >"$tmp/sluice.yaml" <<EOF
openflow:
  listen: ["tcp:127.0.0.1:$port"]
  packet_in_rate: 100000000
rest:
  listen: "127.0.0.1:0"
log:
  level: info
apps:
  - name: $1
EOF
    if [ -n "$3" ]; then
        printf '%s\n' "$3" >>"$tmp/sluice.yaml"
    fi
    "$SLUICE" -c "$tmp/sluice.yaml" --app-path "$2" >"$tmp/sluice-$1.log" 2>&1 &
    pid=$!
    "$PY" - "$port" <<'EOF'
import socket, sys, time
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.02)
sys.exit(1)
EOF
}

# check NAME FILE PYTHON-EXPR...: the JSON in FILE satisfies every
# expression (j is the object); prints the first one that fails.
check() {
    name=$1 file=$2
    shift 2
    if why=$("$PY" - "$file" "$@" <<'EOF'
import json, sys
try:
    with open(sys.argv[1]) as f:
        j = json.load(f)
except ValueError as e:
    print("not one JSON object: %s" % e)
    sys.exit(1)
for expr in sys.argv[2:]:
    try:
        good = eval(expr, {}, {"j": j})
    except Exception as e:
        good, expr = False, "%s (%s)" % (expr, e)
    if not good:
        print("fails: %s" % expr)
        sys.exit(1)
EOF
    ); then
        ok "$name"
    else
        not_ok "$name" "$why"
    fi
}

apps=$top_builddir/apps/.libs
if start_sluice l2_learning "$apps"; then
    ok "sluice with l2_learning listens on 127.0.0.1:$port"
else
    not_ok "sluice with l2_learning listens" "$(tail -3 "$tmp"/sluice-*.log)"
fi
c=127.0.0.1:$port

"$BENCH" throughput --controller "$c" --switches 4 --threads 2 --loops 2 \
    --ms 200 --macs 1000 --json >"$tmp/t.json" 2>"$tmp/t.err"
echo "rc=$?" >>"$tmp/t.err"
check "throughput: responses arrive, min <= median <= max" "$tmp/t.json" \
    'j["mode"] == "throughput" and j["switches"] == 4 and j["loops"] == 2' \
    'j["responses_per_sec"]["median"] > 0' \
    'j["packet_ins_per_sec"]["median"] > 0' \
    'j["responses_per_sec"]["min"] <= j["responses_per_sec"]["median"] <= j["responses_per_sec"]["max"]' \
    'j["errors_received"] == 0'

"$BENCH" latency --controller "$c" --switches 4 --loops 2 --ms 200 \
    --json >"$tmp/l.json" 2>"$tmp/l.err"
check "latency: round trips measured, p50 <= p99 <= max" "$tmp/l.json" \
    'j["mode"] == "latency" and j["rtt_us"]["samples"] > 0' \
    '0 < j["rtt_us"]["p50"] <= j["rtt_us"]["p99"] <= j["rtt_us"]["max"]' \
    'j["responses_per_sec"]["median"] > 0' 'j["lost"] == 0'

"$BENCH" latency --controller "$c" --switches 2 --loops 1 --ms 200 \
    --no-buffer --json >"$tmp/lb.json" 2>"$tmp/lb.err"
check "latency without buffer ids: PACKET_OUTs carry the frame back" \
    "$tmp/lb.json" 'j["buffered"] is False and j["rtt_us"]["samples"] > 0'

"$BENCH" connect --controller "$c" --switches 50 --loops 2 \
    --controller-pid "$pid" --json >"$tmp/c.json" 2>"$tmp/c.err"
check "connect: 50 switches ready twice, memory per switch read" \
    "$tmp/c.json" 'j["mode"] == "connect" and j["switches"] == 50' \
    'j["ready_ms"]["median"] > 0' 'j["rss_kib_before"] > 0' \
    'j["rss_kib_after"] > 0' 'isinstance(j["rss_bytes_per_switch"], float)'

out=$("$BENCH" throughput --controller "$c" --switches 2 --loops 1 \
    --ms 100 2>&1)
case $out in
*"responses/s: min"*) ok "text report of throughput" ;;
*) not_ok "text report of throughput" "$out" ;;
esac

# The controller goes away in the middle of a run.
"$BENCH" throughput --controller "$c" --switches 2 --loops 20 --ms 100 \
    >"$tmp/k.out" 2>"$tmp/k.err" &
bpid=$!
sleep 0.5
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
wait "$bpid"
rc=$?
if [ $rc = 1 ] && grep -q "closed the session" "$tmp/k.err"; then
    ok "a controller that goes away: exit 1, 'closed the session'"
else
    not_ok "a controller that goes away" "rc=$rc $(cat "$tmp/k.err")"
fi

# No controller at all.
"$BENCH" throughput --controller "$c" --switches 1 --loops 1 --ms 100 \
    >"$tmp/n.out" 2>"$tmp/n.err"
rc=$?
if [ $rc = 1 ] && grep -q "cannot connect to $c" "$tmp/n.err"; then
    ok "no controller: exit 1, 'cannot connect to $c'"
else
    not_ok "no controller" "rc=$rc $(cat "$tmp/n.err")"
fi

# Usage errors: exit 2 with a message naming the problem.
usage_case() {
    "$BENCH" "$@" >/dev/null 2>"$tmp/u.err"
    rc=$?
    if [ $rc = 2 ] && [ -s "$tmp/u.err" ]; then
        ok "usage error exits 2: $*"
    else
        not_ok "usage error exits 2: $*" "rc=$rc"
    fi
}
usage_case
usage_case sideways
usage_case throughput --switches 0
usage_case throughput --switches 12x
usage_case throughput --ports 1
usage_case throughput --controller nocolon
usage_case fabric
usage_case fabric --topo ring,2
usage_case fabric --topo file:/nonexistent/topo.txt

# Fabric: a ring of 4 with the LLDP probe plugin standing in for the
# topology module (which is off: it would keep LLDP from the apps).
if start_sluice lldp_probe "$top_builddir/test/plugins/.libs" \
    "topology: {enabled: false}"; then
    ok "sluice with lldp_probe listens"
else
    not_ok "sluice with lldp_probe listens" "$(tail -3 "$tmp/sluice-lldp_probe.log")"
fi
"$BENCH" fabric --controller "127.0.0.1:$port" --topo ring,4 --hosts 1 \
    --loops 1 --ms 100 --timeout 10 --json >"$tmp/f.json" 2>"$tmp/f.err"
check "fabric ring,4: every directed link carried LLDP" "$tmp/f.json" \
    'j["mode"] == "fabric" and j["switches"] == 4 and j["links"] == 4' \
    'j["discovery_ms"] is not None and j["discovery_ms"] >= 0' \
    'j["directed_links_seen"] == 8' 'j["lldp_delivered"] >= 8' \
    'j["lldp_to_edge"] >= 4'
sleep 0.3
n=$(grep -c "link 0000000000000" "$tmp/sluice-lldp_probe.log")
if [ "$n" = 8 ]; then
    ok "the controller saw the 8 directed links of the ring"
else
    not_ok "the controller saw the 8 directed links of the ring" \
        "$n link lines: $(grep link "$tmp/sluice-lldp_probe.log" | head -3)"
fi

"$BENCH" fabric --controller "127.0.0.1:$port" --topo linear,3 --hosts 0 \
    --loops 1 --ms 100 --fail-links 1 --timeout 10 --json >"$tmp/f2.json" \
    2>"$tmp/f2.err"
check "fabric linear,3 with a link taken down" "$tmp/f2.json" \
    'j["links"] == 2 and j["failed_links"] == 1' \
    'j["directed_links_seen"] == 4'
sleep 0.3
if grep -q "link down" "$tmp/sluice-lldp_probe.log"; then
    ok "the controller logged the PORT_STATUS of the failed link"
else
    not_ok "the controller logged the PORT_STATUS of the failed link" \
        "$(tail -3 "$tmp/sluice-lldp_probe.log")"
fi
stop_sluice

# Fabric against the topology service itself: sluice with its defaults
# (discovery on, lldp_interval 1 s) and a REST listener; sluice-bench
# polls /api/v1/topology/summary until the controller lists every
# directed link, then until the failed one is gone (both directions).
port=$(free_port)
rest_port=$(free_port)
cat >"$tmp/sluice-topo.yaml" <<EOF
openflow:
  listen: ["tcp:127.0.0.1:$port"]
rest:
  listen: "127.0.0.1:$rest_port"
log:
  level: info
apps:
  - name: l2_learning
EOF
"$SLUICE" -c "$tmp/sluice-topo.yaml" --app-path "$apps" \
    >"$tmp/sluice-topo.log" 2>&1 &
pid=$!
if "$PY" - "$port" "$rest_port" <<'EOF'
import socket, sys, time
deadline = time.monotonic() + 10
for port in sys.argv[1:]:
    while True:
        try:
            socket.create_connection(("127.0.0.1", int(port)), 0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(1)
            time.sleep(0.02)
EOF
then
    ok "sluice with discovery listens (OpenFlow and REST)"
else
    not_ok "sluice with discovery listens" "$(tail -3 "$tmp/sluice-topo.log")"
fi
"$BENCH" fabric --controller "127.0.0.1:$port" --topo tree,2,3 --hosts 1 \
    --loops 1 --ms 100 --fail-links 1 --timeout 20 \
    --rest "127.0.0.1:$rest_port" --controller-pid "$pid" \
    --json >"$tmp/ft.json" 2>"$tmp/ft.err"
echo "rc=$?" >>"$tmp/ft.err"
check "fabric tree,2,3 --rest: the controller lists every link" \
    "$tmp/ft.json" \
    'j["mode"] == "fabric" and j["switches"] == 4 and j["links"] == 3' \
    'j["rest"] == "127.0.0.1:'"$rest_port"'"' \
    'j["controller_discovery_ms"] is not None' \
    'j["controller_discovery_ms"] >= 0' \
    'j["discovery_lldp_packet_outs"] >= 6' \
    'j["rest_polls"] >= 1'
check "fabric tree,2,3 --rest: a failed link leaves the controller" \
    "$tmp/ft.json" \
    'j["failed_links"] == 1 and j["controller_links_before_down"] == 6' \
    'j["controller_port_down_ms"] is not None' \
    'j["controller_links"] == 4'
check "fabric --controller-pid: the controller's CPU time read" \
    "$tmp/ft.json" \
    'j["controller_cpu_ms"]["to_ready"] >= 0' \
    'j["controller_cpu_ms"]["discovery"] >= 0' \
    'j["controller_cpu_pct_steady"] >= 0'
if grep -q "^rc=0$" "$tmp/ft.err"; then
    ok "fabric --rest exits 0"
else
    not_ok "fabric --rest exits 0" "$(cat "$tmp/ft.err")"
fi

# --rest where nothing answers: exit 1 before any switch connects.
"$BENCH" fabric --controller "127.0.0.1:$port" --topo ring,3 \
    --rest "127.0.0.1:$(free_port)" >/dev/null 2>"$tmp/fr.err"
rc=$?
if [ $rc = 1 ] && grep -q "topology/summary" "$tmp/fr.err"; then
    ok "fabric --rest with no REST API: exit 1, naming the URL"
else
    not_ok "fabric --rest with no REST API" "rc=$rc $(cat "$tmp/fr.err")"
fi
stop_sluice
usage_case fabric --topo ring,3 --rest nocolon
usage_case throughput --rest 127.0.0.1:8080
tap_done
