#!/bin/sh
# run.sh TARGET SECONDS: runs one libFuzzer target of the build directory
# (the current directory) for SECONDS, seeded from ../shared/corpus.
#
#   TARGET   fuzz-ofp-msg, fuzz-packet, fuzz-config, fuzz-json-flow,
#            fuzz-lldp-probe, fuzz-app-json or fuzz-rest
#            (`make fuzz-build`)
#   SECONDS  -max_total_time (default 60)
#
# The working corpus is test/fuzz/corpus-TARGET/ in the build directory: it
# is seeded from the shared corpus (OpenFlow messages for fuzz-ofp-msg; the
# Ethernet frames inside PACKET_INs, PACKET_OUTs and pcap files for
# fuzz-packet; Ryu's ofctl JSON for fuzz-json-flow, as the files are and
# unwrapped into the request bodies the REST API parses; Ryu's JSON
# forms up to 16 KB and a few app REST bodies for fuzz-app-json; for
# fuzz-rest, requests: the README's REST examples and every route's shape,
# written here, and Ryu's ofctl_rest requests and message bodies from the
# corpus, converted with python3 when there is one) and keeps what
# libFuzzer adds, so runs build on each other.
# The full log is test/fuzz/TARGET.log.  Prints the execs and coverage
# lines; exits non-zero on a crash, leak or timeout, whose input libFuzzer
# keeps as test/fuzz/crash-* (leak-*, timeout-*).
#
# Environment: SLUICE_CORPUS (default $top_srcdir/../shared/corpus),
# top_srcdir (default: two levels above this script), FUZZ_ARGS (more
# libFuzzer options).
set -u

target=${1:?usage: run.sh TARGET SECONDS}
seconds=${2:-60}
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
corpus=${SLUICE_CORPUS:-$srcdir/../shared/corpus}
bin=test/fuzz/$target
dir=test/fuzz/corpus-$target
log=test/fuzz/$target.log

if [ ! -x "$bin" ]; then
    echo "run.sh: $bin is not built (run: make fuzz-build)" >&2
    exit 2
fi
mkdir -p "$dir" || exit 2

# u8 FILE OFS / u16 FILE OFS / u32le FILE OFS: numbers from a file.
u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' \n'; }
u16() { od -An -tu1 -j "$2" -N2 "$1" | awk '{ print $1 * 256 + $2 }'; }
u32le() {
    od -An -tu1 -j "$2" -N4 "$1" |
        awk '{ printf "%.0f\n", $1 + $2 * 256 + $3 * 65536 + $4 * 16777216 }'
}

# seed FILE NAME: copies FILE into the working corpus once.
seed() {
    [ -e "$dir/$2" ] || cat "$1" > "$dir/$2"
}

# slice FILE OFS LEN NAME: seeds LEN bytes of FILE from OFS.
slice() {
    [ -e "$dir/$4" ] || tail -c +"$(($2 + 1))" "$1" | head -c "$3" > "$dir/$4"
}

# frame_of_msg FILE NAME: seeds the packet data of an OpenFlow 1.3
# PACKET_IN or PACKET_OUT.
frame_of_msg() {
    size=$(wc -c < "$1")
    [ "$size" -ge 24 ] && [ "$(u8 "$1" 0)" = 4 ] || return 0
    len=$(u16 "$1" 2)
    [ "$len" -le "$size" ] || return 0
    case $(u8 "$1" 1) in
    10) ofs=$((24 + ($(u16 "$1" 26) + 7) / 8 * 8 + 2)) ;;
    13) ofs=$((24 + $(u16 "$1" 16))) ;;
    *) return 0 ;;
    esac
    [ "$ofs" -lt "$len" ] && slice "$1" "$ofs" $((len - ofs)) "$2"
}

# frames_of_pcap FILE NAME: seeds each frame of a little-endian pcap file.
frames_of_pcap() {
    [ "$(u32le "$1" 0)" = 2712847316 ] || return 0     # 0xa1b2c3d4
    size=$(wc -c < "$1")
    ofs=24
    i=0
    while [ $((ofs + 16)) -le "$size" ] && [ "$i" -lt 64 ]; do
        caplen=$(u32le "$1" $((ofs + 8)))
        [ $((ofs + 16 + caplen)) -le "$size" ] || break
        slice "$1" $((ofs + 16)) "$caplen" "$2-$i"
        ofs=$((ofs + 16 + caplen))
        i=$((i + 1))
    done
}

