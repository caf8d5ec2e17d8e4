/*
 * index.c - the ret_index handle: opening (and creating) the database with
 * its schema, errors, cached statements, transactions, and the read side
 * of documents: get, name, list, remove, statistics, fingerprint. Adding
 * is in add.c, selection in select.c, search in search.c.
 *
 * Schema (docs/retrieval.md): a `documents` table with the zstd-compressed
 * bodies, `documents_fts`, a contentless FTS5 table (content='') over the
 * same text for `search`, so the text is stored once, and the term tables
 * that ret_index_select() reads (terms, postings, totals), kept here with
 * the documents: at commit for the documents added in the transaction,
 * at removal for the removed ones. Deleting from a contentless FTS5 table
 * takes the 'delete' command with the original text, which
 * ret_index_remove() decompresses from `documents` (and tokenizes for the
 * term tables).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "internal.h"
#include "terms.h"

/* PRAGMA application_id of an mdlz index: "mdlz" as a big-endian int. */
#define RET_APP_ID 0x6D646C7A
/* PRAGMA user_version: the schema version this code writes and reads. */
#define RET_SCHEMA_VERSION 2
#define RET_BUSY_TIMEOUT_MS 10000

static const char ret_schema_sql[] =
    "CREATE TABLE documents(\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  name TEXT NOT NULL,\n"
    "  hash INTEGER NOT NULL UNIQUE,\n"
    "  size INTEGER NOT NULL,\n"
    "  added INTEGER NOT NULL,\n"
    "  body BLOB NOT NULL);\n"
    "CREATE INDEX documents_name ON documents(name);\n"
    "CREATE INDEX documents_meta ON documents(id, hash, size);\n"
    "CREATE VIRTUAL TABLE documents_fts USING fts5(body, content='',\n"
    "  tokenize='unicode61', detail=full);\n"
    "CREATE TABLE terms(term BLOB PRIMARY KEY, df INTEGER NOT NULL,\n"
    "  tid INTEGER NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE postings(tid INTEGER PRIMARY KEY, last INTEGER NOT NULL,\n"
    "  data BLOB NOT NULL);\n"
    "CREATE TABLE totals(k INTEGER PRIMARY KEY, docs INTEGER NOT NULL,\n"
    "  tokens INTEGER NOT NULL, fingerprint INTEGER NOT NULL);\n"
    /* the fingerprint of no documents: XXH3_64bits("") */
    "INSERT INTO totals VALUES(0, 0, 0, 3244421341483603138);\n"
    "PRAGMA application_id = 1835297914;\n" /* RET_APP_ID */
    "PRAGMA user_version = 2;\n";           /* RET_SCHEMA_VERSION */

static const char *const ret_stmt_sql[RET_ST_COUNT] = {
    [RET_ST_FIND_HASH] = "SELECT id, name FROM documents WHERE hash = ?1",
    [RET_ST_INSERT_DOC] = "INSERT INTO documents(name, hash, size, added, body)"
                          " VALUES(?1, ?2, ?3, ?4, ?5)",
    [RET_ST_INSERT_FTS] = "INSERT INTO documents_fts(rowid, body) VALUES(?1, ?2)",
    [RET_ST_DELETE_FTS] = "INSERT INTO documents_fts(documents_fts, rowid, body)"
                          " VALUES('delete', ?1, ?2)",
    [RET_ST_DELETE_DOC] = "DELETE FROM documents WHERE id = ?1",
    [RET_ST_GET] = "SELECT name, hash, size, body FROM documents WHERE id = ?1",
    [RET_ST_META] = "SELECT hash, size FROM documents INDEXED BY documents_meta"
                    " WHERE id = ?1",
    [RET_ST_TERM] = "SELECT df, tid FROM terms WHERE term = ?1",
    [RET_ST_POSTINGS] = "SELECT last, data FROM postings WHERE tid = ?1",
    [RET_ST_TOTALS] = "SELECT docs, tokens, fingerprint FROM totals"
                      " WHERE k = 0",
    [RET_ST_FP_PUT] = "UPDATE totals SET fingerprint = ?1 WHERE k = 0",
    [RET_ST_TERM_PUT] = "INSERT OR REPLACE INTO terms(term, df, tid)"
                        " VALUES(?1, ?2, ?3)",
    [RET_ST_TERM_DEL] = "DELETE FROM terms WHERE term = ?1",
    [RET_ST_POST_NEW] = "INSERT INTO postings(last, data) VALUES(?1, ?2)",
    [RET_ST_POST_PUT] = "UPDATE postings SET last = ?2, data = ?3"
                        " WHERE tid = ?1",
    [RET_ST_POST_DEL] = "DELETE FROM postings WHERE tid = ?1",
    [RET_ST_TOTALS_ADD] = "UPDATE totals SET docs = docs + ?1,"
                          " tokens = tokens + ?2 WHERE k = 0",
    [RET_ST_NEW_DOCS] = "SELECT id, size, body FROM documents"
                        " WHERE id > ?1 AND id <= ?2 ORDER BY id",
};

