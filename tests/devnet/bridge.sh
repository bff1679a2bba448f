# The bridge on a running devnet, sourced by devnet.sh (needs its B, D, T, fail, say, status):
# a deposit of TestToken on each basechain (`bttcd bridge deposit --amount 100` from dev key 0)
# credited on Bttc through state sync, a burn of 40 of it (`bttcd bridge withdraw`), then, once
# a checkpoint covering the burn is on that basechain's RootChain and acked in Delivery, the
# exit (`bttcd bridge exit-payload --submit`) releases the 40 on the basechain (TestToken balance
# before/after) and a second exit of the same burn is refused (EXIT_ALREADY_PROCESSED).
# bridge_deposits ROOTS... sends the deposits (nothing waited for), bridge_burns ROOTS... waits
# for the credits and burns, bridge_exits ROOTS... does the rest. Each wait is bounded by a deadline, the rest of the scenario goes on meanwhile.

BR_USER=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266 # dev account 0: bttcd bridge's default sender

# br_balance URL TOKEN ADDR: ERC-20 balanceOf over JSON-RPC, decimal ("error ..." otherwise)
br_balance() {
    node -e "
const to=(a=>a.startsWith('41')&&a.length===42?'0x'+a.slice(2):a)('$2');
fetch('$1',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({jsonrpc:'2.0',id:1,method:'eth_call',params:[{to,data:'0x70a08231'+'$3'.slice(2).padStart(64,'0')},'latest']})})
 .then(r=>r.json()).then(j=>console.log(j.result && j.result!=='0x' ? BigInt(j.result).toString() : 'error '+JSON.stringify(j)))
 .catch(e=>console.log('error '+e))"
}
# br_state ROOT FIELD: a basechain's field of devnet.json (url, contracts.TestToken, bttc.ChildToken)
br_state() {
    node -e "const b=require('$D/devnet.json').basechains['$1']; console.log('$2'.split('.').reduce((o,k)=>o[k],b))"
}
br_bttc() {
    node -e "console.log('http://127.0.0.1:'+require('$D/devnet.json').nodes[0].http_port)"
}

bridge_deposits() {
    BTTC=$(br_bttc)
    for r in "$@"; do
        token=$(br_state "$r" bttc.ChildToken)
        got=$(br_balance "$BTTC" "$token" "$BR_USER")
        [ "$got" = 0 ] || fail "$r: child balance before the deposit: $got"
        say "$r: bridge deposit --amount 100 (child token $token)"
        "$B" bridge deposit --dir "$D" --rootchain "$r" --amount 100 >"$T/dep.$r" 2>&1 ||
            { cat "$T/dep.$r"; fail "$r: bridge deposit"; }
        grep -q "state sync id" "$T/dep.$r" || { cat "$T/dep.$r"; fail "$r: no StateSynced log in the deposit receipt"; }
    done
    br_t_dep=$(date +%s)
}

# br_wait_credit ROOT: until the child token holds 100 (state sync: 25-55 s seen)
br_wait_credit() {
    token=$(br_state "$1" bttc.ChildToken)
    while :; do
        got=$(br_balance "$BTTC" "$token" "$BR_USER")
        [ "$got" = 100 ] && break
        [ $(($(date +%s) - br_t_dep)) -le 300 ] || fail "$1: child balance $got 300 s after the deposit (want 100)"
        sleep 0.5
    done
    say "$1: 100 credited on Bttc $(($(date +%s) - br_t_dep)) s after the deposits"
}

# br_wait_checkpoint ROOT HASH: until exit-payload finds a checkpoint covering the burn on ROOT
# and Delivery has acked it (its /checkpoints/count/ROOT reaches the header block's number)
br_wait_checkpoint() {
    t1=$(cat "$T/burnt.$1")
    while :; do
        if "$B" bridge exit-payload --dir "$D" --rootchain "$1" --tx "$2" >"$T/pl.$1" 2>"$T/ple.$1"; then
            hb=$(sed -n 's/.*checkpoint header block \([0-9]*\) on .*/\1/p' "$T/ple.$1")
            [ -n "$hb" ] || { cat "$T/ple.$1"; fail "$1: no header block in the exit-payload summary"; }
            status "br"
            acked=$(node -e "console.log(require('$T/br.json').basechains.find(b=>b.name==='$1').delivery_checkpoints)")
            [ "$acked" -ge $((hb / 10000)) ] 2>/dev/null && break
        else
            grep -q "not checkpointed yet" "$T/ple.$1" || { cat "$T/ple.$1"; fail "$1: exit-payload before the checkpoint"; }
        fi
        [ $(($(date +%s) - t1)) -le 300 ] || { cat "$T/ple.$1"; fail "$1: no acked checkpoint covering the burn 300 s after it"; }
        sleep 1
    done
    grep -q "^0x[0-9a-f]*$" "$T/pl.$1" || fail "$1: no payload printed"
    say "$1: $(sed -n 's/.*\(checkpoint header block [0-9]* on [a-z]* ([^)]*)\).*/\1/p' "$T/ple.$1") covers the burn, acked in Delivery ($acked acked), $(($(date +%s) - t1)) s after the burn"
}

