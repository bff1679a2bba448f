/* The bttc-multi bench's own chain and load (bench_bttc_multi.mjs):
 *   bench_bttc_multi_gen genesis OUT.json SENDERS GAS_LIMIT
 *     the `--chain devnet` genesis (Bttc rules, genesis contracts, span 0 = dev accounts 0-3,
 *     the 10 dev accounts funded) with SENDERS more funded accounts and the block gas limit
 *     GAS_LIMIT, as geth-style JSON for `bttcd run --genesis`;
 *   bench_bttc_multi_gen txs FIRST N PER NONCE0
 *     signed 1-wei transfers (legacy EIP-155, chain 1337, 1 gwei, 21000 gas) from senders
 *     FIRST..FIRST+N-1, PER each from nonce NONCE0, one 0x-hex raw transaction a line, nonce by
 *     nonce over the senders (so any prefix leaves no sender with a nonce gap).
 * Sender i's key is keccak256("bttc-multi sender" || i as 4 bytes big-endian): public, test only.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/secp.h>
#include <bts/tx.h>

#include "genesis_int.h"

static void sender_key(uint8_t key[32], uint32_t i)
{
    static const char tag[] = "bttc-multi sender";
    uint8_t in[sizeof(tag) - 1 + 4];
    memcpy(in, tag, sizeof(tag) - 1);
    in[sizeof(tag) - 1] = (uint8_t)(i >> 24);
    in[sizeof(tag)] = (uint8_t)(i >> 16);
    in[sizeof(tag) + 1] = (uint8_t)(i >> 8);
    in[sizeof(tag) + 2] = (uint8_t)i;
    bts_keccak256(key, in, sizeof(in));
}

static json_t *hex_json(const uint8_t *b, size_t n)
{
    char *s = malloc(2 * n + 3);
    size_t sl;
    json_t *j =
        s && bts_hex_encode(s, 2 * n + 3, &sl, b, n, BTS_HEX_0X) == BT_OK ? json_string(s) : NULL;
    free(s);
    return j;
}

static json_t *u256_json(const struct bts_u256 *v)
{
    uint8_t be[32];
    char s[80];
    size_t sl;
    bts_u256_store_be(be, v);
    return bts_hex_format_u256(s, sizeof(s), &sl, be) == BT_OK ? json_string(s) : NULL;
}

static json_t *account_json(const struct alloc_account *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "balance", u256_json(&a->balance));
    if (a->nonce)
        json_object_set_new(o, "nonce", json_integer((json_int_t)a->nonce));
    if (a->code_len)
        json_object_set_new(o, "code", hex_json(a->code, a->code_len));
    if (a->n_storage) {
        json_t *st = json_object();
        for (size_t k = 0; k < a->n_storage; k++) {
            json_t *key = hex_json(a->storage[k].key.bytes, 32);
            json_object_set_new(st, json_string_value(key),
                                hex_json(a->storage[k].value.bytes, 32));
            json_decref(key);
        }
        json_object_set_new(o, "storage", st);
    }
    return o;
}

static int write_genesis(const char *path, uint32_t senders, uint64_t gas_limit)
{
    struct genesis g;
    char err[512] = "";
    if (genesis_devnet(&g, GENESIS_DEV_ACCOUNTS, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "genesis: %s\n", err);
        return 1;
    }
    struct bts_u256 bal = bts_u256_from_u64(1000000000000000000ULL); /* 1 ether each */
    for (uint32_t i = 0; i < senders; i++) {
        uint8_t key[32];
        struct bt_address a;
        sender_key(key, i);
        if (bts_secp_seckey_to_address(a.bytes, key) != BT_OK ||
            alloc_add_balance(&g.alloc, &a, &bal) != BT_OK) {
            fprintf(stderr, "genesis: sender %u\n", i);
            genesis_free(&g);
            return 1;
        }
    }
    json_t *alloc = json_object();
    for (size_t i = 0; i < g.alloc.n; i++) {
        char h[43];
        size_t hl;
        if (bts_hex_encode(h, sizeof(h), &hl, g.alloc.accounts[i].addr.bytes, 20, BTS_HEX_0X) !=
            BT_OK)
            return 1;
        json_object_set_new(alloc, h, account_json(&g.alloc.accounts[i]));
    }
    /* The Bor parameters must be the ones the bench gives consensus-bttc (period 2, sprint 16,
     * producer delay 2, backup multiplier 2). */
    json_t *cfg =
        json_pack("{s:I,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:{s:i,s:i,s:i,s:i,s:s,s:s}}",
                  "chainId", (json_int_t)g.config.chain_id, "homesteadBlock", 0, "eip150Block", 0,
                  "eip155Block", 0, "eip158Block", 0, "byzantiumBlock", 0, "constantinopleBlock", 0,
                  "petersburgBlock", 0, "istanbulBlock", 0, "muirGlacierBlock", 0, "berlinBlock", 0,
                  "bor", "period", 2, "producerDelay", 2, "sprint", 16, "backupMultiplier", 2,
                  "validatorContract", "0x0000000000000000000000000000000000001000",
                  "stateReceiverContract", "0x0000000000000000000000000000000000001001");
    char ts[24], gl[24];
    snprintf(ts, sizeof(ts), "0x%llx", (unsigned long long)g.timestamp);
    snprintf(gl, sizeof(gl), "0x%llx", (unsigned long long)gas_limit);
    json_t *j = json_pack("{s:o,s:s,s:s,s:s,s:o}", "config", cfg, "timestamp", ts, "gasLimit", gl,
                          "difficulty", "0x1", "alloc", alloc);
    genesis_free(&g);
    int rc = j && json_dump_file(j, path, JSON_COMPACT) == 0 ? 0 : 1;
    json_decref(j);
    if (rc)
        fprintf(stderr, "genesis: cannot write %s\n", path);
    return rc;
}