int ret_fail(ret_index *ix, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ix->err, sizeof ix->err, fmt, ap);
    va_end(ap);
    return -1;
}

int ret_fail_sql(ret_index *ix, const char *what) {
    return ret_fail(ix, "%s: %s", what, sqlite3_errmsg(ix->db));
}

const char *ret_index_errmsg(const ret_index *ix) {
    return ix ? ix->err : "no index";
}

sqlite3_stmt *ret_stmt(ret_index *ix, ret_stmt_id id) {
    sqlite3_stmt *st = ix->stmt[id];
    if (!st) {
        if (sqlite3_prepare_v3(ix->db, ret_stmt_sql[id], -1,
                               SQLITE_PREPARE_PERSISTENT, &st, NULL)) {
            ret_fail_sql(ix, "index");
            return NULL;
        }
        ix->stmt[id] = st;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

/* Runs one statement returning a single integer (0 if no row). */
static int query_int(ret_index *ix, const char *sql, int64_t *v) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL)) return -1;
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Creates the schema in an empty database, or checks an existing one is
 * an mdlz index of a version we read. */
static int check_or_create(ret_index *ix, const char *path, int mode) {
    int64_t app, ver, tables;
    if (query_int(ix, "PRAGMA application_id", &app))
        return ret_fail(ix, "%s: not an mdlz index (%s)", path,
                        sqlite3_errmsg(ix->db));
    if (app == 0 && mode == RET_CREATE) {
        if (query_int(ix, "SELECT count(*) FROM sqlite_schema", &tables))
            return ret_fail_sql(ix, path);
        if (tables == 0) {
            /* before the first table: 16 KiB pages (measured ~10% faster
             * adds than 4 KiB); journal_mode cannot change inside a
             * transaction */
            if (sqlite3_exec(ix->db,
                             "PRAGMA page_size=16384; PRAGMA journal_mode=WAL",
                             NULL, NULL, NULL))
                return ret_fail_sql(ix, path);
            if (sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
                return ret_fail_sql(ix, path);
            if (query_int(ix, "SELECT count(*) FROM sqlite_schema", &tables) ||
                (tables == 0 &&
                 sqlite3_exec(ix->db, ret_schema_sql, NULL, NULL, NULL))) {
                ret_fail_sql(ix, path);
                sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
                return -1;
            }
            if (sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL))
                return ret_fail_sql(ix, path);
            if (query_int(ix, "PRAGMA application_id", &app))
                return ret_fail_sql(ix, path);
        }
    }
    if (app != RET_APP_ID)
        return ret_fail(ix, "%s: not an mdlz index", path);
    if (query_int(ix, "PRAGMA user_version", &ver)) return ret_fail_sql(ix, path);
    if (ver != RET_SCHEMA_VERSION)
        return ret_fail(ix, "%s: index schema version %lld is not supported "
                        "(this mdlz reads version %d)",
                        path, (long long)ver, RET_SCHEMA_VERSION);
    return 0;
}

