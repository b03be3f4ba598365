"""The claims' and stores' statements on the test database (SQLite here; the same
tests' PostgreSQL counterparts are ``tests/services/test_postgres_claims.py``): which
jobs a claim picks and in what order, what it sets, and the rows it hands back
typed as the ORM's, with no statement beyond the claim's and the payloads' read."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interp_exec.core.domain import JsonPayload, SamplePayload
from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.task_queue.claim_sql import queued_picking
from interp_exec.task_queue.job_claims import (
    claim,
    claim_queued,
    finish_and_claim,
    finish_many,
    worker_name,
)
from tests.factories import job_record, job_with_payload

pytestmark = pytest.mark.django_db

ECHO = "tests.echo"


def test_a_claim_is_one_statement_and_the_payloads_read_and_returns_typed_rows() -> None:
    stored = job_with_payload({"text": "one two"}, ECHO, size=4)
    sampled = job_record(ECHO, size=5, seed=11)

    with CaptureQueriesContext(connection) as queries:
        taken = claim_queued({ECHO: [(0, None)]}, limit=2)

    assert [job.pk for job in taken] == [stored.pk, sampled.pk]
    assert all(isinstance(job.pk, uuid.UUID) for job in taken)
    assert taken[0].job.payload == JsonPayload('{"text": "one two"}')
    assert taken[1].job.payload == SamplePayload(11)
    assert [job.job.size for job in taken] == [4, 5]
    assert [(job.attempt, job.job.isolated, job.is_task) for job in taken] == [
        (1, False, False)
    ] * 2
    for job in taken:
        assert isinstance(job.queued_at, datetime)
        assert timezone.is_aware(job.queued_at)
    assert taken[0].queued_at == stored.queued_at
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 2, statements
    assert statements[0].startswith("UPDATE")
    assert "RETURNING" in statements[0]


def test_a_claim_sets_the_lease_and_the_worker_and_counts_the_attempt() -> None:
    record = job_record(ECHO)
    before = timezone.now()

    taken = claim(record.pk)

    assert taken is not None
    record.refresh_from_db()
    assert (record.status, record.attempts, record.claimed_by) == (
        JobRecordStatus.RUNNING,
        1,
        worker_name(),
    )
    assert record.started_at is not None
    assert record.started_at >= before
    assert record.lease_expires_at is not None
    assert record.lease_expires_at > timezone.now()
    assert record.worker_ids is None  # a workload job keeps no list of workers
    assert claim(record.pk) is None  # running under its lease


def test_a_job_whose_lease_ran_out_is_claimed_again_isolated() -> None:
    expired = timezone.now() - timedelta(seconds=1)
    record = job_record(ECHO, status="running", attempts=1, lease_expires_at=expired)

    again = claim(str(record.pk))

    assert again is not None
    assert (again.pk, again.attempt, again.job.isolated) == (record.pk, 2, True)
    # From the queue, only queued jobs are taken.
    assert claim_queued({ECHO: [(0, None)]}, limit=5) == []


def test_a_task_job_notes_each_claiming_worker() -> None:
    record = job_record(ECHO, worker_ids=["other-host:1"])

    taken = claim(record.pk)

    assert taken is not None
    assert taken.is_task
    record.refresh_from_db()
    assert record.worker_ids == ["other-host:1", worker_name()]


def test_the_queue_is_taken_by_priority_then_age_within_the_size_ranges() -> None:
    sizes = [0, 5, 10, 50, 100, 500]
    records = {size: job_record(ECHO, size=size) for size in sizes}
    CpuJobRecord.objects.filter(pk=records[500].pk).update(task_priority=5)
    CpuJobRecord.objects.filter(pk=records[5].pk).update(task_priority=-1)
    job_record("tests.other", size=5)

    wanted = {ECHO: [(1, 10), (100, None)]}

    first = claim_queued(wanted, limit=1)
    rest = claim_queued(wanted, limit=10)

    assert [job.job.size for job in first] == [500]
    assert [job.job.size for job in rest] == [100, 5]


def test_a_claim_reads_the_queue_in_its_index_order_instead_of_sorting_it() -> None:
    """A claim's cost must not grow with the backlog: the database reads the claim
    order's index and stops at the limit, with no sort of every queued job."""
    CpuJobRecord.objects.bulk_create(CpuJobRecord(workload=ECHO, size=1) for _ in range(500))
    sql, params = queued_picking({ECHO: [(0, None)], "tests.other": [(1, 10)]}, timezone.now(), 2)

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]

    assert any("USING INDEX interp_exec_claim_order_idx" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_the_queue_skips_jobs_not_yet_due_or_out_of_attempts() -> None:
    job_record(ECHO, run_after=timezone.now() + timedelta(hours=1))
    job_record(ECHO, attempts=3)  # the site's Q_CLUSTER allows 3
    due = job_record(ECHO, run_after=timezone.now() - timedelta(seconds=1))

    taken = claim_queued({ECHO: [(0, None)]}, limit=5)

    assert [job.pk for job in taken] == [due.pk]


def test_a_claim_takes_at_most_its_limit_and_nothing_for_no_room() -> None:
    records = [job_record(ECHO, seed=n) for n in range(3)]

    assert claim_queued({ECHO: [(0, None)]}, limit=0) == []
    assert claim_queued({ECHO: []}, limit=2) == []
    taken = claim_queued({ECHO: [(0, None)]}, limit=2)

    assert [job.pk for job in taken] == [records[0].pk, records[1].pk]
    assert CpuJobRecord.objects.get(pk=records[2].pk).status == JobRecordStatus.QUEUED


def test_a_store_keeps_only_the_outcomes_of_the_attempts_that_own_their_jobs() -> None:
    owned, lost = (job_record(ECHO, seed=n) for n in range(2))
    taken = claim_queued({ECHO: [(0, None)]}, limit=2)
    CpuJobRecord.objects.filter(pk=lost.pk).update(attempts=2)
    columns = {"status": JobRecordStatus.OK, "value": {"words": [1, 2]}, "run_ms": 1.5}

    stored = finish_many((job, columns) for job in taken)

    assert stored == {owned.pk}
    done = CpuJobRecord.objects.get(pk=owned.pk)
    assert (done.status, done.value, done.run_ms) == ("ok", {"words": [1, 2]}, 1.5)
    assert done.finished_at is not None
    assert done.lease_expires_at is None
    left = CpuJobRecord.objects.get(pk=lost.pk)
    assert (left.status, left.value, left.finished_at) == ("running", None, None)


def test_a_store_claims_the_next_jobs_with_it() -> None:
    first = job_record(ECHO, seed=0)
    [held] = claim_queued({ECHO: [(0, None)]}, limit=1)
    queued = [job_record(ECHO, seed=n) for n in (1, 2, 3)]

    with CaptureQueriesContext(connection) as queries:
        stored, claimed = finish_and_claim(
            [(held, {"status": JobRecordStatus.OK})], {ECHO: [(0, None)]}, limit=2
        )

    assert stored == {first.pk}
    assert [job.pk for job in claimed] == [queued[0].pk, queued[1].pk]
    assert [(job.attempt, job.job.payload) for job in claimed] == [
        (1, SamplePayload(1)),
        (1, SamplePayload(2)),
    ]
    statuses = dict(CpuJobRecord.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in (first.pk, *(r.pk for r in queued))] == [
        "ok",
        "running",
        "running",
        "queued",
    ]
    if connection.vendor == "postgresql":
        # One round trip: the claim is a WITH of the store's statement.
        assert len(queries.captured_queries) == 1, queries.captured_queries


def test_a_store_whose_attempt_lost_its_job_still_claims_the_next() -> None:
    job_record(ECHO, seed=0)
    [stale] = claim_queued({ECHO: [(0, None)]}, limit=1)
    CpuJobRecord.objects.filter(pk=stale.pk).update(attempts=2)
    waiting = job_record(ECHO, seed=1)

    stored, claimed = finish_and_claim(
        [(stale, {"status": JobRecordStatus.OK})], {ECHO: [(0, None)]}, limit=2
    )

    assert stored == set()
    assert [job.pk for job in claimed] == [waiting.pk]
    assert finish_and_claim([], {ECHO: [(0, None)]}, limit=2) == (set(), [])


def test_another_database_is_named_by_the_check_and_refused_by_a_claim(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(connection, "vendor", "mysql")

    warnings = [m for m in run_checks() if m.id == "interp_exec.W002"]
    assert len(warnings) == 1
    assert "mysql" in warnings[0].msg
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL or SQLite"):
        claim_queued({ECHO: [(0, None)]}, limit=1)


def test_the_check_is_quiet_on_this_database() -> None:
    assert [m for m in run_checks() if m.id == "interp_exec.W002"] == []
