"""This process's pool load, abandoned interpreters and memory, as Prometheus gauges.

The core reports pool load and abandoned interpreters to the observers in
``interp_exec.core.adapters.pool_observers``; this app's ``ready()`` registers
``GAUGE_OBSERVER`` there.

A process's memory cannot be read at scrape time from the web process (the
workers may be on other hosts), so each q2 worker records its own after a task
or a drained batch: its last reading, which is at most ``MEMORY_REFRESH_S`` old
(``process_load.read_memory``; reading PSS costs milliseconds).

``definitions`` is imported on first use, not with this module: the app
registers the observer as Django starts, and a metric made then would open its
file before a test run has pointed ``PROMETHEUS_MULTIPROC_DIR`` elsewhere.
"""

import os

from prometheus_client import Gauge

from interp_exec.task_queue.sweep import SweepReport
from interp_exec.telemetry.process_load import POOL_LOAD, read_memory


class _GaugeObserver:
    """A ``PoolObserver`` that sets this process's gauges from ``POOL_LOAD``, which the
    app registers before it (observers are told in the order registered)."""

    def __init__(self) -> None:
        # Each mode's two gauges, looked up once: they are set at every job's start and end.
        self._gauges: dict[str, tuple[Gauge, Gauge]] = {}
        # What each mode's gauges were last set to, and by which process: a write to the
        # metric file costs more than the rest of a report, and a report that changes
        # neither figure (the pool's size, or busy workers that started and ended
        # within the same round) needs none. A forked child has its own file.
        self._written: dict[str, tuple[int, int, int]] = {}

    def pool_load(self, pool_id: int, mode: str, size: int, busy: int) -> None:
        workers, busy_workers = POOL_LOAD.mode_load(mode)
        figures = (os.getpid(), workers, busy_workers)
        if self._written.get(mode) == figures:
            return
        gauges = self._gauges.get(mode)
        if gauges is None:
            from interp_exec.contrib.metrics import definitions as metrics

            gauges = self._gauges[mode] = (
                metrics.POOL_WORKERS.labels(mode),
                metrics.POOL_BUSY_WORKERS.labels(mode),
            )
        gauges[0].set(workers)
        gauges[1].set(busy_workers)
        self._written[mode] = figures

    def abandoned_interpreters(self, running: int) -> None:
        from interp_exec.contrib.metrics import definitions as metrics

        metrics.ABANDONED_INTERPRETERS.set(running)


GAUGE_OBSERVER = _GaugeObserver()

# When the reading last set to the gauges was read: the same reading is not written twice.
_recorded_reading_at: float | None = None


def record_worker_memory(**signal_kwargs: object) -> None:
    """Set this process's RSS and PSS gauges from its last memory reading, if they do
    not hold it yet.

    Takes a signal's keyword arguments so django-q2's ``post_execute`` and the
    queue's ``batch_stored`` can call it.
    """
    global _recorded_reading_at
    memory = read_memory()
    if memory is None or memory.read_at == _recorded_reading_at:
        return
    _recorded_reading_at = memory.read_at
    from interp_exec.contrib.metrics import definitions as metrics

    metrics.WORKER_MEMORY.labels("rss").set(memory.rss)
    if memory.pss is not None:
        metrics.WORKER_MEMORY.labels("pss").set(memory.pss)


def record_sweep(report: SweepReport, **signal_kwargs: object) -> None:
    """Count one pass of the lease sweep and what it did (the queue's ``sweep_finished``)."""
    from interp_exec.contrib.metrics import definitions as metrics

    metrics.SWEEP_RUNS.inc()
    metrics.SWEEP_ACTIONS.labels("requeued").inc(len(report.requeued))
    metrics.SWEEP_ACTIONS.labels("resent").inc(len(report.resent))
    metrics.SWEEP_ACTIONS.labels("gave_up").inc(len(report.failed))
    metrics.SWEEP_ACTIONS.labels("due").inc(len(report.due))
