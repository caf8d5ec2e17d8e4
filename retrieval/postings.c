/*
 * postings.c - the term tables of the index: terms(term, df, tid) and
 * postings(tid, last, data) hold what mdlz_index_select() reads
 * (docs/retrieval.md): per term the number of stored documents containing
 * it and an entry (id, tf, dl) per such document, with terms as terms.c
 * tokenizes them (after text.c's transcoding). They hold every stored
 * document, removed or not, so that older generations can still be
 * ranked: the documents added in a transaction get their entries at
 * mdlz_index_commit(), from their stored bodies, in one batch (so adding a
 * tree appends to each term's row once); `gc` takes the purged documents'
 * entries out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "terms.h"
/* Flush a batch of added documents once it holds this many bytes. */
#define BATCH_FLUSH_BYTES ((size_t)64 << 20)

void ret_batch_init(term_batch *b, int with_counts) {
    memset(b, 0, sizeof *b);
    b->with_counts = with_counts;
}

void ret_batch_clear(term_batch *b) {
    for (size_t i = 0; i < b->dict.n; i++) {
        b->acc[i].len = 0;
        b->acc[i].last = 0;
        b->acc[i].df = 0;
    }
    ret_termset_clear(&b->dict);
    b->docs = b->tokens = 0;
    b->bytes = 0;
}

void ret_batch_free(term_batch *b) {
    for (size_t i = 0; i < b->nacc; i++) free(b->acc[i].buf);
    free(b->acc);
    free(b->idx);
    ret_termset_free(&b->dict);
    ret_termset_free(&b->doc);
    memset(b, 0, sizeof *b);
}

/* Makes room for `need` more bytes in a's buffer. */
static int acc_room(term_acc *a, size_t need) {
    if (a->len + need <= a->cap) return 0;
    size_t cap = a->cap ? a->cap * 2 : 32;
    while (cap < a->len + need) cap *= 2;
    uint8_t *p = realloc(a->buf, cap);
    if (!p) return -1;
    a->buf = p;
    a->cap = cap;
    return 0;
}

/* Adds document `id` (text[0..len)) to the batch. Ids must increase. The
 * text's terms are counted in a small table first, then merged into the
 * batch's (large) one. */
static int batch_doc_terms(mdlz_index *ix, term_batch *b, int64_t id,
                           const ret_termset *doc);

int ret_batch_doc(mdlz_index *ix, term_batch *b, int64_t id,
                  const uint8_t *text, size_t len) {
    ret_termset_clear(&b->doc);
    if (ret_termset_add_doc(&b->doc, text, len))
        return ret_fail(ix, "out of memory");
    return batch_doc_terms(ix, b, id, &b->doc);
}

/* Adds document `id`, whose terms are counted in doc, to the batch. */
static int batch_doc_terms(mdlz_index *ix, term_batch *b, int64_t id,
                           const ret_termset *doc) {
    size_t n = doc->n;
    if (n > b->nidx) {
        size_t *idx = realloc(b->idx, n * sizeof *idx);
        if (!idx) return ret_fail(ix, "out of memory");
        b->idx = idx;
        b->nidx = n;
    }
    if (ret_termset_merge(&b->dict, doc, b->idx))
        return ret_fail(ix, "out of memory");
    if (b->dict.n > b->nacc) {
        size_t na = b->nacc ? b->nacc * 2 : 1024;
        while (na < b->dict.n) na *= 2;
        term_acc *acc = realloc(b->acc, na * sizeof *acc);
        if (!acc) return ret_fail(ix, "out of memory");
        memset(acc + b->nacc, 0, (na - b->nacc) * sizeof *acc);
        b->acc = acc;
        b->nacc = na;
    }
    uint64_t dl = doc->ntokens;
    for (size_t i = 0; i < n; i++) {
#if defined(__GNUC__)
        /* two dependent cache misses per term: its acc, its buffer's end */
        if (i + 16 < n) __builtin_prefetch(&b->acc[b->idx[i + 16]]);
        if (i + 8 < n) {
            const term_acc *p = &b->acc[b->idx[i + 8]];
            if (p->buf) __builtin_prefetch(p->buf + p->len, 1);
        }
#endif
        term_acc *a = &b->acc[b->idx[i]];
        if (acc_room(a, 30)) return ret_fail(ix, "out of memory");
        size_t was = a->len;
        a->len += ret_put_varint(a->buf + a->len, (uint64_t)(id - a->last));
        if (b->with_counts) {
            a->len += ret_put_varint(a->buf + a->len, doc->terms[i].tf);
            a->len += ret_put_varint(a->buf + a->len, dl);
        }
        a->last = id;
        a->df++;
        b->bytes += a->len - was;
    }
    b->docs++;
    b->tokens += (int64_t)dl;
    return 0;
}

