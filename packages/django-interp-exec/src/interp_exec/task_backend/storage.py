"""Storing an enqueued task as a job record, and sending it to django-q2.

A task job is an ordinary ``CpuJobRecord`` + ``CpuJobPayload`` (the arguments),
so the claim, lease, sweep and exactly-once finish of ``task_queue`` apply to it
unchanged; its own columns (``task_*``, ``run_after``, ``worker_ids``) say it
came from ``django.tasks``. A deferred job (``run_after`` still ahead) is stored
with no task sent: ``queued_at`` is its ``run_after``, and the lease sweep sends
it once that has come (``task_queue.sweep``).
"""

import uuid
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.signals import task_enqueued
from django.utils import timezone

from interp_exec.core.domain import CpuJob, ExecutorMode, PayloadTooLarge
from interp_exec.core.wiring import policy_for
from interp_exec.models import CpuJobPayload, CpuJobRecord, ExecutorFlag
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_backend.results import task_result
from interp_exec.task_queue.job_spans import current_trace_parent
from interp_exec.task_queue.queueing import send_stored_job

if TYPE_CHECKING:
    from interp_exec.task_backend.backend import CpuTaskBackend


def enqueue_task(
    backend: CpuTaskBackend, task: Task[..., Any], arguments: dict[str, Any], arguments_json: str
) -> TaskResult[..., Any]:
    """Store the task's job (``arguments_json``: the ``arguments`` as stored) now or when
    the caller's transaction commits (``ENQUEUE_ON_COMMIT``); its result as it stands
    when this returns."""
    path = task.module_path
    size = len(arguments_json)
    _ensure_flag(path, backend.modes.get(path))
    limit = policy_for(CpuJob(path, None, size=size)).max_payload_bytes
    if size > limit:
        raise PayloadTooLarge(
            f"the arguments of {path} are {size:,} bytes of JSON, over the limit of "
            f"{limit:,} (max_payload_bytes on flag {flag_name(path)}); pass a reference to "
            "the data (a row id, a file name) instead of the data"
        )
    record = CpuJobRecord(
        id=uuid.uuid4(),
        workload=path,
        size=size,
        task_backend=backend.alias,
        task_queue=task.queue_name,
        task_priority=task.priority,
        run_after=task.run_after,
        worker_ids=[],
        trace_parent=current_trace_parent(),
    )
    stored: list[TaskResult[..., Any]] = []

    def store() -> None:
        now = timezone.now()
        deferred = task.run_after is not None and task.run_after > now
        record.queued_at = task.run_after if task.run_after is not None and deferred else now
        with transaction.atomic():
            record.save(force_insert=True)
            CpuJobPayload.objects.create(job=record, json_text=arguments_json)
            if not deferred:
                transaction.on_commit(lambda: send_stored_job(record))
        result = task_result(record, task, arguments)
        stored.append(result)
        task_enqueued.send(type(backend), task_result=result)

    if backend.enqueue_on_commit:
        transaction.on_commit(store)  # at once outside a transaction
    else:
        store()
    if stored:
        return stored[0]
    return TaskResult(
        task=task,
        id=str(record.pk),
        status=TaskResultStatus.READY,
        enqueued_at=None,
        started_at=None,
        finished_at=None,
        last_attempted_at=None,
        args=arguments["args"],
        kwargs=arguments["kwargs"],
        backend=backend.alias,
        errors=[],
        worker_ids=[],
    )


def _ensure_flag(path: str, mode: ExecutorMode | None) -> None:
    """Create ``cpu.<path>`` on the task's first enqueue: inactive (its jobs run inline)
    unless the backend's ``MODES`` names a mode for it. Saved, not bulk-created, so
    running workers see it at their next flag refresh."""
    name = flag_name(path)
    if ExecutorFlag.objects.filter(name=name).exists():
        return
    flag = ExecutorFlag(
        name=name,
        everyone=True if mode is not None else None,
        superusers=False,
        mode=(mode or ExecutorMode.INTERPRETERS).value,
        note=(
            f"Created by the first enqueue of the django.tasks task {path}"
            + (f", active in {mode.value} (TASKS OPTIONS MODES)." if mode else ", inactive.")
        ),
    )
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        pass  # another enqueue of the task made it first


def enqueued_task_paths() -> list[str]:
    """The paths of the tasks that have jobs: their flags name a workload, though a
    process registers a task only once it enqueues or runs it."""
    paths = CpuJobRecord.objects.exclude(task_backend="").values_list("workload", flat=True)
    return list(paths.order_by().distinct())
