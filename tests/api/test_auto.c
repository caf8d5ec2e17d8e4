/*
 * test_auto.c - minimum description length selection (mdlz_auto,
 * include/mdlz_measure.h) behind `mdlz --auto`, through the public
 * headers only:
 *
 *   settings    every setting --auto can choose (match on/off x retrieval
 *               none/whole/online/both x each subset of the built-in tools)
 *               round-trips through a plain decoder (the index given, no
 *               other flag: the stream records what decoding needs);
 *   exact       on one input of up to MDLZ_AUTO_PIECE bytes everything is
 *               sampled: each candidate's payload and code are those of the
 *               stream its setting writes, DL = payload + code, the choice
 *               is the smallest DL, mdlz_auto_apply writes that stream;
 *   objectives  --amortize=N weighs the code by inputs / N, --auto=size by
 *               0 (DL = payload; the choice the smallest payload);
 *   determinism two runs choose the same, with the same figures;
 *   sample      the sampling rule (mdlz_auto_want) on sizes;
 *   errors      reserved fields, objective, stage, short data.
 *
 * Usage: test_auto SAMPLES_DIR
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mdlz_index.h"
#include "mdlz_measure.h"
#include "samples.h"

#define LEVEL 1
#define CUT   6000 /* bytes of the sample used: keeps the test quick */

static const char *samples;
static char tmpdir[] = "/tmp/mdlz_test_auto_XXXXXX";
static char kb[512];

/* Compresses x with setting s (or with a's choice when a is given). */
static uint8_t *compress_with(const mdlz_setting *s, const mdlz_auto *a,
                              const buf *x, size_t *n) {
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = LEVEL;
    p.src_size = x->n;
    mdlz_cctx *c;
    uint8_t *out = NULL;
    *n = 0;
    if (mdlz_cctx_create(&c, &p) != MDLZ_OK) return NULL;
    mdlz_status st = a ? mdlz_auto_apply(a, c) : mdlz_setting_apply(c, s, kb);
    size_t used;
    if (st == MDLZ_OK)
        st = stream_loop(compress_step, c, "compress", x->p, x->n, 1 << 20,
                         1 << 20, &out, n, &used);
    mdlz_cctx_free(c);
    return st == MDLZ_OK ? out : NULL;
}

/* Decodes z with a plain decoder (the index given) and compares. */
static int round_trips(const uint8_t *z, size_t zn, const buf *x) {
    mdlz_dctx *d;
    if (mdlz_dctx_create(&d, 0) != MDLZ_OK) return 0;
    uint8_t *out = NULL;
    size_t n = 0, used;
    mdlz_status st = mdlz_dctx_set_index(d, kb);
    if (st == MDLZ_OK)
        st = stream_loop(decompress_step, d, "decompress", z, zn, 1 << 20,
                         1 << 20, &out, &n, &used);
    int ok = st == MDLZ_OK && n == x->n && !memcmp(out, x->p, n);
    free(out);
    mdlz_dctx_free(d);
    return ok;
}

static uint64_t code_of_stream(const uint8_t *z, size_t n) {
    mdlz_component_cost cc[32];
    size_t k = mdlz_stream_code_costs(z, n, cc, 32);
    uint64_t code = 0;
    for (size_t i = 0; i < k; i++) code += cc[i].code_bytes;
    return code;
}

static void test_settings(const buf *x) {
    const char *tools[16];
    size_t nt = mdlz_builtin_tools(tools, 16);
    if (nt > 16) nt = 16;
    int all = 1, n = 0;
    for (int m = 0; m <= 1; m++)
        for (unsigned k = 0; k < 4; k++)
            for (uint32_t mask = 0; mask < (1u << nt); mask++) {
                const char *use[16];
                size_t nu = 0;
                for (size_t t = 0; t < nt; t++)
                    if (mask >> t & 1) use[nu++] = tools[t];
                mdlz_setting s = {m, k, use, nu};
                size_t zn;
                uint8_t *z = compress_with(&s, NULL, x, &zn);
                int ok = z && round_trips(z, zn, x);
                if (!ok)
                    check(0, "setting match %d retrieval %u tools %#x", m, k,
                          (unsigned)mask);
                all &= ok;
                n++;
                free(z);
            }
    check(all, "all %d settings round-trip through a plain decoder", n);
}

