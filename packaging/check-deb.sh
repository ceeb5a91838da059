#!/bin/sh
# check-deb: the Debian packages, built, installed, run and purged as an
# operator would (TAP: one line per check; "# " lines are notes, among them
# the time of each stage).  Run as root by `sudo make check-deb`, which
# passes the tarball of `make dist`:
#
#   check-deb.sh --tarball sluice-VERSION.tar.gz --debs DIR [--keep-installed]
#
# 1. build: unpacks the tarball in a scratch directory (never in the source
#    tree) and runs `dpkg-buildpackage -us -uc -b` there with
#    DEB_BUILD_OPTIONS="nocheck parallel=2" (make check has already run the
#    unit tests on this tree); lintian on the result must find no error.
#    The .debs, and the build and lintian logs, are kept in DIR.
# 2. install: `apt-get install ./sluice_*.deb ./sluice-dev_*.deb`
#    (dependencies from the mirror); the files, the conffile, the system
#    user, the unit (systemd-analyze verify), the postinst without systemd.
# 3. run, holding the Mininet lock (the daemon binds 6653 and 8080): the
#    daemon started as sluice.service starts it (its ExecStart, User,
#    Group, UMask, LimitNOFILE, NoNewPrivileges, no capabilities) answers
#    GET /api/v1/health and `sluicectl switches`, loads its apps from the
#    installed directory, reloads on SIGHUP, stops on SIGTERM with exit 0;
#    an app built against sluice-dev with `pkg-config --cflags sluice` is
#    loaded by the installed daemon.
# 4. purge: `apt-get purge sluice sluice-dev` leaves no file in /usr, no
#    /etc/sluice (sluice-pki's files included), no enabled unit; the system
#    user stays (Debian removes no system user on purge).
#
# --keep-installed skips the purge (to look around afterwards).  The lock
# is $SLUICE_MININET_LOCK (default /tmp/sluice-mininet.lock); the build's
# parallelism $CHECK_DEB_JOBS (default 2).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../test/tap.sh"

tarball=''
debs=''
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
    --tarball) tarball=$2; shift ;;
    --debs) debs=$2; shift ;;
    --keep-installed) keep=1 ;;
    *) echo "check-deb: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$tarball" ] || [ -z "$debs" ]; then
    echo "usage: check-deb.sh --tarball FILE --debs DIR [--keep-installed]" >&2
    exit 2
