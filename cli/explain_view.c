/*
 * explain_view.c - the summary on top of the `mdlz explain` page: the
 * description-length table of the configurations the explanation ran
 * (payload + code of the components; the index apart, as `mdlz ablate`
 * shows it), the cumulative code length of each along the input (inline
 * SVG), how the full stream stores its blocks, and the costliest spans
 * and the spans where each augmentation saved most, linked into the text.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

#define CURVE_POINTS 400 /* per configuration */
#define SPAN_WIDTH   48  /* bytes per listed span */
#define SPANS_COST   10
#define SPANS_SAVED  5

/* Okabe & Ito's colour-blind-safe palette (2008). */
static const char *const colour[] = {"#000000", "#e69f00", "#56b4e9",
                                     "#009e73", "#0072b2", "#d55e00",
                                     "#cc79a7", "#f0e442"};

static void dl_table(xbuf *b, const mdlz_explain *e) {
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    const mdlz_explain_config *full = mdlz_explain_config_get(e, 0);
    xb_str(b, "<h2>Description length</h2>\n<table class=\"dl\"><tr>"
              "<th>configuration</th><th>payload</th><th>code</th><th>DL</th>"
              "<th>DL &minus; full</th><th>index</th><th>components "
              "(code bytes)</th></tr>\n");
    for (size_t i = 0; i < s->configs; i++) {
        const mdlz_explain_config *c = mdlz_explain_config_get(e, i);
        xb_str(b, "<tr><td>");
        xb_html(b, c->name, strlen(c->name));
        xb_printf(
            b,
            "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64
            "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%+" PRId64
            "</td><td class=\"n\">",
            c->payload, c->code, c->dl, (int64_t)c->dl - (int64_t)full->dl);
        if (c->index_bytes) xb_printf(b, "%" PRIu64, c->index_bytes);
        else xb_str(b, "-");
        xb_str(b, "</td><td>");
        for (size_t k = 0; k < c->n_components; k++)
            xb_printf(b, "%s%s %" PRIu64, k ? ", " : "", c->components[k].name,
                      c->components[k].code_bytes);
        xb_str(b, "</td></tr>\n");
    }
    xb_str(b, "</table>\n<p class=\"note\">DL = payload + code of the "
              "components the stream needs (zstd -19 of their sources, paid "
              "once for all the files a decoder reads). The index is the "
              "stored size of the documents of the retrieval index: not "
              "added to DL, as it may be shared knowledge.");
    for (size_t a = 0; a < s->augmentations; a++) {
        const mdlz_explain_augmentation *g =
            mdlz_explain_augmentation_get(e, a);
        xb_str(b, a ? "; " : " Payload saved: ");
        xb_html(b, g->name, strlen(g->name));
        xb_printf(b, " %+" PRId64 " bytes (%.0f bits of code length)",
                  g->payload_saved, ex_bits(g->total));
    }
    xb_str(b, s->augmentations ? ".</p>\n" : "</p>\n");
}

static void curves(xbuf *b, const mdlz_explain *e) {
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    uint64_t n = s->input_bytes;
    if (!n) return;
    double ymax = 1;
    for (size_t i = 0; i < s->configs; i++) {
        double y = (double)mdlz_explain_config_get(e, i)->model_cost /
                   MDLZ_EXPLAIN_ONE / 8;
        if (y > ymax) ymax = y;
    }
    const double x0 = 60, x1 = 620, y0 = 230, y1 = 12;
    xb_str(b, "<div><h2>Cumulative code length</h2>\n<svg class=\"curves\" "
              "xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" "
              "height=\"270\" viewBox=\"0 0 640 270\" role=\"img\" "
              "aria-label=\"cumulative code length of each configuration\">\n");
    xb_printf(b,
              "<path d=\"M%.0f %.0fV%.0fH%.0f\" fill=\"none\" "
              "stroke=\"#888\"/>\n<text x=\"%.0f\" y=\"248\" "
              "font-size=\"11\">0</text><text x=\"%.0f\" y=\"248\" "
              "font-size=\"11\" text-anchor=\"end\">%" PRIu64
              " input bytes</text>\n<text x=\"%.0f\" y=\"%.0f\" "
              "font-size=\"11\" text-anchor=\"end\">%.0f</text><text "
              "x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
              "text-anchor=\"end\">0</text>\n",
              x0, y1, y0, x1, x0, x1, n, x0 - 4, y1 + 8, ymax, x0 - 4, y0);
    for (size_t i = 0; i < s->configs; i++) {
        const mdlz_explain_config *c = mdlz_explain_config_get(e, i);
        xb_printf(b,
                  "<polyline fill=\"none\" stroke=\"%s\" "
                  "stroke-width=\"1.5\" points=\"",
                  colour[i % 8]);
        uint64_t acc = 0, at = 0;
        for (int k = 0; k <= CURVE_POINTS; k++) {
            uint64_t to = n * (uint64_t)k / CURVE_POINTS;
            while (at < to) acc += c->cost[at++];
            double y = (double)acc / MDLZ_EXPLAIN_ONE / 8;
            xb_printf(b, "%s%.1f,%.1f", k ? " " : "",
                      x0 + (x1 - x0) * (double)to / (double)n,
                      y0 - (y0 - y1) * y / ymax);
        }
        xb_str(b, "\"><title>");
        xb_html(b, c->name, strlen(c->name));
        xb_printf(b, ": %.0f bytes</title></polyline>\n",
                  (double)c->model_cost / MDLZ_EXPLAIN_ONE / 8);
        xb_printf(b,
                  "<rect x=\"%.0f\" y=\"%zu\" width=\"10\" height=\"3\" "
                  "fill=\"%s\"/><text x=\"%.0f\" y=\"%zu\" "
                  "font-size=\"11\">",
                  x0 + 10, 20 + 14 * i, colour[i % 8], x0 + 24, 24 + 14 * i);
        xb_html(b, c->name, strlen(c->name));
        xb_str(b, "</text>\n");
    }
    xb_str(b, "<text x=\"340\" y=\"265\" font-size=\"11\" "
              "text-anchor=\"middle\">bytes of code length (the model's) "
              "against input bytes</text></svg></div>\n");
}

