/*
 * ablate_out.c - the report of `mdlz ablate` (ablate.h): the figures
 * derived from each row (DL, change against the base row, the index
 * amortized over the files, break-even collection size) printed as a
 * table, CSV or JSON, and the --plot chart.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ablate.h"
#include "fileio.h"
#include "report.h"

void ab_figures_of(const ablation *ab, size_t row, ab_figures *f) {
    const ab_config *c = &ab->configs[row], *b = &ab->configs[ab->base];
    double files = ab->n_inputs ? (double)ab->n_inputs : 1;
    uint64_t base_dl = b->payload + b->code;
    f->dl = c->payload + c->code;
    f->delta = (int64_t)f->dl - (int64_t)base_dl;
    f->delta_pct = base_dl ? 100.0 * (double)f->delta / (double)base_dl : 0;
    f->index = c->retrieval ? ab->index_stored : 0;
    f->per_file = (double)(f->dl + f->index) / files;
    /* For n files like these, a row costs code + index + n * payload per
     * file; it beats the base row from the first n where that is smaller
     * (defined only when its payload per file is smaller). */
    double saving = ((double)b->payload - (double)c->payload) / files;
    double extra = (double)c->code + (double)f->index - (double)b->code;
    f->breakeven = -1;
    if (row != ab->base && saving > 0) {
        double n = extra < 0 ? 1 : floor(extra / saving) + 1;
        if (n < 1e15) f->breakeven = (int64_t)n;
    }
    f->bpb = ab->in_total ? 8.0 * (double)c->payload / (double)ab->in_total : 0;
    f->mbps = c->seconds > 0 ? (double)ab->in_total / 1e6 / c->seconds : 0;
}

static const char *retrieval_name(int modes) {
    static const char *const names[] = {"none", "whole", "online", "both"};
    return names[modes & 3];
}

/* ---- table ---------------------------------------------------------------- */

static void print_table(const ablation *ab) {
    printf("mdlz ablate: %zu file%s, %" PRIu64 " bytes, level %d", ab->n_inputs,
           ab->n_inputs == 1 ? "" : "s", ab->in_total, ab->level);
    if (ab->index)
        printf("; index %s: %" PRId64 " documents, %" PRIu64 " bytes stored",
               ab->index, ab->index_docs, ab->index_stored);
    printf("\n%-18s %10s %6s %7s %10s %9s %8s %9s %10s %10s %7s\n", "config",
           "payload", "bpb", "code", "DL", "dDL", "dDL%", "index", "DL/file",
           "break-even", "MB/s");
    for (size_t r = 0; r < ab->n_configs; r++) {
        const ab_config *c = &ab->configs[r];
        ab_figures f;
        ab_figures_of(ab, r, &f);
        char idx[32] = "-", be[32] = "-", pct[32];
        if (c->retrieval) snprintf(idx, sizeof idx, "%" PRIu64, f.index);
        if (f.breakeven >= 0) snprintf(be, sizeof be, "%" PRId64, f.breakeven);
        snprintf(pct, sizeof pct, "%+.2f%%", f.delta_pct);
        printf("%-18s %10" PRIu64 " %6.3f %7" PRIu64 " %10" PRIu64 " %+9" PRId64
               " %8s %9s %10.0f %10s %7.2f\n",
               c->name, c->payload, f.bpb, c->code, f.dl, f.delta, pct, idx,
               f.per_file, be, f.mbps);
    }
    printf("DL = payload + code (paid once for all files); dDL against %s;\n"
           "DL/file = (DL + index) / %zu file%s; break-even: the number of "
           "files like\nthese from which DL + index falls below %s's "
           "(\"-\": payload not smaller).\n",
           ab->configs[ab->base].name, ab->n_inputs,
           ab->n_inputs == 1 ? "" : "s", ab->configs[ab->base].name);
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
static void join_tools(const ablation *ab, const ab_config *c, char *buf,
                       size_t cap) {
    buf[0] = '\0';
    for (size_t i = 0; i < ab->n_tools; i++)
        if (c->tools >> i & 1)
            snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s",
                     buf[0] ? "+" : "", ab->tool_names[i]);
}

static void join_comps(const ab_config *c, char *buf, size_t cap) {
    buf[0] = '\0';
    for (size_t i = 0; i < c->n_comps; i++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? "+" : "",
                 c->comps[i].name);
}

static void print_csv(const ablation *ab) {
    printf("config,match,retrieval,tools,components,files,input_bytes,"
           "payload_bytes,bits_per_byte,code_bytes,dl_bytes,delta_bytes,"
           "delta_percent,index_bytes,amortized_bytes_per_file,"
           "breakeven_files,compress_mb_per_s\n");
    for (size_t r = 0; r < ab->n_configs; r++) {
        const ab_config *c = &ab->configs[r];
        ab_figures f;
        ab_figures_of(ab, r, &f);
        char buf[4096];
        csv_field(c->name);
        printf(",%d,%s,", c->match, retrieval_name(c->retrieval));
        join_tools(ab, c, buf, sizeof buf);
        csv_field(buf);
        putchar(',');
        join_comps(c, buf, sizeof buf);
        csv_field(buf);
        printf(",%zu,%" PRIu64 ",%" PRIu64 ",%.4f,%" PRIu64 ",%" PRIu64
               ",%" PRId64 ",%.3f,",
               ab->n_inputs, ab->in_total, c->payload, f.bpb, c->code, f.dl,
               f.delta, f.delta_pct);
        if (c->retrieval) printf("%" PRIu64, f.index);
        printf(",%.1f,", f.per_file);
        if (f.breakeven >= 0) printf("%" PRId64, f.breakeven);
        printf(",%.3f\n", f.mbps);
    }
}

