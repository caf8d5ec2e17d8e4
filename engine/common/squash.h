/*
 * squash.h - the logistic function and its inverse in fixed point.
 *
 * Probabilities are 12-bit (p in [1, 4095] means p/4096); the "stretch"
 * domain is ln(p/(1-p)) scaled by 256 and clamped to [-2047, 2047].
 * squash() interpolates 33 samples of 4096/(1+e^-x) taken every 128 units
 * (values rounded to integers once, with a double-precision calculator, and
 * written here so no floating point runs at coding time). stretch() is the
 * exact inverse of squash() on integers, tabulated by st_init().
 * Reference: Mahoney, "Data Compression Explained", sec. 4.3 (mixing).
 */
#ifndef MDLZ_SQUASH_H
#define MDLZ_SQUASH_H

#include <stdint.h>

/* The definition: linear interpolation between the 33 samples. Used by
 * the build-time generator (gen_tables.c) to tabulate squash(). */
static inline int squash_interp(int d) {
    static const int16_t t[33] = {
        1,    2,    4,    6,    10,   17,   27,   45,   74,   120,  194,
        311,  488,  747,  1102, 1546, 2048, 2550, 2994, 3349, 3608, 3785,
        3902, 3976, 4022, 4051, 4069, 4079, 4086, 4090, 4092, 4094, 4095};
    if (d > 2047) return 4095;
    if (d < -2047) return 1;
    int w = d & 127;
    d = (d >> 7) + 16;
    return (t[d] * (128 - w) + t[d + 1] * w + 64) >> 7;
}

#ifndef MDLZ_GEN_TABLES
#include "squash_table.h" /* generated: squash_tab[d + 2047] */

/* squash() on the coding path: one table load. */
static inline int squash(int d) {
    if (d > 2047) d = 2047;
    if (d < -2047) d = -2047;
    return squash_tab[d + 2047];
}
#else
#define squash squash_interp
#endif

/* stretch(p) for p in [0, 4095]. */
typedef struct {
    int16_t t[4096];
} st_table;

/* Fills the table: t[p] = the smallest d with squash(d) >= p (cf. lpaq1). */
static inline void st_init(st_table *s) {
    int pi = 0;
    for (int d = -2047; d <= 2047; d++) {
        int v = squash(d);
        for (int j = pi; j <= v; j++) s->t[j] = (int16_t)d;
        pi = v + 1;
    }
    for (int j = pi; j < 4096; j++) s->t[j] = 2047;
}

static inline int stretch(const st_table *s, int p) { return s->t[p]; }

#endif
