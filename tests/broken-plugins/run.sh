#!/bin/sh
# CTest: `bttcd run` with the test plugins: refusals and create failures end the node with
# exit 1 after destroying what was created, their reasons logged as escaped fields; config
# errors exit 2 with "<file>:<line>: ..."; the good plugin runs until SIGTERM and shuts down
# cleanly (exit 0); SIGHUP reopens the log.
# Usage: run.sh BTTCD SO_DIR
set -u
bttcd=$1
dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# query-hang.so: the check child's timeout is 1 s here (10 s by default).
BTTCD_CHECK_TIMEOUT=1
export BTTCD_CHECK_TIMEOUT
ck() { # description, condition result
    if [ "$2" -ne 0 ]; then
        echo "FAIL: $1"
        fail=1
    fi
}
has() { grep -qF -- "$1" "$2"; }

conf() { # name, body
    printf '%s\n' "$2" >"$tmp/$1.conf"
}
run() { # config name, extra args...: output in $tmp/out, exit status in $rc
    c=$1
    shift
    "$bttcd" run --config "$tmp/$c.conf" --datadir "$tmp/data" --log.level debug "$@" \
        >"$tmp/out" 2>&1
    rc=$?
}

# 1. create fails after a good plugin was created: exit 1, message, the good one destroyed.
conf createfail "[plugin test-good]
path = $dir/good.so
[plugin broken-create-fails]
path = $dir/create-fails.so"
run createfail
ck "create-fails: exit $rc, want 1" $((rc != 1))
# The reason is a field of the error event, its newline and escape code escaped.
has "level=error component=host msg=\"startup failed\" plugin=broken-create-fails step=create file=\"$dir/create-fails.so\" err=\"cannot open database: /nonexistent/db\\n\\x1b[31mforged line\"" "$tmp/out"
ck "create-fails: message missing" $?
grep -q '^.\[31mforged' "$tmp/out" && ck "create-fails: the plugin's message split the line" 1
has 'msg="plugin destroyed" plugin=test-good' "$tmp/out"
ck "create-fails: test-good not destroyed" $?

# 2. two files with the same plugin name: the second cannot match its section's name (section
#    names are unique), so it is refused as a mismatch; nothing is created.
conf dup "[plugin broken-dup]
path = $dir/dup-a.so
[plugin broken-dup-2]
path = $dir/dup-b.so"
run dup
ck "dup: exit $rc, want 1" $((rc != 1))
has "msg=\"plugin refused\" file=\"$dir/dup-b.so\" reason=\"name mismatch\" detail=\"$tmp/dup.conf:3 has [plugin broken-dup-2] but the plugin is named \\\"broken-dup\\\"\"" "$tmp/out"
ck "dup: refusal missing" $?
has 'plugin created' "$tmp/out" && ck "dup: a plugin was created" 1

# 2b. the same file under a second section name: a mismatch, not "duplicate ... from itself".
conf samefile "[plugin test-good]
path = $dir/good.so
[plugin other-name]
path = $dir/good.so"
run samefile
ck "samefile: exit $rc, want 1" $((rc != 1))
has "reason=\"name mismatch\" detail=\"$tmp/samefile.conf:3 has [plugin other-name]" "$tmp/out"
ck "samefile: mismatch missing ($(cat "$tmp/out"))" $?
has 'duplicate name' "$tmp/out" && ck "samefile: called a duplicate" 1

# 2c. plugins that exit, abort or hang while describing themselves are refused in the check
#     child; the node says so and exits 1 instead of vanishing (or hanging) with them.
conf query "[plugin test-good]
path = $dir/good.so
[plugin broken-exit]
path = $dir/query-exit.so
[plugin broken-abort]
path = $dir/query-abort.so
[plugin broken-hang]
path = $dir/query-hang.so"
run query
ck "query: exit $rc, want 1" $((rc != 1))
for want in "file=\"$dir/query-exit.so\" reason=\"exited in bt_plugin_query\" detail=\"exit status 0\"" \
    "file=\"$dir/query-abort.so\" reason=\"crashed in bt_plugin_query\" detail=\"killed by signal 6, Aborted\"" \
    "file=\"$dir/query-hang.so\" reason=\"timed out in bt_plugin_query\" detail=\"no answer within 1 s\"" \
    'msg="startup failed" refused=3'; do
    has "$want" "$tmp/out"
    ck "query: log lacks '$want' ($(cat "$tmp/out"))" $?
done
has 'plugin created' "$tmp/out" && ck "query: a plugin was created" 1