static int open_db(ret_index *ix, const char *path, int mode) {
    struct stat sb;
    if (mode != RET_CREATE && stat(path, &sb) != 0)
        return ret_fail(ix, "%s: no such index", path);
    int flags = mode == RET_READ ? SQLITE_OPEN_READONLY
                                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &ix->db, flags, NULL) != SQLITE_OK)
        return ret_fail(ix, "%s: cannot open index: %s", path,
                        ix->db ? sqlite3_errmsg(ix->db) : "out of memory");
    ix->readonly = mode == RET_READ;
    sqlite3_extended_result_codes(ix->db, 1);
    sqlite3_busy_timeout(ix->db, RET_BUSY_TIMEOUT_MS);
    if (check_or_create(ix, path, mode)) return -1;
    /* Readers (the compressor opens the index once per document) touch a
     * few pages per select: they map the file rather than copy pages in
     * (measured ~10-20% less CPU per select; the file never shrinks under
     * them: no VACUUM, no auto_vacuum), and set up nothing else. For
     * writers, WAL makes synchronous=NORMAL safe against corruption (a
     * power loss may lose the last commit) and a larger cache speeds up
     * FTS5 merges. */
    const char *pragmas = mode == RET_READ
                              ? "PRAGMA mmap_size=268435456"
                              : "PRAGMA synchronous=NORMAL;"
                                "PRAGMA cache_size=-65536";
    if (sqlite3_exec(ix->db, pragmas, NULL, NULL, NULL))
        return ret_fail_sql(ix, path);
    return 0;
}

int ret_index_open(ret_index **out, const char *path, int mode, char *err,
                   size_t errlen) {
    *out = NULL;
    ret_index *ix = calloc(1, sizeof *ix);
    if (!ix) {
        if (err && errlen) snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int bad_mode = mode != RET_READ && mode != RET_WRITE && mode != RET_CREATE;
    if (bad_mode || open_db(ix, path, mode)) {
        if (bad_mode)
            ret_fail(ix, "%s: bad open mode %d", path, mode);
        if (err && errlen) snprintf(err, errlen, "%s", ix->err);
        ret_index_close(ix);
        return -1;
    }
    *out = ix;
    return 0;
}

static void pending_drop(ret_index *ix);

void ret_index_close(ret_index *ix) {
    if (!ix) return;
    for (int i = 0; i < RET_ST_COUNT; i++) sqlite3_finalize(ix->stmt[i]);
    if (ix->db) {
        if (!sqlite3_get_autocommit(ix->db))
            sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close_v2(ix->db);
    }
    pending_drop(ix);
    ZSTD_freeCCtx(ix->cctx);
    ZSTD_freeDCtx(ix->dctx);
    free(ix);
}

/* ---- the term tables ------------------------------------------------------
 * terms(term, df, tid), postings(tid, last, data) and totals(docs, tokens)
 * hold what ret_index_select() reads (docs/retrieval.md): per term its
 * document frequency and an entry (id, tf, dl) per document containing it,
 * with terms as terms.c tokenizes them. They change with the documents:
 * the documents added in a transaction get their entries at
 * ret_index_commit(), from their stored bodies, in one batch (so adding
 * a tree appends to each term's row once); ret_index_remove() takes a
 * document's entries out at once (unless the document was added in the
 * still open transaction, which posts only the documents left at commit).
 */

static int fingerprint_store(ret_index *ix);
static int fingerprint_scan(ret_index *ix, uint64_t *fp);

/* What a batch holds for one term: encoded entries (adding: id delta from
 * the previous entry, the first from 0, tf, dl; removing: id deltas only),
 * the last id and the number of documents. */
typedef struct {
    uint8_t *buf;
    size_t len, cap;
    int64_t last;
    int64_t df;
} term_acc;

typedef struct {
    ret_termset dict;  /* the batch's terms (tf: documents, unused) */
    term_acc *acc;     /* parallel to dict.terms */
    size_t nacc;
    ret_termset doc;   /* the terms of the document being added */
    size_t *idx;       /* their indices in dict */
    size_t nidx;
    int64_t docs;
    int64_t tokens;
    size_t bytes;      /* encoded bytes held */
    int with_counts;   /* entries carry tf and dl (adding) */
} term_batch;

/* Flush a batch of added documents once it holds this many bytes. */
#define BATCH_FLUSH_BYTES ((size_t)64 << 20)

static void batch_init(term_batch *b, int with_counts) {
    memset(b, 0, sizeof *b);
    b->with_counts = with_counts;
}

static void batch_clear(term_batch *b) {
    for (size_t i = 0; i < b->dict.n; i++) {
        b->acc[i].len = 0;
        b->acc[i].last = 0;
        b->acc[i].df = 0;
    }
    ret_termset_clear(&b->dict);
    b->docs = b->tokens = 0;
    b->bytes = 0;
}

static void batch_free(term_batch *b) {
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
static int batch_doc_terms(ret_index *ix, term_batch *b, int64_t id,
                           const ret_termset *doc);

static int batch_doc(ret_index *ix, term_batch *b, int64_t id,
                     const uint8_t *text, size_t len) {
    ret_termset_clear(&b->doc);
    if (ret_termset_add_text(&b->doc, text, len))
        return ret_fail(ix, "out of memory");
    return batch_doc_terms(ix, b, id, &b->doc);
}

/* Adds document `id`, whose terms are counted in doc, to the batch. */
static int batch_doc_terms(ret_index *ix, term_batch *b, int64_t id,
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
int ret_term_lookup(ret_index *ix, const uint8_t *w, uint32_t n,
                       int64_t *df, int64_t *tid) {
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
static int postings_read(ret_index *ix, int64_t tid, size_t extra,
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
        if (!*data)
            rc = ret_fail(ix, "out of memory");
        else if (*len)
            memcpy(*data, p, *len);
    } else {
        rc = s == SQLITE_DONE ? ret_fail(ix, "index: postings %lld missing",
                                         (long long)tid)
                              : ret_fail_sql(ix, "index");
    }
    sqlite3_reset(st);
    return rc;
}

static int step_done(ret_index *ix, sqlite3_stmt *st) {
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? 0 : ret_fail_sql(ix, "index");
}

static int term_put(ret_index *ix, const uint8_t *w, uint32_t n, int64_t df,
                    int64_t tid) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_TERM_PUT);
    if (!st) return -1;
    sqlite3_bind_blob(st, 1, w, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, df);
    sqlite3_bind_int64(st, 3, tid);
    return step_done(ix, st);
}

static int totals_add(ret_index *ix, int64_t docs, int64_t tokens) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_TOTALS_ADD);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, docs);
    sqlite3_bind_int64(st, 2, tokens);
    return step_done(ix, st);
}

