/*
 * inspect.h - a stream header read without decoding: the configuration,
 * the extension records, and what the records of the table's modules say
 * (for mdlz_get_frame_*() and the description length of a stream).
 */
#ifndef MDLZ_SYSTEM_INSPECT_H
#define MDLZ_SYSTEM_INSPECT_H

#include "host.h"
#include "retrieval.h"
#include "table.h"

typedef struct {
    mdlz_config cfg;
    uint64_t src_size;
    size_t len; /* header bytes, extension area included */
    fmt_records recs;
    ret_record ret; /* zero without retrieval */
    tool_ref tools[TOOL_HOST_MAX];
    int n_tools;
    uint64_t prefix_len; /* 0 without a prefix */
} sys_header;

/** Parses and checks a stream header and its records: MDLZ_ERROR_VERSION
 *  for a record no row owns, MDLZ_ERROR_CORRUPT for a malformed one. */
mdlz_status sys_read_header(sys_header *h, const void *src, size_t n);

#endif
