/*
 * test_coder.c - the binary arithmetic coder (engine/coder/coder.h).
 *
 * Round trips of long bit streams under skewed, random and varying
 * probabilities (bits drawn from the stated probability, and against it);
 * output buffers of exactly the needed size and one byte short (overflow
 * flag, nothing written past the capacity); the flush (0 bits -> at most 1
 * byte); the split point stays inside the range; and the cost of coding
 * with the true probability is within 1% of the information content.
 */
#include "coder.h"
#include "unit.h"

#define NBITS  ((size_t)1 << 18)
#define CANARY 0xA5

/* A probability source: the p16 used for each bit. */
typedef enum {
    SRC_LOW,    /* p16 in [1, 32]: bits almost surely 0 */
    SRC_HIGH,   /* p16 in [65504, 65535]: bits almost surely 1 */
    SRC_RANDOM, /* p16 uniform in [1, 65535] */
    SRC_SWEEP,  /* p16 sweeping slowly from 1 to 65535 and back */
    SRC_FLIP,   /* p16 = 1 or 65535 at random */
    SRC_MIDDLE, /* p16 in [16384, 49152] */
    SRC_COUNT
} source;

static const char *const src_name[SRC_COUNT] = {
    "p16 near 1",   "p16 near 65535",       "random p16",
    "sweeping p16", "p16 flipping 1/65535", "p16 near 1/2"};

static uint32_t p_of(source s, rng *r, size_t i, size_t n) {
    switch (s) {
    case SRC_LOW: return (uint32_t)rng_range(r, 1, 32);
    case SRC_HIGH: return (uint32_t)rng_range(r, 65504, 65535);
    case SRC_RANDOM: return (uint32_t)rng_range(r, 1, 65535);
    case SRC_SWEEP: {
        /* a triangle wave over 8 periods */
        uint64_t period = n / 8, ph = i % period;
        uint64_t t = ph < period / 2 ? ph : period - ph; /* 0..period/2 */
        return 1 + (uint32_t)(t * 65534 / (period / 2));
    }
    case SRC_FLIP: return rng_below(r, 2) ? 65535 : 1;
    case SRC_MIDDLE: return (uint32_t)rng_range(r, 16384, 49152);
    default: return 32768;
    }
}

typedef struct {
    uint32_t *p;
    uint8_t *bit;
    size_t n;
    double info; /* sum of -log2 P(bit) */
} stream;

/* Fills s with n probabilities of source `src` and bits drawn from them
 * (adverse = 0) or from the opposite probability (adverse = 1). */
static void make_stream(stream *s, source src, int adverse, size_t n,
                        uint64_t seed) {
    rng r;
    rng_seed(&r, seed);
    s->n = n;
    s->p = xmalloc(n * sizeof *s->p);
    s->bit = xmalloc(n);
    s->info = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = p_of(src, &r, i, n);
        int b = rng_bernoulli(&r, p, 65536);
        if (adverse) b = !rng_bernoulli(&r, p, 65536);
        s->p[i] = p;
        s->bit[i] = (uint8_t)b;
        s->info += bit_cost(b, p, 65536.0);
    }
}

static void free_stream(stream *s) {
    free(s->p);
    free(s->bit);
}

/* Encodes s into out (capacity cap, followed by canary bytes the coder
 * must not touch). Returns the flushed length; *overflow gets the flag. */
static size_t encode(const stream *s, uint8_t *out, size_t cap, int *overflow) {
    ac_encoder e;
    ac_enc_init(&e, out, cap);
    for (size_t i = 0; i < s->n; i++) ac_encode(&e, s->bit[i], s->p[i]);
    ac_enc_flush(&e);
    *overflow = e.overflow;
    return e.pos;
}

/* Decodes s->n bits from in[0..size); returns the index of the first
 * wrong bit, or s->n if all match. */
static size_t decode(const stream *s, const uint8_t *in, size_t size) {
    ac_decoder d;
    ac_dec_init(&d, in, size);
    for (size_t i = 0; i < s->n; i++)
        if (ac_decode(&d, s->p[i]) != s->bit[i]) return i;
    return s->n;
}

static int canary_intact(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != CANARY) return 0;
    return 1;
}

