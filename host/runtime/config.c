/* plugins.conf parser. libinih splits lines into sections and key = value pairs; this file
 * adds what inih lacks: line numbers (Debian builds inih without INI_HANDLER_LINENO, so a
 * reader wrapper counts lines), sections without keys, duplicate detection and the meaning of
 * every host key. The first error stops the parse. */
#include "config_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "keys_int.h"
#include "paths_int.h"

enum sect { SECT_NONE, SECT_NODE, SECT_LOG, SECT_SIGNER, SECT_STORAGE, SECT_PLUGIN };

struct parse {
    FILE *f;
    char *buf; /* getline buffer */
    size_t buf_cap;
    size_t n_read; /* bytes so far: the file may grow while we read it */
    uint32_t line;
    struct config *cfg;
    enum sect cur;
    struct conf_plugin *plugin; /* current [plugin NAME] */
    /* Lines of the host keys seen, for duplicate detection: [node] datadir, [log] 3 keys. */
    uint32_t node_line, log_line, datadir_line, level_line, format_line, file_line;
    uint32_t signer_line, unlock_line, password_file_line; /* [signer] and its keys */
    uint32_t enabled_line, signer_keys_line;
    uint32_t storage_line, backend_line, spath_line; /* [storage] backend, path */
    int failed;
    bt_status status;
    char *err;
    size_t err_cap;
};

