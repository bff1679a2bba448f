// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721Enumerable} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721Enumerable.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title StakingNFT
/// @notice Validator position token: token id = validator id, minted and burnt by the
///         StakeManager (its owner). An address holds at most one position.
contract StakingNFT is ERC721Enumerable, Ownable {
    constructor(string memory name_, string memory symbol_, address owner_) ERC721(name_, symbol_) Ownable(owner_) {}

    function mint(address to, uint256 tokenId) external onlyOwner {
        _safeMint(to, tokenId);
    }

    function burn(uint256 tokenId) external onlyOwner {
        _burn(tokenId);
    }

    /// @dev Enforces the one-position-per-address rule on mint and transfer alike.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        require(to == address(0) || balanceOf(to) == 0, "Validators MUST NOT own multiple stake position");
        return super._update(to, tokenId, auth);
    }
}
