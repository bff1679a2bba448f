/* The plugin loader: dlopen, the descriptor checks of STYLE.md "The plugin descriptor" in
 * their order, and the host-owned copies of a validated descriptor and kind table. Only
 * bt_plugin_query runs before every check has passed. */
#ifndef BTTCD_LOADER_INT_H
#define BTTCD_LOADER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <bt/consensus.h>
#include <bt/evm.h>
#include <bt/plugin.h>
#include <bt/rootchain.h>
#include <bt/storage.h>

/** Size of the 1.0 descriptor: the end of its last 1.0 entry. */
#define LOADER_DESC_SIZE_1_0                                                                       \
    (offsetof(struct bt_plugin_desc, destroy) + sizeof(((struct bt_plugin_desc *)0)->destroy))

/** One mandatory entry of a kind table: where it is and what to call it in a refusal. */
struct loader_entry {
    size_t offset;
    const char *name;
};

/** What the host knows about a kind (one static const row per kind, loader.c). */
struct loader_kind {
    uint32_t kind;
    const char *name; /* "storage": also the service prefix "storage/<plugin>" */
    size_t size_1_0;  /* end of the last 1.0 entry: the smallest table accepted */
    size_t host_size; /* sizeof the table as this host was built */
    const struct loader_entry *mandatory;
    size_t n_mandatory;
};

/** The kind's row, or NULL if the host does not know it. */
const struct loader_kind *loader_kind_find(uint32_t kind);

/** Room for any kind table as this host knows it. */
union loader_vtbl {
    uint32_t struct_size;
    struct bt_storage_vtbl storage;
    struct bt_evm_vtbl evm;
    struct bt_consensus_vtbl consensus;
    struct bt_rootchain_vtbl rootchain;
};

/** The host's copy of a validated plugin: from here on the plugin's originals are never
 *  read. desc.name/version/vtbl point into this struct; struct_size fields hold the smaller of
 *  the plugin's and the host's sizes, so BT_HAS never reads past the copy. */
struct loader_image {
    struct bt_plugin_desc desc;
    union loader_vtbl vtbl;
    const struct loader_kind *kind;
    char name[BT_PLUGIN_NAME_MAX + 1];
    char version[BT_PLUGIN_VERSION_MAX + 1];
};

/** Why a plugin was refused: a fixed reason and a detail naming the value. */
struct loader_refusal {
    char reason[64];
    char detail[512];
};

/** Answers "is this name already loaded?"; on yes sets *out_where to the file that has it. */
typedef int (*loader_taken_fn)(void *arg, const char *name, const char **out_where);

/** Checks 3-7 on a descriptor returned by bt_plugin_query (which may be NULL): size and magic,
 *  ABI major, kind and table, name and version, uniqueness (when taken is non-NULL), create and
 *  destroy; then copies into *out. Returns BT_OK or BT_EINVAL with *why filled. */
bt_status loader_validate(const struct bt_plugin_desc *d, loader_taken_fn taken, void *taken_arg,
                          struct loader_image *out, struct loader_refusal *why);

/** A loaded, validated plugin file. */
struct loader_plugin {
    char *file; /* as given (messages) */
    void *dl;
    struct loader_image img;
};

/** Steps 1-7 in this process: dlopen(RTLD_NOW|RTLD_LOCAL), bt_plugin_query, loader_validate.
 *  Returns BT_OK (*out set), BT_EINVAL (refused: *why filled) or BT_ENOMEM. */
bt_status loader_open(const char *file, loader_taken_fn taken, void *taken_arg,
                      struct loader_plugin **out, struct loader_refusal *why);
/** Release a plugin; its code is unloaded only when it says BT_PLUGIN_F_UNLOAD_SAFE. NULL ok. */
void loader_close(struct loader_plugin *lp);

/** "<file>: refused: <reason> (<detail>)" plus a newline. */
void loader_print_refusal(FILE *out, const char *file, const struct loader_refusal *why);

/** Result of a check run in a child process. */
struct loader_check {
    int is_ok;
    struct loader_refusal why; /* when !is_ok */
    uint32_t kind;
    uint16_t abi_major, abi_minor;
    char name[BT_PLUGIN_NAME_MAX + 1];
    char version[BT_PLUGIN_VERSION_MAX + 1];
};

/** Steps 1-7 (without uniqueness) in a forked child, so a crash or a hang in bt_plugin_query
 *  is a refusal, not the end of this process. Returns BT_OK (see out->is_ok) or BT_EIO (could
 *  not fork). */
bt_status loader_check_forked(const char *file, struct loader_check *out);

/** loader_check_forked for n files at once: every child is forked before any answer is read,
 *  so the checks overlap (a node's start waits for the slowest, not for the sum) and the
 *  parent's pages are shared copy-on-write once instead of once per plugin. A file whose child
 *  cannot be forked is refused ("cannot check"). Out: out[0..n-1]. Returns BT_OK or BT_ENOMEM
 *  (nothing checked). */
bt_status loader_check_forked_n(const char *const *files, size_t n, struct loader_check *out);

/** `bttcd plugins check`: check every file, print one line each ("<file>: ok kind=..." or
 *  the refusal), refuse a name already seen earlier in the list. Returns 0 if all are ok, 1
 *  otherwise. */
int loader_check_files(char *const *files, size_t n_files, FILE *out);

#endif /* BTTCD_LOADER_INT_H */
