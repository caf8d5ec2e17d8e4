/*
 * test_threads.c - segments and threads (MDLZ_CPARAM_THREADS,
 * MDLZ_DPARAM_THREADS, docs/format.md "Segments"), through the public API:
 *
 *   - determinism: 1, 2, 3 and 0 (one per core) threads make the same
 *     bytes, one-shot and streamed in small pieces, and each decodes the
 *     streams to the input;
 *   - round trips at segment boundaries: k segments and one byte less or
 *     more, with the small segments of MDLZ_CPARAM_SEGMENT_LOG (2^18 bytes
 *     of four blocks) so that the cases stay fast; an input of one segment
 *     or less is not segmented (no format cost);
 *   - an input of unknown size is segmented when it turns out larger;
 *   - a memory limit for one thread still codes the same stream;
 *   - a damaged segment (a payload byte of the second one, a block
 *     header, the end) is refused by every thread count.
 *
 * `test_threads quick` runs a few cases (the TSan build, scripts/test.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../api/check.h"

#define MDLZ_MIN_SZ(a, b) ((a) < (b) ? (a) : (b))

#define SEG_LOG 18
#define SEG     ((size_t)1 << SEG_LOG)
#define LEVEL   1

static const int thread_counts[] = {1, 2, 3, 0};
#define N_COUNTS (sizeof thread_counts / sizeof thread_counts[0])

/* Compresses src with `threads`, feeding in pieces of `in_step` bytes and
 * taking output in pieces of `out_step` (0: all at once). Returns the
 * status; *out (malloc'd) and *out_n hold the stream. */
static mdlz_status compress_with(const uint8_t *src, size_t n, int threads,
                                 int known, size_t in_step, size_t out_step,
                                 uint64_t mem_limit, uint8_t **out,
                                 size_t *out_n) {
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = LEVEL;
    p.src_size = known ? n : MDLZ_SIZE_UNKNOWN;
    p.mem_limit = mem_limit;
    size_t cap = (size_t)mdlz_compress_bound(n);
    *out = xmalloc(cap);
    *out_n = 0;
    mdlz_cctx *c;
    mdlz_status st = mdlz_cctx_create(&c, &p);
    if (st != MDLZ_OK) return st;
    st = mdlz_cctx_set_param(c, MDLZ_CPARAM_SEGMENT_LOG, SEG_LOG);
    if (st == MDLZ_OK)
        st = mdlz_cctx_set_param(c, MDLZ_CPARAM_THREADS, threads);
    mdlz_inbuf in = {src, 0, 0};
    mdlz_outbuf o = {*out, 0, 0};
    int done = 0;
    while (st == MDLZ_OK && !done) {
        in.size = in_step ? MDLZ_MIN_SZ(n, in.pos + in_step) : n;
        o.size = out_step ? MDLZ_MIN_SZ(cap, o.pos + out_step) : cap;
        st = mdlz_compress_stream(c, &o, &in, in.size == n, &done);
    }
    mdlz_cctx_free(c);
    *out_n = o.pos;
    return st;
}

/* Decompresses with `threads`, output in pieces of out_step (0: all). */
static mdlz_status decompress_with(const uint8_t *src, size_t n, int threads,
                                   size_t out_step, uint8_t *dst, size_t cap,
                                   size_t *dst_n) {
    mdlz_dctx *d;
    *dst_n = 0;
    mdlz_status st = mdlz_dctx_create(&d, 0);
    if (st != MDLZ_OK) return st;
    st = mdlz_dctx_set_param(d, MDLZ_DPARAM_THREADS, threads);
    mdlz_inbuf in = {src, n, 0};
    mdlz_outbuf o = {dst, 0, 0};
    int done = 0;
    while (st == MDLZ_OK && !done) {
        size_t before_in = in.pos, before_out = o.pos;
        o.size = out_step ? MDLZ_MIN_SZ(cap, o.pos + out_step) : cap;
        st = mdlz_decompress_stream(d, &o, &in, &done);
        if (st == MDLZ_OK && !done && in.pos == before_in &&
            o.pos == before_out && o.size == cap) {
            st = MDLZ_ERROR_TRUNCATED; /* no progress: input ran out */
        }
    }
    mdlz_dctx_free(d);
    *dst_n = o.pos;
    return st;
}

static uint64_t segment_size_of(const uint8_t *s, size_t n) {
    mdlz_frame_info fi;
    if (mdlz_get_frame_info(&fi, s, n) != MDLZ_OK) return UINT64_MAX;
    return fi.segment_size;
}

/* Every thread count makes the same stream of src; the first `n_dec`
 * counts decode it. */
static void same_bytes(const uint8_t *src, size_t n, int known, size_t in_step,
                       size_t out_step, const int *counts, size_t n_counts,
                       size_t n_dec) {
    uint8_t *ref = NULL, *got = NULL;
    size_t ref_n = 0, got_n = 0;
    const char *how = known ? "known size" : "unknown size";
    mdlz_status st = compress_with(src, n, counts[0], known, in_step, out_step,
                                   0, &ref, &ref_n);
    if (!check(st == MDLZ_OK, "%zu bytes (%s): compress -T%d (%s)", n, how,
               counts[0], mdlz_strerror(st))) {
        free(ref);
        return;
    }
    uint64_t want_seg = (!known && n > 0) || n > SEG ? SEG : 0;
    check(segment_size_of(ref, ref_n) == want_seg,
          "%zu bytes (%s): segments of %llu bytes in the header", n, how,
          (unsigned long long)want_seg);
    for (size_t i = 1; i < n_counts; i++) {
        st = compress_with(src, n, counts[i], known, in_step, out_step, 0, &got,
                           &got_n);
        check(st == MDLZ_OK && got_n == ref_n && !memcmp(got, ref, ref_n),
              "%zu bytes (%s, pieces %zu/%zu): -T%d makes the bytes of -T%d "
              "(%s)",
              n, how, in_step, out_step, counts[i], counts[0],
              mdlz_strerror(st));
        free(got);
    }
    uint8_t *back = xmalloc(n + 1);
    for (size_t i = 0; i < n_dec; i++) {
        size_t back_n;
        st = decompress_with(ref, ref_n, counts[i], out_step, back, n + 1,
                             &back_n);
        check(st == MDLZ_OK && back_n == n && !memcmp(back, src, n),
              "%zu bytes (%s): decoded with -T%d (%s)", n, how, counts[i],
              mdlz_strerror(st));
    }
    free(back);
    free(ref);
}

