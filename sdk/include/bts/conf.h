/* Declarative configuration for plugins: a static table of keys, the nginx directive pattern
 * (STYLE.md model 8). bts_conf_parse() reads the plugin's own plugins.conf section through the
 * host's conf_get/conf_next, fills a struct field per key (offsetof), applies defaults and
 * refuses unknown, duplicate and malformed keys with a message naming the line:
 *   "plugins.conf:12: cache_mb: not a number: \"25x\"".
 *
 *   struct ldb_conf { char *path; uint32_t cache_mb; };
 *   static const struct bts_conf_key ldb_conf_keys[] = {
 *       {"path",     BTS_CONF_PATH, offsetof(struct ldb_conf, path),     "chaindata", "data dir",
 * NULL},
 *       {"cache_mb", BTS_CONF_U32,  offsetof(struct ldb_conf, cache_mb), "256", "block cache",
 * NULL}, BTS_CONF_END};
 */
#ifndef BTS_CONF_H
#define BTS_CONF_H

#include <bt/host.h>

#include <bts/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Value types and the C type of the field each one fills. */
enum bts_conf_type {
    /** char *: the text as written (may be empty). */
    BTS_CONF_STR = 1,
    /** char *: a filesystem path; a relative one is made absolute against host->datadir(). */
    BTS_CONF_PATH = 2,
    /** uint32_t: decimal digits only. */
    BTS_CONF_U32 = 3,
    /** uint64_t: decimal digits only. */
    BTS_CONF_U64 = 4,
    /** bool: true/false, yes/no, on/off, 1/0. */
    BTS_CONF_BOOL = 5,
    /** uint64_t milliseconds: a number with a unit, "250ms", "5s", "2m", "1h"; "0" alone. */
    BTS_CONF_DURATION_MS = 6,
    /** uint32_t: the index of the value in the key's `choices`. */
    BTS_CONF_ENUM = 7,
    /** char *: one http://, https://, ws:// or wss:// URL with a non-empty host. */
    BTS_CONF_URL = 8,
    /** struct bts_conf_list: comma-separated URLs (as BTS_CONF_URL); "" is an empty list. */
    BTS_CONF_URL_LIST = 9
};

/** The field filled by BTS_CONF_URL_LIST. */
struct bts_conf_list {
    char **items; /* n_items NUL-terminated strings */
    size_t n_items;
};

/** One key of a plugin's configuration table. Tables end with BTS_CONF_END. */
struct bts_conf_key {
    const char *name;           /* key in the plugin's section */
    uint32_t type;              /* enum bts_conf_type */
    size_t offset;              /* offsetof(struct <plugin conf>, field) */
    const char *def;            /* default as it would be written; NULL: the key is required */
    const char *help;           /* one line for documentation and `bttcd plugins info` */
    const char *const *choices; /* BTS_CONF_ENUM: NULL-terminated names; otherwise NULL */
};

#define BTS_CONF_END                                                                               \
    {                                                                                              \
        NULL, 0, 0, NULL, NULL, NULL                                                               \
    }

/** Parse the instance's config section into `conf` by the table `keys`.
 *  First every key of the section must be named in the table and appear once (a typo is an
 *  error, not a silent default); then each table key is read with conf_get, or takes its
 *  default, and is converted and stored at conf + offset.
 *  Returns: BT_OK; BT_EINVAL (unknown, duplicate, missing required or malformed key: the
 *           message, left with host->set_error, reads "<file>:<line>: <key>: <reason>");
 *           BT_ENOMEM; BT_EINTERNAL (a default in the table does not parse: a plugin bug);
 *           another code if conf_get/conf_next fail.
 *  Args:    host, hctx: what create() received.
 *  In:      keys: the table, ended by BTS_CONF_END.
 *  Out:     conf: the plugin's struct. Every field named by the table is overwritten (zeroed
 *           first); on failure all of them are released and left zeroed. Strings and lists
 *           are allocated with host->mem_alloc: release them with bts_conf_free().
 *  Thread:  loop (call it from create). */
BTS_API bt_status bts_conf_parse(const struct bt_host *host, struct bt_host_ctx *hctx,
                                 const struct bts_conf_key *keys, void *conf) BT_MUST_CHECK;

/** Release what bts_conf_parse() allocated in `conf` and zero those fields. Safe on a struct
 *  that was zeroed, half parsed or already freed. Thread: loop. */
BTS_API void bts_conf_free(const struct bt_host *host, struct bt_host_ctx *hctx,
                           const struct bts_conf_key *keys, void *conf);

#ifdef __cplusplus
}
#endif

#endif /* BTS_CONF_H */
