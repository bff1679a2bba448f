/* The txpool journal: go-ethereum's transactions.rlp format (core/txpool/legacypool/journal.go),
 * transactions concatenated in their block-body encoding. Appended on every add, replayed at
 * start (an incomplete last record, as a crash mid-write leaves, is cut off), rewritten with
 * the live set through a temporary file and rename. */
#include "txpool_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bts/buf.h>
#include <bts/rlp.h>

#define ERR(...) ((void)snprintf(err, err_cap, __VA_ARGS__))

/* Block-body form: legacy is the RLP list itself, typed an RLP string of type || RLP. */
static bt_status encode_item(struct bts_buf *b, const struct txpool_tx *t)
{
    if (t->tx.type == BTS_TX_LEGACY)
        return bts_buf_append(b, t->raw, t->raw_len);
    return bts_rlp_encode_bytes(b, t->raw, t->raw_len);
}

static bt_status write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return BT_EIO;
        p += w;
        n -= (size_t)w;
    }
    return BT_OK;
}

bt_status txpool_journal_append(struct txpool *p, const struct txpool_tx *t)
{
    if (p->journal_hold) {
        size_t mark = p->journal_buf.len;
        bt_status st = encode_item(&p->journal_buf, t);
        if (st != BT_OK)
            p->journal_buf.len = mark; /* no half record */
        return st;
    }
    struct bts_buf b = BTS_BUF_INIT;
    bt_status st = encode_item(&b, t);
    if (st == BT_OK)
        st = write_all(p->journal_fd, b.data, b.len);
    bts_buf_free(&b);
    return st;
}

void txpool_journal_hold(struct txpool *p)
{
    p->journal_hold++;
}

bt_status txpool_journal_release(struct txpool *p)
{
    if (p->journal_hold && --p->journal_hold)
        return BT_OK; /* an outer hold writes */
    bt_status st = BT_OK;
    if (p->journal_fd >= 0 && p->journal_buf.len)
        st = write_all(p->journal_fd, p->journal_buf.data, p->journal_buf.len);
    bts_buf_free(&p->journal_buf);
    return st;
}

void txpool_journal_close(struct txpool *p)
{
    if (p->journal_fd >= 0 && p->journal_buf.len)
        (void)write_all(p->journal_fd, p->journal_buf.data, p->journal_buf.len);
    bts_buf_free(&p->journal_buf);
    p->journal_hold = 0;
    if (p->journal_fd >= 0)
        close(p->journal_fd);
    p->journal_fd = -1;
    free(p->journal_path);
    p->journal_path = NULL;
}

static bt_status read_file(const char *path, struct bts_buf *out, char *err, size_t err_cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return BT_OK; /* first start: no journal yet */
        ERR("%s: cannot open: %s", path, strerror(errno));
        return BT_EIO;
    }
    uint8_t chunk[65536];
    bt_status st = BT_OK;
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            ERR("%s: read error: %s", path, strerror(errno));
            st = BT_EIO;
        }
        if (r <= 0 || (st = bts_buf_append(out, chunk, (size_t)r)) != BT_OK)
            break;
    }
    close(fd);
    return st;
}

/* Replay the records of buf into the pool; returns the length of the well-formed prefix. */
static size_t replay(struct txpool *p, const struct bts_buf *buf, struct txpool_journal_stats *s)
{
    size_t off = 0;
    while (off < buf->len) {
        struct bts_rlp_item it;
        if (bts_rlp_decode_prefix(&it, buf->data + off, buf->len - off) != BT_OK)
            break;
        /* A list is a legacy transaction; a string holds type || RLP. */
        const uint8_t *raw = it.is_list ? it.raw : it.payload;
        size_t raw_len = it.is_list ? it.raw_len : it.payload_len;
        if (txpool_add(p, raw, raw_len, NULL) == BT_OK)
            s->loaded++;
        else
            s->rejected++;
        off += it.raw_len;
    }
    return off;
}

bt_status txpool_journal_open(struct txpool *p, const char *path, struct txpool_journal_stats *out,
                              char *err, size_t err_cap)
{
    struct txpool_journal_stats dummy;
    struct bts_buf buf = BTS_BUF_INIT;
    if (!out)
        out = &dummy;
    memset(out, 0, sizeof(*out));
    txpool_journal_close(p);
    if (!(p->journal_path = strdup(path)))
        return BT_ENOMEM;
    bt_status st = read_file(path, &buf, err, err_cap);
    if (st == BT_OK) {
        p->replaying = 1;
        size_t good = replay(p, &buf, out);
        p->replaying = 0;
        out->truncated_bytes = buf.len - good;
    }
    bts_buf_free(&buf);
    /* Rewriting with the live set also drops the cut-off tail and the rejected records. */
    if (st == BT_OK)
        st = txpool_journal_rotate(p, err, err_cap);
    if (st != BT_OK)
        txpool_journal_close(p);
    return st;
}

struct rotate_ctx {
    struct bts_buf buf;
    int fd;
};

static bt_status rotate_one(void *arg, const struct txpool_tx *t, int is_pending)
{
    struct rotate_ctx *r = arg;
    (void)is_pending;
    bts_buf_reset(&r->buf);
    bt_status st = encode_item(&r->buf, t);
    return st == BT_OK ? write_all(r->fd, r->buf.data, r->buf.len) : st;
}

bt_status txpool_journal_rotate(struct txpool *p, char *err, size_t err_cap)
{
    if (!p->journal_path)
        return BT_EINVAL;
    const char *path = p->journal_path;
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!tmp)
        return BT_ENOMEM;
    snprintf(tmp, n, "%s.new", path);
    struct rotate_ctx r = {BTS_BUF_INIT, -1};
    bt_status st = BT_OK;
    r.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (r.fd < 0) {
        ERR("%s: cannot create: %s", tmp, strerror(errno));
        st = BT_EIO;
        goto out;
    }
    st = txpool_foreach(p, rotate_one, &r);
    if (st == BT_OK && fsync(r.fd) != 0)
        st = BT_EIO;
    if (close(r.fd) != 0 && st == BT_OK)
        st = BT_EIO;
    r.fd = -1;
    if (st == BT_OK && rename(tmp, path) != 0)
        st = BT_EIO;
    if (st != BT_OK) {
        if (st == BT_EIO)
            ERR("%s: cannot write: %s", tmp, strerror(errno));
        unlink(tmp);
        goto out;
    }
    if (p->journal_fd >= 0)
        close(p->journal_fd);
    bts_buf_reset(&p->journal_buf); /* held records: live, so in the rewritten file */
    p->journal_fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (p->journal_fd < 0) {
        ERR("%s: cannot open for append: %s", path, strerror(errno));
        st = BT_EIO;
    }
out:
    bts_buf_free(&r.buf);
    free(tmp);
    return st;
}
