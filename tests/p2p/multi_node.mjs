// Multi-node on loopback (issue #11): bttcd --dev processes, one producing, the others
// following with --dev.follow (consensus-dev verify-only: the producer's signer checks the
// seals, the follower never produces). No npm packages: JSON-RPC over HTTP with fetch.
//   node multi_node.mjs net  BTTCD TXGEN
//     a flood of transactions sent to a follower is mined by the producer; both followers
//     reach the producer's head and state root; a follower killed (SIGKILL) and restarted
//     catches up.
//   node multi_node.mjs sync BTTCD CHAIN_GEN [N_BLOCKS]
//     a producer holding N blocks of transfers (chain_gen + bttcd import) and a rogue node
//     holding a longer chain sealed by another key; a follower started from scratch first
//     picks the rogue (highest), refuses its blocks, drops it and syncs the N blocks from the
//     producer, answering eth_syncing {startingBlock, currentBlock, highestBlock} meanwhile.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [mode, bttcd, tool, nArg] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'bttcd-multi-'));
const children = new Set();
let failed = 0;

function check(ok, what) {
  console.log(`${ok ? 'ok' : 'FAIL'} - ${what}`);
  if (!ok) failed++;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Start a node; resolve once it is ready, with its HTTP address and enode URL.
function start(name, extra, datadir = join(dir, name)) {
  const args = ['run', '--dev', ...(datadir ? ['--datadir', datadir] : []), '--nodiscover',
    '--p2p.addr', '127.0.0.1', '--p2p.port', '0', '--http', '--http.port', '0', '--ipcdisable',
    ...extra];
  const child = spawn(bttcd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.log = '';
  child.name = name;
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: not ready\n${child.log}`)), 20000);
    child.stderr.on('data', (d) => {
      child.log += d;
      if (child.http) return;
      const h = /msg="http server" addr=(\S+)/.exec(child.log);
      const e = /msg="p2p started" enode=(\S+)/.exec(child.log);
      if (h && e && /msg="bttcd ready"/.test(child.log)) {
        child.http = `http://${h[1]}`;
        child.enode = e[1];
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`${name} exited ${code}\n${child.log}`)));
  });
}

