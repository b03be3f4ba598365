"""The registry of workloads: only registered names can run.

A job names a workload, never code. Registration happens at import time of the
workload's module, which is also what every subinterpreter and process worker
does: each imports the module by its dotted path and finds the function by its
qualified name, so the function must live at module level.
"""

import _thread
import importlib
from collections.abc import Callable, Iterable

from interp_exec.core.domain.errors import UnknownWorkload, WorkloadRegistrationError, shown
from interp_exec.core.domain.inputs import WorkloadInputs
from interp_exec.core.domain.workload import SampleFunc, Workload, WorkloadFunc

_registry: dict[str, Workload] = {}
# ``_thread``'s lock is ``threading.Lock``; every subinterpreter imports this module,
# and ``threading`` would cost each 0.2-0.35 MiB for this one lock.
_lock = _thread.allocate_lock()


def cpu_workload(
    name: str,
    *,
    sample: SampleFunc | None = None,
    bench_size: int | None = None,
    interpreter_safe: bool = True,
    min_task_size: int | None = None,
    inputs: WorkloadInputs | None = None,
) -> Callable[[WorkloadFunc], WorkloadFunc]:
    """Register a module-level function as the workload ``name``.

    ``sample`` and ``bench_size``: see ``Workload``; ``inputs``: what a person may give
    it besides its sample (see ``WorkloadInputs``).
    """

    def register(func: WorkloadFunc) -> WorkloadFunc:
        if "<locals>" in func.__qualname__:
            raise WorkloadRegistrationError(
                f"workload {name!r} must be a module-level function: workers import it by "
                f"path, and {func.__qualname__} cannot be found that way"
            )
        workload = Workload(
            name=name,
            func=func,
            module=func.__module__,
            qualname=func.__qualname__,
            interpreter_safe=interpreter_safe,
            sample=sample,
            bench_size=bench_size,
            description=(func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else "",
            min_task_size=min_task_size,
            inputs=inputs,
        )
        with _lock:
            existing = _registry.get(name)
            if existing is not None and (existing.module, existing.qualname) != (
                workload.module,
                workload.qualname,
            ):
                raise WorkloadRegistrationError(
                    f"workload {name!r} is registered twice: by {existing.module}."
                    f"{existing.qualname} and by {workload.module}.{workload.qualname}"
                )
            _registry[name] = workload
        return func

    return register


def declare_inputs(name: str, inputs: WorkloadInputs) -> None:
    """Give the registered workload ``name`` its inputs, for one registered elsewhere:
    a host project offering uploads for a shipped workload, or one declaration
    shared by several workloads (``audio_inputs``)."""
    with _lock:
        _registry[name] = get_workload(name).replace(inputs=inputs)


def load_workload_modules(modules: Iterable[str]) -> None:
    """Import workload modules, which register their workloads."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise WorkloadRegistrationError(
                f"cannot import workload module {module!r} (listed in "
                f'INTERP_EXEC["WORKLOADS"]): {exc}'
            ) from exc


def load_configured_workloads() -> list[Workload]:
    """Load the host project's workloads (``INTERP_EXEC["WORKLOADS"]``)."""
    from interp_exec.core.conf import get_setting

    load_workload_modules(get_setting("WORKLOADS"))
    return all_workloads()


def get_workload(name: str) -> Workload:
    known = ", ".join(sorted(_registry)) or "none"
    if not isinstance(name, str):
        raise UnknownWorkload(
            f"a workload is named by text, got {shown(name)} ({type(name).__name__}); "
            f"registered workloads: {known}"
        )
    try:
        return _registry[name]
    except KeyError:
        raise UnknownWorkload(
            f"unknown workload {shown(name)}; registered workloads: {known}"
        ) from None


def all_workloads() -> list[Workload]:
    return sorted(_registry.values(), key=lambda w: w.name)


def register_workload(workload: Workload) -> Workload:
    """Register a workload built elsewhere than by ``@cpu_workload`` (a ``django.tasks``
    task, see ``interp_exec.task_backend``); the one registered under its name if it
    is the same function, else ``WorkloadRegistrationError``."""
    with _lock:
        existing = _registry.setdefault(workload.name, workload)
    if (existing.module, existing.qualname) != (workload.module, workload.qualname):
        raise WorkloadRegistrationError(
            f"workload {workload.name!r} is registered twice: by {existing.module}."
            f"{existing.qualname} and by {workload.module}.{workload.qualname}"
        )
    return existing
