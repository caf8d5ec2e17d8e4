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
#define MDLZ_VERSION_NUMBER                                                    \
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
    MDLZ_ERROR_TRAILING = 12,   /* bytes follow the end of the stream */
    MDLZ_ERROR_NEED_INDEX = 13, /* the stream was made with a retrieval index */
    MDLZ_ERROR_INDEX = 14, /* index unusable, or a document missing/changed */
    MDLZ_ERROR_TOOL = 15,  /* a tool is missing, fails, or differs */
    MDLZ_ERROR_PREFIX = 16 /* the stream's prefix is missing or differs */
    /* append only: values never change */
} mdlz_status;

/** Returns a short, static, human-readable description of a status. */
MDLZ_API const char *mdlz_strerror(mdlz_status status);

/* ---- parameters ---------------------------------------------------------- */
#define MDLZ_LEVEL_MIN     1
#define MDLZ_LEVEL_MAX     9
#define MDLZ_LEVEL_DEFAULT 5
#define MDLZ_SIZE_UNKNOWN  UINT64_MAX

typedef struct {
    int level;            /* 1..9; 0 selects MDLZ_LEVEL_DEFAULT */
    uint64_t src_size;    /* total input size if known, else MDLZ_SIZE_UNKNOWN;
                               recorded in the header, checked on decode */
    uint64_t mem_limit;   /* bytes; 0 = no limit. The level is lowered
                               (model sizes shrunk) until it fits. */
    uint32_t reserved[8]; /* must be zero (room to grow the struct) */
} mdlz_params;

/** Fills *p with defaults (level MDLZ_LEVEL_DEFAULT, size unknown). */
MDLZ_API void mdlz_params_init(mdlz_params *p);

/** Model memory (bytes) that compressing or decompressing at `level` takes. */
MDLZ_API uint64_t mdlz_level_memory(int level);

/* ---- streaming buffers (cf. ZSTD_inBuffer / ZSTD_outBuffer) -------------- */
typedef struct {
    const void *src;
    size_t size;
    size_t pos; /* advanced by the library */
} mdlz_inbuf;

