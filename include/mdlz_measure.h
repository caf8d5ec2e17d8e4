/*
 * mdlz_measure.h - the description length (docs/description-length.md):
 * the description of a stream is its payload plus the code of every
 * component needed to decode it. The code size of each component is
 * measured at build time (zstd -19 of its source files, in a documented
 * order) and compiled into the library; this header gives the table and
 * reads, from a stream header, which components the stream needs; and
 * the ablation behind `mdlz ablate`, which measures what each component
 * earns on given inputs.
 */
#ifndef MDLZ_MEASURE_H
#define MDLZ_MEASURE_H

#include "mdlz.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *name;    /* static: "core", "orders", "match", ... */
    uint64_t raw_bytes;  /* its source files concatenated */
    uint64_t code_bytes; /* zstd -19 of that: its code size */
    unsigned n_files;    /* source files measured */
} mdlz_code_size;

/** The number of components measured. */
MDLZ_API size_t mdlz_code_size_count(void);

/** Component i (< mdlz_code_size_count()), or NULL. */
MDLZ_API const mdlz_code_size *mdlz_code_size_get(size_t i);

/** The component called `name`, or NULL. */
MDLZ_API const mdlz_code_size *mdlz_code_size_find(const char *name);

typedef struct {
    const char *name;    /* static: "core", "orders", "match", a tool ... */
    uint64_t code_bytes; /* zstd -19 size of the component's source files */
} mdlz_component_cost;

/** Code size of each component a stream needs to be decoded, read from its
 *  header (at least MDLZ_HEADER_MAX bytes of the stream, or all of it):
 *  the core, each model component it uses, and each built-in tool (a
 *  plugin's code size is in the plugin, not known from the header).
 *  Returns the count written (<= cap), or 0 on a bad header. */
MDLZ_API size_t mdlz_stream_code_costs(const void *header, size_t header_size,
                                       mdlz_component_cost *out, size_t cap);

/* ---- settings ------------------------------------------------------------ */

/* A setting of the model's optional parts, as the flags of `mdlz` make
 * it: what an ablation row, an explanation's configuration or an --auto
 * candidate is compressed with. */
typedef struct {
    int match;                /* MDLZ_CPARAM_MATCH: 1 (as mdlz) or 0 */
    unsigned retrieval;       /* MDLZ_RETRIEVE_* bits used with the index;
                                 0: no retrieval */
    const char *const *tools; /* tools consulted, always (a built-in name
                                 or a plugin's path); no default tools */
    size_t n_tools;
} mdlz_setting;

/** Applies s to a compression context before its first data: the match
 *  model, the index at `index` with s->retrieval's modes (when they are
 *  not 0; index may be NULL otherwise), each tool. Returns MDLZ_OK or the
 *  context's error (mdlz_cctx_error_detail() says more); MDLZ_ERROR_PARAM
 *  for retrieval without an index. */
MDLZ_API mdlz_status mdlz_setting_apply(mdlz_cctx *c, const mdlz_setting *s,
                                        const char *index);

/* ---- ablation: what each component earns (`mdlz ablate`) ---------------- */

/* An ablation compresses inputs under a fixed list of rows, each one
 * configuration of the predictor, exactly as `mdlz -c` with the
 * equivalent flags would compress each input on its own (known size,
 * index, retrieval modes, tools), decodes every result again and compares
 * it with the input, and sums per row: the payload, the code of the
 * components the streams need (each component once for all inputs: the
 * decoder is written once), the compression time and, if asked, the
 * cumulative code length along the input. The rows, in this order:
 *
 *   cm-only           the context model alone (MDLZ_CPARAM_MATCH = 0)
 *   default           + the match model: the base row
 *   retrieval-whole   + retrieval with MDLZ_RETRIEVE_WHOLE    (with an index)
 *   retrieval-online  + retrieval with MDLZ_RETRIEVE_ONLINE   (with an index)
 *   retrieval-both    + both modes                            (with an index)
 *   tool-NAME         default + that tool alone, for each tool
 *   all               everything at once (with an index or a tool)
 *
 * Inputs are given one at a time (mdlz_ablation_add), so a caller need
 * not hold them all in memory. Each row carries its totals and the figures
 * derived from them (docs/description-length.md), recomputed after every
 * input: description length DL = payload + code, its change against the
 * base row, the index's stored size, DL per input, the break-even
 * collection size, bits per byte and speed. `mdlz ablate` prints them.
 * A handle is used by one thread at a time. The summary and the rows are
 * the library's (callers read them through pointers), so their structs
 * only ever grow at the end. */

#define MDLZ_ABLATION_TOOLS_MAX 16 /* tools an ablation may name */

