"""The claims' and stores' single statements on a real PostgreSQL: the same jobs,
attempts, leases, task workers, outcomes and log rows as on SQLite
(``tests/task_queue/test_claim_statements.py``, whose tests of the jobs a claim picks
run here too: the picking is shared), and no transaction left open behind them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interp_exec import get_cpu_port
from interp_exec.core.domain.jobs import JsonPayload
from interp_exec.models import CpuJobRecord, DispatchLog, JobRecordStatus
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.claim_sql import queued_picking
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.job_claims import claim, claim_queued, finish_many
from interp_exec.task_queue.queueing import queue_cpu_job
from interp_exec.telemetry.dispatch_log_sink import record_dispatch_event
from tests.flag_helpers import set_flag
from tests.services.conftest import COMMITTING_DB
from tests.task_queue.test_claim_statements import (  # noqa: F401 - run here on PostgreSQL
    test_a_store_claims_the_next_jobs_with_it,
    test_a_store_keeps_only_the_outcomes_of_the_attempts_that_own_their_jobs,
    test_a_store_whose_attempt_lost_its_job_still_claims_the_next,
    test_a_task_job_notes_each_claiming_worker,
    test_the_queue_is_taken_by_priority_then_age_within_the_size_ranges,
    test_the_queue_skips_jobs_not_yet_due_or_out_of_attempts,
)

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


def test_a_batch_claim_takes_the_oldest_queued_jobs_up_to_its_limit() -> None:
    records = [queue_cpu_job(READABILITY, 3, payload={"text": f"job {n}"}) for n in range(3)]

    taken = claim_queued({READABILITY: [(1, None)]}, limit=2)

    assert [job.pk for job in taken] == [records[0].pk, records[1].pk]
    assert [job.attempt for job in taken] == [1, 1]
    assert connection.get_autocommit()
    statuses = dict(CpuJobRecord.objects.values_list("pk", "status"))
    assert statuses[records[2].pk] == JobRecordStatus.QUEUED


def test_a_drain_stores_each_batch_and_its_log_rows_in_one_statement() -> None:
    set_flag("cpu.default", max_workers=2)
    set_flag(flag_name(READABILITY), everyone=True, mode="interpreters", min_task_size=0)
    records = [queue_cpu_job(READABILITY, 3, payload={"text": f"job {n} ran"}) for n in range(8)]

    with CaptureQueriesContext(connection) as queries:
        assert run_cpu_job(str(records[0].pk)) == "ok"

    done = CpuJobRecord.objects.in_bulk([r.pk for r in records])
    assert {(r.status, r.mode_used, r.attempts) for r in done.values()} == {
        ("ok", "interpreters", 1)
    }
    assert sorted(DispatchLog.objects.values_list("dispatch_id", flat=True)) == sorted(
        r.dispatch_id for r in done.values()
    )
    statements = [q["sql"] for q in queries.captured_queries]
    stores = [s for s in statements if s.startswith("WITH stored_0 AS (UPDATE")]
    assert stores
    assert all("INSERT INTO" in s for s in stores)
    # A store and its share of a claim: no BEGIN, COMMIT or separate log insert.
    assert not [s for s in statements if s in {"BEGIN", "COMMIT"} or s.startswith("INSERT")]
    assert len(statements) <= 8 * 2, statements
    assert connection.get_autocommit()


# Races the pool's workers against the drain's host thread: repeated, so a flaky one shows.
@pytest.mark.parametrize("round_", range(3))
def test_once_the_pool_is_full_each_claim_rides_with_a_store(round_: int) -> None:
    set_flag("cpu.default", max_workers=2)
    set_flag(flag_name("tests.echo"), everyone=True, mode="interpreters", min_task_size=0)
    # Jobs long enough that each store finds the pool's workers busy.
    records = [queue_cpu_job("tests.echo", 1, payload={"spin_s": 0.1, "i": n}) for n in range(8)]

    with CaptureQueriesContext(connection) as queries:
        assert run_cpu_job(str(records[0].pk)) == "ok"

    done = CpuJobRecord.objects.in_bulk([r.pk for r in records])
    assert {(r.status, r.attempts) for r in done.values()} == {("ok", 1)}
    statements = [q["sql"] for q in queries.captured_queries]
    claims_alone = [s for s in statements if s.startswith("UPDATE")]
    stores = [s for s in statements if s.startswith("WITH stored_0 AS (UPDATE")]
    # Its own job, the pool filled (a job on each worker and one waiting behind each),
    # and the last look, which finds the queue empty: the rest came with stores.
    assert len(claims_alone) <= 4, claims_alone
    assert any("claimed AS (UPDATE" in s for s in stores)
    assert len(statements) == len(claims_alone) + len(stores)


def test_a_store_writes_its_log_rows_even_when_another_attempt_owns_the_job() -> None:
    record = queue_cpu_job(READABILITY, 3, payload={"text": "one two"})
    stale = claim(record.pk)
    assert stale is not None
    CpuJobRecord.objects.filter(pk=record.pk).update(attempts=2)
    with record_dispatch_event.batch():
        outcome = get_cpu_port().run(stale.job)
        rows = record_dispatch_event.take()

    stored = finish_many([(stale, CpuJobRecord.outcome_columns(outcome))], log_rows=rows)

    assert stored == set()
    record.refresh_from_db()
    assert (record.status, record.attempts, record.value) == ("running", 2, None)
    # The dispatch happened: its row is kept, as the log line was written.
    assert list(DispatchLog.objects.values_list("dispatch_id", flat=True)) == [outcome.dispatch_id]


def test_a_claim_reads_the_queue_in_its_index_order_instead_of_sorting_it() -> None:
    """On PostgreSQL too a claim's cost must not grow with the backlog: with the
    planner's statistics of a backlog, it walks the claim order's index to its limit."""
    CpuJobRecord.objects.bulk_create(
        CpuJobRecord(workload=READABILITY, size=30_000) for _ in range(5_000)
    )
    sql, params = queued_picking({READABILITY: [(0, None)]}, timezone.now(), 2)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE interp_exec_cpujobrecord")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using interp_exec_claim_order_idx" in plan, plan
    assert "Sort" not in plan, plan
