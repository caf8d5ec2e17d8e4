/*
 * registry.h - the tools mdlz knows (include/mdlz_tool.h): the built-in
 * ones, compiled into libmdlz, and external ones loaded from shared
 * libraries with dlopen, checked before use.
 */
#ifndef MDLZ_TOOLS_REGISTRY_H
#define MDLZ_TOOLS_REGISTRY_H

#include <stddef.h>

#include "mdlz.h"
#include "mdlz_tool.h"

/** The built-in tools, in a fixed order (calc, seq, markup); sets *n to
 *  their count. */
const mdlz_tool *const *tool_builtins(size_t *n);

/** The built-in tool called `name`, or NULL. */
const mdlz_tool *tool_find_builtin(const char *name);

/**
 * Checks a tool description before use: ABI version first, then the
 * struct size, the name ([a-z0-9_]{1,31}), the description and every
 * function pointer. Returns MDLZ_OK, MDLZ_ERROR_VERSION (ABI version or
 * struct size not supported) or MDLZ_ERROR_PARAM (a bad field), with a
 * one-line reason in err[0..errlen) (may be NULL/0).
 */
mdlz_status tool_validate(const mdlz_tool *t, char *err, size_t errlen);

/** An external tool and the shared library that holds it (the public
 *  mdlz_plugin of mdlz.h). */
typedef struct mdlz_plugin tool_handle;

/**
 * Loads the external tool in the shared library at `path` (dlopen with
 * RTLD_NOW | RTLD_LOCAL; a path without '/' is searched like any dlopen
 * name), calls its mdlz_tool_entry() and validates the result. On MDLZ_OK
 * sets *out (free with tool_handle_free). Otherwise *out is NULL, err
 * holds the reason, and the status is MDLZ_ERROR_VERSION (built for
 * another ABI), MDLZ_ERROR_NOMEM or MDLZ_ERROR_PARAM (missing file, not a
 * shared library, no entry point, invalid description).
 */
mdlz_status tool_load_external(const char *path, tool_handle **out, char *err,
                               size_t errlen);

/** The tool of a loaded handle: a copy of its description, valid until
 *  tool_handle_free(). */
const mdlz_tool *tool_handle_tool(const tool_handle *h);

/** The path the handle was loaded from. */
const char *tool_handle_path(const tool_handle *h);

/** Unloads the library (destroy every state of its tool first).
 *  NULL is a no-op. */
void tool_handle_free(tool_handle *h);

/** Fills *host with the default host services: calloc/free, no log. */
void tool_host_default(mdlz_tool_host *host);

#endif
