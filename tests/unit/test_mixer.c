/*
 * test_mixer.c - the gated linear mixer (engine/model/mixer.h) and the logistic
 * domain it works in (engine/common/squash.h).
 *
 * squash() (the generated table) equals its definition squash_interp(),
 * is monotone and clamped; stretch() is its inverse as documented.
 * The SSE2 kernels mix_dot()/mix_train() must equal the scalar reference
 * bit for bit, over random and extreme inputs (x = +-2047, weights near
 * +-32767, errors at the ends of their range). A mixer with one
 * informative input among noise must learn to trust it (coding cost well
 * below 1 bit per bit), and training one weight set must leave the others
 * untouched. The fused mix_predict_n()/mix_update_n() must behave exactly
 * like k separate mixers.
 */
#include "mixer.h"
#include "squash.h"
#include "unit.h"

#define MAXN 64

/* A value typical of `kind`: 0 random in [lo, hi], 1 the top, 2 the
 * bottom, 3 zero, 4 near either end. */
static int16_t pick(rng *r, int kind, int lo, int hi) {
    switch (kind) {
    case 1: return (int16_t)hi;
    case 2: return (int16_t)lo;
    case 3: return 0;
    case 4:
        return (int16_t)(rng_below(r, 2) ? hi - (int)rng_below(r, 4)
                                         : lo + (int)rng_below(r, 4));
    default: return (int16_t)rng_range(r, lo, hi);
    }
}

/* Fills v[0..n) with values in [lo, hi]: all from one kind for the first
 * rounds, then mixed element by element. */
static void fill(rng *r, int16_t *v, int n, int lo, int hi, int round) {
    int kind = round < 5 ? round : -1;
    for (int i = 0; i < n; i++)
        v[i] = pick(r, kind >= 0 ? kind : (int)rng_below(r, 5), lo, hi);
}

static void test_kernels(void) {
    rng r;
    rng_seed(&r, 1);
    int16_t x[MAXN], w[MAXN], ws[MAXN], wv[MAXN];
    long dot_bad = 0, train_bad = 0, cases = 0;
    /* x within the documented |x| < 2048, and over the whole int16 range:
     * the kernels claim the exact semantics of pmaddwd/pmulhw/paddsw. */
    for (int range = 0; range < 2; range++) {
        int xlo = range ? -32768 : -2047, xhi = range ? 32767 : 2047;
        for (int round = 0; round < 200000; round++) {
            int n = 8 * (1 + (int)rng_below(&r, MAXN / 8));
            fill(&r, x, n, xlo, xhi, round % 50);
            fill(&r, w, n, -32768, 32767, (round / 7) % 50);
            int32_t a = mix_dot(x, w, n, 0), b = mix_dot(x, w, n, 1);
            if (a != b && dot_bad++ < 5)
                printf("# dot mismatch n=%d: scalar %d, simd %d\n", n, a, b);
            int err;
            switch (round % 6) {
            case 0: err = 32767; break;
            case 1: err = -32768; break;
            case 2: err = (int)rng_below(&r, 2) ? 4095 * 2 : -4095 * 2; break;
            case 3: err = rng_range(&r, -8, 8); break;
            default: err = rng_range(&r, -32768, 32767); break;
            }
            memcpy(ws, w, sizeof(int16_t) * (size_t)n);
            memcpy(wv, w, sizeof(int16_t) * (size_t)n);
            mix_train(x, ws, n, err, 0);
            mix_train(x, wv, n, err, 1);
            if (memcmp(ws, wv, sizeof(int16_t) * (size_t)n) != 0 &&
                train_bad++ < 5) {
                for (int i = 0; i < n; i++)
                    if (ws[i] != wv[i]) {
                        printf("# train mismatch: x=%d w=%d err=%d: scalar "
                               "%d, simd %d\n",
                               x[i], w[i], err, ws[i], wv[i]);
                        break;
                    }
            }
            cases++;
        }
        check(dot_bad == 0,
              "mix_dot: vector path equals scalar reference, "
              "x in [%d, %d] (%ld cases, %ld differ)",
              xlo, xhi, cases, dot_bad);
        check(train_bad == 0,
              "mix_train: vector path equals scalar "
              "reference, x in [%d, %d] (%ld cases, %ld "
              "differ)",
              xlo, xhi, cases, train_bad);
        dot_bad = train_bad = cases = 0;
    }

    /* the reference itself on hand-checked values */
    for (int i = 0; i < 8; i++) x[i] = w[i] = 0;
    x[0] = 2047;
    w[0] = 8192;
    x[7] = -2047;
    w[7] = 8192;
    check(mix_dot(x, w, 8, 0) == 0 && mix_dot(x, w, 8, 1) == 0,
          "mix_dot: opposite inputs cancel");
    x[7] = 1000;
    check(mix_dot(x, w, 8, 0) == (2047 + 1000) * 8192,
          "mix_dot: (2047 + 1000) * 8192 = %d", mix_dot(x, w, 8, 0));
    /* saturation: the largest step cannot wrap a weight around */
    for (int i = 0; i < 8; i++) {
        x[i] = 2047;
        w[i] = 32767;
        ws[i] = -32768;
    }
    mix_train(x, w, 8, 32767, 1);
    mix_train(x, ws, 8, -32768, 1);
    check(w[0] == 32767 && ws[0] == -32768,
          "mix_train: weights saturate at +-32767/-32768 (%d, %d)", w[0],
          ws[0]);
}

