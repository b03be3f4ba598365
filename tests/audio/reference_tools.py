"""The command-line audio tools the audio tests generate files with and compare to.

espeak-ng speaks a text, sox resamples, mixes and changes bit depth, ffmpeg's
``ebur128`` filter is the reference loudness meter. They are Debian packages
(``scripts/ensure-audio-tools.sh`` installs them); a test that needs a missing one
skips with the reason, except under CI (``CI`` set), where it must run and so fails.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.browser import in_ci

INSTALL_HINT = "scripts/ensure-audio-tools.sh installs it"


def tool(name: str) -> str:
    """The path of ``name``; skip (fail under CI) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed ({INSTALL_HINT})"
        if in_ci():
            pytest.fail(f"{reason}; CI must run the audio tests", pytrace=False)
        pytest.skip(reason)
    return path


def run_tool(name: str, *args: str | Path) -> str:
    """Run ``name`` with ``args``; its stderr (where ffmpeg and sox report) on success."""
    done = subprocess.run(
        [tool(name), *map(str, args)], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise AssertionError(f"{name} {' '.join(map(str, args))} failed:\n{done.stderr}")
    return done.stderr


def speak(text: str, target: Path, *, amplitude: int = 100, speed: int = 160) -> Path:
    """``text`` spoken by espeak-ng into ``target`` (22,050 Hz mono 16-bit)."""
    run_tool("espeak-ng", "-a", str(amplitude), "-s", str(speed), "-w", target, text)
    return target


def sox(*args: str | Path) -> None:
    run_tool("sox", "-V1", *args)
