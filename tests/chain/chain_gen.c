/* chain_gen: write a file of dev-chain blocks full of transfers for the import tests, and
 * prepare a datadir whose --dev signer is the key that sealed them.
 *   chain_gen DATADIR OUT.rlp N_BLOCKS TXS_PER_BLOCK [KEY_BYTE]
 * Blocks are produced by the host's chain (storage in memory) on the `--dev` genesis with its
 * default 10 accounts, sealed by the fixed test key 0x11..11 (or KEY_BYTE repeated; consensus-dev's
 * header rules); DATADIR gets that key (password-less, as --dev makes its own) and its dev-signer
 * file, so `bttcd --dev --datadir DATADIR import OUT.rlp` accepts the blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bts/hex.h>

#include "chain_testlib.h"
#include "genesis_int.h"
#include "keys_int.h"
#include "log_int.h"
#include "node_chain_int.h"
#include "paths_int.h"
#include "stor_node_int.h"

static int fail(const char *what, const char *err)
{
    fprintf(stderr, "chain_gen: %s: %s\n", what, err);
    return 1;
}

static int write_signer(const char *datadir, const uint8_t key[32], const uint8_t addr[20])
{
    char err[1024], *json = NULL, *path = NULL, *dir = keydir_path(datadir);
    char a[BTS_HEX_EIP55_CAP];
    mkdir(datadir, 0700);
    if (!dir || ks_encrypt(&json, key, "", 0, &ks_params_light, err, sizeof(err)) != BT_OK ||
        keydir_store(&path, dir, addr, json, err, sizeof(err)) != BT_OK)
        return fail("keystore", err);
    free(json);
    free(path);
    free(dir);
    char *file = paths_join(datadir, NODE_DEV_SIGNER_FILE);
    FILE *f = file ? fopen(file, "w") : NULL;
    bts_hex_format_eip55(a, addr);
    if (!f || fprintf(f, "%s\n", a) < 0 || fclose(f) != 0)
        return fail("dev-signer", "cannot write");
    free(file);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: chain_gen DATADIR OUT.rlp N_BLOCKS TXS_PER_BLOCK [KEY_BYTE]\n");
        return 2;
    }
    const char *datadir = argv[1], *out = argv[2];
    long n_blocks = atol(argv[3]), per_block = atol(argv[4]);
    log_set_level(BT_LOG_WARN); /* no line per sealed block */
    struct ctl_engine e;
    ctl_engine_init(&e);
    if (argc == 6) {
        /* Another sealer (key KEY_BYTE repeated): a chain other nodes must refuse. */
        memset(e.key, (int)strtol(argv[5], NULL, 0), 32);
        if (bts_secp_seckey_to_address(e.addr, e.key) != BT_OK)
            return fail("key", "invalid");
    }
    if (write_signer(datadir, e.key, e.addr))
        return 1;

    char tmp[] = "/tmp/chain-gen-XXXXXX", err[1024] = "";
    if (!mkdtemp(tmp))
        return fail("mkdtemp", "failed");
    struct host_rt rt;
    struct config cfg;
    struct plugin_dirs pd;
    struct stor_node sn;
    memset(&cfg, 0, sizeof(cfg));
    memset(&pd, 0, sizeof(pd));
    memset(&sn, 0, sizeof(sn));
    cfg.file = "chain_gen.conf";
    cfg.dir = ".";
    cfg.storage_backend = "storage-memory";
    if (rt_init(&rt, 2, tmp) != BT_OK || paths_default_plugin_dirs(&pd, ".", NULL) != BT_OK)
        return fail("runtime", "init");
    rt.phase = RT_PHASE_RUN;
    sn.rt = &rt;
    sn.cfg = &cfg;
    sn.pd = &pd;
    if (stor_node_open(&sn, tmp, 0, err, sizeof(err)) != BT_OK)
        return fail("storage", err);
    struct genesis g;
    if (genesis_preset(&g, "dev", GENESIS_DEV_ACCOUNTS, err, sizeof(err)) != BT_OK)
        return fail("genesis", err);
    struct chain_opts o;
    ctl_opts(&o, sn.s, &g, &e, &rt.workers);
    struct chain *c;
    if (chain_open(&c, &o, err, sizeof(err)) != BT_OK)
        return fail("chain", err);
    uint8_t keys[GENESIS_DEV_ACCOUNTS][32], to[20] = {[19] = 0x77};
    uint64_t nonces[GENESIS_DEV_ACCOUNTS] = {0};
    for (uint32_t i = 0; i < GENESIS_DEV_ACCOUNTS; i++)
        if (genesis_dev_key(keys[i], i) != BT_OK)
            return fail("keys", "derive");
    struct bts_buf b = BTS_BUF_INIT;
    for (long blk = 0; blk < n_blocks; blk++) {
        for (long k = 0; k < per_block; k++) {
            uint32_t i = (uint32_t)((blk * per_block + k) % GENESIS_DEV_ACCOUNTS);
            to[0] = (uint8_t)k;
            if (ctl_sign_tx(&b, keys[i], nonces[i]++, 1000000000 + (uint64_t)k, 21000, to, 1, NULL,
                            0) != BT_OK)
                return fail("sign", "failed");
            bt_status rc = chain_submit_tx(c, b.data, b.len, NULL);
            if (rc != BT_OK)
                return fail("submit", txpool_strerror(rc));
        }
        if (chain_produce(c, 0, NULL, err, sizeof(err)) != BT_OK)
            return fail("produce", err);
    }
    if (chain_export_file(c, out, 1, UINT64_MAX, err, sizeof(err)) != BT_OK)
        return fail("export", err);
    printf("chain_gen: %ld blocks x %ld txs -> %s, head %s\n", n_blocks, per_block, out, "ok");
    bts_buf_free(&b);
    chain_close(c);
    genesis_free(&g);
    rt_quiesce(&rt);
    stor_node_close(&sn);
    rt_free(&rt);
    paths_plugin_dirs_free(&pd);
    stor_remove_tree(tmp);
    return 0;
}
