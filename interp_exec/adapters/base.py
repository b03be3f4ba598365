"""What every adapter shares: preparing a job, and turning raw results into outcomes.

An adapter implements only ``execute_all`` (how prepared jobs run and how their
errors are read); ``run`` and ``map`` are written once here, so a bare adapter is
a ``CpuTaskPort`` too (the benchmark uses them that way).
"""

import json
import math
import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from interp_exec.adapters.worker import WorkerReply
from interp_exec.domain import (
    CpuJob,
    ExecutorMode,
    InterpExecError,
    InvalidJob,
    JobOutcome,
    JobStatus,
)
from interp_exec.workloads import Workload, get_workload


@dataclass(frozen=True, slots=True)
class PreparedJob:
    """A job checked and encoded once, ready for any adapter."""

    dispatch_id: str
    job: CpuJob
    workload: Workload
    payload_json: str
    payload_bytes: int
    timeout_s: float | None


@dataclass(frozen=True, slots=True)
class RunResult:
    """What an adapter saw of one run, before routing facts are added."""

    status: JobStatus
    value: Any = None
    error_type: str = ""
    error_message: str = ""
    error_traceback: str = ""
    pid: int | None = None
    interpreter_id: int | None = None
    run_ms: float = 0.0
    total_ms: float = 0.0


def prepare(job: CpuJob, dispatch_id: str | None = None) -> PreparedJob:
    """Check a job and encode its payload; raise an ``InterpExecError`` if it is bad."""
    workload = get_workload(job.workload)
    if isinstance(job.size, bool) or not isinstance(job.size, int) or job.size < 0:
        raise InvalidJob(f"size must be a whole number >= 0, got {job.size!r}")
    if job.timeout_s is not None and not (
        isinstance(job.timeout_s, int | float)
        and math.isfinite(job.timeout_s)
        and job.timeout_s > 0
    ):
        raise InvalidJob(f"timeout_s must be a number of seconds > 0, got {job.timeout_s!r}")
    try:
        payload_json = json.dumps(job.payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidJob(f"payload is not JSON-compatible: {exc}") from None
    return PreparedJob(
        dispatch_id=dispatch_id or uuid.uuid4().hex,
        job=job,
        workload=workload,
        payload_json=payload_json,
        payload_bytes=len(payload_json.encode()),
        timeout_s=job.timeout_s,
    )


def refused_outcome(
    job: CpuJob, dispatch_id: str, error: InterpExecError, mode_requested: str
) -> JobOutcome:
    return JobOutcome(
        dispatch_id=dispatch_id,
        workload=str(job.workload),
        status=JobStatus.REFUSED,
        mode_requested=mode_requested,
        mode_used="",
        size=job.size if isinstance(job.size, int) else 0,
        error_type=type(error).__name__,
        error_message=str(error),
    )


def build_outcome(
    prepared: PreparedJob,
    result: RunResult,
    *,
    mode_requested: str,
    mode_used: str,
    fallback_reason: str = "",
) -> JobOutcome:
    return JobOutcome(
        dispatch_id=prepared.dispatch_id,
        workload=prepared.workload.name,
        status=result.status,
        mode_requested=mode_requested,
        mode_used=mode_used,
        size=prepared.job.size,
        payload_bytes=prepared.payload_bytes,
        value=result.value,
        error_type=result.error_type,
        error_message=result.error_message,
        error_traceback=result.error_traceback,
        fallback_reason=fallback_reason,
        # Only a job that returned knows its run time; otherwise all of it is total_ms.
        wait_ms=round(max(result.total_ms - result.run_ms, 0.0), 3) if result.run_ms else 0.0,
        run_ms=round(result.run_ms, 3),
        total_ms=round(result.total_ms, 3),
        pid=result.pid,
        interpreter_id=result.interpreter_id,
    )


def ok_result(reply: WorkerReply, total_ms: float) -> RunResult:
    result_json, pid, interpreter_id, run_ms = reply
    return RunResult(
        status=JobStatus.OK,
        value=json.loads(result_json),
        pid=pid,
        interpreter_id=interpreter_id,
        run_ms=run_ms,
        total_ms=total_ms,
    )


def timed_out_result(timeout_s: float, total_ms: float, where: str) -> RunResult:
    return RunResult(
        status=JobStatus.TIMED_OUT,
        error_type="TimeoutError",
        error_message=f"the job ran longer than its timeout of {timeout_s:g} s; {where}",
        total_ms=total_ms,
    )


class ExecutionAdapter(ABC):
    """One way of running prepared jobs; also a ``CpuTaskPort`` on its own."""

    mode: ClassVar[ExecutorMode]

    def __init__(self, max_workers: int = 1) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be >= 1")
        self.max_workers = max_workers

    @abstractmethod
    def execute_all(self, prepared: Sequence[PreparedJob]) -> list[RunResult]:
        """Run the jobs (concurrently where possible); results in input order."""

    def warm(self) -> None:  # noqa: B027 - nothing to start for an adapter without workers
        """Start the workers now, so the first real job does not pay for it."""

    def shutdown(self, *, wait: bool = True) -> None:  # noqa: B027 - likewise
        """Release workers; a later job starts new ones."""

    def run(self, job: CpuJob) -> JobOutcome:
        return self.map([job])[0]

    def map(self, jobs: Sequence[CpuJob]) -> list[JobOutcome]:
        outcomes: list[JobOutcome | None] = [None] * len(jobs)
        accepted: list[tuple[int, PreparedJob]] = []
        for index, job in enumerate(jobs):
            dispatch_id = uuid.uuid4().hex
            try:
                accepted.append((index, prepare(job, dispatch_id)))
            except InterpExecError as exc:
                outcomes[index] = refused_outcome(job, dispatch_id, exc, self.mode.value)
        results = self.execute_all([p for _, p in accepted])
        for (index, prepared), result in zip(accepted, results, strict=True):
            outcomes[index] = build_outcome(
                prepared, result, mode_requested=self.mode.value, mode_used=self.mode.value
            )
        return [o for o in outcomes if o is not None]

    def __enter__(self) -> ExecutionAdapter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
