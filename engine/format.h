/*
 * format.h - the container: stream header, block headers and trailer.
 * docs/format.md describes the same bytes; keep the two in step.
 */
#ifndef MDLZ_FORMAT_H
#define MDLZ_FORMAT_H

#include "config.h"

#define FMT_MAGIC     "MDLZ"
#define FMT_VERSION   2
#define FMT_FLAG_SIZE 0x01 /* header carries the original size */
#define FMT_FLAG_EXT  0x02 /* extension records follow the header */

#define FMT_HEADER_MIN 18 /* without the optional size */
#define FMT_HEADER_MAX 26 /* with it */

enum { BLK_END = 0, BLK_CM = 1, BLK_RAW = 2, BLK_ZSTD = 3 };
#define BLK_HEADER_MAX   13 /* type + raw size + payload size + XXH32 */
#define FMT_TRAILER_SIZE 17 /* type END + u64 size + u64 XXH64 */

/** Writes the stream header; returns its length (<= FMT_HEADER_MAX).
 *  has_ext: an extension area (fmt_write_ext) will follow. */
size_t fmt_write_header(uint8_t *dst, const mdlz_config *cfg, uint64_t src_size,
                        int has_ext);

/** Parses a header from src[0..n). MDLZ_ERROR_TRUNCATED means "need more
 *  bytes" (n is too short); on success sets *cfg, *src_size (or
 *  MDLZ_SIZE_UNKNOWN), *has_ext and *len. Validates the configuration. */
mdlz_status fmt_parse_header(const uint8_t *src, size_t n, mdlz_config *cfg,
                             uint64_t *src_size, int *has_ext, size_t *len);

typedef struct fmt_ext fmt_ext;

/** Parses the header and, if flagged, the extension area that follows
 *  (ext is zeroed when there is none); *len covers both. */
mdlz_status fmt_parse_full(const uint8_t *src, size_t n, mdlz_config *cfg,
                           uint64_t *src_size, fmt_ext *ext, size_t *len);

/* Extension area: what decoding needs beyond the model configuration
 * (retrieved documents, tools). docs/format.md, "Extensions". */
#define FMT_EXT_MAX       4000 /* bytes of records */
#define FMT_DOCS_MAX      64
#define FMT_TOOLS_MAX     16
#define FMT_TOOL_NAME_MAX 31

typedef struct {
    char name[FMT_TOOL_NAME_MAX + 1];
    uint32_t version;
    uint32_t hash32; /* low 32 bits of the tool's code hash */
} fmt_tool;

struct fmt_ext {
    unsigned ret_modes;   /* MDLZ_RETRIEVE_* bits; 0 = no retrieval */
    int64_t ret_gen;      /* index generation queried (ONLINE) */
    uint64_t ret_hist;    /* its history hash (ONLINE) */
    uint64_t prime_bytes; /* retrieved bytes the model learns first */
    unsigned n_docs;
    mdlz_docref docs[FMT_DOCS_MAX];
    unsigned n_tools;
    fmt_tool tools[FMT_TOOLS_MAX];
    int has_prefix; /* the model first learned a caller's prefix */
    uint64_t prefix_len;
    uint64_t prefix_hash; /* its XXH64 */
};

/** Writes the extension area (u16 length, records, XXH32); returns its
 *  size (<= FMT_EXT_MAX + 6). */
size_t fmt_write_ext(uint8_t *dst, const fmt_ext *e);

/** Parses an extension area from src[0..n): MDLZ_ERROR_TRUNCATED when n is
 *  too short, MDLZ_ERROR_CORRUPT / MDLZ_ERROR_VERSION on bad records. */
mdlz_status fmt_parse_ext(const uint8_t *src, size_t n, fmt_ext *e,
                          size_t *len);

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
