/* One-shot SHA-256 and RIPEMD-160 over OpenSSL EVP (bts/hash.h). The EVP_MD objects are fetched
 * once per process: an implicit fetch on every call (EVP_sha256()) costs a method-store lookup
 * that dominates short inputs such as 21-byte TRON addresses. */
#include <bts/hash.h>

#include <pthread.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "hash_int.h"

static pthread_once_t hash_once = PTHREAD_ONCE_INIT;
static EVP_MD *hash_sha256_md;
static EVP_MD *hash_ripemd_md;
/* Only used when RIPEMD-160 had to come from the legacy provider (OpenSSL < 3.0.7). Kept for
 * the life of the process, like the fetched digests. */
static struct bts_hash_legacy hash_legacy;

EVP_MD *bts_hash_legacy_fetch_(struct bts_hash_legacy *l)
{
    memset(l, 0, sizeof(*l));
    l->ctx = OSSL_LIB_CTX_new();
    if (l->ctx)
        l->legacy = OSSL_PROVIDER_load(l->ctx, "legacy");
    if (l->legacy)
        l->dflt = OSSL_PROVIDER_load(l->ctx, "default");
    if (l->dflt)
        l->md = EVP_MD_fetch(l->ctx, "RIPEMD160", NULL);
    ERR_clear_error();
    return l->md;
}

void bts_hash_legacy_free_(struct bts_hash_legacy *l)
{
    EVP_MD_free(l->md);
    if (l->dflt)
        OSSL_PROVIDER_unload(l->dflt);
    if (l->legacy)
        OSSL_PROVIDER_unload(l->legacy);
    OSSL_LIB_CTX_free(l->ctx);
    memset(l, 0, sizeof(*l));
}

static void hash_init(void)
{
    hash_sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
    /* The default provider has RIPEMD160 since OpenSSL 3.0.7; the failed fetch leaves an error
     * on the thread's queue, which we clear so it does not surface in unrelated code. */
    hash_ripemd_md = EVP_MD_fetch(NULL, "RIPEMD160", NULL);
    if (!hash_ripemd_md) {
        ERR_clear_error();
        hash_ripemd_md = bts_hash_legacy_fetch_(&hash_legacy);
    }
}

bt_status bts_hash_digest_(uint8_t *out, size_t out_len, const EVP_MD *md, const void *data,
                           size_t len, bt_status if_absent)
{
    unsigned n = 0;
    if (!md) {
        memset(out, 0, out_len);
        return if_absent;
    }
    /* EVP_Digest may read `data` even when len is 0; give it a valid pointer. */
    if (EVP_Digest(len ? data : "", len, out, &n, md, NULL) != 1 || n != out_len) {
        ERR_clear_error();
        memset(out, 0, out_len);
        return BT_EINTERNAL;
    }
    return BT_OK;
}

bt_status bts_sha256(uint8_t out[32], const void *data, size_t len)
{
    pthread_once(&hash_once, hash_init);
    return bts_hash_digest_(out, 32, hash_sha256_md, data, len, BT_EINTERNAL);
}

bt_status bts_sha256d(uint8_t out[32], const void *data, size_t len)
{
    uint8_t h[32];
    bt_status st = bts_sha256(h, data, len);
    if (st != BT_OK) {
        memset(out, 0, 32);
        return st;
    }
    return bts_sha256(out, h, sizeof(h));
}

bt_status bts_ripemd160(uint8_t out[20], const void *data, size_t len)
{
    pthread_once(&hash_once, hash_init);
    return bts_hash_digest_(out, 20, hash_ripemd_md, data, len, BT_ENOTSUP);
}
