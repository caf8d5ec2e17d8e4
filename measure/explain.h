/*
 * explain.h - the explanation's handle (include/mdlz_explain.h), shared by
 * explain.c (parameters, the runs, the results) and explain_probe.c (what
 * the probe records during a run: costs, sources, proposals; the spans).
 */
#ifndef MDLZ_MEASURE_EXPLAIN_H
#define MDLZ_MEASURE_EXPLAIN_H

#include "mdlz_explain.h"
#include "probe.h"

#define EX_TOOLS_MAX   16 /* tools an explanation may use */
#define EX_CONFIGS_MAX (2 + 1 + EX_TOOLS_MAX)
#define EX_COMPS_MAX   32
#define EX_NOTES_MAX   (1 + EX_TOOLS_MAX)

typedef struct {
    mdlz_explain_config pub;
    char name[64];
    const char *tools[EX_TOOLS_MAX];
    mdlz_component_cost comps[EX_COMPS_MAX];
    uint32_t *cost; /* owned: one per input byte */
} ex_config;

typedef struct {
    mdlz_explain_augmentation pub;
    char name[64];
    int32_t *saving; /* owned */
} ex_aug;

struct mdlz_explain {
    /* parameters */
    int level;
    char *index;
    unsigned modes;
    int default_tools;                 /* tools NULL: the library's rule */
    char *tools[EX_TOOLS_MAX];         /* asked: built-in names, paths */
    char tool_names[EX_TOOLS_MAX][40]; /* their own names */
    size_t n_tools;
    int attribute;
    mdlz_explain_progress_fn progress;
    void *progress_user;
    uint32_t log2q[65536]; /* log2(p) in 1/65536 bit (explain_probe.c) */
    /* results */
    mdlz_explain_summary sum;
    ex_config cfg[EX_CONFIGS_MAX];
    ex_aug aug[1 + EX_TOOLS_MAX];
    mdlz_explain_block *blocks;
    mdlz_explain_layout layout;
    mdlz_explain_document *docs;
    size_t cap_docs;
    mdlz_explain_source *sources;
    size_t cap_sources;
    mdlz_explain_proposal *props;
    size_t cap_props;
    int tool_aug[EX_TOOLS_MAX]; /* full stream's tool i -> augmentation */
    char detail[512];
};

/* A run in progress: what the probe writes to. */
typedef struct {
    mdlz_explain *e;
    ex_config *c;
    const mdlz_cctx *cctx; /* notes: the full run only; else NULL */
    uint64_t pos;          /* input bytes probed */
    int oom;
} ex_run;

/** The table of log2 (once per handle). */
void ex_init_log2(mdlz_explain *e);

/** The probe of a run (blk_probe's callbacks on an ex_run). */
blk_probe ex_probe(ex_run *r);

/** Names the documents of the sources (opens the index); MDLZ_OK or
 *  MDLZ_ERROR_INDEX / NOMEM. */
mdlz_status ex_name_documents(mdlz_explain *e);

/** Frees the results (not the parameters) and zeroes their counts. */
void ex_clear(mdlz_explain *e);

#endif
