#!/usr/bin/env bash
# test_cli.sh - end-to-end tests of the mdlz command: every option, the
# error paths and their exit codes (0 ok, 1 data/IO error, 2 usage), and
# the promise that no partial output or temporary file is ever left behind
# and inputs are never damaged (including when interrupted by a signal).
#
# Usage: test_cli.sh PATH/TO/mdlz
# Prints "ok - NAME" / "not ok - NAME" per case, then "N passed, M failed".
# The model is slow, so the inputs are small except for the signal test.
#
# Variables set here are read inside expect's eval'd conditions:
# shellcheck disable=SC2034

# shellcheck source=../common/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"

{ [ $# -eq 1 ] && [ -x "$1" ]; } || usage "PATH/TO/mdlz"
M=$(abspath "$1")
harness_init cli
RUN_CMD=("$M")
W=$T/w # working files; captured output lives in $T
mkdir "$W" && cd "$W" || exit 1

# run_tty COMMAND: runs shell code COMMAND on a terminal (script(1)),
# capturing all it prints in $T/err and the exit status ($rc).
run_tty() {
    script -qec "$1" /dev/null </dev/null >"$T/err" 2>&1
    rc=$?
}

present() { [ -e "$1" ]; }
size_of() { wc -c <"$1" | tr -d ' '; }
mode_of() { stat -c %a "$1"; }
mtime_of() { stat -c %Y "$1"; }

# ---- inputs -----------------------------------------------------------------
i=0
while [ $i -lt 120 ]; do
    echo "line $i: the quick brown fox jumps over the lazy dog $((i * i))"
    i=$((i + 1))
done >text
head -c 3000 /dev/urandom >binary
: >empty
printf 'x' >one
cp text text.orig
cp binary binary.orig

# ---- version and help -------------------------------------------------------
run -V
expect "-V prints 'mdlz VERSION'" \
    'is_rc 0 && grep -Eq "^mdlz [0-9]+\.[0-9]+\.[0-9]+$" "$T/out"'
run --version
expect "--version" 'is_rc 0 && grep -Eq "^mdlz [0-9]+\.[0-9]+\.[0-9]+$" "$T/out"'
run -h
expect "-h prints usage" 'is_rc 0 && out_has "Usage: mdlz" && out_has "--memory"'
run --help
expect "--help" 'is_rc 0 && out_has "Usage: mdlz"'

# ---- usage errors -------------------------------------------------------------
run -x text
expect "unknown short option -> 2" 'is_rc 2 && err_has "-x" && absent text.mdlz'
run --bogus text
expect "unknown long option -> 2" 'is_rc 2 && err_has "bogus"'
run -0 text
expect "level -0 -> 2" 'is_rc 2'
# Multi-digit levels were read digit by digit ("-12" became level 2).
for lv in -12 -19 -10 -99 -123 -c09 -9v12; do
    run $lv text
    expect "level $lv -> 2, named, nothing written" \
        'is_rc 2 && one_line_err && err_has "levels are -1 .. -9" && absent text.mdlz && out_empty'
done
run -12 -c text
expect "the message names the level given" 'err_has "'"'"'-12'"'"'"'
for mode in whole online both none; do
    run --retrieval=$mode -c text
    expect "--retrieval=$mode without -R -> 2 naming -R" \
        'is_rc 2 && one_line_err && err_has "needs -R" && out_empty'
done
run -d --retrieval=whole -c text.mdlz
expect "--retrieval without -R on decompression -> 2" 'is_rc 2 && err_has "needs -R"'
run --memory=12X text
expect "bad --memory size -> 2" 'is_rc 2 && err_has "12X"'
run --memory
expect "--memory without a value -> 2" 'is_rc 2'
run text -o
expect "-o without a value -> 2" 'is_rc 2'
run -o out.mdlz text binary
expect "-o with two inputs -> 2" 'is_rc 2 && absent out.mdlz'
run --keep=yes text
expect "argument to a flag option -> 2" 'is_rc 2'
expect "usage errors write nothing" 'absent text.mdlz && no_tmp'

# ---- compression and decompression of files ---------------------------------
run text
expect "compress FILE -> FILE.mdlz, input kept" \
    'is_rc 0 && present text.mdlz && same text text.orig && err_empty && out_empty'
expect "compressed output is smaller" '[ "$(size_of text.mdlz)" -lt "$(size_of text)" ]'
mv text text.keep
run -d text.mdlz
expect "decompress FILE.mdlz -> FILE" \
    'is_rc 0 && same text text.orig && present text.mdlz && no_tmp'
mv text.keep text
run -d text.mdlz
expect "existing output without -f -> 1" \
    'is_rc 1 && err_has "text" && err_has "exists" && one_line_err && same text text.orig'
echo "precious" >text.mdlz.target
cp text.mdlz.target precious.orig
run -o text.mdlz.target text
expect "existing -o output without -f is unchanged" \
    'is_rc 1 && same text.mdlz.target precious.orig && no_tmp'
run -f -o text.mdlz.target text
expect "-f overwrites" 'is_rc 0 && same text.mdlz.target text.mdlz'
echo "junk" >text2
run -d -f -o text2 text.mdlz
expect "-f overwrites on decompression" 'is_rc 0 && same text2 text.orig'
run --force --decompress -o text2 text.mdlz
expect "--force --decompress" 'is_rc 0 && same text2 text.orig'
rm -f text2 text.mdlz.target precious.orig

run -z -k binary
expect "-z -k compress binary data, keep input" \
    'is_rc 0 && present binary.mdlz && same binary binary.orig'
run --compress --keep -f binary
expect "--compress --keep" 'is_rc 0 && same binary binary.orig'
run -dc binary.mdlz
expect "combined -dc: binary round trip to stdout" 'is_rc 0 && same "$T/out" binary.orig'

run empty
run_in empty.mdlz -d
expect "empty file round trip" \
    'is_rc 0 && present empty.mdlz && out_empty && [ "$(size_of empty.mdlz)" -gt 0 ]'
run one
run -d -c one.mdlz
expect "1-byte file round trip" 'is_rc 0 && same "$T/out" one'

# ---- standard input and output ----------------------------------------------
"$M" <text | "$M" -d >piped 2>"$T/err"
expect "stdin -> stdout pipe (cat x | mdlz | mdlz -d)" 'same piped text && err_empty'
run_in text -
cp "$T/out" dash.mdlz
run_in dash.mdlz -d -
expect "'-' names stdin/stdout" 'is_rc 0 && same "$T/out" text'
run -c text
cp "$T/out" stdout.mdlz
expect "-c writes to stdout, no file" 'is_rc 0 && same stdout.mdlz text.mdlz'
run --stdout -d stdout.mdlz
expect "--stdout on decompression" 'is_rc 0 && same "$T/out" text'
run -o - text
expect "-o - writes to stdout" 'is_rc 0 && same "$T/out" text.mdlz'
run -c text binary
cp "$T/out" text_binary.mdlz
run_in text_binary.mdlz -d
cat text binary >text_binary
expect "-c with several files concatenates streams, -d decodes all" \
    'is_rc 0 && same "$T/out" text_binary'
run_in text -o fromstdin.mdlz
run -dc fromstdin.mdlz
expect "stdin -> -o FILE" 'is_rc 0 && same "$T/out" text'
run -oattached.mdlz text
run -d -oattached.out attached.mdlz
expect "-oFILE attached" 'is_rc 0 && same attached.out text'
if [ -w /dev/full ]; then
    "$M" -c text >/dev/full 2>"$T/err"
    rc=$?
    expect "write error on stdout (/dev/full) -> 1" 'is_rc 1 && err_has "space"'
    run -o /dev/full text
    expect "write error on a device (-o /dev/full) -> 1" 'is_rc 1 && err_has "/dev/full"'
fi
run -d -o /dev/null text.mdlz
expect "-o /dev/null needs no -f and stays a device" 'is_rc 0 && [ -c /dev/null ]'
rm -f piped dash.mdlz stdout.mdlz text_binary text_binary.mdlz fromstdin.mdlz attached.mdlz attached.out

# ---- names --------------------------------------------------------------------
cp text.mdlz nosuffix
run -d nosuffix
expect "decompress a name without .mdlz -> 1" \
    'is_rc 1 && err_has "nosuffix" && err_has "suffix" && one_line_err'
run -d -c nosuffix
expect "... but -c works" 'is_rc 0 && same "$T/out" text'
run -d -o named nosuffix
expect "... and -o works" 'is_rc 0 && same named text'
rm -f nosuffix named
cp text.mdlz again.mdlz
run again.mdlz
expect "compressing a .mdlz file is refused without -f" \
    'is_rc 1 && err_has "again.mdlz" && err_has "already has .mdlz suffix" && absent again.mdlz.mdlz'
run -f again.mdlz
expect "... and done with -f" 'is_rc 0 && present again.mdlz.mdlz'
rm -f again.mdlz again.mdlz.mdlz
cp text ./-dash
run -- -dash
expect "-- ends options" 'is_rc 0 && present ./-dash.mdlz'
rm -f ./-dash ./-dash.mdlz
mkdir adir
run adir
expect "directory is refused" 'is_rc 1 && err_has "adir" && err_has "directory" && absent adir.mdlz'
run -d adir
expect "directory is refused on decompression" 'is_rc 1 && err_has "directory"'
run missing
expect "missing input -> 1" 'is_rc 1 && err_has "missing" && one_line_err'

# ---- files that are not files ---------------------------------------------------
# A device node: a private copy of /dev/null when mknod works (root), so that
# a regression cannot write /dev/null.mdlz; else /dev/null itself (then /dev
# is not writable and nothing can be created next to it).
dev=/dev/null
mknod nulldev c 1 3 2>/dev/null && dev=nulldev
run $dev
expect "a device is skipped -> 1 'not a regular file, skipped'" \
    'is_rc 1 && one_line_err && err_has "$dev: not a regular file, skipped" && absent $dev.mdlz && out_empty'
run -c $dev
expect "... also with -c (-f is needed)" 'is_rc 1 && err_has "not a regular file" && out_empty'
run -f $dev
expect "-f on a device without -c or -o -> 1, nothing next to it" \
    'is_rc 1 && one_line_err && err_has "use -c or -o" && absent $dev.mdlz && no_tmp'
run -f -c $dev
cp "$T/out" fromdev.mdlz
run -d -c fromdev.mdlz
expect "-f -c reads a device as a stream (an empty one)" 'is_rc 0 && out_empty && [ -s fromdev.mdlz ]'
run -f --rm -o fromdev.mdlz $dev
expect "-f -o FILE reads a device; --rm leaves the device" \
    'is_rc 0 && [ -s fromdev.mdlz ] && [ -c $dev ]'
run -d $dev
expect "a device is skipped on decompression" 'is_rc 1 && one_line_err && err_has "not a regular file, skipped"'
run -d -f -c $dev
expect "... and read with -f -c (an empty stream: truncated)" 'is_rc 1 && err_has "truncated"'
run -t $dev
expect "a device is skipped by -t" 'is_rc 1 && err_has "not a regular file, skipped"'
run -l $dev
expect "a device is skipped by -l" 'is_rc 1 && err_has "not a regular file, skipped" && out_empty'
run -t -f fromdev.mdlz
expect "-t -f needs no -c or -o (it writes nothing)" 'is_rc 0'
rm -f fromdev.mdlz
[ "$dev" = nulldev ] && rm -f nulldev
# A FIFO: opening it would wait for a writer, so a refused one is not opened
# (timeout: a regression hangs instead of failing).
mkfifo fifo
fifo_run() {
    timeout 20 "$M" "$@" </dev/null >"$T/out" 2>"$T/err"
    rc=$?
}
fifo_run fifo
expect "a FIFO is skipped without being opened" \
    'is_rc 1 && one_line_err && err_has "fifo: not a regular file, skipped" && absent fifo.mdlz'
fifo_run -f fifo
expect "-f on a FIFO without -c or -o -> 1, not opened" 'is_rc 1 && err_has "use -c or -o" && absent fifo.mdlz'
(timeout 20 cat text >fifo &)
fifo_run -f -c fifo
cp "$T/out" fromfifo.mdlz
run -d -c fromfifo.mdlz
expect "-f -c reads a FIFO as a stream" 'is_rc 0 && same "$T/out" text'
mv fifo fifo.mdlz
fifo_run -d fifo.mdlz
expect "a FIFO is skipped on decompression" 'is_rc 1 && err_has "not a regular file, skipped" && absent fifo'
(timeout 20 cat fromfifo.mdlz >fifo.mdlz &)
fifo_run -d -f -c fifo.mdlz
expect "... and read with -d -f -c" 'is_rc 0 && same "$T/out" text'
rm -f fifo.mdlz fromfifo.mdlz
run -d -f -o text.mdlz text.mdlz
expect "output that is the input is refused" \
    'is_rc 1 && err_has "same file" && present text.mdlz && run -t text.mdlz && is_rc 0'

# ---- -r: the files under directories ---------------------------------------------
mkdir -p tree/sub/deep tree/empty
cp text tree/a
cp binary tree/sub/b
cp text tree/sub/deep/c
printf 'hidden' >tree/.h
cp text.mdlz tree/old.mdlz
ln -s a tree/link
ln -s sub tree/dirlink
ln -s ../text tree/outlink
run tree
expect "a directory without -r -> 1 'is a directory', hint -r" \
    'is_rc 1 && one_line_err && err_has "tree: is a directory" && err_has "use -r" && absent tree.mdlz'
run -r -o out.mdlz tree
expect "-r with -o -> 2" 'is_rc 2 && absent out.mdlz'
run -r tree
expect "-r compresses each regular file under the directory, inputs kept" \
    'is_rc 0 && present tree/a.mdlz && present tree/sub/b.mdlz && present tree/sub/deep/c.mdlz && present tree/.h.mdlz && same tree/a text && same tree/sub/b binary'
expect "-r skips files already named .mdlz" 'absent tree/old.mdlz.mdlz'
expect "-r skips symbolic links, with a notice each" \
    'absent tree/link.mdlz && absent tree/dirlink.mdlz && absent tree/outlink.mdlz && absent tree/dirlink/b.mdlz.mdlz && err_has "tree/link: symbolic link -- skipped" && err_has "tree/dirlink: symbolic link" && err_has "tree/outlink: symbolic link" && [ "$(wc -l <"$T/err")" -eq 3 ]'
expect "-r leaves no temporary file" 'no_tmp tree && no_tmp tree/sub && no_tmp tree/sub/deep'
run --recursive -q -v -c tree
cat tree/.h tree/a tree/sub/b tree/sub/deep/c >tree.expect
cp "$T/out" tree.cat
run -d -c tree.cat
expect "--recursive -c: files in sorted order (.h a sub/b sub/deep/c)" \
    'is_rc 0 && same "$T/out" tree.expect'
run -r -q -c tree
expect "-q silences the symbolic link notices" 'is_rc 0 && err_empty'
mkdir saved
mv tree/a tree/.h saved/
mv tree/sub/b tree/sub/deep/c saved/
run -d -r -q tree
expect "-d -r decompresses each *.mdlz under the directory" \
    'is_rc 0 && same tree/a text && same tree/sub/b binary && same tree/sub/deep/c text && same tree/.h saved/.h && same tree/old text && present tree/a.mdlz'
run -t -r -q tree
expect "-t -r tests each *.mdlz" 'is_rc 0 && err_empty'
run -l -r -q tree
expect "-l -r lists each *.mdlz, sorted, with a total" \
    'is_rc 0 && out_has "tree/.h.mdlz" && out_has "tree/sub/deep/c.mdlz" && out_has "total (5 files)" && [ "$(grep -n "tree/a.mdlz" "$T/out" | cut -d: -f1)" -lt "$(grep -n "tree/sub/b.mdlz" "$T/out" | cut -d: -f1)" ]'
cp text.mdlz tree/sub/bad.mdlz
flip tree/sub/bad.mdlz $(($(size_of text.mdlz) / 2))
run -t -r -q tree
expect "-t -r with one bad file -> 1, the others tested" 'is_rc 1 && one_line_err && err_has "tree/sub/bad.mdlz"'
rm -f tree/sub/bad.mdlz
run -r -q tree
expect "-r again: existing outputs are not overwritten -> 1" 'is_rc 1 && err_has "already exists"'
run -r -f -q tree
expect "-r -f also compresses the .mdlz files" 'is_rc 0 && present tree/old.mdlz.mdlz && present tree/a.mdlz.mdlz'
run -r -c text
expect "-r with a plain file" 'is_rc 0 && same "$T/out" text.mdlz'
rm -rf tree saved tree.expect tree.cat

# ---- --rm and -k ----------------------------------------------------------------
cp text victim
run --rm victim
expect "--rm removes the input after success" 'is_rc 0 && absent victim && present victim.mdlz'
run -d --rm victim.mdlz
expect "--rm on decompression" 'is_rc 0 && absent victim.mdlz && same victim text'
run --rm -k victim
expect "-k after --rm keeps the input" 'is_rc 0 && present victim && present victim.mdlz'
rm -f victim.mdlz
run --rm -c victim
expect "--rm with -c keeps the input" 'is_rc 0 && present victim'
cp text victim.mdlz
run -d --rm victim.mdlz
expect "--rm keeps the input on failure" 'is_rc 1 && present victim.mdlz && same victim text'
rm -f victim victim.mdlz

# ---- damaged input ----------------------------------------------------------------
cp text.mdlz corrupt.mdlz
flip corrupt.mdlz $(($(size_of corrupt.mdlz) / 2))
run -d corrupt.mdlz
expect "corrupt input -> 1, no output left" \
    'is_rc 1 && absent corrupt && no_tmp && one_line_err && err_has "corrupt.mdlz"'
cp text.mdlz badsum.mdlz
flip badsum.mdlz $(($(size_of badsum.mdlz) - 3))
run -d badsum.mdlz
expect "checksum mismatch -> 1, no output left" \
    'is_rc 1 && absent badsum && no_tmp && err_has "badsum.mdlz"'
run -dc badsum.mdlz
expect "checksum mismatch to stdout still exits 1" 'is_rc 1'
head -c $(($(size_of text.mdlz) - 5)) text.mdlz >trunc.mdlz
run -d trunc.mdlz
expect "truncated input -> 1 'truncated', no output" \
    'is_rc 1 && err_has "truncated" && absent trunc && no_tmp'
head -c 10 text.mdlz >short.mdlz
run -d short.mdlz
expect "input truncated inside the header -> 1" 'is_rc 1 && err_has "truncated"'
run -d empty
run_in empty -d
expect "empty input to -d -> 1" 'is_rc 1 && err_has "truncated"'
cp text notmdlz.mdlz
run -d notmdlz.mdlz
expect "non-mdlz input -> 1, one line naming the file" \
    'is_rc 1 && one_line_err && grep -q "^mdlz: notmdlz.mdlz: " "$T/err" && absent notmdlz'
cat text.mdlz text >trailing.mdlz
run -d trailing.mdlz
expect "trailing garbage -> 1, no output" 'is_rc 1 && err_has "trailing" && absent trailing'
cat text.mdlz binary.mdlz >concat.mdlz
cat text binary >concat.expect
run -d concat.mdlz
expect "concatenated streams decode" 'is_rc 0 && same concat concat.expect'
rm -f concat concat.expect # concat.mdlz is listed below

# ---- test mode ----------------------------------------------------------------------
before=$(ls -A | sort)
run -t text.mdlz binary.mdlz empty.mdlz
expect "-t on good files -> 0, writes nothing" \
    'is_rc 0 && out_empty && err_empty && [ "$(ls -A | sort)" = "$before" ]'
run --test corrupt.mdlz
expect "-t on a corrupt file -> 1" 'is_rc 1 && err_has "corrupt.mdlz"'
run -t trunc.mdlz
expect "-t on a truncated file -> 1" 'is_rc 1 && err_has "truncated"'
run_in text.mdlz -t
expect "-t on stdin" 'is_rc 0'
run -tv text.mdlz
expect "-tv prints a summary" 'is_rc 0 && err_has "text.mdlz: .* -> "'

# ---- list -----------------------------------------------------------------------------
run -l text.mdlz
expect "-l shows compressed and original size" \
    'is_rc 0 && out_has " $(size_of text.mdlz) " && out_has " $(size_of text) " && out_has "text.mdlz"'
expect "-l shows ratio, bpb, level, components, checksum" \
    'out_has "%" && out_has "bpb" && grep -Eq " 5 +[0-9a-f]{16} " "$T/out" && out_has "orders"'
run --list text.mdlz binary.mdlz
expect "-l with several files prints a total" \
    'is_rc 0 && [ "$(wc -l <"$T/out")" -eq 4 ] && out_has "total" && out_has " $(($(size_of text.mdlz) + $(size_of binary.mdlz))) "'
run -lv text.mdlz
expect "-lv adds memory and block size" 'is_rc 0 && out_has "Memory" && out_has "Block" && out_has "MiB"'
expect "-lv prints the description length and the components' code" \
    'out_has "description length" && out_has "code core" && out_has "code orders" && out_has "code match" && out_has "total DL" && out_has "payload+code"'
run -l text.mdlz notmdlz.mdlz binary.mdlz
expect "-l with a bad file -> 1, others listed" \
    'is_rc 1 && err_has "notmdlz.mdlz" && out_has "binary.mdlz" && out_has "text.mdlz"'
run -l trunc.mdlz
expect "-l on a truncated file -> 1" 'is_rc 1'
run_in text.mdlz -l
expect "-l on stdin" 'is_rc 0 && out_has " $(size_of text) "'
run -l concat.mdlz
expect "-l on concatenated streams -> 1 with a hint" 'is_rc 1 && err_has "concatenated"'
run -l empty.mdlz
expect "-l on an empty stream" 'is_rc 0 && out_has " 0 "'

# --json: one object per file, the same values as the table's columns
run -l --json text.mdlz binary.mdlz empty.mdlz
cp "$T/out" list.jsonl
expect "-l --json: one JSON object per file, no heading, no total" \
    'is_rc 0 && err_empty && [ "$(wc -l <list.jsonl)" -eq 3 ] && jsonl list.jsonl name >/dev/null'
jsonl list.jsonl name compressed original level checksum >list.fromjson
run -l text.mdlz binary.mdlz empty.mdlz
awk 'length($6) == 16 && $6 ~ /^[0-9a-f]+$/ {print $8 "\t" $1 "\t" $2 "\t" $5 "\t" $6}' "$T/out" >list.fromtable
expect "-l --json: name, sizes, level and checksum are the table's" \
    '[ -s list.fromtable ] && same list.fromjson list.fromtable'
paste <(jsonl list.jsonl compressed original bpb ratio) \
    <(awk 'length($6) == 16 && $6 ~ /^[0-9a-f]+$/ {print $3 "\t" $4}' "$T/out") >list.numbers
expect "-l --json: ratio and bpb agree with the table's (null for an empty input)" \
    'awk -F"\t" '"'"'$2 == 0 { if ($3 != "null" || $4 != "null" || $6 != "-") exit 1; next }
        { b = 8 * $1 / $2; r = $1 / $2
          if ($3 - b > 0.00006 || b - $3 > 0.00006 || $4 - r > 0.0000006 || r - $4 > 0.0000006) exit 1
          if (sprintf("%.2f%%", 100 * r) != $5 || sprintf("%.3f", b) != $6) exit 1 }'"'"' list.numbers'
run -lv text.mdlz
awk '{for (i = 1; i < NF; i++) if (length($i) == 16 && $i ~ /^[0-9a-f]+$/) {split($(i + 1), c, "+"); comps = c[1]}}
    $1 == "code" {names = names sep $2; bytes = bytes sep $3; sep = ","}
    /total DL/ {dl = $3}
    END {print dl "\t" comps "\t" names "\t" bytes}' "$T/out" >list.fromtable
head -n 1 list.jsonl >list.first
jsonl list.first dl components 'code[].name' 'code[].code_bytes' >list.fromjson
expect "-l --json: dl, model components and code are those of -lv" \
    'grep -Eq "^[1-9][0-9]*\s[a-z]" list.fromtable && same list.fromjson list.fromtable'
run -l --json text.mdlz notmdlz.mdlz binary.mdlz
expect "-l --json with a bad file -> 1, the error on stderr, the others as JSON" \
    'is_rc 1 && one_line_err && err_has notmdlz.mdlz && [ "$(wc -l <"$T/out")" -eq 2 ] && jsonl "$T/out" name >/dev/null'
run_in text.mdlz -l --json
expect "-l --json on stdin" \
    'is_rc 0 && [ "$(jsonl "$T/out" name original)" = "$(printf "stdin\t%s" "$(size_of text)")" ]'
run --json text.mdlz
expect "--json without -l is a usage error" 'is_rc 2 && err_has "json" && absent text.mdlz.mdlz'
printf 'caf\351 \342\202\254\n' >"$(printf 'n\351w')"
"$M" -q "$(printf 'n\351w')" 2>/dev/null
run -l --json "$(printf 'n\351w').mdlz"
expect "-l --json: a name that is not UTF-8 is still valid JSON (U+FFFD)" \
    'is_rc 0 && [ "$(jsonl "$T/out" name)" = "$(printf "n\357\277\275w.mdlz")" ]'
rm -f list.* "$(printf 'n\351w')"*

# ---- several files, one bad ---------------------------------------------------------------
mkdir multi
cp text multi/a
cp binary multi/b
cp text multi/c
run multi/a multi/nonexistent multi/b
expect "several files, one missing -> 1, others compressed" \
    'is_rc 1 && present multi/a.mdlz && present multi/b.mdlz && err_has "nonexistent"'
cp corrupt.mdlz multi/bad.mdlz
rm multi/a multi/b
run -d multi/a.mdlz multi/bad.mdlz multi/b.mdlz
expect "several decompressions, one corrupt -> 1, others done" \
    'is_rc 1 && same multi/a text && same multi/b binary && absent multi/bad && no_tmp multi'

# ---- levels, verbosity -----------------------------------------------------------------------
run -1 -c text
cp "$T/out" l1.mdlz
run -9v -o l9.mdlz text
expect "-9v prints 'name: in -> out (ratio, bpb)'" \
    'is_rc 0 && grep -Eq "^text: $(size_of text) -> $(size_of l9.mdlz) bytes \([0-9.]+%, [0-9.]+ bpb\)$" "$T/err"'
run -l l1.mdlz l9.mdlz
expect "-1 and -9 are recorded as levels 1 and 9" \
    'grep -Eq " 1 +[0-9a-f]{16} .*l1.mdlz" "$T/out" && grep -Eq " 9 +[0-9a-f]{16} .*l9.mdlz" "$T/out"'
run -d -c l9.mdlz
expect "level 9 round trip" 'is_rc 0 && same "$T/out" text'
run -dv -c l1.mdlz
expect "-v on decompression" 'is_rc 0 && same "$T/out" text && err_has "l1.mdlz: "'
run -vq -f text
expect "-q silences -v" 'is_rc 0 && err_empty'
run --verbose --quiet -f text
expect "--quiet" 'is_rc 0 && err_empty'
run --quiet --verbose -f text
expect "--verbose" 'is_rc 0 && err_has "text: "'
rm -f l1.mdlz l9.mdlz

# ---- memory limits -----------------------------------------------------------------------------
run -d -c --memory=1K text.mdlz
expect "--memory too small for decompression -> 1 naming the amount" \
    'is_rc 1 && one_line_err && err_has "text.mdlz" && grep -Eq "needs [0-9.]+ [KMG]iB" "$T/err" && out_empty'
need=$(grep -Eo -- "--memory=[0-9]+[KMG]?i?B?" "$T/err" | head -n 1)
run -d -c "$need" text.mdlz
expect "... and the suggested $need is enough" 'is_rc 0 && same "$T/out" text'
run -t --memory=1K text.mdlz
expect "--memory too small for -t -> 1" 'is_rc 1 && err_has "needs"'
run -d -o lim --memory 1K text.mdlz
expect "--memory SIZE (separate argument), no output left" 'is_rc 1 && absent lim && no_tmp'
for size in 4G 4GiB 4096M 4096MiB 4194304K 4194304k 4194304KiB 4294967296 4gb; do
    run -t --memory=$size text.mdlz
    expect "--memory=$size accepted" 'is_rc 0'
done
# Less than level 9 needs: compression must shrink the model to fit.
half=12M
run -9 --memory=$half -o small.mdlz text
run -l -v small.mdlz
run -d -c --memory=$half small.mdlz
expect "--memory=$half limits compression: decodes within the same limit" \
    'is_rc 0 && same "$T/out" text'
run --memory=1K -c text
expect "--memory too small for compression -> 1" 'is_rc 1 && err_has "memory"'
rm -f small.mdlz
# Under a limit, the highest level that fits with its own tables, said so.
# (from a pipe: the size unknown, the tables are not fitted to the input)
run_in <(cat text) -9 --memory=$half -c
expect "-9 --memory=$half: adjusted to a lower level, and says so" \
    'is_rc 0 && err_has "adjusted level 9 to level" && err_has "limit of 12 MiB"'
run_in <(cat text) -9 -q --memory=$half -c
expect "... not with -q" 'is_rc 0 && err_empty'

# ---- metadata -----------------------------------------------------------------------------------
cp text meta
chmod 640 meta
touch -d '2001-02-03 04:05:06' meta
run meta
expect "mode and mtime copied to the compressed file" \
    'is_rc 0 && [ "$(mode_of meta.mdlz)" = 640 ] && [ "$(mtime_of meta.mdlz)" = "$(mtime_of meta)" ]'
rm meta
run -d meta.mdlz
expect "mode and mtime copied to the decompressed file" \
    'is_rc 0 && [ "$(mode_of meta)" = 640 ] && [ "$(mtime_of meta)" = "$(mtime_of meta.mdlz)" ]'
chmod 600 meta.mdlz
run -d -f meta.mdlz
expect "-f overwrite gets the input's mode" 'is_rc 0 && [ "$(mode_of meta)" = 600 ]'
rm -f meta meta.mdlz

# ---- terminals ------------------------------------------------------------------------------------
if command -v script >/dev/null 2>&1 && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
    run_tty "'$M' -c text"
    expect "compressed data to a terminal is refused -> 1" 'is_rc 1 && err_has "terminal"'
    run_tty "'$M'"
    expect "no arguments on a terminal -> 1" 'is_rc 1 && err_has "terminal"'
    run_tty "'$M' -d"
    expect "compressed data from a terminal is refused -> 1" 'is_rc 1 && err_has "terminal"'
    run_tty "timeout 20 '$M' >'$T/tty.mdlz'"
    expect "compressing from a terminal (stdin) is refused -> 1" \
        'is_rc 1 && err_has "stdin is a terminal" && [ ! -s "$T/tty.mdlz" ]'
    run_tty "timeout 20 '$M' -o tty.mdlz -"
    expect "... also with -o" 'is_rc 1 && err_has "stdin is a terminal" && absent tty.mdlz'
    run_tty "'$M' -f -c one >/dev/null"
    expect "-f allows terminal output" 'is_rc 0'
    run_tty "'$M' -d -c text.mdlz"
    expect "decompressed data to a terminal is allowed" 'is_rc 0 && err_has "quick brown fox"'
else
    skip "terminal refusal" "no usable script(1)"
fi

# ---- signals --------------------------------------------------------------------------------------
# Background jobs of a non-interactive shell ignore SIGINT; job control
# (set -m) runs them in their own process group with default dispositions.
set -m
# Deterministic: the compressor waits for more input on a FIFO when hit.
for sig in INT TERM HUP; do
    # A signal ignored when the suite started (nohup) stays ignored.
    if [ "$(trap -p "$sig")" = "trap -- '' SIG$sig" ]; then
        skip "SIG$sig while writing" "SIG$sig is ignored here"
        continue
    fi
    rm -f fifo
    mkfifo fifo
    "$M" -o fifo.mdlz <fifo 2>"$T/err" &
    pid=$!
    exec 7>fifo
    cat text >&7
    had_tmp=0 # wait (up to 10 s on a loaded machine) for the temp file
    for _ in $(seq 100); do
        [ -n "$(find . -maxdepth 1 -name '.fifo.mdlz.tmp*')" ] && had_tmp=1 && break
        sleep 0.1
    done
    kill -$sig $pid
    exec 7>&- # (if the signal were lost, the compressor would see the end)
    wait $pid 2>/dev/null
    rc=$?
    expect "SIG$sig while writing: exit $rc, temp file removed" \
        '[ $had_tmp = 1 ] && [ $rc -gt 128 ] && absent fifo.mdlz && no_tmp'
done
rm -f fifo
# A large file: the model is far too slow to finish before the signal
# (text: random bytes would be stored without modelling, in a blink).
yes "the quick brown fox $RANDOM jumps over the lazy dog" | head -c 30000000 >big
sum_before=$(cksum <big)
"$M" big 2>"$T/err" &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid 2>/dev/null
rc=$?
expect "SIGINT on a 30 MB input: exit $rc, no output, input intact" \
    '[ $rc -ne 0 ] && absent big.mdlz && no_tmp && [ "$(cksum <big)" = "$sum_before" ]'
rm -f big
set +m

expect "no temporary files anywhere" '[ -z "$(find "$W" -name ".*.tmp*")" ]'

harness_done
