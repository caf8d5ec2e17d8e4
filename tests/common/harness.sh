# shellcheck shell=bash
# harness.sh - what every shell test suite under tests/ shares (sourced,
# never run; tests/api/check.h is its C counterpart): the pass/fail/skip
# counters and the case lines, a temporary working directory removed at
# exit, running a command with its output captured, the predicates the
# cases' conditions are written with, and the closing summary line.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"
#   [ $# -eq 1 ] && [ -x "$1" ] || usage "PATH/TO/mdlz"
#   M=$(abspath "$1")
#   harness_init cli           # $T = /tmp/mdlz-cli.XXXXXX, cwd $T
#   RUN_CMD=("$M")             # what run and run_in execute
#   run -t file.mdlz
#   expect "-t on a good file" 'is_rc 0 && err_empty'
#   harness_done               # summary line and exit status
#
# Output (for people; meson reads only the exit status): one line per
# case, "ok - NAME", "not ok - NAME" followed by "#   " lines (the exit
# status and the stderr of the last run), or "ok - NAME # SKIP REASON";
# then "N passed, M failed" (", K skipped" added when some were). The
# exit status is 0 when no case failed, 1 otherwise, 2 on a usage error,
# 77 (meson: skipped) from skip_all.
#
# Hooks: a suite may define on_fail (more "#   " diagnostics after a
# failed case) and on_exit (its own cleanup, run before $T is removed).
#
# Variables: T (the temporary directory), rc (exit status of the last
# run; a case that runs a command by hand sets it), pass, fail, skipped,
# RUN_CMD (array: the command run and run_in prefix to their arguments).
#
# Cases are eval'd strings that read the suite's variables at that point:
# shellcheck disable=SC2034
set -u

pass=0 fail=0 skipped=0 rc=0
T=
RUN_CMD=()

# ---- setup and summary ---------------------------------------------------

# usage ARGS: the usage line on stderr, exit 2 (bad arguments to the suite).
usage() {
    echo "usage: $0 $1" >&2
    exit 2
}

# skip_all REASON: the whole suite cannot run here; meson counts it skipped.
skip_all() {
    echo "SKIP: $1"
    exit 77
}

# abspath PATH: PATH made absolute (its directory must exist), so that it
# still names the same file after the suite changes directory.
abspath() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

# harness_init NAME: makes the temporary directory $T (mdlz-NAME.XXXXXX in
# $TMPDIR or /tmp), removes it at exit, and changes into it.
harness_init() {
    T=$(mktemp -d "${TMPDIR:-/tmp}/mdlz-$1.XXXXXX") || exit 1
    trap harness_cleanup EXIT
    cd "$T" || exit 1
}

# The EXIT trap: the suite's on_exit, then $T removed (made writable
# first: a case may have left read-only directories in it).
harness_cleanup() {
    if declare -F on_exit >/dev/null; then on_exit; fi
    if [ -n "$T" ]; then
        chmod -R u+rwx "$T" 2>/dev/null
        rm -rf "$T"
    fi
}

# harness_done: prints the summary line, exits 0 if no case failed, else 1.
harness_done() {
    local line="$pass passed, $fail failed"
    [ "$skipped" -gt 0 ] && line+=", $skipped skipped"
    echo "$line"
    [ "$fail" -eq 0 ] && exit 0
    exit 1
}

# ---- cases -------------------------------------------------------------------

# ok NAME: records a passed case.
ok() {
    echo "ok - $1"
    pass=$((pass + 1))
}

# notok NAME: records a failed case, with the exit status and the first
# lines of stderr of the last run, then the suite's on_fail.
notok() {
    echo "not ok - $1"
    fail=$((fail + 1))
    echo "#   exit status $rc; stderr:"
    sed -n '1,5s/^/#     /p' "$T/err" 2>/dev/null
    if declare -F on_fail >/dev/null; then on_fail; fi
}

# skip NAME REASON: a case that cannot run here (neither passed nor failed).
skip() {
    echo "ok - $1 # SKIP $2"
    skipped=$((skipped + 1))
}

# expect NAME CONDITION...: evaluates CONDITION (shell code, usually a
# chain of the predicates below) and records the case as passed if it
# succeeds.
expect() {
    local name=$1
    shift
    if eval "$*"; then ok "$name"; else notok "$name"; fi
}

# need_corpus DIR NAME: true if the corpus directory DIR exists; otherwise
# records case NAME as skipped, saying where the corpus was looked for.
need_corpus() {
    [ -n "$1" ] && [ -d "$1" ] && return 0
    skip "$2" "corpus not found (${1:-no directory given}; tests look for ../shared/corpus)"
    return 1
}

# ---- running -------------------------------------------------------------------

# run ARGS...: runs RUN_CMD ARGS with stdin from /dev/null, stdout in
# $T/out, stderr in $T/err and the exit status in rc.
run() { run_in /dev/null "$@"; }

# run_in FILE ARGS...: the same with stdin from FILE.
run_in() {
    local input=$1
    shift
    "${RUN_CMD[@]}" "$@" <"$input" >"$T/out" 2>"$T/err"
    rc=$?
}

# ---- predicates (on the last run, or on files) ---------------------------------

is_rc() { [ "$rc" -eq "$1" ]; }
err_has() { grep -q -- "$1" "$T/err"; }
out_has() { grep -q -- "$1" "$T/out"; }
err_empty() { [ ! -s "$T/err" ]; }
out_empty() { [ ! -s "$T/out" ]; }
# exactly one line of stderr, the command's own "mdlz: ..." error message
one_line_err() { [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q '^mdlz: ' "$T/err"; }
same() { cmp -s "$1" "$2"; }
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }
# no temporary files (".NAME.tmpXXXXXX") directly in DIR (default: cwd)
no_tmp() { [ -z "$(find "${1:-.}" -maxdepth 1 -name '.*.tmp*')" ]; }

# jsonl FILE KEY...: the values of KEY in each line of FILE (JSON Lines, the
# --json output), tab-separated, one line per object (tests/common/jsonl.py
# says how lists and null are written); fails if a line is not a JSON object
# or lacks a key.
HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jsonl() { python3 "$HARNESS_DIR/jsonl.py" "$@"; }

# ---- files -------------------------------------------------------------------------

# flip FILE POS [N]: complements N bytes (default 1) of FILE at offset POS.
flip() {
    local b out=""
    for b in $(od -An -tu1 -v -j "$2" -N "${3:-1}" "$1"); do
        out+=$(printf '\\%03o' $((255 - b)))
    done
    # shellcheck disable=SC2059 # the format is the octal escapes
    printf "$out" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
