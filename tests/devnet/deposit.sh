#!/bin/sh
# The devnet bridge, deposit side, end to end: a devnet with Delivery (2 validators, tron + eth
# basechains, or the list given as $2), then for each basechain `bttcd bridge deposit --amount
# 100` from dev key 0 locks TestToken in its DepositManager, and within 90 s (25-55 s seen) the
# mapped child token on Bttc (status --json basechains.<root>.bttc.ChildToken) credits dev
# account 0 with 100: StateSender log -> Delivery event record -> commitState -> ChildChain. Then
# `bttcd bridge withdraw --amount 40` (the default --token: that child token) burns 40 on Bttc.
# Usage: deposit.sh BTTCD [ROOTCHAINS]   (KEEP=1: keep the temporary directory)
set -u
B=$1
ROOTS=${2:-tron,eth}
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found (JSON checks)"; exit 77; }
T=$(mktemp -d /tmp/bttcd-deposit-XXXXXX)
D=$T/net
sup=
cleanup() {
    "$B" devnet down --dir "$D" >/dev/null 2>&1
    [ -n "$sup" ] && wait "$sup" 2>/dev/null
    if [ -n "${KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    [ -f "$T/out" ] && { echo "---- devnet output"; tail -n 30 "$T/out"; }
    for f in "$D"/logs/*.log; do
        [ -f "$f" ] && { echo "---- $f"; grep -i "state\|clerk\|record\|error" "$f" | tail -n 15; }
    done
    exit 1
}
say() { echo "== $*"; }

say "up ($ROOTS)"
t0=$(date +%s)
"$B" devnet --validators 2 --rootchains "$ROOTS" --dir "$D" --no-tui >"$T/out" 2>&1 &
sup=$!
i=0
while ! grep -q "bttcd devnet: ready" "$T/out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 1800 ] || fail "devnet not ready after 180 s"
    kill -0 "$sup" 2>/dev/null || { sup=; fail "devnet exited before ready"; }
    sleep 0.1
done
say "ready after $(($(date +%s) - t0)) s"
"$B" devnet status --dir "$D" --json >"$T/s.json" || fail "devnet status --json"
node -e "
const s=require('$T/s.json'), st=require('$D/devnet.json');
for (const r of '$ROOTS'.split(',')) {
  const a=(s.basechains.find(x=>x.name===r)||{}).bttc, b=st.basechains[r].bttc;
  if (!a || !/^0x[0-9a-f]{40}\$/.test(a.ChildToken) || !/^0x[0-9a-f]{40}\$/.test(a.ChildChain)) throw new Error(r+': no bttc child contracts in status --json');
  if (!b || b.ChildToken!==a.ChildToken || b.ChildChain!==a.ChildChain) throw new Error(r+': devnet.json and status differ');
}" || fail "child contracts in status/devnet.json"
BTTC=$(node -e "console.log(require('$T/s.json').validators[0].http || '')")
[ -n "$BTTC" ] || BTTC=http://127.0.0.1:$(node -e "console.log(require('$D/devnet.json').nodes[0].http_port)")

# balance TOKEN ADDR: ERC-20 balanceOf on Bttc, decimal
balance() {
    node -e "
fetch('$BTTC',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({jsonrpc:'2.0',id:1,method:'eth_call',params:[{to:'$1',data:'0x70a08231'+'$2'.slice(2).padStart(64,'0')},'latest']})})
 .then(r=>r.json()).then(j=>console.log(j.result && j.result!=='0x' ? BigInt(j.result).toString() : 'error '+JSON.stringify(j)))
 .catch(e=>console.log('error '+e))"
}
USER=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266 # dev account 0: the default sender
for r in $(echo "$ROOTS" | tr , ' '); do
    TOKEN=$(node -e "console.log(require('$D/devnet.json').basechains['$r'].bttc.ChildToken)")
    before=$(balance "$TOKEN" "$USER")
    [ "$before" = 0 ] || fail "$r: child balance before the deposit: $before"
    say "$r: bridge deposit --amount 100 (child token $TOKEN)"
    "$B" bridge deposit --dir "$D" --rootchain "$r" --amount 100 >"$T/dep" 2>&1 ||
        { cat "$T/dep"; fail "$r: bridge deposit"; }
    cat "$T/dep"
    grep -q "state sync id" "$T/dep" || fail "$r: no StateSynced log in the deposit receipt"
    t1=$(date +%s)
    i=0
    while :; do
        got=$(balance "$TOKEN" "$USER")
        [ "$got" = 100 ] && break
        i=$((i + 1))
        [ $i -le 180 ] || fail "$r: child balance $got after 90 s (want 100)"
        sleep 0.5
    done
    say "$r: 100 credited on Bttc after $(($(date +%s) - t1)) s"
    "$B" bridge withdraw --dir "$D" --rootchain "$r" --amount 40 >"$T/wd" 2>&1 ||
        { cat "$T/wd"; fail "$r: bridge withdraw"; }
    grep -q "exit-payload --rootchain $r --tx 0x" "$T/wd" || { cat "$T/wd"; fail "$r: no exit hint"; }
    got=$(balance "$TOKEN" "$USER")
    [ "$got" = 60 ] || fail "$r: child balance $got after burning 40 (want 60)"
    say "$r: withdraw burnt 40 on Bttc"
done
grep -l "AddressSanitizer\|LeakSanitizer\|runtime error:" "$T/out" "$D"/logs/*.log 2>/dev/null &&
    fail "sanitizer report (files above)"
"$B" devnet down --dir "$D" >/dev/null 2>&1 || fail "devnet down"
wait "$sup" 2>/dev/null
sup=
say "ok"
