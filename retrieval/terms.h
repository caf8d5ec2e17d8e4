/*
 * terms.h - the tokenizer and term counter of mdlz_index_select(), for the
 * query text and (index.c) for the term tables made from the documents.
 * It splits text the way FTS5's unicode61 tokenizer does for ASCII (runs
 * of letters and digits, lowercased) and, without any Unicode table,
 * treats every other UTF-8 sequence as a token character, except a fixed
 * list of punctuation, symbol and space code points (docs/retrieval.md)
 * that separate tokens like they do in unicode61. The rules are code, not
 * data from SQLite: a decoder on another machine tokenizes the same text
 * the same way.
 */
#ifndef MDLZ_RETRIEVAL_TERMS_H
#define MDLZ_RETRIEVAL_TERMS_H

#include <stddef.h>
#include <stdint.h>

/* Tokens longer than this many bytes are ignored by the term counter. */
#define RET_MAX_TERM_LEN 64

typedef struct {
    const uint8_t *p;
    size_t len;
    size_t pos;
} ret_tokenizer;

/** Starts tokenizing p[0..len). */
void ret_tok_init(ret_tokenizer *t, const uint8_t *p, size_t len);

/** Finds the next token: sets *start and *n (bytes; the token is p[*start..
 *  *start + *n), not lowercased) and returns 1, or returns 0 at the end. */
int ret_tok_next(ret_tokenizer *t, size_t *start, size_t *n);

/** Decodes the well-formed UTF-8 sequence at p[0..n) (n >= 1; no overlong
 *  form, no surrogate, at most U+10FFFF): returns its length (1..4) and
 *  sets *cp, or returns 0 if the bytes are not one. */
size_t ret_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp);

/** ASCII lowercase of a byte (others unchanged). */
static inline uint8_t ret_lower(uint8_t c) {
    return (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/** One distinct term of a text and how often it occurs. */
typedef struct {
    size_t off; /* lowercased bytes at arena + off */
    uint32_t len;
    uint32_t tf;   /* occurrences (saturates at UINT32_MAX) */
    uint64_t hash; /* of the lowercased bytes (table only) */
} ret_term;

/** The distinct terms of a text (lowercased) with their counts. */
typedef struct {
    ret_term *terms;
    size_t n, cap;
    uint64_t ntokens; /* all tokens counted, also those over the limit */
    uint32_t *slots;  /* open addressing: term index + 1, 0 = empty */
    size_t nslots;    /* power of two */
    uint8_t *arena;
    size_t alen, acap;
} ret_termset;

/** Counts the tokens of text into ts (zero-initialize ts first; may be
 *  called again to add more text). Returns 0, or -1 if out of memory. */
int ret_termset_add_text(ret_termset *ts, const uint8_t *text, size_t len);

/** Counts one occurrence in ts of every term of the set `from` (reusing
 *  their hashes) and sets idx[i] to the index in ts->terms of
 *  from->terms[i]. Returns 0, or -1 if out of memory. */
int ret_termset_merge(ret_termset *ts, const ret_termset *from, size_t *idx);

/** Empties ts for another text, keeping its memory. */
void ret_termset_clear(ret_termset *ts);

/** Frees what ts owns (ts itself is the caller's); ts is left empty. */
void ret_termset_free(ret_termset *ts);

/** Compares two terms' bytes (memcmp order, a prefix first). */
int ret_term_cmp_bytes(const ret_termset *ts, const ret_term *a,
                       const ret_term *b);

#endif
