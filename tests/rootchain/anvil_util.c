/* tests/rootchain/anvil_util.h: anvil processes, blocking JSON-RPC, an adapter on a mock host. */
#include "anvil_util.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bts/buf.h>
#include <bts/secp.h>

const uint8_t anvil_key[32] = {0xac, 0x09, 0x74, 0xbe, 0xc3, 0x9a, 0x17, 0xe3, 0x6b, 0xa4, 0xa6,
                               0xb4, 0xd2, 0x38, 0xff, 0x94, 0x4b, 0xac, 0xb4, 0x78, 0xcb, 0xed,
                               0x5e, 0xfc, 0xae, 0x78, 0x4d, 0x7b, 0xf4, 0xf2, 0xff, 0x80};

uint64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

unsigned anvil_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof(a);
    unsigned port = 0;
    if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
        !getsockname(fd, (struct sockaddr *)&a, &al))
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

int anvil_port_open(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons((uint16_t)port)};
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static int is_bttcd(const char *path)
{
    const char *slash = strrchr(path, '/');
    return strcmp(slash ? slash + 1 : path, "bttcd") == 0;
}

/* A geth-style genesis for bttcd --dev with the given chain id and base fee: every fork of the
 * dev preset at genesis and the anvil account 0 funded with 10000 ether. */
static int write_genesis(const char *file, const char *chain_id, const char *base_fee)
{
    FILE *f = fopen(file, "w");
    if (!f)
        return -1;
    fprintf(f,
            "{\"config\":{\"chainId\":%s,\"homesteadBlock\":0,\"eip150Block\":0,"
            "\"eip155Block\":0,\"eip158Block\":0,\"byzantiumBlock\":0,"
            "\"constantinopleBlock\":0,\"petersburgBlock\":0,\"istanbulBlock\":0,"
            "\"berlinBlock\":0,\"londonBlock\":0,\"terminalTotalDifficulty\":0,"
            "\"shanghaiTime\":0,\"cancunTime\":0},\"gasLimit\":\"30000000\","
            "\"difficulty\":\"0\",\"baseFeePerGas\":\"%s\",\"alloc\":"
            "{\"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\":"
            "{\"balance\":\"0x21e19e0c9bab2400000\"}}}\n",
            chain_id, base_fee);
    return fclose(f) == 0 ? 0 : -1;
}

static void exec_node(const struct anvil *a, const char *p)
{
    if (!is_bttcd(a->path)) {
        if (a->state[0]) /* dumped every second too: a SIGKILL loses at most that */
            execl(a->path, "anvil", "--host", "127.0.0.1", "--port", p, "--chain-id", a->chain_id,
                  "--base-fee", a->base_fee, "--silent", "--state", a->state, "--state-interval",
                  "1", (char *)NULL);
        else
            execl(a->path, "anvil", "--host", "127.0.0.1", "--port", p, "--chain-id", a->chain_id,
                  "--base-fee", a->base_fee, "--silent", (char *)NULL);
        return;
    }
    /* The temporary directory: no plugins.conf there, so --dev loads only its own plugins. */
    if (chdir("/tmp") != 0)
        return;
    const char *argv[24] = {"bttcd",       "run",       "--dev",        "--http",
                            "--http.addr", "127.0.0.1", "--http.port",  p,
                            "--maxpeers",  "0",         "--nodiscover", "--ipcdisable",
                            "--log.level", "warn"};
    size_t n = 14;
    if (a->genesis[0])
        argv[n++] = "--genesis", argv[n++] = a->genesis;
    if (a->state[0])
        argv[n++] = "--datadir", argv[n++] = a->state;
    char tp[16], dp[16];
    if (a->tron_port) {
        snprintf(tp, sizeof(tp), "%u", a->tron_port);
        argv[n++] = "--tron-api.port", argv[n++] = tp;
    }
    if (a->dev_period) {
        snprintf(dp, sizeof(dp), "%u", a->dev_period);
        argv[n++] = "--dev.period", argv[n++] = dp;
    }
    argv[n] = NULL;
    execv(a->path, (char *const *)argv);
}

