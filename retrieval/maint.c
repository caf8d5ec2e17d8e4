/*
 * maint.c - keeping an index: gc (purging removed documents, refusing to
 * break the streams the caller names), check (every consistency the index
 * promises, one message per problem) and vacuum (a compact rewrite).
 * docs/retrieval.md, "Generations" and "Maintenance".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "internal.h"
#include "terms.h"

/* A stored or purged document, as gc and check see it. */
typedef struct {
    int64_t id, gen, removed; /* removed: 0 while visible */
    uint64_t hash, size, tokens;
    int purging; /* gc: in the purge set; check: a tombstone */
} doc_meta;

typedef struct {
    doc_meta *d;
    size_t n, cap;
} meta_list;

/* Appends the rows of `sql` (id, hash, size, gen, removed, tokens). */
static int meta_read(mdlz_index *ix, const char *sql, int flag, meta_list *l) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL))
        return ret_fail_sql(ix, "index");
    int s, rc = 0;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 256;
            doc_meta *p = realloc(l->d, cap * sizeof *p);
            if (!p) {
                rc = ret_fail(ix, "out of memory");
                break;
            }
            l->d = p;
            l->cap = cap;
        }
        l->d[l->n++] = (doc_meta){sqlite3_column_int64(st, 0),
                                  sqlite3_column_int64(st, 3),
                                  sqlite3_column_int64(st, 4),
                                  (uint64_t)sqlite3_column_int64(st, 1),
                                  (uint64_t)sqlite3_column_int64(st, 2),
                                  (uint64_t)sqlite3_column_int64(st, 5),
                                  flag};
    }
    if (rc == 0 && s != SQLITE_DONE) rc = ret_fail_sql(ix, "index");
    sqlite3_finalize(st);
    return rc;
}

/* ---- gc ------------------------------------------------------------------ */

/* Reports one way the purge breaks `need`; returns 1. */
static int conflict(const mdlz_index_need *need, mdlz_index_note note,
                    void *user, const char *what) {
    char msg[600];
    snprintf(msg, sizeof msg, "%s: %s", need->label ? need->label : "stream",
             what);
    if (note) note(user, msg);
    return 1;
}

/* Counts (and reports) what of `need` the purge set of l breaks. */
static int64_t need_conflicts(mdlz_index *ix, const meta_list *l,
                              const mdlz_index_need *need, mdlz_index_note note,
                              void *user) {
    int64_t n = 0;
    char what[500];
    if (need->gen >= 0) {
        mdlz_index_gen g;
        if (ret_gen_get(ix, need->gen, &g) || g.history != need->history) {
            snprintf(what, sizeof what,
                     "not made with this index (generation %lld, history "
                     "%016llx); ignored",
                     (long long)need->gen, (unsigned long long)need->history);
            if (note) conflict(need, note, user, what);
            return 0;
        }
        int64_t hit = 0, first = 0;
        for (size_t i = 0; i < l->n; i++)
            if (l->d[i].gen <= need->gen && need->gen < l->d[i].removed &&
                !hit++)
                first = l->d[i].id;
        if (hit) {
            snprintf(what, sizeof what,
                     "needs generation %lld, in which %lld of the documents "
                     "to purge are visible (the first: id %lld)",
                     (long long)need->gen, (long long)hit, (long long)first);
            n += conflict(need, note, user, what);
        }
    }
    for (int k = 0; k < need->n_docs; k++) {
        const mdlz_docref *r = &need->docs[k];
        int purged = 0, kept = 0;
        int64_t id = 0;
        for (size_t i = 0; i < l->n; i++) {
            if (MDLZ_INDEX_KEY(l->d[i].hash) != MDLZ_INDEX_KEY(r->hash) ||
                l->d[i].size != r->size)
                continue;
            if (l->d[i].purging) purged = 1, id = l->d[i].id;
            else kept = 1;
        }
        if (purged && !kept) {
            snprintf(what, sizeof what,
                     "needs document %lld (content %012llx, %llu bytes), "
                     "which would be purged",
                     (long long)id, (unsigned long long)(r->hash >> 16),
                     (unsigned long long)r->size);
            n += conflict(need, note, user, what);
        }
    }
    return n;
}

/* Purges the documents of l marked `purging`: their term entries, rows and
 * generations' intact flags; a tombstone for each. */
