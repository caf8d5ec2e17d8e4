/*
 * bench_select.c - timing driver for the compressor's retrieval path (not
 * a test): per document, mdlz_index_open(MDLZ_INDEX_READ) + mdlz_index_pin() + one
 * mdlz_index_select() on the whole text + mdlz_index_get() of the chosen
 * documents, then selects on 2 KiB windows of the text (the "online"
 * mode). Prints process CPU time per call in ms (the machine may be
 * loaded by others: wall time is printed in the summary only).
 *
 * Usage: bench_select [-t MAX_TERMS] [-d MAX_DOCS] [-w WINDOW] [-n NWIN]
 *                     [-r REPEAT] [-q] INDEX FILE...
 *   -t  max_terms (default 24)       -d  max_docs (default 8)
 *   -w  window bytes (default 2048)  -n  windows per file (default 4)
 *   -r  run each file's sequence REPEAT times and keep the fastest of each
 *       figure (default 1; on a loaded machine 5 or so steadies them)
 *   -q  quiet: one line per file "top FILE ID ID ..." (selection only),
 *       for comparing selections before/after a change
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mdlz_index.h"

static double cpu_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint8_t *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, r;
    uint8_t *b = malloc(cap);
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            uint8_t *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

static int cmp_double(const void *pa, const void *pb) {
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static double median(double *v, int n) {
    if (n <= 0) return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double maxof(const double *v, int n) {
    double m = 0;
    for (int i = 0; i < n; i++) m = v[i] > m ? v[i] : m;
    return m;
}

/* CPU ms of one run over a text. */
typedef struct {
    double open, pin, sel, get, all, wall;
} run_times;

/* One document's path: open, pin, select, get the chosen documents, then
 * `nwin` selects on windows spread over the text (their times in win[]).
 * Returns the number selected, or -1. */
static int run_once(const char *index, const uint8_t *text, size_t len,
                    int max_terms, int max_docs, size_t window, int nwin,
                    run_times *t, double *win, mdlz_index_docref *refs) {
    mdlz_index *ix;
    char err[512];
    double w0 = wall_ms(), c0 = cpu_ms();
    if (mdlz_index_open(&ix, index, MDLZ_INDEX_READ, err, sizeof err)) {
        fprintf(stderr, "bench_select: %s\n", err);
        return -1;
    }
    double c1 = cpu_ms();
    int n = -1;
    if (mdlz_index_pin(ix, NULL)) goto fail;
    double c2 = cpu_ms();
    n = mdlz_index_select(ix, -1, text, len, max_terms, max_docs, UINT64_MAX,
                          NULL, 0, refs);
    double c3 = cpu_ms();
    if (n < 0) goto fail;
    for (int i = 0; i < n; i++) {
        uint8_t *body;
        size_t blen;
        if (mdlz_index_get(ix, refs[i].id, refs[i].hash, &body, &blen, NULL,
                           0)) {
            n = -1;
            goto fail;
        }
        free(body);
    }
    double c4 = cpu_ms(), w4 = wall_ms();
    *t = (run_times){c1 - c0, c2 - c1, c3 - c2, c4 - c3, c4 - c0, w4 - w0};
    for (int k = 0; k < nwin; k++) {
        size_t wlen = window < len ? window : len;
        size_t off =
            nwin > 1 ? (len - wlen) * (size_t)k / (size_t)(nwin - 1) : 0;
        mdlz_index_docref w[64];
        double c5 = cpu_ms();
        if (mdlz_index_select(ix, -1, text + off, wlen, max_terms, max_docs,
                              UINT64_MAX, NULL, 0, w) < 0) {
            n = -1;
            goto fail;
        }
        win[k] = cpu_ms() - c5;
    }
    mdlz_index_close(ix);
    return n;
fail:
    fprintf(stderr, "bench_select: %s\n", mdlz_index_errmsg(ix));
    mdlz_index_close(ix);
    return -1;
}

static double min2(double a, double b) { return a < b ? a : b; }

