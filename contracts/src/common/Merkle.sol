// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Merkle
/// @notice Inclusion check in the checkpoint tree of PROTOCOL.md §3.11/§5.4: plain binary
///         keccak tree, leaves not re-hashed, no sorting, siblings listed bottom-up.
library Merkle {
    function checkMembership(bytes32 leaf, uint256 index, bytes32 root, bytes memory proof)
        internal
        pure
        returns (bool)
    {
        if (proof.length % 32 != 0) return false;
        uint256 depth = proof.length / 32;
        if (depth < 256 && index >= (uint256(1) << depth)) return false;
        bytes32 h = leaf;
        for (uint256 i = 32; i <= proof.length; i += 32) {
            bytes32 sib;
            assembly {
                sib := mload(add(proof, i))
            }
            h = (index & 1 == 0) ? keccak256(abi.encodePacked(h, sib)) : keccak256(abi.encodePacked(sib, h));
            index >>= 1;
        }
        return h == root;
    }
}
