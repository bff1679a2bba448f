#!/bin/sh
# CTest: hot swap of a running `bttcd run` through `bttcd storage swap` (IPC admin methods).
# The node has no chain yet, so writes come from the test-only methods (BTTCD_STORAGE_TEST=1):
# a preload, then a writer thread that keeps committing batches during the swap. Checks: the
# final report, every acknowledged write present after the swap and after a restart (which
# must open lmdb, as the datadir record says), and the refusals: no node, unknown backend, a
# swap already running, the current database, a usage error.
# Usage: node_swap.sh BTTCD
set -u
bttcd=$1
tmp=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
ck() { if [ "$2" -ne 0 ]; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
d=$tmp/data
printf '[storage]\nbackend = storage-leveldb\n' >"$tmp/plugins.conf"
bt() { "$bttcd" --datadir "$d" "$@"; }
rpc() { bt attach --exec "$*"; }
num() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" | head -1; }

start_node() {
    BTTCD_STORAGE_TEST=1 "$bttcd" --config "$tmp/plugins.conf" --datadir "$d" run \
        >>"$tmp/node.log" 2>&1 &
    pid=$!
    i=0
    while ! rpc admin_storageStats >"$tmp/stats" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "FAIL: the node did not come up"
            tail -20 "$tmp/node.log"
            exit 1
        fi
        sleep 0.1
    done
}
stop_node() {
    kill "$pid"
    wait "$pid"
    ck "node exits cleanly on SIGTERM (exit $?)" $?
    pid=
}

# --- without a node ------------------------------------------------------------------------
bt storage swap --to storage-lmdb >"$tmp/out" 2>&1
ck "no node: exit 1 (got $?)" $(($? != 1))
grep -q "no bttcd at $d/bttcd.ipc (is the node running?)" "$tmp/out"
ck "no node: message: $(cat "$tmp/out")" $?
bt storage swap >"$tmp/out" 2>&1
ck "no --to: usage error exit 2 (got $?)" $(($? != 2))
"$bttcd" storage swap --help | grep -q "Usage: bttcd .*storage swap --to BACKEND"
ck "storage swap --help" $?

# --- swap leveldb -> lmdb while a writer commits --------------------------------------------
start_node
grep -q '"backend": "storage-leveldb"' "$tmp/stats"
ck "node opens leveldb: $(tr -d '\n' <"$tmp/stats")" $?
rpc 'test_storageFill {"batches": 1200, "keys": 50}' >"$tmp/fill"
ck "preload 60000 keys" $?
bt storage swap --to storage-nope >"$tmp/out" 2>&1
ck "unknown backend: exit 1 (got $?)" $(($? != 1))
grep -q "refused: .*storage-nope" "$tmp/out"
ck "unknown backend: message: $(cat "$tmp/out")" $?
bt storage swap --to storage-leveldb --path chaindata >"$tmp/out" 2>&1
ck "current database: exit 1 (got $?)" $(($? != 1))
grep -q "refused: the target is the current database" "$tmp/out"
ck "current database: message: $(cat "$tmp/out")" $?

rpc test_storageWriteStart >/dev/null
ck "writer started" $?
sleep 0.2
bt storage swap --to storage-lmdb >"$tmp/swap" 2>&1
rc=$?
sleep 0.2
rpc test_storageWriteStop >"$tmp/stop"
acked=$(num acked <"$tmp/stop")
cat "$tmp/swap"
ck "swap to lmdb: exit 0 (got $rc)" $rc
for want in "storage swap 1 started: storage-leveldb -> storage-lmdb (.*/chaindata-lmdb)" "keys copied" \
    "storage swap done: storage-leveldb -> storage-lmdb" "migration time:" "keys/s:" \
    "pause:" "longest commit wait:" "verified: .* keys, .* bytes, digest 0x[0-9a-f]\{64\}"; do
    grep -q "$want" "$tmp/swap"
    ck "report has '$want'" $?
done
[ "${acked:-0}" -gt 0 ] && ! grep -q '"error"' "$tmp/stop"
ck "writer acknowledged $acked batches without error" $?
rpc admin_storageSwapStatus >"$tmp/status"
grep -q '"phase": "done"' "$tmp/status" && grep -q '"running": false' "$tmp/status"
ck "admin_storageSwapStatus reports done" $?
check() { # backend
    rpc "test_storageCheck {\"batches\": 1200, \"keys\": 50, \"acked\": $acked}" >"$tmp/check"
    grep -q "\"backend\": \"$1\"" "$tmp/check" && [ "$(num missing <"$tmp/check")" = 0 ] &&
        [ "$(num wrong <"$tmp/check")" = 0 ] && [ "$(num extra <"$tmp/check")" = 0 ]
    ck "$2: every acknowledged key on $1: $(tr -d '\n ' <"$tmp/check")" $?
}
check storage-lmdb "after the swap"
stop_node

# --- restart: the record names lmdb ---------------------------------------------------------
start_node
grep -q '"backend": "storage-lmdb"' "$tmp/stats"
ck "restart opens lmdb: $(tr -d '\n' <"$tmp/stats")" $?
check storage-lmdb "after restart"

# --- a second swap while one runs; back to leveldb -----------------------------------------
printf '%s\n' 'admin_storageSwap {"to": "storage-leveldb"}' \
    'admin_storageSwap {"to": "storage-leveldb", "path": "other"}' |
    bt attach >"$tmp/two" 2>&1
grep -q "error -32000: a storage swap is already running" "$tmp/two"
ck "second swap refused: $(tr -d '\n' <"$tmp/two")" $?
i=0
while rpc admin_storageSwapStatus >"$tmp/status" && grep -q '"running": true' "$tmp/status"; do
    i=$((i + 1))
    [ $i -gt 600 ] && break
    sleep 0.1
done
grep -q '"phase": "done"' "$tmp/status" && grep -q '"to": "storage-leveldb"' "$tmp/status"
ck "swap back to leveldb done: $(tr -d '\n ' <"$tmp/status")" $?
check storage-leveldb "after the swap back"
rpc admin_storageVerify >"$tmp/verify"
[ "$(num keys <"$tmp/verify")" -gt 60000 ] && grep -q '"digest": "0x' "$tmp/verify"
ck "admin_storageVerify: $(tr -d '\n ' <"$tmp/verify")" $?
[ ! -e "$d/chaindata-lmdb" ] && [ ! -e "$d/other" ] && [ ! -e "$d/storage.swap" ]
ck "the retired lmdb directory and the intent are gone" $?
stop_node
exit $fail
