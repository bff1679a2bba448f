// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IStakeManager} from "./IStakeManager.sol";
import {StakingInfo} from "./StakingInfo.sol";

/// @title ValidatorShare
/// @notice Delegation pool of one validator. Delegators buy shares with the staking token
///         (`buyVoucher`), sell them (`sellVoucher_new`, then `unstakeClaimTokens_new` after the
///         withdrawal delay) and collect their part of the checkpoint rewards. Slashing is
///         disabled in BTTC, so one share is always worth one token (exchange rate constant);
///         shares are not transferable.
contract ValidatorShare is ERC20 {
    struct DelegatorUnbond {
        uint256 shares;
        uint256 withdrawEpoch;
    }

    uint256 public constant EXCHANGE_RATE_PRECISION = 1e29;
    uint256 internal constant REWARD_PRECISION = 1e25;

    uint256 public immutable validatorId;
    IStakeManager public immutable stakeManager;
    StakingInfo public immutable stakingLogger;
    bool public delegation = true;
    uint256 public minAmount = 1e18;
    uint256 public rewardPerShare;
    uint256 public withdrawPool;
    uint256 public withdrawShares;
    mapping(address => uint256) public initalRewardPerShare;
    mapping(address => DelegatorUnbond) public unbonds;
    mapping(address => uint256) public unbondNonces;
    mapping(address => mapping(uint256 => DelegatorUnbond)) public unbonds_new;

    constructor(uint256 validatorId_, address stakingLogger_, address stakeManager_) ERC20("Validator Share", "VS") {
        validatorId = validatorId_;
        stakingLogger = StakingInfo(stakingLogger_);
        stakeManager = IStakeManager(stakeManager_);
    }

    modifier onlyOwner() {
        require(msg.sender == address(stakeManager), "not stake manager");
        _;
    }

    function owner() external view returns (address) {
        return address(stakeManager);
    }

    function exchangeRate() public pure returns (uint256) {
        return EXCHANGE_RATE_PRECISION;
    }

    function withdrawExchangeRate() public pure returns (uint256) {
        return EXCHANGE_RATE_PRECISION;
    }

    function getTotalStake(address user) external view returns (uint256, uint256) {
        return (balanceOf(user), exchangeRate());
    }

    function getRewardPerShare() public view returns (uint256) {
        return _rewardPerShareWith(stakeManager.delegatorsReward(validatorId));
    }

    function getLiquidRewards(address user) external view returns (uint256) {
        return _reward(user, getRewardPerShare());
    }

    function updateDelegation(bool on) external onlyOwner {
        delegation = on;
    }

    /// @notice Delegates `amount` (approved to the StakeManager) for at least `minSharesToMint` shares.
    function buyVoucher(uint256 amount, uint256 minSharesToMint) public returns (uint256 amountToDeposit) {
        require(delegation, "Delegation is disabled");
        _withdrawAndTransferReward(msg.sender);
        uint256 shares = amount; // rate is constant: one share per token
        require(shares > 0 && shares >= minSharesToMint, "Too much slippage");
        require(stakeManager.delegationDeposit(validatorId, amount, msg.sender), "deposit failed");
        _mint(msg.sender, shares);
        stakeManager.updateValidatorState(validatorId, int256(amount));
        stakingLogger.logShareMinted(validatorId, msg.sender, amount, shares);
        stakingLogger.logStakeUpdate(validatorId, totalSupply());
        return amount;
    }

    /// @notice Re-delegates the caller's pending reward.
    function restake() external returns (uint256, uint256) {
        uint256 reward = _withdrawReward(msg.sender);
        require(reward >= minAmount, "Too small rewards to restake");
        // the reward tokens already sit in the StakeManager: account them as a new deposit
        _mint(msg.sender, reward);
        stakeManager.updateValidatorState(validatorId, int256(reward));
        stakingLogger.logShareMinted(validatorId, msg.sender, reward, reward);
        stakingLogger.logDelegatorRestaked(validatorId, msg.sender, balanceOf(msg.sender));
        return (reward, 0);
    }

    /// @notice Legacy single-slot unbond; see sellVoucher_new.
    function sellVoucher(uint256 claimAmount, uint256 maximumSharesToBurn) external {
        uint256 shares = _sell(claimAmount, maximumSharesToBurn);
        DelegatorUnbond storage u = unbonds[msg.sender];
        u.shares += shares;
        u.withdrawEpoch = stakeManager.epoch();
    }

    /// @notice Burns shares worth `claimAmount` and opens unbond `unbondNonces[caller]`.
    function sellVoucher_new(uint256 claimAmount, uint256 maximumSharesToBurn) external {
        uint256 shares = _sell(claimAmount, maximumSharesToBurn);
        uint256 nonce = ++unbondNonces[msg.sender];
        unbonds_new[msg.sender][nonce] = DelegatorUnbond(shares, stakeManager.epoch());
    }

    function unstakeClaimTokens() external {
        uint256 amount = _claim(unbonds[msg.sender]);
        delete unbonds[msg.sender];
        stakingLogger.logDelegatorUnstaked(validatorId, msg.sender, amount);
    }

    function unstakeClaimTokens_new(uint256 unbondNonce) external {
        uint256 amount = _claim(unbonds_new[msg.sender][unbondNonce]);
        delete unbonds_new[msg.sender][unbondNonce];
        stakingLogger.logDelegatorUnstaked(validatorId, msg.sender, amount);
    }

    function withdrawRewards() external {
        uint256 r = _withdrawAndTransferReward(msg.sender);
        require(r >= minAmount, "Too small rewards amount");
    }

    function _sell(uint256 claimAmount, uint256 maximumSharesToBurn) private returns (uint256 shares) {
        _withdrawAndTransferReward(msg.sender);
        shares = claimAmount;
        require(shares > 0 && shares <= balanceOf(msg.sender), "Too much requested");
        require(shares <= maximumSharesToBurn, "too much slippage");
        _burn(msg.sender, shares);
        stakeManager.updateValidatorState(validatorId, -int256(claimAmount));
        withdrawPool += claimAmount;
        withdrawShares += shares;
        stakingLogger.logShareBurned(validatorId, msg.sender, claimAmount, shares);
        stakingLogger.logStakeUpdate(validatorId, totalSupply());
    }

    function _claim(DelegatorUnbond memory u) private returns (uint256 amount) {
        require(
            u.withdrawEpoch + stakeManager.withdrawalDelay() <= stakeManager.epoch() && u.shares > 0,
            "Incomplete withdrawal period"
        );
        amount = u.shares;
        withdrawPool -= amount;
        withdrawShares -= u.shares;
        require(stakeManager.transferFunds(validatorId, amount, msg.sender), "Insufficent rewards");
    }

    function _rewardPerShareWith(uint256 accumulated) private view returns (uint256) {
        uint256 supply = totalSupply();
        if (accumulated == 0 || supply == 0) return rewardPerShare;
        return rewardPerShare + (accumulated * REWARD_PRECISION) / supply;
    }

    function _reward(address user, uint256 perShare) private view returns (uint256) {
        return ((perShare - initalRewardPerShare[user]) * balanceOf(user)) / REWARD_PRECISION;
    }

    function _withdrawReward(address user) private returns (uint256 r) {
        uint256 perShare = _rewardPerShareWith(stakeManager.withdrawDelegatorsReward(validatorId));
        rewardPerShare = perShare;
        r = _reward(user, perShare);
        initalRewardPerShare[user] = perShare;
    }

    function _withdrawAndTransferReward(address user) private returns (uint256 r) {
        r = _withdrawReward(user);
        if (r != 0) {
            require(stakeManager.transferFunds(validatorId, r, user), "Insufficent rewards");
            stakingLogger.logDelegatorClaimRewards(validatorId, user, r);
        }
    }

    /// @dev Shares only move by mint and burn.
    function _update(address from, address to, uint256 value) internal override {
        require(from == address(0) || to == address(0), "Shares are not transferable");
        super._update(from, to, value);
    }
}
