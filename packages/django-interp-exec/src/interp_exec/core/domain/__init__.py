"""The domain: what a CPU job is, what came of it, and where it should run.

Nothing here imports Django, structlog or ``concurrent.futures``: these types are
shared by the dispatcher, every adapter and every subinterpreter worker, and the
routing rules stay testable as plain functions.

Each name is imported from its module when first used (``core.lazy_exports``):
workers import this package on the way to the few modules they need.
"""

from interp_exec.core.lazy_exports import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
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
        new_dispatch_id,
        payload_to_json,
        prepare,
        refused_outcome,
    )
    from interp_exec.core.domain.jobs import (
        CpuJob,
        JobOutcome,
        JobStatus,
        JsonPayload,
        SamplePayload,
    )
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
    "new_dispatch_id",
    "payload_to_json",
    "prepare",
    "refused_outcome",
    "with_job_isolation",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "AutoChoice": "interp_exec.core.domain.auto_choice",
        "BandPlan": "interp_exec.core.domain.auto_choice",
        "ModeFigures": "interp_exec.core.domain.auto_choice",
        "InterpExecError": "interp_exec.core.domain.errors",
        "InvalidInput": "interp_exec.core.domain.errors",
        "InvalidJob": "interp_exec.core.domain.errors",
        "IsolationUnavailable": "interp_exec.core.domain.errors",
        "PayloadTooLarge": "interp_exec.core.domain.errors",
        "QueueLimitReached": "interp_exec.core.domain.errors",
        "UnknownExecutorMode": "interp_exec.core.domain.errors",
        "UnknownWorkload": "interp_exec.core.domain.errors",
        "AdapterSource": "interp_exec.core.domain.execution",
        "CapabilityCheck": "interp_exec.core.domain.execution",
        "ExecutionPort": "interp_exec.core.domain.execution",
        "PreparedJob": "interp_exec.core.domain.execution",
        "RunResult": "interp_exec.core.domain.execution",
        "SampleCall": "interp_exec.core.domain.execution",
        "as_refusal": "interp_exec.core.domain.execution",
        "build_outcome": "interp_exec.core.domain.execution",
        "new_dispatch_id": "interp_exec.core.domain.execution",
        "payload_to_json": "interp_exec.core.domain.execution",
        "prepare": "interp_exec.core.domain.execution",
        "refused_outcome": "interp_exec.core.domain.execution",
        "CpuJob": "interp_exec.core.domain.jobs",
        "JobOutcome": "interp_exec.core.domain.jobs",
        "JobStatus": "interp_exec.core.domain.jobs",
        "JsonPayload": "interp_exec.core.domain.jobs",
        "SamplePayload": "interp_exec.core.domain.jobs",
        "AUTO": "interp_exec.core.domain.modes",
        "FLAG_MODES": "interp_exec.core.domain.modes",
        "ExecutorMode": "interp_exec.core.domain.modes",
        "REFUSED_AT_RUN_TIME": "interp_exec.core.domain.policy",
        "CapabilityVerdict": "interp_exec.core.domain.policy",
        "DispatchPolicy": "interp_exec.core.domain.policy",
        "Route": "interp_exec.core.domain.policy",
        "decide_route": "interp_exec.core.domain.policy",
        "with_job_isolation": "interp_exec.core.domain.policy",
        "CpuTaskPort": "interp_exec.core.domain.port",
        "Workload": "interp_exec.core.domain.workload",
    },
)
