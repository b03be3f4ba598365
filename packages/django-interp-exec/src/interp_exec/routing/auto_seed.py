"""Auto mode's first figures, measured when it has none at all.

Auto compares modes by their figures: this site's own jobs once ``AUTO_MIN_JOBS`` of
a mode ran in a size band, the latest benchmark run before that. A new site has
neither, and auto sent every job inline ("no figures yet") until its explorations
(``AUTO_EXPLORE_SHARE`` of the jobs) had run some twenty jobs per band and mode:
hundreds of jobs. So a worker measures first, briefly::

    a q2 worker starts (post_spawn), or a flag is saved on auto (a q2 task)
      -> each workload on auto that has a sample and no figures in any band
      -> one worker measures it (a lock in the shared cache; another worker
         starting at the same time waits for that run instead of measuring too)
      -> bench.harness at the size bench.job_size finds coarse (a job of ~150 ms
         inline), 2 jobs per pool worker, one round, in every mode auto may use
      -> stored as a benchmark run marked ``auto_seed`` (routing.benchmark_runs):
         auto's figures for every band, scaled from that size, and the admin's charts
      -> every process reads auto's figures again (the flags' version token)

No measurement starts once ``AUTO_SEED_BUDGET_S`` has passed; a workload not
reached learns from its jobs as before. Its jobs' own figures replace the run's
band by band, and the reasons say "still learning" until they do.
"""

import time
from collections.abc import Iterator

import structlog
from django.core.cache import cache

from interp_exec.bench.harness import BenchOptions, BenchTarget, run_benchmark
from interp_exec.bench.job_size import coarse_job_size
from interp_exec.core import conf
from interp_exec.core.domain import AUTO, CpuJob, ExecutorMode, InterpExecError, Workload
from interp_exec.core.wiring import policy_for, runtime
from interp_exec.core.workloads import all_workloads, load_configured_workloads
from interp_exec.routing.auto_figures import AUTO_SEED_OPTION, auto_figures, read_figures
from interp_exec.routing.auto_policy import eligible_modes
from interp_exec.routing.benchmark_runs import save_run
from interp_exec.routing.flag_guard import routes_jobs
from interp_exec.routing.flag_policy import DEFAULT_FLAG, flag_name
from interp_exec.routing.flag_snapshot import announce_change, current_flags

# The django-q2 task a flag saved on auto queues (interp_exec.q2_entry_points).
SEED_TASK = "interp_exec.q2_entry_points.seed_auto_figures"
# Enough jobs to fill each pool twice, few enough to take a few seconds a workload.
JOBS_PER_WORKER = 2
TINY_JOBS = 20
_LOCK_PREFIX = "interp_exec:auto_seed:"
# How often a worker waiting for another's measurement looks whether it is done.
_WAIT_POLL_S = 0.2

_logger = structlog.get_logger(__name__)


def seed_missing_figures(max_size: int) -> list[str]:
    """Measure each workload on auto that has no figures, within the budget; the names of
    those measured here. ``max_size``: the largest job size to measure at."""
    budget = float(conf.get_setting("AUTO_SEED_BUDGET_S"))
    if budget <= 0:
        return []
    deadline = time.monotonic() + budget
    seeded = []
    for workload, modes in _unmeasured_on_auto():
        if time.monotonic() >= deadline:
            _logger.info("cpu.auto_seed_out_of_time", workload=workload.name, budget_s=budget)
            break
        if _measure_once(workload, modes, max_size, deadline):
            seeded.append(workload.name)
    if seeded:
        auto_figures.forget()
        announce_change()
    return seeded


def _unmeasured_on_auto() -> Iterator[tuple[Workload, tuple[ExecutorMode, ...]]]:
    """Workloads whose flag (their own, else ``cpu.default``) is on auto and routes jobs,
    that have a sample, more than one mode to compare and no figures: with the modes."""
    load_configured_workloads()
    snapshot = current_flags()
    default = snapshot.flag(DEFAULT_FLAG)
    probe, _ = runtime()
    processes = bool(conf.get_setting("PROCESSES_ENABLED"))
    for workload in all_workloads():
        flag = snapshot.flag(flag_name(workload.name))
        if flag.pk is None:
            flag = default
        if flag.mode != AUTO or not routes_jobs(flag) or workload.sample is None:
            continue
        isolated = bool(flag.untrusted or default.untrusted)
        modes = eligible_modes(workload.name, isolated=isolated, processes_enabled=processes)
        if not probe.verdict(workload).interpreter_safe:
            modes = tuple(m for m in modes if m is not ExecutorMode.INTERPRETERS)
        if ExecutorMode.INLINE in modes and len(modes) > 1 and read_figures(workload.name).empty():
            yield workload, modes


def _measure_once(
    workload: Workload, modes: tuple[ExecutorMode, ...], max_size: int, deadline: float
) -> bool:
    """Measure ``workload`` unless another worker is: then wait for its run (up to
    ``deadline``). Whether a run was stored here."""
    lock = _LOCK_PREFIX + workload.name
    hold_s = max(deadline - time.monotonic(), 0) + 60  # a worker killed mid-run releases it
    if not cache.add(lock, "measuring", timeout=int(hold_s)):
        while cache.get(lock) is not None and time.monotonic() < deadline:
            time.sleep(_WAIT_POLL_S)
        return False
    try:
        # Another worker may have stored a run between this one's look and its lock.
        if not read_figures(workload.name).empty():
            return False
        return _measure(workload, modes, max_size)
    finally:
        cache.delete(lock)


def _measure(workload: Workload, modes: tuple[ExecutorMode, ...], max_size: int) -> bool:
    try:
        workers = policy_for(CpuJob(workload.name, None, size=max_size)).max_workers
        size = coarse_job_size(workload, max_size).size
        options = BenchOptions(
            jobs=JOBS_PER_WORKER * workers,
            workers=workers,
            repeat=1,
            modes=modes,
            tiny_jobs=TINY_JOBS,
        )
        results = run_benchmark([BenchTarget(workload, size)], options, _progress)
    except InterpExecError:
        # The workload cannot be measured this way (its sample fails, say): auto
        # learns it from its jobs, as without this measurement.
        _logger.exception("cpu.auto_seed_failed", workload=workload.name)
        return False
    run = save_run(
        results,
        {
            AUTO_SEED_OPTION: True,
            "jobs": options.jobs,
            "workers": workers,
            "repeat": options.repeat,
            "modes": [m.value for m in modes],
            "size": size,
            "workloads": [workload.name],
        },
        workers,
    )
    _logger.info("cpu.auto_seeded", workload=workload.name, size=size, run_id=run.pk)
    return True


def _progress(line: str) -> None:
    _logger.debug("cpu.auto_seed_progress", line=line.strip())
