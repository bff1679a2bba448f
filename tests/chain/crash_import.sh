#!/bin/sh
# bttcd import under SIGKILL: kill it at random moments, restart, check the head, resume.
# Usage: crash_import.sh BTTCD CHAIN_GEN [BLOCKS TXS_PER_BLOCK KILLS]
set -u
BTTCD=$1
GEN=$2
BLOCKS=${3:-400}
TXS=${4:-60}
KILLS=${5:-6}
T=$(mktemp -d /tmp/bttcd-crash-XXXXXX)
trap 'rm -rf "$T"' EXIT
D=$T/data
cd "$T" || exit 1 # no plugins.conf here: --dev loads its own plugins
fail() { echo "FAIL: $*"; exit 1; }

"$GEN" "$D" "$T/blocks.rlp" "$BLOCKS" "$TXS" >/dev/null || fail "chain_gen"
run() { # run ARGS...: bttcd --dev on the datadir (LevelDB), no RPC
    "$BTTCD" --dev --datadir "$D" --ipcdisable --log.level warn "$@"
}

# The head after a kill: the node opens (head header, TD and state root present, else
# chain_open fails) and every canonical block 0..head exports (headers and bodies present).
check_head() {
    rm -f "$T/check.rlp"
    run export "$T/check.rlp" 2>"$T/check.err" || { cat "$T/check.err"; fail "export after kill $1"; }
    head=$(sed -n 's/^exported blocks 0\.\.\([0-9]*\) .*/\1/p' "$T/check.err")
    [ -n "$head" ] || { cat "$T/check.err"; fail "no head after kill $1"; }
}

last=-1
k=0
while [ $k -lt "$KILLS" ]; do
    # Not through run(): $! must be bttcd itself, not a subshell.
    "$BTTCD" --dev --datadir "$D" --ipcdisable --log.level warn import "$T/blocks.rlp" \
        >"$T/import.out" 2>&1 &
    pid=$!
    # 0.3 .. 1.2 s: long enough to be mid-import after the node opened
    sleep "$(awk -v s="$k" 'BEGIN { srand(s + 7); printf "%.2f", 0.3 + rand() * 0.9 }')"
    if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid"
        break # the import finished before the kill
    fi
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    check_head "$k"
    echo "kill $k: head $head"
    [ "$head" -ge "$last" ] || fail "head went back from $last to $head"
    last=$head
    k=$((k + 1))
done

run import "$T/blocks.rlp" >"$T/import.out" 2>&1 || { cat "$T/import.out"; fail "final import"; }
tail -n 1 "$T/import.out"
check_head final
[ "$head" = "$BLOCKS" ] || fail "final head $head, want $BLOCKS"
# The chain holds exactly the file's blocks: export 1..head equals the input.
run export "$T/again.rlp" 1 "$BLOCKS" 2>/dev/null || fail "export 1..$BLOCKS"
cmp -s "$T/again.rlp" "$T/blocks.rlp" || fail "exported blocks differ from the imported file"
echo "ok: $k kills, head $head"
