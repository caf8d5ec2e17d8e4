/*
 * fuzz_decompress.c - decodes arbitrary bytes, one-shot and streaming.
 *
 * Both decoders run with a memory limit (FUZZ_MEM_LIMIT) and a bounded
 * output (FUZZ_OUT_CAP). Beyond "never crash, never read or write out of
 * bounds, never leak", the target checks:
 *
 *   - one-shot: MDLZ_OK only for a complete stream that fills exactly
 *     *dst_size <= dst_cap bytes, whose trailer (mdlz_get_trailer_info)
 *     and header (mdlz_get_frame_info) agree with what was decoded, and
 *     whose XXH64 matches the trailer's;
 *   - streaming, with in/out buffers of tiny sizes (0, 1..4, sometimes
 *     larger) drawn from a generator seeded with the input's last bytes:
 *     pos fields never run past size, every call with input and output
 *     space makes progress, errors are sticky, a finished stream stays
 *     finished and consumes nothing more;
 *   - both agree: the same status (OK <-> done and all input consumed,
 *     TRAILING <-> done before the end, TRUNCATED <-> input ran out,
 *     DST_SIZE <-> more than FUZZ_OUT_CAP bytes, the same error code
 *     otherwise) and the same bytes. The state machine must not depend on
 *     how its input and output are cut.
 *
 * The sizes come from the last bytes, not the first, so a valid stream is
 * a valid input as is (its first bytes are always the magic).
 */
#include <string.h>
#include <xxhash.h>

#include "fuzz.h"

enum { R_ERROR, R_DONE, R_INCOMPLETE, R_EXCEEDED };

typedef struct {
    int kind;
    mdlz_status err; /* R_ERROR */
    size_t in_pos;   /* R_DONE: bytes of the stream */
    uint8_t *out;    /* decoded bytes (up to FUZZ_OUT_CAP) */
    size_t out_len;
} stream_result;

static void stream_decode(const uint8_t *data, size_t size, uint64_t seed,
                          stream_result *r) {
    mdlz_dctx *d;
    memset(r, 0, sizeof *r);
    mdlz_status st = mdlz_dctx_create(&d, FUZZ_MEM_LIMIT);
    FUZZ_CHECK(st == MDLZ_OK, "dctx_create: %s", mdlz_strerror(st));
    r->out = xmalloc(FUZZ_OUT_CAP);

    rng chunks;
    rng_seed(&chunks, seed);
    size_t max_small = 1 + (seed & 3); /* 1..4 */
    uint8_t *obuf = xmalloc(65536);
    mdlz_inbuf in = {data, 0, 0};
    int done = 0;
    for (unsigned long iter = 0;; iter++) {
        FUZZ_CHECK(iter < 100000000ul, "no end after %lu calls", iter);
        size_t ic = fuzz_chunk(&chunks, max_small);
        size_t oc = fuzz_chunk(&chunks, max_small);
        if (in.pos == size && oc == 0) oc = 1; /* keep the loop moving */
        in.size = in.pos + (ic < size - in.pos ? ic : size - in.pos);
        mdlz_outbuf out = {obuf, oc, 0};
        size_t in_before = in.pos;
        st = mdlz_decompress_stream(d, &out, &in, &done);
        FUZZ_CHECK(in.pos >= in_before && in.pos <= in.size,
                   "in.pos %zu outside [%zu, %zu]", in.pos, in_before, in.size);
        FUZZ_CHECK(out.pos <= out.size, "out.pos %zu > out.size %zu", out.pos,
                   out.size);
        if (st != MDLZ_OK) {
            FUZZ_CHECK(!done, "error %s with *done set", mdlz_strerror(st));
            /* Errors are sticky. */
            mdlz_outbuf o2 = {obuf, 16, 0};
            mdlz_inbuf i2 = {data, size, in.pos};
            int done2 = 1;
            mdlz_status st2 = mdlz_decompress_stream(d, &o2, &i2, &done2);
            FUZZ_CHECK(st2 == st && !done2 && o2.pos == 0 && i2.pos == in.pos,
                       "error %s not sticky: then %s", mdlz_strerror(st),
                       mdlz_strerror(st2));
            r->kind = R_ERROR;
            r->err = st;
            break;
        }
        if (r->out_len + out.pos > FUZZ_OUT_CAP) {
            r->kind = R_EXCEEDED;
            break;
        }
        memcpy(r->out + r->out_len, obuf, out.pos);
        r->out_len += out.pos;
        if (done) {
            /* A finished stream stays finished and takes nothing more. */
            size_t end = in.pos;
            mdlz_outbuf o2 = {obuf, 16, 0};
            mdlz_inbuf i2 = {data, size, end};
            int done2 = 0;
            mdlz_status st2 = mdlz_decompress_stream(d, &o2, &i2, &done2);
            FUZZ_CHECK(st2 == MDLZ_OK && done2 && o2.pos == 0 && i2.pos == end,
                       "call after the end: %s done=%d out %zu in %zu->%zu",
                       mdlz_strerror(st2), done2, o2.pos, end, i2.pos);
            r->kind = R_DONE;
            r->in_pos = end;
            break;
        }
        size_t progress = (in.pos - in_before) + out.pos;
        if (progress == 0) {
            FUZZ_CHECK(!(in.size > in_before && oc > 0),
                       "no progress with %zu input bytes and %zu output "
                       "bytes of room (in.pos %zu)",
                       in.size - in_before, oc, in_before);
            if (in.pos == size) { /* no input left, output had room */
                r->kind = R_INCOMPLETE;
                break;
            }
        }
    }
    free(obuf);
    mdlz_dctx_free(d);
}

