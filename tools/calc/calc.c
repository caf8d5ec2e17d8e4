/*
 * calc.c - the calculator tool (docs/tools.md). It proposes:
 * - on '=', the value of the expression ending there (numbers with
 *   separators and decimals, + - * / x × ÷ and parentheses), exact on
 *   64-bit rationals (overflow: nothing), written like its operands;
 *   results that do not terminate rounded to 2 decimals, in a lower class;
 * - on ':' within 48 bytes after an expression closing a string, its
 *   value (SVAMP's "Equation" then "Answer");
 * - in a number being written, the rest of the latest of the last 64
 *   numbers that begins so: the operands of a solution repeat the numbers
 *   of its problem, a table's, a question's, which the model's contexts
 *   miss (they follow other text each time).
 * Classes: 0-7 numbers by digits written and whether only one fits;
 * 10 ':', 12 '=' rounded, 14 '='; +1 past the first byte.
 */
#include <stdint.h>
#include <string.h>

#include "mdlz_tool.h"
#include "calc_codesize.h"

#define LINE 96 /* bytes of the line kept */
#define OUT 48  /* longest result */
#define NUMS 64 /* numbers remembered */

typedef struct {
    int64_t n, d; /* d > 0 */
} rat;

typedef struct {
    const uint8_t *p, *e;
    int ops, dec, sep, bad, muldiv;
} parser;

typedef struct {
    const mdlz_tool_host *host;
    uint8_t line[LINE], res[2 * OUT + 2], val[OUT], num[NUMS][16], tok[16];
    int n, rlen, rpos, wait, sp, conf; /* res: the proposal */
    int vlen, hold, eqsp, tlen;        /* val: a closed expression */
} calc;

static int64_t mul(parser *ps, int64_t a, int64_t b) {
    int64_t r;
    ps->bad |= __builtin_mul_overflow(a, b, &r);
    return r;
}

static rat reduce(rat v) {
    int64_t a = v.n < 0 ? -v.n : v.n, b = v.d, t;
    while (b)
        t = a % b, a = b, b = t;
    if (a > 1) v.n /= a, v.d /= a;
    return v;
}

static int peek(const parser *ps, int i) {
    return ps->p + i < ps->e ? ps->p[i] : 0;
}

static int dig(int c) { return c >= '0' && c <= '9'; }

static int wordc(int c) {
    return dig(c) || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '.' ||
           c >= 0x80;
}

static int skip(parser *ps) {
    while (peek(ps, 0) == ' ')
        ps->p++;
    return peek(ps, 0);
}

static rat expr(parser *ps, int lvl);

/* (expr) or a number: 1234, 1,234,567, 3.25 */
static rat factor(parser *ps) {
    rat v = {0, 1};
    int nd = 0, dec = -1;
    if (skip(ps) == '(') {
        ps->p++;
        v = expr(ps, 0);
        ps->bad |= skip(ps) != ')';
        ps->p++;
        return v;
    }
    ps->bad |= !dig(peek(ps, 0));
    for (int c; !ps->bad; ps->p++) {
        if (dig(c = peek(ps, 0))) {
            v.n = v.n * 10 + c - '0';
            if (dec >= 0) dec++, v.d *= 10;
            ps->bad |= ++nd > 17;
        } else if (c == ',' && dec < 0 && dig(peek(ps, 1)) &&
                   dig(peek(ps, 2)) && dig(peek(ps, 3)) && !dig(peek(ps, 4)))
            ps->sep = 1;
        else if (c == '.' && dec < 0 && dig(peek(ps, 1)))
            dec = 0;
        else
            break;
    }
    if (dec > ps->dec) ps->dec = dec;
    return reduce(v);
}

