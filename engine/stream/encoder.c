/*
 * encoder.c - the stream encoder (stream.h): buffers input into blocks,
 * codes each block with the model (or stores it raw / with zstd when the
 * model cannot make it smaller), and frames the result (format.h).
 *
 * The model keeps learning across blocks; a block stored raw or with zstd
 * is replayed through the model on both sides, so the state stays in step.
 *
 * The header waits for the first block: the model is opened from it
 * (str_hooks.open_enc), so that what depends on the input (the documents
 * retrieval chooses for it) can be recorded in the header's extension
 * area.
 *
 * A segmented stream (seg_log set) opens a fresh model every 2^seg_log
 * bytes: one thread codes block after block as above and reopens the
 * model at each segment's start; several gather one segment each and
 * code them at once (segment.h). Both write the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "block.h"
#include "segment.h"
#include "stream.h"

enum { ST_START, ST_RUN, ST_DONE, ST_ERROR };

struct enc_stream {
    mdlz_config cfg;
    uint64_t declared; /* src_size promised by the caller, or unknown */
    uint64_t mem_limit;
    uint64_t extra;    /* bytes the model learns first (a prefix) */
    unsigned test_seg; /* a test's segment size (log2), or 0 */
    unsigned threads;  /* asked for: 0 = one per core */
    int level;         /* asked for (cfg.level may be lower under mem_limit) */
    str_hooks hooks;
    predictor *pred;
    uint8_t *blk; /* input block being filled */
    size_t blk_fill, blk_size;
    uint8_t *pend;          /* framed output (header, block, trailer) */
    const uint8_t *out_src; /* what waits to be written: pend or a segment's */
    size_t pend_len, pend_pos;
    size_t seg_blocks; /* blocks of a segment (0: not segmented) */
    size_t seg_count;  /* one thread: blocks the current model coded */
    seg_batch *mt;     /* several threads: the segments gathered */
    unsigned emit;     /* ... the next one to write, once coded */
    int coded;
    uint64_t emitted_in; /* input bytes of the segments written */
    XXH64_state_t *xs;
    uint64_t total_in, total_out;
    int stage;
    mdlz_trace_fn trace;
    void *trace_user;
    uint32_t trace_interval;
    const blk_probe *probe; /* measurement (enc_set_probe), or NULL */
};

void mdlz_params_init(mdlz_params *p) {
    memset(p, 0, sizeof *p);
    p->level = MDLZ_LEVEL_DEFAULT;
    p->src_size = MDLZ_SIZE_UNKNOWN;
}

uint64_t mdlz_level_memory(int level) {
    mdlz_config cfg;
    if (cfg_from_level(&cfg, level, 0) != MDLZ_OK) return 0;
    return cfg_memory(&cfg);
}

uint64_t mdlz_compress_bound(uint64_t n) {
    uint64_t blocks = (n >> CFG_BLOCK_LOG_MIN) + 1;
    return n + FMT_HEADER_MAX + FMT_TRAILER_SIZE + blocks * BLK_HEADER_MAX;
}

void enc_free(enc_stream *e) {
    if (!e) return;
    seg_batch_free(e->mt);
    pred_free(e->pred);
    free(e->blk);
    free(e->pend);
    XXH64_freeState(e->xs);
    free(e);
}

/* The configuration for the parameters given so far: the tables fitted
 * to the prefix and the input (or a segment), the blocks to the input
 * alone (as when no prefix counted), the match model as set. */
static mdlz_status choose(enc_stream *e) {
    mdlz_config cfg, alone;
    MDLZ_FORWARD(cfg_choose(&cfg, e->level, e->mem_limit, e->declared, e->extra,
                            e->test_seg));
    MDLZ_FORWARD(cfg_choose(&alone, e->level, e->mem_limit, e->declared, 0,
                            e->test_seg));
    cfg.block_log = alone.block_log;
    cfg.components = (uint16_t)((cfg.components & ~COMP_MATCH) |
                                (e->cfg.components & COMP_MATCH));
    e->cfg = cfg;
    return MDLZ_OK;
}

