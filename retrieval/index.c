/*
 * index.c - the mdlz_index handle: opening (and creating) the database with
 * its schema, errors, cached statements, transactions, and the read side
 * of documents: get, name, list, remove, statistics, fingerprint. Adding
 * is in add.c, selection in select.c, search in search.c.
 *
 * Schema (docs/retrieval.md): a `documents` table with the zstd-compressed
 * bodies, `documents_fts`, a contentless FTS5 table (content='') over the
 * same text for `search`, so the text is stored once, and the term tables
 * that mdlz_index_select() reads (terms, postings, totals; postings.c),
 * kept in step with the documents: at commit for the documents added in the transaction,
 * at removal for the removed ones. Deleting from a contentless FTS5 table
 * takes the 'delete' command with the original text, which
 * mdlz_index_remove() decompresses from `documents` (and tokenizes for the
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
#define RET_SCHEMA_VERSION  2
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
    [RET_ST_INSERT_FTS] =
        "INSERT INTO documents_fts(rowid, body) VALUES(?1, ?2)",
    [RET_ST_DELETE_FTS] =
        "INSERT INTO documents_fts(documents_fts, rowid, body)"
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

int ret_fail(mdlz_index *ix, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ix->err, sizeof ix->err, fmt, ap);
    va_end(ap);
    return -1;
}

int ret_fail_sql(mdlz_index *ix, const char *what) {
    return ret_fail(ix, "%s: %s", what, sqlite3_errmsg(ix->db));
}

const char *mdlz_index_errmsg(const mdlz_index *ix) {
    return ix ? ix->err : "no index";
}

sqlite3_stmt *ret_stmt(mdlz_index *ix, ret_stmt_id id) {
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
int ret_query_int(mdlz_index *ix, const char *sql, int64_t *v) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL)) return -1;
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Creates the schema in an empty database, or checks an existing one is
 * an mdlz index of a version we read. */
static int check_or_create(mdlz_index *ix, const char *path, int mode) {
    int64_t app, ver, tables;
    if (ret_query_int(ix, "PRAGMA application_id", &app))
        return ret_fail(ix, "%s: not an mdlz index (%s)", path,
                        sqlite3_errmsg(ix->db));
    if (app == 0 && mode == MDLZ_INDEX_CREATE) {
        if (ret_query_int(ix, "SELECT count(*) FROM sqlite_schema", &tables))
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
            if (ret_query_int(ix, "SELECT count(*) FROM sqlite_schema",
                              &tables) ||
                (tables == 0 &&
                 sqlite3_exec(ix->db, ret_schema_sql, NULL, NULL, NULL))) {
                ret_fail_sql(ix, path);
                sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
                return -1;
            }
            if (sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL))
                return ret_fail_sql(ix, path);
            if (ret_query_int(ix, "PRAGMA application_id", &app))
                return ret_fail_sql(ix, path);
        }
    }
    if (app != RET_APP_ID) return ret_fail(ix, "%s: not an mdlz index", path);
    if (ret_query_int(ix, "PRAGMA user_version", &ver))
        return ret_fail_sql(ix, path);
    if (ver != RET_SCHEMA_VERSION)
        return ret_fail(ix,
                        "%s: index schema version %lld is not supported "
                        "(this mdlz reads version %d)",
                        path, (long long)ver, RET_SCHEMA_VERSION);
    return 0;
}

static int open_db(mdlz_index *ix, const char *path, int mode) {
    struct stat sb;
    if (mode != MDLZ_INDEX_CREATE && stat(path, &sb) != 0)
        return ret_fail(ix, "%s: no such index", path);
    int flags = mode == MDLZ_INDEX_READ
                    ? SQLITE_OPEN_READONLY
                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &ix->db, flags, NULL) != SQLITE_OK)
        return ret_fail(ix, "%s: cannot open index: %s", path,
                        ix->db ? sqlite3_errmsg(ix->db) : "out of memory");
    ix->readonly = mode == MDLZ_INDEX_READ;
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
    const char *pragmas = mode == MDLZ_INDEX_READ ? "PRAGMA mmap_size=268435456"
                                                  : "PRAGMA synchronous=NORMAL;"
                                                    "PRAGMA cache_size=-65536";
    if (sqlite3_exec(ix->db, pragmas, NULL, NULL, NULL))
        return ret_fail_sql(ix, path);
    return 0;
}

