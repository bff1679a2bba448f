'use strict';
// Root-chain scenario setup (issue 10): deploy the contracts/ root-chain set on a node (anvil),
// emit StateSynced and staking events, and print as JSON what the adapter must read back
// (addresses, block numbers, log indexes, tx hashes, decoded fields) plus the calldata of a
// checkpoint and of a state sync for the adapter to send. Usage: node setup.js URL
// Uses ethers and the artifacts of contracts/ (contracts/package-lock.json).
const path = require('path');
const contracts = path.join(__dirname, '..', '..', '..', 'contracts');
const ethers = require(path.join(contracts, 'node_modules', 'ethers'));

// anvil's first dev account (a public test key): deployer, owner and the adapter's signer.
const OWNER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const E18 = 10n ** 18n;

function artifact(name) {
  return require(path.join(contracts, 'build', 'london', name + '.json'));
}

async function mined(p) {
  const tx = await p;
  for (;;) {
    const r = await tx.provider.getTransactionReceipt(tx.hash);
    if (r) {
      if (r.status !== 1) throw new Error('reverted: ' + tx.hash);
      return r;
    }
    await new Promise((res) => setTimeout(res, 5));
  }
}

async function deploy(signer, name, args) {
  const a = artifact(name);
  const c = await new ethers.ContractFactory(a.abi, a.bytecode, signer).deploy(...args);
  await mined(c.deploymentTransaction());
  return c;
}

function validatorKey(i) {
  const sk = new ethers.SigningKey(ethers.id('bttcd validator ' + i));
  return { sk, address: ethers.computeAddress(sk.publicKey), pubkey: '0x' + sk.publicKey.slice(4) };
}

function logsOf(receipt, contract, name) {
  const out = [];
  for (const l of receipt.logs) {
    if (l.address.toLowerCase() !== contract.target.toLowerCase()) continue;
    const p = contract.interface.parseLog(l);
    if (p && p.name === name) out.push({ log: l, args: p.args });
  }
  return out;
}

