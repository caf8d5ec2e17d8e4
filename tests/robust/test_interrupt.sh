#!/usr/bin/env bash
# test_interrupt.sh - interruption and full-disk behaviour of the mdlz
# command, the cases tests/cli/test_cli.sh leaves out (it covers SIGINT,
# SIGTERM and SIGHUP while compressing from a FIFO, SIGINT on a large
# compression, and compressed output to /dev/full):
#
#   signals   SIGINT / SIGTERM while compressing a 20 MB file (also with
#             --rm and -o) and while decompressing a multi-stream file
#             (also with --rm) or a stream arriving through a FIFO
#             (INT, TERM, HUP): the process dies of that signal, no output
#             and no ".NAME.tmpXXXXXX" file remain, the input is intact;
#   full disk a 64 KiB tmpfs (when run as root and mounting works), and
#             `ulimit -f` with SIGXFSZ ignored (write fails with EFBIG):
#             compression and decompression exit 1 with one line naming
#             the output and the reason, leave nothing behind, keep the
#             input (also with --rm); decompressed output to /dev/full and
#             compressed stdin-to-stdout to /dev/full exit 1;
#   SIGXFSZ   `ulimit -f` with SIGXFSZ at its default disposition (which
#             would kill the process at the limit): mdlz ignores it, so it
#             is the same clean EFBIG error, nothing left behind.
#
# Usage: test_interrupt.sh PATH/TO/mdlz
# Prints "ok - NAME" / "not ok - NAME" per case, then "N passed, M failed".
# shellcheck disable=SC2034 # variables read by expect's eval'd conditions
# shellcheck source=../common/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"

