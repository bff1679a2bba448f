// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Registry} from "../common/Registry.sol";
import {ECVerify} from "../common/ECVerify.sol";
import {StakingInfo} from "./StakingInfo.sol";
import {StakingNFT} from "./StakingNFT.sol";
import {ValidatorShareFactory} from "./ValidatorShareFactory.sol";

/// @title StakeManager
/// @notice Validator staking on the staking root chain (TRON) and the checkpoint signature check
///         (PROTOCOL.md §4.6.6, §4.7, §5.2). A validator stakes for a signer key and receives the
///         position NFT; its power in Delivery is 1 (PROTOCOL.md §4.3.2), so a checkpoint needs
///         signatures of ⌊2n/3⌋+1 distinct active validators, sorted by signer address.
///         Unstaking takes effect at the next epoch (= checkpoint) and the stake can be claimed
///         `WITHDRAWAL_DELAY` epochs later. Delegation goes through one ValidatorShare per validator.
contract StakeManager is Ownable {
    using SafeERC20 for IERC20;

    enum Status {
        Inactive,
        Active,
        Locked,
        Unstaked
    }

    struct Validator {
        uint256 amount;
        uint256 reward;
        uint256 activationEpoch;
        uint256 deactivationEpoch;
        uint256 jailTime;
        address signer;
        address contractAddress;
        Status status;
        uint256 commissionRate;
        uint256 lastCommissionUpdate;
        uint256 delegatorsReward;
        uint256 delegatedAmount;
        uint256 initialRewardPerStake;
    }

    struct State {
        int256 amount;
        int256 stakerCount;
    }

    uint256 internal constant INCORRECT_VALIDATOR_ID = type(uint256).max;
    uint256 public constant MAX_PROPOSER_BONUS = 100;

    IERC20 public token;
    Registry public registry;
    StakingInfo public logger;
    StakingNFT public NFTContract;
    ValidatorShareFactory public validatorShareFactory;

    uint256 public currentEpoch = 1;
    uint256 public WITHDRAWAL_DELAY = 80;
    uint256 public dynasty = 80;
    uint256 public validatorThreshold = 7;
    uint256 public minDeposit = 1e18;
    uint256 public minHeimdallFee = 1e18;
    uint256 public CHECKPOINT_REWARD = 20188 * 1e18;
    uint256 public checkPointBlockInterval = 1024;
    uint256 public proposerBonus = 10;
    uint256 public signerUpdateLimit = 100;
    bool public delegationEnabled = true;

    uint256 public NFTCounter = 1;
    uint256 public totalStaked;
    uint256 public totalRewards;
    uint256 public totalRewardsLiquidated;
    uint256 public totalHeimdallFee;
    bytes32 public accountStateRoot;

    mapping(uint256 => Validator) public validators;
    mapping(address => uint256) public signerToValidator;
    mapping(uint256 => uint256) public latestSignerUpdateEpoch;
    State public validatorState;
    mapping(uint256 => State) public validatorStateChanges;
    /// Checkpoint-sync progress per non-staking root chain (PROTOCOL.md §4.7).
    mapping(uint256 => uint256) public currentHeaderBlockId;
    /// Nonce of the last staking change replayed here from the staking chain (ETH/BSC, §4.3.4).
    mapping(uint256 => uint256) internal syncedNonce;

    constructor(
        address owner_,
        address registry_,
        address token_,
        address logger_,
        address nft_,
        address shareFactory_
    ) Ownable(owner_) {
        registry = Registry(registry_);
        token = IERC20(token_);
        logger = StakingInfo(logger_);
        NFTContract = StakingNFT(nft_);
        validatorShareFactory = ValidatorShareFactory(shareFactory_);
    }

    modifier onlyStaker(uint256 validatorId) {
        require(NFTContract.ownerOf(validatorId) == msg.sender, "not staker");
        _;
    }

    modifier onlyDelegation(uint256 validatorId) {
        require(validators[validatorId].contractAddress == msg.sender, "Invalid contract address");
        _;
    }

    // ---------------------------------------------------------------- views

    function epoch() external view returns (uint256) {
        return currentEpoch;
    }

    function withdrawalDelay() external view returns (uint256) {
        return WITHDRAWAL_DELAY;
    }

    function validatorStake(uint256 validatorId) external view returns (uint256) {
        return validators[validatorId].amount;
    }

    function delegatedAmount(uint256 validatorId) external view returns (uint256) {
        return validators[validatorId].delegatedAmount;
    }

    function delegatorsReward(uint256 validatorId) external view returns (uint256) {
        return validators[validatorId].delegatorsReward;
    }

    function validatorReward(uint256 validatorId) external view returns (uint256) {
        return validators[validatorId].reward;
    }

    function getValidatorId(address user) external view returns (uint256) {
        return NFTContract.tokenOfOwnerByIndex(user, 0);
    }

    function getValidatorContract(uint256 validatorId) external view returns (address) {
        return validators[validatorId].contractAddress;
    }

    function ownerOf(uint256 tokenId) external view returns (address) {
        return NFTContract.ownerOf(tokenId);
    }

    function currentValidatorSetSize() public view returns (uint256) {
        return uint256(validatorState.stakerCount);
    }

    function currentValidatorSetTotalStake() external view returns (uint256) {
        return uint256(validatorState.amount);
    }

    function isValidator(uint256 validatorId) public view returns (bool) {
        Validator storage v = validators[validatorId];
        return _isValidator(v.status, v.amount, v.deactivationEpoch, currentEpoch);
    }

    /// @notice Nonce of the validator's last staking change known here: the staking chain's own
    ///         count (StakingInfo) or the last one replayed by the staking sync, whichever is
    ///         higher. Delivery compares it with its queue head (PROTOCOL.md §4.3.4).
    function validatorNonce(uint256 validatorId) public view returns (uint256) {
        uint256 own = logger.validatorNonce(validatorId);
        uint256 synced = syncedNonce[validatorId];
        return synced > own ? synced : own;
    }

    function getCurrentSyncedCheckpoint(uint256 chainId) external view returns (uint256) {
        return currentHeaderBlockId[chainId];
    }

    function totalStakedFor(address user) external view returns (uint256) {
        if (user == address(0) || NFTContract.balanceOf(user) == 0) return 0;
        return validators[NFTContract.tokenOfOwnerByIndex(user, 0)].amount;
    }

    // ---------------------------------------------------------------- governance

    function updateValidatorThreshold(uint256 newThreshold) external onlyOwner {
        require(newThreshold != 0);
        logger.logThresholdChange(newThreshold, validatorThreshold);
        validatorThreshold = newThreshold;
    }

    function updateDynastyValue(uint256 newDynasty) external onlyOwner {
        require(newDynasty > 0);
        logger.logDynastyValueChange(newDynasty, dynasty);
        dynasty = newDynasty;
        WITHDRAWAL_DELAY = newDynasty;
    }

    function updateCheckpointReward(uint256 newReward) external onlyOwner {
        require(newReward != 0);
        logger.logRewardUpdate(newReward, CHECKPOINT_REWARD);
        CHECKPOINT_REWARD = newReward;
    }

    function updateCheckPointBlockInterval(uint256 blocks) external onlyOwner {
        require(blocks != 0);
        checkPointBlockInterval = blocks;
    }

    function updateProposerBonus(uint256 newProposerBonus) external onlyOwner {
        require(newProposerBonus <= MAX_PROPOSER_BONUS, "too big");
        logger.logProposerBonusChange(newProposerBonus, proposerBonus);
        proposerBonus = newProposerBonus;
    }

    function updateSignerUpdateLimit(uint256 limit) external onlyOwner {
        signerUpdateLimit = limit;
    }

    function updateMinAmounts(uint256 minDeposit_, uint256 minHeimdallFee_) external onlyOwner {
        minDeposit = minDeposit_;
        minHeimdallFee = minHeimdallFee_;
    }

    function setDelegationEnabled(bool enabled) external onlyOwner {
        delegationEnabled = enabled;
    }

    function setCurrentEpoch(uint256 epoch_) external onlyOwner {
        currentEpoch = epoch_;
    }

    function forceUnstake(uint256 validatorId) external onlyOwner {
        require(validators[validatorId].deactivationEpoch == 0, "already unstaked");
        _unstake(validatorId, currentEpoch);
    }

    // ---------------------------------------------------------------- validators

    /// @notice Stakes `amount` for `user` with signer key `signerPubkey` (64 bytes, no 0x04)
    ///         and tops up `heimdallFee` of Delivery fees; the caller pays both.
    function stakeFor(
        address user,
        uint256 amount,
        uint256 heimdallFee,
        bool acceptDelegation,
        bytes calldata signerPubkey
    ) external {
        require(currentValidatorSetSize() < validatorThreshold, "no more slots");
        require(amount >= minDeposit, "not enough deposit");
        address signer = _signerOf(signerPubkey);
        require(signerToValidator[signer] == 0 || signerToValidator[signer] == INCORRECT_VALIDATOR_ID, "Invalid signer");
        _transferAndTopUp(signer, msg.sender, heimdallFee, amount);

        uint256 id = NFTCounter++;
        Validator storage v = validators[id];
        v.amount = amount;
        v.activationEpoch = currentEpoch;
        v.signer = signer;
        v.status = Status.Active;
        if (acceptDelegation) {
            v.contractAddress = validatorShareFactory.create(id, address(logger), address(registry));
        }
        NFTContract.mint(user, id);
        signerToValidator[signer] = id;
        _updateTimeline(int256(amount), 1, 0);
        totalStaked += amount;
        logger.logStaked(signer, signerPubkey, id, currentEpoch, amount, totalStaked);
    }

    /// @notice Adds `amount` to the validator's own stake (and optionally its pending rewards).
    function restake(uint256 validatorId, uint256 amount, bool stakeRewards) external onlyStaker(validatorId) {
        Validator storage v = validators[validatorId];
        require(v.deactivationEpoch == 0, "No restaking");
        if (amount > 0) token.safeTransferFrom(msg.sender, address(this), amount);
        if (stakeRewards) {
            amount += v.reward;
            v.reward = 0;
        }
        v.amount += amount;
        totalStaked += amount;
        _updateTimeline(int256(amount), 0, 0);
        logger.logStakeUpdate(validatorId, v.amount);
        logger.logRestaked(validatorId, v.amount, totalStaked);
    }

    /// @notice Leaves the validator set from the next epoch on (UnstakeInit).
    function unstake(uint256 validatorId) external onlyStaker(validatorId) {
        Validator storage v = validators[validatorId];
        require(v.activationEpoch > 0 && v.deactivationEpoch == 0 && v.status == Status.Active, "cannot unstake");
        _unstake(validatorId, currentEpoch + 1);
    }

    /// @notice Returns the stake and rewards once `WITHDRAWAL_DELAY` epochs have passed.
    function unstakeClaim(uint256 validatorId) external onlyStaker(validatorId) {
        Validator storage v = validators[validatorId];
        require(
            v.deactivationEpoch > 0 && v.deactivationEpoch + WITHDRAWAL_DELAY <= currentEpoch
                && v.status != Status.Unstaked,
            "not claimable"
        );
        uint256 amount = v.amount;
        totalStaked -= amount;
        _liquidateRewards(validatorId, msg.sender);
        NFTContract.burn(validatorId);
        signerToValidator[v.signer] = INCORRECT_VALIDATOR_ID;
        v.amount = 0;
        v.signer = address(0);
        v.status = Status.Unstaked;
        token.safeTransfer(msg.sender, amount);
        logger.logUnstaked(msg.sender, validatorId, amount, totalStaked);
    }

    function withdrawRewards(uint256 validatorId) external onlyStaker(validatorId) {
        _liquidateRewards(validatorId, msg.sender);
    }

    /// @notice Replaces the validator's signer key (SignerChange).
    function updateSigner(uint256 validatorId, bytes calldata signerPubkey) external onlyStaker(validatorId) {
        address signer = _signerOf(signerPubkey);
        require(signerToValidator[signer] == 0 || signerToValidator[signer] == INCORRECT_VALIDATOR_ID, "Invalid signer");
        require(currentEpoch >= latestSignerUpdateEpoch[validatorId] + signerUpdateLimit, "Not allowed");
        Validator storage v = validators[validatorId];
        require(v.deactivationEpoch == 0, "already unstaked");
        address old = v.signer;
        logger.logSignerChange(validatorId, old, signer, signerPubkey);
        signerToValidator[old] = INCORRECT_VALIDATOR_ID;
        signerToValidator[signer] = validatorId;
        v.signer = signer;
        latestSignerUpdateEpoch[validatorId] = currentEpoch;
    }

    /// @notice Tops up Delivery fees of `user` (TopUpFee).
    function topUpForFee(address user, uint256 heimdallFee) external {
        _transferAndTopUp(user, msg.sender, heimdallFee, 0);
    }

    // ---------------------------------------------------------------- delegation hooks

    function delegationDeposit(uint256 validatorId, uint256 amount, address delegator)
        external
        onlyDelegation(validatorId)
        returns (bool)
    {
        token.safeTransferFrom(delegator, address(this), amount);
        return true;
    }

    function transferFunds(uint256 validatorId, uint256 amount, address delegator)
        external
        onlyDelegation(validatorId)
        returns (bool)
    {
        token.safeTransfer(delegator, amount);
        return true;
    }

    /// @notice Share buy (amount > 0) or sell (amount < 0) of a validator's delegation pool.
    function updateValidatorState(uint256 validatorId, int256 amount) external onlyDelegation(validatorId) {
        Validator storage v = validators[validatorId];
        if (amount > 0) {
            require(delegationEnabled, "Delegation is disabled");
            require(v.deactivationEpoch == 0, "Validator is unstaking");
            v.delegatedAmount += uint256(amount);
        } else {
            v.delegatedAmount -= uint256(-amount);
        }
        if (v.deactivationEpoch == 0) _updateTimeline(amount, 0, 0);
    }

    /// @notice Hands the delegators' accumulated reward to the share contract (kept here as tokens).
    function withdrawDelegatorsReward(uint256 validatorId) external onlyDelegation(validatorId) returns (uint256 r) {
        r = validators[validatorId].delegatorsReward;
        validators[validatorId].delegatorsReward = 0;
    }

    // ---------------------------------------------------------------- checkpoints

    /// @notice Verifies the checkpoint signatures for RootChain and advances the epoch.
    ///         Returns the reward distributed to the signers (never 0 on success).
    function checkSignatures(
        uint256 blockInterval,
        bytes32 voteHash,
        bytes32 stateRoot,
        address proposer,
        uint256[3][] calldata sigs
    ) external returns (uint256) {
        require(msg.sender == registry.getRootChainAddress(), "Only root chain");
        uint256 reward = _checkSignaturesAndReward(blockInterval, voteHash, proposer, sigs);
        accountStateRoot = stateRoot;
        _finalizeCommit();
        return reward;
    }

    /// @notice Records that checkpoint `checkpointId` of root chain `chainId` (ETH/BSC) was
    ///         accepted there, on the validators' signatures (PROTOCOL.md §4.7).
    function submitCheckpointSync(bytes calldata data, uint256[3][] calldata sigs) external {
        (address proposer, uint256 start, uint256 end, uint256 checkpointId, uint256 chainId) =
            abi.decode(data, (address, uint256, uint256, uint256, uint256));
        require(currentHeaderBlockId[chainId] + 1 == checkpointId, "INCORRECT_HEADER_DATA");
        require(end >= start, "INCORRECT_HEADER_DATA");
        _checkSignaturesAndReward(end - start + 1, keccak256(abi.encodePacked(hex"01", data)), proposer, sigs);
        currentHeaderBlockId[chainId] = checkpointId;
        logger.logCheckpointAck(proposer, chainId, checkpointId, start, end);
    }

    // ---------------------------------------------------------------- staking sync (ETH/BSC)
    // Delivery replays each TRON join, exit and signer change here with the side-tx signatures
    // of the original Delivery msg: `data` is that msg's side-sign bytes, signed as
    // keccak256(0x01 ‖ data) by more than 2/3 of the validators known here (PROTOCOL.md §4.1,
    // §4.3.4). Each call must carry a nonce above validatorNonce(id); the validator is then
    // mirrored without stake tokens (amount is the fixed 10^18 of the msg) or NFT.

    /// @notice Mirrors a join: data = (id, nonce, amount, activationEpoch, _, signer) words.
    ///         The validator counts here from now on (epochs differ between root chains).
    function validatorJoin(bytes calldata data, uint256[3][] calldata sigs) external {
        (uint256 id, uint256 nonce, uint256 amount, uint256 activationEpoch,, address signer) =
            abi.decode(data, (uint256, uint256, uint256, uint256, uint256, address));
        _acceptSync(id, nonce, data, sigs);
        require(id != 0 && id != INCORRECT_VALIDATOR_ID && amount > 0, "invalid join");
        require(validators[id].status == Status.Inactive, "validator exists");
        require(signer != address(0), "Invalid signer");
        require(signerToValidator[signer] == 0 || signerToValidator[signer] == INCORRECT_VALIDATOR_ID, "Invalid signer");
        Validator storage v = validators[id];
        v.amount = amount;
        v.activationEpoch = activationEpoch;
        v.signer = signer;
        v.status = Status.Active;
        signerToValidator[signer] = id;
        if (NFTCounter <= id) NFTCounter = id + 1; // a later local stake must not reuse the id
        _updateTimeline(int256(amount), 1, 0);
    }

    /// @notice Mirrors an exit: data = (id, nonce, deactivationEpoch) words. The validator
    ///         leaves the set here when the next local epoch begins.
    function validatorExit(bytes calldata data, uint256[3][] calldata sigs) external {
        (uint256 id, uint256 nonce,) = abi.decode(data, (uint256, uint256, uint256));
        _acceptSync(id, nonce, data, sigs);
        Validator storage v = validators[id];
        require(v.status == Status.Active && v.deactivationEpoch == 0, "not a validator");
        v.deactivationEpoch = currentEpoch + 1;
        _updateTimeline(-int256(v.amount + v.delegatedAmount), -1, currentEpoch + 1);
    }

    /// @notice Mirrors a signer change: data = (id, nonce, newSigner) words.
    function signerUpdate(bytes calldata data, uint256[3][] calldata sigs) external {
        (uint256 id, uint256 nonce, address signer) = abi.decode(data, (uint256, uint256, address));
        _acceptSync(id, nonce, data, sigs);
        Validator storage v = validators[id];
        require(v.status == Status.Active, "not a validator");
        require(signer != address(0), "Invalid signer");
        require(signerToValidator[signer] == 0 || signerToValidator[signer] == INCORRECT_VALIDATOR_ID, "Invalid signer");
        signerToValidator[v.signer] = INCORRECT_VALIDATOR_ID;
        signerToValidator[signer] = id;
        v.signer = signer;
    }

    // ---------------------------------------------------------------- internals

    /// @dev A replayed staking change: newer than what is known here, signed by more than 2/3.
    function _acceptSync(uint256 id, uint256 nonce, bytes calldata data, uint256[3][] calldata sigs) private {
        require(nonce > validatorNonce(id), "old nonce");
        (, uint256 count) = _signers(keccak256(abi.encodePacked(hex"01", data)), sigs);
        require(count >= (currentValidatorSetSize() * 2) / 3 + 1, "2/3+1 non-majority!");
        syncedNonce[id] = nonce;
    }

    /// @dev The distinct active signers of `voteHash` in ascending signer order (a repeated
    ///      signer is skipped, a lower one ends the scan, as upstream): their ids and count.
    function _signers(bytes32 voteHash, uint256[3][] calldata sigs)
        private
        view
        returns (uint256[] memory ids, uint256 count)
    {
        ids = new uint256[](sigs.length);
        address last;
        for (uint256 i; i < sigs.length; i++) {
            address signer = ECVerify.recover(voteHash, sigs[i]);
            if (signer == last) continue;
            if (signer < last) break;
            uint256 id = signerToValidator[signer];
            if (id == 0 || id == INCORRECT_VALIDATOR_ID || !isValidator(id)) continue;
            last = signer;
            ids[count++] = id;
        }
    }

    function _isValidator(Status status, uint256 amount, uint256 deactivationEpoch, uint256 epoch_)
        private
        pure
        returns (bool)
    {
        return amount > 0 && (deactivationEpoch == 0 || deactivationEpoch > epoch_) && status == Status.Active;
    }

    function _signerOf(bytes calldata pubkey) private pure returns (address signer) {
        require(pubkey.length == 64, "not pub");
        signer = address(uint160(uint256(keccak256(pubkey))));
        require(signer != address(0), "Invalid signer");
    }

    function _transferAndTopUp(address user, address from, uint256 fee, uint256 additionalAmount) private {
        require(fee >= minHeimdallFee, "fee too small");
        token.safeTransferFrom(from, address(this), fee + additionalAmount);
        totalHeimdallFee += fee;
        logger.logTopUpFee(user, fee);
    }

    function _unstake(uint256 validatorId, uint256 exitEpoch) private {
        Validator storage v = validators[validatorId];
        v.deactivationEpoch = exitEpoch;
        // the validator (and the stake delegated to it) leaves the set when exitEpoch begins
        _updateTimeline(-int256(v.amount + v.delegatedAmount), -1, exitEpoch);
        logger.logUnstakeInit(NFTContract.ownerOf(validatorId), validatorId, exitEpoch, v.amount);
    }

    /// @dev Applies a change now (targetEpoch 0) or schedules it for when `targetEpoch` starts.
    function _updateTimeline(int256 amount, int256 stakerCount, uint256 targetEpoch) private {
        if (targetEpoch == 0) {
            validatorState.amount += amount;
            validatorState.stakerCount += stakerCount;
        } else {
            validatorStateChanges[targetEpoch].amount += amount;
            validatorStateChanges[targetEpoch].stakerCount += stakerCount;
        }
    }

    function _finalizeCommit() private {
        uint256 next = currentEpoch + 1;
        State memory c = validatorStateChanges[next];
        _updateTimeline(c.amount, c.stakerCount, 0);
        delete validatorStateChanges[next];
        currentEpoch = next;
    }

    /// @dev Counts distinct active signers in ascending signer order (a repeated signer is
    ///      skipped, a lower one ends the scan, as upstream), requires ⌊2n/3⌋+1 of them, and
    ///      credits the reward to them in proportion to their stake (own + delegated).
    function _checkSignaturesAndReward(
        uint256 blockInterval,
        bytes32 voteHash,
        address proposer,
        uint256[3][] calldata sigs
    ) private returns (uint256 reward) {
        uint256 n = currentValidatorSetSize();
        uint256 need = (n * 2) / 3 + 1;
        require(sigs.length >= need, "2/3+1 non-majority!");
        (uint256[] memory ids, uint256 count) = _signers(voteHash, sigs);
        require(count >= need, "2/3+1 non-majority!");
        uint256 signedPower;
        for (uint256 i; i < count; i++) {
            signedPower += validators[ids[i]].amount + validators[ids[i]].delegatedAmount;
        }

        uint256 interval = blockInterval < checkPointBlockInterval ? blockInterval : checkPointBlockInterval;
        reward = (CHECKPOINT_REWARD * interval) / checkPointBlockInterval;
        if (reward == 0) reward = 1;
        totalRewards += reward;
        uint256 bonus = (reward * proposerBonus) / MAX_PROPOSER_BONUS;
        uint256 proposerId = signerToValidator[proposer];
        if (bonus > 0 && proposerId != 0 && proposerId != INCORRECT_VALIDATOR_ID && isValidator(proposerId)) {
            validators[proposerId].reward += bonus;
        } else {
            bonus = 0;
        }
        uint256 pool = reward - bonus;
        for (uint256 i; i < count; i++) {
            Validator storage v = validators[ids[i]];
            uint256 power = v.amount + v.delegatedAmount;
            uint256 share = (pool * power) / signedPower;
            uint256 toDelegators = (share * v.delegatedAmount) / power;
            v.delegatorsReward += toDelegators;
            v.reward += share - toDelegators;
        }
    }

    function _liquidateRewards(uint256 validatorId, address to) private {
        uint256 r = validators[validatorId].reward;
        validators[validatorId].reward = 0;
        totalRewardsLiquidated += r;
        if (r > 0) token.safeTransfer(to, r);
        logger.logClaimRewards(validatorId, r, totalRewardsLiquidated);
    }
}