fi
case "$debs" in /*) ;; *) debs=$(pwd)/$debs ;; esac
case "$tarball" in /*) ;; *) tarball=$(pwd)/$tarball ;; esac
lock=${SLUICE_MININET_LOCK:-/tmp/sluice-mininet.lock}
export DEBIAN_FRONTEND=noninteractive

note() { printf '# %s\n' "$*"; }
# Prints the last lines of file $1 as notes.
note_tail() { tail -n "${2:-25}" "$1" | sed 's/^/#   /'; }
# The time since the last call, in seconds with one decimal, as a note.
stage_start=$(date +%s%N)
test_start=$stage_start
stage() {
    t=$(date +%s%N)
    ms=$(( (t - stage_start) / 1000000 ))
    note "stage $1: $((ms / 1000)).$(( (ms % 1000) / 100 )) s"
    stage_start=$t
}
# Stops here: the rest depends on what just failed.
finish() {
    t=$(date +%s%N)
    ms=$(( (t - test_start) / 1000000 ))
    note "total: $((ms / 1000)).$(( (ms % 1000) / 100 )) s"
    tap_done
    exit $?
}

if [ "$(id -u)" -ne 0 ]; then
    not_ok "running as root" \
        "apt-get and adduser need root: sudo make check-deb"
    finish
fi
missing=''
for tool in dpkg-buildpackage:dpkg-dev dh:debhelper fakeroot:fakeroot \
    lintian:lintian apt-get:apt setpriv:util-linux flock:util-linux \
    curl:curl cc:gcc systemd-analyze:systemd; do
    command -v "${tool%%:*}" >/dev/null 2>&1 \
        || missing="$missing ${tool#*:}"
done
if [ -n "$missing" ]; then
    not_ok "build and test tools present" "apt-get install$missing"
    finish
fi
if [ ! -f "$tarball" ]; then
    not_ok "source tarball present" "no $tarball (make dist)"
    finish
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/check-deb.XXXXXX") || exit 1
# The daemon, run as the package's user, reads its plugin and config here.
chmod 755 "$work"
pid=''
installed=0
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
    fi
    if [ "$installed" -eq 1 ] && [ "$keep" -eq 0 ]; then
        apt-get purge -y -q sluice sluice-dev >/dev/null 2>&1
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- 1. build ----
base=$(basename "$tarball" .tar.gz)
version=${base#sluice-}
if ! tar -xzf "$tarball" -C "$work"; then
    not_ok "unpack $tarball"
    finish
fi
# A source build (-S) needs the orig tarball beside the tree; -b does not.
cp "$tarball" "$work/sluice_$version.orig.tar.gz"
stage unpack
mkdir -p "$debs"
rm -f "$debs"/*.deb "$debs"/*.changes "$debs"/*.buildinfo "$debs"/*.log
jobs=${CHECK_DEB_JOBS:-2}
if (cd "$work/$base" \
    && DEB_BUILD_OPTIONS="nocheck parallel=$jobs" \
        dpkg-buildpackage -us -uc -b) >"$debs/build.log" 2>&1; then
    ok "dpkg-buildpackage -us -uc -b builds from the tarball of make dist"
else
    not_ok "dpkg-buildpackage -us -uc -b" "see $debs/build.log"
    note_tail "$debs/build.log" 40
    finish
fi
stage "build (dpkg-buildpackage, parallel=$jobs, nocheck)"
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$debs"/
changes=$(ls "$debs"/sluice_*.changes)
n=$(ls "$debs"/sluice_*.deb "$debs"/sluice-dev_*.deb 2>/dev/null | wc -l)
if [ "$n" -eq 2 ]; then
    ok "sluice and sluice-dev .debs kept in $debs"
else
    not_ok "two .debs: sluice, sluice-dev" "found: $(ls "$debs")"
    finish
fi
for d in "$debs"/*.deb; do
    note "$(basename "$d"): $(du -k "$d" | cut -f1) KiB"
done

lintian --fail-on error --display-info "$changes" >"$debs/lintian.log" 2>&1
status=$?
grep '^[EWI]: ' "$debs/lintian.log" | sed 's/^/# lintian: /'
if [ "$status" -eq 0 ]; then
    ok "lintian: no errors ($(grep -c '^W: ' "$debs/lintian.log")" \
        "warnings)"
else
    not_ok "lintian: no errors" "see $debs/lintian.log"
fi
stage lintian

# ---- 2. install ----
# A clean machine has neither package: remove what an earlier run left.
for p in sluice sluice-dev; do
    if dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null \
        | grep -q '^[a-z]i'; then
        note "$p was installed: purging it first"
        apt-get purge -y -q "$p" >/dev/null 2>&1
    fi
done
had_user=0
getent passwd sluice >/dev/null && had_user=1

# The postinst starts the daemon when systemd is PID 1: lock from here on.
t=$(date +%s)
exec 9>"$lock"
flock 9
note "waited $(( $(date +%s) - t )) s for $lock"
stage_start=$(date +%s%N)

installed=1
if (cd "$debs" && apt-get install -y -q ./sluice_*.deb ./sluice-dev_*.deb) \
    >"$work/install.log" 2>&1; then
    ok "apt-get install -y ./sluice_*.deb ./sluice-dev_*.deb"
else
    not_ok "apt-get install ./sluice_*.deb ./sluice-dev_*.deb"
    note_tail "$work/install.log" 40
    finish
fi
stage install
for p in sluice sluice-dev; do
    st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)
    if [ "$st" = "ii " ]; then
        ok "$p installed and configured (postinst exit 0)"
    else
        not_ok "$p installed and configured" "dpkg status '$st'"
    fi
done
if [ -d /run/systemd/system ]; then
    if systemctl is-active --quiet sluice; then
        ok "systemd started sluice.service on install"
    else
        not_ok "systemd started sluice.service on install" \
            "$(systemctl status sluice 2>&1 | tail -3 | tr '\n' ' ')"
    fi
    systemctl stop sluice
else
    ok "postinst without systemd as PID 1: no failure, nothing started"
fi
if [ -L /etc/systemd/system/multi-user.target.wants/sluice.service ]; then
    ok "sluice.service enabled (multi-user.target.wants)"
else
    not_ok "sluice.service enabled" \
        "no /etc/systemd/system/multi-user.target.wants/sluice.service"
fi

# The files of the issue's list, each from the right package.
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null \
    || gcc -print-multiarch)
appsdir=/usr/lib/$ma/sluice/apps
# Checks that $2 exists (-e) and belongs to package $1.
has_file() {
    if [ -e "$2" ] && dpkg -S "$2" 2>/dev/null | grep -q "^$1\(:.*\)\?: "; then
        ok "$2 ($1)"
    elif [ -e "$2" ]; then
        not_ok "$2 ($1)" "not listed as a file of $1: $(dpkg -S "$2" 2>&1)"
    else
        not_ok "$2 ($1)" "missing"
    fi
}
# The same for a document dh_compress may have gzipped.
has_doc() {
    if [ -e "$2.gz" ]; then has_file "$1" "$2.gz"; else has_file "$1" "$2"; fi
}
for f in /usr/sbin/sluice /usr/bin/sluicectl /usr/bin/sluice-bench \
    /usr/bin/sluice-ofp /usr/bin/sluice-pki; do
    has_file sluice "$f"
done
for app in l2_learning l3_routing acl hub; do
    has_file sluice "$appsdir/$app.so"
done
for f in man8/sluice.8 man8/sluicectl.8 man8/sluice-pki.8 \
    man5/sluice.yaml.5; do
    has_doc sluice "/usr/share/man/$f"
done
has_file sluice /etc/sluice/sluice.yaml
has_file sluice /lib/systemd/system/sluice.service
has_file sluice-dev /usr/include/sluice/app.h
has_file sluice-dev /usr/include/sluice/ofproto/openflow13.h
has_file sluice-dev "/usr/lib/$ma/pkgconfig/sluice.pc"
has_doc sluice-dev /usr/share/doc/sluice-dev/plugins.md
if dpkg-query -W -f='${Conffiles}\n' sluice \
    | grep -q '^ /etc/sluice/sluice.yaml '; then
    ok "/etc/sluice/sluice.yaml is a conffile"
else
    not_ok "/etc/sluice/sluice.yaml is a conffile" \
        "conffiles: $(dpkg-query -W -f='${Conffiles}' sluice)"
fi
if [ -z "$(ls "$appsdir"/*.la 2>/dev/null)" ]; then
    ok "no libtool .la files in $appsdir"
else
    not_ok "no libtool .la files in $appsdir" "$(ls "$appsdir"/*.la)"
fi

out=$(/usr/sbin/sluice --version 2>&1)
case "$out" in
*"$version"*) ok "sluice --version: $out" ;;
*) not_ok "sluice --version says $version" "got: $out" ;;
esac
case "$(/usr/sbin/sluice --help 2>&1)" in
*"$appsdir"*) ok "sluice --help names $appsdir as the apps directory" ;;
*) not_ok "sluice --help names $appsdir" "the built-in apps directory" ;;
esac
if out=$(/usr/sbin/sluice --check-config /etc/sluice/sluice.yaml 2>&1); then
    ok "sluice --check-config /etc/sluice/sluice.yaml"
else
    not_ok "sluice --check-config /etc/sluice/sluice.yaml" "$out"
fi

pw=$(getent passwd sluice)
uid=$(echo "$pw" | cut -d: -f3)
home=$(echo "$pw" | cut -d: -f6)
shell=$(echo "$pw" | cut -d: -f7)
if [ -n "$pw" ] && [ "$uid" -lt 1000 ] && getent group sluice >/dev/null \
    && [ "$home" = /nonexistent ] && [ ! -e /nonexistent ]; then
    ok "system user and group sluice (uid $uid, home $home, shell $shell)"
else
    not_ok "system user and group sluice" "passwd: '$pw'"
fi

unit=/lib/systemd/system/sluice.service
if out=$(systemd-analyze verify "$unit" 2>&1) && [ -z "$out" ]; then
    ok "systemd-analyze verify $unit"
else
    not_ok "systemd-analyze verify $unit" "$(echo "$out" | tr '\n' ' ')"
fi

# Reinstall over a changed conffile: the postinst runs again (the user
# exists now) and the operator's change stays.
echo "# changed by check-deb" >>/etc/sluice/sluice.yaml
if (cd "$debs" && apt-get install -y -q --reinstall ./sluice_*.deb) \
    >"$work/reinstall.log" 2>&1 \
    && grep -q '^# changed by check-deb' /etc/sluice/sluice.yaml; then
    ok "reinstall: postinst runs again, a changed conffile is kept"
else
    not_ok "reinstall keeps the changed conffile"
    note_tail "$work/reinstall.log"
fi
stage "installed files"

# ---- 3. run ----
# The unit's settings, as systemd would apply them.
key() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
exec_start=$(key ExecStart)
run_user=$(key User)
run_group=$(key Group)
run_umask=$(key UMask)
run_nofile=$(key LimitNOFILE)
privs=''
[ "$(key NoNewPrivileges)" = yes ] && privs='--no-new-privs'
caps=''
grep -q '^CapabilityBoundingSet=$' "$unit" \
    && caps='--bounding-set=-all --inh-caps=-all'
note "ExecStart=$exec_start User=$run_user Group=$run_group" \
    "UMask=$run_umask LimitNOFILE=$run_nofile $privs $caps"
# systemd (PID 1) may raise the hard limit; a container's root may not.
# shellcheck disable=SC3045 # ulimit -n, -H: dash and bash have them
(ulimit -n "$run_nofile") 2>/dev/null \
    || note "LimitNOFILE=$run_nofile is above this machine's hard limit:" \
        "running with $(ulimit -Hn) descriptors"
# Starts $exec_start plus "$@" as the unit would, logging to $log.
start_daemon() {
    # shellcheck disable=SC3045
    # shellcheck disable=SC2086 # the words of ExecStart and the flags
    (umask "$run_umask" \
        && { ulimit -n "$run_nofile" 2>/dev/null \
            || ulimit -n "$(ulimit -Hn)"; } \
        && exec setpriv --reuid="$run_user" --regid="$run_group" \
            --init-groups $privs $caps -- $exec_start "$@") \
        >"$log" 2>&1 9>&- &
    pid=$!
}
# The REST API of config $1 (rest.listen of --dump-config).
rest_url() {
    /usr/sbin/sluice --dump-config --config "$1" | awk '
        /^rest:/ { in_rest = 1; next }
        /^[^ ]/ { in_rest = 0 }
        in_rest && $1 == "listen:" { gsub(/"/, "", $2); listen = $2 }
        in_rest && $1 == "https:" { https = ($2 == "true") }
        END { print (https ? "https://" : "http://") listen }'
}
# Waits until $url answers /api/v1/health with status ok; prints it.
health() {
    i=0
    while [ $i -lt 100 ]; do
        if out=$(curl -fsSk --max-time 2 "$url/api/v1/health" \
            2>/dev/null); then
            case "$out" in *'"status":"ok"'*) echo "$out"; return 0 ;; esac
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# SIGTERM; succeeds if the daemon exits 0 within 10 s.
stop_daemon() {
    kill -TERM "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        wait "$pid"
        pid=''
        return 1
    fi
    wait "$pid"
    rc=$?
    pid=''
    return $rc
}
conf=$(echo "$exec_start" | sed -n 's/.*--config \([^ ]*\).*/\1/p')
url=$(rest_url "$conf")
note "REST API of $conf: $url"

