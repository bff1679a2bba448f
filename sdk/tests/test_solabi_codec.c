/* Solidity ABI encoding and decoding: ethereum-tests ABITests/basic_abi_tests.json, the
 * examples of the Solidity ABI spec (baz, bar, sam, f, g), signed integers, nested dynamic
 * tuples, and the static-arguments fast path. */
#include <bts/solabi.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <bts/test.h>

static struct bts_solabi_type *type_of(const char *s)
{
    struct bts_solabi_type *t = NULL;
    CU_ASSERT_EQUAL_FATAL(bts_solabi_type_parse(&t, s, strlen(s)), BT_OK);
    return t;
}

/* Encode value as type, compare with want_hex, decode back and compare the values. */
static void roundtrip(const char *type_str, const struct bts_solabi_value *v, const char *want_hex)
{
    struct bts_solabi_type *t = type_of(type_str);
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(bts_solabi_encode(&b, t, v), BT_OK);
    if (want_hex)
        BTS_ASSERT_HEX(b.data, b.len, want_hex);
    struct bts_solabi_value *d = NULL;
    CU_ASSERT_EQUAL_FATAL(bts_solabi_decode(&d, t, b.data, b.len), BT_OK);
    CU_ASSERT_TRUE(bts_solabi_value_equal(d, v));
    bts_solabi_value_free(d);
    bts_buf_free(&b);
    bts_solabi_type_free(t);
}

/* A call: selector of sig, then arguments; compare with the spec's hex. */
static void call_matches(const char *sig, const struct bts_solabi_value *args, const char *want_hex)
{
    uint8_t h[32];
    struct bts_solabi_type *t = NULL;
    CU_ASSERT_EQUAL_FATAL(bts_solabi_sig_parse(h, &t, sig, strlen(sig)), BT_OK);
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL_FATAL(bts_solabi_encode_call(&b, h, t, args), BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, want_hex);
    struct bts_solabi_value *d = NULL;
    CU_ASSERT_EQUAL_FATAL(bts_solabi_decode(&d, t, b.data + 4, b.len - 4), BT_OK);
    CU_ASSERT_TRUE(bts_solabi_value_equal(d, args));
    bts_solabi_value_free(d);
    bts_buf_free(&b);
    bts_solabi_type_free(t);
}

#define W0   "0000000000000000000000000000000000000000000000000000000000000000"
#define W(x) "00000000000000000000000000000000000000000000000000000000000000" x

static void test_solabi_codec_spec_baz_bar_sam(void)
{
    struct bts_solabi_value a[3], items[3];
    bts_solabi_val_uint(&a[0], 69);
    bts_solabi_val_bool(&a[1], true);
    struct bts_solabi_value args;
    bts_solabi_val_list(&args, BTS_SOLABI_TUPLE, a, 2);
    call_matches("baz(uint32,bool)", &args, "cdcd77c0" W("45") W("01"));

    bts_solabi_val_fixed_bytes(&items[0], "abc", 3);
    bts_solabi_val_fixed_bytes(&items[1], "def", 3);
    bts_solabi_val_list(&a[0], BTS_SOLABI_ARRAY, items, 2);
    bts_solabi_val_list(&args, BTS_SOLABI_TUPLE, a, 1);
    call_matches("bar(bytes3[2])", &args,
                 "fce353f6"
                 "6162630000000000000000000000000000000000000000000000000000000000"
                 "6465660000000000000000000000000000000000000000000000000000000000");

    bts_solabi_val_bytes(&a[0], "dave", 4);
    bts_solabi_val_bool(&a[1], true);
    for (unsigned i = 0; i < 3; i++)
        bts_solabi_val_uint(&items[i], i + 1);
    bts_solabi_val_list(&a[2], BTS_SOLABI_DYN_ARRAY, items, 3);
    bts_solabi_val_list(&args, BTS_SOLABI_TUPLE, a, 3);
    call_matches("sam(bytes,bool,uint256[])", &args,
                 "a5643bf2" W("60") W("01") W("a0")
                     W("04") "6461766500000000000000000000000000000000000000000000000000000000" W(
                         "03") W("01") W("02") W("03"));
}

