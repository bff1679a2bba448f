/* Storage conformance suite: the check table and the runner. */
#include "conform_int.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include <bts/conform_storage.h>

struct cf_entry {
    const char *name;
    int (*fn)(struct cf *t);
    int needs_disk; /* skipped without BTS_CONFORM_STORAGE_PERSISTENT */
};

static const struct cf_entry cf_checks[] = {
    {"order_binary_keys", cf_check_order, 0},
    {"empty_key_and_value", cf_check_empty, 0},
    {"long_key", cf_check_long_key, 0},
    {"large_values", cf_check_large_values, 0},
    {"batch_order", cf_check_batch_order, 0},
    {"batch_refused_applies_nothing", cf_check_batch_refused, 0},
    {"batch_atomic_concurrent", cf_check_batch_atomic_concurrent, 0},
    {"delete", cf_check_delete, 0},
    {"snapshot_isolation", cf_check_snapshot_isolation, 0},
    {"iter_stable_concurrent", cf_check_iter_concurrent, 0},
    {"range_forward", cf_check_range_forward, 0},
    {"range_backward", cf_check_range_backward, 0},
    {"stats_compact", cf_check_stats_compact, 0},
    {"reopen_persists", cf_check_reopen, 1},
    {"readonly_open", cf_check_readonly, 1},
    {"missing_path", cf_check_missing_path, 1},
    {"unwritable_path", cf_check_unwritable_path, 1},
    {"double_open", cf_check_double_open, 1},
    {"locked_by_other_process", cf_check_locked_other_process, 1},
};

void cf_fail(const struct cf *t, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("conform-storage %s: %s:%d: ", t->name, file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

const char *cf_msg(const struct cf *t)
{
    const char *m = t->c->last_error ? t->c->last_error(t->c->arg) : NULL;
    return m ? m : "";
}

static int has_all_entries(const struct bt_storage_vtbl *v)
{
    return v->struct_size >= sizeof(struct bt_storage_vtbl) && v->open && v->close && v->get &&
           v->write && v->snapshot_new && v->snapshot_free && v->iter_new && v->iter_seek &&
           v->iter_seek_prev && v->iter_next && v->iter_prev && v->iter_valid && v->iter_entry &&
           v->iter_status && v->iter_free && v->stats && v->compact;
}

bt_status bts_conform_storage_run(const struct bts_conform_storage *c, const char *only,
                                  struct bts_conform_result *out)
{
    *out = (struct bts_conform_result){0};
    if (!c->vtbl || !c->scratch_dir || !has_all_entries(c->vtbl))
        return BT_EINVAL;
    for (size_t i = 0; i < BTS_ARRAY_SIZE(cf_checks); i++) {
        const struct cf_entry *e = &cf_checks[i];
        if (only && !strstr(e->name, only))
            continue;
        struct cf t = {.c = c, .v = c->vtbl, .self = c->self, .name = e->name};
        snprintf(t.dir, sizeof(t.dir), "%s/%s", c->scratch_dir, e->name);
        out->n_run++;
        int r = CF_SKIP;
        if (!e->needs_disk || (c->flags & BTS_CONFORM_STORAGE_PERSISTENT)) {
            if (mkdir(t.dir, 0755) != 0 && errno != EEXIST) {
                cf_fail(&t, __FILE__, __LINE__, "cannot create %s: %s", t.dir, strerror(errno));
                r = CF_FAIL;
            } else {
                r = e->fn(&t);
            }
        }
        const char *word = r == CF_PASS ? "ok" : r == CF_FAIL ? "FAIL" : "skipped";
        printf("conform-storage %s: %s\n", e->name, word);
        fflush(stdout);
        out->n_passed += r == CF_PASS;
        out->n_failed += r == CF_FAIL;
        out->n_skipped += r == CF_SKIP;
    }
    printf("conform-storage: %u run, %u passed, %u failed, %u skipped\n", out->n_run, out->n_passed,
           out->n_failed, out->n_skipped);
    return BT_OK;
}