log=$work/daemon.log
start_daemon
if out=$(health); then
    ok "daemon started as sluice.service does answers GET /api/v1/health"
    note "$out"
else
    not_ok "daemon started as sluice.service does answers" \
        "GET $url/api/v1/health"
    note_tail "$log"
fi
if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
    ids=$(awk '/^Uid:|^Gid:/ { printf "%s %s %s %s %s ", $1, $2, $3, $4, $5 }
        /^CapEff:|^CapBnd:|^NoNewPrivs:/ { printf "%s %s ", $1, $2 }' \
        "/proc/$pid/status")
    gid=$(getent group "$run_group" | cut -d: -f3)
    want="Uid: $uid $uid $uid $uid Gid: $gid $gid $gid $gid"
    case "$ids" in
    "$want CapEff: 0000000000000000 CapBnd: 0000000000000000 NoNewPrivs: 1"*)
        ok "runs as $run_user:$run_group, no capabilities, no_new_privs" ;;
    *) not_ok "runs as $run_user:$run_group without privileges" "$ids" ;;
    esac
else
    not_ok "daemon process running" "it exited"
fi
insecure=''
case "$url" in https:*) insecure=--insecure ;; esac
if out=$(/usr/bin/sluicectl --url "$url" $insecure switches 2>&1) \
    && echo "$out" | grep -q '^DPID'; then
    ok "sluicectl switches answers (the installed sluicectl)"