static const char *kind_name(int k) {
    static const char *const n[] = {"error", "done", "incomplete", "exceeded"};
    return n[k];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* One-shot. */
    uint8_t *dst = xmalloc(FUZZ_OUT_CAP);
    size_t dst_size = 12345;
    mdlz_status st = mdlz_decompress(dst, FUZZ_OUT_CAP, &dst_size, data, size,
                                     FUZZ_MEM_LIMIT);
    if (st != MDLZ_OK)
        FUZZ_CHECK(dst_size == 0, "%s with dst_size %zu", mdlz_strerror(st),
                   dst_size);
    FUZZ_CHECK(st != MDLZ_ERROR_PARAM && st != MDLZ_ERROR_STAGE &&
                   st != MDLZ_ERROR_GENERIC,
               "one-shot: %s", mdlz_strerror(st));
    if (st == MDLZ_OK) {
        FUZZ_CHECK(dst_size <= FUZZ_OUT_CAP, "dst_size %zu", dst_size);
        mdlz_frame_info fi;
        mdlz_status s2 = mdlz_get_frame_info(&fi, data, size);
        FUZZ_CHECK(s2 == MDLZ_OK, "decoded, but frame info: %s",
                   mdlz_strerror(s2));
        FUZZ_CHECK(fi.header_size < size, "header %zu of %zu", fi.header_size,
                   size);
        FUZZ_CHECK(fi.model_memory <= FUZZ_MEM_LIMIT, "model %llu > limit",
                   (unsigned long long)fi.model_memory);
        if (fi.src_size != MDLZ_SIZE_UNKNOWN)
            FUZZ_CHECK(fi.src_size == dst_size, "header size %llu, got %zu",
                       (unsigned long long)fi.src_size, dst_size);
        mdlz_trailer_info ti;
        s2 = mdlz_get_trailer_info(&ti, data, size);
        FUZZ_CHECK(s2 == MDLZ_OK, "decoded, but trailer info: %s",
                   mdlz_strerror(s2));
        FUZZ_CHECK(ti.src_size == dst_size, "trailer size %llu, got %zu",
                   (unsigned long long)ti.src_size, dst_size);
        FUZZ_CHECK(ti.checksum == XXH64(dst, dst_size, 0),
                   "decoded bytes do not match the trailer's XXH64");
    }

    /* Streaming, sizes seeded from the last bytes. */
    uint64_t seed = size;
    for (size_t i = size > 4 ? size - 4 : 0; i < size; i++)
        seed = seed << 8 | data[i];
    stream_result r;
    stream_decode(data, size, seed, &r);

    int expect_kind;
    switch (st) {
    case MDLZ_OK:
    case MDLZ_ERROR_TRAILING: expect_kind = R_DONE; break;
    case MDLZ_ERROR_TRUNCATED: expect_kind = R_INCOMPLETE; break;
    case MDLZ_ERROR_DST_SIZE: expect_kind = R_EXCEEDED; break;
    default: expect_kind = R_ERROR; break;
    }
    FUZZ_CHECK(r.kind == expect_kind, "one-shot %s but streaming %s (%s)",
               mdlz_strerror(st), kind_name(r.kind),
               r.kind == R_ERROR ? mdlz_strerror(r.err) : "-");
    if (r.kind == R_ERROR)
        FUZZ_CHECK(r.err == st, "one-shot %s but streaming %s",
                   mdlz_strerror(st), mdlz_strerror(r.err));
    if (r.kind == R_DONE) {
        FUZZ_CHECK((r.in_pos == size) == (st == MDLZ_OK),
                   "stream ends at %zu of %zu, one-shot %s", r.in_pos, size,
                   mdlz_strerror(st));
        FUZZ_CHECK(r.in_pos <= size, "in_pos %zu > %zu", r.in_pos, size);
    }
    if (st == MDLZ_OK)
        FUZZ_CHECK(r.out_len == dst_size && !memcmp(r.out, dst, dst_size),
                   "streaming output (%zu bytes) differs from one-shot (%zu)",
                   r.out_len, dst_size);
    free(r.out);
    free(dst);
    return 0;
}
