/*
 * ablate.h - `mdlz ablate`: the command's arguments and inputs (ablate.c)
 * around the library's ablation (mdlz_ablation, include/mdlz_measure.h),
 * which measures the rows and derives their figures, and the report of
 * its rows as a table, CSV or JSON and as the --plot chart (ablate_out.c).
 */
#ifndef MDLZ_CLI_ABLATE_H
#define MDLZ_CLI_ABLATE_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz.h"
#include "mdlz_measure.h"

enum { AB_TABLE, AB_CSV, AB_JSON };

/* One input file, read whole (data freed once it has been measured). */
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
    ab_input *inputs;
    size_t n_inputs;
    mdlz_ablation *a; /* the measurement */
    char auto_choice[256]; /* what the auto row is (mdlz_auto's name) */
} ablation;

/** Prints the rows in ab->format on standard output. */
void ab_print(const ablation *ab);

/** Writes the --plot chart to ab->plot. Returns 0, or 1 after reporting
 *  an error. */
int ab_write_plot(const ablation *ab);

#endif
