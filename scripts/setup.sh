#!/usr/bin/env bash
# setup.sh - install the Debian packages mdlz needs (only those missing),
# then configure and build it in build/.
#
#   bash scripts/setup.sh
#
# Works as root on a fresh Debian 12. As another user, it lists what to
# install and exits 1 if anything is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build: meson, ninja, pkg-config, a C compiler and libc headers (gcc only
# recommends libc6-dev, and recommends are not installed), libzstd and
# libxxhash. Tests/demo: zstd and xz for comparison, python3 (meson,
# bench, tests/robust), valgrind (suite 'valgrind'), clang and its
# compiler-rt (libFuzzer, sanitizers) for the fuzz run of scripts/test.sh.
# The retrieval index: sqlite3 (FTS5), curl (URLs). zlib: the deflated
# pages of `mdlz explain` reports. chromium (headless) and tidy: the
# report's browser test (tests/explain/test_browser.py). The Python package
# (python/, suite 'python'): pytest, distributed (Dask, for mdlz.measure),
# and for the offline `pip install --no-build-isolation ./python` in a venv
# setuptools, wheel and venv.
packages=(meson ninja-build pkg-config gcc libc6-dev libzstd-dev libxxhash-dev
          zstd xz-utils libsqlite3-dev libcurl4-openssl-dev python3
          valgrind clang libclang-rt-dev zlib1g-dev chromium tidy
          python3-pytest python3-distributed python3-setuptools python3-wheel
          python3-venv)

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for p in "${packages[@]}"; do
    installed "$p" || missing+=("$p")
done

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "setup: missing Debian packages: ${missing[*]}" >&2
        echo "setup: install them as root with:" >&2
        echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [[ -f build/meson-private/coredata.dat ]]; then
    meson setup --reconfigure build
else
    meson setup build
fi
ninja -C build
