/* Delivery bridge: the rootchain adapters in the host's service registry (dlvb_adapters.h). */
#include <stdio.h>
#include <string.h>

#include "dlvb_adapters.h"

#define PREFIX "rootchain/"

struct walk {
    struct dlvb_adapter *out;
    size_t cap, n;
};

static int usable(const struct bt_rootchain_vtbl *vt)
{
    return vt && BT_HAS(struct bt_rootchain_vtbl, vt, chain_type) &&
           BT_HAS(struct bt_rootchain_vtbl, vt, heights) &&
           BT_HAS(struct bt_rootchain_vtbl, vt, get_logs) &&
           BT_HAS(struct bt_rootchain_vtbl, vt, call) && BT_HAS(struct bt_rootchain_vtbl, vt, send);
}

static int visit(void *arg, const char *name, const void *iface, void *self)
{
    struct walk *w = arg;
    const struct bt_rootchain_vtbl *vt = iface;
    if (!usable(vt))
        return 0;
    if (w->n < w->cap) {
        struct dlvb_adapter *a = &w->out[w->n];
        memset(a, 0, sizeof(*a));
        snprintf(a->name, sizeof(a->name), "%s", name + strlen(PREFIX));
        a->vt = vt;
        a->self = self;
        a->chain_type = vt->chain_type(self);
    }
    w->n++;
    return 0;
}

bt_status dlvb_adapters_find(const struct bt_host *host, struct bt_host_ctx *h,
                             struct dlvb_adapter *out, size_t cap, size_t *out_n)
{
    struct walk w = {out, out ? cap : 0, 0};
    host->service_each(h, PREFIX, visit, &w);
    *out_n = w.n;
    return w.n > w.cap ? BT_ERANGE : BT_OK;
}

const struct dlvb_adapter *dlvb_adapters_by_type(const struct dlvb_adapter *list, size_t n,
                                                 uint32_t chain_type)
{
    for (size_t i = 0; list && i < n; i++)
        if (list[i].chain_type == chain_type)
            return &list[i];
    return NULL;
}
