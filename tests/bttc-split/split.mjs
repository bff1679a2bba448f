// Split deployment (Bttc producer issue): `bttcd run --chain devnet` with consensus-bttc and
// `delivery_url=` pointing at a small Delivery stand-in on loopback that serves spans and
// event records in upstream's REST shapes (PROTOCOL.md §4.9: the {"height","result"} envelope,
// bttcprotocol/delivery@v1.0.9 bor/client/rest and clerk/client/rest field names).
//   node split.mjs BTTCD PLUGIN_DIR
// One producer (dev account 0, the only producer of span 0 with --dev.accounts 1), sprint 4,
// period 1: span 0 of the devnet genesis ends at block 255, so span 1 commits at block 252,
// about four minutes in (a header's time must pass its parent's: one block a second at most).
// Checks:
//  * retry: the server first answers 503, then is down (connection refused); the node logs each
//    failure, asks again every 5 s, the chain waits at the first sprint start, and continues
//    once the server is back;
//  * state sync: records 1-3, then 4-63 (two pages of the 50-record limit) reach the
//    StateReceiver through commitState: lastStateId (eth_call) advances to 63 and a receiver
//    contract (code put in place with block_alloc) saw every onStateReceive call;
//  * span: span 1 (the same producer with power 3) is committed at block 252 (§3.7):
//    getCurrentSpan() is (1, 256, 511), getBorValidators(256) answers power 3, and
//    bor_getCurrentValidators past block 256 shows it;
//  * the node asked only the routes Bttc asks, with the query parameters it should.
// No npm packages: JSON-RPC over HTTP with fetch, the server is node:http.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bttcd, pluginDir] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'bttcd-split-'));
const SPRINT = 4;
const KEY0 = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const VALIDATOR_SET = '0x0000000000000000000000000000000000001000';
const STATE_RECEIVER = '0x0000000000000000000000000000000000001001';
const RECEIVER = '0x000000000000000000000000000000000000beef';
let failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}`);
  if (!ok) failed++;
  return ok;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hex = (x) => `0x${x.toString(16)}`;
const word = (x) => BigInt(x).toString(16).padStart(64, '0');

// --- the Delivery stand-in ----------------------------------------------------------------

const srv = {
  mode: 'up', // 'up', '503', or 'down' (listening socket closed)
  height: 100,
  spans: new Map(),
  records: [],
  log: [], // {t, path, status}
  bad: [], // requests Bttc should not make
  port: 0,
};

// A validator as Delivery's JSON has it (bor/client/rest/query.go; hmTypes.Validator).
function validator(id, power, signer) {
  return { ID: id, startEpoch: 0, endEpoch: 0, nonce: 1, power,
    pubKey: `0x04${'11'.repeat(64)}`, signer: signer.toLowerCase(),
    last_updated: '', jailed: false, accum: 0 };
}
function span(id, start, end, vals) {
  return { span_id: id, start_block: start, end_block: end, bor_chain_id: '1337',
    validator_set: { validators: vals, proposer: vals[0] }, selected_producers: vals };
}
function record(id, time, contract, dataWord) {
  return { id, contract, data: `0x${dataWord}`, tx_hash: `0x${word(0xabc000 + id)}`,
    log_index: id % 3, bor_chain_id: '1337',
    record_time: new Date(time).toISOString().replace('Z', '123456Z'), root_chain_type: 'tron' };
}

function answer(res, status, result) {
  if (result === undefined) {
    res.writeHead(status).end();
    return;
  }
  const body = JSON.stringify({ height: String(srv.height), result });
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

function handle(req, res) {
  const u = new URL(req.url, 'http://x');
  const ent = { t: Date.now(), path: req.url, status: 0 };
  srv.log.push(ent);
  const reply = (status, result) => { ent.status = status; answer(res, status, result); };
  if (req.method !== 'GET') {
    srv.bad.push(`${req.method} ${req.url}`);
    return reply(405, undefined);
  }
  if (srv.mode === '503')
    return reply(503, undefined);
  srv.height++;
  let m;
  if ((m = /^\/bor\/span\/(\d+)$/.exec(u.pathname))) {
    const s = srv.spans.get(Number(m[1]));
    // Delivery answers an unknown span with an error status (its querier fails).
    return s ? reply(200, s) : reply(500, undefined);
  }
  if (u.pathname === '/bor/latest-span') {
    const ids = [...srv.spans.keys()];
    return reply(200, srv.spans.get(Math.max(...ids)));
  }
  if (u.pathname === '/clerk/event-record/list') {
    const from = Number(u.searchParams.get('from-id'));
    const to = Number(u.searchParams.get('to-time'));
    const limit = Number(u.searchParams.get('limit'));
    if (!(from >= 1) || !Number.isInteger(to) || !(limit >= 1)) {
      srv.bad.push(req.url);
      return reply(400, undefined);
    }
    // Consecutive ids from `from` with record_time < to (seconds), at most min(limit, 50).
    const out = [];
    for (let id = from; out.length < Math.min(limit, 50); id++) {
      const r = srv.records.find((x) => x.id === id);
      if (!r || !(Math.floor(Date.parse(r.record_time) / 1000) < to)) break;
      out.push(r);
    }
    return reply(200, out);
  }
  srv.bad.push(req.url);
  return reply(404, undefined);
}

const server = createServer(handle);
const listen = (port) => new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', () => {
    server.off('error', reject);
    resolve(server.address().port);
  });
});
const unlisten = () => new Promise((resolve) => {
  server.close(() => resolve());
  server.closeAllConnections();
});

// --- the node -----------------------------------------------------------------------------

const node = { child: null, log: '', http: null };
writeFileSync(join(dir, 'pw'), '\n');
writeFileSync(join(dir, 'key0'), `${KEY0}\n`);
const imp = spawnSync(bttcd, ['keys', 'import', '--datadir', join(dir, 'n0'), '--password-file',
  join(dir, 'pw'), '--lightkdf', join(dir, 'key0')], { encoding: 'utf8' });
const am = /address: (0x[0-9a-fA-F]{40})/.exec(imp.stdout);
if (!am) throw new Error(`keys import: ${imp.stdout}${imp.stderr}`);
const ADDR = am[1];

// The receiver: onStateReceive(uint256 id, bytes data) stores id in slot 0, the first word of
// data in slot 1 and counts its calls in slot 2 (it ignores the selector: the StateReceiver is
// its only caller). Hand-assembled: sstore(0, calldataload(4)); sstore(1, calldataload(100));
// sstore(2, sload(2) + 1); stop.
writeFileSync(join(dir, 'receiver.hex'), '60043560005560643560015560025460010160025500\n');

async function rpc(method, params = []) {
  const r = await fetch(node.http, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const j = await r.json();
  if (j.error) throw new Error(`${method}: ${j.error.message}`);
  return j.result;
}
const head = async () => Number(await rpc('eth_blockNumber'));
const call = (to, data, tag = 'latest') => rpc('eth_call', [{ to, data, gas: '0x7fffffffffffffff' },
  typeof tag === 'number' ? hex(tag) : tag]);
const lastStateId = async () => Number(await call(STATE_RECEIVER, '0x5407ca67'));
const slot = async (a, k) => BigInt(await rpc('eth_getStorageAt', [a, hex(k), 'latest']));

async function until(what, fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch { /* not yet */ }
    if (Date.now() > end) { check(false, `${what} (timed out)`); return null; }
    await sleep(200);
  }
}

function start() {
  writeFileSync(join(dir, 'n0.conf'), ['[plugin evm]', 'path = evm', '',
    '[plugin consensus-bttc]', 'path = consensus-bttc', 'chain = devnet', `signer = ${ADDR}`,
    `sprint = ${SPRINT}`, 'period = 1', 'producer_delay = 1', 'backup_multiplier = 1',
    `delivery_url = http://127.0.0.1:${srv.port}/`,
    `block_alloc = 1 ${RECEIVER} ${join(dir, 'receiver.hex')}`, ''].join('\n'));
  const args = ['run', '--config', join(dir, 'n0.conf'), '--datadir', join(dir, 'n0'),
    '--chain', 'devnet', '--dev.accounts', '1', '--nodiscover', '--p2p.addr', '127.0.0.1',
    '--p2p.port', '0', '--http', '--http.port', '0', '--ipcdisable', '--plugin-dir', pluginDir,
    '--unlock', ADDR, '--password-file', join(dir, 'pw'), '--log.level', 'info'];
  node.child = spawn(bttcd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  node.child.stderr.on('data', (d) => { node.log += d.toString(); });
  node.child.on('exit', () => { node.child = null; });
  return (async () => {
    for (let t = 0; t < 20000; t += 50) {
      const h = /msg="http server" addr=(\S+)/.exec(node.log);
      if (h && /msg="bttcd ready"/.test(node.log)) {
        node.http = `http://${h[1]}`;
        return;
      }
      if (!node.child) break;
      await sleep(50);
    }
    throw new Error(`the node did not start:\n${node.log}`);
  })();
}