# 2d. with --log.file the reasons are in the file, and stderr still says why; with JSON every
#     line is one JSON object.
run createfail --log.file "$tmp/fail.log"
ck "log file: exit $rc, want 1" $((rc != 1))
has 'step=create' "$tmp/fail.log"
ck "log file: reason not logged" $?
[ "$(cat "$tmp/out")" = "bttcd: startup failed: $dir/create-fails.so: create failed: cannot open database: /nonexistent/db\n\x1b[31mforged line" ]
ck "log file: stderr '$(cat "$tmp/out")'" $?
run query --log.format json
ck "json: exit $rc, want 1" $((rc != 1))
grep -v '^{"ts":".*}$' "$tmp/out" >"$tmp/notjson"
[ -s "$tmp/notjson" ] && ck "json: lines that are not JSON: $(cat "$tmp/notjson")" 1

# 2e. a plugin's own config error (bts_conf: unknown key) is a plugins.conf error: exit 2, one
#     line. The template is found in the build tree's plugins/ (bttcd runs from the build tree).
conf plugconf "[plugin rootchain-template]
poll_intervall = 2s"
run plugconf --log.level info
ck "plugin conf error: exit $rc, want 2 ($(cat "$tmp/out"))" $((rc != 2))
grep 'level=error' "$tmp/out" >"$tmp/errs"
[ "$(wc -l <"$tmp/errs")" -eq 1 ] && has "err=\"$tmp/plugconf.conf:2: poll_intervall: unknown key\"" "$tmp/errs"
ck "plugin conf error: not one error line: $(cat "$tmp/out")" $?

# 3. the section name must be the descriptor's name; every refusal is listed.
conf mismatch "[plugin other-name]
path = $dir/good.so
[plugin broken-no-query]
path = $dir/no-query.so"
run mismatch
ck "mismatch: exit $rc, want 1" $((rc != 1))
has "file=\"$dir/good.so\" reason=\"name mismatch\" detail=\"$tmp/mismatch.conf:1 has [plugin other-name] but the plugin is named \\\"test-good\\\"\"" "$tmp/out"
ck "mismatch: refusal missing" $?
has "file=\"$dir/no-query.so\" reason=\"no bt_plugin_query\"" "$tmp/out"
ck "mismatch: second refusal missing" $?

# 4. config errors: exit 2 and one line naming file and line.
run missing
ck "missing config: exit $rc, want 2" $((rc != 2))
has "$tmp/missing.conf: cannot open: No such file or directory" "$tmp/out"
ck "missing config: message" $?
conf badsect "[node]
[bogus]"
run badsect
ck "bad section: exit $rc, want 2" $((rc != 2))
[ "$(cat "$tmp/out")" = "$tmp/badsect.conf:2: unknown section [bogus] (expected [node], [log], [signer], [storage] or [plugin NAME])" ]
ck "bad section: output '$(cat "$tmp/out")'" $?
conf notfound "[plugin nowhere]"
run notfound --plugin-dir "$dir"
ck "plugin not found: exit $rc, want 2" $((rc != 2))
has "$tmp/notfound.conf:1: [plugin nowhere] path: nowhere.so not found in $dir" "$tmp/out"
ck "plugin not found: message '$(cat "$tmp/out")'" $?

# 5. the good plugin (found by bare name in --plugin-dir; a disabled broken one is skipped)
#    serves until SIGTERM; SIGHUP reopens the log file.
conf good "[log]
format = logfmt
[plugin test-good]
path = good
greeting = hi there
[plugin broken-create-fails]
path = $dir/create-fails.so
enabled = no"
"$bttcd" run --config "$tmp/good.conf" --datadir "$tmp/data" --log.level debug \
    --plugin-dir "$dir" --log.file "$tmp/node.log" >"$tmp/out" 2>&1 &
pid=$!
i=0
while ! grep -q 'bttcd ready' "$tmp/node.log" 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
mv "$tmp/node.log" "$tmp/node.log.1"
kill -HUP $pid
i=0
while ! grep -q 'log reopened' "$tmp/node.log" 2>/dev/null && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
kill -TERM $pid
wait $pid
rc=$?
cat "$tmp/node.log.1" "$tmp/node.log" >"$tmp/all.log" 2>/dev/null
ck "good: exit $rc, want 0 (output: $(cat "$tmp/out"))" $((rc != 0))
for want in 'msg="plugin loaded" plugin=test-good kind=rootchain version=1.0.0' \
    'plugin=test-good msg="created" greeting="hi there"' 'msg="bttcd ready"' \
    'msg="log reopened"' 'msg="shutting down" signal=SIGTERM' \
    'plugin=test-good msg="work done" status=0' 'plugin=test-good msg="deferred call ran"' 'plugin=test-good msg="stopped"' \
    'msg="memory at release" bytes=0 blocks=0' 'msg="stopped"'; do
    has "$want" "$tmp/all.log"
    ck "good: log lacks '$want'" $?
done
has 'broken-create-fails' "$tmp/all.log" && ck "good: disabled plugin was loaded" 1
[ "$(stat -c %a "$tmp/data")" = 700 ]
ck "datadir mode is not 0700" $?

[ "$fail" -eq 0 ] && echo "broken-plugins/run: all cases as expected"
exit "$fail"
