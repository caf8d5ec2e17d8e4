/*
 * select.c - mdlz_index_select(): which documents the retrieval match model
 * reads for a piece of text. The decoder runs the same selection on the
 * same index, so every step is deterministic and integer-only:
 *
 *   0. the generation g asked for fixes what is seen: the documents
 *      visible at g (added by g, not removed by g; generation.c) and its
 *      totals N (documents) and T (tokens);
 *   1. terms: the text's tokens (terms.c, after text.c's transcoding of
 *      8-bit text), lowercased, with counts tf;
 *   2. idf(t) = log2(1 + (N - n + 1/2) / (n + 1/2)) in Q16 fixed point,
 *      n = documents visible at g containing t (the `terms` table's count
 *      when every stored document is visible at g, else counted from its
 *      postings); terms in no visible document are dropped;
 *   3. the `max_terms` terms with the highest tf * idf (ties: smaller term
 *      bytes first) form the (OR) query;
 *   4. every document in the postings of a query term is scored by BM25
 *      (k1 = 6/5, b = 3/4) in fixed point from the same idf values, its
 *      count of each term, its length and the average length, all read
 *      from the `postings` and `totals` tables (index.c maintains them);
 *   5. documents in score order (ties: lower id first) are taken, skipping
 *      excluded contents (hashes) and any that would overflow the byte
 *      budget, until max_docs are chosen.
 *
 * Step 2 looks terms up in tf order and stops once no remaining term can
 * enter the top `max_terms` (tf * idf_max below the last kept score), so a
 * long text costs a few hundred B-tree look-ups, not one per word. Step 4
 * reads one row per query term (its postings, a few bytes per document)
 * rather than the FTS5 index with its positions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "terms.h"

/* floor(a * b / c) without overflow of the product (c > 0). */
static uint64_t mul_div(uint64_t a, uint64_t b, uint64_t c) {
    if (!((a | b) >> 32)) return a * b / c; /* the product fits */
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 q = (u128)a * b / c;
    return q > UINT64_MAX ? UINT64_MAX : (uint64_t)q;
#else
    /* 128-bit product in (hi, lo), then binary long division */
    uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu,
             b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    uint64_t lo = (p00 & 0xFFFFFFFFu) | mid << 32;
    uint64_t hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    if (hi >= c) return UINT64_MAX;
    uint64_t q = 0, r = hi;
    for (int i = 63; i >= 0; i--) {
        int carry = (int)(r >> 63);
        r = r << 1 | (lo >> i & 1);
        q <<= 1;
        if (carry || r >= c) {
            r -= c;
            q |= 1;
        }
    }
    return q;
#endif
}

/* floor(log2(x) * 2^16) for x >= 1, by repeated squaring of the mantissa
 * (kept in Q31): exact integer arithmetic, the same on every machine. */
static uint64_t log2_q16(uint64_t x) {
    int ip = 63;
    while (!(x >> ip)) ip--;
    uint64_t m = ip > 31 ? x >> (ip - 31) : x << (31 - ip);
    uint64_t frac = 0;
    for (int i = 15; i >= 0; i--) {
        m = (m * m) >> 31; /* m < 2^32, so m * m < 2^64 */
        if (m >> 32) {
            m >>= 1;
            frac |= (uint64_t)1 << i;
        }
    }
    return (uint64_t)ip << 16 | frac;
}

/* idf of a term in n of N documents, Q16 (> 0 for 1 <= n <= N). */
static uint64_t idf_q16(uint64_t N, uint64_t n) {
    uint64_t r = ((2 * (N - n) + 1) << 16) / (2 * n + 1) + ((uint64_t)1 << 16);
    return log2_q16(r) - ((uint64_t)16 << 16);
}

/* ---- BM25 -------------------------------------------------------------- */

/* BM25 constants: k1 = 6/5, b = 3/4 (Q16: 49152). */
#define K1_NUM 6
#define K1_DEN 5
#define B_Q16  49152u
#define TF_CAP (1u << 20)

/* k1 * (1 - b + b * dl / avgdl) in Q16, avgdl = total / nrow. */
static uint64_t bm25_k(uint64_t dl, uint64_t nrow, uint64_t total) {
    uint64_t norm = (uint64_t)1 << 16;
    if (total > 0 && nrow > 0)
        norm = ((uint64_t)1 << 16) - B_Q16 + mul_div(dl * B_Q16, nrow, total);
    return norm * K1_NUM / K1_DEN;
}

