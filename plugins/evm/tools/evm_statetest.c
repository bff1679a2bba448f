/* evm-statetest: runs Ethereum GeneralStateTests (fixtures/README.md) through evm_core.
 *   evm-statetest [--fork NAME] [--filter SUBSTR] [--quiet] PATH...
 * For every test, fork and (data, gas, value) index: build the pre-state in memory, execute
 * the transaction, apply the change set, and compare the post-state root and the logs hash.
 * Ends with "N passed, M failed, K skipped"; exit 1 on any failure, 77 if nothing ran. */
#include "evm_int.h"

#include <bts/rlp.h>
#include <bts/secp.h>
#include <bts/trie.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- in-memory state ------------------------------------------------------------------- */

struct st_slot {
    uint8_t key[32], val[32];
};

struct st_acct {
    uint8_t addr[20];
    uint64_t nonce;
    uint8_t balance[32];
    uint8_t *code;
    size_t code_len;
    uint8_t code_hash[32];
    struct st_slot *slots;
    size_t n_slots, cap_slots;
};

struct st_state {
    struct st_acct *a;
    size_t n, cap;
    uint64_t number;
};

static struct st_acct *st_find(struct st_state *s, const uint8_t addr[20])
{
    for (size_t i = 0; i < s->n; i++) {
        if (memcmp(s->a[i].addr, addr, 20) == 0)
            return &s->a[i];
    }
    return NULL;
}

static struct st_acct *st_add(struct st_state *s, const uint8_t addr[20])
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->a = realloc(s->a, s->cap * sizeof(*s->a));
        if (!s->a) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
    }
    struct st_acct *a = &s->a[s->n++];
    memset(a, 0, sizeof(*a));
    memcpy(a->addr, addr, 20);
    memcpy(a->code_hash, evm_empty_code_hash, 32);
    return a;
}

static void st_del(struct st_state *s, struct st_acct *a)
{
    free(a->code);
    free(a->slots);
    *a = s->a[--s->n];
}

static void st_free(struct st_state *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->a[i].code);
        free(s->a[i].slots);
    }
    free(s->a);
    memset(s, 0, sizeof(*s));
}

static const uint8_t zero32[32];

static void st_set_slot(struct st_acct *a, const uint8_t key[32], const uint8_t val[32])
{
    for (size_t i = 0; i < a->n_slots; i++) {
        if (memcmp(a->slots[i].key, key, 32) == 0) {
            if (memcmp(val, zero32, 32) == 0)
                a->slots[i] = a->slots[--a->n_slots];
            else
                memcpy(a->slots[i].val, val, 32);
            return;
        }
    }
    if (memcmp(val, zero32, 32) == 0)
        return;
    if (a->n_slots == a->cap_slots) {
        a->cap_slots = a->cap_slots ? a->cap_slots * 2 : 8;
        a->slots = realloc(a->slots, a->cap_slots * sizeof(*a->slots));
        if (!a->slots)
            exit(2);
    }
    memcpy(a->slots[a->n_slots].key, key, 32);
    memcpy(a->slots[a->n_slots].val, val, 32);
    a->n_slots++;
}

static bt_status if_get_account(void *ctx, const uint8_t addr[20], uint64_t *nonce, uint8_t bal[32],
                                uint8_t code_hash[32])
{
    struct st_acct *a = st_find(ctx, addr);
    if (!a) {
        *nonce = 0;
        memset(bal, 0, 32);
        memcpy(code_hash, evm_empty_code_hash, 32);
        return BT_ENOTFOUND;
    }
    *nonce = a->nonce;
    memcpy(bal, a->balance, 32);
    memcpy(code_hash, a->code_hash, 32);
    return BT_OK;
}

static bt_status if_get_code(void *ctx, const uint8_t addr[20], struct bt_value *out)
{
    struct st_acct *a = st_find(ctx, addr);
    memset(out, 0, sizeof(*out));
    if (a) {
        out->data = a->code;
        out->len = a->code_len;
    }
    return BT_OK;
}

static bt_status if_get_storage(void *ctx, const uint8_t addr[20], const uint8_t key[32],
                                uint8_t out[32])
{
    struct st_acct *a = st_find(ctx, addr);
    memset(out, 0, 32);
    if (!a)
        return BT_OK;
    for (size_t i = 0; i < a->n_slots; i++) {
        if (memcmp(a->slots[i].key, key, 32) == 0) {
            memcpy(out, a->slots[i].val, 32);
            break;
        }
    }
    return BT_OK;
}

