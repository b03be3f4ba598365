"""Run Episodic's CPU-bound stages inline, on subinterpreters or in processes.

The public API. Importing it is cheap and needs no Django: workload modules
import ``cpu_workload`` from here, and every subinterpreter imports them again.
"""

from typing import TYPE_CHECKING

from interp_exec.core.domain import (
    CpuJob,
    ExecutorMode,
    InvalidInput,
    JobOutcome,
    JobStatus,
    JsonPayload,
    SamplePayload,
)
from interp_exec.core.domain.inputs import FileUpload, InputFile, PastedText, WorkloadInputs
from interp_exec.core.workloads import cpu_workload

if TYPE_CHECKING:
    from interp_exec.core.domain import CpuTaskPort

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
