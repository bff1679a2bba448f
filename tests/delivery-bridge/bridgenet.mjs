// The set-up shared by four_validators_bridge.mjs (the test) and bench/delivery (the
// benchmark): anvil as Ethereum, `bttcd devnet --rootchains eth[,tron] --eth-url <anvil>` for
// the Bttc genesis, keys, configs, the contracts deployed and the validators staked; then a
// Delivery genesis with short checkpoint parameters, the validators' confs with Delivery and
// the bridge on, and the validators run by the caller's process (not the devnet supervisor),
// so their logs and pids are at hand.
//   const net = await bridgeNet({ bttcd, pluginDir, anvilBin, contractsDir, tron, http });
//   ... net.nodes[i].rest / .http / .child / .log, net.url (anvil), net.st (status --json)
//   await net.stop();
import { spawn, spawnSync } from 'node:child_process';
import { createECDH } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A test's last step: stops the validators, on failure prints each one's bridge lines (the
 *  last `tail`) and log end, stops the network and exits 1 when anything failed. */
export async function finishRun(net, failed, elapsed, tail) {
  const nodes = net?.nodes ?? [];
  for (const n of nodes) n.child?.kill('SIGTERM');
  await sleep(500);
  if (failed)
    for (const n of nodes)
      console.log(`--- ${n.name} log (bridge lines, tail) ---\n${n.log.split('\n')
        .filter((l) => /bridge|error|warn|fail/i.test(l)).slice(-tail).join('\n')}\n${n.log.slice(-1500)}`);
  await net?.stop();
  console.log(`${failed ? `${failed} failed` : 'all passed'} (${elapsed})`);
  process.exit(failed ? 1 : 0);
}

/** Polls cond() every step ms for up to ms ms; true as soon as it holds. */
export async function until(cond, ms, step = 250) {
  for (let t = 0; t < ms; t += step) {
    if (await cond()) return true;
    await sleep(step);
  }
  return false;
}

/** A loopback TCP port free right now (the OS picks it). */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
    s.on('error', rej);
  });
}

/** GET a validator's Delivery REST path: { status, body } (status 0 when it does not answer). */
export async function rest(n, path) {
  try {
    const r = await fetch(`http://127.0.0.1:${n.rest}${path}`);
    return { status: r.status, body: await r.json() };
  } catch (e) {
    return { status: 0, body: String(e) };
  }
}

/** Delivery's acked checkpoint count for a root on validator n (-1 when it does not answer). */
export async function ackCount(n, root) {
  return Number((await rest(n, `/checkpoints/count/${root}`)).body?.result?.result ?? -1);
}

