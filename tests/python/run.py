#!/usr/bin/env python3
"""run.py TEST_FILE... - runs pytest test files of the python suite for
meson (tests/python/meson.build): exits 77 (meson: skipped) when pytest is
missing (Debian: python3-pytest) or when the library is built with
sanitizers (a sanitized libmdlz cannot be loaded into an uninstrumented
interpreter), and when every test skipped (no corpus, no Dask); else
pytest's status. No cache or bytecode is written into the source tree."""

import os
import sys

sys.dont_write_bytecode = True


class _Tally:
    """Counts outcomes, to tell "all skipped" from "passed"."""

    def __init__(self):
        self.passed = self.skipped = 0

    def pytest_runtest_logreport(self, report):
        if report.when == "call" and report.passed:
            self.passed += 1
        elif report.skipped:
            self.skipped += 1


def main(argv):
    if os.environ.get("MDLZ_TEST_SANITIZED"):
        print("SKIP: libmdlz is built with sanitizers; the python suite "
              "runs in the plain build")
        return 77
    try:
        import pytest
    except ImportError:
        print("SKIP: pytest not found (Debian: apt-get install "
              "python3-pytest)")
        return 77
    tally = _Tally()
    rc = pytest.main(["-q", "-p", "no:cacheprovider", "-rs"] + argv[1:],
                     plugins=[tally])
    if rc == 0 and tally.passed == 0 and tally.skipped:
        return 77
    return int(rc)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
