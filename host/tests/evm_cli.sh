#!/bin/sh
# bttcd evm run, --trace and --help on a tiny program: PUSH1 1 PUSH1 2 ADD PUSH1 0 MSTORE
# PUSH1 32 PUSH1 0 RETURN returns the word 3 and costs 24 gas (MSTORE: 3 + one word of memory).
set -u
BTTCD=$1
fail() { echo "FAIL: $*"; exit 1; }
code=600160020160005260206000f3
out=$("$BTTCD" evm run --code "$code") || fail "run exited $?"
echo "$out" | grep -qx "status: success" || fail "status: $out"
echo "$out" | grep -qx "output: 0x0000000000000000000000000000000000000000000000000000000000000003" ||
    fail "output: $out"
echo "$out" | grep -qx "gas used: 24" || fail "gas: $out"
# Out of gas after the first PUSH1: the trace names the failing step.
tr=$("$BTTCD" evm run --code "$code" --gas 5 --trace) || fail "trace exited $?"
echo "$tr" | grep -q '"failed": true' || fail "trace failed flag: $tr"
echo "$tr" | grep -q '"error": "out of gas"' || fail "trace error: $tr"
tr=$("$BTTCD" evm run --code "$code" --trace) || fail "trace exited $?"
echo "$tr" | grep -q '"op": "MSTORE"' || fail "trace op: $tr"
echo "$tr" | grep -q '"gasCost": 6' || fail "trace MSTORE cost: $tr"
echo "$tr" | grep -q '"returnValue": "0000000000000000000000000000000000000000000000000000000000000003"' ||
    fail "trace returnValue: $tr"
# SSTORE 1 to slot 0 (PUSH1 1 PUSH1 0 SSTORE): the step shows the slot as geth does.
tr=$("$BTTCD" evm run --code 6001600055 --trace) || fail "sstore trace exited $?"
echo "$tr" | grep -q '"0000000000000000000000000000000000000000000000000000000000000000": "0000000000000000000000000000000000000000000000000000000000000001"' ||
    fail "trace storage: $tr"
b=$("$BTTCD" evm run --code "$code" --bench 0.01) || fail "bench exited $?"
echo "$b" | grep -q "^bench: [0-9]* runs, median" || fail "bench: $b"
"$BTTCD" evm --help | grep -q "^Usage: bttcd \[--plugin-dir DIR\] evm statetest" || fail "help"
"$BTTCD" evm run >/dev/null 2>&1
[ $? -eq 2 ] || fail "run without --code must exit 2"
"$BTTCD" evm statetest --fork Frontier x >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown fork must exit 2"
# --plugin names the file; a plugin of another kind is refused.
plugins=$(dirname "$BTTCD")/../plugins
if [ -f "$plugins/storage-memory.so" ]; then
    msg=$("$BTTCD" evm run --plugin "$plugins/storage-memory.so" --code 00 2>&1)
    [ $? -eq 1 ] || fail "a storage plugin must be refused"
    echo "$msg" | grep -q "not an EVM plugin (kind storage)" || fail "refusal: $msg"
    "$BTTCD" evm run --plugin "$plugins/evm.so" --code 00 | grep -qx "status: success" ||
        fail "--plugin evm.so"
fi
echo ok
