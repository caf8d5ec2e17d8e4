/*
 * test_plugin.c - broken and odd external tools for test_loader.c, one
 * shared module per variant (tests/tools/meson.build defines one of):
 *   PLUGIN_BAD_ABI       abi_version 99
 *   PLUGIN_SMALL_STRUCT  struct_size smaller than version 1's
 *   PLUGIN_BAD_NAME      a name with characters outside [a-z0-9_]
 *   PLUGIN_NULL_FN       observe is NULL
 *   PLUGIN_NO_ENTRY      no mdlz_tool_entry symbol
 *   PLUGIN_CREATE_FAILS  valid, but create() always fails
 * The tool itself proposes 'x' after every byte.
 */
#include "mdlz_tool.h"

static int t_create(const mdlz_tool_host *host, void **state) {
    (void)host;
    *state = NULL;
#ifdef PLUGIN_CREATE_FAILS
    return -1;
#else
    return 0;
#endif
}

static void t_destroy(void *state) { (void)state; }

#ifndef PLUGIN_NULL_FN
static void t_observe(void *state, int byte) {
    (void)state;
    (void)byte;
}
#endif

static void t_propose(void *state, mdlz_tool_proposal *out) {
    (void)state;
    out->bytes[0] = 'x';
    out->len = 1;
}

#ifdef PLUGIN_BAD_ABI
#define ABI 99
#else
#define ABI MDLZ_TOOL_ABI_VERSION
#endif

#ifdef PLUGIN_SMALL_STRUCT
#define SIZE 16
#else
#define SIZE sizeof(mdlz_tool)
#endif

#ifdef PLUGIN_BAD_NAME
#define NAME "Bad-Name"
#else
#define NAME "test_plugin"
#endif

static const mdlz_tool plugin = {
    ABI,       SIZE, NAME, 1, 1, 0, "a test plugin", t_create, t_destroy,
#ifdef PLUGIN_NULL_FN
    NULL,
#else
    t_observe,
#endif
    t_propose,
};

#ifndef PLUGIN_NO_ENTRY
MDLZ_TOOL_ENTRY(plugin)
#else
/* Exported, but under another name. */
MDLZ_TOOL_EXPORT const mdlz_tool *not_the_entry(void);
MDLZ_TOOL_EXPORT const mdlz_tool *not_the_entry(void) { return &plugin; }
#endif
