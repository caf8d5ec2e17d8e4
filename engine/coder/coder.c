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

/* The tail that ends a block: the fewest leading bytes (k, returned) of a
 * value v in [x1, x2] whose remaining bytes are zero (the decoder pads with
 * zero bytes). */
static int flush_value(uint32_t x1, uint32_t x2, uint32_t *v) {
    for (int k = 1; k < 4; k++) {
        uint32_t mask = 0xffffffffu >> (8 * k);
        uint64_t w = ((uint64_t)x1 + mask) & ~(uint64_t)mask;
        if (w <= x2) {
            *v = (uint32_t)w;
            return k;
        }
    }
    *v = x1;
    return 4;
}

void ac_enc_flush(ac_encoder *e) {
    uint32_t v;
    int k = flush_value(e->x1, e->x2, &v);
    for (int i = 0; i < k; i++) ac_put(e, (uint8_t)(v >> (24 - 8 * i)));
}

int ac_dec_finish(const ac_decoder *d) {
    /* The decoder's range is the encoder's; its window x holds the input
     * bytes after those emitted (zero beyond the input). */
    uint32_t v;
    int k = flush_value(d->x1, d->x2, &v);
    return d->x == v && d->size == d->shifts + (size_t)k;
}

void ac_dec_init(ac_decoder *d, const uint8_t *in, size_t size) {
    d->x1 = 0;
    d->x2 = 0xffffffffu;
    d->in = in;
    d->size = size;
    d->pos = 0;
    d->shifts = 0;
    d->x = 0;
    for (int i = 0; i < 4; i++)
        d->x = (d->x << 8) | (d->pos < d->size ? d->in[d->pos++] : 0);
}
