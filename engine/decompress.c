/*
 * decompress.c - the decompression context: a small state machine that
 * reads the header, then one block at a time (header, payload), decodes
 * it, checks its XXH32, and hands the bytes out; the trailer's size and
 * XXH64 are checked before the stream is reported complete.
 *
 * Every size read from the input is checked against the limits in the
 * header before it is used, and the header itself (which sizes the model)
 * is checksummed and checked against the caller's memory limit.
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

enum {
    ST_HEADER,
    ST_EXT,
    ST_BLOCKHDR,
    ST_PAYLOAD,
    ST_DRAIN,
    ST_TRAILER,
    ST_DONE
};

struct mdlz_dctx {
    uint64_t mem_limit;
    uint64_t out_limit; /* one-shot: bytes the destination can take */
    int stage;
    mdlz_status error; /* sticky */
    mdlz_config cfg;
    uint64_t declared;
    predictor *pred;
    uint8_t hbuf[FMT_HEADER_MAX + FMT_TRAILER_SIZE];
    size_t hlen, hneed; /* bytes gathered in hbuf / needed */
    fmt_block blk;
    uint8_t *payload;
    size_t have;
    uint8_t *data; /* decoded block */
    size_t data_pos;
    XXH64_state_t *xs;
    uint64_t total;
    uint8_t *ebuf; /* extension area being gathered */
    size_t elen;
    fmt_ext ext;
    char *index_path;      /* mdlz_dctx_set_index() */
    const uint8_t *prefix; /* mdlz_dctx_ref_prefix() */
    size_t prefix_len;
    int prefix_set;
    ret_session *ret;
    char detail[256];                    /* mdlz_dctx_error_detail() */
    tool_handle *handles[FMT_TOOLS_MAX]; /* plugins made available */
    int n_handles;
    const mdlz_tool *tools[FMT_TOOLS_MAX]; /* the stream's tools */
};

void mdlz_dctx_free(mdlz_dctx *d) {
    if (!d) return;
    pred_free(d->pred);
    ret_session_free(d->ret);
    for (int i = 0; i < d->n_handles; i++) tool_handle_free(d->handles[i]);
    free(d->index_path);
    free(d->ebuf);
    free(d->payload);
    free(d->data);
    XXH64_freeState(d->xs);
    free(d);
}

mdlz_status mdlz_dctx_create(mdlz_dctx **out, uint64_t mem_limit) {
    *out = NULL;
    mdlz_dctx *d = calloc(1, sizeof *d);
    if (!d) return MDLZ_ERROR_NOMEM;
    d->xs = XXH64_createState();
    if (!d->xs) {
        free(d);
        return MDLZ_ERROR_NOMEM;
    }
    XXH64_reset(d->xs, 0);
    d->mem_limit = mem_limit;
    d->out_limit = UINT64_MAX;
    *out = d;
    return MDLZ_OK;
}

mdlz_status mdlz_dctx_set_index(mdlz_dctx *d, const char *path) {
    if (d->stage != ST_HEADER || d->hlen) return MDLZ_ERROR_STAGE;
    free(d->index_path);
    d->index_path = strdup(path);
    return d->index_path ? MDLZ_OK : MDLZ_ERROR_NOMEM;
}

mdlz_status mdlz_dctx_ref_prefix(mdlz_dctx *d, const void *prefix, size_t len) {
    if (d->stage != ST_HEADER || d->hlen) return MDLZ_ERROR_STAGE;
    if (len && !prefix) return MDLZ_ERROR_PARAM;
    d->prefix = prefix;
    d->prefix_len = len;
    d->prefix_set = 1;
    return MDLZ_OK;
}

