/* Block files for `bttcd import` / `bttcd export` (go-ethereum cmd/utils ImportChain/ExportChain
 * format: concatenated rlp([header, txs, uncles]), no gzip) and the "chain" service table that
 * plugins reach (abi/bt/consensus.h struct bt_chain_iface). */
#include "chain_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bts/rlp.h>

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bt_status chain_import_file(struct chain *c, const char *path, chain_progress_fn fn, void *arg,
                            char *err, size_t err_cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        chain_msg(err, err_cap, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return BT_EIO;
    }
    size_t size = (size_t)sb.st_size;
    const uint8_t *p = NULL;
    if (size) {
        void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            chain_msg(err, err_cap, "%s: %s", path, strerror(errno));
            close(fd);
            return BT_EIO;
        }
        p = m;
    }
    close(fd);
    double t0 = mono_s(), last = t0;
    uint64_t blocks = 0, txs = 0;
    size_t off = 0;
    bt_status rc = BT_OK;
    c->sync.is_syncing = 1;
    c->sync.starting_block = c->head.h.number;
    c->sync.highest_block = c->head.h.number;
    /* Two blocks in hand: while block i executes on this thread, the pool recovers the senders
     * of block i + 1. */
    struct chain_prep prep[2];
    size_t at[2], len[2];
    bt_status prc[2];
    char perr[2][512];
    int has[2] = {0, 0};
    memset(prep, 0, sizeof(prep));
    for (int cur = 0;; cur ^= 1) {
        /* Fill both slots: the current one (first round only) and the next. */
        for (int k = 0; k < 2; k++) {
            int s = cur ^ k;
            if (has[s] || off >= size)
                continue;
            struct bts_rlp_item it;
            if (bts_rlp_decode_prefix(&it, p + off, size - off) != BT_OK) {
                if (k == 0 || !has[cur]) {
                    chain_msg(err, err_cap, "%s: damaged or truncated block at byte %zu", path,
                              off);
                    rc = BT_EIO;
                }
                break;
            }
            at[s] = off;
            len[s] = it.raw_len;
            off += it.raw_len;
            prc[s] = chain_prep_start(c, p + at[s], len[s], 1, &prep[s], perr[s], sizeof(perr[s]));
            has[s] = 1;
        }
        if (rc != BT_OK || !has[cur])
            break;
        char why[768] = "";
        int skipped = 0;
        rc = prc[cur];
        if (rc == BT_OK)
            rc = chain_import_prep(c, &prep[cur], &skipped, why, sizeof(why));
        else
            snprintf(why, sizeof(why), "%s", perr[cur]);
        if (rc == BT_OK && !skipped) {
            blocks++;
            txs += prep[cur].n;
        }
        chain_prep_free(&prep[cur]);
        has[cur] = 0;
        if (rc != BT_OK) {
            chain_msg(err, err_cap, "%s: block at byte %zu: %s", path, at[cur], why);
            break;
        }
        c->sync.current_block = c->head.h.number;
        if (c->sync.highest_block < c->head.h.number)
            c->sync.highest_block = c->head.h.number;
        double now = mono_s();
        if (fn && now - last >= 1.0) {
            last = now;
            fn(arg, blocks, txs, c->head.h.number, now - t0, 0);
        }
    }
    chain_prep_free(&prep[0]);
    chain_prep_free(&prep[1]);
    c->sync.is_syncing = 0;
    if (fn)
        fn(arg, blocks, txs, c->head.h.number, mono_s() - t0, 1);
    if (p)
        munmap((void *)p, size);
    return rc;
}