# hex2bin HEX NAME: seeds the bytes spelt by HEX (spaces ignored).
hex2bin() {
    [ -e "$dir/$2" ] && return 0
    # shellcheck disable=SC2059
    printf "$(echo "$1" | tr -d ' ' | fold -w2 | awk '
        { printf "\\%03o", index("0123456789abcdef", substr($1, 1, 1)) * 16 \
              + index("0123456789abcdef", substr($1, 2, 1)) - 17 }')" \
        > "$dir/$2"
}

# A few frames of the kinds the packet parser knows, for fuzz-packet.
seed_frames() {
    # 'read' without -r: a backslash at the end of a line continues it.
    # shellcheck disable=SC2162
    while read name hex; do
        hex2bin "$hex" "seed-frame-$name"
    done <<'EOF'
arp ffffffffffff 000000000001 0806 0001 0800 06 04 0001 000000000001 \
    0a000001 000000000000 0a000002
qinq-udp 000000000002 000000000001 88a8 0064 8100 00c8 0800 4500001c \
    00000000 40110000 0a000001 0a000002 0035 0035 0008 0000
nd-ns 3333ff000002 000000000001 86dd 60000000 0020 3a ff \
    fe800000000000000000000000000001 ff0200000000000000000001ff000002 87 \
    00 0000 00000000 fe800000000000000000000000000002 01 01 000000000001
ipv6-frag-tcp 000000000002 000000000001 86dd 60000000 0024 00 40 \
    20010db8000000000000000000000001 20010db8000000000000000000000002 2c \
    00 0104 00000000 06 00 0001 00000001 04d2 0050 00000001 00000000 5002 \
    2000 0000 0000
lldp 0180c200000e 000000000001 88cc 0207 04 000000000001 0402 07 31 0602 \
    0078 0a02 7331 fe0c 0026e1 00 0000000000000001 0000
icmp-options 000000000002 000000000001 0800 46000020 00014000 40010000 \
    0a000001 0a000002 01010100 08 00 0000 0001 0001
sctp 000000000002 000000000001 0800 45000020 00000000 40840000 0a000001 \
    0a000002 0050 0050 00000001 00000000
llc-snap 000000000002 000000000001 0026 aaaa03 000000 0800 45000014 \
    00000000 40ff0000 0a000001 0a000002
EOF
}