static int fail(struct parse *p, bt_status st, const char *fmt, ...) BT_PRINTF(3, 4);
static int fail(struct parse *p, bt_status st, const char *fmt, ...)
{
    if (p->failed)
        return 0;
    p->failed = 1;
    p->status = st;
    int n = snprintf(p->err, p->err_cap, "%s:%u: ", p->cfg->file, p->line);
    if (n >= 0 && (size_t)n < p->err_cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->err_cap - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return 0;
}

int config_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 63 || !(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

static int begin_plugin(struct parse *p, const char *name)
{
    struct config *c = p->cfg;
    if (!*name)
        return fail(p, BT_EINVAL, "plugin section needs a name: [plugin NAME]");
    if (!config_name_ok(name))
        return fail(p, BT_EINVAL,
                    "[plugin %s]: bad plugin name (lower-case letters, digits and '-', starting "
                    "with a letter, at most 63)",
                    name);
    for (size_t i = 0; i < c->n_plugins; i++)
        if (strcmp(c->plugins[i].name, name) == 0)
            return fail(p, BT_EINVAL, "duplicate section [plugin %s] (first at line %u)", name,
                        c->plugins[i].line);
    struct conf_plugin *np = realloc(c->plugins, (c->n_plugins + 1) * sizeof(*np));
    if (!np)
        return fail(p, BT_ENOMEM, "out of memory");
    c->plugins = np;
    struct conf_plugin *pl = &np[c->n_plugins];
    memset(pl, 0, sizeof(*pl));
    pl->name = strdup(name);
    if (!pl->name)
        return fail(p, BT_ENOMEM, "out of memory");
    c->n_plugins++;
    pl->line = p->line;
    pl->is_enabled = 1;
    p->plugin = pl;
    p->enabled_line = 0;
    p->signer_keys_line = 0;
    p->cur = SECT_PLUGIN;
    return 1;
}

/* A section header: "[node]", "[log]" or "[plugin NAME]". */
static int begin_section(struct parse *p, char *text)
{
    char *s = trim(text);
    uint32_t *seen = NULL;
    enum sect kind = SECT_NONE;
    if (strcmp(s, "node") == 0) {
        seen = &p->node_line;
        kind = SECT_NODE;
    } else if (strcmp(s, "log") == 0) {
        seen = &p->log_line;
        kind = SECT_LOG;
    } else if (strcmp(s, "signer") == 0) {
        seen = &p->signer_line;
        kind = SECT_SIGNER;
    } else if (strcmp(s, "storage") == 0) {
        seen = &p->storage_line;
        kind = SECT_STORAGE;
    } else if (strncmp(s, "plugin", 6) == 0 && (s[6] == 0 || isspace((unsigned char)s[6]))) {
        return begin_plugin(p, trim(s + 6));
    } else {
        return fail(
            p, BT_EINVAL,
            "unknown section [%s] (expected [node], [log], [signer], [storage] or [plugin NAME])",
            s);
    }
    if (*seen)
        return fail(p, BT_EINVAL, "duplicate section [%s] (first at line %u)", s, *seen);
    *seen = p->line;
    p->cur = kind;
    p->plugin = NULL;
    return 1;
}

/* inih hands out lines through this reader; counting them here gives every handler call its
 * line number, and seeing raw lines lets us notice section headers (inih reports sections
 * only together with a key). */
static char *reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    if (p->failed)
        return NULL;
    ssize_t n = getline(&p->buf, &p->buf_cap, p->f);
    if (n < 0) {
        if (ferror(p->f))
            fail(p, BT_EIO, "read error: %s", strerror(errno));
        return NULL;
    }
    p->line++;
    p->n_read += (size_t)n;
    if (p->n_read > CONFIG_MAX_BYTES) {
        fail(p, BT_EINVAL, "file too large (more than %d bytes)", CONFIG_MAX_BYTES);
        return NULL;
    }
    if (strlen(p->buf) != (size_t)n) {
        fail(p, BT_EINVAL, "NUL byte in line");
        return NULL;
    }
    size_t body = (size_t)n;
    while (body > 0 && (p->buf[body - 1] == '\n' || p->buf[body - 1] == '\r'))
        body--;
    /* inih needs room for "\r\n\0" after the text. */
    if (body + 3 > (size_t)num) {
        fail(p, BT_EINVAL, "line too long (%zu characters, max %d)", body, num - 3);
        return NULL;
    }
    char *s = p->buf;
    if (p->line == 1 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '[') {
        char *end = strchr(s, ']');
        if (end) {
            char *rest = end + 1;
            while (isspace((unsigned char)*rest))
                rest++;
            if (*rest && *rest != ';' && *rest != '#') {
                fail(p, BT_EINVAL, "unexpected text after the section header: %s", trim(rest));
                return NULL;
            }
            char save = *end;
            *end = 0;
            char *text = strdup(s + 1);
            *end = save;
            if (!text) {
                fail(p, BT_ENOMEM, "out of memory");
                return NULL;
            }
            int ok = begin_section(p, text);
            free(text);
            if (!ok)
                return NULL;
        }
    }
    memcpy(str, p->buf, (size_t)n + 1);
    return str;
}

/* "[log]", "[plugin NAME]": where a duplicate key is, in its message. */
static const char *sect_name(const struct parse *p, char *buf, size_t cap)
{
    switch (p->cur) {
    case SECT_NODE:
        return "[node]";
    case SECT_LOG:
        return "[log]";
    case SECT_SIGNER:
        return "[signer]";
    case SECT_STORAGE:
        return "[storage]";
    case SECT_PLUGIN:
        snprintf(buf, cap, "[plugin %s]", p->plugin->name);
        return buf;
    case SECT_NONE:
        break;
    }
    return "(no section)";
}

static int dup_key(struct parse *p, const char *key, uint32_t first)
{
    char buf[96];
    return fail(p, BT_EINVAL, "duplicate key '%s' in %s (first at line %u)", key,
                sect_name(p, buf, sizeof(buf)), first);
}

/* A path value: "~" and "~/..." are $HOME (as a shell would have it), relative ones are
 * relative to the config file's directory. */
static char *path_value(struct parse *p, const char *key, const char *value)
{
    char *home = NULL, msg[256];
    bt_status st = paths_expand_home(value, &home, msg, sizeof(msg));
    if (st != BT_OK) {
        fail(p, st, "%s: %s", key, msg);
        return NULL;
    }
    char *out = paths_join(p->cfg->dir, home);
    free(home);
    if (!out)
        fail(p, BT_ENOMEM, "out of memory");
    return out;
}

static int set_string(struct parse *p, char **dst, uint32_t *seen, const char *key,
                      const char *value, int is_path)
{
    if (*seen)
        return dup_key(p, key, *seen);
    *seen = p->line;
    if (!*value)
        return fail(p, BT_EINVAL, "%s: empty value", key);
    if (is_path)
        return (*dst = path_value(p, key, value)) != NULL;
    *dst = strdup(value);
    if (!*dst)
        return fail(p, BT_ENOMEM, "out of memory");
    return 1;
}

static int parse_bool(const char *v, int *out)
{
    static const char *const yes[] = {"yes", "true", "1", "on"};
    static const char *const no[] = {"no", "false", "0", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0) {
            *out = 1;
            return 1;
        }
        if (strcmp(v, no[i]) == 0) {
            *out = 0;
            return 1;
        }
    }
    return 0;
}

