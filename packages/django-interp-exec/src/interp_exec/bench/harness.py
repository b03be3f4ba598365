"""The benchmark harness: the same jobs through each bare adapter, side by side.

Pure Python over the fixed adapters, no Django: ``run_interp_bench`` picks the
workloads and sizes, calls ``run_benchmark`` and stores what comes back. Bare
adapters are used, not the dispatcher, so no threshold, probe or dispatch log
sits between the clock and the pool.

Per workload, every mode gets the same inputs (``sample(size, seed)`` for seeds
``0 .. jobs-1``) and is measured in two phases, each on fresh adapters::

    cold, one mode at a time, alone:
      tree RSS baseline
        -> construct + warm()                     pool_start_ms (cold start)
        -> run(a tiny job)                        first_job_ms: its round trip minus its run time
        -> map(jobs), untimed                     values compared; tree RSS after
                                                  peak_rss_mb, rss_delta_mb = peak - baseline
    warm, every mode's pool started, then in rounds:
      round r: map(jobs) in each mode, the order rotated every round
                                                  wall median / min / max, values compared
      round r: tiny jobs one at a time in each mode
                                                  overhead_us_per_job: (wall - inline wall) / n,
                                                  of each mode's fastest round

Taking turns within each round means a burst of load from elsewhere on the host
slows every mode, not only the one that happened to be running; medians over
the rounds then compare like with like. The overhead is a latency of a few
hundred microseconds, which a moment of descheduling can double: its fastest
round is the one that measured the overhead and nothing else.

Memory is read only in the cold phase, between steps and never while one is
timed, and with no other pool alive; the workers' memory stays resident while
their pool lives, so reading after the untimed run sees what the pool holds.
"""

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing import forkserver
from typing import Any

from interp_exec.bench.memory import process_tree_rss_mb
from interp_exec.core.adapters.base import ExecutionAdapter
from interp_exec.core.adapters.by_mode import ADAPTER_CLASSES, runs_in_caller
from interp_exec.core.domain import CpuJob, ExecutorMode, InterpExecError, JobOutcome
from interp_exec.core.workloads import Workload, all_workloads, load_configured_workloads

# A coarse job takes at least this long inline: the size at which a pool is
# expected to pay off, and the only size the regression rule judges.
COARSE_JOB_S = 0.1

# The overhead is measured on jobs of one work unit: their own run time is a few
# microseconds (about 1 ms for text.dedupe), and inline's is subtracted anyway.
TINY_SIZE = 1
TINY_JOBS = 100

type Progress = Callable[[str], None]


class BenchmarkError(InterpExecError):
    """A benchmark that cannot be run as asked, or whose jobs did not succeed."""


@dataclass(frozen=True, slots=True)
class BenchOptions:
    """How much to run: ``jobs`` coarse jobs per map, ``repeat`` maps per mode."""

    jobs: int = 8
    workers: int = 2
    repeat: int = 5
    modes: tuple[ExecutorMode, ...] = tuple(ExecutorMode)
    tiny_jobs: int = TINY_JOBS

    def __post_init__(self) -> None:
        for name in ("jobs", "workers", "repeat", "tiny_jobs"):
            if getattr(self, name) < 1:
                raise BenchmarkError(f"{name} must be at least 1, got {getattr(self, name)}")
        if ExecutorMode.INLINE not in self.modes:
            raise BenchmarkError(
                "the modes must include inline: it is the baseline that speedup, overhead "
                "and identical results are measured against"
            )
        if len(set(self.modes)) != len(self.modes):
            raise BenchmarkError("each mode may be named only once")


@dataclass(frozen=True, slots=True)
class BenchTarget:
    """A workload at a size; ``modes``: of the run's modes, those it may run in
    (None: all of them; a workload the probe refuses has no subinterpreters)."""

    workload: Workload
    size: int
    modes: tuple[ExecutorMode, ...] | None = None


