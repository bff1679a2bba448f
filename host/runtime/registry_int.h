/* The service registry behind service_provide/find/each: named interfaces in registration
 * order, each owned by the instance that offered it. Loop thread only. */
#ifndef BTTCD_REGISTRY_INT_H
#define BTTCD_REGISTRY_INT_H

#include <bt/abi.h>

struct registry_entry;

struct registry {
    struct registry_entry *head, *tail;
};

/** Add `name`. Returns BT_OK, BT_EEXIST (taken) or BT_ENOMEM. */
bt_status registry_provide(struct registry *r, void *owner, const char *name, const void *iface,
                           void *self);
/** Returns BT_OK or BT_ENOTFOUND (outs set to NULL). */
bt_status registry_find(const struct registry *r, const char *name, const void **out_iface,
                        void **out_self);
/** Visit names starting with `prefix` in order until fn returns nonzero. */
void registry_each(const struct registry *r, const char *prefix,
                   int (*fn)(void *arg, const char *name, const void *iface, void *self),
                   void *arg);
/** Remove every entry of `owner` (NULL: all entries). */
void registry_drop_owner(struct registry *r, void *owner);
/** Number of entries (tests). */
size_t registry_count(const struct registry *r);

#endif /* BTTCD_REGISTRY_INT_H */
