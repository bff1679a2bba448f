/* storage-memory: the ordered skiplist (Pugh 1990, p = 1/4) and the version chains hanging off
 * its nodes. Callers hold the db lock: read for lookups, write for link/unlink. */
#include "mem_int.h"

#include <stdlib.h>
#include <string.h>

struct mem_node *mem_node_new(const uint8_t *key, size_t key_len, int height)
{
    struct mem_node *n =
        malloc(sizeof(*n) + (size_t)height * sizeof(n->next[0]) + (key_len ? key_len : 1));
    if (!n)
        return NULL;
    uint8_t *k = (uint8_t *)&n->next[height];
    if (key_len)
        memcpy(k, key, key_len);
    n->vers = NULL;
    n->key = k;
    n->key_len = key_len;
    n->height = height;
    for (int i = 0; i < height; i++)
        n->next[i] = NULL;
    return n;
}

void mem_ver_unref(struct mem_ver *v)
{
    if (v && atomic_fetch_sub(&v->refs, 1) == 1)
        free(v);
}

static void node_free(struct mem_node *n)
{
    struct mem_ver *v = n->vers;
    while (v) {
        struct mem_ver *older = v->older;
        mem_ver_unref(v);
        v = older;
    }
    free(n);
}

int mem_list_init(struct mem_list *l)
{
    l->head = mem_node_new(NULL, 0, MEM_MAX_HEIGHT);
    l->height = 1;
    return l->head ? 0 : -1;
}

void mem_list_free(struct mem_list *l)
{
    if (!l->head)
        return;
    struct mem_node *n = l->head->next[0];
    while (n) {
        struct mem_node *next = n->next[0];
        node_free(n);
        n = next;
    }
    free(l->head);
    l->head = NULL;
}

int mem_height_for(uint64_t ctr)
{
    /* splitmix64 of a counter: heights need spread, not secrecy, and writers prepare nodes
     * before taking the lock, so there is no shared generator state to guard. */
    uint64_t x = ctr + 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    x ^= x >> 31;
    int h = 1;
    while (h < MEM_MAX_HEIGHT && (x & 3) == 0) {
        h++;
        x >>= 2;
    }
    return h;
}

struct mem_node *mem_list_ge(const struct mem_list *l, const uint8_t *key, size_t key_len,
                             struct mem_node **prev)
{
    struct mem_node *x = l->head;
    for (int i = MEM_MAX_HEIGHT - 1; i >= 0; i--) {
        if (i < l->height) {
            while (x->next[i] &&
                   bts_kvrange_cmp(x->next[i]->key, x->next[i]->key_len, key, key_len) < 0)
                x = x->next[i];
        }
        if (prev)
            prev[i] = x;
    }
    return x->next[0];
}

struct mem_node *mem_list_lt(const struct mem_list *l, const uint8_t *key, size_t key_len)
{
    struct mem_node *x = l->head;
    for (int i = l->height - 1; i >= 0; i--) {
        while (x->next[i] &&
               bts_kvrange_cmp(x->next[i]->key, x->next[i]->key_len, key, key_len) < 0)
            x = x->next[i];
    }
    return x == l->head ? NULL : x;
}

struct mem_node *mem_list_last(const struct mem_list *l)
{
    struct mem_node *x = l->head;
    for (int i = l->height - 1; i >= 0; i--) {
        while (x->next[i])
            x = x->next[i];
    }
    return x == l->head ? NULL : x;
}

void mem_list_link(struct mem_list *l, struct mem_node **prev, struct mem_node *n)
{
    if (n->height > l->height)
        l->height = n->height; /* prev[] above the old height already points at head */
    for (int i = 0; i < n->height; i++) {
        n->next[i] = prev[i]->next[i];
        prev[i]->next[i] = n;
    }
}

void mem_list_unlink(struct mem_list *l, struct mem_node **prev, struct mem_node *n)
{
    for (int i = 0; i < n->height; i++) {
        if (prev[i]->next[i] == n)
            prev[i]->next[i] = n->next[i];
    }
    while (l->height > 1 && !l->head->next[l->height - 1])
        l->height--;
    node_free(n);
}

struct mem_ver *mem_node_visible(const struct mem_node *n, uint64_t seq)
{
    const struct mem_ver *v = n->vers;
    while (v && v->seq > seq)
        v = v->older;
    return v && !v->is_del ? (struct mem_ver *)v : NULL;
}
