"""Fabricated benchmark figures, for tests of what consumes them (rule, admin, command).

The harness itself is tested by running it for real; these stand in for it only
where its output is the input of the thing under test.
"""

import dataclasses
from typing import Any

import pytest

from interp_exec.bench.harness import BenchOptions, BenchTarget, ModeResult
from interp_exec.models import BenchmarkResult, BenchmarkRun


def figures(workload: str, mode: str, **changes: Any) -> ModeResult:
    """One mode's figures: 8 jobs of 150 ms inline, 2 workers, unless changed."""
    inline = mode == "inline"
    base = ModeResult(
        workload=workload,
        mode=mode,
        size=1000,
        jobs=8,
        workers=1 if inline else 2,
        wall_s_median=1.2 if inline else 0.7,
        wall_s_min=1.1 if inline else 0.65,
        wall_s_max=1.3 if inline else 0.8,
        jobs_per_s=8 / 1.2 if inline else 8 / 0.7,
        speedup_vs_inline=1.0 if inline else 1.2 / 0.7,
        overhead_us_per_job=0.0 if inline else 120.0,
        pool_start_ms=None if inline else 150.0,
        first_job_ms=None if inline else 0.8,
        peak_rss_mb=80.0,
        rss_delta_mb=1.0 if inline else 30.0,
        results_identical=True,
    )
    return dataclasses.replace(base, **changes)


def stored_run(results: list[ModeResult], **fields: Any) -> BenchmarkRun:
    """A saved run holding ``results``, as the command would have stored it."""
    run = BenchmarkRun.objects.create(
        **{
            "host": "bench-host",
            "cpu_count": 2,
            "workers": 2,
            "python_version": "3.14.10",
            "git_revision": "0123456789abcdef0123456789abcdef01234567",
            "options": {"jobs": 8},
            **fields,
        }
    )
    BenchmarkResult.objects.bulk_create(BenchmarkResult(run=run, **r.as_dict()) for r in results)
    return run


@pytest.fixture
def fake_harness(monkeypatch: pytest.MonkeyPatch) -> list[ModeResult]:
    """Stand in for the harness: the command gets these results without running jobs."""
    results: list[ModeResult] = []

    def run_benchmark(
        targets: list[BenchTarget], options: BenchOptions, progress: Any
    ) -> list[ModeResult]:
        return results

    monkeypatch.setattr(
        "interp_exec.management.commands.run_interp_bench.run_benchmark", run_benchmark
    )
    return results
