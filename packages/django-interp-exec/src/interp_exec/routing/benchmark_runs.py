"""Storing a benchmark's results as a ``BenchmarkRun``: for the admin's charts, the guard's
log entries, and auto mode, which takes its first figures from the latest run (the
benchmark itself, ``interp_exec.bench``, has no Django).

``run_interp_bench`` and auto mode's start-up measurement (``routing.auto_seed``)
both store through ``save_run``, so a run reads the same wherever it came from.
"""

import os
import platform
import socket
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.db import transaction

from interp_exec.bench.harness import ModeResult
from interp_exec.bench.regression import DEFAULT_TOLERANCE
from interp_exec.models import BenchmarkResult, BenchmarkRun


@transaction.atomic
def save_run(
    results: Sequence[ModeResult],
    options: dict[str, Any],
    workers: int,
    tolerance: float = DEFAULT_TOLERANCE,
    regressions: Sequence[str] = (),
) -> BenchmarkRun:
    """One run and a row per result; ``options`` records how it was run."""
    run = BenchmarkRun.objects.create(
        host=socket.gethostname(),
        cpu_count=os.cpu_count() or 1,
        workers=workers,
        python_version=platform.python_version(),
        git_revision=git_revision(),
        options=options,
        tolerance=tolerance,
        regressions=list(regressions),
    )
    BenchmarkResult.objects.bulk_create(
        BenchmarkResult(run=run, **result.as_dict()) for result in results
    )
    return run


def git_revision() -> str:
    """The commit of the code being measured, or "" without git or a repository."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except OSError, subprocess.TimeoutExpired:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
