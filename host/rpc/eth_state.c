/* Account state at a block: eth_getBalance, eth_getCode, eth_getStorageAt,
 * eth_getTransactionCount; "pending" reads the pending block's state (chain_pending) and the
 * nonce counts every pooled pending transaction (also those past the block's gas). go-ethereum
 * internal/ethapi/api.go (BlockChainAPI). */
#include "eth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/json.h>
#include <bts/keccak.h>
#include <bts/rlp.h>

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
    /* "pending": the pending block's state (chain_pending: head + the pool's pending
     * transactions executed), as geth 1.10 answers from its miner's pending state; except the
     * nonce, which geth takes from the pool (the head's nonce raised by the pooled pending
     * transactions): cheap, and it counts those past the block's gas too. */
    err[0] = '\0';
    bt_status rc = is_pending && w != W_NONCE
                       ? chain_pending(api->c, &st, NULL, NULL, err, sizeof(err))
                       : chain_state_at(api->c, hd.hash, &st);
    chain_header_free(&hd);
    if (rc != BT_OK) {
        eth_server_error(call, rc == BT_ENOTFOUND ? "header not found"
                               : err[0]           ? err
                                                  : bts_status_str(rc));
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
        rpc_call_result_json(call, res);
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

/* [{key, value, proof}] for the slots `keys` of `addr` (geth: the key as given). */
static json_t *storage_proofs(struct state *st, const uint8_t addr[20], const json_t *keys,
                              bt_status *rc)
{
    json_t *arr = json_array();
    struct bts_buf proof = BTS_BUF_INIT;
    if (!arr)
        *rc = BT_ENOMEM;
    for (size_t i = 0; *rc == BT_OK && i < json_array_size(keys); i++) {
        uint8_t key[32], value[32];
        const json_t *kj = json_array_get(keys, i);
        if ((*rc = slot_key(kj, key)) != BT_OK)
            break;
        bts_buf_reset(&proof);
        if ((*rc = state_evm_iface.get_storage(st, addr, key, value)) != BT_OK ||
            (*rc = state_prove_storage(st, addr, key, &proof)) != BT_OK)
            break;
        json_t *pj = proof_json(&proof);
        struct bts_u256 vu;
        bts_u256_load_be(&vu, value);
        json_t *o =
            pj ? json_pack("{s:O,s:o,s:o}", "key", kj, "value", eth_u256_json(&vu), "proof", pj)
               : NULL;
        if (!o || json_array_append_new(arr, o) != 0)
            *rc = BT_ENOMEM;
    }
    bts_buf_free(&proof);
    if (*rc != BT_OK) {
        json_decref(arr);
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
    struct state *st = NULL;
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
    if (eth_block_arg(api, call, p, 2, &hd, NULL) != BT_OK)
        goto out;
    bt_status rc = chain_state_at(api->c, hd.hash, &st);
    uint64_t nonce = 0;
    uint8_t bal[32] = {0}, storage_root[32], code_hash[32];
    if (rc == BT_OK) {
        rc = state_evm_iface.get_account(st, addr, &nonce, bal, code_hash);
        if (rc == BT_ENOTFOUND) {
            nonce = 0;
            memset(bal, 0, 32);
            bts_keccak256(code_hash, NULL, 0);
            rc = BT_OK;
        }
    }
    if (rc == BT_OK)
        rc = state_storage_root(st, addr, storage_root);
    if (rc == BT_OK)
        rc = state_prove_account(st, addr, &proof);
    json_t *sp = rc == BT_OK ? storage_proofs(st, addr, keys, &rc) : NULL;
    json_t *ap = rc == BT_OK ? proof_json(&proof) : NULL;
    if (rc == BT_EINVAL) {
        eth_bad_arg(call, 1, "unable to decode storage key: hex string invalid");
    } else if (rc != BT_OK || !sp || !ap) {
        eth_server_error(call, bts_status_str(rc != BT_OK ? rc : BT_ENOMEM));
    } else {
        rpc_call_result_json(
            call, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "address", bts_json_new_address(addr),
                            "accountProof", ap, "balance", bts_json_new_u256(bal), "codeHash",
                            bts_json_new_hash(code_hash), "nonce", bts_json_new_u64(nonce),
                            "storageHash", bts_json_new_hash(storage_root), "storageProof", sp));
        sp = ap = NULL;
    }
    json_decref(sp);
    json_decref(ap);
out:
    bts_buf_free(&proof);
    state_free(st);
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
