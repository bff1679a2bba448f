/* Genesis: a geth-style genesis.json (config, header fields, alloc), the built-in presets
 * (dev, donau, mainnet), the genesis header and its hash. Private to host/chain and its users. */
#ifndef BTTCD_GENESIS_INT_H
#define BTTCD_GENESIS_INT_H

#include <bts/common.h>
#include <bts/header.h>
#include <bts/u256.h>

#include "alloc_int.h"
#include "chainconfig_int.h"

/** Default number of --dev accounts (like anvil and hardhat). */
#define GENESIS_DEV_ACCOUNTS 10
/** Largest number of --dev accounts. */
#define GENESIS_DEV_ACCOUNTS_MAX 1000
/** Balance of each dev account: 10000 ether (10^22 wei), as hardhat and anvil give. */
#define GENESIS_DEV_BALANCE_ETHER 10000

/** A genesis block description. Fields absent from the file are zero, except where noted. */
struct genesis {
    struct chaincfg config;
    uint64_t nonce; /* header nonce (8 bytes big-endian) */
    uint64_t timestamp;
    uint8_t *extra; /* "extraData", malloc'd (NULL when empty) */
    size_t extra_len;
    uint64_t gas_limit; /* 0: go-ethereum's GenesisGasLimit 4712388 */
    int has_difficulty; /* absent and zero mixHash: go-ethereum's GenesisDifficulty 131072 */
    struct bts_u256 difficulty;
    struct bt_hash mix_hash;
    struct bt_address coinbase;
    uint64_t number;
    uint64_t gas_used;
    struct bt_hash parent_hash;
    int has_base_fee; /* absent on a London chain: go-ethereum's InitialBaseFee 10^9 */
    struct bts_u256 base_fee;
    struct alloc alloc;
    /* Presets only: */
    int is_alloc_known;    /* 0: the allocation is not bundled (donau, mainnet) */
    int has_expected_hash; /* the network's published genesis hash (PROTOCOL.md §2) */
    struct bt_hash expected_hash;
};

/** Parse a genesis.json document (go-ethereum core/genesis.go field names: config, nonce,
 *  timestamp, extraData, gasLimit, difficulty, mixHash, coinbase, alloc, number, gasUsed,
 *  parentHash, baseFeePerGas; excessBlobGas/blobGasUsed must be absent or 0). Numbers take
 *  geth's forms (JSON integer, decimal string, hex string with leading zeros allowed).
 *  Returns: BT_OK; BT_EINVAL or BT_ERANGE (number too large), with a message naming the
 *           field ("gasLimit: ...", "alloc.0x...: ...", "config.chainId: missing", or
 *           "genesis.json:3:7: <jansson text>" for bad JSON); BT_ENOMEM.
 *  Out:     out: free with genesis_free() (also after a failure).
 *  In:      text, len: the document; borrowed. */
bt_status genesis_parse(struct genesis *out, const char *text, size_t len, char *err,
                        size_t err_cap);

/** genesis_parse() of a file; messages are prefixed with the path.
 *  Returns: as genesis_parse, plus BT_EIO (cannot read the file). */
bt_status genesis_load_file(struct genesis *out, const char *path, char *err, size_t err_cap);

/** `--chain devnet`: chain id, validators of span 0 (the first dev accounts, at most this many). */
#define GENESIS_DEVNET_CHAIN_ID   1337
#define GENESIS_DEVNET_VALIDATORS 4

/** Runtime code of the genesis contracts (hex, no 0x), from contracts/build/berlin. */
extern const char genesis_devnet_validator_set_hex[];
extern const char genesis_devnet_state_receiver_hex[];
extern const char genesis_devnet_mrc20_hex[];

/** The devnet genesis (genesis_devnet.c): Bttc rules, n_dev funded dev accounts, the genesis
 *  contracts at 0x...1000/1001/1010 with span 0 (blocks 0-255, the first
 *  min(n_dev, GENESIS_DEVNET_VALIDATORS) dev accounts as producers) in storage.
 *  Returns: BT_OK, BT_EINVAL (n_dev 0 or too many; message in err), BT_ENOMEM. */
