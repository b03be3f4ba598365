"""The django-q2 task: a job runs to completion once, whatever the broker redelivers."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.exceptions import TimeoutException

from interp_exec.core.domain import JobStatus
from interp_exec.models import CpuJobRecord, DispatchLog, JobRecordStatus
from interp_exec.task_queue import drain, sweep
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.job_claims import claim, finish_many
from interp_exec.task_queue.leases import lease_duration, task_queue_timeout_s
from interp_exec.task_queue.queueing import RUN_CPU_JOB_TASK
from interp_exec.task_queue.sweep import SWEEP_TASK
from tests.concurrency import at_once
from tests.factories import job_record


def test_a_job_runs_and_its_outcome_is_stored() -> None:
    record = job_record()

    result = run_cpu_job(str(record.pk))

    record.refresh_from_db()
    log = DispatchLog.objects.get()
    assert result == "ok"
    assert (record.status, record.attempts, record.value) == ("ok", 1, {"size": 3, "seed": 7})
    assert record.dispatch_id == log.dispatch_id
    assert (record.mode_used, record.run_ms) == (log.mode_used, log.run_ms)
    assert record.lease_expires_at is None
    assert record.started_at is not None
    assert record.finished_at is not None


def test_a_redelivered_task_does_not_run_the_job_again() -> None:
    record = job_record()

    first = run_cpu_job(str(record.pk))
    second = run_cpu_job(str(record.pk))

    record.refresh_from_db()
    assert (first, second) == ("ok", "not run: the job is ok")
    assert DispatchLog.objects.count() == 1
    assert record.attempts == 1


def test_a_finished_record_is_never_overwritten() -> None:
    finished_at = timezone.now() - timedelta(hours=1)
    record = job_record(status="failed", error_type="Boom", finished_at=finished_at, attempts=1)

    assert run_cpu_job(record.pk) == "not run: the job is failed"

    record.refresh_from_db()
    assert (record.status, record.error_type, record.finished_at) == ("failed", "Boom", finished_at)
    assert record.attempts == 1
    assert not DispatchLog.objects.exists()


def test_a_running_job_under_a_live_lease_is_left_alone() -> None:
    lease = timezone.now() + timedelta(minutes=5)
    record = job_record(status="running", attempts=1, lease_expires_at=lease)

    assert run_cpu_job(record.pk) == "not run: the job is running"

    record.refresh_from_db()
    assert (record.status, record.attempts, record.lease_expires_at) == ("running", 1, lease)
    assert not DispatchLog.objects.exists()


def test_a_job_whose_worker_died_is_claimed_again_when_its_lease_expires() -> None:
    expired = timezone.now() - timedelta(seconds=1)
    record = job_record(status="running", attempts=1, lease_expires_at=expired)

    assert run_cpu_job(record.pk) == "ok"

    record.refresh_from_db()
    assert (record.status, record.attempts) == ("ok", 2)
    assert DispatchLog.objects.count() == 1


def test_an_attempt_that_lost_its_lease_cannot_store_its_outcome() -> None:
    record = job_record()
    stale = claim(record.pk)
    CpuJobRecord.objects.filter(pk=record.pk).update(lease_expires_at=timezone.now())
    current = claim(record.pk)

    assert stale is not None
    assert current is not None
    assert (stale.attempt, current.attempt) == (1, 2)
    assert finish_many([(stale, {"status": "failed", "error_type": "Late"})]) == set()
    assert finish_many([(current, {"status": "ok"})]) == {record.pk}
    assert finish_many([(current, {"status": "failed"})]) == set()  # done once
    record.refresh_from_db()
    assert (record.status, record.error_type) == ("ok", "")


def test_a_job_for_a_workload_that_no_longer_exists_ends_refused() -> None:
    record = job_record("retired.workload")

    assert run_cpu_job(record.pk) == "refused"

    record.refresh_from_db()
    assert (record.status, record.error_type) == ("refused", "UnknownWorkload")
    assert "retired.workload" in record.error_message
    assert DispatchLog.objects.get().status == "refused"


def test_a_failing_workload_ends_failed_with_its_error() -> None:
    record = job_record("tests.explode")

    assert run_cpu_job(record.pk) == "failed"

    record.refresh_from_db()
    assert (record.status, record.error_type) == ("failed", "PayloadRejectedError")
    assert "payload 7 rejected" in record.error_message
    assert "PayloadRejectedError" in record.error_traceback


def test_an_unexpected_error_in_the_task_ends_failed_not_stuck(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_port() -> None:
        raise RuntimeError("policy source is misconfigured")

    monkeypatch.setattr(drain, "get_cpu_port", broken_port)
    record = job_record()

    with pytest.raises(RuntimeError):
        run_cpu_job(record.pk)

    record.refresh_from_db()
    assert (record.status, record.error_type) == ("failed", "RuntimeError")
    assert record.error_message == "policy source is misconfigured"
    assert "broken_port" in record.error_traceback
    assert record.lease_expires_at is None


def test_a_task_stopped_by_the_task_queue_ends_timed_out(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_port() -> None:
        raise TimeoutException("Task exceeded maximum timeout value (600 seconds)")

    monkeypatch.setattr(drain, "get_cpu_port", slow_port)
    record = job_record()

    with pytest.raises(TimeoutException):
        run_cpu_job(record.pk)

    record.refresh_from_db()
    assert (record.status, record.error_type) == ("timed_out", "TimeoutException")


def test_a_missing_record_is_reported_not_raised() -> None:
    assert run_cpu_job("0b6d2c34-9f4e-4c55-8d0a-2f1e8f0c7a11") == "not run: the job is gone"


def test_the_lease_outlasts_the_task_queue_timeout_and_ends_before_its_retry(
    settings: Any,
) -> None:
    timeout = task_queue_timeout_s()

    assert timeout is not None
    assert timeout == settings.Q_CLUSTER["timeout"]
    assert timeout < lease_duration().total_seconds() < settings.Q_CLUSTER["retry"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_concurrent_deliveries_claim_a_job_once(round_: int) -> None:
    record = job_record()
    claims: list[int | None] = []

    def deliver() -> None:
        claimed = claim(record.pk)
        claims.append(claimed.attempt if claimed else None)

    at_once(4, deliver)

    assert sorted(claims, key=str) == [1, None, None, None]


def test_the_paths_that_queued_tasks_and_the_sweep_name_resolve() -> None:
    # Tasks in a broker and the sweep's schedule row carry these paths: they must resolve.
    assert import_string(RUN_CPU_JOB_TASK) is drain.run_cpu_job
    assert RUN_CPU_JOB_TASK == "interp_exec.q2_entry_points.run_cpu_job"
    assert import_string(SWEEP_TASK) is sweep.sweep_expired_jobs
    assert SWEEP_TASK == "interp_exec.q2_entry_points.sweep_expired_jobs"


def test_a_record_can_end_in_every_status_an_outcome_has_and_only_those() -> None:
    assert JobRecordStatus.finished() == {status.value for status in JobStatus}
    assert set(JobRecordStatus.values) == {"queued", "running"} | JobRecordStatus.finished()
