/* The sign and key_address services (abi/bt/host.h): a key id is an address ("0x" + 40 hex
 * digits, any case); a plugin whose section has signer_keys may use only those keys. Private
 * keys stay in the signer; plugins get signatures and addresses. */
#include "keys_int.h"

#include <string.h>

#include <bts/hex.h>

#include <bts/common.h>

#include "services_int.h"

/* Key id to address, checked against the caller's allow-list and the keystore.
 * Returns BT_OK, BT_ENOTFOUND or `denied` (a key outside signer_keys) with a message for
 * last_error. */
static bt_status resolve(struct bt_host_ctx *h, const char *key_id, uint8_t addr[20],
                         int *out_is_unlocked, bt_status denied)
{
    *out_is_unlocked = 0;
    if (keys_parse_address(addr, key_id, strnlen(key_id, 64)) != BT_OK) {
        services_set_error(h, "key id '%.64s' is not an address (0x and 40 hex digits)", key_id);
        return BT_ENOTFOUND;
    }
    char a[BTS_HEX_EIP55_CAP];
    bts_hex_format_eip55(a, addr);
    size_t bad;
    if (h->conf && h->conf->signer_keys && !keys_list_has(h->conf->signer_keys, addr, &bad)) {
        services_set_error(h, "key %s is not in signer_keys of [plugin %s]", a, h->name);
        return denied;
    }
    if (!h->rt->signer || signer_has(h->rt->signer, addr, out_is_unlocked) != BT_OK) {
        services_set_error(h, "no key %s in the keystore", a);
        return BT_ENOTFOUND;
    }
    return BT_OK;
}

bt_status h_sign(struct bt_host_ctx *h, uint8_t out_sig65[65], const char *key_id,
                 const uint8_t digest[32])
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, out_sig65 != NULL);
    SERVICES_CHECK(h, key_id != NULL);
    SERVICES_CHECK(h, digest != NULL);
    memset(out_sig65, 0, 65);
    uint8_t addr[20];
    int is_unlocked;
    bt_status st = resolve(h, key_id, addr, &is_unlocked, BT_EPERM);
    if (st != BT_OK)
        return st;
    st = signer_sign(h->rt->signer, out_sig65, addr, digest);
    if (st == BT_EPERM) {
        char a[BTS_HEX_EIP55_CAP];
        bts_hex_format_eip55(a, addr);
        services_set_error(h, "key %s is locked (unlock it with [signer] unlock or --unlock)", a);
    } else if (st != BT_OK) {
        services_set_error(h, "sign: %s", bts_status_str(st));
    }
    return st;
}

bt_status h_key_address(struct bt_host_ctx *h, const char *key_id, uint8_t out_addr[20])
{
    SERVICES_CHECK(h, h != NULL);
    SERVICES_CHECK(h, key_id != NULL);
    SERVICES_CHECK(h, out_addr != NULL);
    int is_unlocked;
    /* host.h promises key_address only BT_OK or BT_ENOTFOUND: a key the plugin may not use
     * is one it cannot see. */
    bt_status st = resolve(h, key_id, out_addr, &is_unlocked, BT_ENOTFOUND);
    if (st != BT_OK)
        memset(out_addr, 0, 20);
    return st;
}
