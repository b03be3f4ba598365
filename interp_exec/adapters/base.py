"""What every adapter shares: preparing a job, and turning raw results into outcomes.

An adapter implements only ``execute_stream`` (how prepared jobs run, as they come, and
how their errors are read); ``execute_all``, ``run`` and ``map`` are written once
here, so a bare adapter is a ``CpuTaskPort`` too (the benchmark uses them that way).
"""

import json
import math
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from interp_exec.adapters.worker import SampleCall, WorkerReply
from interp_exec.domain import (
    CpuJob,
    ExecutorMode,
    InterpExecError,
    InvalidJob,
    JobOutcome,
    JobStatus,
    JsonPayload,
    SamplePayload,
)
from interp_exec.workloads import Workload, get_workload


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


def ok_result(reply: WorkerReply, total_ms: float) -> RunResult:
    result_json, pid, interpreter_id, run_ms, payload_bytes = reply
    return RunResult(
        status=JobStatus.OK,
        value=json.loads(result_json),
        pid=pid,
        interpreter_id=interpreter_id,
        run_ms=run_ms,
        total_ms=total_ms,
        payload_bytes=payload_bytes,
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
    def execute_stream[K](
        self, source: Iterable[tuple[K, PreparedJob]]
    ) -> Iterator[list[tuple[K, RunResult]]]:
        """Run ``(key, job)`` pairs as the source gives them, concurrently where possible;
        yield ``(key, result)`` pairs in batches as they finish. The source is read
        only when the adapter can start a job at once."""

    def execute_all(self, prepared: Sequence[PreparedJob]) -> list[RunResult]:
        """Run the jobs (concurrently where possible); results in input order."""
        results: list[RunResult | None] = [None] * len(prepared)
        for finished in self.execute_stream(enumerate(prepared)):
            for index, result in finished:
                results[index] = result
        return [r for r in results if r is not None]

    def warm(self) -> None:  # noqa: B027 - nothing to start for an adapter without workers
        """Start the workers now, so the first real job does not pay for it."""

    def shutdown(self, *, wait: bool = True) -> None:  # noqa: B027 - likewise
        """Release workers; a later job starts new ones."""

    def run(self, job: CpuJob) -> JobOutcome:
        return self.map([job])[0]

    def map(self, jobs: Sequence[CpuJob]) -> list[JobOutcome]:
        outcomes: list[JobOutcome | None] = [None] * len(jobs)
        for finished in self.stream(enumerate(jobs)):
            for index, outcome in finished:
                outcomes[index] = outcome
        return [o for o in outcomes if o is not None]

    def stream[K](self, jobs: Iterable[tuple[K, CpuJob]]) -> Iterator[list[tuple[K, JobOutcome]]]:
        refused: list[tuple[K, JobOutcome]] = []

        def accepted() -> Iterator[tuple[tuple[K, PreparedJob], PreparedJob]]:
            for key, job in jobs:
                dispatch_id = uuid.uuid4().hex
                try:
                    prepared = prepare(job, dispatch_id)
                except InterpExecError as exc:
                    refused.append((key, refused_outcome(job, dispatch_id, exc, self.mode.value)))
                else:
                    yield (key, prepared), prepared

        mode = self.mode.value
        for finished in self.execute_stream(accepted()):
            outcomes = refused + [
                (key, build_outcome(prepared, result, mode_requested=mode, mode_used=mode))
                for (key, prepared), result in finished
            ]
            refused.clear()
            yield outcomes
        if refused:
            yield refused

    def __enter__(self) -> ExecutionAdapter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
