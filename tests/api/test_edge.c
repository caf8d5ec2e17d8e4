/*
 * test_edge.c - round trips of edge-case inputs through the public API.
 *
 * Every input goes through one-shot and streaming compression and
 * decompression, the latter with 1-byte, odd-sized and large buffers, and
 * must come back byte for byte. Also: determinism (the same input and
 * parameters give the same bytes, whatever the buffer sizes), the
 * expansion bound on incompressible data, and every level 1..9.
 */
#include <unistd.h>

#include "check.h"

/* Buffer size pairs (input piece, output piece) for the streaming runs. */
static const size_t chunk_in[] = {1, 7, 4093, (size_t)1 << 30};
static const size_t chunk_out[] = {1, 13, 1021, (size_t)1 << 20};
#define N_CHUNKS (sizeof chunk_in / sizeof chunk_in[0])

/* One-shot compression into a buffer of mdlz_compress_bound() bytes. */
static mdlz_status oneshot_compress(const uint8_t *src, size_t n, int level,
                                    uint8_t **out, size_t *out_n) {
    uint64_t bound = mdlz_compress_bound(n);
    *out = xmalloc((size_t)bound);
    mdlz_status st = mdlz_compress(*out, (size_t)bound, out_n, src, n, level);
    if (st != MDLZ_OK) {
        free(*out);
        *out = NULL;
    }
    return st;
}

