// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IChildToken} from "./IChildToken.sol";

interface INativeToken {
    function deposit(address user, bytes calldata depositData) external;
}

/// @title ChildChain
/// @notice Bttc end of the deposit bridge: receives the DepositManager's state-sync records
///         (abi.encode(user, rootToken, amount, depositId)) from the StateReceiver and mints the
///         mapped child token. Each deposit id is credited once.
contract ChildChain is Ownable {
    address public stateSyncer;
    mapping(address => address) public tokens; // root token → child token
    mapping(address => bool) public isNative; // root token whose child is the native-token contract
    mapping(uint256 => bool) public deposits;

    event NewToken(address indexed rootToken, address indexed token, uint8 _decimals);
    event TokenDeposited(
        address indexed rootToken,
        address indexed childToken,
        address indexed user,
        uint256 amount,
        uint256 depositCount
    );
    event StateSyncerUpdated(address indexed previous, address indexed current);

    constructor(address owner_, address stateSyncer_) Ownable(owner_) {
        stateSyncer = stateSyncer_;
    }

    function changeStateSyncerAddress(address s) external onlyOwner {
        emit StateSyncerUpdated(stateSyncer, s);
        stateSyncer = s;
    }

    /// @notice Maps `rootToken` to an existing child token (native = the 0x…1010 contract).
    function mapToken(address rootToken, address token, bool native) external onlyOwner {
        require(rootToken != address(0) && token != address(0), "invalid token");
        tokens[rootToken] = token;
        isNative[rootToken] = native;
        emit NewToken(rootToken, token, 18);
    }

    function onStateReceive(uint256, bytes calldata data) external {
        require(msg.sender == stateSyncer, "Invalid sender");
        (address user, address rootToken, uint256 amount, uint256 depositId) =
            abi.decode(data, (address, address, uint256, uint256));
        require(!deposits[depositId], "Deposit already processed");
        deposits[depositId] = true;
        address child = tokens[rootToken];
        require(child != address(0), "unmapped token");
        if (isNative[rootToken]) INativeToken(child).deposit(user, abi.encode(amount));
        else IChildToken(child).deposit(user, amount);
        emit TokenDeposited(rootToken, child, user, amount, depositId);
    }
}