/* ---- JSON ------------------------------------------------------------------------ */

static void json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') printf("\\%c", ch);
        else if (ch < 0x20) printf("\\u%04x", ch);
        else putchar(ch);
    }
    putchar('"');
}

static void json_row(const ablation *ab, size_t r) {
    const ab_config *c = &ab->configs[r];
    ab_figures f;
    ab_figures_of(ab, r, &f);
    printf("    {\"name\": ");
    json_string(c->name);
    printf(", \"match\": %s, \"retrieval\": \"%s\", \"tools\": [",
           c->match ? "true" : "false", retrieval_name(c->retrieval));
    int first = 1;
    for (size_t i = 0; i < ab->n_tools; i++)
        if (c->tools >> i & 1) {
            printf("%s", first ? "" : ", ");
            json_string(ab->tool_names[i]);
            first = 0;
        }
    printf("],\n     \"components\": [");
    for (size_t i = 0; i < c->n_comps; i++) {
        printf("%s{\"name\": ", i ? ", " : "");
        json_string(c->comps[i].name);
        printf(", \"code_bytes\": %" PRIu64 "}", c->comps[i].code_bytes);
    }
    printf("],\n     \"payload_bytes\": %" PRIu64 ", \"bits_per_byte\": %.4f, "
           "\"code_bytes\": %" PRIu64 ", \"dl_bytes\": %" PRIu64
           ", \"delta_bytes\": %" PRId64 ", \"delta_percent\": %.3f,\n",
           c->payload, f.bpb, c->code, f.dl, f.delta, f.delta_pct);
    if (c->retrieval) printf("     \"index_bytes\": %" PRIu64, f.index);
    else printf("     \"index_bytes\": null");
    printf(", \"amortized_bytes_per_file\": %.1f, \"breakeven_files\": ",
           f.per_file);
    if (f.breakeven >= 0) printf("%" PRId64, f.breakeven);
    else printf("null");
    printf(", \"compress_mb_per_s\": %.3f, \"seconds\": %.4f}%s\n", f.mbps,
           c->seconds, r + 1 < ab->n_configs ? "," : "");
}

static void print_json(const ablation *ab) {
    printf("{\n  \"level\": %d,\n  \"files\": [", ab->level);
    for (size_t i = 0; i < ab->n_inputs; i++) {
        printf("%s{\"name\": ", i ? ", " : "");
        json_string(ab->inputs[i].name);
        printf(", \"bytes\": %zu}", ab->inputs[i].len);
    }
    printf("],\n  \"input_bytes\": %" PRIu64 ",\n  \"index\": ", ab->in_total);
    if (ab->index) {
        printf("{\"path\": ");
        json_string(ab->index);
        printf(", \"documents\": %" PRId64 ", \"stored_bytes\": %" PRIu64 "}",
               ab->index_docs, ab->index_stored);
    } else {
        printf("null");
    }
    printf(",\n  \"base\": ");
    json_string(ab->configs[ab->base].name);
    printf(",\n  \"configurations\": [\n");
    for (size_t r = 0; r < ab->n_configs; r++) json_row(ab, r);
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
    double ymax = 0;
    for (size_t r = 0; r < ab->n_configs; r++)
        if ((double)ab->configs[r].payload > ymax)
            ymax = (double)ab->configs[r].payload;
    const char *xu, *yu;
    double xs = unit_of((double)ab->in_total, &xu), ys = unit_of(ymax, &yu);
    size_t n = ab->n_configs;
    svg_series *s = calloc(n, sizeof *s);
    char(*names)[128] = calloc(n, sizeof *names);
    svg_marker *mk = calloc(ab->n_inputs, sizeof *mk);
    int rc = s && names && mk ? 0 : -1;
    for (size_t r = 0; r < n && !rc; r++) {
        const ab_config *c = &ab->configs[r];
        svg_point *p = malloc((c->n_pts ? c->n_pts : 1) * sizeof *p);
        if (!p) {
            rc = -1;
            break;
        }
        for (size_t k = 0; k < c->n_pts; k++)
            p[k] = (svg_point){c->curve[k].x / xs, c->curve[k].y / ys};
        snprintf(names[r], sizeof names[r], "%s: %" PRIu64 " bytes", c->name,
                 c->payload);
        s[r] = (svg_series){names[r], p, c->n_pts};
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
             ab->level, ab->n_inputs, ab->n_inputs == 1 ? "" : "s",
             ab->in_total, ab->n_inputs > 1 ? ", positions run on" : "");
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
    for (size_t r = 0; r < ab->n_configs; r++)
        if (ab->configs[r].oom) {
            report_error(ab->plot, "%s", strerror(ENOMEM));
            return 1;
        }
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
                ab->n_configs);
    return 0;
}
