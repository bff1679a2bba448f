/* Private to sdk/src/header*.c: the shared field encoder, so the block hash and the Bor seal
 * hash encode the mandatory fields identically. */
#ifndef BTS_HEADER_INT_H
#define BTS_HEADER_INT_H

#include <bts/header.h>

/* Append the 15 mandatory fields, with extraData cut to `extra_len` bytes, and the first
 * `n_optional` optional ones (no list header). Returns BT_OK or BT_ENOMEM. */
bt_status header_put_fields(struct bts_buf *out, const struct bts_header *h, size_t extra_len,
                            uint32_t n_optional);

#endif /* BTS_HEADER_INT_H */
