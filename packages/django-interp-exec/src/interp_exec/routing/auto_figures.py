"""Auto mode's figures: what each mode costs per job, per workload and size band.

Routing a job must stay as cheap as reading the flag snapshot (a few
microseconds), so nothing here is read per job. Each process keeps its figures
and reads them again at most every ``INTERP_EXEC["AUTO_REFRESH_S"]`` seconds, or
as soon as the flags' version changes (a flag saved, or auto's start-up
measurement stored: ``auto_seed``)::

    dispatch log: the workload's latest successful dispatches
      -> per (size band, mode used): at most AUTO_WINDOW of them,
         median worker_ms_per_job / the pool's workers (1 inline); for rows
         logged before that column, (median run_ms + 10th percentile of wait_ms)
         / the pool's workers
    latest benchmark run that measured the workload (identical results only; a
    ``run_interp_bench`` run or auto's own short measurement, ``auto_seed``)
      -> per mode: its time per job at the run's size (parallelism included),
         scaled to each band linearly above the mode's fixed overhead per job
    -> per (band, mode): the log's figure when it holds AUTO_MIN_JOBS dispatches,
       else the benchmark's, else none (the mode is not compared)
    -> plans (auto_choice.plan_band), made on first use and kept until the refresh

``worker_ms_per_job`` is what a job's batch cost the pool's workers, per job
(its wall time times the workers it kept busy): it includes the host's own work
for each job (encoding payloads, transfer), which competes with the workers for
the cores and which a job's run time never shows. Without it, a process pool,
whose jobs run as fast as in subinterpreters but cost the host more, looked
cheaper than it is. For older rows, a job's wait is its transfer plus its time
queued behind other jobs of the same ``map``; only the transfer is a cost per
job, so that figure takes the waits of the jobs that did not queue.

The log is what this site's jobs really cost here (its database, its load, its
pool sizes); the benchmark is only a prior for bands and modes the log has not
seen enough of. Exploration (``AUTO_EXPLORE_SHARE``) makes sure it sees them.
"""

import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from interp_exec.core import conf
from interp_exec.core.adapters.by_mode import runs_in_caller
from interp_exec.core.domain import BandPlan, ExecutorMode, ModeFigures
from interp_exec.core.domain.auto_choice import plan_band
from interp_exec.core.domain.size_bands import SizeBand, band_of
from interp_exec.models import BenchmarkResult, DispatchLog
from interp_exec.routing.flag_snapshot import current_flags

# Rows read per workload: a window for each mode in this many bands. Job sizes
# cluster, so few bands are in use at once; past this, the oldest rows go.
_BANDS_READ = 16
# The key in a BenchmarkRun's options that marks auto's own start-up measurement.
AUTO_SEED_OPTION = "auto_seed"


@dataclass(frozen=True, slots=True)
class _Seed:
    """A benchmark run's figure for one mode: ms per job at ``size``, of which
    ``overhead_ms`` does not grow with the size; ``source`` names the run."""

    ms_per_job: float
    overhead_ms: float
    size: int
    source: str

    def at(self, band: SizeBand) -> float:
        per_unit = max(self.ms_per_job - self.overhead_ms, 0.0) / self.size
        return per_unit * band.middle + self.overhead_ms


