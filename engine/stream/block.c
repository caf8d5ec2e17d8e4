/* block.c - one block through predictor and coder (see block.h). */
#include "block.h"

#include "coder.h"

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
