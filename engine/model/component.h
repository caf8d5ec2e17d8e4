/*
 * component.h - the interface between the predictor and the models it
 * mixes (cf. lpaq1's model classes, paq8px's mix()/update() per model).
 *
 * A component declares how many mixer inputs it gives; per bit it writes
 * them (stretched probabilities, 8.8 fixed point) and then learns the
 * coded bit; after each whole byte it may update its contexts. A
 * component may instead write the next bit's inputs at the end of
 * update()/byte_update() (x is passed to both) and have no predict(): one
 * pass over its contexts per bit instead of two.
 *
 * Shared state. Every component reads pr_shared, which the predictor
 * advances. A component may also publish a few fields of it for the
 * others (the match model's state, which the retrieval match model and
 * the mixer selectors use): it declares them in `publishes` and writes
 * only those, in predict(); a component that reads them declares them in
 * `reads`. The predictor runs every publisher's predict() before any
 * other, so the order in which components are added never changes what
 * they see.
 *
 * Components are created by the composition root (system/table.c) from
 * its table and handed to the predictor (predictor.h).
 */
#ifndef MDLZ_COMPONENT_H
#define MDLZ_COMPONENT_H

#include "squash.h"
#include "statemap.h"

/* State every component may read; owned and advanced by the predictor. */
typedef struct {
    int c0;              /* bits of the current byte so far, with a leading 1 */
    int bitpos;          /* number of those bits, 0..7 */
    uint32_t c4;         /* last 4 bytes, most recent in the low byte */
    uint32_t c8;         /* the 4 bytes before those */
    const uint8_t *hist; /* history ring buffer of coded bytes */
    uint32_t hmask;      /* ring size - 1 */
    uint64_t pos;        /* bytes coded so far (next byte goes at pos&hmask) */
    uint32_t word;       /* hash of the current word (0 outside words) */
    uint32_t word1;      /* hash of the previous word */
    uint32_t word2;      /* and the one before */
    uint32_t col;        /* bytes since the last newline */
    uint32_t prevlen;    /* length of the previous line */
    uint32_t above;      /* byte at the same column of the previous line */
    /* Published by the match model (PR_PUB_MATCH); 0 without one: */
    int match_len; /* quantized length of the current match, 0 = none */
    int match_bit; /* its predicted bit when match_len > 0 */
    const st_table *st;
    const bh_table *bh;
} pr_shared;

/* Kinds of component. The core models (the context model and the match
 * model, engine/model) are on a fixed per-bit path: the predictor calls
 * their functions directly (ctxmodel.h, match.h), which the compiler can
 * inline, instead of through the pointers below, which they also fill.
 * Their byte_update() never reports quiet. Every other component (the
 * modules' ones) is PR_KIND_OTHER, the zero of a designated initializer.
 * The composition root still creates and adds them all (system/table.c). */
enum { PR_KIND_OTHER = 0, PR_KIND_ORDERS, PR_KIND_MATCH };

/* Fields of pr_shared a component publishes or reads (see above). */
#define PR_PUB_MATCH 1u /* match_len, match_bit */

typedef struct {
    const char *name;
    int kind; /* PR_KIND_*: see above */
    int n_inputs;
    unsigned publishes; /* PR_PUB_* written in predict() */
    unsigned reads;     /* PR_PUB_* read */
    void *self;
    void (*predict)(void *self, pr_shared *sh, int16_t *x); /* or NULL */
    void (*update)(void *self, const pr_shared *sh, int bit, int16_t *x);
    /* Returns nonzero if the component is quiet for the coming byte: its
     * inputs are 0 and it has nothing to learn, so the predictor skips
     * its predict() and update() until the next byte_update(). */
    int (*byte_update)(void *self, const pr_shared *sh, int16_t *x);
    void (*destroy)(void *self);
} pr_component;

/* The shared state after byte c follows `in` (in may equal out). A pure
 * function: components use it to look ahead at the two possible values
 * of a byte whose last bit is not yet known (prefetching). */
void pr_shared_advance(const pr_shared *in, int c, pr_shared *out);

/* Helpers of the components that predict a whole byte (the match models,
 * the tools): whether the bits of the current byte coded so far agree with
 * byte `expected`, and the bit it predicts next. */
static inline int pr_agrees(int expected, const pr_shared *sh) {
    return ((expected | 256) >> (8 - sh->bitpos)) == sh->c0;
}
static inline int pr_next_bit(int expected, const pr_shared *sh) {
    return (expected >> (7 - sh->bitpos)) & 1;
}

/* Length class of a match of `len` bytes: exact below 16, then
 * logarithmic (16 -> 16, 32 -> 17, ...), at most 31; 0 = no match. */
static inline int pr_len_class(uint32_t len) {
    if (len < 16) return (int)len;
    int l = 12;
    while (len >>= 1) l++;
    return l > 31 ? 31 : l;
}

/* The bytes words are made of (pr_shared.word): ASCII letters and every
 * byte >= 128 (UTF-8 sequences); words are hashed lowercased. */
static inline int pr_word_byte(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 128;
}
static inline int pr_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* 32-bit hash mixing (a multiply-xorshift finalizer). */
static inline uint32_t hash32(uint32_t a, uint32_t b) {
    uint32_t h = a * 0x9E3779B1u ^ (b + 0x7F4A7C15u) * 0x85EBCA77u;
    h ^= h >> 15;
    h *= 0xC2B2AE3Du;
    return h ^ (h >> 13);
}

#endif
