/* The --dev accounts: the keys anvil and hardhat give, so tools and tutorials that assume
 * 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 work unchanged. BIP-39 seed of the well-known
 * mnemonic "test test test test test test test test test test test junk" (no passphrase), then
 * BIP-32 m/44'/60'/0'/0/i. Sources: BIP-39 (seed = PBKDF2-HMAC-SHA512(mnemonic, "mnemonic",
 * 2048)), BIP-32 (CKDpriv), BIP-44 (the path). These keys are public: development only. */
#include "genesis_int.h"

#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <secp256k1.h>

#include <bts/secp.h>

static const char dev_mnemonic[] = "test test test test test test test test test test test junk";

/* The extended key of m/44'/60'/0'/0, derived once. */
static struct {
    pthread_once_t once;
    bt_status st;
    uint8_t key[32];
    uint8_t chain[32];
} parent = {PTHREAD_ONCE_INIT, BT_EINVAL, {0}, {0}};

/* CKDpriv: child `index` (hardened when >= 2^31) of (key, chain) in place. */
static bt_status ckd_priv(const secp256k1_context *ctx, uint8_t key[32], uint8_t chain[32],
                          uint32_t index)
{
    uint8_t data[37], out[64];
    unsigned int out_len = sizeof(out);
    if (index & 0x80000000u) {
        data[0] = 0;
        memcpy(data + 1, key, 32);
    } else {
        secp256k1_pubkey pk;
        size_t n = 33;
        if (!secp256k1_ec_pubkey_create(ctx, &pk, key) ||
            !secp256k1_ec_pubkey_serialize(ctx, data, &n, &pk, SECP256K1_EC_COMPRESSED))
            return BT_EINVAL;
    }
    data[33] = (uint8_t)(index >> 24);
    data[34] = (uint8_t)(index >> 16);
    data[35] = (uint8_t)(index >> 8);
    data[36] = (uint8_t)index;
    bt_status st = BT_EINVAL;
    if (HMAC(EVP_sha512(), chain, 32, data, sizeof(data), out, &out_len) && out_len == 64 &&
        secp256k1_ec_seckey_tweak_add(ctx, key, out)) { /* key = IL + key mod n, both valid */
        memcpy(chain, out + 32, 32);
        st = BT_OK;
    }
    explicit_bzero(data, sizeof(data));
    explicit_bzero(out, sizeof(out));
    return st;
}

static void derive_parent(void)
{
    uint8_t seed[64], out[64];
    unsigned int out_len = sizeof(out);
    static const char salt[] = "mnemonic";
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    parent.st = BT_ENOMEM;
    if (!ctx)
        return;
    parent.st = BT_EINVAL;
    if (PKCS5_PBKDF2_HMAC(dev_mnemonic, (int)strlen(dev_mnemonic), (const unsigned char *)salt,
                          (int)strlen(salt), 2048, EVP_sha512(), sizeof(seed), seed) == 1 &&
        HMAC(EVP_sha512(), "Bitcoin seed", 12, seed, sizeof(seed), out, &out_len) &&
        out_len == 64 && secp256k1_ec_seckey_verify(ctx, out)) {
        memcpy(parent.key, out, 32);
        memcpy(parent.chain, out + 32, 32);
        static const uint32_t path[4] = {0x8000002cu, 0x8000003cu, 0x80000000u, 0};
        parent.st = BT_OK;
        for (int i = 0; i < 4 && parent.st == BT_OK; i++)
            parent.st = ckd_priv(ctx, parent.key, parent.chain, path[i]);
    }
    explicit_bzero(seed, sizeof(seed));
    explicit_bzero(out, sizeof(out));
    secp256k1_context_destroy(ctx);
}

bt_status genesis_dev_key(uint8_t out_seckey[32], uint32_t i)
{
    pthread_once(&parent.once, derive_parent);
    if (parent.st != BT_OK)
        return parent.st;
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (!ctx)
        return BT_ENOMEM;
    uint8_t chain[32];
    memcpy(out_seckey, parent.key, 32);
    memcpy(chain, parent.chain, 32);
    bt_status st = ckd_priv(ctx, out_seckey, chain, i);
    explicit_bzero(chain, sizeof(chain));
    secp256k1_context_destroy(ctx);
    if (st != BT_OK)
        explicit_bzero(out_seckey, 32);
    return st;
}

bt_status genesis_dev_address(struct bt_address *out, uint32_t i)
{
    uint8_t key[32];
    bt_status st = genesis_dev_key(key, i);
    if (st == BT_OK)
        st = bts_secp_seckey_to_address(out->bytes, key);
    explicit_bzero(key, sizeof(key));
    return st;
}
