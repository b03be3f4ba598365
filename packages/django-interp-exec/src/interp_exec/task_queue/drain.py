"""The django-q2 task that runs queued CPU jobs, each to completion once.

Data flow::

    queue_cpu_job -> (after commit) async_task(RUN_CPU_JOB_TASK, id)
      -> a qcluster worker claims the job (job_claims.claim); a django.tasks task's
         job registers its task as a workload first (task_backend.workloads)
      -> bound for a pool? drain: get_cpu_port().stream(jobs), where jobs are this
         one, then queued jobs bound for the same pool (job_claims.claim_queued),
         handed to the pool as it has room for them, for DRAIN_BUDGET_S
      -> finished outcomes stored in batches with their DispatchLog rows, and the
         next jobs claimed with them when the jobs in hand would not replace those
         stored (on PostgreSQL in one statement, on SQLite in one transaction), by
         job_claims.finish_and_claim, while the pool runs the jobs in hand
      -> bound for inline: it runs alone, and is stored the same way

The broker may deliver a task again (a retry after a lost acknowledgement, a
worker killed half-way). So the record, not the delivery, decides: a delivery
runs a job only if it can *claim* the record, and *finishes* it only while the
record is still running under the attempt that claimed it (see ``job_claims``).
A late or duplicate delivery can therefore neither run a finished job again nor
overwrite its outcome. A delivery that never comes (a worker killed with the
task in hand) is made up for by ``task_queue.sweep``, which queues such jobs
again or ends them failed.

A django-q2 worker runs one task at a time, so on its own a worker's pool would
hold one job, and would idle while the worker claims and stores. The drain keeps
it full instead: the host thread claims and stores while the pool computes. The
drained jobs' own deliveries arrive later and find them claimed or finished;
such a delivery drains in turn, so a pool is never left idle with jobs queued
for it just because the delivery in hand belongs to a job already done.

Most of those deliveries come to the worker whose drain ran their jobs, so it keeps
the outcomes it stored lately (``_StoredHere``) and answers such a delivery without
a statement: a stored job is final (nothing sets it back to queued), and the jobs
queued after it have their own deliveries behind this one. That saves three
statements per drained job (a claim, a status read, and a claim from the queue).
"""

import threading
import time
import traceback
import uuid
from collections import OrderedDict, deque
from collections.abc import Iterator
from typing import Any

import structlog
from django_q.exceptions import TimeoutException

from interp_exec import get_cpu_port
from interp_exec.core import conf
from interp_exec.core.domain import CpuJob, JobOutcome
from interp_exec.core.pool_planning import Pool, SizeRange, pool_for, workload_pools
from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.task_queue import signals
from interp_exec.task_queue.job_claims import (
    ClaimedJob,
    claim,
    claim_queued,
    finish_and_claim,
    finish_many,
)
from interp_exec.task_queue.job_spans import export_job_spans, spans_enabled
from interp_exec.telemetry.dispatch_log_sink import record_dispatch_event

_logger = structlog.get_logger(__name__)


def run_cpu_job(record_id: uuid.UUID | str) -> str:
    """Run the job of one ``CpuJobRecord`` (and, when it goes to a pool, the queued jobs
    that fit beside it); returns the job's final status (the task's result)."""
    if (status := _stored_here.status_of(record_id)) is not None:
        return f"not run: the job is {status}"
    log = _logger.bind(job_id=str(record_id))
    own = claim(record_id)
    if own is None:
        status = CpuJobRecord.objects.filter(pk=record_id).values_list("status", flat=True).first()
        log.info("cpu.job_not_claimed", status=status)
        _drain_queue()
        return f"not run: the job is {status or 'gone'}"
    if own.is_task:
        try:
            signals.task_job_claimed.send(ClaimedJob, job_id=own.pk, workload=own.job.workload)
        except Exception as failure:
            # Its code cannot be found here (moved, renamed): it ends failed, saying why.
            log.error("cpu.task_not_found", task=own.job.workload, error=str(failure))
            if finish_many([(own, _error_columns(JobRecordStatus.FAILED, failure))]):
                signals.task_job_finished.send(ClaimedJob, job_id=own.pk)
            return JobRecordStatus.FAILED.value
    statuses = _Drain([own], pool_for(own.job), log.bind(attempt=own.attempt)).run()
    return statuses.get(own.pk, "discarded: another attempt owns the job")


