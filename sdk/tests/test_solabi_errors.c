/* Solidity ABI error paths: values that do not fit their type on encode, malformed and hostile
 * encodings on decode (bounds, dirty words, huge lengths, aliased tails), and revert payloads
 * (Error(string), Panic(uint256), anything else). */
#include <bts/solabi.h>

#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

#define W0   "0000000000000000000000000000000000000000000000000000000000000000"
#define W(x) "00000000000000000000000000000000000000000000000000000000000000" x
#define WMAX "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

static struct bts_solabi_type *type_of(const char *s)
{
    struct bts_solabi_type *t = NULL;
    CU_ASSERT_EQUAL_FATAL(bts_solabi_type_parse(&t, s, strlen(s)), BT_OK);
    return t;
}

/* Decode hex as type; return the status (and free the tree on success). */
static bt_status decode_hex(const char *type_str, const char *hex)
{
    struct bts_solabi_type *t = type_of(type_str);
    size_t n = 0;
    uint8_t *data = bts_test_unhex(hex, &n);
    CU_ASSERT_FATAL(data != NULL);
    struct bts_solabi_value *v = (struct bts_solabi_value *)1;
    bt_status st = bts_solabi_decode(&v, t, data, n);
    if (st != BT_OK)
        CU_ASSERT_PTR_NULL(v);
    bts_solabi_value_free(st == BT_OK ? v : NULL);
    free(data);
    bts_solabi_type_free(t);
    return st;
}

static bt_status encode_one(const char *type_str, const struct bts_solabi_value *v)
{
    struct bts_solabi_type *t = type_of(type_str);
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_buf_append_str(&b, "keep"), BT_OK);
    bt_status st = bts_solabi_encode(&b, t, v);
    if (st != BT_OK) /* out is left as it was */
        CU_ASSERT(b.len == 4 && memcmp(b.data, "keep", 5) == 0);
    bts_buf_free(&b);
    bts_solabi_type_free(t);
    return st;
}

static void test_solabi_errors_encode_value_must_fit(void)
{
    struct bts_solabi_value v, items[3], top;
    uint8_t addr[20] = {0};
    bts_solabi_val_uint(&v, 300);
    CU_ASSERT_EQUAL(encode_one("uint8", &v), BT_EINVAL);
    CU_ASSERT_EQUAL(encode_one("uint16", &v), BT_OK);
    bts_solabi_val_int(&v, 128);
    CU_ASSERT_EQUAL(encode_one("int8", &v), BT_EINVAL);
    bts_solabi_val_int(&v, -129);
    CU_ASSERT_EQUAL(encode_one("int8", &v), BT_EINVAL);
    CU_ASSERT_EQUAL(encode_one("int16", &v), BT_OK);
    bts_solabi_val_uint(&v, 1);
    CU_ASSERT_EQUAL(encode_one("int8", &v), BT_EINVAL); /* kind mismatch */
    bts_solabi_val_address(&v, addr);
    v.word[0] = 1; /* dirty high bytes */
    CU_ASSERT_EQUAL(encode_one("address", &v), BT_EINVAL);
    bts_solabi_val_bool(&v, true);
    v.word[31] = 2;
    CU_ASSERT_EQUAL(encode_one("bool", &v), BT_EINVAL);
    bts_solabi_val_fixed_bytes(&v, "abcde", 5);
    CU_ASSERT_EQUAL(encode_one("bytes4", &v), BT_EINVAL);
    CU_ASSERT_EQUAL(encode_one("bytes5", &v), BT_OK);
    bts_solabi_val_bytes(&v, NULL, 3);
    CU_ASSERT_EQUAL(encode_one("bytes", &v), BT_EINVAL);
    bts_solabi_val_bytes(&v, "abc", 3);
    CU_ASSERT_EQUAL(encode_one("string", &v), BT_EINVAL);

    for (int i = 0; i < 3; i++)
        bts_solabi_val_uint(&items[i], (uint64_t)i);
    bts_solabi_val_list(&top, BTS_SOLABI_ARRAY, items, 3);
    CU_ASSERT_EQUAL(encode_one("uint8[2]", &top), BT_EINVAL);
    CU_ASSERT_EQUAL(encode_one("uint8[3]", &top), BT_OK);
    bts_solabi_val_list(&top, BTS_SOLABI_TUPLE, items, 3);
    CU_ASSERT_EQUAL(encode_one("(uint8,uint8)", &top), BT_EINVAL);
    bts_solabi_val_list(&top, BTS_SOLABI_DYN_ARRAY, NULL, 2);
    CU_ASSERT_EQUAL(encode_one("uint8[]", &top), BT_EINVAL);
    /* A bad item deep inside rolls back everything appended before it. */
    struct bts_solabi_value s[2], outer;
    bts_solabi_val_string(&s[0], "a long string that makes the tail grow a lot before failing");
    bts_solabi_val_uint(&s[1], 256);
    bts_solabi_val_list(&outer, BTS_SOLABI_TUPLE, s, 2);
    CU_ASSERT_EQUAL(encode_one("(string,uint8)", &outer), BT_EINVAL);
}

