/*
 * test_loader.c - loading external tools (tools/host/registry.h): the example
 * plugin loads, validates and proposes; a missing file, a library without
 * mdlz_tool_entry, a tool built for another ABI version, one with a short
 * struct, a bad name or a NULL function are refused with a message naming
 * the problem; a tool whose create() fails loads but cannot be created.
 *
 * Arguments: EXAMPLE.so DIR, where DIR holds plugin_<variant>.so (see
 * test_plugin.c).
 */
#include <unistd.h>

#include "check.h"
#include "registry.h"

static const char *plugin_dir;

static char *plugin_path(const char *variant) {
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/plugin_%s.so", plugin_dir, variant);
    return buf;
}

/* Loading `path` fails with `want` and a message containing every one of
 * the (NULL-terminated) words. */
static void refused(const char *what, const char *path, mdlz_status want,
                    const char *w1, const char *w2) {
    char err[512] = "";
    tool_handle *h = (tool_handle *)1;
    mdlz_status st = tool_load_external(path, &h, err, sizeof err);
    check(st == want && h == NULL, "%s: refused with %s (got %s)", what,
          mdlz_strerror(want), mdlz_strerror(st));
    check(strstr(err, path) && (!w1 || strstr(err, w1)) &&
              (!w2 || strstr(err, w2)),
          "%s: message names the file and the problem: \"%s\"", what, err);
}

static void test_example(const char *path) {
    char err[512] = "";
    tool_handle *h = NULL;
    mdlz_status st = tool_load_external(path, &h, err, sizeof err);
    if (!check(st == MDLZ_OK && h, "example plugin loads (%s)", err)) return;
    const mdlz_tool *t = tool_handle_tool(h);
    check(t->abi_version == MDLZ_TOOL_ABI_VERSION &&
              t->struct_size == sizeof(mdlz_tool),
          "example: ABI %d, struct size %u", t->abi_version,
          (unsigned)t->struct_size);
    check(!strcmp(t->name, "crlf") && t->version >= 1 && t->description,
          "example: name %s, version %u", t->name, (unsigned)t->version);
    check(t->code_bytes > 100 && t->code_hash != 0,
          "example: embeds its code size (%u bytes) and hash",
          (unsigned)t->code_bytes);
    check(!strcmp(tool_handle_path(h), path), "handle keeps the path");
    check(tool_validate(t, NULL, 0) == MDLZ_OK, "loaded copy validates");

    mdlz_tool_host host;
    tool_host_default(&host);
    void *s = NULL;
    if (check(t->create(&host, &s) == 0 && s, "example: create")) {
        const char *text = "one\r\ntwo\r\nthree\r\nfour\r";
        mdlz_tool_proposal p;
        int props = 0;
        for (const char *c = text; *c; c++) {
            memset(&p, 0, sizeof p);
            t->propose(s, &p);
            props += p.len > 0;
            t->observe(s, (uint8_t)*c);
        }
        memset(&p, 0, sizeof p);
        t->propose(s, &p);
        check(props == 3 && p.len == 1 && p.bytes[0] == '\n' &&
                  p.confidence == 3,
              "example: proposes '\\n' after '\\r' (class %u after 3 CRLF)",
              (unsigned)p.confidence);
        t->observe(s, 'x');
        memset(&p, 0, sizeof p);
        t->propose(s, &p);
        check(p.len == 0, "example: nothing after another byte");
        t->destroy(s);
    }
    tool_handle_free(h);
}

static void test_create_fails(void) {
    char err[512] = "";
    tool_handle *h = NULL;
    mdlz_status st =
        tool_load_external(plugin_path("create_fails"), &h, err, sizeof err);
    if (!check(st == MDLZ_OK, "create_fails plugin loads (%s)", err)) return;
    mdlz_tool_host host;
    tool_host_default(&host);
    void *s = NULL;
    check(tool_handle_tool(h)->create(&host, &s) != 0,
          "create_fails: create() reports failure");
    tool_handle_free(h);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: test_loader EXAMPLE.so PLUGIN_DIR\n");
        return 2;
    }
    plugin_dir = argv[2];
    test_example(argv[1]);
    test_create_fails();
    refused("missing file", "/nonexistent/dir/mdlz_tool.so", MDLZ_ERROR_PARAM,
            "cannot load", NULL);
    char junk[] = "/tmp/mdlz_not_a_tool_XXXXXX";
    int fd = mkstemp(junk);
    if (fd >= 0) {
        check(write(fd, "not ELF\n", 8) == 8,
              "wrote a file that is no library");
        close(fd);
        refused("not a shared library", junk, MDLZ_ERROR_PARAM, "cannot load",
                NULL);
        remove(junk);
    }
    refused("no entry point", plugin_path("no_entry"), MDLZ_ERROR_PARAM,
            MDLZ_TOOL_ENTRY_SYMBOL, NULL);
    refused("other ABI version", plugin_path("bad_abi"), MDLZ_ERROR_VERSION,
            "tool ABI version 99", "supports tool ABI version 1");
    refused("short struct", plugin_path("small_struct"), MDLZ_ERROR_VERSION,
            "struct_size 16", NULL);
    refused("bad name", plugin_path("bad_name"), MDLZ_ERROR_PARAM,
            "invalid tool name", NULL);
    refused("NULL function", plugin_path("null_fn"), MDLZ_ERROR_PARAM,
            "observe is NULL", NULL);
    tool_handle_free(NULL);
    check(1, "tool_handle_free(NULL) is a no-op");
    return check_finish();
}
