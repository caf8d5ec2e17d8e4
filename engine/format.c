/*
 * format.c - serialization of the container (docs/format.md).
 *
 * Header: "MDLZ", version, flags, the model configuration, the optional
 * original size, and an XXH32 of all preceding header bytes so that a
 * damaged header is caught before any memory is sized from it.
 * Blocks: a type byte, sizes, and the XXH32 of the block's original bytes.
 * Trailer: END type byte, total original size, XXH64 of all original bytes.
 */
#include "format.h"
#include "varint.h"

#include <string.h>
#include <xxhash.h>

size_t fmt_write_header(uint8_t *dst, const mdlz_config *cfg, uint64_t src_size,
                        int has_ext) {
    size_t n = 0;
    memcpy(dst, FMT_MAGIC, 4);
    n = 4;
    dst[n++] = FMT_VERSION;
    dst[n++] = (uint8_t)((src_size != MDLZ_SIZE_UNKNOWN ? FMT_FLAG_SIZE : 0) |
                         (has_ext ? FMT_FLAG_EXT : 0));
    dst[n++] = cfg->level;
    dst[n++] = cfg->block_log;
    dst[n++] = cfg->ctx_bits;
    dst[n++] = cfg->win_bits;
    dst[n++] = cfg->mtab_bits;
    dst[n++] = 0; /* reserved */
    dst[n++] = (uint8_t)cfg->components;
    dst[n++] = (uint8_t)(cfg->components >> 8);
    if (src_size != MDLZ_SIZE_UNKNOWN) {
        wr_le64(dst + n, src_size);
        n += 8;
    }
    wr_le32(dst + n, XXH32(dst, n, 0));
    return n + 4;
}

mdlz_status fmt_parse_header(const uint8_t *src, size_t n, mdlz_config *cfg,
                             uint64_t *src_size, int *has_ext, size_t *len) {
    if (n == 0) return MDLZ_ERROR_TRUNCATED;
    if (n < 4) {
        return memcmp(src, FMT_MAGIC, n) == 0 ? MDLZ_ERROR_TRUNCATED
                                              : MDLZ_ERROR_NOT_MDLZ;
    }
    if (memcmp(src, FMT_MAGIC, 4) != 0) return MDLZ_ERROR_NOT_MDLZ;
    if (n < 6) return MDLZ_ERROR_TRUNCATED;
    if (src[4] != FMT_VERSION) return MDLZ_ERROR_VERSION;
    uint8_t flags = src[5];
    if (flags & ~(FMT_FLAG_SIZE | FMT_FLAG_EXT)) return MDLZ_ERROR_VERSION;
    size_t body = 14 + ((flags & FMT_FLAG_SIZE) ? 8 : 0);
    if (n < body + 4) return MDLZ_ERROR_TRUNCATED;
    if (rd_le32(src + body) != XXH32(src, body, 0)) return MDLZ_ERROR_CORRUPT;
    if (src[11] != 0) return MDLZ_ERROR_VERSION;
    cfg->level = src[6];
    cfg->block_log = src[7];
    cfg->ctx_bits = src[8];
    cfg->win_bits = src[9];
    cfg->mtab_bits = src[10];
    cfg->components = (uint16_t)(src[12] | src[13] << 8);
    *src_size = (flags & FMT_FLAG_SIZE) ? rd_le64(src + 14) : MDLZ_SIZE_UNKNOWN;
    *has_ext = (flags & FMT_FLAG_EXT) != 0;
    *len = body + 4;
    return cfg_validate(cfg);
}

/* ---- extensions: records of (type u8, length u16, data) ---------------- */
enum { EXT_RETRIEVAL = 1, EXT_TOOLS = 2, EXT_PREFIX = 3 };

typedef struct {
    const uint8_t *p, *end;
    int bad;
} reader;

static uint64_t get_varint(reader *r) {
    return varint_get(&r->p, r->end, &r->bad);
}

static uint32_t get_u8(reader *r) {
    if (r->p >= r->end) return r->bad = 1, 0;
    return *r->p++;
}

static uint64_t get_le(reader *r, int bytes) {
    if (r->end - r->p < bytes) return r->bad = 1, 0;
    uint64_t v = bytes == 8 ? rd_le64(r->p) : rd_le32(r->p);
    r->p += bytes;
    return v;
}

