/* storage-memory: snapshots are batch sequence numbers, registered so that writers keep every
 * version a live snapshot can still see. */
#include "mem_int.h"

#include <stdlib.h>

bt_status mem_snapshot_new(void *self, struct bt_storage_db *db,
                           struct bt_storage_snapshot **out_snap)
{
    (void)self;
    *out_snap = NULL;
    struct bt_storage_snapshot *s = malloc(sizeof(*s));
    if (!s)
        return BT_ENOMEM;
    /* The read lock keeps writers out while we read seq and register: a writer computing the
     * oldest live snapshot can never miss this one. */
    pthread_rwlock_rdlock(&db->lock);
    pthread_mutex_lock(&db->snap_mu);
    s->seq = db->seq;
    s->next = &db->snaps;
    s->prev = db->snaps.prev;
    db->snaps.prev->next = s;
    db->snaps.prev = s;
    pthread_mutex_unlock(&db->snap_mu);
    pthread_rwlock_unlock(&db->lock);
    *out_snap = s;
    return BT_OK;
}

void mem_snapshot_free(void *self, struct bt_storage_db *db, struct bt_storage_snapshot *snap)
{
    (void)self;
    if (!snap)
        return;
    pthread_mutex_lock(&db->snap_mu);
    snap->prev->next = snap->next;
    snap->next->prev = snap->prev;
    pthread_mutex_unlock(&db->snap_mu);
    free(snap);
}

uint64_t mem_oldest_seq(struct bt_storage_db *db)
{
    /* Snapshots are appended in creation order and seq never decreases, so the first is the
     * oldest. */
    pthread_mutex_lock(&db->snap_mu);
    uint64_t seq = db->snaps.next != &db->snaps ? db->snaps.next->seq : UINT64_MAX;
    pthread_mutex_unlock(&db->snap_mu);
    return seq;
}
