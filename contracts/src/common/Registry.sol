// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title Registry
/// @notice Address book of the root-chain deployment (which contract plays which role) and the
///         root-token ↔ child-token map used by deposits and exits. The owner is governance.
contract Registry is Ownable {
    bytes32 public constant STAKE_MANAGER = keccak256("stakeManager");
    bytes32 public constant ROOT_CHAIN = keccak256("rootChain");
    bytes32 public constant STATE_SENDER = keccak256("stateSender");
    bytes32 public constant CHILD_CHAIN = keccak256("childChain");
    bytes32 public constant DEPOSIT_MANAGER = keccak256("depositManager");
    bytes32 public constant WITHDRAW_MANAGER = keccak256("withdrawManager");

    mapping(bytes32 => address) public contractMap;
    mapping(address => address) public rootToChildToken;
    mapping(address => address) public childToRootToken;
    mapping(address => bool) public isERC721;
    address public erc20Predicate;
    mapping(address => bool) public predicates;

    event TokenMapped(address indexed rootToken, address indexed childToken);
    event PredicateAdded(address indexed predicate, address indexed from);
    event PredicateRemoved(address indexed predicate, address indexed from);
    event ContractMapUpdated(bytes32 indexed key, address indexed previousContract, address indexed newContract);

    constructor(address governance) Ownable(governance) {}

    function updateContractMap(bytes32 key, address addr) external onlyOwner {
        emit ContractMapUpdated(key, contractMap[key], addr);
        contractMap[key] = addr;
    }

    function mapToken(address rootToken, address childToken, bool isErc721) external onlyOwner {
        require(rootToken != address(0) && childToken != address(0), "INVALID_TOKEN_ADDRESS");
        rootToChildToken[rootToken] = childToken;
        childToRootToken[childToken] = rootToken;
        isERC721[rootToken] = isErc721;
        emit TokenMapped(rootToken, childToken);
    }

    function addErc20Predicate(address predicate) external onlyOwner {
        require(predicate != address(0), "Can not add null address as predicate");
        erc20Predicate = predicate;
        predicates[predicate] = true;
        emit PredicateAdded(predicate, msg.sender);
    }

    function removePredicate(address predicate) external onlyOwner {
        require(predicates[predicate], "Predicate does not exist");
        delete predicates[predicate];
        if (erc20Predicate == predicate) erc20Predicate = address(0);
        emit PredicateRemoved(predicate, msg.sender);
    }

    function getStakeManagerAddress() external view returns (address) {
        return contractMap[STAKE_MANAGER];
    }

    function getRootChainAddress() external view returns (address) {
        return contractMap[ROOT_CHAIN];
    }

    function getDepositManagerAddress() external view returns (address) {
        return contractMap[DEPOSIT_MANAGER];
    }

    function getWithdrawManagerAddress() external view returns (address) {
        return contractMap[WITHDRAW_MANAGER];
    }

    function getChildChainAndStateSender() external view returns (address, address) {
        return (contractMap[CHILD_CHAIN], contractMap[STATE_SENDER]);
    }

    function isTokenMapped(address token) external view returns (bool) {
        return rootToChildToken[token] != address(0);
    }
}
