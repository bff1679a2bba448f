/* Node pool of the trie: size classes carved from 1 MiB chunks with per-class free lists, so a
 * million-key trie costs a few hundred mallocs instead of millions (trie_int.h). */
#include "trie_int.h"

#include <stdlib.h>
#include <sys/mman.h>

/* Chunks start small (tries are often tiny) and double up to 2 MiB. Those are aligned huge-page
 * candidates: a big trie is a random pointer chase, and TLB misses are most of its insert time. */
#define POOL_CHUNK_MIN (64u << 10)
#define POOL_CHUNK_MAX (2u << 20)

/* Under AddressSanitizer every node is its own malloc, so use-after-free and leaks of single
 * nodes stay visible (chunks would hide them). */
#if defined(__SANITIZE_ADDRESS__)
#define POOL_DIRECT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_DIRECT 1
#endif
#endif
#ifndef POOL_DIRECT
#define POOL_DIRECT 0
#endif

struct pool_chunk {
    struct pool_chunk *next;
    /* chunk memory follows, 16-byte aligned */
    _Alignas(16) uint8_t mem[];
};

static size_t class_of(size_t size)
{
    return (size + POOL_GRAIN - 1) / POOL_GRAIN;
}

static bt_status new_chunk(struct tpool *p)
{
    size_t size = p->chunk_size ? p->chunk_size : POOL_CHUNK_MIN;
    struct pool_chunk *ch = NULL;
    if (size == POOL_CHUNK_MAX) {
        void *mem = NULL;
        if (posix_memalign(&mem, POOL_CHUNK_MAX, POOL_CHUNK_MAX) != 0)
            return BT_ENOMEM;
        (void)madvise(mem, POOL_CHUNK_MAX, MADV_HUGEPAGE); /* a hint: failure is harmless */
        ch = mem;
    } else {
        ch = malloc(size);
        if (!ch)
            return BT_ENOMEM;
        p->chunk_size = 2 * size;
    }
    ch->next = p->chunks;
    p->chunks = ch;
    p->cur = ch->mem;
    p->end = (uint8_t *)ch + size;
    return BT_OK;
}

void *tpool_alloc(struct tpool *p, size_t size)
{
    if (size > POOL_BIG || POOL_DIRECT) {
        void *big = malloc(size);
        p->n_direct += big != NULL;
        return big;
    }
    size_t c = class_of(size);
    void *got = p->free_list[c];
    if (got) {
        p->free_list[c] = *(void **)got;
        return got;
    }
    size_t need = c * POOL_GRAIN;
    if ((size_t)(p->end - p->cur) < need && new_chunk(p) != BT_OK)
        return NULL;
    got = p->cur;
    p->cur += need;
    return got;
}

bt_status tpool_reserve(struct tpool *p, size_t bytes)
{
    if (POOL_DIRECT || (size_t)(p->end - p->cur) >= bytes + POOL_GRAIN * 4)
        return BT_OK;
    return new_chunk(p);
}

void tpool_free(struct tpool *p, void *ptr, size_t size)
{
    if (!ptr)
        return;
    if (size > POOL_BIG || POOL_DIRECT) {
        p->n_direct--;
        free(ptr);
        return;
    }
    size_t c = class_of(size);
    *(void **)ptr = p->free_list[c];
    p->free_list[c] = ptr;
}

void tpool_release(struct tpool *p)
{
    struct pool_chunk *ch = p->chunks;
    while (ch) {
        struct pool_chunk *next = ch->next;
        free(ch);
        ch = next;
    }
    *p = (struct tpool){0};
}