static void test_solabi_errors_decode_bounds(void)
{
    /* Truncated static head. */
    CU_ASSERT_EQUAL(decode_hex("(uint256,uint256)", W("01")), BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("uint256", "00"), BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("uint256", ""), BT_EINVAL);
    /* Offset past the end, at the very end, and larger than 64 bits. */
    CU_ASSERT_EQUAL(decode_hex("(bytes)", W("40") W("00")), BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("(bytes)", W("20")), BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("(bytes)", WMAX W("00")), BT_EINVAL);
    CU_ASSERT_EQUAL(
        decode_hex("(bytes)",
                   "0000000000000000000000000000000100000000000000000000000000000020" W("00")),
        BT_EINVAL);
    /* Length past the end. */
    CU_ASSERT_EQUAL(decode_hex("(bytes)", W("20") W("21") W0), BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("(string)", W("20") WMAX), BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("bytes", W("01")), BT_EINVAL);
    /* Huge array lengths are refused before any allocation. */
    CU_ASSERT_EQUAL(decode_hex("(uint256[])", W("20") WMAX), BT_EINVAL);
    CU_ASSERT_EQUAL(
        decode_hex("(uint256[])",
                   W("20") "000000000000000000000000000000000000000000000000000000ffffffffff"),
        BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("(uint256[])", W("20") W("02") W("01")), BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("(string[])", W("20") W("02") W("40")), BT_EINVAL);
    /* A static array longer than the data. */
    CU_ASSERT_EQUAL(decode_hex("uint8[3]", W("01") W("02")), BT_EINVAL);

    /* The good versions decode, with trailing bytes ignored and bytes padding not required
     * (as solc and go-ethereum). */
    CU_ASSERT_EQUAL(decode_hex("(bytes)", W("20") W("00")), BT_OK);
    CU_ASSERT_EQUAL(decode_hex("(bytes)", W("20") W("01") "ff"), BT_OK);
    CU_ASSERT_EQUAL(decode_hex("(uint256[])", W("20") W("01") W("01") "ffff"), BT_OK);
    CU_ASSERT_EQUAL(decode_hex("()", ""), BT_OK);
    CU_ASSERT_EQUAL(decode_hex("()", W("01")), BT_OK);
}