/** JSON-RPC on validator n's --http port (only with bridgeNet({ http: true })). */
export async function rpc(n, method, params = []) {
  const r = await fetch(`http://127.0.0.1:${n.http}`, { method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const j = await r.json();
  if (j.error) throw new Error(`${method}: ${JSON.stringify(j.error)}`);
  return j.result;
}

/** True when anvil and contracts/node_modules/ethers are there (else callers exit 77). */
export function haveTools(anvilBin, contractsDir) {
  return existsSync(anvilBin) && existsSync(join(contractsDir, 'node_modules', 'ethers'));
}

/** The ethers package pinned by contracts/. */
export function loadEthers(contractsDir) {
  return createRequire(import.meta.url)(resolve(contractsDir, 'node_modules', 'ethers'));
}

// The Delivery genesis: the staked validators (power 1), span 0 as the devnet's, short
// checkpoint parameters, the roots' contracts.
function deliveryGenesis(st, nodes, tron) {
  const c = st.basechains.find((b) => b.name === 'eth').contracts;
  // TRON addresses in EVM form: the 20 bytes after 0x41
  const evm = (a) => `0x${String(a).slice(-40)}`;
  const tc = tron ? st.basechains.find((b) => b.name === 'tron').contracts : null;
  const tronRoot = tron ? { staking_info: evm(tc.StakingInfo), state_sender: evm(tc.StateSender),
    root_chain: evm(tc.RootChain), stake_manager: evm(tc.StakeManager) } : {};
  const chainId = String(st.bttc_chain_id);
  return {
    chain_id: `delivery-${chainId}`,
    params: { bor_chain_id: chainId, span_duration: 256, sprint_duration: 16, producer_count: 4,
      checkpoint_buffer_time: 20, avg_checkpoint_length: 16, max_checkpoint_length: 64,
      bttc_confirmations: 2,
      roots: { tron: tronRoot, eth: { root_chain: c.RootChain ?? c.rootChain,
        state_sender: c.StateSender ?? c.stateSender, stake_manager: c.StakeManager ?? c.stakeManager } } },
    validators: nodes.map((n, i) => ({ ID: i + 1, startEpoch: 0, endEpoch: 0, nonce: 1, power: 1,
      pubKey: n.pub, signer: n.address, last_updated: '', jailed: false })),
    span: { span_id: 0, start_block: 0, end_block: 255 },
    // the checkpoint's account root needs at least one account (upstream refuses an empty tree)
    dividend_accounts: nodes.map((n) => ({ user: n.address, feeAmount: '0' })),
  };
}

/**
 * Brings up anvil, the devnet's files (the supervisor is stopped once they are written) and
 * the four validators with Delivery and the bridge on. Throws when a step fails; net.stop()
 * cleans up in every case (call it from finally). opts.log(line) gets progress lines;
 * opts.http gives every validator a JSON-RPC port (n.http); opts.tron adds the dev TRON chain;
 * opts.conf: more consensus-bttc lines for every validator; opts.genesis(g): edits the
 * Delivery genesis before it is written.
 */
export async function bridgeNet(opts) {
  const { bttcd, log = () => {} } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'bttcd-dlvbridge-'));
  const netDir = join(dir, 'net');
  const net = { dir, netDir, nodes: [], anvil: null, anvilLog: '', url: '', st: null, tron: null,
    stop: async () => {
      for (const n of net.nodes) n.child?.kill('SIGTERM');
      net.tron?.kill('SIGTERM');
      spawnSync(bttcd, ['devnet', 'down', '--dir', netDir]);
      net.anvil?.kill('SIGTERM');
      await sleep(500);
      if (process.env.KEEP) log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    } };
  try {
    await setUp(net, opts);
  } catch (e) {
    for (const n of net.nodes)
      if (n.log) log(`--- ${n.name} log (tail) ---\n${n.log.slice(-1500)}`);
    await net.stop();
    throw e;
  }
  return net;
}

