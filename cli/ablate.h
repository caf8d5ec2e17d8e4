/*
 * ablate.h - what `mdlz ablate` measures (ablate.c) and how it reports
 * it (ablate_out.c): one configuration of the predictor per row, its
 * totals over all input files, and the curve of its cumulative code
 * length for --plot.
 */
#ifndef MDLZ_CLI_ABLATE_H
#define MDLZ_CLI_ABLATE_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz.h"
#include "mdlz_measure.h"
#include "svg.h"

#define AB_TOOLS_MAX 16 /* tools named on the command line (FMT_TOOLS_MAX) */
#define AB_COMPS_MAX 32 /* distinct components (model parts and tools) */

enum { AB_TABLE, AB_CSV, AB_JSON };

/* One configuration and, after running it, its results. */
typedef struct {
    char name[64];
    int match;      /* MDLZ_CPARAM_MATCH */
    int retrieval;  /* MDLZ_RETRIEVE_* bits; 0 = no index */
    uint32_t tools; /* bit i: tool i of ablation.tool_names */
    /* results, summed over the files */
    uint64_t payload;                        /* bytes of the compressed files */
    double seconds;                          /* compression time */
    mdlz_component_cost comps[AB_COMPS_MAX]; /* union over the files */
    size_t n_comps;
    uint64_t code;    /* sum of comps[].code_bytes */
    svg_point *curve; /* (input position, cumulative payload), --plot */
    size_t n_pts, cap_pts;
    int oom; /* a curve point could not be stored */
} ab_config;

/* One input file, read whole. */
typedef struct {
    const char *name;
    unsigned char *data;
    size_t len;
    int regular; /* size known in advance, as `mdlz FILE` records it */
} ab_input;

typedef struct {
    int level, quiet, format;
    const char *index; /* -R, or NULL */
    const char *plot;  /* --plot=FILE.svg, or NULL */
    const char *tool_names[AB_TOOLS_MAX];
    int tool_plugin[AB_TOOLS_MAX]; /* 1: a plugin path (decoder loads it) */
    char tool_labels[AB_TOOLS_MAX][40]; /* the tool's own name, for rows */
    size_t n_tools;
    ab_input *inputs;
    size_t n_inputs;
    uint64_t in_total;
    int64_t index_docs;    /* documents in the index */
    uint64_t index_stored; /* their compressed bytes */
    ab_config *configs;
    size_t n_configs, base; /* configs[base] is the reference row */
} ablation;

/* Derived figures of a row (ablate_out.c). */
typedef struct {
    uint64_t dl;   /* payload + code */
    int64_t delta; /* dl - dl of the base row */
    double delta_pct;
    uint64_t index;    /* index bytes counted (retrieval rows), else 0 */
    double per_file;   /* (dl + index) / number of files */
    int64_t breakeven; /* files from which the row beats the base; -1 never */
    double bpb, mbps;
} ab_figures;

void ab_figures_of(const ablation *ab, size_t row, ab_figures *f);

/** Prints the rows in ab->format on standard output. */
void ab_print(const ablation *ab);

/** Writes the --plot chart to ab->plot. Returns 0, or 1 after reporting
 *  an error. */
int ab_write_plot(const ablation *ab);

#endif
