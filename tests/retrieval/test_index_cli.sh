#!/usr/bin/env bash
# test_index_cli.sh - `mdlz index` end to end: add (files, directories,
# URLs), ls, rm, stats, search; usage errors and exit codes (0 ok, 1 error,
# 2 usage); all-or-nothing adds and removes (a failing argument, a killed
# process); duplicates; the binary rule and --force; URLs from a local
# HTTP server (200, redirect, redirect loop, 404, refused connection,
# --max-size on the body and on Content-Length, file://, bad scheme).
#
# Usage: test_index_cli.sh PATH/TO/mdlz PATH/TO/python3 PATH/TO/http_server.py
# Prints "ok - NAME" / "not ok - NAME" per case, then "N passed, M failed".
# Needs no network: the server listens on 127.0.0.1.

# shellcheck disable=SC2034 # variables read by expect's eval'd conditions and run
# shellcheck source=../common/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"

{ [ $# -eq 3 ] && [ -x "$1" ]; } ||
    usage "PATH/TO/mdlz PATH/TO/python3 PATH/TO/http_server.py"
M=$(abspath "$1")
PY=$2
SERVER=$(abspath "$3")
harness_init index
RUN_CMD=("$M")
server_pid=
on_exit() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; }
on_fail() {
    echo "#   stdout:"
    sed -n '1,6s/^/#     /p' "$T/out" 2>/dev/null
}

state() {
    "$M" index stats "$1" 2>/dev/null | sed -n "s/^generation *//p"
}

listing() {
    "$M" index ls "$1" 2>/dev/null | awk 'NR > 1 { print $1, $2, $4 }'
}

# ---- files --------------------------------------------------------------

mkdir -p docs/sub docs/.hidden
printf 'The quick brown fox jumps over the lazy dog.\n' >notes.txt
printf 'A quick note about foxes and their dens.\n' >docs/a.txt
printf 'Dogs are lazy in the afternoon sun.\n' >docs/sub/b.txt
printf 'hidden file\n' >docs/.h.txt
printf 'hidden dir\n' >docs/.hidden/x.txt
printf 'GIF89a\0\1\2\3binary' >docs/img.bin
printf 'some new words\n' >new.txt
printf 'abc\0def' >blob.bin

run index --help
expect "help: exit 0, mentions the one transaction" \
    '[ $rc -eq 0 ] && grep -q "One transaction" "$T/out"'
run index
expect "usage: no command is exit 2" '[ $rc -eq 2 ]'
run index frob KB.db
expect "usage: unknown command is exit 2" '[ $rc -eq 2 ] && grep -q frob "$T/err"'
run index ls
expect "usage: missing INDEX is exit 2" '[ $rc -eq 2 ]'
run index ls KB.db --force
expect "usage: --force outside add is exit 2" '[ $rc -eq 2 ]'
run index add KB.db --max-size=12Q notes.txt
expect "usage: bad --max-size is exit 2" '[ $rc -eq 2 ] && [ ! -e KB.db ]'
run index ls KB.db
expect "ls: missing index is exit 1, nothing created" \
    '[ $rc -eq 1 ] && grep -q "no such index" "$T/err" && [ ! -e KB.db ]'
run index rm KB.db 1
expect "rm: missing index is exit 1, nothing created" '[ $rc -eq 1 ] && [ ! -e KB.db ]'

run index add NEW.db notes.txt does-not-exist.txt
expect "add: a failed add into a new index leaves no file" \
    '[ $rc -eq 1 ] && [ ! -e NEW.db ] && [ ! -e NEW.db-wal ] && [ ! -e NEW.db-shm ]'

run index add KB.db notes.txt docs
expect "add: files and a directory" '[ $rc -eq 0 ]'
expect "add: ids in argument order, directory in name order" \
    '[ "$(listing KB.db)" = "$(printf "1 45 notes.txt\n2 41 docs/a.txt\n3 36 docs/sub/b.txt")" ]'
expect "add: binary file in a directory skipped with a message" \
    'grep -q "docs/img.bin: binary file skipped" "$T/err"'
expect "add: names starting with . skipped" \
    '! grep -q hidden "$T/out" && ! listing KB.db | grep -q hidden'
expect "add: summary line" 'grep -q "^3 added (122 bytes), 0 already indexed, 1 binary skipped" "$T/out"'

run index stats KB.db
fp1=$(state KB.db)
expect "stats: documents, bytes, stored, generation" \
    '[ $rc -eq 0 ] && grep -q "^documents  *3$" "$T/out" && grep -q "^bytes  *122 " "$T/out" &&
     grep -q "^stored  *[0-9]" "$T/out" && echo "$fp1" | grep -Eq "^1 \(history [0-9a-f]{16}\)$"'
run index ls KB.db
expect "ls: header and one line per document" \
    '[ $rc -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 4 ] && head -1 "$T/out" | grep -q "ID.*BYTES.*ADDED.*NAME"'

run index add KB.db notes.txt
expect "add: duplicate content is a no-op" \
    '[ $rc -eq 0 ] && grep -q "notes.txt: already indexed as 1" "$T/out" && [ "$(state KB.db)" = "$fp1" ]'
cp docs/a.txt same-as-a.txt
run index add KB.db same-as-a.txt
expect "add: same content under another name is a no-op" \
    '[ $rc -eq 0 ] && grep -q "already indexed as 2" "$T/out" && [ "$(state KB.db)" = "$fp1" ]'

before=$(listing KB.db)
run index add KB.db new.txt does-not-exist.txt
expect "add: [good file, missing file] fails, index unchanged" \
    '[ $rc -eq 1 ] && grep -q "does-not-exist.txt" "$T/err" && grep -q "nothing was added" "$T/err" &&
     [ "$(listing KB.db)" = "$before" ] && [ "$(state KB.db)" = "$fp1" ]'
run index add KB.db new.txt blob.bin
expect "add: binary file named directly is refused, index unchanged" \
    '[ $rc -eq 1 ] && grep -q "blob.bin: binary document" "$T/err" && [ "$(state KB.db)" = "$fp1" ]'
run index add --force KB.db blob.bin
expect "add: --force adds a binary file" '[ $rc -eq 0 ] && listing KB.db | grep -q "^4 7 blob.bin$"'
run index add --max-size=10 KB.db new.txt
expect "add: --max-size refuses a larger file" \
    '[ $rc -eq 1 ] && grep -q "size limit" "$T/err" && ! listing KB.db | grep -q new.txt'

# a killed add (blocked reading a FIFO after adding a first file)
fp2=$(state KB.db)
mkfifo fifo
"$M" index add KB.db new.txt fifo >/dev/null 2>&1 &
add_pid=$!
sleep 0.5
kill -9 $add_pid 2>/dev/null
wait $add_pid 2>/dev/null
rm -f fifo
expect "add: a killed add leaves the index as it was" \
    '[ "$(state KB.db)" = "$fp2" ] && ! listing KB.db | grep -q new.txt'

# ---- search ----------------------------------------------------------------

run index search KB.db quick fox
expect "search: hits with score and snippet" \
    '[ $rc -eq 0 ] && grep -q "^1\. \[1\] notes.txt  (score [0-9.]*, 45 bytes)" "$T/out" &&
     grep -q "\[quick\] brown \[fox\]" "$T/out"'
run index search KB.db --or lazy foxes
expect "search: --or" '[ $rc -eq 0 ] && [ "$(grep -c "^[0-9]\. " "$T/out")" -eq 3 ]'
run index search -n 1 KB.db --or lazy foxes
expect "search: -n 1" '[ $rc -eq 0 ] && [ "$(grep -c "^[0-9]\. " "$T/out")" -eq 1 ]'
run index search KB.db zebra
expect "search: no match is exit 0 with a note" '[ $rc -eq 0 ] && [ ! -s "$T/out" ] && grep -q "no document" "$T/err"'
expect "generation: unchanged by ls, stats, search" '[ "$(state KB.db)" = "$fp2" ]'

# ---- rm ------------------------------------------------------------------------

run index rm KB.db 3 999
expect "rm: [existing id, missing id] fails, nothing removed" \
    '[ $rc -eq 1 ] && grep -q "999" "$T/err" && [ "$(state KB.db)" = "$fp2" ]'
run index rm KB.db 3
fp3=$(state KB.db)
expect "rm: by id, generation changes" \
    '[ $rc -eq 0 ] && ! listing KB.db | grep -q "^3 " && [ "$fp3" != "$fp2" ]'
run index rm KB.db docs/a.txt
expect "rm: by name" '[ $rc -eq 0 ] && ! listing KB.db | grep -q docs/a.txt'
run index search KB.db foxes
expect "rm: removed text no longer found" '[ $rc -eq 0 ] && [ ! -s "$T/out" ]'
run index add KB.db docs/a.txt
expect "add after rm: a new id" '[ $rc -eq 0 ] && listing KB.db | grep -q "^5 41 docs/a.txt$"'

# ---- --json ------------------------------------------------------------------

run index ls --json KB.db
cp "$T/out" ls.jsonl
expect "ls --json: one object per document, no heading" \
    '[ $rc -eq 0 ] && [ "$(wc -l <ls.jsonl)" -eq "$(listing KB.db | wc -l)" ]'
"$M" index ls KB.db | awk 'NR > 1 { print $1 "\t" $2 "\t" $3 "\t" $4 }' >ls.table
jsonl ls.jsonl id bytes added name >ls.json
expect "ls --json: id, bytes, added and name are the table's" \
    '[ -s ls.table ] && same ls.json ls.table'
expect "ls --json: stored bytes and a 16-digit hash per document" \
    '[ "$(jsonl ls.jsonl stored hash | grep -Ec "^[1-9][0-9]*[[:space:]][0-9a-f]{16}$")" -eq "$(wc -l <ls.jsonl)" ]'
run index stats --json KB.db
cp "$T/out" stats.jsonl
"$M" index stats KB.db | awk '/^documents/ {d = $2} /^bytes/ {b = $2}
    /^stored/ {s = $2} /^database/ {f = $2} /^terms/ {t = $2}
    /^generation/ {g = $2; h = $4; sub(/\)/, "", h)} /^removed/ {r = $2}
    END {print d "\t" b "\t" s "\t" f "\t" t "\t" g "\t" h "\t" r}' >stats.table
