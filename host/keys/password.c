/* Passwords: from a file (one a line, geth's --password convention) or from the terminal with
 * echo off (termios). Every buffer that held one is wiped before it is freed. */
#include "keys_cli_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PW_MAX 4096

void pw_free(char *pw, size_t len)
{
    if (!pw)
        return;
    explicit_bzero(pw, len);
    free(pw);
}

static bt_status dup_bytes(char **out, size_t *out_len, const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return BT_ENOMEM;
    memcpy(p, s, n);
    p[n] = 0;
    *out = p;
    *out_len = n;
    return BT_OK;
}

bt_status pw_from_file(char **out, size_t *out_len, const char *path, size_t index, char *err,
                       size_t err_cap)
{
    *out = NULL;
    *out_len = 0;
    char *text;
    size_t len;
    bt_status st = keydir_read_file(&text, &len, path, err, err_cap);
    if (st != BT_OK)
        return st;
    /* Lines: a final newline does not start another (empty) line. */
    const char *line = NULL;
    size_t line_len = 0, at = 0;
    for (size_t i = 0; at < len && i <= index; i++) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        line = text + at;
        line_len = end - at;
        at = end + 1;
    }
    if (line && line_len && line[line_len - 1] == '\r')
        line_len--;
    if (!line) {
        snprintf(err, err_cap, "%s: no password in the file", path);
        st = BT_EINVAL;
    } else {
        st = dup_bytes(out, out_len, line, line_len);
    }
    explicit_bzero(text, len);
    free(text);
    return st;
}

bt_status pw_prompt(char **out, size_t *out_len, const char *prompt)
{
    *out = NULL;
    *out_len = 0;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return BT_ENOTSUP;
    struct termios old, quiet;
    int has_tc = tcgetattr(fd, &old) == 0;
    if (has_tc) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    if (write(fd, prompt, strlen(prompt)) < 0) {
        /* the prompt is a courtesy: read anyway */
    }
    char buf[PW_MAX];
    size_t n = 0;
    bt_status st = BT_OK;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            st = r < 0 ? BT_EIO : n ? BT_OK : BT_EIO; /* EOF without a line: no password */
            break;
        }
        if (c == '\n')
            break;
        if (n < sizeof(buf))
            buf[n++] = c;
    }
    if (has_tc)
        tcsetattr(fd, TCSAFLUSH, &old);
    if (write(fd, "\n", 1) < 0) {
        /* as above */
    }
    close(fd);
    if (n && buf[n - 1] == '\r')
        n--;
    if (st == BT_OK)
        st = dup_bytes(out, out_len, buf, n);
    explicit_bzero(buf, sizeof(buf));
    return st;
}
