#!/usr/bin/env bash
# test_names.sh - names with control characters are printed escaped (GNU
# tar's "escape" style, cli/report.c), never as they are: by list (also
# the names of the files a group retrieved, with -v), by create -v and its
# warnings, by extract -v and its errors, and by rm -v; while a name given
# on the command line is the name as stored. Names: a newline, a tab, an
# escape sequence (ESC [ 2 J clears a terminal), a backslash, a byte that
# is not UTF-8, a C1 control (U+009B, a one-character CSI), and an accented
# name that must stay as it is.
#
# Usage: test_names.sh PATH/TO/mdlz PATH/TO/craft SAMPLES_DIR [CORPUS_DIR]
# shellcheck disable=SC2016,SC2034 # expect evaluates its condition later
# shellcheck source=tests/archive/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# raw FILE: 0 if FILE is not valid UTF-8 or holds a control character
# (C0 but newline, DEL, C1).
raw() {
    python3 -c 'import re, sys
try:
    t = open(sys.argv[1], "rb").read().decode("utf-8")
except UnicodeDecodeError:
    sys.exit(0)
sys.exit(0 if re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", t) else 1)' "$1"
}

mkdir esc
names=("new
line" "tab	here" "$(printf '\033[2Jclear')" 'back\slash' "$(printf 'bad\200byte')"
       "$(printf 'c1\302\233x')" "accent-é")
shown=('new\nline' 'tab\there' '\033[2Jclear' 'back\\slash' 'bad\200byte'
       'c1\302\233x' 'accent-é')
i=0
for n in "${names[@]}"; do # text files related to each other: groups retrieve
    head -c $((2500 + i * 300)) "$S/1941_franklin_d_roosevelt_d.txt" | tail -c 2400 >"esc/$n"
    i=$((i + 1))
done
ln -s nowhere "esc/$(printf 'link\033]0;title\007')"

run create -v --group-size=4K e.mdlza esc
expect "create -v: each name escaped, no raw control character" \
    '[ $rc -eq 0 ] && ! raw err && grep -qF "esc/new\nline: " err && grep -qF "esc/\033[2Jclear: " err'
expect "create: the warning about a symbolic link names it escaped" \
    'grep -qF "esc/link\033]0;title\a: symbolic link not stored" err'

run list e.mdlza
expect "list: one line per entry (a newline in a name adds none)" \
    '[ $rc -eq 0 ] && [ "$(wc -l <out)" -eq 10 ]'
expect "list: no raw control character" '! raw out'
for k in "${!shown[@]}"; do
    expect "list shows esc/${shown[$k]}" 'names_of | grep -qxF "esc/${shown[$k]}"'
done
run list -v e.mdlza
expect "list -v: the files groups retrieved, escaped" \
    '[ $rc -eq 0 ] && ! raw out && grep "retrieved [1-9]" out | grep -qF "esc/"'

run extract -v -C x1 e.mdlza
expect "extract -v: names escaped on stderr" \
    '[ $rc -eq 0 ] && ! raw err && grep -qxF "esc/tab\there" err && grep -qxF "esc/c1\302\233x" err'
expect "... and the files are there under their real names" \
    'for n in "${names[@]}"; do cmp -s "esc/$n" "x1/esc/$n" || exit 1; done'
run extract -C x1 e.mdlza
expect "extract errors (exists) name the files escaped, one line each" \
    '[ $rc -eq 1 ] && ! raw err && [ "$(grep -c "exists (use -f" err)" -eq 7 ] && grep -qF "mdlz: esc/bad\200byte: exists" err'
run extract -C x2 e.mdlza "$(printf 'esc/new\nline')"
expect "a name given raw on the command line is found" \
    '[ $rc -eq 0 ] && cmp -s "esc/${names[0]}" "x2/esc/${names[0]}" && [ "$(find x2 -type f -printf x)" = x ]'
run extract -C x3 e.mdlza "$(printf 'esc/no\033[such')"
expect "a name not in the archive is escaped in the error" \
    '[ $rc -eq 1 ] && ! raw err && grep -qF "mdlz: esc/no\033[such: not in the archive" err'
run test e.mdlza
expect "test passes" '[ $rc -eq 0 ] && ! raw err'
run rm -v e.mdlza "esc/${names[1]}"
expect "rm -v: the name removed, escaped" \
    '[ $rc -eq 0 ] && ! raw err && grep -qxF "removed esc/tab\there" err'
finish
