#!/bin/sh
# test-fuzz-smoke: a short libFuzzer run of every fuzz target (TAP).
#
# Builds every target of `make print-fuzz-targets` (fuzz-ofp-msg,
# fuzz-packet, fuzz-config, fuzz-json-flow, fuzz-lldp-probe,
# fuzz-app-json, fuzz-rest) with clang (`make fuzz-build`'s rules: ASan,
# UBSan, libFuzzer) and runs each for FUZZ_SMOKE_SECONDS (default 30)
# seeded from ../shared/corpus, through test/fuzz/run.sh.  One "ok" per
# target that builds and one per target that survives; a crash is
# "not ok" and its input stays in test/fuzz/crash-*.  The whole test is
# skipped, saying why, when clang or its libFuzzer runtime is missing.

top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"

abs_srcdir=$(cd "$top_srcdir" && pwd) || exit 1
abs_builddir=$(cd "$top_builddir" && pwd) || exit 1
seconds=${FUZZ_SMOKE_SECONDS:-30}

clang=${CLANG:-}
if [ -z "$clang" ]; then
    clang=$(command -v clang 2>/dev/null)
fi
[ -n "$clang" ] && command -v "$clang" >/dev/null 2>&1 ||
    skip_all "clang not found (set CLANG to build the libFuzzer targets)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-fuzz-smoke.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

cat > "$tmp/probe.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return size > 0 && data[0] == 0;
}
EOF
"$clang" -fsanitize=fuzzer,address,undefined -o "$tmp/probe" \
    "$tmp/probe.c" > "$tmp/probe.log" 2>&1 ||
    skip_all "$clang cannot link libFuzzer:" "$(head -1 "$tmp/probe.log")"

# The build is make's own rule (test/automake.mk); MAKEFLAGS from an outer
# 'make check' are dropped so that the sub-make does not expect its
# jobserver.
targets=$(env -u MAKEFLAGS -u MFLAGS make -s --no-print-directory \
    -C "$abs_builddir" print-fuzz-targets 2>/dev/null) || targets=
[ -n "$targets" ] || targets="fuzz-ofp-msg fuzz-packet fuzz-config
    fuzz-json-flow fuzz-lldp-probe fuzz-app-json fuzz-rest"
for t in $targets; do
    if ! env -u MAKEFLAGS -u MFLAGS make -C "$abs_builddir" \
            CLANG="$clang" "test/fuzz/$t" > "$tmp/build-$t.log" 2>&1; then
        sed 's/^/# /' "$tmp/build-$t.log" | tail -20
        not_ok "$t builds" "see the compiler output above"
        continue
    fi
    ok "$t builds"
    if (cd "$abs_builddir" && top_srcdir=$abs_srcdir \
            sh "$abs_srcdir/test/fuzz/run.sh" "$t" "$seconds") \
            > "$tmp/run-$t.log" 2>&1; then
        sed 's/^/# /' "$tmp/run-$t.log"
        ok "$t runs ${seconds}s without a crash"
    else
        sed 's/^/# /' "$tmp/run-$t.log"
        not_ok "$t runs ${seconds}s without a crash" \
            "input kept in $abs_builddir/test/fuzz/"
    fi
done
tap_done