async function rpc(node, method, params = []) {
  const r = await fetch(node.http, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const j = await r.json();
  if (j.error) throw new Error(`${node.name} ${method}: ${j.error.message}`);
  return j.result;
}

async function sendRaw(node, txs) {
  for (let i = 0; i < txs.length; i += 50) {
    const body = txs.slice(i, i + 50).map((t, k) =>
      ({ jsonrpc: '2.0', id: i + k, method: 'eth_sendRawTransaction', params: [t] }));
    const r = await fetch(node.http, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    for (const a of await r.json()) if (a.error) throw new Error(`send: ${a.error.message}`);
  }
}

const head = (node) => rpc(node, 'eth_getBlockByNumber', ['latest', false]);

async function waitFor(what, fn, ms) {
  const until = Date.now() + ms;
  for (;;) {
    try { if (await fn()) return true; } catch { /* not yet */ }
    if (Date.now() > until) { check(false, `${what} (timed out)`); return false; }
    await sleep(100);
  }
}

function txgen(first, n, per, nonce) {
  const r = spawnSync(tool, [String(first), String(n), String(per), String(nonce)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`txgen: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

// Every node at the same head (hash and state root) as `ref`.
async function sameHead(ref, nodes) {
  const h = await head(ref);
  for (const n of nodes) {
    const x = await head(n);
    if (x.hash !== h.hash || x.stateRoot !== h.stateRoot) return false;
  }
  return h;
}

async function net() {
  const a = await start('a', []);
  const signer = readFileSync(join(dir, 'a', 'dev-signer'), 'utf8').trim();
  const follow = ['--dev.follow', signer, '--p2p.static', a.enode];
  const b = await start('b', follow);
  let c = await start('c', follow);
  await waitFor('the producer has two peers', async () => (await rpc(a, 'net_peerCount')) === '0x2', 10000);
  check(true, 'three nodes connected');

  // A flood to a follower: it gossips the hashes, the producer fetches and mines them.
  const flood = txgen(0, 10, 30, 0);
  const t0 = Date.now();
  await sendRaw(b, flood);
  const last = '0x' + (30).toString(16);
  const who = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
  await waitFor('the producer mined the flood sent to a follower', async () =>
    (await rpc(a, 'eth_getTransactionCount', [who, 'latest'])) === last &&
    (await rpc(a, 'txpool_status')).pending === '0x0', 60000);
  const h1 = await head(a);
  check(Number(h1.number) > 0, `${flood.length} transactions mined in ${Number(h1.number)} blocks ` +
    `(${Date.now() - t0} ms)`);
  const same = await waitFor('followers reach the producer head and state root',
    () => sameHead(a, [b, c]), 30000);
  if (same) check(true, `followers at head ${Number(h1.number)} with the same hash and state root`);

  // A follower killed and restarted catches up.
  c.kill('SIGKILL');
  await waitFor('the killed follower is gone', async () => !children.has(c), 5000);
  await sendRaw(b, txgen(0, 10, 10, 30));
  await waitFor('the producer mined the second batch', async () =>
    (await rpc(a, 'eth_getTransactionCount', [who, 'latest'])) === '0x' + (40).toString(16), 60000);
  const h2 = await head(a);
  c = await start('c', follow);
  const caught = await waitFor('the restarted follower catches up', () => sameHead(a, [b, c]), 30000);
  if (caught) check(true, `restarted follower caught up from its head to ${Number(h2.number)}`);
  const syncing = await rpc(c, 'eth_syncing');
  check(syncing === false, 'eth_syncing is false once caught up');
}

async function sync() {
  const n = Number(nArg || 2000);
  const gen = (datadir, file, blocks, per, key) => {
    const r = spawnSync(tool, [datadir, file, String(blocks), String(per), ...(key ? [key] : [])],
      { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`chain_gen: ${r.stderr}`);
  };
  const imp = (datadir, file) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(bttcd, ['--dev', '--datadir', datadir, 'import', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`import: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  const p = join(dir, 'p'), w = join(dir, 'w');
  gen(p, join(dir, 'p.rlp'), n, 10);
  const tImport = imp(p, join(dir, 'p.rlp'));
  // The rogue: a longer chain sealed by key 0x22..22, which the follower does not accept.
  gen(w, join(dir, 'w.rlp'), n + 40, 0, '0x22');
  imp(w, join(dir, 'w.rlp'));
  const signer = readFileSync(join(p, 'dev-signer'), 'utf8').trim();
  const prod = await start('p', [], p);
  const rogue = await start('w', [], w);
  // Ephemeral follower (no --datadir: storage in memory), rogue first in the static list.
  const t0 = Date.now();
  const f = await start('f', ['--dev.follow', signer, '--p2p.static', `${rogue.enode},${prod.enode}`],
    null);
  let seen = null;
  const done = await waitFor(`the late follower syncs ${n} blocks`, async () => {
    const s = await rpc(f, 'eth_syncing');
    if (s && !seen) seen = s;
    return s === false && (await sameHead(prod, [f]));
  }, 300000);
  const secs = (Date.now() - t0) / 1000;
  if (done) check(true, `synced ${n} blocks (${n * 10} txs) in ${secs.toFixed(1)} s ` +
    `(${(n / secs).toFixed(0)} blocks/s; bttcd import of the same blocks: ${tImport.toFixed(1)} s)`);
  check(seen && 'startingBlock' in seen && 'currentBlock' in seen && seen.highestBlock !== undefined,
    `eth_syncing answered ${JSON.stringify(seen)} while syncing`);
  check(/msg="peer misbehaved"|msg="peer banned"|bad block/.test(f.log) &&
    /unauthorized signer/.test(f.log), 'the rogue peer serving a wrong chain was dropped');
  check(/msg="syncing" height=\d+ target=\d+ .*blocks_per_s=\d+ .*eta_s=\d+/.test(f.log),
    'progress lines with height, target, blocks/s and ETA');
}

try {
  if (mode === 'net') await net();
  else if (mode === 'sync') await sync();
  else throw new Error(`unknown mode ${mode}`);
} catch (e) {
  check(false, e.stack || String(e));
}
for (const ch of children) ch.kill('SIGTERM');
await sleep(300);
if (failed) for (const ch of [...children]) console.log(`--- ${ch.name} ---\n${ch.log}`);
rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
