#!/usr/bin/env bash
# test.sh - install dependencies if missing, build, and run every default
# test suite twice: in the release build (build/) and under AddressSanitizer
# + UndefinedBehaviorSanitizer (build-asan/). Exits non-zero if anything
# fails, and closes with "N passed, M failed[, K skipped]" over both runs.
# The 'slow' suite (multi-GB streams, an hour or more) is left out; run it
# with `meson test -C build --suite slow`.
#
#   bash scripts/test.sh
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

passed=0 failed=0 skipped=0

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

echo "== ASan + UBSan build (build-asan/)"
asan_opts=("-Db_sanitize=address,undefined" -Db_lundef=false
           -Dbuildtype=debugoptimized)
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
else
    echo "test.sh: ASan build failed" >&2
    status=1
    failed=$((failed + 1))
fi

((failed > 0)) && status=1
summary
exit $status