/* Coding cost of `bit` under a 12-bit probability. */
static double cost12(int bit, int p12) { return bit_cost(bit, p12, 4096.0); }

/* One informative input (stretch of a 95%-reliable guess of the bit) among
 * noise inputs: the mixer should learn to code the bits at close to the
 * entropy of the guess, about 0.29 bit. */
static void test_learning(void) {
    st_table st;
    st_init(&st);
    mixer m;
    const int n_in = 12;
    mdlz_status s = mix_init(&m, n_in, 1, 7, 0);
    if (!check(s == MDLZ_OK, "mix_init (%s)", mdlz_strerror(s))) return;
    check(m.n == 16, "mix_init rounds %d inputs up to %d", n_in, m.n);
    int pad_zero = 1;
    for (int i = n_in; i < m.n; i++) pad_zero &= m.w[i] == 0;
    check(pad_zero, "mix_init leaves the padding weights zero");

    rng r;
    rng_seed(&r, 5);
    int16_t x[16] = {0};
    const long total = 200000, head = 100, tail = 20000;
    double first = 0, last = 0;
    for (long t = 0; t < total; t++) {
        int bit = (int)rng_below(&r, 2);
        int guess = rng_bernoulli(&r, 95, 100) ? bit : !bit;
        x[0] = (int16_t)stretch(&st, guess ? 3891 : 205); /* 0.95 / 0.05 */
        for (int i = 1; i < n_in - 1; i++)
            x[i] = (int16_t)rng_range(&r, -2047, 2047);
        x[n_in - 1] = 256; /* bias */
        int p = mix_predict(&m, x, 0);
        double c = cost12(bit, p);
        if (t < head) first += c;
        if (t >= total - tail) last += c;
        mix_update(&m, x, bit);
    }
    first /= (double)head;
    last /= (double)tail;
    double h = -(0.95 * log2(0.95) + 0.05 * log2(0.05));
    check(last < 0.4 && last < 0.6 * first,
          "mixer learns one informative input among %d noise inputs: "
          "%.3f bit/bit over the first %ld bits, %.3f over the last %ld "
          "(entropy %.3f)",
          n_in - 2, first, head, last, tail, h);
    int wmax = 0;
    for (int i = 1; i < n_in - 1; i++)
        if (abs(m.w[i]) > wmax) wmax = abs(m.w[i]);
    check(m.w[0] > 4 * wmax,
          "informative weight %d dominates the noise weights (max |w| %d)",
          m.w[0], wmax);
    mix_free(&m);
}

/* Training with set 1 must not touch set 0 or 2; and two sets trained on
 * opposite relations predict opposite things for the same input. */
static void test_sets(void) {
    mixer m;
    const int16_t w0 = 1234;
    mdlz_status s = mix_init(&m, 8, 3, 7, w0);
    if (!check(s == MDLZ_OK, "mix_init with 3 sets (%s)", mdlz_strerror(s)))
        return;
    rng r;
    rng_seed(&r, 9);
    int16_t x[8] = {0};
    for (int t = 0; t < 20000; t++) {
        int bit = (int)rng_below(&r, 2);
        x[0] = (int16_t)(bit ? 600 : -600);
        for (int i = 1; i < 7; i++) x[i] = (int16_t)rng_range(&r, -300, 300);
        x[7] = 256;
        mix_predict(&m, x, 1);
        mix_update(&m, x, bit);
    }
    int untouched = 1;
    for (int i = 0; i < 8; i++) untouched &= m.w[i] == w0 && m.w[16 + i] == w0;
    check(untouched, "training set 1 leaves sets 0 and 2 untouched");
    int changed = 0;
    for (int i = 0; i < 8; i++) changed |= m.w[8 + i] != w0;
    check(changed, "training set 1 changes set 1");

    /* set 2 learns the opposite relation */
    for (int t = 0; t < 20000; t++) {
        int bit = (int)rng_below(&r, 2);
        x[0] = (int16_t)(bit ? -600 : 600);
        for (int i = 1; i < 7; i++) x[i] = (int16_t)rng_range(&r, -300, 300);
        x[7] = 256;
        mix_predict(&m, x, 2);
        mix_update(&m, x, bit);
    }
    for (int i = 1; i < 8; i++) x[i] = 0;
    x[0] = 600;
    int p1 = mix_predict(&m, x, 1);
    int p2 = mix_predict(&m, x, 2);
    int p0 = mix_predict(&m, x, 0);
    check(p1 > 3500 && p2 < 600,
          "sets 1 and 2 learned opposite relations: p = %d and %d (of 4096)",
          p1, p2);
    check(p0 == squash((600 * w0) >> 13),
          "untrained set 0 still gives its initial prediction (%d)", p0);
    mix_free(&m);
}

