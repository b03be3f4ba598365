"""The lease sweep: jobs whose task was lost are queued again, or end failed.

The broker is not the source of truth (see ``interp_exec.task_queue.drain``). django-q2's
Redis broker has no delivery receipts, so the tasks a killed worker had taken
are simply gone; its ORM broker hands them out again only after
``Q_CLUSTER["retry"]``. So a django-q2 schedule (``ensure_sweep_schedule``, made
after ``migrate``) runs ``sweep_expired_jobs`` every minute, and it looks only
at the job records::

    running, lease expired --attempts < JOB_MAX_ATTEMPTS--> queued, task sent again
    or its worker on this      (the cause noted on it; its re-runs run only in
    host is dead               processes: see job_claims)
                           --otherwise--------------------> failed: "the worker ... died N times"
    queued and unclaimed for QUEUED_GRACE_S --------------> task sent again
    queued, deferred (run_after), now due, never sent -----> task sent (``due``)

A deferred task job (``interp_exec.task_backend``, ``run_after``) is stored
without a task: no worker waits for it. The first run after its ``run_after``
sends its task, so it starts within the schedule's interval of that time.

A lease outlasts the longest a task may run (12 minutes with the defaults), so
the sweep does not wait for it where it can tell sooner: a job claimed by a
worker process of this host that no longer exists lost its worker now. Every new
q2 worker process runs that check as it starts (``recover_jobs_of_dead_workers``,
from ``receivers``): django-q2 starts a new one right after one dies, so a job
that killed its worker is queued again, or failed, within seconds, with the cause
on the record.

Each change is one conditional UPDATE that matches only the state the sweep
read, so two sweeps at once (several clusters, or a test calling it) change a
job once. Sending a task twice is harmless: only one delivery can claim the job,
and the other returns without running it.
"""

import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.db.models import Q
from django.utils import timezone

from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.task_queue import leases, signals
from interp_exec.task_queue.job_claims import this_host
from interp_exec.task_queue.queueing import send_job_task

SWEEP_TASK = "interp_exec.q2_entry_points.sweep_expired_jobs"
SCHEDULE_NAME = "CPU jobs: lease sweep"
# Rows looked at per kind and run, so one run stays short; the next run takes the rest.
SWEEP_BATCH = 500

_logger = structlog.get_logger(__name__)


@dataclass
class SweepReport:
    """What one run changed: ids of the jobs queued again, resent, given up, and
    deferred jobs sent as they became due."""

    requeued: list[str] = field(default_factory=list)
    resent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    due: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "requeued": len(self.requeued),
            "resent": len(self.resent),
            "failed": len(self.failed),
            "due": len(self.due),
        }


def sweep_expired_jobs() -> SweepReport:
    """One pass over the unfinished jobs; the django-q2 schedule runs it every minute."""
    now = timezone.now()
    report = SweepReport()

    expired = CpuJobRecord.objects.filter(
        status=JobRecordStatus.RUNNING, lease_expires_at__lt=now
    ).values_list("pk", "attempts", "claimed_by")[:SWEEP_BATCH]
    for pk, attempts, worker in expired:
        seen = Q(status=JobRecordStatus.RUNNING, lease_expires_at__lt=now, attempts=attempts)
        recover_lost_job(pk, seen, attempts, worker, "its lease expired", report, now)
    _recover_dead_workers(report, now)
    _send_due(report, now)

    resend_waiting(report, now, waited=leases.queued_grace(), batch=SWEEP_BATCH)

    signals.sweep_finished.send(SweepReport, report=report)
    if report.requeued or report.resent or report.failed or report.due:
        _logger.info("cpu.sweep_finished", **report.counts())
    else:
        _logger.debug("cpu.sweep_finished", **report.counts())
    return report


def resend_waiting(report: SweepReport, now: datetime, *, waited: timedelta, batch: int) -> None:
    """Send again the task of each queued job (up to ``batch``, oldest first) that has
    waited longer than ``waited`` since its task was sent: that task was lost."""
    limit = leases.max_attempts()
    stale = (
        CpuJobRecord.objects.filter(status=JobRecordStatus.QUEUED, queued_at__lt=now - waited)
        .exclude(task_id="")
        .order_by("queued_at")
        .values_list("pk", "attempts", "queued_at")[:batch]
    )
    for pk, attempts, queued_at in stale:
        seen = Q(status=JobRecordStatus.QUEUED, queued_at=queued_at, attempts=attempts)
        log = _logger.bind(job_id=str(pk), attempts=attempts)
        if attempts >= limit:
            # Only after JOB_MAX_ATTEMPTS was lowered: no delivery could claim it.
            if _give_up(pk, seen, attempts, limit, "", now):
                report.failed.append(str(pk))
                log.error("cpu.job_worker_lost", max_attempts=limit)
        elif _move(pk, seen, queued_at=now):
            report.resent.append(str(pk))
            waited_s = round((now - queued_at).total_seconds(), 1)
            log.warning("cpu.job_resent", waited_s=waited_s, task_id=_send(pk))


