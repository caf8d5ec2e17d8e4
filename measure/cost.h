/*
 * cost.h - mdlz's own coding cost of one input, as `mdlz -c` would
 * compress it (level, known size, the default tools on inputs of 64 KiB
 * or more; with an index, both retrieval modes),
 * optionally with documents left out of the retrieval (as if the
 * index did not hold them) and telling which
 * documents the retrieval used (system/probe.h). The cost is the whole
 * stream in bits (8 x its bytes: header, records, blocks, trailer), so
 * what a document saves is what a user of the index would save. The
 * stream itself is counted and dropped, never kept: with exclusions an
 * ONLINE stream would not decode. Shared by value.c and select.c.
 */
#ifndef MDLZ_MEASURE_COST_H
#define MDLZ_MEASURE_COST_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz.h"

typedef struct {
    int level;
    const char *index; /* NULL: no retrieval */
    char detail[512];  /* the last failure */
} cost_coder;

/** The cost in bits of data[0..len). With c->index, retrieval skips the
 *  n_ex documents of `ex` (content hashes); `used` (may be NULL; room for
 *  COST_USED_MAX) receives the hashes of the documents it used and *n_used
 *  their count. Returns MDLZ_OK or a failure with c->detail set. */
#define COST_USED_MAX 64
mdlz_status cost_bits(cost_coder *c, const uint8_t *data, size_t len,
                      const uint64_t *ex, int n_ex, uint64_t *bits,
                      uint64_t *used, int *n_used);

#endif