static int same(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

/* The full treatment for one input. Returns the compressed size of the
 * one-shot stream, or 0 on failure. */
static size_t roundtrip(const char *name, const uint8_t *src, size_t n,
                        int level) {
    uint8_t *z = NULL, *z2 = NULL, *back = NULL;
    size_t zn = 0, z2n = 0, backn = 0;

    mdlz_status st = oneshot_compress(src, n, level, &z, &zn);
    if (!check(st == MDLZ_OK, "%s: one-shot compress (%s)", name,
               mdlz_strerror(st)))
        return 0;
    check(zn <= mdlz_compress_bound(n),
          "%s: %zu -> %zu bytes within bound %llu", name, n, zn,
          (unsigned long long)mdlz_compress_bound(n));

    back = xmalloc(n);
    st = mdlz_decompress(back, n, &backn, z, zn, 0);
    check(st == MDLZ_OK && same(src, n, back, backn),
          "%s: one-shot round trip (%s, %zu bytes back)", name,
          mdlz_strerror(st), backn);
    free(back);

    /* determinism: one-shot twice gives the same bytes */
    st = oneshot_compress(src, n, level, &z2, &z2n);
    check(st == MDLZ_OK && same(z, zn, z2, z2n),
          "%s: one-shot compression is deterministic", name);
    free(z2);

    /* streaming decompression of the one-shot stream */
    for (size_t i = 0; i < N_CHUNKS; i++) {
        size_t used = 0;
        st = stream_decompress(z, zn, chunk_in[i], chunk_out[i], 0, &back,
                               &backn, &used);
        check(st == MDLZ_OK && same(src, n, back, backn) && used == zn,
              "%s: streaming decompress, pieces in %zu / out %zu (%s)", name,
              chunk_in[i], chunk_out[i], mdlz_strerror(st));
        free(back);
    }

    /* streaming compression (size unknown): identical for every buffer
     * size; decodes back to the input */
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = level;
    uint8_t *ref = NULL;
    size_t refn = 0;
    for (size_t i = 0; i < N_CHUNKS; i++) {
        st = stream_compress(&p, src, n, chunk_in[i], chunk_out[i], &z2, &z2n);
        if (!check(st == MDLZ_OK,
                   "%s: streaming compress, pieces in %zu / out "
                   "%zu (%s)",
                   name, chunk_in[i], chunk_out[i], mdlz_strerror(st)))
            continue;
        if (!ref) {
            ref = z2;
            refn = z2n;
            mdlz_frame_info fi;
            st = mdlz_get_frame_info(&fi, z2, z2n);
            check(st == MDLZ_OK && fi.src_size == MDLZ_SIZE_UNKNOWN,
                  "%s: streaming header has no size", name);
            /* the size field is the only difference from the one-shot */
            check(z2n + 8 >= zn && z2n <= zn + 8,
                  "%s: streaming size %zu vs one-shot %zu", name, z2n, zn);
            size_t used = 0;
            st =
                stream_decompress(z2, z2n, 4096, 4096, 0, &back, &backn, &used);
            check(st == MDLZ_OK && same(src, n, back, backn) && used == z2n,
                  "%s: streaming round trip (%s)", name, mdlz_strerror(st));
            free(back);
        } else {
            check(same(ref, refn, z2, z2n),
                  "%s: streaming output independent of buffer sizes", name);
            free(z2);
        }
    }
    free(ref);

    /* with the size declared, streaming records it in the header */
    p.src_size = n;
    st = stream_compress(&p, src, n, 4093, 1021, &z2, &z2n);
    mdlz_frame_info fi;
    memset(&fi, 0, sizeof fi);
    if (st == MDLZ_OK) st = mdlz_get_frame_info(&fi, z2, z2n);
    check(st == MDLZ_OK && fi.src_size == n,
          "%s: streaming with declared size records it (%s)", name,
          mdlz_strerror(st));
    if (st == MDLZ_OK) {
        back = xmalloc(n);
        st = mdlz_decompress(back, n, &backn, z2, z2n, 0);
        check(st == MDLZ_OK && same(src, n, back, backn),
              "%s: declared-size stream round trip (%s)", name,
              mdlz_strerror(st));
        free(back);
    }
    free(z2);
    free(z);
    return zn;
}

/* A large input gets two passes only (the model runs at ~1 MB/s): one-shot
 * compression, and streaming decompression in odd-sized pieces. */
static size_t roundtrip_big(const char *name, const uint8_t *src, size_t n,
                            int level) {
    uint8_t *z = NULL, *back = NULL;
    size_t zn = 0, backn = 0, used = 0;
    double t0 = now_seconds();
    mdlz_status st = oneshot_compress(src, n, level, &z, &zn);
    if (!check(st == MDLZ_OK, "%s: one-shot compress, level %d (%s)", name,
               level, mdlz_strerror(st)))
        return 0;
    double t1 = now_seconds();
    st = stream_decompress(z, zn, 4093, 65521, 0, &back, &backn, &used);
    double t2 = now_seconds();
    check(st == MDLZ_OK && same(src, n, back, backn) && used == zn,
          "%s: streaming decompress, pieces in 4093 / out 65521 (%s)", name,
          mdlz_strerror(st));
    printf("# %s: compress %.2f s, decompress %.2f s\n", name, t1 - t0,
           t2 - t1);
    free(back);
    free(z);
    return zn;
}

static uint64_t available_ram(void) {
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    unsigned long long kb = 0;
    if (f) {
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) break;
        fclose(f);
    }
    if (kb) return (uint64_t)kb * 1024;
    long pages = sysconf(_SC_AVPHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psize > 0) return (uint64_t)pages * (uint64_t)psize;
    return (uint64_t)1 << 32; /* unknown: assume 4 GiB */
}

