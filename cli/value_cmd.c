/*
 * value_cmd.c - `mdlz value KB.db [--heldout FILE|DIR...]`: what each
 * document of an index is worth (the library's mdlz_value,
 * include/mdlz_value.h; docs/value.md): its bits alone, given the rest of
 * the index, their ratio (novelty) and, with held-out inputs, its utility.
 * Output: a table of the ten most and least valuable documents with the
 * totals, or every document as CSV or JSON; --plot draws novelty against
 * utility with the outliers named (svg.h).
 * Exit status: 0 success, 1 data or I/O error, 2 usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "inputs.h"
#include "mdlz_value.h"
#include "report.h"
#include "subcmd.h"
#include "svg.h"

#define SHOWN 10 /* rows at each end of the table */
#define NAMED 6  /* outliers named at each end of the plot */

enum { FMT_TABLE, FMT_CSV, FMT_JSON };

typedef struct {
    const char *index, *plot;
    int level, format, quiet, help;
    input_list held;
    mdlz_value *v;
    const mdlz_value_doc **order; /* most valuable first */
} value_cmd;

static void print_help(void) {
    printf("Usage: mdlz value [OPTION]... KB.db [--heldout FILE|DIR...]\n"
           "What each document of the index is worth, in bits as mdlz codes:\n"
           "its size, its bits alone (no index), its bits given the rest of\n"
           "the index (leave-one-out) and their ratio, its novelty; with\n"
           "--heldout, its utility: the held-out files' bits without it minus\n"
           "with the full index (> 0: it helps). A document is left out of\n"
           "retrieval as if the index did not hold it (ranking statistics\n"
           "too); only held-out files whose retrieval used it are re-coded.\n"
           "Totals at the bottom.\n"
           "\n"
           "Options:\n"
           "  -1 .. -9            compression level (default %d)\n"
           "      --heldout P...  held-out files or folders (every argument\n"
           "                      after it, up to the next option)\n"
           "      --format=FMT    table (default: the ten most and least\n"
           "                      valuable), csv or json (every document)\n"
           "      --plot=FILE.svg novelty against utility, outliers named\n"
           "                      (needs --heldout)\n"
           "  -q, --quiet         no progress on standard error\n"
           "  -h, --help          print this help and exit\n",
           MDLZ_LEVEL_DEFAULT);
}

static int usage(const char *what, const char *arg) {
    return report_usage("value", what, arg);
}

static int parse(value_cmd *c, int argc, char **argv, const char ***held,
                 size_t *n_held) {
    int in_held = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            if (in_held) (*held)[(*n_held)++] = a;
            else if (!c->index) c->index = a;
            else return usage("unexpected argument", a);
            continue;
        }
        in_held = 0;
        if (!strcmp(a, "--heldout")) in_held = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) c->help = 1;
        else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) c->quiet = 1;
        else if (a[1] >= '1' && a[1] <= '9' && !a[2]) c->level = a[1] - '0';
        else if (!strncmp(a, "--plot=", 7) && a[7]) c->plot = a + 7;
        else if (!strcmp(a, "--format=table")) c->format = FMT_TABLE;
        else if (!strcmp(a, "--format=csv")) c->format = FMT_CSV;
        else if (!strcmp(a, "--format=json")) c->format = FMT_JSON;
        else return usage("unknown option", a);
    }
    if (c->help) return 0;
    if (!c->index) return usage("no index given", NULL);
    if (c->plot && !*n_held) return usage("--plot needs --heldout", NULL);
    return 0;
}

/* ---- ranking ------------------------------------------------------------------ */