bt_status chain_export_file(struct chain *c, const char *path, uint64_t from, uint64_t to,
                            char *err, size_t err_cap)
{
    if (to > c->head.h.number)
        to = c->head.h.number;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 5);
    if (!tmp)
        return BT_ENOMEM;
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        chain_msg(err, err_cap, "%s: %s", tmp, strerror(errno));
        free(tmp);
        return BT_EIO;
    }
    bt_status rc = BT_OK;
    for (uint64_t n = from; rc == BT_OK && n <= to; n++) {
        uint8_t *b;
        size_t len;
        rc = chain_block_rlp(c, n, &b, &len);
        if (rc != BT_OK) {
            chain_msg(err, err_cap, "block %llu: %s", (unsigned long long)n, bts_status_str(rc));
            break;
        }
        if (fwrite(b, 1, len, f) != len) {
            chain_msg(err, err_cap, "%s: %s", tmp, strerror(errno));
            rc = BT_EIO;
        }
        free(b);
        if (n == UINT64_MAX)
            break;
    }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        if (rc == BT_OK)
            chain_msg(err, err_cap, "%s: %s", tmp, strerror(errno));
        rc = rc == BT_OK ? BT_EIO : rc;
    }
    fclose(f);
    if (rc == BT_OK && rename(tmp, path) != 0) {
        chain_msg(err, err_cap, "%s: %s", path, strerror(errno));
        rc = BT_EIO;
    }
    if (rc != BT_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* --- the "chain" service --------------------------------------------------------------------- */

static void value_free(struct bt_value *v)
{
    free(v->opaque);
    v->opaque = NULL;
}

/* Hand a header's RLP to a plugin (the value owns the buffer). */
static void give_rlp(struct chain_header *hd, struct bt_value *out)
{
    out->data = hd->rlp;
    out->len = hd->rlp_len;
    out->opaque = hd->rlp;
    out->release = value_free;
    hd->rlp = NULL;
    chain_header_free(hd);
}

static bt_status svc_head(void *chain, uint64_t *out_number, uint8_t out_hash[32])
{
    chain_head(chain, out_number, out_hash);
    return BT_OK;
}

static bt_status svc_header_by_number(void *chain, uint64_t number, struct bt_value *out)
{
    struct chain_header hd;
    memset(out, 0, sizeof(*out));
    bt_status rc = chain_header_by_number(chain, number, &hd);
    if (rc == BT_OK)
        give_rlp(&hd, out);
    return rc;
}

static bt_status svc_header_by_hash(void *chain, const uint8_t hash[32], struct bt_value *out)
{
    struct chain_header hd;
    memset(out, 0, sizeof(*out));
    bt_status rc = chain_header_by_hash(chain, hash, &hd);
    if (rc == BT_OK)
        give_rlp(&hd, out);
    return rc;
}

static bt_status svc_call(void *chain, const uint8_t block_hash[32], const uint8_t *from20,
                          const uint8_t to[20], const uint8_t *data, size_t data_len, uint64_t gas,
                          struct bt_value *output, uint32_t *out_reverted)
{
    struct chain *c = chain;
    struct state *st;
    struct chain_header hd;
    memset(output, 0, sizeof(*output));
    bt_status rc = chain_header_by_hash(c, block_hash, &hd);
    if (rc != BT_OK)
        return rc;
    if ((rc = chain_state_at(c, block_hash, &st)) != BT_OK) {
        chain_header_free(&hd);
        return rc;
    }
    struct chain_msg m;
    memset(&m, 0, sizeof(m));
    if (from20)
        memcpy(m.from.bytes, from20, 20);
    m.has_to = 1;
    memcpy(m.to.bytes, to, 20);
    m.gas = gas;
    m.data = data;
    m.data_len = data_len;
    struct bt_evm_result r;
    char err[256];
    rc = chain_call(c, st, &hd.h, &m, &r, err, sizeof(err));
    if (rc == BT_OK) {
        *out_reverted = r.outcome != BT_EVM_SUCCESS;
        uint8_t *copy = malloc(r.output_len ? r.output_len : 1);
        if (copy) {
            if (r.output_len)
                memcpy(copy, r.output, r.output_len);
            output->data = copy;
            output->len = r.output_len;
            output->opaque = copy;
            output->release = value_free;
        } else {
            rc = BT_ENOMEM;
        }
        if (r.release)
            r.release(&r);
    }
    state_free(st);
    chain_header_free(&hd);
    return rc;
}

const struct bt_chain_iface chain_service_table = {
    sizeof(struct bt_chain_iface), svc_head, svc_header_by_number, svc_header_by_hash, svc_call};