static mdlz_auto *chosen(const buf *x, int objective, uint64_t amortize) {
    mdlz_auto_params p;
    mdlz_auto_params_init(&p);
    p.level = LEVEL;
    p.index = kb;
    p.objective = objective;
    p.amortize = amortize;
    mdlz_auto *a = NULL;
    char err[256];
    if (mdlz_auto_create(&a, &p, err, sizeof err) != MDLZ_OK) {
        check(0, "create: %s", err);
        return NULL;
    }
    if (mdlz_auto_add(a, x->p, x->n, x->n) != MDLZ_OK ||
        mdlz_auto_choose(a) != MDLZ_OK) {
        check(0, "choose: %s", mdlz_auto_error_detail(a));
        mdlz_auto_free(a);
        return NULL;
    }
    return a;
}

static void test_exact(const buf *x) {
    mdlz_auto *a = chosen(x, MDLZ_AUTO_DL, 0);
    if (!a) return;
    uint64_t sampled, total;
    mdlz_auto_sample(a, &sampled, &total);
    check(sampled == x->n && total == x->n, "one small input: all sampled");
    size_t nc = mdlz_auto_candidates(a), best = 0;
    check(nc >= 8, "candidates: cm-only, default, 3 retrieval, 3 tools (%zu)",
          nc);
    int streams = 1, dls = 1;
    for (size_t i = 0; i < nc; i++) {
        const mdlz_auto_candidate *c = mdlz_auto_candidate_get(a, i);
        size_t zn;
        uint8_t *z = compress_with(&c->setting, NULL, x, &zn);
        if (!z || c->payload != zn || c->sample_payload != zn ||
            c->code != code_of_stream(z, zn)) {
            streams = 0;
            check(0, "%s: payload %llu code %llu, stream %zu", c->name,
                  (unsigned long long)c->payload, (unsigned long long)c->code,
                  zn);
        }
        free(z);
        if (c->dl != (double)(c->payload + c->code)) dls = 0;
        if (c->dl < mdlz_auto_candidate_get(a, best)->dl) best = i;
    }
    check(streams, "each candidate = the stream its setting writes");
    check(dls, "each candidate: DL = payload + code");
    check(mdlz_auto_choice(a) == best, "the choice has the smallest DL (%s)",
          mdlz_auto_candidate_get(a, mdlz_auto_choice(a))->name);
    size_t zn;
    uint8_t *z = compress_with(NULL, a, x, &zn);
    const mdlz_auto_candidate *c =
        mdlz_auto_candidate_get(a, mdlz_auto_choice(a));
    check(z && zn == c->payload && round_trips(z, zn, x),
          "mdlz_auto_apply writes the chosen stream, which round-trips");
    free(z);

    /* determinism */
    mdlz_auto *b = chosen(x, MDLZ_AUTO_DL, 0);
    int same = b && mdlz_auto_candidates(b) == nc &&
               mdlz_auto_choice(b) == mdlz_auto_choice(a);
    for (size_t i = 0; same && i < nc; i++) {
        const mdlz_auto_candidate *p = mdlz_auto_candidate_get(a, i),
                                  *q = mdlz_auto_candidate_get(b, i);
        same = !strcmp(p->name, q->name) && p->payload == q->payload &&
               p->code == q->code;
    }
    check(same, "two runs: the same candidates and choice");
    mdlz_auto_free(b);

    /* --amortize=1000: the code weighs 1/1000 for one input */
    b = chosen(x, MDLZ_AUTO_DL, 1000);
    int w = b != NULL;
    for (size_t i = 0; w && i < mdlz_auto_candidates(b); i++) {
        const mdlz_auto_candidate *q = mdlz_auto_candidate_get(b, i);
        double want = (double)q->payload + (double)q->code / 1000.0;
        w = q->dl > want - 1e-6 && q->dl < want + 1e-6;
    }
    check(w, "amortize 1000: DL = payload + code / 1000");
    mdlz_auto_free(b);

    /* --auto=size: DL = payload, the smallest payload chosen */
    b = chosen(x, MDLZ_AUTO_SIZE, 0);
    int sz = b != NULL;
    uint64_t minp = UINT64_MAX;
    for (size_t i = 0; sz && i < mdlz_auto_candidates(b); i++) {
        const mdlz_auto_candidate *q = mdlz_auto_candidate_get(b, i);
        sz = q->dl == (double)q->payload;
        if (q->payload < minp) minp = q->payload;
    }
    check(sz &&
              mdlz_auto_candidate_get(b, mdlz_auto_choice(b))->payload == minp,
          "size: DL = payload, the smallest payload chosen");
    mdlz_auto_free(b);
    mdlz_auto_free(a);
}

