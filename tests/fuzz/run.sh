#!/usr/bin/env bash
# run.sh - builds the libFuzzer binaries of tests/fuzz and runs each for a
# while, starting from the seeds gen_seeds writes.
#
#   tests/fuzz/run.sh [DURATION] [TARGET...]
#
# DURATION is seconds per target (default 60; 0 only builds, runs
# nothing); TARGETs default to all of decompress, roundtrip, header,
# archive. The build directory is build-fuzz/ at the
# project root (FUZZ_BUILD overrides): clang, -Dfuzzing=true, the whole
# library built with ASan + UBSan (aborting on the first error) and
# -fsanitize=fuzzer-no-link, so libFuzzer sees coverage inside the engine.
#
# Each target keeps its corpus in build-fuzz/fuzz-corpus/TARGET (new inputs
# accumulate across runs; the generated seeds are read from
# build-fuzz/tests/fuzz/seeds/TARGET) and writes crashes, leaks, timeouts
# and OOMs to build-fuzz/fuzz-artifacts/TARGET/ (FUZZ_ARTIFACTS overrides
# build-fuzz/fuzz-artifacts). A log per target is in build-fuzz/fuzz-logs/,
# with TARGET.log.rc (libFuzzer's exit status) and results (one line per
# target: "TARGET ok|found EXECUTIONS"). Replay a crash with
#   build-fuzz/tests/fuzz/fuzz_TARGET CRASH_FILE
# or, without libFuzzer, build/tests/fuzz/replay_TARGET CRASH_FILE.
#
# Environment: FUZZ_BUILD, FUZZ_TIMEOUT (seconds per input, default 60),
# FUZZ_RSS_MB (default 2048), FUZZ_ARGS (extra libFuzzer flags),
# FUZZ_JOBS (targets run at once, default 1), FUZZ_SANITIZE (sanitizers of
# a new build directory, default address,undefined; "address" alone runs
# about twice as fast: use it with another FUZZ_BUILD), FUZZ_CC (clang),
# FUZZ_ARTIFACTS, FUZZ_SOFT_TIMEOUTS=1 (a timeout- artifact is listed with
# the slow units instead of failing the run: see README.md, slow units).
# Exit status: 0 if no target found anything, 1 otherwise, 2 on setup errors.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
duration=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(decompress roundtrip header archive)
bdir=${FUZZ_BUILD:-$root/build-fuzz}
timeout=${FUZZ_TIMEOUT:-60}
rss=${FUZZ_RSS_MB:-2048}
jobs=${FUZZ_JOBS:-1}
artifacts=${FUZZ_ARTIFACTS:-$bdir/fuzz-artifacts}
soft_timeouts=${FUZZ_SOFT_TIMEOUTS:-0}

if ! [[ $duration =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [DURATION_SECONDS] [TARGET...]" >&2
    exit 2
fi

# Longest input per target: the model codes ~1 MB/s (less under the
# sanitizers), and a round trip runs it three times.
max_len() {
    case $1 in
    decompress) echo 65536 ;;
    roundtrip) echo 16384 ;;
    header) echo 256 ;;
    archive) echo 16384 ;;
    *) echo 4096 ;;
    esac
}

if [[ ! -f $bdir/build.ninja ]]; then
    CC=${FUZZ_CC:-clang} meson setup "$bdir" "$root" \
        -Dfuzzing=true \
        -Dbuildtype=debugoptimized \
        -Db_lto=false \
        -Db_sanitize="${FUZZ_SANITIZE:-address,undefined}" \
        -Db_lundef=false \
        -Dwerror=false \
        "-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer" ||
        exit 2
fi
build=(tests/fuzz/seeds.stamp)
for t in "${targets[@]}"; do
    build+=("tests/fuzz/fuzz_$t" "tests/fuzz/replay_$t")
    # fuzz_archive's seeds come from gen_seeds_archive
    [[ $t == archive ]] && build+=(tests/fuzz/seeds-archive.stamp)
