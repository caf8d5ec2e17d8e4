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
# shellcheck source=../common/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"

{ [ $# -eq 2 ] && [ -x "$1" ] && [ -f "$2" ]; } || usage "PATH/TO/mdlz SAMPLE_FILE"
command -v valgrind >/dev/null 2>&1 ||
    skip_all "valgrind is not installed (Debian: apt-get install valgrind)"
M=$(abspath "$1")
S=$(abspath "$2")
exec 3>&1 # the report, whatever a case does with stdout

harness_init vg
cp "$S" s.txt || exit 1
: >empty

# vg WANT_RC NAME ARGS...: runs mdlz ARGS under valgrind (stdin and stdout
# as given by the caller) and checks that mdlz exited WANT_RC and that
# valgrind found nothing.
vg() {
    local want=$1 name=$2
    shift 2
    valgrind -q --error-exitcode=99 --leak-check=full \
        --log-file="$T/vg.log" "$M" "$@" 2>"$T/err"
    rc=$?
    if [ $rc -eq "$want" ] && [ ! -s "$T/vg.log" ]; then
        ok "$name" >&3
    else
        notok "$name: exit $rc (want $want)" >&3
        sed 's/^/#   /' "$T/vg.log" | head -n 60 >&3
    fi
}

for level in 1 5 9; do
    vg 0 "compress -$level" -$level -o s$level.mdlz s.txt
    vg 0 "decompress -$level" -d -o s$level.out s$level.mdlz
    expect "round trip -$level" 'same s.txt s$level.out'
done
vg 0 "compress an empty file" empty
vg 0 "decompress an empty file" -d -o empty.out empty.mdlz
expect "round trip of an empty file" 'same empty empty.out'
vg 0 "compress stdin to stdout" <s.txt >pipe.mdlz
vg 0 "decompress stdin to stdout" -d <pipe.mdlz >pipe.out
expect "round trip through pipes" 'same s.txt pipe.out'
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

harness_done
