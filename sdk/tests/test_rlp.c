/* RLP unit tests: encoder known answers, list nesting, typed reads, and one case per decoding
 * error sub-code (bts/rlp.h). The ethereum-tests fixtures live in test_rlp_fixtures.c. */
#include <bts/rlp.h>
#include <bts/test.h>

#include <stdlib.h>
#include <string.h>

/* Inputs of decode_hex stay alive (items point into them) until the suite's cleanup; a ring of
 * slots bounds the memory. */
static uint8_t *inputs[16];
static size_t next_input;

static int free_inputs(void)
{
    for (size_t i = 0; i < BTS_ARRAY_SIZE(inputs); i++) {
        free(inputs[i]);
        inputs[i] = NULL;
    }
    return 0;
}

/* Decode hex and run bts_rlp_decode on it; returns the status. */
static bt_status decode_hex(const char *hex, struct bts_rlp_item *out)
{
    size_t n, slot = next_input++ % BTS_ARRAY_SIZE(inputs);
    free(inputs[slot]);
    inputs[slot] = bts_test_unhex(hex, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(inputs[slot]);
    struct bts_rlp_item tmp;
    return bts_rlp_decode(out ? out : &tmp, inputs[slot], n);
}

#define ASSERT_DECODE(hex, want)                                                                   \
    do {                                                                                           \
        bt_status st_ = decode_hex((hex), NULL);                                                   \
        if (st_ != (want))                                                                         \
            fprintf(stderr, "%s: got %s, want %s\n", (hex), bts_rlp_strerror(st_),                 \
                    bts_rlp_strerror(want));                                                       \
        CU_ASSERT_EQUAL(st_, (want));                                                              \
    } while (0)

static void test_rlp_encode_strings(void)
{
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, NULL, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, "\x05", 1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, "\x80", 1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, "dog", 3), BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "8005818083646f67");
    bts_buf_reset(&b);

    uint8_t s[56];
    memset(s, 0xaa, sizeof(s));
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, s, 55), BT_OK);
    CU_ASSERT_EQUAL(b.len, 56);
    CU_ASSERT_EQUAL(b.data[0], 0xb7);
    CU_ASSERT_EQUAL(bts_rlp_bytes_len(s, 55), 56);
    bts_buf_reset(&b);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, s, 56), BT_OK);
    CU_ASSERT_EQUAL(b.len, 58);
    BTS_ASSERT_HEX(b.data, 2, "b838");
    CU_ASSERT_EQUAL(bts_rlp_bytes_len(s, 56), 58);
    CU_ASSERT_EQUAL(bts_rlp_bytes_len("\x7f", 1), 1);
    CU_ASSERT_EQUAL(bts_rlp_bytes_len("\x80", 1), 2);
    CU_ASSERT_EQUAL(bts_rlp_bytes_len(NULL, 0), 1);
    bts_buf_free(&b);
}

static void test_rlp_encode_integers(void)
{
    static const struct {
        uint64_t v;
        const char *hex;
    } cases[] = {
        {0, "80"},
        {1, "01"},
        {0x7f, "7f"},
        {0x80, "8180"},
        {1000, "8203e8"},
        {100000, "830186a0"},
        {UINT64_MAX, "88ffffffffffffffff"},
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(cases); i++) {
        struct bts_buf b = BTS_BUF_INIT;
        CU_ASSERT_EQUAL(bts_rlp_encode_u64(&b, cases[i].v), BT_OK);
        BTS_ASSERT_HEX(b.data, b.len, cases[i].hex);
        CU_ASSERT_EQUAL(bts_rlp_u64_len(cases[i].v), b.len);
        struct bts_rlp_item it;
        uint64_t got;
        CU_ASSERT_EQUAL(bts_rlp_decode(&it, b.data, b.len), BT_OK);
        CU_ASSERT_EQUAL(bts_rlp_item_u64(&it, &got), BT_OK);
        CU_ASSERT_EQUAL(got, cases[i].v);
        bts_buf_free(&b);
    }
}

