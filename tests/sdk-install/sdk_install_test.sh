#!/bin/sh
# Usage: sdk_install_test.sh BUILD_DIR SOURCE_DIR CMAKE GENERATOR CC PKG_CONFIG
# Exits 0 when every step passed, 1 on a failure, 77 (skipped) when everything passed but
# BUILD_DIR/host/bttcd does not exist yet, so `bttcd plugins check` could not run.
set -eu
build=$1 src=$2 cmake=$3 gen=$4 cc=$5 pkgconfig=$6

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bt-sdk-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix=$tmp/prefix

step() { printf '\n=== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

step "install $build into $prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
for f in include/bt/plugin.h include/bts/conf.h include/bts/mockhost.h lib/libbtsdk.a \
         lib/libbtsdk_mockhost.a lib/libbtsdk_test.a lib/pkgconfig/btsdk.pc \
         lib/cmake/BtSDK/BtSDKConfig.cmake lib/cmake/BtSDK/BtAddPlugin.cmake; do
    [ -f "$prefix/$f" ] || fail "not installed: $f"
done

# A third party copies the template; build the copy, not the tree.
cp -R "$src/sdk/template" "$tmp/template"

step "out of tree with find_package(BtSDK)"
"$cmake" -S "$tmp/template" -B "$tmp/build-cmake" -G "$gen" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_INSTALL_PREFIX="$tmp/plugin-prefix" \
    >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; fail "configure against BtSDK"; }
"$cmake" --build "$tmp/build-cmake" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "build against BtSDK"; }
so_cmake=$tmp/build-cmake/plugins/rootchain-template.so
[ -f "$so_cmake" ] || fail "bt_add_plugin did not put the plugin in BT_PLUGIN_OUTPUT_DIR: $so_cmake"
(cd "$tmp/build-cmake" && "$(dirname "$cmake")/ctest" --output-on-failure) || fail "the template's tests, built against the installed SDK"
"$cmake" --install "$tmp/build-cmake" >/dev/null || fail "installing the plugin"
[ -f "$tmp/plugin-prefix/lib/bttcd/plugins/rootchain-template.so" ] || fail "plugin not installed to lib/bttcd/plugins"

step "out of tree with pkg-config"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# libbtsdk is a static archive: --static brings its dependencies (Requires.private/Libs.private).
flags=$("$pkgconfig" --cflags --libs --static btsdk) || fail "pkg-config btsdk"
echo "cc rootchain_template.c $flags"
so_pc=$tmp/pc/rootchain-template.so
mkdir -p "$tmp/pc"
# shellcheck disable=SC2086
"$cc" -std=c11 -Wall -Wextra -Werror -fvisibility=hidden -shared -fPIC -Wl,-z,defs \
    -o "$so_pc" "$tmp/template/rootchain_template.c" $flags || fail "cc with pkg-config flags"

for so in "$so_cmake" "$so_pc"; do
    exports=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^_' | tr '\n' ' ')
    [ "$exports" = "bt_plugin_query " ] || fail "$so exports more than bt_plugin_query: $exports"
done

step "bttcd plugins check"
bttcd=$build/host/bttcd
[ -x "$bttcd" ] || fail "$bttcd is missing: build the host first"
for so in "$so_cmake" "$so_pc"; do
    out=$("$bttcd" plugins check "$so" 2>&1) || { echo "$out"; fail "bttcd plugins check $so: exit $?"; }
    echo "$out"
    echo "$out" | grep -q "ok kind=rootchain name=rootchain-template" || fail "unexpected answer for $so"
done
echo "sdk-install: all steps passed"
