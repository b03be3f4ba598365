"""``task_started`` and ``task_finished`` from the worker that runs a task job.

Sent where Django's own backends send them, in the process that runs the task:
started as the job goes to the port, finished once its outcome is stored (a
delivery whose outcome was discarded, another attempt owning the job, sends
nothing), and not for a job whose task can no longer be imported (no
``TaskResult`` can be built without it; its record says why it failed). The
sender is the class of the backend that queued the task.
"""

import uuid

from django.dispatch import Signal
from django.tasks import task_backends
from django.tasks.signals import task_finished, task_started

from interp_exec.task_backend.results import load_result


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
        signal.send(sender, task_result=result)