int main(int argc, char **argv) {
    int max_terms = 24, max_docs = 8, nwin = 4, quiet = 0, repeat = 1, a = 1;
    size_t window = 2048;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (!strcmp(argv[a], "-q")) {
            quiet = 1;
        } else if (a + 1 < argc && !strcmp(argv[a], "-t")) {
            max_terms = atoi(argv[++a]);
        } else if (a + 1 < argc && !strcmp(argv[a], "-d")) {
            max_docs = atoi(argv[++a]);
        } else if (a + 1 < argc && !strcmp(argv[a], "-w")) {
            window = (size_t)atol(argv[++a]);
        } else if (a + 1 < argc && !strcmp(argv[a], "-n")) {
            nwin = atoi(argv[++a]);
        } else if (a + 1 < argc && !strcmp(argv[a], "-r")) {
            repeat = atoi(argv[++a]);
        } else {
            fprintf(stderr, "bench_select: bad option %s\n", argv[a]);
            return 2;
        }
    }
    if (argc - a < 2 || max_docs <= 0 || max_docs > 64 || repeat < 1 ||
        nwin < 0 || nwin > 16) {
        fprintf(stderr, "usage: bench_select [-t N] [-d N] [-w BYTES] "
                        "[-n NWIN] [-r REPEAT] [-q] INDEX FILE...\n");
        return 2;
    }
    const char *index = argv[a++];
    int nfiles = argc - a;
    double *t_open = calloc((size_t)nfiles, sizeof(double));
    double *t_pin = calloc((size_t)nfiles, sizeof(double));
    double *t_sel = calloc((size_t)nfiles, sizeof(double));
    double *t_get = calloc((size_t)nfiles, sizeof(double));
    double *t_all = calloc((size_t)nfiles, sizeof(double));
    double *t_wall = calloc((size_t)nfiles, sizeof(double));
    double *t_win =
        calloc((size_t)nfiles * (size_t)(nwin > 0 ? nwin : 1), sizeof(double));
    int nw = 0;
    if (!t_open || !t_pin || !t_sel || !t_get || !t_all || !t_wall || !t_win)
        return 1;
    if (!quiet)
        printf("%-48s %8s %6s %6s %7s %6s %7s %4s %s\n", "file", "bytes",
               "open", "pin", "select", "get", "total", "docs", "win(ms)");
    for (int f = 0; f < nfiles; f++) {
        size_t len;
        uint8_t *text = read_all(argv[a + f], &len);
        if (!text || !len) {
            fprintf(stderr, "bench_select: cannot read %s\n", argv[a + f]);
            return 1;
        }
        mdlz_index_docref refs[64];
        run_times best = {0, 0, 0, 0, 0, 0}, t;
        double win[16], wbest[16];
        int n = 0;
        for (int rep = 0; rep < repeat; rep++) {
            n = run_once(index, text, len, max_terms, max_docs, window, nwin,
                         &t, win, refs);
            if (n < 0) return 1;
            if (rep == 0) {
                best = t;
                memcpy(wbest, win, sizeof win);
                if (quiet) {
                    printf("top %s", argv[a + f]);
                    for (int i = 0; i < n; i++)
                        printf(" %lld", (long long)refs[i].id);
                    printf("\n");
                }
                continue;
            }
            best =
                (run_times){min2(best.open, t.open), min2(best.pin, t.pin),
                            min2(best.sel, t.sel),   min2(best.get, t.get),
                            min2(best.all, t.all),   min2(best.wall, t.wall)};
            for (int k = 0; k < nwin; k++) wbest[k] = min2(wbest[k], win[k]);
        }
        t_open[f] = best.open;
        t_pin[f] = best.pin;
        t_sel[f] = best.sel;
        t_get[f] = best.get;
        t_all[f] = best.all;
        t_wall[f] = best.wall;
        char wbuf[200] = "";
        size_t wl = 0;
        for (int k = 0; k < nwin; k++) {
            t_win[nw++] = wbest[k];
            wl += (size_t)snprintf(wbuf + wl, sizeof wbuf - wl, " %.2f",
                                   wbest[k]);
        }
        if (!quiet) {
            const char *name = argv[a + f];
            size_t nl = strlen(name);
            printf("%-48s %8zu %6.2f %6.2f %7.2f %6.2f %7.2f %4d%s\n",
                   nl > 48 ? name + nl - 48 : name, len, t_open[f], t_pin[f],
                   t_sel[f], t_get[f], t_all[f], n, wbuf);
        }
        free(text);
    }
    if (!quiet) {
        printf("median CPU ms over %d files: open %.2f pin %.2f select %.2f "
               "get %.2f total %.2f (max %.2f); wall total %.2f; "
               "%d windows of %zu B: select %.2f (max %.2f)\n",
               nfiles, median(t_open, nfiles), median(t_pin, nfiles),
               median(t_sel, nfiles), median(t_get, nfiles),
               median(t_all, nfiles), maxof(t_all, nfiles),
               median(t_wall, nfiles), nw, window, median(t_win, nw),
               maxof(t_win, nw));
    }
    return 0;
}
