/*
 * select.c - ret_index_select(): which documents the retrieval match model
 * reads for a piece of text. The decoder runs the same selection on the
 * same index, so every step is deterministic and integer-only:
 *
 *   1. terms: the text's tokens (terms.c), lowercased, with counts tf;
 *   2. idf(t) = log2(1 + (N - n + 1/2) / (n + 1/2)) in Q16 fixed point,
 *      N = documents, n = documents containing t (the fts5vocab table);
 *      terms not in the index are dropped;
 *   3. the `max_terms` terms with the highest tf * idf (ties: smaller term
 *      bytes first) are OR-ed into one FTS5 query, each quoted;
 *   4. every matching document is scored by ret_rank(), an FTS5 auxiliary
 *      function computing BM25 (k1 = 6/5, b = 3/4) in fixed point from the
 *      same idf values, the term counts of the document, its length and
 *      the average length;
 *   5. documents in score order (ties: lower id first) are taken, skipping
 *      excluded ids and any that would overflow the byte budget, until
 *      max_docs are chosen.
 *
 * Step 2 looks terms up in tf order and stops once no remaining term can
 * enter the top `max_terms` (tf * idf_max below the last kept score), so a
 * long text costs a few hundred vocabulary look-ups, not one per word.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "terms.h"

/* floor(a * b / c) without overflow of the product (c > 0). */
static uint64_t mul_div(uint64_t a, uint64_t b, uint64_t c) {
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

/* ---- the ret_rank() auxiliary function ----------------------------------- */

/* BM25 constants: k1 = 6/5, b = 3/4 (Q16: 49152). */
#define K1_NUM 6
#define K1_DEN 5
#define B_Q16 49152u
#define TF_CAP (1u << 20)

/* ret_rank(fts, idf): idf is a blob of one little-endian uint64 (Q16) per
 * phrase of the query, in query order. Returns the document's BM25 score
 * in Q16 as an integer:
 *   sum_i idf_i * tf_i * (k1 + 1) / (tf_i + k1 * (1 - b + b * dl / avgdl)). */
static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts,
                    sqlite3_context *ctx, int nval, sqlite3_value **val) {
    if (nval != 1) {
        sqlite3_result_error(ctx, "ret_rank: one argument expected", -1);
        return;
    }
    const uint8_t *idf = sqlite3_value_blob(val[0]);
    int nidf = sqlite3_value_bytes(val[0]) / 8;
    int nphrase = api->xPhraseCount(fts);
    sqlite3_int64 nrow = 0, total = 0;
    int dl = 0;
    if (api->xRowCount(fts, &nrow) || api->xColumnTotalSize(fts, 0, &total) ||
        api->xColumnSize(fts, 0, &dl)) {
        sqlite3_result_error(ctx, "ret_rank: index statistics unavailable", -1);
        return;
    }
    /* norm = 1 - b + b * dl / avgdl = 1 - b + b * dl * nrow / total (Q16) */
    uint64_t norm = (uint64_t)1 << 16;
    if (total > 0 && nrow > 0)
        norm = ((uint64_t)1 << 16) - B_Q16 +
               mul_div((uint64_t)dl * B_Q16, (uint64_t)nrow, (uint64_t)total);
    uint64_t k = norm * K1_NUM / K1_DEN; /* k1 * norm, Q16 */
    uint64_t score = 0;
    for (int i = 0; i < nphrase && i < nidf; i++) {
        uint64_t w = 0;
        for (int b = 7; b >= 0; b--) w = w << 8 | idf[8 * i + b];
        Fts5PhraseIter it;
        int col = 0, off = 0;
        uint64_t tf = 0;
        if (api->xPhraseFirst(fts, i, &it, &col, &off)) {
            sqlite3_result_error(ctx, "ret_rank: phrase positions unavailable",
                                 -1);
            return;
        }
        for (; col >= 0 && tf < TF_CAP; api->xPhraseNext(fts, &it, &col, &off))
            tf++;
        if (!tf) continue;
        /* saturation tf * (k1 + 1) / (tf + k1 * norm), Q16 */
        uint64_t sat = mul_div(tf << 16, (uint64_t)(K1_NUM + K1_DEN) << 16,
                               (uint64_t)K1_DEN * ((tf << 16) + k));
        score += w * sat >> 16;
    }
    sqlite3_result_int64(ctx, (sqlite3_int64)(score > INT64_MAX ? INT64_MAX
                                                                : score));
}

int ret_register_rank(ret_index *ix) {
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db, "SELECT fts5(?1)", -1, &st, NULL))
        return ret_fail_sql(ix, "FTS5 unavailable");
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (!api || api->iVersion < 2)
        return ret_fail(ix, "this SQLite has no usable FTS5");
    if (api->xCreateFunction(api, "ret_rank", NULL, rank_fn, NULL))
        return ret_fail_sql(ix, "cannot register ret_rank");
    return 0;
}

/* ---- term selection ------------------------------------------------------ */

typedef struct {
    const ret_term *t;
    uint64_t idf;
    uint64_t score; /* tf * idf */
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

/* Document frequency of a term (0 if absent). Returns 0 or -1. */
static int doc_freq(ret_index *ix, const ret_termset *ts, const ret_term *t,
                    uint64_t *df) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_VOCAB);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, (const char *)ts->arena + t->off, (int)t->len,
                      SQLITE_STATIC);
    int s = sqlite3_step(st);
    *df = s == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? 0 : ret_fail_sql(ix, "index");
}

/* Picks the best `k` terms into best[] (sorted, best first); returns how
 * many (<= k) or -1. */