/* A signed legacy EIP-155 transfer of 1 wei into b (reset first). */
static bt_status sign_transfer(struct bts_buf *b, const uint8_t key[32], uint64_t nonce,
                               const uint8_t to[20])
{
    struct bts_tx tx;
    memset(&tx, 0, sizeof(tx));
    tx.has_chain_id = 1;
    tx.chain_id = bts_u256_from_u64(1337);
    tx.nonce = nonce;
    tx.gas_price = bts_u256_from_u64(1000000000);
    tx.gas_tip_cap = tx.gas_price;
    tx.gas = 21000;
    tx.has_to = 1;
    memcpy(tx.to.bytes, to, 20);
    tx.value = bts_u256_from_u64(1);
    uint8_t digest[32], sig[65];
    bt_status rc = bts_tx_signing_hash(digest, &tx);
    if (rc == BT_OK)
        rc = bts_secp_sign(sig, key, digest);
    if (rc != BT_OK)
        return rc;
    if ((rc = bts_tx_set_signature(&tx, sig)) != BT_OK)
        return rc;
    bts_buf_reset(b);
    return bts_tx_encode(b, &tx);
}

static int write_txs(long first, long n, long per, long nonce0)
{
    uint8_t(*keys)[32] = malloc((size_t)n * 32);
    if (!keys)
        return 1;
    for (long a = 0; a < n; a++)
        sender_key(keys[a], (uint32_t)(first + a));
    uint8_t to[20] = {[0] = 0x70, [19] = 0x02};
    struct bts_buf b = BTS_BUF_INIT;
    char hex[1024];
    int rc = 0;
    for (long k = 0; k < per && !rc; k++) {
        for (long a = 0; a < n && !rc; a++) {
            size_t hl;
            rc = sign_transfer(&b, keys[a], (uint64_t)(nonce0 + k), to) != BT_OK ||
                 bts_hex_encode(hex, sizeof(hex), &hl, b.data, b.len, BTS_HEX_0X) != BT_OK;
            if (!rc)
                puts(hex);
        }
    }
    bts_buf_free(&b);
    free(keys);
    if (rc)
        fprintf(stderr, "txs: cannot sign\n");
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "genesis") == 0) {
        long senders = atol(argv[3]);
        unsigned long long gas = strtoull(argv[4], NULL, 10);
        if (senders < 0 || senders > 1000000 || gas < 5000)
            return 2;
        return write_genesis(argv[2], (uint32_t)senders, gas);
    }
    if (argc == 6 && strcmp(argv[1], "txs") == 0) {
        long first = atol(argv[2]), n = atol(argv[3]), per = atol(argv[4]), nonce0 = atol(argv[5]);
        if (first < 0 || n <= 0 || per < 0 || nonce0 < 0)
            return 2;
        return write_txs(first, n, per, nonce0);
    }
    fprintf(stderr, "usage: bench_bttc_multi_gen genesis OUT.json SENDERS GAS_LIMIT\n"
                    "       bench_bttc_multi_gen txs FIRST N PER NONCE0\n");
    return 2;
}
