"""Two benchmark runs side by side: per workload and mode, each figure and its change.

Works on anything with a result's attributes (stored ``BenchmarkResult`` rows or
fresh ``ModeResult`` figures). A change is "better" or "worse" by the figure's
own direction: more jobs per second is better, more overhead is worse.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from interp_exec.core.domain.modes import MODE_ORDER


class Figures(Protocol):
    @property
    def workload(self) -> str: ...
    @property
    def mode(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Metric:
    field: str
    label: str
    higher_is_better: bool
    decimals: int


METRICS = (
    Metric("jobs_per_s", "throughput (jobs/s)", True, 2),
    Metric("speedup_vs_inline", "speedup vs inline (x)", True, 2),
    Metric("wall_s_median", "wall time, median (s)", False, 3),
    Metric("overhead_us_per_job", "overhead per job (us)", False, 0),
    Metric("pool_start_ms", "pool start, cold (ms)", False, 1),
    Metric("first_job_ms", "first job on a warm pool (ms)", False, 2),
    Metric("rss_delta_mb", "memory over baseline (MB)", False, 1),
)


@dataclass(frozen=True, slots=True)
class MetricChange:
    metric: Metric
    before: float | None
    after: float | None

    @property
    def change_pct(self) -> float | None:
        """Change from ``before`` to ``after`` in percent; None where it has no meaning.

        A ``before`` that shows as zero at the figure's precision (the memory an
        inline run adds, say) would turn noise into a change of thousands of percent.
        """
        if self.before is None or self.after is None:
            return None
        if round(self.before, self.metric.decimals) == 0:
            return None
        return (self.after - self.before) / abs(self.before) * 100

    @property
    def verdict(self) -> str:
        """ "better", "worse" or "" (no change to speak of, or nothing to compare)."""
        change = self.change_pct
        if change is None or round(change) == 0:
            return ""
        return "better" if (change > 0) == self.metric.higher_is_better else "worse"


@dataclass(frozen=True, slots=True)
class PairComparison:
    workload: str
    mode: str
    changes: list[MetricChange]


def compare_runs(before: Iterable[Figures], after: Iterable[Figures]) -> list[PairComparison]:
    """Every workload/mode pair found in either run, workloads sorted, modes in order."""
    first = {(r.workload, r.mode): r for r in before}
    second = {(r.workload, r.mode): r for r in after}
    pairs = sorted(first.keys() | second.keys(), key=_pair_order)
    return [
        PairComparison(
            workload,
            mode,
            [
                MetricChange(
                    metric,
                    _figure(first.get((workload, mode)), metric),
                    _figure(second.get((workload, mode)), metric),
                )
                for metric in METRICS
            ],
        )
        for workload, mode in pairs
    ]


def _figure(result: Figures | None, metric: Metric) -> float | None:
    value = getattr(result, metric.field, None)
    return None if value is None else float(value)


def _pair_order(pair: tuple[str, str]) -> tuple[str, int, str]:
    workload, mode = pair
    rank = MODE_ORDER.index(mode) if mode in MODE_ORDER else len(MODE_ORDER)
    return workload, rank, mode
