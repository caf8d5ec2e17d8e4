"""jsonl.py - reads JSON Lines (the --json output of mdlz -l, index ls,
index stats, tools, archive list) for the shell suites, which compare the
values with the table output of the same command.

    python3 jsonl.py FILE KEY...

Each line of FILE must be one JSON object (else exit 1, naming the line);
for each, the values of the KEYs are printed separated by tabs: a string as
is, a number as Python writes it, null as "null", true/false as "true" /
"false", a list of strings joined by ","; "KEY[].SUB" is SUB of each object
of the list KEY, joined by ",". A missing key exits 1.
"""

import json
import sys


def value(obj, key):
    if key.endswith("]") or "[]." not in key:
        v = obj[key]
    else:
        outer, sub = key.split("[].", 1)
        v = [value(item, sub) for item in obj[outer]]
        return ",".join(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ",".join(value({"v": x}, "v") for x in v)
    if isinstance(v, dict):
        return json.dumps(v, sort_keys=True)
    return str(v)


def main(argv):
    if len(argv) < 2:
        print("usage: jsonl.py FILE KEY...", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for n, line in enumerate(lines, 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            print("line %d: not JSON: %s" % (n, e), file=sys.stderr)
            return 1
        if not isinstance(obj, dict):
            print("line %d: not an object" % n, file=sys.stderr)
            return 1
        try:
            print("\t".join(value(obj, k) for k in argv[2:]))
        except (KeyError, TypeError) as e:
            print("line %d: no key %s" % (n, e), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
