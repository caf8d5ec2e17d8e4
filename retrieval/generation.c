/*
 * generation.c - the generations of the index (docs/retrieval.md): every
 * transaction that adds or removes documents makes one, recorded in the
 * `generations` table with what ranking at that generation needs (the
 * number of visible documents, their tokens, the largest id added so far)
 * and a hash chaining the whole history up to it, which identifies the
 * generation across index files. A stream records the generation its
 * online queries saw; mdlz_index_need_check() tells whether this index
 * can still serve it, and if not, why and what would bring it back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "internal.h"

static void put_le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void hash_u64(XXH3_state_t *xs, uint64_t v) {
    uint8_t b[8];
    put_le64(b, v);
    XXH3_64bits_update(xs, b, 8);
}

uint64_t ret_gen_history(uint64_t prev, int64_t g, const int64_t *add_id,
                         const uint64_t *add_hash, const uint64_t *add_size,
                         int64_t nadd, const int64_t *rm_id, int64_t nrm) {
    XXH3_state_t *xs = XXH3_createState();
    uint64_t h = 0;
    if (!xs) return 0; /* callers check for 0: out of memory */
    XXH3_64bits_reset(xs);
    hash_u64(xs, prev);
    hash_u64(xs, (uint64_t)g);
    hash_u64(xs, (uint64_t)nadd);
    for (int64_t i = 0; i < nadd; i++) {
        hash_u64(xs, (uint64_t)add_id[i]);
        hash_u64(xs, add_hash[i]);
        hash_u64(xs, add_size[i]);
    }
    hash_u64(xs, (uint64_t)nrm);
    for (int64_t i = 0; i < nrm; i++) hash_u64(xs, (uint64_t)rm_id[i]);
    h = XXH3_64bits_digest(xs);
    XXH3_freeState(xs);
    return h ? h : 1; /* 0 is kept for "out of memory" */
}

int ret_gen_get(mdlz_index *ix, int64_t gen, mdlz_index_gen *g) {
    sqlite3_stmt *st = ret_stmt(ix, gen < 0 ? RET_ST_GEN_NEWEST : RET_ST_GEN);
    if (!st) return -1;
    if (gen >= 0) sqlite3_bind_int64(st, 1, gen);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        g->gen = sqlite3_column_int64(st, 0);
        g->docs = sqlite3_column_int64(st, 1);
        g->tokens = (uint64_t)sqlite3_column_int64(st, 2);
        g->maxid = sqlite3_column_int64(st, 3);
        g->history = (uint64_t)sqlite3_column_int64(st, 4);
        g->made = sqlite3_column_int64(st, 5);
        g->intact = sqlite3_column_int(st, 6) != 0;
    }
    sqlite3_reset(st);
    if (s == SQLITE_ROW) return 0;
    if (s != SQLITE_DONE) return ret_fail_sql(ix, "index");
    return gen < 0
               ? ret_fail(ix, "index: no generations (damaged)")
               : ret_fail(ix, "index has no generation %lld", (long long)gen);
}

int mdlz_index_generation(mdlz_index *ix, int64_t gen, mdlz_index_gen *g) {
    return ret_gen_get(ix, gen, g);
}

/* Growing arrays of the documents a generation added and removed. */
typedef struct {
    int64_t *id;
    uint64_t *hash, *size;
    int64_t n, cap;
    uint64_t tokens;
} doc_list;

static int list_push(doc_list *l, int64_t id, uint64_t hash, uint64_t size) {
    if (l->n == l->cap) {
        int64_t cap = l->cap ? l->cap * 2 : 64;
        int64_t *a = realloc(l->id, (size_t)cap * sizeof *a);
        if (a) l->id = a;
        uint64_t *b = realloc(l->hash, (size_t)cap * sizeof *b);
        if (b) l->hash = b;
        uint64_t *c = realloc(l->size, (size_t)cap * sizeof *c);
        if (c) l->size = c;
        if (!a || !b || !c) return -1;
        l->cap = cap;
    }
    l->id[l->n] = id;
    l->hash[l->n] = hash;
    l->size[l->n++] = size;
    return 0;
}

static void list_free(doc_list *l) {
    free(l->id);
    free(l->hash);
    free(l->size);
}

/* Reads (id, hash, size, tokens) rows of `sql` (binding ?1 = v) into l. */
static int list_read(mdlz_index *ix, const char *sql, int64_t v, doc_list *l) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL))
        return ret_fail_sql(ix, "index");
    sqlite3_bind_int64(st, 1, v);
    int s, rc = 0;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        l->tokens += (uint64_t)sqlite3_column_int64(st, 3);
        if (list_push(l, sqlite3_column_int64(st, 0),
                      (uint64_t)sqlite3_column_int64(st, 1),
                      (uint64_t)sqlite3_column_int64(st, 2)))
            rc = ret_fail(ix, "out of memory");
    }
    if (rc == 0 && s != SQLITE_DONE) rc = ret_fail_sql(ix, "index");
    sqlite3_finalize(st);
    return rc;
}

