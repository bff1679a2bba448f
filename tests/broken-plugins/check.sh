#!/bin/sh
# CTest: `bttcd plugins check` over every test plugin must print exactly expected.txt and exit
# 1; each file checked alone must print its own line and exit 0 (ok) or 1 (refused).
# Usage: check.sh BTTCD SO_DIR EXPECTED
set -u
bttcd=$1
dir=$2
expected=$3
fail=0
cd "$dir" || exit 1
# query-hang.so never answers: the check's timeout (10 s by default) is 1 s here.
BTTCD_CHECK_TIMEOUT=1
export BTTCD_CHECK_TIMEOUT
err=$(mktemp)
trap 'rm -f "$err"; rm -rf "$dir/a-dir.so" "$dir/a-fifo.so"' EXIT
files=$(sed 's/:.*//' "$expected")

# shellcheck disable=SC2086 # one word per file, by construction
out=$("$bttcd" plugins check $files 2>"$err")
rc=$?
# Nothing a plugin prints (ctor-print.so's constructor) reaches check's stdout or stderr.
[ -s "$err" ] && { echo "FAIL: plugins check wrote to stderr: $(cat "$err")"; fail=1; }
if [ "$out" != "$(cat "$expected")" ]; then
    echo "FAIL: plugins check output differs from expected.txt:"
    printf '%s\n' "$out" | diff -u "$expected" - || true
    fail=1
fi
[ "$rc" -eq 1 ] || { echo "FAIL: plugins check over all files exited $rc, want 1"; fail=1; }

for f in $files; do
    want=$(grep "^$f: " "$expected")
    # Alone, the second of two same-named plugins has nothing to clash with.
    [ "$f" = dup-b.so ] && want="dup-b.so: ok kind=rootchain name=broken-dup version=0.0.1 abi=1.0"
    case "$want" in
    *": ok "*) want_rc=0 ;;
    *) want_rc=1 ;;
    esac
    got=$("$bttcd" plugins check "$f")
    rc=$?
    [ "$got" = "$want" ] || { echo "FAIL: $f alone: got '$got', want '$want'"; fail=1; }
    [ "$rc" -eq "$want_rc" ] || { echo "FAIL: $f alone: exit $rc, want $want_rc"; fail=1; }
done

# A file that does not exist is refused too, and the rest of the list still gets checked.
out=$("$bttcd" plugins check no-such-plugin.so good.so)
rc=$?
want="no-such-plugin.so: refused: cannot load (No such file or directory)
good.so: ok kind=rootchain name=test-good version=1.0.0 abi=1.0"
[ "$out" = "$want" ] || { echo "FAIL: missing file: got '$out'"; fail=1; }
[ "$rc" -eq 1 ] || { echo "FAIL: missing file: exit $rc, want 1"; fail=1; }

# Not regular files: named as such, at once (a FIFO would block dlopen until the timeout).
rm -rf a-dir.so a-fifo.so
mkdir a-dir.so
mkfifo a-fifo.so
out=$("$bttcd" plugins check a-dir.so a-fifo.so)
rc=$?
want="a-dir.so: refused: not a regular file (a directory)
a-fifo.so: refused: not a regular file (a FIFO)"
[ "$out" = "$want" ] || { echo "FAIL: not regular files: got '$out'"; fail=1; }
[ "$rc" -eq 1 ] || { echo "FAIL: not regular files: exit $rc, want 1"; fail=1; }

[ "$fail" -eq 0 ] && echo "broken-plugins/check: all $(echo "$files" | wc -w) files as expected"
exit "$fail"