static int purge(mdlz_index *ix, const meta_list *l, mdlz_index_gc_result *r) {
    term_batch b;
    sqlite3_stmt *tomb = NULL, *broke = NULL;
    int rc = 0;
    ret_batch_init(&b, 0);
    if (sqlite3_prepare_v2(ix->db,
                           "INSERT INTO purged SELECT id, name, hash, size,"
                           " gen, removed, tokens, ?2 FROM documents"
                           " WHERE id = ?1",
                           -1, &tomb, NULL) ||
        sqlite3_prepare_v2(ix->db,
                           "UPDATE generations SET intact = 0 WHERE gen >= ?1"
                           " AND gen < ?2 AND intact",
                           -1, &broke, NULL))
        rc = ret_fail_sql(ix, "index");
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        const doc_meta *d = &l->d[i];
        uint8_t *body;
        size_t len;
        sqlite3_stmt *st;
        if (!d->purging) continue;
        rc = mdlz_index_get(ix, d->id, 0, &body, &len, NULL, 0);
        if (rc == 0) rc = ret_batch_doc(ix, &b, d->id, body, len);
        if (rc == 0) free(body);
        if (rc) break;
        sqlite3_bind_int64(tomb, 1, d->id);
        sqlite3_bind_int64(tomb, 2, (int64_t)time(NULL));
        if ((rc = ret_step_done(ix, tomb))) break;
        sqlite3_bind_int64(broke, 1, d->gen);
        sqlite3_bind_int64(broke, 2, d->removed);
        if ((rc = ret_step_done(ix, broke))) break;
        r->broken += sqlite3_changes(ix->db);
        if (!(st = ret_stmt(ix, RET_ST_DELETE_DOC))) {
            rc = -1;
            break;
        }
        sqlite3_bind_int64(st, 1, d->id);
        if ((rc = ret_step_done(ix, st))) break;
        r->purged++;
        r->bytes += d->size;
    }
    if (rc == 0 && b.docs) rc = ret_batch_apply_rm(ix, &b);
    ret_batch_free(&b);
    sqlite3_finalize(tomb);
    sqlite3_finalize(broke);
    return rc;
}

int mdlz_index_gc(mdlz_index *ix, const mdlz_index_need *keep, int nkeep,
                  int force, mdlz_index_note note, void *user,
                  mdlz_index_gc_result *res) {
    mdlz_index_gc_result r = {0, 0, 0, 0};
    meta_list l = {NULL, 0, 0};
    if (res) *res = r;
    if (ix->in_txn) return ret_fail(ix, "index: gc inside a transaction");
    if (mdlz_index_begin(ix)) return -1;
    /* every stored document: the purge set (removed), and the others (a
     * content kept under another id still serves a kept stream) */
    int rc = meta_read(ix,
                       "SELECT id, hash, size, gen, coalesce(removed, 0),"
                       " tokens FROM documents WHERE removed IS NOT NULL"
                       " ORDER BY id",
                       1, &l);
    if (rc == 0)
        rc = meta_read(ix,
                       "SELECT id, hash, size, gen, 0, tokens FROM documents"
                       " WHERE removed IS NULL ORDER BY id",
                       0, &l);
    for (int i = 0; rc == 0 && i < nkeep; i++)
        r.conflicts += need_conflicts(ix, &l, &keep[i], note, user);
    if (rc == 0 && r.conflicts && !force)
        rc = ret_fail(ix,
                      "gc would make %lld need%s of the kept streams "
                      "unsatisfiable; nothing was purged (--force purges "
                      "anyway)",
                      (long long)r.conflicts, r.conflicts == 1 ? "" : "s");
    if (rc == 0) rc = purge(ix, &l, &r);
    free(l.d);
    if (rc) {
        mdlz_index_rollback(ix);
        return -1;
    }
    if (mdlz_index_commit(ix)) return -1;
    if (res) *res = r;
    return 0;
}

/* ---- check ----------------------------------------------------------------- */

typedef struct {
    mdlz_index_note note;
    void *user;
    int problems;
} findings;

static void problem(findings *f, const char *fmt, ...) RET_PRINTF(2, 3);

static void problem(findings *f, const char *fmt, ...) {
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (f->note) f->note(f->user, msg);
    f->problems++;
}

