/*
 * tools_cmd.c - `mdlz tools`: lists the tools the predictor can consult
 * (include/mdlz_tool.h): the built-in ones and, with --load, external
 * plugins, which are loaded and checked exactly as the compressor would.
 * Exit status: 0 success, 1 a plugin could not be loaded, 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "mdlz.h"
#include "mdlz_tool.h"
#include "json.h"
#include "report.h"
#include "subcmd.h"

#define MAX_LOADS 64

static void print_tools_help(void) {
    printf("Usage: mdlz tools [--json] [--load PLUGIN.so]...\n"
           "List the tools mdlz can consult while it predicts: name,\n"
           "version, code bytes (zstd -19 of the tool's sources, counted in\n"
           "the description length) and what it predicts.\n"
           "\n"
           "  --load PLUGIN.so  also load and check an external tool (a path\n"
           "                    without '/' is searched like any shared\n"
           "                    library; write ./PLUGIN.so for the current\n"
           "                    directory)\n"
           "  --json            one JSON object per tool and line, for "
           "scripts\n"
           "  -h, --help        print this help and exit\n"
           "\n"
           "Exit status: 0 on success, 1 if a plugin could not be loaded, 2 "
           "on a usage error.\n");
}

/* A row of the list; origin: the plugin's path, NULL for a built-in. */
static void print_row(const mdlz_tool *t, const char *origin, int json) {
    if (json) {
        json_obj o;
        json_begin(&o);
        json_str(&o, "name", t->name);
        json_u64(&o, "version", t->version);
        json_u64(&o, "code_bytes", t->code_bytes);
        json_str(&o, "description", t->description);
        json_str(&o, "external", origin);
        json_end(&o);
        putchar('\n');
        return;
    }
    printf("%-12s %7u %10u  %s", t->name, (unsigned)t->version,
           (unsigned)t->code_bytes, t->description);
    if (origin) printf("  (external: %s)", origin);
    putchar('\n');
}

int cmd_tools(int argc, char **argv) {
    const char *loads[MAX_LOADS];
    int n_loads = 0, json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            print_tools_help();
            return 0;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--load") && i + 1 < argc &&
                   n_loads < MAX_LOADS) {
            loads[n_loads++] = argv[++i];
        } else if (!strncmp(a, "--load=", 7) && a[7] && n_loads < MAX_LOADS) {
            loads[n_loads++] = a + 7;
        } else {
            report_error(NULL,
                         "tools: unexpected argument '%s' (see mdlz "
                         "tools --help)",
                         a);
            return 2;
        }
    }
    const char *names[MAX_LOADS];
    size_t n = mdlz_builtin_tools(names, MAX_LOADS);
    if (n > MAX_LOADS) n = MAX_LOADS;
    if (!json)
        printf("%-12s %7s %10s  %s\n", "name", "version", "code bytes",
               "description");
    for (size_t i = 0; i < n; i++)
        print_row(mdlz_tool_builtin(names[i]), NULL, json);
    int rc = 0;
    for (int i = 0; i < n_loads; i++) {
        char err[512];
        mdlz_plugin *h = NULL;
        if (mdlz_plugin_open(&h, loads[i], err, sizeof err) != MDLZ_OK) {
            report_error(NULL, "%s", err);
            rc = 1;
            continue;
        }
        const mdlz_tool *t = mdlz_plugin_tool(h);
        if (mdlz_tool_builtin(t->name)) {
            report_error(loads[i],
                         "tool name '%s' is taken by a built-in "
                         "tool",
                         t->name);
            rc = 1;
        } else print_row(t, loads[i], json);
        mdlz_plugin_close(h);
    }
    return rc;
}
