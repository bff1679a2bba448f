/* The storage proxy: the one door to storage for the host and for plugins (DESIGN.md §2, §6).
 * It owns the open backend database, adds namespaces as key prefixes (the backend never knows),
 * and hot-swaps the backend while the node runs. Handles (snapshots, iterators) belong to the
 * database they were made on: once a swap retires that database they fail with BT_ESTALE.
 *
 * Key layout: every stored key is <namespace prefix><key>. Host namespaces are one byte; a
 * plugin's namespace is 0x10, its name and a NUL, so no prefix is a prefix of another.
 *
 * Threads: every read and write entry here is Thread: any (writes are serialised by the commit
 * lock, which is also where a swap pauses commits). stor_open/stor_close and the swap entry
 * points are loop-thread only. */
#ifndef BTTCD_STOR_INT_H
#define BTTCD_STOR_INT_H

#include <stddef.h>
#include <stdint.h>

#include <bt/plugin.h>
#include <bt/storage.h>
#include <bts/common.h>

#include "services_int.h"

/** Longest namespace prefix: 0x10, a plugin name (at most 63) and a NUL. */
#define STOR_NS_MAX 65

/** A namespace: the bytes every key of it starts with. */
struct stor_ns {
    uint8_t len;
    uint8_t bytes[STOR_NS_MAX];
};

/** The host's namespaces. 0x00 is reserved for the proxy itself. */
extern const struct stor_ns stor_ns_chain;     /* 0x01 headers, bodies, receipts, head */
extern const struct stor_ns stor_ns_state;     /* 0x02 state trie nodes */
extern const struct stor_ns stor_ns_consensus; /* 0x03 host-side consensus data */
extern const struct stor_ns stor_ns_txpool;    /* 0x04 txpool journal */
extern const struct stor_ns stor_ns_meta;      /* 0x05 versions, markers */

/** The private namespace of plugin `name` (a valid plugin name). BT_OK or BT_EINVAL. */
bt_status stor_ns_plugin(struct stor_ns *out, const char *name);

/** A backend plugin instance: its kind table and instance pointer (several dbs may be open). */
struct stor_backend {
    char name[BT_PLUGIN_NAME_MAX + 1];
    const struct bt_storage_vtbl *vt;
    void *self;
    struct bt_host_ctx *h; /* the instance's context: its set_error messages; may be NULL */
};

struct stor;
struct stor_db;
struct stor_snap;
struct stor_iter;
struct stor_swap;

/** Open the database at `path` (absolute; NULL for backends that keep nothing on disk) of
 *  backend `be` (borrowed: it must outlive the proxy) and make it the current one.
 *  Returns BT_OK or the backend's error, with a message in err. Thread: loop. */
bt_status stor_open(const struct stor_backend *be, const char *path, int create, struct stor **out,
                    char *err, size_t err_cap);
/** Close: frees what handles still hold on the backend, closes the database. A running swap
 *  must have finished. NULL ok. Handles must not be used afterwards (free them first). */
void stor_close(struct stor *s);

/** Name and path of the current backend (valid until the next swap). */
const char *stor_backend_name(const struct stor *s);
const char *stor_path(const struct stor *s);
/** A counter bumped by every switch; handles made before it moved are stale. */
uint64_t stor_generation(const struct stor *s);

/** Read key of namespace ns, at snap (NULL: latest). Returns BT_OK, BT_ENOTFOUND, BT_EIO,
 *  BT_EINVAL (key too long with the prefix), BT_ESTALE (snap from a retired database).
 *  Out: out: release exactly once on BT_OK. */
bt_status stor_get(struct stor *s, const struct stor_ns *ns, const struct stor_snap *snap,
                   const uint8_t *key, size_t key_len, struct bt_value *out);

/** One operation of a host batch: like struct bt_storage_op, with its namespace. */
struct stor_op {
    uint32_t type; /* BT_STORAGE_PUT or BT_STORAGE_DELETE */
    const struct stor_ns *ns;
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
};