mdlz_status enc_create(enc_stream **out, const mdlz_params *params,
                       const str_hooks *h) {
    *out = NULL;
    for (size_t i = 0; i < sizeof params->reserved / sizeof params->reserved[0];
         i++)
        if (params->reserved[i]) return MDLZ_ERROR_PARAM;
    enc_stream *e = calloc(1, sizeof *e);
    if (!e) return MDLZ_ERROR_NOMEM;
    e->level = params->level ? params->level : MDLZ_LEVEL_DEFAULT;
    e->declared = params->src_size;
    e->mem_limit = params->mem_limit;
    e->threads = 1;
    e->hooks = *h;
    e->cfg.components = COMP_MATCH;
    mdlz_status st = choose(e);
    e->xs = XXH64_createState();
    if (st == MDLZ_OK && !e->xs) st = MDLZ_ERROR_NOMEM;
    if (st != MDLZ_OK) {
        enc_free(e);
        return st;
    }
    XXH64_reset(e->xs, 0);
    *out = e;
    return MDLZ_OK;
}

/* The buffers, once the configuration is final (the first data). */
static mdlz_status alloc_buffers(enc_stream *e) {
    e->blk_size = (size_t)1 << e->cfg.block_log;
    e->blk = malloc(e->blk_size);
    e->pend = malloc(FMT_HEADER_MAX + FMT_EXT_MAX + 6 + BLK_HEADER_MAX +
                     e->blk_size + FMT_TRAILER_SIZE);
    e->out_src = e->pend;
    return e->blk && e->pend ? MDLZ_OK : MDLZ_ERROR_NOMEM;
}

int enc_started(const enc_stream *e) {
    return e->stage != ST_START || e->total_in || e->blk;
}

void enc_set_component(enc_stream *e, unsigned comp, int on) {
    e->cfg.components =
        (uint16_t)(on ? e->cfg.components | comp : e->cfg.components & ~comp);
}

mdlz_status enc_fit_extra(enc_stream *e, uint64_t extra) {
    e->extra = extra;
    return choose(e);
}

void enc_set_threads(enc_stream *e, unsigned threads) { e->threads = threads; }

mdlz_status enc_set_segment_log(enc_stream *e, unsigned log) {
    unsigned old = e->test_seg;
    e->test_seg = log;
    mdlz_status st = choose(e);
    if (st != MDLZ_OK) e->test_seg = old;
    return st;
}

const mdlz_config *enc_config(const enc_stream *e) { return &e->cfg; }

void enc_set_trace(enc_stream *e, uint32_t interval, mdlz_trace_fn fn,
                   void *user) {
    e->trace = fn;
    e->trace_user = user;
    e->trace_interval = interval;
}

void enc_set_probe(enc_stream *e, const blk_probe *probe) { e->probe = probe; }

/* Several threads when the stream is segmented, asked for, and there is
 * room for them; the first block, buffered, becomes the first segment's
 * start and the model opened for it its model. Without room for the
 * buffers, or with a probe, the one thread codes the same segments. */
static void start_threads(enc_stream *e) {
    if (e->probe) return; /* the probe reports the blocks in order */
    uint64_t model = cfg_memory(&e->cfg);
    unsigned t = seg_fit_threads(&e->cfg, seg_threads(e->threads), e->declared,
                                 model, e->mem_limit);
    if (t < 2 || seg_batch_create(&e->mt, 0, &e->cfg, &e->hooks, t) != MDLZ_OK)
        return;
    seg_job *j = &e->mt->job[0];
    memcpy(j->src, e->blk, e->blk_fill);
    j->n = e->blk_fill;
    e->blk_fill = 0;
    if (j->n == (size_t)1 << e->cfg.seg_log) e->mt->used++;
    j->pred = e->pred;
    e->pred = NULL;
}

/* Opens the model (the hooks choose it and say what the header's
 * extension area records) and writes the header into pend. */
