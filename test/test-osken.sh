#!/bin/sh
# test-osken: interop with os-ken (the maintained Ryu), both directions:
# our encodings of random messages decoded by os-ken, os-ken's encodings
# decoded by us, values compared field by field (test/osken_interop.py).
#
# Runs with $SYSTEM_PYTHON (the Python that has Debian's python3-os-ken,
# /usr/bin/python3 by default); skipped, saying so, when it cannot import
# os_ken.  OSKEN_SEED=N reruns a reported failure.

top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-.}
# shellcheck source=test/tap.sh
. "$top_srcdir/test/tap.sh"

py=${SYSTEM_PYTHON:-/usr/bin/python3}
[ -x "$py" ] || py=$(command -v "$py" 2>/dev/null)
[ -n "$py" ] || skip_all "no Python at '${SYSTEM_PYTHON:-/usr/bin/python3}'"
if ! err=$("$py" -c 'import os_ken.ofproto.ofproto_v1_3_parser' 2>&1); then
    skip_all "$py cannot import os_ken (install python3-os-ken):" \
        "$(echo "$err" | tail -n 1)"
fi

gen="$top_builddir/test/interop-gen"
tool="$top_builddir/tools/sluice-ofp"
[ -x "$gen" ] || skip_all "$gen not built"
[ -x "$tool" ] || skip_all "$tool not built"

exec "$py" "$top_srcdir/test/osken_interop.py" --gen "$gen" --tool "$tool" \
    ${OSKEN_SEED:+--seed "$OSKEN_SEED"}
