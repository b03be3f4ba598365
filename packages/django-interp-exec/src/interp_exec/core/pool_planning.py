"""Which pools jobs go to now: for the queue, which fills a pool only with jobs bound
for it, and for a worker warming its pools before its first job.

Asked without running a job: the site's policy (``wiring.policy_for``) and the
capability probe decide as the dispatcher would.
"""

import dataclasses

from interp_exec.core import conf
from interp_exec.core.adapters.by_mode import runs_in_caller
from interp_exec.core.domain import (
    CpuJob,
    DispatchPolicy,
    ExecutorMode,
    InterpExecError,
    Workload,
    decide_route,
)
from interp_exec.core.domain.size_bands import BAND_COUNT, SizeBand, all_bands
from interp_exec.core.wiring import policy_for, runtime
from interp_exec.core.workloads import all_workloads, get_workload

# A job size no threshold exceeds: asks where a workload's large jobs go.
_LARGEST_SIZE = 2**62

type Pool = tuple[ExecutorMode, int]
# Job sizes from the first up to the second (None: no end), excluded.
type SizeRange = tuple[int, int | None]


def pool_for(job: CpuJob) -> Pool | None:
    """The pool (mode, size) the site's port would send ``job`` to now, without running
    it; None when it runs inline or is refused. For the task queue, which fills a
    pool only with jobs bound for it."""
    try:
        policy = policy_for(job)
        workload = get_workload(job.workload)
    except InterpExecError:
        return None  # the port refuses the job itself, with the reason
    return _pool_of(policy, workload, job.size)


def workload_pools() -> dict[Pool, dict[str, list[SizeRange]]]:
    """Each pool that some workload's jobs go to now -> those workloads, each with the
    sizes of its jobs that go there: from its threshold up, or, for a workload on
    auto, the size bands auto sends there (leaving out the jobs that explore)."""
    pools: dict[Pool, dict[str, list[SizeRange]]] = {}
    for workload in all_workloads():
        try:
            policy = policy_for(CpuJob(workload.name, None, size=_LARGEST_SIZE))
        except InterpExecError:
            continue  # the port refuses the workload's jobs itself, with the reason
        if policy.auto is not None:
            auto_pools = _auto_pools(workload.name, policy, policy.auto.figures_version)
            for band_pool, ranges in auto_pools.items():
                pools.setdefault(band_pool, {})[workload.name] = ranges
        elif (pool := _pool_of(policy, workload, _LARGEST_SIZE)) is not None:
            pools.setdefault(pool, {})[workload.name] = [(policy.min_task_size, None)]
    return pools


# Auto's pools per (workload, its limits, the figures' reading): asking for them costs
# a policy per size band (~1 ms a workload), and a drain asks before every claim.
_auto_pools_made: dict[tuple[str, DispatchPolicy, int], dict[Pool, list[SizeRange]]] = {}
_AUTO_POOLS_KEPT = 256


def _auto_pools(
    workload: str, policy: DispatchPolicy, figures_version: int
) -> dict[Pool, list[SizeRange]]:
    """Where auto sends each size band's jobs that do not explore, as size ranges; made
    again when the workload's limits change or auto reads its figures again."""
    key = (
        workload,
        dataclasses.replace(policy, mode=ExecutorMode.INLINE, auto=None),
        figures_version,
    )
    found = _auto_pools_made.get(key)
    if found is None:
        if len(_auto_pools_made) >= _AUTO_POOLS_KEPT:
            _auto_pools_made.clear()
        found = _auto_pools_made[key] = _plan_auto_pools(workload)
    return found


def _plan_auto_pools(workload: str) -> dict[Pool, list[SizeRange]]:
    found: dict[Pool, list[SizeRange]] = {}
    for band in all_bands():
        policy = policy_for(CpuJob(workload, None, size=band.low))
        if policy.auto is None:
            continue
        planned = dataclasses.replace(policy, mode=policy.auto.planned)
        low = max(band.low, policy.min_task_size)
        if low >= band.high:
            continue
        routed = _pool_of(planned, get_workload(workload), low)
        if routed is None:
            continue
        ranges = found.setdefault(routed, [])
        if ranges and ranges[-1][1] == band.low:
            ranges[-1] = (ranges[-1][0], band.high)
        else:
            ranges.append((low, band.high))
    # The last band's end is past every job size: no end.
    for ranges in found.values():
        if ranges[-1][1] == SizeBand(BAND_COUNT - 1).high:
            ranges[-1] = (ranges[-1][0], None)
    return found


def _pool_of(policy: DispatchPolicy, workload: Workload, size: int) -> Pool | None:
    probe, _ = runtime()
    mode = decide_route(policy, size, lambda: probe.verdict(workload)).mode
    return None if runs_in_caller(mode) else (mode, policy.max_workers)


def warm_up() -> list[Pool]:
    """Start every pool that some workload's jobs go to now, ahead of the first job.

    Called when a django-q2 worker starts, so the first queued job runs on warm
    workers that already imported every interpreter-safe workload (routing an
    interpreters-bound workload runs its capability probe on the way). The pools a
    workload on auto explores are started too: an exploring job would otherwise
    wait for its pool to start. A pool nothing goes to is not started: it would
    hold memory for nothing, and the first job sent to it after a flag change
    starts it (the dispatcher warms it before timing that job).
    """
    _, adapters = runtime()
    pools = list(dict.fromkeys([*workload_pools(), *_explored_pools()]))
    for pool in pools:
        adapters.adapter(*pool).warm()
    return pools


def _explored_pools() -> list[Pool]:
    """The pools a share of the large jobs of each workload on auto explores."""
    if conf.get_setting("AUTO_EXPLORE_SHARE") <= 0:
        return []
    found = []
    for workload in all_workloads():
        try:
            policy = policy_for(CpuJob(workload.name, None, size=_LARGEST_SIZE))
        except InterpExecError:
            continue
        if policy.auto is None:
            continue
        for mode in policy.auto.explored:
            explored = dataclasses.replace(policy, mode=mode)
            if (pool := _pool_of(explored, workload, _LARGEST_SIZE)) is not None:
                found.append(pool)
    return found
