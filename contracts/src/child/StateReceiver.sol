// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {RLPReader} from "../common/RLPReader.sol";
import {System} from "./System.sol";

/// @title StateReceiver
/// @notice State-sync genesis contract at 0x…1001 (PROTOCOL.md §3.9). The system address commits
///         records `rlp([id, receiver, data, txHash, logIndex, chainId])` in id order; each is
///         delivered to `receiver.onStateReceive(id, data)` with 5,000,000 gas, failures ignored.
contract StateReceiver is System {
    using RLPReader for bytes;
    using RLPReader for RLPReader.Item;

    uint256 public constant DELIVERY_GAS = 5_000_000;
    uint256 public lastStateId;

    function commitState(uint256, bytes calldata recordBytes) external onlySystem returns (bool success) {
        RLPReader.Item[] memory rec = bytes(recordBytes).toItem().toList();
        require(rec.length >= 3, "bad record");
        uint256 stateId = rec[0].toUint();
        require(lastStateId + 1 == stateId, "StateIds are not sequential");
        lastStateId = stateId;
        address receiver = rec[1].toAddress();
        if (receiver.code.length > 0) {
            bytes memory call_ = abi.encodeWithSignature("onStateReceive(uint256,bytes)", stateId, rec[2].toBytes());
            uint256 g = DELIVERY_GAS;
            // no return-data copy: a receiver must not be able to make the commit run out of gas
            assembly {
                success := call(g, receiver, 0, add(call_, 0x20), mload(call_), 0, 0)
            }
        }
    }
}