static mdlz_status start_stream(enc_stream *e) {
    fmt_records recs;
    fmt_records_init(&recs);
    MDLZ_FORWARD(e->hooks.open_enc(e->hooks.user, &e->cfg, e->declared, e->blk,
                                   e->blk_fill, e->blk_size, &recs, &e->pred));
    if (e->cfg.seg_log && !e->hooks.segmentable(e->hooks.user))
        e->cfg.seg_log = 0;
    if (e->cfg.seg_log) {
        e->seg_blocks = (size_t)1 << (e->cfg.seg_log - e->cfg.block_log);
        start_threads(e);
    }
    e->pend_len = fmt_write_header(e->pend, &e->cfg, e->declared, recs.n > 0);
    if (recs.n) e->pend_len += fmt_write_ext(e->pend + e->pend_len, &recs);
    e->pend_pos = 0;
    return MDLZ_OK;
}

/* Adapts blk_trace's report to the caller's mdlz_trace_fn. */
static void trace_block(void *user, size_t in, size_t out) {
    enc_stream *c = user;
    c->trace(c->trace_user, c->total_in - c->blk_fill + in,
             c->total_out + c->pend_len - c->pend_pos + BLK_HEADER_MAX + out);
}

void enc_progress(const enc_stream *c, uint64_t *in_bytes,
                  uint64_t *out_bytes) {
    if (in_bytes) *in_bytes = c->total_in;
    if (out_bytes) *out_bytes = c->total_out;
}

/* Frames the filled block into pend (blk_frame), with a fresh model when
 * it starts a segment. */
static mdlz_status emit_block(enc_stream *c) {
    size_t n = c->blk_fill;
    if (c->seg_blocks && c->seg_count == c->seg_blocks) {
        pred_free(c->pred);
        c->pred = NULL;
        MDLZ_FORWARD(c->hooks.open_seg(c->hooks.user, &c->cfg, &c->pred));
        c->seg_count = 0;
    }
    blk_trace tr = {c->trace_interval, c->trace ? trace_block : NULL, c,
                    c->probe};
    c->pend_len = blk_frame(c->pred, c->blk, n, c->pend,
                            c->trace || c->probe ? &tr : NULL);
    c->pend_pos = 0;
    c->seg_count++;
    XXH64_update(c->xs, c->blk, n);
    c->blk_fill = 0;
    if (c->trace)
        c->trace(c->trace_user, c->total_in, c->total_out + c->pend_len);
    return MDLZ_OK;
}

/* Several threads: codes the segments gathered (the last may be short)
 * and starts writing them in order. */
static mdlz_status code_batch(enc_stream *c) {
    seg_batch *b = c->mt;
    if (b->used < b->n_slots && b->job[b->used].n) b->used++;
    for (unsigned i = 0; i < b->used; i++)
        XXH64_update(c->xs, b->job[i].src, b->job[i].n);
    MDLZ_FORWARD(seg_batch_run(b));
    c->coded = 1;
    c->emit = 0;
    return MDLZ_OK;
}

/* Several threads: points the output at the next coded segment, or
 * empties the batch when all were written (returns 0). */
static int next_segment(enc_stream *c) {
    seg_batch *b = c->mt;
    if (c->emit == b->used) {
        seg_batch_reset(b);
        c->coded = 0;
        return 0;
    }
    seg_job *j = &b->job[c->emit++];
    c->out_src = j->dst;
    c->pend_len = j->len;
    c->pend_pos = 0;
    c->emitted_in += j->n;
    if (c->trace)
        c->trace(c->trace_user, c->emitted_in, c->total_out + c->pend_len);
    return 1;
}

/* Takes input into the block (one thread) or the segment being gathered
 * (several), checking it against the size declared. */
