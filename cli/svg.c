/*
 * svg.c - the line-chart writer of svg.h. Layout in pixels: the plot area
 * is PLOT_W x PLOT_H at (LEFT, TOP); the legend sits to its right. Data
 * coordinates map linearly from [0, axis max] to the plot area, y upward.
 */
#include "svg.h"

#include <math.h>
#include <string.h>

#define LEFT     90.0
#define TOP      64.0
#define PLOT_W   620.0
#define PLOT_H   400.0
#define LEGEND_X (LEFT + PLOT_W + 24.0)
#define LEGEND_W 250.0
#define ROW_H    20.0
#define TICKS    6 /* about this many intervals per axis */

/* Tableau 10: distinct, colour-blind friendly; dashes after the tenth. */
static const char *const palette[] = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#555555"};
#define PALETTE_N (sizeof palette / sizeof palette[0])

/* Writes text with the five XML special characters escaped. */
static void put_escaped(FILE *f, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            /* Control characters are not allowed in XML 1.0 text. */
            fputc((unsigned char)*s < 0x20 ? '?' : *s, f);
        }
    }
}

/* A round step (1, 2 or 5 times a power of ten) giving about TICKS
 * intervals up to max. */
static double nice_step(double max) {
    if (!(max > 0)) return 1;
    double raw = max / TICKS, p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* The axes run from min to max (0 to max for line charts). */
typedef struct {
    double xmin, xmax, ymin, ymax, xstep, ystep;
} scale;

static double px(const scale *sc, double x) {
    return LEFT + (x - sc->xmin) / (sc->xmax - sc->xmin) * PLOT_W;
}

static double py(const scale *sc, double y) {
    return TOP + PLOT_H - (y - sc->ymin) / (sc->ymax - sc->ymin) * PLOT_H;
}

static void axes(FILE *f, const scale *sc, const svg_chart *c) {
    /* Grid and ticks. The small epsilon keeps the last round tick. */
    for (double i = ceil(sc->xmin / sc->xstep - 1e-9);
         i * sc->xstep <= sc->xmax + fabs(sc->xmax) * 1e-9; i++) {
        double x = i * sc->xstep;
        fprintf(
            f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#e5e5e5\"/>\n"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
            px(sc, x), TOP, px(sc, x), TOP + PLOT_H, px(sc, x),
            TOP + PLOT_H + 18, x);
    }
    for (double i = ceil(sc->ymin / sc->ystep - 1e-9);
         i * sc->ystep <= sc->ymax + fabs(sc->ymax) * 1e-9; i++) {
        double y = i * sc->ystep;
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#e5e5e5\"/>\n"
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                LEFT, py(sc, y), LEFT + PLOT_W, py(sc, y), LEFT - 8,
                py(sc, y) + 4, y);
    }
    /* The axes themselves. */
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#000\"/>\n"
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#000\"/>\n",
            LEFT, TOP + PLOT_H, LEFT + PLOT_W, TOP + PLOT_H, LEFT, TOP, LEFT,
            TOP + PLOT_H);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
            LEFT + PLOT_W / 2, TOP + PLOT_H + 44);
    put_escaped(f, c->xlabel);
    fprintf(f,
            "</text>\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
            "transform=\"rotate(-90 %.1f %.1f)\">",
            LEFT - 60, TOP + PLOT_H / 2, LEFT - 60, TOP + PLOT_H / 2);
    put_escaped(f, c->ylabel);
    fputs("</text>\n", f);
}

static void markers(FILE *f, const scale *sc, const svg_chart *c) {
    for (size_t i = 0; i < c->n_markers; i++) {
        double x = px(sc, c->markers[i].x);
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#999\" stroke-dasharray=\"2,3\"/>\n"
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#666\" "
                "transform=\"rotate(-90 %.1f %.1f)\" text-anchor=\"end\">",
                x, TOP, x, TOP + PLOT_H, x + 11, TOP + 4, x + 11, TOP + 4);
        put_escaped(f, c->markers[i].label);
        fputs("</text>\n", f);
    }
}

static void series(FILE *f, const scale *sc, const svg_series *s, size_t i) {
    const char *dash = i >= PALETTE_N ? " stroke-dasharray=\"7,3\"" : "";
    fprintf(f,
            "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s "
            "d=\"M%.1f %.1f",
            palette[i % PALETTE_N], dash, px(sc, 0), py(sc, 0));
    for (size_t k = 0; k < s->n; k++)
        fprintf(f, " L%.1f %.1f", px(sc, s->pts[k].x), py(sc, s->pts[k].y));
    fputs("\"><title>", f);
    put_escaped(f, s->name);
    fputs("</title></path>\n", f);
}