typedef struct mdlz_ablation mdlz_ablation;

/** Called before an input is compressed under a row: `input` is the number
 *  of inputs added before this one, `row` the row's index and `row_name`
 *  its name (for a progress line). */
typedef void (*mdlz_ablation_progress_fn)(void *user, size_t input, size_t row,
                                          const char *row_name);

typedef struct {
    int level;         /* 1..9; 0 selects MDLZ_LEVEL_DEFAULT */
    const char *index; /* an index (mdlz_index.h): adds the retrieval rows,
                          and its stored size is reported; NULL = none */
    const char *tools; /* built-in tools to ablate: "all" (or NULL), "none",
                          or names separated by commas */
    const char *const *plugins; /* paths of tool plugins to ablate too */
    size_t n_plugins;
    mdlz_ablation_progress_fn progress; /* NULL = none */
    void *progress_user;                /* passed to progress */
    uint32_t reserved[8];               /* must be zero */
} mdlz_ablation_params;

/** Fills *p with defaults: level MDLZ_LEVEL_DEFAULT, no index, every
 *  built-in tool, no plugin, no progress. */
MDLZ_API void mdlz_ablation_params_init(mdlz_ablation_params *p);

/** Creates an ablation: resolves the tools (a plugin is loaded to learn
 *  its name, and every tool must load before anything is compressed),
 *  plans the rows and reads the index's stored size. The parameters'
 *  strings are copied. Returns MDLZ_OK and sets *out, or (*out = NULL,
 *  a one-line reason in err, which may be NULL):
 *  MDLZ_ERROR_TOOL    a tool that is not present (a name that is not a
 *                     built-in tool, a plugin that does not load) or two
 *                     tools with the same name;
 *  MDLZ_ERROR_INDEX   the index cannot be opened or read;
 *  MDLZ_ERROR_PARAM   reserved fields not zero, level out of range, more
 *                     than MDLZ_ABLATION_TOOLS_MAX tools;
 *  MDLZ_ERROR_NOMEM. */
MDLZ_API mdlz_status mdlz_ablation_create(mdlz_ablation **out,
                                          const mdlz_ablation_params *p,
                                          char *err, size_t errlen);

/** Frees the ablation and everything its rows point to. NULL is a no-op. */
MDLZ_API void mdlz_ablation_free(mdlz_ablation *a);

/** Compresses the `len` bytes at `data` under every row, checks every
 *  round trip and adds the results to the rows. `size_known`: the size is
 *  recorded in the stream header, as `mdlz FILE` does for a regular file.
 *  Returns MDLZ_OK, or the first failure (of compressing, of decoding, or
 *  MDLZ_ERROR_GENERIC for a round trip that does not give the input back)
 *  with mdlz_ablation_error_detail() saying which row and why; after a
 *  failure the ablation is as it was before the call. */
MDLZ_API mdlz_status mdlz_ablation_add(mdlz_ablation *a, const void *data,
                                       size_t len, int size_known);

/** Adds a row named `name` (copied, at most 63 bytes shown) for the
 *  setting s, after the planned ones: e.g. the choice of mdlz_auto (the
 *  `auto` row of `mdlz ablate`). Its tools must be among the ablation's
 *  (as given: a built-in name or a plugin's path; MDLZ_ERROR_TOOL
 *  otherwise), retrieval needs the ablation's index (MDLZ_ERROR_PARAM).
 *  MDLZ_ERROR_STAGE once an input was added. */
MDLZ_API mdlz_status mdlz_ablation_add_row(mdlz_ablation *a, const char *name,
                                           const mdlz_setting *s);

/** Records the cumulative code length of every row (mdlz_ablation_row's
 *  curve): a point every `interval` input bytes (mdlz_cctx_set_trace), at
 *  the end of each block and at the end of each input; 0: none (the
 *  default). `mdlz ablate --plot` asks for about 500 points over all its
 *  inputs, at least 256 bytes apart. MDLZ_ERROR_STAGE once an input was
 *  added. */
MDLZ_API mdlz_status mdlz_ablation_set_curve(mdlz_ablation *a,
                                             uint32_t interval);

/** One line about the last failure of mdlz_ablation_add(): "ROW: STATUS"
 *  or "ROW: STATUS: DETAIL" ("default: round trip failed: ..."), or "". */
MDLZ_API const char *mdlz_ablation_error_detail(const mdlz_ablation *a);