static size_t write_retrieval(uint8_t *d, const fmt_ext *e) {
    size_t n = 0;
    d[n++] = (uint8_t)e->ret_modes;
    if (e->ret_modes & MDLZ_RETRIEVE_ONLINE) {
        n += varint_put(d + n, (uint64_t)e->ret_gen);
        wr_le64(d + n, e->ret_hist);
        n += 8;
    }
    n += varint_put(d + n, e->prime_bytes);
    d[n++] = (uint8_t)e->n_docs;
    for (unsigned i = 0; i < e->n_docs; i++) { /* 48-bit content keys */
        for (int b = 0; b < 6; b++)
            d[n++] = (uint8_t)(e->docs[i].hash >> (16 + 8 * b));
        n += varint_put(d + n, e->docs[i].size);
    }
    return n;
}

static size_t write_tools(uint8_t *d, const fmt_ext *e) {
    size_t n = 0;
    d[n++] = (uint8_t)e->n_tools;
    for (unsigned i = 0; i < e->n_tools; i++) {
        size_t len = strlen(e->tools[i].name);
        d[n++] = (uint8_t)len;
        memcpy(d + n, e->tools[i].name, len);
        n += len;
        n += varint_put(d + n, e->tools[i].version);
        wr_le32(d + n, e->tools[i].hash32);
        n += 4;
    }
    return n;
}

static size_t write_prefix(uint8_t *d, const fmt_ext *e) {
    size_t n = varint_put(d, e->prefix_len);
    wr_le64(d + n, e->prefix_hash);
    return n + 8;
}

/* Appends one record (type, u16 length, data) at dst + *n. */
static void put_record(uint8_t *dst, size_t *n, int type,
                       size_t (*write)(uint8_t *, const fmt_ext *),
                       const fmt_ext *e) {
    dst[*n] = (uint8_t)type;
    size_t k = write(dst + *n + 3, e);
    dst[*n + 1] = (uint8_t)k;
    dst[*n + 2] = (uint8_t)(k >> 8);
    *n += 3 + k;
}

size_t fmt_write_ext(uint8_t *dst, const fmt_ext *e) {
    size_t n = 2;
    if (e->ret_modes) put_record(dst, &n, EXT_RETRIEVAL, write_retrieval, e);
    if (e->n_tools) put_record(dst, &n, EXT_TOOLS, write_tools, e);
    if (e->has_prefix) put_record(dst, &n, EXT_PREFIX, write_prefix, e);
    dst[0] = (uint8_t)(n - 2);
    dst[1] = (uint8_t)((n - 2) >> 8);
    wr_le32(dst + n, XXH32(dst, n, 0));
    return n + 4;
}

static void parse_retrieval(reader *r, fmt_ext *e) {
    e->ret_modes = get_u8(r);
    if (!e->ret_modes || (e->ret_modes & ~3u)) r->bad = 1;
    if (e->ret_modes & MDLZ_RETRIEVE_ONLINE) {
        uint64_t gen = get_varint(r);
        if (gen > INT64_MAX) r->bad = 1;
        e->ret_gen = (int64_t)gen;
        e->ret_hist = get_le(r, 8);
    }
    e->prime_bytes = get_varint(r);
    e->n_docs = get_u8(r);
    if (e->n_docs > FMT_DOCS_MAX) r->bad = 1;
    for (unsigned i = 0; i < e->n_docs && !r->bad; i++) {
        uint64_t key = 0;
        for (int b = 0; b < 6; b++) key |= (uint64_t)get_u8(r) << (16 + 8 * b);
        e->docs[i].hash = key;
        e->docs[i].size = get_varint(r);
    }
}

static void parse_tools(reader *r, fmt_ext *e) {
    e->n_tools = get_u8(r);
    if (e->n_tools > FMT_TOOLS_MAX) r->bad = 1;
    for (unsigned i = 0; i < e->n_tools && !r->bad; i++) {
        uint32_t len = get_u8(r);
        if (len == 0 || len > FMT_TOOL_NAME_MAX || r->end - r->p < len) {
            r->bad = 1;
            break;
        }
        memcpy(e->tools[i].name, r->p, len);
        e->tools[i].name[len] = 0;
        r->p += len;
        e->tools[i].version = (uint32_t)get_varint(r);
        e->tools[i].hash32 = (uint32_t)get_le(r, 4);
    }
}

