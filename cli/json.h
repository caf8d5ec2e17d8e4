/*
 * json.h - JSON on standard output for the --json options (mdlz -l, index
 * ls/stats, tools, archive list: one object per line, as JSON Lines,
 * https://jsonlines.org) and for `mdlz ablate --format=json`.
 *
 * A json_obj writes the separators: json_begin(), then one json_* call per
 * field, then json_end(). Values that are not a plain field (arrays) are
 * written after json_key() with json_string() and nested objects.
 */
#ifndef MDLZ_CLI_JSON_H
#define MDLZ_CLI_JSON_H

#include <stdint.h>

typedef struct {
    int fields; /* fields written so far (a comma goes before the next) */
} json_obj;

/** Writes `s` as a JSON string literal: UTF-8 is kept, '"', '\\' and
 *  control characters are escaped, and each byte that is not part of
 *  valid UTF-8 (a file name can be any bytes) becomes U+FFFD, so that the
 *  output is always valid JSON (RFC 8259 requires UTF-8). */
void json_string(const char *s);

/** "{" */
void json_begin(json_obj *o);
/** "}" (the caller writes the newline that ends a line). */
void json_end(json_obj *o);

/** The separator and "key": ; the caller writes the value. */
void json_key(json_obj *o, const char *key);

void json_str(json_obj *o, const char *key, const char *v); /* NULL: null */
void json_u64(json_obj *o, const char *key, uint64_t v);
void json_i64(json_obj *o, const char *key, int64_t v);
void json_bool(json_obj *o, const char *key, int v);
void json_null(json_obj *o, const char *key);
/** A number with `decimals` digits after the point (null if not finite). */
void json_num(json_obj *o, const char *key, double v, int decimals);
/** A hash as the table shows it: a string of `digits` hexadecimal digits
 *  (a 64-bit value does not survive a double, which is what many JSON
 *  readers make of a number). */
void json_hex(json_obj *o, const char *key, uint64_t v, int digits);

#endif
