/* Where Delivery's state lives between runs: a small key-value interface shaped after the
 * storage proxy's service (abi/bt/storage_service.h: get / atomic batch write / ordered
 * iteration), so the node maps it 1:1 onto its namespace in the consensus storage, and an
 * in-memory implementation for tests and storage-less runs.
 *
 * Keys written by the application all begin with the bytes "app/" followed by a one-byte table
 * prefix (dlv_state.h lists them); the node keeps its own keys elsewhere in the namespace. */
#ifndef DLV_KV_H
#define DLV_KV_H

#include <bts/buf.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One operation of an atomic batch: a put (value non-NULL, value_len bytes; an empty value is
 *  value non-NULL with value_len 0) or a delete (value NULL). Borrowed for the call. */
struct dlv_kv_op {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
};

/** Visitor of dlv_kv_iface.iterate: key and value borrowed for the call. Return 0 to go on,
 *  nonzero to stop (iterate then returns BT_OK). */
typedef int (*dlv_kv_visit_fn)(void *arg, const uint8_t *key, size_t key_len, const uint8_t *value,
                               size_t value_len);

/** The store. Every entry mandatory. Thread: the loop (the application's caller). */
struct dlv_kv_iface {
    uint32_t struct_size; /**< sizeof(struct dlv_kv_iface) as the implementer was built */
    /** Read a key. Returns: BT_OK (value appended to out), BT_ENOTFOUND, BT_EIO. */
    bt_status (*get)(void *self, const uint8_t *key, size_t key_len, struct bts_buf *out);
    /** Apply ops in order, atomically (all or none), durably (survive a crash once BT_OK).
     *  Returns: BT_OK, BT_EIO, BT_ENOMEM, BT_EINVAL. */
    bt_status (*write)(void *self, const struct dlv_kv_op *ops, size_t n);
    /** Visit every key starting with `prefix` in ascending byte order (memcmp, shorter first).
     *  Returns: BT_OK, BT_EIO. */
    bt_status (*iterate)(void *self, const uint8_t *prefix, size_t prefix_len, dlv_kv_visit_fn fn,
                         void *arg);
};

/** An in-memory store (sorted array); `writes` counts successful write calls and `fail_writes`
 *  makes the next write calls fail with BT_EIO (fault injection for tests). */
struct dlv_memkv;

/** Create an empty in-memory store. Returns: BT_OK, BT_ENOMEM. Thread: any. */
bt_status dlv_memkv_new(struct dlv_memkv **out) BT_MUST_CHECK BT_NONNULL(1);
/** Free a store. NULL ignored. */
void dlv_memkv_free(struct dlv_memkv *m);
/** Its interface table (a constant) — pass `m` as self. */
const struct dlv_kv_iface *dlv_memkv_iface(void);
/** Make the next `n` write calls fail with BT_EIO without applying anything. */
void dlv_memkv_fail_writes(struct dlv_memkv *m, unsigned n) BT_NONNULL(1);
/** Number of keys stored. */
size_t dlv_memkv_count(const struct dlv_memkv *m) BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* DLV_KV_H */
