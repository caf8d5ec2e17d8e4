/*
 * explain_probe.c - what an explanation records while the model codes
 * (explain.h): the exact code length of every byte from the probabilities
 * given to the coder, and, on the full run, what retrieval and the tools
 * predicted for it (system/probe.h); the documents' names; the spans.
 *
 * Code length. Coding bit b with P(1) = p/65536 costs -log2(P(b)) bits:
 * 16 - log2(p) for a 1 and 16 - log2(65536 - p) for a 0. log2 is computed
 * with integers (Turner, "A fast binary logarithm algorithm", IEEE Signal
 * Processing Magazine 27(5), 2010): the integer part is the position of
 * the top bit; each of the 16 fraction bits comes from squaring the
 * normalized mantissa (Q30) and halving it when it reaches 2. The fraction
 * is rounded down, so a bit's cost is at most 1/65536 bit above the exact
 * value. The 65536 values are tabled once per handle.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "mdlz_index.h"

static uint32_t log2_q16(uint32_t p) {
    int k = 31 - __builtin_clz(p);
    uint64_t y = (uint64_t)p << (30 - k); /* p / 2^k in Q30, in [1, 2) */
    uint32_t frac = 0;
    for (int b = 15; b >= 0; b--) {
        y = (y * y) >> 30;
        if (y >= (uint64_t)2 << 30) {
            y >>= 1;
            frac |= 1u << b;
        }
    }
    return (uint32_t)k << 16 | frac;
}

void ex_init_log2(mdlz_explain *e) {
    e->log2q[0] = 0; /* never used: the coder gets 0 < p < 65536 */
    for (uint32_t p = 1; p < 65536; p++) e->log2q[p] = log2_q16(p);
}

/* Grows an array of `size`-byte items to hold n + 1; -1 if it cannot. */
static int reserve(void **arr, size_t *cap, size_t n, size_t size) {
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 256;
    void *p = realloc(*arr, c * size);
    if (!p) return -1;
    *arr = p;
    *cap = c;
    return 0;
}

/* The document with index id `id`, added if new; -1 if out of memory. */
static int64_t doc_of(mdlz_explain *e, int64_t id) {
    for (size_t i = e->sum.documents; i-- > 0;)
        if (e->docs[i].id == id) return (int64_t)i;
    if (reserve((void **)&e->docs, &e->cap_docs, e->sum.documents,
                sizeof *e->docs) != 0)
        return -1;
    e->docs[e->sum.documents] = (mdlz_explain_document){id, NULL};
    return (int64_t)e->sum.documents++;
}

/* A byte predicted from a document: extends the last run when it goes on
 * where that one stops. */
static int add_source(mdlz_explain *e, uint64_t pos, const mod_note *n) {
    int64_t d = doc_of(e, n->source);
    if (d < 0) return -1;
    if (e->sum.sources) {
        mdlz_explain_source *s = &e->sources[e->sum.sources - 1];
        if (s->document == (uint32_t)d && s->pos + s->len == pos &&
            s->offset + s->len == n->offset) {
            s->len++;
            return 0;
        }
    }
    if (reserve((void **)&e->sources, &e->cap_sources, e->sum.sources,
                sizeof *e->sources) != 0)
        return -1;
    e->sources[e->sum.sources++] =
        (mdlz_explain_source){pos, 1, (uint32_t)d, n->offset};
    return 0;
}

static int add_proposal(mdlz_explain *e, uint64_t pos, const mod_note *n) {
    if (n->source < 0 || n->source >= EX_TOOLS_MAX) return 0;
    if (reserve((void **)&e->props, &e->cap_props, e->sum.proposals,
                sizeof *e->props) != 0)
        return -1;
    mdlz_explain_proposal *p = &e->props[e->sum.proposals++];
    memset(p, 0, sizeof *p);
    p->pos = pos;
    p->tool = (uint32_t)n->source; /* the stream's tool: mapped later */
    p->len = n->length;
    size_t k = n->length < MOD_NOTE_TEXT ? n->length : MOD_NOTE_TEXT;
    if (k > MDLZ_EXPLAIN_PROPOSAL_MAX) k = MDLZ_EXPLAIN_PROPOSAL_MAX;
    memcpy(p->bytes, n->text, k);
    return 0;
}

