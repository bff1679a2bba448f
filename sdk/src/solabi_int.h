/* Private to the Solidity ABI codec (solabi_*.c): rules shared by encoder and decoder. */
#ifndef BTS_SOLABI_INT_H
#define BTS_SOLABI_INT_H

#include <bts/solabi.h>

/* True when w is a clean word for the scalar type t: the value fits uintN/intN (sign-extended
 * for intN), address has 12 zero bytes, bool is 0 or 1, bytesN is zero after N bytes. The
 * encoder and the decoder apply the same rule, so whatever decodes re-encodes. */
bool solabi_word_fits(const struct bts_solabi_type *t, const uint8_t w[32]);

#endif /* BTS_SOLABI_INT_H */
