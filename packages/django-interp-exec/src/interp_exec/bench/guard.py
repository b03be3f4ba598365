"""The guard: a workload whose flag sends its jobs to a mode that measures slower than
another by more than the tolerance gets its flag switched to the fastest.

Pure: it takes the run's results and each workload's configured mode, and
returns decisions; ``run_interp_bench --guard`` applies them (or, with
``--dry-run``, only prints them). Rule per workload:

- judged only on coarse jobs (inline takes at least ``COARSE_JOB_S`` a job), as
  the regression rule: on finer jobs a pool's overhead is expected to lose, and
  thresholds and auto mode deal with it (``run_interp_bench`` measures each
  workload at a size found coarse on the host, ``job_size``, so this holds unless a
  workload cannot reach it; the decision then says so);
- the candidates are the measured modes whose results are identical to inline's;
  the best is the one with the shortest median wall time;
- the configured mode is switched to the best when it took longer than the
  best's time by more than the tolerance, or when its results differ from
  inline's. Losing to inline and losing to the other pool are the same rule,
  since inline is a candidate.

A workload on ``auto`` is left alone: it measures itself job by job. A flag
that routes no job (Everyone "No", or no rule set) is left alone too: turning a
workload on is a person's rollout decision, not the guard's.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from interp_exec.bench.harness import COARSE_JOB_S, ModeResult
from interp_exec.core.domain import AUTO, ExecutorMode


@dataclass(frozen=True, slots=True)
class GuardDecision:
    workload: str
    configured: str
    # The mode to switch to; None: keep the configured one.
    switch_to: str | None
    reason: str

    @property
    def switches(self) -> bool:
        return self.switch_to is not None


def guard_decisions(
    results: Iterable[ModeResult], configured: Mapping[str, str | None], tolerance: float
) -> list[GuardDecision]:
    """One decision per measured workload; ``configured`` maps a workload to its flag's
    mode, or to None when its flag routes no job (or it has none)."""
    by_workload: dict[str, dict[str, ModeResult]] = {}
    for result in results:
        by_workload.setdefault(result.workload, {})[result.mode] = result
    return [
        _decide(workload, modes, configured.get(workload), tolerance)
        for workload, modes in by_workload.items()
    ]


def _decide(
    workload: str, modes: dict[str, ModeResult], configured: str | None, tolerance: float
) -> GuardDecision:
    def keep(reason: str) -> GuardDecision:
        return GuardDecision(workload, configured or "", None, reason)

    if configured is None:
        return keep("not guarded: its flag routes no job")
    if configured == AUTO:
        return keep("not guarded: on auto, which measures every job")
    inline = modes.get(ExecutorMode.INLINE.value)
    current = modes.get(configured)
    if inline is None or current is None:
        return keep(f"not judged: {configured} was not measured against inline")
    if (per_job_s := inline.wall_s_median / inline.jobs) < COARSE_JOB_S:
        return keep(
            f"not judged: its jobs of size {inline.size:,} took {per_job_s * 1000:.0f} ms "
            f"inline, under the {COARSE_JOB_S * 1000:.0f} ms a pool is judged on; "
            "measure it at a larger --size"
        )
    candidates = [r for r in modes.values() if r.results_identical]
    if not candidates:
        return keep("not judged: no mode returned results identical to inline's")
    best = min(candidates, key=lambda r: r.wall_s_median)
    figures = ", ".join(
        f"{r.mode} {r.wall_s_median:.3f} s" for r in sorted(modes.values(), key=_by_wall)
    )
    where = f"{inline.jobs} jobs of size {inline.size}: {figures}"
    if not current.results_identical:
        return GuardDecision(
            workload,
            configured,
            best.mode,
            f"{configured}'s results differ from inline's; {best.mode} is fastest ({where})",
        )
    slower_by = current.wall_s_median / best.wall_s_median - 1
    if best.mode != configured and slower_by > tolerance:
        return GuardDecision(
            workload,
            configured,
            best.mode,
            f"{configured} took {slower_by:.0%} longer than {best.mode}, over the "
            f"tolerance of {tolerance:.0%} ({where})",
        )
    return keep(f"{configured} is within {tolerance:.0%} of the fastest ({where})")


def _by_wall(result: ModeResult) -> float:
    return result.wall_s_median