# JSON texts for fuzz-app-json: app REST bodies and the corners of the
# grammar, one per line.
seed_json() {
    n=0
    while IFS= read -r line; do
        [ -e "$dir/seed-json-$n" ] ||
            printf '%s' "$line" > "$dir/seed-json-$n"
        n=$((n + 1))
    done <<'EOF'
{"priority": 100, "eth_type": 2048, "ipv4_src": "10.0.0.0/8", "action": "deny"}
{"rules": [{"in_port": 1, "ip_proto": 6, "tcp_dst": 22, "action": "allow"}], "default": "deny"}
{"destination": "10.1.0.0/16", "gateway": "10.0.0.254", "dpid": "0000000000000001"}
{"address": "10.0.0.1/24", "vlan": 100, "port": 3, "mac": "00:00:00:00:00:01"}
["a\u00e9\ud83d\ude00\n\t\"\\\/", "\u0000", "€ 𝄞", ""]
[0, -0, 1.5e-7, -2E+300, 18446744073709551615, -9223372036854775808, 0.1]
{"a": {"b": {"c": [true, false, null, {}, []]}}, "a": 1, "": ""}
[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
EOF
}

# Configurations for fuzz-config: the documented shape of every section.
# Records are separated by lines holding only '%'.
seed_configs() {
    awk -v dir="$dir" 'BEGIN { n = 0; f = dir "/seed-config-0" }
        /^%$/ { close(f); n++; f = dir "/seed-config-" n; next }
        { print > f }' <<'EOF'
openflow:
  listen: ["tcp:0.0.0.0:6653", "ssl:[::]:6654"]
  tls:
    certificate: /etc/sluice/controller.crt
    private_key: /etc/sluice/controller.key
    ca_certificate: /etc/sluice/ca.crt
    verify_peer: true
    pin: {"0x0000000000000001": "sha256:00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15:16:17:18:19:1a:1b:1c:1d:1e:1f"}
  echo_interval: 5
  echo_misses: 3
  packet_in_rate: 1000
  delete_foreign_flows: false
rest:
  listen: "127.0.0.1:8080"
  token: null
topology:
  lldp_interval: 1.0
  link_timeout: 3.0
  lldp_key: null
log:
  level: {default: info, datapath: debug}
  syslog: false
apps:
  - name: l2_learning
  - name: acl
    config: {default: allow, rules: [{eth_type: 0x800, action: deny}]}
%
log:
  level: debug
apps: []
%
openflow: {listen: ["tcp:[::1]:6653"], echo_interval: 0.5}
apps:
  - name: hub
    config:
      priority: 1
      list: [a, "b c", {k: [1, 2.5, ~, true]}]
EOF
}

# Requests for fuzz-rest, in its framing ("METHOD TARGET", header lines,
# an empty line, the body): the README's REST examples and a request of
# every route's shape.  Records are separated by lines holding only '%'.
# Writes carry the target's token, "fuzz-token".
seed_rest() {
    awk -v dir="$dir" 'BEGIN { n = 0; f = dir "/seed-rest-0" }
        /^%$/ { close(f); n++; f = dir "/seed-rest-" n; next }
        { print > f }' <<'EOF'
GET /stats/switches
%
GET /stats/flow/1
%
POST /stats/flowentry/add
Authorization: Bearer fuzz-token
Content-Type: application/json

{"dpid": 1, "table_id": 0, "priority": 100, "match": {"in_port": 1, "eth_type": 2048, "ipv4_dst": "10.0.0.2"}, "actions": [{"type": "OUTPUT", "port": 2}]}
%
POST /stats/flowentry/add
Authorization: Bearer fuzz-token
X-Fuzz-Switch: refuse

{"dpid": 1, "table_id": 3, "priority": 7, "cookie": 5, "idle_timeout": 30, "flags": 1, "match": {"eth_dst": "00:00:00:00:00:02", "vlan_vid": 3}, "actions": [{"type": "OUTPUT", "port": "CONTROLLER", "max_len": 128}]}
%
POST /stats/flowentry/modify_strict
Authorization: Bearer fuzz-token

{"dpid": "0x1", "table_id": 3, "priority": 0, "actions": [{"type": "GOTO_TABLE", "table_id": 4}]}
%
POST /stats/flowentry/delete_strict
Authorization: Bearer fuzz-token

{"dpid": 1, "table_id": 0, "priority": 100, "match": {"in_port": 1, "eth_type": 2048, "ipv4_dst": "10.0.0.2"}}
%
POST /stats/flowentry/delete
Authorization: Bearer fuzz-token
X-Fuzz-Switch: hold

{"dpid": 1, "table_id": 255, "out_port": 2, "cookie": 1, "cookie_mask": 255}
%
POST /stats/flowentry/modify
Authorization: Bearer fuzz-token

{"dpid": 1, "match": {"ipv6_src": "2001:db8::/32", "eth_type": 34525}, "instructions": [{"type": "APPLY_ACTIONS", "actions": [{"type": "DEC_NW_TTL"}]}]}
%
DELETE /stats/flowentry/clear/0x1
Authorization: Bearer fuzz-token
%
POST /stats/groupentry/add
Authorization: Bearer fuzz-token
X-Fuzz-Switch: refuse

{"dpid": 1, "type": "SELECT", "group_id": 7, "buckets": [{"weight": 10, "actions": [{"type": "OUTPUT", "port": 1}]}]}
%
POST /stats/meterentry/modify
Authorization: Bearer fuzz-token

{"dpid": 1, "flags": "KBPS", "meter_id": 1, "bands": [{"type": "DROP", "rate": 1000}]}
%
POST /stats/portdesc/modify
Authorization: Bearer fuzz-token

{"dpid": 1, "port_no": 2, "config": 1, "mask": 1}
%
POST /stats/role
Authorization: Bearer fuzz-token
X-Fuzz-Switch: refuse

{"dpid": 1, "role": "OFPCR_ROLE_MASTER", "generation_id": 3}
%
POST /stats/experimenter/1
Authorization: Bearer fuzz-token

{"experimenter": 8992, "exp_type": 1, "data": "AAEC", "data_type": "base64"}
%
POST /stats/flow/1
Authorization: Bearer fuzz-token

{"table_id": 0, "priority": 5, "cookie": 1, "cookie_mask": 1, "out_port": "ANY", "match": {"tcp_dst": 80, "ip_proto": 6, "eth_type": 2048}}
%
POST /stats/aggregateflow/0b1
Authorization: Bearer fuzz-token

{"out_group": "ALL", "match": {"arp_op": 1, "eth_type": 2054}}
%
GET /stats/portdesc/1/LOCAL
%
GET /stats/port/1/ALL
%
GET /stats/queue/1/ALL/0x1
%
GET /stats/queueconfig/1/2
%
GET /stats/groupdesc/1/ALL
%
GET /stats/meter/0o1/ALL
%
GET /stats/meterconfig/1/CONTROLLER
%
GET /stats/tablefeatures/1
%
GET /stats/role/1
%
HEAD /stats/desc/1
%
OPTIONS /stats/flow/1
%
GET /api/v1/health
%
GET /api/v1/switches
%
GET /api/v1/switches/0000000000000001
%
GET /api/v1/switches/0x1
%
GET /api/v1/apps
%
GET /metrics
%
GET /api/v1/events
%
HEAD /api/v1/events
%
GET /v1.0/topology/switches
%
GET /v1.0/topology/switches/0000000000000001
%
GET /v1.0/topology/links/1
%
GET /v1.0/topology/hosts
%
GET /api/v1/topology
%
GET /api/v1/topology/summary
%
GET /api/v1/paths/1/0x1?metric=latency
%
GET /api/v1/paths/02:00:00:00:00:01/10.0.1.2?metric=hops&x=%41+b
%
GET /api/v1/apps/l2_learning
%
GET /api/v1/apps/l2_learning/macs
%
GET /api/v1/apps/l2_learning/vlans
%
POST /api/v1/apps/acl/rules
Authorization: Bearer fuzz-token

{"tcp_dst": 5001, "action": "deny"}
%
POST /api/v1/apps/acl/rules
Authorization: Bearer fuzz-token

{"name": "web", "in_port": 1, "eth_type": 2048, "ipv4_src": "10.0.0.0/8", "ip_proto": 6, "tcp_dst": 80, "action": "allow"}
%
GET /api/v1/apps/acl/rules/1
%
DELETE /api/v1/apps/acl/rules/2
Authorization: Bearer fuzz-token
%
PUT /api/v1/apps/acl/default
Authorization: Bearer fuzz-token

{"default": "deny"}
%
GET /api/v1/apps/l3_routing/interfaces/net1
%
POST /api/v1/apps/l3_routing/interfaces
Authorization: Bearer fuzz-token

{"name": "net3", "ports": ["1:3"], "ipv4": "10.0.4.1/24", "ipv6": "2001:db8:4::1/64"}
%
DELETE /api/v1/apps/l3_routing/interfaces/net2
Authorization: Bearer fuzz-token
%
POST /api/v1/apps/l3_routing/routes
Authorization: Bearer fuzz-token

{"prefix": "10.1.0.0/16", "next_hop": "10.0.1.254"}
%
GET /api/v1/apps/l3_routing/routes/1
%
DELETE /api/v1/apps/l3_routing/routes/4
Authorization: Bearer fuzz-token
%
GET /api/v1/apps/l3_routing/neighbors
%
GET /stats/%73witches/?a=1&a=2&b
%
GET http://127.0.0.1:8080/api/v1/health?x=%zz HTTP/1.1
Host: 127.0.0.1
%
POST /stats/flowentry/add
Authorization: Bearer not-the-token

{"dpid": 1}
EOF
    seed_ryu request
}

# seed_ryu FORM: Ryu's ofctl_rest requests (ofctl_rest_of13.json) and the
# message bodies of ofctl_json on the routes that take them, unwrapped
# from their "flow", "group" ... member and given "dpid": 1; FORM request:
# as fuzz-rest requests, body: the bodies alone.  Needs python3 (skipped
# without).
seed_ryu() {
    command -v python3 > /dev/null 2>&1 || return 0
    python3 - "$corpus/ryu-ofctl-of13" "$dir" "$1" <<'EOF'
import json
import os
import sys

src, out, form = sys.argv[1], sys.argv[2], sys.argv[3]


def seed(name, method, path, body=None):
    f = os.path.join(out, name)
    if os.path.exists(f) or (form == "body" and body is None):
        return
    if form == "body":
        text = json.dumps(body)
    else:
        text = "%s %s\n" % (method, path)
        if method != "GET":
            text += "Authorization: Bearer fuzz-token\n"
        if body is not None:
            text += "\n" + json.dumps(body)
    with open(f, "w") as fp:
        fp.write(text)


try:
    with open(os.path.join(src, "ofctl_rest_of13.json")) as fp:
        reqs = json.load(fp)
except (OSError, ValueError):
    reqs = []
for i, r in enumerate(reqs):
    seed("seed-ryu-%d" % i, r["method"], r["path"], r.get("body"))
routes = {"flow": ["/stats/flowentry/add", "/stats/flowentry/modify"],
          "group": ["/stats/groupentry/add"],
          "meter": ["/stats/meterentry/add"],
          "port_config": ["/stats/portdesc/modify"]}
jdir = os.path.join(src, "ofctl_json")
for fn in sorted(os.listdir(jdir)) if os.path.isdir(jdir) else []:
    try:
        with open(os.path.join(jdir, fn)) as fp:
            j = json.load(fp)
    except ValueError:
        continue
    if not isinstance(j, dict):
        continue
    if "stats_request" in fn and isinstance(j.get("flow"), dict):
        agg = "aggregate" in fn
        seed("seed-ofctl-" + fn, "POST",
             "/stats/%s/1" % ("aggregateflow" if agg else "flow"), j["flow"])
        continue
    for key, paths in routes.items():
        if isinstance(j.get(key), dict):
            for k, p in enumerate(paths):
                seed("seed-ofctl-%s-%d" % (fn, k), "POST", p,
                     dict(j[key], dpid=1))
    if isinstance(j.get("exp"), dict):
        seed("seed-ofctl-" + fn, "POST", "/stats/experimenter/1", j["exp"])
EOF
}

case $target in
fuzz-packet|fuzz-lldp-probe) seed_frames ;;
esac
if [ "$target" = fuzz-config ]; then
    seed_configs
