/*
 * test_huge.c - a long stream through the streaming API in bounded memory.
 *
 * SIZE bytes of zeros (generated on the fly, never held in memory) go
 * through mdlz_compress_stream at level 1 with the size unknown; each
 * piece of compressed output goes straight into a running
 * mdlz_decompress_stream, through a bounded buffer between the two. Every
 * decoded byte must be zero, the total exactly SIZE, the decoder must
 * report *done at the end having consumed every compressed byte, and both
 * contexts' byte counts must agree.
 *
 * Usage: test_huge [SIZE]
 *   SIZE in MiB, or with a suffix K, M, G (binary units: 512K, 3G);
 *   default 3G (suite 'slow': positions past 2^31; about an hour).
 *   meson's suite 'api' runs a short size so the streaming-through path
 *   is covered in every run.
 * MDLZ_TEST_HUGE_MAX=SIZE in the environment caps the size (scripts/test.sh
 * sets it for the slower ASan run).
 */
#include <ctype.h>
#include <inttypes.h>

#include "check.h"

#define IN_CHUNK         ((size_t)1 << 20) /* zeros handed to the compressor */
#define Z_CAP            ((size_t)256 << 10) /* compressed bytes in flight, at most */
#define OUT_CHUNK        ((size_t)1 << 20) /* decoder output space per call */
#define STALL_LIMIT_HUGE 16

static const uint8_t zeros[IN_CHUNK > OUT_CHUNK ? IN_CHUNK : OUT_CHUNK];

