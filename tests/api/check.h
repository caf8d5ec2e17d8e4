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

#include "mdlz.h"
#include "testutil.h"

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
    if (ok) check_passed++;
    else check_failed++;
    return ok;
}

static inline int check_finish(void) {
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

/* A call that neither consumes input nor produces output this many times
 * in a row (while the stream is not done) is reported as a stall. */
#define STALL_LIMIT 8

/*
 * One call of mdlz_compress_stream (ctx: an mdlz_cctx; `end`: no input
 * after in) or mdlz_decompress_stream (ctx: an mdlz_dctx), as a
 * stream_step. Returns the library's status, or MDLZ_ERROR_GENERIC for a
 * position past its buffer's size. Decompressing with `end` set (every
 * input byte handed over before the call), a call that neither consumes
 * input nor produces output into a nonempty buffer and is not done returns
 * MDLZ_ERROR_TRUNCATED: the input ends before the stream does.
 */
typedef mdlz_status (*stream_step)(void *ctx, mdlz_outbuf *out, mdlz_inbuf *in,
                                   int end, int *done);

static inline mdlz_status compress_step(void *cctx, mdlz_outbuf *out,
                                        mdlz_inbuf *in, int end, int *done) {
    mdlz_status st = mdlz_compress_stream(cctx, out, in, end, done);
    if (st == MDLZ_OK && (in->pos > in->size || out->pos > out->size))
        st = MDLZ_ERROR_GENERIC;
    return st;
}

static inline mdlz_status decompress_step(void *dctx, mdlz_outbuf *out,
                                          mdlz_inbuf *in, int end, int *done) {
    mdlz_status st = mdlz_decompress_stream(dctx, out, in, done);
    if (st == MDLZ_OK && (in->pos > in->size || out->pos > out->size))
        st = MDLZ_ERROR_GENERIC;
    else if (st == MDLZ_OK && end && !*done && in->size == 0 && out->size > 0 &&
             out->pos == 0)
        st = MDLZ_ERROR_TRUNCATED;
    return st;
}

/*
 * Runs src[0..n) through `step` on ctx with input handed over in pieces of
 * at most `ichunk` bytes and output space in pieces of at most `ochunk`
 * bytes, until the step reports *done. On MDLZ_OK, *out (malloc'd) holds
 * all the output. Returns the step's status, or MDLZ_ERROR_GENERIC on a
 * stall (`what` names the stream in its message). *consumed tells how many
 * input bytes were taken.
 */
static inline mdlz_status stream_loop(stream_step step, void *ctx,
                                      const char *what, const uint8_t *src,
                                      size_t n, size_t ichunk, size_t ochunk,
                                      uint8_t **out, size_t *out_n,
                                      size_t *consumed) {
    size_t cap = 4096, len = 0, ipos = 0;
    uint8_t *buf = xmalloc(cap);
    int done = 0, idle = 0;
    mdlz_status st = MDLZ_OK;
    while (!done) {
        if (cap - len < ochunk) {
            cap = cap * 2 + ochunk;
            buf = xrealloc(buf, cap);
        }
        size_t iwin = n - ipos < ichunk ? n - ipos : ichunk;
        mdlz_inbuf in = {src ? src + ipos : NULL, iwin, 0};
        mdlz_outbuf ob = {buf + len, ochunk, 0};
        st = step(ctx, &ob, &in, ipos + iwin == n, &done);
        if (st != MDLZ_OK) break;
        ipos += in.pos;
        len += ob.pos;
        idle = (in.pos == 0 && ob.pos == 0) ? idle + 1 : 0;
        if (!done && idle > STALL_LIMIT) {
            fprintf(stderr, "%s stream stalled at in %zu out %zu\n", what, ipos,
                    len);
            st = MDLZ_ERROR_GENERIC;
            break;
        }
    }
    *consumed = ipos;
    if (st != MDLZ_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *out_n = len;
    return MDLZ_OK;
}

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
    size_t len = 0, ipos = 0;
    uint8_t *buf = NULL;
    st = stream_loop(compress_step, c, "compress", src, n, ichunk, ochunk, &buf,
                     &len, &ipos);
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
            free(buf);
        }
    }
    mdlz_cctx_free(c);
    if (st != MDLZ_OK) return st;
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
    size_t used = 0;
    *out = NULL;
    *out_n = 0;
    if (consumed) *consumed = 0;
    mdlz_status st = mdlz_dctx_create(&d, mem_limit);
    if (st != MDLZ_OK) return st;
    st = stream_loop(decompress_step, d, "decompress", src, n, ichunk, ochunk,
                     out, out_n, &used);
    mdlz_dctx_free(d);
    if (consumed) *consumed = used;
    return st;
}

#endif
