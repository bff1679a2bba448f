// Four bttcd validators on loopback run the Delivery node (consensus-bttc with delivery = on
// and the kv stand-in application, dlvnode/dlv_kvapp.h) over dlv/1 p2p topics: they commit
// the same Delivery heights with the same app hashes, a tx submitted to one node is committed
// everywhere; with one of four killed the heights go on; with two killed the chain halts
// without forking and resumes when one returns (which then catches up).
//   node four_validators.mjs BTTCD PLUGIN_DIR
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bttcd, pluginDir] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'bttcd-delivery-'));
const N = 4;
let failed = 0;
const check = (cond, what) => {
  console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
  if (!cond) failed++;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
writeFileSync(join(dir, 'pw'), 'pw\n');

const nodes = [];
for (let i = 0; i < N; i++) {
  const key = join(dir, `key${i}`);
  writeFileSync(key, `0x${'11'.repeat(31)}${(i + 1).toString(16).padStart(2, '0')}\n`);
  const r = spawnSync(bttcd, ['keys', 'import', '--datadir', join(dir, `n${i}`), '--password-file',
    join(dir, 'pw'), '--lightkdf', key], { encoding: 'utf8' });
  const m = /address: (0x[0-9a-fA-F]{40})/.exec(r.stdout);
  if (!m) throw new Error(`keys import: ${r.stdout}${r.stderr}`);
  nodes.push({ name: `n${i}`, address: m[1], child: null, log: '', enode: null });
}
writeFileSync(join(dir, 'genesis.json'), JSON.stringify({
  chain_id: 'delivery-test',
  validators: nodes.map((n) => ({ address: n.address, power: 10 })),
}));
for (const n of nodes) {
  writeFileSync(join(dir, `${n.name}.conf`), [
    '[plugin evm]', 'path = evm', '',
    '[plugin consensus-bttc]', 'path = consensus-bttc', 'chain = devnet', 'delivery = on',
    'delivery_app = kv', `delivery_key = ${n.address}`, `delivery_genesis = ${join(dir, 'genesis.json')}`,
    'delivery_timeout_propose_ms = 1500', 'delivery_timeout_vote_ms = 700',
    'delivery_timeout_commit_ms = 300', ''].join('\n'));
}

function start(n) {
  const stat = nodes.filter((o) => o !== n && o.enode).map((o) => o.enode).join(',');
  const args = ['run', '--config', join(dir, `${n.name}.conf`), '--datadir', join(dir, n.name),
    '--chain', 'devnet', '--nodiscover', '--p2p.addr', '127.0.0.1', '--p2p.port', String(n.port ?? 0),
    '--plugin-dir', pluginDir, '--unlock', n.address, '--password-file', join(dir, 'pw'),
    '--log.level', 'info'];
  if (stat) args.push('--p2p.static', stat);
  n.log = '';
  n.child = spawn(bttcd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  n.child.stderr.on('data', (d) => { n.log += d.toString(); });
}

async function waitFor(n, re, ms) {
  for (let t = 0; t < ms; t += 50) {
    const m = re.exec(n.log);
    if (m) return m;
    await sleep(50);
  }
  return null;
}

function rpc(n, method, params = '') {
  const r = spawnSync(bttcd, ['attach', join(dir, n.name, 'bttcd.ipc'), '--exec',
    `${method} ${params}`], { encoding: 'utf8' });
  try { return JSON.parse(r.stdout); } catch { return null; }
}
const status = (n) => rpc(n, 'dlv_status');
const height = (n) => status(n)?.height ?? -1;

// app hash per height, from the commit logs (each node logs every height it commits)
function commits(n) {
  const out = new Map();
  for (const m of n.log.matchAll(/msg="?dlv_commit"? height=(\d+) round=\d+ txs=\d+ app_hash=([0-9a-f]+)/g))
    out.set(Number(m[1]), m[2]);
  return out;
}
function agree(list) {
  const maps = list.map(commits);
  for (let i = 0; i < maps.length; i++) {
    for (let j = i + 1; j < maps.length; j++) {
      for (const [h, a] of maps[i]) if (maps[j].has(h) && maps[j].get(h) !== a) return false;
    }
  }
  return true;
}
async function until(cond, ms) {
  for (let t = 0; t < ms; t += 200) {
    if (cond()) return true;
    await sleep(200);
  }
  return false;
}

async function main() {
  for (const n of nodes) {
    start(n);
    const m = await waitFor(n, /msg="p2p started" enode=(\S+)/, 10000);
    if (!m) throw new Error(`${n.name} did not start:\n${n.log}`);
    n.enode = m[1].replace('?discport=0', '');
    n.port = Number(/:(\d+)$/.exec(n.enode)[1]);
  }
  check(await until(() => nodes.every((n) => height(n) >= 3), 40000),
    'four validators commit Delivery heights');
  check(rpc(nodes[1], 'dlv_submitTx', '["greeting=hello"]') === true, 'dlv_submitTx accepts a tx');
  check(await until(() => nodes.every((n) => /txs=1 /.test(n.log)), 20000),
    'the tx is committed on every node');
  const h0 = Math.min(...nodes.map(height));
  const s = nodes.map(status);
  check(nodes.every((n) => commits(n).size >= 3) && agree(nodes),
    'same app hash at every height on all four (from each node\'s commit log)');

  nodes[3].child.kill('SIGKILL');
  const a = height(nodes[0]);
  check(await until(() => height(nodes[0]) >= a + 3, 30000), 'one of four killed: heights go on');
  nodes[2].child.kill('SIGKILL');
  await sleep(3000);
  const stuck = height(nodes[0]);
  await sleep(6000);
  const after = height(nodes[0]);
  check(after <= stuck + 1 && Math.abs(height(nodes[1]) - after) <= 1,
    `two of four killed: the chain halts (${stuck} -> ${after})`);
  check(agree(nodes.slice(0, 2)), 'no fork while halted');
  start(nodes[2]);
  check(await until(() => height(nodes[0]) >= after + 3, 40000), 'one returns: heights resume');
  check(await until(() => height(nodes[2]) >= height(nodes[0]) - 1, 20000),
    'the returned validator catches up');
  check(agree(nodes), 'same app hashes after the restart');
  check(h0 >= 3 && s.every((x) => x && !x.halted), 'no node halted');
  for (const n of nodes) n.child?.kill('SIGTERM');
  await sleep(1500);
  check(nodes.every((n) => !/AddressSanitizer|runtime error:|LeakSanitizer/.test(n.log)),
    'no sanitizer report (sanitizer builds)');
}

try {
  await main();
} catch (e) {
  console.log(`not ok - ${e.stack ?? e}`);
  failed++;
}
for (const n of nodes) n.child?.kill('SIGTERM');
await sleep(500);
if (failed) for (const n of nodes) console.log(`--- ${n.name} log (tail) ---\n${n.log.slice(-4000)}`);
rmSync(dir, { recursive: true, force: true });
console.log(failed ? `${failed} failed` : 'all passed');
process.exit(failed ? 1 : 0);
