/*
 * mdlz_explain.h - where the bits went (`mdlz explain`,
 * docs/description-length.md): the exact code length of every byte of an
 * input under the model, what each augmentation (retrieval, each tool)
 * saved on every byte, the document and offset retrieval predicted each
 * byte from and each tool's proposal.
 *
 * An explanation compresses one input as `mdlz -c` with the same settings
 * would (the "full" configuration), with a probe on the coder: the cost of
 * a byte is the sum over its 8 bits of -log2 of the probability the coder
 * was given for the bit that occurred, in 1/65536 bit (MDLZ_EXPLAIN_ONE),
 * computed with integers only (a binary logarithm by repeated squaring,
 * 16 fraction bits, rounded down). The stream is the same with or without
 * the probe. Then, for each augmentation the full stream used, the input
 * is compressed again without it: the saving of an augmentation on a byte
 * is its cost without minus its cost with, from real runs of the model
 * (not an estimate); positions align byte for byte because every run
 * codes the same input. With two augmentations or more, a last run
 * without any ("base") gives the description length of the plain model.
 * The cost of the whole model-coded input is within a few bytes per block
 * of the blocks' payload (the coder's flush); a block the model could not
 * shrink is stored raw or with zstd (mdlz_explain_block says which), and
 * its bytes then cost what the model says but the stream stores them
 * otherwise.
 *
 * Handles are opaque, used by one thread at a time; what the getters
 * return is the handle's and valid until the next mdlz_explain_run() or
 * mdlz_explain_free(). Structs returned only ever grow at the end.
 */
#ifndef MDLZ_EXPLAIN_H
#define MDLZ_EXPLAIN_H

#include "mdlz_measure.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Costs and savings are in 1/MDLZ_EXPLAIN_ONE bit. */
#define MDLZ_EXPLAIN_ONE 65536

typedef struct mdlz_explain mdlz_explain;

/** Called before each run: `run` counts from 0, `runs` is the number of
 *  runs planned so far (it grows once the full run says which
 *  augmentations it used), `name` the configuration's. */
typedef void (*mdlz_explain_progress_fn)(void *user, size_t run, size_t runs,
                                         const char *name);

typedef struct {
    int level;          /* 1..9; 0 selects MDLZ_LEVEL_DEFAULT */
    const char *index;  /* retrieval index (mdlz_index.h), or NULL */
    unsigned retrieval; /* MDLZ_RETRIEVE_* modes with an index; 0: both */
    const char *tools;  /* as `mdlz --tools`: NULL for the default tools
                             (left out of inputs under 64 KiB), "none",
                             "all" or names separated by commas */
    const char *const *plugins; /* tool plugins to use too */
    size_t n_plugins;
    int attribute; /* 1 (the default): a run without each augmentation;
                      0: the full run only (no savings) */
    mdlz_explain_progress_fn progress; /* NULL = none */
    void *progress_user;
    uint32_t reserved[8]; /* must be zero */
} mdlz_explain_params;

/** Fills *p with the defaults: level MDLZ_LEVEL_DEFAULT, no index, the
 *  default tools, attribution on. */
MDLZ_API void mdlz_explain_params_init(mdlz_explain_params *p);

/** Creates an explanation; the parameters' strings are copied. Tools
 *  named must be present and plugins must load (MDLZ_ERROR_TOOL), the
 *  index must open (MDLZ_ERROR_INDEX), reserved fields must be zero and
 *  the level in range (MDLZ_ERROR_PARAM); a one-line reason in err (may
 *  be NULL). */
MDLZ_API mdlz_status mdlz_explain_create(mdlz_explain **out,
                                         const mdlz_explain_params *p,
                                         char *err, size_t errlen);

/** Frees it and all it returned. NULL is a no-op. */
MDLZ_API void mdlz_explain_free(mdlz_explain *e);

/** Explains the `len` bytes at `data` (kept by the caller; not read after
 *  the call), replacing the previous results. `size_known`: the size is
 *  recorded in the stream header, as `mdlz FILE` does for a regular file
 *  (it decides, among others, whether the default tools take part).
 *  Returns MDLZ_OK or the first failure, with mdlz_explain_error_detail(). */
MDLZ_API mdlz_status mdlz_explain_run(mdlz_explain *e, const void *data,
                                      size_t len, int size_known);

/** One line about the last failure ("CONFIG: STATUS: DETAIL"), or "". */
MDLZ_API const char *mdlz_explain_error_detail(const mdlz_explain *e);

typedef struct {
    int level;               /* the level the streams were made at */
    uint64_t input_bytes;    /* bytes explained */
    size_t configs;          /* runs (mdlz_explain_config_get): the full
                                configuration first */
    size_t augmentations;    /* mdlz_explain_augmentation_get() */
    size_t blocks;           /* of the full stream */
    size_t documents;        /* retrieval sources named */
    size_t sources;          /* runs of bytes predicted from a document */
    size_t proposals;        /* tool proposals */
    uint64_t model_cost;     /* sum of the full configuration's costs */
    const char *index;       /* the index's path, or NULL */
    int64_t index_documents; /* documents in the index */
    uint64_t index_stored;   /* its stored bytes (mdlz_index_stats) */
} mdlz_explain_summary;

MDLZ_API const mdlz_explain_summary *
mdlz_explain_summary_get(const mdlz_explain *e);