static void test_solabi_errors_decode_dirty_words(void)
{
    CU_ASSERT_EQUAL(decode_hex("uint8", W("ff")), BT_OK);
    CU_ASSERT_EQUAL(
        decode_hex("uint8", "0000000000000000000000000000000000000000000000000000000000000100"),
        BT_EINVAL);
    CU_ASSERT_EQUAL(
        decode_hex("uint248", "0100000000000000000000000000000000000000000000000000000000000000"),
        BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("uint256", WMAX), BT_OK);
    CU_ASSERT_EQUAL(decode_hex("int8", WMAX), BT_OK);
    CU_ASSERT_EQUAL(decode_hex("int8", W("80")), BT_EINVAL); /* 128 without sign extension */
    CU_ASSERT_EQUAL(
        decode_hex("int8", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        BT_EINVAL);
    CU_ASSERT_EQUAL(
        decode_hex("int16", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8000"),
        BT_OK);
    CU_ASSERT_EQUAL(
        decode_hex("address", "000000000000000000000000ffffffffffffffffffffffffffffffffffffffff"),
        BT_OK);
    CU_ASSERT_EQUAL(
        decode_hex("address", "000000000000000000000001ffffffffffffffffffffffffffffffffffffffff"),
        BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("bool", W("01")), BT_OK);
    CU_ASSERT_EQUAL(decode_hex("bool", W("02")), BT_EINVAL);
    CU_ASSERT_EQUAL(
        decode_hex("bool", "0100000000000000000000000000000000000000000000000000000000000001"),
        BT_EINVAL);
    CU_ASSERT_EQUAL(
        decode_hex("bytes2", "ffff000000000000000000000000000000000000000000000000000000000000"),
        BT_OK);
    CU_ASSERT_EQUAL(
        decode_hex("bytes2", "ffff010000000000000000000000000000000000000000000000000000000000"),
        BT_EINVAL);
    CU_ASSERT_EQUAL(decode_hex("bytes32", WMAX), BT_OK);
    /* A dirty word deep inside a dynamic structure fails the whole decode. */
    CU_ASSERT_EQUAL(decode_hex("(bool[])", W("20") W("02") W("01") W("02")), BT_EINVAL);
}

/* string[][] whose outer offsets all point at one inner array of many strings, all pointing
 * at one string: a few hundred bytes that would expand to a huge tree. The budget refuses it;
 * the same shape with few elements is accepted (aliasing itself is legal). */
static void test_solabi_errors_decode_aliasing_bomb(void)
{
    const size_t n = 200;
    struct bts_buf b = BTS_BUF_INIT;
    uint8_t w[32];
    /* (string[][]) */
    bts_solabi_word_u64(w, 32); /* offset of the outer array */
    CU_ASSERT_FATAL(bts_buf_append(&b, w, 32) == BT_OK);
    bts_solabi_word_u64(w, n);
    CU_ASSERT_FATAL(bts_buf_append(&b, w, 32) == BT_OK);
    /* n outer offsets, all to the inner array right after them (relative to outer + 32). */
    bts_solabi_word_u64(w, 32 * n);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_FATAL(bts_buf_append(&b, w, 32) == BT_OK);
    bts_solabi_word_u64(w, n);
    CU_ASSERT_FATAL(bts_buf_append(&b, w, 32) == BT_OK);
    bts_solabi_word_u64(w, 32 * n); /* every string at the same place */
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_FATAL(bts_buf_append(&b, w, 32) == BT_OK);
    bts_solabi_word_u64(w, 0); /* the empty string */
    CU_ASSERT_FATAL(bts_buf_append(&b, w, 32) == BT_OK);

    struct bts_solabi_type *t = type_of("(string[][])");
    struct bts_solabi_value *v = NULL;
    /* n * n = 40000 strings from about 13 KB: more than (len / 32) * (depth + 1) + 1. */
    CU_ASSERT_EQUAL(bts_solabi_decode(&v, t, b.data, b.len), BT_EINVAL);
    CU_ASSERT_PTR_NULL(v);

    /* Two outer entries sharing one inner array of two strings is fine. */
    static const char *small = W("20") W("02") W("40") W("40") W("02") W("40") W("40")
        W("01") "6100000000000000000000000000000000000000000000000000000000000000";
    size_t sl = 0;
    uint8_t *sd = bts_test_unhex(small, &sl);
    CU_ASSERT_EQUAL(bts_solabi_decode(&v, t, sd, sl), BT_OK);
    CU_ASSERT_EQUAL(v->items[0].n_items, 2);
    CU_ASSERT_EQUAL(v->items[0].items[1].n_items, 2);
    CU_ASSERT_EQUAL(v->items[0].items[1].items[1].len, 1);
    bts_solabi_value_free(v);
    free(sd);
    bts_solabi_type_free(t);
    bts_buf_free(&b);
}

static void test_solabi_errors_decode_null_data(void)
{
    struct bts_solabi_type *t = type_of("()");
    struct bts_solabi_value *v = NULL;
    CU_ASSERT_EQUAL(bts_solabi_decode(&v, t, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(v->kind, BTS_SOLABI_TUPLE);
    CU_ASSERT_EQUAL(v->n_items, 0);
    bts_solabi_value_free(v);
    CU_ASSERT_EQUAL(bts_solabi_decode(&v, t, NULL, 32), BT_EINVAL);
    bts_solabi_type_free(t);
}

static bt_status revert_hex(struct bts_solabi_revert *r, const char *hex)
{
    size_t n = 0;
    static uint8_t keep[1024];
    uint8_t *p = bts_test_unhex(hex, &n);
    CU_ASSERT_FATAL(p != NULL && n <= sizeof(keep));
    memcpy(keep, p, n); /* reason points into the input: keep it alive for the caller */
    free(p);
    return bts_solabi_decode_revert(r, keep, n);
}

static void test_solabi_errors_revert_reasons(void)
{
    struct bts_solabi_revert r;
    /* Solidity docs (control structures): revert("Not enough Ether provided."). */
    CU_ASSERT_EQUAL(
        revert_hex(&r,
                   "08c379a0" W("20")
                       W("1a") "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000"),
        BT_OK);
    CU_ASSERT_EQUAL(r.kind, BTS_SOLABI_REVERT_ERROR);
    CU_ASSERT_EQUAL(r.reason_len, 26);
    CU_ASSERT(r.reason && memcmp(r.reason, "Not enough Ether provided.", 26) == 0);

    CU_ASSERT_EQUAL(revert_hex(&r, "4e487b71" W("11")), BT_OK);
    CU_ASSERT_EQUAL(r.kind, BTS_SOLABI_REVERT_PANIC);
    CU_ASSERT_EQUAL(r.panic_code[31], 0x11);
    CU_ASSERT_STRING_EQUAL(bts_solabi_panic_str(r.panic_code), "arithmetic underflow or overflow");
    CU_ASSERT_EQUAL(revert_hex(&r, "4e487b71" W("01")), BT_OK);
    CU_ASSERT_STRING_EQUAL(bts_solabi_panic_str(r.panic_code), "assert(false)");
    CU_ASSERT_EQUAL(revert_hex(&r, "4e487b71" W("99")), BT_OK);
    CU_ASSERT_PTR_NULL(bts_solabi_panic_str(r.panic_code));
    CU_ASSERT_EQUAL(revert_hex(&r, "4e487b71" WMAX), BT_OK);
    CU_ASSERT_PTR_NULL(bts_solabi_panic_str(r.panic_code));

    /* Not ours: empty, short, custom errors. */
    CU_ASSERT_EQUAL(revert_hex(&r, ""), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(revert_hex(&r, "08c379"), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(revert_hex(&r, "12345678" W("20")), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_solabi_decode_revert(&r, NULL, 0), BT_ENOTFOUND);

    /* Right selector, malformed body. */
    CU_ASSERT_EQUAL(revert_hex(&r, "08c379a0"), BT_EINVAL);
    CU_ASSERT_EQUAL(revert_hex(&r, "08c379a0" W("20")), BT_EINVAL);
    CU_ASSERT_EQUAL(revert_hex(&r, "08c379a0" W("40") W("01")), BT_EINVAL);
    CU_ASSERT_EQUAL(revert_hex(&r, "08c379a0" W("20") W("21") W0), BT_EINVAL);
    CU_ASSERT_EQUAL(revert_hex(&r, "08c379a0" WMAX W("00")), BT_EINVAL);
    CU_ASSERT_EQUAL(revert_hex(&r, "4e487b71"
                                   "0011"),
                    BT_EINVAL);
    /* The empty reason is a reason. */
    CU_ASSERT_EQUAL(revert_hex(&r, "08c379a0" W("20") W("00")), BT_OK);
    CU_ASSERT_EQUAL(r.reason_len, 0);
}

BTS_TEST_SUITE("solabi_errors", NULL, NULL, BTS_TEST(test_solabi_errors_encode_value_must_fit),
               BTS_TEST(test_solabi_errors_decode_bounds),
               BTS_TEST(test_solabi_errors_decode_dirty_words),
               BTS_TEST(test_solabi_errors_decode_aliasing_bomb),
               BTS_TEST(test_solabi_errors_decode_null_data),
               BTS_TEST(test_solabi_errors_revert_reasons));
