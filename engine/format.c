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

size_t fmt_write_header(uint8_t *dst, const mdlz_config *cfg,
                        uint64_t src_size) {
    size_t n = 0;
    memcpy(dst, FMT_MAGIC, 4);
    n = 4;
    dst[n++] = FMT_VERSION;
    dst[n++] = src_size != MDLZ_SIZE_UNKNOWN ? FMT_FLAG_SIZE : 0;
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
                             uint64_t *src_size, size_t *len) {
    if (n == 0) return MDLZ_ERROR_TRUNCATED;
    if (n < 4) {
        return memcmp(src, FMT_MAGIC, n) == 0 ? MDLZ_ERROR_TRUNCATED
                                               : MDLZ_ERROR_NOT_MDLZ;
    }
    if (memcmp(src, FMT_MAGIC, 4) != 0) return MDLZ_ERROR_NOT_MDLZ;
    if (n < 6) return MDLZ_ERROR_TRUNCATED;
    if (src[4] != FMT_VERSION) return MDLZ_ERROR_VERSION;
    uint8_t flags = src[5];
    if (flags & ~FMT_FLAG_SIZE) return MDLZ_ERROR_VERSION;
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
    *len = body + 4;
    return cfg_validate(cfg);
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
