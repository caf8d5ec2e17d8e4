/*
 * search.c - `mdlz index search`: the documents containing all (or, with
 * --or, any) of the user's words, read from the term tables that
 * ret_index_select() uses (terms, postings, totals), ranked by BM25 as
 * FTS5's bm25() computes it (k1 = 1.2, b = 0.75, floating point: for
 * people only), with a one-line snippet per hit cut from the decompressed
 * body around the first occurrence of a query word, the words in
 * [brackets].
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "terms.h"

#define SNIPPET_BEFORE 60   /* bytes of context before the first match */
#define SNIPPET_BYTES 200   /* bytes of body shown at most */
#define SNIPPET_CAP 512     /* output buffer */

/* The query's words, lowercased, each NUL-terminated in one buffer. */
typedef struct {
    char *buf;
    size_t *off;
    size_t *len;
    int n;
} word_list;

static void words_free(word_list *w) {
    free(w->buf);
    free(w->off);
    free(w->len);
}

static int words_split(word_list *w, const char *query) {
    size_t qlen = strlen(query), s, n;
    ret_tokenizer t;
    memset(w, 0, sizeof *w);
    w->buf = malloc(qlen + 1);
    w->off = malloc((qlen / 2 + 1) * sizeof *w->off);
    w->len = malloc((qlen / 2 + 1) * sizeof *w->len);
    if (!w->buf || !w->off || !w->len) return -1;
    size_t p = 0;
    ret_tok_init(&t, (const uint8_t *)query, qlen);
    while (ret_tok_next(&t, &s, &n)) {
        w->off[w->n] = p;
        w->len[w->n] = n;
        for (size_t i = 0; i < n; i++)
            w->buf[p++] = (char)ret_lower((uint8_t)query[s + i]);
        w->buf[p++] = 0;
        w->n++;
    }
    return 0;
}

/* 1 if body[s..s+n) is one of the words (ASCII case-insensitively). */
static int is_word(const word_list *w, const uint8_t *body, size_t s,
                   size_t n) {
    for (int i = 0; i < w->n; i++) {
        if (w->len[i] != n) continue;
        size_t j = 0;
        while (j < n && ret_lower(body[s + j]) == (uint8_t)w->buf[w->off[i] + j])
            j++;
        if (j == n) return 1;
    }
    return 0;
}

/* Appends body[s..e) to out (whitespace and control characters become
 * single spaces). */
static void put_text(char *out, size_t *o, const uint8_t *body, size_t s,
                     size_t e) {
    for (size_t i = s; i < e && *o + 8 < SNIPPET_CAP; i++) {
        uint8_t c = body[i];
        if (c < 0x20 || c == 0x7F) c = ' ';
        if (c == ' ' && *o > 0 && out[*o - 1] == ' ') continue;
        out[(*o)++] = (char)c;
    }
}

/* Cuts the snippet of body into out (SNIPPET_CAP bytes). */
static void make_snippet(const word_list *w, const uint8_t *body, size_t len,
                         char *out) {
    ret_tokenizer t;
    size_t s, n, first = 0;
    ret_tok_init(&t, body, len);
    while (ret_tok_next(&t, &s, &n))
        if (is_word(w, body, s, n)) {
            first = s;
            break;
        }
    size_t start = first > SNIPPET_BEFORE ? first - SNIPPET_BEFORE : 0;
    size_t end = start + SNIPPET_BYTES < len ? start + SNIPPET_BYTES : len;
    /* do not cut a UTF-8 sequence (continuation bytes are 10xxxxxx) */
    while (start > 0 && start < len && (body[start] & 0xC0) == 0x80) start--;
    while (end < len && end > start && (body[end] & 0xC0) == 0x80) end--;
    size_t o = 0, at = start;
    if (start > 0) memcpy(out, "...", 3), o = 3;
    ret_tok_init(&t, body + start, end - start);
    while (ret_tok_next(&t, &s, &n)) {
        if (!is_word(w, body + start, s, n)) continue;
        put_text(out, &o, body, at, start + s);
        if (o + n + 10 >= SNIPPET_CAP) break;
        out[o++] = '[';
        memcpy(out + o, body + start + s, n);
        o += n;
        out[o++] = ']';
        at = start + s + n;
    }
    put_text(out, &o, body, at, end);
    while (o > 0 && out[o - 1] == ' ') o--;
    if (end < len && o + 4 < SNIPPET_CAP) memcpy(out + o, "...", 3), o += 3;
    out[o] = 0;
}

