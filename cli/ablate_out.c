/*
 * ablate_out.c - the report of `mdlz ablate` (ablate.h): each row of the
 * ablation with the figures the library derives from it (DL, change
 * against the base row, the index amortized over the files, break-even
 * collection size; mdlz_ablation_row) printed as a table, CSV or JSON,
 * and the --plot chart.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ablate.h"
#include "fileio.h"
#include "json.h"
#include "report.h"
#include "svg.h"

static const char *retrieval_name(int modes) {
    static const char *const names[] = {"none", "whole", "online", "both"};
    return names[modes & 3];
}

/* ---- table ---------------------------------------------------------------- */

static void print_table(const ablation *ab) {
    const mdlz_ablation_summary *s = mdlz_ablation_summary_get(ab->a);
    printf("mdlz ablate: %zu file%s, %" PRIu64 " bytes, level %d", s->inputs,
           s->inputs == 1 ? "" : "s", s->input_bytes, s->level);
    if (s->index)
        printf("; index %s: %" PRId64 " documents, %" PRIu64 " bytes stored",
               s->index, s->index_documents, s->index_stored);
    printf("\n%-18s %10s %6s %7s %10s %9s %8s %9s %10s %10s %7s\n", "config",
           "payload", "bpb", "code", "DL", "dDL", "dDL%", "index", "DL/file",
           "break-even", "MB/s");
    for (size_t r = 0; r < s->rows; r++) {
        const mdlz_ablation_row *c = mdlz_ablation_row_get(ab->a, r);
        char idx[32] = "-", be[32] = "-", pct[32];
        if (c->retrieval) snprintf(idx, sizeof idx, "%" PRIu64, c->index_bytes);
        if (c->breakeven >= 0)
            snprintf(be, sizeof be, "%" PRId64, c->breakeven);
        snprintf(pct, sizeof pct, "%+.2f%%", c->delta_percent);
        printf("%-18s %10" PRIu64 " %6.3f %7" PRIu64 " %10" PRIu64 " %+9" PRId64
               " %8s %9s %10.0f %10s %7.2f\n",
               c->name, c->payload, c->bits_per_byte, c->code, c->dl, c->delta,
               pct, idx, c->per_file, be, c->mb_per_s);
    }
    const char *base = mdlz_ablation_row_get(ab->a, s->base)->name;
    printf("DL = payload + code (paid once for all files); dDL against %s;\n"
           "DL/file = (DL + index) / %zu file%s; break-even: the number of "
           "files like\nthese from which DL + index falls below %s's "
           "(\"-\": payload not smaller).\n",
           base, s->inputs, s->inputs == 1 ? "" : "s", base);
    if (*ab->auto_choice)
        printf("auto: what mdlz --auto chooses for these files: %s.\n",
               ab->auto_choice);
}

/* ---- CSV ------------------------------------------------------------------------ */

