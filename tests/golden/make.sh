#!/usr/bin/env bash
# make.sh - regenerates the golden files of tests/golden/ with the mdlz
# given (docs/format.md, "Golden files"): one stream per level family, per
# retrieval mode and per built-in tool, a stream of unknown size, one with
# a stored (incompressible) block, one of several (small) segments, and
# one archive, each with the XXH64 of its original in MANIFEST. Inputs are the committed samples/ and text this
# script writes deterministically; the retrieval streams use an index of
# the samples other than the one compressed, which test_golden.sh rebuilds
# the same way. Run it in the commit that changes the format version.
#
#   bash tests/golden/make.sh build/cli/mdlz
set -euo pipefail
M=$(realpath "$1")
G=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$G/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

# ---- inputs ------------------------------------------------------------------
S="$ROOT/samples"
head -c 20000 "$S/1862_abraham_lincoln_r.txt" >text.txt
python3 - <<'PY'
import random
r = random.Random(20261203)
with open("arith.txt", "w") as f:          # calc: results after "="
    for i in range(1500):
        a, b = r.randint(2, 999), r.randint(2, 99)
        op = r.choice("+-*")
        v = {"+": a + b, "-": a - b, "*": a * b}[op]
        f.write("Problem %d: %d %s %d = %d\n" % (i, a, op, b, v))
with open("log.txt", "w") as f:            # seq: counters, times, ids
    t = 3600 * 9
    for i in range(3000):
        t += r.randint(0, 3)
        f.write("2026-12-03 %02d:%02d:%02d node%d job=%d seq=%d status=%s\n" % (
            t // 3600 % 24, t // 60 % 60, t % 60, r.randint(1, 4), 1000 + i // 7,
            i, r.choice(["ok", "ok", "ok", "retry"])))
with open("data.xml", "w") as f:           # markup: tags, attributes
    f.write("<?xml version=\"1.0\"?>\n<catalog>\n")
    for i in range(700):
        f.write("  <item id=\"%d\" kind=\"%s\">\n    <name>part %d</name>\n"
                "    <price currency=\"EUR\">%d.%02d</price>\n  </item>\n" % (
                    i, r.choice(["bolt", "nut", "gear"]), i, r.randint(1, 99),
                    r.randint(0, 99)))
    f.write("</catalog>\n")
with open("random.bin", "wb") as f:        # a STORE block
    f.write(bytes(r.getrandbits(8) for _ in range(16384)))
r2 = random.Random(14)                     # segments: 3 of 2^18 and more
with open("segments.txt", "w") as f:
    t = 3600 * 9
    for i in range(13500):
        t += r2.randint(0, 3)
        f.write("2026-12-03 %02d:%02d:%02d node%d job=%d seq=%d\n" % (
            t // 3600 % 24, t // 60 % 60, t % 60, r2.randint(1, 4),
            1000 + i // 7, i))
PY

# ---- the index (as test_golden.sh builds it) -----------------------------------
held=1962_john_f_kennedy_d.txt
mkdir docs
for f in "$S"/*.txt; do [ "$(basename "$f")" = $held ] || cp "$f" docs/; done
"$M" index add -q kb.db docs >/dev/null

# ---- streams --------------------------------------------------------------------
out="$G/streams"
rm -rf "$out" && mkdir -p "$out"
manifest=$G/MANIFEST
: >"$manifest"
# name, original, options to compress, options to decode
add() {
    local name=$1 orig=$2 copts=$3 dopts=$4
    # shellcheck disable=SC2086 # options are words
    "$M" -q $copts -c "$orig" >"$out/$name.mdlz"
    local sum
    sum=$("$M" -l "$out/$name.mdlz" | awk 'NR == 2 {print $6}')
    printf '%s %s %s\n' "$name.mdlz" "$sum" "$dopts" >>"$manifest"
}
add level1 text.txt "-1 --tools=none" ""
add level3 text.txt "-3 --tools=none" ""
add level6 text.txt "-6 --tools=none" ""
add level9 text.txt "-9 --tools=none" ""
"$M" -q -5 --tools=none -c <text.txt >"$out/nosize.mdlz"  # size unknown
printf 'nosize.mdlz %s\n' "$("$M" -l "$out/nosize.mdlz" | awk 'NR == 2 {print $6}')" >>"$manifest"
add store random.bin "-5" ""
add tool-calc arith.txt "-5 --tools=calc" ""
add tool-seq log.txt "-5 --tools=seq" ""
add tool-markup data.xml "-5 --tools=markup" ""
add segments segments.txt "-1 --tools=seq --segment-log=18" ""
add ret-whole "$S/$held" "-5 -R kb.db --retrieval=whole" "-R"
add ret-online "$S/$held" "-5 -R kb.db --retrieval=online" "-R"
add ret-both "$S/$held" "-5 -R kb.db --retrieval=both" "-R"

# ---- an archive of the samples (groups with prefixes) ------------------------------
cp -r "$S" samples
rm -f samples/README.md
"$M" archive create -q -T1 --group-size=64K "$out/samples.mdlza" samples
echo "golden: $(wc -l <"$manifest") streams and samples.mdlza written to $out"
