/*
 * svg.h - a minimal chart writer for `mdlz ablate --plot` (lines) and
 * `mdlz value --plot` (a scatter of named points): axes with
 * round tick values, a light grid, axis labels, a title, optional
 * vertical markers (e.g. where each input file starts), one <path> per
 * series and a legend. Plain SVG 1.1 text, no dependency, readable in any
 * browser. Each series is exactly one <path> element; everything else
 * (axes, grid, markers, legend swatches) is <line>, <rect> or <text>.
 */
#ifndef MDLZ_CLI_SVG_H
#define MDLZ_CLI_SVG_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    double x, y;
} svg_point;

/** One line of the chart: points in increasing x (data units). */
typedef struct {
    const char *name; /* legend text (escaped when written) */
    const svg_point *pts;
    size_t n;
} svg_series;

/** A vertical marker at x, labelled (e.g. a file boundary). */
typedef struct {
    double x;
    const char *label;
} svg_marker;

typedef struct {
    const char *title;
    const char *subtitle; /* may be NULL */
    const char *xlabel, *ylabel;
    const svg_marker *markers; /* may be NULL */
    size_t n_markers;
} svg_chart;

/** Writes the chart to f. Both axes start at 0; x ends at the largest x,
 *  y at a round value at or above the largest y. Returns 0, or -1 if a
 *  write failed (check ferror(f) / errno). */
int svg_write_lines(FILE *f, const svg_chart *chart, const svg_series *s,
                    size_t n_series);

/** A point of a scatter chart; labelled points are drawn larger and
 *  named next to them (outliers). */
typedef struct {
    double x, y;
    const char *label; /* NULL: not named */
    const char *title; /* tooltip (NULL: the label) */
} svg_mark;

/** Writes a scatter chart to f: both axes from a round value at or below
 *  their smallest value (or 0) to one at or above their largest (or 0),
 *  a zero line when y goes below 0. Returns 0, or -1 if a write failed. */
int svg_write_scatter(FILE *f, const svg_chart *chart, const svg_mark *m,
                      size_t n);

#endif
