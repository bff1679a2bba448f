// The devnet's figures (`bttcd devnet`, docs/devnet.md): four validators with Delivery and the
// bridge, three dev basechains (tron, bsc, eth), all in a temporary directory.
//  1. time from `bttcd devnet --fresh` to its ready line, then to the first checkpoint acked in
//     Delivery on each basechain (`bttcd devnet status --json`: `delivery_checkpoints` >= 1;
//     also when RootChain.currentHeaderBlock() first shows it, `last_checkpoint`), or
//     "not within N s";
//  2. idle CPU% and RSS of every process (validators and basechains) over a window;
//  3. validator process start time: a validator stopped and started again with the same
//     command line, from the exec to its JSON-RPC answering eth_blockNumber (several restarts);
//  4. a transfer flood from ethers (contracts/node_modules, pinned): fresh accounts funded from
//     the dev keys, then pre-signed transfers sent over JSON-RPC to the four validators;
//     included tx/s from the blocks (first to last block holding flood transactions) and from
//     the wall clock (first send to last inclusion seen).
// Figures only, no timing asserts: exit 1 only when the set-up fails, 77 without ethers.
//   node bench_devnet.mjs BTTCD CONTRACTS_DIR [--quick] [--wait S] [--idle S]
//        [--senders N] [--per-sender M] [--restarts K] [--rootchains LIST]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const argv = process.argv.slice(2);
const [bttcd, contractsDir] = argv;
const num = (f, d) => (argv.includes(f) ? Number(argv[argv.indexOf(f) + 1]) : d);
const quick = argv.includes('--quick');
const waitS = num('--wait', quick ? 20 : 420);
const idleS = num('--idle', quick ? 3 : 20);
const senders = num('--senders', quick ? 4 : 100);
const perSender = num('--per-sender', quick ? 5 : 40);
const restarts = num('--restarts', quick ? 1 : 3);
const rootchains = argv.includes('--rootchains') ? argv[argv.indexOf('--rootchains') + 1] : null;
if (!bttcd || !contractsDir) {
  console.error('usage: bench_devnet.mjs BTTCD CONTRACTS_DIR [--quick] [--wait S] [--idle S] '
    + '[--senders N] [--per-sender M] [--restarts K] [--rootchains LIST]');
  process.exit(2);
}
const ethersDir = resolve(contractsDir, 'node_modules', 'ethers');
if (!existsSync(ethersDir)) {
  console.log('SKIP: contracts/node_modules (ethers) missing (scripts/setup runs npm ci)');
  process.exit(77);
}
const ethers = createRequire(import.meta.url)(ethersDir);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const CLK_TCK = 100; // Linux USER_HZ: /proc/PID/stat counts CPU time in 1/100 s

async function until(cond, ms, step = 250) {
  for (let t = 0; t < ms; t += step) {
    if (await cond()) return true;
    await sleep(step);
  }
  return false;
}

/** POST with a retry: a kept-alive connection the node has closed fails once in undici. */
async function post(url, body, tries = 3) {
  for (let k = 1; ; k++) {
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body) });
      return await r.json();
    } catch (e) {
      if (k >= tries) throw e;
      await sleep(50);
    }
  }
}

async function rpc(url, method, params = [], tries = 3) {
  const j = await post(url, { jsonrpc: '2.0', id: 1, method, params }, tries);
  if (j.error) throw new Error(`${method}: ${JSON.stringify(j.error)}`);
  return j.result;
}

/** A JSON-RPC batch; the answers in request order (an error answer is kept as { error }). */
async function rpcBatch(url, calls) {
  const body = calls.map(([method, params], i) => ({ jsonrpc: '2.0', id: i, method, params }));
  const j = await post(url, body);
  const byId = new Map((Array.isArray(j) ? j : [j]).map((a) => [a.id, a]));
  return calls.map((_, i) => byId.get(i) ?? { error: 'no answer' });
}

function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK, rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

