/* `bttcd evm statetest`: Ethereum GeneralStateTests (fixtures/README.md) through the EVM plugin.
 * For every test, fork and (data, gas, value) index: copy the pre-state, execute the
 * transaction with the plugin's execute, apply the change set, and compare the post-state root
 * (alloc_state_root, the SDK trie) and the logs hash with the fixture. A transaction the
 * fixture expects to be rejected must be rejected and leave the state as it was. */
#include "evmtool_int.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bts/buf.h>
#include <bts/hex.h>
#include <bts/keccak.h>
#include <bts/rlp.h>
#include <bts/secp.h>

#include "memstate_int.h"
#include "structlog_int.h"

/* Steps of the trace printed for a failing case under --trace. */
#define TRACE_LIMIT 5000

struct st_run {
    struct evmtool_evm *e;
    const struct evmtool_st_opts *o;
    unsigned long pass, fail, skip;
    int n_json; /* results printed so far (--json) */
};

/* One case: where it is and what the fixture expects. */
struct st_case {
    const char *file, *name, *fork_name;
    size_t d, g, v;
    int expect_exc;
    uint8_t want_root[32], want_logs[32];
};

/* --- fixture fields -------------------------------------------------------------------------- */

static char scratch_err[256]; /* messages of the lenient readers, not shown */

/* Missing members read as zero; a value that does not fit makes the transaction invalid (the
 * fillers' "0x:bigint 0x..." notation for numbers wider than their field, too). */
static int get_u64(uint64_t *out, const json_t *v)
{
    *out = 0;
    return !v || alloc_json_u64(out, v, "", scratch_err, sizeof(scratch_err)) == BT_OK;
}

static int get_u256(uint8_t out[32], const json_t *v)
{
    struct bts_u256 x = bts_u256_from_u64(0);
    int ok = !v || alloc_json_u256(&x, v, "", scratch_err, sizeof(scratch_err)) == BT_OK;
    bts_u256_store_be(out, &x);
    return ok;
}

static void get_addr(uint8_t out[20], const json_t *v)
{
    struct bt_address a = {{0}};
    const char *s = json_string_value(v);
    if (s && alloc_json_address(&a, s, "", scratch_err, sizeof(scratch_err)) != BT_OK)
        memset(&a, 0, sizeof(a));
    memcpy(out, a.bytes, 20);
}

static void get_word(uint8_t out[32], const json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || alloc_json_word(out, s, "", scratch_err, sizeof(scratch_err)) != BT_OK)
        memset(out, 0, 32);
}

/* EIP-4844 fake_exponential(MIN_BLOB_BASE_FEE = 1, excess, BLOB_BASE_FEE_UPDATE_FRACTION). */
static void blob_base_fee(uint8_t out[32], uint64_t excess)
{
    unsigned __int128 i = 1, acc = 0, num = 3338477ull, den = 3338477ull;
    while (num > 0) {
        acc += num;
        num = num * excess / (den * i);
        i++;
    }
    struct bts_u256 v = bts_u256_from_u64((uint64_t)(acc / den));
    bts_u256_store_be(out, &v);
}

static void load_env(struct bt_evm_block *b, const json_t *env)
{
    memset(b, 0, sizeof(*b));
    b->struct_size = sizeof(*b);
    get_u64(&b->number, json_object_get(env, "currentNumber"));
    get_u64(&b->timestamp, json_object_get(env, "currentTimestamp"));
    if (!get_u64(&b->gas_limit, json_object_get(env, "currentGasLimit")))
        b->gas_limit = UINT64_MAX;
    b->chain_id = 1;
    get_addr(b->coinbase, json_object_get(env, "currentCoinbase"));
    get_u256(b->difficulty, json_object_get(env, "currentDifficulty"));
    get_u256(b->prev_randao, json_object_get(env, "currentRandom"));
    get_u256(b->base_fee, json_object_get(env, "currentBaseFee"));
    uint64_t excess = 0;
    get_u64(&excess, json_object_get(env, "currentExcessBlobGas"));
    blob_base_fee(b->blob_base_fee, excess);
}

/* The transaction of indexes (d, g, v). Owns what it allocates. */
struct st_tx {
    struct bt_evm_tx x;
    uint8_t *data;
    struct bt_evm_access *acc;
    uint8_t (*keys)[32];
    uint8_t (*blobs)[32];
    int valid; /* every field fits */
};

