"""Fixtures of the python suite. The environment (tests/python/meson.build)
names what is tested: MDLZ_LIBRARY (the shared library of this build, which
the package loads), MDLZ_CLI (the mdlz command of this build, the reference
the module must agree with), MDLZ_CORPUS (../shared/corpus; tests that need
it skip when it is absent) and PYTHONPATH (python/ of the source tree)."""

import os
import subprocess

import pytest

SOURCE_ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..",
                                            ".."))
SAMPLES = os.path.join(SOURCE_ROOT, "samples")


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("MDLZ_CLI",
                          os.path.join(SOURCE_ROOT, "build", "cli", "mdlz"))
    if not os.access(path, os.X_OK):
        pytest.skip("the mdlz command is not built (%s)" % path)
    return path


def run_cli(cli, *args, data=None, check=True):
    """Runs the mdlz command; returns its standard output (bytes)."""
    r = subprocess.run([cli] + list(args), input=data, capture_output=True,
                       check=False)
    if check and r.returncode != 0:
        raise AssertionError("mdlz %s: exit %d: %s"
                             % (" ".join(args), r.returncode,
                                r.stderr.decode(errors="replace")))
    return r.stdout


def pipe_cli(cli, data, *args):
    """`cat | mdlz -c ARGS`: the command reads a pipe, whose size it does
    not know."""
    cat = subprocess.Popen(["cat"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE)
    proc = subprocess.Popen([cli, "-c"] + list(args), stdin=cat.stdout,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cat.stdout.close()
    cat.stdin.write(data)
    cat.stdin.close()
    out, err = proc.communicate()
    cat.wait()
    assert proc.returncode == 0, err
    return out


@pytest.fixture(scope="session")
def samples():
    """The six State of the Union addresses of samples/ (paths)."""
    return sorted(os.path.join(SAMPLES, f) for f in os.listdir(SAMPLES)
                  if f.endswith(".txt"))


@pytest.fixture(scope="session")
def corpus():
    path = os.environ.get("MDLZ_CORPUS",
                          os.path.join(SOURCE_ROOT, "..", "shared", "corpus"))
    if not os.path.isdir(path):
        pytest.skip("corpus not found (%s)" % path)
    return path


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory, samples):
    """An index of the first four samples (mdlz.Index)."""
    import mdlz

    path = str(tmp_path_factory.mktemp("index") / "kb.db")
    with mdlz.Index(path, "c") as ix:
        ix.add(*samples[:4])
    return path
