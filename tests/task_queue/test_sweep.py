"""The lease sweep: a job whose task or worker was lost is queued again, or ends failed."""

import subprocess
from collections.abc import MutableMapping
from datetime import timedelta
from typing import Any

import pytest
import structlog
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.models import OrmQ, Schedule

from interp_exec.models import CpuJobRecord, DispatchLog
from interp_exec.task_queue import sweep
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.job_claims import claim, this_host, worker_name
from interp_exec.task_queue.leases import lease_duration, queued_grace
from interp_exec.task_queue.sweep import (
    SWEEP_TASK,
    ensure_sweep_schedule,
    recover_jobs_of_dead_workers,
    sweep_expired_jobs,
)
from interp_exec.web.job_status import job_status
from tests.factories import job_record


@pytest.fixture
def grace_30s(settings: Any) -> timedelta:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "QUEUED_GRACE_S": 30.0}
    return timedelta(seconds=30)


def ago(seconds: float) -> Any:
    return timezone.now() - timedelta(seconds=seconds)


def events(logs: list[MutableMapping[str, Any]], name: str) -> list[MutableMapping[str, Any]]:
    return [entry for entry in logs if entry["event"] == name]


def test_a_job_whose_lease_expired_is_queued_again_with_a_new_task() -> None:
    record = job_record(
        status="running", attempts=1, lease_expires_at=ago(1), claimed_by="host-a:41"
    )

    with structlog.testing.capture_logs() as logs:
        report = sweep_expired_jobs()

    record.refresh_from_db()
    assert report.requeued == [str(record.pk)]
    assert (record.status, record.attempts, record.lease_expires_at) == ("queued", 1, None)
    assert record.queued_at > ago(5)
    assert record.task_id
    assert OrmQ.objects.count() == 1
    [requeued] = events(logs, "cpu.job_requeued")
    assert (requeued["job_id"], requeued["worker"], requeued["task_id"]) == (
        str(record.pk),
        "host-a:41",
        record.task_id,
    )
    assert "queued again for another worker" in job_status(record)["display"]["note"]

    assert run_cpu_job(record.pk) == "ok"
    record.refresh_from_db()
    assert (record.status, record.attempts) == ("ok", 2)


def test_a_job_whose_worker_died_at_every_attempt_ends_failed_and_says_why(settings: Any) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "JOB_MAX_ATTEMPTS": 3}
    record = job_record(
        status="running", attempts=3, lease_expires_at=ago(1), claimed_by="host-b:7"
    )

    with structlog.testing.capture_logs() as logs:
        report = sweep_expired_jobs()

    record.refresh_from_db()
    assert report.failed == [str(record.pk)]
    assert (record.status, record.error_type, record.lease_expires_at) == (
        "failed",
        "WorkerLost",
        None,
    )
    assert record.error_message.startswith(
        "the worker running this job died 3 times (last on host-b:7)"
    )
    assert record.finished_at is not None
    assert not OrmQ.objects.exists()
    assert events(logs, "cpu.job_worker_lost")[0]["max_attempts"] == 3
    assert run_cpu_job(record.pk) == "not run: the job is failed"


def test_a_job_that_used_up_its_attempts_cannot_be_claimed_even_by_a_late_delivery() -> None:
    record = job_record(status="running", attempts=3, lease_expires_at=ago(1))

    assert claim(record.pk) is None
    record.refresh_from_db()
    assert (record.status, record.attempts) == ("running", 3)


def test_live_leases_recent_queues_and_finished_jobs_are_left_alone(
    grace_30s: timedelta,
) -> None:
    live = job_record(status="running", attempts=1, lease_expires_at=timezone.now() + grace_30s)
    recent = job_record(queued_at=ago(10))
    finished = job_record(status="ok", attempts=1, queued_at=ago(3600))

    report = sweep_expired_jobs()

    assert report.counts() == {"requeued": 0, "resent": 0, "failed": 0, "due": 0}
    for record, status in ((live, "running"), (recent, "queued"), (finished, "ok")):
        record.refresh_from_db()
        assert record.status == status
    assert not OrmQ.objects.exists()


def test_a_queued_job_unclaimed_past_the_grace_gets_its_task_sent_again_once(
    grace_30s: timedelta,
) -> None:
    record = job_record(queued_at=ago(31), task_id="lost-task")

    with structlog.testing.capture_logs() as logs:
        first = sweep_expired_jobs()
    second = sweep_expired_jobs()

    record.refresh_from_db()
    assert (first.resent, second.resent) == ([str(record.pk)], [])
    assert record.status == "queued"
    assert record.task_id not in {"", "lost-task"}
    assert record.queued_at > ago(5)
    assert OrmQ.objects.count() == 1
    assert events(logs, "cpu.job_resent")[0]["waited_s"] >= 31


