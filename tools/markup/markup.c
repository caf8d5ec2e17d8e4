/*
 * markup.c - the markup tool: predicts the structure of XML and JSON.
 *
 * XML: a stack of open element names (start tags push, "/>" and end tags
 * pop, down to the name an end tag gives); after "</" it proposes the
 * innermost name and '>' (class 12).
 * Both: a successor table remembers, for each token of structure in its
 * context, the token that followed the previous one there, and proposes
 * it (classes 0/2/4 for names, 8/10/14 for values, by how often it was
 * right before):
 *   XML: after '<', the tag (name or "/name>") by parent and previous
 *   sibling; after a tag's name or an attribute value, what runs to the
 *   next '"' or '>' (the next attribute's name) by element and previous
 *   attribute; an attribute's value by element, attribute and its last
 *   value (xml:lang="de" after "da" as before).
 *   JSON: an object's key by depth and previous key; a string value by
 *   its key and that key's last value.
 * JSON: a stack of open '{' '[' with the indentation of the line that
 * opened them; once a bracket's items have ended lines with ',', after a
 * line ending without one it proposes the indentation and the closer
 * (class 6). Every class is +1 once the first proposed byte has matched.
 */
#include <stdint.h>
#include <string.h>

#include "mdlz_tool.h"
#include "markup_codesize.h"

#define DEPTH 32 /* open elements and brackets remembered */
#define NAME 32  /* longest element name + 1 */
#define SLOTS (1 << 14)
#define TOK 40 /* longest token remembered */

enum { TEXT, LT, NAMING, TAG, CLOSING, SKIP };

typedef struct { /* a successor: the token after `check` */
    uint32_t check;
    uint8_t cnt, len, s[TOK];
} succ;

typedef struct { /* a token being read */
    uint32_t slot, h, kind;
    int len, on;
    uint8_t b[TOK];
} coll;

typedef struct {
    const mdlz_tool_host *host;
    /* XML */
    int mode, quote, slash, depth, tp, xl;
    uint8_t name[DEPTH][NAME]; /* open elements, NUL-terminated */
    uint32_t pk[DEPTH];        /* their last child tag */
    uint8_t cname[NAME];       /* end tag being read */
    int clen;
    uint32_t an, vk; /* attribute name, its context */
    coll tag, att, val;
    /* JSON */
    int jdepth, instr, esc, last, lead, jval;
    uint8_t closer[DEPTH], commas[DEPTH];
    uint32_t indent[DEPTH], jkey[DEPTH], ind, column, key, jk;
    uint8_t ws;
    coll js;
    /* the proposal being matched */
    uint8_t res[TOK + DEPTH + 8];
    int rlen, rpos, conf;
    uint32_t lastv[SLOTS]; /* a context's last value */
    succ tab[SLOTS];
} markup;

static int namec(int b) {
    return ((b | 32) >= 'a' && (b | 32) <= 'z') || (b >= '0' && b <= '9') ||
           b == ':' || b == '-' || b == '_' || b == '.' || b >= 0x80;
}

static uint32_t hb(uint32_t h, uint32_t b) { return (h ^ b) * 0x01000193u; }

static void propose(markup *m, const uint8_t *s, int n, int conf) {
    memcpy(m->res, s, (size_t)n);
    m->rlen = n;
    m->rpos = 0;
    m->conf = conf;
}

/* Starts reading a token in context ctx after prev; proposes what
 * followed prev there before. kind: 0 names, 8 values. */
static void start(markup *m, coll *c, uint32_t ctx, uint32_t prev, int kind) {
    uint32_t h = hb(hb(ctx, prev), prev >> 16) | 1;
    succ *e = &m->tab[h % SLOTS];
    c->slot = h;
    c->h = 7;
    c->len = 0;
    c->on = 1;
    c->kind = (uint32_t)kind;
    if (e->check == h) propose(m, e->s, e->len, kind + 2 * e->cnt + (e->cnt > 1 && kind ? 2 : 0));
}

static void add(coll *c, int b) {
    c->h = hb(c->h, (uint32_t)b);
    if (c->len < TOK) c->b[c->len] = (uint8_t)b;
    c->len++;
}