async function main() {
  const url = process.argv[2];
  const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const owner = new ethers.Wallet(OWNER_KEY, provider);
  const o = owner.address;
  const users = [1, 2, 3].map((i) => new ethers.Wallet(ethers.id('bttcd scenario user ' + i), provider));
  // Funded by plain transfers (not anvil_setBalance) so bttcd run --dev serves as the node too.
  for (const u of users) await mined(owner.sendTransaction({ to: u.address, value: 100n * E18 }));

  const token = await deploy(owner, 'TestToken', ['Staking Token', 'STK', 10n ** 30n]);
  const registry = await deploy(owner, 'Registry', [o]);
  const logger = await deploy(owner, 'StakingInfo', [registry.target]);
  const nft = await deploy(owner, 'StakingNFT', ['Validator', 'VAL', o]);
  const factory = await deploy(owner, 'ValidatorShareFactory', []);
  const sm = await deploy(owner, 'StakeManager', [o, registry.target, token.target, logger.target, nft.target, factory.target]);
  await mined(nft.transferOwnership(sm.target));
  const rootChain = await deploy(owner, 'RootChain', [o, registry.target, 199n, false]); // ETH/BSC: no epoch check
  const stateSender = await deploy(owner, 'StateSender', [o]);
  for (const [k, c] of [['stakeManager', sm], ['rootChain', rootChain], ['stateSender', stateSender]])
    await mined(registry.updateContractMap(ethers.id(k), c.target));
  await mined(sm.updateDynastyValue(2n));
  await mined(token.transfer(sm.target, 10n ** 27n));

  const events = [];
  // Staking: three validators (Staked and TopUpFee from StakingInfo).
  const keys = [1, 2, 3].map(validatorKey);
  for (let i = 0; i < 3; i++) {
    const u = users[i];
    await mined(token.transfer(u.address, 1000n * E18));
    await mined(token.connect(u).approve(sm.target, 101n * E18));
    const rc = await mined(sm.connect(u).stakeFor(u.address, 100n * E18, E18, false, keys[i].pubkey));
    for (const { log, args } of logsOf(rc, logger, 'Staked'))
      events.push({
        name: 'Staked', address: log.address, block: log.blockNumber, index: log.index, tx: log.transactionHash,
        topics: log.topics, data: log.data,
        signer: args.signer, validatorId: args.validatorId.toString(), amount: args.amount.toString(),
      });
  }
  // State sync: the owner registers itself as sender for a receiver, then three syncs, the last
  // two in one block (two logs of one block: log indexes count per block).
  const receiver = '0x000000000000000000000000000000000000beef';
  await mined(stateSender.register(o, receiver));
  const datas = ['0x01', '0x' + 'ab'.repeat(40), '0x'];
  await mined(stateSender.syncState(receiver, datas[0]));
  // anvil: both in one block (automine off); a node without evm_setAutomine (bttcd --dev) mines
  // them as they come, which the adapter must read back just the same.
  const manual = await provider.send('evm_setAutomine', [false]).then(() => true, () => false);
  const nonce = await provider.getTransactionCount(o, 'pending');
  const t1 = await stateSender.syncState(receiver, datas[1], { nonce, gasLimit: 200000n });
  const t2 = await stateSender.syncState(receiver, datas[2], { nonce: nonce + 1, gasLimit: 200000n });
  if (manual) {
    await provider.send('evm_mine', []);
    await provider.send('evm_setAutomine', [true]);
  }
  for (const t of [t1, t2]) await mined(Promise.resolve(t));
  const syncLogs = await stateSender.queryFilter(stateSender.filters.StateSynced(), 0, 'latest');
  for (const l of syncLogs) {
    const p = stateSender.interface.parseLog(l);
    events.push({
      name: 'StateSynced', address: l.address, block: l.blockNumber, index: l.index, tx: l.transactionHash,
      topics: l.topics, data: l.data,
      id: p.args.id.toString(), contractAddress: p.args.contractAddress, payload: p.args.data,
    });
  }

  // A checkpoint signed by all three validators (sorted by signer), sent later by the adapter.
  const proposer = [...keys].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))[0].address;
  // `node setup.js URL K` also gives K consecutive checkpoints (bench: finality latency).
  const coder = ethers.AbiCoder.defaultAbiCoder();
  const checkpoints = [];
  for (let i = 0n; i < BigInt(process.argv[3] || 1); i++) {
    const data = coder.encode(['address', 'uint256', 'uint256', 'bytes32', 'bytes32', 'uint256'],
      [proposer, 256n * i, 256n * i + 255n, ethers.id('scenario root ' + i), ethers.ZeroHash, 199n]);
    const digest = ethers.keccak256(ethers.concat(['0x01', data]));
    const sigs = keys.map((k) => ({ who: BigInt(k.address), s: k.sk.sign(digest) }))
      .sort((a, b) => (a.who < b.who ? -1 : 1)).map(({ s }) => [s.r, s.s, s.v]);
    checkpoints.push(rootChain.interface.encodeFunctionData('submitCheckpoint', [data, sigs]));
  }
  const checkpoint = checkpoints[0];
  const sync = stateSender.interface.encodeFunctionData('syncState', [receiver, '0xc0ffee']);

  const out = {
    owner: o, receiver, rootChain: rootChain.target, stateSender: stateSender.target, stakingInfo: logger.target,
    stakeManager: sm.target, proposer, head: await provider.getBlockNumber(), events, checkpoint, checkpoints, sync,
    topics: {
      StateSynced: stateSender.interface.getEvent('StateSynced').topicHash,
      Staked: logger.interface.getEvent('Staked').topicHash,
      NewHeaderBlock: rootChain.interface.getEvent('NewHeaderBlock').topicHash,
    },
  };
  process.stdout.write(JSON.stringify(out) + '\n');
  provider.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
