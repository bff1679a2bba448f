'use strict';
// TRON root-chain scenario setup (issue 10): deploy the contracts/ root-chain set on the dev TRON
// API (`bttcd run --dev --tron-api.port N`) through tronweb, unchanged, as on TRON
// (transactionBuilder.createSmartContract → sign → sendRawTransaction, then getTransactionInfo
// for the contract_address; the last one through contract().new()), wire it as
// contracts/test/deploy.js does (RootChain with the epoch check, Delivery's TRON flavour), emit
// Staked and StateSynced events, and print as JSON what the rootchain-tron adapter must read back
// (addresses, block numbers, per-block log indexes counted from the blocks' transactions,
// txIDs, decoded fields as sent) plus the calldata of a checkpoint (2/3+1 sorted signatures,
// PROTOCOL.md §4.6.5-§4.6.6) and of a state sync for the adapter to send.
// Usage: node setup.js TRON_URL ETH_URL   (ethers for keys and ABI encoding:
// contracts/node_modules; ETH_URL: the same node's Ethereum JSON-RPC, used once, below)
const path = require('path');
const { TronWeb } = require('tronweb');
const contracts = path.join(__dirname, '..', '..', '..', 'contracts');
const ethers = require(path.join(contracts, 'node_modules', 'ethers'));

// Dev accounts 0-3 of bttcd --dev (the anvil/hardhat test mnemonic): public test keys.
const KEYS = [
  'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
];
const E18 = 10n ** 18n;
const FEE = 15000000000; // getMaxFeeLimit of the dev TRON API (StakeManager needs > 2.4 M energy)

const url = process.argv[2];
const tw = new TronWeb({ fullHost: url, privateKey: KEYS[0] });
const hex20 = (a) => '0x' + tw.address.toHex(a).slice(2).toLowerCase();

function artifact(name) {
  return require(path.join(contracts, 'build', 'berlin', name + '.json'));
}

