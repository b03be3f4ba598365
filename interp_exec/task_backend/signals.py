"""``task_started`` and ``task_finished`` from the worker that runs a task job.

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

_logger = structlog.get_logger(__name__)


def send_started(pk: uuid.UUID) -> None:
    _send(task_started, pk)


def send_finished(pk: uuid.UUID) -> None:
    _send(task_finished, pk)


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
