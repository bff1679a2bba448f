/* Pins the ABI 1.x layout on x86_64: every field offset, every struct size and alignment, and
 * every enum value of abi/bt/ headers. SQLite once changed sqlite3_vfs between releases without
 * bumping iVersion (STYLE.md, model 2); here such a slip stops the build. A minor version may
 * only append: add PIN lines for new fields at the end of a struct and update its PIN_SIZE;
 * any other change to this file needs a new major version and an abi/CHANGES.md entry.
 * The pins were computed once with clang -fdump-record-layouts and are now the reference. */
#include <bt/abi.h>
#include <bt/consensus.h>
#include <bt/evm.h>
#include <bt/host.h>
#include <bt/plugin.h>
#include <bt/rootchain.h>
#include <bt/storage.h>
#include <bt/storage_service.h>
#include <bts/test.h>

#include <stdalign.h>
#include <stddef.h>
#include <string.h>

#define PIN_VALUE(name, v) _Static_assert((name) == (v), #name " changed value")

#if defined(__x86_64__) && defined(__LP64__)
#define PIN(type, field, off)                                                                      \
    _Static_assert(offsetof(struct type, field) == (off), #type "." #field " moved")
#define PIN_SIZE(type, size, align)                                                                \
    _Static_assert(sizeof(struct type) == (size) && alignof(struct type) == (align),               \
                   #type " changed size or alignment")

/* --- <bt/abi.h> ------------------------------------------------------------- */
PIN_SIZE(bt_value, 32, 8);
PIN(bt_value, data, 0);
PIN(bt_value, len, 8);
PIN(bt_value, release, 16);
PIN(bt_value, opaque, 24);
PIN_SIZE(bt_bytes, 16, 8);
PIN(bt_bytes, data, 0);
PIN(bt_bytes, len, 8);
PIN_SIZE(bt_u256, 32, 1);
PIN(bt_u256, bytes, 0);
PIN_SIZE(bt_address, 20, 1);
PIN(bt_address, bytes, 0);
PIN_SIZE(bt_hash, 32, 1);
PIN(bt_hash, bytes, 0);

/* --- <bt/plugin.h> ---------------------------------------------------------- */
PIN_SIZE(bt_plugin_desc, 80, 8);
PIN(bt_plugin_desc, struct_size, 0);
PIN(bt_plugin_desc, magic, 4);
PIN(bt_plugin_desc, abi_major, 8);
PIN(bt_plugin_desc, abi_minor, 10);
PIN(bt_plugin_desc, kind, 12);
PIN(bt_plugin_desc, flags, 16);
PIN(bt_plugin_desc, vtbl_size, 20);
PIN(bt_plugin_desc, name, 24);
PIN(bt_plugin_desc, version, 32);
PIN(bt_plugin_desc, vtbl, 40);
PIN(bt_plugin_desc, create, 48);
PIN(bt_plugin_desc, start, 56);
PIN(bt_plugin_desc, stop, 64);
PIN(bt_plugin_desc, destroy, 72);

/* --- <bt/host.h> ------------------------------------------------------------ */
PIN_SIZE(bt_conf_entry, 32, 8);
PIN(bt_conf_entry, key, 0);
PIN(bt_conf_entry, value, 8);
PIN(bt_conf_entry, file, 16);
PIN(bt_conf_entry, line, 24);
PIN_SIZE(bt_rpc_call, 40, 8);
PIN(bt_rpc_call, struct_size, 0);
PIN(bt_rpc_call, method, 8);
PIN(bt_rpc_call, params, 16);
PIN(bt_rpc_call, params_len, 24);
PIN(bt_rpc_call, host_private, 32);
PIN_SIZE(bt_http_request, 72, 8);
PIN(bt_http_request, struct_size, 0);
PIN(bt_http_request, method, 8);
PIN(bt_http_request, path, 16);
PIN(bt_http_request, query, 24);
PIN(bt_http_request, path_params, 32);
PIN(bt_http_request, n_path_params, 40);
PIN(bt_http_request, body, 48);
PIN(bt_http_request, body_len, 56);
PIN(bt_http_request, host_private, 64);
PIN_SIZE(bt_host, 264, 8);
PIN(bt_host, struct_size, 0);
PIN(bt_host, abi_major, 4);
PIN(bt_host, abi_minor, 6);
PIN(bt_host, host_version, 8);
PIN(bt_host, log, 16);
PIN(bt_host, log_enabled, 24);
PIN(bt_host, set_error, 32);
PIN(bt_host, last_error, 40);
PIN(bt_host, mem_alloc, 48);
PIN(bt_host, mem_realloc, 56);
PIN(bt_host, mem_free, 64);
PIN(bt_host, conf_get, 72);
PIN(bt_host, conf_next, 80);
PIN(bt_host, datadir, 88);
PIN(bt_host, now_ms, 96);
PIN(bt_host, wall_ms, 104);
PIN(bt_host, timer_add, 112);
PIN(bt_host, timer_del, 120);
PIN(bt_host, defer, 128);
PIN(bt_host, work_submit, 136);
PIN(bt_host, metric_register, 144);
PIN(bt_host, metric_update, 152);
PIN(bt_host, rpc_register, 160);
PIN(bt_host, rpc_result, 168);
PIN(bt_host, rpc_error, 176);
PIN(bt_host, http_register, 184);
PIN(bt_host, http_reply, 192);
PIN(bt_host, topic_register, 200);
PIN(bt_host, topic_send, 208);
PIN(bt_host, peer_penalise, 216);
PIN(bt_host, service_provide, 224);
PIN(bt_host, service_find, 232);
PIN(bt_host, service_each, 240);
PIN(bt_host, sign, 248);
PIN(bt_host, key_address, 256);

/* --- <bt/storage.h> --------------------------------------------------------- */
PIN_SIZE(bt_storage_open_opts, 24, 8);
PIN(bt_storage_open_opts, struct_size, 0);
PIN(bt_storage_open_opts, path, 8);
PIN(bt_storage_open_opts, flags, 16);
PIN_SIZE(bt_storage_op, 40, 8);
PIN(bt_storage_op, type, 0);
PIN(bt_storage_op, key, 8);
PIN(bt_storage_op, key_len, 16);
PIN(bt_storage_op, value, 24);
PIN(bt_storage_op, value_len, 32);
PIN_SIZE(bt_storage_batch, 32, 8);
PIN(bt_storage_batch, struct_size, 0);
PIN(bt_storage_batch, ops, 8);
PIN(bt_storage_batch, n_ops, 16);
PIN(bt_storage_batch, flags, 24);
PIN_SIZE(bt_storage_range, 32, 8);
PIN(bt_storage_range, lower, 0);
PIN(bt_storage_range, lower_len, 8);
PIN(bt_storage_range, upper, 16);
PIN(bt_storage_range, upper_len, 24);
PIN_SIZE(bt_storage_stats, 32, 8);
PIN(bt_storage_stats, struct_size, 0);
PIN(bt_storage_stats, approx_keys, 8);
PIN(bt_storage_stats, approx_bytes, 16);
PIN(bt_storage_stats, disk_bytes, 24);
PIN_SIZE(bt_storage_vtbl, 144, 8);
PIN(bt_storage_vtbl, struct_size, 0);
PIN(bt_storage_vtbl, open, 8);
PIN(bt_storage_vtbl, close, 16);
PIN(bt_storage_vtbl, get, 24);
PIN(bt_storage_vtbl, write, 32);
PIN(bt_storage_vtbl, snapshot_new, 40);
PIN(bt_storage_vtbl, snapshot_free, 48);
PIN(bt_storage_vtbl, iter_new, 56);
PIN(bt_storage_vtbl, iter_seek, 64);
PIN(bt_storage_vtbl, iter_seek_prev, 72);
PIN(bt_storage_vtbl, iter_next, 80);
PIN(bt_storage_vtbl, iter_prev, 88);
PIN(bt_storage_vtbl, iter_valid, 96);
PIN(bt_storage_vtbl, iter_entry, 104);
PIN(bt_storage_vtbl, iter_status, 112);
PIN(bt_storage_vtbl, iter_free, 120);
PIN(bt_storage_vtbl, stats, 128);
PIN(bt_storage_vtbl, compact, 136);

/* --- <bt/storage_service.h> ------------------------------------------------- */
PIN_VALUE(BT_STORAGE_SVC_NS_MAX, 65);
PIN_SIZE(bt_storage_svc, 112, 8);
PIN(bt_storage_svc, struct_size, 0);
PIN(bt_storage_svc, get, 8);
PIN(bt_storage_svc, write, 16);
PIN(bt_storage_svc, snapshot_new, 24);
PIN(bt_storage_svc, snapshot_free, 32);
PIN(bt_storage_svc, iter_new, 40);
PIN(bt_storage_svc, iter_seek, 48);
PIN(bt_storage_svc, iter_seek_prev, 56);
PIN(bt_storage_svc, iter_next, 64);
PIN(bt_storage_svc, iter_prev, 72);
PIN(bt_storage_svc, iter_valid, 80);
PIN(bt_storage_svc, iter_entry, 88);
PIN(bt_storage_svc, iter_status, 96);
PIN(bt_storage_svc, iter_free, 104);

/* --- <bt/evm.h> ------------------------------------------------------------- */
PIN_SIZE(bt_evm_state_iface, 48, 8);
PIN(bt_evm_state_iface, struct_size, 0);
PIN(bt_evm_state_iface, get_account, 8);
PIN(bt_evm_state_iface, get_code, 16);
PIN(bt_evm_state_iface, get_storage, 24);
PIN(bt_evm_state_iface, get_block_hash, 32);
PIN(bt_evm_state_iface, has_storage, 40);
PIN_SIZE(bt_evm_block, 192, 8);
PIN(bt_evm_block, struct_size, 0);
PIN(bt_evm_block, number, 8);
PIN(bt_evm_block, timestamp, 16);
PIN(bt_evm_block, gas_limit, 24);
PIN(bt_evm_block, chain_id, 32);
PIN(bt_evm_block, coinbase, 40);
PIN(bt_evm_block, difficulty, 60);
PIN(bt_evm_block, prev_randao, 92);
PIN(bt_evm_block, base_fee, 124);
PIN(bt_evm_block, blob_base_fee, 156);
PIN_SIZE(bt_evm_access, 40, 8);
PIN(bt_evm_access, address, 0);
PIN(bt_evm_access, keys, 24);
PIN(bt_evm_access, n_keys, 32);
PIN_SIZE(bt_evm_tx, 280, 8);
PIN(bt_evm_tx, struct_size, 0);
PIN(bt_evm_tx, type, 4);
PIN(bt_evm_tx, has_to, 8);
PIN(bt_evm_tx, from, 12);
PIN(bt_evm_tx, to, 32);
PIN(bt_evm_tx, nonce, 56);
PIN(bt_evm_tx, gas_limit, 64);
PIN(bt_evm_tx, gas_price, 72);
PIN(bt_evm_tx, max_fee, 104);
PIN(bt_evm_tx, max_priority_fee, 136);
PIN(bt_evm_tx, max_blob_fee, 168);
PIN(bt_evm_tx, value, 200);
PIN(bt_evm_tx, data, 232);
PIN(bt_evm_tx, data_len, 240);
PIN(bt_evm_tx, access_list, 248);
PIN(bt_evm_tx, n_access, 256);
PIN(bt_evm_tx, blob_hashes, 264);
PIN(bt_evm_tx, n_blob_hashes, 272);
PIN_SIZE(bt_evm_config, 24, 8);
PIN(bt_evm_config, struct_size, 0);
PIN(bt_evm_config, fork, 4);
PIN(bt_evm_config, flags, 8);
PIN(bt_evm_config, tracer, 16);
PIN_SIZE(bt_evm_step, 176, 8);
PIN(bt_evm_step, struct_size, 0);
PIN(bt_evm_step, op, 4);
PIN(bt_evm_step, pc, 8);
PIN(bt_evm_step, gas, 16);
PIN(bt_evm_step, refund, 24);
PIN(bt_evm_step, depth, 32);
PIN(bt_evm_step, storage_op, 36);
PIN(bt_evm_step, address, 40);
PIN(bt_evm_step, storage_key, 60);
PIN(bt_evm_step, storage_value, 92);
PIN(bt_evm_step, stack, 128);
PIN(bt_evm_step, stack_len, 136);
PIN(bt_evm_step, memory, 144);
PIN(bt_evm_step, memory_len, 152);
PIN(bt_evm_step, return_data, 160);
PIN(bt_evm_step, return_data_len, 168);
PIN_SIZE(bt_evm_tracer, 32, 8);
PIN(bt_evm_tracer, struct_size, 0);
PIN(bt_evm_tracer, ctx, 8);
PIN(bt_evm_tracer, step, 16);
PIN(bt_evm_tracer, step_result, 24);
PIN_SIZE(bt_evm_log, 168, 8);
PIN(bt_evm_log, address, 0);
PIN(bt_evm_log, n_topics, 20);
PIN(bt_evm_log, topics, 24);
PIN(bt_evm_log, data, 152);
PIN(bt_evm_log, data_len, 160);
PIN_SIZE(bt_evm_storage_change, 64, 1);
PIN(bt_evm_storage_change, key, 0);
PIN(bt_evm_storage_change, value, 32);
PIN_SIZE(bt_evm_account_change, 96, 8);
PIN(bt_evm_account_change, address, 0);
PIN(bt_evm_account_change, flags, 20);
PIN(bt_evm_account_change, nonce, 24);
PIN(bt_evm_account_change, balance, 32);
PIN(bt_evm_account_change, code, 64);
PIN(bt_evm_account_change, code_len, 72);
PIN(bt_evm_account_change, storage, 80);
PIN(bt_evm_account_change, n_storage, 88);
PIN_SIZE(bt_evm_result, 112, 8);
PIN(bt_evm_result, struct_size, 0);
PIN(bt_evm_result, outcome, 4);
PIN(bt_evm_result, gas_used, 8);
PIN(bt_evm_result, gas_refund, 16);
PIN(bt_evm_result, output, 24);
PIN(bt_evm_result, output_len, 32);
PIN(bt_evm_result, has_created, 40);
PIN(bt_evm_result, created, 44);
PIN(bt_evm_result, logs, 64);
PIN(bt_evm_result, n_logs, 72);
PIN(bt_evm_result, changes, 80);
PIN(bt_evm_result, n_changes, 88);
PIN(bt_evm_result, release, 96);
PIN(bt_evm_result, opaque, 104);
PIN_SIZE(bt_evm_vtbl, 16, 8);
PIN(bt_evm_vtbl, struct_size, 0);
PIN(bt_evm_vtbl, execute, 8);

/* --- <bt/consensus.h> ------------------------------------------------------- */
PIN_SIZE(bt_header, 648, 8);
PIN(bt_header, struct_size, 0);
PIN(bt_header, hash, 4);
PIN(bt_header, parent_hash, 36);
PIN(bt_header, uncle_hash, 68);
PIN(bt_header, coinbase, 100);
PIN(bt_header, state_root, 120);
PIN(bt_header, tx_root, 152);
PIN(bt_header, receipt_root, 184);
PIN(bt_header, bloom, 216);
PIN(bt_header, difficulty, 472);
PIN(bt_header, number, 504);
PIN(bt_header, gas_limit, 512);
PIN(bt_header, gas_used, 520);
PIN(bt_header, time, 528);
PIN(bt_header, extra, 536);
PIN(bt_header, extra_len, 544);
PIN(bt_header, mix_digest, 552);
PIN(bt_header, nonce, 584);
PIN(bt_header, has_base_fee, 592);
PIN(bt_header, base_fee, 596);
PIN(bt_header, rlp, 632);
PIN(bt_header, rlp_len, 640);
PIN_SIZE(bt_header_draft, 152, 8);
PIN(bt_header_draft, struct_size, 0);
PIN(bt_header_draft, number, 8);
PIN(bt_header_draft, time, 16);
PIN(bt_header_draft, gas_limit, 24);
PIN(bt_header_draft, coinbase, 32);
PIN(bt_header_draft, difficulty, 52);
PIN(bt_header_draft, mix_digest, 84);
PIN(bt_header_draft, nonce, 116);
PIN(bt_header_draft, extra, 128);
PIN(bt_header_draft, extra_cap, 136);
PIN(bt_header_draft, extra_len, 144);
PIN_SIZE(bt_block_state_ops, 24, 8);
PIN(bt_block_state_ops, struct_size, 0);
PIN(bt_block_state_ops, system_call, 8);
PIN(bt_block_state_ops, set_code, 16);
PIN_SIZE(bt_chain_iface, 40, 8);
PIN(bt_chain_iface, struct_size, 0);
PIN(bt_chain_iface, head, 8);
PIN(bt_chain_iface, header_by_number, 16);
PIN(bt_chain_iface, header_by_hash, 24);
PIN(bt_chain_iface, call, 32);
PIN_SIZE(bt_consensus_vtbl, 64, 8);
PIN(bt_consensus_vtbl, struct_size, 0);
PIN(bt_consensus_vtbl, verify_header, 8);
PIN(bt_consensus_vtbl, schedule, 16);
PIN(bt_consensus_vtbl, prepare, 24);
PIN(bt_consensus_vtbl, finalize, 32);
PIN(bt_consensus_vtbl, seal, 40);
PIN(bt_consensus_vtbl, author, 48);
PIN(bt_consensus_vtbl, on_head, 56);

/* --- <bt/rootchain.h> ------------------------------------------------------- */
PIN_SIZE(bt_rootchain_log, 248, 8);
PIN(bt_rootchain_log, address, 0);
PIN(bt_rootchain_log, n_topics, 20);
PIN(bt_rootchain_log, topics, 24);
PIN(bt_rootchain_log, data, 152);
PIN(bt_rootchain_log, data_len, 160);
PIN(bt_rootchain_log, block_number, 168);
PIN(bt_rootchain_log, block_hash, 176);
PIN(bt_rootchain_log, tx_hash, 208);
PIN(bt_rootchain_log, tx_index, 240);
PIN(bt_rootchain_log, log_index, 244);
PIN_SIZE(bt_rootchain_filter, 104, 8);
PIN(bt_rootchain_filter, struct_size, 0);
PIN(bt_rootchain_filter, addresses, 8);
PIN(bt_rootchain_filter, n_addresses, 16);
PIN(bt_rootchain_filter, topics, 24);
PIN(bt_rootchain_filter, n_topics, 56);
PIN(bt_rootchain_filter, from_block, 88);
PIN(bt_rootchain_filter, to_block, 96);
PIN_SIZE(bt_rootchain_send_req, 104, 8);
PIN(bt_rootchain_send_req, struct_size, 0);
PIN(bt_rootchain_send_req, key_id, 8);
PIN(bt_rootchain_send_req, to, 16);
PIN(bt_rootchain_send_req, data, 40);
PIN(bt_rootchain_send_req, data_len, 48);
PIN(bt_rootchain_send_req, value, 56);
PIN(bt_rootchain_send_req, gas_limit, 88);
PIN(bt_rootchain_send_req, fee_limit, 96);
PIN_SIZE(bt_rootchain_receipt, 72, 8);
PIN(bt_rootchain_receipt, struct_size, 0);
PIN(bt_rootchain_receipt, tx_status, 4);
PIN(bt_rootchain_receipt, tx_hash, 8);
PIN(bt_rootchain_receipt, block_number, 40);
PIN(bt_rootchain_receipt, gas_used, 48);
PIN(bt_rootchain_receipt, logs, 56);
PIN(bt_rootchain_receipt, n_logs, 64);
PIN_SIZE(bt_rootchain_status, 48, 8);
PIN(bt_rootchain_status, struct_size, 0);
PIN(bt_rootchain_status, head, 8);
PIN(bt_rootchain_status, finalized, 16);
PIN(bt_rootchain_status, last_ok_ms, 24);
PIN(bt_rootchain_status, url, 32);
PIN(bt_rootchain_status, last_error, 40);
PIN_SIZE(bt_rootchain_block, 88, 8);
PIN(bt_rootchain_block, struct_size, 0);
PIN(bt_rootchain_block, number, 8);
PIN(bt_rootchain_block, hash, 16);
PIN(bt_rootchain_block, parent_hash, 48);
PIN(bt_rootchain_block, timestamp, 80);
PIN_SIZE(bt_rootchain_vtbl, 72, 8);
PIN(bt_rootchain_vtbl, struct_size, 0);
PIN(bt_rootchain_vtbl, chain_type, 8);
PIN(bt_rootchain_vtbl, heights, 16);
PIN(bt_rootchain_vtbl, get_logs, 24);
PIN(bt_rootchain_vtbl, call, 32);
PIN(bt_rootchain_vtbl, send, 40);
PIN(bt_rootchain_vtbl, status, 48);
PIN(bt_rootchain_vtbl, error_message, 56);
PIN(bt_rootchain_vtbl, get_block, 64);

#endif /* x86_64 */

/* --- enum and macro values (all targets) ------------------------------------------------- */
PIN_VALUE(BT_ABI_MAJOR, 1);
PIN_VALUE(BT_PLUGIN_MAGIC, 0x42545450u);
PIN_VALUE(BT_PLUGIN_NAME_MAX, 63);
PIN_VALUE(BT_PLUGIN_VERSION_MAX, 63);
PIN_VALUE(BT_PLUGIN_DESC_MAX, 4096);
PIN_VALUE(BT_PEER_BROADCAST, UINT64_MAX);
PIN_VALUE(BT_OK, 0);
PIN_VALUE(BT_EINVAL, 1);
PIN_VALUE(BT_ENOTFOUND, 2);
PIN_VALUE(BT_EIO, 3);
PIN_VALUE(BT_EBUSY, 4);
PIN_VALUE(BT_ESTALE, 5);
PIN_VALUE(BT_ERANGE, 6);
PIN_VALUE(BT_ENOMEM, 7);
PIN_VALUE(BT_EPROTO, 8);
PIN_VALUE(BT_EINTERNAL, 9);
PIN_VALUE(BT_ENOTSUP, 10);
PIN_VALUE(BT_ETIMEDOUT, 11);
PIN_VALUE(BT_EEXIST, 12);
PIN_VALUE(BT_EPERM, 13);
PIN_VALUE(BT_ECANCELED, 14);
PIN_VALUE(BT_KIND_STORAGE, 1);
PIN_VALUE(BT_KIND_EVM, 2);
PIN_VALUE(BT_KIND_CONSENSUS, 3);
PIN_VALUE(BT_KIND_ROOTCHAIN, 4);
PIN_VALUE(BT_PLUGIN_F_UNLOAD_SAFE, 1);
PIN_VALUE(BT_PLUGIN_F_MULTI_INSTANCE, 2);
PIN_VALUE(BT_LOG_ERROR, 0);
PIN_VALUE(BT_LOG_WARN, 1);
PIN_VALUE(BT_LOG_INFO, 2);
PIN_VALUE(BT_LOG_DEBUG, 3);
PIN_VALUE(BT_LOG_TRACE, 4);
PIN_VALUE(BT_METRIC_COUNTER, 1);
PIN_VALUE(BT_METRIC_GAUGE, 2);
PIN_VALUE(BT_METRIC_HISTOGRAM, 3);
PIN_VALUE(BT_STORAGE_OPEN_CREATE, 1);
PIN_VALUE(BT_STORAGE_OPEN_READONLY, 2);
PIN_VALUE(BT_STORAGE_PUT, 1);
PIN_VALUE(BT_STORAGE_DELETE, 2);
PIN_VALUE(BT_STORAGE_SYNC, 1);
PIN_VALUE(BT_EVM_ISTANBUL, 1);
PIN_VALUE(BT_EVM_BERLIN, 2);
PIN_VALUE(BT_EVM_LONDON, 3);
PIN_VALUE(BT_EVM_PARIS, 4);
PIN_VALUE(BT_EVM_SHANGHAI, 5);
PIN_VALUE(BT_EVM_CANCUN, 6);
PIN_VALUE(BT_EVM_F_BTTC_LOGS, 1);
PIN_VALUE(BT_EVM_F_NO_CHECKS, 2);
PIN_VALUE(BT_EVM_F_SYSTEM_CALL, 4);
PIN_VALUE(BT_EVM_SUCCESS, 0);
PIN_VALUE(BT_EVM_REVERT, 1);
PIN_VALUE(BT_EVM_FAILURE, 2);
PIN_VALUE(BT_EVM_ACCOUNT_DESTROYED, 1);
PIN_VALUE(BT_EVM_ACCOUNT_CREATED, 2);
PIN_VALUE(BT_EVM_ACCOUNT_CODE, 4);
PIN_VALUE(BT_EVM_ACCOUNT_TOUCHED_EMPTY, 8);
PIN_VALUE(BT_VERIFY_SEAL, 1);
PIN_VALUE(BT_ROOTCHAIN_TRON, 1);
PIN_VALUE(BT_ROOTCHAIN_ETH, 2);
PIN_VALUE(BT_ROOTCHAIN_BSC, 3);
PIN_VALUE(BT_ROOTCHAIN_OTHER, 255);
PIN_VALUE(BT_ROOTCHAIN_TX_SUCCESS, 1);
PIN_VALUE(BT_ROOTCHAIN_TX_REVERTED, 2);
PIN_VALUE(BT_ROOTCHAIN_TX_DROPPED, 3);

/* --- the macros that travel with the layout ---------------------------------------------- */

static uint32_t lay_chain_type(void *self)
{
    (void)self;
    return BT_ROOTCHAIN_OTHER;
}

static const struct bt_rootchain_vtbl lay_vtbl = {.struct_size = sizeof(struct bt_rootchain_vtbl),
                                                  .chain_type = lay_chain_type};

static bt_status lay_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    (void)host, (void)hctx;
    *out_self = NULL;
    return BT_OK;
}

static void lay_destroy(void *self)
{
    (void)self;
}

BT_PLUGIN_DEFINE(lay_vtbl, .kind = BT_KIND_ROOTCHAIN, .name = "layout-test", .version = "1.0.0",
                 .create = lay_create, .destroy = lay_destroy);

static void test_layout_plugin_define_fills_header(void)
{
    const struct bt_plugin_desc *d = bt_plugin_query();
    CU_ASSERT_EQUAL(d->struct_size, sizeof(struct bt_plugin_desc));
    CU_ASSERT_EQUAL(d->magic, BT_PLUGIN_MAGIC);
    CU_ASSERT_EQUAL(d->abi_major, BT_ABI_MAJOR);
    CU_ASSERT_EQUAL(d->abi_minor, BT_ABI_MINOR);
    CU_ASSERT_EQUAL(d->vtbl_size, sizeof(struct bt_rootchain_vtbl));
    CU_ASSERT_PTR_EQUAL(d->vtbl, &lay_vtbl);
    CU_ASSERT_EQUAL(d->kind, BT_KIND_ROOTCHAIN);
    CU_ASSERT_STRING_EQUAL(d->name, "layout-test");
    CU_ASSERT_PTR_NULL(d->start);
    CU_ASSERT_PTR_NOT_NULL(d->create);
}

static void test_layout_has_checks_size_and_pointer(void)
{
    struct bt_rootchain_vtbl t = lay_vtbl;
    CU_ASSERT(BT_HAS(struct bt_rootchain_vtbl, &t, chain_type));
    CU_ASSERT(!BT_HAS(struct bt_rootchain_vtbl, &t, heights)); /* present but NULL */
    /* A table built against an older minor ends before the entry: absent even if the bytes
     * behind it happen to be non-NULL. */
    t.struct_size = (uint32_t)offsetof(struct bt_rootchain_vtbl, chain_type);
    CU_ASSERT(!BT_HAS(struct bt_rootchain_vtbl, &t, chain_type));
    t.struct_size = (uint32_t)(offsetof(struct bt_rootchain_vtbl, chain_type) + 1);
    CU_ASSERT(!BT_HAS(struct bt_rootchain_vtbl, &t, chain_type));
}

static void test_layout_status_primary_strips_subcode(void)
{
    CU_ASSERT_EQUAL(BT_STATUS_PRIMARY(BT_EIO | (1 << 8)), BT_EIO);
    CU_ASSERT_EQUAL(BT_STATUS_PRIMARY(BT_OK), BT_OK);
    CU_ASSERT_EQUAL(BT_STATUS_PRIMARY(BT_ECANCELED | (7 << 8)), BT_ECANCELED);
}

BTS_TEST_SUITE("layout", NULL, NULL, BTS_TEST(test_layout_plugin_define_fills_header),
               BTS_TEST(test_layout_has_checks_size_and_pointer),
               BTS_TEST(test_layout_status_primary_strips_subcode));
