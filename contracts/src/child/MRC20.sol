// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title MRC20
/// @notice Native-token contract at 0x…1010 (PROTOCOL.md §2, §3.10, §5.4): an ERC-20 face over
///         Bttc's native coin. Balances are account balances; the genesis alloc funds this
///         contract, deposits pay out of that balance, withdrawals lock the sent value here and
///         log `Withdraw` / `WithdrawTo` for the bridge. `LogTransfer` and `LogFeeTransfer` are
///         declared for their ABI only: the node itself emits them under this address for every
///         value transfer and fee (synthetic logs of PROTOCOL.md §3.10).
contract MRC20 {
    uint8 private constant DECIMALS = 18;

    address public token; // root token
    address public owner; // the ChildChain
    uint256 public currentSupply;
    bool private isInitialized;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Deposit(address indexed token, address indexed from, uint256 amount, uint256 input1, uint256 output1);
    event Withdraw(address indexed token, address indexed from, uint256 amount, uint256 input1, uint256 output1);
    event WithdrawTo(address indexed from, address indexed to, uint256 amount);
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
    event LogFeeTransfer(
        address indexed token,
        address indexed from,
        address indexed to,
        uint256 amount,
        uint256 input1,
        uint256 input2,
        uint256 output1,
        uint256 output2
    );

    function initialize(address childChain, address rootToken) external {
        require(!isInitialized, "The contract is already initialized");
        isInitialized = true;
        token = rootToken;
        owner = childChain;
    }

    function name() external pure returns (string memory) {
        return "BitTorrent Token";
    }

    function symbol() external pure returns (string memory) {
        return "BTT";
    }

    function decimals() external pure returns (uint8) {
        return DECIMALS;
    }

    function totalSupply() external pure returns (uint256) {
        return 10000000000000 * 1000 * 10 ** uint256(DECIMALS);
    }

    function balanceOf(address account) public view returns (uint256) {
        return account.balance;
    }

    /// @notice Pays a bridged deposit (abi-encoded amount) out of this contract's balance.
    function deposit(address user, bytes calldata depositData) external {
        require(msg.sender == owner, "Only owner");
        uint256 amount = abi.decode(depositData, (uint256));
        require(amount > 0 && user != address(0), "Insufficient amount or invalid user");
        uint256 before = balanceOf(user);
        currentSupply += amount;
        (bool ok, ) = payable(user).call{value: amount}("");
        require(ok, "transfer failed");
        emit Deposit(token, user, amount, before, balanceOf(user));
    }

    /// @notice Burns `amount` (sent as value) for a withdrawal to `to` on the root chain.
    function withdrawTo(address to, uint256 amount) public payable {
        require(amount > 0 && msg.value == amount, "Insufficient amount");
        uint256 input = balanceOf(msg.sender) + amount;
        currentSupply = currentSupply >= amount ? currentSupply - amount : 0;
        emit Withdraw(token, msg.sender, amount, input, balanceOf(msg.sender));
        // BTTC's 0x…1010 logs the root-chain recipient in the first indexed slot
        emit WithdrawTo(to, address(0), amount);
        emit Transfer(msg.sender, address(0), amount);
    }

    function withdraw(uint256 amount) external payable {
        withdrawTo(msg.sender, amount);
    }

    /// @notice ERC-20 transfer of native coin: `value` must be sent along.
    function transfer(address to, uint256 value) external payable returns (bool) {
        if (msg.value != value) return false;
        require(to != address(this), "can't send to MRC20");
        (bool ok, ) = payable(to).call{value: value}("");
        require(ok, "transfer failed");
        emit Transfer(msg.sender, to, value);
        return true;
    }

    receive() external payable {}
}
