/* Account state at a block: eth_getBalance, eth_getCode, eth_getStorageAt,
 * eth_getTransactionCount (with "pending": the pool's next nonce). go-ethereum
 * internal/ethapi/api.go (BlockChainAPI). */
#include "eth_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/json.h>

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

bt_status eth_state_register(struct eth_api *api)
{
    bt_status rc = rpc_register(api->srv, api, "eth_getBalance", 0, m_balance, api);
    if (rc == BT_OK)
        rc = rpc_register(api->srv, api, "eth_getTransactionCount", 0, m_nonce, api);
    if (rc == BT_OK)
        rc = rpc_register(api->srv, api, "eth_getCode", 0, m_code, api);
    if (rc == BT_OK)
        rc = rpc_register(api->srv, api, "eth_getStorageAt", 0, m_storage, api);
    return rc;
}
