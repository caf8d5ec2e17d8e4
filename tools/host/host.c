/*
 * host.c - the tool host as a stream module (host.h).
 *
 * Encoder: the tools asked for take part when the input is known to be at
 * least TOOLS_MIN_INPUT bytes (or of unknown size). Decoder: each tool the
 * record names must be built in or made available as a plugin, with the
 * same version and code hash, so both sides consult the same code.
 */
#include "host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "toolmix.h"

/* The default tools, chosen by measurement (bench/tools.sh, docs/tools.md):
 * seq costs under 0.06% on text/ and saves 61 KB on structured/; calc and
 * markup pay on their own data only (arithmetic; XML and JSON). */
#define TOOL_DEFAULTS "seq"
/* Inputs known to be smaller than this are coded without the default
 * tools: a tool's header record (about 20 bytes) must stay under 0.2% of
 * the compressed size (the tools' target), that is 10 KB, which text
 * compressing 4:1 reaches at about 40 KB; and so little text rarely holds
 * enough of what a tool predicts to repay it. Tools asked for by name are
 * always consulted. */
#define TOOLS_MIN_INPUT ((uint64_t)64 << 10)

typedef struct {
    const mdlz_tool *tools[TOOL_HOST_MAX]; /* asked (encoder), used */
    int n_tools;
    tool_handle *handles[TOOL_HOST_MAX]; /* plugins loaded */
    int n_handles;
    int defaults; /* encoder: MDLZ_CPARAM_DEFAULT_TOOLS */
} host_state;

const char *mdlz_default_tools(void) { return TOOL_DEFAULTS; }

void tool_host_use_defaults(void *st, int on) {
    ((host_state *)st)->defaults = on;
}

static void *host_new(void) { return calloc(1, sizeof(host_state)); }

static void host_free(void *st) {
    host_state *h = st;
    if (!h) return;
    for (int i = 0; i < h->n_handles; i++) tool_handle_free(h->handles[i]);
    free(h);
}

/* Loads a plugin into the state; its tool, or NULL (message in detail). */
static const mdlz_tool *load(host_state *h, const char *path, char *detail,
                             size_t detail_len) {
    tool_handle *th;
    if (tool_load_external(path, &th, detail, detail_len) != MDLZ_OK)
        return NULL;
    h->handles[h->n_handles++] = th;
    return tool_handle_tool(th);
}

mdlz_status tool_host_add(void *st, const char *name, char *detail,
                          size_t detail_len) {
    host_state *h = st;
    if (h->n_tools == TOOL_HOST_MAX) return MDLZ_ERROR_PARAM;
    const mdlz_tool *t = NULL;
    if (strchr(name, '/')) {
        if (!(t = load(h, name, detail, detail_len))) return MDLZ_ERROR_TOOL;
    } else if (!(t = tool_find_builtin(name))) {
        snprintf(detail, detail_len, "no built-in tool '%s'", name);
        return MDLZ_ERROR_TOOL;
    }
    for (int i = 0; i < h->n_tools; i++)
        if (strcmp(h->tools[i]->name, t->name) == 0) return MDLZ_OK;
    h->tools[h->n_tools++] = t;
    return MDLZ_OK;
}

mdlz_status tool_host_add_plugin(void *st, const char *path, char *detail,
                                 size_t detail_len) {
    host_state *h = st;
    if (h->n_handles == TOOL_HOST_MAX) return MDLZ_ERROR_PARAM;
    return load(h, path, detail, detail_len) ? MDLZ_OK : MDLZ_ERROR_TOOL;
}

/* Record 2: u8 count, then per tool: u8 name length, name, varint
 * version, u32 low half of the code hash. */
/* The default tools (before the others, in TOOL_DEFAULTS order), when they
 * apply to the input; a name already asked for is kept once. */