/* SQLite's own checks: the file, then FTS5's index. */
static int check_sqlite(mdlz_index *ix, findings *f) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db, "PRAGMA integrity_check", -1, &st, NULL)) {
        problem(f, "integrity_check: %s", sqlite3_errmsg(ix->db));
        return 0;
    }
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(st, 0);
        if (m && strcmp(m, "ok")) problem(f, "integrity_check: %s", m);
    }
    if (s != SQLITE_DONE)
        problem(f, "integrity_check: %s", sqlite3_errmsg(ix->db));
    sqlite3_finalize(st);
    /* a command spelled as an INSERT: run in a savepoint, rolled back */
    if (!ix->readonly &&
        !sqlite3_exec(ix->db, "SAVEPOINT ret_check", NULL, NULL, NULL)) {
        if (sqlite3_exec(ix->db,
                         "INSERT INTO documents_fts(documents_fts)"
                         " VALUES('integrity-check')",
                         NULL, NULL, NULL))
            problem(f, "full-text index: %s", sqlite3_errmsg(ix->db));
        sqlite3_exec(ix->db, "ROLLBACK TO ret_check; RELEASE ret_check", NULL,
                     NULL, NULL);
    }
    return 0;
}

/* Every stored body against its hash, size and token count. */
static int check_bodies(mdlz_index *ix, findings *f) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT id, name, hash, size, tokens, body FROM"
                           " documents ORDER BY id",
                           -1, &st, NULL))
        return ret_fail_sql(ix, "index");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        uint64_t size = (uint64_t)sqlite3_column_int64(st, 3);
        uint8_t *body;
        name = name ? name : "";
        if (ret_unpack(ix, sqlite3_column_blob(st, 5),
                       (size_t)sqlite3_column_bytes(st, 5), size, &body)) {
            problem(f, "document %lld (%s): stored body is damaged",
                    (long long)id, name);
            continue;
        }
        if (XXH3_64bits(body, (size_t)size) !=
            (uint64_t)sqlite3_column_int64(st, 2))
            problem(f, "document %lld (%s): body does not match its hash",
                    (long long)id, name);
        ret_termset ts;
        memset(&ts, 0, sizeof ts);
        if (ret_termset_add_doc(&ts, body, (size_t)size) == 0 &&
            ts.ntokens != (uint64_t)sqlite3_column_int64(st, 4))
            problem(f, "document %lld (%s): %llu tokens stored, %llu counted",
                    (long long)id, name,
                    (unsigned long long)sqlite3_column_int64(st, 4),
                    (unsigned long long)ts.ntokens);
        ret_termset_free(&ts);
        free(body);
    }
    int rc = s == SQLITE_DONE ? 0 : ret_fail_sql(ix, "index");
    sqlite3_finalize(st);
    return rc;
}

static int cmp_meta_id(const void *pa, const void *pb) {
    const doc_meta *a = pa, *b = pb;
    return (a->id > b->id) - (a->id < b->id);
}

/* The generations against the documents and tombstones: totals, maxid,
 * history chain and intact flags, recomputed generation by generation. */
