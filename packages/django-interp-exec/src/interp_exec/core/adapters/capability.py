"""The capability probe: can a workload's imports load in a subinterpreter?

Extension modules that keep process-global state (numpy, readline, ...) refuse to
load in a subinterpreter with an ``ImportError``. The probe imports a workload's
module in a throwaway subinterpreter, never in the host's own state, and caches
the verdict for the life of the process. A workload that passes the probe but
imports such a module later, inside the function, is caught at run time by
``is_subinterpreter_refusal`` and remembered here through ``remember_unsafe``.
"""

import sys
import threading
from concurrent import interpreters

from interp_exec.core.adapters import abandoned
from interp_exec.core.domain import CapabilityVerdict
from interp_exec.core.workloads import Workload, all_workloads

REFUSAL_MARKER = "does not support loading in subinterpreters"


def probe_imports(modules: list[str]) -> CapabilityVerdict:
    interpreter = interpreters.create()
    try:
        interpreter.exec(f"import sys; sys.path[:] = {list(sys.path)!r}")
        for module in modules:
            try:
                # As a worker imports it: with Django set up first if it needs it.
                interpreter.exec(
                    "from interp_exec.core.adapters.worker import import_workload_module; "
                    f"import_workload_module({module!r})"
                )
            except interpreters.ExecutionFailed as exc:
                error = f"{exc.excinfo.type.__name__}: {refusal_summary(str(exc.excinfo.msg))}"
                return CapabilityVerdict(
                    False, f"import {module} fails in a subinterpreter ({error})"
                )
    finally:
        interpreter.close()
    return CapabilityVerdict(True)


def is_subinterpreter_refusal(error_type: str, error_message: str, error_traceback: str) -> bool:
    return error_type in {"ImportError", "ModuleNotFoundError"} and (
        REFUSAL_MARKER in error_message or REFUSAL_MARKER in error_traceback
    )


def refusal_summary(message: str) -> str:
    """The one line of an import error that matters (numpy wraps it in a long help text)."""
    for line in message.splitlines():
        if REFUSAL_MARKER in line:
            return line.removeprefix("Original error was: ").strip()
    return message.strip().splitlines()[0] if message.strip() else message


class CapabilityProbe:
    """Verdicts per workload, probed once per process and then cached."""

    def __init__(self) -> None:
        self._verdicts: dict[str, CapabilityVerdict] = {}
        self._lock = threading.Lock()

    def verdict(self, workload: Workload) -> CapabilityVerdict:
        if saturated := abandoned.saturation():
            return CapabilityVerdict(False, saturated, for_now=True)
        if not workload.interpreter_safe:
            return CapabilityVerdict(
                False, f"workload {workload.name} is declared interpreter_safe=False"
            )
        with self._lock:
            cached = self._verdicts.get(workload.name)
            if cached is None:
                cached = self._verdicts[workload.name] = probe_imports([workload.module])
            return cached

    def remember_unsafe(self, workload: Workload, reason: str) -> None:
        with self._lock:
            self._verdicts[workload.name] = CapabilityVerdict(False, reason)

    def safe_modules(self) -> tuple[str, ...]:
        """Modules of workloads known to load in a subinterpreter, for pre-import."""
        with self._lock:
            safe = {n for n, v in self._verdicts.items() if v.interpreter_safe}
        return tuple(sorted({w.module for w in all_workloads() if w.name in safe}))
