#!/usr/bin/env python3
"""check_completion.py MDLZ COMPLETION - the bash completion (completion/
mdlz.bash), sourced into bash and its function called as bash calls it
(COMP_WORDS, COMP_CWORD): it offers every flag of `mdlz -h` and of each
subcommand's --help, the subcommands and their commands, option values,
and file names by what they take (.mdlz to decompress, .mdlza archives,
.db indexes)."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpflags  # noqa: E402

# Runs the completion function on the words of each line of stdin (words
# separated by tabs; the last one is being completed) and prints the
# replies of each on one line, separated by tabs.
DRIVER = r'''
source "$1" || exit 3
while IFS= read -r line; do
    IFS=$'\t' read -r -a COMP_WORDS <<<"$line"
    [[ $line == *$'\t' ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _mdlz
    (IFS=$'\t'; echo "${COMPREPLY[*]}")
done
'''


def complete(script, cases, cwd):
    stdin = "".join("\t".join(words) + "\n" for words in cases)
    r = subprocess.run(["bash", "-c", DRIVER, "driver", script], input=stdin,
                       capture_output=True, text=True, cwd=cwd, check=True)
    lines = r.stdout.split("\n")
    return [set(filter(None, ln.split("\t"))) for ln in lines[:len(cases)]]


def main(argv):
    if len(argv) != 3:
        print("usage: check_completion.py MDLZ COMPLETION", file=sys.stderr)
        return 2
    mdlz, script = argv[1], os.path.abspath(argv[2])
    if not shutil.which("bash"):
        print("SKIP: bash not found")
        return 77
    c = helpflags.Cases()
    main_help = helpflags.help_text(mdlz)
    subs = helpflags.subcommands(main_help)
    tmp = tempfile.mkdtemp(prefix="mdlz-completion.")
    try:
        for name in ("a.mdlz", "b.txt", "kb.db", "arc.mdlza", "t.so"):
            open(os.path.join(tmp, name), "w").close()
        os.mkdir(os.path.join(tmp, "dir"))
        # every flag of each help, offered after "-"
        cases = [["mdlz", "-"]] + [["mdlz", s, "-"] for s in subs]
        got = complete(script, cases, tmp)
        for sub, offered in zip([None] + subs, got):
            helptext = main_help if sub is None else \
                helpflags.help_text(mdlz, sub)
            offered = {w.rstrip("=") for w in offered}
            fl = helpflags.flags(helptext)
            missing = [f for f in fl if f not in offered]
            c.check("mdlz %s- offers every flag of the help (%d)"
                    % (sub + " " if sub else "", len(fl)), not missing,
                    "missing: %s" % " ".join(missing))
        # subcommands, commands, values and files
        expect = [
            (["mdlz", ""], set(subs) | {"a.mdlz", "b.txt", "kb.db",
                                        "arc.mdlza", "t.so", "dir"}),
            (["mdlz", "-d", ""], {"a.mdlz", "dir"}),
            (["mdlz", "-dc", ""], {"a.mdlz", "dir"}),
            (["mdlz", "--list", ""], {"a.mdlz", "dir"}),
            (["mdlz", "-l", "--json", ""], {"a.mdlz", "dir"}),
            (["mdlz", "-R", ""], {"kb.db", "dir"}),
            (["mdlz", "--index", "=", "k"], {"kb.db"}),
            (["mdlz", "--retrieval", "=", ""], {"none", "whole", "online",
                                               "both"}),
            (["mdlz", "--retrieval=o"], {"--retrieval=online"}),
            (["mdlz", "--tools", "=", "calc,s"], {"calc,seq"}),
            (["mdlz", "--tool", "=", ""], {"t.so", "dir"}),
            (["mdlz", "ablate", "--format", "=", "c"], {"csv"}),
            (["mdlz", "archive", "list", ""], {"arc.mdlza", "dir"}),
            (["mdlz", "archive", "-C", ""], {"dir"}),
            (["mdlz", "index", "search", ""], {"kb.db", "dir"}),
            (["mdlz", "index", "add", "kb.db", "b"], {"b.txt"}),
            (["mdlz", "index", "gc", "kb.db", "--keep", ""], {"a.mdlz",
                                                             "dir"}),
            (["mdlz", "tools", "--load", ""], {"t.so", "dir"}),
            (["mdlz", "explain", "--format", "=", ""], {"html", "json"}),
            (["mdlz", "explain", "-R", ""], {"kb.db", "dir"}),
            (["mdlz", "value", ""], {"kb.db", "dir"}),
            (["mdlz", "value", "kb.db", "--heldout", "b"], {"b.txt"}),
            (["mdlz", "select", "--index", "=", "k"], {"kb.db"}),
            (["mdlz", "--auto", "=", ""], {"size"}),
        ]
        for sub in subs:
            cmds = helpflags.commands(helpflags.help_text(mdlz, sub))
            if cmds:
                expect.append((["mdlz", sub, ""], set(cmds)))
        got = complete(script, [w for w, _ in expect], tmp)
        for (words, want), offered in zip(expect, got):
            c.check("%s<TAB> -> %s" % (" ".join(words).replace(" = ", "="),
                                       " ".join(sorted(want))),
                    offered == want, "got %s" % " ".join(sorted(offered)))
    finally:
        shutil.rmtree(tmp)
    return c.status()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
