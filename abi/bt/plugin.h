/* bttcd plugin ABI: the descriptor a plugin exports and the host validates before running any
 * other plugin code (DESIGN.md §3; the PostgreSQL magic-block and EVMC models). */
#ifndef BT_PLUGIN_H
#define BT_PLUGIN_H

#include <bt/abi.h>
#include <bt/host.h>

#ifdef __cplusplus
extern "C" {
#endif

/** "BTTP": the first check after struct_size; catches garbage and foreign descriptors. */
#define BT_PLUGIN_MAGIC 0x42545450u

/** Plugin kinds. Each kind has exactly one function table, declared in its own header. */
enum bt_plugin_kind {
    BT_KIND_STORAGE = 1,   /* struct bt_storage_vtbl, <bt/storage.h> */
    BT_KIND_EVM = 2,       /* struct bt_evm_vtbl, <bt/evm.h> */
    BT_KIND_CONSENSUS = 3, /* struct bt_consensus_vtbl, <bt/consensus.h> */
    BT_KIND_ROOTCHAIN = 4  /* struct bt_rootchain_vtbl, <bt/rootchain.h> */
};

/** Descriptor flags. */
enum bt_plugin_flags {
    /** The plugin's code may be dlclose()d while the process runs (no threads, no atexit, no
     *  TLS destructors left behind). Without it the host never unloads the code. */
    BT_PLUGIN_F_UNLOAD_SAFE = 1u << 0,
    /** Several instances of this plugin may exist at once (storage backends during a swap). */
    BT_PLUGIN_F_MULTI_INSTANCE = 1u << 1
};

/** Limits the loader enforces on names and versions. */
#define BT_PLUGIN_NAME_MAX    63   /* name: [a-z0-9-]{1,63}, starts with a letter */
#define BT_PLUGIN_VERSION_MAX 63   /* version: printable ASCII, no spaces, 1..63 chars */
#define BT_PLUGIN_DESC_MAX    4096 /* struct_size and vtbl_size upper bound */

/** The descriptor. Returned by the plugin's only export, bt_plugin_query(), as a pointer to
 *  static const data (use BT_PLUGIN_DEFINE). The host checks, in this order, and stops at the
 *  first failure: struct_size (between the 1.0 size and BT_PLUGIN_DESC_MAX) and magic;
 *  abi_major; kind known, vtbl non-NULL, vtbl_size between the kind's 1.0 size and
 *  BT_PLUGIN_DESC_MAX and equal to vtbl->struct_size, every mandatory entry non-NULL; name and
 *  version well formed; name unique in the process; create and destroy non-NULL. Then it copies
 *  the descriptor and the table into its own zeroed structs, so a missing tail reads as NULL.
 *
 *  Lifecycle: create runs in plugins.conf order and must not look up other plugins; start runs
 *  once every plugin exists and may look them up (service_find); stop and destroy run in reverse
 *  order. All four run on the host loop thread. */
struct bt_plugin_desc {
    uint32_t struct_size; /* sizeof(struct bt_plugin_desc) as the plugin was built */
    uint32_t magic;       /* BT_PLUGIN_MAGIC */
    uint16_t abi_major;   /* must equal the host's BT_ABI_MAJOR */
    uint16_t abi_minor;   /* the minor the plugin was built against: which table tails exist */
    uint32_t kind;        /* enum bt_plugin_kind */
    uint32_t flags;       /* enum bt_plugin_flags */
    uint32_t vtbl_size;   /* must equal vtbl->struct_size (the table's first member) */
    const char *name;     /* [a-z0-9-]{1,63}; unique in the process */
    const char *version;  /* the plugin's own semantic version, e.g. "1.2.0" */
    const void *vtbl;     /* const struct bt_<kind>_vtbl *, static */

    /** Create one instance. `host` is the process-wide services table, valid until the process
     *  ends; `hctx` identifies this instance to the host, valid until destroy returns. On
     *  success set *out_self (may be any pointer, even NULL-valued state is allowed but
     *  discouraged); on failure return a code, optionally with host->set_error(). Mandatory. */
    bt_status (*create)(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self);
    /** Optional. All plugins exist; look up services, register routes and timers. */
    bt_status (*start)(void *self);
    /** Optional. Stop producing work; pending callbacks are cancelled by the host after it. */
    void (*stop)(void *self);
    /** Free the instance. Mandatory. Must accept an instance whose start failed or never ran.
     *  Everything registered through hctx is released by the host after destroy returns. */
    void (*destroy)(void *self);
    /* ABI 1.x additions go here, never above. */
};

/** The one symbol a plugin exports. A function, not data, because dlsym is only guaranteed for
 *  functions (PostgreSQL's Pg_magic_func). Must not allocate, log or touch global state: it runs
 *  before validation. */
typedef const struct bt_plugin_desc *(*bt_plugin_query_fn)(void);
#define BT_PLUGIN_QUERY_SYMBOL "bt_plugin_query"

/** Define bt_plugin_query() for a plugin whose kind table is the static const object `vtbl_`.
 *  Fills struct_size, magic, ABI versions, vtbl and vtbl_size; pass the rest as designated
 *  initialisers: .kind, .name, .version, .create, .destroy, and optionally .flags, .start,
 *  .stop. Example:
 *    BT_PLUGIN_DEFINE(ldb_vtbl, .kind = BT_KIND_STORAGE, .name = "storage-leveldb",
 *                     .version = "1.0.0", .create = ldb_create, .destroy = ldb_destroy); */
#ifdef __cplusplus
#define BT_PLUGIN_EXTERN_C extern "C"
#else
#define BT_PLUGIN_EXTERN_C
#endif
#define BT_PLUGIN_DEFINE(vtbl_, ...)                                                               \
    BT_PLUGIN_EXTERN_C BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void);               \
    BT_PLUGIN_EXTERN_C BT_EXPORT const struct bt_plugin_desc *bt_plugin_query(void)                \
    {                                                                                              \
        static const struct bt_plugin_desc bt_plugin_desc_ = {.struct_size =                       \
                                                                  sizeof(struct bt_plugin_desc),   \
                                                              .magic = BT_PLUGIN_MAGIC,            \
                                                              .abi_major = BT_ABI_MAJOR,           \
                                                              .abi_minor = BT_ABI_MINOR,           \
                                                              .vtbl_size = sizeof(vtbl_),          \
                                                              .vtbl = &(vtbl_),                    \
                                                              __VA_ARGS__};                        \
        return &bt_plugin_desc_;                                                                   \
    }

#ifdef __cplusplus
}
#endif

#endif /* BT_PLUGIN_H */
