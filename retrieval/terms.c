/*
 * terms.c - the query side's tokenizer (unicode61-like, table-free) and
 * the term counter used to build ret_index_select() queries. See terms.h
 * for the rules and docs/retrieval.md for why they are fixed in code.
 */
#include "terms.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

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
 * spaces, dashes, quotes, bullets), ideographic space and comma/full stop
 * (U+3000..U+3003) and the byte order mark U+FEFF. unicode61 treats all of
 * these as separators; everything else non-ASCII is kept in the token. */
static int is_separator_cp(uint32_t c) {
    if (c < 0xA0) return 1; /* C1 controls (the caller has c >= 0x80) */
    if (c <= 0xBF) {
        switch (c) {
        case 0xAA: case 0xB2: case 0xB3: case 0xB5: case 0xB9: case 0xBA:
        case 0xBC: case 0xBD: case 0xBE:
            return 0;
        default:
            return 1;
        }
    }
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

/* Adds one occurrence of the lowercased term w[0..n). */
static int count_term(ret_termset *ts, const uint8_t *w, uint32_t n) {
    uint64_t h = XXH3_64bits(w, n);
    if ((ts->n + 1) * 2 > ts->nslots && grow_slots(ts)) return -1;
    if (ts->n >= UINT32_MAX - 1) return -1;
    size_t i = (size_t)h & (ts->nslots - 1);
    for (; ts->slots[i]; i = (i + 1) & (ts->nslots - 1)) {
        ret_term *t = &ts->terms[ts->slots[i] - 1];
        if (t->hash == h && t->len == n && !memcmp(ts->arena + t->off, w, n)) {
            if (t->tf < UINT32_MAX) t->tf++;
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
    ts->slots[i] = (uint32_t)(++ts->n);
    return 0;
}

int ret_termset_add_text(ret_termset *ts, const uint8_t *text, size_t len) {
    ret_tokenizer t;
    size_t s, n;
    uint8_t w[RET_MAX_TERM_LEN];
    ret_tok_init(&t, text, len);
    while (ret_tok_next(&t, &s, &n)) {
        if (n > RET_MAX_TERM_LEN) continue;
        for (size_t i = 0; i < n; i++) w[i] = ret_lower(text[s + i]);
        if (count_term(ts, w, (uint32_t)n)) return -1;
    }
    return 0;
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
