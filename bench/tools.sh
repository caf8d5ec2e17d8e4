#!/usr/bin/env bash
# tools.sh - what each built-in tool saves on the data it is meant for
# (issue: "every shipped tool saves more bytes on its data than its own
# code costs"): total bytes of `mdlz -c --tools=T` against `--tools=none`
# over the files of the tool's corpus directories, next to the tool's code
# size from `mdlz tools`; then, for each tool, the file of the text corpus
# it makes largest against `--tools=none` (issue: "no tool makes any file
# in ../shared/corpus/text more than 0.2% larger"), with PASS/FAIL lines.
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
pays=()
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
    pays+=("$t $((a - b)) $code")
done
for r in "${pays[@]}"; do
    read -r t saved code <<<"$r"
    if ((saved > code)); then verdict=PASS; else verdict=FAIL; fi
    echo "  $verdict: $t saves $saved bytes on its data, more than its code ($code)"
done

# Targets: each tool pays on its data; none makes a text file > 0.2% larger.
echo
declare -A none_size
while IFS= read -r f; do
    none_size[$f]=$("$M" -c -q --tools=none "$f" | wc -c)
done < <(find "$C/text" -type f | sort)
printf '%-8s %-40s %10s %10s %8s\n' tool "worst text file" none with change
for t in calc seq markup; do
    [[ -z $only || " $only " == *" $t "* ]] || continue
    worst="" wpct=-1000000 wa=0 wb=0
    for f in "${!none_size[@]}"; do
        a=${none_size[$f]}
        b=$("$M" -c -q --tools="$t" "$f" | wc -c)
        pct=$(( (b - a) * 1000000 / a )) # parts per million
        if ((pct > wpct)); then worst=$f wpct=$pct wa=$a wb=$b; fi
    done
    printf '%-8s %-40s %10d %10d %7s%%\n' "$t" "${worst#"$C"/text/}" "$wa" "$wb" \
        "$(awk -v p="$wpct" 'BEGIN { printf "%+.3f", p / 10000 }')"
    if ((wpct <= 2000)); then verdict=PASS; else verdict=FAIL; fi
    echo "  $verdict: $t makes no text file more than 0.2% larger"
done
