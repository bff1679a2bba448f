// Four Bttc producers over p2p on loopback (issue #12): `bttcd run --chain devnet` with
// consensus-bttc (sprint 4, period 1, producerDelay 2, backupMultiplier 1) and a fixed span file
// naming dev accounts 0-3 as producers, the producers of the devnet genesis' span 0.
//   node multi_producer.mjs BTTCD PLUGIN_DIR
// Checks: blocks come in turn with difficulty 4; sprint-end blocks carry the producer list in
// extraData; bor_getSnapshot agrees on every node; the in-turn producer stopped, the next backup
// seals with difficulty 3 no sooner than delay + backupMultiplier after its parent; restarted,
// the stopped producer rejoins the heaviest chain; all nodes end with the same head and state
// root. No npm packages: JSON-RPC over HTTP with fetch.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bttcd, pluginDir] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'bttcd-bttcmulti-'));
const N = 4, SPRINT = 4, PERIOD = 1, PRODUCER_DELAY = 2, BACKUP = 1;
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
  nodes.push({ name: `n${i}`, address: m[1], child: null, log: '', oldLog: '', enode: null, port: 0 });
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
    '--unlock', n.address, '--password-file', join(dir, 'pw'), '--log.level', 'info'];
  if (stat) args.push('--p2p.static', stat);
  n.oldLog = (n.oldLog ?? '') + n.log;
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

