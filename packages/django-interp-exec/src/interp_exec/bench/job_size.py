"""The size at which a workload's jobs are coarse enough to judge, found on this host.

The regression rule and the guard judge a workload only on jobs that take at least
``COARSE_JOB_S`` inline. A declared ``bench_size`` is where that held for its
author; a faster host runs it in less (``transcript.readability``'s 150,000 words:
93 ms here), and the workload then went unjudged. So the size is calibrated before
the benchmark, one inline job at a time::

    size = bench_size (else min_task_size, else 1)
      -> one inline job of sample(size, 0), RUNS times, the fastest counted: load on
         the host only ever slows a run, and the first run of a process pays for
         imports and cold caches (building the payload is not timed)
      -> at least TARGET_S? that size
      -> else size x TARGET_S / its time (at most x GROWTH a round, at most max_size)
         and again, for at most ROUNDS sizes

``TARGET_S`` is half again ``COARSE_JOB_S``: on a loaded host the same job's runs
come out tens of percent apart (93 to 186 ms for one readability job here), and a
size tuned to just 100 ms would fall either side of the rule. A size that reaches
``max_size`` or runs out of rounds first is returned with its time, and the caller
says the workload was not judged and why.

Pure Python over the inline adapter, like the harness.
"""

import time
from dataclasses import dataclass

from interp_exec.bench.harness import COARSE_JOB_S, BenchmarkError, require_sample
from interp_exec.core.adapters.inline import InlineAdapter
from interp_exec.core.domain import CpuJob, Workload

TARGET_S = COARSE_JOB_S * 1.5
ROUNDS = 6
RUNS = 3
# A job far too small to time well (microseconds) must not jump the size a
# million-fold on one reading.
GROWTH = 1000


@dataclass(frozen=True, slots=True)
class JobSize:
    """A size and what one inline job of the sample took at it."""

    size: int
    inline_s: float

    @property
    def coarse(self) -> bool:
        return self.inline_s >= COARSE_JOB_S


def coarse_job_size(workload: Workload, max_size: int) -> JobSize:
    """The smallest size tried at which a job takes ``TARGET_S`` inline, within
    ``max_size`` units and ``ROUNDS`` sizes."""
    require_sample(workload)
    if max_size < 1:
        raise BenchmarkError(f"max_size must be at least 1, got {max_size}")
    inline = InlineAdapter()
    size = min(workload.bench_size or workload.min_task_size or 1, max_size)
    for _ in range(ROUNDS):
        measured = JobSize(size, _inline_s(inline, workload, size))
        if measured.inline_s >= TARGET_S or size >= max_size:
            return measured
        growth = min(TARGET_S / max(measured.inline_s, 1e-6), GROWTH)
        size = min(max(int(size * growth) + 1, size + 1), max_size)
    return measured


def _inline_s(inline: InlineAdapter, workload: Workload, size: int) -> float:
    job = CpuJob(workload.name, workload.sample_payload(size, 0), size=size)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        outcome = inline.run(job)
        times.append(time.perf_counter() - started)
        if not outcome.ok:
            raise BenchmarkError(
                f"workload {workload.name} failed inline at size {size}: "
                f"{outcome.error_type}: {outcome.error_message}"
            )
    return min(times)
