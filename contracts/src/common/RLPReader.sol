// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title RLPReader
/// @notice Bounds-checked, zero-copy reader for RLP-encoded data held in memory (Yellow Paper
///         appendix B). Items are (pointer, length) views into the original buffer.
library RLPReader {
    struct Item {
        uint256 len; // total encoded length, prefix included
        uint256 ptr; // memory pointer to the first prefix byte
    }

    /// @notice View of a whole buffer as one item; reverts if the item does not fill the buffer exactly.
    function toItem(bytes memory b) internal pure returns (Item memory it) {
        require(b.length > 0, "RLP: empty");
        uint256 p;
        assembly {
            p := add(b, 0x20)
        }
        it = Item(b.length, p);
        (uint256 off, uint256 plen) = _header(p, b.length);
        require(off + plen == b.length, "RLP: trailing bytes");
    }

    function isList(Item memory it) internal pure returns (bool) {
        return _byte(it.ptr) >= 0xc0;
    }

    /// @notice Children of a list item, each bounds-checked against the parent.
    function toList(Item memory it) internal pure returns (Item[] memory out) {
        require(isList(it), "RLP: not a list");
        (uint256 off, uint256 plen) = _header(it.ptr, it.len);
        uint256 p = it.ptr + off;
        uint256 end = p + plen;
        uint256 n;
        for (uint256 q = p; q < end; n++) {
            (uint256 o, uint256 l) = _header(q, end - q);
            q += o + l;
        }
        out = new Item[](n);
        for (uint256 i; i < n; i++) {
            (uint256 o, uint256 l) = _header(p, end - p);
            out[i] = Item(o + l, p);
            p += o + l;
        }
    }

    /// @notice Payload of a string item as a fresh bytes array.
    function toBytes(Item memory it) internal pure returns (bytes memory out) {
        require(!isList(it), "RLP: not a string");
        (uint256 off, uint256 plen) = _header(it.ptr, it.len);
        out = _copy(it.ptr + off, plen);
    }

    /// @notice The full encoding of the item (prefix included).
    function toRlpBytes(Item memory it) internal pure returns (bytes memory) {
        return _copy(it.ptr, it.len);
    }

    /// @notice Big-endian unsigned integer of at most 32 payload bytes.
    function toUint(Item memory it) internal pure returns (uint256 v) {
        require(!isList(it), "RLP: not a string");
        (uint256 off, uint256 plen) = _header(it.ptr, it.len);
        require(plen <= 32, "RLP: uint too long");
        uint256 p = it.ptr + off;
        if (plen == 0) return 0;
        assembly {
            v := shr(mul(8, sub(32, plen)), mload(p))
        }
    }

    /// @notice A 20-byte string as an address.
    function toAddress(Item memory it) internal pure returns (address) {
        (, uint256 plen) = _header(it.ptr, it.len);
        require(plen == 20, "RLP: bad address");
        return address(uint160(toUint(it)));
    }

    /// @notice keccak256 of the full encoding (how trie nodes are referenced).
    function hash(Item memory it) internal pure returns (bytes32 h) {
        uint256 p = it.ptr;
        uint256 l = it.len;
        assembly {
            h := keccak256(p, l)
        }
    }

    /// @dev Returns (prefix length, payload length) of the item at p, requiring it to fit in avail bytes.
    function _header(uint256 p, uint256 avail) private pure returns (uint256 off, uint256 plen) {
        require(avail > 0, "RLP: truncated");
        uint256 b0 = _byte(p);
        if (b0 < 0x80) {
            (off, plen) = (0, 1);
        } else if (b0 < 0xb8) {
            (off, plen) = (1, b0 - 0x80);
        } else if (b0 < 0xc0) {
            uint256 ll = b0 - 0xb7;
            require(avail > ll, "RLP: truncated");
            (off, plen) = (1 + ll, _be(p + 1, ll));
        } else if (b0 < 0xf8) {
            (off, plen) = (1, b0 - 0xc0);
        } else {
            uint256 ll = b0 - 0xf7;
            require(avail > ll, "RLP: truncated");
            (off, plen) = (1 + ll, _be(p + 1, ll));
        }
        require(plen <= avail && off <= avail - plen, "RLP: truncated");
    }

    function _be(uint256 p, uint256 n) private pure returns (uint256 v) {
        require(n <= 8, "RLP: length too long");
        assembly {
            v := shr(mul(8, sub(32, n)), mload(p))
        }
    }

    function _byte(uint256 p) private pure returns (uint256 b) {
        assembly {
            b := byte(0, mload(p))
        }
    }

    function _copy(uint256 src, uint256 n) private pure returns (bytes memory out) {
        out = new bytes(n);
        uint256 dst;
        assembly {
            dst := add(out, 0x20)
        }
        // word-wise copy (no MCOPY: the output must run on pre-Cancun EVMs such as TRON's)
        for (uint256 i; i < n; i += 32) {
            assembly {
                mstore(add(dst, i), mload(add(src, i)))
            }
        }
        // clear the bytes copied past the end of the array
        assembly {
            let end := add(dst, n)
            mstore(end, 0)
        }
    }
}
