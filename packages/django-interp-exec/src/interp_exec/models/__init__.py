"""The app's tables: one module per concern, thin models that map to domain values."""

from interp_exec.models.benchmarks import BenchmarkResult, BenchmarkRun
from interp_exec.models.dispatch_log import DispatchLog
from interp_exec.models.flags import ExecutorFlag
from interp_exec.models.jobs import CpuJobPayload, CpuJobRecord, JobRecordStatus

__all__ = [
    "BenchmarkResult",
    "BenchmarkRun",
    "CpuJobPayload",
    "CpuJobRecord",
    "DispatchLog",
    "ExecutorFlag",
    "JobRecordStatus",
]
