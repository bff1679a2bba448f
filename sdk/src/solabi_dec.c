/* Solidity ABI decoding (bts/solabi.h): bounds-checked, allocation bounded by the input, and
 * the two revert payloads Solidity produces. Decoding runs twice over the same input: a
 * counting pass that validates everything and counts the values, then a filling pass into one
 * exact allocation, so a tree is a single free() and a failure leaves nothing behind. */
#include <bts/solabi.h>

#include <stdlib.h>
#include <string.h>

#include "solabi_int.h"

struct dec {
    const uint8_t *data;
    size_t len;
    struct bts_solabi_value *pool; /* NULL in the counting pass */
    size_t used;                   /* values handed out so far */
    size_t limit;                  /* most values this decode may hand out */
};

/* Hand out n consecutive values (NULL in the counting pass). */
static bt_status take(struct dec *d, size_t n, struct bts_solabi_value **out)
{
    if (n > d->limit - d->used)
        return BT_EINVAL; /* more values than the input can honestly encode */
    *out = d->pool ? d->pool + d->used : NULL;
    d->used += n;
    return BT_OK;
}

/* The word at pos as a size no larger than max. */
static bt_status read_size(const struct dec *d, size_t pos, size_t max, size_t *out)
{
    uint64_t x;
    if (pos > d->len || d->len - pos < 32)
        return BT_EINVAL;
    if (bts_solabi_word_to_u64(&x, d->data + pos) != BT_OK || x > max)
        return BT_EINVAL;
    *out = (size_t)x;
    return BT_OK;
}

static bt_status dec_value(struct dec *d, const struct bts_solabi_type *t, size_t pos,
                           struct bts_solabi_value *v);

/* n values laid out as heads from base: element type elem (arrays) or fields[i] (tuples).
 * A dynamic value's head is its offset from base; the target must lie inside the data. */
static bt_status dec_seq(struct dec *d, const struct bts_solabi_type *elem,
                         const struct bts_solabi_type *fields, size_t n, size_t base,
                         struct bts_solabi_value *v)
{
    /* All heads must be inside the data before anything is allocated for them. The parser
     * bounds each product and sum by BTS_SOLABI_MAX_STATIC, dec_value bounds n for T[]. */
    size_t heads = 0;
    if (elem)
        heads = n * elem->head_size;
    else
        for (size_t i = 0; i < n; i++)
            heads += fields[i].head_size;
    if (base > d->len || heads > d->len - base)
        return BT_EINVAL;
    struct bts_solabi_value *items;
    bt_status st = take(d, n, &items);
    if (st != BT_OK)
        return st;
    if (v) {
        v->items = items;
        v->n_items = n;
    }
    size_t hp = base;
    for (size_t i = 0; i < n; i++) {
        const struct bts_solabi_type *ti = elem ? elem : &fields[i];
        struct bts_solabi_value *vi = items ? &items[i] : NULL;
        if (ti->is_dynamic) {
            size_t off;
            st = read_size(d, hp, d->len - base, &off);
            if (st == BT_OK)
                st = dec_value(d, ti, base + off, vi);
        } else {
            st = dec_value(d, ti, hp, vi);
        }
        if (st != BT_OK)
            return st;
        hp += ti->head_size;
    }
    return BT_OK;
}

static bt_status dec_value(struct dec *d, const struct bts_solabi_type *t, size_t pos,
                           struct bts_solabi_value *v)
{
    if (pos > d->len)
        return BT_EINVAL;
    size_t left = d->len - pos, n;
    bt_status st;
    if (v) {
        memset(v, 0, sizeof(*v));
        v->kind = t->kind;
    }
    switch (t->kind) {
    case BTS_SOLABI_UINT:
    case BTS_SOLABI_INT:
    case BTS_SOLABI_ADDRESS:
    case BTS_SOLABI_BOOL:
    case BTS_SOLABI_FIXED_BYTES:
        if (left < 32 || !solabi_word_fits(t, d->data + pos))
            return BT_EINVAL;
        if (v)
            memcpy(v->word, d->data + pos, 32);
        return BT_OK;
    case BTS_SOLABI_BYTES:
    case BTS_SOLABI_STRING:
        if (left < 32)
            return BT_EINVAL;
        st = read_size(d, pos, left - 32, &n);
        if (st == BT_OK && v) {
            v->data = d->data + pos + 32;
            v->len = n;
        }
        return st;
    case BTS_SOLABI_ARRAY:
        return dec_seq(d, t->elem, NULL, t->array_len, pos, v);
    case BTS_SOLABI_DYN_ARRAY:
        /* The length is checked against the bytes left (each element takes at least its
         * head) before the elements are allocated. */
        if (left < 32)
            return BT_EINVAL;
        st = read_size(d, pos, (left - 32) / t->elem->head_size, &n);
        return st != BT_OK ? st : dec_seq(d, t->elem, NULL, n, pos + 32, v);
    case BTS_SOLABI_TUPLE:
        return dec_seq(d, NULL, t->fields, t->n_fields, pos, v);
    }
    return BT_EINVAL;
}