static mdlz_status add_defaults(host_state *h, const mod_stream *s) {
    if (!h->defaults || s->declared < TOOLS_MIN_INPUT) return MDLZ_OK;
    const mdlz_tool *asked[TOOL_HOST_MAX];
    int n_asked = h->n_tools;
    memcpy(asked, h->tools, sizeof asked);
    h->n_tools = 0;
    char names[] = TOOL_DEFAULTS;
    for (char *save = NULL, *t = strtok_r(names, ",", &save); t;
         t = strtok_r(NULL, ",", &save))
        MDLZ_FORWARD(tool_host_add(h, t, s->detail, s->detail_len));
    for (int i = 0; i < n_asked; i++) {
        int dup = 0;
        for (int k = 0; k < h->n_tools; k++) dup |= h->tools[k] == asked[i];
        if (dup) continue;
        if (h->n_tools == TOOL_HOST_MAX) return MDLZ_ERROR_PARAM;
        h->tools[h->n_tools++] = asked[i];
    }
    return MDLZ_OK;
}

static mdlz_status host_encode(void *st, const mod_stream *s, uint8_t *d,
                               size_t *len) {
    host_state *h = st;
    MDLZ_FORWARD(add_defaults(h, s));
    size_t n = 0;
    if (h->n_tools) {
        d[n++] = (uint8_t)h->n_tools;
        for (int i = 0; i < h->n_tools; i++) {
            const mdlz_tool *t = h->tools[i];
            size_t k = strlen(t->name);
            d[n++] = (uint8_t)k;
            memcpy(d + n, t->name, k);
            n += k;
            n += varint_put(d + n, t->version);
            wr_le32(d + n, (uint32_t)t->code_hash);
            n += 4;
        }
    }
    *len = n;
    return MDLZ_OK;
}

int tool_record_parse(const fmt_record *rec, tool_ref *refs) {
    fmt_reader rd = fmt_reader_of(rec);
    unsigned n = fmt_get_u8(&rd);
    if (n > TOOL_HOST_MAX) return -1;
    for (unsigned i = 0; i < n && !rd.bad; i++) {
        uint32_t k = fmt_get_u8(&rd);
        if (k == 0 || k > MDLZ_TOOL_NAME_MAX || rd.end - rd.p < k) return -1;
        memcpy(refs[i].name, rd.p, k);
        refs[i].name[k] = 0;
        rd.p += k;
        refs[i].version = (uint32_t)fmt_get_varint(&rd);
        refs[i].hash32 = (uint32_t)fmt_get_le(&rd, 4);
    }
    return fmt_reader_ok(&rd) ? (int)n : -1;
}

static mdlz_status host_decode(void *st, const mod_stream *s,
                               const fmt_record *rec) {
    host_state *h = st;
    tool_ref want[TOOL_HOST_MAX];
    int n = tool_record_parse(rec, want);
    if (n <= 0) return MDLZ_ERROR_CORRUPT; /* written only with tools */
    for (int i = 0; i < n; i++) {
        const mdlz_tool *t = tool_find_builtin(want[i].name);
        for (int j = 0; !t && j < h->n_handles; j++)
            if (strcmp(tool_handle_tool(h->handles[j])->name, want[i].name) ==
                0)
                t = tool_handle_tool(h->handles[j]);
        if (!t) {
            snprintf(s->detail, s->detail_len,
                     "tool '%s' (version %u) is not available; load it with "
                     "--tool",
                     want[i].name, (unsigned)want[i].version);
            return MDLZ_ERROR_TOOL;
        }
        if (t->version != want[i].version ||
            (uint32_t)t->code_hash != want[i].hash32) {
            snprintf(s->detail, s->detail_len,
                     "tool '%s' is version %u (code %08x), the stream needs "
                     "version %u (code %08x)",
                     want[i].name, (unsigned)t->version,
                     (unsigned)(uint32_t)t->code_hash,
                     (unsigned)want[i].version, (unsigned)want[i].hash32);
            return MDLZ_ERROR_TOOL;
        }
        h->tools[i] = t;
    }
    h->n_tools = n;
    return MDLZ_OK;
}

static mdlz_status host_create(void *st, const mod_stream *s,
                               const bh_table *bh, pr_component *c) {
    host_state *h = st;
    (void)s;
    return toolmix_create(c, h->tools, h->n_tools, bh);
}

static int host_annotate(void *st, const void *self, mod_note *notes, int cap) {
    (void)st;
    return toolmix_notes(self, notes, cap);
}

const mod_ops tool_host_module = {
    .state_new = host_new,
    .state_free = host_free,
    .encode = host_encode,
    .decode = host_decode,
    .create = host_create,
    .annotate = host_annotate,
};
