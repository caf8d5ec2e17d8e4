/*
 * inspect.c - stream headers read without decoding (inspect.h) and the
 * public functions built on them: mdlz_get_frame_info(),
 * mdlz_get_frame_docs(), mdlz_get_frame_tool().
 */
#include "inspect.h"

#include <stdio.h>
#include <string.h>

#include "prefix.h"

mdlz_status sys_read_header(sys_header *h, const void *src, size_t n) {
    memset(h, 0, sizeof *h);
    MDLZ_FORWARD(
        fmt_parse_full(src, n, &h->cfg, &h->src_size, &h->recs, &h->len));
    for (unsigned k = 0; k < h->recs.n; k++) {
        const fmt_record *r = &h->recs.rec[k];
        if (r->type == sys_table[ROW_RETRIEVAL].record) {
            MDLZ_FORWARD(ret_record_parse(r, &h->ret));
        } else if (r->type == sys_table[ROW_TOOLS].record) {
            if ((h->n_tools = tool_record_parse(r, h->tools)) <= 0)
                return MDLZ_ERROR_CORRUPT;
        } else if (r->type == sys_table[ROW_PREFIX].record) {
            uint64_t hash;
            MDLZ_FORWARD(prefix_record_parse(r, &h->prefix_len, &hash));
        } else {
            return MDLZ_ERROR_VERSION;
        }
    }
    return MDLZ_OK;
}

size_t mdlz_get_frame_docs(mdlz_docref *out, size_t cap, const void *src,
                           size_t src_size) {
    sys_header h;
    if (sys_read_header(&h, src, src_size) != MDLZ_OK) return 0;
    size_t n = MDLZ_MIN(cap, h.ret.n_docs);
    memcpy(out, h.ret.docs, n * sizeof *out);
    return n;
}

mdlz_status mdlz_get_frame_tool(const void *src, size_t src_size, unsigned i,
                                char *name, size_t cap, uint32_t *version) {
    sys_header h;
    MDLZ_FORWARD(sys_read_header(&h, src, src_size));
    if (i >= (unsigned)h.n_tools || cap == 0) return MDLZ_ERROR_PARAM;
    snprintf(name, cap, "%s", h.tools[i].name);
    *version = h.tools[i].version;
    return MDLZ_OK;
}

mdlz_status mdlz_get_frame_info(mdlz_frame_info *info, const void *src,
                                size_t src_size) {
    sys_header h;
    memset(info, 0, sizeof *info);
    MDLZ_FORWARD(sys_read_header(&h, src, src_size));
    info->src_size = h.src_size;
    info->header_size = h.len;
    info->retrieval = h.ret.modes;
    info->index_generation = h.ret.gen;
    info->index_history = h.ret.hist;
    info->primed_bytes = h.ret.prime_bytes;
    info->prefix_size = h.prefix_len;
    info->n_docs = h.ret.n_docs;
    info->n_tools = (unsigned)h.n_tools;
    info->format_version = FMT_VERSION;
    info->level = h.cfg.level;
    info->model_memory = cfg_memory(&h.cfg);
    info->block_size = (uint32_t)1 << h.cfg.block_log;
    info->segment_size = h.cfg.seg_log ? (uint64_t)1 << h.cfg.seg_log : 0;
    for (unsigned i = 0; cfg_component_name(i); i++)
        if (h.cfg.components & (1u << i))
            info->components[info->n_components++] = cfg_component_name(i);
    return MDLZ_OK;
}
