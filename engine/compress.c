/*
 * compress.c - the compression context: buffers input into blocks, codes
 * each block with the model (or stores it raw / with zstd when the model
 * cannot make it smaller), and frames the result (format.h).
 *
 * The model keeps learning across blocks; a block stored raw or with zstd
 * is replayed through the model on both sides, so the state stays in step.
 *
 * With a retrieval index the header waits for the first block: the
 * documents are chosen from it (WHOLE mode) and recorded in the header's
 * extension area, and the model is primed with the best of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "block.h"
#include "format.h"
#include "registry.h"
#include "session.h"

/* zstd level for blocks the model could not shrink: such data is nearly
 * incompressible, so a fast level finds what little there is to find. */
#define FALLBACK_ZSTD_LEVEL 3

enum { ST_START, ST_RUN, ST_DONE, ST_ERROR };

struct mdlz_cctx {
    mdlz_config cfg;
    uint64_t declared; /* src_size promised by the caller, or unknown */
    uint64_t mem_limit;
    const uint8_t *prefix; /* mdlz_cctx_ref_prefix(), or NULL */
    size_t prefix_len;
    predictor *pred;
    uint8_t *blk; /* input block being filled */
    size_t blk_fill, blk_size;
    uint8_t *pend; /* framed output waiting to be written */
    size_t pend_len, pend_pos;
    XXH64_state_t *xs;
    uint64_t total_in, total_out;
    int stage;
    ret_session *ret; /* retrieval, or NULL */
    unsigned ret_modes;
    mdlz_trace_fn trace;
    void *trace_user;
    uint32_t trace_interval;
    char detail[256];                      /* mdlz_cctx_error_detail() */
    const mdlz_tool *tools[FMT_TOOLS_MAX]; /* tools used, in order */
    tool_handle *handles[FMT_TOOLS_MAX];   /* loaded plugins among them */
    int n_tools, n_handles;
};

/* Primed bytes per 2 input bytes (of the first block): priming costs as
 * much time as coding, and with the queries retrieval must keep at least
 * 1/4 of the speed (bench/retrieval.py). */
#define PRIME_PER_2_INPUT 3
#define PRIME_MAX         ((uint64_t)4 << 20)
/* Inputs known to be smaller than this are coded without tools: a tool's
 * header record (about 20 bytes) must stay under 0.2% of the compressed
 * size (the tools' target), that is 10 KB, which text compressing 4:1
 * reaches at about 40 KB; and so little text rarely holds enough of what
 * a tool predicts to repay it. */
#define TOOLS_MIN_INPUT ((uint64_t)64 << 10)
/* Documents recorded per input byte: each costs ~8 header bytes, which a
 * small input cannot win back (bench: 288-byte pages grew with 8). */
#define DOC_PER_INPUT 2048

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

void mdlz_cctx_free(mdlz_cctx *c) {
    if (!c) return;
    pred_free(c->pred);
    ret_session_free(c->ret);
    for (int i = 0; i < c->n_handles; i++) tool_handle_free(c->handles[i]);
    free(c->blk);
    free(c->pend);
    XXH64_freeState(c->xs);
    free(c);
}

mdlz_status mdlz_cctx_create(mdlz_cctx **out, const mdlz_params *params) {
    mdlz_params defaults;
    *out = NULL;
    if (!params) {
        mdlz_params_init(&defaults);
        params = &defaults;
    }
    for (size_t i = 0; i < sizeof params->reserved / sizeof params->reserved[0];
         i++)
        if (params->reserved[i]) return MDLZ_ERROR_PARAM;
    mdlz_cctx *c = calloc(1, sizeof *c);
    if (!c) return MDLZ_ERROR_NOMEM;
    mdlz_status st = cfg_from_level(&c->cfg, params->level, params->mem_limit);
    if (st != MDLZ_OK) {
        free(c);
        return st;
    }
    cfg_fit_input(&c->cfg, params->src_size);
    c->declared = params->src_size;
    c->mem_limit = params->mem_limit;
    c->blk_size = (size_t)1 << c->cfg.block_log;
    c->blk = malloc(c->blk_size);
    c->pend = malloc(FMT_HEADER_MAX + FMT_EXT_MAX + 6 + BLK_HEADER_MAX +
                     c->blk_size + FMT_TRAILER_SIZE);
    c->xs = XXH64_createState();
    c->ret_modes = MDLZ_RETRIEVE_WHOLE | MDLZ_RETRIEVE_ONLINE;
    if (!c->blk || !c->pend || !c->xs) st = MDLZ_ERROR_NOMEM;
    if (st != MDLZ_OK) {
        mdlz_cctx_free(c);
        return st;
    }
    XXH64_reset(c->xs, 0);
    *out = c;
    return MDLZ_OK;
}

