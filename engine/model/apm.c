/* apm.c - see apm.h. */
#include "apm.h"

#include <stdlib.h>

#include "bigmem.h"
#include <string.h>

mdlz_status apm_init(apm *a, size_t n, int rate) {
    a->t = big_alloc(n * 33 * sizeof *a->t);
    if (!a->t) return MDLZ_ERROR_NOMEM;
    a->n = n;
    a->rate = rate;
    a->g1 = (1 << 16) + (1 << rate) - 2;
    a->cur = a->t;
    for (int j = 0; j < 33; j++)
        a->t[j] = (uint16_t)(squash((j - 16) * 128) * 16);
    for (size_t i = 1; i < n; i++)
        memcpy(a->t + i * 33, a->t, 33 * sizeof *a->t);
    return MDLZ_OK;
}

void apm_free(apm *a) {
    if (a->t) big_free(a->t, a->n * 33 * sizeof *a->t);
    a->t = NULL;
}
