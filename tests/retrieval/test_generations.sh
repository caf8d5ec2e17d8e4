#!/usr/bin/env bash
# test_generations.sh - streams made with -R against later changes of the
# index (docs/retrieval.md, "Generations"), end to end: decoding after a
# later add (both, whole, online), after rm (until gc, then a clear error
# naming what is gone and what would bring it back), after rm + re-add of
# the same text, gc --keep refusing and --force warning, two indexes built
# from the same files in different orders (a clear error, never wrong
# output), Latin-1 documents added from a directory and by name (search
# finds an accented word typed in UTF-8), a binary file named refused with
# its name and reason, `index check` on a healthy and on a damaged index,
# `index vacuum`, and an index of an older schema refused.
#
# Usage: test_generations.sh PATH/TO/mdlz PATH/TO/python3
# Prints "ok - NAME" / "not ok - NAME" per case, then "N passed, M failed".
# The documents are made here (python3, fixed seed): no corpus needed.

set -u

if [ $# -ne 2 ] || [ ! -x "$1" ]; then
    echo "usage: $0 PATH/TO/mdlz PATH/TO/python3" >&2
    exit 2
fi
M=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
PY=$2

T=$(mktemp -d "${TMPDIR:-/tmp}/mdlz-gen.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

pass=0
fail=0
rc=0

ok() {
    echo "ok - $1"
    pass=$((pass + 1))
}

notok() {
    echo "not ok - $1"
    fail=$((fail + 1))
    echo "#   exit status $rc; stdout, stderr:"
    sed -n '1,6s/^/#     /p' "$T/out" "$T/err" 2>/dev/null
}

run() {
    "$M" "$@" >"$T/out" 2>"$T/err"
    rc=$?
}

expect() {
    if eval "$2"; then ok "$1"; else notok "$1"; fi
}

# decodes NAME.mdlz with INDEX into NAME.out; rc as run
decode() {
    "$M" -d -R "$2" -c "$1.mdlz" >"$1.out" 2>"$T/err"
    rc=$?
    : >"$T/out"
}

# Related documents: sentences drawn from a shared pool, so that the
# input shares long runs with some documents (what retrieval exploits).
"$PY" - <<'EOF'
import os, random
r = random.Random(7)
words = ["alpha", "basalt", "crater", "delta", "ember", "fjord", "granite",
         "harbor", "island", "jetty", "kelp", "lagoon", "magma", "nebula",
         "orbit", "pumice", "quartz", "reef", "shoal", "tundra", "umbra",
         "vortex", "walrus", "xenon", "yonder", "zephyr"]
pool = [" ".join(r.choice(words) + str(r.randrange(40)) for _ in range(12)) + ".\n"
        for _ in range(3000)]
os.makedirs("docs", exist_ok=True)
for d in range(12):
    lo = d * 250
    with open("docs/d%02d.txt" % d, "w") as f:
        f.write("".join(pool[lo + r.randrange(250)] for _ in range(120)))
with open("input.txt", "w") as f:   # ~40 kB: online queries happen
    f.write("".join(pool[r.randrange(3000)] for _ in range(500)))
with open("extra.txt", "w") as f:
    f.write("".join(pool[r.randrange(3000)] for _ in range(150)))
EOF

run index add -q KB.db docs
expect "setup: index of 12 documents" '[ $rc -eq 0 ]'
for mode in both whole online; do
    "$M" -R KB.db --retrieval=$mode -c input.txt >$mode.mdlz 2>"$T/err"
    expect "setup: -R --retrieval=$mode stream" '[ $? -eq 0 ] && [ -s $mode.mdlz ]'
done

# ---- add after ---------------------------------------------------------------
run index add KB.db extra.txt
expect "add-after: a later add makes generation 2" \
    '[ $rc -eq 0 ] && "$M" index stats KB.db | grep -q "^generation *2 "'
for mode in both whole online; do
    decode $mode KB.db
    expect "add-after: $mode stream decodes" '[ $rc -eq 0 ] && cmp -s $mode.out input.txt'
done
run -l -v -R KB.db both.mdlz
expect "list: generation and documents by content shown" \
    'grep -q "index generation 1 (history [0-9a-f]*)" "$T/out" &&
     grep -q "document [0-9a-f]\{12\} .*docs/d" "$T/out"'

# ---- rm after, until gc ------------------------------------------------------
cp KB.db KB-before-gc.db
run index rm KB.db docs/d00.txt docs/d01.txt docs/d02.txt docs/d03.txt docs/d04.txt \
    docs/d05.txt docs/d06.txt docs/d07.txt docs/d08.txt docs/d09.txt docs/d10.txt docs/d11.txt
expect "rm-after: rm of every document" '[ $rc -eq 0 ] && grep -q "^12 removed" "$T/out"'
run index search KB.db alpha0 --or
expect "rm-after: search no longer finds removed documents" '! grep -q "docs/d" "$T/out"'
for mode in both whole online; do
    decode $mode KB.db
    expect "rm-after: $mode stream decodes until gc" '[ $rc -eq 0 ] && cmp -s $mode.out input.txt'
done
run index stats KB.db
expect "stats: removed documents kept until gc" 'grep -q "^removed *12 .*kept until gc" "$T/out"'

# ---- gc --keep ----------------------------------------------------------------
before=$("$M" index stats KB.db | sed -n 's/^stored *//p')
run index gc KB.db --keep both.mdlz whole.mdlz online.mdlz
expect "gc: refuses when kept streams need what it purges" \
    '[ $rc -eq 1 ] && grep -q "both.mdlz: needs generation 1" "$T/err" &&
     grep -q "whole.mdlz: needs document" "$T/err" && grep -q "nothing was purged" "$T/err" &&
     [ "$("$M" index stats KB.db | sed -n "s/^stored *//p")" = "$before" ]'
run index gc KB.db whole.mdlz
expect "gc: streams without --keep are a usage error" '[ $rc -eq 2 ]'
run index gc KB.db --keep nosuch.mdlz
expect "gc: a kept stream that cannot be read fails, nothing purged" \
    '[ $rc -eq 1 ] && grep -q "nosuch.mdlz" "$T/err" &&
     [ "$("$M" index stats KB.db | sed -n "s/^stored *//p")" = "$before" ]'

# ---- rm + re-add ------------------------------------------------------------------
run index add KB.db docs
expect "re-add: the same texts get new ids" '[ $rc -eq 0 ] && grep -q "^12 added" "$T/out"'
for mode in both whole online; do
    decode $mode KB.db
    expect "re-add: $mode stream decodes" '[ $rc -eq 0 ] && cmp -s $mode.out input.txt'
done
run index gc KB.db --keep whole.mdlz
expect "gc: allowed when the kept stream's documents are stored again" \
    '[ $rc -eq 0 ] && grep -q "^12 purged" "$T/out" && grep -q "no longer intact" "$T/out"'
decode whole KB.db
expect "re-add + gc: whole stream decodes (documents found by content)" \
    '[ $rc -eq 0 ] && cmp -s whole.out input.txt'
for mode in both online; do
    decode $mode KB.db
    expect "gc: $mode stream fails, saying the generation is gone and what brings it back" \
        '[ $rc -ne 0 ] && [ ! -s $mode.out ] && grep -q "generation 1 is gone" "$T/err" &&
         grep -q "docs/d00.txt" "$T/err" && grep -q "copy of the index from before that gc" "$T/err" &&
         [ "$(wc -l <"$T/err")" -eq 1 ]'
    decode $mode KB-before-gc.db
    expect "gc: $mode stream decodes with the copy made before gc" \
        '[ $rc -eq 0 ] && cmp -s $mode.out input.txt'
done
run index check KB.db
expect "check: healthy after adds, rms, re-adds and gc" '[ $rc -eq 0 ] && grep -q "no problem" "$T/out"'

# a document purged and not re-added: named, and what brings it back
run index add -q W.db docs/d00.txt docs/d01.txt docs/d02.txt
"$M" -R W.db --retrieval=whole -c input.txt >w.mdlz 2>/dev/null
run index rm W.db docs/d00.txt docs/d01.txt docs/d02.txt
run index gc W.db --keep w.mdlz --force
expect "gc --force: purges, warning about the kept stream" \
    '[ $rc -eq 0 ] && grep -q "w.mdlz: needs document" "$T/err" && grep -q "^3 purged" "$T/out"'
decode w W.db
expect "gc: whole stream fails naming the purged document and what brings it back" \
    '[ $rc -ne 0 ] && [ ! -s w.out ] && grep -q "gc purged it: was [0-9]* docs/d0" "$T/err" &&
     grep -q "adding the same file again brings it back" "$T/err"'
run index add W.db docs/d00.txt docs/d01.txt docs/d02.txt
decode w W.db
expect "gc: adding the files again brings the whole stream back" \
    '[ $rc -eq 0 ] && cmp -s w.out input.txt'

# ---- another index: same files, another order -------------------------------------
mkdir -p rev
for f in docs/*.txt; do # d00 .. d11 become r11 .. r00: the reverse order
    n=$(basename "$f" .txt | sed 's/^d0*//')
    cp "$f" "rev/r$(printf %02d $((11 - ${n:-0})))".txt
done
"$M" index add -q A.db docs && "$M" index add -q B.db rev
"$M" -R A.db -c input.txt >ab.mdlz 2>/dev/null
"$M" -R A.db --retrieval=whole -c input.txt >abw.mdlz 2>/dev/null
decode ab B.db
expect "other index (same files, other order): a clear one-line error" \
    '[ $rc -ne 0 ] && [ ! -s ab.out ] && grep -q "has history [0-9a-f]*, not [0-9a-f]*: another index" "$T/err" &&
     [ "$(wc -l <"$T/err")" -eq 1 ]'
decode abw B.db
expect "other index: a whole-only stream decodes (documents by content)" \
    '[ $rc -eq 0 ] && cmp -s abw.out input.txt'
decode ab A.db
expect "other index: the stream decodes with its own index" '[ $rc -eq 0 ] && cmp -s ab.out input.txt'
decode ab W.db
expect "older index: the generation asked for does not exist yet" \
    '[ $rc -ne 0 ] && [ ! -s ab.out ] && grep -q "index generation 1 has history\|generation .* needed" "$T/err"'

# ---- Latin-1 ------------------------------------------------------------------------
mkdir -p mail
"$PY" -c '
import sys
t = ("From: Ren\u00e9 M\u00fcller <rene@example.org>\nSubject: R\u00e9sum\u00e9 of the caf\u00e9 meeting\n\n"
     "Gr\u00fc\u00dfe! The na\u00efve fa\u00e7ade of the Stra\u00dfe needs work; \u00bfqu\u00e9 tal? "
     "Bj\u00f6rk sang \u00e0 la fran\u00e7aise.\n")
open("mail/letter.eml", "wb").write(t.encode("latin-1"))
open("rfc-latin1.txt", "wb").write(("RFC 9999: Pr\u00e9cis of \u00e9l\u00e8ves\n" * 5).encode("latin-1"))
open("blob.bin", "wb").write(b"\x00\x01\x02binary\x00" * 50)
'
run index add L.db mail
expect "latin-1: added when walking a directory" '[ $rc -eq 0 ] && grep -q "^added 1 mail/letter.eml" "$T/out"'
run index add L.db rfc-latin1.txt
expect "latin-1: added when named" '[ $rc -eq 0 ] && grep -q "^added 2 rfc-latin1.txt" "$T/out"'
run index search L.db "façade"
expect "latin-1: search finds an accented word typed in UTF-8" \
    '[ $rc -eq 0 ] && grep -q "mail/letter.eml" "$T/out" && grep -q "\[façade\]" "$T/out"'
run index search L.db "élèves"
expect "latin-1: search finds the named file's word" '[ $rc -eq 0 ] && grep -q "rfc-latin1.txt" "$T/out"'
"$M" -R L.db -c mail/letter.eml >l.mdlz 2>/dev/null && "$M" -d -R L.db -c l.mdlz >l.out 2>/dev/null
expect "latin-1: round trip with retrieval" 'cmp -s l.out mail/letter.eml'
run index add L.db blob.bin
expect "binary: a named binary file fails the add with its name and reason" \
    '[ $rc -eq 1 ] && grep -q "blob.bin: binary document (contains NUL bytes)" "$T/err" &&
     grep -q "nothing was added" "$T/err"'
run index check L.db
expect "check: healthy Latin-1 index" '[ $rc -eq 0 ]'

# ---- check on a damaged index, vacuum, old schema -------------------------------------
cp L.db D.db
"$PY" -c '
import sqlite3
db = sqlite3.connect("D.db")
db.execute("UPDATE documents SET tokens = tokens + 1 WHERE id = 1")
db.execute("UPDATE generations SET docs = 7 WHERE gen = 2")
db.commit()
'
run index check D.db
expect "check: a damaged index, one line per problem, exit 1" \
    '[ $rc -eq 1 ] && grep -q "document 1 (mail/letter.eml): .* tokens stored" "$T/err" &&
     grep -q "generation 2: 7 documents" "$T/err" && grep -q "problems found" "$T/err"'
run index vacuum KB.db
expect "vacuum: reports bytes before and after" \
    '[ $rc -eq 0 ] && grep -q "bytes (.*) before, [0-9]* bytes (.*) after" "$T/out"'
run index check KB.db
expect "vacuum: the index is still healthy" '[ $rc -eq 0 ]'
decode whole KB.db
expect "vacuum: streams still decode" '[ $rc -eq 0 ] && cmp -s whole.out input.txt'
"$PY" -c '
import sqlite3
db = sqlite3.connect("O.db")
db.execute("PRAGMA application_id = 1835297914")
db.execute("PRAGMA user_version = 2")
db.execute("CREATE TABLE documents(id)")
db.commit()
'
run index stats O.db
expect "schema 2: refused with a clear message" \
    '[ $rc -eq 1 ] && grep -q "schema version 2 is not supported (this mdlz reads version 3; build a new index" "$T/err"'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
