/*
 * block.h - coding one block of bytes with the predictor and the
 * arithmetic coder, and replaying stored blocks through the model.
 */
#ifndef MDLZ_BLOCK_H
#define MDLZ_BLOCK_H

#include "format.h"
#include "predictor.h"

/** Codes src[0..n) into dst (capacity cap). Returns the coded size, or 0
 *  if it would not fit in cap bytes (the model has still learned src). */
size_t blk_encode(predictor *p, const uint8_t *src, size_t n, uint8_t *dst,
                  size_t cap);

/* Measurement (measure/explain.c): what the coder is given for every
 * byte, reported without changing what is coded. before() runs when the
 * components hold their prediction of byte i of the block (after the
 * previous byte was learned); after() gets the byte and the probability
 * of a 1 (16 bits, as pred_p() gave it to the coder) of each of its bits,
 * most significant first, from which the byte's exact code length follows.
 * Either may be NULL. */
typedef struct {
    void (*before)(void *user, size_t i);
    void (*after)(void *user, size_t i, int c, const uint32_t p1[8]);
    void *user;
} blk_probe;

/* Optional reports of blk_encode_traced(): fn(user, bytes coded in this
 * block, coded size so far) every `interval` bytes (fn may be NULL), and
 * the probe, if any. With a probe the block is coded by a loop of its own,
 * so that the usual loop pays nothing for it. */
typedef struct {
    uint32_t interval;
    void (*fn)(void *user, size_t in, size_t out);
    void *user;
    const blk_probe *probe;
} blk_trace;

/** Reports the n bytes of a block stored without modelling (a STORE
 *  block) to the probe: after() with P(1) = 1/2 for every bit, so each
 *  byte costs its 8 bits; no before(), as no component predicts them. */
void blk_probe_stored(const blk_probe *pb, const uint8_t *src, size_t n);

/** blk_encode() that reports its progress to tr. */
size_t blk_encode_traced(predictor *p, const uint8_t *src, size_t n,
                         uint8_t *dst, size_t cap, const blk_trace *tr);

/** Decodes n bytes from src[0..size) into dst. Returns 1 if src was
 *  exactly what blk_encode() writes for them (ac_dec_finish), else 0. */
int blk_decode(predictor *p, const uint8_t *src, size_t size, uint8_t *dst,
               size_t n);

/** Makes the model learn src[0..n) exactly as blk_encode() would, for
 *  blocks that were stored raw or with zstd. */
void blk_train(predictor *p, const uint8_t *src, size_t n);

/** Frames src[0..n) (1 <= n <= the block size) as one block into dst
 *  (room for BLK_HEADER_MAX + n bytes): model-coded if that is smaller
 *  than the raw bytes, else zstd if that is, else raw; bytes that look
 *  incompressible are stored without the model (sniff.h). Returns the
 *  framed size. The encoder and its segment workers share it. */
size_t blk_frame(predictor *p, const uint8_t *src, size_t n, uint8_t *dst,
                 const blk_trace *tr);

/** Decodes the payload of block b (its header parsed) into dst (b's
 *  raw_size bytes), checks its XXH32, and leaves the model as the encoder
 *  left it. MDLZ_ERROR_CORRUPT or MDLZ_ERROR_CHECKSUM. */
mdlz_status blk_unframe(predictor *p, const fmt_block *b,
                        const uint8_t *payload, uint8_t *dst);

#endif