/* Writes a batch of added documents: appends each term's entries to its
 * postings row (or creates the term), adds to the totals; clears it. */
static int batch_apply_add(ret_index *ix, term_batch *b) {
    const ret_termset *d = &b->dict;
    term_key *order = dict_order(d);
    if (!order) return ret_fail(ix, "out of memory");
    int64_t any = 0; /* no terms yet (a new index): nothing to look up */
    int rc = query_int(ix, "SELECT count(*) FROM (SELECT 1 FROM terms LIMIT 1)",
                       &any)
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
            rc = step_done(ix, st);
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
            rc = step_done(ix, st);
            free(data);
            if (!rc) rc = term_put(ix, w, t->len, df + a->df, tid);
        }
    }
    free(order);
    if (!rc) rc = totals_add(ix, b->docs, b->tokens);
    batch_clear(b);
    return rc;
}

/* Writes a batch of removed documents: takes their entries out of each
 * term's postings (the term goes with its last document), subtracts from
 * the totals. */
static int batch_apply_rm(ret_index *ix, term_batch *b) {
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
            if ((rc = step_done(ix, st))) break;
            if (!(st = ret_stmt(ix, RET_ST_POST_DEL))) {
                rc = -1;
                break;
            }
            sqlite3_bind_int64(st, 1, tid);
            rc = step_done(ix, st);
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
            rc = step_done(ix, st);
        }
        free(data);
        if (!rc) rc = term_put(ix, w, t->len, kept, tid);
    }
    free(order);
    if (!rc) rc = totals_add(ix, -b->docs, -b->tokens);
    batch_clear(b);
    return rc;
}

/* Reads the documents with ids in (after, upto] in id order into the
 * batch (flushing it to the tables when `flush` and it grows large). */
static int batch_docs(ret_index *ix, term_batch *b, int64_t after,
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
        rc = batch_doc(ix, b, id, body, (size_t)size);
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

static void pending_drop(ret_index *ix) {
    if (!ix->pend) return;
    batch_free(&ix->pend->b);
    free(ix->pend);
    ix->pend = NULL;
}

static void pending_start(ret_index *ix) {
    pending_drop(ix);
    if (!(ix->pend = malloc(sizeof *ix->pend))) return;
    batch_init(&ix->pend->b, 1);
    ix->pend->upto = ix->txn_base;
    ix->pend->off = 0;
}

void ret_post_doc(ret_index *ix, int64_t id, const ret_termset *terms) {
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
        batch_clear(&p->b);
        p->upto = ix->txn_base;
        p->off = 1;
    } else {
        p->upto = id;
    }
    memcpy(ix->err, err, sizeof err);
}

