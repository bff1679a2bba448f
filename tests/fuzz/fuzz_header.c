/* libFuzzer target for header decoding (bts/header.h). Whatever decodes must re-encode to exactly
 * the input and hash consistently; the Bor extraData checks, validator reads, seal hash and
 * signer recovery must stay in bounds and agree with each other. Any disagreement aborts. */
#include <bts/header.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_header: %s\n", what);
        abort();
    }
}

static void bor(const struct bts_header *h)
{
    size_t k;
    struct bt_address a;
    struct bts_u256 power;
    uint8_t d[32];
    bt_status st = bts_header_bor_extra_check(h->extra, h->extra_len, h->number, 64, &k);
    if (st == BT_OK) {
        for (size_t i = 0; i < k; i++)
            check(bts_header_bor_validator(h->extra, h->extra_len, i, &a, &power) == BT_OK,
                  "validator in range");
        check(bts_header_bor_validator(h->extra, h->extra_len, k, &a, &power) == BT_ERANGE,
              "validator past the end");
    }
    st = bts_header_bor_seal_hash(d, h, 0);
    check((st == BT_OK) == (h->extra_len >= 65), "seal hash needs 65 bytes");
    st = bts_header_bor_signer(&a, h, BTS_HEADER_BOR_SEAL_F_BASE_FEE);
    check(st == BT_OK || BT_STATUS_PRIMARY(st) == BT_EINVAL, "signer");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bts_header h;
    struct bts_buf b = BTS_BUF_INIT;
    uint8_t h1[32], h2[32];
    if (bts_header_decode(&h, data, size) != BT_OK)
        return 0;
    check(h.n_optional <= BTS_HEADER_OPT_PARENT_BEACON_ROOT, "optional count");
    check(bts_header_encode(&b, &h) == BT_OK, "encode");
    check(b.len == size && memcmp(b.data, data, size) == 0, "re-encoding differs");
    check(bts_header_hash(h1, &h) == BT_OK, "hash");
    bts_keccak256(h2, data, size);
    check(memcmp(h1, h2, 32) == 0, "hash differs from keccak of the input");
    bor(&h);
    bts_buf_free(&b);
    return 0;
}
