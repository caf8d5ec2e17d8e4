/* bigmem.c - see bigmem.h. */
#include "bigmem.h"

#include <stdlib.h>

#if defined(__linux__)
#include <sys/mman.h>
#define BIG_THRESHOLD ((size_t)1 << 21)

void *big_alloc(size_t size) {
    if (size < BIG_THRESHOLD) return calloc(size, 1);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE); /* a hint; failure is harmless */
#endif
    return p;
}

void big_free(void *p, size_t size) {
    if (!p) return;
    if (size < BIG_THRESHOLD) free(p);
    else munmap(p, size);
}
#else
void *big_alloc(size_t size) { return calloc(size, 1); }
void big_free(void *p, size_t size) {
    (void)size;
    free(p);
}
#endif
