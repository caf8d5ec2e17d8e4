/*
 * segment.h - segments coded at once (docs/format.md, "Segments"): a
 * stream whose header sets seg_log is cut into segments of 2^seg_log
 * bytes (whole blocks), each coded by a model of its own, opened and
 * primed as the first one was (str_hooks.open_seg). With several threads
 * the encoder gathers up to one segment per thread, codes them at once
 * and writes them in order; the decoder gathers the blocks of up to one
 * segment per thread and decodes them at once. Which thread codes a
 * segment changes nothing in its bytes: the output is the same for any
 * number of threads, and one thread codes the same segments in turn
 * (encoder.c, decoder.c, without these buffers).
 */
#ifndef MDLZ_SEGMENT_H
#define MDLZ_SEGMENT_H

#include "stream.h"

#define SEG_THREADS_MAX 64 /* more than any machine this is meant for */

/* One segment's work. */
typedef struct {
    predictor *pred; /* the caller's, or NULL: the worker opens one */
    uint8_t *src;    /* encoder: the input; decoder: its framed blocks */
    size_t n;        /* bytes in src */
    uint8_t *dst;    /* encoder: framed blocks; decoder: decoded bytes */
    size_t len;      /* bytes written to dst */
    mdlz_status st;  /* MDLZ_OK or why the segment failed */
} seg_job;

/* Up to one segment per thread, with their buffers. */
typedef struct {
    int decode;
    const mdlz_config *cfg;
    const str_hooks *hooks;
    unsigned n_slots; /* threads */
    unsigned used;    /* jobs gathered */
    seg_job job[SEG_THREADS_MAX];
} seg_batch;

/** The threads asked for (0: one per online core), at most
 *  SEG_THREADS_MAX. */
unsigned seg_threads(unsigned asked);

/** How many threads to use for a stream of configuration cfg: at most
 *  `want` (seg_threads), at most one per segment of an input of `size`
 *  bytes (MDLZ_SIZE_UNKNOWN: no bound), and, with a memory limit (0:
 *  none), as many as fit when each needs `model` bytes besides its
 *  buffers (seg_buffers). 1 means the serial path. */
unsigned seg_fit_threads(const mdlz_config *cfg, unsigned want, uint64_t size,
                         uint64_t model, uint64_t mem_limit);

/** Bytes of one thread's segment buffers. */
uint64_t seg_buffers(const mdlz_config *cfg);

/** A batch of n_slots (2..SEG_THREADS_MAX) buffers for segments of cfg
 *  (both kept by reference). MDLZ_ERROR_NOMEM. */
mdlz_status seg_batch_create(seg_batch **out, int decode,
                             const mdlz_config *cfg, const str_hooks *hooks,
                             unsigned n_slots);
void seg_batch_free(seg_batch *b);

/** Codes the `used` jobs of the batch, one per thread (the caller's
 *  thread takes the first; a thread that cannot be started leaves its
 *  job to the caller's), and frees their models. Returns the status of
 *  the first job that failed, in segment order, or MDLZ_OK. */
mdlz_status seg_batch_run(seg_batch *b);

/** Empties the batch for the next segments. */
void seg_batch_reset(seg_batch *b);

#endif
