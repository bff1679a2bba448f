// Four bttcd validators with Delivery and its bridge (delivery = on, plugins/consensus-bttc/
// dlvbridge*.c) against anvil as Ethereum with the contracts/ root-chain set deployed and the
// four staked (by `bttcd devnet --rootchains eth --eth-url <anvil>`, which also writes the Bttc
// genesis, keys and configs; the test then runs the validators itself with Delivery on):
//  - a checkpoint is proposed by Delivery's proposer, voted Yes, submitted to anvil's RootChain
//    by that proposer, and its NewHeaderBlock comes back as MsgCheckpointAck:
//    /checkpoints/count/eth rises on every validator;
//  - a StateSynced emitted on anvil becomes an event record (/clerk/event-record/list) on every
//    validator;
//  - span 1 is proposed by a producer of the next span (seed: the hash of Ethereum block 1 read
//    through the oracle) and frozen on every validator (/bor/span/1).
// With --tron the devnet also runs its dev TRON chain (`bttcd run --dev` with the TRON API) and
// the validators follow and checkpoint it too: /checkpoints/count/tron should rise on every
// validator. NOT PASSING YET (not in CTest): with TRON's StakingInfo events relayed as well the
// ETH ack does not reach the count within the waits (see the bridge README's open points).
//   node four_validators_bridge.mjs BTTCD PLUGIN_DIR ANVIL CONTRACTS_DIR [--tron]
// Exit 77 when anvil or the contracts' node_modules (ethers) are missing.
import { spawn, spawnSync } from 'node:child_process';
import { createECDH } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bttcd, pluginDir, anvilBin, contractsDir, opt] = process.argv.slice(2);
const tron = opt === '--tron';
if (!existsSync(anvilBin) || !existsSync(join(contractsDir, 'node_modules', 'ethers'))) {
  console.log('SKIP: anvil or contracts/node_modules missing (scripts/setup runs npm ci)');
  process.exit(77);
}
const require = createRequire(import.meta.url);
const ethers = require(join(contractsDir, 'node_modules', 'ethers'));
const dir = mkdtempSync(join(tmpdir(), 'bttcd-dlvbridge-'));
const net = join(dir, 'net');
let failed = 0;
const check = (cond, what) => {
  console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
  if (!cond) failed++;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
    s.on('error', rej);
  });
}

let anvil = null, anvilLog = '';
const nodes = [];

