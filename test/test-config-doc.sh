#!/bin/sh
# test-config-doc: the configuration reference, sluice.yaml(5), against the
# parser, both ways, and the rest of the operator's documentation against
# the programs.
#
# - Every key `sluice --list-config-keys` prints has an entry in
#   docs/sluice.yaml.5, and every entry of its section THE DAEMON'S KEYS
#   is such a key (the page's top comment says how entries are written).
# - Each entry's sample is accepted by `sluice --check-config`; with the
#   key misspelt (its last letter doubled) it is refused, naming the key
#   and where it is ("unknown key 'echo_intervall' in openflow").
# - Each entry says its type, Default: and SIGHUP:.  The keys of the apps
#   (section APPS) are checked against the apps themselves by
#   test/test-config-doc-apps.
# - docs/sluice.yaml, the annotated example, is valid, equals the embedded
#   defaults (--dump-config with and without it) and mentions every key.
# - Every option of `sluice --help` is in sluice(8), every command and
#   option of `sluicectl --help` in sluicectl(8); both --help texts name
#   the man pages; groff renders the pages without a warning.
# - A refused configuration ends with a line naming sluice.yaml(5), and
#   start-up failures say what to do (apps, TLS files, addresses).
# Run by `make check` (top_srcdir, top_builddir set) or by hand from the
# build directory.  Nothing here binds a port that is in use or opens one
# for long: the daemons started fail before or at their first bind.
top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-.}
. "$top_srcdir/test/tap.sh"

sluice=$top_builddir/controller/sluice
sluicectl=$top_builddir/tools/sluicectl
apps=$top_builddir/apps/.libs
page=$top_srcdir/docs/sluice.yaml.5
example=$top_srcdir/docs/sluice.yaml
[ -x "$sluice" ] || skip_all "$sluice is not built"
[ -f "$page" ] || skip_all "no $page"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-config-doc.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# One line per daemon key entry of the page: PATH<TAB>SAMPLE<TAB>FLAGS,
# where FLAGS holds D when the entry says "Default:" and S "SIGHUP:".
# $1: the section (.SH) to read.
entries() {
    awk -v want="$1" '
        function flush() {
            if (key != "") {
                printf "%s\t%s\t%s%s\n", key, sample,
                    (body ~ /Default:/ ? "D" : ""),
                    (body ~ /SIGHUP:/ ? "S" : "")
            }
            key = ""; sample = ""; body = ""
        }
        /^\.SH / {
            flush()
            sh = $0; sub(/^\.SH +/, "", sh); gsub(/"/, "", sh)
            next
        }
        sh != want { next }
        /^\.(TP|SS|PP|LP|P)( |$)/ { flush(); tp = ($1 == ".TP"); next }
        tp && /^\.B / { key = substr($0, 4); tp = 0; next }
        { tp = 0 }
        key != "" && sample == "" && /^\.\\" sample: / {
            sample = substr($0, 13); next
        }
        key != "" { body = body " " $0 }
        END { flush() }
    ' "$page"
}
entries "THE DAEMON'S KEYS" >"$tmp/entries"
cut -f1 "$tmp/entries" | sort >"$tmp/documented"

# ---- the page and the parser, both ways ----

if "$sluice" --list-config-keys >"$tmp/keys.raw" 2>"$tmp/err"; then
    ok "sluice --list-config-keys exits 0"
else
    not_ok "sluice --list-config-keys exits 0" "$(cat "$tmp/err")"
fi
sort "$tmp/keys.raw" >"$tmp/keys"
if [ "$(wc -l <"$tmp/keys")" -ge 30 ] \
        && [ "$(sort -u "$tmp/keys" | wc -l)" -eq "$(wc -l <"$tmp/keys")" ]
then
    ok "sluice --list-config-keys prints $(wc -l <"$tmp/keys") distinct keys"
else
    not_ok "sluice --list-config-keys prints distinct keys" \
        "$(wc -l <"$tmp/keys") lines"
fi
while read -r key; do
    if grep -qxF -e "$key" "$tmp/documented"; then
        ok "parser key $key is documented in sluice.yaml(5)"
    else
        not_ok "parser key $key is documented in sluice.yaml(5)" \
            "no '.TP' + '.B $key' entry under THE DAEMON'S KEYS"
    fi
