/*
 * test_predictor.c - the whole bit predictor and block coding
 * (engine/model/predictor.h, engine/stream/block.h), with the match model in it.
 *
 * For several levels (cfg_from_level): a text repeated must cost almost
 * nothing the second time (blk_encode of X+X adds < 0.1 bit per byte of
 * the copy over X alone, and the predictor's own probabilities on the copy
 * say the same); the match model is what makes it so; two predictors fed
 * the same bits give identical probabilities; blk_train, blk_encode (also
 * when the output does not fit) and blk_decode leave identical states;
 * pred_p stays in [1, 65535].
 */
#include "block.h"
#include "table.h"
#include "unit.h"

#define TEXT_SIZE ((size_t)64 << 10)

static const int levels[] = {1, 3, 7};

static predictor *make(const mdlz_config *cfg, const char *what) {
    predictor *p = NULL;
    mdlz_status st = sys_open_plain(cfg, &p);
    if (st != MDLZ_OK) {
        check(0, "%s: pred_create (%s)", what, mdlz_strerror(st));
        return NULL;
    }
    return p;
}

/* Feeds byte c to p; adds its cost in bits to *cost (if not NULL) and
 * counts probabilities outside [1, 65535] in *range_bad. */
static void feed(predictor *p, int c, double *cost, long *range_bad) {
    for (int b = 7; b >= 0; b--) {
        int bit = (c >> b) & 1;
        uint32_t q = pred_p(p);
        if (q < 1 || q > 65535) (*range_bad)++;
        if (cost) *cost += bit_cost(bit, q, 65536.0);
        pred_update(p, bit);
    }
}

/* Coded size of src through a fresh predictor. */
static size_t coded_size(const mdlz_config *cfg, const uint8_t *src, size_t n) {
    predictor *p = make(cfg, "coded_size");
    if (!p) return 0;
    size_t cap = n + n / 2 + 64;
    uint8_t *dst = xmalloc(cap);
    size_t z = blk_encode(p, src, n, dst, cap);
    free(dst);
    pred_free(p);
    return z;
}

/* Cost in bits of src[from..n) when src[0..n) goes through a fresh
 * predictor. */
static double tail_cost(const mdlz_config *cfg, const uint8_t *src, size_t n,
                        size_t from, long *range_bad) {
    predictor *p = make(cfg, "tail_cost");
    if (!p) return 1e30;
    double cost = 0;
    for (size_t i = 0; i < n; i++)
        feed(p, src[i], i >= from ? &cost : NULL, range_bad);
    pred_free(p);
    return cost;
}

static void test_repeat(const mdlz_config *cfg, const uint8_t *x, size_t n) {
    int level = cfg->level;
    uint8_t *xx = xmalloc(2 * n);
    memcpy(xx, x, n);
    memcpy(xx + n, x, n);
    size_t a = coded_size(cfg, x, n), b = coded_size(cfg, xx, 2 * n);
    double extra = 8.0 * ((double)b - (double)a) / (double)n;
    check(a > 0 && b > 0 && extra < 0.1,
          "level %d: X = %zu bytes -> %zu, X+X -> %zu: the copy costs %.4f "
          "bit/byte (limit 0.1)",
          level, n, a, b, extra);

    long range_bad = 0;
    double second = tail_cost(cfg, xx, 2 * n, n, &range_bad) / (double)n;
    check(second < 0.1,
          "level %d: predicted cost of the copy %.4f bit/byte (limit 0.1)",
          level, second);

    /* without the match model the copy is far more expensive: it is the
     * match model that recognizes it */
    mdlz_config nm = *cfg;
    nm.components &= (uint16_t)~COMP_MATCH;
    double second_nm = tail_cost(&nm, xx, 2 * n, n, &range_bad) / (double)n;
    check(second_nm > 2 * second,
          "level %d: without the match model the copy costs %.4f bit/byte "
          "(%.4f with it)",
          level, second_nm, second);
    check(range_bad == 0, "level %d: pred_p always in [1, 65535] (%ld not)",
          level, range_bad);
    free(xx);
}

/* Two predictors fed the same bits predict the same p for every bit. */
static void test_determinism(const mdlz_config *cfg, const uint8_t *x,
                             size_t n) {
    predictor *p = make(cfg, "determinism"), *q = make(cfg, "determinism");
    if (p && q) {
        size_t diff = 0, first = 0;
        for (size_t i = 0; i < n; i++)
            for (int b = 7; b >= 0; b--) {
                int bit = (x[i] >> b) & 1;
                uint32_t pp = pred_p(p), pq = pred_p(q);
                if (pp != pq && diff++ == 0) first = i * 8 + (size_t)(7 - b);
                pred_update(p, bit);
                pred_update(q, bit);
            }
        if (diff == 0)
            check(1, "level %d: two predictors give identical p over %zu bits",
                  cfg->level, 8 * n);
        else
            check(0,
                  "level %d: two predictors give identical p over %zu "
                  "bits (%zu differ, the first at bit %zu)",
                  cfg->level, 8 * n, diff, first);
    }
    pred_free(p);
    pred_free(q);
}

