// Throughput of four Bttc producers (issue #12 bench): four bttcd processes with 2 s blocks
// (period 2, sprint 16) on the bench's own genesis (bench_bttc_multi_gen: the devnet chain plus
// SENDERS funded senders and a block gas limit of GAS_LIMIT), flooded with pre-signed 1-wei
// transfers (PER from each sender) sent in JSON-RPC batches to all four nodes, each sender's to
// one node; the feeder keeps the pools at most a few blocks deep. Prints transactions included
// per second of wall time and of chain time over the flood, blocks/s, mean txs/block, and each
// node's CPU time and RSS. A figure, never asserted; --quick is the smoke CTest runs (every
// transfer included, the four nodes on one head).
//   node bench_bttc_multi.mjs BTTCD PLUGIN_DIR GEN [--quick]
//   env: BENCH_SENDERS (default 4000), BENCH_PER (25), BENCH_BATCH (500), BENCH_KEEP=1 (keep
//   the directory and the full node logs), BENCH_LOG (the nodes' --log.level, default info;
//   debug shows peer disconnects and their reasons)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const [bttcd, pluginDir, genBin, ...rest] = process.argv.slice(2);
const QUICK = rest.includes('--quick');
const env = (k, d) => Number(process.env[k] ?? d);
const SENDERS = QUICK ? 200 : env('BENCH_SENDERS', 4000), PER = QUICK ? 3 : env('BENCH_PER', 25);
const BATCH = env('BENCH_BATCH', 500);
// Room for 2 s x 2,000 tx/s x 21,000 gas and a backlog: 10,000 transfers a block.
const GAS_LIMIT = 210000000;
// The pools (every node holds every transfer, by gossip) hold a few blocks' worth.
const POOL_SLOTS = 60000, FEED_DEPTH = 16000;
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
const genesis = join(dir, 'genesis.json');
{
  const r = spawnSync(genBin, ['genesis', genesis, String(SENDERS), String(GAS_LIMIT)],
    { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gen genesis: ${r.stderr}`);
}

function start(n) {
  const stat = nodes.filter((o) => o !== n && o.enode).map((o) => o.enode).join(',');
  const args = ['run', '--config', join(dir, `${n.name}.conf`), '--datadir', join(dir, n.name),
    '--genesis', genesis, '--nodiscover', '--p2p.addr', '127.0.0.1', '--p2p.port', String(n.port),
    '--http', '--http.port', String(n.httpPort ?? 0), '--ipcdisable', '--plugin-dir', pluginDir,
    '--unlock', n.address, '--password-file', join(dir, 'pw'), '--log.level', process.env.BENCH_LOG ?? 'info',
    '--txpool.globalslots', String(POOL_SLOTS), '--txpool.globalqueue', String(POOL_SLOTS)];
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


// One JSON-RPC batch of raw transactions; refusals other than duplicates are errors.
async function sendBatch(n, txs) {
  const b = txs.map((t, k) => ({ jsonrpc: '2.0', id: k, method: 'eth_sendRawTransaction',
    params: [t] }));
  const r = await fetch(n.http, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
  const out = await r.json();
  if (!Array.isArray(out)) throw new Error(`send: ${JSON.stringify(out).slice(0, 300)}`);
  for (const a of out) if (a.error && !/known/.test(a.error.message))
    throw new Error(`send to ${n.name}: ${a.error.message}`);
}

// All transfers, nonce by nonce over the senders (gen prints them so).
function gen(first, count, per, nonce) {
  const r = spawnSync(genBin, ['txs', String(first), String(count), String(per), String(nonce)],
    { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`gen txs: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

// CPU seconds (user + system) and RSS / peak RSS (MiB) of a process, from /proc.
function usage(pid) {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    const hz = 100;
    const cpu = (Number(f[11]) + Number(f[12])) / hz;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number((new RegExp(`${k}:\\s+(\\d+)`).exec(status) ?? [0, 0])[1]);
    return { cpu, rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return { cpu: 0, rss: 0, hwm: 0 };
  }
}

async function pending(n) {
  const st = await rpc(n, 'txpool_status');
  return Number(st.pending) + Number(st.queued);
}

// Feed node i its senders' transfers (in nonce order) in batches while its pool is not deep.
async function feed(n, txs) {
  for (let k = 0; k < txs.length; k += BATCH) {
    while (await pending(n) > FEED_DEPTH) await sleep(100);
    await sendBatch(n, txs.slice(k, k + BATCH));
  }
}

async function main() {
  const t_gen = Date.now();
  const all = gen(0, SENDERS, PER, 0);
  const total = all.length;
  console.log(`bttc-multi: ${total} transfers from ${SENDERS} senders signed in ` +
    `${((Date.now() - t_gen) / 1000).toFixed(1)} s`);
  for (const n of nodes) await start(n);
  await until('every node has three peers', async () =>
    (await Promise.all(nodes.map((n) => rpc(n, 'net_peerCount')))).every((c) => c === '0x3'), 20000);
  // Sender a's transfers go to node a % N: a nonce gap would sit queued in the other pools.
  const parts = nodes.map(() => []);
  all.forEach((t, k) => parts[(k % SENDERS) % N].push(t));
  const h0 = Number((await block(nodes[0], 'latest')).number);
  const u0 = nodes.map((n) => usage(n.child.pid));
  const t0 = Date.now();
  const fed = Promise.all(nodes.map((n, i) => feed(n, parts[i])));
  let fedErr = null;
  fed.catch((e) => { fedErr = e; });
  let sent = false;
  fed.then(() => { sent = true; }, () => {});
  await until('every transfer included', async () => {
    if (fedErr) throw fedErr;
    if (!sent) return false;
    return (await Promise.all(nodes.map((n) => pending(n)))).every((p) => p === 0);
  }, QUICK ? 60000 : 600000);
  if (fedErr) throw fedErr;
  const wall = (Date.now() - t0) / 1000;
  const u1 = nodes.map((n) => usage(n.child.pid));
  const top = Number((await block(nodes[0], 'latest')).number);
  let included = 0, first = null, lastB = null, maxBlock = 0, nBlocks = 0;
  // From block 1: only the flood's transfers are in blocks, and a reorg under the flood may
  // replace blocks at or below h0 with ones that carry transfers (counting from h0 + 1 then
  // missed them: "not every transfer included" with every sender's nonce at PER).
  for (let i = 1; i <= top; i++) {
    const b = await block(nodes[0], i);
    const k = b.transactions.length;
    if (k && !first) first = await block(nodes[0], i - 1);
    if (first) nBlocks++;
    if (k) { lastB = b; included += k; maxBlock = Math.max(maxBlock, k); }
  }
  const chainSecs = lastB && first ? Number(lastB.timestamp) - Number(first.timestamp) : 0;
  console.log(`bttc-multi: ${N} producers, period ${PERIOD} s, gas limit ${GAS_LIMIT}, ` +
    `${total} transfers sent, ${included} included in blocks 1-${top} (head ${h0} at the first send) ` +
    `(largest ${maxBlock} txs)`);
  console.log(`  ${(included / wall).toFixed(0)} tx/s of wall time (${wall.toFixed(1)} s from the ` +
    `first send to the last inclusion), ${(included / Math.max(chainSecs, 1)).toFixed(0)} tx/s ` +
    `of chain time (${chainSecs} s)`);
  console.log(`  ${(nBlocks / Math.max(chainSecs, 1)).toFixed(2)} blocks/s, ` +
    `${(included / Math.max(nBlocks, 1)).toFixed(0)} txs/block mean`);
  nodes.forEach((n, i) => console.log(`  ${n.name}: CPU ${(u1[i].cpu - u0[i].cpu).toFixed(1)} s ` +
    `(${((u1[i].cpu - u0[i].cpu) / wall * 100).toFixed(0)}% of a core), RSS ` +
    `${u1[i].rss.toFixed(0)} MiB (peak ${u1[i].hwm.toFixed(0)} MiB)`));
  // The machine is shared: CPU time per transfer says what the four nodes would sustain alone
  // (all four on the host's cores, each transfer costing that much CPU in all).
  const cpu = u1.reduce((a, u, i) => a + u.cpu - u0[i].cpu, 0);
  const cores = availableParallelism();
  console.log(`  four nodes: ${(cpu / Math.max(included, 1) * 1e6).toFixed(0)} us CPU per transfer ` +
    `in all; ${cores} cores would carry ${(cores * included / Math.max(cpu, 1e-9)).toFixed(0)} ` +
    `tx/s (CPU-bound ceiling, load average now ${loadavg()[0].toFixed(1)})`);
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
if (process.env.BENCH_KEEP) {
  for (const n of nodes) writeFileSync(join(dir, `${n.name}.log`), n.log);
  console.log(`kept ${dir} (node logs in ${dir}/n*.log)`);
} else {
  rmSync(dir, { recursive: true, force: true });
}
console.log(failed ? `${failed} failed` : 'all passed');
process.exit(failed ? 1 : 0);
