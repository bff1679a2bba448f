/* RLP against ethereum-tests/RLPTests: rlptest.json (encode "in", compare with "out", then decode
 * "out" and re-encode it from the parsed tree), invalidRLPTest.json (every "out" rejected) and
 * RandomRLPTests/example.json (decode, re-encode identically). */
#include <bts/rlp.h>
#include <bts/test.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static json_t *load(const char *rel)
{
    json_error_t err;
    /* JSON_ALLOW_NUL: rlptest.json's bytestring00 is "\u0000". */
    json_t *j = json_load_file(bts_test_fixture(rel), JSON_ALLOW_NUL, &err);
    if (!j)
        fprintf(stderr, "%s: %s at line %d\n", rel, err.text, err.line);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    return j;
}

/* "#<decimal>" big integer to minimal big-endian bytes; returns the length (0 for zero). */
static size_t decimal_to_be(const char *dec, uint8_t out[64])
{
    memset(out, 0, 64);
    for (; *dec; dec++) {
        unsigned carry = (unsigned)(*dec - '0');
        for (size_t i = 64; i > 0; i--) {
            unsigned v = out[i - 1] * 10u + carry;
            out[i - 1] = (uint8_t)v;
            carry = v >> 8;
        }
        CU_ASSERT_EQUAL(carry, 0);
    }
    size_t skip = 0;
    while (skip < 64 && out[skip] == 0)
        skip++;
    memmove(out, out + skip, 64 - skip);
    return 64 - skip;
}

/* Encode a fixture "in" value: strings as bytes, "#n" as big integers, integers, arrays as lists.
 */
static bt_status encode_json(struct bts_buf *b, const json_t *v)
{
    if (json_is_integer(v))
        return bts_rlp_encode_u64(b, (uint64_t)json_integer_value(v));
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (s[0] == '#') {
            uint8_t be[64];
            size_t n = decimal_to_be(s + 1, be);
            return bts_rlp_encode_bytes(b, be, n);
        }
        return bts_rlp_encode_bytes(b, s, json_string_length(v));
    }
    if (!json_is_array(v))
        return BT_EINVAL;
    size_t mark, i;
    json_t *e;
    bt_status st = bts_rlp_list_begin(b, &mark);
    json_array_foreach(v, i, e)
    {
        if (st == BT_OK)
            st = encode_json(b, e);
    }
    return st == BT_OK ? bts_rlp_list_end(b, mark) : st;
}

/* Re-encode a decoded tree item by item (not by copying raw), so a decoder that accepted a
 * non-canonical form would show up as a mismatch. */
static bt_status reencode(struct bts_buf *b, const struct bts_rlp_item *it)
{
    if (!it->is_list)
        return bts_rlp_encode_bytes(b, it->payload, it->payload_len);
    size_t mark;
    bt_status st = bts_rlp_list_begin(b, &mark);
    struct bts_rlp_iter iter;
    struct bts_rlp_item child;
    bts_rlp_iter_init(&iter, it);
    while (st == BT_OK && (st = bts_rlp_iter_next(&iter, &child)) == BT_OK)
        st = reencode(b, &child);
    if (st != BT_ENOTFOUND)
        return st;
    return bts_rlp_list_end(b, mark);
}

/* Decode `hex`, re-encode the tree, and require the same bytes. */
static int roundtrip_hex(const char *name, const char *hex)
{
    size_t n;
    uint8_t *in = bts_test_unhex(hex, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    struct bts_rlp_item top;
    struct bts_buf b = BTS_BUF_INIT;
    bt_status st = bts_rlp_decode(&top, in, n);
    if (st == BT_OK)
        st = reencode(&b, &top);
    int ok = st == BT_OK && b.len == n && memcmp(b.data, in, n) == 0;
    if (!ok)
        fprintf(stderr, "%s: round trip failed: %s\n", name, bts_rlp_strerror(st));
    CU_ASSERT(ok);
    bts_buf_free(&b);
    free(in);
    return ok;
}

static void test_rlp_fixtures_encode(void)
{
    json_t *root = load("ethereum-tests/RLPTests/rlptest.json");
    const char *name;
    json_t *tc;
    size_t total = 0, passed = 0, roundtrips = 0;
    json_object_foreach(root, name, tc)
    {
        total++;
        size_t n;
        uint8_t *want = bts_test_unhex(json_string_value(json_object_get(tc, "out")), &n);
        CU_ASSERT_PTR_NOT_NULL_FATAL(want);
        struct bts_buf b = BTS_BUF_INIT;
        bt_status st = encode_json(&b, json_object_get(tc, "in"));
        int ok = st == BT_OK && b.len == n && memcmp(b.data, want, n) == 0;
        if (!ok)
            fprintf(stderr, "rlptest %s: encoding differs (%s)\n", name, bts_rlp_strerror(st));
        CU_ASSERT(ok);
        passed += ok;
        roundtrips += roundtrip_hex(name, json_string_value(json_object_get(tc, "out")));
        bts_buf_free(&b);
        free(want);
    }
    printf("\nrlptest.json: %zu/%zu encoded, %zu/%zu decoded and re-encoded\n", passed, total,
           roundtrips, total);
    CU_ASSERT(total >= 28);
    json_decref(root);
}

static void test_rlp_fixtures_invalid_rejected(void)
{
    json_t *root = load("ethereum-tests/RLPTests/invalidRLPTest.json");
    const char *name;
    json_t *tc;
    size_t total = 0, rejected = 0;
    json_object_foreach(root, name, tc)
    {
        total++;
        size_t n;
        uint8_t *in = bts_test_unhex(json_string_value(json_object_get(tc, "out")), &n);
        CU_ASSERT_PTR_NOT_NULL_FATAL(in);
        struct bts_rlp_item top;
        bt_status st = bts_rlp_decode(&top, in, n);
        if (st == BT_OK)
            fprintf(stderr, "invalidRLPTest %s: accepted\n", name);
        else
            printf("invalidRLPTest %s: %s\n", name, bts_rlp_strerror(st));
        CU_ASSERT(st != BT_OK && BT_STATUS_PRIMARY(st) == BT_EINVAL);
        rejected += st != BT_OK;
        free(in);
    }
    printf("invalidRLPTest.json: %zu/%zu rejected\n", rejected, total);
    CU_ASSERT(total >= 26);
    json_decref(root);
}

static void test_rlp_fixtures_random_roundtrip(void)
{
    json_t *root = load("ethereum-tests/RLPTests/RandomRLPTests/example.json");
    const char *name;
    json_t *tc;
    size_t total = 0, passed = 0;
    json_object_foreach(root, name, tc)
    {
        total++;
        passed += roundtrip_hex(name, json_string_value(json_object_get(tc, "out")));
    }
    printf("RandomRLPTests/example.json: %zu/%zu decoded and re-encoded\n", passed, total);
    CU_ASSERT(total >= 1);
    json_decref(root);
}

BTS_TEST_SUITE("rlp_fixtures", NULL, NULL, BTS_TEST(test_rlp_fixtures_encode),
               BTS_TEST(test_rlp_fixtures_invalid_rejected),
               BTS_TEST(test_rlp_fixtures_random_roundtrip));
