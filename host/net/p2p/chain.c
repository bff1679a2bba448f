/* The chain identity Status announces (network id, genesis hash, EIP-2124 fork list) from a
 * preset or genesis.json, and a backend that serves the genesis block only: for a node running
 * without a chain, and until p2p_attach_chain (link.c) puts the real chain behind eth/66. Bttc is a
 * geth 1.10 fork: only block-number forks enter the fork id (forkid.gatherForks of that version);
 * time-based forks do not. */
#include "p2p_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genesis_int.h"

bt_status p2p_chain_load(const char *chain, struct p2p_chain *out, struct bts_buf *out_header,
                         char *err, size_t err_cap)
{
    memset(out, 0, sizeof(*out));
    struct genesis g;
    memset(&g, 0, sizeof(g));
    bt_status st;
    /* A name without '/' or ".json" is a preset (dev, devnet, donau, mainnet). */
    size_t n = strlen(chain);
    if (!strchr(chain, '/') && !(n > 5 && strcmp(chain + n - 5, ".json") == 0))
        st = genesis_preset(&g, chain, GENESIS_DEV_ACCOUNTS, err, err_cap);
    else
        st = genesis_load_file(&g, chain, err, err_cap);
    if (st != BT_OK) {
        genesis_free(&g);
        return st;
    }
    struct bts_header h;
    st = genesis_hash(&g, out->genesis, &h, err, err_cap);
    if (st == BT_ENOTFOUND && g.has_expected_hash) {
        /* Donau/mainnet: the allocation is not bundled, but the hash is published. */
        memcpy(out->genesis, g.expected_hash.bytes, 32);
        st = BT_OK;
        err[0] = 0;
        out_header = NULL; /* no header to serve */
    }
    if (st == BT_OK && out_header)
        st = bts_header_encode(out_header, &h);
    if (st == BT_OK) {
        out->network_id = g.config.network_id;
        if (g.config.berlin_block != CHAINCFG_NEVER)
            out->forks[out->n_forks++] = g.config.berlin_block;
        if (g.config.london_block != CHAINCFG_NEVER)
            out->forks[out->n_forks++] = g.config.london_block;
    }
    genesis_free(&g);
    return st;
}

/* --- the genesis-only backend ---------------------------------------------------------------- */

struct gen_backend {
    struct p2p_backend b;
    uint8_t *header;
    size_t header_len;
    uint8_t hash[32];
    uint8_t td[32];
};

static void gb_head(void *self, struct p2p_head *out)
{
    struct gen_backend *g = self;
    memset(out, 0, sizeof(*out));
    memcpy(out->hash, g->hash, 32);
    memcpy(out->td, g->td, 32);
}

static bt_status gb_by_number(void *self, uint64_t number, struct bts_buf *out)
{
    struct gen_backend *g = self;
    if (number != 0 || !g->header_len)
        return BT_ENOTFOUND;
    return bts_buf_append(out, g->header, g->header_len);
}

static bt_status gb_by_hash(void *self, const uint8_t hash[32], struct bts_buf *out,
                            uint64_t *out_number)
{
    struct gen_backend *g = self;
    if (!g->header_len || memcmp(hash, g->hash, 32) != 0)
        return BT_ENOTFOUND;
    *out_number = 0;
    return bts_buf_append(out, g->header, g->header_len);
}

static bt_status gb_body(void *self, const uint8_t hash[32], struct bts_buf *out)
{
    struct gen_backend *g = self;
    static const uint8_t empty_body[] = {0xc2, 0xc0, 0xc0}; /* [[], []] */
    if (!g->header_len || memcmp(hash, g->hash, 32) != 0)
        return BT_ENOTFOUND;
    return bts_buf_append(out, empty_body, sizeof(empty_body));
}

static bt_status gb_receipts(void *self, const uint8_t hash[32], struct bts_buf *out)
{
    struct gen_backend *g = self;
    static const uint8_t empty[] = {0xc0};
    if (!g->header_len || memcmp(hash, g->hash, 32) != 0)
        return BT_ENOTFOUND;
    return bts_buf_append(out, empty, sizeof(empty));
}

static bt_status gb_pooled(void *self, const uint8_t hash[32], struct bts_buf *out)
{
    (void)self, (void)hash, (void)out;
    return BT_ENOTFOUND;
}

struct p2p_backend *p2p_genesis_backend_new(const uint8_t genesis[32], const uint8_t *header,
                                            size_t header_len)
{
    struct gen_backend *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    memcpy(g->hash, genesis, 32);
    if (header_len) {
        g->header = malloc(header_len);
        if (!g->header) {
            free(g);
            return NULL;
        }
        memcpy(g->header, header, header_len);
        g->header_len = header_len;
        /* td of the genesis = its difficulty: read from the header RLP (item 7). */
        struct bts_rlp_item top, it;
        struct bts_rlp_iter iter;
        if (bts_rlp_decode(&top, header, header_len) == BT_OK && top.is_list) {
            bts_rlp_iter_init(&iter, &top);
            for (int i = 0; i <= 7 && bts_rlp_iter_next(&iter, &it) == BT_OK; i++)
                if (i == 7)
                    if (bts_rlp_item_u256_be(&it, g->td) != BT_OK)
                        memset(g->td, 0, 32);
        }
    }
    g->b = (struct p2p_backend){g,           gb_head,   gb_by_number, gb_by_hash, gb_body,
                                gb_receipts, gb_pooled, NULL,         NULL,       NULL,
                                NULL,        NULL,      NULL,         NULL};
    return &g->b;
}

void p2p_genesis_backend_free(struct p2p_backend *b)
{
    if (!b)
        return;
    struct gen_backend *g = b->self;
    free(g->header);
    free(g);
}
