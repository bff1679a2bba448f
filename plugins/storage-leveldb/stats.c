/* storage-leveldb: figures (approximate sizes from LevelDB, bytes on disk from the directory)
 * and manual compaction. */
#include "ldb_int.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t dir_bytes(const char *path)
{
    uint64_t total = 0;
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    char file[4096];
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
        if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
    }
    closedir(d);
    return total;
}

bt_status ldb_stats(void *self, struct bt_storage_db *db, struct bt_storage_stats *out)
{
    (void)self;
    /* Keys sort below 64 bytes of 0xff unless they start with 64 of them: close enough for an
     * estimate of everything. Counts only what reached table files (not the memtable). */
    char hi[64];
    memset(hi, 0xff, sizeof(hi));
    const char *start = "";
    size_t start_len = 0, hi_len = sizeof(hi);
    const char *limit = hi;
    uint64_t size = 0;
    leveldb_approximate_sizes(db->ldb, 1, &start, &start_len, &limit, &hi_len, &size);
    out->approx_keys = 0; /* LevelDB keeps no count */
    out->approx_bytes = size;
    out->disk_bytes = dir_bytes(db->path);
    return BT_OK;
}

bt_status ldb_compact(void *self, struct bt_storage_db *db, const struct bt_storage_range *range)
{
    (void)self;
    const char *lo = NULL, *hi = NULL;
    size_t lo_len = 0, hi_len = 0;
    if (range) {
        lo = (const char *)range->lower;
        lo_len = range->lower_len;
        hi = (const char *)range->upper;
        hi_len = range->upper_len;
    }
    leveldb_compact_range(db->ldb, lo, lo_len, hi, hi_len);
    return BT_OK;
}
