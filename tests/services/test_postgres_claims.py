"""The claims' single statements on a real PostgreSQL: the same jobs, attempts, leases
and task workers as the ORM's path (``tests/task_queue`` checks that one on SQLite),
and no transaction left open behind them."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from interp_exec.core.domain.jobs import JsonPayload
from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.task_queue.job_claims import claim, claim_queued, worker_name
from interp_exec.task_queue.queueing import queue_cpu_job
from tests.services.conftest import COMMITTING_DB

READABILITY = "transcript.readability"

pytestmark = COMMITTING_DB


def test_a_job_is_claimed_once_with_its_payload_and_again_only_when_its_lease_ran_out() -> None:
    record = queue_cpu_job(READABILITY, 3, payload={"text": "one two three"})

    first = claim(record.pk)
    assert first is not None
    assert (first.pk, first.attempt, first.job.isolated) == (record.pk, 1, False)
    assert first.job.payload == JsonPayload('{"text": "one two three"}')
    assert connection.get_autocommit()  # no transaction left open
    assert claim(record.pk) is None  # running under its lease

    CpuJobRecord.objects.filter(pk=record.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    again = claim(record.pk)

    assert again is not None
    assert (again.attempt, again.job.isolated) == (2, True)
    record.refresh_from_db()
    assert (record.status, record.attempts) == (JobRecordStatus.RUNNING, 2)
    assert record.lease_expires_at is not None
    assert record.lease_expires_at > timezone.now()


def test_a_task_job_notes_each_claiming_worker() -> None:
    record = queue_cpu_job(READABILITY, 3, payload={"text": "one two"})
    CpuJobRecord.objects.filter(pk=record.pk).update(worker_ids=["other-host:1"])

    claimed = claim(record.pk)

    assert claimed is not None
    assert claimed.is_task
    record.refresh_from_db()
    assert record.worker_ids == ["other-host:1", worker_name()]


def test_a_batch_claim_takes_the_oldest_queued_jobs_up_to_its_limit() -> None:
    records = [queue_cpu_job(READABILITY, 3, payload={"text": f"job {n}"}) for n in range(3)]

    taken = claim_queued({READABILITY: [(1, None)]}, limit=2)

    assert [job.pk for job in taken] == [records[0].pk, records[1].pk]
    assert [job.attempt for job in taken] == [1, 1]
    assert connection.get_autocommit()
    statuses = dict(CpuJobRecord.objects.values_list("pk", "status"))
    assert statuses[records[2].pk] == JobRecordStatus.QUEUED
