/* The scaffolding around the suite that every storage backend's unit test shares: load the
 * built .so, make instances with the mock host, run the suite in a scratch directory. */
#include <bts/conform_storage.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static const char *mock_error(void *arg)
{
    return bts_mockhost_error(arg);
}

bt_status bts_conform_storage_load(struct bts_conform_storage_plugin *p, const char *so_path)
{
    memset(p, 0, sizeof(*p));
    p->dl = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
    if (!p->dl) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return BT_EIO;
    }
    bt_plugin_query_fn q = (bt_plugin_query_fn)dlsym(p->dl, BT_PLUGIN_QUERY_SYMBOL);
    p->desc = q ? q() : NULL;
    if (!p->desc)
        return BT_EIO;
    p->vtbl = p->desc->vtbl;
    p->mock = bts_mockhost_new();
    bts_mockhost_use_conf(p->mock);
    return p->desc->create(bts_mockhost_host(p->mock), bts_mockhost_ctx(p->mock), &p->self);
}

bt_status bts_conform_storage_create(const struct bts_conform_storage_plugin *p, const char *key,
                                     const char *value, struct bts_mockhost **out_m,
                                     void **out_self)
{
    *out_self = NULL;
    *out_m = bts_mockhost_new();
    bts_mockhost_use_conf(*out_m);
    if (key)
        bts_mockhost_conf_set(*out_m, key, value);
    return p->desc->create(bts_mockhost_host(*out_m), bts_mockhost_ctx(*out_m), out_self);
}

void bts_conform_storage_unload(struct bts_conform_storage_plugin *p)
{
    if (p->desc)
        p->desc->destroy(p->self);
    bts_mockhost_free(p->mock);
    if (p->dl && (!p->desc || (p->desc->flags & BT_PLUGIN_F_UNLOAD_SAFE)))
        dlclose(p->dl);
    memset(p, 0, sizeof(*p));
}

bt_status bts_conform_storage_run_scratch(const struct bt_storage_vtbl *vtbl, void *self,
                                          struct bts_mockhost *mock, const char *tag,
                                          uint32_t flags, struct bts_conform_result *out)
{
    memset(out, 0, sizeof(*out));
    char dir[256];
    if (bts_conform_storage_mkscratch(dir, sizeof(dir), tag) != BT_OK)
        return BT_EIO;
    struct bts_conform_storage c = {.vtbl = vtbl,
                                    .self = self,
                                    .scratch_dir = dir,
                                    .flags = flags,
                                    .last_error = mock_error,
                                    .arg = mock};
    bt_status st = bts_conform_storage_run(&c, NULL, out);
    if (bts_conform_storage_rmtree(dir) != BT_OK && st == BT_OK)
        st = BT_EIO;
    return st;
}
