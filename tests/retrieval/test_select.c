/*
 * test_select.c - ret_index_select() (retrieval/select.c) and the query
 * tokenizer (retrieval/terms.c): relevance on a generated collection, and
 * determinism (the same result twice, on a read-only handle, on an index
 * rebuilt from the same documents), exclusions, document and byte limits,
 * degenerate inputs, a 1 MiB text.
 *
 * Usage: test_select [TMPDIR]. Prints "ok - ..." / "not ok - ..." per case
 * and "N passed, M failed".
 */
#include "rettest.h"
#include "terms.h"

/* ---- tokenizer ------------------------------------------------------------------ */

static void test_tokens(void) {
    const char *text = "Don\xe2\x80\x99t stop\xe2\x80\x94the \xe2\x80\x9cQuick\xe2"
                       "\x80\x9d fox, na\xc3\xafve\xc2\xa0x2 \xc2\xb5m";
    const char *want[] = {"don", "t", "stop", "the", "quick", "fox",
                          "na\xc3\xafve", "x2", "\xc2\xb5m"};
    ret_tokenizer t;
    size_t s, n, k = 0;
    int ok = 1;
    ret_tok_init(&t, (const uint8_t *)text, strlen(text));
    while (ret_tok_next(&t, &s, &n)) {
        char w[64];
        for (size_t i = 0; i < n && i < 63; i++)
            w[i] = (char)ret_lower((uint8_t)text[s + i]);
        w[n < 63 ? n : 63] = 0;
        if (k >= sizeof want / sizeof want[0] || strcmp(w, want[k])) ok = 0;
        k++;
    }
    check(ok && k == sizeof want / sizeof want[0],
          "tokenizer: ASCII alnum runs, lowercased; Unicode punctuation "
          "separates; other UTF-8 is kept");
}

/* Every token of ours in an ASCII-and-punctuation text is a term of the
 * FTS5 (unicode61) index of that text: the two tokenizers agree. */
static void test_tokens_agree(void) {
    const char *text =
        "It\xe2\x80\x99s 3.14 \xe2\x80\x94 the \xe2\x80\x9c" "FTS5\xe2\x80\x9d "
        "tokenizer\xe2\x80\xa6 e-mail: a_b@c.org; x86_64 (C++) \xc2\xab"
        "quoted\xc2\xbb \xc2\xa9 2024 \xe2\x80\xa2 item\xc2\xa0two 5\xc3\x97" "7 "
        "tab\there\r\nCamelCase ALLCAPS \xef\xbb\xbf" "bom \xe3\x80\x80wide";
    ret_index *ix = open_new("agree.db");
    add_text(ix, "t", text, NULL);
    ret_index_close(ix);
    char path[600];
    sqlite3 *db;
    sqlite3_stmt *st;
    tmp_path(path, sizeof path, "agree.db");
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.v USING "
                     "fts5vocab(main, 'documents_fts', 'row')", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "SELECT doc FROM temp.v WHERE term = ?1", -1, &st,
                       NULL);
    ret_tokenizer t;
    size_t s, n, k = 0, found = 0;
    char missing[200] = "";
    ret_tok_init(&t, (const uint8_t *)text, strlen(text));
    while (ret_tok_next(&t, &s, &n)) {
        char w[64];
        for (size_t i = 0; i < n && i < 63; i++)
            w[i] = (char)ret_lower((uint8_t)text[s + i]);
        w[n < 63 ? n : 63] = 0;
        sqlite3_bind_text(st, 1, w, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW)
            found++;
        else if (strlen(missing) + strlen(w) + 2 < sizeof missing)
            strcat(strcat(missing, " "), w);
        sqlite3_reset(st);
        k++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    check(k == 28 && found == k,
          "tokenizer: agrees with unicode61 (%zu of %zu tokens indexed;%s)",
          found, k, missing);
}

/* ---- select ------------------------------------------------------------------------ */

