/*
 * block.h - coding one block of bytes with the predictor and the
 * arithmetic coder, and replaying stored blocks through the model.
 */
#ifndef MDLZ_BLOCK_H
#define MDLZ_BLOCK_H

#include "predictor.h"

/** Codes src[0..n) into dst (capacity cap). Returns the coded size, or 0
 *  if it would not fit in cap bytes (the model has still learned src). */
size_t blk_encode(predictor *p, const uint8_t *src, size_t n, uint8_t *dst,
                  size_t cap);

/* Optional progress reports of blk_encode_traced(): fn(user, bytes coded
 * in this block, coded size so far) every `interval` bytes. */
typedef struct {
    uint32_t interval;
    void (*fn)(void *user, size_t in, size_t out);
    void *user;
} blk_trace;

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

#endif
