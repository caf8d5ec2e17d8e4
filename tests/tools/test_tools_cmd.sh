#!/bin/sh
# test_tools_cmd.sh - `mdlz tools` end to end: lists the built-ins, loads
# the example plugin, refuses a plugin built for another ABI (exit 1, a
# message naming both versions) and a bad argument (exit 2).
# Usage: test_tools_cmd.sh MDLZ EXAMPLE.so BAD_ABI.so
mdlz=$1 example=$2 bad=$3
pass=0 fail=0
check() { # check NAME CONDITION...
    name=$1; shift
    if "$@"; then echo "ok - $name"; pass=$((pass + 1))
    else echo "not ok - $name"; fail=$((fail + 1)); fi
}
out=$("$mdlz" tools); rc=$?
check "mdlz tools exits 0" [ $rc -eq 0 ]
for t in calc seq markup; do
    check "lists $t with a code size" sh -c "printf '%s\n' \"\$1\" | grep -Eq '^$t +[1-9][0-9]* +[1-9][0-9]+  '" - "$out"
done
out=$("$mdlz" tools --load "$example"); rc=$?
check "--load example exits 0" [ $rc -eq 0 ]
check "lists the example as external" sh -c "printf '%s\n' \"\$1\" | grep -q '^crlf .*(external: '" - "$out"
err=$("$mdlz" tools --load "$bad" 2>&1 >/dev/null); rc=$?
check "--load of another ABI exits 1" [ $rc -eq 1 ]
check "and names both versions" sh -c "printf '%s\n' \"\$1\" | grep -q 'version 99.*version 1'" - "$err"
"$mdlz" tools --bogus 2>/dev/null; rc=$?
check "a bad argument exits 2" [ $rc -eq 2 ]
"$mdlz" tools --help | grep -q -- '--load'; rc=$?
check "--help documents --load" [ $rc -eq 0 ]
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
