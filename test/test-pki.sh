#!/bin/sh
# test-pki: sluice-pki from the outside, as an operator runs it.
#
# - init makes a CA and a controller certificate that chain, with the
#   names asked for, server and client usage, keys no one else can read;
#   the openflow: section it prints is a configuration sluice accepts;
# - switch NAME makes a certificate that chains, for client use, and prints
#   the three ovs-vsctl lines with the files' real paths; --dpid adds a pin
#   sluice accepts, with the certificate's real fingerprint;
# - nothing is overwritten without --force; bad names, options and verbs
#   exit non-zero with a message naming the culprit.
# The real TLS session with Open vSwitch is the README walk's (e2e).

top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"

pki=$top_builddir/tools/sluice-pki
sluice=$top_builddir/controller/sluice
[ -x "$pki" ] || skip_all "$pki is not built"
command -v openssl >/dev/null 2>&1 || skip_all "openssl is not installed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pki-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
d=$tmp/pki

# check NAME COMMAND...: ok if COMMAND succeeds.
check() {
    name=$1
    shift
    if "$@" >"$tmp/out" 2>&1; then
        ok "$name"
    else
        not_ok "$name" "$(head -c 300 "$tmp/out" | tr '\n' ' ')"
    fi
}

# fails_with NAME PATTERN COMMAND...: ok if COMMAND exits non-zero and its
# stderr matches PATTERN (grep -E).
fails_with() {
    name=$1
    pattern=$2
    shift 2
    if "$@" >"$tmp/out" 2>"$tmp/err"; then
        not_ok "$name" "exit 0"
    elif grep -Eq -e "$pattern" "$tmp/err"; then
        ok "$name"
    else
        not_ok "$name" "stderr: $(head -c 300 "$tmp/err" | tr '\n' ' ')"
    fi
}

mode() {
    stat -c %a "$1"
}

# ---- help ----

check "--help exits 0" "$pki" --help
if grep -q 'sluice-pki(8)' "$tmp/out"; then
    ok "--help names sluice-pki(8)"
else
    not_ok "--help names sluice-pki(8)"
fi
fails_with "no verb: usage, exit 2" 'Usage: sluice-pki' "$pki"
fails_with "unknown verb named" "unknown verb 'frobnicate'" \
    "$pki" -d "$d" frobnicate
fails_with "unknown option named" "unknown option '--nope'" \
    "$pki" -d "$d" --nope init
fails_with "option without its value" '--controller needs a value' \
    "$pki" -d "$d" init --controller
fails_with "bad port refused" "--port '66x'" "$pki" -d "$d" --port 66x init
fails_with "port out of range refused" '--port 70000' \
    "$pki" -d "$d" --port 70000 init
fails_with "switch before init: names init" "run 'sluice-pki init'" \
    "$pki" -d "$d" switch br0

# ---- init ----

if "$pki" -d "$d" init --controller 192.0.2.10 --san ctl.example.org \
        >"$tmp/init.out" 2>"$tmp/init.err"; then
    ok "init exits 0"
else
    not_ok "init exits 0" "$(head -c 300 "$tmp/init.err")"
fi
all=1
for f in ca.key ca.crt controller.key controller.crt; do
    [ -s "$d/$f" ] || all=0
done
if [ $all -eq 1 ]; then
    ok "init made ca.key ca.crt controller.key controller.crt"
else
    not_ok "init made ca.key ca.crt controller.key controller.crt" \
        "$(ls "$d" | tr '\n' ' ')"
fi
if [ "$(mode "$d/ca.key")" = 600 ]; then
    ok "ca.key is 0600"
else
    not_ok "ca.key is 0600" "$(mode "$d/ca.key")"
fi
m=$(mode "$d/controller.key")
g=$(stat -c %G "$d/controller.key")
if [ "$m" = 600 ] || { [ "$m" = 640 ] && [ "$g" = sluice ]; }; then
    ok "controller.key is 0600 (or 0640 group sluice): $m $g"
else
    not_ok "controller.key is 0600 (or 0640 group sluice)" "$m $g"
fi
check "the controller certificate chains to the CA, for a server" \
    openssl verify -purpose sslserver -CAfile "$d/ca.crt" \
    "$d/controller.crt"
check "the controller certificate is also usable as a client" \
    openssl verify -purpose sslclient -CAfile "$d/ca.crt" \
    "$d/controller.crt"
openssl x509 -in "$d/controller.crt" -noout -ext subjectAltName \
    >"$tmp/san" 2>&1
if grep -q 'IP Address:192.0.2.10' "$tmp/san" \
        && grep -q 'DNS:ctl.example.org' "$tmp/san" \
        && grep -q 'IP Address:127.0.0.1' "$tmp/san"; then
    ok "the controller certificate names 192.0.2.10, ctl.example.org, 127.0.0.1"
else
    not_ok "the controller certificate's names" "$(tr '\n' ' ' <"$tmp/san")"
fi
if openssl x509 -in "$d/ca.crt" -noout -ext basicConstraints 2>&1 \
        | grep -q 'CA:TRUE'; then
    ok "the CA certificate is a CA"
else
    not_ok "the CA certificate is a CA"
fi

