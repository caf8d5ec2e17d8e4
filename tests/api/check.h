/*
 * check.h - tiny TAP-like helpers shared by the api tests, plus streaming
 * round-trip helpers written against the public API only (mdlz.h).
 *
 * Each test prints "ok - NAME" or "not ok - NAME: why" per case and ends
 * with "N passed, M failed" (check_finish). Exit 0 = all passed, 1 = some
 * failed, 77 = everything skipped (meson's skip code).
 */
#ifndef MDLZ_TEST_CHECK_H
#define MDLZ_TEST_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mdlz.h"

static int check_passed, check_failed;

/* Records one case: prints "ok - ..." or "not ok - ...". Returns ok. */
__attribute__((format(printf, 2, 3))) static inline int
check(int ok, const char *fmt, ...) {
    va_list ap;
    fputs(ok ? "ok - " : "not ok - ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
    if (ok)
        check_passed++;
    else
        check_failed++;
    return ok;
}

static inline int check_finish(void) {
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

static inline void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        exit(99); /* meson: hard error */
    }
    return p;
}

static inline void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        exit(99);
    }
    return p;
}

static inline double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Deterministic pseudo-random bytes (xorshift64*), same on every run. */
static inline void fill_random(uint8_t *p, size_t n, uint64_t seed) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        p[i] = (uint8_t)((x * 0x2545F4914F6CDD1Dull) >> 56);
    }
}

/* A call that neither consumes input nor produces output this many times
 * in a row (while the stream is not done) is reported as a stall. */
#define STALL_LIMIT 8

/*
 * Compresses src[0..n) through mdlz_compress_stream with input handed over
 * in pieces of at most `ichunk` bytes and output space in pieces of at most
 * `ochunk` bytes. On MDLZ_OK, *out (malloc'd) holds the whole stream.
 * MDLZ_ERROR_GENERIC is returned for a stall or a wrong progress count.
 */
static inline mdlz_status stream_compress(const mdlz_params *p,
                                          const uint8_t *src, size_t n,
                                          size_t ichunk, size_t ochunk,
                                          uint8_t **out, size_t *out_n) {
    mdlz_cctx *c;
    *out = NULL;
    *out_n = 0;
    mdlz_status st = mdlz_cctx_create(&c, p);
    if (st != MDLZ_OK) return st;
    size_t cap = 4096, len = 0, ipos = 0;
    uint8_t *buf = xmalloc(cap);
    int done = 0, idle = 0;
    while (!done) {
        if (cap - len < ochunk) {
            cap = cap * 2 + ochunk;
            buf = xrealloc(buf, cap);
        }
        size_t iwin = n - ipos < ichunk ? n - ipos : ichunk;
        int end = ipos + iwin == n;
        mdlz_inbuf in = {src ? src + ipos : NULL, iwin, 0};
        mdlz_outbuf ob = {buf + len, ochunk, 0};
        st = mdlz_compress_stream(c, &ob, &in, end, &done);
        if (st != MDLZ_OK) break;
        if (in.pos > in.size || ob.pos > ob.size) {
            st = MDLZ_ERROR_GENERIC;
            break;
        }
        ipos += in.pos;
        len += ob.pos;
        idle = (in.pos == 0 && ob.pos == 0) ? idle + 1 : 0;
        if (!done && idle > STALL_LIMIT) {
            fprintf(stderr, "compress stream stalled at in %zu out %zu\n",
                    ipos, len);
            st = MDLZ_ERROR_GENERIC;
            break;
        }
    }
    if (st == MDLZ_OK) {
        uint64_t pin = 0, pout = 0;
        mdlz_cctx_progress(c, &pin, &pout);
        if (ipos != n || pin != n || pout != len) {
            fprintf(stderr,
                    "compress stream: consumed %zu of %zu, progress %llu/%llu "
                    "vs %zu out\n",
                    ipos, n, (unsigned long long)pin, (unsigned long long)pout,
                    len);
            st = MDLZ_ERROR_GENERIC;
        }
    }
    mdlz_cctx_free(c);
    if (st != MDLZ_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *out_n = len;
    return MDLZ_OK;
}

/*
 * Decompresses src[0..n) through mdlz_decompress_stream with pieces of at
 * most `ichunk` input bytes and `ochunk` bytes of output space. Returns the
 * decoder's status, MDLZ_ERROR_TRUNCATED if the input ends before the
 * stream does, or MDLZ_ERROR_GENERIC on a stall. *consumed tells how many
 * input bytes the stream took (the rest would be trailing data).
 */
static inline mdlz_status stream_decompress(const uint8_t *src, size_t n,
                                            size_t ichunk, size_t ochunk,
                                            uint64_t mem_limit, uint8_t **out,
                                            size_t *out_n, size_t *consumed) {
    mdlz_dctx *d;
    *out = NULL;
    *out_n = 0;
    if (consumed) *consumed = 0;
    mdlz_status st = mdlz_dctx_create(&d, mem_limit);
    if (st != MDLZ_OK) return st;
    size_t cap = 4096, len = 0, ipos = 0;
    uint8_t *buf = xmalloc(cap);
    int done = 0, idle = 0;
    while (!done) {
        if (cap - len < ochunk) {
            cap = cap * 2 + ochunk;
            buf = xrealloc(buf, cap);
        }
        size_t iwin = n - ipos < ichunk ? n - ipos : ichunk;
        mdlz_inbuf in = {src ? src + ipos : NULL, iwin, 0};
        mdlz_outbuf ob = {buf + len, ochunk, 0};
        st = mdlz_decompress_stream(d, &ob, &in, &done);
        if (st != MDLZ_OK) break;
        if (in.pos > in.size || ob.pos > ob.size) {
            st = MDLZ_ERROR_GENERIC;
            break;
        }
        ipos += in.pos;
        len += ob.pos;
        if (done) break;
        if (in.pos == 0 && ob.pos == 0) {
            /* No progress: either out of input (truncated), or stalled. */
            if (ipos == n && ob.size > 0) {
                st = MDLZ_ERROR_TRUNCATED;
                break;
            }
            if (++idle > STALL_LIMIT) {
                fprintf(stderr, "decompress stream stalled at in %zu out %zu\n",
                        ipos, len);
                st = MDLZ_ERROR_GENERIC;
                break;
            }
        } else {
            idle = 0;
        }
    }
    mdlz_dctx_free(d);
    if (consumed) *consumed = ipos;
    if (st != MDLZ_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *out_n = len;
    return MDLZ_OK;
}

#endif