class _StoredHere:
    """The final status of the last ``LIMIT`` jobs this process's drains stored."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._statuses: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, record_id: uuid.UUID, status: str) -> None:
        with self._lock:
            self._statuses[str(record_id)] = status
            if len(self._statuses) > self.LIMIT:
                self._statuses.popitem(last=False)

    def status_of(self, record_id: uuid.UUID | str) -> str | None:
        with self._lock:
            return self._statuses.get(str(record_id))


_stored_here = _StoredHere()


def _drain_queue() -> None:
    """A delivery with no job of its own left to run fills an idle pool from the queue."""
    for pool, workloads in workload_pools().items():
        first = claim_queued(workloads, limit=pool[1])
        if first:
            _Drain(first, pool, _logger.bind(drained_by="a delivery whose job was done")).run()
            return


class _Drain:
    """The jobs one delivery holds: run through the port's stream, stored in batches.

    ``ready`` holds jobs claimed ahead: a store of finished jobs claims their
    successors with it when the jobs in hand would not replace them all, so when a
    worker frees up its next job is already in hand (on PostgreSQL in the store's
    statement, on SQLite in its transaction, as each transaction is a commit to disk;
    ``finish_and_claim``). The pool hands finished jobs back before it takes more while
    its workers are all busy, so the claim rides with the store rather than going on
    its own, also when two jobs end together.
    ``held`` is every job claimed and not yet stored; if the delivery is stopped
    (django-q2's timeout) or fails, each ends with that reason, never left running.
    """

    def __init__(self, first: list[ClaimedJob], pool: Pool | None, log: Any) -> None:
        self.held = {claimed.pk: claimed for claimed in first}
        self._ready = deque(first)
        self._first_count = len(first)
        self._pool = pool
        self._log = log
        self._statuses: dict[uuid.UUID, str] = {}
        self._started = time.monotonic()
        budget = float(conf.get_setting("DRAIN_BUDGET_S")) if pool is not None else 0.0
        self._claim_until = self._started + budget
        self._exhausted = False

    def run(self) -> dict[uuid.UUID, str]:
        with record_dispatch_event.batch():
            try:
                for finished in get_cpu_port().stream(self._jobs()):
                    self._store(finished)
            except TimeoutException as exc:
                # django-q2 stops the task (and then its worker); the jobs cannot finish.
                self._log.warning("cpu.job_stopped_by_task_queue", error=str(exc))
                self._end_held(JobRecordStatus.TIMED_OUT, exc)
                raise
            except Exception as exc:
                self._log.exception("cpu.job_crashed")
                self._end_held(JobRecordStatus.FAILED, exc)
                raise
        if len(self._statuses) > self._first_count:
            self._log.info(
                "cpu.drain_finished",
                jobs=len(self._statuses),
                seconds=round(time.monotonic() - self._started, 3),
                mode=self._pool[0].value if self._pool else None,
            )
        return self._statuses

    def _jobs(self) -> Iterator[tuple[ClaimedJob, CpuJob]]:
        """This delivery's jobs, pulled by the pool only when it has room for one."""
        while self._ready or self._claim_more():
            claimed = self._ready.popleft()
            if claimed.is_task:
                signals.task_job_started.send(ClaimedJob, job_id=claimed.pk)
            yield claimed, claimed.job
        self._exhausted = True  # jobs claimed after this would never be pulled

    def _claim_more(self) -> bool:
        """Once the jobs in hand are all started, claim a pool's worth of queued jobs bound
        for the pool; False once the budget is spent or nothing is left to claim."""
        if (wanted := self._claim_wanted(pulls=1)) is not None:
            self._hold(claim_queued(*wanted))
        return bool(self._ready)

    def _claim_wanted(self, pulls: int) -> tuple[dict[str, list[SizeRange]], int] | None:
        """The workloads and the number of jobs to claim before the pool takes ``pulls``
        more: None while the jobs in hand cover them, once the budget is spent, or for a
        delivery that runs inline."""
        if len(self._ready) >= pulls or self._pool is None or self._exhausted:
            return None
        if time.monotonic() >= self._claim_until:
            return None
        # Read per claim: a flag changed in the admin applies from the next batch.
        limit = max(self._pool[1], pulls - len(self._ready))
        return workload_pools().get(self._pool, {}), limit

    def _hold(self, claimed_jobs: list[ClaimedJob]) -> None:
        for claimed in claimed_jobs:
            self.held[claimed.pk] = claimed
            self._ready.append(claimed)

    def _store(self, finished: list[tuple[ClaimedJob, JobOutcome]]) -> None:
        store_started_ns = time.time_ns()
        outcomes = (
            (claimed, CpuJobRecord.outcome_columns(outcome)) for claimed, outcome in finished
        )
        log_rows = record_dispatch_event.take()
        # Once this store returns, the pool takes up to a job for each finished one;
        # those it would not find in hand are claimed with the store.
        if (wanted := self._claim_wanted(pulls=len(finished))) is None:
            stored = finish_many(outcomes, log_rows=log_rows)
        else:
            stored, claimed_next = finish_and_claim(outcomes, *wanted, log_rows=log_rows)
            self._hold(claimed_next)
        if spans_enabled():
            export_job_spans(((c, o) for c, o in finished if c.pk in stored), store_started_ns)
        for claimed, outcome in finished:
            del self.held[claimed.pk]
            if claimed.pk in stored:
                self._statuses[claimed.pk] = outcome.status.value
                _stored_here.add(claimed.pk, outcome.status.value)
                if claimed.is_task:
                    signals.task_job_finished.send(ClaimedJob, job_id=claimed.pk)
            else:
                self._log.warning(
                    "cpu.job_outcome_discarded",
                    job_id=str(claimed.pk),
                    reason="another attempt owns it now",
                )
        signals.batch_stored.send(ClaimedJob)

    def _end_held(self, status: JobRecordStatus, exc: BaseException) -> None:
        columns = _error_columns(status, exc)
        finish_many((claimed, columns) for claimed in self.held.values())
        self.held.clear()
        self._ready.clear()


def _error_columns(status: JobRecordStatus, exc: BaseException) -> dict[str, Any]:
    return {
        "status": status,
        "error_type": type(exc).__name__,
        "error_message": str(exc) or repr(exc),
        "error_traceback": "".join(traceback.format_exception(exc)),
    }