else
    not_ok "sluicectl switches" "$(echo "$out" | head -3 | tr '\n' ' ')"
fi
loaded=$(grep -o "app '[a-z0-9_-]*' loaded from [^:]*" "$log")
if [ -n "$loaded" ] && ! echo "$loaded" | grep -qv "from $appsdir/"; then
    ok "apps loaded from $appsdir"
    echo "$loaded" | sed 's/^/# /'
else
    not_ok "apps loaded from $appsdir" "log: $loaded"
fi
kill -HUP "$pid" 2>/dev/null
sleep 0.5
if grep -q 'SIGHUP: reloading the configuration' "$log" \
    && ! grep -q 'reload failed' "$log" && health >/dev/null; then
    ok "SIGHUP (ExecReload) reloads, the daemon keeps serving"
else
    not_ok "SIGHUP reloads" "$(tail -n 2 "$log" | tr '\n' ' ')"
fi
if stop_daemon; then
    ok "SIGTERM: the daemon stops with exit 0"
else
    not_ok "SIGTERM: exit 0" "exit $rc"
    note_tail "$log"
fi
stage "daemon as the unit runs it"

# An app built against sluice-dev, as docs/plugins.md says.
mkdir "$work/plugin"
cat >"$work/plugin/pkgcheck.c" <<'EOF'
/* pkgcheck: an app built against the installed sluice-dev. */
#include <stddef.h>
#include "sluice/app.h"

