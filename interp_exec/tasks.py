"""The django-q2 task that runs one queued CPU job, and runs it to completion once.

Data flow::

    queue_cpu_job -> (after commit) async_task("interp_exec.tasks.run_cpu_job", id)
      -> a qcluster worker: claim [+ claim queued companions for the pool's free workers]
      -> get_cpu_port().map(jobs) -> finish each

The broker may deliver a task again (a retry after a lost acknowledgement, a
worker killed half-way). So the record, not the delivery, decides: a delivery
runs the job only if it can *claim* the record (one conditional UPDATE: the job
is queued, or running under a lease that expired because its worker died, and
has runs left under ``INTERP_EXEC["JOB_MAX_ATTEMPTS"]``), and it *finishes* with
another conditional UPDATE that matches only while the record is still running
under this delivery's attempt number. A late or duplicate delivery can therefore
neither run a finished job again nor overwrite its outcome. A delivery that never
comes (a worker killed with the task in hand) is made up for by
``interp_exec.sweep``, which queues such jobs again or ends them failed.
"""

import os
import socket
import traceback
import uuid
from datetime import timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_q.exceptions import TimeoutException

from interp_exec import conf, get_cpu_port
from interp_exec.bootstrap import policy_for
from interp_exec.domain import CpuJob, ExecutorMode, InterpExecError
from interp_exec.models import CpuJobRecord, JobRecordStatus

# Only when neither the task queue nor INTERP_EXEC sets a time limit.
UNLIMITED_LEASE_S = 3600.0

_logger = structlog.get_logger(__name__)


def task_queue_timeout_s() -> float | None:
    """Seconds django-q2 lets a task run before it kills the worker (``Q_CLUSTER["timeout"]``)."""
    timeout = getattr(settings, "Q_CLUSTER", {}).get("timeout")
    return float(timeout) if timeout else None


def lease_duration() -> timedelta:
    """How long a claim holds: until the worker running it must have finished or died.

    It outlives the longest a delivery may run by ``INTERP_EXEC["LEASE_MARGIN_S"]``,
    so a slow but live attempt is never taken over.
    """
    limit = task_queue_timeout_s() or conf.get_setting("TIMEOUT_S") or UNLIMITED_LEASE_S
    return timedelta(seconds=float(limit) + float(conf.get_setting("LEASE_MARGIN_S")))


def max_attempts() -> int:
    """Runs a job may start before a dead worker's job ends failed (see ``interp_exec.sweep``)."""
    return int(conf.get_setting("JOB_MAX_ATTEMPTS"))


