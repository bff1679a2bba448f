/* Writing Ethereum JSON-RPC hex values into jansson trees (bts/json.h): canonical QUANTITY and
 * lowercase "0x" DATA. */
#include <bts/json.h>

#include <stdlib.h>

#include <bts/hex.h>

json_t *bts_json_new_u64(uint64_t v)
{
    char s[BTS_HEX_U64_CAP];
    size_t n;
    if (bts_hex_format_u64(s, sizeof(s), &n, v) != BT_OK)
        return NULL;
    return json_stringn_nocheck(s, n); /* ASCII: no UTF-8 check needed */
}

json_t *bts_json_new_u256(const uint8_t v[32])
{
    char s[BTS_HEX_U256_CAP];
    size_t n;
    if (bts_hex_format_u256(s, sizeof(s), &n, v) != BT_OK)
        return NULL;
    return json_stringn_nocheck(s, n);
}

json_t *bts_json_new_data(const void *data, size_t len)
{
    struct bts_buf b = BTS_BUF_INIT;
    json_t *j = NULL;
    if (bts_hex_encode_buf(&b, data, len, BTS_HEX_0X) == BT_OK)
        j = json_stringn_nocheck((const char *)b.data, b.len);
    bts_buf_free(&b);
    return j;
}

static json_t *json_new_fixed(const uint8_t *p, size_t len)
{
    char s[2 + 64 + 1];
    size_t n;
    if (bts_hex_encode(s, sizeof(s), &n, p, len, BTS_HEX_0X) != BT_OK)
        return NULL;
    return json_stringn_nocheck(s, n);
}

json_t *bts_json_new_address(const uint8_t addr[20])
{
    return json_new_fixed(addr, 20);
}

json_t *bts_json_new_hash(const uint8_t hash[32])
{
    return json_new_fixed(hash, 32);
}

/* Steals v (NULL: out of memory). */
static bt_status json_set(json_t *obj, const char *key, json_t *v)
{
    if (!v)
        return BT_ENOMEM;
    /* json_object_set_new releases v on failure too: no leak on either path. */
    return json_object_set_new(obj, key, v) == 0 ? BT_OK : BT_ENOMEM;
}

bt_status bts_json_set_u64(json_t *obj, const char *key, uint64_t v)
{
    return json_is_object(obj) ? json_set(obj, key, bts_json_new_u64(v)) : BT_EINVAL;
}

bt_status bts_json_set_u256(json_t *obj, const char *key, const uint8_t v[32])
{
    return json_is_object(obj) ? json_set(obj, key, bts_json_new_u256(v)) : BT_EINVAL;
}

bt_status bts_json_set_data(json_t *obj, const char *key, const void *data, size_t len)
{
    return json_is_object(obj) ? json_set(obj, key, bts_json_new_data(data, len)) : BT_EINVAL;
}

bt_status bts_json_set_address(json_t *obj, const char *key, const uint8_t addr[20])
{
    return json_is_object(obj) ? json_set(obj, key, bts_json_new_address(addr)) : BT_EINVAL;
}

bt_status bts_json_set_hash(json_t *obj, const char *key, const uint8_t hash[32])
{
    return json_is_object(obj) ? json_set(obj, key, bts_json_new_hash(hash)) : BT_EINVAL;
}