/* Host keys holding addresses (unlock, signer_keys): refuse a typo at load time instead of
 * failing a signature later. */
static int address_list_ok(struct parse *p, const char *key, const char *value)
{
    uint8_t none[20] = {0};
    size_t bad;
    keys_list_has(value, none, &bad);
    if (!bad)
        return 1;
    const char *item = value + bad - 1;
    size_t n = strcspn(item, ", \t");
    return fail(p, BT_EINVAL, "%s: '%.*s' is not an address (0x and 40 hex digits)", key, (int)n,
                item);
}

static int signer_key(struct parse *p, const char *key, const char *value)
{
    struct config *c = p->cfg;
    if (strcmp(key, "unlock") == 0)
        return set_string(p, &c->signer_unlock, &p->unlock_line, key, value, 0) &&
               address_list_ok(p, key, value);
    if (strcmp(key, "password_file") == 0)
        return set_string(p, &c->signer_password_file, &p->password_file_line, key, value, 1);
    return fail(p, BT_EINVAL, "unknown key '%s' in [signer] (expected unlock, password_file)", key);
}

static int plugin_key(struct parse *p, const char *key, const char *value)
{
    struct conf_plugin *pl = p->plugin;
    if (strcmp(key, "path") == 0) {
        if (pl->path_line)
            return dup_key(p, key, pl->path_line);
        pl->path_line = p->line;
        if (!*value)
            return fail(p, BT_EINVAL, "path: empty value");
        pl->path = strdup(value);
        return pl->path ? 1 : fail(p, BT_ENOMEM, "out of memory");
    }
    if (strcmp(key, "enabled") == 0) {
        if (p->enabled_line)
            return dup_key(p, key, p->enabled_line);
        p->enabled_line = p->line;
        if (!parse_bool(value, &pl->is_enabled))
            return fail(p, BT_EINVAL, "enabled: '%s' is not yes/no/true/false/1/0/on/off", value);
        return 1;
    }
    if (strcmp(key, "signer_keys") == 0)
        return set_string(p, &pl->signer_keys, &p->signer_keys_line, key, value, 0) &&
               address_list_ok(p, key, value);
    for (size_t i = 0; i < pl->n_entries; i++)
        if (strcmp(pl->entries[i].key, key) == 0)
            return dup_key(p, key, pl->entries[i].line);
    struct conf_entry *ne = realloc(pl->entries, (pl->n_entries + 1) * sizeof(*ne));
    if (!ne)
        return fail(p, BT_ENOMEM, "out of memory");
    pl->entries = ne;
    struct conf_entry *e = &ne[pl->n_entries];
    e->key = strdup(key);
    e->value = strdup(value);
    e->line = p->line;
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        return fail(p, BT_ENOMEM, "out of memory");
    }
    pl->n_entries++;
    return 1;
}

static int log_key(struct parse *p, const char *key, const char *value)
{
    struct config *c = p->cfg;
    if (strcmp(key, "level") == 0) {
        if (p->level_line)
            return dup_key(p, key, p->level_line);
        p->level_line = p->line;
        if (log_level_parse(value, &c->log_level) != BT_OK)
            return fail(p, BT_EINVAL, "level: '%s' is not error|warn|info|debug|trace", value);
        c->has_log_level = 1;
        return 1;
    }
    if (strcmp(key, "format") == 0) {
        if (p->format_line)
            return dup_key(p, key, p->format_line);
        p->format_line = p->line;
        if (log_format_parse(value, &c->log_format) != BT_OK)
            return fail(p, BT_EINVAL, "format: '%s' is not logfmt|json", value);
        c->has_log_format = 1;
        return 1;
    }
    if (strcmp(key, "file") == 0)
        return set_string(p, &c->log_file, &p->file_line, key, value, 1);
    return fail(p, BT_EINVAL, "unknown key '%s' in [log] (expected level, format, file)", key);
}

