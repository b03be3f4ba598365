#!/usr/bin/env bash
# Install Debian packages for the test tools (apt-get update once, then install),
# as root or through sudo. Usage: apt-install.sh LABEL PACKAGE...
# LABEL starts each line it prints. Used by ensure-chromium.sh and
# ensure-audio-tools.sh, which first check what is missing.
set -euo pipefail

label="$1"
shift
say() { printf '%s: %s\n' "$label" "$*" >&2; }

command -v apt-get >/dev/null 2>&1 || {
    say "missing $* and cannot install: no apt-get"
    exit 1
}
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
        say "missing $*; installing needs root (or sudo)"
        exit 1
    }
    as_root=(sudo)
fi

say "missing $*: apt-get update"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
say "installing Debian's $* package(s)"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
