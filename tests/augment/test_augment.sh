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
# shellcheck source=../common/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"
{ [ $# -ge 2 ] && [ -x "$1" ]; } || usage "PATH/TO/mdlz SAMPLES_DIR [PLUGIN.so]"
M=$(abspath "$1")
S=$(cd "$2" && pwd)
PLUGIN=${3:-}
harness_init aug
RUN_CMD=("$M")

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
    '[ $rc -eq 1 ] && one_line_err && grep -q "retrieval index" err && [ ! -e x.out ]'
run -d -R missing.db both.mdlz -o x.out
expect "decode with a missing index fails cleanly" '[ $rc -eq 1 ] && one_line_err && [ ! -e x.out ]'

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
    '[ $rc -eq 1 ] && one_line_err && grep -q "$doc" err && [ ! -e x.out ]'
run -d -R kb2.db online.mdlz -o x.out
expect "changed index (online, generation purged): clear error" \
    '[ $rc -eq 1 ] && one_line_err && grep -q "generation 1 is gone" err && [ ! -e x.out ]'
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
# Tools asked for by name are used on any input; the default tools only on
# inputs of 64 KiB or more (or of unknown size).
head -c 2000 arith.txt >small.txt
run -k --tools=calc small.txt -o s_calc.mdlz
run -l -v s_calc.mdlz
expect "--tools=calc is honoured on a 2 KB input" '[ $rc -eq 0 ] && grep -q "tool: calc version" out'
run -k small.txt -o s_def.mdlz
run -l -v s_def.mdlz
expect "the default tools are left out of a 2 KB input" '[ $rc -eq 0 ] && ! grep -q "tool:" out'
run -k arith.txt -o def.mdlz
run -l -v def.mdlz
expect "... and used on a larger one" '[ $rc -eq 0 ] && grep -q "tool: seq version" out'
run -k --tools=calc,nosuch arith.txt -o bad.mdlz
expect "unknown tool refused, nothing written" \
    '[ $rc -eq 1 ] && one_line_err && grep -q nosuch err && [ ! -e bad.mdlz ]'
run -k --tool=./not-a-plugin.so arith.txt -o bad.mdlz
expect "missing plugin refused" '[ $rc -eq 1 ] && one_line_err && [ ! -e bad.mdlz ]'
if [ -n "$PLUGIN" ] && [ -f "$PLUGIN" ]; then
    printf 'a\r\nb\r\nc\r\n%.0s' $(seq 1 12000) >crlf.txt
    run -k --tools=none --tool="$PLUGIN" crlf.txt -o p.mdlz
    expect "compress with a plugin" '[ $rc -eq 0 ]'
    run -d -c p.mdlz
    expect "decode without the plugin: error names the tool" \
        '[ $rc -eq 1 ] && one_line_err && grep -q "crlf" err'
    run -d -c --tool="$PLUGIN" p.mdlz
    expect "plugin round trip" '[ $rc -eq 0 ] && cmp -s out crlf.txt'
else
    skip "plugin cases" "no plugin given"
fi
harness_done
