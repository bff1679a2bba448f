/* main() for every CUnit suite: runs bts_test_suites, prints the counts, maps the result to an
 * exit status CTest understands (0 pass, 1 fail, 77 skip). */
#include <bts/test.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <CUnit/Basic.h>

#include <bts/hex.h>

#ifndef BT_FIXTURES_DEFAULT
#define BT_FIXTURES_DEFAULT "../shared/fixtures"
#endif

const char *bts_test_fixture(const char *rel)
{
    static char path[4096];
    const char *root = getenv("BT_FIXTURES");
    if (!root || !*root)
        root = BT_FIXTURES_DEFAULT;
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr,
                "\n*** SKIPPED: fixtures absent: %s\n"
                "*** set BT_FIXTURES or -DBT_FIXTURES_DIR to the shared fixtures directory\n\n",
                path);
        fflush(NULL);
        exit(77);
    }
    return path;
}

char *bts_test_read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        CU_FAIL("cannot open file");
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        CU_FAIL("out of memory");
        return NULL;
    }
    buf[len] = 0;
    if (out_len)
        *out_len = len;
    return buf;
}

uint8_t *bts_test_unhex(const char *hex, size_t *out_len)
{
    size_t n = strlen(hex);
    uint8_t *out = malloc(n / 2 + 1);
    size_t len = 0;
    if (!out || bts_hex_decode(out, n / 2 + 1, &len, hex, n, 0) != BT_OK) {
        free(out);
        return NULL;
    }
    if (out_len)
        *out_len = len;
    return out;
}

void bts_test_assert_hex_(const void *got, size_t len, const char *want_hex, const char *file,
                          unsigned line)
{
    char *got_hex = malloc(len * 2 + 1);
    size_t hex_len;
    if (!got_hex || bts_hex_encode(got_hex, len * 2 + 1, &hex_len, got, len, 0) != BT_OK) {
        free(got_hex);
        CU_assertImplementation(CU_FALSE, line, "out of memory", file, "", CU_FALSE);
        return;
    }
    int ok = strcasecmp(got_hex, want_hex) == 0;
    if (!ok)
        fprintf(stderr, "\n%s:%u: hex mismatch\n  got:  %s\n  want: %s\n", file, line, got_hex,
                want_hex);
    CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, "BTS_ASSERT_HEX", file, "", CU_FALSE);
    free(got_hex);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    if (CU_register_suites(bts_test_suites) != CUE_SUCCESS) {
        fprintf(stderr, "suite registration failed: %s\n", CU_get_error_msg());
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    unsigned run = CU_get_number_of_tests_run();
    unsigned tests_failed = CU_get_number_of_tests_failed();
    printf("\n%u passed, %u failed\n", run - tests_failed, tests_failed);
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
