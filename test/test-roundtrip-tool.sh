#!/bin/sh
# test-roundtrip-tool: sluice-ofp from the outside, as a user runs it.
#
# - roundtrip on every OpenFlow 1.3 file of the corpus: one "OK <file>" line
#   per file, exit 0;
# - decode of every such file: one valid JSON document per message;
# - decode of a hand-made PACKET_IN in hex: JSON that python3 -m json.tool
#   and jq accept, of type PACKET_IN, with the values we put in;
# - errors: garbage hex exits 1 with an error line; a corrupted, truncated or
#   empty copy makes roundtrip print FAIL and exit non-zero; no arguments,
#   an unknown command or option exit 2.
# The corpus parts are skipped (TAP skip) when ../shared/corpus is absent.

top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"

tool=$top_builddir/tools/sluice-ofp
corpus=${SLUICE_CORPUS:-$top_srcdir/../shared/corpus}
[ -x "$tool" ] || skip_all "$tool is not built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-ofp-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

python=
for p in python3 "${SYSTEM_PYTHON:-}" /usr/bin/python3; do
    if [ -n "$p" ] && command -v "$p" >/dev/null 2>&1; then
        python=$p
        break
    fi
done
jq=$(command -v jq 2>/dev/null || true)

# first_byte FILE: the first byte of FILE as two hex digits ("" if empty).
first_byte() {
    od -An -tx1 -N1 "$1" | tr -d ' \n'
}

# ---- the corpus ----