static int pick_terms(ret_index *ix, const ret_termset *ts, uint64_t ndocs,
                      int k, scored_term *best) {
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
        uint64_t df;
        if (doc_freq(ix, ts, t, &df)) {
            free(order);
            return -1;
        }
        if (df == 0) continue;
        if (df > ndocs) df = ndocs;
        scored_term c = {t, idf_q16(ndocs, df), 0};
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
    int64_t score;
    int64_t id;
} hit;

static int cmp_hits(const void *pa, const void *pb) {
    const hit *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static int cmp_ids(const void *pa, const void *pb) {
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

/* Builds `"t1" OR "t2" ...` and the idf blob; runs the query; collects
 * (score, id) of every match into *hits (malloc'd). Returns the count or
 * -1. */
static long run_query(ret_index *ix, const ret_termset *ts,
                      const scored_term *terms, int nterms, hit **hits) {
    size_t qlen = 1;
    for (int i = 0; i < nterms; i++) qlen += terms[i].t->len + 6;
    char *q = malloc(qlen);
    uint8_t *idf = malloc((size_t)nterms * 8);
    sqlite3_stmt *st = NULL;
    long n = -1, cap = 0;
    *hits = NULL;
    if (!q || !idf) {
        ret_fail(ix, "out of memory");
        goto done;
    }
    size_t p = 0;
    for (int i = 0; i < nterms; i++) {
        if (i) memcpy(q + p, " OR ", 4), p += 4;
        q[p++] = '"';
        memcpy(q + p, ts->arena + terms[i].t->off, terms[i].t->len);
        p += terms[i].t->len;
        q[p++] = '"';
        for (int b = 0; b < 8; b++)
            idf[8 * i + b] = (uint8_t)(terms[i].idf >> (8 * b));
    }
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT rowid, ret_rank(documents_fts, ?2) FROM "
                           "documents_fts WHERE documents_fts MATCH ?1",
                           -1, &st, NULL)) {
        ret_fail_sql(ix, "index");
        goto done;
    }
    sqlite3_bind_text(st, 1, q, (int)p, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, idf, nterms * 8, SQLITE_STATIC);
    int s;
    n = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            hit *h = realloc(*hits, (size_t)cap * sizeof *h);
            if (!h) {
                s = SQLITE_NOMEM;
                break;
            }
            *hits = h;
        }
        (*hits)[n++] = (hit){sqlite3_column_int64(st, 1),
                             sqlite3_column_int64(st, 0)};
    }
    if (s != SQLITE_DONE) {
        ret_fail(ix, "index: %s", s == SQLITE_NOMEM ? "out of memory"
                                                    : sqlite3_errmsg(ix->db));
        n = -1;
    }
done:
    sqlite3_finalize(st);
    free(q);
    free(idf);
    if (n < 0) {
        free(*hits);
        *hits = NULL;
    }
    return n;
}

/* Size and hash of a document. Returns 0 or -1. */
static int doc_meta(ret_index *ix, int64_t id, uint64_t *hash, uint64_t *size) {
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

/* ret_index_select() inside its read transaction. */
static int select_docs(ret_index *ix, const uint8_t *text, size_t len,
                       int max_terms, int max_docs, uint64_t max_bytes,
                       const int64_t *exclude, int n_exclude,
                       ret_docref *out) {
    ret_termset ts;
    memset(&ts, 0, sizeof ts);
    scored_term *best = NULL;
    int64_t *ex = NULL;
    hit *hits = NULL;
    int count = -1;
    int64_t ndocs;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db, "SELECT count(*) FROM documents", -1, &st,
                           NULL))
        return ret_fail_sql(ix, "index");
    int s = sqlite3_step(st);
    ndocs = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (s != SQLITE_ROW) return ret_fail_sql(ix, "index");
    if (ndocs == 0) return 0;
    if (ret_termset_add_text(&ts, text, len)) {
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
    int nterms = pick_terms(ix, &ts, (uint64_t)ndocs, max_terms, best);
    if (nterms <= 0) {
        count = nterms < 0 ? -1 : 0;
        goto done;
    }
    long nhits = run_query(ix, &ts, best, nterms, &hits);
    if (nhits < 0) goto done;
    qsort(hits, (size_t)nhits, sizeof *hits, cmp_hits);
    if (n_exclude > 0) {
        memcpy(ex, exclude, (size_t)n_exclude * sizeof *ex);
        qsort(ex, (size_t)n_exclude, sizeof *ex, cmp_ids);
    }
    uint64_t used = 0;
    count = 0;
    for (long i = 0; i < nhits && count < max_docs; i++) {
        int64_t id = hits[i].id;
        if (n_exclude > 0 &&
            bsearch(&id, ex, (size_t)n_exclude, sizeof *ex, cmp_ids))
            continue;
        uint64_t hash = 0, size = 0;
        if (doc_meta(ix, id, &hash, &size)) {
            count = -1;
            break;
        }
        if (size > max_bytes - used) continue;
        used += size;
        out[count++] = (ret_docref){id, hash, size};
    }
done:
    free(hits);
    free(ex);
    free(best);
    ret_termset_free(&ts);
    return count;
}

int ret_index_select(ret_index *ix, const uint8_t *text, size_t len,
                     int max_terms, int max_docs, uint64_t max_bytes,
                     const int64_t *exclude, int n_exclude, ret_docref *out) {
    if (max_terms <= 0 || max_docs <= 0 || len == 0) return 0;
    /* one snapshot for all the statements, even without ret_index_pin() */
    if (sqlite3_exec(ix->db, "SAVEPOINT ret_select", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    int n = select_docs(ix, text, len, max_terms, max_docs, max_bytes, exclude,
                        n_exclude, out);
    sqlite3_exec(ix->db, "RELEASE ret_select", NULL, NULL, NULL);
    return n;
}
