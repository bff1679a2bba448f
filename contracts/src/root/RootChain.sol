// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Registry} from "../common/Registry.sol";
import {IStakeManager} from "../staking/IStakeManager.sol";

/// @title RootChain
/// @notice Checkpoint store of one root chain (PROTOCOL.md §4.6.6, §5.1). Header blocks get ids
///         10000, 20000, …; each covers the next contiguous range of Bttc blocks and is accepted
///         only with signatures of more than 2/3 of the active validators (checked by StakeManager)
///         over keccak(0x01 ‖ data).
contract RootChain is Ownable {
    struct HeaderBlock {
        bytes32 root;
        uint256 start;
        uint256 end;
        uint256 createdAt;
        address proposer;
    }

    struct ChainInfo {
        uint256 rootChainId;
        uint256 activationHeight;
        uint256 txConfirmations;
        address rootChainAddress;
        address stateSenderAddress;
        address stakingManagerAddress;
        address stakingInfoAddress;
        uint256 timeStamp;
    }

    uint256 internal constant MAX_DEPOSITS = 10000;

    /// Bttc chain id the checkpoints must name (199 on mainnet, 1029 on Donau).
    uint256 public immutable CHAINID;
    uint256 public _nextHeaderBlock = MAX_DEPOSITS;
    uint256 internal _blockDepositId = 1;
    mapping(uint256 => HeaderBlock) public headerBlocks;
    mapping(uint256 => ChainInfo) public chainMap;
    bytes32 public heimdallId;
    Registry internal registry;
    /// When set, a 7th data word (Delivery's epoch) must equal StakeManager.epoch(); see README.
    bool public epochCheck;

    event NewHeaderBlock(
        address indexed proposer,
        uint256 indexed headerBlockId,
        uint256 indexed reward,
        uint256 start,
        uint256 end,
        bytes32 root
    );
    event ResetHeaderBlock(address indexed proposer, uint256 indexed headerBlockId);
    event NewChain(
        uint256 indexed rootChainId,
        uint256 activationHeight,
        uint256 txConfirmations,
        address rootChainAddress,
        address stateSenderAddress,
        address stakingManagerAddress,
        address stakingInfoAddress
    );

    constructor(address owner_, address registry_, uint256 borChainId, bool epochCheck_) Ownable(owner_) {
        registry = Registry(registry_);
        CHAINID = borChainId;
        epochCheck = epochCheck_;
    }

    /// @notice Legacy entry point of the plasma contracts; never accepted.
    function submitHeaderBlock(bytes calldata, bytes calldata) external pure {
        revert("Use submitCheckpoint");
    }

    /// @notice Stores the next checkpoint. `data` = proposer, start, end, root, accountRoot,
    ///         chainId (and optionally epoch) as 32-byte words; `sigs` = [r, s, v] sorted by signer.
    function submitCheckpoint(bytes calldata data, uint256[3][] calldata sigs) external {
        require(data.length >= 192, "INCORRECT_HEADER_DATA");
        HeaderBlock memory h;
        bytes32 accountHash;
        uint256 borChainId;
        (h.proposer, h.start, h.end, h.root, accountHash, borChainId) =
            abi.decode(data[:192], (address, uint256, uint256, bytes32, bytes32, uint256));
        require(borChainId == CHAINID, "Invalid bor chain id");
        IStakeManager stakeManager = IStakeManager(registry.getStakeManagerAddress());
        if (epochCheck && data.length >= 224) {
            require(abi.decode(data[192:224], (uint256)) == stakeManager.epoch(), "Invalid epoch");
        }
        uint256 id = _nextHeaderBlock;
        uint256 nextChild = id > MAX_DEPOSITS ? headerBlocks[id - MAX_DEPOSITS].end + 1 : 0;
        require(h.start == nextChild && h.end >= h.start, "INCORRECT_HEADER_DATA");
        h.createdAt = block.timestamp;
        headerBlocks[id] = h;

        uint256 reward = stakeManager.checkSignatures(
            h.end - h.start + 1, keccak256(abi.encodePacked(hex"01", data)), accountHash, h.proposer, sigs
        );
        require(reward != 0, "Invalid checkpoint");
        emit NewHeaderBlock(h.proposer, id, reward, h.start, h.end, h.root);
        _nextHeaderBlock = id + MAX_DEPOSITS;
        _blockDepositId = 1;
    }

    /// @notice Allocates `numDeposits` deposit ids inside the current header-block interval.
    function updateDepositId(uint256 numDeposits) external returns (uint256 depositId) {
        require(msg.sender == registry.getDepositManagerAddress(), "UNAUTHORIZED_DEPOSIT_MANAGER_ONLY");
        depositId = currentHeaderBlock() + _blockDepositId;
        _blockDepositId += numDeposits;
        require(_blockDepositId <= MAX_DEPOSITS, "TOO_MANY_DEPOSITS");
    }

    function currentHeaderBlock() public view returns (uint256) {
        return _nextHeaderBlock - MAX_DEPOSITS;
    }

    function getLastChildBlock() external view returns (uint256) {
        return headerBlocks[currentHeaderBlock()].end;
    }

    /// @notice Housekeeping: rolls the header-block counter back to `value` (a multiple of 10000).
    function setNextHeaderBlock(uint256 value) external onlyOwner {
        require(value % MAX_DEPOSITS == 0 && value >= MAX_DEPOSITS, "Invalid value");
        for (uint256 i = value; i < _nextHeaderBlock; i += MAX_DEPOSITS) {
            emit ResetHeaderBlock(headerBlocks[i].proposer, i);
            delete headerBlocks[i];
        }
        _nextHeaderBlock = value;
        _blockDepositId = 1;
    }

    function setHeimdallId(string calldata id) external onlyOwner {
        heimdallId = keccak256(abi.encodePacked(id));
    }

    function setEpochCheck(bool on) external onlyOwner {
        epochCheck = on;
    }

    /// @notice Announces an extra root chain to Delivery (NewChain event, PROTOCOL.md §5.1).
    function setChainInfo(
        uint256 rootChainId,
        uint256 activationHeight,
        uint256 txConfirmations,
        address rootChainAddress,
        address stateSenderAddress,
        address stakingManagerAddress,
        address stakingInfoAddress,
        uint256 timeStamp
    ) external onlyOwner {
        require(rootChainId != 0, "invalid rootChainId");
        require(chainMap[rootChainId].rootChainId == 0, "rootChainId already exists");
        chainMap[rootChainId] = ChainInfo(
            rootChainId,
            activationHeight,
            txConfirmations,
            rootChainAddress,
            stateSenderAddress,
            stakingManagerAddress,
            stakingInfoAddress,
            timeStamp
        );
        emit NewChain(
            rootChainId,
            activationHeight,
            txConfirmations,
            rootChainAddress,
            stateSenderAddress,
            stakingManagerAddress,
            stakingInfoAddress
        );
    }
}