static void legend(FILE *f, const svg_series *s, size_t n) {
    fprintf(f,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "fill=\"#fff\" stroke=\"#ccc\"/>\n",
            LEGEND_X - 8, TOP, LEGEND_W, ROW_H * (double)n + 12);
    for (size_t i = 0; i < n; i++) {
        double y = TOP + 16 + ROW_H * (double)i;
        const char *dash = i >= PALETTE_N ? " stroke-dasharray=\"7,3\"" : "";
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"%s\" stroke-width=\"3\"%s/>\n"
                "<text x=\"%.1f\" y=\"%.1f\">",
                LEGEND_X, y - 4, LEGEND_X + 24, y - 4, palette[i % PALETTE_N],
                dash, LEGEND_X + 32, y);
        put_escaped(f, s[i].name);
        fputs("</text>\n", f);
    }
}

/* The document's start: size, background, title and subtitle. */
static void head(FILE *f, const svg_chart *c, double width, double height) {
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
            "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
            "<text x=\"%.1f\" y=\"24\" font-size=\"16\" font-weight=\"bold\">",
            width, height, width, height, LEFT);
    put_escaped(f, c->title);
    fputs("</text>\n", f);
    if (c->subtitle) {
        fprintf(f, "<text x=\"%.1f\" y=\"44\" fill=\"#555\">", LEFT);
        put_escaped(f, c->subtitle);
        fputs("</text>\n", f);
    }
}

/* One axis from its data range: round ends around it (0 included). */
static void fit_axis(double lo, double hi, double *min, double *max,
                     double *step) {
    if (lo > 0) lo = 0;
    if (hi < 0) hi = 0;
    if (!(hi - lo > 0)) hi = lo + 1;
    *step = nice_step(hi - lo);
    *min = floor(lo / *step) * *step;
    *max = ceil(hi / *step) * *step;
}

int svg_write_scatter(FILE *f, const svg_chart *c, const svg_mark *m,
                      size_t n) {
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    for (size_t i = 0; i < n; i++) {
        x0 = fmin(x0, m[i].x), x1 = fmax(x1, m[i].x);
        y0 = fmin(y0, m[i].y), y1 = fmax(y1, m[i].y);
    }
    scale sc;
    fit_axis(x0, x1, &sc.xmin, &sc.xmax, &sc.xstep);
    fit_axis(y0, y1, &sc.ymin, &sc.ymax, &sc.ystep);
    head(f, c, LEFT + PLOT_W + 40, TOP + PLOT_H + 64);
    axes(f, &sc, c);
    markers(f, &sc, c);
    if (sc.ymin < 0) /* the zero line: helps above, hurts below */
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#888\"/>\n",
                LEFT, py(&sc, 0), LEFT + PLOT_W, py(&sc, 0));
    for (size_t i = 0; i < n; i++) {
        double x = px(&sc, m[i].x), y = py(&sc, m[i].y);
        fprintf(f,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\" "
                "fill-opacity=\"0.7\"><title>",
                x, y, m[i].label ? "4" : "3",
                m[i].label ? palette[2] : palette[0]);
        put_escaped(f, m[i].title ? m[i].title : m[i].label);
        fputs("</title></circle>\n", f);
        if (!m[i].label) continue;
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">", x + 6,
                y - 4);
        put_escaped(f, m[i].label);
        fputs("</text>\n", f);
    }
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}

int svg_write_lines(FILE *f, const svg_chart *c, const svg_series *s,
                    size_t n) {
    scale sc = {0, 0, 0, 0, 1, 1};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < s[i].n; k++) {
            if (s[i].pts[k].x > sc.xmax) sc.xmax = s[i].pts[k].x;
            if (s[i].pts[k].y > sc.ymax) sc.ymax = s[i].pts[k].y;
        }
    sc.xstep = nice_step(sc.xmax);
    sc.ystep = nice_step(sc.ymax);
    /* x ends where the data does (ticks up to it); y at a round value. */
    if (!(sc.xmax > 0)) sc.xmax = 1;
    sc.ymax = sc.ymax > 0 ? ceil(sc.ymax / sc.ystep) * sc.ystep : 1;

    double legend_h = TOP + ROW_H * (double)n + 40;
    double width = LEGEND_X + LEGEND_W;
    double height = TOP + PLOT_H + 64 > legend_h ? TOP + PLOT_H + 64 : legend_h;
    head(f, c, width, height);
    axes(f, &sc, c);
    markers(f, &sc, c);
    for (size_t i = 0; i < n; i++) series(f, &sc, &s[i], i);
    legend(f, s, n);
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}
