/* Chain configuration: parsing the "config" object of a geth-style genesis.json, the presets,
 * and the fork of a block. Sources: go-ethereum params/config.go (field names, fork order
 * check), bttcprotocol/bttc@v1.0.8:params/config.go (BorConfig, Bttc chain configs),
 * PROTOCOL.md §2 and §3.10. */
#include "chainconfig_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR(...) ((void)snprintf(err, err_cap, __VA_ARGS__))

/* The fork blocks geth orders, in order; `optional` forks may be absent without stopping later
 * ones (go-ethereum CheckConfigForkOrder). `zero`: bttcd needs it at block 0. */
struct fork_field {
    const char *name;
    int optional;
    int zero;
};

static const struct fork_field fork_fields[] = {
    {"homesteadBlock", 0, 1},      {"daoForkBlock", 1, 0},     {"eip150Block", 0, 1},
    {"eip155Block", 0, 1},         {"eip158Block", 0, 1},      {"byzantiumBlock", 0, 1},
    {"constantinopleBlock", 0, 1}, {"petersburgBlock", 0, 1},  {"istanbulBlock", 0, 1},
    {"muirGlacierBlock", 1, 0},    {"berlinBlock", 0, 0},      {"londonBlock", 0, 0},
    {"arrowGlacierBlock", 1, 0},   {"grayGlacierBlock", 1, 0}, {"mergeNetsplitBlock", 1, 0},
};

/* A fork block: absent or null is CHAINCFG_NEVER; otherwise a JSON integer (big.Int's JSON
 * form is a bare number). */
static bt_status fork_block(uint64_t *out, const json_t *obj, const char *name, char *err,
                            size_t err_cap)
{
    const json_t *v = json_object_get(obj, name);
    *out = CHAINCFG_NEVER;
    if (!v || json_is_null(v))
        return BT_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        ERR("config.%s: not a non-negative integer", name);
        return BT_EINVAL;
    }
    *out = (uint64_t)json_integer_value(v);
    return BT_OK;
}

static bt_status check_forks(struct chaincfg *c, const json_t *obj, char *err, size_t err_cap)
{
    uint64_t blocks[BTS_ARRAY_SIZE(fork_fields)];
    const struct fork_field *last = NULL;
    uint64_t last_block = 0;
    bt_status st;
    for (size_t i = 0; i < BTS_ARRAY_SIZE(fork_fields); i++) {
        const struct fork_field *f = &fork_fields[i];
        if ((st = fork_block(&blocks[i], obj, f->name, err, err_cap)) != BT_OK)
            return st;
        /* go-ethereum: a nil petersburgBlock means "same as constantinopleBlock". */
        if (blocks[i] == CHAINCFG_NEVER && strcmp(f->name, "petersburgBlock") == 0)
            blocks[i] = blocks[i - 1];
        if (f->zero && blocks[i] != 0) {
            ERR("config.%s: %s (bttcd runs Istanbul and later rules only)", f->name,
                blocks[i] == CHAINCFG_NEVER ? "missing, must be 0" : "must be 0");
            return BT_EINVAL;
        }
        if (strcmp(f->name, "daoForkBlock") == 0 && blocks[i] != CHAINCFG_NEVER) {
            ERR("config.daoForkBlock: the DAO fork is not supported");
            return BT_EINVAL;
        }
        if (f->optional && blocks[i] == CHAINCFG_NEVER)
            continue;
        if (last) {
            if (last_block == CHAINCFG_NEVER && blocks[i] != CHAINCFG_NEVER) {
                ERR("config: unsupported fork ordering: %s not enabled, but %s enabled at %llu",
                    last->name, f->name, (unsigned long long)blocks[i]);
                return BT_EINVAL;
            }
            if (blocks[i] != CHAINCFG_NEVER && last_block > blocks[i]) {
                ERR("config: unsupported fork ordering: %s enabled at %llu, but %s enabled at "
                    "%llu",
                    last->name, (unsigned long long)last_block, f->name,
                    (unsigned long long)blocks[i]);
                return BT_EINVAL;
            }
        }
        last = f;
        last_block = blocks[i];
    }
    c->berlin_block = blocks[10]; /* fork_fields[10] */
    c->london_block = blocks[11];
    return BT_OK;
}

static bt_status fork_time(uint64_t *out, const json_t *obj, const char *name, char *err,
                           size_t err_cap)
{
    const json_t *v = json_object_get(obj, name);
    char what[64];
    *out = CHAINCFG_NEVER;
    if (!v || json_is_null(v))
        return BT_OK;
    alloc_json_path(what, sizeof(what), "config", name);
    return alloc_json_u64(out, v, what, err, err_cap);
}