/* Posts the documents added since ret_index_begin(): those gathered as
 * they were inserted, then any others read back from the documents. */
static int post_new_docs(ret_index *ix) {
    term_batch b;
    int rc = 0;
    int64_t after = ix->txn_base;
    if (ix->pend && ix->pend->b.docs) {
        rc = batch_apply_add(ix, &ix->pend->b);
        after = ix->pend->upto;
    }
    pending_drop(ix);
    if (rc) return rc;
    batch_init(&b, 1);
    rc = batch_docs(ix, &b, after, INT64_MAX, 1);
    if (!rc && b.docs) rc = batch_apply_add(ix, &b);
    batch_free(&b);
    return rc;
}

int ret_terms_verify(ret_index *ix) {
    term_batch b;
    int rc;
    int64_t docs = 0, tokens = 0, nterms = 0;
    sqlite3_stmt *st = NULL;
    batch_init(&b, 1);
    if (sqlite3_exec(ix->db, "SAVEPOINT ret_verify", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    /* the documents posted so far: all but those of an open transaction */
    rc = batch_docs(ix, &b, 0, ix->in_txn ? ix->txn_base : INT64_MAX, 0);
    if (!rc && (!(st = ret_stmt(ix, RET_ST_TOTALS)) ||
                sqlite3_step(st) != SQLITE_ROW))
        rc = ret_fail_sql(ix, "index");
    if (!rc) {
        docs = sqlite3_column_int64(st, 0);
        tokens = sqlite3_column_int64(st, 1);
        sqlite3_reset(st);
        if (docs != b.docs || tokens != b.tokens)
            rc = ret_fail(ix, "totals: %lld documents, %lld tokens stored; "
                          "%lld, %lld expected", (long long)docs,
                          (long long)tokens, (long long)b.docs,
                          (long long)b.tokens);
    }
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
    if (!rc && !ix->in_txn) {
        uint64_t scanned, stored = 0;
        if (fingerprint_scan(ix, &scanned)) {
            rc = -1;
        } else if (!(st = ret_stmt(ix, RET_ST_TOTALS)) ||
                   sqlite3_step(st) != SQLITE_ROW) {
            rc = ret_fail_sql(ix, "index");
        } else {
            stored = (uint64_t)sqlite3_column_int64(st, 2);
            sqlite3_reset(st);
            if (stored != scanned)
                rc = ret_fail(ix, "stored fingerprint %016llx, documents "
                              "%016llx", (unsigned long long)stored,
                              (unsigned long long)scanned);
        }
    }
    if (!rc && (query_int(ix, "SELECT count(*) FROM terms", &nterms) ||
                query_int(ix, "SELECT count(*) FROM postings", &docs)))
        rc = ret_fail_sql(ix, "index");
    if (!rc && (nterms != (int64_t)b.dict.n || docs != nterms))
        rc = ret_fail(ix, "%lld terms and %lld postings rows stored; %zu "
                      "expected", (long long)nterms, (long long)docs,
                      b.dict.n);
    batch_free(&b);
    sqlite3_exec(ix->db, "RELEASE ret_verify", NULL, NULL, NULL);
    return rc;
}

/* ---- transactions ------------------------------------------------------- */

int ret_index_begin(ret_index *ix) {
    if (ix->readonly) return ret_fail(ix, "index is open read-only");
    if (sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
        return ret_fail_sql(ix, "cannot start a transaction");
    ix->broken = 0;
    if (query_int(ix, "SELECT coalesce(max(id), 0) FROM documents",
                  &ix->txn_base)) {
        ret_fail_sql(ix, "index");
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    ix->in_txn = 1;
    pending_start(ix);
    return 0;
}

int ret_index_commit(ret_index *ix) {
    if (ix->broken) {
        ret_index_rollback(ix);
        return ret_fail(ix, "a write failed halfway in this transaction; "
                        "it was rolled back");
    }
    if (ix->in_txn && (post_new_docs(ix) || fingerprint_store(ix))) {
        char why[sizeof ix->err];
        snprintf(why, sizeof why, "%s", ix->err);
        ret_index_rollback(ix);
        return ret_fail(ix, "%s; the transaction was rolled back", why);
    }
    ix->in_txn = 0;
    pending_drop(ix);
    if (sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL)) {
        ret_fail_sql(ix, "commit failed");
        ret_index_rollback(ix);
        return -1;
    }
    return 0;
}

void ret_index_rollback(ret_index *ix) {
    ix->broken = 0;
    ix->in_txn = 0;
    pending_drop(ix);
    if (!sqlite3_get_autocommit(ix->db))
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
}

int ret_index_pin(ret_index *ix, uint64_t *fp) {
    uint64_t v;
    if (!sqlite3_get_autocommit(ix->db))
        return ret_fail(ix, "index: a transaction is already open");
    if (sqlite3_exec(ix->db, "BEGIN", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    /* the first read fixes the snapshot */
    if (ret_index_fingerprint(ix, &v)) {
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (fp) *fp = v;
    return 0;
}

void ret_index_unpin(ret_index *ix) { ret_index_rollback(ix); }

/* ---- reading documents -------------------------------------------------- */

int ret_unpack(ret_index *ix, const void *blob, size_t blen, uint64_t size,
               uint8_t **body) {
    *body = NULL;
    if (size > SIZE_MAX - 1) return ret_fail(ix, "document too large");
    unsigned long long fsize = ZSTD_getFrameContentSize(blob, blen);
    if (fsize != size) return ret_fail(ix, "stored body is damaged");
    if (!ix->dctx && !(ix->dctx = ZSTD_createDCtx()))
        return ret_fail(ix, "out of memory");
    uint8_t *b = malloc(size ? (size_t)size : 1);
    if (!b) return ret_fail(ix, "out of memory");
    size_t r = ZSTD_decompressDCtx(ix->dctx, b, (size_t)size, blob, blen);
    if (ZSTD_isError(r) || r != size) {
        free(b);
        return ret_fail(ix, "stored body is damaged");
    }
    *body = b;
    return 0;
}

int ret_index_get(ret_index *ix, int64_t id, uint64_t expected_hash,
                  uint8_t **body, size_t *len, char *err, size_t errlen) {
    *body = NULL;
    *len = 0;
    int rc = -1;
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_GET);
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        int s = sqlite3_step(st);
        if (s == SQLITE_DONE) {
            ret_fail(ix, "document %lld is not in the index", (long long)id);
        } else if (s != SQLITE_ROW) {
            ret_fail_sql(ix, "index");
        } else {
            const char *name = (const char *)sqlite3_column_text(st, 0);
            uint64_t hash = (uint64_t)sqlite3_column_int64(st, 1);
            uint64_t size = (uint64_t)sqlite3_column_int64(st, 2);
            const void *blob = sqlite3_column_blob(st, 3);
            size_t blen = (size_t)sqlite3_column_bytes(st, 3);
            name = name ? name : "";
            if (expected_hash && hash != expected_hash) {
                ret_fail(ix, "document %lld (%s) has changed: hash %016llx, "
                         "expected %016llx", (long long)id, name,
                         (unsigned long long)hash,
                         (unsigned long long)expected_hash);
            } else if (ret_unpack(ix, blob, blen, size, body)) {
                ret_fail(ix, "document %lld (%s): stored body is damaged",
                         (long long)id, name);
            } else if (XXH3_64bits(*body, (size_t)size) != hash) {
                ret_fail(ix, "document %lld (%s): body does not match its "
                         "hash", (long long)id, name);
                free(*body);
                *body = NULL;
            } else {
                *len = (size_t)size;
                rc = 0;
            }
        }
        sqlite3_reset(st);
    }
    if (rc && err && errlen) snprintf(err, errlen, "%s", ix->err);
    return rc;
}

int ret_index_name(ret_index *ix, int64_t id, char *buf, size_t buflen) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_GET);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (buflen) snprintf(buf, buflen, "%s", name ? name : "");
        rc = 0;
    } else {
        ret_fail(ix, "document %lld is not in the index", (long long)id);
    }
    sqlite3_reset(st);
    return rc;
}

/* ---- removing ------------------------------------------------------------ */

/* Removes one document: its terms from the FTS5 index (the 'delete'
 * command needs the original text), then its row; its entries in the term
 * tables go into `rm` (written by the caller), unless it was added in the
 * open transaction and has none yet. */
static int remove_one(ret_index *ix, int64_t id, term_batch *rm) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_GET);
    uint8_t *body = NULL;
    uint64_t size = 0;
    int rc = -1;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        ret_fail_sql(ix, "index");
    } else {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        size = (uint64_t)sqlite3_column_int64(st, 2);
        if (ret_unpack(ix, sqlite3_column_blob(st, 3),
                       (size_t)sqlite3_column_bytes(st, 3), size, &body))
            ret_fail(ix, "document %lld (%s): stored body is damaged; "
                     "cannot remove it", (long long)id, name ? name : "");
        else
            rc = 0;
    }
    sqlite3_reset(st);
    if (!rc && (!ix->in_txn || id <= ix->txn_base))
        rc = batch_doc(ix, rm, id, body, (size_t)size);
    else if (!rc && ix->pend) { /* its counts were gathered: read back */
        batch_clear(&ix->pend->b);
        ix->pend->upto = ix->txn_base;
        ix->pend->off = 1;
    }
    if (rc || !(st = ret_stmt(ix, RET_ST_DELETE_FTS))) {
        free(body);
        return -1;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text64(st, 2, (const char *)body, size, SQLITE_STATIC,
                        SQLITE_UTF8);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ret_fail_sql(ix, "index");
    sqlite3_reset(st);
    free(body);
    if (rc || !(st = ret_stmt(ix, RET_ST_DELETE_DOC))) return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ret_fail_sql(ix, "index");
    sqlite3_reset(st);
    return rc;
}

