/* Solidity ABI types (bts/solabi.h): the type-string parser, canonical formatting, and
 * signature hashing for selectors and event topics. */
#include <bts/solabi.h>

#include <stdlib.h>
#include <string.h>

#include <bts/keccak.h>

struct parser {
    const char *s;
    size_t len;
    size_t pos;
};

static int peek(const struct parser *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* Parse a decimal number without leading zeros (Solidity writes none) into *out, refusing
 * values above max. */
static bt_status parse_num(struct parser *p, size_t *out, size_t max)
{
    size_t start = p->pos, v = 0;
    while (peek(p) >= '0' && peek(p) <= '9') {
        size_t d = (size_t)(peek(p) - '0');
        if (v > (max - d) / 10)
            return BT_EINVAL;
        v = v * 10 + d;
        p->pos++;
    }
    if (p->pos == start || (p->s[start] == '0' && p->pos - start > 1))
        return BT_EINVAL;
    *out = v;
    return BT_OK;
}

/* An elementary type name at p->pos: letters, then optional digits. */
static bt_status parse_elementary(struct parser *p, struct bts_solabi_type *t)
{
    size_t start = p->pos;
    while (peek(p) >= 'a' && peek(p) <= 'z')
        p->pos++;
    const char *w = p->s + start;
    size_t wl = p->pos - start;
    bool has_num = peek(p) >= '0' && peek(p) <= '9';
    size_t n = 0;
    memset(t, 0, sizeof(*t));
    t->head_size = 32;
#define IS(lit) (wl == sizeof(lit) - 1 && memcmp(w, lit, wl) == 0)
    if (IS("uint") || IS("int")) {
        t->kind = IS("uint") ? BTS_SOLABI_UINT : BTS_SOLABI_INT;
        n = 256;
        if (has_num && parse_num(p, &n, 256) != BT_OK)
            return BT_EINVAL;
        if (n == 0 || n % 8 != 0)
            return BT_EINVAL;
        t->bits = (uint16_t)n;
    } else if (IS("bytes")) {
        if (!has_num) {
            t->kind = BTS_SOLABI_BYTES;
            t->is_dynamic = true;
            return BT_OK;
        }
        if (parse_num(p, &n, 32) != BT_OK || n == 0)
            return BT_EINVAL;
        t->kind = BTS_SOLABI_FIXED_BYTES;
        t->bits = (uint16_t)n;
    } else if (!has_num && IS("address")) {
        t->kind = BTS_SOLABI_ADDRESS;
    } else if (!has_num && IS("bool")) {
        t->kind = BTS_SOLABI_BOOL;
    } else if (!has_num && IS("string")) {
        t->kind = BTS_SOLABI_STRING;
        t->is_dynamic = true;
    } else {
        return BT_EINVAL; /* includes fixed/ufixed and function, which nothing here uses */
    }
#undef IS
    return BT_OK;
}

static void type_clear(struct bts_solabi_type *t)
{
    if (t->elem) {
        type_clear(t->elem);
        free(t->elem);
    }
    for (size_t i = 0; i < t->n_fields; i++)
        type_clear(&t->fields[i]);
    free(t->fields);
    memset(t, 0, sizeof(*t));
}

void bts_solabi_type_free(struct bts_solabi_type *type)
{
    if (!type)
        return;
    type_clear(type);
    free(type);
}

static bt_status parse_type(struct parser *p, struct bts_solabi_type *t, unsigned level);

/* "(T1,...,Tn)" at p->pos. The empty tuple only at the very top (level 0). */
static bt_status parse_tuple(struct parser *p, struct bts_solabi_type *t, unsigned level)
{
    memset(t, 0, sizeof(*t));
    t->kind = BTS_SOLABI_TUPLE;
    if (level >= BTS_SOLABI_MAX_DEPTH)
        return BT_EINVAL;
    p->pos++; /* '(' */
    size_t cap = 0, static_sum = 0;
    if (peek(p) == ')') {
        p->pos++;
        if (level != 0)
            return BT_EINVAL;
        t->depth = 1;
        return BT_OK;
    }
    for (;;) {
        if (t->n_fields == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            struct bts_solabi_type *nf = realloc(t->fields, ncap * sizeof(*nf));
            if (!nf)
                return BT_ENOMEM;
            t->fields = nf;
            cap = ncap;
        }
        struct bts_solabi_type *f = &t->fields[t->n_fields];
        bt_status st = parse_type(p, f, level + 1);
        t->n_fields++; /* counted even on failure so type_clear frees what it holds */
        if (st != BT_OK)
            return st;
        if (f->depth + 1 > BTS_SOLABI_MAX_DEPTH)
            return BT_EINVAL;
        if (f->is_dynamic)
            t->is_dynamic = true;
        if (f->depth + 1 > t->depth)
            t->depth = (uint8_t)(f->depth + 1);
        static_sum += f->head_size;
        if (static_sum > BTS_SOLABI_MAX_STATIC)
            return BT_EINVAL;
        int c = peek(p);
        p->pos++;
        if (c == ')')
            break;
        if (c != ',')
            return BT_EINVAL;
    }
    t->head_size = t->is_dynamic ? 32 : static_sum;
    return BT_OK;
}

/* One "[k]" or "[]" suffix: t becomes an array of (the old) t. */
static bt_status parse_dim(struct parser *p, struct bts_solabi_type *t)
{
    p->pos++; /* '[' */
    size_t k = 0;
    bool fixed = peek(p) != ']';
    if (fixed && (parse_num(p, &k, BTS_SOLABI_MAX_STATIC) != BT_OK || k == 0))
        return BT_EINVAL;
    if (peek(p) != ']')
        return BT_EINVAL;
    p->pos++;
    if (t->depth + 1 > BTS_SOLABI_MAX_DEPTH)
        return BT_EINVAL;
    /* An element of size zero (the empty tuple) would make lengths free of input cost. */
    if (t->kind == BTS_SOLABI_TUPLE && t->n_fields == 0)
        return BT_EINVAL;
    /* The element's head times k must stay bounded even when the array is dynamic, since
     * the decoder checks k heads against the input. */
    if (fixed && k > BTS_SOLABI_MAX_STATIC / t->head_size)
        return BT_EINVAL;
    struct bts_solabi_type *elem = malloc(sizeof(*elem));
    if (!elem)
        return BT_ENOMEM;
    *elem = *t;
    memset(t, 0, sizeof(*t));
    t->elem = elem;
    t->depth = (uint8_t)(elem->depth + 1);
    if (fixed) {
        t->kind = BTS_SOLABI_ARRAY;
        t->array_len = k;
        t->is_dynamic = elem->is_dynamic;
        t->head_size = elem->is_dynamic ? 32 : k * elem->head_size;
    } else {
        t->kind = BTS_SOLABI_DYN_ARRAY;
        t->is_dynamic = true;
        t->head_size = 32;
    }
    return BT_OK;
}

static bt_status parse_type(struct parser *p, struct bts_solabi_type *t, unsigned level)
{
    bt_status st = peek(p) == '(' ? parse_tuple(p, t, level) : parse_elementary(p, t);
    while (st == BT_OK && peek(p) == '[')
        st = parse_dim(p, t);
    return st;
}

bt_status bts_solabi_type_parse(struct bts_solabi_type **out_type, const char *str, size_t str_len)
{
    *out_type = NULL;
    struct bts_solabi_type *t = calloc(1, sizeof(*t));
    if (!t)
        return BT_ENOMEM;
    struct parser p = {str, str_len, 0};
    bt_status st = str ? parse_type(&p, t, 0) : BT_EINVAL;
    if (st == BT_OK && p.pos != p.len)
        st = BT_EINVAL;
    if (st != BT_OK) {
        bts_solabi_type_free(t);
        return st;
    }
    *out_type = t;
    return BT_OK;
}

static bt_status format_type(struct bts_buf *out, const struct bts_solabi_type *t)
{
    bt_status st = BT_OK;
    switch (t->kind) {
    case BTS_SOLABI_UINT:
        return bts_buf_printf(out, "uint%u", (unsigned)t->bits);
    case BTS_SOLABI_INT:
        return bts_buf_printf(out, "int%u", (unsigned)t->bits);
    case BTS_SOLABI_ADDRESS:
        return bts_buf_append_str(out, "address");
    case BTS_SOLABI_BOOL:
        return bts_buf_append_str(out, "bool");
    case BTS_SOLABI_FIXED_BYTES:
        return bts_buf_printf(out, "bytes%u", (unsigned)t->bits);
    case BTS_SOLABI_BYTES:
        return bts_buf_append_str(out, "bytes");
    case BTS_SOLABI_STRING:
        return bts_buf_append_str(out, "string");
    case BTS_SOLABI_ARRAY:
        st = format_type(out, t->elem);
        return st != BT_OK ? st : bts_buf_printf(out, "[%zu]", t->array_len);
    case BTS_SOLABI_DYN_ARRAY:
        st = format_type(out, t->elem);
        return st != BT_OK ? st : bts_buf_append_str(out, "[]");
    case BTS_SOLABI_TUPLE:
        st = bts_buf_append_byte(out, '(');
        for (size_t i = 0; st == BT_OK && i < t->n_fields; i++) {
            if (i)
                st = bts_buf_append_byte(out, ',');
            if (st == BT_OK)
                st = format_type(out, &t->fields[i]);
        }
        return st != BT_OK ? st : bts_buf_append_byte(out, ')');
    }
    return BT_EINVAL;
}

bt_status bts_solabi_type_format(struct bts_buf *out, const struct bts_solabi_type *type)
{
    size_t saved = out->len;
    bt_status st = format_type(out, type);
    if (st != BT_OK && out->cap) {
        out->len = saved;
        out->data[saved] = 0;
    }
    return st;
}

static bool is_name_char(int c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
           (!first && c >= '0' && c <= '9');
}

bt_status bts_solabi_sig_parse(uint8_t out_hash[32], struct bts_solabi_type **out_args,
                               const char *sig, size_t sig_len)
{
    if (out_args)
        *out_args = NULL;
    size_t n = 0;
    while (n < sig_len && is_name_char((unsigned char)sig[n], n == 0))
        n++;
    if (n == 0 || n == sig_len || sig[n] != '(')
        return BT_EINVAL;
    struct bts_solabi_type *args = NULL;
    bt_status st = bts_solabi_type_parse(&args, sig + n, sig_len - n);
    if (st != BT_OK)
        return st;
    if (args->kind != BTS_SOLABI_TUPLE) { /* "f(uint256)[]" */
        bts_solabi_type_free(args);
        return BT_EINVAL;
    }
    struct bts_buf canon = BTS_BUF_INIT;
    st = bts_buf_append(&canon, sig, n);
    if (st == BT_OK)
        st = bts_solabi_type_format(&canon, args);
    if (st == BT_OK)
        bts_keccak256(out_hash, canon.data, canon.len);
    bts_buf_free(&canon);
    if (st != BT_OK || !out_args)
        bts_solabi_type_free(args);
    else
        *out_args = args;
    return st;
}

bt_status bts_solabi_selector(uint8_t out_selector[4], const char *sig)
{
    uint8_t h[32];
    bt_status st = bts_solabi_sig_parse(h, NULL, sig, strlen(sig));
    if (st == BT_OK)
        memcpy(out_selector, h, 4);
    return st;
}

bt_status bts_solabi_event_topic(uint8_t out_topic[32], const char *sig)
{
    return bts_solabi_sig_parse(out_topic, NULL, sig, strlen(sig));
}