async function until(cond, ms, step = 250) {
  for (let t = 0; t < ms; t += step) {
    if (await cond()) return true;
    await sleep(step);
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

function start(n) {
  const stat = nodes.filter((o) => o !== n).map((o) => o.enode).join(',');
  const args = ['run', '--config', n.conf, '--datadir', n.dir, '--genesis', join(net, 'bttc-genesis.json'),
    '--nodiscover', '--p2p.addr', '127.0.0.1', '--p2p.port', String(n.p2p), '--p2p.static', stat,
    '--rest.port', '0', '--plugin-dir', pluginDir, '--log.level', 'info'];
  n.log = '';
  n.child = spawn(bttcd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  n.child.stderr.on('data', (d) => { n.log += d.toString(); });
}

async function main() {
  // 1. anvil, a block a second (the listener follows confirmed heights)
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // --slots-in-an-epoch 1: "finalized" is head - 2 (default 64 blocks, a minute behind)
  anvil = spawn(anvilBin, ['--port', String(port), '--host', '127.0.0.1', '--block-time', '1',
    '--slots-in-an-epoch', '1'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  anvil.stdout.on('data', (d) => { anvilLog += d.toString(); });
  anvil.stderr.on('data', (d) => { anvilLog += d.toString(); });
  check(await until(() => /Listening on/.test(anvilLog), 15000), 'anvil listens');

  // 2. the devnet: Bttc genesis, keys, configs, the contracts deployed and the four staked
  let out = '';
  const sup = spawn(bttcd, ['devnet', '--validators', '4', '--dir', net, '--rootchains', tron ? 'tron,eth' : 'eth',
    '--eth-url', url, '--no-tui'], { stdio: ['ignore', 'pipe', 'pipe'] });
  sup.stdout.on('data', (d) => { out += d.toString(); });
  sup.stderr.on('data', (d) => { out += d.toString(); });
  const ready = await until(() => /bttcd devnet: ready/.test(out) || sup.exitCode !== null, 90000);
  check(ready && /bttcd devnet: ready/.test(out), `devnet ready (${elapsed()})`);
  if (!/bttcd devnet: ready/.test(out)) throw new Error(`devnet:\n${out.slice(-3000)}`);
  const st = JSON.parse(spawnSync(bttcd, ['devnet', 'status', '--dir', net, '--json'],
    { encoding: 'utf8' }).stdout);
  spawnSync(bttcd, ['devnet', 'down', '--dir', net], { encoding: 'utf8' });
  await until(() => sup.exitCode !== null, 20000);
  const eth = st.basechains.find((b) => b.name === 'eth');
  const c = eth.contracts;
  // TRON addresses in EVM form: the 20 bytes after 0x41
  const evm = (a) => `0x${String(a).slice(-40)}`;
  const tc = tron ? st.basechains.find((b) => b.name === 'tron').contracts : null;
  const tronRoot = tron ? { staking_info: evm(tc.StakingInfo), state_sender: evm(tc.StateSender),
    root_chain: evm(tc.RootChain), stake_manager: evm(tc.StakeManager) } : {};
  const keyOf = new Map(st.dev_keys.map((k) => [k.address.toLowerCase(), k.private_key]));

  // 3. Delivery genesis: the four as validators (power 1, as staked), span 0 as the devnet's,
  //    short checkpoint parameters, ETH's contracts in "roots"
  for (const v of st.validators) {
    const ecdh = createECDH('secp256k1');
    ecdh.setPrivateKey(Buffer.from(keyOf.get(v.address.toLowerCase()).replace(/^0x/, ''), 'hex'));
    nodes.push({ name: v.name, address: v.address.toLowerCase(), pub: `0x${ecdh.getPublicKey('hex')}`,
      dir: join(net, 'nodes', v.name), conf: join(net, 'nodes', v.name, 'plugins.conf'),
      p2p: v.p2p_port, enode: v.enode.replace('?discport=0', ''), child: null, log: '', rest: 0 });
  }
  const chainId = String(st.bttc_chain_id);
  writeFileSync(join(dir, 'dlv-genesis.json'), JSON.stringify({
    chain_id: `delivery-${chainId}`,
    params: { bor_chain_id: chainId, span_duration: 256, sprint_duration: 16, producer_count: 4,
      checkpoint_buffer_time: 20, avg_checkpoint_length: 16, max_checkpoint_length: 64,
      bttc_confirmations: 2,
      roots: { tron: tronRoot, eth: { root_chain: c.RootChain ?? c.rootChain, state_sender: c.StateSender ?? c.stateSender,
        stake_manager: c.StakeManager ?? c.stakeManager } } },
    validators: nodes.map((n, i) => ({ ID: i + 1, startEpoch: 0, endEpoch: 0, nonce: 1, power: 1,
      pubKey: n.pub, signer: n.address, last_updated: '', jailed: false })),
    span: { span_id: 0, start_block: 0, end_block: 255 },
    // the checkpoint's account root needs at least one account (upstream refuses an empty tree)
    dividend_accounts: nodes.map((n) => ({ user: n.address, feeAmount: '0' })),
  }));
  for (const n of nodes) {
    const conf = readFileSync(n.conf, 'utf8').replace('[plugin consensus-bttc]\n', [
      '[plugin consensus-bttc]', 'delivery = on', `delivery_key = ${n.address}`,
      `delivery_genesis = ${join(dir, 'dlv-genesis.json')}`, 'delivery_timeout_propose_ms = 1500',
      'delivery_timeout_vote_ms = 700', 'delivery_timeout_commit_ms = 300', 'bridge = on',
      'bridge_poll_eth = 1s', 'bridge_poll_tron = 1s', 'checkpoint_poll_interval = 10s', 'span_poll_interval = 5s', ''].join('\n'));
    writeFileSync(n.conf, conf);
  }

  // 4. the validators with Delivery on
  for (const n of nodes) start(n);
  for (const n of nodes) {
    const r = await until(() => /msg="rest server" addr=[^:]+:(\d+)/.test(n.log), 15000);
    if (!r) throw new Error(`${n.name}: no rest server:\n${n.log.slice(-3000)}`);
    n.rest = Number(/msg="rest server" addr=[^:]+:(\d+)/.exec(n.log)[1]);
  }
  check(nodes.every((n) => /bridge started/.test(n.log)), 'the bridge starts on every validator');
  check(nodes.every((n) => /bridge listener.*root=eth/.test(n.log)), 'an ETH listener on every validator');
  if (tron)
    check(nodes.every((n) => /bridge listener.*root=tron/.test(n.log)), 'a TRON listener on every validator');

  // 5. a checkpoint lands on anvil and is acked by Delivery on every validator
  const countOf = async (n, root) => Number((await rest(n, `/checkpoints/count/${root}`)).body?.result?.result ?? -1);
  const count = (n) => countOf(n, 'eth');
  const acked = await until(async () => (await Promise.all(nodes.map(count))).every((x) => x >= 1), 120000, 1000);
  check(nodes.some((n) => /bridge checkpoint proposed/.test(n.log)), 'a validator proposed a checkpoint');
  // the ack can come before the submitter's own receipt poll says "landed"
  check(await until(() => nodes.some((n) => /bridge checkpoint submitted.*outcome=landed/.test(n.log)), 30000),
    'the proposer submitted it to the RootChain (landed, with its tx hash)');
  check(acked, `/checkpoints/count/eth >= 1 on every validator (${elapsed()})`);
  const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true });
  const rc = new ethers.Contract(c.RootChain ?? c.rootChain, ['function currentHeaderBlock() view returns (uint256)'], provider);
  check((await rc.currentHeaderBlock()) >= 10000n, 'RootChain.currentHeaderBlock() >= 10000 on anvil');

  if (tron) {
    const tronAcked = await until(async () => (await Promise.all(nodes.map((n) => countOf(n, 'tron'))))
      .every((x) => x >= 1), 120000, 1000);
    check(tronAcked, `/checkpoints/count/tron >= 1 on every validator (${elapsed()})`);
  }

  // 6. a StateSynced on anvil becomes an event record on every validator
  const owner = new ethers.Wallet(st.dev_keys[0].private_key, provider);
  const ss = new ethers.Contract(c.StateSender ?? c.stateSender, ['function register(address,address)',
    'function syncState(address,bytes)'], owner);
  const receiver = '0x000000000000000000000000000000000000beef';
  await (await ss.register(owner.address, receiver)).wait();
  await (await ss.syncState(receiver, '0xc0ffee')).wait();
  const recs = async (n) => {
    const r = await rest(n, `/clerk/event-record/list?from-id=1&to-time=${Math.floor(Date.now() / 1000) + 60}&limit=10`);
    return Array.isArray(r.body?.result) ? r.body.result : [];
  };
  const synced = await until(async () => (await Promise.all(nodes.map(recs))).every((l) =>
    l.some((e) => /c0ffee/i.test(JSON.stringify(e)))), 60000, 1000);
  check(nodes.some((n) => /bridge event relayed.*event=StateSynced/.test(n.log)), 'StateSynced relayed as MsgEventRecord');
  check(synced, `the event record is on every validator (${elapsed()})`);
  provider.destroy();

  // 7. span 1: a producer of the next span proposes it (seed: hash of Ethereum block 1, read
  //    through the oracle) while the head is inside span 0; it is frozen on every validator
  const span1 = await until(async () => (await Promise.all(nodes.map((n) => rest(n, '/bor/span/1'))))
    .every((r) => r.status === 200 && Number(r.body?.result?.start_block) === 256), 60000, 1000);
  check(nodes.some((n) => /bridge span proposed"? span_id=1 start=256 end=511/.test(n.log)),
    'a producer of the next span proposed span 1 (256-511)');
  check(span1, `/bor/span/1 on every validator (${elapsed()})`);
  check(nodes.every((n) => !/dlv_halt|halted/.test(n.log)), 'no Delivery node halted');
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
spawnSync(bttcd, ['devnet', 'down', '--dir', net]);
anvil?.kill('SIGTERM');
await sleep(500);
if (failed)
  for (const n of nodes)
    console.log(`--- ${n.name} log (bridge lines, tail) ---\n${n.log.split('\n')
      .filter((l) => /bridge|error|warn|fail/i.test(l)).slice(-40).join('\n')}\n${n.log.slice(-1500)}`);
if (process.env.KEEP) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
console.log(`${failed ? `${failed} failed` : 'all passed'} (${elapsed()})`);
process.exit(failed ? 1 : 0);
