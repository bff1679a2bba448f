/* The mock's recording logger, config section and data directory. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mockhost_int.h"

static const char *level_name(uint32_t level)
{
    static const char *const names[] = {"error", "warn", "info", "debug", "trace"};
    return level < BTS_ARRAY_SIZE(names) ? names[level] : "unknown";
}

static int mk_log_enabled(struct bt_host_ctx *h, uint32_t level)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_LOG_ENABLED, &st);
    return m && level <= m->log_max;
}

static void mk_log(struct bt_host_ctx *h, uint32_t level, const char *msg, const char *fmt, ...)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_LOG, &st);
    if (!m || level > m->log_max)
        return;
    char line[2048];
    int n = snprintf(line, sizeof(line), "level=%s msg=\"%s\"", level_name(level), msg ? msg : "");
    if (fmt && n > 0 && (size_t)n < sizeof(line) - 1) {
        line[n++] = ' ';
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
        va_end(ap);
    }
    if (m->log_echo)
        fprintf(stderr, "mockhost log: %s\n", line);
    bts_mk_lock(m);
    *(char **)MOCK_PUSH(m->log) = bts_mk_strdup(line);
    bts_mk_unlock(m);
}

void bts_mockhost_use_log(struct bts_mockhost *m, uint32_t max_level)
{
    m->log_max = max_level;
    bts_mockhost_use(m, BTS_MOCK_LOG);
    bts_mockhost_use(m, BTS_MOCK_LOG_ENABLED);
}

size_t bts_mockhost_log_count(const struct bts_mockhost *m)
{
    return m->log.n;
}

const char *bts_mockhost_log_line(const struct bts_mockhost *m, size_t i)
{
    return i < m->log.n ? m->log.v[i] : NULL;
}

size_t bts_mockhost_log_find(const struct bts_mockhost *m, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < m->log.n; i++)
        n += strstr(m->log.v[i], needle) != NULL;
    return n;
}

/* --- config --------------------------------------------------------------------------------- */

static void fill(struct bt_conf_entry *out, const struct mock_conf *c)
{
    out->key = c->key;
    out->value = c->value;
    out->file = "plugins.conf";
    out->line = c->line;
}

static bt_status mk_conf_get(struct bt_host_ctx *h, const char *key, struct bt_conf_entry *out)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_CONF_GET, &st);
    memset(out, 0, sizeof(*out));
    if (!m)
        return st;
    if (!key) {
        bts_mk_fail(m, "misuse: conf_get with a NULL key");
        return BT_EINVAL;
    }
    for (size_t i = 0; i < m->conf.n; i++) {
        if (strcmp(m->conf.v[i].key, key) == 0) {
            fill(out, &m->conf.v[i]);
            return BT_OK;
        }
    }
    return BT_ENOTFOUND;
}

static bt_status mk_conf_next(struct bt_host_ctx *h, size_t *iter, struct bt_conf_entry *out)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_CONF_NEXT, &st);
    memset(out, 0, sizeof(*out));
    if (!m)
        return st;
    if (*iter >= m->conf.n)
        return BT_ENOTFOUND;
    fill(out, &m->conf.v[(*iter)++]);
    return BT_OK;
}

void bts_mockhost_use_conf(struct bts_mockhost *m)
{
    bts_mockhost_use(m, BTS_MOCK_CONF_GET);
    bts_mockhost_use(m, BTS_MOCK_CONF_NEXT);
}

void bts_mockhost_conf_set(struct bts_mockhost *m, const char *key, const char *value)
{
    bts_mockhost_use_conf(m);
    bts_mk_lock(m);
    struct mock_conf *c = MOCK_PUSH(m->conf);
    c->key = bts_mk_strdup(key);
    c->value = bts_mk_strdup(value);
    c->line = (uint32_t)m->conf.n + 1; /* line 1 holds the section header */
    bts_mk_unlock(m);
}

static const char *mk_datadir(struct bt_host_ctx *h)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_DATADIR, &st);
    return m && m->datadir ? m->datadir : "/nonexistent/mockhost-datadir";
}

void bts_mockhost_set_datadir(struct bts_mockhost *m, const char *path)
{
    bts_mk_lock(m);
    free(m->datadir);
    m->datadir = bts_mk_strdup(path);
    bts_mk_unlock(m);
    bts_mockhost_use(m, BTS_MOCK_DATADIR);
}

void bts_mk_install_log_conf(struct bt_host *t)
{
    t->log = mk_log;
    t->log_enabled = mk_log_enabled;
    t->conf_get = mk_conf_get;
    t->conf_next = mk_conf_next;
    t->datadir = mk_datadir;
}