/* Called by inih for every key = value, after the reader returned its line. */
static int handler(void *user, const char *section, const char *name, const char *value)
{
    (void)section; /* inih truncates long section names: the reader's copy is authoritative */
    struct parse *p = user;
    if (p->failed)
        return 0;
    if (!*name)
        return fail(p, BT_EINVAL, "empty key before '='");
    /* inih cuts keys at 49 characters without telling; refuse instead of misreading. */
    if (strlen(name) >= 49)
        return fail(p, BT_EINVAL, "key too long: %.20s... (max 48 characters)", name);
    switch (p->cur) {
    case SECT_NONE:
        return fail(p, BT_EINVAL,
                    "key '%s' outside a section (put it under [node], [log], [signer], "
                    "[storage] or [plugin NAME])",
                    name);
    case SECT_NODE:
        if (strcmp(name, "datadir") == 0)
            return set_string(p, &p->cfg->datadir, &p->datadir_line, name, value, 1);
        return fail(p, BT_EINVAL, "unknown key '%s' in [node] (expected datadir)", name);
    case SECT_LOG:
        return log_key(p, name, value);
    case SECT_SIGNER:
        return signer_key(p, name, value);
    case SECT_STORAGE:
        if (strcmp(name, "backend") == 0) {
            if (!p->backend_line && !config_name_ok(value)) {
                p->backend_line = p->line;
                return fail(p, BT_EINVAL, "backend: '%s' is not a plugin name", value);
            }
            return set_string(p, &p->cfg->storage_backend, &p->backend_line, name, value, 0);
        }
        if (strcmp(name, "path") == 0)
            return set_string(p, &p->cfg->storage_path, &p->spath_line, name, value, 0);
        return fail(p, BT_EINVAL, "unknown key '%s' in [storage] (expected backend, path)", name);
    case SECT_PLUGIN:
        return plugin_key(p, name, value);
    }
    return fail(p, BT_EINTERNAL, "internal error: bad section state");
}

void config_free(struct config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n_plugins; i++) {
        struct conf_plugin *pl = &cfg->plugins[i];
        for (size_t j = 0; j < pl->n_entries; j++) {
            free(pl->entries[j].key);
            free(pl->entries[j].value);
        }
        free(pl->entries);
        free(pl->name);
        free(pl->path);
        free(pl->signer_keys);
    }
    free(cfg->plugins);
    free(cfg->file);
    free(cfg->dir);
    free(cfg->datadir);
    free(cfg->log_file);
    free(cfg->signer_unlock);
    free(cfg->signer_password_file);
    free(cfg->storage_backend);
    free(cfg->storage_path);
    free(cfg);
}

bt_status config_load(const char *file, struct config **out_cfg, char *err, size_t err_cap)
{
    *out_cfg = NULL;
    err[0] = 0;
    struct config *cfg = calloc(1, sizeof(*cfg));
    if (!cfg || !(cfg->file = strdup(file)) || !(cfg->dir = paths_dirname(file))) {
        config_free(cfg);
        snprintf(err, err_cap, "%s: out of memory", file);
        return BT_ENOMEM;
    }
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; only regular files are read
     * (a device like /dev/zero never ends). */
    int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, err_cap, "%s: cannot open: %s", file, strerror(errno));
        config_free(cfg);
        return BT_ENOTFOUND;
    }
    struct stat sb;
    const char *bad =
        fstat(fd, &sb) != 0 ? strerror(errno)
        : !S_ISREG(sb.st_mode)
            ? (S_ISDIR(sb.st_mode) ? "not a regular file (a directory)" : "not a regular file")
        : sb.st_size > CONFIG_MAX_BYTES ? "file too large"
                                        : NULL;
    FILE *f = bad ? NULL : fdopen(fd, "r");
    if (!f) {
        if (bad && sb.st_size > CONFIG_MAX_BYTES && S_ISREG(sb.st_mode))
            snprintf(err, err_cap, "%s: file too large (%lld bytes, max %d)", file,
                     (long long)sb.st_size, CONFIG_MAX_BYTES);
        else
            snprintf(err, err_cap, "%s: %s", file, bad ? bad : strerror(errno));
        close(fd);
        config_free(cfg);
        return BT_EINVAL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    /* Continuation lines would make an indented typo part of the previous value; a stray
     * error should stop the parse at the first line. */
    ini_allow_multiline = false;
    ini_stop_on_first_error = true;
    struct parse p = {.f = f, .cfg = cfg, .err = err, .err_cap = err_cap};
    int rc = ini_parse_stream(reader, &p, handler, &p);
    fclose(f);
    free(p.buf);
    if (!p.failed && rc != 0) {
        if (rc > 0)
            p.line = (uint32_t)rc;
        fail(&p, rc == -2 ? BT_ENOMEM : BT_EINVAL,
             rc == -2 ? "out of memory" : "syntax error: expected [section] or key = value");
    }
    if (p.failed) {
        config_free(cfg);
        return p.status;
    }
    *out_cfg = cfg;
    return BT_OK;
}
