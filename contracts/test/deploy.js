'use strict';
// Deploys the root-chain side (TRON artifacts, evmVersion berlin) wired through the Registry.
const { ethers, deploy, send } = require('./helpers');

const E18 = 10n ** 18n;

async function deployRoot(owner, { withdrawalDelay = 2n } = {}) {
  const evm = 'berlin';
  const o = await owner.getAddress();
  const token = await deploy(owner, 'TestToken', ['Staking Token', 'STK', 10n ** 30n], evm);
  const registry = await deploy(owner, 'Registry', [o], evm);
  const logger = await deploy(owner, 'StakingInfo', [await registry.getAddress()], evm);
  const nft = await deploy(owner, 'StakingNFT', ['Validator', 'VAL', o], evm);
  const factory = await deploy(owner, 'ValidatorShareFactory', [], evm);
  const stakeManager = await deploy(
    owner,
    'StakeManager',
    [o, await registry.getAddress(), await token.getAddress(), await logger.getAddress(), await nft.getAddress(), await factory.getAddress()],
    evm,
  );
  await send(nft.transferOwnership(await stakeManager.getAddress()));
  const rootChain = await deploy(owner, 'RootChain', [o, await registry.getAddress(), 199n, true], evm);
  const stateSender = await deploy(owner, 'StateSender', [o], evm);
  const map = async (key, c) => send(registry.updateContractMap(ethers.id(key), await c.getAddress()));
  await map('stakeManager', stakeManager);
  await map('rootChain', rootChain);
  await map('stateSender', stateSender);
  await send(stakeManager.updateDynastyValue(withdrawalDelay));
  // fund checkpoint rewards
  await send(token.transfer(await stakeManager.getAddress(), 10n ** 27n));
  return { token, registry, logger, nft, factory, stakeManager, rootChain, stateSender };
}

/** Stakes `amount` for account `user` with validator key `key` (the user pays stake + 1 token fee). */
async function stake(root, user, key, amount = 100n * E18, acceptDelegation = false) {
  const t = root.token.connect(user);
  const sm = await root.stakeManager.getAddress();
  await send(t.approve(sm, amount + E18));
  return send(root.stakeManager.connect(user).stakeFor(await user.getAddress(), amount, E18, acceptDelegation, key.pubkey));
}

function events(receipt, contract, name) {
  const out = [];
  for (const l of receipt.logs) {
    try {
      const p = contract.interface.parseLog(l);
      if (p && p.name === name && l.address.toLowerCase() === contract.target.toLowerCase()) out.push(p);
    } catch (_) {
      /* other contract's log */
    }
  }
  return out;
}

module.exports = { deployRoot, stake, events, E18 };
