/*
 * mdlz_value.h - what data is worth, in mdlz's own bits (docs/value.md):
 *
 *   value:  per document of an index, its cost alone, its cost given the
 *           rest of the index (leave-one-out) and their ratio, its
 *           novelty; with held-out inputs, its utility: what the held-out
 *           set costs without it minus with the full index;
 *   select: a greedy choice of documents, within a byte budget, whose
 *           index makes a target set cheapest (`mdlz select`).
 *
 * Costs are whole streams as `mdlz -c` (with -R: both retrieval modes)
 * makes them, in bits. Leaving a document out is done in the retrieval's
 * queries (mdlz_index_select_without): they rank as an index without it
 * would, ranking statistics included, so a leave-one-out cost is what an
 * index built without the document gives. Utility re-codes only the
 * held-out inputs whose retrieval used the document; the others are taken
 * as unchanged, although the statistics without it could move their
 * choices (docs/value.md measures the difference). A handle is used by
 * one thread at a time; its rows are the library's.
 */
#ifndef MDLZ_VALUE_H
#define MDLZ_VALUE_H

#include "mdlz.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Called as the work goes: `stage` ("alone", "leave-one-out",
 *  "held-out", "re-code", "neighbours", "select"), done of total. */
typedef void (*mdlz_value_progress_fn)(void *user, const char *stage,
                                       size_t done, size_t total);

/* ---- value ---------------------------------------------------------------- */

typedef struct mdlz_value mdlz_value;

typedef struct {
    int level;                       /* 1..9; 0 selects MDLZ_LEVEL_DEFAULT */
    const char *index;               /* the index (required) */
    mdlz_value_progress_fn progress; /* NULL = none */
    void *progress_user;
    uint32_t reserved[8]; /* must be zero */
} mdlz_value_params;

MDLZ_API void mdlz_value_params_init(mdlz_value_params *p);

/** Opens the index and lists its visible documents (newest generation).
 *  MDLZ_ERROR_INDEX (cannot be read), MDLZ_ERROR_PARAM, MDLZ_ERROR_NOMEM;
 *  a one-line reason in err (may be NULL). */
MDLZ_API mdlz_status mdlz_value_create(mdlz_value **out,
                                       const mdlz_value_params *p, char *err,
                                       size_t errlen);
MDLZ_API void mdlz_value_free(mdlz_value *v);

/** Adds a held-out input (copied): its utility figures need it. */
MDLZ_API mdlz_status mdlz_value_add_heldout(mdlz_value *v, const char *name,
                                            const void *data, size_t len);

/** Measures: every document alone and given the rest; with held-out
 *  inputs, each coded with the full index (recording the documents its
 *  retrieval used) and then re-coded once without each of those (a
 *  document no held-out input used has utility 0). Returns
 *  MDLZ_OK or the first failure (mdlz_value_error_detail()). */
MDLZ_API mdlz_status mdlz_value_run(mdlz_value *v);

MDLZ_API const char *mdlz_value_error_detail(const mdlz_value *v);

typedef struct {
    int64_t id;
    const char *name;
    uint64_t hash; /* XXH3-64 of its content */
    uint64_t size;
    uint64_t bits_alone; /* its stream without an index */
    uint64_t bits_loo;   /* with the index, itself left out */
    double novelty;      /* bits_loo / bits_alone (1: nothing predicts it) */
    int64_t utility;     /* held-out bits without it - with it (> 0 helps) */
    uint32_t used_by;    /* held-out inputs whose retrieval used it */
    uint32_t fold;       /* reserved: 0 (every figure exact per document);
                            a model state trained on the index would be
                            measured per fold (docs/value.md) */
} mdlz_value_doc;

typedef struct {
    size_t docs;
    uint64_t doc_bytes, bits_alone, bits_loo;
    size_t heldout;         /* held-out inputs */
    uint64_t heldout_bytes; /* their bytes */
    uint64_t heldout_bits;  /* coded with the full index */
    int64_t utility;        /* the sum of the documents' */
    size_t recodes;         /* held-out re-codings made */
    int unused_recoded;     /* 0: held-out inputs that did not use a
                               document are not re-coded without it
                               (always, for now) */
} mdlz_value_summary;

MDLZ_API const mdlz_value_summary *mdlz_value_summary_get(const mdlz_value *v);
/** Document i (< summary->docs), in id order, or NULL. */
MDLZ_API const mdlz_value_doc *mdlz_value_doc_get(const mdlz_value *v,
                                                  size_t i);

/* ---- select --------------------------------------------------------------- */

typedef struct mdlz_select mdlz_select;

typedef struct {
    int level;           /* 1..9; 0 selects MDLZ_LEVEL_DEFAULT */
    uint64_t budget;     /* bytes of documents to select (> 0) */
    int neighbours;      /* targets a candidate is scored on: those that rank
                        it in their first `neighbours`; 0 = 6 */
    const char *scratch; /* folder of the scratch index; NULL: $TMPDIR or
                            /tmp */
    mdlz_value_progress_fn progress;
    void *progress_user;
    uint32_t reserved[8]; /* must be zero */
} mdlz_select_params;

MDLZ_API void mdlz_select_params_init(mdlz_select_params *p);

MDLZ_API mdlz_status mdlz_select_create(mdlz_select **out,
                                        const mdlz_select_params *p, char *err,
                                        size_t errlen);
MDLZ_API void mdlz_select_free(mdlz_select *s);

/** Adds a candidate document (copied). A binary one is refused as the
 *  index refuses it (MDLZ_ERROR_PARAM, the reason in the detail); one with
 *  the content of an earlier candidate is kept as a target only. */
MDLZ_API mdlz_status mdlz_select_add_candidate(mdlz_select *s, const char *name,
                                               const void *data, size_t len);

/** Adds a target (copied). Without any, the targets are the candidates. */
MDLZ_API mdlz_status mdlz_select_add_target(mdlz_select *s, const char *name,
                                            const void *data, size_t len);

/** Chooses, greedily by gain per byte with lazy re-evaluation, the
 *  candidates whose index makes the targets cheapest, within the budget.
 *  Deterministic. MDLZ_OK or the first failure. */
MDLZ_API mdlz_status mdlz_select_run(mdlz_select *s);

MDLZ_API const char *mdlz_select_error_detail(const mdlz_select *s);

typedef struct {
    size_t candidate; /* its number, in the order added */
    const char *name;
    uint64_t size;
    int64_t gain; /* target bits it saved when chosen */
} mdlz_select_pick;

typedef struct {
    size_t candidates, targets, picks;
    uint64_t picked_bytes;
    uint64_t bits_none;   /* targets, no document selected */
    uint64_t bits_picked; /* targets given the selection, as scored (each
                             target's cost when its cost last changed) */
    size_t evaluations;   /* target codings made */
} mdlz_select_summary;

MDLZ_API const mdlz_select_summary *
mdlz_select_summary_get(const mdlz_select *s);
/** Pick i (< summary->picks), in the order chosen, or NULL. */
MDLZ_API const mdlz_select_pick *mdlz_select_pick_get(const mdlz_select *s,
                                                      size_t i);

#ifdef __cplusplus
}
#endif
#endif
