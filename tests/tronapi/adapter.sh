#!/bin/sh
# The rootchain-tron adapter's live check against the dev TRON API: `bttcd run --dev
# --tron-api.port 0` with a contract in the genesis allocation (get() / set(uint256), the one
# tronweb.test.js uses); the adapter reads heights, calls get() and sends set(7) signed with dev
# key 0, which must land.
# Usage: adapter.sh BTTCD ADAPTER_TEST_BINARY
set -u
BTTCD=$1
ADAPTER=$2
T=$(mktemp -d /tmp/bttcd-tronapi-adapter-XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid"
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$T/err" ] && tail -n 20 "$T/err"; exit 1; }

topic=df7a95aebff315db1b7716215d602ab537373cdb769232aae6055c06e798425b # keccak("Set(uint256)")
code="0x60003560e01c80636d4ce63c14601e57806360fe47b114602a57600080fd5b60005460005260206000f35b"
code="${code}600435806000556000527f${topic}60206000a100"
fund='{"balance":"0x21e19e0c9bab2400000"}'
cat >"$T/genesis.json" <<G
{"config":{"chainId":1337,"homesteadBlock":0,"eip150Block":0,"eip155Block":0,"eip158Block":0,
 "byzantiumBlock":0,"constantinopleBlock":0,"petersburgBlock":0,"istanbulBlock":0,
 "berlinBlock":0,"londonBlock":0},
 "gasLimit":"0x1c9c380","difficulty":"0x1","baseFeePerGas":"0x3b9aca00","timestamp":"0x1",
 "alloc":{"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266":$fund,
          "0x00000000000000000000000000000000000c0de0":{"balance":"0x0","code":"$code"}}}
G
cd "$T" || exit 1
"$BTTCD" run --dev --genesis "$T/genesis.json" --datadir "$T/d" --ipcdisable \
    --tron-api.port 0 >"$T/out" 2>"$T/err" &
pid=$!
i=0
while ! grep -q "bttcd ready" "$T/err" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 600 ] || fail "bttcd not ready"
    kill -0 "$pid" 2>/dev/null || { pid=; fail "bttcd exited"; }
    sleep 0.1
done
port=$(sed -n 's/.*msg="tron api" addr=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/err" | head -n 1)
[ -n "$port" ] || fail "no tron api port logged"
BT_TRON_API_URL="http://127.0.0.1:$port" \
BT_TRON_API_CONTRACT=4100000000000000000000000000000000000c0de0 \
BT_TRON_API_DATA=60fe47b10000000000000000000000000000000000000000000000000000000000000007 \
BT_TRON_API_SEND=1 \
BT_TRON_API_KEY=ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 \
    "$ADAPTER" >"$T/adapter.log" 2>&1
rc=$?
cat "$T/adapter.log"
[ $rc -eq 0 ] || fail "adapter test failed ($rc)"
grep -q "live send: status ok tx_status 1 block [1-9]" "$T/adapter.log" || fail "the send did not land"
# the node's own view: slot 0 now holds 7
val=$(curl -s -X POST "http://127.0.0.1:$port/wallet/triggerconstantcontract" \
    -d '{"owner_address":"41f39fd6e51aad88f6f4ce6ab8827279cfffb92266","contract_address":"4100000000000000000000000000000000000c0de0","function_selector":"get()"}')
echo "$val" | grep -q '"constant_result":\["0*7"\]' || fail "get() after the send: $val"
# a clean shutdown (no leak report under the sanitizer build)
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || fail "bttcd exit status $rc"
echo "1 passed, 0 failed"
