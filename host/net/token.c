/* The admin token (DESIGN.md §5): <datadir>/admin.token holds 32 random bytes as 64 hex digits
 * and a newline, mode 0600, created at first start. HTTP and WebSocket clients present it as
 * "Authorization: Bearer <hex>" to reach admin methods. */
#include "net_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_hex64(const char *s)
{
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static bt_status token_read(const char *path, char out_hex[65], char *err, size_t err_cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, err_cap, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? BT_ENOTFOUND : BT_EIO;
    }
    char buf[80];
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    if (n < 64 || !is_hex64(buf) || (n > 64 && buf[64] != '\n')) {
        snprintf(err, err_cap, "%s: not 64 lowercase hex digits (delete it to make a new one)",
                 path);
        return BT_EIO;
    }
    memcpy(out_hex, buf, 64);
    out_hex[64] = 0;
    explicit_bzero(buf, sizeof(buf));
    return BT_OK;
}

bt_status net_token_load(const char *datadir, char out_hex[65], char *err, size_t err_cap)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/admin.token", datadir);
    bt_status st = token_read(path, out_hex, err, err_cap);
    if (st != BT_ENOTFOUND)
        return st;
    uint8_t raw[32];
    if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
        snprintf(err, err_cap, "getrandom: %s", strerror(errno));
        return BT_EIO;
    }
    char text[66];
    for (size_t i = 0; i < 32; i++)
        snprintf(text + 2 * i, 3, "%02x", raw[i]);
    text[64] = '\n';
    explicit_bzero(raw, sizeof(raw));
    /* O_EXCL: two nodes starting on one datadir never overwrite each other's token. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return token_read(path, out_hex, err, err_cap);
        snprintf(err, err_cap, "%s: %s", path, strerror(errno));
        return BT_EIO;
    }
    ssize_t w = write(fd, text, 65);
    int ok = w == 65 && fsync(fd) == 0;
    close(fd);
    if (!ok) {
        snprintf(err, err_cap, "%s: cannot write", path);
        unlink(path);
        return BT_EIO;
    }
    memcpy(out_hex, text, 64);
    out_hex[64] = 0;
    explicit_bzero(text, sizeof(text));
    return BT_OK;
}

int net_token_equal(const char *presented, size_t len, const char *token_hex)
{
    while (len && (presented[len - 1] == ' ' || presented[len - 1] == '\t'))
        len--;
    if (len != 64)
        return 0;
    unsigned char diff = 0;
    for (size_t i = 0; i < 64; i++)
        diff |= (unsigned char)(presented[i] ^ token_hex[i]);
    return diff == 0;
}
