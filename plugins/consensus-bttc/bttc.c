/* consensus-bttc: the instance: configuration (plugins.conf keys below), service lookups and
 * the consensus table.
 *
 *   [plugin consensus-bttc]
 *   chain = mainnet | donau | devnet     # §2 constants; devnet: chain id 1337
 *   chain_id, sprint, period, producer_delay, backup_multiplier = <integer overrides>
 *   signer = 0x<address>                 # keystore key that seals (none: verify only)
 *   vanity = 0x<up to 32 bytes>          # extraData vanity of produced blocks
 *   span_file = <path>                   # spans (JSON array, /bor/span/{id} shape)
 *   event_file = <path>                  # state-sync records (JSON array)
 *   delivery_url = http://host:1317      # Delivery REST API (§4.9)
 *   block_alloc = <number> 0x<address> <code file, hex>   # repeatable (§3.6 BlockAlloc)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bts/hex.h>

#include "bttc_int.h"
#include "dlv_host.h"

static const uint8_t VALIDATOR_CONTRACT[20] = {[18] = 0x10, [19] = 0x00};
static const uint8_t STATE_RECEIVER[20] = {[18] = 0x10, [19] = 0x01};

/* Donau's OverrideStateSyncRecords (PROTOCOL.md §3.9). */
static const uint64_t DONAU_OVERRIDES[][2] = {{14949120, 8}, {14949184, 0}, {14953472, 0},
                                              {14953536, 5}, {14953600, 0}, {14953664, 0},
                                              {14953728, 0}, {14953792, 0}, {14953856, 0}};

void bttc_params_mainnet(struct bttc_params *p)
{
    memset(p, 0, sizeof(*p));
    p->chain_id = 199;
    snprintf(p->chain_id_str, sizeof(p->chain_id_str), "199");
    p->sprint = 64;
    p->period = 2;
    p->producer_delay = 6;
    p->backup_multiplier = 2;
    memcpy(p->validator_contract, VALIDATOR_CONTRACT, 20);
    memcpy(p->state_receiver, STATE_RECEIVER, 20);
}

void bttc_params_free(struct bttc_params *p)
{
    for (size_t i = 0; i < p->n_allocs; i++)
        free(p->allocs[i].code);
    free(p->allocs);
    free(p->override_keys);
    free(p->override_vals);
    memset(p, 0, sizeof(*p));
}

bt_status bttc_fail(struct bttc *b, bt_status st, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    b->host->set_error(b->hctx, "%s", msg);
    return st;
}

static bt_status conf_u64(struct bttc *b, const struct bt_conf_entry *e, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(e->value, &end, 10);
    if (!*e->value || *end || errno || e->value[0] == '-')
        return bttc_fail(b, BT_EINVAL, "%s:%u: %s: not a number", e->file, e->line, e->key);
    *out = v;
    return BT_OK;
}

static bt_status set_chain(struct bttc *b, const struct bt_conf_entry *e)
{
    bttc_params_mainnet(&b->p);
    if (strcmp(e->value, "mainnet") == 0)
        return BT_OK;
    if (strcmp(e->value, "devnet") == 0) {
        b->p.chain_id = 1337;
        snprintf(b->p.chain_id_str, sizeof(b->p.chain_id_str), "1337");
        return BT_OK;
    }
    if (strcmp(e->value, "donau") != 0)
        return bttc_fail(b, BT_EINVAL, "%s:%u: chain: want mainnet, donau or devnet", e->file,
                         e->line);
    b->p.chain_id = 1029;
    snprintf(b->p.chain_id_str, sizeof(b->p.chain_id_str), "1029");
    size_t n = BTS_ARRAY_SIZE(DONAU_OVERRIDES);
    b->p.override_keys = calloc(n, sizeof(uint64_t));
    b->p.override_vals = calloc(n, sizeof(uint64_t));
    if (!b->p.override_keys || !b->p.override_vals)
        return BT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        b->p.override_keys[i] = DONAU_OVERRIDES[i][0];
        b->p.override_vals[i] = DONAU_OVERRIDES[i][1];
    }
    b->p.n_overrides = n;
    return BT_OK;
}