static void st_tx_free(struct st_tx *t)
{
    free(t->data);
    free(t->acc);
    free(t->keys);
    free(t->blobs);
}

static void load_access_list(struct st_tx *t, const json_t *al)
{
    size_t na = json_array_size(al), nk = 0, ai, ki;
    const json_t *ae, *ke;
    json_array_foreach(al, ai, ae) nk += json_array_size(json_object_get(ae, "storageKeys"));
    t->acc = calloc(na + 1, sizeof(*t->acc));
    t->keys = calloc(nk + 1, 32);
    if (!t->acc || !t->keys) {
        t->valid = 0;
        return;
    }
    size_t kpos = 0;
    json_array_foreach(al, ai, ae)
    {
        const json_t *keys = json_object_get(ae, "storageKeys");
        get_addr(t->acc[ai].address, json_object_get(ae, "address"));
        t->acc[ai].keys = (const uint8_t(*)[32])(t->keys + kpos);
        t->acc[ai].n_keys = json_array_size(keys);
        json_array_foreach(keys, ki, ke) get_word(t->keys[kpos++], ke);
    }
    t->x.access_list = t->acc;
    t->x.n_access = na;
}

static void load_tx(struct st_tx *t, const json_t *tx, size_t d, size_t g, size_t v)
{
    memset(t, 0, sizeof(*t));
    struct bt_evm_tx *x = &t->x;
    x->struct_size = sizeof(*x);
    t->valid = 1;
    const char *to = json_string_value(json_object_get(tx, "to"));
    x->has_to = to && strcmp(to, "") != 0 && strcmp(to, "0x") != 0;
    if (x->has_to)
        get_addr(x->to, json_object_get(tx, "to"));
    if (json_object_get(tx, "sender")) {
        get_addr(x->from, json_object_get(tx, "sender"));
    } else {
        uint8_t sk[32];
        get_word(sk, json_object_get(tx, "secretKey"));
        if (bts_secp_seckey_to_address(x->from, sk) != BT_OK)
            memset(x->from, 0, 20);
    }
    t->valid &= get_u64(&x->nonce, json_object_get(tx, "nonce"));
    t->valid &= get_u64(&x->gas_limit, json_array_get(json_object_get(tx, "gasLimit"), g));
    t->valid &= get_u256(x->value, json_array_get(json_object_get(tx, "value"), v));
    size_t dl = 0;
    if (alloc_json_bytes(&t->data, &dl, json_array_get(json_object_get(tx, "data"), d), "",
                         scratch_err, sizeof(scratch_err)) != BT_OK)
        t->valid = 0;
    x->data = t->data;
    x->data_len = dl;
    const json_t *al = json_array_get(json_object_get(tx, "accessLists"), d);
    if (json_object_get(tx, "blobVersionedHashes"))
        x->type = 3;
    else if (json_object_get(tx, "maxFeePerGas"))
        x->type = 2;
    else if (al && !json_is_null(al))
        x->type = 1;
    if (x->type >= 2) {
        t->valid &= get_u256(x->max_fee, json_object_get(tx, "maxFeePerGas"));
        t->valid &= get_u256(x->max_priority_fee, json_object_get(tx, "maxPriorityFeePerGas"));
        memcpy(x->gas_price, x->max_fee, 32);
    } else {
        t->valid &= get_u256(x->gas_price, json_object_get(tx, "gasPrice"));
    }
    if (json_is_array(al))
        load_access_list(t, al);
    if (x->type == 3) {
        const json_t *bh = json_object_get(tx, "blobVersionedHashes"), *be;
        size_t bi;
        t->blobs = calloc(json_array_size(bh) + 1, 32);
        if (!t->blobs) {
            t->valid = 0;
            return;
        }
        json_array_foreach(bh, bi, be) get_word(t->blobs[bi], be);
        x->blob_hashes = (const uint8_t(*)[32])t->blobs;
        x->n_blob_hashes = json_array_size(bh);
        t->valid &= get_u256(x->max_blob_fee, json_object_get(tx, "maxFeePerBlobGas"));
    }
}

/* --- roots ----------------------------------------------------------------------------------- */

