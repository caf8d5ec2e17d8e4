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
    dst[n++] = cfg->seg_log;
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
    cfg->level = src[6];
    cfg->block_log = src[7];
    cfg->ctx_bits = src[8];
    cfg->win_bits = src[9];
    cfg->mtab_bits = src[10];
    cfg->seg_log = src[11];
    cfg->components = (uint16_t)(src[12] | src[13] << 8);
    *src_size = (flags & FMT_FLAG_SIZE) ? rd_le64(src + 14) : MDLZ_SIZE_UNKNOWN;
    *has_ext = (flags & FMT_FLAG_EXT) != 0;
    *len = body + 4;
    return cfg_validate(cfg);
}

/* ---- extension area: records of (type u8, length u16, data) ------------ */

void fmt_records_init(fmt_records *r) {
    r->n = 0;
    r->used = 0;
}

const fmt_record *fmt_find_record(const fmt_records *r, unsigned type) {
    for (unsigned i = 0; i < r->n; i++)
        if (r->rec[i].type == type) return &r->rec[i];
    return NULL;
}

mdlz_status fmt_add_record(fmt_records *r, unsigned type, const uint8_t *data,
                           size_t len) {
    size_t framed = 0;
    for (unsigned i = 0; i < r->n; i++) framed += 3 + r->rec[i].len;
    if (type == 0 || type > 255 || fmt_find_record(r, type) ||
        r->n == FMT_RECORDS_MAX || framed + 3 + len > FMT_EXT_MAX)
        return MDLZ_ERROR_PARAM;
    memcpy(r->store + r->used, data, len);
    r->rec[r->n++] = (fmt_record){(uint8_t)type, (uint16_t)len,
                                  r->store + r->used};
    r->used += len;
    return MDLZ_OK;
}

size_t fmt_write_ext(uint8_t *dst, const fmt_records *r) {
    size_t n = 2;
    for (unsigned type = 1; type < 256; type++) {
        const fmt_record *rec = fmt_find_record(r, type);
        if (!rec) continue;
        dst[n] = (uint8_t)type;
        dst[n + 1] = (uint8_t)rec->len;
        dst[n + 2] = (uint8_t)(rec->len >> 8);
        memcpy(dst + n + 3, rec->data, rec->len);
        n += 3 + rec->len;
    }
    dst[0] = (uint8_t)(n - 2);
    dst[1] = (uint8_t)((n - 2) >> 8);
    wr_le32(dst + n, XXH32(dst, n, 0));
    return n + 4;
}

mdlz_status fmt_parse_ext(const uint8_t *src, size_t n, fmt_records *r,
                          size_t *len) {
    fmt_records_init(r);
    if (n < 2) return MDLZ_ERROR_TRUNCATED;
    size_t body = (size_t)src[0] | (size_t)src[1] << 8;
    if (body > FMT_EXT_MAX) return MDLZ_ERROR_CORRUPT;
    if (n < 2 + body + 4) return MDLZ_ERROR_TRUNCATED;
    if (rd_le32(src + 2 + body) != XXH32(src, 2 + body, 0))
        return MDLZ_ERROR_CORRUPT;
    fmt_reader rd = {src + 2, src + 2 + body, 0};
    while (rd.p < rd.end) {
        uint32_t type = fmt_get_u8(&rd);
        uint32_t k = fmt_get_u8(&rd);
        k |= fmt_get_u8(&rd) << 8;
        if (rd.bad || (size_t)(rd.end - rd.p) < k || type == 0 ||
            fmt_find_record(r, type) || r->n == FMT_RECORDS_MAX)
            return MDLZ_ERROR_CORRUPT;
        r->rec[r->n++] = (fmt_record){(uint8_t)type, (uint16_t)k, rd.p};
        rd.p += k;
    }
    *len = 2 + body + 4;
    return MDLZ_OK;
}

mdlz_status fmt_parse_full(const uint8_t *src, size_t n, mdlz_config *cfg,
                           uint64_t *src_size, fmt_records *r, size_t *len) {
    int has_ext;
    fmt_records_init(r);
    MDLZ_FORWARD(fmt_parse_header(src, n, cfg, src_size, &has_ext, len));
    if (!has_ext) return MDLZ_OK;
    size_t elen;
    MDLZ_FORWARD(fmt_parse_ext(src + *len, n - *len, r, &elen));
    *len += elen;
    return MDLZ_OK;
}

size_t fmt_block_header_size(uint8_t type) {
    switch (type) {
    case BLK_END: return 1;
    case BLK_CM:
    case BLK_ZSTD: return 13;
    case BLK_RAW:
    case BLK_STORE: return 9;
    }
    return 0;
}

size_t fmt_write_block(uint8_t *dst, const fmt_block *b) {
    dst[0] = b->type;
    wr_le32(dst + 1, b->raw_size);
    if (b->type == BLK_RAW || b->type == BLK_STORE) {
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
    if (b->type == BLK_RAW || b->type == BLK_STORE) {
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