int ret_gen_close(mdlz_index *ix) {
    doc_list add, rm;
    mdlz_index_gen prev;
    memset(&add, 0, sizeof add);
    memset(&rm, 0, sizeof rm);
    int rc = list_read(ix,
                       "SELECT id, hash, size, tokens FROM documents"
                       " WHERE id > ?1 ORDER BY id",
                       ix->txn_base, &add);
    if (!rc)
        rc = list_read(ix,
                       "SELECT id, hash, size, tokens FROM documents"
                       " INDEXED BY documents_removed WHERE removed = ?1"
                       " ORDER BY id",
                       ix->txn_gen, &rm);
    if (!rc && (add.n || rm.n)) rc = ret_gen_get(ix, ix->txn_gen - 1, &prev);
    if (!rc && (add.n || rm.n)) {
        uint64_t h = ret_gen_history(prev.history, ix->txn_gen, add.id,
                                     add.hash, add.size, add.n, rm.id, rm.n);
        sqlite3_stmt *st;
        if (!h) {
            rc = ret_fail(ix, "out of memory");
        } else if (sqlite3_prepare_v2(ix->db,
                                      "INSERT INTO generations VALUES(?1, ?2,"
                                      " ?3, ?4, ?5, ?6, 1)",
                                      -1, &st, NULL)) {
            rc = ret_fail_sql(ix, "index");
        } else {
            sqlite3_bind_int64(st, 1, ix->txn_gen);
            sqlite3_bind_int64(st, 2, prev.docs + add.n - rm.n);
            sqlite3_bind_int64(st, 3,
                               (int64_t)(prev.tokens + add.tokens - rm.tokens));
            sqlite3_bind_int64(st, 4, add.n ? add.id[add.n - 1] : prev.maxid);
            sqlite3_bind_int64(st, 5, (int64_t)h);
            sqlite3_bind_int64(st, 6, (int64_t)time(NULL));
            rc =
                sqlite3_step(st) == SQLITE_DONE ? 0 : ret_fail_sql(ix, "index");
            sqlite3_finalize(st);
        }
    }
    list_free(&add);
    list_free(&rm);
    return rc;
}

int ret_gen_hidden(mdlz_index *ix, const mdlz_index_gen *g, int64_t **ids,
                   size_t *n) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_HIDDEN);
    size_t cap = 0;
    *ids = NULL;
    *n = 0;
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, g->gen);
    sqlite3_bind_int64(st, 2, g->maxid);
    int s, rc = 0;
    while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t *p = realloc(*ids, cap * sizeof *p);
            if (!p) {
                rc = ret_fail(ix, "out of memory");
                break;
            }
            *ids = p;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    if (rc == 0 && s != SQLITE_DONE) rc = ret_fail_sql(ix, "index");
    sqlite3_reset(st);
    if (rc) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

void ret_gen_gone(mdlz_index *ix, int64_t gen) {
    char first[120] = "";
    int64_t count = 0;
    sqlite3_stmt *st;
    if (!sqlite3_prepare_v2(ix->db,
                            "SELECT id, name FROM purged WHERE gen <= ?1 AND"
                            " removed > ?1 ORDER BY id",
                            -1, &st, NULL)) {
        sqlite3_bind_int64(st, 1, gen);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 1);
            if (!count++)
                snprintf(first, sizeof first, "%lld %s",
                         (long long)sqlite3_column_int64(st, 0),
                         name ? name : "");
        }
        sqlite3_finalize(st);
    }
    ret_fail(ix,
             "index generation %lld is gone: gc purged %lld of its "
             "documents (%s%s); only a copy of the index from before that "
             "gc can decode this",
             (long long)gen, (long long)count, first, count > 1 ? ", ..." : "");
}

int mdlz_index_need_check(mdlz_index *ix, const mdlz_index_need *need,
                          char *err, size_t errlen) {
    mdlz_index_gen g, newest;
    int rc = 0;
    if (need->gen >= 0) {
        if (ret_gen_get(ix, -1, &newest)) {
            rc = -1;
        } else if (need->gen > newest.gen) {
            rc = ret_fail(ix,
                          "index generation %lld needed, the index has %lld: "
                          "another index, or an older copy of the one used",
                          (long long)need->gen, (long long)newest.gen);
        } else if (ret_gen_get(ix, need->gen, &g)) {
            rc = -1;
        } else if (g.history != need->history) {
            rc = ret_fail(ix,
                          "index generation %lld has history %016llx, not "
                          "%016llx: another index (or the same documents "
                          "added in another order)",
                          (long long)need->gen, (unsigned long long)g.history,
                          (unsigned long long)need->history);
        } else if (!g.intact) {
            ret_gen_gone(ix, need->gen);
            rc = -1;
        }
    }
    for (int i = 0; rc == 0 && i < need->n_docs; i++) {
        uint8_t *body;
        size_t len;
        rc = mdlz_index_get_content(ix, need->docs[i].hash, need->docs[i].size,
                                    &body, &len, NULL, 0);
        free(body);
    }
    if (rc && err && errlen) snprintf(err, errlen, "%s", ix->err);
    return rc;
}
