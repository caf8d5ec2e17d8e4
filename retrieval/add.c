/*
 * add.c - adding documents: one document from memory (text rule of
 * text.c, hash, duplicate check among the visible documents, zstd,
 * documents row + FTS5 row), files and directory trees, and URLs (fetched
 * by fetch.c).
 * The caller wraps a whole `add` in mdlz_index_begin()/commit(), so a
 * failure anywhere leaves the index as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>

#include "internal.h"
#include "terms.h"

uint64_t ret_max_size(const mdlz_index_add_opts *opts) {
    return opts && opts->max_size ? opts->max_size
                                  : MDLZ_INDEX_MAX_SIZE_DEFAULT;
}

int ret_zstd_level(const mdlz_index_add_opts *opts) {
    return opts && opts->zstd_level ? opts->zstd_level : RET_ZSTD_LEVEL;
}

int ret_doc_prepare(ret_doc *d, const char *name, ZSTD_CCtx *cctx,
                    const mdlz_index_add_opts *opts) {
    if ((uint64_t)d->len > ret_max_size(opts)) {
        snprintf(d->err, sizeof d->err,
                 "%s: %zu bytes, over the size limit "
                 "of %llu (--max-size)",
                 name, d->len, (unsigned long long)ret_max_size(opts));
        d->failed = 1;
        return -1;
    }
    int kind = mdlz_index_text_check(d->body, d->len, &d->why);
    if (kind < 0 && !(opts && opts->force)) return 0; /* binary */
    d->why = NULL;
    d->hash = XXH3_64bits(d->body, d->len);
    size_t cap = ZSTD_compressBound(d->len);
    if (!(d->z = malloc(cap))) {
        snprintf(d->err, sizeof d->err, "%s: out of memory", name);
        d->failed = 1;
        return -1;
    }
    d->zn = ZSTD_compressCCtx(cctx, d->z, cap, d->body, d->len,
                              ret_zstd_level(opts));
    if (ZSTD_isError(d->zn)) {
        snprintf(d->err, sizeof d->err, "%s: zstd: %s", name,
                 ZSTD_getErrorName(d->zn));
        d->failed = 1;
        return -1;
    }
    /* the words (transcoded if the text is not UTF-8) for FTS5, and their
     * counts for the term tables (on the pipeline's worker thread when
     * walking a tree); without memory for the counts the commit tokenizes
     * the stored body instead */
    int owned = 0;
    if (kind == 0) { /* UTF-8 (the check read it all): the words as they are */
        d->words = d->body;
        d->wlen = d->len;
    } else if (ret_words_text(d->body, d->len, 0, &d->words, &d->wlen,
                              &owned)) {
        snprintf(d->err, sizeof d->err, "%s: out of memory", name);
        d->failed = 1;
        return -1;
    }
    if (owned) d->own_words = 1;
    if ((d->terms = calloc(1, sizeof *d->terms)) &&
        ret_termset_add_text(d->terms, d->words, d->wlen)) {
        ret_termset_free(d->terms);
        free(d->terms);
        d->terms = NULL;
    }
    d->tokens =
        d->terms ? d->terms->ntokens : ret_count_tokens(d->words, d->wlen);
    return 0;
}

void ret_doc_free(ret_doc *d) {
    if (d->own_body) free(d->body);
    if (d->own_words) free((void *)d->words);
    free(d->z);
    if (d->terms) ret_termset_free(d->terms);
    free(d->terms);
    memset(d, 0, sizeof *d);
}

/* Stores a prepared text document whose hash is not in the index yet. */
static int insert_doc(mdlz_index *ix, const char *name, const ret_doc *d,
                      int64_t *id) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_INSERT_DOC);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)d->hash);
    sqlite3_bind_int64(st, 3, (int64_t)d->len);
    sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
    sqlite3_bind_int64(st, 5, ix->txn_gen);
    sqlite3_bind_int64(st, 6, (int64_t)d->tokens);
    sqlite3_bind_blob64(st, 7, d->z, d->zn, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ret_fail_sql(ix, name);
    sqlite3_reset(st);
    if (rc) return -1;
    *id = sqlite3_last_insert_rowid(ix->db);
    if (!(st = ret_stmt(ix, RET_ST_INSERT_FTS))) return -1;
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_text64(st, 2, (const char *)d->words, d->wlen, SQLITE_STATIC,
                        SQLITE_UTF8);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ret_fail_sql(ix, name);
    sqlite3_reset(st);
    if (!rc) ret_post_doc(ix, *id, d->terms);
    return rc;
}