done <"$tmp/keys"
while read -r key; do
    if grep -qxF -e "$key" "$tmp/keys"; then
        ok "documented key $key is a key of the parser"
    else
        not_ok "documented key $key is a key of the parser" \
            "not in sluice --list-config-keys"
    fi
done <"$tmp/documented"

# ---- each documented key, with a value of its type, and misspelt ----

have_nobody=false
id nobody >/dev/null 2>&1 && have_nobody=true
tab=$(printf '\t')
while IFS=$tab read -r key sample flags; do
    case $flags in
    DS) ok "$key: the entry says Default: and SIGHUP:" ;;
    *)  not_ok "$key: the entry says Default: and SIGHUP:" "flags '$flags'" ;;
    esac
    if [ -z "$sample" ]; then
        not_ok "$key: the entry has a sample" "no '.\\\" sample:' line"
        continue
    fi
    case $sample in
    *"user:"*)
        if ! $have_nobody; then
            skip "$key: sluice --check-config accepts its sample" \
                "no user nobody"
            continue
        fi ;;
    esac
    printf '%s\n' "$sample" >"$tmp/sample.yaml"
    if "$sluice" --check-config "$tmp/sample.yaml" >"$tmp/out" 2>"$tmp/err"
    then
        ok "$key: sluice --check-config accepts its sample"
    else
        not_ok "$key: sluice --check-config accepts its sample" \
            "$sample: $(head -n 1 "$tmp/err")"
    fi

    # The key misspelt: its last name, its last letter doubled.
    leaf=${key##*.}
    leaf=${leaf%\[\]}
    parent=${key%"$leaf"}
    parent=${parent%.}
    wrong=$leaf$(printf '%s' "$leaf" | tail -c 1)
    case $parent in
    "")  where="at top level" ;;
    *"[]") where="in ${parent%\[\]} entry" ;;
    *)   where="in $parent" ;;
    esac
    n=$(printf '%s\n' "$sample" \
        | grep -oE "(^|[^A-Za-z0-9_])$leaf:" | wc -l)
    if [ "$n" -ne 1 ]; then
        not_ok "$key: misspelt as $wrong, refused naming it" \
            "the sample must hold '$leaf:' once, not $n times"
        continue
    fi
    printf '%s\n' "$sample" \
        | sed -E "s/(^|[^A-Za-z0-9_])$leaf:/\\1$wrong:/" >"$tmp/wrong.yaml"
    if "$sluice" --check-config "$tmp/wrong.yaml" >"$tmp/out" 2>"$tmp/err"
    then
        not_ok "$key: misspelt as $wrong, refused naming it" "accepted"
    elif grep -qF -e "unknown key '$wrong' $where" "$tmp/err"; then
        ok "$key: misspelt as $wrong, refused naming it"
    else
        not_ok "$key: misspelt as $wrong, refused naming it" \
            "want \"unknown key '$wrong' $where\": $(head -n 1 "$tmp/err")"
    fi
done <"$tmp/entries"

# Every entry of APPS is an app's key: APP.KEY under the app's .SS.
awk '
    /^\.SH / { sh = $0; next }
    sh !~ /^\.SH APPS/ { next }
    /^\.SS / { app = $2; next }
    /^\.TP/ { tp = 1; next }
    tp && /^\.B / { print app "\t" $2 }
    { tp = 0 }
' "$page" >"$tmp/appkeys"
bad=$(awk -F'\t' 'index($2, $1 ".") != 1' "$tmp/appkeys")
if [ -s "$tmp/appkeys" ] && [ -z "$bad" ]; then
    ok "the $(wc -l <"$tmp/appkeys") app keys of APPS are APP.KEY under" \
        "their app"
else
    not_ok "the app keys of APPS are APP.KEY under their app" "$bad"
fi

# ---- the annotated example ----

if "$sluice" --check-config "$example" >"$tmp/out" 2>"$tmp/err"; then
    ok "docs/sluice.yaml: sluice --check-config accepts it"
else
    not_ok "docs/sluice.yaml: sluice --check-config accepts it" \
        "$(head -n 1 "$tmp/err")"
