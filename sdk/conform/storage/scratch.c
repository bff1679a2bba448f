/* Storage conformance: scratch directories for backends that keep files. */
#include <bts/conform_storage.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

bt_status bts_conform_storage_mkscratch(char *out, size_t out_cap, const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(out, out_cap, "%s/bts-conform-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    if (n < 0 || (size_t)n >= out_cap)
        return BT_ERANGE;
    return mkdtemp(out) ? BT_OK : BT_EIO;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)ftw;
    if (flag == FTW_DP)
        return rmdir(path);
    return unlink(path);
}

static int unlock_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)ftw;
    if (flag == FTW_D || flag == FTW_DNR)
        chmod(path, (sb->st_mode & 07777) | S_IRWXU);
    return 0;
}

bt_status bts_conform_storage_rmtree(const char *path)
{
    /* Pre-order pass first: directories the suite made read-only must be writable before
     * their entries can go. */
    nftw(path, unlock_one, 16, FTW_PHYS);
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? BT_OK : BT_EIO;
}
