/* Shared by the test plugins: a complete, valid root-chain table whose entries do nothing,
 * and create/destroy. Each broken plugin writes its own bt_plugin_query with one defect. */
#ifndef BT_TEST_BROKEN_COMMON_H
#define BT_TEST_BROKEN_COMMON_H

#include <bt/plugin.h>
#include <bt/rootchain.h>

static uint32_t tp_chain_type(void *self)
{
    (void)self;
    return BT_ROOTCHAIN_OTHER;
}

static bt_status tp_heights(void *self, bt_rootchain_heights_fn cb, void *arg)
{
    (void)self, (void)cb, (void)arg;
    return BT_ENOTSUP;
}

static bt_status tp_get_logs(void *self, const struct bt_rootchain_filter *f,
                             bt_rootchain_logs_fn cb, void *arg)
{
    (void)self, (void)f, (void)cb, (void)arg;
    return BT_ENOTSUP;
}

static bt_status tp_call(void *self, const uint8_t to[20], const uint8_t *data, size_t data_len,
                         uint64_t block, bt_rootchain_call_fn cb, void *arg)
{
    (void)self, (void)to, (void)data, (void)data_len, (void)block, (void)cb, (void)arg;
    return BT_ENOTSUP;
}

static bt_status tp_send(void *self, const struct bt_rootchain_send_req *req,
                         bt_rootchain_receipt_fn cb, void *arg)
{
    (void)self, (void)req, (void)cb, (void)arg;
    return BT_ENOTSUP;
}

static bt_status tp_status(void *self, struct bt_rootchain_status *out)
{
    (void)self, (void)out;
    return BT_ENOTSUP;
}

static const char *tp_error_message(void *self)
{
    (void)self;
    return "";
}

static bt_status tp_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    (void)host, (void)hctx;
    *out_self = NULL;
    return BT_OK;
}

static void tp_destroy(void *self)
{
    (void)self;
}

#define TP_VTBL_INIT                                                                               \
    {                                                                                              \
        .struct_size = sizeof(struct bt_rootchain_vtbl), .chain_type = tp_chain_type,              \
        .heights = tp_heights, .get_logs = tp_get_logs, .call = tp_call, .send = tp_send,          \
        .status = tp_status, .error_message = tp_error_message                                     \
    }

/* A valid descriptor for `name_`; each plugin overrides one field after it. */
#define TP_DESC_INIT(name_)                                                                        \
    .struct_size = sizeof(struct bt_plugin_desc), .magic = BT_PLUGIN_MAGIC,                        \
    .abi_major = BT_ABI_MAJOR, .abi_minor = BT_ABI_MINOR, .kind = BT_KIND_ROOTCHAIN,               \
    .vtbl_size = sizeof(struct bt_rootchain_vtbl), .name = name_, .version = "0.0.1",              \
    .create = tp_create, .destroy = tp_destroy

/* Silence -Wunused-function in plugins that leave some of the above out. */
static inline void tp_use_all(void)
{
    (void)tp_chain_type, (void)tp_heights, (void)tp_get_logs, (void)tp_call, (void)tp_send;
    (void)tp_status, (void)tp_error_message, (void)tp_create, (void)tp_destroy;
}

#endif /* BT_TEST_BROKEN_COMMON_H */
