"""Queue a CPU job: check it, store its record, hand it to django-q2 after commit.

The checks are the ones the dispatcher would make later (known workload, payload
within the limit of the workload's policy), made up front so that a person who
asks for an impossible job is told at once and nothing is queued, plus what the
database needs to store the payload (``stored_payloads``). The payload of a
sampled job is not stored: ``sample(size, seed)`` is deterministic, so the worker
rebuilds it from the seed; its size is estimated from two short samples, so a
job too large for its workload's limit is refused without building it. A
``django.tasks`` task is never queued here: only its own ``enqueue`` makes its
jobs, with the arguments its code chose.
"""

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from interp_exec.core import conf
from interp_exec.core.domain import (
    CpuJob,
    InvalidJob,
    PayloadTooLarge,
    QueueLimitReached,
    payload_to_json,
)
from interp_exec.core.domain.errors import shown
from interp_exec.core.wiring import policy_for
from interp_exec.core.workloads import Workload, get_workload, load_configured_workloads
from interp_exec.models import CpuJobPayload, CpuJobRecord, JobRecordStatus
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.job_spans import current_trace_parent
from interp_exec.task_queue.stored_payloads import storable_json

# The task every queued job sends, as the broker stores it (interp_exec.q2_entry_points).
RUN_CPU_JOB_TASK = "interp_exec.q2_entry_points.run_cpu_job"

MAX_JOB_SIZE = 1_000_000
# The largest seed CpuJobRecord.seed (an IntegerField) stores.
MAX_SEED = 2**31 - 1
# Samples this many units long and twice as long give a sample's fixed bytes and
# bytes per unit, so a size over the payload limit is refused without building a
# payload of megabytes (a million audio samples take 0.6 s to make).
_ESTIMATE_UNITS = 256

_logger = structlog.get_logger(__name__)
_brokers = threading.local()


