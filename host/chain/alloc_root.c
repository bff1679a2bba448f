/* State root of a genesis-style allocation, computed with the SDK trie in memory (no store):
 * secure trie of keccak(address) -> rlp([nonce, balance, storageRoot, codeHash]).
 * Sources: Yellow Paper §4.1 and appendix D; go-ethereum core/genesis.go (hashAlloc). */
#include "alloc_int.h"

#include <string.h>

#include <bts/buf.h>
#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/trie.h>

/* Storage root: secure trie of keccak(key) -> rlp(value stripped of leading zeros); zero values
 * are absent (go-ethereum StateDB.SetState of zero deletes the slot). */
static bt_status storage_root(const struct alloc_account *acc, uint8_t out[32])
{
    struct bts_trie *t = NULL;
    struct bts_buf v = BTS_BUF_INIT;
    bt_status st = bts_trie_new(&t, NULL, NULL, BTS_TRIE_SECURE);
    if (st != BT_OK)
        return st;
    for (size_t i = 0; i < acc->n_storage; i++) {
        const uint8_t *w = acc->storage[i].value.bytes;
        size_t skip = 0;
        while (skip < 32 && w[skip] == 0)
            skip++;
        if (skip == 32)
            continue;
        bts_buf_reset(&v);
        if ((st = bts_rlp_encode_bytes(&v, w + skip, 32 - skip)) != BT_OK ||
            (st = bts_trie_put(t, acc->storage[i].key.bytes, 32, v.data, v.len)) != BT_OK)
            goto out;
    }
    st = bts_trie_root(t, out);
out:
    bts_buf_free(&v);
    bts_trie_free(t);
    return st;
}

bt_status alloc_state_root(const struct alloc *a, uint8_t out_root[32])
{
    struct bts_trie *t = NULL;
    struct bts_buf v = BTS_BUF_INIT;
    bt_status st = bts_trie_new(&t, NULL, NULL, BTS_TRIE_SECURE);
    if (st != BT_OK)
        return st;
    for (size_t i = 0; i < a->n; i++) {
        const struct alloc_account *acc = &a->accounts[i];
        uint8_t sroot[32], code_hash[32], bal[32];
        size_t mark;
        if ((st = storage_root(acc, sroot)) != BT_OK)
            goto out;
        bts_keccak256(code_hash, acc->code, acc->code_len);
        bts_u256_store_be(bal, &acc->balance);
        bts_buf_reset(&v);
        if ((st = bts_rlp_list_begin(&v, &mark)) != BT_OK ||
            (st = bts_rlp_encode_u64(&v, acc->nonce)) != BT_OK ||
            (st = bts_rlp_encode_u256_be(&v, bal)) != BT_OK ||
            (st = bts_rlp_encode_bytes(&v, sroot, 32)) != BT_OK ||
            (st = bts_rlp_encode_bytes(&v, code_hash, 32)) != BT_OK ||
            (st = bts_rlp_list_end(&v, mark)) != BT_OK ||
            (st = bts_trie_put(t, acc->addr.bytes, 20, v.data, v.len)) != BT_OK)
            goto out;
    }
    st = bts_trie_root(t, out_root);
out:
    bts_buf_free(&v);
    bts_trie_free(t);
    return st;
}