static bt_status parse_merge(struct chaincfg *c, const json_t *obj, char *err, size_t err_cap)
{
    const json_t *v = json_object_get(obj, "terminalTotalDifficulty");
    bt_status st;
    if (v && !json_is_null(v)) {
        struct bts_u256 ttd;
        if ((st = alloc_json_u256(&ttd, v, "config.terminalTotalDifficulty", err, err_cap)))
            return st;
        /* bttcd has no proof-of-work transition: a chain is merged from genesis or never. */
        if (!bts_u256_is_zero(&ttd)) {
            ERR("config.terminalTotalDifficulty: only 0 (merged at genesis) is supported");
            return BT_EINVAL;
        }
        c->has_ttd = 1;
    }
    if ((st = fork_time(&c->shanghai_time, obj, "shanghaiTime", err, err_cap)) != BT_OK)
        return st;
    if ((st = fork_time(&c->cancun_time, obj, "cancunTime", err, err_cap)) != BT_OK)
        return st;
    if (c->shanghai_time != CHAINCFG_NEVER && (!c->has_ttd || c->london_block == CHAINCFG_NEVER)) {
        ERR("config.shanghaiTime: needs londonBlock and terminalTotalDifficulty 0");
        return BT_EINVAL;
    }
    if (c->cancun_time != CHAINCFG_NEVER &&
        (c->shanghai_time == CHAINCFG_NEVER || c->cancun_time < c->shanghai_time)) {
        ERR("config: unsupported fork ordering: shanghaiTime %s, but cancunTime enabled at %llu",
            c->shanghai_time == CHAINCFG_NEVER ? "not enabled" : "later",
            (unsigned long long)c->cancun_time);
        return BT_EINVAL;
    }
    return BT_OK;
}

