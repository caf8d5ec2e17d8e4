/*
 * statemap.h - bit-history states and adaptive probability maps.
 *
 * A bit history is one byte summarizing the bits seen in a context as a
 * pair of counts (n0, n1). On a new bit the matching count grows and a
 * large opposing count is cut to about half, so the state favours recent
 * behaviour (Mahoney, DCE sec. 4.1.3, "indirect modeling"). The reachable
 * pairs are bounded (see bh_init) so every state fits in a byte; state 0
 * is the empty history.
 *
 * A StateMap turns a context (often a state) into a probability learned
 * from what actually followed it: p += (bit - p) / (n + 1.5), n counted up
 * to a limit, so early updates are fast and later ones average. p is kept
 * with 22 bits and the count in the low 10 bits of one 32-bit word.
 */
#ifndef MDLZ_STATEMAP_H
#define MDLZ_STATEMAP_H

#include "common.h"

#define BH_STATES 256

typedef struct {
    uint8_t next[BH_STATES][2]; /* state after bit 0 / bit 1 */
    uint8_t n0[BH_STATES], n1[BH_STATES];
    uint16_t rec[1024]; /* 65536 / (n + 1.5), for StateMap updates */
} bh_table;

/** Builds the state machine and the reciprocal table. */
void bh_init(bh_table *t);

/** 22-bit probability of a 1 that state s starts with: (n1 + 1/2) / (n + 1). */
uint32_t bh_p22(const bh_table *t, int s);

typedef struct {
    uint32_t *t;
    const uint16_t *rec;
    uint32_t limit;
} statemap;

/** n contexts starting at p = 1/2, or, with from_states, context i
 *  starting from the counts of bit-history state i % BH_STATES. */
mdlz_status sm_init(statemap *m, size_t n, uint32_t limit, const bh_table *bh,
                    int from_states);
void sm_free(statemap *m);

/* 12-bit probability of a 1 in context cx. */
static inline int sm_p(const statemap *m, size_t cx) {
    return (int)(m->t[cx] >> 20);
}

/* One learning step of entry *e (see the file comment). */
static inline void sm_learn(uint32_t *e, const uint16_t *rec, uint32_t limit,
                            int bit) {
    uint32_t v = *e, n = v & 1023;
    int32_t p = (int32_t)(v >> 10);
    int32_t target = bit ? (1 << 22) - 1 : 0;
    p += (int32_t)(((int64_t)(target - p) * rec[n]) >> 16);
    *e = (uint32_t)p << 10 | (n + (n < limit));
}

/* A cheaper map for contexts that are already adaptive (bit-history
 * states): an entry is p alone (22 bits, no count), learning at the fixed
 * rate 2^-shift: p += (bit - p) >> shift. */
static inline void sm_learn_fixed(uint32_t *p, int bit, int shift) {
    int32_t v = (int32_t)*p;
    *p = (uint32_t)(v + (((bit << 22) - bit - v) >> shift));
}

static inline void sm_update(statemap *m, size_t cx, int bit) {
    sm_learn(&m->t[cx], m->rec, m->limit, bit);
}

#endif
