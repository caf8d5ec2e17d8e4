/*
 * gen_seeds.c - writes the seed corpora of the fuzz targets at build time
 * (no binary blobs in the repository: the seeds follow the library).
 *
 *   gen_seeds OUTDIR STAMP
 *   gen_seeds --verify STAMP
 *
 * creates OUTDIR/decompress, OUTDIR/roundtrip and OUTDIR/header (removing
 * the files an earlier run left there), fills them, and writes the list
 * of seeds to STAMP. Everything is deterministic. If the library
 * misbehaves (a stream meant to be valid does not decode), the build still
 * succeeds: the problem is recorded in STAMP, and --verify (the test
 * 'fuzz-replay/seeds') reports it and fails.
 *
 *   decompress/  valid streams of small inputs (empty, 1 byte, text,
 *                random, repetitive, binary) at levels 1-3, with and
 *                without the size in the header, with tables shrunk by a
 *                memory limit; hand-built streams of RAW and ZSTD blocks
 *                under headers with every component mask and edge-of-range
 *                table sizes (also a model-coded block followed by RAW and
 *                ZSTD ones); then invalid ones: truncated and bit-flipped
 *                copies, trailing bytes, two streams back to back, headers
 *                out of range, and one of each block and trailer error.
 *   header/      the first 64 bytes of the valid streams, the invalid
 *                headers, and trailers alone.
 *   roundtrip/   a parameter byte (see fuzz_roundtrip.c) + small inputs.
 *
 * It uses the public API for model-coded streams and builds the container
 * around RAW and ZSTD blocks itself, following docs/format.md.
 *
 * This file: main(), the seed directories and the stamp, byte buffers, the
 * small inputs, the roundtrip seeds and --verify. seeds_streams.c makes the
 * valid streams and their damaged copies, seeds_hand.c the hand-built
 * RAW/ZSTD streams and the invalid headers, blocks and trailers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mdlz.h"
#include "testutil.h"
#include "seeds.h"

static const char *out_root;
static FILE *stamp;
static unsigned n_seeds;

void die(const char *what) {
    fprintf(stderr, "gen_seeds: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* The library misbehaved while seeds were made (a stream meant to be valid
 * does not decode, compression fails). Not fatal to the build: recorded in
 * the stamp, where the 'seeds' test (gen_seeds --verify) reports it. */
static unsigned n_problems;
void problem(const char *fmt, ...) {
    va_list ap;
    fputs("gen_seeds: warning: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs("PROBLEM ", stamp);
    va_start(ap, fmt);
    vfprintf(stamp, fmt, ap);
    va_end(ap);
    fputc('\n', stamp);
    n_problems++;
}

/* ---- growable byte buffers ------------------------------------------------ */
void put(buf *b, const void *src, size_t n) {
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n) cap *= 2;
        uint8_t *np = realloc(b->p, cap);
        if (!np) die("realloc");
        b->p = np;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, src, n);
    b->n += n;
}
void put8(buf *b, unsigned v) {
    uint8_t c = (uint8_t)v;
    put(b, &c, 1);
}
void put32(buf *b, uint32_t v) {
    for (int i = 0; i < 4; i++) put8(b, (v >> (8 * i)) & 0xff);
}
void put64(buf *b, uint64_t v) {
    for (int i = 0; i < 8; i++) put8(b, (unsigned)(v >> (8 * i)) & 0xff);
}
void buf_free(buf *b) {
    free(b->p);
    memset(b, 0, sizeof *b);
}
buf copy(const uint8_t *p, size_t n) {
    buf b = {0};
    put(&b, p, n);
    return b;
}

/* ---- files ----------------------------------------------------------------- */
static void join(char *dst, size_t cap, const char *a, const char *b) {
    int k = snprintf(dst, cap, "%s/%s", a, b);
    if (k < 0 || (size_t)k >= cap) {
        errno = ENAMETOOLONG;
        die(a);
    }
}

static void make_dir(const char *path) {
    if (mkdir(path, 0777) != 0 && errno != EEXIST) die(path);
}

/* Removes the regular files of dir (seeds of an earlier run). */
static void clear_dir(const char *dir) {
    str_list entries = {0};
    if (list_dir(dir, &entries) != 0) die(dir);
    for (size_t i = 0; i < entries.n; i++) {
        const char *path = entries.v[i];
        struct stat sb;
        if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && unlink(path) != 0)
            die(path);
    }
    str_list_free(&entries);
}

