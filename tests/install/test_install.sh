#!/usr/bin/env bash
# test_install.sh - building against an installed mdlz (issue 15): `meson
# install --destdir` of the build directory into a scratch directory, then
#  - every public header of include/ is installed, and nothing else there;
#  - the example tool plugin (tools/example/example.c) compiles with the C
#    compiler against <destdir>/include alone (its code-size header made
#    by the generator, as docs/tools.md "Without meson" does), `mdlz tools
#    --load` accepts it, `mdlz --tool=it` compresses with it,
#    the stream decodes with it and is refused without it;
#  - unless the build is sanitized (its library then needs the sanitizer
#    runtime), a program using mdlz.h and mdlz_archive.h (use_installed.c)
#    compiles against <destdir>/include, links the installed libmdlz and
#    runs: its exported symbols are the public API.
# Skips (exit 77) when the C compiler or meson is not there.
#
# Usage: test_install.sh MESON BUILD_DIR SOURCE_DIR MDLZ GEN_CODESIZE
#        SANITIZE 'CC...'
# shellcheck disable=SC2016,SC2034 # expect evaluates its condition later
# shellcheck source=../common/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"
[ $# -eq 7 ] ||
    usage "MESON BUILD_DIR SOURCE_DIR MDLZ GEN_CODESIZE SANITIZE 'CC...'"
MESON=$1
B=$(cd "$2" && pwd)
SRC=$(cd "$3" && pwd)
M=$(abspath "$4")
GEN=$(abspath "$5")
SANITIZE=$6
read -r -a CC <<<"$7"
{ [ ${#CC[@]} -gt 0 ] && command -v "${CC[0]}" >/dev/null; } ||
    skip_all "no C compiler ('$7') to build against the installed headers"
command -v "$MESON" >/dev/null || skip_all "meson not found ('$MESON')"
harness_init install

"$MESON" install -C "$B" --no-rebuild --quiet --destdir "$T/dest" \
    >out 2>err
rc=$?
expect "meson install --destdir succeeds" 'is_rc 0'
inc=$(dirname "$(find "$T/dest" -name mdlz_tool.h -print -quit)")
expect "mdlz_tool.h is installed" '[ -f "$inc/mdlz_tool.h" ]'
want=$(cd "$SRC/include" && printf '%s\n' *.h | sort)
got=$(cd "$inc" && printf '%s\n' *.h | sort)
expect "the installed headers are include/*.h: ${want//$'\n'/ }" \
    '[ "$want" = "$got" ]'

# The plugin, as an author outside the tree builds it.
"$GEN" --tool example_codesize.h "$SRC/tools/example/example.c" >out 2>err
rc=$?
"${CC[@]}" -std=c11 -Wall -Wextra -Werror -O2 -shared -fPIC \
    -fvisibility=hidden -I"$inc" -I. -o crlf.so \
    "$SRC/tools/example/example.c" >out 2>>err
rc=$((rc | $?))
expect "the example plugin compiles against the installed include/ only" \
    'is_rc 0 && [ -f crlf.so ]'
RUN_CMD=("$M")
run tools --load ./crlf.so
expect "mdlz tools --load accepts it" \
    'is_rc 0 && out_has "^crlf .*(external: "'
for f in "$SRC"/samples/*.txt; do sed 's/$/\r/' "$f"; done >dos.txt
run --tool=./crlf.so -q -c dos.txt
cp out dos.mdlz
expect "compressing with --tool=crlf.so" 'is_rc 0 && [ -s dos.mdlz ]'
run -d --tool=./crlf.so -c dos.mdlz
expect "... decodes with the plugin" 'is_rc 0 && same out dos.txt'
run -d -c dos.mdlz
expect "... and is refused without it, naming it" \
    'is_rc 1 && one_line_err && err_has crlf'

# A program on the installed library.
if [ "$SANITIZE" != none ]; then
    skip "a program links the installed libmdlz" "sanitized build ($SANITIZE)"
else
    lib=$(dirname "$(find "$T/dest" -name 'libmdlz.so' -print -quit)")
    "${CC[@]}" -std=c11 -Wall -Wextra -Werror -O2 -I"$inc" \
        -o use_installed "$(dirname "${BASH_SOURCE[0]}")/use_installed.c" \
        -L"$lib" -lmdlz -Wl,-rpath,"$lib" >out 2>err
    rc=$?
    expect "a program on mdlz.h and mdlz_archive.h links the installed libmdlz" \
        'is_rc 0'
    mkdir work
    ./use_installed work >out 2>err
    rc=$?
    expect "... and runs: a round trip and an archive read back" \
        'is_rc 0 && out_has "^ok$"'
fi
harness_done
