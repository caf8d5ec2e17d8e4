/* block.c - one block through predictor and coder (see block.h). */
#include "block.h"

#include "coder.h"

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
