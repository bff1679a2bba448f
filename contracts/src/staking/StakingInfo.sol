// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Registry} from "../common/Registry.sol";
import {IStakeManager} from "./IStakeManager.sol";

/// @title StakingInfo
/// @notice The single emitter of staking events that Delivery follows (PROTOCOL.md §4.3.2, §4.7,
///         §5.2). Event signatures and indexed fields are BTTC's. Per-validator `validatorNonce`
///         counts join / exit / signer-change events so Delivery can order them.
contract StakingInfo {
    Registry public registry;
    mapping(uint256 => uint256) public validatorNonce;

    event Staked(
        address indexed signer,
        uint256 indexed validatorId,
        uint256 nonce,
        uint256 indexed activationEpoch,
        uint256 amount,
        uint256 total,
        bytes signerPubkey
    );
    event Unstaked(address indexed user, uint256 indexed validatorId, uint256 amount, uint256 total);
    event UnstakeInit(
        address indexed user,
        uint256 indexed validatorId,
        uint256 nonce,
        uint256 deactivationEpoch,
        uint256 indexed amount
    );
    event SignerChange(
        uint256 indexed validatorId,
        uint256 nonce,
        address indexed oldSigner,
        address indexed newSigner,
        bytes signerPubkey
    );
    event Restaked(uint256 indexed validatorId, uint256 amount, uint256 total);
    event Jailed(uint256 indexed validatorId, uint256 indexed exitEpoch, address indexed signer);
    event UnJailed(uint256 indexed validatorId, address indexed signer);
    event Slashed(uint256 indexed nonce, uint256 indexed amount);
    event ThresholdChange(uint256 newThreshold, uint256 oldThreshold);
    event DynastyValueChange(uint256 newDynasty, uint256 oldDynasty);
    event ProposerBonusChange(uint256 newProposerBonus, uint256 oldProposerBonus);
    event RewardUpdate(uint256 newReward, uint256 oldReward);
    event StakeUpdate(uint256 indexed validatorId, uint256 indexed newAmount);
    event ClaimRewards(uint256 indexed validatorId, uint256 indexed amount, uint256 indexed totalAmount);
    event TopUpFee(address indexed user, uint256 indexed fee);
    event ClaimFee(address indexed user, uint256 indexed fee);
    event ShareMinted(uint256 indexed validatorId, address indexed user, uint256 indexed amount, uint256 tokens);
    event ShareBurned(uint256 indexed validatorId, address indexed user, uint256 indexed amount, uint256 tokens);
    event DelegatorClaimedRewards(uint256 indexed validatorId, address indexed user, uint256 indexed rewards);
    event DelegatorRestaked(uint256 indexed validatorId, address indexed user, uint256 indexed totalStaked);
    event DelegatorUnstaked(uint256 indexed validatorId, address indexed user, uint256 amount);
    event CheckpointSyncAck(
        address indexed proposer,
        uint256 indexed chainId,
        uint256 indexed checkpointId,
        uint256 start,
        uint256 end
    );

    constructor(address registry_) {
        registry = Registry(registry_);
    }

    modifier onlyStakeManager() {
        require(msg.sender == registry.getStakeManagerAddress(), "Invalid sender, not stake manager");
        _;
    }

    /// Callers allowed for delegation events: the stake manager or the validator's share contract.
    modifier stakeManagerOrValidatorContract(uint256 validatorId) {
        address sm = registry.getStakeManagerAddress();
        require(
            msg.sender == sm || IStakeManager(sm).getValidatorContract(validatorId) == msg.sender,
            "Invalid sender, not stake manager or validator contract"
        );
        _;
    }

    function logStaked(
        address signer,
        bytes calldata signerPubkey,
        uint256 validatorId,
        uint256 activationEpoch,
        uint256 amount,
        uint256 total
    ) external onlyStakeManager {
        uint256 nonce = ++validatorNonce[validatorId];
        emit Staked(signer, validatorId, nonce, activationEpoch, amount, total, signerPubkey);
    }

    function logUnstaked(address user, uint256 validatorId, uint256 amount, uint256 total) external onlyStakeManager {
        emit Unstaked(user, validatorId, amount, total);
    }

    function logUnstakeInit(address user, uint256 validatorId, uint256 deactivationEpoch, uint256 amount)
        external
        onlyStakeManager
    {
        uint256 nonce = ++validatorNonce[validatorId];
        emit UnstakeInit(user, validatorId, nonce, deactivationEpoch, amount);
    }

    function logSignerChange(uint256 validatorId, address oldSigner, address newSigner, bytes calldata signerPubkey)
        external
        onlyStakeManager
    {
        uint256 nonce = ++validatorNonce[validatorId];
        emit SignerChange(validatorId, nonce, oldSigner, newSigner, signerPubkey);
    }

    function logRestaked(uint256 validatorId, uint256 amount, uint256 total) external onlyStakeManager {
        emit Restaked(validatorId, amount, total);
    }

    function logThresholdChange(uint256 newThreshold, uint256 oldThreshold) external onlyStakeManager {
        emit ThresholdChange(newThreshold, oldThreshold);
    }

    function logDynastyValueChange(uint256 newDynasty, uint256 oldDynasty) external onlyStakeManager {
        emit DynastyValueChange(newDynasty, oldDynasty);
    }

    function logProposerBonusChange(uint256 newBonus, uint256 oldBonus) external onlyStakeManager {
        emit ProposerBonusChange(newBonus, oldBonus);
    }

    function logRewardUpdate(uint256 newReward, uint256 oldReward) external onlyStakeManager {
        emit RewardUpdate(newReward, oldReward);
    }

    function logStakeUpdate(uint256 validatorId, uint256 newAmount)
        external
        stakeManagerOrValidatorContract(validatorId)
    {
        emit StakeUpdate(validatorId, newAmount);
    }

    function logClaimRewards(uint256 validatorId, uint256 amount, uint256 totalAmount) external onlyStakeManager {
        emit ClaimRewards(validatorId, amount, totalAmount);
    }

    function logTopUpFee(address user, uint256 fee) external onlyStakeManager {
        emit TopUpFee(user, fee);
    }

    function logShareMinted(uint256 validatorId, address user, uint256 amount, uint256 tokens)
        external
        stakeManagerOrValidatorContract(validatorId)
    {
        emit ShareMinted(validatorId, user, amount, tokens);
    }

    function logShareBurned(uint256 validatorId, address user, uint256 amount, uint256 tokens)
        external
        stakeManagerOrValidatorContract(validatorId)
    {
        emit ShareBurned(validatorId, user, amount, tokens);
    }

    function logDelegatorClaimRewards(uint256 validatorId, address user, uint256 rewards)
        external
        stakeManagerOrValidatorContract(validatorId)
    {
        emit DelegatorClaimedRewards(validatorId, user, rewards);
    }

    function logDelegatorRestaked(uint256 validatorId, address user, uint256 totalStaked)
        external
        stakeManagerOrValidatorContract(validatorId)
    {
        emit DelegatorRestaked(validatorId, user, totalStaked);
    }

    function logDelegatorUnstaked(uint256 validatorId, address user, uint256 amount)
        external
        stakeManagerOrValidatorContract(validatorId)
    {
        emit DelegatorUnstaked(validatorId, user, amount);
    }

    function logCheckpointAck(address proposer, uint256 chainId, uint256 checkpointId, uint256 start, uint256 end)
        external
        onlyStakeManager
    {
        emit CheckpointSyncAck(proposer, chainId, checkpointId, start, end);
    }
}
