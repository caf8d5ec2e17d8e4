/*
 * explain.h - `mdlz explain`: the command (explain.c: arguments, reading
 * the input, the library's explanation, writing the report) and its two
 * reports, built whole in memory: the self-contained HTML page
 * (explain_html.c, with explain_view.c for its summary) and the JSON for
 * programs (explain_json.c).
 */
#ifndef MDLZ_CLI_EXPLAIN_H
#define MDLZ_CLI_EXPLAIN_H

#include <stddef.h>

#include "mdlz_explain.h"
#include "xbuf.h"

/* What the reports are made of. */
typedef struct {
    const char *name;          /* the input, for titles */
    const unsigned char *data; /* its bytes */
    size_t len;
    const mdlz_explain *e; /* the explanation of them */
} ex_report;

/** The JSON report (docs/description-length.md, `mdlz explain`). */
void ex_json(xbuf *b, const ex_report *r);

/** The HTML report; returns 0, or -1 if deflating failed. */
int ex_html(xbuf *b, const ex_report *r);

/** The summary part of the HTML report: the description-length table, the
 *  curves (SVG) and the lists of spans. */
void ex_html_summary(xbuf *b, const ex_report *r);

/** Bits, in 1/MDLZ_EXPLAIN_ONE bit, as a double. */
static inline double ex_bits(int64_t v) { return (double)v / MDLZ_EXPLAIN_ONE; }

#endif
