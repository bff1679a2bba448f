// Staking sync TRON → ETH (PROTOCOL.md §4.3.4, F7) with four bttcd validators running Delivery
// and the bridge (bridgenet.mjs with the dev TRON chain and anvil as Ethereum; the TRON
// listeners start at bridge_start_block_tron = 3):
//  1. a validator's owner unstakes on TRON (StakeManager.unstake): UnstakeInit is relayed as
//     MsgValidatorExit, applied, and queued for ETH (/staking/queue/eth on every validator);
//  2. the current proposer's staking poll (dlvbridge_stake.c) finds ETH's validatorNonce(id)
//     behind the queue head and sends MsgStakingSync; once that is decided Yes it replays the
//     original MsgValidatorExit to ETH's StakeManager.validatorExit(data, sigs) with the exit's
//     side-tx signatures: anvil's validatorNonce(id) reaches the exit's nonce and the validator
//     is marked exiting there;
//  3. the next poll sees the nonce caught up and sends MsgStakingSyncAck: the queue head is
//     popped on every validator.
//   node staking_sync.mjs BTTCD PLUGIN_DIR ANVIL CONTRACTS_DIR
// Exit 77 when anvil or the contracts' node_modules (ethers) are missing.
import { bridgeNet, finishRun, haveTools, loadEthers, rest, sleep, until } from './bridgenet.mjs';

const [bttcd, pluginDir, anvilBin, contractsDir] = process.argv.slice(2);
if (!haveTools(anvilBin, contractsDir)) {
  console.log('SKIP: anvil or contracts/node_modules missing (scripts/setup runs npm ci)');
  process.exit(77);
}
const ethers = loadEthers(contractsDir);
let failed = 0;
const check = (cond, what) => {
  console.log(`${cond ? 'ok' : 'not ok'} - ${what}`);
  if (!cond) failed++;
};
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
let net = null;

const SM_ABI = ['function getValidatorId(address) view returns (uint256)',
  'function validatorNonce(uint256) view returns (uint256)', 'function unstake(uint256)',
  'function validators(uint256) view returns (uint256 amount, uint256 reward, uint256 activationEpoch, ' +
    'uint256 deactivationEpoch, uint256 jailTime, address signer, address contractAddress, uint8 status, ' +
    'uint256, uint256, uint256, uint256, uint256)'];

async function main() {
  net = await bridgeNet({ bttcd, pluginDir, anvilBin, contractsDir, tron: true,
    // a TRON start block (the devnet's stakes are in its first blocks, the unstake comes later)
    conf: ['staking_poll_interval = 2s', 'bridge_tron_confirmations = 2', 'bridge_start_block_tron = 3'],
    log: (l) => check(true, `${l} (${elapsed()})`) });
  const { nodes, st, url } = net;
  check(nodes.every((n) => /bridge listener"? root=tron .*start_block=3/.test(n.log)),
    'a TRON listener on every validator, from bridge_start_block_tron = 3');
  const tronBase = st.basechains.find((b) => b.name === 'tron');
  const evm = (a) => `0x${String(a).slice(-40)}`;
  const tronSm = evm(tronBase.contracts.StakeManager);
  const ethC = st.basechains.find((b) => b.name === 'eth').contracts;
  const ethSm = ethC.StakeManager ?? ethC.stakeManager;

  // 1. unstake validator v on TRON with its owner key (the devnet staked from each key)
  const v = nodes[3];
  const key = st.dev_keys.find((k) => k.address.toLowerCase() === v.address).private_key;
  const tronP = new ethers.JsonRpcProvider(tronBase.url, undefined, { staticNetwork: true });
  const ethP = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true });
  const smT = new ethers.Contract(tronSm, SM_ABI, new ethers.Wallet(key, tronP));
  const smE = new ethers.Contract(ethSm, SM_ABI, ethP);
  const id = await smT.getValidatorId(v.address);
  const ethIdOk = (await smE.getValidatorId(v.address)) === id;
  check(id > 0n && ethIdOk, `${v.name} is validator ${id} on TRON and on ETH`);
  const before = await smE.validatorNonce(id);
  check(before === 1n, `ETH validatorNonce(${id}) is 1 before (${before})`);
  const rc = await (await smT.unstake(id)).wait();
  check(rc.status === 1, `unstake(${id}) on TRON (block ${rc.blockNumber})`);

  // 2. relayed, applied, queued for ETH on every validator
  const queue = async (n) => {
    const r = await rest(n, '/staking/queue/eth');
    return Array.isArray(r.body?.result) ? r.body.result : [];
  };
  const queued = await until(async () => (await Promise.all(nodes.map(queue))).every((q) =>
    q.some((e) => JSON.stringify(e).includes('validatorExit'))), 180000, 1000);
  check(nodes.some((n) => /bridge event relayed.*event=UnstakeInit/.test(n.log)), 'UnstakeInit relayed as MsgValidatorExit');
  check(queued, `the exit is in /staking/queue/eth on every validator (${elapsed()})`);
  if (!queued) for (const n of nodes) console.log(`# ${n.name} queue ${JSON.stringify(await queue(n))}`);

  // 3. MsgStakingSync, the replay to ETH, validatorNonce caught up
  const synced = await until(async () => (await smE.validatorNonce(id)) >= 2n, 120000, 1000);
  check(nodes.some((n) => /bridge staking sync"? root=eth type=validatorExit/.test(n.log)), 'the proposer sent MsgStakingSync');
  check(await until(() => nodes.some((n) => /bridge staking sync submitted.*type=staking\/MsgValidatorExit.*outcome=1/.test(n.log)), 20000),
    'the proposer replayed MsgValidatorExit to ETH (landed)');
  check(synced, `ETH StakeManager.validatorNonce(${id}) caught up: ${await smE.validatorNonce(id)} (${elapsed()})`);
  const ev = await smE.validators(id);
  check(ev.deactivationEpoch > 0n, `validator ${id} is exiting on ETH (deactivationEpoch ${ev.deactivationEpoch})`);

  // 4. MsgStakingSyncAck pops the head on every validator
  const popped = await until(async () => (await Promise.all(nodes.map(queue))).every((q) =>
    !q.some((e) => JSON.stringify(e).includes('validatorExit'))), 60000, 1000);
  check(nodes.some((n) => /bridge staking sync ack"? root=eth type=validatorExit.*status=0/.test(n.log)), 'the proposer sent MsgStakingSyncAck');
  check(popped, `the queue head is popped on every validator (${elapsed()})`);
  check(nodes.every((n) => !/dlv_halt|halted/.test(n.log)), 'no Delivery node halted');
  tronP.destroy();
  ethP.destroy();
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
await finishRun(net, failed, elapsed(), 50);
