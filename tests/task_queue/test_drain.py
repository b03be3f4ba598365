"""A delivery whose job goes to a pool keeps the pool full from the queue (the drain).

A django-q2 worker runs one task at a time; without the drain, an interpreter pool
in a worker would never hold more than one job, and would idle while the worker
claims and stores.
"""

import itertools
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from interp_exec import CpuJob, JobOutcome, get_cpu_port
from interp_exec.models import CpuJobRecord, DispatchLog
from interp_exec.task_queue import drain
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.job_claims import ClaimedJob, claim, claim_queued, finish_many
from tests.concurrency import at_once
from tests.factories import job_record, job_records, job_with_payload
from tests.flag_helpers import set_flag


@pytest.fixture
def interpreters_for_echo() -> None:
    set_flag("cpu.default", max_workers=2)
    set_flag("cpu.tests.echo", everyone=True, mode="interpreters", min_task_size=0)


def statuses() -> dict[uuid.UUID, str]:
    return dict(CpuJobRecord.objects.values_list("pk", "status"))


@pytest.mark.usefixtures("interpreters_for_echo")
def test_a_delivery_runs_every_queued_job_bound_for_its_pool() -> None:
    records = job_records(7)

    assert run_cpu_job(str(records[3].pk)) == "ok"

    done = CpuJobRecord.objects.in_bulk()
    assert {r.status for r in done.values()} == {"ok"}
    assert {r.mode_used for r in done.values()} == {"interpreters"}
    assert {r.attempts for r in done.values()} == {1}
    assert [done[r.pk].value for r in records] == [{"size": 1, "seed": s} for s in range(7)]
    # One log row per job, the same dispatch as the record's.
    assert sorted(DispatchLog.objects.values_list("dispatch_id", flat=True)) == sorted(
        r.dispatch_id for r in done.values()
    )


@pytest.mark.usefixtures("interpreters_for_echo")
def test_the_drained_jobs_own_deliveries_then_do_nothing() -> None:
    first, second = job_records(2)
    run_cpu_job(str(second.pk))

    assert run_cpu_job(str(first.pk)) == "not run: the job is ok"

    first.refresh_from_db()
    assert first.attempts == 1
    assert DispatchLog.objects.count() == 2


@pytest.mark.usefixtures("interpreters_for_echo")
def test_the_deliveries_of_jobs_this_worker_drained_cost_no_statement() -> None:
    records = job_records(6)
    run_cpu_job(str(records[0].pk))
    late = job_record(seed=50)  # its own delivery comes after theirs

    with CaptureQueriesContext(connections["default"]) as queries:
        answers = [run_cpu_job(str(r.pk)) for r in records[1:]]

    assert answers == ["not run: the job is ok"] * 5
    assert not queries.captured_queries
    assert statuses()[late.pk] == "queued"
    assert run_cpu_job(str(late.pk)) == "ok"


@pytest.mark.usefixtures("interpreters_for_echo")
def test_a_delivery_whose_job_is_done_drains_the_queue_for_the_pool() -> None:
    done, *waiting = job_records(4)
    CpuJobRecord.objects.filter(pk=done.pk).update(status="ok", attempts=1)

    assert run_cpu_job(str(done.pk)) == "not run: the job is ok"

    assert {statuses()[r.pk] for r in waiting} == {"ok"}


@pytest.mark.usefixtures("interpreters_for_echo")
def test_with_no_budget_a_delivery_runs_its_own_job_only(settings: Any) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "DRAIN_BUDGET_S": 0}
    first, second = job_records(2)

    assert run_cpu_job(str(second.pk)) == "ok"

    assert statuses() == {first.pk: "queued", second.pk: "ok"}


@pytest.mark.usefixtures("interpreters_for_echo")
def test_the_drain_takes_only_jobs_that_would_go_to_its_pool() -> None:
    set_flag("cpu.tests.echo", min_task_size=5)
    small, *_ = job_records(1, size=4)
    other = job_record("tests.explode", size=10, seed=1)
    own = job_record(size=5, seed=2)

    assert run_cpu_job(str(own.pk)) == "ok"

    assert statuses() == {small.pk: "queued", other.pk: "queued", own.pk: "ok"}


