"""A delivery whose job goes to a pool fills the pool's free workers with queued jobs.

A django-q2 worker runs one task at a time; without this, an interpreter pool in
a worker would never hold more than one job.
"""

import pytest

from interp_exec.models import CpuJobRecord, DispatchLog
from interp_exec.tasks import run_cpu_job
from tests.flag_helpers import set_flag


@pytest.fixture
def interpreters_for_echo() -> None:
    set_flag("cpu.default", max_workers=2)
    set_flag("cpu.tests.echo", everyone=True, mode="interpreters", min_task_size=0)


def queued(count: int) -> list[CpuJobRecord]:
    return [
        CpuJobRecord.objects.create(workload="tests.echo", size=1, seed=seed)
        for seed in range(count)
    ]


@pytest.mark.usefixtures("interpreters_for_echo")
def test_a_delivery_runs_the_oldest_queued_jobs_beside_its_own() -> None:
    first, second, third = queued(3)

    assert run_cpu_job(str(third.pk)) == "ok"

    statuses = {r.pk: r for r in CpuJobRecord.objects.all()}
    assert statuses[third.pk].status == "ok"
    assert statuses[first.pk].status == "ok"  # the oldest took the pool's free worker
    assert statuses[second.pk].status == "queued"
    assert statuses[first.pk].value == {"size": 1, "seed": 0}
    assert {statuses[p].mode_used for p in (first.pk, third.pk)} == {"interpreters"}
    assert DispatchLog.objects.count() == 2


@pytest.mark.usefixtures("interpreters_for_echo")
def test_the_companion_s_own_delivery_then_does_nothing() -> None:
    first, second = queued(2)
    run_cpu_job(str(second.pk))

    assert run_cpu_job(str(first.pk)) == "not run: the job is ok"

    first.refresh_from_db()
    assert first.attempts == 1
    assert DispatchLog.objects.count() == 2


def test_an_inline_job_takes_no_companions() -> None:
    first, second = queued(2)

    assert run_cpu_job(str(second.pk)) == "ok"

    first.refresh_from_db()
    assert first.status == "queued"
    assert DispatchLog.objects.count() == 1
