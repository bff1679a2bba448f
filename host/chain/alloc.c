/* Genesis-style allocations: parsing geth's "alloc" object (also Bor's blockAlloc entries) and
 * the lenient number readers of geth's genesis format (go-ethereum core/genesis.go,
 * common/math HexOrDecimal64/256). */
#include "alloc_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>

#define ERR(...) ((void)snprintf(err, err_cap, __VA_ARGS__))

void alloc_json_path(char *dst, size_t cap, const char *a, const char *b)
{
    int n = snprintf(dst, cap, "%s.%s", a, b);
    if (n < 0) /* the return value is checked so a long path is not a warning */
        dst[0] = '\0';
}

bt_status alloc_json_object_array(void **out, const json_t *obj, size_t elem_size, const char *what,
                                  char *err, size_t err_cap)
{
    *out = NULL;
    if (!json_is_object(obj)) {
        ERR("%s: not an object", what);
        return BT_EINVAL;
    }
    size_t n = json_object_size(obj);
    if (n == 0)
        return BT_OK;
    *out = calloc(n, elem_size);
    return *out ? BT_OK : BT_ENOMEM;
}

/* Strip "0x"/"0X". Returns 1 if a prefix was present. */
static int strip_0x(const char **s, size_t *len)
{
    if (*len >= 2 && (*s)[0] == '0' && ((*s)[1] == 'x' || (*s)[1] == 'X')) {
        *s += 2;
        *len -= 2;
        return 1;
    }
    return 0;
}

bt_status alloc_json_u256(struct bts_u256 *out, const json_t *v, const char *what, char *err,
                          size_t err_cap)
{
    *out = bts_u256_from_u64(0);
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0) {
            ERR("%s: negative number", what);
            return BT_EINVAL;
        }
        *out = bts_u256_from_u64((uint64_t)i);
        return BT_OK;
    }
    if (!json_is_string(v)) {
        ERR("%s: not a number (want an integer, a decimal string or a 0x hex string)", what);
        return BT_EINVAL;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    bt_status st;
    if (strip_0x(&s, &len)) {
        while (len > 1 && s[0] == '0') { /* geth accepts leading zeros ("0x0000000000000042") */
            s++;
            len--;
        }
        char buf[2 + 64 + 1];
        if (len == 0 || len > 64) {
            ERR("%s: %s", what, len == 0 ? "empty hex number" : "hex number above 2^256");
            return len == 0 ? BT_EINVAL : BT_ERANGE;
        }
        buf[0] = '0';
        buf[1] = 'x';
        memcpy(buf + 2, s, len);
        st = bts_u256_from_hex(out, buf, len + 2);
    } else {
        st = bts_u256_from_dec(out, s, len);
    }
    if (st == BT_ERANGE) {
        ERR("%s: number above 2^256 - 1", what);
        return BT_ERANGE;
    }
    if (st != BT_OK) {
        ERR("%s: invalid number \"%s\"", what, json_string_value(v));
        return BT_EINVAL;
    }
    return BT_OK;
}

bt_status alloc_json_u64(uint64_t *out, const json_t *v, const char *what, char *err,
                         size_t err_cap)
{
    struct bts_u256 x;
    *out = 0;
    bt_status st = alloc_json_u256(&x, v, what, err, err_cap);
    if (st != BT_OK)
        return st;
    if (!bts_u256_fits_u64(&x)) {
        ERR("%s: number above 2^64 - 1", what);
        return BT_ERANGE;
    }
    *out = x.w[0];
    return BT_OK;
}