# bridge_burns ROOTS...: each credit awaited, then 40 burnt (the last Bttc transactions of dev key
# 0 here: what follows is on the basechains)
bridge_burns() {
    BTTC=$(br_bttc)
    for r in "$@"; do
        br_wait_credit "$r"
        "$B" bridge withdraw --dir "$D" --rootchain "$r" --amount 40 >"$T/wd.$r" 2>&1 ||
            { cat "$T/wd.$r"; fail "$r: bridge withdraw"; }
        grep -q "exit-payload --rootchain $r --tx 0x" "$T/wd.$r" || { cat "$T/wd.$r"; fail "$r: no exit hint"; }
        got=$(br_balance "$BTTC" "$(br_state "$r" bttc.ChildToken)" "$BR_USER")
        [ "$got" = 60 ] || fail "$r: child balance $got after burning 40 (want 60)"
        date +%s >"$T/burnt.$r"
        say "$r: withdraw burnt 40 on Bttc: $(grep "in block" "$T/wd.$r")"
    done
}

bridge_exits() {
    for r in "$@"; do
        tx=$(sed -n "s/.*--tx \(0x[0-9a-f]*\).*/\1/p" "$T/wd.$r")
        br_wait_checkpoint "$r" "$tx"
        url=$(br_state "$r" url)
        rt=$(br_state "$r" contracts.TestToken)
        before=$(br_balance "$url" "$rt" "$BR_USER")
        case "$before" in error*) fail "$r: root balance: $before" ;; esac
        "$B" bridge exit-payload --dir "$D" --rootchain "$r" --tx "$tx" --submit >"$T/ex.$r" 2>&1 ||
            { cat "$T/ex.$r"; fail "$r: exit-payload --submit"; }
        grep -q "^exited: released 40 of root token .* on $r (tx 0x" "$T/ex.$r" || { cat "$T/ex.$r"; fail "$r: exit output"; }
        after=$(br_balance "$url" "$rt" "$BR_USER")
        [ "$after" = "$(node -e "console.log((BigInt('$before')+40n).toString())")" ] ||
            fail "$r: root TestToken balance $before -> $after (want +40)"
        "$B" bridge exit-payload --dir "$D" --rootchain "$r" --tx "$tx" --submit >"$T/ex2.$r" 2>&1 &&
            { cat "$T/ex2.$r"; fail "$r: a second exit of the same burn succeeded"; }
        grep -q "exit refused: .*EXIT_ALREADY_PROCESSED" "$T/ex2.$r" || { cat "$T/ex2.$r"; fail "$r: second exit message"; }
        [ "$(br_balance "$url" "$rt" "$BR_USER")" = "$after" ] || fail "$r: the refused exit moved tokens"
        say "$r: exit released 40 ($before -> $after), a second exit refused"
    done
}

# status_page_check: validator 0's status page and /status.json with the whole network
status_page_check() {
    status sp
    URL=$(node -e "process.stdout.write(require('$T/sp.json').status_page||'')")
    case "$URL" in
    http://127.0.0.1:*/) ;;
    *) fail "status --json: no status_page URL ('$URL')" ;;
    esac
    node -e "
(async () => {
  const ok = (c, m) => { if (!c) { console.error('check failed: ' + m); process.exit(1); } };
  const page = await fetch('$URL');
  ok(page.status === 200 && /text\/html/.test(page.headers.get('content-type')), 'GET / is HTML');
  ok((await page.text()).includes('<svg id=\"chart\"'), 'the page has its chart');
  let s;
  for (let k = 0; k < 100; k++) { // until the others and the basechains were polled once
    s = await (await fetch('${URL}status.json')).json();
    if (s.head && s.others.length === 3 && s.others.every(o => o.ok) && s.basechains.length === 3 &&
        s.basechains.every(b => b.ok && b.checkpoint !== null)) break;
    await new Promise(r => setTimeout(r, 200));
  }
  ok(s.chain_id === 1337 && s.name === 'v0', 'chain id 1337, name v0');
  ok(Number.isInteger(s.head.number) && /^0x[0-9a-f]{64}$/.test(s.head.hash), 'head');
  ok(s.validators.length === 4 && s.proposer, 'validator set of 4 and proposer');
  ok(s.span && Number.isInteger(s.span.id), 'span');
  ok(s.delivery && Number.isInteger(s.delivery.height) && s.delivery.height > 0, 'Delivery height');
  ok(s.others.length === 3 && s.others.every(o => o.ok && Number.isInteger(o.head)), 'v1-v3 polled');
  ok(s.basechains.length === 3, '3 basechains');
  for (const b of s.basechains) ok(b.ok && Number.isInteger(b.head) && b.checkpoint !== null &&
     Number.isInteger(b.last_child_block) && b.last_child_block > 0, b.name + ' with a checkpoint');
})().catch(e => { console.error(e); process.exit(1); });
" || fail "status page checks"
    say "status page $URL: v0, 3 peers polled, a checkpoint on every basechain"
}
