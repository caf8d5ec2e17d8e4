/*
 * index.c - the mdlz_index handle: opening (and creating) the database with
 * its schema, errors, cached statements, transactions, and the read side
 * of documents: list, remove, statistics. Reading documents (by id, by
 * content) is in read.c, adding in add.c, generations in generation.c,
 * selection in select.c, search in search.c, gc, check and vacuum in
 * maint.c.
 *
 * Schema (docs/retrieval.md): a `documents` table with the zstd-compressed
 * bodies, each with the generation that added it and the one that removed
 * it; `documents_fts`, a contentless FTS5 table (content='') over the
 * visible documents' words for `search`, so the text is stored once; the
 * term tables that mdlz_index_select() reads (terms, postings; postings.c),
 * which hold every stored document, removed or not, until gc; and the
 * generations with their totals and history hashes. Deleting from a
 * contentless FTS5 table takes the 'delete' command with the original
 * text, which mdlz_index_remove() decompresses from `documents`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "terms.h"

/* PRAGMA application_id of an mdlz index: "mdlz" as a big-endian int. */
#define RET_APP_ID 0x6D646C7A
/* PRAGMA user_version: the schema version this code writes and reads. */
#define RET_SCHEMA_VERSION  3
#define RET_BUSY_TIMEOUT_MS 10000

static const char ret_schema_sql[] =
    "CREATE TABLE documents(\n"
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  name TEXT NOT NULL,\n"
    "  hash INTEGER NOT NULL,\n"
    "  size INTEGER NOT NULL,\n"
    "  added INTEGER NOT NULL,\n"
    "  gen INTEGER NOT NULL,\n"
    "  removed INTEGER,\n"
    "  tokens INTEGER NOT NULL,\n"
    "  body BLOB NOT NULL);\n"
    "CREATE INDEX documents_name ON documents(name);\n"
    "CREATE INDEX documents_hash ON documents(hash);\n"
    "CREATE UNIQUE INDEX documents_live ON documents(hash)\n"
    "  WHERE removed IS NULL;\n"
    "CREATE INDEX documents_meta ON documents(id, hash, size);\n"
    "CREATE INDEX documents_removed ON documents(removed, id)\n"
    "  WHERE removed IS NOT NULL;\n"
    "CREATE VIRTUAL TABLE documents_fts USING fts5(body, content='',\n"
    "  tokenize='unicode61', detail=full);\n"
    "CREATE TABLE terms(term BLOB PRIMARY KEY, df INTEGER NOT NULL,\n"
    "  tid INTEGER NOT NULL) WITHOUT ROWID;\n"
    "CREATE TABLE postings(tid INTEGER PRIMARY KEY, last INTEGER NOT NULL,\n"
    "  data BLOB NOT NULL);\n"
    "CREATE TABLE generations(gen INTEGER PRIMARY KEY,\n"
    "  docs INTEGER NOT NULL, tokens INTEGER NOT NULL,\n"
    "  maxid INTEGER NOT NULL, history INTEGER NOT NULL,\n"
    "  made INTEGER NOT NULL, intact INTEGER NOT NULL);\n"
    "CREATE TABLE purged(id INTEGER PRIMARY KEY, name TEXT NOT NULL,\n"
    "  hash INTEGER NOT NULL, size INTEGER NOT NULL, gen INTEGER NOT NULL,\n"
    "  removed INTEGER NOT NULL, tokens INTEGER NOT NULL,\n"
    "  gc INTEGER NOT NULL);\n"
    "CREATE INDEX purged_hash ON purged(hash);\n"
    /* generation 0, the empty index: its history is XXH3_64bits("") */
    "INSERT INTO generations VALUES(0, 0, 0, 0, 3244421341483603138,\n"
    "  CAST(strftime('%s', 'now') AS INTEGER), 1);\n"
    "PRAGMA application_id = 1835297914;\n" /* RET_APP_ID */
    "PRAGMA user_version = 3;\n";           /* RET_SCHEMA_VERSION */