/* Ends the token: remembers it as the successor; returns its hash. */
static uint32_t finish(markup *m, coll *c) {
    succ *e = &m->tab[c->slot % SLOTS];
    c->on = 0;
    if (c->len > TOK) return c->h;
    if (e->check == c->slot && e->len == c->len &&
        !memcmp(e->s, c->b, (size_t)c->len)) {
        if (e->cnt < 2) e->cnt++;
    } else {
        e->check = c->slot;
        e->cnt = 0;
        e->len = (uint8_t)c->len;
        memcpy(e->s, c->b, (size_t)c->len);
    }
    return c->h;
}

static uint32_t hname(markup *m, int i) {
    uint32_t h = 3;
    if (i >= 0 && i < DEPTH)
        for (const uint8_t *p = m->name[i]; *p; p++)
            h = hb(h, *p);
    return h;
}

static void xml(markup *m, int b) {
    int top = m->depth - 1;
    if (m->tag.on) {
        add(&m->tag, b);
        if (m->tag.len > 1 && !namec(b)) {
            uint32_t h = finish(m, &m->tag);
            if (m->tp < DEPTH) m->pk[m->tp] = h;
        }
    }
    if (m->att.on && !m->quote) {
        add(&m->att, b);
        if (b == '"' || b == '>') finish(m, &m->att);
    }
    switch (m->mode) {
    case TEXT:
        if (b == '<') {
            m->mode = LT;
            m->tp = top < 0 ? DEPTH : top;
            start(m, &m->tag, hname(m, top), top < DEPTH && top >= 0 ? m->pk[top] : 0, 0);
        }
        break;
    case LT:
        m->mode = TEXT;
        if (b == '/') {
            m->mode = CLOSING;
            m->clen = 0;
            if (top >= 0 && top < DEPTH) {
                int k = (int)strlen((char *)m->name[top]);
                propose(m, m->name[top], k, 12);
                m->res[k] = '>';
                m->rlen++;
            }
        } else if (b == '!' || b == '?')
            m->mode = SKIP;
        else if (((b | 32) >= 'a' && (b | 32) <= 'z') || b == '_') {
            if (m->depth < 1 << 20 && ++m->depth <= DEPTH) {
                m->name[top + 1][0] = (uint8_t)b;
                m->name[top + 1][1] = 0;
                m->pk[top + 1] = 0;
            }
            m->mode = NAMING;
            m->quote = m->slash = 0;
        }
        break;
    case NAMING:
        if (namec(b)) {
            if (m->depth <= DEPTH) {
                uint8_t *p = m->name[top];
                size_t n = strlen((char *)p);
                if (n + 1 < NAME) p[n] = (uint8_t)b, p[n + 1] = 0;
            }
            break;
        }
        m->mode = TAG;
        m->an = 0;
        if (b == ' ') start(m, &m->att, ~hname(m, top), 0, 0);
        /* fall through */
    case TAG:
        if (m->quote) {
            add(&m->val, b);
            if (b == m->quote) {
                m->quote = 0;
                m->lastv[m->vk % SLOTS] = finish(m, &m->val);
                start(m, &m->att, ~hname(m, top), m->an, 0);
            }
            break;
        }
        if (b == '"' || b == '\'') {
            m->quote = b;
            m->vk = hb(hname(m, top), m->an);
            start(m, &m->val, m->vk, m->lastv[m->vk % SLOTS], 8);
            break;
        }
        if (namec(b)) m->an = hb(namec(m->xl) ? m->an : 5, (uint32_t)b);
        if (b == '>') {
            m->mode = TEXT;
            if (m->slash) m->depth--;
        }
        m->slash = b == '/';
        m->xl = b;
        break;
    case CLOSING:
        if (b != '>') {
            if (m->clen + 1 < NAME) m->cname[m->clen++] = (uint8_t)b;
            break;
        }
        m->cname[m->clen] = 0;
        m->mode = TEXT;
        for (int i = top < DEPTH ? top : DEPTH - 1; i >= 0; i--)
            if (!strcmp((char *)m->name[i], (char *)m->cname)) {
                m->depth = i;
                break;
            }
        if (m->depth > DEPTH) m->depth--;
        break;
    default: /* SKIP */
        if (b == '>') m->mode = TEXT;
    }
}