# The OpenFlow 1.3 messages of the corpus, one path per line.
list="$tmp/of13-files"
: >"$list"
if [ -d "$corpus" ]; then
    for f in "$corpus"/ryu-of13/packet_data/*.packet \
             "$corpus"/kytos-pyof-v0x04/*.dat \
             "$corpus"/loxigen-of13/bin/*.bin \
             "$corpus"/ryu-of13/pcap/*.payload.bin; do
        # LoxiGen fragments and the pcap payload with version 0xff are not
        # OpenFlow 1.3 messages.
        [ -f "$f" ] && [ "$(first_byte "$f")" = 04 ] && echo "$f" >>"$list"
    done
fi
n_files=$(wc -l <"$list" | tr -d ' ')

if [ "$n_files" -eq 0 ]; then
    skip "roundtrip of every corpus OpenFlow 1.3 file" \
        "corpus absent ($corpus)"
    skip "decode of every corpus OpenFlow 1.3 file" \
        "corpus absent ($corpus)"
else
    # shellcheck disable=SC2046  # corpus paths have no spaces
    set -- $(cat "$list")
    "$tool" roundtrip "$@" >"$tmp/rt.out" 2>"$tmp/rt.err"
    rc=$?
    n_ok=$(grep -c '^OK ' "$tmp/rt.out")
    n_lines=$(wc -l <"$tmp/rt.out" | tr -d ' ')
    if [ "$rc" -eq 0 ] && [ "$n_ok" -eq "$n_files" ] \
        && [ "$n_lines" -eq "$n_files" ] && [ ! -s "$tmp/rt.err" ]; then
        ok "roundtrip of every corpus OpenFlow 1.3 file: $n_ok OK"
    else
        grep -v '^OK ' "$tmp/rt.out" "$tmp/rt.err" | sed 's/^/# /'
        not_ok "roundtrip of every corpus OpenFlow 1.3 file" \
            "exit $rc, $n_ok of $n_files OK, $n_lines lines"
    fi

    "$tool" --compact decode "$@" >"$tmp/dec.out" 2>"$tmp/dec.err"
    rc=$?
    n_docs=$(wc -l <"$tmp/dec.out" | tr -d ' ')
    valid=yes
    if [ -n "$jq" ]; then
        n_valid=$("$jq" -c 'select(.version == 4 and (.type | type)
                                   == "string")' "$tmp/dec.out" \
                  2>>"$tmp/dec.err" | wc -l | tr -d ' ')
        [ "$n_valid" -eq "$n_files" ] || valid="jq accepted $n_valid"
    elif [ -n "$python" ]; then
        "$python" -c 'import json, sys
for line in sys.stdin:
    json.loads(line)' <"$tmp/dec.out" 2>>"$tmp/dec.err" || valid="python"
    fi
    # Each corpus file holds one message: one line per file.
    if [ "$rc" -eq 0 ] && [ "$n_docs" -eq "$n_files" ] \
        && [ "$valid" = yes ]; then
        ok "decode of every corpus OpenFlow 1.3 file: $n_docs JSON documents"
    else
        sed 's/^/# /' "$tmp/dec.err"
        not_ok "decode of every corpus OpenFlow 1.3 file" \
            "exit $rc, $n_docs documents for $n_files files, valid: $valid"
    fi
fi

# ---- decode of a hand-made PACKET_IN ----

# xid 42, buffer_id OFP_NO_BUFFER, total_len 14, reason NO_MATCH, table 3,
# cookie 0x010203040506, match in_port=1, a 14-byte Ethernet header
# (broadcast, from 00:00:00:00:00:01, ARP).
packet_in='04 0a 00 38 00 00 00 2a
ff ff ff ff 00 0e 00 03 00 00 01 02 03 04 05 06
00 01 00 0c 80 00 00 04 00 00 00 01 00 00 00 00
00 00
ff:ff:ff:ff:ff:ff 00:00:00:00:00:01 08:06'

"$tool" decode "$packet_in" >"$tmp/pi.json" 2>"$tmp/pi.err"
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$tmp/pi.json" ] && [ ! -s "$tmp/pi.err" ]; then
    ok "decode of a PACKET_IN in hex exits 0"
else
    not_ok "decode of a PACKET_IN in hex exits 0" \
        "exit $rc: $(head -n 1 "$tmp/pi.err")"
fi

if [ -z "$python" ]; then
    skip "python3 -m json.tool accepts the PACKET_IN JSON" "no python3"
elif "$python" -m json.tool "$tmp/pi.json" >/dev/null 2>&1; then
    ok "python3 -m json.tool accepts the PACKET_IN JSON"
else
    not_ok "python3 -m json.tool accepts the PACKET_IN JSON"
fi

if [ -n "$jq" ]; then
    check=$("$jq" -r '[.type, .xid, .table_id, .match.in_port,
                       .cookie, .total_len] | map(tostring) | join(" ")' \
            "$tmp/pi.json" 2>/dev/null)
elif [ -n "$python" ]; then
    check=$("$python" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(str(d[k]) for k in ("type", "xid", "table_id")) + " "
      + str(d["match"]["in_port"]) + " " + str(d["cookie"]) + " "
      + str(d["total_len"]))' "$tmp/pi.json" 2>/dev/null)
else
    check=
fi
want="PACKET_IN 42 3 1 1108152157446 14"
if [ -z "$jq" ] && [ -z "$python" ]; then
    skip "the PACKET_IN JSON has type PACKET_IN and our values" \
        "neither jq nor python3"
elif [ "$check" = "$want" ]; then
    ok "the PACKET_IN JSON has type PACKET_IN and our values"
else
    not_ok "the PACKET_IN JSON has type PACKET_IN and our values" \
        "got '$check', want '$want'"
fi

# --compact: one line per message, here two messages back to back.
n=$("$tool" --compact decode "$packet_in $packet_in" | wc -l | tr -d ' ')
if [ "$n" -eq 2 ]; then
    ok "decode --compact prints one line per message"
else
    not_ok "decode --compact prints one line per message" "$n lines"
fi

# ---- errors ----

"$tool" decode deadbeef >"$tmp/g.out" 2>"$tmp/g.err"
rc=$?
if [ "$rc" -eq 1 ] && [ ! -s "$tmp/g.out" ] \
    && grep -q '^sluice-ofp: .*offset 0: OFPBRC_BAD_LEN' "$tmp/g.err"; then
    ok "decode of garbage hex exits 1 with an error line"
else
    not_ok "decode of garbage hex exits 1 with an error line" \
        "exit $rc: $(head -n 1 "$tmp/g.err")"
fi

"$tool" decode 'not hex at all' >"$tmp/g.out" 2>"$tmp/g.err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'neither a file nor hex' "$tmp/g.err"; then
    ok "decode of text that is neither a file nor hex exits 1"
else
    not_ok "decode of text that is neither a file nor hex exits 1" \
        "exit $rc"
fi

# A FLOW_MOD header with a length beyond the bytes given.
"$tool" decode '04 0e 00 38 00 00 00 00' >/dev/null 2>"$tmp/g.err"
rc=$?
if [ "$rc" -eq 1 ] \
    && grep -q 'OFPBRC_BAD_LEN (length field 56, 8 bytes left)' \
        "$tmp/g.err"; then
    ok "decode names the offset, the error and the byte counts"
else
    not_ok "decode names the offset, the error and the byte counts" \
        "exit $rc: $(head -n 1 "$tmp/g.err")"
fi

src=$corpus/ryu-of13/packet_data/4-2-ofp_flow_mod.packet
if [ -f "$src" ]; then
    # Byte 46 is FLOW_MOD padding, which we always write as zero.
    cp "$src" "$tmp/corrupt.packet"
    printf '\007' | dd of="$tmp/corrupt.packet" bs=1 seek=46 conv=notrunc \
        2>/dev/null
    "$tool" roundtrip "$src" "$tmp/corrupt.packet" >"$tmp/c.out" 2>&1
    rc=$?
    if [ "$rc" -ne 0 ] && grep -q "^OK $src\$" "$tmp/c.out" \
        && grep -q "^FAIL $tmp/corrupt.packet: byte 46 differs.*expected \
0x07, got 0x00" "$tmp/c.out"; then
        ok "roundtrip of a corrupted copy prints FAIL and exits non-zero"
    else
        sed 's/^/# /' "$tmp/c.out"
        not_ok "roundtrip of a corrupted copy prints FAIL and exits non-zero"
    fi

    head -c 100 "$src" >"$tmp/truncated.packet"
    "$tool" roundtrip "$tmp/truncated.packet" >"$tmp/t.out" 2>&1
    rc=$?
    if [ "$rc" -ne 0 ] && grep -q "^FAIL $tmp/truncated.packet: offset 0: \
OFPBRC_BAD_LEN" "$tmp/t.out"; then
        ok "roundtrip of a truncated copy prints FAIL with BAD_LEN"
    else
        sed 's/^/# /' "$tmp/t.out"
        not_ok "roundtrip of a truncated copy prints FAIL with BAD_LEN"
    fi
else
    skip "roundtrip of a corrupted copy prints FAIL and exits non-zero" \
        "corpus absent ($corpus)"
    skip "roundtrip of a truncated copy prints FAIL with BAD_LEN" \
        "corpus absent ($corpus)"
fi

: >"$tmp/empty"
"$tool" roundtrip "$tmp/empty" >"$tmp/e.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q "^FAIL $tmp/empty: empty\$" "$tmp/e.out"; then
    ok "roundtrip of an empty file prints FAIL empty"
else
    not_ok "roundtrip of an empty file prints FAIL empty" "exit $rc"
fi

# ---- usage ----

"$tool" >/dev/null 2>"$tmp/u.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q '^usage:' "$tmp/u.err"; then
    ok "no arguments: usage on stderr, exit 2"
else
    not_ok "no arguments: usage on stderr, exit 2" "exit $rc"
fi

for args in "frobnicate" "decode" "roundtrip" "--no-such-option decode x"; do
    # shellcheck disable=SC2086  # split the words on purpose
    "$tool" $args >/dev/null 2>&1
    rc=$?
    if [ "$rc" -eq 2 ]; then
        ok "'sluice-ofp $args' exits 2"
    else
        not_ok "'sluice-ofp $args' exits 2" "exit $rc"
    fi
done

if "$tool" --help | grep -q 'roundtrip FILE'; then
    ok "--help prints the usage and exits 0"
else
    not_ok "--help prints the usage and exits 0"
fi

if "$tool" --version | grep -q '^sluice-ofp (sluice) [0-9]'; then
    ok "--version prints the package version"
else
    not_ok "--version prints the package version"
fi

tap_done
