/* Test support shared by every CUnit suite (in tree and third-party): one suite per file,
 * declared with BTS_TEST_SUITE; libbtsdk_test supplies main(), which runs it, prints CUnit's
 * counts and exits 0 (all passed), 1 (failures) or 77 (skipped: fixtures absent). */
#ifndef BTS_TEST_H
#define BTS_TEST_H

#include <CUnit/CUnit.h>

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Declare the file's suite: a name, optional init/cleanup (NULL) and the test functions.
 *    BTS_TEST_SUITE("rlp", NULL, NULL, BTS_TEST(test_rlp_decode_rejects_leading_zero), ...); */
#define BTS_TEST(fn)                                                                               \
    {                                                                                              \
#fn, fn                                                                                    \
    }
#define BTS_TEST_SUITE(name, init, cleanup, ...)                                                   \
    static CU_TestInfo bts_suite_tests_[] = {__VA_ARGS__, CU_TEST_INFO_NULL};                      \
    CU_SuiteInfo bts_test_suites[] = {{name, init, cleanup, NULL, NULL, bts_suite_tests_},         \
                                      CU_SUITE_INFO_NULL}

/** The suites of this test program, defined by BTS_TEST_SUITE. */
extern CU_SuiteInfo bts_test_suites[];

/** Absolute path of `rel` under the shared fixtures directory ($BT_FIXTURES, else the
 *  directory configured at build time). If it does not exist, print a loud SKIPPED line naming
 *  the path and exit(77) so CTest reports the suite as skipped. Returns a static buffer,
 *  overwritten by the next call. */
const char *bts_test_fixture(const char *rel);

/** Read a whole file into a malloc'd NUL-terminated buffer (free() it); *out_len may be NULL.
 *  Fails the current test and returns NULL if the file cannot be read. */
char *bts_test_read_file(const char *path, size_t *out_len);

/** Decode hex (optional 0x) into a malloc'd buffer; NULL on bad input. For test vectors. */
uint8_t *bts_test_unhex(const char *hex, size_t *out_len);

/** Assert that `len` bytes at `got` equal the hex string `want_hex` (no 0x), printing both on
 *  failure. */
#define BTS_ASSERT_HEX(got, len, want_hex)                                                         \
    bts_test_assert_hex_((got), (len), (want_hex), __FILE__, __LINE__)
void bts_test_assert_hex_(const void *got, size_t len, const char *want_hex, const char *file,
                          unsigned line);

#ifdef __cplusplus
}
#endif

#endif /* BTS_TEST_H */
