"""Wiring: the only module that builds adapters and hands them to the dispatcher.

Which pools the current flags send jobs to, and warming them, is
``interp_exec.core.pool_planning``'s.

Pools are process-wide and warm: every port returned by ``get_cpu_port`` shares
them, so a job never pays for a pool start-up that an earlier job already paid.
The policy source and the event sinks come from settings as dotted paths and are
resolved when a port is asked for, never at import time.
"""

import atexit
import importlib
import threading
from functools import cache
from typing import Any

from interp_exec.core import conf, tracing
from interp_exec.core.adapters.base import ExecutionAdapter
from interp_exec.core.adapters.by_mode import ADAPTER_CLASSES
from interp_exec.core.adapters.capability import CapabilityProbe
from interp_exec.core.dispatcher import CpuDispatcher, PolicySource
from interp_exec.core.domain import (
    CpuJob,
    DispatchPolicy,
    ExecutorMode,
    InterpExecError,
    with_job_isolation,
)
from interp_exec.core.domain.port import CpuTaskPort
from interp_exec.core.settings_policy import settings_policy
from interp_exec.core.workloads import load_configured_workloads


class AdapterSet:
    """One adapter per mode for this process; a pool is remade when its size changes.

    A resized pool's predecessor is shut down without waiting: its running jobs
    finish, its idle workers exit, and new jobs go to the new pool.
    """

    def __init__(self, probe: CapabilityProbe) -> None:
        self._probe = probe
        self._lock = threading.Lock()
        self._in_caller = {
            mode: adapter() for mode, adapter in ADAPTER_CLASSES.items() if adapter.runs_in_caller
        }
        self._pools: dict[ExecutorMode, ExecutionAdapter] = {}

    def adapter(self, mode: ExecutorMode, max_workers: int) -> ExecutionAdapter:
        if mode in self._in_caller:
            return self._in_caller[mode]
        with self._lock:
            current = self._pools.get(mode)
            if current is not None and current.max_workers == max_workers:
                return current
            self._pools[mode] = self._new_pool(mode, max_workers)
        if current is not None:
            current.shutdown(wait=False)
        return self._pools[mode]

    def _new_pool(self, mode: ExecutorMode, max_workers: int) -> ExecutionAdapter:
        # Only a mode for interpreter-safe workloads pre-imports those the probe
        # passed; a process imports what its job needs (it may be one the probe refused).
        adapter = ADAPTER_CLASSES[mode]
        preload = self._probe.safe_modules if adapter.needs_interpreter_safe else tuple
        return adapter(max_workers, preload_modules=preload)

    def shutdown(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.shutdown(wait=True)


@cache
def runtime() -> tuple[CapabilityProbe, AdapterSet]:
    """This process's capability probe and pools, made on first use."""
    load_configured_workloads()
    probe = CapabilityProbe()
    adapters = AdapterSet(probe)
    atexit.register(adapters.shutdown)
    return probe, adapters


@cache
def import_callable(path: str) -> Any:
    """Resolve a dotted path from the settings; Django's ``import_string`` without Django."""
    module_name, _, attribute = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as exc:
        raise InterpExecError(
            f"cannot import {path!r} named in INTERP_EXEC settings: {exc}"
        ) from exc


def policy_for(job: CpuJob, mode: str | ExecutorMode | None = None) -> DispatchPolicy:
    """The policy the site's port would apply to ``job``: for checks made before queueing."""
    fixed = ExecutorMode.parse(mode) if mode is not None else None
    return with_job_isolation(_policy_source()(job, fixed), job)


def _policy_source() -> PolicySource:
    path = conf.get_setting("POLICY_SOURCE")
    source: PolicySource = import_callable(path) if path else settings_policy
    return source


def _tracer() -> tracing.DispatchTracer:
    sinks = [import_callable(path) for path in conf.get_setting("EVENT_SINKS")]
    return tracing.DispatchTracer(sinks)


def get_cpu_port(mode: str | ExecutorMode | None = None) -> CpuTaskPort:
    """The dispatcher; with ``mode`` the mode is fixed, else the policy source picks it."""
    fixed = ExecutorMode.parse(mode) if mode is not None else None
    probe, adapters = runtime()
    return CpuDispatcher(
        adapters=adapters,
        probe=probe,
        policy_source=_policy_source(),
        tracer=_tracer(),
        fixed_mode=fixed,
    )