/* Checks the caller's prefix against the one the stream records. */
static mdlz_status check_prefix(mdlz_dctx *d) {
    const fmt_ext *e = &d->ext;
    if (!d->prefix_set) {
        snprintf(d->detail, sizeof d->detail,
                 "the stream was made with a %llu-byte prefix",
                 (unsigned long long)e->prefix_len);
        return MDLZ_ERROR_PREFIX;
    }
    if (d->prefix_len != e->prefix_len ||
        XXH64(d->prefix_len ? (const void *)d->prefix : "", d->prefix_len, 0) !=
            e->prefix_hash) {
        snprintf(d->detail, sizeof d->detail,
                 "prefix of %llu bytes given, the stream was made with "
                 "another (%llu bytes)",
                 (unsigned long long)d->prefix_len,
                 (unsigned long long)e->prefix_len);
        return MDLZ_ERROR_PREFIX;
    }
    return MDLZ_OK;
}

const char *mdlz_dctx_error_detail(const mdlz_dctx *d) { return d->detail; }

mdlz_status mdlz_dctx_add_tool(mdlz_dctx *d, const char *path) {
    if (d->stage != ST_HEADER || d->hlen) return MDLZ_ERROR_STAGE;
    if (d->n_handles == FMT_TOOLS_MAX) return MDLZ_ERROR_PARAM;
    tool_handle *h;
    if (tool_load_external(path, &h, d->detail, sizeof d->detail) != MDLZ_OK)
        return MDLZ_ERROR_TOOL;
    d->handles[d->n_handles++] = h;
    return MDLZ_OK;
}

size_t mdlz_builtin_tools(const char **names, size_t cap) {
    size_t n;
    const mdlz_tool *const *t = tool_builtins(&n);
    for (size_t i = 0; i < n && i < cap && names; i++) names[i] = t[i]->name;
    return n;
}

/* Finds each tool the stream records, built in or made available, with
 * the same version and code hash. */
static mdlz_status find_tools(mdlz_dctx *d) {
    for (unsigned i = 0; i < d->ext.n_tools; i++) {
        const fmt_tool *want = &d->ext.tools[i];
        const mdlz_tool *t = tool_find_builtin(want->name);
        for (int j = 0; !t && j < d->n_handles; j++)
            if (strcmp(tool_handle_tool(d->handles[j])->name, want->name) == 0)
                t = tool_handle_tool(d->handles[j]);
        if (!t) {
            snprintf(d->detail, sizeof d->detail,
                     "tool '%s' (version %u) is not available; load it with "
                     "--tool",
                     want->name, (unsigned)want->version);
            return MDLZ_ERROR_TOOL;
        }
        if (t->version != want->version ||
            (uint32_t)t->code_hash != want->hash32) {
            snprintf(d->detail, sizeof d->detail,
                     "tool '%s' is version %u (code %08x), the stream needs "
                     "version %u (code %08x)",
                     want->name, (unsigned)t->version,
                     (unsigned)(uint32_t)t->code_hash, (unsigned)want->version,
                     (unsigned)want->hash32);
            return MDLZ_ERROR_TOOL;
        }
        d->tools[i] = t;
    }
    return MDLZ_OK;
}

/* Opens the index a stream needs and loads the documents it records, as
 * the encoder did: same order, each checked against its hash and size. */
static mdlz_status start_retrieval(mdlz_dctx *d) {
    const fmt_ext *e = &d->ext;
    if (!d->index_path) return MDLZ_ERROR_NEED_INDEX;
    MDLZ_FORWARD(
        ret_session_open(&d->ret, d->index_path, d->detail, sizeof d->detail));
    if (e->ret_modes & MDLZ_RETRIEVE_ONLINE)
        MDLZ_FORWARD(ret_session_use_generation(d->ret, e->ret_gen, e->ret_hist,
                                                d->detail, sizeof d->detail));
    for (unsigned i = 0; i < e->n_docs; i++)
        MDLZ_FORWARD(
            ret_session_load(d->ret, &e->docs[i], d->detail, sizeof d->detail));
    size_t len;
    ret_session_text(d->ret, &len);
    if (e->prime_bytes > len) return MDLZ_ERROR_CORRUPT;
    return MDLZ_OK;
}

