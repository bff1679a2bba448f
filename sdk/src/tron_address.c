/* TRON addresses (bts/tron.h): 0x41 ‖ EVM address, shown as Base58Check "T..." or as 42 hex
 * digits (ROOTCHAINS.md §1.1; tronweb src/utils/address.ts, crypto.ts). */
#include <bts/tron.h>

#include <string.h>

#include <bts/hex.h>

bt_status bts_tron_address_from_base58(uint8_t out[BTS_TRON_ADDR_LEN], const char *s, size_t s_len)
{
    uint8_t a[BTS_TRON_ADDR_LEN];
    size_t n = 0;
    /* Every valid address is 34 characters; refusing others early also bounds the work. */
    if (s_len != BTS_TRON_BASE58_CAP - 1)
        return BT_EINVAL;
    bt_status st = bts_base58check_decode(a, sizeof(a), &n, s, s_len);
    if (st != BT_OK)
        return st == BT_ERANGE ? BT_EINVAL : st;
    if (n != BTS_TRON_ADDR_LEN || a[0] != BTS_TRON_PREFIX)
        return BT_EINVAL;
    memcpy(out, a, sizeof(a));
    return BT_OK;
}

bt_status bts_tron_address_to_base58(char out[BTS_TRON_BASE58_CAP],
                                     const uint8_t addr[BTS_TRON_ADDR_LEN])
{
    size_t n;
    out[0] = 0;
    if (addr[0] != BTS_TRON_PREFIX)
        return BT_EINVAL;
    bt_status st = bts_base58check_encode(out, BTS_TRON_BASE58_CAP, &n, addr, BTS_TRON_ADDR_LEN);
    if (st != BT_OK)
        out[0] = 0;
    return st;
}

bt_status bts_tron_address_from_hex(uint8_t out[BTS_TRON_ADDR_LEN], const char *s, size_t s_len)
{
    uint8_t a[BTS_TRON_ADDR_LEN];
    /* No "0x": with it the string is Ethereum-style, and tronweb's isAddress refuses it too. */
    if (s_len != 2 * BTS_TRON_ADDR_LEN)
        return BT_EINVAL;
    bt_status st = bts_hex_decode_exact(a, sizeof(a), s, s_len, 0);
    if (st != BT_OK)
        return st;
    if (a[0] != BTS_TRON_PREFIX)
        return BT_EINVAL;
    memcpy(out, a, sizeof(a));
    return BT_OK;
}

void bts_tron_address_to_hex(char out[BTS_TRON_HEX_CAP], const uint8_t addr[BTS_TRON_ADDR_LEN])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < BTS_TRON_ADDR_LEN; i++) {
        out[2 * i] = digits[addr[i] >> 4];
        out[2 * i + 1] = digits[addr[i] & 15];
    }
    out[2 * BTS_TRON_ADDR_LEN] = 0;
}

bt_status bts_tron_address_parse(uint8_t out[BTS_TRON_ADDR_LEN], const char *s, size_t s_len)
{
    if (s_len == 2 * BTS_TRON_ADDR_LEN)
        return bts_tron_address_from_hex(out, s, s_len);
    return bts_tron_address_from_base58(out, s, s_len);
}

void bts_tron_address_from_evm(uint8_t out[BTS_TRON_ADDR_LEN], const uint8_t evm[20])
{
    memmove(out + 1, evm, 20); /* out and evm may overlap: out + 1 == evm is a natural layout */
    out[0] = BTS_TRON_PREFIX;
}

bt_status bts_tron_address_to_evm(uint8_t out[20], const uint8_t addr[BTS_TRON_ADDR_LEN])
{
    if (addr[0] != BTS_TRON_PREFIX)
        return BT_EINVAL;
    memmove(out, addr + 1, 20);
    return BT_OK;
}
