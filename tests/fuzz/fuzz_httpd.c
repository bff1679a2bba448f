/* libFuzzer target: arbitrary bytes as an HTTP request head (host/net/httpd_parse.c) and as a
 * chunked body, with and without a size limit. The parser must stay inside the bytes (ASan),
 * the decoded body within the limit and the input, and nothing may leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpd_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *head = malloc(size + 1);
    if (!head)
        return 0;
    memcpy(head, data, size);
    head[size] = 0;
    struct hreq r;
    if (httpd_parse_head(&r, head) == 0) {
        (void)httpd_has_token(r.connection, "close");
        (void)httpd_has_token(r.upgrade, "websocket");
    }
    free(head);
    /* The chunked decoder reads the connection buffer as it is: no NUL after the bytes. */
    char *in = malloc(size ? size : 1);
    if (!in)
        return 0;
    memcpy(in, data, size);
    for (size_t max = 0; max <= 64; max += 64) {
        char *body = NULL;
        size_t len = 0, used = 0;
        int rc = httpd_chunked_decode(in, size, max, &body, &len, &used);
        if (rc == 1 && (used > size || len > size || (max && len > max)))
            abort();
        free(body);
    }
    free(in);
    return 0;
}
