/* Solidity ABI encoding (bts/solabi.h): value setters, word helpers and enc() per the spec's
 * "Formal Specification of the Encoding". */
#include <bts/solabi.h>

#include <string.h>

#include "solabi_int.h"

/* Bytes [from, 32) of w are all `fill`. */
static bool all_equal(const uint8_t *w, size_t from, size_t to, uint8_t fill)
{
    for (size_t i = from; i < to; i++)
        if (w[i] != fill)
            return false;
    return true;
}

bool solabi_word_fits(const struct bts_solabi_type *t, const uint8_t w[32])
{
    size_t pad;
    switch (t->kind) {
    case BTS_SOLABI_UINT:
        return all_equal(w, 0, 32 - t->bits / 8u, 0);
    case BTS_SOLABI_INT:
        /* The top 256-N bits must repeat bit N-1 (sign extension). */
        pad = 32 - t->bits / 8u;
        return all_equal(w, 0, pad, (w[pad] & 0x80) ? 0xff : 0x00);
    case BTS_SOLABI_ADDRESS:
        return all_equal(w, 0, 12, 0);
    case BTS_SOLABI_BOOL:
        return all_equal(w, 0, 31, 0) && w[31] <= 1;
    case BTS_SOLABI_FIXED_BYTES:
        return all_equal(w, t->bits, 32, 0);
    case BTS_SOLABI_BYTES:
    case BTS_SOLABI_STRING:
    case BTS_SOLABI_ARRAY:
    case BTS_SOLABI_DYN_ARRAY:
    case BTS_SOLABI_TUPLE:
        break;
    }
    return false;
}

void bts_solabi_word_u64(uint8_t out[32], uint64_t x)
{
    memset(out, 0, 24);
    for (int i = 31; i >= 24; i--, x >>= 8)
        out[i] = (uint8_t)x;
}

void bts_solabi_word_address(uint8_t out[32], const uint8_t addr[20])
{
    memset(out, 0, 12);
    memcpy(out + 12, addr, 20);
}

bt_status bts_solabi_word_to_u64(uint64_t *out, const uint8_t word[32])
{
    if (!all_equal(word, 0, 24, 0))
        return BT_ERANGE;
    uint64_t x = 0;
    for (int i = 24; i < 32; i++)
        x = x << 8 | word[i];
    *out = x;
    return BT_OK;
}

void bts_solabi_val_uint(struct bts_solabi_value *v, uint64_t x)
{
    memset(v, 0, sizeof(*v));
    v->kind = BTS_SOLABI_UINT;
    bts_solabi_word_u64(v->word, x);
}

void bts_solabi_val_word(struct bts_solabi_value *v, enum bts_solabi_kind kind,
                         const uint8_t word[32])
{
    memset(v, 0, sizeof(*v));
    v->kind = kind;
    memcpy(v->word, word, 32);
}

void bts_solabi_val_int(struct bts_solabi_value *v, int64_t x)
{
    memset(v, 0, sizeof(*v));
    v->kind = BTS_SOLABI_INT;
    uint64_t u = (uint64_t)x; /* two's complement, then sign-extend to 256 bits */
    bts_solabi_word_u64(v->word, u);
    if (x < 0)
        memset(v->word, 0xff, 24);
}

void bts_solabi_val_bool(struct bts_solabi_value *v, bool b)
{
    memset(v, 0, sizeof(*v));
    v->kind = BTS_SOLABI_BOOL;
    v->word[31] = b ? 1 : 0;
}

void bts_solabi_val_address(struct bts_solabi_value *v, const uint8_t addr[20])
{
    memset(v, 0, sizeof(*v));
    v->kind = BTS_SOLABI_ADDRESS;
    bts_solabi_word_address(v->word, addr);
}

void bts_solabi_val_fixed_bytes(struct bts_solabi_value *v, const void *p, size_t n)
{
    memset(v, 0, sizeof(*v));
    v->kind = BTS_SOLABI_FIXED_BYTES;
    if (n)
        memcpy(v->word, p, n < 32 ? n : 32);
}

void bts_solabi_val_bytes(struct bts_solabi_value *v, const void *p, size_t n)
{
    memset(v, 0, sizeof(*v));
    v->kind = BTS_SOLABI_BYTES;
    v->data = p;
    v->len = n;
}

void bts_solabi_val_string(struct bts_solabi_value *v, const char *s)
{
    memset(v, 0, sizeof(*v));
    v->kind = BTS_SOLABI_STRING;
    v->data = (const uint8_t *)s;
    v->len = strlen(s);
}

void bts_solabi_val_list(struct bts_solabi_value *v, enum bts_solabi_kind kind,
                         struct bts_solabi_value *items, size_t n)
{
    memset(v, 0, sizeof(*v));
    v->kind = kind;
    v->items = items;
    v->n_items = n;
}

static bool is_scalar(enum bts_solabi_kind k)
{
    return k == BTS_SOLABI_UINT || k == BTS_SOLABI_INT || k == BTS_SOLABI_ADDRESS ||
           k == BTS_SOLABI_BOOL || k == BTS_SOLABI_FIXED_BYTES;
}

