#!/bin/sh
# CTest: bttcd's command-line edges a new user meets: errors before the logger are one escaped
# line; config paths that are not regular files; ~ in the datadir; the datadir lock; a bad
# --plugin-dir; plugins list with a disabled, missing plugin; write errors on stdout.
# Usage: cli.sh BTTCD SO_DIR
set -u
bttcd=$1
dir=$2
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL $pid 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
ck() { # description, condition result
    if [ "$2" -ne 0 ]; then
        echo "FAIL: $1"
        fail=1
    fi
}
has() { grep -qF -- "$1" "$2"; }
esc=$(printf '\033')

# 1. usage errors: control characters in the value are escaped; one line plus the hint.
"$bttcd" --log.level "x
y${esc}[2J" >"$tmp/out" 2>&1
rc=$?
ck "usage: exit $rc, want 2" $((rc != 2))
[ "$(head -n 1 "$tmp/out")" = "bttcd: --log.level: 'x\\ny\\x1b[2J' is not error|warn|info|debug|trace" ]
ck "usage: line '$(cat "$tmp/out")'" $?
[ "$(wc -l <"$tmp/out")" -eq 2 ]
ck "usage: not two lines" $?

# 2. a config that is not a regular file: refused at once, exit 2.
"$bttcd" plugins list --config /dev/zero >"$tmp/out" 2>&1
rc=$?
ck "config /dev/zero: exit $rc, want 2" $((rc != 2))
[ "$(cat "$tmp/out")" = "/dev/zero: not a regular file" ]
ck "config /dev/zero: '$(cat "$tmp/out")'" $?
mkfifo "$tmp/fifo.conf"
timeout 5 "$bttcd" plugins list --config "$tmp/fifo.conf" >"$tmp/out" 2>&1
rc=$?
ck "config FIFO: exit $rc, want 2" $((rc != 2))
"$bttcd" plugins list --config "$tmp" >"$tmp/out" 2>&1
[ "$(cat "$tmp/out")" = "$tmp: not a regular file (a directory)" ]
ck "config dir: '$(cat "$tmp/out")'" $?

# 3. plugins list: a disabled plugin whose file is missing is listed, exit 0; the [log] file
#    is not created by list.
printf '[log]\nfile = %s/list.log\n[plugin test-good]\npath = %s/good.so\n[plugin gone]\nenabled = off\n' \
    "$tmp" "$dir" >"$tmp/list.conf"
"$bttcd" plugins list --config "$tmp/list.conf" >"$tmp/out" 2>&1
rc=$?
ck "list: exit $rc, want 0 ($(cat "$tmp/out"))" $((rc != 0))
has "gone: disabled, not found (gone)" "$tmp/out"
ck "list: disabled plugin line missing: $(cat "$tmp/out")" $?
has "test-good: enabled file=$dir/good.so ok kind=rootchain" "$tmp/out"
ck "list: good plugin line missing" $?
[ -e "$tmp/list.log" ] && ck "list: created the log file" 1

# 4. ~ in --datadir and [node] datadir is HOME.
printf '[node]\ndatadir = ~/from-conf\n' >"$tmp/home.conf"
HOME=$tmp timeout -s INT 2 "$bttcd" run --config "$tmp/home.conf" >"$tmp/out" 2>&1
[ -d "$tmp/from-conf" ]
ck "[node] datadir ~: $tmp/from-conf not made ($(cat "$tmp/out"))" $?
HOME=$tmp timeout -s INT 2 "$bttcd" run --config "$tmp/home.conf" --datadir '~/from-cli' \
    >"$tmp/out" 2>&1
[ -d "$tmp/from-cli" ]
ck "--datadir ~: $tmp/from-cli not made" $?
[ -e "$tmp/~" ] && ck "a literal ~ directory was made" 1

# 5. one node per datadir: the second is refused with the first one's pid, exit 1.
printf '[plugin test-good]\npath = %s/good.so\n' "$dir" >"$tmp/good.conf"
"$bttcd" run --config "$tmp/good.conf" --datadir "$tmp/dd" --ipcdisable >"$tmp/first" 2>&1 &
pid=$!
i=0
while ! has 'bttcd ready' "$tmp/first" && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
"$bttcd" run --config "$tmp/good.conf" --datadir "$tmp/dd" --ipcdisable >"$tmp/out" 2>&1
rc=$?
ck "lock: exit $rc, want 1" $((rc != 1))
has "datadir $tmp/dd is in use by another bttcd (pid $pid)" "$tmp/out"
ck "lock: message missing: $(cat "$tmp/out")" $?
kill -TERM $pid
wait $pid
rc=$?
pid=
ck "lock: first node exit $rc, want 0" $((rc != 0))
"$bttcd" run --config "$tmp/good.conf" --datadir /proc --ipcdisable >"$tmp/out" 2>&1
rc=$?
ck "read-only datadir: exit $rc, want 1" $((rc != 1))
has "datadir /proc is not writable" "$tmp/out"
ck "read-only datadir: message missing: $(cat "$tmp/out")" $?

# 6. --plugin-dir must be a directory: usage error.
"$bttcd" run --config "$tmp/good.conf" --plugin-dir "$tmp/nowhere" >"$tmp/out" 2>&1
rc=$?
ck "plugin-dir missing: exit $rc, want 2" $((rc != 2))
has "bttcd: --plugin-dir $tmp/nowhere: no such directory" "$tmp/out"
ck "plugin-dir missing: '$(cat "$tmp/out")'" $?
"$bttcd" plugins list --config "$tmp/good.conf" --plugin-dir "$tmp/good.conf" >"$tmp/out" 2>&1
rc=$?
ck "plugin-dir file: exit $rc, want 2" $((rc != 2))
has "not a directory" "$tmp/out"
ck "plugin-dir file: '$(cat "$tmp/out")'" $?

# 7. write errors: stdout on a full disk is a failure.
if [ -w /dev/full ]; then
    "$bttcd" version >/dev/full 2>"$tmp/out"
    rc=$?
    ck "version >/dev/full: exit $rc, want 1" $((rc != 1))
    has "bttcd: cannot write to stdout: No space left on device" "$tmp/out"
    ck "version >/dev/full: '$(cat "$tmp/out")'" $?
fi

# 8. a relative --config names each searched directory once.
(cd "$tmp" && printf '[plugin nowhere]\npath = sub/nowhere.so\n' >rel.conf &&
    "$bttcd" run --config rel.conf --plugin-dir . >out 2>&1)
[ "$(cat "$tmp/out")" = "rel.conf:2: [plugin nowhere] path: sub/nowhere.so not found in ." ]
ck "relative config: '$(cat "$tmp/out")'" $?

[ "$fail" -eq 0 ] && echo "broken-plugins/cli: all cases as expected"
exit "$fail"
