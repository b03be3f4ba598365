"""Claiming queued jobs under a lease, and storing their outcomes once.

The job record, not the broker, decides who runs a job (see ``interp_exec.task_queue.drain``):

- ``claim`` takes one named job (its own task's delivery): queued, or running
  under a lease that expired because its worker died; on PostgreSQL in the one
  statement ``claim_queued`` uses;
- ``claim_queued`` takes up to ``limit`` of the oldest queued jobs of the given
  workloads in one transaction: on PostgreSQL one ``UPDATE ... FROM (SELECT ... FOR
  UPDATE SKIP LOCKED) RETURNING`` that also reads the payloads
  (``postgres_claims``; two workers never wait for or take the same rows), on
  SQLite an immediate transaction (it holds the write lock from its start);
- ``finish_many`` stores outcomes with their dispatch-log rows, each only while the
  job is running under the claiming attempt, in one transaction (on PostgreSQL in
  one statement: ``UPDATE ... FROM (VALUES ...)`` for the batch and the log rows'
  ``INSERT`` in one ``WITH``); a row another attempt owns by now (its lease expired
  and the sweep re-queued it) is left as it is.

A job queued through ``django.tasks`` (``interp_exec.task_backend``) is claimed
the same way, never before its ``run_after``, higher ``task_priority`` first;
each claim adds the claiming worker to its ``worker_ids`` (a task result lists
the worker of every attempt).

Each claim returns the job ready to run: a stored payload (``CpuJobPayload``,
read after the claim's transaction, which stays short) as its JSON text, never
decoded in the host (``JsonPayload``); a sampled one as ``SamplePayload``, built
by the worker that runs it. A job claimed again after its worker was lost (a
later attempt) is ``isolated``: it may be what killed that worker (``os._exit``
in a subinterpreter takes the whole worker down), so it runs only in processes,
where such a job ends its own child, not the worker.
"""

import os
import socket
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from interp_exec.core.domain import CpuJob, JsonPayload, SamplePayload
from interp_exec.core.pool_planning import SizeRange
from interp_exec.models import CpuJobPayload, CpuJobRecord, JobRecordStatus
from interp_exec.task_queue import leases, postgres_claims
from interp_exec.telemetry.dispatch_log_sink import insert_rows

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
_WORKER_IDS = _JOB_COLUMNS.index("worker_ids")


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
    claimable = Q(status=JobRecordStatus.QUEUED) | Q(
        status=JobRecordStatus.RUNNING, lease_expires_at__lt=now
    )
    job = CpuJobRecord.objects.filter(
        claimable, _due(now), pk=record_id, attempts__lt=leases.max_attempts()
    )
    if connection.vendor == "postgresql":
        # Waits for a row another transaction holds, then claims it only if it is
        # still claimable, as the ORM's UPDATE below does.
        rows = postgres_claims.claim_returning(
            job, _claim_columns(now), worker_name(), _JOB_COLUMNS, skip_locked=False
        )
        return _claimed_jobs(rows, attempt_offset=0, claimed_at=now)[0] if rows else None
    with transaction.atomic():
        updated = job.update(**_claim_columns(now), attempts=F("attempts") + 1)
        if updated != 1:
            return None
        # Same transaction: no other delivery can claim between the UPDATE and this read.
        row = CpuJobRecord.objects.filter(pk=record_id).values_list(*_JOB_COLUMNS).get()
        _note_task_workers([row])
    return _with_payloads([row], attempt_offset=0, claimed_at=now)[0]


