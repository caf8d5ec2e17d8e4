"""tap.py - the TAP lines of the Python tests (meson's `protocol: 'tap'`
or its exit status): one `ok - NAME` / `not ok - NAME: DETAIL` per check,
and a summary with the exit status at the end.

    sys.path.insert(0, os.path.join(HERE, "..", "common"))
    from tap import check, finish
    check("name", condition, detail_if_it_fails)
    sys.exit(finish())
"""

counts = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    """Prints the check's line; returns ok, for chaining."""
    if ok:
        counts["passed"] += 1
        print("ok - " + name)
    else:
        counts["failed"] += 1
        print("not ok - " + name + (": " + str(detail)[:600] if detail else ""))
    return ok


def failed():
    return counts["failed"]


def finish():
    """Prints the summary; returns the exit status (1 if a check failed)."""
    print("%d passed, %d failed" % (counts["passed"], counts["failed"]))
    return 1 if counts["failed"] else 0