async function info(txid) {
  for (let i = 0; i < 2000; i++) {
    const r = await tw.trx.getUnconfirmedTransactionInfo(txid);
    if (r && r.id) {
      if (r.result === 'FAILED') throw new Error('failed: ' + txid + ' ' + JSON.stringify(r.receipt));
      return r;
    }
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('no receipt for ' + txid);
}

async function deploy(name, parameters, key = KEYS[0]) {
  const a = artifact(name);
  const owner = tw.address.fromPrivateKey(key);
  const tx = await tw.transactionBuilder.createSmartContract(
    { abi: a.abi, bytecode: a.bytecode, parameters, feeLimit: FEE, name }, owner);
  const signed = await tw.trx.sign(tx, key);
  const r = await tw.trx.sendRawTransaction(signed);
  if (!r.result) throw new Error(name + ': ' + JSON.stringify(r));
  const i = await info(signed.txID);
  if (i.contract_address !== tx.contract_address)
    throw new Error(name + ': contract_address ' + i.contract_address + ' != ' + tx.contract_address);
  return tw.contract(a.abi, tx.contract_address);
}

async function send(contract, method, args, key = KEYS[0]) {
  const txid = await contract[method](...args).send({ feeLimit: FEE }, key);
  return { txid, info: await info(txid) };
}

// Per-block log indexes, counted over the block's transactions in order (TRON numbers logs
// within a block for its JSON-RPC; the adapter must agree).
async function logsWithIndex(txid) {
  const i = await info(txid);
  const block = await tw.trx.getBlockByNumber(i.blockNumber);
  let index = 0;
  const out = [];
  for (const t of block.transactions || []) {
    const ti = t.txID === txid ? i : await info(t.txID);
    for (const l of ti.log || []) {
      if (t.txID === txid) out.push({ log: l, index, block: i.blockNumber });
      index++;
    }
  }
  return out;
}

function validatorKey(i) {
  const sk = new ethers.SigningKey(ethers.id('bttcd validator ' + i));
  return { sk, address: ethers.computeAddress(sk.publicKey), pubkey: '0x' + sk.publicKey.slice(4) };
}

async function main() {
  // A fresh dev chain sits at block 0, which java-tron prints without `number` and `timestamp`
  // (proto3 defaults), and tronweb's local builds (getCurrentRefBlockParams) need both: one plain
  // transfer through the node's Ethereum JSON-RPC moves the head on first.
  if (!(await tw.trx.getCurrentBlock()).block_header.raw_data.number) {
    const p = new ethers.JsonRpcProvider(process.argv[3], undefined, { staticNetwork: true });
    const w = new ethers.Wallet('0x' + KEYS[0], p);
    await (await w.sendTransaction({ to: w.address, value: 1n })).wait();
    p.destroy();
  }
  const o = tw.address.fromPrivateKey(KEYS[0]);
  const users = [1, 2, 3].map((i) => ({ key: KEYS[i], address: tw.address.fromPrivateKey(KEYS[i]) }));

  const token = await deploy('TestToken', ['Staking Token', 'STK', (10n ** 30n).toString()]);
  const registry = await deploy('Registry', [o]);
  const logger = await deploy('StakingInfo', [registry.address]);
  const nft = await deploy('StakingNFT', ['Validator', 'VAL', o]);
  const factory = await deploy('ValidatorShareFactory', []);
  const sm = await deploy('StakeManager', [o, registry.address, token.address, logger.address, nft.address, factory.address]);
  await send(nft, 'transferOwnership', [sm.address]);
  const rootChain = await deploy('RootChain', [o, registry.address, 199, true]);
  // The last one exactly as a dapp would: contract().new() (it waits 3 s, then .at()).
  const ss = artifact('StateSender');
  const stateSender = await tw.contract().new({ abi: ss.abi, bytecode: ss.bytecode, parameters: [o], feeLimit: FEE }, KEYS[0]);
  for (const [k, c] of [['stakeManager', sm], ['rootChain', rootChain], ['stateSender', stateSender]])
    await send(registry, 'updateContractMap', [ethers.id(k), c.address]);
  await send(sm, 'updateDynastyValue', [2]);
  await send(token, 'transfer', [sm.address, (10n ** 27n).toString()]);
  // A view through the TRON view of the addresses: the registry names RootChain by the address
  // tronweb computed.
  const mapped = await registry.contractMap(ethers.id('rootChain')).call();
  if (tw.address.toHex(mapped) !== rootChain.address) throw new Error('registry: ' + mapped + ' != ' + rootChain.address);

  const events = [];
  const keys = [1, 2, 3].map(validatorKey);
  for (let i = 0; i < 3; i++) {
    const u = users[i];
    await send(token, 'transfer', [u.address, (1000n * E18).toString()]);
    await send(token, 'approve', [sm.address, (101n * E18).toString()], u.key);
    const { txid } = await send(sm, 'stakeFor', [u.address, (100n * E18).toString(), E18.toString(), false, keys[i].pubkey], u.key);
    for (const { log, index, block } of await logsWithIndex(txid)) {
      if ('41' + log.address !== logger.address || log.topics[0] !== ethers.id('Staked(address,uint256,uint256,uint256,uint256,uint256,bytes)').slice(2)) continue;
      events.push({
        name: 'Staked', address: '0x' + log.address, block, index, tx: '0x' + txid,
        topics: log.topics.map((t) => '0x' + t), data: '0x' + (log.data || ''),
        signer: keys[i].address, validatorId: String(i + 1), amount: (100n * E18).toString(),
      });
    }
  }
  const receiver = '0x000000000000000000000000000000000000beef';
  await send(stateSender, 'register', [o, receiver]);
  const datas = ['0x01', '0x' + 'ab'.repeat(40), '0x'];
  let id = 0;
  for (const d of datas) {
    const { txid } = await send(stateSender, 'syncState', [receiver, d]);
    id++;
    for (const { log, index, block } of await logsWithIndex(txid))
      events.push({
        name: 'StateSynced', address: '0x' + log.address, block, index, tx: '0x' + txid,
        topics: log.topics.map((t) => '0x' + t), data: '0x' + (log.data || ''),
        id: String(id), contractAddress: receiver, payload: d,
      });
  }

  // A checkpoint (Delivery's TRON flavour: a 7th word, the StakeManager epoch) signed by all
  // three validators, sorted by signer, sent later by the adapter.
  const epoch = BigInt((await sm.epoch().call()).toString());
  const proposer = [...keys].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))[0].address;
  const coder = ethers.AbiCoder.defaultAbiCoder();
  const data = coder.encode(['address', 'uint256', 'uint256', 'bytes32', 'bytes32', 'uint256', 'uint256'],
    [proposer, 0n, 255n, ethers.id('tron scenario root'), ethers.ZeroHash, 199n, epoch]);
  const digest = ethers.keccak256(ethers.concat(['0x01', data]));
  const sigs = keys.map((k) => ({ who: BigInt(k.address), s: k.sk.sign(digest) }))
    .sort((a, b) => (a.who < b.who ? -1 : 1)).map(({ s }) => [s.r, s.s, s.v]);
  const rc = new ethers.Interface(artifact('RootChain').abi);
  const sst = new ethers.Interface(ss.abi);
  const block = await tw.trx.getCurrentBlock();
  const out = {
    owner: hex20(o), receiver, rootChain: hex20(rootChain.address), stateSender: hex20(stateSender.address),
    stakingInfo: hex20(logger.address), stakeManager: hex20(sm.address),
    rootChainTron: rootChain.address, stateSenderTron: stateSender.address,
    stakingInfoTron: logger.address, stakeManagerTron: sm.address,
    proposer, head: block.block_header.raw_data.number, events,
    checkpoint: rc.encodeFunctionData('submitCheckpoint', [data, sigs]),
    sync: sst.encodeFunctionData('syncState', [receiver, '0xc0ffee']),
    topics: {
      StateSynced: sst.getEvent('StateSynced').topicHash,
      Staked: new ethers.Interface(artifact('StakingInfo').abi).getEvent('Staked').topicHash,
      NewHeaderBlock: rc.getEvent('NewHeaderBlock').topicHash,
    },
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
