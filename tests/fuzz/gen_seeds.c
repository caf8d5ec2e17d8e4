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
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "mdlz.h"
#include "testutil.h"

static const char *out_root;
static FILE *stamp;
static unsigned n_seeds;

static void die(const char *what) {
    fprintf(stderr, "gen_seeds: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* The library misbehaved while seeds were made (a stream meant to be valid
 * does not decode, compression fails). Not fatal to the build: recorded in
 * the stamp, where the 'seeds' test (gen_seeds --verify) reports it. */
static unsigned n_problems;
__attribute__((format(printf, 1, 2))) static void problem(const char *fmt,
                                                         ...) {
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
typedef struct {
    uint8_t *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *src, size_t n) {
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
static void put8(buf *b, unsigned v) {
    uint8_t c = (uint8_t)v;
    put(b, &c, 1);
}
static void put32(buf *b, uint32_t v) {
    for (int i = 0; i < 4; i++) put8(b, (v >> (8 * i)) & 0xff);
}
static void put64(buf *b, uint64_t v) {
    for (int i = 0; i < 8; i++) put8(b, (unsigned)(v >> (8 * i)) & 0xff);
}
static void buf_free(buf *b) {
    free(b->p);
    memset(b, 0, sizeof *b);
}
static buf copy(const uint8_t *p, size_t n) {
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

static void seed(const char *target, const char *name, const void *p,
                 size_t n) {
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

typedef struct {
    const char *name;
    buf data;
} input;

enum { IN_EMPTY, IN_ONE, IN_TEXT, IN_RANDOM, IN_REPEAT, IN_BINARY, IN_UTF8,
       IN_ZEROS, N_INPUTS };
static input inputs[N_INPUTS];

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
    for (int i = 0; i < 1024; i++) put8(&inputs[IN_RANDOM].data, rng_next32(&seed_rng) & 0xff);
    inputs[IN_REPEAT].name = "repeat";
    for (int i = 0; i < 1500; i++)
        put8(&inputs[IN_REPEAT].data, i % 97 == 50 ? 'X' : "abcab"[i % 5]);
    inputs[IN_BINARY].name = "binary";
    for (uint32_t i = 0; i < 300; i++) put32(&inputs[IN_BINARY].data, i * 3 + (i >> 4));
    inputs[IN_UTF8].name = "utf8";
    for (int i = 0; i < 40; i++) {
        static const char u[] = "na\xc3\xafve caf\xc3\xa9 \xe2\x82\xac 12 "
                                "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\n";
        put(&inputs[IN_UTF8].data, u, sizeof u - 1);
    }
    inputs[IN_ZEROS].name = "zeros";
    for (int i = 0; i < 3000; i++) put8(&inputs[IN_ZEROS].data, 0);
}

/* ---- streams through the library ------------------------------------------ */
/* Both return an empty buffer (and record a problem) if compression fails. */
static buf compress_level(const buf *src, int level) {
    buf out = {0};
    size_t cap = (size_t)mdlz_compress_bound(src->n), n = 0;
    out.p = malloc(cap);
    out.cap = cap;
    if (!out.p) die("malloc");
    mdlz_status st = mdlz_compress(out.p, cap, &n, src->p, src->n, level);
    if (st != MDLZ_OK) {
        problem("mdlz_compress(%zu bytes, level %d): %s", src->n, level,
                mdlz_strerror(st));
        n = 0;
    }
    out.n = n;
    return out;
}

static buf compress_params(const buf *src, const mdlz_params *p) {
    buf out = {0};
    size_t cap = (size_t)mdlz_compress_bound(src->n);
    out.p = malloc(cap);
    out.cap = cap;
    if (!out.p) die("malloc");
    mdlz_cctx *c;
    mdlz_status st = mdlz_cctx_create(&c, p);
    int done = 0;
    mdlz_inbuf in = {src->p, src->n, 0};
    mdlz_outbuf o = {out.p, cap, 0};
    while (st == MDLZ_OK && !done) st = mdlz_compress_stream(c, &o, &in, 1, &done);
    mdlz_cctx_free(c);
    if (st != MDLZ_OK) {
        problem("compress_stream(%zu bytes, level %d): %s", src->n, p->level,
                mdlz_strerror(st));
        o.pos = 0;
    }
    out.n = o.pos;
    return out;
}

/* Checks that a stream we call valid decodes (and to what we meant). */
static void check_valid(const char *name, const buf *s, const uint8_t *orig,
                        size_t orig_n) {
    size_t cap = orig_n ? orig_n : 1, n;
    uint8_t *dst = malloc(cap);
    if (!dst) die("malloc");
    mdlz_status st = mdlz_decompress(dst, cap, &n, s->p, s->n, (uint64_t)256 << 20);
    if (st != MDLZ_OK || n != orig_n || (n && memcmp(dst, orig, n)))
        problem("%s: a valid stream does not decode to its input: %s", name,
                mdlz_strerror(st));
    free(dst);
}

/* ---- hand-built streams (docs/format.md) ----------------------------------- */
typedef struct {
    int level, block_log, ctx_bits, win_bits, mtab_bits, reserved;
    unsigned components, flags;
    uint64_t size;
} hdr_spec;

static const hdr_spec MIN_HDR = {1, 16, 16, 16, 12, 0, 0x01, 0, 0};

static void put_header(buf *b, const hdr_spec *h) {
    size_t start = b->n;
    put(b, "MDLZ", 4);
    put8(b, 1);
    put8(b, h->flags);
    put8(b, (unsigned)h->level);
    put8(b, (unsigned)h->block_log);
    put8(b, (unsigned)h->ctx_bits);
    put8(b, (unsigned)h->win_bits);
    put8(b, (unsigned)h->mtab_bits);
    put8(b, (unsigned)h->reserved);
    put8(b, h->components & 0xff);
    put8(b, (h->components >> 8) & 0xff);
    if (h->flags & 1) put64(b, h->size);
    put32(b, XXH32(b->p + start, b->n - start, 0));
}

static void put_raw(buf *b, const uint8_t *p, size_t n) {
    put8(b, 2);
    put32(b, (uint32_t)n);
    put32(b, XXH32(p, n, 0));
    put(b, p, n);
}

/* A ZSTD block of p[0..n); the data must be compressible. */
static void put_zstd(buf *b, const uint8_t *p, size_t n) {
    size_t cap = ZSTD_compressBound(n);
    uint8_t *z = malloc(cap);
    if (!z) die("malloc");
    size_t zn = ZSTD_compress(z, cap, p, n, 3);
    if (ZSTD_isError(zn) || zn >= n) {
        fprintf(stderr, "gen_seeds: zstd block of %zu bytes: no gain\n", n);
        exit(1);
    }
    put8(b, 3);
    put32(b, (uint32_t)n);
    put32(b, (uint32_t)zn);
    put32(b, XXH32(p, n, 0));
    put(b, z, zn);
    free(z);
}

static void put_trailer(buf *b, const uint8_t *all, size_t n) {
    put8(b, 0);
    put64(b, n);
    put64(b, XXH64(all, n, 0));
}

/* A stream under header h of RAW / ZSTD blocks: kinds is a string of 'r'
 * and 'z', one block per letter, cutting `data` in equal parts. */
static buf build(const hdr_spec *h, const buf *data, const char *kinds) {
    buf s = {0};
    put_header(&s, h);
    size_t nb = strlen(kinds), off = 0;
    for (size_t i = 0; i < nb; i++) {
        size_t len = (data->n - off) / (nb - i);
        if (kinds[i] == 'z')
            put_zstd(&s, data->p + off, len);
        else
            put_raw(&s, data->p + off, len);
        off += len;
    }
    put_trailer(&s, data->p, data->n);
    return s;
}

/* ---- seed sets --------------------------------------------------------------- */
static void flip_variants(const char *name, const buf *s, const size_t *pos,
                          size_t npos) {
    for (size_t i = 0; i < npos; i++) {
        if (pos[i] >= s->n) continue;
        buf v = copy(s->p, s->n);
        v.p[pos[i]] ^= (uint8_t)(1u << (pos[i] % 8));
        char nm[128];
        snprintf(nm, sizeof nm, "flip-%s-%zu.mdlz", name, pos[i]);
        seed("decompress", nm, v.p, v.n);
        buf_free(&v);
    }
}

static void trunc_variants(const char *name, const buf *s, const size_t *cut,
                           size_t ncut) {
    for (size_t i = 0; i < ncut; i++) {
        if (cut[i] >= s->n) continue;
        char nm[128];
        snprintf(nm, sizeof nm, "trunc-%s-%zu.mdlz", name, cut[i]);
        seed("decompress", nm, s->p, cut[i]);
    }
}

/* A valid stream: into decompress/, its start into header/. */
static void valid(const char *name, const buf *s, const buf *orig) {
    if (!s->n) return; /* compression failed (recorded) */
    check_valid(name, s, orig->p, orig->n);
    char nm[128];
    snprintf(nm, sizeof nm, "%s.mdlz", name);
    seed("decompress", nm, s->p, s->n);
    snprintf(nm, sizeof nm, "hdr-%s", name);
    seed("header", nm, s->p, s->n < MDLZ_HEADER_MAX ? s->n : MDLZ_HEADER_MAX);
}

static void invalid_header(const char *name, const hdr_spec *h) {
    buf s = {0};
    put_header(&s, h);
    seed("header", name, s.p, s.n);
    put_raw(&s, (const uint8_t *)"abc", 3);
    put_trailer(&s, (const uint8_t *)"abc", 3);
    char nm[128];
    snprintf(nm, sizeof nm, "%s.mdlz", name);
    seed("decompress", nm, s.p, s.n);
    buf_free(&s);
}

static void level_streams(void) {
    static const int ins[] = {IN_EMPTY, IN_ONE, IN_TEXT, IN_RANDOM, IN_REPEAT,
                              IN_BINARY};
    for (int level = 1; level <= 3; level++)
        for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++) {
            const input *in = &inputs[ins[i]];
            buf s = compress_level(&in->data, level);
            char nm[64];
            snprintf(nm, sizeof nm, "l%d-%s", level, in->name);
            valid(nm, &s, &in->data);
            buf_free(&s);
        }

    mdlz_params p;
    mdlz_params_init(&p);
    p.level = 1;
    buf s = compress_params(&inputs[IN_TEXT].data, &p); /* size unknown */
    valid("l1-text-nosize", &s, &inputs[IN_TEXT].data);
    buf_free(&s);

    p.level = 2;
    p.src_size = inputs[IN_UTF8].data.n;
    p.mem_limit = mdlz_level_memory(2) - ((uint64_t)4 << 20);
    s = compress_params(&inputs[IN_UTF8].data, &p); /* shrunk tables */
    valid("l2-utf8-limited", &s, &inputs[IN_UTF8].data);
    buf_free(&s);
}

static void custom_streams(void) {
    const buf *text = &inputs[IN_TEXT].data, *rep = &inputs[IN_REPEAT].data;
    struct {
        const char *name;
        hdr_spec h;
        const buf *data;
        const char *kinds;
    } cs[] = {
        {"custom-orders", {1, 16, 16, 16, 12, 0, 0x01, 0, 0}, text, "rzr"},
        {"custom-all", {9, 16, 16, 16, 12, 0, 0x7f, 1, 0}, text, "zrz"},
        {"custom-mix2-sse", {4, 17, 18, 17, 14, 0, 0x31, 0, 0}, rep, "zr"},
        {"custom-more-nomatch", {7, 16, 17, 16, 12, 0, 0x4b, 0, 0}, text, "rr"},
        {"custom-word-column", {2, 18, 16, 18, 16, 0, 0x0b, 1, 0}, text, "r"},
        {"custom-mtab-gt-win", {3, 16, 16, 16, 20, 0, 0x05, 0, 0}, rep, "rz"},
        {"custom-block24", {5, 24, 16, 16, 12, 0, 0x15, 0, 0}, rep, "z"},
        {"custom-memlimit", {9, 20, 20, 30, 12, 0, 0x07, 0, 0}, text, "r"},
        {"custom-many-blocks", {1, 16, 16, 16, 12, 0, 0x27, 0, 0}, rep,
         "rrrrrrrrrrrrrrrrrrrzrrrrrrrrrr"},
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        hdr_spec h = cs[i].h;
        if (h.flags & 1) h.size = cs[i].data->n;
        buf s = build(&h, cs[i].data, cs[i].kinds);
        if (h.win_bits == 30) { /* over the fuzzers' limit: not decodable */
            char nm[128];
            snprintf(nm, sizeof nm, "%s.mdlz", cs[i].name);
            seed("decompress", nm, s.p, s.n);
            snprintf(nm, sizeof nm, "hdr-%s", cs[i].name);
            seed("header", nm, s.p, MDLZ_HEADER_MAX);
        } else {
            valid(cs[i].name, &s, cs[i].data);
        }
        buf_free(&s);
    }

    /* A full-size block (2^16 zeros, a few bytes in zstd). */
    buf zeros = {0};
    for (int i = 0; i < 65536; i++) put8(&zeros, 0);
    buf s = build(&MIN_HDR, &zeros, "z");
    valid("custom-full-block", &s, &zeros);
    buf_free(&s);
    buf_free(&zeros);

    /* A model-coded block (from the library) followed by RAW and ZSTD
     * blocks: the header of a level-1 stream without size, its CM block,
     * then blocks we add, and a trailer over everything. */
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = 1;
    buf lvl = compress_params(text, &p);
    mdlz_frame_info fi;
    mdlz_status st = mdlz_get_frame_info(&fi, lvl.p, lvl.n);
    if (st != MDLZ_OK || lvl.n < fi.header_size + 13 + 17 ||
        lvl.p[fi.header_size] != 1) {
        problem("level-1 text: no CM block after the header (%s)",
                mdlz_strerror(st));
        buf_free(&lvl);
        return;
    }
    const uint8_t *blk = lvl.p + fi.header_size;
    uint32_t payload = (uint32_t)blk[5] | (uint32_t)blk[6] << 8 |
                       (uint32_t)blk[7] << 16 | (uint32_t)blk[8] << 24;
    buf all = copy(text->p, text->n);
    put(&all, inputs[IN_RANDOM].data.p, 200);
    put(&all, rep->p, rep->n);
    s = copy(lvl.p, fi.header_size + 13 + payload);
    put_raw(&s, inputs[IN_RANDOM].data.p, 200);
    put_zstd(&s, rep->p, rep->n);
    put_trailer(&s, all.p, all.n);
    valid("splice-cm-raw-zstd", &s, &all);

    static const size_t cuts[] = {0, 1, 3, 4, 6, 13, 17, 18, 19, 31, 60, 100};
    trunc_variants("splice", &s, cuts, sizeof cuts / sizeof cuts[0]);
    size_t tail[] = {s.n - 17, s.n - 10, s.n - 1};
    trunc_variants("splice", &s, tail, 3);
    size_t fl[] = {18, 19, 23, 27, 40, fi.header_size + 13 + payload,
                   fi.header_size + 13 + payload + 2, s.n - 17, s.n - 16,
                   s.n - 5};
    flip_variants("splice", &s, fl, sizeof fl / sizeof fl[0]);
    buf_free(&s);
    buf_free(&all);
    buf_free(&lvl);
}

/* Variants of a plain level-1 stream with its size in the header. */
static void variants_of_l1_text(void) {
    buf base = compress_level(&inputs[IN_TEXT].data, 1);
    size_t n = base.n;
    if (n < 64) { /* compression failed (recorded) or changed beyond use */
        if (n) problem("level-1 text: %zu bytes only", n);
        buf_free(&base);
        return;
    }
    static const size_t cuts[] = {1, 4, 5, 6, 14, 21, 25, 26, 27, 30, 38, 39,
                                  60};
    trunc_variants("l1-text", &base, cuts, sizeof cuts / sizeof cuts[0]);
    size_t tail[] = {n - 18, n - 17, n - 9, n - 1};
    trunc_variants("l1-text", &base, tail, 4);
    size_t fl[] = {0, 4, 5, 6, 7, 11, 14, 22, 26, 27, 31, 35, 39, 45, n / 2,
                   n - 20, n - 17, n - 16, n - 8, n - 1};
    flip_variants("l1-text", &base, fl, sizeof fl / sizeof fl[0]);

    buf v = copy(base.p, n);
    put8(&v, 'x');
    seed("decompress", "trailing-byte.mdlz", v.p, v.n);
    buf_free(&v);
    buf two = compress_level(&inputs[IN_ONE].data, 2);
    v = copy(two.p, two.n);
    put(&v, base.p, n);
    seed("decompress", "two-streams.mdlz", v.p, v.n);
    buf_free(&v);
    buf_free(&two);

    seed("header", "trailer-only", base.p + n - 17, 17);
    seed("header", "header-and-trailer", base.p, n);
    buf_free(&base);
}

static void corrupt_streams(void) {
    variants_of_l1_text();

    /* Headers out of range, with valid header checksums. */
    struct {
        const char *name;
        hdr_spec h;
    } bad[] = {
        {"bad-level0", {0, 16, 16, 16, 12, 0, 0x01, 0, 0}},
        {"bad-level10", {10, 16, 16, 16, 12, 0, 0x01, 0, 0}},
        {"bad-blocklog15", {1, 15, 16, 16, 12, 0, 0x01, 0, 0}},
        {"bad-blocklog25", {1, 25, 16, 16, 12, 0, 0x01, 0, 0}},
        {"bad-ctx15", {1, 16, 15, 16, 12, 0, 0x01, 0, 0}},
        {"bad-ctx32", {1, 16, 32, 16, 12, 0, 0x01, 0, 0}},
        {"bad-win31", {1, 16, 16, 31, 12, 0, 0x01, 0, 0}},
        {"bad-mtab11", {1, 16, 16, 16, 11, 0, 0x01, 0, 0}},
        {"bad-mtab29", {1, 16, 16, 16, 29, 0, 0x01, 0, 0}},
        {"bad-reserved", {1, 16, 16, 16, 12, 1, 0x01, 0, 0}},
        {"bad-flags", {1, 16, 16, 16, 12, 0, 0x01, 2, 0}},
        {"bad-comp-unknown", {1, 16, 16, 16, 12, 0, 0x81, 0, 0}},
        {"bad-comp-high", {1, 16, 16, 16, 12, 0, 0x101, 0, 0}},
        {"bad-comp-no-orders", {1, 16, 16, 16, 12, 0, 0x02, 0, 0}},
        {"bad-mem-huge", {9, 24, 31, 30, 28, 0, 0x7f, 1, 3}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        invalid_header(bad[i].name, &bad[i].h);
    {
        buf s = {0};
        put_header(&s, &MIN_HDR);
        s.p[4] = 2; /* version 2: checked before the header checksum */
        seed("header", "bad-version", s.p, s.n);
        seed("decompress", "bad-version.mdlz", s.p, s.n);
        seed("header", "magic-prefix", s.p, 3);
        buf_free(&s);
    }

    /* Block and trailer errors under a valid minimal header. */
    const uint8_t *abc = (const uint8_t *)"abcdefghijklmnopqrst";
    const buf *rep = &inputs[IN_REPEAT].data;
    struct {
        const char *name;
        int kind;
    } blk[] = {
        {"blk-raw-size0", 0},       {"blk-raw-too-big", 1},
        {"blk-cm-payload-gt-raw", 2}, {"blk-cm-empty-payload", 3},
        {"blk-type4", 4},           {"blk-zstd-garbage", 5},
        {"blk-zstd-short", 6},      {"blk-raw-bad-xxh32", 7},
        {"trl-size", 8},            {"trl-xxh64", 9},
        {"hdr-size-gt-data", 10},   {"hdr-size-lt-data", 11},
        {"trl-cut", 12},            {"blk-zstd-two-frames", 13},
        {"blk-zstd-skippable", 14}, {"blk-cm-garbage", 15},
        {"blk-zstd-long", 16},
    };
    for (size_t i = 0; i < sizeof blk / sizeof blk[0]; i++) {
        buf s = {0};
        hdr_spec h = MIN_HDR;
        if (blk[i].kind == 10 || blk[i].kind == 11) {
            h.flags = 1;
            h.size = blk[i].kind == 10 ? 30 : 10;
        }
        put_header(&s, &h);
        switch (blk[i].kind) {
        case 0:
            put8(&s, 2), put32(&s, 0), put32(&s, XXH32(abc, 0, 0));
            break;
        case 1:
            put8(&s, 2), put32(&s, 65537), put32(&s, 0), put(&s, abc, 20);
            break;
        case 2: /* CM: raw 10, payload 11 */
            put8(&s, 1), put32(&s, 10), put32(&s, 11), put32(&s, 0);
            put(&s, abc, 11);
            break;
        case 3: /* CM: raw 500, no payload (decodes zeros' worth of bits) */
            put8(&s, 1), put32(&s, 500), put32(&s, 0), put32(&s, 0);
            break;
        case 4: put8(&s, 4), put(&s, abc, 20); break;
        case 5:
            put8(&s, 3), put32(&s, 20), put32(&s, 12),
                put32(&s, XXH32(abc, 20, 0));
            put(&s, abc, 12);
            break;
        case 6: { /* a zstd frame of 10 bytes in a block that says 20 */
            uint8_t z[64];
            size_t zn = ZSTD_compress(z, sizeof z, "aaaaaaaaaa", 10, 1);
            put8(&s, 3), put32(&s, 20), put32(&s, (uint32_t)zn),
                put32(&s, XXH32(abc, 20, 0));
            put(&s, z, zn);
            break;
        }
        case 7:
            put8(&s, 2), put32(&s, 20), put32(&s, XXH32(abc, 20, 0) ^ 1);
            put(&s, abc, 20);
            break;
        case 8:
            put_raw(&s, abc, 20);
            put8(&s, 0), put64(&s, 21), put64(&s, XXH64(abc, 20, 0));
            break;
        case 9:
            put_raw(&s, abc, 20);
            put8(&s, 0), put64(&s, 20), put64(&s, XXH64(abc, 20, 0) + 1);
            break;
        case 10:
        case 11:
            put_raw(&s, abc, 20);
            put_trailer(&s, abc, 20);
            break;
        case 12:
            put_raw(&s, abc, 20);
            put_trailer(&s, abc, 20);
            s.n -= 3;
            break;
        case 13:
        case 14: { /* two zstd frames, or a skippable frame then one */
            uint8_t z[256];
            size_t zn = 0;
            if (blk[i].kind == 14) {
                static const uint8_t skip[] = {0x50, 0x2a, 0x4d, 0x18, 4, 0,
                                               0,    0,    1,    2,    3, 4};
                memcpy(z, skip, sizeof skip);
                zn = sizeof skip;
            } else {
                zn = ZSTD_compress(z, sizeof z, rep->p, 100, 1);
            }
            zn += ZSTD_compress(z + zn, sizeof z - zn, rep->p + 100, 400, 1);
            size_t raw = blk[i].kind == 13 ? 500 : 400;
            const uint8_t *orig = blk[i].kind == 13 ? rep->p : rep->p + 100;
            put8(&s, 3), put32(&s, (uint32_t)raw), put32(&s, (uint32_t)zn),
                put32(&s, XXH32(orig, raw, 0));
            put(&s, z, zn);
            put_trailer(&s, orig, raw);
            break;
        }
        case 15: /* CM: payload of noise */
            put8(&s, 1), put32(&s, 300), put32(&s, 200), put32(&s, 0);
            put(&s, inputs[IN_RANDOM].data.p, 200);
            break;
        case 16: { /* zstd data longer than the block says */
            uint8_t z[256];
            size_t zn = ZSTD_compress(z, sizeof z, rep->p, 500, 1);
            put8(&s, 3), put32(&s, 400), put32(&s, (uint32_t)zn),
                put32(&s, XXH32(rep->p, 400, 0));
            put(&s, z, zn);
            break;
        }
        }
        char nm[128];
        snprintf(nm, sizeof nm, "%s.mdlz", blk[i].name);
        seed("decompress", nm, s.p, s.n);
        buf_free(&s);
    }

    /* Not mdlz at all. */
    seed("decompress", "not-mdlz-text", inputs[IN_TEXT].data.p, 200);
    seed("decompress", "empty", "", 0);
    seed("header", "empty", "", 0);
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
    if (!problems) printf("ok - %u seeds generated, the valid ones decode\n", seeds);
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
