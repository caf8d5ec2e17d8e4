/*
 * record.h - the retrieval record of the stream header (docs/format.md,
 * extension record 1): which modes the stream used, the index generation
 * online queries see (and its history hash), how many retrieved bytes the
 * model learned first, and the documents chosen for the whole input, by
 * content (a 48-bit key of their XXH3-64, and their size).
 */
#ifndef MDLZ_RETRIEVAL_RECORD_H
#define MDLZ_RETRIEVAL_RECORD_H

#include "format.h"

#define RET_RECORD_DOCS_MAX 64

typedef struct {
    unsigned modes;       /* MDLZ_RETRIEVE_* bits; never 0 in a stream */
    int64_t gen;          /* index generation queried (ONLINE) */
    uint64_t hist;        /* its history hash (ONLINE) */
    uint64_t prime_bytes; /* retrieved bytes the model learns first */
    unsigned n_docs;
    mdlz_docref docs[RET_RECORD_DOCS_MAX]; /* load order, best last */
} ret_record;

/** Writes the record's data; returns its length (at most
 *  1 + 10 + 8 + 10 + 1 + 64 * 16 bytes). */
size_t ret_record_write(const ret_record *r, uint8_t *dst);

/** Parses record data: MDLZ_OK or MDLZ_ERROR_CORRUPT. */
mdlz_status ret_record_parse(const fmt_record *rec, ret_record *r);

#endif
