/* coder.c - arithmetic coder set-up and flush (see coder.h). */
#include "coder.h"

void ac_enc_init(ac_encoder *e, uint8_t *out, size_t cap) {
    e->x1 = 0;
    e->x2 = 0xffffffffu;
    e->out = out;
    e->pos = 0;
    e->cap = cap;
    e->overflow = 0;
}

void ac_enc_flush(ac_encoder *e) {
    /* The decoder pads with zero bytes, so emit the fewest leading bytes
     * of a value v in [x1, x2] whose remaining bytes are zero. */
    for (int k = 1; k <= 4; k++) {
        uint32_t mask = k == 4 ? 0 : 0xffffffffu >> (8 * k);
        uint64_t v = ((uint64_t)e->x1 + mask) & ~(uint64_t)mask;
        if (v <= e->x2) {
            for (int i = 0; i < k; i++) ac_put(e, (uint8_t)(v >> (24 - 8 * i)));
            return;
        }
    }
}

void ac_dec_init(ac_decoder *d, const uint8_t *in, size_t size) {
    d->x1 = 0;
    d->x2 = 0xffffffffu;
    d->in = in;
    d->size = size;
    d->pos = 0;
    d->x = 0;
    for (int i = 0; i < 4; i++)
        d->x = (d->x << 8) | (d->pos < d->size ? d->in[d->pos++] : 0);
}