@dataclass(frozen=True, slots=True)
class ModeResult:
    """The figures of one workload in one mode; ``as_dict`` is the JSON row."""

    workload: str
    mode: str
    size: int
    jobs: int
    workers: int
    wall_s_median: float
    wall_s_min: float
    wall_s_max: float
    jobs_per_s: float
    speedup_vs_inline: float
    overhead_us_per_job: float
    pool_start_ms: float | None
    first_job_ms: float | None
    peak_rss_mb: float
    rss_delta_mb: float
    results_identical: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Cold:
    pool_start_ms: float | None
    first_job_ms: float | None
    peak_rss_mb: float
    rss_delta_mb: float
    values: list[Any]


@dataclass(slots=True)
class _Warm:
    walls: list[float] = field(default_factory=list)
    tiny_walls: list[float] = field(default_factory=list)
    values: list[list[Any]] = field(default_factory=list)


def default_workloads() -> list[Workload]:
    """Every configured workload with a sample and a ``bench_size``: its author's word
    that it can be benchmarked, and from which size. The benchmark measures these
    without being told which."""
    load_configured_workloads()
    return [w for w in all_workloads() if w.sample is not None and w.bench_size]


def require_sample(workload: Workload) -> None:
    if workload.sample is None:
        raise BenchmarkError(
            f"workload {workload.name} has no sample to benchmark; give it one "
            "(cpu_workload(sample=...)) or leave it out"
        )


def run_benchmark(
    targets: Sequence[BenchTarget], options: BenchOptions, progress: Progress = print
) -> list[ModeResult]:
    """Measure every target in every mode of ``options``; rows grouped by workload."""
    if any(ADAPTER_CLASSES[mode].uses_forkserver for mode in options.modes):
        # The forkserver starts once per host process and then serves every process
        # pool (a django-q2 worker keeps it for its whole life): started here, it is
        # part of every baseline and of no single pool's start-up or memory.
        forkserver.ensure_running()
    results: list[ModeResult] = []
    for number, target in enumerate(targets, start=1):
        progress(
            f"[{number}/{len(targets)}] {target.workload.name}: {options.jobs} jobs of size "
            f"{target.size}, {options.repeat} repeats, {options.workers} workers"
        )
        results.extend(_run_target(target, options, progress))
    return results


def _run_target(target: BenchTarget, options: BenchOptions, progress: Progress) -> list[ModeResult]:
    workload = target.workload
    jobs = [
        CpuJob(workload.name, workload.sample_payload(target.size, seed), size=target.size)
        for seed in range(options.jobs)
    ]
    tiny = CpuJob(workload.name, workload.sample_payload(TINY_SIZE, 0), size=TINY_SIZE)
    allowed = options.modes if target.modes is None else target.modes
    modes = [ExecutorMode.INLINE, *(m for m in allowed if m is not ExecutorMode.INLINE)]

    cold: dict[ExecutorMode, _Cold] = {}
    for mode in modes:
        cold[mode] = _cold(mode, workload, jobs, tiny, options.workers)
        started = cold[mode].pool_start_ms
        progress(
            f"  {mode.value}: cold start "
            + ("-" if started is None else f"{started:.0f} ms")
            + f", memory +{cold[mode].rss_delta_mb:.1f} MB"
        )
    warm = _warm(modes, workload, jobs, tiny, options, progress)

    inline_median = statistics.median(warm[ExecutorMode.INLINE].walls)
    inline_tiny = min(warm[ExecutorMode.INLINE].tiny_walls)
    reference = cold[ExecutorMode.INLINE].values
    results = []
    for mode in modes:
        c, w = cold[mode], warm[mode]
        median = statistics.median(w.walls)
        results.append(
            ModeResult(
                workload=workload.name,
                mode=mode.value,
                size=target.size,
                jobs=options.jobs,
                workers=1 if runs_in_caller(mode) else options.workers,
                wall_s_median=median,
                wall_s_min=min(w.walls),
                wall_s_max=max(w.walls),
                jobs_per_s=options.jobs / median,
                speedup_vs_inline=inline_median / median,
                overhead_us_per_job=((min(w.tiny_walls) - inline_tiny) / options.tiny_jobs * 1e6),
                pool_start_ms=c.pool_start_ms,
                first_job_ms=c.first_job_ms,
                peak_rss_mb=c.peak_rss_mb,
                rss_delta_mb=c.rss_delta_mb,
                results_identical=all(v == reference for v in [c.values, *w.values]),
            )
        )
    return results


