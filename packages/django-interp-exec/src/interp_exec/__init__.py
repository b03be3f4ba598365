"""Run a Django project's CPU-bound stages inline, on subinterpreters or in processes.

The public API. Importing it is cheap and needs no Django: workload modules
import ``cpu_workload`` from here, and every subinterpreter imports them again,
so each name is imported from its module only when first used
(``core.lazy_exports``).
"""

from interp_exec.core.lazy_exports import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from interp_exec.core.domain import CpuTaskPort
    from interp_exec.core.domain.errors import InvalidInput
    from interp_exec.core.domain.inputs import FileUpload, InputFile, PastedText, WorkloadInputs
    from interp_exec.core.domain.jobs import (
        CpuJob,
        JobOutcome,
        JobStatus,
        JsonPayload,
        SamplePayload,
    )
    from interp_exec.core.domain.modes import ExecutorMode
    from interp_exec.core.workloads.registry import cpu_workload

__all__ = [
    "CpuJob",
    "ExecutorMode",
    "FileUpload",
    "InputFile",
    "InvalidInput",
    "JobOutcome",
    "JobStatus",
    "JsonPayload",
    "PastedText",
    "SamplePayload",
    "WorkloadInputs",
    "cpu_workload",
    "get_cpu_port",
]


def get_cpu_port(mode: str | ExecutorMode | None = None) -> CpuTaskPort:
    """The dispatcher (see ``interp_exec.core.wiring``), imported only when first asked for."""
    from interp_exec.core.wiring import get_cpu_port as build_port

    return build_port(mode)


__getattr__ = lazy_exports(
    __name__,
    {
        "CpuJob": "interp_exec.core.domain.jobs",
        "ExecutorMode": "interp_exec.core.domain.modes",
        "FileUpload": "interp_exec.core.domain.inputs",
        "InputFile": "interp_exec.core.domain.inputs",
        "InvalidInput": "interp_exec.core.domain.errors",
        "JobOutcome": "interp_exec.core.domain.jobs",
        "JobStatus": "interp_exec.core.domain.jobs",
        "JsonPayload": "interp_exec.core.domain.jobs",
        "PastedText": "interp_exec.core.domain.inputs",
        "SamplePayload": "interp_exec.core.domain.jobs",
        "WorkloadInputs": "interp_exec.core.domain.inputs",
        "cpu_workload": "interp_exec.core.workloads.registry",
    },
)
