"""The domain: what a CPU job is, what came of it, and where it should run.

Nothing here imports Django, structlog or ``concurrent.futures``: these types are
shared by the dispatcher, every adapter and every subinterpreter worker, and the
routing rules stay testable as plain functions.
"""

from interp_exec.core.domain.auto_choice import AutoChoice, BandPlan, ModeFigures
from interp_exec.core.domain.errors import (
    InterpExecError,
    InvalidInput,
    InvalidJob,
    IsolationUnavailable,
    PayloadTooLarge,
    QueueLimitReached,
    UnknownExecutorMode,
    UnknownWorkload,
)
from interp_exec.core.domain.execution import (
    AdapterSource,
    CapabilityCheck,
    ExecutionPort,
    PreparedJob,
    RunResult,
    SampleCall,
    as_refusal,
    build_outcome,
    payload_to_json,
    prepare,
    refused_outcome,
)
from interp_exec.core.domain.jobs import CpuJob, JobOutcome, JobStatus, JsonPayload, SamplePayload
from interp_exec.core.domain.modes import AUTO, FLAG_MODES, ExecutorMode
from interp_exec.core.domain.policy import (
    REFUSED_AT_RUN_TIME,
    CapabilityVerdict,
    DispatchPolicy,
    Route,
    decide_route,
    with_job_isolation,
)
from interp_exec.core.domain.port import CpuTaskPort
from interp_exec.core.domain.workload import Workload

__all__ = [
    "AUTO",
    "FLAG_MODES",
    "REFUSED_AT_RUN_TIME",
    "AdapterSource",
    "AutoChoice",
    "BandPlan",
    "CapabilityCheck",
    "CapabilityVerdict",
    "CpuJob",
    "CpuTaskPort",
    "DispatchPolicy",
    "ExecutionPort",
    "ExecutorMode",
    "InterpExecError",
    "InvalidInput",
    "InvalidJob",
    "IsolationUnavailable",
    "JobOutcome",
    "JobStatus",
    "JsonPayload",
    "ModeFigures",
    "PayloadTooLarge",
    "PreparedJob",
    "QueueLimitReached",
    "Route",
    "RunResult",
    "SampleCall",
    "SamplePayload",
    "UnknownExecutorMode",
    "UnknownWorkload",
    "Workload",
    "as_refusal",
    "build_outcome",
    "decide_route",
    "payload_to_json",
    "prepare",
    "refused_outcome",
    "with_job_isolation",
]
