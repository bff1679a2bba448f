/* The chain inside the node (node_chain_int.h): genesis choice, the plugins it drives, the
 * "chain" service, production, and the import/export/init commands. */
#include "node_chain_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bts/hex.h>

#include "log_int.h"
#include "paths_int.h"
#include "registry_int.h"
#include "setup_int.h"

/* Chain ids a --dev run must never take (PROTOCOL.md §2). */
static int is_network(uint64_t chain_id)
{
    return chain_id == 199 || chain_id == 1029;
}

static int file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Pick the genesis: --genesis, --chain (--dev: dev), the datadir's genesis.json. Returns
 * BT_OK, BT_ENOTFOUND (none given), or an error with err. */
static bt_status pick_genesis(struct genesis *g, const struct cli_opts *o, const char *datadir,
                              char *err, size_t err_cap)
{
    uint32_t n_dev = o->has_dev_accounts ? o->dev_accounts : GENESIS_DEV_ACCOUNTS;
    if (o->genesis)
        return genesis_load_file(g, o->genesis, err, err_cap);
    if (o->chain_name || o->is_dev) {
        const char *name = o->chain_name ? o->chain_name : "dev";
        int has_dev = strcmp(name, "dev") == 0 || strcmp(name, "devnet") == 0;
        return genesis_preset(g, name, has_dev ? n_dev : 0, err, err_cap);
    }
    char *path = paths_join(datadir, NODE_GENESIS_FILE);
    if (!path)
        return BT_ENOMEM;
    bt_status rc = BT_ENOTFOUND;
    if (file_exists(path))
        rc = genesis_load_file(g, path, err, err_cap);
    free(path);
    return rc;
}

static const char *evm_error(void *arg)
{
    return hctx_error(arg);
}

