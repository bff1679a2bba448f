// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {RLPReader} from "../common/RLPReader.sol";
import {Registry} from "../common/Registry.sol";
import {WithdrawManager} from "./WithdrawManager.sol";
import {DepositManager} from "./DepositManager.sol";

/// @title ERC20Predicate
/// @notice Exit of ERC-20 tokens burnt on Bttc (PROTOCOL.md §5.4): after the WithdrawManager
///         has proven the receipt inside a checkpoint, log `logIndex` of that receipt must be the
///         child token's `Withdraw(rootToken, exitor, amount, …)`; the locked tokens are then
///         released to the exitor. Each (block, receipt, log) exits once.
contract ERC20Predicate {
    using RLPReader for bytes;
    using RLPReader for RLPReader.Item;

    bytes32 internal constant WITHDRAW_EVENT_SIG = 0xebff2602b3f468259e1e99f613fed6691f3a6526effe6ef3e768ba7ae7a36c4f;

    Registry public immutable registry;
    WithdrawManager public immutable withdrawManager;
    DepositManager public immutable depositManager;
    mapping(uint256 => bool) public exited;

    event ExitStarted(address indexed exitor, uint256 indexed exitId, address indexed token, uint256 amount);

    constructor(address registry_, address withdrawManager_, address depositManager_) {
        registry = Registry(registry_);
        withdrawManager = WithdrawManager(withdrawManager_);
        depositManager = DepositManager(depositManager_);
    }

    /// @notice Proves the caller's burn on Bttc and pays out the locked tokens.
    /// @param data RLP exit payload (PROTOCOL.md §5.4 table).
    function startExitWithBurntTokens(bytes calldata data) external {
        uint256 age = withdrawManager.verifyInclusion(data, 0, false);
        RLPReader.Item[] memory it = data.toItem().toList();
        uint256 logIndex = it[9].toUint();
        require(logIndex < 10, "Supporting a max of 10 logs");
        // the exit is identified by its block, receipt path and log, independent of the checkpoint
        uint256 exitId = ((age & ((uint256(1) << 127) - 1)) << 4) | logIndex;
        require(!exited[exitId], "EXIT_ALREADY_PROCESSED");
        exited[exitId] = true;

        (address childToken, address rootToken, address exitor, uint256 amount) = _burnLog(it[6].toBytes(), logIndex);
        require(exitor == msg.sender, "Withdrawer and burn exit tx do not match");
        require(registry.rootToChildToken(rootToken) == childToken, "INVALID_CHILD_TOKEN");
        depositManager.transferAssets(rootToken, exitor, amount);
        emit ExitStarted(exitor, exitId, rootToken, amount);
    }

    /// @dev Reads log `logIndex` of a consensus receipt (legacy, or typed: type byte ‖ RLP).
    function _burnLog(bytes memory receipt, uint256 logIndex)
        private
        pure
        returns (address childToken, address rootToken, address exitor, uint256 amount)
    {
        if (receipt.length > 0 && uint8(receipt[0]) < 0x80) {
            bytes memory inner = new bytes(receipt.length - 1);
            for (uint256 i = 1; i < receipt.length; i++) inner[i - 1] = receipt[i];
            receipt = inner;
        }
        RLPReader.Item[] memory r = receipt.toItem().toList();
        require(r.length == 4, "INVALID_RECEIPT");
        RLPReader.Item[] memory logs = r[3].toList();
        require(logIndex < logs.length, "INVALID_LOG_INDEX");
        RLPReader.Item[] memory log = logs[logIndex].toList();
        require(log.length == 3, "INVALID_LOG");
        childToken = log[0].toAddress();
        RLPReader.Item[] memory topics = log[1].toList();
        require(topics.length == 3 && bytes32(topics[0].toUint()) == WITHDRAW_EVENT_SIG, "Not a withdraw event signature");
        rootToken = address(uint160(topics[1].toUint()));
        exitor = address(uint160(topics[2].toUint()));
        bytes memory logData = log[2].toBytes();
        require(logData.length >= 32, "INVALID_LOG_DATA");
        amount = uint256(bytes32(logData));
    }
}
