/*
 * xbuf.h - a growing byte buffer for the reports that are built whole
 * before they are written (`mdlz explain`): appends never fail loudly;
 * an allocation failure is remembered (oom) and checked once at the end.
 */
#ifndef MDLZ_CLI_XBUF_H
#define MDLZ_CLI_XBUF_H

#include <stddef.h>

#include "report.h"

typedef struct {
    char *p;
    size_t n, cap;
    int oom;
} xbuf;

void xb_put(xbuf *b, const void *data, size_t n);
void xb_str(xbuf *b, const char *s);
void xb_printf(xbuf *b, const char *fmt, ...) CLI_PRINTF(2, 3);
/** Appends s[0..n) escaped for HTML text and attribute values. */
void xb_html(xbuf *b, const char *s, size_t n);
/** Appends s[0..n) as a JSON string (quotes included): bytes that are not
 *  printable ASCII as \u00XX unless `utf8` and they are UTF-8. */
void xb_json(xbuf *b, const char *s, size_t n, int utf8);
/** Appends the base64 of data[0..n). */
void xb_base64(xbuf *b, const unsigned char *data, size_t n);
void xb_free(xbuf *b);

#endif
