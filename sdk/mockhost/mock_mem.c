/* The mock's accounted allocator: every block carries a header linking it into the mock's
 * list, so bts_mockhost_free() can name leaks (and free them, so the sanitizer does not report
 * them a second time) and mem_free() can catch pointers that never came from mem_alloc. */
#include <stdlib.h>
#include <string.h>

#include "mockhost_int.h"

#define BLOCK_MAGIC 0x424c4b21u /* "BLK!" */

struct mock_block {
    union {
        struct {
            uint32_t magic;
            struct bts_mockhost *owner;
            size_t size;
            struct mock_block *prev, *next;
        } h;
        max_align_t align; /* the user's bytes follow, aligned as malloc's would be */
    } u;
};

static struct mock_block *blk(void *p)
{
    return (struct mock_block *)p - 1;
}

static void link_block(struct bts_mockhost *m, struct mock_block *b)
{
    b->u.h.prev = NULL;
    b->u.h.next = m->mem_list;
    if (m->mem_list)
        m->mem_list->u.h.prev = b;
    m->mem_list = b;
    m->mem_blocks++;
    m->mem_bytes += b->u.h.size;
}

static void unlink_block(struct bts_mockhost *m, struct mock_block *b)
{
    if (b->u.h.prev)
        b->u.h.prev->u.h.next = b->u.h.next;
    else
        m->mem_list = b->u.h.next;
    if (b->u.h.next)
        b->u.h.next->u.h.prev = b->u.h.prev;
    m->mem_blocks--;
    m->mem_bytes -= b->u.h.size;
}

/* Nonzero if p is a live block of m. The list is walked rather than the header read, so a
 * foreign or freed pointer is reported as misuse instead of being dereferenced. */
static int check_block(struct bts_mockhost *m, void *p, const char *svc)
{
    for (struct mock_block *b = m->mem_list; b; b = b->u.h.next)
        if (b == blk(p))
            return 1;
    bts_mk_fail(m, "misuse: %s(%p): not a live block of this mock (foreign or already freed)", svc,
                p);
    return 0;
}

static void *alloc_block(struct bts_mockhost *m, size_t n)
{
    if (n == 0 || n > SIZE_MAX - sizeof(struct mock_block))
        return NULL;
    struct mock_block *b = malloc(sizeof(*b) + n);
    if (!b)
        return NULL;
    b->u.h.magic = BLOCK_MAGIC;
    b->u.h.owner = m;
    b->u.h.size = n;
    bts_mk_lock(m);
    link_block(m, b);
    bts_mk_unlock(m);
    return b + 1;
}

static void *mk_mem_alloc(struct bt_host_ctx *h, size_t n)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_MEM_ALLOC, &st);
    return m ? alloc_block(m, n) : NULL;
}

static void mk_mem_free(struct bt_host_ctx *h, void *p)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_MEM_FREE, &st);
    if (!m || !p)
        return;
    bts_mk_lock(m);
    if (check_block(m, p, "mem_free")) {
        struct mock_block *b = blk(p);
        unlink_block(m, b);
        b->u.h.magic = 0;
        free(b);
    }
    bts_mk_unlock(m);
}

static void *mk_mem_realloc(struct bt_host_ctx *h, void *p, size_t n)
{
    bt_status st;
    struct bts_mockhost *m = bts_mk_enter(h, BTS_MOCK_MEM_REALLOC, &st);
    if (!m || n > SIZE_MAX - sizeof(struct mock_block))
        return NULL; /* an injected fault leaves the old block alone, as realloc does */
    if (!p)
        return alloc_block(m, n);
    bts_mk_lock(m);
    if (!check_block(m, p, "mem_realloc")) {
        bts_mk_unlock(m);
        return NULL;
    }
    struct mock_block *b = blk(p);
    unlink_block(m, b);
    if (n == 0) {
        b->u.h.magic = 0;
        free(b);
        bts_mk_unlock(m);
        return NULL;
    }
    struct mock_block *nb = realloc(b, sizeof(*b) + n);
    if (!nb) {
        link_block(m, b);
        bts_mk_unlock(m);
        return NULL;
    }
    nb->u.h.size = n;
    link_block(m, nb);
    bts_mk_unlock(m);
    return nb + 1;
}

void bts_mk_free_mem_check(struct bts_mockhost *m)
{
    if (m->mem_blocks)
        bts_mk_fail(m, "leak: %zu block(s), %zu byte(s) from mem_alloc not freed", m->mem_blocks,
                    m->mem_bytes);
    while (m->mem_list) {
        struct mock_block *b = m->mem_list;
        unlink_block(m, b);
        free(b);
    }
}

size_t bts_mockhost_mem_blocks(const struct bts_mockhost *m)
{
    return m->mem_blocks;
}

size_t bts_mockhost_mem_bytes(const struct bts_mockhost *m)
{
    return m->mem_bytes;
}

void bts_mk_install_mem(struct bt_host *t)
{
    t->mem_alloc = mk_mem_alloc;
    t->mem_realloc = mk_mem_realloc;
    t->mem_free = mk_mem_free;
}
