"""The command-line audio tools the audio tests generate files with and compare to.

espeak-ng speaks a text, sox resamples, mixes and changes bit depth, ffmpeg's
``ebur128`` filter is the reference loudness meter. They are Debian packages
(``scripts/ensure-audio-tools.sh`` installs them); a test that needs a missing one
skips with the reason, except under CI (``CI`` set), where it must run and so fails.
"""

import math
import os
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


def run_tool(name: str, *args: str | Path, stdout: Path | None = None) -> str:
    """Run ``name`` with ``args``, its output into ``stdout`` when given; its
    stderr (where ffmpeg and sox report) on success."""
    with open(stdout or os.devnull, "wb") as out:
        done = subprocess.run(
            [tool(name), *map(str, args)], stdout=out, stderr=subprocess.PIPE, check=False
        )
    errors = done.stderr.decode(errors="replace")
    if done.returncode:
        raise AssertionError(f"{name} {' '.join(map(str, args))} failed:\n{errors}")
    return errors


def speak(text: str, target: Path, *, amplitude: int = 100, speed: int = 160) -> Path:
    """``text`` spoken by espeak-ng into ``target`` (22,050 Hz mono 16-bit)."""
    run_tool("espeak-ng", "-a", str(amplitude), "-s", str(speed), "-w", target, text)
    return target


def sox(*args: str | Path) -> None:
    run_tool("sox", "-V1", *args)


def ffmpeg_ebur128(path: Path) -> dict[str, float]:
    """ffmpeg's EBU R128 meter (``ebur128=peak=true``) on ``path``: integrated
    loudness (LUFS), loudness range (LU) and true peak (dBTP, the loudest channel).

    Read from the filter's per-frame metadata, printed with three decimals (the
    summary it logs rounds to one); the last frame carries the whole file's values.
    """
    printed = path.with_suffix(".ebur128.txt")
    run_tool(
        "ffmpeg", "-nostats", "-hide_banner", "-i", path, "-af",
        f"ebur128=peak=true:metadata=1,ametadata=mode=print:file={printed}", "-f", "null", "-",
    )  # fmt: skip
    last: dict[str, float] = {}
    for line in printed.read_text().splitlines():
        key, _, value = line.partition("=")
        if key.startswith("lavfi.r128."):
            last[key.removeprefix("lavfi.r128.")] = float(value)
    true_peak = max(v for k, v in last.items() if k.startswith("true_peaks_ch"))
    return {
        "integrated_lufs": last["I"],
        "loudness_range_lu": last["LRA"],
        "true_peak_dbtp": 20 * math.log10(true_peak),
    }
