// Four bttcd validators run the real Delivery application in consensus-bttc (delivery = on,
// delivery_app = delivery, plugins/consensus-bttc/dlvrun.c) from a genesis with the four as
// validators and span 0: they commit heights with the same app hash on all four, and each
// node's REST server answers /bor/span/0, /checkpoints/count/tron and /staking/validator-set
// in upstream's {"height","result"} shapes.
//   node four_validators_app.mjs BTTCD PLUGIN_DIR
import { spawn, spawnSync } from 'node:child_process';
import { createECDH } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bttcd, pluginDir] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'bttcd-dlvapp-'));
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
  const priv = `${'22'.repeat(31)}${(i + 1).toString(16).padStart(2, '0')}`;
  const key = join(dir, `key${i}`);
  writeFileSync(key, `0x${priv}\n`);
  const r = spawnSync(bttcd, ['keys', 'import', '--datadir', join(dir, `n${i}`), '--password-file',
    join(dir, 'pw'), '--lightkdf', key], { encoding: 'utf8' });
  const m = /address: (0x[0-9a-fA-F]{40})/.exec(r.stdout);
  if (!m) throw new Error(`keys import: ${r.stdout}${r.stderr}`);
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(Buffer.from(priv, 'hex'));
  nodes.push({ name: `n${i}`, address: m[1].toLowerCase(), pub: `0x${ecdh.getPublicKey('hex')}`,
    child: null, log: '', enode: null, rest: 0 });
}
writeFileSync(join(dir, 'genesis.json'), JSON.stringify({
  chain_id: 'delivery-test',
  params: { bor_chain_id: '1337', span_duration: 256, sprint_duration: 16, producer_count: 4 },
  validators: nodes.map((n, i) => ({ ID: i + 1, startEpoch: 0, endEpoch: 0, nonce: 1, power: 10,
    pubKey: n.pub, signer: n.address, last_updated: '', jailed: false })),
  span: { span_id: 0, start_block: 0, end_block: 255 },
  dividend_accounts: [],
}));
for (const n of nodes) {
  writeFileSync(join(dir, `${n.name}.conf`), [
    '[plugin evm]', 'path = evm', '',
    '[plugin consensus-bttc]', 'path = consensus-bttc', 'chain = devnet', 'delivery = on',
    `delivery_key = ${n.address}`, `delivery_genesis = ${join(dir, 'genesis.json')}`,
    'delivery_timeout_propose_ms = 1500', 'delivery_timeout_vote_ms = 700',
    'delivery_timeout_commit_ms = 300', ''].join('\n'));
}

function start(n) {
  const stat = nodes.filter((o) => o !== n && o.enode).map((o) => o.enode).join(',');
  const args = ['run', '--config', join(dir, `${n.name}.conf`), '--datadir', join(dir, n.name),
    '--chain', 'devnet', '--nodiscover', '--p2p.addr', '127.0.0.1', '--p2p.port', String(n.port ?? 0),
    '--rest.port', '0', '--plugin-dir', pluginDir, '--unlock', n.address, '--password-file',
    join(dir, 'pw'), '--log.level', 'info'];
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

function commits(n) {
  const out = new Map();
  for (const m of n.log.matchAll(/msg="?dlv_commit"? height=(\d+) round=\d+ txs=\d+ app_hash=([0-9a-f]+)/g))
    out.set(Number(m[1]), m[2]);
  return out;
}
const height = (n) => Math.max(-1, ...commits(n).keys());
async function until(cond, ms) {
  for (let t = 0; t < ms; t += 200) {
    if (cond()) return true;
    await sleep(200);
  }
  return false;
}
async function rest(n, path) {
  try {
    const r = await fetch(`http://127.0.0.1:${n.rest}${path}`);
    return { status: r.status, body: await r.json() };
  } catch (e) {
    return { status: 0, body: String(e) };
  }
}

async function main() {
  for (const n of nodes) {
    start(n);
    const m = await waitFor(n, /msg="p2p started" enode=(\S+)/, 10000);
    if (!m) throw new Error(`${n.name} did not start:\n${n.log}`);
    n.enode = m[1].replace('?discport=0', '');
    n.port = Number(/:(\d+)$/.exec(n.enode)[1]);
    const r = await waitFor(n, /msg="rest server" addr=[^:]+:(\d+)/, 5000);
    if (!r) throw new Error(`${n.name}: no rest server:\n${n.log}`);
    n.rest = Number(r[1]);
  }
  check(await until(() => nodes.every((n) => height(n) >= 3), 60000),
    'four validators commit Delivery heights with the Delivery application');
  const maps = nodes.map(commits);
  let same = true, compared = 0;
  for (const [h, a] of maps[0]) {
    for (const m of maps.slice(1)) {
      if (m.has(h)) {
        compared++;
        if (m.get(h) !== a) same = false;
      }
    }
  }
  check(same && compared >= 9, `same app hash at every height on all four (${compared} pairs)`);
  const addrs = nodes.map((n) => n.address).sort();
  for (const n of nodes) {
    const span = await rest(n, '/bor/span/0');
    const sr = span.body?.result;
    check(span.status === 200 && typeof span.body?.height === 'string' && sr &&
      Number(sr.span_id) === 0 && Number(sr.start_block) === 0 && Number(sr.end_block) === 255 &&
      sr.bor_chain_id === '1337' && sr.validator_set?.validators?.length === N &&
      Array.isArray(sr.selected_producers) && sr.selected_producers.length > 0,
      `${n.name}: /bor/span/0 ${JSON.stringify(span.body).slice(0, 200)}`);
    const cc = await rest(n, '/checkpoints/count/tron');
    check(cc.status === 200 && typeof cc.body?.height === 'string' &&
      Number(cc.body?.result?.result) === 0,
      `${n.name}: /checkpoints/count/tron ${JSON.stringify(cc.body).slice(0, 200)}`);
    const vs = await rest(n, '/staking/validator-set');
    const vr = vs.body?.result;
    check(vs.status === 200 && vr && Array.isArray(vr.validators) &&
      vr.validators.map((v) => v.signer.toLowerCase()).sort().join() === addrs.join() &&
      vr.proposer && addrs.includes(vr.proposer.signer.toLowerCase()),
      `${n.name}: /staking/validator-set ${JSON.stringify(vs.body).slice(0, 200)}`);
  }
  // a restart resumes from the store (no second genesis) and catches up with the same hashes
  const before = commits(nodes[3]);
  nodes[3].child.kill('SIGTERM');
  await sleep(1500);
  start(nodes[3]);
  const top = Math.max(...nodes.slice(0, 3).map(height));
  check(await until(() => height(nodes[3]) >= top + 2, 40000),
    'a restarted validator resumes from its store and commits new heights');
  const m0 = commits(nodes[0]), m3 = commits(nodes[3]);
  check([...before, ...m3].every(([h, a]) => !m0.has(h) || m0.get(h) === a),
    'the restarted validator agrees with the others at every height');
  check(nodes.every((n) => !/dlv_halt|halted/.test(n.log)), 'no node halted');
  check(nodes.every((n) => !/no span source/.test(n.log)),
    'the producer half takes bttc/span-source from the in-process application');
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