async function main() {
  for (const n of nodes) await start(n);
  await until('every node has three peers', async () =>
    (await Promise.all(nodes.map((n) => rpc(n, 'net_peerCount')))).every((c) => c === '0x3'), 20000);
  // Let the start-up races (every node may seal block 1 at once) settle on the heaviest chain.
  const h0 = await until('the four nodes agree on a head above 4', async () => {
    const h = await sameHead(nodes);
    return h && Number(h.number) > 4 ? h : null;
  }, 30000);
  if (!h0) return;
  const from = Number(h0.number);
  await until('the chain grows three sprints', async () =>
    Number((await block(nodes[0], 'latest')).number) >= from + 3 * SPRINT + 1, 30000);
  const bs = await range(nodes[0], from + 1, from + 3 * SPRINT);
  const turns = bs.filter((b) => Number(b.difficulty) === N).length;
  check(turns === bs.length, `blocks ${from + 1}-${from + 3 * SPRINT} sealed in turn with ` +
    `difficulty ${N} (${turns}/${bs.length})`);
  const authors = await Promise.all(bs.map((b) => rpc(nodes[0], 'bor_getAuthor', [b.number])));
  const bySprint = new Map();
  bs.forEach((b, i) => {
    const s = Math.floor(Number(b.number) / SPRINT);
    bySprint.set(s, (bySprint.get(s) ?? new Set()).add(authors[i].toLowerCase()));
  });
  check([...bySprint.values()].every((s) => s.size === 1) && new Set([...bySprint.values()]
    .map((s) => [...s][0])).size > 1, 'one producer per sprint, rotating between sprints');
  const extraLen = (b) => (b.extraData.length - 2) / 2;
  const ends = bs.filter((b) => (Number(b.number) + 1) % SPRINT === 0);
  const inner = bs.filter((b) => (Number(b.number) + 1) % SPRINT !== 0);
  const listOk = ends.every((b) => {
    if (extraLen(b) !== 32 + 40 * N + 65) return false;
    const e = b.extraData.slice(2 + 64);
    const got = nodes.map((n, i) => e.slice(i * 80, i * 80 + 40).toLowerCase()).sort();
    const want = nodes.map((x) => x.address.slice(2).toLowerCase()).sort();
    return JSON.stringify(got) === JSON.stringify(want);
  });
  check(ends.length >= 2 && listOk && inner.every((b) => extraLen(b) === 97),
    `sprint-end blocks (${ends.map((b) => Number(b.number)).join(', ')}) carry the ${N} ` +
    'producers in extraData, the others vanity and seal only');
  const at = hex(from + 2 * SPRINT);
  const snaps = await Promise.all(nodes.map((n) => rpc(n, 'bor_getSnapshot', [at])));
  check(snaps.every((s) => JSON.stringify(s) === JSON.stringify(snaps[0])) &&
    snaps[0].validatorSet?.validators?.length === N,
  `bor_getSnapshot(${Number(at)}) identical on the ${N} nodes`);

  // Stop the producer of the next sprint just before its turn: its sprint goes to the backup.
  const cur = await block(nodes[0], 'latest');
  const next = (Math.floor(Number(cur.number) / SPRINT) + 1) * SPRINT;
  const victimAddr = (await until('the next sprint starts', async () => {
    const h = await block(nodes[0], 'latest');
    if (Number(h.number) < next) return null;
    return (await rpc(nodes[0], 'bor_getAuthor', [hex(next)])).toLowerCase();
  }, 20000));
  if (!victimAddr) return;
  // The producer of sprint `next` is in turn again four sprints later; stop it a sprint before.
  const target = next + N * SPRINT;
  await until('the sprint before the victim\'s next turn', async () =>
    Number((await block(nodes[0], 'latest')).number) >= target - SPRINT + 1, 60000);
  const victim = nodes.find((n) => n.address.toLowerCase() === victimAddr);
  const rest = nodes.filter((n) => n !== victim);
  victim.child.kill('SIGKILL');
  await until('the victim is gone', async () => !victim.child, 5000);
  const stoppedAt = Number((await block(rest[0], 'latest')).number);
  check(stoppedAt < target, `producer ${victim.name} stopped at block ${stoppedAt}, its turn ` +
    `comes at ${target}`);
  await until('the backups seal the stopped producer\'s sprint', async () =>
    Number((await block(rest[0], 'latest')).number) >= target + SPRINT, 60000);
  const sb = await range(rest[0], target - 1, target + SPRINT - 1);
  let ok = true;
  const gaps = [];
  for (let i = 1; i < sb.length; i++) {
    const num = Number(sb[i].number);
    const delay = (num % SPRINT === 0 ? PRODUCER_DELAY : PERIOD) + BACKUP;
    const gap = Number(sb[i].timestamp) - Number(sb[i - 1].timestamp);
    gaps.push(`${num}:${gap}s/d${Number(sb[i].difficulty)}`);
    if (Number(sb[i].difficulty) !== N - 1 || gap < delay) ok = false;
  }
  const first = Number(sb[1].timestamp) - Number(sb[0].timestamp);
  check(ok && first <= PRODUCER_DELAY + BACKUP + 1, `the next backup sealed the stopped ` +
    `producer's sprint with difficulty ${N - 1} after producerDelay/period + backupMultiplier ` +
    `(${gaps.join(' ')})`);
  const heads = await until('the three others agree on a head', () => sameHead(rest), 20000);
  check(heads && (await rpc(rest[1], 'bor_getAuthor', [hex(target)])).toLowerCase() !== victimAddr,
    'the three others agree while the producer is down');

  await start(victim);
  await until('the restarted producer rejoins the heaviest chain', async () => {
    const h = await sameHead(nodes);
    return h && Number(h.number) > target + SPRINT ? h : null;
  }, 40000);
  const vb = await block(victim, target);
  check(vb && vb.hash === (await block(rest[0], target)).hash,
    `the restarted producer has the others' block ${target} (difficulty ${N - 1})`);
  // End: the same head and state root everywhere.
  const fin = await until('all nodes end with the same head and state root', () => sameHead(nodes),
    20000);
  if (fin) check(true, `all ${N} nodes at head ${Number(fin.number)} ${fin.hash.slice(0, 10)}.. ` +
    `state root ${fin.stateRoot.slice(0, 10)}..`);
  const banned = nodes.filter((n) => /msg="peer banned"/.test(n.log)).map((n) => n.name);
  check(banned.length === 0, `no node banned a peer for a competing branch (${banned.join(' ') ||
    'none'}); reorgs seen: ${nodes.map((n) => (n.log.match(/msg="chain reorg"/g) ?? []).length)
    .join('/')}`);
  if (failed || process.env.BTTC_MULTI_DUMP) {
    const top = Number((await block(nodes[0], 'latest')).number);
    const all = await range(nodes[0], 1, top);
    const who = await Promise.all(all.map((b) => rpc(nodes[0], 'bor_getAuthor', [b.number])));
    const name = (a) => nodes.find((n) => n.address.toLowerCase() === a.toLowerCase())?.name;
    console.log(all.map((b, i) => `${Number(b.number)}:${name(who[i])}/d${Number(b.difficulty)}` +
      `/t${Number(b.timestamp) % 1000}`).join(' '));
  }
}

try {
  await main();
} catch (e) {
  check(false, e.stack ?? String(e));
}
for (const n of nodes) n.child?.kill('SIGTERM');
await until('every node stopped', async () => nodes.every((n) => !n.child), 15000);
await sleep(300);
check(nodes.every((n) => !/AddressSanitizer|runtime error:|LeakSanitizer/.test(n.oldLog + n.log)),
  'no sanitizer report, also at exit (sanitizer builds)');
if (failed) for (const n of nodes) console.log(`--- ${n.name} log (tail) ---\n${n.log.slice(-6000)}`);
rmSync(dir, { recursive: true, force: true });
console.log(failed ? `${failed} failed` : 'all passed');
process.exit(failed ? 1 : 0);