static bt_status add_alloc(struct bttc *b, const struct bt_conf_entry *e)
{
    unsigned long long number;
    char addr[64], path[512];
    if (sscanf(e->value, "%llu %63s %511s", &number, addr, path) != 3)
        return bttc_fail(b, BT_EINVAL, "%s:%u: block_alloc: want <number> <address> <file>",
                         e->file, e->line);
    struct bttc_alloc a = {.number = number};
    if (bts_hex_parse_address(a.address, addr, strlen(addr)) != BT_OK)
        return bttc_fail(b, BT_EINVAL, "%s:%u: block_alloc: bad address", e->file, e->line);
    FILE *f = fopen(path, "rb");
    if (!f)
        return bttc_fail(b, BT_EIO, "%s:%u: block_alloc: cannot open %s", e->file, e->line, path);
    struct bts_buf txt;
    bts_buf_init(&txt);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (bts_buf_append(&txt, chunk, got) != BT_OK)
            break;
    fclose(f);
    while (txt.len && (txt.data[txt.len - 1] == '\n' || txt.data[txt.len - 1] == ' '))
        txt.len--;
    struct bts_buf code;
    bts_buf_init(&code);
    bt_status st = bts_hex_decode_buf(&code, (const char *)txt.data, txt.len, 0);
    bts_buf_free(&txt);
    if (st != BT_OK) {
        bts_buf_free(&code);
        return bttc_fail(b, BT_EINVAL, "%s:%u: block_alloc: %s is not hex", e->file, e->line, path);
    }
    struct bttc_alloc *v = realloc(b->p.allocs, (b->p.n_allocs + 1) * sizeof(*v));
    if (!v) {
        bts_buf_free(&code);
        return BT_ENOMEM;
    }
    b->p.allocs = v;
    a.code = bts_buf_detach(&code, &a.code_len);
    v[b->p.n_allocs++] = a;
    return BT_OK;
}

static bt_status read_conf(struct bttc *b, char *span_file, char *event_file, char *url)
{
    struct bt_conf_entry e;
    size_t it = 0;
    bt_status st = BT_OK;
    while (st == BT_OK && b->host->conf_next(b->hctx, &it, &e) == BT_OK) {
        if (strcmp(e.key, "chain") == 0)
            st = set_chain(b, &e);
        else if (strcmp(e.key, "chain_id") == 0) {
            st = conf_u64(b, &e, &b->p.chain_id);
            snprintf(b->p.chain_id_str, sizeof(b->p.chain_id_str), "%llu",
                     (unsigned long long)b->p.chain_id);
        } else if (strcmp(e.key, "sprint") == 0) {
            st = conf_u64(b, &e, &b->p.sprint);
            if (st == BT_OK && b->p.sprint == 0)
                st = bttc_fail(b, BT_EINVAL, "%s:%u: sprint: must be > 0", e.file, e.line);
        } else if (strcmp(e.key, "period") == 0)
            st = conf_u64(b, &e, &b->p.period);
        else if (strcmp(e.key, "producer_delay") == 0)
            st = conf_u64(b, &e, &b->p.producer_delay);
        else if (strcmp(e.key, "backup_multiplier") == 0)
            st = conf_u64(b, &e, &b->p.backup_multiplier);
        else if (strcmp(e.key, "signer") == 0) {
            if (bts_hex_parse_address(b->signer, e.value, strlen(e.value)) != BT_OK ||
                strlen(e.value) >= sizeof(b->key_id))
                st = bttc_fail(b, BT_EINVAL, "%s:%u: signer: want 0x and 40 hex digits", e.file,
                               e.line);
            snprintf(b->key_id, sizeof(b->key_id), "%s", e.value);
            b->has_signer = st == BT_OK;
        } else if (strcmp(e.key, "vanity") == 0) {
            size_t n;
            memset(b->vanity, 0, 32);
            if (bts_hex_decode(b->vanity, 32, &n, e.value, strlen(e.value), 0) != BT_OK)
                st = bttc_fail(b, BT_EINVAL, "%s:%u: vanity: at most 32 bytes of hex", e.file,
                               e.line);
        } else if (strcmp(e.key, "span_file") == 0)
            snprintf(span_file, 512, "%s", e.value);
        else if (strcmp(e.key, "event_file") == 0)
            snprintf(event_file, 512, "%s", e.value);
        else if (strcmp(e.key, "delivery_url") == 0)
            snprintf(url, 512, "%s", e.value);
        else if (strncmp(e.key, "delivery", 8) == 0) {
            /* the Delivery node's keys, read by dlv_host_config_read (dlvnode/dlv_host.h) */
            if (!strcmp(e.key, "delivery"))
                b->dlv_on = !strcmp(e.value, "on");
        } else if (bttc_dlvb_conf_key(e.key)) {
            /* the bridge's keys, read by bttc_dlvb_new (dlvbridge.h) */
        } else if (strcmp(e.key, "block_alloc") == 0)
            st = add_alloc(b, &e);
        else
            st = bttc_fail(b, BT_EINVAL, "%s:%u: unknown key %s", e.file, e.line, e.key);
    }
    return st;
}

/* Relative paths resolve against the data directory. */
static void resolve(struct bttc *b, char *path)
{
    if (!path[0] || path[0] == '/')
        return;
    char tmp[512];
    snprintf(tmp, sizeof(tmp), "%s/%s", b->host->datadir(b->hctx), path);
    memcpy(path, tmp, sizeof(tmp));
}