bt_status bts_solabi_decode(struct bts_solabi_value **out_value, const struct bts_solabi_type *type,
                            const uint8_t *data, size_t data_len)
{
    *out_value = NULL;
    if (!data && data_len)
        return BT_EINVAL;
    /* Without shared tails every scalar, bytes/string and T[] length takes its own word, and
     * every other value is an ancestor of those, at most depth of them per word. */
    struct dec d = {data, data_len, NULL, 0, (data_len / 32) * ((size_t)type->depth + 1) + 1};
    struct bts_solabi_value *root;
    bt_status st = take(&d, 1, &root);
    if (st == BT_OK)
        st = dec_value(&d, type, 0, NULL);
    if (st != BT_OK)
        return st;
    d.pool = calloc(d.used, sizeof(*d.pool));
    if (!d.pool)
        return BT_ENOMEM;
    d.limit = d.used;
    d.used = 0;
    st = take(&d, 1, &root);
    if (st == BT_OK)
        st = dec_value(&d, type, 0, root);
    if (st != BT_OK) { /* the first pass accepted this input: the second must too */
        free(d.pool);
        return BT_EINTERNAL;
    }
    *out_value = root;
    return BT_OK;
}

void bts_solabi_value_free(struct bts_solabi_value *v)
{
    free(v); /* the root is the start of the single allocation */
}

/* Solidity's revert payloads: Error(string) and Panic(uint256) (selectors are the first four
 * bytes of keccak256 of those signatures). */
static const uint8_t sel_error[4] = {0x08, 0xc3, 0x79, 0xa0};
static const uint8_t sel_panic[4] = {0x4e, 0x48, 0x7b, 0x71};

bt_status bts_solabi_decode_revert(struct bts_solabi_revert *out, const uint8_t *data,
                                   size_t data_len)
{
    memset(out, 0, sizeof(*out));
    if (!data || data_len < 4)
        return BT_ENOTFOUND;
    struct dec d = {data + 4, data_len - 4, NULL, 0, 0};
    if (memcmp(data, sel_panic, 4) == 0) {
        if (d.len < 32)
            return BT_EINVAL;
        out->kind = BTS_SOLABI_REVERT_PANIC;
        memcpy(out->panic_code, d.data, 32);
        return BT_OK;
    }
    if (memcmp(data, sel_error, 4) != 0)
        return BT_ENOTFOUND;
    /* The arguments are the tuple (string): one offset word, then length and bytes. */
    static const struct bts_solabi_type string_type = {
        .kind = BTS_SOLABI_STRING, .is_dynamic = true, .head_size = 32};
    struct bts_solabi_value v;
    size_t off;
    bt_status st = read_size(&d, 0, d.len, &off);
    if (st == BT_OK)
        st = dec_value(&d, &string_type, off, &v);
    if (st != BT_OK)
        return st;
    out->kind = BTS_SOLABI_REVERT_ERROR;
    out->reason = v.data;
    out->reason_len = v.len;
    return BT_OK;
}

const char *bts_solabi_panic_str(const uint8_t code[32])
{
    for (size_t i = 0; i < 31; i++)
        if (code[i])
            return NULL;
    /* Solidity docs, "Panic via assert and Error via require"; go-ethereum
     * accounts/abi/abi.go panicReasons uses the same texts. */
    switch (code[31]) {
    case 0x00:
        return "generic panic";
    case 0x01:
        return "assert(false)";
    case 0x11:
        return "arithmetic underflow or overflow";
    case 0x12:
        return "division or modulo by zero";
    case 0x21:
        return "enum overflow";
    case 0x22:
        return "invalid encoded storage byte array accessed";
    case 0x31:
        return "out-of-bounds array access; popping on an empty array";
    case 0x32:
        return "out-of-bounds access of an array or bytesN";
    case 0x41:
        return "out of memory";
    case 0x51:
        return "uninitialized function";
    }
    return NULL;
}