# The printed section, as a configuration file of its own.
grep -v '^#' "$tmp/init.out" >"$tmp/sluice.yaml"
chmod 600 "$tmp/sluice.yaml"
if grep -q "certificate: $d/controller.crt" "$tmp/sluice.yaml" \
        && grep -q 'listen: \["ssl:0.0.0.0:6653"\]' "$tmp/sluice.yaml"; then
    ok "init prints the openflow: section with the files' paths"
else
    not_ok "init prints the openflow: section" \
        "$(tr '\n' ' ' <"$tmp/sluice.yaml")"
fi
if [ -x "$sluice" ]; then
    check "sluice --check-config accepts the printed section" \
        "$sluice" --check-config "$tmp/sluice.yaml"
else
    not_ok "sluice --check-config accepts the printed section" \
        "$sluice is not built"
fi

fp_before=$(openssl x509 -in "$d/ca.crt" -noout -fingerprint -sha256)
fails_with "init again refuses, naming the file" 'ca.key exists.*--force' \
    "$pki" -d "$d" init
fp=$(openssl x509 -in "$d/ca.crt" -noout -fingerprint -sha256)
if [ "$fp" = "$fp_before" ]; then
    ok "a refused init left the CA as it was"
else
    not_ok "a refused init left the CA as it was"
fi

# ---- switch ----

if "$pki" -d "$d" switch s1 --bridge br-int --controller 192.0.2.10 \
        --port 6654 --dpid 0x00000000000000a1 \
        >"$tmp/sw.out" 2>"$tmp/sw.err"; then
    ok "switch s1 exits 0"
else
    not_ok "switch s1 exits 0" "$(head -c 300 "$tmp/sw.err")"
fi
if [ "$(mode "$d/switches/s1.key")" = 600 ]; then
    ok "switches/s1.key is 0600"
else
    not_ok "switches/s1.key is 0600" "$(mode "$d/switches/s1.key")"
fi
check "the switch certificate chains to the CA, for a client" \
    openssl verify -purpose sslclient -CAfile "$d/ca.crt" \
    "$d/switches/s1.crt"
want1="ovs-vsctl set-ssl $d/switches/s1.key $d/switches/s1.crt $d/ca.crt"
want2="ovs-vsctl set bridge br-int protocols=OpenFlow13 fail_mode=secure"
want3="ovs-vsctl set-controller br-int ssl:192.0.2.10:6654"
n=0
for w in "$want1" "$want2" "$want3"; do
    if grep -qxF "$w" "$tmp/sw.out"; then
        n=$((n + 1))
    fi
done
if [ $n -eq 3 ]; then
    ok "switch prints set-ssl, set bridge and set-controller lines"
else
    not_ok "switch prints the three ovs-vsctl lines" \
        "$(tr '\n' ' ' <"$tmp/sw.out")"
fi
fp=$(openssl x509 -in "$d/switches/s1.crt" -noout -fingerprint -sha256 \
    | sed 's/^.*=/sha256:/')
pin=$(sed -n 's/^#   //p' "$tmp/sw.out")
if [ "$pin" = "pin: {\"0x00000000000000a1\": \"$fp\"}" ]; then
    ok "--dpid prints a pin with the certificate's SHA-256 fingerprint"
else
    not_ok "--dpid prints the pin" "$pin"
fi
if [ -x "$sluice" ]; then
    printf '    %s\n' "$pin" >>"$tmp/sluice.yaml"
    check "sluice --check-config accepts the printed pin" \
        "$sluice" --check-config "$tmp/sluice.yaml"
fi
"$pki" -d "$d" switch v6 --controller 2001:db8::1 >"$tmp/v6.out" 2>&1
if grep -qxF 'ovs-vsctl set-controller v6 ssl:[2001:db8::1]:6653' \
        "$tmp/v6.out"; then
    ok "an IPv6 controller address is bracketed in set-controller"
else
    not_ok "IPv6 set-controller line" "$(tr '\n' ' ' <"$tmp/v6.out")"
fi
fails_with "switch s1 again refuses" 's1.key exists.*--force' \
    "$pki" -d "$d" switch s1
check "switch s1 --force replaces it" "$pki" -d "$d" --force switch s1
fails_with "a switch name with a space is refused" "switch name 'a b'" \
    "$pki" -d "$d" switch 'a b'
fails_with "a switch name with a slash is refused" "switch name '../x'" \
    "$pki" -d "$d" switch ../x
fails_with "a bad --dpid is refused" "--dpid '0xZZ'" \
    "$pki" -d "$d" switch s2 --dpid 0xZZ
[ ! -e "$d/switches/s2.key" ] && ok "a refused switch left no key" \
    || not_ok "a refused switch left no key"

# ---- list, --force init ----

check "list exits 0" "$pki" -d "$d" list
if grep -q '^ca.crt ' "$tmp/out" && grep -q '^controller.crt ' "$tmp/out" \
        && grep -q '^switches/s1.crt .*expires' "$tmp/out"; then
    ok "list shows the CA, the controller and s1 with expiry"
else
    not_ok "list" "$(tr '\n' ' ' <"$tmp/out")"
fi
check "init --force makes a new CA" "$pki" -d "$d" --force init
fp=$(openssl x509 -in "$d/ca.crt" -noout -fingerprint -sha256)
if [ "$fp" != "$fp_before" ]; then
    ok "the new CA differs from the old"
else
    not_ok "the new CA differs from the old"
fi

tap_done
