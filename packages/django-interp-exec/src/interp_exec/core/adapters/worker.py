"""What runs on the far side of every adapter: inline, in a subinterpreter, in a
child process. One function for all three is what makes their results identical.

Data flow of one call::

    host: payload -> json.dumps -> (module, qualname, payload_json, sample=None)
      --> worker: import module -> func(json.loads(payload_json)) -> json.dumps(result)
      <-- host: (result_json, pid, interpreter id, run_ms, payload bytes) -> outcome

Strings cross cheaply into a subinterpreter and JSON is what the outcome stores,
so the payload and result are JSON text on the wire in every mode. A sampled
job sends ``sample=(module, qualname, size, seed)`` of the workload's sample
function instead of a payload, and the worker builds the payload itself: the
host neither builds nor copies it.
"""

# The C module, not ``concurrent.interpreters``: that one would bring ``threading``,
# its queues and more into every worker for the one id a reply carries.
import _interpreters
import importlib
import json
import os
import time

# Names for the type checker only: a worker imports nothing it does not run
# (no ``typing``, nothing of the domain), so a subinterpreter holds little more
# than the workload (tests/contract/test_far_side_imports.py keeps the list).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from interp_exec.core.domain.execution import SampleCall

type WorkerReply = tuple[str, int, int, float, int]


def prepare_worker(sys_path: Sequence[str], modules: Sequence[str]) -> None:
    """Pool initializer: give the worker the host's import path and warm imports.

    Subinterpreters do not inherit runtime additions to the host's ``sys.path``
    (cpython#126714), so a workload found only through such an addition would fail
    to unpickle, and so would this very function if it were pickled by reference.
    It therefore touches no module globals (its imports are local): such a
    function is sent to the subinterpreter as code, not by reference.

    A module that fails to import here is skipped, not raised: a raising
    initializer breaks the whole pool, while the job that needs the module will
    import it again and report the real error in its own outcome.
    """
    import importlib
    import sys

    sys.path[:] = list(sys_path)
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: S112 - reported by the job that needs it, see above
            continue


# Exceptions a host raises into its own thread to stop the work it is doing, which
# therefore pass through a job instead of ending it: django-q2 stops an overdue task
# with its TimeoutException (a SystemExit) from a SIGALRM handler, in the thread
# an inline job runs in. Named, not imported: the far side never imports Django.
HOST_STOPS = frozenset({"django_q.exceptions.TimeoutException"})


class JobAborted(Exception):
    """A job's end that cannot come back to the host as itself.

    ``SystemExit`` (``sys.exit``), ``KeyboardInterrupt`` and ``GeneratorExit``
    would end the worker that runs the job (a django-q2 worker, a pool's thread or
    process, the host itself inline); a ``MemoryError`` raised in a subinterpreter
    is lost on its way out (CPython 3.14's ``Interpreter.call`` returns None for it).
    So the job's end is turned into this ordinary error, which every adapter
    reports as a failed outcome by the original type name and message.
    """

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(type_name, message)
        self.type_name = type_name
        self.message = message

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}"


def is_host_stop(exc: BaseException) -> bool:
    return any(f"{c.__module__}.{c.__qualname__}" in HOST_STOPS for c in type(exc).__mro__)


def execute(
    module: str,
    qualname: str,
    payload_json: str,
    sample: SampleCall | None = None,
    spread: bool = False,
) -> WorkerReply:
    """Run one job; a job that tries to end its worker fails instead (``JobAborted``).
    ``spread``: the payload holds ``args`` and ``kwargs`` for the call (a task's)."""
    try:
        return _run(module, qualname, payload_json, sample, spread)
    except MemoryError as exc:
        message = str(exc) or "the job asked for more memory than it could have"
        raise JobAborted("MemoryError", message) from None
    except Exception:
        raise
    except BaseException as exc:
        if is_host_stop(exc):
            raise
        message = str(exc) or f"{type(exc).__name__} with no message"
        raise JobAborted(type(exc).__name__, f"{message} (a job cannot end its worker)") from exc


def _run(
    module: str, qualname: str, payload_json: str, sample: SampleCall | None, spread: bool
) -> WorkerReply:
    func: Callable[[Any], Any] = _resolve(module, qualname)
    if sample is None:
        payload = json.loads(payload_json)
        payload_bytes = len(payload_json.encode())
    else:
        sample_module, sample_qualname, size, seed = sample
        payload = _resolve(sample_module, sample_qualname)(size, seed)
        payload_bytes = len(json.dumps(payload, allow_nan=False).encode())
    started = time.perf_counter()
    try:
        result = func(*payload["args"], **payload["kwargs"]) if spread else func(payload)
        run_ms = (time.perf_counter() - started) * 1000
    finally:
        _close_django_connections()
    try:
        result_json = json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as exc:
        # Said plainly: the traceback of the encoder alone reads as a bug of the job's code.
        raise type(exc)(
            f"{qualname} returned a value that is not JSON serializable as a result ({exc}); "
            "return dicts, lists, text, numbers, booleans or None"
        ) from None
    return result_json, os.getpid(), _interpreters.get_current()[0], run_ms, payload_bytes


def _resolve(module: str, qualname: str) -> Any:
    found: Any = import_workload_module(module)
    for attribute in qualname.split("."):
        found = getattr(found, attribute)
    return found


# Whether this worker set Django up itself, for a job whose module needed it.
_django_set_up_here = False


def import_workload_module(module: str) -> Any:
    """Import a workload's module. One that needs Django's app registry (a task whose
    module imports models) gets Django set up in this worker first, once: settings
    from ``DJANGO_SETTINGS_MODULE``, which every worker inherits from its host. Only
    a worker that runs such a job pays for Django (0.7 s and its apps' memory)."""
    global _django_set_up_here
    try:
        return importlib.import_module(module)
    except Exception as exc:
        # Named, not imported: this module does not import Django for every worker.
        if type(exc).__name__ != "AppRegistryNotReady" or _django_set_up_here:
            raise
    import django

    django.setup(set_prefix=False)
    _django_set_up_here = True
    return importlib.import_module(module)


def _close_django_connections() -> None:
    """Close the database connections a job opened in a worker that set Django up:
    a worker outlives its jobs, and must not hold a connection (or SQLite's lock)
    between them."""
    if _django_set_up_here:
        from django.db import connections

        connections.close_all()


# What a pool sends its workers. Each reads no module global and takes no default, so
# ``Interpreter.call`` sends it to a subinterpreter as code, where a function sent by
# reference is pickled and a worker would import ``pickle`` for it (0.3-0.4 MiB a
# subinterpreter). A process pool pickles them by reference, as any function.


def execute_job(
    module: str, qualname: str, payload_json: str, sample: SampleCall | None, spread: bool
) -> WorkerReply:
    """``execute``, sent as code."""
    from interp_exec.core.adapters.worker import execute

    return execute(module, qualname, payload_json, sample, spread)


def ping() -> int:
    """A no-op job that starts a worker ahead of real work, with this module imported."""
    import os

    import interp_exec.core.adapters.worker  # noqa: F401 - for the jobs to come

    return os.getpid()