const listAsks = () => srv.log.filter((e) => e.path.startsWith('/clerk/event-record/list'));
const retryLines = () => node.log.split('\n')
  .filter((l) => /msg="delivery request failed, retrying in 5s"/.test(l));

async function main() {
  const t0 = Date.now();
  srv.port = await listen(0);
  const vals0 = [validator(1, 1, ADDR)];
  srv.spans.set(0, span(0, 0, 255, vals0));
  srv.spans.set(1, span(1, 256, 511, [validator(1, 3, ADDR)]));
  // Records 1-3, two minutes old: committed at the first sprint start whose `to` (the time of
  // the block a sprint earlier) is past them, i.e. block 8 (block 4's is the 2019 genesis).
  srv.records.push(record(1, t0 - 120000, RECEIVER, word(0x11)),
    record(2, t0 - 120000, '0x00000000000000000000000000000000000000aa', word(0x22)),
    record(3, t0 - 119000, RECEIVER, word(0x33)));

  // 1. Delivery unavailable: 503, then down, then back.
  srv.mode = '503';
  await start();
  const asked = await until('the node asks for the event records of block 4', () =>
    listAsks().length > 0, 20000);
  if (!asked) return;
  await sleep(5500);
  const stall = await head();
  check(stall === SPRINT - 1, `the chain waits before the first sprint start (head ${stall})`);
  srv.mode = 'down';
  await unlisten();
  await until('the node logs the refused connection', () =>
    retryLines().some((l) => !/http status/.test(l)), 15000);
  await sleep(1000);
  await listen(srv.port);
  srv.mode = 'up';
  const tBack = Date.now();
  const passed = await until('the chain passes the first sprint start once Delivery is back',
    async () => (await head()) > SPRINT, 15000);
  const lines = retryLines();
  check(lines.some((l) => /err="[^"]*http status 503"/.test(l)) &&
    lines.some((l) => /what="\/clerk\/event-record\/list"/.test(l)),
  `each failure logged with the path and the cause (${lines.length} lines, e.g. ` +
    `${lines.find((l) => !/http status/.test(l))?.replace(/^.*msg=/, 'msg=') ?? 'no refusal'})`);
  const served = listAsks().filter((e) => e.status === 503).map((e) => e.t);
  const gaps = served.slice(1).map((t, i) => t - served[i]);
  check(served.length >= 2 && gaps.every((g) => g >= 4500 && g < 7000),
    `asked again every 5 s while failing (gaps ${gaps.join(', ')} ms)`);
  if (passed) {
    check(Date.now() - tBack < 8000, `continued ${Date.now() - tBack} ms after Delivery came back`);
  }

  // 2. State sync: records 1-3, then 60 more (two pages).
  await until('records 1-3 committed (lastStateId 3)', async () => (await lastStateId()) >= 3,
    20000);
  check(await lastStateId() === 3, `StateReceiver.lastStateId() is 3 (${await lastStateId()})`);
  check(await slot(RECEIVER, 0) === 3n && await slot(RECEIVER, 1) === 0x33n &&
    await slot(RECEIVER, 2) === 2n, 'the receiver saw records 1 and 3 (onStateReceive), not ' +
    'record 2 for another contract');
  const tAdd = Date.now() - 1000;
  for (let id = 4; id <= 63; id++) srv.records.push(record(id, tAdd, RECEIVER, word(0x1000 + id)));
  await until('records 4-63 committed (lastStateId 63)', async () => (await lastStateId()) >= 63,
    30000);
  const last = await lastStateId();
  check(last === 63 && await slot(RECEIVER, 0) === 63n &&
    await slot(RECEIVER, 1) === BigInt(0x1000 + 63) && await slot(RECEIVER, 2) === 62n,
  `lastStateId ${last}; the receiver got records 4-63 in order (last data 0x${(await slot(RECEIVER,
    1)).toString(16)}, ${await slot(RECEIVER, 2)} calls)`);
  const pages = listAsks().filter((e) => /from-id=4&/.test(e.path) || /from-id=54&/.test(e.path));
  check(pages.some((e) => /from-id=54&/.test(e.path)) &&
    listAsks().every((e) => /[?&]limit=50(&|$)/.test(e.path)),
  'records fetched in pages of 50 (from-id=4, then from-id=54)');
  check(pages.length >= 2, `page requests seen: ${pages.map((e) => e.path).join(' ')}`);

  // 3. Span 1: committed at block 252 (span 0 ends at 255, sprint 4).
  const spanCur = async (tag) => {
    const r = (await call(VALIDATOR_SET, '0xaf26aa96', tag)).slice(2);
    return [0, 1, 2].map((i) => Number(BigInt(`0x${r.slice(64 * i, 64 * i + 64)}`)));
  };
  await until('block 260 reached', async () => (await head()) >= 260, 300000);
  // getCurrentSpan() is the span holding block.number (the contract's getSpanByBlock).
  const before = await spanCur(251);
  const now = await spanCur('latest');
  check(JSON.stringify(before) === '[0,0,255]' && JSON.stringify(now) === '[1,256,511]',
    `getCurrentSpan() is (${before}) at block 251 and (${now}) past block 256`);
  // getBorValidators(256): the newest span's producers. Span 1 from block 252 on, not before.
  const producers = async (tag) => {
    const r = (await call(VALIDATOR_SET, `0x0c35b1cb${word(256)}`, tag)).slice(2);
    const at = (i) => BigInt(`0x${r.slice(64 * i, 64 * i + 64)}`);
    const n = Number(at(2));
    return { n, addr: at(3), power: Number(at(4 + n)) };
  };
  const p251 = await producers(251);
  const p252 = await producers(252);
  check(p251.power === 1 && p252.n === 1 && p252.addr === BigInt(ADDR) && p252.power === 3,
    `getBorValidators(256): power ${p251.power} at block 251, the span 1 producer with power ` +
    `${p252.power} from block 252 (commitSpan at 252)`);
  const cv = await rpc('bor_getCurrentValidators');
  const cvs = JSON.stringify(cv);
  check(/"(power|VotingPower|votingPower)":3\b/.test(cvs) && cvs.toLowerCase()
    .includes(ADDR.slice(2).toLowerCase()), `bor_getCurrentValidators: ${cvs.slice(0, 160)}`);
  const spanAsks = srv.log.filter((e) => e.path.startsWith('/bor/span/'));
  check(spanAsks.some((e) => e.path === '/bor/span/1' && e.status === 200),
    `span 1 asked from Delivery (${[...new Set(spanAsks.map((e) => e.path))].join(' ')})`);
  const commits = node.log.match(/msg="span committed" span=1 start=256 end=511 number=\d+/g) ?? [];
  check(commits.length === 1 && /number=252$/.test(commits[0]),
    `the node logs the commit once (${commits.join('; ') || 'none'})`);
  check(srv.bad.length === 0, `no request outside the Bttc routes (${srv.bad.join(' ') || 'none'})`);
}

try {
  await main();
} catch (e) {
  check(false, e.stack ?? String(e));
}
node.child?.kill('SIGTERM');
await until('the node stopped', async () => !node.child, 15000);
await sleep(300);
server.close();
server.closeAllConnections();
check(!/AddressSanitizer|runtime error:|LeakSanitizer/.test(node.log),
  'no sanitizer report, also at exit (sanitizer builds)');
// A producer waiting for Delivery retries at a measured pace and warns now and then, not in a
// loop (it wrote tens of thousands of lines during the outage above).
const spam = (node.log.match(/level=warn .*msg="block production failed"/g) ?? []).length;
check(spam <= 8, `"block production failed" warnings: ${spam} (during a 15 s outage)`);
if (failed) console.log(`--- node log (tail) ---\n${node.log.slice(-8000)}`);
if (process.env.BTTC_SPLIT_LOG) writeFileSync(process.env.BTTC_SPLIT_LOG, node.log);
rmSync(dir, { recursive: true, force: true });
console.log(failed ? `${failed} failed` : 'all passed');
process.exit(failed ? 1 : 0);