static void test_rlp_encode_u256(void)
{
    uint8_t v[32] = {0};
    struct bts_buf b = BTS_BUF_INIT;
    CU_ASSERT_EQUAL(bts_rlp_encode_u256_be(&b, v), BT_OK);
    v[31] = 0x7f;
    CU_ASSERT_EQUAL(bts_rlp_encode_u256_be(&b, v), BT_OK);
    v[30] = 0x01;
    CU_ASSERT_EQUAL(bts_rlp_encode_u256_be(&b, v), BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "807f82017f");
    bts_buf_reset(&b);
    memset(v, 0xff, 32);
    CU_ASSERT_EQUAL(bts_rlp_encode_u256_be(&b, v), BT_OK);
    CU_ASSERT_EQUAL(b.len, 33);
    CU_ASSERT_EQUAL(b.data[0], 0xa0);

    struct bts_rlp_item it;
    uint8_t got[32];
    CU_ASSERT_EQUAL(bts_rlp_decode(&it, b.data, b.len), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_item_u256_be(&it, got), BT_OK);
    CU_ASSERT(memcmp(got, v, 32) == 0);
    bts_buf_free(&b);
}

static void test_rlp_encode_nested_lists(void)
{
    /* [ [], [[]], [ [], [[]] ] ] from the Yellow Paper's set-theoretic example. */
    struct bts_buf b = BTS_BUF_INIT;
    size_t m0, m1, m2, m3, m4;
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &m0), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &m1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, m1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &m1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &m2), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, m2), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, m1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &m1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &m2), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, m2), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &m3), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &m4), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, m4), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, m3), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, m1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, m0), BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "c7c0c1c0c3c0c1c0");
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, b.len), BT_EINVAL);
    bts_buf_free(&b);
}

static void test_rlp_encode_long_list_moves_payload(void)
{
    /* An inner list of 60 bytes inside an outer list of > 255 bytes: both headers grow. */
    struct bts_buf b = BTS_BUF_INIT;
    size_t outer, inner;
    uint8_t s[60];
    memset(s, 0x11, sizeof(s));
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &outer), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, "x", 1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &inner), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, s, 58), BT_OK); /* 60-byte item */
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, inner), BT_OK);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&b, s, 60), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, outer), BT_OK);

    /* Compare with the known-size path. */
    struct bts_buf want = BTS_BUF_INIT;
    size_t inner_payload = bts_rlp_bytes_len(s, 58);
    size_t payload = 1 + bts_rlp_list_len(inner_payload) + 4 * bts_rlp_bytes_len(s, 60);
    CU_ASSERT_EQUAL(bts_rlp_encode_list_header(&want, payload), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&want, "x", 1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_list_header(&want, inner_payload), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&want, s, 58), BT_OK);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(bts_rlp_encode_bytes(&want, s, 60), BT_OK);
    CU_ASSERT_EQUAL(b.len, want.len);
    CU_ASSERT_EQUAL(b.len, bts_rlp_list_len(payload));
    CU_ASSERT(b.len == want.len && memcmp(b.data, want.data, b.len) == 0);
    BTS_ASSERT_HEX(b.data, 3, "f90137");
    CU_ASSERT_EQUAL(bts_rlp_validate(b.data, b.len, 2), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_validate(b.data, b.len, 1), BTS_RLP_ETOO_DEEP);
    bts_buf_free(&b);
    bts_buf_free(&want);
}

static void test_rlp_encode_raw_appends_verbatim(void)
{
    struct bts_buf b = BTS_BUF_INIT;
    size_t m;
    CU_ASSERT_EQUAL(bts_rlp_list_begin(&b, &m), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_raw(&b, "\xc2\x01\x02", 3), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_encode_u64(&b, 3), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_list_end(&b, m), BT_OK);
    BTS_ASSERT_HEX(b.data, b.len, "c4c2010203");
    bts_buf_free(&b);
}

