/* Paths: ~ expansion, the plugin search path of a build-tree and an installed bttcd, plugin
 * file resolution (not-regular files, each searched place named once) and the datadir lock. */
#include "paths_int.h"

#include <bts/test.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp[64];

static void make_tmp(void)
{
    snprintf(tmp, sizeof(tmp), "/tmp/bttcd-test-paths-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmp));
}

static void rm_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static void test_paths_expand_home(void)
{
    char *out, err[128];
    const char *home = getenv("HOME");
    char *saved = home ? strdup(home) : NULL;
    setenv("HOME", "/home/op", 1);
    CU_ASSERT_EQUAL_FATAL(paths_expand_home("~", &out, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "/home/op");
    free(out);
    CU_ASSERT_EQUAL_FATAL(paths_expand_home("~/x/y", &out, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "/home/op/x/y");
    free(out);
    CU_ASSERT_EQUAL_FATAL(paths_expand_home("~op/x", &out, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "~op/x");
    free(out);
    CU_ASSERT_EQUAL_FATAL(paths_expand_home("a/~", &out, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(out, "a/~");
    free(out);
    unsetenv("HOME");
    CU_ASSERT_EQUAL(paths_expand_home("~/x", &out, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_STRING_EQUAL(err, "~/x: HOME is not set, so ~ cannot be expanded");
    if (saved)
        setenv("HOME", saved, 1);
    free(saved);
}

/* An installed bttcd (anywhere but this build tree) searches <bindir>/../lib/bttcd/plugins
 * and never the build tree; this build tree's bttcd searches the build tree's plugins/. */
static void test_paths_plugin_dirs_follow_the_executable(void)
{
    make_tmp();
    char bin[128], exe[160];
    snprintf(bin, sizeof(bin), "%s/prefix/bin", tmp);
    snprintf(exe, sizeof(exe), "%s/bttcd", bin);
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && touch '%s'", bin, exe);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    struct plugin_dirs pd = {0};
    CU_ASSERT_EQUAL_FATAL(paths_default_plugin_dirs(&pd, "/etc/bttcd", exe), BT_OK);
    CU_ASSERT_EQUAL_FATAL(pd.n, 2);
    char want[160];
    snprintf(want, sizeof(want), "%s/prefix/%s", tmp, "lib/bttcd/plugins");
    CU_ASSERT_STRING_EQUAL(pd.dirs[0], "/etc/bttcd");
    /* The libdir may be lib/<multiarch>: compare the ends around it. */
    CU_ASSERT_NSTRING_EQUAL(pd.dirs[1], want, strlen(tmp) + 8);
    CU_ASSERT_PTR_NOT_NULL(strstr(pd.dirs[1], "/bttcd/plugins"));
    CU_ASSERT_PTR_NULL(strstr(pd.dirs[1], ".."));
    paths_plugin_dirs_free(&pd);
    rm_tmp();
    /* This test runs from the build tree's host/ directory, as bttcd does. */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    CU_ASSERT_FATAL(n > 0);
    self[n] = 0;
    CU_ASSERT_EQUAL_FATAL(paths_default_plugin_dirs(&pd, ".", self), BT_OK);
    CU_ASSERT_EQUAL_FATAL(pd.n, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(pd.dirs[1], "/plugins"));
    CU_ASSERT_PTR_NULL(strstr(pd.dirs[1], "lib/bttcd"));
    /* Each directory once. */
    CU_ASSERT_EQUAL(paths_plugin_dirs_add(&pd, "."), BT_OK);
    CU_ASSERT_EQUAL(pd.n, 2);
    paths_plugin_dirs_free(&pd);
}

static void test_paths_resolve_names_each_place_once(void)
{
    make_tmp();
    struct plugin_dirs pd = {0};
    CU_ASSERT_EQUAL(paths_plugin_dirs_add(&pd, "."), BT_OK);
    CU_ASSERT_EQUAL(paths_plugin_dirs_add(&pd, tmp), BT_OK);
    char *out = NULL, err[512], want[512];
    CU_ASSERT_EQUAL(paths_resolve_plugin("x/y.so", ".", &pd, &out, err, sizeof(err)), BT_ENOTFOUND);
    snprintf(want, sizeof(want), "x/y.so not found in ., %s", tmp);
    CU_ASSERT_STRING_EQUAL(err, want);
    /* A directory named like the plugin is named as such, not "not found". */
    char dir[128];
    snprintf(dir, sizeof(dir), "%s/dir.so", tmp);
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
    CU_ASSERT_EQUAL(paths_resolve_plugin("dir", ".", &pd, &out, err, sizeof(err)), BT_EINVAL);
    snprintf(want, sizeof(want), "%s: not a regular file (a directory)", dir);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_EQUAL(paths_resolve_plugin(dir, ".", &pd, &out, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_PTR_NULL(out);
    paths_plugin_dirs_free(&pd);
    rm_tmp();
}

static void test_paths_datadir_lock(void)
{
    make_tmp();
    int fd = -1, fd2 = -1;
    char err[256], want[256];
    CU_ASSERT_EQUAL_FATAL(paths_lock_datadir(tmp, &fd, err, sizeof(err)), BT_OK);
    CU_ASSERT(fd >= 0);
    /* flock belongs to the open file: a second open (as another process would) is refused,
     * and the message names the holder. */
    CU_ASSERT_EQUAL(paths_lock_datadir(tmp, &fd2, err, sizeof(err)), BT_EBUSY);
    CU_ASSERT_EQUAL(fd2, -1);
    snprintf(want, sizeof(want), "datadir %s is in use by another bttcd (pid %ld)", tmp,
             (long)getpid());
    CU_ASSERT_STRING_EQUAL(err, want);
    close(fd);
    CU_ASSERT_EQUAL(paths_lock_datadir(tmp, &fd2, err, sizeof(err)), BT_OK);
    close(fd2);
    rm_tmp();
    /* A directory we cannot create files in. */
    CU_ASSERT_EQUAL(paths_lock_datadir("/proc", &fd, err, sizeof(err)), BT_EIO);
    CU_ASSERT_EQUAL(fd, -1);
    CU_ASSERT_NSTRING_EQUAL(err, "datadir /proc is not writable: ", 31);
}

BTS_TEST_SUITE("paths", NULL, NULL, BTS_TEST(test_paths_expand_home),
               BTS_TEST(test_paths_plugin_dirs_follow_the_executable),
               BTS_TEST(test_paths_resolve_names_each_place_once),
               BTS_TEST(test_paths_datadir_lock));