/* One entry of a query word's postings: document, its contribution. */
typedef struct {
    int64_t id;
    int word;      /* index of the (distinct) word */
    double part;   /* the word's BM25 term for this document */
} post_ent;

typedef struct {
    int64_t id;
    double score;
} hit_ent;

static int cmp_ents(const void *pa, const void *pb) {
    const post_ent *a = pa, *b = pb;
    if (a->id != b->id) return a->id < b->id ? -1 : 1;
    return (a->word > b->word) - (a->word < b->word);
}

static int cmp_hits(const void *pa, const void *pb) {
    const hit_ent *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

/* 1 if word i repeats an earlier one. */
static int repeated(const word_list *w, int i) {
    for (int j = 0; j < i; j++)
        if (w->len[j] == w->len[i] &&
            !memcmp(w->buf + w->off[j], w->buf + w->off[i], w->len[i]))
            return 1;
    return 0;
}

/* Appends the entries of word `word` (term w[0..n)) to *ents with their
 * BM25 parts (FTS5's bm25(): k1 = 1.2, b = 0.75, idf floored at 1e-6).
 * Returns 1 if the term is in the index, 0 if not, -1 on error. */
static int word_postings(ret_index *ix, const char *w, size_t n, int word,
                         double ndocs, double avgdl, post_ent **ents,
                         size_t *nents, size_t *cap) {
    int64_t df, tid;
    if (n > RET_MAX_TERM_LEN) return 0;
    int found = ret_term_lookup(ix, (const uint8_t *)w, (uint32_t)n, &df, &tid);
    if (found <= 0) return found;
    double idf = log((ndocs - (double)df + 0.5) / ((double)df + 0.5));
    if (idf <= 0) idf = 1e-6;
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_POSTINGS);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, tid);
    int s = sqlite3_step(st), rc = 1;
    if (s != SQLITE_ROW) {
        rc = s == SQLITE_DONE ? ret_fail(ix, "index: postings missing")
                              : ret_fail_sql(ix, "index");
    } else {
        const uint8_t *p = sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1), pos = 0;
        uint64_t id = 0, d, tf, dl;
        while (pos < len) {
            if (ret_get_varint(p, len, &pos, &d) ||
                ret_get_varint(p, len, &pos, &tf) ||
                ret_get_varint(p, len, &pos, &dl)) {
                rc = ret_fail(ix, "index: damaged postings");
                break;
            }
            id += d;
            if (*nents == *cap) {
                size_t c = *cap ? *cap * 2 : 256;
                post_ent *e = realloc(*ents, c * sizeof *e);
                if (!e) {
                    rc = ret_fail(ix, "out of memory");
                    break;
                }
                *ents = e;
                *cap = c;
            }
            double f = (double)tf, k = 1.2 * (0.25 + 0.75 * (double)dl / avgdl);
            (*ents)[(*nents)++] = (post_ent){(int64_t)id, word,
                                             idf * f * 2.2 / (f + k)};
        }
    }
    sqlite3_reset(st);
    return rc;
}

/* Ranks the matching documents into *hits (best first), from the term
 * tables. Returns the number of hits or -1. */