{ [ $# -eq 1 ] && [ -x "$1" ]; } || usage "PATH/TO/mdlz"
M=$(abspath "$1")
harness_init robust
FULL=$T/full # the small tmpfs, when mounted
mounted=0
on_exit() { if [ $mounted = 1 ]; then umount -l "$FULL" 2>/dev/null; fi; }
on_fail() { echo "#   files: $(ls -A "$W" | tr '\n' ' ')"; }
W=$T/w
mkdir "$W" && cd "$W" || exit 1

sum_of() { cksum <"$1"; }
# only FILE... (names) in directory DIR
only() {
    local dir=$1
    shift
    local want=
    [ $# -gt 0 ] && want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
    [ "$(ls -A "$dir" | sort | tr '\n' ' ')" = "$want" ]
}
signum() { kill -l "$1"; }

# wait_tmp PATTERN: waits (up to 20 s on a loaded machine) until a file
# matching PATTERN exists in the working directory; 0 if it appeared.
wait_tmp() {
    local _
    for _ in $(seq 200); do
        [ -n "$(find . -maxdepth 1 -name "$1")" ] && return 0
        sleep 0.1
    done
    return 1
}

# ---- inputs -------------------------------------------------------------------
# Text: the model codes it at about 1 MB/s (random bytes would be stored
# without modelling, far too fast to interrupt).
yes "the quick brown fox $RANDOM jumps over the lazy dog" | head -c 20000000 >big
big_sum=$(sum_of big)
head -c 100000 /dev/urandom >rnd # incompressible: ~100 KB compressed
rnd_sum=$(sum_of rnd)
i=0
while [ $i -lt 3000 ]; do
    echo "line $i: the quick brown fox jumps over the lazy dog $((i * 7 % 1000))"
    i=$((i + 1))
done >text # ~170 KB, ~20 KB compressed
"$M" -1 -c text >text.mdlz || exit 1
# A slow stream to decode: 256 KiB of text, twelve times over
# (concatenated streams), ~3 MB to decode at about 1 MB/s.
yes "pack my box with $RANDOM five dozen liquor jugs" | head -c 262144 >chunk
"$M" -1 -c chunk >chunk.mdlz || exit 1
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do cat chunk.mdlz; done >multi.mdlz
multi_sum=$(sum_of multi.mdlz)
rm -f chunk chunk.mdlz

# Background jobs of a non-interactive shell ignore SIGINT; job control
# runs them in their own process group with default dispositions.
set -m

# ---- signals while compressing -------------------------------------------------
# interrupt SIG TMP_PATTERN ARGS...: runs mdlz ARGS in the background,
# waits for its temporary file, lets it work 0.3 s more, sends SIG.
interrupt() {
    local sig=$1 pat=$2
    shift 2
    "$M" "$@" </dev/null >/dev/null 2>"$T/err" &
    local pid=$!
    had_tmp=0
    wait_tmp "$pat" && had_tmp=1
    sleep 0.3
    kill -"$sig" $pid
    wait $pid 2>/dev/null
    rc=$?
}

interrupt INT '.big.mdlz.tmp*' big
expect "SIGINT compressing a 20 MB file: dies of SIGINT, no output, input intact" \
    '[ $had_tmp = 1 ] && is_rc $((128 + $(signum INT))) && absent big.mdlz && no_tmp && [ "$(sum_of big)" = "$big_sum" ]'
interrupt TERM '.big.mdlz.tmp*' --rm big
expect "SIGTERM compressing with --rm: no output, input kept and intact" \
    '[ $had_tmp = 1 ] && is_rc $((128 + $(signum TERM))) && absent big.mdlz && no_tmp && [ "$(sum_of big)" = "$big_sum" ]'
interrupt TERM '.out.mdlz.tmp*' -9 -o out.mdlz big
expect "SIGTERM compressing -9 -o FILE: no output, input intact" \
    '[ $had_tmp = 1 ] && is_rc $((128 + $(signum TERM))) && absent out.mdlz && no_tmp && [ "$(sum_of big)" = "$big_sum" ]'
rm -f big

# ---- signals while decompressing -----------------------------------------------
interrupt INT '.multi.tmp*' -d multi.mdlz
expect "SIGINT decompressing: dies of SIGINT, no output, input intact" \
    '[ $had_tmp = 1 ] && is_rc $((128 + $(signum INT))) && absent multi && no_tmp && [ "$(sum_of multi.mdlz)" = "$multi_sum" ]'
interrupt TERM '.multi.tmp*' -d --rm multi.mdlz
expect "SIGTERM decompressing with --rm: no output, input kept and intact" \
    '[ $had_tmp = 1 ] && is_rc $((128 + $(signum TERM))) && absent multi && no_tmp && [ "$(sum_of multi.mdlz)" = "$multi_sum" ]'
interrupt TERM '.dec.tmp*' -d -f -o dec multi.mdlz
expect "SIGTERM decompressing -o FILE: no output" \
    '[ $had_tmp = 1 ] && is_rc $((128 + $(signum TERM))) && absent dec && no_tmp'
# Deterministic: the decoder waits for the rest of the stream on a FIFO.
half=$(($(wc -c <text.mdlz) / 2))
for sig in INT TERM HUP; do
    rm -f fifo
    mkfifo fifo
    "$M" -d -o fifo.out <fifo 2>"$T/err" &
    pid=$!
    exec 7>fifo
    head -c $half text.mdlz >&7
    had_tmp=0
    wait_tmp '.fifo.out.tmp*' && had_tmp=1
    kill -$sig $pid
    wait $pid 2>/dev/null
    rc=$?
    exec 7>&-
    expect "SIG$sig decompressing half a stream from a FIFO: no output" \
        '[ $had_tmp = 1 ] && is_rc $((128 + $(signum $sig))) && absent fifo.out && no_tmp'
done
rm -f fifo
set +m

# ---- full disk: a 64 KiB tmpfs -------------------------------------------------------
mkdir "$FULL"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k,mode=0755 mdlz-full "$FULL" 2>/dev/null; then
    mounted=1
    "$M" -1 -o "$FULL/rnd.mdlz" rnd 2>"$T/err"
    rc=$?
    expect "full disk compressing: exit 1, 'No space left', nothing written" \
        'is_rc 1 && one_line_err && err_has "$FULL/rnd.mdlz: No space left on device" && only "$FULL" && [ "$(sum_of rnd)" = "$rnd_sum" ]'
    "$M" -d -o "$FULL/text" text.mdlz 2>"$T/err"
    rc=$?
    expect "full disk decompressing: exit 1, 'No space left', nothing written" \
        'is_rc 1 && one_line_err && err_has "$FULL/text: No space left on device" && only "$FULL"'
    cp text.mdlz "$FULL/"
    "$M" -d --rm "$FULL/text.mdlz" 2>"$T/err"
    rc=$?
    expect "full disk decompressing next to the input with --rm: input kept" \
        'is_rc 1 && one_line_err && err_has "No space left" && only "$FULL" text.mdlz && cmp -s "$FULL/text.mdlz" text.mdlz'
    rm -f "$FULL/text.mdlz"
    head -c 60000 rnd >"$FULL/r60"
    "$M" -1 --rm "$FULL/r60" 2>"$T/err"
    rc=$?
    expect "full disk compressing next to the input with --rm: input kept" \
        'is_rc 1 && one_line_err && err_has "No space left" && only "$FULL" r60 && cmp -s "$FULL/r60" <(head -c 60000 rnd)'
    umount "$FULL" && mounted=0
else
    skip "full disk on a tmpfs" "cannot mount a tmpfs (needs root)"
fi

# ---- full disk: ulimit -f (EFBIG) -------------------------------------------------------
# Limit 32 blocks of 1 KiB (bash); SIGXFSZ ignored, so write() fails with
# EFBIG ("File too large") as it fails with ENOSPC on a full disk.
(ulimit -f 32 && trap '' XFSZ && exec "$M" -1 rnd) 2>"$T/err"
rc=$?
expect "ulimit -f compressing: exit 1, 'File too large', nothing written, input intact" \
    'is_rc 1 && one_line_err && err_has "rnd.mdlz: File too large" && absent rnd.mdlz && no_tmp && [ "$(sum_of rnd)" = "$rnd_sum" ]'
cp text.mdlz t2.mdlz
(ulimit -f 32 && trap '' XFSZ && exec "$M" -d --rm t2.mdlz) 2>"$T/err"
rc=$?
expect "ulimit -f decompressing with --rm: exit 1, nothing written, input kept" \
    'is_rc 1 && one_line_err && err_has "t2: File too large" && absent t2 && cmp -s t2.mdlz text.mdlz && no_tmp'
(ulimit -f 32 && trap '' XFSZ && exec "$M" -1 -c <rnd >"$T/stdout.mdlz") 2>"$T/err"
rc=$?
expect "ulimit -f on a redirected stdout: exit 1" 'is_rc 1 && one_line_err'
rm -f "$T/stdout.mdlz"

# ---- /dev/full ---------------------------------------------------------------------------
if [ -w /dev/full ]; then
    "$M" -d -c text.mdlz >/dev/full 2>"$T/err"
    rc=$?
    expect "decompressing to stdout on /dev/full: exit 1, 'No space left'" \
        'is_rc 1 && one_line_err && err_has "No space left"'
    "$M" -d -o /dev/full text.mdlz 2>"$T/err"
    rc=$?
    expect "decompressing -o /dev/full: exit 1" 'is_rc 1 && one_line_err && err_has "/dev/full"'
    "$M" -1 <rnd >/dev/full 2>"$T/err"
    rc=$?
    expect "compressing stdin to stdout on /dev/full: exit 1" \
        'is_rc 1 && one_line_err && err_has "No space left"'
    "$M" -d <text.mdlz >/dev/full 2>"$T/err"
    rc=$?
    expect "decompressing stdin to stdout on /dev/full: exit 1" \
        'is_rc 1 && one_line_err && err_has "No space left"'
else
    skip "/dev/full" "no writable /dev/full"
fi

# ---- SIGXFSZ at its default disposition --------------------------------------------------
# A process that writes past `ulimit -f` gets SIGXFSZ, which kills it
# unless it is ignored: mdlz ignores it, so the write fails with EFBIG and
# is reported and cleaned up like a full disk.
# (The braces keep bash's "File size limit exceeded" off the log.)
{
    (ulimit -f 32 && exec "$M" -1 rnd) 2>"$T/err"
    rc=$?
} 2>/dev/null
expect "ulimit -f with SIGXFSZ at its default: exit 1, one error line, no output, no temporary file" \
    '[ $rc -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && absent rnd.mdlz && no_tmp'
rm -f .rnd.mdlz.tmp* rnd.mdlz

expect "no temporary files anywhere" '[ -z "$(find "$W" -name ".*.tmp*")" ]'

harness_done
