/* consensus-bttc: a span and event-record source read from files (span_file=, event_file=),
 * for devnets and tests without a Delivery. span_file holds a JSON array of spans in the shape
 * of /bor/span/{id} (bare or in the REST envelope); event_file a JSON array of records in the
 * shape of /clerk/event-record/list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bttc_int.h"

struct bttc_filesrc {
    struct bts_span *spans;
    size_t n_spans;
    struct bts_event_list recs;
};

static bt_status load_spans(struct bttc_filesrc *f, const char *path, char *err, size_t errcap)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errcap, "%s:%d: %s", path, je.line, je.text);
        return BT_EINVAL;
    }
    bt_status st = BT_OK;
    size_t n = json_is_array(root) ? json_array_size(root) : 1;
    f->spans = calloc(n ? n : 1, sizeof(*f->spans));
    if (!f->spans)
        st = BT_ENOMEM;
    for (size_t i = 0; st == BT_OK && i < n; i++) {
        json_t *o = json_is_array(root) ? json_array_get(root, i) : root;
        char *txt = json_dumps(o, JSON_COMPACT);
        if (!txt) {
            st = BT_ENOMEM;
            break;
        }
        char sub[200] = "";
        st = bts_span_parse_json(&f->spans[i], txt, strlen(txt), sub, sizeof(sub));
        free(txt);
        if (st == BT_EINVAL)
            snprintf(err, errcap, "%s: span %zu: %s", path, i, sub);
        if (st == BT_OK)
            f->n_spans++;
    }
    json_decref(root);
    return st;
}

bt_status bttc_filesrc_open(struct bttc_filesrc **out, const char *span_path,
                            const char *event_path, char *err, size_t errcap)
{
    *out = NULL;
    struct bttc_filesrc *f = calloc(1, sizeof(*f));
    if (!f)
        return BT_ENOMEM;
    bt_status st = span_path ? load_spans(f, span_path, err, errcap) : BT_OK;
    if (st == BT_OK && event_path) {
        size_t len = 0;
        FILE *fp = fopen(event_path, "rb");
        char *txt = NULL;
        if (fp) {
            fseek(fp, 0, SEEK_END);
            long sz = ftell(fp);
            fseek(fp, 0, SEEK_SET);
            txt = sz >= 0 ? malloc((size_t)sz + 1) : NULL;
            if (txt)
                len = fread(txt, 1, (size_t)sz, fp);
            fclose(fp);
        }
        if (!txt) {
            snprintf(err, errcap, "%s: cannot read", event_path);
            st = BT_EIO;
        } else {
            char sub[200] = "";
            st = bts_event_list_parse_json(&f->recs, txt, len, sub, sizeof(sub));
            if (st == BT_EINVAL)
                snprintf(err, errcap, "%s: %s", event_path, sub);
            free(txt);
        }
    }
    if (st != BT_OK) {
        bttc_filesrc_free(f);
        return st;
    }
    *out = f;
    return BT_OK;
}

void bttc_filesrc_free(struct bttc_filesrc *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_spans; i++)
        bts_span_free(&f->spans[i]);
    free(f->spans);
    bts_event_list_free(&f->recs);
    free(f);
}

static bt_status fs_span(void *self, uint64_t id, struct bts_span *out)
{
    struct bttc_filesrc *f = self;
    for (size_t i = 0; i < f->n_spans; i++)
        if (f->spans[i].id == id)
            return bts_span_copy(out, &f->spans[i]);
    return BT_ENOTFOUND;
}

static bt_status fs_records(void *self, uint64_t from_id, int64_t to_time,
                            struct bts_event_list *out)
{
    struct bttc_filesrc *f = self;
    /* As Delivery: consecutive ids from from_id while record_time < to_time. */
    for (uint64_t want = from_id;; want++) {
        const struct bts_event_record *hit = NULL;
        for (size_t i = 0; i < f->recs.n && !hit; i++)
            if (f->recs.v[i].id == want)
                hit = &f->recs.v[i];
        if (!hit || !(hit->record_time < to_time))
            return BT_OK;
        bt_status st = bts_event_list_push(out, hit);
        if (st != BT_OK)
            return st;
    }
}

const struct bts_span_source_iface bttc_filesrc_iface = {
    .struct_size = sizeof(struct bts_span_source_iface),
    .span = fs_span,
    .event_records = fs_records,
};
