"""What the dispatcher and the adapters exchange, and what the dispatcher needs of them.

A job is checked and encoded once (``prepare``) into a ``PreparedJob`` that any
adapter can run; an adapter answers each with a ``RunResult``; the dispatcher
turns results into ``JobOutcome`` values (``build_outcome``). The protocols are
the driven side of the port: the dispatcher is typed against them, never
against an adapter or the capability probe themselves.
"""

import json
import math
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from interp_exec.core.domain.errors import InterpExecError, InvalidJob
from interp_exec.core.domain.jobs import CpuJob, JobOutcome, JobStatus, JsonPayload, SamplePayload
from interp_exec.core.domain.modes import ExecutorMode
from interp_exec.core.domain.policy import CapabilityVerdict
from interp_exec.core.domain.workload import Workload

# How a worker builds a sampled job's payload: (module, qualname, size, seed).
type SampleCall = tuple[str, str, int, int]


@dataclass(frozen=True, slots=True)
class PreparedJob:
    """A job checked and encoded once, ready for any adapter.

    A sampled job has no ``payload_json`` (and ``payload_bytes`` 0 until it ran):
    ``sample`` tells the worker how to build its payload.
    """

    dispatch_id: str
    job: CpuJob
    workload: Workload
    payload_json: str
    payload_bytes: int
    timeout_s: float | None
    sample: SampleCall | None = None


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
    payload_bytes: int = 0
    # Set by an adapter whose subinterpreter refused to load a module the job
    # imported as it ran: that error, in one line. The dispatcher runs such a job
    # again where its policy falls back to.
    interpreter_refusal: str = ""


def prepare(job: CpuJob, workload: Workload, dispatch_id: str | None = None) -> PreparedJob:
    """Check a job of ``workload`` and encode its payload; raise an ``InterpExecError``
    if it is bad."""
    if isinstance(job.size, bool) or not isinstance(job.size, int) or job.size < 0:
        raise InvalidJob(f"size must be a whole number >= 0, got {job.size!r}")
    if job.timeout_s is not None and not (
        isinstance(job.timeout_s, int | float)
        and math.isfinite(job.timeout_s)
        and job.timeout_s > 0
    ):
        raise InvalidJob(f"timeout_s must be a number of seconds > 0, got {job.timeout_s!r}")
    dispatch_id = dispatch_id or uuid.uuid4().hex
    if isinstance(job.payload, JsonPayload):
        text = job.payload.text
        return PreparedJob(dispatch_id, job, workload, text, len(text.encode()), job.timeout_s)
    if isinstance(job.payload, SamplePayload):
        sample = _sample_call(workload, job.size, job.payload.seed)
        if sample is not None:
            return PreparedJob(dispatch_id, job, workload, "", 0, job.timeout_s, sample)
        payload: Any = workload.sample(job.size, job.payload.seed)
    else:
        payload = job.payload
    try:
        payload_json = json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidJob(f"payload is not JSON-compatible: {exc}") from None
    return PreparedJob(
        dispatch_id, job, workload, payload_json, len(payload_json.encode()), job.timeout_s
    )


def _sample_call(workload: Workload, size: int, seed: int) -> SampleCall | None:
    """How a worker builds the sample itself; None if the function cannot be imported by
    path (a lambda or nested function): the host then builds it."""
    qualname = getattr(workload.sample, "__qualname__", "<lambda>")
    if "<" in qualname:
        return None
    return workload.sample.__module__, qualname, size, seed


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
        payload_bytes=prepared.payload_bytes or result.payload_bytes,
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


class ExecutionPort(Protocol):
    """One way of running prepared jobs (an adapter), as the dispatcher uses it."""

    @property
    def max_workers(self) -> int: ...

    def execute_stream[K](
        self, source: Iterable[tuple[K, PreparedJob]]
    ) -> Iterator[list[tuple[K, RunResult]]]:
        """Run ``(key, job)`` pairs as the source gives them; yield ``(key, result)``
        pairs in batches as they finish. The source is read only when a job can
        start at once."""
        ...

    def execute_all(self, prepared: Sequence[PreparedJob]) -> list[RunResult]:
        """Run the jobs (concurrently where possible); results in input order."""
        ...


class AdapterSource(Protocol):
    """Where the dispatcher gets the adapter for a mode and pool size."""

    def adapter(self, mode: ExecutorMode, max_workers: int) -> ExecutionPort: ...


class CapabilityCheck(Protocol):
    """Whether a workload can run in a subinterpreter (the capability probe)."""

    def verdict(self, workload: Workload) -> CapabilityVerdict: ...

    def remember_unsafe(self, workload: Workload, reason: str) -> None: ...
