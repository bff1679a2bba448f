// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {RLPReader} from "../common/RLPReader.sol";
import {Merkle} from "../common/Merkle.sol";
import {MerklePatriciaProof} from "../common/MerklePatriciaProof.sol";
import {RootChain} from "./RootChain.sol";

/// @title WithdrawManager
/// @notice Inclusion check of a Bttc receipt for an exit (PROTOCOL.md §5.4): the receipt's MPT
///         proof against the block's receipts root, the block's leaf in the checkpoint Merkle root
///         of a RootChain header block. Returns the exit's "age" (priority) word.
contract WithdrawManager {
    using RLPReader for bytes;
    using RLPReader for RLPReader.Item;

    RootChain public immutable rootChain;
    uint256 public immutable HALF_EXIT_PERIOD;

    constructor(address rootChain_, uint256 halfExitPeriod) {
        rootChain = RootChain(rootChain_);
        HALF_EXIT_PERIOD = halfExitPeriod;
    }

    /// @param data RLP exit payload (PROTOCOL.md §5.4 table), items from index `offset` on.
    /// @param verifyTxInclusion also check items 10/11 (tx and its proof) against the tx root.
    /// @return ageOfInput (exitableAt << 127) | (blockNumber << 32) | branchMask
    function verifyInclusion(bytes calldata data, uint8 offset, bool verifyTxInclusion)
        external
        view
        returns (uint256)
    {
        return _verify(data, offset, verifyTxInclusion);
    }

    struct Inclusion {
        uint256 headerNumber;
        bytes blockProof;
        uint256 blockNumber;
        uint256 blockTime;
        bytes32 txRoot;
        bytes32 receiptRoot;
        bytes mask;
    }

    function _verify(bytes memory data, uint256 offset, bool verifyTx) internal view returns (uint256) {
        RLPReader.Item[] memory it = data.toItem().toList();
        require(it.length >= offset + 10 && (!verifyTx || it.length >= offset + 12), "INVALID_EXIT_PAYLOAD");
        Inclusion memory v;
        v.headerNumber = it[offset].toUint();
        v.blockProof = it[offset + 1].toBytes();
        v.blockNumber = it[offset + 2].toUint();
        v.blockTime = it[offset + 3].toUint();
        v.txRoot = bytes32(it[offset + 4].toUint());
        v.receiptRoot = bytes32(it[offset + 5].toUint());
        v.mask = it[offset + 8].toBytes();
        require(
            MerklePatriciaProof.verify(it[offset + 6].toBytes(), v.mask, it[offset + 7].toBytes(), v.receiptRoot),
            "INVALID_RECEIPT_MERKLE_PROOF"
        );
        if (verifyTx) {
            require(
                MerklePatriciaProof.verify(it[offset + 10].toBytes(), v.mask, it[offset + 11].toBytes(), v.txRoot),
                "INVALID_TX_MERKLE_PROOF"
            );
        }
        uint256 createdAt = _checkBlockInCheckpoint(v);
        // the path bytes read as one big-endian integer must fit in 32 bits
        require(v.mask.length <= 32, "Branch mask should be 32 bits");
        uint256 branchMask = uint256(bytes32(v.mask)) >> (8 * (32 - v.mask.length));
        require(branchMask >> 32 == 0, "Branch mask should be 32 bits");
        require(v.blockNumber >> 95 == 0, "block number too large");
        return (_exitableAt(createdAt) << 127) | (v.blockNumber << 32) | branchMask;
    }

    function _checkBlockInCheckpoint(Inclusion memory v) private view returns (uint256) {
        (bytes32 root, uint256 start, , uint256 created, ) = rootChain.headerBlocks(v.headerNumber);
        require(created != 0, "HEADER_BLOCK_NOT_FOUND");
        require(v.blockNumber >= start, "WITHDRAW_BLOCK_NOT_A_PART_OF_SUBMITTED_HEADER");
        bytes32 leaf = keccak256(abi.encodePacked(v.blockNumber, v.blockTime, v.txRoot, v.receiptRoot));
        require(
            Merkle.checkMembership(leaf, v.blockNumber - start, root, v.blockProof),
            "WITHDRAW_BLOCK_NOT_A_PART_OF_SUBMITTED_HEADER"
        );
        return created;
    }

    function _exitableAt(uint256 createdAt) private view returns (uint256) {
        uint256 a = createdAt + 2 * HALF_EXIT_PERIOD;
        uint256 b = block.timestamp + HALF_EXIT_PERIOD;
        return a > b ? a : b;
    }
}