/* Probabilities of p and q over the bits of y; returns how many differ. */
static size_t compare_on(predictor *p, predictor *q, const uint8_t *y,
                         size_t n) {
    size_t diff = 0;
    for (size_t i = 0; i < n; i++)
        for (int b = 7; b >= 0; b--) {
            int bit = (y[i] >> b) & 1;
            if (pred_p(p) != pred_p(q)) diff++;
            pred_update(p, bit);
            pred_update(q, bit);
        }
    return diff;
}

/* blk_encode, blk_encode into a too-small buffer, blk_train and blk_decode
 * of the same bytes leave the same model: the probabilities for the bytes
 * that follow agree. */
static void test_train_encode(const mdlz_config *cfg, const uint8_t *x,
                              size_t n) {
    int level = cfg->level;
    uint8_t *y = make_words(n / 2, 77); /* what follows: new and old text */
    memcpy(y + n / 4, x + n / 3, n / 4);
    predictor *enc = make(cfg, "encode"), *tr = make(cfg, "train");
    predictor *small = make(cfg, "small"), *dec = make(cfg, "decode");
    if (enc && tr && small && dec) {
        size_t cap = n + 64;
        uint8_t *z = xmalloc(cap), *zs = xmalloc(64), *back = xmalloc(n);
        size_t zn = blk_encode(enc, x, n, z, cap);
        check(zn > 0 && zn < n / 2, "level %d: blk_encode %zu -> %zu bytes",
              level, n, zn);
        size_t zsn = blk_encode(small, x, n, zs, 64);
        check(zsn == 0, "level %d: blk_encode into 64 bytes returns 0", level);
        blk_train(tr, x, n);
        blk_decode(dec, z, zn, back, n);
        check(memcmp(back, x, n) == 0,
              "level %d: blk_decode restores the "
              "block",
              level);
        size_t d1 = compare_on(enc, tr, y, n / 2);
        check(d1 == 0,
              "level %d: blk_train leaves the state of blk_encode (%zu of "
              "%zu following p's differ)",
              level, d1, 4 * n);
        /* enc and tr have now seen x + y; continue small and dec on y and
         * compare them with a fresh copy of the reference */
        size_t d2 = compare_on(small, dec, y, n / 2);
        check(d2 == 0,
              "level %d: blk_encode that overflowed and blk_decode leave "
              "the same state (%zu differ)",
              level, d2);
        /* and the two pairs agree with each other */
        uint8_t tail[256];
        fill_random(tail, sizeof tail, 5);
        size_t d3 = compare_on(enc, dec, tail, sizeof tail);
        check(d3 == 0,
              "level %d: encoder and decoder states agree (%zu "
              "differ)",
              level, d3);
        free(z);
        free(zs);
        free(back);
    }
    pred_free(enc);
    pred_free(tr);
    pred_free(small);
    pred_free(dec);
    free(y);
}

/* Random bytes cannot be compressed: blk_encode reports that they do not
 * fit in their own size, and the model takes no harm from them. */
static void test_random(const mdlz_config *cfg) {
    const size_t n = 16384;
    uint8_t *r = xmalloc(n);
    fill_random(r, n, 3);
    size_t z = coded_size(cfg, r, n);
    check(z > n - n / 50 && z < n + n / 20,
          "level %d: %zu random bytes code to %zu bytes", cfg->level, n, z);
    predictor *p = make(cfg, "random");
    if (p) {
        uint8_t *dst = xmalloc(n);
        size_t zn = blk_encode(p, r, n, dst, n - 1);
        check(zn == 0, "level %d: random bytes do not fit in n-1 bytes",
              cfg->level);
        free(dst);
        pred_free(p);
    }
    free(r);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    uint8_t *x = make_words(TEXT_SIZE, 1);
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        mdlz_config cfg;
        mdlz_status st = cfg_from_level(&cfg, levels[i], 0);
        if (!check(st == MDLZ_OK && cfg_validate(&cfg) == MDLZ_OK,
                   "cfg_from_level(%d) (%s)", levels[i], mdlz_strerror(st)))
            continue;
        check(pred_memory(&cfg) > 0 && cfg_memory(&cfg) >= pred_memory(&cfg),
              "level %d: model memory %llu bytes", levels[i],
              (unsigned long long)cfg_memory(&cfg));
        double t0 = now_seconds();
        test_repeat(&cfg, x, TEXT_SIZE);
        test_determinism(&cfg, x, TEXT_SIZE / 2);
        test_train_encode(&cfg, x, TEXT_SIZE);
        test_random(&cfg);
        printf("# level %d: %.2f s\n", levels[i], now_seconds() - t0);
    }
    free(x);
    return check_finish();
}