static void json(markup *m, int b) {
    int top = m->jdepth - 1, in = top >= 0 && top < DEPTH;
    if (m->instr) {
        add(&m->js, b);
        if (m->esc)
            m->esc = 0;
        else if (b == '\\')
            m->esc = 1;
        else if (b == '"' || b == '\n') {
            m->instr = 0;
            uint32_t h = finish(m, &m->js);
            if (m->jval)
                m->lastv[m->jk % SLOTS] = h;
            else if (in)
                m->jkey[top] = m->key = h;
        }
        return;
    }
    if (b == '\n') {
        if (in) {
            if (m->last == ',') m->commas[top] = 1;
            if (m->commas[top] && m->last && !strchr(",[{:", m->last) &&
                m->ind > m->indent[top] && m->indent[top] < TOK) {
                memset(m->res, m->ws, m->indent[top]);
                m->res[m->indent[top]] = m->closer[top];
                m->rlen = (int)m->indent[top] + 1;
                m->rpos = 0;
                m->conf = 6;
            }
        }
        return;
    }
    if (b == ' ' || b == '\t' || b == '\r') return;
    if (b == '"') {
        m->instr = 1;
        m->jval = m->last == ':' || (in && m->closer[top] == ']');
        m->jk = hb(m->key, (uint32_t)m->jval);
        if (m->jval)
            start(m, &m->js, m->jk, m->lastv[m->jk % SLOTS], 8);
        else if (in && strchr("{,", m->last))
            start(m, &m->js, (uint32_t)top, m->jkey[top], 0);
        else
            m->js.on = 0, m->js.len = TOK + 1;
    } else if (b == '{' || b == '[') {
        if (m->jdepth < 1 << 20 && ++m->jdepth <= DEPTH) {
            m->closer[top + 1] = (uint8_t)(b + 2); /* } ] */
            m->commas[top + 1] = 0;
            m->indent[top + 1] = m->ind;
            m->jkey[top + 1] = 0;
        }
    } else if ((b == '}' || b == ']') && m->jdepth > 0)
        m->jdepth--;
    m->last = b;
}

static void markup_observe(void *state, int b) {
    markup *m = state;
    if (m->rpos < m->rlen) {
        if (b == m->res[m->rpos])
            m->rpos++;
        else
            m->rlen = 0;
    }
    json(m, b); /* sees the indentation of the line that b ends */
    m->column++;
    if (b == '\n') m->column = 0, m->ind = 0, m->lead = 1;
    if (m->lead && (b == ' ' || b == '\t'))
        m->ind++, m->ws = (uint8_t)b;
    else if (b != '\n')
        m->lead = 0;
    xml(m, b);
}

static void markup_propose(void *state, mdlz_tool_proposal *out) {
    const markup *m = state;
    if (m->rpos >= m->rlen) return;
    out->len = (uint32_t)(m->rlen - m->rpos);
    if (out->len > MDLZ_TOOL_MAX_PROPOSAL) out->len = MDLZ_TOOL_MAX_PROPOSAL;
    memcpy(out->bytes, m->res + m->rpos, out->len);
    out->confidence = (uint32_t)(m->conf + (m->rpos > 0));
}

static int markup_create(const mdlz_tool_host *host, void **state) {
    markup *m = host->alloc(host->ctx, sizeof *m);
    if (!m) return -1;
    m->host = host;
    m->ws = ' ';
    *state = m;
    return 0;
}

static void markup_destroy(void *state) {
    markup *m = state;
    if (m) m->host->free(m->host->ctx, m);
}

const mdlz_tool tool_markup = {
    MDLZ_TOOL_ABI_VERSION,
    sizeof(mdlz_tool),
    "markup",
    2,
    MDLZ_TOOL_CODE_BYTES,
    MDLZ_TOOL_CODE_HASH,
    "markup: closes XML elements and JSON brackets; predicts tags, keys, "
    "attributes and values from what followed before",
    markup_create,
    markup_destroy,
    markup_observe,
    markup_propose,
};