typedef struct {
    int level;
    size_t inputs;           /* inputs added */
    uint64_t input_bytes;    /* their bytes */
    const char *index;       /* the index's path, or NULL */
    int64_t index_documents; /* documents in the index */
    /* the index's own size: its documents' stored (compressed) bytes, as
     * mdlz_index_stats() gives them */
    uint64_t index_stored;
    size_t rows; /* rows (mdlz_ablation_row_get) */
    size_t base; /* the base row ("default") */
} mdlz_ablation_summary;

/** The ablation's totals, valid (and kept current) until it is freed. */
MDLZ_API const mdlz_ablation_summary *
mdlz_ablation_summary_get(const mdlz_ablation *a);

typedef struct {
    uint64_t in_bytes;  /* input bytes coded, over all inputs so far */
    uint64_t out_bytes; /* compressed bytes written for them */
} mdlz_curve_point;

typedef struct {
    /* the configuration */
    const char *name;         /* "cm-only", "default", "tool-calc", ... */
    int match;                /* MDLZ_CPARAM_MATCH */
    unsigned retrieval;       /* MDLZ_RETRIEVE_* bits; 0 = no index */
    const char *const *tools; /* the tools it uses, as given (a built-in
                                 name or a plugin's path) */
    size_t n_tools;
    /* sums over the inputs */
    uint64_t payload; /* bytes of the compressed inputs */
    double seconds;   /* compressing (context, index, coding; not the
                         round-trip check) */
    const mdlz_component_cost *components; /* each once, in order of use */
    size_t n_components;
    uint64_t code;                 /* sum of their code_bytes */
    const mdlz_curve_point *curve; /* the cumulative code length
                                      (mdlz_ablation_set_curve); positions
                                      run on over the inputs */
    size_t n_points;
    /* derived figures */
    uint64_t dl;          /* payload + code */
    int64_t delta;        /* dl - the base row's dl */
    double delta_percent; /* 100 * delta / the base row's dl (0 if that is) */
    uint64_t index_bytes; /* index_stored for a row with retrieval, else 0 */
    double per_file;      /* (dl + index_bytes) / inputs (1 if none) */
    /* break-even: the fewest inputs like these from which the row costs
     * less than the base row, counting code + index_bytes + n * (payload
     * per input) for n inputs; -1 if its payload is not smaller (and for
     * the base row) */
    int64_t breakeven;
    double bits_per_byte; /* 8 * payload / input bytes (0 if none) */
    double mb_per_s;      /* input bytes / 1e6 / seconds (0 if no time) */
} mdlz_ablation_row;

/** Row i (< summary->rows) or NULL. The row is kept current and valid
 *  until mdlz_ablation_free(); its curve pointer may change with every
 *  mdlz_ablation_add(). */
MDLZ_API const mdlz_ablation_row *mdlz_ablation_row_get(const mdlz_ablation *a,
                                                        size_t i);

/* ---- --auto: minimum description length selection ------------------------ */

/* mdlz_auto chooses, for all the inputs of one call, the setting (the
 * match model on or off, a retrieval mode or none, each tool on or off)
 * that minimizes their description length: the payloads plus the code of
 * the components the setting uses, counted once for the call (the code is
 * shared by everything a decoder reads; docs/description-length.md).
 *
 * Sample. Inputs are given one at a time and a part of them is kept
 * (mdlz_auto_want): the first input, then inputs of up to MDLZ_AUTO_PIECE
 * bytes whole whenever the bytes taken of those fall behind 1/sample_div
 * of the bytes seen; of a larger input its first max(MDLZ_AUTO_PIECE,
 * size / sample_div) bytes. The rule reads sizes only, so the same inputs
 * give the same sample (and a single input of up to MDLZ_AUTO_PIECE
 * bytes, or sample_div 1, measures everything).
 *
 * Choice. mdlz_auto_choose() compresses the sample under the rows of an
 * ablation (mdlz_ablation, without its round-trip check): cm-only,
 * default, each retrieval mode (with an index), each tool alone. A row's
 * payload for all the inputs is its payload on the sample scaled by input
 * bytes / sampled bytes. Assuming the savings add up, every combination
 * (match on/off x retrieval mode x subset of the tools) is predicted; when
 * the best prediction combines two parts or more it is compressed on the
 * sample too and becomes a candidate. The candidate with the smallest
 * objective is chosen (the default on a tie). Sizes only, no timing: the
 * choice is deterministic. */

#define MDLZ_AUTO_PIECE ((size_t)16 << 10)

typedef struct mdlz_auto mdlz_auto;

typedef enum {
    MDLZ_AUTO_DL = 0,  /* payload + code (the default) */
    MDLZ_AUTO_SIZE = 1 /* payload alone (`--auto=size`) */
} mdlz_auto_objective;

