// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {RLPReader} from "../common/RLPReader.sol";
import {System} from "./System.sol";

/// @title BorValidatorSet
/// @notice Validator-set genesis contract at 0x…1000 (PROTOCOL.md §3.7–§3.8). Spans are committed
///         by the system address at the end of the previous span; producers answer
///         `getBorValidators(block)`. The initial validators (used up to FIRST_END_BLOCK) live in
///         storage: written by the constructor for a normal deployment, or put into the genesis
///         alloc (slot `initialValidators`, see README) when the runtime code is placed there.
contract BorValidatorSet is System {
    using RLPReader for bytes;
    using RLPReader for RLPReader.Item;

    struct Validator {
        uint256 id;
        uint256 power;
        address signer;
    }

    struct Span {
        uint256 number;
        uint256 startBlock;
        uint256 endBlock;
    }

    uint256 public constant FIRST_END_BLOCK = 255;
    uint256 public constant SPRINT = 64;

    mapping(uint256 => Validator[]) public validators;
    mapping(uint256 => Validator[]) public producers;
    mapping(uint256 => Span) public spans;
    uint256[] public spanNumbers;
    Validator[] internal initialValidators;

    event NewSpan(uint256 indexed id, uint256 indexed startBlock, uint256 indexed endBlock);

    constructor(address[] memory signers, uint256[] memory powers) {
        require(signers.length == powers.length, "length mismatch");
        for (uint256 i; i < signers.length; i++) {
            initialValidators.push(Validator(i + 1, powers[i], signers[i]));
        }
    }

    function currentSprint() external view returns (uint256) {
        return block.number / SPRINT;
    }

    function getSpan(uint256 span) external view returns (uint256 number, uint256 startBlock, uint256 endBlock) {
        Span storage s = spans[span];
        return (s.number, s.startBlock, s.endBlock);
    }

    function getCurrentSpan() external view returns (uint256 number, uint256 startBlock, uint256 endBlock) {
        Span storage s = spans[currentSpanNumber()];
        return (s.number, s.startBlock, s.endBlock);
    }

    function getNextSpan() external view returns (uint256 number, uint256 startBlock, uint256 endBlock) {
        Span storage s = spans[currentSpanNumber() + 1];
        return (s.number, s.startBlock, s.endBlock);
    }

    /// @notice The newest committed span containing block `number`, else the newest span, else 0.
    function getSpanByBlock(uint256 number) public view returns (uint256) {
        for (uint256 i = spanNumbers.length; i > 0; i--) {
            Span storage s = spans[spanNumbers[i - 1]];
            if (s.startBlock <= number && s.endBlock != 0 && number <= s.endBlock) return s.number;
        }
        if (spanNumbers.length > 0) return spanNumbers[spanNumbers.length - 1];
        return 0;
    }

    function currentSpanNumber() public view returns (uint256) {
        return getSpanByBlock(block.number);
    }

    function getValidatorsTotalStakeBySpan(uint256 span) external view returns (uint256 total) {
        Validator[] storage v = validators[span];
        for (uint256 i; i < v.length; i++) total += v[i].power;
    }

    function getProducersTotalStakeBySpan(uint256 span) external view returns (uint256 total) {
        Validator[] storage v = producers[span];
        for (uint256 i; i < v.length; i++) total += v[i].power;
    }

    function getValidatorBySigner(uint256 span, address signer) public view returns (Validator memory result) {
        Validator[] storage v = validators[span];
        for (uint256 i; i < v.length; i++) {
            if (v[i].signer == signer) return v[i];
        }
    }

    function isValidator(uint256 span, address signer) public view returns (bool) {
        return _contains(validators[span], signer);
    }

    function isProducer(uint256 span, address signer) public view returns (bool) {
        return _contains(producers[span], signer);
    }

    function isCurrentValidator(address signer) external view returns (bool) {
        return isValidator(currentSpanNumber(), signer);
    }

    function isCurrentProducer(address signer) external view returns (bool) {
        return isProducer(currentSpanNumber(), signer);
    }

    /// @notice Producers (signer, slot count) for block `number`: the initial list up to block 255,
    ///         then the producers of the span found by getSpanByBlock.
    function getBorValidators(uint256 number) public view returns (address[] memory, uint256[] memory) {
        if (number <= FIRST_END_BLOCK) return getInitialValidators();
        return _flatten(producers[getSpanByBlock(number)]);
    }

    function getInitialValidators() public view returns (address[] memory, uint256[] memory) {
        return _flatten(initialValidators);
    }

    function getValidators() external view returns (address[] memory, uint256[] memory) {
        return getBorValidators(block.number);
    }

    /// @notice Stores span `newSpan` = [startBlock, endBlock] with its validators and producers,
    ///         each an RLP list of [id, power, signer] (PROTOCOL.md §3.7).
    function commitSpan(
        uint256 newSpan,
        uint256 startBlock,
        uint256 endBlock,
        bytes calldata validatorBytes,
        bytes calldata producerBytes
    ) external onlySystem {
        uint256 span = currentSpanNumber();
        if (span == 0 && spans[0].endBlock == 0) {
            // span 0 is the genesis span: blocks 0..FIRST_END_BLOCK run by the initial validators
            spans[0] = Span(0, 0, FIRST_END_BLOCK);
            spanNumbers.push(0);
            Validator[] storage iv = initialValidators;
            for (uint256 i; i < iv.length; i++) {
                validators[0].push(iv[i]);
                producers[0].push(iv[i]);
            }
        }
        require(newSpan == span + 1, "Invalid span id");
        require(endBlock > startBlock, "End block must be greater than start block");
        require((endBlock - startBlock + 1) % SPRINT == 0, "Difference between start and end block must be in multiples of sprint");
        require(spans[span].startBlock <= startBlock, "Start block must be greater than current span");
        require(spans[newSpan].number == 0, "Span already exists");

        spans[newSpan] = Span(newSpan, startBlock, endBlock);
        spanNumbers.push(newSpan);
        _store(validators[newSpan], validatorBytes);
        _store(producers[newSpan], producerBytes);
        emit NewSpan(newSpan, startBlock, endBlock);
    }

    function _store(Validator[] storage dst, bytes calldata rlpList) private {
        RLPReader.Item[] memory items = bytes(rlpList).toItem().toList();
        for (uint256 i; i < items.length; i++) {
            RLPReader.Item[] memory v = items[i].toList();
            require(v.length == 3, "bad validator");
            dst.push(Validator(v[0].toUint(), v[1].toUint(), v[2].toAddress()));
        }
    }

    function _flatten(Validator[] storage v) private view returns (address[] memory a, uint256[] memory p) {
        a = new address[](v.length);
        p = new uint256[](v.length);
        for (uint256 i; i < v.length; i++) {
            a[i] = v[i].signer;
            p[i] = v[i].power;
        }
    }

    function _contains(Validator[] storage v, address signer) private view returns (bool) {
        for (uint256 i; i < v.length; i++) {
            if (v[i].signer == signer) return true;
        }
        return false;
    }
}