/* Sets up the model and buffers once the header is known. */
static mdlz_status start_stream(mdlz_dctx *d) {
    if (d->mem_limit && cfg_memory(&d->cfg) > d->mem_limit)
        return MDLZ_ERROR_MEMLIMIT;
    pred_extras ex = {NULL, 0, 0, d->tools, (int)d->ext.n_tools};
    MDLZ_FORWARD(find_tools(d));
    if (d->ext.has_prefix) MDLZ_FORWARD(check_prefix(d));
    if (d->ext.ret_modes) {
        MDLZ_FORWARD(start_retrieval(d));
        ex.ret = d->ret;
        ex.ret_modes = d->ext.ret_modes;
        ex.prime_bytes = d->ext.prime_bytes;
    }
    size_t bs = (size_t)1 << d->cfg.block_log;
    d->payload = malloc(bs);
    d->data = malloc(bs);
    if (!d->payload || !d->data) return MDLZ_ERROR_NOMEM;
    MDLZ_FORWARD(pred_create_ext(&d->pred, &d->cfg, &ex));
    if (d->ext.has_prefix && d->prefix_len)
        blk_train(d->pred, d->prefix, d->prefix_len);
    if (ex.prime_bytes) {
        size_t len;
        const uint8_t *text = ret_session_text(d->ret, &len);
        blk_train(d->pred, text + len - ex.prime_bytes, ex.prime_bytes);
    }
    return MDLZ_OK;
}

/* Turns the gathered payload into d->data and checks it. */
static mdlz_status decode_block(mdlz_dctx *d) {
    const fmt_block *b = &d->blk;
    switch (b->type) {
    case BLK_CM:
        blk_decode(d->pred, d->payload, b->payload_size, d->data, b->raw_size);
        break;
    case BLK_RAW:
        memcpy(d->data, d->payload, b->raw_size);
        blk_train(d->pred, d->data, b->raw_size);
        break;
    case BLK_ZSTD: {
        size_t z =
            ZSTD_decompress(d->data, b->raw_size, d->payload, b->payload_size);
        if (ZSTD_isError(z) || z != b->raw_size) return MDLZ_ERROR_CORRUPT;
        blk_train(d->pred, d->data, b->raw_size);
        break;
    }
    default: return MDLZ_ERROR_CORRUPT;
    }
    if (XXH32(d->data, b->raw_size, 0) != b->checksum)
        return MDLZ_ERROR_CHECKSUM;
    XXH64_update(d->xs, d->data, b->raw_size);
    d->total += b->raw_size;
    if (d->declared != MDLZ_SIZE_UNKNOWN && d->total > d->declared)
        return MDLZ_ERROR_CORRUPT;
    d->data_pos = 0;
    return MDLZ_OK;
}

static mdlz_status check_trailer(mdlz_dctx *d) {
    uint64_t size = rd_le64(d->hbuf + 1);
    if (size != d->total) return MDLZ_ERROR_CORRUPT;
    if (d->declared != MDLZ_SIZE_UNKNOWN && size != d->declared)
        return MDLZ_ERROR_CORRUPT;
    if (rd_le64(d->hbuf + 9) != XXH64_digest(d->xs)) return MDLZ_ERROR_CHECKSUM;
    return MDLZ_OK;
}

/* One step of the state machine; returns MDLZ_OK with *wait set when it
 * needs more input or output space. */
