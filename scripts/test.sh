#!/usr/bin/env bash
# test.sh - install dependencies if missing, build, and run every default
# test suite twice: in the release build (build/) and under AddressSanitizer
# + UndefinedBehaviorSanitizer (build-asan/); the threaded tests under
# ThreadSanitizer (build-tsan/); then a short libFuzzer run of
# each fuzz target (tests/fuzz/run.sh, clang, build-fuzz/). Exits non-zero
# if anything fails, and closes with "N passed, M failed[, K skipped]" over
# the test runs and the fuzz targets (one count each).
# The 'slow' suite (multi-GB streams, an hour or more) is left out; run it
# with `meson test -C build --suite slow`.
#
#   bash scripts/test.sh
#
# Environment: MDLZ_FUZZ_SECONDS (seconds per fuzz target, default 60; 0
# skips fuzzing), MDLZ_FUZZ_JOBS (targets fuzzed at once, default 4: all of
# them, sharing the cores). Findings (inputs that crash, leak, or break a
# checked property) are kept in build-fuzz/fuzz-artifacts/ (FUZZ_ARTIFACTS
# overrides) and fail the run; the path and the replay commands are
# printed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

passed=0 failed=0 skipped=0

# Prints how long the previous stage took (bash's SECONDS).
took() {
    echo "-- ${1}: $((SECONDS - stage_start)) s"
    stage_start=$SECONDS
}
stage_start=$SECONDS

# Adds the results of one `meson test` run from its testlog.json.
count() {
    local log=$1 p f s
    if [[ ! -s $log ]]; then
        failed=$((failed + 1)) # the run did not get as far as any test
        return
    fi
    read -r p f s < <(python3 - "$log" <<'EOF'
import json, sys
ok = bad = skip = 0
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    r = json.loads(line).get("result", "")
    if r in ("OK", "EXPECTEDFAIL"):
        ok += 1
    elif r == "SKIP":
        skip += 1
    else:  # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS, ...
        bad += 1
print(ok, bad, skip)
EOF
    ) || { failed=$((failed + 1)); return; }
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

summary() {
    echo
    echo "$passed passed, $failed failed, $skipped skipped"
}

status=0

echo "== setup and release build"
if ! bash scripts/setup.sh; then
    echo "test.sh: setup or build failed" >&2
    failed=$((failed + 1))
    summary
    exit 1
fi

echo "== tests (build/)"
rm -f build/meson-logs/testlog.json
meson test -C build --no-suite slow --print-errorlogs || status=1
count build/meson-logs/testlog.json
took "setup, release build and tests"

echo "== ASan + UBSan build (build-asan/)"
# No LTO under the sanitizers: it adds minutes of linking (every test
# re-optimizes the library) and nothing the sanitizers need; clang's LTO
# link of the fuzz build also crashed once on this machine.
asan_opts=("-Db_sanitize=address,undefined" -Db_lundef=false
           -Dbuildtype=debugoptimized -Db_lto=false)
if [[ -f build-asan/meson-private/coredata.dat ]]; then
    meson setup --reconfigure build-asan "${asan_opts[@]}"
else
    meson setup build-asan "${asan_opts[@]}"
fi && ninja -C build-asan
asan_built=$?

if ((asan_built == 0)); then
    echo "== tests under ASan + UBSan (build-asan/)"
    rm -f build-asan/meson-logs/testlog.json
    # Sanitized code runs a few times slower: stretch the timeouts, let the
    # corpus test take the first 1 MiB of each file (~11 of 45 MB), and
    # stream 4 MiB instead of 16 through test_huge.
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ASAN_OPTIONS=detect_leaks=1 \
    MDLZ_TEST_CORPUS_MAX_BYTES=1048576 MDLZ_TEST_HUGE_MAX=4M \
        meson test -C build-asan --no-suite slow --print-errorlogs \
            --timeout-multiplier 4 \
        || status=1
    count build-asan/meson-logs/testlog.json
    took "ASan + UBSan build and tests"
else
    echo "test.sh: ASan build failed" >&2
    status=1
    failed=$((failed + 1))
fi

echo "== ThreadSanitizer: the threaded tests (build-tsan/)"
# Only the threads suite's quick cases (segments coded at once, both ways,
# and a damaged stream) under TSan: every race between the workers and the
# caller's thread shows there, in under a minute (the other suites have no
# threads of ours beyond the archive's, tested under ASan above).
# No -Werror there: GCC's TSan instrumentation makes -Wmaybe-uninitialized
# see false cases in retrieval/select.c; the builds above check warnings.
tsan_opts=("-Db_sanitize=thread" -Db_lundef=false -Dwerror=false
           -Dbuildtype=debugoptimized -Db_lto=false)
if [[ -f build-tsan/meson-private/coredata.dat ]]; then
    meson setup --reconfigure build-tsan "${tsan_opts[@]}"
else
    meson setup build-tsan "${tsan_opts[@]}"
fi && ninja -C build-tsan tests/threads/test_threads
if (($? == 0)); then
    rm -f build-tsan/meson-logs/testlog.json
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
        meson test -C build-tsan --no-rebuild --suite threads-quick \
            --print-errorlogs --timeout-multiplier 4 \
        || status=1
    count build-tsan/meson-logs/testlog.json
    took "TSan build and threaded tests"
else
    echo "test.sh: TSan build failed" >&2
    status=1
    failed=$((failed + 1))
fi

# A short fuzz run: found crashes/leaks/property violations fail; inputs
# that are only slow (README of tests/fuzz: a block header can declare a
# costly block) are listed but do not.
fuzz_secs=${MDLZ_FUZZ_SECONDS:-60}
fuzz_targets=(decompress roundtrip header archive)
if ! [[ $fuzz_secs =~ ^[0-9]+$ ]]; then
    echo "test.sh: MDLZ_FUZZ_SECONDS must be a number of seconds" >&2
    status=1
    failed=$((failed + 1))
elif ((fuzz_secs == 0)); then
    echo "== fuzzing skipped (MDLZ_FUZZ_SECONDS=0)"
    skipped=$((skipped + ${#fuzz_targets[@]}))
elif ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
    echo "== fuzzing skipped: ${FUZZ_CC:-clang} not found (Debian: clang libclang-rt-dev)"
    skipped=$((skipped + ${#fuzz_targets[@]}))
else
    echo "== libFuzzer: ${fuzz_secs}s per target, ${MDLZ_FUZZ_JOBS:-4} at once (build-fuzz/)"
    rm -f build-fuzz/fuzz-logs/results
    FUZZ_BUILD=$PWD/build-fuzz FUZZ_JOBS=${MDLZ_FUZZ_JOBS:-4} FUZZ_SOFT_TIMEOUTS=1 \
        bash tests/fuzz/run.sh "$fuzz_secs" "${fuzz_targets[@]}"
    fuzz_rc=$?
    if ((fuzz_rc == 2)) || [[ ! -s build-fuzz/fuzz-logs/results ]]; then
        echo "test.sh: fuzz build or run failed (exit $fuzz_rc)" >&2
        failed=$((failed + 1))
        status=1
    else
        p=$(grep -c ' ok ' build-fuzz/fuzz-logs/results)
        f=$(grep -vc ' ok ' build-fuzz/fuzz-logs/results)
        passed=$((passed + p)) failed=$((failed + f))
        ((f > 0 || fuzz_rc != 0)) && status=1
    fi
    echo "fuzz artifacts: ${FUZZ_ARTIFACTS:-$PWD/build-fuzz/fuzz-artifacts}/"
    took "fuzz build and run"
fi

((failed > 0)) && status=1
summary
exit $status
