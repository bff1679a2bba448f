// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Registry} from "../common/Registry.sol";
import {RootChain} from "./RootChain.sol";
import {StateSender} from "./StateSender.sol";

/// @title DepositManager
/// @notice Locks root-chain ERC-20 tokens and announces the deposit to Bttc through the
///         StateSender: record data = abi.encode(user, rootToken, amount, depositId), consumed by
///         the ChildChain on Bttc. Locked tokens leave only through a registered predicate after a
///         verified exit (ERC20Predicate).
contract DepositManager is Ownable {
    using SafeERC20 for IERC20;

    struct DepositBlock {
        bytes32 depositHash;
        uint256 createdAt;
    }

    Registry public registry;
    RootChain public rootChain;
    uint256 public maxErc20Deposit = type(uint128).max;
    mapping(uint256 => DepositBlock) public deposits;

    event NewDepositBlock(address indexed owner, address indexed token, uint256 amountOrNFTId, uint256 depositBlockId);
    event MaxErc20DepositUpdate(uint256 indexed oldLimit, uint256 indexed newLimit);

    constructor(address owner_, address registry_, address rootChain_) Ownable(owner_) {
        registry = Registry(registry_);
        rootChain = RootChain(rootChain_);
    }

    function updateMaxErc20Deposit(uint256 maxDepositAmount) external onlyOwner {
        require(maxDepositAmount != 0);
        emit MaxErc20DepositUpdate(maxErc20Deposit, maxDepositAmount);
        maxErc20Deposit = maxDepositAmount;
    }

    function depositERC20(address token, uint256 amount) external {
        depositERC20ForUser(token, msg.sender, amount);
    }

    /// @notice Locks `amount` of `token` from the caller and credits `user` on Bttc.
    function depositERC20ForUser(address token, address user, uint256 amount) public {
        require(amount > 0 && amount <= maxErc20Deposit, "exceed maximum deposit amount");
        require(registry.isTokenMapped(token), "TOKEN_NOT_MAPPED");
        require(!registry.isERC721(token), "TOKEN_IS_ERC721");
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 depositId = rootChain.updateDepositId(1);
        deposits[depositId] = DepositBlock(keccak256(abi.encodePacked(user, token, amount)), block.timestamp);
        (address childChain, address stateSender) = registry.getChildChainAndStateSender();
        StateSender(stateSender).syncState(childChain, abi.encode(user, token, amount, depositId));
        emit NewDepositBlock(user, token, amount, depositId);
    }

    /// @notice Releases locked tokens; only a predicate registered in the Registry may call it.
    function transferAssets(address token, address user, uint256 amountOrNFTId) external {
        require(registry.predicates(msg.sender), "UNAUTHORIZED_PREDICATE");
        IERC20(token).safeTransfer(user, amountOrNFTId);
    }
}
