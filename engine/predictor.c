/* predictor.c - TEMPORARY order-1 predictor to bring up the pipeline. */
#include "predictor.h"

#include <stdlib.h>

struct predictor {
    uint16_t t[256 * 256];
    int c0, c1;
};

uint64_t pred_memory(const mdlz_config *cfg) {
    (void)cfg;
    return sizeof(predictor);
}

mdlz_status pred_create(predictor **out, const mdlz_config *cfg) {
    (void)cfg;
    predictor *p = malloc(sizeof *p);
    if (!p) return MDLZ_ERROR_NOMEM;
    for (int i = 0; i < 65536; i++) p->t[i] = 32768;
    p->c0 = 1;
    p->c1 = 0;
    *out = p;
    return MDLZ_OK;
}

void pred_free(predictor *p) { free(p); }

uint32_t pred_p(predictor *p) {
    uint32_t v = p->t[p->c1 << 8 | p->c0];
    return v < 64 ? 64 : v > 65472 ? 65472 : v;
}

void pred_update(predictor *p, int bit) {
    uint16_t *t = &p->t[p->c1 << 8 | p->c0];
    if (bit)
        *t += (65536 - *t) >> 4;
    else
        *t -= *t >> 4;
    p->c0 = p->c0 << 1 | bit;
    if (p->c0 >= 256) {
        p->c1 = p->c0 & 255;
        p->c0 = 1;
    }
}
