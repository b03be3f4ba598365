"""The size a workload is benchmarked at: found on the host, up to a coarse job, bounded.

Real inline jobs: ``text.dedupe`` grows with its size; ``tests.echo`` does not, so
its size runs into the bound and comes back as not coarse.
"""

import pytest

from interp_exec.bench.harness import COARSE_JOB_S, BenchmarkError
from interp_exec.bench.job_size import TARGET_S, coarse_job_size
from interp_exec.core.workloads import get_workload


def test_a_workload_is_sized_up_from_its_declared_size_to_a_coarse_job() -> None:
    dedupe = get_workload("text.dedupe")
    found = coarse_job_size(dedupe, 1_000_000)

    assert found.size >= (dedupe.bench_size or 0)
    assert found.inline_s >= TARGET_S > COARSE_JOB_S
    assert found.coarse


def test_a_job_that_never_gets_coarse_stops_at_the_bound_and_says_so() -> None:
    found = coarse_job_size(get_workload("tests.echo"), 5_000)

    assert found.size == 5_000
    assert not found.coarse


def test_a_workload_without_a_sample_cannot_be_sized() -> None:
    echo = get_workload("tests.echo")
    without = echo.replace(name="tests.echo_without_sample", sample=None)

    with pytest.raises(BenchmarkError, match="has no sample to benchmark"):
        coarse_job_size(without, 100)