/* The ids to remove (all collected before anything is deleted). */
static int find_ids(ret_index *ix, int64_t id, const char *name,
                    int64_t **ids, int *n) {
    sqlite3_stmt *st;
    int cap = 0, s;
    *ids = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(ix->db,
                           id >= 0 ? "SELECT id FROM documents WHERE id = ?1"
                                   : "SELECT id FROM documents WHERE name = ?1 "
                                     "ORDER BY id",
                           -1, &st, NULL))
        return ret_fail_sql(ix, "index");
    if (id >= 0)
        sqlite3_bind_int64(st, 1, id);
    else
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            int64_t *p = realloc(*ids, (size_t)cap * sizeof *p);
            if (!p) {
                s = SQLITE_NOMEM;
                break;
            }
            *ids = p;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    if (s != SQLITE_DONE)
        ret_fail(ix, "index: %s", s == SQLITE_NOMEM ? "out of memory"
                                                    : sqlite3_errmsg(ix->db));
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? 0 : -1;
}

int ret_index_remove(ret_index *ix, int64_t id, const char *name,
                     int *removed) {
    int64_t *ids;
    int n, rc = 0;
    *removed = 0;
    if (ix->readonly) return ret_fail(ix, "index is open read-only");
    if (sqlite3_exec(ix->db, "SAVEPOINT ret_rm", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    term_batch rm;
    batch_init(&rm, 0);
    rc = find_ids(ix, id, name, &ids, &n); /* in id order */
    for (int i = 0; rc == 0 && i < n; i++) rc = remove_one(ix, ids[i], &rm);
    if (rc == 0 && rm.docs) rc = batch_apply_rm(ix, &rm);
    if (rc == 0 && n > 0 && !ix->in_txn) rc = fingerprint_store(ix);
    batch_free(&rm);
    free(ids);
    if (rc == 0 && sqlite3_exec(ix->db, "RELEASE ret_rm", NULL, NULL, NULL))
        rc = ret_fail_sql(ix, "index");
    if (rc) {
        sqlite3_exec(ix->db, "ROLLBACK TO ret_rm; RELEASE ret_rm", NULL, NULL,
                     NULL);
        return -1;
    }
    *removed = n;
    return 0;
}

/* ---- listing, statistics, fingerprint ----------------------------------- */

int ret_index_list(ret_index *ix, int (*fn)(void *user, const ret_docinfo *d),
                   void *user) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT id, name, hash, size, length(body), added "
                           "FROM documents ORDER BY id",
                           -1, &st, NULL))
        return ret_fail_sql(ix, "index");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        ret_docinfo d = {sqlite3_column_int64(st, 0), name ? name : "",
                         (uint64_t)sqlite3_column_int64(st, 2),
                         (uint64_t)sqlite3_column_int64(st, 3),
                         (uint64_t)sqlite3_column_int64(st, 4),
                         sqlite3_column_int64(st, 5)};
        if (fn(user, &d)) {
            s = SQLITE_DONE;
            break;
        }
    }
    if (s != SQLITE_DONE) ret_fail_sql(ix, "index");
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? 0 : -1;
}

