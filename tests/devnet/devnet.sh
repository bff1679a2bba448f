#!/bin/sh
# bttcd devnet end to end: up (4 validators running Delivery, tron+bsc+eth dev basechains),
# checks through `devnet status --json`, the validators' logs and REST servers and the
# basechains' JSON-RPC; a stopped validator and a dead basechain in the status; down, resume,
# --fresh (2 validators, tron only, --no-delivery), down. In the first run also the bridge
# (tests/devnet/bridge.sh: a deposit, a withdrawal and its exit on every basechain), the status
# page and the README's ethers/Hardhat snippets (ethers_quickstart.mjs).
# Usage: devnet.sh BTTCD
set -u
B=$1
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found (JSON checks)"; exit 77; }
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/bridge.sh"
T=$(mktemp -d /tmp/bttcd-devnet-XXXXXX)
D=$T/net
sup=
cleanup() {
    "$B" devnet down --dir "$D" >/dev/null 2>&1
    [ -n "$sup" ] && wait "$sup" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    [ -f "$T/out" ] && { echo "---- devnet output"; tail -n 30 "$T/out"; }
    for f in "$D"/logs/*.log; do
        [ -f "$f" ] && { echo "---- $f"; tail -n 15 "$f"; }
    done
    exit 1
}
say() { echo "== $*"; }
# Under the sanitizer build every process reports into its output: none may.
sanitizer_clean() {
    grep -l "AddressSanitizer\|LeakSanitizer\|runtime error:" "$T/out" "$D"/logs/*.log 2>/dev/null &&
        fail "sanitizer report (files above)"
    return 0
}

# start [OPTIONS]: the supervisor in the background, until its ready line.
start() {
    # emptied here: the background redirection may come after the first grep below, which
    # would otherwise find the previous run's ready line
    : >"$T/out"
    "$B" devnet --validators 4 --dir "$D" --no-tui "$@" >"$T/out" 2>&1 &
    sup=$!
    i=0
    while ! grep -q "bttcd devnet: ready" "$T/out" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 1800 ] || fail "devnet not ready after 180 s"
        kill -0 "$sup" 2>/dev/null || { sup=; fail "devnet exited before ready"; }
        sleep 0.1
    done
}
status() { "$B" devnet status --dir "$D" --json >"$T/$1.json" || fail "devnet status --json"; }
# status_until NAME COND: the status until the JS condition COND on s holds, 60 s at most (then
# the checks that follow report what is wrong). The status asks every process with an 800 ms
# limit, and a stopped process takes a while to exit: a validator starved of CPU (ASan on a
# loaded machine) shows "no answer" for a moment, one finishing its leak check still runs.
status_until() {
    n=0
    while :; do
        status "$1"
        node -e "const s=require('$T/$1.json'); process.exit(($2)?0:1)" && return 0
        n=$((n + 1))
        [ $n -le 60 ] || return 0
        sleep 1
    done
}
js() { node -e "const s=require('$T/$1.json'); const ok=(c,m)=>{if(!c){console.error('check failed: '+m);process.exit(1)}}; $2" || fail "$3"; }

say "help"
"$B" devnet --help | grep -q "Usage: bttcd devnet" || fail "devnet --help"
"$B" devnet status --help | grep -q "devnet status" || fail "devnet status --help"
"$B" devnet down --help | grep -q "devnet down" || fail "devnet down --help"
"$B" help devnet | grep -q "Usage: bttcd devnet" || fail "help devnet"
"$B" devnet --validators 0 2>/dev/null && fail "--validators 0 accepted"
"$B" devnet --bogus 2>/dev/null && fail "unknown option accepted"
"$B" devnet status --dir "$T/none" >/dev/null 2>&1 && fail "status of no devnet succeeded"
usage_error() { # usage_error WHAT ARGS...: exit status 2 and the message, nothing created
    what=$1
    shift
    "$B" devnet --dir "$T/none" "$@" >"$T/uerr" 2>&1
    [ $? -eq 2 ] || fail "$what: not a usage error"
    grep -q "Try 'bttcd devnet --help'" "$T/uerr" || fail "$what: no usage message"
    [ -e "$T/none" ] && fail "$what: created the directory"
    return 0
}
usage_error "--rootchains ''" --rootchains ''
usage_error "--rootchains ," --rootchains ,
usage_error "--rootchains doge" --rootchains tron,doge
usage_error "--eth-url without eth" --rootchains tron --eth-url http://127.0.0.1:1
usage_error "--bsc-url without bsc" --rootchains tron,eth --bsc-url http://127.0.0.1:1

say "up"
t0=$(date +%s)
start
say "ready after $(($(date +%s) - t0)) s"
status_until s1 "s.validators.every(v=>v.health==='ok') && s.basechains.every(b=>b.health==='ok')"
js s1 "
ok(s.validators.length===4,'4 validators');
for (const v of s.validators) ok(v.health==='ok' && v.running && Number.isInteger(v.head), v.name+' healthy');
for (const v of s.validators) ok(/^http:[/][/]127.0.0.1:[0-9]+$/.test(v.rest), v.name+' REST endpoint');
ok(new Set(s.validators.map(v=>v.rest)).size===4,'distinct REST ports');
ok(s.basechains.length===3,'3 basechains');
for (const b of s.basechains) {
  ok(Number.isInteger(b.head) && b.running && b.health==='ok', b.name+' answers');
  ok(Object.keys(b.contracts).length===11, b.name+' contracts');
  ok(b.staked===4, b.name+' staked validators: '+b.staked);
  // the first checkpoint may land already (about 30 s after the start)
  ok(b.last_checkpoint===null ? /none yet/.test(b.missing.last_checkpoint) && b.last_child_block===0
     : b.last_checkpoint%10000===0 && b.last_child_block>0, b.name+' checkpoint '+b.last_checkpoint);
  ok(b.state_syncs.sent===0, b.name+' StateSender.counter');
}
ok(s.basechains.find(b=>b.name==='tron').tron_api.startsWith('http://127.0.0.1:'),'tron api');
ok(s.dev_keys.length>=10 && s.dev_keys[0].private_key.length===66 && s.dev_keys[0].validator,'dev keys');
ok(/PUBLIC development keys/.test(s.dev_keys_warning),'dev key warning');
ok(s.span.id===0 && s.span.producers.length===4,'span 0 with 4 producers');
ok(s.bttc_chain_id===1337,'chain id');
ok(s.delivery.enabled===true,'Delivery on');
" "status after start"

say "Delivery: every validator commits heights, same app hash at every height, REST span 0"
i=0
while :; do
    status sd
    node -e "const s=require('$T/sd.json'); process.exit(s.validators.every(v=>v.delivery_height>=3)?0:1)" && break
    i=$((i + 1))
    [ $i -le 120 ] || fail "Delivery heights below 3 after 120 s"
    sleep 1
done
node -e "
const fs=require('fs');
const maps=[0,1,2,3].map(i=>{const m=new Map();
  for (const x of fs.readFileSync('$D/logs/v'+i+'.log','utf8').matchAll(/msg=\"?dlv_commit\"? height=(\\d+) round=\\d+ txs=\\d+ app_hash=([0-9a-f]+)/g)) m.set(x[1],x[2]);
  return m;});
let pairs=0;
for (const [h,a] of maps[0]) for (const m of maps.slice(1)) if (m.has(h)) { pairs++; if (m.get(h)!==a) { console.error('app hash differs at height '+h); process.exit(1); } }
if (pairs<9) { console.error('only '+pairs+' height pairs to compare'); process.exit(1); }
console.log('app hashes agree ('+pairs+' pairs)');
" || fail "Delivery app hashes"
js sd "
for (const v of s.validators) ok(Number.isInteger(v.delivery_height) && v.delivery_height>=3, v.name+' delivery height '+v.delivery_height);
// span 1 (and, on a slow start, later ones: spans are 64 blocks) may be frozen already
ok(s.delivery.latest_span && Number.isInteger(s.delivery.latest_span.id) && s.delivery.latest_span.producers.length===4,'Delivery latest span with 4 producers');
for (const b of s.basechains) ok(Number.isInteger(b.delivery_checkpoints) && b.state_syncs.pending===0 && b.state_syncs.in_delivery===0, b.name+' Delivery facts');
" "status: Delivery"
node -e "
const s=require('$T/sd.json');
(async()=>{
  for (const v of s.validators) {
    const j = await (await fetch(v.rest+'/bor/span/0')).json();
    const r = j.result;
    if (typeof j.height!=='string' || !r || Number(r.span_id)!==0 || Number(r.end_block)!==255 || r.bor_chain_id!=='1337' ||
        r.selected_producers.length!==4) { console.error(v.name+' /bor/span/0: '+JSON.stringify(j).slice(0,200)); process.exit(1); }
  }
})().catch(e=>{console.error(e);process.exit(1)});
" || fail "REST /bor/span/0 on every validator"
grep -q "no span source" "$D"/logs/v*.log && fail "a validator has no span source"
grep -q "Delivery runs in every validator" "$T/out" || fail "ready line names Delivery"

say "bridge: deposits on every basechain (they arrive while the checkpoints come)"
bridge_deposits eth bsc tron

say "a checkpoint lands on every basechain and Delivery acks it"
i=0
while :; do
    status sc
    node -e "const s=require('$T/sc.json'); process.exit(s.basechains.every(b=>b.last_checkpoint>0 && b.delivery_checkpoints>=1)?0:1)" && break
    i=$((i + 1))
    [ $i -le 240 ] || { cat "$T/sc.json" >&2; grep -h "bridge" "$D"/logs/v*.log | grep -v "event relayed" | tail -40 >&2; fail "no acked checkpoint on every basechain after 240 s"; }
    sleep 1
done
say "checkpoints after $(($(date +%s) - t0)) s"
js sc "
for (const b of s.basechains) {
  ok(b.last_checkpoint%10000===0 && b.last_checkpoint>=10000, b.name+' RootChain.currentHeaderBlock '+b.last_checkpoint);
  ok(b.last_child_block>0, b.name+' getLastChildBlock '+b.last_child_block);
  ok(b.delivery_checkpoints>=1, b.name+' acked in Delivery: '+b.delivery_checkpoints);
}
" "status: checkpoints"
for r in tron bsc eth; do
    grep -q "msg=\"bridge checkpoint submitted\" root=$r .*outcome=landed" "$D"/logs/v*.log || fail "no checkpoint landed on $r in the logs"
    grep -q "msg=\"bridge checkpoint acked\" root=$r " "$D"/logs/v*.log || fail "no ack of a $r checkpoint in the logs"
done
grep -q "Segmentation\|signal 11" "$T/out" && fail "a process crashed"

say "bridge: credits, burns, checkpoints covering them, exits; the status page; README snippets"
bridge_burns eth bsc tron
# the README's snippets on Bttc (dev key 0 again) while the exits wait for checkpoints
node "$HERE/ethers_quickstart.mjs" "$HERE/../../README.md" "$(br_bttc)" >"$T/qs" 2>&1 &
qs=$!
bridge_exits eth bsc tron
status_page_check
wait $qs
case $? in 0) cat "$T/qs" ;; 77) say "README snippets not checked: $(cat "$T/qs")" ;; *) cat "$T/qs"; fail "README snippets" ;; esac

say "code at every recorded address"
node -e "
const s=require('$T/s1.json');
(async()=>{
  for (const b of s.basechains) for (const [n,a] of Object.entries(b.contracts)) {
    const addr = a.startsWith('41') ? '0x'+a.slice(2) : a;
    const r = await fetch(b.url,{method:'POST',headers:{'content-type':'application/json'},
      body:JSON.stringify({jsonrpc:'2.0',id:1,method:'eth_getCode',params:[addr,'latest']})});
    const j = await r.json();
    if (!j.result || j.result.length<=2) { console.error(b.name+' '+n+' has no code'); process.exit(1); }
  }
})().catch(e=>{console.error(e);process.exit(1)});
" || fail "contract code"

say "Bttc advances on v0"
h1=$(node -e "console.log(require('$T/s1.json').validators[0].head)")
sleep 1
status s2
h2=$(node -e "console.log(require('$T/s2.json').validators[0].head)")
[ "$h2" -gt "$h1" ] || fail "v0 head did not advance ($h1 -> $h2)"
"$B" devnet status --dir "$D" | grep -q "DEVELOPMENT KEYS" || fail "status table"

say "the validators' rootchain adapters reach the three basechains"
"$B" rootchain status --config "$D/nodes/v0/plugins.conf" --json >"$T/rc.json" 2>"$T/rc.err" ||
    { cat "$T/rc.err"; fail "rootchain status"; }
js rc "
ok(s.length===3,'3 adapters');
for (const a of s) ok(a.ok && Number.isInteger(a.head) && a.head>0 && !a.error, a.name+' answers');
" "rootchain adapters"

say "a second start is refused while it runs, --fresh too (nothing deleted)"
"$B" devnet --dir "$D" --no-tui >"$T/out2" 2>&1 && fail "second supervisor started"
grep -q "runs already" "$T/out2" || fail "second start message"
"$B" devnet --fresh --dir "$D" --no-tui >"$T/out2" 2>&1 && fail "--fresh under a running supervisor"
grep -q "stop it first" "$T/out2" || fail "--fresh refusal message"
[ -f "$D/devnet.json" ] && kill -0 "$sup" || fail "--fresh touched the running devnet"

say "a stopped validator and a dead basechain in the status"
p3=$(cat "$D/run/v3.pid") pb=$(cat "$D/run/bsc.pid")
kill "$p3" "$pb"
i=0 # until both are gone (a sanitizer build takes seconds to exit)
while kill -0 "$p3" 2>/dev/null || kill -0 "$pb" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 300 ] || fail "v3 or bsc still runs 30 s after SIGTERM"
    sleep 0.1
done
status_until s5 "!s.validators[3].running && s.basechains.find(b=>b.name==='bsc').health==='down' && s.validators[0].health==='ok'"
js s5 "
const v=s.validators[3];
ok(v.health==='down' && !v.running,'v3 down');
for (const k of ['head','hash','proposer','peers','delivery_height']) ok(k in v && v[k]===null && v.missing[k]==='validator down', 'v3 '+k+' null with a reason');
const b=s.basechains.find(b=>b.name==='bsc');
ok(b.health==='down' && b.head===null && b.missing.head==='basechain down','bsc down');
ok(s.validators[0].health==='ok' && Number.isInteger(s.validators[0].delivery_height),'v0 still up');
" "status with v3 and bsc stopped"
"$B" devnet status --dir "$D" >"$T/table" || fail "status table"
grep -q "^bsc .*down .*down" "$T/table" || { cat "$T/table"; fail "a dead basechain shows down"; }
grep -q "^v3 .*down" "$T/table" || fail "a stopped validator shows down"

say "devnet restart brings them back (same ports), devnet stop stops one"
"$B" devnet restart v3 bsc --dir "$D" >"$T/rs" 2>&1 || { cat "$T/rs"; fail "devnet restart v3 bsc"; }
grep -q "v3 restarted (pid" "$T/rs" && grep -q "bsc restarted (pid" "$T/rs" || fail "restart messages"
"$B" devnet restart v7 --dir "$D" >/dev/null 2>&1
[ $? -eq 2 ] || fail "restart of a validator the devnet lacks: not a usage error"
status s6
js s6 "
ok(s.validators[3].health==='ok' && s.validators[3].http===require('$T/s5.json').validators[3].http,'v3 back on its port');
ok(s.basechains.find(b=>b.name==='bsc').health==='ok','bsc back');
" "status after the restarts"
"$B" devnet stop v3 --dir "$D" | grep -q "v3 stopped" || fail "devnet stop v3"
[ -f "$D/run/v3.pid" ] && fail "v3 pid file after devnet stop"

say "down"
pids=$(cat "$D"/run/*.pid)
[ "$(echo "$pids" | wc -w)" -eq 7 ] || fail "7 pid files (supervisor, 3 basechains, 3 validators): $pids"
"$B" devnet down --dir "$D" | grep -q stopped || fail "devnet down"
wait "$sup"
rc=$?
sup=
[ $rc -eq 0 ] || fail "supervisor exit status $rc"
for p in $pids; do kill -0 "$p" 2>/dev/null && fail "process $p still runs after down"; done
sanitizer_clean
ls "$D"/run/*.pid >/dev/null 2>&1 && fail "pid files left"
grep -q "bttcd devnet: stopped (data kept in" "$T/out" || fail "supervisor did not report its stop"

say "resume"
start
grep -q "resuming the network" "$T/out" || fail "not resumed"
status s3
node -e "
const a=require('$T/s2.json'), b=require('$T/s3.json');
for (let i=0;i<3;i++) if (JSON.stringify(a.basechains[i].contracts)!==JSON.stringify(b.basechains[i].contracts)) { console.error('addresses changed'); process.exit(1); }
for (let i=0;i<3;i++) if (!(b.basechains[i].head>=a.basechains[i].head)) { console.error('basechain went back'); process.exit(1); }
if (!(b.validators[0].head>=a.validators[0].head)) { console.error('v0 went back'); process.exit(1); }
for (let i=0;i<4;i++) if (a.validators[i].http!==b.validators[i].http || a.validators[i].rest!==b.validators[i].rest) { console.error('ports changed'); process.exit(1); }
" || fail "resume kept the network"

say "--fresh"
old_tron=$(node -e "console.log(require('$T/s3.json').basechains[0].head)")
"$B" devnet down --dir "$D" >/dev/null || fail "down before fresh"
wait "$sup"
rc=$?
sup=
[ $rc -eq 0 ] || fail "supervisor exit status $rc"
sanitizer_clean
start --fresh --validators 2 --rootchains tron --no-delivery
grep -q "a new network in .* (2 validators)" "$T/out" || fail "--fresh did not start over"
grep -q "Delivery is off (--no-delivery); spans come from" "$T/out" || fail "--no-delivery ready line"
grep -q "^span_file = " "$D/nodes/v0/plugins.conf" || fail "--no-delivery: no span_file"
status s4
node -e "
const s=require('$T/s4.json');
if (s.basechains.length!==1 || !(s.basechains[0].head < $old_tron)) { console.error('tron head not reset'); process.exit(1); }
if (s.basechains.some(b=>b.staked!==2)) { console.error('not staked after fresh'); process.exit(1); }
if (s.validators.length!==2 || s.delivery.enabled) { console.error('2 validators without Delivery'); process.exit(1); }
if (s.validators[0].delivery_height!==null || !/--no-delivery/.test(s.validators[0].missing.delivery_height)) { console.error('no Delivery height, with the reason'); process.exit(1); }
if (s.span.id!==0 || s.span.producers.length!==2) { console.error('span 0 from the file'); process.exit(1); }
" || fail "fresh network"
pids=$(cat "$D"/run/*.pid)
"$B" devnet down --dir "$D" >/dev/null || fail "final down"
wait "$sup"
rc=$?
sup=
[ $rc -eq 0 ] || fail "supervisor exit status $rc"
sanitizer_clean
for p in $pids; do kill -0 "$p" 2>/dev/null && fail "process $p still runs after the final down"; done
echo "devnet e2e: ok"
