#!/usr/bin/env python3
"""check_man.py MDLZ MANDIR - the manual keeps in step with the help: every
flag of `mdlz -h` appears in mdlz.1, every flag and command of `mdlz SUB
--help` in mdlz-SUB.1, and every subcommand of the usage has its page.
Flags are looked for in the roff source with its escapes removed (\\- is
'-', font changes dropped), as whole words."""

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpflags  # noqa: E402


def page_text(path):
    lines = [ln for ln in open(path, encoding="utf-8").read().splitlines()
             if not ln.startswith('.\\"')]
    text = "\n".join(lines)
    text = re.sub(r"\\f[BIRP]|\\f\(..|\\&", "", text)
    return text.replace("\\-", "-")


def has_word(text, word):
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])",
                     text) is not None


def main(argv):
    if len(argv) != 3:
        print("usage: check_man.py MDLZ MANDIR", file=sys.stderr)
        return 2
    mdlz, mandir = argv[1], argv[2]
    c = helpflags.Cases()
    main_help = helpflags.help_text(mdlz)
    subs = helpflags.subcommands(main_help)
    main_page = page_text(os.path.join(mandir, "mdlz.1"))
    c.check("the usage of mdlz -h names subcommands", len(subs) >= 4,
            "found %r" % subs)
    for sub in [None] + subs:
        page = os.path.join(mandir, "mdlz.1" if sub is None
                            else "mdlz-%s.1" % sub)
        label = "mdlz" if sub is None else "mdlz " + sub
        if not os.path.exists(page):
            c.check("%s has a page" % label, False, "%s missing" % page)
            continue
        text = page_text(page)
        helptext = main_help if sub is None else \
            helpflags.help_text(mdlz, sub)
        fl = helpflags.flags(helptext)
        c.check("%s --help lists flags" % label, len(fl) >= 2, repr(fl))
        missing = [f for f in fl if not has_word(text, f)]
        c.check("every flag of %s's help is in %s (%d flags)"
                % (label, os.path.basename(page), len(fl)), not missing,
                "missing: %s" % " ".join(missing))
        cmds = helpflags.commands(helptext)
        missing = [w for w in cmds
                   if not re.search(r"^\.B " + w + r"\b", text, re.M)]
        if cmds:
            c.check("every command of %s has an entry (%s)"
                    % (label, " ".join(cmds)), not missing,
                    "missing: %s" % " ".join(missing))
        if sub is not None:
            c.check("mdlz.1 refers to mdlz-%s(1)" % sub,
                    re.search(r"mdlz-%s \(1\)" % sub, main_page))
    return c.status()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
