/* Shared by the storage suites: a runtime with workers in a temporary datadir, and the node's
 * storage opened on a chosen backend (plugins from the build tree). Static inline so each
 * suite takes what it uses. */
#ifndef BTTCD_STOR_TESTLIB_H
#define BTTCD_STOR_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/test.h>

#include "stor_node_int.h"

struct stl {
    char dir[256]; /* the datadir */
    struct host_rt rt;
    struct config cfg;
    struct plugin_dirs pd;
    struct stor_node sn;
};

static inline void stl_rm(const char *dir)
{
    CU_ASSERT_EQUAL(stor_remove_tree(dir), BT_OK);
}

/* A fresh datadir and runtime; storage opened on `backend`. */
static inline void stl_open_in(struct stl *t, const char *backend)
{
    t->cfg.file = "test.conf";
    t->cfg.dir = ".";
    t->cfg.storage_backend = (char *)backend;
    CU_ASSERT_EQUAL_FATAL(rt_init(&t->rt, 2, t->dir), BT_OK);
    t->rt.phase = RT_PHASE_RUN;
    CU_ASSERT_EQUAL_FATAL(paths_default_plugin_dirs(&t->pd, ".", NULL), BT_OK);
    memset(&t->sn, 0, sizeof(t->sn));
    t->sn.rt = &t->rt;
    t->sn.cfg = &t->cfg;
    t->sn.pd = &t->pd;
    char err[2048] = "";
    bt_status st = stor_node_open(&t->sn, t->dir, 1, err, sizeof(err));
    if (st != BT_OK)
        fprintf(stderr, "stor_node_open: %s\n", err);
    CU_ASSERT_EQUAL_FATAL(st, BT_OK);
}

static inline void stl_open(struct stl *t, const char *backend)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "/tmp/bttcd-stor-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(t->dir));
    stl_open_in(t, backend);
}

/* Stop like the node: quiesce the runtime, close storage, free. Keeps the datadir. */
static inline void stl_stop(struct stl *t)
{
    rt_quiesce(&t->rt);
    stor_node_close(&t->sn);
    rt_free(&t->rt);
    paths_plugin_dirs_free(&t->pd);
}

static inline void stl_close(struct stl *t)
{
    stl_stop(t);
    stl_rm(t->dir);
}

static inline void stl_keepalive(void *arg)
{
    (void)arg;
}

/* Run the loop until loop_stop; a periodic timer keeps libevent from returning early while
 * only worker results are awaited. */
static inline void stl_run(struct stl *t)
{
    uint64_t id;
    CU_ASSERT_EQUAL_FATAL(loop_timer_add(&t->rt.loop, t, 1000, 1000, stl_keepalive, NULL, &id),
                          BT_OK);
    loop_run(&t->rt.loop);
    CU_ASSERT_EQUAL(loop_timer_del(&t->rt.loop, t, id), BT_OK);
}

static inline bt_status stl_put(struct stor *s, const struct stor_ns *ns, const char *k,
                                const char *v)
{
    struct stor_op op = {.type = BT_STORAGE_PUT,
                         .ns = ns,
                         .key = (const uint8_t *)k,
                         .key_len = strlen(k),
                         .value = (const uint8_t *)v,
                         .value_len = strlen(v)};
    return stor_write(s, &op, 1, 0);
}

/* 1 if ns:k holds v (v NULL: absent). */
static inline int stl_has(struct stor *s, const struct stor_ns *ns, const char *k, const char *v)
{
    struct bt_value out;
    bt_status st = stor_get(s, ns, NULL, (const uint8_t *)k, strlen(k), &out);
    if (st == BT_ENOTFOUND)
        return v == NULL;
    if (st != BT_OK)
        return 0;
    int ok = v && out.len == strlen(v) && memcmp(out.data, v, out.len) == 0;
    if (out.release)
        out.release(&out);
    return ok;
}

#endif /* BTTCD_STOR_TESTLIB_H */
