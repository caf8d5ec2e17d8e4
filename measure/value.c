/*
 * value.c - what each document of an index is worth (include/mdlz_value.h,
 * docs/value.md). Per document: its cost alone and its cost with the
 * index but itself left out of the retrieval (leave-one-out). With
 * held-out inputs: each is coded once with the full index, recording the
 * documents its retrieval used (WHOLE's and every online query's); then it
 * is re-coded once per document it used, with that document left out. A
 * document no held-out input used has utility 0: its absence would only
 * move their choices through the ranking statistics (docs/value.md
 * measures how much). Leaving out is done in the retrieval session's
 * queries (system/probe.h, mdlz_index_select_without), never by a rebuilt
 * index: they rank as the index without the document would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "measure.h"
#include "mdlz_index.h"
#include "mdlz_value.h"

typedef struct {
    char *name;
    uint8_t *data;
    size_t len;
} vl_input;

struct mdlz_value {
    cost_coder plain, indexed;
    char *index;
    mdlz_value_progress_fn progress;
    void *progress_user;
    mdlz_value_doc *docs;
    char **names;
    size_t cap_docs;
    vl_input *held;
    size_t cap_held;
    mdlz_value_summary sum;
    char detail[600];
};

void mdlz_value_params_init(mdlz_value_params *p) {
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->level = MDLZ_LEVEL_DEFAULT;
}

/* mdlz_index_list's callback: one row per visible document. */
static int list_doc(void *user, const mdlz_index_docinfo *d) {
    mdlz_value *v = user;
    if (v->sum.docs == v->cap_docs) {
        size_t cap = v->cap_docs ? 2 * v->cap_docs : 64;
        mdlz_value_doc *p = realloc(v->docs, cap * sizeof *p);
        if (!p) return 1;
        v->docs = p;
        char **q = realloc(v->names, cap * sizeof *q);
        if (!q) return 1;
        v->names = q;
        v->cap_docs = cap;
    }
    char *name = ms_strdup(d->name);
    if (!name) return 1;
    v->names[v->sum.docs] = name;
    v->docs[v->sum.docs++] = (mdlz_value_doc){
        .id = d->id, .name = name, .hash = d->hash, .size = d->size};
    v->sum.doc_bytes += d->size;
    return 0;
}

mdlz_status mdlz_value_create(mdlz_value **out, const mdlz_value_params *p,
                              char *err, size_t errlen) {
    if (err && errlen) err[0] = '\0';
    if (!out || !p || !p->index)
        return ms_err(err, errlen, MDLZ_ERROR_PARAM, "no index");
    *out = NULL;
    mdlz_status st = ms_check_params(
        p->reserved, (sizeof p->reserved / sizeof p->reserved[0]), p->level,
        NULL, 0, err, errlen);
    if (st != MDLZ_OK) return st;
    mdlz_value *v = calloc(1, sizeof *v);
    if (!v || !(v->index = ms_strdup(p->index))) {
        free(v);
        return ms_err(err, errlen, MDLZ_ERROR_NOMEM, "%s",
                      mdlz_strerror(MDLZ_ERROR_NOMEM));
    }
    int level = p->level ? p->level : MDLZ_LEVEL_DEFAULT;
    v->plain.level = v->indexed.level = level;
    v->indexed.index = v->index;
    v->progress = p->progress;
    v->progress_user = p->progress_user;
    mdlz_index *ix;
    char why[512];
    int rc = mdlz_index_open(&ix, v->index, MDLZ_INDEX_READ, why, sizeof why);
    if (rc == 0 && mdlz_index_list(ix, list_doc, v) != 0) {
        snprintf(why, sizeof why, "%s", mdlz_index_errmsg(ix));
        rc = -1;
    }
    mdlz_index_close(ix);
    if (rc != 0) {
        mdlz_value_free(v);
        return ms_err(err, errlen, MDLZ_ERROR_INDEX, "%s", why);
    }
    *out = v;
    return MDLZ_OK;
}

void mdlz_value_free(mdlz_value *v) {
    if (!v) return;
    for (size_t i = 0; i < v->sum.docs; i++) free(v->names[i]);
    for (size_t i = 0; i < v->sum.heldout; i++) {
        free(v->held[i].name);
        free(v->held[i].data);
    }
    free(v->names);
    free(v->docs);
    free(v->held);
    free(v->index);
    free(v);
}

mdlz_status mdlz_value_add_heldout(mdlz_value *v, const char *name,
                                   const void *data, size_t len) {
    if (!v || (!data && len)) return MDLZ_ERROR_PARAM;
    if (v->sum.heldout == v->cap_held) {
        size_t cap = v->cap_held ? 2 * v->cap_held : 16;
        vl_input *p = realloc(v->held, cap * sizeof *p);
        if (!p) return MDLZ_ERROR_NOMEM;
        v->held = p;
        v->cap_held = cap;
    }
    vl_input *in = &v->held[v->sum.heldout];
    in->name = ms_strdup(name ? name : "");
    in->data = malloc(len ? len : 1);
    if (!in->name || !in->data) {
        free(in->name);
        free(in->data);
        return MDLZ_ERROR_NOMEM;
    }
    if (len) memcpy(in->data, data, len);
    in->len = len;
    v->sum.heldout++;
    v->sum.heldout_bytes += len;
    return MDLZ_OK;
}

