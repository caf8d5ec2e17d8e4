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

size_t blk_encode(predictor *p, const uint8_t *src, size_t n, uint8_t *dst,
                  size_t cap) {
    return blk_encode_traced(p, src, n, dst, cap, NULL);
}

size_t blk_encode_traced(predictor *p, const uint8_t *src, size_t n,
                         uint8_t *dst, size_t cap, const blk_trace *tr) {
    ac_encoder e;
    ac_enc_init(&e, dst, cap);
    size_t next = tr ? tr->interval : SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (i == next) {
            tr->fn(tr->user, i, e.pos);
            next += tr->interval;
        }
        int c = src[i];
        for (int b = 7; b >= 0; b--) {
            int bit = (c >> b) & 1;
            ac_encode(&e, bit, pred_p(p));
            pred_update(p, bit);
        }
    }
    ac_enc_flush(&e);
    return e.overflow ? 0 : e.pos;
}

int blk_decode(predictor *p, const uint8_t *src, size_t size, uint8_t *dst,
               size_t n) {
    ac_decoder d;
    ac_dec_init(&d, src, size);
    for (size_t i = 0; i < n; i++) {
        int c = 0;
        for (int b = 0; b < 8; b++) {
            int bit = ac_decode(&d, pred_p(p));
            pred_update(p, bit);
            c = (c << 1) | bit;
        }
        dst[i] = (uint8_t)c;
    }
    return ac_dec_finish(&d);
}

void blk_train(predictor *p, const uint8_t *src, size_t n) {
    for (size_t i = 0; i < n; i++) {
        int c = src[i];
        for (int b = 7; b >= 0; b--) {
            (void)pred_p(p);
            pred_update(p, (c >> b) & 1);
        }
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