/* A term's BM25 weight in a document, Q16: idf * sat >> 16 with the
 * saturation sat = tf * (k1 + 1) / (tf + k), Q16. */
static uint64_t bm25_term(uint64_t idf, uint64_t tf, uint64_t k) {
    if (tf > TF_CAP) tf = TF_CAP;
    uint64_t sat = mul_div(tf << 16, (uint64_t)(K1_NUM + K1_DEN) << 16,
                           (uint64_t)K1_DEN * ((tf << 16) + k));
    return idf * sat >> 16;
}

/* ---- what generation g sees ---------------------------------------------- */

/* The documents visible at a generation: ids up to maxid that are not in
 * hidden[] (removed by then, still stored). `exact`: every stored
 * document is visible, so the terms table's counts are g's. */
typedef struct {
    int64_t maxid;
    const int64_t *hidden;
    size_t nhidden;
    int exact;
} visibility;

static int cmp_ids(const void *pa, const void *pb) {
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

static int is_visible(const visibility *v, int64_t id) {
    return id <= v->maxid &&
           !(v->nhidden &&
             bsearch(&id, v->hidden, v->nhidden, sizeof *v->hidden, cmp_ids));
}

/* The number of documents visible at g in postings row tid (stored
 * entries: df). Returns it, or -1. */
static int64_t visible_df(mdlz_index *ix, const visibility *v, int64_t tid,
                          int64_t df) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_POSTINGS);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, tid);
    int64_t n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const uint8_t *p = sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1), pos = 0;
        uint64_t id = 0, d, tf, dl;
        int64_t seen = 0;
        n = 0;
        while (pos < len && seen < df) {
            if (ret_get_varint(p, len, &pos, &d) ||
                ret_get_varint(p, len, &pos, &tf) ||
                ret_get_varint(p, len, &pos, &dl) || d == 0 ||
                id + d > INT64_MAX) {
                n = -1;
                break;
            }
            id += d;
            seen++;
            if ((int64_t)id > v->maxid) break; /* ids increase */
            n += is_visible(v, (int64_t)id);
        }
    }
    sqlite3_reset(st);
    if (n < 0) ret_fail(ix, "index: damaged postings");
    return n;
}

/* ---- term selection ------------------------------------------------------ */

typedef struct {
    const ret_term *t;
    uint64_t idf;
    uint64_t score; /* tf * idf */
    int64_t tid;    /* postings row */
    int64_t df;     /* its stored entries (all generations) */
} scored_term;

/* A term with its set, for qsort. */
typedef struct {
    const ret_termset *ts;
    const ret_term *t;
} term_ref;

/* Orders terms by tf (descending), then bytes. */
static int cmp_tf_desc(const void *pa, const void *pb) {
    const term_ref *a = pa, *b = pb;
    if (a->t->tf != b->t->tf) return a->t->tf > b->t->tf ? -1 : 1;
    return ret_term_cmp_bytes(a->ts, a->t, b->t);
}

/* 1 if (score, bytes) of a ranks before b: higher score, then smaller
 * bytes. */
static int term_before(const ret_termset *ts, const scored_term *a,
                       const scored_term *b) {
    if (a->score != b->score) return a->score > b->score;
    return ret_term_cmp_bytes(ts, a->t, b->t) < 0;
}

/* Picks the best `k` terms into best[] (sorted, best first); returns how
 * many (<= k) or -1. */
static int pick_terms(mdlz_index *ix, const ret_termset *ts, uint64_t ndocs,
                      const visibility *v, int k, scored_term *best) {
    term_ref *order = malloc((ts->n ? ts->n : 1) * sizeof *order);
    if (!order) return ret_fail(ix, "out of memory");
    for (size_t i = 0; i < ts->n; i++) order[i] = (term_ref){ts, &ts->terms[i]};
    qsort(order, ts->n, sizeof *order, cmp_tf_desc);
    uint64_t idf_max = idf_q16(ndocs, 1);
    int nbest = 0;
    for (size_t i = 0; i < ts->n; i++) {
        const ret_term *t = order[i].t;
        if (nbest == k && (uint64_t)t->tf * idf_max < best[k - 1].score)
            break; /* no later term (tf no higher) can enter */
        int64_t df = 0, tid = 0;
        int found = ret_term_lookup(ix, ts->arena + t->off, t->len, &df, &tid);
        if (found < 0) {
            free(order);
            return -1;
        }
        if (!found || df <= 0) continue;
        int64_t stored = df;
        if (!v->exact && (df = visible_df(ix, v, tid, df)) < 0) {
            free(order);
            return -1;
        }
        if (df == 0) continue; /* in no document of this generation */
        if ((uint64_t)df > ndocs) df = (int64_t)ndocs;
        scored_term c = {t, idf_q16(ndocs, (uint64_t)df), 0, tid, stored};
        c.score = (uint64_t)t->tf * c.idf;
        if (nbest == k && !term_before(ts, &c, &best[k - 1])) continue;
        int j = nbest < k ? nbest++ : k - 1;
        while (j > 0 && term_before(ts, &c, &best[j - 1])) {
            best[j] = best[j - 1];
            j--;
        }
        best[j] = c;
    }
    free(order);
    return nbest;
}