/* A batch term for sorting: its bytes and index. */
typedef struct {
    const uint8_t *w;
    uint32_t len;
    size_t idx;
} term_key;

static int cmp_keys(const void *pa, const void *pb) {
    const term_key *a = pa, *b = pb;
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->w, b->w, n);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* The batch's terms in byte order (B-tree friendly writes), malloc'd. */
static term_key *dict_order(const ret_termset *d) {
    term_key *order = malloc((d->n ? d->n : 1) * sizeof *order);
    if (!order) return NULL;
    for (size_t i = 0; i < d->n; i++)
        order[i] = (term_key){d->arena + d->terms[i].off, d->terms[i].len, i};
    qsort(order, d->n, sizeof *order, cmp_keys);
    return order;
}

/* Looks a term up: 1 (found: *df, *tid), 0 (absent) or -1. */
int ret_term_lookup(mdlz_index *ix, const uint8_t *w, uint32_t n, int64_t *df,
                    int64_t *tid) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_TERM);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, w, (int)n, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *df = sqlite3_column_int64(st, 0);
        *tid = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (s == SQLITE_ROW) return 1;
    return s == SQLITE_DONE ? 0 : ret_fail_sql(ix, "index");
}

/* Reads postings row tid into a malloc'd copy (*data, *len; extra bytes
 * of room allocated after it) and *last. Returns 0 or -1. */
static int postings_read(mdlz_index *ix, int64_t tid, size_t extra,
                         uint8_t **data, size_t *len, int64_t *last) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_POSTINGS);
    *data = NULL;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, tid);
    int s = sqlite3_step(st), rc = 0;
    if (s == SQLITE_ROW) {
        *last = sqlite3_column_int64(st, 0);
        const void *p = sqlite3_column_blob(st, 1);
        *len = (size_t)sqlite3_column_bytes(st, 1);
        *data = malloc(*len + extra + 1);
        if (!*data) rc = ret_fail(ix, "out of memory");
        else if (*len) memcpy(*data, p, *len);
    } else {
        rc = s == SQLITE_DONE
                 ? ret_fail(ix, "index: postings %lld missing", (long long)tid)
                 : ret_fail_sql(ix, "index");
    }
    sqlite3_reset(st);
    return rc;
}

int ret_step_done(mdlz_index *ix, sqlite3_stmt *st) {
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? 0 : ret_fail_sql(ix, "index");
}

static int term_put(mdlz_index *ix, const uint8_t *w, uint32_t n, int64_t df,
                    int64_t tid) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_TERM_PUT);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, w, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, df);
    sqlite3_bind_int64(st, 3, tid);
    return ret_step_done(ix, st);
}

/* Writes a batch of added documents: appends each term's entries to its
 * postings row (or creates the term); clears it. */
