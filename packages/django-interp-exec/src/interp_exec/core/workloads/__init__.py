"""Workloads: the registry and the pure-Python jobs Episodic ships."""

from interp_exec.core.domain.workload import Workload
from interp_exec.core.workloads.registry import (
    all_workloads,
    cpu_workload,
    get_workload,
    load_configured_workloads,
    load_workload_modules,
    register_workload,
)

__all__ = [
    "Workload",
    "all_workloads",
    "cpu_workload",
    "get_workload",
    "load_configured_workloads",
    "load_workload_modules",
    "register_workload",
]
