#!/bin/sh
# A validator joins and leaves a running devnet through TRON staking (issues #13, #14;
# docs/devnet.md "Adding and removing validators"): four validators on a tron+eth devnet
# (Delivery takes the span seed from Ethereum), `devnet add-validator` stakes v4 on TRON's
# StakeManager and the supervisor starts it; its Staked event becomes MsgValidatorJoin, so v4 is
# in /staking/validator-set on all five nodes, among the selected producers of a span from
# block 256 on (/bor/span/{id}: span 1, 256-319, is frozen before v4 joins) and the author
# (bor_getAuthor) of a Bttc block; `devnet unstake 4`
# (UnstakeInit → MsgValidatorExit) takes it out of the set once the next TRON checkpoint is
# acked. Usage errors of both commands. About seven minutes, mostly waiting for span 2 (block 320).
# Usage: addval.sh BTTCD [ROOTCHAINS]   (default tron,eth; with tron alone the span seed comes
# from the TRON chain)
set -u
B=$1
ROOTS=${2:-tron,eth}
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found (JSON checks)"; exit 77; }
T=$(mktemp -d /tmp/bttcd-addval-XXXXXX)
D=$T/net
sup=
cleanup() {
    "$B" devnet down --dir "$D" >/dev/null 2>&1
    [ -n "$sup" ] && wait "$sup" 2>/dev/null
    if [ -n "${ADDVAL_KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    [ -f "$T/out" ] && { echo "---- devnet output"; tail -n 30 "$T/out"; }
    [ -f "$T/add" ] && { echo "---- add-validator output"; cat "$T/add"; }
    for f in "$D"/logs/*.log; do
        [ -f "$f" ] && { echo "---- $f"; grep -v "dlv_commit\|imported\|block sealed\|re-relayed" "$f" | tail -n 12; }
    done
    exit 1
}
say() { echo "== $(date +%T) $*"; }
t0=$(date +%s)
elapsed() { echo $(($(date +%s) - t0)); }
sanitizer_clean() {
    grep -l "AddressSanitizer\|LeakSanitizer\|runtime error:" "$T/out" "$D"/logs/*.log 2>/dev/null &&
        fail "sanitizer report (files above)"
    return 0
}
# rpc PORT METHOD PARAMS: the JSON-RPC result (JSON text) or nothing.
rpc() {
    curl -s -m 5 -H 'Content-Type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":$3}" "http://127.0.0.1:$1" |
        node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>{try{const r=JSON.parse(t);if(r.result!==undefined)console.log(JSON.stringify(r.result))}catch(e){}})'
}
rest() { curl -s -m 5 "http://127.0.0.1:$1$2"; }
V4=0x15d34aaf54267db7d7c367839aaf71a00a2c6a65 # dev account 4
# in_set PORT: v4's signer is in that node's Delivery validator set.
in_set() { rest "$1" /staking/validator-set | tr 'A-F' 'a-f' | grep -q "$V4"; }

say "usage errors"
"$B" devnet add-validator --help | grep -q "devnet add-validator" || fail "add-validator --help"
"$B" devnet unstake --help | grep -q "devnet unstake N" || fail "unstake --help"
"$B" devnet unstake --dir "$T/none" >/dev/null 2>&1
[ $? -eq 2 ] || fail "unstake without N: not a usage error"
"$B" devnet unstake x --dir "$T/none" >/dev/null 2>&1
[ $? -eq 2 ] || fail "unstake x: not a usage error"
mkdir "$T/empty"
"$B" devnet add-validator --dir "$T/empty" >"$T/err" 2>&1 && fail "add-validator without a devnet"
grep -q "no devnet" "$T/err" || fail "add-validator without a devnet: $(cat "$T/err")"

say "up: 4 validators, basechains $ROOTS"
"$B" devnet --validators 4 --rootchains "$ROOTS" --dir "$D" --no-tui >"$T/out" 2>&1 &
sup=$!
i=0
while ! grep -q "bttcd devnet: ready" "$T/out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 1800 ] || fail "devnet not ready after 180 s"
    kill -0 "$sup" 2>/dev/null || { sup=; fail "devnet exited before ready"; }
    sleep 0.1
done
say "ready after $(elapsed) s"
"$B" devnet status --dir "$D" --json >"$T/s1.json" || fail "status"
ports() { node -e "const s=require('$T/$1.json'); console.log(s.validators.map(v=>v.$2.replace(/.*:/,'')).join(' '))"; }
REST=$(ports s1 rest)
HTTP0=$(ports s1 http | cut -d' ' -f1)
"$B" devnet unstake 9 --dir "$D" >"$T/err" 2>&1
[ $? -eq 2 ] || fail "unstake 9: want exit status 2"
grep -q "no validator v9" "$T/err" || fail "unstake 9: $(cat "$T/err")"

say "add-validator"
"$B" devnet add-validator --dir "$D" >"$T/add" 2>&1 || fail "add-validator failed"
grep -q "validator v4: 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65" "$T/add" || fail "add-validator: no v4 line"
grep -q "basechain tron: staked" "$T/add" || fail "add-validator: no stake line"
grep -q "started v4" "$T/out" || fail "the supervisor did not start v4"
"$B" devnet status --dir "$D" --json >"$T/s2.json" || fail "status"
node -e "const s=require('$T/s2.json'); if(s.validators.length!==5||s.validators[4].address.toLowerCase()!=='$V4'||!s.validators[4].running) process.exit(1)" ||
    fail "status: v4 not listed as running"
REST=$(ports s2 rest)
REST4=$(echo "$REST" | cut -d' ' -f5)
say "v4 added after $(elapsed) s"

say "v4 in the validator set of all five"
i=0
for p in $REST; do
    while ! in_set "$p"; do
        i=$((i + 1))
        [ $i -le 240 ] || fail "v4 not in /staking/validator-set of port $p after 240 s"
        sleep 1
    done
done
say "in the set after $(elapsed) s"

# Span 0 (the genesis span, 0-255) has the four; Delivery's later spans are 64 blocks, span 1
# is frozen right after the start, so v4 comes in span 2 (320-383) or later.
say "v4 selected as a producer of a span from block 256 on"
sid=
i=0
while [ -z "$sid" ]; do
    l=$(rest "$(echo "$REST" | cut -d' ' -f1)" /bor/latest-span)
    sid=$(echo "$l" | node -e "let t='';process.stdin.on('data',d=>t+=d).on('end',()=>{try{const j=JSON.parse(t);const s=j.result||j;if(s.start_block>=256&&s.selected_producers.some(p=>p.signer.toLowerCase()==='$V4'))console.log(s.span_id+' '+s.start_block+' '+s.end_block)}catch(e){}})")
    i=$((i + 1))
    [ $i -le 420 ] || fail "no span from block 256 on with v4 among its producers after 420 s"
    [ -z "$sid" ] && sleep 1
done
set -- $sid
SPAN=$1 START=$2 END=$3
say "span $SPAN (blocks $START-$END) selects v4, after $(elapsed) s"
i=0
for p in $REST; do # v4's own Delivery may be a few heights behind
    while ! rest "$p" "/bor/span/$SPAN" | tr 'A-F' 'a-f' | grep -q "$V4"; do
        i=$((i + 1))
        [ $i -le 120 ] || fail "/bor/span/$SPAN on port $p: no v4 after 120 s"
        sleep 1
    done
done

# The first block from START on whose author (bor_getAuthor) is v4: a new validator's proposer
# priority starts low (PROTOCOL.md §4.4), so its first turn may come a few sprints later.
say "a Bttc block from $START on sealed by v4"
cat >"$T/author.mjs" <<'JS'
const [port, from, want, limit] = process.argv.slice(2);
const call = async (method, params) => {
    const r = await fetch(`http://127.0.0.1:${port}`, {method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({jsonrpc: '2.0', id: 1, method, params})});
    return (await r.json()).result;
};
const deadline = Date.now() + Number(limit) * 1000;
let n = Number(from);
for (;;) {
    let head = 0;
    try { head = Number(await call('eth_blockNumber', [])); } catch (e) {}
    for (; n <= head; n++) {
        const a = await call('bor_getAuthor', ['0x' + n.toString(16)]);
        if (String(a).toLowerCase() === want) { console.log(n); process.exit(0); }
    }
    if (Date.now() > deadline) { console.error(`no block by ${want} in ${from}..${head}`); process.exit(1); }
    await new Promise(r => setTimeout(r, 1000));
}
JS
found=$(node "$T/author.mjs" "$HTTP0" "$START" "$V4" 420) || fail "no Bttc block by v4 from block $START on after 420 s"
say "block $found sealed by v4, after $(elapsed) s"

say "unstake 4"
"$B" devnet unstake 4 --dir "$D" >"$T/un" 2>&1 || { cat "$T/un"; fail "unstake 4"; }
grep -q "basechain tron: validator id 5 (v4) unstaked" "$T/un" || fail "unstake: $(cat "$T/un")"
"$B" devnet unstake 4 --dir "$D" >"$T/err" 2>&1 && fail "a second unstake 4 succeeded"
i=0
for p in $(echo "$REST" | cut -d' ' -f1-4); do
    while in_set "$p"; do
        i=$((i + 1))
        [ $i -le 300 ] || fail "v4 still in /staking/validator-set of port $p after 300 s"
        sleep 1
    done
done
say "v4 left the set after $(elapsed) s"
# spans proposed from now on do not pick it (the producers /bor/prepare-next-span previews)
R0=$(echo "$REST" | cut -d' ' -f1)
rest "$R0" "/bor/prepare-next-span?span_id=1000&start_block=64000&chain_id=1337" >"$T/prep"
grep -q "selected_producers" "$T/prep" || fail "/bor/prepare-next-span: $(head -c 300 "$T/prep")"
tr 'A-F' 'a-f' <"$T/prep" | grep -q "$V4" && fail "/bor/prepare-next-span still selects v4"

"$B" devnet down --dir "$D" >/dev/null 2>&1 || fail "down"
wait "$sup" 2>/dev/null
sup=
grep -q "exited" "$T/out" && fail "a process exited while the devnet ran"
sanitizer_clean
say "ok after $(elapsed) s"
exit 0