static int batch_apply_add(mdlz_index *ix, term_batch *b) {
    const ret_termset *d = &b->dict;
    term_key *order = dict_order(d);
    if (!order) return ret_fail(ix, "out of memory");
    int64_t any = 0; /* no terms yet (a new index): nothing to look up */
    int rc = ret_query_int(
                 ix, "SELECT count(*) FROM (SELECT 1 FROM terms LIMIT 1)", &any)
                 ? ret_fail_sql(ix, "index")
                 : 0;
    for (size_t j = 0; rc == 0 && j < d->n; j++) {
        const ret_term *t = &d->terms[order[j].idx];
        const term_acc *a = &b->acc[order[j].idx];
        const uint8_t *w = order[j].w;
        int64_t df = 0, tid = 0;
        sqlite3_stmt *st;
        int found = any ? ret_term_lookup(ix, w, t->len, &df, &tid) : 0;
        if (found < 0) {
            rc = -1;
        } else if (!found) {
            if (!(st = ret_stmt(ix, RET_ST_POST_NEW))) {
                rc = -1;
                break;
            }
            sqlite3_bind_int64(st, 1, a->last);
            sqlite3_bind_blob64(st, 2, a->buf, a->len, SQLITE_STATIC);
            rc = ret_step_done(ix, st);
            if (!rc)
                rc = term_put(ix, w, t->len, a->df,
                              sqlite3_last_insert_rowid(ix->db));
        } else {
            /* re-encode the batch's first id (from 0) after the row's last */
            uint8_t *data;
            size_t len, pos = 0;
            int64_t last;
            uint64_t first;
            if (postings_read(ix, tid, a->len + 10, &data, &len, &last)) {
                rc = -1;
                break;
            }
            if (ret_get_varint(a->buf, a->len, &pos, &first) ||
                (int64_t)first <= last) {
                free(data);
                rc = ret_fail(ix, "index: postings out of order");
                break;
            }
            len += ret_put_varint(data + len, first - (uint64_t)last);
            memcpy(data + len, a->buf + pos, a->len - pos);
            len += a->len - pos;
            if (!(st = ret_stmt(ix, RET_ST_POST_PUT))) {
                free(data);
                rc = -1;
                break;
            }
            sqlite3_bind_int64(st, 1, tid);
            sqlite3_bind_int64(st, 2, a->last);
            sqlite3_bind_blob64(st, 3, data, len, SQLITE_STATIC);
            rc = ret_step_done(ix, st);
            free(data);
            if (!rc) rc = term_put(ix, w, t->len, df + a->df, tid);
        }
    }
    free(order);
    ret_batch_clear(b);
    return rc;
}

/* Writes a batch of purged documents: takes their entries out of each
 * term's postings (the term goes with its last document). */
