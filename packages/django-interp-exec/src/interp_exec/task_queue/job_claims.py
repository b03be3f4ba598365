"""Claiming queued jobs under a lease, and storing their outcomes once.

The job record, not the broker, decides who runs a job (see ``interp_exec.task_queue.drain``):

- ``claim`` takes one named job (its own task's delivery): queued, or running
  under a lease that expired because its worker died;
- ``claim_queued`` takes up to ``limit`` of the oldest queued jobs of the given
  workloads;
- each claim is one statement that reads the claimed rows back (``RETURNING``), on
  the jobs ``claim_sql`` picks: on PostgreSQL ``UPDATE ... FROM (SELECT ... FOR
  UPDATE SKIP LOCKED) RETURNING`` that also reads the payloads (``postgres_claims``;
  two workers never wait for or take the same rows), on SQLite ``UPDATE ... WHERE
  id IN (...) RETURNING``, which holds the database's write lock from its start
  (``sqlite_claims``);
- ``finish_many`` stores outcomes with their dispatch-log rows, each only while the
  job is running under the claiming attempt, in one transaction (on PostgreSQL in
  one statement: ``UPDATE ... FROM (VALUES ...)`` for the batch and the log rows'
  ``INSERT`` in one ``WITH``); a row another attempt owns by now (its lease expired
  and the sweep re-queued it) is left as it is;
- ``finish_and_claim`` stores and claims the next jobs at once: on PostgreSQL the
  claim is one more ``WITH`` of the store's statement, on SQLite it shares the
  store's transaction.

The statements are written for PostgreSQL and SQLite; on another database a claim
raises ``ImproperlyConfigured`` (and ``manage.py check`` warns, ``interp_exec.W002``).

A job queued through ``django.tasks`` (``interp_exec.task_backend``) is claimed
the same way, never before its ``run_after``, higher ``task_priority`` first;
each claim adds the claiming worker to its ``worker_ids`` (a task result lists
the worker of every attempt).

Each claim returns the job ready to run: a stored payload (``CpuJobPayload``) as its
JSON text, never decoded in the host (``JsonPayload``); a sampled one as
``SamplePayload``, built by the worker that runs it. A job claimed again after its
worker was lost (a later attempt) is ``isolated``: it may be what killed that
worker (``os._exit`` in a subinterpreter takes the whole worker down), so it runs
only in processes, where such a job ends its own child, not the worker.
"""

import os
import socket
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from interp_exec.core.domain import CpuJob, JsonPayload, SamplePayload
from interp_exec.core.pool_planning import SizeRange
from interp_exec.models import JobRecordStatus
from interp_exec.task_queue import leases, postgres_claims, sqlite_claims
from interp_exec.task_queue.claim_sql import Claim, Picking, queued_picking, record_picking
from interp_exec.telemetry.dispatch_log_sink import insert_rows

SUPPORTED_DATABASES = ("postgresql", "sqlite")

_JOB_COLUMNS = (
    "pk",
    "attempts",
    "workload",
    "size",
    "seed",
    "created_by_id",
    "worker_ids",
    "queued_at",
    "trace_parent",
)


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A job this worker holds: its record id, the attempt that owns it, and the job."""

    pk: uuid.UUID
    attempt: int
    job: CpuJob
    is_task: bool = False
    # For the job's trace (interp_exec.task_queue.job_spans): when it was queued and claimed,
    # and the W3C traceparent of whoever queued it ("" for none).
    queued_at: datetime | None = None
    claimed_at: datetime | None = None
    trace_parent: str = ""


def worker_name() -> str:
    """``host:pid`` of this process: which worker holds a job, for people and the sweep."""
    return f"{this_host()}{os.getpid()}"


def this_host() -> str:
    """The ``host:`` that starts the names of this host's workers."""
    return f"{socket.gethostname()}:"


def claim(record_id: uuid.UUID | str) -> ClaimedJob | None:
    """Take the job ``record_id`` for this delivery; None if it is not claimable."""
    now = timezone.now()
    # On PostgreSQL it waits for a row another transaction holds, then claims it only
    # if it is still claimable; on SQLite the statement holds the write lock.
    claimed = _claim(record_picking(record_id, now), now, skip_locked=False)
    return claimed[0] if claimed else None


def claim_queued(workloads: Mapping[str, Sequence[SizeRange]], limit: int) -> list[ClaimedJob]:
    """Take up to ``limit`` of the oldest queued jobs of ``workloads`` (name -> the size
    ranges to take, ``pool_planning.workload_pools``), for a pool with free workers."""
    if not _wants_jobs(workloads, limit):
        return []
    now = timezone.now()
    return _claim(queued_picking(workloads, now, limit), now, skip_locked=True)


