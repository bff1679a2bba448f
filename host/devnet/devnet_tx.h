/* Pipelined transactions of the devnet's deployer (devnet_deploy.c): dev keys send contract
 * creations and calls with explicit nonces without waiting, then every receipt is checked.
 * Used for the root side on each basechain and the child side on Bttc (devnet_child.c). */
#ifndef BTTCD_DEVNET_TX_H
#define BTTCD_DEVNET_TX_H

#include "devnet_int.h"

#include <bts/buf.h>

#define DN_MAX_TXS (32 + 3 * DN_MAX_VALIDATORS)

/* One ABI argument. */
struct dn_arg {
    char kind; /* a: address, u: uint256 (u64), w: uint256 (hex), W: 32-byte word, b: bool, s:
                  string, y: bytes */
    const uint8_t *p;
    size_t n;
    uint64_t u;
    const char *s;
};

#define A_ADDR(x)       ((struct dn_arg){'a', (x), 20, 0, NULL})
#define A_U64(x)        ((struct dn_arg){'u', NULL, 0, (x), NULL})
#define A_WORD(x)       ((struct dn_arg){'w', NULL, 0, 0, (x)})
#define A_WORD32(x)     ((struct dn_arg){'W', (x), 32, 0, NULL})
#define A_BOOL(x)       ((struct dn_arg){'b', NULL, 0, (x), NULL})
#define A_STR(x)        ((struct dn_arg){'s', NULL, 0, 0, (x)})
#define A_BYTES(x, len) ((struct dn_arg){'y', (x), (len), 0, NULL})

/* The sender side of a pipelined run. */
struct dn_run {
    struct devnet *d;
    struct dn_base *b;
    uint64_t gas_price;
    uint64_t nonce[DN_MAX_VALIDATORS]; /* next nonce per dev key */
    uint8_t hashes[DN_MAX_TXS][32];
    char what[DN_MAX_TXS][48];
    size_t n_tx;
    char *err;
    size_t err_cap;
};

/** Append abi.encode(args) (the tuple of their types) to out. Returns BT_OK, BT_EINVAL. */
bt_status dn_encode_args(struct bts_buf *out, const struct dn_arg *args, size_t n);
/** Send the creation of artifact `name` (DIR/EVM/NAME.json) with constructor args from dev key
 *  0; out_addr: its CREATE address. */
bt_status dn_tx_create(struct dn_run *r, const char *dir, const char *evm, const char *name,
                       const struct dn_arg *args, size_t n, uint8_t out_addr[20]);
/** Send a call of `sig` with args from dev key `key` to `to`. */
bt_status dn_tx_call(struct dn_run *r, uint32_t key, const uint8_t to[20], const char *sig,
                     const struct dn_arg *args, size_t n, uint64_t gas);
/** Wait for every receipt sent so far (status 1 each); err names the failed one. */
bt_status dn_tx_settle(struct dn_run *r);
/** Registry.updateContractMap(keccak256(key), addr) on r's basechain, from dev key 0. */
bt_status dn_tx_map_key(struct dn_run *r, const char *key, const uint8_t addr[20]);
/** eth_getTransactionCount(addr, "pending"). */
bt_status dn_pending_nonce(const char *url, const uint8_t addr[20], uint64_t *out, char *err,
                           size_t err_cap);

#endif /* BTTCD_DEVNET_TX_H */