static void test_squash(void) {
    int table_bad = 0, mono_bad = 0;
    for (int d = -2047; d <= 2047; d++) {
        if (squash(d) != squash_interp(d)) table_bad++;
        if (d > -2047 && squash(d) < squash(d - 1)) mono_bad++;
    }
    check(table_bad == 0,
          "squash table equals squash_interp on [-2047, "
          "2047] (%d differ)",
          table_bad);
    check(mono_bad == 0 && squash(0) == 2048 && squash(-2047) >= 1 &&
              squash(2047) <= 4095,
          "squash is monotone, squash(0) = %d, range [%d, %d]", squash(0),
          squash(-2047), squash(2047));
    check(squash(5000) == squash(2047) && squash(-5000) == squash(-2047),
          "squash clamps its argument to +-2047");
    st_table st;
    st_init(&st);
    int inv_bad = 0;
    for (int p = 1; p < 4096; p++) {
        int d = stretch(&st, p);
        /* the smallest d with squash(d) >= p (2047 if there is none) */
        int ok = d >= -2047 && d <= 2047 &&
                 (squash(d) >= p ? d == -2047 || squash(d - 1) < p : d == 2047);
        if (!ok) inv_bad++;
    }
    check(inv_bad == 0,
          "stretch(p) is the smallest d with squash(d) >= p "
          "(%d wrong)",
          inv_bad);
    check(stretch(&st, 2048) == 0 || squash(stretch(&st, 2048)) == 2048,
          "stretch(2048) = %d", stretch(&st, 2048));
}

/* k mixers run fused and k copies run one by one on the same random inputs
 * and bits: the outputs and all weights must agree at every step. */
static void test_fused(int k) {
    mixer a[MIX_FUSE_MAX], b[MIX_FUSE_MAX];
    const int n_in = 21, nsets = 16;
    static const int lrs[MIX_FUSE_MAX] = {7, 4, 12, 1};
    int ok = 1;
    for (int j = 0; j < k; j++) {
        ok &= mix_init(&a[j], n_in, nsets, lrs[j], (int16_t)(2048 * j)) ==
              MDLZ_OK;
        ok &= mix_init(&b[j], n_in, nsets, lrs[j], (int16_t)(2048 * j)) ==
              MDLZ_OK;
    }
    if (!check(ok, "fused k=%d: mix_init", k)) return;
    rng r;
    rng_seed(&r, 40 + (uint64_t)k);
    int16_t x[24] = {0};
    long steps = 50000, pr_bad = 0, w_bad = 0;
    for (long t = 0; t < steps; t++) {
        int bit = (int)rng_below(&r, 2);
        for (int i = 0; i < n_in; i++)
            x[i] = (int16_t)(t % 97 == 0 ? (rng_below(&r, 2) ? 2047 : -2047)
                                         : rng_range(&r, -2047, 2047));
        x[0] = (int16_t)(bit ? 500 : -500); /* something to learn */
        int sets[MIX_FUSE_MAX];
        for (int j = 0; j < k; j++) sets[j] = (int)rng_below(&r, nsets);
        mix_predict_n(a, k, x, sets);
        for (int j = 0; j < k; j++) {
            int p = mix_predict(&b[j], x, sets[j]);
            if (p != a[j].pr || b[j].st != a[j].st) pr_bad++;
        }
        mix_update_n(a, k, x, bit);
        for (int j = 0; j < k; j++) mix_update(&b[j], x, bit);
    }
    for (int j = 0; j < k; j++) {
        size_t bytes = sizeof(int16_t) * (size_t)a[j].n * nsets;
        if (memcmp(a[j].w, b[j].w, bytes) != 0) w_bad++;
    }
    check(pr_bad == 0 && w_bad == 0,
          "mix_predict_n/mix_update_n with k=%d equal %d separate mixers "
          "over %ld steps (%ld outputs, %ld weight sets differ)",
          k, k, steps, pr_bad, w_bad);
    for (int j = 0; j < k; j++) {
        mix_free(&a[j]);
        mix_free(&b[j]);
    }
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_squash();
    test_kernels();
    test_learning();
    test_sets();
    for (int k = 1; k <= MIX_FUSE_MAX; k++) test_fused(k);
    return check_finish();
}