/* lvl 0: sums of lvl 1; lvl 1: products of factors */
static rat expr(parser *ps, int lvl) {
    rat v = lvl ? factor(ps) : expr(ps, 1), b;
    for (int op; !ps->bad;) {
        op = skip(ps);
        if (!op || !strchr(lvl ? "*/x" : "+-", op)) break;
        ps->p++;
        ps->ops++;
        ps->muldiv |= lvl;
        b = lvl ? factor(ps) : expr(ps, 1);
        if (op == '/') {
            int64_t t = b.n < 0 ? -b.d : b.d;
            ps->bad |= !b.n;
            b.d = b.n < 0 ? -b.n : b.n;
            b.n = t;
        }
        if (lvl)
            v.n = mul(ps, v.n, b.n);
        else
            ps->bad |= __builtin_add_overflow(
                mul(ps, v.n, b.d), mul(ps, op == '-' ? -b.n : b.n, v.d), &v.n);
        v.d = mul(ps, v.d, b.d);
        if (!ps->bad) v = reduce(v);
    }
    return v;
}

/* v with at least dec decimals, or 2 rounded if it does not terminate
 * within 12; returns the length (0: too long). */
static int format(rat v, int dec, int sep, uint8_t *out, int *exact) {
    uint64_t n = v.n < 0 ? 0 - (uint64_t)v.n : (uint64_t)v.n, d = v.d;
    uint64_t ip = n / d, r = n % d;
    uint8_t fd[16] = {0}, ib[32];
    int k = 0, len = 0, ni = 0, nd;
    if (d > 100000000000000000u) return 0;
    for (; r && k < 14; k++)
        r *= 10, fd[k] = (uint8_t)(r / d), r %= d;
    *exact = k <= 12 && !r;
    nd = *exact ? (k > dec ? k : dec) : 2;
    if (nd > 12) return 0;
    if (!*exact && fd[nd] >= 5) { /* round half up */
        int i = nd;
        while (i > 0 && fd[i - 1] == 9)
            fd[--i] = 0;
        if (i > 0)
            fd[i - 1]++;
        else
            ip++;
    }
    do {
        if (sep && ni % 4 == 3) ib[ni++] = ',';
        ib[ni++] = (uint8_t)('0' + ip % 10);
    } while (ip /= 10);
    if (v.n < 0) out[len++] = '-';
    while (ni)
        out[len++] = ib[--ni];
    if (nd) out[len++] = '.';
    for (int i = 0; i < nd; i++)
        out[len++] = (uint8_t)('0' + fd[i]);
    return len;
}

/* The expression ending the line, evaluated into out; returns the length
 * (0: none). *gsm: it follows GSM8K's "<<". */
static int evaluate(const calc *c, uint8_t *out, int *exact, int *gsm) {
    int s = c->n;
    while (s > 0 && c->line[s - 1] &&
           strchr("0123456789.,+-*/x() ", c->line[s - 1]))
        s--;
    while (s < c->n && c->line[s] == ' ')
        s++;
    if (s < c->n && strchr("+-*/x", c->line[s])) return 0;
    for (; s < c->n; s++) {
        if ((c->line[s] != '(' && !dig(c->line[s])) ||
            (s && wordc(c->line[s - 1])))
            continue;
        parser ps = {c->line + s, c->line + c->n, 0, 0, 0, 0, 0};
        rat v = expr(&ps, 0);
        if (ps.bad || skip(&ps) || !ps.ops) continue;
        *gsm = s >= 2 && c->line[s - 1] == '<' && c->line[s - 2] == '<';
        return format(v, ps.muldiv ? 0 : ps.dec, ps.sep, out, exact);
    }
    return 0;
}

static void arm(calc *c, const uint8_t *r, int len, int conf, int sp) {
    memcpy(c->res, r, (size_t)len);
    c->rlen = len;
    c->rpos = 0;
    c->wait = 3; /* up to 2 spaces or '$' may come first */
    c->conf = conf;
    c->sp = sp;
}

/* The number being written (tlen < 0: glued to a word, skipped); when it
 * ends, it moves to the front of num[]. */
static void number(calc *c, int b, int last) {
    int i = 0;
    if (c->tlen < 0) c->tlen = -wordc(b);
    if (c->tlen < 0) return;
    if (dig(b) || (c->tlen && (b == '.' || b == ','))) {
        if (!c->tlen && wordc(last))
            c->tlen = -1;
        else if (c->tlen < 15)
            c->tok[c->tlen++] = (uint8_t)b;
        return;
    }
    while (c->tlen && !dig(c->tok[c->tlen - 1]))
        c->tlen--;
    c->tok[c->tlen] = 0;
    if (c->tlen && wordc(b)) c->tlen = -1;
    if (c->tlen <= 0) return;
    while (i < NUMS - 1 && strcmp((char *)c->num[i], (char *)c->tok))
        i++;
    memmove(c->num[1], c->num[0], (size_t)i * 16);
    memcpy(c->num[0], c->tok, 16);
    c->tlen = 0;
}