/* Most valuable first: by novelty, ties by id. */
static int cmp_novelty(const void *pa, const void *pb) {
    const mdlz_value_doc *a = *(const mdlz_value_doc *const *)pa;
    const mdlz_value_doc *b = *(const mdlz_value_doc *const *)pb;
    if (a->novelty != b->novelty) return a->novelty > b->novelty ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* With held-out inputs: by utility first. */
static int cmp_utility(const void *pa, const void *pb) {
    const mdlz_value_doc *a = *(const mdlz_value_doc *const *)pa;
    const mdlz_value_doc *b = *(const mdlz_value_doc *const *)pb;
    if (a->utility != b->utility) return a->utility > b->utility ? -1 : 1;
    return cmp_novelty(pa, pb);
}

/* ---- output ------------------------------------------------------------------- */

static void row(const mdlz_value_doc *d) {
    printf("%6lld %10llu %11llu %11llu %7.4f %11lld %4u  %s\n",
           (long long)d->id, (unsigned long long)d->size,
           (unsigned long long)d->bits_alone, (unsigned long long)d->bits_loo,
           d->novelty, (long long)d->utility, d->used_by, d->name);
}

static void print_table(const value_cmd *c, const mdlz_value_summary *s) {
    printf("index %s: %zu documents, %llu bytes; level %d\n", c->index, s->docs,
           (unsigned long long)s->doc_bytes, c->level);
    printf("leave-one-out: retrieval as an index without the document "
           "would rank (exact); utility re-codes the held-out files that "
           "used it, the others taken as unchanged\n");
    if (s->heldout)
        printf("held-out: %zu files, %llu bytes, %llu bits with the full "
               "index; %zu re-codings\n",
               s->heldout, (unsigned long long)s->heldout_bytes,
               (unsigned long long)s->heldout_bits, s->recodes);
    const char *hdr = "    id       size  bits alone   bits loo novelty "
                      "    utility used  name\n";
    size_t n = s->docs, top = n <= 2 * SHOWN ? n : SHOWN;
    printf("\n%s valuable (by %s):\n%s", n <= 2 * SHOWN ? "all, most" : "most",
           s->heldout ? "utility" : "novelty", hdr);
    for (size_t i = 0; i < top; i++) row(c->order[i]);
    if (n > 2 * SHOWN) {
        printf("\nleast valuable:\n%s", hdr);
        for (size_t i = n - SHOWN; i < n; i++) row(c->order[i]);
    }
    printf("\ntotal  %10llu %11llu %11llu %7.4f %11lld\n",
           (unsigned long long)s->doc_bytes, (unsigned long long)s->bits_alone,
           (unsigned long long)s->bits_loo,
           s->bits_alone ? (double)s->bits_loo / (double)s->bits_alone : 1.0,
           (long long)s->utility);
}

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

static void print_csv(const value_cmd *c, const mdlz_value_summary *s) {
    printf("id,name,size,bits_alone,bits_loo,novelty,utility,used_by\n");
    for (size_t i = 0; i < s->docs; i++) {
        const mdlz_value_doc *d = mdlz_value_doc_get(c->v, i);
        printf("%lld,\"", (long long)d->id);
        for (const char *p = d->name; *p; p++)
            printf(*p == '"' ? "\"\"" : "%c", *p);
        printf("\",%llu,%llu,%llu,%.6f,%lld,%u\n", (unsigned long long)d->size,
               (unsigned long long)d->bits_alone,
               (unsigned long long)d->bits_loo, d->novelty,
               (long long)d->utility, d->used_by);
    }
    printf("total,,%llu,%llu,%llu,,%lld,\n", (unsigned long long)s->doc_bytes,
           (unsigned long long)s->bits_alone, (unsigned long long)s->bits_loo,
           (long long)s->utility);
}

static void print_json(const value_cmd *c, const mdlz_value_summary *s) {
    printf("{\"index\": ");
    json_string(c->index);
    printf(", \"level\": %d, \"unused_recoded\": false, \"documents\": [",
           c->level);
    for (size_t i = 0; i < s->docs; i++) {
        const mdlz_value_doc *d = mdlz_value_doc_get(c->v, i);
        printf("%s\n  {\"id\": %lld, \"name\": ", i ? "," : "",
               (long long)d->id);
        json_string(d->name);
        printf(", \"size\": %llu, \"bits_alone\": %llu, \"bits_loo\": %llu, "
               "\"novelty\": %.6f, \"utility\": %lld, \"used_by\": %u}",
               (unsigned long long)d->size, (unsigned long long)d->bits_alone,
               (unsigned long long)d->bits_loo, d->novelty,
               (long long)d->utility, d->used_by);
    }
    printf("],\n \"total\": {\"documents\": %zu, \"size\": %llu, "
           "\"bits_alone\": %llu, \"bits_loo\": %llu, \"utility\": %lld, "
           "\"heldout\": %zu, \"heldout_bytes\": %llu, \"heldout_bits\": %llu, "
           "\"recodes\": %zu}}\n",
           s->docs, (unsigned long long)s->doc_bytes,
           (unsigned long long)s->bits_alone, (unsigned long long)s->bits_loo,
           (long long)s->utility, s->heldout,
           (unsigned long long)s->heldout_bytes,
           (unsigned long long)s->heldout_bits, s->recodes);
}

/* The last part of a path: what names a point. */
static const char *base(const char *p) {
    const char *s = strrchr(p, '/');
    return s && s[1] ? s + 1 : p;
}

static int write_plot(const value_cmd *c, const mdlz_value_summary *s) {
    svg_mark *m = calloc(s->docs ? s->docs : 1, sizeof *m);
    FILE *f = m ? fopen(c->plot, "w") : NULL;
    if (!f) {
        report_error(c->plot, "%s", strerror(m ? errno : ENOMEM));
        free(m);
        return EXIT_DATA_ERROR;
    }
    for (size_t i = 0; i < s->docs; i++) {
        const mdlz_value_doc *d = c->order[i];
        int named = i < NAMED || i + NAMED >= s->docs;
        m[i] = (svg_mark){d->novelty, (double)d->utility,
                          named ? base(d->name) : NULL, d->name};
    }
    char sub[256];
    snprintf(sub, sizeof sub,
             "%zu documents, %zu held-out files; bits as mdlz -R codes them",
             s->docs, s->heldout);
    svg_chart ch = {"mdlz value: novelty and utility",
                    sub,
                    "novelty (bits given the rest / bits alone)",
                    "utility (held-out bits saved)",
                    NULL,
                    0};
    int rc = svg_write_scatter(f, &ch, m, s->docs);
    if (fclose(f) != 0) rc = -1;
    free(m);
    if (rc == 0) return 0;
    report_error(c->plot, "%s", strerror(errno));
    return EXIT_DATA_ERROR;
}

/* ---- the command --------------------------------------------------------------- */

static void on_progress(void *user, const char *stage, size_t done,
                        size_t total) {
    (void)user;
    fprintf(stderr, "\rmdlz value: %-12s %zu/%zu   ", stage, done + 1, total);
}

static int run(value_cmd *c) {
    mdlz_value_params p;
    mdlz_value_params_init(&p);
    p.level = c->level;
    p.index = c->index;
    int show = !c->quiet && isatty(STDERR_FILENO);
    if (show) p.progress = on_progress;
    char err[600];
    mdlz_status st = mdlz_value_create(&c->v, &p, err, sizeof err);
    if (st != MDLZ_OK) {
        report_error(c->index, "%s", err);
        return st == MDLZ_ERROR_PARAM ? EXIT_USAGE : EXIT_DATA_ERROR;
    }
    for (size_t i = 0; i < c->held.n && st == MDLZ_OK; i++)
        st = mdlz_value_add_heldout(c->v, c->held.f[i].name, c->held.f[i].data,
                                    c->held.f[i].len);
    if (st == MDLZ_OK) st = mdlz_value_run(c->v);
    if (show) fprintf(stderr, "\r%60s\r", "");
    if (st != MDLZ_OK) {
        const char *d = mdlz_value_error_detail(c->v);
        report_error(c->index, "value: %s", *d ? d : mdlz_strerror(st));
        return EXIT_DATA_ERROR;
    }
    const mdlz_value_summary *s = mdlz_value_summary_get(c->v);
    c->order = malloc((s->docs ? s->docs : 1) * sizeof *c->order);
    if (!c->order) {
        report_error(NULL, "%s", strerror(ENOMEM));
        return EXIT_DATA_ERROR;
    }
    for (size_t i = 0; i < s->docs; i++)
        c->order[i] = mdlz_value_doc_get(c->v, i);
    qsort(c->order, s->docs, sizeof *c->order,
          s->heldout ? cmp_utility : cmp_novelty);
    if (c->format == FMT_CSV) print_csv(c, s);
    else if (c->format == FMT_JSON) print_json(c, s);
    else print_table(c, s);
    return c->plot ? write_plot(c, s) : 0;
}

int cmd_value(int argc, char **argv) {
    value_cmd c;
    memset(&c, 0, sizeof c);
    c.level = MDLZ_LEVEL_DEFAULT;
    const char **held = malloc(sizeof *held * (size_t)(argc > 0 ? argc : 1));
    size_t n_held = 0;
    if (!held) {
        report_error(NULL, "%s", strerror(ENOMEM));
        return EXIT_DATA_ERROR;
    }
    int rc = parse(&c, argc, argv, &held, &n_held);
    if (!rc && c.help) print_help();
    for (size_t i = 0; !rc && !c.help && i < n_held; i++)
        rc = inputs_add(&c.held, held[i], c.quiet) ? EXIT_DATA_ERROR : 0;
    if (!rc && n_held && !c.held.n) {
        report_error(NULL, "value: no held-out files found (symbolic links "
                           "in folders are not followed)");
        rc = EXIT_DATA_ERROR;
    }
    if (!rc && !c.help) rc = run(&c);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        report_error("stdout", "%s", strerror(errno));
        if (!rc) rc = EXIT_DATA_ERROR;
    }
    free(held);
    free(c.order);
    inputs_free(&c.held);
    mdlz_value_free(c.v);
    return rc;
}