/* The reference runners answer keccak256 of the decimal number (fixtures/README.md). */
static bt_status if_get_block_hash(void *ctx, uint64_t n, uint8_t out[32])
{
    (void)ctx;
    char s[24];
    int len = snprintf(s, sizeof(s), "%llu", (unsigned long long)n);
    bts_keccak256(out, s, (size_t)len);
    return BT_OK;
}

static bt_status if_has_storage(void *ctx, const uint8_t addr[20], int *out_has)
{
    struct st_acct *a = st_find(ctx, addr);
    *out_has = a && a->n_slots > 0;
    return BT_OK;
}

static const struct bt_evm_state_iface st_iface = {sizeof(struct bt_evm_state_iface),
                                                   if_get_account,
                                                   if_get_code,
                                                   if_get_storage,
                                                   if_get_block_hash,
                                                   if_has_storage};

static void st_apply(struct st_state *s, const struct bt_evm_result *r)
{
    for (size_t i = 0; i < r->n_changes; i++) {
        const struct bt_evm_account_change *c = &r->changes[i];
        struct st_acct *a = st_find(s, c->address);
        if (c->flags & (BT_EVM_ACCOUNT_DESTROYED | BT_EVM_ACCOUNT_TOUCHED_EMPTY)) {
            if (a)
                st_del(s, a);
            continue;
        }
        if (!a)
            a = st_add(s, c->address);
        if (c->flags & BT_EVM_ACCOUNT_CREATED)
            a->n_slots = 0;
        a->nonce = c->nonce;
        memcpy(a->balance, c->balance, 32);
        if (c->flags & BT_EVM_ACCOUNT_CODE) {
            free(a->code);
            a->code = c->code_len ? malloc(c->code_len) : NULL;
            if (c->code_len)
                memcpy(a->code, c->code, c->code_len);
            a->code_len = c->code_len;
            bts_keccak256(a->code_hash, c->code, c->code_len);
        }
        for (size_t k = 0; k < c->n_storage; k++)
            st_set_slot(a, c->storage[k].key, c->storage[k].value);
    }
}

/* --- roots (SDK trie and RLP) ------------------------------------------------------------ */

/* Any failure here is an allocation failure in a test tool: give up loudly. */
static void must(bt_status st, const char *what)
{
    if (st != BT_OK) {
        fprintf(stderr, "evm-statetest: %s failed (status %d)\n", what, (int)st);
        exit(2);
    }
}

/* Post-state root: a secure trie of RLP([nonce, balance, storageRoot, codeHash]) by address,
 * each storageRoot a secure trie of RLP(value) by slot (Yellow Paper section 4.1). */
static void state_root(uint8_t out[32], const struct st_state *s)
{
    struct bts_trie *st = NULL;
    struct bts_buf v;
    bts_buf_init(&v);
    must(bts_trie_new(&st, NULL, NULL, BTS_TRIE_SECURE), "trie");
    for (size_t i = 0; i < s->n; i++) {
        const struct st_acct *a = &s->a[i];
        struct bts_trie *sto = NULL;
        uint8_t sroot[32];
        must(bts_trie_new(&sto, NULL, NULL, BTS_TRIE_SECURE), "trie");
        for (size_t k = 0; k < a->n_slots; k++) {
            bts_buf_reset(&v);
            must(bts_rlp_encode_u256_be(&v, a->slots[k].val), "rlp");
            must(bts_trie_put(sto, a->slots[k].key, 32, v.data, v.len), "trie put"); /* != 0 */
        }
        must(bts_trie_root(sto, sroot), "trie root");
        bts_trie_free(sto);
        size_t mark;
        bts_buf_reset(&v);
        must(bts_rlp_list_begin(&v, &mark), "rlp");
        must(bts_rlp_encode_u64(&v, a->nonce), "rlp");
        must(bts_rlp_encode_u256_be(&v, a->balance), "rlp");
        must(bts_rlp_encode_bytes(&v, sroot, 32), "rlp");
        must(bts_rlp_encode_bytes(&v, a->code_hash, 32), "rlp");
        must(bts_rlp_list_end(&v, mark), "rlp");
        must(bts_trie_put(st, a->addr, 20, v.data, v.len), "trie put");
    }
    must(bts_trie_root(st, out), "trie root");
    bts_trie_free(st);
    bts_buf_free(&v);
}