static void parse_prefix(reader *r, fmt_ext *e) {
    e->has_prefix = 1;
    e->prefix_len = get_varint(r);
    e->prefix_hash = get_le(r, 8);
}

mdlz_status fmt_parse_ext(const uint8_t *src, size_t n, fmt_ext *e,
                          size_t *len) {
    memset(e, 0, sizeof *e);
    if (n < 2) return MDLZ_ERROR_TRUNCATED;
    size_t body = (size_t)src[0] | (size_t)src[1] << 8;
    if (body > FMT_EXT_MAX) return MDLZ_ERROR_CORRUPT;
    if (n < 2 + body + 4) return MDLZ_ERROR_TRUNCATED;
    if (rd_le32(src + 2 + body) != XXH32(src, 2 + body, 0))
        return MDLZ_ERROR_CORRUPT;
    reader r = {src + 2, src + 2 + body, 0};
    int seen = 0;
    while (r.p < r.end && !r.bad) {
        uint32_t type = get_u8(&r);
        uint32_t k = get_u8(&r);
        k |= get_u8(&r) << 8;
        if (r.bad || (size_t)(r.end - r.p) < k) return MDLZ_ERROR_CORRUPT;
        if (type < EXT_RETRIEVAL || type > EXT_PREFIX)
            return MDLZ_ERROR_VERSION;
        if (seen & (1 << type)) return MDLZ_ERROR_CORRUPT;
        seen |= 1 << type;
        reader sub = {r.p, r.p + k, 0};
        if (type == EXT_RETRIEVAL) parse_retrieval(&sub, e);
        else if (type == EXT_TOOLS) parse_tools(&sub, e);
        else parse_prefix(&sub, e);
        if (sub.bad || sub.p != sub.end) return MDLZ_ERROR_CORRUPT;
        r.p += k;
    }
    *len = 2 + body + 4;
    return MDLZ_OK;
}

mdlz_status fmt_parse_full(const uint8_t *src, size_t n, mdlz_config *cfg,
                           uint64_t *src_size, fmt_ext *ext, size_t *len) {
    int has_ext;
    memset(ext, 0, sizeof *ext);
    MDLZ_FORWARD(fmt_parse_header(src, n, cfg, src_size, &has_ext, len));
    if (!has_ext) return MDLZ_OK;
    size_t elen;
    MDLZ_FORWARD(fmt_parse_ext(src + *len, n - *len, ext, &elen));
    *len += elen;
    return MDLZ_OK;
}

size_t fmt_block_header_size(uint8_t type) {
    switch (type) {
    case BLK_END: return 1;
    case BLK_CM:
    case BLK_ZSTD: return 13;
    case BLK_RAW: return 9;
    }
    return 0;
}

size_t fmt_write_block(uint8_t *dst, const fmt_block *b) {
    dst[0] = b->type;
    wr_le32(dst + 1, b->raw_size);
    if (b->type == BLK_RAW) {
        wr_le32(dst + 5, b->checksum);
        return 9;
    }
    wr_le32(dst + 5, b->payload_size);
    wr_le32(dst + 9, b->checksum);
    return 13;
}

mdlz_status fmt_parse_block(const uint8_t *src, fmt_block *b,
                            uint32_t block_max) {
    b->type = src[0];
    b->raw_size = rd_le32(src + 1);
    if (b->type == BLK_RAW) {
        b->payload_size = b->raw_size;
        b->checksum = rd_le32(src + 5);
    } else {
        b->payload_size = rd_le32(src + 5);
        b->checksum = rd_le32(src + 9);
    }
    /* A block never holds more than block_max bytes, the encoder only
     * keeps a coded block when it is smaller than the raw bytes, and a
     * coded block is never empty (the coder's flush writes a byte). */
    if (b->raw_size == 0 || b->raw_size > block_max ||
        b->payload_size > b->raw_size || b->payload_size == 0)
        return MDLZ_ERROR_CORRUPT;
    return MDLZ_OK;
}