static void test_rlp_decode_iterates_list(void)
{
    struct bts_rlp_item top, it;
    CU_ASSERT_EQUAL_FATAL(decode_hex("c6827a77c10401", &top), BT_OK);
    CU_ASSERT(top.is_list);
    CU_ASSERT_EQUAL(top.payload_len, 6);
    size_t n;
    CU_ASSERT_EQUAL(bts_rlp_list_count(&top, &n), BT_OK);
    CU_ASSERT_EQUAL(n, 3);

    struct bts_rlp_iter iter;
    bts_rlp_iter_init(&iter, &top);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&iter, &it), BT_OK);
    CU_ASSERT(!it.is_list);
    CU_ASSERT_EQUAL(it.payload_len, 2);
    CU_ASSERT(memcmp(it.payload, "zw", 2) == 0);
    CU_ASSERT_EQUAL(it.raw_len, 3);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&iter, &it), BT_OK);
    CU_ASSERT(it.is_list);
    CU_ASSERT_EQUAL(it.raw_len, 2);
    struct bts_rlp_iter sub;
    struct bts_rlp_item four;
    uint64_t v;
    bts_rlp_iter_init(&sub, &it);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&sub, &four), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_item_u64(&four, &v), BT_OK);
    CU_ASSERT_EQUAL(v, 4);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&sub, &four), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&iter, &it), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_item_u64(&it, &v), BT_OK);
    CU_ASSERT_EQUAL(v, 1);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&iter, &it), BT_ENOTFOUND);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&iter, &it), BT_ENOTFOUND);
    CU_ASSERT_PTR_NULL(it.raw);
}

static void test_rlp_iter_stops_at_bad_child(void)
{
    /* decode_prefix checks only the outer header, so the bad child surfaces while iterating. */
    const uint8_t in[] = {0xc4, 0x01, 0x81, 0x05, 0x02};
    struct bts_rlp_item top, it;
    struct bts_rlp_iter iter;
    size_t n;
    CU_ASSERT_EQUAL_FATAL(bts_rlp_decode_prefix(&top, in, sizeof(in)), BT_OK);
    CU_ASSERT_EQUAL(top.raw_len, 5);
    CU_ASSERT_EQUAL(bts_rlp_decode(&it, in, sizeof(in)), BTS_RLP_ESINGLE_BYTE);
    bts_rlp_iter_init(&iter, &top);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&iter, &it), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&iter, &it), BTS_RLP_ESINGLE_BYTE);
    CU_ASSERT_PTR_NULL(it.raw);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&iter, &it), BTS_RLP_ESINGLE_BYTE); /* stays there */
    CU_ASSERT_EQUAL(bts_rlp_list_count(&top, &n), BTS_RLP_ESINGLE_BYTE);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(bts_rlp_decode_prefix(&top, in, 0), BTS_RLP_ETRUNCATED);
    CU_ASSERT_PTR_NULL(top.raw);
}

static void test_rlp_decode_rejects_truncated(void)
{
    ASSERT_DECODE("", BTS_RLP_ETRUNCATED);
    ASSERT_DECODE("b8", BTS_RLP_ETRUNCATED);
    ASSERT_DECODE("b901", BTS_RLP_ETRUNCATED);
    ASSERT_DECODE("f9", BTS_RLP_ETRUNCATED);
    ASSERT_DECODE("c2f901", BTS_RLP_ETRUNCATED); /* inside a list */
}

static void test_rlp_decode_rejects_trailing(void)
{
    ASSERT_DECODE("0000", BTS_RLP_ETRAILING);
    ASSERT_DECODE("c0c0", BTS_RLP_ETRAILING);
    ASSERT_DECODE("83646f6700", BTS_RLP_ETRAILING);
    struct bts_rlp_item it;
    CU_ASSERT_EQUAL(bts_rlp_decode_prefix(&it,
                                          (const uint8_t *)"\x83"
                                                           "dog!",
                                          5),
                    BT_OK);
    CU_ASSERT_EQUAL(it.raw_len, 4);
}