static int rank(ret_index *ix, const word_list *w, int any, hit_ent **hits) {
    post_ent *ents = NULL;
    size_t nents = 0, cap = 0;
    int nwords = 0, rc = 0;
    *hits = NULL;
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_TOTALS);
    if (!st) return -1;
    int s = sqlite3_step(st);
    double ndocs = s == SQLITE_ROW ? (double)sqlite3_column_int64(st, 0) : 0;
    double ntokens = s == SQLITE_ROW ? (double)sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    if (s != SQLITE_ROW) return ret_fail_sql(ix, "index");
    if (ndocs <= 0) return 0;
    double avgdl = ntokens > 0 ? ntokens / ndocs : 1;
    for (int i = 0; i < w->n; i++) {
        if (repeated(w, i)) continue;
        int f = word_postings(ix, w->buf + w->off[i], w->len[i], nwords,
                              ndocs, avgdl, &ents, &nents, &cap);
        if (f < 0) {
            free(ents);
            return -1;
        }
        if (!f && !any) { /* a word no document has: no document has all */
            free(ents);
            return 0;
        }
        nwords++;
    }
    qsort(ents, nents, sizeof *ents, cmp_ents);
    hit_ent *h = malloc((nents ? nents : 1) * sizeof *h);
    if (!h) {
        free(ents);
        return ret_fail(ix, "out of memory");
    }
    size_t nh = 0;
    for (size_t i = 0; i < nents;) {
        size_t j = i;
        double score = 0;
        for (; j < nents && ents[j].id == ents[i].id; j++)
            score += ents[j].part;
        if (any || (int)(j - i) == nwords) h[nh++] = (hit_ent){ents[i].id,
                                                              score};
        i = j;
    }
    free(ents);
    qsort(h, nh, sizeof *h, cmp_hits);
    *hits = h;
    rc = nh > INT32_MAX ? INT32_MAX : (int)nh;
    return rc;
}

/* Reports hit h (its name and snippet from the documents table); returns
 * 1 to stop, 0 to go on, -1 on error. */
static int report(ret_index *ix, const word_list *w, const hit_ent *e,
                  int (*fn)(void *user, const ret_hit *h), void *user) {
    char snippet[SNIPPET_CAP];
    sqlite3_stmt *g = ret_stmt(ix, RET_ST_GET);
    if (!g) return -1;
    sqlite3_bind_int64(g, 1, e->id);
    if (sqlite3_step(g) != SQLITE_ROW) {
        ret_fail(ix, "document %lld: missing from the documents table",
                 (long long)e->id);
        sqlite3_reset(g);
        return -1;
    }
    const char *name = (const char *)sqlite3_column_text(g, 0);
    uint64_t size = (uint64_t)sqlite3_column_int64(g, 2);
    uint8_t *body;
    snippet[0] = 0;
    if (ret_unpack(ix, sqlite3_column_blob(g, 3),
                   (size_t)sqlite3_column_bytes(g, 3), size, &body) == 0) {
        make_snippet(w, body, (size_t)size, snippet);
        free(body);
    } else {
        snprintf(snippet, sizeof snippet, "(stored body is damaged)");
    }
    ret_hit h = {e->id, name ? name : "", e->score, snippet, size};
    int stop = fn ? fn(user, &h) : 0;
    sqlite3_reset(g);
    return stop ? 1 : 0;
}

int ret_index_search(ret_index *ix, const char *query, int any, int limit,
                     int (*fn)(void *user, const ret_hit *h), void *user) {
    word_list w;
    hit_ent *hits = NULL;
    int count = -1;
    if (words_split(&w, query)) {
        ret_fail(ix, "out of memory");
        words_free(&w);
        return -1;
    }
    if (w.n == 0) {
        ret_fail(ix, "the query has no words");
        words_free(&w);
        return -1;
    }
    /* one read snapshot for the ranking and the documents */
    if (sqlite3_exec(ix->db, "SAVEPOINT ret_search", NULL, NULL, NULL)) {
        ret_fail_sql(ix, "index");
        words_free(&w);
        return -1;
    }
    int n = rank(ix, &w, any, &hits);
    if (n >= 0) {
        count = 0;
        for (int i = 0; i < n && (limit < 0 || count < limit); i++) {
            int r = report(ix, &w, &hits[i], fn, user);
            if (r < 0) {
                count = -1;
                break;
            }
            count++;
            if (r) break;
        }
    }
    sqlite3_exec(ix->db, "RELEASE ret_search", NULL, NULL, NULL);
    free(hits);
    words_free(&w);
    return count;
}
