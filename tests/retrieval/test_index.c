/*
 * test_index.c - the retrieval index API (retrieval/index.h): open modes
 * and refusals, add (duplicates, binary rule, size limit), get (hash
 * checks, damaged bodies), remove, transactions, fingerprint definition,
 * stats, search, the tokenizer, and the determinism of ret_index_select()
 * (repeat, reopened read-only, rebuilt index, exclusions, limits).
 *
 * Usage: test_index [TMPDIR]. Prints "ok - ..." / "not ok - ..." per case
 * and "N passed, M failed".
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "check.h"
#include "index.h"
#include "terms.h"

static char tmpdir[256];

static void tmp_path(char *buf, size_t cap, const char *name) {
    snprintf(buf, cap, "%s/%s", tmpdir, name);
}

static void remove_db(const char *path) {
    char p[600];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static ret_index *open_new(const char *name) {
    char path[600], err[512];
    ret_index *ix;
    tmp_path(path, sizeof path, name);
    remove_db(path);
    if (ret_index_open(&ix, path, RET_CREATE, err, sizeof err)) {
        fprintf(stderr, "cannot create %s: %s\n", path, err);
        exit(99);
    }
    return ix;
}

static int64_t add_text(ret_index *ix, const char *name, const char *text,
                        int *dup) {
    int64_t id = -1;
    int d = 0;
    if (ret_index_add_buffer(ix, name, (const uint8_t *)text, strlen(text),
                             NULL, &id, &d))
        return -1;
    if (dup) *dup = d;
    return id;
}

/* The fingerprint as docs/retrieval.md defines it, from the listing. */
typedef struct {
    XXH3_state_t *st;
    int n;
} fp_acc;

static int fp_row(void *user, const ret_docinfo *d) {
    fp_acc *a = user;
    uint8_t rec[24];
    uint64_t v[3] = {(uint64_t)d->id, d->hash, d->size};
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 8; b++) rec[8 * i + b] = (uint8_t)(v[i] >> (8 * b));
    XXH3_64bits_update(a->st, rec, sizeof rec);
    a->n++;
    return 0;
}

static uint64_t fp_reference(ret_index *ix, int *n) {
    fp_acc a = {XXH3_createState(), 0};
    XXH3_64bits_reset(a.st);
    ret_index_list(ix, fp_row, &a);
    uint64_t fp = XXH3_64bits_digest(a.st);
    XXH3_freeState(a.st);
    if (n) *n = a.n;
    return fp;
}

static uint64_t fingerprint(ret_index *ix) {
    uint64_t fp = 0;
    if (ret_index_fingerprint(ix, &fp)) return 0;
    return fp;
}

static int64_t count_docs(ret_index *ix) {
    ret_stats s;
    if (ret_index_stats(ix, &s)) return -1;
    return s.documents;
}

/* ---- open ------------------------------------------------------------------ */

