"""What auto mode would choose now for a workload, per size band, as a chart and sentences.

Shown on a workload flag's change page whatever its mode, so an admin can see
what switching to auto would do before doing it. The figures are this web
process's (``auto_figures``): the same reading a worker makes, at most
``AUTO_REFRESH_S`` old.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from interp_exec.admin.charts import Bar, bar_chart
from interp_exec.core.domain import BandPlan, CpuJob
from interp_exec.core.domain.size_bands import BAND_COUNT, SizeBand
from interp_exec.routing.auto_figures import band_plans
from interp_exec.routing.auto_policy import eligible_modes
from interp_exec.routing.flag_policy import policy_from_flags


@dataclass(frozen=True, slots=True)
class AutoBands:
    chart: SafeString
    plans: list[BandPlan]


def auto_bands(workload: str) -> AutoBands:
    # The limits a large job of the workload gets now: its pool size and eligibility.
    policy = policy_from_flags(CpuJob(workload, None, size=SizeBand(BAND_COUNT - 2).low), None)
    eligible = eligible_modes(
        workload, isolated=policy.isolated, processes_enabled=policy.processes_enabled
    )
    plans = band_plans(workload, eligible, policy.max_workers)
    bars = [
        Bar(
            f"size {plan.band.label}: auto picks {plan.best.mode.value}",
            f.mode.value,
            1000 / f.ms_per_job,
        )
        for plan in plans
        for f in plan.figures
    ]
    chart = bar_chart(
        bars,
        chart_id=f"auto-{workload}",
        title="Auto mode now, per size band (jobs/s per worker process, higher is better)",
        suffix=" jobs/s",
        decimals=1,
    )
    # bar_chart escapes every label it writes; the rest is markup it made itself.
    return AutoBands(mark_safe(chart), plans)  # noqa: S308
