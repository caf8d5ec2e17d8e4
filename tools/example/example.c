/*
 * example.c - an external mdlz tool, the template for plugin authors
 * (docs/tools.md). It predicts line ends: after '\r' it proposes '\n'.
 * The confidence class is how many of the last 15 '\r' were followed by
 * '\n', so the host learns to trust it on Windows text and to ignore it
 * on old Mac text or binary data.
 *
 * Build: tools/example/meson.build (a shared_module plus the code-size
 * header); load: `mdlz tools --load build/tools/example/mdlz_tool_example.so`.
 */
#include <stdint.h>

#include "mdlz_tool.h"
#include "example_codesize.h" /* MDLZ_TOOL_CODE_BYTES, MDLZ_TOOL_CODE_HASH */

typedef struct {
    const mdlz_tool_host *host; /* kept to free the state */
    int prev;                   /* the last byte observed */
    uint32_t history;           /* bit i: the i-th last '\r' had a '\n' */
} crlf;

static int crlf_create(const mdlz_tool_host *host, void **state) {
    crlf *s = host->alloc(host->ctx, sizeof *s); /* zeroed */
    if (!s) return -1;
    s->host = host;
    s->prev = -1;
    *state = s;
    return 0;
}

static void crlf_destroy(void *state) {
    crlf *s = state;
    if (s) s->host->free(s->host->ctx, s);
}

static void crlf_observe(void *state, int byte) {
    crlf *s = state;
    if (s->prev == '\r') s->history = (s->history << 1 | (byte == '\n'));
    s->prev = byte;
}

static void crlf_propose(void *state, mdlz_tool_proposal *out) {
    const crlf *s = state;
    if (s->prev != '\r') return; /* out->len stays 0: no proposal */
    out->bytes[0] = '\n';
    out->len = 1;
    out->confidence = (uint32_t)__builtin_popcount(s->history & 0x7FFF);
}

static const mdlz_tool crlf_tool = {
    .abi_version = MDLZ_TOOL_ABI_VERSION,
    .struct_size = sizeof(mdlz_tool),
    .name = "crlf",
    .version = 1,
    .code_bytes = MDLZ_TOOL_CODE_BYTES,
    .code_hash = MDLZ_TOOL_CODE_HASH,
    .description = "example plugin: '\\n' after '\\r'",
    .create = crlf_create,
    .destroy = crlf_destroy,
    .observe = crlf_observe,
    .propose = crlf_propose,
};

MDLZ_TOOL_ENTRY(crlf_tool)