typedef struct {
    void *dst;
    size_t size;
    size_t pos; /* advanced by the library */
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

/** The model the context will use: its level (lower than asked when a
 *  memory limit made it so) and the bytes it allocates (either side). */
MDLZ_API void mdlz_cctx_get_model(const mdlz_cctx *c, int *level,
                                  uint64_t *memory);

/** Bytes processed so far: input consumed and compressed output produced. */
MDLZ_API void mdlz_cctx_progress(const mdlz_cctx *c, uint64_t *in_bytes,
                                 uint64_t *out_bytes);

/* ---- augmentations (call after create, before the first data) ----------- */
typedef enum {
    /* 1 (default) / 0: the match model over the coded history (0 is for
     * ablation) */
    MDLZ_CPARAM_MATCH = 1,
    /* MDLZ_RETRIEVE_* bits used with an index (default: both) */
    MDLZ_CPARAM_RETRIEVAL = 2,
    /* 1: also consult the default tools (mdlz_default_tools()) when the
     * input is known to be at least 64 KiB or of unknown size, as the mdlz
     * command does without --tools; 0 (default): only the tools added,
     * which are always consulted */
    MDLZ_CPARAM_DEFAULT_TOOLS = 3,
    /* Threads (0: one per online core; default 1). An input larger than a
     * segment (a size fixed by the level), or of unknown size, is cut into
     * segments, each coded by a model of its own (docs/format.md,
     * "Segments"); threads code them at once, both ways. The stream is the
     * same for any number of threads. mem_limit bounds them all together
     * (fewer threads when it must): each takes mdlz_cctx_get_model()'s
     * memory and two segments of buffers. Streams with retrieval are not
     * cut. */
    MDLZ_CPARAM_THREADS = 4,
    /* For tests and measurements: segments of 2^value bytes (18..30; 0:
     * the level's), of blocks of a quarter of one. */
    MDLZ_CPARAM_SEGMENT_LOG = 5
} mdlz_cparam;

/** Sets a compression parameter. MDLZ_ERROR_STAGE once data was given,
 *  MDLZ_ERROR_PARAM for an unknown parameter or value. */
MDLZ_API mdlz_status mdlz_cctx_set_param(mdlz_cctx *c, mdlz_cparam param,
                                         int value);

/* Retrieval (docs/retrieval.md): documents of an index built with
 * `mdlz index` are text the model may predict from. WHOLE: the encoder
 * picks documents for the whole input (its first block) and records them
 * in the header. ONLINE: both sides query the index from recent text at
 * fixed points while coding; the header records the index generation
 * (number and history hash) the queries see. */
#define MDLZ_RETRIEVE_WHOLE  1u
#define MDLZ_RETRIEVE_ONLINE 2u

/** Compresses against the index at `path` (opened read-only, kept open
 *  until the context is freed). MDLZ_ERROR_INDEX if it cannot be used
 *  (mdlz_cctx_error_detail() says why). */
MDLZ_API mdlz_status mdlz_cctx_set_index(mdlz_cctx *c, const char *path);

/* Tools (include/mdlz_tool.h, docs/tools.md): small predictors the model
 * consults, e.g. "calc" proposes the result after "12 * 7 =". A stream
 * records the tools it used (name, version, code hash); decoding needs
 * the same ones. */

/** Uses a tool: a built-in name ("calc"), or a path to a plugin (a name
 *  with a '/', loaded with dlopen). MDLZ_ERROR_TOOL if it is unknown or
 *  fails to load (mdlz_cctx_error_detail() says why). */
MDLZ_API mdlz_status mdlz_cctx_add_tool(mdlz_cctx *c, const char *name);

/** The default tools (MDLZ_CPARAM_DEFAULT_TOOLS), as a static list of
 *  names separated by commas: "seq". Chosen by measurement (docs/tools.md):
 *  each pays for its code on data of any kind. */
MDLZ_API const char *mdlz_default_tools(void);

/** Names of the built-in tools (static strings); returns their count and
 *  writes up to cap of them. */
MDLZ_API size_t mdlz_builtin_tools(const char **names, size_t cap);

/* Tool descriptions (struct mdlz_tool, include/mdlz_tool.h) for programs
 * that list or measure tools (`mdlz tools`, `mdlz ablate`). */
struct mdlz_tool;

/** The built-in tool called `name` (a static description), or NULL. */
MDLZ_API const struct mdlz_tool *mdlz_tool_builtin(const char *name);

/** A tool plugin loaded and checked exactly as compression would load it
 *  (dlopen, ABI version, fields); MDLZ_ERROR_VERSION, MDLZ_ERROR_PARAM or
 *  MDLZ_ERROR_NOMEM with a one-line reason in err. */
typedef struct mdlz_plugin mdlz_plugin;
MDLZ_API mdlz_status mdlz_plugin_open(mdlz_plugin **out, const char *path,
                                      char *err, size_t errlen);
/** The plugin's tool description, valid until mdlz_plugin_close(). */
MDLZ_API const struct mdlz_tool *mdlz_plugin_tool(const mdlz_plugin *p);
MDLZ_API void mdlz_plugin_close(mdlz_plugin *p);

/** Reports progress: fn(user, input bytes, compressed bytes so far) every
 *  `interval` input bytes (and at the end of each block). For plotting
 *  the code length along the input (mdlz ablate --plot). */
typedef void (*mdlz_trace_fn)(void *user, uint64_t in_bytes,
                              uint64_t out_bytes);
MDLZ_API mdlz_status mdlz_cctx_set_trace(mdlz_cctx *c, uint32_t interval,
                                         mdlz_trace_fn fn, void *user);

/** One line saying more about the last error than mdlz_strerror() (which
 *  document is missing, why the index failed), or "" if nothing more. */
MDLZ_API const char *mdlz_cctx_error_detail(const mdlz_cctx *c);

/* ---- decompression ------------------------------------------------------- */
typedef struct mdlz_dctx mdlz_dctx;

/* Decoding refuses a stream that needs more memory than a limit (the
 * model, a retrieval session, ...), before allocating it, as zstd refuses
 * windows over 128 MiB unless told: by default MDLZ_DECODE_MEMORY_DEFAULT,
 * above what any level needs with a retrieval session. */
#define MDLZ_DECODE_MEMORY_DEFAULT ((uint64_t)2 << 30)
#define MDLZ_MEMORY_UNLIMITED      UINT64_MAX /* a mem_limit that sets none */

/** Creates a decompression context that refuses streams needing more
 *  than `mem_limit` bytes (0 = MDLZ_DECODE_MEMORY_DEFAULT,
 *  MDLZ_MEMORY_UNLIMITED = no limit): MDLZ_ERROR_MEMLIMIT, with the need
 *  in mdlz_dctx_error_detail() and mdlz_dctx_memory_needed(). */
MDLZ_API mdlz_status mdlz_dctx_create(mdlz_dctx **out, uint64_t mem_limit);

typedef enum {
    /* Threads decoding a stream's segments at once (0: one per online
     * core; default 1); the memory limit bounds them all together. */
    MDLZ_DPARAM_THREADS = 1
} mdlz_dparam;

/** Sets a decompression parameter before the first input.
 *  MDLZ_ERROR_STAGE once input was given, MDLZ_ERROR_PARAM for an
 *  unknown parameter or value. */
MDLZ_API mdlz_status mdlz_dctx_set_param(mdlz_dctx *d, mdlz_dparam param,
                                         int value);

/** Bytes the stream being decoded needs (the model and what its
 *  retrieval and tools use), known once its header was read; else 0. */
MDLZ_API uint64_t mdlz_dctx_memory_needed(const mdlz_dctx *d);
MDLZ_API void mdlz_dctx_free(mdlz_dctx *d);

/** Consumes compressed bytes from `in` and writes decoded bytes to `out`.
 *  Sets *done to 1 once the end of the stream has been read and its
 *  checksum verified; decoding stops there (in->pos points just past the
 *  stream). If the input runs out before *done, the caller must report
 *  MDLZ_ERROR_TRUNCATED itself (only it knows there is no more input).
 *  Errors are sticky: after one, the context can only be freed. */
MDLZ_API mdlz_status mdlz_decompress_stream(mdlz_dctx *d, mdlz_outbuf *out,
                                            mdlz_inbuf *in, int *done);

/** References a prefix (as zstd's ZSTD_CCtx_refPrefix): before coding,
 *  the model learns the `len` bytes at `prefix`, so input that resembles
 *  them codes smaller. Nothing of the prefix is stored; the stream records
 *  its length and XXH64, and decoding needs the same bytes
 *  (mdlz_dctx_ref_prefix). The buffer is read when the stream header is
 *  made and must stay valid until then; with an index, the prefix is
 *  learned before the retrieved text. MDLZ_ERROR_STAGE once data was given. */
MDLZ_API mdlz_status mdlz_cctx_ref_prefix(mdlz_cctx *c, const void *prefix,
                                          size_t len);

/** The prefix a stream was compressed with (mdlz_cctx_ref_prefix), read
 *  when the header has been parsed; it must stay valid until then. A
 *  stream with a prefix fails with MDLZ_ERROR_PREFIX without it or when
 *  its length or hash differs; a prefix given for a stream without one is
 *  ignored. */
MDLZ_API mdlz_status mdlz_dctx_ref_prefix(mdlz_dctx *d, const void *prefix,
                                          size_t len);

/** The index a stream made with retrieval needs (see mdlz_cctx_set_index).
 *  Without it such a stream fails with MDLZ_ERROR_NEED_INDEX. */
MDLZ_API mdlz_status mdlz_dctx_set_index(mdlz_dctx *d, const char *path);

/** Makes a tool plugin (a path, see mdlz_cctx_add_tool) available to
 *  decode streams that used it; built-in tools are always available. */
MDLZ_API mdlz_status mdlz_dctx_add_tool(mdlz_dctx *d, const char *path);

/** As mdlz_cctx_error_detail(), for decompression. */
MDLZ_API const char *mdlz_dctx_error_detail(const mdlz_dctx *d);

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
    uint64_t model_memory; /* bytes the decoder will allocate */
    uint64_t src_size;     /* from the header; MDLZ_SIZE_UNKNOWN if absent */
    uint32_t block_size;   /* maximum original bytes per block */
    unsigned n_components; /* model components the stream was coded with */
    const char *components[MDLZ_COMPONENTS_MAX]; /* static names */
    size_t header_size; /* bytes of the stream header (with extensions) */
    unsigned retrieval; /* MDLZ_RETRIEVE_* bits the stream used, 0 = none */
    int64_t index_generation; /* ONLINE: generation of the index queried */
    uint64_t index_history;   /* ONLINE: its history hash */
    uint64_t primed_bytes;    /* retrieved bytes the model learned first */
    unsigned n_docs;          /* documents recorded (mdlz_get_frame_docs) */
    unsigned n_tools;         /* tools recorded */
    uint64_t prefix_size;     /* bytes of the prefix it needs (ref_prefix) */
    uint64_t segment_size;    /* each segment's bytes (a model of its own,
                                 MDLZ_CPARAM_THREADS), 0: not segmented */
} mdlz_frame_info;