int ret_batch_apply_rm(mdlz_index *ix, term_batch *b) {
    const ret_termset *d = &b->dict;
    term_key *order = dict_order(d);
    if (!order) return ret_fail(ix, "out of memory");
    int rc = 0;
    for (size_t j = 0; rc == 0 && j < d->n; j++) {
        const ret_term *t = &d->terms[order[j].idx];
        const term_acc *a = &b->acc[order[j].idx];
        const uint8_t *w = order[j].w;
        int64_t df = 0, tid = 0, last = 0;
        uint8_t *data;
        size_t len;
        sqlite3_stmt *st;
        int found = ret_term_lookup(ix, w, t->len, &df, &tid);
        if (found <= 0 || df < (int64_t)a->df) {
            rc = found < 0 ? -1
                           : ret_fail(ix, "index: term table out of step with "
                                          "the documents");
            break;
        }
        if (df == (int64_t)a->df) { /* its last documents */
            if (!(st = ret_stmt(ix, RET_ST_TERM_DEL))) {
                rc = -1;
                break;
            }
            sqlite3_bind_blob(st, 1, w, (int)t->len, SQLITE_STATIC);
            if ((rc = ret_step_done(ix, st))) break;
            if (!(st = ret_stmt(ix, RET_ST_POST_DEL))) {
                rc = -1;
                break;
            }
            sqlite3_bind_int64(st, 1, tid);
            rc = ret_step_done(ix, st);
            continue;
        }
        if (postings_read(ix, tid, 0, &data, &len, &last)) {
            rc = -1;
            break;
        }
        /* filter in place: the output never overtakes the input */
        size_t in = 0, out = 0, rpos = 0;
        uint64_t id = 0, prev = 0, rm = 0, v, tf, dl;
        int64_t kept = 0, dropped = 0;
        int more = ret_get_varint(a->buf, a->len, &rpos, &v) == 0;
        rm = more ? v : 0;
        while (in < len) {
            if (ret_get_varint(data, len, &in, &v) ||
                ret_get_varint(data, len, &in, &tf) ||
                ret_get_varint(data, len, &in, &dl)) {
                rc = ret_fail(ix, "index: damaged postings");
                break;
            }
            id += v;
            if (more && id == rm) {
                dropped++;
                more = ret_get_varint(a->buf, a->len, &rpos, &v) == 0;
                rm += more ? v : 0;
                continue;
            }
            out += ret_put_varint(data + out, id - prev);
            out += ret_put_varint(data + out, tf);
            out += ret_put_varint(data + out, dl);
            prev = id;
            kept++;
        }
        if (!rc && (more || dropped != (int64_t)a->df || kept != df - dropped))
            rc = ret_fail(ix, "index: term table out of step with the "
                              "documents");
        if (!rc && !(st = ret_stmt(ix, RET_ST_POST_PUT))) rc = -1;
        if (!rc) {
            sqlite3_bind_int64(st, 1, tid);
            sqlite3_bind_int64(st, 2, (int64_t)prev);
            sqlite3_bind_blob64(st, 3, data, out, SQLITE_STATIC);
            rc = ret_step_done(ix, st);
        }
        free(data);
        if (!rc) rc = term_put(ix, w, t->len, kept, tid);
    }
    free(order);
    ret_batch_clear(b);
    return rc;
}

/* Reads the documents with ids in (after, upto] in id order into the
 * batch (flushing it to the tables when `flush` and it grows large). */
static int batch_docs(mdlz_index *ix, term_batch *b, int64_t after,
                      int64_t upto, int flush) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_NEW_DOCS);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, upto);
    int s, rc = 0;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        uint64_t size = (uint64_t)sqlite3_column_int64(st, 1);
        uint8_t *body;
        if (ret_unpack(ix, sqlite3_column_blob(st, 2),
                       (size_t)sqlite3_column_bytes(st, 2), size, &body)) {
            rc = ret_fail(ix, "document %lld: stored body is damaged",
                          (long long)id);
            break;
        }
        rc = ret_batch_doc(ix, b, id, body, (size_t)size);
        free(body);
        if (!rc && flush && b->bytes >= BATCH_FLUSH_BYTES)
            rc = batch_apply_add(ix, b);
    }
    if (rc == 0 && s != SQLITE_DONE) rc = ret_fail_sql(ix, "index");
    sqlite3_reset(st);
    return rc;
}

/* The term counts of the documents inserted in the open transaction,
 * merged as they are inserted (from counts made on the pipeline's worker
 * thread), so that the commit only writes them: the documents with ids in
 * (txn_base, upto]. Gathering stops (`off`) when a document comes without
 * counts, the batch reaches BATCH_FLUSH_BYTES or memory runs out; a
 * removal of a document of the transaction empties it. The commit reads
 * back and tokenizes whatever it does not cover, as before. */
struct ret_pending {
    term_batch b;
    int64_t upto;
    int off;
};

void ret_pending_drop(mdlz_index *ix) {
    if (!ix->pend) return;
    ret_batch_free(&ix->pend->b);
    free(ix->pend);
    ix->pend = NULL;
}

void ret_pending_start(mdlz_index *ix) {
    ret_pending_drop(ix);
    if (!(ix->pend = malloc(sizeof *ix->pend))) return;
    ret_batch_init(&ix->pend->b, 1);
    ix->pend->upto = ix->txn_base;
    ix->pend->off = 0;
}

