/* The offline `bttcd storage` commands: open the datadir's database the way the node does
 * (record, recovery, backend plugin), run one command, close. */
#include "stor_cli_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log_int.h"
#include "setup_int.h"
#include "stor_node_int.h"

struct cli_ctx {
    struct config *cfg;
    struct plugin_dirs pd;
    struct host_rt rt;
    int has_rt;
    struct stor_node sn;
    char *datadir;
};

static int open_ctx(const struct cli_opts *o, struct cli_ctx *c)
{
    int rc;
    if ((rc = setup_config(o, &c->cfg)) != CLI_EXIT_OK ||
        (rc = setup_log(o, c->cfg)) != CLI_EXIT_OK ||
        (rc = setup_plugin_dirs(o, c->cfg, &c->pd)) != CLI_EXIT_OK)
        return rc;
    char err[2048];
    char *dd = o->datadir        ? strdup(o->datadir)
               : c->cfg->datadir ? strdup(c->cfg->datadir)
                                 : paths_default_datadir(err, sizeof(err));
    if (!dd || paths_make_datadir(dd, &c->datadir, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd: datadir: %s\n", dd ? err : "out of memory");
        free(dd);
        return CLI_EXIT_FAIL;
    }
    free(dd);
    if (rt_init(&c->rt, 1, c->datadir) != BT_OK) {
        fprintf(stderr, "bttcd: cannot start the runtime\n");
        return CLI_EXIT_FAIL;
    }
    c->has_rt = 1;
    c->rt.phase = RT_PHASE_RUN;
    c->sn.rt = &c->rt;
    c->sn.cfg = c->cfg;
    c->sn.pd = &c->pd;
    if (stor_node_open(&c->sn, c->datadir, 0, err, sizeof(err)) != BT_OK) {
        fprintf(stderr, "bttcd: storage: %s\n", err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

static void close_ctx(struct cli_ctx *c)
{
    if (c->has_rt)
        rt_quiesce(&c->rt);
    stor_node_close(&c->sn);
    if (c->has_rt)
        rt_free(&c->rt);
    paths_plugin_dirs_free(&c->pd);
    config_free(c->cfg);
    free(c->datadir);
}

static void print_digest(const char *what, const struct stor_digest *d)
{
    char hex[65];
    stor_digest_hex(d, hex);
    printf("%s: keys=%llu bytes=%llu digest=%s\n", what, (unsigned long long)d->n_keys,
           (unsigned long long)d->n_bytes, hex);
}

static int cmd_stats(struct stor *s)
{
    struct bt_storage_stats st;
    bt_status r = stor_stats(s, &st);
    printf("backend=%s path=%s\n", stor_backend_name(s), *stor_path(s) ? stor_path(s) : "(memory)");
    if (r != BT_OK) {
        fprintf(stderr, "bttcd: storage stats: %s\n", bts_status_str(r));
        return CLI_EXIT_FAIL;
    }
    printf("approx_keys=%llu approx_bytes=%llu disk_bytes=%llu\n",
           (unsigned long long)st.approx_keys, (unsigned long long)st.approx_bytes,
           (unsigned long long)st.disk_bytes);
    return CLI_EXIT_OK;
}

static int cmd_verify(struct stor *s)
{
    struct stor_digest d;
    bt_status r = stor_digest(s, &d);
    if (r != BT_OK) {
        fprintf(stderr, "bttcd: storage verify: read error after %llu keys: %s\n",
                (unsigned long long)d.n_keys, bts_status_str(r));
        return CLI_EXIT_FAIL;
    }
    print_digest(stor_backend_name(s), &d);
    return CLI_EXIT_OK;
}

static int cmd_stream(struct stor *s, const char *file, int is_export)
{
    int is_std = strcmp(file, "-") == 0;
    FILE *f = is_std ? (is_export ? stdout : stdin) : fopen(file, is_export ? "wb" : "rb");
    if (!f) {
        fprintf(stderr, "bttcd: %s: %s\n", file, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    char err[512] = "";
    struct stor_digest d, now;
    bt_status r;
    if (is_export) {
        r = stor_export(s, f, &d, err, sizeof(err));
    } else if ((r = stor_digest(s, &now)) == BT_OK && now.n_keys != 0) {
        snprintf(err, sizeof(err), "the database %s is not empty (%llu keys)", stor_path(s),
                 (unsigned long long)now.n_keys);
        r = BT_EEXIST;
    } else if (r == BT_OK && (r = stor_import(s, f, &d, err, sizeof(err))) == BT_OK &&
               (r = stor_digest(s, &now)) == BT_OK &&
               (now.n_keys != d.n_keys || memcmp(now.hash, d.hash, 32) != 0)) {
        snprintf(err, sizeof(err), "read back %llu keys, digest differs from the stream",
                 (unsigned long long)now.n_keys);
        r = BT_EIO;
    }
    if (!is_std && fclose(f) != 0 && r == BT_OK) {
        snprintf(err, sizeof(err), "%s: %s", file, strerror(errno));
        r = BT_EIO;
    }
    if (r != BT_OK) {
        fprintf(stderr, "bttcd: storage %s %s: %s\n", is_export ? "export" : "import", file,
                *err ? err : bts_status_str(r));
        return CLI_EXIT_FAIL;
    }
    /* stdout may carry the stream: the summary goes to stderr then. */
    FILE *out = is_std && is_export ? stderr : stdout;
    char hex[65];
    stor_digest_hex(&d, hex);
    fprintf(out, "%s %s: keys=%llu bytes=%llu digest=%s backend=%s\n",
            is_export ? "exported" : "imported", file, (unsigned long long)d.n_keys,
            (unsigned long long)d.n_bytes, hex, stor_backend_name(s));
    return CLI_EXIT_OK;
}

int stor_cli_run(const struct cli_opts *o)
{
    struct cli_ctx c;
    memset(&c, 0, sizeof(c));
    int rc = open_ctx(o, &c);
    if (rc == CLI_EXIT_OK) {
        struct stor *s = c.sn.s;
        switch (o->cmd) {
        case CLI_CMD_STORAGE_STATS:
            rc = cmd_stats(s);
            break;
        case CLI_CMD_STORAGE_VERIFY:
            rc = cmd_verify(s);
            break;
        case CLI_CMD_STORAGE_EXPORT:
            rc = cmd_stream(s, o->files[0], 1);
            break;
        case CLI_CMD_STORAGE_IMPORT:
            rc = cmd_stream(s, o->files[0], 0);
            break;
        case CLI_CMD_RUN:
        case CLI_CMD_PLUGINS:
        case CLI_CMD_PLUGINS_LIST:
        case CLI_CMD_PLUGINS_CHECK:
        case CLI_CMD_VERSION:
        case CLI_CMD_ATTACH:
        case CLI_CMD_KEYS:
        case CLI_CMD_KEYS_NEW:
        case CLI_CMD_KEYS_IMPORT:
        case CLI_CMD_KEYS_LIST:
        case CLI_CMD_KEYS_NODEKEY:
        case CLI_CMD_STORAGE:
        case CLI_CMD_STORAGE_SWAP:
        case CLI_CMD_ROOTCHAIN:
        case CLI_CMD_ROOTCHAIN_STATUS:
        case CLI_CMD_INIT:
        case CLI_CMD_EXPORT:
        case CLI_CMD_IMPORT:
        case CLI_CMD_EVM:
        case CLI_CMD_DEVNET:
        case CLI_CMD_BRIDGE:
        case CLI_CMD_N:
            rc = CLI_EXIT_USAGE;
            break;
        }
    }
    close_ctx(&c);
    log_shutdown();
    return rc;
}
