/*
 * bigmem.h - zeroed allocations for the large model tables.
 *
 * The context and match tables are read at random, one cache line per
 * access, so with 4 KiB pages nearly every access also misses the TLB.
 * Large tables are therefore mapped anonymously (zero pages on demand, so
 * a small input touches little memory) and offered to the kernel as huge
 * pages where it supports them (MADV_HUGEPAGE).
 */
#ifndef MDLZ_BIGMEM_H
#define MDLZ_BIGMEM_H

#include <stddef.h>

/** Returns `size` zeroed bytes, or NULL. Free with big_free(p, size). */
void *big_alloc(size_t size);
void big_free(void *p, size_t size);

#endif
