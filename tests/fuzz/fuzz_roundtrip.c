/*
 * fuzz_roundtrip.c - compresses arbitrary bytes, decompresses, compares.
 *
 * The first byte chooses the parameters, the rest is the data:
 *   bits 0-1  level 1, 2, 3, 1 (low levels: each context allocates tens of
 *             MB of tables, and the model codes ~1 MB/s)
 *   bit 2     size unknown (streaming with src_size = MDLZ_SIZE_UNKNOWN)
 *   bit 3     memory limit: mdlz_level_memory(level) minus 1/2/4/8 MiB
 *             (bits 4-5), so a lower level (or, under level 1's, level 1
 *             with smaller tables) is chosen to fit
 *   bit 6     also check that a one-shot destination one byte too small
 *             fails with MDLZ_ERROR_DST_SIZE (mode "size known", no limit)
 *   bits 4-7  with the input length, seed the streaming buffer sizes
 *
 * Checks:
 *   - compression succeeds within mdlz_compress_bound();
 *   - determinism: a second compression with the same parameters, this
 *     time streaming through tiny in/out buffers, gives identical bytes
 *     (so the output depends neither on the run nor on how the input and
 *     output are cut);
 *   - the header (mdlz_get_frame_info) records the level (a lower one
 *     only under a memory limit), the size (or
 *     unknown) and a model that fits the limit; the trailer records the
 *     size and the XXH64 of the input;
 *   - mdlz_decompress into a buffer of exactly the input's size, with a
 *     memory limit of exactly what compression was allowed (or
 *     mdlz_level_memory(level)), returns MDLZ_OK and the input.
 */
#include <string.h>
#include <xxhash.h>

#include "fuzz.h"

/* Streams src through a new context in pieces; returns the status, the
 * output in *dst (capacity cap; exceeding it fails the check). */
