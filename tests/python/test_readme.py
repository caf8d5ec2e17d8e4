"""The notebook-style example of README.md ("## Python"), run for real with
doctest in a temporary directory that holds samples/. Numbers may differ
(sizes move with the model and code sizes with the sources): every run of
digits matches any other; everything else must be as printed."""

import doctest
import os
import re

from conftest import SAMPLES, SOURCE_ROOT

DIGITS = re.compile(r"\d+")


class NumbersFree(doctest.OutputChecker):
    def check_output(self, want, got, optionflags):
        return super().check_output(DIGITS.sub("0", want),
                                    DIGITS.sub("0", got), optionflags)


def readme_example():
    with open(os.path.join(SOURCE_ROOT, "README.md")) as f:
        text = f.read()
    blocks = re.findall(r"```pycon\n(.*?)```", text, re.S)
    assert len(blocks) == 1, "README.md: one pycon block expected"
    return blocks[0]


def test_readme_example(tmp_path, monkeypatch):
    os.symlink(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    parser = doctest.DocTestParser()
    test = parser.get_doctest(readme_example(), {}, "README.md", "README.md",
                              0)
    assert len(test.examples) >= 10
    runner = doctest.DocTestRunner(checker=NumbersFree(),
                                   optionflags=doctest.ELLIPSIS)
    result = runner.run(test)
    assert result.failed == 0, "%d of %d examples failed (output above)" \
        % (result.failed, result.attempted)
