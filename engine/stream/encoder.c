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
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "block.h"
#include "sniff.h"
#include "stream.h"

/* zstd level for blocks the model could not shrink: such data is nearly
 * incompressible, so a fast level finds what little there is to find. */
#define FALLBACK_ZSTD_LEVEL 3

enum { ST_START, ST_RUN, ST_DONE, ST_ERROR };

struct enc_stream {
    mdlz_config cfg;
    uint64_t declared; /* src_size promised by the caller, or unknown */
    uint64_t mem_limit;
    int level; /* asked for (cfg.level may be lower under mem_limit) */
    str_hooks hooks;
    predictor *pred;
    uint8_t *blk; /* input block being filled */
    size_t blk_fill, blk_size;
    uint8_t *pend; /* framed output waiting to be written */
    size_t pend_len, pend_pos;
    XXH64_state_t *xs;
    uint64_t total_in, total_out;
    int stage;
    mdlz_trace_fn trace;
    void *trace_user;
    uint32_t trace_interval;
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
    pred_free(e->pred);
    free(e->blk);
    free(e->pend);
    XXH64_freeState(e->xs);
    free(e);
}

mdlz_status enc_create(enc_stream **out, const mdlz_params *params,
                       const str_hooks *h) {
    *out = NULL;
    for (size_t i = 0; i < sizeof params->reserved / sizeof params->reserved[0];
         i++)
        if (params->reserved[i]) return MDLZ_ERROR_PARAM;
    enc_stream *e = calloc(1, sizeof *e);
    if (!e) return MDLZ_ERROR_NOMEM;
    mdlz_status st =
        cfg_choose(&e->cfg, params->level, params->mem_limit, params->src_size);
    if (st != MDLZ_OK) {
        free(e);
        return st;
    }
    e->level = params->level ? params->level : MDLZ_LEVEL_DEFAULT;
    e->declared = params->src_size;
    e->mem_limit = params->mem_limit;
    e->hooks = *h;
    e->blk_size = (size_t)1 << e->cfg.block_log;
    e->blk = malloc(e->blk_size);
    e->pend = malloc(FMT_HEADER_MAX + FMT_EXT_MAX + 6 + BLK_HEADER_MAX +
                     e->blk_size + FMT_TRAILER_SIZE);
    e->xs = XXH64_createState();
    if (!e->blk || !e->pend || !e->xs) {
        enc_free(e);
        return MDLZ_ERROR_NOMEM;
    }
    XXH64_reset(e->xs, 0);
    *out = e;
    return MDLZ_OK;
}

int enc_started(const enc_stream *e) {
    return e->stage != ST_START || e->total_in;
}

void enc_set_component(enc_stream *e, unsigned comp, int on) {
    e->cfg.components =
        (uint16_t)(on ? e->cfg.components | comp : e->cfg.components & ~comp);
}

mdlz_status enc_fit_extra(enc_stream *e, uint64_t extra) {
    /* The tables were fitted to the input alone; the extra bytes fill
     * them too. The block size stays as it was (the buffer is allocated). */
    if (e->declared == MDLZ_SIZE_UNKNOWN) return MDLZ_OK;
    mdlz_config cfg;
    MDLZ_FORWARD(cfg_choose(&cfg, e->level, e->mem_limit, e->declared + extra));
    cfg.block_log = e->cfg.block_log;
    cfg.components = (uint16_t)((cfg.components & ~COMP_MATCH) |
                                (e->cfg.components & COMP_MATCH));
    e->cfg = cfg;
    return MDLZ_OK;
}

const mdlz_config *enc_config(const enc_stream *e) { return &e->cfg; }

void enc_set_trace(enc_stream *e, uint32_t interval, mdlz_trace_fn fn,
                   void *user) {
    e->trace = fn;
    e->trace_user = user;
    e->trace_interval = interval;
}

/* Opens the model (the hooks choose it and say what the header's
 * extension area records) and writes the header into pend. */
