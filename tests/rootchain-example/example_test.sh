#!/bin/sh
# Usage: example_test.sh BUILD_DIR SOURCE_DIR CMAKE GENERATOR CC ANVIL NODE
# Exit 0: every step passed; 1: a failure; 77 (skipped): anvil or node is not installed
# (scripts/setup runs `npm ci` in tests/rootchain) or BUILD_DIR/host/bttcd is not built.
set -eu
build=$1 src=$2 cmake=$3 gen=$4 cc=$5 anvil=$6 node=$7

step() { printf '\n=== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

[ -x "$anvil" ] || { echo "SKIPPED: $anvil missing: run npm ci in tests/rootchain (scripts/setup)"; exit 77; }
[ -x "$node" ] || { echo "SKIPPED: node not found"; exit 77; }
[ -x "$build/host/bttcd" ] || { echo "SKIPPED: $build/host/bttcd not built"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bt-rootchain-example.XXXXXX")
anvil_pid=""
cleanup() {
    rc=$?
    if [ -f "$tmp/anvil.pgid" ]; then
        /bin/kill -s TERM -- "-$(cat "$tmp/anvil.pgid")" 2>/dev/null || true
        wait "$anvil_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
prefix=$tmp/sdk

step "install the SDK into $prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
for f in include/bts/conform_rootchain.h include/bts/ethrpc.h lib/libbtsdk_conform_rootchain.a \
         bin/btsdk-conform-rootchain bin/bttcd lib/cmake/BtSDK/BtSDKTargets.cmake; do
    [ -f "$prefix/$f" ] || fail "not installed: $f"
done
grep -q "BtSDK::btsdk_conform_rootchain" "$prefix/lib/cmake/BtSDK/BtSDKTargets.cmake" ||
    fail "BtSDK does not export btsdk_conform_rootchain"

# A third party starts from a copy of the example; nothing of the tree is on its path.
cp -R "$src/examples/rootchain-example" "$tmp/example"

step "build the example out of tree with find_package(BtSDK)"
"$cmake" -S "$tmp/example" -B "$tmp/build" -G "$gen" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_INSTALL_PREFIX="$tmp/plugin-prefix" \
    >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; fail "configure against BtSDK"; }
"$cmake" --build "$tmp/build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "build against BtSDK"; }
so=$tmp/build/plugins/rootchain-example.so
[ -f "$so" ] || fail "no $so"
exports=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^_' | tr '\n' ' ')
[ "$exports" = "bt_plugin_query " ] || fail "$so exports more than bt_plugin_query: $exports"

step "bttcd plugins check (the installed bttcd)"
out=$("$prefix/bin/bttcd" plugins check "$so" 2>&1) || { echo "$out"; fail "bttcd plugins check: exit $?"; }
echo "$out"
echo "$out" | grep -q "ok kind=rootchain name=rootchain-example" || fail "unexpected answer"

step "start anvil"
port=$("$node" -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
# Its own process group: the npm wrapper spawns the real binary; the whole group is stopped at
# the end (setsid may fork, so the group id is written from inside).
setsid sh -c 'echo $$ >"$0"; exec "$1" --host 127.0.0.1 --port "$2" --chain-id 31337 --silent' \
    "$tmp/anvil.pgid" "$anvil" "$port" </dev/null >/dev/null 2>&1 &
anvil_pid=$!
url=http://127.0.0.1:$port
i=0
until "$node" -e "require('net').connect($port,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 100 ] || fail "anvil did not listen on $port"
    sleep 0.1
done
# anvil's first dev account: a public test key.
key=ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80

step "conformance suite through the example's CTest (BtSDK::btsdk_conform_rootchain)"
(cd "$tmp/build" && BT_CONFORM_URL=$url BT_CONFORM_CHAIN_ID=31337 BT_CONFORM_KEY=$key \
    "$(dirname "$cmake")/ctest" --output-on-failure) || fail "the example fails the conformance suite"

step "conformance suite through the installed runner btsdk-conform-rootchain"
echo "$key" >"$tmp/key"
"$prefix/bin/btsdk-conform-rootchain" "$so" "$url" 31337 "$tmp/key" confirmations=2 \
    | tee "$tmp/runner.log" || fail "btsdk-conform-rootchain"
grep -q "0 failed" "$tmp/runner.log" || fail "runner reported failures"
echo "rootchain-example: all steps passed"