/* Topic vocabularies: each document mixes common words with one topic. */
static const char *const topics[] = {
    "ocean wave tide coral reef fish whale salt current shore",
    "engine piston cylinder fuel spark torque gear crankshaft exhaust valve",
    "violin cello orchestra symphony melody harmony conductor rhythm tempo",
    "volcano lava magma eruption crater ash basalt tectonic plate",
    "compiler parser token grammar syntax lexer bytecode register linker",
};
static const char *const common =
    "the of and to in is that it was for on are as with his they at be";

static char *make_doc(int i, size_t words) {
    rng r;
    rng_seed(&r, 1000 + (uint64_t)i);
    const char *topic = topics[i % 5];
    char *doc = xmalloc(words * 16 + 64), *p = doc;
    p += sprintf(p, "document %d ", i);
    for (size_t w = 0; w < words; w++) {
        const char *src = rng_below(&r, 3) ? common : topic;
        int nth = (int)rng_below(&r, 9), at = 0;
        const char *q = src;
        while (at < nth && (q = strchr(q, ' '))) q++, at++;
        if (!q) q = src;
        size_t len = strcspn(q, " ");
        memcpy(p, q, len);
        p += len;
        *p++ = w % 12 == 11 ? '\n' : ' ';
    }
    *p = 0;
    return doc;
}

static int build_select_index(const char *name, ret_index **out) {
    *out = open_new(name);
    ret_index_begin(*out);
    for (int i = 0; i < 40; i++) {
        char *doc = make_doc(i, 50 + (size_t)(i * 7) % 90);
        char nm[32];
        snprintf(nm, sizeof nm, "doc%02d", i);
        if (add_text(*out, nm, doc, NULL) < 0) return -1;
        free(doc);
    }
    return ret_index_commit(*out);
}

static int same_refs(const ret_docref *a, int na, const ret_docref *b, int nb) {
    if (na != nb) return 0;
    for (int i = 0; i < na; i++)
        if (a[i].id != b[i].id || a[i].hash != b[i].hash ||
            a[i].size != b[i].size)
            return 0;
    return 1;
}