int mdlz_index_open(mdlz_index **out, const char *path, int mode, char *err,
                    size_t errlen) {
    *out = NULL;
    mdlz_index *ix = calloc(1, sizeof *ix);
    if (!ix) {
        if (err && errlen) snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int bad_mode = mode != MDLZ_INDEX_READ && mode != MDLZ_INDEX_WRITE &&
                   mode != MDLZ_INDEX_CREATE;
    if (bad_mode || open_db(ix, path, mode)) {
        if (bad_mode) ret_fail(ix, "%s: bad open mode %d", path, mode);
        if (err && errlen) snprintf(err, errlen, "%s", ix->err);
        mdlz_index_close(ix);
        return -1;
    }
    *out = ix;
    return 0;
}

void mdlz_index_close(mdlz_index *ix) {
    if (!ix) return;
    for (int i = 0; i < RET_ST_COUNT; i++) sqlite3_finalize(ix->stmt[i]);
    if (ix->db) {
        if (!sqlite3_get_autocommit(ix->db))
            sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close_v2(ix->db);
    }
    ret_pending_drop(ix);
    ZSTD_freeCCtx(ix->cctx);
    ZSTD_freeDCtx(ix->dctx);
    free(ix);
}

/* Defined with the statistics below, used by the commit. */
static int fingerprint_store(mdlz_index *ix);

/* ---- transactions ------------------------------------------------------- */

int mdlz_index_begin(mdlz_index *ix) {
    if (ix->readonly) return ret_fail(ix, "index is open read-only");
    if (sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
        return ret_fail_sql(ix, "cannot start a transaction");
    ix->broken = 0;
    if (ret_query_int(ix, "SELECT coalesce(max(id), 0) FROM documents",
                      &ix->txn_base)) {
        ret_fail_sql(ix, "index");
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    ix->in_txn = 1;
    ret_pending_start(ix);
    return 0;
}

int mdlz_index_commit(mdlz_index *ix) {
    if (ix->broken) {
        mdlz_index_rollback(ix);
        return ret_fail(ix, "a write failed halfway in this transaction; "
                            "it was rolled back");
    }
    if (ix->in_txn && (ret_post_new_docs(ix) || fingerprint_store(ix))) {
        char why[sizeof ix->err];
        snprintf(why, sizeof why, "%s", ix->err);
        mdlz_index_rollback(ix);
        return ret_fail(ix, "%s; the transaction was rolled back", why);
    }
    ix->in_txn = 0;
    ret_pending_drop(ix);
    if (sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL)) {
        ret_fail_sql(ix, "commit failed");
        mdlz_index_rollback(ix);
        return -1;
    }
    return 0;
}

void mdlz_index_rollback(mdlz_index *ix) {
    ix->broken = 0;
    ix->in_txn = 0;
    ret_pending_drop(ix);
    if (!sqlite3_get_autocommit(ix->db))
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
}

int mdlz_index_pin(mdlz_index *ix, uint64_t *fp) {
    uint64_t v;
    if (!sqlite3_get_autocommit(ix->db))
        return ret_fail(ix, "index: a transaction is already open");
    if (sqlite3_exec(ix->db, "BEGIN", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    /* the first read fixes the snapshot */
    if (mdlz_index_fingerprint(ix, &v)) {
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (fp) *fp = v;
    return 0;
}

void mdlz_index_unpin(mdlz_index *ix) { mdlz_index_rollback(ix); }

/* ---- reading documents -------------------------------------------------- */

int ret_unpack(mdlz_index *ix, const void *blob, size_t blen, uint64_t size,
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

int mdlz_index_get(mdlz_index *ix, int64_t id, uint64_t expected_hash,
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
                ret_fail(ix,
                         "document %lld (%s) has changed: hash %016llx, "
                         "expected %016llx",
                         (long long)id, name, (unsigned long long)hash,
                         (unsigned long long)expected_hash);
            } else if (ret_unpack(ix, blob, blen, size, body)) {
                ret_fail(ix, "document %lld (%s): stored body is damaged",
                         (long long)id, name);
            } else if (XXH3_64bits(*body, (size_t)size) != hash) {
                ret_fail(ix,
                         "document %lld (%s): body does not match its "
                         "hash",
                         (long long)id, name);
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

int mdlz_index_name(mdlz_index *ix, int64_t id, char *buf, size_t buflen) {
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
static int remove_one(mdlz_index *ix, int64_t id, term_batch *rm) {
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
            ret_fail(ix,
                     "document %lld (%s): stored body is damaged; "
                     "cannot remove it",
                     (long long)id, name ? name : "");
        else rc = 0;
    }
    sqlite3_reset(st);
    if (!rc && (!ix->in_txn || id <= ix->txn_base))
        rc = ret_batch_doc(ix, rm, id, body, (size_t)size);
    else if (!rc) /* its counts were gathered: read back */
        ret_pending_reread(ix);
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
static int find_ids(mdlz_index *ix, int64_t id, const char *name, int64_t **ids,
                    int *n) {
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
    if (id >= 0) sqlite3_bind_int64(st, 1, id);
    else sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
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
        ret_fail(ix, "index: %s",
                 s == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(ix->db));
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? 0 : -1;
}

int mdlz_index_remove(mdlz_index *ix, int64_t id, const char *name,
                      int *removed) {
    int64_t *ids;
    int n, rc = 0;
    *removed = 0;
    if (ix->readonly) return ret_fail(ix, "index is open read-only");
    if (sqlite3_exec(ix->db, "SAVEPOINT ret_rm", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    term_batch rm;
    ret_batch_init(&rm, 0);
    rc = find_ids(ix, id, name, &ids, &n); /* in id order */
    for (int i = 0; rc == 0 && i < n; i++) rc = remove_one(ix, ids[i], &rm);
    if (rc == 0 && rm.docs) rc = ret_batch_apply_rm(ix, &rm);
    if (rc == 0 && n > 0 && !ix->in_txn) rc = fingerprint_store(ix);
    ret_batch_free(&rm);
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

int mdlz_index_list(mdlz_index *ix,
                    int (*fn)(void *user, const mdlz_index_docinfo *d),
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
        mdlz_index_docinfo d = {sqlite3_column_int64(st, 0),
                                name ? name : "",
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
int ret_fingerprint_scan(mdlz_index *ix, uint64_t *fp) {
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
static int fingerprint_stored(mdlz_index *ix, uint64_t *fp) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_TOTALS);
    if (!st) return -1;
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) *fp = (uint64_t)sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    return s == SQLITE_ROW ? 0 : ret_fail_sql(ix, "index");
}

/* Stores the fingerprint of the documents (writing only if it changed). */
static int fingerprint_store(mdlz_index *ix) {
    uint64_t fp = 0, old = 0;
    if (ret_fingerprint_scan(ix, &fp) || fingerprint_stored(ix, &old))
        return -1;
    if (fp == old) return 0;
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_FP_PUT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, (int64_t)fp);
    return ret_step_done(ix, st);
}

int mdlz_index_fingerprint(mdlz_index *ix, uint64_t *fp) {
    /* inside mdlz_index_begin() the stored one waits for the commit */
    return ix->in_txn ? ret_fingerprint_scan(ix, fp)
                      : fingerprint_stored(ix, fp);
}

static int stats(mdlz_index *ix, mdlz_index_summary *out) {
    mdlz_index_summary s;
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
    if (ret_query_int(ix, "PRAGMA page_count", &pages) ||
        ret_query_int(ix, "PRAGMA page_size", &psize) ||
        ret_query_int(ix, "PRAGMA freelist_count", &free_pages) ||
        sqlite3_exec(ix->db,
                     "CREATE VIRTUAL TABLE IF NOT EXISTS "
                     "temp.ret_vocab USING fts5vocab(main, 'documents_fts', "
                     "'row')",
                     NULL, NULL, NULL) ||
        ret_query_int(ix, "SELECT count(*) FROM temp.ret_vocab", &terms))
        return ret_fail_sql(ix, "index");
    s.file_bytes = (uint64_t)(pages - free_pages) * (uint64_t)psize;
    s.terms = (uint64_t)terms;
    if (mdlz_index_fingerprint(ix, &s.fingerprint)) return -1;
    *out = s;
    return 0;
}

int mdlz_index_stats(mdlz_index *ix, mdlz_index_summary *out) {
    /* one snapshot for all the figures */
    if (sqlite3_exec(ix->db, "SAVEPOINT mdlz_index_summary", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    int rc = stats(ix, out);
    sqlite3_exec(ix->db, "RELEASE mdlz_index_summary", NULL, NULL, NULL);
    return rc;
}
