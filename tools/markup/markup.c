/*
 * markup.c - the markup tool: closes what was opened.
 *
 * XML/HTML: a stack of open element names (start tags push, "/>" and end
 * tags pop; an end tag pops down to its name; comments, <!...> and <?...?>
 * are skipped). After "</" it proposes the innermost name and '>'
 * (class 12); after a '<' in the column where the innermost element's
 * start tag began, once that element has child elements (pretty-printed
 * XML), it proposes "/name>" (class 10), and after a '<' inside an element
 * with text but no child yet (<name>text</name>), also (class 8).
 * JSON: a stack of open '{' '[' with the indentation of the line that
 * opened them. Once a bracket's items have ended lines with ',', a line
 * that ends without one must be followed by the closer: after its newline
 * the tool proposes the opener's indentation and the closer (class 6).
 * Every class is +1 once the first proposed byte has matched.
 */
#include <stdint.h>
#include <string.h>

#include "mdlz_tool.h"
#include "markup_codesize.h"

#define DEPTH 32 /* open elements and brackets remembered */
#define NAME 32  /* longest element name + 1 */

enum { TEXT, LT, NAMING, TAG, CLOSING, SKIP };

typedef struct {
    const mdlz_tool_host *host;
    /* XML */
    int mode, quote, slash, depth;
    uint8_t name[DEPTH][NAME]; /* open elements, NUL-terminated */
    uint32_t col[DEPTH];       /* column of their '<' */
    uint8_t kids[DEPTH]; /* child elements: 1, indented 3; text: 2 */
    uint8_t cname[NAME];       /* end tag being read */
    int clen;
    /* JSON */
    int jdepth, instr, esc, last, lead;
    uint8_t closer[DEPTH], commas[DEPTH];
    uint32_t indent[DEPTH], ind, column;
    uint8_t ws;
    /* the proposal being matched */
    uint8_t res[NAME + DEPTH + 8];
    int rlen, rpos, conf;
} markup;

static int namec(int b) {
    return ((b | 32) >= 'a' && (b | 32) <= 'z') || (b >= '0' && b <= '9') ||
           b == ':' || b == '-' || b == '_' || b == '.' || b >= 0x80;
}

/* Proposes `pre` and the innermost element's name, then '>'. */
static void close_tag(markup *m, const char *pre, int conf) {
    if (m->depth < 1 || m->depth > DEPTH) return;
    int n = (int)strlen(pre), k = (int)strlen((char *)m->name[m->depth - 1]);
    memcpy(m->res, pre, (size_t)n);
    memcpy(m->res + n, m->name[m->depth - 1], (size_t)k);
    m->res[n + k] = '>';
    m->rlen = n + k + 1;
    m->rpos = 0;
    m->conf = conf;
}

static void xml(markup *m, int b) {
    int top = m->depth - 1;
    switch (m->mode) {
    case TEXT:
        if (b == '<') {
            m->mode = LT;
            if (top < 0 || top >= DEPTH) break;
            if (m->kids[top] == 3 && m->col[top] == m->column)
                close_tag(m, "/", 10);
            else if (m->kids[top] == 2)
                close_tag(m, "/", 8);
        } else if (b > ' ' && top >= 0 && top < DEPTH && !m->kids[top])
            m->kids[top] = 2;
        break;
    case LT:
        m->mode = TEXT;
        if (b == '/') {
            m->mode = CLOSING;
            m->clen = 0;
            close_tag(m, "", 12);
        } else if (b == '!' || b == '?')
            m->mode = SKIP;
        else if (((b | 32) >= 'a' && (b | 32) <= 'z') || b == '_') {
            if (top >= 0 && top < DEPTH)
                m->kids[top] = m->column - 1 > m->col[top] ? 3 : 1;
            if (m->depth < 1 << 20 && ++m->depth <= DEPTH) {
                m->name[top + 1][0] = (uint8_t)b;
                m->name[top + 1][1] = 0;
                m->col[top + 1] = m->column - 1;
                m->kids[top + 1] = 0;
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
        /* fall through */
    case TAG:
        if (b == '"') m->quote ^= 1;
        if (m->quote) break;
        if (b == '>') {
            m->mode = TEXT;
            if (m->slash) m->depth--;
        }
        m->slash = b == '/';
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
    int top = m->jdepth - 1;
    if (m->instr) {
        if (m->esc)
            m->esc = 0;
        else if (b == '\\')
            m->esc = 1;
        else if (b == '"' || b == '\n')
            m->instr = 0;
        return;
    }
    if (b == '\n') {
        if (top >= 0 && top < DEPTH) {
            if (m->last == ',') m->commas[top] = 1;
            if (m->commas[top] && m->last && !strchr(",[{:", m->last) &&
                m->ind > m->indent[top] &&
                m->indent[top] + 1 < sizeof m->res) {
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
    m->last = b;
    if (b == '"')
        m->instr = 1;
    else if (b == '{' || b == '[') {
        if (m->jdepth < 1 << 20 && ++m->jdepth <= DEPTH) {
            m->closer[top + 1] = (uint8_t)(b + 2); /* } ] */
            m->commas[top + 1] = 0;
            m->indent[top + 1] = m->ind;
        }
    } else if ((b == '}' || b == ']') && m->jdepth > 0)
        m->jdepth--;
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
    1,
    MDLZ_TOOL_CODE_BYTES,
    MDLZ_TOOL_CODE_HASH,
    "markup: closes the innermost XML element, JSON object or array",
    markup_create,
    markup_destroy,
    markup_observe,
    markup_propose,
};
