// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title StateSender
/// @notice Source of state-sync records (PROTOCOL.md §4.8): each `syncState` takes the next id of
///         this root chain's counter (1, 2, …) and logs `StateSynced`, which Delivery's clerk
///         relays to the Bttc StateReceiver. A receiver accepts records only from the sender
///         registered for it.
contract StateSender is Ownable {
    uint256 public counter;
    mapping(address => address) public registrations;

    event NewRegistration(address indexed user, address indexed sender, address indexed receiver);
    event RegistrationUpdated(address indexed user, address indexed sender, address indexed receiver);
    event StateSynced(uint256 indexed id, address indexed contractAddress, bytes data);

    constructor(address owner_) Ownable(owner_) {}

    function syncState(address receiver, bytes calldata data) external {
        require(registrations[receiver] == msg.sender, "Invalid sender");
        uint256 id = counter + 1;
        counter = id;
        emit StateSynced(id, receiver, data);
    }

    /// @notice Registers `sender` as the only contract allowed to sync to `receiver`; callable by
    ///         the owner or by the currently registered sender.
    function register(address sender, address receiver) external {
        address prev = registrations[receiver];
        require(msg.sender == owner() || prev == msg.sender, "StateSender.register: Not authorized to register");
        registrations[receiver] = sender;
        if (prev == address(0)) emit NewRegistration(msg.sender, sender, receiver);
        else emit RegistrationUpdated(msg.sender, sender, receiver);
    }
}