static int check_generations(mdlz_index *ix, findings *f) {
    meta_list l = {NULL, 0, 0};
    sqlite3_stmt *st = NULL;
    int64_t *ids = NULL, *rms = NULL;
    uint64_t *hs = NULL, *ss = NULL;
    /* visible documents: removed "never" (INT64_MAX) */
    int rc = meta_read(ix,
                       "SELECT id, hash, size, gen,"
                       " coalesce(removed, 9223372036854775807), tokens"
                       " FROM documents",
                       0, &l);
    if (!rc)
        rc = meta_read(ix,
                       "SELECT id, hash, size, gen, removed, tokens FROM"
                       " purged",
                       1, &l);
    if (!rc) qsort(l.d, l.n, sizeof *l.d, cmp_meta_id);
    size_t cap = l.n ? l.n : 1;
    if (!rc &&
        (!(ids = malloc(cap * sizeof *ids)) ||
         !(rms = malloc(cap * sizeof *rms)) ||
         !(hs = malloc(cap * sizeof *hs)) || !(ss = malloc(cap * sizeof *ss))))
        rc = ret_fail(ix, "out of memory");
    if (!rc && sqlite3_prepare_v2(ix->db,
                                  "SELECT gen, docs, tokens, maxid, history,"
                                  " intact FROM generations ORDER BY gen",
                                  -1, &st, NULL))
        rc = ret_fail_sql(ix, "index");
    int64_t expect = 0, docs = 0, maxid = 0;
    uint64_t tokens = 0, hist = 0;
    int s = SQLITE_DONE;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t g = sqlite3_column_int64(st, 0), nadd = 0, nrm = 0;
        int intact = 1;
        if (g != expect) {
            problem(f, "generations: %lld follows %lld", (long long)g,
                    (long long)(expect - 1));
            break;
        }
        for (size_t i = 0; i < l.n; i++) {
            const doc_meta *d = &l.d[i];
            if (d->gen == g) {
                ids[nadd] = d->id;
                hs[nadd] = d->hash;
                ss[nadd++] = d->size;
                docs++;
                tokens += d->tokens;
                maxid = d->id;
            }
            if (d->removed == g) {
                rms[nrm++] = d->id;
                docs--;
                tokens -= d->tokens;
            }
            if (d->purging && d->gen <= g && g < d->removed) intact = 0;
        }
        hist = g == 0 ? XXH3_64bits("", 0)
                      : ret_gen_history(hist, g, ids, hs, ss, nadd, rms, nrm);
        if (sqlite3_column_int64(st, 1) != docs ||
            (uint64_t)sqlite3_column_int64(st, 2) != tokens ||
            sqlite3_column_int64(st, 3) != maxid)
            problem(f,
                    "generation %lld: %lld documents, %lld tokens, maxid "
                    "%lld stored; %lld, %llu, %lld from the documents",
                    (long long)g, (long long)sqlite3_column_int64(st, 1),
                    (long long)sqlite3_column_int64(st, 2),
                    (long long)sqlite3_column_int64(st, 3), (long long)docs,
                    (unsigned long long)tokens, (long long)maxid);
        if ((uint64_t)sqlite3_column_int64(st, 4) != hist)
            problem(f,
                    "generation %lld: history %016llx stored, %016llx "
                    "from the documents",
                    (long long)g,
                    (unsigned long long)sqlite3_column_int64(st, 4),
                    (unsigned long long)hist);
        if ((sqlite3_column_int(st, 5) != 0) != intact)
            problem(f, "generation %lld: marked %s, but %s", (long long)g,
                    intact ? "damaged" : "intact",
                    intact ? "no purged document was visible in it"
                           : "purged documents were visible in it");
        expect = g + 1;
    }
    if (!rc && s != SQLITE_DONE && s != SQLITE_ROW)
        rc = ret_fail_sql(ix, "index");
    for (size_t i = 0; !rc && i < l.n; i++)
        if (l.d[i].gen >= expect ||
            (l.d[i].removed >= expect && l.d[i].removed != INT64_MAX))
            problem(f, "document %lld: generation %lld or %lld not recorded",
                    (long long)l.d[i].id, (long long)l.d[i].gen,
                    (long long)l.d[i].removed);
    sqlite3_finalize(st);
    free(l.d);
    free(ids);
    free(rms);
    free(hs);
    free(ss);
    return rc;
}

int mdlz_index_check(mdlz_index *ix, mdlz_index_note note, void *user) {
    findings f = {note, user, 0};
    if (ix->in_txn) return ret_fail(ix, "index: check inside a transaction");
    if (sqlite3_exec(ix->db, "BEGIN", NULL, NULL, NULL))
        return ret_fail_sql(ix, "index");
    int rc = check_sqlite(ix, &f);
    if (!rc) rc = check_bodies(ix, &f);
    if (!rc && ret_terms_verify(ix)) problem(&f, "term tables: %s", ix->err);
    if (!rc) rc = check_generations(ix, &f);
    sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
    return rc ? -1 : f.problems;
}

/* ---- vacuum ------------------------------------------------------------- */

static int file_bytes(mdlz_index *ix, uint64_t *bytes) {
    int64_t pages, psize;
    if (ret_query_int(ix, "PRAGMA page_count", &pages) ||
        ret_query_int(ix, "PRAGMA page_size", &psize))
        return ret_fail_sql(ix, "index");
    *bytes = (uint64_t)pages * (uint64_t)psize;
    return 0;
}

int mdlz_index_vacuum(mdlz_index *ix, uint64_t *before, uint64_t *after) {
    if (ix->readonly) return ret_fail(ix, "index is open read-only");
    if (ix->in_txn || !sqlite3_get_autocommit(ix->db))
        return ret_fail(ix, "index: vacuum inside a transaction");
    if (file_bytes(ix, before)) return -1;
    if (sqlite3_exec(ix->db,
                     "INSERT INTO documents_fts(documents_fts)"
                     " VALUES('optimize')",
                     NULL, NULL, NULL) ||
        sqlite3_exec(ix->db, "VACUUM", NULL, NULL, NULL) ||
        sqlite3_exec(ix->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
                     NULL))
        return ret_fail_sql(ix, "vacuum");
    return file_bytes(ix, after);
}