static mdlz_status start_stream(enc_stream *e) {
    fmt_records recs;
    fmt_records_init(&recs);
    MDLZ_FORWARD(e->hooks.open_enc(e->hooks.user, &e->cfg, e->declared, e->blk,
                                   e->blk_fill, e->blk_size, &recs, &e->pred));
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

/* Frames the filled block into pend: model-coded if that is smaller than
 * the raw bytes, else zstd if that is, else raw. */
static void emit_block(enc_stream *c) {
    size_t n = c->blk_fill;
    fmt_block b = {BLK_CM, (uint32_t)n, 0, XXH32(c->blk, n, 0)};
    uint8_t *payload = c->pend + BLK_HEADER_MAX;
    blk_trace tr = {c->trace_interval, trace_block, c};
    size_t sz = 0;
    if (sniff_incompressible(c->blk, n)) {
        b.type = BLK_STORE; /* not modelled, not learned */
        memcpy(payload, c->blk, n);
        sz = n;
    } else {
        sz = blk_encode_traced(c->pred, c->blk, n, payload, n - 1,
                               c->trace ? &tr : NULL);
    }
    if (sz == 0) {
        size_t z =
            ZSTD_compress(payload, n - 1, c->blk, n, FALLBACK_ZSTD_LEVEL);
        if (!ZSTD_isError(z) && z < n) {
            b.type = BLK_ZSTD;
            sz = z;
        } else {
            b.type = BLK_RAW;
            memcpy(payload, c->blk, n);
            sz = n;
        }
    }
    b.payload_size = (uint32_t)sz;
    size_t h = fmt_write_block(c->pend, &b);
    memmove(c->pend + h, payload, sz);
    c->pend_len = h + sz;
    c->pend_pos = 0;
    XXH64_update(c->xs, c->blk, n);
    c->blk_fill = 0;
    if (c->trace)
        c->trace(c->trace_user, c->total_in, c->total_out + c->pend_len);
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
    for (;;) {
        size_t k = MDLZ_MIN(c->pend_len - c->pend_pos, out->size - out->pos);
        memcpy((uint8_t *)out->dst + out->pos, c->pend + c->pend_pos, k);
        out->pos += k;
        c->pend_pos += k;
        c->total_out += k;
        if (c->pend_pos < c->pend_len) return MDLZ_OK; /* output is full */

        if (c->stage == ST_DONE) {
            if (in && in->pos < in->size) {
                c->stage = ST_ERROR;
                return MDLZ_ERROR_STAGE;
            }
            *done = 1;
            return MDLZ_OK;
        }
        if (in && in->pos < in->size) {
            size_t take =
                MDLZ_MIN(in->size - in->pos, c->blk_size - c->blk_fill);
            if (c->declared != MDLZ_SIZE_UNKNOWN &&
                c->total_in + take > c->declared) {
                c->stage = ST_ERROR;
                return MDLZ_ERROR_PARAM;
            }
            memcpy(c->blk + c->blk_fill, (const uint8_t *)in->src + in->pos,
                   take);
            in->pos += take;
            c->blk_fill += take;
            c->total_in += take;
        }
        if (c->stage == ST_START) {
            /* The header waits for the first block (stream.h). */
            if (!end && c->blk_fill < c->blk_size) return MDLZ_OK;
            mdlz_status st = start_stream(c);
            if (st != MDLZ_OK) {
                c->stage = ST_ERROR;
                return st;
            }
            c->stage = ST_RUN;
            continue;
        }
        if (c->hooks.check) {
            mdlz_status st = c->hooks.check(c->hooks.user);
            if (st != MDLZ_OK) {
                c->stage = ST_ERROR;
                return st;
            }
        }
        if (c->blk_fill == c->blk_size) {
            emit_block(c);
            continue;
        }
        if (!end) return MDLZ_OK; /* all input buffered */
        if (c->blk_fill > 0) {
            emit_block(c);
            continue;
        }
        if (c->declared != MDLZ_SIZE_UNKNOWN && c->total_in != c->declared) {
            c->stage = ST_ERROR;
            return MDLZ_ERROR_PARAM;
        }
        emit_trailer(c);
        c->stage = ST_DONE;
    }
}
