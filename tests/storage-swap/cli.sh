#!/bin/sh
# CTest: the offline storage commands. Data made by the swap driver (leveldb, swapped to lmdb)
# is verified, exported, imported into a fresh leveldb datadir and a fresh lmdb one, and the
# digests must match; import refuses a non-empty database and a damaged stream; --help works.
# Usage: cli.sh BTTCD SWAP_DRIVER
set -u
bttcd=$1
drv=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ck() { if [ "$2" -ne 0 ]; then echo "FAIL: $1"; fail=1; fi; }
for b in leveldb lmdb memory; do
    printf '[storage]\nbackend = storage-%s\n' "$b" >"$tmp/$b.conf"
done
mkdir -p "$tmp/a"
"$drv" run "$tmp/a" storage-leveldb storage-lmdb "$tmp/acks" >/dev/null 2>&1
ck "driver run" $?
run() { # conf datadir args...
    c=$1 d=$2
    shift 2
    "$bttcd" --log.level warn --config "$tmp/$c.conf" --datadir "$d" storage "$@"
}
run leveldb "$tmp/a" stats >"$tmp/stats" 2>&1
ck "stats: exit $?" $?
grep -q "backend=storage-lmdb" "$tmp/stats"
ck "stats names the recorded backend: $(cat "$tmp/stats")" $?
run leveldb "$tmp/a" verify >"$tmp/va" 2>&1
ck "verify a" $?
run leveldb "$tmp/a" export "$tmp/a.kv" >"$tmp/ea" 2>&1
ck "export: $(cat "$tmp/ea")" $?
want=$(sed 's/.*digest=\([0-9a-f]*\).*/\1/' "$tmp/va")
for b in leveldb lmdb memory; do
    run $b "$tmp/$b" import "$tmp/a.kv" >"$tmp/i$b" 2>&1
    ck "import into $b: $(cat "$tmp/i$b")" $?
    grep -q "digest=$want backend=storage-$b" "$tmp/i$b"
    ck "import into $b: digest $(cat "$tmp/i$b"), want $want" $?
    [ $b = memory ] && continue
    run $b "$tmp/$b" verify >"$tmp/v$b" 2>&1
    grep -q "digest=$want" "$tmp/v$b"
    ck "verify after import into $b: $(cat "$tmp/v$b")" $?
done
run leveldb "$tmp/leveldb" import "$tmp/a.kv" >"$tmp/again" 2>&1
ck "import into a non-empty database must fail" $((! $?))
grep -q "not empty" "$tmp/again"
ck "non-empty message: $(cat "$tmp/again")" $?
head -c 1000 "$tmp/a.kv" >"$tmp/cut.kv"
run lmdb "$tmp/cutdir" import "$tmp/cut.kv" >"$tmp/cut.out" 2>&1
ck "truncated stream must fail" $((! $?))
grep -q "truncated or malformed" "$tmp/cut.out"
ck "truncated message: $(cat "$tmp/cut.out")" $?
for c in stats verify export import; do
    "$bttcd" storage $c --help | grep -q "Usage: bttcd .*storage $c"
    ck "storage $c --help" $?
done
"$bttcd" storage export >/dev/null 2>&1
ck "export without FILE must be a usage error" $(($? != 2))
exit $fail