/* Finds the id of the visible document with hash h: 1 (found, *id set),
 * 0 (none) or -1. A removed document with the same content does not
 * count: adding it again makes a new document (a new id). */
static int find_hash(mdlz_index *ix, const char *name, uint64_t h,
                     int64_t *id) {
    sqlite3_stmt *st = ret_stmt(ix, RET_ST_FIND_HASH);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, (int64_t)h);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (s == SQLITE_ROW) return 1;
    return s == SQLITE_DONE ? 0 : ret_fail_sql(ix, name);
}

/* Stores a prepared document unless its hash is already indexed (*dup).
 * A failed or binary document is an error here.
 *
 * No savepoint per document: FTS5 flushes its pending terms to a new
 * segment at every savepoint, which made adding many small files 1.6x
 * slower. Without a transaction open, the document gets its own; inside
 * the caller's, a failure after the first write marks the transaction so
 * that mdlz_index_commit() rolls it back instead. */
static int store_doc(mdlz_index *ix, const char *name, const ret_doc *d,
                     int64_t *id, int *dup) {
    *dup = 0;
    if (d->failed) return ret_fail(ix, "%s", d->err);
    if (d->why)
        return ret_fail(ix,
                        "%s: binary document (%s); not added (--force "
                        "adds it anyway)",
                        name, d->why);
    int own = sqlite3_get_autocommit(ix->db);
    if (own && mdlz_index_begin(ix)) return -1;
    int rc = find_hash(ix, name, d->hash, id);
    if (rc == 1) {
        *dup = 1;
        rc = 0;
    } else if (rc == 0 && insert_doc(ix, name, d, id)) {
        rc = -1;
        if (!own) ix->broken = 1;
    }
    if (own) {
        if (rc) mdlz_index_rollback(ix);
        else rc = mdlz_index_commit(ix);
    }
    return rc;
}

int mdlz_index_add_buffer(mdlz_index *ix, const char *name, const uint8_t *body,
                          size_t len, const mdlz_index_add_opts *opts,
                          int64_t *id, int *dup) {
    int64_t new_id = 0;
    *dup = 0;
    if (ix->readonly) return ret_fail(ix, "index is open read-only");
    if (!ix->cctx && !(ix->cctx = ZSTD_createCCtx()))
        return ret_fail(ix, "out of memory");
    ret_doc d;
    memset(&d, 0, sizeof d);
    d.body = (uint8_t *)body;
    d.len = len;
    ret_doc_prepare(&d, name, ix->cctx, opts);
    int rc = store_doc(ix, name, &d, &new_id, dup);
    ret_doc_free(&d);
    if (!rc && id) *id = new_id;
    return rc;
}

/* What the directory walk hands to the pipeline's sink. */
typedef struct {
    mdlz_index *ix;
    const mdlz_index_add_opts *opts;
    mdlz_index_add_report report;
    void *user;
} walk_ctx;

/* Stores one file of a directory walk (binary files are skipped). */
static int walk_sink(void *user, const char *path, ret_doc *d) {
    walk_ctx *w = user;
    int64_t id = 0;
    int dup;
    if (!d->failed && d->why) {
        if (w->report) w->report(w->user, path, MDLZ_INDEX_SKIPPED, 0, d->len);
        return 0;
    }
    if (store_doc(w->ix, path, d, &id, &dup)) return -1;
    if (w->report)
        w->report(w->user, path, dup ? MDLZ_INDEX_DUPLICATE : MDLZ_INDEX_ADDED,
                  id, d->len);
    return 0;
}

/* Adds one file named directly (a binary file is an error). */
static int add_file(mdlz_index *ix, const char *path,
                    const mdlz_index_add_opts *opts,
                    mdlz_index_add_report report, void *user) {
    uint8_t *body;
    size_t len;
    int64_t id;
    int dup;
    if (ret_read_file(path, ret_max_size(opts), &body, &len, ix->err,
                      sizeof ix->err))
        return -1;
    int rc = mdlz_index_add_buffer(ix, path, body, len, opts, &id, &dup);
    free(body);
    if (!rc && report)
        report(user, path, dup ? MDLZ_INDEX_DUPLICATE : MDLZ_INDEX_ADDED, id,
               (uint64_t)len);
    return rc;
}

