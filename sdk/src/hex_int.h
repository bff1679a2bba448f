/* Private to libbtsdk: the hex parsers with a reason for their failure, so bts/json.h can say
 * "invalid hex quantity: leading zero" without a second parser. Never installed. */
#ifndef BTS_HEX_INT_H
#define BTS_HEX_INT_H

#include <bts/hex.h>

/* Value of a hex digit (either case), or -1. Branch-free table look-up: parsers are hot in the
 * RPC paths. The table stores value + 1 so that its zero default means "not a digit". */
extern const uint8_t bts_hex_digit_tab_[256];
static inline int bts_hex_digit_(char c)
{
    return (int)bts_hex_digit_tab_[(unsigned char)c] - 1;
}

/* True when s starts with "0x" or "0X". */
static inline int bts_hex_has_prefix_(const char *s, size_t s_len)
{
    return s_len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

/* The lowercase digit alphabet. */
extern const char bts_hex_lower_[16];

/* Each behaves exactly as its public namesake; on failure *why (when why is not NULL) is set to
 * a static lowercase reason such as "odd length" or "leading zero". */
bt_status bts_hex_decode_why_(uint8_t *out, size_t out_cap, size_t *out_len, const char *s,
                              size_t s_len, unsigned flags, const char **why);
bt_status bts_hex_decode_exact_why_(uint8_t *out, size_t n, const char *s, size_t s_len,
                                    unsigned flags, const char **why);
bt_status bts_hex_parse_u64_why_(uint64_t *out, const char *s, size_t s_len, const char **why);
bt_status bts_hex_parse_u256_why_(uint8_t out[32], const char *s, size_t s_len, const char **why);
bt_status bts_hex_parse_eip55_why_(uint8_t out[20], const char *s, size_t s_len, const char **why);

#endif /* BTS_HEX_INT_H */
