// `bttcd bridge` end to end (docs/bridge.md): a root chain (`bttcd run --dev`, a block per
// transaction) with the root contracts deployed and one validator staked, a Bttc chain (one
// `bttcd run --chain devnet` producer, dev account 0) with ChildChain + ChildERC20 deployed.
//   node bridge_e2e.mjs BTTCD PLUGIN_DIR CONTRACTS_DIR
// deposit (CLI) → the StateSynced record fed to Bttc through event_file (no Delivery: the node is
// restarted with it) → child balance; withdraw (CLI) → exit-payload refused before a checkpoint;
// the test submits a checkpoint covering the burn to RootChain (signed by the staked validator,
// as contracts/test does) → exit-payload --submit releases the tokens (balance checked); the same
// exit again is refused; a devnet state file gives the defaults. Ethers from contracts/.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [bttcd, pluginDir, contractsDir] = process.argv.slice(2);
if (!existsSync(join(contractsDir, 'node_modules', 'ethers'))) {
  console.log('SKIP: contracts/node_modules missing (run scripts/setup)');
  process.exit(77);
}
const require = createRequire(join(contractsDir, 'package.json'));
const { ethers } = require('ethers');
const art = (name) => require(join(contractsDir, 'build', 'london', `${name}.json`));

const dir = mkdtempSync(join(tmpdir(), 'bttcd-bridge-'));
// Dev account 0 of the public test mnemonic: Bttc producer, root deployer, validator, user.
const KEY0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const E18 = 10n ** 18n;
const SPRINT = 4;
let failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}`);
  if (!ok) failed++;
  return ok;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const procs = [];

function startNode(name, args) {
  const n = { name, log: '', child: null, url: null };
  n.child = spawn(bttcd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  n.child.stderr.on('data', (d) => { n.log += d.toString(); });
  n.child.on('exit', () => { n.child = null; });
  procs.push(n);
  return (async () => {
    for (let t = 0; t < 30000; t += 50) {
      const h = /msg="http server" addr=(\S+)/.exec(n.log);
      if (h && /msg="bttcd ready"/.test(n.log)) {
        n.url = `http://${h[1]}`;
        return n;
      }
      if (!n.child) break;
      await sleep(50);
    }
    throw new Error(`${name} did not start:\n${n.log}`);
  })();
}
async function stopNode(n) {
  if (!n.child) return;
  const c = n.child;
  c.kill('SIGTERM');
  for (let t = 0; t < 10000 && n.child; t += 50) await sleep(50);
  if (n.child) c.kill('SIGKILL');
}