/* A block-number key of a Bor map ("841500"): decimal digits only. */
static bt_status block_key(uint64_t *out, const char *key, const char *what, char *err,
                           size_t err_cap)
{
    uint64_t v = 0;
    if (*key == '\0')
        goto bad;
    for (const char *p = key; *p; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
            goto bad;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return BT_OK;
bad:
    ERR("%s: key \"%s\" is not a block number", what, key);
    return BT_EINVAL;
}

static int cmp_override(const void *a, const void *b)
{
    uint64_t x = ((const struct chaincfg_override *)a)->block;
    uint64_t y = ((const struct chaincfg_override *)b)->block;
    return x < y ? -1 : x > y;
}

static int cmp_block_alloc(const void *a, const void *b)
{
    uint64_t x = ((const struct chaincfg_block_alloc *)a)->block;
    uint64_t y = ((const struct chaincfg_block_alloc *)b)->block;
    return x < y ? -1 : x > y;
}

static bt_status parse_overrides(struct chaincfg_bor *b, const json_t *v, char *err, size_t err_cap)
{
    const char *what = "config.bor.overrideStateSyncRecords";
    if (!v || json_is_null(v))
        return BT_OK;
    void *arr;
    bt_status st = alloc_json_object_array(&arr, v, sizeof(*b->overrides), what, err, err_cap);
    if (st != BT_OK || !arr)
        return st;
    b->overrides = arr;
    const char *key;
    json_t *val;
    char path[128];
    json_object_foreach((json_t *)v, key, val)
    {
        struct chaincfg_override *o = &b->overrides[b->n_overrides];
        st = block_key(&o->block, key, what, err, err_cap);
        if (st != BT_OK)
            return st;
        alloc_json_path(path, sizeof(path), what, key);
        if ((st = alloc_json_u64(&o->count, val, path, err, err_cap)) != BT_OK)
            return st;
        b->n_overrides++;
    }
    qsort(b->overrides, b->n_overrides, sizeof(*b->overrides), cmp_override);
    return BT_OK;
}

static bt_status parse_block_allocs(struct chaincfg_bor *b, const json_t *v, char *err,
                                    size_t err_cap)
{
    const char *what = "config.bor.blockAlloc";
    if (!v || json_is_null(v))
        return BT_OK;
    void *arr;
    bt_status st = alloc_json_object_array(&arr, v, sizeof(*b->block_allocs), what, err, err_cap);
    if (st != BT_OK || !arr)
        return st;
    b->block_allocs = arr;
    const char *key;
    json_t *val;
    char path[128];
    json_object_foreach((json_t *)v, key, val)
    {
        struct chaincfg_block_alloc *ba = &b->block_allocs[b->n_block_allocs];
        st = block_key(&ba->block, key, what, err, err_cap);
        if (st != BT_OK)
            return st;
        alloc_json_path(path, sizeof(path), what, key);
        if ((st = alloc_parse(&ba->alloc, val, path, err, err_cap)) != BT_OK)
            return st;
        b->n_block_allocs++;
    }
    qsort(b->block_allocs, b->n_block_allocs, sizeof(*b->block_allocs), cmp_block_alloc);
    return BT_OK;
}

static bt_status bor_u64(uint64_t *out, const json_t *bor, const char *name, char *err,
                         size_t err_cap)
{
    char what[64];
    const json_t *v = json_object_get(bor, name);
    alloc_json_path(what, sizeof(what), "config.bor", name);
    *out = 0;
    if (!v || json_is_null(v))
        return BT_OK; /* Go's zero value, as geth decodes it */
    return alloc_json_u64(out, v, what, err, err_cap);
}

static bt_status bor_address(struct bt_address *out, const json_t *bor, const char *name, char *err,
                             size_t err_cap)
{
    char what[64];
    const json_t *v = json_object_get(bor, name);
    alloc_json_path(what, sizeof(what), "config.bor", name);
    if (!v || !json_is_string(v)) {
        ERR("%s: %s", what, v ? "not a string" : "missing");
        return BT_EINVAL;
    }
    return alloc_json_address(out, json_string_value(v), what, err, err_cap);
}

static bt_status parse_bor(struct chaincfg *c, const json_t *bor, char *err, size_t err_cap)
{
    struct chaincfg_bor *b = &c->bor;
    bt_status st;
    if (!json_is_object(bor)) {
        ERR("config.bor: not an object");
        return BT_EINVAL;
    }
    /* Later Bor releases added these; BTTC v1.0.8 has neither, and silently ignoring them would
     * run a different chain than the file describes. */
    static const char *const newer[] = {"jaipurBlock", "burnContract", "delhiBlock", "indoreBlock"};
    for (size_t i = 0; i < BTS_ARRAY_SIZE(newer); i++) {
        if (json_object_get(bor, newer[i])) {
            ERR("config.bor.%s: not supported (BTTC v1.0.8 has no such fork)", newer[i]);
            return BT_EINVAL;
        }
    }
    c->has_bor = 1;
    if ((st = bor_u64(&b->period, bor, "period", err, err_cap)) ||
        (st = bor_u64(&b->producer_delay, bor, "producerDelay", err, err_cap)) ||
        (st = bor_u64(&b->sprint, bor, "sprint", err, err_cap)) ||
        (st = bor_u64(&b->backup_multiplier, bor, "backupMultiplier", err, err_cap)))
        return st;
    if (b->sprint == 0) {
        ERR("config.bor.sprint: must be > 0");
        return BT_EINVAL;
    }
    if ((st = bor_address(&b->validator_contract, bor, "validatorContract", err, err_cap)) ||
        (st = bor_address(&b->state_receiver_contract, bor, "stateReceiverContract", err, err_cap)))
        return st;
    if ((st = parse_overrides(b, json_object_get(bor, "overrideStateSyncRecords"), err, err_cap)) !=
        BT_OK)
        return st;
    return parse_block_allocs(b, json_object_get(bor, "blockAlloc"), err, err_cap);
}

bt_status chaincfg_parse(struct chaincfg *out, const json_t *obj, char *err, size_t err_cap)
{
    bt_status st;
    memset(out, 0, sizeof(*out));
    out->shanghai_time = out->cancun_time = CHAINCFG_NEVER;
    out->berlin_block = out->london_block = CHAINCFG_NEVER;
    if (!json_is_object(obj)) {
        ERR("config: not an object");
        return BT_EINVAL;
    }
    const json_t *v = json_object_get(obj, "chainId");
    if (!v || json_is_null(v)) {
        ERR("config.chainId: missing");
        return BT_EINVAL;
    }
    if ((st = alloc_json_u64(&out->chain_id, v, "config.chainId", err, err_cap)) != BT_OK)
        return st;
    if (out->chain_id == 0) {
        ERR("config.chainId: must be > 0");
        return BT_EINVAL;
    }
    out->network_id = out->chain_id;
    if (json_object_get(obj, "clique")) {
        ERR("config.clique: the clique engine is not supported");
        return BT_EINVAL;
    }
    if ((st = check_forks(out, obj, err, err_cap)) != BT_OK ||
        (st = parse_merge(out, obj, err, err_cap)) != BT_OK)
        goto fail;
    if ((v = json_object_get(obj, "bor")) != NULL && !json_is_null(v)) {
        if ((st = parse_bor(out, v, err, err_cap)) != BT_OK)
            goto fail;
        if (out->london_block != CHAINCFG_NEVER) {
            /* PROTOCOL.md §3.10: Bttc runs Berlin without London; Bor's London rules (Jaipur
             * seal hash, burn contract) are not those of v1.0.8. */
            ERR("config.londonBlock: not supported together with \"bor\" (BTTC runs Berlin)");
            st = BT_EINVAL;
            goto fail;
        }
    }
    return BT_OK;
fail:
    if (st == BT_ENOMEM)
        ERR("config: out of memory");
    return st;
}

void chaincfg_free(struct chaincfg *c)
{
    for (size_t i = 0; i < c->bor.n_block_allocs; i++)
        alloc_free(&c->bor.block_allocs[i].alloc);
    free(c->bor.block_allocs);
    free(c->bor.overrides);
    memset(c, 0, sizeof(*c));
}

/* bttcprotocol/bttc@v1.0.8:params/config.go BttcDonauChainConfig.Bor.OverrideStateSyncRecords */
static const struct chaincfg_override donau_overrides[] = {
    {14949120, 8}, {14949184, 0}, {14953472, 0}, {14953536, 5}, {14953600, 0},
    {14953664, 0}, {14953728, 0}, {14953792, 0}, {14953856, 0},
};

bt_status chaincfg_preset(struct chaincfg *out, enum chaincfg_preset preset)
{
    memset(out, 0, sizeof(*out));
    if ((unsigned)preset > CHAINCFG_MAINNET)
        return BT_EINVAL; /* an int from outside the enum: the caller's bug */
    switch (preset) {
    case CHAINCFG_DEV:
        out->chain_id = 1337;
        out->berlin_block = out->london_block = 0;
        out->has_ttd = 1;
        out->shanghai_time = out->cancun_time = 0;
        break;
    case CHAINCFG_DONAU:
    case CHAINCFG_MAINNET:
        /* PROTOCOL.md §2 and §3.10: Berlin at 0, no London, Bor engine parameters. */
        out->chain_id = preset == CHAINCFG_DONAU ? 1029 : 199;
        out->berlin_block = 0;
        out->london_block = CHAINCFG_NEVER;
        out->shanghai_time = out->cancun_time = CHAINCFG_NEVER;
        out->has_bor = 1;
        out->bor.period = 2;
        out->bor.producer_delay = 6;
        out->bor.sprint = 64;
        out->bor.backup_multiplier = 2;
        out->bor.validator_contract.bytes[18] = 0x10; /* 0x...1000 */
        out->bor.state_receiver_contract.bytes[18] = 0x10;
        out->bor.state_receiver_contract.bytes[19] = 0x01; /* 0x...1001 */
        if (preset == CHAINCFG_DONAU) {
            out->bor.overrides = malloc(sizeof(donau_overrides));
            if (!out->bor.overrides)
                return BT_ENOMEM;
            memcpy(out->bor.overrides, donau_overrides, sizeof(donau_overrides));
            out->bor.n_overrides = BTS_ARRAY_SIZE(donau_overrides);
        }
        break;
    }
    out->network_id = out->chain_id;
    return BT_OK;
}

uint32_t chaincfg_fork_at(const struct chaincfg *c, uint64_t number, uint64_t time)
{
    int london = c->london_block != CHAINCFG_NEVER && number >= c->london_block;
    if (london && c->has_ttd) {
        if (c->cancun_time != CHAINCFG_NEVER && time >= c->cancun_time)
            return BT_EVM_CANCUN;
        if (c->shanghai_time != CHAINCFG_NEVER && time >= c->shanghai_time)
            return BT_EVM_SHANGHAI;
        return BT_EVM_PARIS;
    }
    if (london)
        return BT_EVM_LONDON;
    if (c->berlin_block != CHAINCFG_NEVER && number >= c->berlin_block)
        return BT_EVM_BERLIN;
    return BT_EVM_ISTANBUL;
}

void chaincfg_tx_rules(const struct chaincfg *c, uint64_t number, uint64_t time,
                       struct bts_tx_rules *out)
{
    out->fork = chaincfg_fork_at(c, number, time);
    out->chain_id = c->chain_id;
}

int chaincfg_bttc_logs(const struct chaincfg *c)
{
    return c->has_bor;
}

int chaincfg_is_sprint_end(const struct chaincfg *c, uint64_t number)
{
    return c->has_bor && c->bor.sprint != 0 && (number + 1) % c->bor.sprint == 0;
}

const struct alloc *chaincfg_block_alloc(const struct chaincfg *c, uint64_t number)
{
    for (size_t i = 0; i < c->bor.n_block_allocs; i++) {
        if (c->bor.block_allocs[i].block == number)
            return &c->bor.block_allocs[i].alloc;
    }
    return NULL;
}