/* ---- document ranking ---------------------------------------------------- */

typedef struct {
    uint64_t score;
    int64_t id;
} hit;

static int cmp_hits(const void *pa, const void *pb) {
    const hit *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static int cmp_hashes(const void *pa, const void *pb) {
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* Scores accumulated per document: open addressing on the id (ids > 0). */
typedef struct {
    hit *slots;
    size_t mask;
    size_t n;
} score_table;

/* Adds w to the score of id. Returns 0, or -1 if the table is full (more
 * documents in the postings than the totals count: a damaged index). */
static int score_add(score_table *t, int64_t id, uint64_t w) {
    size_t i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15u >> 20) & t->mask;
    while (t->slots[i].id && t->slots[i].id != id) i = (i + 1) & t->mask;
    if (!t->slots[i].id) {
        if (t->n >= t->mask) return -1; /* keep one slot empty */
        t->slots[i].id = id;
        t->n++;
    }
    t->slots[i].score += w;
    return 0;
}

/* Scores every document containing one of the terms by BM25 from their
 * postings: sum over the terms of idf * tf * (k1 + 1) / (tf + k). The
 * sum does not depend on the order of the terms. Sets *hits (malloc'd,
 * unsorted) and returns their count, or -1. */
static long score_docs(mdlz_index *ix, const scored_term *terms, int nterms,
                       uint64_t nrow, uint64_t total, const visibility *vis,
                       hit **hits) {
    score_table tab = {NULL, 0, 0};
    uint64_t entries = 0; /* bounds the documents, and so does nrow */
    *hits = NULL;
    for (int i = 0; i < nterms; i++) entries += (uint64_t)terms[i].df;
    if (entries > nrow) entries = nrow;
    size_t cap = 64;
    while (cap < 2 * entries) cap *= 2;
    tab.slots = calloc(cap, sizeof *tab.slots);
    if (!tab.slots) return ret_fail(ix, "out of memory");
    tab.mask = cap - 1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < nterms; i++) {
        sqlite3_stmt *st = ret_stmt(ix, RET_ST_POSTINGS);
        if (!st) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(st, 1, terms[i].tid);
        int s = sqlite3_step(st);
        if (s != SQLITE_ROW) {
            rc = s == SQLITE_DONE ? ret_fail(ix, "index: postings missing")
                                  : ret_fail_sql(ix, "index");
        } else {
            const uint8_t *p = sqlite3_column_blob(st, 1);
            size_t len = (size_t)sqlite3_column_bytes(st, 1), pos = 0;
            uint64_t id = 0, v, tf, dl, idf = terms[i].idf;
            int64_t n = 0;
            while (pos < len) {
                if (ret_get_varint(p, len, &pos, &v) ||
                    ret_get_varint(p, len, &pos, &tf) ||
                    ret_get_varint(p, len, &pos, &dl) || v == 0 ||
                    n >= terms[i].df || id + v > INT64_MAX) {
                    rc = ret_fail(ix, "index: damaged postings");
                    break;
                }
                id += v;
                n++;
                if (!is_visible(vis, (int64_t)id)) continue;
                if (score_add(&tab, (int64_t)id,
                              bm25_term(idf, tf, bm25_k(dl, nrow, total)))) {
                    rc = ret_fail(ix, "index: damaged postings");
                    break;
                }
            }
            if (!rc && n != terms[i].df)
                rc = ret_fail(ix, "index: damaged postings");
        }
        sqlite3_reset(st);
    }
    long n = -1;
    if (!rc) {
        /* compact the table into the hit list */
        n = 0;
        for (size_t i = 0; i < cap; i++)
            if (tab.slots[i].id) tab.slots[n++] = tab.slots[i];
        *hits = tab.slots;
    } else {
        free(tab.slots);
    }
    return n;
}

