"""The package itself: its version follows the project's, it finds the
library in the documented order, and `meson install` puts it, the man
pages and the bash completion where they belong."""

import os
import re
import subprocess
import sys

import pytest

import mdlz
from conftest import SOURCE_ROOT


def test_version_in_step():
    with open(os.path.join(SOURCE_ROOT, "meson.build")) as f:
        meson_version = re.search(r"version : '([^']+)'", f.read()).group(1)
    with open(os.path.join(SOURCE_ROOT, "python", "pyproject.toml")) as f:
        py_version = re.search(r'^version = "([^"]+)"', f.read(),
                               re.M).group(1)
    assert mdlz.__version__ == meson_version == py_version


def python_env(**changes):
    env = dict(os.environ)
    for k, v in changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def test_library_lookup_order(tmp_path):
    code = "import mdlz; print(mdlz.library_path)"
    # MDLZ_LIBRARY first, and nothing else when it is set
    r = subprocess.run([sys.executable, "-c", code], capture_output=True,
                       text=True, env=python_env(
                           MDLZ_LIBRARY=str(tmp_path / "libnope.so")))
    assert r.returncode != 0
    assert "libnope.so" in r.stderr and "MDLZ_LIBRARY" in r.stderr
    r = subprocess.run([sys.executable, "-c", code], capture_output=True,
                       text=True, env=python_env())
    assert r.stdout.strip() == os.environ.get("MDLZ_LIBRARY",
                                              r.stdout.strip())
    # then the build tree of the checkout (build/), when there is one
    build = os.path.join(SOURCE_ROOT, "build", "libmdlz.so.0")
    if os.path.exists(build):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True,
                           text=True, env=python_env(MDLZ_LIBRARY=None))
        assert r.returncode == 0, r.stderr
        assert os.path.samefile(r.stdout.strip(), build)


def test_meson_install(tmp_path):
    build = os.environ.get("MDLZ_BUILD_ROOT")
    if not build:
        pytest.skip("MDLZ_BUILD_ROOT not set (run through meson test)")
    dest = tmp_path / "dest"
    r = subprocess.run(["meson", "install", "-C", build, "--no-rebuild",
                        "--quiet", "--destdir", str(dest)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    files = [os.path.relpath(os.path.join(d, f), dest)
             for d, _, fs in os.walk(dest) for f in fs]
    man = sorted(os.path.basename(f) for f in files
                 if re.search(r"share/man/man1/mdlz.*\.1$", f))
    assert man == ["mdlz-ablate.1", "mdlz-archive.1", "mdlz-explain.1",
                   "mdlz-index.1", "mdlz-select.1", "mdlz-tools.1",
                   "mdlz-value.1", "mdlz.1"]
    assert any(f.endswith("share/bash-completion/completions/mdlz")
               for f in files)
    inits = [f for f in files if f.endswith("mdlz/__init__.py")]
    assert len(inits) == 1, inits
    site = os.path.join(dest, os.path.dirname(os.path.dirname(inits[0])))
    # into the site directory of the interpreter that runs this suite
    # (Debian's python3): the same path under the prefix is on its sys.path
    # when the prefix is /usr/local
    installed = {os.path.basename(f) for f in files
                 if os.path.dirname(f) == os.path.dirname(inits[0])}
    assert {"__init__.py", "_lib.py", "_core.py", "_file.py", "_index.py",
            "_archive.py", "_ablate.py", "measure.py",
            "_installed.py"} <= installed
    ns = {}
    with open(os.path.join(site, "mdlz", "_installed.py")) as f:
        exec(f.read(), ns)
    lib = os.path.join(str(dest) + ns["LIBDIR"], "libmdlz.so.0")
    assert os.path.exists(lib), "_installed.LIBDIR is not where the " \
        "library was installed: %s" % ns["LIBDIR"]
    r = subprocess.run(
        [sys.executable, "-c",
         "import mdlz; print(mdlz.__file__); "
         "print(mdlz.decompress(mdlz.compress(b'installed')))"],
        capture_output=True, text=True, cwd=str(tmp_path),
        env=python_env(PYTHONPATH=site, MDLZ_LIBRARY=lib))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == [
        os.path.join(site, "mdlz", "__init__.py"), "b'installed'"]
