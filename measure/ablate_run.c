/*
 * ablate_run.c - one input under one row of an ablation (ablate.h):
 * compressed exactly as `mdlz -c` with the row's flags would (level,
 * known size, index, retrieval modes, tools), decoded again with the
 * row's index and plugins and compared with the input, then summed into
 * the row: payload, the code of each component the stream needs (once per
 * row: the code is paid once for all inputs), time and curve points.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ablate.h"
#include "measure.h"

typedef struct {
    ab_row *row;
    uint64_t x0, y0; /* input and payload bytes of the inputs before */
    int oom;         /* a curve point could not be stored */
} trace_ctx;

static int add_point(ab_row *r, uint64_t x, uint64_t y) {
    if (r->pub.n_points == r->cap_pts) {
        size_t cap = r->cap_pts ? r->cap_pts * 2 : 256;
        mdlz_curve_point *p = realloc(r->curve, cap * sizeof *p);
        if (!p) return -1;
        r->curve = p;
        r->cap_pts = cap;
        r->pub.curve = p;
    }
    r->curve[r->pub.n_points++] = (mdlz_curve_point){x, y};
    return 0;
}

static void on_trace(void *user, uint64_t in_bytes, uint64_t out_bytes) {
    trace_ctx *t = user;
    if (add_point(t->row, t->x0 + in_bytes, t->y0 + out_bytes) != 0) t->oom = 1;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Records a failure of row r in a->detail; returns st. */
static mdlz_status fail(mdlz_ablation *a, const ab_row *r, mdlz_status st,
                        const char *detail) {
    snprintf(a->detail, sizeof a->detail, "%s: %s%s%s", r->name,
             mdlz_strerror(st), detail && *detail ? ": " : "",
             detail ? detail : "");
    return st;
}

/* Compresses data[0..len) into a malloc'd *z (*zn bytes), exactly as
 * `mdlz -c` with the row's flags would (level, known size, index,
 * retrieval modes, tools). */
static mdlz_status compress_one(mdlz_ablation *a, ab_row *r,
                                const unsigned char *data, size_t len,
                                int size_known, trace_ctx *tr,
                                unsigned char **z, size_t *zn) {
    double t0 = now();
    mdlz_cctx *c = NULL;
    mdlz_setting s = {r->pub.match, r->pub.retrieval, r->pub.tools,
                      r->pub.n_tools};
    mdlz_status st = ms_cctx(&c, a->level, len, size_known, &s, a->index);
    if (st == MDLZ_OK && a->curve_interval)
        st = mdlz_cctx_set_trace(c, a->curve_interval, on_trace, tr);
    if (st == MDLZ_OK) st = ms_compress(c, data, len, z, zn);
    r->pub.seconds += now() - t0;
    if (st == MDLZ_OK && tr->oom) {
        st = MDLZ_ERROR_NOMEM;
        free(*z);
    }
    if (st != MDLZ_OK) fail(a, r, st, c ? mdlz_cctx_error_detail(c) : NULL);
    mdlz_cctx_free(c);
    return st;
}

/* Decodes z with the row's index and plugins and compares with the input. */
static mdlz_status verify_one(mdlz_ablation *a, const ab_row *r,
                              const unsigned char *data, size_t len,
                              const unsigned char *z, size_t zn) {
    mdlz_dctx *d = NULL;
    mdlz_status st = mdlz_dctx_create(&d, 0);
    if (st == MDLZ_OK && r->pub.retrieval)
        st = mdlz_dctx_set_index(d, a->index);
    for (size_t i = 0; st == MDLZ_OK && i < a->n_tools; i++)
        if ((r->tool_mask >> i & 1) && a->tool_plugin[i])
            st = mdlz_dctx_add_tool(d, a->tool_names[i]);
    unsigned char *out = st == MDLZ_OK ? malloc(len + 1) : NULL;
    if (st == MDLZ_OK && !out) st = MDLZ_ERROR_NOMEM;
    mdlz_inbuf ib = {z, zn, 0};
    mdlz_outbuf ob = {out, len + 1, 0};
    int done = 0;
    while (st == MDLZ_OK && !done) {
        size_t before_in = ib.pos, before_out = ob.pos;
        st = mdlz_decompress_stream(d, &ob, &ib, &done);
        if (st == MDLZ_OK && !done && ib.pos == before_in &&
            ob.pos == before_out)
            st = ob.pos == ob.size ? MDLZ_ERROR_DST_SIZE : MDLZ_ERROR_TRUNCATED;
    }
    if (st != MDLZ_OK) fail(a, r, st, d ? mdlz_dctx_error_detail(d) : NULL);
    else if (ib.pos != zn || ob.pos != len ||
             (len && memcmp(out, data, len) != 0))
        st = fail(a, r, MDLZ_ERROR_GENERIC,
                  "round trip failed: the decoded data differs from the input");
    free(out);
    mdlz_dctx_free(d);
    return st;
}

mdlz_status ab_run(mdlz_ablation *a, ab_row *r, const unsigned char *data,
                   size_t len, int size_known) {
    trace_ctx tr = {r, a->sum.input_bytes, r->pub.payload, 0};
    unsigned char *z;
    size_t zn;
    mdlz_status st = compress_one(a, r, data, len, size_known, &tr, &z, &zn);
    if (st != MDLZ_OK) return st;
    if (!a->no_check) st = verify_one(a, r, data, len, z, zn);
    if (st == MDLZ_OK) {
        ms_add_code_costs(r->comps, &r->pub.n_components, AB_COMPS_MAX,
                          &r->pub.code, z, zn);
        r->pub.payload += zn;
        if (a->curve_interval && add_point(r, tr.x0 + len, tr.y0 + zn) != 0)
            st = fail(a, r, MDLZ_ERROR_NOMEM, NULL);
    }
    free(z);
    return st;
}