jsonl stats.jsonl documents bytes stored file_bytes terms generation history removed >stats.json
expect "stats --json: one object whose values are the table's" \
    '[ $rc -eq 0 ] && [ "$(wc -l <stats.jsonl)" -eq 1 ] && same stats.json stats.table'
expect "stats --json: removed documents kept until gc, none purged" \
    '[ "$(jsonl stats.jsonl removed purged broken)" = "$(printf "2\t0\t0")" ] && [ "$(jsonl stats.jsonl removed_bytes)" -gt 0 ]'
run index search --json KB.db fox
expect "usage: --json outside ls and stats is exit 2" '[ $rc -eq 2 ] && grep -q json "$T/err"'
# -l --json names the documents a stream records, by the index given with -R
for _ in 1 2 3 4 5 6 7 8; do cat notes.txt docs/a.txt; done >q.txt
"$M" -q -R KB.db --retrieval=whole q.txt
run -l --json -R KB.db q.txt.mdlz
cp "$T/out" q.jsonl
jsonl q.jsonl 'documents[].name' | tr , '\n' | sort >q.names
jsonl q.jsonl 'documents[].key' | tr , '\n' | sort >q.keys
jsonl ls.jsonl name hash | awk -F'\t' 'NR == FNR {want[$1]; next} $1 in want {print substr($2, 1, 12)}' q.names - | sort >q.lskeys
expect "-l --json -R: the recorded documents, named as in ls --json, keys from their hashes" \
    '[ $rc -eq 0 ] && [ "$(jsonl q.jsonl retrieval)" = whole ] && [ -s q.names ] && ! grep -qx null q.names && same q.keys q.lskeys'
