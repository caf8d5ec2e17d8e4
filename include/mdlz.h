/*
 * mdlz.h - the public API of libmdlz, a context-mixing compressor.
 *
 * This header is the whole contract of the library (cf. zstd.h): opaque
 * handles with create/free pairs (free(NULL) is a no-op), one status enum
 * whose values are never renumbered or removed (only appended, as curl's
 * CURLcode), mdlz_strerror() to name them, and two ways to (de)compress:
 *
 *   one-shot:   mdlz_compress() / mdlz_decompress() on whole buffers;
 *   streaming:  mdlz_compress_stream() / mdlz_decompress_stream(), which
 *               consume input and produce output in caller-sized pieces
 *               ("push input, pull output"), in bounded memory.
 *
 * Both produce and read the same format, described in docs/format.md.
 * Every stream ends with the XXH64 checksum of the original data, and the
 * decoder verifies it: a stream that decodes to MDLZ_OK is exactly what was
 * compressed.
 */
#ifndef MDLZ_H
#define MDLZ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MDLZ_BUILDING_LIBRARY) && defined(__GNUC__)
#define MDLZ_API __attribute__((visibility("default")))
#else
#define MDLZ_API
#endif

/* ---- version ----------------------------------------------------------- */
#define MDLZ_VERSION_MAJOR 0
#define MDLZ_VERSION_MINOR 1
#define MDLZ_VERSION_PATCH 0
#define MDLZ_VERSION_NUMBER \
    (MDLZ_VERSION_MAJOR * 10000 + MDLZ_VERSION_MINOR * 100 + MDLZ_VERSION_PATCH)

/** Returns MDLZ_VERSION_NUMBER of the library actually linked. */
MDLZ_API unsigned mdlz_version_number(void);
/** Returns the version as "MAJOR.MINOR.PATCH". */
MDLZ_API const char *mdlz_version_string(void);

/* ---- status codes (append only; never renumber) ------------------------- */
typedef enum {
    MDLZ_OK = 0,
    MDLZ_ERROR_GENERIC = 1,     /* unexpected internal failure */
    MDLZ_ERROR_NOMEM = 2,       /* an allocation failed */
    MDLZ_ERROR_PARAM = 3,       /* a parameter is out of range or misused */
    MDLZ_ERROR_NOT_MDLZ = 4,    /* input does not start with the mdlz magic */
    MDLZ_ERROR_VERSION = 5,     /* format version or feature not supported */
    MDLZ_ERROR_CORRUPT = 6,     /* input is damaged (bad header or block) */
    MDLZ_ERROR_TRUNCATED = 7,   /* input ended before the stream did */
    MDLZ_ERROR_CHECKSUM = 8,    /* decoded data does not match its checksum */
    MDLZ_ERROR_MEMLIMIT = 9,    /* decoding needs more memory than allowed */
    MDLZ_ERROR_DST_SIZE = 10,   /* destination buffer too small (one-shot) */
    MDLZ_ERROR_STAGE = 11,      /* call out of order (e.g. input after end) */
    MDLZ_ERROR_TRAILING = 12    /* bytes follow the end of the stream */
} mdlz_status;

/** Returns a short, static, human-readable description of a status. */
MDLZ_API const char *mdlz_strerror(mdlz_status status);

/* ---- parameters ---------------------------------------------------------- */
#define MDLZ_LEVEL_MIN 1
#define MDLZ_LEVEL_MAX 9
#define MDLZ_LEVEL_DEFAULT 5
#define MDLZ_SIZE_UNKNOWN UINT64_MAX

typedef struct {
    int level;              /* 1..9; 0 selects MDLZ_LEVEL_DEFAULT */
    uint64_t src_size;      /* total input size if known, else MDLZ_SIZE_UNKNOWN;
                               recorded in the header, checked on decode */
    uint64_t mem_limit;     /* bytes; 0 = no limit. The level is lowered
                               (model sizes shrunk) until it fits. */
    uint32_t reserved[8];   /* must be zero (room to grow the struct) */
} mdlz_params;

/** Fills *p with defaults (level MDLZ_LEVEL_DEFAULT, size unknown). */
MDLZ_API void mdlz_params_init(mdlz_params *p);

/** Model memory (bytes) that compressing or decompressing at `level` takes. */
MDLZ_API uint64_t mdlz_level_memory(int level);

/* ---- streaming buffers (cf. ZSTD_inBuffer / ZSTD_outBuffer) -------------- */
typedef struct {
    const void *src;
    size_t size;
    size_t pos;             /* advanced by the library */
} mdlz_inbuf;

typedef struct {
    void *dst;
    size_t size;
    size_t pos;             /* advanced by the library */
} mdlz_outbuf;

/* ---- compression --------------------------------------------------------- */
typedef struct mdlz_cctx mdlz_cctx;

/** Creates a compression context. `p` may be NULL for defaults.
 *  Returns MDLZ_OK and sets *out, or MDLZ_ERROR_NOMEM / MDLZ_ERROR_PARAM. */
