/*
 * coder.h - binary arithmetic coder (carry-less range coder in the style
 * of paq/lpaq; Mahoney, "Data Compression Explained", sec. 3.3).
 *
 * The range [x1, x2] of 32-bit integers is split in proportion to
 * p = P(bit == 1) scaled by 16 bits; the encoder emits the leading byte
 * once x1 and x2 agree on it. Everything is integer arithmetic, so both
 * sides compute identical ranges on every machine.
 *
 * The encoder writes into a fixed buffer; if the buffer would overflow it
 * sets `overflow` and discards output (the caller then stores the block
 * another way). The decoder reads zeros past the end of its input, which
 * is what the encoder's flush assumes; at the end it checks that its input
 * was exactly the encoder's, flush included (ac_dec_finish), so that no
 * change to a payload, not even in its last bytes, goes unnoticed.
 */
#ifndef MDLZ_CODER_H
#define MDLZ_CODER_H

#include "common.h"

typedef struct {
    uint32_t x1, x2;
    uint8_t *out;
    size_t pos, cap;
    int overflow;
} ac_encoder;

typedef struct {
    uint32_t x1, x2, x;
    const uint8_t *in;
    size_t pos, size;
    size_t shifts; /* bytes the encoder emitted for the bits decoded */
} ac_decoder;

/* Split point of [x1,x2] for p in (0, 65536): x1 + (x2-x1) * p / 2^16. */
static inline uint32_t ac_split(uint32_t x1, uint32_t x2, uint32_t p16) {
    uint32_t r = x2 - x1;
    return x1 + (r >> 16) * p16 + (((r & 0xffff) * p16) >> 16);
}

void ac_enc_init(ac_encoder *e, uint8_t *out, size_t cap);
/** Writes the shortest tail that identifies the final range. */
void ac_enc_flush(ac_encoder *e);
void ac_dec_init(ac_decoder *d, const uint8_t *in, size_t size);

/** After the last bit: 1 if the input was exactly what the encoder wrote
 *  for the bits decoded (their bytes, then the flush of the final range,
 *  then nothing), else 0. */
int ac_dec_finish(const ac_decoder *d);

static inline void ac_put(ac_encoder *e, uint8_t c) {
    if (e->pos < e->cap) e->out[e->pos++] = c;
    else e->overflow = 1;
}

/** Encodes `bit` with probability p16 = P(1) * 65536, 0 < p16 < 65536. */
static inline void ac_encode(ac_encoder *e, int bit, uint32_t p16) {
    uint32_t xmid = ac_split(e->x1, e->x2, p16);
    if (bit) e->x2 = xmid;
    else e->x1 = xmid + 1;
    while (((e->x1 ^ e->x2) & 0xff000000u) == 0) {
        ac_put(e, (uint8_t)(e->x2 >> 24));
        e->x1 <<= 8;
        e->x2 = (e->x2 << 8) | 255;
    }
}

static inline int ac_decode(ac_decoder *d, uint32_t p16) {
    uint32_t xmid = ac_split(d->x1, d->x2, p16);
    int bit = d->x <= xmid;
    if (bit) d->x2 = xmid;
    else d->x1 = xmid + 1;
    while (((d->x1 ^ d->x2) & 0xff000000u) == 0) {
        d->x1 <<= 8;
        d->x2 = (d->x2 << 8) | 255;
        d->x = (d->x << 8) | (d->pos < d->size ? d->in[d->pos++] : 0);
        d->shifts++;
    }
    return bit;
}

#endif
