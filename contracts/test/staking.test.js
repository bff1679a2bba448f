'use strict';
// Staking, delegation and checkpoint submission on the root-chain contracts (issue 8 scenarios).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ethers, startChain, send, validatorKey, checkpointData, signAll, sortedKeys, rejects } = require('./helpers');
const { deployRoot, stake, events, E18 } = require('./deploy');

const ROOT = ethers.id('some checkpoint root');

describe('staking and checkpoints', () => {
  let chain, root, owner, keys;
  let nextStart = 0n;

  before(async () => {
    chain = await startChain();
    owner = chain.accounts[0];
    root = await deployRoot(owner);
    keys = [1, 2, 3, 4, 5].map(validatorKey);
    for (let i = 1; i <= 5; i++) await send(root.token.transfer(await chain.accounts[i].getAddress(), 1000n * E18));
  });
  after(async () => chain && chain.stop());

  async function submit(keysToSign, opts = {}) {
    const proposer = opts.proposer || sortedKeys(keysToSign)[0].address;
    const epoch = opts.epoch !== undefined ? opts.epoch : await root.stakeManager.epoch();
    const start = opts.start !== undefined ? opts.start : nextStart;
    const end = start + 255n;
    const data = checkpointData({ proposer, start, end, root: ROOT, chainId: opts.chainId, epoch });
    let sigs = signAll(data, keysToSign, { sort: !opts.unsorted });
    if (opts.unsorted) sigs = [sigs[sigs.length - 1], ...sigs.slice(0, -1)];
    if (opts.dup) sigs = [sigs[0], ...sigs];
    const rc = await send(root.rootChain.submitCheckpoint(data, sigs));
    nextStart = end + 1n;
    return rc;
  }

  it('stakes three validators and logs Staked with upstream fields', async () => {
    for (let i = 0; i < 3; i++) {
      const rc = await stake(root, chain.accounts[i + 1], keys[i], 100n * E18, i === 0);
      const [ev] = events(rc, root.logger, 'Staked');
      assert.equal(ev.args.signer, keys[i].address);
      assert.equal(ev.args.validatorId, BigInt(i + 1));
      assert.equal(ev.args.nonce, 1n);
      assert.equal(ev.args.activationEpoch, 1n);
      assert.equal(ev.args.amount, 100n * E18);
      assert.equal(ev.args.signerPubkey, keys[i].pubkey);
      assert.equal(events(rc, root.logger, 'TopUpFee').length, 1);
    }
    assert.equal(await root.stakeManager.currentValidatorSetSize(), 3n);
    assert.equal(await root.nft.ownerOf(2n), await chain.accounts[2].getAddress());
    assert.equal(await root.stakeManager.signerToValidator(keys[2].address), 3n);
    assert.equal(await root.logger.validatorNonce(1n), 1n);
  });

  it('rejects a checkpoint signed by exactly 2/3 of the validators', async () => {
    await rejects(submit(keys.slice(0, 2)), /2\/3\+1 non-majority/);
  });

  it('rejects a duplicated signer', async () => {
    await rejects(submit(keys.slice(0, 2), { dup: true }), /2\/3\+1 non-majority/);
  });

  it('rejects signatures not sorted by signer', async () => {
    await rejects(submit(keys.slice(0, 3), { unsorted: true }), /2\/3\+1 non-majority/);
  });

  it('rejects a wrong Bttc chain id or epoch in the data', async () => {
    await rejects(submit(keys.slice(0, 3), { chainId: 200n }), /Invalid bor chain id/);
    await rejects(submit(keys.slice(0, 3), { epoch: 7n }), /Invalid epoch/);
  });

  it('accepts > 2/3 and stores header blocks at ids stepping by 10000', async () => {
    assert.equal(await root.rootChain.currentHeaderBlock(), 0n);
    const rc = await submit(keys.slice(0, 3));
    const [ev] = events(rc, root.rootChain, 'NewHeaderBlock');
    assert.equal(ev.args.headerBlockId, 10000n);
    assert.equal(ev.args.start, 0n);
    assert.equal(ev.args.end, 255n);
    assert.equal(ev.args.root, ROOT);
    assert.ok(ev.args.reward > 0n);
    const hb = await root.rootChain.headerBlocks(10000n);
    assert.equal(hb.root, ROOT);
    assert.equal(hb.end, 255n);
    assert.equal(await root.rootChain.currentHeaderBlock(), 10000n);
    assert.equal(await root.rootChain.getLastChildBlock(), 255n);
    assert.equal(await root.stakeManager.epoch(), 2n);
    // a gap or overlap is refused, the continuation gets id 20000
    await rejects(submit(keys.slice(0, 3), { start: 300n }), /INCORRECT_HEADER_DATA/);
    const rc2 = await submit(keys.slice(0, 3));
    assert.equal(events(rc2, root.rootChain, 'NewHeaderBlock')[0].args.headerBlockId, 20000n);
    assert.equal((await root.rootChain.headerBlocks(20000n)).start, 256n);
  });

  it('counts a fourth validator: 3 of 4 pass, 2 of 4 fail', async () => {
    await stake(root, chain.accounts[4], keys[3]);
    assert.equal(await root.stakeManager.currentValidatorSetSize(), 4n);
    await rejects(submit([keys[0], keys[3]]), /2\/3\+1 non-majority/);
    await submit([keys[0], keys[1], keys[3]]);
  });

  it('delegates through the validator share: buy, rewards, sell, claim after the delay', async () => {
    const delegator = chain.accounts[6];
    const d = await delegator.getAddress();
    await send(root.token.transfer(d, 500n * E18));
    const shareAddr = await root.stakeManager.getValidatorContract(1n);
    assert.notEqual(shareAddr, ethers.ZeroAddress);
    const share = new ethers.Contract(shareAddr, require('./helpers').artifact('ValidatorShare', 'berlin').abi, delegator);
    await send(root.token.connect(delegator).approve(await root.stakeManager.getAddress(), 200n * E18));
    const rc = await send(share.buyVoucher(200n * E18, 200n * E18));
    const [minted] = events(rc, root.logger, 'ShareMinted');
    assert.equal(minted.args.user, d);
    assert.equal(minted.args.amount, 200n * E18);
    assert.equal(await share.balanceOf(d), 200n * E18);
    assert.equal(await root.stakeManager.delegatedAmount(1n), 200n * E18);

    await submit(keys.slice(0, 4));
    const pending = await share.getLiquidRewards(d);
    assert.ok(pending > 0n, 'delegator earns part of the checkpoint reward');

    const before = await root.token.balanceOf(d);
    const rs = await send(share.sellVoucher_new(150n * E18, 150n * E18));
    assert.equal(events(rs, root.logger, 'ShareBurned')[0].args.amount, 150n * E18);
    assert.equal(await root.token.balanceOf(d), before + pending, 'selling pays the pending reward');
    assert.equal(await share.unbondNonces(d), 1n);
    assert.equal(await root.stakeManager.delegatedAmount(1n), 50n * E18);
    await rejects(send(share.unstakeClaimTokens_new(1n)), /Incomplete withdrawal period/);
    await submit(keys.slice(0, 4));
    await submit(keys.slice(0, 4));
    const rcl = await send(share.unstakeClaimTokens_new(1n));
    assert.equal(events(rcl, root.logger, 'DelegatorUnstaked')[0].args.amount, 150n * E18);
    assert.equal(await root.token.balanceOf(d), before + pending + 150n * E18);
    await rejects(send(share.unstakeClaimTokens_new(1n)), /Incomplete withdrawal period/);
  });

  it('unstakes: leaves the set at the next epoch, claims after the withdrawal delay', async () => {
    const user = chain.accounts[4];
    const id = 4n;
    const rc = await send(root.stakeManager.connect(user).unstake(id));
    const [ev] = events(rc, root.logger, 'UnstakeInit');
    const epoch = await root.stakeManager.epoch();
    assert.equal(ev.args.validatorId, id);
    assert.equal(ev.args.deactivationEpoch, epoch + 1n);
    assert.equal(ev.args.nonce, 2n);
    assert.equal(await root.stakeManager.currentValidatorSetSize(), 4n);
    await rejects(send(root.stakeManager.connect(user).unstakeClaim(id)), /not claimable/);
    await submit(keys.slice(0, 3));
    assert.equal(await root.stakeManager.currentValidatorSetSize(), 3n);
    // the leaving validator's signature no longer counts
    await rejects(submit([keys[0], keys[3]]), /2\/3\+1 non-majority/);
    await submit(keys.slice(0, 3));
    await submit(keys.slice(0, 3));
    const bal = await root.token.balanceOf(await user.getAddress());
    const rcc = await send(root.stakeManager.connect(user).unstakeClaim(id));
    const [un] = events(rcc, root.logger, 'Unstaked');
    assert.equal(un.args.amount, 100n * E18);
    assert.ok((await root.token.balanceOf(await user.getAddress())) >= bal + 100n * E18);
    await assert.rejects(root.nft.ownerOf(id));
  });

  it('updates a signer (SignerChange) and syncs an ETH checkpoint (CheckpointSyncAck)', async () => {
    await send(root.stakeManager.updateSignerUpdateLimit(0n));
    const user = chain.accounts[3];
    const rc = await send(root.stakeManager.connect(user).updateSigner(3n, keys[4].pubkey));
    const [ev] = events(rc, root.logger, 'SignerChange');
    assert.equal(ev.args.oldSigner, keys[2].address);
    assert.equal(ev.args.newSigner, keys[4].address);
    const active = [keys[0], keys[1], keys[4]];
    const c = ethers.AbiCoder.defaultAbiCoder();
    const data = c.encode(['address', 'uint256', 'uint256', 'uint256', 'uint256'], [keys[0].address, 0n, 255n, 1n, 2n]);
    const rs = await send(root.stakeManager.submitCheckpointSync(data, signAll(data, active)));
    const [ack] = events(rs, root.logger, 'CheckpointSyncAck');
    assert.equal(ack.args.checkpointId, 1n);
    assert.equal(ack.args.chainId, 2n);
    assert.equal(await root.stakeManager.getCurrentSyncedCheckpoint(2n), 1n);
    await rejects(send(root.stakeManager.submitCheckpointSync(data, signAll(data, active))), /INCORRECT_HEADER_DATA/);
    // the old key no longer signs
    await rejects(submit([keys[0], keys[1], keys[2]]), /2\/3\+1 non-majority/);
  });
});