bt_status bttc_create(const struct bt_host *host, struct bt_host_ctx *hctx, void **out_self)
{
    struct bttc *b = calloc(1, sizeof(*b));
    if (!b)
        return BT_ENOMEM;
    b->host = host;
    b->hctx = hctx;
    bttc_params_mainnet(&b->p);
    b->future_allow_s = 3;
    b->future_max_s = 30;
    for (size_t i = 0; i < BTTC_SNAP_CACHE; i++)
        bts_valset_init(&b->cache[i].vs);
    b->leaves = calloc(BTTC_LEAF_CACHE, sizeof(*b->leaves));
    char span_file[512] = "", event_file[512] = "", url[512] = "";
    bt_status st = b->leaves ? read_conf(b, span_file, event_file, url) : BT_ENOMEM;
    if (st == BT_OK && (span_file[0] || event_file[0])) {
        char err[400] = "";
        resolve(b, span_file);
        resolve(b, event_file);
        st = bttc_filesrc_open(&b->filesrc, span_file[0] ? span_file : NULL,
                               event_file[0] ? event_file : NULL, err, sizeof(err));
        if (st != BT_OK)
            bttc_fail(b, st, "span source: %s", err);
    }
    if (st == BT_OK && url[0])
        st = bttc_rest_new(&b->rest, b, url);
    struct dlv_host_config dc;
    if (st == BT_OK && b->dlv_on)
        st = dlv_host_config_read(b->host, b->hctx, &dc);
    if (st == BT_OK && b->dlv_on && !dc.app_kv) /* offers bttc/span-source */
        st = bttc_dlv_create(b, &dc);
    if (st != BT_OK) {
        bttc_destroy(b);
        return st;
    }
    *out_self = b;
    return BT_OK;
}

bt_status bttc_start(void *self)
{
    struct bttc *b = self;
    const void *iface;
    void *svc;
    if (b->host->service_find(b->hctx, "chain", &iface, &svc) == BT_OK &&
        ((const struct bt_chain_iface *)iface)->struct_size >= sizeof(struct bt_chain_iface)) {
        b->chain = iface;
        b->chain_self = svc;
    } else {
        b->host->log(b->hctx, BT_LOG_WARN, "no chain service", NULL);
    }
    if (b->host->service_find(b->hctx, "storage", &iface, &svc) == BT_OK &&
        BT_HAS(struct bt_storage_svc, (const struct bt_storage_svc *)iface, write)) {
        b->stor = iface;
        b->stor_self = svc;
    }
    /* Span source: one offered in the registry (an in-process Delivery) first, then ours. */
    if (b->host->service_find(b->hctx, BTS_SPAN_SOURCE_SERVICE, &iface, &svc) == BT_OK) {
        b->src = iface;
        b->src_self = svc;
    } else if (b->filesrc) {
        b->src = &bttc_filesrc_iface;
        b->src_self = b->filesrc;
    } else if (b->rest) {
        b->src = &bttc_rest_iface;
        b->src_self = b->rest;
    } else {
        b->host->log(b->hctx, BT_LOG_WARN, "no span source: spans and state syncs cannot commit",
                     NULL);
    }
    bt_status st = bttc_rpc_register(b);
    struct dlv_host_config dc;
    if (st == BT_OK)
        st = dlv_host_config_read(b->host, b->hctx, &dc);
    if (st == BT_OK && dc.enabled && dc.app_kv) /* the node with the kv stand-in app */
        st = dlv_host_run_kv(&b->dlv, b->host, b->hctx, &dc);
    else if (st == BT_OK && dc.enabled) /* the node with the Delivery application */
        st = bttc_dlv_start(b, &dc);
    return st;
}

void bttc_stop(void *self)
{
    struct bttc *b = self;
    dlv_host_stop(b->dlv);
    bttc_dlv_stop(b);
    bttc_rest_free(b->rest);
    b->rest = NULL;
    if (b->src == &bttc_rest_iface)
        b->src = NULL;
}

void bttc_destroy(void *self)
{
    struct bttc *b = self;
    if (!b)
        return;
    dlv_host_free(b->dlv);
    bttc_dlv_free(b);
    bttc_rest_free(b->rest);
    bttc_filesrc_free(b->filesrc);
    for (size_t i = 0; i < BTTC_SNAP_CACHE; i++)
        bts_valset_free(&b->cache[i].vs);
    free(b->leaves);
    if (b->rpc_args)
        b->host->mem_free(b->hctx, b->rpc_args);
    bttc_params_free(&b->p);
    free(b);
}

const struct bt_consensus_vtbl bttc_vtbl = {
    .struct_size = sizeof(struct bt_consensus_vtbl),
    .verify_header = bttc_verify_header,
    .schedule = bttc_schedule,
    .prepare = bttc_prepare,
    .finalize = bttc_finalize,
    .seal = bttc_seal,
    .author = bttc_author,
    .on_head = bttc_on_head,
};