run -l --json q.txt.mdlz
expect "-l --json without -R: the documents unnamed (null)" \
    '[ $rc -eq 0 ] && [ "$(jsonl "$T/out" "documents[].name" | tr , "\n" | sort -u)" = null ]'
rm -f ls.* stats.* q.*

# ---- not an index ----------------------------------------------------------

printf 'plain text, not a database\n' >plain.txt
run index ls plain.txt
expect "ls: a file that is not an index is exit 1" \
    '[ $rc -eq 1 ] && grep -q "not an mdlz index" "$T/err"'
run index add plain.txt new.txt
expect "add: into a file that is not an index fails, file untouched" \
    '[ $rc -eq 1 ] && [ "$(cat plain.txt)" = "plain text, not a database" ]'

# ---- URLs ------------------------------------------------------------------------

mkdir www
printf 'Served over HTTP: kangaroo wallaby koala.\n' >www/page.txt
printf 'Reached through a redirect: platypus echidna.\n' >www/page2.txt
head -c 4096 /dev/zero | tr '\0' 'x' >www/big.txt
printf '\0\1\2binary' >www/blob.bin
"$PY" "$SERVER" www "$T/port" &
server_pid=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
PORT=$(cat port 2>/dev/null)
# a port nobody listens on: bind, note it, close
FREE=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
U=http://127.0.0.1:$PORT
# libcurl honours proxy variables: the local server must be reached directly
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

