/* Descriptor validation in the order STYLE.md gives, the per-kind table of what 1.0 requires,
 * and dlopen/dlsym. Validation stops at the first failure and never calls plugin code. */
#include "loader_int.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define END_OF(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))
#define ENTRY(type, field)                                                                         \
    {                                                                                              \
        offsetof(type, field), #field                                                              \
    }

/* Every entry of a 1.0 table is mandatory except consensus on_head (consensus.h says so). */
static const struct loader_entry storage_mandatory[] = {
    ENTRY(struct bt_storage_vtbl, open),
    ENTRY(struct bt_storage_vtbl, close),
    ENTRY(struct bt_storage_vtbl, get),
    ENTRY(struct bt_storage_vtbl, write),
    ENTRY(struct bt_storage_vtbl, snapshot_new),
    ENTRY(struct bt_storage_vtbl, snapshot_free),
    ENTRY(struct bt_storage_vtbl, iter_new),
    ENTRY(struct bt_storage_vtbl, iter_seek),
    ENTRY(struct bt_storage_vtbl, iter_seek_prev),
    ENTRY(struct bt_storage_vtbl, iter_next),
    ENTRY(struct bt_storage_vtbl, iter_prev),
    ENTRY(struct bt_storage_vtbl, iter_valid),
    ENTRY(struct bt_storage_vtbl, iter_entry),
    ENTRY(struct bt_storage_vtbl, iter_status),
    ENTRY(struct bt_storage_vtbl, iter_free),
    ENTRY(struct bt_storage_vtbl, stats),
    ENTRY(struct bt_storage_vtbl, compact),
};
static const struct loader_entry evm_mandatory[] = {
    ENTRY(struct bt_evm_vtbl, execute),
};
static const struct loader_entry consensus_mandatory[] = {
    ENTRY(struct bt_consensus_vtbl, verify_header), ENTRY(struct bt_consensus_vtbl, schedule),
    ENTRY(struct bt_consensus_vtbl, prepare),       ENTRY(struct bt_consensus_vtbl, finalize),
    ENTRY(struct bt_consensus_vtbl, seal),          ENTRY(struct bt_consensus_vtbl, author),
};
static const struct loader_entry rootchain_mandatory[] = {
    ENTRY(struct bt_rootchain_vtbl, chain_type),    ENTRY(struct bt_rootchain_vtbl, heights),
    ENTRY(struct bt_rootchain_vtbl, get_logs),      ENTRY(struct bt_rootchain_vtbl, call),
    ENTRY(struct bt_rootchain_vtbl, send),          ENTRY(struct bt_rootchain_vtbl, status),
    ENTRY(struct bt_rootchain_vtbl, error_message),
};

#define KIND(k, n, type, last, mand)                                                               \
    {                                                                                              \
        k, n, END_OF(type, last), sizeof(type), mand, sizeof(mand) / sizeof(mand[0])               \
    }

static const struct loader_kind kinds[] = {
    KIND(BT_KIND_STORAGE, "storage", struct bt_storage_vtbl, compact, storage_mandatory),
    KIND(BT_KIND_EVM, "evm", struct bt_evm_vtbl, execute, evm_mandatory),
    KIND(BT_KIND_CONSENSUS, "consensus", struct bt_consensus_vtbl, on_head, consensus_mandatory),
    KIND(BT_KIND_ROOTCHAIN, "rootchain", struct bt_rootchain_vtbl, error_message,
         rootchain_mandatory),
};

const struct loader_kind *loader_kind_find(uint32_t kind)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (kinds[i].kind == kind)
            return &kinds[i];
    return NULL;
}

static bt_status refuse(struct loader_refusal *why, const char *reason, const char *fmt, ...)
    BT_PRINTF(3, 4);
static bt_status refuse(struct loader_refusal *why, const char *reason, const char *fmt, ...)
{
    snprintf(why->reason, sizeof(why->reason), "%s", reason);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->detail, sizeof(why->detail), fmt, ap);
    va_end(ap);
    return BT_EINVAL;
}

/* A bounded, printable rendering of a string the plugin handed us, for messages. */
static void show(char *out, size_t cap, const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1), o = 0;
    for (size_t i = 0; i < n && i < max && o + 5 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
    }
    out[o] = 0;
    if (n > max && o + 4 < cap)
        memcpy(out + o, "...", 4);
}