mdlz_status mdlz_cctx_set_param(mdlz_cctx *c, mdlz_cparam param, int value) {
    if (c->stage != ST_START || c->total_in) return MDLZ_ERROR_STAGE;
    switch (param) {
    case MDLZ_CPARAM_MATCH:
        if (value != 0 && value != 1) return MDLZ_ERROR_PARAM;
        c->cfg.components = value ? c->cfg.components | COMP_MATCH
                                  : c->cfg.components & ~COMP_MATCH;
        return MDLZ_OK;
    case MDLZ_CPARAM_RETRIEVAL:
        if (value < 0 || value > 3) return MDLZ_ERROR_PARAM;
        c->ret_modes = (unsigned)value;
        return MDLZ_OK;
    }
    return MDLZ_ERROR_PARAM;
}

mdlz_status mdlz_cctx_set_index(mdlz_cctx *c, const char *path) {
    if (c->stage != ST_START || c->total_in) return MDLZ_ERROR_STAGE;
    ret_session_free(c->ret);
    c->ret = NULL;
    return ret_session_open(&c->ret, path, c->detail, sizeof c->detail);
}

mdlz_status mdlz_cctx_ref_prefix(mdlz_cctx *c, const void *prefix, size_t len) {
    if (c->stage != ST_START || c->total_in) return MDLZ_ERROR_STAGE;
    if (len && !prefix) return MDLZ_ERROR_PARAM;
    c->prefix = len ? prefix : NULL;
    c->prefix_len = len;
    /* The tables were fitted to the input alone; the prefix fills them too.
     * The block size stays as it was (the buffer is allocated). */
    if (c->declared != MDLZ_SIZE_UNKNOWN) {
        mdlz_config cfg;
        MDLZ_FORWARD(cfg_from_level(&cfg, c->cfg.level, c->mem_limit));
        cfg_fit_input(&cfg, c->declared + len);
        cfg.block_log = c->cfg.block_log;
        cfg.components = c->cfg.components;
        c->cfg = cfg;
    }
    return MDLZ_OK;
}

mdlz_status mdlz_cctx_add_tool(mdlz_cctx *c, const char *name) {
    if (c->stage != ST_START || c->total_in) return MDLZ_ERROR_STAGE;
    if (c->n_tools == FMT_TOOLS_MAX) return MDLZ_ERROR_PARAM;
    const mdlz_tool *t = NULL;
    if (strchr(name, '/')) {
        tool_handle *h;
        if (tool_load_external(name, &h, c->detail, sizeof c->detail) !=
            MDLZ_OK)
            return MDLZ_ERROR_TOOL;
        c->handles[c->n_handles++] = h;
        t = tool_handle_tool(h);
    } else if (!(t = tool_find_builtin(name))) {
        snprintf(c->detail, sizeof c->detail, "no built-in tool '%s'", name);
        return MDLZ_ERROR_TOOL;
    }
    for (int i = 0; i < c->n_tools; i++)
        if (strcmp(c->tools[i]->name, t->name) == 0) return MDLZ_OK;
    c->tools[c->n_tools++] = t;
    return MDLZ_OK;
}

mdlz_status mdlz_cctx_set_trace(mdlz_cctx *c, uint32_t interval,
                                mdlz_trace_fn fn, void *user) {
    if (c->stage != ST_START || c->total_in) return MDLZ_ERROR_STAGE;
    if (fn && interval == 0) return MDLZ_ERROR_PARAM;
    c->trace = fn;
    c->trace_user = user;
    c->trace_interval = interval;
    return MDLZ_OK;
}

const char *mdlz_cctx_error_detail(const mdlz_cctx *c) { return c->detail; }

/* Chooses the documents (WHOLE), creates the model, writes the header and
 * its extension area into pend, and primes the model. */
