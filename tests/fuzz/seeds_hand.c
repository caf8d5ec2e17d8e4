/*
 * seeds_hand.c - the streams gen_seeds builds by hand, following
 * docs/format.md: headers, RAW and ZSTD blocks and trailers (used by
 * seeds_streams.c for valid streams too), then the invalid seeds: headers
 * out of range (with valid checksums), a wrong version, and one of each
 * block and trailer error under a valid minimal header. See gen_seeds.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "mdlz.h"
#include "seeds.h"

/* ---- hand-built streams (docs/format.md) ----------------------------------- */
/* The smallest configuration an encoder makes: level 1, the smallest
 * tables, the match model off. */
const hdr_spec MIN_HDR = {1, 16, 16, 16, 14, 0, 0x03, 0, 0};

void put_header(buf *b, const hdr_spec *h) {
    size_t start = b->n;
    put(b, "MDLZ", 4);
    put8(b, 5); /* format version */
    put8(b, h->flags);
    put8(b, (unsigned)h->level);
    put8(b, (unsigned)h->block_log);
    put8(b, (unsigned)h->ctx_bits);
    put8(b, (unsigned)h->win_bits);
    put8(b, (unsigned)h->mtab_bits);
    put8(b, (unsigned)h->seg_log);
    put8(b, h->components & 0xff);
    put8(b, (h->components >> 8) & 0xff);
    if (h->flags & 1) put64(b, h->size);
    put32(b, XXH32(b->p + start, b->n - start, 0));
}

void put_raw(buf *b, const uint8_t *p, size_t n) {
    put8(b, 2);
    put32(b, (uint32_t)n);
    put32(b, XXH32(p, n, 0));
    put(b, p, n);
}

