/* Private to libbtsdk: the pieces of hash.c that tests drive directly, so the OpenSSL 3.0.0-3.0.6
 * fallback (RIPEMD-160 from the legacy provider) is exercised on newer OpenSSL too. */
#ifndef BTS_HASH_INT_H
#define BTS_HASH_INT_H

#include <openssl/evp.h>
#include <openssl/provider.h>

#include <bts/hash.h>

/* A library context of its own with the legacy and default providers loaded, and RIPEMD160
 * fetched from it. */
struct bts_hash_legacy {
    OSSL_LIB_CTX *ctx;
    OSSL_PROVIDER *legacy, *dflt;
    EVP_MD *md; /* NULL when the legacy provider or the digest is unavailable */
};

/* Set up *l (all members NULL on failure of a step; free with bts_hash_legacy_free_).
 * Returns l->md. */
EVP_MD *bts_hash_legacy_fetch_(struct bts_hash_legacy *l);
/* Release what bts_hash_legacy_fetch_ set up; safe on a half-built or zeroed struct. */
void bts_hash_legacy_free_(struct bts_hash_legacy *l);

/* Digest data with md into out (out_len bytes). md NULL: out zeroed, returns if_absent. */
bt_status bts_hash_digest_(uint8_t *out, size_t out_len, const EVP_MD *md, const void *data,
                           size_t len, bt_status if_absent);

#endif /* BTS_HASH_INT_H */
