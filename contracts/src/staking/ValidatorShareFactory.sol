// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ValidatorShare} from "./ValidatorShare.sol";
import {Registry} from "../common/Registry.sol";

/// @title ValidatorShareFactory
/// @notice Deploys a validator's delegation pool on behalf of the StakeManager (kept out of the
///         StakeManager so that both stay under the contract size limit).
contract ValidatorShareFactory {
    event ValidatorShareCreated(uint256 indexed validatorId, address share);

    function create(uint256 validatorId, address logger, address registry) external returns (address share) {
        require(msg.sender == Registry(registry).getStakeManagerAddress(), "only stake manager");
        share = address(new ValidatorShare(validatorId, logger, msg.sender));
        emit ValidatorShareCreated(validatorId, share);
    }
}