/* keccak(RLP(logs)), each log RLP([address, [topics...], data]) (Yellow Paper section 4.3.1). */
static bt_status logs_hash(uint8_t out[32], const struct bt_evm_result *r)
{
    struct bts_buf b = BTS_BUF_INIT;
    size_t all, one, tl;
    bt_status st = bts_rlp_list_begin(&b, &all);
    for (size_t i = 0; st == BT_OK && r && i < r->n_logs; i++) {
        const struct bt_evm_log *l = &r->logs[i];
        st = bts_rlp_list_begin(&b, &one);
        if (st == BT_OK)
            st = bts_rlp_encode_bytes(&b, l->address, 20);
        if (st == BT_OK)
            st = bts_rlp_list_begin(&b, &tl);
        for (uint32_t k = 0; st == BT_OK && k < l->n_topics; k++)
            st = bts_rlp_encode_bytes(&b, l->topics[k], 32);
        if (st == BT_OK)
            st = bts_rlp_list_end(&b, tl);
        if (st == BT_OK)
            st = bts_rlp_encode_bytes(&b, l->data, l->data_len);
        if (st == BT_OK)
            st = bts_rlp_list_end(&b, one);
    }
    if (st == BT_OK)
        st = bts_rlp_list_end(&b, all);
    if (st == BT_OK)
        bts_keccak256(out, b.data, b.len);
    bts_buf_free(&b);
    return st;
}

/* --- reporting ------------------------------------------------------------------------------- */

static void hex32(char out[67], const uint8_t h[32])
{
    size_t len;
    if (bts_hex_encode(out, 67, &len, h, 32, BTS_HEX_0X) != BT_OK)
        out[0] = 0;
}

/* The accounts of `post` that differ from `pre` (and those it removed): the debugging aid of
 * --trace (the fixtures carry only the expected root, not the expected accounts). */
static void print_changed(FILE *out, const struct alloc *pre, const struct alloc *post)
{
    for (size_t i = 0; i < post->n; i++) {
        const struct alloc_account *a = &post->accounts[i], *b = alloc_find(pre, &a->addr);
        if (b && a->nonce == b->nonce && bts_u256_eq(&a->balance, &b->balance) &&
            a->code_len == b->code_len && !memcmp(a->code, b->code, a->code_len) &&
            a->n_storage == b->n_storage &&
            !memcmp(a->storage, b->storage, a->n_storage * sizeof(*a->storage)))
            continue;
        char addr[43], bal[67];
        size_t len;
        uint8_t be[32];
        bts_u256_store_be(be, &a->balance);
        if (bts_hex_encode(addr, sizeof(addr), &len, a->addr.bytes, 20, BTS_HEX_0X) != BT_OK ||
            bts_hex_format_u256(bal, sizeof(bal), &len, be) != BT_OK)
            continue;
        fprintf(out, "  %s %s: nonce %llu balance %s code %zu bytes, %zu slots\n", addr,
                b ? "changed" : "created", (unsigned long long)a->nonce, bal, a->code_len,
                a->n_storage);
        for (size_t k = 0; k < a->n_storage; k++) {
            char key[67], val[67];
            hex32(key, a->storage[k].key.bytes);
            hex32(val, a->storage[k].value.bytes);
            fprintf(out, "    %s = %s\n", key, val);
        }
    }
    for (size_t i = 0; i < pre->n; i++) {
        if (!alloc_find(post, &pre->accounts[i].addr)) {
            char addr[43];
            size_t len;
            if (bts_hex_encode(addr, sizeof(addr), &len, pre->accounts[i].addr.bytes, 20,
                               BTS_HEX_0X) == BT_OK)
                fprintf(out, "  %s removed\n", addr);
        }
    }
}

/* --trace: the failing case again with geth's struct logger (the first TRACE_LIMIT steps). */
static void print_trace(struct st_run *sr, const struct alloc *pre, const struct bt_evm_block *blk,
                        const struct bt_evm_tx *x, uint32_t fork)
{
    struct memstate s;
    if (memstate_copy(&s, pre) != BT_OK)
        return;
    struct bt_evm_config cfg = {.struct_size = sizeof(cfg), .fork = fork};
    struct structlog_cfg lc = {.limit = TRACE_LIMIT};
    json_t *j = NULL;
    bt_status st =
        structlog_execute(sr->e->vt, sr->e->self, &memstate_iface, &s, blk, x, &cfg, &lc, &j, NULL);
    if (st == BT_OK) {
        fputs("  trace: ", stdout);
        json_dumpf(j, stdout, JSON_COMPACT);
        fputc('\n', stdout);
        json_decref(j);
    } else {
        printf("  trace: rejected: %s\n", evmtool_evm_error(sr->e));
    }
    memstate_free(&s);
}

