#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests
# (tests/e2e, driven by Playwright). Playwright's own browser download does not
# work on these hosts, so the tests launch this one by path. Installs it when it
# is missing (apt-get update once, then install); does nothing when it is there.
# Used by CI (.ci/run), where the browser tests must run rather than skip.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

say() { printf 'chromium: %s\n' "$*" >&2; }

version() {
    # Debian's launcher script prints a harmless shell warning on stderr.
    "$CHROMIUM" --version 2>/dev/null
}

if [ -x "$CHROMIUM" ]; then
    say "already installed: $(version)"
    exit 0
fi

bash "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" chromium chromium

[ -x "$CHROMIUM" ] || {
    say "the chromium package installed, but $CHROMIUM is still missing"
    exit 1
}
say "installed: $(version)"
