/*
 * test_select.c - mdlz_index_select() (retrieval/select.c), the tokenizer
 * (retrieval/terms.c) and the term tables (retrieval/index.c): relevance
 * on a generated collection, the ranking against a brute-force reference
 * of docs/retrieval.md, determinism (the same result twice, on a
 * read-only handle, on an index rebuilt from the same documents, on one
 * built by other sequences of adds and removals), exclusions, document
 * and byte limits, degenerate inputs, a 1 MiB text, and read-only use
 * leaving the file untouched.
 *
 * Usage: test_select [TMPDIR]. Prints "ok - ..." / "not ok - ..." per case
 * and "N passed, M failed".
 */
#include <sys/stat.h>

#include "internal.h" /* ret_terms_verify */
#include "refselect.h"
#include "rettest.h"
#include "terms.h"

/* ---- tokenizer ------------------------------------------------------------------ */

static void test_tokens(void) {
    const char *text =
        "Don\xe2\x80\x99t stop\xe2\x80\x94the \xe2\x80\x9cQuick\xe2"
        "\x80\x9d fox, na\xc3\xafve\xc2\xa0x2 \xc2\xb5m "
        "\xe2\x94\x82"
        "cell\xe2\x94\x82 a\xe2\x86\x92"
        "b "
        "\xe2\x91\xa0x";
    const char *want[] = {
        "don",          "t",  "stop",      "the",  "quick", "fox",
        "na\xc3\xafve", "x2", "\xc2\xb5m", "cell", "a",     "b",
        "\xe2\x91\xa0x"};
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
          "and symbols (box drawing, arrows) separate; other UTF-8 is kept");
}

/* The term counter (ASCII inline) finds the tokens of ret_tok_next() on
 * random mixes of ASCII, separators, other UTF-8 and invalid bytes. */