static void report(struct st_run *sr, const struct st_case *c, int ok, int skipped, const char *why,
                   const uint8_t root[32], const uint8_t logs[32])
{
    char want[67], got[67], wl[67], gl[67];
    hex32(want, c->want_root);
    hex32(got, root);
    hex32(wl, c->want_logs);
    hex32(gl, logs);
    if (sr->o->is_json) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:{s:I, s:I, s:I}, s:b, s:s, s:s, s:s, s:s}", "name",
                              c->name, "file", c->file, "fork", c->fork_name, "indexes", "data",
                              (json_int_t)c->d, "gas", (json_int_t)c->g, "value", (json_int_t)c->v,
                              "pass", ok, "stateRoot", got, "expectedRoot", want, "logsHash", gl,
                              "expectedLogsHash", wl);
        if (o && skipped)
            json_object_set_new(o, "skipped", json_true());
        if (o && !ok && why && *why)
            json_object_set_new(o, "error", json_string(why));
        if (o) {
            fputs(sr->n_json++ ? ",\n" : "[\n", stdout);
            json_dumpf(o, stdout, JSON_COMPACT);
            json_decref(o);
        }
        return;
    }
    if (skipped) {
        if (!sr->o->is_quiet)
            printf("SKIP %s %s %s d=%zu g=%zu v=%zu: %s\n", c->file, c->name, c->fork_name, c->d,
                   c->g, c->v, why);
    } else if (!ok) {
        printf("FAIL %s %s %s d=%zu g=%zu v=%zu: %s\n  expected root %s, got %s\n", c->file,
               c->name, c->fork_name, c->d, c->g, c->v, why, want, got);
        if (strcmp(wl, gl) != 0)
            printf("  expected logs hash %s, got %s\n", wl, gl);
    }
}

/* --- running --------------------------------------------------------------------------------- */

/* --traced: every instruction goes through the traced interpreter and is dropped here. */
static void null_step(void *ctx, const struct bt_evm_step *s)
{
    (void)ctx;
    (void)s;
}

static void null_step_result(void *ctx, uint64_t gas_cost, const char *error)
{
    (void)ctx;
    (void)gas_cost;
    (void)error;
}

static const struct bt_evm_tracer null_tracer = {.struct_size = sizeof(struct bt_evm_tracer),
                                                 .step = null_step,
                                                 .step_result = null_step_result};

static void run_case(struct st_run *sr, struct st_case *c, const struct alloc *pre,
                     const struct bt_evm_block *blk, const json_t *tx, uint32_t fork)
{
    struct st_tx t;
    load_tx(&t, tx, c->d, c->g, c->v);
    struct memstate s;
    if (memstate_copy(&s, pre) != BT_OK) {
        fprintf(stderr, "bttcd evm statetest: out of memory\n");
        exit(2);
    }
    struct bt_evm_config cfg = {
        .struct_size = sizeof(cfg), .fork = fork, .tracer = sr->o->is_traced ? &null_tracer : NULL};
    struct bt_evm_result r;
    bt_status st = BT_EINVAL;
    char why[256] = "";
    if (t.valid) {
        hctx_clear_error(sr->e->h);
        st = sr->e->vt->execute(sr->e->self, &memstate_iface, &s, blk, &t.x, &cfg, &r);
        if (st != BT_OK)
            snprintf(why, sizeof(why), "%s", evmtool_evm_error(sr->e));
    } else {
        snprintf(why, sizeof(why), "field out of range");
    }
    int ok = 0, skipped = 0;
    uint8_t root[32] = {0}, lh[32] = {0};
    if (st == BT_ENOTSUP) {
        skipped = 1;
        if (!why[0])
            snprintf(why, sizeof(why), "unsupported");
    } else if (st == BT_EINVAL) {
        if (alloc_state_root(&s.a, root) != BT_OK || logs_hash(lh, NULL) != BT_OK)
            snprintf(why, sizeof(why), "out of memory");
        ok = c->expect_exc && !memcmp(root, c->want_root, 32);
        if (c->expect_exc && !ok)
            snprintf(why, sizeof(why), "state root after the rejection");
    } else if (st == BT_OK) {
        bt_status ast = memstate_apply(&s, &r);
        if (ast == BT_OK)
            ast = alloc_state_root(&s.a, root);
        if (ast == BT_OK)
            ast = logs_hash(lh, &r);
        r.release(&r);
        ok = ast == BT_OK && !c->expect_exc && !memcmp(root, c->want_root, 32) &&
             !memcmp(lh, c->want_logs, 32);
        snprintf(why, sizeof(why), "%s",
                 ast != BT_OK                     ? "out of memory"
                 : c->expect_exc                  ? "expected the transaction to be rejected"
                 : memcmp(root, c->want_root, 32) ? "state root"
                                                  : "logs hash");
    } else if (!why[0]) {
        snprintf(why, sizeof(why), "%s", bts_status_str(st));
    }
    if (skipped)
        sr->skip++;
    else if (ok)
        sr->pass++;
    else
        sr->fail++;
    report(sr, c, ok, skipped, why, root, lh);
    if (!ok && !skipped && sr->o->is_trace && !sr->o->is_json) {
        print_changed(stdout, pre, &s.a);
        print_trace(sr, pre, blk, &t.x, fork);
    }
    memstate_free(&s);
    st_tx_free(&t);
}

