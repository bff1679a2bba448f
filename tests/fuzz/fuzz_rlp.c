/* libFuzzer target for the RLP decoder (bts/rlp.h). Arbitrary input goes through decode and
 * validate, which must agree; a valid input is re-encoded item by item from the parsed tree and
 * must give the same bytes back (canonical decoding means exactly one encoding per tree). Typed
 * reads that succeed must also re-encode to the item's bytes. Any disagreement aborts. */
#include <bts/rlp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DEPTH 256

static void check(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "fuzz_rlp: %s\n", what);
        abort();
    }
}

/* A string item: re-encode it and check the typed reads against the encoder. */
static void string_item(struct bts_buf *out, const struct bts_rlp_item *it)
{
    check(bts_rlp_bytes_len(it->payload, it->payload_len) == it->raw_len, "bytes_len");
    check(bts_rlp_encode_bytes(out, it->payload, it->payload_len) == BT_OK, "encode_bytes");

    struct bts_buf b = BTS_BUF_INIT;
    uint64_t v;
    uint8_t u[32];
    if (bts_rlp_item_u64(it, &v) == BT_OK) {
        check(bts_rlp_encode_u64(&b, v) == BT_OK, "encode_u64");
        check(b.len == it->raw_len && memcmp(b.data, it->raw, b.len) == 0, "u64 round trip");
        check(bts_rlp_u64_len(v) == it->raw_len, "u64_len");
        bts_buf_reset(&b);
    }
    if (bts_rlp_item_u256_be(it, u) == BT_OK) {
        check(bts_rlp_encode_u256_be(&b, u) == BT_OK, "encode_u256");
        check(b.len == it->raw_len && memcmp(b.data, it->raw, b.len) == 0, "u256 round trip");
    }
    bts_buf_free(&b);
}

/* Rebuild the tree with list_begin/list_end and an explicit stack, as a decoder bug must not be
 * hidden by the fuzzer's own recursion limit. */
static void reencode(struct bts_buf *out, const struct bts_rlp_item *top)
{
    static struct bts_rlp_iter iters[FUZZ_DEPTH + 1];
    static size_t marks[FUZZ_DEPTH + 1];
    size_t depth = 0;
    if (!top->is_list) {
        string_item(out, top);
        return;
    }
    check(bts_rlp_list_begin(out, &marks[0]) == BT_OK, "list_begin");
    bts_rlp_iter_init(&iters[0], top);
    depth = 1;
    while (depth > 0) {
        struct bts_rlp_item it;
        bt_status st = bts_rlp_iter_next(&iters[depth - 1], &it);
        if (st == BT_ENOTFOUND) {
            check(bts_rlp_list_end(out, marks[--depth]) == BT_OK, "list_end");
            continue;
        }
        check(st == BT_OK, "iteration failed after a successful decode");
        if (!it.is_list) {
            string_item(out, &it);
            continue;
        }
        check(depth < FUZZ_DEPTH, "decode accepted nesting beyond max_depth");
        size_t n;
        check(bts_rlp_list_count(&it, &n) == BT_OK, "list_count");
        check(bts_rlp_list_len(it.payload_len) == it.raw_len, "list_len");
        check(bts_rlp_list_begin(out, &marks[depth]) == BT_OK, "list_begin");
        bts_rlp_iter_init(&iters[depth++], &it);
    }
}

/* Iterate an item whose children were never validated: iteration must stay in bounds, stop at
 * the first bad header, and agree with list_count. */
static void shallow_walk(const struct bts_rlp_item *top)
{
    struct bts_rlp_iter it;
    struct bts_rlp_item child;
    size_t n = 0, counted;
    bt_status st;
    bts_rlp_iter_init(&it, top);
    while ((st = bts_rlp_iter_next(&it, &child)) == BT_OK) {
        check(child.raw >= top->payload &&
                  child.raw + child.raw_len <= top->payload + top->payload_len,
              "child outside its list");
        n++;
    }
    bt_status cst = bts_rlp_list_count(top, &counted);
    check(cst == (st == BT_ENOTFOUND ? BT_OK : st), "list_count status differs from iteration");
    check(cst != BT_OK || counted == n, "list_count differs from iteration");
    check(top->is_list || st == BTS_RLP_EWRONG_TYPE, "string iterated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bts_rlp_item top, prefix;
    bt_status st = bts_rlp_decode_max_depth(&top, data, size, FUZZ_DEPTH);
    check(bts_rlp_validate(data, size, FUZZ_DEPTH) == st, "validate and decode disagree");

    bt_status pst = bts_rlp_decode_prefix(&prefix, data, size);
    check(pst == BT_OK || st == pst, "prefix error differs from decode error");
    if (pst == BT_OK) {
        check(prefix.raw == data && prefix.raw_len <= size, "prefix out of bounds");
        shallow_walk(&prefix);
    }
    if (st == BTS_RLP_ETOO_DEEP)
        check(bts_rlp_validate(data, size, size + 1) != BTS_RLP_ETOO_DEEP, "depth above size");
    if (st != BT_OK) {
        check(top.raw == NULL && top.raw_len == 0, "output not zeroed on failure");
        check(BT_STATUS_PRIMARY(st) == BT_EINVAL, "unexpected primary status");
        return 0;
    }
    check(pst == BT_OK && prefix.raw_len == size, "prefix disagrees with decode");

    struct bts_buf out = BTS_BUF_INIT;
    reencode(&out, &top);
    check(out.len == size && memcmp(out.data, data, size) == 0, "re-encoding differs from input");
    bts_buf_free(&out);
    return 0;
}
