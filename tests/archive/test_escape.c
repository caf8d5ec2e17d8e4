/*
 * test_escape.c - report_name() / report_escape() of cli/report.c, the
 * escaping of every name the command prints (GNU tar's "escape" quoting
 * style): the C escapes, octal for other control characters (C0, DEL, C1)
 * and for each byte of invalid UTF-8 (overlong forms, surrogates, values
 * past U+10FFFF, truncated and stray bytes), valid UTF-8 kept, and a
 * buffer too small cut between two characters, never inside an escape.
 * Prints "ok - ..." / "not ok - ..." and "N passed, M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static int pass, fail;

static void check(const char *in, const char *want) {
    char got[512];
    report_escape(got, sizeof got, in);
    /* report_name must print exactly the same. */
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    if (f) {
        report_name(f, in);
        fclose(f);
    }
    int ok = !strcmp(got, want) && mem && !strcmp(mem, want);
    printf("%s - \"", ok ? "ok" : "not ok");
    for (const unsigned char *p = (const unsigned char *)in; *p; p++)
        printf(*p >= 0x20 && *p < 0x7f && *p != '"' ? "%c" : "<%02x>", *p);
    printf("\" -> %s", want);
    if (!ok) printf(" (got %s / %s)", got, mem ? mem : "?");
    printf("\n");
    free(mem);
    ok ? pass++ : fail++;
}

static void check_cut(const char *in, size_t cap, const char *want) {
    char got[64];
    memset(got, 'Z', sizeof got);
    report_escape(got, cap, in);
    int ok = !strcmp(got, want);
    printf("%s - cut to %zu bytes -> \"%s\"\n", ok ? "ok" : "not ok", cap, got);
    ok ? pass++ : fail++;
}

int main(void) {
    check("plain/name.txt", "plain/name.txt");
    check("", "");
    check("a\nb", "a\\nb");
    check("\a\b\t\n\v\f\r", "\\a\\b\\t\\n\\v\\f\\r");
    check("back\\slash", "back\\\\slash");
    check("\033[31mred", "\\033[31mred");
    check("\001\037\177", "\\001\\037\\177");
    check("caf\xc3\xa9 \xe2\x80\x93 \xf0\x9f\x98\x80", /* é – 😀 */
          "caf\xc3\xa9 \xe2\x80\x93 \xf0\x9f\x98\x80");
    check("\xc2\xa0nbsp", "\xc2\xa0nbsp"); /* U+00A0 kept */
    check("csi\xc2\x9b"
          "2J",
          "csi\\302\\2332J");                          /* C1 CSI */
    check("\xc2\x80\xc2\x9f", "\\302\\200\\302\\237"); /* C1 bounds */
    check("\x80", "\\200");                            /* stray byte */
    check("\xc0\xaf", "\\300\\257");                   /* overlong '/' */
    check("\xe0\x80\xaf", "\\340\\200\\257");          /* overlong */
    check("\xed\xa0\x80", "\\355\\240\\200");          /* surrogate */
    check("\xf4\x90\x80\x80", "\\364\\220\\200\\200"); /* > U+10FFFF */
    check("\xf5\x80", "\\365\\200");
    check("\xe2\x80", "\\342\\200");               /* cut short at the end */
    check("\xe2\x80x", "\\342\\200x");             /* cut short by ASCII */
    check("\xef\xbf\xbf", "\xef\xbf\xbf");         /* U+FFFF: valid */
    check("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
    check_cut("ab\ncd", 4, "ab");
    check_cut("ab\ncd", 5, "ab\\n");
    check_cut("ab\ncd", 3, "ab");
    check_cut("\xc3\xa9\xc3\xa9", 4, "\xc3\xa9");
    check_cut("x", 1, "");
    printf("%d passed, %d failed\n", pass, fail);
    return fail != 0;
}
