/*
 * format.h - the container: stream header, block headers and trailer.
 * docs/format.md describes the same bytes; keep the two in step.
 */
#ifndef MDLZ_FORMAT_H
#define MDLZ_FORMAT_H

#include "config.h"
#include "varint.h"

#define FMT_MAGIC     "MDLZ"
#define FMT_VERSION   5
#define FMT_FLAG_SIZE 0x01 /* header carries the original size */
#define FMT_FLAG_EXT  0x02 /* extension records follow the header */

#define FMT_HEADER_MIN 18 /* without the optional size */
#define FMT_HEADER_MAX 26 /* with it */

/* Block types. RAW and ZSTD blocks are learned by the model after
 * decoding, as if coded; a STORE block (bytes that looked incompressible
 * before any modelling, sniff.h) is not learned at all. */
enum { BLK_END = 0, BLK_CM = 1, BLK_RAW = 2, BLK_ZSTD = 3, BLK_STORE = 4 };
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

/* ---- extension area (docs/format.md, "Extensions") -----------------------
 * After the header, when flagged: a u16 length, records of (type u8, u16
 * length, data), and an XXH32. The records say what decoding needs beyond
 * the model configuration (retrieved documents, tools, a prefix). The
 * container knows only their framing and that each type occurs once; the
 * layout of a record's data belongs to the module that writes it, declared
 * by a row of the composition root's table (system/table.c). */
#define FMT_EXT_MAX     4000 /* bytes of records */
#define FMT_RECORDS_MAX 16

typedef struct {
    uint8_t type;
    uint16_t len;
    const uint8_t *data; /* parsed: into the source; added: into store */
} fmt_record;

typedef struct {
    unsigned n;
    fmt_record rec[FMT_RECORDS_MAX];
    uint8_t store[FMT_EXT_MAX]; /* data of added records */
    size_t used;
} fmt_records;

/** An empty set of records. */
void fmt_records_init(fmt_records *r);

/** Appends a record (copied). MDLZ_ERROR_PARAM if the type is 0 or already
 *  present, or the records would exceed FMT_EXT_MAX bytes. */
mdlz_status fmt_add_record(fmt_records *r, unsigned type, const uint8_t *data,
                           size_t len);

/** The record of `type`, or NULL. */
const fmt_record *fmt_find_record(const fmt_records *r, unsigned type);

/** Writes the extension area, records in order of their type; returns its
 *  size (<= FMT_EXT_MAX + 6). */
size_t fmt_write_ext(uint8_t *dst, const fmt_records *r);

/** Parses an extension area from src[0..n) into r (whose records then
 *  point into src): MDLZ_ERROR_TRUNCATED when n is too short,
 *  MDLZ_ERROR_CORRUPT on a bad checksum, framing or repeated type. */
mdlz_status fmt_parse_ext(const uint8_t *src, size_t n, fmt_records *r,
                          size_t *len);

/** Parses the header and, if flagged, the extension area that follows
 *  (r is empty when there is none); *len covers both. */
mdlz_status fmt_parse_full(const uint8_t *src, size_t n, mdlz_config *cfg,
                           uint64_t *src_size, fmt_records *r, size_t *len);

/* Reading a record's data: every get sets `bad` instead of reading past
 * the end; a record is well formed when !bad and every byte was read. */
typedef struct {
    const uint8_t *p, *end;
    int bad;
} fmt_reader;

static inline fmt_reader fmt_reader_of(const fmt_record *r) {
    fmt_reader rd = {r->data, r->data + r->len, 0};
    return rd;
}
static inline uint32_t fmt_get_u8(fmt_reader *r) {
    if (r->p >= r->end) return r->bad = 1, 0;
    return *r->p++;
}
/* A little-endian u32 (bytes == 4) or u64 (bytes == 8). */
static inline uint64_t fmt_get_le(fmt_reader *r, int bytes) {
    if (r->end - r->p < bytes) return r->bad = 1, 0;
    uint64_t v = bytes == 8 ? rd_le64(r->p) : rd_le32(r->p);
    r->p += bytes;
    return v;
}
static inline uint64_t fmt_get_varint(fmt_reader *r) {
    return varint_get(&r->p, r->end, &r->bad);
}
static inline int fmt_reader_ok(const fmt_reader *r) {
    return !r->bad && r->p == r->end;
}

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
