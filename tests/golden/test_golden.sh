#!/usr/bin/env bash
# test_golden.sh - the golden files (docs/format.md, "Golden files"): every
# stream of tests/golden/streams decodes to its original's XXH64
# (test_golden), with the index the retrieval streams need rebuilt from the
# committed samples as make.sh built it, and the golden archive extracts to
# the samples byte for byte.
#
#   test_golden.sh MDLZ TEST_GOLDEN SAMPLES
source "$(dirname "$0")/../common/harness.sh"
[ $# -eq 3 ] || usage "test_golden.sh MDLZ TEST_GOLDEN SAMPLES"
M=$(abspath "$1")
TG=$(abspath "$2")
S=$(abspath "$3")
G=$(cd "$(dirname "$0")" && pwd)
RUN_CMD=("$M")
harness_init golden

held=1962_john_f_kennedy_d.txt
mkdir docs
for f in "$S"/*.txt; do [ "$(basename "$f")" = $held ] || cp "$f" docs/; done
run index add -q kb.db docs
expect "the golden index is rebuilt from samples/" 'is_rc 0'

"$TG" "$G/streams" "$G/MANIFEST" "$T/kb.db" >"$T/out" 2>"$T/err"
rc=$?
cat "$T/out"
expect "every golden stream decodes to its original" 'is_rc 0'

run archive extract -q -C x "$G/streams/samples.mdlza"
expect "the golden archive extracts" 'is_rc 0'
for f in "$S"/*.txt; do
    b=$(basename "$f")
    expect "archive member samples/$b is the sample" 'same "x/samples/$b" "$f"'
done
harness_done
