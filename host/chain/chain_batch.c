/* A batch of blocks from the network (p2p sync): imported with the same two-slot pipeline as
 * `bttcd import` (while block i executes, the worker pool recovers the senders of block i + 1),
 * and the eth_syncing status the sync reports. */
#include "chain_priv.h"

#include <stdio.h>
#include <string.h>

bt_status chain_import_blocks(struct chain *c, const uint8_t *const *blocks, const size_t *lens,
                              size_t n, size_t *out_done, char *err, size_t err_cap)
{
    struct chain_prep prep[2];
    bt_status prc[2] = {BT_OK, BT_OK}, rc = BT_OK;
    char perr[2][512];
    memset(prep, 0, sizeof(prep));
    size_t done = 0;
    if (n > 0)
        prc[0] = chain_prep_start(c, blocks[0], lens[0], 1, &prep[0], perr[0], sizeof(perr[0]));
    for (size_t i = 0; i < n; i++) {
        int cur = (int)(i & 1), nxt = cur ^ 1;
        if (i + 1 < n)
            prc[nxt] = chain_prep_start(c, blocks[i + 1], lens[i + 1], 1, &prep[nxt], perr[nxt],
                                        sizeof(perr[nxt]));
        int skipped = 0;
        rc = prc[cur];
        if (rc == BT_OK)
            rc = chain_import_prep(c, &prep[cur], &skipped, err, err_cap);
        else
            snprintf(err, err_cap, "%s", perr[cur]);
        chain_prep_free(&prep[cur]);
        if (rc != BT_OK)
            break;
        done++;
    }
    chain_prep_free(&prep[0]);
    chain_prep_free(&prep[1]);
    if (out_done)
        *out_done = done;
    return rc;
}

void chain_set_sync(struct chain *c, const struct chain_sync *s)
{
    c->sync = *s;
}