/* Parses SIZE (see the usage); returns 0 and sets *out, or -1. */
static int parse_size(const char *s, uint64_t *out) {
    char *end;
    if (!isdigit((unsigned char)s[0])) return -1;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 20;
    if (*end) {
        switch (toupper((unsigned char)*end)) {
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        case 'T': shift = 40; break;
        default: return -1;
        }
        end++;
        if (*end == 'i' || *end == 'I') end++;
        if (*end == 'b' || *end == 'B') end++;
        if (*end) return -1;
    }
    if (v > (UINT64_MAX >> shift)) return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

/* Index of the first nonzero byte of p[0..n), or n. */
static size_t first_nonzero(const uint8_t *p, size_t n) {
    if (memcmp(p, zeros, n) == 0) return n;
    size_t i = 0;
    while (p[i] == 0) i++;
    return i;
}

static double mib(uint64_t n) { return (double)n / (1 << 20); }

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    uint64_t total = (uint64_t)3 << 30;
    if (argc > 2 || (argc == 2 && parse_size(argv[1], &total) != 0)) {
        fprintf(stderr, "usage: %s [SIZE]  (MiB, or with K/M/G suffix)\n",
                argv[0]);
        return 99;
    }
    const char *env = getenv("MDLZ_TEST_HUGE_MAX");
    if (env && *env) {
        uint64_t cap;
        if (parse_size(env, &cap) != 0) {
            fprintf(stderr, "bad MDLZ_TEST_HUGE_MAX=%s\n", env);
            return 99;
        }
        if (total > cap) {
            printf("# MDLZ_TEST_HUGE_MAX: %" PRIu64 " bytes instead of %" PRIu64
                   "\n",
                   cap, total);
            total = cap;
        }
    }
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = 1; /* size unknown: the default */

    mdlz_cctx *c = NULL;
    mdlz_dctx *d = NULL;
    mdlz_status st = mdlz_cctx_create(&c, &p);
    if (st == MDLZ_OK) st = mdlz_dctx_create(&d, 0);
    if (!check(st == MDLZ_OK, "create contexts (%s)", mdlz_strerror(st))) {
        mdlz_cctx_free(c);
        return check_finish();
    }
    uint8_t *zbuf = xmalloc(Z_CAP), *dbuf = xmalloc(OUT_CHUNK);
    size_t zlen = 0; /* compressed bytes waiting in zbuf */
    uint64_t fed = 0, zbytes = 0, got = 0, zused = 0;
    uint64_t bad_at = UINT64_MAX; /* position of a nonzero output byte */
    int cdone = 0, ddone = 0, idle = 0;
    mdlz_status cst = MDLZ_OK, dst = MDLZ_OK;
    uint64_t step =
        total / 16 > ((uint64_t)64 << 20) ? total / 16 : ((uint64_t)64 << 20);
    uint64_t next_report = step;
    double t0 = now_seconds();

    printf("# %" PRIu64 " bytes (%.0f MiB) of zeros, level 1, size unknown, "
           "compressed data through a %zu KiB buffer\n",
           total, mib(total), Z_CAP >> 10);
    while (!ddone) {
        int progress = 0;
        /* compress: as much input as fits into the free part of zbuf */
        if (!cdone && zlen < Z_CAP) {
            uint64_t left = total - fed;
            size_t piece = left < IN_CHUNK ? (size_t)left : IN_CHUNK;
            mdlz_inbuf in = {zeros, piece, 0};
            mdlz_outbuf out = {zbuf + zlen, Z_CAP - zlen, 0};
            cst = compress_step(c, &out, &in, left == piece, &cdone);
            if (cst != MDLZ_OK) break;
            fed += in.pos;
            zlen += out.pos;
            zbytes += out.pos;
            progress |= in.pos > 0 || out.pos > 0;
        }
        /* decompress: everything in zbuf, while the decoder moves on */
        size_t zoff = 0;
        for (;;) {
            mdlz_inbuf in = {zbuf + zoff, zlen - zoff, 0};
            mdlz_outbuf out = {dbuf, OUT_CHUNK, 0};
            dst = decompress_step(d, &out, &in, 0, &ddone);
            if (dst != MDLZ_OK) break;
            size_t nz = first_nonzero(dbuf, out.pos);
            if (nz < out.pos && bad_at == UINT64_MAX) bad_at = got + nz;
            zoff += in.pos;
            got += out.pos;
            progress |= in.pos > 0 || out.pos > 0;
            if (ddone || (in.pos == 0 && out.pos == 0)) break;
        }
        if (dst != MDLZ_OK) break;
        zused += zoff;
        memmove(zbuf, zbuf + zoff, zlen - zoff);
        zlen -= zoff;
        if (ddone) break;
        idle = progress ? 0 : idle + 1;
        if (idle > STALL_LIMIT_HUGE) {
            fprintf(stderr,
                    "stalled: fed %" PRIu64 ", compressed %" PRIu64
                    ", decoded %" PRIu64 ", %zu bytes waiting, cdone %d\n",
                    fed, zbytes, got, zlen, cdone);
            dst = cdone ? MDLZ_ERROR_TRUNCATED : MDLZ_ERROR_GENERIC;
            break;
        }
        if (fed >= next_report) {
            double t = now_seconds() - t0;
            printf("# %.0f of %.0f MiB in, %.0f MiB decoded, %" PRIu64
                   " bytes compressed, %.0f s, %.2f MiB/s\n",
                   mib(fed), mib(total), mib(got), zbytes, t,
                   t > 0 ? mib(fed) / t : 0.0);
            next_report += step;
        }
    }
    double t = now_seconds() - t0;

    check(cst == MDLZ_OK, "compress stream (%s)", mdlz_strerror(cst));
    check(dst == MDLZ_OK, "decompress stream (%s)", mdlz_strerror(dst));
    check(cdone && ddone, "both sides done (compress %d, decompress %d)", cdone,
          ddone);
    check(fed == total, "compressor consumed %" PRIu64 " of %" PRIu64 " bytes",
          fed, total);
    check(got == total, "decoded exactly %" PRIu64 " bytes (%" PRIu64 ")",
          total, got);
    if (bad_at == UINT64_MAX) check(1, "every decoded byte is zero");
    else
        check(0, "every decoded byte is zero (first nonzero at %" PRIu64 ")",
              bad_at);
    check(zlen == 0 && zused == zbytes,
          "decoder consumed all %" PRIu64 " compressed bytes (%" PRIu64
          " used, %zu left over)",
          zbytes, zused, zlen);
    uint64_t pin = 0, pout = 0;
    mdlz_cctx_progress(c, &pin, &pout);
    check(pin == total && pout == zbytes,
          "mdlz_cctx_progress: %" PRIu64 " in, %" PRIu64 " out", pin, pout);
    check(zbytes <= total / 256 + 4096,
          "%.0f MiB of zeros compressed to %" PRIu64 " bytes", mib(total),
          zbytes);
    printf("# %.1f s, %.2f MiB/s through compressor and decompressor\n", t,
           t > 0 ? mib(total) / t : 0.0);
    mdlz_cctx_free(c);
    mdlz_dctx_free(d);
    free(zbuf);
    free(dbuf);
    return check_finish();
}
