"""A task job's record read back as Django's ``TaskResult``.

Statuses: queued -> READY, running -> RUNNING, ok -> SUCCESSFUL, and every other
end (failed, timed out, refused) -> FAILED. A record holds the error of its last
attempt (or the cause its worker was lost, on a job queued again): that is its
one ``TaskError``. ``exception_class_path`` must name an importable exception
class: the traceback's last line names it (``module.Class: message``); an end
that no exception of the task caused (its worker was lost, no pool worker was
free) is reported as ``TaskJobFailed`` with the record's message as its text.
``started_at`` and ``last_attempted_at`` are both the start of the last attempt
(the record keeps no other).
"""

import builtins
import uuid
from typing import Any

from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.base import TaskError

from interp_exec.core.domain import errors
from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.task_backend.workloads import find_task

_STATUSES = {
    JobRecordStatus.QUEUED: TaskResultStatus.READY,
    JobRecordStatus.RUNNING: TaskResultStatus.RUNNING,
    JobRecordStatus.OK: TaskResultStatus.SUCCESSFUL,
}


class TaskJobFailed(Exception):
    """A task's job ended failed without an exception of the task's own (its worker
    was lost, the queue refused it); the error's traceback text says why."""


def load_result(result_id: str) -> TaskResult[..., Any] | None:
    """The result of the task job ``result_id``; None if there is no such task job."""
    try:
        pk = uuid.UUID(result_id)
    except ValueError:
        return None
    record = (
        CpuJobRecord.objects.select_related("stored_payload")
        .exclude(task_backend="")
        .filter(pk=pk)
        .first()
    )
    return None if record is None else task_result(record)


def task_result(
    record: CpuJobRecord,
    task: Task[..., Any] | None = None,
    arguments: dict[str, Any] | None = None,
) -> TaskResult[..., Any]:
    """The record as a ``TaskResult``; ``task`` and ``arguments`` when the caller has them."""
    if task is None:
        task = find_task(record.workload).using(
            priority=record.task_priority,
            queue_name=record.task_queue,
            run_after=record.run_after,
            backend=record.task_backend,
        )
    arguments = arguments if arguments is not None else record.payload
    status = _STATUSES.get(JobRecordStatus(record.status), TaskResultStatus.FAILED)
    result = TaskResult(
        task=task,
        id=str(record.pk),
        status=status,
        enqueued_at=record.created_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        last_attempted_at=record.started_at,
        args=arguments["args"],
        kwargs=arguments["kwargs"],
        backend=record.task_backend,
        errors=[_error(record)] if record.error_type else [],
        worker_ids=list(record.worker_ids or []),
    )
    if status is TaskResultStatus.SUCCESSFUL:
        object.__setattr__(result, "_return_value", record.value)
    return result


def _error(record: CpuJobRecord) -> TaskError:
    return TaskError(
        exception_class_path=exception_class_path(record.error_type, record.error_traceback),
        traceback=record.error_traceback or f"{record.error_type}: {record.error_message}",
    )


def exception_class_path(error_type: str, traceback: str) -> str:
    """The dotted path of the exception ``error_type`` (a bare class name, as outcomes
    store it), from the traceback's last line when it names the class."""
    for line in reversed(traceback.strip().splitlines()):
        named = line.split(":", 1)[0].strip()
        if "." in named and named.rsplit(".", 1)[1] == error_type:
            return named
        if named == error_type:
            break
    for module, namespace in (("builtins", vars(builtins)), (errors.__name__, vars(errors))):
        found = namespace.get(error_type)
        if isinstance(found, type) and issubclass(found, BaseException):
            return f"{module}.{error_type}"
    return f"{__name__}.{TaskJobFailed.__qualname__}"
