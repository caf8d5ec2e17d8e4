#!/usr/bin/env bash
# test_headers.sh - every public header (INCLUDE_DIR/*.h, found when the
# test runs, so a new header is covered without a change here) compiles
# alone: a translation unit that includes only that header, twice (its
# include guard), as C11 with -Wall -Wextra -Werror -pedantic, and as
# C++11 with the same flags when a C++ compiler is given (each C++ case is
# skipped otherwise). A header that needs another header included first, or
# uses an extension, or breaks in a C++ program (a missing or malformed
# extern "C" block), fails here rather than in a user's build. The practice
# of dav1d and zstd.
#
# Usage: test_headers.sh INCLUDE_DIR CC [CXX]
# CC and CXX are compiler commands (words separated by spaces, e.g.
# "ccache cc"); an empty CXX means no C++ compiler.
# Prints "ok - NAME" / "not ok - NAME" per case, then "N passed, M failed".
# shellcheck disable=SC2034 # variables read by expect's eval'd conditions
# shellcheck source=../common/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"

{ [ $# -ge 2 ] && [ $# -le 3 ] && [ -d "$1" ] && [ -n "$2" ]; } ||
    usage "INCLUDE_DIR CC [CXX]"
INC=$(cd "$1" && pwd)
read -ra CC <<<"$2"
CXX=()
[ -n "${3:-}" ] && read -ra CXX <<<"$3"
harness_init headers
FLAGS=(-Wall -Wextra -Werror -pedantic -fsyntax-only -I "$INC")

shopt -s nullglob
headers=("$INC"/*.h)
[ ${#headers[@]} -gt 0 ] || { notok "no header in $INC"; harness_done; }
for h in "${headers[@]}"; do
    name=${h##*/}
    printf '#include "%s"\n#include "%s"\n' "$name" "$name" >tu.c
    RUN_CMD=("${CC[@]}")
    run -std=c11 "${FLAGS[@]}" -x c tu.c
    expect "$name compiles alone as C11" 'is_rc 0 && err_empty'
    if [ ${#CXX[@]} -gt 0 ]; then
        RUN_CMD=("${CXX[@]}")
        run -std=c++11 "${FLAGS[@]}" -x c++ tu.c
        expect "$name compiles alone as C++11" 'is_rc 0 && err_empty'
    else
        skip "$name compiles alone as C++11" "no C++ compiler"
    fi
done
harness_done