static void test_open(void) {
    char path[600], err[512];
    ret_index *ix = (ret_index *)1;
    tmp_path(path, sizeof path, "missing.db");
    remove_db(path);
    check(ret_index_open(&ix, path, RET_READ, err, sizeof err) == -1 &&
              ix == NULL && strstr(err, "no such index"),
          "open: RET_READ of a missing file fails (%s)", err);
    check(access(path, F_OK) != 0, "open: RET_READ creates nothing");
    check(ret_index_open(&ix, path, RET_WRITE, err, sizeof err) == -1,
          "open: RET_WRITE of a missing file fails");

    tmp_path(path, sizeof path, "garbage.db");
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 2000; i++) fputs("not a database ", f);
    fclose(f);
    check(ret_index_open(&ix, path, RET_READ, err, sizeof err) == -1 &&
              strstr(err, "not an mdlz index"),
          "open: a non-SQLite file is refused (%s)", err);
    check(ret_index_open(&ix, path, RET_CREATE, err, sizeof err) == -1,
          "open: RET_CREATE refuses a non-SQLite file");

    sqlite3 *db;
    tmp_path(path, sizeof path, "other.db");
    remove_db(path);
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    check(ret_index_open(&ix, path, RET_CREATE, err, sizeof err) == -1 &&
              strstr(err, "not an mdlz index"),
          "open: RET_CREATE refuses another application's database (%s)",
          err);
    check(ret_index_open(&ix, path, 7, err, sizeof err) == -1,
          "open: a bad mode is refused");
    ret_index_close(NULL);
    check(1, "close: NULL is a no-op");

    tmp_path(path, sizeof path, "empty.db");
    remove_db(path);
    ret_index *w = open_new("empty.db");
    ret_index_close(w);
    int ok = ret_index_open(&ix, path, RET_READ, err, sizeof err) == 0;
    check(ok, "open: RET_READ of a created index works (%s)", ok ? "" : err);
    if (ok) {
        int dup;
        check(add_text(ix, "x", "some text", &dup) == -1 &&
                  strstr(ret_index_errmsg(ix), "read-only"),
              "add: refused on a read-only handle");
        check(fingerprint(ix) == XXH3_64bits("", 0),
              "fingerprint: empty index = XXH3_64 of nothing");
        ret_index_close(ix);
    }
}

/* ---- add, duplicates, text rule, size limit ---------------------------- */

static void test_add(void) {
    ret_index *ix = open_new("add.db");
    int dup = -1;
    uint64_t fp0 = fingerprint(ix);
    int64_t a = add_text(ix, "a.txt", "the quick brown fox", &dup);
    check(a == 1 && dup == 0, "add: first document gets id 1");
    uint64_t fp1 = fingerprint(ix);
    check(fp1 != fp0, "fingerprint: changes on add");
    check(fingerprint(ix) == fp1, "fingerprint: stable without changes");
    int n;
    check(fp_reference(ix, &n) == fp1 && n == 1,
          "fingerprint: XXH3_64 over LE (id, hash, size) in id order");
    int64_t b = add_text(ix, "b.txt", "jumps over the lazy dog", &dup);
    check(b == 2 && dup == 0, "add: second document gets id 2");
    int64_t a2 = add_text(ix, "copy-of-a.txt", "the quick brown fox", &dup);
    check(a2 == 1 && dup == 1, "add: same content is a no-op (id of the "
                               "existing document)");
    check(count_docs(ix) == 2, "add: duplicate not stored");
    uint64_t fp2 = fingerprint(ix);
    check(fp2 != fp1 && fp_reference(ix, &n) == fp2 && n == 2,
          "fingerprint: matches the definition with two documents");

    int64_t id;
    static const struct {
        const char *name;
        const char *body;
        size_t len;
    } binary[] = {
        {"nul", "abc\0def", 7},
        {"bad-utf8", "caf\xe9 au lait", 12},
        {"overlong", "x\xc0\xaf", 3},
        {"surrogate", "\xed\xa0\x80", 3},
        {"truncated", "abc\xe2\x82", 5},
        {"controls", "a\x01\x02\x03 plain text here", 23},
    };
    for (size_t i = 0; i < sizeof binary / sizeof binary[0]; i++) {
        int rc = ret_index_add_buffer(ix, binary[i].name,
                                      (const uint8_t *)binary[i].body,
                                      binary[i].len, NULL, &id, &dup);
        check(rc == -1 && strstr(ret_index_errmsg(ix), "binary") &&
                  strstr(ret_index_errmsg(ix), binary[i].name),
              "add: binary '%s' refused (%s)", binary[i].name,
              ret_index_errmsg(ix));
    }
    check(count_docs(ix) == 2 && fingerprint(ix) == fp2,
          "add: refused documents leave the index unchanged");
    ret_add_opts force = {0};
    force.force = 1;
    check(ret_index_add_buffer(ix, "nul", (const uint8_t *)"abc\0def", 7,
                               &force, &id, &dup) == 0 &&
              id == 3 && !dup,
          "add: --force adds a binary document");
    uint8_t *body;
    size_t len;
    check(ret_index_get(ix, 3, 0, &body, &len, NULL, 0) == 0 && len == 7 &&
              !memcmp(body, "abc\0def", 7),
          "get: binary document round trip");
    free(body);

    const char *utf8 = "na\xc3\xafve caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d"
                       " \xf0\x9f\x98\x80 tab\tnewline\n";
    check(ret_text_check((const uint8_t *)utf8, strlen(utf8), NULL) == 0,
          "text rule: UTF-8 with tabs and newlines is text");
    char ctl[200];
    memset(ctl, 'x', sizeof ctl);
    ctl[10] = 0x01; /* 1 control in 200 bytes: 0.5% */
    check(ret_text_check((uint8_t *)ctl, sizeof ctl, NULL) == 0,
          "text rule: 0.5%% control characters is text");
    ctl[20] = 0x02;
    ctl[30] = 0x7F; /* 3 in 200: 1.5% */
    check(ret_text_check((uint8_t *)ctl, sizeof ctl, NULL) == -1,
          "text rule: 1.5%% control characters is binary");

    ret_add_opts small = {0};
    small.max_size = 10;
    check(ret_index_add_buffer(ix, "big", (const uint8_t *)"0123456789A", 11,
                               &small, &id, &dup) == -1 &&
              strstr(ret_index_errmsg(ix), "size limit"),
          "add: over --max-size refused (%s)", ret_index_errmsg(ix));
    check(ret_index_add_buffer(ix, "fits", (const uint8_t *)"0123456789", 10,
                               &small, &id, &dup) == 0 && id == 4,
          "add: exactly --max-size accepted");
    check(add_text(ix, "empty", "", &dup) == 5, "add: an empty document");

    char name[64];
    check(ret_index_name(ix, 2, name, sizeof name) == 0 &&
              !strcmp(name, "b.txt"),
          "name: of id 2");
    check(ret_index_name(ix, 2, name, 3) == 0 && !strcmp(name, "b."),
          "name: truncated to the buffer");
    check(ret_index_name(ix, 99, name, sizeof name) == -1,
          "name: missing id fails");
    ret_index_close(ix);
}