@dataclass(slots=True)
class WorkloadFigures:
    """The raw figures of one workload, as read."""

    # (band index, mode) -> (run_ms, wait_ms, worker_ms_per_job) of the latest ok
    # dispatches, newest first; worker_ms_per_job is None in rows logged before it was.
    log: dict[tuple[int, ExecutorMode], list[tuple[float, float, float | None]]] = field(
        default_factory=dict
    )
    seed: dict[ExecutorMode, _Seed] = field(default_factory=dict)

    def mode_figures(self, band: SizeBand, mode: ExecutorMode, workers: int) -> ModeFigures | None:
        samples = self.log.get((band.index, mode), [])
        least = conf.get_setting("AUTO_MIN_JOBS")
        parallel = 1 if runs_in_caller(mode) else workers
        worker_ms = [worker for _, _, worker in samples if worker is not None]
        if len(worker_ms) >= least:
            # What the batches really cost, host-side work and contention included.
            ms_per_job = statistics.median(worker_ms) / parallel
            return ModeFigures(mode, ms_per_job, len(worker_ms), f"the last {len(worker_ms)} jobs")
        if len(samples) >= least:
            run_ms = statistics.median(run for run, _, _ in samples)
            wait_ms = sorted(wait for _, wait, _ in samples)[len(samples) // 10]
            return ModeFigures(
                mode,
                (run_ms + wait_ms) / parallel,
                len(samples),
                f"the last {len(samples)} jobs",
            )
        seed = self.seed.get(mode)
        if seed is None:
            return None
        return ModeFigures(mode, seed.at(band), 0, seed.source)

    def empty(self) -> bool:
        """No figure in any band: neither a benchmark run nor AUTO_MIN_JOBS jobs of a mode."""
        least = conf.get_setting("AUTO_MIN_JOBS")
        return not self.seed and all(len(rows) < least for rows in self.log.values())

    def bands_seen(self) -> list[SizeBand]:
        """Bands with dispatches in the log, and the benchmark's own band."""
        seen = {index for index, _ in self.log}
        seen.update(band_of(seed.size).index for seed in self.seed.values())
        return [SizeBand(index) for index in sorted(seen)]


def read_figures(workload: str) -> WorkloadFigures:
    """Two queries: the workload's latest log rows and its latest benchmark results."""
    window = int(conf.get_setting("AUTO_WINDOW"))
    figures = WorkloadFigures()
    known = {mode.value: mode for mode in ExecutorMode}
    rows = (
        DispatchLog.objects.filter(workload=workload, status="ok")
        .order_by("-created_at", "-id")
        .values_list("size", "mode_used", "run_ms", "wait_ms", "worker_ms_per_job")[
            : window * len(known) * _BANDS_READ
        ]
    )
    samples: defaultdict[tuple[int, ExecutorMode], list[tuple[float, float, float | None]]] = (
        defaultdict(list)
    )
    for size, mode_used, run_ms, wait_ms, worker_ms in rows:
        mode = known.get(mode_used)
        if mode is None:
            continue
        bucket = samples[band_of(size).index, mode]
        if len(bucket) < window:
            bucket.append((run_ms, wait_ms, worker_ms))
    figures.log = dict(samples)
    latest = (
        BenchmarkResult.objects.filter(workload=workload, results_identical=True)
        .order_by("-run__created_at", "-run_id")
        .values_list("run_id", "run__options")
        .first()
    )
    if latest is not None:
        run_id, options = latest
        source = f"benchmark run {run_id}"
        if isinstance(options, dict) and options.get(AUTO_SEED_OPTION):
            source = f"auto's own short measurement (benchmark run {run_id})"
        for result in BenchmarkResult.objects.filter(run_id=run_id, workload=workload):
            mode = known.get(result.mode)
            if mode is None or not result.jobs:
                continue
            overhead = 0.0 if runs_in_caller(mode) else max(result.overhead_us_per_job, 0.0)
            figures.seed[mode] = _Seed(
                result.wall_s_median / result.jobs * 1000, overhead / 1000, result.size, source
            )
    return figures


type _PlanKey = tuple[str, int, tuple[ExecutorMode, ...], int]


class AutoFigures:
    """This process's figures and plans, dropped every ``AUTO_REFRESH_S`` seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._read_at = 0.0
        self._flags_version = ""
        # One more each time the figures are dropped: plans name the reading they used.
        self._version = 0
        self._workloads: dict[str, WorkloadFigures] = {}
        self._plans: dict[_PlanKey, BandPlan] = {}

    def plan(
        self,
        workload: str,
        band: SizeBand,
        eligible: tuple[ExecutorMode, ...],
        workers: int,
        flags_version: str,
    ) -> BandPlan:
        """The band's plan; ``flags_version`` is the flag snapshot's, which the plans
        were made under: when it changes, the figures are read again."""
        key = (workload, band.index, eligible, workers)
        # Read before the clock: another thread may move it on meanwhile, and a clock
        # read first would then make the figures look younger than they are.
        read_at = self._read_at
        if flags_version == self._flags_version and time.monotonic() - read_at < conf.get_setting(
            "AUTO_REFRESH_S"
        ):
            found = self._plans.get(key)
            if found is not None:
                return found
        with self._lock:
            if flags_version != self._flags_version:
                self._read_at = 0.0
                self._flags_version = flags_version
            self._expire()
            found = self._plans.get(key)
            if found is None:
                figures = self._figures(workload)
                by_mode = {
                    mode: mode_figures
                    for mode in eligible
                    if (mode_figures := figures.mode_figures(band, mode, workers)) is not None
                }
                found = self._plans[key] = plan_band(band, by_mode, eligible, self._version)
            return found

    def figures(self, workload: str) -> WorkloadFigures:
        with self._lock:
            self._expire()
            return self._figures(workload)

    def forget(self) -> None:
        with self._lock:
            self._read_at = 0.0
            self._version += 1
            self._workloads.clear()
            self._plans.clear()

    def _expire(self) -> None:
        now = time.monotonic()
        if now - self._read_at >= conf.get_setting("AUTO_REFRESH_S"):
            self._version += 1
            self._workloads.clear()
            self._plans.clear()
            self._read_at = now

    def _figures(self, workload: str) -> WorkloadFigures:
        found = self._workloads.get(workload)
        if found is None:
            found = self._workloads[workload] = read_figures(workload)
        return found


auto_figures = AutoFigures()


def band_plans(workload: str, eligible: Sequence[ExecutorMode], workers: int) -> list[BandPlan]:
    """Auto's plan for every band the workload has figures for (the admin's chart)."""
    figures = auto_figures.figures(workload)
    version = current_flags().version
    return [
        auto_figures.plan(workload, band, tuple(eligible), workers, version)
        for band in figures.bands_seen()
    ]
