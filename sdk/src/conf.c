/* bts_conf_parse(): a plugin's plugins.conf section into its config struct, by a static key
 * table (the nginx ngx_command_t pattern, STYLE.md model 8). Unknown and duplicate keys are
 * refused before any value is read, so a typo never silently falls back to a default. */
#include <bts/conf.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "conf_int.h"

#define WHY_CAP 256

static void *field(void *conf, const struct bts_conf_key *k)
{
    return (char *)conf + k->offset;
}

static const struct bts_conf_key *find_key(const struct bts_conf_key *keys, const char *name)
{
    for (; keys->name; keys++)
        if (strcmp(keys->name, name) == 0)
            return keys;
    return NULL;
}

/* A copy of s[0..len) in host memory, NUL-terminated. */
static char *dup_n(const struct bt_host *host, struct bt_host_ctx *hctx, const char *s, size_t len)
{
    char *d = host->mem_alloc(hctx, len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = 0;
    return d;
}

static bt_status set_path(const struct bt_host *host, struct bt_host_ctx *hctx, const char *s,
                          char **out, char *why)
{
    if (!*s) {
        snprintf(why, WHY_CAP, "empty path");
        return BT_EINVAL;
    }
    if (s[0] == '/') {
        *out = dup_n(host, hctx, s, strlen(s));
        return *out ? BT_OK : BT_ENOMEM;
    }
    /* Relative paths live under the node's data directory (host.h: datadir). */
    const char *dir = host->datadir(hctx);
    size_t dl = strlen(dir), sl = strlen(s);
    char *p = host->mem_alloc(hctx, dl + 1 + sl + 1);
    if (!p)
        return BT_ENOMEM;
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, s, sl + 1);
    *out = p;
    return BT_OK;
}

static bt_status set_url_list(const struct bt_host *host, struct bt_host_ctx *hctx, const char *s,
                              struct bts_conf_list *out, char *why)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == ',';
    if (!s[strspn(s, " \t")]) /* "" or blanks: an empty list */
        return BT_OK;
    out->items = host->mem_alloc(hctx, (n + 1) * sizeof(char *));
    if (!out->items)
        return BT_ENOMEM;
    for (const char *p = s;; p++) {
        p += strspn(p, " \t");
        size_t len = strcspn(p, ",");
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 0) {
            snprintf(why, WHY_CAP, "empty item in URL list: \"%s\"", s);
            return BT_EINVAL;
        }
        bt_status st = bts_conf_check_url_(p, len, why, WHY_CAP);
        if (st != BT_OK)
            return st;
        out->items[out->n_items] = dup_n(host, hctx, p, len);
        if (!out->items[out->n_items])
            return BT_ENOMEM;
        out->n_items++;
        p = strchr(p, ',');
        if (!p)
            return BT_OK;
    }
}

/* Convert `s` into the key's field. On BT_EINVAL, `why` holds the reason. */
static bt_status set_value(const struct bt_host *host, struct bt_host_ctx *hctx,
                           const struct bts_conf_key *k, const char *s, void *conf, char *why)
{
    void *f = field(conf, k);
    uint64_t v = 0;
    bt_status st;
    switch ((enum bts_conf_type)k->type) {
    case BTS_CONF_STR:
        *(char **)f = dup_n(host, hctx, s, strlen(s));
        return *(char **)f ? BT_OK : BT_ENOMEM;
    case BTS_CONF_PATH:
        return set_path(host, hctx, s, (char **)f, why);
    case BTS_CONF_U32:
        st = bts_conf_parse_u64_(s, UINT32_MAX, &v, why, WHY_CAP);
        if (st == BT_OK)
            *(uint32_t *)f = (uint32_t)v;
        return st;
    case BTS_CONF_U64:
        return bts_conf_parse_u64_(s, UINT64_MAX, (uint64_t *)f, why, WHY_CAP);
    case BTS_CONF_BOOL:
        return bts_conf_parse_bool_(s, (bool *)f, why, WHY_CAP);
    case BTS_CONF_DURATION_MS:
        return bts_conf_parse_duration_(s, (uint64_t *)f, why, WHY_CAP);
    case BTS_CONF_ENUM:
        return bts_conf_parse_enum_(s, k->choices, (uint32_t *)f, why, WHY_CAP);
    case BTS_CONF_URL:
        st = bts_conf_check_url_(s, strlen(s), why, WHY_CAP);
        if (st != BT_OK)
            return st;
        *(char **)f = dup_n(host, hctx, s, strlen(s));
        return *(char **)f ? BT_OK : BT_ENOMEM;
    case BTS_CONF_URL_LIST:
        return set_url_list(host, hctx, s, (struct bts_conf_list *)f, why);
    }
    snprintf(why, WHY_CAP, "key table: unknown type %u", k->type);
    return BT_EINTERNAL;
}

