/*
 * read.c - reading stored documents: by id (what a selection returns) and
 * by content (the 48-bit key and size a stream records), each body checked
 * against its stored hash; names. A document that is not stored gets a
 * message naming it if gc purged it (its tombstone) and saying what brings
 * it back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "internal.h"

/* Decompresses a stored body and checks it against its hash; the
 * messages name the document (id and name). */
static int read_body(mdlz_index *ix, int64_t id, const char *name,
                     uint64_t hash, uint64_t size, const void *blob,
                     size_t blen, uint8_t **body) {
    if (ret_unpack(ix, blob, blen, size, body))
        return ret_fail(ix, "document %lld (%s): stored body is damaged",
                        (long long)id, name);
    if (XXH3_64bits(*body, (size_t)size) != hash) {
        free(*body);
        *body = NULL;
        return ret_fail(ix, "document %lld (%s): body does not match its hash",
                        (long long)id, name);
    }
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
            name = name ? name : "";
            if (expected_hash && hash != expected_hash) {
                ret_fail(ix,
                         "document %lld (%s) has changed: hash %016llx, "
                         "expected %016llx",
                         (long long)id, name, (unsigned long long)hash,
                         (unsigned long long)expected_hash);
            } else if (read_body(
                           ix, id, name, hash, size, sqlite3_column_blob(st, 3),
                           (size_t)sqlite3_column_bytes(st, 3), body) == 0) {
                *len = (size_t)size;
                rc = 0;
            }
        }
        sqlite3_reset(st);
    }
    if (rc && err && errlen) snprintf(err, errlen, "%s", ix->err);
    return rc;
}

/* Binds a content key (the top 48 bits of a hash) and a size to a
 * statement of `hash BETWEEN ?1 AND ?3 AND size = ?2`: the hashes with
 * those top bits form one range, of one sign as signed integers. */
static void bind_key(sqlite3_stmt *st, uint64_t hash, uint64_t size) {
    uint64_t key = MDLZ_INDEX_KEY(hash);
    sqlite3_bind_int64(st, 1, (int64_t)key);
    sqlite3_bind_int64(st, 2, (int64_t)size);
    sqlite3_bind_int64(st, 3, (int64_t)(key | 0xFFFF));
}

/* The message for content that is not stored: its tombstone if gc purged
 * it, and what brings it back. */
static void content_gone(mdlz_index *ix, uint64_t hash, uint64_t size) {
    sqlite3_stmt *st;
    char was[160] = "never added, or purged";
    if (!sqlite3_prepare_v2(ix->db,
                            "SELECT id, name FROM purged WHERE hash BETWEEN"
                            " ?1 AND ?3 AND size = ?2 ORDER BY id DESC",
                            -1, &st, NULL)) {
        bind_key(st, hash, size);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *name = (const char *)sqlite3_column_text(st, 1);
            snprintf(was, sizeof was, "gc purged it: was %lld %s",
                     (long long)sqlite3_column_int64(st, 0), name ? name : "");
        }
        sqlite3_finalize(st);
    }
    ret_fail(ix,
             "document %012llx (%llu bytes) is not in the index (%s); "
             "adding the same file again brings it back",
             (unsigned long long)(hash >> 16), (unsigned long long)size, was);
}

/* Steps st (bound by bind_key) to the stored document with that content:
 * 1 (a row: the visible one first), 0 (none, message set) or -1. Two
 * stored documents of the same size whose hashes share the key but differ
 * are an error: the key does not tell them apart. */
static int content_row(mdlz_index *ix, sqlite3_stmt *st, uint64_t hash,
                       uint64_t size) {
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) {
        content_gone(ix, hash, size);
        return 0;
    }
    if (s != SQLITE_ROW) return ret_fail_sql(ix, "index");
    /* the others are few: the same content removed and added again */
    sqlite3_stmt *other = NULL;
    int rc = 1;
    if (sqlite3_prepare_v2(ix->db,
                           "SELECT id FROM documents INDEXED BY documents_hash"
                           " WHERE hash BETWEEN ?1 AND ?3 AND size = ?2"
                           " AND hash != ?4 LIMIT 1",
                           -1, &other, NULL))
        return ret_fail_sql(ix, "index");
    bind_key(other, hash, size);
    sqlite3_bind_int64(other, 4, sqlite3_column_int64(st, 2));
    s = sqlite3_step(other);
    if (s == SQLITE_ROW)
        rc = ret_fail(ix,
                      "documents %lld and %lld have the same size and content "
                      "key %012llx: remove one (mdlz index rm, then gc)",
                      (long long)sqlite3_column_int64(st, 0),
                      (long long)sqlite3_column_int64(other, 0),
                      (unsigned long long)(hash >> 16));
    else if (s != SQLITE_DONE) rc = ret_fail_sql(ix, "index");
    sqlite3_finalize(other);
    return rc;
}

int mdlz_index_find(mdlz_index *ix, uint64_t hash, uint64_t size, int64_t *id) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_CONTENT);
    if (!st) return -1;
    bind_key(st, hash, size);
    int r = content_row(ix, st, hash, size);
    if (r == 1) *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return r;
}

int mdlz_index_get_content(mdlz_index *ix, uint64_t hash, uint64_t size,
                           uint8_t **body, size_t *len, char *err,
                           size_t errlen) {
    *body = NULL;
    *len = 0;
    int rc = -1;
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_CONTENT);
    if (st) {
        bind_key(st, hash, size);
        if (content_row(ix, st, hash, size) == 1) {
            const char *name = (const char *)sqlite3_column_text(st, 1);
            rc = read_body(ix, sqlite3_column_int64(st, 0), name ? name : "",
                           (uint64_t)sqlite3_column_int64(st, 2), size,
                           sqlite3_column_blob(st, 3),
                           (size_t)sqlite3_column_bytes(st, 3), body);
            if (!rc) *len = (size_t)size;
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
