/*
 * refselect.h - the ranking of docs/retrieval.md computed the slow way,
 * from the documents' texts, for the tests to compare mdlz_index_select()
 * with. Static functions: each test is one translation unit.
 */
#ifndef MDLZ_TEST_REFSELECT_H
#define MDLZ_TEST_REFSELECT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "terms.h"

/* The formulas of docs/retrieval.md, computed from the documents' texts
 * without the index. */
static uint64_t ref_log2_q16(uint64_t x) {
    int ip = 63;
    while (!(x >> ip)) ip--;
    uint64_t m = ip > 31 ? x >> (ip - 31) : x << (31 - ip);
    uint64_t frac = 0;
    for (int i = 15; i >= 0; i--) {
        m = (m * m) >> 31;
        if (m >> 32) {
            m >>= 1;
            frac |= (uint64_t)1 << i;
        }
    }
    return (uint64_t)ip << 16 | frac;
}

static uint64_t ref_idf(uint64_t N, uint64_t n) {
    uint64_t r = ((2 * (N - n) + 1) << 16) / (2 * n + 1) + ((uint64_t)1 << 16);
    return ref_log2_q16(r) - ((uint64_t)16 << 16);
}

/* tf of term (bytes w, n) in set ts (0 if absent). */
static uint64_t ref_tf(const ret_termset *ts, const uint8_t *w, uint32_t n) {
    for (size_t i = 0; i < ts->n; i++)
        if (ts->terms[i].len == n &&
            !memcmp(ts->arena + ts->terms[i].off, w, n))
            return ts->terms[i].tf;
    return 0;
}

typedef struct {
    uint64_t score;
    int64_t id;
    const ret_term *t;
} ref_item;

static const ret_termset *ref_q;
static int ref_cmp(const void *pa, const void *pb) {
    const ref_item *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->t && b->t) return ret_term_cmp_bytes(ref_q, a->t, b->t);
    return (a->id > b->id) - (a->id < b->id);
}

/* Reference selection over docs[0..nd) with ids 1..nd (NULL: a document
 * not visible, as at an older or newer generation) (no limits but
 * max_docs). Returns the count. */
static int ref_select(char **docs, int nd, const char *query, int max_terms,
                      int max_docs, int64_t *ids) {
    ret_termset *ds = calloc((size_t)nd, sizeof *ds), q;
    memset(&q, 0, sizeof q);
    uint64_t total = 0, N = 0;
    for (int d = 0; d < nd; d++) {
        if (!docs[d]) continue; /* not visible */
        ret_termset_add_text(&ds[d], (const uint8_t *)docs[d], strlen(docs[d]));
        total += ds[d].ntokens;
        N++;
    }
    ret_termset_add_text(&q, (const uint8_t *)query, strlen(query));
    ref_item *terms = calloc(q.n + 1, sizeof *terms);
    uint64_t *idf = calloc(q.n + 1, sizeof *idf);
    size_t nt = 0;
    for (size_t i = 0; i < q.n; i++) {
        const ret_term *t = &q.terms[i];
        uint64_t df = 0;
        for (int d = 0; d < nd; d++)
            df += docs[d] && ref_tf(&ds[d], q.arena + t->off, t->len) > 0;
        if (!df) continue;
        uint64_t w = ref_idf(N, df);
        terms[nt++] = (ref_item){t->tf * w, (int64_t)w, t};
    }
    ref_q = &q;
    qsort(terms, nt, sizeof *terms, ref_cmp);
    if (nt > (size_t)max_terms) nt = (size_t)max_terms;
    ref_item *hits = calloc((size_t)nd, sizeof *hits);
    int nh = 0;
    for (int d = 0; d < nd && N; d++) {
        if (!docs[d]) continue;
        uint64_t dl = ds[d].ntokens, score = 0;
        int any = 0;
        uint64_t norm = 65536 - 49152 +
                        (uint64_t)((unsigned __int128)dl * 49152 * N / total);
        uint64_t k = norm * 6 / 5;
        for (size_t j = 0; j < nt; j++) {
            uint64_t tf =
                ref_tf(&ds[d], q.arena + terms[j].t->off, terms[j].t->len);
            if (!tf) continue;
            any = 1;
            uint64_t sat = (uint64_t)((unsigned __int128)(tf << 16) *
                                      (11 << 16) / (5 * ((tf << 16) + k)));
            score += (uint64_t)terms[j].id * sat >> 16;
        }
        if (any) hits[nh++] = (ref_item){score, d + 1, NULL};
    }
    qsort(hits, (size_t)nh, sizeof *hits, ref_cmp);
    int n = nh < max_docs ? nh : max_docs;
    for (int i = 0; i < n; i++) ids[i] = hits[i].id;
    for (int d = 0; d < nd; d++) ret_termset_free(&ds[d]);
    ret_termset_free(&q);
    free(ds);
    free(terms);
    free(idf);
    free(hits);
    return n;
}

#endif
