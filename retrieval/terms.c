/*
 * terms.c - the tokenizer (unicode61-like, table-free) and the term
 * counter of mdlz_index_select(): they make the query's terms and, in
 * index.c, the term tables from the documents. See terms.h for the rules
 * and docs/retrieval.md for why they are fixed in code.
 */
#include "terms.h"

#include <stdlib.h>
#include <string.h>

void ret_tok_init(ret_tokenizer *t, const uint8_t *p, size_t len) {
    t->p = p;
    t->len = len;
    t->pos = 0;
}

size_t ret_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp) {
    uint8_t b = p[0];
    size_t k;
    uint32_t c, min;
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        k = 2, c = b & 0x1Fu, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        k = 3, c = b & 0x0Fu, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        k = 4, c = b & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if (n < k) return 0;
    for (size_t i = 1; i < k; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (p[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return k;
}

/* Non-ASCII code points that separate tokens: C1 controls, Latin-1
 * punctuation, symbols and spaces (U+00A0..U+00BF except the letters and
 * numbers ª ² ³ µ ¹ º ¼ ½ ¾), × and ÷, General Punctuation (U+2000..U+206F:
 * spaces, dashes, quotes, bullets), the symbol blocks U+2190..U+2BFF
 * (arrows, mathematical operators, technical symbols, box drawing, block
 * elements, geometric shapes, dingbats, Braille) except the numbers among
 * them (U+2460..U+24FF, U+2776..U+2793), ideographic space and comma/full
 * stop (U+3000..U+3003) and the byte order mark U+FEFF. unicode61 treats
 * all of these as separators; everything else non-ASCII is kept in the
 * token. */
static int is_separator_cp(uint32_t c) {
    if (c < 0xA0) return 1; /* C1 controls (the caller has c >= 0x80) */
    if (c <= 0xBF) {
        switch (c) {
        case 0xAA:
        case 0xB2:
        case 0xB3:
        case 0xB5:
        case 0xB9:
        case 0xBA:
        case 0xBC:
        case 0xBD:
        case 0xBE: return 0;
        default: return 1;
        }
    }
    if (c >= 0x2190 && c <= 0x2BFF)
        return !(c >= 0x2460 && c <= 0x24FF) && !(c >= 0x2776 && c <= 0x2793);
    return c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x206F) ||
           (c >= 0x3000 && c <= 0x3003) || c == 0xFEFF;
}

/* Classifies the character at p[i]: returns its length in bytes and sets
 * *tok to 1 for a token character, 0 for a separator. */
static size_t classify(const uint8_t *p, size_t n, size_t i, int *tok) {
    uint8_t b = p[i];
    if (b < 0x80) {
        *tok = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') ||
               (b >= 'A' && b <= 'Z');
        return 1;
    }
    uint32_t cp;
    size_t k = ret_utf8_decode(p + i, n - i, &cp);
    if (!k) {
        *tok = 1; /* a stray byte >= 0x80 is part of a token */
        return 1;
    }
    *tok = !is_separator_cp(cp);
    return k;
}

int ret_tok_next(ret_tokenizer *t, size_t *start, size_t *n) {
    const uint8_t *p = t->p;
    size_t len = t->len, i = t->pos;
    int tok = 0;
    while (i < len) {
        size_t k = classify(p, len, i, &tok);
        if (tok) break;
        i += k;
    }
    if (i >= len) {
        t->pos = len;
        return 0;
    }
    size_t s = i;
    while (i < len) {
        size_t k = classify(p, len, i, &tok);
        if (!tok) break;
        i += k;
    }
    t->pos = i;
    *start = s;
    *n = i - s;
    return 1;
}

static int grow_slots(ret_termset *ts) {
    size_t nslots = ts->nslots ? ts->nslots * 2 : 1024;
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < ts->n; i++) {
        size_t h = (size_t)ts->terms[i].hash & (nslots - 1);
        while (slots[h]) h = (h + 1) & (nslots - 1);
        slots[h] = (uint32_t)(i + 1);
    }
    free(ts->slots);
    ts->slots = slots;
    ts->nslots = nslots;
    return 0;
}

/* The hash of a term's bytes (tables only: results never depend on it).
 * Inline and simple, as a text has a term every few bytes. */
static inline uint64_t term_hash(const uint8_t *w, uint32_t n) {
    uint64_t h = 0x9E3779B97F4A7C15u ^ n, v;
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&v, w + i, 8);
        h = (h ^ v) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 32;
    }
    if (i < n) {
        v = 0;
        for (uint32_t j = 0; i + j < n; j++) v |= (uint64_t)w[i + j] << (8 * j);
        h = (h ^ v) * 0xFF51AFD7ED558CCDu;
    }
    h ^= h >> 29;
    h *= 0xC4CEB9FE1A85EC53u;
    return h ^ h >> 32;
}

