#!/usr/bin/env bash
# Make sure the audio tests' reference tools are installed: espeak-ng (speech),
# sox (resampling, channels, bit depths) and ffmpeg (the ebur128 loudness meter
# the audio.loudness workload is checked against). Installs the missing ones
# from Debian (apt-get update once, then install); does nothing when all are
# there. Used by CI (.ci/run), where the audio tests must run rather than skip.
# The app never runs these tools: only tests/audio does.
set -euo pipefail

TOOLS=(espeak-ng sox ffmpeg)

say() { printf 'audio tools: %s\n' "$*" >&2; }

missing=()
for tool in "${TOOLS[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -eq 0 ]; then
    say "already installed: ${TOOLS[*]}"
    exit 0
fi

bash "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" "audio tools" "${missing[@]}"

for tool in "${missing[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || {
        say "the $tool package installed, but $tool is still not on PATH"
        exit 1
    }
done
say "installed: ${missing[*]}"
