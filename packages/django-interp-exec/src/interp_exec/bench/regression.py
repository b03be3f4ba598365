"""The regression rule: interpreters must not lose to inline on coarse jobs.

On jobs of at least ``COARSE_JOB_S`` each, a pool of subinterpreters that is
slower than running inline by more than the tolerance has stopped paying for
itself. Finer jobs are not judged: there the pool's overhead is expected to win,
and the rule would only measure that. A mode whose values differ from inline's
fails the verdict too, whatever its speed: a fast wrong answer is no speedup.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from interp_exec.bench.harness import COARSE_JOB_S, ModeResult
from interp_exec.core.domain import ExecutorMode

# How much slower than inline interpreters may be on coarse jobs (0.15: 15%).
DEFAULT_TOLERANCE = 0.15


@dataclass(frozen=True, slots=True)
class Regression:
    workload: str
    inline_wall_s: float
    interpreters_wall_s: float

    @property
    def slower_by(self) -> float:
        """How much longer interpreters took, as a fraction of inline's time."""
        return self.interpreters_wall_s / self.inline_wall_s - 1


@dataclass(frozen=True, slots=True)
class RegressionVerdict:
    regressions: list[Regression]
    mismatched: list[str]
    judged: list[str]
    not_judged: list[str]

    @property
    def failed(self) -> bool:
        return bool(self.regressions or self.mismatched)

    def message(self, tolerance: float) -> str:
        """Every reason the verdict failed, in one sentence each."""
        parts = []
        if self.regressions:
            parts.append(self.slower_message(tolerance))
        if self.mismatched:
            parts.append("results differ from inline's in: " + ", ".join(self.mismatched))
        return ". ".join(parts)

    def slower_message(self, tolerance: float) -> str:
        slower = "; ".join(
            f"{r.workload} {r.interpreters_wall_s:.3f} s vs {r.inline_wall_s:.3f} s "
            f"inline ({r.slower_by:+.0%})"
            for r in self.regressions
        )
        return (
            f"interpreters were slower than inline by more than {tolerance:.0%} on coarse "
            f"jobs: {slower}"
        )


def find_regressions(results: Iterable[ModeResult], tolerance: float) -> RegressionVerdict:
    """Judge every workload that has both an inline and an interpreters row."""
    by_workload: dict[str, dict[str, ModeResult]] = {}
    mismatched: list[str] = []
    for result in results:
        by_workload.setdefault(result.workload, {})[result.mode] = result
        if not result.results_identical:
            mismatched.append(f"{result.workload} ({result.mode})")
    regressions: list[Regression] = []
    judged: list[str] = []
    not_judged: list[str] = []
    for workload, modes in by_workload.items():
        inline = modes.get(ExecutorMode.INLINE.value)
        interpreters = modes.get(ExecutorMode.INTERPRETERS.value)
        if inline is None or interpreters is None:
            continue
        if inline.wall_s_median / inline.jobs < COARSE_JOB_S:
            not_judged.append(workload)
            continue
        judged.append(workload)
        if interpreters.wall_s_median > inline.wall_s_median * (1 + tolerance):
            regressions.append(
                Regression(workload, inline.wall_s_median, interpreters.wall_s_median)
            )
    return RegressionVerdict(regressions, mismatched, judged, not_judged)
