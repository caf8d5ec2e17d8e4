/*
 * json.c - JSON on standard output (see json.h). Strings follow RFC 8259
 * section 7; invalid UTF-8 is replaced as the WHATWG Encoding Standard's
 * decoder does (one U+FFFD per maximal invalid subpart, here simplified to
 * one per byte that does not start a valid sequence).
 */
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if none starts there
 * (RFC 3629 section 4: no overlong forms, no surrogates, <= U+10FFFF). */
static int utf8_len(const unsigned char *s) {
    unsigned char c = s[0];
    int n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (int i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return n;
}

void json_string(const char *str) {
    const unsigned char *s = (const unsigned char *)str;
    putchar('"');
    while (*s) {
        int n = utf8_len(s);
        if (n == 0) {
            fputs("\\ufffd", stdout);
            s++;
        } else if (n > 1) {
            fwrite(s, 1, (size_t)n, stdout);
            s += n;
        } else {
            if (*s == '"' || *s == '\\') printf("\\%c", *s);
            else if (*s == '\n') fputs("\\n", stdout);
            else if (*s == '\t') fputs("\\t", stdout);
            else if (*s < 0x20 || *s == 0x7F) printf("\\u%04x", *s);
            else putchar(*s);
            s++;
        }
    }
    putchar('"');
}

void json_begin(json_obj *o) {
    o->fields = 0;
    putchar('{');
}

void json_end(json_obj *o) {
    (void)o;
    putchar('}');
}

void json_key(json_obj *o, const char *key) {
    if (o->fields++) fputs(", ", stdout);
    json_string(key);
    fputs(": ", stdout);
}

void json_str(json_obj *o, const char *key, const char *v) {
    json_key(o, key);
    if (v) json_string(v);
    else fputs("null", stdout);
}

void json_u64(json_obj *o, const char *key, uint64_t v) {
    json_key(o, key);
    printf("%" PRIu64, v);
}

void json_i64(json_obj *o, const char *key, int64_t v) {
    json_key(o, key);
    printf("%" PRId64, v);
}

void json_bool(json_obj *o, const char *key, int v) {
    json_key(o, key);
    fputs(v ? "true" : "false", stdout);
}

void json_null(json_obj *o, const char *key) {
    json_key(o, key);
    fputs("null", stdout);
}

void json_num(json_obj *o, const char *key, double v, int decimals) {
    json_key(o, key);
    if (isfinite(v)) printf("%.*f", decimals, v);
    else fputs("null", stdout);
}

void json_hex(json_obj *o, const char *key, uint64_t v, int digits) {
    json_key(o, key);
    printf("\"%0*" PRIx64 "\"", digits, v);
}