def queue_cpu_job(
    workload: str,
    size: int,
    *,
    seed: int | None = None,
    payload: Any = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> CpuJobRecord:
    """Store a job and queue its task; raises an ``InterpExecError`` for a bad job (of
    any type: nothing else escapes a bad argument) or past the user's queue limit,
    and then stores nothing.

    Give ``payload`` to run on your own data (or a ``CheckedPayload`` of it, which is not
    encoded again), else the workload's sample for ``seed`` (blank: 0) is used.

    A task the queue refuses (its broker is down) leaves the job stored as failed
    with the reason, and its error is raised, so a page answers 503 naming the
    broker (``interp_exec.ops.outages``); called inside a transaction of yours, the
    task is sent when that commits, and a refusal then only fails the job.
    """
    load_configured_workloads()
    definition = get_workload(workload)
    if definition.call_with_arguments:
        raise InvalidJob(
            f"{workload} is a django.tasks task: only its own enqueue() queues it, with "
            "the arguments its code gives"
        )
    _check_whole_number("size", size, 1, MAX_JOB_SIZE)
    if seed is not None:
        _check_whole_number("seed", seed, 0, MAX_SEED)
    user_id = user.pk if user is not None and user.is_authenticated else None
    if user_id is not None:
        _check_queue_limit(user_id)
    payload_json = None
    if isinstance(payload, CheckedPayload):
        # Checked for everyone; the limit again for this user, the text as it was made.
        _check_limit(workload, payload.value, len(payload.json_text), user_id)
        payload_json = payload.json_text
    elif payload is not None:
        payload_json = checked_payload(workload, payload, user_id).json_text
    else:
        limit = policy_for(CpuJob(workload, None, size=size, user_id=user_id)).max_payload_bytes
        payload_bytes = _sample_bytes(definition, size, seed or 0)
        if payload_bytes > limit:
            raise PayloadTooLarge(
                f"the payload of a {workload} job of size {size} would be about "
                f"{payload_bytes:,} bytes, over this workload's limit of {limit:,}; choose a "
                "smaller size"
            )

    # In the caller's own transaction the task can only go once that commits.
    deferred = transaction.get_connection().in_atomic_block
    with transaction.atomic():
        record = CpuJobRecord.objects.create(
            workload=workload,
            size=size,
            seed=seed,
            created_by_id=user_id,
            trace_parent=current_trace_parent(),
        )
        if payload_json is not None:
            CpuJobPayload.objects.create(job=record, json_text=payload_json)
        if deferred:
            transaction.on_commit(lambda: send_stored_job(record))
    if not deferred:
        # Committed: the worker finds the record when the task arrives.
        send_stored_job(record, raise_refusal=True)
    return record


@dataclass(frozen=True, slots=True)
class CheckedPayload:
    """A payload and the JSON text ``checked_payload`` made of it. Given to
    ``queue_cpu_job`` as the payload, its text is stored as it is (the limit is checked
    again, for the job's user) instead of being encoded again: the job form and the API
    check a payload before they measure it, and a second encoding cost 0.5-1.3 ms a
    190 KB transcript."""

    value: Any
    json_text: str


def checked_payload(
    workload: str,
    payload: Any,
    user_id: int | None = None,
    *,
    limit_text: Callable[[int], str] = "{:,}".format,
) -> CheckedPayload:
    """``payload`` with its JSON text as it is stored, once the database can store it and
    it is within the workload's limit; else an ``InvalidJob`` naming why, the limit as
    ``limit_text`` says it. Cheap next to measuring a payload: the job form and the
    API ask it first."""
    # Before the policy is read: a percent rollout hashes the payload.
    text = storable_json(payload)
    _check_limit(workload, payload, len(text), user_id, limit_text)
    return CheckedPayload(payload, text)


def _check_limit(
    workload: str,
    payload: Any,
    payload_bytes: int,
    user_id: int | None,
    limit_text: Callable[[int], str] = "{:,}".format,
) -> None:
    limit = policy_for(CpuJob(workload, payload, size=1, user_id=user_id)).max_payload_bytes
    if payload_bytes > limit:
        raise PayloadTooLarge(
            f"the input makes a payload of {payload_bytes:,} bytes, over this workload's "
            f"limit of {limit_text(limit)}; give a shorter one or split it into several "
            f"jobs, or raise max_payload_bytes on flag {flag_name(workload)}"
        )


def send_job_task(record_id: uuid.UUID | str) -> str:
    """Hand the job's task to django-q2; its task id. The sweep sends lost ones again."""
    # Imported here: the views and the admin import this module, and they work
    # without the task queue installed (jobs then run only through the port).
    from django_q.tasks import async_task

    task_id: str = async_task(
        RUN_CPU_JOB_TASK, str(record_id), task_name=f"cpu job {record_id}", broker=_broker()
    )
    return task_id


def _broker() -> Any:
    """This thread's django-q2 broker: ``async_task`` would make one per task, and with
    it, on Redis, a new connection (2.5 ms of a 22 ms queued job, measured); the
    broker's own client reconnects after an outage."""
    broker = getattr(_brokers, "broker", None)
    if broker is None:
        from django_q.brokers import get_broker

        broker = _brokers.broker = get_broker()
    return broker


def send_stored_job(record: CpuJobRecord, *, raise_refusal: bool = False) -> None:
    """Send a committed job's task and note its id; a job the queue refuses ends failed,
    and with ``raise_refusal`` the queue's error is raised after that."""
    try:
        task_id = send_job_task(record.pk)
    except Exception as exc:
        # A job that cannot be queued ends failed with the reason, never stays "queued".
        _logger.exception("cpu.job_not_queued", job_id=str(record.pk))
        record.status = JobRecordStatus.FAILED
        record.error_type = type(exc).__name__
        record.error_message = f"the task queue did not accept the job: {exc}"
        record.save(update_fields=["status", "error_type", "error_message"])
        if raise_refusal:
            raise
        return
    record.task_id = task_id
    record.save(update_fields=["task_id"])
    _logger.info("cpu.job_queued", job_id=str(record.pk), task_id=task_id)


def _check_whole_number(name: str, value: Any, low: int, high: int) -> None:
    """A real int in range: not a bool, not 1.5 (nothing is rounded), no more than the
    database column stores."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidJob(f"{name} must be a whole number from {low} to {high}, got {shown(value)}")


def _check_queue_limit(user_id: int) -> None:
    """Refuse a job past the user's ``MAX_QUEUED_PER_USER`` queued or running jobs.

    Counted before the job is stored, without a lock: two requests of one user at
    the same instant may both pass, so the limit can be overshot by the requests in
    flight at once, never by more.
    """
    limit = conf.get_setting("MAX_QUEUED_PER_USER")
    if limit is None:
        return
    waiting = CpuJobRecord.objects.filter(
        created_by_id=user_id, status__in=[JobRecordStatus.QUEUED, JobRecordStatus.RUNNING]
    ).count()
    if waiting >= limit:
        raise QueueLimitReached(
            f"you already have {waiting} jobs queued or running, the most one person may "
            f"have at once ({limit}); wait for some of them to finish, then try again"
        )


def _sample_bytes(workload: Workload, size: int, seed: int) -> int:
    """The bytes of the sample's JSON: measured up to twice ``_ESTIMATE_UNITS`` units,
    else extrapolated from samples of that many and twice as many."""
    if size <= 2 * _ESTIMATE_UNITS:
        return _json_bytes(workload.sample_payload(size, seed))
    short = _json_bytes(workload.sample_payload(_ESTIMATE_UNITS, seed))
    longer = _json_bytes(workload.sample_payload(2 * _ESTIMATE_UNITS, seed))
    return short + (longer - short) * (size - _ESTIMATE_UNITS) // _ESTIMATE_UNITS


def _json_bytes(payload: Any) -> int:
    return len(payload_to_json(payload).encode())