const dir = mkdtempSync(join(tmpdir(), 'bttcd-bench-devnet-'));
const net = join(dir, 'net');
const status = () => {
  const r = spawnSync(bttcd, ['devnet', 'status', '--dir', net, '--json'], { encoding: 'utf8' });
  return JSON.parse(r.stdout);
};
let sup = null, supOut = '', restarted = null, bad = 0;

async function main() {
  // 1. `devnet --fresh` to ready, then to the first checkpoint acked per basechain
  const t0 = Date.now();
  const args = ['devnet', '--fresh', '--dir', net, '--no-tui'];
  if (rootchains) args.push('--rootchains', rootchains);
  sup = spawn(bttcd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  sup.stdout.on('data', (d) => { supOut += d.toString(); });
  sup.stderr.on('data', (d) => { supOut += d.toString(); });
  await until(() => /bttcd devnet: ready/.test(supOut) || sup.exitCode !== null, 180000, 50);
  if (!/bttcd devnet: ready/.test(supOut)) throw new Error(`devnet not ready:\n${supOut.slice(-3000)}`);
  const tReady = Date.now() - t0;
  console.log(`devnet --fresh -> ready: ${secs(tReady)} (basechains started, contracts deployed, `
    + 'validators staked and started)');
  let st = status();
  const bases = st.basechains.map((b) => b.name);
  const landed = {}, acked = {};
  const deadline = Date.now() + waitS * 1000;
  while (bases.some((b) => acked[b] === undefined) && Date.now() < deadline) {
    st = status();
    const now = Date.now() - t0;
    for (const b of st.basechains) {
      if (landed[b.name] === undefined && Number(b.last_checkpoint) > 0) landed[b.name] = now;
      if (acked[b.name] === undefined && Number(b.delivery_checkpoints) > 0) acked[b.name] = now;
    }
    await sleep(1000);
  }
  for (const b of bases)
    console.log(`first checkpoint ${b}: on RootChain ${landed[b] !== undefined ? `${secs(landed[b])}`
      : `not within ${secs(Date.now() - t0)}`}, acked in Delivery ${acked[b] !== undefined
      ? `${secs(acked[b])}` : `not within ${secs(Date.now() - t0)}`} after devnet --fresh`);
  const ackedAll = bases.every((b) => acked[b] !== undefined);
  console.log(`first checkpoint acked on all ${bases.length} basechains: ${ackedAll
    ? secs(Math.max(...bases.map((b) => acked[b]))) : 'not within ' + secs(Date.now() - t0)}`);

  // 2. idle CPU and RSS per process
  st = status();
  for (const v of st.validators)
    console.log(`# ${v.name}: ${v.health}, head ${v.head}, delivery height ${v.delivery_height}`
      + `${v.running ? '' : ` (not running: see ${join(net, 'logs', `${v.name}.log`)})`}`);
  if (st.validators.some((v) => !v.running)) throw new Error('a validator is not running');
  const procs = [...st.validators.map((v) => ({ name: v.name, pid: v.pid })),
    ...st.basechains.filter((b) => !b.external).map((b) => ({ name: `basechain ${b.name}`,
      pid: Number(readFileSync(join(net, 'run', `${b.name}.pid`), 'utf8')) }))]
    .filter((p) => p.pid && existsSync(`/proc/${p.pid}`));
  const before = procs.map((p) => procStat(p.pid));
  const w0 = Date.now();
  await sleep(idleS * 1000);
  const wall = (Date.now() - w0) / 1000;
  for (const [i, p] of procs.entries()) {
    const a = procStat(p.pid);
    console.log(`idle ${p.name}: CPU ${(100 * (a.cpu - before[i].cpu) / wall).toFixed(1)}% over `
      + `${wall.toFixed(0)} s, RSS ${(a.rss / 1024).toFixed(1)} MB (peak ${(a.hwm / 1024).toFixed(1)} MB)`
      + `${p.name.startsWith('v') ? ', target <= 50 MB' : ''}`);
  }

  // 3. validator start time: the last validator stopped, then exec'd again with its command
  //    line (the supervisor does not restart a child that exits) until eth_blockNumber answers
  const v = st.validators[st.validators.length - 1];
  const cmd = readFileSync(`/proc/${v.pid}/cmdline`, 'utf8').split('\0').filter((s) => s);
  const starts = [], cpus = [];
  let pid = v.pid;
  for (let k = 0; k < restarts; k++) {
    process.kill(pid, 'SIGTERM');
    if (!await until(() => !existsSync(`/proc/${pid}`) || /\) Z /.test(readFileSync(`/proc/${pid}/stat`,
      'utf8')), 20000, 50))
      throw new Error(`${v.name} does not stop`);
    await sleep(300);
    const log = openSync(join(net, 'logs', `${v.name}-restarted.log`), 'a');
    const e0 = process.hrtime.bigint();
    restarted = spawn(bttcd, cmd.slice(1),
      { stdio: ['ignore', log, log] });
    let up = false;
    for (let t = 0; t < 20000 && !up && restarted.exitCode === null; t += 2) {
      up = await rpc(v.http, 'eth_blockNumber', [], 1).then(() => true, () => false);
      if (!up) await sleep(2);
    }
    if (!up) throw new Error(`${v.name} restarted does not answer`);
    const ms = Number(process.hrtime.bigint() - e0) / 1e6;
    starts.push(ms);
    const s = procStat(restarted.pid);
    // the node's own account of the start's CPU ("bttcd ready" start_cpu_ms, checks_cpu_ms):
    // on a busy machine the wall time above is mostly waiting for a core
    let cpu = '';
    for (let t = 0; t < 2000 && !cpu; t += 20) {
      const m = [...readFileSync(join(net, 'logs', `${v.name}-restarted.log`), 'utf8')
        .matchAll(/start_cpu_ms=([0-9.]+) checks_cpu_ms=([0-9.]+)/g)];
      if (m.length > k) {
        cpus.push(Number(m[k][1]) + Number(m[k][2]));
        cpu = `, CPU ${m[k][1]} ms + plugin checks ${m[k][2]} ms`;
      } else await sleep(20);
    }
    console.log(`start ${v.name} #${k + 1}: exec -> eth_blockNumber answers ${ms.toFixed(0)} ms `
      + `(target <= 200 ms)${cpu}, RSS then ${(s.rss / 1024).toFixed(1)} MB`);
    pid = restarted.pid;
    await sleep(1000);
  }
  starts.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  console.log(`start time: min ${starts[0].toFixed(0)} ms, median ${starts[starts.length >> 1]
    .toFixed(0)} ms over ${starts.length} restarts`
    + (cpus.length ? `; CPU median ${cpus[cpus.length >> 1].toFixed(1)} ms` : ''));

  // 4. the flood: fresh senders funded by dev key 0, then pre-signed transfers
  const urls = st.validators.map((x) => x.http);
  const chainId = BigInt(st.bttc_chain_id);
  const funder = new ethers.Wallet(st.dev_keys[0].private_key);
  const gasPrice = BigInt(await rpc(urls[0], 'eth_gasPrice'));
  const wallets = Array.from({ length: senders }, () => ethers.Wallet.createRandom());
  let nonce = Number(await rpc(urls[0], 'eth_getTransactionCount', [funder.address, 'pending']));
  /** Sends raws to url in batches of 200; how many the node refused. */
  const sendTo = async (url, raws) => {
    let rejected = 0;
    for (let i = 0; i < raws.length; i += 200) {
      const part = raws.slice(i, i + 200);
      const ans = await rpcBatch(url, part.map((r) => ['eth_sendRawTransaction', [r]]));
      rejected += ans.filter((a) => a.error).length;
      if (rejected && !sendTo.shown) {
        sendTo.shown = 1;
        console.log(`# first rejection: ${JSON.stringify(ans.find((a) => a.error).error)}`);
      }
    }
    return rejected;
  };
  // the funder has 64 slots in the pool: fund in waves of 60
  for (let i = 0; i < wallets.length; i += 60) {
    const raws = [];
    for (const w of wallets.slice(i, i + 60))
      raws.push(await funder.signTransaction({ to: w.address, value: ethers.parseEther('10'),
        nonce: nonce++, gasLimit: 21000n, gasPrice: gasPrice * 2n, chainId, type: 0 }));
    await sendTo(urls[0], raws);
    const target = nonce;
    if (!await until(async () => Number(await rpc(urls[0], 'eth_getTransactionCount',
      [funder.address, 'latest'])) >= target, 60000, 500))
      throw new Error('funding transfers not included');
  }
  // each sender talks to one validator (sender i to validator i mod 4), as a wallet with one
  // RPC endpoint does: no nonce gaps in any validator's pool
  const raws = [];
  const byUrl = urls.map(() => []);
  const sink = '0x000000000000000000000000000000000000dEaD';
  for (const [i, w] of wallets.entries())
    for (let k = 0; k < perSender; k++) {
      const raw = await w.signTransaction({ to: sink, value: 1n, nonce: k, gasLimit: 21000n,
        gasPrice: gasPrice * 2n, chainId, type: 0 });
      raws.push(raw);
      byUrl[i % urls.length].push(raw);
    }
  const hashes = new Set(raws.map((r) => ethers.keccak256(r)));
  const startHead = Number(await rpc(urls[0], 'eth_blockNumber'));
  const f0 = Date.now();
  const rejected = (await Promise.all(byUrl.map((list, u) => sendTo(urls[u], list))))
    .reduce((a, b) => a + b, 0);
  const sendMs = Date.now() - f0;
  // follow the chain on v0 until every flood transaction is in a block (or a minute of nothing)
  let seen = 0, next = startHead + 1, lastProgress = Date.now(), firstBlk = null, lastBlk = null;
  let fLast = 0, maxPerBlock = 0;
  while (seen < hashes.size - rejected && Date.now() - lastProgress < 60000) {
    const head = Number(await rpc(urls[0], 'eth_blockNumber'));
    for (; next <= head; next++) {
      const b = await rpc(urls[0], 'eth_getBlockByNumber', [`0x${next.toString(16)}`, false]);
      const mine = b.transactions.filter((h) => hashes.has(h)).length;
      if (!mine) continue;
      seen += mine;
      maxPerBlock = Math.max(maxPerBlock, mine);
      if (!firstBlk) firstBlk = { n: next, ts: Number(b.timestamp), parentTs: Number((await rpc(urls[0],
        'eth_getBlockByNumber', [`0x${(next - 1).toString(16)}`, false])).timestamp) };
      lastBlk = { n: next, ts: Number(b.timestamp) };
      fLast = Date.now();
      lastProgress = Date.now();
    }
    await sleep(200);
  }
  const chainS = firstBlk ? lastBlk.ts - firstBlk.parentTs : 0;
  console.log(`flood: ${senders} senders x ${perSender} transfers = ${hashes.size} pre-signed, sent in `
    + `${secs(sendMs)} (sender i to validator i mod ${urls.length}, batches of 200), ${rejected} rejected; `
    + `${seen} included in blocks ${firstBlk?.n ?? '-'}-${lastBlk?.n ?? '-'} (max ${maxPerBlock} per block)`);
  if (firstBlk)
    console.log(`flood included: ${(seen / Math.max(chainS, 1)).toFixed(0)} tx/s by block time `
      + `(${seen} in ${chainS} s of blocks), ${(seen / ((fLast - f0) / 1000)).toFixed(0)} tx/s wall `
      + `(first send -> last inclusion seen, ${secs(fLast - f0)})`);
}

try {
  await main();
} catch (e) {
  console.log(`bench failed: ${e.stack ?? e}`);
  bad = 1;
}
if (restarted && restarted.exitCode === null) restarted.kill('SIGTERM');
spawnSync(bttcd, ['devnet', 'down', '--dir', net], { encoding: 'utf8' });
await until(() => !sup || sup.exitCode !== null, 30000);
if (restarted && restarted.exitCode === null) restarted.kill('SIGKILL');
if (process.env.KEEP) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exit(bad);
