/* Fuzz the genesis.json reader (host/chain/genesis.c): any bytes must either be refused with
 * a message or give a genesis whose config, header and state root can be derived. Documents
 * with many accounts are still hashed: the alloc size is bounded by the input size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "genesis_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct genesis g;
    char err[256];
    err[0] = 0;
    bt_status st = genesis_parse(&g, (const char *)data, size, err, sizeof(err));
    if (st == BT_OK) {
        uint8_t root[32], hash[32];
        struct bts_header h;
        (void)genesis_state_root(&g, root, err, sizeof(err));
        (void)genesis_hash(&g, hash, &h, err, sizeof(err));
    } else if (strlen(err) == 0) {
        abort(); /* every refusal says why */
    }
    genesis_free(&g);
    return 0;
}