bool bts_solabi_value_equal(const struct bts_solabi_value *a, const struct bts_solabi_value *b)
{
    if (a->kind != b->kind)
        return false;
    if (is_scalar(a->kind))
        return memcmp(a->word, b->word, 32) == 0;
    if (a->kind == BTS_SOLABI_BYTES || a->kind == BTS_SOLABI_STRING)
        return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
    if (a->n_items != b->n_items)
        return false;
    for (size_t i = 0; i < a->n_items; i++)
        if (!bts_solabi_value_equal(&a->items[i], &b->items[i]))
            return false;
    return true;
}

static bt_status enc_value(struct bts_buf *out, const struct bts_solabi_type *t,
                           const struct bts_solabi_value *v);

/* Heads then tails of n values: the i-th has type elem (arrays) or fields[i] (tuples).
 * Static values are written in place; a dynamic one leaves a 32-byte slot that receives its
 * offset, relative to the start of this sequence, once its tail is appended. */
static bt_status enc_seq(struct bts_buf *out, const struct bts_solabi_type *elem,
                         const struct bts_solabi_type *fields, const struct bts_solabi_value *items,
                         size_t n)
{
    size_t start = out->len;
    bt_status st = BT_OK;
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        const struct bts_solabi_type *ti = elem ? elem : &fields[i];
        static const uint8_t slot[32];
        st = ti->is_dynamic ? bts_buf_append(out, slot, 32) : enc_value(out, ti, &items[i]);
    }
    size_t head = start;
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        const struct bts_solabi_type *ti = elem ? elem : &fields[i];
        if (!ti->is_dynamic) {
            head += ti->head_size;
            continue;
        }
        bts_solabi_word_u64(out->data + head, (uint64_t)(out->len - start));
        head += 32;
        st = enc_value(out, ti, &items[i]);
    }
    return st;
}

static bt_status enc_bytes(struct bts_buf *out, const struct bts_solabi_value *v)
{
    static const uint8_t zeros[32];
    uint8_t w[32];
    if (v->len && !v->data)
        return BT_EINVAL;
    bts_solabi_word_u64(w, (uint64_t)v->len);
    bt_status st = bts_buf_reserve(out, 32 + v->len + 32);
    if (st == BT_OK)
        st = bts_buf_append(out, w, 32);
    if (st == BT_OK)
        st = bts_buf_append(out, v->data, v->len);
    if (st == BT_OK && v->len % 32)
        st = bts_buf_append(out, zeros, 32 - v->len % 32);
    return st;
}

static bt_status enc_value(struct bts_buf *out, const struct bts_solabi_type *t,
                           const struct bts_solabi_value *v)
{
    uint8_t w[32];
    bt_status st;
    if (v->kind != t->kind)
        return BT_EINVAL;
    switch (t->kind) {
    case BTS_SOLABI_UINT:
    case BTS_SOLABI_INT:
    case BTS_SOLABI_ADDRESS:
    case BTS_SOLABI_BOOL:
    case BTS_SOLABI_FIXED_BYTES:
        if (!solabi_word_fits(t, v->word))
            return BT_EINVAL;
        return bts_buf_append(out, v->word, 32);
    case BTS_SOLABI_BYTES:
    case BTS_SOLABI_STRING:
        return enc_bytes(out, v);
    case BTS_SOLABI_ARRAY:
        if (v->n_items != t->array_len || !v->items)
            return BT_EINVAL;
        return enc_seq(out, t->elem, NULL, v->items, v->n_items);
    case BTS_SOLABI_DYN_ARRAY:
        if (v->n_items && !v->items)
            return BT_EINVAL;
        bts_solabi_word_u64(w, (uint64_t)v->n_items);
        st = bts_buf_append(out, w, 32);
        return st != BT_OK ? st : enc_seq(out, t->elem, NULL, v->items, v->n_items);
    case BTS_SOLABI_TUPLE:
        if (v->n_items != t->n_fields || (v->n_items && !v->items))
            return BT_EINVAL;
        return enc_seq(out, NULL, t->fields, v->items, v->n_items);
    }
    return BT_EINVAL;
}

/* Undo a failed append, so callers see out as it was. */
static void buf_truncate(struct bts_buf *out, size_t len)
{
    if (out->cap) {
        out->len = len;
        out->data[len] = 0;
    }
}

bt_status bts_solabi_encode(struct bts_buf *out, const struct bts_solabi_type *type,
                            const struct bts_solabi_value *value)
{
    size_t saved = out->len;
    bt_status st = enc_value(out, type, value);
    if (st != BT_OK)
        buf_truncate(out, saved);
    return st;
}

bt_status bts_solabi_encode_call(struct bts_buf *out, const uint8_t selector[4],
                                 const struct bts_solabi_type *args_type,
                                 const struct bts_solabi_value *args)
{
    size_t saved = out->len;
    bt_status st = bts_buf_append(out, selector, 4);
    if (st == BT_OK)
        st = enc_value(out, args_type, args);
    if (st != BT_OK)
        buf_truncate(out, saved);
    return st;
}

bt_status bts_solabi_encode_call_words(struct bts_buf *out, const uint8_t selector[4],
                                       const uint8_t (*words)[32], size_t n_words)
{
    if (n_words > (SIZE_MAX - 4) / 32)
        return BT_ENOMEM;
    bt_status st = bts_buf_reserve(out, 4 + 32 * n_words);
    if (st != BT_OK)
        return st;
    /* Cannot fail after the reservation. */
    st = bts_buf_append(out, selector, 4);
    if (st == BT_OK && n_words)
        st = bts_buf_append(out, words, 32 * n_words);
    return st;
}