static void put_le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* The fingerprint computed from the documents (the covering index
 * documents_meta makes this one small scan). */
static int fingerprint_scan(ret_index *ix, uint64_t *fp) {
    sqlite3_stmt *st;
    XXH3_state_t *xs = XXH3_createState();
    if (!xs) return ret_fail(ix, "out of memory");
    XXH3_64bits_reset(xs);
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT id, hash, size FROM documents ORDER BY id",
                           -1, &st, NULL)) {
        XXH3_freeState(xs);
        return ret_fail_sql(ix, "index");
    }
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        uint8_t rec[24];
        for (int i = 0; i < 3; i++)
            put_le64(rec + 8 * i, (uint64_t)sqlite3_column_int64(st, i));
        XXH3_64bits_update(xs, rec, sizeof rec);
    }
    if (s != SQLITE_DONE) ret_fail_sql(ix, "index");
    sqlite3_finalize(st);
    *fp = XXH3_64bits_digest(xs);
    XXH3_freeState(xs);
    return s == SQLITE_DONE ? 0 : -1;
}

/* The stored fingerprint (totals), kept with the documents by every
 * commit and removal. */
static int fingerprint_stored(ret_index *ix, uint64_t *fp) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_TOTALS);
    if (!st) return -1;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) *fp = (uint64_t)sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    return s == SQLITE_ROW ? 0 : ret_fail_sql(ix, "index");
}