/** Parses a stream header from the first bytes of a stream (at least
 *  MDLZ_HEADER_MAX bytes, or the whole stream if shorter). */
#define MDLZ_HEADER_MAX 4096
MDLZ_API mdlz_status mdlz_get_frame_info(mdlz_frame_info *info, const void *src,
                                         size_t src_size);

typedef struct {
    uint64_t hash; /* XXH3-64 of its content, top 48 bits (low 16 bits 0):
                      with the size, how the index finds it */
    uint64_t size; /* its size in bytes */
} mdlz_docref;

/** The documents recorded in a stream header (WHOLE retrieval), best
 *  match last. Returns the count written (<= cap). */
MDLZ_API size_t mdlz_get_frame_docs(mdlz_docref *out, size_t cap,
                                    const void *src, size_t src_size);

/** The i-th tool recorded in a stream header: copies its name (NUL
 *  terminated, truncated to cap) and sets *version. MDLZ_ERROR_PARAM if
 *  there is no such tool. */
MDLZ_API mdlz_status mdlz_get_frame_tool(const void *src, size_t src_size,
                                         unsigned i, char *name, size_t cap,
                                         uint32_t *version);

typedef struct {
    uint64_t src_size; /* original bytes, from the trailer */
    uint64_t checksum; /* XXH64 (seed 0) of the original bytes */
} mdlz_trailer_info;

/** Reads the fixed-size trailer that ends every stream from its last
 *  MDLZ_TRAILER_SIZE bytes. Does not verify the data. */
#define MDLZ_TRAILER_SIZE 17
MDLZ_API mdlz_status mdlz_get_trailer_info(mdlz_trailer_info *info,
                                           const void *tail, size_t tail_size);

#ifdef __cplusplus
}
#endif
#endif /* MDLZ_H */