static bt_status check_name(const char *name, struct loader_refusal *why)
{
    char shown[300];
    if (!name)
        return refuse(why, "bad name", "name is NULL");
    size_t n = strnlen(name, BT_PLUGIN_NAME_MAX + 1);
    int ok = n >= 1 && n <= BT_PLUGIN_NAME_MAX && name[0] >= 'a' && name[0] <= 'z';
    for (size_t i = 0; ok && i < n; i++)
        ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
             name[i] == '-';
    if (ok)
        return BT_OK;
    show(shown, sizeof(shown), name, BT_PLUGIN_NAME_MAX);
    return refuse(why, "bad name",
                  "\"%s\": must be a lower-case letter, then letters, digits or "
                  "'-', at most %d",
                  shown, BT_PLUGIN_NAME_MAX);
}

static bt_status check_version(const char *version, struct loader_refusal *why)
{
    char shown[300];
    if (!version)
        return refuse(why, "bad version", "version is NULL");
    size_t n = strnlen(version, BT_PLUGIN_VERSION_MAX + 1);
    int ok = n >= 1 && n <= BT_PLUGIN_VERSION_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = version[i] > 0x20 && version[i] < 0x7f;
    if (ok)
        return BT_OK;
    show(shown, sizeof(shown), version, BT_PLUGIN_VERSION_MAX);
    return refuse(why, "bad version", "\"%s\": must be 1 to %d printable characters, no spaces",
                  shown, BT_PLUGIN_VERSION_MAX);
}

static bt_status check_table(const struct bt_plugin_desc *d, const struct loader_kind **out_kind,
                             struct loader_refusal *why)
{
    const struct loader_kind *k = loader_kind_find(d->kind);
    if (!k)
        return refuse(why, "unknown kind",
                      "kind %u; this host knows 1 storage, 2 evm, 3 consensus, 4 rootchain",
                      d->kind);
    if (!d->vtbl)
        return refuse(why, "missing kind table", "vtbl is NULL");
    if (d->vtbl_size < k->size_1_0)
        return refuse(why, "kind table too small", "vtbl_size %u, %s 1.0 needs at least %zu",
                      d->vtbl_size, k->name, k->size_1_0);
    if (d->vtbl_size > BT_PLUGIN_DESC_MAX)
        return refuse(why, "kind table too large", "vtbl_size %u, max %d", d->vtbl_size,
                      BT_PLUGIN_DESC_MAX);
    uint32_t self_size;
    memcpy(&self_size, d->vtbl, sizeof(self_size));
    if (self_size != d->vtbl_size)
        return refuse(why, "kind table size mismatch", "vtbl_size %u but vtbl->struct_size %u",
                      d->vtbl_size, self_size);
    for (size_t i = 0; i < k->n_mandatory; i++) {
        void *fn;
        memcpy(&fn, (const char *)d->vtbl + k->mandatory[i].offset, sizeof(fn));
        if (!fn)
            return refuse(why, "missing mandatory function", "%s.%s is NULL", k->name,
                          k->mandatory[i].name);
    }
    *out_kind = k;
    return BT_OK;
}

bt_status loader_validate(const struct bt_plugin_desc *d, loader_taken_fn taken, void *taken_arg,
                          struct loader_image *out, struct loader_refusal *why)
{
    const struct loader_kind *k = NULL;
    bt_status st;
    memset(out, 0, sizeof(*out));
    if (!d)
        return refuse(why, "no descriptor", "bt_plugin_query returned NULL");
    /* 3. Only struct_size, then magic, until both are known good. */
    if (d->struct_size < LOADER_DESC_SIZE_1_0 || d->struct_size > BT_PLUGIN_DESC_MAX)
        return refuse(why, "bad descriptor size", "struct_size %u, expected %zu..%d",
                      d->struct_size, LOADER_DESC_SIZE_1_0, BT_PLUGIN_DESC_MAX);
    if (d->magic != BT_PLUGIN_MAGIC)
        return refuse(why, "bad magic", "0x%08x, expected 0x%08x", d->magic, BT_PLUGIN_MAGIC);
    /* 4. */
    if (d->abi_major != BT_ABI_MAJOR)
        return refuse(why, "wrong ABI major", "plugin built for ABI %u.%u, host is %d.%d",
                      d->abi_major, d->abi_minor, BT_ABI_MAJOR, BT_ABI_MINOR);
    /* 5. */
    if ((st = check_table(d, &k, why)) != BT_OK)
        return st;
    /* 6. */
    if ((st = check_name(d->name, why)) != BT_OK || (st = check_version(d->version, why)) != BT_OK)
        return st;
    const char *where = NULL;
    if (taken && taken(taken_arg, d->name, &where))
        return refuse(why, "duplicate name", "\"%s\" is already loaded from %s", d->name,
                      where ? where : "another file");
    if (!d->create)
        return refuse(why, "missing mandatory function", "create is NULL");
    if (!d->destroy)
        return refuse(why, "missing mandatory function", "destroy is NULL");
    /* 7. Copy the smaller of the two sizes; a missing tail stays zero (absent). */
    size_t dn = d->struct_size < sizeof(out->desc) ? d->struct_size : sizeof(out->desc);
    memcpy(&out->desc, d, dn);
    out->desc.struct_size = (uint32_t)dn;
    size_t vn = d->vtbl_size < k->host_size ? d->vtbl_size : k->host_size;
    memcpy(&out->vtbl, d->vtbl, vn);
    out->vtbl.struct_size = (uint32_t)vn;
    out->desc.vtbl_size = (uint32_t)vn;
    snprintf(out->name, sizeof(out->name), "%s", d->name);
    snprintf(out->version, sizeof(out->version), "%s", d->version);
    out->desc.name = out->name;
    out->desc.version = out->version;
    out->desc.vtbl = &out->vtbl;
    out->kind = k;
    return BT_OK;
}

