/*
 * fuzz_header.c - the inspection functions and the decoder's header stage
 * on arbitrary bytes.
 *
 *   - mdlz_get_frame_info(): on success the fields are in range (level
 *     1..9, a power-of-two block size in [2^16, 2^24], 18- or 26-byte
 *     header or more with an extension area, known component names,
 *     extension fields in range), the result depends only on the
 *     header's bytes, and every shorter prefix of the header reports
 *     MDLZ_ERROR_TRUNCATED;
 *   - mdlz_get_trailer_info(): succeeds exactly when at least 17 bytes end
 *     with an END byte followed by the two little-endian fields it returns;
 *   - a decoder fed the same bytes reaches the same verdict: the same
 *     error, or "needs more input" for a truncated header; for a valid
 *     header fed alone, MDLZ_ERROR_MEMLIMIT exactly when the model needs
 *     more than the limit (checked at model_memory - 1 and at
 *     FUZZ_MEM_LIMIT), else MDLZ_OK with the header consumed and not done (a stream that needs an index
 *     fails with MDLZ_ERROR_NEED_INDEX, one with a tool this build lacks
 *     with MDLZ_ERROR_TOOL).
 */
#include <string.h>

#include "fuzz.h"

static uint64_t le64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* Feeds data[0..n) to a new decoder in one call. */
static mdlz_status feed(const uint8_t *data, size_t n, uint64_t limit,
                        size_t *consumed, int *done) {
    mdlz_dctx *d;
    mdlz_status st = mdlz_dctx_create(&d, limit);
    FUZZ_CHECK(st == MDLZ_OK, "dctx_create: %s", mdlz_strerror(st));
    uint8_t obuf[16];
    mdlz_inbuf in = {data, n, 0};
    mdlz_outbuf out = {obuf, sizeof obuf, 0};
    *done = 0;
    st = mdlz_decompress_stream(d, &out, &in, done);
    FUZZ_CHECK(out.pos == 0, "%zu bytes out of a header", out.pos);
    FUZZ_CHECK(in.pos <= n, "in.pos %zu > %zu", in.pos, n);
    *consumed = in.pos;
    mdlz_dctx_free(d);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* Cheap API surface: names for every status, versions. */
    for (int s = -1; s <= 20; s++)
        FUZZ_CHECK(mdlz_strerror((mdlz_status)s) != NULL, "strerror(%d)", s);
    FUZZ_CHECK(mdlz_version_number() == MDLZ_VERSION_NUMBER, "version");

    /* Trailer. */
    mdlz_trailer_info ti;
    mdlz_status st = mdlz_get_trailer_info(&ti, data, size);
    if (size < MDLZ_TRAILER_SIZE) {
        FUZZ_CHECK(st == MDLZ_ERROR_TRUNCATED, "trailer of %zu bytes: %s", size,
                   mdlz_strerror(st));
    } else {
        const uint8_t *t = data + size - MDLZ_TRAILER_SIZE;
        FUZZ_CHECK((st == MDLZ_OK) == (t[0] == 0), "trailer type %u: %s", t[0],
                   mdlz_strerror(st));
        if (st == MDLZ_OK)
            FUZZ_CHECK(ti.src_size == le64(t + 1) && ti.checksum == le64(t + 9),
                       "trailer fields");
        else
            FUZZ_CHECK(st == MDLZ_ERROR_CORRUPT, "trailer: %s",
                       mdlz_strerror(st));
    }

    /* Header. */
    mdlz_frame_info fi;
    st = mdlz_get_frame_info(&fi, data, size);
    size_t consumed;
    int done;
    if (st != MDLZ_OK) {
        FUZZ_CHECK(st == MDLZ_ERROR_TRUNCATED || st == MDLZ_ERROR_NOT_MDLZ ||
                       st == MDLZ_ERROR_VERSION || st == MDLZ_ERROR_CORRUPT,
                   "frame info: %s", mdlz_strerror(st));
        mdlz_status ds = feed(data, size, FUZZ_MEM_LIMIT, &consumed, &done);
        FUZZ_CHECK(!done, "done on a bad header");
        if (st == MDLZ_ERROR_TRUNCATED)
            FUZZ_CHECK(ds == MDLZ_OK && consumed == size,
                       "truncated header: decoder %s, consumed %zu of %zu",
                       mdlz_strerror(ds), consumed, size);
        else
            FUZZ_CHECK(ds == st, "frame info %s, decoder %s", mdlz_strerror(st),
                       mdlz_strerror(ds));
        return 0;
    }

    FUZZ_CHECK(fi.format_version == 5, "version %u", fi.format_version);
    FUZZ_CHECK(fi.level >= MDLZ_LEVEL_MIN && fi.level <= MDLZ_LEVEL_MAX,
               "level %d", fi.level);
    /* 18 or 26 bytes, then an extension area (>= 6 bytes) if any. */
    int has_ext = fi.header_size != 18 && fi.header_size != 26;
    FUZZ_CHECK(!has_ext || fi.header_size >= 18 + 6, "header_size %zu",
               fi.header_size);
    FUZZ_CHECK(has_ext || (!fi.retrieval && !fi.n_tools),
               "extensions without an extension area");
    FUZZ_CHECK(fi.header_size <= size && fi.header_size <= MDLZ_HEADER_MAX,
               "header_size %zu of %zu", fi.header_size, size);
    FUZZ_CHECK(has_ext || fi.header_size == 26 ||
                   fi.src_size == MDLZ_SIZE_UNKNOWN,
               "a size without the size field");
    FUZZ_CHECK(fi.retrieval <= 3 && fi.n_docs <= 64 && fi.n_tools <= 16,
               "extension fields");
    FUZZ_CHECK(fi.block_size >= (1u << 16) && fi.block_size <= (1u << 24) &&
                   (fi.block_size & (fi.block_size - 1)) == 0,
               "block_size %u", fi.block_size);
    FUZZ_CHECK(fi.model_memory >= fi.block_size, "model_memory %llu",
               (unsigned long long)fi.model_memory);
    FUZZ_CHECK(fi.n_components >= 1 && fi.n_components <= MDLZ_COMPONENTS_MAX,
               "n_components %u", fi.n_components);
    FUZZ_CHECK(!strcmp(fi.components[0], "orders"), "first component %s",
               fi.components[0]);
    for (unsigned i = 0; i < fi.n_components; i++)
        FUZZ_CHECK(fi.components[i] && fi.components[i][0],
                   "component %u unnamed", i);

    /* Only the header's bytes matter; shorter prefixes are truncated. */
    mdlz_frame_info f2;
    st = mdlz_get_frame_info(&f2, data, fi.header_size);
    FUZZ_CHECK(st == MDLZ_OK && f2.level == fi.level &&
                   f2.model_memory == fi.model_memory &&
                   f2.src_size == fi.src_size &&
                   f2.block_size == fi.block_size &&
                   f2.n_components == fi.n_components &&
                   f2.header_size == fi.header_size,
               "header alone parses differently: %s", mdlz_strerror(st));
    for (size_t k = 0; k < fi.header_size; k++) {
        st = mdlz_get_frame_info(&f2, data, k);
        FUZZ_CHECK(st == MDLZ_ERROR_TRUNCATED, "prefix %zu: %s", k,
                   mdlz_strerror(st));
    }

    /* The decoder fed the header alone. Just below the model's size: */
    mdlz_status ds =
        feed(data, fi.header_size, fi.model_memory - 1, &consumed, &done);
    FUZZ_CHECK(ds == MDLZ_ERROR_MEMLIMIT && !done, "limit model_memory - 1: %s",
               mdlz_strerror(ds));
    /* At the fuzzers' limit (allocates the model when it fits): */
    ds = feed(data, fi.header_size, FUZZ_MEM_LIMIT, &consumed, &done);
    FUZZ_CHECK(!done, "done after a header");
    if (fi.model_memory > FUZZ_MEM_LIMIT)
        FUZZ_CHECK(ds == MDLZ_ERROR_MEMLIMIT, "model %llu: %s",
                   (unsigned long long)fi.model_memory, mdlz_strerror(ds));
    else if (fi.n_tools && ds == MDLZ_ERROR_TOOL)
        ; /* a tool this build does not have (checked before retrieval) */
    else if (fi.retrieval)
        FUZZ_CHECK(ds == MDLZ_ERROR_NEED_INDEX,
                   "retrieval without an index: %s", mdlz_strerror(ds));
    else
        FUZZ_CHECK(ds == MDLZ_OK && consumed == fi.header_size,
                   "model %llu: %s, consumed %zu of %zu",
                   (unsigned long long)fi.model_memory, mdlz_strerror(ds),
                   consumed, fi.header_size);
    return 0;
}
