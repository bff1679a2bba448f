// Throughput of four Bttc producers (issue #12 bench): the devnet chain of
// tests/bttc-multi with 2 s blocks (period 2, sprint 16), a flood of 1-wei transfers from
// ACCOUNTS dev accounts (txgen, legacy EIP-155, chain 1337) sent round robin to the four nodes
// in WAVES waves; prints transactions included per second of chain time and of wall time.
// A figure, never asserted.
//   node bench_bttc_multi.mjs BTTCD PLUGIN_DIR TXGEN [--quick]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bttcd, pluginDir, txgenBin, ...rest] = process.argv.slice(2);
const QUICK = rest.includes('--quick');
const ACCOUNTS = 10, PER = QUICK ? 5 : 60, WAVES = QUICK ? 1 : 5; // txgen: the 10 dev accounts
const dir = mkdtempSync(join(tmpdir(), 'bttcd-bttcbench-'));
const N = 4, SPRINT = 16, PERIOD = 2, PRODUCER_DELAY = 2, BACKUP = 2;
// Dev accounts 0-3 of the public anvil/hardhat test mnemonic (the --chain devnet producers).
const KEYS = ['ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6'];
let failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}`);
  if (!ok) failed++;
  return ok;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
writeFileSync(join(dir, 'pw'), '\n');

const nodes = [];
for (let i = 0; i < N; i++) {
  const key = join(dir, `key${i}`);
  writeFileSync(key, `${KEYS[i]}\n`);
  const r = spawnSync(bttcd, ['keys', 'import', '--datadir', join(dir, `n${i}`), '--password-file',
    join(dir, 'pw'), '--lightkdf', key], { encoding: 'utf8' });
  const m = /address: (0x[0-9a-fA-F]{40})/.exec(r.stdout);
  if (!m) throw new Error(`keys import: ${r.stdout}${r.stderr}`);
  nodes.push({ name: `n${i}`, address: m[1], child: null, log: '', enode: null, port: 0 });
}
// Spans 0-3 of 256 blocks (the validator-set contract's span length), all four producers.
const spans = [];
for (let k = 0; k < 4; k++) {
  const vals = nodes.map((n, i) => ({ ID: i + 1, power: 1, signer: n.address, accum: 0 }));
  spans.push({ span_id: k, start_block: k * 256, end_block: k * 256 + 255, bor_chain_id: '1337',
    validator_set: { validators: vals },
    selected_producers: vals.map(({ ID, power, signer }) => ({ ID, power, signer })) });
}
writeFileSync(join(dir, 'spans.json'), JSON.stringify(spans, null, 1));
for (const n of nodes) {
  writeFileSync(join(dir, `${n.name}.conf`), ['[plugin evm]', 'path = evm', '',
    '[plugin consensus-bttc]', 'path = consensus-bttc', 'chain = devnet', `signer = ${n.address}`,
    `sprint = ${SPRINT}`, `period = ${PERIOD}`, `producer_delay = ${PRODUCER_DELAY}`,
    `backup_multiplier = ${BACKUP}`, `span_file = ${join(dir, 'spans.json')}`, ''].join('\n'));
}

function start(n) {
  const stat = nodes.filter((o) => o !== n && o.enode).map((o) => o.enode).join(',');
  const args = ['run', '--config', join(dir, `${n.name}.conf`), '--datadir', join(dir, n.name),
    '--chain', 'devnet', '--nodiscover', '--p2p.addr', '127.0.0.1', '--p2p.port', String(n.port),
    '--http', '--http.port', String(n.httpPort ?? 0), '--ipcdisable', '--plugin-dir', pluginDir,
    '--unlock', n.address, '--password-file', join(dir, 'pw'), '--log.level', 'info', '--dev.accounts', String(ACCOUNTS)];
  if (stat) args.push('--p2p.static', stat);
  n.log = '';
  n.http = null;
  n.child = spawn(bttcd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  n.child.stderr.on('data', (d) => { n.log += d.toString(); });
  const child = n.child;
  child.on('exit', () => { if (n.child === child) n.child = null; });
  return (async () => {
    for (let t = 0; t < 20000; t += 50) {
      const h = /msg="http server" addr=(\S+)/.exec(n.log);
      const e = /msg="p2p started" enode=(\S+)/.exec(n.log);
      if (h && e && /msg="bttcd ready"/.test(n.log)) {
        n.http = `http://${h[1]}`;
        n.httpPort = Number(/:(\d+)$/.exec(h[1])[1]);
        n.enode = e[1].replace('?discport=0', '');
        n.port = Number(/:(\d+)$/.exec(n.enode)[1]);
        return;
      }
      if (!n.child) break;
      await sleep(50);
    }
    throw new Error(`${n.name} did not start:\n${n.log}`);
  })();
}

