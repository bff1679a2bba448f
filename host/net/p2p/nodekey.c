/* The node key: <datadir>/nodekey, 64 hex digits as go-ethereum writes it (p2p node key file,
 * crypto.SaveECDSA: no newline; one is accepted on reading), mode 0600, created from
 * getrandom at first start. O_EXCL: two processes starting on one datadir never replace each
 * other's key. */
#include "p2p_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bt_status read_key(const char *path, uint8_t out[32], char *err, size_t err_cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, err_cap, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? BT_ENOTFOUND : BT_EIO;
    }
    char buf[130];
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    bt_status st = n > 0 ? bts_enode_nodekey_parse(out, buf, (size_t)n) : BT_EINVAL;
    explicit_bzero(buf, sizeof(buf));
    if (st != BT_OK) {
        snprintf(err, err_cap, "%s: not a node key (64 hex digits)", path);
        return BT_EINVAL;
    }
    return BT_OK;
}

bt_status p2p_nodekey_load(const char *datadir, uint8_t out_seckey[32], char *err, size_t err_cap)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/nodekey", datadir);
    bt_status st = read_key(path, out_seckey, err, err_cap);
    if (st != BT_ENOTFOUND)
        return st;
    uint8_t key[32];
    uint8_t id[64];
    do
        p2p_rand(key, sizeof(key));
    while (bts_enode_id_from_seckey(id, key) != BT_OK);
    char text[65];
    bts_enode_nodekey_format(text, key);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        explicit_bzero(key, sizeof(key));
        explicit_bzero(text, sizeof(text));
        if (errno == EEXIST)
            return read_key(path, out_seckey, err, err_cap);
        snprintf(err, err_cap, "%s: %s", path, strerror(errno));
        return BT_EIO;
    }
    int ok = write(fd, text, 64) == 64 && fsync(fd) == 0;
    close(fd);
    explicit_bzero(text, sizeof(text));
    if (!ok) {
        explicit_bzero(key, sizeof(key));
        unlink(path);
        snprintf(err, err_cap, "%s: cannot write", path);
        return BT_EIO;
    }
    memcpy(out_seckey, key, 32);
    explicit_bzero(key, sizeof(key));
    return BT_OK;
}
