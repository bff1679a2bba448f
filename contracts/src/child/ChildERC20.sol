// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ChildERC20
/// @notice Bttc representation of a root-chain ERC-20: minted by the ChildChain on deposit,
///         burnt by `withdraw`, whose `Withdraw(rootToken, user, amount, balanceBefore,
///         balanceAfter)` log is what the root-chain ERC20Predicate accepts as exit proof.
contract ChildERC20 is ERC20 {
    address public immutable token; // root token
    address public immutable childChain;
    uint8 private immutable _decimals;

    event Deposit(address indexed token, address indexed from, uint256 amount, uint256 input1, uint256 output1);
    event Withdraw(address indexed token, address indexed from, uint256 amount, uint256 input1, uint256 output1);
    event LogTransfer(
        address indexed token,
        address indexed from,
        address indexed to,
        uint256 amount,
        uint256 input1,
        uint256 input2,
        uint256 output1,
        uint256 output2
    );

    constructor(address childChain_, address rootToken, string memory name_, string memory symbol_, uint8 decimals_)
        ERC20(name_, symbol_)
    {
        childChain = childChain_;
        token = rootToken;
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function deposit(address user, uint256 amount) external {
        require(msg.sender == childChain, "Child token: only child chain");
        require(amount > 0 && user != address(0), "invalid deposit");
        uint256 before = balanceOf(user);
        _mint(user, amount);
        emit Deposit(token, user, amount, before, balanceOf(user));
    }

    function withdraw(uint256 amount) external payable {
        uint256 before = balanceOf(msg.sender);
        _burn(msg.sender, amount);
        emit Withdraw(token, msg.sender, amount, before, balanceOf(msg.sender));
    }

    /// @dev Plain transfers also log the balances before and after (LogTransfer).
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 in1 = balanceOf(from);
        uint256 in2 = balanceOf(to);
        super._update(from, to, value);
        emit LogTransfer(token, from, to, value, in1, in2, balanceOf(from), balanceOf(to));
    }
}
