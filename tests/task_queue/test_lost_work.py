"""Jobs of workers that stopped beating are queued again long before their lease ends."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_q.models import OrmQ

from interp_exec.ops import worker_heartbeat
from interp_exec.ops.lost_work import recover_jobs_of_silent_workers, resend_tasks_to_idle_worker
from interp_exec.ops.worker_heartbeat import HEARTBEAT_S, MISSED_BEATS, beat
from interp_exec.task_queue.drain import run_cpu_job
from tests.factories import job_record

SILENT_S = HEARTBEAT_S * MISSED_BEATS
# A worker of another host, with a lease far from its end: only its silence tells.
OTHER_WORKER = "host-gone:4242"


def ago(seconds: float) -> Any:
    return timezone.now() - timedelta(seconds=seconds)


def running_job(started_s_ago: float, worker: str = OTHER_WORKER) -> Any:
    return job_record(
        status="running",
        attempts=1,
        claimed_by=worker,
        started_at=ago(started_s_ago),
        lease_expires_at=timezone.now() + timedelta(minutes=10),
    )


def test_a_job_whose_worker_went_silent_is_queued_again_and_runs() -> None:
    record = running_job(started_s_ago=SILENT_S + 1)
    beat()  # this worker's own entry: the cache can vouch for silence

    report = recover_jobs_of_silent_workers()

    record.refresh_from_db()
    assert report.requeued == [str(record.pk)]
    assert (record.status, record.lease_expires_at) == ("queued", None)
    assert "its worker stopped beating" in record.error_message
    assert OrmQ.objects.count() == 1  # its task was sent again
    assert run_cpu_job(record.pk) == "ok"


def test_a_job_whose_worker_still_beats_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    record = running_job(started_s_ago=SILENT_S + 1)
    beat()
    with monkeypatch.context() as elsewhere:  # the other worker's beat, as it writes it
        elsewhere.setattr(worker_heartbeat, "worker_name", lambda: OTHER_WORKER)
        beat()

    assert recover_jobs_of_silent_workers().requeued == []
    record.refresh_from_db()
    assert record.status == "running"


def test_no_verdict_while_the_cache_holds_no_entry_of_this_worker() -> None:
    """An emptied (or unreachable) cache hides every worker at once: no job moves."""
    record = running_job(started_s_ago=SILENT_S + 1)
    cache.clear()

    assert recover_jobs_of_silent_workers().requeued == []
    record.refresh_from_db()
    assert record.status == "running"


def test_a_job_claimed_within_an_entrys_life_is_left_alone() -> None:
    record = running_job(started_s_ago=SILENT_S / 2)
    beat()

    assert recover_jobs_of_silent_workers().requeued == []
    record.refresh_from_db()
    assert record.status == "running"


def test_two_workers_looking_at_once_move_the_job_once() -> None:
    record = running_job(started_s_ago=SILENT_S + 1)
    beat()

    first, second = recover_jobs_of_silent_workers(), recover_jobs_of_silent_workers()

    assert (first.requeued, second.requeued) == ([str(record.pk)], [])
    record.refresh_from_db()
    assert record.status == "queued"


def queued_job(queued_s_ago: float, task_id: str = "task-lost-with-its-cluster") -> Any:
    return job_record(status="queued", queued_at=ago(queued_s_ago), task_id=task_id)


def test_an_idle_worker_sends_again_the_task_of_a_job_left_waiting() -> None:
    waiting, fresh = queued_job(SILENT_S + 1), queued_job(SILENT_S / 2)
    deferred = queued_job(SILENT_S + 1, task_id="")  # its task is sent when it is due

    report = resend_tasks_to_idle_worker()

    assert report.resent == [str(waiting.pk)]
    assert OrmQ.objects.count() == 1
    for record, moved in ((waiting, True), (fresh, False), (deferred, False)):
        before = record.queued_at
        record.refresh_from_db()
        assert (record.queued_at != before) is moved
    assert run_cpu_job(waiting.pk) == "ok"
    # Sent again, it waits a while before it counts as lost once more.
    assert resend_tasks_to_idle_worker().resent == []