static const struct sl_host *host;

static int
pkgcheck_init(struct sl_ctx *ctx, const struct sl_host *h,
              const struct sl_app_config *cfg)
{
    (void) ctx;
    (void) cfg;
    host = h;
    return 0;
}

static int
pkgcheck_start(struct sl_ctx *ctx)
{
    host->log(ctx, SL_APP_LOG_INFO, "built against sluice-dev, started");
    return 0;
}

const struct sl_app_def sluice_app = {
    SL_APP_DEF_HEADER,
    .name = "pkgcheck",
    .description = "the check-deb test app",
    .init = pkgcheck_init,
    .start = pkgcheck_start,
};
EOF
if cflags=$(pkg-config --cflags sluice 2>&1); then
    ok "pkg-config --cflags sluice: '$cflags'"
else
    not_ok "pkg-config --cflags sluice" "$cflags"
fi
# shellcheck disable=SC2086 # cflags is a list of flags
if cc -shared -fPIC -Wall -Wextra -Werror $cflags \
    -o "$work/plugin/pkgcheck.so" "$work/plugin/pkgcheck.c" \
    >"$work/cc.log" 2>&1; then
    ok "an app builds with cc -shared -fPIC \$(pkg-config --cflags sluice)"
else
    not_ok "an app builds against sluice-dev" "$(head -c 400 "$work/cc.log")"
