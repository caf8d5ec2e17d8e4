/* block.c - one block through predictor and coder, and its framing (see
 * block.h). */
#include "block.h"

#include <string.h>
#include <xxhash.h>
#include <zstd.h>

#include "coder.h"
#include "sniff.h"

/* zstd level for blocks the model could not shrink: such data is nearly
 * incompressible, so a fast level finds what little there is to find. */
#define FALLBACK_ZSTD_LEVEL 3

/* Learns a coded bit and returns the probability of the next one, if the
 * block has a next one (a block starts with pred_p()): one call per bit. */
static uint32_t next_p(predictor *p, int bit, int more) {
    if (more) return pred_next(p, bit);
    pred_update(p, bit);
    return 0;
}

size_t blk_encode(predictor *p, const uint8_t *src, size_t n, uint8_t *dst,
                  size_t cap) {
    return blk_encode_traced(p, src, n, dst, cap, NULL);
}

/* blk_encode_traced() with a probe: the same calls in the same order, so
 * the same output, plus the probe's reports. */
static size_t encode_probed(predictor *p, const uint8_t *src, size_t n,
                            uint8_t *dst, size_t cap, const blk_trace *tr) {
    const blk_probe *pb = tr->probe;
    ac_encoder e;
    ac_enc_init(&e, dst, cap);
    size_t next = tr->fn ? tr->interval : SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (i == next) {
            tr->fn(tr->user, i, e.pos);
            next += tr->interval;
        }
        if (pb->before) pb->before(pb->user, i);
        uint32_t p1[8];
        int c = src[i];
        for (int b = 7; b >= 0; b--) {
            int bit = (c >> b) & 1;
            p1[7 - b] = pred_p(p);
            ac_encode(&e, bit, p1[7 - b]);
            pred_update(p, bit);
        }
        if (pb->after) pb->after(pb->user, i, c, p1);
    }
    ac_enc_flush(&e);
    return e.overflow ? 0 : e.pos;
}

void blk_probe_stored(const blk_probe *pb, const uint8_t *src, size_t n) {
    static const uint32_t half[8] = {32768, 32768, 32768, 32768,
                                     32768, 32768, 32768, 32768};
    for (size_t i = 0; pb->after && i < n; i++)
        pb->after(pb->user, i, src[i], half);
}

size_t blk_encode_traced(predictor *p, const uint8_t *src, size_t n,
                         uint8_t *dst, size_t cap, const blk_trace *tr) {
    if (tr && tr->probe) return encode_probed(p, src, n, dst, cap, tr);
    ac_encoder e;
    ac_enc_init(&e, dst, cap);
    size_t next = tr && tr->fn ? tr->interval : SIZE_MAX;
    uint32_t p16 = n ? pred_p(p) : 0;
    for (size_t i = 0; i < n; i++) {
        if (i == next) {
            tr->fn(tr->user, i, e.pos);
            next += tr->interval;
        }
        int c = src[i];
        for (int b = 7; b >= 0; b--) {
            int bit = (c >> b) & 1;
            ac_encode(&e, bit, p16);
            p16 = next_p(p, bit, b || i + 1 < n);
        }
    }
    ac_enc_flush(&e);
    return e.overflow ? 0 : e.pos;
}

int blk_decode(predictor *p, const uint8_t *src, size_t size, uint8_t *dst,
               size_t n) {
    ac_decoder d;
    ac_dec_init(&d, src, size);
    uint32_t p16 = n ? pred_p(p) : 0;
    for (size_t i = 0; i < n; i++) {
        int c = 0;
        for (int b = 0; b < 8; b++) {
            int bit = ac_decode(&d, p16);
            p16 = next_p(p, bit, b < 7 || i + 1 < n);
            c = (c << 1) | bit;
        }
        dst[i] = (uint8_t)c;
    }
    return ac_dec_finish(&d);
}

void blk_train(predictor *p, const uint8_t *src, size_t n) {
    if (n) (void)pred_p(p);
    for (size_t i = 0; i < n; i++) {
        int c = src[i];
        for (int b = 7; b >= 0; b--) next_p(p, (c >> b) & 1, b || i + 1 < n);
    }
}

size_t blk_frame(predictor *p, const uint8_t *src, size_t n, uint8_t *dst,
                 const blk_trace *tr) {
    fmt_block b = {BLK_CM, (uint32_t)n, 0, XXH32(src, n, 0)};
    uint8_t *payload = dst + BLK_HEADER_MAX;
    size_t sz = 0;
    if (sniff_incompressible(src, n)) {
        b.type = BLK_STORE; /* not modelled, not learned */
        memcpy(payload, src, n);
        sz = n;
        if (tr && tr->probe) blk_probe_stored(tr->probe, src, n);
    } else {
        sz = blk_encode_traced(p, src, n, payload, n - 1, tr);
    }
    if (sz == 0) {
        size_t z = ZSTD_compress(payload, n - 1, src, n, FALLBACK_ZSTD_LEVEL);
        if (!ZSTD_isError(z) && z < n) {
            b.type = BLK_ZSTD;
            sz = z;
        } else {
            b.type = BLK_RAW;
            memcpy(payload, src, n);
            sz = n;
        }
    }
    b.payload_size = (uint32_t)sz;
    size_t h = fmt_write_block(dst, &b);
    memmove(dst + h, payload, sz);
    return h + sz;
}

mdlz_status blk_unframe(predictor *p, const fmt_block *b,
                        const uint8_t *payload, uint8_t *dst) {
    switch (b->type) {
    case BLK_CM:
        if (!blk_decode(p, payload, b->payload_size, dst, b->raw_size))
            return MDLZ_ERROR_CORRUPT;
        break;
    case BLK_STORE: /* never seen by the model (sniff.h) */
        memcpy(dst, payload, b->raw_size);
        break;
    case BLK_RAW:
        memcpy(dst, payload, b->raw_size);
        blk_train(p, dst, b->raw_size);
        break;
    case BLK_ZSTD: {
        size_t z = ZSTD_decompress(dst, b->raw_size, payload, b->payload_size);
        if (ZSTD_isError(z) || z != b->raw_size) return MDLZ_ERROR_CORRUPT;
        blk_train(p, dst, b->raw_size);
        break;
    }
    default: return MDLZ_ERROR_CORRUPT;
    }
    return XXH32(dst, b->raw_size, 0) == b->checksum ? MDLZ_OK
                                                     : MDLZ_ERROR_CHECKSUM;
}
