/*
 * test_tool_corpus.c - each built-in tool on the real data it is meant
 * for (../shared/corpus): it must propose often there and be right when it
 * does (first proposed byte equal to the next byte), and stay nearly quiet
 * on English prose. A guard against regressions; tool_hitrate measures the
 * same and more. Skips (77) when the corpus is absent.
 *
 * Argument: the corpus directory.
 */
#include "check.h"
#include "registry.h"

typedef struct {
    const char *tool, *file;
    double min_right;   /* fraction of proposals that are right, at least */
    long min_props;     /* proposals, at least (-max for prose: at most) */
    uint32_t min_class; /* counts only proposals of this class or above */
} corpus_case;

static const corpus_case cases[] = {
    {"calc", "arith/svamp/SVAMP.json", 0.99, 4000, 10}, /* results */
    {"calc", "arith/aqua/dev.json", 0.75, 400, 10},
    {"calc", "arith/svamp/SVAMP.json", 0.5, 10000, 0}, /* + numbers seen */
    {"calc", "arith/tatqa/tatqa_dataset_dev.json", 0.3, 50000, 0},
    {"seq", "structured/loghub/Apache_2k.log_structured.csv", 0.85, 30000, 0},
    {"seq", "structured/frictionless-csv/population__population.csv", 0.90,
     30000, 0},
    {"seq", "structured/loghub/HDFS_2k.log", 0.85, 20000, 0},
    {"markup", "structured/xml/serviceproviders.xml", 0.95, 150000, 0},
    {"markup", "structured/iso-codes-json/iso_639-3.json", 0.97, 200000, 0},
    {"calc", "text/canterbury/alice29.txt", 0, -50, 0},
    {"seq", "text/canterbury/alice29.txt", 0, -500, 0},
    {"markup", "text/canterbury/alice29.txt", 0, -50, 0},
};

int main(int argc, char **argv) {
    int ran = 0;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const corpus_case *c = &cases[k];
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argc > 1 ? argv[1] : ".", c->file);
        size_t n;
        uint8_t *d = read_file(path, &n);
        if (!d) {
            printf("skip - %s: %s not found\n", c->tool, path);
            continue;
        }
        const mdlz_tool *t = tool_find_builtin(c->tool);
        mdlz_tool_host host;
        tool_host_default(&host);
        void *s = NULL;
        long props = 0, right = 0;
        if (t && t->create(&host, &s) == 0) {
            for (size_t i = 0; i < n; i++) {
                mdlz_tool_proposal p;
                memset(&p, 0, sizeof p);
                t->propose(s, &p);
                int on = p.len > 0 && p.confidence >= c->min_class;
                props += on;
                right += on && p.bytes[0] == d[i];
                t->observe(s, d[i]);
            }
            t->destroy(s);
        }
        double rate = props ? (double)right / (double)props : 0;
        if (c->min_props >= 0)
            check(props >= c->min_props && rate >= c->min_right,
                  "%s on %s: %ld proposals, %.1f%% right (want >= %ld, "
                  ">= %.0f%%)",
                  c->tool, c->file, props, 100 * rate, c->min_props,
                  100 * c->min_right);
        else
            check(props <= -c->min_props,
                  "%s on %s: %ld proposals in prose (want <= %ld)", c->tool,
                  c->file, props, -c->min_props);
        free(d);
        ran++;
    }
    if (!ran) return 77;
    return check_finish();
}