static void test_sample(void) {
    mdlz_auto *a = NULL;
    if (mdlz_auto_create(&a, NULL, NULL, 0) != MDLZ_OK) {
        check(0, "create with defaults");
        return;
    }
    static uint8_t data[1 << 20];
    check(mdlz_auto_want(a, 1000) == 1000, "the first input: whole");
    check(mdlz_auto_add(a, data, 1000, 1000) == MDLZ_OK, "add it");
    check(mdlz_auto_want(a, 1000) == 0, "then 1/8 of the small ones");
    int ok = 1;
    for (int i = 0; i < 7; i++) ok &= mdlz_auto_add(a, data, 0, 1000) == 0;
    check(ok && mdlz_auto_want(a, 1000) == 1000,
          "the 9th: whole again (1/8 of 9000 > 1000 taken)");
    check(mdlz_auto_want(a, 100 << 10) == MDLZ_AUTO_PIECE,
          "100 KiB: its first MDLZ_AUTO_PIECE bytes");
    check(mdlz_auto_want(a, 8 << 20) == 1 << 20, "8 MiB: its first 1/8");
    check(mdlz_auto_add(a, data, 100, 8 << 20) == MDLZ_ERROR_PARAM,
          "fewer bytes than it wants: MDLZ_ERROR_PARAM");
    mdlz_auto_free(a);

    mdlz_auto_params p;
    mdlz_auto_params_init(&p);
    p.reserved[2] = 1;
    check(mdlz_auto_create(&a, &p, NULL, 0) == MDLZ_ERROR_PARAM && !a,
          "reserved fields must be zero");
    mdlz_auto_params_init(&p);
    p.objective = 7;
    check(mdlz_auto_create(&a, &p, NULL, 0) == MDLZ_ERROR_PARAM,
          "unknown objective refused");
    mdlz_auto_params_init(&p);
    p.level = LEVEL;
    p.tools = "none";
    if (mdlz_auto_create(&a, &p, NULL, 0) == MDLZ_OK) {
        mdlz_cctx *c;
        mdlz_params cp;
        mdlz_params_init(&cp);
        mdlz_cctx_create(&c, &cp);
        check(mdlz_auto_apply(a, c) == MDLZ_ERROR_STAGE,
              "apply before choose: MDLZ_ERROR_STAGE");
        check(mdlz_auto_add(a, data, 10, 10) == MDLZ_OK &&
                  mdlz_auto_choose(a) == MDLZ_OK &&
                  mdlz_auto_add(a, data, 10, 10) == MDLZ_ERROR_STAGE &&
                  mdlz_auto_choose(a) == MDLZ_ERROR_STAGE,
              "add or choose after choose: MDLZ_ERROR_STAGE");
        mdlz_cctx_free(c);
        mdlz_auto_free(a);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_auto SAMPLES_DIR\n");
        return 2;
    }
    samples = argv[1];
    if (!mkdtemp(tmpdir)) return 99;
    snprintf(kb, sizeof kb, "%s/kb.db", tmpdir);
    if (sample_index(samples, kb) != 0) return 99;
    buf x = sample_read(samples, "1901_theodore_roosevelt_r.txt", CUT);
    test_settings(&x);
    test_exact(&x);
    test_sample();
    free(x.p);
    unlink(kb);
    rmdir(tmpdir);
    return check_finish();
}
