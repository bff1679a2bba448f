#!/bin/sh
# bttcd devnet under faults (issue #14), on 4 validators with tron+bsc+eth dev basechains:
#  (a) one of four validators killed (SIGKILL): Bttc blocks, Delivery heights, a new span and a
#      new checkpoint acked on every basechain continue; `devnet restart v3` brings it back and
#      it reaches the same head (same hash) and Delivery height;
#  (b) two of four killed: Delivery halts without forking (one app hash per height in every
#      log) and resumes when one of them returns;
#  (c) the BSC dev node killed: checkpoints on tron and eth continue, the status shows bsc down,
#      no validator exits; `devnet restart bsc` (same port and datadir): a new checkpoint lands
#      on its RootChain and Delivery acks it.
# Long (several minutes): CTest registers it only with -DBT_LONG_TESTS=ON (label "long").
# Usage: faults.sh BTTCD [a|b|c ...] (default: all three, in one network)
set -u
B=$1
shift
SCEN=${*:-a b c}
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found (JSON checks)"; exit 77; }
T=$(mktemp -d /tmp/bttcd-faults-XXXXXX)
D=$T/net
sup=
t0=$(date +%s)
cleanup() {
    "$B" devnet down --dir "$D" >/dev/null 2>&1
    [ -n "$sup" ] && wait "$sup" 2>/dev/null
    [ -n "${KEEP:-}" ] && { echo "kept $T"; return; }
    rm -rf "$T"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    [ -f "$T/out" ] && { echo "---- devnet output"; tail -n 30 "$T/out"; }
    for f in "$D"/logs/*.log; do
        [ -f "$f" ] && { echo "---- $f"; grep -v "event re-\\?relayed\\|block sealed" "$f" | tail -n 12; }
    done
    exit 1
}
say() { echo "== [$(($(date +%s) - t0)) s] $*"; }
status() { "$B" devnet status --dir "$D" --json >"$T/$1.json" || fail "devnet status --json"; }
# get FILE EXPR: print a value of status FILE (s is the status object)
get() { node -e "const s=require('$T/$1.json'); console.log(JSON.stringify($2))"; }
# wait_for WHAT SECONDS EXPR: poll the status until the JavaScript expression EXPR holds (s: the
# status, p: the saved point, B(x, name): basechain `name` of status x, V(x, i): validator i)
wait_for() {
    what=$1 secs=$2 expr=$3
    end=$(($(date +%s) + secs))
    while :; do
        status w
        node -e "const s=require('$T/w.json'), p=require('$T/p.json');
const B=(x,n)=>x.basechains.find(b=>b.name===n), V=(x,i)=>x.validators[i];
process.exit(($expr)?0:1)" \
            2>"$T/w.err" && { say "$what"; return 0; }
        [ "$(date +%s)" -le $end ] || {
            cat "$T/w.err" "$T/w.json" >&2
            fail "$what: not within $secs s"
        }
        crashed && fail "a process crashed"
        sleep 2
    done
}
# point: save the current status as p (what wait_for compares with)
point() { status p; }
crashed() { grep -q "Segmentation\|signal 11\|signal 6\|AddressSanitizer\|LeakSanitizer\|runtime error:" \
    "$T/out" "$D"/logs/*.log 2>/dev/null; }
pid_of() { cat "$D/run/$1.pid"; }
# One app hash per Delivery height over every validator's log (restarts included).
no_fork() {
    node -e "
const fs=require('fs'); const m=new Map(); let n=0;
for (let i=0;i<4;i++) for (const x of fs.readFileSync('$D/logs/v'+i+'.log','utf8').matchAll(/msg=\"?dlv_commit\"? height=(\\d+) round=\\d+ txs=\\d+ app_hash=([0-9a-f]+)/g)) {
  n++; const a=m.get(x[1]); if (a && a!==x[2]) { console.error('two app hashes at height '+x[1]+': '+a+' '+x[2]); process.exit(1); } m.set(x[1],x[2]); }
if (n<8) { console.error('only '+n+' commits in the logs'); process.exit(1); }
console.log('no fork: '+m.size+' heights, '+n+' commits');
" || fail "Delivery forked"
}
# Same block at the lower of the two heads on validators i and j.
same_chain() {
    node -e "
const s=require('$T/w.json'); const [a,b]=[s.validators[$1],s.validators[$2]];
const n='0x'+Math.min(a.head,b.head).toString(16);
const q=u=>fetch(u,{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({jsonrpc:'2.0',id:1,method:'eth_getBlockByNumber',params:[n,false]})}).then(r=>r.json());
Promise.all([q(a.http),q(b.http)]).then(([x,y])=>{ if (!x.result || x.result.hash!==y.result.hash) { console.error('block '+n+' differs'); process.exit(1); } console.log(a.name+' and '+b.name+' agree at block '+Number(n)); }).catch(e=>{console.error(e);process.exit(1)});
" || fail "v$1 and v$2 on different chains"
}

# up [--fresh]: the supervisor in the background until its ready line; 1 when it exited
up() {
    "$B" devnet --validators 4 --dir "$D" --no-tui "$@" >"$T/out" 2>&1 &
    sup=$!
    end=$(($(date +%s) + 300))
    while ! grep -q "bttcd devnet: ready" "$T/out" 2>/dev/null; do
        [ "$(date +%s)" -le $end ] || fail "devnet not ready after 300 s"
        kill -0 "$sup" 2>/dev/null || { wait "$sup"; sup=; return 1; }
        sleep 0.5
    done
}
say "up: 4 validators, tron+bsc+eth"
if ! up; then
    # The ports are free when the network is planned; on a busy machine another process may
    # take one before the node binds it: one more try, on new ports.
    grep -q "cannot listen" "$D"/logs/*.log || fail "devnet exited before ready"
    say "a port was taken meanwhile; again with --fresh"
    up --fresh || fail "devnet exited before ready"
fi
say "ready"
"$B" devnet restart --help | grep -q "Usage: bttcd devnet restart" || fail "restart --help"
"$B" devnet stop --help | grep -q "Usage: bttcd devnet stop" || fail "stop --help"
"$B" devnet restart v9 --dir "$D" 2>/dev/null
[ $? -eq 2 ] || fail "restart of an unknown validator: not a usage error"
"$B" devnet restart --dir "$D" 2>/dev/null
[ $? -eq 2 ] || fail "restart without a name: not a usage error"
point
wait_for "a checkpoint acked on every basechain" 300 \
    "s.basechains.every(b=>b.last_checkpoint>0 && b.delivery_checkpoints>=1)"

for sc in $SCEN; do
    case $sc in
    a)
        say "(a) v3 killed (SIGKILL)"
        point
        kill -9 "$(pid_of v3)"
        wait_for "v3 down in the status" 30 "s.validators[3].health==='down'"
        i=0
        until grep -q "v3 (pid .*) exited: signal 9" "$T/out"; do
            i=$((i + 1))
            [ $i -le 100 ] || fail "the supervisor did not report v3"
            sleep 0.1
        done
        wait_for "Bttc +16 blocks and Delivery +5 heights without v3" 300 "
s.validators.slice(0,3).every(v=>v.head>=p.validators[0].head+16 && v.delivery_height>=p.validators[0].delivery_height+5)"
        wait_for "a new checkpoint acked on every basechain without v3" 600 "
s.basechains.every((b,i)=>b.delivery_checkpoints>p.basechains[i].delivery_checkpoints && b.last_checkpoint>p.basechains[i].last_checkpoint)"
        wait_for "a new span in Delivery and on Bttc without v3" 900 "
s.delivery.latest_span.id>p.delivery.latest_span.id && s.span.id>p.span.id"
        say "(a) devnet restart v3"
        "$B" devnet restart v3 --dir "$D" >"$T/rs" 2>&1 || { cat "$T/rs"; fail "devnet restart v3"; }
        grep -q "v3 restarted" "$T/rs" || fail "restart message"
        wait_for "v3 caught up: same head and Delivery height as v0" 300 "
V(s,3).health==='ok' && V(s,3).head>=V(s,0).head-1 &&
V(s,3).delivery_height>=V(s,0).delivery_height-1 && V(s,3).peers>=3"
        same_chain 0 3
        ;;
    b)
        say "(b) v2 and v3 killed: Delivery halts"
        kill -9 "$(pid_of v2)" "$(pid_of v3)"
        wait_for "v2 and v3 down" 30 "s.validators[2].health==='down' && s.validators[3].health==='down'"
        sleep 4 # a height in flight when they died may still commit
        point
        sleep 20
        status w
        node -e "
const s=require('$T/w.json'), p=require('$T/p.json');
for (const i of [0,1]) { const a=p.validators[i].delivery_height, b=s.validators[i].delivery_height;
  if (!(b<=a+1)) { console.error('v'+i+' Delivery went on with 2 of 4: '+a+' -> '+b); process.exit(1); } }
console.log('Delivery halted at '+s.validators[0].delivery_height+'/'+s.validators[1].delivery_height);
" || fail "Delivery did not halt"
        no_fork
        say "(b) devnet restart v3: Delivery resumes with 3 of 4"
        point
        "$B" devnet restart v3 --dir "$D" >"$T/rs" 2>&1 || { cat "$T/rs"; fail "devnet restart v3"; }
        wait_for "Delivery +3 heights on v0, v1, v3" 300 "
[0,1,3].every(i=>s.validators[i].delivery_height>=p.validators[0].delivery_height+3)"
        no_fork
        "$B" devnet restart v2 --dir "$D" >"$T/rs" 2>&1 || { cat "$T/rs"; fail "devnet restart v2"; }
        wait_for "v2 caught up" 300 "
V(s,2).health==='ok' && V(s,2).head>=V(s,0).head-1 &&
V(s,2).delivery_height>=V(s,0).delivery_height-1"
        same_chain 0 2
        ;;
    c)
        say "(c) the bsc dev node killed"
        point
        bsc=$(pid_of bsc)
        vals="$(pid_of v0) $(pid_of v1) $(pid_of v2) $(pid_of v3)"
        kill -9 "$bsc"
        wait_for "bsc down in the status" 30 "B(s,'bsc').health==='down' && B(s,'bsc').head===null"
        "$B" devnet status --dir "$D" >"$T/table" || fail "status table"
        grep -q "^bsc .*down" "$T/table" || { cat "$T/table"; fail "bsc not down in the table"; }
        wait_for "new checkpoints acked on tron and eth without bsc" 600 "
['tron','eth'].every(n=>B(s,n).delivery_checkpoints>B(p,n).delivery_checkpoints &&
  B(s,n).last_checkpoint>B(p,n).last_checkpoint)"
        for v in $vals; do kill -0 "$v" 2>/dev/null || fail "a validator exited while bsc was down"; done
        status w
        node -e "const s=require('$T/w.json'); process.exit(s.validators.every(v=>v.health==='ok')?0:1)" ||
            fail "a validator is not healthy while bsc is down"
        say "(c) devnet restart bsc"
        point
        "$B" devnet restart bsc --dir "$D" >"$T/rs" 2>&1 || { cat "$T/rs"; fail "devnet restart bsc"; }
        grep -q "bsc restarted" "$T/rs" || fail "restart message"
        wait_for "a new checkpoint on bsc's RootChain, acked in Delivery" 600 "
B(s,'bsc').health==='ok' && B(s,'bsc').last_checkpoint>(B(p,'bsc').last_checkpoint||0) &&
B(s,'bsc').delivery_checkpoints>B(p,'bsc').delivery_checkpoints"
        for v in $vals; do kill -0 "$v" 2>/dev/null || fail "a validator exited"; done
        ;;
    *) fail "unknown scenario $sc" ;;
    esac
done

no_fork
crashed && fail "a process crashed or a sanitizer reported"
say "down"
"$B" devnet down --dir "$D" >/dev/null || fail "devnet down"
wait "$sup"
rc=$?
sup=
[ $rc -eq 0 ] || fail "supervisor exit status $rc"
crashed && fail "a sanitizer reported at the stop"
echo "devnet faults ($SCEN): ok in $(($(date +%s) - t0)) s"
