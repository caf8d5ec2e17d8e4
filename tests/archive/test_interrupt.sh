#!/usr/bin/env bash
# test_interrupt.sh - SIGINT, SIGTERM and SIGHUP while `mdlz archive`
# writes (docs/archive.md, "Interrupted"): the process dies of the signal,
# no temporary file is left, nothing incomplete appears under a final
# name, and what existed before is unchanged. create (three attempts in a
# row: none may leave a file), create -f over an archive, add, rm, and
# extract with one and with two workers (a partly extracted member must
# not be left under its name; members extracted before it are complete).
# A signal ignored at startup (nohup) stays ignored. Temporary files have
# hidden names (".NAME.XXXXXX") beside their final names.
#
# Usage: test_interrupt.sh PATH/TO/mdlz PATH/TO/craft SAMPLES_DIR
# shellcheck disable=SC2016,SC2034 # expect evaluates its condition later
# shellcheck source=tests/archive/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Three files of ~620 KB of text, each a group of its own: coding or
# decoding one takes about a second at -1 (and a small one, below).
mkdir big
for i in 1 2 3; do
    for f in "$S"/*.txt "$S"/*.txt; do tail -c +$((i * 100)) "$f"; done >big/f$i.txt
done
sums() { (cd "${1:-.}" && find . -type f -print0 | sort -z | xargs -0 cksum); }
# tmp_in DIR: the temporary files under DIR (hidden, or the old a.mdlza.N.tmp)
tmp_in() { find "$1" \( -name '.*' -o -name '*.tmp' \) ! -name . -print; }
signum() { kill -l "$1"; }

# Background jobs of a non-interactive shell ignore SIGINT; job control
# runs them in their own process group with default dispositions.
set -m
# interrupt SIG PATTERN ARGS...: runs mdlz archive ARGS in the background,
# waits (up to 60 s) for a file matching PATTERN under the working
# directory, lets it work 0.3 s more, sends SIG; rc = its exit status.
interrupt() {
    local sig=$1 pat=$2 _
    shift 2
    "$M" archive "$@" </dev/null >out 2>err &
    local pid=$!
    had_tmp=0
    for _ in $(seq 600); do
        [ -n "$(find . -name "$pat" 2>/dev/null)" ] && had_tmp=1 && break
        sleep 0.1
    done
    sleep 0.3
    kill -"$sig" $pid
    wait $pid 2>/dev/null
    rc=$?
}
died_of() { [ "$had_tmp" = 1 ] && [ "$rc" -eq $((128 + $(signum "$1"))) ]; }

for attempt in 1 2 3; do
    interrupt INT '.a.mdlza.*' create -1 a.mdlza big
    expect "SIGINT during create (attempt $attempt): dies of it, no archive, no temporary file" \
        'died_of INT && [ ! -e a.mdlza ] && [ -z "$(tmp_in .)" ]'
done
"$M" archive create -q -1 a.mdlza big/f1.txt </dev/null || exit 1
cp a.mdlza a0.mdlza
interrupt TERM '.a.mdlza.*' create -1 -f a.mdlza big
expect "SIGTERM during create -f: the old archive unchanged, no temporary file" \
    'died_of TERM && cmp -s a.mdlza a0.mdlza && [ -z "$(tmp_in .)" ]'
interrupt HUP '.a.mdlza.*' add -1 a.mdlza big/f2.txt big/f3.txt
expect "SIGHUP during add: the archive unchanged, no temporary file" \
    'died_of HUP && cmp -s a.mdlza a0.mdlza && [ -z "$(tmp_in .)" ]'

# A small file every other group retrieves: removing it recodes them all.
head -c 40000 big/f1.txt >big/a.txt
"$M" archive create -q -1 b.mdlza big </dev/null || exit 1
cp b.mdlza b0.mdlza
interrupt TERM '.b.mdlza.*' rm b.mdlza big/a.txt
expect "SIGTERM during rm: the archive unchanged, no temporary file" \
    'died_of TERM && cmp -s b.mdlza b0.mdlza && [ -z "$(tmp_in .)" ]'

# complete_or_absent DIR: each file under DIR equals its original.
complete_or_absent() {
    local f
    for f in "$1"/big/*; do
        [ -e "$f" ] || continue
        cmp -s "$f" "big/${f##*/}" || return 1
    done
}
for threads in 1 2; do
    mkdir x$threads
    interrupt INT '.f*.txt.*' extract -T$threads -C x$threads b.mdlza
    expect "SIGINT during extract -T$threads: dies of it, no temporary file" \
        'died_of INT && [ -z "$(tmp_in x$threads)" ]'
    expect "... no partial member under its name; the others complete" \
        'complete_or_absent x$threads && [ "$(find x$threads -type f | wc -l)" -lt 4 ]'
done

# Ignored at startup (nohup): stays ignored, the command completes.
rm -f c.mdlza
(trap '' HUP && exec "$M" archive create -q -1 c.mdlza big/f1.txt </dev/null) &
pid=$!
for _ in $(seq 600); do [ -n "$(find . -name '.c.mdlza.*')" ] && break; sleep 0.1; done
kill -HUP $pid
wait $pid
rc=$?
expect "SIGHUP ignored at startup stays ignored: the archive is made" \
    '[ $rc -eq 0 ] && "$M" archive test -q c.mdlza && [ -z "$(tmp_in .)" ]'
set +m
finish
