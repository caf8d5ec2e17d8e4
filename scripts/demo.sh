#!/usr/bin/env bash
# demo.sh - install dependencies if missing, build, then compress every
# sample in samples/ with build/cli/mdlz, check each round trip, and print
# a table of sizes and bits/byte next to xz -9e and zstd -19.
#
#   bash scripts/demo.sh            # default level
#   MDLZ_LEVEL=9 bash scripts/demo.sh
#   MDLZ=/path/to/mdlz bash scripts/demo.sh   # another mdlz binary
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== setup and build"
bash scripts/setup.sh
echo

mdlz=${MDLZ:-build/cli/mdlz}
if [[ ! -x $mdlz ]]; then
    echo "demo: $mdlz was not built (is cli/ written yet?)" >&2
    exit 1
fi
mdlz=$(realpath "$mdlz")
level_flag=()
[[ -n ${MDLZ_LEVEL:-} ]] && level_flag=("-$MDLZ_LEVEL")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every sample file (samples/README.md describes them; it is not one).
files=()
for f in samples/*; do
    [[ -f $f && $(basename "$f") != README.md ]] && files+=("$f")
done
if ((${#files[@]} == 0)); then
    echo "demo: no files in samples/" >&2
    exit 1
fi

have_xz=0 have_zstd=0
command -v xz >/dev/null && have_xz=1
command -v zstd >/dev/null && have_zstd=1

bpb() { awk -v c="$1" -v n="$2" 'BEGIN { printf "%.3f", n ? 8 * c / n : 0 }'; }

echo "== mdlz ${level_flag[*]:-(default level)} on samples/"
printf '%-34s %9s %10s %6s %10s %6s %10s %6s\n' file size mdlz bpb \
    'xz -9e' bpb 'zstd -19' bpb
t_n=0 t_m=0 t_x=0 t_z=0 fails=0
start=$(date +%s.%N)
for f in "${files[@]}"; do
    name=$(basename "$f")
    n=$(stat -c %s "$f")
    "$mdlz" "${level_flag[@]}" -q -c "$f" >"$work/$name.mdlz"
    "$mdlz" -q -d -c "$work/$name.mdlz" >"$work/$name.back"
    if ! cmp -s "$f" "$work/$name.back"; then
        echo "demo: ROUND TRIP FAILED for $f" >&2
        fails=$((fails + 1))
    fi
    m=$(stat -c %s "$work/$name.mdlz")
    x=0 z=0
    ((have_xz)) && x=$(xz -9e -T1 -c "$f" | wc -c)
    ((have_zstd)) && z=$(zstd -19 -q -c "$f" | wc -c)
    printf '%-34s %9d %10d %6s %10d %6s %10d %6s\n' "$name" "$n" "$m" \
        "$(bpb "$m" "$n")" "$x" "$(bpb "$x" "$n")" "$z" "$(bpb "$z" "$n")"
    t_n=$((t_n + n)) t_m=$((t_m + m)) t_x=$((t_x + x)) t_z=$((t_z + z))
done
printf '%-34s %9d %10d %6s %10d %6s %10d %6s\n' total "$t_n" "$t_m" \
    "$(bpb "$t_m" "$t_n")" "$t_x" "$(bpb "$t_x" "$t_n")" "$t_z" \
    "$(bpb "$t_z" "$t_n")"
((have_xz)) || echo "(xz not installed: its column is 0)"
((have_zstd)) || echo "(zstd not installed: its column is 0)"
awk -v s="$start" -v e="$(date +%s.%N)" -v m="$t_m" -v x="$t_x" -v z="$t_z" \
    'BEGIN { printf "mdlz total is %.1f%% of xz -9e, %.1f%% of zstd -19 (%.1f s for the whole table)\n",
             x ? 100 * m / x : 0, z ? 100 * m / z : 0, e - s }'

echo
echo "mdlz -l of the compressed files:"
(cd "$work" && "$mdlz" -l ./*.mdlz) 2>&1 || true

# Retrieval: index all samples but the last, compress the last against
# them (the index must be given again to decompress).
echo
last=${files[${#files[@]} - 1]}
"$mdlz" index add -q "$work/kb.db" "${files[@]:0:${#files[@]}-1}"
"$mdlz" -q -f -c "$last" >"$work/plain.mdlz"
"$mdlz" -q -f -c -R "$work/kb.db" "$last" >"$work/ret.mdlz"
if "$mdlz" -d -c -R "$work/kb.db" "$work/ret.mdlz" | cmp -s - "$last"; then
    echo "retrieval: $(basename "$last") $(stat -c %s "$work/plain.mdlz") bytes alone," \
         "$(stat -c %s "$work/ret.mdlz") with -R (the other samples indexed)"
    "$mdlz" -l -R "$work/kb.db" "$work/ret.mdlz" | sed 1,2d
else
    echo "demo: ROUND TRIP FAILED with retrieval" >&2
    fails=$((fails + 1))
fi

# Archive: all samples in one .mdlza, each group coded with the files it
# retrieved from earlier in the archive; extracted again and compared.
echo
same_all() { for f; do cmp -s "$f" "$work/x/$f" || return 1; done; }
if "$mdlz" archive create -q -f "$work/samples.mdlza" "${files[@]}" &&
    "$mdlz" archive extract -q "$work/samples.mdlza" -C "$work/x" &&
    same_all "${files[@]}"; then
    echo "archive: ${#files[@]} samples, $(cat "${files[@]}" | wc -c) bytes ->" \
         "$(stat -c %s "$work/samples.mdlza") bytes in samples.mdlza (round trip OK)"
    "$mdlz" archive list "$work/samples.mdlza" | tail -1
else
    echo "demo: ROUND TRIP FAILED with the archive" >&2
    fails=$((fails + 1))
fi

if ((fails)); then
    echo "demo: $fails round trip(s) failed" >&2
    exit 1
fi
echo "all ${#files[@]} round trips OK, one with retrieval, and the archive"