static void test_solabi_codec_spec_f(void)
{
    struct bts_solabi_value a[4], arr[2], args;
    bts_solabi_val_uint(&a[0], 0x123);
    bts_solabi_val_uint(&arr[0], 0x456);
    bts_solabi_val_uint(&arr[1], 0x789);
    bts_solabi_val_list(&a[1], BTS_SOLABI_DYN_ARRAY, arr, 2);
    bts_solabi_val_fixed_bytes(&a[2], "1234567890", 10);
    bts_solabi_val_bytes(&a[3], "Hello, world!", 13);
    bts_solabi_val_list(&args, BTS_SOLABI_TUPLE, a, 4);
    call_matches(
        "f(uint,uint32[],bytes10,bytes)", &args,
        "8be65246"
        "0000000000000000000000000000000000000000000000000000000000000123" W(
            "80") "3132333435363738393000000000000000000000000000000000000000000000" W("e0")
            W("02") "0000000000000000000000000000000000000000000000000000000000000456"
                    "0000000000000000000000000000000000000000000000000000000000000789" W(
                        "0d") "48656c6c6f2c20776f726c642100000000000000000000000000000000000000");
}

static void test_solabi_codec_spec_g(void)
{
    struct bts_solabi_value n12[2], n3[1], inner[2], strs[3], a[2], args;
    bts_solabi_val_uint(&n12[0], 1);
    bts_solabi_val_uint(&n12[1], 2);
    bts_solabi_val_uint(&n3[0], 3);
    bts_solabi_val_list(&inner[0], BTS_SOLABI_DYN_ARRAY, n12, 2);
    bts_solabi_val_list(&inner[1], BTS_SOLABI_DYN_ARRAY, n3, 1);
    bts_solabi_val_list(&a[0], BTS_SOLABI_DYN_ARRAY, inner, 2);
    bts_solabi_val_string(&strs[0], "one");
    bts_solabi_val_string(&strs[1], "two");
    bts_solabi_val_string(&strs[2], "three");
    bts_solabi_val_list(&a[1], BTS_SOLABI_DYN_ARRAY, strs, 3);
    bts_solabi_val_list(&args, BTS_SOLABI_TUPLE, a, 2);
    call_matches(
        "g(uint256[][],string[])", &args,
        "2289b18c" W("40") "0000000000000000000000000000000000000000000000000000000000000140" W(
            "02") W("40") W("a0") W("02") W("01") W("02") W("01") W("03") W("03") W("60") W("a0")
            W("e0") W("03") "6f6e65000000000000000000000000000000000000000000000000000000000"
                            "0" W("03") "74776f000000000000000000000000000000000000000000000000"
                                        "0000000000" W("05") "746872656500000000000000000000000"
                                                             "0000000000000000000000000000000");
}

/* A JSON argument of the fixture as a value of type t (numbers, hex addresses, ASCII text). */
static void json_value(struct bts_solabi_value *v, struct bts_solabi_value *pool, size_t *used,
                       const struct bts_solabi_type *t, json_t *j)
{
    switch (t->kind) {
    case BTS_SOLABI_UINT:
        CU_ASSERT_FATAL(json_is_integer(j));
        bts_solabi_val_uint(v, (uint64_t)json_integer_value(j));
        return;
    case BTS_SOLABI_ADDRESS: {
        size_t n = 0;
        uint8_t *a = bts_test_unhex(json_string_value(j), &n);
        CU_ASSERT_FATAL(a && n == 20);
        bts_solabi_val_address(v, a);
        free(a);
        return;
    }
    case BTS_SOLABI_FIXED_BYTES:
        bts_solabi_val_fixed_bytes(v, json_string_value(j), strlen(json_string_value(j)));
        return;
    case BTS_SOLABI_BYTES:
        bts_solabi_val_bytes(v, json_string_value(j), strlen(json_string_value(j)));
        return;
    case BTS_SOLABI_DYN_ARRAY: {
        size_t n = json_array_size(j);
        struct bts_solabi_value *items = pool + *used;
        *used += n;
        for (size_t i = 0; i < n; i++)
            json_value(&items[i], pool, used, t->elem, json_array_get(j, i));
        bts_solabi_val_list(v, BTS_SOLABI_DYN_ARRAY, items, n);
        return;
    }
    case BTS_SOLABI_INT:
    case BTS_SOLABI_BOOL:
    case BTS_SOLABI_STRING:
    case BTS_SOLABI_ARRAY:
    case BTS_SOLABI_TUPLE:
        break;
    }
    CU_FAIL_FATAL("fixture uses a type this test does not convert");
}

