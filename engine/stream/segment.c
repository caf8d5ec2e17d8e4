/*
 * segment.c - segments coded at once (segment.h), on POSIX threads.
 *
 * The threads share nothing they write: each job has its own model,
 * input and output; the caller's thread gathers the input before and
 * writes the output after (in segment order), so the only
 * synchronisation is pthread_join.
 */
#include "segment.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block.h"

unsigned seg_threads(unsigned asked) {
    if (asked == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        asked = n > 0 ? (unsigned)n : 1;
    }
    return MDLZ_MIN(asked, SEG_THREADS_MAX);
}

static size_t seg_blocks(const mdlz_config *cfg) {
    return (size_t)1 << (cfg->seg_log - cfg->block_log);
}

uint64_t seg_buffers(const mdlz_config *cfg) {
    /* The input of a segment and its framed blocks (the encoder), or its
     * framed blocks and their decoded bytes (the decoder): a block is
     * framed only when it is no larger than its raw bytes (format.md). */
    return ((uint64_t)2 << cfg->seg_log) + seg_blocks(cfg) * BLK_HEADER_MAX;
}

unsigned seg_fit_threads(const mdlz_config *cfg, unsigned want, uint64_t size,
                         uint64_t model, uint64_t mem_limit) {
    if (!cfg->seg_log || want < 2) return 1;
    uint64_t seg = (uint64_t)1 << cfg->seg_log;
    if (size != MDLZ_SIZE_UNKNOWN && (size + seg - 1) / seg < want)
        want = (unsigned)((size + seg - 1) / seg);
    if (mem_limit) {
        uint64_t fit = mem_limit / (model + seg_buffers(cfg));
        if (fit < want) want = (unsigned)fit;
    }
    return MDLZ_MAX(want, 1);
}

void seg_batch_free(seg_batch *b) {
    if (!b) return;
    for (unsigned i = 0; i < b->n_slots; i++) {
        pred_free(b->job[i].pred);
        free(b->job[i].src);
        free(b->job[i].dst);
    }
    free(b);
}

mdlz_status seg_batch_create(seg_batch **out, int decode,
                             const mdlz_config *cfg, const str_hooks *hooks,
                             unsigned n_slots) {
    *out = NULL;
    if (n_slots < 2 || n_slots > SEG_THREADS_MAX || !cfg->seg_log)
        return MDLZ_ERROR_PARAM;
    seg_batch *b = calloc(1, sizeof *b);
    if (!b) return MDLZ_ERROR_NOMEM;
    b->decode = decode;
    b->cfg = cfg;
    b->hooks = hooks;
    b->n_slots = n_slots;
    size_t seg = (size_t)1 << cfg->seg_log;
    size_t framed = seg + seg_blocks(cfg) * BLK_HEADER_MAX;
    for (unsigned i = 0; i < n_slots; i++) {
        b->job[i].src = malloc(decode ? framed : seg);
        b->job[i].dst = malloc(decode ? seg : framed);
        if (!b->job[i].src || !b->job[i].dst) {
            seg_batch_free(b);
            return MDLZ_ERROR_NOMEM;
        }
    }
    *out = b;
    return MDLZ_OK;
}

void seg_batch_reset(seg_batch *b) {
    for (unsigned i = 0; i < b->n_slots; i++) {
        b->job[i].n = b->job[i].len = 0;
        b->job[i].st = MDLZ_OK;
    }
    b->used = 0;
}

/* A segment's blocks through its model, into framed blocks. */
static mdlz_status encode_segment(const seg_batch *b, seg_job *j) {
    size_t bs = (size_t)1 << b->cfg->block_log;
    for (size_t off = 0; off < j->n; off += bs)
        j->len += blk_frame(j->pred, j->src + off, MDLZ_MIN(bs, j->n - off),
                            j->dst + j->len, NULL);
    return MDLZ_OK;
}

/* A segment's framed blocks (checked by the caller as it gathered them)
 * through its model, into their bytes. */
static mdlz_status decode_segment(const seg_batch *b, seg_job *j) {
    uint32_t bs = (uint32_t)1 << b->cfg->block_log;
    for (size_t p = 0; p < j->n;) {
        fmt_block blk;
        size_t h = fmt_block_header_size(j->src[p]);
        MDLZ_FORWARD(fmt_parse_block(j->src + p, &blk, bs));
        MDLZ_FORWARD(
            blk_unframe(j->pred, &blk, j->src + p + h, j->dst + j->len));
        p += h + blk.payload_size;
        j->len += blk.raw_size;
    }
    return MDLZ_OK;
}

typedef struct {
    seg_batch *b;
    seg_job *j;
} worker;

static void *run(void *arg) {
    worker *w = arg;
    seg_job *j = w->j;
    if (!j->pred)
        j->st = w->b->hooks->open_seg(w->b->hooks->user, w->b->cfg, &j->pred);
    if (j->st == MDLZ_OK)
        j->st =
            w->b->decode ? decode_segment(w->b, j) : encode_segment(w->b, j);
    pred_free(j->pred);
    j->pred = NULL;
    return NULL;
}

mdlz_status seg_batch_run(seg_batch *b) {
    pthread_t tid[SEG_THREADS_MAX];
    worker w[SEG_THREADS_MAX];
    int started[SEG_THREADS_MAX] = {0};
    for (unsigned i = 0; i < b->used; i++) w[i] = (worker){b, &b->job[i]};
    for (unsigned i = 1; i < b->used; i++)
        started[i] = pthread_create(&tid[i], NULL, run, &w[i]) == 0;
    if (b->used) run(&w[0]);
    for (unsigned i = 1; i < b->used; i++) {
        if (started[i]) pthread_join(tid[i], NULL);
        else run(&w[i]);
    }
    for (unsigned i = 0; i < b->used; i++)
        if (b->job[i].st != MDLZ_OK) return b->job[i].st;
    return MDLZ_OK;
}