/* A growing list of paths (malloc'd strings). */
typedef struct {
    char **p;
    size_t n, cap;
} path_list;

static void paths_free(path_list *l) {
    for (size_t i = 0; i < l->n; i++) free(l->p[i]);
    free(l->p);
}

static int cmp_names(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_hidden(const struct dirent *d) { return d->d_name[0] != '.'; }

/* Appends every regular file under directory `dir` to the list
 * (depth-first, names in byte order, names starting with '.' skipped).
 * Symbolic links to directories are not followed. */
static int collect_dir(mdlz_index *ix, const char *dir, int depth,
                       path_list *out) {
    struct dirent **names;
    if (depth > 64) return ret_fail(ix, "%s: directories nested too deep", dir);
    int n = scandir(dir, &names, skip_hidden, cmp_names);
    if (n < 0) return ret_fail(ix, "%s: %s", dir, strerror(errno));
    int rc = 0;
    size_t dlen = strlen(dir);
    while (dlen > 1 && dir[dlen - 1] == '/') dlen--;
    for (int i = 0; i < n; i++) {
        size_t plen = dlen + 1 + strlen(names[i]->d_name) + 1;
        char *path = rc ? NULL : malloc(plen);
        struct stat sb, lsb;
        if (rc) {
            ; /* failed: just free the rest */
        } else if (!path) {
            rc = ret_fail(ix, "%s: out of memory", dir);
        } else {
            snprintf(path, plen, "%.*s/%s", (int)dlen, dir, names[i]->d_name);
            if (lstat(path, &lsb)) {
                rc = ret_fail(ix, "%s: %s", path, strerror(errno));
            } else if (stat(path, &sb)) {
                /* a dangling symbolic link has nothing to add */
                if (!S_ISLNK(lsb.st_mode))
                    rc = ret_fail(ix, "%s: %s", path, strerror(errno));
            } else if (S_ISDIR(sb.st_mode)) {
                if (!S_ISLNK(lsb.st_mode))
                    rc = collect_dir(ix, path, depth + 1, out);
            } else if (S_ISREG(sb.st_mode)) {
                if (out->n == out->cap) {
                    size_t cap = out->cap ? out->cap * 2 : 64;
                    char **p = realloc(out->p, cap * sizeof *p);
                    if (!p) {
                        rc = ret_fail(ix, "%s: out of memory", dir);
                    } else {
                        out->p = p;
                        out->cap = cap;
                    }
                }
                if (!rc) {
                    out->p[out->n++] = path;
                    path = NULL;
                }
            }
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int mdlz_index_add_path(mdlz_index *ix, const char *path,
                        const mdlz_index_add_opts *opts,
                        mdlz_index_add_report report, void *user) {
    struct stat sb;
    if (ix->readonly) return ret_fail(ix, "index is open read-only");
    if (stat(path, &sb)) return ret_fail(ix, "%s: %s", path, strerror(errno));
    if (!S_ISDIR(sb.st_mode)) return add_file(ix, path, opts, report, user);
    path_list files = {NULL, 0, 0};
    int rc = collect_dir(ix, path, 0, &files);
    if (!rc) {
        walk_ctx w = {ix, opts, report, user};
        rc = ret_pipeline_files(files.p, files.n, opts, walk_sink, &w);
    }
    paths_free(&files);
    return rc;
}

int mdlz_index_is_url(const char *s) {
    size_t i = 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
           (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' ||
           s[i] == '.')
        i++;
    return s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/';
}

int mdlz_index_add_url(mdlz_index *ix, const char *url,
                       const mdlz_index_add_opts *opts,
                       mdlz_index_add_report report, void *user) {
    uint8_t *body;
    size_t len;
    int64_t id;
    int dup;
    if (ix->readonly) return ret_fail(ix, "index is open read-only");
    if (ret_fetch_url(url, opts, &body, &len, ix->err, sizeof ix->err))
        return -1;
    int rc = mdlz_index_add_buffer(ix, url, body, len, opts, &id, &dup);
    free(body);
    if (!rc && report)
        report(user, url, dup ? MDLZ_INDEX_DUPLICATE : MDLZ_INDEX_ADDED, id,
               (uint64_t)len);
    return rc;
}