def _cold(
    mode: ExecutorMode, workload: Workload, jobs: list[CpuJob], tiny: CpuJob, workers: int
) -> _Cold:
    """Start one pool alone: its start-up, its first job, and the memory it adds."""
    gc.collect()
    baseline = process_tree_rss_mb()
    pool_start_ms: float | None = None
    first_job_ms: float | None = None
    started = time.perf_counter()
    adapter = _new_adapter(mode, workers, workload.module)
    try:
        adapter.warm()
        if not runs_in_caller(mode):
            pool_start_ms = (time.perf_counter() - started) * 1000
            first_job_ms = _require_ok(mode, [adapter.run(tiny)])[0].wait_ms
        after_start = process_tree_rss_mb()
        values = [o.value for o in _require_ok(mode, adapter.map(jobs))]
        peak = max(after_start, process_tree_rss_mb())
    finally:
        adapter.shutdown()
    return _Cold(pool_start_ms, first_job_ms, peak, peak - baseline, values)


def _warm(
    modes: list[ExecutorMode],
    workload: Workload,
    jobs: list[CpuJob],
    tiny: CpuJob,
    options: BenchOptions,
    progress: Progress,
) -> dict[ExecutorMode, _Warm]:
    """Every mode's pool warm at once; timed runs taking turns, round by round."""
    adapters = {mode: _new_adapter(mode, options.workers, workload.module) for mode in modes}
    measured = {mode: _Warm() for mode in modes}
    try:
        for adapter in adapters.values():
            adapter.warm()
        for round_ in range(options.repeat):
            walls = []
            for mode in _rotated(modes, round_):
                started = time.perf_counter()
                outcomes = adapters[mode].map(jobs)
                measured[mode].walls.append(time.perf_counter() - started)
                measured[mode].values.append([o.value for o in _require_ok(mode, outcomes)])
                walls.append(f"{mode.value} {measured[mode].walls[-1]:.3f} s")
            progress(f"  round {round_ + 1}/{options.repeat}: " + ", ".join(walls))
        for round_ in range(options.repeat):
            for mode in _rotated(modes, round_):
                started = time.perf_counter()
                outcomes = [adapters[mode].run(tiny) for _ in range(options.tiny_jobs)]
                measured[mode].tiny_walls.append(time.perf_counter() - started)
                _require_ok(mode, outcomes)
    finally:
        for adapter in adapters.values():
            adapter.shutdown()
    return measured


def _rotated(modes: list[ExecutorMode], by: int) -> list[ExecutorMode]:
    """Each mode goes first in turn, so none always runs just after another."""
    by %= len(modes)
    return modes[by:] + modes[:by]


def _new_adapter(mode: ExecutorMode, workers: int, module: str) -> ExecutionAdapter:
    # Both pools pre-import the workload's module in every worker while warming, as
    # the dispatcher's pools do, so no timed job pays for an import.
    def preload() -> tuple[str, ...]:
        return (module,)

    pool_size = 1 if runs_in_caller(mode) else workers
    return ADAPTER_CLASSES[mode](pool_size, preload_modules=preload)


def _require_ok(mode: ExecutorMode, outcomes: list[JobOutcome]) -> list[JobOutcome]:
    """Figures of jobs that failed would measure the failure: stop instead."""
    for outcome in outcomes:
        if not outcome.ok:
            raise BenchmarkError(
                f"workload {outcome.workload} did not run in {mode.value}: "
                f"{outcome.status.value}, {outcome.error_type}: {outcome.error_message}"
            )
    return outcomes
