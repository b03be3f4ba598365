"""Workloads: the registry, where `@cpu_workload` records each by name.

Each name is imported from its module when first used (``core.lazy_exports``):
workers import this package on the way to the few modules they need.
"""

from interp_exec.core.lazy_exports import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
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

__getattr__ = lazy_exports(
    __name__,
    {
        "Workload": "interp_exec.core.domain.workload",
        "all_workloads": "interp_exec.core.workloads.registry",
        "cpu_workload": "interp_exec.core.workloads.registry",
        "get_workload": "interp_exec.core.workloads.registry",
        "load_configured_workloads": "interp_exec.core.workloads.registry",
        "load_workload_modules": "interp_exec.core.workloads.registry",
        "register_workload": "interp_exec.core.workloads.registry",
    },
)
