/* cost.c - see cost.h. */
#include "cost.h"

#include <stdio.h>
#include <string.h>

#include "probe.h"

static mdlz_status fail(cost_coder *c, mdlz_cctx *x, mdlz_status st) {
    const char *d = x ? mdlz_cctx_error_detail(x) : "";
    snprintf(c->detail, sizeof c->detail, "%s%s%s", mdlz_strerror(st),
             *d ? ": " : "", d);
    return st;
}

mdlz_status cost_bits(cost_coder *c, const uint8_t *data, size_t len,
                      const uint64_t *ex, int n_ex, uint64_t *bits,
                      uint64_t *used, int *n_used) {
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = c->level;
    p.src_size = len;
    mdlz_cctx *x = NULL;
    mdlz_status st = mdlz_cctx_create(&x, &p);
    if (st == MDLZ_OK) /* as the command: the default tools on large inputs */
        st = mdlz_cctx_set_param(x, MDLZ_CPARAM_DEFAULT_TOOLS, 1);
    if (st == MDLZ_OK && c->index) st = mdlz_cctx_set_index(x, c->index);
    if (st == MDLZ_OK && c->index && n_ex > 0)
        st = sys_cctx_exclude(x, ex, n_ex);
    /* The stream goes through a small buffer and is only counted. */
    static const uint8_t empty[1];
    uint8_t buf[1 << 15];
    mdlz_inbuf ib = {len ? data : empty, len, 0};
    uint64_t total = 0;
    int done = 0;
    while (st == MDLZ_OK && !done) {
        mdlz_outbuf ob = {buf, sizeof buf, 0};
        st = mdlz_compress_stream(x, &ob, &ib, 1, &done);
        total += ob.pos;
        if (st == MDLZ_OK && !done && ob.pos == 0) st = MDLZ_ERROR_GENERIC;
    }
    if (st != MDLZ_OK) {
        fail(c, x, st);
        mdlz_cctx_free(x);
        return st;
    }
    *bits = 8 * total;
    if (n_used) {
        int n = 0;
        const uint64_t *u = c->index ? sys_cctx_used(x, &n) : NULL;
        if (n > COST_USED_MAX) n = COST_USED_MAX;
        if (n) memcpy(used, u, (size_t)n * sizeof *used);
        *n_used = n;
    }
    mdlz_cctx_free(x);
    return MDLZ_OK;
}