int anvil_start(struct anvil *a, const char *path, unsigned port, const char *chain_id,
                const char *base_fee, const char *state)
{
    a->port = port ? port : anvil_free_port();
    snprintf(a->url, sizeof(a->url), "http://127.0.0.1:%u", a->port);
    snprintf(a->chain_id, sizeof(a->chain_id), "%s", chain_id);
    snprintf(a->base_fee, sizeof(a->base_fee), "%s", base_fee);
    snprintf(a->state, sizeof(a->state), "%s", state ? state : "");
    snprintf(a->path, sizeof(a->path), "%s", path);
    a->genesis[0] = 0;
    if (is_bttcd(path) && (strcmp(chain_id, "1337") || strcmp(base_fee, "1000000000"))) {
        if (state && *state)
            snprintf(a->genesis, sizeof(a->genesis), "%s.genesis.json", state);
        else
            snprintf(a->genesis, sizeof(a->genesis), "/tmp/bt-devnode-%ld-%u.json", (long)getpid(),
                     a->port);
        if (write_genesis(a->genesis, chain_id, base_fee) != 0)
            return -1;
    }
    char p[16];
    snprintf(p, sizeof(p), "%u", a->port);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0); /* the npm wrapper spawns the real binary: stop the whole group */
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0), dup2(null, 1);
            if (!is_bttcd(path)) /* bttcd's warnings and errors stay visible */
                dup2(null, 2);
            close(null);
        }
        exec_node(a, p);
        _exit(127);
    }
    a->pid = pid;
    for (int i = 0; i < 600 && pid > 0; i++) {
        if (anvil_port_open(a->port) && (!a->tron_port || anvil_port_open(a->tron_port)))
            return 0;
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            a->pid = 0;
            return -1;
        }
        usleep(50000);
    }
    anvil_stop(a);
    return -1;
}

