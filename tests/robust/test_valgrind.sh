#!/usr/bin/env bash
# test_valgrind.sh - the mdlz command under valgrind (memcheck): round trips
# of a sample text at levels 1 and 5 (default) and 9, of an empty file, of
# stdin to stdout (size unknown, so full-size tables), -t and -l -v, and the
# error paths (corrupt and truncated input, a memory limit too small, output
# to /dev/full) must report no invalid access, no use of uninitialized
# values and no leak (--leak-check=full --error-exitcode=99; mdlz itself
# exits 0, 1 or 2).
#
# Usage: test_valgrind.sh PATH/TO/mdlz SAMPLE_FILE
# Exits 77 (skipped) if valgrind is not installed. Meant for a build
# without sanitizers (meson defines it only there).
# shellcheck disable=SC2034 # variables read by expect's eval'd conditions
set -u

if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -f "$2" ]; then
    echo "usage: $0 PATH/TO/mdlz SAMPLE_FILE" >&2
    exit 2
fi
if ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIP: valgrind is not installed (Debian: apt-get install valgrind)"
    exit 77
fi
M=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
S=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
exec 3>&1 # the report, whatever a case does with stdout

T=$(mktemp -d "${TMPDIR:-/tmp}/mdlz-vg.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
cp "$S" s.txt || exit 1
: >empty

pass=0 fail=0 rc=0 n=0

# vg WANT_RC NAME ARGS...: runs mdlz ARGS under valgrind (stdin and stdout
# as given by the caller) and checks that mdlz exited WANT_RC and that
# valgrind found nothing.
vg() {
    local want=$1 name=$2
    shift 2
    n=$((n + 1))
    valgrind -q --error-exitcode=99 --leak-check=full \
        --log-file="$T/vg.$n.log" "$M" "$@" 2>"$T/err.$n"
    rc=$?
    if [ $rc -eq "$want" ] && [ ! -s "$T/vg.$n.log" ]; then
        echo "ok - $name" >&3
        pass=$((pass + 1))
    else
        echo "not ok - $name: exit $rc (want $want)" >&3
        fail=$((fail + 1))
        sed 's/^/#   /' "$T/err.$n" "$T/vg.$n.log" | head -n 60 >&3
    fi
}
same() {
    if cmp -s "$1" "$2"; then
        echo "ok - $3"
        pass=$((pass + 1))
    else
        echo "not ok - $3: $1 and $2 differ"
        fail=$((fail + 1))
    fi
}

for level in 1 5 9; do
    vg 0 "compress -$level" -$level -o s$level.mdlz s.txt
    vg 0 "decompress -$level" -d -o s$level.out s$level.mdlz
    same s.txt s$level.out "round trip -$level"
done
vg 0 "compress an empty file" empty
vg 0 "decompress an empty file" -d -o empty.out empty.mdlz
same empty empty.out "round trip of an empty file"
vg 0 "compress stdin to stdout" <s.txt >pipe.mdlz
vg 0 "decompress stdin to stdout" -d <pipe.mdlz >pipe.out
same s.txt pipe.out "round trip through pipes"
vg 0 "-t" -t s5.mdlz pipe.mdlz empty.mdlz
vg 0 "-l -v" -l -v s5.mdlz pipe.mdlz >/dev/null

# Error paths: mdlz exits 1, valgrind still finds nothing.
cp s5.mdlz bad.mdlz
size=$(wc -c <bad.mdlz)
printf '\377' | dd of=bad.mdlz bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
vg 1 "corrupt input" -d -o bad.out bad.mdlz
head -c $((size - 5)) s5.mdlz >cut.mdlz
vg 1 "truncated input" -d -c cut.mdlz >/dev/null
vg 1 "memory limit too small" -d -c --memory=1K s5.mdlz
vg 1 "compress with a memory limit too small" --memory=1K -c s.txt
if [ -w /dev/full ]; then
    vg 1 "decompressed output to /dev/full" -d -c s1.mdlz >/dev/full
fi
vg 2 "usage error" --bogus

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
