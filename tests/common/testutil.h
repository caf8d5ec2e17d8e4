/*
 * testutil.h - helpers shared by every C test (api, unit, fuzz): checked
 * allocation, a monotonic clock, a seeded pseudo-random generator
 * (xorshift64*), deterministic test data (random bytes, English-like word
 * salad), and reading files and directories. Everything is static inline:
 * each test is one translation unit and uses only part of it.
 *
 * An allocation failure exits with status 99 (meson: hard error); define
 * TESTUTIL_OUT_OF_MEMORY() before including this header to do otherwise
 * (the fuzz targets abort()).
 */
#ifndef MDLZ_TEST_TESTUTIL_H
#define MDLZ_TEST_TESTUTIL_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef TESTUTIL_OUT_OF_MEMORY
#define TESTUTIL_OUT_OF_MEMORY() exit(99)
#endif

/* ---- memory and time ----------------------------------------------------- */

static inline void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        TESTUTIL_OUT_OF_MEMORY();
    }
    return p;
}

static inline void *xmalloc(size_t n) { return xrealloc(NULL, n); }

static inline double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- pseudo-random numbers ----------------------------------------------- */

/* xorshift64*: small, fast, and the same sequence on every machine. A
 * state may also be set directly ({s}, nonzero). */
typedef struct {
    uint64_t s;
} rng;

static inline void rng_seed(rng *r, uint64_t seed) {
    r->s = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    if (!r->s) r->s = 1;
}

static inline uint64_t rng_next(rng *r) {
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

/* The high 32 bits of the next output. */
static inline uint32_t rng_next32(rng *r) {
    return (uint32_t)(rng_next(r) >> 32);
}

/* Uniform in [0, n) (n > 0; the modulo bias is irrelevant here). */
static inline uint32_t rng_below(rng *r, uint32_t n) {
    return rng_next32(r) % n;
}

/* Uniform in [lo, hi]. */
static inline int32_t rng_range(rng *r, int32_t lo, int32_t hi) {
    return lo + (int32_t)rng_below(r, (uint32_t)(hi - lo + 1));
}

/* 1 with probability num / den. */
static inline int rng_bernoulli(rng *r, uint32_t num, uint32_t den) {
    return rng_below(r, den) < num;
}

/* ---- test data ------------------------------------------------------------ */

/* Deterministic pseudo-random bytes, same on every run. */
static inline void fill_random(uint8_t *p, size_t n, uint64_t seed) {
    rng r = {seed * 0x9E3779B97F4A7C15ull + 1};
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(rng_next(&r) >> 56);
}

/* The start of both word-salad vocabularies: the commonest English words. */
#define TESTUTIL_COMMON_WORDS                                                  \
    "the", "of", "and", "to", "in", "a", "that", "is", "for", "it", "as",      \
        "was", "with", "be", "by", "on", "not", "he", "this", "are", "or",     \
        "his", "from", "at", "which", "but", "have", "an", "had", "they",      \
        "you", "were", "their", "one", "all", "we", "can", "her", "has",       \
        "there", "been", "if", "more", "when", "will", "would", "who", "so",   \
        "no"

/* Word salad being written into t[0..n): words separated by spaces, lines
 * ended by punctuation and '\n'; everything is cut off at n. */
typedef struct {
    uint8_t *t;
    size_t n, i, line; /* line: length of the current line */
} salad;

/* Appends word w; with `capitalize`, a lowercase word that starts a line
 * gets a capital letter. */
static inline void salad_word(salad *s, const char *w, int capitalize) {
    size_t wl = strlen(w);
    for (size_t k = 0; k < wl && s->i < s->n; k++)
        s->t[s->i++] =
            (uint8_t)(capitalize && k == 0 && s->line == 0 && w[k] >= 'a'
                          ? w[k] - 32
                          : w[k]);
    s->line += wl + 1;
}

/* Appends what follows a word: a space, or with `eol` punct and a line
 * break. */
static inline void salad_sep(salad *s, int eol, char punct) {
    if (s->i >= s->n) return;
    if (eol) {
        s->t[s->i++] = (uint8_t)punct;
        if (s->i < s->n) s->t[s->i++] = '\n';
        s->line = 0;
    } else {
        s->t[s->i++] = ' ';
    }
}

/* n bytes of word salad with punctuation and line breaks: text-like
 * statistics without long repeats. Deterministic for a seed. */
static inline uint8_t *make_words(size_t n, uint64_t seed) {
    static const char *const words[] = {
        TESTUTIL_COMMON_WORDS, "river",       "mountain", "committee",
        "Parliament",          "question",    "between",  "although",
        "seventeen",           "1848",        "42.5%",    "compression",
        "arithmetic",          "probability", "context",  "model"};
    const size_t nw = sizeof words / sizeof words[0];
    salad s = {xmalloc(n), n, 0, 0};
    rng r;
    rng_seed(&r, seed);
    while (s.i < n) {
        salad_word(&s, words[rng_below(&r, (uint32_t)nw)], 1);
        if (s.i < n) {
            int eol = s.line > 64 + rng_below(&r, 12);
            salad_sep(&s, eol, eol && rng_below(&r, 4) == 0 ? '.' : ',');
        }
    }
    return s.t;
}

/* Deterministic English-like text with long repeats: word salad from a
 * small vocabulary, where every so often a long earlier stretch (1-20 KB)
 * is copied again, sometimes with a word changed. */
static inline uint8_t *make_text(size_t n) {
    static const char *const words[] = {TESTUTIL_COMMON_WORDS,
                                        "Congress",
                                        "Government",
                                        "people",
                                        "States",
                                        "nation",
                                        "public",
                                        "year",
                                        "United",
                                        "country",
                                        "great",
                                        "law",
                                        "power",
                                        "peace",
                                        "war",
                                        "treaty",
                                        "commerce",
                                        "revenue",
                                        "duty",
                                        "citizens",
                                        "Union",
                                        "Constitution",
                                        "attention",
                                        "interest",
                                        "subject",
                                        "measures",
                                        "present",
                                        "time",
                                        "last",
                                        "session",
                                        "1790",
                                        "1823",
                                        "$4,000,000",
                                        "17.5%",
                                        "(see above)"};
    const size_t nw = sizeof words / sizeof words[0];
    salad s = {xmalloc(n), n, 0, 0};
    uint64_t x = 88172645463325252ull; /* xorshift64 */
    while (s.i < n) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if (s.i > 30000 && x % 97 == 0) {
            /* a long repeat of earlier text */
            size_t len = 1000 + (size_t)(x >> 20) % 19000;
            size_t from = (size_t)(x >> 40) % (s.i - len / 2);
            for (size_t k = 0; k < len && s.i < n && from + k < s.i; k++)
                s.t[s.i++] = s.t[from + k];
            if ((x >> 8) & 1 && s.i < n) s.t[s.i++] = 'X'; /* an edit */
            continue;
        }
        salad_word(&s, words[x % nw], 0);
        salad_sep(&s, s.line > 70, (x >> 33) % 5 == 0 ? '.' : ',');
    }
    return s.t;
}

