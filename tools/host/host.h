/*
 * host.h - the tool host as a stream module (engine/stream/module.h): the
 * tools a stream consults (include/mdlz_tool.h), built in or loaded from
 * plugins, recorded in the stream header (docs/format.md, record 2: name,
 * version, code hash of each) and consulted through one predictor
 * component (toolmix.h).
 */
#ifndef MDLZ_TOOLS_HOST_H
#define MDLZ_TOOLS_HOST_H

#include "mdlz_tool.h"
#include "module.h"

#define TOOL_HOST_MAX 16 /* tools per stream */

extern const mod_ops tool_host_module;

/** Encoder: consult a tool: a built-in name, or a plugin path (a name
 *  with '/'), loaded now. MDLZ_ERROR_TOOL (message in detail) if unknown
 *  or failing to load, MDLZ_ERROR_PARAM beyond TOOL_HOST_MAX. */
mdlz_status tool_host_add(void *st, const char *name, char *detail,
                          size_t detail_len);

/** Encoder: also consult the default tools (TOOL_DEFAULTS) on inputs known
 *  to be large enough or of unknown size (MDLZ_CPARAM_DEFAULT_TOOLS). */
void tool_host_use_defaults(void *st, int on);

/** Decoder: makes a plugin available to streams that used it. */
mdlz_status tool_host_add_plugin(void *st, const char *path, char *detail,
                                 size_t detail_len);

/** One tool as record 2 lists it. */
typedef struct {
    char name[MDLZ_TOOL_NAME_MAX + 1];
    uint32_t version;
    uint32_t hash32; /* low 32 bits of the tool's code hash */
} tool_ref;

/** Parses record 2 into refs (room for TOOL_HOST_MAX); returns the count,
 *  or -1 if the record is malformed. */
int tool_record_parse(const fmt_record *rec, tool_ref *refs);

#endif
