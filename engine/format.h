/*
 * format.h - the container: stream header, block headers and trailer.
 * docs/format.md describes the same bytes; keep the two in step.
 */
#ifndef MDLZ_FORMAT_H
#define MDLZ_FORMAT_H

#include "config.h"

#define FMT_MAGIC "MDLZ"
#define FMT_VERSION 1
#define FMT_FLAG_SIZE 0x01 /* header carries the original size */

#define FMT_HEADER_MIN 18      /* without the optional size */
#define FMT_HEADER_MAX 26      /* with it */

enum { BLK_END = 0, BLK_CM = 1, BLK_RAW = 2, BLK_ZSTD = 3 };
#define BLK_HEADER_MAX 13      /* type + raw size + payload size + XXH32 */
#define FMT_TRAILER_SIZE 17    /* type END + u64 size + u64 XXH64 */

/** Writes the stream header; returns its length (<= FMT_HEADER_MAX). */
size_t fmt_write_header(uint8_t *dst, const mdlz_config *cfg,
                        uint64_t src_size);

/** Parses a header from src[0..n). MDLZ_ERROR_TRUNCATED means "need more
 *  bytes" (n is too short); on success sets *cfg, *src_size (or
 *  MDLZ_SIZE_UNKNOWN) and *len. Validates the configuration. */
mdlz_status fmt_parse_header(const uint8_t *src, size_t n, mdlz_config *cfg,
                             uint64_t *src_size, size_t *len);

typedef struct {
    uint8_t type;
    uint32_t raw_size;     /* original bytes in the block */
    uint32_t payload_size; /* stored bytes that follow the block header */
    uint32_t checksum;     /* XXH32 (seed 0) of the original bytes */
} fmt_block;

/** Bytes of the block header that starts with type byte `type` (1 for
 *  END, whose remaining bytes belong to the trailer), or 0 if unknown. */
size_t fmt_block_header_size(uint8_t type);

/** Writes a block header; returns its length. */
size_t fmt_write_block(uint8_t *dst, const fmt_block *b);

/** Parses a complete block header of fmt_block_header_size() bytes and
 *  checks it against the stream's block size. */
mdlz_status fmt_parse_block(const uint8_t *src, fmt_block *b,
                            uint32_t block_max);

#endif
