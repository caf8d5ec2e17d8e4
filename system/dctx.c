/*
 * dctx.c - the public decompression API (include/mdlz.h): the engine's
 * stream decoder (engine/stream/stream.h) plus the state of every row of
 * the composition root's table (table.h): the index, plugins and prefix a
 * stream may need, given with the mdlz_dctx_* calls.
 */
#include <stdlib.h>

#include "host.h"
#include "prefix.h"
#include "retrieval.h"
#include "stream.h"
#include "table.h"

struct mdlz_dctx {
    dec_stream *dec;
    sys_ctx sys;
};

static mdlz_status open_dec(void *user, const mdlz_config *cfg,
                            const fmt_records *recs, predictor **pred) {
    return sys_open_decoder(&((mdlz_dctx *)user)->sys, cfg, recs, pred);
}

static mdlz_status open_seg(void *user, const mdlz_config *cfg,
                            predictor **pred) {
    return sys_open_segment(&((mdlz_dctx *)user)->sys, cfg, pred);
}

static uint64_t memory(void *user, uint64_t *limit) {
    const sys_ctx *x = &((mdlz_dctx *)user)->sys;
    *limit = x->mem_limit;
    return x->mem_need;
}

static mdlz_status check(void *user) {
    return sys_check(&((mdlz_dctx *)user)->sys);
}

void mdlz_dctx_free(mdlz_dctx *d) {
    if (!d) return;
    dec_free(d->dec); /* the predictor first: its components use the rows' */
    sys_ctx_free(&d->sys);
    free(d);
}

mdlz_status mdlz_dctx_create(mdlz_dctx **out, uint64_t mem_limit) {
    *out = NULL;
    mdlz_dctx *d = calloc(1, sizeof *d);
    if (!d) return MDLZ_ERROR_NOMEM;
    str_hooks h = {.open_dec = open_dec,
                   .open_seg = open_seg,
                   .memory = memory,
                   .check = check,
                   .user = d};
    mdlz_status st = sys_ctx_init(&d->sys);
    d->sys.mem_limit = mem_limit == 0 ? MDLZ_DECODE_MEMORY_DEFAULT
                       : mem_limit == MDLZ_MEMORY_UNLIMITED ? 0
                                                            : mem_limit;
    if (st == MDLZ_OK) st = dec_create(&d->dec, &h);
    if (st != MDLZ_OK) {
        mdlz_dctx_free(d);
        return st;
    }
    *out = d;
    return MDLZ_OK;
}

mdlz_status mdlz_dctx_set_index(mdlz_dctx *d, const char *path) {
    if (dec_started(d->dec)) return MDLZ_ERROR_STAGE;
    return ret_module_set_path(d->sys.state[ROW_RETRIEVAL], path);
}

mdlz_status mdlz_dctx_ref_prefix(mdlz_dctx *d, const void *prefix, size_t len) {
    if (dec_started(d->dec)) return MDLZ_ERROR_STAGE;
    if (len && !prefix) return MDLZ_ERROR_PARAM;
    prefix_set(d->sys.state[ROW_PREFIX], prefix, len);
    return MDLZ_OK;
}

mdlz_status mdlz_dctx_add_tool(mdlz_dctx *d, const char *path) {
    if (dec_started(d->dec)) return MDLZ_ERROR_STAGE;
    return tool_host_add_plugin(d->sys.state[ROW_TOOLS], path, d->sys.detail,
                                sizeof d->sys.detail);
}

mdlz_status mdlz_dctx_set_param(mdlz_dctx *d, mdlz_dparam param, int value) {
    if (dec_started(d->dec)) return MDLZ_ERROR_STAGE;
    switch (param) {
    case MDLZ_DPARAM_THREADS:
        if (value < 0) return MDLZ_ERROR_PARAM;
        dec_set_threads(d->dec, (unsigned)value);
        return MDLZ_OK;
    }
    return MDLZ_ERROR_PARAM;
}

uint64_t mdlz_dctx_memory_needed(const mdlz_dctx *d) { return d->sys.mem_need; }

const char *mdlz_dctx_error_detail(const mdlz_dctx *d) { return d->sys.detail; }

mdlz_status mdlz_decompress_stream(mdlz_dctx *d, mdlz_outbuf *out,
                                   mdlz_inbuf *in, int *done) {
    return dec_decompress(d->dec, out, in, done);
}

mdlz_status mdlz_decompress(void *dst, size_t dst_cap, size_t *dst_size,
                            const void *src, size_t src_size,
                            uint64_t mem_limit) {
    mdlz_dctx *d;
    *dst_size = 0;
    MDLZ_FORWARD(mdlz_dctx_create(&d, mem_limit));
    dec_set_out_limit(d->dec, dst_cap);
    mdlz_inbuf in = {src, src_size, 0};
    mdlz_outbuf out = {dst, dst_cap, 0};
    int done = 0;
    mdlz_status st = mdlz_decompress_stream(d, &out, &in, &done);
    mdlz_dctx_free(d);
    if (st != MDLZ_OK) return st;
    if (!done) return MDLZ_ERROR_TRUNCATED;
    if (in.pos != in.size) return MDLZ_ERROR_TRAILING;
    *dst_size = out.pos;
    return MDLZ_OK;
}