/* keccak(RLP(logs)), each log RLP([address, [topics...], data]) (Yellow Paper section 4.3.1). */
static void logs_hash(uint8_t out[32], const struct bt_evm_result *r)
{
    struct bts_buf b;
    size_t all, one, tl;
    bts_buf_init(&b);
    must(bts_rlp_list_begin(&b, &all), "rlp");
    for (size_t i = 0; r && i < r->n_logs; i++) {
        const struct bt_evm_log *l = &r->logs[i];
        must(bts_rlp_list_begin(&b, &one), "rlp");
        must(bts_rlp_encode_bytes(&b, l->address, 20), "rlp");
        must(bts_rlp_list_begin(&b, &tl), "rlp");
        for (uint32_t t = 0; t < l->n_topics; t++)
            must(bts_rlp_encode_bytes(&b, l->topics[t], 32), "rlp");
        must(bts_rlp_list_end(&b, tl), "rlp");
        must(bts_rlp_encode_bytes(&b, l->data, l->data_len), "rlp");
        must(bts_rlp_list_end(&b, one), "rlp");
    }
    must(bts_rlp_list_end(&b, all), "rlp");
    bts_keccak256(out, b.data, b.len);
    bts_buf_free(&b);
}

/* --- JSON helpers ------------------------------------------------------------------------ */

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int hexdigit(const char *all, char ch)
{
    int v = hexval(ch);
    if (v < 0) {
        fprintf(stderr, "evm-statetest: bad hex string \"%s\"\n", all);
        exit(2);
    }
    return v;
}

/* Decode "0x..." into a malloc'd buffer. "0x:bigint 0x..." is the fillers' notation for a
 * number wider than its field (stTransactionTest/ValueOverflow*): the digits follow. */
static uint8_t *hex_bytes(const char *s, size_t *out_len)
{
    const char *all = s;
    if (!strncmp(s, "0x:bigint ", 10))
        s += 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t n = strlen(s);
    uint8_t *b = malloc(n / 2 + 1);
    size_t o = 0, i = 0;
    if (n % 2) {
        b[o++] = (uint8_t)hexdigit(all, s[0]);
        i = 1;
    }
    for (; i + 1 < n + 1 && i < n; i += 2)
        b[o++] = (uint8_t)(hexdigit(all, s[i]) << 4 | hexdigit(all, s[i + 1]));
    *out_len = o;
    return b;
}

/* A hex number into 32 big-endian bytes; 0 if it has more than 32 bytes. */
static int hex_u256(uint8_t out[32], const char *s)
{
    size_t n;
    uint8_t *b = hex_bytes(s, &n);
    size_t skip = 0;
    while (skip < n && b[skip] == 0)
        skip++;
    int ok = n - skip <= 32;
    memset(out, 0, 32);
    if (ok)
        memcpy(out + 32 - (n - skip), b + skip, n - skip);
    free(b);
    return ok;
}

static int hex_u64(uint64_t *out, const char *s)
{
    uint8_t w[32];
    if (!hex_u256(w, s))
        return 0;
    for (int i = 0; i < 24; i++) {
        if (w[i])
            return 0;
    }
    uint64_t v = 0;
    for (int i = 24; i < 32; i++)
        v = v << 8 | w[i];
    *out = v;
    return 1;
}

static void hex_fixed(uint8_t *out, size_t n, const char *s)
{
    size_t l;
    uint8_t *b = hex_bytes(s, &l);
    memset(out, 0, n);
    if (l <= n)
        memcpy(out + n - l, b, l);
    free(b);
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "0x00";
}

