# lib.sh - what the tests/archive scripts share, sourced by each. On top
# of tests/common/harness.sh (the case lines and their count, run, the
# predicates, a scratch directory removed on exit): the arguments
# (PATH/TO/mdlz PATH/TO/craft SAMPLES_DIR [CORPUS_DIR]; craft:
# tests/archive/craft.c), run as `mdlz archive ARGS`, and helpers to read
# archives and what list printed. finish prints the time and the summary
# line and sets the status.
# shellcheck shell=bash disable=SC2016,SC2034 # expect evaluates later
# shellcheck source=../common/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"
{ [ $# -ge 3 ] && [ -x "$1" ] && [ -x "$2" ]; } ||
    usage "PATH/TO/mdlz PATH/TO/craft SAMPLES_DIR [CORPUS_DIR]"
M=$(abspath "$1")
C=$(abspath "$2")
S=$(cd "$3" && pwd)
CORPUS=${4:-}
harness_init arc
RUN_CMD=("$M" archive) # run ARGS...: mdlz archive ARGS
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C
t_start=$SECONDS
no_files() { [ -z "$(find "$@" ! -type d 2>/dev/null)" ]; }
# meta DIR: type, mode, size and mtime of everything under DIR (and DIR).
meta() {
    (cd "$1" && find . -print0 | sort -z | xargs -0 stat -c '%n|%F|%a|%s|%Y')
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
    harness_done
}
