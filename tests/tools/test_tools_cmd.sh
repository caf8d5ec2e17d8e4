#!/usr/bin/env bash
# test_tools_cmd.sh - `mdlz tools` end to end: lists the built-ins, loads
# the example plugin, refuses a plugin built for another ABI (exit 1, a
# message naming both versions) and a bad argument (exit 2).
# Usage: test_tools_cmd.sh MDLZ EXAMPLE.so BAD_ABI.so
# shellcheck disable=SC2034 # variables read by expect's eval'd conditions
# shellcheck source=../common/harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common/harness.sh"
{ [ $# -eq 3 ] && [ -x "$1" ]; } || usage "MDLZ EXAMPLE.so BAD_ABI.so"
M=$(abspath "$1")
example=$(abspath "$2")
bad=$(abspath "$3")
harness_init tools
RUN_CMD=("$M" tools) # run ARGS...: mdlz tools ARGS

run
expect "mdlz tools exits 0" 'is_rc 0'
for t in calc seq markup; do
    expect "lists $t with a code size" \
        'grep -Eq "^$t +[1-9][0-9]* +[1-9][0-9]+  " "$T/out"'
done
run --load "$example"
expect "--load example exits 0" 'is_rc 0'
expect "lists the example as external" 'out_has "^crlf .*(external: "'
run --load "$bad"
expect "--load of another ABI exits 1" 'is_rc 1'
expect "and names both versions" 'err_has "version 99.*version 1"'
run --json --load "$example"
cp "$T/out" tools.jsonl
"$M" tools --load "$example" | awk 'NR > 1 { print $1 "\t" $2 "\t" $3 }' >tools.table
expect "--json: one object per tool, name, version and code bytes as the table" \
    'is_rc 0 && [ "$(wc -l <tools.jsonl)" -eq 4 ] && [ "$(jsonl tools.jsonl name version code_bytes)" = "$(cat tools.table)" ]'
expect "--json: the description, and the external path (null for built-ins)" \
    '[ "$(jsonl tools.jsonl external | sort | uniq -c | awk "{print \$1}" | tr "\n" " ")" = "1 3 " ] && jsonl tools.jsonl external | grep -qx "$example" && [ "$(jsonl tools.jsonl description | grep -c .)" -eq 4 ]'
run --bogus
expect "a bad argument exits 2" 'is_rc 2'
run --help
expect "--help documents --load" 'out_has --load'
harness_done