/* dlerror() texts start with the path we passed; the file is named once, by the caller. */
static void classify_dlerror(const char *dl_path, const char *msg, struct loader_refusal *why)
{
    if (!msg)
        msg = "unknown dlopen error";
    size_t pn = strlen(dl_path);
    if (strncmp(msg, dl_path, pn) == 0 && msg[pn] == ':' && msg[pn + 1] == ' ')
        msg += pn + 2;
    if (strstr(msg, "undefined symbol"))
        refuse(why, "unresolved symbol", "%s", msg);
    else if (strstr(msg, "invalid ELF header") || strstr(msg, "ELF file"))
        refuse(why, "not a shared library", "%s", msg);
    else if (strstr(msg, "file too short") || strstr(msg, "cannot read file data"))
        refuse(why, "truncated file", "%s", msg);
    else
        refuse(why, "cannot load", "%s", msg);
}

bt_status loader_open(const char *file, loader_taken_fn taken, void *taken_arg,
                      struct loader_plugin **out, struct loader_refusal *why)
{
    *out = NULL;
    /* dlopen searches the library path for names without a slash; we mean the file. */
    char dl_path[4096];
    snprintf(dl_path, sizeof(dl_path), "%s%s", strchr(file, '/') ? "" : "./", file);
    struct loader_plugin *lp = calloc(1, sizeof(*lp));
    if (!lp || !(lp->file = strdup(file))) {
        free(lp);
        refuse(why, "cannot load", "out of memory");
        return BT_ENOMEM;
    }
    /* 1. */
    lp->dl = dlopen(dl_path, RTLD_NOW | RTLD_LOCAL);
    if (!lp->dl) {
        classify_dlerror(dl_path, dlerror(), why);
        goto fail;
    }
    /* 2. */
    bt_plugin_query_fn query;
    void *sym = dlsym(lp->dl, BT_PLUGIN_QUERY_SYMBOL);
    if (!sym) {
        refuse(why, "no bt_plugin_query",
               "the file exports no bt_plugin_query symbol; define it with BT_PLUGIN_DEFINE");
        goto fail;
    }
    /* POSIX guarantees a function pointer survives the trip through void *. */
    memcpy(&query, &sym, sizeof(query));
    /* 3-7. */
    if (loader_validate(query(), taken, taken_arg, &lp->img, why) != BT_OK)
        goto fail;
    *out = lp;
    return BT_OK;
fail:
    /* A refused plugin ran at most bt_plugin_query, which must leave no state behind. */
    if (lp->dl)
        dlclose(lp->dl);
    free(lp->file);
    free(lp);
    return BT_EINVAL;
}

void loader_close(struct loader_plugin *lp)
{
    if (!lp)
        return;
    if (lp->dl && (lp->img.desc.flags & BT_PLUGIN_F_UNLOAD_SAFE))
        dlclose(lp->dl);
    free(lp->file);
    free(lp);
}

void loader_print_refusal(FILE *out, const char *file, const struct loader_refusal *why)
{
    fprintf(out, "%s: refused: %s (%s)\n", file, why->reason, why->detail);
}