/* Stores the fingerprint of the documents (writing only if it changed). */
static int fingerprint_store(ret_index *ix) {
    uint64_t fp = 0, old = 0;
    if (fingerprint_scan(ix, &fp) || fingerprint_stored(ix, &old)) return -1;
    if (fp == old) return 0;
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_FP_PUT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, (int64_t)fp);
    return step_done(ix, st);
}

int ret_index_fingerprint(ret_index *ix, uint64_t *fp) {
    /* inside ret_index_begin() the stored one waits for the commit */
    return ix->in_txn ? fingerprint_scan(ix, fp) : fingerprint_stored(ix, fp);
}

static int stats(ret_index *ix, ret_stats *out) {
    ret_stats s;
    memset(&s, 0, sizeof s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT count(*), coalesce(sum(size), 0), "
                           "coalesce(sum(length(body)), 0) FROM documents",
                           -1, &st, NULL))
        return ret_fail_sql(ix, "index");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s.documents = sqlite3_column_int64(st, 0);
        s.bytes = (uint64_t)sqlite3_column_int64(st, 1);
        s.stored = (uint64_t)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return ret_fail_sql(ix, "index");
    int64_t pages, psize, free_pages, terms;
    if (query_int(ix, "PRAGMA page_count", &pages) ||
        query_int(ix, "PRAGMA page_size", &psize) ||
        query_int(ix, "PRAGMA freelist_count", &free_pages) ||
        sqlite3_exec(ix->db, "CREATE VIRTUAL TABLE IF NOT EXISTS "
                     "temp.ret_vocab USING fts5vocab(main, 'documents_fts', "
                     "'row')", NULL, NULL, NULL) ||
        query_int(ix, "SELECT count(*) FROM temp.ret_vocab", &terms))
        return ret_fail_sql(ix, "index");
    s.file_bytes = (uint64_t)(pages - free_pages) * (uint64_t)psize;
    s.terms = (uint64_t)terms;
    if (ret_index_fingerprint(ix, &s.fingerprint)) return -1;
    *out = s;
    return 0;
}

int ret_index_stats(ret_index *ix, ret_stats *out) {
    /* one snapshot for all the figures */
    if (sqlite3_exec(ix->db, "SAVEPOINT ret_stats", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    int rc = stats(ix, out);
    sqlite3_exec(ix->db, "RELEASE ret_stats", NULL, NULL, NULL);
    return rc;
}
