"""``CpuTaskBackend``: the ``django.tasks`` backend that queues tasks as CPU jobs.

Settings (``TASKS[alias]``)::

    "BACKEND": "interp_exec.task_backend.CpuTaskBackend",
    "QUEUES": ["default"],          # Django's: the queue names a task may name
    "ENQUEUE_ON_COMMIT": True,      # default; see below
    "OPTIONS": {"MODES": {"myapp.tasks.transcode": "interpreters"}},

``ENQUEUE_ON_COMMIT`` True: a task enqueued inside a transaction is stored (and
``task_enqueued`` sent) only when that transaction commits, and not at all if it
rolls back, so a worker never runs a task about rows it cannot see yet. False:
it is stored at once, in the caller's transaction; its django-q2 task is still
sent only after that commits (a worker must find the record).

``MODES`` only seeds the flag ``cpu.<task path>`` when the first enqueue creates
it: active for everyone with that mode. A task not listed gets an inactive flag,
so it runs inline until an admin turns the flag on. An existing flag is the
admin's and is never changed here.

Queue names are stored and reported; every queue is served by the same
django-q2 workers. Priority orders the queued jobs a worker claims when it
fills its pool (higher first); the broker itself delivers in order.
"""

from typing import Any, cast

from django.tasks import Task, TaskResult
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.exceptions import InvalidTask, InvalidTaskBackend, TaskResultDoesNotExist
from django.utils.json import normalize_json

from interp_exec.core.domain import ExecutorMode, InterpExecError
from interp_exec.core.domain.execution import MAX_NAME_LENGTH
from interp_exec.task_backend.workloads import find_task, task_workload


class CpuTaskBackend(BaseTaskBackend):
    """Tasks stored as job records and run by django-q2 workers through ``get_cpu_port()``.

    Coroutine functions are refused (``supports_async_task`` False): a task runs
    in a subinterpreter or a process that has no event loop, like any workload.
    """

    supports_defer = True
    supports_get_result = True
    supports_priority = True
    supports_async_task = False

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.enqueue_on_commit = bool(params.get("ENQUEUE_ON_COMMIT", True))
        self.modes = _parse_modes(alias, self.options.get("MODES", {}))

    def validate_task(self, task: Task[..., Any]) -> None:
        """Django's rules, and what a worker in another interpreter or process needs: a
        function it can import by its path, and no ``TaskContext`` (a live result
        object cannot cross into it)."""
        super().validate_task(task)
        if task.func.__name__ == "<lambda>":
            raise InvalidTask(
                "Task function must be a def statement, not a lambda: workers import it by name."
            )
        if task.takes_context:
            raise InvalidTask(
                "This backend runs a task in a subinterpreter or a process, where a "
                "TaskContext cannot go; drop takes_context=True."
            )
        if len(task.module_path) > MAX_NAME_LENGTH:
            raise InvalidTask(
                f"The task's dotted path {task.module_path!r} is longer than "
                f"{MAX_NAME_LENGTH} characters, the most a job record stores."
            )

    def enqueue[**P, R](
        self, task: Task[P, R], args: list[Any], kwargs: dict[str, Any]
    ) -> TaskResult[P, R]:
        """Store the task's job; raises Django's ``InvalidTask`` for a task workers cannot
        run, ``TypeError``/``ValueError`` for arguments JSON cannot hold (as Django's
        own backends do) or the database cannot store (nested too deep, not
        Unicode), ``PayloadTooLarge`` past the flag's payload limit."""
        self.validate_task(task)
        from interp_exec.task_backend.storage import enqueue_task
        from interp_exec.task_queue.stored_payloads import storable_json

        task_workload(_findable(task))
        arguments = {"args": normalize_json(args), "kwargs": normalize_json(kwargs)}
        arguments_json = storable_json(arguments)
        return cast("TaskResult[P, R]", enqueue_task(self, task, arguments, arguments_json))

    def get_result(self, result_id: str) -> TaskResult[..., Any]:
        from interp_exec.task_backend.results import load_result

        result = load_result(str(result_id))
        if result is None:
            raise TaskResultDoesNotExist(result_id)
        return result


def _findable(task: Task[..., Any]) -> Task[..., Any]:
    """The task as a worker will find it by path; ``InvalidTask`` if that is not this task
    (defined in ``__main__``, or its name rebound)."""
    try:
        found = find_task(task.module_path)
    except Exception as exc:
        raise InvalidTask(
            f"Workers cannot find {task.module_path!r} by its path ({exc}); define the task "
            "at module level in an importable module."
        ) from exc
    if found.func is not task.func:
        raise InvalidTask(f"{task.module_path!r} names another task than the one enqueued.")
    return found


def _parse_modes(alias: str, modes: Any) -> dict[str, ExecutorMode]:
    if not isinstance(modes, dict):
        raise InvalidTaskBackend(
            f"TASKS[{alias!r}]['OPTIONS']['MODES'] must map task paths to modes, got {modes!r}"
        )
    try:
        return {str(path): ExecutorMode.parse(mode) for path, mode in modes.items()}
    except InterpExecError as exc:
        raise InvalidTaskBackend(f"TASKS[{alias!r}]['OPTIONS']['MODES']: {exc}") from exc