static void before(void *user, size_t i) {
    ex_run *r = user;
    (void)i;
    if (!r->cctx || r->oom) return;
    mod_note notes[EX_NOTES_MAX];
    int n = sys_annotate(sys_cctx_rows(r->cctx), notes, EX_NOTES_MAX);
    for (int k = 0; k < n && !r->oom; k++) {
        if (notes[k].row == ROW_RETRIEVAL && notes[k].source >= 0)
            r->oom = add_source(r->e, r->pos, &notes[k]) != 0;
        else if (notes[k].row == ROW_TOOLS)
            r->oom = add_proposal(r->e, r->pos, &notes[k]) != 0;
    }
}

static void after(void *user, size_t i, int c, const uint32_t p1[8]) {
    ex_run *r = user;
    const uint32_t *lg = r->e->log2q;
    (void)i;
    uint32_t cost = 0;
    for (int b = 0; b < 8; b++) {
        uint32_t p = (c >> (7 - b)) & 1 ? p1[b] : 65536 - p1[b];
        cost += (16u << 16) - lg[p];
    }
    r->c->cost[r->pos++] = cost;
}

blk_probe ex_probe(ex_run *r) { return (blk_probe){before, after, r}; }

mdlz_status ex_name_documents(mdlz_explain *e) {
    if (!e->sum.documents) return MDLZ_OK;
    mdlz_index *ix;
    char why[256];
    if (mdlz_index_open(&ix, e->index, MDLZ_INDEX_READ, why, sizeof why) != 0) {
        snprintf(e->detail, sizeof e->detail, "naming documents: %s", why);
        return MDLZ_ERROR_INDEX;
    }
    mdlz_status st = MDLZ_OK;
    for (size_t i = 0; i < e->sum.documents && st == MDLZ_OK; i++) {
        char name[1024];
        if (mdlz_index_name(ix, e->docs[i].id, name, sizeof name) != 0)
            snprintf(name, sizeof name, "document %lld",
                     (long long)e->docs[i].id);
        if (!(e->docs[i].name = strdup(name))) st = MDLZ_ERROR_NOMEM;
    }
    mdlz_index_close(ix);
    return st;
}

/* ---- spans ------------------------------------------------------------- */

static int64_t value_at(const mdlz_explain *e, int which, uint64_t i) {
    return which < 0 ? (int64_t)e->cfg[0].cost[i]
                     : (int64_t)e->aug[which].saving[i];
}

size_t mdlz_explain_spans(const mdlz_explain *e, int which, uint32_t width,
                          mdlz_explain_span *out, size_t cap) {
    uint64_t n = e ? e->sum.input_bytes : 0;
    if (!e || !width || !n || !e->cfg[0].cost ||
        (which >= 0 &&
         ((size_t)which >= e->sum.augmentations || !e->aug[which].saving)) ||
        which < -1)
        return 0;
    if (width > n) width = (uint32_t)n;
    /* Window sums at every start, then the largest, greedily: a window
     * taken removes every start whose window would overlap it. */
    uint64_t starts = n - width + 1;
    int64_t *sum = malloc(starts * sizeof *sum);
    if (!sum) return 0;
    int64_t s = 0;
    for (uint64_t i = 0; i < width; i++) s += value_at(e, which, i);
    sum[0] = s;
    for (uint64_t i = 1; i < starts; i++) {
        s += value_at(e, which, i + width - 1) - value_at(e, which, i - 1);
        sum[i] = s;
    }
    size_t k = 0;
    while (k < cap) {
        uint64_t best = starts;
        for (uint64_t i = 0; i < starts; i++)
            if (sum[i] != INT64_MIN && (best == starts || sum[i] > sum[best]))
                best = i;
        if (best == starts || (which >= 0 && sum[best] <= 0)) break;
        out[k++] = (mdlz_explain_span){best, width, sum[best]};
        uint64_t lo = best >= width ? best - width + 1 : 0;
        uint64_t hi = best + width < starts ? best + width : starts;
        for (uint64_t i = lo; i < hi; i++) sum[i] = INT64_MIN;
    }
    free(sum);
    return k;
}
