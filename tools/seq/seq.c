/*
 * seq.c - the sequence tool: numbers that advance by a constant step from
 * one line or record to the next (line ids, counters, years, dates in logs
 * and CSV); it proposes the next one before it starts.
 *
 * A number (a run of digits) is keyed by its place: how many numbers
 * precede it on its line and the last CTX bytes since the previous number
 * or the line start. A hashed table remembers per key the last value, its
 * width and zero padding, the step between the last two values with a
 * confidence 0..3 (+1 when the step repeats, else -1; the step is replaced
 * only at 0, so a month wrapping from 12 to 1 keeps its step), and how
 * reliably a number follows the key (0..3). After each non-digit byte
 * whose key has both >= 1, it proposes last + step, formatted alike.
 * Classes: +1 step confidence 3, +2 step 0 (a repeated value), +4 a number
 * always followed; +8 once the first digit has matched.
 */
#include <stdint.h>
#include <string.h>

#include "mdlz_tool.h"
#include "seq_codesize.h"

#define SLOTS 4096 /* power of two */
#define CTX 2      /* context bytes before a number (< 5) */
#define DIGITS 18  /* longer digit runs are not numbers here */

typedef struct {
    uint32_t tag; /* the key, 0 = empty */
    uint8_t width, pad, conf, pres;
    int64_t last, step;
} slot;

typedef struct {
    const mdlz_tool_host *host;
    uint64_t ctx;    /* bytes since the previous number, last in the low byte */
    uint32_t field;  /* numbers so far on this line */
    uint32_t key[2]; /* keys of the number being read */
    int64_t num;     /* its value */
    int nd, lead0;   /* its digits so far; it starts with '0' */
    uint8_t res[24]; /* proposal being matched */
    int rlen, rpos, conf;
    slot *at[2];     /* slots of a number that would start here */
    slot t[SLOTS];
} seq;

/* Key of a number starting here: fine (all fields) or coarse (3+ alike). */
static uint32_t key_of(const seq *s, int coarse) {
    uint64_t f = coarse && s->field > 2 ? 3 : s->field;
    uint64_t h = (s->ctx << 16 | f << 1 | (uint64_t)coarse) *
                 0x9E3779B97F4A7C15u;
    return (uint32_t)(h >> 32) | 1;
}

/* The number just read ends: learn its step under both keys. */
static void learn(seq *s) {
    for (int i = 0; i < 2; i++) {
        slot *e = &s->t[s->key[i] & (SLOTS - 1)];
        if (e->tag != s->key[i]) {
            memset(e, 0, sizeof *e);
            e->tag = s->key[i];
        } else {
            int64_t d = s->num - e->last;
            if (d == e->step)
                e->conf += e->conf < 3;
            else if (e->conf)
                e->conf--;
            else
                e->step = d;
        }
        e->pres += e->pres < 3;
        e->last = s->num;
        e->width = (uint8_t)s->nd;
        e->pad = s->lead0 && s->nd > 1;
    }
}

/* A number may start after this byte: propose it from the fine key, else
 * from the coarse one. */
static void predict(seq *s) {
    slot *e = NULL;
    uint8_t tmp[24];
    int n = 0;
    s->rlen = 0;
    for (int i = 0; i < 2; i++) {
        uint32_t k = key_of(s, i);
        slot *x = &s->t[k & (SLOTS - 1)];
        s->at[i] = x->tag == k ? x : NULL;
        if (!e && s->at[i] && x->conf && x->pres) e = x;
    }
    int64_t v = e ? e->last + e->step : -1;
    if (v < 0) return;
    do {
        tmp[n++] = (uint8_t)('0' + v % 10);
        v /= 10;
    } while (v);
    while (e->pad && n < e->width)
        tmp[n++] = '0';
    while (n)
        s->res[s->rlen++] = tmp[--n];
    s->rpos = 0;
    s->conf = (e->conf > 2) + (e->step == 0) * 2 + (e->pres > 2) * 4;
}

static void seq_observe(void *state, int b) {
    seq *s = state;
    int digit = b >= '0' && b <= '9';
    if (s->rpos < s->rlen && b != s->res[s->rpos++]) s->rlen = 0;
    for (int i = 0; i < 2; i++) {
        if (s->at[i] && !digit && s->at[i]->pres) s->at[i]->pres--;
        s->at[i] = NULL;
    }
    if (digit) {
        if (!s->nd) {
            s->key[0] = key_of(s, 0);
            s->key[1] = key_of(s, 1);
            s->num = 0;
            s->lead0 = b == '0';
        }
        if (s->nd < DIGITS) s->num = s->num * 10 + (b - '0');
        s->nd += s->nd < 1000;
        return;
    }
    if (s->nd) {
        if (s->nd <= DIGITS) learn(s);
        s->nd = 0;
        s->field++;
        s->ctx = 0;
    }
    if (b == '\n') s->field = 0, s->ctx = 0;
    s->ctx = (s->ctx << 8 | (uint8_t)b) & ((1ull << (8 * CTX)) - 1);
    predict(s);
}

static void seq_propose(void *state, mdlz_tool_proposal *out) {
    const seq *s = state;
    if (s->rpos >= s->rlen) return;
    out->len = (uint32_t)(s->rlen - s->rpos);
    memcpy(out->bytes, s->res + s->rpos, out->len);
    out->confidence = (uint32_t)(s->conf + (s->rpos > 0) * 8);
}

static int seq_create(const mdlz_tool_host *host, void **state) {
    seq *s = host->alloc(host->ctx, sizeof *s);
    if (!s) return -1;
    s->host = host;
    s->ctx = '\n';
    *state = s;
    return 0;
}

static void seq_destroy(void *state) {
    seq *s = state;
    if (s) s->host->free(s->host->ctx, s);
}

const mdlz_tool tool_seq = {
    MDLZ_TOOL_ABI_VERSION,
    sizeof(mdlz_tool),
    "seq",
    1,
    MDLZ_TOOL_CODE_BYTES,
    MDLZ_TOOL_CODE_HASH,
    "sequences: the next line id, counter, year or date field",
    seq_create,
    seq_destroy,
    seq_observe,
    seq_propose,
};