static void blocks_line(xbuf *b, const mdlz_explain *e) {
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    size_t kind[5] = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < s->blocks; i++) {
        unsigned k = mdlz_explain_block_get(e, i)->kind;
        kind[k <= 4 ? k : 0]++;
    }
    xb_printf(b,
              "<p class=\"note\">The full stream: %zu block(s): %zu coded by "
              "the model, %zu stored raw, %zu with zstd (a stored block's "
              "bytes cost what the model says here, but the stream keeps "
              "them stored), %zu incompressible (stored unmodelled: 8 bits "
              "a byte).</p>\n",
              s->blocks, kind[1], kind[2], kind[3], kind[4]);
}

static void span_list(xbuf *b, const ex_report *r, int which, size_t max) {
    mdlz_explain_span sp[SPANS_COST];
    size_t k = mdlz_explain_spans(r->e, which, SPAN_WIDTH, sp, max);
    if (!k) {
        xb_str(b, "<p class=\"note\">none</p>\n");
        return;
    }
    xb_str(b, "<ol class=\"spans\">\n");
    for (size_t i = 0; i < k; i++) {
        xb_printf(b,
                  "<li><a href=\"#b%" PRIu64 "\">bytes %" PRIu64 "-%" PRIu64
                  "</a>: %.1f bits (%.2f per byte) <code>",
                  sp[i].pos, sp[i].pos, sp[i].pos + sp[i].len - 1,
                  ex_bits(sp[i].value), ex_bits(sp[i].value) / sp[i].len);
        xb_html(b, (const char *)r->data + sp[i].pos, sp[i].len);
        xb_str(b, "</code></li>\n");
    }
    xb_str(b, "</ol>\n");
}

void ex_html_summary(xbuf *b, const ex_report *r) {
    const mdlz_explain *e = r->e;
    const mdlz_explain_summary *s = mdlz_explain_summary_get(e);
    const mdlz_explain_config *full = mdlz_explain_config_get(e, 0);
    xb_str(b, "<h1>mdlz explain: ");
    xb_html(b, r->name, strlen(r->name));
    xb_printf(b,
              "</h1>\n<p>%" PRIu64 " bytes at level %d: %" PRIu64
              " bytes compressed (%.3f bits per byte); the model's code "
              "length %.0f bytes",
              s->input_bytes, s->level, full->payload,
              s->input_bytes
                  ? 8.0 * (double)full->payload / (double)s->input_bytes
                  : 0.0,
              ex_bits((int64_t)s->model_cost) / 8);
    if (s->index) {
        xb_str(b, "; index ");
        xb_html(b, s->index, strlen(s->index));
        xb_printf(b, " (%" PRId64 " documents, %" PRIu64 " bytes stored)",
                  s->index_documents, s->index_stored);
    }
    xb_str(b, ".</p>\n<div class=\"summary\"><div>\n");
    dl_table(b, e);
    blocks_line(b, e);
    xb_str(b, "</div>\n");
    curves(b, e);
    xb_str(b, "</div>\n<div class=\"summary\"><div><h2>Costliest spans</h2>\n");
    span_list(b, r, -1, SPANS_COST);
    xb_str(b, "</div>\n");
    for (size_t a = 0; a < s->augmentations; a++) {
        const char *n = mdlz_explain_augmentation_get(e, a)->name;
        xb_str(b, "<div><h2>Where ");
        xb_html(b, n, strlen(n));
        xb_str(b, " saved most</h2>\n");
        span_list(b, r, (int)a, SPANS_SAVED);
        xb_str(b, "</div>\n");
    }
    xb_str(b, "</div>\n");
}
