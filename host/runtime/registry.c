/* Service registry: a singly linked list; a node has a handful of services, so lookups by
 * linear scan cost nothing worth a hash table. */
#include "registry_int.h"

#include <stdlib.h>
#include <string.h>

struct registry_entry {
    struct registry_entry *next;
    void *owner;
    char *name;
    const void *iface;
    void *self;
};

static struct registry_entry *lookup(const struct registry *r, const char *name)
{
    for (struct registry_entry *e = r->head; e; e = e->next)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

bt_status registry_provide(struct registry *r, void *owner, const char *name, const void *iface,
                           void *self)
{
    if (lookup(r, name))
        return BT_EEXIST;
    struct registry_entry *e = calloc(1, sizeof(*e));
    if (!e || !(e->name = strdup(name))) {
        free(e);
        return BT_ENOMEM;
    }
    e->owner = owner;
    e->iface = iface;
    e->self = self;
    if (r->tail)
        r->tail->next = e;
    else
        r->head = e;
    r->tail = e;
    return BT_OK;
}

bt_status registry_find(const struct registry *r, const char *name, const void **out_iface,
                        void **out_self)
{
    const struct registry_entry *e = lookup(r, name);
    *out_iface = e ? e->iface : NULL;
    *out_self = e ? e->self : NULL;
    return e ? BT_OK : BT_ENOTFOUND;
}

void registry_each(const struct registry *r, const char *prefix,
                   int (*fn)(void *arg, const char *name, const void *iface, void *self), void *arg)
{
    size_t pn = strlen(prefix);
    for (const struct registry_entry *e = r->head; e; e = e->next)
        if (strncmp(e->name, prefix, pn) == 0 && fn(arg, e->name, e->iface, e->self))
            return;
}

void registry_drop_owner(struct registry *r, void *owner)
{
    struct registry_entry **pp = &r->head;
    r->tail = NULL;
    while (*pp) {
        struct registry_entry *e = *pp;
        if (!owner || e->owner == owner) {
            *pp = e->next;
            free(e->name);
            free(e);
        } else {
            r->tail = e;
            pp = &e->next;
        }
    }
}

size_t registry_count(const struct registry *r)
{
    size_t n = 0;
    for (const struct registry_entry *e = r->head; e; e = e->next)
        n++;
    return n;
}
