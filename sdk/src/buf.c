/* Growable byte buffer (bts/buf.h). */
#include <bts/buf.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const uint8_t bts_buf_empty_[1] = {0};

void bts_buf_init(struct bts_buf *b)
{
    b->data = (uint8_t *)bts_buf_empty_;
    b->len = 0;
    b->cap = 0;
}

void bts_buf_free(struct bts_buf *b)
{
    if (b->cap)
        free(b->data);
    bts_buf_init(b);
}

bt_status bts_buf_reserve(struct bts_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return BT_ENOMEM;
    size_t need = b->len + extra;
    if (need <= b->cap)
        return BT_OK;
    size_t cap = b->cap ? b->cap : 32;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    uint8_t *p = realloc(b->cap ? b->data : NULL, cap + 1);
    if (!p)
        return BT_ENOMEM;
    if (!b->cap)
        p[0] = 0;
    b->data = p;
    b->cap = cap;
    return BT_OK;
}

bt_status bts_buf_append(struct bts_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return BT_OK;
    bt_status st = bts_buf_reserve(b, n);
    if (st != BT_OK)
        return st;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return BT_OK;
}

bt_status bts_buf_append_byte(struct bts_buf *b, uint8_t c)
{
    return bts_buf_append(b, &c, 1);
}

bt_status bts_buf_append_str(struct bts_buf *b, const char *s)
{
    return bts_buf_append(b, s, strlen(s));
}

bt_status bts_buf_vprintf(struct bts_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return BT_EINVAL;
    bt_status st = bts_buf_reserve(b, (size_t)n);
    if (st != BT_OK)
        return st;
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return BT_OK;
}

bt_status bts_buf_printf(struct bts_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bt_status st = bts_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

void bts_buf_reset(struct bts_buf *b)
{
    b->len = 0;
    if (b->cap)
        b->data[0] = 0;
}

uint8_t *bts_buf_detach(struct bts_buf *b, size_t *out_len)
{
    uint8_t *p = b->data;
    if (!b->cap) {
        p = calloc(1, 1);
        if (!p)
            return NULL;
    }
    if (out_len)
        *out_len = b->len;
    bts_buf_init(b);
    return p;
}