static void test_levels(const uint8_t *text, size_t n) {
    uint64_t ram = available_ram();
    for (int level = MDLZ_LEVEL_MIN; level <= MDLZ_LEVEL_MAX; level++) {
        uint64_t mem = mdlz_level_memory(level);
        check(mem > 0, "level %d: mdlz_level_memory = %llu bytes", level,
              (unsigned long long)mem);
        if (mem > ram / 2) {
            printf("# level %d: skipped, needs %llu MiB of %llu MiB "
                   "available\n",
                   level, (unsigned long long)(mem >> 20),
                   (unsigned long long)(ram >> 20));
            continue;
        }
        uint8_t *z, *back;
        size_t zn, backn;
        double t0 = now_seconds();
        mdlz_status st = oneshot_compress(text, n, level, &z, &zn);
        if (!check(st == MDLZ_OK, "level %d: compress (%s)", level,
                   mdlz_strerror(st)))
            continue;
        mdlz_frame_info fi;
        st = mdlz_get_frame_info(&fi, z, zn);
        /* One-shot knows the size: tables may shrink to it, never grow. */
        check(st == MDLZ_OK && fi.level == level && fi.model_memory <= mem,
              "level %d: frame info level %d, model memory %llu <= %llu", level,
              fi.level, (unsigned long long)fi.model_memory,
              (unsigned long long)mem);
        back = xmalloc(n);
        st = mdlz_decompress(back, n, &backn, z, zn, 0);
        check(st == MDLZ_OK && same(text, n, back, backn),
              "level %d: round trip %zu -> %zu bytes, %.3f bits/byte, "
              "%.2f s (%s)",
              level, n, zn, 8.0 * (double)zn / (double)n, now_seconds() - t0,
              mdlz_strerror(st));
        free(back);
        free(z);
    }
    /* level 0 means the default level */
    uint8_t *z;
    size_t zn;
    mdlz_status st = oneshot_compress(text, 4096, 0, &z, &zn);
    mdlz_frame_info fi;
    memset(&fi, 0, sizeof fi);
    if (st == MDLZ_OK) {
        st = mdlz_get_frame_info(&fi, z, zn);
        free(z);
    }
    check(st == MDLZ_OK && fi.level == MDLZ_LEVEL_DEFAULT,
          "level 0 selects the default level %d (got %d)", MDLZ_LEVEL_DEFAULT,
          fi.level);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    const int L = MDLZ_LEVEL_DEFAULT;

    /* empty input, also with NULL pointers */
    uint8_t one = 'x';
    roundtrip("empty", &one, 0, L);
    {
        uint8_t z[256], back[1];
        size_t zn = 0, bn = 1;
        mdlz_status st = mdlz_compress(z, sizeof z, &zn, NULL, 0, L);
        if (check(st == MDLZ_OK, "empty with NULL src: compress (%s)",
                  mdlz_strerror(st))) {
            st = mdlz_decompress(NULL, 0, &bn, z, zn, 0);
            check(st == MDLZ_OK && bn == 0,
                  "empty with NULL dst: decompress (%s)", mdlz_strerror(st));
            mdlz_trailer_info ti;
            st = mdlz_get_trailer_info(&ti, z, zn);
            check(st == MDLZ_OK && ti.src_size == 0,
                  "empty: trailer says 0 bytes");
        }
        (void)back;
    }

    roundtrip("1 byte", &one, 1, L);

    uint8_t all[256];
    for (int i = 0; i < 256; i++) all[i] = (uint8_t)i;
    roundtrip("256 byte values", all, sizeof all, L);

    /* every value, each repeated: 0,0,0,...,1,1,1,... (16 KiB) */
    {
        uint8_t *runs = xmalloc(16384);
        for (size_t i = 0; i < 16384; i++) runs[i] = (uint8_t)(i / 64);
        roundtrip("256 runs of 64", runs, 16384, L);
        free(runs);
    }

    /* 300 KB of random bytes: may not grow by more than the framing */
    {
        const size_t n = 300000;
        uint8_t *r = xmalloc(n);
        fill_random(r, n, 1);
        size_t zn = roundtrip("300 KB random", r, n, L);
        size_t limit = n + n / 65536 * 16 + 64;
        check(zn > 0 && zn <= limit,
              "300 KB random: %zu bytes compressed, limit %zu", zn, limit);
        free(r);
    }

    /* text with long repeats */
    const size_t tn = 200000;
    uint8_t *text = make_text(tn);
    {
        size_t zn = roundtrip("200 KB text with repeats", text, tn, L);
        check(zn > 0 && zn < tn / 2,
              "200 KB text with repeats: %zu -> %zu bytes (%.3f bits/byte)", tn,
              zn, 8.0 * (double)zn / (double)tn);
    }

    /* 10 MB of one byte, at level 1 */
    {
        const size_t n = 10u << 20;
        uint8_t *b = xmalloc(n);
        memset(b, 'a', n);
        size_t zn = roundtrip_big("10 MiB of one byte", b, n, 1);
        check(zn > 0 && zn < n / 100, "10 MiB of one byte: %zu -> %zu bytes", n,
              zn);
        free(b);
    }

    test_levels(text, 16384);
    free(text);
    return check_finish();
}