static void load_pre(struct st_state *s, json_t *pre)
{
    const char *ak;
    json_t *av;
    json_object_foreach(pre, ak, av)
    {
        uint8_t addr[20];
        hex_fixed(addr, 20, ak);
        struct st_acct *a = st_add(s, addr);
        hex_u64(&a->nonce, jstr(av, "nonce"));
        hex_u256(a->balance, jstr(av, "balance"));
        a->code = hex_bytes(jstr(av, "code"), &a->code_len);
        if (a->code_len == 1 && strcmp(jstr(av, "code"), "0x00") != 0 &&
            strlen(jstr(av, "code")) <= 2)
            a->code_len = 0;
        if (strcmp(jstr(av, "code"), "0x") == 0 || strcmp(jstr(av, "code"), "") == 0)
            a->code_len = 0;
        bts_keccak256(a->code_hash, a->code, a->code_len);
        const char *sk;
        json_t *sv;
        json_object_foreach(json_object_get(av, "storage"), sk, sv)
        {
            uint8_t k[32], v[32];
            hex_u256(k, sk);
            hex_u256(v, json_string_value(sv));
            st_set_slot(a, k, v);
        }
    }
}

static int fork_of(const char *name)
{
    if (!strcmp(name, "Istanbul"))
        return BT_EVM_ISTANBUL;
    if (!strcmp(name, "Berlin"))
        return BT_EVM_BERLIN;
    if (!strcmp(name, "London"))
        return BT_EVM_LONDON;
    if (!strcmp(name, "Paris") || !strcmp(name, "Merge"))
        return BT_EVM_PARIS;
    if (!strcmp(name, "Shanghai"))
        return BT_EVM_SHANGHAI;
    if (!strcmp(name, "Cancun"))
        return BT_EVM_CANCUN;
    return 0;
}

/* EIP-4844 fake_exponential(1, excess, 3338477). */
static void blob_base_fee(uint8_t out[32], uint64_t excess)
{
    unsigned __int128 i = 1, acc = 0, num = 1 * 3338477ull, den = 3338477ull;
    while (num > 0) {
        acc += num;
        num = num * excess / (den * i);
        i++;
    }
    uint64_t v = (uint64_t)(acc / den);
    memset(out, 0, 32);
    for (int k = 0; k < 8; k++)
        out[31 - k] = (uint8_t)(v >> (8 * k));
}

struct opts {
    const char *fork, *filter;
    int quiet;
    unsigned long pass, fail, skip;
    struct evm_engine *eng; /* shared by all cases, as in the plugin */
};

