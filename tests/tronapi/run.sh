#!/bin/sh
# CTest entry of the tronweb test: skipped (77) when scripts/setup has not run npm ci here.
# Usage: run.sh BTTCD
dir=$(dirname "$0")
if [ ! -d "$dir/node_modules/tronweb" ] || ! command -v node >/dev/null 2>&1; then
    echo "SKIP: tronweb not installed (run scripts/setup: npm ci in tests/tronapi)"
    exit 77
fi
BTTCD=$1 exec node --test "$dir/tronweb.test.js"