if [ -z "$PORT" ]; then
    notok "url: local HTTP server did not start"
else
    run index add U.db "$U/page.txt"
    expect "url: 200 added under its URL" \
        '[ $rc -eq 0 ] && listing U.db | grep -q "^1 42 $U/page.txt$"'
    run index search U.db wallaby
    expect "url: its text is searchable" '[ $rc -eq 0 ] && grep -q "\[wallaby\]" "$T/out"'
    run index add U.db "$U/redirect/page2.txt"
    expect "url: 302 followed" \
        '[ $rc -eq 0 ] && listing U.db | grep -q "^2 46 $U/redirect/page2.txt$"'
    fpu=$(state U.db)
    run index add U.db "$U/missing.txt"
    expect "url: 404 is a one-line error, nothing added" \
        '[ $rc -eq 1 ] && grep -q "missing.txt: HTTP status 404" "$T/err" && [ "$(state U.db)" = "$fpu" ]'
    run index add U.db "http://127.0.0.1:$FREE/x.txt"
    expect "url: connection refused is a one-line error" \
        '[ $rc -eq 1 ] && grep -qi "connect" "$T/err" && [ "$(state U.db)" = "$fpu" ]'
    run index add --max-size=1K U.db "$U/big.txt"
    expect "url: body over --max-size refused" \
        '[ $rc -eq 1 ] && grep -q "size limit" "$T/err" && [ "$(state U.db)" = "$fpu" ]'
    run index add --max-size=1M U.db "$U/bigheader"
    expect "url: Content-Length over --max-size refused" \
        '[ $rc -eq 1 ] && grep -q "size limit" "$T/err"'
    run index add U.db "$U/loop"
    expect "url: redirect loop stops with an error" \
        '[ $rc -eq 1 ] && grep -qi "redirect" "$T/err"'
    run index add U.db "$U/to?file://$T/www/page.txt"
    expect "url: redirect to a file:// URL refused" \
        '[ $rc -eq 1 ] && [ "$(state U.db)" = "$fpu" ]'
    run index add U.db "$U/blob.bin"
    expect "url: binary refused" '[ $rc -eq 1 ] && grep -q "binary" "$T/err"'
    run index add U.db new.txt "$U/page2.txt" "$U/missing.txt"
    expect "url: [file, good URL, 404 URL] adds nothing" \
        '[ $rc -eq 1 ] && [ "$(state U.db)" = "$fpu" ]'
    run index add U.db "file://$T/www/big.txt"
    expect "url: file:// URL" '[ $rc -eq 0 ] && listing U.db | grep -q "^3 4096 file://"'
    run index add U.db "ftp://127.0.0.1:$PORT/page.txt"
    expect "url: unsupported scheme refused" '[ $rc -eq 1 ] && grep -q "ftp://" "$T/err"'
    expect "url: errors are one line each" '[ "$(wc -l <"$T/err")" -le 2 ]'
fi

harness_done