static mdlz_status step(mdlz_dctx *d, mdlz_outbuf *out, mdlz_inbuf *in,
                        int *wait) {
    const uint8_t *src = in->src ? (const uint8_t *)in->src + in->pos : NULL;
    size_t avail = in->size - in->pos;
    *wait = 0;
    switch (d->stage) {
    case ST_HEADER: {
        /* Byte by byte: the header's length is known only as it is read,
         * and no byte past it may be consumed. */
        if (!avail) break;
        d->hbuf[d->hlen++] = *src;
        in->pos++;
        size_t len;
        int has_ext;
        mdlz_status st = fmt_parse_header(d->hbuf, d->hlen, &d->cfg,
                                          &d->declared, &has_ext, &len);
        if (st == MDLZ_ERROR_TRUNCATED) {
            if (d->hlen >= FMT_HEADER_MAX) return MDLZ_ERROR_CORRUPT;
            return MDLZ_OK;
        }
        MDLZ_FORWARD(st);
        if (d->declared != MDLZ_SIZE_UNKNOWN && d->declared > d->out_limit)
            return MDLZ_ERROR_DST_SIZE;
        d->hlen = d->hneed = 0;
        if (has_ext) {
            d->ebuf = malloc(FMT_EXT_MAX + 6);
            if (!d->ebuf) return MDLZ_ERROR_NOMEM;
            d->stage = ST_EXT;
            return MDLZ_OK;
        }
        MDLZ_FORWARD(start_stream(d));
        d->stage = ST_BLOCKHDR;
        return MDLZ_OK;
    }
    case ST_EXT: {
        if (!avail) break;
        /* The length comes first: take it, then exactly the rest. */
        size_t need =
            d->elen < 2
                ? 2
                : 2 + ((size_t)d->ebuf[0] | (size_t)d->ebuf[1] << 8) + 4;
        if (need > FMT_EXT_MAX + 6) return MDLZ_ERROR_CORRUPT;
        size_t k = MDLZ_MIN(avail, need - d->elen);
        memcpy(d->ebuf + d->elen, src, k);
        d->elen += k;
        in->pos += k;
        size_t len;
        mdlz_status st = fmt_parse_ext(d->ebuf, d->elen, &d->ext, &len);
        if (st == MDLZ_ERROR_TRUNCATED) return MDLZ_OK;
        MDLZ_FORWARD(st);
        MDLZ_FORWARD(start_stream(d));
        d->stage = ST_BLOCKHDR;
        return MDLZ_OK;
    }
    case ST_BLOCKHDR:
    case ST_TRAILER: {
        if (!avail) break;
        if (d->hneed == 0) {
            d->hneed = fmt_block_header_size(*src);
            if (d->hneed == 0) return MDLZ_ERROR_CORRUPT;
            if (*src == BLK_END) {
                d->stage = ST_TRAILER;
                d->hneed = FMT_TRAILER_SIZE;
            }
        }
        size_t k = MDLZ_MIN(avail, d->hneed - d->hlen);
        memcpy(d->hbuf + d->hlen, src, k);
        d->hlen += k;
        in->pos += k;
        if (d->hlen < d->hneed) return MDLZ_OK;
        d->hlen = d->hneed = 0;
        if (d->stage == ST_TRAILER) {
            MDLZ_FORWARD(check_trailer(d));
            d->stage = ST_DONE;
            return MDLZ_OK;
        }
        MDLZ_FORWARD(
            fmt_parse_block(d->hbuf, &d->blk, (uint32_t)1 << d->cfg.block_log));
        /* Fail before decoding a block the destination cannot take:
         * decoding costs time in proportion to the size it declares. */
        if (d->total + d->blk.raw_size > d->out_limit)
            return MDLZ_ERROR_DST_SIZE;
        d->have = 0;
        d->stage = ST_PAYLOAD;
        return MDLZ_OK;
    }
    case ST_PAYLOAD: {
        size_t k = MDLZ_MIN(avail, d->blk.payload_size - d->have);
        memcpy(d->payload + d->have, src, k);
        d->have += k;
        in->pos += k;
        if (d->have < d->blk.payload_size) break;
        MDLZ_FORWARD(decode_block(d));
        if (d->ret && ret_session_failed(d->ret)) {
            snprintf(d->detail, sizeof d->detail, "an online query failed");
            return MDLZ_ERROR_INDEX;
        }
        d->stage = ST_DRAIN;
        return MDLZ_OK;
    }
    case ST_DRAIN: {
        size_t k =
            MDLZ_MIN(d->blk.raw_size - d->data_pos, out->size - out->pos);
        memcpy((uint8_t *)out->dst + out->pos, d->data + d->data_pos, k);
        out->pos += k;
        d->data_pos += k;
        if (d->data_pos < d->blk.raw_size) break;
        d->stage = ST_BLOCKHDR;
        return MDLZ_OK;
    }
    }
    *wait = 1;
    return MDLZ_OK;
}

