// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {RLPReader} from "./RLPReader.sol";

/// @title MerklePatriciaProof
/// @notice Verifies an inclusion proof in an Ethereum Merkle-Patricia trie (Yellow Paper
///         appendix D), in the form BTTC exit payloads carry it (PROTOCOL.md §5.4): the path is
///         hex-prefix encoded (for a receipt: 0x00 ‖ rlp(txIndex)) and the proof is an RLP list of
///         the nodes from the root down, each node embedded as its own RLP list.
library MerklePatriciaProof {
    using RLPReader for RLPReader.Item;
    using RLPReader for bytes;

    function verify(bytes memory value, bytes memory encodedPath, bytes memory rlpNodes, bytes32 root)
        internal
        pure
        returns (bool)
    {
        bytes memory path = _nibbles(encodedPath);
        if (path.length == 0) return false;
        RLPReader.Item[] memory nodes = rlpNodes.toItem().toList();
        bytes32 want = root;
        uint256 used; // nibbles of path consumed
        bytes32 valueHash = keccak256(value);
        for (uint256 i; i < nodes.length; i++) {
            // every node of the proof is referenced by hash (receipt-trie nodes are >= 32 bytes)
            if (nodes[i].hash() != want) return false;
            RLPReader.Item[] memory fields = nodes[i].toList();
            if (fields.length == 17) {
                if (used == path.length) return keccak256(fields[16].toBytes()) == valueHash;
                uint8 nib = uint8(path[used]);
                want = _ref(fields[nib]);
                used += 1;
            } else if (fields.length == 2) {
                (bytes memory part, bool leaf) = _hexPrefix(fields[0].toBytes());
                if (used + part.length > path.length) return false;
                for (uint256 k; k < part.length; k++) {
                    if (part[k] != path[used + k]) return false;
                }
                used += part.length;
                if (leaf) return used == path.length && keccak256(fields[1].toBytes()) == valueHash;
                want = _ref(fields[1]);
            } else {
                return false;
            }
        }
        return false;
    }

    /// @dev Child reference: a 32-byte hash string (empty → no child, which cannot match a node).
    function _ref(RLPReader.Item memory it) private pure returns (bytes32) {
        if (it.isList()) return bytes32(0);
        bytes memory b = it.toBytes();
        if (b.length != 32) return bytes32(0);
        return bytes32(b);
    }

    /// @dev Decodes a hex-prefix compact path into nibbles plus the leaf flag (Yellow Paper appendix C).
    function _hexPrefix(bytes memory b) private pure returns (bytes memory nib, bool leaf) {
        require(b.length > 0, "MPT: empty path");
        uint8 flag = uint8(b[0]) >> 4;
        require(flag <= 3, "MPT: bad path flag");
        leaf = flag >= 2;
        bool odd = flag & 1 == 1;
        nib = new bytes(2 * b.length - (odd ? 1 : 2));
        uint256 j;
        if (odd) nib[j++] = bytes1(uint8(b[0]) & 0x0f);
        for (uint256 i = 1; i < b.length; i++) {
            nib[j++] = bytes1(uint8(b[i]) >> 4);
            nib[j++] = bytes1(uint8(b[i]) & 0x0f);
        }
    }

    function _nibbles(bytes memory encodedPath) private pure returns (bytes memory nib) {
        if (encodedPath.length == 0) return nib;
        (nib, ) = _hexPrefix(encodedPath);
    }
}