def test_an_inline_job_takes_no_others() -> None:
    first, second = job_records(2)

    assert run_cpu_job(str(second.pk)) == "ok"

    first.refresh_from_db()
    assert first.status == "queued"
    assert DispatchLog.objects.count() == 1


@pytest.mark.usefixtures("interpreters_for_echo")
def test_the_drain_claims_and_stores_in_batches() -> None:
    run_cpu_job(str(job_record(seed=99).pk))  # warm: pool started, flags read
    records = job_records(20)
    DispatchLog.objects.all().delete()

    with CaptureQueriesContext(connections["default"]) as queries:
        run_cpu_job(str(records[0].pk))

    assert {statuses()[r.pk] for r in records} == {"ok"}
    assert DispatchLog.objects.count() == 20
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    # Per job at most: its share of a claim (3 statements per 2 jobs: lock, update,
    # payloads), its own conditional update, and its share of a store's log rows.
    # No flag or cache reads: the flags come from the process's snapshot.
    assert len(statements) <= 20 * 3.5, [s[:60] for s in statements]
    assert not [s for s in statements if "waffle" in s or "cache" in s]


class _JobsEndInPairsPort:
    """The real port's outcomes, handed back as a full pool of two workers with a job
    waiting behind each would when its workers finish together: two at a time, the pool
    taking their successors only after the caller has stored them."""

    def stream[K](self, jobs: Iterable[tuple[K, CpuJob]]) -> Iterator[list[tuple[K, JobOutcome]]]:
        source = iter(jobs)
        in_hand = list(itertools.islice(source, 4))
        while in_hand:
            ended, in_hand = in_hand[:2], in_hand[2:]
            yield [(key, get_cpu_port().run(job)) for key, job in ended]
            in_hand += itertools.islice(source, len(ended))


@pytest.mark.usefixtures("interpreters_for_echo")
def test_jobs_that_end_together_have_their_successors_claimed_with_their_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = job_records(8)
    claims_alone: list[int] = []

    def counted_claim(workloads: Any, limit: int) -> list[ClaimedJob]:
        claims_alone.append(limit)
        return claim_queued(workloads, limit)

    monkeypatch.setattr(drain, "get_cpu_port", _JobsEndInPairsPort)
    monkeypatch.setattr(drain, "claim_queued", counted_claim)

    assert run_cpu_job(str(records[0].pk)) == "ok"

    assert {(r.status, r.attempts) for r in CpuJobRecord.objects.all()} == {("ok", 1)}
    # The pool's fill (two claims of two) and the last look at an empty queue: every
    # store of two claimed what the pool was about to take, though a job was in hand.
    assert len(claims_alone) == 3


def test_a_stored_payload_reaches_the_workload_as_stored() -> None:
    payload = {"text": "ünïcode ✓", "numbers": [1, 2.5, None], "nested": {"a": [True]}}
    record = job_with_payload(payload)

    assert run_cpu_job(str(record.pk)) == "ok"

    record.refresh_from_db()
    assert record.value == payload == get_cpu_port().run(CpuJob("tests.echo", payload)).value


def test_an_outcome_is_not_stored_over_a_newer_attempt() -> None:
    record, *_ = job_records(1)
    stale = claim(record.pk)
    assert stale is not None
    CpuJobRecord.objects.filter(pk=record.pk).update(attempts=2)

    assert finish_many([(stale, {"status": "ok"})]) == set()

    record.refresh_from_db()
    assert (record.status, record.attempts) == ("running", 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_concurrent_batch_claims_take_each_job_once(round_: int) -> None:
    records = job_records(12)
    taken: list[uuid.UUID] = []

    def worker() -> None:
        while batch := claim_queued({"tests.echo": [(0, None)]}, limit=2):
            taken.extend(claimed.pk for claimed in batch)

    at_once(3, worker)

    assert sorted(taken) == sorted(r.pk for r in records)
    assert set(CpuJobRecord.objects.values_list("attempts", flat=True)) == {1}
