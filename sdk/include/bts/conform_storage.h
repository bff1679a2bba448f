/* Conformance suite for storage backends (kind BT_KIND_STORAGE, <bt/storage.h>): the checks
 * every backend must pass, in tree or third-party (the role evmc's vmtester plays for EVMs).
 * Link libbtsdk_conform_storage; see plugins/storage-memory/tests for a complete example. */
#ifndef BTS_CONFORM_STORAGE_H
#define BTS_CONFORM_STORAGE_H

#include <bt/storage.h>
#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What the backend under test promises beyond the common contract. */
enum bts_conform_storage_flags {
    /** Data survives close and open of the same path, and a path is opened by one process at a
     *  time (checks: reopen, read-only open, missing path, unwritable path, lock held by
     *  another process, double open). Without it those checks are reported skipped. */
    BTS_CONFORM_STORAGE_PERSISTENT = 1u << 0
};

/** The backend under test. */
struct bts_conform_storage {
    const struct bt_storage_vtbl *vtbl; /* the plugin's table (every 1.0 entry non-NULL) */
    void *self;                         /* an instance made by the descriptor's create */
    const char *scratch_dir;            /* an existing writable directory; the suite makes sub-dirs
                                           named after its checks and leaves them behind */
    uint32_t flags;                     /* enum bts_conform_storage_flags */
    /** Optional: the message the backend left with host->set_error for its last failing call
     *  ("" or NULL if none). With it, failing opens must leave a message. */
    const char *(*last_error)(void *arg);
    void *arg;
};

/** Counts of one run. */
struct bts_conform_result {
    uint32_t n_run;
    uint32_t n_passed;
    uint32_t n_failed;
    uint32_t n_skipped;
};

/** Run the checks whose name contains `only` (NULL: all) against `c`: binary key order (memcmp,
 *  0x00/0xff bytes, prefixes), empty keys and values, keys of BT_STORAGE_KEY_MAX bytes, values
 *  of 16 and 64 MiB, batch atomicity (also seen from a concurrent reader) and order, refused
 *  batches applying nothing, delete semantics, snapshot isolation while a writer thread runs,
 *  iterator stability under concurrent writes, ranges and seeks in both directions, stats and
 *  compact, and with BTS_CONFORM_STORAGE_PERSISTENT: reopen persistence, read-only opens,
 *  missing and unwritable paths, and a database locked by another (forked) process.
 *  Prints one line per check to stdout ("conform-storage <name>: ok|FAIL|skipped") and, for a
 *  failure, what was expected and found. Forks, so call it before the process starts threads
 *  of its own that hold locks.
 *  Returns: BT_OK (the checks ran; see *out), BT_EINVAL (c incomplete).
 *  Out:     out: counts; all passed when out->n_failed == 0.
 *  In:      c: borrowed for the call; dbs it opens are closed before it returns.
 *  Thread:  starts and joins its own threads; call it from one thread. */
BTS_API bt_status bts_conform_storage_run(const struct bts_conform_storage *c, const char *only,
                                          struct bts_conform_result *out) BT_MUST_CHECK
    BT_NONNULL(1, 3);

/** Make a new empty scratch directory "<tmpdir>/bts-conform-<tag>-XXXXXX" ($TMPDIR, else /tmp).
 *  Returns: BT_OK, BT_EIO (cannot create), BT_ERANGE (out_cap too small).
 *  Out:     out: the path, NUL-terminated. Thread: any. */
BTS_API bt_status bts_conform_storage_mkscratch(char *out, size_t out_cap,
                                                const char *tag) BT_MUST_CHECK BT_NONNULL(1, 3);

/** Remove a directory tree made by bts_conform_storage_mkscratch (files made read-only by the
 *  suite included). Returns: BT_OK, BT_EIO. Thread: any. */
BTS_API bt_status bts_conform_storage_rmtree(const char *path) BT_NONNULL(1);

#ifdef __cplusplus
}
#endif

#endif /* BTS_CONFORM_STORAGE_H */
