/*
 * samples.h - the samples/ texts as test inputs for the measurement tests
 * (test_ablation, test_auto): a file of SAMPLES_DIR, cut to a size, and a
 * small index of two other samples. Static functions: each test is one
 * translation unit.
 */
#ifndef MDLZ_TEST_SAMPLES_H
#define MDLZ_TEST_SAMPLES_H

#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "mdlz_index.h"

typedef struct {
    uint8_t *p;
    size_t n;
} buf;

/* The sample `name` of folder dir, its first `cut` bytes (0: all); exits
 * 99 (meson: hard error) when it cannot be read. */
static buf sample_read(const char *dir, const char *name, size_t cut) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    buf b = {NULL, 0};
    b.p = read_file(path, &b.n);
    if (!b.p) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(99);
    }
    if (cut && b.n > cut) b.n = cut;
    return b;
}

/* An index at `path` of two samples of dir that the tests do not compress.
 * Returns 0 or -1. */
static int sample_index(const char *dir, const char *path) {
    const char *docs[] = {"1823_james_monroe_dr.txt",
                          "1862_abraham_lincoln_r.txt"};
    char err[512];
    mdlz_index *ix;
    if (mdlz_index_open(&ix, path, MDLZ_INDEX_CREATE, err, sizeof err)) {
        fprintf(stderr, "index: %s\n", err);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < 2 && !rc; i++) {
        buf d = sample_read(dir, docs[i], 0);
        int64_t id;
        int dup;
        rc = mdlz_index_add_buffer(ix, docs[i], d.p, d.n, NULL, &id, &dup);
        free(d.p);
    }
    mdlz_index_close(ix);
    return rc;
}

#endif
