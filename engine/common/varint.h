/*
 * varint.h - LEB128 varints (7 bits per byte, low first), as the stream
 * extension records (docs/format.md) and the archive's table of contents
 * (docs/archive.md) store sizes and ids.
 */
#ifndef MDLZ_VARINT_H
#define MDLZ_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define VARINT_MAX 10 /* bytes of the largest uint64_t */

/** Writes v at p; returns the bytes written (1..VARINT_MAX). */
static inline size_t varint_put(uint8_t *p, uint64_t v) {
    size_t n = 0;
    for (; v >= 0x80; v >>= 7) p[n++] = (uint8_t)(v | 0x80);
    p[n++] = (uint8_t)v;
    return n;
}

/** Reads a varint from *p (< end), advancing *p; on a truncated or
 *  overlong one sets *bad and returns 0. */
static inline uint64_t varint_get(const uint8_t **p, const uint8_t *end,
                                  int *bad) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end) break;
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    *bad = 1;
    return 0;
}

#endif