/* Moves the k best hits of h[0..n) (cmp_hits order, a total order as ids
 * are distinct) to the front, sorted: a quickselect, then a sort. */
static void select_top(hit *h, long n, long k) {
    if (k <= 0) return;
    long lo = 0, hi = n - 1;
    while (k < n && lo < hi) {
        hit pivot = h[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (cmp_hits(&h[i], &pivot) < 0) i++;
            while (cmp_hits(&h[j], &pivot) > 0) j--;
            if (i <= j) {
                hit x = h[i];
                h[i++] = h[j];
                h[j--] = x;
            }
        }
        if (k - 1 <= j) hi = j;
        else if (k - 1 >= i) lo = i;
        else break;
    }
    qsort(h, (size_t)k, sizeof *h, cmp_hits);
}

/* Size and hash of a document. Returns 0 or -1. */
static int doc_meta(mdlz_index *ix, int64_t id, uint64_t *hash,
                    uint64_t *size) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_META);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *hash = (uint64_t)sqlite3_column_int64(st, 0);
        *size = (uint64_t)sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (s == SQLITE_ROW) return 0;
    return ret_fail(ix, "document %lld: missing from the documents table",
                    (long long)id);
}

/* The visibility of generation g (hidden: malloc'd, the caller frees). */
static int load_visibility(mdlz_index *ix, const mdlz_index_gen *g,
                           visibility *v, int64_t **hidden) {
    size_t n = 0;
    int64_t maxstored = 0;
    sqlite3_stmt *st;
    if (ret_gen_hidden(ix, g, hidden, &n)) return -1;
    if (!(st = ret_stmt(ix, RET_ST_MAXID))) return -1;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) maxstored = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (s != SQLITE_ROW) return ret_fail_sql(ix, "index");
    *v = (visibility){g->maxid, *hidden, n, n == 0 && maxstored <= g->maxid};
    return 0;
}

/* Documents treated as not in the index (mdlz_index_select_without):
 * those visible at g with these hashes join the hidden ids (so they count
 * in no frequency, and *v counts from the postings), and leave g's totals.
 * Returns 0 or -1. */
static int hide_without(mdlz_index *ix, const mdlz_index_gen *g,
                        const uint64_t *without, int n_without, visibility *v,
                        int64_t **hidden, int64_t *ndocs, uint64_t *ntokens) {
    /* (+1: malloc(0) may be NULL, which is no failure here) */
    int64_t *ids = malloc((v->nhidden + (size_t)n_without + 1) * sizeof *ids);
    sqlite3_stmt *st = NULL;
    if (!ids) return ret_fail(ix, "out of memory");
    if (sqlite3_prepare_v2(
            ix->db,
            "SELECT id, tokens FROM documents WHERE hash = ?1 "
            "AND gen <= ?2 AND (removed IS NULL OR removed > ?2)",
            -1, &st, NULL) != SQLITE_OK) {
        free(ids);
        return ret_fail_sql(ix, "index");
    }
    size_t n = v->nhidden;
    if (n) memcpy(ids, v->hidden, n * sizeof *ids); /* hidden may be NULL */
    int rc = 0;
    for (int i = 0; i < n_without && !rc; i++) {
        sqlite3_bind_int64(st, 1, (int64_t)without[i]);
        sqlite3_bind_int64(st, 2, g->gen);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            ids[n++] = sqlite3_column_int64(st, 0);
            *ndocs -= 1;
            *ntokens -= (uint64_t)sqlite3_column_int64(st, 1);
        } else if (r != SQLITE_DONE) {
            rc = ret_fail_sql(ix, "index");
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc) {
        free(ids);
        return -1;
    }
    qsort(ids, n, sizeof *ids, cmp_ids);
    free(*hidden);
    *hidden = ids;
    *v = (visibility){v->maxid, ids, n, v->exact && n == v->nhidden};
    return 0;
}

