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

/* Sets up a compression context exactly as `mdlz -c` with the row's
 * flags would (level, known size, index, retrieval modes, tools). */
static mdlz_status setup_cctx(const mdlz_ablation *a, const ab_row *r,
                              size_t len, int size_known, mdlz_cctx **c) {
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = a->level;
    p.src_size = size_known ? (uint64_t)len : MDLZ_SIZE_UNKNOWN;
    mdlz_status st = mdlz_cctx_create(c, &p);
    if (st != MDLZ_OK) return st;
    st = mdlz_cctx_set_param(*c, MDLZ_CPARAM_MATCH, r->pub.match);
    if (st == MDLZ_OK && r->pub.retrieval) {
        st = mdlz_cctx_set_index(*c, a->index);
        if (st == MDLZ_OK)
            st = mdlz_cctx_set_param(*c, MDLZ_CPARAM_RETRIEVAL,
                                     (int)r->pub.retrieval);
    }
    for (size_t i = 0; st == MDLZ_OK && i < a->n_tools; i++)
        if (r->tool_mask >> i & 1)
            st = mdlz_cctx_add_tool(*c, a->tool_names[i]);
    return st;
}

/* Compresses data[0..len) into a malloc'd *z (*zn bytes). */
static mdlz_status compress_one(mdlz_ablation *a, ab_row *r,
                                const unsigned char *data, size_t len,
                                int size_known, trace_ctx *tr,
                                unsigned char **z, size_t *zn) {
    double t0 = now();
    mdlz_cctx *c = NULL;
    mdlz_status st = setup_cctx(a, r, len, size_known, &c);
    if (st == MDLZ_OK && a->curve_interval)
        st = mdlz_cctx_set_trace(c, a->curve_interval, on_trace, tr);
    size_t cap = (size_t)mdlz_compress_bound(len) + MDLZ_HEADER_MAX;
    unsigned char *buf = st == MDLZ_OK ? malloc(cap) : NULL;
    if (st == MDLZ_OK && !buf) st = MDLZ_ERROR_NOMEM;
    static const unsigned char empty[1];
    mdlz_inbuf ib = {len ? data : empty, len, 0};
    size_t n = 0;
    int done = 0;
    while (st == MDLZ_OK && !done) {
        if (n == cap) {
            unsigned char *p = realloc(buf, cap *= 2);
            if (!p) {
                st = MDLZ_ERROR_NOMEM;
                break;
            }
            buf = p;
        }
        mdlz_outbuf ob = {buf + n, cap - n, 0};
        st = mdlz_compress_stream(c, &ob, &ib, 1, &done);
        n += ob.pos;
        if (st == MDLZ_OK && !done && ob.pos < ob.size) st = MDLZ_ERROR_GENERIC;
    }
    r->pub.seconds += now() - t0;
    if (st == MDLZ_OK && tr->oom) st = MDLZ_ERROR_NOMEM;
    if (st != MDLZ_OK) {
        fail(a, r, st, c ? mdlz_cctx_error_detail(c) : NULL);
        mdlz_cctx_free(c);
        free(buf);
        return st;
    }
    mdlz_cctx_free(c);
    *z = buf;
    *zn = n;
    return MDLZ_OK;
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

/* Adds the code costs of the stream's components to the row (each
 * component once: the code is paid once for all the inputs). */
static void add_code_costs(ab_row *r, const unsigned char *z, size_t zn) {
    mdlz_component_cost cc[AB_COMPS_MAX];
    size_t n = mdlz_stream_code_costs(
        z, zn < MDLZ_HEADER_MAX ? zn : MDLZ_HEADER_MAX, cc, AB_COMPS_MAX);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < r->pub.n_components &&
               strcmp(r->comps[k].name, cc[i].name) != 0)
            k++;
        if (k < r->pub.n_components || k == AB_COMPS_MAX) continue;
        r->comps[r->pub.n_components++] = cc[i];
        r->pub.code += cc[i].code_bytes;
    }
}

mdlz_status ab_run(mdlz_ablation *a, ab_row *r, const unsigned char *data,
                   size_t len, int size_known) {
    trace_ctx tr = {r, a->sum.input_bytes, r->pub.payload, 0};
    unsigned char *z;
    size_t zn;
    mdlz_status st = compress_one(a, r, data, len, size_known, &tr, &z, &zn);
    if (st != MDLZ_OK) return st;
    st = verify_one(a, r, data, len, z, zn);
    if (st == MDLZ_OK) {
        add_code_costs(r, z, zn);
        r->pub.payload += zn;
        if (a->curve_interval && add_point(r, tr.x0 + len, tr.y0 + zn) != 0)
            st = fail(a, r, MDLZ_ERROR_NOMEM, NULL);
    }
    free(z);
    return st;
}
