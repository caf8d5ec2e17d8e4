"""The README's pip command, offline: `pip install --no-build-isolation
./python` into a virtual environment made with --system-site-packages
(Debian's setuptools and wheel build it; --no-index proves no package index
is needed). The package is copied first, so that the build leaves nothing
in the source tree."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import SOURCE_ROOT


def test_pip_install_offline(tmp_path):
    try:
        import ensurepip  # noqa: F401 (Debian: python3-venv)
    except ImportError:
        pytest.skip("venv without pip (Debian: apt-get install python3-venv)")
    src = tmp_path / "python"
    shutil.copytree(os.path.join(SOURCE_ROOT, "python"), src,
                    ignore=shutil.ignore_patterns("build", "*.egg-info",
                                                  "__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages",
                    str(venv)], check=True)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)  # the venv's copy, not the source tree's
    r = subprocess.run([str(venv / "bin" / "pip"), "install", "-q",
                        "--no-build-isolation", "--no-index", str(src)],
                       capture_output=True, text=True, env=env,
                       cwd=str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(venv / "bin" / "python"), "-c",
                        "import mdlz, mdlz.measure; print(mdlz.__file__); "
                        "print(mdlz.decompress(mdlz.compress(b'pip')))"],
                       capture_output=True, text=True, env=env,
                       cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    where, out = r.stdout.split("\n")[:2]
    assert where.startswith(str(venv)) and out == "b'pip'"