static void test_rlp_decode_rejects_single_byte(void)
{
    ASSERT_DECODE("8105", BTS_RLP_ESINGLE_BYTE);
    ASSERT_DECODE("8100", BTS_RLP_ESINGLE_BYTE);
    ASSERT_DECODE("817f", BTS_RLP_ESINGLE_BYTE);
    ASSERT_DECODE("8180", BT_OK);
    ASSERT_DECODE("c28105", BTS_RLP_ESINGLE_BYTE); /* nested */
}

static void test_rlp_decode_rejects_noncanonical_length(void)
{
    ASSERT_DECODE("b801ff", BTS_RLP_ENONCANON_LEN);   /* long form for 1 byte */
    ASSERT_DECODE("f80180", BTS_RLP_ENONCANON_LEN);   /* long form for a 1-byte list */
    ASSERT_DECODE("b800", BTS_RLP_ENONCANON_LEN);     /* long form, zero length */
    ASSERT_DECODE("b90038", BTS_RLP_ENONCANON_LEN);   /* leading zero in length */
    ASSERT_DECODE("c3b80100", BTS_RLP_ENONCANON_LEN); /* nested */
}

static void test_rlp_decode_rejects_length_overflow(void)
{
    ASSERT_DECODE("81", BTS_RLP_ELEN_OVERFLOW);
    ASSERT_DECODE("83646f", BTS_RLP_ELEN_OVERFLOW);
    ASSERT_DECODE("c5010203", BTS_RLP_ELEN_OVERFLOW);
    ASSERT_DECODE("bf0f000000000000021111", BTS_RLP_ELEN_OVERFLOW);
    ASSERT_DECODE("bfffffffffffffffff00", BTS_RLP_ELEN_OVERFLOW);
    ASSERT_DECODE("c28201", BTS_RLP_ELEN_OVERFLOW); /* child runs past its parent */
    ASSERT_DECODE("c2c201", BTS_RLP_ELEN_OVERFLOW);
}

static void test_rlp_item_rejects_integer_leading_zero(void)
{
    struct bts_rlp_item it;
    uint64_t v = 7;
    uint8_t u[32];
    CU_ASSERT_EQUAL_FATAL(decode_hex("00", &it), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_item_u64(&it, &v), BTS_RLP_EINT_LEADING_ZERO);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL_FATAL(decode_hex("820001", &it), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_item_u64(&it, &v), BTS_RLP_EINT_LEADING_ZERO);
    CU_ASSERT_EQUAL(bts_rlp_item_u256_be(&it, u), BTS_RLP_EINT_LEADING_ZERO);
    CU_ASSERT_EQUAL_FATAL(decode_hex("80", &it), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_item_u64(&it, &v), BT_OK);
    CU_ASSERT_EQUAL(v, 0);
}

static void test_rlp_item_rejects_integer_overflow(void)
{
    struct bts_rlp_item it;
    uint64_t v;
    uint8_t u[32];
    CU_ASSERT_EQUAL_FATAL(decode_hex("89010000000000000000", &it), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_item_u64(&it, &v), BTS_RLP_EINT_OVERFLOW);
    CU_ASSERT_EQUAL(BT_STATUS_PRIMARY(BTS_RLP_EINT_OVERFLOW), BT_ERANGE);
    CU_ASSERT_EQUAL(bts_rlp_item_u256_be(&it, u), BT_OK);
    BTS_ASSERT_HEX(u + 23, 9, "010000000000000000");
    CU_ASSERT_EQUAL_FATAL(
        decode_hex("a1010000000000000000000000000000000000000000000000000000000000000000", &it),
        BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_item_u256_be(&it, u), BTS_RLP_EINT_OVERFLOW);
}