/* mdlz_index_select() inside its read transaction. */
static int select_docs(mdlz_index *ix, int64_t gen, const uint8_t *text,
                       size_t len, int max_terms, int max_docs,
                       uint64_t max_bytes, const uint64_t *exclude,
                       int n_exclude, const uint64_t *without, int n_without,
                       mdlz_index_docref *out) {
    ret_termset ts;
    memset(&ts, 0, sizeof ts);
    scored_term *best = NULL;
    uint64_t *ex = NULL;
    int64_t *hidden = NULL;
    hit *hits = NULL;
    int count = -1, owned = 0;
    mdlz_index_gen g;
    visibility vis = {
        0}; /* (set by load_visibility; GCC -O3 without LTO cannot tell) */
    const uint8_t *words = NULL;
    size_t wlen = 0;
    if (ret_gen_get(ix, gen, &g)) return -1;
    if (!g.intact) {
        ret_gen_gone(ix, g.gen);
        return -1;
    }
    int64_t ndocs = g.docs;
    uint64_t ntokens = g.tokens;
    if (ndocs <= 0) return 0;
    if (load_visibility(ix, &g, &vis, &hidden)) goto done;
    if (n_without > 0 && hide_without(ix, &g, without, n_without, &vis, &hidden,
                                      &ndocs, &ntokens))
        goto done;
    if (ndocs <= 0) {
        count = 0;
        goto done;
    }
    if (ret_words_text(text, len, 1, &words, &wlen, &owned) ||
        ret_termset_add_text(&ts, words, wlen)) {
        ret_fail(ix, "out of memory");
        goto done;
    }
    if ((size_t)max_terms > ts.n) max_terms = (int)ts.n; /* same result */
    if (max_terms == 0) {
        count = 0;
        goto done;
    }
    best = malloc((size_t)max_terms * sizeof *best);
    ex = malloc((n_exclude > 0 ? (size_t)n_exclude : 1) * sizeof *ex);
    if (!best || !ex) {
        ret_fail(ix, "out of memory");
        goto done;
    }
    int nterms = pick_terms(ix, &ts, (uint64_t)ndocs, &vis, max_terms, best);
    if (nterms <= 0) {
        count = nterms < 0 ? -1 : 0;
        goto done;
    }
    long nhits =
        score_docs(ix, best, nterms, (uint64_t)ndocs, ntokens, &vis, &hits);
    if (nhits < 0) goto done;
    if (n_exclude > 0) {
        memcpy(ex, exclude, (size_t)n_exclude * sizeof *ex);
        qsort(ex, (size_t)n_exclude, sizeof *ex, cmp_hashes);
    }
    /* Take documents in (score, id) order. Most calls stop after a few, so
     * rather than sorting every hit, sort the best ones: a prefix of
     * `part` hits after moving those ranking above the part-th to the
     * front; grow it if that prefix runs out. */
    uint64_t used = 0;
    long taken = 0, part = 0;
    count = 0;
    while (taken < nhits && count < max_docs) {
        if (taken == part) {
            long want = part ? part * 4 : 4 * (long)max_docs + 16;
            part = want < nhits ? want : nhits;
            select_top(hits + taken, nhits - taken, part - taken);
        }
        int64_t id = hits[taken++].id;
        uint64_t hash = 0, size = 0;
        if (doc_meta(ix, id, &hash, &size)) {
            count = -1;
            break;
        }
        if (n_exclude > 0 &&
            bsearch(&hash, ex, (size_t)n_exclude, sizeof *ex, cmp_hashes))
            continue;
        if (size > max_bytes - used) continue;
        used += size;
        out[count++] = (mdlz_index_docref){id, hash, size};
    }
done:
    if (owned) free((void *)words);
    free(hidden);
    free(hits);
    free(ex);
    free(best);
    ret_termset_free(&ts);
    return count;
}

int mdlz_index_select_without(mdlz_index *ix, int64_t gen, const uint8_t *text,
                              size_t len, int max_terms, int max_docs,
                              uint64_t max_bytes, const uint64_t *exclude,
                              int n_exclude, const uint64_t *without,
                              int n_without, mdlz_index_docref *out) {
    if (max_terms <= 0 || max_docs <= 0 || len == 0) return 0;
    /* one snapshot for all the statements, even without mdlz_index_pin() */
    if (sqlite3_exec(ix->db, "SAVEPOINT ret_select", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    int n = select_docs(ix, gen, text, len, max_terms, max_docs, max_bytes,
                        exclude, n_exclude, without, n_without, out);
    sqlite3_exec(ix->db, "RELEASE ret_select", NULL, NULL, NULL);
    return n;
}

int mdlz_index_select(mdlz_index *ix, int64_t gen, const uint8_t *text,
                      size_t len, int max_terms, int max_docs,
                      uint64_t max_bytes, const uint64_t *exclude,
                      int n_exclude, mdlz_index_docref *out) {
    return mdlz_index_select_without(ix, gen, text, len, max_terms, max_docs,
                                     max_bytes, exclude, n_exclude, NULL, 0,
                                     out);
}
