/* SHA-256, double SHA-256 and RIPEMD-160 known answers (FIPS 180-4 examples, the RIPEMD-160
 * authors' test list), plus the legacy-provider path OpenSSL 3.0.0-3.0.6 would take. */
#include <bts/hash.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

#include "../src/hash_int.h" /* drives the legacy-provider fallback directly */

static void test_hash_sha256_vectors(void)
{
    uint8_t h[32];
    CU_ASSERT_EQUAL(bts_sha256(h, NULL, 0), BT_OK);
    BTS_ASSERT_HEX(h, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CU_ASSERT_EQUAL(bts_sha256(h, "abc", 3), BT_OK);
    BTS_ASSERT_HEX(h, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CU_ASSERT_EQUAL(bts_sha256(h, m, strlen(m)), BT_OK);
    BTS_ASSERT_HEX(h, 32, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_hash_sha256_million_a(void)
{
    char *m = malloc(1000000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    memset(m, 'a', 1000000);
    uint8_t h[32], r[20];
    CU_ASSERT_EQUAL(bts_sha256(h, m, 1000000), BT_OK);
    BTS_ASSERT_HEX(h, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CU_ASSERT_EQUAL(bts_ripemd160(r, m, 1000000), BT_OK);
    BTS_ASSERT_HEX(r, 20, "52783243c1697bdbe16d37f97f68f08325dc1528");
    free(m);
}

static void test_hash_sha256d_vectors(void)
{
    uint8_t h[32];
    CU_ASSERT_EQUAL(bts_sha256d(h, NULL, 0), BT_OK);
    BTS_ASSERT_HEX(h, 32, "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456");
    CU_ASSERT_EQUAL(bts_sha256d(h, "abc", 3), BT_OK);
    BTS_ASSERT_HEX(h, 32, "4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358");
}

static void test_hash_ripemd160_vectors(void)
{
    uint8_t h[20];
    CU_ASSERT_EQUAL(bts_ripemd160(h, NULL, 0), BT_OK);
    BTS_ASSERT_HEX(h, 20, "9c1185a5c5e9fc54612808977ee8f548b2258d31");
    CU_ASSERT_EQUAL(bts_ripemd160(h, "abc", 3), BT_OK);
    BTS_ASSERT_HEX(h, 20, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
    CU_ASSERT_EQUAL(bts_ripemd160(h, "message digest", 14), BT_OK);
    BTS_ASSERT_HEX(h, 20, "5d0689ef49d2fae572b881b123a85ffa21595f36");
}

static void test_hash_ripemd160_legacy_provider_agrees(void)
{
    struct bts_hash_legacy l;
    uint8_t h[20];
    /* Debian ships ossl-modules/legacy.so with libssl3, so the fallback must work here. */
    CU_ASSERT_PTR_NOT_NULL(bts_hash_legacy_fetch_(&l));
    CU_ASSERT_PTR_NOT_NULL(l.legacy);
    if (l.md) {
        CU_ASSERT_EQUAL(bts_hash_digest_(h, 20, l.md, "abc", 3, BT_ENOTSUP), BT_OK);
        BTS_ASSERT_HEX(h, 20, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
    }
    bts_hash_legacy_free_(&l);
    bts_hash_legacy_free_(&l); /* zeroed: a second free is harmless */
}

static void test_hash_missing_digest_reports_and_zeroes(void)
{
    uint8_t h[20];
    memset(h, 0xaa, sizeof(h));
    CU_ASSERT_EQUAL(bts_hash_digest_(h, 20, NULL, "abc", 3, BT_ENOTSUP), BT_ENOTSUP);
    for (int i = 0; i < 20; i++)
        CU_ASSERT_EQUAL(h[i], 0);
    /* a digest whose output size does not match is an internal error, output zeroed */
    EVP_MD *sha = EVP_MD_fetch(NULL, "SHA256", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sha);
    uint8_t big[32];
    memset(big, 0xaa, sizeof(big));
    CU_ASSERT_EQUAL(bts_hash_digest_(big, 20, sha, "abc", 3, BT_ENOTSUP), BT_EINTERNAL);
    for (int i = 0; i < 20; i++)
        CU_ASSERT_EQUAL(big[i], 0);
    EVP_MD_free(sha);
}

BTS_TEST_SUITE("hash", NULL, NULL, BTS_TEST(test_hash_sha256_vectors),
               BTS_TEST(test_hash_sha256_million_a), BTS_TEST(test_hash_sha256d_vectors),
               BTS_TEST(test_hash_ripemd160_vectors),
               BTS_TEST(test_hash_ripemd160_legacy_provider_agrees),
               BTS_TEST(test_hash_missing_digest_reports_and_zeroes));
