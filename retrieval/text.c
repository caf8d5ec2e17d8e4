/*
 * text.c - what is text, and which text the words are taken from.
 *
 * The text rule (mdlz_index_text_check) tells binary files the way git and
 * grep do: a NUL byte makes a file binary (git looks for one in the first
 * 8000 bytes, grep in what it reads), and so does a share of control
 * characters above 1%. Anything else is text, whatever its encoding.
 *
 * Text that is not valid UTF-8 is taken to be in an 8-bit encoding. Its
 * bytes are stored unchanged (the hash, the retrieved text and `get` are
 * the bytes), but its words are read after a fixed transcoding from
 * Windows-1252 to UTF-8, for the FTS5 index, the term tables and the
 * queries alike (docs/retrieval.md): Windows-1252 is a superset of the
 * printable ISO-8859-1 (Latin-1) that mail and RFC-era text use, and the
 * WHATWG Encoding Standard decodes "iso-8859-1" and "latin1" labels as
 * windows-1252 too. Its five unassigned bytes (0x81 0x8D 0x8F 0x90 0x9D)
 * map to the C1 code points of the same value, as WHATWG does.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "terms.h"

/* 1 if all 8 bytes of w are printable ASCII (0x20..0x7E): no high bit,
 * none below 0x20 (hasless), none equal to 0x7F (haszero of w ^ 0x7F..). */
static int printable8(uint64_t w) {
    const uint64_t ones = 0x0101010101010101ull, highs = ones * 0x80;
    uint64_t x = w ^ (ones * 0x7F);
    return !((w & highs) | ((w - ones * 0x20) & ~w & highs) |
             ((x - ones) & ~x & highs));
}

int mdlz_index_text_check(const uint8_t *body, size_t len, const char **why) {
    size_t controls = 0;
    int utf8 = 1;
    for (size_t i = 0; i < len;) {
        uint64_t w;
        if (len - i >= 8) {
            memcpy(&w, body + i, 8);
            if (printable8(w)) {
                i += 8;
                continue;
            }
        }
        uint8_t b = body[i];
        if (b == 0) {
            if (why) *why = "contains NUL bytes";
            return -1;
        }
        if (b < 0x80) {
            if ((b < 0x20 && b != '\t' && b != '\n' && b != '\v' && b != '\f' &&
                 b != '\r' && b != 0x1B) ||
                b == 0x7F)
                controls++;
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = utf8 ? ret_utf8_decode(body + i, len - i, &cp) : 0;
        if (!k) utf8 = 0; /* 8-bit text: its bytes >= 0x80 are characters */
        i += k ? k : 1;
    }
    if (controls * 100 > len) {
        if (why) *why = "has too many control characters";
        return -1;
    }
    return utf8 ? 0 : 1;
}

/* Length of the UTF-8 sequence a lead byte starts (0: not a lead byte). */
static size_t lead_len(uint8_t b) {
    return b >= 0xC2 && b <= 0xDF   ? 2
           : b >= 0xE0 && b <= 0xEF ? 3
           : b >= 0xF0 && b <= 0xF4 ? 4
                                    : 0;
}

int ret_is_utf8(const uint8_t *p, size_t n, int edges) {
    size_t i = 0;
    if (edges) /* a sequence cut at the start: up to 3 continuation bytes */
        while (i < n && i < 3 && (p[i] & 0xC0) == 0x80) i++;
    while (i < n) {
        uint64_t w;
        if (n - i >= 8) {
            memcpy(&w, p + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        uint32_t cp;
        size_t k = ret_utf8_decode(p + i, n - i, &cp);
        if (k) {
            i += k;
            continue;
        }
        /* a sequence cut at the end: a lead byte and continuation bytes
         * up to the end, fewer than it needs */
        size_t need = lead_len(p[i]), j = i + 1;
        if (!edges || !need || n - i >= need) return 0;
        while (j < n && (p[j] & 0xC0) == 0x80) j++;
        return j == n;
    }
    return 1;
}

/* Windows-1252 0x80..0x9F (WHATWG; the unassigned five map to C1). */
static const uint16_t cp1252_80[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

int ret_words_text(const uint8_t *body, size_t len, int edges,
                   const uint8_t **text, size_t *tlen, int *owned) {
    *text = body;
    *tlen = len;
    *owned = 0;
    if (ret_is_utf8(body, len, edges)) return 0;
    uint8_t *out = malloc(len * 3 + 1); /* at most 3 bytes per byte */
    if (!out) return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        uint32_t c = body[i];
        if (c >= 0x80 && c < 0xA0) c = cp1252_80[c - 0x80];
        if (c < 0x80) {
            out[o++] = (uint8_t)c;
        } else if (c < 0x800) {
            out[o++] = (uint8_t)(0xC0 | c >> 6);
            out[o++] = (uint8_t)(0x80 | (c & 0x3F));
        } else {
            out[o++] = (uint8_t)(0xE0 | c >> 12);
            out[o++] = (uint8_t)(0x80 | (c >> 6 & 0x3F));
            out[o++] = (uint8_t)(0x80 | (c & 0x3F));
        }
    }
    *text = out;
    *tlen = o;
    *owned = 1;
    return 0;
}

int ret_termset_add_doc(ret_termset *ts, const uint8_t *body, size_t len) {
    const uint8_t *text;
    size_t tlen;
    int owned;
    if (ret_words_text(body, len, 0, &text, &tlen, &owned)) return -1;
    int rc = ret_termset_add_text(ts, text, tlen);
    if (owned) free((void *)text);
    return rc;
}

uint64_t ret_count_tokens(const uint8_t *text, size_t len) {
    ret_tokenizer t;
    size_t s, n;
    uint64_t count = 0;
    ret_tok_init(&t, text, len);
    while (ret_tok_next(&t, &s, &n)) count++;
    return count;
}
