/* Private to libbtsdk: the pieces of hash.c that tests drive directly, so the OpenSSL 3.0.0-3.0.6
 * fallback (RIPEMD-160 from the legacy provider) is exercised on newer OpenSSL too. */
#ifndef BTS_HASH_INT_H
#define BTS_HASH_INT_H

#include <openssl/evp.h>

#include <bts/hash.h>

/* Fetch RIPEMD160 from a new library context with the legacy and default providers loaded.
 * *out_ctx receives the context (NULL if it could not be made; the caller frees it with
 * OSSL_LIB_CTX_free after EVP_MD_free). Returns the digest or NULL. */
EVP_MD *bts_hash_fetch_ripemd_legacy_(OSSL_LIB_CTX **out_ctx);

/* Digest data with md into out (out_len bytes). md NULL: out zeroed, returns if_absent. */
bt_status bts_hash_digest_(uint8_t *out, size_t out_len, const EVP_MD *md, const void *data,
                           size_t len, bt_status if_absent);

#endif /* BTS_HASH_INT_H */
