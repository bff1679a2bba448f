/* A growable byte buffer in the git strbuf shape: `data` is never NULL once initialised and a
 * NUL byte always follows `len`, so text can be used as a C string. */
#ifndef BTS_BUF_H
#define BTS_BUF_H

#include <stdarg.h>

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bts_buf {
    uint8_t *data; /* never NULL after init; data[len] == 0 */
    size_t len;    /* bytes in use */
    size_t cap;    /* bytes allocated for content (excluding the NUL); 0: data is static "" */
};

/** Static initialiser: an empty buffer that owns nothing. */
#define BTS_BUF_INIT                                                                               \
    {                                                                                              \
        (uint8_t *)bts_buf_empty_, 0, 0                                                            \
    }
extern BTS_API const uint8_t bts_buf_empty_[1];

/** Initialise an empty buffer (no allocation). */
BTS_API void bts_buf_init(struct bts_buf *b);
/** Release the memory and reset to empty; safe on an empty or released buffer. */
BTS_API void bts_buf_free(struct bts_buf *b);
/** Ensure room for `extra` more bytes. Returns BT_OK or BT_ENOMEM (buffer unchanged). */
BTS_API bt_status bts_buf_reserve(struct bts_buf *b, size_t extra) BT_MUST_CHECK;
/** Append bytes. Returns BT_OK or BT_ENOMEM (buffer unchanged). */
BTS_API bt_status bts_buf_append(struct bts_buf *b, const void *p, size_t n) BT_MUST_CHECK;
/** Append one byte. */
BTS_API bt_status bts_buf_append_byte(struct bts_buf *b, uint8_t c) BT_MUST_CHECK;
/** Append a C string without its NUL. */
BTS_API bt_status bts_buf_append_str(struct bts_buf *b, const char *s) BT_MUST_CHECK;
/** Append printf-formatted text. */
BTS_API bt_status bts_buf_printf(struct bts_buf *b, const char *fmt, ...)
    BT_PRINTF(2, 3) BT_MUST_CHECK;
BTS_API bt_status bts_buf_vprintf(struct bts_buf *b, const char *fmt, va_list ap) BT_MUST_CHECK;
/** Set len to 0, keeping the allocation. */
BTS_API void bts_buf_reset(struct bts_buf *b);
/** Take the memory out: returns a malloc'd block (free() it) of *out_len bytes plus a NUL, and
 *  leaves the buffer empty. Returns NULL only on allocation failure of an empty buffer. */
BTS_API uint8_t *bts_buf_detach(struct bts_buf *b, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* BTS_BUF_H */