MDLZ_API mdlz_status mdlz_cctx_create(mdlz_cctx **out, const mdlz_params *p);
MDLZ_API void mdlz_cctx_free(mdlz_cctx *c);

/** Consumes input from `in` and writes compressed bytes to `out`.
 *  With end == 0, input may be buffered internally. With end != 0, the
 *  caller declares that `in` holds the last of the input: call again
 *  (with end != 0) until *done is set to 1, meaning the stream is complete
 *  and fully written to `out`. Returns MDLZ_OK or an error; after an error
 *  the context can only be freed. */
MDLZ_API mdlz_status mdlz_compress_stream(mdlz_cctx *c, mdlz_outbuf *out,
                                          mdlz_inbuf *in, int end, int *done);

/** Bytes processed so far: input consumed and compressed output produced. */
MDLZ_API void mdlz_cctx_progress(const mdlz_cctx *c, uint64_t *in_bytes,
                                 uint64_t *out_bytes);

/* ---- decompression ------------------------------------------------------- */
typedef struct mdlz_dctx mdlz_dctx;

/** Creates a decompression context that refuses streams whose model needs
 *  more than `mem_limit` bytes (0 = no limit). */
MDLZ_API mdlz_status mdlz_dctx_create(mdlz_dctx **out, uint64_t mem_limit);
MDLZ_API void mdlz_dctx_free(mdlz_dctx *d);

/** Consumes compressed bytes from `in` and writes decoded bytes to `out`.
 *  Sets *done to 1 once the end of the stream has been read and its
 *  checksum verified; decoding stops there (in->pos points just past the
 *  stream). If the input runs out before *done, the caller must report
 *  MDLZ_ERROR_TRUNCATED itself (only it knows there is no more input).
 *  Errors are sticky: after one, the context can only be freed. */
MDLZ_API mdlz_status mdlz_decompress_stream(mdlz_dctx *d, mdlz_outbuf *out,
                                            mdlz_inbuf *in, int *done);

/* ---- one-shot ------------------------------------------------------------ */
/** Worst-case compressed size of `src_size` input bytes. */
MDLZ_API uint64_t mdlz_compress_bound(uint64_t src_size);

/** Compresses src into dst (capacity dst_cap); sets *dst_size.
 *  Returns MDLZ_ERROR_DST_SIZE if dst is too small. */
MDLZ_API mdlz_status mdlz_compress(void *dst, size_t dst_cap, size_t *dst_size,
                                   const void *src, size_t src_size, int level);

/** Decompresses one whole stream; the input must hold exactly one stream.
 *  Returns MDLZ_ERROR_DST_SIZE if the output does not fit in dst_cap. */
MDLZ_API mdlz_status mdlz_decompress(void *dst, size_t dst_cap,
                                     size_t *dst_size, const void *src,
                                     size_t src_size, uint64_t mem_limit);

/* ---- inspection ----------------------------------------------------------- */
#define MDLZ_COMPONENTS_MAX 16

typedef struct {
    unsigned format_version;
    int level;
    uint64_t model_memory;  /* bytes the decoder will allocate */
    uint64_t src_size;      /* from the header; MDLZ_SIZE_UNKNOWN if absent */
    uint32_t block_size;    /* maximum original bytes per block */
    unsigned n_components;  /* model components the stream was coded with */
    const char *components[MDLZ_COMPONENTS_MAX]; /* static names */
    size_t header_size;     /* bytes of the stream header */
} mdlz_frame_info;

/** Parses a stream header from the first bytes of a stream (at least
 *  MDLZ_HEADER_MAX bytes, or the whole stream if shorter). */
#define MDLZ_HEADER_MAX 64
MDLZ_API mdlz_status mdlz_get_frame_info(mdlz_frame_info *info,
                                         const void *src, size_t src_size);

typedef struct {
    uint64_t src_size;      /* original bytes, from the trailer */
    uint64_t checksum;      /* XXH64 (seed 0) of the original bytes */
} mdlz_trailer_info;

/** Reads the fixed-size trailer that ends every stream from its last
 *  MDLZ_TRAILER_SIZE bytes. Does not verify the data. */
#define MDLZ_TRAILER_SIZE 17
MDLZ_API mdlz_status mdlz_get_trailer_info(mdlz_trailer_info *info,
                                           const void *tail, size_t tail_size);

/* ---- description length -------------------------------------------------- */
/* docs/description-length.md: the description of a stream is its payload
 * plus the code of every component needed to decode it. */
typedef struct {
    const char *name;    /* static: "core", "orders", "match" */
    uint64_t code_bytes; /* zstd -19 size of the component's source files */
} mdlz_component_cost;

/** Code size (zstd -19 of its sources) of each component a stream uses,
 *  from its header. Returns the count written (<= cap), or 0 on a bad
 *  header. */
MDLZ_API size_t mdlz_stream_code_costs(const void *header, size_t header_size,
                                       mdlz_component_cost *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* MDLZ_H */