elif [ "$target" = fuzz-rest ]; then
    seed_rest
elif [ "$target" = fuzz-app-json ]; then
    seed_json
    # Ryu's JSON forms of OpenFlow messages, but not the 400-600 KB
    # table-features ones.
    for f in "$corpus"/ryu-of13/json/*.json \
             "$corpus"/ryu-ofctl-of13/ofctl_json/*.json; do
        [ -f "$f" ] && [ "$(wc -c < "$f")" -le 16384 ] &&
            seed "$f" "seed-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
elif [ "$target" = fuzz-json-flow ]; then
    # Ryu's ofctl JSON: the files as they are, and unwrapped into the
    # bodies the REST API parses.
    for f in "$corpus"/ryu-ofctl-of13/ofctl_json/*.json; do
        [ -f "$f" ] && seed "$f" "seed-$(basename "$f")"
    done
    seed_ryu body
elif [ -d "$corpus" ]; then
    for f in "$corpus"/ryu-of13/packet_data/*.packet \
             "$corpus"/kytos-pyof-v0x04/*.dat \
             "$corpus"/loxigen-of13/bin/*.bin \
             "$corpus"/ryu-of13/pcap/*.payload.bin; do
        [ -f "$f" ] || continue
        src=$(basename "$(dirname "$f")")
        name=seed-$src-$(basename "$f")
        case $target in
        fuzz-packet|fuzz-lldp-probe) frame_of_msg "$f" "$name" ;;
        *) seed "$f" "$name" ;;
        esac
    done
    if [ "$target" = fuzz-packet ] || [ "$target" = fuzz-lldp-probe ]; then
        for f in "$corpus"/ryu-of13/pcap/*.pcap; do
            [ -f "$f" ] && frames_of_pcap "$f" "seed-pcap-$(basename "$f")"
        done
    fi
else
    echo "run.sh: no corpus at $corpus; starting from an empty corpus"
fi
echo "run.sh: $target for ${seconds}s, corpus $dir" \
    "($(ls "$dir" | wc -l) files)"

# shellcheck disable=SC2086
"$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix=test/fuzz/ ${FUZZ_ARGS:-} "$dir" > "$log" 2>&1
rc=$?

grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log"
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
    "$log"
if [ "$rc" -ne 0 ]; then
    echo "run.sh: $target FAILED (exit $rc); from $log:"
    grep -E 'ERROR: |SUMMARY: |^fuzz-|^    #[0-9]+ |Test unit written|^0x' \
        "$log" | head -40
    exit 1
fi
echo "run.sh: $target ok"
exit 0
