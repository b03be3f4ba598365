"""Work lost with dead workers, found again within seconds by any live one.

Jobs held by workers that stopped beating are queued again; tasks lost with them
are sent again.

A whole cluster killed (SIGKILL, a host lost) leaves its running jobs claimed
until their leases run out: the task queue's timeout plus a margin, minutes. The
sweep sees a dead worker sooner only on its own host (its pid is gone). But every
live q2 worker beats into the shared cache (``worker_heartbeat``), and an entry
that expired means that worker has not beaten for ``MISSED_BEATS`` beats. So each
live worker, after its own beat, queues again the running jobs of workers with
no entry, through the sweep's conditional update (``recover_lost_job``): of all
the workers that look at once, one moves each job.

It acts only while its own entry is in the cache: an emptied or unreachable cache
hides every worker at once and says nothing about them. And only on jobs started
longer ago than an entry lives, so a worker that just claimed a job has beaten
since. A worker frozen that long (stopped, swapping) loses its jobs to another;
should it wake and finish one, its outcome is discarded (the lease's rule: one
stored outcome per job).

A dead cluster also takes with it the tasks it had taken from the broker and not
yet run (the Redis broker forgets them; the ORM broker hands them out again only
after ``Q_CLUSTER["retry"]``), so their jobs stay queued with no task on its way.
The sweep sends those again after ``QUEUED_GRACE_S``, minutes. Sooner: a worker
with nothing to do (no task running, its pools idle) that sees jobs queued
longer than an entry lives sends their tasks again (``resend_waiting``, up to
its pools' worth a beat), and takes them itself if no other worker is quicker. A
task sent twice is harmless: one delivery claims the job, the other finds it
taken.
"""

from datetime import timedelta

import structlog
from django.db.models import Q
from django.utils import timezone

from interp_exec.core import conf
from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.ops.worker_heartbeat import HEARTBEAT_S, MISSED_BEATS, read_heartbeats
from interp_exec.task_queue.job_claims import worker_name
from interp_exec.task_queue.sweep import SWEEP_BATCH, SweepReport, recover_lost_job, resend_waiting

_SILENT_FOR = timedelta(seconds=HEARTBEAT_S * MISSED_BEATS)

_logger = structlog.get_logger(__name__)


def recover_jobs_of_silent_workers() -> SweepReport:
    """Queue again (or fail) the running jobs of workers whose heartbeat has expired."""
    report = SweepReport()
    me, now = worker_name(), timezone.now()
    held = list(
        CpuJobRecord.objects.filter(
            status=JobRecordStatus.RUNNING, started_at__lt=now - _SILENT_FOR
        )
        .exclude(claimed_by=me)
        .values_list("pk", "attempts", "claimed_by")[:SWEEP_BATCH]
    )
    if not held:
        return report
    beating = read_heartbeats({me, *(worker for _, _, worker in held)})
    if me not in beating:
        return report  # the cache lost every entry, or cannot be read: no verdict
    for pk, attempts, worker in held:
        if worker not in beating:
            seen = Q(status=JobRecordStatus.RUNNING, attempts=attempts, claimed_by=worker)
            recover_lost_job(pk, seen, attempts, worker, "its worker stopped beating", report, now)
    if report.requeued or report.failed:
        _logger.warning("cpu.silent_workers_recovered", **report.counts())
    return report


def resend_tasks_to_idle_worker() -> SweepReport:
    """With this worker idle, send again the tasks of jobs left waiting too long."""
    report = SweepReport()
    resend_waiting(report, timezone.now(), waited=_SILENT_FOR, batch=2 * conf.default_max_workers())
    if report.resent or report.failed:
        _logger.warning("cpu.waiting_jobs_resent", **report.counts())
    return report
