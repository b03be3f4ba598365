"""Health checks of the CPU-job machinery, for django-health-check's views.

Each asks the real thing: django-q2's own cluster statistics, a tiny job through
the interpreter pool, the sweep's schedule row. Messages name what is wrong and
what to look at, never a secret.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from redis.asyncio import Redis as RedisClient
from redis.asyncio import RedisCluster

from interp_exec import CpuJob, ExecutorMode, get_cpu_port
from interp_exec.core.wiring import policy_for
from interp_exec.core.workloads import get_workload
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


def _broker_client() -> RedisClient:
    # A dead broker must fail the check in seconds, not hang the page.
    url: str = settings.Q_CLUSTER["redis"]
    return RedisClient.from_url(url, socket_connect_timeout=2, socket_timeout=2)


@dataclasses.dataclass
class RedisBroker(Redis):
    """django-q2's Redis broker (``Q_BROKER=redis``) answers a ping: without it no job
    reaches a worker. Checked only in that configuration (``health_views``)."""

    client_factory: Callable[[], RedisClient | RedisCluster] | None = dataclasses.field(
        repr=False, default=_broker_client
    )

    def __repr__(self) -> str:
        # Host, port and database only (never the URL's password), under this check's name.
        shown: str = super().__repr__()
        return "RedisBroker" + shown.removeprefix("Redis")


@dataclasses.dataclass
class InterpreterPool(HealthCheck):
    """The interpreter pool of this process starts and runs a tiny job of ``workload``."""

    workload: str = "text.dedupe"
    timeout = datetime.timedelta(seconds=30)  # a cold pool imports every workload first

    def run(self) -> None:
        probe = CpuJob(self.workload, None)
        size = policy_for(probe, ExecutorMode.INTERPRETERS).min_task_size
        payload = get_workload(self.workload).sample(size, 0)
        outcome = get_cpu_port(ExecutorMode.INTERPRETERS).run(
            CpuJob(self.workload, payload, size=size)
        )
        if outcome.mode_used != ExecutorMode.INTERPRETERS.value:
            raise ServiceUnavailable(
                f"a {self.workload} job ran in {outcome.mode_used or 'no mode'}, not in the "
                f"interpreter pool: {outcome.fallback_reason or outcome.error_type}"
            )
        if not outcome.ok:
            raise ServiceUnavailable(
                f"a {self.workload} job in the interpreter pool ended {outcome.status.value}: "
                f"{outcome.error_type}"
            )


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
