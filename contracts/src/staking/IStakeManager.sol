// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice The part of StakeManager that RootChain, StakingInfo and ValidatorShare call.
interface IStakeManager {
    function checkSignatures(
        uint256 blockInterval,
        bytes32 voteHash,
        bytes32 stateRoot,
        address proposer,
        uint256[3][] calldata sigs
    ) external returns (uint256);

    function epoch() external view returns (uint256);

    function withdrawalDelay() external view returns (uint256);

    function getValidatorContract(uint256 validatorId) external view returns (address);

    function delegationDeposit(uint256 validatorId, uint256 amount, address delegator) external returns (bool);

    function transferFunds(uint256 validatorId, uint256 amount, address delegator) external returns (bool);

    function updateValidatorState(uint256 validatorId, int256 amount) external;

    function withdrawDelegatorsReward(uint256 validatorId) external returns (uint256);

    function delegatorsReward(uint256 validatorId) external view returns (uint256);
}
