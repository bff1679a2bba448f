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
// validator. Not in CTest (devnet/e2e checkpoints all three basechains): the last run passed
// every check but the "bridge span proposed span_id=1" log match, while /bor/span/1 was frozen
// on all four (span 1 proposed before the log was read, or by a node whose line is not kept).
//   node four_validators_bridge.mjs BTTCD PLUGIN_DIR ANVIL CONTRACTS_DIR [--tron]
// Exit 77 when anvil or the contracts' node_modules (ethers) are missing.
import { ackCount, bridgeNet, finishRun, haveTools, loadEthers, rest, sleep, until } from './bridgenet.mjs';

const [bttcd, pluginDir, anvilBin, contractsDir, opt] = process.argv.slice(2);
const tron = opt === '--tron';
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

async function main() {
  // 1-4. anvil, the devnet's files, the Delivery genesis and confs, the validators
  //      (tests/delivery-bridge/bridgenet.mjs)
  net = await bridgeNet({ bttcd, pluginDir, anvilBin, contractsDir, tron,
    log: (l) => check(true, `${l} (${elapsed()})`) });
  const { nodes, st, url } = net;
  const c = st.basechains.find((b) => b.name === 'eth').contracts;
  check(nodes.every((n) => /bridge started/.test(n.log)), 'the bridge starts on every validator');
  check(nodes.every((n) => /bridge listener.*root=eth/.test(n.log)), 'an ETH listener on every validator');
  if (tron)
    check(nodes.every((n) => /bridge listener.*root=tron/.test(n.log)), 'a TRON listener on every validator');

  // 5. a checkpoint lands on anvil and is acked by Delivery on every validator
  const countOf = ackCount;
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
await finishRun(net, failed, elapsed(), 40);