void anvil_state_remove(const struct anvil *a)
{
    if (a->genesis[0])
        unlink(a->genesis);
    if (!a->state[0])
        return;
    if (!is_bttcd(a->path)) {
        unlink(a->state);
        return;
    }
    pid_t pid = fork(); /* a datadir tree: rm -r, no shell */
    if (pid == 0) {
        execlp("rm", "rm", "-rf", "--", a->state, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

void anvil_stop(struct anvil *a)
{
    anvil_kill(a, SIGTERM);
}

void anvil_kill(struct anvil *a, int sig)
{
    if (a->pid > 0) {
        kill(-a->pid, sig);
        waitpid(a->pid, NULL, 0);
        /* The binary may outlive the wrapper by a moment while it writes its state. */
        for (int i = 0; i < 100 && anvil_port_open(a->port); i++)
            usleep(50000);
    }
    a->pid = 0;
}

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
    return bts_buf_append(arg, (const uint8_t *)p, sz * n) == BT_OK ? sz * n : 0;
}

json_t *anvil_rpc(const char *url, const char *method, json_t *params)
{
    json_t *req = json_pack("{s:s,s:i,s:s,s:o}", "jsonrpc", "2.0", "id", 1, "method", method,
                            "params", params ? params : json_array());
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    struct bts_buf b;
    bts_buf_init(&b);
    CURL *c = curl_easy_init();
    json_t *res = NULL;
    if (c && body) {
        struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        if (curl_easy_perform(c) == CURLE_OK) {
            json_t *r = json_loadb((const char *)b.data, b.len, 0, NULL);
            json_t *v = r ? json_object_get(r, "result") : NULL;
            res = v ? json_incref(v) : NULL;
            json_decref(r);
        }
        curl_slist_free_all(h);
    }
    if (c)
        curl_easy_cleanup(c);
    free(body);
    bts_buf_free(&b);
    return res;
}

uint64_t anvil_nonce(const char *url, const char *addr_hex, const char *tag)
{
    json_t *r = anvil_rpc(url, "eth_getTransactionCount", json_pack("[ss]", addr_hex, tag));
    uint64_t v = UINT64_MAX;
    if (json_is_string(r))
        v = strtoull(json_string_value(r), NULL, 16);
    json_decref(r);
    return v;
}

/* --- the adapter ------------------------------------------------------------------------- */

static uint8_t key_addr[20];

static bt_status sign_fn(void *arg, uint8_t sig[65], const char *key_id, const uint8_t d[32])
{
    (void)arg;
    return strcmp(key_id, ANVIL_KEY_ID) ? BT_ENOTFOUND : bts_secp_sign(sig, anvil_key, d);
}

static bt_status addr_fn(void *arg, const char *key_id, uint8_t out[20])
{
    (void)arg;
    if (strcmp(key_id, ANVIL_KEY_ID))
        return BT_ENOTFOUND;
    memcpy(out, key_addr, 20);
    return BT_OK;
}

static void on_mock_failure(void *arg, const char *what)
{
    (void)arg;
    fprintf(stderr, "mock host: %s\n", what);
}

int adapter_open(struct adapter *ad, const char *plugin, const char *const *pairs)
{
    memset(ad, 0, sizeof(*ad));
    if (bts_secp_seckey_to_address(key_addr, anvil_key) != BT_OK)
        return -1;
    ad->so = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
    bt_plugin_query_fn q =
        ad->so ? (bt_plugin_query_fn)(uintptr_t)dlsym(ad->so, BT_PLUGIN_QUERY_SYMBOL) : NULL;
    ad->desc = q ? q() : NULL;
    if (!ad->desc || ad->desc->kind != BT_KIND_ROOTCHAIN) {
        fprintf(stderr, "%s: not a rootchain plugin (%s)\n", plugin, ad->so ? "" : dlerror());
        return -1;
    }
    ad->vt = ad->desc->vtbl;
    ad->m = bts_mockhost_new();
    bts_mockhost_on_failure(ad->m, on_mock_failure, NULL);
    bts_mockhost_use_log(ad->m, BT_LOG_INFO);
    bts_mockhost_use_conf(ad->m);
    bts_mockhost_use_timers(ad->m);
    bts_mockhost_use_defer(ad->m);
    bts_mockhost_use_work(ad->m, BTS_MOCK_WORK_INLINE);
    bts_mockhost_use_metrics(ad->m);
    bts_mockhost_set_signer(ad->m, sign_fn, addr_fn, NULL);
    bts_mockhost_conf_set(ad->m, "signer", ANVIL_KEY_ID);
    for (const char *const *p = pairs; p && p[0] && p[1]; p += 2)
        bts_mockhost_conf_set(ad->m, p[0], p[1]);
    ad->real0 = real_ms();
    ad->fake0 = bts_mockhost_now(ad->m);
    if (ad->desc->create(bts_mockhost_host(ad->m), bts_mockhost_ctx(ad->m), &ad->self) != BT_OK) {
        fprintf(stderr, "create: %s\n", bts_mockhost_error(ad->m));
        return -1;
    }
    if (ad->desc->start && ad->desc->start(ad->self) != BT_OK) {
        fprintf(stderr, "start: %s\n", bts_mockhost_error(ad->m));
        return -1;
    }
    return 0;
}

void adapter_close(struct adapter *ad)
{
    if (ad->self) {
        if (ad->desc->stop)
            ad->desc->stop(ad->self);
        ad->desc->destroy(ad->self);
    }
    if (ad->m)
        bts_mockhost_free(ad->m);
    memset(ad, 0, sizeof(*ad));
    /* the .so stays loaded, as in bttcd */
}

int adapter_pump(struct adapter *ad, const int *done, uint64_t limit_ms)
{
    uint64_t t0 = real_ms();
    while (!*done) {
        if (bts_mockhost_run_deferred(ad->m) == 0 && !*done) {
            uint64_t fake = ad->fake0 + (real_ms() - ad->real0), now = bts_mockhost_now(ad->m);
            if (fake > now)
                bts_mockhost_advance(ad->m, fake - now);
            else
                usleep(500);
        }
        if (real_ms() - t0 > limit_ms)
            return 0;
    }
    return 1;
}

struct wait {
    int done;
    bt_status st;
    uint64_t a, b;
    struct bt_rootchain_log *logs;
    size_t n;
    uint8_t *arena;
    uint8_t *out;
    size_t cap, out_len;
};

static void on_h(void *arg, bt_status st, uint64_t head, uint64_t fin)
{
    struct wait *w = arg;
    w->done = 1, w->st = st, w->a = head, w->b = fin;
}

bt_status adapter_heights(struct adapter *ad, uint64_t *head, uint64_t *finalized)
{
    struct wait w = {0};
    bt_status st = ad->vt->heights(ad->self, on_h, &w);
    if (st != BT_OK)
        return st;
    if (!adapter_pump(ad, &w.done, 60000))
        return BT_ETIMEDOUT;
    *head = w.a, *finalized = w.b;
    return w.st;
}

static void on_l(void *arg, bt_status st, const struct bt_rootchain_log *logs, size_t n)
{
    struct wait *w = arg;
    w->done = 1, w->st = st;
    if (st != BT_OK)
        return;
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += logs[i].data_len;
    w->logs = calloc(n ? n : 1, sizeof(*w->logs));
    w->arena = malloc(total ? total : 1);
    if (!w->logs || !w->arena) {
        w->st = BT_ENOMEM;
        return;
    }
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        w->logs[i] = logs[i];
        if (logs[i].data_len)
            memcpy(w->arena + off, logs[i].data, logs[i].data_len);
        w->logs[i].data = w->arena + off;
        off += logs[i].data_len;
    }
    w->n = n;
}

bt_status adapter_logs(struct adapter *ad, const uint8_t addr[20], const uint8_t topic0[32],
                       uint64_t from, uint64_t to, struct bt_rootchain_log **out, size_t *n,
                       uint8_t **out_arena)
{
    const uint8_t(*addrs)[20] = (const uint8_t(*)[20])addr;
    const uint8_t(*t0)[32] = (const uint8_t(*)[32])topic0;
    struct bt_rootchain_filter f = {.struct_size = sizeof(f),
                                    .addresses = addrs,
                                    .n_addresses = 1,
                                    .topics = {t0},
                                    .n_topics = {topic0 ? 1 : 0},
                                    .from_block = from,
                                    .to_block = to};
    struct wait w = {0};
    bt_status st = ad->vt->get_logs(ad->self, &f, on_l, &w);
    if (st != BT_OK)
        return st;
    if (!adapter_pump(ad, &w.done, 120000))
        return BT_ETIMEDOUT;
    *out = w.logs, *n = w.n, *out_arena = w.arena;
    return w.st;
}

static void on_c(void *arg, bt_status st, const uint8_t *out, size_t n)
{
    struct wait *w = arg;
    w->done = 1, w->st = st;
    w->out_len = n < w->cap ? n : w->cap;
    if (out && w->out_len)
        memcpy(w->out, out, w->out_len);
}

bt_status adapter_call(struct adapter *ad, const uint8_t to[20], const uint8_t *data, size_t len,
                       uint8_t *out, size_t cap, size_t *out_len)
{
    struct wait w = {.out = out, .cap = cap};
    bt_status st = ad->vt->call(ad->self, to, data, len, 0, on_c, &w);
    if (st != BT_OK)
        return st;
    if (!adapter_pump(ad, &w.done, 60000))
        return BT_ETIMEDOUT;
    *out_len = w.out_len;
    return w.st;
}