fi
"$sluice" --dump-config >"$tmp/defaults" 2>&1
"$sluice" -c "$example" --dump-config >"$tmp/example" 2>&1
if cmp -s "$tmp/defaults" "$tmp/example"; then
    ok "docs/sluice.yaml: its values are the embedded defaults" \
        "(--dump-config)"
else
    not_ok "docs/sluice.yaml: its values are the embedded defaults" \
        "$(diff "$tmp/defaults" "$tmp/example" | tr '\n' ' ' | head -c 300)"
fi
missing=
while read -r key; do
    leaf=${key##*.}
    leaf=${leaf%\[\]}
    grep -qE "^[ #-]*$leaf:" "$example" || missing="$missing $key"
done <"$tmp/keys"
if [ -z "$missing" ]; then
    ok "docs/sluice.yaml: every key is there, set or commented out"
else
    not_ok "docs/sluice.yaml: every key is there, set or commented out" \
        "missing:$missing"
fi

# ---- the man pages and --help ----

# The text of a page with roff's \- as -.
unescape() {
    sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' "$1"
}
unescape "$top_srcdir/docs/sluice.8" >"$tmp/sluice.8"
unescape "$top_srcdir/docs/sluicectl.8" >"$tmp/sluicectl.8"

"$sluice" --help >"$tmp/help" 2>&1
for opt in $(grep -oE '(^| )-(-[a-z][a-z-]*|[a-zA-Z])\b' "$tmp/help" \
             | tr -d ' ' | sort -u); do
    if grep -qE -e "(^|[^a-z-])$opt([^a-z-]|\$)" "$tmp/sluice.8"; then
        ok "sluice --help's $opt is in sluice(8)"
    else
        not_ok "sluice --help's $opt is in sluice(8)"
    fi
done
for word in 'sluice(8)' 'sluice.yaml(5)' 'sluicectl(8)' SLUICE_APP_PATH; do
    if grep -qF -e "$word" "$tmp/help"; then
        ok "sluice --help mentions $word"
    else
        not_ok "sluice --help mentions $word"
    fi
done
if grep -qxF '.B SLUICE_APP_PATH' "$tmp/sluice.8"; then
    ok "sluice(8) documents SLUICE_APP_PATH"
else
    not_ok "sluice(8) documents SLUICE_APP_PATH"
fi

if [ -x "$sluicectl" ]; then
    "$sluicectl" --help >"$tmp/ctlhelp" 2>&1
    # Commands: the indented words between "Commands:" and "Options".
    cmds=$(sed -n '/^Commands:/,/^Options/p' "$tmp/ctlhelp" \
        | grep -oE '^  [a-z][a-z-]*' | tr -d ' ')
    [ -n "$cmds" ] || not_ok "sluicectl --help lists commands"
    for cmd in $cmds; do
        if grep -qE -e "^\.(B|BI|BR) $cmd( |$)" "$tmp/sluicectl.8"; then
            ok "sluicectl command $cmd is in sluicectl(8)"
        else
            not_ok "sluicectl command $cmd is in sluicectl(8)"
        fi
    done
    for opt in $(grep -oE '^  (-h, )?--[a-z][a-z-]*' "$tmp/ctlhelp" \
                 | grep -oE -- '--[a-z-]+' | sort -u); do
        if grep -qE -e "(^|[^a-z-])$opt([^a-z-]|\$)" "$tmp/sluicectl.8"; then
            ok "sluicectl option $opt is in sluicectl(8)"
        else
            not_ok "sluicectl option $opt is in sluicectl(8)"
        fi
    done
    for var in $(grep -oE 'SLUICE_[A-Z]+' "$tmp/ctlhelp" | sort -u); do
        if grep -qxF ".B $var" "$tmp/sluicectl.8"; then
            ok "sluicectl --help's \$$var is in sluicectl(8)"
        else
            not_ok "sluicectl --help's \$$var is in sluicectl(8)"
        fi
    done
    if grep -qF 'sluicectl(8)' "$tmp/ctlhelp"; then
        ok "sluicectl --help names sluicectl(8)"
    else
        not_ok "sluicectl --help names sluicectl(8)"
    fi
else
    skip "sluicectl(8) against sluicectl --help" "$sluicectl is not built"
fi

for p in sluice.8 sluicectl.8 sluice.yaml.5; do
    if ! command -v groff >/dev/null 2>&1; then
        skip "groff renders $p without a warning" "no groff"
        continue
    fi
    if groff -man -Tutf8 -ww -z "$top_srcdir/docs/$p" >"$tmp/groff" 2>&1 \
            && [ ! -s "$tmp/groff" ]; then
        ok "groff renders $p without a warning"
    else
        not_ok "groff renders $p without a warning" \
            "$(head -n 3 "$tmp/groff" | tr '\n' ' ')"
    fi
done

# ---- errors point somewhere ----

printf 'openflow:\n  echo_intervall: 5\n' >"$tmp/bad.yaml"
"$sluice" --check-config "$tmp/bad.yaml" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status -eq 1 ] \
        && head -n 1 "$tmp/err" | grep -qF "$tmp/bad.yaml:2:3: unknown key" \
        && tail -n 1 "$tmp/err" \
           | grep -qF "$tmp/bad.yaml: configuration rejected: the keys and" \
        && tail -n 1 "$tmp/err" | grep -qF "sluice.yaml(5)"; then
    ok "--check-config of a bad file: exit 1, FILE:LINE:COL, then" \
        "'configuration rejected' naming sluice.yaml(5)"
