#!/usr/bin/env bash
# test_stdout.sh - `mdlz archive extract -O` (docs/archive.md): the
# contents of the selected files on standard output, one after the other
# in archive order (whatever the order of the names given, whatever the
# number of workers), nothing written to disk; -O with -C refused; an
# empty selection writes nothing; a damaged group fails the files that
# need it (exit 1, one line each) and the bytes before the first of them
# are exact; a closed pipe with SIGPIPE ignored is one error line.
# (-O to a terminal is allowed, as tar -O allows it.)
#
# Usage: test_stdout.sh PATH/TO/mdlz PATH/TO/craft SAMPLES_DIR
# shellcheck disable=SC2016,SC2034 # expect evaluates its condition later
# shellcheck source=tests/archive/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# English text in ~1.8 KB files: a base and groups that retrieved.
mkdir -p cx/tree/sub
for f in "$S"/*.txt; do
    split -b 1800 -d -a 3 "$f" "cx/tree/$(basename "$f" .txt)."
done
mv cx/tree/1962* cx/tree/sub/
: >cx/tree/empty
run create -q --group-size=16K cx.mdlza cx/tree
expect "create a tree of many groups" '[ $rc -eq 0 ]'
"$C" info cx.mdlza >info
# cat_files NAME...: the files' contents in archive order (entry order).
cat_files() {
    local want n
    want=$(printf '%s\n' "$@")
    awk '$1 == "entry" && $3 == 0 {print $6}' info | while IFS= read -r n; do
        if grep -qxF -- "$n" <<<"$want"; then cat "$n"; fi
    done
}
all=$(awk '$1 == "entry" && $3 == 0 {print $6}' info)
# shellcheck disable=SC2086 # the names have no spaces
cat_files $all >want.all
before=$(ls -A | sort | tr '\n' ' ')

run extract -O cx.mdlza
expect "-O: every file, in archive order" '[ $rc -eq 0 ] && cmp -s out want.all'
expect "-O: nothing written to disk" '[ "$(ls -A | sort | tr "\n" " ")" = "$before" ]'
run extract -O -T1 cx.mdlza
expect "-O -T1: the same bytes" '[ $rc -eq 0 ] && cmp -s out want.all'
last=$(awk '$1 == "entry" && $3 == 0 && $5 > 0 {n = $6} END {print n}' info)
first=$(awk '$1 == "entry" && $3 == 0 && $5 > 0 {print $6; exit}' info)
run extract -O cx.mdlza "$last" "$first"
cat_files "$last" "$first" >want.two
expect "-O NAME NAME: archive order, not the order given" \
    '[ $rc -eq 0 ] && cmp -s out want.two && cmp -s want.two <(cat "$first" "$last")'
run extract -O cx.mdlza cx/tree/sub
# shellcheck disable=SC2046
cat_files $(grep '^cx/tree/sub/' <<<"$all") >want.sub
expect "-O DIR: the files under it" '[ $rc -eq 0 ] && [ -s out ] && cmp -s out want.sub'
run extract -O cx.mdlza cx/tree/empty
expect "-O of an empty file: no bytes" '[ $rc -eq 0 ] && [ ! -s out ]'
run extract -O -C somewhere cx.mdlza
expect "-O with -C: a usage error" '[ $rc -eq 2 ] && [ ! -e somewhere ] && [ ! -s out ]'

# A damaged group in the middle of the archive.
g=$(awk '$1 == "group" && $9 > 0 {print $2}' info | awk '{v[NR] = $0} END {print v[int((NR + 1) / 2)]}')
read -r off csize <<<"$(awk -v g="$g" '$1 == "group" && $2 == g {print $3, $4}' info)"
cp cx.mdlza bad.mdlza
flip bad.mdlza $((off + csize / 2)) 4
needs=$("$C" needs bad.mdlza "$g")
nfail=$(wc -l <<<"$needs")
good=0
while IFS= read -r n; do # bytes of the files before the first that needs g
    grep -qxF -- "$n" <<<"$needs" && break
    good=$((good + $(stat -c %s "$n")))
done <<<"$all"
run extract -O bad.mdlza
expect "-O of a damaged archive: exit 1, one line per failed file" \
    '[ $rc -eq 1 ] && [ "$(grep -c "^mdlz: cx/tree/" err)" -eq "$nfail" ]'
expect "... the bytes before the first failed file are exact ($good)" \
    '[ "$good" -gt 0 ] && [ "$(stat -c %s out)" -ge "$good" ] && cmp -s -n "$good" out want.all'

# SIGPIPE ignored: the write fails with EPIPE, said once.
(trap '' PIPE && "$M" archive extract -O cx.mdlza 2>err </dev/null | head -c 10 >/dev/null
 echo "${PIPESTATUS[0]}" >status)
rc=$(cat status)
expect "-O into a closed pipe (SIGPIPE ignored): exit 1, one line" \
    '[ $rc -eq 1 ] && one_line_err && grep -q "^mdlz: stdout: Broken pipe" err'
finish