static void progress(mdlz_value *v, const char *stage, size_t done,
                     size_t total) {
    if (v->progress) v->progress(v->progress_user, stage, done, total);
}

static mdlz_status fail(mdlz_value *v, const char *what, const char *name,
                        const cost_coder *c) {
    snprintf(v->detail, sizeof v->detail, "%s %s: %s", what, name, c->detail);
    return MDLZ_ERROR_GENERIC;
}

/* The document with content hash h, or NULL (not visible: cannot be). */
static mdlz_value_doc *find_doc(mdlz_value *v, uint64_t h) {
    for (size_t i = 0; i < v->sum.docs; i++)
        if (v->docs[i].hash == h) return &v->docs[i];
    return NULL;
}

/* Bits alone and leave-one-out of every document. */
static mdlz_status measure_docs(mdlz_value *v) {
    mdlz_index *ix;
    char why[512];
    if (mdlz_index_open(&ix, v->index, MDLZ_INDEX_READ, why, sizeof why) != 0) {
        snprintf(v->detail, sizeof v->detail, "%s", why);
        return MDLZ_ERROR_INDEX;
    }
    mdlz_status st = MDLZ_OK;
    for (size_t i = 0; i < v->sum.docs && st == MDLZ_OK; i++) {
        mdlz_value_doc *d = &v->docs[i];
        uint8_t *body = NULL;
        size_t len = 0;
        progress(v, "documents", i, v->sum.docs);
        if (mdlz_index_get(ix, d->id, d->hash, &body, &len, why, sizeof why)) {
            snprintf(v->detail, sizeof v->detail, "%s", why);
            st = MDLZ_ERROR_INDEX;
            break;
        }
        if (cost_bits(&v->plain, body, len, NULL, 0, &d->bits_alone, NULL,
                      NULL) != MDLZ_OK)
            st = fail(v, "alone", d->name, &v->plain);
        else if (cost_bits(&v->indexed, body, len, &d->hash, 1, &d->bits_loo,
                           NULL, NULL) != MDLZ_OK)
            st = fail(v, "leave-one-out", d->name, &v->indexed);
        free(body);
        d->novelty =
            d->bits_alone ? (double)d->bits_loo / (double)d->bits_alone : 1.0;
        v->sum.bits_alone += d->bits_alone;
        v->sum.bits_loo += d->bits_loo;
    }
    mdlz_index_close(ix);
    return st;
}

/* One held-out input: coded with the full index, then once without each
 * document its retrieval used. */
static mdlz_status measure_heldout(mdlz_value *v, const vl_input *in) {
    uint64_t used[COST_USED_MAX], full, bits;
    int n = 0;
    if (cost_bits(&v->indexed, in->data, in->len, NULL, 0, &full, used, &n) !=
        MDLZ_OK)
        return fail(v, "held-out", in->name, &v->indexed);
    v->sum.heldout_bits += full;
    for (int k = 0; k < n; k++) {
        mdlz_value_doc *d = find_doc(v, used[k]);
        if (!d) continue;
        if (cost_bits(&v->indexed, in->data, in->len, &used[k], 1, &bits, NULL,
                      NULL) != MDLZ_OK)
            return fail(v, "re-coding", in->name, &v->indexed);
        v->sum.recodes++;
        d->used_by++;
        d->utility += (int64_t)bits - (int64_t)full;
        v->sum.utility += (int64_t)bits - (int64_t)full;
    }
    return MDLZ_OK;
}

mdlz_status mdlz_value_run(mdlz_value *v) {
    if (!v) return MDLZ_ERROR_PARAM;
    v->detail[0] = '\0';
    mdlz_value_summary keep = v->sum;
    v->sum.bits_alone = v->sum.bits_loo = v->sum.heldout_bits = 0;
    v->sum.utility = 0;
    v->sum.recodes = 0;
    for (size_t i = 0; i < v->sum.docs; i++) {
        v->docs[i].utility = 0;
        v->docs[i].used_by = 0;
    }
    mdlz_status st = measure_docs(v);
    for (size_t i = 0; i < v->sum.heldout && st == MDLZ_OK; i++) {
        progress(v, "held-out", i, v->sum.heldout);
        st = measure_heldout(v, &v->held[i]);
    }
    if (st != MDLZ_OK) v->sum = keep;
    return st;
}

const char *mdlz_value_error_detail(const mdlz_value *v) {
    return v ? v->detail : "";
}

const mdlz_value_summary *mdlz_value_summary_get(const mdlz_value *v) {
    return v ? &v->sum : NULL;
}

const mdlz_value_doc *mdlz_value_doc_get(const mdlz_value *v, size_t i) {
    return v && i < v->sum.docs ? &v->docs[i] : NULL;
}
