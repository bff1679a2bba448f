/* Conformance suite for storage backends (kind BT_KIND_STORAGE, <bt/storage.h>): the checks
 * every backend must pass, in tree or third-party (the role evmc's vmtester plays for EVMs).
 * Link libbtsdk_conform_storage; see plugins/storage-memory/tests for a complete example. */
#ifndef BTS_CONFORM_STORAGE_H
#define BTS_CONFORM_STORAGE_H

#include <bt/plugin.h>
#include <bt/storage.h>
#include <bts/common.h>
#include <bts/mockhost.h>

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

/** A storage plugin under test, loaded from its built .so: the scaffolding every backend's
 *  unit test needs around the suite. */
struct bts_conform_storage_plugin {
    void *dl;                           /* the dlopen handle */
    const struct bt_plugin_desc *desc;  /* its descriptor */
    const struct bt_storage_vtbl *vtbl; /* desc->vtbl */
    void *self;                         /* the instance made with mock (default config) */
    struct bts_mockhost *mock;          /* the mock host of self, with the conf service */
};

/** Load a storage plugin (dlopen RTLD_NOW|RTLD_LOCAL, then its BT_PLUGIN_QUERY_SYMBOL) and make
 *  one instance with a new mock host serving an empty config.
 *  Returns: BT_OK; BT_EIO (dlopen failed, reason on stderr, or no descriptor); else what the
 *           plugin's create returned (p->desc is then set, p->self NULL).
 *  Out:     p: filled as far as it got; release with bts_conform_storage_unload in any case.
 *  In:      so_path: the plugin file. Thread: one thread, before others start. */
BTS_API bt_status bts_conform_storage_load(struct bts_conform_storage_plugin *p,
                                           const char *so_path) BT_MUST_CHECK BT_NONNULL(1, 2);

/** Make another instance of a loaded plugin with its own mock host serving the config
 *  key = value (key NULL: the defaults).
 *  Returns: what the plugin's create returned.
 *  Out:     *out_m: the new mock host, always set (free it with bts_mockhost_free after
 *           destroying the instance); *out_self: the instance, NULL on failure.
 *  In:      p: loaded; key, value: one config entry. Thread: any. */
BTS_API bt_status bts_conform_storage_create(const struct bts_conform_storage_plugin *p,
                                             const char *key, const char *value,
                                             struct bts_mockhost **out_m, void **out_self)
    BT_NONNULL(1, 4, 5);

/** Destroy the instance, free the mock host and dlclose the plugin if its descriptor says
 *  BT_PLUGIN_F_UNLOAD_SAFE (a plugin that is not, e.g. one whose library keeps a thread, stays
 *  mapped). p is zeroed. Thread: one thread, after the others stopped. */
BTS_API void bts_conform_storage_unload(struct bts_conform_storage_plugin *p) BT_NONNULL(1);

/** Run the whole suite against one instance in a new scratch directory
 *  ("bts-conform-<tag>-XXXXXX", see bts_conform_storage_mkscratch), errors read from mock,
 *  then remove the directory.
 *  Returns: BT_OK (the checks ran and the directory was removed; see *out); BT_EIO (no scratch
 *           directory, or it could not be removed); else as bts_conform_storage_run.
 *  Out:     out: counts (zero if the suite did not run).
 *  In:      vtbl, self: the backend; mock: self's mock host; tag: names the directory;
 *           flags: enum bts_conform_storage_flags. Thread: as bts_conform_storage_run. */
BTS_API bt_status bts_conform_storage_run_scratch(const struct bt_storage_vtbl *vtbl, void *self,
                                                  struct bts_mockhost *mock, const char *tag,
                                                  uint32_t flags,
                                                  struct bts_conform_result *out) BT_MUST_CHECK
    BT_NONNULL(1, 3, 4, 6);

#ifdef __cplusplus
}
#endif

#endif /* BTS_CONFORM_STORAGE_H */
