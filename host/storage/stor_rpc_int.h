/* Shared by stor_rpc.c (the admin_storage* methods) and stor_rpc_test.c (the test_storage*
 * methods behind BTTCD_STORAGE_TEST=1). */
#ifndef BTTCD_STOR_RPC_INT_H
#define BTTCD_STOR_RPC_INT_H

#include "rpc_int.h"
#include "stor_node_int.h"

struct json_t;
struct stor_rpc_sub;
struct stor_test;

struct stor_rpc {
    struct stor_node *sn;
    struct rpc_server *rpc;
    uint64_t id;                 /* of the current or last swap; 0: none since start */
    int is_running;              /* the swap `id` runs */
    struct stor_swap_report rep; /* its last report; the strings below hold from/to/path */
    char from[BT_PLUGIN_NAME_MAX + 1], to[BT_PLUGIN_NAME_MAX + 1], path[4096];
    struct stor_rpc_sub *subs; /* admin_storageSwapSubscribe */
    struct stor_test *test;    /* BTTCD_STORAGE_TEST=1 */
};

/** The one object parameter of a call, or an empty object when params are absent; NULL after
 *  answering an error. Returns a new reference. */
struct json_t *stor_rpc_object_param(struct bt_rpc_call *call, const char *want);

/** Register / stop and free the test methods. */
bt_status stor_rpc_test_register(struct stor_rpc *r);
void stor_rpc_test_drop(struct stor_rpc *r);

#endif /* BTTCD_STOR_RPC_INT_H */
