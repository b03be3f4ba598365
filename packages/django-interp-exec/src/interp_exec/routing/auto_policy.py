"""Auto mode for one job: which modes it may use, and the one auto picks among them.

Called by the flag policy for a job whose flag is active and set to auto. The
modes a job may use are those its workload and the site allow (not processes
when they are turned off, not subinterpreters for a workload declared unsafe
for them, nothing but processes for an isolated one); the capability probe,
the threshold and the other limits still apply after the choice, in
``decide_route``, which then says why it overrode auto.
"""

from interp_exec.core import conf
from interp_exec.core.domain import AutoChoice, CpuJob, ExecutorMode
from interp_exec.core.domain.auto_choice import exploration_draw, pick
from interp_exec.core.domain.size_bands import band_of
from interp_exec.core.workloads import get_workload
from interp_exec.routing.auto_figures import auto_figures

_ALL = tuple(ExecutorMode)
_NO_PROCESSES = (ExecutorMode.INLINE, ExecutorMode.INTERPRETERS)
_NO_INTERPRETERS = (ExecutorMode.INLINE, ExecutorMode.PROCESSES)
_PROCESSES_ONLY = (ExecutorMode.PROCESSES,)
_INLINE_ONLY = (ExecutorMode.INLINE,)


def eligible_modes(
    workload: str, *, isolated: bool, processes_enabled: bool
) -> tuple[ExecutorMode, ...]:
    if isolated:
        return _PROCESSES_ONLY
    interpreters = get_workload(workload).interpreter_safe
    if processes_enabled:
        return _ALL if interpreters else _NO_INTERPRETERS
    return _NO_PROCESSES if interpreters else _INLINE_ONLY


def explore_share() -> float:
    share = float(conf.get_setting("AUTO_EXPLORE_SHARE"))
    return min(max(share, 0.0), 1.0)


def choose_for_job(
    job: CpuJob, *, isolated: bool, processes_enabled: bool, max_workers: int, flags_version: str
) -> AutoChoice:
    eligible = eligible_modes(job.workload, isolated=isolated, processes_enabled=processes_enabled)
    plan = auto_figures.plan(job.workload, band_of(job.size), eligible, max_workers, flags_version)
    return pick(plan, exploration_draw(job.rollout_key), explore_share())