static void run_test(struct opts *o, const char *file, const char *name, json_t *t)
{
    json_t *env = json_object_get(t, "env"), *tx = json_object_get(t, "transaction");
    json_t *post = json_object_get(t, "post");
    struct bt_evm_block blk;
    memset(&blk, 0, sizeof(blk));
    blk.struct_size = sizeof(blk);
    hex_u64(&blk.number, jstr(env, "currentNumber"));
    hex_u64(&blk.timestamp, jstr(env, "currentTimestamp"));
    if (!hex_u64(&blk.gas_limit, jstr(env, "currentGasLimit")))
        blk.gas_limit = UINT64_MAX;
    blk.chain_id = 1;
    hex_fixed(blk.coinbase, 20, jstr(env, "currentCoinbase"));
    hex_u256(blk.difficulty, jstr(env, "currentDifficulty"));
    hex_u256(blk.prev_randao, jstr(env, "currentRandom"));
    hex_u256(blk.base_fee, jstr(env, "currentBaseFee"));
    uint64_t excess = 0;
    hex_u64(&excess, jstr(env, "currentExcessBlobGas"));
    blob_base_fee(blk.blob_base_fee, excess);

    const char *fk;
    json_t *cases;
    json_object_foreach(post, fk, cases)
    {
        int fork = fork_of(fk);
        if (!fork)
            continue;
        if (o->fork && fork != fork_of(o->fork))
            continue;
        size_t ci;
        json_t *cs;
        json_array_foreach(cases, ci, cs)
        {
            json_t *idx = json_object_get(cs, "indexes");
            size_t d = (size_t)json_integer_value(json_object_get(idx, "data"));
            size_t g = (size_t)json_integer_value(json_object_get(idx, "gas"));
            size_t v = (size_t)json_integer_value(json_object_get(idx, "value"));
            int expect_exc = json_object_get(cs, "expectException") != NULL;

            struct st_state s = {0};
            load_pre(&s, json_object_get(t, "pre"));
            s.number = blk.number;

            struct bt_evm_tx x;
            memset(&x, 0, sizeof(x));
            x.struct_size = sizeof(x);
            const char *to = jstr(tx, "to");
            x.has_to = strlen(to) > 2 || (strlen(to) > 0 && strcmp(to, "0x") != 0);
            if (x.has_to)
                hex_fixed(x.to, 20, to);
            if (json_object_get(tx, "sender")) {
                hex_fixed(x.from, 20, jstr(tx, "sender"));
            } else {
                uint8_t sk[32];
                hex_fixed(sk, 32, jstr(tx, "secretKey"));
                if (bts_secp_seckey_to_address(x.from, sk) != BT_OK)
                    memset(x.from, 0, 20);
            }
            int valid = hex_u64(&x.nonce, jstr(tx, "nonce"));
            valid &= hex_u64(&x.gas_limit,
                             json_string_value(json_array_get(json_object_get(tx, "gasLimit"), g)));
            valid &= hex_u256(x.value,
                              json_string_value(json_array_get(json_object_get(tx, "value"), v)));
            size_t dl;
            uint8_t *data =
                hex_bytes(json_string_value(json_array_get(json_object_get(tx, "data"), d)), &dl);
            x.data = data;
            x.data_len = dl;
            json_t *al = json_array_get(json_object_get(tx, "accessLists"), d);
            if (json_object_get(tx, "blobVersionedHashes"))
                x.type = 3;
            else if (json_object_get(tx, "maxFeePerGas"))
                x.type = 2;
            else if (al && !json_is_null(al))
                x.type = 1;
            if (x.type >= 2) {
                valid &= hex_u256(x.max_fee, jstr(tx, "maxFeePerGas"));
                valid &= hex_u256(x.max_priority_fee, jstr(tx, "maxPriorityFeePerGas"));
                memcpy(x.gas_price, x.max_fee, 32);
            } else {
                valid &= hex_u256(x.gas_price, jstr(tx, "gasPrice"));
            }
            struct bt_evm_access *acc = NULL;
            uint8_t(*keys)[32] = NULL;
            if (al && json_is_array(al)) {
                size_t na = json_array_size(al), nk = 0, ai, ki;
                json_t *ae, *ke;
                json_array_foreach(al, ai, ae) nk +=
                    json_array_size(json_object_get(ae, "storageKeys"));
                acc = calloc(na + 1, sizeof(*acc));
                keys = calloc(nk + 1, 32);
                size_t kpos = 0;
                json_array_foreach(al, ai, ae)
                {
                    hex_fixed(acc[ai].address, 20, jstr(ae, "address"));
                    acc[ai].keys = (const uint8_t(*)[32])(keys + kpos);
                    json_array_foreach(json_object_get(ae, "storageKeys"), ki, ke)
                        hex_u256(keys[kpos++], json_string_value(ke));
                    acc[ai].n_keys = json_array_size(json_object_get(ae, "storageKeys"));
                }
                x.access_list = acc;
                x.n_access = na;
            }
            uint8_t(*blobs)[32] = NULL;
            if (x.type == 3) {
                json_t *bh = json_object_get(tx, "blobVersionedHashes"), *be;
                size_t bi;
                blobs = calloc(json_array_size(bh) + 1, 32);
                json_array_foreach(bh, bi, be) hex_fixed(blobs[bi], 32, json_string_value(be));
                x.blob_hashes = (const uint8_t(*)[32])blobs;
                x.n_blob_hashes = json_array_size(bh);
                hex_u256(x.max_blob_fee, jstr(tx, "maxFeePerBlobGas"));
            }

            struct bt_evm_config cfg = {sizeof(cfg), (uint32_t)fork, 0};
            struct bt_evm_result r;
            char err[256] = "";
            bt_status st = BT_EINVAL;
            if (valid)
                st = evm_execute_in(o->eng, &st_iface, &s, &blk, &x, &cfg, &r, err, sizeof(err));
            else
                snprintf(err, sizeof(err), "field out of range");
            int ok = 0, skipped = 0;
            uint64_t gas_used = 0;
            uint8_t root[32], lh[32], want_root[32], want_logs[32];
            hex_fixed(want_root, 32, jstr(cs, "hash"));
            hex_fixed(want_logs, 32, jstr(cs, "logs"));
            const char *why = "";
            if (st == BT_ENOTSUP) {
                skipped = 1;
            } else if (st == BT_EINVAL) {
                if (!expect_exc)
                    why = err;
                state_root(root, &s);
                logs_hash(lh, NULL);
                ok = expect_exc && memcmp(root, want_root, 32) == 0;
                if (expect_exc && !ok)
                    why = "root after rejection";
            } else if (st == BT_OK) {
                st_apply(&s, &r);
                state_root(root, &s);
                logs_hash(lh, &r);
                gas_used = r.gas_used;
                r.release(&r);
                ok = !expect_exc && memcmp(root, want_root, 32) == 0 &&
                     memcmp(lh, want_logs, 32) == 0;
                why = expect_exc                    ? "expected exception"
                      : memcmp(root, want_root, 32) ? "state root"
                                                    : "logs hash";
            } else {
                why = err;
            }
            if (getenv("EVM_STATETEST_DUMP")) {
                printf("st=%d err=%s gas_used=%llu\n", st, err, (unsigned long long)gas_used);
                for (size_t i = 0; i < s.n; i++) {
                    printf("  ");
                    for (int k = 0; k < 20; k++)
                        printf("%02x", s.a[i].addr[k]);
                    printf(" nonce=%llu bal=", (unsigned long long)s.a[i].nonce);
                    for (int k = 0; k < 32; k++)
                        printf("%02x", s.a[i].balance[k]);
                    printf(" code=%zu slots=%zu\n", s.a[i].code_len, s.a[i].n_slots);
                    for (size_t k = 0; k < s.a[i].n_slots; k++) {
                        printf("    ");
                        for (int b = 0; b < 32; b++)
                            printf("%02x", s.a[i].slots[k].key[b]);
                        printf(" = ");
                        for (int b = 0; b < 32; b++)
                            printf("%02x", s.a[i].slots[k].val[b]);
                        printf("\n");
                    }
                }
            }
            if (skipped) {
                o->skip++;
                if (!o->quiet)
                    printf("SKIP %s %s %s d=%zu g=%zu v=%zu: %s\n", file, name, fk, d, g, v,
                           err[0] ? err : "unsupported");
            } else if (ok)
                o->pass++;
            else {
                o->fail++;
                if (!o->quiet)
                    printf("FAIL %s %s %s d=%zu g=%zu v=%zu: %s\n", file, name, fk, d, g, v, why);
            }
            free(data);
            free(acc);
            free(keys);
            free(blobs);
            st_free(&s);
        }
    }
}