else
    not_ok "--check-config of a bad file: exit 1, FILE:LINE:COL, then" \
        "'configuration rejected' naming sluice.yaml(5)" \
        "exit $status: $(tr '\n' '|' <"$tmp/err")"
fi
"$sluice" -c "$tmp/bad.yaml" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status -eq 1 ] \
        && tail -n 1 "$tmp/err" | grep -qF "sluice --check-config FILE"; then
    ok "sluice -c with a bad file: exit 1, the last line names" \
        "--check-config"
else
    not_ok "sluice -c with a bad file: exit 1, the last line names" \
        "--check-config" "exit $status: $(tr '\n' '|' <"$tmp/err")"
fi
"$sluice" --check-config "$tmp/no-such.yaml" >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] \
        && grep -qF "no-such.yaml: No such file or directory" "$tmp/err"
then
    ok "--check-config of a missing file: one line naming it"
else
    not_ok "--check-config of a missing file: one line naming it" \
        "exit $status: $(tr '\n' '|' <"$tmp/err")"
fi

# start_fails NAME PATTERN CONFIG: sluice -c CONFIG exits 1 and its last
# "cannot start:" line holds PATTERN (fixed string).  No OpenFlow or REST
# listener is left to bind unless CONFIG asks for one.
start_fails() {
    printf '%s\n' "$3" >"$tmp/start.yaml"
    $timeout "$sluice" -c "$tmp/start.yaml" --app-path "$apps" >"$tmp/out" \
        2>"$tmp/err" </dev/null
    status=$?
    line=$(grep -F 'cannot start:' "$tmp/err" | tail -n 1)
    if [ $status -eq 1 ] && printf '%s\n' "$line" | grep -qF -e "$2"; then
        ok "$1"
    else
        not_ok "$1" "exit $status: ${line:-$(tail -n 1 "$tmp/err")}"
    fi
}
# Should a start succeed after all, it must not hang the test.
timeout=
command -v timeout >/dev/null 2>&1 && timeout="timeout 10"
quiet='rest: {enabled: false}
log: {level: error}'
start_fails "an unknown app: where apps are looked for" \
    "not found in $apps: an app is the file NAME.so in --app-path" \
    "openflow: {listen: []}
$quiet
apps: [{name: no_such_app}]"
start_fails "an app refusing its section: its log line, its keys' page" \
    "init failed: Invalid argument: the app's own log line above says why" \
    "openflow: {listen: []}
$quiet
apps: [{name: l2_learning, config: {mod: reactive}}]"
start_fails "a missing TLS certificate: which key names it" \
    "$tmp/none.crt: No such file or directory: openflow.tls.certificate" \
    "openflow:
  listen: [\"ssl:127.0.0.1:6653\"]
  tls: {certificate: $tmp/none.crt, private_key: $tmp/none.key,
        verify_peer: false}
$quiet
apps: []"
start_fails "an address of no interface: what to listen on instead" \
    "Cannot assign requested address: no interface of this host has" \
    "openflow: {listen: [\"tcp:192.0.2.1:6653\"]}
$quiet
apps: []"

tap_done