def finish_many(
    finished: Iterable[tuple[ClaimedJob, dict[str, Any]]],
    *,
    log_rows: list[list[Any]] | None = None,
) -> set[uuid.UUID]:
    """Store each job's final columns where its attempt still owns it, and ``log_rows``
    (``DispatchLogSink.take``), at once; the ids stored."""
    return _finish(finished, log_rows, None)[0]


def finish_and_claim(
    finished: Iterable[tuple[ClaimedJob, dict[str, Any]]],
    workloads: Mapping[str, Sequence[SizeRange]],
    limit: int,
    *,
    log_rows: list[list[Any]] | None = None,
) -> tuple[set[uuid.UUID], list[ClaimedJob]]:
    """``finish_many``, then ``claim_queued(workloads, limit)``, at once: on PostgreSQL
    in the store's statement (one round trip and one commit, where two cost the
    database server most of its time a job), on SQLite in its transaction (each
    transaction is a commit to disk). The ids stored, and the jobs claimed."""
    if not _wants_jobs(workloads, limit):
        return finish_many(finished, log_rows=log_rows), []
    return _finish(finished, log_rows, (workloads, limit))


def _wants_jobs(workloads: Mapping[str, Sequence[SizeRange]], limit: int) -> bool:
    """Whether a claim of ``limit`` jobs of ``workloads`` could take any."""
    return limit > 0 and any(workloads.values())


def _finish(
    finished: Iterable[tuple[ClaimedJob, dict[str, Any]]],
    log_rows: list[list[Any]] | None,
    then_claim: tuple[Mapping[str, Sequence[SizeRange]], int] | None,
) -> tuple[set[uuid.UUID], list[ClaimedJob]]:
    items = [(claimed.pk, claimed.attempt, columns) for claimed, columns in finished]
    now = timezone.now()
    claim_next = None
    if then_claim is not None:
        workloads, limit = then_claim
        claim_next = _claim_of(queued_picking(workloads, now, limit), now)
    if _database() == "postgresql":
        stored, rows = postgres_claims.finish_returning(items, now, log_rows or [], claim_next)
        return stored, _claimed_jobs(rows, claimed_at=now)
    with transaction.atomic():
        stored = {
            pk
            for pk, attempt, columns in items
            if sqlite_claims.finish_one(pk, attempt, columns, now)
        }
        if log_rows:
            # The store's transaction, which a failed insert fails anyway.
            insert_rows(log_rows, savepoint=False)
        rows = [] if claim_next is None else sqlite_claims.claim_returning(claim_next)
    return stored, _claimed_jobs(rows, claimed_at=now)


def _claim(picking: Picking, now: datetime, *, skip_locked: bool) -> list[ClaimedJob]:
    """Claim what ``picking`` selects, under a lease from ``now``, with payloads read."""
    claim = _claim_of(picking, now)
    if _database() == "postgresql":
        rows = postgres_claims.claim_returning(claim, skip_locked=skip_locked)
    else:
        rows = sqlite_claims.claim_returning(claim)
    return _claimed_jobs(rows, claimed_at=now)


def _claim_of(picking: Picking, now: datetime) -> Claim:
    """A claim of what ``picking`` selects by this worker, under a lease from ``now``."""
    worker = worker_name()
    columns = {
        "status": JobRecordStatus.RUNNING,
        "lease_expires_at": now + leases.lease_duration(),
        "started_at": now,
        "claimed_by": worker,
    }
    return Claim(picking, columns, worker, _JOB_COLUMNS)


def _database() -> str:
    """The default database's vendor, one the claims are written for."""
    if connection.vendor not in SUPPORTED_DATABASES:
        raise ImproperlyConfigured(
            f"interp_exec's task queue claims jobs on PostgreSQL or SQLite; the default "
            f"database is {connection.vendor}"
        )
    return connection.vendor


def _claimed_jobs(rows: list[tuple[Any, ...]], *, claimed_at: datetime) -> list[ClaimedJob]:
    """Rows of ``_JOB_COLUMNS`` after the claim and the payload's text as jobs."""
    claimed = []
    for pk, attempt, workload, size, seed, user_id, worker_ids, queued_at, trace, text in rows:
        payload = SamplePayload(seed or 0) if text is None else JsonPayload(text)
        job = CpuJob(
            workload, payload, size=size, rollout_key=str(pk), user_id=user_id, isolated=attempt > 1
        )
        claimed.append(
            ClaimedJob(
                pk,
                attempt,
                job,
                is_task=worker_ids is not None,
                queued_at=queued_at,
                claimed_at=claimed_at,
                trace_parent=trace,
            )
        )
    return claimed
