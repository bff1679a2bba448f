/* The host signer (the hsmd model of STYLE.md: the keeper of secrets, plugins ask it to sign).
 * Every key file of the keystore directory is known by address; unlocked keys sit in one
 * anonymous mapping, mlock'ed so they never reach swap, left out of core dumps, and wiped
 * before unmap. One mutex: sign may be called from any thread. */
#include "keys_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bt/host.h>
#include <bts/hex.h>
#include <bts/secp.h>

#include "log_int.h"

struct signer {
    pthread_mutex_t lock;
    char *dir;
    struct keydir_list known;
    uint8_t *is_unlocked; /* one flag per known key */
    uint8_t *secrets;     /* 32 bytes per known key, in the mapping */
    size_t map_len;
};

static ssize_t index_of(const struct signer *s, const uint8_t addr[20])
{
    for (size_t i = 0; i < s->known.n; i++)
        if (memcmp(s->known.v[i].addr, addr, 20) == 0)
            return (ssize_t)i;
    return -1;
}

/* The secret pages: locked when the limit allows, else the keys still work and the operator
 * is told (raise `ulimit -l` or run with CAP_IPC_LOCK). */
static bt_status map_secrets(struct signer *s)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t pg = page > 0 ? (size_t)page : 4096;
    s->map_len = (s->known.n * 32 + pg - 1) / pg * pg;
    void *p = mmap(NULL, s->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        s->map_len = 0;
        return BT_ENOMEM;
    }
    s->secrets = p;
#ifdef MADV_DONTDUMP
    madvise(p, s->map_len, MADV_DONTDUMP);
#endif
    if (mlock(p, s->map_len) != 0)
        hlog(BT_LOG_WARN, "signer: keys are not in locked memory (may reach swap)",
             "reason=\"mlock: %s\" hint=\"raise the memlock limit (ulimit -l)\"", strerror(errno));
    return BT_OK;
}

bt_status signer_new(struct signer **out, const char *keystore_dir, char *err, size_t err_cap)
{
    *out = NULL;
    struct signer *s = calloc(1, sizeof(*s));
    if (!s || !(s->dir = strdup(keystore_dir))) {
        free(s);
        snprintf(err, err_cap, "signer: out of memory");
        return BT_ENOMEM;
    }
    pthread_mutex_init(&s->lock, NULL);
    bt_status st = keydir_scan(&s->known, keystore_dir, err, err_cap);
    if (st == BT_OK && s->known.n) {
        s->is_unlocked = calloc(s->known.n, 1);
        st = s->is_unlocked ? map_secrets(s) : BT_ENOMEM;
        if (st != BT_OK)
            snprintf(err, err_cap, "signer: out of memory");
    }
    if (st != BT_OK) {
        signer_free(s);
        return st;
    }
    *out = s;
    return BT_OK;
}

bt_status signer_unlock(struct signer *s, const uint8_t addr[20], const char *password,
                        size_t password_len, char *err, size_t err_cap)
{
    char a[BTS_HEX_EIP55_CAP], why[512];
    bts_hex_format_eip55(a, addr);
    const struct keydir_entry *e;
    bt_status st = keydir_find(&s->known, addr, &e);
    if (st == BT_ENOTFOUND) {
        snprintf(err, err_cap, "no key %s in %s", a, s->dir);
        return st;
    }
    if (st == BT_EEXIST) {
        snprintf(err, err_cap, "key %s: several files in %s hold it; keep one", a, s->dir);
        return st;
    }
    char *text;
    size_t len;
    if ((st = keydir_read_file(&text, &len, e->path, why, sizeof(why))) != BT_OK) {
        snprintf(err, err_cap, "cannot unlock %s: %s", a, why);
        return st;
    }
    uint8_t key[32], got[20];
    st = ks_decrypt(key, got, text, len, password, password_len, why, sizeof(why));
    free(text);
    if (st == BT_OK && memcmp(got, addr, 20) != 0)
        st = BT_EINVAL, snprintf(why, sizeof(why), "%s holds another key", e->path);
    if (st != BT_OK) {
        explicit_bzero(key, sizeof(key));
        snprintf(err, err_cap, "cannot unlock %s: %s", a, why);
        return st;
    }
    size_t i = (size_t)(e - s->known.v);
    pthread_mutex_lock(&s->lock);
    memcpy(&s->secrets[32 * i], key, 32);
    s->is_unlocked[i] = 1;
    pthread_mutex_unlock(&s->lock);
    explicit_bzero(key, sizeof(key));
    return BT_OK;
}

bt_status signer_sign(struct signer *s, uint8_t out_sig65[65], const uint8_t addr[20],
                      const uint8_t digest[32])
{
    memset(out_sig65, 0, 65);
    pthread_mutex_lock(&s->lock);
    ssize_t i = index_of(s, addr);
    bt_status st = i < 0                ? BT_ENOTFOUND
                   : !s->is_unlocked[i] ? BT_EPERM
                                        : bts_secp_sign(out_sig65, &s->secrets[32 * i], digest);
    pthread_mutex_unlock(&s->lock);
    return st;
}

bt_status signer_has(struct signer *s, const uint8_t addr[20], int *out_is_unlocked)
{
    pthread_mutex_lock(&s->lock);
    ssize_t i = index_of(s, addr);
    *out_is_unlocked = i >= 0 && s->is_unlocked[i];
    pthread_mutex_unlock(&s->lock);
    return i >= 0 ? BT_OK : BT_ENOTFOUND;
}

const char *signer_dir(const struct signer *s)
{
    return s->dir;
}

void signer_free(struct signer *s)
{
    if (!s)
        return;
    if (s->secrets) {
        explicit_bzero(s->secrets, s->map_len);
        munlock(s->secrets, s->map_len);
        munmap(s->secrets, s->map_len);
    }
    free(s->is_unlocked);
    keydir_list_free(&s->known);
    free(s->dir);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
