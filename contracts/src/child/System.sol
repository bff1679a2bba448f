// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title System
/// @notice Bttc system calls (span and state commits) come from this fixed sender (PROTOCOL.md §2).
abstract contract System {
    address public constant SYSTEM_ADDRESS = 0xffffFFFfFFffffffffffffffFfFFFfffFFFfFFfE;

    modifier onlySystem() {
        require(msg.sender == SYSTEM_ADDRESS, "Not System Addess!");
        _;
    }
}
