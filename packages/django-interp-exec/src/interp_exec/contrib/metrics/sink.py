"""The event sink that turns the dispatcher's events into Prometheus figures.

It sits on every job's path (see ``interp_exec.core.tracing``), so it does the
least it can: one dict lookup for the labelled series of a job's (workload,
mode, status) and a few writes to this process's metric files. It ignores
``cpu.dispatch``: the final event of the same job counts it.
"""

from collections.abc import Mapping
from typing import Any

from interp_exec.contrib.metrics import definitions as metrics
from interp_exec.core import tracing
from interp_exec.core.domain import JobStatus
from interp_exec.core.domain.errors import UnknownWorkload

_FINAL_EVENTS = frozenset({tracing.COMPLETE, tracing.FAILED})
_UNKNOWN_WORKLOAD = UnknownWorkload.__name__
_OK = JobStatus.OK.value


class _Series:
    """The labelled children of one (workload, mode, status), looked up once per process."""

    __slots__ = ("dispatches", "run", "total", "wait")

    def __init__(self, workload: str, mode: str, status: str) -> None:
        self.dispatches = metrics.DISPATCHES.labels(workload, mode, status)
        self.run = metrics.RUN_SECONDS.labels(workload, mode)
        self.wait = metrics.WAIT_SECONDS.labels(workload, mode)
        self.total = metrics.TOTAL_SECONDS.labels(workload, mode)


_series: dict[tuple[str, str, str], _Series] = {}


def record_metrics_event(event: str, fields: Mapping[str, Any]) -> None:
    """A ``tracing.EventSink``: count finished, refused and rerouted jobs; time finished ones."""
    if event in _FINAL_EVENTS:
        _record_finished(fields)
    elif event == tracing.FALLBACK:
        metrics.FALLBACKS.labels(
            fields["workload"],
            fields["mode_requested"],
            fields["mode_used"],
            fields["fallback_kind"],
        ).inc()
    elif event == tracing.REFUSED:
        error_type = fields["error_type"]
        # A refused name is whatever the caller asked for: keep it out of the labels.
        workload = (
            metrics.UNREGISTERED_WORKLOAD if error_type == _UNKNOWN_WORKLOAD else fields["workload"]
        )
        metrics.DISPATCHES.labels(workload, "", fields["status"]).inc()
        metrics.REFUSALS.labels(workload, error_type).inc()


def _record_finished(fields: Mapping[str, Any]) -> None:
    key = (fields["workload"], fields["mode_used"], fields["status"])
    series = _series.get(key)
    if series is None:
        series = _series[key] = _Series(*key)
    series.dispatches.inc()
    series.total.observe(fields["total_ms"] / 1000)
    # Only a job that returned has a run time (see JobOutcome); the rest have a total.
    if key[2] == _OK:
        series.run.observe(fields["run_ms"] / 1000)
        series.wait.observe(fields["wait_ms"] / 1000)
