/*
 * seeds.h - what the parts of gen_seeds share: byte buffers, seed files and
 * problem reports, and the small inputs (gen_seeds.c); the container pieces
 * of docs/format.md built by hand (seeds_hand.c); the seed sets that each
 * part writes, in the order main() calls them.
 */
#ifndef MDLZ_FUZZ_SEEDS_H
#define MDLZ_FUZZ_SEEDS_H

#include <stddef.h>
#include <stdint.h>

/* ---- gen_seeds.c ------------------------------------------------------------ */
void die(const char *what);
__attribute__((format(printf, 1, 2))) void problem(const char *fmt, ...);

/* Growable byte buffers. */
typedef struct {
    uint8_t *p;
    size_t n, cap;
} buf;

void put(buf *b, const void *src, size_t n);
void put8(buf *b, unsigned v);
void put32(buf *b, uint32_t v);
void put64(buf *b, uint64_t v);
void buf_free(buf *b);
buf copy(const uint8_t *p, size_t n);

/* Writes the seed OUTDIR/target/name and lists it in the stamp. */
void seed(const char *target, const char *name, const void *p, size_t n);

typedef struct {
    const char *name;
    buf data;
} input;

enum {
    IN_EMPTY,
    IN_ONE,
    IN_TEXT,
    IN_RANDOM,
    IN_REPEAT,
    IN_BINARY,
    IN_UTF8,
    IN_ZEROS,
    N_INPUTS
};
extern input inputs[N_INPUTS];

/* ---- seeds_hand.c: hand-built streams (docs/format.md) ---------------------- */
typedef struct {
    int level, block_log, ctx_bits, win_bits, mtab_bits, seg_log;
    unsigned components, flags;
    uint64_t size;
} hdr_spec;

extern const hdr_spec MIN_HDR;

void put_header(buf *b, const hdr_spec *h);
void put_raw(buf *b, const uint8_t *p, size_t n);
void put_zstd(buf *b, const uint8_t *p, size_t n);
void put_trailer(buf *b, const uint8_t *all, size_t n);
buf build(const hdr_spec *h, const buf *data, const char *kinds);
void corrupt_streams(void);

/* ---- seeds_streams.c: valid streams and damaged copies ---------------------- */
void level_streams(void);
void custom_streams(void);
void variants_of_l1_text(void);

#endif
