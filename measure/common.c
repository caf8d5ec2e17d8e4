/* common.c - what measure/'s measurements share (measure.h), and
 * mdlz_setting_apply() (include/mdlz_measure.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdlz_index.h"
#include "measure.h"

mdlz_status ms_err(char *err, size_t errlen, mdlz_status st, const char *fmt,
                   ...) {
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

mdlz_status ms_check_params(const uint32_t *reserved, size_t n_reserved,
                            int level, const char *const *plugins,
                            size_t n_plugins, char *err, size_t errlen) {
    for (size_t i = 0; i < n_reserved; i++)
        if (reserved[i])
            return ms_err(err, errlen, MDLZ_ERROR_PARAM,
                          "reserved parameters must be zero");
    if (level < 0 || level > MDLZ_LEVEL_MAX)
        return ms_err(err, errlen, MDLZ_ERROR_PARAM,
                      "level %d is not in %d..%d", level, MDLZ_LEVEL_MIN,
                      MDLZ_LEVEL_MAX);
    if (n_plugins && !plugins)
        return ms_err(err, errlen, MDLZ_ERROR_PARAM, "plugins missing");
    for (size_t i = 0; i < n_plugins; i++)
        if (!plugins[i])
            return ms_err(err, errlen, MDLZ_ERROR_PARAM, "plugin %zu missing",
                          i);
    return MDLZ_OK;
}

char *ms_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

mdlz_status ms_index_size(const char *path, int64_t *documents,
                          uint64_t *stored, char *err, size_t errlen) {
    char why[512];
    mdlz_index *ix;
    mdlz_index_summary st;
    int rc = mdlz_index_open(&ix, path, MDLZ_INDEX_READ, why, sizeof why);
    if (rc == 0 && (rc = mdlz_index_stats(ix, &st)) != 0)
        snprintf(why, sizeof why, "%s", mdlz_index_errmsg(ix));
    mdlz_index_close(ix);
    if (rc != 0) return ms_err(err, errlen, MDLZ_ERROR_INDEX, "%s", why);
    *documents = st.documents;
    *stored = st.stored;
    return MDLZ_OK;
}

mdlz_status mdlz_setting_apply(mdlz_cctx *c, const mdlz_setting *s,
                               const char *index) {
    if (!c || !s || (s->n_tools && !s->tools) || (s->retrieval && !index) ||
        s->retrieval > (MDLZ_RETRIEVE_WHOLE | MDLZ_RETRIEVE_ONLINE))
        return MDLZ_ERROR_PARAM;
    mdlz_status st = mdlz_cctx_set_param(c, MDLZ_CPARAM_MATCH, s->match);
    if (st == MDLZ_OK && s->retrieval) {
        st = mdlz_cctx_set_index(c, index);
        if (st == MDLZ_OK)
            st = mdlz_cctx_set_param(c, MDLZ_CPARAM_RETRIEVAL,
                                     (int)s->retrieval);
    }
    for (size_t i = 0; st == MDLZ_OK && i < s->n_tools; i++)
        st = mdlz_cctx_add_tool(c, s->tools[i]);
    return st;
}

mdlz_status ms_cctx(mdlz_cctx **c, int level, size_t len, int size_known,
                    const mdlz_setting *s, const char *index) {
    mdlz_params p;
    mdlz_params_init(&p);
    p.level = level;
    p.src_size = size_known ? (uint64_t)len : MDLZ_SIZE_UNKNOWN;
    mdlz_status st = mdlz_cctx_create(c, &p);
    if (st == MDLZ_OK) st = mdlz_setting_apply(*c, s, index);
    return st;
}

mdlz_status ms_compress(mdlz_cctx *c, const unsigned char *data, size_t len,
                        unsigned char **z, size_t *zn) {
    size_t cap = (size_t)mdlz_compress_bound(len) + MDLZ_HEADER_MAX;
    unsigned char *buf = malloc(cap);
    if (!buf) return MDLZ_ERROR_NOMEM;
    static const unsigned char empty[1];
    mdlz_inbuf ib = {len ? data : empty, len, 0};
    size_t n = 0;
    int done = 0;
    mdlz_status st = MDLZ_OK;
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
    if (st != MDLZ_OK) {
        free(buf);
        return st;
    }
    *z = buf;
    *zn = n;
    return MDLZ_OK;
}

void ms_add_code_costs(mdlz_component_cost *comps, size_t *n, size_t cap,
                       uint64_t *code, const unsigned char *z, size_t zn) {
    mdlz_component_cost cc[32];
    size_t k = mdlz_stream_code_costs(
        z, zn < MDLZ_HEADER_MAX ? zn : MDLZ_HEADER_MAX, cc, 32);
    for (size_t i = 0; i < k; i++) {
        size_t j = 0;
        while (j < *n && strcmp(comps[j].name, cc[i].name) != 0) j++;
        if (j < *n || j == cap) continue;
        comps[(*n)++] = cc[i];
        *code += cc[i].code_bytes;
    }
}

mdlz_status ms_builtin_list(const char *list, const char **names, size_t cap,
                            size_t *n, const char *what, char *err,
                            size_t errlen) {
    const char *builtin[64];
    size_t nb = mdlz_builtin_tools(builtin, 64);
    if (nb > 64) nb = 64;
    *n = 0;
    if (!list || !strcmp(list, "all")) {
        for (size_t i = 0; i < nb && *n < cap; i++) names[(*n)++] = builtin[i];
        return MDLZ_OK;
    }
    if (!strcmp(list, "none")) return MDLZ_OK;
    for (const char *t = list; *t;) {
        size_t len = strcspn(t, ",");
        if (len == 0) {
            t++;
            continue;
        }
        size_t k = 0;
        while (k < nb &&
               (strlen(builtin[k]) != len || strncmp(builtin[k], t, len) != 0))
            k++;
        if (k == nb) {
            char known[256] = "";
            for (size_t i = 0; i < nb; i++)
                snprintf(known + strlen(known), sizeof known - strlen(known),
                         "%s%s", i ? ", " : "", builtin[i]);
            return ms_err(err, errlen, MDLZ_ERROR_TOOL,
                          "tool '%.*s' is not present (built-in tools: %s)%s",
                          (int)len, t, nb ? known : "none in this build", what);
        }
        size_t j = 0;
        while (j < *n && names[j] != builtin[k]) j++;
        if (j == *n) {
            if (*n == cap)
                return ms_err(err, errlen, MDLZ_ERROR_PARAM, "too many tools");
            names[(*n)++] = builtin[k];
        }
        t += len;
        if (*t == ',') t++;
    }
    return MDLZ_OK;
}
