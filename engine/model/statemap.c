/* statemap.c - generation of the bit-history state machine; StateMaps. */
#include "statemap.h"

#include <stdlib.h>

/* Largest count allowed for one bit when the other bit's count is m:
 * long runs are remembered up to 40, mixed histories more coarsely.
 * These limits give 159 states (bh_init assigns them 0..158). */
#define BH_NMAX 63

static int max_count(int m) {
    static const int lim[6] = {40, 24, 12, 6, 5, 0};
    return m < 6 ? lim[m] : 0;
}

static int allowed(int a, int b) {
    int m = a < b ? a : b, M = a < b ? b : a;
    return M <= max_count(m);
}

/* New (n0, n1) after bit y: count it, discount the other side. */
static void step(int *n0, int *n1, int y) {
    int *up = y ? n1 : n0, *down = y ? n0 : n1;
    (*up)++;
    if (*down > 2) *down = *down / 2 + 1;
    while (!allowed(*n0, *n1)) {
        if (*down > *up) (*down)--;
        else (*up)--;
    }
}

void bh_init(bh_table *t) {
    int idx[BH_NMAX + 1][BH_NMAX + 1];
    int n = 0;
    /* Enumerate allowed pairs in order of total count, so state 0 is the
     * empty history and small states are young ones. */
    for (int total = 0; total <= 2 * BH_NMAX; total++)
        for (int a = 0; a <= total && a <= BH_NMAX; a++) {
            int b = total - a;
            if (b > BH_NMAX || !allowed(a, b)) {
                if (b <= BH_NMAX) idx[a][b] = -1;
                continue;
            }
            idx[a][b] = n;
            t->n0[n] = (uint8_t)a;
            t->n1[n] = (uint8_t)b;
            n++;
        }
    for (int s = 0; s < BH_STATES; s++) {
        if (s >= n) { /* unused: behave like the empty state */
            t->n0[s] = t->n1[s] = 0;
            t->next[s][0] = t->next[s][1] = 0;
            continue;
        }
        for (int y = 0; y < 2; y++) {
            int a = t->n0[s], b = t->n1[s];
            step(&a, &b, y);
            t->next[s][y] = (uint8_t)idx[a][b];
        }
    }
    for (int i = 0; i < 1024; i++)
        t->rec[i] = (uint16_t)((131072 + (2 * i + 3) / 2) / (2 * i + 3));
}

uint32_t bh_p22(const bh_table *t, int s) {
    int a = t->n0[s], b = t->n1[s];
    return (uint32_t)((((uint64_t)2 * b + 1) << 22) / (2 * (a + b) + 2));
}

mdlz_status sm_init(statemap *m, size_t n, uint32_t limit, const bh_table *bh,
                    int from_states) {
    m->t = malloc(n * sizeof *m->t);
    if (!m->t) return MDLZ_ERROR_NOMEM;
    m->rec = bh->rec;
    m->limit = limit;
    for (size_t i = 0; i < n; i++) {
        uint32_t p = from_states ? bh_p22(bh, (int)(i % BH_STATES)) : 1u << 21;
        m->t[i] = p << 10;
    }
    return MDLZ_OK;
}

void sm_free(statemap *m) {
    free(m->t);
    m->t = NULL;
}