void ret_pending_reread(mdlz_index *ix) {
    if (!ix->pend) return;
    ret_batch_clear(&ix->pend->b);
    ix->pend->upto = ix->txn_base;
    ix->pend->off = 1;
}

void ret_post_doc(mdlz_index *ix, int64_t id, const ret_termset *terms) {
    struct ret_pending *p = ix->pend;
    if (!p || p->off || !ix->in_txn) return;
    if (!terms || id <= p->upto || p->b.bytes >= BATCH_FLUSH_BYTES) {
        p->off = 1;
        return;
    }
    char err[sizeof ix->err];
    memcpy(err, ix->err, sizeof err); /* an error here is not reported */
    if (batch_doc_terms(ix, &p->b, id, terms)) {
        /* out of memory: the batch may hold part of this document */
        ret_batch_clear(&p->b);
        p->upto = ix->txn_base;
        p->off = 1;
    } else {
        p->upto = id;
    }
    memcpy(ix->err, err, sizeof err);
}

/* Posts the documents added since mdlz_index_begin(): those gathered as
 * they were inserted, then any others read back from the documents. */
int ret_post_new_docs(mdlz_index *ix) {
    term_batch b;
    int rc = 0;
    int64_t after = ix->txn_base;
    if (ix->pend && ix->pend->b.docs) {
        rc = batch_apply_add(ix, &ix->pend->b);
        after = ix->pend->upto;
    }
    ret_pending_drop(ix);
    if (rc) return rc;
    ret_batch_init(&b, 1);
    rc = batch_docs(ix, &b, after, INT64_MAX, 1);
    if (!rc && b.docs) rc = batch_apply_add(ix, &b);
    ret_batch_free(&b);
    return rc;
}

int ret_terms_verify(mdlz_index *ix) {
    term_batch b;
    int rc;
    int64_t nterms = 0, nrows = 0;
    ret_batch_init(&b, 1);
    if (sqlite3_exec(ix->db, "SAVEPOINT ret_verify", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    /* the documents posted so far: all but those of an open transaction */
    rc = batch_docs(ix, &b, 0, ix->in_txn ? ix->txn_base : INT64_MAX, 0);
    for (size_t i = 0; rc == 0 && i < b.dict.n; i++) {
        const ret_term *t = &b.dict.terms[i];
        int64_t df = 0, tid = 0, last = 0;
        uint8_t *data;
        size_t len;
        int found =
            ret_term_lookup(ix, b.dict.arena + t->off, t->len, &df, &tid);
        if (found <= 0) {
            rc = found < 0 ? -1
                           : ret_fail(ix, "term '%.*s' missing", (int)t->len,
                                      (const char *)b.dict.arena + t->off);
            break;
        }
        if (postings_read(ix, tid, 0, &data, &len, &last)) {
            rc = -1;
            break;
        }
        if (df != (int64_t)b.acc[i].df || last != b.acc[i].last ||
            len != b.acc[i].len || memcmp(data, b.acc[i].buf, len))
            rc = ret_fail(ix, "term '%.*s': postings differ", (int)t->len,
                          (const char *)b.dict.arena + t->off);
        free(data);
    }
    if (!rc && (ret_query_int(ix, "SELECT count(*) FROM terms", &nterms) ||
                ret_query_int(ix, "SELECT count(*) FROM postings", &nrows)))
        rc = ret_fail_sql(ix, "index");
    if (!rc && (nterms != (int64_t)b.dict.n || nrows != nterms))
        rc = ret_fail(ix,
                      "%lld terms and %lld postings rows stored; %zu "
                      "expected",
                      (long long)nterms, (long long)nrows, b.dict.n);
    ret_batch_free(&b);
    sqlite3_exec(ix->db, "RELEASE ret_verify", NULL, NULL, NULL);
    return rc;
}