static int same_bytes(const uint8_t *a, const uint8_t *b, uint32_t n) {
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* Counts one occurrence of term w[0..n) with hash h; sets *idx to its
 * index in ts->terms. */
static int add_hashed(ret_termset *ts, const uint8_t *w, uint32_t n, uint64_t h,
                      size_t *idx) {
    if ((ts->n + 1) * 2 > ts->nslots && grow_slots(ts)) return -1;
    if (ts->n >= UINT32_MAX - 1) return -1;
    size_t i = (size_t)h & (ts->nslots - 1);
    for (; ts->slots[i]; i = (i + 1) & (ts->nslots - 1)) {
        ret_term *t = &ts->terms[ts->slots[i] - 1];
        if (t->hash == h && t->len == n &&
            same_bytes(ts->arena + t->off, w, n)) {
            if (t->tf < UINT32_MAX) t->tf++;
            *idx = ts->slots[i] - 1;
            return 0;
        }
    }
    if (ts->n == ts->cap) {
        size_t cap = ts->cap ? ts->cap * 2 : 256;
        ret_term *terms = realloc(ts->terms, cap * sizeof *terms);
        if (!terms) return -1;
        ts->terms = terms;
        ts->cap = cap;
    }
    if (ts->alen + n > ts->acap) {
        size_t acap = ts->acap ? ts->acap * 2 : 4096;
        while (acap < ts->alen + n) acap *= 2;
        uint8_t *arena = realloc(ts->arena, acap);
        if (!arena) return -1;
        ts->arena = arena;
        ts->acap = acap;
    }
    memcpy(ts->arena + ts->alen, w, n);
    ts->terms[ts->n] = (ret_term){ts->alen, n, 1, h};
    ts->alen += n;
    *idx = ts->n;
    ts->slots[i] = (uint32_t)(++ts->n);
    return 0;
}

/* ASCII letter or digit (branch-free). */
static inline int ascii_alnum(uint8_t b) {
    return (unsigned)(b - '0') < 10u || (unsigned)((b | 32) - 'a') < 26u;
}

int ret_termset_add_text(ret_termset *ts, const uint8_t *text, size_t len) {
    /* The tokens of ret_tok_next(), with ASCII handled inline. */
    uint8_t w[RET_MAX_TERM_LEN + 4];
    size_t i = 0;
    int tok;
    while (i < len) {
        uint8_t b = text[i];
        if (b < 0x80) {
            if (!ascii_alnum(b)) {
                i++;
                continue;
            }
        } else {
            size_t k = classify(text, len, i, &tok);
            if (!tok) {
                i += k;
                continue;
            }
        }
        size_t n = 0; /* a token starts at i */
        while (i < len) {
            b = text[i];
            if (b < 0x80) {
                if (!ascii_alnum(b)) break;
                if (n < RET_MAX_TERM_LEN) w[n] = ret_lower(b);
                n++;
                i++;
            } else {
                size_t k = classify(text, len, i, &tok);
                if (!tok) break;
                for (size_t j = 0; j < k; j++, n++)
                    if (n < RET_MAX_TERM_LEN) w[n] = text[i + j];
                i += k;
            }
        }
        ts->ntokens++;
        if (n > RET_MAX_TERM_LEN) continue;
        size_t idx;
        if (add_hashed(ts, w, (uint32_t)n, term_hash(w, (uint32_t)n), &idx))
            return -1;
    }
    return 0;
}

/* Prefetch hints (no effect on results). */
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

int ret_termset_merge(ret_termset *ts, const ret_termset *from, size_t *idx) {
    /* Looking a term up in a large set takes three dependent cache misses
     * (slot, term, bytes): prefetch them for terms 24, 16 and 8 ahead. */
    const ret_term *t = from->terms;
    size_t n = from->n;
    for (size_t i = 0; i < n; i++) {
        size_t mask = ts->nslots - 1;
        if (ts->nslots) {
            if (i + 24 < n) PREFETCH(&ts->slots[t[i + 24].hash & mask]);
            if (i + 16 < n) {
                uint32_t s = ts->slots[t[i + 16].hash & mask];
                if (s) PREFETCH(&ts->terms[s - 1]);
            }
            if (i + 8 < n) {
                uint32_t s = ts->slots[t[i + 8].hash & mask];
                if (s) PREFETCH(ts->arena + ts->terms[s - 1].off);
            }
        }
        if (add_hashed(ts, from->arena + t[i].off, t[i].len, t[i].hash,
                       &idx[i]))
            return -1;
    }
    return 0;
}

void ret_termset_clear(ret_termset *ts) {
    if (ts->nslots > 4096 && ts->n * 8 < ts->nslots) {
        /* grown by a long text: start small again rather than clear it */
        free(ts->slots);
        ts->slots = NULL;
        ts->nslots = 0;
    } else if (ts->slots) {
        memset(ts->slots, 0, ts->nslots * sizeof *ts->slots);
    }
    ts->n = 0;
    ts->alen = 0;
    ts->ntokens = 0;
}

void ret_termset_free(ret_termset *ts) {
    free(ts->terms);
    free(ts->slots);
    free(ts->arena);
    memset(ts, 0, sizeof *ts);
}

int ret_term_cmp_bytes(const ret_termset *ts, const ret_term *a,
                       const ret_term *b) {
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(ts->arena + a->off, ts->arena + b->off, n);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}