fi
cat >"$work/plugin/sluice.yaml" <<'EOF'
apps:
  - name: l2_learning
  - name: pkgcheck
EOF
chmod 644 "$work/plugin/"*
log=$work/plugin.log
start_daemon --config "$work/plugin/sluice.yaml" \
    --app-path "$work/plugin:$appsdir"
out=$(health)
if grep -q "app 'pkgcheck' loaded from $work/plugin/pkgcheck.so" "$log" \
    && grep -q 'built against sluice-dev, started' "$log" \
    && echo "$out" | grep -q '"apps":2'; then
    ok "the installed daemon loads the app (and l2_learning from $appsdir)"
else
    not_ok "the installed daemon loads the app" \
        "$(grep -i 'pkgcheck\|error' "$log" | head -3 | tr '\n' ' ')"
    note_tail "$log"
fi
if stop_daemon; then
    ok "SIGTERM: exit 0 with the app loaded"
else
    not_ok "SIGTERM with the app loaded: exit 0" "exit $rc"
fi
stage "app built against sluice-dev"

# sluice-pki's files, which the purge must remove with /etc/sluice.
if sluice-pki init >"$work/pki.log" 2>&1 \
    && [ -n "$(ls /etc/sluice/pki 2>/dev/null)" ]; then
    ok "sluice-pki init writes /etc/sluice/pki"
else
    not_ok "sluice-pki init" "$(tail -n 3 "$work/pki.log" | tr '\n' ' ')"
fi
flock -u 9
exec 9>&-

# ---- 4. purge ----
if [ "$keep" -eq 1 ]; then
    note "--keep-installed: not purging"
    finish
fi
files=$(dpkg -L sluice sluice-dev | sort -u | while read -r f; do
    [ -d "$f" ] || echo "$f"
done)
own_dirs="$appsdir /usr/lib/$ma/sluice /usr/include/sluice /usr/share/sluice
    /usr/share/doc/sluice /usr/share/doc/sluice-dev /etc/sluice"
if apt-get purge -y -q sluice sluice-dev >"$work/purge.log" 2>&1; then
    ok "apt-get purge -y sluice sluice-dev"
    installed=0
else
    not_ok "apt-get purge -y sluice sluice-dev"
    note_tail "$work/purge.log"
fi
stage purge
left=''
for f in $files $own_dirs \
    /etc/systemd/system/multi-user.target.wants/sluice.service; do
    [ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done
if [ -z "$left" ]; then
    ok "purge leaves none of the $(echo "$files" | wc -l) files, no" \
        "/etc/sluice, no enabled unit"
else
    not_ok "purge removes everything" "left:$left"
fi
if dpkg-query -W -f='${db:Status-Abbrev}\n' sluice sluice-dev 2>/dev/null \
    | grep -q '^.i'; then
    not_ok "dpkg forgets both packages" \
        "$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' sluice \
            sluice-dev 2>&1 | tr '\n' ' ')"
else
    ok "dpkg forgets both packages"
fi
if getent passwd sluice >/dev/null; then
    ok "system user sluice kept on purge (Debian removes no system user)"
    [ "$had_user" -eq 1 ] || note "made by this run's postinst"
else
    not_ok "system user sluice kept on purge" "it is gone"
fi
finish