static mdlz_status take_input(enc_stream *c, mdlz_inbuf *in) {
    if (!in || in->pos >= in->size) return MDLZ_OK;
    uint8_t *dst;
    size_t room;
    seg_job *j = NULL;
    if (c->mt) {
        j = &c->mt->job[c->mt->used];
        dst = j->src + j->n;
        room = ((size_t)1 << c->cfg.seg_log) - j->n;
    } else {
        dst = c->blk + c->blk_fill;
        room = c->blk_size - c->blk_fill;
    }
    size_t take = MDLZ_MIN(in->size - in->pos, room);
    if (c->declared != MDLZ_SIZE_UNKNOWN && c->total_in + take > c->declared)
        return MDLZ_ERROR_PARAM;
    memcpy(dst, (const uint8_t *)in->src + in->pos, take);
    in->pos += take;
    c->total_in += take;
    if (!j) c->blk_fill += take;
    else if ((j->n += take) == (size_t)1 << c->cfg.seg_log) c->mt->used++;
    return MDLZ_OK;
}

static void emit_trailer(enc_stream *c) {
    c->pend[0] = BLK_END;
    wr_le64(c->pend + 1, c->total_in);
    wr_le64(c->pend + 9, XXH64_digest(c->xs));
    c->pend_len = FMT_TRAILER_SIZE;
    c->pend_pos = 0;
}

mdlz_status enc_compress(enc_stream *c, mdlz_outbuf *out, mdlz_inbuf *in,
                         int end, int *done) {
    *done = 0;
    if (c->stage == ST_ERROR) return MDLZ_ERROR_STAGE;
    if (out->pos > out->size || (in && in->pos > in->size)) {
        c->stage = ST_ERROR;
        return MDLZ_ERROR_PARAM;
    }
    if (!c->blk && alloc_buffers(c) != MDLZ_OK) {
        c->stage = ST_ERROR;
        return MDLZ_ERROR_NOMEM;
    }
    for (;;) {
        size_t k = MDLZ_MIN(c->pend_len - c->pend_pos, out->size - out->pos);
        memcpy((uint8_t *)out->dst + out->pos, c->out_src + c->pend_pos, k);
        out->pos += k;
        c->pend_pos += k;
        c->total_out += k;
        if (c->pend_pos < c->pend_len) return MDLZ_OK; /* output is full */
        c->out_src = c->pend;

        if (c->stage == ST_DONE) {
            if (in && in->pos < in->size) {
                c->stage = ST_ERROR;
                return MDLZ_ERROR_STAGE;
            }
            *done = 1;
            return MDLZ_OK;
        }
        if (c->coded && next_segment(c)) continue;
        mdlz_status st = take_input(c, in);
        if (st == MDLZ_OK && c->stage == ST_START) {
            /* The header waits for the first block (stream.h). */
            if (!end && c->blk_fill < c->blk_size) return MDLZ_OK;
            st = start_stream(c);
            if (st == MDLZ_OK) {
                c->stage = ST_RUN;
                continue;
            }
        }
        if (st == MDLZ_OK && c->hooks.check) st = c->hooks.check(c->hooks.user);
        int more = in && in->pos < in->size;
        if (st == MDLZ_OK && c->mt) {
            seg_batch *b = c->mt;
            if (b->used == b->n_slots ||
                (end && !more && (b->used || b->job[0].n))) {
                st = code_batch(c);
                if (st == MDLZ_OK) continue;
            } else if (more) {
                continue;
            }
        } else if (st == MDLZ_OK) {
            if (c->blk_fill == c->blk_size || (end && !more && c->blk_fill)) {
                st = emit_block(c);
                if (st == MDLZ_OK) continue;
            } else if (more) {
                continue;
            }
        }
        if (st != MDLZ_OK) {
            c->stage = ST_ERROR;
            return st;
        }
        if (!end) return MDLZ_OK; /* all input buffered */
        if (c->declared != MDLZ_SIZE_UNKNOWN && c->total_in != c->declared) {
            c->stage = ST_ERROR;
            return MDLZ_ERROR_PARAM;
        }
        emit_trailer(c);
        c->stage = ST_DONE;
    }
}
