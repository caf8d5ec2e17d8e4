/*
 * seeds_streams.c - the valid streams of gen_seeds and their damaged
 * copies: streams of the small inputs from the library (levels 1-3, size
 * unknown, tables shrunk by a memory limit), hand-built streams under
 * headers with every component mask and edge-of-range table sizes, a
 * model-coded block followed by RAW and ZSTD ones; every valid stream is
 * checked to decode, written to decompress/ and its start to header/;
 * then truncated and bit-flipped copies, trailing bytes, two streams back
 * to back and trailers alone. See gen_seeds.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdlz.h"
#include "seeds.h"

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

/* Compresses with parameters p and the tools named in `tools` (NULL or a
 * NULL-terminated list). */
static buf compress_params(const buf *src, const mdlz_params *p,
                           const char *const *tools) {
    buf out = {0};
    size_t cap = (size_t)mdlz_compress_bound(src->n);
    out.p = malloc(cap);
    out.cap = cap;
    if (!out.p) die("malloc");
    mdlz_cctx *c;
    mdlz_status st = mdlz_cctx_create(&c, p);
    for (size_t i = 0; st == MDLZ_OK && tools && tools[i]; i++)
        st = mdlz_cctx_add_tool(c, tools[i]);
    int done = 0;
    mdlz_inbuf in = {src->p, src->n, 0};
    mdlz_outbuf o = {out.p, cap, 0};
    while (st == MDLZ_OK && !done)
        st = mdlz_compress_stream(c, &o, &in, 1, &done);
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
    mdlz_status st =
        mdlz_decompress(dst, cap, &n, s->p, s->n, (uint64_t)256 << 20);
    if (st != MDLZ_OK || n != orig_n || (n && memcmp(dst, orig, n)))
        problem("%s: a valid stream does not decode to its input: %s", name,
                mdlz_strerror(st));
    free(dst);
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

void level_streams(void) {
    static const int ins[] = {IN_EMPTY,  IN_ONE,    IN_TEXT,
                              IN_RANDOM, IN_REPEAT, IN_BINARY};
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
    buf s = compress_params(&inputs[IN_TEXT].data, &p, NULL); /* size unknown */
    valid("l1-text-nosize", &s, &inputs[IN_TEXT].data);
    buf_free(&s);

    p.level = 2;
    p.src_size = inputs[IN_UTF8].data.n;
    p.mem_limit = mdlz_level_memory(2) - ((uint64_t)4 << 20);
    s = compress_params(&inputs[IN_UTF8].data, &p, NULL); /* shrunk tables */
    valid("l2-utf8-limited", &s, &inputs[IN_UTF8].data);
    buf_free(&s);

    /* Headers with an extension area: the tools record. */
    static const char *const all_tools[] = {"calc", "seq", "markup", NULL};
    mdlz_params_init(&p);
    p.level = 1;
    s = compress_params(&inputs[IN_TEXT].data, &p, all_tools);
    valid("l1-text-tools", &s, &inputs[IN_TEXT].data);
    buf_free(&s);
}

void custom_streams(void) {
    const buf *text = &inputs[IN_TEXT].data, *rep = &inputs[IN_REPEAT].data;
    struct {
        const char *name;
        hdr_spec h;
        const buf *data;
        const char *kinds;
    } cs[] = {
        /* Configurations an encoder makes (engine/model/config.c): a
         * level's components, the match model possibly off, tables no
         * larger than the level's, mtab_bits = win_bits - 2. */
        {"custom-orders", {1, 16, 16, 16, 14, 0, 0x03, 0, 0}, text, "rzr"},
        {"custom-all", {9, 16, 16, 16, 14, 0, 0xff, 1, 0}, text, "zrz"},
        {"custom-mix2-sse", {4, 17, 18, 17, 15, 0, 0x3b, 0, 0}, rep, "zr"},
        {"custom-more-nomatch", {7, 16, 17, 16, 14, 0, 0xfb, 0, 0}, text, "rr"},
        {"custom-word-column", {3, 18, 16, 18, 16, 0, 0x3f, 1, 0}, text, "r"},
        {"custom-mix3", {6, 16, 16, 16, 14, 0, 0xbf, 0, 0}, text, "r"},
        {"custom-many-blocks",
         {3, 16, 16, 16, 14, 0, 0x3f, 0, 0},
         rep,
         "rrrrrrrrrrrrrrrrrrrzrrrrrrrrrr"},
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        hdr_spec h = cs[i].h;
        if (h.flags & 1) h.size = cs[i].data->n;
        buf s = build(&h, cs[i].data, cs[i].kinds);
        valid(cs[i].name, &s, cs[i].data);
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
    buf lvl = compress_params(text, &p, NULL);
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
    size_t fl[] = {18,
                   19,
                   23,
                   27,
                   40,
                   fi.header_size + 13 + payload,
                   fi.header_size + 13 + payload + 2,
                   s.n - 17,
                   s.n - 16,
                   s.n - 5};
    flip_variants("splice", &s, fl, sizeof fl / sizeof fl[0]);
    buf_free(&s);
    buf_free(&all);
    buf_free(&lvl);
}

/* Variants of a plain level-1 stream with its size in the header. */
void variants_of_l1_text(void) {
    buf base = compress_level(&inputs[IN_TEXT].data, 1);
    size_t n = base.n;
    if (n < 64) { /* compression failed (recorded) or changed beyond use */
        if (n) problem("level-1 text: %zu bytes only", n);
        buf_free(&base);
        return;
    }
    static const size_t cuts[] = {1,  4,  5,  6,  14, 21, 25,
                                  26, 27, 30, 38, 39, 60};
    trunc_variants("l1-text", &base, cuts, sizeof cuts / sizeof cuts[0]);
    size_t tail[] = {n - 18, n - 17, n - 9, n - 1};
    trunc_variants("l1-text", &base, tail, 4);
    size_t fl[] = {0,  4,  5,  6,  7,     11,     14,     22,     26,    27,
                   31, 35, 39, 45, n / 2, n - 20, n - 17, n - 16, n - 8, n - 1};
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