bt_status alloc_json_bytes(uint8_t **out, size_t *out_len, const json_t *v, const char *what,
                           char *err, size_t err_cap)
{
    *out = NULL;
    *out_len = 0;
    if (!json_is_string(v)) {
        ERR("%s: not a hex string", what);
        return BT_EINVAL;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    strip_0x(&s, &len);
    if (len % 2 != 0) {
        ERR("%s: odd number of hex digits", what);
        return BT_EINVAL;
    }
    if (len == 0)
        return BT_OK;
    uint8_t *p = malloc(len / 2);
    if (!p)
        return BT_ENOMEM;
    size_t n;
    if (bts_hex_decode(p, len / 2, &n, s, len, 0) != BT_OK) {
        free(p);
        ERR("%s: invalid hex string", what);
        return BT_EINVAL;
    }
    *out = p;
    *out_len = n;
    return BT_OK;
}

bt_status alloc_json_word(uint8_t out[32], const char *s, const char *what, char *err,
                          size_t err_cap)
{
    size_t len = strlen(s);
    char digits[64];
    memset(out, 0, 32);
    strip_0x(&s, &len);
    if (len > 64) {
        ERR("%s: more than 32 bytes", what);
        return BT_EINVAL;
    }
    /* Right-align into 64 digits: common.HexToHash pads an odd count with a leading zero. */
    memset(digits, '0', sizeof(digits));
    memcpy(digits + 64 - len, s, len);
    for (size_t i = 0; i < 64; i++) {
        if (!isxdigit((unsigned char)digits[i])) {
            ERR("%s: invalid hex word \"%s\"", what, s);
            return BT_EINVAL;
        }
    }
    size_t n;
    return bts_hex_decode(out, 32, &n, digits, 64, 0) == BT_OK ? BT_OK : BT_EINVAL;
}

bt_status alloc_json_address(struct bt_address *out, const char *s, const char *what, char *err,
                             size_t err_cap)
{
    size_t len = strlen(s);
    const char *p = s;
    strip_0x(&p, &len);
    if (bts_hex_decode_exact(out->bytes, 20, p, len, 0) != BT_OK) {
        ERR("%s: invalid address \"%s\" (want 40 hex digits)", what, s);
        return BT_EINVAL;
    }
    return BT_OK;
}

static int cmp_account(const void *a, const void *b)
{
    return memcmp(((const struct alloc_account *)a)->addr.bytes,
                  ((const struct alloc_account *)b)->addr.bytes, 20);
}

static int cmp_slot(const void *a, const void *b)
{
    return memcmp(((const struct alloc_slot *)a)->key.bytes,
                  ((const struct alloc_slot *)b)->key.bytes, 32);
}

static void account_free(struct alloc_account *acc)
{
    free(acc->code);
    free(acc->storage);
    memset(acc, 0, sizeof(*acc));
}

static bt_status parse_storage(struct alloc_account *acc, const json_t *obj, const char *what,
                               char *err, size_t err_cap)
{
    void *arr;
    bt_status st = alloc_json_object_array(&arr, obj, sizeof(*acc->storage), what, err, err_cap);
    if (st != BT_OK || !arr)
        return st;
    acc->storage = arr;
    const char *key;
    json_t *val;
    char path[256];
    json_object_foreach((json_t *)obj, key, val)
    {
        struct alloc_slot *sl = &acc->storage[acc->n_storage];
        alloc_json_path(path, sizeof(path), what, key);
        st = alloc_json_word(sl->key.bytes, key, path, err, err_cap);
        if (st != BT_OK)
            return st;
        if (!json_is_string(val)) {
            ERR("%s: not a hex string", path);
            return BT_EINVAL;
        }
        st = alloc_json_word(sl->value.bytes, json_string_value(val), path, err, err_cap);
        if (st != BT_OK)
            return st;
        acc->n_storage++;
    }
    qsort(acc->storage, acc->n_storage, sizeof(*acc->storage), cmp_slot);
    for (size_t i = 1; i < acc->n_storage; i++) {
        if (memcmp(acc->storage[i - 1].key.bytes, acc->storage[i].key.bytes, 32) == 0) {
            ERR("%s: duplicate storage key", what);
            return BT_EINVAL;
        }
    }
    return BT_OK;
}

static bt_status parse_account(struct alloc_account *acc, const char *addr, const json_t *obj,
                               const char *what, char *err, size_t err_cap)
{
    char path[256];
    alloc_json_path(path, sizeof(path), what, addr);
    bt_status st = alloc_json_address(&acc->addr, addr, path, err, err_cap);
    if (st != BT_OK)
        return st;
    if (!json_is_object(obj)) {
        ERR("%s: not an object", path);
        return BT_EINVAL;
    }
    char sub[300];
    const json_t *v = json_object_get(obj, "balance");
    alloc_json_path(sub, sizeof(sub), path, "balance");
    if (!v) {
        ERR("%s: missing", sub);
        return BT_EINVAL;
    }
    if ((st = alloc_json_u256(&acc->balance, v, sub, err, err_cap)) != BT_OK)
        return st;
    if ((v = json_object_get(obj, "nonce")) != NULL) {
        alloc_json_path(sub, sizeof(sub), path, "nonce");
        if ((st = alloc_json_u64(&acc->nonce, v, sub, err, err_cap)) != BT_OK)
            return st;
    }
    if ((v = json_object_get(obj, "code")) != NULL) {
        alloc_json_path(sub, sizeof(sub), path, "code");
        st = alloc_json_bytes(&acc->code, &acc->code_len, v, sub, err, err_cap);
        if (st != BT_OK)
            return st;
    }
    if ((v = json_object_get(obj, "storage")) != NULL && !json_is_null(v)) {
        alloc_json_path(sub, sizeof(sub), path, "storage");
        if ((st = parse_storage(acc, v, sub, err, err_cap)) != BT_OK)
            return st;
    }
    return BT_OK;
}

bt_status alloc_parse(struct alloc *out, const json_t *obj, const char *what, char *err,
                      size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    void *arr;
    bt_status st = alloc_json_object_array(&arr, obj, sizeof(*out->accounts), what, err, err_cap);
    if (st != BT_OK || !arr)
        return st;
    out->accounts = arr;
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)obj, key, val)
    {
        st = parse_account(&out->accounts[out->n], key, val, what, err, err_cap);
        out->n++; /* counted even on failure so alloc_free releases its parts */
        if (st != BT_OK)
            goto fail;
    }
    qsort(out->accounts, out->n, sizeof(*out->accounts), cmp_account);
    for (size_t i = 1; i < out->n; i++) {
        if (memcmp(out->accounts[i - 1].addr.bytes, out->accounts[i].addr.bytes, 20) == 0) {
            char hex[43];
            size_t hl;
            if (bts_hex_encode(hex, sizeof(hex), &hl, out->accounts[i].addr.bytes, 20,
                               BTS_HEX_0X) != BT_OK)
                hex[0] = '\0';
            ERR("%s: duplicate address %s", what, hex);
            st = BT_EINVAL;
            goto fail;
        }
    }
    return BT_OK;