/* A damaged stream is refused whatever the thread count (each of the
 * n_counts first of thread_counts). */
static void damaged(const uint8_t *src, size_t n, size_t n_counts) {
    uint8_t *s;
    size_t sn;
    if (compress_with(src, n, 2, 1, 0, 0, 0, &s, &sn) != MDLZ_OK) {
        check(0, "damaged: compress");
        free(s);
        return;
    }
    mdlz_frame_info fi;
    mdlz_get_frame_info(&fi, s, sn);
    /* Offsets: a payload byte 90% in (in the last segment), the type byte
     * of the first block header, the trailer's checksum. */
    struct {
        const char *what;
        size_t at;
    } at[] = {{"a payload byte of the last segment", sn * 9 / 10},
              {"the first block's type", fi.header_size},
              {"the trailer", sn - 3}};
    uint8_t *back = xmalloc(n);
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        s[at[k].at] ^= 0x20;
        for (size_t i = 0; i < n_counts; i++) {
            size_t bn;
            mdlz_status st =
                decompress_with(s, sn, thread_counts[i], 0, back, n, &bn);
            check(st != MDLZ_OK, "damaged (%s), -T%d: %s", at[k].what,
                  thread_counts[i], mdlz_strerror(st));
        }
        s[at[k].at] ^= 0x20;
    }
    /* Truncated in the middle of the second segment. */
    for (size_t i = 0; i < n_counts; i++) {
        size_t bn;
        mdlz_status st =
            decompress_with(s, sn / 2, thread_counts[i], 0, back, n, &bn);
        check(st != MDLZ_OK, "truncated in a segment, -T%d: %s",
              thread_counts[i], mdlz_strerror(st));
    }
    free(back);
    free(s);
}

/* Under a memory limit that fits one model, threads are fewer (here one)
 * and the stream is the same. */
static void memory_bound(const uint8_t *src, size_t n) {
    mdlz_cctx *c;
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = LEVEL;
    p.src_size = n;
    uint64_t model = 0;
    if (mdlz_cctx_create(&c, &p) != MDLZ_OK) {
        check(0, "memory bound: create");
        return;
    }
    mdlz_cctx_set_param(c, MDLZ_CPARAM_SEGMENT_LOG, SEG_LOG);
    mdlz_cctx_get_model(c, NULL, &model);
    mdlz_cctx_free(c);
    uint8_t *a, *b;
    size_t an, bn;
    mdlz_status sa = compress_with(src, n, 1, 1, 0, 0, 0, &a, &an);
    mdlz_status sb =
        compress_with(src, n, 4, 1, 0, 0, model + model / 2, &b, &bn);
    check(sa == MDLZ_OK && sb == MDLZ_OK && an == bn && !memcmp(a, b, an),
          "-T4 under a limit of 1.5 models: the stream of -T1 (%s)",
          mdlz_strerror(sb));
    free(a);
    free(b);
}

int main(int argc, char **argv) {
    int quick = argc > 1 && strcmp(argv[1], "quick") == 0;
    size_t max = 3 * SEG + 1;
    uint8_t *text = make_words(max, 14);
    if (quick) {
        /* Two segments (the second half as long), so that two threads
         * code at once; kept small for ThreadSanitizer's pace. */
        static const int counts[] = {1, 2};
        same_bytes(text, SEG + SEG / 2, 1, 0, 0, counts, 2, 2);
        same_bytes(text, SEG + SEG / 2, 1, 40000, 30000, counts, 2, 1);
        damaged(text, SEG + SEG / 2, 2);
        free(text);
        return check_finish();
    }
    /* k segments, one byte less and one more (k = 1, 2; 3 below), decoded
     * by one and two threads (all counts for 3 segments and a byte). */
    static const size_t sizes[] = {SEG - 1,     SEG,     SEG + 1,
                                   2 * SEG - 1, 2 * SEG, 2 * SEG + 1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        same_bytes(text, sizes[i], 1, 0, 0, thread_counts, N_COUNTS, 2);
    same_bytes(text, 3 * SEG + 1, 1, 0, 0, thread_counts, N_COUNTS, N_COUNTS);
    /* Streamed in pieces, output taken in small pieces: the stream is the
     * same as one-shot (the first count's bytes are compared with -T1's). */
    same_bytes(text, 2 * SEG + 7, 1, 65536 + 3, 4093, thread_counts, N_COUNTS,
               2);
    /* Unknown size: segmented (below a segment: one segment). */
    same_bytes(text, 1000, 0, 0, 0, thread_counts, N_COUNTS, N_COUNTS);
    same_bytes(text, 2 * SEG + 1, 0, 50000, 0, thread_counts, N_COUNTS, 2);
    memory_bound(text, 3 * SEG);
    damaged(text, 3 * SEG, N_COUNTS);
    free(text);
    return check_finish();
}
