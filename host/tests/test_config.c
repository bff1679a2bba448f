/* plugins.conf parsing: good files, and each kind of bad file with its exact file:line
 * message. Configs are written to temporary files so messages carry a known path. */
#include "config_int.h"

#include <bt/host.h>
#include <bts/test.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[64];

/* Write `text` to a fresh temporary file (path[]) and parse it. */
static bt_status load(const char *text, struct config **cfg, char *err, size_t err_cap)
{
    snprintf(path, sizeof(path), "/tmp/bttcd-test-conf-XXXXXX");
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    size_t n = strlen(text);
    CU_ASSERT_FATAL(write(fd, text, n) == (ssize_t)n);
    close(fd);
    bt_status st = config_load(path, cfg, err, err_cap);
    unlink(path);
    return st;
}

/* Parse `text`, expect BT_EINVAL and the message "<path>:<line>: <reason>". */
static void expect_error(const char *text, unsigned line, const char *reason)
{
    struct config *cfg = (struct config *)1;
    char err[1024], want[1024];
    bt_status st = load(text, &cfg, err, sizeof(err));
    CU_ASSERT_EQUAL(st, BT_EINVAL);
    CU_ASSERT_PTR_NULL(cfg);
    snprintf(want, sizeof(want), "%s:%u: %s", path, line, reason);
    if (strcmp(err, want) != 0)
        fprintf(stderr, "\n  got:  %s\n  want: %s\n", err, want);
    CU_ASSERT_STRING_EQUAL(err, want);
}

static void test_config_good_file(void)
{
    const char *text = "# comment\n"
                       "; another\n"
                       "[node]\n"
                       "datadir = data\n"
                       "\n"
                       "[log]\n"
                       "level = debug\n"
                       "format = json ; inline comment\n"
                       "file = /var/log/bttcd.log\n"
                       "[plugin storage-leveldb]\n"
                       "path = storage-leveldb\n"
                       "cache_mb = 256\n"
                       "  indented = yes please\n"
                       "[plugin rootchain-tron]\n"
                       "enabled = no\n"
                       "url=http://127.0.0.1:8090\n"
                       "empty =\n"
                       "[plugin evm]\n";
    struct config *cfg = NULL;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load(text, &cfg, err, sizeof(err)), BT_OK);
    char want[128];
    snprintf(want, sizeof(want), "/tmp/data");
    CU_ASSERT_STRING_EQUAL(cfg->datadir, want);
    CU_ASSERT_STRING_EQUAL(cfg->dir, "/tmp");
    CU_ASSERT(cfg->has_log_level && cfg->log_level == BT_LOG_DEBUG);
    CU_ASSERT(cfg->has_log_format && cfg->log_format == LOG_FORMAT_JSON);
    CU_ASSERT_STRING_EQUAL(cfg->log_file, "/var/log/bttcd.log");
    CU_ASSERT_EQUAL_FATAL(cfg->n_plugins, 3);
    const struct conf_plugin *p = &cfg->plugins[0];
    CU_ASSERT_STRING_EQUAL(p->name, "storage-leveldb");
    CU_ASSERT_EQUAL(p->line, 10);
    CU_ASSERT_STRING_EQUAL(p->path, "storage-leveldb");
    CU_ASSERT_EQUAL(p->path_line, 11);
    CU_ASSERT_TRUE(p->is_enabled);
    CU_ASSERT_EQUAL_FATAL(p->n_entries, 2);
    CU_ASSERT_STRING_EQUAL(p->entries[0].key, "cache_mb");
    CU_ASSERT_STRING_EQUAL(p->entries[0].value, "256");
    CU_ASSERT_EQUAL(p->entries[0].line, 12);
    CU_ASSERT_STRING_EQUAL(p->entries[1].key, "indented");
    CU_ASSERT_STRING_EQUAL(p->entries[1].value, "yes please");
    CU_ASSERT_EQUAL(p->entries[1].line, 13);
    p = &cfg->plugins[1];
    CU_ASSERT_STRING_EQUAL(p->name, "rootchain-tron");
    CU_ASSERT_FALSE(p->is_enabled);
    CU_ASSERT_PTR_NULL(p->path);
    CU_ASSERT_EQUAL_FATAL(p->n_entries, 2);
    CU_ASSERT_STRING_EQUAL(p->entries[0].value, "http://127.0.0.1:8090");
    CU_ASSERT_EQUAL(p->entries[0].line, 16);
    CU_ASSERT_STRING_EQUAL(p->entries[1].value, "");
    p = &cfg->plugins[2];
    CU_ASSERT_STRING_EQUAL(p->name, "evm"); /* a section without keys still counts */
    CU_ASSERT_EQUAL(p->line, 18);
    CU_ASSERT_EQUAL(p->n_entries, 0);
    config_free(cfg);
}