static void test_solabi_codec_basic_abi_tests_fixture(void)
{
    const char *path = bts_test_fixture("ethereum-tests/ABITests/basic_abi_tests.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    CU_ASSERT_FATAL(json_is_object(root));
    const char *name;
    json_t *c;
    size_t n_cases = 0;
    json_object_foreach(root, name, c)
    {
        json_t *types = json_object_get(c, "types"), *args = json_object_get(c, "args");
        const char *want = json_string_value(json_object_get(c, "result"));
        CU_ASSERT_FATAL(json_is_array(types) && json_is_array(args) && want);
        struct bts_buf ts = BTS_BUF_INIT;
        CU_ASSERT_FATAL(bts_buf_append_byte(&ts, '(') == BT_OK);
        for (size_t i = 0; i < json_array_size(types); i++)
            CU_ASSERT_FATAL(bts_buf_printf(&ts, "%s%s", i ? "," : "",
                                           json_string_value(json_array_get(types, i))) == BT_OK);
        CU_ASSERT_FATAL(bts_buf_append_byte(&ts, ')') == BT_OK);
        struct bts_solabi_type *t = type_of((const char *)ts.data);

        struct bts_solabi_value pool[64], top;
        size_t used = t->n_fields;
        for (size_t i = 0; i < t->n_fields; i++)
            json_value(&pool[i], pool, &used, &t->fields[i], json_array_get(args, i));
        CU_ASSERT_FATAL(used <= BTS_ARRAY_SIZE(pool));
        bts_solabi_val_list(&top, BTS_SOLABI_TUPLE, pool, t->n_fields);

        struct bts_buf b = BTS_BUF_INIT;
        CU_ASSERT_EQUAL_FATAL(bts_solabi_encode(&b, t, &top), BT_OK);
        BTS_ASSERT_HEX(b.data, b.len, want);
        struct bts_solabi_value *d = NULL;
        CU_ASSERT_EQUAL_FATAL(bts_solabi_decode(&d, t, b.data, b.len), BT_OK);
        CU_ASSERT_TRUE(bts_solabi_value_equal(d, &top));
        if (!bts_solabi_value_equal(d, &top))
            fprintf(stderr, "%s: decoded value differs\n", name);
        bts_solabi_value_free(d);
        bts_buf_free(&b);
        bts_buf_free(&ts);
        bts_solabi_type_free(t);
        n_cases++;
    }
    CU_ASSERT_EQUAL(n_cases, 3);
    json_decref(root);
}

static void test_solabi_codec_signed_integers(void)
{
    struct bts_solabi_value v[4], top;
    bts_solabi_val_int(&v[0], -1);
    bts_solabi_val_int(&v[1], -128);
    bts_solabi_val_int(&v[2], 127);
    bts_solabi_val_int(&v[3], INT64_MIN);
    bts_solabi_val_list(&top, BTS_SOLABI_TUPLE, v, 4);
    roundtrip("(int8,int8,int8,int64)", &top,
              "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
              "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80" W(
                  "7f") "ffffffffffffffffffffffffffffffffffffffffffffffff8000000000000000");
    /* int256 minimum: 0x80 then zeros. */
    uint8_t w[32] = {0x80};
    bts_solabi_val_word(&v[0], BTS_SOLABI_INT, w);
    roundtrip("int256", &v[0],
              "80"
              "00000000000000000000000000000000000000000000000000000000000000");
}

static void test_solabi_codec_nested_dynamic_tuples(void)
{
    /* ((uint256,bytes)[],bool,string[2]) */
    struct bts_solabi_value pairs[2], p0[2], p1[2], strs[2], f[3], top;
    bts_solabi_val_uint(&p0[0], 7);
    bts_solabi_val_bytes(&p0[1], "", 0);
    bts_solabi_val_uint(&p1[0], 8);
    static const uint8_t long_bytes[40] = {1, 2, 3};
    bts_solabi_val_bytes(&p1[1], long_bytes, sizeof(long_bytes));
    bts_solabi_val_list(&pairs[0], BTS_SOLABI_TUPLE, p0, 2);
    bts_solabi_val_list(&pairs[1], BTS_SOLABI_TUPLE, p1, 2);
    bts_solabi_val_list(&f[0], BTS_SOLABI_DYN_ARRAY, pairs, 2);
    bts_solabi_val_bool(&f[1], false);
    bts_solabi_val_string(&strs[0], "x");
    bts_solabi_val_string(&strs[1], "");
    bts_solabi_val_list(&f[2], BTS_SOLABI_ARRAY, strs, 2);
    bts_solabi_val_list(&top, BTS_SOLABI_TUPLE, f, 3);
    /* Hand-derived: head (3 words: offset 0x60, false, offset), then the array (11 words:
     * length, 2 offsets, (7, "") in 3 words at 0x40, (8, 40 bytes) in 5 words at 0xa0), so
     * string[2] starts at 0x60 + 0x160 = 0x1c0. */
    roundtrip("((uint256,bytes)[],bool,string[2])", &top,
              W("60") W0 "00000000000000000000000000000000000000000000000000000000000001c0" W("02")
                  W("40") W("a0")         /* array: len, offsets of the two tuples */
              W("07") W("40") W0          /* (7, "") */
                  W("08") W("40") W("28") /* (8, 40 bytes) */
              "0102030000000000000000000000000000000000000000000000000000000000" W0 W("40") W("80")
                  W("01") /* string[2]: offsets, "x" */
              "7800000000000000000000000000000000000000000000000000000000000000" W0);
    /* An empty dynamic array and an empty argument list. */
    bts_solabi_val_list(&f[0], BTS_SOLABI_DYN_ARRAY, NULL, 0);
    roundtrip("(uint256,bool)[]", &f[0], W("00"));
    bts_solabi_val_list(&top, BTS_SOLABI_TUPLE, NULL, 0);
    roundtrip("()", &top, "");
}

/* A bare dynamic type is enc(value) itself: no leading offset word (abi.encode would add one;
 * use the tuple "(bytes)" for that). */
static void test_solabi_codec_bare_dynamic_type(void)
{
    struct bts_solabi_value v, t1;
    bts_solabi_val_bytes(&v, "\xaa\xbb", 2);
    roundtrip("bytes", &v,
              W("02") "aabb000000000000000000000000000000000000000000000000000000000000");
    bts_solabi_val_list(&t1, BTS_SOLABI_TUPLE, &v, 1);
    roundtrip("(bytes)", &t1,
              W("20") W("02") "aabb000000000000000000000000000000000000000000000000000000000000");
}

static void test_solabi_codec_static_call_fast_path(void)
{
    uint8_t sel[4], addr[20], words[2][32];
    memset(addr, 0x11, sizeof(addr));
    CU_ASSERT_EQUAL(bts_solabi_selector(sel, "transfer(address,uint256)"), BT_OK);
    bts_solabi_word_address(words[0], addr);
    bts_solabi_word_u64(words[1], 1000000);
    struct bts_buf fast = BTS_BUF_INIT, slow = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_solabi_encode_call_words(&fast, sel, (const uint8_t(*)[32])words, 2),
                    BT_OK);

    struct bts_solabi_value a[2], args;
    bts_solabi_val_address(&a[0], addr);
    bts_solabi_val_uint(&a[1], 1000000);
    bts_solabi_val_list(&args, BTS_SOLABI_TUPLE, a, 2);
    struct bts_solabi_type *t = type_of("(address,uint256)");
    CU_ASSERT_EQUAL(bts_solabi_encode_call(&slow, sel, t, &args), BT_OK);
    CU_ASSERT_EQUAL(fast.len, 68);
    CU_ASSERT(fast.len == slow.len && memcmp(fast.data, slow.data, fast.len) == 0);
    BTS_ASSERT_HEX(fast.data, 36,
                   "a9059cbb0000000000000000000000001111111111111111111111111111111111111111");

    /* Appends to what is there. */
    CU_ASSERT_EQUAL(bts_solabi_encode_call_words(&fast, sel, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(fast.len, 72);
    bts_buf_free(&fast);
    bts_buf_free(&slow);
    bts_solabi_type_free(t);
}

static void test_solabi_codec_word_helpers(void)
{
    uint8_t w[32];
    uint64_t x = 0;
    bts_solabi_word_u64(w, 0x0102030405060708ull);
    BTS_ASSERT_HEX(w, 32, "0000000000000000000000000000000000000000000000000102030405060708");
    CU_ASSERT_EQUAL(bts_solabi_word_to_u64(&x, w), BT_OK);
    CU_ASSERT_EQUAL(x, 0x0102030405060708ull);
    w[23] = 1; /* 2^64 */
    x = 5;
    CU_ASSERT_EQUAL(bts_solabi_word_to_u64(&x, w), BT_ERANGE);
    CU_ASSERT_EQUAL(x, 5);

    struct bts_solabi_value a, b;
    bts_solabi_val_uint(&a, 1);
    bts_solabi_val_int(&b, 1);
    CU_ASSERT_FALSE(bts_solabi_value_equal(&a, &b));                           /* kinds differ */
    bts_solabi_val_fixed_bytes(&a, "0123456789abcdef0123456789abcdefXYZ", 35); /* clipped */
    CU_ASSERT_EQUAL(a.word[31], 'f');
}

BTS_TEST_SUITE("solabi_codec", NULL, NULL, BTS_TEST(test_solabi_codec_spec_baz_bar_sam),
               BTS_TEST(test_solabi_codec_spec_f), BTS_TEST(test_solabi_codec_spec_g),
               BTS_TEST(test_solabi_codec_basic_abi_tests_fixture),
               BTS_TEST(test_solabi_codec_signed_integers),
               BTS_TEST(test_solabi_codec_nested_dynamic_tuples),
               BTS_TEST(test_solabi_codec_bare_dynamic_type),
               BTS_TEST(test_solabi_codec_static_call_fast_path),
               BTS_TEST(test_solabi_codec_word_helpers));
