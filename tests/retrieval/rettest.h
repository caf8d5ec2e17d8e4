/*
 * rettest.h - helpers of the retrieval tests: a private temporary
 * directory, creating an index in it, adding text, fingerprints and
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

/* The fingerprint as docs/retrieval.md defines it, from the listing. */
typedef struct {
    XXH3_state_t *st;
    int n;
} fp_acc;

static inline int fp_row(void *user, const mdlz_index_docinfo *d) {
    fp_acc *a = user;
    uint8_t rec[24];
    uint64_t v[3] = {(uint64_t)d->id, d->hash, d->size};
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 8; b++) rec[8 * i + b] = (uint8_t)(v[i] >> (8 * b));
    XXH3_64bits_update(a->st, rec, sizeof rec);
    a->n++;
    return 0;
}

static inline uint64_t fp_reference(mdlz_index *ix, int *n) {
    fp_acc a = {XXH3_createState(), 0};
    XXH3_64bits_reset(a.st);
    mdlz_index_list(ix, fp_row, &a);
    uint64_t fp = XXH3_64bits_digest(a.st);
    XXH3_freeState(a.st);
    if (n) *n = a.n;
    return fp;
}

static inline uint64_t fingerprint(mdlz_index *ix) {
    uint64_t fp = 0;
    if (mdlz_index_fingerprint(ix, &fp)) return 0;
    return fp;
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