/* A ZSTD block of p[0..n); the data must be compressible. */
void put_zstd(buf *b, const uint8_t *p, size_t n) {
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

void put_trailer(buf *b, const uint8_t *all, size_t n) {
    put8(b, 0);
    put64(b, n);
    put64(b, XXH64(all, n, 0));
}

/* A stream under header h of RAW / ZSTD blocks: kinds is a string of 'r'
 * and 'z', one block per letter, cutting `data` in equal parts. */
buf build(const hdr_spec *h, const buf *data, const char *kinds) {
    buf s = {0};
    put_header(&s, h);
    size_t nb = strlen(kinds), off = 0;
    for (size_t i = 0; i < nb; i++) {
        size_t len = (data->n - off) / (nb - i);
        if (kinds[i] == 'z') put_zstd(&s, data->p + off, len);
        else put_raw(&s, data->p + off, len);
        off += len;
    }
    put_trailer(&s, data->p, data->n);
    return s;
}

/* ---- invalid seeds ------------------------------------------------------------ */
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

/* Called after variants_of_l1_text() (seeds_streams.c). */
void corrupt_streams(void) {
    /* Headers out of range, with valid header checksums. */
    struct {
        const char *name;
        hdr_spec h;
    } bad[] = {
        {"bad-level0", {0, 16, 16, 16, 14, 0, 0x03, 0, 0}},
        {"bad-level10", {10, 16, 16, 16, 14, 0, 0x03, 0, 0}},
        {"bad-blocklog15", {1, 15, 16, 16, 14, 0, 0x03, 0, 0}},
        {"bad-blocklog25", {1, 25, 16, 16, 14, 0, 0x03, 0, 0}},
        {"bad-ctx15", {1, 16, 15, 16, 14, 0, 0x03, 0, 0}},
        {"bad-ctx32", {1, 16, 32, 16, 14, 0, 0x03, 0, 0}},
        {"bad-win31", {1, 16, 16, 31, 14, 0, 0x03, 0, 0}},
        {"bad-mtab11", {1, 16, 16, 16, 11, 0, 0x03, 0, 0}},
        {"bad-mtab29", {1, 16, 16, 16, 29, 0, 0x03, 0, 0}},
        {"bad-seglog1", {1, 16, 16, 16, 14, 1, 0x03, 0, 0}},
        {"bad-seglog17", {1, 16, 16, 16, 14, 17, 0x03, 0, 0}},
        {"bad-seglog31", {1, 16, 16, 16, 14, 31, 0x03, 0, 0}},
        {"bad-flags", {1, 16, 16, 16, 14, 0, 0x03, 2, 0}},
        {"bad-comp-unknown", {1, 16, 16, 16, 14, 0, 0x103, 0, 0}},
        {"bad-comp-high", {1, 16, 16, 16, 14, 0, 0x8003, 0, 0}},
        {"bad-comp-no-orders", {1, 16, 16, 16, 14, 0, 0x02, 0, 0}},
        /* Valid ranges, but no encoder makes them: refused before the
         * model is sized (a crafted header asked for 4.1 GiB). */
        {"bad-mem-huge", {9, 24, 31, 30, 28, 0, 0xff, 1, 3}},
        {"bad-block24", {5, 24, 16, 16, 14, 0, 0x3f, 0, 0}},
        {"bad-win-over-level", {9, 20, 20, 30, 28, 0, 0xff, 0, 0}},
        {"bad-ctx-over-level", {1, 16, 22, 16, 14, 0, 0x07, 0, 0}},
        {"bad-mtab-not-win", {3, 16, 16, 16, 20, 0, 0x3f, 0, 0}},
        {"bad-comp-not-level", {1, 16, 16, 16, 14, 0, 0x3f, 0, 0}},
        {"bad-comp-no-word", {5, 16, 16, 16, 14, 0, 0x3d, 0, 0}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        invalid_header(bad[i].name, &bad[i].h);
    {
        buf s = {0};
        put_header(&s, &MIN_HDR);
        s.p[4] = 6; /* version 6: checked before the header checksum */
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
        {"blk-raw-size0", 0},
        {"blk-raw-too-big", 1},
        {"blk-cm-payload-gt-raw", 2},
        {"blk-cm-empty-payload", 3},
        {"blk-type4", 4},
        {"blk-zstd-garbage", 5},
        {"blk-zstd-short", 6},
        {"blk-raw-bad-xxh32", 7},
        {"trl-size", 8},
        {"trl-xxh64", 9},
        {"hdr-size-gt-data", 10},
        {"hdr-size-lt-data", 11},
        {"trl-cut", 12},
        {"blk-zstd-two-frames", 13},
        {"blk-zstd-skippable", 14},
        {"blk-cm-garbage", 15},
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
        case 0: put8(&s, 2), put32(&s, 0), put32(&s, XXH32(abc, 0, 0)); break;
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

    /* A header with a retrieval record (docs/format.md, type 1): both
     * modes, generation 300 (a two-byte varint) and its history, no primed
     * bytes, two documents by content; the record parser is fuzzed from
     * here. The decoder wants an index for it (MDLZ_ERROR_NEED_INDEX). */
    {
        buf s = {0};
        hdr_spec h = MIN_HDR;
        h.flags |= 2;
        put_header(&s, &h);
        size_t area = s.n;
        put8(&s, 0), put8(&s, 0);              /* length, set below */
        put8(&s, 1), put8(&s, 0), put8(&s, 0); /* type 1, length below */
        size_t rec = s.n;
        put8(&s, 3);                    /* WHOLE | ONLINE */
        put8(&s, 0xAC), put8(&s, 0x02); /* generation 300 */
        put64(&s, 0x0123456789ABCDEFull);
        put8(&s, 0); /* primed bytes */
        put8(&s, 2);
        put32(&s, 0x11111111), put8(&s, 0x11), put8(&s, 0x11); /* key */
        put8(&s, 0x80), put8(&s, 0x01);                        /* size */
        put32(&s, 0x22222222), put8(&s, 0x22), put8(&s, 0x22);
        put8(&s, 0x07);
        size_t k = s.n - rec;
        s.p[rec - 2] = (uint8_t)k, s.p[rec - 1] = (uint8_t)(k >> 8);
        s.p[area] = (uint8_t)(k + 3), s.p[area + 1] = (uint8_t)((k + 3) >> 8);
        put32(&s, XXH32(s.p + area, s.n - area, 0));
        seed("header", "retrieval-generation", s.p, s.n);
        buf_free(&s);
    }

    /* Not mdlz at all. */
    seed("decompress", "not-mdlz-text", inputs[IN_TEXT].data.p, 200);
    seed("decompress", "empty", "", 0);
    seed("header", "empty", "", 0);
}
