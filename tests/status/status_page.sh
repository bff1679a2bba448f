#!/bin/sh
# The devnet status page in headless Chromium: `bttcd devnet --validators 2 --rootchains eth`,
# checks of validator 0's /status.json (the URL from `devnet status --json`), then the page
# loaded once in Chromium and watched through the DevTools protocol (page_check.mjs) until its
# head increases; its screenshot goes to SCREENSHOT.png.
# Usage: status_page.sh BTTCD SCREENSHOT.png
set -u
B=$1
SHOT=$2
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
    echo "SKIP: chromium not found (scripts/setup installs Debian's chromium)"
    exit 77
fi
command -v node >/dev/null 2>&1 || { echo "SKIP: node not found (JSON checks)"; exit 77; }
T=$(mktemp -d /tmp/bttcd-status-XXXXXX)
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
    for f in "$D"/logs/v0.log; do
        [ -f "$f" ] && { echo "---- $f"; tail -n 15 "$f"; }
    done
    exit 1
}
say() { echo "== $*"; }
say "devnet up"
t0=$(date +%s)
"$B" devnet --validators 2 --rootchains eth --dir "$D" --no-tui >"$T/out" 2>&1 &
sup=$!
i=0
while ! grep -q "bttcd devnet: status page" "$T/out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le 900 ] || fail "devnet not ready after 90 s"
    kill -0 "$sup" 2>/dev/null || { sup=; fail "devnet exited before ready"; }
    sleep 0.1
done
say "ready after $(($(date +%s) - t0)) s"
"$B" devnet status --dir "$D" --json >"$T/s.json" || fail "devnet status --json"
URL=$(node -e "const s=require('$T/s.json'); process.stdout.write(s.status_page||'')")
case "$URL" in
http://127.0.0.1:*/) ;;
*) fail "status --json: no status_page URL ('$URL')" ;;
esac
grep -q "status page $URL" "$T/out" || fail "the ready output does not print $URL"

# The server itself: the page, the JSON, 404 and 405.
node -e "
(async () => {
  const ok = (c, m) => { if (!c) { console.error('check failed: ' + m); process.exit(1); } };
  const page = await fetch('$URL');
  ok(page.status === 200 && /text\/html/.test(page.headers.get('content-type')), 'GET / is HTML');
  ok((await page.text()).includes('<svg id=\"chart\"'), 'the page has its chart');
  let s;
  for (let k = 0; k < 50; k++) { // until v1 and the basechain were polled once
    s = await (await fetch('${URL}status.json')).json();
    if (s.head && s.others.length === 1 && s.others[0].ok && s.basechains.length === 1 &&
        s.basechains[0].ok && s.blocks.length > 1) break;
    await new Promise(r => setTimeout(r, 200));
  }
  ok(s.chain_id === 1337, 'chain id 1337');
  ok(s.name === 'v0', 'name');
  ok(Number.isInteger(s.head.number) && /^0x[0-9a-f]{64}$/.test(s.head.hash), 'head');
  ok(s.blocks.length > 1 && s.blocks[s.blocks.length - 1].number === s.head.number, 'blocks');
  ok(s.validators.length === 2 && s.proposer, 'validator set and proposer');
  ok(s.span && s.span.id === 0, 'span 0');
  ok(s.others.length === 1 && s.others[0].name === 'v1' && s.others[0].ok &&
     Number.isInteger(s.others[0].head) && /^0x[0-9a-f]{64}$/.test(s.others[0].hash), 'v1 polled');
  const b = s.basechains[0];
  ok(b.name === 'eth' && b.ok && Number.isInteger(b.head) && b.checkpoint === null &&
     b.lag === null, 'eth polled, no checkpoint yet (none invented)');
  ok(s.delivery === null, 'no Delivery in this node: null');
  ok((await fetch('${URL}nope')).status === 404, '404');
  ok((await fetch('${URL}status.json', {method: 'POST'})).status === 405, '405');
})().catch(e => { console.error(e); process.exit(1); });
" || fail "status server checks"

say "chromium: load the page, watch it update"
rm -f "$SHOT"
node "$(dirname "$0")/page_check.mjs" "$CHROMIUM" "$URL" "$SHOT" "$T/profile" ||
    fail "the page in chromium"
[ -s "$SHOT" ] || fail "no screenshot written"
say "screenshot: $SHOT"
# Stop v0 (and its status server) before looking for sanitizer reports: leaks show at exit.
"$B" devnet down --dir "$D" >/dev/null 2>&1 || fail "devnet down"
wait "$sup" 2>/dev/null
sup=
grep -l "AddressSanitizer\|LeakSanitizer\|runtime error:" "$T/out" "$D"/logs/*.log 2>/dev/null &&
    fail "sanitizer report (files above)"
say "ok after $(($(date +%s) - t0)) s"
