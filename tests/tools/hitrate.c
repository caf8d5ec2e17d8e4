/*
 * hitrate.c - measures a tool on real files (not a test): feeds each file
 * through the tool as the host would (observe each byte, then propose) and
 * counts, per confidence class, how often the first proposed byte was the
 * next byte. With --cm it also estimates the bytes the tool would save in
 * mdlz: the engine's predictor codes the file, and a small logistic mixer
 * (one weight pair per class) combines its bit probabilities with the
 * tool's (learned per class and bit position); the difference of the two
 * costs is printed. A model of the host's use, not the host itself.
 *
 * --show N prints the first N wrong proposals in their context.
 *
 * Usage: tool_hitrate [--cm] [--level N] [--show N] [--load PLUGIN.so]
 *                     TOOL FILE...
 */
#include <math.h>

#include "check.h"
#include "config.h"
#include "predictor.h"
#include "registry.h"
#include "table.h"

#define NCLASS (MDLZ_TOOL_CONFIDENCE_MAX + 1)

typedef struct {
    uint64_t bytes, hit[NCLASS], miss[NCLASS];
    double right[NCLASS][8], seen[NCLASS][8], w[NCLASS][2];
    double cost_cm, cost_mix, cost_right; /* bits */
} totals;

static double stretch_d(double p) {
    if (p < 1e-6) p = 1e-6;
    if (p > 1 - 1e-6) p = 1 - 1e-6;
    return log(p / (1 - p));
}

static double squash_d(double x) { return 1 / (1 + exp(-x)); }

/* One byte through the predictor mixed with the tool's proposal. */
static void code_byte(totals *t, predictor *cm, int c, int active, int b,
                      int cls) {
    double before = t->cost_cm;
    int right = active && b == c;
    for (int i = 7; i >= 0; i--) {
        int bit = (c >> i) & 1, e = (b >> i) & 1, bp = 7 - i;
        double q = pred_p(cm) / 65536.0, p = q;
        t->cost_cm += -log2(bit ? q : 1 - q);
        if (active) {
            double pr = (t->right[cls][bp] + 0.4) / (t->seen[cls][bp] + 0.8);
            double s0 = stretch_d(q), s1 = stretch_d(e ? pr : 1 - pr);
            double *w = t->w[cls];
            p = squash_d(w[0] * s0 + w[1] * s1);
            if (p < 1.0 / 65536) p = 1.0 / 65536;
            if (p > 1 - 1.0 / 65536) p = 1 - 1.0 / 65536;
            double err = bit - p;
            w[0] += 0.02 * err * s0;
            w[1] += 0.02 * err * s1;
            t->right[cls][bp] += bit == e;
            t->seen[cls][bp] += 1;
            if (t->seen[cls][bp] > 4000) {
                t->right[cls][bp] /= 2;
                t->seen[cls][bp] /= 2;
            }
            if (bit != e) active = 0;
        }
        t->cost_mix += -log2(bit ? p : 1 - p);
        if (cm) pred_update(cm, bit);
    }
    if (right) t->cost_right += t->cost_cm - before;
}

/* Prints a miss: the text before position i, the proposal, the text. */
static void show(const uint8_t *d, size_t i, size_t n,
                 const mdlz_tool_proposal *pr) {
    size_t a = i > 50 ? i - 50 : 0, e = i + 20 < n ? i + 20 : n;
    printf("[%2u] ", (unsigned)pr->confidence);
    for (size_t k = a; k < e; k++) {
        if (k == i) {
            printf("{");
            for (uint32_t j = 0; j < pr->len; j++)
                putchar(pr->bytes[j] == '\n' ? '~' : pr->bytes[j]);
            printf("}");
        }
        putchar(d[k] == '\n' ? '~' : d[k]);
    }
    putchar('\n');
}