/** Apply ops atomically (flags: BT_STORAGE_SYNC). Returns BT_OK (the write is acknowledged:
 *  it survives a crash of the process, and a swap in progress carries it over), BT_EINVAL,
 *  BT_EIO, BT_ENOMEM, BT_EPERM. */
bt_status stor_write(struct stor *s, const struct stor_op *ops, size_t n_ops, uint32_t flags);

/** A read view of every namespace. BT_OK, BT_ENOMEM, BT_EIO. */
bt_status stor_snapshot_new(struct stor *s, struct stor_snap **out);
/** NULL ok; fine on a stale snapshot. Free iterators over it first. */
void stor_snapshot_free(struct stor_snap *snap);

/** An iterator over namespace ns, keys lower <= k < upper of the namespace (range NULL: all),
 *  at snap (NULL: now). Keys come back without the prefix. Starts unpositioned.
 *  Returns BT_OK, BT_ENOMEM, BT_EIO, BT_ESTALE. */
bt_status stor_iter_new(struct stor *s, const struct stor_ns *ns, const struct stor_snap *snap,
                        const struct bt_storage_range *range, struct stor_iter **out);
/** Seek to the first key >= key (NULL: first) / the last key <= key (NULL: last).
 *  Returns BT_OK or BT_ESTALE. */
bt_status stor_iter_seek(struct stor_iter *it, const uint8_t *key, size_t key_len);
bt_status stor_iter_seek_prev(struct stor_iter *it, const uint8_t *key, size_t key_len);
/** Move. Returns BT_OK or BT_ESTALE. */
bt_status stor_iter_next(struct stor_iter *it);
bt_status stor_iter_prev(struct stor_iter *it);
/** Nonzero on an entry (0 when stale). */
int stor_iter_valid(struct stor_iter *it);
/** The current entry, borrowed until the iterator moves or is freed. BT_OK or BT_ESTALE. */
bt_status stor_iter_entry(struct stor_iter *it, const uint8_t **out_key, size_t *out_key_len,
                          const uint8_t **out_value, size_t *out_value_len);
/** BT_OK, the backend's I/O error, or BT_ESTALE. */
bt_status stor_iter_status(struct stor_iter *it);
/** NULL ok; fine on a stale iterator. */
void stor_iter_free(struct stor_iter *it);

/** Backend figures of the current database. */
bt_status stor_stats(struct stor *s, struct bt_storage_stats *out);

/* --- whole-store digest (swap verification, `storage verify`, export) --------------------- */

/** Count and digest of every pair in key order: Keccak-256 over, for each pair,
 *  u32be(key_len) key u32be(value_len) value. */
struct stor_digest {
    uint64_t n_keys;
    uint64_t n_bytes;
    uint8_t hash[32];
};

/** Digest a database at a backend snapshot (NULL: an implicit one). Thread: any. */
bt_status stor_digest_db(const struct bt_storage_vtbl *vt, void *self, struct bt_storage_db *db,
                         const struct bt_storage_snapshot *snap, struct stor_digest *out);
/** Digest the current database of s (a snapshot taken now). */
bt_status stor_digest(struct stor *s, struct stor_digest *out);
/** Lower-case hex of a digest hash into out[65]. */
void stor_digest_hex(const struct stor_digest *d, char out[65]);

/* --- hot swap (DESIGN.md §6) --------------------------------------------------------------- */

/** The steps of a swap, in order; also the names BTTCD_TEST_CRASH_AT takes. */
enum stor_step {
    STOR_STEP_COPY = 0,
    STOR_STEP_CAPTURE,
    STOR_STEP_PAUSE,
    STOR_STEP_TAIL,
    STOR_STEP_VERIFY,
    STOR_STEP_RECORD,
    STOR_STEP_SWITCH,
    STOR_STEP_RETIRE,
    STOR_STEP_N
};
const char *stor_step_name(enum stor_step step);