static void calc_observe(void *state, int b) {
    calc *c = state;
    uint8_t r[sizeof c->res], none = 0;
    uint8_t *last = c->n ? &c->line[c->n - 1] : &none;
    int exact = 0, gsm = 0, len;

    if (c->rpos < c->rlen) {
        if (c->wait && !c->rpos && (b == ' ' || b == '$'))
            c->sp = 0, c->wait--;
        else if (b == c->res[c->rpos])
            c->rpos++, c->wait = 0;
        else
            c->rlen = 0;
        if (!c->wait && !c->rpos) c->rlen = 0;
    }
    number(c, b, *last);
    if (c->hold) c->hold--;
    if (*last == '=') c->eqsp = b == ' ';
    if (b == '\n' || (*last == '\\' && b == 'n')) { /* also JSON's "\n" */
        c->n = 0;
        return;
    }
    if (*last == 0xC3 && (b == 0x97 || b == 0xB7)) { /* × ÷ */
        *last = b == 0x97 ? '*' : '/';
        return;
    }
    if (b == '=' && !strchr("<>!=", *last) &&
        (len = evaluate(c, r, &exact, &gsm)) > 0) {
        if (gsm) {
            memcpy(r + len, ">>", 2);
            memcpy(r + len + 2, r, (size_t)len);
            len = 2 * len + 2;
        }
        arm(c, r, len, exact ? 14 : 12, c->eqsp);
    } else if (b == '"' && (len = evaluate(c, c->val, &exact, &gsm)) > 0) {
        c->vlen = len;
        c->hold = 48;
    } else if (b == ':' && c->hold) {
        arm(c, c->val, c->vlen, 10, 1);
        c->hold = 0;
    }
    if (c->n == LINE) { /* keep the last half; 'a' bars a cut number */
        memmove(c->line, c->line + LINE / 2, LINE / 2);
        c->line[0] = 'a';
        c->n = LINE / 2;
    }
    c->line[c->n++] = (uint8_t)b;
}

static void calc_propose(void *state, mdlz_tool_proposal *out) {
    const calc *c = state;
    uint32_t n = 0;
    int f = -1, more = 0, t = c->tlen;
    if (c->rpos < c->rlen) {
        if (c->wait && c->sp) out->bytes[n++] = ' ';
        for (int i = c->rpos; i < c->rlen && n < MDLZ_TOOL_MAX_PROPOSAL; i++)
            out->bytes[n++] = c->res[i];
        out->len = n;
        out->confidence = (uint32_t)(c->conf + (c->rpos || c->wait < 3));
        return;
    }
    for (int i = 0; t > 0 && i < NUMS; i++)
        if (!memcmp(c->num[i], c->tok, (size_t)t) && c->num[i][t])
            more += f >= 0, f = f < 0 ? i : f;
    if (f < 0) return;
    while (c->num[f][t + n])
        out->bytes[n] = c->num[f][t + n], n++;
    out->len = n;
    out->confidence = (uint32_t)((t < 4 ? t - 1 : 3) + 4 * !more);
}

static int calc_create(const mdlz_tool_host *host, void **state) {
    calc *c = host->alloc(host->ctx, sizeof *c);
    if (!c) return -1;
    c->host = host;
    *state = c;
    return 0;
}

static void calc_destroy(void *state) {
    calc *c = state;
    if (c) c->host->free(c->host->ctx, c);
}

const mdlz_tool tool_calc = {
    MDLZ_TOOL_ABI_VERSION, sizeof(mdlz_tool), "calc", 2,
    MDLZ_TOOL_CODE_BYTES,  MDLZ_TOOL_CODE_HASH,
    "arithmetic: the result after '=' (12 * 7 = 84), and numbers seen "
    "before (the operands of a solution)",
    calc_create,           calc_destroy, calc_observe, calc_propose,
};
