#!/bin/sh
# test-unit: the systemd unit this build installs (packaging/sluice.service)
# without systemd running: its paths were substituted, it keeps the
# hardening the README promises, `systemd-analyze verify` accepts it, and
# what MemoryDenyWriteExecute= forbids (writable and executable mappings,
# text relocations) is absent from the daemon and the apps it loads.  Run by
# `make check` (top_srcdir and top_builddir set), or by hand from the build
# directory.  The installed unit is checked again by `make check-deb`.
top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"

unit=$top_builddir/packaging/sluice.service
sluice=$top_builddir/controller/sluice
[ -f "$unit" ] || skip_all "no $unit (--without-systemdsystemunitdir?)"

# Substituted: no @placeholder@ left, the daemon and its config file.
if grep -q '@[a-z]*@' "$unit"; then
    not_ok "paths substituted" "$(grep '@[a-z]*@' "$unit" | head -1)"
elif grep -q \
    '^ExecStart=/[^ ]*/sbin/sluice --config /[^ ]*/sluice/sluice\.yaml$' \
    "$unit"; then
    ok "ExecStart: $(sed -n 's/^ExecStart=//p' "$unit")"
else
    not_ok "ExecStart=SBINDIR/sluice --config SYSCONFDIR/sluice/sluice.yaml" \
        "$(grep '^ExecStart' "$unit")"
fi

# The settings issue 9 and the README name, each with its value.
missing=''
n=0
while IFS= read -r want; do
    [ -n "$want" ] || continue
    n=$((n + 1))
    grep -qxF -- "$want" "$unit" || missing="$missing '$want'"
done <<'EOF'
Type=simple
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
User=sluice
Group=sluice
UMask=0077
LimitNOFILE=65536
CapabilityBoundingSet=
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
WantedBy=multi-user.target
EOF
if [ -z "$missing" ]; then
    ok "the unit keeps its $n service and hardening settings"
else
    not_ok "service and hardening settings" "missing:$missing"
fi
# Nothing a drop-in would have to undo: no capability granted, no second
# ExecStart, no writable path.
extra=$(grep -E '^(AmbientCapabilities|ReadWritePaths|ExecStart)=' "$unit" \
    | grep -v '^ExecStart=/' )
if [ -z "$extra" ] && [ "$(grep -c '^ExecStart=' "$unit")" -eq 1 ]; then
    ok "no capabilities, no writable paths, one ExecStart"
else
    not_ok "no capabilities, no writable paths, one ExecStart" "$extra"
fi

# systemd-analyze verify, on a copy that starts the daemon of this build
# (the installed path does not exist yet; the man pages may not either).
if ! command -v systemd-analyze >/dev/null 2>&1; then
    skip "systemd-analyze verify" "no systemd-analyze"
elif [ ! -x "$sluice" ]; then
    skip "systemd-analyze verify" "no $sluice"
else
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-unit.XXXXXX") || exit 1
    trap 'rm -rf "$tmp"' EXIT
    abs=$(cd "$(dirname "$sluice")" && pwd)/sluice
    sed "s|^ExecStart=[^ ]*|ExecStart=$abs|" "$unit" >"$tmp/sluice.service"
    if out=$(systemd-analyze verify --man=no "$tmp/sluice.service" 2>&1) \
        && [ -z "$out" ]; then
        ok "systemd-analyze verify accepts the unit"
    else
        not_ok "systemd-analyze verify" "$(echo "$out" | head -3 \
            | tr '\n' ' ')"
    fi
fi

# MemoryDenyWriteExecute=yes: no W+X segment or executable stack, and no
# text relocations (their loader makes text writable) in the daemon or in
# an app.
if ! command -v readelf >/dev/null 2>&1; then
    skip "no W+X mappings in the daemon and apps" "no readelf"
else
    bad=''
    n=0
    for f in "$sluice" "$top_builddir"/apps/.libs/*.so; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        if readelf -lW "$f" | grep -Eq '^ *(LOAD|GNU_STACK) .* RWE '; then
            bad="$bad $(basename "$f")(RWE)"
        fi
        if readelf -dW "$f" | grep -q 'TEXTREL'; then
            bad="$bad $(basename "$f")(TEXTREL)"
        fi
    done
    if [ "$n" -eq 0 ]; then
        skip "no W+X mappings in the daemon and apps" "nothing built"
    elif [ -z "$bad" ]; then
        ok "no W+X segment or text relocation in the daemon and $((n - 1))" \
            "apps (MemoryDenyWriteExecute=yes)"
    else
        not_ok "no W+X segment or text relocation" "$bad"
    fi
fi

tap_done