/* Bytes of the field a key fills; 0 for a type this SDK does not know (set_value refuses it). */
static size_t field_size(uint32_t type)
{
    switch ((enum bts_conf_type)type) {
    case BTS_CONF_STR:
    case BTS_CONF_PATH:
    case BTS_CONF_URL:
        return sizeof(char *);
    case BTS_CONF_URL_LIST:
        return sizeof(struct bts_conf_list);
    case BTS_CONF_U32:
    case BTS_CONF_ENUM:
        return sizeof(uint32_t);
    case BTS_CONF_U64:
    case BTS_CONF_DURATION_MS:
        return sizeof(uint64_t);
    case BTS_CONF_BOOL:
        return sizeof(bool);
    }
    return 0;
}

static void clear_field(const struct bt_host *host, struct bt_host_ctx *hctx,
                        const struct bts_conf_key *k, void *conf)
{
    void *f = field(conf, k);
    switch ((enum bts_conf_type)k->type) {
    case BTS_CONF_STR:
    case BTS_CONF_PATH:
    case BTS_CONF_URL:
        host->mem_free(hctx, *(char **)f);
        *(char **)f = NULL;
        return;
    case BTS_CONF_URL_LIST: {
        struct bts_conf_list *l = f;
        for (size_t i = 0; i < l->n_items; i++)
            host->mem_free(hctx, l->items[i]);
        host->mem_free(hctx, l->items);
        l->items = NULL;
        l->n_items = 0;
        return;
    }
    case BTS_CONF_U32:
    case BTS_CONF_ENUM:
        *(uint32_t *)f = 0;
        return;
    case BTS_CONF_U64:
    case BTS_CONF_DURATION_MS:
        *(uint64_t *)f = 0;
        return;
    case BTS_CONF_BOOL:
        *(bool *)f = false;
        return;
    }
}

void bts_conf_free(const struct bt_host *host, struct bt_host_ctx *hctx,
                   const struct bts_conf_key *keys, void *conf)
{
    for (const struct bts_conf_key *k = keys; k->name; k++)
        clear_field(host, hctx, k, conf);
}

/* Every key of the section must be in the table, and only once. */
static bt_status check_section(const struct bt_host *host, struct bt_host_ctx *hctx,
                               const struct bts_conf_key *keys)
{
    struct bt_conf_entry e, prev;
    size_t it = 0, idx = 0;
    bt_status st;
    for (; (st = host->conf_next(hctx, &it, &e)) == BT_OK; idx++) {
        if (!find_key(keys, e.key)) {
            host->set_error(hctx, "%s:%u: %s: unknown key", e.file, e.line, e.key);
            return BT_EINVAL;
        }
        /* Sections are a handful of keys: rescanning the ones before is cheaper than a set. */
        size_t it2 = 0;
        for (size_t j = 0; j < idx && host->conf_next(hctx, &it2, &prev) == BT_OK; j++) {
            if (strcmp(prev.key, e.key) == 0) {
                host->set_error(hctx, "%s:%u: %s: duplicate key (first at line %u)", e.file, e.line,
                                e.key, prev.line);
                return BT_EINVAL;
            }
        }
    }
    if (st == BT_ENOTFOUND)
        return BT_OK;
    host->set_error(hctx, "config section: cannot list keys: %s", bts_status_str(st));
    return st;
}

static bt_status parse_key(const struct bt_host *host, struct bt_host_ctx *hctx,
                           const struct bts_conf_key *k, void *conf)
{
    char why[WHY_CAP] = "";
    struct bt_conf_entry e;
    bt_status st = host->conf_get(hctx, k->name, &e);
    if (st == BT_OK) {
        st = set_value(host, hctx, k, e.value, conf, why);
        if (st == BT_EINVAL)
            host->set_error(hctx, "%s:%u: %s: %s", e.file, e.line, k->name, why);
        else if (st == BT_EINTERNAL)
            host->set_error(hctx, "%s: %s", k->name, why);
        return st;
    }
    if (st != BT_ENOTFOUND) {
        host->set_error(hctx, "%s: cannot read: %s", k->name, bts_status_str(st));
        return st;
    }
    if (!k->def) {
        host->set_error(hctx, "%s: required key missing", k->name);
        return BT_EINVAL;
    }
    st = set_value(host, hctx, k, k->def, conf, why);
    if (st == BT_EINVAL || st == BT_EINTERNAL) {
        /* The table's own default is wrong: a plugin bug, not an operator error. */
        host->set_error(hctx, "%s: bad default \"%s\": %s", k->name, k->def, why);
        return BT_EINTERNAL;
    }
    return st;
}

bt_status bts_conf_parse(const struct bt_host *host, struct bt_host_ctx *hctx,
                         const struct bts_conf_key *keys, void *conf)
{
    bt_status st;
    for (const struct bts_conf_key *k = keys; k->name; k++)
        memset(field(conf, k), 0, field_size(k->type));
    st = check_section(host, hctx, keys);
    if (st != BT_OK)
        return st;
    for (const struct bts_conf_key *k = keys; k->name; k++) {
        st = parse_key(host, hctx, k, conf);
        if (st == BT_ENOMEM)
            host->set_error(hctx, "%s: out of memory", k->name);
        if (st != BT_OK) {
            bts_conf_free(host, hctx, keys, conf);
            return st;
        }
    }
    return BT_OK;
}