static mdlz_status start_stream(mdlz_cctx *c) {
    fmt_ext ext;
    memset(&ext, 0, sizeof ext);
    if (c->declared < TOOLS_MIN_INPUT) c->n_tools = 0;
    pred_extras ex = {NULL, 0, 0, c->tools, c->n_tools};
    for (int i = 0; i < c->n_tools; i++) {
        fmt_tool *t = &ext.tools[ext.n_tools++];
        snprintf(t->name, sizeof t->name, "%s", c->tools[i]->name);
        t->version = c->tools[i]->version;
        t->hash32 = (uint32_t)c->tools[i]->code_hash;
    }
    unsigned modes = c->ret ? c->ret_modes : 0;
    /* An input that ends before the first online query (the first block
     * is all of it) has no use for online mode, nor for its generation. */
    if (c->blk_fill < c->blk_size && c->blk_fill <= RET_ONLINE_FIRST)
        modes &= ~MDLZ_RETRIEVE_ONLINE;
    if (modes) {
        ex.ret = c->ret;
        ex.ret_modes = ext.ret_modes = modes;
        if (modes & MDLZ_RETRIEVE_ONLINE)
            ret_session_generation(c->ret, &ext.ret_gen, &ext.ret_hist);
        if (modes & MDLZ_RETRIEVE_WHOLE) {
            int max =
                (int)MDLZ_MIN(RET_WHOLE_DOCS, 1 + c->blk_fill / DOC_PER_INPUT);
            int k = ret_session_choose(c->ret, c->blk, c->blk_fill, ext.docs,
                                       max, c->detail, sizeof c->detail);
            if (k < 0) return MDLZ_ERROR_INDEX;
            ext.n_docs = (unsigned)k;
        }
        size_t len;
        ret_session_text(c->ret, &len);
        uint64_t budget =
            MDLZ_MIN((uint64_t)c->blk_fill * PRIME_PER_2_INPUT / 2, PRIME_MAX);
        ex.prime_bytes = ext.prime_bytes = MDLZ_MIN((uint64_t)len, budget);
    }
    if (c->prefix) {
        ext.has_prefix = 1;
        ext.prefix_len = c->prefix_len;
        ext.prefix_hash = XXH64(c->prefix, c->prefix_len, 0);
    }
    MDLZ_FORWARD(pred_create_ext(&c->pred, &c->cfg, &ex));
    int has_ext = ext.ret_modes || ext.n_tools || ext.has_prefix;
    c->pend_len = fmt_write_header(c->pend, &c->cfg, c->declared, has_ext);
    if (has_ext) c->pend_len += fmt_write_ext(c->pend + c->pend_len, &ext);
    c->pend_pos = 0;
    if (c->prefix) blk_train(c->pred, c->prefix, c->prefix_len);
    if (ex.prime_bytes) {
        size_t len;
        const uint8_t *text = ret_session_text(c->ret, &len);
        blk_train(c->pred, text + len - ex.prime_bytes, ex.prime_bytes);
    }
    return MDLZ_OK;
}

/* Adapts blk_trace's report to the caller's mdlz_trace_fn. */
static void trace_block(void *user, size_t in, size_t out) {
    mdlz_cctx *c = user;
    c->trace(c->trace_user, c->total_in - c->blk_fill + in,
             c->total_out + c->pend_len - c->pend_pos + BLK_HEADER_MAX + out);
}

void mdlz_cctx_progress(const mdlz_cctx *c, uint64_t *in_bytes,
                        uint64_t *out_bytes) {
    if (in_bytes) *in_bytes = c->total_in;
    if (out_bytes) *out_bytes = c->total_out;
}

/* Frames the filled block into pend: model-coded if that is smaller than
 * the raw bytes, else zstd if that is, else raw. */
static void emit_block(mdlz_cctx *c) {
    size_t n = c->blk_fill;
    fmt_block b = {BLK_CM, (uint32_t)n, 0, XXH32(c->blk, n, 0)};
    uint8_t *payload = c->pend + BLK_HEADER_MAX;
    blk_trace tr = {c->trace_interval, trace_block, c};
    size_t sz = blk_encode_traced(c->pred, c->blk, n, payload, n - 1,
                                  c->trace ? &tr : NULL);
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

static void emit_trailer(mdlz_cctx *c) {
    c->pend[0] = BLK_END;
    wr_le64(c->pend + 1, c->total_in);
    wr_le64(c->pend + 9, XXH64_digest(c->xs));
    c->pend_len = FMT_TRAILER_SIZE;
    c->pend_pos = 0;
}

mdlz_status mdlz_compress_stream(mdlz_cctx *c, mdlz_outbuf *out, mdlz_inbuf *in,
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
            /* With retrieval, the header waits for the first block. */
            if (c->ret && !end && c->blk_fill < c->blk_size) return MDLZ_OK;
            mdlz_status st = start_stream(c);
            if (st != MDLZ_OK) {
                c->stage = ST_ERROR;
                return st;
            }
            c->stage = ST_RUN;
            continue;
        }
        if (c->ret && ret_session_failed(c->ret)) {
            snprintf(c->detail, sizeof c->detail, "an online query failed");
            c->stage = ST_ERROR;
            return MDLZ_ERROR_INDEX;
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

mdlz_status mdlz_compress(void *dst, size_t dst_cap, size_t *dst_size,
                          const void *src, size_t src_size, int level) {
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = level;
    p.src_size = src_size;
    mdlz_cctx *c;
    *dst_size = 0;
    MDLZ_FORWARD(mdlz_cctx_create(&c, &p));
    mdlz_inbuf in = {src, src_size, 0};
    mdlz_outbuf out = {dst, dst_cap, 0};
    int done = 0;
    mdlz_status st = mdlz_compress_stream(c, &out, &in, 1, &done);
    mdlz_cctx_free(c);
    if (st != MDLZ_OK) return st;
    if (!done) return MDLZ_ERROR_DST_SIZE;
    *dst_size = out.pos;
    return MDLZ_OK;
}
