/* Fuzz the status page's untrusted inputs (host/status): the answers of the remotes it polls
 * (another node, a basechain: any bytes as the body of an HTTP 200) and its option lists
 * (--status.peers, --status.rootchains). Input: a selector byte, then the bytes. An answer
 * either fills known facts or marks the remote not ok with a reason; a list parses or is
 * refused with a message; nothing leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t sel = data[0];
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    if (sel < 128) {
        struct status_remote r;
        memset(&r, 0, sizeof(r));
        r.kind = sel & 1 ? STATUS_REMOTE_ROOTCHAIN : STATUS_REMOTE_PEER;
        status_remote_apply(&r, body, len);
        if (!r.is_ok && !r.error[0])
            abort(); /* not ok without a reason */
        if (r.is_ok && (!r.has_head || r.error[0]))
            abort();
        return 0;
    }
    char *text = malloc(len + 1);
    if (!text)
        return 0;
    memcpy(text, body, len);
    text[len] = 0;
    struct statusd d;
    memset(&d, 0, sizeof(d));
    char err[256] = "";
    bt_status st =
        status_remotes_parse(&d, sel & 1 ? NULL : text, sel & 1 ? text : NULL, err, sizeof(err));
    if (st != BT_OK && !err[0])
        abort(); /* refused without a message */
    status_remotes_free(&d);
    free(text);
    return 0;
}
