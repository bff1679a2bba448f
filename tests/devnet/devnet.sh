#!/bin/sh
# bttcd devnet end to end: up (2 validators, tron+bsc+eth dev basechains), checks through
# `devnet status --json` and the basechains' JSON-RPC, down, resume, --fresh, down.
# Usage: devnet.sh BTTCD
set -u
B=$1
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found (JSON checks)"; exit 77; }
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
    "$B" devnet --validators 2 --dir "$D" --no-tui "$@" >"$T/out" 2>&1 &
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
js() { node -e "const s=require('$T/$1.json'); const ok=(c,m)=>{if(!c){console.error('check failed: '+m);process.exit(1)}}; $2" || fail "$3"; }

say "help"
"$B" devnet --help | grep -q "Usage: bttcd devnet" || fail "devnet --help"
"$B" devnet status --help | grep -q "devnet status" || fail "devnet status --help"
"$B" devnet down --help | grep -q "devnet down" || fail "devnet down --help"
"$B" help devnet | grep -q "Usage: bttcd devnet" || fail "help devnet"
"$B" devnet --validators 0 2>/dev/null && fail "--validators 0 accepted"
"$B" devnet --bogus 2>/dev/null && fail "unknown option accepted"
"$B" devnet status --dir "$T/none" >/dev/null 2>&1 && fail "status of no devnet succeeded"

say "up"
t0=$(date +%s)
start
say "ready after $(($(date +%s) - t0)) s"
status s1
js s1 "
ok(s.validators.length===2,'2 validators');
for (const v of s.validators) ok(v.health==='ok' && v.running && Number.isInteger(v.head), v.name+' healthy');
ok(s.basechains.length===3,'3 basechains');
for (const b of s.basechains) {
  ok(Number.isInteger(b.head) && b.running, b.name+' answers');
  ok(Object.keys(b.contracts).length===11, b.name+' contracts');
  ok(b.staked===2, b.name+' staked validators: '+b.staked);
  ok(b.last_checkpoint===null, b.name+' no checkpoint yet');
}
ok(s.basechains.find(b=>b.name==='tron').tron_api.startsWith('http://127.0.0.1:'),'tron api');
ok(s.dev_keys.length>=10 && s.dev_keys[0].private_key.length===66 && s.dev_keys[0].validator,'dev keys');
ok(/PUBLIC development keys/.test(s.dev_keys_warning),'dev key warning');
ok(s.span.id===0 && s.span.producers.length===2,'span 0 with 2 producers');
ok(s.bttc_chain_id===1337,'chain id');
" "status after start"

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
sleep 4
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

say "a second start is refused while it runs"
"$B" devnet --dir "$D" --no-tui >"$T/out2" 2>&1 && fail "second supervisor started"
grep -q "runs already" "$T/out2" || fail "second start message"

say "down"
pids=$(cat "$D"/run/*.pid)
[ "$(echo "$pids" | wc -w)" -eq 6 ] || fail "6 pid files (supervisor, 3 basechains, 2 validators): $pids"
"$B" devnet down --dir "$D" | grep -q stopped || fail "devnet down"
wait "$sup"
rc=$?
sup=
[ $rc -eq 0 ] || fail "supervisor exit status $rc"
for p in $pids; do kill -0 "$p" 2>/dev/null && fail "process $p still runs after down"; done
sanitizer_clean
ls "$D"/run/*.pid >/dev/null 2>&1 && fail "pid files left"
grep -q "bttcd devnet: stopped" "$T/out" || fail "supervisor did not report its stop"

say "resume"
start
grep -q "resuming the network" "$T/out" || fail "not resumed"
status s3
node -e "
const a=require('$T/s2.json'), b=require('$T/s3.json');
for (let i=0;i<3;i++) if (JSON.stringify(a.basechains[i].contracts)!==JSON.stringify(b.basechains[i].contracts)) { console.error('addresses changed'); process.exit(1); }
for (let i=0;i<3;i++) if (!(b.basechains[i].head>=a.basechains[i].head)) { console.error('basechain went back'); process.exit(1); }
if (!(b.validators[0].head>=a.validators[0].head)) { console.error('v0 went back'); process.exit(1); }
for (let i=0;i<2;i++) if (a.validators[i].http!==b.validators[i].http) { console.error('ports changed'); process.exit(1); }
" || fail "resume kept the network"

say "--fresh"
old_tron=$(node -e "console.log(require('$T/s3.json').basechains[0].head)")
"$B" devnet down --dir "$D" >/dev/null || fail "down before fresh"
wait "$sup"
rc=$?
sup=
[ $rc -eq 0 ] || fail "supervisor exit status $rc"
sanitizer_clean
start --fresh
grep -q "a new network" "$T/out" || fail "--fresh did not start over"
status s4
node -e "
const s=require('$T/s4.json');
if (!(s.basechains[0].head < $old_tron)) { console.error('tron head not reset'); process.exit(1); }
if (s.basechains.some(b=>b.staked!==2)) { console.error('not staked after fresh'); process.exit(1); }
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
