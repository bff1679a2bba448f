/* txgen: signed transfers from the --dev accounts for the multi-node tests, one 0x-hex raw
 * transaction a line (for eth_sendRawTransaction).
 *   txgen FIRST_ACCOUNT N_ACCOUNTS PER_ACCOUNT START_NONCE
 * Account i sends PER_ACCOUNT transfers of 1 wei with nonces START_NONCE.., in rounds (nonce by
 * nonce over the accounts), legacy EIP-155 on chain 1337 at 1 gwei. */
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include <bts/hex.h>
#include <bts/secp.h>
#include <bts/tx.h>

#include "genesis_int.h"

/* A signed legacy EIP-155 transfer into b (reset first). */
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

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: txgen FIRST_ACCOUNT N_ACCOUNTS PER_ACCOUNT START_NONCE\n");
        return 2;
    }
    long first = atol(argv[1]), n = atol(argv[2]), per = atol(argv[3]), nonce0 = atol(argv[4]);
    if (first < 0 || n <= 0 || per < 0 || nonce0 < 0 || first + n > GENESIS_DEV_ACCOUNTS) {
        fprintf(stderr, "txgen: accounts %ld..%ld: the dev genesis funds %d\n", first,
                first + n - 1, GENESIS_DEV_ACCOUNTS);
        return 2;
    }
    uint8_t to[20] = {[0] = 0x70, [19] = 0x01};
    struct bts_buf b = BTS_BUF_INIT;
    char *hex = NULL;
    size_t cap = 0;
    for (long k = 0; k < per; k++) {
        for (long a = first; a < first + n; a++) {
            uint8_t key[32];
            size_t hl;
            if (genesis_dev_key(key, (uint32_t)a) != BT_OK ||
                sign_transfer(&b, key, (uint64_t)(nonce0 + k), to) != BT_OK) {
                fprintf(stderr, "txgen: cannot sign\n");
                return 1;
            }
            if (cap < 2 * b.len + 3) {
                cap = 2 * b.len + 3;
                hex = realloc(hex, cap);
                if (!hex)
                    return 1;
            }
            if (bts_hex_encode(hex, cap, &hl, b.data, b.len, BTS_HEX_0X) != BT_OK)
                return 1;
            printf("%s\n", hex);
        }
    }
    free(hex);
    bts_buf_free(&b);
    return 0;
}