/* ---- files ---------------------------------------------------------------- */

/* The whole of a file (malloc'd; *n bytes), or NULL with errno set. */
static inline uint8_t *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = xmalloc(cap);
    for (;;) {
        if (len == cap) buf = xrealloc(buf, cap *= 2);
        size_t k = fread(buf + len, 1, cap - len, f);
        len += k;
        if (k == 0) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    *n = len;
    return buf;
}

/* A growable list of malloc'd strings. */
typedef struct {
    char **v;
    size_t n, cap;
} str_list;

/* Appends s, which the list then owns. */
static inline void str_list_push(str_list *l, char *s) {
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

/* Appends a copy of s. */
static inline void str_list_add(str_list *l, const char *s) {
    size_t len = strlen(s) + 1;
    str_list_push(l, memcpy(xmalloc(len), s, len));
}

static inline void str_list_free(str_list *l) {
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* qsort comparison of two char *. */
static inline int str_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends "dir/NAME" for each entry of dir (dot files, . and .. skipped),
 * in name order. Returns 0, or -1 with errno set if dir cannot be opened. */
static inline int list_dir(const char *dir, str_list *out) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    size_t first = out->n;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *path = xmalloc(len);
        snprintf(path, len, "%s/%s", dir, e->d_name);
        str_list_push(out, path);
    }
    closedir(d);
    if (out->n > first)
        qsort(out->v + first, out->n - first, sizeof *out->v, str_cmp);
    return 0;
}

#endif
