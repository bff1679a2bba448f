/* libFuzzer target for transaction decoding (bts/tx.h). Any bytes are decoded as a raw
 * transaction and as a block-body item; whatever decodes must re-encode to exactly the input,
 * hash the same way through bts_tx_hash, and survive the checks, the signing hash, sender
 * recovery and the access-list walk without crashing. Any disagreement aborts. */
#include <bts/tx.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_tx: %s\n", what);
        abort();
    }
}

static void exercise(const struct bts_tx *tx)
{
    uint8_t h[32];
    uint64_t gas;
    struct bt_address a;
    check(bts_tx_signing_hash(h, tx) == BT_OK, "signing hash");
    for (uint32_t fork = BT_EVM_ISTANBUL; fork <= BT_EVM_CANCUN; fork++) {
        struct bts_tx_rules rules = {fork, 1};
        bt_status st = bts_tx_check(tx, &rules, &gas);
        check(BT_STATUS_PRIMARY(st) == BT_OK || BT_STATUS_PRIMARY(st) == BT_EINVAL, "check");
        st = bts_tx_sender(&a, tx, &rules);
        check(st == BT_OK || BT_STATUS_PRIMARY(st) == BT_EINVAL, "sender");
    }
    size_t pos = 0, n_keys, addrs = 0, keys = 0;
    const uint8_t *k;
    bt_status st;
    while ((st = bts_tx_access_next(tx, &pos, &a, &k, &n_keys)) == BT_OK) {
        addrs++;
        keys += n_keys;
    }
    check(st == BT_ENOTFOUND, "access list walk failed");
    check(addrs == tx->n_access_addresses && keys == tx->n_access_keys, "access list counts");
    for (size_t i = 0; i < tx->n_blob_hashes; i++)
        check(bts_tx_blob_hash(tx, i, h) == BT_OK, "blob hash");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bts_tx tx;
    struct bts_buf b = BTS_BUF_INIT;
    uint8_t h[32];
    if (bts_tx_decode(&tx, data, size) == BT_OK) {
        check(bts_tx_encode(&b, &tx) == BT_OK, "encode");
        check(b.len == size && memcmp(b.data, data, size) == 0, "re-encoding differs");
        check(bts_tx_hash(h, &tx) == BT_OK && memcmp(h, tx.hash.bytes, 32) == 0, "hash");
        exercise(&tx);
        bts_buf_reset(&b);
    }
    if (size > 0 && bts_tx_decode_block_item(&tx, data, size) == BT_OK) {
        check(bts_tx_encode_block_item(&b, &tx) == BT_OK, "encode item");
        check(b.len == size && memcmp(b.data, data, size) == 0, "item re-encoding differs");
    }
    bts_buf_free(&b);
    return 0;
}
