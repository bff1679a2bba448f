// SPDX-License-Identifier: MIT
// The contract the root-chain conformance suite deploys (bts/conform_rootchain.h). Its event has
// StateSender's signature (PROTOCOL.md §4.8), so the suite reads the same shape Delivery does.
// Built once with solc-js 0.8.30 (tests/rootchain/package.json), --optimize, evmVersion paris
// (no PUSH0: BSC and older nodes); the bytecode is committed in conform_contract.h.
pragma solidity 0.8.30;

contract Conform {
    event StateSynced(uint256 indexed id, address indexed contractAddress, bytes data);

    uint256 public counter;

    // Emit n events with consecutive ids; returns the last id.
    function sync(uint256 n, bytes calldata data) external returns (uint256) {
        uint256 c = counter;
        for (uint256 i = 0; i < n; i++) {
            c++;
            emit StateSynced(c, msg.sender, data);
        }
        counter = c;
        return c;
    }

    function fail() external pure {
        revert("conform: fail");
    }
}