/* ---- get --------------------------------------------------------------------- */

static void test_get(void) {
    ret_index *ix = open_new("get.db");
    const char *text = "Four score and seven years ago our fathers brought";
    int64_t id = add_text(ix, "gettysburg.txt", text, NULL);
    uint64_t h = XXH3_64bits(text, strlen(text));
    uint8_t *body;
    size_t len;
    char err[512];
    check(ret_index_get(ix, id, h, &body, &len, err, sizeof err) == 0 &&
              len == strlen(text) && !memcmp(body, text, len),
          "get: body with the expected hash");
    free(body);
    check(ret_index_get(ix, id, 0, &body, &len, err, sizeof err) == 0,
          "get: expected_hash 0 skips the comparison");
    free(body);
    check(ret_index_get(ix, id, h ^ 1, &body, &len, err, sizeof err) == -1 &&
              body == NULL && strstr(err, "has changed") &&
              strstr(err, "gettysburg.txt") && strstr(err, "document 1"),
          "get: hash mismatch names the document (%s)", err);
    check(ret_index_get(ix, 42, h, &body, &len, err, sizeof err) == -1 &&
              strstr(err, "42") && strstr(err, "not in the index"),
          "get: missing document (%s)", err);
    ret_index_close(ix);

    /* damage the stored body behind the index's back */
    char path[600];
    sqlite3 *db;
    tmp_path(path, sizeof path, "get.db");
    sqlite3_open(path, &db);
    sqlite3_exec(db, "UPDATE documents SET body = x'28b52ffd0000' WHERE id = 1",
                 NULL, NULL, NULL);
    sqlite3_close(db);
    ret_index_open(&ix, path, RET_READ, err, sizeof err);
    check(ret_index_get(ix, 1, h, &body, &len, err, sizeof err) == -1 &&
              strstr(err, "damaged") && strstr(err, "gettysburg.txt"),
          "get: damaged body is an error (%s)", err);
    ret_index_close(ix);
}

