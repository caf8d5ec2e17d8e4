"""helpflags.py - what the help of mdlz and of its subcommands offers: the
flags of its option lines, the commands of its "Commands:" section and the
subcommands of its usage lines. Shared by check_man.py and
check_completion.py, which check that the manual and the bash completion
keep in step with the help."""

import re
import subprocess

METAVAR = re.compile(r"^[A-Z][A-Za-z0-9_.|]*$")


def help_text(mdlz, sub=None):
    args = [mdlz, "-h"] if sub is None else [mdlz, sub, "--help"]
    r = subprocess.run(args, capture_output=True, text=True, check=True)
    return r.stdout


def _option_flags(line):
    """The flags at the start of an option line: "-R, --index=KB.db text"
    gives -R and --index; "--auto[=size]" --auto; "-o FILE  text" gives -o;
    "-1 .. -9" -1 and -9."""
    out = []
    for tok in line.split():
        tok = tok.rstrip(",")
        if tok.startswith("-") and len(tok) > 1 and tok != "--":
            # "--auto[=size]": the flag is --auto (optional value)
            out.append(tok.split("[=")[0].split("=")[0])
        elif out and (tok == ".." or METAVAR.match(tok)):
            continue
        else:
            break
    return out


def flags(text):
    """Every flag of the option lines (lines whose first character after
    the indentation is '-'), in order, each once."""
    seen = []
    for line in text.splitlines():
        if line.lstrip().startswith("-"):
            for f in _option_flags(line):
                if f not in seen:
                    seen.append(f)
    return seen


def commands(text):
    """The commands listed under "Commands:" (index add, archive list...)."""
    out, inside = [], False
    for line in text.splitlines():
        if line.strip() == "Commands:":
            inside = True
        elif inside and not line.strip():
            inside = False
        elif inside:
            m = re.match(r"^  ([a-z]+)\b", line)
            if m:
                out.append(m.group(1))
    return out


def subcommands(text):
    """The subcommands of the usage lines of `mdlz -h` (index, tools...)."""
    return re.findall(r"^(?:Usage:)?\s+mdlz ([a-z]+) ", text, re.M)


class Cases:
    """ok/not ok lines, then "N passed, M failed" (as tests/common/
    harness.sh prints them); status() is the exit status."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, cond, why=""):
        if cond:
            self.passed += 1
            print("ok - %s" % name)
        else:
            self.failed += 1
            print("not ok - %s" % name)
            if why:
                print("#   %s" % why)

    def status(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0