bt_status genesis_devnet(struct genesis *out, uint32_t n_dev, char *err, size_t err_cap);

/** genesis_devnet() with the producers of span 0 given (ids 1..n_producers, power 1 each, in
 *  this order) instead of the first dev accounts; NULL producers: as genesis_devnet(). For
 *  `bttcd devnet --validators N` (host/devnet).
 *  Returns: as genesis_devnet, plus BT_EINVAL (n_producers 0 or above GENESIS_DEV_ACCOUNTS_MAX). */
bt_status genesis_devnet_signers(struct genesis *out, uint32_t n_dev,
                                 const struct bt_address *producers, uint32_t n_producers,
                                 char *err, size_t err_cap);

/** A preset: "dev" (chain id 1337, every fork through Cancun at 0, `n_dev` accounts funded
 *  with GENESIS_DEV_BALANCE_ETHER each, gas limit 30,000,000, base fee 1 gwei), "donau" or
 *  "mainnet" (config and header constants of PROTOCOL.md §2/§3.10, expected genesis hash;
 *  is_alloc_known = 0 because their allocations are not bundled: start those networks with
 *  `bttcd init --genesis FILE`).
 *  Returns: BT_OK; BT_EINVAL (unknown name, or n_dev above GENESIS_DEV_ACCOUNTS_MAX; message);
 *           BT_ENOMEM.
 *  Out:     out: free with genesis_free(). */
bt_status genesis_preset(struct genesis *out, const char *name, uint32_t n_dev, char *err,
                         size_t err_cap);

/** The private key of dev account `i`: BIP-32 m/44'/60'/0'/0/i of the BIP-39 mnemonic
 *  "test test test test test test test test test test test junk", the accounts anvil and
 *  hardhat fund (account 0 is 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266). These keys are
 *  public knowledge: development only, never on a real network (devkeys.c).
 *  Returns: BT_OK; BT_ENOMEM; BT_EINVAL (a derivation step gave an invalid key: probability
 *           about 2^-127, never for i below GENESIS_DEV_ACCOUNTS_MAX, checked by the tests).
 *  Out: out_seckey: 32 bytes (the caller wipes it). Thread: any. */
bt_status genesis_dev_key(uint8_t out_seckey[32], uint32_t i);

/** The address of dev account `i`. Returns: BT_OK, BT_EINVAL, BT_ENOMEM (secp context). */
bt_status genesis_dev_address(struct bt_address *out, uint32_t i);

/** Fill the genesis header from the fields, with the defaults of go-ethereum's Genesis.ToBlock
 *  (gas limit, difficulty, London base fee, Shanghai withdrawals root, Cancun blob fields and
 *  parent beacon root) and the empty uncle, transaction and receipt roots.
 *  Out: out: the header; out->extra points into g (g must outlive it).
 *  In:  state_root: 32 bytes, from genesis_state_root(). */
void genesis_header(const struct genesis *g, const uint8_t state_root[32], struct bts_header *out);

/** State root of the allocation (alloc_state_root()).
 *  Returns: BT_OK; BT_ENOTFOUND (preset whose allocation is not bundled; message); BT_ENOMEM. */
bt_status genesis_state_root(const struct genesis *g, uint8_t out[32], char *err, size_t err_cap);

/** The genesis block hash: keccak(rlp(genesis_header(g, genesis_state_root(g)))). When the
 *  genesis has an expected hash (a network preset, or a file whose chain id is Bttc mainnet or
 *  Donau), a different result is an error.
 *  Returns: BT_OK; BT_ENOTFOUND (allocation not bundled); BT_ESTALE (hash differs from the
 *           network's: message gives both); BT_ENOMEM.
 *  Out:     out_hash, and out_header when not NULL (points into g). */
bt_status genesis_hash(const struct genesis *g, uint8_t out_hash[32], struct bts_header *out_header,
                       char *err, size_t err_cap);

/** Release everything; leaves `g` zeroed. */
void genesis_free(struct genesis *g);

#endif /* BTTCD_GENESIS_INT_H */
