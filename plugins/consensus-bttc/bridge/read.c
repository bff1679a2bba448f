/* Delivery bridge: asynchronous contract views over an adapter (dlvb_read.h). */
#include <stdlib.h>
#include <string.h>

#include "dlvb_read.h"

struct read_ctx {
    const struct bt_rootchain_vtbl *vt;
    void *self;
    uint8_t to[20];
    uint64_t header_id;
    dlvb_header_fn hfn;
    dlvb_u64_fn ufn;
    void *arg;
};

static void on_header(void *arg, bt_status st, const uint8_t *out, size_t len)
{
    struct read_ctx *c = arg;
    struct dlvb_header_block hb;
    if (st == BT_OK)
        st = dlvb_decode_header_block(&hb, out, len);
    c->hfn(c->arg, st, c->header_id, st == BT_OK ? &hb : NULL);
    free(c);
}

static bt_status ask_header(struct read_ctx *c)
{
    uint8_t data[36];
    size_t n = dlvb_calldata_view(data, dlvb_sel_header_blocks, 1, c->header_id);
    return c->vt->call(c->self, c->to, data, n, 0, on_header, c);
}

static void on_current(void *arg, bt_status st, const uint8_t *out, size_t len)
{
    struct read_ctx *c = arg;
    if (st == BT_OK)
        st = dlvb_decode_u64(&c->header_id, out, len);
    if (st == BT_OK)
        st = ask_header(c);
    if (st != BT_OK) {
        c->hfn(c->arg, st, c->header_id, NULL);
        free(c);
    }
}

static struct read_ctx *ctx_new(const struct bt_rootchain_vtbl *vt, void *self,
                                const uint8_t to[20], void *arg)
{
    struct read_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->vt = vt;
    c->self = self;
    memcpy(c->to, to, 20);
    c->arg = arg;
    return c;
}

bt_status dlvb_read_last_header(const struct bt_rootchain_vtbl *vt, void *self,
                                const uint8_t root_chain[20], dlvb_header_fn fn, void *arg)
{
    struct read_ctx *c = ctx_new(vt, self, root_chain, arg);
    if (!c)
        return BT_ENOMEM;
    c->hfn = fn;
    uint8_t data[36];
    size_t n = dlvb_calldata_view(data, dlvb_sel_current_header_block, 0, 0);
    bt_status st = vt->call(self, root_chain, data, n, 0, on_current, c);
    if (st != BT_OK)
        free(c);
    return st;
}

bt_status dlvb_read_header(const struct bt_rootchain_vtbl *vt, void *self,
                           const uint8_t root_chain[20], uint64_t header_id, dlvb_header_fn fn,
                           void *arg)
{
    struct read_ctx *c = ctx_new(vt, self, root_chain, arg);
    if (!c)
        return BT_ENOMEM;
    c->hfn = fn;
    c->header_id = header_id;
    bt_status st = ask_header(c);
    if (st != BT_OK)
        free(c);
    return st;
}

static void on_u64(void *arg, bt_status st, const uint8_t *out, size_t len)
{
    struct read_ctx *c = arg;
    uint64_t v = 0;
    if (st == BT_OK)
        st = dlvb_decode_u64(&v, out, len);
    c->ufn(c->arg, st, v);
    free(c);
}

bt_status dlvb_read_u64(const struct bt_rootchain_vtbl *vt, void *self, const uint8_t to[20],
                        const uint8_t selector[4], int has_arg, uint64_t argument, dlvb_u64_fn fn,
                        void *arg)
{
    struct read_ctx *c = ctx_new(vt, self, to, arg);
    if (!c)
        return BT_ENOMEM;
    c->ufn = fn;
    uint8_t data[36];
    size_t n = dlvb_calldata_view(data, selector, has_arg, argument);
    bt_status st = vt->call(self, to, data, n, 0, on_u64, c);
    if (st != BT_OK)
        free(c);
    return st;
}
