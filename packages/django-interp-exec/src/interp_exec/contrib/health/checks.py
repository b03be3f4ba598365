"""Health checks of the CPU-job machinery, for django-health-check's views.

Each asks the real thing: django-q2's own cluster statistics, a tiny job through
the interpreter pool, the sweep's schedule row. Messages name what is wrong and
what to look at, never a secret.
"""

import dataclasses
import datetime

from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from interp_exec.core import conf
from interp_exec.core.domain import ExecutorMode
from interp_exec.core.wiring import runtime
from interp_exec.task_queue.sweep import SWEEP_TASK

# django-q2's Stat.status values of a cluster that takes tasks.
_TAKING_TASKS = frozenset({"Idle", "Working", "Starting"})


@dataclasses.dataclass
class LiveCluster(HealthCheck):
    """At least one qcluster reported in the last seconds (its Stat expires after 3 s)."""

    def run(self) -> None:
        from django_q.status import Stat

        live = [stat for stat in Stat.get_all() if str(stat.status) in _TAKING_TASKS]
        if not live:
            raise ServiceUnavailable(
                "no qcluster is running: queued jobs wait until one starts "
                "(manage.py qcluster, or make run)"
            )


@dataclasses.dataclass
class InterpreterPool(HealthCheck):
    """The interpreter pool of this process starts and every subinterpreter in it answers.

    It asks the pool itself, not the port: a visit runs no workload, so it adds
    nothing to the dispatch log, the metrics or auto mode's figures.
    """

    timeout = datetime.timedelta(seconds=30)  # a cold pool imports every workload first

    def run(self) -> None:
        _, adapters = runtime()
        pool = adapters.adapter(ExecutorMode.INTERPRETERS, conf.default_max_workers())
        try:
            pool.warm()
        except Exception as exc:
            raise ServiceUnavailable(
                f"the interpreter pool cannot run a job: {type(exc).__name__}: {exc}"
            ) from exc


@dataclasses.dataclass
class SweepOnSchedule(HealthCheck):
    """The lease sweep's django-q2 schedule exists and its next run is no more than
    ``grace`` in the past: a running cluster runs due schedules about every 30 s and
    moves ``next_run`` on by the period, so an older one means nothing runs it."""

    grace: datetime.timedelta = datetime.timedelta(seconds=90)

    def run(self) -> None:
        from django_q.models import Schedule

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
