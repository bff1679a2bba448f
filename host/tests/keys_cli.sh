#!/bin/sh
# CTest: `bttcd keys new|import|list` on a temporary datadir (file names, modes, duplicates,
# wrong passwords, raw hex keys, usage errors, help), then `bttcd run --unlock` with the keys
# just written (a wrong password stops the node with exit 1).
# Usage: keys_cli.sh BTTCD VECTOR_DIR
set -u
bttcd=$1
vec=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ck() { # description, condition result
    if [ "$2" -ne 0 ]; then
        echo "FAIL: $1"
        sed 's/^/    /' "$tmp/out"
        fail=1
    fi
}
has() { grep -qF -- "$1" "$tmp/out"; }
keys() { # args...: output in $tmp/out, exit status in $rc
    "$bttcd" keys --datadir "$tmp/data" "$@" >"$tmp/out" 2>&1
    rc=$?
}
mode() { stat -c %a "$1"; }

printf 'first password\n' >"$tmp/pw1"
printf 'correct horse battery staple\n' >"$tmp/pw-ethers"
printf 'wrong\n' >"$tmp/pw-wrong"

# 1. An empty keystore.
keys list
ck "list empty: exit $rc" $rc
has "no keys in $tmp/data/keystore"
ck "list empty: message" $?

# 2. keys new: address and file printed, file 0600 in a 0700 directory, geth's name.
keys new --password-file "$tmp/pw1" --lightkdf
ck "new: exit $rc" $rc
addr=$(sed -n 's/^address: //p' "$tmp/out")
file=$(sed -n 's/^file: *//p' "$tmp/out")
[ -f "$file" ]
ck "new: file $file missing" $?
[ "$(mode "$file")" = 600 ] && [ "$(mode "$tmp/data/keystore")" = 700 ]
ck "new: modes $(mode "$file") $(mode "$tmp/data/keystore")" $?
low=$(echo "$addr" | tr 'A-F' 'a-f' | sed 's/^0x//')
case "$(basename "$file")" in
UTC--????-??-??T??-??-??.?????????Z--"$low") ok=0 ;;
*) ok=1 ;;
esac
ck "new: file name $(basename "$file")" $ok
grep -q '"version":3' "$file" && grep -q '"kdf":"scrypt"' "$file"
ck "new: file content" $?

# 3. keys list shows it.
keys list
ck "list: exit $rc" $rc
[ "$(cat "$tmp/out")" = "$addr $file" ]
ck "list: line" $?

# 4. Import an ethers keystore file (its own password), then again (duplicate).
keys import --password-file "$tmp/pw-ethers" --lightkdf "$vec/ethers-scrypt-n1024.json"
ck "import json: exit $rc" $rc
has "address: 0x43ea7cCeb62fD7251123f859dB6Fec93C8902BF6"
ck "import json: address" $?
keys import --password-file "$tmp/pw-ethers" "$vec/metamask-style.json"
ck "import duplicate: exit $rc, want 1" $((rc != 1))
has "key 0x43ea7cCeb62fD7251123f859dB6Fec93C8902BF6 is already in the keystore"
ck "import duplicate: message" $?

# 5. Wrong password: geth's message.
keys import --password-file "$tmp/pw-wrong" "$vec/pbkdf2-c4096.json"
ck "import wrong password: exit $rc, want 1" $((rc != 1))
has "could not decrypt key with given password"
ck "import wrong password: message" $?

# 6. A raw hex private key file.
echo "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318" >"$tmp/raw"
keys import --password-file "$tmp/pw1" --lightkdf "$tmp/raw"
ck "import hex: exit $rc" $rc
has "address: 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
ck "import hex: address" $?
keys list
[ "$(wc -l <"$tmp/out")" -eq 3 ]
ck "list: three keys" $?

# 7. Bad input and usage errors.
echo "hello" >"$tmp/garbage"
keys import --password-file "$tmp/pw1" "$tmp/garbage"
ck "import garbage: exit $rc, want 1" $((rc != 1))
has "neither a keystore JSON file nor a hex private key"
ck "import garbage: message" $?
keys import
ck "import without FILE: exit $rc, want 2" $((rc != 2))
keys remove
ck "unknown keys command: exit $rc, want 2" $((rc != 2))
keys new --password-file "$tmp/nonexistent"
ck "missing password file: exit $rc, want 1" $((rc != 1))
# No terminal to prompt on (a new session has none): a clear error, not a hang.
setsid "$bttcd" keys --datadir "$tmp/data" new </dev/null >"$tmp/out" 2>&1
rc=$?
ck "new without a terminal: exit $rc, want 1" $((rc != 1))
has "no terminal to ask for a password: give --password-file FILE"
ck "new without a terminal: message" $?
for c in new import list; do
    keys $c --help
    ck "keys $c --help: exit $rc" $rc
    has "Usage: bttcd [OPTIONS] keys $c"
    ck "keys $c --help: usage line" $?
done

# 8. run unlocks the keys at start; a wrong password stops it with exit 1.
printf '[node]\n' >"$tmp/empty.conf"
"$bttcd" run --config "$tmp/empty.conf" --datadir "$tmp/data" \
    --unlock "$addr,0x43ea7cceb62fd7251123f859db6fec93c8902bf6" --password-file "$tmp/pw1" \
    >"$tmp/out" 2>&1
rc=$?
ck "run: key 2 has another password: exit $rc, want 1" $((rc != 1))
has "bttcd: signer: cannot unlock 0x43ea7cCeb62fD7251123f859dB6Fec93C8902BF6: could not decrypt key with given password"
ck "run wrong password: message" $?
printf 'first password\ncorrect horse battery staple\n' >"$tmp/pw-both"
"$bttcd" run --config "$tmp/empty.conf" --datadir "$tmp/data" \
    --unlock "$addr,0x43ea7cceb62fd7251123f859db6fec93c8902bf6" --password-file "$tmp/pw-both" \
    >"$tmp/out" 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && ! has "bttcd ready"; do
    sleep 0.1
    i=$((i + 1))
done
kill -TERM $pid
wait $pid
rc=$?
ck "run with unlocked keys: exit $rc" $rc
[ "$(grep -c 'msg="key unlocked"' "$tmp/out")" -eq 2 ]
ck "run: two keys unlocked" $?
# Passwords never reach the log.
! grep -q "first password\|correct horse" "$tmp/out"
ck "run: a password in the log" $?

exit $fail
