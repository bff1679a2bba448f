/* Fuzz the Solidity ABI decoder (bts/solabi.h). The first byte picks a type from a fixed list
 * (static, dynamic, nested tuples and arrays) and the rest is decoded as that type. Whatever
 * decodes must re-encode, decode again to an equal value, and re-encode to the same bytes:
 * the encoder and decoder agree and the decoder's size budget admits canonical encodings.
 * Two extra choices feed the rest to the type-string parser and to the revert decoder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/solabi.h>

static const char *const fuzz_types[] = {
    "uint256",
    "(uint8,int16,address,bool,bytes7)",
    "bytes",
    "string",
    "(bytes)",
    "(string,uint256)",
    "uint32[]",
    "(uint256[],bytes32)",
    "(string[])",
    "(uint256[][])",
    "((uint256,bytes)[],bool,string[2])",
    "(bytes[2][],(int8,string)[])",
    "((string,(bytes,uint8[])[])[])",
    "uint8[3]",
    "(bool[],address[2])",
    "()",
    "(int256,int8[])",
    "(bytes3[2],(uint16,string[])[3])",
    "(uint256,address,bytes)",
    "((((bool,string))))[]",
};
#define N_TYPES (sizeof(fuzz_types) / sizeof(fuzz_types[0]))

static struct bts_solabi_type *parsed[N_TYPES]; /* parsed once, kept for the process */

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_solabi: %s\n", what);
        abort();
    }
}

static void fuzz_decode(const struct bts_solabi_type *t, const uint8_t *data, size_t len)
{
    struct bts_solabi_value *v = NULL, *v2 = NULL;
    if (bts_solabi_decode(&v, t, data, len) != BT_OK)
        return;
    struct bts_buf e1 = BTS_BUF_INIT, e2 = BTS_BUF_INIT;
    check(bts_solabi_encode(&e1, t, v) == BT_OK, "decoded value does not encode");
    check(bts_solabi_decode(&v2, t, e1.data, e1.len) == BT_OK, "own encoding does not decode");
    check(bts_solabi_value_equal(v, v2), "value changed through encode/decode");
    check(bts_solabi_encode(&e2, t, v2) == BT_OK, "second encode failed");
    check(e1.len == e2.len && memcmp(e1.data, e2.data, e1.len) == 0, "encoding not stable");
    bts_buf_free(&e1);
    bts_buf_free(&e2);
    bts_solabi_value_free(v);
    bts_solabi_value_free(v2);
}

/* A parsed type formats to a canonical string that parses to the same canonical string. */
static void fuzz_type_string(const uint8_t *data, size_t len)
{
    struct bts_solabi_type *t = NULL, *t2 = NULL;
    if (bts_solabi_type_parse(&t, (const char *)data, len) != BT_OK)
        return;
    struct bts_buf a = BTS_BUF_INIT, b = BTS_BUF_INIT;
    check(bts_solabi_type_format(&a, t) == BT_OK, "format failed");
    check(bts_solabi_type_parse(&t2, (const char *)a.data, a.len) == BT_OK, "canonical reparse");
    check(bts_solabi_type_format(&b, t2) == BT_OK, "format failed");
    check(a.len == b.len && memcmp(a.data, b.data, a.len) == 0, "canonical form not stable");
    check(t->head_size == t2->head_size && t->depth == t2->depth, "derived sizes differ");
    bts_buf_free(&a);
    bts_buf_free(&b);
    bts_solabi_type_free(t);
    bts_solabi_type_free(t2);
}

static void fuzz_revert(const uint8_t *data, size_t len)
{
    struct bts_solabi_revert r;
    if (bts_solabi_decode_revert(&r, data, len) != BT_OK)
        return;
    if (r.kind == BTS_SOLABI_REVERT_ERROR)
        check(r.reason_len == 0 || (r.reason >= data && r.reason_len <= len &&
                                    r.reason <= data + len - r.reason_len),
              "reason outside the input");
    else
        (void)bts_solabi_panic_str(r.panic_code);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t pick = data[0] % (N_TYPES + 2);
    const uint8_t *rest = data + 1;
    size_t rest_len = size - 1;
    if (pick == N_TYPES) {
        fuzz_type_string(rest, rest_len);
        return 0;
    }
    if (pick == N_TYPES + 1) {
        fuzz_revert(rest, rest_len);
        return 0;
    }
    if (!parsed[pick])
        check(bts_solabi_type_parse(&parsed[pick], fuzz_types[pick], strlen(fuzz_types[pick])) ==
                  BT_OK,
              "listed type does not parse");
    fuzz_decode(parsed[pick], rest, rest_len);
    return 0;
}
