'use strict';
// State sync, Bttc genesis contracts and the deposit → burn → exit round trip (issue 8 scenarios).
// One ganache chain plays both the root chain and Bttc; the Bttc system calls are sent from the
// unlocked system address, and the burn block's receipt trie and checkpoint are built in JS.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');
const { ethers, startChain, send, deploy, validatorKey, checkpointData, signAll, sortedKeys, rejects, SYSTEM } = h;
const { deployRoot, stake, events, E18 } = require('./deploy');

describe('state sync, genesis contracts and the ERC-20 bridge', () => {
  let chain, owner, user, root, keys;
  let dm, wm, predicate, rootToken, stateReceiver, childChain, childToken;

  before(async () => {
    chain = await startChain();
    [owner, user] = chain.accounts;
    root = await deployRoot(owner);
    keys = [1, 2, 3].map(validatorKey);
    for (let i = 0; i < 3; i++) {
      await send(root.token.transfer(await chain.accounts[i + 2].getAddress(), 1000n * E18));
      await stake(root, chain.accounts[i + 2], keys[i]);
    }
    const o = await owner.getAddress();
    const reg = await root.registry.getAddress();
    const rc = await root.rootChain.getAddress();
    dm = await deploy(owner, 'DepositManager', [o, reg, rc], 'berlin');
    wm = await deploy(owner, 'WithdrawManager', [rc, 0n], 'berlin');
    predicate = await deploy(owner, 'ERC20Predicate', [reg, await wm.getAddress(), await dm.getAddress()], 'berlin');
    rootToken = await deploy(owner, 'TestToken', ['Root Token', 'RT', 10n ** 24n], 'berlin');
    // Bttc side (London artifacts)
    stateReceiver = await deploy(owner, 'StateReceiver', []);
    childChain = await deploy(owner, 'ChildChain', [o, await stateReceiver.getAddress()]);
    childToken = await deploy(owner, 'ChildERC20', [await childChain.getAddress(), await rootToken.getAddress(), 'Child', 'CT', 18]);
    // wiring
    await send(root.registry.updateContractMap(ethers.id('depositManager'), await dm.getAddress()));
    await send(root.registry.updateContractMap(ethers.id('childChain'), await childChain.getAddress()));
    await send(root.registry.mapToken(await rootToken.getAddress(), await childToken.getAddress(), false));
    await send(root.registry.addErc20Predicate(await predicate.getAddress()));
    await send(root.stateSender.register(await dm.getAddress(), await childChain.getAddress()));
    await send(childChain.mapToken(await rootToken.getAddress(), await childToken.getAddress(), false));
    await send(rootToken.transfer(await user.getAddress(), 1000n * E18));
  });
  after(async () => chain && chain.stop());

  /** Relays a StateSynced log to the StateReceiver as Bttc would (PROTOCOL.md §3.9). */
  async function relay(log, ev, deliveryId) {
    const rec = ethers.encodeRlp([h.u(deliveryId), ev.args.contractAddress, ev.args.data, log.transactionHash, h.u(log.index), ethers.toUtf8Bytes('199')]);
    return send(stateReceiver.connect(chain.system).commitState(1638950000n, rec));
  }

  it('numbers state syncs 1, 2, 3 and refuses unregistered senders', async () => {
    const ss = root.stateSender;
    const target = ethers.Wallet.createRandom().address;
    await send(ss.register(await owner.getAddress(), target));
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const rc = await send(ss.syncState(target, '0x0102'));
      const [ev] = events(rc, ss, 'StateSynced');
      assert.equal(ev.args.contractAddress, target);
      ids.push(ev.args.id);
    }
    assert.deepEqual(ids, [1n, 2n, 3n]);
    assert.equal(await ss.counter(), 3n);
    await rejects(send(ss.connect(user).syncState(target, '0x')), /Invalid sender/);
  });

  it('StateReceiver: system-only, sequential ids (PROTOCOL.md §7.7 record)', async () => {
    const rec = '0xf83f0194cccccccccccccccccccccccccccccccccccccccc820102a0' + 'dd'.repeat(32) + '8083313939';
    await rejects(send(stateReceiver.connect(user).commitState(1638950000n, rec)), /Not System Addess!/);
    const bad = ethers.encodeRlp([h.u(2), '0x' + 'cc'.repeat(20), '0x0102', '0x' + 'dd'.repeat(32), '0x', ethers.toUtf8Bytes('199')]);
    await rejects(send(stateReceiver.connect(chain.system).commitState(1n, bad)), /StateIds are not sequential/);
    await send(stateReceiver.connect(chain.system).commitState(1638950000n, rec));
    assert.equal(await stateReceiver.lastStateId(), 1n);
  });

  it('BorValidatorSet: initial validators, system-only commitSpan, producers per span', async () => {
    const a = '0x' + 'aa'.repeat(20);
    const b = '0x' + 'bb'.repeat(20);
    const vs = await deploy(owner, 'BorValidatorSet', [[a, b], [1n, 1n]]);
    let [addrs, powers] = await vs.getBorValidators(100n);
    assert.deepEqual(addrs.map((x) => x.toLowerCase()), [a, b]);
    assert.deepEqual([...powers], [1n, 1n]);
    const producers = '0xf0d7010294' + 'aa'.repeat(20) + 'd7030194' + 'bb'.repeat(20); // PROTOCOL.md §7.7
    await rejects(send(vs.connect(user).commitSpan(1n, 256n, 6655n, producers, producers)), /Not System Addess!/);
    await rejects(send(vs.connect(chain.system).commitSpan(1n, 256n, 6600n, producers, producers)), /multiples of sprint/);
    await send(vs.connect(chain.system).commitSpan(1n, 256n, 6655n, producers, producers));
    [addrs, powers] = await vs.getBorValidators(300n);
    assert.deepEqual(addrs.map((x) => x.toLowerCase()), [a, b]);
    assert.deepEqual([...powers], [2n, 1n]);
    const span = await vs.getSpan(1n);
    assert.equal(span.startBlock, 256n);
    assert.equal(span.endBlock, 6655n);
    assert.equal((await vs.getCurrentSpan()).endBlock, 255n); // still in genesis span 0
    await rejects(send(vs.connect(chain.system).commitSpan(1n, 6656n, 13055n, producers, producers)), /Span already exists/);
    await rejects(send(vs.connect(chain.system).commitSpan(3n, 6656n, 13055n, producers, producers)), /Invalid span id/);
  });

  it('deposit → state sync → child mint → burn → proof → exit, and the exit only once', async () => {
    const u = await user.getAddress();
    // deposit on the root chain
    await send(rootToken.connect(user).approve(await dm.getAddress(), 100n * E18));
    const rcd = await send(dm.connect(user).depositERC20(await rootToken.getAddress(), 100n * E18));
    const [synced] = events(rcd, root.stateSender, 'StateSynced');
    assert.equal(synced.args.contractAddress, await childChain.getAddress());
    const log = rcd.logs.find((l) => l.topics[0] === root.stateSender.interface.getEvent('StateSynced').topicHash);
    // Bttc: Delivery id 2 (id 1 was used above), committed by the system address
    await relay(log, synced, 2n);
    assert.equal(await childToken.balanceOf(u), 100n * E18);
    await rejects(relay(log, synced, 2n), /StateIds are not sequential/);

    // burn on Bttc
    const rcw = await send(childToken.connect(user).withdraw(30n * E18));
    const logIndex = rcw.logs.findIndex((l) => l.topics[0] === childToken.interface.getEvent('Withdraw').topicHash);
    const raw = await chain.provider.send('eth_getTransactionReceipt', [rcw.hash]);
    const receiptBytes = h.encodeReceipt(
      { status: BigInt(raw.status), cumulativeGasUsed: BigInt(raw.cumulativeGasUsed), logsBloom: raw.logsBloom, type: BigInt(raw.type || 0) },
      raw.logs,
    );
    const trie = h.singleReceiptTrie(receiptBytes);
    const burnBlock = await h.rawBlock(chain.provider, rcw.blockNumber);
    assert.equal(trie.root, burnBlock.receiptsRoot, 'hand-built receipt trie matches the block header');

    // checkpoint blocks 0..burn block
    const leaves = [];
    for (let n = 0; n <= rcw.blockNumber; n++) leaves.push(h.headerLeaf(await h.rawBlock(chain.provider, n)));
    const cpRoot = h.merkleRoot(leaves);
    const proposer = sortedKeys(keys)[0].address;
    const data = checkpointData({ proposer, start: 0n, end: BigInt(rcw.blockNumber), root: cpRoot, epoch: await root.stakeManager.epoch() });
    await send(root.rootChain.submitCheckpoint(data, signAll(data, keys)));
    const headerNumber = await root.rootChain.currentHeaderBlock();
    assert.equal(headerNumber, 10000n);

    const payload = (overrides = {}) =>
      ethers.encodeRlp([
        h.u(headerNumber),
        h.merkleProof(leaves, rcw.blockNumber),
        h.u(burnBlock.number),
        h.u(burnBlock.timestamp),
        burnBlock.transactionsRoot,
        burnBlock.receiptsRoot,
        overrides.receipt || receiptBytes,
        trie.proof,
        trie.path,
        h.u(overrides.logIndex !== undefined ? overrides.logIndex : logIndex),
      ]);

    const other = chain.accounts[9];
    await rejects(send(predicate.connect(other).startExitWithBurntTokens(payload())), /Withdrawer and burn exit tx do not match/);
    const last = parseInt(receiptBytes.slice(-2), 16) ^ 1;
    const tampered = ethers.concat([receiptBytes.slice(0, -2), ethers.toBeHex(last, 1)]);
    await rejects(send(predicate.connect(user).startExitWithBurntTokens(payload({ receipt: tampered }))), /INVALID_RECEIPT_MERKLE_PROOF/);
    await rejects(send(predicate.connect(user).startExitWithBurntTokens(payload({ logIndex: 0 }))), /Not a withdraw event signature/);

    const before = await rootToken.balanceOf(u);
    await send(predicate.connect(user).startExitWithBurntTokens(payload()));
    assert.equal(await rootToken.balanceOf(u), before + 30n * E18);
    await rejects(send(predicate.connect(user).startExitWithBurntTokens(payload())), /EXIT_ALREADY_PROCESSED/);
    assert.equal(await rootToken.balanceOf(await dm.getAddress()), 70n * E18);
  });

  it('MRC20 (0x…1010 behaviour): deposit pays native coin, withdraw locks it and logs Withdraw/WithdrawTo', async () => {
    const m = await deploy(owner, 'MRC20', []);
    const rootBtt = ethers.Wallet.createRandom().address;
    await send(m.initialize(await owner.getAddress(), rootBtt));
    await rejects(send(m.initialize(await owner.getAddress(), rootBtt)), /already initialized/);
    await send(owner.sendTransaction({ to: await m.getAddress(), value: 10n * E18 }));
    const fresh = ethers.Wallet.createRandom().address;
    await send(m.deposit(fresh, ethers.AbiCoder.defaultAbiCoder().encode(['uint256'], [3n * E18])));
    assert.equal(await m.balanceOf(fresh), 3n * E18);
    const rc = await send(m.connect(user).withdraw(2n * E18, { value: 2n * E18 }));
    const [w] = events(rc, m, 'Withdraw');
    assert.equal(w.args.token, rootBtt);
    assert.equal(w.args.amount, 2n * E18);
    const [wt] = events(rc, m, 'WithdrawTo');
    assert.equal(wt.args.from, await user.getAddress());
    assert.equal(await chain.provider.getBalance(await m.getAddress()), 9n * E18);
  });
});