typedef struct {
    int level;                  /* 1..9; 0 selects MDLZ_LEVEL_DEFAULT */
    const char *index;          /* with an index, retrieval is a candidate */
    const char *tools;          /* candidate tools: "all" (or NULL: every
                                   built-in tool), "none", or names */
    const char *const *plugins; /* plugins as candidate tools */
    size_t n_plugins;
    int objective;       /* mdlz_auto_objective */
    uint64_t amortize;   /* > 0: the code counts once per `amortize` inputs,
                          so a call on fewer pays that share of it */
    uint32_t sample_div; /* 0: 8 */
    mdlz_ablation_progress_fn progress; /* NULL = none */
    void *progress_user;
    uint32_t reserved[8]; /* must be zero */
} mdlz_auto_params;

/** Fills *p with the defaults (level MDLZ_LEVEL_DEFAULT, every built-in
 *  tool a candidate, MDLZ_AUTO_DL, sample_div 8). */
MDLZ_API void mdlz_auto_params_init(mdlz_auto_params *p);

/** Creates it (errors as mdlz_ablation_create()). */
MDLZ_API mdlz_status mdlz_auto_create(mdlz_auto **out,
                                      const mdlz_auto_params *p, char *err,
                                      size_t errlen);
MDLZ_API void mdlz_auto_free(mdlz_auto *a);

/** How many leading bytes of the next input, of `size` bytes, the sample
 *  takes (0: none), so that a caller reads no more than that. */
MDLZ_API size_t mdlz_auto_want(const mdlz_auto *a, uint64_t size);

/** The next input of the call: `size` bytes, of which the first `len`
 *  are at data (len >= mdlz_auto_want(a, size), or all of it); the part
 *  the sample takes is copied. MDLZ_ERROR_PARAM if len is short,
 *  MDLZ_ERROR_STAGE after mdlz_auto_choose(). */
MDLZ_API mdlz_status mdlz_auto_add(mdlz_auto *a, const void *data, size_t len,
                                   uint64_t size);

/** Measures the candidates on the sample and chooses. Returns MDLZ_OK or
 *  the failure, with mdlz_auto_error_detail(). */
MDLZ_API mdlz_status mdlz_auto_choose(mdlz_auto *a);

MDLZ_API const char *mdlz_auto_error_detail(const mdlz_auto *a);

typedef struct {
    const char *name;        /* a row's ("default", "tool-seq") or, for a
                             combination, its parts joined by '+'
                             ("retrieval-whole+tool-seq") */
    mdlz_setting setting;    /* what it compresses with */
    uint64_t sample_payload; /* its payload on the sample */
    uint64_t payload; /* for all the inputs: sample_payload x input bytes /
                         sampled bytes (exact when all was sampled) */
    uint64_t code;    /* the code of its components, each once */
    double dl;        /* the objective: payload + code x its weight (1;
                         inputs / amortize under it; 0 for MDLZ_AUTO_SIZE) */
} mdlz_auto_candidate;

/** Candidate i (< mdlz_auto_candidates()), after mdlz_auto_choose(). */
MDLZ_API size_t mdlz_auto_candidates(const mdlz_auto *a);
MDLZ_API const mdlz_auto_candidate *mdlz_auto_candidate_get(const mdlz_auto *a,
                                                            size_t i);

/** The candidate chosen (its index), after mdlz_auto_choose(). */
MDLZ_API size_t mdlz_auto_choice(const mdlz_auto *a);

/** Sample bytes and input bytes seen. */
MDLZ_API void mdlz_auto_sample(const mdlz_auto *a, uint64_t *sampled,
                               uint64_t *total);

/** The `auto` row of `mdlz ablate`: lets mdlz_auto choose a setting for
 *  the inputs data[i][0..len[i]) (i < n) with the ablation's level, index
 *  and tools as candidates, and adds it as the row "auto"
 *  (mdlz_ablation_add_row). The chosen candidate's name goes to
 *  choice[0..cap) when choice is not NULL. MDLZ_ERROR_STAGE once an input
 *  was added; a failure leaves mdlz_ablation_error_detail() set. */
MDLZ_API mdlz_status mdlz_ablation_add_auto(mdlz_ablation *a,
                                            const void *const *data,
                                            const size_t *len, size_t n,
                                            char *choice, size_t cap);

/** Sets up a context with the chosen setting (mdlz_setting_apply with the
 *  index given). MDLZ_ERROR_STAGE before mdlz_auto_choose(). */
MDLZ_API mdlz_status mdlz_auto_apply(const mdlz_auto *a, mdlz_cctx *c);

#ifdef __cplusplus
}
#endif
#endif