static void test_counter_matches_tokenizer(void) {
    static const char *const pieces[] = {
        "a",
        "Z",
        "7",
        " ",
        ".",
        "\n",
        "\xe2\x80\x94",
        "\xc3\xaf",
        "\xe2\x94\x82",
        "\xe2\x91\xa0",
        "\xff",
        "\xc3",
        "\xf0\x9f\x98\x80",
        "\xc2\xa0",
        "xyzzy",
        "QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"};
    rng r;
    rng_seed(&r, 42);
    int ok = 1;
    for (int round = 0; round < 200 && ok; round++) {
        char text[4096];
        size_t len = 0;
        while (len < sizeof text - 80) {
            const char *p =
                pieces[rng_below(&r, sizeof pieces / sizeof *pieces)];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        ret_termset a, b;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        ret_termset_add_text(&a, (const uint8_t *)text, len);
        /* the reference: ret_tok_next(), one token at a time */
        ret_tokenizer t;
        size_t st, n, tokens = 0;
        ret_tok_init(&t, (const uint8_t *)text, len);
        while (ret_tok_next(&t, &st, &n)) {
            tokens++;
            if (n > RET_MAX_TERM_LEN) continue;
            char w[RET_MAX_TERM_LEN];
            for (size_t i = 0; i < n; i++)
                w[i] = (char)ret_lower((uint8_t)text[st + i]);
            ret_termset_add_text(&b, (const uint8_t *)w, n); /* one token */
        }
        ok = a.ntokens == tokens && a.n == b.n;
        for (size_t i = 0; ok && i < a.n; i++)
            ok = a.terms[i].len == b.terms[i].len &&
                 a.terms[i].tf == b.terms[i].tf &&
                 !memcmp(a.arena + a.terms[i].off, b.arena + b.terms[i].off,
                         a.terms[i].len);
        ret_termset_free(&a);
        ret_termset_free(&b);
    }
    check(ok, "term counter: the tokens of ret_tok_next(), counted");
}

/* Every token of ours in an ASCII-and-punctuation text is a term of the
 * FTS5 (unicode61) index of that text: the two tokenizers agree. */
static void test_tokens_agree(void) {
    const char *text =
        "It\xe2\x80\x99s 3.14 \xe2\x80\x94 the \xe2\x80\x9c"
        "FTS5\xe2\x80\x9d "
        "tokenizer\xe2\x80\xa6 e-mail: a_b@c.org; x86_64 (C++) \xc2\xab"
        "quoted\xc2\xbb \xc2\xa9 2024 \xe2\x80\xa2 item\xc2\xa0two 5\xc3\x97"
        "7 "
        "tab\there\r\nCamelCase ALLCAPS \xef\xbb\xbf"
        "bom \xe3\x80\x80wide "
        "\xe2\x94\x82"
        "cell\xe2\x94\x82 x\xe2\x86\x92y \xe2\x9f\xa8"
        "angle"
        "\xe2\x9f\xa9";
    mdlz_index *ix = open_new("agree.db");
    add_text(ix, "t", text, NULL);
    mdlz_index_close(ix);
    char path[600];
    sqlite3 *db;
    sqlite3_stmt *st;
    tmp_path(path, sizeof path, "agree.db");
    sqlite3_open(path, &db);
    sqlite3_exec(db,
                 "CREATE VIRTUAL TABLE temp.v USING "
                 "fts5vocab(main, 'documents_fts', 'row')",
                 NULL, NULL, NULL);
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
        if (sqlite3_step(st) == SQLITE_ROW) found++;
        else if (strlen(missing) + strlen(w) + 2 < sizeof missing)
            strcat(strcat(missing, " "), w);
        sqlite3_reset(st);
        k++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    check(k == 32 && found == k,
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

static int build_select_index(const char *name, mdlz_index **out) {
    *out = open_new(name);
    mdlz_index_begin(*out);
    for (int i = 0; i < 40; i++) {
        char *doc = make_doc(i, 50 + (size_t)(i * 7) % 90);
        char nm[32];
        snprintf(nm, sizeof nm, "doc%02d", i);
        if (add_text(*out, nm, doc, NULL) < 0) return -1;
        free(doc);
    }
    return mdlz_index_commit(*out);
}

static int same_refs(const mdlz_index_docref *a, int na,
                     const mdlz_index_docref *b, int nb) {
    if (na != nb) return 0;
    for (int i = 0; i < na; i++)
        if (a[i].id != b[i].id || a[i].hash != b[i].hash ||
            a[i].size != b[i].size)
            return 0;
    return 1;
}

static void test_select(void) {
    mdlz_index *ix, *ix2, *ro;
    check(build_select_index("sel.db", &ix) == 0, "select: index built");
    const char *q = "The volcano erupted: lava and magma, ash from the crater; "
                    "basalt lava flows. A volcano!";
    const uint8_t *t = (const uint8_t *)q;
    size_t tl = strlen(q);
    mdlz_index_docref r1[10], r2[10], r3[10];
    int n1 = mdlz_index_select(ix, -1, t, tl, 8, 10, UINT64_MAX, NULL, 0, r1);
    int n2 = mdlz_index_select(ix, -1, t, tl, 8, 10, UINT64_MAX, NULL, 0, r2);
    check(n1 == 10, "select: 10 documents (got %d)", n1);
    check(same_refs(r1, n1, r2, n2), "select: same result twice");
    int topical = 1;
    for (int i = 0; i < n1 && i < 8; i++) topical &= (r1[i].id - 1) % 5 == 3;
    check(topical, "select: the volcano documents rank first");
    uint8_t *body;
    size_t len;
    int hashes_ok = 1;
    for (int i = 0; i < n1; i++) {
        if (mdlz_index_get(ix, r1[i].id, r1[i].hash, &body, &len, NULL, 0) ||
            len != r1[i].size)
            hashes_ok = 0;
        free(body);
    }
    check(hashes_ok, "select: refs carry each document's hash and size");

    /* a read-only handle and an index rebuilt from the same documents */
    char path[600], err[512];
    tmp_path(path, sizeof path, "sel.db");
    check(mdlz_index_open(&ro, path, MDLZ_INDEX_READ, err, sizeof err) == 0,
          "select: read-only open");
    n2 = mdlz_index_select(ro, -1, t, tl, 8, 10, UINT64_MAX, NULL, 0, r2);
    check(same_refs(r1, n1, r2, n2), "select: same on a read-only handle");
    mdlz_index_close(ro);
    check(build_select_index("sel2.db", &ix2) == 0 &&
              history(ix2) == history(ix),
          "select: rebuilt index has the same history");
    n2 = mdlz_index_select(ix2, -1, t, tl, 8, 10, UINT64_MAX, NULL, 0, r2);
    check(same_refs(r1, n1, r2, n2), "select: same on the rebuilt index");
    mdlz_index_close(ix2);

    /* exclusions: the rest keep their order */
    uint64_t ex[3] = {r1[2].hash, r1[0].hash, 9999};
    int n3 = mdlz_index_select(ix, -1, t, tl, 8, 8, UINT64_MAX, ex, 3, r3);
    int ok = n3 == 8;
    for (int i = 0, j = 0; ok && i < n3; i++, j++) {
        while (r1[j].hash == ex[0] || r1[j].hash == ex[1]) j++;
        ok = r3[i].id == r1[j].id;
    }
    check(ok, "select: excluded documents skipped, order kept");

    /* limits */
    n3 = mdlz_index_select(ix, -1, t, tl, 8, 3, UINT64_MAX, NULL, 0, r3);
    check(n3 == 3 && same_refs(r1, 3, r3, 3), "select: max_docs");
    uint64_t budget = r1[0].size + r1[1].size + r1[2].size / 2;
    n3 = mdlz_index_select(ix, -1, t, tl, 8, 10, budget, NULL, 0, r3);
    uint64_t sum = 0;
    for (int i = 0; i < n3; i++) sum += r3[i].size;
    check(n3 >= 2 && sum <= budget && r3[0].id == r1[0].id &&
              r3[1].id == r1[1].id,
          "select: max_bytes (%d documents, %llu <= %llu bytes)", n3,
          (unsigned long long)sum, (unsigned long long)budget);
    check(mdlz_index_select(ix, -1, t, tl, 8, 10, 10, NULL, 0, r3) == 0,
          "select: a budget smaller than every document selects none");
    n3 = mdlz_index_select(ix, -1, t, tl, 1 << 30, 10, UINT64_MAX, NULL, 0, r3);
    check(n3 == 10, "select: max_terms larger than the text's terms");
    n3 = mdlz_index_select(ix, -1, t, tl, 1, 10, UINT64_MAX, NULL, 0, r3);
    check(n3 > 0, "select: max_terms 1");
    check(mdlz_index_select(ix, -1, t, 0, 8, 10, UINT64_MAX, NULL, 0, r3) == 0,
          "select: empty text selects none");
    const char *unknown = "zzzq xxyyq qqqw";
    check(mdlz_index_select(ix, -1, (const uint8_t *)unknown, strlen(unknown),
                            8, 10, UINT64_MAX, NULL, 0, r3) == 0,
          "select: words not in the index select none");
    check(mdlz_index_select(ix, -1, t, tl, 0, 10, UINT64_MAX, NULL, 0, r3) ==
                  0 &&
              mdlz_index_select(ix, -1, t, tl, 8, 0, UINT64_MAX, NULL, 0, r3) ==
                  0,
          "select: max_terms or max_docs 0 selects none");

    /* a long text: many distinct words, still deterministic */
    size_t big = 1 << 20;
    uint8_t *words = make_words(big, 7);
    memcpy(words, q, tl);
    double t0 = now_seconds();
    n1 = mdlz_index_select(ix, -1, words, big, 32, 10, UINT64_MAX, NULL, 0, r1);
    double dt = now_seconds() - t0;
    n2 = mdlz_index_select(ix, -1, words, big, 32, 10, UINT64_MAX, NULL, 0, r2);
    check(n1 >= 0 && same_refs(r1, n1, r2, n2),
          "select: 1 MiB text, deterministic (%d docs, %.3f s)", n1, dt);
    free(words);

    /* changing the index changes the selection's basis (generation) */
    uint64_t fp = history(ix);
    int removed;
    mdlz_index_remove(ix, r2[0].id, NULL, &removed);
    check(history(ix) != fp, "select: rm changes the history");
    mdlz_index_close(ix);
}

/* ---- the ranking against a brute-force reference (refselect.h) ---------- */

static void test_reference(void) {
    enum { ND = 40 };
    char *docs[ND];
    mdlz_index *ix = open_new("ref.db");
    mdlz_index_begin(ix);
    for (int i = 0; i < ND; i++) {
        docs[i] = make_doc(i, 50 + (size_t)(i * 7) % 90);
        char nm[32];
        snprintf(nm, sizeof nm, "doc%02d", i);
        add_text(ix, nm, docs[i], NULL);
    }
    mdlz_index_commit(ix);
    const char *queries[] = {
        "The volcano erupted: lava and magma, ash from the crater",
        "the orchestra and the conductor; a violin melody in tempo",
        "compiler",
        "the of and",
        "document 17 ocean engine reef gear",
    };
    int ok = 1, ok_ex = 1, n_ex = 0;
    for (size_t qi = 0; qi < sizeof queries / sizeof queries[0]; qi++) {
        for (int mt = 1; mt <= 16; mt *= 4) {
            static const int mds[] = {1, 2, 3, 12, ND};
            for (size_t mi = 0; mi < sizeof mds / sizeof mds[0]; mi++) {
                int md = mds[mi];
                int64_t want[ND];
                mdlz_index_docref got[ND];
                int nw = ref_select(docs, ND, queries[qi], mt, md, want);
                int ng = mdlz_index_select(ix, -1, (const uint8_t *)queries[qi],
                                           strlen(queries[qi]), mt, md,
                                           UINT64_MAX, NULL, 0, got);
                int same = nw == ng;
                for (int i = 0; same && i < nw; i++)
                    same = got[i].id == want[i];
                if (!same) {
                    fprintf(stderr,
                            "query %zu, %d terms, %d documents: "
                            "%d vs %d\n",
                            qi, mt, md, ng, nw);
                    ok = 0;
                }
                if (md != ND || nw < 8) continue;
                /* past the first candidates: exclude all but the last 2 */
                int nx = nw - 2;
                uint64_t wh[ND];
                for (int i = 0; i < nx; i++)
                    wh[i] = XXH3_64bits(docs[want[i] - 1],
                                        strlen(docs[want[i] - 1]));
                ng = mdlz_index_select(ix, -1, (const uint8_t *)queries[qi],
                                       strlen(queries[qi]), mt, 2, UINT64_MAX,
                                       wh, nx, got);
                ok_ex &= ng == 2 && got[0].id == want[nx] &&
                         got[1].id == want[nx + 1];
                n_ex++;
            }
        }
    }
    check(ok, "select: the ranking of the reference computation "
              "(docs/retrieval.md)");
    check(ok_ex && n_ex > 0,
          "select: the next documents after many exclusions (%d cases)", n_ex);
    for (int i = 0; i < ND; i++) free(docs[i]);
    mdlz_index_close(ix);
}

/* ---- term tables under adds and removals ------------------------------ */

/* Selects with a few queries into r[q][0..n[q]). */
static void select_all(mdlz_index *ix, mdlz_index_docref r[4][10], int n[4]) {
    const char *queries[4] = {"volcano lava ash", "piston fuel torque gear",
                              "the of and document", "melody harmony reef"};
    for (int q = 0; q < 4; q++)
        n[q] = mdlz_index_select(ix, -1, (const uint8_t *)queries[q],
                                 strlen(queries[q]), 8, 10, UINT64_MAX, NULL, 0,
                                 r[q]);
}

/* The same documents under the same ids, reached by two sequences: one
 * document per transaction with removals outside transactions, and
 * everything in two transactions (removing a document added in the same
 * transaction, and older ones). */
static void test_incremental(void) {
    mdlz_index *a = open_new("inc_a.db"), *b = open_new("inc_b.db");
    int removed, ok = 1;
    char *doc;
    for (int i = 0; i < 30; i++) {
        doc = make_doc(i, 40 + (size_t)i % 50);
        ok &= add_text(a, "d", doc, NULL) == i + 1;
        free(doc);
    }
    ok &= mdlz_index_remove(a, 3, NULL, &removed) == 0 && removed == 1;
    ok &= mdlz_index_remove(a, 17, NULL, &removed) == 0 && removed == 1;
    for (int i = 30; i < 32; i++) {
        doc = make_doc(i, 60);
        ok &= add_text(a, "d", doc, NULL) == i + 1;
        free(doc);
    }
    ok &= mdlz_index_remove(a, 31, NULL, &removed) == 0 && removed == 1;
    ok &= mdlz_index_remove(a, 5, NULL, &removed) == 0 && removed == 1;
    check(ok && ret_terms_verify(a) == 0,
          "term tables: in step after single adds and removals (%s)",
          mdlz_index_errmsg(a));

    ok = mdlz_index_begin(b) == 0;
    for (int i = 0; i < 30; i++) {
        doc = make_doc(i, 40 + (size_t)i % 50);
        ok &= add_text(b, "d", doc, NULL) == i + 1;
        free(doc);
    }
    ok &= mdlz_index_commit(b) == 0 && mdlz_index_begin(b) == 0;
    ok &= mdlz_index_remove(b, 3, NULL, &removed) == 0 && removed == 1;
    ok &= mdlz_index_remove(b, 17, NULL, &removed) == 0 && removed == 1;
    for (int i = 30; i < 32; i++) {
        doc = make_doc(i, 60);
        ok &= add_text(b, "d", doc, NULL) == i + 1;
        free(doc);
    }
    ok &= mdlz_index_remove(b, 31, NULL, &removed) == 0 && removed == 1;
    ok &= mdlz_index_remove(b, 5, NULL, &removed) == 0 && removed == 1;
    check(ok && ret_terms_verify(b) == 0,
          "term tables: in step inside a transaction (%s)",
          mdlz_index_errmsg(b));
    ok &= mdlz_index_commit(b) == 0;
    check(ok && ret_terms_verify(b) == 0,
          "term tables: in step after a transaction of adds and removals "
          "(%s)",
          mdlz_index_errmsg(b));
    mdlz_index_gen ga, gb;
    check(mdlz_index_generation(a, -1, &ga) == 0 &&
              mdlz_index_generation(b, -1, &gb) == 0 && ga.docs == gb.docs &&
              ga.tokens == gb.tokens && ga.maxid == gb.maxid &&
              ga.history != gb.history,
          "generations: both sequences reach the same documents and totals "
          "(with different histories)");
    mdlz_index_docref ra[4][10], rb[4][10];
    int na[4], nb[4], same = 1;
    select_all(a, ra, na);
    select_all(b, rb, nb);
    for (int q = 0; q < 4; q++)
        same &= na[q] > 0 && same_refs(ra[q], na[q], rb[q], nb[q]);
    check(same, "select: the same on both");

    /* the counts gathered as documents are inserted (walk: on the
     * pipeline's worker thread) give the tables a read-back gives, also
     * when a document of the transaction is removed and more follow */
    mdlz_index *c = open_new("inc_c.db");
    char dir[600], path[700];
    tmp_path(dir, sizeof dir, "inc_tree");
    ok = mkdir(dir, 0700) == 0;
    for (int i = 0; i < 12; i++) {
        snprintf(path, sizeof path, "%s/f%02d.txt", dir, i);
        FILE *f = fopen(path, "w");
        doc = make_doc(40 + i, 50 + (size_t)i * 7);
        ok &= f && fputs(doc, f) >= 0;
        if (f) fclose(f);
        free(doc);
    }
    ok &= mdlz_index_begin(c) == 0 &&
          mdlz_index_add_path(c, dir, NULL, NULL, NULL) == 0 &&
          mdlz_index_commit(c) == 0;
    check(ok && ret_terms_verify(c) == 0,
          "term tables: a directory walk posts its counts (%s)",
          mdlz_index_errmsg(c));
    ok = mdlz_index_begin(c) == 0;
    for (int i = 0; i < 3; i++) {
        doc = make_doc(60 + i, 70);
        ok &= add_text(c, "t", doc, NULL) == 13 + i;
        free(doc);
    }
    ok &= mdlz_index_remove(c, 14, NULL, &removed) == 0 && removed == 1;
    for (int i = 3; i < 5; i++) {
        doc = make_doc(60 + i, 70);
        ok &= add_text(c, "t", doc, NULL) == 13 + i;
        free(doc);
    }
    ok &= mdlz_index_commit(c) == 0;
    check(ok && ret_terms_verify(c) == 0,
          "term tables: in step after adds, a removal of one of them and "
          "more adds in one transaction (%s)",
          mdlz_index_errmsg(c));
    mdlz_index_close(c);

    /* a rolled back transaction leaves the tables as they were */
    mdlz_index_begin(b);
    doc = make_doc(99, 80);
    add_text(b, "x", doc, NULL);
    free(doc);
    mdlz_index_remove(b, 1, NULL, &removed);
    mdlz_index_rollback(b);
    select_all(b, rb, nb);
    for (int q = 0; q < 4; q++) same &= same_refs(ra[q], na[q], rb[q], nb[q]);
    check(same && ret_terms_verify(b) == 0,
          "term tables: untouched by a rolled back transaction");

    /* removing everything empties them */
    mdlz_index_begin(b);
    for (int64_t id = 1; id <= 32; id++)
        mdlz_index_remove(b, id, NULL, &removed);
    ok = mdlz_index_commit(b) == 0 && ret_terms_verify(b) == 0;
    mdlz_index_docref r[10];
    check(ok && mdlz_index_select(b, -1, (const uint8_t *)"volcano lava", 12, 8,
                                  10, UINT64_MAX, NULL, 0, r) == 0,
          "term tables: empty when every document is removed");
    mdlz_index_close(a);
    mdlz_index_close(b);
}

/* ---- reading writes nothing -------------------------------------------- */

static uint64_t file_hash(const char *path) {
    size_t len = 0;
    uint8_t *p = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t cap = 0, r;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            p = realloc(p, cap);
        }
        r = fread(p + len, 1, cap - len, f);
        len += r;
    } while (r > 0);
    fclose(f);
    uint64_t h = XXH3_64bits(p, len);
    free(p);
    return h;
}

static void test_read_only(void) {
    mdlz_index *ix;
    check(build_select_index("ro.db", &ix) == 0, "read-only: index built");
    mdlz_index_close(ix);
    char path[600], err[512];
    tmp_path(path, sizeof path, "ro.db");
    uint64_t before = file_hash(path);
    int ok =
        mdlz_index_open(&ix, path, MDLZ_INDEX_READ, err, sizeof err) == 0 &&
        mdlz_index_pin(ix, NULL) == 0;
    mdlz_index_docref r[8];
    const char *q = "volcano lava ash crater";
    int n = ok ? mdlz_index_select(ix, -1, (const uint8_t *)q, strlen(q), 24, 8,
                                   UINT64_MAX, NULL, 0, r)
               : -1;
    for (int i = 0; i < n; i++) {
        uint8_t *body;
        size_t len;
        ok &= mdlz_index_get(ix, r[i].id, r[i].hash, &body, &len, NULL, 0) == 0;
        free(body);
    }
    if (ix) mdlz_index_close(ix);
    check(ok && n == 8 && file_hash(path) == before,
          "read-only: open, pin, select, get leave the file unchanged");
}

int main(int argc, char **argv) {
    if (tmp_setup(argc > 1 ? argv[1] : NULL)) return 99;
    test_tokens();
    test_tokens_agree();
    test_counter_matches_tokenizer();
    test_select();
    test_reference();
    test_incremental();
    test_read_only();
    tmp_cleanup();
    return check_finish();
}
