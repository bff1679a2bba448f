'use strict';
// Staking sync to ETH/BSC (PROTOCOL.md §4.3.4): StakeManager.validatorJoin / validatorExit /
// signerUpdate(bytes data, uint256[3][] sigs) replay a TRON staking change signed by more than
// 2/3 of the validators known on this chain; validatorNonce(id) follows the replayed nonce.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ethers, startChain, send, validatorKey, signAll, rejects } = require('./helpers');
const { deployRoot, stake, E18 } = require('./deploy');

const abi = ethers.AbiCoder.defaultAbiCoder();
// The side-sign bytes of the Delivery msgs (PROTOCOL.md §4.3.4), all words.
const joinData = (id, nonce, epoch, signer) =>
  abi.encode(['uint256', 'uint256', 'uint256', 'uint256', 'uint256', 'address'], [id, nonce, E18, epoch, 0, signer]);
const exitData = (id, nonce, epoch) => abi.encode(['uint256', 'uint256', 'uint256'], [id, nonce, epoch]);
const signerData = (id, nonce, signer) => abi.encode(['uint256', 'uint256', 'address'], [id, nonce, signer]);

describe('staking sync entry points (ETH/BSC StakeManager)', () => {
  let chain, root, sm, keys;

  before(async () => {
    chain = await startChain();
    root = await deployRoot(chain.accounts[0]);
    sm = root.stakeManager;
    keys = [1, 2, 3, 4, 5, 6].map(validatorKey);
    for (let i = 1; i <= 3; i++) {
      await send(root.token.transfer(await chain.accounts[i].getAddress(), 1000n * E18));
      await stake(root, chain.accounts[i], keys[i - 1]);
    }
  });
  after(async () => chain && chain.stop());

  it('selectors are upstream Delivery\'s', () => {
    assert.equal(sm.interface.getFunction('validatorJoin').selector, '0xd1fb3d90');
    assert.equal(sm.interface.getFunction('validatorExit').selector, '0xaa6cdb94');
    assert.equal(sm.interface.getFunction('signerUpdate').selector, '0xb3f958b9');
    assert.equal(sm.interface.getFunction('validatorNonce').selector, '0xebde9f93');
  });

  it('validatorNonce of a local stake is its StakingInfo nonce', async () => {
    assert.equal(await sm.validatorNonce(1n), 1n);
    assert.equal(await sm.validatorNonce(4n), 0n);
  });

  it('refuses a join signed by exactly 2/3 and by a non-validator', async () => {
    const d = joinData(4n, 1n, 5n, keys[3].address);
    await rejects(send(sm.validatorJoin(d, signAll(d, keys.slice(0, 2)))), /2\/3\+1 non-majority/);
    await rejects(send(sm.validatorJoin(d, signAll(d, [keys[0], keys[1], keys[5]]))), /2\/3\+1 non-majority/);
  });

  it('a join signed by 3 of 3 adds the validator and sets the nonce', async () => {
    const d = joinData(4n, 1n, 5n, keys[3].address);
    await send(sm.validatorJoin(d, signAll(d, keys.slice(0, 3))));
    assert.equal(await sm.validatorNonce(4n), 1n);
    assert.equal(await sm.signerToValidator(keys[3].address), 4n);
    assert.equal(await sm.isValidator(4n), true);
    assert.equal(await sm.currentValidatorSetSize(), 4n);
    assert.equal(await sm.NFTCounter(), 5n);
    // replayed: the nonce is not above validatorNonce any more
    await rejects(send(sm.validatorJoin(d, signAll(d, keys.slice(0, 3)))), /old nonce/);
  });

  it('the joined validator signs: 3 of 4 are enough, 2 of 4 are not', async () => {
    const d = signerData(4n, 2n, keys[4].address);
    await rejects(send(sm.signerUpdate(d, signAll(d, [keys[1], keys[3]]))), /2\/3\+1 non-majority/);
    await send(sm.signerUpdate(d, signAll(d, [keys[1], keys[2], keys[3]])));
    assert.equal(await sm.validatorNonce(4n), 2n);
    assert.equal(await sm.signerToValidator(keys[4].address), 4n);
    assert.equal((await sm.validators(4n)).signer, keys[4].address);
    assert.notEqual(await sm.signerToValidator(keys[3].address), 4n);
  });

  it('a signer update to a signer in use is refused', async () => {
    const d = signerData(4n, 3n, keys[0].address);
    await rejects(send(sm.signerUpdate(d, signAll(d, keys.slice(0, 3)))), /Invalid signer/);
  });

  it('an exit takes the validator out at the next local epoch', async () => {
    const d = exitData(2n, 2n, 9n);
    await send(sm.validatorExit(d, signAll(d, [keys[0], keys[1], keys[2]])));
    assert.equal(await sm.validatorNonce(2n), 2n);
    const epoch = await sm.currentEpoch();
    assert.equal((await sm.validators(2n)).deactivationEpoch, epoch + 1n);
    assert.equal(await sm.isValidator(2n), true); // still this epoch
    await rejects(send(sm.validatorExit(d, signAll(d, keys.slice(0, 3)))), /old nonce/);
    const d2 = exitData(2n, 3n, 9n);
    await rejects(send(sm.validatorExit(d2, signAll(d2, keys.slice(0, 3)))), /not a validator/);
  });

  it('an exit of an unknown validator and a join of a known id are refused', async () => {
    const d = exitData(7n, 1n, 9n);
    await rejects(send(sm.validatorExit(d, signAll(d, keys.slice(0, 3)))), /not a validator/);
    const j = joinData(1n, 5n, 9n, keys[5].address);
    await rejects(send(sm.validatorJoin(j, signAll(j, keys.slice(0, 3)))), /validator exists/);
  });
});
