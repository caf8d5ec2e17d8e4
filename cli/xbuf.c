/* xbuf.c - see xbuf.h. */
#include "xbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(xbuf *b, size_t more) {
    if (b->oom) return -1;
    if (b->n + more <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + more) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void xb_put(xbuf *b, const void *data, size_t n) {
    if (n && grow(b, n) == 0) {
        memcpy(b->p + b->n, data, n);
        b->n += n;
    }
}

void xb_str(xbuf *b, const char *s) { xb_put(b, s, strlen(s)); }

void xb_printf(xbuf *b, const char *fmt, ...) {
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if ((size_t)k < sizeof small) {
        xb_put(b, small, (size_t)k);
        return;
    }
    if (grow(b, (size_t)k + 1) != 0) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

/* Length of the valid UTF-8 sequence at s[i..n), or 0. */
static size_t utf8_len(const unsigned char *s, size_t i, size_t n) {
    unsigned c = s[i];
    size_t k = c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
    if (!k || i + k > n) return 0;
    for (size_t j = 1; j < k; j++)
        if ((s[i + j] & 0xc0) != 0x80) return 0;
    return k;
}

void xb_html(xbuf *b, const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        size_t k = c >= 128 ? utf8_len(s, i, n) : 0;
        if (k) {
            xb_put(b, s + i, k);
            i += k - 1;
        } else if (c == '&') xb_str(b, "&amp;");
        else if (c == '<') xb_str(b, "&lt;");
        else if (c == '>') xb_str(b, "&gt;");
        else if (c == '"') xb_str(b, "&quot;");
        else if ((c < 32 && c != '\n' && c != '\t') || c >= 127)
            xb_str(b, "\xc2\xb7"); /* a middle dot: no control or stray byte */
        else xb_put(b, s + i, 1);
    }
}

void xb_json(xbuf *b, const char *str, size_t n, int utf8) {
    const unsigned char *s = (const unsigned char *)str;
    xb_put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        size_t k = c >= 128 && utf8 ? utf8_len(s, i, n) : 0;
        if (k) {
            xb_put(b, s + i, k);
            i += k - 1;
        } else if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            xb_put(b, e, 2);
        } else if (c < 32 || c >= 127 || c == '<') {
            /* '<' too: a JSON text inside <script> never holds "</" */
            xb_printf(b, "\\u%04x", c);
        } else {
            xb_put(b, s + i, 1);
        }
    }
    xb_put(b, "\"", 1);
}

void xb_base64(xbuf *b, const unsigned char *d, size_t n) {
    static const char a[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (grow(b, (n + 2) / 3 * 4) != 0) return;
    char *o = b->p + b->n;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 | d[i + 2];
        *o++ = a[v >> 18];
        *o++ = a[v >> 12 & 63];
        *o++ = a[v >> 6 & 63];
        *o++ = a[v & 63];
    }
    if (i < n) {
        unsigned v =
            (unsigned)d[i] << 16 | (i + 1 < n ? (unsigned)d[i + 1] << 8 : 0);
        *o++ = a[v >> 18];
        *o++ = a[v >> 12 & 63];
        *o++ = i + 1 < n ? a[v >> 6 & 63] : '=';
        *o++ = '=';
    }
    b->n = (size_t)(o - b->p);
}

void xb_free(xbuf *b) {
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}
