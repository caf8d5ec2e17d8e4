/*
 * common.h - small helpers shared by every engine file: little-endian
 * loads/stores, min/max, and the internal error-forwarding macro.
 */
#ifndef MDLZ_COMMON_H
#define MDLZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "mdlz.h"

#define MDLZ_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MDLZ_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Return the status of `expr` from the current function if it failed. */
#define MDLZ_FORWARD(expr)                                                     \
    do {                                                                       \
        mdlz_status st_ = (expr);                                              \
        if (st_ != MDLZ_OK) return st_;                                        \
    } while (0)

static inline uint32_t rd_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
static inline uint64_t rd_le64(const uint8_t *p) {
    return (uint64_t)rd_le32(p) | (uint64_t)rd_le32(p + 4) << 32;
}
static inline void wr_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void wr_le64(uint8_t *p, uint64_t v) {
    wr_le32(p, (uint32_t)v);
    wr_le32(p + 4, (uint32_t)(v >> 32));
}

#endif