/* `depth` lists nested inside one another. Written back to front, because wrapping with
 * list_begin/list_end would move the payload once per level (quadratic). */
static void build_nest(struct bts_buf *b, size_t depth)
{
    size_t cap = depth * 5, pos = cap;
    uint8_t *tmp = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
    for (size_t d = 0; d < depth; d++) {
        struct bts_buf hdr = BTS_BUF_INIT;
        CU_ASSERT_EQUAL_FATAL(bts_rlp_encode_list_header(&hdr, cap - pos), BT_OK);
        pos -= hdr.len;
        memcpy(tmp + pos, hdr.data, hdr.len);
        bts_buf_free(&hdr);
    }
    CU_ASSERT_EQUAL_FATAL(bts_buf_append(b, tmp + pos, cap - pos), BT_OK);
    free(tmp);
}

static void test_rlp_decode_rejects_too_deep(void)
{
    /* A depth bomb: 100000 nested lists; validation must neither recurse nor accept it. */
    size_t depth = 100000;
    struct bts_buf b = BTS_BUF_INIT;
    build_nest(&b, depth);
    CU_ASSERT_EQUAL(bts_rlp_validate(b.data, b.len, depth), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_validate(b.data, b.len, depth - 1), BTS_RLP_ETOO_DEEP);
    struct bts_rlp_item it;
    CU_ASSERT_EQUAL(bts_rlp_decode(&it, b.data, b.len), BTS_RLP_ETOO_DEEP);
    CU_ASSERT_PTR_NULL(it.raw);
    CU_ASSERT_EQUAL(bts_rlp_decode_max_depth(&it, b.data, b.len, depth), BT_OK);
    CU_ASSERT(it.is_list);

    /* list_begin/list_end build the same bytes. */
    struct bts_buf c = BTS_BUF_INIT;
    size_t marks[300];
    for (size_t d = 0; d < 300; d++)
        CU_ASSERT_EQUAL_FATAL(bts_rlp_list_begin(&c, &marks[d]), BT_OK);
    for (size_t d = 300; d > 0; d--)
        CU_ASSERT_EQUAL_FATAL(bts_rlp_list_end(&c, marks[d - 1]), BT_OK);
    bts_buf_reset(&b);
    build_nest(&b, 300);
    CU_ASSERT(b.len == c.len && memcmp(b.data, c.data, c.len) == 0);
    bts_buf_free(&c);

    /* Exactly at the default limit passes, one more fails. */
    bts_buf_reset(&b);
    build_nest(&b, BTS_RLP_MAX_DEPTH);
    CU_ASSERT_EQUAL(bts_rlp_decode(&it, b.data, b.len), BT_OK);
    bts_buf_reset(&b);
    build_nest(&b, BTS_RLP_MAX_DEPTH + 1);
    CU_ASSERT_EQUAL(bts_rlp_decode(&it, b.data, b.len), BTS_RLP_ETOO_DEEP);
    bts_buf_free(&b);

    CU_ASSERT_EQUAL(bts_rlp_validate((const uint8_t *)"\x80", 1, 0), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_validate((const uint8_t *)"\xc0", 1, 0), BTS_RLP_ETOO_DEEP);
    CU_ASSERT_EQUAL(bts_rlp_validate((const uint8_t *)"\xc0", 1, 1), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_validate((const uint8_t *)"\xc1\xc0", 2, 1), BTS_RLP_ETOO_DEEP);
    CU_ASSERT_EQUAL(bts_rlp_validate((const uint8_t *)"\xc1\xc0", 2, 2), BT_OK);
}

