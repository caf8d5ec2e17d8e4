#!/usr/bin/env bash
# tools.sh - what each built-in tool saves on the data it is meant for
# (issue: "every shipped tool saves more bytes on its data than its own
# code costs"): total bytes of `mdlz -c --tools=T` against `--tools=none`
# over the files of the tool's corpus directories, next to the tool's code
# size from `mdlz tools`.
#
#   bash bench/tools.sh [PATH/TO/mdlz] [CORPUS_DIR] [TOOL...]
set -euo pipefail
M=${1:-build/cli/mdlz}
C=${2:-../shared/corpus}
only="${*:3}"
total() { # tool files...
    local t=$1 sum=0 n
    shift
    for f in "$@"; do
        n=$("$M" -c -q --tools="$t" "$f" | wc -c)
        sum=$((sum + n))
    done
    echo "$sum"
}
printf '%-8s %-58s %10s %10s %8s %6s\n' tool data none with saved code
for spec in "calc:arith/svamp arith/aqua arith/tatqa arith/units" \
            "seq:structured/loghub structured/frictionless-csv structured/tzdata" \
            "markup:structured/xml structured/iso-codes-json"; do
    t=${spec%%:*}
    dirs=${spec#*:}
    [[ -z $only || " $only " == *" $t "* ]] || continue
    files=()
    for d in $dirs; do
        while IFS= read -r f; do files+=("$f"); done < <(find "$C/$d" -type f | sort)
    done
    a=$(total none "${files[@]}")
    b=$(total "$t" "${files[@]}")
    code=$("$M" tools | awk -v t="$t" '$1 == t {print $3}')
    printf '%-8s %-58s %10d %10d %8d %6s\n' "$t" "$dirs" "$a" "$b" $((a - b)) "$code"
done
