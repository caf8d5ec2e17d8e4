#!/usr/bin/env bash
# test_augment.sh - compression with retrieval (-R) and tools (--tools,
# --tool), end to end: round trips in every retrieval mode, what the header
# records (-l), determinism, and the failures that must be clean: stream
# decoded without its index, with a changed index (a document removed and
# purged), tools missing or unknown, a plugin that is not a tool.
#
# Usage: test_augment.sh PATH/TO/mdlz SAMPLES_DIR [PLUGIN.so]
# Prints "ok - NAME" / "not ok - NAME", then "N passed, M failed".
# shellcheck disable=SC2034
set -u
if [ $# -lt 2 ] || [ ! -x "$1" ]; then
    echo "usage: $0 PATH/TO/mdlz SAMPLES_DIR [PLUGIN.so]" >&2
    exit 2
fi
M=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
S=$(cd "$2" && pwd)
PLUGIN=${3:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/mdlz-aug.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
pass=0 fail=0 rc=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() {
    echo "not ok - $1"; fail=$((fail + 1))
    echo "#   exit status $rc; stderr:"; sed -n '1,5s/^/#     /p' err 2>/dev/null
}
expect() { local name=$1; shift; if eval "$*"; then ok "$name"; else notok "$name"; fi; }
run() { "$M" "$@" </dev/null >out 2>err; rc=$?; }
one_line() { [ "$(wc -l <err)" -eq 1 ]; }

# The index: every sample but one; the held-out one is compressed.
samples=("$S"/*.txt)
held=${samples[0]}
mkdir docs
for f in "${samples[@]:1}"; do cp "$f" docs/; done
cp "$held" in.txt
run index add kb.db docs/
expect "index built" '[ $rc -eq 0 ]'

run -k in.txt -o plain.mdlz
expect "compress without retrieval" '[ $rc -eq 0 ]'
for mode in whole online both; do
    run -k -R kb.db --retrieval=$mode in.txt -o $mode.mdlz
    expect "compress -R ($mode)" '[ $rc -eq 0 ]'
    run -d -R kb.db $mode.mdlz -o $mode.out
    expect "round trip -R ($mode)" '[ $rc -eq 0 ] && cmp -s $mode.out in.txt'
done
expect "retrieval makes it smaller" \
    '[ $(stat -c %s both.mdlz) -lt $(stat -c %s plain.mdlz) ]'
run -k -R kb.db in.txt -o again.mdlz
expect "deterministic: same bytes twice" 'cmp -s again.mdlz both.mdlz'

run -l -R kb.db both.mdlz
expect "-l lists the documents by name and the index generation" \
    '[ $rc -eq 0 ] && grep -q "retrieval: whole+online" out && grep -q "document .*docs/" out && grep -q "index generation 1" out'
run -l -v whole.mdlz
expect "-l -v counts the retrieval code" '[ $rc -eq 0 ] && grep -q "code retrieval" out'

run -d both.mdlz -o x.out
expect "decode without the index: one clear error, no output" \
    '[ $rc -eq 1 ] && one_line && grep -q "retrieval index" err && [ ! -e x.out ]'
run -d -R missing.db both.mdlz -o x.out
expect "decode with a missing index fails cleanly" '[ $rc -eq 1 ] && one_line && [ ! -e x.out ]'

# Change the index: remove the document the stream relies on most (it
# still decodes: rm keeps documents for older generations), then purge it.
doc=$("$M" -l -R kb.db both.mdlz | awk '/document/ {n=$NF} END {print n}')
cp kb.db kb2.db
run index rm kb2.db "$doc"
expect "index rm" '[ $rc -eq 0 ]'
run -d -R kb2.db both.mdlz -o x.out
expect "index rm: the stream still decodes until gc" '[ $rc -eq 0 ] && cmp -s x.out in.txt'
rm -f x.out
run index gc kb2.db
expect "index gc" '[ $rc -eq 0 ]'
run -d -R kb2.db whole.mdlz -o x.out
expect "changed index (document purged): error names the document" \
    '[ $rc -eq 1 ] && one_line && grep -q "$doc" err && [ ! -e x.out ]'
run -d -R kb2.db online.mdlz -o x.out
expect "changed index (online, generation purged): clear error" \
    '[ $rc -eq 1 ] && one_line && grep -q "generation 1 is gone" err && [ ! -e x.out ]'
run -k -R kb.db --retrieval=none in.txt -o none.mdlz
expect "--retrieval=none equals no index" 'cmp -s none.mdlz plain.mdlz'
run -R kb.db --retrieval=sometimes in.txt -o y.mdlz
expect "bad --retrieval is a usage error" '[ $rc -eq 2 ]'

# Tools: arithmetic text for calc, every tool on and off.
{
    for i in $(seq 1 2000); do
        echo "Line $i: $((i * 7)) + $((i * 3)) = $((i * 10)) and $((i + 12)) * 4 = $(((i + 12) * 4))."
    done
} >arith.txt
run -k --tools=none arith.txt -o t0.mdlz
expect "compress --tools=none" '[ $rc -eq 0 ]'
for t in calc seq markup all; do
    run -k --tools=$t arith.txt -o t_$t.mdlz
    expect "compress --tools=$t" '[ $rc -eq 0 ]'
    run -d -c t_$t.mdlz
    expect "round trip --tools=$t" '[ $rc -eq 0 ] && cmp -s out arith.txt'
done
expect "calc helps on arithmetic" \
    '[ $(stat -c %s t_calc.mdlz) -lt $(stat -c %s t0.mdlz) ]'
run -l -v t_all.mdlz
expect "-l lists the tools" '[ $rc -eq 0 ] && grep -q "+calc+seq+markup" out && grep -q "tool: calc version" out && grep -q "code markup" out'
run -k --tools=calc,nosuch arith.txt -o bad.mdlz
expect "unknown tool refused, nothing written" \
    '[ $rc -eq 1 ] && one_line && grep -q nosuch err && [ ! -e bad.mdlz ]'
run -k --tool=./not-a-plugin.so arith.txt -o bad.mdlz
expect "missing plugin refused" '[ $rc -eq 1 ] && one_line && [ ! -e bad.mdlz ]'
if [ -n "$PLUGIN" ] && [ -f "$PLUGIN" ]; then
    printf 'a\r\nb\r\nc\r\n%.0s' $(seq 1 12000) >crlf.txt
    run -k --tools=none --tool="$PLUGIN" crlf.txt -o p.mdlz
    expect "compress with a plugin" '[ $rc -eq 0 ]'
    run -d -c p.mdlz
    expect "decode without the plugin: error names the tool" \
        '[ $rc -eq 1 ] && one_line && grep -q "crlf" err'
    run -d -c --tool="$PLUGIN" p.mdlz
    expect "plugin round trip" '[ $rc -eq 0 ] && cmp -s out crlf.txt'
else
    echo "ok - plugin cases skipped (no plugin given) # SKIP"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