function cli(args) {
  const r = spawnSync(bttcd, ['bridge', ...args], { encoding: 'utf8', timeout: 90000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function send(p) {
  const tx = await p;
  for (let i = 0; i < 600; i++) {
    const r = await tx.provider.getTransactionReceipt(tx.hash);
    if (r) {
      if (r.status !== 1) throw new Error(`reverted: ${tx.hash}`);
      return r;
    }
    await sleep(100);
  }
  throw new Error(`no receipt for ${tx.hash}`);
}
async function deploy(w, name, args) {
  const a = art(name);
  const c = await new ethers.ContractFactory(a.abi, a.bytecode, w).deploy(...args);
  await send(c.deploymentTransaction());
  return c;
}
const provider = (url) => new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });

async function main() {
  writeFileSync(join(dir, 'pw'), '\n');
  writeFileSync(join(dir, 'key0'), `${KEY0.slice(2)}\n`);
  const imp = spawnSync(bttcd, ['keys', 'import', '--datadir', join(dir, 'bttc'), '--password-file',
    join(dir, 'pw'), '--lightkdf', join(dir, 'key0')], { encoding: 'utf8' });
  const addr0 = /address: (0x[0-9a-fA-F]{40})/.exec(imp.stdout)?.[1];
  if (!addr0) throw new Error(`keys import: ${imp.stdout}${imp.stderr}`);
  writeFileSync(join(dir, 'root.conf'), '[plugin evm]\npath = evm\n');
  const spans = [0, 1, 2, 3].map((k) => {
    const vals = [{ ID: 1, power: 1, signer: addr0, accum: 0 }];
    return { span_id: k, start_block: k * 256, end_block: k * 256 + 255, bor_chain_id: '1337',
      validator_set: { validators: vals }, selected_producers: [{ ID: 1, power: 1, signer: addr0 }] };
  });
  writeFileSync(join(dir, 'spans.json'), JSON.stringify(spans));
  const bttcConf = (events) => ['[plugin evm]', 'path = evm', '', '[plugin consensus-bttc]',
    'path = consensus-bttc', 'chain = devnet', `signer = ${addr0}`, `sprint = ${SPRINT}`, 'period = 1',
    'producer_delay = 1', 'backup_multiplier = 1', `span_file = ${join(dir, 'spans.json')}`,
    ...(events ? [`event_file = ${join(dir, 'events.json')}`] : []), ''].join('\n');
  writeFileSync(join(dir, 'bttc.conf'), bttcConf(false));
  const bttcArgs = ['run', '--config', join(dir, 'bttc.conf'), '--datadir', join(dir, 'bttc'),
    '--chain', 'devnet', '--dev.accounts', '1', '--nodiscover', '--p2p.addr', '127.0.0.1', '--p2p.port', '0',
    '--http', '--http.port', '0', '--ipcdisable', '--plugin-dir', pluginDir, '--unlock', addr0,
    '--password-file', join(dir, 'pw')];
  const [root, bttc0] = await Promise.all([
    startNode('root', ['run', '--dev', '--dev.period', '0', '--config', join(dir, 'root.conf'), '--datadir',
      join(dir, 'root'), '--nodiscover', '--p2p.addr', '127.0.0.1', '--p2p.port', '0', '--http', '--http.port', '0',
      '--ipcdisable', '--plugin-dir', pluginDir]),
    startNode('bttc', bttcArgs)]);
  const rp = provider(root.url);
  let bp = provider(bttc0.url);
  const rw = new ethers.Wallet(KEY0, rp);
  let bw = new ethers.Wallet(KEY0, bp);
  const o = addr0;

  // root side, as contracts/test/bridge.test.js wires it (RootChain for Bttc chain id 1337)
  const token = await deploy(rw, 'TestToken', ['Root Token', 'RT', 10n ** 30n]);
  const registry = await deploy(rw, 'Registry', [o]);
  const info = await deploy(rw, 'StakingInfo', [await registry.getAddress()]);
  const nft = await deploy(rw, 'StakingNFT', ['Validator', 'VAL', o]);
  const factory = await deploy(rw, 'ValidatorShareFactory', []);
  const sm = await deploy(rw, 'StakeManager', [o, await registry.getAddress(), await token.getAddress(),
    await info.getAddress(), await nft.getAddress(), await factory.getAddress()]);
  await send(nft.transferOwnership(await sm.getAddress()));
  const rc = await deploy(rw, 'RootChain', [o, await registry.getAddress(), 1337n, false]);
  const ss = await deploy(rw, 'StateSender', [o]);
  const dm = await deploy(rw, 'DepositManager', [o, await registry.getAddress(), await rc.getAddress()]);
  const wm = await deploy(rw, 'WithdrawManager', [await rc.getAddress(), 0n]);
  const pred = await deploy(rw, 'ERC20Predicate', [await registry.getAddress(), await wm.getAddress(), await dm.getAddress()]);
  for (const [k, c] of [['stakeManager', sm], ['rootChain', rc], ['stateSender', ss], ['depositManager', dm], ['withdrawManager', wm]])
    await send(registry.updateContractMap(ethers.id(k), await c.getAddress()));
  const sk = new ethers.SigningKey(KEY0);
  await send(token.approve(await sm.getAddress(), 101n * E18));
  await send(sm.stakeFor(o, 100n * E18, E18, false, '0x' + sk.publicKey.slice(4)));
  // Bttc side
  const childChain = await deploy(bw, 'ChildChain', [o, '0x0000000000000000000000000000000000001001']);
  const child = await deploy(bw, 'ChildERC20', [await childChain.getAddress(), await token.getAddress(), 'Child', 'CT', 18]);
  await send(childChain.mapToken(await token.getAddress(), await child.getAddress(), false));
  await send(registry.mapToken(await token.getAddress(), await child.getAddress(), false));
  await send(registry.addErc20Predicate(await pred.getAddress()));
  await send(registry.updateContractMap(ethers.id('childChain'), await childChain.getAddress()));
  await send(ss.register(await dm.getAddress(), await childChain.getAddress()));
  check(true, 'root contracts deployed and one validator staked; ChildChain + ChildERC20 on Bttc');

  const A = { rt: await token.getAddress(), ct: await child.getAddress(), dm: await dm.getAddress(),
    rc: await rc.getAddress(), pred: await pred.getAddress() };
  const bad = cli(['deposit', '--rpc', root.url, '--deposit-manager', A.dm, '--token', A.rt, '--amount', 'x1']);
  check(bad.code === 2 && /bad value for --amount/.test(bad.err), 'a bad --amount is a usage error');

  // deposit through the CLI
  const dep = cli(['deposit', '--rootchain', 'eth', '--rpc', root.url, '--deposit-manager', A.dm, '--token', A.rt,
    '--amount', String(100n * E18), '--key', 'dev0']);
  const depTx = /deposit: tx (0x[0-9a-f]{64})/.exec(dep.out)?.[1];
  check(dep.code === 0 && depTx && /state sync id 1:/.test(dep.out), `deposit: ${dep.out.trim()} ${dep.err.trim()}`);
  const r = await rp.getTransactionReceipt(depTx);
  const topic = ethers.id('StateSynced(uint256,address,bytes)');
  const lg = r.logs.find((l) => l.topics[0] === topic);
  const [data] = ethers.AbiCoder.defaultAbiCoder().decode(['bytes'], lg.data);
  check(BigInt(lg.topics[1]) === 1n && ethers.getAddress('0x' + lg.topics[2].slice(26)) === await childChain.getAddress(),
    'the deposit emitted StateSynced(1, ChildChain, ...)');
  // Delivery's part: the record, fed to the producer through event_file (node restarted)
  writeFileSync(join(dir, 'events.json'), JSON.stringify([{ id: '1', contract: await childChain.getAddress(), data,
    tx_hash: depTx, log_index: String(lg.index), bor_chain_id: '1337',
    record_time: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }]));
  writeFileSync(join(dir, 'bttc.conf'), bttcConf(true));
  bp.destroy();
  await stopNode(bttc0);
  const bttc = await startNode('bttc2', bttcArgs);
  bp = provider(bttc.url);
  bw = new ethers.Wallet(KEY0, bp);
  const childR = child.connect(bw);
  let bal = 0n;
  for (let t = 0; t < 40000 && bal === 0n; t += 250) {
    bal = await childR.balanceOf(o).catch(() => 0n);
    if (bal === 0n) await sleep(250);
  }
  check(bal === 100n * E18, `child balance after the state sync: ${bal}`);

  // withdraw (burn) through the CLI
  const wd = cli(['withdraw', '--bttc-rpc', bttc.url, '--token', A.ct, '--amount', String(30n * E18), '--key', 'dev0', '--quiet']);
  const burnTx = wd.out.trim();
  check(wd.code === 0 && /^0x[0-9a-f]{64}$/.test(burnTx), `withdraw: ${wd.out.trim()} ${wd.err.trim()}`);
  check(await childR.balanceOf(o) === 70n * E18, 'child balance after the burn: 70');
  const exitArgs = ['exit-payload', '--rootchain', 'eth', '--bttc-rpc', bttc.url, '--root-rpc', root.url,
    '--root-chain', A.rc, '--predicate', A.pred, '--tx', burnTx];
  const early = cli(exitArgs);
  check(early.code === 1 && /not checkpointed yet: no checkpoint on eth/.test(early.err), `before a checkpoint: ${early.err.trim()}`);
  const missing = cli([...exitArgs.slice(0, -1), '0x' + '11'.repeat(32)]);
  check(missing.code === 1 && /not found on Bttc/.test(missing.err), `unknown tx: ${missing.err.trim()}`);

  // a checkpoint 0..(burn block + 1), signed by the staked validator
  const burnBlock = (await bp.getTransactionReceipt(burnTx)).blockNumber;
  const end = burnBlock + 1;
  for (let t = 0; t < 20000 && (await bp.getBlockNumber()) < end; t += 200) await sleep(200);
  const rootHash = '0x' + await bp.send('bor_getRootHash', [0, end]);
  const cpData = ethers.AbiCoder.defaultAbiCoder().encode(['address', 'uint256', 'uint256', 'bytes32', 'bytes32', 'uint256'],
    [o, 0n, BigInt(end), rootHash, ethers.ZeroHash, 1337n]);
  const sig = sk.sign(ethers.keccak256(ethers.concat(['0x01', cpData])));
  await send(rc.submitCheckpoint(cpData, [[sig.r, sig.s, sig.v]]));
  check(await rc.currentHeaderBlock() === 10000n, `checkpoint 0-${end} (root ${rootHash.slice(0, 10)}..) is header block 10000`);

  // the payload alone, then submitted
  const only = cli(exitArgs);
  check(only.code === 0 && /^0x[0-9a-f]+$/.test(only.out.trim()) && /checkpoint header block 10000/.test(only.err),
    `exit-payload prints the payload (${(only.out.trim().length - 2) / 2} bytes)`);
  const wrongLog = cli([...exitArgs, '--log-index', '7']);
  check(wrongLog.code === 1 && /wrong log/.test(wrongLog.err), `wrong log index: ${wrongLog.err.trim()}`);
  const before = await token.balanceOf(o);
  const ex = cli([...exitArgs, '--submit']);
  const exited = /exited: .*/.exec(ex.out)?.[0] ?? `${ex.out.slice(-300)} ${ex.err.trim()}`;
  check(ex.code === 0 && new RegExp(`released ${30n * E18} of root token`).test(ex.out), exited);
  check(await token.balanceOf(o) === before + 30n * E18, 'root-chain balance up by the 30 burnt');
  const again = cli([...exitArgs, '--submit']);
  check(again.code === 1 && /EXIT_ALREADY_PROCESSED/.test(again.err), `second exit refused: ${again.err.trim().split("\n").pop()}`);

  // defaults from a devnet state file
  mkdirSync(join(dir, 'net'));
  const port = Number(/:(\d+)$/.exec(bttc.url)[1]);
  writeFileSync(join(dir, 'net', 'devnet.json'), JSON.stringify({ validators: 1, nodes: [{ http_port: port }],
    basechains: { eth: { url: root.url, contracts: { RootChain: A.rc, ERC20Predicate: A.pred, DepositManager: A.dm, TestToken: A.rt } } } }));
  const dflt = cli(['exit-payload', '--dir', join(dir, 'net'), '--tx', burnTx, '--quiet']);
  check(dflt.code === 0 && dflt.out.trim() === only.out.trim(), 'with --dir DIR the devnet state file gives URLs and addresses');
  const noBase = cli(['exit-payload', '--dir', join(dir, 'net'), '--rootchain', 'bsc', '--tx', burnTx]);
  check(noBase.code === 1 && /no basechain 'bsc'/.test(noBase.err), 'a basechain the devnet lacks is named');
  rp.destroy();
  bp.destroy();
}

const timer = setTimeout(() => { console.log('not ok - timed out'); process.exitCode = 1; cleanup(); process.exit(1); }, 110000);
function cleanup() {
  for (const n of procs) if (n.child) n.child.kill('SIGKILL');
}
main().catch((e) => { failed++; console.log(`not ok - ${e.stack || e}`); for (const n of procs) console.log(`--- ${n.name}\n${n.log.slice(-3000)}`); })
  .finally(async () => {
    clearTimeout(timer);
    for (const n of procs) await stopNode(n);
    if (failed === 0) rmSync(dir, { recursive: true, force: true });
    else console.log(`logs kept in ${dir}`);
    console.log(failed ? `${failed} check(s) failed` : 'all checks passed');
    process.exit(failed ? 1 : 0);
  });
