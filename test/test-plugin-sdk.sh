#!/bin/sh
# test-plugin-sdk: builds the example apps out of tree the way a plugin
# author would (docs/plugins.md), against the plugin headers laid out as
# `make install` lays them out and found through pkg-config:
#
#   $tmp/include/sluice/*.h          include/sluice/*.h
#   $tmp/include/sluice/ofproto/*.h  the codec headers they refer to
#   $tmp/pkgconfig/sluice.pc         the build's sluice.pc, prefix=$tmp
#
# then checks that each .so exports 'sluice_app' and needs nothing but
# libc.  Run by `make check` (top_srcdir and top_builddir set), or by hand
# from the build directory.
top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"

CC=${CC:-cc}
command -v pkg-config >/dev/null 2>&1 || skip_all "no pkg-config"
command -v nm >/dev/null 2>&1 || skip_all "no nm"
command -v "$CC" >/dev/null 2>&1 || skip_all "no C compiler ($CC)"
[ -f "$top_builddir/sluice.pc" ] || skip_all "no sluice.pc in $top_builddir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-plugin-sdk.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/include/sluice/ofproto" "$tmp/pkgconfig" "$tmp/out"

# The headers the build installs, as include/sluice/automake.mk lists them.
am="$top_srcdir/include/sluice/automake.mk"
pub=$(sed -n 's/\\$//; s/^[ \t]*//; /^pkginclude_HEADERS/,/^$/p' "$am" \
    | tr ' \t' '\n\n' | grep '^include/sluice/.*\.h$')
codec=$(sed -n 's/\\$//; /^ofprotoinclude_HEADERS/,/^[a-z]/p' "$am" \
    | tr ' \t' '\n\n' | grep '^ofproto/.*\.h$')
if [ -n "$pub" ] && [ -n "$codec" ]; then
    ok "automake.mk lists $(echo $pub | wc -w) API and" \
        "$(echo $codec | wc -w) codec headers"
else
    not_ok "header lists read from $am"
fi
for h in $pub; do cp "$top_srcdir/$h" "$tmp/include/sluice/" || exit 1; done
for h in $codec; do
    cp "$top_srcdir/$h" "$tmp/include/sluice/ofproto/" || exit 1
done

sed -e "s|^prefix=.*|prefix=$tmp|" \
    -e 's|^includedir=.*|includedir=${prefix}/include|' \
    "$top_builddir/sluice.pc" >"$tmp/pkgconfig/sluice.pc"
PKG_CONFIG_PATH="$tmp/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH
if cflags=$(pkg-config --cflags sluice 2>"$tmp/pc.err"); then
    case "$cflags" in
    *"-I$tmp/include "*"-I$tmp/include/sluice"*)
        ok "pkg-config --cflags sluice finds the installed headers" ;;
    *)  not_ok "pkg-config --cflags sluice" "got: $cflags" ;;
    esac
else
    not_ok "pkg-config --cflags sluice" "$(cat "$tmp/pc.err")"
fi

# Each header stands alone.
for h in $pub; do
    n=$(basename "$h")
    printf '#include "sluice/%s"\n' "$n" >"$tmp/one.c"
    if $CC -c -fPIC $cflags -Werror -Wall -Wextra -o "$tmp/one.o" \
        "$tmp/one.c" 2>"$tmp/cc.err"; then
        ok "sluice/$n compiles on its own"
    else
        not_ok "sluice/$n compiles on its own" "$(head -c 300 "$tmp/cc.err")"
    fi
done

for app in hub l2_learning; do
    so="$tmp/out/$app.so"
    if $CC -shared -fPIC $cflags -Werror -Wall -Wextra -o "$so" \
        "$top_srcdir/apps/$app.c" 2>"$tmp/cc.err"; then
        ok "$app.c builds out of tree with pkg-config --cflags sluice"
    else
        not_ok "$app.c builds out of tree" "$(head -c 500 "$tmp/cc.err")"
        continue
    fi

    defined=$(nm -D --defined-only "$so" | awk '{print $3}' \
        | grep -v '^_' | tr '\n' ' ')
    if [ "$defined" = "sluice_app " ]; then
        ok "$app.so exports sluice_app and nothing else"
    else
        not_ok "$app.so exports sluice_app only" "exports: $defined"
    fi

    # Undefined: weak toolchain hooks (w) and libc (U name@GLIBC_*) only.
    extra=$(nm -D --undefined-only "$so" \
        | awk '$1 == "U" && $2 !~ /@GLIBC_/ {print $2}' | tr '\n' ' ')
    if [ -z "$extra" ]; then
        ok "$app.so needs nothing but libc"
    else
        not_ok "$app.so needs nothing but libc" "also needs: $extra"
    fi
done

tap_done