mdlz_status mdlz_decompress_stream(mdlz_dctx *d, mdlz_outbuf *out,
                                   mdlz_inbuf *in, int *done) {
    *done = 0;
    if (d->error) return d->error;
    if (out->pos > out->size || in->pos > in->size)
        return d->error = MDLZ_ERROR_PARAM;
    while (d->stage != ST_DONE) {
        int wait;
        mdlz_status st = step(d, out, in, &wait);
        if (st != MDLZ_OK) return d->error = st;
        if (wait) return MDLZ_OK;
    }
    *done = 1;
    return MDLZ_OK;
}

mdlz_status mdlz_decompress(void *dst, size_t dst_cap, size_t *dst_size,
                            const void *src, size_t src_size,
                            uint64_t mem_limit) {
    mdlz_dctx *d;
    *dst_size = 0;
    MDLZ_FORWARD(mdlz_dctx_create(&d, mem_limit));
    d->out_limit = dst_cap;
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

size_t mdlz_get_frame_docs(mdlz_docref *out, size_t cap, const void *src,
                           size_t src_size) {
    mdlz_config cfg;
    uint64_t size;
    size_t len;
    fmt_ext ext;
    if (fmt_parse_full(src, src_size, &cfg, &size, &ext, &len) != MDLZ_OK)
        return 0;
    size_t n = MDLZ_MIN(cap, ext.n_docs);
    memcpy(out, ext.docs, n * sizeof *out);
    return n;
}

mdlz_status mdlz_get_frame_tool(const void *src, size_t src_size, unsigned i,
                                char *name, size_t cap, uint32_t *version) {
    mdlz_config cfg;
    uint64_t size;
    size_t len;
    fmt_ext ext;
    MDLZ_FORWARD(fmt_parse_full(src, src_size, &cfg, &size, &ext, &len));
    if (i >= ext.n_tools || cap == 0) return MDLZ_ERROR_PARAM;
    snprintf(name, cap, "%s", ext.tools[i].name);
    *version = ext.tools[i].version;
    return MDLZ_OK;
}

mdlz_status mdlz_get_frame_info(mdlz_frame_info *info, const void *src,
                                size_t src_size) {
    mdlz_config cfg;
    fmt_ext ext;
    memset(info, 0, sizeof *info);
    MDLZ_FORWARD(fmt_parse_full(src, src_size, &cfg, &info->src_size, &ext,
                                &info->header_size));
    info->retrieval = ext.ret_modes;
    info->index_generation = ext.ret_gen;
    info->index_history = ext.ret_hist;
    info->primed_bytes = ext.prime_bytes;
    info->prefix_size = ext.has_prefix ? ext.prefix_len : 0;
    info->n_docs = ext.n_docs;
    info->n_tools = ext.n_tools;
    info->format_version = FMT_VERSION;
    info->level = cfg.level;
    info->model_memory = cfg_memory(&cfg);
    info->block_size = (uint32_t)1 << cfg.block_log;
    for (unsigned i = 0; cfg_component_name(i); i++)
        if (cfg.components & (1u << i))
            info->components[info->n_components++] = cfg_component_name(i);
    return MDLZ_OK;
}

mdlz_status mdlz_get_trailer_info(mdlz_trailer_info *info, const void *tail,
                                  size_t tail_size) {
    if (tail_size < FMT_TRAILER_SIZE) return MDLZ_ERROR_TRUNCATED;
    const uint8_t *t = (const uint8_t *)tail + tail_size - FMT_TRAILER_SIZE;
    if (t[0] != BLK_END) return MDLZ_ERROR_CORRUPT;
    info->src_size = rd_le64(t + 1);
    info->checksum = rd_le64(t + 9);
    return MDLZ_OK;
}
