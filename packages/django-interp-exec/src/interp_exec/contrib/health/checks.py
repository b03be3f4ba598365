"""Health checks of the CPU-job machinery, for django-health-check's views.

Each asks the real thing and changes nothing: django-q2's own cluster statistics,
a ping of a subinterpreter pool (no workload runs, so a visit adds nothing to the
dispatch log, the metrics or auto mode's figures), the sweep's schedule row.
Messages name what is wrong and what to look at, never a secret; a check that
cannot reach the database, the cache or the broker says which
(``interp_exec.ops.outages``).
"""

import contextlib
import dataclasses
import datetime
import threading
import time
from collections.abc import Iterator

from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from interp_exec.core.adapters.interpreters import InterpreterPoolAdapter
from interp_exec.core.wiring import runtime
from interp_exec.ops.outages import failing_part, unavailable_sentence
from interp_exec.task_queue.sweep import SWEEP_TASK

# django-q2's Stat.status values of a cluster that takes tasks.
_TAKING_TASKS = frozenset({"Idle", "Working", "Starting"})
# Between two reads of the clusters' statistics while none is found.
_REREAD_S = 0.1


@contextlib.contextmanager
def _outage_named(reading: str) -> Iterator[None]:
    """A backing service's outage while ``reading`` fails the check naming the service
    (django-health-check would report any other exception as "unknown error")."""
    try:
        yield
    except Exception as exc:
        part = failing_part(exc)
        if part is None:
            raise
        raise ServiceUnavailable(f"cannot read {reading}: {unavailable_sentence(part)}") from exc


@dataclasses.dataclass
class LiveCluster(HealthCheck):
    """At least one qcluster reported in the last seconds.

    A cluster rewrites its statistics every guard cycle (django-q2's ``guard_cycle``,
    0.5 s) with a 3 s expiry, in the broker's Redis or, with the ORM broker, the
    cache. A Redis that restarts empty has none until the cluster's next cycle, so
    one read right after it returns would say no cluster runs while one does; an
    empty read is trusted only after two cycles of them.
    """

    def run(self) -> None:
        from django_q.conf import Conf
        from django_q.status import Stat

        deadline = time.monotonic() + 2 * Conf.GUARD_CYCLE
        with _outage_named("the clusters' statistics"):
            while not any(str(stat.status) in _TAKING_TASKS for stat in Stat.get_all()):
                if time.monotonic() >= deadline:
                    raise ServiceUnavailable(
                        "no qcluster is running: queued jobs wait until one starts "
                        "(manage.py qcluster, or make run)"
                    )
                time.sleep(_REREAD_S)


class _CheckedPool(InterpreterPoolAdapter):
    """The health check's own pool of one subinterpreter. It runs no job, so its
    load is not reported: counted, it would add an idle worker of the web process
    to the pool gauges and to every saturation alert built on them."""

    reports_load = False


_pool: _CheckedPool | None = None
_pool_lock = threading.Lock()


def _checked_pool() -> _CheckedPool:
    """Made on first use and kept: its subinterpreter imports every workload once."""
    global _pool
    with _pool_lock:
        if _pool is None:
            probe, _ = runtime()
            _pool = _CheckedPool(1, preload_modules=probe.safe_modules)
        return _pool


@dataclasses.dataclass
class InterpreterPool(HealthCheck):
    """A subinterpreter starts in this process, imports every interpreter-safe workload
    (as a worker's pool does) and answers a ping.

    The check has a pool of its own and pings it rather than running a job through
    the port: a visit adds nothing to the dispatch log, the metrics or auto mode's
    figures.
    """

    timeout = datetime.timedelta(seconds=30)  # the first visit imports every workload

    def run(self) -> None:
        try:
            _checked_pool().ping_workers()
        except Exception as exc:
            raise ServiceUnavailable(
                f"a subinterpreter cannot start or answer: {type(exc).__name__}: {exc}"
            ) from exc


@dataclasses.dataclass
class SweepOnSchedule(HealthCheck):
    """The lease sweep's django-q2 schedule exists and its next run is no more than
    ``grace`` in the past: a running cluster runs due schedules about every 30 s and
    moves ``next_run`` on by the period, so an older one means nothing runs it."""

    grace: datetime.timedelta = datetime.timedelta(seconds=90)

    def run(self) -> None:
        from django_q.models import Schedule

        with _outage_named("the lease sweep's schedule"):
            schedule = Schedule.objects.filter(func=SWEEP_TASK).order_by("next_run").first()
        if schedule is None:
            raise ServiceUnavailable(
                f"no schedule runs {SWEEP_TASK}: run manage.py migrate, which creates it"
            )
        if schedule.next_run is None:
            raise ServiceUnavailable("the lease sweep's schedule has no next run")
        overdue = timezone.now() - schedule.next_run
        if overdue > self.grace:
            raise ServiceUnavailable(
                f"the lease sweep is {int(overdue.total_seconds())} s overdue: no qcluster "
                "runs schedules, or its scheduler is stuck"
            )