def test_a_task_sent_again_that_arrives_twice_runs_the_job_once(grace_30s: timedelta) -> None:
    record = job_record(queued_at=ago(60))
    sweep_expired_jobs()

    # The lost task turns up after all, beside the one the sweep sent.
    results = [run_cpu_job(record.pk), run_cpu_job(record.pk)]

    record.refresh_from_db()
    assert results == ["ok", "not run: the job is ok"]
    assert record.attempts == 1
    assert DispatchLog.objects.get().dispatch_id == record.dispatch_id


def test_a_failed_resend_leaves_the_job_queued_for_the_next_run(
    grace_30s: timedelta, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down(record_id: Any) -> str:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(sweep, "send_job_task", broker_down)
    record = job_record(status="running", attempts=1, lease_expires_at=ago(1))

    with structlog.testing.capture_logs() as logs:
        report = sweep_expired_jobs()

    record.refresh_from_db()
    assert report.requeued == [str(record.pk)]
    assert (record.status, record.task_id) == ("queued", "")
    assert events(logs, "cpu.job_resend_failed")[0]["job_id"] == str(record.pk)


def test_the_grace_defaults_to_the_task_queues_retry(settings: Any) -> None:
    settings.INTERP_EXEC = {
        key: value for key, value in settings.INTERP_EXEC.items() if key != "QUEUED_GRACE_S"
    }

    assert queued_grace() == timedelta(seconds=settings.Q_CLUSTER["retry"])


def test_the_lease_is_the_task_queue_timeout_plus_the_margin(settings: Any) -> None:
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 10}
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "LEASE_MARGIN_S": 2.0}

    assert lease_duration() == timedelta(seconds=12)


def test_migrate_schedules_the_sweep_every_minute_and_keeps_an_admins_change() -> None:
    schedule = Schedule.objects.get(func=SWEEP_TASK)

    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
    assert isinstance(import_string(schedule.func)(), sweep.SweepReport)

    Schedule.objects.filter(pk=schedule.pk).update(minutes=5)
    assert ensure_sweep_schedule() is False
    assert list(Schedule.objects.filter(func=SWEEP_TASK).values_list("minutes", flat=True)) == [5]


@pytest.fixture
def dead_worker() -> str:
    """The name a worker of this host had, whose process has exited."""
    process = subprocess.Popen(["true"])
    process.wait()
    return f"{this_host()}{process.pid}"


def test_a_job_of_a_dead_worker_of_this_host_is_queued_again_at_once_with_the_cause(
    dead_worker: str,
) -> None:
    live_lease = timezone.now() + timedelta(minutes=10)
    lost = job_record(
        status="running", attempts=1, lease_expires_at=live_lease, claimed_by=dead_worker
    )
    alive = job_record(
        status="running", attempts=1, lease_expires_at=live_lease, claimed_by=worker_name()
    )
    elsewhere = job_record(
        status="running", attempts=1, lease_expires_at=live_lease, claimed_by="host-b:1"
    )

    report = recover_jobs_of_dead_workers()

    lost.refresh_from_db()
    assert report.requeued == [str(lost.pk)]
    assert (lost.status, lost.lease_expires_at, lost.error_type) == ("queued", None, "WorkerLost")
    assert f"run 1 of 3 did not finish: its worker process is gone (worker {dead_worker})" in (
        lost.error_message
    )
    statuses = dict(CpuJobRecord.objects.values_list("pk", "status"))
    assert (statuses[alive.pk], statuses[elsewhere.pk]) == ("running", "running")

    assert run_cpu_job(lost.pk) == "ok"
    lost.refresh_from_db()
    assert (lost.status, lost.attempts, lost.error_message) == ("ok", 2, "")


def test_a_dead_worker_s_job_on_its_last_run_ends_failed(dead_worker: str) -> None:
    lost = job_record(
        status="running", attempts=3, lease_expires_at=ago(-600), claimed_by=dead_worker
    )

    report = sweep_expired_jobs()

    lost.refresh_from_db()
    assert report.failed == [str(lost.pk)]
    assert (lost.status, lost.error_type) == ("failed", "WorkerLost")
    assert "died 3 times" in lost.error_message
