# lib.sh - what the tests/archive scripts share, sourced by each: the
# arguments (PATH/TO/mdlz PATH/TO/craft SAMPLES_DIR [CORPUS_DIR]; craft:
# tests/archive/craft.c), a scratch directory removed on exit, "ok - NAME"
# / "not ok - NAME" lines and their count (finish prints "N passed, M
# failed" and sets the status), and helpers to run the command, damage
# files and read what list printed.
# shellcheck shell=bash disable=SC2016,SC2034 # expect evaluates later
set -u
if [ $# -lt 3 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
    echo "usage: $0 PATH/TO/mdlz PATH/TO/craft SAMPLES_DIR [CORPUS_DIR]" >&2
    exit 2
fi
abspath() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
M=$(abspath "$1")
C=$(abspath "$2")
S=$(cd "$3" && pwd)
CORPUS=${4:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/mdlz-arc.XXXXXX") || exit 1
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C
pass=0 fail=0 rc=0
t_start=$SECONDS
ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() {
    echo "not ok - $1"; fail=$((fail + 1))
    echo "#   exit status $rc; stderr:"; sed -n '1,5s/^/#     /p' err 2>/dev/null
}
expect() { local name=$1; shift; if eval "$*"; then ok "$name"; else notok "$name"; fi; }
# run ARGS...: mdlz archive ARGS, stdout in out, stderr in err, status in rc.
run() { "$M" archive "$@" </dev/null >out 2>err; rc=$?; }
one_line() { [ "$(wc -l <err)" -eq 1 ]; }
no_files() { [ -z "$(find "$@" ! -type d 2>/dev/null)" ]; }
# meta DIR: type, mode, size and mtime of everything under DIR (and DIR).
meta() {
    (cd "$1" && find . -print0 | sort -z | xargs -0 stat -c '%n|%F|%a|%s|%Y')
}
# flip FILE POS N: complements N bytes of FILE at POS.
flip() {
    local b out=""
    for b in $(od -An -tu1 -v -j "$2" -N "$3" "$1"); do
        out+=$(printf '\\%03o' $((255 - b)))
    done
    # shellcheck disable=SC2059 # the format is the octal escapes
    printf "$out" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
u64_at() { od -An -tu8 -j "$2" -N8 "$1" | tr -d ' '; }
toc_offset() { u64_at "$1" $(($(stat -c %s "$1") - 24)); }
# names_of: the names `list` printed (directories with a trailing '/'):
# what starts at the column of "name" in its header, on the lines whose
# columns before it are numbers or '-'.
names_of() {
    awk 'NR == 1 { c = index($0, "name"); next }
         c && substr($0, 1, c - 1) ~ /^[-0-9 ]+$/ { print substr($0, c) }' out
}
# expected_names DIR: what list should print for an archive of DIR.
expected_names() {
    find "$1" \( -type f -printf '%p\n' \) -o \( -type d -printf '%p/\n' \) | sort
}

finish() {
    echo "# $((SECONDS - t_start)) s"
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