async function rpc(n, method, params = []) {
  const r = await fetch(n.http, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const j = await r.json();
  if (j.error) throw new Error(`${n.name} ${method}: ${j.error.message}`);
  return j.result;
}
const block = (n, tag) => rpc(n, 'eth_getBlockByNumber',
  [typeof tag === 'number' ? `0x${tag.toString(16)}` : tag, false]);
const hex = (x) => `0x${x.toString(16)}`;
const up = () => nodes.filter((n) => n.child);

async function until(what, fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch { /* not yet */ }
    if (Date.now() > end) { check(false, `${what} (timed out)`); return null; }
    await sleep(200);
  }
}

// Every running node at the same head hash and state root; returns that head.
async function sameHead(list) {
  const hs = await Promise.all(list.map((n) => block(n, 'latest')));
  return hs.every((h) => h.hash === hs[0].hash && h.stateRoot === hs[0].stateRoot) ? hs[0] : null;
}

// Blocks a..b on node n.
async function range(n, a, b) {
  const out = [];
  for (let i = a; i <= b; i++) out.push(await block(n, i));
  return out;
}


async function send(n, txs) {
  for (let i = 0; i < txs.length; i += 100) {
    const b = txs.slice(i, i + 100).map((t, k) =>
      ({ jsonrpc: '2.0', id: i + k, method: 'eth_sendRawTransaction', params: [t] }));
    const r = await fetch(n.http, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    for (const a of await r.json()) if (a.error && !/known|underpriced|nonce too low/.test(a.error.message))
      throw new Error(`send: ${a.error.message}`);
  }
}

function txgen(first, n, per, nonce) {
  const r = spawnSync(txgenBin, [String(first), String(n), String(per), String(nonce)],
    { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`txgen: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

async function main() {
  for (const n of nodes) await start(n);
  await until('every node has three peers', async () =>
    (await Promise.all(nodes.map((n) => rpc(n, 'net_peerCount')))).every((c) => c === '0x3'), 20000);
  const h0 = Number((await block(nodes[0], 'latest')).number);
  const t0 = Date.now();
  let total = 0;
  for (let w = 0; w < WAVES; w++) {
    const txs = txgen(0, ACCOUNTS, PER, w * PER);
    // An account's transfers all go to one node (txgen prints them nonce by nonce over the
    // accounts): gapped nonces would sit queued in the other pools.
    const parts = nodes.map((_, i) => txs.filter((_, k) => (k % ACCOUNTS) % N === i));
    await Promise.all(nodes.map((n, i) => send(n, parts[i])));
    total += txs.length;
    const last = `0x${((w + 1) * PER).toString(16)}`;
    await until(`wave ${w + 1} included`, async () =>
      (await rpc(nodes[0], 'eth_getTransactionCount', [nodes[0].address, 'latest'])) === last &&
      (await Promise.all(nodes.map((n) => rpc(n, 'txpool_status'))))
        .every((st) => st.pending === '0x0' && st.queued === '0x0'), QUICK ? 40000 : 180000);
  }
  const wall = (Date.now() - t0) / 1000;
  const top = Number((await block(nodes[0], 'latest')).number);
  let included = 0, first = null, lastB = null, maxBlock = 0;
  for (let i = h0 + 1; i <= top; i++) {
    const b = await block(nodes[0], i);
    const k = b.transactions.length;
    if (k && !first) first = await block(nodes[0], i - 1);
    if (k) { lastB = b; included += k; maxBlock = Math.max(maxBlock, k); }
  }
  const chainSecs = lastB && first ? Number(lastB.timestamp) - Number(first.timestamp) : 0;
  console.log(`bttc-multi: ${N} producers, period ${PERIOD} s, ${total} transfers sent, ` +
    `${included} included in blocks ${h0 + 1}-${top} (largest ${maxBlock} txs)`);
  console.log(`  ${(included / Math.max(chainSecs, 1)).toFixed(0)} tx/s of chain time ` +
    `(${chainSecs} s), ${(included / wall).toFixed(0)} tx/s of wall time (${wall.toFixed(1)} s)`);
  check(included === total, 'every transfer included (correctness, not timing)');
  const fin = await until('all nodes end with the same head', () => sameHead(nodes), 30000);
  check(!!fin, 'the four nodes agree on the head and state root');
}

try {
  await main();
} catch (e) {
  check(false, e.stack ?? String(e));
}
for (const n of nodes) n.child?.kill('SIGTERM');
await sleep(1500);
if (failed) for (const n of nodes) console.log(`--- ${n.name} log (tail) ---\n${n.log.slice(-6000)}`);
rmSync(dir, { recursive: true, force: true });
console.log(failed ? `${failed} failed` : 'all passed');
process.exit(failed ? 1 : 0);