static void test_rlp_item_type_and_size_errors(void)
{
    struct bts_rlp_item list, str;
    uint64_t v;
    uint8_t addr[20];
    const uint8_t *p;
    size_t n;
    CU_ASSERT_EQUAL_FATAL(decode_hex("c0", &list), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_item_u64(&list, &v), BTS_RLP_EWRONG_TYPE);
    CU_ASSERT_EQUAL(bts_rlp_item_fixed(&list, addr, 20), BTS_RLP_EWRONG_TYPE);
    CU_ASSERT_EQUAL(bts_rlp_item_bytes(&list, &p, &n), BTS_RLP_EWRONG_TYPE);
    CU_ASSERT_PTR_NULL(p);
    CU_ASSERT_EQUAL_FATAL(decode_hex("94000102030405060708090a0b0c0d0e0f10111213", &str), BT_OK);
    CU_ASSERT_EQUAL(bts_rlp_item_fixed(&str, addr, 20), BT_OK);
    BTS_ASSERT_HEX(addr, 20, "000102030405060708090a0b0c0d0e0f10111213");
    uint8_t hash[32];
    CU_ASSERT_EQUAL(bts_rlp_item_fixed(&str, hash, 32), BTS_RLP_EWRONG_SIZE);
    CU_ASSERT_EQUAL(bts_rlp_item_bytes(&str, &p, &n), BT_OK);
    CU_ASSERT_EQUAL(n, 20);
    struct bts_rlp_iter it;
    struct bts_rlp_item x;
    bts_rlp_iter_init(&it, &str);
    CU_ASSERT_EQUAL(bts_rlp_iter_next(&it, &x), BTS_RLP_EWRONG_TYPE);
    CU_ASSERT_EQUAL(bts_rlp_list_count(&str, &n), BTS_RLP_EWRONG_TYPE);
}

static void test_rlp_strerror_names_every_code(void)
{
    static const bt_status codes[] = {
        BTS_RLP_ETRUNCATED,    BTS_RLP_ETRAILING,     BTS_RLP_ESINGLE_BYTE,
        BTS_RLP_ENONCANON_LEN, BTS_RLP_ELEN_OVERFLOW, BTS_RLP_EINT_LEADING_ZERO,
        BTS_RLP_ETOO_DEEP,     BTS_RLP_EWRONG_TYPE,   BTS_RLP_EWRONG_SIZE,
        BTS_RLP_EINT_OVERFLOW,
    };
    for (size_t i = 0; i < BTS_ARRAY_SIZE(codes); i++) {
        CU_ASSERT(strncmp(bts_rlp_strerror(codes[i]), "rlp: ", 5) == 0);
        for (size_t j = 0; j < i; j++)
            CU_ASSERT(codes[i] != codes[j]);
    }
    CU_ASSERT_STRING_EQUAL(bts_rlp_strerror(BT_ENOMEM), "out of memory");
    CU_ASSERT_STRING_EQUAL(bts_rlp_strerror(BT_OK), "ok");
}

BTS_TEST_SUITE(
    "rlp", NULL, free_inputs, BTS_TEST(test_rlp_encode_strings), BTS_TEST(test_rlp_encode_integers),
    BTS_TEST(test_rlp_encode_u256), BTS_TEST(test_rlp_encode_nested_lists),
    BTS_TEST(test_rlp_encode_long_list_moves_payload),
    BTS_TEST(test_rlp_encode_raw_appends_verbatim), BTS_TEST(test_rlp_decode_iterates_list),
    BTS_TEST(test_rlp_iter_stops_at_bad_child), BTS_TEST(test_rlp_decode_rejects_truncated),
    BTS_TEST(test_rlp_decode_rejects_trailing), BTS_TEST(test_rlp_decode_rejects_single_byte),
    BTS_TEST(test_rlp_decode_rejects_noncanonical_length),
    BTS_TEST(test_rlp_decode_rejects_length_overflow),
    BTS_TEST(test_rlp_item_rejects_integer_leading_zero),
    BTS_TEST(test_rlp_item_rejects_integer_overflow), BTS_TEST(test_rlp_decode_rejects_too_deep),
    BTS_TEST(test_rlp_item_type_and_size_errors), BTS_TEST(test_rlp_strerror_names_every_code));