static void run_file(struct opts *o, const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        fprintf(stderr, "%s: %s\n", path, je.text);
        o->fail++;
        return;
    }
    const char *name;
    json_t *t;
    json_object_foreach(root, name, t)
    {
        if (o->filter && !strstr(path, o->filter) && !strstr(name, o->filter))
            continue;
        run_test(o, path, name, t);
    }
    json_decref(root);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(struct opts *o, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "%s: not found\n", path);
        o->fail++;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        size_t n = strlen(path);
        if (n > 5 && !strcmp(path + n - 5, ".json"))
            run_file(o, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof(*names));
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        char *p = malloc(strlen(path) + strlen(names[i]) + 2);
        sprintf(p, "%s/%s", path, names[i]);
        run_path(o, p);
        free(p);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    int npaths = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--fork") && i + 1 < argc)
            o.fork = argv[++i];
        else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
            o.filter = argv[++i];
        else if (!strcmp(argv[i], "--quiet"))
            o.quiet = 1;
        else if (argv[i][0] == '-') {
            fprintf(stderr,
                    "usage: evm-statetest [--fork NAME] [--filter SUBSTR] [--quiet] PATH...\n");
            return 2;
        }
    }
    if (o.fork && !fork_of(o.fork)) {
        fprintf(stderr, "unknown fork %s\n", o.fork);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--fork") || !strcmp(argv[i], "--filter")) {
            i++;
            continue;
        }
        if (argv[i][0] == '-')
            continue;
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            fprintf(stderr, "%s: fixtures not found, skipping\n", argv[i]);
            return 77;
        }
        if (!o.eng && !(o.eng = evm_engine_new())) {
            fprintf(stderr, "out of memory\n");
            return 2;
        }
        run_path(&o, argv[i]);
        npaths++;
    }
    evm_engine_free(o.eng);
    printf("%lu passed, %lu failed, %lu skipped\n", o.pass, o.fail, o.skip);
    if (!npaths)
        return 2;
    return o.fail ? 1 : 0;
}
