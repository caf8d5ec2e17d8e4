/*
 * ablate.h - the ablation's handle (include/mdlz_measure.h), shared by
 * ablate.c (parameters, tools, rows, results) and ablate_run.c (one input
 * under one row: compress, check the round trip, sum).
 */
#ifndef MDLZ_MEASURE_ABLATE_H
#define MDLZ_MEASURE_ABLATE_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz_measure.h"

#define AB_COMPS_MAX 32 /* distinct components (model parts and tools) */
#define AB_LABEL_MAX 40 /* a tool's own name, in a row's name */

/* A row: what callers see, and the storage it points to. */
typedef struct {
    mdlz_ablation_row pub;
    char name[64];
    uint32_t tool_mask; /* bit i: the ablation's tool i */
    const char *tools[MDLZ_ABLATION_TOOLS_MAX];
    mdlz_component_cost comps[AB_COMPS_MAX];
    mdlz_curve_point *curve;
    size_t cap_pts;
} ab_row;

struct mdlz_ablation {
    int level;
    char *index; /* owned copy, or NULL */
    uint32_t curve_interval;
    mdlz_ablation_progress_fn progress;
    void *progress_user;
    char *tool_names[MDLZ_ABLATION_TOOLS_MAX]; /* owned: as given */
    char tool_labels[MDLZ_ABLATION_TOOLS_MAX][AB_LABEL_MAX]; /* own names */
    int tool_plugin[MDLZ_ABLATION_TOOLS_MAX]; /* 1: a plugin's path */
    size_t n_tools;
    ab_row *rows;
    mdlz_ablation_summary sum; /* sum.rows rows, sum.base the base row */
    int no_check;              /* --auto's samples: no round-trip check */
    char detail[512];          /* mdlz_ablation_error_detail() */
};

#define AB_ROWS_MAX (7 + MDLZ_ABLATION_TOOLS_MAX)

/** Adds a row for setting s (its tools must be the ablation's, by name as
 *  given: MDLZ_ERROR_TOOL otherwise); returns it, or NULL with *st set. */
ab_row *ab_add_setting(mdlz_ablation *a, const char *name,
                       const mdlz_setting *s, mdlz_status *st);

/** The setting of row r. */
mdlz_setting ab_setting(const ab_row *r);

/** Compresses data[0..len) under row r, checks the round trip and adds
 *  the payload, code costs, time and curve points to the row. Returns
 *  MDLZ_OK, or a failure with a->detail set; the row may then hold part
 *  of the input's results (the caller restores it). */
mdlz_status ab_run(mdlz_ablation *a, ab_row *r, const unsigned char *data,
                   size_t len, int size_known);

#endif
