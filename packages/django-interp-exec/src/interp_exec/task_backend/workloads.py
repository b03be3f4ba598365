"""A ``django.tasks`` task as a workload of the registry, so the port can run it.

The workload's name is the task's dotted path (its flag: ``cpu.<path>``). Its
module is the task's module: the capability probe imports that module in a
subinterpreter, and a worker imports it to find the function. On the module the
name is bound to the ``Task`` (``@task`` replaced the function), so the worker
reaches the function as ``<name>.func``, with no Django code on the far side.
Its payload is ``{"args": [...], "kwargs": {...}}``, spread into the call.
"""

from typing import Any

from django.tasks import Task
from django.tasks.exceptions import InvalidTask
from django.utils.module_loading import import_string

from interp_exec.core.domain import Workload
from interp_exec.core.workloads import register_workload


def task_workload(task: Task[..., Any]) -> Workload:
    """Register ``task`` as a workload (once per process) and return it."""
    func = task.func
    doc = (func.__doc__ or "").strip()
    return register_workload(
        Workload(
            name=task.module_path,
            func=func,
            module=func.__module__,
            qualname=f"{func.__qualname__}.func",
            interpreter_safe=True,
            description=doc.splitlines()[0] if doc else "",
            call_with_arguments=True,
        )
    )


def find_task(path: str) -> Task[..., Any]:
    """The task at ``path``: what a worker imports to run it, or ``InvalidTask``."""
    try:
        found = import_string(path)
    except ImportError as exc:
        raise ImportError(f"cannot import the task {path}: {exc}") from exc
    if not isinstance(found, Task):
        raise InvalidTask(
            f"{path} is a {type(found).__name__}, not a django.tasks Task: workers find a "
            "task by its module path, so decorate the module-level function with @task"
        )
    return found
