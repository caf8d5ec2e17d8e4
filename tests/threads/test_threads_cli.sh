#!/bin/bash
# test_threads_cli.sh - the command's -T/--threads (suite 'threads'):
# -T1, -T2, -T3 and -T0 write the same file and decode it, from a file
# and from a pipe (size unknown); -l -v shows the segments; bad counts are
# usage errors; SIGINT while threads code (both ways) leaves no output and
# no temporary file. Small segments (--segment-log=18, 256 KiB) keep it
# fast; the segment size of the levels is fixed (docs/format.md).
. "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"

{ [ $# -eq 1 ] && [ -x "$1" ]; } || usage "PATH/TO/mdlz"
M=$(abspath "$1")
harness_init threads
RUN_CMD=("$M")
W=$T/w
mkdir "$W" && cd "$W" || exit 1

# About 1 MB of text (994 KB): four segments, the last short.
for i in $(seq 24000); do echo "line $i: the quick brown fox $((i * 7919 % 1000)) jumps"; done |
    head -c 1100000 >text
S=(--segment-log=18 -1 -q)

for t in 1 2 3 0; do
    run "${S[@]}" -T$t -c text
    cp "$T/out" "t$t.mdlz"
done
expect "-T1, -T2, -T3, -T0 write the same bytes" \
    'same t1.mdlz t2.mdlz && same t1.mdlz t3.mdlz && same t1.mdlz t0.mdlz && [ -s t1.mdlz ]'
run "${S[@]}" --threads=2 -c text
expect "--threads=2 as -T2" 'is_rc 0 && same "$T/out" t1.mdlz'
run "${S[@]}" -T 3 -c text
expect "-T 3 (separate argument)" 'is_rc 0 && same "$T/out" t1.mdlz'
for t in 1 2 0; do
    run -d -T$t -c t1.mdlz
    expect "-d -T$t restores the input" 'is_rc 0 && same "$T/out" text'
done
run -t -T2 t1.mdlz
expect "-t -T2 checks the file" 'is_rc 0'

# From a pipe: the size is unknown, segments all the same.
"$M" "${S[@]}" -T1 -c <text >p1.mdlz
"$M" "${S[@]}" -T2 -c <text >p2.mdlz
rc=$?
expect "from a pipe: -T2 writes the bytes of -T1" 'is_rc 0 && same p1.mdlz p2.mdlz'
run -d -T2 -c p2.mdlz
expect "from a pipe: decoded with -T2" 'is_rc 0 && same "$T/out" text'

run -l -v t1.mdlz
expect "-l -v shows the segments" 'is_rc 0 && out_has "segments: 4 of 256 KiB"'
run -l -v p1.mdlz
expect "-l -v on a stream of unknown size too" 'is_rc 0 && out_has "segments: 4 of 256 KiB"'
run -l --json t1.mdlz
jsonl "$T/out" segment_size segments >seg.json
printf '262144\t4\n' >seg.want
expect "-l --json gives the segment size and count" 'is_rc 0 && same seg.json seg.want'
"$M" -1 -q -c text >one.mdlz
run -l --json one.mdlz
jsonl "$T/out" segment_size segments >seg.json
printf '0\t0\n' >seg.want
expect "-l --json: a stream of one segment says 0 and 0" 'is_rc 0 && same seg.json seg.want'

run -T -c text
expect "-T without a number: usage error" 'is_rc 2'
run -Tx -c text
expect "-Tx: usage error" 'is_rc 2 && err_has "invalid number of threads"'
run --threads=-1 -c text
expect "--threads=-1: usage error" 'is_rc 2'
run --segment-log=17 -c text
expect "--segment-log=17 (below the smallest): refused" 'is_rc 1'

# ---- signals: no output, no temporary file ------------------------------
set -m
if [ "$(trap -p INT)" = "trap -- '' SIGINT" ]; then
    skip "SIGINT with threads" "SIGINT is ignored here"
else
    # About 4 MB: 16 small segments, seconds of work at -1 even on a fast
    # machine; the signal comes while both threads code.
    for i in 1 2 3 4; do cat text; done >big
    sum_before=$(cksum <big)
    "$M" -1 --segment-log=18 -T2 -q big 2>"$T/err" &
    pid=$!
    sleep 0.7
    kill -INT $pid
    wait $pid 2>/dev/null
    rc=$?
    expect "SIGINT compressing with -T2: exit $rc, no output, input intact" \
        '[ $rc -ne 0 ] && absent big.mdlz && no_tmp && [ "$(cksum <big)" = "$sum_before" ]'
    "$M" -1 --segment-log=18 -T2 -q -c big >big.mdlz
    "$M" -d -T2 -q -o back big.mdlz 2>"$T/err" &
    pid=$!
    sleep 0.5
    kill -INT $pid
    wait $pid 2>/dev/null
    rc=$?
    expect "SIGINT decompressing with -T2: exit $rc, no output" \
        '[ $rc -ne 0 ] && absent back && no_tmp'
fi
set +m

harness_done
