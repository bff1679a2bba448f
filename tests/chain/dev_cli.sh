#!/bin/sh
# bttcd run --dev, --dev.period, --dev.accounts, --chain refusals and bttcd init.
# Usage: dev_cli.sh BTTCD
set -u
BTTCD=$1
T=$(mktemp -d /tmp/bttcd-devcli-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$T" || exit 1

# Start bttcd ARGS... in the background (stdout: out, stderr: err); wait_for PATTERN FILE waits
# up to 60 s for a line (the machine may be loaded); stop_node sends SIGTERM and waits (a
# background job of a script starts with SIGINT ignored).
start_node() {
    rm -f out err # a previous run's lines must not satisfy wait_for
    "$BTTCD" "$@" >out 2>err &
    pid=$!
}
wait_for() {
    i=0
    while ! grep -q "$1" "$2" 2>/dev/null; do
        i=$((i + 1))
        [ $i -le 600 ] || { cat err; fail "timed out waiting for '$1' in $2"; }
        kill -0 "$pid" 2>/dev/null || { cat err; fail "bttcd exited waiting for '$1'"; }
        sleep 0.1
    done
}
stop_node() {
    kill -TERM "$pid"
    wait "$pid"
}

# Ephemeral: the anvil/hardhat accounts are printed, nothing is left in /tmp afterwards.
start_node run --dev --dev.accounts 3 --ipcdisable
wait_for "bttcd ready" err
stop_node
grep -q "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" out || fail "account 0 not printed"
grep -q "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" out ||
    fail "key 0 not printed"
grep -q "development only" out || fail "no development warning"
grep -q "(3) " out && fail "printed more than 3 accounts"
tmp=$(sed -n 's/.*datadir="\(\/tmp\/bttcd-dev-[^"]*\)".*/\1/p' err | head -n 1)
[ -n "$tmp" ] || fail "no temporary datadir logged"
[ -e "$tmp" ] && fail "temporary datadir $tmp left behind"

# Persistent with a period: blocks every second, the head and the signer survive a restart.
start_node run --dev --dev.period 1 --datadir "$T/d" --ipcdisable
wait_for "block sealed.* number=2 " err
stop_node
grep -q "created the dev signer key" err || fail "no dev key created"
start_node run --dev --dev.period 1 --datadir "$T/d" --ipcdisable
wait_for "bttcd ready" err
stop_node
grep -q "created the dev signer key" err && fail "dev key created twice"
head=$(sed -n 's/.*msg="chain opened".* head=\([0-9]*\) .*/\1/p' err)
[ "${head:-0}" -ge 2 ] || fail "restart head ${head:-none}"

# Refusals.
"$BTTCD" run --dev --chain mainnet --ipcdisable >out 2>err
[ $? -eq 2 ] || fail "--dev --chain mainnet not a usage error"
grep -q "refuses chain id 199" err || fail "no refusal message"
"$BTTCD" run --dev --dev.accounts 5000 >out 2>err
[ $? -eq 2 ] || fail "--dev.accounts 5000 accepted"

# init: keeps the file, prints the hash, refuses another genesis for the same datadir.
cat >g1.json <<'G'
{"config": {"chainId": 4242, "homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0,
 "eip158Block": 0, "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0,
 "istanbulBlock": 0, "berlinBlock": 0},
 "gasLimit": "0x1c9c380", "difficulty": "0x1",
 "alloc": {"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266": {"balance": "1000"}}}
G
sed 's/4242/4243/' g1.json >g2.json
"$BTTCD" init --genesis g1.json --datadir "$T/i" >out 2>err || { cat err; fail "init"; }
grep -q "^genesis 0x[0-9a-f]\{64\} (chain id 4242)" out || fail "init output: $(cat out)"
cmp -s g1.json "$T/i/genesis.json" || fail "genesis.json not kept"
"$BTTCD" init --genesis g1.json --datadir "$T/i" >out 2>err || fail "init again (same file)"
"$BTTCD" init --genesis g2.json --datadir "$T/i" >out 2>err && fail "init with another genesis"
grep -q "already holds another genesis.json" err || fail "no message for another genesis"
"$BTTCD" init --datadir "$T/i" >out 2>err
[ $? -eq 2 ] || fail "init without --genesis"
echo ok
