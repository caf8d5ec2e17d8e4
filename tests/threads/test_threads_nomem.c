/*
 * test_threads_nomem.c - a segment's thread that fails fails the whole
 * call cleanly: an allocation of the second segment's model fails on its
 * worker thread (calloc is interposed: the order-1 table of the context
 * model, 64 KiB, fails off the main thread once armed). Compression and
 * decompression with two threads return MDLZ_ERROR_NOMEM, hand out no
 * byte of the failed batch, and the contexts free cleanly; the same calls
 * with one thread (no worker) succeed.
 *
 * Sanitizers interpose calloc themselves: skipped under them (77).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../api/check.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

#define SEG_LOG 18
#define SEG     ((size_t)1 << SEG_LOG)

#ifndef UNDER_SANITIZER
extern void *__libc_calloc(size_t n, size_t size);

static pthread_t main_thread;
static atomic_int armed, failures;

void *calloc(size_t n, size_t size) {
    if (atomic_load(&armed) && n == 65536 && size == 1 &&
        !pthread_equal(pthread_self(), main_thread)) {
        atomic_fetch_add(&failures, 1);
        return NULL;
    }
    return __libc_calloc(n, size);
}

static mdlz_status compress(const uint8_t *src, size_t n, int threads,
                            uint8_t *dst, size_t cap, size_t *out) {
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = 1;
    p.src_size = n;
    mdlz_cctx *c;
    mdlz_status st = mdlz_cctx_create(&c, &p);
    if (st != MDLZ_OK) return st;
    st = mdlz_cctx_set_param(c, MDLZ_CPARAM_SEGMENT_LOG, SEG_LOG);
    if (st == MDLZ_OK)
        st = mdlz_cctx_set_param(c, MDLZ_CPARAM_THREADS, threads);
    mdlz_inbuf in = {src, n, 0};
    mdlz_outbuf o = {dst, cap, 0};
    int done = 0;
    while (st == MDLZ_OK && !done)
        st = mdlz_compress_stream(c, &o, &in, 1, &done);
    /* Once failed, the context refuses further calls. */
    if (st != MDLZ_OK &&
        mdlz_compress_stream(c, &o, &in, 1, &done) != MDLZ_ERROR_STAGE)
        st = MDLZ_ERROR_GENERIC;
    mdlz_cctx_free(c);
    *out = o.pos;
    return st;
}

static mdlz_status decompress(const uint8_t *src, size_t n, int threads,
                              uint8_t *dst, size_t cap, size_t *out) {
    mdlz_dctx *d;
    mdlz_status st = mdlz_dctx_create(&d, 0);
    if (st != MDLZ_OK) return st;
    st = mdlz_dctx_set_param(d, MDLZ_DPARAM_THREADS, threads);
    mdlz_inbuf in = {src, n, 0};
    mdlz_outbuf o = {dst, cap, 0};
    int done = 0;
    while (st == MDLZ_OK && !done && in.pos < in.size)
        st = mdlz_decompress_stream(d, &o, &in, &done);
    mdlz_dctx_free(d);
    *out = o.pos;
    return st;
}
#endif

int main(void) {
#ifdef UNDER_SANITIZER
    printf("ok - skipped: sanitizers interpose calloc\n");
    return 77;
#else
    main_thread = pthread_self();
    size_t n = 3 * SEG;
    uint8_t *text = make_words(n, 3);
    size_t cap = (size_t)mdlz_compress_bound(n), zn, got;
    uint8_t *z = xmalloc(cap), *back = xmalloc(n);
    mdlz_status st = compress(text, n, 1, z, cap, &zn);
    check(st == MDLZ_OK, "reference stream (%s)", mdlz_strerror(st));

    atomic_store(&armed, 1);
    uint8_t *z2 = xmalloc(cap);
    st = compress(text, n, 2, z2, cap, &got);
    check(st == MDLZ_ERROR_NOMEM && atomic_load(&failures) > 0,
          "compression, a worker's model fails: %s, %d failure(s)",
          mdlz_strerror(st), atomic_load(&failures));
    /* Only the header can have been written: the batch failed as a whole. */
    check(got < 64,
          "compression: nothing of the failed segments written "
          "(%zu bytes)",
          got);
    int before = atomic_load(&failures);
    st = decompress(z, zn, 2, back, n, &got);
    check(st == MDLZ_ERROR_NOMEM && atomic_load(&failures) > before && got == 0,
          "decompression, a worker's model fails: %s, %zu bytes out",
          mdlz_strerror(st), got);
    st = decompress(z, zn, 1, back, n, &got);
    check(st == MDLZ_OK && got == n && !memcmp(back, text, n),
          "one thread (no worker) still decodes (%s)", mdlz_strerror(st));
    st = compress(text, n, 1, z2, cap, &got);
    check(st == MDLZ_OK && got == zn && !memcmp(z, z2, zn),
          "one thread still compresses, the same bytes (%s)",
          mdlz_strerror(st));
    atomic_store(&armed, 0);
    free(z);
    free(z2);
    free(back);
    free(text);
    return check_finish();
#endif
}