void seed(const char *target, const char *name, const void *p, size_t n) {
    char dir[4096], path[4096];
    join(dir, sizeof dir, out_root, target);
    join(path, sizeof path, dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) die(path);
    if ((n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) die(path);
    fprintf(stamp, "%s/%s %zu\n", target, name, n);
    n_seeds++;
}

/* ---- inputs ---------------------------------------------------------------- */
static rng seed_rng = {0x6d646c7a66757a7aull};

input inputs[N_INPUTS];

static void make_inputs(void) {
    static const char *const lines[] = {
        "The quick brown fox jumps over the lazy dog.",
        "A context-mixing compressor predicts one bit at a time,",
        "mixing the opinions of many models in the logistic domain;",
        "  indented line\twith a tab, digits 0123456789 and CAPITALS",
        "",
        "word word word: repeated words feed the word and bigram models",
        "column\tone\tcolumn\ttwo\tcolumn\tthree",
    };
    for (int i = 0; i < N_INPUTS; i++) memset(&inputs[i], 0, sizeof inputs[i]);
    inputs[IN_EMPTY].name = "empty";
    inputs[IN_ONE].name = "one";
    put8(&inputs[IN_ONE].data, 'a');
    inputs[IN_TEXT].name = "text";
    for (int i = 0; inputs[IN_TEXT].data.n < 2000; i++) {
        char line[128];
        int k = snprintf(line, sizeof line, "%d: %s\n", i * 7 % 100,
                         lines[(i * 5 + i / 7) % 7]);
        put(&inputs[IN_TEXT].data, line, (size_t)k);
    }
    inputs[IN_RANDOM].name = "random";
    for (int i = 0; i < 1024; i++)
        put8(&inputs[IN_RANDOM].data, rng_next32(&seed_rng) & 0xff);
    inputs[IN_REPEAT].name = "repeat";
    for (int i = 0; i < 1500; i++)
        put8(&inputs[IN_REPEAT].data, i % 97 == 50 ? 'X' : "abcab"[i % 5]);
    inputs[IN_BINARY].name = "binary";
    for (uint32_t i = 0; i < 300; i++)
        put32(&inputs[IN_BINARY].data, i * 3 + (i >> 4));
    inputs[IN_UTF8].name = "utf8";
    for (int i = 0; i < 40; i++) {
        static const char u[] = "na\xc3\xafve caf\xc3\xa9 \xe2\x82\xac 12 "
                                "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\n";
        put(&inputs[IN_UTF8].data, u, sizeof u - 1);
    }
    inputs[IN_ZEROS].name = "zeros";
    for (int i = 0; i < 3000; i++) put8(&inputs[IN_ZEROS].data, 0);
}

static void roundtrip_seeds(void) {
    static const struct {
        int in;
        uint8_t param;
    } rt[] = {
        {IN_EMPTY, 0x00},  {IN_ONE, 0x00},    {IN_ONE, 0x41},
        {IN_TEXT, 0x00},   {IN_TEXT, 0x01},   {IN_TEXT, 0x02},
        {IN_TEXT, 0x04},   {IN_TEXT, 0x09},   {IN_TEXT, 0x1a},
        {IN_TEXT, 0x41},   {IN_RANDOM, 0x00}, {IN_RANDOM, 0x46},
        {IN_REPEAT, 0x02}, {IN_REPEAT, 0x0c}, {IN_BINARY, 0x01},
        {IN_UTF8, 0x02},   {IN_ZEROS, 0x00},  {IN_ZEROS, 0x2d},
    };
    for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++) {
        const input *in = &inputs[rt[i].in];
        buf s = {0};
        put8(&s, rt[i].param);
        put(&s, in->data.p, in->data.n);
        char nm[64];
        snprintf(nm, sizeof nm, "%s-%02x", in->name, rt[i].param);
        seed("roundtrip", nm, s.p, s.n);
        buf_free(&s);
    }
    seed("roundtrip", "nothing", "", 0);
}

/* gen_seeds --verify STAMP: fails if making the seeds met problems. */
static int verify(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) die(path);
    char line[1024];
    unsigned problems = 0, seeds = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "PROBLEM ", 8)) {
            printf("not ok - %s", line + 8);
            problems++;
        } else if (strstr(line, " seeds\n")) {
            seeds = (unsigned)strtoul(line, NULL, 10);
        }
    }
    fclose(f);
    if (!problems)
        printf("ok - %u seeds generated, the valid ones decode\n", seeds);
    printf("%u passed, %u failed\n", problems ? 0 : 1, problems);
    return problems || !seeds ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--verify")) return verify(argv[2]);
    if (argc != 3) {
        fprintf(stderr, "usage: %s OUTDIR STAMP | --verify STAMP\n", argv[0]);
        return 2;
    }
    out_root = argv[1];
    static const char *const targets[] = {"decompress", "roundtrip", "header"};
    make_dir(out_root);
    for (int i = 0; i < 3; i++) {
        char path[4096];
        join(path, sizeof path, out_root, targets[i]);
        make_dir(path);
        clear_dir(path);
    }
    char tmp[4096];
    int k = snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    if (k < 0 || (size_t)k >= sizeof tmp) {
        errno = ENAMETOOLONG;
        die(argv[2]);
    }
    stamp = fopen(tmp, "w");
    if (!stamp) die(tmp);

    make_inputs();
    level_streams();
    custom_streams();
    variants_of_l1_text();
    corrupt_streams();
    roundtrip_seeds();

    fprintf(stamp, "%u seeds\n", n_seeds);
    if (n_problems)
        fprintf(stderr, "gen_seeds: %u problem(s); see %s\n", n_problems,
                argv[2]);
    if (fclose(stamp) != 0) die(tmp);
    if (rename(tmp, argv[2]) != 0) die(argv[2]);
    for (int i = 0; i < N_INPUTS; i++) buf_free(&inputs[i].data);
    return 0;
}