async function setUp(net, opts) {
  const { bttcd, anvilBin, tron = false, http = false, log = () => {} } = opts;
  const { dir, netDir } = net;

  // 1. anvil, a block a second (the listener follows confirmed heights);
  //    --slots-in-an-epoch 1: "finalized" is head - 2 (default 64 blocks, a minute behind)
  const port = await freePort();
  net.url = `http://127.0.0.1:${port}`;
  net.anvil = spawn(anvilBin, ['--port', String(port), '--host', '127.0.0.1', '--block-time', '1',
    '--slots-in-an-epoch', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  net.anvil.stdout.on('data', (d) => { net.anvilLog += d.toString(); });
  net.anvil.stderr.on('data', (d) => { net.anvilLog += d.toString(); });
  if (!await until(() => /Listening on/.test(net.anvilLog), 15000))
    throw new Error(`anvil does not listen:\n${net.anvilLog.slice(-2000)}`);
  log('anvil listens');

  // 2. the devnet's files: Bttc genesis, keys, configs, contracts deployed, the four staked
  let out = '';
  const sup = spawn(bttcd, ['devnet', '--validators', '4', '--dir', netDir, '--rootchains',
    tron ? 'tron,eth' : 'eth', '--eth-url', net.url, '--no-tui'], { stdio: ['ignore', 'pipe', 'pipe'] });
  sup.stdout.on('data', (d) => { out += d.toString(); });
  sup.stderr.on('data', (d) => { out += d.toString(); });
  await until(() => /bttcd devnet: ready/.test(out) || sup.exitCode !== null, 90000);
  if (!/bttcd devnet: ready/.test(out)) throw new Error(`devnet not ready:\n${out.slice(-3000)}`);
  log('devnet ready');
  net.st = JSON.parse(spawnSync(bttcd, ['devnet', 'status', '--dir', netDir, '--json'],
    { encoding: 'utf8' }).stdout);
  spawnSync(bttcd, ['devnet', 'down', '--dir', netDir], { encoding: 'utf8' });
  await until(() => sup.exitCode !== null, 20000);
  // `devnet down` stopped the dev TRON chain with the rest: run it again on its datadir and
  // ports, as the supervisor does (host/devnet/devnet_proc.c), before the validators need it
  if (tron) await startTron(net, bttcd);

  // 3. the Delivery genesis and the validators' confs with Delivery and the bridge on
  const keyOf = new Map(net.st.dev_keys.map((k) => [k.address.toLowerCase(), k.private_key]));
  for (const v of net.st.validators) {
    const ecdh = createECDH('secp256k1');
    ecdh.setPrivateKey(Buffer.from(keyOf.get(v.address.toLowerCase()).replace(/^0x/, ''), 'hex'));
    net.nodes.push({ name: v.name, address: v.address.toLowerCase(), pub: `0x${ecdh.getPublicKey('hex')}`,
      dir: join(netDir, 'nodes', v.name), conf: join(netDir, 'nodes', v.name, 'plugins.conf'),
      p2p: v.p2p_port, enode: v.enode.replace('?discport=0', ''), child: null, log: '', rest: 0,
      http: http ? await freePort() : 0 });
  }
  const g = deliveryGenesis(net.st, net.nodes, tron);
  opts.genesis?.(g);
  writeFileSync(join(dir, 'dlv-genesis.json'), JSON.stringify(g));
  for (const n of net.nodes) {
    const lines = ['delivery = on', `delivery_key = ${n.address}`,
      `delivery_genesis = ${join(dir, 'dlv-genesis.json')}`, 'delivery_timeout_propose_ms = 1500',
      'delivery_timeout_vote_ms = 700', 'delivery_timeout_commit_ms = 300', 'bridge = on',
      'bridge_poll_eth = 1s', 'bridge_poll_tron = 1s', 'checkpoint_poll_interval = 10s',
      'span_poll_interval = 5s', ...(opts.conf ?? [])];
    // with TRON the devnet's conf already runs Delivery: drop its lines for the keys set here
    // (a repeated key is a config error)
    const keys = new Set(lines.map((l) => l.split('=')[0].trim()));
    const conf = readFileSync(n.conf, 'utf8').split('\n').filter((l) => !keys.has(l.split('=')[0].trim()))
      .join('\n').replace('[plugin consensus-bttc]\n', ['[plugin consensus-bttc]', ...lines, ''].join('\n'));
    writeFileSync(n.conf, conf);
  }

  // 4. the validators with Delivery on, each with its REST port read from its log
  for (const n of net.nodes) startValidator(net, n, opts);
  for (const n of net.nodes) {
    // 2 min: a validator starts in a few seconds, but an ASan build on a loaded machine may not
    // log a line in the first 15
    const r = await until(() => /msg="rest server" addr=[^:]+:(\d+)/.test(n.log), 120000);
    if (!r) throw new Error(`${n.name}: no rest server:\n${n.log.slice(-3000)}`);
    n.rest = Number(/msg="rest server" addr=[^:]+:(\d+)/.exec(n.log)[1]);
  }
  log('validators started');
}

async function startTron(net, bttcd) {
  const b = net.st.basechains.find((x) => x.name === 'tron');
  const port = new URL(b.url).port, apiPort = new URL(b.tron_api).port;
  const base = join(net.netDir, 'basechains');
  net.tronLog = '';
  net.tron = spawn(bttcd, ['run', '--dev', '--genesis', join(base, 'tron-genesis.json'), '--datadir',
    join(base, 'tron'), '--http', '--http.port', port, '--dev.period', '1', '--ipcdisable',
    '--nodiscover', '--maxpeers', '0', '--tron-api.port', apiPort], { stdio: ['ignore', 'ignore', 'pipe'] });
  net.tron.stderr.on('data', (d) => { net.tronLog += d.toString(); });
  const up = await until(async () => {
    try {
      const r = await fetch(b.url, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }) });
      return Number((await r.json()).result) > 0;
    } catch {
      return false;
    }
  }, 30000, 500);
  if (!up) throw new Error(`the dev TRON chain does not come back:\n${net.tronLog.slice(-2000)}`);
}

/** (Re)starts validator n of net with Delivery on; n.startedAt is the wall time of the exec. */
export function startValidator(net, n, { bttcd, pluginDir }) {
  const stat = net.nodes.filter((o) => o !== n).map((o) => o.enode).join(',');
  const args = ['run', '--config', n.conf, '--datadir', n.dir, '--genesis',
    join(net.netDir, 'bttc-genesis.json'), '--nodiscover', '--p2p.addr', '127.0.0.1', '--p2p.port',
    String(n.p2p), '--p2p.static', stat, '--rest.port', '0', '--plugin-dir', pluginDir,
    '--log.level', 'info'];
  if (n.http) args.push('--http', '--http.addr', '127.0.0.1', '--http.port', String(n.http));
  n.log = '';
  n.startedAt = Date.now();
  n.child = spawn(bttcd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  n.child.stderr.on('data', (d) => { n.log += d.toString(); });
}
