/*
 * registry.c - the table of built-in tools and the loader of external
 * ones (dlopen), with the checks every tool passes before the host calls
 * it: ABI version (read before any other field), struct size, name,
 * description and function pointers.
 */
#include "registry.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const mdlz_tool tool_calc, tool_seq, tool_markup;

static const mdlz_tool *const builtins[] = {&tool_calc, &tool_seq,
                                            &tool_markup};

struct mdlz_plugin {
    void *dl;
    char *path;
    mdlz_tool tool;
};

const mdlz_tool *const *tool_builtins(size_t *n) {
    *n = sizeof builtins / sizeof builtins[0];
    return builtins;
}

size_t mdlz_builtin_tools(const char **names, size_t cap) {
    size_t n = sizeof builtins / sizeof builtins[0];
    for (size_t i = 0; i < n && i < cap && names; i++)
        names[i] = builtins[i]->name;
    return n;
}

const mdlz_tool *tool_find_builtin(const char *name) {
    for (size_t i = 0; name && i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i]->name, name) == 0) return builtins[i];
    return NULL;
}

__attribute__((format(printf, 4, 5))) static mdlz_status
fail(mdlz_status st, char *err, size_t errlen, const char *fmt, ...) {
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

static int valid_name(const char *s) {
    size_t n = 0;
    for (; s && s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
              s[n] == '_'))
            return 0;
    return n >= 1 && n <= MDLZ_TOOL_NAME_MAX;
}

mdlz_status tool_validate(const mdlz_tool *t, char *err, size_t errlen) {
    if (!t) return fail(MDLZ_ERROR_PARAM, err, errlen, "no tool description");
    if (t->abi_version != MDLZ_TOOL_ABI_VERSION)
        return fail(MDLZ_ERROR_VERSION, err, errlen,
                    "tool built for tool ABI version %d, but this mdlz "
                    "supports tool ABI version %d",
                    t->abi_version, MDLZ_TOOL_ABI_VERSION);
    if (t->struct_size < MDLZ_TOOL_STRUCT_SIZE_V1)
        return fail(MDLZ_ERROR_VERSION, err, errlen,
                    "struct_size %u is less than %zu, the size of a tool ABI "
                    "version %d description",
                    (unsigned)t->struct_size, MDLZ_TOOL_STRUCT_SIZE_V1,
                    MDLZ_TOOL_ABI_VERSION);
    if (!valid_name(t->name))
        return fail(MDLZ_ERROR_PARAM, err, errlen,
                    "invalid tool name (want 1 to %d of [a-z0-9_])",
                    MDLZ_TOOL_NAME_MAX);
    const char *missing = !t->description ? "description"
                          : !t->create    ? "create"
                          : !t->destroy   ? "destroy"
                          : !t->observe   ? "observe"
                          : !t->propose   ? "propose"
                                          : NULL;
    if (missing)
        return fail(MDLZ_ERROR_PARAM, err, errlen, "tool %s: %s is NULL",
                    t->name, missing);
    return MDLZ_OK;
}

mdlz_status tool_load_external(const char *path, tool_handle **out, char *err,
                               size_t errlen) {
    *out = NULL;
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl)
        return fail(MDLZ_ERROR_PARAM, err, errlen, "cannot load tool: %s",
                    dlerror());
    void *sym = dlsym(dl, MDLZ_TOOL_ENTRY_SYMBOL);
    mdlz_tool_entry_fn entry;
    memcpy(&entry, &sym, sizeof entry); /* object to function pointer */
    char msg[256];
    mdlz_status st = MDLZ_OK;
    if (!sym)
        st = fail(MDLZ_ERROR_PARAM, msg, sizeof msg,
                  "no symbol %s (not an mdlz tool)", MDLZ_TOOL_ENTRY_SYMBOL);
    else st = tool_validate(entry(), msg, sizeof msg);
    tool_handle *h = st == MDLZ_OK ? calloc(1, sizeof *h) : NULL;
    if (h) h->path = strdup(path);
    if (st == MDLZ_OK && (!h || !h->path)) {
        st = fail(MDLZ_ERROR_NOMEM, msg, sizeof msg, "out of memory");
        if (h) free(h);
    }
    if (st != MDLZ_OK) {
        dlclose(dl);
        return fail(st, err, errlen, "%s: %s", path, msg);
    }
    const mdlz_tool *t = entry();
    size_t n =
        t->struct_size < sizeof h->tool ? t->struct_size : sizeof h->tool;
    memcpy(&h->tool, t, n);
    h->tool.struct_size = (uint32_t)n;
    h->dl = dl;
    *out = h;
    return MDLZ_OK;
}

const mdlz_tool *tool_handle_tool(const tool_handle *h) { return &h->tool; }

const char *tool_handle_path(const tool_handle *h) { return h->path; }

void tool_handle_free(tool_handle *h) {
    if (!h) return;
    dlclose(h->dl);
    free(h->path);
    free(h);
}

static void *host_alloc(void *ctx, size_t size) {
    (void)ctx;
    return calloc(1, size ? size : 1);
}

static void host_free(void *ctx, void *p) {
    (void)ctx;
    free(p);
}

void tool_host_default(mdlz_tool_host *host) {
    memset(host, 0, sizeof *host);
    host->abi_version = MDLZ_TOOL_ABI_VERSION;
    host->alloc = host_alloc;
    host->free = host_free;
}

/* ---- the public inspection API (mdlz.h) ---------------------------------- */

const mdlz_tool *mdlz_tool_builtin(const char *name) {
    return tool_find_builtin(name);
}

mdlz_status mdlz_plugin_open(mdlz_plugin **out, const char *path, char *err,
                             size_t errlen) {
    return tool_load_external(path, out, err, errlen);
}

const mdlz_tool *mdlz_plugin_tool(const mdlz_plugin *p) {
    return tool_handle_tool(p);
}

void mdlz_plugin_close(mdlz_plugin *p) { tool_handle_free(p); }