/* Writes a CSV field, quoted if it needs to be (RFC 4180). */
static void csv_field(const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* Joins the row's tool names (or component names) with '+'. */
static void join_tools(const mdlz_ablation_row *c, char *buf, size_t cap) {
    buf[0] = '\0';
    for (size_t i = 0; i < c->n_tools; i++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? "+" : "",
                 c->tools[i]);
}

static void join_comps(const mdlz_ablation_row *c, char *buf, size_t cap) {
    buf[0] = '\0';
    for (size_t i = 0; i < c->n_components; i++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? "+" : "",
                 c->components[i].name);
}

static void print_csv(const ablation *ab) {
    printf("config,match,retrieval,tools,components,files,input_bytes,"
           "payload_bytes,bits_per_byte,code_bytes,dl_bytes,delta_bytes,"
           "delta_percent,index_bytes,amortized_bytes_per_file,"
           "breakeven_files,compress_mb_per_s\n");
    const mdlz_ablation_summary *s = mdlz_ablation_summary_get(ab->a);
    for (size_t r = 0; r < s->rows; r++) {
        const mdlz_ablation_row *c = mdlz_ablation_row_get(ab->a, r);
        char buf[4096];
        csv_field(c->name);
        printf(",%d,%s,", c->match, retrieval_name(c->retrieval));
        join_tools(c, buf, sizeof buf);
        csv_field(buf);
        putchar(',');
        join_comps(c, buf, sizeof buf);
        csv_field(buf);
        printf(",%zu,%" PRIu64 ",%" PRIu64 ",%.4f,%" PRIu64 ",%" PRIu64
               ",%" PRId64 ",%.3f,",
               s->inputs, s->input_bytes, c->payload, c->bits_per_byte, c->code,
               c->dl, c->delta, c->delta_percent);
        if (c->retrieval) printf("%" PRIu64, c->index_bytes);
        printf(",%.1f,", c->per_file);
        if (c->breakeven >= 0) printf("%" PRId64, c->breakeven);
        printf(",%.3f\n", c->mb_per_s);
    }
}

/* ---- JSON ------------------------------------------------------------------------ */

static void json_row(const ablation *ab, size_t r, int last) {
    const mdlz_ablation_row *c = mdlz_ablation_row_get(ab->a, r);
    printf("    {\"name\": ");
    json_string(c->name);
    printf(", \"match\": %s, \"retrieval\": \"%s\", \"tools\": [",
           c->match ? "true" : "false", retrieval_name(c->retrieval));
    for (size_t i = 0; i < c->n_tools; i++) {
        printf("%s", i ? ", " : "");
        json_string(c->tools[i]);
    }
    printf("],\n     \"components\": [");
    for (size_t i = 0; i < c->n_components; i++) {
        printf("%s{\"name\": ", i ? ", " : "");
        json_string(c->components[i].name);
        printf(", \"code_bytes\": %" PRIu64 "}", c->components[i].code_bytes);
    }
    printf("],\n     \"payload_bytes\": %" PRIu64 ", \"bits_per_byte\": %.4f, "
           "\"code_bytes\": %" PRIu64 ", \"dl_bytes\": %" PRIu64
           ", \"delta_bytes\": %" PRId64 ", \"delta_percent\": %.3f,\n",
           c->payload, c->bits_per_byte, c->code, c->dl, c->delta,
           c->delta_percent);
    if (c->retrieval) printf("     \"index_bytes\": %" PRIu64, c->index_bytes);
    else printf("     \"index_bytes\": null");
    printf(", \"amortized_bytes_per_file\": %.1f, \"breakeven_files\": ",
           c->per_file);
    if (c->breakeven >= 0) printf("%" PRId64, c->breakeven);
    else printf("null");
    printf(", \"compress_mb_per_s\": %.3f, \"seconds\": %.4f}%s\n", c->mb_per_s,
           c->seconds, last ? "" : ",");
}

static void print_json(const ablation *ab) {
    const mdlz_ablation_summary *s = mdlz_ablation_summary_get(ab->a);
    printf("{\n  \"level\": %d,\n  \"files\": [", s->level);
    for (size_t i = 0; i < ab->n_inputs; i++) {
        printf("%s{\"name\": ", i ? ", " : "");
        json_string(ab->inputs[i].name);
        printf(", \"bytes\": %zu}", ab->inputs[i].len);
    }
    printf("],\n  \"input_bytes\": %" PRIu64 ",\n  \"index\": ",
           s->input_bytes);
    if (s->index) {
        printf("{\"path\": ");
        json_string(s->index);
        printf(", \"documents\": %" PRId64 ", \"stored_bytes\": %" PRIu64 "}",
               s->index_documents, s->index_stored);
    } else {
        printf("null");
    }
    printf(",\n  \"base\": ");
    json_string(mdlz_ablation_row_get(ab->a, s->base)->name);
    printf(",\n  \"configurations\": [\n");
    for (size_t r = 0; r < s->rows; r++) json_row(ab, r, r + 1 == s->rows);
    printf("  ]\n}\n");
}

void ab_print(const ablation *ab) {
    if (ab->format == AB_CSV) print_csv(ab);
    else if (ab->format == AB_JSON) print_json(ab);
    else print_table(ab);
}

/* ---- the plot --------------------------------------------------------------- */

/* A unit that keeps axis numbers short: bytes, KiB or MiB. */
static double unit_of(double max, const char **name) {
    if (max >= 10.0 * 1048576) {
        *name = "MiB";
        return 1048576;
    }
    if (max >= 10.0 * 1024) {
        *name = "KiB";
        return 1024;
    }
    *name = "bytes";
    return 1;
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* Builds the chart into `f` (a memory stream). */
static int build_svg(const ablation *ab, FILE *f) {
    const mdlz_ablation_summary *sm = mdlz_ablation_summary_get(ab->a);
    double ymax = 0;
    for (size_t r = 0; r < sm->rows; r++) {
        const mdlz_ablation_row *c = mdlz_ablation_row_get(ab->a, r);
        if ((double)c->payload > ymax) ymax = (double)c->payload;
    }
    const char *xu, *yu;
    double xs = unit_of((double)sm->input_bytes, &xu), ys = unit_of(ymax, &yu);
    size_t n = sm->rows;
    svg_series *s = calloc(n, sizeof *s);
    char(*names)[128] = calloc(n, sizeof *names);
    svg_marker *mk = calloc(ab->n_inputs, sizeof *mk);
    int rc = s && names && mk ? 0 : -1;
    for (size_t r = 0; r < n && !rc; r++) {
        const mdlz_ablation_row *c = mdlz_ablation_row_get(ab->a, r);
        svg_point *p = malloc((c->n_points ? c->n_points : 1) * sizeof *p);
        if (!p) {
            rc = -1;
            break;
        }
        for (size_t k = 0; k < c->n_points; k++)
            p[k] = (svg_point){(double)c->curve[k].in_bytes / xs,
                               (double)c->curve[k].out_bytes / ys};
        snprintf(names[r], sizeof names[r], "%s: %" PRIu64 " bytes", c->name,
                 c->payload);
        s[r] = (svg_series){names[r], p, c->n_points};
    }
    uint64_t at = 0;
    for (size_t i = 0; mk && ab->n_inputs > 1 && i < ab->n_inputs; i++) {
        mk[i] = (svg_marker){(double)at / xs, base_name(ab->inputs[i].name)};
        at += ab->inputs[i].len;
    }
    char xl[64], yl[96], sub[160];
    snprintf(xl, sizeof xl, "input position (%s)", xu);
    snprintf(yl, sizeof yl, "cumulative compressed size (%s)", yu);
    snprintf(sub, sizeof sub,
             "level %d, %zu file%s (%" PRIu64 " bytes) compressed one by one%s;"
             " lower is better",
             sm->level, ab->n_inputs, ab->n_inputs == 1 ? "" : "s",
             sm->input_bytes, ab->n_inputs > 1 ? ", positions run on" : "");
    svg_chart chart = {
        "mdlz ablate: code length along the input", sub, xl, yl, mk,
        ab->n_inputs > 1 ? ab->n_inputs : 0};
    if (!rc) rc = svg_write_lines(f, &chart, s, n);
    for (size_t r = 0; s && r < n; r++) free((void *)s[r].pts);
    free(s);
    free(names);
    free(mk);
    return rc;
}

int ab_write_plot(const ablation *ab) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc = f ? build_svg(ab, f) : -1;
    if (f && fclose(f) != 0) rc = -1;
    out_file o;
    if (rc == 0 && out_open(&o, ab->plot, 1) == 0) {
        if (out_write(&o, buf, len) != 0) {
            out_abort(&o);
            rc = -1;
        } else if (out_commit(&o, NULL, 1) != 0) {
            rc = -1;
        }
    } else {
        rc = -1;
    }
    free(buf);
    if (rc) {
        report_error(ab->plot, "%s", strerror(errno ? errno : EIO));
        return 1;
    }
    if (!ab->quiet)
        fprintf(stderr, "mdlz ablate: wrote %s (%zu lines)\n", ab->plot,
                mdlz_ablation_summary_get(ab->a)->rows);
    return 0;
}