def worker_name() -> str:
    """``host:pid`` of this process: which worker holds a job, for people and tests."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(record_id: uuid.UUID | str) -> int | None:
    """Take the job for this delivery; its attempt number, or None if it is not claimable."""
    now = timezone.now()
    claimable = Q(status=JobRecordStatus.QUEUED) | Q(
        status=JobRecordStatus.RUNNING, lease_expires_at__lt=now
    )
    with transaction.atomic():
        claimed = (
            CpuJobRecord.objects.filter(
                claimable, pk=record_id, attempts__lt=max_attempts()
            ).update(
                status=JobRecordStatus.RUNNING,
                attempts=F("attempts") + 1,
                lease_expires_at=now + lease_duration(),
                started_at=now,
                claimed_by=worker_name(),
            )
            == 1
        )
        if not claimed:
            return None
        # Same transaction: no other delivery can claim between the UPDATE and this read.
        return CpuJobRecord.objects.values_list("attempts", flat=True).get(pk=record_id)


def finish(record_id: uuid.UUID | str, attempt: int, columns: dict[str, Any]) -> bool:
    """Store the final state, only if this attempt still owns the job; True if stored."""
    stored = CpuJobRecord.objects.filter(
        pk=record_id, status=JobRecordStatus.RUNNING, attempts=attempt
    ).update(**columns, finished_at=timezone.now(), lease_expires_at=None)
    return stored == 1


def run_cpu_job(record_id: uuid.UUID | str) -> str:
    """Run the job of one ``CpuJobRecord``; returns its final status (the task's result).

    A django-q2 worker runs one task at a time, so on its own a worker's pool would
    only ever hold one job. When this job goes to a pool, the delivery therefore
    also claims up to ``max_workers - 1`` other queued jobs of the same workload
    and runs them beside it with ``map``; their own deliveries, arriving later,
    find them claimed or finished and do nothing.
    """
    log = _logger.bind(job_id=str(record_id))
    attempt = claim(record_id)
    if attempt is None:
        status = CpuJobRecord.objects.filter(pk=record_id).values_list("status", flat=True).first()
        log.info("cpu.job_not_claimed", status=status)
        return f"not run: the job is {status or 'gone'}"
    log = log.bind(attempt=attempt)
    claimed: dict[uuid.UUID, int] = {uuid.UUID(str(record_id)): attempt}
    try:
        record = CpuJobRecord.objects.get(pk=record_id)
        job = record.to_job()
        claimed |= claim_companions(record, companion_slots(job))
        if len(claimed) > 1:
            log.info("cpu.job_batch_claimed", companions=len(claimed) - 1)
        records = CpuJobRecord.objects.in_bulk(list(claimed))
        outcomes = get_cpu_port().map([records[pk].to_job() for pk in claimed])
    except TimeoutException as exc:
        # django-q2 stops the task (and then its worker); the jobs cannot finish.
        log.warning("cpu.job_stopped_by_task_queue", error=str(exc))
        for pk, owned in claimed.items():
            finish(pk, owned, _error_columns(JobRecordStatus.TIMED_OUT, exc))
        raise
    except Exception as exc:
        log.exception("cpu.job_crashed")
        for pk, owned in claimed.items():
            finish(pk, owned, _error_columns(JobRecordStatus.FAILED, exc))
        raise
    statuses = {}
    for (pk, owned), outcome in zip(claimed.items(), outcomes, strict=True):
        if finish(pk, owned, CpuJobRecord.outcome_columns(outcome)):
            statuses[pk] = outcome.status.value
        else:
            log.warning(
                "cpu.job_outcome_discarded", job_id=str(pk), reason="another attempt owns it now"
            )
    return statuses.get(uuid.UUID(str(record_id)), "discarded: another attempt owns the job")


def companion_slots(job: CpuJob) -> int:
    """How many more jobs this delivery should run beside ``job``: the pool's free workers.

    Zero when the job itself runs inline: a companion would then wait for it in
    this worker while another worker could have run it at once.
    """
    try:
        policy = policy_for(job)
    except InterpExecError:
        return 0  # the port refuses the job itself, with the reason
    if policy.mode is ExecutorMode.INLINE or job.size < policy.min_task_size:
        return 0
    return policy.max_workers - 1


def claim_companions(record: CpuJobRecord, slots: int) -> dict[uuid.UUID, int]:
    """Claim up to ``slots`` of the oldest queued jobs of the same workload."""
    if slots <= 0:
        return {}
    candidates = (
        CpuJobRecord.objects.filter(status=JobRecordStatus.QUEUED, workload=record.workload)
        .exclude(pk=record.pk)
        .order_by("created_at")
        .values_list("pk", flat=True)[: slots * 2]
    )
    claimed: dict[uuid.UUID, int] = {}
    # Twice as many candidates as slots: another worker may claim some first.
    for pk in candidates:
        attempt = claim(pk)
        if attempt is not None:
            claimed[pk] = attempt
            if len(claimed) == slots:
                break
    return claimed


def _error_columns(status: JobRecordStatus, exc: BaseException) -> dict[str, Any]:
    return {
        "status": status,
        "error_type": type(exc).__name__,
        "error_message": str(exc) or repr(exc),
        "error_traceback": "".join(traceback.format_exception(exc)),
    }