static const char *const ret_stmt_sql[RET_ST_COUNT] = {
    [RET_ST_FIND_HASH] = "SELECT id, name FROM documents INDEXED BY"
                         " documents_live WHERE hash = ?1 AND removed IS NULL",
    [RET_ST_INSERT_DOC] =
        "INSERT INTO documents(name, hash, size, added, gen, tokens, body)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
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
    [RET_ST_GEN] = "SELECT gen, docs, tokens, maxid, history, made, intact"
                   " FROM generations WHERE gen = ?1",
    [RET_ST_GEN_NEWEST] = "SELECT gen, docs, tokens, maxid, history, made,"
                          " intact FROM generations ORDER BY gen DESC LIMIT 1",
    [RET_ST_HIDDEN] = "SELECT id FROM documents INDEXED BY documents_removed"
                      " WHERE removed <= ?1 AND id <= ?2 ORDER BY id",
    [RET_ST_TERM_PUT] = "INSERT OR REPLACE INTO terms(term, df, tid)"
                        " VALUES(?1, ?2, ?3)",
    [RET_ST_TERM_DEL] = "DELETE FROM terms WHERE term = ?1",
    [RET_ST_POST_NEW] = "INSERT INTO postings(last, data) VALUES(?1, ?2)",
    [RET_ST_POST_PUT] = "UPDATE postings SET last = ?2, data = ?3"
                        " WHERE tid = ?1",
    [RET_ST_POST_DEL] = "DELETE FROM postings WHERE tid = ?1",
    [RET_ST_NEW_DOCS] = "SELECT id, size, body FROM documents"
                        " WHERE id > ?1 AND id <= ?2 ORDER BY id",
    [RET_ST_CONTENT] = "SELECT id, name, hash, body FROM documents INDEXED BY"
                       " documents_hash WHERE hash BETWEEN ?1 AND ?3"
                       " AND size = ?2 ORDER BY removed IS NOT NULL, id DESC",
    [RET_ST_REMOVE] = "UPDATE documents SET removed = ?2 WHERE id = ?1",
    [RET_ST_MAXID] = "SELECT coalesce(max(id), 0) FROM documents",
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
                        "(this mdlz reads version %d%s)",
                        path, (long long)ver, RET_SCHEMA_VERSION,
                        ver < RET_SCHEMA_VERSION
                            ? "; build a new index from the documents"
                            : "");
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

/* ---- transactions ------------------------------------------------------- */