/** Progress and result of a swap (all times in milliseconds). */
struct stor_swap_report {
    const char *from, *to; /* backend names */
    const char *to_path;
    uint64_t keys_copied, keys_total_est; /* est: the backend's approx_keys (0: unknown) */
    /* Key+value bytes copied, and the backend's approx_bytes: the ETA's basis when the source
     * keeps no key count (LevelDB). An estimate: LevelDB's figure is after compression. */
    uint64_t bytes_copied, bytes_total_est;
    uint64_t tail_ops, tail_batches; /* writes captured during the copy */
    double rate_keys_s, eta_s;       /* eta < 0: unknown */
    double elapsed_ms;
    double pause_ms;           /* how long commits were held at the batch boundary */
    double max_commit_wait_ms; /* the longest any commit waited during the swap */
    struct stor_digest digest; /* verified on both sides */
    enum stor_step step;       /* the step in progress (copy, capture, verify, switch, retire) */
    int is_done;               /* final report */
    bt_status status;          /* final: BT_OK, or why the swap was aborted */
    char error[512];           /* final, on failure */
};

/** Called on the loop about once a second while copying, when the swap moves to the next step
 *  (capture, verify, switch, retire), then once with is_done set. */
typedef void (*stor_swap_fn)(void *arg, const struct stor_swap_report *r);

/** Start a swap of s to backend `to` (borrowed, must outlive the swap) at absolute `to_path`
 *  (created; must not exist or be an empty directory). `datadir` holds the record. Runs on rt's
 *  loop and workers; on_event reports progress and the result.
 *  Returns BT_OK (started), BT_EBUSY (a swap runs), BT_EINVAL (same database, bad path, with
 *  err), BT_EEXIST (to_path not empty), or the backend's open error (err). Thread: loop. */
bt_status stor_swap_start(struct stor *s, struct host_rt *rt, const char *datadir,
                          const struct stor_backend *to, const char *to_path, stor_swap_fn on_event,
                          void *arg, char *err, size_t err_cap);
/** Nonzero while a swap runs. */
int stor_swap_running(const struct stor *s);

/* --- the record in the datadir ------------------------------------------------------------- */

/** What the datadir says: the backend to open, and a swap that was in progress. */
struct stor_record {
    char backend[BT_PLUGIN_NAME_MAX + 1];
    char path[4096]; /* absolute; "" for none */
};

/** Read <datadir>/storage.record. BT_OK, BT_ENOTFOUND (none), BT_EINVAL (damaged, err). */
bt_status stor_record_read(const char *datadir, struct stor_record *out, char *err, size_t err_cap);
/** Write it atomically: temp file, fsync, rename, fsync of the directory. BT_OK or BT_EIO. */
bt_status stor_record_write(const char *datadir, const struct stor_record *r, char *err,
                            size_t err_cap);
/** The swap intent file (storage.swap): from and to, written before the target is made. */
bt_status stor_intent_write(const char *datadir, const struct stor_record *from,
                            const struct stor_record *to, char *err, size_t err_cap);
bt_status stor_intent_clear(const char *datadir);
/** Finish what a crash interrupted: if storage.swap exists, keep the side the record names and
 *  delete the other one's directory, then remove the intent. `cur` is what will be opened.
 *  Logs what it did. BT_OK or BT_EIO. */
bt_status stor_recover(const char *datadir, const struct stor_record *cur, char *err,
                       size_t err_cap);
/** rm -rf of a database directory (a no-op for ""). BT_OK or BT_EIO. */
bt_status stor_remove_tree(const char *path);

/** Test-only fault injection: raise(SIGKILL) when BTTCD_TEST_CRASH_AT names `step`. */
void stor_crash_point(enum stor_step step);

/* --- internals shared by the stor_*.c files ------------------------------------------------- */

/** Monotonic milliseconds. */
double stor_now_ms(void);

#endif /* BTTCD_STOR_INT_H */
