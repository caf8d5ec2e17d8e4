/*
 * toolmix.h - the predictor component that consults tools
 * (include/mdlz_tool.h): each tool's proposal becomes a mixer input whose
 * trust is learned.
 */
#ifndef MDLZ_TOOLS_TOOLMIX_H
#define MDLZ_TOOLS_TOOLMIX_H

#include "component.h"
#include "mdlz_tool.h"
#include "module.h"

#define TOOLMIX_MAX 16

/** Creates the component for tools[0..n) (descriptions not owned; they
 *  must outlive the component). MDLZ_ERROR_TOOL if a tool's create()
 *  fails, MDLZ_ERROR_NOMEM. */
mdlz_status toolmix_create(pr_component *c, const mdlz_tool *const *tools,
                           int n, const bh_table *bh);

/** Measurement (mod_ops.annotate): each tool's proposal for the coming
 *  byte (source: the tool's place in the list given to create). */
int toolmix_notes(const void *self, mod_note *notes, int cap);

#endif
