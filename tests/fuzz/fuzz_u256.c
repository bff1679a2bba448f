/* Fuzz bts_u256 against GMP. Input: three length bytes (each taken mod 33), then the three
 * operands as right-aligned big-endian byte strings of those lengths (short input: fewer bytes),
 * so small and large operands are both cheap to reach. Every operation is compared with the
 * GMP model of sdk/tests/u256_ref.h; the whole input is also parsed as decimal and QUANTITY
 * text and checked against GMP's parser. Any disagreement abort()s. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include <bts/u256.h>

#include "../../sdk/tests/u256_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void take(struct bts_u256 *out, const uint8_t **p, size_t *left, size_t want)
{
    size_t n = want < *left ? want : *left;
    bts_u256_load_be_bytes(out, *p, n);
    *p += n;
    *left -= n;
}

static int is_digits(const char *s, size_t len, int hex)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int ok =
            (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
        if (!ok)
            return 0;
    }
    return 1;
}

/* Parse the input as text both ways and check the verdicts against the grammar and GMP. */
static void check_text(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct bts_u256 x;
    mpz_t z, lim;
    mpz_inits(z, lim, NULL);
    mpz_setbit(lim, 256);
    char *copy = malloc(size + 1);
    if (!copy)
        abort();

    bt_status st = bts_u256_from_dec(&x, s, size);
    int digits = size > 0 && is_digits(s, size, 0);
    if (digits) {
        memcpy(copy, s, size);
        copy[size] = '\0';
        if (mpz_set_str(z, copy, 10) != 0)
            abort();
    }
    if (!digits && st != BT_EINVAL)
        abort();
    if (digits && st != (mpz_cmp(z, lim) < 0 ? BT_OK : BT_ERANGE))
        abort();
    if (st == BT_OK) {
        struct bts_u256 w;
        ref_put(&w, z);
        if (!bts_u256_eq(&x, &w))
            abort();
    }
    if (st != BT_OK && !bts_u256_is_zero(&x))
        abort();

    st = bts_u256_from_hex(&x, s, size);
    int quantity = size >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
                   is_digits(s + 2, size - 2, 1) && !(size > 3 && s[2] == '0');
    if (!quantity && st != BT_EINVAL)
        abort();
    if (quantity) {
        memcpy(copy, s + 2, size - 2);
        copy[size - 2] = '\0';
        if (mpz_set_str(z, copy, 16) != 0)
            abort();
        if (st != (mpz_cmp(z, lim) < 0 ? BT_OK : BT_ERANGE))
            abort();
        struct bts_u256 w;
        ref_put(&w, z);
        if (st == BT_OK && !bts_u256_eq(&x, &w))
            abort();
    }
    if (st != BT_OK && !bts_u256_is_zero(&x))
        abort();
    free(copy);
    mpz_clears(z, lim, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_text(data, size);

    size_t len[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++)
        len[i] = size > (size_t)i ? data[i] % 33u : 0;
    const uint8_t *p = data + (size < 3 ? size : 3);
    size_t left = size < 3 ? 0 : size - 3;
    struct bts_u256 a, b, c;
    take(&a, &p, &left, len[0]);
    take(&b, &p, &left, len[1]);
    take(&c, &p, &left, len[2]);

    char why[1024];
    if (u256_ref_check(why, sizeof(why), &a, &b, &c)) {
        fprintf(stderr, "fuzz_u256: %s\n", why);
        abort();
    }
    return 0;
}