static void test_config_empty_and_bom(void)
{
    struct config *cfg = NULL;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(load("", &cfg, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL(cfg->n_plugins, 0);
    CU_ASSERT_PTR_NULL(cfg->datadir);
    CU_ASSERT_FALSE(cfg->has_log_level);
    config_free(cfg);
    CU_ASSERT_EQUAL_FATAL(
        load("\xEF\xBB\xBF[plugin a]\r\nenabled = true\r\n", &cfg, err, sizeof(err)), BT_OK);
    CU_ASSERT_EQUAL_FATAL(cfg->n_plugins, 1);
    CU_ASSERT_STRING_EQUAL(cfg->plugins[0].name, "a");
    config_free(cfg);
}

static void test_config_enabled_values(void)
{
    static const char *const yes[] = {"yes", "true", "1", "on"};
    static const char *const no[] = {"no", "false", "0", "off"};
    char text[128], err[512];
    for (size_t i = 0; i < 4; i++) {
        for (int v = 0; v < 2; v++) {
            struct config *cfg = NULL;
            snprintf(text, sizeof(text), "[plugin a]\nenabled = %s\n", v ? yes[i] : no[i]);
            CU_ASSERT_EQUAL_FATAL(load(text, &cfg, err, sizeof(err)), BT_OK);
            CU_ASSERT_EQUAL(cfg->plugins[0].is_enabled, v);
            config_free(cfg);
        }
    }
}

static void test_config_missing_file(void)
{
    struct config *cfg = NULL;
    char err[512];
    CU_ASSERT_EQUAL(config_load("/nonexistent/plugins.conf", &cfg, err, sizeof(err)), BT_ENOTFOUND);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_STRING_EQUAL(err, "/nonexistent/plugins.conf: cannot open: No such file or "
                                "directory");
}

static void test_config_rejects_unknown_sections_and_keys(void)
{
    expect_error(
        "[node]\ndatadir=x\n\n[nodes]\n", 4,
        "unknown section [nodes] (expected [node], [log], [signer], [storage] or [plugin NAME])");
    expect_error("[node]\ndata_dir = x\n", 2,
                 "unknown key 'data_dir' in [node] (expected datadir)");
    expect_error("[log]\nlevel=info\ncolour = yes\n", 3,
                 "unknown key 'colour' in [log] (expected level, format, file)");
    expect_error("# top\ndatadir = x\n", 2,
                 "key 'datadir' outside a section (put it under [node], [log], [signer], [storage] "
                 "or [plugin NAME])");
}

static void test_config_rejects_duplicates(void)
{
    expect_error("[node]\n[log]\n[node]\n", 3, "duplicate section [node] (first at line 1)");
    expect_error("[plugin a]\n[plugin b]\n[plugin a]\n", 3,
                 "duplicate section [plugin a] (first at line 1)");
    expect_error("[plugin a]\nx=1\ny=2\nx=3\n", 4,
                 "duplicate key 'x' in [plugin a] (first at line 2)");
    expect_error("[plugin a]\npath=a\npath=b\n", 3,
                 "duplicate key 'path' in [plugin a] (first at line 2)");
    expect_error("[plugin a]\nenabled=1\nenabled=0\n", 3,
                 "duplicate key 'enabled' in [plugin a] (first at line 2)");
    expect_error("[log]\nlevel=info\nlevel=warn\n", 3,
                 "duplicate key 'level' in [log] (first at line 2)");
    expect_error("[node]\ndatadir=a\ndatadir=b\n", 3,
                 "duplicate key 'datadir' in [node] (first at line 2)");
}

static void test_config_rejects_bad_values(void)
{
    expect_error("[log]\nlevel = loud\n", 2, "level: 'loud' is not error|warn|info|debug|trace");
    expect_error("[log]\nformat = xml\n", 2, "format: 'xml' is not logfmt|json");
    expect_error("[plugin a]\nenabled = maybe\n", 2,
                 "enabled: 'maybe' is not yes/no/true/false/1/0/on/off");
    expect_error("[plugin a]\npath =\n", 2, "path: empty value");
    expect_error("[node]\ndatadir=\n", 2, "datadir: empty value");
    expect_error("[log]\nfile=\n", 2, "file: empty value");
}

static void test_config_rejects_bad_plugin_names(void)
{
    expect_error("[plugin Storage]\n", 1,
                 "[plugin Storage]: bad plugin name (lower-case letters, digits and '-', "
                 "starting with a letter, at most 63)");
    expect_error("\n[plugin 1st]\n", 2,
                 "[plugin 1st]: bad plugin name (lower-case letters, digits and '-', starting "
                 "with a letter, at most 63)");
    expect_error("[plugin a b]\n", 1,
                 "[plugin a b]: bad plugin name (lower-case letters, digits and '-', starting "
                 "with a letter, at most 63)");
    expect_error("[plugin]\n", 1, "plugin section needs a name: [plugin NAME]");
    expect_error("[plugin   ]\n", 1, "plugin section needs a name: [plugin NAME]");
    CU_ASSERT_TRUE(config_name_ok("a"));
    CU_ASSERT_TRUE(config_name_ok("storage-leveldb2"));
    CU_ASSERT_FALSE(config_name_ok(""));
    CU_ASSERT_FALSE(config_name_ok("-a"));
    CU_ASSERT_FALSE(config_name_ok("a_b"));
    char long_name[80];
    memset(long_name, 'a', 64);
    long_name[64] = 0;
    CU_ASSERT_FALSE(config_name_ok(long_name));
    long_name[63] = 0;
    CU_ASSERT_TRUE(config_name_ok(long_name));
}

static void test_config_rejects_syntax_errors(void)
{
    expect_error("[node]\njust words\n", 2, "syntax error: expected [section] or key = value");
    expect_error("[node\n", 1, "syntax error: expected [section] or key = value");
    expect_error("[node] extra\n", 1, "unexpected text after the section header: extra");
    expect_error("[plugin a]\n= value\n", 2, "empty key before '='");
    char text[512];
    memset(text, 'x', sizeof(text));
    memcpy(text, "[plugin a]\nk=", 13);
    text[sizeof(text) - 2] = '\n';
    text[sizeof(text) - 1] = 0;
    expect_error(text, 2, "line too long (499 characters, max 197)");
    expect_error("[plugin a]\nthis_key_is_far_too_long_for_the_parser_to_keep_it = 1\n", 2,
                 "key too long: this_key_is_far_too_... (max 48 characters)");
}

static void test_config_refuses_non_regular_files(void)
{
    struct config *cfg = (struct config *)1;
    char err[512];
    /* A device never ends, a FIFO would wait for a writer, a directory has no lines. */
    CU_ASSERT_EQUAL(config_load("/dev/zero", &cfg, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_PTR_NULL(cfg);
    CU_ASSERT_STRING_EQUAL(err, "/dev/zero: not a regular file");
    CU_ASSERT_EQUAL(config_load("/tmp", &cfg, err, sizeof(err)), BT_EINVAL);
    CU_ASSERT_STRING_EQUAL(err, "/tmp: not a regular file (a directory)");
    char fifo[] = "/tmp/bttcd-test-fifo-XXXXXX";
    int fd = mkstemp(fifo);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    unlink(fifo);
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    CU_ASSERT_EQUAL(config_load(fifo, &cfg, err, sizeof(err)), BT_EINVAL);
    char want[128];
    snprintf(want, sizeof(want), "%s: not a regular file", fifo);
    CU_ASSERT_STRING_EQUAL(err, want);
    unlink(fifo);
}

static void test_config_refuses_huge_files(void)
{
    size_t n = CONFIG_MAX_BYTES + 10;
    char *text = malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    memset(text, '#', n);
    for (size_t i = 99; i < n; i += 100)
        text[i] = '\n';
    text[n] = 0;
    struct config *cfg = (struct config *)1;
    char err[512], want[512];
    CU_ASSERT_EQUAL(load(text, &cfg, err, sizeof(err)), BT_EINVAL);
    snprintf(want, sizeof(want), "%s: file too large (%zu bytes, max %d)", path, n,
             CONFIG_MAX_BYTES);
    CU_ASSERT_STRING_EQUAL(err, want);
    free(text);
}

static void test_config_expands_home(void)
{
    const char *home = getenv("HOME");
    char *saved = home ? strdup(home) : NULL;
    setenv("HOME", "/home/op", 1);
    struct config *cfg = NULL;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(
        load("[node]\ndatadir = ~/chain\n[log]\nfile = ~\n", &cfg, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(cfg->datadir, "/home/op/chain");
    CU_ASSERT_STRING_EQUAL(cfg->log_file, "/home/op");
    config_free(cfg);
    /* Only a leading ~ or ~/ is HOME: ~user and inner ~ stay as written. */
    CU_ASSERT_EQUAL_FATAL(load("[node]\ndatadir = /x/~/y\n", &cfg, err, sizeof(err)), BT_OK);
    CU_ASSERT_STRING_EQUAL(cfg->datadir, "/x/~/y");
    config_free(cfg);
    unsetenv("HOME");
    expect_error("[node]\ndatadir = ~/chain\n", 2,
                 "datadir: ~/chain: HOME is not set, so ~ cannot be expanded");
    if (saved)
        setenv("HOME", saved, 1);
    free(saved);
}

BTS_TEST_SUITE("config", NULL, NULL, BTS_TEST(test_config_good_file),
               BTS_TEST(test_config_empty_and_bom), BTS_TEST(test_config_enabled_values),
               BTS_TEST(test_config_missing_file),
               BTS_TEST(test_config_rejects_unknown_sections_and_keys),
               BTS_TEST(test_config_rejects_duplicates), BTS_TEST(test_config_rejects_bad_values),
               BTS_TEST(test_config_rejects_bad_plugin_names),
               BTS_TEST(test_config_rejects_syntax_errors),
               BTS_TEST(test_config_refuses_non_regular_files),
               BTS_TEST(test_config_refuses_huge_files), BTS_TEST(test_config_expands_home));