int node_chain_open(struct node_chain *nc, const struct cli_opts *o, struct host_rt *rt,
                    struct stor *s, const char *datadir, const struct node_chain_plugins *pl,
                    char *err, size_t err_cap)
{
    memset(nc, 0, sizeof(*nc));
    nc->rt = rt;
    bt_status rc = pick_genesis(&nc->g, o, datadir, err, err_cap);
    nc->has_g = 1;
    if (rc == BT_ENOTFOUND && !o->genesis && !o->chain_name && !o->is_dev) {
        hlog(BT_LOG_WARN, "running without a chain",
             "reason=\"no --dev, --chain or --genesis, and no genesis.json in the datadir "
             "(bttcd init)\"");
        return o->cmd == CLI_CMD_RUN ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    if (rc != BT_OK)
        return CLI_EXIT_USAGE;
    if (o->is_dev && is_network(nc->g.config.chain_id)) {
        snprintf(err, err_cap, "--dev refuses chain id %llu (a public BTTC network)",
                 (unsigned long long)nc->g.config.chain_id);
        return CLI_EXIT_USAGE;
    }
    if (!s) {
        snprintf(err, err_cap, "the chain needs storage (no storage backend)");
        return CLI_EXIT_FAIL;
    }
    if (!pl->evm) {
        snprintf(err, err_cap, "the chain needs the evm plugin: add [plugin evm] to plugins.conf");
        return CLI_EXIT_FAIL;
    }
    struct chain_opts co;
    memset(&co, 0, sizeof(co));
    co.s = s;
    co.g = &nc->g;
    co.exec.evm = pl->evm;
    co.exec.evm_self = pl->evm_self;
    co.exec.evm_error = evm_error;
    co.exec.evm_error_arg = pl->evm_h;
    if (pl->cons) {
        co.engine.vt = pl->cons;
        co.engine.self = pl->cons_self;
        co.engine.error = evm_error;
        co.engine.error_arg = pl->cons_h;
    }
    co.workers = &rt->workers;
    co.loop = &rt->loop;
    txpool_config_default(&co.pool);
    if (o->txpool_account_slots)
        co.pool.account_slots = o->txpool_account_slots;
    if (o->txpool_global_slots)
        co.pool.global_slots = o->txpool_global_slots;
    if (o->txpool_global_queue)
        co.pool.global_queue = o->txpool_global_queue;
    if (o->cmd == CLI_CMD_RUN && !(nc->journal = paths_join(datadir, "transactions.rlp")))
        return CLI_EXIT_FAIL;
    co.journal_path = nc->journal;
    if ((rc = chain_open(&nc->c, &co, err, err_cap)) != BT_OK)
        return rc == BT_ESTALE || rc == BT_ENOTFOUND ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    if ((rc = registry_provide(&rt->registry, nc, "chain", &chain_service_table, nc->c)) != BT_OK) {
        snprintf(err, err_cap, "cannot register the chain service: %s", bts_status_str(rc));
        return CLI_EXIT_FAIL;
    }
    uint64_t num;
    uint8_t hash[32];
    char hx[67];
    size_t hl;
    chain_head(nc->c, &num, hash);
    if (bts_hex_encode(hx, sizeof(hx), &hl, hash, 32, BTS_HEX_0X) != BT_OK)
        hx[0] = '\0';
    hlog(BT_LOG_INFO, "chain opened", "chain_id=%llu head=%llu hash=%s engine=%s",
         (unsigned long long)nc->g.config.chain_id, (unsigned long long)num, hx,
         pl->cons ? "yes" : "none");
    if (o->is_dev && o->cmd == CLI_CMD_RUN)
        node_dev_print_accounts(o->has_dev_accounts ? o->dev_accounts : GENESIS_DEV_ACCOUNTS);
    return CLI_EXIT_OK;
}

static void progress(void *arg, uint64_t blocks, uint64_t txs, uint64_t head, double elapsed_s,
                     int is_done)
{
    (void)arg;
    double s = elapsed_s > 0 ? elapsed_s : 1e-9;
    fprintf(stderr, "%s: %llu blocks, %llu txs, head %llu, %.1f s (%.0f blocks/s, %.0f tx/s)\n",
            is_done ? "imported" : "importing", (unsigned long long)blocks, (unsigned long long)txs,
            (unsigned long long)head, elapsed_s, (double)blocks / s, (double)txs / s);
}

int node_chain_after_start(struct node_chain *nc, const struct cli_opts *o, int *out_exit)
{
    *out_exit = 0;
    if (o->cmd == CLI_CMD_RUN) {
        if (nc->c && chain_start_producing(nc->c) != BT_OK)
            hlog(BT_LOG_INFO, "not producing blocks", "reason=\"no consensus engine\"");
        return CLI_EXIT_OK;
    }
    *out_exit = 1;
    if (!nc->c) {
        setup_error("bttcd: %s: no chain (give --chain, --genesis or --dev, or run bttcd init)",
                    o->cmd == CLI_CMD_IMPORT ? "import" : "export");
        return CLI_EXIT_USAGE;
    }
    char err[1024] = "";
    bt_status rc;
    if (o->cmd == CLI_CMD_IMPORT) {
        rc = chain_import_file(nc->c, o->files[0], progress, NULL, err, sizeof(err));
    } else {
        rc = chain_export_file(nc->c, o->files[0], o->export_from, o->export_to, err, sizeof(err));
        if (rc == BT_OK)
            fprintf(stderr, "exported blocks %llu..%llu to %s\n",
                    (unsigned long long)o->export_from,
                    (unsigned long long)(o->export_to < chain_head_header(nc->c)->h.number
                                             ? o->export_to
                                             : chain_head_header(nc->c)->h.number),
                    o->files[0]);
    }
    if (rc != BT_OK) {
        setup_error("bttcd: %s", err);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

void node_chain_close(struct node_chain *nc)
{
    if (nc->rt)
        registry_drop_owner(&nc->rt->registry, nc);
    chain_close(nc->c);
    if (nc->has_g)
        genesis_free(&nc->g);
    free(nc->journal);
    memset(nc, 0, sizeof(*nc));
}

int node_chain_init_cmd(const struct cli_opts *o)
{
    struct genesis g;
    char err[1024], *dd = NULL, *abs = NULL, *path = NULL, *text = NULL, *old = NULL;
    size_t text_len = 0, old_len = 0;
    uint8_t hash[32];
    int rc = CLI_EXIT_FAIL;
    if (genesis_load_file(&g, o->genesis, err, sizeof(err)) != BT_OK ||
        genesis_hash(&g, hash, NULL, err, sizeof(err)) != BT_OK) {
        setup_error("bttcd: init: %s", err);
        genesis_free(&g);
        return CLI_EXIT_USAGE;
    }
    dd = o->datadir ? strdup(o->datadir) : paths_default_datadir(err, sizeof(err));
    if (!dd || paths_make_datadir(dd, &abs, err, sizeof(err)) != BT_OK ||
        !(path = paths_join(abs, NODE_GENESIS_FILE)) ||
        keydir_read_file(&text, &text_len, o->genesis, err, sizeof(err)) != BT_OK) {
        setup_error("bttcd: init: %s", dd ? err : "out of memory");
        goto out;
    }
    if (keydir_read_file(&old, &old_len, path, err, sizeof(err)) == BT_OK &&
        (old_len != text_len || memcmp(old, text, text_len) != 0)) {
        setup_error("bttcd: init: %s already holds another genesis.json (use a new --datadir)",
                    abs);
        goto out;
    }
    FILE *f = fopen(path, "w");
    if (!f || fwrite(text, 1, text_len, f) != text_len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
        setup_error("bttcd: init: %s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        goto out;
    }
    fclose(f);
    char hx[67];
    size_t hl;
    if (bts_hex_encode(hx, sizeof(hx), &hl, hash, 32, BTS_HEX_0X) != BT_OK)
        hx[0] = '\0';
    printf("genesis %s (chain id %llu) kept in %s; the first run writes the genesis block\n", hx,
           (unsigned long long)g.config.chain_id, path);
    rc = CLI_EXIT_OK;
out:
    genesis_free(&g);
    free(dd);
    free(abs);
    free(path);
    free(text);
    free(old);
    return rc;
}
