/*
 * sniff.h - a cheap look at a block before the model codes it: data that
 * is already compressed or random (JPEG, zip, encrypted bytes) cannot be
 * coded smaller by any model, and the model codes about 1 MB/s; such a
 * block is stored as it is, without the model learning it (block type
 * STORE, docs/format.md), at hundreds of MB/s.
 */
#ifndef MDLZ_SNIFF_H
#define MDLZ_SNIFF_H

#include "common.h"

/** 1 if src[0..n) looks incompressible: its order-0 entropy is at least
 *  7.9 bits per byte and a fast LZ pass (zstd level 1) saves less than 1%.
 *  The first test is a histogram (a few cycles per byte) and rules out
 *  text and most binaries; the second confirms, so that high-entropy data
 *  with near repeats is still modelled. Repeats farther apart than the
 *  fast pass looks (tens of KiB), or in another block, are missed: such a
 *  block is stored, never expanded. Integer only: the same decision on
 *  every machine. */
int sniff_incompressible(const uint8_t *src, size_t n);

#endif