done
ninja -C "$bdir" "${build[@]}" || exit 2
if ((duration == 0)); then
    echo "run.sh: built $bdir/tests/fuzz/fuzz_{${targets[*]}}; DURATION 0: not run"
    exit 0
fi
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

mkdir -p "$bdir/fuzz-logs"
run_one() {
    local t=$1
    local corpus=$bdir/fuzz-corpus/$t arts=$artifacts/$t/
    local log=$bdir/fuzz-logs/$t.log
    mkdir -p "$corpus" "$arts"
    touch "$bdir/fuzz-logs/$t.start"
    echo "== fuzz_$t: ${duration}s, max_len $(max_len "$t") (log: $log)"
    "$bdir/tests/fuzz/fuzz_$t" "$corpus" "$bdir/tests/fuzz/seeds/$t" \
        -max_total_time="$duration" -rss_limit_mb="$rss" \
        -max_len="$(max_len "$t")" -timeout="$timeout" \
        -artifact_prefix="$arts" -print_final_stats=1 \
        ${FUZZ_ARGS:-} >"$log" 2>&1
    echo $? >"$log.rc"
}

running=0
for t in "${targets[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if ((running >= jobs)); then
        wait -n
        running=$((running - 1))
    fi
done
wait

status=0
: >"$bdir/fuzz-logs/results"
# findings TARGET: new artifacts of this run that count (crash-, leak-,
# timeout-, oom-; slow-unit- files, and timeout- ones with
# FUZZ_SOFT_TIMEOUTS=1, are only slow).
slow_pat='slow-unit-*'
((soft_timeouts)) && slow_pat='@(slow-unit|timeout)-*'
shopt -s extglob
new_files() { # TARGET counted|slow
    local f
    for f in "$artifacts/$1"/*; do
        [[ -f $f && $f -nt "$bdir/fuzz-logs/$1.start" ]] || continue
        # shellcheck disable=SC2053
        if [[ ${f##*/} == $slow_pat ]]; then
            [[ $2 == slow ]] && echo "$f"
        else
            [[ $2 == counted ]] && echo "$f"
        fi
    done
}
printf '\n%-11s %10s %7s %7s %8s %5s  %s\n' target executions exec/s corpus findings slow result
for t in "${targets[@]}"; do
    log=$bdir/fuzz-logs/$t.log
    rc=$(cat "$log.rc" 2>/dev/null || echo '?')
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    [[ -n $execs ]] || execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    corpus=$(find "$bdir/fuzz-corpus/$t" -type f | wc -l)
    found=$(new_files "$t" counted | wc -l)
    slow=$(new_files "$t" slow | wc -l)
    result=ok
    # libFuzzer exits 70 on a timeout; with soft timeouts that alone is
    # no finding.
    if [[ $rc == 70 && $found == 0 && $soft_timeouts == 1 ]]; then
        result="ok (stopped by a slow input: $(new_files "$t" slow | head -1))"
    elif [[ $rc != 0 || $found != 0 ]]; then
        result="FOUND (exit $rc): $(grep -m1 -E '^==[0-9]+==ERROR|runtime error|check failed|ERROR: libFuzzer' "$log" | cut -c1-100)"
        status=1
    fi
    printf '%-11s %10s %7s %7s %8s %5s  %s\n' "$t" "${execs:-?}" "${speed:-?}" \
        "$corpus" "$found" "$slow" "$result"
    echo "$t ${result%% *} ${execs:-0}" | tr 'A-Z' 'a-z' >>"$bdir/fuzz-logs/results"
done
for t in "${targets[@]}"; do
    new_files "$t" counted | while read -r f; do
        echo "finding: $f"
        echo "  replay: $bdir/tests/fuzz/fuzz_$t $f   (or build/tests/fuzz/replay_$t $f)"
        echo "  log:    $bdir/fuzz-logs/$t.log"
    done
done
echo "findings (crash/leak/timeout/oom) this run: $(for t in "${targets[@]}"; do new_files "$t" counted; done | wc -l); artifacts in $artifacts/"
exit $status