typedef struct {
    const char *name;     /* "full", "without retrieval", "without seq",
                              "base" */
    mdlz_setting setting; /* what it was compressed with */
    uint64_t payload;     /* bytes of its stream */
    const mdlz_component_cost *components; /* the code it needs */
    size_t n_components;
    uint64_t code;        /* their sum */
    uint64_t dl;          /* payload + code */
    uint64_t index_bytes; /* index_stored if it used retrieval, else 0 */
    const uint32_t *cost; /* per input byte, in 1/MDLZ_EXPLAIN_ONE bit */
    uint64_t model_cost;  /* their sum */
    double seconds;       /* compressing it, the probe included */
} mdlz_explain_config;

/** Configuration i (< summary->configs), or NULL. */
MDLZ_API const mdlz_explain_config *
mdlz_explain_config_get(const mdlz_explain *e, size_t i);

typedef struct {
    const char *name;      /* "retrieval", or a tool's name */
    size_t config;         /* the configuration without it */
    const int32_t *saving; /* per input byte: its cost without minus its
                              cost with, in 1/MDLZ_EXPLAIN_ONE bit */
    int64_t total;         /* their sum */
    int64_t payload_saved; /* the payload without minus the payload with */
} mdlz_explain_augmentation;

/** Augmentation i (< summary->augmentations), or NULL. */
MDLZ_API const mdlz_explain_augmentation *
mdlz_explain_augmentation_get(const mdlz_explain *e, size_t i);

typedef enum {
    MDLZ_BLOCK_MODEL = 1, /* coded by the model */
    MDLZ_BLOCK_RAW = 2,   /* stored as it is */
    MDLZ_BLOCK_ZSTD = 3,  /* stored with zstd */
    MDLZ_BLOCK_STORE = 4  /* incompressible: stored, not modelled (its
                             bytes cost 8 bits each and teach nothing) */
} mdlz_block_kind;

typedef struct {
    uint64_t start;       /* first input byte */
    uint32_t size;        /* input bytes */
    mdlz_block_kind kind; /* how the full stream stores it */
    uint32_t payload;     /* its stored bytes, its header not included */
    uint32_t header;      /* bytes of its header */
    uint64_t model_cost;  /* its bytes' costs (1/MDLZ_EXPLAIN_ONE bit) */
} mdlz_explain_block;

/** Block i of the full stream (< summary->blocks), or NULL. The stream is
 *  its header (header_bytes of mdlz_explain_layout), the blocks, each a
 *  header and its payload, and the trailer. */
MDLZ_API const mdlz_explain_block *mdlz_explain_block_get(const mdlz_explain *e,
                                                          size_t i);

typedef struct {
    uint64_t header;  /* stream header and extension records */
    uint64_t trailer; /* MDLZ_TRAILER_SIZE */
} mdlz_explain_layout;

/** The full stream's bytes outside its blocks. */
MDLZ_API mdlz_explain_layout mdlz_explain_layout_get(const mdlz_explain *e);

typedef struct {
    int64_t id;       /* in the index */
    const char *name; /* its name or URL in the index */
} mdlz_explain_document;

/** Document i (< summary->documents), or NULL. */
MDLZ_API const mdlz_explain_document *
mdlz_explain_document_get(const mdlz_explain *e, size_t i);

typedef struct {
    uint64_t pos;      /* first input byte of the run */
    uint32_t len;      /* bytes, each predicted by the retrieval match
                          model from the next byte of the document */
    uint32_t document; /* mdlz_explain_document_get() index */
    uint64_t offset;   /* where the first one is in the document */
} mdlz_explain_source;

/** Source run i (< summary->sources, in order of position), or NULL. */
MDLZ_API const mdlz_explain_source *
mdlz_explain_source_get(const mdlz_explain *e, size_t i);

/** The source run covering input byte pos, or NULL (binary search). */
MDLZ_API const mdlz_explain_source *
mdlz_explain_source_at(const mdlz_explain *e, uint64_t pos);

#define MDLZ_EXPLAIN_PROPOSAL_MAX 16 /* proposed bytes kept */

typedef struct {
    uint64_t pos;  /* the input byte it was made for */
    uint32_t tool; /* the augmentation (mdlz_explain_augmentation_get)
                          of the tool */
    uint32_t len;  /* bytes proposed */
    uint8_t bytes[MDLZ_EXPLAIN_PROPOSAL_MAX]; /* the first of them */
} mdlz_explain_proposal;

/** Proposal i (< summary->proposals, in order of position), or NULL. */
MDLZ_API const mdlz_explain_proposal *
mdlz_explain_proposal_get(const mdlz_explain *e, size_t i);

typedef struct {
    uint64_t pos;  /* first byte */
    uint32_t len;  /* bytes */
    int64_t value; /* their total cost or saving (1/MDLZ_EXPLAIN_ONE bit) */
} mdlz_explain_span;

/** The spans of `width` bytes (at most; shorter at the end) with the
 *  largest totals, not overlapping, largest first: of the full cost
 *  (which = -1) or of augmentation `which`'s saving. Writes up to cap
 *  and returns the count (0 for a bad `which` or width). */
MDLZ_API size_t mdlz_explain_spans(const mdlz_explain *e, int which,
                                   uint32_t width, mdlz_explain_span *out,
                                   size_t cap);

#ifdef __cplusplus
}
#endif
#endif
