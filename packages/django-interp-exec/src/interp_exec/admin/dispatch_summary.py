"""Per workload and mode: how many dispatches, how many failed, p50 and p95 run time.

Counts come from the database (one portable GROUP BY); percentiles are computed
here from the run times of the most recent successful dispatches, at most
``SAMPLE_LIMIT`` of them, so the admin page stays fast on a large log.
"""

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from interp_exec.models import DispatchLog

SAMPLE_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class ModeSummary:
    workload: str
    mode_used: str
    count: int
    failures: int
    p50_run_ms: float | None
    p95_run_ms: float | None


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile: a value that occurred, never an interpolation."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(pct / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def summarize(logs: QuerySet[DispatchLog], sample_limit: int = SAMPLE_LIMIT) -> list[ModeSummary]:
    """One row per (workload, mode used) among ``logs``; failures are dispatches not ok."""
    groups = (
        logs.order_by()
        .values_list("workload", "mode_used")
        .annotate(count=Count("id"), failures=Count("id", filter=~Q(status="ok")))
        .order_by("workload", "mode_used")
    )
    run_times: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
    recent_ok = logs.filter(status="ok").order_by("-created_at")[:sample_limit]
    for workload, mode, run_ms in recent_ok.values_list("workload", "mode_used", "run_ms"):
        run_times[workload, mode].append(run_ms)
    return [
        ModeSummary(
            workload=workload,
            mode_used=mode,
            count=count,
            failures=failures,
            p50_run_ms=percentile(run_times[workload, mode], 50),
            p95_run_ms=percentile(run_times[workload, mode], 95),
        )
        for workload, mode, count, failures in groups
    ]
