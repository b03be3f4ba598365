"""``task_started`` and ``task_finished`` from the worker that runs a task job.

The queue says when (``interp_exec.task_queue.signals``); ``connect_to_queue``,
called by the app's ``ready()``, turns its word into Django's signals and makes a
claimed task's code runnable in the worker first.

Sent where Django's own backends send them, in the process that runs the task:
started as the job goes to the port, finished once its outcome is stored (a
delivery whose outcome was discarded, another attempt owning the job, sends
nothing; the lease sweep sends it for a job it gives up), and not for a job
whose task can no longer be imported (no ``TaskResult`` can be built without
it; its record says why it failed). The sender is the class of the backend that
queued the task.

Sent robustly: a worker holds other jobs beside this one, and a receiver that
raises must not end them failed; its error is logged.
"""

import uuid

import structlog
from django.dispatch import Signal
from django.tasks import task_backends
from django.tasks.signals import task_finished, task_started

from interp_exec.task_backend.results import load_result
from interp_exec.task_backend.workloads import find_task, task_workload
from interp_exec.task_queue import signals as queue_signals

_logger = structlog.get_logger(__name__)


def connect_to_queue() -> None:
    queue_signals.task_job_claimed.connect(_register_task, dispatch_uid="task_backend.claimed")
    queue_signals.task_job_started.connect(_send_started, dispatch_uid="task_backend.started")
    queue_signals.task_job_finished.connect(_send_finished, dispatch_uid="task_backend.finished")


def _register_task(workload: str, **kwargs: object) -> None:
    """Register the claimed task as a workload in this process; raises if it cannot be
    found (moved, renamed), which ends its job failed."""
    task_workload(find_task(workload))


def _send_started(job_id: uuid.UUID, **kwargs: object) -> None:
    _send(task_started, job_id)


def _send_finished(job_id: uuid.UUID, **kwargs: object) -> None:
    _send(task_finished, job_id)


def _send(signal: Signal, pk: uuid.UUID) -> None:
    try:
        result = load_result(str(pk))
    except ImportError:
        return
    if result is not None:
        sender = type(task_backends[result.backend])
        for receiver, response in signal.send_robust(sender, task_result=result):
            if isinstance(response, Exception):
                _logger.error(
                    "cpu.task_signal_receiver_failed",
                    job_id=str(pk),
                    receiver=repr(receiver),
                    exc_info=response,
                )