static void run_test(struct st_run *sr, const char *file, const char *name, const json_t *t)
{
    const json_t *post = json_object_get(t, "post"), *tx = json_object_get(t, "transaction");
    struct bt_evm_block blk;
    load_env(&blk, json_object_get(t, "env"));
    struct alloc pre = {0};
    char err[256];
    if (alloc_parse(&pre, json_object_get(t, "pre"), "pre", err, sizeof(err)) != BT_OK) {
        printf("FAIL %s %s: %s\n", file, name, err);
        sr->fail++;
        return;
    }
    const char *fk;
    const json_t *cases;
    json_object_foreach((json_t *)post, fk, cases)
    {
        uint32_t fork = evmtool_fork_of(fk);
        if (!fork || (sr->o->fork && fork != sr->o->fork))
            continue;
        size_t ci;
        const json_t *cs;
        json_array_foreach(cases, ci, cs)
        {
            const json_t *idx = json_object_get(cs, "indexes");
            struct st_case c = {
                .file = file,
                .name = name,
                .fork_name = fk,
                .d = (size_t)json_integer_value(json_object_get(idx, "data")),
                .g = (size_t)json_integer_value(json_object_get(idx, "gas")),
                .v = (size_t)json_integer_value(json_object_get(idx, "value")),
                .expect_exc = json_object_get(cs, "expectException") != NULL,
            };
            get_word(c.want_root, json_object_get(cs, "hash"));
            get_word(c.want_logs, json_object_get(cs, "logs"));
            run_case(sr, &c, &pre, &blk, tx, fork);
        }
    }
    alloc_free(&pre);
}

static void run_file(struct st_run *sr, const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        printf("FAIL %s: %s\n", path, je.text);
        sr->fail++;
        return;
    }
    const char *name;
    json_t *t;
    json_object_foreach(root, name, t)
    {
        if (sr->o->filter && !strstr(path, sr->o->filter) && !strstr(name, sr->o->filter))
            continue;
        run_test(sr, path, name, t);
    }
    json_decref(root);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A .json file, or a directory walked in name order. */
static void run_path(struct st_run *sr, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        printf("FAIL %s: not found\n", path);
        sr->fail++;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        size_t n = strlen(path);
        if (n > 5 && !strcmp(path + n - 5, ".json"))
            run_file(sr, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char **nn = realloc(names, (n + 1) * sizeof(*names));
        if (!nn || !(nn[n] = strdup(de->d_name))) {
            fprintf(stderr, "bttcd evm statetest: out of memory\n");
            exit(2);
        }
        names = nn;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(path) + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (p) {
            snprintf(p, len, "%s/%s", path, names[i]);
            run_path(sr, p);
        }
        free(p);
        free(names[i]);
    }
    free(names);
}

int evmtool_statetest(struct evmtool_evm *e, const struct evmtool_st_opts *o, char *const *paths,
                      size_t n_paths)
{
    struct st_run sr = {.e = e, .o = o};
    for (size_t i = 0; i < n_paths; i++)
        run_path(&sr, paths[i]);
    if (o->is_json)
        fputs(sr.n_json ? "\n]\n" : "[]\n", stdout);
    fprintf(o->is_json ? stderr : stdout, "%lu passed, %lu failed, %lu skipped\n", sr.pass, sr.fail,
            sr.skip);
    return sr.fail ? 1 : 0;
}
