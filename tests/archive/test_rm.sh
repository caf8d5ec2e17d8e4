#!/usr/bin/env bash
# test_rm.sh - `mdlz archive rm` (docs/archive.md, "Removing files"):
# removing a file that other groups retrieved recodes exactly the groups
# that held or retrieved it and copies every other group byte for byte;
# the result tests OK, extracts to the tree without the removed files, and
# its groups hold only the remaining files' bytes; a directory removes what
# is under it; removing everything leaves a valid empty archive; a name
# not in the archive, or a damaged archive, is refused with the archive
# unchanged; -v names what was removed; the result is the same for any
# number of threads, and add works on it.
#
# Usage: test_rm.sh PATH/TO/mdlz PATH/TO/craft SAMPLES_DIR
# shellcheck disable=SC2016,SC2034 # expect evaluates its condition later
# shellcheck source=tests/archive/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p cx/tree/sub
for f in "$S"/*.txt; do
    split -b 1800 -d -a 3 "$f" "cx/tree/$(basename "$f" .txt)."
done
mv cx/tree/1962* cx/tree/sub/
run create -q --group-size=16K cx.mdlza cx/tree
"$C" info cx.mdlza >info0
# A file that several groups retrieved, but not all (the fewest >= 2).
victim=$(awk '$1 == "group" {for (i = 10; i <= NF; i++) n[$i]++}
              END {m = 1e9; for (e in n) if (n[e] >= 2 && n[e] < m) {m = n[e]; v = e}; print v}' info0)
vname=$(awk -v e="$victim" '$1 == "entry" && $2 == e {print $6}' info0)
vgroup=$(awk -v e="$victim" '$1 == "entry" && $2 == e {print $4}' info0)
nret=$(awk -v e="$victim" '$1 == "group" {for (i = 10; i <= NF; i++) if ($i == e) n++} END {print n}' info0)
expect "setup: $vname is retrieved by $nret groups" '[ "$nret" -ge 2 ]'

# group_bytes ARCHIVE INFO G: the bytes of group G's stream.
group_bytes() {
    local off csize
    read -r off csize <<<"$(awk -v g="$3" '$1 == "group" && $2 == g {print $3, $4}' "$2")"
    tail -c +$((off + 1)) "$1" | head -c "$csize"
}
# first_name INFO G: the name of group G's first entry.
first_name() {
    local first
    first=$(awk -v g="$2" '$1 == "group" && $2 == g {print $7}' "$1")
    awk -v e="$first" '$1 == "entry" && $2 == e {print $6}' "$1"
}

cp cx.mdlza a.mdlza
run rm -v a.mdlza "$vname"
expect "rm a file other groups retrieved" \
    '[ $rc -eq 0 ] && grep -qxF "removed $vname" err'
"$C" info a.mdlza >info1
run test a.mdlza
expect "... the result tests OK" '[ $rc -eq 0 ]'
run list a.mdlza
expect "... list no longer shows it" '[ $rc -eq 0 ] && ! names_of | grep -qxF "$vname"'
run extract -q -C x1 a.mdlza
cp -a cx want1 && rm "want1/${vname#cx/}"
vdir=${vname%/*}
touch -r "$vdir" "want1/${vdir#cx/}"
expect "... the others extract identical (diff -r), modes and mtimes kept" \
    '[ $rc -eq 0 ] && diff -r want1 x1/cx >/dev/null && [ "$(meta want1/tree)" = "$(meta x1/cx/tree)" ]'
# Which old groups must be recoded: the victim's, and those retrieving it.
copied=0 recoded=0 wrong=0
while read -r _ g _ _ _ _ _ _ nd deps; do
    name=$(first_name info0 "$g")
    [ "$g" = "$vgroup" ] && [ "$name" = "$vname" ] &&
        name=$(awk -v e=$((victim + 1)) '$1 == "entry" && $2 == e {print $6}' info0)
    ng=$(awk -v n="$name" '$1 == "entry" && $6 == n {print $4}' info1)
    affected=0
    [ "$g" = "$vgroup" ] && affected=1
    for d in $deps; do [ "$d" = "$victim" ] && affected=1; done
    if [ "$affected" = 1 ]; then
        recoded=$((recoded + 1))
    elif cmp -s <(group_bytes cx.mdlza info0 "$g") <(group_bytes a.mdlza info1 "$ng"); then
        copied=$((copied + 1))
    else
        echo "# group $g ($name) was not affected but changed"; wrong=$((wrong + 1))
    fi
done < <(grep '^group' info0)
expect "... the groups not holding or retrieving it are copied byte for byte ($copied copied, $recoded recoded)" \
    '[ "$wrong" -eq 0 ] && [ "$copied" -ge 1 ] && [ "$recoded" -ge 3 ]'
expect "... no group retrieves the removed file any more" \
    '! awk "\$1 == \"group\" && NF > 9" info1 | grep -q "x$vname\$"'
sum_raw=$(awk '$1 == "group" {s += $5} END {print s + 0}' info1)
sum_files=$(find want1 -type f -printf '%s\n' | awk '{s += $1} END {print s}')
expect "... its groups hold exactly the remaining files' bytes ($sum_raw)" \
    '[ "$sum_raw" -eq "$sum_files" ]'
run list a.mdlza
expect "... list's totals say so" 'tail -1 out | grep -q "entries, .* groups, $sum_files -> "'
cp cx.mdlza t1.mdlza && cp cx.mdlza t2.mdlza
"$M" archive rm -q -T1 t1.mdlza "$vname" </dev/null
"$M" archive rm -q -T2 t2.mdlza "$vname" </dev/null
expect "rm gives the same bytes with -T1, -T2 and the default" \
    'cmp -s t1.mdlza a.mdlza && cmp -s t2.mdlza a.mdlza'

# A base file retrieved by many, then one of each kind.
cp cx.mdlza b.mdlza
run rm -q b.mdlza cx/tree/sub
run list b.mdlza
expect "rm a directory: everything under it goes, the directory too" \
    '! names_of | grep -q "^cx/tree/sub"'
run extract -q -C x2 b.mdlza
expect "... the rest extracts identical" \
    '[ $rc -eq 0 ] && diff -r <(cd cx/tree && find . ! -path "./sub*" | sort) <(cd x2/cx/tree && find . | sort) >/dev/null && [ -z "$(find x2 -path "*sub*")" ]'
mkdir -p more && cp "$S/1862_abraham_lincoln_r.txt" more/
run add -q --group-size=16K b.mdlza more
run test b.mdlza
expect "add after rm works" '[ $rc -eq 0 ]'

cp cx.mdlza c.mdlza
run rm -q c.mdlza cx/tree/nosuch "$vname"
expect "a name not in the archive: refused, one line, the archive unchanged" \
    '[ $rc -eq 1 ] && one_line_err && grep -q "nosuch: not in the archive" err && cmp -s c.mdlza cx.mdlza && [ -z "$(find . -name ".c.mdlza.*")" ]'
run rm -q c.mdlza
expect "rm without a name: a usage error" '[ $rc -eq 2 ] && cmp -s c.mdlza cx.mdlza'
size=$(stat -c %s c.mdlza)
flip c.mdlza $((size - 2)) 1
cp c.mdlza c0.mdlza
run rm -q c.mdlza "$vname"
expect "a damaged archive (trailer): refused, the archive unchanged" \
    '[ $rc -eq 1 ] && one_line_err && grep -q "damaged" err && cmp -s c.mdlza c0.mdlza'

cp cx.mdlza d.mdlza
run rm -q d.mdlza cx
run list d.mdlza
expect "rm everything: a valid empty archive" \
    '[ $rc -eq 0 ] && tail -1 out | grep -q "^0 entries, 0 groups" && "$M" archive test -q d.mdlza </dev/null'
finish