fail:
    if (st == BT_ENOMEM)
        ERR("%s: out of memory", what);
    alloc_free(out);
    return st;
}

bt_status alloc_add_balance(struct alloc *a, const struct bt_address *addr,
                            const struct bts_u256 *balance)
{
    if (alloc_find(a, addr))
        return BT_EINVAL;
    struct alloc_account *p = realloc(a->accounts, (a->n + 1) * sizeof(*p));
    if (!p)
        return BT_ENOMEM;
    a->accounts = p;
    memset(&p[a->n], 0, sizeof(p[a->n]));
    p[a->n].addr = *addr;
    p[a->n].balance = *balance;
    a->n++;
    qsort(a->accounts, a->n, sizeof(*a->accounts), cmp_account);
    return BT_OK;
}

const struct alloc_account *alloc_find(const struct alloc *a, const struct bt_address *addr)
{
    struct alloc_account key;
    key.addr = *addr;
    if (a->n == 0)
        return NULL;
    return bsearch(&key, a->accounts, a->n, sizeof(*a->accounts), cmp_account);
}

void alloc_free(struct alloc *a)
{
    for (size_t i = 0; i < a->n; i++)
        account_free(&a->accounts[i]);
    free(a->accounts);
    a->accounts = NULL;
    a->n = 0;
}
