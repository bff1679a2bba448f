/* A transaction as JSON-RPC returns it (eth_getTransactionBy*, txpool_content): go-ethereum
 * internal/ethapi RPCTransaction. Private to host/chain and the RPC methods. */
#ifndef BTTCD_TXJSON_INT_H
#define BTTCD_TXJSON_INT_H

#include <jansson.h>

#include <bts/common.h>
#include <bts/tx.h>

/** Where a mined transaction sits. */
struct txjson_block {
    struct bt_hash hash;
    uint64_t number;
    uint64_t index;
    int has_base_fee; /* London: gasPrice of a fee-market transaction is the effective price */
    struct bts_u256 base_fee;
};

/** Build the object: blockHash, blockNumber, from, gas, gasPrice, maxFeePerGas and
 *  maxPriorityFeePerGas (types 2, 3), maxFeePerBlobGas and blobVersionedHashes (type 3), hash,
 *  input, nonce, to (null for a creation), transactionIndex, value, type, accessList (types
 *  1..3), chainId (typed, or EIP-155 legacy), v, r, s, yParity (typed). A pending transaction
 *  (blk NULL) has null block fields and gasPrice = maxFeePerGas, as geth.
 *  Returns: a new reference, or NULL (ENOMEM). `tx` must be decoded (hash set). */
json_t *txjson_new(const struct bts_tx *tx, const struct bt_address *from,
                   const struct txjson_block *blk);

#endif /* BTTCD_TXJSON_INT_H */