/* ---- remove, transactions ------------------------------------------------ */

static void test_remove(void) {
    ret_index *ix = open_new("rm.db");
    add_text(ix, "one", "alpha beta gamma", NULL);
    add_text(ix, "two", "delta epsilon", NULL);
    add_text(ix, "two", "zeta eta theta", NULL);
    uint64_t fp = fingerprint(ix);
    int removed = -1;
    check(ret_index_remove(ix, 1, NULL, &removed) == 0 && removed == 1,
          "rm: by id");
    uint64_t fp_rm = fingerprint(ix);
    check(fp_rm != fp, "fingerprint: changes on rm");
    check(ret_index_search(ix, "alpha", 0, 10, NULL, NULL) == 0,
          "rm: terms gone from the full-text index");
    check(ret_index_remove(ix, -1, "two", &removed) == 0 && removed == 2 &&
              count_docs(ix) == 0,
          "rm: by name removes every document of that name");
    check(ret_index_remove(ix, 7, NULL, &removed) == 0 && removed == 0,
          "rm: missing id removes nothing");
    int64_t id = add_text(ix, "one", "alpha beta gamma", NULL);
    check(id == 4, "add after rm: ids are never reused (got %lld)",
          (long long)id);
    ret_stats s;
    memset(&s, 0, sizeof s);
    int st = ret_index_stats(ix, &s);
    check(st == 0 && s.documents == 1 && s.terms == 3,
          "stats: vocabulary holds only live documents' terms (%llu)",
          (unsigned long long)s.terms);

    /* binary documents (NUL, invalid UTF-8) come out of FTS5 cleanly */
    ret_add_opts force = {0};
    force.force = 1;
    int64_t bin_id, l1_id;
    int dup;
    ret_index_add_buffer(ix, "nul", (const uint8_t *)"abc\0def ghi", 11,
                         &force, &bin_id, &dup);
    ret_index_add_buffer(ix, "latin1", (const uint8_t *)"caf\xe9 au lait", 12,
                         &force, &l1_id, &dup);
    check(ret_index_remove(ix, bin_id, NULL, &removed) == 0 && removed == 1 &&
              ret_index_remove(ix, l1_id, NULL, &removed) == 0 && removed == 1,
          "rm: binary documents added with --force");
    char path[600];
    sqlite3 *db;
    tmp_path(path, sizeof path, "rm.db");
    int integrity = sqlite3_open(path, &db) == SQLITE_OK &&
                    sqlite3_exec(db, "INSERT INTO documents_fts(documents_fts) "
                                     "VALUES('integrity-check')",
                                 NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    check(integrity, "rm: FTS5 integrity-check passes after removals");
    memset(&s, 0, sizeof s);
    st = ret_index_stats(ix, &s);
    check(st == 0 && s.documents == 1 && s.terms == 3,
          "rm: no terms of removed binary documents remain");

    /* one transaction: good document, then a failure => nothing */
    uint64_t before = fingerprint(ix);
    ret_index_begin(ix);
    add_text(ix, "new", "brand new words", NULL);
    char missing[600];
    tmp_path(missing, sizeof missing, "does-not-exist.txt");
    int rc = ret_index_add_path(ix, missing, NULL, NULL, NULL);
    check(rc == -1 && strstr(ret_index_errmsg(ix), "does-not-exist"),
          "add: missing file fails (%s)", ret_index_errmsg(ix));
    ret_index_rollback(ix);
    check(fingerprint(ix) == before && count_docs(ix) == 1 &&
              ret_index_search(ix, "brand", 0, 10, NULL, NULL) == 0,
          "transaction: rollback leaves the index as it was");
    ret_index_begin(ix);
    add_text(ix, "new", "brand new words", NULL);
    check(ret_index_commit(ix) == 0 && count_docs(ix) == 2,
          "transaction: commit keeps the documents");
    ret_index_close(ix);
}

/* ---- snapshots ---------------------------------------------------------- */

static void test_pin(void) {
    ret_index *w = open_new("pin.db"), *r;
    char path[600], err[512];
    add_text(w, "one", "granite basalt marble", NULL);
    tmp_path(path, sizeof path, "pin.db");
    if (ret_index_open(&r, path, RET_READ, err, sizeof err)) {
        check(0, "pin: open reader (%s)", err);
        ret_index_close(w);
        return;
    }
    uint64_t fp0 = 0, fp;
    check(ret_index_pin(r, &fp0) == 0 && fp0 == fingerprint(w),
          "pin: snapshot fingerprint");
    check(ret_index_pin(r, &fp) == -1, "pin: twice is an error");
    int64_t id = add_text(w, "two", "granite quarry granite", NULL);
    ret_docref ref[4];
    const char *q = "granite";
    int n = ret_index_select(r, (const uint8_t *)q, strlen(q), 4, 4, UINT64_MAX,
                             NULL, 0, ref);
    check(fingerprint(r) == fp0 && n == 1 && ref[0].id == 1,
          "pin: a concurrent add is not seen while pinned");
    ret_index_unpin(r);
    n = ret_index_select(r, (const uint8_t *)q, strlen(q), 4, 4, UINT64_MAX,
                         NULL, 0, ref);
    check(fingerprint(r) == fingerprint(w) && fingerprint(r) != fp0 && n == 2 &&
              ref[0].id == id,
          "pin: seen after unpin");
    ret_index_close(r);
    ret_index_close(w);
}

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

/* ---- search and listing ----------------------------------------------------- */

typedef struct {
    int n;
    int64_t first;
    char snippet[600];
} hits;

static int on_hit(void *user, const ret_hit *h) {
    hits *x = user;
    if (x->n++ == 0) {
        x->first = h->id;
        snprintf(x->snippet, sizeof x->snippet, "%s", h->snippet);
    }
    return 0;
}

static void test_search(void) {
    ret_index *ix = open_new("search.db");
    add_text(ix, "a", "Lorem ipsum dolor sit amet, consectetur adipiscing", NULL);
    add_text(ix, "b", "The Quick brown fox jumps over the lazy dog", NULL);
    add_text(ix, "c", "quick quick quick: a fox is quick", NULL);
    hits h = {0, 0, ""};
    int n = ret_index_search(ix, "QUICK fox", 0, 10, on_hit, &h);
    check(n == 2 && h.n == 2 && h.first == 3,
          "search: AND of words, best BM25 first");
    check(strstr(h.snippet, "[quick]") && strstr(h.snippet, "[fox]"),
          "search: snippet marks the words (%s)", h.snippet);
    memset(&h, 0, sizeof h);
    n = ret_index_search(ix, "dolor fox", 1, 10, on_hit, &h);
    check(n == 3, "search: --or matches any word");
    memset(&h, 0, sizeof h);
    n = ret_index_search(ix, "quick", 0, 1, on_hit, &h);
    check(n == 1, "search: limit");
    check(ret_index_search(ix, "  ,;  ", 0, 10, on_hit, &h) == -1,
          "search: a query without words is an error");
    check(ret_index_search(ix, "\"or\" AND NEAR(", 0, 10, on_hit, &h) >= 0,
          "search: FTS5 syntax characters are only words");
    ret_index_close(ix);
}

int main(int argc, char **argv) {
    const char *base = argc > 1 ? argv[1] : "/tmp";
    if (strlen(base) > 200) {
        fprintf(stderr, "temporary directory name too long\n");
        return 99;
    }
    strcpy(tmpdir, base);
    strcat(tmpdir, "/mdlz-ret.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 99;
    }
    test_open();
    test_add();
    test_get();
    test_remove();
    test_pin();
    test_tokens();
    test_select();
    test_search();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_finish();
}
