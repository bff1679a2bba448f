/* Storage conformance suite internals: the per-check context, assertions and db helpers shared
 * by the check files. */
#ifndef CONFORM_INT_H
#define CONFORM_INT_H

#include <bts/conform_storage.h>

#include <stdio.h>

enum { CF_PASS = 0, CF_FAIL = 1, CF_SKIP = 2 };

struct cf {
    const struct bts_conform_storage *c;
    const struct bt_storage_vtbl *v;
    void *self;
    const char *name; /* the running check */
    char dir[1024];   /* scratch_dir/<name>, created empty for the check */
};

/* Fail the running check with a detail line; the check returns CF_FAIL. */
void cf_fail(const struct cf *t, const char *file, int line, const char *fmt, ...) BT_PRINTF(4, 5);
#define CF_CHECK(t, cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            cf_fail((t), __FILE__, __LINE__, __VA_ARGS__);                                         \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)
#define CF_ST(t, expr, want)                                                                       \
    do {                                                                                           \
        bt_status st_ = (expr);                                                                    \
        if (st_ != (want)) {                                                                       \
            cf_fail((t), __FILE__, __LINE__, "%s returned %d (%s), expected %s", #expr, st_,       \
                    bts_status_str(st_), #want);                                                   \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

/* The backend's last message, "" when it has none or the suite has no way to read it. */
const char *cf_msg(const struct cf *t);

/* Open t->dir (or t->dir/<sub> when sub is non-NULL) with flags; NULL on failure (reported). */
struct bt_storage_db *cf_open(struct cf *t, const char *sub, uint32_t flags);
bt_status cf_open_st(struct cf *t, const char *path, uint32_t flags, struct bt_storage_db **out);
void cf_path(const struct cf *t, const char *sub, char *out, size_t cap);

bt_status cf_put(struct cf *t, struct bt_storage_db *db, const void *k, size_t kl, const void *v,
                 size_t vl, uint32_t flags);
bt_status cf_del(struct cf *t, struct bt_storage_db *db, const void *k, size_t kl);
/* 1 if key holds exactly (v, vl) (v NULL: the key must be absent), else 0 with a report. */
int cf_expect(struct cf *t, struct bt_storage_db *db, const struct bt_storage_snapshot *snap,
              const void *k, size_t kl, const void *v, size_t vl, int line);
#define CF_EXPECT(t, db, snap, k, kl, v, vl)                                                       \
    CF_CHECK(t, cf_expect((t), (db), (snap), (k), (kl), (v), (vl), __LINE__), "see above")

/* Fixed-width test keys and values. */
void cf_key(uint8_t out[8], uint32_t i);
void cf_val(uint8_t out[16], uint32_t i, uint32_t gen);

/* The checks. */
int cf_check_order(struct cf *t);
int cf_check_empty(struct cf *t);
int cf_check_long_key(struct cf *t);
int cf_check_large_values(struct cf *t);
int cf_check_batch_order(struct cf *t);
int cf_check_batch_refused(struct cf *t);
int cf_check_batch_atomic_concurrent(struct cf *t);
int cf_check_delete(struct cf *t);
int cf_check_snapshot_isolation(struct cf *t);
int cf_check_iter_concurrent(struct cf *t);
int cf_check_range_forward(struct cf *t);
int cf_check_range_backward(struct cf *t);
int cf_check_stats_compact(struct cf *t);
int cf_check_reopen(struct cf *t);
int cf_check_readonly(struct cf *t);
int cf_check_missing_path(struct cf *t);
int cf_check_unwritable_path(struct cf *t);
int cf_check_double_open(struct cf *t);
int cf_check_locked_other_process(struct cf *t);

#endif /* CONFORM_INT_H */