static void test_stream(source src, int adverse, size_t n, uint64_t seed) {
    stream s;
    make_stream(&s, src, adverse, n, seed);
    const char *name = src_name[src];
    const char *how = adverse ? "bits against p" : "bits from p";
    /* Worst case is about 2 bytes per bit (p16 = 1 against the bit) plus
     * the loss of the carry-less range; 4 bytes per bit is ample. */
    size_t big = 4 * n + 64;
    uint8_t *out = xmalloc(big + 64);
    memset(out, CANARY, big + 64);
    int ovf = 0;
    size_t len = encode(&s, out, big, &ovf);
    check(!ovf && len <= big && canary_intact(out + len, big + 64 - len),
          "%s, %s: %zu bits -> %zu bytes, no overflow", name, how, n, len);

    size_t bad = decode(&s, out, len);
    check(bad == n, "%s, %s: round trip (first wrong bit %zu of %zu)", name,
          how, bad, n);

    /* The cost of the stream against its information content: the
     * carry-less coder and the flush may add a little; the integer split
     * gives each bit's interval up to one extra value, which can save a
     * hair (a few bits in millions) but no more. */
    double bits = 8.0 * (double)len;
    double slack = adverse ? 0.05 : 0.01; /* adverse: the precision limit */
    check(bits <= s.info * (1 + slack) + 40 && bits >= s.info * 0.999 - 16,
          "%s, %s: %.0f bits coded vs %.1f bits of information (%+.3f%%, "
          "limit %+.0f%%)",
          name, how, bits, s.info,
          s.info > 0 ? 100.0 * (bits - s.info) / s.info : 0.0, 100 * slack);

    /* exactly the needed capacity: same bytes, no overflow */
    uint8_t *ex = xmalloc(len + 64);
    memset(ex, CANARY, len + 64);
    size_t len2 = encode(&s, ex, len, &ovf);
    check(!ovf && len2 == len && memcmp(ex, out, len) == 0 &&
              canary_intact(ex + len, 64),
          "%s, %s: exact-size buffer (%zu bytes) holds the stream", name, how,
          len);
    bad = decode(&s, ex, len);
    check(bad == n, "%s, %s: decodes from the exact-size buffer", name, how);

    /* one byte short: overflow flagged, the prefix written, nothing past
     * the capacity */
    if (len > 0) {
        memset(ex, CANARY, len + 64);
        len2 = encode(&s, ex, len - 1, &ovf);
        check(ovf && len2 <= len - 1 && memcmp(ex, out, len - 1) == 0 &&
                  canary_intact(ex + len - 1, 65),
              "%s, %s: buffer one byte short sets overflow, writes %zu of "
              "%zu bytes, nothing past the end",
              name, how, len2, len - 1);
    }
    /* no room at all */
    memset(ex, CANARY, 64);
    len2 = encode(&s, ex, 0, &ovf);
    check((len == 0 || ovf) && len2 == 0 && canary_intact(ex, 64),
          "%s, %s: zero capacity (overflow %d, nothing written)", name, how,
          ovf);
    free(ex);
    free(out);
    free_stream(&s);
}

static void test_split(void) {
    rng r;
    rng_seed(&r, 7);
    long bad = 0, cases = 0;
    for (int i = 0; i < 1000000; i++) {
        uint32_t x1 = (uint32_t)rng_next(&r), x2 = (uint32_t)rng_next(&r);
        switch (i % 4) {
        case 0: x2 = x1 + (uint32_t)rng_below(&r, 4); break; /* tiny range */
        case 1: x2 = x1 + (uint32_t)rng_below(&r, 1u << 24); break;
        default: break;
        }
        if (x2 < x1) {
            uint32_t t = x1;
            x1 = x2;
            x2 = t;
        }
        if (x1 == x2) continue; /* the coder never holds an empty range */
        uint32_t p = i % 3 == 0 ? (i & 8 ? 65535u : 1u)
                                : (uint32_t)rng_range(&r, 1, 65535);
        uint32_t m = ac_split(x1, x2, p);
        cases++;
        if (m < x1 || m >= x2) bad++;
    }
    check(bad == 0, "ac_split: x1 <= split < x2 for %ld ranges (%ld bad)",
          cases, bad);
}

static void test_flush(void) {
    uint8_t buf[64];
    memset(buf, CANARY, sizeof buf);
    ac_encoder e;
    ac_enc_init(&e, buf, 8);
    ac_enc_flush(&e);
    check(!e.overflow && e.pos <= 1 &&
              canary_intact(buf + e.pos, sizeof buf - e.pos),
          "0 bits flush to %zu byte(s)", e.pos);

    /* a few bits: the flush is at most 4 bytes, and what it leaves decodes */
    rng r;
    rng_seed(&r, 11);
    double worst = -1e9; /* largest coded bits minus information */
    int ok = 1;
    for (int t = 0; t < 20000; t++) {
        int nb = 1 + (int)rng_below(&r, 24);
        uint32_t p[24];
        int bits[24];
        double info = 0;
        ac_enc_init(&e, buf, sizeof buf);
        for (int i = 0; i < nb; i++) {
            p[i] = (uint32_t)rng_range(&r, 1, 65535);
            bits[i] = (int)rng_below(&r, 2);
            info += bit_cost(bits[i], p[i], 65536.0);
            ac_encode(&e, bits[i], p[i]);
        }
        ac_enc_flush(&e);
        if (8.0 * (double)e.pos - info > worst)
            worst = 8.0 * (double)e.pos - info;
        ac_decoder d;
        ac_dec_init(&d, buf, e.pos);
        for (int i = 0; i < nb; i++)
            if (ac_decode(&d, p[i]) != bits[i]) ok = 0;
    }
    check(ok, "20000 short streams (1-24 bits) round trip");
    check(worst <= 16,
          "short streams: at most %.1f bits over their information content",
          worst);

    /* 1000 bits at p = 1/2 cost 125 bytes; the flush adds at most one */
    uint8_t *big = xmalloc(256);
    ac_enc_init(&e, big, 256);
    for (int i = 0; i < 1000; i++) ac_encode(&e, (int)rng_below(&r, 2), 32768);
    ac_enc_flush(&e);
    check(e.pos >= 125 && e.pos <= 126,
          "1000 bits at p = 1/2: %zu bytes (125 is the information)", e.pos);
    free(big);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_split();
    test_flush();
    for (int s = 0; s < SRC_COUNT; s++)
        for (int adverse = 0; adverse < 2; adverse++)
            test_stream((source)s, adverse, NBITS, 100 + (uint64_t)s);
    /* a longer stream: the 1% bound must hold over millions of bits */
    test_stream(SRC_RANDOM, 0, (size_t)1 << 23, 999);
    test_stream(SRC_SWEEP, 0, (size_t)1 << 22, 998);
    return check_finish();
}
