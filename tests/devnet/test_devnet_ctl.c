/* `devnet restart|stop NAME` without processes (host/devnet/devnet_ctl.c): the names a devnet
 * has, the refusal without a supervisor, the supervisor's side of a stop request and its
 * answer file, and the clean-up of files a previous supervisor left. */
#include <bts/test.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bts/hex.h>

#include "devnet_int.h"
#include "genesis_int.h"

static char g_tmp[64];

static int suite_init(void)
{
    snprintf(g_tmp, sizeof(g_tmp), "/tmp/bttcd-devnet-ctl-XXXXXX");
    return mkdtemp(g_tmp) ? 0 : -1;
}

static int suite_clean(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* A saved devnet in g_tmp/sub: 2 validators, tron run here, eth external, no bsc. */
static struct devnet *saved_devnet(const char *sub)
{
    struct devnet *d = calloc(1, sizeof(*d));
    char err[512];
    CU_ASSERT_FATAL(d != NULL);
    snprintf(d->dir, sizeof(d->dir), "%s/%s", g_tmp, sub);
    CU_ASSERT_FATAL(dn_mkdir(d->dir) == 0);
    d->n_val = 2;
    for (uint32_t i = 0; i < d->n_val; i++) {
        struct bt_address a;
        CU_ASSERT_FATAL(genesis_dev_address(&a, i) == BT_OK);
        memcpy(d->val[i].addr, a.bytes, 20);
        bts_hex_format_eip55(d->val[i].addr_hex, d->val[i].addr);
        d->val[i].http_port = 23000 + (int)i;
        d->val[i].ws_port = 23100 + (int)i;
        d->val[i].p2p_port = 23200 + (int)i;
        d->val[i].rest_port = 23300 + (int)i;
    }
    d->base[DN_TRON].is_enabled = 1;
    d->base[DN_TRON].http_port = 24001;
    snprintf(d->base[DN_TRON].url, sizeof(d->base[DN_TRON].url), "http://127.0.0.1:24001");
    d->base[DN_ETH].is_enabled = 1;
    d->base[DN_ETH].is_external = 1;
    snprintf(d->base[DN_ETH].url, sizeof(d->base[DN_ETH].url), "http://127.0.0.1:8545");
    CU_ASSERT_FATAL(dn_state_save(d, err, sizeof(err)) == BT_OK);
    return d;
}

static void test_devnet_ctl_names(void)
{
    struct devnet *d = saved_devnet("names");
    /* a name this devnet has no process for is a usage error (2), checked before anything */
    char *bad[] = {"v2", "v01", "bsc", "eth", "doge", "v"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_EQUAL(dn_ctl(d, 0, &bad[i], 1, 1000), 2);
    /* known names, but no supervisor runs the directory: 1, no request left behind */
    char *good[] = {"v1", "tron"};
    CU_ASSERT_EQUAL(dn_ctl(d, 0, good, 2, 1000), 1);
    CU_ASSERT_EQUAL(dn_ctl(d, 1, good, 1, 1000), 1);
    char path[4300];
    snprintf(path, sizeof(path), "%s/run/v1.restart", d->dir);
    CU_ASSERT(access(path, F_OK) != 0);
    free(d);
}

static void test_devnet_ctl_no_state(void)
{
    struct devnet *d = calloc(1, sizeof(*d));
    snprintf(d->dir, sizeof(d->dir), "%s/none", g_tmp);
    char *names[] = {"v0"};
    CU_ASSERT_EQUAL(dn_ctl(d, 0, names, 1, 1000), 1);
    free(d);
}

static void read_text(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    out[0] = '\0';
    if (f) {
        if (!fgets(out, (int)cap, f))
            out[0] = '\0';
        fclose(f);
    }
}

static void test_devnet_ctl_serve_stop(void)
{
    struct devnet *d = saved_devnet("serve");
    char path[4300], text[256], err[256];
    snprintf(path, sizeof(path), "%s/run", d->dir);
    CU_ASSERT_FATAL(dn_mkdir(path) == 0);
    /* a stop of a process that does not run: answered "ok", the request taken */
    snprintf(path, sizeof(path), "%s/run/v1.stop", d->dir);
    CU_ASSERT_FATAL(dn_write_file(path, "", 0, err, sizeof(err)) == 0);
    dn_serve_requests(d);
    CU_ASSERT(access(path, F_OK) != 0);
    snprintf(path, sizeof(path), "%s/run/v1.done", d->dir);
    read_text(path, text, sizeof(text));
    CU_ASSERT_STRING_EQUAL(text, "ok 0\n");
    /* files a previous supervisor left are cleared at a start */
    snprintf(path, sizeof(path), "%s/run/tron.restart", d->dir);
    CU_ASSERT_FATAL(dn_write_file(path, "", 0, err, sizeof(err)) == 0);
    dn_ctl_clear(d);
    CU_ASSERT(access(path, F_OK) != 0);
    snprintf(path, sizeof(path), "%s/run/v1.done", d->dir);
    CU_ASSERT(access(path, F_OK) != 0);
    free(d);
}

BTS_TEST_SUITE("devnet_ctl", suite_init, suite_clean, BTS_TEST(test_devnet_ctl_names),
               BTS_TEST(test_devnet_ctl_no_state), BTS_TEST(test_devnet_ctl_serve_stop));
