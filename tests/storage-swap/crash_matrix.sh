#!/bin/sh
# CTest: for each disk backend pair and each swap step, run the driver with
# BTTCD_TEST_CRASH_AT=<step> (it must die by SIGKILL), then check the datadir: the backend the
# record names (old before the record step, new from it on), every acknowledged batch present,
# no leftover database or intent. Finally one swap without a crash.
# Usage: crash_matrix.sh SWAP_DRIVER
set -u
drv=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for pair in "storage-leveldb storage-lmdb" "storage-lmdb storage-leveldb"; do
    set -- $pair
    from=$1
    to=$2
    for step in copy capture pause tail verify record switch retire none; do
        d="$tmp/data"
        rm -rf "$d" "$tmp/acks"
        mkdir -p "$d"
        BTTCD_TEST_CRASH_AT=$step "$drv" run "$d" "$from" "$to" "$tmp/acks" >"$tmp/out" 2>&1
        rc=$?
        case $step in
        copy | capture | pause | tail | verify) want=$from ;;
        *) want=$to ;;
        esac
        if [ "$step" = none ]; then
            [ $rc -eq 0 ] || { echo "FAIL: $from->$to no crash: exit $rc"; tail -5 "$tmp/out"; fail=1; }
        elif [ $rc -ne 137 ]; then
            echo "FAIL: $from->$to crash at $step: exit $rc, want 137 (SIGKILL)"
            tail -5 "$tmp/out"
            fail=1
            continue
        fi
        if "$drv" check "$d" "$from" "$want" "$tmp/acks" >"$tmp/chk" 2>&1; then
            echo "ok: $from->$to crash at $step: $(tail -1 "$tmp/chk")"
        else
            echo "FAIL: $from->$to crash at $step:"
            grep -v 'level=info' "$tmp/chk" | tail -8
            fail=1
        fi
    done
done
exit $fail