static int run_file(const mdlz_tool *tool, const char *path, int level,
                    int use_cm, totals *t, int *shows) {
    size_t n;
    uint8_t *data = read_file(path, &n);
    if (!data) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    mdlz_tool_host host;
    tool_host_default(&host);
    void *st = NULL;
    if (tool->create(&host, &st) != 0) {
        fprintf(stderr, "%s: create failed\n", tool->name);
        free(data);
        return 1;
    }
    predictor *cm = NULL;
    mdlz_config cfg;
    if (use_cm) {
        if (cfg_from_level(&cfg, level, 0) != MDLZ_OK) return 1;
        cfg_fit_input(&cfg, n);
        if (sys_open_plain(&cfg, &cm) != MDLZ_OK) return 1;
    }
    int was = 0;
    for (size_t i = 0; i < n; i++) {
        mdlz_tool_proposal pr;
        memset(&pr, 0, sizeof pr);
        tool->propose(st, &pr);
        int cls = (int)(pr.confidence & 15);
        if (pr.len) {
            if (pr.bytes[0] == data[i]) t->hit[cls]++;
            else {
                t->miss[cls]++;
                if (*shows > 0 && !was) {
                    --*shows;
                    show(data, i, n, &pr);
                }
            }
        }
        was = pr.len > 0;
        if (cm) code_byte(t, cm, data[i], pr.len > 0, pr.bytes[0], cls);
        tool->observe(st, data[i]);
    }
    t->bytes += n;
    pred_free(cm);
    tool->destroy(st);
    free(data);
    return 0;
}

int main(int argc, char **argv) {
    int use_cm = 0, level = 5, i = 1, rc = 0, shows = 0;
    tool_handle *h = NULL;
    char err[512];
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--cm")) use_cm = 1;
        else if (!strcmp(argv[i], "--show") && i + 1 < argc)
            shows = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--level") && i + 1 < argc)
            level = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--load") && i + 1 < argc) {
            if (tool_load_external(argv[++i], &h, err, sizeof err)) {
                fprintf(stderr, "%s\n", err);
                return 2;
            }
        } else break;
    }
    if (i + 2 > argc) {
        fprintf(stderr, "usage: tool_hitrate [--cm] [--level N] [--show N] "
                        "[--load PLUGIN.so] TOOL FILE...\n");
        return 2;
    }
    const mdlz_tool *tool = tool_find_builtin(argv[i]);
    if (h && !strcmp(tool_handle_tool(h)->name, argv[i]))
        tool = tool_handle_tool(h);
    if (!tool) {
        fprintf(stderr, "no tool %s\n", argv[i]);
        return 2;
    }
    totals *t = calloc(1, sizeof *t);
    for (int c = 0; c < NCLASS; c++) t->w[c][0] = 1, t->w[c][1] = 0.3;
    for (i++; i < argc; i++)
        rc |= run_file(tool, argv[i], level, use_cm, t, &shows);
    uint64_t hit = 0, miss = 0;
    printf("%s (code %u bytes): %llu bytes of input\n", tool->name,
           (unsigned)tool->code_bytes, (unsigned long long)t->bytes);
    for (int c = 0; c < NCLASS; c++) {
        if (!t->hit[c] && !t->miss[c]) continue;
        printf("  class %2d: %8llu right %8llu wrong (%5.1f%%)\n", c,
               (unsigned long long)t->hit[c], (unsigned long long)t->miss[c],
               100.0 * t->hit[c] / (double)(t->hit[c] + t->miss[c]));
        hit += t->hit[c];
        miss += t->miss[c];
    }
    printf("  all:      %8llu right %8llu wrong (%5.1f%%)\n",
           (unsigned long long)hit, (unsigned long long)miss,
           hit + miss ? 100.0 * hit / (double)(hit + miss) : 0.0);
    if (use_cm)
        printf("  level %d: %.0f bytes without the tool, %.0f with: saves "
               "%.0f bytes (%.3f%%), net of code %.0f\n",
               level, t->cost_cm / 8, t->cost_mix / 8,
               (t->cost_cm - t->cost_mix) / 8,
               100.0 * (t->cost_cm - t->cost_mix) / t->cost_cm,
               (t->cost_cm - t->cost_mix) / 8 - tool->code_bytes);
    if (use_cm)
        printf("  the bytes proposed right cost %.0f bytes without the tool "
               "(the most it could save)\n",
               t->cost_right / 8);
    free(t);
    tool_handle_free(h);
    return rc;
}