int mdlz_index_begin(mdlz_index *ix) {
    if (ix->readonly) return ret_fail(ix, "index is open read-only");
    if (sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL))
        return ret_fail_sql(ix, "cannot start a transaction");
    ix->broken = 0;
    mdlz_index_gen g;
    int rc = ret_query_int(ix, "SELECT coalesce(max(id), 0) FROM documents",
                           &ix->txn_base)
                 ? ret_fail_sql(ix, "index")
                 : ret_gen_get(ix, -1, &g);
    if (rc) {
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    ix->txn_gen = g.gen + 1;
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
    if (ix->in_txn && (ret_post_new_docs(ix) || ret_gen_close(ix))) {
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

int mdlz_index_pin(mdlz_index *ix, mdlz_index_gen *g) {
    mdlz_index_gen v;
    if (!sqlite3_get_autocommit(ix->db))
        return ret_fail(ix, "index: a transaction is already open");
    if (sqlite3_exec(ix->db, "BEGIN", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    /* the first read fixes the snapshot */
    if (ret_gen_get(ix, -1, &v)) {
        sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (g) *g = v;
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

/* ---- removing ------------------------------------------------------------ */

/* Removes one visible document from the open transaction's generation:
 * its words from the FTS5 index (the 'delete' command needs the text
 * that was inserted), then it is marked removed; the term tables keep
 * its entries until gc. A document added in the open transaction was
 * never visible: its row goes at once, and the counts gathered for the
 * commit are read back instead. */
static int remove_one(mdlz_index *ix, int64_t id) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_GET);
    uint8_t *body = NULL;
    const uint8_t *text = NULL;
    size_t tlen = 0;
    uint64_t size = 0;
    int rc = -1, owned = 0;
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
        else if (ret_words_text(body, (size_t)size, 0, &text, &tlen, &owned))
            ret_fail(ix, "out of memory");
        else rc = 0;
    }
    sqlite3_reset(st);
    int fresh = id > ix->txn_base; /* added in the open transaction */
    if (!rc && fresh) ret_pending_reread(ix);
    if (!rc && (st = ret_stmt(ix, RET_ST_DELETE_FTS))) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text64(st, 2, (const char *)text, tlen, SQLITE_STATIC,
                            SQLITE_UTF8);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ret_fail_sql(ix, "index");
        sqlite3_reset(st);
    } else {
        rc = -1;
    }
    if (owned) free((void *)text);
    free(body);
    if (rc || !(st = ret_stmt(ix, fresh ? RET_ST_DELETE_DOC : RET_ST_REMOVE)))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (!fresh) sqlite3_bind_int64(st, 2, ix->txn_gen);
    return ret_step_done(ix, st);
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
                                     " AND removed IS NULL"
                                   : "SELECT id FROM documents WHERE name = ?1 "
                                     "AND removed IS NULL ORDER BY id",
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
    int own = !ix->in_txn; /* outside a transaction: one of its own */
    if (own && mdlz_index_begin(ix)) return -1;
    if (!own && sqlite3_exec(ix->db, "SAVEPOINT ret_rm", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    rc = find_ids(ix, id, name, &ids, &n); /* in id order */
    for (int i = 0; rc == 0 && i < n; i++) rc = remove_one(ix, ids[i]);
    free(ids);
    if (own) {
        if (rc) mdlz_index_rollback(ix);
        else rc = mdlz_index_commit(ix);
    } else if (rc == 0 &&
               sqlite3_exec(ix->db, "RELEASE ret_rm", NULL, NULL, NULL)) {
        rc = ret_fail_sql(ix, "index");
    }
    if (rc) {
        if (!own)
            sqlite3_exec(ix->db, "ROLLBACK TO ret_rm; RELEASE ret_rm", NULL,
                         NULL, NULL);
        return -1;
    }
    *removed = n;
    return 0;
}

/* ---- listing, statistics ------------------------------------------------- */

int mdlz_index_list(mdlz_index *ix,
                    int (*fn)(void *user, const mdlz_index_docinfo *d),
                    void *user) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT id, name, hash, size, length(body), added "
                           "FROM documents WHERE removed IS NULL ORDER BY id",
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

static int stats(mdlz_index *ix, mdlz_index_summary *out) {
    mdlz_index_summary s;
    memset(&s, 0, sizeof s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            ix->db,
            "SELECT count(*) FILTER (WHERE removed IS NULL),"
            " coalesce(sum(size) FILTER (WHERE removed IS NULL), 0),"
            " coalesce(sum(length(body)), 0),"
            " count(*) FILTER (WHERE removed IS NOT NULL),"
            " coalesce(sum(size) FILTER (WHERE removed IS NOT NULL), 0),"
            " (SELECT count(*) FROM purged),"
            " (SELECT count(*) FROM generations WHERE NOT intact)"
            " FROM documents",
            -1, &st, NULL))
        return ret_fail_sql(ix, "index");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s.documents = sqlite3_column_int64(st, 0);
        s.bytes = (uint64_t)sqlite3_column_int64(st, 1);
        s.stored = (uint64_t)sqlite3_column_int64(st, 2);
        s.removed = sqlite3_column_int64(st, 3);
        s.removed_bytes = (uint64_t)sqlite3_column_int64(st, 4);
        s.purged = sqlite3_column_int64(st, 5);
        s.broken = sqlite3_column_int64(st, 6);
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
    if (ret_gen_get(ix, -1, &s.newest)) return -1;
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