def _send_due(report: SweepReport, now: datetime) -> None:
    """Send the task of each deferred job whose ``run_after`` has come (no task yet)."""
    due = CpuJobRecord.objects.filter(
        status=JobRecordStatus.QUEUED, task_id="", run_after__lte=now
    ).values_list("pk", "queued_at")[:SWEEP_BATCH]
    for pk, queued_at in due:
        seen = Q(status=JobRecordStatus.QUEUED, task_id="", queued_at=queued_at)
        if _move(pk, seen, queued_at=now):
            report.due.append(str(pk))
            _logger.info("cpu.job_due", job_id=str(pk), task_id=_send(pk))


def recover_jobs_of_dead_workers() -> SweepReport:
    """Queue again (or fail) the jobs that worker processes of this host, now gone, held."""
    report = SweepReport()
    _recover_dead_workers(report, timezone.now())
    if report.requeued or report.failed:
        _logger.info("cpu.dead_workers_recovered", **report.counts())
    return report


def _recover_dead_workers(report: SweepReport, now: datetime) -> None:
    host = this_host()
    held_here = CpuJobRecord.objects.filter(
        status=JobRecordStatus.RUNNING, claimed_by__startswith=host
    ).values_list("pk", "attempts", "claimed_by")[:SWEEP_BATCH]
    for pk, attempts, worker in held_here:
        if _process_exists(int(worker.removeprefix(host))):
            continue
        seen = Q(status=JobRecordStatus.RUNNING, attempts=attempts, claimed_by=worker)
        recover_lost_job(pk, seen, attempts, worker, "its worker process is gone", report, now)


def recover_lost_job(
    pk: uuid.UUID,
    seen: Q,
    attempts: int,
    worker: str,
    why: str,
    report: SweepReport,
    now: datetime,
) -> None:
    """A running job whose worker was lost: queued again with the cause noted, or failed.

    ``seen`` is the state it was read in: the change applies only if the job is still
    so (another recovery, or the worker itself, may have moved it since)."""
    limit = leases.max_attempts()
    log = _logger.bind(job_id=str(pk), attempts=attempts, worker=worker)
    if attempts >= limit:
        if _give_up(pk, seen, attempts, limit, worker, now):
            report.failed.append(str(pk))
            log.error("cpu.job_worker_lost", max_attempts=limit, reason=why)
        return
    cause = (
        f"run {attempts} of {limit} did not finish: {why} (worker {worker}); queued again, "
        "to run only in processes, since the job itself may have killed its worker. If its "
        "workload's jobs do, mark the workload untrusted."
    )
    moved = _move(
        pk,
        seen,
        status=JobRecordStatus.QUEUED,
        lease_expires_at=None,
        queued_at=now,
        error_type="WorkerLost",
        error_message=cause,
    )
    if moved:
        report.requeued.append(str(pk))
        log.warning("cpu.job_requeued", reason=why, task_id=_send(pk))


def ensure_sweep_schedule() -> bool:
    """Create the every-minute schedule of the sweep unless one exists; True if created.

    An existing schedule is left as it is, so an interval changed in the admin
    stays. ``Schedule.save`` touches no cache, so this is safe after a first
    ``migrate``, before the cache table exists.
    """
    from django_q.models import Schedule

    created: bool
    _, created = Schedule.objects.get_or_create(
        func=SWEEP_TASK,
        defaults={
            "name": SCHEDULE_NAME,
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
    return created


def _move(pk: uuid.UUID, seen: Q, **columns: Any) -> bool:
    return CpuJobRecord.objects.filter(seen, pk=pk).update(**columns) == 1


def _send(pk: uuid.UUID) -> str:
    """Send the task; if that fails the job stays queued, and a later run sends it again."""
    try:
        task_id = send_job_task(pk)
    except Exception:
        _logger.exception("cpu.job_resend_failed", job_id=str(pk))
        return ""
    CpuJobRecord.objects.filter(pk=pk).update(task_id=task_id)
    return task_id


def _give_up(pk: uuid.UUID, seen: Q, attempts: int, limit: int, worker: str, now: datetime) -> bool:
    last = f" (last on {worker})" if worker else ""
    message = (
        f"the worker running this job died {attempts} times{last} before it finished; "
        f"it is not queued again (INTERP_EXEC['JOB_MAX_ATTEMPTS'] is {limit}). A job that "
        "kills its worker (out of memory, a crash in C code) ends here; queue it again "
        "once the cause is fixed."
    )
    given_up = _move(
        pk,
        seen,
        status=JobRecordStatus.FAILED,
        error_type="WorkerLost",
        error_message=message,
        lease_expires_at=None,
        finished_at=now,
    )
    if given_up:
        signals.task_job_finished.send(SweepReport, job_id=pk)
    return given_up


def _process_exists(pid: int) -> bool:
    """Whether a process ``pid`` runs on this host (signal 0 checks without sending)."""
    if pid <= 0:
        return False  # 0 and below name process groups, never one worker
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another account
    return True