static mdlz_status compress_chunked(const mdlz_params *p, const uint8_t *src,
                                    size_t n, uint8_t *dst, size_t cap,
                                    size_t *dst_size, uint64_t seed,
                                    int whole) {
    mdlz_cctx *c;
    *dst_size = 0;
    mdlz_status st = mdlz_cctx_create(&c, p);
    if (st != MDLZ_OK) return st;
    rng chunks;
    rng_seed(&chunks, seed);
    size_t max_small = 1 + (seed & 7);
    mdlz_inbuf in = {src, 0, 0};
    size_t total = 0;
    int done = 0;
    uint8_t obuf[65536];
    for (unsigned long iter = 0; !done; iter++) {
        FUZZ_CHECK(iter < 100000000ul, "no end after %lu calls", iter);
        size_t ic = whole ? n : fuzz_chunk(&chunks, max_small);
        size_t oc = whole ? sizeof obuf : fuzz_chunk(&chunks, max_small);
        if (oc > sizeof obuf) oc = sizeof obuf;
        in.size = in.pos + (ic < n - in.pos ? ic : n - in.pos);
        int end = in.size == n;
        mdlz_outbuf out = {obuf, oc, 0};
        size_t in_before = in.pos;
        st = mdlz_compress_stream(c, &out, &in, end, &done);
        FUZZ_CHECK(st == MDLZ_OK, "compress_stream: %s", mdlz_strerror(st));
        FUZZ_CHECK(in.pos >= in_before && in.pos <= in.size,
                   "in.pos %zu outside [%zu, %zu]", in.pos, in_before, in.size);
        FUZZ_CHECK(out.pos <= out.size, "out.pos %zu > %zu", out.pos, out.size);
        FUZZ_CHECK(total + out.pos <= cap, "output beyond the bound %zu", cap);
        memcpy(dst + total, obuf, out.pos);
        total += out.pos;
        if (!done && (in.size > in_before || end) && oc > 0)
            FUZZ_CHECK(in.pos > in_before || out.pos > 0,
                       "no progress (in %zu of %zu, end %d, room %zu)",
                       in_before, n, end, oc);
    }
    FUZZ_CHECK(in.pos == n, "done with %zu of %zu input bytes", in.pos, n);
    uint64_t in_bytes = 0, out_bytes = 0;
    mdlz_cctx_progress(c, &in_bytes, &out_bytes);
    FUZZ_CHECK(in_bytes == n && out_bytes == total,
               "progress %llu/%llu, expected %zu/%zu",
               (unsigned long long)in_bytes, (unsigned long long)out_bytes, n,
               total);
    mdlz_cctx_free(c);
    *dst_size = total;
    return MDLZ_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t b0 = size ? data[0] : 0;
    const uint8_t *src = size ? data + 1 : data;
    size_t n = size ? size - 1 : 0;

    int level = (b0 & 3) == 3 ? 1 : 1 + (b0 & 3);
    int unknown = (b0 >> 2) & 1;
    int limited = (b0 >> 3) & 1;
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = level;
    p.src_size = unknown ? MDLZ_SIZE_UNKNOWN : n;
    if (limited)
        p.mem_limit =
            mdlz_level_memory(level) - ((uint64_t)1 << (20 + ((b0 >> 4) & 3)));
    uint64_t seed = (uint64_t)n << 8 | b0;

    size_t bound = (size_t)mdlz_compress_bound(n);
    FUZZ_CHECK(bound >= n, "bound %zu < %zu", bound, n);
    uint8_t *a = xmalloc(bound), *b = xmalloc(bound);
    size_t a_size, b_size;
    mdlz_status st;
    if (!unknown && !limited) {
        st = mdlz_compress(a, bound, &a_size, src, n, level);
        FUZZ_CHECK(st == MDLZ_OK, "mdlz_compress: %s", mdlz_strerror(st));
        FUZZ_CHECK(a_size <= bound, "size %zu > bound %zu", a_size, bound);
    } else {
        st = compress_chunked(&p, src, n, a, bound, &a_size, seed, 1);
        if (st == MDLZ_ERROR_MEMLIMIT && limited) goto out; /* cannot fit */
        FUZZ_CHECK(st == MDLZ_OK, "cctx_create: %s", mdlz_strerror(st));
    }

    /* Determinism: again, streaming in small pieces. */
    st = compress_chunked(&p, src, n, b, bound, &b_size, seed, 0);
    FUZZ_CHECK(st == MDLZ_OK, "cctx_create: %s", mdlz_strerror(st));
    FUZZ_CHECK(a_size == b_size && !memcmp(a, b, a_size),
               "two compressions differ (%zu vs %zu bytes, level %d, %s, "
               "limit %llu)",
               a_size, b_size, level, unknown ? "size unknown" : "size known",
               (unsigned long long)p.mem_limit);

    /* Header and trailer. */
    mdlz_frame_info fi;
    st = mdlz_get_frame_info(&fi, a, a_size);
    FUZZ_CHECK(st == MDLZ_OK, "frame info: %s", mdlz_strerror(st));
    FUZZ_CHECK(limited ? fi.level <= level : fi.level == level,
               "header level %d, asked %d", fi.level, level);
    FUZZ_CHECK(fi.src_size == (unknown ? MDLZ_SIZE_UNKNOWN : n),
               "header size %llu", (unsigned long long)fi.src_size);
    uint64_t dlimit = limited ? p.mem_limit : mdlz_level_memory(level);
    FUZZ_CHECK(fi.model_memory <= dlimit, "model %llu > limit %llu",
               (unsigned long long)fi.model_memory, (unsigned long long)dlimit);
    mdlz_trailer_info ti;
    st = mdlz_get_trailer_info(&ti, a, a_size);
    FUZZ_CHECK(st == MDLZ_OK, "trailer info: %s", mdlz_strerror(st));
    FUZZ_CHECK(ti.src_size == n && ti.checksum == XXH64(src, n, 0),
               "trailer: size %llu of %zu, checksum %s",
               (unsigned long long)ti.src_size, n,
               ti.checksum == XXH64(src, n, 0) ? "ok" : "wrong");

    /* A one-byte-short destination. */
    if ((b0 & 0x40) && !unknown && !limited) {
        size_t short_size = 777;
        st = mdlz_compress(b, a_size - 1, &short_size, src, n, level);
        FUZZ_CHECK(st == MDLZ_ERROR_DST_SIZE && short_size == 0,
                   "dst_cap %zu of %zu: %s", a_size - 1, a_size,
                   mdlz_strerror(st));
    }

    /* Round trip into an exact-size buffer, at exactly the limit. */
    uint8_t *back = xmalloc(n);
    size_t back_size = 0;
    st = mdlz_decompress(back, n, &back_size, a, a_size, dlimit);
    FUZZ_CHECK(st == MDLZ_OK, "decompress: %s (level %d, limit %llu)",
               mdlz_strerror(st), level, (unsigned long long)dlimit);
    FUZZ_CHECK(back_size == n && !memcmp(back, src, n),
               "round trip differs (%zu bytes back of %zu)", back_size, n);
    free(back);
out:
    free(a);
    free(b);
    return 0;
}
