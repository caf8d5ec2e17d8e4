/*
 * codesize.h - the code size of each model component, measured at build
 * time by gen_codesize (zstd level 19 of the component's source files;
 * docs/description-length.md), for the description length of a stream.
 */
#ifndef MDLZ_CODESIZE_H
#define MDLZ_CODESIZE_H

#include "common.h"

typedef struct {
    const char *name;      /* "core", "orders", "match" */
    uint64_t bytes_raw;    /* the source files concatenated */
    uint64_t bytes_zstd19; /* ZSTD_compress(level 19) of that */
    unsigned n_files;      /* source files in the group */
} codesize_entry;

/** Number of components measured. */
size_t codesize_count(void);

/** Entry i (< codesize_count()), or NULL. */
const codesize_entry *codesize_get(size_t i);

/** The entry named `name`, or NULL. */
const codesize_entry *codesize_find(const char *name);

#endif
