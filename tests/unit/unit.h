/*
 * unit.h - helpers shared by the engine unit tests: the TAP-like check()
 * and check_finish() of tests/api/check.h (which also brings the seeded
 * pseudo-random generator and the text generators of
 * tests/common/testutil.h), and coding-cost arithmetic. Everything is
 * static: each test is one translation unit.
 */
#ifndef MDLZ_TEST_UNIT_H
#define MDLZ_TEST_UNIT_H

#include <math.h>

#include "check.h"

/* Bits it costs to code `bit` when P(1) = p1 / scale (0 < p1 < scale). */
static inline double bit_cost(int bit, double p1, double scale) {
    double p = bit ? p1 / scale : 1.0 - p1 / scale;
    return -log2(p);
}

#endif
