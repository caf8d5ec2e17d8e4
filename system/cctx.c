/*
 * cctx.c - the public compression API (include/mdlz.h): a context is the
 * engine's stream encoder (engine/stream/stream.h) plus the state of
 * every row of the composition root's table (table.h), whose settings
 * (index, tools, prefix) the mdlz_cctx_* calls make.
 */
#include <stdlib.h>

#include "host.h"
#include "prefix.h"
#include "probe.h"
#include "retrieval.h"
#include "stream.h"
#include "table.h"

struct mdlz_cctx {
    enc_stream *enc;
    sys_ctx sys;
};

static mdlz_status open_enc(void *user, const mdlz_config *cfg,
                            uint64_t declared, const uint8_t *first, size_t n,
                            size_t block_size, fmt_records *recs,
                            predictor **pred) {
    mdlz_cctx *c = user;
    return sys_open_encoder(&c->sys, cfg, declared, first, n, block_size, recs,
                            pred);
}

static mdlz_status open_seg(void *user, const mdlz_config *cfg,
                            predictor **pred) {
    return sys_open_segment(&((mdlz_cctx *)user)->sys, cfg, pred);
}

static int segmentable(void *user) {
    return sys_segmentable(&((mdlz_cctx *)user)->sys);
}

static mdlz_status check(void *user) {
    return sys_check(&((mdlz_cctx *)user)->sys);
}

void mdlz_cctx_free(mdlz_cctx *c) {
    if (!c) return;
    enc_free(c->enc); /* the predictor first: its components use the rows' */
    sys_ctx_free(&c->sys);
    free(c);
}

mdlz_status mdlz_cctx_create(mdlz_cctx **out, const mdlz_params *params) {
    mdlz_params defaults;
    *out = NULL;
    if (!params) {
        mdlz_params_init(&defaults);
        params = &defaults;
    }
    mdlz_cctx *c = calloc(1, sizeof *c);
    if (!c) return MDLZ_ERROR_NOMEM;
    str_hooks h = {.open_enc = open_enc,
                   .open_seg = open_seg,
                   .segmentable = segmentable,
                   .check = check,
                   .user = c};
    mdlz_status st = sys_ctx_init(&c->sys);
    if (st == MDLZ_OK) st = enc_create(&c->enc, params, &h);
    if (st != MDLZ_OK) {
        mdlz_cctx_free(c);
        return st;
    }
    *out = c;
    return MDLZ_OK;
}

mdlz_status mdlz_cctx_set_param(mdlz_cctx *c, mdlz_cparam param, int value) {
    if (enc_started(c->enc)) return MDLZ_ERROR_STAGE;
    switch (param) {
    case MDLZ_CPARAM_MATCH:
        if (value != 0 && value != 1) return MDLZ_ERROR_PARAM;
        enc_set_component(c->enc, COMP_MATCH, value);
        return MDLZ_OK;
    case MDLZ_CPARAM_RETRIEVAL:
        if (value < 0 || value > 3) return MDLZ_ERROR_PARAM;
        ret_module_set_modes(c->sys.state[ROW_RETRIEVAL], (unsigned)value);
        return MDLZ_OK;
    case MDLZ_CPARAM_DEFAULT_TOOLS:
        if (value != 0 && value != 1) return MDLZ_ERROR_PARAM;
        tool_host_use_defaults(c->sys.state[ROW_TOOLS], value);
        return MDLZ_OK;
    case MDLZ_CPARAM_THREADS:
        if (value < 0) return MDLZ_ERROR_PARAM;
        enc_set_threads(c->enc, (unsigned)value);
        return MDLZ_OK;
    case MDLZ_CPARAM_SEGMENT_LOG:
        if (value < 0) return MDLZ_ERROR_PARAM;
        return enc_set_segment_log(c->enc, (unsigned)value);
    }
    return MDLZ_ERROR_PARAM;
}

mdlz_status mdlz_cctx_set_index(mdlz_cctx *c, const char *path) {
    if (enc_started(c->enc)) return MDLZ_ERROR_STAGE;
    return ret_module_open(c->sys.state[ROW_RETRIEVAL], path, c->sys.detail,
                           sizeof c->sys.detail);
}

mdlz_status sys_cctx_exclude(mdlz_cctx *c, const uint64_t *hashes, int n) {
    if (enc_started(c->enc)) return MDLZ_ERROR_STAGE;
    return ret_module_exclude(c->sys.state[ROW_RETRIEVAL], hashes, n);
}

const uint64_t *sys_cctx_used(mdlz_cctx *c, int *n) {
    return ret_module_used(c->sys.state[ROW_RETRIEVAL], n);
}

mdlz_status mdlz_cctx_ref_prefix(mdlz_cctx *c, const void *prefix, size_t len) {
    if (enc_started(c->enc)) return MDLZ_ERROR_STAGE;
    if (len && !prefix) return MDLZ_ERROR_PARAM;
    prefix_set(c->sys.state[ROW_PREFIX], prefix, len);
    return enc_fit_extra(c->enc, len);
}

mdlz_status mdlz_cctx_add_tool(mdlz_cctx *c, const char *name) {
    if (enc_started(c->enc)) return MDLZ_ERROR_STAGE;
    return tool_host_add(c->sys.state[ROW_TOOLS], name, c->sys.detail,
                         sizeof c->sys.detail);
}

mdlz_status mdlz_cctx_set_trace(mdlz_cctx *c, uint32_t interval,
                                mdlz_trace_fn fn, void *user) {
    if (enc_started(c->enc)) return MDLZ_ERROR_STAGE;
    if (fn && interval == 0) return MDLZ_ERROR_PARAM;
    enc_set_trace(c->enc, interval, fn, user);
    return MDLZ_OK;
}

mdlz_status sys_cctx_set_probe(mdlz_cctx *c, const blk_probe *probe) {
    if (enc_started(c->enc)) return MDLZ_ERROR_STAGE;
    enc_set_probe(c->enc, probe);
    return MDLZ_OK;
}

const sys_ctx *sys_cctx_rows(const mdlz_cctx *c) { return &c->sys; }

const char *mdlz_cctx_error_detail(const mdlz_cctx *c) { return c->sys.detail; }

void mdlz_cctx_get_model(const mdlz_cctx *c, int *level, uint64_t *memory) {
    const mdlz_config *cfg = enc_config(c->enc);
    if (level) *level = cfg->level;
    if (memory) *memory = cfg_memory(cfg);
}

void mdlz_cctx_progress(const mdlz_cctx *c, uint64_t *in_bytes,
                        uint64_t *out_bytes) {
    enc_progress(c->enc, in_bytes, out_bytes);
}

mdlz_status mdlz_compress_stream(mdlz_cctx *c, mdlz_outbuf *out, mdlz_inbuf *in,
                                 int end, int *done) {
    return enc_compress(c->enc, out, in, end, done);
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
