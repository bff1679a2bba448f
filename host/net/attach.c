/* `bttcd attach`: a small console on the IPC socket. Each command is "METHOD [PARAMS_JSON]"
 * (params: a JSON array, or one JSON value taken as the only parameter); the result is printed
 * pretty, an error as "error CODE: MESSAGE" (exit status 1). */
#include "net_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

int net_ipc_connect(const char *path)
{
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Build the request text; NULL with *out_err on a bad command. */
static char *build_request(const char *line, unsigned id, const char **out_err)
{
    while (*line == ' ' || *line == '\t')
        line++;
    size_t mlen = strcspn(line, " \t\r\n");
    if (mlen == 0) {
        *out_err = "";
        return NULL;
    }
    const char *rest = line + mlen;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    json_t *params;
    if (*rest && *rest != '\n' && *rest != '\r') {
        json_error_t e;
        params = json_loads(rest, JSON_DECODE_ANY, &e);
        if (!params) {
            *out_err = "params are not JSON";
            return NULL;
        }
        if (!json_is_array(params)) {
            json_t *a = json_array();
            json_array_append_new(a, params);
            params = a;
        }
    } else {
        params = json_array();
    }
    json_t *req = json_pack("{s:s,s:I,s:s#,s:o}", "jsonrpc", "2.0", "id", (json_int_t)id, "method",
                            line, (int)mlen, "params", params);
    char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (!text)
        *out_err = "out of memory";
    return text;
}

/* Send one request and print its answer. Returns 0, 1 (error answer) or -1 (connection). */
static int roundtrip(int fd, const char *text, char **buf, size_t *len, size_t *cap)
{
    size_t n = strlen(text);
    if (write(fd, text, n) != (ssize_t)n || write(fd, "\n", 1) != 1)
        return -1;
    for (;;) {
        size_t end;
        int rc = rpc_stream_next(*buf, *len, 0, &end);
        if (rc == 1) {
            json_t *v = json_loadb(*buf, end, JSON_DECODE_ANY, NULL);
            memmove(*buf, *buf + end, *len - end);
            *len -= end;
            if (!v)
                return -1;
            if (json_is_object(v) && json_object_get(v, "method"))
                continue; /* a subscription notification: not our answer */
            json_t *err = json_object_get(v, "error");
            int ret = 0;
            if (err) {
                printf("error %lld: %s\n",
                       (long long)json_integer_value(json_object_get(err, "code")),
                       json_string_value(json_object_get(err, "message")));
                ret = 1;
            } else {
                char *out =
                    json_dumps(json_object_get(v, "result"), JSON_INDENT(2) | JSON_ENCODE_ANY);
                printf("%s\n", out ? out : "null");
                free(out);
            }
            json_decref(v);
            fflush(stdout);
            return ret;
        }
        if (rc < 0)
            return -1;
        if (*len + 4096 > *cap) {
            char *nb = realloc(*buf, *cap * 2 + 4096);
            if (!nb)
                return -1;
            *buf = nb;
            *cap = *cap * 2 + 4096;
        }
        ssize_t r = read(fd, *buf + *len, *cap - *len);
        if (r <= 0)
            return -1;
        *len += (size_t)r;
    }
}

int net_attach(const char *ipc_path, const char *exec)
{
    int fd = net_ipc_connect(ipc_path);
    if (fd < 0) {
        fprintf(stderr, "no bttcd at %s (is the node running?)\n", ipc_path);
        return 1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0, is_tty = !exec && isatty(0);
    unsigned id = 1;
    char line[65536];
    for (;;) {
        const char *cmd = exec;
        if (!exec) {
            if (is_tty)
                fputs("> ", stdout), fflush(stdout);
            if (!fgets(line, sizeof(line), stdin))
                break;
            cmd = line;
        }
        const char *why = NULL;
        char *req = build_request(cmd, id++, &why);
        if (!req) {
            if (*why) {
                fprintf(stderr, "bttcd attach: %s (usage: METHOD [PARAMS_JSON])\n", why);
                rc = 1;
            }
        } else {
            int r = roundtrip(fd, req, &buf, &len, &cap);
            free(req);
            if (r < 0) {
                fprintf(stderr, "bttcd attach: connection to %s lost\n", ipc_path);
                rc = 1;
                break;
            }
            if (r > 0)
                rc = 1;
        }
        if (exec)
            break;
    }
    free(buf);
    close(fd);
    return rc;
}