def claim_queued(workloads: Mapping[str, Sequence[SizeRange]], limit: int) -> list[ClaimedJob]:
    """Take up to ``limit`` of the oldest queued jobs of ``workloads`` (name -> the size
    ranges to take, ``pool_planning.workload_pools``), for a pool with free workers."""
    wanted_parts = [
        Q(workload=name, size__gte=low) & (Q() if high is None else Q(size__lt=high))
        for name, ranges in workloads.items()
        for low, high in ranges
    ]
    if not wanted_parts or limit <= 0:
        return []
    wanted = reduce(or_, wanted_parts)
    now = timezone.now()
    candidates = CpuJobRecord.objects.filter(
        wanted, _due(now), status=JobRecordStatus.QUEUED, attempts__lt=leases.max_attempts()
    ).order_by("-task_priority", "created_at")
    if connection.vendor == "postgresql":
        claimed = postgres_claims.claim_returning(
            candidates[:limit], _claim_columns(now), worker_name(), _JOB_COLUMNS, skip_locked=True
        )
        return _claimed_jobs(claimed, attempt_offset=0, claimed_at=now)
    with transaction.atomic():
        locked = candidates.select_for_update(skip_locked=True)
        rows = list(locked.values_list(*_JOB_COLUMNS)[:limit])
        if not rows:
            return []
        CpuJobRecord.objects.filter(pk__in=[row[0] for row in rows]).update(
            **_claim_columns(now), attempts=F("attempts") + 1
        )
        _note_task_workers(rows)
    # The rows were locked (or the whole database was) since they were read.
    return _with_payloads(rows, attempt_offset=1, claimed_at=now)


def finish_many(
    finished: Iterable[tuple[ClaimedJob, dict[str, Any]]],
    *,
    log_rows: list[list[Any]] | None = None,
    then: Callable[[], object] | None = None,
) -> set[uuid.UUID]:
    """Store each job's final columns where its attempt still owns it, and ``log_rows``
    (``DispatchLogSink.take``), at once; the ids stored. ``then`` is called after, in
    the same transaction where there is one (a claim of the next jobs: on SQLite
    each transaction is a commit to disk)."""
    items = [(claimed.pk, claimed.attempt, columns) for claimed, columns in finished]
    now = timezone.now()
    if connection.vendor == "postgresql":
        # One statement, its own transaction; the claim after it is one too.
        stored = postgres_claims.finish_returning(items, now, log_rows or [])
        if then is not None:
            then()
        return stored
    stored = set()
    with transaction.atomic():
        for pk, attempt, columns in items:
            if (
                CpuJobRecord.objects.filter(
                    pk=pk, status=JobRecordStatus.RUNNING, attempts=attempt
                ).update(**columns, finished_at=now, lease_expires_at=None)
                == 1
            ):
                stored.add(pk)
        if log_rows:
            # The store's transaction, which a failed insert fails anyway.
            insert_rows(log_rows, savepoint=False)
        if then is not None:
            then()
    return stored


def _claim_columns(now: datetime) -> dict[str, Any]:
    return {
        "status": JobRecordStatus.RUNNING,
        "lease_expires_at": now + leases.lease_duration(),
        "started_at": now,
        "claimed_by": worker_name(),
    }


def _due(now: datetime) -> Q:
    """Not deferred, or deferred to a time already past (``run_after`` of a task job)."""
    return Q(run_after__isnull=True) | Q(run_after__lte=now)


def _note_task_workers(rows: list[tuple[Any, ...]]) -> None:
    """Add this worker to each claimed task job's ``worker_ids``; called in the claim's
    transaction, where no other worker can change those rows."""
    me = worker_name()
    for row in rows:
        if (worker_ids := row[_WORKER_IDS]) is not None:
            CpuJobRecord.objects.filter(pk=row[0]).update(worker_ids=[*worker_ids, me])


def _with_payloads(
    rows: list[tuple[Any, ...]], *, attempt_offset: int, claimed_at: datetime
) -> list[ClaimedJob]:
    """The claimed rows as jobs, their stored payloads read in one query."""
    texts = dict(
        CpuJobPayload.objects.filter(job_id__in=[row[0] for row in rows]).values_list(
            "job_id", "json_text"
        )
    )
    with_texts = [(*row, texts.get(row[0])) for row in rows]
    return _claimed_jobs(with_texts, attempt_offset=attempt_offset, claimed_at=claimed_at)


def _claimed_jobs(
    rows: list[tuple[Any, ...]], *, attempt_offset: int, claimed_at: datetime
) -> list[ClaimedJob]:
    """Rows of ``_JOB_COLUMNS`` and the payload's text as jobs; ``attempt_offset``: what
    the claim added to the attempts read."""
    claimed = []
    for pk, attempts, workload, size, seed, user_id, worker_ids, queued_at, trace, text in rows:
        payload = SamplePayload(seed or 0) if text is None else JsonPayload(text)
        attempt = attempts + attempt_offset
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
