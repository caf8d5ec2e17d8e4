#!/usr/bin/env bash
# test_archive.sh - `mdlz archive` end to end (docs/archive.md): round trips
# of directory trees (empty files and directories, unicode names, spaces,
# binary data, a file larger than a group, many small files) with modes and
# mtimes; archives of one empty directory or one empty file; extraction of
# one file or one directory; list and test; add (old groups byte for byte,
# names already present refused); overwrite rules of create and extract;
# path safety (planted symlinks, symlinks in the input, crafted unsafe
# names); damaged groups (only the files that need them fail), a file that
# exists still serving the files that retrieved it; a damaged or truncated
# TOC (everything lost, one line), a damaged or cut trailer or a damaged
# header (nothing lost: the TOC is found without them); determinism across
# runs and thread counts; a ~2 MB subset of the python-docs corpus when it
# is there.
#
# Usage: test_archive.sh PATH/TO/mdlz PATH/TO/craft SAMPLES_DIR [CORPUS_DIR]
# (craft: tests/archive/craft.c). Prints "ok - NAME" / "not ok - NAME",
# then "N passed, M failed".
# shellcheck disable=SC2016,SC2034 # expect evaluates its condition later
# shellcheck source=tests/archive/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---- a tree with everything -------------------------------------------------
mkdir -p tree/sub/deeper tree/emptydir "tree/café" "tree/with space" tree/many
: >tree/empty.txt
: >tree/sub/deeper/empty2
printf 'hello\n' >tree/sub/hello.txt
printf 'naïve – ünïcödé content\n' >"tree/café/naïve – ü.txt"
printf 'spaces\n' >"tree/with space/a file.txt"
head -c 20000 /dev/urandom >tree/sub/random.bin
cat "$S"/*.txt | head -c 150000 >tree/big.txt # > --group-size=64K
for i in $(seq 1 200); do echo "file $i: $((i * i)) $((i * 7919 % 1000))" >tree/many/f$i.txt; done
chmod 0600 tree/sub/hello.txt
chmod 0755 tree/sub/random.bin
chmod 0444 "tree/café/naïve – ü.txt"
chmod 0640 tree/big.txt
chmod 0750 tree/sub
chmod 0700 tree/emptydir
find tree -type f -exec touch -d '2001-02-03 04:05:06' {} +
touch -d '1965-06-07 08:09:10' tree/sub/hello.txt # before 1970
touch -d '2100-01-01 00:00:00' tree/big.txt
find tree -depth -type d -exec touch -d '2010-10-10 10:10:10' {} +
touch -d '1999-12-31 23:59:59' tree/sub/deeper

run create -q --group-size=64K a.mdlza tree
expect "create a tree (--group-size=64K)" '[ $rc -eq 0 ] && [ -s a.mdlza ] && [ ! -s err ]'
run create -q --group-size=64K again.mdlza tree
expect "deterministic: the same tree twice" 'cmp -s again.mdlza a.mdlza'
run extract -q -C x1 a.mdlza
expect "round trip: contents (diff -r)" '[ $rc -eq 0 ] && diff -r tree x1/tree >/dev/null'
expect "round trip: modes, mtimes, types, sizes" '[ "$(meta tree)" = "$(meta x1/tree)" ]'
expect "round trip: nothing else written" \
    '[ "$(ls -A x1)" = tree ] && [ -z "$(find x1 -name ".?*")" ]'
run list a.mdlza
names_of | sort >names
expected_names tree >want
expect "list shows every file and directory" '[ $rc -eq 0 ] && cmp -s names want'
expect "list: a closing summary line" 'tail -1 out | grep -q "entries, .* groups"'
run list -v a.mdlza
expect "list -v shows the groups" '[ $rc -eq 0 ] && grep -q "group 0:" out'
run list a.mdlza
awk 'NR > 1 && $1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ { print $1, $2, $3, $4, $5, $6 }' out >cols.table
run list --json a.mdlza
cp out list.jsonl
expect "list --json: one object per entry, no heading, no summary" \
    '[ $rc -eq 0 ] && [ "$(wc -l <list.jsonl)" -eq "$(wc -l <want)" ]'
jsonl list.jsonl name type | awk -F'\t' '{ print $1 ($2 == "dir" ? "/" : "") }' | sort >names.json
expect "list --json: the names list prints (UTF-8, directories typed)" \
    '[ -s names.json ] && cmp -s names.json names'
jsonl list.jsonl type size csize group retrieved decode_cost decode_files |
    awk -F'\t' '$1 == "file" { print $2, $3, $4, $5, $6, $7 }' | sed 's/null/-/g' >cols.json
expect "list --json: size, compressed, group, retrieved, decode cost and files are the table's" \
    '[ -s cols.json ] && cmp -s cols.json cols.table'
run test --json a.mdlza
expect "--json outside list is a usage error" '[ $rc -eq 2 ] && grep -q json err'
run test a.mdlza
expect "test passes" '[ $rc -eq 0 ] && grep -q "entries OK" err'
run extract -q -T1 -C x1b a.mdlza
expect "round trip with -T1" '[ $rc -eq 0 ] && diff -r tree x1b/tree >/dev/null'

# Awkward names: a newline, a leading dash, a backslash, 250 bytes, 60
# levels of directories.
mkdir -p odd
printf 'nl\n' >"odd/new
line"
printf 'dash\n' >odd/-x
printf 'bs\n' >'odd/back\slash'
printf 'long\n' >"odd/$(printf 'L%.0s' $(seq 1 250))"
d=odd
for i in $(seq 1 60); do d=$d/d$i; done
mkdir -p "$d" && printf 'deep\n' >"$d/f"
run create -q o.mdlza odd
run extract -q -C xo o.mdlza
expect "awkward names round trip (newline, -x, backslash, 250 bytes, depth 60)" \
    '[ $rc -eq 0 ] && diff -r odd xo/odd >/dev/null'

# Set-id bits are not restored.
mkdir suid && printf 'x\n' >suid/prog && chmod 4755 suid/prog
run create -q su.mdlza suid
run extract -q -C xsu su.mdlza
expect "set-id bits are dropped on extraction" \
    '[ $rc -eq 0 ] && [ "$(stat -c %a xsu/suid/prog)" = 755 ]'

# ---- degenerate archives ----------------------------------------------------
mkdir onlydir && chmod 0751 onlydir && touch -d '2005-05-05 05:05:05' onlydir
run create -q d.mdlza onlydir
expect "archive of an empty directory" '[ $rc -eq 0 ]'
run extract -q -C xd d.mdlza
expect "... extracts it with mode and mtime" \
    '[ $rc -eq 0 ] && [ -d xd/onlydir ] && [ "$(meta onlydir)" = "$(meta xd/onlydir)" ]'
run list d.mdlza
expect "... lists it" '[ $rc -eq 0 ] && names_of | grep -qx "onlydir/"'
run test d.mdlza
expect "... tests OK" '[ $rc -eq 0 ]'
: >zero && chmod 0604 zero && touch -d '2002-02-02 02:02:02' zero
run create -q z.mdlza zero
expect "archive of one empty file" '[ $rc -eq 0 ]'
run extract -q -C xz z.mdlza
expect "... extracts it (size 0, mode, mtime)" \
    '[ $rc -eq 0 ] && [ -f xz/zero ] && [ "$(stat -c "%s %a %Y" xz/zero)" = "$(stat -c "%s %a %Y" zero)" ]'
run test z.mdlza
expect "... tests OK" '[ $rc -eq 0 ]'

# ---- partial extraction -----------------------------------------------------
run extract -q -C x2 a.mdlza "tree/café/naïve – ü.txt"
expect "one file: equals the original" \
    '[ $rc -eq 0 ] && cmp -s "tree/café/naïve – ü.txt" "x2/tree/café/naïve – ü.txt"'
expect "one file: nothing else written" '[ "$(find x2 ! -type d | wc -l)" -eq 1 ]'
run extract -q -C x3 a.mdlza tree/many/f77.txt
expect "one small file of a group" \
    '[ $rc -eq 0 ] && cmp -s tree/many/f77.txt x3/tree/many/f77.txt && [ "$(find x3 ! -type d | wc -l)" -eq 1 ]'
run extract -q -C x4 a.mdlza tree/sub
expect "a directory: what is under it" \
    '[ $rc -eq 0 ] && diff -r tree/sub x4/tree/sub >/dev/null && [ "$(ls -A x4/tree)" = sub ] && [ "$(meta tree/sub)" = "$(meta x4/tree/sub)" ]'
run extract -q -C x5 a.mdlza tree/sub/
expect "a directory with a trailing slash" '[ $rc -eq 0 ] && diff -r tree/sub x5/tree/sub >/dev/null'
run extract -q -C x6 a.mdlza tree/nosuch
expect "a name not in the archive: exit 1, one line, nothing written" \
    '[ $rc -eq 1 ] && one_line_err && grep -q "not in the archive" err && no_files x6'
run extract -q -C x7 a.mdlza tree/su
expect "a prefix of a name is not a name" '[ $rc -eq 1 ] && no_files x7'
run extract -q -C x8 a.mdlza tree/nosuch tree/sub/hello.txt
expect "known and unknown names: the known one extracted, exit 1" \
    '[ $rc -eq 1 ] && cmp -s tree/sub/hello.txt x8/tree/sub/hello.txt'

# ---- add --------------------------------------------------------------------
mkdir -p more/deep
tail -c 60000 "$S/1901_theodore_roosevelt_r.txt" >more/deep/tail.txt
head -c 3000 "$S/1862_abraham_lincoln_r.txt" >more/lincoln.txt
: >more/empty3
printf 'more\n' >"more/naïve.txt"
cp a.mdlza a0.mdlza
toc0=$(toc_offset a0.mdlza)
run add -q --group-size=64K a.mdlza more
expect "add a second tree" '[ $rc -eq 0 ]'
expect "add: the original groups are unchanged (bytes up to the old TOC)" \
    '[ -n "$toc0" ] && cmp -s -n "$toc0" a0.mdlza a.mdlza && [ "$(stat -c %s a.mdlza)" -gt "$(stat -c %s a0.mdlza)" ]'
run extract -q -C x9 a.mdlza
expect "add: old and new files extract" \
    '[ $rc -eq 0 ] && diff -r tree x9/tree >/dev/null && diff -r more x9/more >/dev/null && [ "$(meta more)" = "$(meta x9/more)" ]'
run test a.mdlza
expect "add: test passes" '[ $rc -eq 0 ]'
run extract -q -C x10 a.mdlza more/deep/tail.txt
expect "add: one new file alone" '[ $rc -eq 0 ] && cmp -s more/deep/tail.txt x10/more/deep/tail.txt'
cp a.mdlza a1.mdlza
run add -q a.mdlza more
expect "add: a name already present is refused" \
    '[ $rc -eq 1 ] && one_line_err && grep -q "already in the archive" err'
expect "... the archive is unchanged, no temporary file left" \
    'cmp -s a.mdlza a1.mdlza && [ -z "$(ls a.mdlza.*tmp 2>/dev/null)" ]'
mkdir -p addz && : >addz/e
run add -q d.mdlza addz
run extract -q -C xaz d.mdlza
expect "add to an archive without groups" \
    '[ $rc -eq 0 ] && [ -d xaz/onlydir ] && [ -f xaz/addz/e ]'

# A new name under an existing file name (or the reverse) could never be
# extracted with it: add must refuse it as it refuses a name present.
mkdir -p cf/one cf/two/x && printf '1\n' >cf/one/x && printf '2\n' >cf/two/x/y
(cd cf/one && "$M" archive create -q ../../cf.mdlza x) </dev/null >/dev/null 2>&1
cp cf.mdlza cf0.mdlza
(cd cf/two && "$M" archive add -q ../../cf.mdlza x/y) </dev/null >out 2>err
rc=$?
expect "add refuses x/y when x is a file of the archive" \
    '[ $rc -eq 1 ] && one_line_err && cmp -s cf.mdlza cf0.mdlza'
mkdir -p cf/three/x && printf '3\n' >cf/three/x/y && printf '4\n' >cf/four
(cd cf/three && "$M" archive create -q ../../cf2.mdlza x/y) </dev/null >/dev/null 2>&1
cp cf2.mdlza cf20.mdlza
(cd cf && cp four x && "$M" archive add -q ../cf2.mdlza x) </dev/null >out 2>err
rc=$?
expect "add refuses a file x when the archive has x/y" \
    '[ $rc -eq 1 ] && one_line_err && cmp -s cf2.mdlza cf20.mdlza'

# ---- overwriting ------------------------------------------------------------
cp a0.mdlza c.mdlza
run create -q c.mdlza more
expect "create refuses an existing archive" \
    '[ $rc -eq 1 ] && one_line_err && cmp -s c.mdlza a0.mdlza'
run create -q -f c.mdlza more
run list c.mdlza
expect "create -f replaces it" \
    '[ $rc -eq 0 ] && names_of | grep -q "^more/" && ! names_of | grep -q "^tree/"'
run extract -q -C ow a.mdlza tree/sub/hello.txt tree/empty.txt
echo changed >ow/tree/sub/hello.txt
echo changed >ow/tree/empty.txt
run extract -q -C ow a.mdlza tree/sub/hello.txt tree/empty.txt
expect "extract refuses to replace existing files" \
    '[ $rc -eq 1 ] && grep -q exists err && [ "$(cat ow/tree/sub/hello.txt)" = changed ] && [ "$(cat ow/tree/empty.txt)" = changed ]'
expect "... leaves no temporary file" '[ -z "$(find ow -name ".?*")" ]'
run extract -q -f -C ow a.mdlza tree/sub/hello.txt tree/empty.txt
expect "extract -f replaces them" \
    '[ $rc -eq 0 ] && cmp -s tree/sub/hello.txt ow/tree/sub/hello.txt && [ ! -s ow/tree/empty.txt ]'

# ---- path safety ------------------------------------------------------------
mkdir -p ps/src/sub elsewhere
printf 'x\n' >ps/src/sub/x.txt
(cd ps/src && "$M" archive create -q ../s.mdlza sub) </dev/null >/dev/null 2>&1
mkdir ps/out && ln -s "$T/elsewhere" ps/out/sub
before=$(stat -c '%a %Y' elsewhere)
run extract -q -C ps/out ps/s.mdlza
expect "planted symlink to a directory: not followed" \
    '[ $rc -eq 1 ] && no_files elsewhere && [ -L ps/out/sub ] && [ "$(stat -c "%a %Y" elsewhere)" = "$before" ]'
mkdir -p ps/out2/sub && printf 'secret\n' >victim
ln -s "$T/victim" ps/out2/sub/x.txt
run extract -q -C ps/out2 ps/s.mdlza
expect "planted symlink as the file: refused without -f" \
    '[ $rc -eq 1 ] && [ "$(cat victim)" = secret ] && [ -L ps/out2/sub/x.txt ]'
run extract -q -f -C ps/out2 ps/s.mdlza
expect "... with -f the link is replaced, its target untouched" \
    '[ $rc -eq 0 ] && [ "$(cat victim)" = secret ] && [ ! -L ps/out2/sub/x.txt ] && [ "$(cat ps/out2/sub/x.txt)" = x ]'
mkdir -p tl && printf 'a\n' >tl/a.txt && ln -s a.txt tl/link && ln -s /etc tl/dirlink
run create tl.mdlza tl
expect "create skips symlinks with a warning" \
    '[ $rc -eq 0 ] && [ "$(grep -c "symbolic link not stored" err)" -eq 2 ]'
run list tl.mdlza
expect "... and stores neither them nor what they point to" \
    '[ "$(names_of | sort | tr "\n" " ")" = "tl/ tl/a.txt " ]'
run create -q dd.mdlza tree/../more
expect "create refuses a path with .." '[ $rc -eq 1 ] && one_line_err && [ ! -e dd.mdlza ]'
run create -q abs.mdlza "$T/more"
run list abs.mdlza
expect "an absolute path is stored without its leading /" \
    '[ $rc -eq 0 ] && names_of | grep -qxF "${T#/}/more/lincoln.txt"'
run create -q tree/self.mdlza tree
run list tree/self.mdlza
expect "the archive being written is not stored in itself" \
    '[ $rc -eq 0 ] && ! names_of | grep -q self.mdlza'
rm -f tree/self.mdlza
# ... nor, with -f, the archive it replaces; nor by add, the archive added to
mkdir -p selfc/in && printf 'hi\n' >selfc/in/a.txt
(cd selfc/in && "$M" archive create -q s.mdlza . && "$M" archive create -q -f s.mdlza .) \
    </dev/null >/dev/null 2>err
rc=$?
run list selfc/in/s.mdlza
expect "create -f does not store the archive it replaces" \
    '[ $rc -eq 0 ] && [ "$(names_of | tr "\n" " ")" = "a.txt " ]'
mkdir -p selfa/d && printf 'hi\n' >selfa/other && printf 'new\n' >selfa/d/new.txt
(cd selfa && "$M" archive create -q d/s.mdlza other && "$M" archive add -q d/s.mdlza d) \
    </dev/null >/dev/null 2>err
rc=$?
run list selfa/d/s.mdlza
expect "add does not store the archive it adds to" \
    '[ $rc -eq 0 ] && ! names_of | grep -q "s.mdlza"'

# Crafted archives with unsafe names: refused when the TOC is read.
"$C" name good.mdlza ok/name.txt
run extract -q -C xg good.mdlza
expect "craft: a safe crafted archive extracts" \
    '[ $rc -eq 0 ] && [ "$(cat xg/ok/name.txt)" = evil ]'
mkdir -p deep/er/cwd
i=0
for name in "../evil" "/abs-evil" "a/../../evil" "a//b" "" "." "a/./b" \
    "a/" ".." "hex:6576696c00782f2e2e" "../evil:dir"; do
    i=$((i + 1))
    case $name in
    *:dir) "$C" name bad$i.mdlza "${name%:dir}" dir ;;
    *) "$C" name bad$i.mdlza "$name" ;;
    esac
    run list bad$i.mdlza
    expect "unsafe name '$name': list refuses (one line, exit 1)" '[ $rc -eq 1 ] && one_line_err'
    (cd deep/er/cwd && "$M" archive extract -q "$T/bad$i.mdlza") </dev/null >out 2>err
    rc=$?
    expect "unsafe name '$name': extract refuses, writes nothing" \
        '[ $rc -eq 1 ] && one_line_err && no_files deep && [ ! -e /abs-evil ] && [ ! -e "$T/evil" ]'
    run test bad$i.mdlza
    expect "unsafe name '$name': test refuses" '[ $rc -eq 1 ]'
done

# ---- damaged archives -------------------------------------------------------
# English text in ~1.8 KB files: a base and many groups of 16K.
mkdir -p cx/tree
for f in "$S"/*.txt; do
    split -b 1800 -d -a 3 "$f" "cx/tree/$(basename "$f" .txt)."
done
run create -q --group-size=16K cx.mdlza cx/tree
expect "create a tree of many groups" '[ $rc -eq 0 ]'
"$C" info cx.mdlza >info
ngroups=$(grep -c '^group' info)
nbase=$(awk '$1 == "group" && $9 == 0' info | wc -l)
ndep=$(awk '$1 == "group" && $9 > 0' info | wc -l)
expect "several groups, a base and groups that retrieved ($ngroups groups)" \
    '[ "$ngroups" -ge 6 ] && [ "$nbase" -ge 1 ] && [ "$ndep" -ge 3 ]'

# check_damage ARCHIVE GROUP: extract; files that do not need GROUP must
# come out identical; the others identical or absent and reported.
check_damage() {
    local a=$1 g=$2 dir=dmg$2 f name ok=1 absent=0 needs
    needs=$("$C" needs "$a" "$g")
    run extract -q -C "$dir" "$a"
    dmg_rc=$rc
    while IFS= read -r name; do
        if cmp -s "$name" "$dir/$name"; then continue; fi
        if ! grep -qxF -- "$name" <<<"$needs"; then
            echo "#   $name does not need group $g but did not extract"; ok=0
        elif [ -e "$dir/$name" ]; then
            echo "#   $name written with wrong content"; ok=0
        elif ! grep -qF -- "mdlz: $name: " err; then
            echo "#   $name missing but not reported"; ok=0
        else
            absent=$((absent + 1))
        fi
    done < <(find cx/tree -type f)
    dmg_absent=$absent
    [ -z "$(find "$dir" -name '.?*')" ] || { echo "#   temporary files left"; ok=0; }
    [ "$ok" = 1 ]
}
g=$(awk '$1 == "group" && $9 > 0 {print $2}' info | sed -n "$(((ndep + 1) / 2))p")
read -r off csize <<<"$(awk -v g="$g" '$1 == "group" && $2 == g {print $3, $4}' info)"
cp cx.mdlza cxbad.mdlza
flip cxbad.mdlza $((off + csize / 2)) 4
expect "damaged group $g: every file that does not need it extracts identically" \
    'check_damage cxbad.mdlza "$g"'
expect "... exit 1, one line per failed file (${dmg_absent} failed)" \
    '[ $dmg_rc -eq 1 ] && [ "$dmg_absent" -ge 1 ] && [ "$(wc -l <err)" -eq "$dmg_absent" ]'
run test cxbad.mdlza
expect "... test fails" '[ $rc -eq 1 ]'
run list cxbad.mdlza
expect "... list still works (the TOC is intact)" '[ $rc -eq 0 ]'
first=$(grep '^group 0 ' info | awk '{print $7}')
gname=$(awk -v e="$first" '$1 == "entry" && $2 == e {print $6}' info)
run extract -q -C dmgone cxbad.mdlza "$gname"
expect "... a file of an undamaged group extracts alone" \
    '[ $rc -eq 0 ] && cmp -s "$gname" "dmgone/$gname"'
# A base group that others retrieved from: its dependents may fail too.
read -r off csize <<<"$(awk '$1 == "group" && $2 == 0 {print $3, $4}' info)"
cp cx.mdlza cxbase.mdlza
flip cxbase.mdlza $((off + csize / 2)) 4
expect "damaged base group 0: files that do not need it extract identically" \
    'check_damage cxbase.mdlza 0'
expect "... exit 1, one line per failed file (${dmg_absent} failed)" \
    '[ $dmg_rc -eq 1 ] && [ "$dmg_absent" -ge 1 ] && [ "$(wc -l <err)" -eq "$dmg_absent" ]'
# A file retrieved by other groups that exists already (no -f): only it
# fails; its verified text still serves the groups that retrieved it.
dep=$(awk '$1 == "group" && $9 > 0 {print $10; exit}' info)
depname=$(awk -v e="$dep" '$1 == "entry" && $2 == e {print $6}' info)
run extract -q -C ex cx.mdlza "$depname"
run extract -q -C ex cx.mdlza
expect "an existing file others retrieved: only it fails (exists), the rest extracts" \
    '[ $rc -eq 1 ] && one_line_err && grep -qF "mdlz: $depname: exists" err && diff -r cx/tree ex/cx/tree >/dev/null'
# The last bytes of a group (its stream's trailer): all files complete.
read -r off csize <<<"$(awk -v g="$g" '$1 == "group" && $2 == g {print $3, $4}' info)"
cp cx.mdlza cxend.mdlza
flip cxend.mdlza $((off + csize - 2)) 1
run test cxend.mdlza
expect "damaged end of a group's stream: test fails" '[ $rc -eq 1 ]'

size=$(stat -c %s cx.mdlza)
tocoff=$(toc_offset cx.mdlza)
toclen=$(u64_at cx.mdlza $((size - 16)))
# damaged_one NAME FILE: an archive whose table of contents is lost (or
# that is none): each command says so in one line, exit 1, writes nothing.
damaged_one() {
    local what=$1 file=$2 cmd
    for cmd in list test extract; do
        rm -rf dx
        if [ $cmd = extract ]; then run extract -q -C dx "$file"; else run $cmd "$file"; fi
        expect "$what: $cmd gives one error line, exit 1" \
            '[ $rc -eq 1 ] && one_line_err && grep -q "^mdlz: " err'
    done
    expect "$what: nothing extracted" 'no_files dx'
}
# recovered NAME FILE: damage outside the table of contents (header,
# trailer) loses nothing: one line says what is damaged, exit 1, and list,
# test and extract still see and give every file.
n_names=$(expected_names cx/tree | wc -l)
recovered() {
    local what=$1 file=$2
    run list "$file"
    expect "$what: list says so in one line (exit 1) and lists everything" \
        '[ $rc -eq 1 ] && one_line_err && grep -q "^mdlz: $file: .*damaged" err && [ "$(names_of | wc -l)" -eq "$n_names" ]'
    run test "$file"
    expect "$what: test says so, and every file is OK" \
        '[ $rc -eq 1 ] && [ "$(wc -l <err)" -eq 2 ] && grep -q ": $n_names entries OK" err'
    rm -rf dx
    run extract -q -C dx "$file"
    expect "$what: extract gives every file, identical" \
        '[ $rc -eq 1 ] && one_line_err && diff -r cx/tree dx/cx/tree >/dev/null'
}
for n in 1 24 $((size / 2)) $((tocoff + toclen / 2)) $((size - 25)); do
    head -c "$n" cx.mdlza >trunc.mdlza
    damaged_one "truncated to $n bytes" trunc.mdlza
done
for n in $((size - 24)) $((size - 17)) $((size - 1)); do
    head -c "$n" cx.mdlza >trunc.mdlza
    recovered "truncated to $n bytes (within the trailer)" trunc.mdlza
done
: >emptyfile.mdlza
damaged_one "an empty file" emptyfile.mdlza
printf 'hello, not an archive\n' >notarc.mdlza
damaged_one "not an archive" notarc.mdlza
cp cx.mdlza bad.mdlza && flip bad.mdlza $((tocoff + toclen / 2)) 2
damaged_one "TOC frame damaged" bad.mdlza
cp cx.mdlza bad.mdlza && flip bad.mdlza $((size - 20)) 1
recovered "trailer: TOC length flipped" bad.mdlza
cp cx.mdlza bad.mdlza && flip bad.mdlza $((size - 2)) 1
recovered "trailer: magic flipped" bad.mdlza
cp cx.mdlza bad.mdlza && flip bad.mdlza 10 1
recovered "header: reserved byte flipped" bad.mdlza
cp cx.mdlza bad.mdlza && flip bad.mdlza 0 1
recovered "header: magic flipped" bad.mdlza
cp cx.mdlza bad.mdlza && flip bad.mdlza 12 1 && flip bad.mdlza $((size - 8)) 1
recovered "header and trailer damaged" bad.mdlza
cp cx.mdlza bad.mdlza && flip bad.mdlza 0 1 && flip bad.mdlza $((size - 2)) 1
damaged_one "magic and trailer damaged" bad.mdlza
cat cx.mdlza cx.mdlza >bad.mdlza
run test bad.mdlza
expect "two archives back to back: test fails" '[ $rc -eq 1 ] && one_line_err'

# Crafted TOC bodies: each refused with a message.
for body in "" 02 01 0101 010100 0100010101 01000101016100 0100020161 \
    01010b0500000001000100 0100010005612f2e2e2f6100000000 \
    01011000050000010001610000050100000000; do
    "$C" toc toc.mdlza "$body"
    "$C" open toc.mdlza >out 2>err
    rc=$?
    expect "TOC body '$body': refused with a message" '[ $rc -eq 1 ]'
    run list toc.mdlza
    expect "TOC body '$body': list fails, one printable line" \
        '[ $rc -eq 1 ] && one_line_err && ! LC_ALL=C grep -q "[^[:print:]]" err'
done
# A group of 0 bytes for a file of 5: opens, the file fails.
"$C" toc toc.mdlza 0101100005000001000161a4030005010000000000
run list toc.mdlza
expect "a group of 0 bytes: list works" '[ $rc -eq 0 ]'
run extract -q -C xtoc toc.mdlza
expect "a group of 0 bytes: extract fails for the file, one line" \
    '[ $rc -eq 1 ] && one_line_err && grep -q "^mdlz: a: " err && no_files xtoc'
# A TOC that claims a 64 GiB file (retrieved by another) with no data:
# both fail cleanly, without allocating what the TOC claims.
"$C" toc toc.mdlza 010210008080808080020000100005010100020001610000808080808002010000000000000162000005020000000000
run test -q toc.mdlza
expect "a 64 GiB file without its data: test fails, one line per file" \
    '[ $rc -eq 1 ] && [ "$(wc -l <err)" -eq 2 ] && grep -q "^mdlz: a: " err && grep -q "^mdlz: b: " err'
"$C" toc toc.mdlza 010000
run list toc.mdlza
expect "an empty TOC (no groups, no entries) is a valid archive" \
    '[ $rc -eq 0 ] && tail -1 out | grep -q "^0 entries, 0 groups"'

# ---- other options ----------------------------------------------------------
for opts in "--depth=0" "-1 --depth=3 --fan-in=64 --prime=400" "-1 --fan-in=0" \
    "-1 --prime=0"; do
    # shellcheck disable=SC2086
    run create -q --group-size=16K $opts opt.mdlza cx/tree
    c_rc=$rc
    run extract -q -C xopt opt.mdlza
    expect "round trip with $opts" \
        '[ $c_rc -eq 0 ] && [ $rc -eq 0 ] && diff -r cx/tree xopt/cx/tree >/dev/null'
    rm -rf opt.mdlza xopt
done
run create -q -1 --depth=2 --group-size=16K deep2.mdlza cx/tree
"$C" info deep2.mdlza >info2
expect "--depth=2: some group has depth 2" \
    '[ $rc -eq 0 ] && awk "\$1 == \"group\" && \$6 == 2 {f = 1} END {exit !f}" info2'
last=$(awk '$1 == "entry" && $4 >= 0 {n = $6} END {print n}' info2)
run extract -q -C xdeep2 deep2.mdlza "$last"
expect "--depth=2: the last file alone" '[ $rc -eq 0 ] && cmp -s "$last" "xdeep2/$last"'
run test deep2.mdlza
expect "--depth=2: test passes" '[ $rc -eq 0 ]'
for bad in --group-size=1 --group-size=5G --depth=65 --fan-in=65 --prime=401 -T65 --nosuch; do
    run create -q $bad never.mdlza cx/tree
    expect "usage error: $bad (exit 2, nothing written)" '[ $rc -eq 2 ] && [ ! -e never.mdlza ]'
done

# ---- determinism ------------------------------------------------------------
run create -q --group-size=16K -T1 det1.mdlza cx/tree
run create -q --group-size=16K -T2 det2.mdlza cx/tree
expect "deterministic: -T1, -T2 and the default give the same bytes" \
    'cmp -s det1.mdlza cx.mdlza && cmp -s det2.mdlza cx.mdlza'

# ---- a corpus subset --------------------------------------------------------
pd=${CORPUS:+$CORPUS/collections/python-docs}
if need_corpus "$pd" "python-docs subset"; then
    mkdir corpus
    total=0
    while IFS= read -r f; do
        sz=$(stat -c %s "$pd/$f")
        [ $((total + sz)) -gt 2100000 ] && continue
        mkdir -p "corpus/$(dirname "$f")"
        cp -p "$pd/$f" "corpus/$f"
        total=$((total + sz))
        [ "$total" -ge 1900000 ] && break
    done < <(cd "$pd" && find . -type f | sort)
    t0=$SECONDS
    run create -q py.mdlza corpus
    create_rc=$rc
    t1=$SECONDS
    run extract -q -C xpy py.mdlza
    t2=$SECONDS
    expect "python-docs subset ($total bytes; create $((t1 - t0)) s, extract $((t2 - t1)) s)" \
        '[ $create_rc -eq 0 ] && [ $rc -eq 0 ] && diff -r corpus xpy/corpus >/dev/null && [ "$(meta corpus)" = "$(meta xpy/corpus)" ]'
    echo "# python-docs: $total -> $(stat -c %s py.mdlza) bytes"
fi

finish
