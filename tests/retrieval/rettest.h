/*
 * rettest.h - helpers of the retrieval tests: a private temporary
 * directory, creating an index in it, adding text, history hashes and
 * document counts. Everything is static: each test is one translation
 * unit.
 */
#ifndef MDLZ_TEST_RETTEST_H
#define MDLZ_TEST_RETTEST_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "check.h"
#include "mdlz_index.h"

static char tmpdir[256];

static inline void tmp_path(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "%s/%s", tmpdir, name);
}

static inline void remove_db(const char *path) {
    char p[700];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static inline mdlz_index *open_new(const char *name) {
    char path[600], err[512];
    mdlz_index *ix;
    tmp_path(path, sizeof path, name);
    remove_db(path);
    if (mdlz_index_open(&ix, path, MDLZ_INDEX_CREATE, err, sizeof err)) {
        fprintf(stderr, "cannot create %s: %s\n", path, err);
        exit(99);
    }
    return ix;
}

static inline int64_t add_text(mdlz_index *ix, const char *name,
                               const char *text, int *dup) {
    int64_t id = -1;
    int d = 0;
    if (mdlz_index_add_buffer(ix, name, (const uint8_t *)text, strlen(text),
                              NULL, &id, &d))
        return -1;
    if (dup) *dup = d;
    return id;
}

/* The history hash as docs/retrieval.md defines it, from the listing, of
 * an index whose k-th listed document (k = 1, 2, ...) was added alone by
 * generation k, nothing removed. */
typedef struct {
    uint64_t h;
    int n;
} hist_acc;

static inline void hist_u64(XXH3_state_t *st, uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
    XXH3_64bits_update(st, b, 8);
}

static inline int hist_row(void *user, const mdlz_index_docinfo *d) {
    hist_acc *a = user;
    XXH3_state_t *st = XXH3_createState();
    XXH3_64bits_reset(st);
    hist_u64(st, a->h);
    hist_u64(st, (uint64_t)++a->n); /* generation */
    hist_u64(st, 1);                /* one document added */
    hist_u64(st, (uint64_t)d->id);
    hist_u64(st, d->hash);
    hist_u64(st, d->size);
    hist_u64(st, 0); /* none removed */
    a->h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return 0;
}

static inline uint64_t hist_reference(mdlz_index *ix, int *n) {
    hist_acc a = {XXH3_64bits("", 0), 0};
    mdlz_index_list(ix, hist_row, &a);
    if (n) *n = a.n;
    return a.h;
}

/* The newest generation's history hash (0 on error). */
static inline uint64_t history(mdlz_index *ix) {
    mdlz_index_gen g;
    if (mdlz_index_generation(ix, -1, &g)) return 0;
    return g.history;
}

/* The newest generation's number (-1 on error). */
static inline int64_t generation(mdlz_index *ix) {
    mdlz_index_gen g;
    if (mdlz_index_generation(ix, -1, &g)) return -1;
    return g.gen;
}

static inline int64_t count_docs(mdlz_index *ix) {
    mdlz_index_summary s;
    if (mdlz_index_stats(ix, &s)) return -1;
    return s.documents;
}

/* Makes the private temporary directory under base (NULL: /tmp).
 * Returns 0 or -1. */
static inline int tmp_setup(const char *base) {
    if (!base) base = "/tmp";
    if (strlen(base) > 200) {
        fprintf(stderr, "temporary directory name too long\n");
        return -1;
    }
    strcpy(tmpdir, base);
    strcat(tmpdir, "/mdlz-ret.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return -1;
    }
    return 0;
}

/* Removes the temporary directory and everything in it. */
static inline void tmp_cleanup(void) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
}

#endif