static void test_select(void) {
    ret_index *ix, *ix2, *ro;
    check(build_select_index("sel.db", &ix) == 0, "select: index built");
    const char *q = "The volcano erupted: lava and magma, ash from the crater; "
                    "basalt lava flows. A volcano!";
    const uint8_t *t = (const uint8_t *)q;
    size_t tl = strlen(q);
    ret_docref r1[10], r2[10], r3[10];
    int n1 = ret_index_select(ix, t, tl, 8, 10, UINT64_MAX, NULL, 0, r1);
    int n2 = ret_index_select(ix, t, tl, 8, 10, UINT64_MAX, NULL, 0, r2);
    check(n1 == 10, "select: 10 documents (got %d)", n1);
    check(same_refs(r1, n1, r2, n2), "select: same result twice");
    int topical = 1;
    for (int i = 0; i < n1 && i < 8; i++) topical &= (r1[i].id - 1) % 5 == 3;
    check(topical, "select: the volcano documents rank first");
    uint8_t *body;
    size_t len;
    int hashes_ok = 1;
    for (int i = 0; i < n1; i++) {
        if (ret_index_get(ix, r1[i].id, r1[i].hash, &body, &len, NULL, 0) ||
            len != r1[i].size)
            hashes_ok = 0;
        free(body);
    }
    check(hashes_ok, "select: refs carry each document's hash and size");

    /* a read-only handle and an index rebuilt from the same documents */
    char path[600], err[512];
    tmp_path(path, sizeof path, "sel.db");
    check(ret_index_open(&ro, path, RET_READ, err, sizeof err) == 0,
          "select: read-only open");
    n2 = ret_index_select(ro, t, tl, 8, 10, UINT64_MAX, NULL, 0, r2);
    check(same_refs(r1, n1, r2, n2), "select: same on a read-only handle");
    ret_index_close(ro);
    check(build_select_index("sel2.db", &ix2) == 0 &&
              fingerprint(ix2) == fingerprint(ix),
          "select: rebuilt index has the same fingerprint");
    n2 = ret_index_select(ix2, t, tl, 8, 10, UINT64_MAX, NULL, 0, r2);
    check(same_refs(r1, n1, r2, n2), "select: same on the rebuilt index");
    ret_index_close(ix2);

    /* exclusions: the rest keep their order */
    int64_t ex[3] = {r1[2].id, r1[0].id, 9999};
    int n3 = ret_index_select(ix, t, tl, 8, 8, UINT64_MAX, ex, 3, r3);
    int ok = n3 == 8;
    for (int i = 0, j = 0; ok && i < n3; i++, j++) {
        while (r1[j].id == ex[0] || r1[j].id == ex[1]) j++;
        ok = r3[i].id == r1[j].id;
    }
    check(ok, "select: excluded documents skipped, order kept");

    /* limits */
    n3 = ret_index_select(ix, t, tl, 8, 3, UINT64_MAX, NULL, 0, r3);
    check(n3 == 3 && same_refs(r1, 3, r3, 3), "select: max_docs");
    uint64_t budget = r1[0].size + r1[1].size + r1[2].size / 2;
    n3 = ret_index_select(ix, t, tl, 8, 10, budget, NULL, 0, r3);
    uint64_t sum = 0;
    for (int i = 0; i < n3; i++) sum += r3[i].size;
    check(n3 >= 2 && sum <= budget && r3[0].id == r1[0].id &&
              r3[1].id == r1[1].id,
          "select: max_bytes (%d documents, %llu <= %llu bytes)", n3,
          (unsigned long long)sum, (unsigned long long)budget);
    check(ret_index_select(ix, t, tl, 8, 10, 10, NULL, 0, r3) == 0,
          "select: a budget smaller than every document selects none");
    n3 = ret_index_select(ix, t, tl, 1 << 30, 10, UINT64_MAX, NULL, 0, r3);
    check(n3 == 10, "select: max_terms larger than the text's terms");
    n3 = ret_index_select(ix, t, tl, 1, 10, UINT64_MAX, NULL, 0, r3);
    check(n3 > 0, "select: max_terms 1");
    check(ret_index_select(ix, t, 0, 8, 10, UINT64_MAX, NULL, 0, r3) == 0,
          "select: empty text selects none");
    const char *unknown = "zzzq xxyyq qqqw";
    check(ret_index_select(ix, (const uint8_t *)unknown, strlen(unknown), 8,
                           10, UINT64_MAX, NULL, 0, r3) == 0,
          "select: words not in the index select none");
    check(ret_index_select(ix, t, tl, 0, 10, UINT64_MAX, NULL, 0, r3) == 0 &&
              ret_index_select(ix, t, tl, 8, 0, UINT64_MAX, NULL, 0, r3) == 0,
          "select: max_terms or max_docs 0 selects none");

    /* a long text: many distinct words, still deterministic */
    size_t big = 1 << 20;
    uint8_t *words = make_words(big, 7);
    memcpy(words, q, tl);
    double t0 = now_seconds();
    n1 = ret_index_select(ix, words, big, 32, 10, UINT64_MAX, NULL, 0, r1);
    double dt = now_seconds() - t0;
    n2 = ret_index_select(ix, words, big, 32, 10, UINT64_MAX, NULL, 0, r2);
    check(n1 >= 0 && same_refs(r1, n1, r2, n2),
          "select: 1 MiB text, deterministic (%d docs, %.3f s)", n1, dt);
    free(words);

    /* changing the index changes the selection's basis (fingerprint) */
    uint64_t fp = fingerprint(ix);
    int removed;
    ret_index_remove(ix, r2[0].id, NULL, &removed);
    check(fingerprint(ix) != fp, "select: rm changes the fingerprint");
    ret_index_close(ix);
}

int main(int argc, char **argv) {
    if (tmp_setup(argc > 1 ? argv[1] : NULL)) return 99;
    test_tokens();
    test_tokens_agree();
    test_select();
    tmp_cleanup();
    return check_finish();
}
