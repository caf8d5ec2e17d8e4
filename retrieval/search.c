/*
 * search.c - `mdlz index search`: an FTS5 query made from the user's
 * words, ranked by SQLite's bm25(), with a one-line snippet per hit. The
 * FTS5 table is contentless, so FTS5's snippet() has no text to work on:
 * the snippet is cut here from the decompressed body, around the first
 * occurrence of a query word, with the words in [brackets].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "terms.h"

#define SNIPPET_BEFORE 60  /* bytes of context before the first match */
#define SNIPPET_BYTES  200 /* bytes of body shown at most */
#define SNIPPET_CAP    512 /* output buffer */

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
        while (j < n &&
               ret_lower(body[s + j]) == (uint8_t)w->buf[w->off[i] + j])
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

/* Builds the FTS5 query: each word quoted, joined by " " (AND) or " OR ". */
static char *build_query(const word_list *w, int any) {
    size_t cap = 1;
    for (int i = 0; i < w->n; i++) cap += w->len[i] + 6;
    char *q = malloc(cap), *p = q;
    if (!q) return NULL;
    for (int i = 0; i < w->n; i++) {
        if (i) p += sprintf(p, "%s", any ? " OR " : " ");
        p += sprintf(p, "\"%s\"", w->buf + w->off[i]);
    }
    *p = 0;
    return q;
}

int mdlz_index_search(mdlz_index *ix, const char *query, int any, int limit,
                      int (*fn)(void *user, const mdlz_index_hit *h),
                      void *user) {
    word_list w;
    char *q = NULL, snippet[SNIPPET_CAP];
    sqlite3_stmt *st = NULL;
    int count = -1;
    if (words_split(&w, query) || !(q = build_query(&w, any))) {
        ret_fail(ix, "out of memory");
        goto done;
    }
    if (w.n == 0) {
        ret_fail(ix, "the query has no words");
        goto done;
    }
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT rowid, bm25(documents_fts) AS score FROM "
                           "documents_fts WHERE documents_fts MATCH ?1 "
                           "ORDER BY score, rowid LIMIT ?2",
                           -1, &st, NULL)) {
        ret_fail_sql(ix, "index");
        goto done;
    }
    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, limit);
    int s;
    count = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        double score = -sqlite3_column_double(st, 1);
        sqlite3_stmt *g = ret_stmt(ix, RET_ST_GET);
        if (!g) {
            count = -1;
            break;
        }
        sqlite3_bind_int64(g, 1, id);
        if (sqlite3_step(g) != SQLITE_ROW) {
            ret_fail(ix, "document %lld: missing from the documents table",
                     (long long)id);
            sqlite3_reset(g);
            count = -1;
            break;
        }
        const char *name = (const char *)sqlite3_column_text(g, 0);
        uint64_t size = (uint64_t)sqlite3_column_int64(g, 2);
        uint8_t *body;
        snippet[0] = 0;
        const uint8_t *text;
        size_t tlen;
        int owned = 0;
        if (ret_unpack(ix, sqlite3_column_blob(g, 3),
                       (size_t)sqlite3_column_bytes(g, 3), size, &body) == 0) {
            /* the words as indexed: 8-bit text transcoded (text.c) */
            if (ret_words_text(body, (size_t)size, 0, &text, &tlen, &owned))
                text = body, tlen = (size_t)size, owned = 0;
            make_snippet(&w, text, tlen, snippet);
            if (owned) free((void *)text);
            free(body);
        } else {
            snprintf(snippet, sizeof snippet, "(stored body is damaged)");
        }
        mdlz_index_hit h = {id, name ? name : "", score, snippet, size};
        int stop = fn ? fn(user, &h) : 0;
        sqlite3_reset(g);
        count++;
        if (stop) {
            s = SQLITE_DONE;
            break;
        }
    }
    if (count >= 0 && s != SQLITE_DONE) {
        ret_fail_sql(ix, "search");
        count = -1;
    }
done:
    sqlite3_finalize(st);
    free(q);
    words_free(&w);
    return count;
}
