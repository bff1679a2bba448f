/* Account state at a block: eth_getBalance, eth_getCode, eth_getStorageAt,
 * eth_getTransactionCount (with "pending": the pool's next nonce). go-ethereum
 * internal/ethapi/api.go (BlockChainAPI). */
#include "eth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/json.h>
#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/trie.h>

enum what { W_BALANCE, W_NONCE, W_CODE, W_STORAGE };

static void state_method(struct eth_api *api, struct bt_rpc_call *call, enum what w)
{
    json_t *p;
    size_t n = w == W_STORAGE ? 3 : 2, blk_idx = n - 1;
    /* geth: the block argument is required except... it is required everywhere; ethers and
     * web3 always send it. Accept it absent as latest, as many clients expect. */
    if (rpc_params(call, n, n - 1, &p) != BT_OK)
        return;
    uint8_t addr[20], key[32];
    char err[200];
    if (bts_json_as_address(addr, json_array_get(p, 0), err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        goto out;
    }
    if (w == W_STORAGE) {
        /* geth decodeHash: optional 0x, odd length gets a leading 0, at most 32 bytes,
         * left-padded. */
        const char *ks = json_string_value(json_array_get(p, 1));
        if (!ks) {
            eth_bad_arg(call, 1, "json: cannot unmarshal non-string into Go value of type string");
            goto out;
        }
        if (ks[0] == '0' && (ks[1] == 'x' || ks[1] == 'X'))
            ks += 2;
        size_t kl = strlen(ks);
        char padded[65];
        if (kl > 64) {
            eth_bad_arg(call, 1,
                        "unable to decode storage key: hex string too long, want at most "
                        "32 bytes");
            goto out;
        }
        memset(padded, '0', 64 - kl);
        memcpy(padded + 64 - kl, ks, kl);
        if (bts_hex_decode_exact(key, 32, padded, 64, 0) != BT_OK) {
            eth_bad_arg(call, 1, "unable to decode storage key: hex string invalid");
            goto out;
        }
    }
    int is_pending = 0;
    struct chain_header hd;
    json_t *jp = json_array_size(p) > blk_idx ? p : NULL;
    if (jp) {
        if (eth_block_arg(api, call, p, blk_idx, &hd, &is_pending) != BT_OK)
            goto out;
    } else {
        json_t *latest = json_pack("[s,s,s]", "", "", "latest");
        bt_status rc = eth_block_arg(api, call, latest, 2, &hd, NULL);
        json_decref(latest);
        if (rc != BT_OK)
            goto out;
    }
    struct state *st = NULL;
    bt_status rc = chain_state_at(api->c, hd.hash, &st);
    chain_header_free(&hd);
    if (rc != BT_OK) {
        eth_server_error(call, rc == BT_ENOTFOUND ? "header not found" : bts_status_str(rc));
        goto out;
    }
    uint64_t nonce = 0;
    uint8_t bal[32] = {0}, code_hash[32], value[32];
    struct bt_value code = {0};
    json_t *res = NULL;
    switch (w) {
    case W_BALANCE:
    case W_NONCE:
        rc = state_evm_iface.get_account(st, addr, &nonce, bal, code_hash);
        if (rc == BT_ENOTFOUND)
            rc = BT_OK;
        if (rc == BT_OK && w == W_NONCE && is_pending) {
            struct bt_address a;
            memcpy(a.bytes, addr, 20);
            uint64_t pn;
            if (txpool_nonce(chain_txpool(api->c), &a, &pn) == BT_OK && pn > nonce)
                nonce = pn;
        }
        if (rc == BT_OK)
            res = w == W_BALANCE ? bts_json_new_u256(bal) : bts_json_new_u64(nonce);
        break;
    case W_CODE:
        rc = state_evm_iface.get_code(st, addr, &code);
        if (rc == BT_ENOTFOUND) {
            rc = BT_OK;
            code.len = 0;
        }
        if (rc == BT_OK)
            res = bts_json_new_data(code.data, code.len);
        if (code.release)
            code.release(&code);
        break;
    case W_STORAGE:
        rc = state_evm_iface.get_storage(st, addr, key, value);
        if (rc == BT_OK)
            res = bts_json_new_data(value, 32);
        break;
    }
    state_free(st);
    if (rc != BT_OK)
        eth_server_error(call, bts_status_str(rc));
    else
        eth_reply(call, res);
out:
    json_decref(p);
}

static void m_balance(void *arg, struct bt_rpc_call *call)
{
    state_method(arg, call, W_BALANCE);
}

static void m_nonce(void *arg, struct bt_rpc_call *call)
{
    state_method(arg, call, W_NONCE);
}

static void m_code(void *arg, struct bt_rpc_call *call)
{
    state_method(arg, call, W_CODE);
}

static void m_storage(void *arg, struct bt_rpc_call *call)
{
    state_method(arg, call, W_STORAGE);
}

/* --- eth_getProof (EIP-1186; go-ethereum internal/ethapi GetProof) --------------------------- */

static bt_status node_get(void *self, const uint8_t hash[32], struct bt_value *out)
{
    return stor_get(self, &stor_ns_state, NULL, hash, 32, out);
}

static bt_status node_commit(void *self, const struct bts_trie_node *nodes, size_t n_nodes)
{
    (void)self, (void)nodes, (void)n_nodes;
    return BT_ENOTSUP; /* read-only */
}

/* The proof list (RLP list of node encodings) as JSON hex strings. */
static json_t *proof_json(const struct bts_buf *proof)
{
    struct bts_rlp_item list, node;
    struct bts_rlp_iter it;
    json_t *arr = json_array();
    if (!arr || bts_rlp_decode_prefix(&list, proof->data, proof->len) != BT_OK) {
        json_decref(arr);
        return NULL;
    }
    bts_rlp_iter_init(&it, &list);
    while (bts_rlp_iter_next(&it, &node) == BT_OK) {
        if (json_array_append_new(arr, bts_json_new_data(node.raw, node.raw_len)) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* The storage slot key as geth reads it (decodeHash): 0x optional, odd length padded. */
static bt_status slot_key(const json_t *v, uint8_t out[32])
{
    const char *ks = json_string_value(v);
    if (!ks)
        return BT_EINVAL;
    if (ks[0] == '0' && (ks[1] == 'x' || ks[1] == 'X'))
        ks += 2;
    size_t kl = strlen(ks);
    char padded[65];
    if (kl > 64)
        return BT_EINVAL;
    memset(padded, '0', 64 - kl);
    memcpy(padded + 64 - kl, ks, kl);
    return bts_hex_decode_exact(out, 32, padded, 64, 0);
}

static json_t *storage_proofs(struct bts_trie *st_trie, const json_t *keys, bt_status *rc)
{
    json_t *arr = json_array();
    struct bts_buf proof = BTS_BUF_INIT;
    for (size_t i = 0; arr && *rc == BT_OK && i < json_array_size(keys); i++) {
        uint8_t key[32], value[32] = {0};
        const json_t *kj = json_array_get(keys, i);
        if ((*rc = slot_key(kj, key)) != BT_OK)
            break;
        const uint8_t *v;
        size_t vlen;
        bt_status g = st_trie ? bts_trie_get(st_trie, key, 32, &v, &vlen) : BT_ENOTFOUND;
        if (g == BT_OK) {
            struct bts_rlp_item item;
            if (bts_rlp_decode(&item, v, vlen) != BT_OK || item.is_list || item.payload_len > 32) {
                *rc = BT_EIO;
                break;
            }
            memcpy(value + 32 - item.payload_len, item.payload, item.payload_len);
        } else if (g != BT_ENOTFOUND) {
            *rc = g;
            break;
        }
        bts_buf_reset(&proof);
        json_t *pj = NULL;
        if (st_trie) {
            if ((*rc = bts_trie_prove(st_trie, key, 32, &proof)) != BT_OK)
                break;
            pj = proof_json(&proof);
        } else {
            pj = json_array();
        }
        struct bts_u256 vu;
        bts_u256_load_be(&vu, value);
        json_t *o = json_pack("{s:O,s:o,s:o}", "key", kj, "value", eth_u256_json(&vu), "proof",
                              pj ? pj : json_null());
        if (!o || json_array_append_new(arr, o) != 0)
            *rc = BT_ENOMEM;
    }
    bts_buf_free(&proof);
    if (*rc != BT_OK || !arr) {
        json_decref(arr);
        if (*rc == BT_OK)
            *rc = BT_ENOMEM;
        return NULL;
    }
    return arr;
}

static void m_proof(void *arg, struct bt_rpc_call *call)
{
    struct eth_api *api = arg;
    json_t *p;
    if (rpc_params(call, 3, 3, &p) != BT_OK)
        return;
    uint8_t addr[20];
    char err[200];
    struct chain_header hd = {0};
    struct bts_trie *acct = NULL, *stt = NULL;
    struct bts_buf proof = BTS_BUF_INIT;
    const json_t *keys = json_array_get(p, 1);
    if (bts_json_as_address(addr, json_array_get(p, 0), err, sizeof(err)) != BT_OK) {
        eth_bad_arg(call, 0, err);
        goto out;
    }
    if (!json_is_array(keys)) {
        eth_bad_arg(call, 1, "json: cannot unmarshal non-array into Go value of type []string");
        goto out;
    }
    if (!api->st) {
        eth_server_error(call, "state proofs are not available");
        goto out;
    }
    if (eth_block_arg(api, call, p, 2, &hd, NULL) != BT_OK)
        goto out;
    struct bts_trie_store store = {node_get, node_commit, api->st};
    bt_status rc = bts_trie_new(&acct, &store, hd.h.state_root.bytes, BTS_TRIE_SECURE);
    uint64_t nonce = 0;
    struct bts_u256 bal = bts_u256_from_u64(0);
    uint8_t storage_root[32], code_hash[32];
    memcpy(storage_root, bts_trie_empty_root, 32);
    bts_keccak256(code_hash, NULL, 0);
    const uint8_t *v;
    size_t vlen;
    bt_status g = rc == BT_OK ? bts_trie_get(acct, addr, 20, &v, &vlen) : rc;
    if (g == BT_OK) {
        /* rlp([nonce, balance, storageRoot, codeHash]) */
        struct bts_rlp_item l, f[4];
        struct bts_rlp_iter it;
        rc = bts_rlp_decode(&l, v, vlen);
        bts_rlp_iter_init(&it, &l);
        for (int i = 0; rc == BT_OK && i < 4; i++)
            rc = bts_rlp_iter_next(&it, &f[i]);
        if (rc == BT_OK)
            rc = bts_rlp_item_u64(&f[0], &nonce);
        if (rc == BT_OK &&
            (f[1].payload_len > 32 || f[2].payload_len != 32 || f[3].payload_len != 32))
            rc = BT_EIO;
        if (rc == BT_OK) {
            bts_u256_load_be_bytes(&bal, f[1].payload, f[1].payload_len);
            memcpy(storage_root, f[2].payload, 32);
            memcpy(code_hash, f[3].payload, 32);
        }
    } else if (g != BT_ENOTFOUND) {
        rc = g;
    }
    if (rc == BT_OK)
        rc = bts_trie_prove(acct, addr, 20, &proof);
    int has_storage = memcmp(storage_root, bts_trie_empty_root, 32) != 0;
    if (rc == BT_OK && has_storage)
        rc = bts_trie_new(&stt, &store, storage_root, BTS_TRIE_SECURE);
    json_t *sp = rc == BT_OK ? storage_proofs(stt, keys, &rc) : NULL;
    json_t *ap = rc == BT_OK ? proof_json(&proof) : NULL;
    if (rc == BT_EINVAL) {
        json_decref(sp);
        json_decref(ap);
        eth_bad_arg(call, 1, "unable to decode storage key: hex string invalid");
        goto out;
    }
    if (rc != BT_OK || !sp || !ap) {
        json_decref(sp);
        json_decref(ap);
        eth_server_error(call, bts_status_str(rc != BT_OK ? rc : BT_ENOMEM));
        goto out;
    }
    eth_reply(call,
              json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "address", bts_json_new_address(addr),
                        "accountProof", ap, "balance", eth_u256_json(&bal), "codeHash",
                        bts_json_new_hash(code_hash), "nonce", bts_json_new_u64(nonce),
                        "storageHash", bts_json_new_hash(storage_root), "storageProof", sp));
out:
    bts_buf_free(&proof);
    bts_trie_free(acct);
    bts_trie_free(stt);
    chain_header_free(&hd);
    json_decref(p);
}

bt_status eth_state_register(struct eth_api *api)
{
    bt_status prc = rpc_register(api->srv, api, "eth_getProof", 0, m_proof, api);
    if (prc != BT_OK)
        return prc;
    bt_status rc = rpc_register(api->srv, api, "eth_getBalance", 0, m_balance, api);
    if (rc == BT_OK)
        rc = rpc_register(api->srv, api, "eth_getTransactionCount", 0, m_nonce, api);
    if (rc == BT_OK)
        rc = rpc_register(api->srv, api, "eth_getCode", 0, m_code, api);
    if (rc == BT_OK)
        rc = rpc_register(api->srv, api, "eth_getStorageAt", 0, m_storage, api);
    return rc;
}
