// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title ECVerify
/// @notice Recovers the signer of a raw 32-byte digest from a `[r, s, v]` triple as carried by
///         `submitCheckpoint` (PROTOCOL.md §4.6.6): v in {0,1} is lifted to {27,28}; malleable
///         (high-s) or invalid signatures recover to address(0) instead of reverting.
library ECVerify {
    function recover(bytes32 digest, uint256[3] memory sig) internal pure returns (address) {
        uint256 v = sig[2];
        if (v < 27) v += 27;
        if (v != 27 && v != 28) return address(0);
        (address who, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, uint8(v), bytes32(sig[0]), bytes32(sig[1]));
        if (err != ECDSA.RecoverError.NoError) return address(0);
        return who;
    }
}
